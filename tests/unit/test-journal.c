/* The journal on its own: records written and read back, every truncation
 * and every flipped bit of a short journal with the exact events that
 * survive, records found twice, a failed write taken back, format 1. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "store/journal.h"
#include "util.h"

#define T0 (1800000000ULL * USEC_PER_SEC)

static char dir[64], path[96];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/capctl-journal-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/0000000000000007.keyboard.jnl", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

static struct event key(uint32_t i)
{
	return (struct event){.time = T0 + i * 1000,
	                      .stream = STREAM_KEYBOARD,
	                      .kind = i % 2 ? EV_KEY_RELEASE : EV_KEY_PRESS,
	                      .code = (int32_t)(16 + i % 7)};
}

/* Events first .. first + n - 1, as one record's columns. */
static void batch(struct seg_cols *c, uint32_t first, uint32_t n)
{
	struct event e = key(first);
	seg_cols_init(c, e.time);
	for (uint32_t i = first; i < first + n; i++) {
		e = key(i);
		seg_cols_add(c, &e);
	}
}

static size_t file_size(const char *p)
{
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	return (size_t)st.st_size;
}

static uint8_t *slurp(const char *p, size_t *len)
{
	*len = file_size(p);
	uint8_t *data = xmalloc(*len + 1);
	int fd = open(p, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, data, *len), (ssize_t)*len);
	close(fd);
	return data;
}

/* The events scanned are exactly keys want[0..n-1], in that order. */
static void assert_events(const struct seg_cols *c, const uint32_t *want, uint32_t n)
{
	assert_int_equal(c->n, n);
	if (!n)
		return;
	struct buf payload = {0};
	struct seg_events ev;
	seg_cols_payload(c, &payload);
	assert_int_equal(payload_decode(payload.p, payload.len, &ev), 0);
	for (uint32_t i = 0; i < n; i++) {
		struct event e, k = key(want[i]);
		seg_events_get(&ev, i, STREAM_KEYBOARD, &e);
		assert_int_equal(e.time, k.time);
		assert_int_equal(e.kind, k.kind);
		assert_int_equal(e.code, k.code);
	}
	seg_events_fini(&ev);
	buf_free(&payload);
}

/* A journal of records of 3, 4 and 5 events; ends[] where each ends. */
static uint8_t *three_records(size_t ends[3], size_t *len)
{
	struct journal j;
	journal_init(&j);
	assert_int_equal(journal_create(&j, dir, path, 7, STREAM_KEYBOARD), 0);
	assert_int_equal(j.good, JOURNAL_HEADER_SIZE);
	static const uint32_t sizes[3] = {3, 4, 5};
	for (uint32_t r = 0, first = 0; r < 3; first += sizes[r++]) {
		struct seg_cols c;
		batch(&c, first, sizes[r]);
		assert_int_equal(journal_append(&j, &c), 0);
		seg_cols_fini(&c);
		ends[r] = file_size(path);
		assert_int_equal(j.good, ends[r]);
	}
	assert_int_equal(j.events, 12);
	journal_close(&j);
	return slurp(path, len);
}

static void test_round_trip(void **state)
{
	(void)state;
	size_t ends[3], len;
	uint8_t *data = three_records(ends, &len);
	struct seg_cols c;
	struct journal_scan info;
	journal_scan(data, len, 2, STREAM_KEYBOARD, &c, &info);
	static const uint32_t all[12] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
	assert_events(&c, all, 12);
	assert_int_equal(info.id, 7);
	assert_int_equal(info.stream, STREAM_KEYBOARD);
	assert_int_equal(info.records, 3);
	assert_int_equal(info.damaged + info.missing + info.repeated + info.bad_bytes, 0);
	assert_int_equal(c.first, T0);
	assert_int_equal(c.last, T0 + 11000);
	seg_cols_fini(&c);
	free(data);
}

