/* The policy's consent keys, their comparison and the policy in force. */
#define _GNU_SOURCE
#include "control/consent.h"
#include "store/segment.h" /* struct buf */
#include "util.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { KIND_LEVEL, KIND_MORE, KIND_LESS, KIND_LIST, KIND_HOST, KIND_BOOL_OFF, KIND_TEXT };

/* How a key's change is weighed: KIND_MORE a higher number keeps more,
 * KIND_LESS a lower one; KIND_LIST an item left out of the list
 * (exclude_apps) keeps more; KIND_HOST any new host; KIND_BOOL_OFF true
 * turned false; KIND_TEXT (the notice) any change. */
static const struct {
	const char *name;
	enum kind kind;
} keys[N_CONSENT_KEYS] = {
    {"streams.pointer_motion.fidelity", KIND_LEVEL},
    {"streams.pointer_button.fidelity", KIND_LEVEL},
    {"streams.pointer_scroll.fidelity", KIND_LEVEL},
    {"streams.keyboard.fidelity", KIND_LEVEL},
    {"streams.window_focus.fidelity", KIND_LEVEL},
    {"streams.pointer_motion.rate_hz", KIND_MORE},
    {"exclude_apps", KIND_LIST},
    {"retention.days", KIND_MORE},
    {"upload.endpoint", KIND_HOST},
    {"upload.hold_minutes", KIND_LESS},
    {"upload.delete_after_upload", KIND_BOOL_OFF},
    {"policy.allow_personal_limits", KIND_BOOL_OFF},
    {"notice.purpose", KIND_TEXT},
    {"notice.retention", KIND_TEXT},
    {"notice.anonymization", KIND_TEXT},
    {"notice.model_access", KIND_TEXT},
    {"notice.contact", KIND_TEXT},
    {"notice.version", KIND_TEXT},
};

void consent_init(struct consent *c)
{
	*c = (struct consent){0};
	for (int s = 0; s < N_STREAMS; s++)
		c->limit[s] = CONSENT_NO_LIMIT;
}

void consent_fini(struct consent *c)
{
	consent_values_fini(&c->acked);
	consent_init(c);
}

void consent_copy(struct consent *dst, const struct consent *src)
{
	*dst = *src;
	for (int k = 0; k < N_CONSENT_KEYS; k++)
		dst->acked.v[k] = src->acked.v[k] ? xstrdup(src->acked.v[k]) : NULL;
}

const char *consent_key_name(enum consent_key k)
{
	return keys[k].name;
}

int consent_key_parse(const char *name)
{
	for (int k = 0; k < N_CONSENT_KEYS; k++)
		if (strcmp(keys[k].name, name) == 0)
			return k;
	return -1;
}

static char *join_lines(const struct conf_strings *l)
{
	struct buf b = {0};
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			buf_put(&b, "\n", 1);
		buf_put(&b, l->v[i], strlen(l->v[i]));
	}
	buf_put(&b, "", 1);
	return (char *)b.p;
}

void consent_values_of(struct consent_values *out, const struct policy *p, const char *host)
{
	for (int s = 0; s < N_STREAMS; s++)
		out->v[CK_FIDELITY + s] = xstrdup(policy_stream_values(s)[p->fidelity_index[s]]);
	out->v[CK_MOTION_RATE] = xasprintf("%" PRIu32, p->motion_rate_hz);
	out->v[CK_EXCLUDE_APPS] = join_lines(&p->exclude_apps);
	out->v[CK_RETENTION_DAYS] = xasprintf("%" PRIu32, p->retention_days);
	out->v[CK_ENDPOINT] = xstrdup(host);
	out->v[CK_HOLD_MINUTES] = xasprintf("%" PRIu32, p->hold_minutes);
	out->v[CK_DELETE_AFTER_UPLOAD] = xstrdup(p->delete_after_upload ? "true" : "false");
	out->v[CK_PERSONAL_LIMITS] = xstrdup(p->allow_personal_limits ? "true" : "false");
	for (int i = 0; i < N_NOTICE; i++)
		out->v[CK_NOTICE + i] = xstrdup(p->notice[i]);
}

