/* Text measured in columns, the editor behind the text fields, figures
 * for people, and the form's checks of an exemption request. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text/edit.h"
#include "model/form.h"
#include "text/human.h"
#include "text/safe.h"
#include "text/text.h"

static int setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	/* Widths of non-ASCII characters come from the locale. */
	return setlocale(LC_CTYPE, "C.UTF-8") ? 0 : -1;
}

static void test_decode(void **state)
{
	uint32_t cp;
	char buf[4];
	(void)state;
	assert_int_equal(text_decode("a", 1, &cp), 1);
	assert_int_equal(cp, 'a');
	assert_int_equal(text_decode("\xc3\xa9", 2, &cp), 2);
	assert_int_equal(cp, 0xe9);
	assert_int_equal(text_decode("\xe6\x97\xa5", 3, &cp), 3);
	assert_int_equal(cp, 0x65e5);
	assert_int_equal(text_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1f600);
	/* Broken sequences give U+FFFD one byte at a time. */
	assert_int_equal(text_decode("\xc3", 1, &cp), 1);
	assert_int_equal(cp, 0xfffd);
	assert_int_equal(text_decode("\xc0\xaf", 2, &cp), 1); /* overlong */
	assert_int_equal(cp, 0xfffd);
	assert_int_equal(text_decode("\xed\xa0\x80", 3, &cp), 1); /* surrogate */
	assert_int_equal(cp, 0xfffd);
	assert_int_equal(text_encode(0x65e5, buf), 3);
	assert_memory_equal(buf, "\xe6\x97\xa5", 3);
	assert_int_equal(text_encode(0xd800, buf), 0);
	assert_int_equal(text_encode(0x110000, buf), 0);
}

static void test_width(void **state)
{
	int used;
	(void)state;
	assert_int_equal(text_width("abc", 3), 3);
	assert_int_equal(text_width("\xe6\x97\xa5\xe6\x9c\xac", 6), 4); /* 日本: wide */
	assert_int_equal(text_width("e\xcc\x81", 3), 1);                /* e + combining acute */
	assert_int_equal(text_width("\t", 1), 1);
	/* Cutting never splits a character, nor a wide one in half. */
	assert_int_equal(text_fit("\xe6\x97\xa5\xe6\x9c\xac", 6, 3, &used), 3);
	assert_int_equal(used, 2);
	assert_int_equal(text_fit("abcdef", 6, 4, &used), 4);
	assert_int_equal(text_fit("e\xcc\x81x", 4, 1, &used), 3); /* the mark goes along */
	assert_int_equal(text_fit("abc", 3, 0, &used), 0);
	assert_int_equal(text_prev("a\xc3\xa9", 3), 1);
	assert_int_equal(text_next("a\xc3\xa9", 3, 1), 3);
	assert_int_equal(text_next("a\xc3\xa9", 3, 3), 3);
}

static void lines_are(const char *s, int cols, const char *const *want, size_t n_want)
{
	struct text_line *l;
	size_t n = text_wrap(s, strlen(s), cols, &l);
	assert_int_equal(n, n_want);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(l[i].len, strlen(want[i]));
		assert_memory_equal(s + l[i].start, want[i], l[i].len);
	}
	free(l);
}

