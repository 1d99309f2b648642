/* The "Today" strip: steps to cells, glyphs, hour labels and legend, with
 * exact strings in UTF-8 and ASCII. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text/strip.h"

#define S 1000000ULL         /* µs a second */
#define DAY (1700000000 * S) /* any start will do */

static struct contract_step st(uint32_t k, uint32_t step, enum contract_state s, uint32_t keys)
{
	struct contract_step r = {.start = DAY + (uint64_t)k * step * S, .state = s};
	r.events[0] = keys;
	return r;
}

static void render(const struct contract_step *s, size_t n, uint32_t step, uint64_t now,
                   size_t width, bool utf8, char *buf, size_t size)
{
	struct strip_day d = {DAY, 86400, step};
	struct strip_cell c[STRIP_MAX_CELLS];
	size_t cells = strip_cells(&d, s, n, now, width, c);
	strip_text(c, cells, utf8, buf, size);
}

/* One cell an hour: each state's mark, the shades, now and the blank
 * rest of the day. */
static void test_hourly(void **state)
{
	const struct contract_step s[] = {
	    st(0, 3600, CONTRACT_STATE_OFF, 0),          st(1, 3600, CONTRACT_STATE_IDLE, 0),
	    st(2, 3600, CONTRACT_STATE_COLLECTING, 0),   st(3, 3600, CONTRACT_STATE_COLLECTING, 10),
	    st(4, 3600, CONTRACT_STATE_COLLECTING, 50),  st(5, 3600, CONTRACT_STATE_COLLECTING, 51),
	    st(6, 3600, CONTRACT_STATE_COLLECTING, 100), st(7, 3600, CONTRACT_STATE_PAUSED, 0),
	    st(8, 3600, CONTRACT_STATE_EXEMPT, 0),       st(9, 3600, CONTRACT_STATE_SUSPENDED, 0),
	    st(10, 3600, CONTRACT_STATE_COLLECTING, 1),
	};
	char buf[256];
	(void)state;
	render(s, 11, 3600, DAY + (10 * 3600 + 5) * S, 24, false, buf, sizeof buf);
	assert_string_equal(buf, " - .:=#PXS|             ");
	render(s, 11, 3600, DAY + (10 * 3600 + 5) * S, 24, true, buf, sizeof buf);
	assert_string_equal(buf, " · ░▒▓█PXS│             ");
	/* Without now in the day: the last step is drawn, the rest blank. */
	render(s, 11, 3600, DAY + 86400 * S, 80, false, buf, sizeof buf);
	assert_string_equal(buf, " - .:=#PXS.             ");
}

/* Two steps a cell when the day does not fit: the state most steps had,
 * a mark winning a tie, the counts summed. */
static void test_merged(void **state)
{
	const struct contract_step s[] = {
	    st(0, 1800, CONTRACT_STATE_COLLECTING, 3),  st(1, 1800, CONTRACT_STATE_COLLECTING, 1),
	    st(2, 1800, CONTRACT_STATE_COLLECTING, 4),  st(3, 1800, CONTRACT_STATE_PAUSED, 0),
	    st(4, 1800, CONTRACT_STATE_IDLE, 0),        st(5, 1800, CONTRACT_STATE_COLLECTING, 0),
	    st(6, 1800, CONTRACT_STATE_OFF, 0),         st(7, 1800, CONTRACT_STATE_OFF, 0),
	    st(8, 1800, CONTRACT_STATE_SUSPENDED, 0),   st(9, 1800, CONTRACT_STATE_SUSPENDED, 0),
	    st(10, 1800, CONTRACT_STATE_COLLECTING, 1), st(11, 1800, CONTRACT_STATE_EXEMPT, 0),
	};
	struct strip_day d = {DAY, 86400, 1800};
	struct strip_cell c[STRIP_MAX_CELLS];
	char buf[256];
	(void)state;
	/* 48 steps in 30 columns: 2 a cell, 24 cells. */
	assert_int_equal(strip_cells(&d, s, 12, DAY + 86400 * S, 30, c), 24);
	assert_int_equal(c[0].kind, STRIP_KEPT);
	assert_int_equal(c[0].level, 4);
	render(s, 12, 1800, DAY + 86400 * S, 30, false, buf, sizeof buf);
	assert_string_equal(buf, "#P  SX                  ");
	/* One cell a step when it fits. */
	assert_int_equal(strip_cells(&d, s, 12, DAY + 86400 * S, 48, c), 48);
	render(s, 12, 1800, DAY + 86400 * S, 48, true, buf, sizeof buf);
	assert_string_equal(buf, "▓░█P·   SS░X"
	                         "                                    ");
}

