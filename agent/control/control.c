/* Pause and exemption rules of the contract. The budget is charged by time
 * actually paused: charge_from marks where the running pause's uncharged
 * time starts, and each local day gets its own part. */
#define _GNU_SOURCE
#include "control/control.h"
#include "control/policy.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const exemption_categories[] = {
    "medical", "legal", "accessibility", "works-council", "personal", "other", NULL,
};

static const char *const status_names[] = {"pending", "approved", "denied", "withdrawn", "expired"};

const char *ex_status_name(enum ex_status s)
{
	return status_names[s];
}

void control_init(struct control *c, uint32_t max_pause_seconds, uint32_t budget_seconds,
                  uint32_t max_pending)
{
	*c = (struct control){.next_id = 1};
	control_set_limits(c, max_pause_seconds, budget_seconds, max_pending);
}

void control_set_limits(struct control *c, uint32_t max_pause_seconds, uint32_t budget_seconds,
                        uint32_t max_pending)
{
	c->max_pause_seconds = max_pause_seconds;
	c->budget_seconds = budget_seconds;
	c->max_pending = max_pending;
}

static void ex_free(struct exemption *e)
{
	free(e->scope);
	free(e->category);
	free(e->reason);
	free(e->note);
}

void control_fini(struct control *c)
{
	for (size_t i = 0; i < c->n_ex; i++)
		ex_free(&c->ex[i]);
	free(c->ex);
	c->ex = NULL;
	c->n_ex = 0;
}

bool control_paused(const struct control *c, uint64_t now)
{
	return c->paused_until > now;
}

/* Charges the running pause up to t (t >= charge_from), starting a new
 * budget day where t is on one. */
static void charge(struct control *c, uint64_t t)
{
	int64_t day = local_day(t);
	if (day != c->budget_day) {
		c->budget_day = day;
		c->budget_used = 0;
		if (c->paused_until) {
			uint64_t m = local_midnight(t);
			if (c->charge_from < m)
				c->charge_from = m;
		}
	}
	if (c->paused_until && t > c->charge_from) {
		c->budget_used += t - c->charge_from;
		c->charge_from = t;
	}
}

static uint64_t used_at(const struct control *c, uint64_t now)
{
	uint64_t used = local_day(now) == c->budget_day ? c->budget_used : 0;
	if (control_paused(c, now)) {
		uint64_t from = c->charge_from, m = local_midnight(now);
		if (from < m)
			from = m;
		if (now > from)
			used += now - from;
	}
	return used;
}

uint32_t control_budget_left(const struct control *c, uint64_t now)
{
	if (!c->budget_seconds)
		return c->max_pause_seconds;
	uint64_t used = used_at(c, now) / USEC_PER_SEC;
	return used >= c->budget_seconds ? 0 : c->budget_seconds - (uint32_t)used;
}

enum ctl_result control_pause(struct control *c, uint32_t seconds, uint64_t now, uint64_t *until)
{
	if (seconds == 0 || seconds > c->max_pause_seconds)
		return CTL_INVALID_DURATION;
	if (c->budget_seconds && seconds > control_budget_left(c, now))
		return CTL_BUDGET_EXHAUSTED;
	bool was_paused = control_paused(c, now);
	charge(c, now);
	if (!was_paused)
		c->charge_from = now;
	c->paused_until = now + (uint64_t)seconds * USEC_PER_SEC;
	*until = c->paused_until;
	return CTL_OK;
}

static void end_pause(struct control *c, uint64_t at)
{
	charge(c, at);
	c->paused_until = 0;
	c->charge_from = 0;
}

bool control_resume(struct control *c, uint64_t now)
{
	if (!control_paused(c, now))
		return false;
	end_pause(c, now);
	return true;
}

void control_tick(struct control *c, uint64_t now, ctl_event_fn fn, void *data)
{
	if (c->paused_until && c->paused_until <= now) {
		end_pause(c, c->paused_until);
		fn(CTL_EV_AUTO_RESUME, NULL, data);
	}
	if (c->budget_seconds && local_day(now) != c->budget_day) {
		bool had = c->budget_used > 0 || c->paused_until;
		charge(c, now);
		if (had)
			fn(CTL_EV_NEW_DAY, NULL, data);
	}
	for (size_t i = 0; i < c->n_ex; i++) {
		struct exemption *e = &c->ex[i];
		if (e->status == EX_APPROVED && e->expires <= now) {
			e->status = EX_EXPIRED;
			e->ended = e->expires;
			fn(CTL_EV_EXPIRED, e, data);
		}
	}
	size_t j = 0;
	for (size_t i = 0; i < c->n_ex; i++) {
		struct exemption *e = &c->ex[i];
		if (e->ended && now - e->ended > EXEMPTION_KEEP_USEC && e->ended < now) {
			fn(CTL_EV_DROPPED, e, data);
			ex_free(e);
		} else {
			c->ex[j++] = *e;
		}
	}
	c->n_ex = j;
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	return !a || (b && b < a) ? b : a;
}

uint64_t control_next_deadline(const struct control *c, uint64_t now)
{
	uint64_t t = c->paused_until;
	if (c->budget_seconds && (used_at(c, now) > 0 || c->paused_until))
		t = earliest(t, next_local_midnight(now));
	for (size_t i = 0; i < c->n_ex; i++) {
		const struct exemption *e = &c->ex[i];
		if (e->status == EX_APPROVED)
			t = earliest(t, e->expires);
		else if (e->ended)
			t = earliest(t, e->ended + EXEMPTION_KEEP_USEC + 1);
	}
	return t;
}

