/* The state file (agent/store/state.c): the payload round trip, every kind
 * of damage (empty, cut at every byte, a bit flipped at every byte, values
 * out of range), a long deletion queue, the previous release's file, and
 * what opening a damaged file does on disk. */
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
#include <inttypes.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/state.h"
#include "util.h"

#define S ((uint64_t)USEC_PER_SEC)
#define DAY ((uint64_t)86400 * S)
#define T0 ((uint64_t)1700000000 * S) /* 2023-11-14 22:13:20 UTC */
#define SMALL 4096                    /* the slot size of the small files below */

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test-state-XXXXXX");
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

/* A state with something of every kind in it; pause_s makes two differ. */
static void sample(struct state *s, uint32_t pause_s)
{
	const struct exemption *ex;
	uint64_t until;
	state_init(s);
	control_set_limits(&s->control, 1800, 0, 20);
	assert_int_equal(control_pause(&s->control, pause_s, T0, &until), CTL_OK);
	control_request(&s->control, "all", "medical", "back\\slash\nand more", 5, 1000, T0, &ex);
	control_request(&s->control, "keyboard", "other", "x", 1, 1001, T0, &ex);
	control_request(&s->control, "window.focus", "legal", "ü", 30, 1002, T0, &ex);
	control_decide(&s->control, "EX-2", false, "", T0 + S, &ex);
	control_decide(&s->control, "EX-3", true, "ok, then", T0 + S, &ex);
	for (int i = 0; i < N_STREAMS; i++)
		s->counts[i] = (uint64_t)i * 1000 + 7;
	s->counts[4] = UINT64_MAX;
	s->upload = (struct state_upload){local_day(T0), 10, 20, T0, T0 - S, NULL, 0};
	const uint64_t ids[] = {1, 2, UINT64_MAX};
	state_upload_add(&s->upload, ids, 3, 0, 0);
	state_upload_add(&s->upload, NULL, 0, T0 - DAY, T0);
	/* Acknowledged: the defaults, with a notice of lines and tabs. */
	struct policy p;
	policy_init(&p);
	free(p.notice[NOTICE_PURPOSE]);
	p.notice[NOTICE_PURPOSE] = xstrdup("train\tmodels\nof \\ us");
	consent_values_of(&s->consent.acked, &p, "ingest.example.com");
	consent_digest(&s->consent.acked, s->consent.digest);
	s->consent.when = T0 - S;
	s->consent.has_values = true;
	s->consent.limit[STREAM_KEYBOARD] = consent_level_index(STREAM_KEYBOARD, "timing");
	policy_fini(&p);
}

static char *format(const struct state *s, size_t *len)
{
	return state_format(&s->control, &s->consent, s->counts, &s->upload, T0 + 2 * S, len);
}

/* The file of two small slots: slot 1 holds a 60 s pause (seq 1), slot 2
 * a 120 s one (seq 2, the newest). */
static uint8_t *two_slots(size_t *len, size_t *len_a, size_t *len_b)
{
	struct state a, b;
	struct buf file = {0};
	sample(&a, 60);
	sample(&b, 120);
	char *pa = format(&a, len_a), *pb = format(&b, len_b);
	state_slot_put(&file, 1, SMALL, pa, *len_a);
	state_slot_put(&file, 2, SMALL, pb, *len_b);
	free(pa);
	free(pb);
	state_fini(&a);
	state_fini(&b);
	*len = file.len;
	return file.p;
}

