/* The console's data plane, without a bus: events in words and as JSON
 * Lines, --since times, the export's merge driven by hand-made replies,
 * the cost sentences, the sparkline ring and messages bound to a state. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text/evtext.h"
#include "model/export.h"
#include "model/pages.h"
#include "console/keys.h"
#include "model/model.h"
#include "names.h"
#include "model/summary.h"
#include "text/timearg.h"
#include "console/ui.h"
#include "util.h"

/* 2026-11-29T07:03:24Z */
#define T0 (1795935804ULL * USEC_PER_SEC)

static int utc(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

/* ---- events in words ---- */

static void detail(const char *kind, int32_t x, int32_t y, int32_t code, const char *text,
                   const char *want)
{
	char buf[256];
	struct evjson_event e = {T0, evtext_stream_of_kind(kind), kind, x, y, code, text};
	evtext_detail(&e, buf, sizeof buf);
	assert_string_equal(buf, want);
}

static void test_detail(void **state)
{
	(void)state;
	detail("motion", 512, 384, 0, "", "at 512, 384");
	detail("motion", 0, 0, 0, "", "at 0, 0");
	detail("button-press", 10, 20, 1, "", "left button at 10, 20");
	detail("button-release", 0, 0, 3, "", "right button"); /* reduced: no position */
	detail("button-press", 5, 6, 12, "", "button 12 at 5, 6");
	detail("scroll", 7, 8, 1, "", "up at 7, 8");
	detail("scroll", 7, 8, -1, "", "down at 7, 8");
	detail("scroll", 0, 0, 2, "", "right");
	detail("scroll", 0, 0, -2, "", "left");
	detail("scroll", 0, 0, 9, "", "scroll 9");
	detail("key-press", 0, 0, 30, "", "key 30 (A)");
	detail("key-release", 0, 0, 42, "", "key 42 (Left Shift)");
	detail("key-press", 0, 0, 250, "", "key 250");
	detail("key-press", 0, 0, 0, "letter", "a letter key");
	detail("key-press", 0, 0, 0, "space", "the space bar");
	detail("key-press", 0, 0, 0, "other", "another key");
	detail("key-press", 0, 0, 0, "newword", "a key: newword");
	detail("key-release", 0, 0, 0, "", "which key is not kept");
	detail("focus", 0, 0, 0, "firefox", "firefox");
	detail("focus", 0, 0, 0, "firefox\tA page – the title", "firefox: A page – the title");
	detail("focus", 0, 0, 0, "", "which application is not kept");
	detail("pinch", 1, 2, 3, "big", "x 1, y 2, code 3, big");
	assert_string_equal(evtext_stream_of_kind("button-release"), "pointer.button");
	assert_string_equal(evtext_stream_of_kind("focus"), "window.focus");
	assert_string_equal(evtext_stream_of_kind("pinch"), "");
	assert_string_equal(evtext_key_name(57), "Space");
	assert_null(evtext_key_name(0));
	assert_null(evtext_key_name(128));
}

static char *line_of(const struct evjson_event *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	evjson_line(f, e, NULL);
	fclose(f);
	return buf;
}

static void json_line(const char *stream, const char *kind, int32_t x, int32_t y, int32_t code,
                      const char *text, const char *want)
{
	struct evjson_event e = {T0 + 123456, stream, kind, x, y, code, text};
	char *got = line_of(&e);
	assert_string_equal(got, want);
	free(got);
}

static void test_json_line(void **state)
{
	(void)state;
	json_line("pointer.motion", "motion", 512, -3, 0, "",
	          "{\"time\":\"2026-11-29T07:03:24.123456Z\",\"us\":1795935804123456,"
	          "\"stream\":\"pointer.motion\",\"kind\":\"motion\",\"x\":512,\"y\":-3}\n");
	json_line("pointer.button", "button-press", 1, 2, 3, "",
	          "{\"time\":\"2026-11-29T07:03:24.123456Z\",\"us\":1795935804123456,"
	          "\"stream\":\"pointer.button\",\"kind\":\"button-press\",\"x\":1,\"y\":2,"
	          "\"code\":3}\n");
	json_line("pointer.scroll", "scroll", 1, 2, -1, "",
	          "{\"time\":\"2026-11-29T07:03:24.123456Z\",\"us\":1795935804123456,"
	          "\"stream\":\"pointer.scroll\",\"kind\":\"scroll\",\"x\":1,\"y\":2,"
	          "\"code\":-1}\n");
	json_line("keyboard", "key-release", 0, 0, 0, "letter",
	          "{\"time\":\"2026-11-29T07:03:24.123456Z\",\"us\":1795935804123456,"
	          "\"stream\":\"keyboard\",\"kind\":\"key-release\",\"code\":0,"
	          "\"text\":\"letter\"}\n");
	json_line("window.focus", "focus", 0, 0, 0, "ed\t\"quo\\ted\" – é\x01",
	          "{\"time\":\"2026-11-29T07:03:24.123456Z\",\"us\":1795935804123456,"
	          "\"stream\":\"window.focus\",\"kind\":\"focus\","
	          "\"text\":\"ed\\t\\\"quo\\\\ted\\\" – é\\u0001\"}\n");
	json_line("x.new", "pinch", 1, 2, 3, "t",
	          "{\"time\":\"2026-11-29T07:03:24.123456Z\",\"us\":1795935804123456,"
	          "\"stream\":\"x.new\",\"kind\":\"pinch\",\"x\":1,\"y\":2,\"code\":3,"
	          "\"text\":\"t\"}\n");

	char buf[64];
	evtext_clock(T0 + 7000, buf, sizeof buf);
	assert_string_equal(buf, "07:03:24.007");
	evtext_local(T0, buf, sizeof buf);
	assert_string_equal(buf, "2026-11-29 07:03:24");
	evjson_iso(5, buf, sizeof buf);
	assert_string_equal(buf, "1970-01-01T00:00:00.000005Z");
}

/* ---- --since ---- */

static void since_is(const char *s, uint64_t want)
{
	uint64_t got = 0;
	assert_int_equal(timearg_parse(s, T0, &got), 0);
	assert_int_equal(got, want);
}

static void since_bad(const char *s, int err)
{
	uint64_t got = 77;
	assert_int_equal(timearg_parse(s, T0, &got), err);
	assert_int_equal(got, 77);
}

static void test_since(void **state)
{
	(void)state;
	since_is("2026-11-29T07:03:24Z", T0);
	since_is("2026-11-29t07:03:24z", T0);
	since_is("2026-11-29T07:03:24.5Z", T0 + 500000);
	since_is("2026-11-29T07:03:24,123456789Z", T0 + 123456);
	since_is("2026-11-29T08:03:24+01:00", T0);
	since_is("2026-11-29T06:33:24-0030", T0);
	since_is("2026-11-29T09:03:24+02", T0);
	since_is("2026-11-29T07:03:24", T0); /* local time: TZ is UTC here */
	since_is("2026-11-29 07:03", T0 - 24 * USEC_PER_SEC);
	since_is("2026-11-29", T0 - (7 * 3600 + 3 * 60 + 24) * USEC_PER_SEC);
	since_is("2024-02-29T00:00:00Z", 1709164800ULL * USEC_PER_SEC);
	since_is("2h", T0 - 7200 * USEC_PER_SEC);
	since_is("1h30m", T0 - 5400 * USEC_PER_SEC);
	since_is("90s", T0 - 90 * USEC_PER_SEC);
	since_bad("", -EINVAL);
	since_bad("yesterday", -EINVAL);
	since_bad("2h5", -EINVAL);
	since_bad("-2h", -EINVAL);
	since_bad("2026-13-01", -EINVAL);
	since_bad("2025-02-29", -EINVAL);
	since_bad("2026-11-31", -EINVAL);
	since_bad("2026-11-29T24:00", -EINVAL);
	since_bad("2026-11-29T07:60", -EINVAL);
	since_bad("2026-11-29T07", -EINVAL);
	since_bad("2026-11-29T07:03:24+15:00", -EINVAL);
	since_bad("2026-11-29T07:03:24.Z", -EINVAL);
	since_bad("2026-11-29T07:03:24Zjunk", -EINVAL);
	since_bad("2026/11/29", -EINVAL);
	since_bad("0s", -ERANGE);
	since_bad("9000h", -ERANGE);
	since_bad("1969-12-31T23:59:59Z", -ERANGE);
}

/* ---- the export's merge ---- */

static DBusMessage *reply_msg(void)
{
	return dbus_message_new_signal("/x", "x.y", "Reply");
}

static DBusMessage *error_msg(const char *name, const char *text)
{
	DBusMessage *call =
	    dbus_message_new_method_call(CAPCTL_BUS_NAME, CAPCTL_PATH, CAPCTL_IFACE, "ReadSegment");
	dbus_message_set_serial(call, 9);
	DBusMessage *err = dbus_message_new_error(call, name, text);
	dbus_message_unref(call);
	return err;
}

struct seg {
	uint64_t id;
	const char *stream;
	uint64_t start, end;
	uint32_t events;
};

static DBusMessage *list_reply(uint64_t total, const struct seg *s, size_t n)
{
	DBusMessage *m = reply_msg();
	DBusMessageIter it, arr, st;
	dbus_message_iter_init_append(m, &it);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT64, &total);
	dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "(tsttuttb)", &arr);
	for (size_t i = 0; i < n; i++) {
		uint64_t bytes = 100, expires = s[i].end + 1;
		dbus_bool_t up = false;
		dbus_message_iter_open_container(&arr, DBUS_TYPE_STRUCT, NULL, &st);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &s[i].id);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &s[i].stream);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &s[i].start);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &s[i].end);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT32, &s[i].events);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &bytes);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &expires);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_BOOLEAN, &up);
		dbus_message_iter_close_container(&arr, &st);
	}
	dbus_message_iter_close_container(&it, &arr);
	return m;
}