static void test_wrap(void **state)
{
	(void)state;
	const char *const a[] = {"the quick", "brown fox"};
	lines_are("the quick brown fox", 10, a, 2);
	const char *const b[] = {"abcdefghij", "klm"};
	lines_are("abcdefghijklm", 10, b, 2);
	const char *const c[] = {"one", "", "two"};
	lines_are("one\n\ntwo", 10, c, 3);
	const char *const d[] = {""};
	lines_are("", 10, d, 1);
	const char *const e[] = {"end", ""};
	lines_are("end\n", 10, e, 2);
	const char *const f[] = {"a", "b"};
	lines_are("a    b", 1, f, 2);
	const char *const g[] = {"\xe6\x97\xa5\xe6\x9c\xac", "\xe8\xaa\x9e"};
	lines_are("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 5, g, 2);
	const char *const h[] = {"  indented", "text"};
	lines_are("  indented text", 10, h, 2);
}

static void test_edit(void **state)
{
	struct edit e;
	(void)state;
	edit_init(&e, 10, false);
	assert_int_equal(edit_insert(&e, 'a'), 0);
	assert_int_equal(edit_insert(&e, 0xe9), 0);
	assert_int_equal(edit_insert(&e, 0x65e5), 0);
	assert_string_equal(e.buf, "a\xc3\xa9\xe6\x97\xa5");
	assert_int_equal(e.cursor, 6);
	edit_left(&e);
	assert_int_equal(e.cursor, 3);
	edit_backspace(&e); /* removes é, both bytes */
	assert_string_equal(e.buf, "a\xe6\x97\xa5");
	assert_int_equal(e.cursor, 1);
	edit_delete(&e);
	assert_string_equal(e.buf, "a");
	/* Control characters and newlines are refused in a line field. */
	assert_int_equal(edit_insert(&e, '\n'), -EINVAL);
	assert_int_equal(edit_insert(&e, 0x1b), -EINVAL);
	assert_int_equal(edit_insert(&e, 0x7f), -EINVAL);
	assert_int_equal(edit_insert(&e, 0x85), -EINVAL);
	assert_int_equal(edit_insert(&e, 0xd800), -EINVAL);
	for (int i = 0; i < 9; i++)
		assert_int_equal(edit_insert(&e, 'x'), 0);
	assert_int_equal(edit_insert(&e, 'y'), -ENOSPC);
	assert_int_equal(e.len, 10);
	edit_set(&e, "tab\there\nnewline");
	assert_string_equal(e.buf, "tabherenew"); /* what a key could not type is dropped */
	edit_fini(&e);

	edit_init(&e, 100, true);
	edit_set(&e, "line one\nline two is longer");
	assert_int_equal(edit_insert(&e, '\n'), 0);
	struct text_line *l;
	struct edit_pos p;
	size_t n = edit_layout(&e, 10, &l, &p);
	free(l);
	assert_int_equal(n, 4); /* "line one" "line two" "is longer" "" */
	assert_int_equal(p.line, 3);
	assert_int_equal(p.col, 0);
	edit_up(&e, 10);
	n = edit_layout(&e, 10, &l, &p);
	free(l);
	assert_int_equal(p.line, 2);
	edit_home(&e, 10);
	edit_end(&e, 10);
	n = edit_layout(&e, 10, &l, &p);
	free(l);
	assert_int_equal(p.col, 9); /* the end of "is longer" */
	edit_up(&e, 10);
	edit_up(&e, 10);
	edit_up(&e, 10);
	edit_up(&e, 10); /* at the top it stays */
	n = edit_layout(&e, 10, &l, &p);
	free(l);
	assert_int_equal(p.line, 0);
	assert_int_equal(e.cursor, 8); /* the column kept as near as the line allows */
	edit_fini(&e);
}

/* The editing a shell line has: Ctrl-U, Ctrl-W, a prefill typing
 * replaces, pasted lines. */
static void test_edit_shell(void **state)
{
	struct edit e;
	(void)state;
	edit_init(&e, 100, false);
	edit_set(&e, "rm -rf  /tmp/x y");
	edit_kill_word(&e);
	assert_string_equal(e.buf, "rm -rf  /tmp/x ");
	edit_kill_word(&e); /* the spaces before the cursor go with the word */
	assert_string_equal(e.buf, "rm -rf  ");
	edit_kill_word(&e);
	assert_string_equal(e.buf, "rm ");
	edit_left(&e);
	edit_left(&e);
	edit_kill_word(&e); /* only what is before the cursor */
	assert_string_equal(e.buf, "m ");
	assert_int_equal(e.cursor, 0);
	edit_kill_word(&e); /* at the start: nothing */
	assert_string_equal(e.buf, "m ");
	/* UTF-8: whole characters. */
	edit_set(&e, "Gr\xc3\xbc\xc3\x9f \xe6\x97\xa5\xe6\x9c\xac");
	edit_kill_word(&e);
	assert_string_equal(e.buf, "Gr\xc3\xbc\xc3\x9f ");
	edit_left(&e);
	edit_left(&e); /* before the sharp s */
	assert_int_equal(e.cursor, 4);
	edit_kill_start(&e);
	assert_string_equal(e.buf, "\xc3\x9f ");
	assert_int_equal(e.cursor, 0);
	edit_end(&e, 80);
	edit_kill_start(&e);
	assert_string_equal(e.buf, "");

	/* A prefill is selected: typing replaces it... */
	edit_prefill(&e, "30m");
	assert_true(e.selected);
	assert_int_equal(e.cursor, 3);
	assert_int_equal(edit_insert(&e, '2'), 0);
	assert_false(e.selected);
	assert_int_equal(edit_insert(&e, 'h'), 0);
	assert_string_equal(e.buf, "2h");
	/* ...a refused character does not... */
	edit_prefill(&e, "30m");
	assert_int_equal(edit_insert(&e, 0x1b), -EINVAL);
	assert_true(e.selected);
	assert_string_equal(e.buf, "30m");
	/* ...and every editing key unselects it first, then does its work. */
	edit_backspace(&e);
	assert_false(e.selected);
	assert_string_equal(e.buf, "30");
	edit_prefill(&e, "30m");
	edit_left(&e);
	assert_int_equal(edit_insert(&e, 'x'), 0);
	assert_string_equal(e.buf, "30xm");
	const struct {
		void (*op)(struct edit *);
		const char *want;
	} ops[] = {{edit_delete, "30m"},
	           {edit_right, "30m"},
	           {edit_kill_start, ""},
	           {edit_kill_word, ""},
	           {edit_backspace, "30"}};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		edit_prefill(&e, "30m");
		ops[i].op(&e);
		assert_false(e.selected);
		assert_string_equal(e.buf, ops[i].want);
	}
	edit_prefill(&e, "30m");
	edit_home(&e, 80);
	assert_false(e.selected);
	assert_int_equal(e.cursor, 0);
	edit_prefill(&e, "");
	assert_false(e.selected); /* nothing to select */

	/* Bidi controls are not typed: they would reorder what is shown. */
	assert_int_equal(edit_insert(&e, 0x202e), -EINVAL);
	assert_int_equal(edit_insert(&e, 0x2066), -EINVAL);

	/* A paste into a line: its line breaks and tabs are spaces. */
	edit_prefill(&e, "~/old.jsonl");
	const char *paste = "a\tb\r\nc\n";
	for (const char *p = paste; *p; p++)
		edit_paste(&e, (uint32_t)(unsigned char)*p);
	assert_string_equal(e.buf, "a b c ");
	edit_fini(&e);

	/* Into a multi-line field, lines stay lines; CR LF and CR are one
	 * break each. */
	edit_init(&e, 100, true);
	paste = "one\r\ntwo\rthree\n\nfour\x1b";
	for (const char *p = paste; *p; p++)
		edit_paste(&e, (uint32_t)(unsigned char)*p);
	assert_string_equal(e.buf, "one\ntwo\nthree\n\nfour");
	/* Ctrl-U stops at the line break. */
	edit_kill_start(&e);
	assert_string_equal(e.buf, "one\ntwo\nthree\n\n");
	edit_backspace(&e);
	edit_kill_word(&e); /* over the line break, then the word */
	assert_string_equal(e.buf, "one\ntwo\n");
	edit_fini(&e);
}

