/* The methods of org.capctl.Agent1 and its Admin interface: each reads its
 * arguments (already checked against the signature), acts through the agent
 * and builds the reply, or the error name and sentence. */
#define _GNU_SOURCE
#include "service-impl.h"
#include "busstr.h"
#include "names.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		return service_error(m, CAPCTL_ERR_INVALID_DURATION,
		                     "A pause must last from 1 to %" PRIu32
		                     " seconds; the policy allows at most %" PRIu32 " minutes.",
		                     a->control.max_pause_seconds, a->policy.max_pause_minutes);
	case CTL_BUDGET_EXHAUSTED: {
		uint32_t l = control_budget_left(&a->control, now_usec());
		if (l == 0)
			return service_error(
			    m, CAPCTL_ERR_BUDGET_EXHAUSTED,
			    "Today's pause budget is used up; it renews at midnight.");
		format_duration(l, left, sizeof left);
		return service_error(
		    m, CAPCTL_ERR_BUDGET_EXHAUSTED,
		    "Only %s of today's pause budget is left; pause for at most %" PRIu32
		    " seconds.",
		    left, l);
	}
	case CTL_BAD_SCOPE:
		return service_error(
		    m, DBUS_ERR_INVALID_ARGS,
		    "'scope' must be all, pointer.motion, pointer.button, pointer.scroll, "
		    "keyboard or window.focus.");
	case CTL_BAD_CATEGORY:
		return service_error(
		    m, DBUS_ERR_INVALID_ARGS,
		    "'category' must be medical, legal, accessibility, works-council, "
		    "personal or other.");
	case CTL_BAD_REASON:
		return service_error(
		    m, DBUS_ERR_INVALID_ARGS,
		    "'reason' must be 1 to 2000 bytes of text, with no control characters "
		    "but newlines.");
	case CTL_BAD_NOTE:
		return service_error(
		    m, DBUS_ERR_INVALID_ARGS,
		    "'note' must be at most 2000 bytes of text, with no control characters "
		    "but newlines.");
	case CTL_BAD_DAYS:
		return service_error(m, DBUS_ERR_INVALID_ARGS, "'days' must be from 1 to 365.");
	case CTL_TOO_MANY_PENDING:
		return service_error(m, DBUS_ERR_LIMITS_EXCEEDED,
		                     "%" PRIu32
		                     " requests are already pending, the policy's limit; withdraw "
		                     "one or wait for a decision.",
		                     a->control.max_pending);
	case CTL_NO_SUCH_EXEMPTION:
		return service_error(
		    m, CAPCTL_ERR_NO_SUCH_EXEMPTION,
		    "There is no exemption request '%s'; the Exemptions property lists "
		    "them.",
		    Q(id));
	case CTL_NOT_ALLOWED:
		return service_error(m, CAPCTL_ERR_NOT_ALLOWED,
		                     "Exemption %s is %s already; only %s.", Q(ex->id),
		                     ex_status_name(ex->status),
		                     dbus_message_has_member(m, "DecideExemption")
		                         ? "a pending request can be decided"
		                         : "a pending or approved request can be withdrawn");
	}
	return service_error(m, DBUS_ERR_INVALID_ARGS, "Invalid arguments.");
}

/* ---- methods ---- */

/* A change of consent state is made on a copy and saved before it counts:
 * one that cannot be saved changes nothing and says so. */
