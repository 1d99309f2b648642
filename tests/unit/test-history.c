/* History's reader (agent/control/history.c): a line that cannot be read
 * is an "unreadable" entry saying where, never skipped, so the count and
 * the entries agree; a file of which nothing reads is kept aside. And its
 * hash chain (ipc/chain.c): vectors computed apart with python3's hashlib,
 * the chaining of a file from before the chain, stored hashes kept. */
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

#include "chain.h"
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

/* sha256(PREV "\n" SEQ "\t" TIME "\t" ACTION "\t" DETAIL "\t" UID), by
 * python3 -c 'import hashlib; print(hashlib.sha256(...).hexdigest())'. */
#define H1 "178b217ee4f3cac2c8d087fb9c928051c235773b4c25e84e75302923470a0127"
#define H2 "9337fc5e9bb7480c4c193bab078efab607d10d6b06fa32ddef27b666014631bf"
#define H3 "001de2e1cdad04dfafe38b2aa03132e554ddf2bb7f7fdc91268dc9409ed8f0e4"
#define Z64 "0000000000000000000000000000000000000000000000000000000000000000"
#define D3 "tab\there \xe2\x80\x94 \xc3\xbcn\xc3\xaf"

static void test_chain_vectors(void **state)
{
	(void)state;
	char out[CHAIN_HEX + 1];
	assert_string_equal(chain_zero, Z64);
	chain_hash(chain_zero, 1, 1000, "agent-started", "source synthetic", 4294967295u, out);
	assert_string_equal(out, H1);
	chain_hash(H1, 2, 2000, "pause", "paused for 15 min", 1000, out);
	assert_string_equal(out, H2);
	chain_hash(H2, 3, 3000, "resume", D3, 1000, out);
	assert_string_equal(out, H3);
	assert_true(chain_hex_valid(H1));
	assert_false(chain_hex_valid(""));
	assert_false(chain_hex_valid(H1 "0"));
	assert_false(
	    chain_hex_valid("178B217ee4f3cac2c8d087fb9c928051c235773b4c25e84e75302923470a0127"));
	assert_false(
	    chain_hex_valid("178b217ee4f3cac2c8d087fb9c928051c235773b4c25e84e75302923470a012"));
}

static void entry_is(struct history *h, size_t i, uint64_t seq, const char *prev, const char *hash)
{
	struct history_entry e;
	assert_int_equal(history_get(h, i, &e), 0);
	assert_int_equal(e.seq, seq);
	assert_string_equal(e.prev, prev);
	assert_string_equal(e.hash, hash);
	history_entry_fini(&e);
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char buf[8192];
	buf[fread(buf, 1, sizeof buf - 1, f)] = '\0';
	fclose(f);
	return buf;
}

static void test_append_chains(void **state)
{
	(void)state;
	char *path = xasprintf("%s/history", dir);
	int err;
	struct history *h = history_open(path, &err);
	assert_non_null(h);
	assert_int_equal(history_append(h, 1000, "agent-started", "source synthetic", 4294967295u),
	                 0);
	assert_int_equal(history_append(h, 2000, "pause", "paused for 15 min", 1000), 0);
	assert_int_equal(history_append(h, 3000, "resume", D3, 1000), 0);
	entry_is(h, 2, 1, Z64, H1);
	entry_is(h, 1, 2, H1, H2);
	entry_is(h, 0, 3, H2, H3);
	history_free(h);
	assert_string_equal(
	    read_all(path),
	    "1000\t4294967295\tagent-started\tsource synthetic\t1\t" Z64 "\t" H1
	    "\n2000\t1000\tpause\tpaused for 15 min\t2\t" H1 "\t" H2
	    "\n3000\t1000\tresume\ttab\\there \xe2\x80\x94 \xc3\xbcn\xc3\xaf\t3\t" H2 "\t" H3 "\n");
	/* Reopened, the chain goes on from the newest line. */
	h = history_open(path, &err);
	assert_int_equal(history_chained_on_open(h), 0);
	assert_int_equal(history_append(h, 4000, "pause", "x", 1000), 0);
	char want[CHAIN_HEX + 1];
	chain_hash(H3, 4, 4000, "pause", "x", 1000, want);
	entry_is(h, 0, 4, H3, want);
	history_free(h);
	free(path);
}