static void test_human(void **state)
{
	char b[32];
	(void)state;
	human_bytes(0, b, sizeof b);
	assert_string_equal(b, "0 B");
	human_bytes(999, b, sizeof b);
	assert_string_equal(b, "999 B");
	human_bytes(1200, b, sizeof b);
	assert_string_equal(b, "1.2 kB");
	human_bytes(999999, b, sizeof b);
	assert_string_equal(b, "1.0 MB");
	human_bytes(50000000, b, sizeof b);
	assert_string_equal(b, "50 MB");
	human_bytes(1234567, b, sizeof b);
	assert_string_equal(b, "1.2 MB");
	human_rate(0.2, b, sizeof b);
	assert_string_equal(b, "0 B/s");
	human_rate(1500, b, sizeof b);
	assert_string_equal(b, "1.5 kB/s");
	human_count(1234567, b, sizeof b);
	assert_string_equal(b, "1,234,567");
	human_count(999, b, sizeof b);
	assert_string_equal(b, "999");
	human_count_short(123456, b, sizeof b);
	assert_string_equal(b, "123k");
	human_count_short(9999, b, sizeof b);
	assert_string_equal(b, "9999");
	human_countdown(1799, b, sizeof b);
	assert_string_equal(b, "29:59");
	human_countdown(0, b, sizeof b);
	assert_string_equal(b, "00:00");
	human_countdown(3725, b, sizeof b);
	assert_string_equal(b, "1:02:05");
	human_minutes(45, b, sizeof b);
	assert_string_equal(b, "45 s");
	human_minutes(1800, b, sizeof b);
	assert_string_equal(b, "30 min");
	human_minutes(5400, b, sizeof b);
	assert_string_equal(b, "1 h 30 min");
	human_minutes(7200, b, sizeof b);
	assert_string_equal(b, "2 h");
	/* Exact under ten minutes; above, minutes rounded up, never down. */
	const struct {
		uint64_t s;
		const char *want;
	} lengths[] = {
	    {0, "0 s"},          {59, "59 s"},        {60, "1 min"},   {90, "1 min 30 s"},
	    {252, "4 min 12 s"}, {599, "9 min 59 s"}, {600, "10 min"}, {601, "11 min"},
	    {3599, "1 h"},       {3601, "1 h 1 min"}, {90000, "25 h"},
	};
	for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
		human_minutes(lengths[i].s, b, sizeof b);
		assert_string_equal(b, lengths[i].want);
	}
	human_counted(1, "event", "events", b, sizeof b);
	assert_string_equal(b, "1 event");
	human_counted(0, "event", "events", b, sizeof b);
	assert_string_equal(b, "0 events");
	human_counted(12345, "segment", "segments", b, sizeof b);
	assert_string_equal(b, "12,345 segments");
	human_user(4294967295u, b, sizeof b);
	assert_string_equal(b, "captured");
	human_user(0, b, sizeof b);
	assert_string_equal(b, "root");
	human_user(4294967294u, b, sizeof b); /* nobody's name: the number, as ls -l */
	assert_string_equal(b, "4294967294");
	human_power(40.4, b, sizeof b);
	assert_string_equal(b, "40 mW");
	human_power(1234, b, sizeof b);
	assert_string_equal(b, "1.2 W");
}

