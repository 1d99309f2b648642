/* The key-table reader under both config files: integers judged at 64 bits
 * as written (libconfig 1.5 wraps them at 32), the scanner that makes them
 * so leaving strings, comments, names and floats alone, and lines kept. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf.h"
#include "util.h"

struct dest {
	uint32_t u;
	int64_t i;
	double d;
	char *s;
	struct conf_uints list;
	struct conf_strings names;
};

static const struct conf_key keys[] = {
    {"a.u", CONF_UINT, 0, 4294967294.0, NULL, offsetof(struct dest, u), NULL},
    {"a.i", CONF_INT, -1, 4294967294.0, NULL, offsetof(struct dest, i), NULL},
    {"a.d", CONF_DOUBLE, 0, 1000, NULL, offsetof(struct dest, d), NULL},
    {"a.s", CONF_STRING, 0, 0, NULL, offsetof(struct dest, s), NULL},
    {"a.list", CONF_UINT_LIST, 1, 65535, NULL, offsetof(struct dest, list), NULL},
    {"names", CONF_STRING_LIST, 0, 0, NULL, offsetof(struct dest, names), NULL},
};

static const char path[] = "/tmp/test-conf.conf";
static char *error;

static int load(struct dest *d, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	*d = (struct dest){.s = xstrdup("")};
	free(error);
	error = NULL;
	return conf_load(path, keys, ARRAY_SIZE(keys), d, &error, NULL, NULL);
}

static void done(struct dest *d)
{
	free(d->s);
	conf_uints_free(&d->list);
	conf_strings_free(&d->names);
}

static void fails(const char *text, const char *want)
{
	struct dest d;
	char *expect = xasprintf("%s:%s", path, want);
	if (load(&d, text) != -EINVAL)
		fail_msg("accepted: %s", text);
	if (strcmp(error, expect) != 0)
		fail_msg("for %s\n  want: %s\n  got:  %s", text, expect, error);
	free(expect);
	done(&d);
}

static void test_wide_integers(void **state)
{
	(void)state;
	fails("a = { u = 4294967296; };\n", "1: a.u must be from 0 to 4294967294, not 4294967296");
	fails("a = { u = 4294967295; };\n", "1: a.u must be from 0 to 4294967294, not 4294967295");
	fails("a = { u = -1; };\n", "1: a.u must be from 0 to 4294967294, not -1");
	fails("a = { u = -4294967296; };\n",
	      "1: a.u must be from 0 to 4294967294, not -4294967296");
	fails("a = { u = 0xFFFFFFFF; };\n", "1: a.u must be from 0 to 4294967294, not 4294967295");
	fails("a = { u = 0x100000000L; };\n",
	      "1: a.u must be from 0 to 4294967294, not 4294967296");
	fails("a = { i = -2; };\n", "1: a.i must be from -1 to 4294967294, not -2");
	fails("a = { i = 9223372036854775807; };\n",
	      "1: a.i must be from -1 to 4294967294, not 9223372036854775807");
	fails("a = { i = 9223372036854775808; };\n",
	      "1: a.i must be from -1 to 4294967294, not 9223372036854775808");
	fails("a = { i = -9223372036854775809; };\n",
	      "1: a.i must be from -1 to 4294967294, not -9223372036854775809");
	fails("a = { i = 0x1FFFFFFFFFFFFFFFF; };\n",
	      "1: a.i must be from -1 to 4294967294, not 0x1FFFFFFFFFFFFFFFF");
	fails("a = { d = 4294967297; };\n", "1: a.d must be from 0 to 1000, not 4294967297");
	fails("a = { d = 1e9; };\n", "1: a.d must be from 0 to 1000, not 1000000000");
	fails("a = {\n  list = [ 1,\n    65536 ];\n};\n",
	      "3: a.list must be from 1 to 65535, not 65536");
	fails("a = { list = [ 4294967297 ]; };\n",
	      "1: a.list must be from 1 to 65535, not 4294967297");
	fails("a = { u = 1.0; };\n", "1: a.u must be a whole number");
	fails("a = { s = 4294967296; };\n", "1: a.s must be a string in double quotes");
	fails("a = { s = \"caf\\xe9\"; };\n", "1: a.s must be UTF-8 text");
	fails("names = [ \"a\", \"\\xff\" ];\n", "1: names must be UTF-8 text");
	fails("@include \"x\"\n",
	      "1: @include is not supported: every setting is in this one file");
}

/* Only integer literals change: what looks like one inside a string, a
 * comment, a name or a float stays as written, and lines stay lines. */
static void test_scanner_leaves_the_rest(void **state)
{
	struct dest d;
	(void)state;
	assert_int_equal(load(&d,
	                      "# 4294967296\n// 4294967296 \"\n/* 4294967296\n\n */\n"
	                      "a = { s = \"x\\\" 4294967296 \\\\\" \"\\\\\"; k-2 = 4294967296L;\n"
	                      "  d = 1.5e2; list = [ 0x10, 010, +7 ];\n"
	                      "  u = 4294967294; i = -1; };\nnames = [ \"2\", \"-3\" ];\n"),
	                 0);
	assert_null(error);
	assert_string_equal(d.s, "x\" 4294967296 \\\\");
	assert_true(d.d == 150.0);
	assert_int_equal(d.list.n, 3);
	assert_int_equal(d.list.v[0], 16);
	assert_int_equal(d.list.v[1], 10); /* libconfig 1.5 reads no octal */
	assert_int_equal(d.list.v[2], 7);
	assert_int_equal(d.u, 4294967294u);
	assert_int_equal(d.i, -1);
	assert_int_equal(d.names.n, 2);
	assert_string_equal(d.names.v[1], "-3");
	done(&d);
	assert_int_equal(load(&d, "a = { d = .25; };\n"), 0);
	assert_true(d.d == 0.25);
	done(&d);
	assert_int_equal(load(&d, "a = { d = 7; };\n"), 0);
	assert_true(d.d == 7.0);
	done(&d);
	/* A syntax error keeps its line past a long comment. */
	fails("/*\n\n\n*/\na = { u = ; };\n", "5: syntax error");
	fails("a = { i = -0x10; };\n", "1: a.i must be from -1 to 4294967294, not -16");
	fails("a = { i = -0x1FFFFFFFFFFFFFFFF; };\n",
	      "1: a.i must be from -1 to 4294967294, not -0x1FFFFFFFFFFFFFFFF");
}

static void test_missing_and_unreadable(void **state)
{
	struct dest d = {0};
	(void)state;
	free(error); /* conf_load sets it, to NULL on success */
	assert_int_equal(
	    conf_load("/nonexistent/x.conf", keys, ARRAY_SIZE(keys), &d, &error, NULL, NULL),
	    -ENOENT);
	assert_null(error);
	assert_int_equal(conf_load("/", keys, ARRAY_SIZE(keys), &d, &error, NULL, NULL), -EINVAL);
	assert_string_equal(error, "/: cannot read: Is a directory");
}

static int teardown(void **state)
{
	(void)state;
	free(error);
	unlink(path);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_wide_integers),
	    cmocka_unit_test(test_scanner_leaves_the_rest),
	    cmocka_unit_test(test_missing_and_unreadable),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
