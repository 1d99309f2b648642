/* The spool on a real directory: segments closed by time, the journal and
 * recovery after a crash, quarantine, forget, expiry and the size cap. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "store/spool.h"
#include "util.h"

#define S USEC_PER_SEC
#define T0 (1800000000ULL * S)

static char dir[64];
static char logged[2048];

static void on_log(const char *msg, void *data)
{
	(void)data;
	strncat(logged, msg, sizeof logged - strlen(logged) - 2);
	strcat(logged, "\n");
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/capctl-spool-XXXXXX");
	assert_non_null(mkdtemp(dir));
	logged[0] = '\0';
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

static struct spool *open_spool(void)
{
	char *error = NULL;
	struct spool *s = spool_open(dir, 3, on_log, NULL, &error);
	assert_non_null(s);
	return s;
}

static struct event key(uint64_t t, int32_t code)
{
	return (struct event){
	    .time = t, .stream = STREAM_KEYBOARD, .kind = EV_KEY_PRESS, .code = code};
}

static void test_segments_close_by_time(void **state)
{
	(void)state;
	struct spool *s = open_spool();
	for (int i = 0; i < 25; i++) {
		struct event e = key(T0 + (uint64_t)i * S, i);
		spool_add(s, &e, 10);
	}
	/* 0..9 and 10..19 closed when the next event came; 20..24 open. */
	assert_int_equal(spool_count(s), 2);
	assert_int_equal(spool_newest(s, 0)->start, T0 + 10 * S);
	assert_int_equal(spool_newest(s, 0)->end, T0 + 19 * S);
	assert_int_equal(spool_newest(s, 0)->events, 10);
	assert_int_equal(spool_newest(s, 1)->start, T0);
	assert_int_equal(spool_next_close(s, 10), T0 + 30 * S);
	assert_int_equal(spool_close_due(s, T0 + 29 * S, 10), 0);
	assert_int_equal(spool_count(s), 2);
	assert_int_equal(spool_close_due(s, T0 + 30 * S, 10), 0);
	assert_int_equal(spool_count(s), 3);

	const struct seg_events *ev;
	uint64_t id = spool_newest(s, 0)->id;
	assert_int_equal(spool_read(s, id, &ev), 0);
	assert_int_equal(ev->n, 5);
	assert_int_equal(ev->code[4], 24);
	assert_int_equal(spool_read(s, 999, &ev), -ENOENT);
	assert_int_equal(spool_stream_bytes(s, STREAM_KEYBOARD), spool_bytes(s));
	assert_int_equal(spool_stream_bytes(s, STREAM_MOTION), 0);
	assert_int_equal(spool_events(s), 25);
	spool_free(s);

	/* Reopened, the index is the same. */
	s = open_spool();
	assert_int_equal(spool_count(s), 3);
	assert_int_equal(spool_find(s, id)->events, 5);
	assert_int_equal(spool_oldest(s), T0);
	spool_free(s);
}

static void test_journal_recovery(void **state)
{
	(void)state;
	struct spool *s = open_spool();
	for (int i = 0; i < 10; i++) {
		struct event e = key(T0 + (uint64_t)i * S, i);
		spool_add(s, &e, 300);
	}
	assert_int_equal(spool_unsaved(s), 10);
	assert_int_equal(spool_checkpoint(s), 10);
	assert_int_equal(spool_unsaved(s), 0);
	for (int i = 10; i < 15; i++) {
		struct event e = key(T0 + (uint64_t)i * S, i);
		spool_add(s, &e, 300);
	}
	assert_int_equal(spool_checkpoint(s), 5);
	struct event lost = key(T0 + 20 * S, 99);
	spool_add(s, &lost, 300); /* after the last checkpoint: lost in a crash */
	/* A crash: the process dies without closing anything. Simulate it by
	 * copying the directory as it is now. */
	char *copy = xasprintf("%s-copy", dir), *cmd = xasprintf("cp -a '%s' '%s'", dir, copy);
	assert_int_equal(system(cmd), 0);
	spool_free(s);
	char *rm = xasprintf("rm -rf '%s' && mv '%s' '%s'", dir, copy, dir);
	assert_int_equal(system(rm), 0);

	/* A torn record at the end is ignored. */
	char *jnl = xasprintf("%s/keyboard.jnl", dir);
	int fd = open(jnl, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "\x40\0\0\0garbage", 11), 11);
	close(fd);

	s = open_spool();
	assert_int_equal(spool_count(s), 1);
	assert_int_equal(spool_newest(s, 0)->events, 15);
	assert_non_null(strstr(logged, "recovered 15 keyboard events from the journal"));
	struct stat st;
	assert_int_equal(stat(jnl, &st), -1);
	spool_free(s);
	free(jnl);
	free(copy);
	free(cmd);
	free(rm);
}

