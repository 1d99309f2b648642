/* The control state machine: pause, resume, auto-resume, the daily pause
 * budget and the exemption lifecycle. Pure: it does no I/O and takes the
 * time (realtime microseconds) as an argument, so tests can move the clock.
 * Messages for people are made by the caller from the results. */
#ifndef CAPTURED_CONTROL_H
#define CAPTURED_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "names.h"

enum ctl_result {
	CTL_OK = 0,
	CTL_INVALID_DURATION,
	CTL_BUDGET_EXHAUSTED,
	CTL_BAD_SCOPE,
	CTL_BAD_CATEGORY,
	CTL_BAD_REASON,
	CTL_BAD_NOTE,
	CTL_BAD_DAYS,
	CTL_TOO_MANY_PENDING,
	CTL_NO_SUCH_EXEMPTION,
	CTL_NOT_ALLOWED,
};

enum ex_status { EX_PENDING, EX_APPROVED, EX_DENIED, EX_WITHDRAWN, EX_EXPIRED };

#define EXEMPTION_REASON_MAX 2000
#define EXEMPTION_DAYS_MAX 365
#define EXEMPTION_KEEP_USEC (90ULL * 86400 * 1000000) /* listed after ending */

struct exemption {
	char id[16]; /* "EX-12" */
	char *scope; /* "all" or a stream id */
	char *category;
	enum ex_status status;
	char *reason;
	char *note;
	uint64_t created, expires, ended; /* expires 0 until approved */
	uint32_t days;
	uint32_t uid; /* who asked */
};

struct control {
	/* Limits, from the policy. */
	uint32_t max_pause_seconds;
	uint32_t budget_seconds; /* 0 = no daily limit */
	uint32_t max_pending;

	uint64_t paused_until; /* 0 = not paused */
	uint64_t charge_from;  /* while paused: from when the budget is charged */
	int64_t budget_day;    /* local_day() the figure below belongs to */
	uint64_t budget_used;  /* usec of pause charged to budget_day, closed parts */
	uint32_t next_id;
	struct exemption *ex; /* oldest first */
	size_t n_ex;
};

/* What tick did, for the caller to log and announce. */
enum ctl_event { CTL_EV_AUTO_RESUME, CTL_EV_EXPIRED, CTL_EV_DROPPED, CTL_EV_NEW_DAY };
typedef void (*ctl_event_fn)(enum ctl_event ev, const struct exemption *ex, void *data);

void control_init(struct control *c, uint32_t max_pause_seconds, uint32_t budget_seconds,
                  uint32_t max_pending);
void control_fini(struct control *c);
void control_set_limits(struct control *c, uint32_t max_pause_seconds, uint32_t budget_seconds,
                        uint32_t max_pending);

bool control_paused(const struct control *c, uint64_t now);
uint32_t control_budget_left(const struct control *c, uint64_t now);

enum ctl_result control_pause(struct control *c, uint32_t seconds, uint64_t now, uint64_t *until);
/* Returns true if a pause was ended. */
bool control_resume(struct control *c, uint64_t now);

/* Advances to now: auto-resume, expiries, dropping old requests, the new
 * budget day. Calls fn for each thing that happened. */
void control_tick(struct control *c, uint64_t now, ctl_event_fn fn, void *data);
/* The next realtime moment tick has something to do, or 0. */
uint64_t control_next_deadline(const struct control *c, uint64_t now);

enum ctl_result control_request(struct control *c, const char *scope, const char *category,
                                const char *reason, uint32_t days, uint32_t uid, uint64_t now,
                                const struct exemption **out);
enum ctl_result control_withdraw(struct control *c, const char *id, uint64_t now,
                                 const struct exemption **out);
enum ctl_result control_decide(struct control *c, const char *id, bool approve, const char *note,
                               uint64_t now, const struct exemption **out);

/* The approved exemption in force that covers stream s (scope all or s),
 * or with s == N_STREAMS one of scope all; NULL if none. */
const struct exemption *control_exemption_for(const struct control *c, int s, uint64_t now);
size_t control_pending(const struct control *c);

/* A string of at most max bytes, valid UTF-8, no control characters but
 * newline; empty allowed only if allow_empty. */
bool control_text_ok(const char *s, size_t max, bool allow_empty);

const char *ex_status_name(enum ex_status s);
extern const char *const exemption_categories[];

/* A deep copy, for a change to be saved before it is made. */
void control_copy(struct control *dst, const struct control *src);

/* The words of the contract, for a loader to check (store/state.c). */
bool control_scope_ok(const char *scope);
bool control_category_ok(const char *category);
/* The status named name (its ex_status_name); false if none. */
bool ex_status_parse(const char *name, enum ex_status *out);

#endif
