/* The policy in force: the file as written, what the person acknowledged
 * of it and the levels they chose, made into a->policy (control/consent.h);
 * the reload on SIGHUP, AcknowledgePolicy and LimitStream. */
#define _GNU_SOURCE
#include "agent.h"
#include "i18n.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void agent_consent_values(const struct agent *a, struct consent_values *out)
{
	char host[256];
	upload_host(a->written.endpoint, host, sizeof host);
	consent_values_of(out, &a->written, host);
}

void agent_apply_consent(struct agent *a)
{
	struct consent_values now;
	struct policy eff;
	agent_consent_values(a, &now);
	consent_effective(&eff, &a->written, &now, &a->consent);
	consent_values_fini(&now);
	policy_fini(&a->policy);
	a->policy = eff; /* the filter and the uploader borrow &a->policy */
}

bool agent_change_waits(const struct agent *a)
{
	struct consent_values now;
	agent_consent_values(a, &now);
	bool w = consent_waiting(&a->consent, &now, a->written.wait_for_acknowledgment);
	consent_values_fini(&now);
	return w;
}

static void warn_line(const char *msg, void *data)
{
	(void)data;
	log_msg(LOG_LEVEL_WARNING, "%s", msg);
}

/* The keys whose value differs between a and b, by name (heap): all of
 * them if need be, never a list cut short (all of them and "; waiting for
 * acknowledgment" are 451 bytes, within agent_log's 511). */
static char *changed_keys(const struct consent_values *a, const struct consent_values *b)
{
	char *out = xstrdup("");
	for (int k = 0; k < N_CONSENT_KEYS; k++)
		if (strcmp(a->v[k], b->v[k]) != 0) {
			char *next =
			    xasprintf("%s%s%s", out, *out ? ", " : "", consent_key_name(k));
			free(out);
			out = next;
		}
	return out;
}

void agent_reload(struct agent *a)
{
	char *error = NULL, *path = NULL;
	struct policy p;
	policy_init(&p);
	path = policy_resolve(a->config_arg);
	int r = policy_load(&p, path, &error, warn_line, NULL);
	if (r == -ENOENT && a->config_arg)
		error = xasprintf("%s: cannot read: %s", path, errno_text(ENOENT));
	if (error) {
		log_msg(LOG_LEVEL_ERR, _("%s; keeping the policy in force"), error);
		free(error);
		free(path);
		policy_fini(&p);
		return;
	}
	struct consent_values before, after;
	char d_before[CONSENT_DIGEST_LEN + 1], d_after[CONSENT_DIGEST_LEN + 1];
	agent_consent_values(a, &before);
	policy_fini(&a->written);
	a->written = p;
	agent_consent_values(a, &after);
	consent_digest(&before, d_before);
	consent_digest(&after, d_after);
	free(a->policy_path);
	a->policy_path = r == 0 ? path : NULL;
	if (r != 0)
		free(path);
	agent_apply_consent(a);
	control_set_limits(&a->control, a->policy.max_pause_minutes * 60,
	                   a->policy.daily_pause_budget_minutes * 60,
	                   a->policy.max_pending_exemptions);
	if (a->policy_path)
		agent_log(a, "policy-loaded", CAPCTL_UID_AGENT, "%s", a->policy_path);
	else
		agent_log_phrase(a, "policy-loaded", CAPCTL_UID_AGENT, PHRASE_H_NO_POLICY);
	if (strcmp(d_before, d_after) != 0) {
		char *keys = changed_keys(&before, &after);
		agent_log(a, "policy-changed", CAPCTL_UID_AGENT, "%s%s", keys,
		          consent_waiting(&a->consent, &after, a->written.wait_for_acknowledgment)
		              ? "; waiting for acknowledgment"
		              : "");
		free(keys);
	}
	consent_values_fini(&before);
	consent_values_fini(&after);
	agent_policy_followups(a);
}

/* Saves next as the consent state and makes it the one in force; -errno
 * and nothing changed when it cannot be saved. next is taken either way. */
static int commit_consent(struct agent *a, struct consent *next)
{
	struct consent old = a->consent;
	a->consent = *next;
	int r = agent_save_state(a);
	if (r < 0) {
		a->consent = old;
		consent_fini(next);
		return r;
	}
	consent_fini(&old);
	agent_apply_consent(a);
	agent_policy_followups(a);
	return 0;
}

enum ack_result agent_acknowledge(struct agent *a, const char *digest, uint32_t uid, int *err)
{
	struct consent next;
	struct consent_values now;
	char current[CONSENT_DIGEST_LEN + 1];
	agent_consent_values(a, &now);
	consent_digest(&now, current);
	if (strcmp(digest, current) != 0) {
		consent_values_fini(&now);
		return ACK_STALE;
	}
	consent_copy(&next, &a->consent);
	consent_values_fini(&next.acked);
	next.acked = now; /* taken */
	memcpy(next.digest, current, sizeof next.digest);
	next.when = now_usec();
	next.has_values = true;
	if ((*err = commit_consent(a, &next)) < 0)
		return ACK_NOT_SAVED;
	agent_log(a, "policy-acknowledged", uid, "%.12s", current);
	return ACK_OK;
}

enum limit_result agent_limit_stream(struct agent *a, enum stream s, const char *level,
                                     uint32_t uid, int *err)
{
	int index = CONSENT_NO_LIMIT;
	if (!a->policy.allow_personal_limits)
		return LIMIT_NOT_ALLOWED;
	if (*level) {
		/* At or below the policy's level; off always. */
		index = consent_level_index(s, level);
		int most = consent_level_rank(s, a->written.fidelity_index[s]);
		if (index < 0 || (index != 0 && consent_level_rank(s, index) > most))
			return LIMIT_BAD_LEVEL;
	}
	struct consent next;
	consent_copy(&next, &a->consent);
	next.limit[s] = index;
	if ((*err = commit_consent(a, &next)) < 0)
		return LIMIT_NOT_SAVED;
	const char *policy_level = policy_stream_values(s)[a->written.fidelity_index[s]];
	if (*level)
		agent_log(a, "stream-limited", uid, "%s: %s (policy: %s)", stream_id(s), level,
		          policy_level);
	else
		agent_log(a, "stream-unlimited", uid, "%s (policy: %s)", stream_id(s),
		          policy_level);
	return LIMIT_OK;
}
