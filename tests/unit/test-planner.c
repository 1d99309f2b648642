/* The upload planner over an injected clock: the start-up delay, batching,
 * the daily cap at 23:59 and its renewal at midnight (the agent's day is
 * the UTC day here), failures and the backoff, deferrals on a metered link
 * and on battery, and a deletion queue of 20,000 ids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "control/policy.h"
#include "upload/planner.h"
#include "util.h"

#define SEC USEC_PER_SEC
#define DAY (86400 * SEC)
#define T0 (20000 * DAY) /* a midnight: 2024-10-04 00:00 UTC */
#define MB 1000000

static struct policy pol;

/* The clock of an agent whose day is the UTC day. */
static struct plan_clock at(uint64_t t)
{
	return (struct plan_clock){t, (int64_t)(t / DAY), (t / DAY + 1) * DAY};
}

static int setup(void **state)
{
	(void)state;
	policy_init(&pol);
	free(pol.endpoint);
	pol.endpoint = xstrdup("https://upload.example/");
	pol.interval_seconds = 900;
	pol.daily_cap_mb = 50;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	policy_fini(&pol);
	return 0;
}

static struct planner *new_at(uint64_t t)
{
	struct plan_clock c = at(t);
	return planner_new(&pol, &c);
}

static struct plan next_at(struct planner *p, uint64_t t, bool pending)
{
	struct plan_clock c = at(t);
	return planner_next(p, &c, pending);
}

static void assert_plan(struct plan got, enum plan_action action, uint64_t when)
{
	assert_int_equal(got.action, action);
	assert_int_equal(got.at, when);
}

/* Starts what the plan says at t and ends it with ok, sent bytes. */
static void transfer(struct planner *p, enum plan_action what, uint64_t t, bool ok, uint64_t sent,
                     bool more)
{
	struct plan_clock c = at(t);
	planner_started(p, what, &c);
	assert_int_equal(planner_in_flight(p), what);
	const struct plan_result r = {ok, sent, ok ? t - SEC : 0, more};
	planner_done(p, &c, &r);
	assert_int_equal(planner_in_flight(p), PLAN_IDLE);
}

static struct plan_info info_at(struct planner *p, uint64_t t)
{
	struct plan_clock c = at(t);
	struct plan_info i;
	planner_info(p, &c, &i);
	return i;
}

static void test_startup_and_interval(void **state)
{
	(void)state;
	struct planner *p = new_at(T0 + 10 * SEC);
	assert_plan(next_at(p, T0 + 10 * SEC, false), PLAN_IDLE, 0);
	assert_plan(next_at(p, T0 + 10 * SEC, true), PLAN_WAIT, T0 + 13 * SEC);
	assert_int_equal(info_at(p, T0 + 11 * SEC).next_upload, T0 + 13 * SEC);
	assert_plan(next_at(p, T0 + 13 * SEC, true), PLAN_BATCH, 0);
	assert_int_equal(info_at(p, T0 + 13 * SEC).next_upload, 0);
	/* While one is in flight nothing else starts. */
	struct plan_clock c = at(T0 + 13 * SEC);
	planner_started(p, PLAN_BATCH, &c);
	assert_false(planner_ready(p));
	assert_plan(next_at(p, T0 + 14 * SEC, true), PLAN_IDLE, 0);
	const struct plan_result r = {true, 1000, T0 + 12 * SEC, false};
	c = at(T0 + 15 * SEC);
	planner_done(p, &c, &r);
	/* All sent: the next batch an interval after the attempt began. */
	assert_plan(next_at(p, T0 + 15 * SEC, true), PLAN_WAIT, T0 + 913 * SEC);
	struct plan_info i = info_at(p, T0 + 15 * SEC);
	assert_int_equal(i.last_upload, T0 + 15 * SEC);
	assert_int_equal(i.bytes_today, 1000);
	assert_int_equal(i.bytes_total, 1000);
	assert_int_equal(i.daily_cap, 50 * MB);
	assert_string_equal(i.deferred, "");
	assert_int_equal(planner_uploaded_until(p), T0 + 12 * SEC);
	/* A backlog larger than one batch goes on at once. */
	transfer(p, PLAN_BATCH, T0 + 913 * SEC, true, 1000, true);
	assert_plan(next_at(p, T0 + 914 * SEC, true), PLAN_BATCH, 0);
	planner_free(p);
}

static void test_no_endpoint(void **state)
{
	(void)state;
	free(pol.endpoint);
	pol.endpoint = xstrdup("");
	struct planner *p = new_at(T0);
	uint64_t id = 7;
	planner_queue_ids(p, &id, 1);
	assert_false(planner_ready(p));
	assert_plan(next_at(p, T0 + DAY, true), PLAN_IDLE, 0);
	assert_string_equal(info_at(p, T0 + DAY).deferred, "");
	planner_free(p);
}

