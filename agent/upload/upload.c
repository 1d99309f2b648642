/* The uploader's edge: libcurl's multi interface on the agent's loop, the
 * request bodies, and the clock and the spool read for the planner, which
 * decides what is sent and when (planner.c). */
#define _GNU_SOURCE
#include "upload/upload.h"
#include "i18n.h"
#include "upload/planner.h"
#include "store/state.h"
#include "util.h"

#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct uploader {
	struct loop *loop;
	struct spool *spool;
	const struct policy *policy;
	struct upload_hooks hooks;
	struct planner *plan;
	CURLM *multi;
	struct loop_timer *curl_timer; /* libcurl's own timeouts */
	struct loop_timer *timer;      /* the next attempt */

	CURL *easy; /* the transfer in flight, or NULL */
	struct curl_slist *headers;
	struct buf body;
	uint64_t *batch; /* segment ids in the body; NULL for a deletion */
	size_t batch_n;
	char last_error[256];
};

/* The clock, read once for each turn of the planner. */
static struct plan_clock clock_now(void)
{
	uint64_t now = now_usec();
	return (struct plan_clock){now, local_day(now), next_local_midnight(now)};
}

static void schedule(struct uploader *u);

/* ---- curl on the loop ---- */

static void check_done(struct uploader *u);

static void on_curl_io(struct loop_io *io, int fd, short revents, void *data)
{
	struct uploader *u = data;
	int running, ev = 0;
	(void)io;
	if (revents & POLLIN)
		ev |= CURL_CSELECT_IN;
	if (revents & POLLOUT)
		ev |= CURL_CSELECT_OUT;
	if (revents & (POLLERR | POLLHUP))
		ev |= CURL_CSELECT_ERR;
	curl_multi_socket_action(u->multi, fd, ev, &running);
	check_done(u);
}

static int on_curl_socket(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct uploader *u = userp;
	struct loop_io *io = socketp;
	(void)e;
	if (what == CURL_POLL_REMOVE) {
		loop_io_remove(io);
		curl_multi_assign(u->multi, s, NULL);
		return 0;
	}
	short events =
	    (short)(((what & CURL_POLL_IN) ? POLLIN : 0) | ((what & CURL_POLL_OUT) ? POLLOUT : 0));
	if (io) {
		loop_io_set_events(io, events);
	} else {
		io = loop_io_add(u->loop, s, events, on_curl_io, u);
		curl_multi_assign(u->multi, s, io);
	}
	return 0;
}

static void on_curl_timer(struct loop_timer *t, void *data)
{
	struct uploader *u = data;
	int running;
	(void)t;
	curl_multi_socket_action(u->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(u);
}

static int on_curl_timeout(CURLM *m, long ms, void *userp)
{
	struct uploader *u = userp;
	(void)m;
	if (ms < 0)
		loop_timer_disarm(u->curl_timer);
	else
		loop_timer_arm_in(u->curl_timer, (uint64_t)ms * 1000);
	return 0;
}

void upload_host(const char *url, char *buf, size_t size)
{
	CURLU *h = curl_url();
	char *host = NULL;
	buf[0] = '\0';
	if (*url && curl_url_set(h, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(h, CURLUPART_HOST, &host, 0) == CURLUE_OK)
		snprintf(buf, size, "%s", host);
	curl_free(host);
	curl_url_cleanup(h);
}

static void set_error(struct uploader *u, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void set_error(struct uploader *u, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->last_error, sizeof u->last_error, fmt, ap);
	va_end(ap);
}

/* ---- transfers ---- */

static void end_transfer(struct uploader *u)
{
	curl_multi_remove_handle(u->multi, u->easy);
	curl_easy_cleanup(u->easy);
	curl_slist_free_all(u->headers);
	u->easy = NULL;
	u->headers = NULL;
	buf_free(&u->body);
	free(u->batch);
	u->batch = NULL;
	u->batch_n = 0;
}

static bool start(struct uploader *u, const struct plan_clock *c, enum plan_action what,
                  const char *content_type, const char *extra_header)
{
	char *ct = xasprintf("Content-Type: %s", content_type);
	u->headers = curl_slist_append(NULL, ct);
	free(ct);
	u->headers = curl_slist_append(u->headers, extra_header);
	u->headers = curl_slist_append(u->headers, "Expect:");
	u->easy = curl_easy_init();
	if (!u->easy) {
		end_transfer(u);
		return false;
	}
	CURL *e = u->easy;
	curl_easy_setopt(e, CURLOPT_URL, u->policy->endpoint);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_POST, 1L);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, u->body.p ? (char *)u->body.p : "");
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)u->body.len);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, u->headers);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 20L);
	/* A stalled server is a failure, not a wedged uploader. */
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, 30L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "captured/" CAPCTL_VERSION);
	if (u->policy->rate_limit_kbps)
		curl_easy_setopt(e, CURLOPT_MAX_SEND_SPEED_LARGE,
		                 (curl_off_t)u->policy->rate_limit_kbps * 1000 / 8);
	curl_multi_add_handle(u->multi, e);
	planner_started(u->plan, what, c);
	return true;
}