static void test_round_trip(void **state)
{
	(void)state;
	struct state s, t;
	char *why = NULL;
	size_t len, len2;
	sample(&s, 300);
	char *text = format(&s, &len);
	assert_int_equal(state_parse(text, len, 0, &t, &why), 0);
	assert_null(why);
	assert_int_equal(t.saved, T0 + 2 * S);
	assert_int_equal(t.control.paused_until, T0 + 300 * S);
	assert_int_equal(t.control.charge_from, T0);
	assert_int_equal(t.control.next_id, 4);
	assert_int_equal(t.control.n_ex, 3);
	assert_string_equal(t.control.ex[0].reason, "back\\slash\nand more");
	assert_string_equal(t.control.ex[1].note, "");
	assert_int_equal(t.control.ex[1].status, EX_DENIED);
	assert_int_equal(t.control.ex[1].ended, T0 + S);
	assert_int_equal(t.control.ex[2].status, EX_APPROVED);
	assert_string_equal(t.control.ex[2].reason, "ü");
	assert_string_equal(t.control.ex[2].note, "ok, then");
	assert_int_equal(t.control.ex[2].expires, T0 + S + 30 * DAY);
	assert_int_equal(t.control.ex[2].uid, 1002);
	assert_memory_equal(t.counts, s.counts, sizeof s.counts);
	assert_int_equal(t.upload.day, local_day(T0));
	assert_int_equal(t.upload.bytes_today, 10);
	assert_int_equal(t.upload.uploaded_until, T0 - S);
	assert_int_equal(t.upload.n_del, 2);
	assert_int_equal(t.upload.del[0].n, 3);
	assert_int_equal(t.upload.del[0].ids[2], UINT64_MAX);
	assert_null(t.upload.del[1].ids);
	assert_int_equal(t.upload.del[1].from, T0 - DAY);
	assert_true(t.consent.has_values);
	assert_string_equal(t.consent.digest, s.consent.digest);
	assert_int_equal(t.consent.when, T0 - S);
	assert_string_equal(t.consent.acked.v[CK_NOTICE + NOTICE_PURPOSE],
	                    "train\tmodels\nof \\ us");
	assert_string_equal(t.consent.acked.v[CK_ENDPOINT], "ingest.example.com");
	assert_string_equal(t.consent.acked.v[CK_FIDELITY + STREAM_KEYBOARD], "timing");
	assert_int_equal(t.consent.limit[STREAM_KEYBOARD], 3);
	assert_int_equal(t.consent.limit[STREAM_MOTION], CONSENT_NO_LIMIT);
	/* Written again, the same bytes. */
	char *again = state_format(&t.control, &t.consent, t.counts, &t.upload, t.saved, &len2);
	assert_int_equal(len2, len);
	assert_memory_equal(again, text, len);
	free(again);
	free(text);
	state_fini(&s);
	state_fini(&t);
}

static void test_file_reads(void **state)
{
	(void)state;
	size_t len, la, lb;
	uint8_t *file = two_slots(&len, &la, &lb);
	struct state s;
	struct state_found f;
	assert_int_equal(len, 2 * SMALL);
	assert_int_equal(state_decode(file, len, 0, &s, &f), 0);
	assert_false(f.damaged);
	assert_null(f.why);
	assert_int_equal(f.slot, 1);
	assert_int_equal(f.seq, 2);
	assert_true(f.reserved);
	assert_int_equal(s.control.paused_until, T0 + 120 * S);
	state_fini(&s);
	free(file);
}

static void test_empty_is_damage(void **state)
{
	(void)state;
	struct state s;
	struct state_found f;
	assert_int_equal(state_decode((const uint8_t *)"", 0, T0, &s, &f), -EINVAL);
	assert_true(f.damaged);
	assert_string_equal(f.why, "it is empty (0 bytes)");
	assert_int_equal(f.slot, -1);
	assert_int_equal(s.control.paused_until, 0);
	free(f.why);
	state_fini(&s);
}

static void test_cut_at_every_byte(void **state)
{
	(void)state;
	size_t len, la, lb;
	uint8_t *file = two_slots(&len, &la, &lb);
	for (size_t cut = 0; cut < len; cut++) {
		struct state s;
		struct state_found f;
		int r = state_decode(file, cut, 0, &s, &f);
		bool a = cut >= STATE_HEADER_LEN + la, b = cut >= SMALL + STATE_HEADER_LEN + lb;
		if (!f.damaged || r != (a ? 0 : -EINVAL))
			fail_msg("cut at %zu: r %d, damaged %d", cut, r, f.damaged);
		uint64_t want = b ? T0 + 120 * S : a ? T0 + 60 * S : 0;
		if (s.control.paused_until != want)
			fail_msg("cut at %zu: pause until %" PRIu64 ", want %" PRIu64, cut,
			         s.control.paused_until, want);
		free(f.why);
		state_fini(&s);
	}
	free(file);
}

static void test_bit_flip_at_every_byte(void **state)
{
	(void)state;
	size_t len, la, lb;
	uint8_t *file = two_slots(&len, &la, &lb);
	for (size_t i = 0; i < len; i++) {
		struct state s;
		struct state_found f;
		file[i] ^= (uint8_t)(1u << (i % 8));
		int r = state_decode(file, len, 0, &s, &f);
		file[i] ^= (uint8_t)(1u << (i % 8));
		bool in_a = i < STATE_HEADER_LEN + la;
		bool in_b = i >= SMALL && i < SMALL + STATE_HEADER_LEN + lb;
		/* A flip in a slot's unused tail harms nothing. */
		if (r != 0 || f.damaged != (in_a || in_b))
			fail_msg("flip at %zu: r %d, damaged %d", i, r, f.damaged);
		uint64_t want = in_b ? T0 + 60 * S : T0 + 120 * S;
		if (s.control.paused_until != want || f.slot != (in_b ? 0 : 1))
			fail_msg("flip at %zu: slot %d, pause until %" PRIu64, i, f.slot,
			         s.control.paused_until);
		free(f.why);
		state_fini(&s);
	}
	free(file);
}

