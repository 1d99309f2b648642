/* The D-Bus face of the agent. Every call first learns the caller's uid
 * from the bus (asynchronously, cached), then passes the access check,
 * then the signature check, then its handler. Internal results become
 * error names and sentences here, and only here. */
#define _GNU_SOURCE
#include "service.h"
#include "agent.h"
#include "busstr.h"
#include "names.h"
#include "power/power.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char agent1_xml[];

#define REFUSAL_WINDOW_USEC (60 * USEC_PER_SEC)

struct refusal {
	uint32_t uid;
	uint64_t window_start; /* realtime of the last refusal written */
	unsigned repeats;      /* refusals since, not written */
	struct refusal *next;
};

/* ---- helpers ---- */

static DBusMessage *error(DBusMessage *m, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The sentence is built whole on the heap, never cut: a caller's string in
 * it is quoted with Q(), short and cut between characters, and the whole is
 * made valid UTF-8 before libdbus sees it (it aborts on anything else). */
static DBusMessage *error(DBusMessage *m, const char *name, const char *fmt, ...)
{
	char *text, *fit;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (r < 0)
		abort();
	fit = busstr_fit(text, SIZE_MAX);
	DBusMessage *reply = dbus_message_new_error(m, name, fit);
	free(fit);
	free(text);
	if (!reply)
		abort();
	return reply;
}

/* A caller's string quoted in an error sentence. */
#define Q(str) (busstr_quote(str).s)

static uint32_t monitored_uid(const struct agent *a)
{
	return a->policy.monitored_uid < 0 ? a->own_uid : (uint32_t)a->policy.monitored_uid;
}

static void format_duration(uint32_t s, char *buf, size_t n)
{
	if (s >= 3600 && s % 60 == 0)
		snprintf(buf, n, "%" PRIu32 "h%02" PRIu32 "m", s / 3600, s / 60 % 60);
	else if (s >= 60 && s % 60 == 0)
		snprintf(buf, n, "%" PRIu32 " min", s / 60);
	else
		snprintf(buf, n, "%" PRIu32 " s", s);
}

/* The one place internal results become D-Bus errors. */
static DBusMessage *ctl_error(struct agent *a, DBusMessage *m, enum ctl_result r,
                              const struct exemption *ex, const char *id)
{
	char left[32];
	switch (r) {
	case CTL_OK:
		break;
	case CTL_INVALID_DURATION:
		return error(m, CAPCTL_ERR_INVALID_DURATION,
		             "A pause must last from 1 to %" PRIu32
		             " seconds; the policy allows at most %" PRIu32 " minutes.",
		             a->control.max_pause_seconds, a->policy.max_pause_minutes);
	case CTL_BUDGET_EXHAUSTED: {
		uint32_t l = control_budget_left(&a->control, now_usec());
		if (l == 0)
			return error(m, CAPCTL_ERR_BUDGET_EXHAUSTED,
			             "Today's pause budget is used up; it renews at midnight.");
		format_duration(l, left, sizeof left);
		return error(m, CAPCTL_ERR_BUDGET_EXHAUSTED,
		             "Only %s of today's pause budget is left; pause for at most %" PRIu32
		             " seconds.",
		             left, l);
	}
	case CTL_BAD_SCOPE:
		return error(m, DBUS_ERR_INVALID_ARGS,
		             "'scope' must be all, pointer.motion, pointer.button, pointer.scroll, "
		             "keyboard or window.focus.");
	case CTL_BAD_CATEGORY:
		return error(m, DBUS_ERR_INVALID_ARGS,
		             "'category' must be medical, legal, accessibility, works-council, "
		             "personal or other.");
	case CTL_BAD_REASON:
		return error(m, DBUS_ERR_INVALID_ARGS,
		             "'reason' must be 1 to 2000 bytes of text, with no control characters "
		             "but newlines.");
	case CTL_BAD_NOTE:
		return error(
		    m, DBUS_ERR_INVALID_ARGS,
		    "'note' must be at most 2000 bytes of text, with no control characters "
		    "but newlines.");
	case CTL_BAD_DAYS:
		return error(m, DBUS_ERR_INVALID_ARGS, "'days' must be from 1 to 365.");
	case CTL_TOO_MANY_PENDING:
		return error(m, DBUS_ERR_LIMITS_EXCEEDED,
		             "%" PRIu32
		             " requests are already pending, the policy's limit; withdraw "
		             "one or wait for a decision.",
		             a->control.max_pending);
	case CTL_NO_SUCH_EXEMPTION:
		return error(m, CAPCTL_ERR_NO_SUCH_EXEMPTION,
		             "There is no exemption request '%s'; the Exemptions property lists "
		             "them.",
		             Q(id));
	case CTL_NOT_ALLOWED:
		return error(m, CAPCTL_ERR_NOT_ALLOWED, "Exemption %s is %s already; only %s.",
		             Q(ex->id), ex_status_name(ex->status),
		             dbus_message_has_member(m, "DecideExemption")
		                 ? "a pending request can be decided"
		                 : "a pending or approved request can be withdrawn");
	}
	return error(m, DBUS_ERR_INVALID_ARGS, "Invalid arguments.");
}

/* ---- methods ---- */

/* A change of consent state is made on a copy and saved before it counts:
 * one that cannot be saved changes nothing and says so. */
static DBusMessage *storage_failed(struct agent *a, DBusMessage *m, int r)
{
	return error(m, CAPCTL_ERR_STORAGE_FAILED,
	             "Nothing was changed: the agent cannot save its state to %s (%s); free some "
	             "space there and try again.",
	             a->state_path, strerror(-r));
}

static DBusMessage *m_pause(struct agent *a, DBusMessage *m, uint32_t uid)
{
	dbus_uint32_t seconds;
	dbus_uint64_t until;
	char when[40], dur[32];
	struct control next;
	dbus_message_get_args(m, NULL, DBUS_TYPE_UINT32, &seconds, DBUS_TYPE_INVALID);
	uint64_t now = now_usec();
	control_copy(&next, &a->control);
	enum ctl_result r = control_pause(&next, seconds, now, &until);
	if (r) {
		control_fini(&next);
		return ctl_error(a, m, r, NULL, NULL);
	}
	service_resend(a, P_BUDGET_LEFT);
	int err = agent_commit_control(a, &next);
	if (err < 0)
		return storage_failed(a, m, err);
	format_local_end(until, now, when, sizeof when);
	format_duration(seconds, dur, sizeof dur);
	agent_log(a, "pause", uid, "paused for %s, until %s", dur, when);
	DBusMessage *reply = dbus_message_new_method_return(m);
	dbus_message_append_args(reply, DBUS_TYPE_UINT64, &until, DBUS_TYPE_INVALID);
	return reply;
}

static DBusMessage *m_resume(struct agent *a, DBusMessage *m, uint32_t uid)
{
	char when[40];
	struct control next;
	uint64_t now = now_usec(), until = a->control.paused_until;
	if (control_paused(&a->control, now)) {
		control_copy(&next, &a->control);
		control_resume(&next, now);
		service_resend(a, P_BUDGET_LEFT);
		int err = agent_commit_control(a, &next);
		if (err < 0)
			return storage_failed(a, m, err);
		format_local_end(until, now, when, sizeof when);
		agent_log(a, "resume", uid, "resumed; the pause was due to end at %s", when);
	}
	return dbus_message_new_method_return(m);
}

static DBusMessage *m_request(struct agent *a, DBusMessage *m, uint32_t uid)
{
	const char *scope, *category, *reason;
	dbus_uint32_t days;
	const struct exemption *ex;
	struct control next;
	dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &scope, DBUS_TYPE_STRING, &category,
	                      DBUS_TYPE_STRING, &reason, DBUS_TYPE_UINT32, &days,
	                      DBUS_TYPE_INVALID);
	control_copy(&next, &a->control);
	enum ctl_result r =
	    control_request(&next, scope, category, reason, days, uid, now_usec(), &ex);
	if (r) {
		control_fini(&next);
		return ctl_error(a, m, r, NULL, NULL);
	}
	/* ex is in next's array, which becomes the agent's. */
	int err = agent_commit_control(a, &next);
	if (err < 0)
		return storage_failed(a, m, err);
	/* The reason stays out of History and the log: it may be medical. */
	agent_log(a, "exemption-requested", uid, "%s: scope %s, category %s, %" PRIu32 " day%s",
	          ex->id, ex->scope, ex->category, ex->days, plural(ex->days));
	const char *id = ex->id;
	DBusMessage *reply = dbus_message_new_method_return(m);
	dbus_message_append_args(reply, DBUS_TYPE_STRING, &id, DBUS_TYPE_INVALID);
	return reply;
}