static void json_ids(struct buf *b, const uint64_t *ids, size_t n)
{
	char num[32];
	for (size_t i = 0; i < n; i++) {
		int len = snprintf(num, sizeof num, "%s%" PRIu64, i ? "," : "", ids[i]);
		buf_put(b, num, (size_t)len);
	}
}

static bool start_deletion(struct uploader *u, const struct plan_clock *c)
{
	const struct plan_deletion *d = planner_deletions(u->plan);
	char *json;
	if (d->ids) {
		buf_put(&u->body, "{\"delete_segments\":[", 20);
		json_ids(&u->body, d->ids, d->n);
		buf_put(&u->body, "]}", 2);
	} else {
		json = xasprintf("{\"delete_span\":[%" PRIu64 ",%" PRIu64 "]}", d->from, d->to);
		buf_put(&u->body, json, strlen(json));
		free(json);
	}
	buf_put(&u->body, "", 1);
	u->body.len--; /* NUL-terminated for curl, not sent */
	return start(u, c, PLAN_DELETE, "application/json", "X-Capctl-Request: delete");
}

/* The review hold: a closed segment is the person's alone until it has
 * been closed hold_minutes. */
static bool held(const struct uploader *u, const struct spool_seg *seg, uint64_t now)
{
	uint64_t hold = (uint64_t)u->policy->hold_minutes * 60 * USEC_PER_SEC;
	return hold && seg->end + hold > now;
}

/* Whether a pending segment may be sent now. */
static bool any_released(const struct uploader *u, uint64_t now)
{
	const struct spool_seg *seg;
	for (size_t i = 0; (seg = spool_pending(u->spool, i)); i++)
		if (!held(u, seg, now))
			return true;
	return false;
}

/* The bytes of pending segments inside the hold, and when the first of
 * them leaves it (0 if none). */
static uint64_t held_bytes(const struct uploader *u, uint64_t now, uint64_t *release)
{
	const struct spool_seg *seg;
	uint64_t bytes = 0, hold = (uint64_t)u->policy->hold_minutes * 60 * USEC_PER_SEC;
	*release = 0;
	for (size_t i = 0; (seg = spool_pending(u->spool, i)); i++)
		if (held(u, seg, now)) {
			bytes += seg->bytes;
			if (!*release || seg->end + hold < *release)
				*release = seg->end + hold;
		}
	return bytes;
}

/* The pending segments the planner lets into one request, past their
 * hold; one that cannot be read is left out. */
static bool start_batch(struct uploader *u, const struct plan_clock *c)
{
	const struct spool_seg *seg;
	struct buf ids = {0};
	for (size_t i = 0; (seg = spool_pending(u->spool, i)); i++) {
		if (held(u, seg, c->now))
			continue;
		if (planner_fit(u->plan, u->body.len, seg->bytes) != PLAN_FIT_TAKE)
			break;
		if (spool_load_file(u->spool, seg->id, &u->body) < 0)
			continue;
		u->batch = xrealloc(u->batch, (u->batch_n + 1) * sizeof *u->batch);
		u->batch[u->batch_n++] = seg->id;
	}
	if (!u->batch_n) {
		buf_free(&u->body);
		return false;
	}
	buf_put(&ids, "X-Capctl-Segments: ", 19);
	json_ids(&ids, u->batch, u->batch_n);
	buf_put(&ids, "", 1);
	/* curl_slist_append copies the header: ids is ours either way. */
	bool ok = start(u, c, PLAN_BATCH, "application/vnd.capctl.segments", (const char *)ids.p);
	buf_free(&ids);
	return ok;
}

