/* The state file's payload (format in state.h): written as text, read
 * back line by line, every value checked against what a run of the agent
 * can have written. */
#define _GNU_SOURCE
#include "store/state.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_USEC (86400 * USEC_PER_SEC)
/* Clocks move: a stamp may be this far after the moment it was saved. */
#define SLACK_USEC DAY_USEC
/* The longest pause any policy allows (max_pause_minutes up to 1440). */
#define PAUSE_MAX_USEC (1440 * 60 * USEC_PER_SEC)
/* A local day has at most 25 hours; one more for the clock's moves. */
#define BUDGET_MAX_USEC (26 * 3600 * USEC_PER_SEC)

void state_upload_fini(struct state_upload *u)
{
	for (size_t i = 0; i < u->n_del; i++)
		free(u->del[i].ids);
	free(u->del);
	*u = (struct state_upload){0};
}

void state_upload_add(struct state_upload *u, const uint64_t *ids, size_t n, uint64_t from,
                      uint64_t to)
{
	if (ids && !n)
		return;
	u->del = xrealloc(u->del, (u->n_del + 1) * sizeof *u->del);
	struct state_deletion *d = &u->del[u->n_del++];
	*d = (struct state_deletion){.n = n, .from = from, .to = to};
	if (ids) {
		d->ids = xcalloc(n, sizeof *ids);
		memcpy(d->ids, ids, n * sizeof *ids);
	}
}

void state_init(struct state *s)
{
	*s = (struct state){0};
	control_init(&s->control, 0, 0, 0);
	consent_init(&s->consent);
}

void state_fini(struct state *s)
{
	control_fini(&s->control);
	consent_fini(&s->consent);
	state_upload_fini(&s->upload);
	*s = (struct state){0};
}

/* ---- the payload ---- */

static void bprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf_put(b, s, (size_t)n);
	free(s);
}

static void format_exemption(struct buf *b, const struct exemption *e)
{
	char *reason = escape_field(e->reason), *note = escape_field(e->note);
	bprintf(b,
	        "exemption %s\t%s\t%s\t%s\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu32
	        "\t%" PRIu32 "\t%s\t%s\n",
	        e->id, e->scope, e->category, ex_status_name(e->status), e->created, e->expires,
	        e->ended, e->days, e->uid, reason, note);
	free(reason);
	free(note);
}

static void format_deletion(struct buf *b, const struct state_deletion *d)
{
	if (!d->ids) {
		bprintf(b, "upload-delete-span %" PRIu64 " %" PRIu64 "\n", d->from, d->to);
		return;
	}
	buf_put(b, "upload-delete-ids ", 18);
	for (size_t i = 0; i < d->n; i++)
		bprintf(b, "%s%" PRIu64, i ? "," : "", d->ids[i]);
	buf_put(b, "\n", 1);
}

static void format_consent(struct buf *b, const struct consent *cs)
{
	bprintf(b, "consent %s %" PRIu64 "\n", cs->has_values ? cs->digest : "-", cs->when);
	for (int k = 0; cs->has_values && k < N_CONSENT_KEYS; k++) {
		char *v = escape_field(cs->acked.v[k]);
		bprintf(b, "acknowledged %s\t%s\n", consent_key_name(k), v);
		free(v);
	}
	for (int st = 0; st < N_STREAMS; st++)
		if (cs->limit[st] != CONSENT_NO_LIMIT)
			bprintf(b, "limit %s %s\n", stream_id(st),
			        policy_stream_values(st)[cs->limit[st]]);
}

char *state_format(const struct control *c, const struct consent *cs,
                   const uint64_t counts[N_STREAMS], const struct state_upload *up, uint64_t saved,
                   size_t *len)
{
	struct buf b = {0};
	bprintf(&b,
	        "capctl-state 3\nsaved %" PRIu64 "\npause %" PRIu64 " %" PRIu64 "\nbudget %" PRId64
	        " %" PRIu64 "\nnext-id %" PRIu32 "\n",
	        saved, c->paused_until, c->charge_from, c->budget_day, c->budget_used, c->next_id);
	bprintf(&b, "counts %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
	        counts[0], counts[1], counts[2], counts[3], counts[4]);
	bprintf(&b, "upload %" PRId64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", up->day,
	        up->bytes_today, up->bytes_total, up->last_upload, up->uploaded_until);
	format_consent(&b, cs);
	for (size_t i = 0; i < c->n_ex; i++)
		format_exemption(&b, &c->ex[i]);
	for (size_t i = 0; i < up->n_del; i++)
		format_deletion(&b, &up->del[i]);
	*len = b.len;
	buf_put(&b, "", 1);
	return (char *)b.p;
}