static void test_quarantine(void **state)
{
	(void)state;
	struct spool *s = open_spool();
	for (int i = 0; i < 3; i++) {
		struct event e = key(T0 + (uint64_t)i * 20 * S, i);
		spool_add(s, &e, 10);
	}
	spool_close_due(s, 0, 0);
	assert_int_equal(spool_count(s), 3);
	uint64_t id = spool_newest(s, 1)->id;
	spool_free(s);

	char *path = xasprintf("%s/%016llx.seg", dir, (unsigned long long)id);
	int fd = open(path, O_WRONLY);
	assert_int_equal(pwrite(fd, "X", 1, 70), 1);
	close(fd);
	s = open_spool();
	assert_int_equal(spool_count(s), 2);
	assert_null(spool_find(s, id));
	char *q = xasprintf("%s/quarantine/%016llx.seg", dir, (unsigned long long)id);
	struct stat st;
	assert_int_equal(stat(q, &st), 0);
	assert_non_null(strstr(logged, "is damaged (bad header or checksum); moved to"));
	spool_free(s);
	free(path);
	free(q);
}

static void test_forget(void **state)
{
	(void)state;
	struct spool *s = open_spool();
	for (int i = 0; i < 30; i++) {
		struct event e = key(T0 + (uint64_t)i * S, i);
		spool_add(s, &e, 10);
	}
	spool_checkpoint(s);
	/* Closed: 0..9, 10..19; open: 20..29. Forget from 15 on. */
	int err = 1;
	bool up = true;
	assert_int_equal(spool_forget(s, T0 + 15 * S, &err, &up), 15);
	assert_int_equal(err, 0);
	assert_int_equal(spool_count(s), 2);
	assert_int_equal(spool_newest(s, 0)->events, 5);
	assert_int_equal(spool_newest(s, 0)->end, T0 + 14 * S);
	assert_int_equal(spool_next_close(s, 10), 0); /* the open one is empty: gone */
	const struct seg_events *ev;
	assert_int_equal(spool_read(s, spool_newest(s, 0)->id, &ev), 0);
	assert_int_equal(ev->n, 5);
	assert_int_equal(ev->code[4], 14);
	/* Forgetting everything empties the spool. */
	assert_int_equal(spool_forget(s, 0, &err, &up), 15);
	assert_int_equal(spool_count(s), 0);
	assert_int_equal(spool_bytes(s), 0);
	spool_free(s);
	s = open_spool();
	assert_int_equal(spool_count(s), 0);
	spool_free(s);
}

static void test_forget_open_keeps_journal(void **state)
{
	(void)state;
	struct spool *s = open_spool();
	for (int i = 0; i < 10; i++) {
		struct event e = key(T0 + (uint64_t)i * S, i);
		spool_add(s, &e, 300);
	}
	spool_checkpoint(s);
	int err;
	bool up;
	assert_int_equal(spool_forget(s, T0 + 6 * S, &err, &up), 4);
	/* After a crash now, the journal holds exactly what is left. */
	char *copy = xasprintf("%s-copy", dir), *cmd = xasprintf("cp -a '%s' '%s'", dir, copy);
	assert_int_equal(system(cmd), 0);
	spool_free(s);
	char *rm = xasprintf("rm -rf '%s' && mv '%s' '%s'", dir, copy, dir);
	assert_int_equal(system(rm), 0);
	s = open_spool();
	assert_int_equal(spool_count(s), 1);
	assert_int_equal(spool_newest(s, 0)->events, 6);
	spool_free(s);
	free(copy);
	free(cmd);
	free(rm);
}

static void test_expire_and_cap(void **state)
{
	(void)state;
	struct spool *s = open_spool();
	for (int i = 0; i < 10; i++) {
		struct event e = key(T0 + (uint64_t)i * 100 * S, i);
		spool_add(s, &e, 10);
	}
	spool_close_due(s, 0, 0);
	assert_int_equal(spool_count(s), 10);
	assert_int_equal(spool_expire(s, T0 + 250 * S), 3);
	assert_int_equal(spool_count(s), 7);
	assert_int_equal(spool_oldest(s), T0 + 300 * S);
	uint64_t each = spool_newest(s, 0)->bytes;
	assert_int_equal(spool_enforce_cap(s, each * 5), 2);
	assert_int_equal(spool_count(s), 5);
	assert_int_equal(spool_oldest(s), T0 + 500 * S);
	assert_int_equal(spool_delete(s, spool_newest(s, 0)->id), 0);
	assert_int_equal(spool_delete(s, 12345), -ENOENT);
	assert_int_equal(spool_count(s), 4);
	spool_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_segments_close_by_time, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_journal_recovery, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_quarantine, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_forget, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_forget_open_keeps_journal, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_expire_and_cap, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