bool control_text_ok(const char *s, size_t max, bool allow_empty)
{
	size_t n = strlen(s);
	if (n > max || (n == 0 && !allow_empty) || !utf8_valid(s, n))
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
			return false;
		/* U+0080..U+009F, the C1 controls, are 0xc2 0x80..0x9f. */
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return false;
	}
	return true;
}

bool control_scope_ok(const char *scope)
{
	if (strcmp(scope, "all") == 0)
		return true;
	for (int s = 0; s < N_STREAMS; s++)
		if (strcmp(scope, stream_id((enum stream)s)) == 0)
			return true;
	return false;
}

bool control_category_ok(const char *cat)
{
	for (int i = 0; exemption_categories[i]; i++)
		if (strcmp(cat, exemption_categories[i]) == 0)
			return true;
	return false;
}

size_t control_pending(const struct control *c)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n_ex; i++)
		n += c->ex[i].status == EX_PENDING;
	return n;
}

enum ctl_result control_request(struct control *c, const char *scope, const char *category,
                                const char *reason, uint32_t days, uint32_t uid, uint64_t now,
                                const struct exemption **out)
{
	if (!control_scope_ok(scope))
		return CTL_BAD_SCOPE;
	if (!control_category_ok(category))
		return CTL_BAD_CATEGORY;
	if (!control_text_ok(reason, EXEMPTION_REASON_MAX, false))
		return CTL_BAD_REASON;
	if (days < 1 || days > EXEMPTION_DAYS_MAX)
		return CTL_BAD_DAYS;
	if (control_pending(c) >= c->max_pending)
		return CTL_TOO_MANY_PENDING;
	c->ex = xrealloc(c->ex, (c->n_ex + 1) * sizeof *c->ex);
	struct exemption *e = &c->ex[c->n_ex++];
	*e = (struct exemption){
	    .scope = xstrdup(scope),
	    .category = xstrdup(category),
	    .status = EX_PENDING,
	    .reason = xstrdup(reason),
	    .note = xstrdup(""),
	    .created = now,
	    .days = days,
	    .uid = uid,
	};
	snprintf(e->id, sizeof e->id, "EX-%" PRIu32, c->next_id++);
	*out = e;
	return CTL_OK;
}

static struct exemption *find(struct control *c, const char *id)
{
	for (size_t i = 0; i < c->n_ex; i++)
		if (strcmp(c->ex[i].id, id) == 0)
			return &c->ex[i];
	return NULL;
}

enum ctl_result control_withdraw(struct control *c, const char *id, uint64_t now,
                                 const struct exemption **out)
{
	struct exemption *e = find(c, id);
	if (!e)
		return CTL_NO_SUCH_EXEMPTION;
	*out = e;
	if (e->status != EX_PENDING && e->status != EX_APPROVED)
		return CTL_NOT_ALLOWED;
	e->status = EX_WITHDRAWN;
	e->ended = now;
	return CTL_OK;
}

enum ctl_result control_decide(struct control *c, const char *id, bool approve, const char *note,
                               uint64_t now, const struct exemption **out)
{
	struct exemption *e = find(c, id);
	if (!e)
		return CTL_NO_SUCH_EXEMPTION;
	*out = e;
	if (!control_text_ok(note, EXEMPTION_REASON_MAX, true))
		return CTL_BAD_NOTE;
	if (e->status != EX_PENDING)
		return CTL_NOT_ALLOWED;
	free(e->note);
	e->note = xstrdup(note);
	if (approve) {
		e->status = EX_APPROVED;
		e->expires = now + (uint64_t)e->days * 86400 * USEC_PER_SEC;
	} else {
		e->status = EX_DENIED;
		e->ended = now;
	}
	return CTL_OK;
}

const struct exemption *control_exemption_for(const struct control *c, int s, uint64_t now)
{
	const struct exemption *best = NULL;
	for (size_t i = 0; i < c->n_ex; i++) {
		const struct exemption *e = &c->ex[i];
		if (e->status != EX_APPROVED || e->expires <= now)
			continue;
		bool all = strcmp(e->scope, "all") == 0;
		if (all || (s < N_STREAMS && strcmp(e->scope, stream_id((enum stream)s)) == 0))
			if (!best || e->expires > best->expires)
				best = e;
	}
	return best;
}

/* ---- for the state file ---- */

void control_copy(struct control *dst, const struct control *src)
{
	*dst = *src;
	dst->ex = src->n_ex ? xcalloc(src->n_ex, sizeof *dst->ex) : NULL;
	for (size_t i = 0; i < src->n_ex; i++) {
		const struct exemption *e = &src->ex[i];
		dst->ex[i] = *e;
		dst->ex[i].scope = xstrdup(e->scope);
		dst->ex[i].category = xstrdup(e->category);
		dst->ex[i].reason = xstrdup(e->reason);
		dst->ex[i].note = xstrdup(e->note);
	}
}

bool ex_status_parse(const char *name, enum ex_status *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(status_names); i++)
		if (strcmp(name, status_names[i]) == 0) {
			*out = (enum ex_status)i;
			return true;
		}
	return false;
}
