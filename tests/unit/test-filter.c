/* The gates and fidelity rules: what is kept, and in what form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "control/filter.h"
#include "source/synth.h"
#include "util.h"

#define MS 1000ULL

static struct event kept[64];
static size_t n_kept;

static void emit(const struct event *e, void *data)
{
	(void)data;
	assert_true(n_kept < 64);
	kept[n_kept++] = *e;
}

static struct event ev(enum stream s, enum event_kind k, uint64_t t, int32_t code, const char *text)
{
	struct event e = {.time = t, .stream = s, .kind = k, .x = 10, .y = 20, .code = code};
	snprintf(e.text, sizeof e.text, "%s", text);
	return e;
}

static void setup_filter(struct policy *p, struct filter *f)
{
	policy_init(p);
	filter_init(f, p);
	n_kept = 0;
}

static void set_fid(struct policy *p, enum stream s, const char *name)
{
	/* The index into the stream's value list, as the policy stores it. */
	static const char *const lists[N_STREAMS][5] = {
	    {"off", "full", "reduced"},
	    {"off", "full", "reduced"},
	    {"off", "full"},
	    {"off", "full", "category", "timing"},
	    {"off", "full", "app"},
	};
	for (int i = 0; lists[s][i]; i++)
		if (strcmp(lists[s][i], name) == 0)
			p->fidelity_index[s] = i;
}

static void test_gates(void **state)
{
	struct policy p;
	struct filter f;
	(void)state;
	setup_filter(&p, &f);
	struct event b = ev(STREAM_BUTTON, EV_BUTTON_PRESS, 1000, 1, "");
	filter_feed(&f, &b, emit, NULL);
	assert_int_equal(n_kept, 1);
	f.paused = true;
	filter_feed(&f, &b, emit, NULL);
	assert_int_equal(n_kept, 1);
	f.paused = false;
	f.exempt[STREAM_BUTTON] = true;
	filter_feed(&f, &b, emit, NULL);
	assert_int_equal(n_kept, 1);
	struct event s = ev(STREAM_SCROLL, EV_SCROLL, 1000, -1, "");
	filter_feed(&f, &s, emit, NULL); /* another stream still flows */
	assert_int_equal(n_kept, 2);
	set_fid(&p, STREAM_SCROLL, "off");
	filter_feed(&f, &s, emit, NULL);
	assert_int_equal(n_kept, 2);
	policy_fini(&p);
}

static void test_exclusion(void **state)
{
	struct policy p;
	struct filter f;
	(void)state;
	setup_filter(&p, &f);
	set_fid(&p, STREAM_FOCUS, "full");
	struct event fx = ev(STREAM_FOCUS, EV_FOCUS, 1, 0, "KeePassXC\tsecret.kdbx");
	filter_feed(&f, &fx, emit, NULL);
	assert_true(f.suspended);
	assert_string_equal(f.app, "KeePassXC");
	assert_int_equal(n_kept, 0); /* not even the focus event */
	struct event k = ev(STREAM_KEYBOARD, EV_KEY_PRESS, 2, 30, "");
	filter_feed(&f, &k, emit, NULL);
	assert_int_equal(n_kept, 0);
	struct event ff = ev(STREAM_FOCUS, EV_FOCUS, 3, 0, "firefox\tNews\tNavigator");
	filter_feed(&f, &ff, emit, NULL);
	assert_false(f.suspended);
	assert_int_equal(n_kept, 1);
	/* The alias is never kept. */
	assert_string_equal(kept[0].text, "firefox\tNews");
	/* Either part of WM_CLASS matches, ignoring case. */
	struct event alias = ev(STREAM_FOCUS, EV_FOCUS, 4, 0, "Vault\tmain\tBitwarden");
	filter_feed(&f, &alias, emit, NULL);
	assert_true(f.suspended);
	assert_string_equal(f.app, "Vault");
	assert_int_equal(n_kept, 1);
	policy_fini(&p);
}

/* An application name longer than the filter keeps is cut between
 * characters: it is quoted in StateReason and Streams, and libdbus aborts
 * on a string cut inside a character. */
static void test_long_app_name(void **state)
{
	struct policy p;
	struct filter f;
	char text[200] = "", want[80] = "";
	(void)state;
	setup_filter(&p, &f);
	for (int i = 0; i < 40; i++)
		strcat(text, "\xc3\xa9"); /* é: the 63-byte cut falls inside one */
	strcat(text, "\tTitle");
	for (int i = 0; i < 31; i++)
		strcat(want, "\xc3\xa9");
	struct event fx = ev(STREAM_FOCUS, EV_FOCUS, 1, 0, text);
	filter_feed(&f, &fx, emit, NULL);
	assert_string_equal(f.app, want);
	assert_true(utf8_valid(f.app, strlen(f.app)));
	policy_fini(&p);
}

/* The screen locked: nothing is kept, not even focus, but the focused
 * application is still followed, so exclusion is right at unlock. */
static void test_locked(void **state)
{
	struct policy p;
	struct filter f;
	(void)state;
	setup_filter(&p, &f);
	f.locked = true;
	struct event b = ev(STREAM_BUTTON, EV_BUTTON_PRESS, 1000, 1, "");
	struct event m = ev(STREAM_MOTION, EV_MOTION, 1000, 0, "");
	struct event fx = ev(STREAM_FOCUS, EV_FOCUS, 1001, 0, "KeePassXC\tsecret.kdbx");
	filter_feed(&f, &b, emit, NULL);
	filter_feed(&f, &m, emit, NULL);
	assert_false(f.held);
	filter_feed(&f, &fx, emit, NULL);
	assert_int_equal(n_kept, 0);
	assert_string_equal(f.app, "KeePassXC");
	assert_true(f.suspended);
	f.locked = false;
	filter_feed(&f, &b, emit, NULL);
	assert_int_equal(n_kept, 0); /* still excluded */
	struct event ff = ev(STREAM_FOCUS, EV_FOCUS, 1002, 0, "firefox\tNews");
	filter_feed(&f, &ff, emit, NULL);
	filter_feed(&f, &b, emit, NULL);
	assert_int_equal(n_kept, 2);
	assert_int_equal(kept[1].stream, STREAM_BUTTON);
	policy_fini(&p);
}