/* A History from before the chain is chained once, in place. */
static void test_old_file_chained_once(void **state)
{
	(void)state;
	static const char old[] = "1000\t4294967295\tagent-started\tsource synthetic\n"
	                          "garbage\n"
	                          "2000\t1000\tpause\tpaused for 15 min\n"
	                          "3000\t1000\tresume\ttab\\there \xe2\x80\x94 \xc3\xbcn\xc3\xaf\n";
	char *path = write_history(old, sizeof old - 1);
	int err;
	struct history *h = history_open(path, &err);
	assert_non_null(h);
	assert_int_equal(history_chained_on_open(h), 3);
	assert_int_equal(history_count(h), 4);
	entry_is(h, 3, 1, Z64, H1);
	entry_is(h, 2, 0, Z64, Z64); /* the unreadable line stays outside */
	entry_is(h, 1, 2, H1, H2);
	entry_is(h, 0, 3, H2, H3);
	history_free(h);
	assert_string_equal(
	    read_all(path),
	    "1000\t4294967295\tagent-started\tsource synthetic\t1\t" Z64 "\t" H1
	    "\ngarbage\n2000\t1000\tpause\tpaused for 15 min\t2\t" H1 "\t" H2
	    "\n3000\t1000\tresume\ttab\\there \xe2\x80\x94 \xc3\xbcn\xc3\xaf\t3\t" H2 "\t" H3 "\n");
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	h = history_open(path, &err);
	assert_int_equal(history_chained_on_open(h), 0);
	entry_is(h, 0, 3, H2, H3);
	history_free(h);
	free(path);
}

/* An edited entry keeps the hash stored with it; a line of four fields
 * after the chain began is not chained; pruned lines leave the rest as
 * they were and the chain goes on from the newest. */
static void test_stored_hashes_kept(void **state)
{
	(void)state;
	static const char edited[] = "2000\t1000\tpause\tpaused for 1 min\t2\t" H1 "\t" H2 "\n"
	                             "2500\t1000\tpause\tslipped in\n"
	                             "3000\t1000\tresume\tx\t3\t" H2 "\t" H3 "\n";
	char *path = write_history(edited, sizeof edited - 1);
	int err;
	struct history *h = history_open(path, &err);
	assert_non_null(h);
	assert_int_equal(history_chained_on_open(h), 0);
	entry_is(h, 2, 2, H1, H2);
	entry_is(h, 1, 0, Z64, Z64);
	entry_is(h, 0, 3, H2, H3);
	struct history_entry e;
	assert_int_equal(history_get(h, 1, &e), 0);
	assert_string_equal(e.detail, "slipped in");
	history_entry_fini(&e);
	assert_int_equal(history_append(h, 4000, "pause", "x", 1000), 0);
	char want[CHAIN_HEX + 1];
	chain_hash(H3, 4, 4000, "pause", "x", 1000, want);
	entry_is(h, 0, 4, H3, want);
	history_free(h);
	assert_true(strncmp(read_all(path), edited, sizeof edited - 1) == 0);
	free(path);
}

/* Lines without a link after the last chained one (an agent that did
 * not chain appended them) are chained on from it. */
static void test_tail_chained_on(void **state)
{
	(void)state;
	static const char tail[] =
	    "2000\t1000\tpause\tpaused for 15 min\t2\t" H1 "\t" H2 "\n"
	    "3000\t1000\tresume\ttab\\there \xe2\x80\x94 \xc3\xbcn\xc3\xaf\n";
	char *path = write_history(tail, sizeof tail - 1);
	int err;
	struct history *h = history_open(path, &err);
	assert_non_null(h);
	assert_int_equal(history_chained_on_open(h), 1);
	entry_is(h, 1, 2, H1, H2);
	entry_is(h, 0, 3, H2, H3);
	history_free(h);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_unreadable_lines_are_entries, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unreadable_file_kept_aside, setup, teardown),
	    cmocka_unit_test(test_chain_vectors),
	    cmocka_unit_test_setup_teardown(test_append_chains, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_old_file_chained_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stored_hashes_kept, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tail_chained_on, setup, teardown),
	};
	return cmocka_run_group_tests_name("history", tests, NULL, NULL);
}