static DBusMessage *storage_failed(struct agent *a, DBusMessage *m, int r)
{
	return service_error(
	    m, CAPCTL_ERR_STORAGE_FAILED,
	    "Nothing was changed: the agent cannot save its state to %s (%s); free some "
	    "space there and try again.",
	    a->state_path, errno_text(-r));
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
	agent_log_phrase(a, "pause", uid, PHRASE_H_PAUSED, dur, when);
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
		agent_log_phrase(a, "resume", uid, PHRASE_H_RESUMED, when);
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
	agent_log_phrase(a, "exemption-requested", uid,
	                 ex->days == 1 ? PHRASE_H_REQUESTED_DAY : PHRASE_H_REQUESTED_DAYS, ex->id,
	                 ex->scope, ex->category, ex->days);
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
	agent_log_phrase(a, "exemption-withdrawn", uid, PHRASE_H_SCOPE, ex->id, ex->scope);
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
		agent_log_phrase(a, "exemption-approved", uid, PHRASE_H_APPROVED, ex->id, ex->scope,
		                 when);
	} else {
		agent_log_phrase(a, "exemption-denied", uid, PHRASE_H_SCOPE, ex->id, ex->scope);
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
		return service_error(m, DBUS_ERR_INVALID_ARGS, "'limit' must be from 1 to 1000.");
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

/* One entry of History (tssu), or of HistoryChain (tss). */
static void append_history(DBusMessageIter *arr, const struct history_entry *e, bool chain)
{
	DBusMessageIter st;
	dbus_uint64_t t = chain ? e->seq : e->time;
	dbus_uint32_t u = e->uid;
	const char *prev = e->prev, *hash = e->hash;
	dbus_message_iter_open_container(arr, DBUS_TYPE_STRUCT, NULL, &st);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &t);
	if (chain) {
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &prev);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &hash);
	} else {
		/* History is written by us but read from disk, and a detail may
		 * hold a caller's or a file's string: fit before sending. */
		busstr_append(&st, e->action);
		busstr_append(&st, e->detail);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT32, &u);
	}
	dbus_message_iter_close_container(arr, &st);
}

/* History and HistoryChain: the same entries, the same pages. */
static DBusMessage *history_page(struct agent *a, DBusMessage *m, bool chain)
{
	uint64_t offset, total = history_count(a->history);
	uint32_t limit;
	DBusMessageIter it, arr;
	DBusMessage *reply = page_args(m, &offset, &limit);
	if (reply)
		return reply;
	reply = page_begin(m, total, chain ? "(tss)" : "(tssu)", &it, &arr);
	for (uint64_t i = offset; i < total && i < offset + limit; i++) {
		struct history_entry e;
		if (history_get(a->history, (size_t)i, &e) < 0)
			continue;
		append_history(&arr, &e, chain);
		history_entry_fini(&e);
	}
	dbus_message_iter_close_container(&it, &arr);
	return reply;
}

static DBusMessage *m_history(struct agent *a, DBusMessage *m, uint32_t uid)
{
	(void)uid;
	return history_page(a, m, false);
}

static DBusMessage *m_history_chain(struct agent *a, DBusMessage *m, uint32_t uid)
{
	(void)uid;
	return history_page(a, m, true);
}

static DBusMessage *m_forget(struct agent *a, DBusMessage *m, uint32_t uid)
{
	dbus_uint32_t seconds;
	char dur[32];
	int err;
	dbus_message_get_args(m, NULL, DBUS_TYPE_UINT32, &seconds, DBUS_TYPE_INVALID);
	if (!a->policy.allow_user_deletion)
		return service_error(
		    m, CAPCTL_ERR_DELETION_NOT_ALLOWED,
		    "The policy does not let you delete recorded data; ask the contact "
		    "named in the privacy notice.");
	if (seconds < 1 || seconds > 86400)
		return service_error(
		    m, CAPCTL_ERR_INVALID_DURATION,
		    "You can forget from 1 second to 86400 seconds (one day) back.");
	uint64_t now = now_usec(), cutoff = now - (uint64_t)seconds * USEC_PER_SEC;
	uint64_t removed = agent_forget(a, cutoff, &err);
	format_duration(seconds, dur, sizeof dur);
	agent_log(a, "forget", uid, "the last %s: %" PRIu64 " event%s removed%s", dur, removed,
	          plural(removed), err < 0 ? "; some could not be erased" : "");
	if (err < 0)
		return service_error(m, DBUS_ERROR_FAILED,
		                     "%" PRIu64
		                     " events were erased, but some of the data could not be "
		                     "rewritten (%s); nothing was lost, try again.",
		                     removed, errno_text(-err));
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
		return service_error(m, DBUS_ERR_INVALID_ARGS, "'limit' must be from 1 to 10000.");
	struct spool_seg seg;
	int r = spool_lookup(a->spool, id, &seg);
	if (r == 0)
		r = spool_read(a->spool, id, &ev);
	if (r == -EBADMSG)
		agent_spool_changed(a);
	if (r < 0)
		return service_error(m, CAPCTL_ERR_NO_SUCH_SEGMENT,
		                     r == -EBADMSG ? "Segment %" PRIu64
		                                     " is damaged and was put aside."
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
		return service_error(
		    m, CAPCTL_ERR_DELETION_NOT_ALLOWED,
		    "The policy does not let you delete recorded data; ask the contact "
		    "named in the privacy notice.");
	if (n > 10000)
		return service_error(m, DBUS_ERR_LIMITS_EXCEEDED,
		                     "At most 10000 segments can be deleted in one call, not %d.",
		                     n);
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
		return service_error(m, DBUS_ERR_INVALID_ARGS, "'limit' must be from 1 to 1000.");
	DBusMessage *reply = dbus_message_new_method_return(m);
	dbus_message_iter_init_append(reply, &it);
	dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "(stsiiis)", &arr);
	for (size_t i = 0; i < a->recent_len && i < limit; i++)
		append_event(&arr, agent_recent(a, i), true);
	dbus_message_iter_close_container(&it, &arr);
	return reply;
}

