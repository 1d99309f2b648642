/* The power module without a bus: the sysfs rules on a fake
 * power_supply tree, RAPL arithmetic and sampling on a fake counter, the
 * watcher falling back to sysfs, and the deferral and saver decisions. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "loop.h"
#include "power/power.h"
#include "util.h"

static char dir[64];
static char supply[128];
static char rapl[128];

static void put(const char *sub, const char *attr, const char *value)
{
	char *d = xasprintf("%s/%s", supply, sub);
	mkdir(d, 0700);
	char *p = xasprintf("%s/%s", d, attr);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", value);
	fclose(f);
	free(p);
	free(d);
}

static void put_rapl(const char *attr, unsigned long long v)
{
	char *p = xasprintf("%s/%s", rapl, attr);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fprintf(f, "%llu\n", v);
	fclose(f);
	free(p);
}

static void run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/capctl-power-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(supply, sizeof supply, "%s/power_supply", dir);
	snprintf(rapl, sizeof rapl, "%s/rapl", dir);
	mkdir(supply, 0700);
	mkdir(rapl, 0700);
	setenv("CAPCTL_POWER_SUPPLY_DIR", supply, 1);
	setenv("CAPCTL_RAPL_DIR", rapl, 1);
	/* No system bus: the watcher must carry on with sysfs alone. */
	setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/capctl-test/bus", 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	run("rm -rf '%s'", dir);
	return 0;
}

/* Each test starts from an empty tree. */
static int clear_tree(void **state)
{
	(void)state;
	run("rm -rf '%s'/* '%s'/*", supply, rapl);
	return 0;
}

static void laptop(const char *mains_online, const char *status, const char *capacity)
{
	put("AC", "type", "Mains");
	put("AC", "online", mains_online);
	put("BAT0", "type", "Battery");
	put("BAT0", "status", status);
	put("BAT0", "capacity", capacity);
}

static void test_sysfs_mains_online(void **state)
{
	(void)state;
	struct battery b;
	laptop("1", "Charging", "80");
	power_read_battery(&b);
	assert_false(b.on_battery);
	assert_true(b.percent == 80.0);
}

static void test_sysfs_mains_offline(void **state)
{
	(void)state;
	struct battery b;
	/* Some firmware says "Not charging" or "Unknown" when unplugged. */
	laptop("0", "Not charging", "64");
	power_read_battery(&b);
	assert_true(b.on_battery);
	assert_true(b.percent == 64.0);
}

static void test_sysfs_discharging(void **state)
{
	(void)state;
	struct battery b;
	/* Discharging wins over a mains supply that claims to be online. */
	laptop("1", "Discharging", "41");
	power_read_battery(&b);
	assert_true(b.on_battery);
	assert_true(b.percent == 41.0);
}

static void test_sysfs_usb_supply(void **state)
{
	(void)state;
	struct battery b;
	put("ucsi-source-psy-1", "type", "USB");
	put("ucsi-source-psy-1", "online", "1");
	put("BAT0", "type", "Battery");
	put("BAT0", "status", "Charging");
	put("BAT0", "capacity", "90");
	power_read_battery(&b);
	assert_false(b.on_battery);
	assert_true(b.percent == 90.0);
}

static void test_sysfs_device_scope_ignored(void **state)
{
	(void)state;
	struct battery b;
	/* A desktop with a wireless mouse: the mouse's battery is not ours. */
	put("AC", "type", "Mains");
	put("AC", "online", "0");
	put("hidpp_battery_0", "type", "Battery");
	put("hidpp_battery_0", "scope", "Device");
	put("hidpp_battery_0", "status", "Discharging");
	put("hidpp_battery_0", "capacity", "20");
	power_read_battery(&b);
	assert_false(b.on_battery);
	assert_true(b.percent == -1.0);

	/* and beside a system battery it does not count in the mean */
	put("BAT0", "type", "Battery");
	put("BAT0", "scope", "System");
	put("BAT0", "status", "Full");
	put("BAT0", "capacity", "100");
	put("AC", "online", "1");
	power_read_battery(&b);
	assert_false(b.on_battery);
	assert_true(b.percent == 100.0);
}

