/* The control state machine with a clock the test moves: pause, extend,
 * resume, auto-resume, the budget across midnight, exemptions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "control/control.h"
#include "util.h"

#define S USEC_PER_SEC
/* 2028-01-04 10:00:00 UTC; the tests run with TZ=UTC. */
#define T0 (1830592800ULL * S)

struct events {
	int auto_resume, expired, dropped, new_day;
	char last_id[16];
};

static void on_event(enum ctl_event ev, const struct exemption *ex, void *data)
{
	struct events *e = data;
	switch (ev) {
	case CTL_EV_AUTO_RESUME:
		e->auto_resume++;
		break;
	case CTL_EV_EXPIRED:
		e->expired++;
		strcpy(e->last_id, ex->id);
		break;
	case CTL_EV_DROPPED:
		e->dropped++;
		break;
	case CTL_EV_NEW_DAY:
		e->new_day++;
		break;
	}
}

static void test_pause_limits(void **state)
{
	struct control c;
	uint64_t until = 0;
	(void)state;
	control_init(&c, 1800, 0, 20);
	assert_int_equal(control_pause(&c, 0, T0, &until), CTL_INVALID_DURATION);
	assert_int_equal(control_pause(&c, 1801, T0, &until), CTL_INVALID_DURATION);
	assert_false(control_paused(&c, T0));
	assert_int_equal(control_pause(&c, 1800, T0, &until), CTL_OK);
	assert_int_equal(until, T0 + 1800 * S);
	assert_true(control_paused(&c, T0 + 1799 * S));
	assert_false(control_paused(&c, T0 + 1800 * S));
	/* No daily limit: the budget left is the longest single pause. */
	assert_int_equal(control_budget_left(&c, T0), 1800);
	control_fini(&c);
}

static void test_extend_and_resume(void **state)
{
	struct control c;
	uint64_t until;
	(void)state;
	control_init(&c, 1800, 0, 20);
	assert_int_equal(control_pause(&c, 600, T0, &until), CTL_OK);
	assert_int_equal(control_pause(&c, 60, T0 + 10 * S, &until), CTL_OK);
	assert_int_equal(until, T0 + 70 * S);
	assert_int_equal(c.paused_until, T0 + 70 * S);
	assert_true(control_resume(&c, T0 + 20 * S));
	assert_false(control_paused(&c, T0 + 20 * S));
	assert_int_equal(c.paused_until, 0);
	assert_false(control_resume(&c, T0 + 21 * S));
	control_fini(&c);
}

static void test_auto_resume(void **state)
{
	struct control c;
	struct events ev = {0};
	uint64_t until;
	(void)state;
	control_init(&c, 1800, 600, 20);
	control_pause(&c, 120, T0, &until);
	assert_int_equal(control_next_deadline(&c, T0), T0 + 120 * S);
	control_tick(&c, T0 + 119 * S, on_event, &ev);
	assert_int_equal(ev.auto_resume, 0);
	/* Ticked late (the agent was down): charged only to the pause end. */
	control_tick(&c, T0 + 300 * S, on_event, &ev);
	assert_int_equal(ev.auto_resume, 1);
	assert_int_equal(c.paused_until, 0);
	assert_int_equal(control_budget_left(&c, T0 + 300 * S), 480);
	control_fini(&c);
}

static void test_budget(void **state)
{
	struct control c;
	struct events ev = {0};
	uint64_t until;
	(void)state;
	control_init(&c, 1800, 600, 20);
	assert_int_equal(control_budget_left(&c, T0), 600);
	assert_int_equal(control_pause(&c, 601, T0, &until), CTL_BUDGET_EXHAUSTED);
	assert_int_equal(control_pause(&c, 300, T0, &until), CTL_OK);
	/* While a pause runs its elapsed time counts as used. */
	assert_int_equal(control_budget_left(&c, T0 + 100 * S), 500);
	control_resume(&c, T0 + 100 * S);
	assert_int_equal(control_budget_left(&c, T0 + 200 * S), 500);
	assert_int_equal(control_pause(&c, 501, T0 + 200 * S, &until), CTL_BUDGET_EXHAUSTED);
	assert_int_equal(control_pause(&c, 500, T0 + 200 * S, &until), CTL_OK);
	control_tick(&c, T0 + 700 * S, on_event, &ev);
	assert_int_equal(ev.auto_resume, 1);
	assert_int_equal(control_budget_left(&c, T0 + 700 * S), 0);
	assert_int_equal(control_pause(&c, 1, T0 + 701 * S, &until), CTL_BUDGET_EXHAUSTED);
	control_fini(&c);
}

static void test_budget_across_midnight(void **state)
{
	struct control c;
	struct events ev = {0};
	uint64_t until;
	/* 23:55 UTC on T0's day; midnight is 5 minutes later. */
	uint64_t late = T0 + (13 * 3600 + 55 * 60) * S, midnight = T0 + 14 * 3600 * S;
	(void)state;
	control_init(&c, 1800, 900, 20);
	assert_int_equal(control_pause(&c, 600, late, &until), CTL_OK);
	assert_int_equal(control_next_deadline(&c, late), midnight);
	assert_int_equal(control_budget_left(&c, midnight - 1 * S), 900 - 299);
	/* After midnight only the new day's part counts. */
	assert_int_equal(control_budget_left(&c, midnight + 60 * S), 840);
	control_tick(&c, midnight, on_event, &ev);
	assert_int_equal(ev.new_day, 1);
	control_tick(&c, late + 600 * S, on_event, &ev);
	assert_int_equal(ev.auto_resume, 1);
	assert_int_equal(control_budget_left(&c, late + 600 * S), 600);
	/* A day with nothing used has no midnight deadline. */
	assert_int_equal(control_next_deadline(&c, midnight + 86400 * S), 0);
	assert_int_equal(control_budget_left(&c, midnight + 86400 * S), 900);
	control_fini(&c);
}

