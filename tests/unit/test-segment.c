/* The segment codec: round trips of edge values and random data, the
 * checksum catching any flipped byte, malformed payloads refused, and the
 * reason given for each kind of damage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include <zstd.h>

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
	assert_int_equal(segment_encode(&c, st, 77, &file), 0);
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
	assert_int_equal(segment_encode(&c, STREAM_MOTION, 5, &file), 0);
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

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The CRC written again after a field was changed on purpose. */
static void recrc(struct buf *file)
{
	static const uint8_t zero[4] = {0};
	uint32_t crc = crc32c(0, file->p, 48);
	crc = crc32c(crc, zero, 4);
	crc = crc32c(crc, file->p + 52, file->len - 52);
	put32(file->p + 48, crc);
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A format 1 file, as the release before wrote it (doc/formats.md): the
 * agent writes only format 2 now, and must still read these. */
static void encode_v1(const struct seg_cols *c, enum stream s, uint64_t id, struct buf *out)
{
	struct buf payload = {0};
	seg_cols_payload(c, &payload);
	size_t bound = ZSTD_compressBound(payload.len);
	uint8_t *z = xmalloc(bound);
	size_t zn = ZSTD_compress(z, bound, payload.p, payload.len, 3);
	assert_false(ZSTD_isError(zn));
	uint8_t h[SEGMENT_HEADER_SIZE] = {'C', 'A', 'P', 'S', 'E', 'G', 0, 1};
	put64(h + 8, id);
	put64(h + 16, c->first);
	put64(h + 24, c->last);
	put32(h + 32, c->n);
	put32(h + 36, (uint32_t)payload.len);
	put32(h + 40, (uint32_t)zn);
	h[44] = (uint8_t)s;
	h[45] = 1;
	out->len = 0;
	buf_put(out, h, sizeof h);
	buf_put(out, z, zn);
	recrc(out);
	free(z);
	buf_free(&payload);
}

static enum seg_fault fault_of(const struct buf *file, size_t len)
{
	struct seg_header h;
	struct seg_events ev;
	enum seg_fault f = segment_decode_fault(file->p, len, &h, &ev);
	if (f == SEG_OK)
		seg_events_fini(&ev);
	else
		assert_int_equal(segment_decode(file->p, len, &h, &ev), -EBADMSG);
	return f;
}

/* A copy of good, changed at byte at to v, its CRC made right again or not. */
static enum seg_fault fault_with(const struct buf *good, size_t at, uint8_t v, bool fix_crc)
{
	struct buf b = {0};
	buf_put(&b, good->p, good->len);
	b.p[at] = v;
	if (fix_crc)
		recrc(&b);
	enum seg_fault f = fault_of(&b, b.len);
	buf_free(&b);
	return f;
}

static void test_faults(void **state)
{
	(void)state;
	struct seg_cols c;
	struct buf good = {0}, b = {0};
	size_t size = 0;
	seg_cols_init(&c, 1000);
	for (int i = 0; i < 20; i++) {
		struct event e = {.time = 1000 + (uint64_t)i * 10, .kind = EV_KEY_PRESS, .code = i};
		seg_cols_add(&c, &e);
	}
	encode_v1(&c, STREAM_KEYBOARD, 9, &good);
	assert_int_equal(fault_of(&good, good.len), SEG_OK);
	assert_int_equal(segment_size(good.p, SEGMENT_HEADER_SIZE, &size), SEG_OK);
	assert_int_equal(size, good.len);

	assert_int_equal(fault_of(&good, SEGMENT_HEADER_SIZE - 1), SEG_SHORT);
	assert_int_equal(segment_size(good.p, SEGMENT_HEADER_SIZE - 1, &size), SEG_SHORT);
	assert_int_equal(fault_of(&good, good.len - 1), SEG_LENGTH);
	assert_int_equal(fault_with(&good, 0, 'X', false), SEG_MAGIC);
	assert_int_equal(fault_with(&good, 6, 1, false), SEG_MAGIC);
	assert_int_equal(fault_with(&good, 7, 3, false), SEG_VERSION);
	assert_int_equal(fault_with(&good, 7, 0, false), SEG_VERSION);
	assert_int_equal(fault_with(&good, 45, 2, false), SEG_VERSION);
	assert_int_equal(fault_with(&good, 44, N_STREAMS, true), SEG_HEADER);
	assert_int_equal(fault_with(&good, 35, 0x01, true), SEG_HEADER); /* 16 M events */
	assert_int_equal(fault_with(&good, 39, 0x10, true), SEG_HEADER); /* raw_len 256 M + */
	assert_int_equal(fault_with(&good, 23, 1, true), SEG_HEADER);    /* start after end */
	assert_int_equal(fault_with(&good, good.len - 1, good.p[good.len - 1] ^ 1, false),
	                 SEG_CHECKSUM);
	assert_int_equal(fault_with(&good, 48, good.p[48] ^ 1, false), SEG_CHECKSUM);
	assert_int_equal(fault_with(&good, 36, (uint8_t)(good.p[36] + 1), true), SEG_COMPRESSION);
	assert_int_equal(fault_with(&good, 32, 21, true), SEG_SUMMARY);   /* events 21 */
	assert_int_equal(fault_with(&good, 16, 0xe9, true), SEG_SUMMARY); /* start 1001 */

	/* A stored length no zstd frame of SEGMENT_MAX_RAW needs. */
	buf_put(&b, good.p, SEGMENT_HEADER_SIZE);
	put32(b.p + 40, SEGMENT_MAX_STORED + 1);
	assert_int_equal(segment_size(b.p, b.len, &size), SEG_HEADER);
	put32(b.p + 40, SEGMENT_MAX_STORED);
	assert_int_equal(segment_size(b.p, b.len, &size), SEG_OK);
	assert_int_equal(size, SEGMENT_HEADER_SIZE + (size_t)SEGMENT_MAX_STORED);

	/* A sound frame of a payload that does not decode (a kind of 40). */
	static const uint8_t bad_kind[] = {1, 0, 1, 1, 1, 1, 1, 1, 0, 80, 0, 0, 0, 0};
	uint8_t z[64];
	size_t zn = ZSTD_compress(z, sizeof z, bad_kind, sizeof bad_kind, 1);
	assert_false(ZSTD_isError(zn));
	b.len = 0;
	buf_put(&b, good.p, SEGMENT_HEADER_SIZE);
	buf_put(&b, z, zn);
	memset(b.p + 16, 0, 16); /* start and end 0 */
	put32(b.p + 32, 1);
	put32(b.p + 36, sizeof bad_kind);
	put32(b.p + 40, (uint32_t)zn);
	recrc(&b);
	assert_int_equal(fault_of(&b, b.len), SEG_PAYLOAD);

	seg_cols_fini(&c);
	buf_free(&good);
	buf_free(&b);
}

/* The CRC of a format 2 file written again after a change on purpose. */
static void recrc2(struct buf *file)
{
	put32(file->p + 8, crc32c(0, file->p + 12, file->len - 12));
}

static enum seg_fault fault2_with(const struct buf *good, size_t at, uint8_t v)
{
	struct buf b = {0};
	buf_put(&b, good->p, good->len);
	b.p[at] = v;
	recrc2(&b);
	enum seg_fault f = fault_of(&b, b.len);
	buf_free(&b);
	return f;
}

/* Format 2's faults, each named. The header of this file, byte by byte:
 * magic 0-7, CRC 8-11, size 12, id 13, zigzag(start - id) 14-15,
 * end - start 16-17, events 18, stream 19, mask 20. */
static void test_faults2(void **state)
{
	(void)state;
	struct seg_cols c;
	struct buf good = {0}, b = {0};
	size_t size = 0;
	seg_cols_init(&c, 1000);
	for (int i = 0; i < 20; i++) {
		struct event e = {.time = 1000 + (uint64_t)i * 10, .kind = EV_KEY_PRESS, .code = i};
		seg_cols_add(&c, &e);
	}
	assert_int_equal(segment_encode(&c, STREAM_KEYBOARD, 9, &good), 0);
	assert_int_equal(good.p[12], good.len - 13);
	assert_int_equal(good.p[13], 9);
	assert_int_equal(good.p[16] | (good.p[17] & 0x7f) << 7, 190);
	assert_int_equal(good.p[18], 20);
	assert_int_equal(good.p[19], STREAM_KEYBOARD);
	assert_int_equal(good.p[20], 1 | 2 | 4 | 16 | 32); /* all but the code constant, priors */
	assert_int_equal(fault_of(&good, good.len), SEG_OK);
	assert_int_equal(segment_size(good.p, 13, &size), SEG_OK);
	assert_int_equal(size, good.len);
	assert_int_equal(segment_size(good.p, 12, &size), SEG_SHORT);
	assert_int_equal(fault_of(&good, 7), SEG_SHORT);
	assert_int_equal(fault_of(&good, 12), SEG_SHORT);
	assert_int_equal(fault_of(&good, good.len - 1), SEG_LENGTH);
	buf_put(&b, good.p, good.len);
	buf_put(&b, "", 1);
	assert_int_equal(fault_of(&b, b.len), SEG_LENGTH);
	/* A size that never ends, and the largest one. */
	memcpy(b.p + 12, "\x80\x80\x80\x80", 4);
	assert_int_equal(segment_size(b.p, 16, &size), SEG_HEADER);
	assert_int_equal(segment_size(b.p, 15, &size), SEG_SHORT);
	memcpy(b.p + 12, "\xff\xff\xff\x7f", 4);
	assert_int_equal(segment_size(b.p, 16, &size), SEG_OK);
	assert_int_equal(size, 16 + (size_t)0x0fffffff);
	assert_int_equal(fault2_with(&good, 0, 'X'), SEG_MAGIC);
	assert_int_equal(fault2_with(&good, 7, 3), SEG_VERSION);
	assert_int_equal(fault_with(&good, good.len - 1, good.p[good.len - 1] ^ 1, false),
	                 SEG_CHECKSUM);
	assert_int_equal(fault_with(&good, 9, good.p[9] ^ 1, false), SEG_CHECKSUM);
	assert_int_equal(fault2_with(&good, 19, N_STREAMS), SEG_HEADER);
	assert_int_equal(fault2_with(&good, 20, 64), SEG_HEADER);
	assert_int_equal(fault2_with(&good, 18, 0x80), SEG_HEADER); /* the varints shift */
	assert_int_equal(fault2_with(&good, 16, (uint8_t)(good.p[16] + 1)), SEG_SUMMARY);
	assert_int_equal(fault2_with(&good, 16, (uint8_t)(good.p[16] - 1)), SEG_PAYLOAD);
	assert_int_equal(fault2_with(&good, 18, 21), SEG_PAYLOAD);
	seg_cols_fini(&c);
	buf_free(&good);
	buf_free(&b);
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
	assert_int_equal(segment_encode(&c, STREAM_MOTION, 1, &file), 0);
	assert_true(file.len < 2 * 10000);
	assert_int_equal(crc32c(0, "123456789", 9), 0xe3069283); /* the check value */
	seg_cols_fini(&c);
	buf_free(&file);
}

static void encode_events(const struct event *in, size_t n, enum stream st, struct buf *file)
{
	struct seg_cols c;
	seg_cols_init(&c, n ? in[0].time : 0);
	for (size_t i = 0; i < n; i++)
		seg_cols_add(&c, &in[i]);
	assert_int_equal(segment_encode(&c, st, in[0].time, file), 0);
	seg_cols_fini(&c);
}

/* Format 2: a sparse stream's segment costs a few bytes, not a fixed
 * hundred; a cut anywhere is refused; every key code and huge jumps in
 * time come back. */
static void test_format2(void **state)
{
	(void)state;
	struct buf file = {0};
	struct seg_header h;
	struct seg_events ev;
	struct event one = {
	    .time = 1800000000000000ULL, .kind = EV_BUTTON_PRESS, .x = 10, .y = 20, .code = 1};
	encode_events(&one, 1, STREAM_BUTTON, &file);
	assert_memory_equal(file.p, "CAPSEG\0\2", 8);
	assert_true(file.len <= 32);
	check_round_trip(&one, 1, STREAM_BUTTON);
	/* Equal times, every key code, a jump of years and back. */
	static struct event keys[2 * 768];
	for (int i = 0; i < 768; i++) {
		uint64_t t = one.time + (uint64_t)(i / 3) * 1000;
		keys[2 * i] = (struct event){.time = t, .kind = EV_KEY_PRESS, .code = i};
		keys[2 * i + 1] = (struct event){.time = t, .kind = EV_KEY_RELEASE, .code = i};
	}
	keys[700].time = UINT64_MAX - 1;
	keys[701].time = 1;
	check_round_trip(keys, 2 * 768, STREAM_KEYBOARD);
	/* Focus titles that come back after others, and long ones. */
	static struct event focus[40];
	for (int i = 0; i < 40; i++) {
		focus[i] = (struct event){.time = one.time + (uint64_t)i, .kind = EV_FOCUS};
		if (i % 7 == 6)
			memset(focus[i].text, 'a' + i % 26, EVENT_TEXT_MAX - 1);
		else
			snprintf(focus[i].text, sizeof focus[i].text, "app%d\ttitle %d", i % 17,
			         i % 5);
	}
	check_round_trip(focus, 40, STREAM_FOCUS);
	/* Every shorter file is refused. */
	buf_free(&file);
	encode_events(focus, 40, STREAM_FOCUS, &file);
	for (size_t len = 0; len < file.len; len++)
		assert_int_equal(segment_decode(file.p, len, &h, &ev), -EBADMSG);
	assert_int_equal(segment_decode(file.p, file.len, &h, &ev), 0);
	assert_int_equal(ev.n, 40);
	seg_events_fini(&ev);
	buf_free(&file);
}

/* A format 2 file the agent wrote before the priors (fuzz/corpus/segment/
 * v2-7.seg: twelve button events, its models at even odds, no flag 32)
 * still gives its events; written again, it has the flag, decodes to the
 * same and is shorter. */
static const uint8_t flat2[] = {
    0x43, 0x41, 0x50, 0x53, 0x45, 0x47, 0x00, 0x02, 0x2d, 0x4e, 0x21, 0x13, 0x39, 0x89,
    0xdb, 0x93, 0x85, 0xb3, 0xb7, 0x98, 0x03, 0x94, 0x92, 0x4d, 0xa8, 0xfb, 0x92, 0x02,
    0x0c, 0x01, 0x10, 0x01, 0xcc, 0x0f, 0x88, 0x09, 0x02, 0x00, 0x00, 0x63, 0x7f, 0xfa,
    0x4d, 0x9e, 0x28, 0xd8, 0xbc, 0x04, 0x68, 0x1c, 0x7b, 0xa5, 0xda, 0xc3, 0xe8, 0x3b,
    0x42, 0x41, 0xd8, 0x39, 0x1b, 0x08, 0xed, 0x2f, 0xe0, 0xaa, 0x28, 0x77, 0x3c, 0x6a,
};

static void test_format2_flat(void **state)
{
	(void)state;
	/* As captured --decode gave them before the priors. */
	static const uint32_t after[12] = {0,      90000,  210000, 300000, 420000,  510000,
	                                   630000, 720000, 840000, 930000, 4377000, 4505000};
	static const int32_t code[12] = {1, 1, 1, 1, 3, 3, 2, 2, 1, 1, 1, 1};
	struct seg_header h;
	struct seg_events ev, again;
	assert_int_equal(flat2[30], 16); /* the mask: the text constant, no flag 32 */
	assert_int_equal(segment_decode(flat2, sizeof flat2, &h, &ev), 0);
	assert_int_equal(ev.n, 12);
	assert_int_equal(h.stream, STREAM_BUTTON);
	for (uint32_t i = 0; i < 12; i++) {
		assert_int_equal(ev.time[i], 1796306463789587ULL + after[i]);
		assert_int_equal(ev.kind[i], i % 2 ? EV_BUTTON_RELEASE : EV_BUTTON_PRESS);
		assert_int_equal(ev.x[i], i == 0 || i == 1 ? 998 : i == 11 ? 969 : 999);
		assert_int_equal(ev.y[i], i == 11 ? 625 : 580);
		assert_int_equal(ev.code[i], code[i]);
	}
	/* Written again with its id, so its header is laid out as before. */
	struct seg_cols c;
	seg_cols_init(&c, ev.time[0]);
	for (uint32_t i = 0; i < 12; i++) {
		struct event e;
		seg_events_get(&ev, i, STREAM_BUTTON, &e);
		seg_cols_add(&c, &e);
	}
	struct buf file = {0};
	assert_int_equal(segment_encode(&c, STREAM_BUTTON, h.id, &file), 0);
	seg_cols_fini(&c);
	assert_int_equal(file.p[30], 16 | 32);
	assert_true(file.len < sizeof flat2);
	assert_int_equal(segment_decode(file.p, file.len, &h, &again), 0);
	assert_int_equal(again.n, 12);
	for (uint32_t i = 0; i < 12; i++) {
		assert_int_equal(again.time[i], ev.time[i]);
		assert_int_equal(again.x[i], ev.x[i]);
		assert_int_equal(again.y[i], ev.y[i]);
		assert_int_equal(again.code[i], ev.code[i]);
	}
	seg_events_fini(&again);
	seg_events_fini(&ev);
	buf_free(&file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_edge_values),   cmocka_unit_test(test_random),
	    cmocka_unit_test(test_flipped_bytes), cmocka_unit_test(test_bad_payloads),
	    cmocka_unit_test(test_faults),        cmocka_unit_test(test_compact),
	    cmocka_unit_test(test_faults2),       cmocka_unit_test(test_format2),
	    cmocka_unit_test(test_format2_flat),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
