/* Durations as typed on the command line and in the pause dialog. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "text/duration.h"

static uint32_t ok(const char *s)
{
	uint32_t v = 12345;
	assert_int_equal(duration_parse(s, &v), 0);
	return v;
}

static void test_valid(void **state)
{
	(void)state;
	assert_int_equal(ok("90s"), 90);
	assert_int_equal(ok("15m"), 900);
	assert_int_equal(ok("1h"), 3600);
	assert_int_equal(ok("1h30m"), 5400);
	assert_int_equal(ok("2h5s"), 7205);
	assert_int_equal(ok("1h1m1s"), 3661);
	assert_int_equal(ok("1m30s"), 90);
	assert_int_equal(ok("05m"), 300);
	assert_int_equal(ok("1s"), 1);
	assert_int_equal(ok("8784h"), 366u * 86400u);
}

static void test_invalid(void **state)
{
	static const char *const bad[] = {
	    "",   "90",  "m",   "1x",  "1h1h", "30m1h", "1.5h",  " 1h",  "1h ",   "-5m",
	    "1H", "h30", "1hm", "1 h", "+1m",  "1d",    "1s30m", "1m1m", "0x10s", "1h30",
	};
	uint32_t v = 7;
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(duration_parse(bad[i], &v), -EINVAL);
		assert_int_equal(v, 7); /* untouched on error */
	}
	assert_int_equal(duration_parse(NULL, &v), -EINVAL);
}

static void test_range(void **state)
{
	uint32_t v = 7;
	(void)state;
	assert_int_equal(duration_parse("0s", &v), -ERANGE);
	assert_int_equal(duration_parse("0h0m", &v), -ERANGE);
	assert_int_equal(duration_parse("8784h1s", &v), -ERANGE);
	assert_int_equal(duration_parse("99999999999999999999999h", &v), -ERANGE);
	assert_int_equal(duration_parse("4294967296s", &v), -ERANGE);
	assert_int_equal(v, 7);
}

static void test_format(void **state)
{
	char buf[32];
	static const uint32_t values[] = {0, 1, 59, 60, 90, 3600, 5400, 3661, 86400, 366u * 86400u};
	static const char *const words[] = {"0s", "1s",    "59s",    "1m",  "1m30s",
	                                    "1h", "1h30m", "1h1m1s", "24h", "8784h"};
	(void)state;
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		duration_format(values[i], buf, sizeof buf);
		assert_string_equal(buf, words[i]);
		if (values[i]) /* and it reads back */
			assert_int_equal(ok(buf), values[i]);
	}
	duration_format(5400, buf, 3); /* truncated, still terminated */
	assert_int_equal(strlen(buf), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid),
	    cmocka_unit_test(test_invalid),
	    cmocka_unit_test(test_range),
	    cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
