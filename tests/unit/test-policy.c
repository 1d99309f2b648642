/* Policy parsing: the defaults, every key read, and every error path with
 * its exact FILE:LINE message. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "control/policy.h"
#include "util.h"

static char path[64];
static char warnings[1024];

static void warn(const char *msg, void *data)
{
	(void)data;
	strncat(warnings, msg, sizeof warnings - strlen(warnings) - 2);
	strcat(warnings, "\n");
}

static void write_policy(const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

/* Loads text; returns the error (static) or NULL. */
static const char *load(struct policy *p, const char *text)
{
	static char err[512];
	char *e = NULL;
	write_policy(text);
	warnings[0] = '\0';
	int r = policy_load(p, path, &e, warn, NULL);
	if (r == 0)
		return NULL;
	snprintf(err, sizeof err, "%s", e ? e : "?");
	free(e);
	/* Show the message without the temporary directory. */
	return strstr(err, "policy.conf") ? strstr(err, "policy.conf") : err;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

/* The messages start with the file name; compare from "policy.conf"
 * onwards by naming the file so. */
static void use_name(void)
{
	snprintf(path, sizeof path, "/tmp/policy.conf");
}

static void test_defaults(void **state)
{
	struct policy p;
	(void)state;
	policy_init(&p);
	assert_int_equal(p.admin_uids.n, 1);
	assert_int_equal(p.admin_uids.v[0], 0);
	assert_int_equal(p.monitored_uid, -1);
	assert_int_equal(p.max_pause_minutes, 30);
	assert_int_equal(p.daily_pause_budget_minutes, 0);
	assert_true(p.allow_user_deletion);
	assert_int_equal(p.max_pending_exemptions, 20);
	assert_int_equal(policy_fidelity(&p, STREAM_MOTION), FID_REDUCED);
	assert_int_equal(p.motion_rate_hz, 20);
	assert_int_equal(policy_fidelity(&p, STREAM_BUTTON), FID_FULL);
	assert_int_equal(policy_fidelity(&p, STREAM_SCROLL), FID_FULL);
	assert_int_equal(policy_fidelity(&p, STREAM_KEYBOARD), FID_TIMING);
	assert_int_equal(policy_fidelity(&p, STREAM_FOCUS), FID_APP);
	assert_int_equal(p.exclude_apps.n, 4);
	assert_true(policy_excludes_app(&p, "KeePassXC"));
	assert_true(policy_excludes_app(&p, "org.keepassxc.keepassxc"));
	assert_false(policy_excludes_app(&p, "firefox"));
	assert_int_equal(p.retention_days, 30);
	assert_int_equal(p.max_spool_mb, 512);
	assert_int_equal(p.segment_seconds, 300);
	assert_string_equal(p.endpoint, "");
	assert_int_equal(p.interval_seconds, 900);
	assert_int_equal(p.daily_cap_mb, 50);
	assert_int_equal(p.rate_limit_kbps, 0);
	assert_int_equal(p.on_battery, 0);
	assert_int_equal(p.on_metered, 0);
	assert_false(p.delete_after_upload);
	assert_int_equal(p.saver_below_percent, 30);
	assert_true(p.cpu_watts == 8.0);
	assert_true(p.wakeup_mw == 4.0);
	assert_string_equal(p.notice[NOTICE_VERSION], "");
	assert_true(policy_is_admin(&p, 0));
	assert_false(policy_is_admin(&p, 1000));
	policy_fini(&p);
}

static void test_every_key(void **state)
{
	struct policy p;
	(void)state;
	policy_init(&p);
	assert_null(load(
	    &p, "version = 1;\n"
	        "policy = { admin_uids = [ 0, 1001 ]; monitored_uid = 1000;\n"
	        "  max_pause_minutes = 15; daily_pause_budget_minutes = 60;\n"
	        "  allow_user_deletion = false; max_pending_exemptions = 3; };\n"
	        "streams = { pointer_motion = { fidelity = \"full\"; rate_hz = 50; };\n"
	        "  pointer_button = { fidelity = \"reduced\"; };\n"
	        "  pointer_scroll = { fidelity = \"off\"; };\n"
	        "  keyboard = { fidelity = \"category\"; };\n"
	        "  window_focus = { fidelity = \"full\"; }; };\n"
	        "exclude_apps = [ \"Signal\" ];\n"
	        "retention = { days = 7; max_spool_mb = 64; segment_seconds = 60; };\n"
	        "upload = { endpoint = \"https://u:p@example.org/x\"; interval_seconds = 60;\n"
	        "  daily_cap_mb = 0; rate_limit_kbps = 100; on_battery = \"allow\";\n"
	        "  on_metered = \"allow\"; delete_after_upload = true; };\n"
	        "power = { saver_below_percent = 0; cpu_watts = 15; wakeup_mw = 2.5; };\n"
	        "notice = { version = \"3\"; purpose = \"training\"; retention = \"30 d\";\n"
	        "  anonymization = \"none\"; model_access = \"lab\"; contact = \"dpo@x\"; };\n"));
	assert_string_equal(warnings, "");
	assert_int_equal(p.admin_uids.n, 2);
	assert_int_equal(p.admin_uids.v[1], 1001);
	assert_int_equal(p.monitored_uid, 1000);
	assert_int_equal(p.max_pause_minutes, 15);
	assert_int_equal(p.daily_pause_budget_minutes, 60);
	assert_false(p.allow_user_deletion);
	assert_int_equal(p.max_pending_exemptions, 3);
	assert_int_equal(policy_fidelity(&p, STREAM_MOTION), FID_FULL);
	assert_int_equal(p.motion_rate_hz, 50);
	assert_int_equal(policy_fidelity(&p, STREAM_BUTTON), FID_REDUCED);
	assert_int_equal(policy_fidelity(&p, STREAM_SCROLL), FID_OFF);
	assert_int_equal(policy_fidelity(&p, STREAM_KEYBOARD), FID_CATEGORY);
	assert_int_equal(policy_fidelity(&p, STREAM_FOCUS), FID_FULL);
	assert_int_equal(p.exclude_apps.n, 1);
	assert_true(policy_excludes_app(&p, "signal"));
	assert_false(policy_excludes_app(&p, "keepassxc"));
	assert_int_equal(p.retention_days, 7);
	assert_int_equal(p.max_spool_mb, 64);
	assert_int_equal(p.segment_seconds, 60);
	assert_string_equal(p.endpoint, "https://u:p@example.org/x");
	assert_int_equal(p.interval_seconds, 60);
	assert_int_equal(p.daily_cap_mb, 0);
	assert_int_equal(p.rate_limit_kbps, 100);
	assert_int_equal(p.on_battery, 1);
	assert_int_equal(p.on_metered, 1);
	assert_true(p.delete_after_upload);
	assert_int_equal(p.saver_below_percent, 0);
	assert_true(p.cpu_watts == 15.0);
	assert_true(p.wakeup_mw == 2.5);
	assert_string_equal(p.notice[NOTICE_PURPOSE], "training");
	assert_string_equal(p.notice[NOTICE_CONTACT], "dpo@x");
	assert_true(policy_is_admin(&p, 1001));
	policy_fini(&p);
}

static void test_missing_file_and_keys(void **state)
{
	struct policy p;
	char *e = NULL;
	(void)state;
	policy_init(&p);
	assert_int_equal(policy_load(&p, "/nonexistent/captured.conf", &e, warn, NULL), -2);
	assert_null(e);
	assert_int_equal(p.max_pause_minutes, 30);
	/* A file with some keys: the rest keep their defaults. */
	assert_null(load(&p, "policy = { max_pause_minutes = 5; };\n"));
	assert_int_equal(p.max_pause_minutes, 5);
	assert_int_equal(p.max_pending_exemptions, 20);
	assert_int_equal(policy_fidelity(&p, STREAM_KEYBOARD), FID_TIMING);
	policy_fini(&p);
}

static void test_unknown_keys_warn(void **state)
{
	struct policy p;
	(void)state;
	policy_init(&p);
	assert_null(load(&p,
	                 "colour = 1;\npolicy = {\n  max_pause_minutes = 5;\n  shiny = true;\n};\n"
	                 "streams = { mouse = { fidelity = \"full\"; }; };\n"));
	assert_string_equal(warnings, "/tmp/policy.conf:1: unknown key 'colour' ignored\n"
	                              "/tmp/policy.conf:4: unknown key 'policy.shiny' ignored\n"
	                              "/tmp/policy.conf:6: unknown key 'streams.mouse' ignored\n");
	assert_int_equal(p.max_pause_minutes, 5);
	policy_fini(&p);
}

static void test_errors(void **state)
{
	static const char *const cases[][2] = {
	    {"policy = {\n  max_pause_minutes = ;\n};\n", "policy.conf:2: syntax error"},
	    {"version = 2;\n", "policy.conf:1: version must be from 1 to 1, not 2"},
	    {"\npolicy = { max_pause_minutes = 0; };\n",
	     "policy.conf:2: policy.max_pause_minutes must be from 1 to 1440, not 0"},
	    {"policy = { max_pause_minutes = 1441; };\n",
	     "policy.conf:1: policy.max_pause_minutes must be from 1 to 1440, not 1441"},
	    {"policy = { max_pause_minutes = \"30\"; };\n",
	     "policy.conf:1: policy.max_pause_minutes must be a whole number"},
	    {"policy = { max_pause_minutes = 2.5; };\n",
	     "policy.conf:1: policy.max_pause_minutes must be a whole number"},
	    {"policy = { daily_pause_budget_minutes = 1441; };\n",
	     "policy.conf:1: policy.daily_pause_budget_minutes must be from 0 to 1440, not 1441"},
	    {"policy = { allow_user_deletion = 1; };\n",
	     "policy.conf:1: policy.allow_user_deletion must be true or false"},
	    {"policy = { max_pending_exemptions = 1001; };\n",
	     "policy.conf:1: policy.max_pending_exemptions must be from 1 to 1000, not 1001"},
	    {"policy = { monitored_uid = -2; };\n",
	     "policy.conf:1: policy.monitored_uid must be from -1 to 4294967294, not -2"},
	    {"policy = { admin_uids = [ -1 ]; };\n",
	     "policy.conf:1: policy.admin_uids must be from 0 to 4294967294, not -1"},
	    {"policy = { admin_uids = 0; };\n",
	     "policy.conf:1: policy.admin_uids must be a list in [ ]"},
	    {"policy = 3;\n", "policy.conf:1: policy must be a group in { }"},
	    {"streams = { keyboard = { fidelity = \"reduced\"; }; };\n",
	     "policy.conf:1: streams.keyboard.fidelity must be one of off, full, category, timing, "
	     "not 'reduced'"},
	    {"streams = { pointer_scroll = { fidelity = \"reduced\"; }; };\n",
	     "policy.conf:1: streams.pointer_scroll.fidelity must be one of off, full, not "
	     "'reduced'"},
	    {"streams = { window_focus = { fidelity = 1; }; };\n",
	     "policy.conf:1: streams.window_focus.fidelity must be a string: one of off, full, "
	     "app"},
	    {"streams = { pointer_motion = { rate_hz = 1001; }; };\n",
	     "policy.conf:1: streams.pointer_motion.rate_hz must be from 1 to 1000, not 1001"},
	    {"exclude_apps = [ 1 ];\n", "policy.conf:1: exclude_apps must hold only strings"},
	    {"retention = { days = 0; };\n",
	     "policy.conf:1: retention.days must be from 1 to 3650, not 0"},
	    {"retention = { max_spool_mb = 0; };\n",
	     "policy.conf:1: retention.max_spool_mb must be from 1 to 1048576, not 0"},
	    {"retention = { segment_seconds = 9; };\n",
	     "policy.conf:1: retention.segment_seconds must be from 10 to 86400, not 9"},
	    {"upload = { endpoint = \"ftp://x\"; };\n",
	     "policy.conf:1: upload.endpoint must be \"\" or an http:// or https:// URL"},
	    {"upload = { interval_seconds = 5; };\n",
	     "policy.conf:1: upload.interval_seconds must be from 10 to 86400, not 5"},
	    {"upload = { on_battery = \"maybe\"; };\n",
	     "policy.conf:1: upload.on_battery must be one of defer, allow, not 'maybe'"},
	    {"upload = { delete_after_upload = \"no\"; };\n",
	     "policy.conf:1: upload.delete_after_upload must be true or false"},
	    {"power = { saver_below_percent = 101; };\n",
	     "policy.conf:1: power.saver_below_percent must be from 0 to 100, not 101"},
	    {"power = { cpu_watts = -1.0; };\n",
	     "policy.conf:1: power.cpu_watts must be from 0 to 1000, not -1"},
	    {"power = { wakeup_mw = \"x\"; };\n",
	     "policy.conf:1: power.wakeup_mw must be a number"},
	    {"notice = { contact = 5; };\n",
	     "policy.conf:1: notice.contact must be a string in double quotes"},
	    /* Integers are judged as written, never as libconfig's 32 bits
	     * wrap them (each of these once loaded as a valid value). */
	    {"policy = { max_pause_minutes = 4294967326; };\n",
	     "policy.conf:1: policy.max_pause_minutes must be from 1 to 1440, not 4294967326"},
	    {"policy = { admin_uids = [ 4294967296 ]; };\n",
	     "policy.conf:1: policy.admin_uids must be from 0 to 4294967294, not 4294967296"},
	    {"policy = { admin_uids = [ 0,\n  4294967295 ]; };\n",
	     "policy.conf:2: policy.admin_uids must be from 0 to 4294967294, not 4294967295"},
	    {"policy = { monitored_uid = 4294967295; };\n",
	     "policy.conf:1: policy.monitored_uid must be from -1 to 4294967294, not 4294967295"},
	    {"policy = { monitored_uid = -4294967297; };\n",
	     "policy.conf:1: policy.monitored_uid must be from -1 to 4294967294, not -4294967297"},
	    {"version = 4294967297;\n",
	     "policy.conf:1: version must be from 1 to 1, not 4294967297"},
	    {"policy = { max_pending_exemptions = 4294968296; };\n",
	     "policy.conf:1: policy.max_pending_exemptions must be from 1 to 1000, not 4294968296"},
	    {"policy = { max_pause_minutes = 0x10000001E; };\n",
	     "policy.conf:1: policy.max_pause_minutes must be from 1 to 1440, not 4294967326"},
	    {"policy = { max_pause_minutes = 4294967326L; };\n",
	     "policy.conf:1: policy.max_pause_minutes must be from 1 to 1440, not 4294967326"},
	    {"policy = { max_pause_minutes = 99999999999999999999; };\n",
	     "policy.conf:1: policy.max_pause_minutes must be from 1 to 1440, not "
	     "99999999999999999999"},
	    {"policy = { monitored_uid = -99999999999999999999L; };\n",
	     "policy.conf:1: policy.monitored_uid must be from -1 to 4294967294, not "
	     "-99999999999999999999"},
	    {"streams = { pointer_motion = { rate_hz = 4294967316; }; };\n",
	     "policy.conf:1: streams.pointer_motion.rate_hz must be from 1 to 1000, not "
	     "4294967316"},
	    {"retention = { days = 4294967326; };\n",
	     "policy.conf:1: retention.days must be from 1 to 3650, not 4294967326"},
	    {"upload = { daily_cap_mb = 4294967346; };\n",
	     "policy.conf:1: upload.daily_cap_mb must be from 0 to 1048576, not 4294967346"},
	    {"power = { cpu_watts = 4294967304; };\n",
	     "policy.conf:1: power.cpu_watts must be from 0 to 1000, not 4294967304"},
	    {"@include \"other.conf\"\n",
	     "policy.conf:1: @include is not supported: every setting is in this one file"},
	    /* An endpoint the uploader can send to, whose host can be shown;
	     * credentials are never repeated. */
	    {"upload = { endpoint = \"http://alice:secret@\"; };\n",
	     "policy.conf:1: upload.endpoint has no host: it must be \"\" or an http:// or "
	     "https:// URL with a host"},
	    {"upload = { endpoint = \"https://alice:secret@/up\"; };\n",
	     "policy.conf:1: upload.endpoint has no host: it must be \"\" or an http:// or "
	     "https:// URL with a host"},
	    {"upload = { endpoint = \"http://\"; };\n",
	     "policy.conf:1: upload.endpoint has no host: it must be \"\" or an http:// or "
	     "https:// URL with a host"},
	    {"upload = { endpoint = \"http://:8080/\"; };\n",
	     "policy.conf:1: upload.endpoint has no host: it must be \"\" or an http:// or "
	     "https:// URL with a host"},
	    {"upload = { endpoint = \"http://exa mple.org/\"; };\n",
	     "policy.conf:1: upload.endpoint has a space or a control character in it; a URL "
	     "holds neither (write a space in a path as %20)"},
	    {"upload = { endpoint = \"http://example.org\\n/x\"; };\n",
	     "policy.conf:1: upload.endpoint has a space or a control character in it; a URL "
	     "holds neither (write a space in a path as %20)"},
	    {"upload = { endpoint = \"http://b\303\274cher.example/\"; };\n",
	     "policy.conf:1: upload.endpoint must be ASCII: an international host name in its "
	     "xn-- form, other characters %-encoded"},
	    {"upload = { endpoint = \"http://u:p@exa$mple.org/\"; };\n",
	     "policy.conf:1: upload.endpoint has a host with '$' in it, which no host name holds"},
	    {"upload = { endpoint = \"http://example.org:0/\"; };\n",
	     "policy.conf:1: upload.endpoint has a bad port: it must be a number from 1 to 65535"},
	    {"upload = { endpoint = \"http://example.org:65536\"; };\n",
	     "policy.conf:1: upload.endpoint has a bad port: it must be a number from 1 to 65535"},
	    {"upload = { endpoint = \"http://example.org:80x/\"; };\n",
	     "policy.conf:1: upload.endpoint has a bad port: it must be a number from 1 to 65535"},
	    {"upload = { endpoint = \"http://example.org:/\"; };\n",
	     "policy.conf:1: upload.endpoint has a bad port: it must be a number from 1 to 65535"},
	    {"upload = { endpoint = \"http://[::1/\"; };\n",
	     "policy.conf:1: upload.endpoint has a bad IPv6 address in [ ]"},
	    {"upload = { endpoint = \"http://[::1]x/\"; };\n",
	     "policy.conf:1: upload.endpoint has something after its host that is neither a port "
	     "nor a path"},
	    /* The notice reaches the person's terminal. */
	    {"notice = {\n  purpose = \"ok\\n\\tthen \\x1b]0;owned\\x07\";\n};\n",
	     "policy.conf:2: notice.purpose holds U+001B at byte 10: control characters, escape "
	     "sequences and bidi controls are not allowed (newlines and tabs are)"},
	    {"notice = { contact = \"dpo\342\200\256gro.elpmaxe\"; };\n",
	     "policy.conf:1: notice.contact holds U+202E at byte 4: control characters, escape "
	     "sequences and bidi controls are not allowed (newlines and tabs are)"},
	    {"notice = { retention = \"30 days\302\205\"; };\n",
	     "policy.conf:1: notice.retention holds U+0085 at byte 8: control characters, escape "
	     "sequences and bidi controls are not allowed (newlines and tabs are)"},
	    {"notice = { version = \"1\\x7f\"; };\n",
	     "policy.conf:1: notice.version holds U+007F at byte 2: control characters, escape "
	     "sequences and bidi controls are not allowed (newlines and tabs are)"},
	    {"notice = { model_access = \"\342\201\247x\"; };\n",
	     "policy.conf:1: notice.model_access holds U+2067 at byte 1: control characters, "
	     "escape sequences and bidi controls are not allowed (newlines and tabs are)"},
	    {"notice = { anonymization = \"caf\303\"; };\n",
	     "policy.conf:1: notice.anonymization must be UTF-8 text"},
	    {"exclude_apps = [ \"ok\", \"caf\\xe9\" ];\n",
	     "policy.conf:1: exclude_apps must be UTF-8 text"},
	    {"upload = { on_battery = \"d\\xe9fer\"; };\n",
	     "policy.conf:1: upload.on_battery must be one of defer, allow"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct policy p;
		policy_init(&p);
		const char *err = load(&p, cases[i][0]);
		if (!err)
			fail_msg("accepted: %s", cases[i][0]);
		if (strcmp(err, cases[i][1]) != 0)
			fail_msg("for %s\n  want: %s\n  got:  %s", cases[i][0], cases[i][1], err);
		/* A failed load leaves the policy as it was. */
		assert_int_equal(p.max_pause_minutes, 30);
		policy_fini(&p);
	}
}

/* libconfig stops reading at a NUL byte: what follows would be lost. */
static void test_nul_byte(void **state)
{
	static const char text[] = "policy = {\n  max_pause_minutes = 5;\n};\n\0"
	                           "policy = { allow_user_deletion = false; };\n";
	struct policy p;
	char *e = NULL;
	(void)state;
	FILE *f = fopen(path, "w");
	fwrite(text, 1, sizeof text - 1, f);
	fclose(f);
	policy_init(&p);
	assert_int_equal(policy_load(&p, path, &e, warn, NULL), -EINVAL);
	assert_string_equal(e, "/tmp/policy.conf:4: the file holds a NUL byte");
	free(e);
	policy_fini(&p);
}

/* What is allowed stays allowed: the text as written, every literal kind. */
static void test_accepted(void **state)
{
	struct policy p;
	(void)state;
	policy_init(&p);
	assert_null(load(&p,
	                 "version = 1L;\n"
	                 "policy = { admin_uids = [ 0, 4294967294, 0x3e8 ]; monitored_uid = -1;\n"
	                 "  max_pause_minutes = 1440; max_pending_exemptions = +0001000; };\n"
	                 "# 4294967326 in a comment\n// 4294967326\n/* 4294967326\n */\n"
	                 "power = { cpu_watts = .5; wakeup_mw = 2.5e1; };\n"
	                 "upload = { endpoint = \"http://[::1]:8080/up?x=4294967326\"; };\n"
	                 "notice = { purpose = \"caf\303\251 4294967326\\n\\tindented\"; };\n"));
	assert_int_equal(p.admin_uids.n, 3);
	assert_int_equal(p.admin_uids.v[1], 4294967294u);
	assert_int_equal(p.admin_uids.v[2], 1000);
	assert_int_equal(p.monitored_uid, -1);
	assert_int_equal(p.max_pause_minutes, 1440);
	assert_int_equal(p.max_pending_exemptions, 1000);
	assert_true(p.cpu_watts == 0.5);
	assert_true(p.wakeup_mw == 25.0);
	assert_string_equal(p.endpoint, "http://[::1]:8080/up?x=4294967326");
	assert_string_equal(p.notice[NOTICE_PURPOSE], "caf\303\251 4294967326\n\tindented");
	assert_null(load(&p,
	                 "policy = { monitored_uid = 4294967294; };\n"
	                 "upload = { endpoint = \"https://u:p@a-b.example_1.org:65535\"; };\n"));
	assert_int_equal(p.monitored_uid, 4294967294);
	policy_fini(&p);
}

int main(void)
{
	use_name();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_every_key),
	    cmocka_unit_test(test_missing_file_and_keys),
	    cmocka_unit_test(test_unknown_keys_warn),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_nul_byte),
	    cmocka_unit_test(test_accepted),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
