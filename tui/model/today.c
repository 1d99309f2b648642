/* The Overview's "Today": the steps of the day Activity gave, kept until
 * the next answer so the strip never goes blank between two. */
#include "model/model.h"
#include "contract.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void model_today_reset(struct model *m)
{
	free(m->today.steps);
	free(m->today.error);
	m->today = (struct model_today){0};
}

unsigned model_today_reply(struct model *m, const struct strip_day *d, uint64_t asked_to,
                           DBusMessage *reply)
{
	struct contract_activity a;
	struct contract_fault f;
	uint64_t len = (uint64_t)d->step * 1000000;
	uint64_t asked = asked_to > d->start ? (asked_to - d->start + len - 1) / len : 0;
	enum contract_result r = contract_read_activity(
	    reply, asked > UINT32_MAX ? UINT32_MAX : (uint32_t)asked, &a, &f);
	if (r != CONTRACT_OK) {
		const char *msg = r == CONTRACT_REFUSED && !*f.message ? f.name : f.message;
		model_today_reset(m);
		m->today.error = xstrdup(msg);
		m->today.known = true;
		if (r == CONTRACT_MALFORMED) {
			free(m->fault);
			m->fault = f.message;
			f.message = NULL;
		}
		contract_fault_fini(&f);
		return MODEL_DIRTY_TODAY;
	}
	model_today_reset(m);
	m->today.day = *d;
	m->today.steps = a.rows;
	m->today.n = a.n;
	m->today.known = true;
	return MODEL_DIRTY_TODAY;
}