void consent_values_fini(struct consent_values *v)
{
	for (int k = 0; k < N_CONSENT_KEYS; k++) {
		free(v->v[k]);
		v->v[k] = NULL;
	}
}

void consent_digest(const struct consent_values *v, char out[CONSENT_DIGEST_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		abort();
	for (int k = 0; k < N_CONSENT_KEYS; k++) {
		char head[128];
		int n = snprintf(head, sizeof head, "%s\t%zu\t", keys[k].name, strlen(v->v[k]));
		EVP_DigestUpdate(ctx, head, (size_t)n);
		EVP_DigestUpdate(ctx, v->v[k], strlen(v->v[k]));
		EVP_DigestUpdate(ctx, "\n", 1);
	}
	if (!EVP_DigestFinal_ex(ctx, md, &len) || len * 2 != CONSENT_DIGEST_LEN)
		abort();
	EVP_MD_CTX_free(ctx);
	for (unsigned i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

int consent_level_index(enum stream s, const char *name)
{
	const char *const *values = policy_stream_values(s);
	for (int i = 0; values[i]; i++)
		if (strcmp(values[i], name) == 0)
			return i;
	return -1;
}

/* Every stream lists off, then full, then the lesser levels from the
 * most kept down: motion off, full, reduced; keyboard off, full,
 * category, timing. */
int consent_level_rank(enum stream s, int index)
{
	int n = 0;
	while (policy_stream_values(s)[n])
		n++;
	return index <= 0 ? 0 : index == 1 ? n - 1 : n - index;
}

/* Whether the line item is one of list's lines. */
static bool has_line(const char *list, const char *item, size_t len)
{
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, "\n");
		if (n == len && memcmp(p, item, n) == 0)
			return true;
		p += n + (p[n] == '\n');
	}
	return false;
}

/* Whether every line of a is in b. */
static bool lines_within(const char *a, const char *b)
{
	for (const char *p = a; *p;) {
		size_t n = strcspn(p, "\n");
		if (!has_line(b, p, n))
			return false;
		p += n + (p[n] == '\n');
	}
	return true;
}

static int cmp_u64(const char *then, const char *now)
{
	unsigned long long a = strtoull(then, NULL, 10), b = strtoull(now, NULL, 10);
	return (b > a) - (b < a);
}

bool consent_value_ok(enum consent_key k, const char *value)
{
	size_t n = strlen(value);
	switch (keys[k].kind) {
	case KIND_LEVEL:
		return consent_level_index((enum stream)(k - CK_FIDELITY), value) >= 0;
	case KIND_MORE:
	case KIND_LESS:
		return n >= 1 && n <= 10 && strspn(value, "0123456789") == n &&
		       (value[0] != '0' || n == 1) && strtoull(value, NULL, 10) <= UINT32_MAX;
	case KIND_BOOL_OFF:
		return strcmp(value, "true") == 0 || strcmp(value, "false") == 0;
	case KIND_LIST:
	case KIND_HOST:
	case KIND_TEXT:
		break;
	}
	return utf8_valid(value, n);
}

int consent_compare(enum consent_key k, const char *then, const char *now)
{
	if (strcmp(then, now) == 0)
		return 0;
	switch (keys[k].kind) {
	case KIND_LEVEL: {
		enum stream s = (enum stream)(k - CK_FIDELITY);
		int a = consent_level_rank(s, consent_level_index(s, then));
		int b = consent_level_rank(s, consent_level_index(s, now));
		return (b > a) - (b < a);
	}
	case KIND_MORE:
		return cmp_u64(then, now);
	case KIND_LESS:
		return -cmp_u64(then, now);
	case KIND_LIST:
		/* An application no longer excluded is recorded again. */
		return lines_within(then, now) ? -1 : 1;
	case KIND_HOST:
		return *now ? 1 : -1;
	case KIND_BOOL_OFF:
		return strcmp(now, "false") == 0 ? 1 : -1;
	case KIND_TEXT:
		break;
	}
	return 1;
}

char *consent_words(enum consent_key k, const char *value)
{
	if (keys[k].kind == KIND_HOST && !*value)
		return xstrdup("nowhere");
	if (keys[k].kind == KIND_LIST || keys[k].kind == KIND_TEXT) {
		if (!*value)
			return xstrdup(keys[k].kind == KIND_LIST ? "none" : "(empty)");
		struct buf b = {0};
		const char *sep = keys[k].kind == KIND_LIST ? ", " : " ";
		for (const char *p = value; *p; p++)
			if (*p == '\n')
				buf_put(&b, sep, strlen(sep));
			else
				buf_put(&b, p, 1);
		buf_put(&b, "", 1);
		return (char *)b.p;
	}
	return xstrdup(value);
}

bool consent_blocked(const struct consent *c, bool wait)
{
	return wait && !c->has_values;
}

bool consent_waiting(const struct consent *c, const struct consent_values *now, bool wait)
{
	if (!wait)
		return false;
	if (!c->has_values)
		return true;
	for (int k = 0; k < N_CONSENT_KEYS; k++)
		if (consent_compare(k, c->acked.v[k], now->v[k]) > 0)
			return true;
	return false;
}

/* The lower of the two lists: everything either excludes. */
static void exclude_union(struct conf_strings *l, const char *acked)
{
	for (const char *p = acked; *p;) {
		size_t n = strcspn(p, "\n");
		bool have = false;
		for (size_t i = 0; i < l->n && !have; i++)
			have = strlen(l->v[i]) == n && memcmp(l->v[i], p, n) == 0;
		if (!have) {
			l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
			l->v[l->n++] = xasprintf("%.*s", (int)n, p);
		}
		p += n + (p[n] == '\n');
	}
}

static uint32_t u32_of(const char *s)
{
	return (uint32_t)strtoul(s, NULL, 10);
}

/* Holds key k of out at the acknowledged value a. */
static void hold_back(struct policy *out, enum consent_key k, const char *a)
{
	if (k < CK_MOTION_RATE) {
		enum stream s = (enum stream)(k - CK_FIDELITY);
		out->fidelity_index[s] = consent_level_index(s, a);
		return;
	}
	switch (k) {
	case CK_MOTION_RATE:
		out->motion_rate_hz = u32_of(a);
		break;
	case CK_EXCLUDE_APPS:
		exclude_union(&out->exclude_apps, a);
		break;
	case CK_RETENTION_DAYS:
		out->retention_days = u32_of(a);
		break;
	case CK_ENDPOINT:
		/* Another host than the one acknowledged: nothing leaves. */
		free(out->endpoint);
		out->endpoint = xstrdup("");
		break;
	case CK_HOLD_MINUTES:
		out->hold_minutes = u32_of(a);
		break;
	case CK_DELETE_AFTER_UPLOAD:
		out->delete_after_upload = true;
		break;
	case CK_PERSONAL_LIMITS:
		out->allow_personal_limits = true;
		break;
	default:
		/* The notice is shown as the policy writes it: it is what the
		 * person is asked to acknowledge. */
		break;
	}
}

void consent_effective(struct policy *out, const struct policy *written,
                       const struct consent_values *now, const struct consent *c)
{
	policy_copy(out, written);
	bool wait = written->wait_for_acknowledgment;
	if (consent_blocked(c, wait)) {
		for (int s = 0; s < N_STREAMS; s++)
			out->fidelity_index[s] = 0;
		free(out->endpoint);
		out->endpoint = xstrdup("");
	} else if (wait && c->has_values) {
		for (int k = 0; k < N_CONSENT_KEYS; k++)
			if (consent_compare(k, c->acked.v[k], now->v[k]) > 0)
				hold_back(out, k, c->acked.v[k]);
	}
	if (!out->allow_personal_limits)
		return;
	for (int s = 0; s < N_STREAMS; s++) {
		int lim = c->limit[s];
		if (lim != CONSENT_NO_LIMIT &&
		    consent_level_rank(s, lim) < consent_level_rank(s, out->fidelity_index[s]))
			out->fidelity_index[s] = lim;
	}
}
