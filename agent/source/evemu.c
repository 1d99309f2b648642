/* The evemu-record parser. Strict about what it reads, because a replay
 * that silently skipped a malformed line would record something else than
 * the recording. */
#define _GNU_SOURCE
#include "source/evemu.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The kernel's limits (EV_MAX, KEY_MAX, ABS_MAX, LED_MAX, SW_MAX), as the
 * format's readers check them. */
#define TYPE_MAX 0x1f
#define CODE_MAX 0x2ff
#define AXIS_MAX 0x3f
#define LED_MAX 0x0f
#define SW_MAX 0x10
#define EV_REL_TYPE 0x02

#define MAX_TOKENS 12

struct token {
	const char *s;
	size_t len;
};

static int fail(struct evemu_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct evemu_parser *p, const char *fmt, ...)
{
	char what[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	p->error = xasprintf("%s:%zu: %s", p->name, p->line, what);
	return -EINVAL;
}

/* A token as it can be quoted in a message: at most 24 bytes, anything
 * unprintable as '?'. */
static const char *quote(const struct token *t, char buf[32])
{
	size_t n = t->len > 24 ? 24 : t->len, i;
	for (i = 0; i < n; i++)
		buf[i] = t->s[i] >= 0x20 && t->s[i] < 0x7f ? t->s[i] : '?';
	if (t->len > n)
		buf[i++] = '.', buf[i++] = '.', buf[i++] = '.';
	buf[i] = '\0';
	return buf;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Splits [s, end) at blanks, up to a '#' comment. Returns the count, or
 * MAX_TOKENS + 1 when there are more. */
static size_t tokenize(const char *s, const char *end, struct token *tok)
{
	size_t n = 0;
	while (s < end) {
		while (s < end && blank(*s))
			s++;
		if (s == end || *s == '#')
			break;
		const char *start = s;
		while (s < end && !blank(*s) && *s != '#')
			s++;
		if (n == MAX_TOKENS)
			return MAX_TOKENS + 1;
		tok[n++] = (struct token){start, (size_t)(s - start)};
	}
	return n;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hexadecimal, without 0x, at most max_digits digits and max. */
static bool parse_hex(const struct token *t, size_t max_digits, uint32_t max, uint32_t *out)
{
	uint32_t v = 0;
	if (t->len == 0 || t->len > max_digits)
		return false;
	for (size_t i = 0; i < t->len; i++) {
		int d = hexval(t->s[i]);
		if (d < 0)
			return false;
		v = v * 16 + (uint32_t)d;
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

/* Decimal with an optional sign; evemu writes leading zeros ("-001"),
 * which are not octal. */
static bool parse_int(const struct token *t, int32_t *out)
{
	size_t i = 0;
	bool neg = false;
	int64_t v = 0;
	if (i < t->len && (t->s[i] == '-' || t->s[i] == '+'))
		neg = t->s[i++] == '-';
	if (i == t->len)
		return false;
	for (; i < t->len; i++) {
		if (t->s[i] < '0' || t->s[i] > '9')
			return false;
		v = v * 10 + (t->s[i] - '0');
		if (v > (int64_t)INT32_MAX + 1)
			return false;
	}
	if (neg)
		v = -v;
	if (v > INT32_MAX || v < INT32_MIN)
		return false;
	*out = (int32_t)v;
	return true;
}

/* SECONDS.MICROSECONDS with exactly six digits after the point, as
 * evemu-record writes it; anything else would be read wrong by someone. */
static bool parse_time(const struct token *t, uint64_t *out)
{
	const char *dot = memchr(t->s, '.', t->len);
	if (!dot)
		return false;
	size_t int_len = (size_t)(dot - t->s), frac_len = t->len - int_len - 1;
	if (int_len == 0 || int_len > 12 || frac_len != 6)
		return false;
	uint64_t sec = 0, usec = 0;
	for (size_t i = 0; i < int_len; i++) {
		if (t->s[i] < '0' || t->s[i] > '9')
			return false;
		sec = sec * 10 + (uint64_t)(t->s[i] - '0');
	}
	for (size_t i = 0; i < 6; i++) {
		char c = dot[1 + i];
		if (c < '0' || c > '9')
			return false;
		usec = usec * 10 + (uint64_t)(c - '0');
	}
	*out = sec * USEC_PER_SEC + usec;
	return true;
}

/* An event in order (the caller checked that its time does not go back). */
static void add_event(struct evemu_parser *p, uint64_t t, uint32_t type, uint32_t code,
                      int32_t value)
{
	struct evemu *r = p->out;
	if (r->n == 0)
		r->first = t;
	p->last = t;
	if (r->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 1024;
		r->ev = xrealloc(r->ev, p->cap * sizeof *r->ev);
	}
	r->ev[r->n++] = (struct evemu_event){t - r->first, value, (uint16_t)type, (uint16_t)code};
}

static int parse_event(struct evemu_parser *p, const struct token *tok, size_t n)
{
	char q[32];
	uint64_t t;
	uint32_t type, code;
	int32_t value;
	if (n != 4)
		return fail(p, "E: needs exactly TIME TYPE CODE VALUE, found %s%zu field%s",
		            n > MAX_TOKENS ? "over " : "", n > MAX_TOKENS ? (size_t)MAX_TOKENS : n,
		            plural(n));
	if (!parse_time(&tok[0], &t))
		return fail(p, "time '%s' is not SECONDS.MICROSECONDS (six digits after the point)",
		            quote(&tok[0], q));
	if (!parse_hex(&tok[1], 4, TYPE_MAX, &type))
		return fail(p, "event type '%s' is not a hexadecimal number up to %x",
		            quote(&tok[1], q), TYPE_MAX);
	if (!parse_hex(&tok[2], 4, CODE_MAX, &code))
		return fail(p, "event code '%s' is not a hexadecimal number up to %x",
		            quote(&tok[2], q), CODE_MAX);
	if (!parse_int(&tok[3], &value))
		return fail(p, "value '%s' is not a whole number that fits in 32 bits",
		            quote(&tok[3], q));

	if (p->out->n && t < p->last)
		return fail(p,
		            "time %" PRIu64 ".%06" PRIu64 " goes back from the previous event's "
		            "%" PRIu64 ".%06" PRIu64,
		            (uint64_t)(t / USEC_PER_SEC), (uint64_t)(t % USEC_PER_SEC),
		            (uint64_t)(p->last / USEC_PER_SEC), (uint64_t)(p->last % USEC_PER_SEC));
	add_event(p, t, type, code, value);
	return 0;
}

/* A hexadecimal digit's value plus one; 0 for any other byte. */
static const uint8_t hex_digit[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* Exactly four hexadecimal digits at s, as evemu-record writes a type and
 * a code: one test for all four, not a branch at each. */
static bool four_hex(const char *s, uint32_t *v)
{
	unsigned a = hex_digit[(uint8_t)s[0]], b = hex_digit[(uint8_t)s[1]],
	         c = hex_digit[(uint8_t)s[2]], d = hex_digit[(uint8_t)s[3]];
	*v = (a - 1) << 12 | (b - 1) << 8 | (c - 1) << 4 | (d - 1);
	return a && b && c && d && !hex_digit[(uint8_t)s[4]];
}

/* The usual E: line read in one pass, no tokens: "E:", blanks, SECONDS
 * (1 to 12 digits) "." and six digits, blanks, TYPE and CODE (1 to 4
 * hexadecimal digits each), blanks, VALUE (decimal, an optional sign), then
 * blanks to the end of the line. What it takes parse_event would take
 * alike; anything else (a comment, a NUL, a number out of range, a time
 * that goes back) it leaves to parse_line, which says what is wrong.
 * Returns where the next line starts, or NULL. */
static const char *fast_event(struct evemu_parser *p, const char *s, const char *end)
{
	if (end - s < 2 || s[0] != 'E' || s[1] != ':')
		return NULL;
	s += 2;
	while (s < end && blank(*s))
		s++;
	uint64_t t;
	const char *from = s;
	if (p->time_len && (size_t)(end - s) > p->time_len &&
	    memcmp(s, p->time_text, p->time_len) == 0 && blank(s[p->time_len])) {
		t = p->time_value;
		s += p->time_len;
	} else {
		uint64_t sec = 0, usec = 0;
		for (; s < end && *s >= '0' && *s <= '9' && s - from <= 12; s++)
			sec = sec * 10 + (uint64_t)(*s - '0');
		if (s == from || s - from > 12 || end - s < 8 || *s++ != '.')
			return NULL;
		for (int i = 0; i < 6; i++, s++) {
			if (*s < '0' || *s > '9')
				return NULL;
			usec = usec * 10 + (uint64_t)(*s - '0');
		}
		t = p->time_value = sec * USEC_PER_SEC + usec;
		p->time_len = (size_t)(s - from);
		memcpy(p->time_text, from, p->time_len);
	}
	if (p->out->n && t < p->last)
		return NULL;
	uint32_t hex[2];
	for (int f = 0; f < 2; f++) {
		if (s == end || !blank(*s))
			return NULL;
		while (s < end && blank(*s))
			s++;
		hex[f] = 0;
		if (end - s > 4 && four_hex(s, &hex[f])) {
			s += 4;
			continue;
		}
		for (from = s; s < end && s - from < 5 && hex_digit[(uint8_t)*s]; s++)
			hex[f] = hex[f] * 16 + hex_digit[(uint8_t)*s] - 1u;
		if (s == from || s - from > 4)
			return NULL;
	}
	if (s == end || !blank(*s) || hex[0] > TYPE_MAX || hex[1] > CODE_MAX)
		return NULL;
	while (s < end && blank(*s))
		s++;
	bool neg = s < end && *s == '-';
	s += s < end && (*s == '-' || *s == '+');
	int64_t v = 0;
	for (from = s; s < end && *s >= '0' && *s <= '9' && s - from < 11; s++)
		v = v * 10 + (*s - '0');
	if (s == from || s - from > 10 || v > (int64_t)INT32_MAX + neg)
		return NULL;
	while (s < end && blank(*s))
		s++;
	if (s < end && *s != '\n')
		return NULL;
	add_event(p, t, hex[0], hex[1], (int32_t)(neg ? -v : v));
	return s < end ? s + 1 : end;
}

static bool all_hex(const struct token *tok, size_t n, size_t digits)
{
	uint32_t v;
	for (size_t i = 0; i < n; i++)
		if (!parse_hex(&tok[i], digits, UINT32_MAX, &v))
			return false;
	return true;
}

static bool all_int(const struct token *tok, size_t n)
{
	int32_t v;
	for (size_t i = 0; i < n; i++)
		if (!parse_int(&tok[i], &v))
			return false;
	return true;
}

/* The device description: checked so that a damaged file is noticed, but
 * only the declared relative axes are kept (which wheels exist). */
static int parse_header(struct evemu_parser *p, char kind, const char *s, const char *end)
{
	struct token tok[MAX_TOKENS];
	uint32_t index;
	size_t n;

	if (kind == 'N') {
		/* The name is the rest of the line, '#' and all. */
		while (s < end && blank(*s))
			s++;
		while (end > s && blank(end[-1]))
			end--;
		return s < end ? 0 : fail(p, "N: needs the device's name");
	}
	n = tokenize(s, end, tok);
	switch (kind) {
	case 'I':
		if (n != 4 || !all_hex(tok, 4, 4))
			return fail(p, "I: needs BUS VENDOR PRODUCT VERSION in hexadecimal");
		return 0;
	case 'P':
		if (n != 8 || !all_hex(tok, 8, 2))
			return fail(p, "P: needs 8 hexadecimal bytes");
		return 0;
	case 'B':
		if (n != 9 || !parse_hex(&tok[0], 2, TYPE_MAX, &index) || !all_hex(tok + 1, 8, 2))
			return fail(p, "B: needs an event type up to %x and 8 hexadecimal bytes",
			            TYPE_MAX);
		if (index == EV_REL_TYPE && p->rel_lines++ == 0) {
			uint32_t byte;
			p->out->rel_declared = true;
			for (unsigned i = 0; i < 8; i++) {
				parse_hex(&tok[1 + i], 2, 0xff, &byte);
				p->out->rel_bits |= (uint64_t)byte << (8 * i);
			}
		}
		return 0;
	case 'A':
		if ((n != 5 && n != 6) || !parse_hex(&tok[0], 2, AXIS_MAX, &index) ||
		    !all_int(tok + 1, n - 1))
			return fail(p,
			            "A: needs an axis up to %x and MIN MAX FUZZ FLAT [RESOLUTION]",
			            AXIS_MAX);
		return 0;
	case 'L':
		if (n != 2 || !parse_hex(&tok[0], 2, LED_MAX, &index) || !all_int(tok + 1, 1))
			return fail(p, "L: needs an LED up to %x and its state", LED_MAX);
		return 0;
	case 'S':
		if (n != 2 || !parse_hex(&tok[0], 2, SW_MAX, &index) || !all_int(tok + 1, 1))
			return fail(p, "S: needs a switch up to %x and its state", SW_MAX);
		return 0;
	}
	return fail(p, "not an evemu line: E:, N:, I:, P:, B:, A:, L:, S: or # expected");
}

static int parse_line(struct evemu_parser *p, const char *s, const char *end)
{
	while (s < end && blank(*s))
		s++;
	if (s == end || *s == '#')
		return 0;
	if (end - s < 2 || s[1] != ':' || !strchr("ENIPBALS", s[0]))
		return fail(p, "not an evemu line: E:, N:, I:, P:, B:, A:, L:, S: or # expected");
	if (s[0] == 'E') {
		struct token tok[MAX_TOKENS];
		size_t n = tokenize(s + 2, end, tok);
		return parse_event(p, tok, n);
	}
	return parse_header(p, s[0], s + 2, end);
}

void evemu_begin(struct evemu_parser *p, const char *name, struct evemu *out)
{
	*p = (struct evemu_parser){.name = name, .out = out};
	memset(out, 0, sizeof *out);
}

int evemu_more(struct evemu_parser *p, const char *text, size_t len)
{
	const char *s = text, *end = text + len;

	while (!p->error && s < end) {
		p->line++;
		const char *next = fast_event(p, s, end);
		if (next) {
			s = next;
			continue;
		}
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *eol = nl ? nl : end;
		/* fast_event takes no line with a NUL. */
		if (memchr(s, '\0', (size_t)(eol - s))) {
			fail(p, "a NUL byte: this is not a text recording");
			break;
		}
		if (parse_line(p, s, eol) < 0)
			break;
		s = nl ? nl + 1 : end;
	}
	return p->error ? -EINVAL : 0;
}

int evemu_end(struct evemu_parser *p, char **error)
{
	struct evemu *out = p->out;
	if (!p->error && out->n == 0)
		p->error = xasprintf("%s: no events (E: lines) to replay", p->name);
	*error = p->error;
	if (p->error) {
		evemu_fini(out);
		return -EINVAL;
	}
	if (out->n < p->cap)
		out->ev = xrealloc(out->ev, out->n * sizeof *out->ev);
	return 0;
}

int evemu_parse(const char *text, size_t len, const char *name, struct evemu *out, char **error)
{
	struct evemu_parser p;
	evemu_begin(&p, name, out);
	evemu_more(&p, text, len);
	return evemu_end(&p, error);
}

void evemu_fini(struct evemu *r)
{
	free(r->ev);
	memset(r, 0, sizeof *r);
}