/* A ReadSegment page: events at the times given, of one kind. */
static DBusMessage *read_reply(uint32_t total, const char *kind, const uint64_t *times, size_t n)
{
	DBusMessage *m = reply_msg();
	DBusMessageIter it, arr, st;
	dbus_message_iter_init_append(m, &it);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT32, &total);
	dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "(tsiiis)", &arr);
	for (size_t i = 0; i < n; i++) {
		int32_t x = (int32_t)i, y = 2, code = strcmp(kind, "motion") ? 30 : 0;
		const char *text = "";
		dbus_message_iter_open_container(&arr, DBUS_TYPE_STRUCT, NULL, &st);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &times[i]);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &kind);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_INT32, &x);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_INT32, &y);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_INT32, &code);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &text);
		dbus_message_iter_close_container(&arr, &st);
	}
	dbus_message_iter_close_container(&it, &arr);
	return m;
}

static void feed(struct export *x, DBusMessage *m)
{
	export_reply(x, m);
	dbus_message_unref(m);
}

static void expect_read(struct export *x, uint64_t id, uint64_t offset, uint32_t limit)
{
	struct export_req r;
	assert_int_equal(export_next(x, &r), 1);
	assert_int_equal(r.kind, EXPORT_REQ_READ);
	assert_int_equal(r.id, id);
	assert_int_equal(r.offset, offset);
	assert_int_equal(r.limit, limit);
}