/* A pause saved, then a later save torn halfway: the pause is still there. */
static void test_torn_write_keeps_the_pause(void **state)
{
	(void)state;
	struct state a, b, s;
	struct state_found f;
	struct buf file = {0};
	size_t la, lb;
	sample(&a, 900);
	sample(&b, 60);
	char *pa = format(&a, &la), *pb = format(&b, &lb);
	state_slot_put(&file, 7, SMALL, pa, la);
	state_slot_put(&file, 8, SMALL, pb, lb);
	memset(file.p + SMALL + STATE_HEADER_LEN + lb / 2, 0, lb - lb / 2);
	assert_int_equal(state_decode(file.p, file.len, 0, &s, &f), 0);
	assert_true(f.damaged);
	assert_string_equal(f.why, "slot 2 of 2: its checksum does not match");
	assert_int_equal(s.control.paused_until, T0 + 900 * S);
	free(f.why);
	free(pa);
	free(pb);
	buf_free(&file);
	state_fini(&a);
	state_fini(&b);
	state_fini(&s);
}

/* The sample's payload with line `from` (its start) replaced by `to`. */
static char *edit(const char *from, const char *to)
{
	struct state s;
	size_t len;
	sample(&s, 300);
	char *text = format(&s, &len);
	state_fini(&s);
	char *at = strstr(text, from);
	assert_non_null(at);
	char *end = strchr(at, '\n');
	char *out = xasprintf("%.*s%s%s", (int)(at - text), text, to, end);
	free(text);
	return out;
}

static void expect_refused(const char *text, size_t len, const char *want)
{
	struct state s;
	char *why = NULL;
	if (state_parse(text, len, T0, &s, &why) != -EINVAL)
		fail_msg("accepted, want '%s':\n%s", want, text);
	if (!why || !strstr(why, want))
		fail_msg("refused as '%s', want '%s'", why ? why : "(null)", want);
	assert_int_equal(s.control.n_ex, 0);
	assert_int_equal(s.upload.n_del, 0);
	free(why);
	state_fini(&s);
}

static void expect_edit_refused(const char *from, const char *to, const char *want)
{
	char *text = edit(from, to);
	expect_refused(text, strlen(text), want);
	free(text);
}

static void test_values_out_of_range(void **state)
{
	(void)state;
	char line[200];
	/* A changed digit: 1700000300 s became 11700000300 s, in 2340. */
	/* A pause that ends in 2343. */
	snprintf(line, sizeof line, "pause %" PRIu64 " %" PRIu64, (uint64_t)11771000000 * S, T0);
	expect_edit_refused("pause ", line, "the pause ends on 2343-");
	expect_edit_refused("pause ", "pause 0 5", "the pause's start and end do not fit");
	snprintf(line, sizeof line, "budget %" PRId64 " %" PRIu64, local_day(T0), 100000 * S);
	expect_edit_refused("budget ", line, "pause budget");
	snprintf(line, sizeof line, "budget %" PRId64 " 0", local_day(T0) + 9);
	expect_edit_refused("budget ", line, "pause budget");
	expect_edit_refused("budget ", "budget 1", "'budget' takes 2 whole numbers");
	expect_edit_refused("next-id ", "next-id 0", "next-id 0 is out of range");
	expect_edit_refused("next-id ", "next-id 3", "exemption EX-3: its number is not below");
	expect_edit_refused("counts ", "counts 1 2 3 4", "'counts' takes 5 whole numbers");
	expect_edit_refused("counts ", "counts 1 2 3 4 05", "'counts' takes 5");
	expect_edit_refused("counts ", "counts 1 2 3 4 -5", "'counts' takes 5");
	expect_edit_refused("counts ", "counts 1 2 3 4 +5", "'counts' takes 5");
	expect_edit_refused("counts ", "counts 1 2  3 4 5", "'counts' takes 5");
	expect_edit_refused("counts ", "counts 1 2 3 4 18446744073709551616", "'counts' takes 5");
	expect_edit_refused("counts ", "counts 1 2 3 4 5 ", "'counts' takes 5");
	expect_edit_refused("upload ", "upload 1 5 4 0 0", "the upload counters");
	expect_edit_refused("upload-delete-ids", "upload-delete-ids ", "a list of ids");
	expect_edit_refused("upload-delete-ids", "upload-delete-ids 1,,2", "a list of ids");
	expect_edit_refused("upload-delete-ids", "upload-delete-ids 1,2,", "a list of ids");
	expect_edit_refused("upload-delete-span", "upload-delete-span 9 8", "ends before");
	expect_edit_refused("saved ", "capctl-state 3", "is not a line of a state file");
	expect_edit_refused("capctl-state 3", "capctl-state 4", "format '4' is not one");
	expect_edit_refused("capctl-state 3", "capctl-stat 3", "not a capctl state file");
	expect_edit_refused("counts ", "colour 1", "'colour' is not a line");
	expect_edit_refused("counts ", "pause 0 0", "'pause' appears twice");
	expect_edit_refused("counts ", "", "an empty line");
	expect_edit_refused("upload-delete-span", "counts 1 2 3 4 5",
	                    "'counts 1 2 3 4 5' after the deletion requests");
	char *text = edit("counts ", "saved 1");
	char *no_counts = strstr(text, "saved 1\n");
	memmove(no_counts, no_counts + 8, strlen(no_counts + 8) + 1);
	expect_refused(text, strlen(text), "the line 'counts' is missing");
	free(text);
}

