/* Activity: per minute, how many events were kept per stream and how many
 * seconds each state held, for the Activity method (the day's timeline).
 * Counts only, never events. State time is folded in when the state
 * changes or is asked about, so nothing runs while nothing happens.
 *
 * The file ("activity" beside the state file) is text, appended to as
 * minutes end, rewritten whole when the agent starts:
 *   capctl-activity 1
 *   MINUTE C C C C C S S S S S
 * MINUTE is the minute since the epoch, C the events kept per stream in
 * the contract's order, S the milliseconds of collecting, paused,
 * exempt, suspended and idle in it (at most 60000 in all). A later line
 * for the same minute replaces an earlier one. Every value is checked; a
 * file that does not read is kept aside and the agent starts with no
 * activity. A SIGKILL loses at most the minute under way. */
#ifndef CAPTURED_ACTIVITY_H
#define CAPTURED_ACTIVITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "names.h"

/* The states of the contract's Activity, in its words' order; ACT_OFF is
 * time the agent was not running (no state covers it). */
enum act_state {
	ACT_COLLECTING,
	ACT_PAUSED,
	ACT_EXEMPT,
	ACT_SUSPENDED,
	ACT_IDLE,
	ACT_OFF,
	N_ACT_STATES = ACT_OFF
};

struct activity;

/* Opens path (made when missing), keeping minutes from keep_from on. NULL
 * with *err = -errno when it cannot be read or written. A file that does
 * not read is renamed aside: *recovered (heap) then says where. */
struct activity *activity_open(const char *path, uint64_t now, uint64_t keep_from, int *err,
                               char **recovered);
/* Folds the time since the last call into the state held until now, then
 * writes what ended, and frees a. */
void activity_close(struct activity *a, uint64_t now);

/* An event of stream s kept at time t (realtime µs), or taken away. */
void activity_count(struct activity *a, uint64_t t, enum stream s);
void activity_uncount(struct activity *a, uint64_t t, enum stream s);
/* The state from now on (the time before now goes to the previous one). */
void activity_state(struct activity *a, uint64_t now, enum act_state st);
/* No counts in the minutes from the one from falls in to the one before
 * the one to falls in (Forget, and segments the spool's cap deleted). */
void activity_forget(struct activity *a, uint64_t from, uint64_t to);
/* Minutes that end before cutoff go. */
void activity_expire(struct activity *a, uint64_t cutoff);
/* Appends the minutes that ended and changed since the last flush: 0 or
 * -errno. */
int activity_flush(struct activity *a, uint64_t now);

/* One step of Activity. */
struct act_step {
	uint64_t start;
	uint32_t events[N_STREAMS];
	enum act_state state; /* that held most of it */
};
/* Steps of step seconds from from while before to (the caller checked
 * the bounds), as of now: a step's minutes count by their start. */
void activity_steps(struct activity *a, uint64_t from, uint64_t to, uint32_t step, uint64_t now,
                    struct act_step *out, size_t n);

const char *act_state_name(enum act_state s);

#endif
