/* Strings made fit for D-Bus: repairs, cuts between characters with an
 * ellipsis, quotes, and agreement with libdbus's own UTF-8 check on many
 * random byte strings (libdbus aborts the process on what it rejects). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "busstr.h"
#include "util.h"

static bool dbus_ok(const char *s)
{
	DBusError err;
	dbus_error_init(&err);
	bool ok = dbus_validate_utf8(s, &err);
	dbus_error_free(&err);
	return ok;
}

static void fits(const char *in, size_t max, const char *want)
{
	char *got = busstr_fit(in, max);
	assert_string_equal(got, want);
	assert_true(strlen(got) <= max);
	assert_true(dbus_ok(got));
	free(got);
}

static void test_fit(void **state)
{
	(void)state;
	fits("", SIZE_MAX, "");
	fits("plain", SIZE_MAX, "plain");
	fits("caf\xc3\xa9", SIZE_MAX, "caf\xc3\xa9");
	/* Each invalid byte shows as U+FFFD. */
	fits("a\xffz", SIZE_MAX, "a\xef\xbf\xbdz");
	fits("\xc3", SIZE_MAX, "\xef\xbf\xbd");
	fits("\xe2\x82", SIZE_MAX, "\xef\xbf\xbd\xef\xbf\xbd");
	fits("\xc0\xaf", SIZE_MAX, "\xef\xbf\xbd\xef\xbf\xbd");                 /* overlong */
	fits("\xed\xa0\x80", SIZE_MAX, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
	fits("\xf4\x90\x80\x80", SIZE_MAX,
	     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* past U+10FFFF */
	/* Noncharacters and the last code point are UTF-8, to libdbus too. */
	fits("\xef\xbf\xbe\xef\xb7\x90\xf4\x8f\xbf\xbf", SIZE_MAX,
	     "\xef\xbf\xbe\xef\xb7\x90\xf4\x8f\xbf\xbf");
	/* A cut lands between characters and says so. */
	fits("abcdefgh", 8, "abcdefgh");
	fits("abcdefghi", 8, "abcde\xe2\x80\xa6");
	fits("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 7, "\xc3\xa9\xc3\xa9\xe2\x80\xa6");
	fits("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	fits("\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 7, "\xf0\x9f\x98\x80\xe2\x80\xa6");
	fits("\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 6, "\xe2\x80\xa6");
	fits("abcdef", 2, "ab"); /* no room for the ellipsis */
	fits("abcdef", 3, "\xe2\x80\xa6");
	/* A repaired string is cut after the repair. */
	fits("\xff\xff\xff", 7, "\xef\xbf\xbd\xe2\x80\xa6");
}

static void test_quote(void **state)
{
	char in[4000] = "", want[80] = "";
	(void)state;
	assert_string_equal(busstr_quote("EX-1").s, "EX-1");
	/* 600 times é: the quote keeps 32 of them (64 bytes), then "…". */
	for (int i = 0; i < 600; i++)
		strcat(in, "\xc3\xa9");
	for (int i = 0; i < 32; i++)
		strcat(want, "\xc3\xa9");
	strcat(want, "\xe2\x80\xa6");
	assert_string_equal(busstr_quote(in).s, want);
	/* One byte on: the 65th byte would split a character. */
	memmove(in + 1, in, strlen(in) + 1);
	in[0] = 'x';
	snprintf(want, sizeof want, "x");
	for (int i = 0; i < 31; i++)
		strcat(want, "\xc3\xa9");
	strcat(want, "\xe2\x80\xa6");
	assert_string_equal(busstr_quote(in).s, want);
	/* Exactly the limit: no ellipsis. */
	memset(in, 'a', 64);
	in[64] = '\0';
	assert_string_equal(busstr_quote(in).s, in);
}

static void test_append(void **state)
{
	(void)state;
	DBusMessage *m = dbus_message_new_signal("/x", "x.y", "z");
	DBusMessageIter it;
	const char *got;
	dbus_message_iter_init_append(m, &it);
	busstr_append(&it, "ok\xc3\xa9");
	busstr_append(&it, "bad\xc3");
	assert_true(dbus_message_iter_init(m, &it));
	dbus_message_iter_get_basic(&it, &got);
	assert_string_equal(got, "ok\xc3\xa9");
	assert_true(dbus_message_iter_next(&it));
	dbus_message_iter_get_basic(&it, &got);
	assert_string_equal(got, "bad\xef\xbf\xbd");
	dbus_message_unref(m);
}

/* Ours says valid exactly when libdbus does, and what we fit it takes. */
static void test_agrees_with_libdbus(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	char s[24];
	(void)state;
	for (int round = 0; round < 200000; round++) {
		size_t n = 1 + (size_t)(round % 12);
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* Mostly high bytes, where UTF-8 can go wrong. */
			unsigned char c = (unsigned char)(x >> 24);
			s[i] = (char)(c == 0 ? 0x80 : (x & 3) ? (c | 0x80) : c);
		}
		s[n] = '\0';
		bool ours = utf8_valid(s, n), theirs = dbus_ok(s);
		if (ours != theirs)
			fail_msg("round %d: utf8_valid %d, libdbus %d", round, ours, theirs);
		char *fit = busstr_fit(s, 1 + (size_t)(round % 9));
		if (!dbus_ok(fit))
			fail_msg("round %d: the fit string is not valid for libdbus", round);
		free(fit);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fit),
	    cmocka_unit_test(test_quote),
	    cmocka_unit_test(test_append),
	    cmocka_unit_test(test_agrees_with_libdbus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