static DBusMessage *m_withdraw(struct agent *a, DBusMessage *m, uint32_t uid)
{
	const char *id;
	const struct exemption *ex = NULL;
	struct control next;
	dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &id, DBUS_TYPE_INVALID);
	control_copy(&next, &a->control);
	enum ctl_result r = control_withdraw(&next, id, now_usec(), &ex);
	if (r) {
		DBusMessage *e = ctl_error(a, m, r, ex, id);
		control_fini(&next);
		return e;
	}
	int err = agent_commit_control(a, &next);
	if (err < 0)
		return storage_failed(a, m, err);
	agent_log(a, "exemption-withdrawn", uid, "%s (scope %s)", ex->id, ex->scope);
	return dbus_message_new_method_return(m);
}

static DBusMessage *m_decide(struct agent *a, DBusMessage *m, uint32_t uid)
{
	const char *id, *note;
	dbus_bool_t approve;
	const struct exemption *ex = NULL;
	char when[40];
	struct control next;
	dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &id, DBUS_TYPE_BOOLEAN, &approve,
	                      DBUS_TYPE_STRING, &note, DBUS_TYPE_INVALID);
	control_copy(&next, &a->control);
	enum ctl_result r = control_decide(&next, id, approve, note, now_usec(), &ex);
	if (r) {
		DBusMessage *e = ctl_error(a, m, r, ex, id);
		control_fini(&next);
		return e;
	}
	int err = agent_commit_control(a, &next);
	if (err < 0)
		return storage_failed(a, m, err);
	if (approve) {
		format_local_date(ex->expires, when, sizeof when);
		agent_log(a, "exemption-approved", uid, "%s (scope %s) until %s", ex->id, ex->scope,
		          when);
	} else {
		agent_log(a, "exemption-denied", uid, "%s (scope %s)", ex->id, ex->scope);
	}
	return dbus_message_new_method_return(m);
}

/* Reads (t offset, u limit) and checks the limit; NULL, or the error. */
static DBusMessage *page_args(DBusMessage *m, uint64_t *offset, uint32_t *limit)
{
	dbus_uint64_t o;
	dbus_uint32_t l;
	dbus_message_get_args(m, NULL, DBUS_TYPE_UINT64, &o, DBUS_TYPE_UINT32, &l,
	                      DBUS_TYPE_INVALID);
	*offset = o;
	*limit = l;
	if (l < 1 || l > 1000)
		return error(m, DBUS_ERR_INVALID_ARGS, "'limit' must be from 1 to 1000.");
	return NULL;
}

/* A method return whose first argument is total, then an array of sig
 * opened in arr, for the caller to fill and close on it. */
static DBusMessage *page_begin(DBusMessage *m, dbus_uint64_t total, const char *sig,
                               DBusMessageIter *it, DBusMessageIter *arr)
{
	DBusMessage *reply = dbus_message_new_method_return(m);
	dbus_message_iter_init_append(reply, it);
	dbus_message_iter_append_basic(it, DBUS_TYPE_UINT64, &total);
	dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, sig, arr);
	return reply;
}

