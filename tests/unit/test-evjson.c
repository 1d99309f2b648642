/* The export's lines and the JSON string escaper both programs share:
 * every escape, invalid UTF-8 repaired as the bus repairs it, the line with
 * and without its segment; and the CSV field encoder and records: quoting,
 * doubled quotes, controls kept, the formula prefixes defused, the empty
 * fields of each kind. The output is compared byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "busstr.h"
#include "evjson.h"

/* 2026-11-29T07:03:24Z */
#define T0 1795935804000000ULL

static char *escaped(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	evjson_string(f, s);
	fclose(f);
	return buf;
}

static void escapes_to(const char *s, const char *want)
{
	char *got = escaped(s);
	assert_string_equal(got, want);
	free(got);
}

static void test_string(void **state)
{
	(void)state;
	escapes_to("", "\"\"");
	escapes_to("plain text", "\"plain text\"");
	escapes_to("a\"b\\c", "\"a\\\"b\\\\c\"");
	escapes_to("\n\r\t", "\"\\n\\r\\t\"");
	escapes_to("\x01\x08\x0b\x0c\x1f\x7f", "\"\\u0001\\u0008\\u000b\\u000c\\u001f\\u007f\"");
	/* Valid UTF-8 as it is; C1 controls and the bidi overrides and
	 * isolates escaped, so a terminal showing the JSON obeys none. */
	escapes_to("é – día \xf0\x9f\x99\x82", "\"é – día \xf0\x9f\x99\x82\"");
	escapes_to("\xc2\x80\xc2\x85\xc2\x9f\xc2\xa0", "\"\\u0080\\u0085\\u009f\xc2\xa0\"");
	escapes_to("\xe2\x80\xa9\xe2\x80\xaa\xe2\x80\xae\xe2\x80\xaf",
	           "\"\\u2029\\u202a\\u202e\xe2\x80\xaf\"");
	escapes_to("\xe2\x81\xa5\xe2\x81\xa6\xe2\x81\xa9\xe2\x81\xaa",
	           "\"\xe2\x81\xa5\\u2066\\u2069\xe2\x81\xaa\"");
	/* Line and paragraph separators, which end a line in JavaScript. */
	escapes_to("a\xe2\x80\xa8"
	           "b\xe2\x80\xa9"
	           "c",
	           "\"a\\u2028b\\u2029c\"");
	/* Each byte that starts no valid sequence: U+FFFD. */
	escapes_to("\xff", "\"\xef\xbf\xbd\"");
	escapes_to("a\xc3", "\"a\xef\xbf\xbd\"");                               /* cut short */
	escapes_to("\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"");                 /* overlong */
	escapes_to("\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""); /* surrogate */
	escapes_to("\xf4\x90\x80\x80x", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx\"");
	escapes_to("\xe2\x80\"", "\"\xef\xbf\xbd\xef\xbf\xbd\\\"\"");
}

/* Whatever the bytes, what the escaper makes of them is what it makes of
 * the bus's repair of them: an export and captured --decode agree. */
static void test_agrees_with_busstr(void **state)
{
	(void)state;
	srand(7);
	for (int round = 0; round < 2000; round++) {
		char s[24];
		size_t n = (size_t)(rand() % 23);
		for (size_t i = 0; i < n; i++) {
			int r = rand() % 8;
			s[i] = (char)(r == 0   ? 0x80 + rand() % 0x40
			              : r == 1 ? 0xc0 + rand() % 0x40
			              : r == 2 ? 1 + rand() % 0x1f
			                       : 0x20 + rand() % 0x60);
		}
		s[n] = '\0';
		char *fit = busstr_fit(s, SIZE_MAX);
		char *a = escaped(s), *b = escaped(fit);
		if (strcmp(a, b) != 0)
			fail_msg("round %d: %s and %s", round, a, b);
		free(a);
		free(b);
		free(fit);
	}
}

static char *line_of(const struct evjson_event *e, const uint64_t *segment)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	evjson_line(f, e, segment);
	fclose(f);
	return buf;
}

static void test_line(void **state)
{
	(void)state;
	struct evjson_event e = {T0 + 123456, "window.focus", "focus", 0, 0, 0, "ed\ttitle"};
	uint64_t id = 18446744073709551615ULL;
	char *got = line_of(&e, NULL);
	assert_string_equal(got,
	                    "{\"time\":\"2026-11-29T07:03:24.123456Z\",\"us\":1795935804123456,"
	                    "\"stream\":\"window.focus\",\"kind\":\"focus\","
	                    "\"text\":\"ed\\ttitle\"}\n");
	free(got);
	got = line_of(&e, &id);
	assert_string_equal(got,
	                    "{\"time\":\"2026-11-29T07:03:24.123456Z\",\"us\":1795935804123456,"
	                    "\"stream\":\"window.focus\",\"segment\":18446744073709551615,"
	                    "\"kind\":\"focus\",\"text\":\"ed\\ttitle\"}\n");
	free(got);
	e = (struct evjson_event){T0, "keyboard", "key-press", 5, 6, 30, "letter"};
	id = 1795935800000000ULL;
	got = line_of(&e, &id);
	assert_string_equal(got,
	                    "{\"time\":\"2026-11-29T07:03:24.000000Z\",\"us\":1795935804000000,"
	                    "\"stream\":\"keyboard\",\"segment\":1795935800000000,"
	                    "\"kind\":\"key-press\",\"code\":30,\"text\":\"letter\"}\n");
	free(got);
}

static char *csv_of(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	evjson_csv_text(f, s);
	fclose(f);
	return buf;
}

static void csv_to(const char *s, const char *want)
{
	char *got = csv_of(s);
	assert_string_equal(got, want);
	free(got);
}

static void test_csv_text(void **state)
{
	(void)state;
	csv_to("", "");
	csv_to("plain text", "plain text");
	/* Quoted for a comma, a quote, CR or LF, and only then. */
	csv_to("a,b", "\"a,b\"");
	csv_to("say \"hi\"", "\"say \"\"hi\"\"\"");
	csv_to("\"", "\"\"\"\"");
	csv_to("two\nlines", "\"two\nlines\"");
	csv_to("a\r\nb", "\"a\r\nb\"");
	csv_to("a\tb", "a\tb");
	csv_to("semi;colon 'x'", "semi;colon 'x'");
	/* Controls are the text's: kept as they are, C1 and bidi ones too. */
	csv_to("\x01\x08\x1b[31mred\x7f", "\x01\x08\x1b[31mred\x7f");
	csv_to("\xc2\x85\xe2\x80\xae\xe2\x80\xa8", "\xc2\x85\xe2\x80\xae\xe2\x80\xa8");
	csv_to("é – día \xf0\x9f\x99\x82", "é – día \xf0\x9f\x99\x82");
	/* Each byte that starts no valid sequence: U+FFFD, as in JSON. */
	csv_to("\xff", "\xef\xbf\xbd");
	csv_to("a\xc3", "a\xef\xbf\xbd");
	csv_to("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");
	csv_to("\xed\xa0\x80,", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd,\"");
	csv_to("\xe2\x80\"", "\"\xef\xbf\xbd\xef\xbf\xbd\"\"\"");
	/* The formula prefixes, and ' itself, get one ' in front. */
	csv_to("=1+1", "'=1+1");
	csv_to("+41 22", "'+41 22");
	csv_to("-2", "'-2");
	csv_to("@SUM(A1)", "'@SUM(A1)");
	csv_to("\tx", "'\tx");
	csv_to("\rx", "\"'\rx\"");
	csv_to("'quoted'", "''quoted'");
	csv_to("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
	csv_to("=", "'=");
	/* Only at the start; a space or a newline before is not a formula. */
	csv_to("a=1", "a=1");
	csv_to(" =1", " =1");
	csv_to("\n=1", "\"\n=1\"");
	csv_to("\xef\xbc\x9d"
	       "1",
	       "\xef\xbc\x9d"
	       "1"); /* U+FF1D is no formula sign */
}

static char *csv_line_of(const struct evjson_event *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	evjson_csv_line(f, e);
	fclose(f);
	return buf;
}

static void csv_line_to(struct evjson_event e, const char *want)
{
	char *got = csv_line_of(&e);
	assert_string_equal(got, want);
	free(got);
}

static void test_csv_line(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	evjson_csv_header(f);
	fclose(f);
	assert_string_equal(buf, "time,us,stream,kind,x,y,code,text\r\n");
	free(buf);
	/* One column per field of the JSON line; what a kind does not carry
	 * is empty, numbers are plain, negative ones too. */
	csv_line_to(
	    (struct evjson_event){T0 + 123456, "pointer.motion", "motion", -5, 1080, 9, "x"},
	    "2026-11-29T07:03:24.123456Z,1795935804123456,pointer.motion,motion,-5,1080,,"
	    "\r\n");
	csv_line_to((struct evjson_event){T0, "pointer.button", "button-press", 300, 400, 1, "x"},
	            "2026-11-29T07:03:24.000000Z,1795935804000000,pointer.button,button-press,300,"
	            "400,1,\r\n");
	csv_line_to((struct evjson_event){T0, "pointer.scroll", "scroll", 10, 20, -1, ""},
	            "2026-11-29T07:03:24.000000Z,1795935804000000,pointer.scroll,scroll,10,20,-1,"
	            "\r\n");
	csv_line_to((struct evjson_event){T0, "keyboard", "key-press", 5, 6, 30, "a"},
	            "2026-11-29T07:03:24.000000Z,1795935804000000,keyboard,key-press,,,30,a\r\n");
	csv_line_to(
	    (struct evjson_event){T0, "keyboard", "key-release", 0, 0, -2147483647 - 1, "="},
	    "2026-11-29T07:03:24.000000Z,1795935804000000,keyboard,key-release,,,"
	    "-2147483648,'=\r\n");
	csv_line_to(
	    (struct evjson_event){T0, "window.focus", "focus", 1, 2, 3, "editor\tnotes, \"draft\""},
	    "2026-11-29T07:03:24.000000Z,1795935804000000,window.focus,focus,,,,"
	    "\"editor\tnotes, \"\"draft\"\"\"\r\n");
	csv_line_to((struct evjson_event){T0, "window.focus", "focus", 0, 0, 0, ""},
	            "2026-11-29T07:03:24.000000Z,1795935804000000,window.focus,focus,,,,\r\n");
	/* A kind this version does not know: all four, as in JSON; and its
	 * name is text like any other. */
	csv_line_to(
	    (struct evjson_event){18446744073709551615ULL, "keyboard", "-new,kind", 1, 2,
	                          2147483647, "t"},
	    "586524-01-19T08:01:49.551615Z,18446744073709551615,keyboard,\"'-new,kind\",1,2,"
	    "2147483647,t\r\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_string),   cmocka_unit_test(test_agrees_with_busstr),
	    cmocka_unit_test(test_line),     cmocka_unit_test(test_csv_text),
	    cmocka_unit_test(test_csv_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