static void test_exemption_lifecycle(void **state)
{
	struct control c;
	const struct exemption *ex;
	struct events ev = {0};
	(void)state;
	control_init(&c, 1800, 0, 2);
	assert_int_equal(control_request(&c, "bogus", "medical", "x", 1, 1000, T0, &ex),
	                 CTL_BAD_SCOPE);
	assert_int_equal(control_request(&c, "all", "bogus", "x", 1, 1000, T0, &ex),
	                 CTL_BAD_CATEGORY);
	assert_int_equal(control_request(&c, "all", "medical", "", 1, 1000, T0, &ex),
	                 CTL_BAD_REASON);
	assert_int_equal(control_request(&c, "all", "medical", "a\tb", 1, 1000, T0, &ex),
	                 CTL_BAD_REASON);
	assert_int_equal(control_request(&c, "all", "medical", "\xff", 1, 1000, T0, &ex),
	                 CTL_BAD_REASON);
	assert_int_equal(control_request(&c, "all", "medical",
	                                 "a\xc2\x85"
	                                 "b",
	                                 1, 1000, T0, &ex),
	                 CTL_BAD_REASON); /* U+0085, a C1 control */
	assert_int_equal(control_request(&c, "all", "medical", "x", 0, 1000, T0, &ex),
	                 CTL_BAD_DAYS);
	assert_int_equal(control_request(&c, "all", "medical", "x", 366, 1000, T0, &ex),
	                 CTL_BAD_DAYS);
	assert_int_equal(control_request(&c, "all", "medical", "two\nlines", 3, 1000, T0, &ex),
	                 CTL_OK);
	assert_string_equal(ex->id, "EX-1");
	assert_int_equal(ex->status, EX_PENDING);
	assert_int_equal(ex->expires, 0);
	assert_int_equal(control_request(&c, "keyboard", "personal", "y", 1, 1000, T0, &ex),
	                 CTL_OK);
	assert_string_equal(ex->id, "EX-2");
	assert_int_equal(control_request(&c, "keyboard", "personal", "z", 1, 1000, T0, &ex),
	                 CTL_TOO_MANY_PENDING);

	assert_null(control_exemption_for(&c, N_STREAMS, T0));
	assert_int_equal(control_decide(&c, "EX-9", true, "", T0, &ex), CTL_NO_SUCH_EXEMPTION);
	assert_int_equal(control_decide(&c, "EX-1", true, "ok\x01", T0, &ex), CTL_BAD_NOTE);
	assert_int_equal(control_decide(&c, "EX-1", true, "ok", T0, &ex), CTL_OK);
	assert_int_equal(ex->expires, T0 + 3 * 86400 * S);
	assert_int_equal(control_decide(&c, "EX-1", false, "", T0, &ex), CTL_NOT_ALLOWED);
	assert_non_null(control_exemption_for(&c, N_STREAMS, T0));
	assert_non_null(control_exemption_for(&c, STREAM_MOTION, T0));

	assert_int_equal(control_decide(&c, "EX-2", false, "no", T0, &ex), CTL_OK);
	assert_int_equal(ex->status, EX_DENIED);
	assert_int_equal(control_withdraw(&c, "EX-2", T0, &ex), CTL_NOT_ALLOWED);
	assert_int_equal(control_withdraw(&c, "EX-7", T0, &ex), CTL_NO_SUCH_EXEMPTION);

	assert_int_equal(control_next_deadline(&c, T0), T0 + 3 * 86400 * S);
	control_tick(&c, T0 + 3 * 86400 * S, on_event, &ev);
	assert_int_equal(ev.expired, 1);
	assert_string_equal(ev.last_id, "EX-1");
	assert_null(control_exemption_for(&c, N_STREAMS, T0 + 3 * 86400 * S));

	/* 90 days after ending, a request drops out of the list. */
	control_tick(&c, T0 + 91 * 86400 * S, on_event, &ev);
	assert_int_equal(ev.dropped, 1); /* EX-2, denied at T0 */
	assert_int_equal(c.n_ex, 1);
	control_tick(&c, T0 + 94 * 86400 * S, on_event, &ev);
	assert_int_equal(c.n_ex, 0);
	control_fini(&c);
}

static void test_withdraw_approved(void **state)
{
	struct control c;
	const struct exemption *ex;
	(void)state;
	control_init(&c, 1800, 0, 20);
	control_request(&c, "keyboard", "legal", "r", 10, 1000, T0, &ex);
	control_decide(&c, "EX-1", true, "", T0, &ex);
	assert_non_null(control_exemption_for(&c, STREAM_KEYBOARD, T0));
	assert_null(control_exemption_for(&c, STREAM_MOTION, T0));
	assert_null(control_exemption_for(&c, N_STREAMS, T0));
	assert_int_equal(control_withdraw(&c, "EX-1", T0 + S, &ex), CTL_OK);
	assert_int_equal(ex->status, EX_WITHDRAWN);
	assert_null(control_exemption_for(&c, STREAM_KEYBOARD, T0 + S));
	control_fini(&c);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pause_limits),
	    cmocka_unit_test(test_extend_and_resume),
	    cmocka_unit_test(test_auto_resume),
	    cmocka_unit_test(test_budget),
	    cmocka_unit_test(test_budget_across_midnight),
	    cmocka_unit_test(test_exemption_lifecycle),
	    cmocka_unit_test(test_withdraw_approved),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
