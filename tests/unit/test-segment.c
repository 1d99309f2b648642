/* The segment codec: round trips of edge values and random data, the
 * checksum catching any flipped byte, and malformed payloads refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "store/segment.h"
#include "util.h"

static void check_round_trip(const struct event *in, size_t n, enum stream st)
{
	struct seg_cols c;
	struct buf file = {0};
	struct seg_header h;
	struct seg_events ev;
	seg_cols_init(&c, n ? in[0].time : 0);
	for (size_t i = 0; i < n; i++)
		seg_cols_add(&c, &in[i]);
	assert_int_equal(segment_encode(&c, st, 77, 3, &file), 0);
	assert_int_equal(segment_decode(file.p, file.len, &h, &ev), 0);
	assert_int_equal(h.id, 77);
	assert_int_equal(h.stream, st);
	assert_int_equal(h.events, n);
	assert_int_equal(ev.n, n);
	for (size_t i = 0; i < n; i++) {
		struct event out;
		seg_events_get(&ev, (uint32_t)i, st, &out);
		assert_int_equal(out.time, in[i].time);
		assert_int_equal(out.kind, in[i].kind);
		assert_int_equal(out.x, in[i].x);
		assert_int_equal(out.y, in[i].y);
		assert_int_equal(out.code, in[i].code);
		assert_string_equal(out.text, in[i].text);
	}
	seg_events_fini(&ev);
	seg_cols_fini(&c);
	buf_free(&file);
}

static void test_edge_values(void **state)
{
	(void)state;
	struct event in[] = {
	    {.time = 1, .kind = EV_MOTION, .x = INT32_MIN, .y = INT32_MAX, .code = 0},
	    {.time = UINT64_MAX / 2,
	     .kind = EV_FOCUS,
	     .x = INT32_MAX,
	     .y = INT32_MIN,
	     .code = INT32_MIN},
	    {.time = 5, .kind = EV_KEY_RELEASE, .x = 0, .y = 0, .code = INT32_MAX}, /* backwards */
	    {.time = 5, .kind = EV_MOTION, .x = -1, .y = 1, .code = -1},
	};
	strcpy(in[1].text, "firefox\tA title with ünïcödé");
	strcpy(in[2].text, "letter");
	strcpy(in[3].text, "letter"); /* the same text again */
	memset(in[0].text, 0, sizeof in[0].text);
	check_round_trip(in, 4, STREAM_FOCUS);
	check_round_trip(in, 0, STREAM_MOTION);
	check_round_trip(in + 1, 1, STREAM_KEYBOARD);
	/* The longest text there is. */
	struct event big = {.time = 9, .kind = EV_FOCUS};
	memset(big.text, 'x', EVENT_TEXT_MAX - 1);
	check_round_trip(&big, 1, STREAM_FOCUS);
}

static void test_random(void **state)
{
	(void)state;
	srand(1234);
	static struct event in[5000];
	uint64_t t = 1800000000000000ULL;
	static const char *const texts[] = {"", "letter", "digit", "code\tmain.c", "x"};
	for (int round = 0; round < 20; round++) {
		size_t n = (size_t)(rand() % 5000);
		for (size_t i = 0; i < n; i++) {
			t += (uint64_t)(rand() % 100000);
			in[i] = (struct event){.time = t,
			                       .kind = (enum event_kind)(rand() % N_EVENT_KINDS),
			                       .x = rand() % 4000 - 2000,
			                       .y = (rand() % 2) ? rand() : -rand(),
			                       .code = rand() % 300};
			snprintf(in[i].text, sizeof in[i].text, "%s", texts[rand() % 5]);
		}
		check_round_trip(in, n, (enum stream)(round % N_STREAMS));
	}
}

static void test_flipped_bytes(void **state)
{
	(void)state;
	struct seg_cols c;
	struct buf file = {0};
	struct seg_header h;
	struct seg_events ev;
	seg_cols_init(&c, 1000);
	for (int i = 0; i < 300; i++) {
		struct event e = {
		    .time = 1000 + (uint64_t)i * 8000, .kind = EV_MOTION, .x = i, .y = 2 * i};
		seg_cols_add(&c, &e);
	}
	assert_int_equal(segment_encode(&c, STREAM_MOTION, 5, 3, &file), 0);
	/* Every single flipped bit anywhere in the file is caught. */
	for (size_t i = 0; i < file.len; i++)
		for (int bit = 0; bit < 8; bit++) {
			file.p[i] ^= (uint8_t)(1 << bit);
			if (segment_decode(file.p, file.len, &h, &ev) == 0)
				fail_msg("flipping bit %d of byte %zu went unnoticed", bit, i);
			file.p[i] ^= (uint8_t)(1 << bit);
		}
	assert_int_equal(segment_decode(file.p, file.len, &h, &ev), 0);
	seg_events_fini(&ev);
	/* Cut short, or with bytes after it. */
	assert_int_equal(segment_check(file.p, file.len - 1, &h), -EBADMSG);
	assert_int_equal(segment_check(file.p, 10, &h), -EBADMSG);
	seg_cols_fini(&c);
	buf_free(&file);
}

static void test_bad_payloads(void **state)
{
	(void)state;
	struct seg_events ev;
	static const uint8_t too_many[] = {0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0, 0, 0, 0, 0, 0};
	static const uint8_t col_too_long[] = {1, 0, 5, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0};
	static const uint8_t bad_kind[] = {1, 0, 1, 1, 1, 1, 1, 1, 0, 40, 0, 0, 0, 0};
	static const uint8_t text_past_end[] = {1, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 9};
	static const uint8_t trailing[] = {0, 0, 0, 0, 0, 0, 0, 0, 7};
	static const uint8_t truncated_varint[] = {0x80};
	assert_int_equal(payload_decode(too_many, sizeof too_many, &ev), -EBADMSG);
	assert_int_equal(payload_decode(col_too_long, sizeof col_too_long, &ev), -EBADMSG);
	assert_int_equal(payload_decode(bad_kind, sizeof bad_kind, &ev), -EBADMSG);
	assert_int_equal(payload_decode(text_past_end, sizeof text_past_end, &ev), -EBADMSG);
	assert_int_equal(payload_decode(trailing, sizeof trailing, &ev), -EBADMSG);
	assert_int_equal(payload_decode(truncated_varint, sizeof truncated_varint, &ev), -EBADMSG);
	static const uint8_t empty[] = {0, 0, 0, 0, 0, 0, 0, 0};
	assert_int_equal(payload_decode(empty, sizeof empty, &ev), 0);
	assert_int_equal(ev.n, 0);
	seg_events_fini(&ev);
}

static void test_compact(void **state)
{
	/* Regular pointer motion costs well under 2 bytes an event. */
	(void)state;
	struct seg_cols c;
	struct buf file = {0};
	seg_cols_init(&c, 0);
	for (int i = 0; i < 10000; i++) {
		struct event e = {.time = (uint64_t)i * 8000,
		                  .kind = EV_MOTION,
		                  .x = 500 + i % 50,
		                  .y = 300 + (i / 7) % 40};
		seg_cols_add(&c, &e);
	}
	assert_int_equal(segment_encode(&c, STREAM_MOTION, 1, 9, &file), 0);
	assert_true(file.len < 2 * 10000);
	assert_int_equal(crc32c(0, "123456789", 9), 0xe3069283); /* the check value */
	seg_cols_fini(&c);
	buf_free(&file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_edge_values),   cmocka_unit_test(test_random),
	    cmocka_unit_test(test_flipped_bytes), cmocka_unit_test(test_bad_payloads),
	    cmocka_unit_test(test_compact),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