/* The "us" of each line written. */
static size_t times_of(const char *out, uint64_t *t, size_t max)
{
	size_t n = 0;
	for (const char *p = out; (p = strstr(p, "\"us\":")) && n < max; p += 5)
		t[n++] = strtoull(p + 5, NULL, 10);
	return n;
}

static void test_export_merge(void **state)
{
	(void)state;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct export x;
	struct export_req r;
	/* Newest first, as ListSegments gives them. */
	const struct seg segs[] = {
	    {30, "pointer.motion", 400, 500, 2},
	    {20, "keyboard", 150, 250, 2},
	    {10, "pointer.motion", 100, 300, 3},
	};
	export_init(&x, f, 0, 0, 2);
	assert_int_equal(x.list_page, EXPORT_LIST_PAGE);
	x.list_page = 2;
	assert_int_equal(export_next(&x, &r), 1);
	assert_int_equal(r.kind, EXPORT_REQ_LIST);
	assert_int_equal(r.offset, 0);
	assert_int_equal(r.limit, 2);
	/* Two full pages of the list; the second repeats one (a segment
	 * closed between the pages), which is read once. */
	feed(&x, list_reply(3, segs, 2));
	assert_int_equal(export_next(&x, &r), 1);
	assert_int_equal(r.kind, EXPORT_REQ_LIST);
	assert_int_equal(r.offset, 2);
	feed(&x, list_reply(3, segs + 1, 2));
	assert_int_equal(export_segments(&x), 3);
	assert_int_equal(x.events_expected, 7);

	/* Each stream's oldest segment first, a page of 2 at a time. */
	expect_read(&x, 10, 0, 2);
	feed(&x, read_reply(3, "motion", (const uint64_t[]){100, 200}, 2));
	expect_read(&x, 20, 0, 2);
	feed(&x, read_reply(2, "key-press", (const uint64_t[]){150, 250}, 2));
	/* 100, 150, 200 are told; motion needs its next page before 250. */
	expect_read(&x, 10, 2, 2);
	feed(&x, read_reply(3, "motion", (const uint64_t[]){300}, 1));
	/* 250, 300; then the keyboard is done and motion's next segment went
	 * away meanwhile: it is skipped. */
	expect_read(&x, 30, 0, 2);
	DBusMessage *gone = error_msg(CAPCTL_ERR_NO_SUCH_SEGMENT, "no segment 30");
	feed(&x, gone);
	assert_int_equal(export_next(&x, &r), 0);
	assert_int_equal(x.events_written, 5);
	assert_int_equal(x.segs_done, 3);
	assert_null(x.error);
	fflush(f);
	uint64_t t[8];
	assert_int_equal(times_of(out, t, 8), 5);
	assert_int_equal(t[0], 100);
	assert_int_equal(t[1], 150);
	assert_int_equal(t[2], 200);
	assert_int_equal(t[3], 250);
	assert_int_equal(t[4], 300);
	assert_non_null(strstr(out, "{\"time\":\"1970-01-01T00:00:00.000150Z\",\"us\":150,"
	                            "\"stream\":\"keyboard\",\"kind\":\"key-press\","
	                            "\"code\":30,\"text\":\"\"}\n"));
	export_fini(&x);
	fclose(f);
	free(out);
}

