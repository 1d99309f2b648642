/* Consent to the policy: what the person acknowledged, what the policy
 * says now, which changes keep more and wait, and the levels the person
 * chose to keep less of a stream. Pure: no I/O; the glue saves and loads
 * struct consent through the state file.
 *
 * The policy's consent keys are those that decide what is kept, how long,
 * where it goes, and the notice (the table in consent.c, in this order):
 * the five streams' fidelity, streams.pointer_motion.rate_hz, exclude_apps,
 * retention.days, upload.endpoint (its host), upload.hold_minutes,
 * upload.delete_after_upload, policy.allow_personal_limits and the six
 * notice fields. Each has a value as text (a list one item a line). The
 * digest is the lowercase hex SHA-256 of, for each key in order,
 *   KEY "\t" LEN "\t" VALUE "\n"
 * with LEN the value's length in bytes, in decimal. */
#ifndef CAPTURED_CONSENT_H
#define CAPTURED_CONSENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "control/policy.h"

enum consent_key {
	CK_FIDELITY,                              /* + stream: five keys */
	CK_MOTION_RATE = CK_FIDELITY + N_STREAMS, /* streams.pointer_motion.rate_hz */
	CK_EXCLUDE_APPS,
	CK_RETENTION_DAYS,
	CK_ENDPOINT,
	CK_HOLD_MINUTES,
	CK_DELETE_AFTER_UPLOAD,
	CK_PERSONAL_LIMITS,
	CK_NOTICE, /* + notice_field: six keys */
	N_CONSENT_KEYS = CK_NOTICE + N_NOTICE
};

#define CONSENT_DIGEST_LEN 64
#define CONSENT_NO_LIMIT (-1)

/* The values of a policy's consent keys (heap strings). */
struct consent_values {
	char *v[N_CONSENT_KEYS];
};

struct consent {
	/* What was last acknowledged: digest "" and has_values false never. */
	char digest[CONSENT_DIGEST_LEN + 1];
	uint64_t when;
	bool has_values;
	struct consent_values acked;
	/* The person's limit per stream: an index into the stream's
	 * fidelity values (policy_stream_values), or CONSENT_NO_LIMIT. */
	int limit[N_STREAMS];
};

void consent_init(struct consent *c);
void consent_fini(struct consent *c);
void consent_copy(struct consent *dst, const struct consent *src);

/* The key as written in captured.conf ("streams.keyboard.fidelity"). */
const char *consent_key_name(enum consent_key k);
/* The key named name, or -1. */
int consent_key_parse(const char *name);

/* p's values; host is its endpoint's host ("" for none). */
void consent_values_of(struct consent_values *out, const struct policy *p, const char *host);
void consent_values_fini(struct consent_values *v);
/* The digest of values: CONSENT_DIGEST_LEN hex digits and a NUL. */
void consent_digest(const struct consent_values *v, char out[CONSENT_DIGEST_LEN + 1]);

/* Whether value can be key k's, as a policy that passed its checks has
 * it: for a state file's acknowledged values. */
bool consent_value_ok(enum consent_key k, const char *value);

/* >0 when now keeps more than then (and so waits for acknowledgment), <0
 * when it keeps less, 0 when they are the same. */
int consent_compare(enum consent_key k, const char *then, const char *now);

/* A value in words for a person: a list with ", " between items, the
 * endpoint "nowhere" when empty, a fidelity's meaning (heap). */
char *consent_words(enum consent_key k, const char *value);

/* Whether a change waits: wait is the policy's wait_for_acknowledgment,
 * now the policy's values. True before the first acknowledgment. */
bool consent_waiting(const struct consent *c, const struct consent_values *now, bool wait);
/* Whether nothing may be recorded: wait and never acknowledged. */
bool consent_blocked(const struct consent *c, bool wait);

/* The policy in force (policy_fini it): written, with every change that
 * keeps more and waits held at its acknowledged value, and the person's
 * limits applied. Before the first acknowledgment with wait, every
 * stream is off and nothing leaves. */
void consent_effective(struct policy *out, const struct policy *written,
                       const struct consent_values *now, const struct consent *c);

/* Parses a stream's level name: its index into the stream's values, or -1. */
int consent_level_index(enum stream s, const char *name);
/* The rank of a stream's fidelity index: 0 for off, higher keeps more. */
int consent_level_rank(enum stream s, int index);

#endif
