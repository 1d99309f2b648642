/* The agent's phrases: one table for the English the agent sends and the
 * English a client matches, so the two cannot drift apart. */
#include "phrase.h"
#include "i18n.h"
#include "util.h"

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define HOLES_MAX 4

struct entry {
	const char *format;
	unsigned nested; /* bit i: hole i is itself a phrase (of no nesting) */
};

/* Phrases with a nested hole come last, from N_PLAIN on: a plain one wins
 * a tie, and a nested hole is matched against the plain ones alone. Of
 * two that may both match, the narrower comes first ("%s (scope %s)"
 * last of its kind). */
#define N_PLAIN PHRASE_KEPT_YOUR_CHOICE
static const struct entry table[N_PHRASES] = {
    [PHRASE_PAUSED_UNTIL] = {N_("paused until %s"), 0},
    [PHRASE_EXEMPT_UNTIL] = {N_("exemption %s approved until %s"), 0},
    [PHRASE_WAIT_NOTICE] = {N_("waiting for the privacy notice to be acknowledged"), 0},
    [PHRASE_LOCKED] = {N_("the screen is locked"), 0},
    [PHRASE_EXCLUDED] = {N_("excluded application %s has focus"), 0},
    [PHRASE_NO_SOURCE] = {N_("no input source"), 0},
    [PHRASE_RECORDING] = {N_("recording %u of %u streams as the policy allows"), 0},
    [PHRASE_RECORDING_SAVER] = {N_("recording %u of %u streams as the policy allows; "
                                   "battery saver on"),
                                0},
    [PHRASE_RECORDING_WAITS] = {N_("recording %u of %u streams as the policy allows; a "
                                   "policy change waits for your acknowledgment"),
                                0},
    [PHRASE_RECORDING_SAVER_WAITS] = {N_("recording %u of %u streams as the policy allows; "
                                         "battery saver on; a policy change waits for your "
                                         "acknowledgment"),
                                      0},
    [PHRASE_OFF_BY_POLICY] = {N_("not recorded: the policy turns this stream off"), 0},
    [PHRASE_DOWNSAMPLED] = {N_("position, downsampled to %u Hz"), 0},
    [PHRASE_DOWNSAMPLED_SAVER] = {N_("position, downsampled to %u Hz by the battery saver"), 0},
    [PHRASE_BUTTON_REDUCED] = {N_("which button, never the pointer position"), 0},
    [PHRASE_KEY_CATEGORY] = {N_("key category (letter, digit, space, …) and timing; which key "
                                "is never recorded"),
                             0},
    [PHRASE_KEY_TIMING] = {N_("timing only; which key is never recorded"), 0},
    [PHRASE_APP_ONLY] = {N_("application only; window titles are never recorded"), 0},
    [PHRASE_FULL_MOTION] = {N_("every position"), 0},
    [PHRASE_FULL_BUTTON] = {N_("button and pointer position"), 0},
    [PHRASE_FULL_SCROLL] = {N_("direction and pointer position"), 0},
    [PHRASE_FULL_KEY] = {N_("which key, and when"), 0},
    [PHRASE_FULL_FOCUS] = {N_("application and window title"), 0},
    [PHRASE_NOT_WAIT_NOTICE] = {N_("not recorded: waiting for the privacy notice to be "
                                   "acknowledged"),
                                0},
    [PHRASE_NOT_PAUSED] = {N_("not recorded: paused"), 0},
    [PHRASE_NOT_EXEMPT] = {N_("not recorded: exemption %s"), 0},
    [PHRASE_NOT_LOCKED] = {N_("not recorded: the screen is locked"), 0},
    [PHRASE_NOT_EXCLUDED] = {N_("not recorded: excluded application %s has focus"), 0},
    [PHRASE_NOT_NO_SOURCE] = {N_("not recorded: no input source"), 0},
    /* TRANSLATORS: %s is a fidelity level as the policy file names it
     * (full, reduced, ...), left as it is. */
    [PHRASE_NOT_YOUR_CHOICE] = {N_("not recorded: your choice (the policy allows %s)"), 0},
    /* TRANSLATORS: %s is a fidelity level as the policy file names it. */
    [PHRASE_NOT_CHANGE_WAITS] = {N_("not recorded: the policy's change to %s waits for your "
                                    "acknowledgment"),
                                 0},
    /* TRANSLATORS: a History entry: how long, then the end (a time or a
     * date and time). */
    [PHRASE_H_PAUSED] = {N_("paused for %s, until %s"), 0},
    [PHRASE_H_RESUMED] = {N_("resumed; the pause was due to end at %s"), 0},
    [PHRASE_H_AUTO_RESUME] = {N_("the pause ended; recording again"), 0},
    /* TRANSLATORS: a History entry: an exemption's id, its scope (all or a
     * stream id) and category as the bus names them, its days (one). */
    [PHRASE_H_REQUESTED_DAY] = {N_("%s: scope %s, category %s, %u day"), 0},
    /* TRANSLATORS: as above, for any other number of days. */
    [PHRASE_H_REQUESTED_DAYS] = {N_("%s: scope %s, category %s, %u days"), 0},
    /* TRANSLATORS: a History entry: an exemption's id, its scope (all or a
     * stream id), its end. */
    [PHRASE_H_APPROVED] = {N_("%s (scope %s) until %s"), 0},
    [PHRASE_H_EXPIRED] = {N_("%s (scope %s) ended on %s"), 0},
    [PHRASE_H_SCOPE] = {N_("%s (scope %s)"), 0},
    /* TRANSLATORS: a History entry: the agent stopped. */
    [PHRASE_H_STOPPED] = {N_("stopped"), 0},
    [PHRASE_H_NO_POLICY] = {N_("no policy file: the defaults"), 0},
    /* TRANSLATORS: the first %s is one of the descriptions above, the
     * second a fidelity level as the policy file names it. */
    [PHRASE_KEPT_YOUR_CHOICE] = {N_("%s; your choice (the policy allows %s)"), 1},
    /* TRANSLATORS: the first %s is one of the descriptions above, the
     * second a fidelity level as the policy file names it. */
    [PHRASE_KEPT_CHANGE_WAITS] = {N_("%s; the policy's change to %s waits for your "
                                     "acknowledgment"),
                                  1},
};

