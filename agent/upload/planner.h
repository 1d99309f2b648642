/* The uploader's rules without I/O: what to send next and when, what fits
 * in a batch, the daily cap, the backoff after a failure, the deferrals and
 * the queue of deletion requests. The edge (upload.c) reads the clock and
 * the spool, passes them in, and does with curl what the plan says. */
#ifndef CAPTURED_PLANNER_H
#define CAPTURED_PLANNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control/policy.h"

#define PLAN_BATCH_MAX (4u << 20) /* bytes of segments per request */
#define PLAN_RATE_WINDOW 60       /* seconds the upload rate is averaged over */
#define PLAN_STARTUP_DELAY_USEC (3 * 1000000ULL)

/* The time as the planner sees it: the edge reads it once per turn. */
struct plan_clock {
	uint64_t now;      /* realtime µs */
	int64_t day;       /* the agent's day of now (local_day) */
	uint64_t midnight; /* realtime µs of the midnight that ends that day */
};

/* A queued deletion request: ids, or (ids NULL) a span of event times. */
struct plan_deletion {
	uint64_t *ids;
	size_t n;
	uint64_t from, to;
	struct plan_deletion *next;
};

enum plan_action {
	PLAN_IDLE,   /* nothing to do until something changes */
	PLAN_WAIT,   /* ask again at plan.at */
	PLAN_DELETE, /* send the oldest deletion request */
	PLAN_BATCH,  /* send a batch of pending segments (see planner_fit) */
};

struct plan {
	enum plan_action action;
	uint64_t at; /* PLAN_WAIT: realtime µs */
};

/* What a transfer came to. */
struct plan_result {
	bool ok;           /* a 2xx */
	uint64_t sent;     /* bytes that went out, even on failure */
	uint64_t newest;   /* a batch: the newest event time in it */
	bool more_pending; /* a batch: the spool still has pending segments */
};

/* Whether the next pending segment goes into the batch being built. */
enum plan_fit { PLAN_FIT_TAKE, PLAN_FIT_FULL };

/* The figures of the Upload property the planner owns. */
struct plan_info {
	uint64_t bytes_today, bytes_total, daily_cap;
	double rate_bps;
	uint64_t next_upload, last_upload;
	const char *deferred;
};

/* What the state file keeps of the planner, deletions aside. */
struct plan_counters {
	int64_t day;
	uint64_t bytes_today, bytes_total, last_upload, uploaded_until;
};

struct planner;

/* policy is borrowed and outlives the planner. The first batch waits
 * PLAN_STARTUP_DELAY_USEC after c->now. */
struct planner *planner_new(const struct policy *policy, const struct plan_clock *c);
void planner_free(struct planner *p);

/* The next step. pending: the spool has segments not yet uploaded. */
struct plan planner_next(struct planner *p, const struct plan_clock *c, bool pending);
/* Nothing is in flight and there is an endpoint: planner_next may start
 * something, and the deferral is worth asking again. */
bool planner_ready(const struct planner *p);
/* Building a PLAN_BATCH: whether a segment of seg_bytes goes after the
 * batch_bytes taken so far. A first segment past the cap marks the cap
 * reached. */
enum plan_fit planner_fit(struct planner *p, uint64_t batch_bytes, uint64_t seg_bytes);
/* The edge started the transfer planner_next asked for (PLAN_DELETE or
 * PLAN_BATCH); it could not when it does not call this. */
void planner_started(struct planner *p, enum plan_action what, const struct plan_clock *c);
/* The transfer in flight ended. A deletion that succeeded leaves the
 * queue. */
void planner_done(struct planner *p, const struct plan_clock *c, const struct plan_result *r);
/* PLAN_DELETE or PLAN_BATCH while one is in flight, else PLAN_IDLE. */
enum plan_action planner_in_flight(const struct planner *p);

/* Why the agent wants nothing sent now ("" to allow it; a borrowed
 * literal). False when it is what it was, and nothing changed. */
bool planner_defer(struct planner *p, const char *reason);
/* The deferral as the agent says it when asked before a turn: taken as it
 * is, without planner_defer's "what waited goes now". */
void planner_note_deferral(struct planner *p, const char *reason);
/* Today's cap is reached: no batch before midnight. */
bool planner_capped(const struct planner *p);

/* Queues a deletion request of n ids (copied; none queues nothing), or of
 * the span [from, to], after the others. */
void planner_queue_ids(struct planner *p, const uint64_t *ids, size_t n);
void planner_queue_span(struct planner *p, uint64_t from, uint64_t to);
/* The oldest deletion request (the one PLAN_DELETE sends), or NULL; the
 * others follow through next. */
const struct plan_deletion *planner_deletions(const struct planner *p);

/* The newest event time of all a server has accepted, or 0. */
uint64_t planner_uploaded_until(const struct planner *p);
void planner_info(struct planner *p, const struct plan_clock *c, struct plan_info *out);
void planner_save(const struct planner *p, struct plan_counters *out);
/* The counters saved at the last stop, on the day c says. */
void planner_restore(struct planner *p, const struct plan_counters *in, const struct plan_clock *c);

#endif