static DBusMessage *m_history(struct agent *a, DBusMessage *m, uint32_t uid)
{
	uint64_t offset, total = history_count(a->history);
	uint32_t limit;
	DBusMessageIter it, arr, st;
	(void)uid;
	DBusMessage *reply = page_args(m, &offset, &limit);
	if (reply)
		return reply;
	reply = page_begin(m, total, "(tssu)", &it, &arr);
	for (uint64_t i = offset; i < total && i < offset + limit; i++) {
		struct history_entry e;
		if (history_get(a->history, (size_t)i, &e) < 0)
			continue;
		dbus_uint64_t t = e.time;
		dbus_uint32_t u = e.uid;
		/* History is written by us but read from disk, and a detail may
		 * hold a caller's or a file's string: fit before sending. */
		dbus_message_iter_open_container(&arr, DBUS_TYPE_STRUCT, NULL, &st);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &t);
		busstr_append(&st, e.action);
		busstr_append(&st, e.detail);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT32, &u);
		dbus_message_iter_close_container(&arr, &st);
		history_entry_fini(&e);
	}
	dbus_message_iter_close_container(&it, &arr);
	return reply;
}

static DBusMessage *m_forget(struct agent *a, DBusMessage *m, uint32_t uid)
{
	dbus_uint32_t seconds;
	char dur[32];
	int err;
	dbus_message_get_args(m, NULL, DBUS_TYPE_UINT32, &seconds, DBUS_TYPE_INVALID);
	if (!a->policy.allow_user_deletion)
		return error(m, CAPCTL_ERR_DELETION_NOT_ALLOWED,
		             "The policy does not let you delete recorded data; ask the contact "
		             "named in the privacy notice.");
	if (seconds < 1 || seconds > 86400)
		return error(m, CAPCTL_ERR_INVALID_DURATION,
		             "You can forget from 1 second to 86400 seconds (one day) back.");
	uint64_t now = now_usec(), cutoff = now - (uint64_t)seconds * USEC_PER_SEC;
	uint64_t removed = agent_forget(a, cutoff, &err);
	format_duration(seconds, dur, sizeof dur);
	agent_log(a, "forget", uid, "the last %s: %" PRIu64 " event%s removed%s", dur, removed,
	          plural(removed), err < 0 ? "; some could not be erased" : "");
	if (err < 0)
		return error(m, DBUS_ERROR_FAILED,
		             "%" PRIu64 " events were erased, but some of the data could not be "
		             "rewritten (%s); nothing was lost, try again.",
		             removed, strerror(-err));
	dbus_uint32_t n = removed > UINT32_MAX ? UINT32_MAX : (dbus_uint32_t)removed;
	DBusMessage *reply = dbus_message_new_method_return(m);
	dbus_message_append_args(reply, DBUS_TYPE_UINT32, &n, DBUS_TYPE_INVALID);
	return reply;
}

static void append_segment(DBusMessageIter *arr, const struct spool_seg *seg, uint64_t keep)
{
	DBusMessageIter st;
	/* An open segment has no end yet, nor an expiry. */
	dbus_uint64_t id = seg->id, start = seg->start, end = seg->end, bytes = seg->bytes,
	              expires = seg->end ? seg->end + keep : 0;
	dbus_uint32_t events = seg->events;
	dbus_bool_t uploaded = seg->uploaded;
	const char *sid = stream_id(seg->stream);
	dbus_message_iter_open_container(arr, DBUS_TYPE_STRUCT, NULL, &st);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &id);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &sid);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &start);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &end);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT32, &events);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &bytes);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &expires);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_BOOLEAN, &uploaded);
	dbus_message_iter_close_container(arr, &st);
}

static DBusMessage *m_list_segments(struct agent *a, DBusMessage *m, uint32_t uid)
{
	/* Those in memory first (each stream's open one, then any the disk
	 * has not taken yet), then the closed ones. */
	uint64_t offset, held = spool_held_count(a->spool), total = held + spool_count(a->spool);
	uint32_t limit;
	DBusMessageIter it, arr;
	(void)uid;
	DBusMessage *reply = page_args(m, &offset, &limit);
	if (reply)
		return reply;
	uint64_t keep = (uint64_t)a->policy.retention_days * 86400 * USEC_PER_SEC;
	reply = page_begin(m, total, "(tsttuttb)", &it, &arr);
	for (uint64_t i = offset; i < total && i < offset + limit; i++) {
		struct spool_seg seg;
		if (i < held)
			spool_held(a->spool, (size_t)i, &seg);
		else
			seg = *spool_newest(a->spool, (size_t)(i - held));
		append_segment(&arr, &seg, keep);
	}
	dbus_message_iter_close_container(&it, &arr);
	return reply;
}

/* One event as (tsiiis), or with its stream first as (stsiiis). */
static void append_event(DBusMessageIter *arr, const struct event *e, bool with_stream)
{
	DBusMessageIter st;
	dbus_uint64_t t = e->time;
	dbus_int32_t x = e->x, y = e->y, code = e->code;
	const char *kind = event_kind_name(e->kind), *sid = stream_id(e->stream);
	/* Text from a source is checked when it is made, and again here:
	 * libdbus aborts on invalid UTF-8. */
	dbus_message_iter_open_container(arr, DBUS_TYPE_STRUCT, NULL, &st);
	if (with_stream)
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &sid);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &t);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &kind);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_INT32, &x);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_INT32, &y);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_INT32, &code);
	busstr_append(&st, e->text);
	dbus_message_iter_close_container(arr, &st);
}