char *phrase_vformat(enum phrase id, va_list ap)
{
	return xvasprintf(table[id].format, ap);
}

char *phrase_format(enum phrase id, ...)
{
	va_list ap;
	va_start(ap, id);
	char *s = phrase_vformat(id, ap);
	va_end(ap);
	return s;
}

/* A part of the received text that fills a hole. */
struct hole {
	const char *at;
	size_t len;
	char type; /* 's' or 'u' */
};

/* The literal text of a format from f up to its next hole or its end. */
static size_t literal_len(const char *f)
{
	return strcspn(f, "%");
}

/* A %u hole as the agent writes it: decimal digits, no leading zero, at
 * most UINT_MAX. Its length in s, or 0. */
static size_t number_len(const char *s)
{
	unsigned long long v = 0;
	size_t n = 0;
	while (s[n] >= '0' && s[n] <= '9') {
		v = v * 10 + (unsigned)(s[n] - '0');
		if (++n > 10 || v > UINT_MAX)
			return 0;
	}
	return n > 1 && s[0] == '0' ? 0 : n;
}

/* Whether s (of length n) is format f with its holes filled: each literal
 * must follow its hole where a %u's digits end, or at the leftmost place
 * after a %s, and the last literal ends s. At most HOLES_MAX holes into h;
 * their count in *nh. */
