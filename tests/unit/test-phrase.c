/* The agent's phrases: every one the agent formats is matched back by a
 * client, hostile text comes back as it is, and the German catalog gives
 * the German. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "i18n.h"
#include "phrase.h"
#include "util.h"

/* The shape of each phrase's holes, as the agent calls phrase_format. */
enum shape { NONE, S, SS, SSS, SSSU, U, UU, NESTED, NESTED_LOST, NESTED_WAIT, NESTED_ONLY };
static const enum shape shapes[N_PHRASES] = {
    [PHRASE_PAUSED_UNTIL] = S,
    [PHRASE_EXEMPT_UNTIL] = SS,
    [PHRASE_EXCLUDED] = S,
    [PHRASE_NO_DEVICE] = S,
    [PHRASE_X11_LOST] = S,
    [PHRASE_RECORDING] = UU,
    [PHRASE_RECORDING_SAVER] = UU,
    [PHRASE_RECORDING_WAITS] = UU,
    [PHRASE_RECORDING_SAVER_WAITS] = UU,
    [PHRASE_DOWNSAMPLED] = U,
    [PHRASE_DOWNSAMPLED_SAVER] = U,
    [PHRASE_NOT_EXEMPT] = S,
    [PHRASE_NOT_EXCLUDED] = S,
    [PHRASE_NOT_YOUR_CHOICE] = S,
    [PHRASE_NOT_CHANGE_WAITS] = S,
    [PHRASE_H_PAUSED] = SS,
    [PHRASE_H_RESUMED] = S,
    [PHRASE_H_REQUESTED_DAY] = SSSU,
    [PHRASE_H_REQUESTED_DAYS] = SSSU,
    [PHRASE_H_APPROVED] = SSS,
    [PHRASE_H_EXPIRED] = SSS,
    [PHRASE_H_SCOPE] = SS,
    [PHRASE_DISK_FULL] = S,
    [PHRASE_DISK_QUOTA] = S,
    [PHRASE_SPOOL_UNWRITABLE] = SS,
    [PHRASE_KEPT_YOUR_CHOICE] = NESTED,
    [PHRASE_KEPT_CHANGE_WAITS] = NESTED,
    [PHRASE_STORAGE_LOST] = NESTED_LOST,
    [PHRASE_STORAGE_WAITING] = NESTED_WAIT,
    [PHRASE_H_STORAGE_FAILED] = NESTED_ONLY,
};

/* The holes' values. */
struct args {
	const char *s1, *s2;
	unsigned u1, u2;
	uint64_t big;
};

static char *nested(enum phrase id, const struct args *a)
{
	char *inner = phrase_format(id == PHRASE_KEPT_YOUR_CHOICE || id == PHRASE_KEPT_CHANGE_WAITS
	                                ? PHRASE_KEY_TIMING
	                                : PHRASE_DISK_FULL,
	                            a->s1),
	     *p;
	if (shapes[id] == NESTED)
		p = phrase_format(id, inner, a->s2);
	else if (shapes[id] == NESTED_LOST)
		p = phrase_format(id, inner, a->big, a->u1);
	else if (shapes[id] == NESTED_WAIT)
		p = phrase_format(id, inner, a->big);
	else
		p = phrase_format(id, inner);
	free(inner);
	return p;
}

static char *format(enum phrase id, const struct args *a)
{
	switch (shapes[id]) {
	case S:
		return phrase_format(id, a->s1);
	case SS:
		return phrase_format(id, a->s1, a->s2);
	case SSS:
		return phrase_format(id, a->s1, a->s2, a->s1);
	case SSSU:
		return phrase_format(id, a->s1, a->s2, a->s1, a->u1);
	case U:
		return phrase_format(id, a->u1);
	case UU:
		return phrase_format(id, a->u1, a->u2);
	case NESTED:
	case NESTED_LOST:
	case NESTED_WAIT:
	case NESTED_ONLY:
		return nested(id, a);
	case NONE:
	default:
		return phrase_format(id);
	}
}

/* check(formatted, its phrase_local) for every phrase with holes of any
 * text, the extremes of the numbers among them. */
static void each_phrase(void (*check)(const char *english, const char *local))
{
	static const char *const texts[] = {"", "EX-3", "has focus", "a; b (c)", "%n%s%u"};
	static const unsigned numbers[] = {0, 7, 20, UINT_MAX};
	static const uint64_t bigs[] = {0, 1, UINT64_MAX};
	for (int id = 0; id < N_PHRASES; id++)
		for (size_t t = 0; t < ARRAY_SIZE(texts); t++)
			for (size_t n = 0; n < ARRAY_SIZE(numbers); n++)
				for (size_t b = 0; b < ARRAY_SIZE(bigs); b++) {
					struct args a = {texts[t], "full", numbers[n], 5, bigs[b]};
					char *p = format((enum phrase)id, &a),
					     *local = phrase_local(p);
					check(p, local);
					free(local);
					free(p);
				}
}