static DBusMessage *m_read_segment(struct agent *a, DBusMessage *m, uint32_t uid)
{
	dbus_uint64_t id;
	dbus_uint32_t offset, limit, total;
	DBusMessageIter it, arr;
	const struct seg_events *ev;
	(void)uid;
	dbus_message_get_args(m, NULL, DBUS_TYPE_UINT64, &id, DBUS_TYPE_UINT32, &offset,
	                      DBUS_TYPE_UINT32, &limit, DBUS_TYPE_INVALID);
	if (limit < 1 || limit > 10000)
		return error(m, DBUS_ERR_INVALID_ARGS, "'limit' must be from 1 to 10000.");
	struct spool_seg seg;
	int r = spool_lookup(a->spool, id, &seg);
	if (r == 0)
		r = spool_read(a->spool, id, &ev);
	if (r == -EBADMSG)
		agent_spool_changed(a);
	if (r < 0)
		return error(m, CAPCTL_ERR_NO_SUCH_SEGMENT,
		             r == -EBADMSG ? "Segment %" PRIu64 " is damaged and was put aside."
		                           : "There is no segment %" PRIu64
		                             "; ListSegments shows those kept.",
		             (uint64_t)id);
	total = ev->n;
	DBusMessage *reply = dbus_message_new_method_return(m);
	dbus_message_iter_init_append(reply, &it);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT32, &total);
	dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "(tsiiis)", &arr);
	for (uint64_t i = offset; i < total && i < (uint64_t)offset + limit; i++) {
		struct event e;
		seg_events_get(ev, (uint32_t)i, seg.stream, &e);
		append_event(&arr, &e, false);
	}
	dbus_message_iter_close_container(&it, &arr);
	return reply;
}

static DBusMessage *m_delete_segments(struct agent *a, DBusMessage *m, uint32_t uid)
{
	dbus_uint64_t *ids = NULL;
	int n = 0;
	dbus_message_get_args(m, NULL, DBUS_TYPE_ARRAY, DBUS_TYPE_UINT64, &ids, &n,
	                      DBUS_TYPE_INVALID);
	if (!a->policy.allow_user_deletion)
		return error(m, CAPCTL_ERR_DELETION_NOT_ALLOWED,
		             "The policy does not let you delete recorded data; ask the contact "
		             "named in the privacy notice.");
	if (n > 10000)
		return error(m, DBUS_ERR_LIMITS_EXCEEDED,
		             "At most 10000 segments can be deleted in one call, not %d.", n);
	dbus_uint32_t deleted = 0;
	char first[64] = "";
	uint64_t *sent = xcalloc((size_t)n, sizeof *sent);
	size_t n_sent = 0;
	/* The server's copies are asked for too, and that request is saved
	 * before anything is deleted: if it cannot be, nothing is. */
	for (int i = 0; i < n; i++) {
		struct spool_seg seg;
		if (spool_lookup(a->spool, ids[i], &seg) == 0 && seg.uploaded)
			sent[n_sent++] = ids[i];
	}
	int err = n_sent ? agent_save_deletion(a, sent, n_sent) : 0;
	if (err < 0) {
		free(sent);
		return storage_failed(a, m, err);
	}
	for (int i = 0; i < n; i++) {
		if (agent_delete_segment(a, ids[i]) < 0)
			continue;
		if (!deleted)
			snprintf(first, sizeof first, "%" PRIu64, (uint64_t)ids[i]);
		deleted++;
	}
	upload_delete_ids(a->uploader, sent, n_sent);
	free(sent);
	if (deleted) {
		agent_log(a, "segments-deleted", uid, "%" PRIu32 " segment%s (%s%s)", deleted,
		          plural(deleted), first, deleted > 1 ? " and others" : "");
		agent_spool_changed(a);
	}
	DBusMessage *reply = dbus_message_new_method_return(m);
	dbus_message_append_args(reply, DBUS_TYPE_UINT32, &deleted, DBUS_TYPE_INVALID);
	return reply;
}

static DBusMessage *m_recent_events(struct agent *a, DBusMessage *m, uint32_t uid)
{
	dbus_uint32_t limit;
	DBusMessageIter it, arr;
	(void)uid;
	dbus_message_get_args(m, NULL, DBUS_TYPE_UINT32, &limit, DBUS_TYPE_INVALID);
	if (limit < 1 || limit > 1000)
		return error(m, DBUS_ERR_INVALID_ARGS, "'limit' must be from 1 to 1000.");
	DBusMessage *reply = dbus_message_new_method_return(m);
	dbus_message_iter_init_append(reply, &it);
	dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "(stsiiis)", &arr);
	for (size_t i = 0; i < a->recent_len && i < limit; i++)
		append_event(&arr, agent_recent(a, i), true);
	dbus_message_iter_close_container(&it, &arr);
	return reply;
}

const struct service_method service_methods[] = {
    {CAPCTL_IFACE, "Pause", "u", "t", "(u seconds)", m_pause},
    {CAPCTL_IFACE, "Resume", "", "", "()", m_resume},
    {CAPCTL_IFACE, "RequestExemption", "sssu", "s", "(s scope, s category, s reason, u days)",
     m_request},
    {CAPCTL_IFACE, "Forget", "u", "u", "(u seconds)", m_forget},
    {CAPCTL_IFACE, "WithdrawExemption", "s", "", "(s id)", m_withdraw},
    {CAPCTL_IFACE, "ListSegments", "tu", "ta(tsttuttb)", "(t offset, u limit)", m_list_segments},
    {CAPCTL_IFACE, "ReadSegment", "tuu", "ua(tsiiis)", "(t id, u offset, u limit)", m_read_segment},
    {CAPCTL_IFACE, "DeleteSegments", "at", "u", "(at ids)", m_delete_segments},
    {CAPCTL_IFACE, "RecentEvents", "u", "a(stsiiis)", "(u limit)", m_recent_events},
    {CAPCTL_IFACE, "History", "tu", "ta(tssu)", "(t offset, u limit)", m_history},
    {CAPCTL_IFACE_ADMIN, "DecideExemption", "sbs", "", "(s id, b approve, s note)", m_decide},
};
const size_t service_n_methods = ARRAY_SIZE(service_methods);

/* ---- properties ---- */

static void get_version(struct agent *a, DBusMessageIter *it)
{
	const char *v = CAPCTL_VERSION;
	(void)a;
	dbus_message_iter_append_basic(it, DBUS_TYPE_STRING, &v);
}

static void get_state(struct agent *a, DBusMessageIter *it)
{
	char *reason;
	const char *s = agent_state(a, now_usec(), &reason);
	dbus_message_iter_append_basic(it, DBUS_TYPE_STRING, &s);
	free(reason);
}