/* Steps outside the day are ignored; a day that cannot be drawn gives no
 * cells. */
static void test_bounds(void **state)
{
	struct contract_step s[] = {
	    st(0, 3600, CONTRACT_STATE_PAUSED, 0),
	    st(24, 3600, CONTRACT_STATE_PAUSED, 0),
	};
	struct strip_day d = {DAY, 86400, 3600};
	struct strip_cell c[STRIP_MAX_CELLS];
	char buf[256];
	(void)state;
	s[0].start = DAY - 3600 * S;
	render(s, 2, 3600, 0, 24, false, buf, sizeof buf);
	assert_string_equal(buf, "                        ");
	assert_int_equal(strip_cells(&d, s, 2, 0, 23, c), 0);
	d.step = 0;
	assert_int_equal(strip_cells(&d, s, 2, 0, 80, c), 0);
	d.step = 60;
	d.length = 86400 + 3600 * 2; /* 1560 steps: more than a cell a minute */
	assert_int_equal(strip_cells(&d, s, 2, 0, 80, c), 0);
	d.length = 86400 + 3600; /* 25 hours: 1500 minutes */
	assert_int_equal(strip_cells(&d, s, 2, 0, 80, c), 75);
	/* 288 steps of five minutes in 68 columns: 6 a cell (half an hour),
	 * not 5. */
	d = (struct strip_day){DAY, 86400, 300};
	assert_int_equal(strip_cells(&d, s, 0, 0, 68, c), 48);
	assert_int_equal(strip_cells(&d, s, 0, 0, 188, c), 144);
	/* 23 hours (a prime number of steps of an hour: no divisor fits). */
	d = (struct strip_day){DAY, 23 * 3600, 3600};
	assert_int_equal(strip_cells(&d, s, 0, 0, 24, c), 23);
	/* A short buffer: whole glyphs only, always terminated. */
	struct strip_cell full[3] = {{STRIP_KEPT, 4}, {STRIP_KEPT, 4}, {STRIP_KEPT, 4}};
	strip_text(full, 3, true, buf, 8);
	assert_string_equal(buf, "██");
}

static void test_hours_legend(void **state)
{
	char buf[256];
	(void)state;
	strip_hours(24, buf, sizeof buf);
	assert_string_equal(buf, "00    06    12    18  24");
	strip_hours(72, buf, sizeof buf);
	assert_string_equal(
	    buf, "00                06                12                18              24");
	strip_hours(23, buf, sizeof buf);
	assert_string_equal(buf, "                       ");
	assert_string_equal(strip_legend(false),
	                    ".:=# kept  P paused  X exempt  S suspended  - idle  | now");
	assert_string_equal(strip_legend(true),
	                    "░▒▓█ kept  P paused  X exempt  S suspended  · idle  │ now");
}

/* Today in local time: UTC and a zone whose clocks went forward. */
static void test_today(void **state)
{
	struct strip_day d;
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	strip_today((1700000000 + 5) * S, 300, &d); /* 2023-11-14 22:13:25 UTC */
	assert_int_equal(d.start, 1699920000 * S);
	assert_int_equal(d.length, 86400);
	assert_int_equal(d.step, 300);
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	strip_today(1711880000 * S, 300, &d); /* 2024-03-31 12:13:20 in Berlin */
	assert_int_equal(d.start, 1711839600 * S);
	assert_int_equal(d.length, 23 * 3600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hourly), cmocka_unit_test(test_merged),
	    cmocka_unit_test(test_bounds), cmocka_unit_test(test_hours_legend),
	    cmocka_unit_test(test_today),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
