/* The agent's phrases: one table for the English the agent sends and the
 * English a client matches, so the two cannot drift apart. */
#include "phrase.h"
#include "i18n.h"
#include "util.h"

#include <inttypes.h>
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
    /* TRANSLATORS: %s is a directory (/dev/input). */
    [PHRASE_NO_DEVICE] = {N_("no keyboard or pointer under %s"), 0},
    /* TRANSLATORS: %s is an X display (:0). */
    [PHRASE_X11_LOST] = {N_("the X connection to %s was lost"), 0},
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
    /* TRANSLATORS: %s is a directory. */
    [PHRASE_DISK_FULL] = {N_("the disk holding %s is full"), 0},
    /* TRANSLATORS: %s is a directory. */
    [PHRASE_DISK_QUOTA] = {N_("the disk quota for %s is used up"), 0},
    /* TRANSLATORS: a directory, then the system's words for the error. */
    [PHRASE_SPOOL_UNWRITABLE] = {N_("cannot write to %s/spool: %s"), 0},
    /* TRANSLATORS: the first %s is one of the descriptions above, the
     * second a fidelity level as the policy file names it. */
    [PHRASE_KEPT_YOUR_CHOICE] = {N_("%s; your choice (the policy allows %s)"), 1},
    /* TRANSLATORS: the first %s is one of the descriptions above, the
     * second a fidelity level as the policy file names it. */
    [PHRASE_KEPT_CHANGE_WAITS] = {N_("%s; the policy's change to %s waits for your "
                                     "acknowledgment"),
                                  1},
    /* TRANSLATORS: %s is one of the three disk failures above. */
    [PHRASE_STORAGE_LOST] = {N_("%s; %" PRIu64 " events could not be kept (memory holds at most "
                                "%u MiB of events waiting for the disk)"),
                             1},
    /* TRANSLATORS: %s is one of the three disk failures above. */
    [PHRASE_STORAGE_WAITING] = {N_("%s; %" PRIu64 " events wait in memory for it"), 1},
    /* TRANSLATORS: a History entry; %s is one of the three disk failures
     * above. */
    [PHRASE_H_STORAGE_FAILED] = {N_("%s; what is recorded waits in memory"), 1},
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
	char type; /* 's', 'u' (unsigned int) or 'U' (uint64_t) */
};

/* The literal text of a format from f up to its next hole or its end. */
static size_t literal_len(const char *f)
{
	return strcspn(f, "%");
}

/* The conversion of a hole at f (past its '%'): its type into *type and
 * its length, or 0 for one that no table entry has. "%" PRIu64 is "lu" or
 * "llu", after the platform. */
static size_t hole_spec(const char *f, char *type)
{
	size_t l = strspn(f, "l");
	if (l == 0 && (f[0] == 's' || f[0] == 'u'))
		*type = f[0];
	else if (l > 0 && l <= 2 && f[l] == 'u' && strncmp(PRIu64, f, l + 1) == 0)
		*type = 'U';
	else
		return 0;
	return l + 1;
}

/* A number hole as the agent writes it: decimal digits, no leading zero,
 * at most max, checked before each digit is added. Its length in s, or
 * 0. */
static size_t number_len(const char *s, uint64_t max)
{
	uint64_t v = 0;
	size_t n = 0;
	for (; s[n] >= '0' && s[n] <= '9'; n++) {
		unsigned d = (unsigned)(s[n] - '0');
		if (v > (max - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	return n > 1 && s[0] == '0' ? 0 : n;
}

/* How many places a %s hole may end at, tried in all, for one entry and
 * one text: enough for any phrase the agent sends, a bound on the work
 * for a hostile text (which then shows as it came). */
#define TRIES_MAX 32

/* Whether s[pos..n) is the rest of a format, f (at a hole or the end),
 * with its holes filled. A number hole takes its digits; a text hole ends
 * where its literal follows, the leftmost place first, then the next
 * while tries are left; the last literal ends s. The holes into h from
 * h[nh] on, their count in *got. */
static bool match_rest(const char *f, const char *s, size_t n, size_t pos, struct hole *h, int nh,
                       int *got, unsigned *tries)
{
	char type;
	size_t spec;
	if (!*f) {
		*got = nh;
		return pos == n;
	}
	if (nh == HOLES_MAX || !(spec = hole_spec(f + 1, &type)))
		return false;
	f += 1 + spec;
	size_t lit = literal_len(f);
	if (type != 's') {
		size_t end = pos + number_len(s + pos, type == 'u' ? UINT_MAX : UINT64_MAX);
		if (end == pos || n - end < lit || memcmp(s + end, f, lit) != 0)
			return false;
		h[nh] = (struct hole){s + pos, end - pos, type};
		return match_rest(f + lit, s, n, end + lit, h, nh + 1, got, tries);
	}
	if (!f[lit]) {
		if (n - pos < lit || memcmp(s + n - lit, f, lit) != 0)
			return false;
		h[nh] = (struct hole){s + pos, n - lit - pos, type};
		*got = nh + 1;
		return true;
	}
	if (!lit)
		return false; /* two holes side by side: no table entry has them */
	/* The literal as f has it, NUL-terminated for strstr. */
	char *want = xstrndup(f, lit);
	bool ok = false;
	for (const char *at = s + pos; !ok && *tries && (at = strstr(at, want)); at++) {
		(*tries)--;
		h[nh] = (struct hole){s + pos, (size_t)(at - s) - pos, type};
		ok = match_rest(f + lit, s, n, (size_t)(at - s) + lit, h, nh + 1, got, tries);
	}
	free(want);
	return ok;
}

/* Whether s (of length n) is format f with its holes filled; the holes
 * into h, their count in *nh. */
static bool match(const char *f, const char *s, size_t n, struct hole *h, int *nh)
{
	size_t lit = literal_len(f);
	unsigned tries = TRIES_MAX;
	return n >= lit && memcmp(s, f, lit) == 0 &&
	       match_rest(f + lit, s, n, lit, h, 0, nh, &tries);
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
	char type;
	size_t spec = hole_spec(*f, &type);
	if (i >= nh || !spec || type != h[i].type)
		return -1;
	*f += spec;
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
