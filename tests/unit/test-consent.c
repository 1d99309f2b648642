/* Consent to the policy: the digest (against a figure computed outside
 * the project), "keeps more" or "keeps less" for every key, the policy in
 * force while a change waits, and the person's limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "control/consent.h"
#include "util.h"

/* sha256 of the defaults' keys as consent.h writes them, by Python's
 * hashlib. */
#define DEFAULTS_DIGEST "5242f4de306905a93f284f1a087e6b1fa2940ff8fa0fddb495cf4b12e55f033b"

static void test_digest_of_the_defaults(void **state)
{
	(void)state;
	struct policy p;
	struct consent_values v;
	char d[CONSENT_DIGEST_LEN + 1];
	policy_init(&p);
	consent_values_of(&v, &p, "");
	consent_digest(&v, d);
	assert_string_equal(d, DEFAULTS_DIGEST);
	assert_string_equal(v.v[CK_EXCLUDE_APPS],
	                    "keepassxc\norg.keepassxc.KeePassXC\n1password\nbitwarden");
	consent_values_fini(&v);
	/* Any value moves it; what is not a consent key does not. */
	p.max_pause_minutes = 5;
	consent_values_of(&v, &p, "");
	consent_digest(&v, d);
	assert_string_equal(d, DEFAULTS_DIGEST);
	consent_values_fini(&v);
	p.hold_minutes = 61;
	consent_values_of(&v, &p, "");
	consent_digest(&v, d);
	assert_string_not_equal(d, DEFAULTS_DIGEST);
	consent_values_fini(&v);
	policy_fini(&p);
}

static int cmp(const char *key, const char *then, const char *now)
{
	int k = consent_key_parse(key);
	assert_true(k >= 0);
	return consent_compare(k, then, now);
}

static void test_keeps_more_or_less(void **state)
{
	(void)state;
	static const struct {
		const char *key, *then, *now;
		int want;
	} cases[] = {
	    {"streams.pointer_motion.fidelity", "reduced", "full", 1},
	    {"streams.pointer_motion.fidelity", "full", "reduced", -1},
	    {"streams.pointer_motion.fidelity", "off", "reduced", 1},
	    {"streams.pointer_button.fidelity", "reduced", "full", 1},
	    {"streams.pointer_button.fidelity", "full", "off", -1},
	    {"streams.pointer_scroll.fidelity", "off", "full", 1},
	    {"streams.keyboard.fidelity", "timing", "category", 1},
	    {"streams.keyboard.fidelity", "category", "full", 1},
	    {"streams.keyboard.fidelity", "full", "timing", -1},
	    {"streams.keyboard.fidelity", "timing", "off", -1},
	    {"streams.window_focus.fidelity", "app", "full", 1},
	    {"streams.window_focus.fidelity", "full", "app", -1},
	    {"streams.pointer_motion.rate_hz", "20", "100", 1},
	    {"streams.pointer_motion.rate_hz", "100", "20", -1},
	    {"exclude_apps", "a\nb", "a", 1},
	    {"exclude_apps", "a", "a\nb", -1},
	    {"exclude_apps", "a\nb", "b\nc", 1},
	    {"exclude_apps", "a\nb", "b\na", -1}, /* the same apps: nothing waits */
	    {"retention.days", "30", "90", 1},
	    {"retention.days", "90", "30", -1},
	    {"upload.endpoint", "", "ingest.example.com", 1},
	    {"upload.endpoint", "a.example.com", "b.example.com", 1},
	    {"upload.endpoint", "a.example.com", "", -1},
	    {"upload.hold_minutes", "60", "10", 1},
	    {"upload.hold_minutes", "10", "60", -1},
	    {"upload.delete_after_upload", "true", "false", 1},
	    {"upload.delete_after_upload", "false", "true", -1},
	    {"policy.allow_personal_limits", "true", "false", 1},
	    {"policy.allow_personal_limits", "false", "true", -1},
	    {"notice.model_access", "none", "all models", 1},
	    {"notice.purpose", "x", "", 1},
	    {"retention.days", "30", "30", 0},
	    {"notice.contact", "a", "a", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int got = cmp(cases[i].key, cases[i].then, cases[i].now);
		if (got != cases[i].want)
			fail_msg("%s: %s -> %s: %d, want %d", cases[i].key, cases[i].then,
			         cases[i].now, got, cases[i].want);
	}
	assert_int_equal(consent_key_parse("policy.max_pause_minutes"), -1);
}

static void test_words(void **state)
{
	(void)state;
	char *w = consent_words(CK_ENDPOINT, "");
	assert_string_equal(w, "nowhere");
	free(w);
	w = consent_words(CK_EXCLUDE_APPS, "a\nb c");
	assert_string_equal(w, "a, b c");
	free(w);
	w = consent_words(CK_EXCLUDE_APPS, "");
	assert_string_equal(w, "none");
	free(w);
	w = consent_words(CK_RETENTION_DAYS, "90");
	assert_string_equal(w, "90");
	free(w);
}

/* The defaults acknowledged, then a policy written to keep more of some
 * keys and less of others. */
struct fixture {
	struct policy written, eff;
	struct consent c;
	struct consent_values now;
};

static void acknowledge(struct fixture *f, const struct policy *p, const char *host)
{
	consent_values_fini(&f->c.acked);
	consent_values_of(&f->c.acked, p, host);
	consent_digest(&f->c.acked, f->c.digest);
	f->c.has_values = true;
	f->c.when = 1;
}

static void apply(struct fixture *f, const char *host)
{
	consent_values_fini(&f->now);
	consent_values_of(&f->now, &f->written, host);
	policy_fini(&f->eff);
	consent_effective(&f->eff, &f->written, &f->now, &f->c);
}

static int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	policy_init(&f->written);
	policy_init(&f->eff);
	consent_init(&f->c);
	*state = f;
	return 0;
}

