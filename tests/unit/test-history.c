/* History's reader (agent/control/history.c): a line that cannot be read
 * is an "unreadable" entry saying where, never skipped, so the count and
 * the entries agree; a file of which nothing reads is kept aside. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control/history.h"
#include "util.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test-history-XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	DIR *d = opendir(dir);
	for (struct dirent *de; d && (de = readdir(d));) {
		if (de->d_name[0] == '.')
			continue;
		char *p = xasprintf("%s/%s", dir, de->d_name);
		unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	return 0;
}

static char *write_history(const char *data, size_t len)
{
	char *path = xasprintf("%s/history", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_true(write(fd, data, len) == (ssize_t)len);
	close(fd);
	return path;
}

static const char damaged[] = "1\t1000\tpause\tpaused for 1 min\n"
                              "garbage\n"
                              "2\t1000\tpause\tx\0y\n"
                              "x\t0\tresume\td\n"
                              "3\t4294967296\tresume\td\n"
                              "4\t0\tPause!\td\n"
                              "5\t0\tresume\t\xff\n"
                              "6\t0\tresume\ta\\x00b\n"
                              "7\t0\tresume\n"
                              "8\t1000\tresume\tlater\tfields\tfor later versions\n";

static void test_unreadable_lines_are_entries(void **state)
{
	(void)state;
	char *path = write_history(damaged, sizeof damaged - 1);
	int err;
	struct history *h = history_open(path, &err);
	assert_non_null(h);
	assert_null(history_recovered(h));
	assert_int_equal(history_count(h), 10);
	static const char *const why[] = {
	    NULL,
	    "it has none of the fields time, uid, action and detail",
	    "it holds a NUL byte",
	    "its time is not a whole number",
	    "its uid is not a uid",
	    "its action is not a word",
	    "its detail is not valid text",
	    "its detail is not valid text",
	    "it lacks some of the fields time, uid, action and detail",
	    NULL,
	};
	for (size_t line = 1; line <= 10; line++) {
		struct history_entry e;
		assert_int_equal(history_get(h, 10 - line, &e), 0);
		if (why[line - 1]) {
			char *want = xasprintf("line %zu of %s cannot be read: %s", line, path,
			                       why[line - 1]);
			assert_string_equal(e.action, "unreadable");
			assert_string_equal(e.detail, want);
			assert_int_equal(e.time, 0);
			assert_int_equal(e.uid, 4294967295u);
			free(want);
		}
		history_entry_fini(&e);
	}
	struct history_entry e;
	assert_int_equal(history_get(h, 9, &e), 0);
	assert_string_equal(e.action, "pause");
	assert_string_equal(e.detail, "paused for 1 min");
	history_entry_fini(&e);
	/* Fields after the detail are left for later versions. */
	assert_int_equal(history_get(h, 0, &e), 0);
	assert_int_equal(e.time, 8);
	assert_string_equal(e.action, "resume");
	assert_string_equal(e.detail, "later");
	history_entry_fini(&e);
	assert_int_equal(history_get(h, 10, &e), -ERANGE);
	/* Appending goes on after the damage. */
	assert_int_equal(history_append(h, 9, "resume", "again", 1000), 0);
	assert_int_equal(history_count(h), 11);
	history_free(h);
	free(path);
}

static void test_unreadable_file_kept_aside(void **state)
{
	(void)state;
	static const char junk[] = "\x7f"
	                           "ELF\x02\x01\x01\0\0\0\n\x03\0>\0\x01\0\n";
	char *path = write_history(junk, sizeof junk - 1);
	int err;
	struct history *h = history_open(path, &err);
	assert_non_null(h);
	assert_int_equal(history_count(h), 0);
	const char *note = history_recovered(h);
	assert_non_null(note);
	char *want =
	    xasprintf("%s could not be read at all; it was moved to %s.damaged-", path, path);
	assert_true(strncmp(note, want, strlen(want)) == 0);
	assert_non_null(strstr(note, " and a new History begun"));
	/* The file kept aside holds what was there. */
	char aside[256];
	const char *at = strstr(note, "moved to ") + 9;
	snprintf(aside, sizeof aside, "%.*s", (int)(strstr(at, " and a new") - at), at);
	struct stat st;
	assert_int_equal(stat(aside, &st), 0);
	assert_int_equal(st.st_size, sizeof junk - 1);
	assert_int_equal(history_append(h, 1, "agent-started", "x", 4294967295u), 0);
	history_free(h);
	h = history_open(path, &err);
	assert_null(history_recovered(h));
	assert_int_equal(history_count(h), 1);
	history_free(h);
	free(want);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_unreadable_lines_are_entries, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unreadable_file_kept_aside, setup, teardown),
	};
	return cmocka_run_group_tests_name("history", tests, NULL, NULL);
}