/* CSV: the header row first, then the same timeline in records; an
 * empty export is the header alone. */
static void test_export_csv(void **state)
{
	(void)state;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct export x;
	struct export_req r;
	const struct seg segs[] = {
	    {20, "keyboard", 150, 250, 2},
	    {10, "pointer.motion", 100, 300, 2},
	};
	export_init(&x, f, 0, 0, 1000);
	assert_int_equal(x.format, EXPORT_JSONL);
	x.format = EXPORT_CSV;
	assert_int_equal(export_next(&x, &r), 1);
	feed(&x, list_reply(2, segs, 2));
	expect_read(&x, 20, 0, 1000);
	feed(&x, read_reply(2, "key-press", (const uint64_t[]){150, 250}, 2));
	expect_read(&x, 10, 0, 1000);
	feed(&x, read_reply(2, "motion", (const uint64_t[]){100, 300}, 2));
	assert_int_equal(export_next(&x, &r), 0);
	assert_int_equal(x.events_written, 4);
	fflush(f);
	assert_string_equal(out, "time,us,stream,kind,x,y,code,text\r\n"
	                         "1970-01-01T00:00:00.000100Z,100,pointer.motion,motion,0,2,,\r\n"
	                         "1970-01-01T00:00:00.000150Z,150,keyboard,key-press,,,30,\r\n"
	                         "1970-01-01T00:00:00.000250Z,250,keyboard,key-press,,,30,\r\n"
	                         "1970-01-01T00:00:00.000300Z,300,pointer.motion,motion,1,2,,\r\n");
	export_fini(&x);
	rewind(f);
	export_init(&x, f, 0, 0, 1000);
	x.format = EXPORT_CSV;
	assert_int_equal(export_next(&x, &r), 1);
	feed(&x, list_reply(0, NULL, 0));
	assert_int_equal(export_next(&x, &r), 0);
	assert_int_equal(export_next(&x, &r), 0);
	fflush(f);
	assert_int_equal(ftell(f), 35);
	assert_memory_equal(out, "time,us,stream,kind,x,y,code,text\r\n", 35);
	export_fini(&x);
	fclose(f);
	free(out);
}

static void test_export_since_and_errors(void **state)
{
	(void)state;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct export x;
	struct export_req r;
	const struct seg segs[] = {
	    {40, "keyboard", 600, 0, 1}, /* open: still being written */
	    {30, "pointer.motion", 400, 500, 2},
	    {20, "keyboard", 150, 250, 2},
	    {10, "pointer.motion", 100, 300, 3},
	};
	/* --since 260: the keyboard segment ends before it and is not read;
	 * in the first motion segment only 300 is late enough; the open
	 * keyboard segment ends now, so it is read. */
	export_init(&x, f, 260, 0, 1000);
	assert_int_equal(export_next(&x, &r), 1);
	feed(&x, list_reply(4, segs, 4));
	assert_int_equal(export_segments(&x), 3);
	expect_read(&x, 40, 0, 1000);
	feed(&x, read_reply(1, "key-press", (const uint64_t[]){610}, 1));
	expect_read(&x, 10, 0, 1000);
	feed(&x, read_reply(3, "motion", (const uint64_t[]){100, 200, 300}, 3));
	expect_read(&x, 30, 0, 1000);
	feed(&x, read_reply(2, "motion", (const uint64_t[]){400, 500}, 2));
	assert_int_equal(export_next(&x, &r), 0);
	fflush(f);
	uint64_t t[8];
	assert_int_equal(times_of(out, t, 8), 4);
	assert_int_equal(t[0], 300);
	assert_int_equal(t[2], 500);
	assert_int_equal(t[3], 610);
	export_fini(&x);

	/* One segment only: no listing, the stream told by the kind. */
	rewind(f);
	export_init(&x, f, 0, 42, 1000);
	expect_read(&x, 42, 0, 1000);
	feed(&x, read_reply(1, "key-release", (const uint64_t[]){7}, 1));
	assert_int_equal(export_next(&x, &r), 0);
	assert_int_equal(x.events_expected, 1);
	fflush(f);
	assert_non_null(strstr(out, "\"stream\":\"keyboard\",\"kind\":\"key-release\""));
	export_fini(&x);

	/* A refusal stops it, saying why. */
	export_init(&x, f, 0, 0, 1000);
	assert_int_equal(export_next(&x, &r), 1);
	feed(&x, error_msg(DBUS_ERR_ACCESS_DENIED, "not yours"));
	assert_int_equal(export_next(&x, &r), -1);
	assert_string_equal(x.error, "the agent would not list the segments: not yours "
	                             "(org.freedesktop.DBus.Error.AccessDenied)");
	export_fini(&x);
	export_init(&x, f, 0, 5, 1000);
	expect_read(&x, 5, 0, 1000);
	feed(&x, error_msg(DBUS_ERR_INVALID_ARGS, "bad limit"));
	assert_int_equal(export_next(&x, &r), -1);
	assert_non_null(strstr(x.error, "bad limit"));
	export_fini(&x);
	/* An answer of the wrong shape. */
	export_init(&x, f, 0, 0, 1000);
	assert_int_equal(export_next(&x, &r), 1);
	feed(&x, read_reply(1, "motion", (const uint64_t[]){1}, 1));
	assert_int_equal(export_next(&x, &r), -1);
	assert_string_equal(x.error, "the agent's reply to ListSegments is not ta(tsttuttb)");
	assert_true(x.malformed);
	export_fini(&x);
	/* A total the agent does not keep to: a short page ends the segment
	 * (the old code asked again and again, for ever). */
	export_init(&x, f, 0, 7, 2);
	expect_read(&x, 7, 0, 2);
	feed(&x, read_reply(4294967295u, "motion", (const uint64_t[]){1}, 1));
	assert_int_equal(export_next(&x, &r), 0);
	assert_int_equal(x.events_written, 1);
	assert_false(x.malformed);
	export_fini(&x);
	/* Nothing kept: an empty export, at once. */
	export_init(&x, f, 0, 0, 1000);
	assert_int_equal(export_next(&x, &r), 1);
	feed(&x, list_reply(0, NULL, 0));
	assert_int_equal(export_next(&x, &r), 0);
	assert_int_equal(x.events_written, 0);
	export_fini(&x);
	fclose(f);
	free(out);
}

