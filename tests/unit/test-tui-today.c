/* The model's "Today": Activity's answer kept whole, its refusal or the
 * decoder's sentence kept instead, and more steps than asked refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "names.h"

#define S 1000000ULL
#define DAY (1700000000 * S)

/* n steps of five minutes from DAY, step k keeping k keys, every third
 * paused. */
static DBusMessage *activity(size_t n)
{
	DBusMessage *m = dbus_message_new_signal("/x", "x.y", "Z");
	DBusMessageIter it, arr, st, counts;
	dbus_message_iter_init_append(m, &it);
	dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "(taus)", &arr);
	for (size_t k = 0; k < n; k++) {
		dbus_uint64_t start = DAY + k * 300 * S;
		const char *state = k % 3 == 2 ? "paused" : "collecting";
		dbus_message_iter_open_container(&arr, DBUS_TYPE_STRUCT, NULL, &st);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &start);
		dbus_message_iter_open_container(&st, DBUS_TYPE_ARRAY, "u", &counts);
		for (int s = 0; s < N_STREAMS; s++) {
			dbus_uint32_t c = s == 3 ? (dbus_uint32_t)k : 0;
			dbus_message_iter_append_basic(&counts, DBUS_TYPE_UINT32, &c);
		}
		dbus_message_iter_close_container(&st, &counts);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &state);
		dbus_message_iter_close_container(&arr, &st);
	}
	dbus_message_iter_close_container(&it, &arr);
	return m;
}

static unsigned feed(struct model *m, uint64_t to, DBusMessage *r)
{
	struct strip_day d = {DAY, 86400, 300};
	unsigned dirty = model_today_reply(m, &d, to, r);
	dbus_message_unref(r);
	return dirty;
}

static void test_reply(void **state)
{
	struct model m;
	(void)state;
	model_init(&m);
	assert_false(m.today.known);
	/* Asked up to 14:58:20 of the day: 180 steps. */
	assert_int_equal(feed(&m, DAY + 53900 * S, activity(180)), MODEL_DIRTY_TODAY);
	assert_true(m.today.known);
	assert_null(m.today.error);
	assert_int_equal(m.today.n, 180);
	assert_int_equal(m.today.day.start, DAY);
	assert_int_equal(m.today.steps[179].start, DAY + 179 * 300 * S);
	assert_int_equal(m.today.steps[179].events[3], 179);
	assert_int_equal(m.today.steps[179].state, CONTRACT_STATE_PAUSED);
	assert_null(model_take_fault(&m));
	/* One step more than asked: not the contract's answer. */
	assert_int_equal(feed(&m, DAY + 53900 * S, activity(181)), MODEL_DIRTY_TODAY);
	assert_true(m.today.known);
	assert_int_equal(m.today.n, 0);
	assert_non_null(m.today.error);
	char *fault = model_take_fault(&m);
	assert_non_null(fault);
	assert_string_equal(fault, m.today.error);
	free(fault);
	model_fini(&m);
}

static void test_refused(void **state)
{
	struct model m;
	(void)state;
	model_init(&m);
	DBusMessage *call =
	    dbus_message_new_method_call(CAPCTL_BUS_NAME, CAPCTL_PATH, CAPCTL_IFACE, "Activity");
	dbus_message_set_serial(call, 3);
	DBusMessage *err = dbus_message_new_error(call, DBUS_ERROR_ACCESS_DENIED, "not for you");
	dbus_message_unref(call);
	assert_int_equal(feed(&m, DAY + 600 * S, err), MODEL_DIRTY_TODAY);
	assert_string_equal(m.today.error, "not for you");
	assert_null(model_take_fault(&m));
	/* The link going away forgets it. */
	model_set_link(&m, MODEL_LINK_GONE, NULL);
	assert_false(m.today.known);
	assert_null(m.today.error);
	model_fini(&m);
}

/* The Data view's day: kept apart from Today's, and a list redraw. */
static void test_data_day(void **state)
{
	struct model m;
	struct strip_day d = {DAY, 86400, 300};
	(void)state;
	model_init(&m);
	DBusMessage *r = activity(10);
	unsigned dirty = model_data_day_reply(&m, &d, DAY + 3000 * S, r);
	dbus_message_unref(r);
	assert_int_equal(dirty, MODEL_DIRTY_TODAY | MODEL_DIRTY_DATA);
	assert_true(m.data_day.known);
	assert_int_equal(m.data_day.n, 10);
	assert_false(m.today.known);
	model_set_link(&m, MODEL_LINK_GONE, NULL);
	assert_false(m.data_day.known);
	model_fini(&m);
}

/* The segment a time of the strip selects: the earliest that overlaps
 * it, else the nearest; an open one lasts until now. */
static void test_segs_at(void **state)
{
	struct model m;
	bool covers;
	(void)state;
	model_init(&m);
	assert_int_equal(model_segs_at(&m, DAY, DAY + 60 * S, DAY, &covers), -1);
	assert_false(covers);
	/* Newest first: open since 10:00; 09:00-09:30; 08:10-08:20 and
	 * 08:00-08:40 (two streams); 07:00 (no length). */
	static const uint64_t span[][2] = {
	    {36000, 0}, {32400, 34200}, {29400, 30000}, {28800, 31200}, {25200, 25200}};
	struct model_segment *rows = calloc(5, sizeof *rows);
	for (size_t i = 0; i < 5; i++) {
		rows[i].id = 100 - i;
		rows[i].start = DAY + span[i][0] * S;
		rows[i].end = span[i][1] ? DAY + span[i][1] * S : 0;
		rows[i].stream = strdup("keyboard");
	}
	uint64_t page[1];
	int64_t shift;
	assert_int_equal(model_segs_want(&m, 0, 5, page, 1), 1);
	assert_true(pages_fill(&m.segs, page[0], m.segs.gen, 5, rows, 5, &shift));
	/* 08:00-08:30: both overlap it, the earliest wins. */
	assert_int_equal(model_segs_at(&m, DAY + 28800 * S, DAY + 30600 * S, DAY, &covers), 3);
	assert_true(covers);
	/* 08:15-08:16: inside both as well. */
	assert_int_equal(model_segs_at(&m, DAY + 29700 * S, DAY + 29760 * S, DAY, &covers), 3);
	/* 09:30-10:00: the 09:00 one ends as it starts and the open one
	 * starts as it ends: none covers it, both are as near, the earlier
	 * wins. */
	assert_int_equal(model_segs_at(&m, DAY + 34200 * S, DAY + 36000 * S, DAY, &covers), 1);
	assert_false(covers);
	/* 07:00, a segment of no length, covers the minute it is in. */
	assert_int_equal(model_segs_at(&m, DAY + 25200 * S, DAY + 25260 * S, DAY, &covers), 4);
	assert_true(covers);
	/* Hours after 10:00: the open one lasts until now. */
	uint64_t now = DAY + 50000 * S;
	assert_int_equal(model_segs_at(&m, DAY + 43200 * S, DAY + 45000 * S, now, &covers), 0);
	assert_true(covers);
	assert_int_equal(
	    model_segs_at(&m, DAY + 43200 * S, DAY + 45000 * S, DAY + 36001 * S, &covers), 0);
	assert_false(covers);
	model_fini(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reply),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_data_day),
	    cmocka_unit_test(test_segs_at),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
