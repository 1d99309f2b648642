/* The model's Consent and PersonalLimits: copied from what the decoder
 * read (contract.h), so the views never see a half-read property. */
#include "model/model.h"
#include "contract.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static bool same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

void model_consent_clear(struct model *m)
{
	struct model_consent *c = &m->consent;
	for (size_t i = 0; i < c->n_changes; i++) {
		free(c->changes[i].key);
		free(c->changes[i].then);
		free(c->changes[i].now);
	}
	free(c->changes);
	free(c->digest);
	free(c->acknowledged_digest);
	*c = (struct model_consent){0};
}

unsigned model_set_consent(struct model *m, const struct contract_consent *c)
{
	model_consent_clear(m);
	struct model_consent *mc = &m->consent;
	mc->digest = xstrdup(c->digest ? c->digest : "");
	mc->acknowledged_digest = xstrdup(c->acknowledged_digest ? c->acknowledged_digest : "");
	mc->acknowledged = c->acknowledged;
	mc->wait = c->wait_for_acknowledgment;
	mc->waiting = c->waiting;
	mc->changes = c->n_changes ? xcalloc(c->n_changes, sizeof *mc->changes) : NULL;
	for (size_t i = 0; i < c->n_changes; i++)
		mc->changes[i] =
		    (struct model_change){xstrdup(c->changes[i].key), xstrdup(c->changes[i].then),
		                          xstrdup(c->changes[i].now)};
	mc->n_changes = c->n_changes;
	return MODEL_DIRTY_CONSENT | MODEL_DIRTY_STATE;
}

unsigned model_set_limits(struct model *m, const struct contract_limit *l, size_t n)
{
	for (size_t i = 0; i < m->n_limits; i++) {
		free(m->limits[i].stream);
		free(m->limits[i].level);
	}
	free(m->limits);
	m->limits = n ? xcalloc(n, sizeof *m->limits) : NULL;
	for (size_t i = 0; i < n; i++)
		m->limits[i] = (struct model_limit){xstrdup(contract_stream_name(l[i].stream)),
		                                    xstrdup(l[i].fidelity)};
	m->n_limits = n;
	return MODEL_DIRTY_CONSENT | MODEL_DIRTY_COUNTERS;
}

const char *model_limit_of(const struct model *m, const char *id)
{
	for (size_t i = 0; i < m->n_limits; i++)
		if (same(m->limits[i].stream, id))
			return m->limits[i].level;
	return NULL;
}
