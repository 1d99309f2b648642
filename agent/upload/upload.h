/* The uploader: sends closed segments to the policy's endpoint through the
 * libcurl multi interface on the agent's loop, batched, capped per day,
 * rate-limited, deferred when the agent says so, retried with backoff, and
 * never dropping what is pending. A closed segment is sent only once it
 * has been closed the policy's hold_minutes (the review window). Also sends deletion requests for
 * data the person forgot or deleted after it was uploaded.
 *
 * The wire format: POST to the endpoint with
 *   Content-Type: application/vnd.capctl.segments
 *   X-Capctl-Segments: <id>,<id>,...   (decimal ids, so a repeat is ignored)
 *   body: the segment files, one after another (each has its format in
 *         the last byte of its magic and its length in its header, so
 *         formats 1 and 2 may be mixed; see segment.h)
 * and for deletions, POST with
 *   Content-Type: application/json
 *   X-Capctl-Request: delete
 *   body: {"delete_segments":[<id>,...]} or {"delete_span":[<from µs>,<to µs>]}
 * Any 2xx answer is success. */
#ifndef CAPTURED_UPLOAD_H
#define CAPTURED_UPLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "loop.h"
#include "control/policy.h"
#include "store/spool.h"

struct uploader;

struct upload_hooks {
	/* A figure of the Upload property changed. */
	void (*changed)(void *data);
	/* A History entry: action and detail. */
	void (*history)(const char *action, const char *detail, void *data);
	/* Why nothing may be sent now ("" if it may), asked before each
	 * attempt; see upload_defer. */
	const char *(*deferral)(void *data);
	void *data;
};

struct upload_info {
	char endpoint[256]; /* host only; "" = local only */
	uint64_t bytes_today, bytes_total, daily_cap;
	double rate_bps;
	uint64_t pending_bytes; /* past the review hold, not sent yet */
	uint64_t held_bytes;    /* inside the hold */
	uint64_t next_release;  /* when the first held segment leaves it, or 0 */
	uint64_t next_upload, last_upload;
	const char *deferred;
	char last_error[256];
};

/* Borrowed: loop, spool and policy outlive the uploader. */
struct uploader *upload_new(struct loop *l, struct spool *sp, const struct policy *p,
                            const struct upload_hooks *hooks);
void upload_free(struct uploader *u);

/* Why the agent wants nothing sent now ("paused", "on-battery",
 * "metered", "offline"), or "" to allow it. Borrowed string literal. */
void upload_defer(struct uploader *u, const char *reason);
/* The spool or the policy changed: reconsider what to send and when. */
void upload_kick(struct uploader *u);
/* Queues a deletion request for segments already uploaded. */
void upload_delete_ids(struct uploader *u, const uint64_t *ids, size_t n);
/* Queues a deletion request for everything uploaded in [from, to]. */
void upload_delete_span(struct uploader *u, uint64_t from, uint64_t to);

void upload_get_info(struct uploader *u, struct upload_info *out);
/* Whether a transfer of segments is in flight. */
bool upload_busy(const struct uploader *u);
/* The newest event time of all a server has accepted, or 0. */
uint64_t upload_uploaded_until(const struct uploader *u);

/* The host of an http(s) URL, without credentials, into buf; "" if none. */
void upload_host(const char *url, char *buf, size_t size);

/* What the agent's state file keeps: the counters and every queued
 * deletion request, copied into *out (the caller's: state_upload_fini),
 * and back at start, the requests queued again in their order. */
struct state_upload;
void upload_save(const struct uploader *u, struct state_upload *out);
void upload_restore(struct uploader *u, const struct state_upload *in);

#endif