static void test_batch_fit(void **state)
{
	(void)state;
	struct planner *p = new_at(T0);
	/* Segments of 1 MB: four fit in the 4 MiB of a request, not five. */
	uint64_t taken = 0;
	while (planner_fit(p, taken, MB) == PLAN_FIT_TAKE)
		taken += MB;
	assert_int_equal(taken, 4 * MB);
	/* One segment larger than a request still goes, alone. */
	assert_int_equal(planner_fit(p, 0, 6 * MB), PLAN_FIT_TAKE);
	assert_int_equal(planner_fit(p, 6 * MB, 1), PLAN_FIT_FULL);
	assert_false(planner_capped(p));
	/* Without a cap, the size of one request is the only limit. */
	pol.daily_cap_mb = 0;
	assert_int_equal(planner_fit(p, 0, 100ull * MB), PLAN_FIT_TAKE);
	assert_int_equal(info_at(p, T0).daily_cap, 0);
	planner_free(p);
}

static void test_cap_at_2359_renewed_at_midnight(void **state)
{
	(void)state;
	uint64_t eve = T0 + DAY - 60 * SEC; /* 23:59:00 */
	pol.daily_cap_mb = 1;
	struct planner *p = new_at(eve - 10 * SEC);
	transfer(p, PLAN_BATCH, eve - 5 * SEC, true, 900000, true);
	assert_plan(next_at(p, eve, true), PLAN_BATCH, 0);
	/* 100,000 bytes are left today: a segment of 200,000 does not fit. */
	assert_int_equal(planner_fit(p, 0, 100000), PLAN_FIT_TAKE);
	assert_int_equal(planner_fit(p, 100000, 1), PLAN_FIT_FULL);
	assert_false(planner_capped(p));
	assert_int_equal(planner_fit(p, 0, 200000), PLAN_FIT_FULL);
	assert_true(planner_capped(p));
	assert_plan(next_at(p, eve, true), PLAN_WAIT, T0 + DAY);
	struct plan_info i = info_at(p, eve + 59 * SEC);
	assert_string_equal(i.deferred, "cap-reached");
	assert_int_equal(i.next_upload, T0 + DAY);
	assert_int_equal(i.bytes_today, 900000);
	assert_plan(next_at(p, T0 + DAY - 1, true), PLAN_WAIT, T0 + DAY);
	/* Nothing pending: nothing to wait for. */
	assert_plan(next_at(p, eve + 30 * SEC, false), PLAN_IDLE, 0);
	/* Midnight renews the cap. */
	assert_plan(next_at(p, T0 + DAY, true), PLAN_BATCH, 0);
	i = info_at(p, T0 + DAY);
	assert_string_equal(i.deferred, "");
	assert_int_equal(i.bytes_today, 0);
	assert_int_equal(i.bytes_total, 900000);
	assert_false(planner_capped(p));
	planner_free(p);
}

static void test_cap_counted_and_deletions(void **state)
{
	(void)state;
	uint64_t eve = T0 + DAY - 60 * SEC, id = 3;
	pol.daily_cap_mb = 1;
	struct planner *p = new_at(eve - 10 * SEC);
	/* A transfer that took the count to the cap, even a failed one. */
	transfer(p, PLAN_BATCH, eve, false, MB, true);
	assert_plan(next_at(p, eve + 5 * SEC, true), PLAN_WAIT, T0 + DAY);
	assert_true(planner_capped(p));
	/* Deletions go past the cap (the backoff of at most 1 s is over). */
	planner_queue_ids(p, &id, 1);
	assert_plan(next_at(p, eve + 5 * SEC, true), PLAN_DELETE, 0);
	/* Its bytes are counted on the day it ends: after midnight, the
	 * new day's. */
	transfer(p, PLAN_DELETE, T0 + DAY + SEC, true, 300, true);
	assert_int_equal(info_at(p, T0 + DAY + SEC).bytes_today, 300);
	assert_plan(next_at(p, T0 + DAY + SEC, true), PLAN_BATCH, 0);
	planner_free(p);
}

/* After the n-th failure in a row the retry is within [d/2, d] of it,
 * d = 1 s doubling to 300 s. */
static void assert_backoff(struct plan got, uint64_t t, unsigned n)
{
	uint64_t d = SEC << (n > 9 ? 9 : n - 1);
	if (d > 300 * SEC)
		d = 300 * SEC;
	assert_int_equal(got.action, PLAN_WAIT);
	assert_in_range(got.at, t + d / 2, t + d);
}