static int fixture_teardown(void **state)
{
	struct fixture *f = *state;
	policy_fini(&f->written);
	policy_fini(&f->eff);
	consent_fini(&f->c);
	consent_values_fini(&f->now);
	free(f);
	return 0;
}

static void test_nothing_before_the_first_acknowledgment(void **state)
{
	struct fixture *f = *state;
	free(f->written.endpoint);
	f->written.endpoint = xstrdup("https://ingest.example.com/v1");
	apply(f, "ingest.example.com");
	assert_true(consent_blocked(&f->c, true));
	assert_true(consent_waiting(&f->c, &f->now, true));
	for (int s = 0; s < N_STREAMS; s++)
		assert_int_equal(policy_fidelity(&f->eff, s), FID_OFF);
	assert_string_equal(f->eff.endpoint, "");
	/* Without waiting, the policy as written, at once. */
	f->written.wait_for_acknowledgment = false;
	apply(f, "ingest.example.com");
	assert_false(consent_blocked(&f->c, false));
	assert_false(consent_waiting(&f->c, &f->now, false));
	assert_int_equal(policy_fidelity(&f->eff, STREAM_KEYBOARD), FID_TIMING);
	assert_string_equal(f->eff.endpoint, "https://ingest.example.com/v1");
}

static void test_more_waits_less_at_once(void **state)
{
	struct fixture *f = *state;
	acknowledge(f, &f->written, "");
	/* More: keyboard full, 90 days, an endpoint, no hold, more motion. */
	f->written.fidelity_index[STREAM_KEYBOARD] = consent_level_index(STREAM_KEYBOARD, "full");
	f->written.retention_days = 90;
	f->written.hold_minutes = 0;
	f->written.motion_rate_hz = 200;
	free(f->written.endpoint);
	f->written.endpoint = xstrdup("https://ingest.example.com/");
	/* Less: button reduced, focus off. */
	f->written.fidelity_index[STREAM_BUTTON] = consent_level_index(STREAM_BUTTON, "reduced");
	f->written.fidelity_index[STREAM_FOCUS] = 0;
	apply(f, "ingest.example.com");
	assert_true(consent_waiting(&f->c, &f->now, true));
	assert_int_equal(policy_fidelity(&f->eff, STREAM_KEYBOARD), FID_TIMING);
	assert_int_equal(f->eff.retention_days, 30);
	assert_int_equal(f->eff.hold_minutes, 60);
	assert_int_equal(f->eff.motion_rate_hz, 20);
	assert_string_equal(f->eff.endpoint, "");
	assert_int_equal(policy_fidelity(&f->eff, STREAM_BUTTON), FID_REDUCED);
	assert_int_equal(policy_fidelity(&f->eff, STREAM_FOCUS), FID_OFF);
	/* An application no longer excluded stays excluded. */
	free(f->written.exclude_apps.v[0]);
	f->written.exclude_apps.v[0] = xstrdup("gimp");
	apply(f, "ingest.example.com");
	assert_true(policy_excludes_app(&f->eff, "keepassxc"));
	assert_true(policy_excludes_app(&f->eff, "gimp"));
	/* Acknowledged: all of it in force. */
	acknowledge(f, &f->written, "ingest.example.com");
	apply(f, "ingest.example.com");
	assert_false(consent_waiting(&f->c, &f->now, true));
	assert_int_equal(policy_fidelity(&f->eff, STREAM_KEYBOARD), FID_FULL);
	assert_int_equal(f->eff.retention_days, 90);
	assert_string_equal(f->eff.endpoint, "https://ingest.example.com/");
	assert_false(policy_excludes_app(&f->eff, "keepassxc"));
}

