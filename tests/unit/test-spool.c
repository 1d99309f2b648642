/* The spool on a real directory: segments closed by time, the journal and
 * recovery after a crash (every cut and flipped byte), writes that fail
 * (the file size limit stands in for a full disk), the segments in memory
 * listed, read and deleted, quarantine, forget, expiry and the size cap. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "agent.h"
#include "store/journal.h"
#include "store/spool.h"
#include "util.h"

#define S USEC_PER_SEC
#define T0 (1800000000ULL * S)

static char dir[64];
static char logged[2048];

static void on_log(const char *msg, void *data)
{
	(void)data;
	size_t used = strlen(logged);
	if (used + 2 >= sizeof logged)
		return; /* full: the tests look at the first lines */
	strncat(logged, msg, sizeof logged - used - 2);
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
	struct spool *s = spool_open(dir, on_log, NULL, &error);
	assert_non_null(s);
	return s;
}

static struct event key(uint64_t t, int32_t code)
{
	return (struct event){
	    .time = t, .stream = STREAM_KEYBOARD, .kind = EV_KEY_PRESS, .code = code};
}

/* The path of the one journal in dir, or "" (heap). */
static char *journal_path(void)
{
	DIR *d = opendir(dir);
	char *found = xstrdup("");
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d));)
		if (strlen(e->d_name) > 4 &&
		    strcmp(e->d_name + strlen(e->d_name) - 4, ".jnl") == 0) {
			free(found);
			found = xasprintf("%s/%s", dir, e->d_name);
		}
	closedir(d);
	return found;
}

static off_t size_of(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? st.st_size : -1;
}

/* Leaves the directory as a crash would: copied while s is open, then s
 * freed (which closes its segments) and the copy put back. */
static void crash(struct spool *s)
{
	char *copy = xasprintf("%s-copy", dir), *cmd = xasprintf("cp -a '%s' '%s'", dir, copy);
	assert_int_equal(system(cmd), 0);
	spool_free(s);
	char *rm = xasprintf("rm -rf '%s' && mv '%s' '%s'", dir, copy, dir);
	assert_int_equal(system(rm), 0);
	free(copy);
	free(cmd);
	free(rm);
}

/* Writes that fail as on a full disk: no file may grow past max bytes. */
static struct rlimit saved_limit;

static void limit_files(off_t max)
{
	struct rlimit lim;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved_limit), 0);
	lim = saved_limit;
	lim.rlim_cur = (rlim_t)max;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
}

static void unlimit_files(void)
{
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved_limit), 0);
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
	/* A crash: the process dies without closing anything. */
	crash(s);

	/* A torn record at the end is ignored. */
	char *jnl = journal_path();
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
}

/* Removes every file of dir (the tests that use this make no folder). */
static void empty_dir(void)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d));)
		if (e->d_name[0] != '.')
			assert_int_equal(unlinkat(dirfd(d), e->d_name, 0), 0);
	closedir(d);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	*len = (size_t)size_of(path);
	uint8_t *data = xmalloc(*len + 1);
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, data, *len), (ssize_t)*len);
	close(fd);
	return data;
}

/* A journal of three checkpoints of 3, 4 and 5 events: its bytes, where
 * each record ends, its file name. */
static uint8_t *journal_of_three(size_t ends[3], size_t *len, char **name)
{
	static const int sizes[3] = {3, 4, 5};
	struct spool *s = open_spool();
	char *jnl = NULL;
	for (int r = 0, n = 0; r < 3; r++) {
		for (int i = 0; i < sizes[r]; i++, n++) {
			struct event e = key(T0 + (uint64_t)n * S, n);
			spool_add(s, &e, 300);
		}
		assert_int_equal(spool_checkpoint(s), sizes[r]);
		free(jnl);
		jnl = journal_path();
		ends[r] = (size_t)size_of(jnl);
	}
	uint8_t *data = slurp(jnl, len);
	*name = xstrdup(strrchr(jnl, '/') + 1);
	free(jnl);
	spool_free(s);
	return data;
}

