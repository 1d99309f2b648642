/* Sparklines: the renderer's exact strings in UTF-8 and ASCII, and the
 * model's tallies (events a second, bytes a minute) from the counters the
 * agent re-sends, resets and gaps included. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "model/model.h"
#include "text/spark.h"

#define S 1000000ULL           /* µs a second */
#define T0 (1700000040ULL * S) /* a whole minute */

static const char *render(const double *v, size_t n, bool utf8)
{
	static char buf[256];
	spark_text(v, n, spark_max(v, n), utf8, buf, sizeof buf);
	return buf;
}

/* Every level, in both sets, scaled to the largest. */
static void test_levels(void **state)
{
	const double v[] = {0, 1, 2, 3, 4, 5, 6, 7};
	(void)state;
	assert_string_equal(render(v, 8, true), "▁▂▃▄▅▆▇█");
	assert_string_equal(render(v, 8, false), "_.:-=+*#");
	/* The scale is the largest: the same shape at any size. */
	const double big[] = {0, 1000, 2000, 3000, 4000, 5000, 6000, 7000};
	assert_string_equal(render(big, 8, true), "▁▂▃▄▅▆▇█");
	/* Half of the top rounds to the middle; a little is never nothing. */
	const double some[] = {100, 50, 1, 0};
	assert_string_equal(render(some, 4, true), "█▅▂▁");
	assert_string_equal(render(some, 4, false), "#=._");
	assert_true(spark_max(some, 4) == 100);
}

/* Nothing, one point, a flat line, unknown values. */
static void test_edges(void **state)
{
	char buf[8];
	(void)state;
	assert_string_equal(render(NULL, 0, true), "");
	const double one[] = {42};
	assert_string_equal(render(one, 1, true), "█");
	assert_string_equal(render(one, 1, false), "#");
	const double flat[] = {3, 3, 3};
	assert_string_equal(render(flat, 3, true), "███");
	const double zero[] = {0, 0, 0};
	assert_string_equal(render(zero, 3, true), "▁▁▁");
	assert_string_equal(render(zero, 3, false), "___");
	assert_true(spark_max(zero, 3) == 0);
	const double gap[] = {NAN, NAN, 2, NAN, 4};
	assert_string_equal(render(gap, 5, true), "··▅·█");
	assert_string_equal(render(gap, 5, false), "  = #");
	assert_true(spark_max(gap, 5) == 4);
	/* Truncated to whole glyphs, always terminated. */
	spark_text(flat, 3, 3, true, buf, sizeof buf);
	assert_string_equal(buf, "██");
}

/* Events a second: each move spread over the second before it arrived,
 * whole seconds only, the figure the last of them. */
static void test_rate(void **state)
{
	struct model_tally t;
	double v[5];
	uint64_t end;
	(void)state;
	model_tally_init(&t, MODEL_RATE_USEC);
	assert_int_equal(model_tally_values(&t, T0, v, 5, NULL), 0);
	model_tally_count(&t, T0, 1000); /* the first value: counting starts */
	model_tally_count(&t, T0 + 1 * S, 1010);
	model_tally_count(&t, T0 + 2 * S, 1030);
	/* Half a second later: half in each of two seconds. */
	model_tally_count(&t, T0 + 3 * S + S / 2, 1034);
	/* Silent for a while (an agent sends only changes): nothing, then
	 * the move lands in the second before it arrived. */
	model_tally_count(&t, T0 + 7 * S, 1040);
	assert_int_equal(model_tally_values(&t, T0 + 8 * S + S / 2, v, 5, &end), 5);
	assert_int_equal(end, T0 + 7 * S);
	assert_true(v[0] == 2 && v[1] == 2 && v[2] == 0 && v[3] == 0 && v[4] == 6);
	/* The second under way and the one that just ended are not whole. */
	assert_int_equal(model_tally_values(&t, T0 + 7 * S + S / 2, v, 5, &end), 5);
	assert_int_equal(end, T0 + 6 * S);
	assert_true(v[0] == 20 && v[4] == 0);
	/* Before the first value: unknown. */
	assert_int_equal(model_tally_values(&t, T0 + 3 * S, v, 5, NULL), 2);
	assert_true(isnan(v[0]) && isnan(v[1]) && isnan(v[2]) && v[3] == 10 && v[4] == 20);
	/* A long silence: zeros, and only the ring's length is kept. */
	assert_int_equal(model_tally_values(&t, T0 + 600 * S, v, 5, NULL), 5);
	assert_true(v[0] == 0 && v[4] == 0);
}

/* Bytes a minute: the counter's moves summed a minute each, a reset
 * counted from 0, a gap unknown, a clock going back counted with the
 * last. */
static void test_minutes(void **state)
{
	struct model_tally t;
	double v[4];
	uint64_t m = 60 * S;
	(void)state;
	model_tally_init(&t, MODEL_UPLOAD_USEC);
	model_tally_count(&t, T0 + 10 * S, 5000);
	model_tally_count(&t, T0 + 20 * S, 6000);
	model_tally_count(&t, T0 + 50 * S, 6500);
	model_tally_count(&t, T0 + m + 5 * S, 7000);
	/* The agent started again: its counter is back at 200. */
	model_tally_count(&t, T0 + m + 30 * S, 200);
	model_tally_count(&t, T0 + 2 * m + 1 * S, 300);
	model_tally_count(&t, T0 + 2 * m, 400); /* the clock went back */
	assert_int_equal(model_tally_values(&t, T0 + 3 * m + 2 * S, v, 4, NULL), 3);
	assert_true(isnan(v[0]));
	assert_true(v[1] == 1500 && v[2] == 700 && v[3] == 200);
	assert_int_equal(t.since, T0 + 10 * S);
	/* Gone at the last value: unknown until heard again, then counted
	 * from the value it comes back with. */
	model_tally_gap(&t);
	model_tally_count(&t, T0 + 5 * m + 30 * S, 100);
	model_tally_count(&t, T0 + 5 * m + 40 * S, 160);
	assert_int_equal(model_tally_values(&t, T0 + 6 * m + 2 * S, v, 4, NULL), 2);
	assert_true(v[0] == 200 && isnan(v[1]) && isnan(v[2]) && v[3] == 60);
	/* A gap and back within the same minute loses nothing counted. */
	model_tally_gap(&t);
	model_tally_count(&t, T0 + 5 * m + 50 * S, 500);
	model_tally_count(&t, T0 + 5 * m + 55 * S, 510);
	assert_int_equal(model_tally_values(&t, T0 + 6 * m + 2 * S, v, 1, NULL), 1);
	assert_true(v[0] == 70);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_levels),
	    cmocka_unit_test(test_edges),
	    cmocka_unit_test(test_rate),
	    cmocka_unit_test(test_minutes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
