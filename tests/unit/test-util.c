/* The helpers: escaping, UTF-8, local days, the atomic write, History on
 * disk, the loop's timers, fds and signals, and the log lines (plain, or
 * with sd-daemon priorities when stderr is the journal). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "control/history.h"
#include "loop.h"
#include "util.h"

static char dir[64];

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/capctl-unit-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int remove_dir(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

static void test_escape(void **state)
{
	(void)state;
	char *e = escape_field("a\tb\nc\\d\x01");
	assert_string_equal(e, "a\\tb\\nc\\\\d\\x01");
	unescape_field(e);
	assert_string_equal(e, "a\tb\nc\\d\x01");
	free(e);
}

static void test_utf8(void **state)
{
	(void)state;
	assert_true(utf8_valid("plain", 5));
	assert_true(utf8_valid("gr\xc3\xbc\xc3\x9f \xe2\x82\xac \xf0\x9f\x98\x80", 15));
	assert_false(utf8_valid("\xc3", 1));             /* cut short */
	assert_false(utf8_valid("\xc0\xaf", 2));         /* overlong */
	assert_false(utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
	assert_false(utf8_valid("\xff", 1));
}

static void test_local_days(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	uint64_t t = 1830592800ULL * USEC_PER_SEC; /* 2028-01-04 10:00 UTC */
	assert_int_equal(local_midnight(t), 1830556800ULL * USEC_PER_SEC);
	assert_int_equal(next_local_midnight(t), 1830643200ULL * USEC_PER_SEC);
	assert_int_equal(local_day(t) + 1, local_day(next_local_midnight(t)));
	char buf[32];
	format_local_time(t, t, buf, sizeof buf);
	assert_string_equal(buf, "10:00");
	format_local_time(t + 86400 * USEC_PER_SEC, t, buf, sizeof buf);
	assert_string_equal(buf, "2028-01-05 10:00");
	format_local_date(t, buf, sizeof buf);
	assert_string_equal(buf, "2028-01-04");
	/* An end is rounded up: a pause until 10:00:01 lasts past 10:00. */
	format_local_end(t, t, buf, sizeof buf);
	assert_string_equal(buf, "10:00");
	format_local_end(t + 1, t, buf, sizeof buf);
	assert_string_equal(buf, "10:01");
	format_local_end(t + 59 * USEC_PER_SEC, t, buf, sizeof buf);
	assert_string_equal(buf, "10:01");
	format_local_end(t - 86400 * USEC_PER_SEC + 60 * USEC_PER_SEC - 1, t, buf, sizeof buf);
	assert_string_equal(buf, "2028-01-03 10:01");
	format_local_end(UINT64_MAX, t, buf, sizeof buf); /* no wrap to 1970 */
	assert_null(strstr(buf, "1970"));
	assert_string_equal(plural(0), "s");
	assert_string_equal(plural(1), "");
	assert_string_equal(plural(2), "s");
	/* A zone with summer time: days still change at local midnight. */
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	uint64_t summer = 1837332000ULL * USEC_PER_SEC; /* 2028-03-22 */
	assert_int_equal((next_local_midnight(summer) / USEC_PER_SEC) % 3600, 0);
	setenv("TZ", "UTC", 1);
	tzset();
}