/* How many events a spool holding only this journal recovers. */
static uint32_t recovered(const char *name, const uint8_t *data, size_t len)
{
	empty_dir();
	char *path = xasprintf("%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	free(path);
	struct spool *s = open_spool();
	uint32_t n = 0;
	for (size_t i = 0; i < spool_count(s); i++)
		n += spool_newest(s, i)->events;
	spool_free(s);
	return n;
}

static void test_recovery_every_cut_and_flip(void **state)
{
	(void)state;
	static const uint32_t upto[3] = {3, 7, 12}, n[3] = {3, 4, 5};
	size_t ends[3], len;
	char *name;
	uint8_t *data = journal_of_three(ends, &len, &name);
	for (size_t cut = 0; cut <= len; cut++) {
		uint32_t want = 0;
		for (int r = 0; r < 3; r++)
			if (ends[r] <= cut)
				want = upto[r];
		assert_int_equal(recovered(name, data, cut), want);
	}
	/* A flipped bit costs the record it is in, never those after it; a
	 * damaged header costs nothing. */
	for (size_t at = 0; at < len; at++) {
		uint32_t want = 12;
		for (int r = 0; r < 3; r++)
			if (at >= (r ? ends[r - 1] : JOURNAL_HEADER_SIZE) && at < ends[r])
				want -= n[r];
		data[at] ^= 0x20;
		assert_int_equal(recovered(name, data, len), want);
		data[at] ^= 0x20;
	}
	free(data);
	free(name);
}

/* A checkpoint cut short (as ENOSPC or EIO cuts it) is taken back, and
 * what comes after it is found after a crash. */
static void test_failed_checkpoint_taken_back(void **state)
{
	(void)state;
	struct spool *s = open_spool();
	for (int i = 0; i < 15; i++) {
		struct event e = key(T0 + (uint64_t)i * S, i);
		spool_add(s, &e, 300);
		if (i == 4)
			assert_int_equal(spool_checkpoint(s), 5);
		if (i != 9)
			continue;
		char *jnl = journal_path();
		off_t good = size_of(jnl);
		limit_files(good + 7); /* room for a part of the next record */
		int r = spool_checkpoint(s);
		unlimit_files();
		assert_int_equal(r, -EFBIG);
		assert_int_equal(size_of(jnl), good);
		assert_int_equal(spool_unsaved(s), 5);
		free(jnl);
	}
	assert_int_equal(spool_checkpoint(s), 10);
	crash(s);
	s = open_spool();
	assert_int_equal(spool_count(s), 1);
	assert_int_equal(spool_newest(s, 0)->events, 15);
	const struct seg_events *ev;
	assert_int_equal(spool_read(s, spool_newest(s, 0)->id, &ev), 0);
	for (uint32_t i = 0; i < 15; i++)
		assert_int_equal(ev->code[i], i);
	spool_free(s);
}

/* A segment that closes while writes fail waits in memory, listed and
 * readable; nothing is tried again on an event, only by a checkpoint. */
static void test_closed_while_failing_waits(void **state)
{
	(void)state;
	struct spool *s = open_spool();
	for (int i = 0; i < 5; i++) {
		struct event e = key(T0 + (uint64_t)i * S, i);
		spool_add(s, &e, 10);
	}
	assert_int_equal(spool_checkpoint(s), 5);
	char *jnl = journal_path();
	struct event e = key(T0 + 12 * S, 12);
	limit_files(16);      /* less than any segment file */
	spool_add(s, &e, 10); /* closes the first: its file cannot be written */
	unlimit_files();
	assert_int_equal(spool_fault(s), -EFBIG);
	assert_non_null(strstr(logged, "cannot write a keyboard segment: File too large; it waits "
	                               "in memory"));
	/* Writes would work again, but no event tries them. */
	e = key(T0 + 25 * S, 25);
	spool_add(s, &e, 10);
	assert_int_equal(spool_count(s), 0);
	assert_int_equal(spool_held_count(s), 3);
	struct spool_seg open, newer, first;
	spool_held(s, 0, &open);
	spool_held(s, 1, &newer);
	spool_held(s, 2, &first);
	assert_int_equal(open.start, T0 + 25 * S);
	assert_int_equal(open.end, 0);
	assert_int_equal(newer.start, T0 + 12 * S);
	assert_int_equal(newer.end, T0 + 12 * S);
	assert_int_equal(newer.bytes, 0);
	assert_int_equal(first.start, T0);
	assert_int_equal(first.end, T0 + 4 * S);
	assert_int_equal(first.events, 5);
	assert_int_equal(first.bytes, size_of(jnl));
	assert_true(first.id < newer.id && newer.id < open.id);
	assert_int_equal(spool_bytes(s), size_of(jnl));
	assert_int_equal(spool_oldest(s), T0);
	assert_int_equal(spool_waiting(s), 2);
	const struct seg_events *ev;
	assert_int_equal(spool_read(s, first.id, &ev), 0);
	assert_int_equal(ev->n, 5);
	assert_int_equal(ev->code[4], 4);
	struct spool_seg found;
	assert_int_equal(spool_lookup(s, newer.id, &found), 0);
	assert_int_equal(found.events, 1);
	/* The checkpoint writes both closed ones, then the open one's journal. */
	assert_int_equal(spool_checkpoint(s), 1);
	assert_int_equal(spool_fault(s), 0);
	assert_int_equal(spool_count(s), 2);
	assert_int_equal(spool_newest(s, 0)->id, newer.id);
	assert_int_equal(spool_newest(s, 1)->events, 5);
	assert_int_equal(spool_held_count(s), 1);
	assert_int_equal(spool_waiting(s), 0);
	assert_int_equal(size_of(jnl), -1);
	spool_free(s);
	free(jnl);
}

static void test_open_segment_read_and_deleted(void **state)
{
	(void)state;
	struct spool *s = open_spool();
	for (int i = 0; i < 4; i++) {
		struct event e = key(T0 + (uint64_t)i * S, i);
		spool_add(s, &e, 300);
	}
	assert_int_equal(spool_checkpoint(s), 4);
	char *jnl = journal_path();
	struct spool_seg open;
	assert_int_equal(spool_held_count(s), 1);
	spool_held(s, 0, &open);
	assert_int_equal(open.end, 0);
	assert_int_equal(open.events, 4);
	assert_int_equal(open.bytes, size_of(jnl));
	assert_int_equal(spool_stream_bytes(s, STREAM_KEYBOARD), size_of(jnl));
	const struct seg_events *ev;
	assert_int_equal(spool_read(s, open.id, &ev), 0);
	assert_int_equal(ev->n, 4);
	struct event e = key(T0 + 4 * S, 4);
	spool_add(s, &e, 300);
	assert_int_equal(spool_read(s, open.id, &ev), 0);
	assert_int_equal(ev->n, 5); /* what it holds now */
	assert_int_equal(ev->code[4], 4);

	assert_int_equal(spool_delete(s, open.id), 0);
	assert_int_equal(size_of(jnl), -1);
	assert_int_equal(spool_held_count(s), 0);
	assert_int_equal(spool_read(s, open.id, &ev), -ENOENT);
	assert_int_equal(spool_lookup(s, open.id, &open), -ENOENT);
	assert_int_equal(spool_bytes(s), 0);
	e = key(T0 + 5 * S, 5);
	spool_add(s, &e, 300);
	struct spool_seg next;
	spool_held(s, 0, &next);
	assert_true(next.id > open.id);
	assert_int_equal(next.events, 1);
	assert_int_equal(spool_checkpoint(s), 1);
	crash(s);
	s = open_spool();
	assert_int_equal(spool_count(s), 1);
	assert_int_equal(spool_newest(s, 0)->id, next.id);
	assert_int_equal(spool_newest(s, 0)->events, 1);
	spool_free(s);
	free(jnl);
}

/* A journal found at start that cannot be written as a segment stays, and
 * its events wait in memory until a checkpoint writes them. */
static void test_recovery_waits_for_the_disk(void **state)
{
	(void)state;
	struct spool *s = open_spool();
	for (int i = 0; i < 6; i++) {
		struct event e = key(T0 + (uint64_t)i * S, i);
		spool_add(s, &e, 300);
	}
	assert_int_equal(spool_checkpoint(s), 6);
	crash(s);
	char *jnl = journal_path();
	off_t size = size_of(jnl);
	limit_files(30);
	s = open_spool();
	unlimit_files();
	assert_int_equal(spool_fault(s), -EFBIG);
	assert_non_null(strstr(logged, "cannot recover the keyboard journal now: File too large; "
	                               "its 6 events wait in memory"));
	assert_int_equal(spool_count(s), 0);
	assert_int_equal(spool_held_count(s), 1);
	struct spool_seg held;
	spool_held(s, 0, &held);
	assert_int_equal(held.events, 6);
	assert_int_equal(held.end, T0 + 5 * S);
	assert_int_equal(held.bytes, size);
	assert_int_equal(size_of(jnl), size);
	assert_int_equal(spool_checkpoint(s), 0);
	assert_int_equal(spool_fault(s), 0);
	assert_int_equal(spool_count(s), 1);
	assert_int_equal(spool_newest(s, 0)->events, 6);
	assert_int_equal(size_of(jnl), -1);
	spool_free(s);
	free(jnl);
}

/* While nothing can be written, memory holds SPOOL_MEMORY_MAX bytes of
 * events at most; what comes beyond is counted, and said, never lost in
 * silence. */
static void test_memory_bound(void **state)
{
	(void)state;
	struct spool *s = open_spool();
	struct event e = {.stream = STREAM_FOCUS, .kind = EV_FOCUS};
	uint32_t added = 0;
	limit_files(1);
	while (spool_dropped(s) < 10) {
		e.time = T0 + added;
		snprintf(e.text, sizeof e.text, "%0150u", added); /* 150 bytes, each new */
		spool_add(s, &e, 86400);
		added++;
	}
	unlimit_files();
	assert_int_equal(spool_fault(s), -EFBIG);
	uint64_t kept = spool_waiting(s);
	assert_int_equal(kept + spool_dropped(s), added);
	/* 157 bytes of columns an event, held twice (in the segment, and
	 * among those not in its journal): up to the bound, and no further. */
	assert_true(kept * 314 >= SPOOL_MEMORY_MAX);
	assert_true(kept * 314 < SPOOL_MEMORY_MAX + 314);

	struct agent *a = xcalloc(1, sizeof *a);
	a->spool = s;
	a->state_path = xstrdup("/var/lib/capctl/state");
	char *words = agent_storage_error(a);
	char *want = xasprintf("cannot write to /var/lib/capctl/spool: File too large; 10 events "
	                       "could not be kept (memory holds at most 64 MiB of events waiting "
	                       "for the disk)");
	assert_string_equal(words, want);
	free(words);
	free(want);
	/* A directory's name that is not UTF-8 must not reach the bus as it is. */
	free(a->state_path);
	a->state_path = xstrdup("/srv/caf\xe9/state");
	words = agent_storage_error(a);
	assert_true(strncmp(words, "cannot write to /srv/caf?/spool: File too large;", 48) == 0);
	free(words);

	/* Written a slice at a time, the loop getting its turns between. */
	assert_true(spool_checkpoint(s) >= 0);
	assert_int_equal(spool_fault(s), 0);
	assert_true(spool_behind(s));
	int slices = 1;
	for (; spool_behind(s); slices++)
		assert_true(spool_checkpoint(s) >= 0);
	assert_true(slices >= 8);
	assert_int_equal(spool_held_count(s), 1);
	uint64_t on_disk = 0;
	for (size_t i = 0; i < spool_count(s); i++)
		on_disk += spool_newest(s, i)->events;
	for (size_t i = 0; i < spool_held_count(s); i++) {
		struct spool_seg held;
		spool_held(s, i, &held);
		on_disk += held.events;
	}
	assert_int_equal(on_disk, kept);
	assert_int_equal(spool_waiting(s), 0);
	words = agent_storage_error(a);
	assert_string_equal(words, "");
	free(words);
	free(a->state_path);
	free(a);
	spool_free(s);
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
	crash(s);
	s = open_spool();
	assert_int_equal(spool_count(s), 1);
	assert_int_equal(spool_newest(s, 0)->events, 6);
	spool_free(s);
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
	    cmocka_unit_test_setup_teardown(test_recovery_every_cut_and_flip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_failed_checkpoint_taken_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_closed_while_failing_waits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_segment_read_and_deleted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_recovery_waits_for_the_disk, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_memory_bound, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_quarantine, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_forget, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_forget_open_keeps_journal, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_expire_and_cap, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
