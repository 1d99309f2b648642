/* Which events are kept and in what form: the gates (paused, exempt,
 * screen locked, excluded application, fidelity off) and the fidelity
 * reductions of the contract's stream table. Pure: no I/O, time comes with
 * the events. */
#ifndef CAPTURED_FILTER_H
#define CAPTURED_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "control/policy.h"

/* The filter's own state: set and read through the functions below. */
struct filter {
	const struct policy *policy; /* borrowed */

	/* The gates, set by their owners through filter_set_consent,
	 * filter_set_locked and filter_set_saver. */
	bool paused;
	/* The session's screen is locked: nothing at all is kept. */
	bool locked;
	/* The battery saver: motion at most SAVER_MOTION_HZ, any fidelity. */
	bool saver;
	bool exempt[N_STREAMS];

	/* The focused application (updated even while nothing is kept, so
	 * exclusion is right the moment recording resumes). */
	char app[64];
	bool suspended; /* app is on the exclusion list */

	/* Reduced motion: the latest position of the current interval. */
	bool held;
	uint64_t held_slot;
	struct event held_ev;
};

#define SAVER_MOTION_HZ 10

/* Positions a second that motion is downsampled to now, 0 for all. */
uint32_t filter_motion_hz(const struct filter *f);

typedef void (*filter_emit_fn)(const struct event *e, void *data);

void filter_init(struct filter *f, const struct policy *p);
/* Passes e through the gates; emit is called for what is kept (now, or for
 * a held motion later, from filter_feed or filter_flush). */
void filter_feed(struct filter *f, const struct event *e, filter_emit_fn emit, void *data);
/* Emits a held motion whose interval ended before now (all = any held). */
void filter_flush(struct filter *f, uint64_t now, bool all, filter_emit_fn emit, void *data);
/* When a held motion's interval ends (realtime), or 0. */
uint64_t filter_deadline(const struct filter *f);

/* The gates, from their owners: the consent state (a pause, the streams
 * under an exemption) and the session (the screen locked, the battery
 * saver). Before a gate closes, and before the saver turns on or off, a
 * held position is emitted: what was kept before is still kept. */
void filter_set_consent(struct filter *f, bool paused, const bool exempt[N_STREAMS], uint64_t now,
                        filter_emit_fn emit, void *data);
void filter_set_locked(struct filter *f, bool locked, uint64_t now, filter_emit_fn emit,
                       void *data);
void filter_set_saver(struct filter *f, bool saver, uint64_t now, filter_emit_fn emit, void *data);
bool filter_locked(const struct filter *f);
bool filter_saver(const struct filter *f);
/* The focused application, and whether the policy excludes it. */
const char *filter_app(const struct filter *f);
bool filter_suspended(const struct filter *f);
/* Lets go of a held position of stream st (N_STREAMS: any) whose time is
 * in [from, to]: it is never emitted. */
void filter_forget_held(struct filter *f, enum stream st, uint64_t from, uint64_t to);

/* The contract's key category of a Linux key code. */
const char *key_category(int32_t code);

#endif