static void get_state_reason(struct agent *a, DBusMessageIter *it)
{
	char *reason;
	agent_state(a, now_usec(), &reason);
	busstr_append(it, reason); /* may name an application, from X11 */
	free(reason);
}

static void get_paused_until(struct agent *a, DBusMessageIter *it)
{
	dbus_uint64_t v = control_paused(&a->control, now_usec()) ? a->control.paused_until : 0;
	dbus_message_iter_append_basic(it, DBUS_TYPE_UINT64, &v);
}

static void get_max_pause(struct agent *a, DBusMessageIter *it)
{
	dbus_uint32_t v = a->control.max_pause_seconds;
	dbus_message_iter_append_basic(it, DBUS_TYPE_UINT32, &v);
}

static void get_budget(struct agent *a, DBusMessageIter *it)
{
	dbus_uint32_t v = a->control.budget_seconds;
	dbus_message_iter_append_basic(it, DBUS_TYPE_UINT32, &v);
}

static void get_budget_left(struct agent *a, DBusMessageIter *it)
{
	dbus_uint32_t v = control_budget_left(&a->control, now_usec());
	dbus_message_iter_append_basic(it, DBUS_TYPE_UINT32, &v);
}

static void get_streams(struct agent *a, DBusMessageIter *it)
{
	DBusMessageIter arr, st;
	uint64_t now = now_usec();
	dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "(sbsstt)", &arr);
	for (int s = 0; s < N_STREAMS; s++) {
		char *desc;
		dbus_bool_t rec = agent_stream(a, (enum stream)s, now, &desc);
		const char *id = stream_id((enum stream)s);
		const char *fid = fidelity_name(policy_fidelity(&a->policy, (enum stream)s));
		dbus_uint64_t events = a->counts[s],
		              bytes = a->spool ? spool_stream_bytes(a->spool, (enum stream)s) : 0;
		dbus_message_iter_open_container(&arr, DBUS_TYPE_STRUCT, NULL, &st);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &id);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_BOOLEAN, &rec);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &fid);
		busstr_append(&st, desc); /* may name an application, from X11 */
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &events);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &bytes);
		dbus_message_iter_close_container(&arr, &st);
		free(desc);
	}
	dbus_message_iter_close_container(it, &arr);
}

static void get_exemptions(struct agent *a, DBusMessageIter *it)
{
	DBusMessageIter arr, st;
	dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "(sssssstt)", &arr);
	for (size_t i = a->control.n_ex; i-- > 0;) {
		const struct exemption *e = &a->control.ex[i];
		const char *status = ex_status_name(e->status);
		dbus_uint64_t created = e->created, expires = e->expires;
		dbus_message_iter_open_container(&arr, DBUS_TYPE_STRUCT, NULL, &st);
		/* Callers' words, read back from the state file after a restart. */
		busstr_append(&st, e->id);
		busstr_append(&st, e->scope);
		busstr_append(&st, e->category);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &status);
		busstr_append(&st, e->reason);
		busstr_append(&st, e->note);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &created);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &expires);
		dbus_message_iter_close_container(&arr, &st);
	}
	dbus_message_iter_close_container(it, &arr);
}

static void get_upload(struct agent *a, DBusMessageIter *it)
{
	DBusMessageIter d;
	struct upload_info u = {.deferred = ""};
	if (a->uploader)
		upload_get_info(a->uploader, &u);
	else
		upload_host(a->policy.endpoint, u.endpoint, sizeof u.endpoint);
	uint64_t stored = a->spool ? spool_bytes(a->spool) : 0;
	dict_open(it, &d);
	dict_add_str(&d, "endpoint", u.endpoint);
	dict_add_u64(&d, "bytes_today", u.bytes_today);
	dict_add_u64(&d, "bytes_total", u.bytes_total);
	dict_add_u64(&d, "daily_cap", (uint64_t)a->policy.daily_cap_mb * 1000000);
	dict_add_double(&d, "rate_bps", u.rate_bps);
	dict_add_u64(&d, "pending_bytes", u.pending_bytes);
	dict_add_u64(&d, "next_upload", u.next_upload);
	dict_add_u64(&d, "last_upload", u.last_upload);
	dict_add_str(&d, "deferred", u.deferred);
	dict_add_str(&d, "last_error", u.last_error);
	dict_add_double(&d, "compression_ratio",
	                stored ? (double)spool_events(a->spool) * 24.0 / (double)stored : 0);
	dict_close(it, &d);
}

static void get_power(struct agent *a, DBusMessageIter *it)
{
	DBusMessageIter d;
	struct loop_stats st;
	struct power_state ps = {.battery_percent = -1, .rapl_mw = -1};
	loop_get_stats(a->loop, &st);
	if (a->power)
		ps = *power_watch_state(a->power);
	double mw = st.cpu_percent / 100.0 * a->policy.cpu_watts * 1000.0 +
	            st.wakeups_per_second * a->policy.wakeup_mw;
	dict_open(it, &d);
	dict_add_bool(&d, "on_battery", ps.on_battery);
	dict_add_double(&d, "battery_percent", ps.battery_percent);
	dict_add_double(&d, "cpu_seconds", st.cpu_seconds);
	dict_add_double(&d, "cpu_percent", st.cpu_percent);
	dict_add_double(&d, "wakeups_per_second", st.wakeups_per_second);
	dict_add_double(&d, "estimated_mw", mw);
	dict_add_bool(&d, "saver", filter_saver(&a->filter));
	/* The whole package's draw, where RAPL counters can be read: a
	 * measured figure beside the model's estimate. */
	if (ps.rapl_mw >= 0)
		dict_add_double(&d, "measured_mw", ps.rapl_mw);
	dict_close(it, &d);
}