/* What was acknowledged, and the person's limits, are checked as closely:
 * the values must give the digest. */
static void test_consent_checked(void **state)
{
	(void)state;
	char line[200];
	expect_edit_refused("consent ", "consent - 5", "a policy never acknowledged has no time");
	expect_edit_refused("consent ", "consent abc 5", "a SHA-256 digest in lowercase hex");
	snprintf(line, sizeof line, "consent %064d 0", 0);
	expect_edit_refused("consent ", line, "a SHA-256 digest in lowercase hex");
	snprintf(line, sizeof line, "consent %064d 5", 0);
	expect_edit_refused("consent ", line, "do not give the acknowledged digest");
	struct state sm;
	sample(&sm, 300);
	snprintf(line, sizeof line, "consent %s %" PRIu64, sm.consent.digest,
	         (uint64_t)11771000000 * S);
	state_fini(&sm);
	expect_edit_refused("consent ", line, "acknowledged after the file was saved");
	expect_edit_refused("consent ", "consent", "is not a line of a state file");
	expect_edit_refused("acknowledged retention.days", "acknowledged retention.days\t30x",
	                    "the acknowledged retention.days is not a value it can have");
	expect_edit_refused("acknowledged retention.days", "acknowledged retention.days\t31",
	                    "do not give the acknowledged digest");
	expect_edit_refused("acknowledged retention.days", "acknowledged colour\tred",
	                    "'colour' is not a key of the policy");
	expect_edit_refused("acknowledged retention.days", "acknowledged upload.endpoint\tx",
	                    "the acknowledged upload.endpoint appears twice");
	expect_edit_refused("acknowledged streams.keyboard.fidelity",
	                    "acknowledged streams.keyboard.fidelity\tcategories",
	                    "is not a value it can have");
	expect_edit_refused("acknowledged retention.days", "counts 0 0 0 0 0",
	                    "'counts' appears twice");
	expect_edit_refused("limit ", "limit keyboard reduced", "'limit' takes a stream and one");
	expect_edit_refused("limit ", "limit mouse off", "'limit' takes a stream and one");
	expect_edit_refused("limit ", "limit keyboard", "'limit' takes a stream and one");
	char *text = edit("limit ", "limit keyboard off\nlimit keyboard timing");
	expect_refused(text, strlen(text), "the limit of keyboard appears twice");
	free(text);
	/* The line left out: missing, in this format. */
	text = edit("acknowledged retention.days", "acknowledged retention.days\t30");
	char *at = strstr(text, "acknowledged retention.days");
	memmove(at, at + 31, strlen(at + 31) + 1);
	expect_refused(text, strlen(text), "the acknowledged retention.days is missing");
	free(text);
	text = edit("consent ", "consent - 0");
	expect_refused(text, strlen(text), "of a policy never acknowledged");
	free(text);
}