/* A decimal number as printf writes it: digits, no sign, no leading zero,
 * within 64 bits. *s is moved past it. */
static bool take_u64(const char **s, uint64_t *v)
{
	const char *p = *s;
	uint64_t n = 0;
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (n > (UINT64_MAX - d) / 10)
			return false;
		n = n * 10 + d;
	}
	*v = n;
	*s = p;
	return true;
}

/* Exactly n numbers separated by single spaces, and nothing more. */
static bool take_numbers(const char *s, uint64_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i && *s++ != ' ')
			return false;
		if (!take_u64(&s, &v[i]))
			return false;
	}
	return *s == '\0';
}

static bool whole_u64(const char *s, uint64_t *v)
{
	return take_numbers(s, v, 1);
}

struct parse {
	struct state *out;
	int version;
	unsigned line;
	unsigned seen; /* bit per singleton key */
	bool consent_seen;
	char *why;
};

static int fail(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parse *p, const char *fmt, ...)
{
	char text[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (!p->why)
		p->why = p->line ? xasprintf("line %u: %s", p->line, text) : xstrdup(text);
	return -EINVAL;
}

static int parse_text(struct parse *p, const char *field, const char *name, bool allow_empty,
                      char **out)
{
	char *s = xstrdup(field);
	if (!unescape_field_strict(s) || !control_text_ok(s, EXEMPTION_REASON_MAX, allow_empty)) {
		free(s);
		return fail(p, "the exemption's %s is not 1 to %d bytes of text", name,
		            EXEMPTION_REASON_MAX);
	}
	*out = s;
	return 0;
}

static int parse_exemption_id(struct parse *p, const char *id)
{
	uint64_t n;
	const char *s = id + 3;
	if (strncmp(id, "EX-", 3) != 0 || !take_u64(&s, &n) || *s || n < 1 || n > UINT32_MAX)
		return fail(p, "'%.40s' is not an exemption id", id);
	const struct control *c = &p->out->control;
	for (size_t i = 0; i < c->n_ex; i++)
		if (strcmp(c->ex[i].id, id) == 0)
			return fail(p, "exemption %s appears twice", id);
	return 0;
}

/* ID SCOPE CATEGORY STATUS CREATED EXPIRES ENDED DAYS UID REASON NOTE */
static int parse_exemption(struct parse *p, char *rest)
{
	char *f[11];
	size_t n = 0;
	for (char *tok; n < 11 && (tok = strsep(&rest, "\t"));)
		f[n++] = tok;
	if (n != 11 || rest)
		return fail(p, "an exemption has 11 tab-separated fields");
	if (parse_exemption_id(p, f[0]) < 0)
		return -EINVAL;
	struct exemption e = {0};
	uint64_t days, uid;
	if (!control_scope_ok(f[1]))
		return fail(p, "'%.40s' is not a scope", f[1]);
	if (!control_category_ok(f[2]))
		return fail(p, "'%.40s' is not a category", f[2]);
	if (!ex_status_parse(f[3], &e.status))
		return fail(p, "'%.40s' is not a status", f[3]);
	if (!whole_u64(f[4], &e.created) || !whole_u64(f[5], &e.expires) ||
	    !whole_u64(f[6], &e.ended) || !whole_u64(f[7], &days) || !whole_u64(f[8], &uid))
		return fail(p, "an exemption's times, days and uid are whole numbers");
	if (days < 1 || days > EXEMPTION_DAYS_MAX)
		return fail(p, "an exemption lasts 1 to %d days, not %" PRIu64, EXEMPTION_DAYS_MAX,
		            days);
	if (uid > UINT32_MAX)
		return fail(p, "uid %" PRIu64 " is out of range", uid);
	e.days = (uint32_t)days;
	e.uid = (uint32_t)uid;
	if (parse_text(p, f[9], "reason", false, &e.reason) < 0)
		return -EINVAL;
	if (parse_text(p, f[10], "note", true, &e.note) < 0) {
		free(e.reason);
		return -EINVAL;
	}
	snprintf(e.id, sizeof e.id, "%s", f[0]);
	e.scope = xstrdup(f[1]);
	e.category = xstrdup(f[2]);
	struct control *c = &p->out->control;
	c->ex = xrealloc(c->ex, (c->n_ex + 1) * sizeof *c->ex);
	c->ex[c->n_ex++] = e;
	return 0;
}

static int parse_ids(struct parse *p, const char *s)
{
	uint64_t *ids = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		uint64_t v;
		if (!take_u64(&s, &v)) {
			free(ids);
			return fail(p, "a deletion request is a list of ids separated by commas");
		}
		if (n == cap)
			ids = xrealloc(ids, (cap = cap ? cap * 2 : 64) * sizeof *ids);
		ids[n++] = v;
		if (*s == '\0')
			break;
		if (*s++ != ',') {
			free(ids);
			return fail(p, "a deletion request is a list of ids separated by commas");
		}
	}
	struct state_upload *u = &p->out->upload;
	u->del = xrealloc(u->del, (u->n_del + 1) * sizeof *u->del);
	u->del[u->n_del++] = (struct state_deletion){.ids = ids, .n = n};
	return 0;
}