static void get_retention(struct agent *a, DBusMessageIter *it)
{
	DBusMessageIter d;
	dict_open(it, &d);
	dict_add_u32(&d, "days", a->policy.retention_days);
	dict_add_u32(&d, "segments", a->spool ? (uint32_t)spool_count(a->spool) : 0);
	dict_add_u64(&d, "bytes", a->spool ? spool_bytes(a->spool) : 0);
	dict_add_u64(&d, "oldest", a->spool ? spool_oldest(a->spool) : 0);
	dict_add_bool(&d, "deletion_allowed", a->policy.allow_user_deletion);
	char *storage = agent_storage_error(a);
	dict_add_str(&d, "last_error", storage);
	free(storage);
	dict_close(it, &d);
}

static void get_notice(struct agent *a, DBusMessageIter *it)
{
	DBusMessageIter d;
	dict_open(it, &d);
	for (int i = 0; i < N_NOTICE; i++)
		dict_add_str(&d, notice_key((enum notice_field)i), a->policy.notice[i]);
	dict_close(it, &d);
}

/* In the order of enum prop. */
const struct service_property service_properties[] = {
    {"Version", "s", get_version},
    {"State", "s", get_state},
    {"StateReason", "s", get_state_reason},
    {"PausedUntil", "t", get_paused_until},
    {"MaxPauseSeconds", "u", get_max_pause},
    {"PauseBudgetSeconds", "u", get_budget},
    {"PauseBudgetLeft", "u", get_budget_left},
    {"Streams", "a(sbsstt)", get_streams},
    {"Exemptions", "a(sssssstt)", get_exemptions},
    {"Upload", "a{sv}", get_upload},
    {"Power", "a{sv}", get_power},
    {"Retention", "a{sv}", get_retention},
    {"Notice", "a{sv}", get_notice},
};
const size_t service_n_properties = ARRAY_SIZE(service_properties);

static void append_prop_variant(struct agent *a, DBusMessageIter *it, enum prop p)
{
	DBusMessageIter v;
	dbus_message_iter_open_container(it, DBUS_TYPE_VARIANT, service_properties[p].sig, &v);
	service_properties[p].get(a, &v);
	dbus_message_iter_close_container(it, &v);
}

static int find_prop(const char *name)
{
	for (size_t i = 0; i < service_n_properties; i++)
		if (strcmp(service_properties[i].name, name) == 0)
			return (int)i;
	return -1;
}

static bool our_iface(const char *iface)
{
	return *iface == '\0' || strcmp(iface, CAPCTL_IFACE) == 0;
}

static DBusMessage *props_get(struct agent *a, DBusMessage *m)
{
	const char *iface, *name;
	DBusMessageIter it;
	dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &iface, DBUS_TYPE_STRING, &name,
	                      DBUS_TYPE_INVALID);
	int p = find_prop(name);
	if (!our_iface(iface) && strcmp(iface, CAPCTL_IFACE_ADMIN) != 0)
		return error(m, DBUS_ERR_UNKNOWN_INTERFACE, "There is no interface '%s' here.",
		             Q(iface));
	if (p < 0 || strcmp(iface, CAPCTL_IFACE_ADMIN) == 0)
		return error(m, DBUS_ERR_UNKNOWN_PROPERTY, "There is no property '%s' on %s.",
		             Q(name), *iface ? Q(iface) : CAPCTL_IFACE);
	DBusMessage *reply = dbus_message_new_method_return(m);
	dbus_message_iter_init_append(reply, &it);
	append_prop_variant(a, &it, (enum prop)p);
	return reply;
}

static DBusMessage *props_get_all(struct agent *a, DBusMessage *m)
{
	const char *iface;
	DBusMessageIter it, d, e;
	dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &iface, DBUS_TYPE_INVALID);
	bool admin = strcmp(iface, CAPCTL_IFACE_ADMIN) == 0;
	if (!our_iface(iface) && !admin)
		return error(m, DBUS_ERR_UNKNOWN_INTERFACE, "There is no interface '%s' here.",
		             Q(iface));
	DBusMessage *reply = dbus_message_new_method_return(m);
	dbus_message_iter_init_append(reply, &it);
	dict_open(&it, &d);
	for (size_t i = 0; !admin && i < service_n_properties; i++) {
		const char *name = service_properties[i].name;
		dbus_message_iter_open_container(&d, DBUS_TYPE_DICT_ENTRY, NULL, &e);
		dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &name);
		append_prop_variant(a, &e, (enum prop)i);
		dbus_message_iter_close_container(&d, &e);
	}
	dict_close(&it, &d);
	return reply;
}

static DBusMessage *props_set(struct agent *a, DBusMessage *m)
{
	const char *iface = "", *name = "";
	DBusMessageIter it;
	(void)a;
	if (dbus_message_iter_init(m, &it)) {
		dbus_message_iter_get_basic(&it, &iface);
		dbus_message_iter_next(&it);
		dbus_message_iter_get_basic(&it, &name);
	}
	if (!our_iface(iface) && strcmp(iface, CAPCTL_IFACE_ADMIN) != 0)
		return error(m, DBUS_ERR_UNKNOWN_INTERFACE, "There is no interface '%s' here.",
		             Q(iface));
	if (find_prop(name) < 0)
		return error(m, DBUS_ERR_UNKNOWN_PROPERTY, "There is no property '%s'.", Q(name));
	return error(m, DBUS_ERR_PROPERTY_READ_ONLY,
	             "Property '%s' is read-only; the agent's methods change its state.", Q(name));
}

/* ---- announcing changes ---- */