/* ---- cost sentences ---- */

static void live_model(struct model *m)
{
	model_init(m);
	model_set_link(m, MODEL_LINK_LIVE, ":1.1");
	m->upload.endpoint = xstrdup("collector.example");
	m->upload.deferred = xstrdup("");
	m->upload.last_error = xstrdup("");
	m->upload.daily_cap = 50000000;
	m->upload.bytes_today = 1200000;
}

static void test_summary(void **state)
{
	(void)state;
	struct model m;
	struct summary_line l[SUMMARY_MAX_LINES];
	char buf[256];
	uint64_t changes;

	live_model(&m);
	summary_today(&m, buf, sizeof buf);
	assert_string_equal(buf, "Uploaded today 1.2 MB of 50 MB");
	m.upload.daily_cap = 0;
	summary_today(&m, buf, sizeof buf);
	assert_string_equal(buf, "Uploaded today 1.2 MB, no daily cap");

	static const char *const why[][2] = {
	    {"metered", "Waiting: the network is metered"},
	    {"on-battery", "Waiting: the machine is on battery"},
	    {"offline", "Waiting: there is no network connection"},
	    {"paused", "Waiting: recording is paused"},
	    {"cap-reached", "Waiting: today's cap of 50 MB is reached, until midnight"},
	    {"", ""},
	};
	m.upload.daily_cap = 50000000;
	m.upload.next_upload = T0 - (7 * 3600 + 3 * 60 + 24) * USEC_PER_SEC + 86400 * USEC_PER_SEC;
	for (size_t i = 0; i < 6; i++) {
		free(m.upload.deferred);
		m.upload.deferred = xstrdup(why[i][0]);
		summary_deferred(&m, T0, buf, sizeof buf);
		assert_string_equal(buf, why[i][1]);
	}
	free(m.upload.deferred);
	m.upload.deferred = xstrdup("on-battery");
	m.power.saver = true;
	summary_deferred(&m, T0, buf, sizeof buf);
	assert_string_equal(buf, "Waiting: the battery saver is on");

	/* Under ten minutes away: to the second, and so it changes each
	 * second; never rounded down. */
	m.upload.next_upload = T0 + 4 * 60 * USEC_PER_SEC + 30 * USEC_PER_SEC;
	summary_next_upload(&m, T0, buf, sizeof buf, &changes);
	assert_string_equal(buf, "Next upload at 07:07:54, in 4 min 30 s");
	assert_int_equal(changes, T0 + USEC_PER_SEC);
	summary_next_upload(&m, T0 + USEC_PER_SEC / 2, buf, sizeof buf, &changes);
	assert_string_equal(buf, "Next upload at 07:07:54, in 4 min 30 s"); /* 4:29.5 */
	assert_int_equal(changes, T0 + USEC_PER_SEC);
	m.upload.next_upload = T0 + 20 * USEC_PER_SEC;
	summary_next_upload(&m, T0, buf, sizeof buf, &changes);
	assert_string_equal(buf, "Next upload at 07:03:44, in 20 s");
	/* Further off: the minute rounded up, changing at the next minute
	 * of what is left. */
	m.upload.next_upload = T0 + 45 * 60 * USEC_PER_SEC + 10 * USEC_PER_SEC;
	summary_next_upload(&m, T0, buf, sizeof buf, &changes);
	assert_string_equal(buf, "Next upload at 07:49, in 46 min");
	assert_int_equal(changes, T0 + 10 * USEC_PER_SEC);
	m.upload.next_upload = T0 + 20 * USEC_PER_SEC;
	summary_next_upload(&m, T0 + 21 * USEC_PER_SEC, buf, sizeof buf, &changes);
	assert_string_equal(buf, "Next upload due now");
	assert_int_equal(changes, UINT64_MAX);

	summary_saver(&m, 0, buf, sizeof buf);
	assert_string_equal(buf, "Battery saver on: motion 10 Hz, uploads wait");
	summary_saver(&m, 1, buf, sizeof buf);
	assert_string_equal(buf, "Saver on: motion 10 Hz, uploads wait");
	summary_saver(&m, 2, buf, sizeof buf);
	assert_string_equal(buf, "Battery saver on");
	m.power.on_battery = true;
	m.power.battery_percent = 55;
	summary_battery(&m, buf, sizeof buf);
	assert_string_equal(buf, "On battery, 55% left");
	m.power.on_battery = false;
	summary_battery(&m, buf, sizeof buf);
	assert_string_equal(buf, "On mains power, battery 55%");
	m.power.battery_percent = -1;
	summary_battery(&m, buf, sizeof buf);
	assert_string_equal(buf, "On mains power");

	/* Local only: no deferral, no next upload, whatever the agent says. */
	free(m.upload.endpoint);
	m.upload.endpoint = xstrdup("");
	summary_deferred(&m, T0, buf, sizeof buf);
	assert_string_equal(buf, "");
	summary_saver(&m, 0, buf, sizeof buf);
	assert_string_equal(buf, "Battery saver on: motion 10 Hz");
	assert_int_equal(summary_upload(&m, T0, l), 1);
	assert_string_equal(l[0].text, "Local only: nothing leaves this machine.");

	/* Storage: the journals of the open segments count before any
	 * segment has closed. */
	m.retention = (struct model_retention){.days = 1};
	summary_storage(&m, l);
	assert_string_equal(l[0].text, "Nothing stored yet; kept 1 day");
	m.retention = (struct model_retention){.days = 30};
	summary_storage(&m, l);
	assert_string_equal(l[0].text, "Nothing stored yet; kept 30 days");
	m.retention.bytes = 1234;
	summary_storage(&m, l);
	assert_string_equal(l[0].text,
	                    "1.2 kB being recorded, no segment closed yet; kept 30 days");
	m.retention.segments = 3000;
	m.retention.bytes = 150000;
	m.retention.oldest = T0;
	summary_storage(&m, l);
	assert_string_equal(l[0].text,
	                    "3,000 segments, 150 kB, kept 30 days; oldest from 2026-11-29");
	m.retention.segments = 1;
	summary_storage(&m, l);
	assert_string_equal(l[0].text, "1 segment, 150 kB, kept 30 days; oldest from 2026-11-29");
	/* While the agent cannot save, that is said first. */
	m.retention.last_error = "writing the journal: No space left on device";
	assert_int_equal(summary_storage(&m, l), 2);
	assert_string_equal(l[0].label, "Storage");
	assert_string_equal(l[0].text,
	                    "Not saved to disk: writing the journal: No space left on device");
	assert_int_equal(l[0].tone, SUMMARY_WARN);
	assert_string_equal(l[1].label, "");
	assert_string_equal(l[1].text, "1 segment, 150 kB, kept 30 days; oldest from 2026-11-29");
	m.retention.last_error = "";
	assert_int_equal(summary_storage(&m, l), 1);
	m.retention.last_error = NULL;

	/* The pause budget, exact to what is left under ten minutes. */
	m.max_pause_seconds = 1800;
	m.budget_seconds = 120;
	m.budget_left = 119;
	m.paused_until = 0;
	summary_pause(&m, T0, l);
	assert_string_equal(l[0].text, "1 min 59 s of 2 min left today, up to 30 min at a time");
	m.budget_seconds = 7200;
	m.budget_left = 3599;
	summary_pause(&m, T0, l);
	assert_string_equal(l[0].text, "1 h of 2 h left today, up to 30 min at a time");

	m.power = (struct model_power){.estimated_mw = 40,
	                               .cpu_percent = 0.3,
	                               .wakeups_per_second = 1.25,
	                               .measured_mw = 5200,
	                               .battery_percent = -1};
	assert_int_equal(summary_power(&m, true, true, l), 2);
	assert_string_equal(l[0].text,
	                    "Agent ≈ 40 mW, 0.3% CPU, 1.2 wakeups a second; on mains power");
	assert_string_equal(l[1].text, "The processor draws 5.2 W in all (measured)");
	model_fini(&m);
}

