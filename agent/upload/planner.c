/* The upload planner: one transfer at a time, deletion requests first
 * (they are small and the person asked for them), then batches of pending
 * segments. Pure: time comes in a plan_clock, results as plan_result. */
#include "upload/planner.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define BACKOFF_MIN_USEC USEC_PER_SEC
#define BACKOFF_MAX_USEC (300 * USEC_PER_SEC)

struct planner {
	const struct policy *policy;
	const char *deferred; /* from the agent */
	bool cap_reached;
	bool waiting;                            /* the last plan was PLAN_WAIT */
	enum plan_action flight;                 /* in flight, or PLAN_IDLE */
	struct plan_deletion *deletions, **tail; /* oldest first */

	int64_t day; /* of bytes_today */
	uint64_t bytes_today, bytes_total, last_upload, last_attempt;
	uint64_t uploaded_until; /* the newest event time a server accepted */
	uint64_t next_upload;    /* when the next batch is due by the interval */
	uint64_t retry_at;       /* after a failure, nothing before this */
	unsigned failures;
	uint64_t rng;
	struct {
		uint64_t second, bytes;
	} rate[PLAN_RATE_WINDOW];
};

struct planner *planner_new(const struct policy *policy, const struct plan_clock *c)
{
	struct planner *p = xcalloc(1, sizeof *p);
	p->policy = policy;
	p->deferred = "";
	p->tail = &p->deletions;
	p->rng = c->now | 1;
	p->day = c->day;
	/* The first upload waits a moment after start, so the battery and
	 * network state (asked of UPower and NetworkManager without
	 * blocking) are known before anything is sent. */
	p->next_upload = c->now + PLAN_STARTUP_DELAY_USEC;
	return p;
}

static void pop_deletion(struct planner *p)
{
	struct plan_deletion *d = p->deletions;
	p->deletions = d->next;
	if (!p->deletions)
		p->tail = &p->deletions;
	free(d->ids);
	free(d);
}

void planner_free(struct planner *p)
{
	if (!p)
		return;
	while (p->deletions)
		pop_deletion(p);
	free(p);
}

/* ---- the day, the cap, the counters ---- */

static void roll_day(struct planner *p, const struct plan_clock *c)
{
	if (c->day != p->day) {
		p->day = c->day;
		p->bytes_today = 0;
		p->cap_reached = false;
	}
}

static uint64_t cap_bytes(const struct planner *p)
{
	return (uint64_t)p->policy->daily_cap_mb * 1000000;
}

static void count_bytes(struct planner *p, const struct plan_clock *c, uint64_t n)
{
	uint64_t sec = c->now / USEC_PER_SEC;
	roll_day(p, c);
	p->bytes_today += n;
	p->bytes_total += n;
	if (p->rate[sec % PLAN_RATE_WINDOW].second != sec)
		p->rate[sec % PLAN_RATE_WINDOW].bytes = 0;
	p->rate[sec % PLAN_RATE_WINDOW].second = sec;
	p->rate[sec % PLAN_RATE_WINDOW].bytes += n;
}

/* After the n-th failure in a row: 1 s doubling to 300 s, with jitter in
 * [d/2, d] so many agents do not retry in step. */
static uint64_t backoff(struct planner *p)
{
	uint64_t d = BACKOFF_MIN_USEC << (p->failures > 9 ? 9 : p->failures - 1);
	if (d > BACKOFF_MAX_USEC)
		d = BACKOFF_MAX_USEC;
	p->rng ^= p->rng << 13;
	p->rng ^= p->rng >> 7;
	p->rng ^= p->rng << 17;
	return d / 2 + p->rng % (d / 2 + 1);
}

static const char *deferral(const struct planner *p)
{
	if (*p->deferred)
		return p->deferred;
	return p->cap_reached ? "cap-reached" : "";
}

/* ---- the plan ---- */

bool planner_ready(const struct planner *p)
{
	return p->flight == PLAN_IDLE && *p->policy->endpoint;
}

static struct plan plan_wait(struct planner *p, uint64_t at)
{
	p->waiting = true;
	return (struct plan){PLAN_WAIT, at};
}

struct plan planner_next(struct planner *p, const struct plan_clock *c, bool pending)
{
	roll_day(p, c);
	p->waiting = false;
	if (!planner_ready(p))
		return (struct plan){PLAN_IDLE, 0};
	bool offline = strcmp(p->deferred, "offline") == 0;
	bool deletion = p->deletions && !offline;
	bool batch = pending && !*deferral(p);
	if (cap_bytes(p) && p->bytes_today >= cap_bytes(p))
		p->cap_reached = true;
	/* Nothing more until midnight renews the cap; deletions still go. */
	if (p->cap_reached && pending && !deletion)
		return plan_wait(p, c->midnight);
	if (!deletion && !batch)
		return (struct plan){PLAN_IDLE, 0};
	/* Deletions wait only for a backoff; batches for the interval too. */
	uint64_t due = p->retry_at;
	if (!deletion && p->next_upload > due)
		due = p->next_upload;
	if (due > c->now)
		return plan_wait(p, due);
	return (struct plan){deletion ? PLAN_DELETE : PLAN_BATCH, 0};
}