/* A file of the release before holds no consent: nothing acknowledged. */
static void test_v2_has_no_consent(void **state)
{
	(void)state;
	struct state s, t;
	size_t len;
	char *why;
	sample(&s, 300);
	char *text = format(&s, &len);
	char *v2 = xstrdup(text);
	memcpy(v2, "capctl-state 2", 14);
	/* Without its consent lines, a file of the previous release. */
	char *from = strstr(v2, "consent "), *to = strstr(v2, "exemption ");
	memmove(from, to, strlen(to) + 1);
	assert_int_equal(state_parse(v2, strlen(v2), 0, &t, &why), 0);
	assert_false(t.consent.has_values);
	assert_string_equal(t.consent.digest, "");
	assert_int_equal(t.consent.limit[STREAM_KEYBOARD], CONSENT_NO_LIMIT);
	assert_int_equal(t.control.paused_until, T0 + 300 * S);
	state_fini(&t);
	/* and a consent line is not one of that format's lines */
	memcpy(text, "capctl-state 2", 14);
	assert_int_equal(state_parse(text, len, 0, &t, &why), -EINVAL);
	assert_string_equal(why, "line 8: 'consent' is not a line of a state file");
	free(why);
	state_fini(&t);
	free(v2);
	free(text);
	state_fini(&s);
}