/* ---- the sparkline ring ---- */

/* What the review hold keeps back: in the status's upload lines, to the
 * second; nothing said when nothing is held or nothing leaves. */
static void test_summary_held(void **state)
{
	(void)state;
	struct model m;
	struct summary_line l[SUMMARY_MAX_LINES];
	char buf[160];
	model_init(&m);
	m.upload.endpoint = xstrdup("ingest.example.com");
	summary_held(&m, T0, 0, buf, sizeof buf);
	assert_string_equal(buf, "");
	m.upload.held_bytes = 1234;
	m.upload.next_release = T0 + 3600 * USEC_PER_SEC + 5 * USEC_PER_SEC;
	summary_held(&m, T0, 0, buf, sizeof buf);
	assert_string_equal(buf, "Held for your review: 1.2 kB; the next part leaves at 08:03:29");
	summary_held(&m, T0, 1, buf, sizeof buf);
	assert_string_equal(buf, "Held 1.2 kB, next leaves 08:03:29");
	int n = summary_upload(&m, T0, l);
	assert_int_equal(n, 3);
	assert_string_equal(l[2].label, "");
	assert_string_equal(l[2].text,
	                    "Held for your review: 1.2 kB; the next part leaves at 08:03:29");
	/* Another day: the date too. */
	m.upload.next_release = T0 + 86400 * USEC_PER_SEC;
	summary_held(&m, T0, 0, buf, sizeof buf);
	assert_string_equal(
	    buf, "Held for your review: 1.2 kB; the next part leaves at 2026-11-30 07:03:24");
	m.upload.next_release = T0;
	summary_held(&m, T0, 0, buf, sizeof buf);
	assert_string_equal(buf, "Held for your review: 1.2 kB; the next part may leave now");
	summary_held(&m, T0, 1, buf, sizeof buf);
	assert_string_equal(buf, "Held 1.2 kB, next may leave now");
	free(m.upload.endpoint);
	m.upload.endpoint = xstrdup("");
	summary_held(&m, T0, 0, buf, sizeof buf);
	assert_string_equal(buf, "");
	model_fini(&m);
}