/* The one calendar helper, local_day's and the console's time parser's. */
static void test_days_from_civil(void **state)
{
	(void)state;
	assert_int_equal(days_from_civil(1970, 1, 1), 0);
	assert_int_equal(days_from_civil(1969, 12, 31), -1);
	assert_int_equal(days_from_civil(2000, 2, 29), 11016);
	assert_int_equal(days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(days_from_civil(2024, 2, 29), 19782);
	assert_int_equal(days_from_civil(1600, 1, 1), -135140);
	assert_int_equal(days_from_civil(9999, 12, 31), 2932896);
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(local_day(1830592800ULL * USEC_PER_SEC), days_from_civil(2028, 1, 4));
}

static void test_write_atomic(void **state)
{
	(void)state;
	char *path = xasprintf("%s/f", dir);
	assert_int_equal(write_file_atomic(path, "one", 3), 0);
	assert_int_equal(write_file_atomic(path, "two!", 4), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 4);
	assert_int_equal(write_file_atomic("/nonexistent/dir/f", "x", 1), -2);
	char *deep = xasprintf("%s/a/b/c", dir);
	assert_int_equal(mkdir_p(deep), 0);
	assert_int_equal(stat(deep, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	free(deep);
	free(path);
}

static void test_utf8_cut(void **state)
{
	(void)state;
	const char *s = "ab\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80"; /* a b é 日 😀 */
	size_t len = strlen(s);
	assert_int_equal(utf8_cut(s, len, 100), len);
	assert_int_equal(utf8_cut(s, len, 2), 2);
	assert_int_equal(utf8_cut(s, len, 3), 2); /* inside é */
	assert_int_equal(utf8_cut(s, len, 4), 4);
	assert_int_equal(utf8_cut(s, len, 5), 4); /* inside 日 */
	assert_int_equal(utf8_cut(s, len, 6), 4);
	assert_int_equal(utf8_cut(s, len, 7), 7);
	assert_int_equal(utf8_cut(s, len, 10), 7); /* inside 😀 */
	assert_int_equal(utf8_cut(s, len, 0), 0);
	for (size_t max = 0; max <= len; max++)
		assert_true(utf8_valid(s, utf8_cut(s, len, max)));
	assert_true(utf8_cp_unsafe(0x1b));
	assert_true(utf8_cp_unsafe('\n'));
	assert_true(utf8_cp_unsafe(0x85));
	assert_true(utf8_cp_unsafe(0x202e));
	assert_true(utf8_cp_unsafe(0x2066));
	assert_false(utf8_cp_unsafe('a'));
	assert_false(utf8_cp_unsafe(0xa0));
	assert_false(utf8_cp_unsafe(0x2030));
}

static void test_history(void **state)
{
	(void)state;
	char *path = xasprintf("%s/history", dir);
	int err = 0;
	struct history *h = history_open(path, &err);
	assert_non_null(h);
	assert_int_equal(history_count(h), 0);
	assert_int_equal(history_append(h, 1, "pause", "for 1 min\tuntil 10:01", 1000), 0);
	assert_int_equal(history_append(h, 2, "resume", "", 1000), 0);
	assert_int_equal(history_append(h, 3, "auto-resume", "x\ny", 4294967295u), 0);
	struct history_entry e;
	assert_int_equal(history_get(h, 0, &e), 0);
	assert_int_equal(e.time, 3);
	assert_string_equal(e.action, "auto-resume");
	assert_string_equal(e.detail, "x\ny");
	assert_int_equal(e.uid, 4294967295u);
	history_entry_fini(&e);
	assert_int_equal(history_get(h, 2, &e), 0);
	assert_string_equal(e.detail, "for 1 min\tuntil 10:01");
	history_entry_fini(&e);
	assert_int_equal(history_get(h, 3, &e), -ERANGE);
	history_free(h);

	/* A torn last line (a crash mid-write) is cut off on open. */
	int fd = open(path, O_WRONLY | O_APPEND);
	assert_true(write(fd, "4\t0\tpau", 7) == 7);
	close(fd);
	h = history_open(path, &err);
	assert_int_equal(history_count(h), 3);
	assert_int_equal(history_append(h, 5, "resume", "after", 0), 0);
	assert_int_equal(history_get(h, 0, &e), 0);
	assert_int_equal(e.time, 5);
	history_entry_fini(&e);
	history_free(h);
	struct stat st;
	stat(path, &st);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(path);
}

struct loop_test {
	struct loop *loop;
	char order[16];
	int n;
};

static void on_timer(struct loop_timer *t, void *data)
{
	struct loop_test *lt = data;
	(void)t;
	lt->order[lt->n++] = 'T';
}

static void on_late(struct loop_timer *t, void *data)
{
	struct loop_test *lt = data;
	(void)t;
	lt->order[lt->n++] = 'L';
	raise(SIGUSR1);
}

static void on_io(struct loop_io *io, int fd, short revents, void *data)
{
	struct loop_test *lt = data;
	char c;
	assert_true(revents & POLLIN);
	assert_int_equal(read(fd, &c, 1), 1);
	lt->order[lt->n++] = c;
	loop_io_remove(io);
}

static void on_sig(int signo, void *data)
{
	struct loop_test *lt = data;
	assert_int_equal(signo, SIGUSR1);
	lt->order[lt->n++] = 'S';
	loop_quit(lt->loop, 7);
}

static void test_loop(void **state)
{
	(void)state;
	struct loop_test lt = {.loop = loop_new()};
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_true(write(p[1], "I", 1) == 1);
	loop_io_add(lt.loop, p[0], POLLIN, on_io, &lt);
	struct loop_timer *late = loop_timer_new(lt.loop, on_late, &lt);
	struct loop_timer *early = loop_timer_new(lt.loop, on_timer, &lt);
	struct loop_timer *never = loop_timer_new(lt.loop, on_timer, &lt);
	loop_timer_arm_in(late, 30000);
	loop_timer_arm_in(early, 10000);
	loop_timer_arm_in(never, 10000);
	loop_timer_disarm(never);
	assert_int_equal(loop_signal(lt.loop, SIGUSR1, on_sig, &lt), 0);
	assert_int_equal(loop_run(lt.loop), 7);
	assert_string_equal(lt.order, "ITLS");
	struct loop_stats st;
	loop_get_stats(lt.loop, &st);
	assert_true(st.wakeups_total >= 3);
	assert_true(st.cpu_seconds >= 0);
	loop_timer_free(late);
	loop_timer_free(early);
	loop_timer_free(never);
	loop_free(lt.loop);
	close(p[0]);
	close(p[1]);
}

/* What log_msg(level, "%s", msg) wrote on stderr, with $JOURNAL_STREAM set
 * to js (NULL: unset; "=": stderr's own DEV:INODE; "+ino", "+dev": one off
 * in that field). Heap. */
static char *logged(const char *js, enum log_level level, const char *msg)
{
	FILE *f = tmpfile();
	struct stat st;
	char own[64];
	assert_non_null(f);
	assert_int_equal(fstat(fileno(f), &st), 0);
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fileno(f), STDERR_FILENO), STDERR_FILENO);
	if (js && (!strcmp(js, "=") || !strcmp(js, "+ino") || !strcmp(js, "+dev"))) {
		snprintf(own, sizeof own, "%llu:%llu",
		         (unsigned long long)st.st_dev + !strcmp(js, "+dev"),
		         (unsigned long long)st.st_ino + !strcmp(js, "+ino"));
		js = own;
	}
	if (js)
		setenv("JOURNAL_STREAM", js, 1);
	else
		unsetenv("JOURNAL_STREAM");
	log_init("captured");
	log_msg(level, "%s", msg);
	fflush(stderr);
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	unsetenv("JOURNAL_STREAM");
	log_init("captured");
	long n = ftell(f);
	assert_true(n >= 0);
	char *out = calloc(1, (size_t)n + 1);
	assert_non_null(out);
	rewind(f);
	assert_int_equal(fread(out, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return out;
}

static void expect_log(const char *js, enum log_level level, const char *msg, const char *want)
{
	char *got = logged(js, level, msg);
	assert_string_equal(got, want);
	free(got);
}

static void test_log(void **state)
{
	(void)state;
	expect_log(NULL, LOG_LEVEL_ERR, "cannot own it", "captured: cannot own it\n");
	expect_log(NULL, LOG_LEVEL_INFO, "a\nb", "captured: a\nb\n");
	/* stderr is the journal: the priority, no program name */
	expect_log("=", LOG_LEVEL_ERR, "cannot own it", "<3>cannot own it\n");
	expect_log("=", LOG_LEVEL_WARNING, "mode tightened", "<4>mode tightened\n");
	expect_log("=", LOG_LEVEL_INFO, "uploaded", "<6>uploaded\n");
	expect_log("=", LOG_LEVEL_DEBUG, "detail", "<7>detail\n");
	/* every line of a message has its priority: none can claim another */
	expect_log("=", LOG_LEVEL_WARNING, "one\ntwo\n", "<4>one\n<4>two\n");
	expect_log("=", LOG_LEVEL_INFO, "a\n\n<0>b", "<6>a\n<6>\n<6><0>b\n");
	expect_log("=", LOG_LEVEL_INFO, "", "<6>\n");
	/* JOURNAL_STREAM of another stream (stderr redirected since), or not
	 * DEV:INODE at all: plain */
	expect_log("+ino", LOG_LEVEL_ERR, "x", "captured: x\n");
	expect_log("+dev", LOG_LEVEL_ERR, "x", "captured: x\n");
	static const char *const bad[] = {
	    "",     "abc",   "1:",   ":1",   "-1:2", " 1:2",
	    "1:2x", "1:2:3", "+1:2", "1: 2", "1:-2", "99999999999999999999999:1",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		expect_log(bad[i], LOG_LEVEL_ERR, "x", "captured: x\n");
	/* no cap on the length */
	char *big = malloc(5001);
	assert_non_null(big);
	memset(big, 'y', 5000);
	big[5000] = '\0';
	char *got = logged("=", LOG_LEVEL_INFO, big);
	assert_int_equal(strlen(got), 5004);
	assert_memory_equal(got, "<6>yyy", 6);
	assert_int_equal(got[5003], '\n');
	free(got);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_utf8),
	    cmocka_unit_test(test_utf8_cut),
	    cmocka_unit_test(test_local_days),
	    cmocka_unit_test(test_days_from_civil),
	    cmocka_unit_test(test_write_atomic),
	    cmocka_unit_test(test_history),
	    cmocka_unit_test(test_loop),
	    cmocka_unit_test(test_log),
	};
	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
