/* The check of History's chain (tui/model/verify.c): a chain built here,
 * fed newest first as the agent pages it, then broken one way at a time,
 * each with its exact sentence; and the history-seen file: written and
 * read back, every damage named. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chain.h"
#include "model/verify.h"
#include "util.h"

#define N 6
#define T0 1796300000000000ULL /* 2026-12-03 12:13:20 UTC */

struct row {
	uint64_t time, seq;
	const char *action, *detail;
	uint32_t uid;
	char prev[CHAIN_HEX + 1], hash[CHAIN_HEX + 1];
};
static struct row chain[N]; /* oldest first */

static void build(void)
{
	const char *prev = chain_zero;
	for (int i = 0; i < N; i++) {
		chain[i] = (struct row){.time = T0 + (uint64_t)i * 1000000,
		                        .seq = (uint64_t)i + 1,
		                        .action = i % 2 ? "pause" : "resume",
		                        .detail = "paused for 1 min",
		                        .uid = 1000};
		memcpy(chain[i].prev, prev, CHAIN_HEX + 1);
		chain_hash(prev, chain[i].seq, chain[i].time, chain[i].action, chain[i].detail,
		           chain[i].uid, chain[i].hash);
		prev = chain[i].hash;
	}
}

static int setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	build();
	return 0;
}

/* Feeds rows from..to-1 (oldest first), newest first, skipping skip;
 * returns the sentence. */
static const char *check(const struct verify_seen *seen, int from, int skip, struct verify *v)
{
	static char buf[1024];
	verify_init(v, seen);
	for (int i = N - 1; i >= from; i--) {
		const struct row *r = &chain[i];
		if (i != skip)
			verify_feed(v, r->time, r->action, r->detail, r->uid, r->seq, r->prev,
			            r->hash);
	}
	verify_finish(v);
	verify_sentence(v, false, buf, sizeof buf);
	verify_fini(v);
	return buf;
}

static struct verify_seen seen_of(int i, uint64_t checked)
{
	struct verify_seen s = {
	    .have = true, .seq = chain[i].seq, .time = chain[i].time, .checked = checked};
	memcpy(s.hash, chain[i].hash, sizeof s.hash);
	return s;
}

static void test_intact(void **state)
{
	(void)state;
	struct verify v;
	struct verify_seen none = {0};
	assert_string_equal(check(&none, 0, -1, &v), "6 entries, chain intact; this is the first "
	                                             "check, so there is nothing seen before to "
	                                             "compare with");
	struct verify_seen s = seen_of(3, T0 + 3600000000ULL);
	assert_string_equal(
	    check(&s, 0, -1, &v),
	    "6 entries, chain intact, extends what you last saw on 2026-12-03 13:13");
	assert_int_equal(v.fault, VERIFY_OK);
	struct verify_seen n = verify_newest(&v, 42);
	assert_true(n.have);
	assert_int_equal(n.seq, 6);
	assert_string_equal(n.hash, chain[5].hash);
	assert_int_equal(n.checked, 42);
	/* Pruned: a chain from its oldest kept entry. */
	assert_string_equal(
	    check(&s, 2, -1, &v),
	    "4 entries, chain intact, extends what you last saw on 2026-12-03 13:13");
	assert_string_equal(check(&none, 5, -1, &v), "1 entry, chain intact; this is the first "
	                                             "check, so there is nothing seen before to "
	                                             "compare with");
}

static void test_broken(void **state)
{
	(void)state;
	struct verify v;
	struct verify_seen none = {0};
	/* One removed, two removed. */
	assert_string_equal(check(&none, 0, 2, &v), "entry 4 (2026-12-03 12:13:23) does not follow "
	                                            "entry 2; entry 3 is missing");
	/* Entry 4 hashed anew after another prev: its own hash holds, its
	 * link does not (nor does entry 5's, which is newer). */
	memset(chain[3].prev, 'e', CHAIN_HEX);
	chain_hash(chain[3].prev, 4, chain[3].time, chain[3].action, chain[3].detail, chain[3].uid,
	           chain[3].hash);
	assert_string_equal(check(&none, 0, -1, &v),
	                    "entry 4 (2026-12-03 12:13:23) does not follow "
	                    "entry 3; the hash it follows is not entry 3's");
	build();
	/* An entry changed: the first of the chain's faults is named. */
	chain[4].detail = "paused for 9 min";
	chain[1].detail = "paused for 9 min";
	assert_string_equal(check(&none, 0, -1, &v),
	                    "entry 2 (2026-12-03 12:13:21) does not match "
	                    "its hash; it was changed after it was written");
	assert_int_equal(v.fault_seq, 2);
	build();
	/* Out of order. */
	chain[2].seq = 9;
	chain_hash(chain[2].prev, 9, chain[2].time, chain[2].action, chain[2].detail, chain[2].uid,
	           chain[2].hash);
	memcpy(chain[3].prev, chain[2].hash, sizeof chain[3].prev);
	chain_hash(chain[3].prev, 4, chain[3].time, chain[3].action, chain[3].detail, chain[3].uid,
	           chain[3].hash);
	memcpy(chain[4].prev, chain[3].hash, sizeof chain[4].prev);
	chain_hash(chain[4].prev, 5, chain[4].time, chain[4].action, chain[4].detail, chain[4].uid,
	           chain[4].hash);
	memcpy(chain[5].prev, chain[4].hash, sizeof chain[5].prev);
	chain_hash(chain[5].prev, 6, chain[5].time, chain[5].action, chain[5].detail, chain[5].uid,
	           chain[5].hash);
	assert_string_equal(check(&none, 2, -1, &v),
	                    "entry 4 (2026-12-03 12:13:23) does not follow "
	                    "entry 9; History is out of order");
	assert_string_equal(check(&none, 0, -1, &v),
	                    "entry 9 (2026-12-03 12:13:22) does not follow "
	                    "entry 2; entries 3 to 8 are missing");
	build();
	/* A line outside the chain, and one the agent cannot read. */
	chain[2].seq = 0;
	chain[2].detail = "line 3 of /s/history cannot be read: its uid is not a uid";
	assert_string_equal(check(&none, 0, -1, &v),
	                    "a line before entry 4 is outside the chain: line 3 of /s/history "
	                    "cannot be read: its uid is not a uid");
	build();
	chain[1].time = 0;
	chain[1].uid = UINT32_MAX;
	chain[1].action = "unreadable";
	chain[1].detail = "line 2 of /s/history cannot be read: its time is not a whole number";
	assert_string_equal(check(&none, 0, -1, &v),
	                    "entry 2 cannot be read by the agent: line 2 of /s/history cannot be "
	                    "read: its time is not a whole number");
	build();
}