static void test_spark(void **state)
{
	(void)state;
	struct model_spark s = {0};
	double v[6];
	const uint64_t slot = MODEL_SPARK_SLOT_USEC, base = 1000 * slot;

	assert_int_equal(model_spark_values(&s, base, v, 6), 0);
	assert_true(isnan(v[5]));
	model_spark_add(&s, base, 5);
	model_spark_add(&s, base + slot / 2, 3); /* same slot: the largest stays */
	model_spark_add(&s, base + 3 * slot, 8);
	/* Slots without an update hold the value before; none before the
	 * first; up to now the last value carries on. */
	assert_int_equal(model_spark_values(&s, base + 5 * slot, v, 6), 6);
	assert_true(v[0] == 5 && v[1] == 3 && v[2] == 3 && v[3] == 8 && v[4] == 8 && v[5] == 8);
	assert_int_equal(model_spark_values(&s, base + 3 * slot, v, 6), 4);
	assert_true(isnan(v[0]) && isnan(v[1]) && v[2] == 5 && v[5] == 8);
	/* Far later: the old slots are gone, the last value remains. */
	model_spark_add(&s, base + 500 * slot, 1);
	assert_int_equal(model_spark_values(&s, base + 500 * slot, v, 2), 2);
	assert_true(v[0] == 8 && v[1] == 1);
	model_spark_add(&s, base + 501 * slot, NAN);
	model_spark_values(&s, base + 501 * slot, v, 1);
	assert_true(v[0] == 0);
}

/* ---- messages bound to a state ---- */

static void set_state(struct model *m, const char *state, uint64_t until)
{
	free(m->state);
	m->state = xstrdup(state);
	m->paused_until = until;
}