static DBusMessage *m_acknowledge(struct agent *a, DBusMessage *m, uint32_t uid)
{
	const char *digest;
	int err = 0;
	dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &digest, DBUS_TYPE_INVALID);
	switch (agent_acknowledge(a, digest, uid, &err)) {
	case ACK_OK:
		break;
	case ACK_STALE:
		return service_error(m, CAPCTL_ERR_POLICY_CHANGED,
		                     "The policy changed since you read it; read Consent again and "
		                     "acknowledge what it says now.");
	case ACK_NOT_SAVED:
		return storage_failed(a, m, err);
	}
	return dbus_message_new_method_return(m);
}

/* "off, full or reduced": stream s's levels at or below the policy's. */
static void levels_allowed(const struct agent *a, enum stream s, char *buf, size_t size)
{
	const char *const *v = policy_stream_values(s);
	int most = consent_level_rank(s, a->written.fidelity_index[s]), n = 0, k = 0;
	for (int i = 0; v[i]; i++)
		n += consent_level_rank(s, i) <= most;
	buf[0] = '\0';
	for (int i = 0; v[i]; i++) {
		if (consent_level_rank(s, i) > most)
			continue;
		size_t len = strlen(buf);
		snprintf(buf + len, size - len, "%s%s",
		         k == 0       ? ""
		         : k == n - 1 ? " or "
		                      : ", ",
		         v[i]);
		k++;
	}
}

static DBusMessage *m_limit_stream(struct agent *a, DBusMessage *m, uint32_t uid)
{
	const char *stream, *level;
	char allowed[80];
	int err = 0;
	dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &stream, DBUS_TYPE_STRING, &level,
	                      DBUS_TYPE_INVALID);
	int s = stream_parse(stream);
	if (s < 0)
		return service_error(m, DBUS_ERR_INVALID_ARGS,
		                     "'stream' must be pointer.motion, pointer.button, "
		                     "pointer.scroll, keyboard or window.focus, not '%s'.",
		                     Q(stream));
	switch (agent_limit_stream(a, (enum stream)s, level, uid, &err)) {
	case LIMIT_OK:
		break;
	case LIMIT_NOT_ALLOWED:
		return service_error(m, CAPCTL_ERR_NOT_ALLOWED,
		                     "The policy does not let you limit streams "
		                     "(allow_personal_limits is false).");
	case LIMIT_BAD_LEVEL:
		levels_allowed(a, (enum stream)s, allowed, sizeof allowed);
		return service_error(m, DBUS_ERR_INVALID_ARGS,
		                     "'fidelity' of %s must be %s (at most the policy's level), or "
		                     "\"\" to lift your limit, not '%s'.",
		                     stream, allowed, Q(level));
	case LIMIT_NOT_SAVED:
		return storage_failed(a, m, err);
	}
	return dbus_message_new_method_return(m);
}

#define ACTIVITY_STEPS_MAX 1440