static void test_exemptions_checked(void **state)
{
	(void)state;
	struct {
		const char *line, *want;
	} cases[] = {
	    {"exemption EX-2\tall\tmedical\tpending\t1\t0\t0\t5\t1\tr\t", "EX-2 appears twice"},
	    {"exemption EX-9\tall\tmedical\tpending\t1\t0\t0\t5\t1\tr", "11 tab-separated"},
	    {"exemption EX-9\tall\tmedical\tpending\t1\t0\t0\t5\t1\tr\t\tx", "11 tab-separated"},
	    {"exemption EX-01\tall\tmedical\tpending\t1\t0\t0\t5\t1\tr\t", "not an exemption id"},
	    {"exemption X-1\tall\tmedical\tpending\t1\t0\t0\t5\t1\tr\t", "not an exemption id"},
	    {"exemption EX-3\tmouse\tmedical\tpending\t1\t0\t0\t5\t1\tr\t",
	     "'mouse' is not a scope"},
	    {"exemption EX-3\tall\tflu\tpending\t1\t0\t0\t5\t1\tr\t", "'flu' is not a category"},
	    {"exemption EX-3\tall\tmedical\tmaybe\t1\t0\t0\t5\t1\tr\t", "'maybe' is not a status"},
	    {"exemption EX-3\tall\tmedical\tpending\t1\t0\t0\t0\t1\tr\t", "1 to 365 days, not 0"},
	    {"exemption EX-3\tall\tmedical\tpending\t1\t0\t0\t366\t1\tr\t", "not 366"},
	    {"exemption EX-3\tall\tmedical\tpending\t1\t0\t0\t5\t4294967296\tr\t", "uid"},
	    {"exemption EX-3\tall\tmedical\tpending\t1\t0\t0\t5\t1\t\t", "reason is not"},
	    {"exemption EX-3\tall\tmedical\tpending\t1\t0\t0\t5\t1\ta\\x00b\t", "reason is not"},
	    {"exemption EX-3\tall\tmedical\tpending\t1\t0\t0\t5\t1\ta\\qb\t", "reason is not"},
	    {"exemption EX-3\tall\tmedical\tpending\t1\t0\t0\t5\t1\t\xff\t", "reason is not"},
	    {"exemption EX-3\tall\tmedical\tpending\t1\t0\t0\t5\t1\tr\t\\x1b[2J", "note is not"},
	    {"exemption EX-3\tall\tmedical\tapproved\t1\t0\t0\t5\t1\tr\t", "do not fit its status"},
	    {"exemption EX-3\tall\tmedical\tpending\t1\t9\t0\t5\t1\tr\t", "do not fit its status"},
	    {"exemption EX-3\tall\tmedical\tdenied\t1\t0\t0\t5\t1\tr\t", "do not fit its status"},
	    {"exemption EX-3\tall\tmedical\texpired\t1\t9\t8\t5\t1\tr\t", "do not fit its status"},
	    {"exemption EX-3\tall\tmedical\tpending\t0\t0\t0\t5\t1\tr\t",
	     "after the file was saved"},
	    {"exemption EX-3\tall\tmedical\tpending\t99999999999999999\t0\t0\t5\t1\tr\t",
	     "after the file was saved"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		expect_edit_refused("exemption EX-3", cases[i].line, cases[i].want);
}

static void test_nul_and_cut_line(void **state)
{
	(void)state;
	struct state s;
	size_t len;
	sample(&s, 300);
	char *text = format(&s, &len);
	state_fini(&s);
	text[20] = '\0';
	expect_refused(text, len, "it holds a NUL byte");
	free(text);
	sample(&s, 300);
	text = format(&s, &len);
	state_fini(&s);
	expect_refused(text, len - 1, "its last line is cut off");
	free(text);
}

static char *path_in_dir(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static size_t count_aside(void)
{
	size_t n = 0;
	DIR *d = opendir(dir);
	for (struct dirent *de; (de = readdir(d));)
		n += strncmp(de->d_name, "state.damaged-", 14) == 0;
	closedir(d);
	return n;
}

static void test_many_deletions_survive(void **state)
{
	(void)state;
	char *path = path_in_dir("state");
	struct state s, t;
	struct state_report rep;
	int err;
	struct state_store *st = state_open(path, T0, &s, &rep, &err);
	assert_non_null(st);
	assert_null(rep.recovered);
	assert_null(rep.note);
	uint64_t *ids = xcalloc(20000, sizeof *ids);
	for (size_t i = 0; i < 20000; i++)
		ids[i] = 1000000 + i * 7;
	state_upload_add(&s.upload, ids, 10000, 0, 0);
	state_upload_add(&s.upload, ids + 10000, 10000, 0, 0);
	assert_int_equal(state_save(st, &s.control, &s.consent, s.counts, &s.upload, T0), 0);
	state_close(st);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size > 2 * STATE_SLOT_MIN); /* it grew to hold them */
	assert_int_equal(sb.st_mode & 0777, 0600);

	st = state_open(path, T0, &t, &rep, &err);
	assert_non_null(st);
	assert_null(rep.recovered);
	assert_int_equal(t.upload.n_del, 2);
	assert_int_equal(t.upload.del[0].n, 10000);
	assert_int_equal(t.upload.del[1].n, 10000);
	assert_memory_equal(t.upload.del[0].ids, ids, 10000 * sizeof *ids);
	assert_memory_equal(t.upload.del[1].ids, ids + 10000, 10000 * sizeof *ids);
	state_close(st);
	free(ids);
	free(path);
	state_fini(&s);
	state_fini(&t);
}

static void write_file(const char *path, const void *data, size_t len, uint64_t mtime)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_true(write(fd, data, len) == (ssize_t)len);
	struct timespec ts[2] = {{(time_t)(mtime / S), 0}, {(time_t)(mtime / S), 0}};
	futimens(fd, ts);
	close(fd);
}

/* The previous release's file, as it wrote it, with 2000 queued ids (it
 * read back at most 1024). */
static void test_previous_release_migrates(void **state)
{
	(void)state;
	char *path = path_in_dir("state");
	struct buf b = {0};
	char *head = xasprintf(
	    "capctl-state 1\npause %" PRIu64 " %" PRIu64 "\nbudget %" PRId64 " %" PRIu64
	    "\nnext-id 3\n"
	    "exemption EX-1\tall\tmedical\tapproved\t%" PRIu64 "\t%" PRIu64
	    "\t0\t5\t1000\tmy\\\\reason\\nhere\tok\n"
	    "exemption EX-2\tkeyboard\tother\tpending\t%" PRIu64 "\t0\t0\t1\t1000\tx\t\n"
	    "counts 1 2 3 4 5\nupload %" PRId64 " 10 20 %" PRIu64 " %" PRIu64
	    "\nupload-delete-ids ",
	    T0 + 600 * S, T0, local_day(T0), 60 * S, T0, T0 + 5 * DAY, T0, local_day(T0), T0, T0);
	buf_put(&b, head, strlen(head));
	free(head);
	for (int i = 1; i <= 2000; i++) {
		char num[16];
		int n = snprintf(num, sizeof num, "%s%d", i > 1 ? "," : "", i);
		buf_put(&b, num, (size_t)n);
	}
	char *tail = xasprintf("\nupload-delete-span %" PRIu64 " %" PRIu64 "\n", T0 - S, T0);
	buf_put(&b, tail, strlen(tail));
	free(tail);
	write_file(path, b.p, b.len, T0 + 10 * S);

	struct state s;
	struct state_report rep;
	int err;
	struct state_store *st = state_open(path, T0 + 20 * S, &s, &rep, &err);
	assert_non_null(st);
	if (rep.recovered)
		fail_msg("%s", rep.recovered);
	assert_non_null(rep.note);
	assert_non_null(strstr(rep.note, "previous release's format"));
	state_report_fini(&rep);
	state_close(st);
	for (int pass = 0; pass < 2; pass++) {
		assert_int_equal(s.control.paused_until, T0 + 600 * S);
		assert_int_equal(s.control.budget_used, 60 * S);
		assert_int_equal(s.control.next_id, 3);
		assert_int_equal(s.control.n_ex, 2);
		assert_string_equal(s.control.ex[0].reason, "my\\reason\nhere");
		assert_int_equal(s.control.ex[0].expires, T0 + 5 * DAY);
		assert_int_equal(s.counts[4], 5);
		assert_int_equal(s.upload.bytes_total, 20);
		assert_int_equal(s.upload.n_del, 2);
		assert_int_equal(s.upload.del[0].n, 2000);
		assert_int_equal(s.upload.del[0].ids[1999], 2000);
		assert_int_equal(s.upload.del[1].to, T0);
		state_fini(&s);
		/* Written back in the new format: opened again, no note. */
		st = state_open(path, T0 + 30 * S, &s, &rep, &err);
		assert_non_null(st);
		assert_null(rep.note);
		assert_null(rep.recovered);
		state_close(st);
	}
	state_fini(&s);
	FILE *f = fopen(path, "r");
	char magic[18];
	assert_int_equal(fread(magic, 1, sizeof magic, f), sizeof magic);
	fclose(f);
	assert_memory_equal(magic, "capctl-state-slot ", 18);

	/* The release before that had no uploaded_until. */
	const char *older = "capctl-state 1\npause 0 0\nbudget 0 0\nnext-id 1\n"
	                    "counts 0 0 0 0 9\nupload 0 5 6 0\n";
	write_file(path, older, strlen(older), T0);
	st = state_open(path, T0, &s, &rep, &err);
	assert_non_null(st);
	assert_null(rep.recovered);
	assert_int_equal(s.upload.bytes_total, 6);
	assert_int_equal(s.counts[4], 9);
	state_report_fini(&rep);
	state_close(st);
	state_fini(&s);
	buf_free(&b);
	free(path);
}

static void test_v1_year_2343(void **state)
{
	(void)state;
	char *text =
	    xasprintf("capctl-state 1\npause %" PRIu64 " %" PRIu64 "\nbudget 0 0\nnext-id 1\n",
	              (uint64_t)11771000000 * S, T0);
	expect_refused(text, strlen(text), "the pause ends on 2343-");
	free(text);
}

/* Opening a damaged file: it is kept aside, what could be recovered is
 * written anew, and the report says where. */
static void test_damaged_file_moved_aside(void **state)
{
	(void)state;
	char *path = path_in_dir("state");
	size_t len, la, lb;
	uint8_t *file = two_slots(&len, &la, &lb);
	file[SMALL + STATE_HEADER_LEN + 3] ^= 0x10; /* the newer slot */
	write_file(path, file, len, T0);
	struct state s;
	struct state_report rep;
	int err;
	struct state_store *st = state_open(path, T0, &s, &rep, &err);
	assert_non_null(st);
	assert_non_null(rep.recovered);
	char *want =
	    xasprintf("%s could not be read (slot 2 of 2: its checksum does not match); "
	              "it was moved to %s.damaged-20231114T221320Z; the pause, exemptions, "
	              "acknowledgment, personal limits, counts and deletion requests saved at ",
	              path, path);
	assert_true(strncmp(rep.recovered, want, strlen(want)) == 0);
	assert_non_null(strstr(rep.recovered, "were recovered from slot 1"));
	assert_int_equal(s.control.paused_until, T0 + 60 * S);
	assert_int_equal(count_aside(), 1);
	state_report_fini(&rep);
	state_close(st);
	state_fini(&s);
	/* The new file is whole. */
	st = state_open(path, T0, &s, &rep, &err);
	assert_null(rep.recovered);
	assert_int_equal(s.control.paused_until, T0 + 60 * S);
	assert_int_equal(s.control.n_ex, 3);
	state_close(st);
	state_fini(&s);
	free(want);
	free(file);
	free(path);
}

static void test_zero_bytes_moved_aside(void **state)
{
	(void)state;
	char *path = path_in_dir("state");
	write_file(path, "", 0, T0);
	struct state s;
	struct state_report rep;
	int err;
	struct state_store *st = state_open(path, T0, &s, &rep, &err);
	assert_non_null(st);
	assert_non_null(rep.recovered);
	assert_non_null(strstr(rep.recovered, "could not be read (it is empty (0 bytes))"));
	assert_non_null(strstr(rep.recovered, "nothing in it could be recovered"));
	assert_int_equal(count_aside(), 1);
	state_report_fini(&rep);
	state_close(st);
	state_fini(&s);
	/* The aside name is not reused. */
	write_file(path, "junk", 4, T0);
	st = state_open(path, T0, &s, &rep, &err);
	assert_non_null(strstr(rep.recovered, "(it is not a capctl state file)"));
	assert_non_null(strstr(rep.recovered, ".damaged-20231114T221320Z-2;"));
	assert_int_equal(count_aside(), 2);
	state_report_fini(&rep);
	state_close(st);
	state_fini(&s);
	free(path);
}

/* Saves alternate between the slots; one that cannot be written (its
 * state outgrew the slot, no new file can be made) fails and leaves the
 * file as it was. */
static void test_saves_alternate_and_fail_whole(void **state)
{
	(void)state;
	char *path = path_in_dir("state");
	struct state s, t;
	struct state_report rep;
	int err;
	struct state_store *st = state_open(path, T0, &s, &rep, &err);
	uint64_t until;
	control_set_limits(&s.control, 1800, 0, 100);
	control_pause(&s.control, 60, T0, &until);
	assert_int_equal(state_save(st, &s.control, &s.consent, s.counts, &s.upload, T0), 0);
	control_pause(&s.control, 120, T0, &until);
	assert_int_equal(state_save(st, &s.control, &s.consent, s.counts, &s.upload, T0), 0);
	FILE *f = fopen(path, "r");
	uint8_t *file = xmalloc(2 * STATE_SLOT_MIN);
	assert_int_equal(fread(file, 1, 2 * STATE_SLOT_MIN, f), 2 * STATE_SLOT_MIN);
	fclose(f);
	struct state_found found;
	assert_int_equal(state_decode(file, 2 * STATE_SLOT_MIN, 0, &t, &found), 0);
	assert_false(found.damaged);
	assert_int_equal(t.control.paused_until, T0 + 120 * S);
	assert_int_equal(found.seq, 4); /* 1 and 2 at creation, then 3 and 4 */
	assert_int_equal(found.slot, 1);
	state_fini(&t);
	free(file);

	/* The directory gone, no new file can be made: a state that fits
	 * is saved in place, one that does not fails. */
	char *moved = xasprintf("%s.moved", dir);
	assert_int_equal(rename(dir, moved), 0);
	control_pause(&s.control, 180, T0, &until);
	assert_int_equal(state_save(st, &s.control, &s.consent, s.counts, &s.upload, T0), 0);
	uint64_t *ids = xcalloc(20000, sizeof *ids);
	for (size_t i = 0; i < 20000; i++)
		ids[i] = 1000000;
	state_upload_add(&s.upload, ids, 20000, 0, 0);
	assert_int_equal(state_save(st, &s.control, &s.consent, s.counts, &s.upload, T0), -ENOENT);
	state_close(st);
	assert_int_equal(rename(moved, dir), 0);
	st = state_open(path, T0, &t, &rep, &err);
	assert_null(rep.recovered);
	assert_int_equal(t.control.paused_until, T0 + 180 * S);
	assert_int_equal(t.upload.n_del, 0);
	state_close(st);
	state_fini(&t);
	state_fini(&s);
	free(ids);
	free(moved);
	free(path);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_file_reads),
	    cmocka_unit_test(test_empty_is_damage),
	    cmocka_unit_test(test_cut_at_every_byte),
	    cmocka_unit_test(test_bit_flip_at_every_byte),
	    cmocka_unit_test(test_torn_write_keeps_the_pause),
	    cmocka_unit_test(test_values_out_of_range),
	    cmocka_unit_test(test_consent_checked),
	    cmocka_unit_test(test_v2_has_no_consent),
	    cmocka_unit_test(test_exemptions_checked),
	    cmocka_unit_test(test_nul_and_cut_line),
	    cmocka_unit_test(test_v1_year_2343),
	    cmocka_unit_test_setup_teardown(test_many_deletions_survive, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_previous_release_migrates, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_damaged_file_moved_aside, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_zero_bytes_moved_aside, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_saves_alternate_and_fail_whole, setup, teardown),
	};
	return cmocka_run_group_tests_name("state", tests, NULL, NULL);
}