/* consent DIGEST TIME */
static int parse_consent(struct parse *p, const char *rest)
{
	struct consent *cs = &p->out->consent;
	const char *sp = strchr(rest, ' ');
	uint64_t when;
	if (p->consent_seen)
		return fail(p, "'consent' appears twice");
	p->consent_seen = true;
	if (!sp || !whole_u64(sp + 1, &when))
		return fail(p, "'consent' takes a digest and a time");
	size_t n = (size_t)(sp - rest);
	if (n == 1 && rest[0] == '-') {
		if (when)
			return fail(p, "a policy never acknowledged has no time");
		return 0;
	}
	if (n != CONSENT_DIGEST_LEN || strspn(rest, "0123456789abcdef") != n || !when)
		return fail(p, "'consent' takes a SHA-256 digest in lowercase hex and a time");
	memcpy(cs->digest, rest, n);
	cs->digest[n] = '\0';
	cs->when = when;
	cs->has_values = true;
	return 0;
}

/* acknowledged KEY\tVALUE */
static int parse_acknowledged(struct parse *p, char *rest)
{
	struct consent *cs = &p->out->consent;
	char *tab = strchr(rest, '\t');
	if (!tab)
		return fail(p, "'acknowledged' takes a key, a tab and a value");
	*tab = '\0';
	int k = consent_key_parse(rest);
	if (k < 0)
		return fail(p, "'%.40s' is not a key of the policy consent is given to", rest);
	if (!cs->has_values)
		return fail(p, "an acknowledged value of a policy never acknowledged");
	if (cs->acked.v[k])
		return fail(p, "the acknowledged %s appears twice", rest);
	char *v = xstrdup(tab + 1);
	if (!unescape_field_strict(v) || !consent_value_ok(k, v)) {
		free(v);
		return fail(p, "the acknowledged %s is not a value it can have", rest);
	}
	cs->acked.v[k] = v;
	return 0;
}

/* limit STREAM LEVEL */
static int parse_limit(struct parse *p, char *rest)
{
	char *sp = strchr(rest, ' ');
	int st = -1, level = -1;
	if (sp) {
		*sp = '\0';
		st = stream_parse(rest);
	}
	if (st >= 0)
		level = consent_level_index(st, sp + 1);
	if (level < 0)
		return fail(p, "'limit' takes a stream and one of its levels");
	if (p->out->consent.limit[st] != CONSENT_NO_LIMIT)
		return fail(p, "the limit of %s appears twice", rest);
	p->out->consent.limit[st] = level;
	return 0;
}

/* Every acknowledged value there, and they give the digest. */
static int check_consent(struct parse *p)
{
	struct consent *cs = &p->out->consent;
	char digest[CONSENT_DIGEST_LEN + 1];
	if (!cs->has_values)
		return 0;
	for (int k = 0; k < N_CONSENT_KEYS; k++)
		if (!cs->acked.v[k])
			return fail(p, "the acknowledged %s is missing", consent_key_name(k));
	consent_digest(&cs->acked, digest);
	if (strcmp(digest, cs->digest) != 0)
		return fail(p, "the acknowledged values do not give the acknowledged digest");
	return 0;
}