static void test_seen(void **state)
{
	(void)state;
	struct verify v;
	struct verify_seen s = seen_of(5, T0 + 3600000000ULL);
	/* The tail cut. */
	s.seq = 7;
	assert_string_equal(check(&s, 0, 5, &v),
	                    "entries you saw are gone; you last saw entry 7 (2026-12-03 12:13:25) "
	                    "on 2026-12-03 13:13, and the newest now is entry 5 (2026-12-03 "
	                    "12:13:24)");
	build();
	/* Pruned past it. */
	s = seen_of(1, T0 + 3600000000ULL);
	assert_string_equal(check(&s, 3, -1, &v),
	                    "entries you saw are gone; you last saw entry 2 (2026-12-03 12:13:21) "
	                    "on 2026-12-03 13:13, and the oldest entry kept now is entry 4");
	/* Replaced. */
	s.hash[0] = s.hash[0] == 'a' ? 'b' : 'a';
	assert_string_equal(check(&s, 0, -1, &v),
	                    "entry 2 (2026-12-03 12:13:21) is not the one you "
	                    "saw on 2026-12-03 13:13; History was rewritten "
	                    "from there");
	/* Empty. */
	verify_init(&v, &s);
	verify_finish(&v);
	char buf[512];
	verify_sentence(&v, false, buf, sizeof buf);
	assert_string_equal(buf, "entries you saw are gone; you last saw entry 2 (2026-12-03 "
	                         "12:13:21) on 2026-12-03 13:13, and History is empty now");
	assert_false(verify_newest(&v, 1).have);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_seen_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/test-verify-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = xasprintf("%s/sub/history-seen", dir), *why = NULL;
	struct verify_seen s = seen_of(2, 77), got, sys = seen_of(4, 88);
	assert_int_equal(verify_seen_load(path, "session", &got, &why), 0);
	assert_false(got.have);
	assert_int_equal(verify_seen_store(path, "session", &s, &why), 0);
	assert_int_equal(verify_seen_store(path, "system", &sys, &why), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(verify_seen_load(path, "session", &got, &why), 0);
	assert_memory_equal(&got, &s, sizeof s);
	assert_int_equal(verify_seen_load(path, "system", &got, &why), 0);
	assert_memory_equal(&got, &sys, sizeof sys);
	static const char *const bad[][2] = {
	    {"session 1 x 1\n", "it is not a bus, a sequence number, a hash and two times"},
	    {"bus 1 x 1 2\n", "its bus is neither session nor system"},
	    {"session 01 "
	     "0000000000000000000000000000000000000000000000000000000000000000"
	     " 1 2\n",
	     "its sequence number is not a whole number from 1"},
	    {"session 1 "
	     "0000000000000000000000000000000000000000000000000000000000000000"
	     "0 1 2\n",
	     "its hash is not 64 lowercase hex digits"},
	    {"session 1 "
	     "0000000000000000000000000000000000000000000000000000000000000000"
	     " -1 2\n",
	     "its times are not whole numbers"},
	    {"session 1 "
	     "0000000000000000000000000000000000000000000000000000000000000000"
	     " 1 2\nsession 1 "
	     "0000000000000000000000000000000000000000000000000000000000000000"
	     " 1 2\n",
	     "it names a bus an earlier line named"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		write_text(path, bad[i][0]);
		assert_int_equal(verify_seen_load(path, "session", &got, &why), -1);
		char *want = xasprintf("%s, line %d: %s", path, i == 5 ? 2 : 1, bad[i][1]);
		assert_string_equal(why, want);
		free(want);
		free(why);
		/* Never written over. */
		assert_int_equal(verify_seen_store(path, "session", &s, &why), -1);
		free(why);
	}
	write_text(path, "# a comment\nsystem 3 "
	                 "0000000000000000000000000000000000000000000000000000000000000000"
	                 " 1 2");
	assert_int_equal(verify_seen_load(path, "system", &got, &why), -1);
	char *want = xasprintf("%s: its last line is cut off", path);
	assert_string_equal(why, want);
	free(want);
	free(why);
	unlink(path);
	char *sub = xasprintf("%s/sub", dir);
	rmdir(sub);
	rmdir(dir);
	free(sub);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_intact),
	    cmocka_unit_test(test_broken),
	    cmocka_unit_test(test_seen),
	    cmocka_unit_test(test_seen_file),
	};
	return cmocka_run_group_tests_name("tui-verify", tests, setup, NULL);
}