static void test_500s_then_recovery(void **state)
{
	(void)state;
	struct planner *p = new_at(T0);
	uint64_t t = T0 + 3 * SEC;
	for (unsigned n = 1; n <= 12; n++) {
		assert_plan(next_at(p, t, true), PLAN_BATCH, 0);
		transfer(p, PLAN_BATCH, t, false, 500, true);
		struct plan got = next_at(p, t, true);
		assert_backoff(got, t, n);
		assert_int_equal(info_at(p, t).next_upload, got.at);
		/* Nothing before the retry is due. */
		assert_plan(next_at(p, got.at - 1, true), PLAN_WAIT, got.at);
		t = got.at;
	}
	struct plan_info i = info_at(p, t);
	assert_int_equal(i.bytes_total, 12 * 500);
	assert_int_equal(i.last_upload, 0);
	assert_int_equal(planner_uploaded_until(p), 0);
	/* The server is back: recorded, and the next batch an interval on. */
	assert_plan(next_at(p, t, true), PLAN_BATCH, 0);
	transfer(p, PLAN_BATCH, t, true, 500, false);
	assert_plan(next_at(p, t, true), PLAN_WAIT, t + 900 * SEC);
	assert_int_equal(info_at(p, t).last_upload, t);
	assert_int_equal(planner_uploaded_until(p), t - SEC);
	/* The count of failures started again: the next backoff is short. */
	t += 900 * SEC;
	transfer(p, PLAN_BATCH, t, false, 0, true);
	assert_backoff(next_at(p, t, true), t, 1);
	planner_free(p);
}

static void test_metered_on_and_off(void **state)
{
	(void)state;
	struct planner *p = new_at(T0);
	transfer(p, PLAN_BATCH, T0 + 3 * SEC, true, 10, false);
	assert_plan(next_at(p, T0 + 4 * SEC, true), PLAN_WAIT, T0 + 903 * SEC);
	assert_true(planner_defer(p, "metered"));
	assert_false(planner_defer(p, "metered"));
	assert_plan(next_at(p, T0 + 5 * SEC, true), PLAN_IDLE, 0);
	assert_plan(next_at(p, T0 + DAY, true), PLAN_IDLE, 0);
	struct plan_info i = info_at(p, T0 + DAY);
	assert_string_equal(i.deferred, "metered");
	assert_int_equal(i.next_upload, 0);
	/* What the person asked to delete still goes on a metered link. */
	uint64_t id = 9;
	planner_queue_ids(p, &id, 1);
	assert_plan(next_at(p, T0 + DAY, true), PLAN_DELETE, 0);
	transfer(p, PLAN_DELETE, T0 + DAY, true, 20, true);
	assert_plan(next_at(p, T0 + DAY, true), PLAN_IDLE, 0);
	/* Off the metered link, what waited goes at once. */
	assert_true(planner_defer(p, ""));
	assert_false(planner_defer(p, ""));
	assert_plan(next_at(p, T0 + DAY + SEC, true), PLAN_BATCH, 0);
	assert_string_equal(info_at(p, T0 + DAY + SEC).deferred, "");
	planner_free(p);
}

static void test_metered_keeps_backoff(void **state)
{
	(void)state;
	struct planner *p = new_at(T0);
	transfer(p, PLAN_BATCH, T0 + 3 * SEC, false, 0, true);
	struct plan retry = next_at(p, T0 + 3 * SEC, true);
	assert_backoff(retry, T0 + 3 * SEC, 1);
	planner_defer(p, "metered");
	planner_defer(p, "");
	assert_plan(next_at(p, T0 + 3 * SEC, true), PLAN_WAIT, retry.at);
	planner_free(p);
}

static void test_battery(void **state)
{
	(void)state;
	struct planner *p = new_at(T0);
	assert_true(planner_defer(p, "on-battery"));
	assert_plan(next_at(p, T0 + 3 * SEC, true), PLAN_IDLE, 0);
	assert_string_equal(info_at(p, T0 + 3 * SEC).deferred, "on-battery");
	/* Asked before a turn, the answer is taken as it is: the batch then
	 * waits for its interval (here the start-up delay). */
	planner_note_deferral(p, "");
	assert_plan(next_at(p, T0 + SEC, true), PLAN_WAIT, T0 + 3 * SEC);
	planner_note_deferral(p, "on-battery");
	/* Plugged in, said by the agent: at once. */
	assert_true(planner_defer(p, ""));
	assert_plan(next_at(p, T0 + SEC, true), PLAN_BATCH, 0);
	/* Offline holds deletions too. */
	uint64_t id = 1;
	planner_queue_ids(p, &id, 1);
	planner_defer(p, "offline");
	assert_plan(next_at(p, T0 + SEC, true), PLAN_IDLE, 0);
	planner_defer(p, "");
	assert_plan(next_at(p, T0 + SEC, true), PLAN_DELETE, 0);
	planner_free(p);
}