/* A text form of a marshalled value, to tell whether it changed. */
static void fingerprint_iter(DBusMessageIter *it, FILE *out)
{
	do {
		int t = dbus_message_iter_get_arg_type(it);
		if (t == DBUS_TYPE_INVALID)
			break;
		if (dbus_type_is_container(t)) {
			DBusMessageIter sub;
			dbus_message_iter_recurse(it, &sub);
			fputc('(', out);
			fingerprint_iter(&sub, out);
			fputc(')', out);
			continue;
		}
		DBusBasicValue v;
		dbus_message_iter_get_basic(it, &v);
		switch (t) {
		case DBUS_TYPE_STRING:
			fprintf(out, "s%zu:%s,", strlen(v.str), v.str);
			break;
		case DBUS_TYPE_DOUBLE:
			/* Costs are shown rounded; do not announce noise. */
			fprintf(out, "d%.3g,", v.dbl);
			break;
		case DBUS_TYPE_BOOLEAN:
			fprintf(out, "b%u,", v.bool_val);
			break;
		case DBUS_TYPE_UINT32:
			fprintf(out, "u%" PRIu32 ",", v.u32);
			break;
		default:
			fprintf(out, "t%" PRIu64 ",", v.u64);
			break;
		}
	} while (dbus_message_iter_next(it));
}

static char *fingerprint(struct agent *a, enum prop p)
{
	DBusMessage *m = dbus_message_new_signal("/", "x.y", "z");
	DBusMessageIter it;
	char *buf = NULL;
	size_t len = 0;
	dbus_message_iter_init_append(m, &it);
	append_prop_variant(a, &it, p);
	FILE *out = open_memstream(&buf, &len);
	if (dbus_message_iter_init(m, &it))
		fingerprint_iter(&it, out);
	fclose(out);
	dbus_message_unref(m);
	return buf;
}

void service_resend(struct agent *a, enum prop p)
{
	free(a->sent[p]);
	a->sent[p] = NULL;
}

void service_announce(struct agent *a, const enum prop *props, size_t n)
{
	DBusMessageIter it, d, e, inv;
	bool changed = false, invalidate = false;
	if (!a->bus)
		return;
	DBusMessage *sig =
	    dbus_message_new_signal(CAPCTL_PATH, DBUS_PROPS_IFACE, "PropertiesChanged");
	const char *iface = CAPCTL_IFACE;
	dbus_message_iter_init_append(sig, &it);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &iface);
	dict_open(&it, &d);
	for (size_t i = 0; i < n; i++) {
		enum prop p = props[i];
		char *fp = fingerprint(a, p);
		if (a->sent[p] && strcmp(fp, a->sent[p]) == 0) {
			free(fp);
			continue;
		}
		free(a->sent[p]);
		a->sent[p] = fp;
		if (p == P_EXEMPTIONS) {
			/* Reasons may be medical: never broadcast them. */
			invalidate = true;
			continue;
		}
		const char *name = service_properties[p].name;
		dbus_message_iter_open_container(&d, DBUS_TYPE_DICT_ENTRY, NULL, &e);
		dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &name);
		append_prop_variant(a, &e, p);
		dbus_message_iter_close_container(&d, &e);
		changed = true;
	}
	dict_close(&it, &d);
	dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "s", &inv);
	if (invalidate) {
		const char *name = "Exemptions";
		dbus_message_iter_append_basic(&inv, DBUS_TYPE_STRING, &name);
	}
	dbus_message_iter_close_container(&it, &inv);
	if (changed || invalidate)
		dbus_connection_send(a->bus, sig, NULL);
	dbus_message_unref(sig);
}

/* ---- dispatch ---- */

static void note_refusal(struct agent *a, uint32_t uid, const char *method, const char *err)
{
	uint64_t now = now_usec();
	struct refusal *r = a->refusals;
	while (r && r->uid != uid)
		r = r->next;
	if (r && now - r->window_start < REFUSAL_WINDOW_USEC) {
		r->repeats++;
		return;
	}
	if (!r) {
		r = xcalloc(1, sizeof *r);
		r->uid = uid;
		r->next = a->refusals;
		a->refusals = r;
	}
	if (r->repeats)
		agent_log(a, "refused", uid,
		          "%s: %s (and %u more refused calls in the minute before)", method, err,
		          r->repeats);
	else
		agent_log(a, "refused", uid, "%s: %s", method, err);
	r->window_start = now;
	r->repeats = 0;
}

static const struct service_method *find_method(DBusMessage *m)
{
	const char *iface = dbus_message_get_interface(m), *member = dbus_message_get_member(m);
	for (size_t i = 0; i < service_n_methods; i++) {
		const struct service_method *sm = &service_methods[i];
		if (strcmp(sm->name, member) == 0 && (!iface || strcmp(sm->iface, iface) == 0))
			return sm;
	}
	return NULL;
}

static const struct {
	const char *name, *sig, *args;
	DBusMessage *(*fn)(struct agent *, DBusMessage *);
} prop_methods[] = {
    {"Get", "ss", "(s interface_name, s property_name)", props_get},
    {"GetAll", "s", "(s interface_name)", props_get_all},
    {"Set", "ssv", "(s interface_name, s property_name, v value)", props_set},
};

static DBusMessage *dispatch(struct agent *a, DBusMessage *m, int64_t uid)
{
	const char *iface = dbus_message_get_interface(m), *member = dbus_message_get_member(m);
	bool props = iface && strcmp(iface, DBUS_PROPS_IFACE) == 0;
	const struct service_method *sm = props ? NULL : find_method(m);
	size_t pm = 0;

	if (props) {
		while (pm < ARRAY_SIZE(prop_methods) && strcmp(prop_methods[pm].name, member) != 0)
			pm++;
	}
	if ((props && pm == ARRAY_SIZE(prop_methods)) || (!props && !sm))
		return error(m, DBUS_ERR_UNKNOWN_METHOD, "There is no method %s%s%s here.",
		             iface ? Q(iface) : "", iface ? "." : "", Q(member));

	bool admin_only = sm && strcmp(sm->iface, CAPCTL_IFACE_ADMIN) == 0;
	bool admin = uid >= 0 && policy_is_admin(&a->policy, (uint32_t)uid);
	if (uid < 0 || !(admin || (!admin_only && (uint32_t)uid == monitored_uid(a)))) {
		char what[160];
		snprintf(what, sizeof what, "%s.%s", props ? DBUS_PROPS_IFACE : sm->iface, member);
		if (uid >= 0)
			note_refusal(a, (uint32_t)uid, what, DBUS_ERR_ACCESS_DENIED);
		return error(m, DBUS_ERR_ACCESS_DENIED,
		             admin_only ? "Only an administrator named in the policy's admin_uids "
		                          "may decide exemptions."
		                        : "Only the monitored user and administrators may use this "
		                          "agent.");
	}

	const char *sig = props ? prop_methods[pm].sig : sm->in;
	if (!dbus_message_has_signature(m, sig))
		return error(m, DBUS_ERR_INVALID_ARGS, "%s takes %s, not (%s).", member,
		             props ? prop_methods[pm].args : sm->args,
		             Q(dbus_message_get_signature(m)));

	/* Deadlines passed while we were busy are settled before any answer. */
	agent_tick(a);
	return props ? prop_methods[pm].fn(a, m) : sm->fn(a, m, (uint32_t)uid);
}