/* A deletion the server took: its History entry. */
static void deletion_done(struct uploader *u, const struct plan_clock *c, const char *host)
{
	const struct plan_deletion *d = planner_deletions(u->plan);
	char detail[400], from[40], to[40];
	if (d->ids) {
		snprintf(detail, sizeof detail, "%zu uploaded segment%s, sent to %s", d->n,
		         plural(d->n), host);
	} else {
		format_local_time(d->from, c->now, from, sizeof from);
		format_local_time(d->to, c->now, to, sizeof to);
		snprintf(detail, sizeof detail, "what was uploaded from %s to %s, sent to %s", from,
		         to, host);
	}
	u->hooks.history("upload-deletion-requested", detail, u->hooks.data);
}

/* A batch the server took: its segments are uploaded (or gone, by the
 * policy); returns the newest event time among them. */
static uint64_t batch_done(struct uploader *u, uint64_t sent, const char *host)
{
	uint64_t newest = 0;
	for (size_t i = 0; i < u->batch_n; i++) {
		const struct spool_seg *seg = spool_find(u->spool, u->batch[i]);
		if (seg && seg->end > newest)
			newest = seg->end;
		if (u->policy->delete_after_upload)
			spool_delete(u->spool, u->batch[i]);
		else
			spool_set_uploaded(u->spool, u->batch[i]);
	}
	log_msg(LOG_LEVEL_INFO,
	        P_("uploaded %zu segment (%" PRId64 " bytes) to %s",
	           "uploaded %zu segments (%" PRId64 " bytes) to %s", u->batch_n),
	        u->batch_n, (int64_t)sent, host);
	return newest;
}

static void finish(struct uploader *u, CURLcode code)
{
	struct plan_clock c = clock_now();
	long status = 0;
	curl_off_t sent = 0;
	char host[256];
	curl_easy_getinfo(u->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(u->easy, CURLINFO_SIZE_UPLOAD_T, &sent);
	upload_host(u->policy->endpoint, host, sizeof host);
	struct plan_result r = {.ok = code == CURLE_OK && status >= 200 && status < 300,
	                        .sent = (uint64_t)sent};
	if (!r.ok) {
		if (code != CURLE_OK)
			set_error(u, "%s (%s)", curl_easy_strerror(code), host);
		else
			set_error(u, "the server %s answered HTTP %ld", host, status);
		log_msg(LOG_LEVEL_WARNING, _("upload to %s failed: %s; retrying later"), host,
		        u->last_error);
	} else {
		u->last_error[0] = '\0';
		if (u->batch)
			r.newest = batch_done(u, r.sent, host);
		else
			deletion_done(u, &c, host);
	}
	end_transfer(u);
	r.more_pending = any_released(u, c.now);
	planner_done(u->plan, &c, &r);
}

static void check_done(struct uploader *u)
{
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(u->multi, &left)))
		if (m->msg == CURLMSG_DONE && m->easy_handle == u->easy) {
			finish(u, m->data.result);
			schedule(u);
			u->hooks.changed(u->hooks.data);
		}
}

/* ---- scheduling ---- */

static void on_timer(struct loop_timer *t, void *data)
{
	struct uploader *u = data;
	(void)t;
	schedule(u);
	u->hooks.changed(u->hooks.data);
}

/* Does what the planner says: start a transfer, or arm the timer. */
static void schedule(struct uploader *u)
{
	struct plan_clock c = clock_now();
	loop_timer_disarm(u->timer);
	/* Ask again now: without UPower the battery is only known by
	 * looking, and it may have changed since the agent last said. */
	if (planner_ready(u->plan) && u->hooks.deferral)
		planner_note_deferral(u->plan, u->hooks.deferral(u->hooks.data));
	struct plan next = planner_next(u->plan, &c, any_released(u, c.now));
	uint64_t release = 0;
	if (*u->policy->endpoint)
		held_bytes(u, c.now, &release);
	switch (next.action) {
	case PLAN_IDLE:
		/* The next segment to leave its hold asks again. */
		if (release)
			loop_timer_arm_in(u->timer, release - c.now);
		break;
	case PLAN_WAIT:
		if (release && release < next.at)
			next.at = release;
		loop_timer_arm_in(u->timer, next.at > c.now ? next.at - c.now : 0);
		break;
	case PLAN_DELETE:
		start_deletion(u, &c);
		break;
	case PLAN_BATCH:
		/* Nothing fitted under the cap: the planner now waits for
		 * midnight. */
		if (!start_batch(u, &c) && planner_capped(u->plan))
			schedule(u);
		break;
	}
}