static void test_sysfs_two_batteries(void **state)
{
	(void)state;
	struct battery b;
	laptop("0", "Discharging", "30");
	put("BAT1", "type", "Battery");
	put("BAT1", "status", "Discharging");
	put("BAT1", "capacity", "50");
	power_read_battery(&b);
	assert_true(b.on_battery);
	assert_true(b.percent == 40.0);
}

static void test_sysfs_no_battery(void **state)
{
	(void)state;
	struct battery b;
	power_read_battery(&b); /* empty directory */
	assert_false(b.on_battery);
	assert_true(b.percent == -1.0);

	put("AC", "type", "Mains");
	put("AC", "online", "1");
	power_read_battery(&b);
	assert_false(b.on_battery);
	assert_true(b.percent == -1.0);

	/* A desktop whose mains supply is not reported at all. */
	put("AC", "online", "0");
	power_read_battery(&b);
	assert_false(b.on_battery);
	assert_true(b.percent == -1.0);

	setenv("CAPCTL_POWER_SUPPLY_DIR", "/nonexistent/capctl-test", 1);
	power_read_battery(&b);
	setenv("CAPCTL_POWER_SUPPLY_DIR", supply, 1);
	assert_false(b.on_battery);
	assert_true(b.percent == -1.0);
}

static void test_rapl_arithmetic(void **state)
{
	(void)state;
	/* 1 J over 1 s is 1 W */
	assert_true(power_rapl_mw(1000000, 2000000, 0, 1000000) == 1000.0);
	assert_true(power_rapl_mw(5, 5, 0, 1000000) == 0.0);
	/* 250 mJ over 0.5 s */
	assert_true(power_rapl_mw(0, 250000, 262143328850, 500000) == 500.0);
	/* wrapped: 100 uJ before the end of the range, 400 after it */
	assert_true(power_rapl_mw(262143328750, 400, 262143328850, 1000) == 500.0);
	/* a wrap without a known range, or past it, cannot be told */
	assert_true(power_rapl_mw(900, 100, 0, 1000000) == -1.0);
	assert_true(power_rapl_mw(900, 100, 800, 1000000) == -1.0);
	assert_true(power_rapl_mw(100, 200, 1000, 0) == -1.0);
}

struct counter {
	int calls;
	struct power_state last;
};

static void count_changed(const struct power_state *st, void *data)
{
	struct counter *c = data;
	c->calls++;
	c->last = *st;
}

/* loop_run runs a loop once (loop_quit is for good), so a test that waits
 * more than once is a script of steps run from one loop_run: every 10 ms the
 * current step is tried; it returns true when done, and it may not take more
 * than 5 s. */
typedef bool (*step_fn)(void *fx);
struct script {
	struct loop *loop;
	const step_fn *steps;
	size_t n, i;
	void *fx;
	uint64_t deadline;
};

static void on_tick(struct loop_timer *t, void *data)
{
	struct script *s = data;
	if (s->steps[s->i](s->fx)) {
		s->deadline = mono_usec() + 5 * USEC_PER_SEC;
		if (++s->i == s->n) {
			loop_quit(s->loop, 0);
			return;
		}
	} else if (mono_usec() > s->deadline) {
		loop_quit(s->loop, 1);
		return;
	}
	loop_timer_arm_in(t, 10000);
}

static void run_script(struct loop *l, const step_fn *steps, size_t n, void *fx)
{
	struct script s = {l, steps, n, 0, fx, mono_usec() + 5 * USEC_PER_SEC};
	struct loop_timer *t = loop_timer_new(l, on_tick, &s);
	loop_timer_arm_in(t, 10000);
	int r = loop_run(l);
	loop_timer_free(t);
	if (r)
		fail_msg("step %zu did not come true in 5 s", s.i);
}

static void on_quit(struct loop_timer *t, void *data)
{
	(void)t;
	loop_quit(data, 0);
}