static void test_personal_limits(void **state)
{
	struct fixture *f = *state;
	f->written.fidelity_index[STREAM_KEYBOARD] = consent_level_index(STREAM_KEYBOARD, "full");
	acknowledge(f, &f->written, "");
	f->c.limit[STREAM_KEYBOARD] = consent_level_index(STREAM_KEYBOARD, "category");
	apply(f, "");
	assert_int_equal(policy_fidelity(&f->eff, STREAM_KEYBOARD), FID_CATEGORY);
	/* A policy below the limit wins: the lower of the two. */
	f->written.fidelity_index[STREAM_KEYBOARD] = consent_level_index(STREAM_KEYBOARD, "timing");
	apply(f, "");
	assert_int_equal(policy_fidelity(&f->eff, STREAM_KEYBOARD), FID_TIMING);
	/* Limits lapse only when the policy stops allowing them. */
	f->written.fidelity_index[STREAM_KEYBOARD] = consent_level_index(STREAM_KEYBOARD, "full");
	f->written.allow_personal_limits = false;
	apply(f, "");
	/* Turning them off keeps more: it waits. */
	assert_true(consent_waiting(&f->c, &f->now, true));
	assert_int_equal(policy_fidelity(&f->eff, STREAM_KEYBOARD), FID_CATEGORY);
	acknowledge(f, &f->written, "");
	apply(f, "");
	assert_int_equal(policy_fidelity(&f->eff, STREAM_KEYBOARD), FID_FULL);
}

static void test_levels(void **state)
{
	(void)state;
	assert_int_equal(
	    consent_level_rank(STREAM_KEYBOARD, consent_level_index(STREAM_KEYBOARD, "full")), 3);
	assert_int_equal(
	    consent_level_rank(STREAM_KEYBOARD, consent_level_index(STREAM_KEYBOARD, "category")),
	    2);
	assert_int_equal(
	    consent_level_rank(STREAM_KEYBOARD, consent_level_index(STREAM_KEYBOARD, "timing")), 1);
	assert_int_equal(consent_level_rank(STREAM_KEYBOARD, 0), 0);
	assert_int_equal(
	    consent_level_rank(STREAM_MOTION, consent_level_index(STREAM_MOTION, "reduced")), 1);
	assert_int_equal(
	    consent_level_rank(STREAM_SCROLL, consent_level_index(STREAM_SCROLL, "full")), 1);
	assert_int_equal(consent_level_index(STREAM_SCROLL, "reduced"), -1);
	assert_true(consent_value_ok(CK_RETENTION_DAYS, "4294967295"));
	assert_false(consent_value_ok(CK_RETENTION_DAYS, "4294967296"));
	assert_false(consent_value_ok(CK_RETENTION_DAYS, "030"));
	assert_false(consent_value_ok(CK_RETENTION_DAYS, ""));
	assert_false(consent_value_ok(CK_DELETE_AFTER_UPLOAD, "yes"));
	assert_false(consent_value_ok(CK_NOTICE, "\xff"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_digest_of_the_defaults),
	    cmocka_unit_test(test_keeps_more_or_less),
	    cmocka_unit_test(test_words),
	    cmocka_unit_test(test_levels),
	    cmocka_unit_test_setup_teardown(test_nothing_before_the_first_acknowledgment,
	                                    fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_more_waits_less_at_once, fixture_setup,
	                                    fixture_teardown),
	    cmocka_unit_test_setup_teardown(test_personal_limits, fixture_setup, fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
