/* One transfer at a time: deletion requests first (they are small and
 * the person asked for them), then batches of pending segments. */
#define _GNU_SOURCE
#include "upload/upload.h"
#include "store/state.h"
#include "util.h"

#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_MAX (4u << 20) /* bytes of segments per request */
#define BACKOFF_MIN_USEC USEC_PER_SEC
#define BACKOFF_MAX_USEC (300 * USEC_PER_SEC)
#define RATE_WINDOW 60
#define STARTUP_DELAY_USEC (3 * USEC_PER_SEC)

struct deletion {
	uint64_t *ids; /* NULL for a span */
	size_t n;
	uint64_t from, to;
	struct deletion *next;
};

struct uploader {
	struct loop *loop;
	struct spool *spool;
	const struct policy *policy;
	struct upload_hooks hooks;
	CURLM *multi;
	struct loop_timer *curl_timer; /* libcurl's own timeouts */
	struct loop_timer *timer;      /* the next attempt */

	CURL *easy; /* the transfer in flight, or NULL */
	struct curl_slist *headers;
	struct buf body;
	uint64_t *batch; /* segment ids in the body; NULL for a deletion */
	size_t batch_n;

	const char *deferred; /* from the agent */
	bool cap_reached;
	struct deletion *deletions; /* oldest first */

	int64_t day; /* local_day() of bytes_today */
	uint64_t bytes_today, bytes_total, last_upload, last_attempt;
	uint64_t uploaded_until; /* the newest event time a server accepted */
	uint64_t next_upload;    /* when the next batch is due by the interval */
	uint64_t retry_at;       /* after a failure, nothing before this */
	unsigned failures;
	char last_error[256];
	uint64_t rng;
	struct {
		uint64_t second, bytes;
	} rate[RATE_WINDOW];
};

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

/* ---- bookkeeping ---- */

static void roll_day(struct uploader *u, uint64_t now)
{
	int64_t d = local_day(now);
	if (d != u->day) {
		u->day = d;
		u->bytes_today = 0;
		u->cap_reached = false;
	}
}

static void count_bytes(struct uploader *u, uint64_t n)
{
	uint64_t now = now_usec(), sec = now / USEC_PER_SEC;
	roll_day(u, now);
	u->bytes_today += n;
	u->bytes_total += n;
	if (u->rate[sec % RATE_WINDOW].second != sec)
		u->rate[sec % RATE_WINDOW].bytes = 0;
	u->rate[sec % RATE_WINDOW].second = sec;
	u->rate[sec % RATE_WINDOW].bytes += n;
}