/* Ends: to the second under ten minutes away, else the minute rounded
 * up; the date when it is another day. TZ is UTC (setup). */
static void test_until(void **state)
{
	char b[64];
	(void)state;
	const uint64_t s = 1000000, t = 1795935804ULL * s; /* 2026-11-29 07:03:24 */
	human_until(t + 82 * s + s / 2, t, b, sizeof b);   /* 07:04:46.5 */
	assert_string_equal(b, "07:04:47");
	human_until(t + 599 * s, t, b, sizeof b);
	assert_string_equal(b, "07:13:23");
	human_until(t + 600 * s, t, b, sizeof b);
	assert_string_equal(b, "07:14"); /* 07:13:24, rounded up */
	human_until(t + 36 * s + 1800 * s, t, b, sizeof b);
	assert_string_equal(b, "07:34"); /* 07:34:00 exactly stays */
	human_until(t + 37 * s + 1800 * s, t, b, sizeof b);
	assert_string_equal(b, "07:35");
	human_until(t - 5 * s, t, b, sizeof b); /* past: to the second */
	assert_string_equal(b, "07:03:19");
	human_until(t + 86400 * s, t, b, sizeof b);
	assert_string_equal(b, "2026-11-30 07:04");
	/* 23:59 for 00:00:15 would be a lie. */
	const uint64_t late = t + (16 * 3600 + 56 * 60 + 6) * s; /* 23:59:30 */
	human_until(late + 45 * s, late, b, sizeof b);
	assert_string_equal(b, "2026-11-30 00:00:15");
}

