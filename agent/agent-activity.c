/* The glue of the activity minutes (store/activity.h): opened with the
 * state, told of every state the agent announces and of the data that
 * goes, answered from by Activity. */
#define _GNU_SOURCE
#include "agent.h"
#include "i18n.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define DAY_USEC (86400 * USEC_PER_SEC)

int agent_open_activity(struct agent *a, const char *dir)
{
	char *path = xasprintf("%s/activity", dir), *recovered = NULL;
	uint64_t now = now_usec(), keep = (uint64_t)a->policy.retention_days * DAY_USEC;
	int err = 0;
	a->activity = activity_open(path, now, now > keep ? now - keep : 0, &err, &recovered);
	if (!a->activity)
		log_msg(LOG_LEVEL_ERR, _("cannot open %s: %s"), path, errno_text(-err));
	free(path);
	if (recovered)
		agent_log(a, "state-recovered", CAPCTL_UID_AGENT, "%s", recovered);
	free(recovered);
	return a->activity ? 0 : -1;
}

void agent_note_state(struct agent *a)
{
	static const char *const words[N_ACT_STATES] = {"collecting", "paused", "exempt",
	                                                "suspended", "idle"};
	if (!a->activity)
		return;
	char *reason;
	const char *state = agent_state(a, now_usec(), &reason);
	free(reason);
	for (int s = 0; s < N_ACT_STATES; s++)
		if (strcmp(state, words[s]) == 0 && (!a->act_known || a->act_state != s)) {
			activity_state(a->activity, now_usec(), (enum act_state)s);
			a->act_state = s;
			a->act_known = true;
		}
}

void agent_uncount_segment(struct agent *a, uint64_t id, enum stream st)
{
	const struct seg_events *ev;
	if (!a->activity || spool_read(a->spool, id, &ev) < 0)
		return;
	for (uint32_t i = 0; i < ev->n; i++)
		activity_uncount(a->activity, ev->time[i], st);
}