static void same(const char *english, const char *local)
{
	assert_string_equal(local, english);
}

static void translated(const char *english, const char *local)
{
	assert_string_not_equal(local, english);
}

static void unchanged(const char *s)
{
	char *got = phrase_local(s);
	assert_string_equal(got, s);
	free(got);
}

/* In the C locale every phrase comes back as the agent wrote it. */
static void test_round_trip(void **state)
{
	(void)state;
	each_phrase(same);
}

static void test_hostile(void **state)
{
	(void)state;
	unchanged("");
	unchanged("%n");
	unchanged("%s%s%s%n%n");
	unchanged("position, downsampled to %n Hz");
	unchanged("position, downsampled to 123456789012345678901234567890 Hz");
	unchanged("position, downsampled to 4294967296 Hz");
	unchanged("x; 18446744073709551616 events wait in memory for it");
	unchanged("x; 018 events wait in memory for it");
	unchanged("position, downsampled to 020 Hz");
	unchanged("position, downsampled to -1 Hz");
	unchanged("position, downsampled to  Hz");
	unchanged("position, downsampled to 20");
	unchanged("position, downsampled to 20 Hz ");
	unchanged("position, downsampled to ");
	unchanged("recording 1 of  streams as the policy allows");
	unchanged("not recorded: exemption");
	unchanged("every position; your choice");
	unchanged("a policy's own words");
	/* Long, and long with the start of a phrase over and over. */
	size_t n = 1 << 20;
	char *big = xmalloc(n + 1);
	memset(big, 'x', n);
	big[n] = '\0';
	unchanged(big);
	const char *piece = "; your choice (the policy allows ";
	for (size_t i = 0; i + strlen(piece) <= n; i += strlen(piece))
		memcpy(big + i, piece, strlen(piece));
	unchanged(big);
	memcpy(big, "exemption ", 10);
	unchanged(big);
	/* Where a hole may end at every other byte, the tries run out. */
	for (size_t i = 0; i + 2 <= n; i += 2)
		memcpy(big + i, "; ", 2);
	memcpy(big + n - 32, "; 3 events wait in memory for it", 32);
	unchanged(big);
	free(big);
	char *null = phrase_local(NULL);
	assert_string_equal(null, "");
	free(null);
}

/* The German catalog of the build: exact German, the holes carried over,
 * a nested description translated inside its phrase. */
static void test_german(void **state)
{
	(void)state;
	char cwd[4096];
	const char *dir = getenv("CAPCTL_LOCALEDIR");
	char *abs = NULL;
	if (!dir || dir[0] != '/') {
		assert_non_null(getcwd(cwd, sizeof cwd));
		abs = xasprintf("%s/%s", cwd, dir ? dir : "build/locale");
		setenv("CAPCTL_LOCALEDIR", abs, 1);
	}
	setenv("LANGUAGE", "de", 1);
	setenv("LANG", "C.UTF-8", 1);
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	i18n_init();
	static const char *const pairs[][2] = {
	    {"position, downsampled to 20 Hz", "Position, auf 20 Hz reduziert"},
	    {"not recorded: exemption EX-3", "nicht aufgezeichnet: Ausnahme EX-3"},
	    {"timing only; which key is never recorded; your choice (the policy allows full)",
	     "nur der Zeitpunkt; welche Taste gedrückt wurde, wird nie aufgezeichnet; Ihre Wahl "
	     "(die Richtlinie erlaubt full)"},
	    {"recording 3 of 5 streams as the policy allows",
	     "3 von 5 Datenströmen werden aufgezeichnet, wie die Richtlinie es erlaubt"},
	    {"the disk holding /a; b is full; 3 events wait in memory for it",
	     "die Platte mit /a; b ist voll; 3 Ereignisse warten im Speicher darauf"},
	    {"an unknown phrase", "an unknown phrase"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		char *got = phrase_local(pairs[i][0]);
		assert_string_equal(got, pairs[i][1]);
		free(got);
	}
	/* Every phrase is matched, whatever its holes: none comes back in
	 * English. */
	each_phrase(translated);
	/* The agent's side stays English in any locale. */
	char *sent = phrase_format(PHRASE_DOWNSAMPLED, 20u);
	assert_string_equal(sent, "position, downsampled to 20 Hz");
	free(sent);
	free(abs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_german),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