static DBusMessage *m_activity(struct agent *a, DBusMessage *m, uint32_t uid)
{
	dbus_uint64_t from, to;
	dbus_uint32_t step;
	DBusMessageIter it, arr, st, counts;
	(void)uid;
	dbus_message_get_args(m, NULL, DBUS_TYPE_UINT64, &from, DBUS_TYPE_UINT64, &to,
	                      DBUS_TYPE_UINT32, &step, DBUS_TYPE_INVALID);
	if (step < 60 || step > 86400)
		return service_error(m, DBUS_ERR_INVALID_ARGS,
		                     "'step' must be from 60 to 86400 seconds, not %" PRIu32 ".",
		                     step);
	if (to <= from)
		return service_error(m, DBUS_ERR_INVALID_ARGS, "'to' must be after 'from'.");
	uint64_t len = (uint64_t)step * USEC_PER_SEC, n = (to - from + len - 1) / len;
	if (n > ACTIVITY_STEPS_MAX)
		return service_error(m, DBUS_ERR_INVALID_ARGS,
		                     "That is %" PRIu64
		                     " steps; ask for at most %d (a longer step, "
		                     "or a shorter range).",
		                     n, ACTIVITY_STEPS_MAX);
	struct act_step *steps = xcalloc((size_t)n, sizeof *steps);
	if (a->activity)
		activity_steps(a->activity, from, to, step, now_usec(), steps, (size_t)n);
	else
		for (uint64_t k = 0; k < n; k++)
			steps[k] = (struct act_step){.start = from + k * len, .state = ACT_OFF};
	DBusMessage *reply = dbus_message_new_method_return(m);
	dbus_message_iter_init_append(reply, &it);
	dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "(taus)", &arr);
	for (uint64_t k = 0; k < n; k++) {
		dbus_uint64_t start = steps[k].start;
		const char *state = act_state_name(steps[k].state);
		dbus_message_iter_open_container(&arr, DBUS_TYPE_STRUCT, NULL, &st);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &start);
		dbus_message_iter_open_container(&st, DBUS_TYPE_ARRAY, "u", &counts);
		for (int s = 0; s < N_STREAMS; s++) {
			dbus_uint32_t c = steps[k].events[s];
			dbus_message_iter_append_basic(&counts, DBUS_TYPE_UINT32, &c);
		}
		dbus_message_iter_close_container(&st, &counts);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &state);
		dbus_message_iter_close_container(&arr, &st);
	}
	dbus_message_iter_close_container(&it, &arr);
	free(steps);
	return reply;
}

const struct service_method service_methods[] = {
    {CAPCTL_IFACE, "Pause", "u", "t", "(u seconds)", m_pause, false},
    {CAPCTL_IFACE, "Resume", "", "", "()", m_resume, false},
    {CAPCTL_IFACE, "RequestExemption", "sssu", "s", "(s scope, s category, s reason, u days)",
     m_request, false},
    {CAPCTL_IFACE, "Forget", "u", "u", "(u seconds)", m_forget, false},
    {CAPCTL_IFACE, "WithdrawExemption", "s", "", "(s id)", m_withdraw, false},
    {CAPCTL_IFACE, "ListSegments", "tu", "ta(tsttuttb)", "(t offset, u limit)", m_list_segments,
     false},
    {CAPCTL_IFACE, "ReadSegment", "tuu", "ua(tsiiis)", "(t id, u offset, u limit)", m_read_segment,
     false},
    {CAPCTL_IFACE, "DeleteSegments", "at", "u", "(at ids)", m_delete_segments, false},
    {CAPCTL_IFACE, "RecentEvents", "u", "a(stsiiis)", "(u limit)", m_recent_events, false},
    {CAPCTL_IFACE, "History", "tu", "ta(tssu)", "(t offset, u limit)", m_history, false},
    {CAPCTL_IFACE, "HistoryChain", "tu", "ta(tss)", "(t offset, u limit)", m_history_chain, false},
    {CAPCTL_IFACE, "LimitStream", "ss", "", "(s stream, s fidelity)", m_limit_stream, true},
    {CAPCTL_IFACE, "AcknowledgePolicy", "s", "", "(s digest)", m_acknowledge, true},
    {CAPCTL_IFACE, "Activity", "ttu", "a(taus)", "(t from, t to, u step)", m_activity, false},
    {CAPCTL_IFACE_ADMIN, "DecideExemption", "sbs", "", "(s id, b approve, s note)", m_decide,
     false},
};
const size_t service_n_methods = ARRAY_SIZE(service_methods);