static uint64_t cap_bytes(const struct uploader *u)
{
	return (uint64_t)u->policy->daily_cap_mb * 1000000;
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

static uint64_t backoff(struct uploader *u)
{
	uint64_t d = BACKOFF_MIN_USEC << (u->failures > 9 ? 9 : u->failures - 1);
	if (d > BACKOFF_MAX_USEC)
		d = BACKOFF_MAX_USEC;
	/* Jitter in [d/2, d], so many agents do not retry in step. */
	u->rng ^= u->rng << 13;
	u->rng ^= u->rng >> 7;
	u->rng ^= u->rng << 17;
	return d / 2 + u->rng % (d / 2 + 1);
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

static bool start(struct uploader *u, const char *content_type, const char *extra_header)
{
	char *ct = xasprintf("Content-Type: %s", content_type);
	u->headers = curl_slist_append(NULL, ct);
	free(ct);
	u->headers = curl_slist_append(u->headers, extra_header);
	u->headers = curl_slist_append(u->headers, "Expect:");
	u->easy = curl_easy_init();
	if (!u->easy)
		return false;
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
	u->last_attempt = now_usec();
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

static bool start_deletion(struct uploader *u)
{
	struct deletion *d = u->deletions;
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
	return start(u, "application/json", "X-Capctl-Request: delete");
}

static bool start_batch(struct uploader *u)
{
	uint64_t room = cap_bytes(u) ? cap_bytes(u) - u->bytes_today : UINT64_MAX;
	const struct spool_seg *seg;
	struct buf ids = {0};
	for (size_t i = 0; (seg = spool_pending(u->spool, i)); i++) {
		if (u->body.len + seg->bytes > room ||
		    (u->body.len && u->body.len + seg->bytes > BATCH_MAX)) {
			if (u->body.len == 0 && seg->bytes > room)
				u->cap_reached = true;
			break;
		}
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
	bool ok = start(u, "application/vnd.capctl.segments", (const char *)ids.p);
	buf_free(&ids);
	return ok;
}

static void finish(struct uploader *u, CURLcode code)
{
	long status = 0;
	curl_off_t sent = 0;
	char host[256];
	curl_easy_getinfo(u->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(u->easy, CURLINFO_SIZE_UPLOAD_T, &sent);
	count_bytes(u, (uint64_t)sent);
	upload_host(u->policy->endpoint, host, sizeof host);
	bool ok = code == CURLE_OK && status >= 200 && status < 300;
	if (!ok) {
		if (code != CURLE_OK)
			set_error(u, "%s (%s)", curl_easy_strerror(code), host);
		else
			set_error(u, "the server %s answered HTTP %ld", host, status);
		u->failures++;
		log_msg("upload to %s failed: %s; retrying later", host, u->last_error);
		end_transfer(u);
		u->retry_at = now_usec() + backoff(u);
		return;
	}
	u->failures = 0;
	u->retry_at = 0;
	u->last_error[0] = '\0';
	bool was_batch = u->batch != NULL;
	if (!was_batch) {
		struct deletion *d = u->deletions;
		char detail[400], from[40], to[40];
		if (d->ids) {
			snprintf(detail, sizeof detail, "%zu uploaded segment%s, sent to %s", d->n,
			         d->n == 1 ? "" : "s", host);
		} else {
			format_local_time(d->from, now_usec(), from, sizeof from);
			format_local_time(d->to, now_usec(), to, sizeof to);
			snprintf(detail, sizeof detail,
			         "what was uploaded from %s to %s, sent to %s", from, to, host);
		}
		u->hooks.history("upload-deletion-requested", detail, u->hooks.data);
		u->deletions = d->next;
		free(d->ids);
		free(d);
	} else {
		for (size_t i = 0; i < u->batch_n; i++) {
			const struct spool_seg *seg = spool_find(u->spool, u->batch[i]);
			if (seg && seg->end > u->uploaded_until)
				u->uploaded_until = seg->end;
			if (u->policy->delete_after_upload)
				spool_delete(u->spool, u->batch[i]);
			else
				spool_set_uploaded(u->spool, u->batch[i]);
		}
		u->last_upload = now_usec();
		log_msg("uploaded %zu segment%s (%" PRId64 " bytes) to %s", u->batch_n,
		        u->batch_n == 1 ? "" : "s", (int64_t)sent, host);
	}
	end_transfer(u);
	/* Deletions, and a backlog larger than one batch, go on at once;
	 * otherwise the next upload is an interval after this one. */
	bool more = spool_pending(u->spool, 0) && !u->cap_reached;
	if (was_batch)
		u->next_upload =
		    more ? 0
		         : u->last_attempt + (uint64_t)u->policy->interval_seconds * USEC_PER_SEC;
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

static const char *deferral(struct uploader *u)
{
	if (*u->deferred)
		return u->deferred;
	return u->cap_reached ? "cap-reached" : "";
}

static void on_timer(struct loop_timer *t, void *data)
{
	struct uploader *u = data;
	(void)t;
	schedule(u);
	u->hooks.changed(u->hooks.data);
}

static void schedule(struct uploader *u)
{
	uint64_t now = now_usec();
	roll_day(u, now);
	loop_timer_disarm(u->timer);
	if (u->easy || !*u->policy->endpoint)
		return;
	/* Ask again now: without UPower the battery is only known by
	 * looking, and it may have changed since the agent last said. */
	if (u->hooks.deferral)
		u->deferred = u->hooks.deferral(u->hooks.data);
	bool offline = strcmp(u->deferred, "offline") == 0;
	bool deletion = u->deletions && !offline;
	bool pending = spool_pending(u->spool, 0) && !*deferral(u);
	if (cap_bytes(u) && u->bytes_today >= cap_bytes(u))
		u->cap_reached = true;
	if (u->cap_reached && spool_pending(u->spool, 0)) {
		/* Nothing until midnight renews the cap. */
		uint64_t m = next_local_midnight(now);
		if (!deletion) {
			loop_timer_arm_in(u->timer, m - now);
			return;
		}
	}
	if (!deletion && !pending)
		return;
	/* Deletions wait only for a backoff; batches for the interval too. */
	uint64_t due = u->retry_at;
	if (!deletion && u->next_upload > due)
		due = u->next_upload;
	if (due > now) {
		loop_timer_arm_in(u->timer, due - now);
		return;
	}
	bool started = deletion ? start_deletion(u) : start_batch(u);
	if (!started && u->cap_reached)
		schedule(u);
}

void upload_kick(struct uploader *u)
{
	schedule(u);
}

void upload_defer(struct uploader *u, const char *reason)
{
	if (strcmp(u->deferred, reason) == 0)
		return;
	u->deferred = reason;
	/* Back from a deferral, what waited goes now (a backoff still holds). */
	if (!*reason)
		u->next_upload = 0;
	schedule(u);
	u->hooks.changed(u->hooks.data);
}

static void queue(struct uploader *u, struct deletion *d)
{
	struct deletion **p = &u->deletions;
	while (*p)
		p = &(*p)->next;
	*p = d;
	schedule(u);
}

void upload_delete_ids(struct uploader *u, const uint64_t *ids, size_t n)
{
	if (!n)
		return;
	struct deletion *d = xcalloc(1, sizeof *d);
	d->ids = xcalloc(n, sizeof *ids);
	memcpy(d->ids, ids, n * sizeof *ids);
	d->n = n;
	queue(u, d);
}

void upload_delete_span(struct uploader *u, uint64_t from, uint64_t to)
{
	struct deletion *d = xcalloc(1, sizeof *d);
	d->from = from;
	d->to = to;
	queue(u, d);
}

bool upload_busy(const struct uploader *u)
{
	return u->easy && u->batch;
}

uint64_t upload_uploaded_until(const struct uploader *u)
{
	return u->uploaded_until;
}

void upload_get_info(struct uploader *u, struct upload_info *out)
{
	uint64_t now = now_usec(), sec = now / USEC_PER_SEC, sum = 0;
	roll_day(u, now);
	for (int i = 0; i < RATE_WINDOW; i++)
		if (u->rate[i].second + RATE_WINDOW > sec)
			sum += u->rate[i].bytes;
	*out = (struct upload_info){
	    .bytes_today = u->bytes_today,
	    .bytes_total = u->bytes_total,
	    .daily_cap = cap_bytes(u),
	    .rate_bps = (double)sum / RATE_WINDOW,
	    .pending_bytes = *u->policy->endpoint ? spool_pending_bytes(u->spool) : 0,
	    .next_upload = !loop_timer_armed(u->timer)    ? 0
	                   : u->cap_reached               ? next_local_midnight(now)
	                   : u->next_upload > u->retry_at ? u->next_upload
	                                                  : u->retry_at,
	    .last_upload = u->last_upload,
	    .deferred = *u->policy->endpoint ? deferral(u) : "",
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
	struct uploader *u = xcalloc(1, sizeof *u);
	u->loop = l;
	u->spool = sp;
	u->policy = p;
	u->hooks = *hooks;
	u->deferred = "";
	u->rng = now_usec() | 1;
	u->day = local_day(now_usec());
	/* The first upload waits a moment after start, so the battery and
	 * network state (asked of UPower and NetworkManager without
	 * blocking) are known before anything is sent. */
	u->next_upload = now_usec() + STARTUP_DELAY_USEC;
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
	while (u->deletions) {
		struct deletion *d = u->deletions;
		u->deletions = d->next;
		free(d->ids);
		free(d);
	}
	free(u);
}

void upload_save(const struct uploader *u, struct state_upload *out)
{
	*out = (struct state_upload){
	    u->day, u->bytes_today, u->bytes_total, u->last_upload, u->uploaded_until, NULL, 0};
	for (const struct deletion *d = u->deletions; d; d = d->next)
		state_upload_add(out, d->ids, d->n, d->from, d->to);
}

void upload_restore(struct uploader *u, const struct state_upload *in)
{
	u->day = in->day;
	u->bytes_today = in->bytes_today;
	u->bytes_total = in->bytes_total;
	u->last_upload = in->last_upload;
	u->uploaded_until = in->uploaded_until;
	for (size_t i = 0; i < in->n_del; i++) {
		const struct state_deletion *d = &in->del[i];
		if (d->ids)
			upload_delete_ids(u, d->ids, d->n);
		else
			upload_delete_span(u, d->from, d->to);
	}
	roll_day(u, now_usec());
}