void upload_kick(struct uploader *u)
{
	schedule(u);
}

void upload_defer(struct uploader *u, const char *reason)
{
	if (!planner_defer(u->plan, reason))
		return;
	schedule(u);
	u->hooks.changed(u->hooks.data);
}

void upload_delete_ids(struct uploader *u, const uint64_t *ids, size_t n)
{
	if (!n)
		return;
	planner_queue_ids(u->plan, ids, n);
	schedule(u);
}

void upload_delete_span(struct uploader *u, uint64_t from, uint64_t to)
{
	planner_queue_span(u->plan, from, to);
	schedule(u);
}

bool upload_busy(const struct uploader *u)
{
	return planner_in_flight(u->plan) == PLAN_BATCH;
}

uint64_t upload_uploaded_until(const struct uploader *u)
{
	return planner_uploaded_until(u->plan);
}

void upload_get_info(struct uploader *u, struct upload_info *out)
{
	struct plan_clock c = clock_now();
	struct plan_info pi;
	uint64_t release = 0, held = 0;
	planner_info(u->plan, &c, &pi);
	if (*u->policy->endpoint)
		held = held_bytes(u, c.now, &release);
	*out = (struct upload_info){
	    .bytes_today = pi.bytes_today,
	    .bytes_total = pi.bytes_total,
	    .daily_cap = pi.daily_cap,
	    .rate_bps = pi.rate_bps,
	    .pending_bytes = *u->policy->endpoint ? spool_pending_bytes(u->spool) - held : 0,
	    .held_bytes = held,
	    .next_release = release,
	    .next_upload = pi.next_upload,
	    .last_upload = pi.last_upload,
	    .deferred = pi.deferred,
	};
	upload_host(u->policy->endpoint, out->endpoint, sizeof out->endpoint);
	snprintf(out->last_error, sizeof out->last_error, "%s", u->last_error);
}

/* ---- life ---- */

struct uploader *upload_new(struct loop *l, struct spool *sp, const struct policy *p,
                            const struct upload_hooks *hooks)
{
	static bool global_init;
	if (!global_init) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		global_init = true;
	}
	struct plan_clock c = clock_now();
	struct uploader *u = xcalloc(1, sizeof *u);
	u->loop = l;
	u->spool = sp;
	u->policy = p;
	u->hooks = *hooks;
	u->plan = planner_new(p, &c);
	u->multi = curl_multi_init();
	u->curl_timer = loop_timer_new(l, on_curl_timer, u);
	u->timer = loop_timer_new(l, on_timer, u);
	curl_multi_setopt(u->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	curl_multi_setopt(u->multi, CURLMOPT_SOCKETDATA, u);
	curl_multi_setopt(u->multi, CURLMOPT_TIMERFUNCTION, on_curl_timeout);
	curl_multi_setopt(u->multi, CURLMOPT_TIMERDATA, u);
	return u;
}

void upload_free(struct uploader *u)
{
	if (!u)
		return;
	if (u->easy)
		end_transfer(u);
	curl_multi_cleanup(u->multi);
	loop_timer_free(u->curl_timer);
	loop_timer_free(u->timer);
	planner_free(u->plan);
	free(u);
}

void upload_save(const struct uploader *u, struct state_upload *out)
{
	struct plan_counters pc;
	planner_save(u->plan, &pc);
	*out = (struct state_upload){
	    pc.day, pc.bytes_today, pc.bytes_total, pc.last_upload, pc.uploaded_until, NULL, 0};
	for (const struct plan_deletion *d = planner_deletions(u->plan); d; d = d->next)
		state_upload_add(out, d->ids, d->n, d->from, d->to);
}

void upload_restore(struct uploader *u, const struct state_upload *in)
{
	struct plan_clock c = clock_now();
	const struct plan_counters pc = {in->day, in->bytes_today, in->bytes_total, in->last_upload,
	                                 in->uploaded_until};
	planner_restore(u->plan, &pc, &c);
	for (size_t i = 0; i < in->n_del; i++) {
		const struct state_deletion *d = &in->del[i];
		if (d->ids)
			upload_delete_ids(u, d->ids, d->n);
		else
			upload_delete_span(u, d->from, d->to);
	}
}