static bool match(const char *f, const char *s, size_t n, struct hole *h, int *nh)
{
	size_t lit = literal_len(f), pos = lit;
	if (n < lit || memcmp(s, f, lit) != 0)
		return false;
	for (*nh = 0, f += lit; *f; f += lit) {
		char type = f[1];
		if (*nh == HOLES_MAX || (type != 's' && type != 'u'))
			return false;
		f += 2;
		lit = literal_len(f);
		size_t end;
		if (type == 'u') {
			size_t digits = number_len(s + pos);
			if (!digits)
				return false;
			end = pos + digits;
		} else if (!f[lit]) {
			if (n - pos < lit)
				return false;
			end = n - lit;
		} else {
			const char *next;
			if (!lit)
				return false; /* two holes side by side: no table entry has them */
			/* The literal in the form it has in f, NUL-terminated for strstr. */
			char *want = xstrndup(f, lit);
			next = strstr(s + pos, want);
			free(want);
			if (!next)
				return false;
			end = (size_t)(next - s);
		}
		if (n - end < lit || memcmp(s + end, f, lit) != 0)
			return false;
		h[(*nh)++] = (struct hole){s + pos, end - pos, type};
		pos = end + lit;
	}
	return pos == n;
}

/* The first table entry s matches among the first n_entries, or -1. */
static int lookup(const char *s, size_t n, int n_entries, struct hole *h, int *nh)
{
	for (int i = 0; i < n_entries; i++)
		if (match(table[i].format, s, n, h, nh))
			return i;
	return -1;
}

/* One conversion of a translated format at *f (past its '%'): the index of
 * its hole, sequential or %N$, checked against the English's holes, or -1
 * for anything else. */
static int conversion(const char **f, int *next, const struct hole *h, int nh)
{
	int i = (*next)++;
	if ((*f)[0] >= '1' && (*f)[0] <= '9' && (*f)[1] == '$') {
		i = (*f)[0] - '1';
		*f += 2;
	}
	if (i >= nh || **f != h[i].type)
		return -1;
	(*f)++;
	return i;
}

/* The translated format f with the hole texts put in, written to out
 * when it is not NULL: its length, or -1 when f has a conversion the
 * English has not (a catalog msgfmt --check did not see; "%%" too). */
static long fill(char *out, const char *f, const struct hole *h, char *const *text, int nh)
{
	size_t len = 0;
	int next = 0;
	for (;;) {
		size_t lit = literal_len(f);
		if (out)
			memcpy(out + len, f, lit);
		len += lit;
		if (!*(f += lit))
			break;
		f++;
		int i = conversion(&f, &next, h, nh);
		if (i < 0)
			return -1;
		size_t tl = strlen(text[i]);
		if (out)
			memcpy(out + len, text[i], tl);
		len += tl;
		if (len > LONG_MAX / 2)
			return -1;
	}
	if (out)
		out[len] = '\0';
	return (long)len;
}

/* s translated when it matches one of the first n_entries, else NULL. */
static char *translate(const char *s, size_t n, int n_entries)
{
	struct hole h[HOLES_MAX];
	char *text[HOLES_MAX] = {NULL};
	int nh, id = lookup(s, n, n_entries, h, &nh);
	if (id < 0)
		return NULL;
	for (int i = 0; i < nh; i++) {
		char *inner = xstrndup(h[i].at, h[i].len);
		char *local =
		    table[id].nested & (1u << i) ? translate(inner, h[i].len, N_PLAIN) : NULL;
		text[i] = local ? local : inner;
		if (local)
			free(inner);
	}
	const char *f = gettext(table[id].format);
	long len = fill(NULL, f, h, text, nh);
	char *out = len < 0 ? NULL : xmalloc((size_t)len + 1);
	if (out)
		fill(out, f, h, text, nh);
	for (int i = 0; i < nh; i++)
		free(text[i]);
	return out;
}

char *phrase_local(const char *english)
{
	if (!english)
		return xstrdup("");
	char *local = translate(english, strlen(english), N_PHRASES);
	return local ? local : xstrdup(english);
}

const char *phrase_shown(const char *english)
{
	static char *ring[16];
	static unsigned next;
	char **slot = &ring[next++ % ARRAY_SIZE(ring)];
	free(*slot);
	*slot = phrase_local(english);
	return *slot;
}
