/* Glue between the pure cores and the edges: the state in words, the
 * filter's gates, the source, the spool's timers, the uploader and the power
 * watcher, the control timer and the once-a-second counters. */
#define _GNU_SOURCE
#include "agent.h"
#include "i18n.h"
#include "phrase.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Journals are written every second; on the battery saver, less often. */
static uint64_t checkpoint_interval(const struct agent *a)
{
	return filter_saver(&a->filter) ? 10 * CHECKPOINT_USEC : CHECKPOINT_USEC;
}

static void storage_update(struct agent *a);

static const enum prop immediate_props[] = {P_STATE,       P_STATE_REASON, P_PAUSED_UNTIL,
                                            P_BUDGET_LEFT, P_MAX_PAUSE,    P_BUDGET};

void agent_log(struct agent *a, const char *action, uint32_t uid, const char *fmt, ...)
{
	char detail[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	detail[utf8_cut(detail, strlen(detail), sizeof detail - 1)] =
	    '\0'; /* never mid-character */
	if (uid == CAPCTL_UID_AGENT)
		log_msg(LOG_LEVEL_INFO, "%s: %s", action, detail);
	else
		log_msg(LOG_LEVEL_INFO, "%s: %s (uid %" PRIu32 ")", action, detail, uid);
	if (a->history) {
		int r = history_append(a->history, now_usec(), action, detail, uid);
		if (r < 0)
			log_msg(LOG_LEVEL_ERR, _("cannot write history: %s"), errno_text(-r));
	}
}

void agent_log_phrase(struct agent *a, const char *action, uint32_t uid, enum phrase id, ...)
{
	va_list ap;
	va_start(ap, id);
	char *detail = phrase_vformat(id, ap);
	va_end(ap);
	agent_log(a, action, uid, "%s", detail);
	free(detail);
}

static uint32_t recording_streams(struct agent *a, uint64_t now)
{
	uint32_t n = 0;
	for (int s = 0; s < N_STREAMS; s++) {
		char *d;
		n += agent_stream(a, (enum stream)s, now, &d);
		free(d);
	}
	return n;
}

const char *agent_state(struct agent *a, uint64_t now, char **reason)
{
	const struct exemption *ex;
	char when[40];

	if (control_paused(&a->control, now)) {
		format_local_end(a->control.paused_until, now, when, sizeof when);
		*reason = phrase_format(PHRASE_PAUSED_UNTIL, when);
		return "paused";
	}
	if ((ex = control_exemption_for(&a->control, N_STREAMS, now))) {
		format_local_date(ex->expires, when, sizeof when);
		*reason = phrase_format(PHRASE_EXEMPT_UNTIL, ex->id, when);
		return "exempt";
	}
	if (consent_blocked(&a->consent, a->written.wait_for_acknowledgment)) {
		*reason = phrase_format(PHRASE_WAIT_NOTICE);
		return "suspended";
	}
	/* Both may hold; the lock is the one the person knows about. */
	if (filter_locked(&a->filter)) {
		*reason = phrase_format(PHRASE_LOCKED);
		return "suspended";
	}
	if (filter_suspended(&a->filter)) {
		*reason = phrase_format(PHRASE_EXCLUDED, filter_app(&a->filter));
		return "suspended";
	}
	if (!a->source || a->source_lost) {
		*reason =
		    a->source_lost ? xstrdup(a->source_lost) : phrase_format(PHRASE_NO_SOURCE);
		return "idle";
	}
	enum phrase id =
	    PHRASE_RECORDING + (filter_saver(&a->filter) ? 1 : 0) + (agent_change_waits(a) ? 2 : 0);
	*reason = phrase_format(id, recording_streams(a, now), (unsigned)N_STREAMS);
	return "collecting";
}

static char *kept_description(const struct policy *p, enum stream s)
{
	switch (policy_fidelity(p, s)) {
	case FID_OFF:
		return phrase_format(PHRASE_OFF_BY_POLICY);
	case FID_REDUCED:
		if (s == STREAM_MOTION)
			return phrase_format(PHRASE_DOWNSAMPLED, p->motion_rate_hz);
		return phrase_format(PHRASE_BUTTON_REDUCED);
	case FID_CATEGORY:
		return phrase_format(PHRASE_KEY_CATEGORY);
	case FID_TIMING:
		return phrase_format(PHRASE_KEY_TIMING);
	case FID_APP:
		return phrase_format(PHRASE_APP_ONLY);
	case FID_FULL:
	default:
		break;
	}
	return phrase_format(PHRASE_FULL_MOTION + s);
}

/* What is kept of stream s, and why it is less than the policy says:
 * the person's limit, or a change that waits for acknowledgment. */
static char *level_description(const struct agent *a, enum stream s)
{
	int in_force = a->policy.fidelity_index[s], written = a->written.fidelity_index[s];
	const char *wrote = policy_stream_values(s)[written];
	if (in_force == written)
		return kept_description(&a->policy, s);
	/* "not recorded: your choice", or what is kept and "; your choice" */
	bool choice = a->policy.allow_personal_limits && a->consent.limit[s] == in_force;
	if (in_force == 0)
		return phrase_format(choice ? PHRASE_NOT_YOUR_CHOICE : PHRASE_NOT_CHANGE_WAITS,
		                     wrote);
	char *kept = kept_description(&a->policy, s);
	char *d =
	    phrase_format(choice ? PHRASE_KEPT_YOUR_CHOICE : PHRASE_KEPT_CHANGE_WAITS, kept, wrote);
	free(kept);
	return d;
}

bool agent_stream(struct agent *a, enum stream s, uint64_t now, char **description)
{
	const struct exemption *ex;
	if (consent_blocked(&a->consent, a->written.wait_for_acknowledgment)) {
		*description = phrase_format(PHRASE_NOT_WAIT_NOTICE);
		return false;
	}
	if (policy_fidelity(&a->policy, s) == FID_OFF) {
		*description = level_description(a, s);
		return false;
	}
	if (control_paused(&a->control, now)) {
		*description = phrase_format(PHRASE_NOT_PAUSED);
		return false;
	}
	if ((ex = control_exemption_for(&a->control, s, now))) {
		*description = phrase_format(PHRASE_NOT_EXEMPT, ex->id);
		return false;
	}
	if (filter_locked(&a->filter)) {
		*description = phrase_format(PHRASE_NOT_LOCKED);
		return false;
	}
	if (filter_suspended(&a->filter)) {
		*description = phrase_format(PHRASE_NOT_EXCLUDED, filter_app(&a->filter));
		return false;
	}
	if (!a->source || a->source_lost) {
		*description = phrase_format(PHRASE_NOT_NO_SOURCE);
		return false;
	}
	if (s == STREAM_MOTION && filter_saver(&a->filter))
		*description =
		    phrase_format(PHRASE_DOWNSAMPLED_SAVER, filter_motion_hz(&a->filter));
	else
		*description = level_description(a, s);
	return true;
}

/* ---- recording ---- */

static void on_kept(const struct event *e, void *data)
{
	struct agent *a = data;
	a->counts[e->stream]++;
	if (a->activity)
		activity_count(a->activity, e->time, e->stream);
	a->recent[a->recent_head] = *e;
	a->recent_head = (a->recent_head + 1) % RECENT_MAX;
	if (a->recent_len < RECENT_MAX)
		a->recent_len++;
	if (a->spool) {
		spool_add(a->spool, e, a->policy.segment_seconds);
		if ((spool_fault(a->spool) != 0) != a->storage.failed)
			storage_update(a);
		if (!loop_timer_armed(a->checkpoint_timer))
			loop_timer_arm_in(a->checkpoint_timer, checkpoint_interval(a));
		if (!loop_timer_armed(a->segment_timer))
			agent_spool_changed(a);
	}
	agent_counters_touch(a);
}

const struct event *agent_recent(const struct agent *a, size_t i)
{
	return &a->recent[(a->recent_head + RECENT_MAX - 1 - i) % RECENT_MAX];
}

static void arm_flush(struct agent *a)
{
	uint64_t due = filter_deadline(&a->filter), now = now_usec();
	if (!due)
		loop_timer_disarm(a->flush_timer);
	else
		loop_timer_arm_in(a->flush_timer, due > now ? due - now : 0);
}

static void on_flush(struct loop_timer *t, void *data)
{
	struct agent *a = data;
	(void)t;
	filter_flush(&a->filter, now_usec(), false, on_kept, a);
	arm_flush(a);
}

static void set_gates(struct agent *a, uint64_t now)
{
	bool exempt[N_STREAMS];
	for (int s = 0; s < N_STREAMS; s++)
		exempt[s] = control_exemption_for(&a->control, s, now) != NULL;
	/* Before the first acknowledgment nothing is kept, as in a pause. */
	bool stopped = control_paused(&a->control, now) ||
	               consent_blocked(&a->consent, a->written.wait_for_acknowledgment);
	filter_set_consent(&a->filter, stopped, exempt, now, on_kept, a);
	arm_flush(a);
}

static void feed(struct agent *a, const struct event *e)
{
	bool was_suspended = filter_suspended(&a->filter);
	filter_feed(&a->filter, e, on_kept, a);
	if (was_suspended != filter_suspended(&a->filter)) {
		if (filter_suspended(&a->filter))
			log_msg(LOG_LEVEL_INFO, _("suspended: excluded application %s has focus"),
			        filter_app(&a->filter));
		else
			log_msg(LOG_LEVEL_INFO, _("recording again: %s has focus"),
			        filter_app(&a->filter));
		service_announce(a, immediate_props, ARRAY_SIZE(immediate_props));
		agent_counters_touch(a);
	}
}

static void on_source_event(const struct event *e, void *data)
{
	struct agent *a = data;
	feed(a, e);
	arm_flush(a);
}

static void on_source_status(bool ok, const char *why, void *data)
{
	struct agent *a = data;
	free(a->source_lost);
	a->source_lost = ok ? NULL : xstrdup(why);
	log_msg(ok ? LOG_LEVEL_INFO : LOG_LEVEL_WARNING, "%s", ok ? _("input source back") : why);
	service_announce(a, immediate_props, ARRAY_SIZE(immediate_props));
	agent_counters_touch(a);
}

static void on_source_end(void *data)
{
	struct agent *a = data;
	log_msg(LOG_LEVEL_INFO, _("the recording has ended"));
	if (a->exit_at_end) {
		filter_flush(&a->filter, 0, true, on_kept, a);
		loop_quit(a->loop, 0);
	}
}

int agent_start_source(struct agent *a, char **error)
{
	const struct source_cb cb = {on_source_event, on_source_status, on_source_end, a};
	a->flush_timer = loop_timer_new(a->loop, on_flush, a);
	*error = NULL;
	switch (a->source_kind) {
	case SOURCE_NONE:
		return 0;
	case SOURCE_SYNTHETIC:
		a->source = source_synthetic_new(a->loop, a->seed, &cb);
		break;
	case SOURCE_REPLAY:
		a->source = source_replay_new(a->loop, a->replay, a->speed, &cb);
		a->replay = NULL;
		break;
	case SOURCE_EVDEV:
		a->source = source_evdev_new(a->loop, &cb, error);
		break;
	case SOURCE_X11:
		a->source = source_x11_new(a->loop, &cb, error);
		break;
	}
	return a->source ? 0 : -1;
}

void agent_stop_source(struct agent *a)
{
	source_free(a->source);
	a->source = NULL;
	filter_flush(&a->filter, 0, true, on_kept, a);
	if (a->spool) {
		int r = spool_close_due(a->spool, 0, 0);
		if (r < 0)
			log_msg(
			    LOG_LEVEL_ERR,
			    _("cannot write the spool: %s; %" PRIu64 " events recorded are lost"),
			    errno_text(-r), spool_waiting(a->spool));
	}
}

/* ---- the spool ---- */

/* Why uploads wait: a pause first, then the machine's state. */
static const char *upload_deferral(struct agent *a)
{
	if (control_paused(&a->control, now_usec()))
		return "paused";
	if (!a->power)
		return "";
	const struct power_state *ps = power_watch_state(a->power);
	const char *why = power_deferral(ps, a->policy.on_battery == 0, a->policy.on_metered == 0);
	/* The saver defers uploads even where the policy allows them on battery. */
	if (!*why && power_saver(ps, a->policy.saver_below_percent))
		why = "on-battery";
	return why;
}

static const char *upload_deferral_hook(void *data)
{
	return upload_deferral(data);
}

static void on_power_changed(const struct power_state *ps, void *data)
{
	struct agent *a = data;
	bool saver = power_saver(ps, a->policy.saver_below_percent);
	if (saver != filter_saver(&a->filter)) {
		if (saver)
			log_msg(LOG_LEVEL_INFO,
			        _("battery saver on: motion at most %d Hz, uploads wait"),
			        SAVER_MOTION_HZ);
		else
			log_msg(LOG_LEVEL_INFO, _("battery saver off"));
		filter_set_saver(&a->filter, saver, now_usec(), on_kept, a);
	}
	if (ps->locked != filter_locked(&a->filter)) {
		log_msg(LOG_LEVEL_INFO, "%s",
		        ps->locked ? _("the screen is locked: nothing is recorded")
		                   : _("the screen is unlocked"));
		/* What was kept before the lock is still kept. */
		filter_set_locked(&a->filter, ps->locked, now_usec(), on_kept, a);
		arm_flush(a);
	}
	if (a->uploader)
		upload_defer(a->uploader, upload_deferral(a));
	service_announce(a, immediate_props, ARRAY_SIZE(immediate_props));
	agent_counters_touch(a);
}

void agent_watch_power(struct agent *a)
{
	a->power = power_watch_new(a->loop, on_power_changed, a);
}

static void spool_log(const char *msg, void *data)
{
	(void)data;
	log_msg(LOG_LEVEL_WARNING, "%s", msg);
}

static void arm_at(struct loop_timer *t, uint64_t due)
{
	uint64_t now = now_usec();
	if (!due)
		loop_timer_disarm(t);
	else
		loop_timer_arm_in(t, due > now ? due - now : 0);
}

static void on_upload_changed(void *data)
{
	struct agent *a = data;
	agent_save_state(a);
	agent_counters_touch(a);
}

static void on_upload_history(const char *action, const char *detail, void *data)
{
	agent_log(data, action, CAPCTL_UID_AGENT, "%s", detail);
}

void agent_spool_changed(struct agent *a)
{
	uint64_t day = 86400 * USEC_PER_SEC;
	storage_update(a);
	/* A deletion may have made room: look now, not at the next tick. */
	if (a->storage.failed)
		loop_timer_arm_in(a->checkpoint_timer, 0);
	arm_at(a->segment_timer, spool_next_close(a->spool, a->policy.segment_seconds));
	uint64_t oldest_end = UINT64_MAX;
	for (size_t i = 0; i < spool_count(a->spool); i++) {
		const struct spool_seg *seg = spool_newest(a->spool, i);
		if (seg->end < oldest_end)
			oldest_end = seg->end;
	}
	arm_at(a->retention_timer,
	       oldest_end == UINT64_MAX ? 0 : oldest_end + a->policy.retention_days * day);
	if (a->uploader)
		upload_kick(a->uploader);
	agent_counters_touch(a);
}

/* ---- storage faults ---- */

#define STORAGE_LOOK_USEC USEC_PER_SEC          /* how often to look for room */
#define STORAGE_BACKOFF_MAX (60 * USEC_PER_SEC) /* the longest wait between tries */

/* The failure in words for the person: the spool's disk is the state
 * directory's. A directory's name need not be UTF-8, a property must be:
 * then its other bytes are shown as '?'. */
static char *storage_words(const struct agent *a, int err)
{
	const char *path = a->state_path ? a->state_path : "";
	const char *slash = strrchr(path, '/');
	char *dir = xstrndup(path, slash ? (size_t)(slash - path) : strlen(path)), *w;
	if (err == -ENOSPC)
		w = phrase_format(PHRASE_DISK_FULL, dir);
	else if (err == -EDQUOT)
		w = phrase_format(PHRASE_DISK_QUOTA, dir);
	else
		w = phrase_format(PHRASE_SPOOL_UNWRITABLE, dir, errno_text(-err));
	free(dir);
	if (!utf8_valid(w, strlen(w)))
		for (char *p = w; *p; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
	return w;
}

char *agent_storage_error(const struct agent *a)
{
	int err = a->spool ? spool_fault(a->spool) : 0;
	if (!err)
		return xstrdup("");
	char *words = storage_words(a, err), *out;
	uint64_t lost = spool_dropped(a->spool) - a->storage.dropped;
	if (lost)
		out = phrase_format(PHRASE_STORAGE_LOST, words, lost,
		                    (unsigned)(SPOOL_MEMORY_MAX >> 20));
	else
		out =
		    phrase_format(PHRASE_STORAGE_WAITING, words, (uint64_t)spool_waiting(a->spool));
	free(words);
	return out;
}

/* After the spool tried to write: History once when an episode begins
 * and once when it ends. */
static void storage_update(struct agent *a)
{
	struct storage_fault *f = &a->storage;
	if (!a->spool)
		return;
	int err = spool_fault(a->spool);
	char *words = NULL;
	if (err && !f->failed) {
		uint64_t mono = mono_usec();
		*f = (struct storage_fault){.failed = true,
		                            .err = err,
		                            .since = now_usec(),
		                            .retry_at = mono + USEC_PER_SEC,
		                            .backoff = USEC_PER_SEC,
		                            .dropped = spool_dropped(a->spool)};
		/* The reserve the spool just freed makes room for this line. */
		words = storage_words(a, err);
		size_t before = a->history ? history_count(a->history) : 0;
		agent_log_phrase(a, "storage-failed", CAPCTL_UID_AGENT, PHRASE_H_STORAGE_FAILED,
		                 words);
		f->unlogged = a->history && history_count(a->history) == before;
		loop_timer_arm_in(a->checkpoint_timer, STORAGE_LOOK_USEC);
	} else if (!err && f->failed) {
		char when[40];
		uint64_t now = now_usec(), lost = spool_dropped(a->spool) - f->dropped;
		f->failed = false;
		words = storage_words(a, f->err);
		format_local_time(f->since, now, when, sizeof when);
		if (f->unlogged)
			agent_log(a, "storage-failed", CAPCTL_UID_AGENT, "%s (since %s)", words,
			          when);
		agent_log(a, "storage-recovered", CAPCTL_UID_AGENT,
		          "the spool is written again, after %" PRIu64 " s; %s",
		          (uint64_t)((now - f->since) / USEC_PER_SEC),
		          lost ? "some events could not be kept" : "nothing recorded was lost");
		if (lost)
			log_msg(LOG_LEVEL_ERR,
			        _("%" PRIu64 " events could not be kept while the disk failed"),
			        lost);
	}
	free(words);
	agent_counters_touch(a);
}

static void on_checkpoint(struct loop_timer *t, void *data)
{
	struct agent *a = data;
	struct storage_fault *f = &a->storage;
	uint64_t now = mono_usec();
	/* While writes fail: try again by the backoff, or as soon as the disk
	 * has room; never on an event. Looking for room costs one statvfs. */
	if (f->failed && !spool_retry_now(a->spool, now >= f->retry_at)) {
		loop_timer_arm_in(t, STORAGE_LOOK_USEC);
		return;
	}
	bool was = f->failed;
	int r = spool_checkpoint(a->spool);
	if (r < 0 && was) {
		f->backoff =
		    f->backoff * 2 > STORAGE_BACKOFF_MAX ? STORAGE_BACKOFF_MAX : f->backoff * 2;
		f->retry_at = now + f->backoff;
		log_msg(LOG_LEVEL_ERR,
		        _("cannot write the spool: %s; trying again within %" PRIu64 " s"),
		        errno_text(-r), (uint64_t)(f->backoff / USEC_PER_SEC));
	}
	storage_update(a);
	if (f->failed)
		loop_timer_arm_in(t, STORAGE_LOOK_USEC);
	else if (spool_behind(a->spool))
		loop_timer_arm_in(t, 0); /* the next slice, after the bus's turn */
}

static void enforce_limits(struct agent *a)
{
	uint64_t now = now_usec(), day = 86400 * USEC_PER_SEC;
	uint64_t cutoff =
	    now > a->policy.retention_days * day ? now - a->policy.retention_days * day : 0;
	uint32_t n = spool_expire(a->spool, cutoff);
	spool_expire_quarantine(a->spool, cutoff);
	if (a->activity)
		activity_expire(a->activity, cutoff);
	if (n)
		agent_log(a, "segments-expired", CAPCTL_UID_AGENT,
		          "%" PRIu32 " segment%s older than %" PRIu32 " day%s", n, plural(n),
		          a->policy.retention_days, plural(a->policy.retention_days));
	n = spool_enforce_cap(a->spool, (uint64_t)a->policy.max_spool_mb * 1000000);
	if (n)
		agent_log(a, "segments-expired", CAPCTL_UID_AGENT,
		          "%" PRIu32 " segment%s, the oldest, to keep the spool under %" PRIu32
		          " MB",
		          n, plural(n), a->policy.max_spool_mb);
	/* What the cap deleted is not counted any more. */
	if (n && a->activity)
		activity_forget(a->activity, 0, spool_oldest(a->spool));
	agent_spool_changed(a);
}

static void on_segment_timer(struct loop_timer *t, void *data)
{
	struct agent *a = data;
	(void)t;
	spool_close_due(a->spool, now_usec(), a->policy.segment_seconds);
	enforce_limits(a);
}

static void on_retention_timer(struct loop_timer *t, void *data)
{
	(void)t;
	enforce_limits(data);
}

int agent_open_spool(struct agent *a, const char *state_dir, char **error)
{
	char *dir = xasprintf("%s/spool", state_dir);
	a->spool = spool_open(dir, spool_log, a, error);
	free(dir);
	if (!a->spool)
		return -1;
	a->checkpoint_timer = loop_timer_new(a->loop, on_checkpoint, a);
	a->segment_timer = loop_timer_new(a->loop, on_segment_timer, a);
	a->retention_timer = loop_timer_new(a->loop, on_retention_timer, a);
	const struct upload_hooks hooks = {on_upload_changed, on_upload_history,
	                                   upload_deferral_hook, a};
	a->uploader = upload_new(a->loop, a->spool, &a->policy, &hooks);
	if (a->upload_saved) {
		upload_restore(a->uploader, a->upload_saved);
		state_upload_fini(a->upload_saved);
		free(a->upload_saved);
		a->upload_saved = NULL;
	}
	upload_defer(a->uploader, upload_deferral(a));
	enforce_limits(a); /* and a recovery the disk could not take */
	return 0;
}

/* Lets go of the events of stream st (N_STREAMS: all) from "from" to "to"
 * in the ring, and of a downsampled position held back among them. */
static void drop_recent(struct agent *a, enum stream st, uint64_t from, uint64_t to)
{
	filter_forget_held(&a->filter, st, from, to);
	size_t kept = 0;
	struct event *tmp = xcalloc(RECENT_MAX, sizeof *tmp);
	for (size_t i = a->recent_len; i-- > 0;) {
		const struct event *e = agent_recent(a, i);
		if ((st != N_STREAMS && e->stream != st) || e->time < from || e->time > to)
			tmp[kept++] = *e;
	}
	memcpy(a->recent, tmp, kept * sizeof *tmp);
	a->recent_head = kept % RECENT_MAX;
	a->recent_len = kept;
	free(tmp);
}

int agent_delete_segment(struct agent *a, uint64_t id)
{
	struct spool_seg seg;
	if (spool_lookup(a->spool, id, &seg) < 0)
		return -ENOENT;
	agent_uncount_segment(a, id, seg.stream);
	if (spool_delete(a->spool, id) < 0)
		return -ENOENT;
	/* What memory still holds of it goes too: an open segment's end is
	 * "until now". */
	drop_recent(a, seg.stream, seg.start, seg.end ? seg.end : UINT64_MAX);
	return 0;
}

uint64_t agent_forget(struct agent *a, uint64_t cutoff, int *err)
{
	uint64_t removed = 0;
	drop_recent(a, N_STREAMS, cutoff, UINT64_MAX);
	if (a->activity)
		activity_forget(a->activity, cutoff, UINT64_MAX);
	bool uploaded;
	removed += spool_forget(a->spool, cutoff, err, &uploaded);
	/* What the server has, or is receiving now, must go there too. */
	if (uploaded || upload_busy(a->uploader) || cutoff <= upload_uploaded_until(a->uploader)) {
		upload_delete_span(a->uploader, cutoff, now_usec());
		agent_save_state(a);
	}
	agent_spool_changed(a);
	return removed;
}

/* ---- control ---- */

static void on_ctl_event(enum ctl_event ev, const struct exemption *ex, void *data)
{
	struct agent *a = data;
	char when[40];
	a->ticked = true;
	switch (ev) {
	case CTL_EV_AUTO_RESUME:
		agent_log_phrase(a, "auto-resume", CAPCTL_UID_AGENT, PHRASE_H_AUTO_RESUME);
		service_resend(a, P_BUDGET_LEFT);
		break;
	case CTL_EV_EXPIRED:
		format_local_date(ex->expires, when, sizeof when);
		agent_log_phrase(a, "exemption-expired", CAPCTL_UID_AGENT, PHRASE_H_EXPIRED, ex->id,
		                 ex->scope, when);
		break;
	case CTL_EV_DROPPED:
	case CTL_EV_NEW_DAY:
		break;
	}
}

static void on_control_timer(struct loop_timer *t, void *data)
{
	(void)t;
	agent_tick(data);
}

static void arm_control_timer(struct agent *a, uint64_t now)
{
	uint64_t due = control_next_deadline(&a->control, now);
	if (due)
		loop_timer_arm_in(a->control_timer, due > now ? due - now : 0);
	else
		loop_timer_disarm(a->control_timer);
}

void agent_tick(struct agent *a)
{
	/* Called before every method call too: only what happened costs a
	 * write and an announcement. */
	a->ticked = false;
	control_tick(&a->control, now_usec(), on_ctl_event, a);
	if (a->ticked)
		agent_control_changed(a);
	else
		arm_control_timer(a, now_usec());
}

/* The state with c as its control part, and a deletion request for ids
 * added when n is not 0. */
static int save_state(struct agent *a, const struct control *c, const uint64_t *ids, size_t n)
{
	struct state_upload up = {0};
	const struct state_upload *saved = a->upload_saved;
	if (a->uploader) {
		upload_save(a->uploader, &up);
	} else if (saved) {
		up = (struct state_upload){saved->day,
		                           saved->bytes_today,
		                           saved->bytes_total,
		                           saved->last_upload,
		                           saved->uploaded_until,
		                           NULL,
		                           0};
		for (size_t i = 0; i < saved->n_del; i++)
			state_upload_add(&up, saved->del[i].ids, saved->del[i].n,
			                 saved->del[i].from, saved->del[i].to);
	}
	if (n)
		state_upload_add(&up, ids, n, 0, 0);
	int r =
	    a->store ? state_save(a->store, c, &a->consent, a->counts, &up, now_usec()) : -ENOENT;
	state_upload_fini(&up);
	if (r < 0)
		log_msg(LOG_LEVEL_ERR, _("cannot save state to %s: %s"), a->state_path,
		        errno_text(-r));
	else if (a->activity && activity_flush(a->activity, now_usec()) < 0)
		log_msg(LOG_LEVEL_ERR, _("cannot write the activity minutes"));
	return r;
}

int agent_save_state(struct agent *a)
{
	return save_state(a, &a->control, NULL, 0);
}

int agent_save_deletion(struct agent *a, const uint64_t *ids, size_t n)
{
	return save_state(a, &a->control, ids, n);
}

/* What follows a change of the control state, once it is saved. */
static void control_followups(struct agent *a)
{
	uint64_t now = now_usec();
	set_gates(a, now);
	if (a->uploader)
		upload_defer(a->uploader, upload_deferral(a));
	arm_control_timer(a, now);
	static const enum prop props[] = {P_STATE,       P_STATE_REASON, P_PAUSED_UNTIL,
	                                  P_BUDGET_LEFT, P_MAX_PAUSE,    P_BUDGET,
	                                  P_EXEMPTIONS};
	service_announce(a, props, ARRAY_SIZE(props));
	agent_counters_touch(a);
}

void agent_control_changed(struct agent *a)
{
	agent_save_state(a);
	control_followups(a);
}

int agent_commit_control(struct agent *a, struct control *next)
{
	int r = save_state(a, next, NULL, 0);
	if (r < 0) {
		control_fini(next);
		return r;
	}
	control_fini(&a->control);
	a->control = *next;
	control_followups(a);
	return 0;
}

void agent_init_control_timer(struct agent *a)
{
	a->control_timer = loop_timer_new(a->loop, on_control_timer, a);
}

/* ---- counters ---- */

static void on_stats(struct loop_timer *t, void *data)
{
	struct agent *a = data;
	static const enum prop props[] = {P_STREAMS, P_UPLOAD, P_POWER, P_RETENTION};
	(void)t;
	a->stats_sent_at = mono_usec();
	service_announce(a, props, ARRAY_SIZE(props));
}

void agent_counters_touch(struct agent *a)
{
	if (!a->stats_timer)
		a->stats_timer = loop_timer_new(a->loop, on_stats, a);
	if (loop_timer_armed(a->stats_timer))
		return;
	uint64_t due = a->stats_sent_at + USEC_PER_SEC, now = mono_usec();
	loop_timer_arm(a->stats_timer, due > now ? due : now);
}

/* ---- policy ---- */

void agent_policy_followups(struct agent *a)
{
	static const enum prop props[] = {P_NOTICE, P_CONSENT, P_PERSONAL_LIMITS};
	service_announce(a, props, ARRAY_SIZE(props));
	/* Everything that follows from the policy, again: the saver and the
	 * deferrals, retention and the spool's cap, the segment timer, the
	 * uploader's endpoint and hold. */
	if (a->power)
		on_power_changed(power_watch_state(a->power), a);
	if (a->spool)
		enforce_limits(a);
	if (a->uploader)
		upload_kick(a->uploader);
	agent_control_changed(a);
}