static void test_every_truncation(void **state)
{
	(void)state;
	size_t ends[3], len;
	uint8_t *data = three_records(ends, &len);
	static const uint32_t all[12] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
	static const uint32_t counts[3] = {3, 7, 12};
	for (size_t cut = 0; cut <= len; cut++) {
		struct seg_cols c;
		struct journal_scan info;
		uint32_t want = 0;
		for (int r = 0; r < 3; r++)
			if (ends[r] <= cut)
				want = counts[r];
		journal_scan(data, cut, 2, STREAM_KEYBOARD, &c, &info);
		assert_events(&c, all, want);
		assert_int_equal(info.id, cut >= JOURNAL_HEADER_SIZE ? 7 : 0);
		/* Whatever is past the last whole record is one damaged tail. */
		size_t whole = cut < JOURNAL_HEADER_SIZE ? 0 : JOURNAL_HEADER_SIZE;
		for (int r = 0; r < 3; r++)
			if (ends[r] <= cut)
				whole = ends[r];
		assert_int_equal(info.bad_bytes, cut - whole);
		assert_int_equal(info.damaged, cut > whole);
		seg_cols_fini(&c);
	}
	free(data);
}

static void test_every_bit_flipped(void **state)
{
	(void)state;
	size_t ends[3], len;
	uint8_t *data = three_records(ends, &len);
	static const uint32_t first[3] = {0, 3, 7}, n[3] = {3, 4, 5};
	for (size_t at = 0; at < len; at++)
		for (int bit = 0; bit < 8; bit++) {
			data[at] ^= (uint8_t)(1u << bit);
			/* The record holding the bit is lost, and only it; a
			 * damaged header costs nothing. */
			int hit = -1;
			for (int r = 0; r < 3; r++)
				if (at < ends[r] &&
				    (r == 0 ? at >= JOURNAL_HEADER_SIZE : at >= ends[r - 1])) {
					hit = r;
					break;
				}
			uint32_t want[12], k = 0;
			for (int r = 0; r < 3; r++)
				for (uint32_t i = 0; r != hit && i < n[r]; i++)
					want[k++] = first[r] + i;
			struct seg_cols c;
			struct journal_scan info;
			journal_scan(data, len, 2, STREAM_KEYBOARD, &c, &info);
			assert_events(&c, want, k);
			assert_int_equal(info.id, hit < 0 ? 0 : 7);
			assert_int_equal(info.damaged, hit >= 0);
			assert_int_equal(info.missing, hit >= 0 && hit < 2 ? n[hit] : 0);
			seg_cols_fini(&c);
			data[at] ^= (uint8_t)(1u << bit);
		}
	free(data);
}

static void test_repeats_and_gaps(void **state)
{
	(void)state;
	struct journal j;
	struct seg_cols c;
	journal_init(&j);
	assert_int_equal(journal_create(&j, dir, path, 7, STREAM_KEYBOARD), 0);
	/* 0-3, then 2-5 (a write reported failed that landed all the same),
	 * then 8-9 (6 and 7 went with a record lost). */
	static const uint32_t firsts[3] = {0, 2, 8}, sizes[3] = {4, 4, 2};
	for (int r = 0; r < 3; r++) {
		j.events = firsts[r];
		batch(&c, firsts[r], sizes[r]);
		assert_int_equal(journal_append(&j, &c), 0);
		seg_cols_fini(&c);
	}
	journal_close(&j);
	size_t len;
	uint8_t *data = slurp(path, &len);
	struct journal_scan info;
	journal_scan(data, len, 2, STREAM_KEYBOARD, &c, &info);
	static const uint32_t want[8] = {0, 1, 2, 3, 4, 5, 8, 9};
	assert_events(&c, want, 8);
	assert_int_equal(info.repeated, 2);
	assert_int_equal(info.missing, 2);
	assert_int_equal(info.damaged, 0);
	seg_cols_fini(&c);
	free(data);
}