#define N_IDS 20000

static void test_deletion_queue_of_20000(void **state)
{
	(void)state;
	struct planner *p = new_at(T0);
	uint64_t *ids = xcalloc(N_IDS, sizeof *ids);
	for (size_t i = 0; i < N_IDS; i++)
		ids[i] = 1000000 + i;
	planner_queue_ids(p, ids, N_IDS); /* one request of them all */
	for (size_t i = 0; i < N_IDS; i++)
		planner_queue_ids(p, &ids[i], 1); /* and one request each */
	planner_queue_span(p, T0 - DAY, T0);
	planner_queue_ids(p, ids, 0); /* queues nothing */
	ids[0] = 0;                   /* the queue holds its own copy */
	free(ids);
	/* Before any batch and without the start-up delay. */
	assert_plan(next_at(p, T0, true), PLAN_DELETE, 0);
	const struct plan_deletion *d = planner_deletions(p);
	assert_int_equal(d->n, N_IDS);
	assert_int_equal(d->ids[0], 1000000);
	assert_int_equal(d->ids[N_IDS - 1], 1000000 + N_IDS - 1);
	/* A failure keeps it at the head, for after the backoff. */
	transfer(p, PLAN_DELETE, T0, false, 100, true);
	struct plan got = next_at(p, T0, true);
	assert_backoff(got, T0, 1);
	assert_ptr_equal(planner_deletions(p), d);
	uint64_t t = got.at;
	transfer(p, PLAN_DELETE, t, true, 100, true);
	for (size_t i = 0; i < N_IDS; i++) {
		assert_plan(next_at(p, t, true), PLAN_DELETE, 0);
		d = planner_deletions(p);
		assert_int_equal(d->n, 1);
		assert_int_equal(d->ids[0], 1000000 + i);
		transfer(p, PLAN_DELETE, t, true, 1, true);
	}
	d = planner_deletions(p);
	assert_null(d->ids);
	assert_int_equal(d->from, T0 - DAY);
	assert_int_equal(d->to, T0);
	assert_null(d->next);
	transfer(p, PLAN_DELETE, t, true, 1, true);
	assert_null(planner_deletions(p));
	/* Then the batches, which still wait for the start-up delay. */
	assert_true(t < T0 + 3 * SEC);
	assert_plan(next_at(p, t, true), PLAN_WAIT, T0 + 3 * SEC);
	assert_int_equal(info_at(p, t).bytes_total, 100 + 100 + N_IDS + 1);
	/* Queued again after the queue emptied. */
	uint64_t one = 5;
	planner_queue_ids(p, &one, 1);
	assert_int_equal(planner_deletions(p)->ids[0], 5);
	planner_free(p);
}

static void test_save_restore(void **state)
{
	(void)state;
	struct planner *p = new_at(T0);
	transfer(p, PLAN_BATCH, T0 + 3 * SEC, true, 4000, false);
	struct plan_counters pc;
	planner_save(p, &pc);
	assert_int_equal(pc.day, (int64_t)(T0 / DAY));
	assert_int_equal(pc.bytes_today, 4000);
	assert_int_equal(pc.bytes_total, 4000);
	assert_int_equal(pc.last_upload, T0 + 3 * SEC);
	assert_int_equal(pc.uploaded_until, T0 + 2 * SEC);
	planner_free(p);

	/* The same day: today's count holds; a day later it starts again. */
	struct plan_clock c = at(T0 + 60 * SEC);
	p = new_at(T0 + 60 * SEC);
	planner_restore(p, &pc, &c);
	struct plan_info i = info_at(p, T0 + 60 * SEC);
	assert_int_equal(i.bytes_today, 4000);
	assert_int_equal(i.last_upload, T0 + 3 * SEC);
	assert_int_equal(planner_uploaded_until(p), T0 + 2 * SEC);
	planner_free(p);
	c = at(T0 + DAY);
	p = new_at(T0 + DAY);
	planner_restore(p, &pc, &c);
	i = info_at(p, T0 + DAY);
	assert_int_equal(i.bytes_today, 0);
	assert_int_equal(i.bytes_total, 4000);
	planner_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_startup_and_interval, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_endpoint, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_batch_fit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cap_at_2359_renewed_at_midnight, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cap_counted_and_deletions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_500s_then_recovery, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_metered_on_and_off, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_metered_keeps_backoff, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_battery, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_deletion_queue_of_20000, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_save_restore, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