/* Lets the loop run what is due now and a little after (once per loop). */
static void spin(struct loop *l, uint64_t usec)
{
	struct loop_timer *t = loop_timer_new(l, on_quit, l);
	loop_timer_arm_in(t, usec);
	loop_run(l);
	loop_timer_free(t);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static void test_rapl_sampling(void **state)
{
	(void)state;
	struct loop *l = loop_new();
	struct counter c = {0};
	struct power_watch *w = power_watch_new(l, count_changed, &c);

	/* unreadable */
	assert_true(power_watch_state(w)->rapl_mw == -1.0);

	put_rapl("max_energy_range_uj", 262143328850ULL);
	put_rapl("energy_uj", 1000000);
	assert_true(power_watch_state(w)->rapl_mw == -1.0); /* first reading */

	uint64_t t0 = mono_usec();
	sleep_ms(150);
	put_rapl("energy_uj", 1300000); /* 300 mJ */
	double mw = power_watch_state(w)->rapl_mw;
	double elapsed = (double)(mono_usec() - t0) / 1e6;
	/* 0.3 J over at least 0.15 s (and, on a sane machine, under 3 s) */
	assert_true(mw <= 2000.0 + 1e-9);
	assert_true(mw >= 0.3 / (elapsed + 0.01) * 1000.0);

	/* Asked again at once: the span would be noise, the figure stands. */
	put_rapl("energy_uj", 9900000);
	assert_true(power_watch_state(w)->rapl_mw == mw);

	/* Over the wrap: 262143328850 - 262143328350 + 500 = 1000 uJ */
	sleep_ms(150);
	put_rapl("energy_uj", 262143328350ULL);
	power_watch_state(w);
	sleep_ms(150);
	put_rapl("energy_uj", 500);
	mw = power_watch_state(w)->rapl_mw;
	assert_true(mw > 0.0);
	assert_true(mw <= 1000.0 / 150000.0 * 1000.0 + 1e-9);

	/* The counter going away is -1 again, and starts over. */
	sleep_ms(150);
	run("rm -f '%s/energy_uj'", rapl);
	assert_true(power_watch_state(w)->rapl_mw == -1.0);
	put_rapl("energy_uj", 5);
	sleep_ms(150);
	assert_true(power_watch_state(w)->rapl_mw == -1.0);

	/* RAPL alone never counts as a change. */
	spin(l, 20000);
	assert_int_equal(c.calls, 0);
	power_watch_free(w);
	loop_free(l);
}

struct nobus {
	struct power_watch *w;
	struct counter c;
};

static bool nobus_start(void *p)
{
	struct nobus *f = p;
	const struct power_state *st = power_watch_state(f->w);
	assert_false(st->on_battery);
	assert_true(st->battery_percent == 75.0);
	assert_false(st->metered);
	assert_false(st->offline);
	assert_true(st->rapl_mw == -1.0);
	return true;
}

static bool nobus_unplug(void *p)
{
	struct nobus *f = p;
	assert_int_equal(f->c.calls, 0); /* nothing changed so far */
	put("AC", "online", "0");
	put("BAT0", "status", "Discharging");
	put("BAT0", "capacity", "74");
	/* Seen when asked, and told on the next iteration rather than from
	 * inside the getter. */
	const struct power_state *st = power_watch_state(f->w);
	assert_true(st->on_battery);
	assert_true(st->battery_percent == 74.0);
	assert_int_equal(f->c.calls, 0);
	return true;
}

static bool nobus_told(void *p)
{
	struct nobus *f = p;
	assert_int_equal(f->c.calls, 1);
	assert_true(f->c.last.on_battery);
	assert_true(f->c.last.battery_percent == 74.0);
	/* Asked again with nothing new. */
	power_watch_state(f->w);
	return true;
}

static bool nobus_not_on_timer(void *p)
{
	struct nobus *f = p;
	assert_int_equal(f->c.calls, 1);
	/* A change nobody asks about is not noticed. */
	put("AC", "online", "1");
	put("BAT0", "status", "Charging");
	return true;
}

static bool nobus_undone(void *p)
{
	struct nobus *f = p;
	assert_int_equal(f->c.calls, 1);
	/* A change found and undone before the loop ran is no change. */
	put("BAT0", "capacity", "73");
	assert_true(power_watch_state(f->w)->battery_percent == 73.0);
	put("AC", "online", "0");
	put("BAT0", "status", "Discharging");
	put("BAT0", "capacity", "74");
	power_watch_state(f->w);
	return true;
}

static bool nobus_end(void *p)
{
	struct nobus *f = p;
	assert_int_equal(f->c.calls, 1);
	return true;
}

static void test_watch_without_bus(void **state)
{
	(void)state;
	static const step_fn steps[] = {nobus_start,        nobus_unplug, nobus_told,
	                                nobus_not_on_timer, nobus_undone, nobus_end};
	struct loop *l = loop_new();
	struct nobus f = {0};
	laptop("1", "Charging", "75");

	uint64_t t0 = mono_usec();
	f.w = power_watch_new(l, count_changed, &f.c);
	assert_true(mono_usec() - t0 < 500000); /* returns at once */
	run_script(l, steps, ARRAY_SIZE(steps), &f);
	power_watch_free(f.w);
	loop_free(l);
}

static void test_free_right_away(void **state)
{
	(void)state;
	struct loop *l = loop_new();
	power_watch_free(power_watch_new(l, NULL, NULL));
	power_watch_free(NULL);
	loop_free(l);
}

static struct power_state ps(bool offline, bool on_battery, bool metered, double percent)
{
	return (struct power_state){on_battery, percent, metered, offline, -1, false};
}

static void test_deferral(void **state)
{
	(void)state;
	/* Every combination of the state and of the two policy switches. */
	for (int i = 0; i < 32; i++) {
		bool offline = i & 1, on_battery = i & 2, metered = i & 4;
		bool defer_battery = i & 8, defer_metered = i & 16;
		struct power_state st = ps(offline, on_battery, metered, 50);
		const char *want = offline                       ? "offline"
		                   : on_battery && defer_battery ? "on-battery"
		                   : metered && defer_metered    ? "metered"
		                                                 : "";
		const char *got = power_deferral(&st, defer_battery, defer_metered);
		if (strcmp(got, want) != 0)
			fail_msg("case %d: \"%s\", want \"%s\"", i, got, want);
	}
	struct power_state st = ps(true, true, true, 10);
	assert_string_equal(power_deferral(&st, false, false), "offline");
	st = ps(false, true, true, 10);
	assert_string_equal(power_deferral(&st, true, true), "on-battery");
	assert_string_equal(power_deferral(&st, false, true), "metered");
	assert_string_equal(power_deferral(&st, false, false), "");
	st = ps(false, false, true, -1);
	assert_string_equal(power_deferral(&st, true, true), "metered");
	assert_string_equal(power_deferral(&st, true, false), "");
	st = ps(false, false, false, -1);
	assert_string_equal(power_deferral(&st, true, true), "");
}

static void test_saver(void **state)
{
	(void)state;
	struct power_state st = ps(false, true, false, 29.5);
	assert_true(power_saver(&st, 30));
	assert_false(power_saver(&st, 0)); /* 0 = never */
	assert_false(power_saver(&st, 29));
	st.battery_percent = 30;
	assert_false(power_saver(&st, 30)); /* below, not at */
	assert_true(power_saver(&st, 31));
	st.battery_percent = 0;
	assert_true(power_saver(&st, 1));
	st.battery_percent = -1; /* unknown level */
	assert_false(power_saver(&st, 30));
	assert_false(power_saver(&st, 100));
	st = ps(false, false, false, 5); /* on AC */
	assert_false(power_saver(&st, 30));
	st = ps(true, true, true, 5); /* offline and metered do not matter */
	assert_true(power_saver(&st, 30));
	assert_true(power_saver(&st, 100));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_sysfs_mains_online, clear_tree),
	    cmocka_unit_test_setup(test_sysfs_mains_offline, clear_tree),
	    cmocka_unit_test_setup(test_sysfs_discharging, clear_tree),
	    cmocka_unit_test_setup(test_sysfs_usb_supply, clear_tree),
	    cmocka_unit_test_setup(test_sysfs_device_scope_ignored, clear_tree),
	    cmocka_unit_test_setup(test_sysfs_two_batteries, clear_tree),
	    cmocka_unit_test_setup(test_sysfs_no_battery, clear_tree),
	    cmocka_unit_test(test_rapl_arithmetic),
	    cmocka_unit_test_setup(test_rapl_sampling, clear_tree),
	    cmocka_unit_test_setup(test_watch_without_bus, clear_tree),
	    cmocka_unit_test_setup(test_free_right_away, clear_tree),
	    cmocka_unit_test(test_deferral),
	    cmocka_unit_test(test_saver),
	};
	return cmocka_run_group_tests_name("power", tests, setup, teardown);
}