static void test_fidelity(void **state)
{
	struct policy p;
	struct filter f;
	(void)state;
	setup_filter(&p, &f);
	struct event k = ev(STREAM_KEYBOARD, EV_KEY_PRESS, 1, 30, "");
	set_fid(&p, STREAM_KEYBOARD, "full");
	filter_feed(&f, &k, emit, NULL);
	set_fid(&p, STREAM_KEYBOARD, "category");
	filter_feed(&f, &k, emit, NULL);
	set_fid(&p, STREAM_KEYBOARD, "timing");
	filter_feed(&f, &k, emit, NULL);
	assert_int_equal(n_kept, 3);
	assert_int_equal(kept[0].code, 30);
	assert_string_equal(kept[0].text, "");
	assert_int_equal(kept[1].code, 0);
	assert_string_equal(kept[1].text, "letter");
	assert_int_equal(kept[2].code, 0);
	assert_string_equal(kept[2].text, "");
	assert_int_equal(kept[2].x, 0);

	struct event b = ev(STREAM_BUTTON, EV_BUTTON_PRESS, 1, 3, "");
	set_fid(&p, STREAM_BUTTON, "reduced");
	filter_feed(&f, &b, emit, NULL);
	assert_int_equal(kept[3].code, 3);
	assert_int_equal(kept[3].x, 0);
	assert_int_equal(kept[3].y, 0);

	struct event fo = ev(STREAM_FOCUS, EV_FOCUS, 1, 0, "code\tmain.c - secret project");
	set_fid(&p, STREAM_FOCUS, "app");
	filter_feed(&f, &fo, emit, NULL);
	assert_string_equal(kept[4].text, "code");
	policy_fini(&p);
}

static void test_reduced_motion(void **state)
{
	struct policy p;
	struct filter f;
	(void)state;
	setup_filter(&p, &f);
	p.motion_rate_hz = 20; /* 50 ms intervals */
	for (int i = 0; i < 10; i++) {
		struct event m =
		    ev(STREAM_MOTION, EV_MOTION, 1000 * MS + (uint64_t)i * 8 * MS, 0, "");
		m.x = i;
		filter_feed(&f, &m, emit, NULL);
	}
	/* 0..40 ms in the first interval, 48..72 in the second. */
	assert_int_equal(n_kept, 1);
	assert_int_equal(kept[0].x, 6);
	assert_int_equal(filter_deadline(&f), 1100 * MS);
	filter_flush(&f, 1099 * MS, false, emit, NULL);
	assert_int_equal(n_kept, 1);
	filter_flush(&f, 1100 * MS, false, emit, NULL);
	assert_int_equal(n_kept, 2);
	assert_int_equal(kept[1].x, 9);
	assert_int_equal(filter_deadline(&f), 0);

	set_fid(&p, STREAM_MOTION, "full");
	struct event m = ev(STREAM_MOTION, EV_MOTION, 2000 * MS, 0, "");
	filter_feed(&f, &m, emit, NULL);
	filter_feed(&f, &m, emit, NULL);
	assert_int_equal(n_kept, 4);
	policy_fini(&p);
}

static void test_key_categories(void **state)
{
	(void)state;
	static const struct {
		int32_t code;
		const char *cat;
	} cases[] = {
	    {30, "letter"},      {16, "letter"},      {50, "letter"},   {2, "digit"},
	    {11, "digit"},       {82, "digit"},       {57, "space"},    {28, "enter"},
	    {96, "enter"},       {14, "backspace"},   {42, "modifier"}, {125, "modifier"},
	    {103, "navigation"}, {15, "navigation"},  {59, "function"}, {88, "function"},
	    {12, "punctuation"}, {53, "punctuation"}, {113, "other"},   {0, "other"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_string_equal(key_category(cases[i].code), cases[i].cat);
}

static void test_synth_is_reproducible(void **state)
{
	static struct synth a, b;
	uint64_t counts[N_STREAMS] = {0}, last = 0;
	(void)state;
	synth_init(&a, 42, 1000);
	synth_init(&b, 42, 1000);
	for (int i = 0; i < 20000; i++) {
		const struct event *x = synth_peek(&a), *y = synth_peek(&b);
		assert_memory_equal(x, y, sizeof *x);
		assert_true(x->time >= last);
		last = x->time;
		counts[x->stream]++;
		synth_pop(&a);
		synth_pop(&b);
	}
	/* Every stream shows up in a stretch of plausible work. */
	for (int s = 0; s < N_STREAMS; s++)
		assert_true(counts[s] > 0);
	assert_true(counts[STREAM_MOTION] > counts[STREAM_BUTTON]);
	synth_init(&b, 43, 1000);
	synth_pop(&b);
	synth_pop(&a);
	assert_memory_not_equal(synth_peek(&a), synth_peek(&b), sizeof(struct event));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_gates),
	    cmocka_unit_test(test_exclusion),
	    cmocka_unit_test(test_locked),
	    cmocka_unit_test(test_fidelity),
	    cmocka_unit_test(test_reduced_motion),
	    cmocka_unit_test(test_key_categories),
	    cmocka_unit_test(test_synth_is_reproducible),
	    cmocka_unit_test(test_long_app_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