enum key { K_SAVED, K_PAUSE, K_BUDGET, K_NEXT_ID, K_COUNTS, K_UPLOAD, N_SINGLE };
static const char *const single_keys[N_SINGLE] = {"saved",   "pause",  "budget",
                                                  "next-id", "counts", "upload"};

static int parse_single(struct parse *p, enum key k, const char *rest)
{
	struct state *s = p->out;
	uint64_t v[5];
	static const size_t arity[N_SINGLE] = {1, 2, 2, 1, 5, 5};
	bool ok = take_numbers(rest, v, arity[k]);
	/* The release before kept no uploaded_until. */
	if (!ok && k == K_UPLOAD && p->version == 1 && take_numbers(rest, v, 4)) {
		ok = true;
		v[4] = 0;
	}
	if (!ok)
		return fail(p, "'%s' takes %zu whole numbers", single_keys[k], arity[k]);
	if (p->seen & (1u << k))
		return fail(p, "'%s' appears twice", single_keys[k]);
	p->seen |= 1u << k;
	switch (k) {
	case K_SAVED:
		s->saved = v[0];
		break;
	case K_PAUSE:
		s->control.paused_until = v[0];
		s->control.charge_from = v[1];
		break;
	case K_BUDGET:
		if (v[0] > INT64_MAX)
			return fail(p, "budget day %" PRIu64 " is out of range", v[0]);
		s->control.budget_day = (int64_t)v[0];
		s->control.budget_used = v[1];
		break;
	case K_NEXT_ID:
		if (v[0] < 1 || v[0] > UINT32_MAX)
			return fail(p, "next-id %" PRIu64 " is out of range", v[0]);
		s->control.next_id = (uint32_t)v[0];
		break;
	case K_COUNTS:
		memcpy(s->counts, v, sizeof s->counts);
		break;
	case K_UPLOAD:
		if (v[0] > INT64_MAX)
			return fail(p, "upload day %" PRIu64 " is out of range", v[0]);
		s->upload = (struct state_upload){(int64_t)v[0], v[1], v[2], v[3], v[4], NULL, 0};
		break;
	case N_SINGLE:
		break;
	}
	return 0;
}

static int parse_line(struct parse *p, char *line)
{
	char *rest = strchr(line, ' ');
	if (!rest)
		return fail(p, "'%.40s' is not a line of a state file", line);
	*rest++ = '\0';
	for (int k = p->version == 1 ? K_PAUSE : K_SAVED; k < N_SINGLE; k++)
		if (strcmp(line, single_keys[k]) == 0)
			return parse_single(p, (enum key)k, rest);
	if (strcmp(line, "exemption") == 0)
		return parse_exemption(p, rest);
	if (p->version >= 3 && strcmp(line, "consent") == 0)
		return parse_consent(p, rest);
	if (p->version >= 3 && strcmp(line, "acknowledged") == 0)
		return parse_acknowledged(p, rest);
	if (p->version >= 3 && strcmp(line, "limit") == 0)
		return parse_limit(p, rest);
	if (strcmp(line, "upload-delete-ids") == 0)
		return parse_ids(p, rest);
	if (strcmp(line, "upload-delete-span") == 0) {
		uint64_t v[2];
		if (!take_numbers(rest, v, 2))
			return fail(p, "'upload-delete-span' takes 2 whole numbers");
		state_upload_add(&p->out->upload, NULL, 0, v[0], v[1]);
		return 0;
	}
	return fail(p, "'%.40s' is not a line of a state file", line);
}

static int check_exemption(struct parse *p, const struct exemption *e, uint64_t ref)
{
	uint64_t id = strtoull(e->id + 3, NULL, 10);
	bool expires = e->expires != 0, ended = e->ended != 0;
	bool fits = true;
	switch (e->status) {
	case EX_PENDING:
		fits = !expires && !ended;
		break;
	case EX_APPROVED:
		fits = expires && !ended;
		break;
	case EX_DENIED:
		fits = !expires && ended;
		break;
	case EX_WITHDRAWN:
		fits = ended;
		break;
	case EX_EXPIRED:
		fits = expires && e->ended == e->expires;
		break;
	}
	if (!fits)
		return fail(p, "exemption %s: its times do not fit its status %s", e->id,
		            ex_status_name(e->status));
	if (!e->created || e->created > ref + SLACK_USEC || e->ended > ref + SLACK_USEC ||
	    e->expires > ref + SLACK_USEC + e->days * DAY_USEC)
		return fail(p, "exemption %s: a time is 0 or after the file was saved", e->id);
	if (id >= p->out->control.next_id)
		return fail(p, "exemption %s: its number is not below next-id %" PRIu32, e->id,
		            p->out->control.next_id);
	return 0;
}