static void on_uid(DBusMessage *m, int64_t uid, void *data)
{
	struct agent *a = data;
	DBusMessage *reply = dispatch(a, m, uid);
	if (reply && !dbus_message_get_no_reply(m))
		dbus_connection_send(a->bus, reply, NULL);
	if (reply)
		dbus_message_unref(reply);
}

static DBusHandlerResult on_message(DBusConnection *c, DBusMessage *m, void *data)
{
	struct agent *a = data;
	(void)c;
	if (dbus_message_get_type(m) != DBUS_MESSAGE_TYPE_METHOD_CALL)
		return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
	if (dbus_message_is_method_call(m, DBUS_INTROSPECT_IFACE, "Introspect")) {
		DBusMessage *reply = dbus_message_has_signature(m, "")
		                         ? dbus_message_new_method_return(m)
		                         : error(m, DBUS_ERR_INVALID_ARGS, "Introspect takes ().");
		if (dbus_message_get_type(reply) == DBUS_MESSAGE_TYPE_METHOD_RETURN)
			dbus_message_append_args(reply, DBUS_TYPE_STRING, &a->introspect_xml,
			                         DBUS_TYPE_INVALID);
		dbus_connection_send(a->bus, reply, NULL);
		dbus_message_unref(reply);
		return DBUS_HANDLER_RESULT_HANDLED;
	}
	uid_cache_lookup(a->uids, m, on_uid, a);
	return DBUS_HANDLER_RESULT_HANDLED;
}

static DBusHandlerResult on_local(DBusConnection *c, DBusMessage *m, void *data)
{
	struct agent *a = data;
	(void)c;
	if (dbus_message_is_signal(m, DBUS_INTERFACE_LOCAL, "Disconnected")) {
		log_msg("the bus went away; stopping");
		loop_quit(a->loop, 1);
		return DBUS_HANDLER_RESULT_HANDLED;
	}
	return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

static const char standard_ifaces[] =
    "  <interface name=\"org.freedesktop.DBus.Properties\">\n"
    "    <method name=\"Get\"><arg name=\"interface_name\" type=\"s\" direction=\"in\"/>"
    "<arg name=\"property_name\" type=\"s\" direction=\"in\"/>"
    "<arg name=\"value\" type=\"v\" direction=\"out\"/></method>\n"
    "    <method name=\"GetAll\"><arg name=\"interface_name\" type=\"s\" direction=\"in\"/>"
    "<arg name=\"props\" type=\"a{sv}\" direction=\"out\"/></method>\n"
    "    <method name=\"Set\"><arg name=\"interface_name\" type=\"s\" direction=\"in\"/>"
    "<arg name=\"property_name\" type=\"s\" direction=\"in\"/>"
    "<arg name=\"value\" type=\"v\" direction=\"in\"/></method>\n"
    "    <signal name=\"PropertiesChanged\"><arg name=\"interface_name\" type=\"s\"/>"
    "<arg name=\"changed_properties\" type=\"a{sv}\"/>"
    "<arg name=\"invalidated_properties\" type=\"as\"/></signal>\n"
    "  </interface>\n"
    "  <interface name=\"org.freedesktop.DBus.Introspectable\">\n"
    "    <method name=\"Introspect\"><arg name=\"xml_data\" type=\"s\" direction=\"out\"/>"
    "</method>\n"
    "  </interface>\n"
    "  <interface name=\"org.freedesktop.DBus.Peer\">\n"
    "    <method name=\"Ping\"/>\n"
    "    <method name=\"GetMachineId\"><arg name=\"machine_uuid\" type=\"s\" "
    "direction=\"out\"/></method>\n"
    "  </interface>\n";

int service_start(struct agent *a)
{
	static const DBusObjectPathVTable vtable = {.message_function = on_message};
	const char *end = strstr(agent1_xml, "</node>");
	a->introspect_xml =
	    xasprintf("%.*s%s%s", (int)(end - agent1_xml), agent1_xml, standard_ifaces, end);
	a->uids = uid_cache_new(a->bus);
	dbus_connection_add_filter(a->bus, on_local, a, NULL);
	if (!dbus_connection_register_object_path(a->bus, CAPCTL_PATH, &vtable, a))
		return -1;
	/* What a client reads first is what we have "sent". */
	for (int p = 0; p < N_PROPS; p++)
		a->sent[p] = fingerprint(a, (enum prop)p);
	return 0;
}

void service_stop(struct agent *a)
{
	/* Refusals counted but not yet written go to History now. */
	while (a->refusals) {
		struct refusal *r = a->refusals;
		a->refusals = r->next;
		if (r->repeats)
			agent_log(a, "refused", r->uid, "%u more refused calls not listed yet",
			          r->repeats);
		free(r);
	}
	if (a->bus) {
		dbus_connection_unregister_object_path(a->bus, CAPCTL_PATH);
		dbus_connection_remove_filter(a->bus, on_local, a);
	}
	uid_cache_free(a->uids);
	a->uids = NULL;
	for (int p = 0; p < N_PROPS; p++) {
		free(a->sent[p]);
		a->sent[p] = NULL;
	}
	free(a->introspect_xml);
	a->introspect_xml = NULL;
}