enum plan_fit planner_fit(struct planner *p, uint64_t batch_bytes, uint64_t seg_bytes)
{
	uint64_t room = cap_bytes(p) ? cap_bytes(p) - p->bytes_today : UINT64_MAX;
	if (batch_bytes + seg_bytes > room ||
	    (batch_bytes && batch_bytes + seg_bytes > PLAN_BATCH_MAX)) {
		if (batch_bytes == 0 && seg_bytes > room)
			p->cap_reached = true;
		return PLAN_FIT_FULL;
	}
	return PLAN_FIT_TAKE;
}

void planner_started(struct planner *p, enum plan_action what, const struct plan_clock *c)
{
	p->flight = what;
	p->last_attempt = c->now;
}

enum plan_action planner_in_flight(const struct planner *p)
{
	return p->flight;
}

void planner_done(struct planner *p, const struct plan_clock *c, const struct plan_result *r)
{
	enum plan_action was = p->flight;
	p->flight = PLAN_IDLE;
	count_bytes(p, c, r->sent);
	if (!r->ok) {
		p->failures++;
		p->retry_at = c->now + backoff(p);
		return;
	}
	p->failures = 0;
	p->retry_at = 0;
	if (was == PLAN_DELETE) {
		pop_deletion(p);
		return;
	}
	if (r->newest > p->uploaded_until)
		p->uploaded_until = r->newest;
	p->last_upload = c->now;
	/* A backlog larger than one batch goes on at once; otherwise the
	 * next upload is an interval after this one. */
	bool more = r->more_pending && !p->cap_reached;
	p->next_upload =
	    more ? 0 : p->last_attempt + (uint64_t)p->policy->interval_seconds * USEC_PER_SEC;
}

bool planner_defer(struct planner *p, const char *reason)
{
	if (strcmp(p->deferred, reason) == 0)
		return false;
	p->deferred = reason;
	/* Back from a deferral, what waited goes now (a backoff still holds). */
	if (!*reason)
		p->next_upload = 0;
	return true;
}

void planner_note_deferral(struct planner *p, const char *reason)
{
	p->deferred = reason;
}

bool planner_capped(const struct planner *p)
{
	return p->cap_reached;
}

/* ---- deletions ---- */

static void queue(struct planner *p, struct plan_deletion *d)
{
	*p->tail = d;
	p->tail = &d->next;
}

void planner_queue_ids(struct planner *p, const uint64_t *ids, size_t n)
{
	if (!n)
		return;
	struct plan_deletion *d = xcalloc(1, sizeof *d);
	d->ids = xcalloc(n, sizeof *ids);
	memcpy(d->ids, ids, n * sizeof *ids);
	d->n = n;
	queue(p, d);
}

void planner_queue_span(struct planner *p, uint64_t from, uint64_t to)
{
	struct plan_deletion *d = xcalloc(1, sizeof *d);
	d->from = from;
	d->to = to;
	queue(p, d);
}

const struct plan_deletion *planner_deletions(const struct planner *p)
{
	return p->deletions;
}

/* ---- figures and the state file ---- */

uint64_t planner_uploaded_until(const struct planner *p)
{
	return p->uploaded_until;
}

void planner_info(struct planner *p, const struct plan_clock *c, struct plan_info *out)
{
	uint64_t sec = c->now / USEC_PER_SEC, sum = 0;
	roll_day(p, c);
	for (int i = 0; i < PLAN_RATE_WINDOW; i++)
		if (p->rate[i].second + PLAN_RATE_WINDOW > sec)
			sum += p->rate[i].bytes;
	*out = (struct plan_info){
	    .bytes_today = p->bytes_today,
	    .bytes_total = p->bytes_total,
	    .daily_cap = cap_bytes(p),
	    .rate_bps = (double)sum / PLAN_RATE_WINDOW,
	    .next_upload = !p->waiting                    ? 0
	                   : p->cap_reached               ? c->midnight
	                   : p->next_upload > p->retry_at ? p->next_upload
	                                                  : p->retry_at,
	    .last_upload = p->last_upload,
	    .deferred = *p->policy->endpoint ? deferral(p) : "",
	};
}

void planner_save(const struct planner *p, struct plan_counters *out)
{
	*out = (struct plan_counters){p->day, p->bytes_today, p->bytes_total, p->last_upload,
	                              p->uploaded_until};
}

void planner_restore(struct planner *p, const struct plan_counters *in, const struct plan_clock *c)
{
	p->day = in->day;
	p->bytes_today = in->bytes_today;
	p->bytes_total = in->bytes_total;
	p->last_upload = in->last_upload;
	p->uploaded_until = in->uploaded_until;
	roll_day(p, c);
}