/* A write cut short by the file size limit, as a full disk cuts it. */
static void test_failed_write_taken_back(void **state)
{
	(void)state;
	struct journal j;
	struct seg_cols c;
	struct rlimit old, lim;
	journal_init(&j);
	assert_int_equal(journal_create(&j, dir, path, 7, STREAM_KEYBOARD), 0);
	batch(&c, 0, 3);
	assert_int_equal(journal_append(&j, &c), 0);
	seg_cols_fini(&c);
	size_t good = file_size(path);

	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = good + 10; /* room for part of the next record */
	batch(&c, 3, 4);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	int r = journal_append(&j, &c);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(r, -EFBIG);
	assert_int_equal(file_size(path), good);
	assert_int_equal(j.good, good);
	assert_int_equal(j.events, 3);
	assert_false(j.torn);
	/* The same events go in the next record, behind the good ones. */
	assert_int_equal(journal_append(&j, &c), 0);
	seg_cols_fini(&c);
	journal_close(&j);

	size_t len;
	uint8_t *data = slurp(path, &len);
	struct journal_scan info;
	journal_scan(data, len, 2, STREAM_KEYBOARD, &c, &info);
	static const uint32_t want[7] = {0, 1, 2, 3, 4, 5, 6};
	assert_events(&c, want, 7);
	assert_int_equal(info.damaged, 0);
	seg_cols_fini(&c);
	free(data);
}

static void test_rewrite(void **state)
{
	(void)state;
	struct journal j;
	struct seg_cols c;
	journal_init(&j);
	assert_int_equal(journal_create(&j, dir, path, 7, STREAM_KEYBOARD), 0);
	batch(&c, 0, 5);
	assert_int_equal(journal_append(&j, &c), 0);
	seg_cols_fini(&c);
	batch(&c, 0, 2);
	assert_int_equal(journal_rewrite(&j, dir, path, 7, STREAM_KEYBOARD, &c), 0);
	seg_cols_fini(&c);
	assert_int_equal(j.events, 2);
	batch(&c, 2, 1);
	assert_int_equal(journal_append(&j, &c), 0);
	seg_cols_fini(&c);
	journal_close(&j);
	size_t len;
	uint8_t *data = slurp(path, &len);
	struct journal_scan info;
	journal_scan(data, len, 2, STREAM_KEYBOARD, &c, &info);
	static const uint32_t want[3] = {0, 1, 2};
	assert_events(&c, want, 3);
	assert_int_equal(info.records, 2);
	seg_cols_fini(&c);
	free(data);
	char *tmp = xasprintf("%s.new", path);
	assert_int_equal(access(tmp, F_OK), -1);
	free(tmp);
}

static void test_format_1(void **state)
{
	(void)state;
	struct buf b = {0}, p1 = {0}, p2 = {0};
	struct seg_cols c;
	buf_put(&b, "CAPJNL\0\1\x09\0\0\0\0\0\0\0", 16);
	batch(&c, 0, 2);
	seg_cols_payload(&c, &p1);
	seg_cols_fini(&c);
	batch(&c, 2, 3);
	seg_cols_payload(&c, &p2);
	seg_cols_fini(&c);
	const struct buf *p[2] = {&p1, &p2};
	for (int i = 0; i < 2; i++) {
		uint32_t len = (uint32_t)p[i]->len, crc = crc32c(0, p[i]->p, p[i]->len);
		uint8_t head[8];
		for (int k = 0; k < 4; k++) {
			head[k] = (uint8_t)(len >> (8 * k));
			head[4 + k] = (uint8_t)(crc >> (8 * k));
		}
		buf_put(&b, head, 8);
		buf_put(&b, p[i]->p, p[i]->len);
	}
	struct journal_scan info;
	journal_scan(b.p, b.len, 1, STREAM_KEYBOARD, &c, &info);
	static const uint32_t want[5] = {0, 1, 2, 3, 4};
	assert_events(&c, want, 5);
	assert_int_equal(info.id, 9);
	seg_cols_fini(&c);
	/* Format 1 stops at its first bad record. */
	b.p[16 + 8] ^= 1;
	journal_scan(b.p, b.len, 1, STREAM_KEYBOARD, &c, &info);
	assert_int_equal(c.n, 0);
	assert_int_equal(info.damaged, 1);
	seg_cols_fini(&c);
	buf_free(&b);
	buf_free(&p1);
	buf_free(&p2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_every_truncation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_every_bit_flipped, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_repeats_and_gaps, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failed_write_taken_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rewrite, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_format_1, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