static void test_message_binding(void **state)
{
	(void)state;
	struct model m;
	struct ui ui;
	struct keys k;
	keys_init(&k);
	ui_init(&ui, &k, "session");
	model_init(&m);
	model_set_link(&m, MODEL_LINK_LIVE, ":1.1");
	set_state(&m, "collecting", 0);

	/* The reply comes before the signal: the message waits for the
	 * pause to show, then goes when it ends (a resume from elsewhere). */
	ui_message(&ui, false, "Paused until 07:33.");
	ui_message_bind(&ui, UI_MSG_WHILE_PAUSED_UNTIL, T0);
	assert_false(ui_message_expire(&ui, &m));
	assert_non_null(ui.message);
	set_state(&m, "paused", T0);
	assert_false(ui_message_expire(&ui, &m));
	set_state(&m, "collecting", 0);
	assert_true(ui_message_expire(&ui, &m));
	assert_null(ui.message);

	/* A pause replaced by another one: the old end is no longer true. */
	set_state(&m, "paused", T0);
	ui_message(&ui, false, "Paused until 07:33.");
	ui_message_bind(&ui, UI_MSG_WHILE_PAUSED_UNTIL, T0);
	assert_false(ui_message_expire(&ui, &m));
	set_state(&m, "paused", T0 + 60 * USEC_PER_SEC);
	assert_true(ui_message_expire(&ui, &m));

	ui_message(&ui, false, "Resumed.");
	ui_message_bind(&ui, UI_MSG_WHILE_NOT_PAUSED, 0);
	assert_false(ui_message_expire(&ui, &m)); /* still paused: not seen yet */
	set_state(&m, "idle", 0);
	assert_false(ui_message_expire(&ui, &m));
	set_state(&m, "paused", T0);
	assert_true(ui_message_expire(&ui, &m));

	/* "the agent is not reachable" goes when it is again. */
	model_set_link(&m, MODEL_LINK_GONE, NULL);
	ui_message(&ui, true, "Not paused: the agent is not reachable.");
	ui_message_bind(&ui, UI_MSG_WHILE_UNREACHABLE, 0);
	assert_false(ui_message_expire(&ui, &m));
	model_set_link(&m, MODEL_LINK_LIVE, ":1.2");
	assert_true(ui_message_expire(&ui, &m));

	/* Others stay until the next key. */
	ui_message(&ui, false, "Forgot 3 events.");
	model_set_link(&m, MODEL_LINK_GONE, NULL);
	assert_false(ui_message_expire(&ui, &m));
	assert_string_equal(ui.message, "Forgot 3 events.");
	model_fini(&m);
	ui_fini(&ui);
}

static void row_free(void *row)
{
	(void)row;
}

/* A list seen empty is asked for again once refreshed, and only then. */
static void test_pages_empty_refresh(void **state)
{
	struct pages p;
	uint64_t numbers[PAGES_SLOTS];
	int64_t shift;
	(void)state;
	pages_init(&p, 100, sizeof(int), row_free);
	assert_int_equal(pages_want(&p, 0, 20, numbers, PAGES_SLOTS), 1);
	assert_int_equal(numbers[0], 0);
	assert_true(pages_fill(&p, 0, p.gen, 0, NULL, 0, &shift));
	assert_true(p.known);
	assert_int_equal(p.total, 0);
	/* Nothing changed: nothing to ask. */
	assert_int_equal(pages_want(&p, 0, 20, numbers, PAGES_SLOTS), 0);
	/* The agent said the spool changed: page 0 again. */
	pages_refresh(&p);
	assert_int_equal(pages_want(&p, 0, 20, numbers, PAGES_SLOTS), 1);
	assert_int_equal(numbers[0], 0);
	assert_int_equal(pages_want(&p, 0, 20, numbers, PAGES_SLOTS), 0); /* on its way */
	int *rows = malloc(2 * sizeof *rows);
	rows[0] = 7;
	rows[1] = 8;
	assert_true(pages_fill(&p, 0, p.gen, 2, rows, 2, &shift));
	assert_int_equal(p.total, 2);
	assert_int_equal(*(const int *)pages_row(&p, 1), 8);
	/* A view scrolled past the end of a list that shrank: its last page
	 * stands for the rows it shows. */
	pages_refresh(&p);
	assert_int_equal(pages_want(&p, 150, 20, numbers, PAGES_SLOTS), 1);
	assert_int_equal(numbers[0], 0);
	pages_fini(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_detail),
	    cmocka_unit_test(test_json_line),
	    cmocka_unit_test(test_since),
	    cmocka_unit_test(test_export_merge),
	    cmocka_unit_test(test_export_since_and_errors),
	    cmocka_unit_test(test_export_csv),
	    cmocka_unit_test(test_summary),
	    cmocka_unit_test(test_summary_held),
	    cmocka_unit_test(test_spark),
	    cmocka_unit_test(test_message_binding),
	    cmocka_unit_test(test_pages_empty_refresh),
	};
	return cmocka_run_group_tests(tests, utc, NULL);
}