static void test_form_checks(void **state)
{
	char buf[128], big[2100];
	uint32_t days = 0;
	(void)state;
	assert_null(form_check_scope("all"));
	assert_null(form_check_scope("window.focus"));
	assert_non_null(form_check_scope("pointer"));
	assert_non_null(form_check_scope(""));
	assert_null(form_check_category("works-council"));
	assert_non_null(form_check_category("Medical"));
	assert_null(form_check_days_text("365", &days));
	assert_int_equal(days, 365);
	assert_null(form_check_days_text("1", &days));
	assert_int_equal(days, 1);
	assert_string_equal(form_check_days_text("0", NULL), "at least 1 day");
	assert_string_equal(form_check_days_text("366", NULL), "at most 365 days");
	assert_non_null(form_check_days_text("", NULL));
	assert_non_null(form_check_days_text("7d", NULL));
	assert_non_null(form_check_days_text("-1", NULL));
	assert_non_null(form_check_days_text("99999999999999", NULL));
	/* The agent's rules for a reason: 1..2000 bytes of UTF-8, no
	 * control characters but newline. */
	assert_null(form_check_reason("two\nlines, \xc3\xa9", buf, sizeof buf));
	assert_null(form_check_reason(" ", buf, sizeof buf));
	assert_string_equal(form_check_reason("", buf, sizeof buf),
	                    "write the reason for the request");
	assert_non_null(form_check_reason("tab\there", buf, sizeof buf));
	assert_non_null(form_check_reason("bad \xc3", buf, sizeof buf));
	assert_non_null(form_check_reason("del \x7f", buf, sizeof buf));
	memset(big, 'x', 2000);
	big[2000] = '\0';
	assert_null(form_check_reason(big, buf, sizeof buf));
	big[2000] = 'x';
	big[2001] = '\0';
	assert_string_equal(form_check_reason(big, buf, sizeof buf),
	                    "the reason is 2001 bytes long; at most 2000 are allowed");
	/* Bytes, not characters: 1000 two-byte characters are 2000 bytes. */
	for (int i = 0; i < 1001; i++)
		memcpy(big + 2 * i, "\xc3\xa9", 2);
	big[2002] = '\0';
	assert_non_null(form_check_reason(big, buf, sizeof buf));
	big[2000] = '\0';
	assert_null(form_check_reason(big, buf, sizeof buf));

	struct form f;
	form_init(&f);
	assert_false(form_ready(&f)); /* no reason yet */
	edit_set(&f.reason, "tendinitis");
	assert_true(form_ready(&f));
	edit_set(&f.days, "0");
	assert_false(form_ready(&f));
	form_reset(&f);
	assert_string_equal(f.days.buf, "7");
	assert_string_equal(f.reason.buf, "");
	form_fini(&f);
}

static void expect_safe(const char *in, size_t len, unsigned allow, const char *want)
{
	char *got = safe_text(in, len, allow);
	assert_string_equal(got, want);
	free(got);
}

static void test_safe(void **state)
{
	(void)state;
	expect_safe("plain text, é, 日本", sizeof "plain text, é, 日本" - 1, 0,
	            "plain text, é, 日本");
	/* An escape sequence that would retitle the terminal. */
	expect_safe("\x1b]0;owned\x07x", sizeof "\x1b]0;owned\x07x" - 1, 0, "\\x1b]0;owned\\x07x");
	expect_safe("a\nb\tc", sizeof "a\nb\tc" - 1, 0, "a\\x0ab\\x09c");
	expect_safe("a\nb\tc", sizeof "a\nb\tc" - 1, SAFE_NEWLINE, "a\nb\\x09c");
	expect_safe("a\nb\tc", sizeof "a\nb\tc" - 1, SAFE_NEWLINE | SAFE_TAB, "a\nb\tc");
	expect_safe("\x7f", sizeof "\x7f" - 1, 0, "\\x7f");
	/* C1 controls (NEL, CSI) and bidi overrides and isolates. */
	expect_safe("\xc2\x85\xc2\x9b", sizeof "\xc2\x85\xc2\x9b" - 1, 0, "<U+0085><U+009B>");
	expect_safe("abc\xe2\x80\xaetxt.exe", sizeof "abc\xe2\x80\xaetxt.exe" - 1, 0,
	            "abc<U+202E>txt.exe");
	expect_safe("\xe2\x81\xa6\xe2\x81\xa9\xe2\x80\xaa",
	            sizeof "\xe2\x81\xa6\xe2\x81\xa9\xe2\x80\xaa" - 1, 0,
	            "<U+2066><U+2069><U+202A>");
	expect_safe("\xd8\x9c\xe2\x80\x8e\xe2\x80\x8f",
	            sizeof "\xd8\x9c\xe2\x80\x8e\xe2\x80\x8f" - 1, 0, "<U+061C><U+200E><U+200F>");
	/* Invalid UTF-8, a lone continuation byte, a NUL inside the length. */
	expect_safe("\xc3(\x80", sizeof "\xc3(\x80" - 1, 0, "\xef\xbf\xbd(\xef\xbf\xbd");
	expect_safe("a\0b", sizeof "a\0b" - 1, 0, "a\\x00b");
	char *s = safe_str(NULL, 0);
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decode),     cmocka_unit_test(test_width),
	    cmocka_unit_test(test_wrap),       cmocka_unit_test(test_edit),
	    cmocka_unit_test(test_edit_shell), cmocka_unit_test(test_human),
	    cmocka_unit_test(test_until),      cmocka_unit_test(test_form_checks),
	    cmocka_unit_test(test_safe),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