/* What no run of the agent can have written, with ref when it was saved. */
static int check_values(struct parse *p, uint64_t ref)
{
	const struct control *c = &p->out->control;
	const struct state_upload *u = &p->out->upload;
	char when[40];
	p->line = 0;
	if (c->paused_until > ref + PAUSE_MAX_USEC + SLACK_USEC) {
		format_local_date(c->paused_until, when, sizeof when);
		return fail(p, "the pause ends on %s, later than the longest pause allows", when);
	}
	if (!c->paused_until != !c->charge_from || c->charge_from > c->paused_until)
		return fail(p, "the pause's start and end do not fit");
	if (c->budget_used > BUDGET_MAX_USEC || c->budget_day > local_day(ref + SLACK_USEC) + 1)
		return fail(p, "the pause budget's day or use is out of range");
	if (p->out->consent.when > ref + SLACK_USEC)
		return fail(p, "the policy was acknowledged after the file was saved");
	for (size_t i = 0; i < c->n_ex; i++)
		if (check_exemption(p, &c->ex[i], ref) < 0)
			return -EINVAL;
	if (u->day > local_day(ref + SLACK_USEC) + 1 || u->bytes_today > u->bytes_total ||
	    u->last_upload > ref + SLACK_USEC)
		return fail(p, "the upload counters are out of range");
	for (size_t i = 0; i < u->n_del; i++)
		if (!u->del[i].ids && u->del[i].from > u->del[i].to)
			return fail(p, "a deletion request's span ends before it starts");
	return 0;
}

static int parse_header_line(struct parse *p, const char *line)
{
	if (strcmp(line, "capctl-state 1") == 0)
		p->version = 1;
	else if (strcmp(line, "capctl-state 2") == 0)
		p->version = 2;
	else if (strcmp(line, "capctl-state 3") == 0)
		p->version = 3;
	else if (strncmp(line, "capctl-state ", 13) == 0)
		return fail(p, "format '%.20s' is not one this version of captured reads",
		            line + 13);
	else
		return fail(p, "it is not a capctl state file");
	return 0;
}

static int parse_lines(struct parse *p, char *text)
{
	bool deletions = false;
	p->line = 0;
	/* text ends with a newline: the caller checked. */
	for (char *line = text, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		p->line++;
		if (p->line == 1) {
			if (parse_header_line(p, line) < 0)
				return -EINVAL;
			continue;
		}
		if (!*line)
			return fail(p, "an empty line");
		bool is_del = strncmp(line, "upload-delete-", 14) == 0;
		if (deletions && !is_del)
			return fail(p, "'%.40s' after the deletion requests", line);
		deletions |= is_del;
		if (parse_line(p, line) < 0)
			return -EINVAL;
	}
	unsigned need = p->version == 1 ? (1u << K_PAUSE | 1u << K_BUDGET | 1u << K_NEXT_ID)
	                                : (1u << N_SINGLE) - 1;
	for (int k = 0; k < N_SINGLE; k++)
		if ((need & (1u << k)) && !(p->seen & (1u << k))) {
			p->line = 0;
			return fail(p, "the line '%s' is missing", single_keys[k]);
		}
	if (p->version >= 3 && !p->consent_seen) {
		p->line = 0;
		return fail(p, "the line 'consent' is missing");
	}
	return check_consent(p);
}

int state_parse(const char *text, size_t len, uint64_t ref, struct state *out, char **why)
{
	struct parse p = {.out = out};
	state_init(out);
	*why = NULL;
	if (memchr(text, '\0', len)) {
		fail(&p, "it holds a NUL byte");
		goto fail;
	}
	if (!len || text[len - 1] != '\n') {
		fail(&p, "its last line is cut off");
		goto fail;
	}
	char *copy = xmalloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	int r = parse_lines(&p, copy);
	free(copy);
	if (r < 0 || check_values(&p, p.version >= 2 ? out->saved : ref) < 0)
		goto fail;
	return 0;
fail:
	state_fini(out);
	state_init(out);
	*why = p.why;
	return -EINVAL;
}
