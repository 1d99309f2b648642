/* The state in words and the Streams descriptions (agent_state,
 * agent_stream) for the gates the agent sets itself: the screen locked, an
 * excluded application, and their order against pause and the source. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "agent.h"
#include "util.h"

#define LOCKED "not recorded: the screen is locked"

/* Only whether there is a source is looked at: any non-NULL pointer. */
static int dummy_source;

static int setup(void **state)
{
	struct agent *a = xcalloc(1, sizeof *a);
	policy_init(&a->written);
	a->written.wait_for_acknowledgment = false;
	consent_init(&a->consent);
	agent_apply_consent(a);
	control_init(&a->control, 1800, 0, 5);
	filter_init(&a->filter, &a->policy);
	a->source = (struct source *)&dummy_source;
	*state = a;
	return 0;
}

static int teardown(void **state)
{
	struct agent *a = *state;
	control_fini(&a->control);
	policy_fini(&a->policy);
	policy_fini(&a->written);
	consent_fini(&a->consent);
	free(a);
	return 0;
}

static void no_emit(const struct event *e, void *data)
{
	(void)e;
	(void)data;
	fail_msg("nothing is held, so nothing is emitted");
}

/* The screen locked or unlocked, as the power watcher says it. */
static void lock(struct agent *a, bool locked)
{
	filter_set_locked(&a->filter, locked, now_usec(), no_emit, NULL);
}

static void assert_state(struct agent *a, const char *want, const char *want_reason)
{
	char *reason = NULL;
	const char *got = agent_state(a, now_usec(), &reason);
	assert_string_equal(got, want);
	assert_string_equal(reason, want_reason);
	free(reason);
}

static void assert_streams(struct agent *a, bool want_rec, const char *want)
{
	for (int s = 0; s < N_STREAMS; s++) {
		char *d = NULL;
		bool rec = agent_stream(a, (enum stream)s, now_usec(), &d);
		assert_int_equal(rec, want_rec);
		if (want)
			assert_string_equal(d, want);
		free(d);
	}
}

static void test_locked(void **state)
{
	struct agent *a = *state;
	assert_state(a, "collecting", "recording 5 of 5 streams as the policy allows");
	lock(a, true);
	assert_state(a, "suspended", "the screen is locked");
	assert_streams(a, false, LOCKED);
	lock(a, false);
	assert_state(a, "collecting", "recording 5 of 5 streams as the policy allows");
	assert_streams(a, true, NULL);
}

static void test_locked_and_excluded(void **state)
{
	struct agent *a = *state;
	struct event focus = {.time = 1, .stream = STREAM_FOCUS, .kind = EV_FOCUS};
	strcpy(focus.text, "keepassxc\tDatabase");
	filter_feed(&a->filter, &focus, no_emit, NULL);
	assert_state(a, "suspended", "excluded application keepassxc has focus");
	assert_streams(a, false, "not recorded: excluded application keepassxc has focus");
	lock(a, true);
	assert_state(a, "suspended", "the screen is locked");
	assert_streams(a, false, LOCKED);
	lock(a, false);
	assert_state(a, "suspended", "excluded application keepassxc has focus");
}

static void test_paused_wins(void **state)
{
	struct agent *a = *state;
	uint64_t until;
	lock(a, true);
	assert_int_equal(control_pause(&a->control, 60, now_usec(), &until), CTL_OK);
	char *reason = NULL;
	assert_string_equal(agent_state(a, now_usec(), &reason), "paused");
	assert_true(strncmp(reason, "paused until ", 13) == 0);
	free(reason);
	assert_streams(a, false, "not recorded: paused");
	control_resume(&a->control, now_usec());
	assert_state(a, "suspended", "the screen is locked");
}

static void test_before_idle(void **state)
{
	struct agent *a = *state;
	a->source = NULL;
	assert_state(a, "idle", "no input source");
	lock(a, true);
	assert_state(a, "suspended", "the screen is locked");
}

static void test_policy_off_says_so(void **state)
{
	struct agent *a = *state;
	a->written.fidelity_index[STREAM_SCROLL] = 0; /* off */
	agent_apply_consent(a);
	lock(a, true);
	char *d = NULL;
	assert_false(agent_stream(a, STREAM_SCROLL, now_usec(), &d));
	assert_string_equal(d, "not recorded: the policy turns this stream off");
	free(d);
	assert_false(agent_stream(a, STREAM_KEYBOARD, now_usec(), &d));
	assert_string_equal(d, LOCKED);
	free(d);
}

/* Before the first acknowledgment nothing is recorded, and the state says
 * why; a pause still wins. */
static void test_waiting_for_acknowledgment(void **state)
{
	struct agent *a = *state;
	a->written.wait_for_acknowledgment = true;
	agent_apply_consent(a);
	assert_state(a, "suspended", "waiting for the privacy notice to be acknowledged");
	assert_streams(a, false, "not recorded: waiting for the privacy notice to be acknowledged");
	uint64_t until;
	assert_int_equal(control_pause(&a->control, 60, now_usec(), &until), CTL_OK);
	char *reason;
	assert_string_equal(agent_state(a, now_usec(), &reason), "paused");
	free(reason);
}

static void acknowledge(struct agent *a)
{
	consent_values_fini(&a->consent.acked);
	agent_consent_values(a, &a->consent.acked);
	consent_digest(&a->consent.acked, a->consent.digest);
	a->consent.has_values = true;
	a->consent.when = 1;
}

static char *stream_text(struct agent *a, enum stream s)
{
	char *d = NULL;
	agent_stream(a, s, now_usec(), &d);
	return d;
}

/* A level below the policy's says whose choice it is. */
static void test_levels_below_the_policy(void **state)
{
	struct agent *a = *state;
	a->written.wait_for_acknowledgment = true;
	a->written.fidelity_index[STREAM_KEYBOARD] = consent_level_index(STREAM_KEYBOARD, "full");
	acknowledge(a);
	a->consent.limit[STREAM_KEYBOARD] = consent_level_index(STREAM_KEYBOARD, "category");
	a->consent.limit[STREAM_FOCUS] = 0;
	/* A change that keeps more, not acknowledged yet. */
	a->written.fidelity_index[STREAM_BUTTON] = consent_level_index(STREAM_BUTTON, "full");
	a->written.fidelity_index[STREAM_MOTION] = consent_level_index(STREAM_MOTION, "full");
	agent_apply_consent(a);
	char *d = stream_text(a, STREAM_KEYBOARD);
	assert_string_equal(d, "key category (letter, digit, space, …) and timing; which key is "
	                       "never recorded; your choice (the policy allows full)");
	free(d);
	d = stream_text(a, STREAM_FOCUS);
	assert_string_equal(d, "not recorded: your choice (the policy allows app)");
	free(d);
	d = stream_text(a, STREAM_MOTION);
	assert_string_equal(d, "position, downsampled to 20 Hz; the policy's change to full waits "
	                       "for your acknowledgment");
	free(d);
	assert_state(a, "collecting",
	             "recording 4 of 5 streams as the policy allows; a policy change waits for "
	             "your acknowledgment");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_locked, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_locked_and_excluded, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_paused_wins, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_before_idle, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_policy_off_says_so, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_waiting_for_acknowledgment, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_levels_below_the_policy, setup, teardown),
	};
	return cmocka_run_group_tests_name("agent-state", tests, NULL, NULL);
}
