/* The power watcher against UPower, NetworkManager and logind as
 * python3-dbusmock plays them, on a private bus given as
 * DBUS_SYSTEM_BUS_ADDRESS: first values, PropertiesChanged followed,
 * services and sessions going and coming back.
 * python3-dbusmock is a build dependency (scripts/install-deps), so its
 * absence fails this file instead of skipping it. KEEP_TMP=1 keeps the
 * temporary directory with the bus's and the mocks' logs. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dbus/dbus.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "loop.h"
#include "power/power.h"
#include "util.h"

/* Debian's python: the one python3-dbusmock installs for, whatever
 * python3 comes first in PATH. */
#define PYTHON "/usr/bin/python3"
#define UPOWER "org.freedesktop.UPower"
#define NM "org.freedesktop.NetworkManager"
#define UPOWER_PATH "/org/freedesktop/UPower"
#define DISPLAY_PATH "/org/freedesktop/UPower/devices/DisplayDevice"
#define NM_PATH "/org/freedesktop/NetworkManager"
#define LOGIND "org.freedesktop.login1"
#define LOGIND_PATH "/org/freedesktop/login1"
#define LOGIND_MANAGER "org.freedesktop.login1.Manager"
#define SESSION_PATH "/org/freedesktop/login1/session/c1"
#define MOCK_IFACE "org.freedesktop.DBus.Mock"
#define STEP_USEC (2 * USEC_PER_SEC)

enum target { T_UPOWER, T_DISPLAY, T_NM };
static const struct {
	const char *name, *path, *iface;
} targets[] = {
    {UPOWER, UPOWER_PATH, "org.freedesktop.UPower"},
    {UPOWER, DISPLAY_PATH, "org.freedesktop.UPower.Device"},
    {NM, NM_PATH, "org.freedesktop.NetworkManager"},
};

static char dir[64];
static pid_t bus_pid, upower_pid, nm_pid, logind_pid;
static bool session_present;      /* the mocked logind has session c1 */
static DBusConnection *test_conn; /* the tests' own, blocking: drives the mocks */

/* ---- processes ---- */

static pid_t spawn(const char *log, int out_fd, char *const argv[])
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Nothing outlives a crashed test. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		int null = open("/dev/null", O_RDONLY);
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		dup2(null, 0);
		dup2(out_fd >= 0 ? out_fd : fd, 1);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static void stop(pid_t *pid)
{
	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	waitpid(*pid, NULL, 0);
	*pid = 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static bool has_owner(const char *name)
{
	DBusError err;
	dbus_error_init(&err);
	bool r = dbus_bus_name_has_owner(test_conn, name, &err);
	dbus_error_free(&err);
	return r;
}

/* Starts a dbusmock template and waits until it owns its name. */
static pid_t start_mock(const char *template, const char *name)
{
	char *log = xasprintf("%s/%s.log", dir, template);
	char *argv[] = {PYTHON, "-m", "dbusmock", "--system", "--template", (char *)template, NULL};
	pid_t pid = spawn(log, -1, argv);
	free(log);
	for (int i = 0; i < 200 && !has_owner(name); i++)
		sleep_ms(50);
	if (!has_owner(name))
		fail_msg("dbusmock's %s template did not take %s in 10 s", template, name);
	return pid;
}

static void stop_mock(pid_t *pid, const char *name)
{
	stop(pid);
	for (int i = 0; i < 100 && has_owner(name); i++)
		sleep_ms(20);
	assert_false(has_owner(name));
}

/* ---- driving the mocks ---- */

static void call(DBusMessage *m)
{
	DBusError err;
	dbus_error_init(&err);
	DBusMessage *r = dbus_connection_send_with_reply_and_block(test_conn, m, 5000, &err);
	if (!r)
		fail_msg("%s to %s: %s", dbus_message_get_member(m), dbus_message_get_path(m),
		         err.message);
	dbus_message_unref(r);
	dbus_message_unref(m);
}

static void append_value(DBusMessageIter *it, char type, double value)
{
	char sig[2] = {type, '\0'};
	DBusMessageIter v;
	dbus_bool_t b = value != 0;
	dbus_uint32_t u = (dbus_uint32_t)value;
	dbus_message_iter_open_container(it, DBUS_TYPE_VARIANT, sig, &v);
	if (type == 'b')
		dbus_message_iter_append_basic(&v, DBUS_TYPE_BOOLEAN, &b);
	else if (type == 'u')
		dbus_message_iter_append_basic(&v, DBUS_TYPE_UINT32, &u);
	else
		dbus_message_iter_append_basic(&v, DBUS_TYPE_DOUBLE, &value);
	dbus_message_iter_close_container(it, &v);
}

/* Properties.Set on a mock object: dbusmock stores it and emits
 * PropertiesChanged. */
static void mock_set(enum target t, const char *prop, char type, double value)
{
	DBusMessageIter it;
	DBusMessage *m = dbus_message_new_method_call(targets[t].name, targets[t].path,
	                                              "org.freedesktop.DBus.Properties", "Set");
	dbus_message_append_args(m, DBUS_TYPE_STRING, &targets[t].iface, DBUS_TYPE_STRING, &prop,
	                         DBUS_TYPE_INVALID);
	dbus_message_iter_init_append(m, &it);
	append_value(&it, type, value);
	call(m);
}

/* The networkmanager template has no Metered property: add it (quietly:
 * AddProperty emits nothing). */
static void mock_add_metered(void)
{
	DBusMessageIter it;
	const char *prop = "Metered";
	DBusMessage *m =
	    dbus_message_new_method_call(NM, NM_PATH, "org.freedesktop.DBus.Mock", "AddProperty");
	dbus_message_append_args(m, DBUS_TYPE_STRING, &targets[T_NM].iface, DBUS_TYPE_STRING, &prop,
	                         DBUS_TYPE_INVALID);
	dbus_message_iter_init_append(m, &it);
	append_value(&it, 'u', 0);
	call(m);
}

/* ---- logind ---- */

static DBusMessage *logind_call(const char *path, const char *iface, const char *member)
{
	DBusMessage *m = dbus_message_new_method_call(LOGIND, path, iface, member);
	assert_non_null(m);
	return m;
}

/* What a screen locker does: the template's SetLockedHint updates
 * LockedHint and emits PropertiesChanged. */
static void mock_lock(bool locked)
{
	dbus_bool_t b = locked;
	DBusMessage *m =
	    logind_call(SESSION_PATH, "org.freedesktop.login1.Session", "SetLockedHint");
	dbus_message_append_args(m, DBUS_TYPE_BOOLEAN, &b, DBUS_TYPE_INVALID);
	call(m);
}

/* SessionNew or SessionRemoved for c1, from logind's name. */
static void mock_session_signal(const char *member)
{
	DBusMessageIter it, arr, v;
	const char *iface = LOGIND_MANAGER, *sig = "so", *id = "c1", *path = SESSION_PATH;
	DBusMessage *m = logind_call(LOGIND_PATH, MOCK_IFACE, "EmitSignal");
	dbus_message_append_args(m, DBUS_TYPE_STRING, &iface, DBUS_TYPE_STRING, &member,
	                         DBUS_TYPE_STRING, &sig, DBUS_TYPE_INVALID);
	dbus_message_iter_init_append(m, &it);
	dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "v", &arr);
	dbus_message_iter_open_container(&arr, DBUS_TYPE_VARIANT, "s", &v);
	dbus_message_iter_append_basic(&v, DBUS_TYPE_STRING, &id);
	dbus_message_iter_close_container(&arr, &v);
	dbus_message_iter_open_container(&arr, DBUS_TYPE_VARIANT, "o", &v);
	dbus_message_iter_append_basic(&v, DBUS_TYPE_OBJECT_PATH, &path);
	dbus_message_iter_close_container(&arr, &v);
	dbus_message_iter_close_container(&it, &arr);
	call(m);
}

/* Session c1 of this uid on seat0, locked or not, announced as logind
 * announces a new session. */
static void mock_add_session(bool locked)
{
	const char *id = "c1", *seat = "seat0", *user = "tester";
	dbus_uint32_t uid = (dbus_uint32_t)getuid();
	dbus_bool_t active = TRUE;
	DBusMessage *m = logind_call(LOGIND_PATH, MOCK_IFACE, "AddSession");
	dbus_message_append_args(m, DBUS_TYPE_STRING, &id, DBUS_TYPE_STRING, &seat,
	                         DBUS_TYPE_UINT32, &uid, DBUS_TYPE_STRING, &user, DBUS_TYPE_BOOLEAN,
	                         &active, DBUS_TYPE_INVALID);
	call(m);
	session_present = true;
	if (locked)
		mock_lock(true);
	mock_session_signal("SessionNew");
}

static void mock_remove_session(void)
{
	const char *path = SESSION_PATH;
	DBusMessage *m = logind_call(LOGIND_PATH, MOCK_IFACE, "RemoveObject");
	dbus_message_append_args(m, DBUS_TYPE_STRING, &path, DBUS_TYPE_INVALID);
	call(m);
	session_present = false;
	mock_session_signal("SessionRemoved");
}

/* Real logind answers GetSession("auto") with the session's own path
 * (session/c1 here), and signals from there; the template would echo
 * session/auto. Answer as logind does, so that a watch that followed the
 * path "auto" instead of the answer fails. */
static void start_logind(bool locked)
{
	logind_pid = start_mock("logind", LOGIND);
	const char *iface = LOGIND_MANAGER, *name = "GetSession", *in = "s", *out = "o";
	const char *code = "ret = '" SESSION_PATH "' if args[0] == 'auto' else "
	                   "'/org/freedesktop/login1/session/' + args[0]";
	DBusMessage *m = logind_call(LOGIND_PATH, MOCK_IFACE, "AddMethod");
	dbus_message_append_args(m, DBUS_TYPE_STRING, &iface, DBUS_TYPE_STRING, &name,
	                         DBUS_TYPE_STRING, &in, DBUS_TYPE_STRING, &out, DBUS_TYPE_STRING,
	                         &code, DBUS_TYPE_INVALID);
	call(m);
	mock_add_session(locked);
}

/* ---- fixtures ---- */

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void fake_supply(const char *name, const char *type, const char *attr, const char *value)
{
	char *d = xasprintf("%s/power_supply/%s", dir, name);
	mkdir(d, 0700);
	char *p = xasprintf("%s/%s", d, attr);
	char *v = xasprintf("%s\n", value);
	write_file(p, v);
	free(v);
	free(p);
	p = xasprintf("%s/type", d);
	v = xasprintf("%s\n", type);
	write_file(p, v);
	free(v);
	free(p);
	free(d);
}

static int group_setup(void **state)
{
	(void)state;
	if (system(PYTHON " -c 'import dbusmock' 2>/dev/null") != 0) {
		printf("python3-dbusmock is missing for " PYTHON
		       ": scripts/install-deps installs it\n");
		return -1;
	}
	snprintf(dir, sizeof dir, "/tmp/capctl-powerbus-XXXXXX");
	assert_non_null(mkdtemp(dir));

	/* sysfs says: on battery, 55 %; the mocks will say otherwise. */
	char *supply = xasprintf("%s/power_supply", dir);
	mkdir(supply, 0700);
	setenv("CAPCTL_POWER_SUPPLY_DIR", supply, 1);
	free(supply);
	fake_supply("AC", "Mains", "online", "0");
	fake_supply("BAT0", "Battery", "status", "Discharging");
	fake_supply("BAT0", "Battery", "capacity", "55");
	char *rapl = xasprintf("%s/no-rapl", dir);
	setenv("CAPCTL_RAPL_DIR", rapl, 1);
	free(rapl);

	/* A bus where anyone may own and send anything: it is only for the
	 * mocks. Without the receive rule dbus-daemon delivers no replies. */
	char *conf = xasprintf("%s/bus.conf", dir);
	char *text = xasprintf("<!DOCTYPE busconfig PUBLIC "
	                       "\"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
	                       " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
	                       "<busconfig>\n  <type>session</type>\n"
	                       "  <listen>unix:path=%s/bus</listen>\n  <auth>EXTERNAL</auth>\n"
	                       "  <policy context=\"default\">\n    <allow user=\"*\"/>\n"
	                       "    <allow own=\"*\"/>\n    <allow send_destination=\"*\"/>\n"
	                       "    <allow receive_sender=\"*\"/>\n"
	                       "  </policy>\n</busconfig>\n",
	                       dir);
	write_file(conf, text);
	free(text);
	int p[2];
	assert_int_equal(pipe(p), 0);
	char *arg = xasprintf("--config-file=%s", conf);
	char *log = xasprintf("%s/bus.log", dir);
	char *argv[] = {"/usr/bin/dbus-daemon", arg, "--nofork", "--print-address=1", NULL};
	bus_pid = spawn(log, p[1], argv);
	free(log);
	free(arg);
	free(conf);
	close(p[1]);
	char addr[512];
	FILE *f = fdopen(p[0], "r");
	if (!fgets(addr, sizeof addr, f))
		fail_msg("dbus-daemon printed no address (see %s/bus.log)", dir);
	fclose(f);
	addr[strcspn(addr, "\n")] = '\0';
	/* libdbus reads this once per process: set it before any connection. */
	setenv("DBUS_SYSTEM_BUS_ADDRESS", addr, 1);

	DBusError err;
	dbus_error_init(&err);
	test_conn = dbus_connection_open_private(addr, &err);
	if (!test_conn || !dbus_bus_register(test_conn, &err))
		fail_msg("cannot connect to the test bus: %s", err.message);
	dbus_connection_set_exit_on_disconnect(test_conn, FALSE);

	upower_pid = start_mock("upower", UPOWER);
	nm_pid = start_mock("networkmanager", NM);
	mock_add_metered();
	start_logind(false);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (test_conn) {
		dbus_connection_close(test_conn);
		dbus_connection_unref(test_conn);
	}
	stop(&upower_pid);
	stop(&nm_pid);
	stop(&logind_pid);
	stop(&bus_pid);
	if (dir[0] && !getenv("KEEP_TMP")) {
		char *cmd = xasprintf("rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
		free(cmd);
	} else if (dir[0]) {
		printf("kept %s\n", dir);
	}
	return 0;
}

/* Every test starts from the same mocked machine: on AC at 80 %, on a
 * guessed-metered link, connected, the session unlocked. */
static int reset(void **state)
{
	(void)state;
	/* after a test that failed with a mock stopped */
	if (!upower_pid)
		upower_pid = start_mock("upower", UPOWER);
	if (!nm_pid) {
		nm_pid = start_mock("networkmanager", NM);
		mock_add_metered();
	}
	if (!logind_pid)
		start_logind(false);
	else if (!session_present)
		mock_add_session(false);
	mock_lock(false);
	mock_set(T_UPOWER, "OnBattery", 'b', 0);
	mock_set(T_DISPLAY, "IsPresent", 'b', 1);
	mock_set(T_DISPLAY, "Percentage", 'd', 80);
	mock_set(T_NM, "Metered", 'u', 3);
	mock_set(T_NM, "State", 'u', 70);
	return 0;
}

/* ---- the script ----
 * loop_run runs a loop once, so each test is a table of operations run
 * from one loop_run: a tick every 10 ms performs the current operation or
 * checks its expectation; an expectation has 2 s to come true. */

#define ANY (-2)
enum op_kind {
	SET,
	EXPECT,
	QUIET,
	CALM,
	STOP_UPOWER,
	START_UPOWER,
	STOP_NM,
	START_NM,
	LOCK, /* value: locked */
	STOP_LOGIND,
	START_LOGIND, /* value: the session locked */
	SESSION_GONE, /* logind removes c1 */
	SESSION_BACK, /* value: c1 again, locked */
	STOP_BUS
};
struct op {
	enum op_kind kind;
	enum target target; /* SET */
	const char *prop;
	char type;
	double value;
	/* EXPECT: as last told through changed; ANY = either */
	int on_battery;
	double percent;
	int metered, offline;
	int locked; /* 0 unless given: the session is unlocked */
	long ms;    /* QUIET: no changed call for this long; CALM: few wakeups */
};
/* clang-format off */
#define OP_SET(t, p, ty, v) {.kind = SET, .target = t, .prop = p, .type = ty, .value = v}
#define OP_EXPECT(b, pc, m, o) {.kind = EXPECT, .on_battery = b, .percent = pc, .metered = m, .offline = o}
#define OP_EXPECT_LOCKED(l) {.kind = EXPECT, .on_battery = ANY, .percent = ANY, .metered = ANY, .offline = ANY, .locked = l}
#define OP_V(k, v) {.kind = k, .value = v}
#define OP_QUIET(t) {.kind = QUIET, .ms = t}
#define OP_CALM(t) {.kind = CALM, .ms = t}
#define OP(k) {.kind = k}
/* clang-format on */

struct fx {
	struct loop *loop;
	struct power_watch *w;
	const struct op *ops;
	size_t n, i;
	uint64_t deadline, quiet_until, wakeups;
	int calls, quiet_calls;
	struct power_state last;
	char failure[256];
};

static void on_changed(const struct power_state *st, void *data)
{
	struct fx *f = data;
	f->calls++;
	f->last = *st;
}

static bool matches(const struct power_state *st, const struct op *op)
{
	return (op->on_battery == ANY || st->on_battery == (op->on_battery != 0)) &&
	       (op->percent == ANY || st->battery_percent == op->percent) &&
	       (op->metered == ANY || st->metered == (op->metered != 0)) &&
	       (op->offline == ANY || st->offline == (op->offline != 0)) &&
	       (op->locked == ANY || st->locked == (op->locked != 0));
}

static void describe(char *buf, size_t n, const struct power_state *st)
{
	snprintf(buf, n, "on_battery %d, battery_percent %g, metered %d, offline %d, locked %d",
	         st->on_battery, st->battery_percent, st->metered, st->offline, st->locked);
}

/* true when the operation is done */
static bool perform(struct fx *f, const struct op *op)
{
	switch (op->kind) {
	case SET:
		mock_set(op->target, op->prop, op->type, op->value);
		return true;
	case EXPECT:
		if (!f->calls || !matches(&f->last, op))
			return false;
		/* The getter agrees with what was told. */
		if (!matches(power_watch_state(f->w), op)) {
			char got[128];
			describe(got, sizeof got, power_watch_state(f->w));
			snprintf(f->failure, sizeof f->failure,
			         "op %zu: changed said so but power_watch_state has %s", f->i, got);
			loop_quit(f->loop, 1);
		}
		return true;
	case QUIET:
		if (!f->quiet_until) {
			f->quiet_until = mono_usec() + (uint64_t)op->ms * 1000;
			f->quiet_calls = f->calls;
		}
		if (f->calls != f->quiet_calls) {
			char got[128];
			describe(got, sizeof got, &f->last);
			snprintf(f->failure, sizeof f->failure,
			         "op %zu: changed was called with nothing changed (%s)", f->i, got);
			loop_quit(f->loop, 1);
			return true;
		}
		if (mono_usec() < f->quiet_until)
			return false;
		f->quiet_until = 0;
		return true;
	case CALM: {
		/* The 10 ms tick alone wakes the loop ms / 10 times; a dead
		 * connection left in the poll set would wake it without end. */
		struct loop_stats ls;
		loop_get_stats(f->loop, &ls);
		if (!f->quiet_until) {
			f->quiet_until = mono_usec() + (uint64_t)op->ms * 1000;
			f->wakeups = ls.wakeups_total;
			return false;
		}
		if (mono_usec() < f->quiet_until)
			return false;
		f->quiet_until = 0;
		if (ls.wakeups_total - f->wakeups > (uint64_t)op->ms / 10 * 2) {
			snprintf(f->failure, sizeof f->failure, "op %zu: %llu wakeups in %ld ms",
			         f->i, (unsigned long long)(ls.wakeups_total - f->wakeups), op->ms);
			loop_quit(f->loop, 1);
		}
		return true;
	}
	case STOP_BUS:
		/* SIGKILL: on SIGTERM dbus-daemon first says every name is
		 * gone, and this is about the connection's loss alone. */
		kill(bus_pid, SIGKILL);
		waitpid(bus_pid, NULL, 0);
		bus_pid = 0;
		return true;
	case STOP_UPOWER:
		stop_mock(&upower_pid, UPOWER);
		return true;
	case START_UPOWER:
		upower_pid = start_mock("upower", UPOWER);
		return true;
	case STOP_NM:
		stop_mock(&nm_pid, NM);
		return true;
	case START_NM:
		nm_pid = start_mock("networkmanager", NM);
		mock_add_metered();
		return true;
	case LOCK:
		mock_lock(op->value != 0);
		return true;
	case STOP_LOGIND:
		stop_mock(&logind_pid, LOGIND);
		session_present = false;
		return true;
	case START_LOGIND:
		start_logind(op->value != 0);
		return true;
	case SESSION_GONE:
		mock_remove_session();
		return true;
	case SESSION_BACK:
		mock_add_session(op->value != 0);
		return true;
	}
	return true;
}

static void on_tick(struct loop_timer *t, void *data)
{
	struct fx *f = data;
	while (f->i < f->n && perform(f, &f->ops[f->i])) {
		if (f->failure[0])
			return;
		f->i++;
		f->deadline = mono_usec() + STEP_USEC;
	}
	if (f->i == f->n) {
		loop_quit(f->loop, 0);
		return;
	}
	if (mono_usec() > f->deadline) {
		char got[128] = "changed never called";
		if (f->calls)
			describe(got, sizeof got, &f->last);
		snprintf(f->failure, sizeof f->failure, "op %zu not true within 2 s; last told: %s",
		         f->i, got);
		loop_quit(f->loop, 1);
		return;
	}
	loop_timer_arm_in(t, 10000);
}

static void run_ops(const struct op *ops, size_t n)
{
	struct fx *f = xcalloc(1, sizeof *f);
	f->loop = loop_new();
	f->ops = ops;
	f->n = n;
	f->w = power_watch_new(f->loop, on_changed, f);
	struct loop_timer *t = loop_timer_new(f->loop, on_tick, f);
	f->deadline = mono_usec() + STEP_USEC;
	loop_timer_arm_in(t, 0);
	int r = loop_run(f->loop);
	loop_timer_free(t);
	power_watch_free(f->w);
	loop_free(f->loop);
	char failure[256];
	snprintf(failure, sizeof failure, "%s", f->failure);
	free(f);
	if (r)
		fail_msg("%s", failure);
}

#define RUN(ops) run_ops(ops, ARRAY_SIZE(ops))
/* The mocked machine as reset() leaves it, read at start. */
#define INITIAL OP_EXPECT(0, 80, 1, 0)

/* ---- tests ---- */

static void test_initial(void **state)
{
	(void)state;
	static const struct op ops[] = {
	    INITIAL, OP_QUIET(200), /* and nothing more */
	};
	RUN(ops);
}

static void test_on_battery(void **state)
{
	(void)state;
	static const struct op ops[] = {
	    INITIAL,
	    OP_SET(T_UPOWER, "OnBattery", 'b', 1),
	    OP_EXPECT(1, 80, 1, 0),
	    OP_SET(T_UPOWER, "OnBattery", 'b', 0),
	    OP_EXPECT(0, 80, 1, 0),
	};
	RUN(ops);
}

static void test_percentage(void **state)
{
	(void)state;
	static const struct op ops[] = {
	    INITIAL,
	    OP_SET(T_DISPLAY, "Percentage", 'd', 42.5),
	    OP_EXPECT(0, 42.5, 1, 0),
	    /* the same value again is no change */
	    OP_SET(T_DISPLAY, "Percentage", 'd', 42.5),
	    OP_QUIET(200),
	    /* UPower's display device of a machine without a battery */
	    OP_SET(T_DISPLAY, "IsPresent", 'b', 0),
	    OP_EXPECT(0, -1, 1, 0),
	    OP_SET(T_DISPLAY, "IsPresent", 'b', 1),
	    OP_EXPECT(0, 42.5, 1, 0),
	};
	RUN(ops);
}

static void test_metered(void **state)
{
	(void)state;
	static const struct op ops[] = {
	    INITIAL,                         /* 3, guess-yes */
	    OP_SET(T_NM, "Metered", 'u', 4), /* guess-no */
	    OP_EXPECT(0, 80, 0, 0),
	    OP_SET(T_NM, "Metered", 'u', 1), /* yes */
	    OP_EXPECT(0, 80, 1, 0),
	    OP_SET(T_NM, "Metered", 'u', 2), /* no */
	    OP_EXPECT(0, 80, 0, 0),
	    OP_SET(T_NM, "Metered", 'u', 3),
	    OP_EXPECT(0, 80, 1, 0),
	    OP_SET(T_NM, "Metered", 'u', 0), /* unknown */
	    OP_EXPECT(0, 80, 0, 0),
	};
	RUN(ops);
}

static void test_offline(void **state)
{
	(void)state;
	static const struct op ops[] = {
	    INITIAL,
	    OP_SET(T_NM, "State", 'u', 20), /* disconnected */
	    OP_EXPECT(0, 80, 1, 1),
	    OP_SET(T_NM, "State", 'u', 60), /* connected, site */
	    OP_EXPECT(0, 80, 1, 0),
	    OP_SET(T_NM, "State", 'u', 10), /* asleep */
	    OP_EXPECT(0, 80, 1, 1),
	    OP_SET(T_NM, "State", 'u', 70), /* connected, global */
	    OP_EXPECT(0, 80, 1, 0),
	    OP_SET(T_NM, "State", 'u', 50), /* connected, local only */
	    OP_EXPECT(0, 80, 1, 1),
	    OP_SET(T_NM, "State", 'u', 0), /* unknown: not taken as offline */
	    OP_EXPECT(0, 80, 1, 0),
	};
	RUN(ops);
}

static void test_upower_goes_and_comes(void **state)
{
	(void)state;
	static const struct op ops[] = {
	    INITIAL,
	    /* gone: sysfs says on battery at 55 %; NetworkManager still speaks */
	    OP(STOP_UPOWER),
	    OP_EXPECT(1, 55, 1, 0),
	    /* back: read at once (the template starts on AC, no battery) */
	    OP(START_UPOWER),
	    OP_EXPECT(0, -1, 1, 0),
	    OP_SET(T_DISPLAY, "IsPresent", 'b', 1),
	    OP_SET(T_DISPLAY, "Percentage", 'd', 80),
	    OP_EXPECT(0, 80, 1, 0),
	};
	RUN(ops);
}

static void test_upower_absent_at_start(void **state)
{
	(void)state;
	static const struct op stop_first[] = {INITIAL, OP(STOP_UPOWER), OP_EXPECT(1, 55, 1, 0)};
	RUN(stop_first);
	/* A new watch with UPower absent: sysfs, and UPower once it appears. */
	static const struct op ops[] = {
	    OP_EXPECT(1, 55, 1, 0), /* NetworkManager's answer, sysfs's battery */
	    OP(START_UPOWER),       OP_EXPECT(0, -1, 1, 0), OP_SET(T_UPOWER, "OnBattery", 'b', 1),
	    OP_EXPECT(1, -1, 1, 0),
	};
	RUN(ops);
}

static void test_nm_goes_and_comes(void **state)
{
	(void)state;
	static const struct op ops[] = {
	    INITIAL,
	    OP_SET(T_NM, "State", 'u', 20),
	    OP_EXPECT(0, 80, 1, 1),
	    /* without NetworkManager: neither metered nor offline */
	    OP(STOP_NM),
	    OP_EXPECT(0, 80, 0, 0),
	    OP(START_NM),
	    OP_SET(T_NM, "Metered", 'u', 1),
	    OP_EXPECT(0, 80, 1, 0),
	};
	RUN(ops);
}

static void test_locked(void **state)
{
	(void)state;
	/* clang-format off */
	static const struct op ops[] = {
	    INITIAL,
	    OP_V(LOCK, 1),
	    OP_EXPECT_LOCKED(1),
	    OP_V(LOCK, 0),
	    OP_EXPECT_LOCKED(0),
	    OP_V(LOCK, 0), /* the same value again is no change */
	    OP_QUIET(200),
	    OP_V(LOCK, 1),
	    OP_EXPECT_LOCKED(1),
	};
	/* clang-format on */
	RUN(ops);
}

/* The session goes (logout) and comes back (login): found again through
 * SessionRemoved and SessionNew. */
static void test_session_goes_and_comes(void **state)
{
	(void)state;
	static const struct op ops[] = {
	    INITIAL,
	    OP_V(LOCK, 1),
	    OP_EXPECT_LOCKED(1),
	    OP(SESSION_GONE),
	    OP_EXPECT_LOCKED(0),
	    OP_V(SESSION_BACK, 1),
	    OP_EXPECT_LOCKED(1),
	    /* and followed there */
	    OP_V(LOCK, 0),
	    OP_EXPECT_LOCKED(0),
	};
	RUN(ops);
}

static void test_logind_goes_and_comes(void **state)
{
	(void)state;
	static const struct op ops[] = {
	    INITIAL,
	    OP_V(LOCK, 1),
	    OP_EXPECT_LOCKED(1),
	    /* no logind: never locked; the rest is untouched */
	    OP(STOP_LOGIND),
	    OP_EXPECT(0, 80, 1, 0),
	    OP_V(START_LOGIND, 1),
	    OP_EXPECT_LOCKED(1),
	    OP_V(LOCK, 0),
	    OP_EXPECT(0, 80, 1, 0),
	};
	RUN(ops);
}

/* Last: it takes the bus (and with it the mocks) away. */
static void test_bus_goes_away(void **state)
{
	(void)state;
	/* clang-format off */
	static const struct op ops[] = {
	    INITIAL,
	    OP_V(LOCK, 1),
	    OP_EXPECT_LOCKED(1),
	    OP(STOP_BUS),
	    OP_EXPECT(1, 55, 0, 0), /* sysfs alone, and never locked */
	    OP_CALM(300),
	};
	/* clang-format on */
	RUN(ops);
}

static void test_free_with_calls_out(void **state)
{
	(void)state;
	/* Freed before any answer came: nothing leaks, nothing runs later. */
	struct loop *l = loop_new();
	int calls = 0;
	struct power_watch *w = power_watch_new(l, NULL, &calls);
	power_watch_free(w);
	loop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_initial, reset),
	    cmocka_unit_test_setup(test_on_battery, reset),
	    cmocka_unit_test_setup(test_percentage, reset),
	    cmocka_unit_test_setup(test_metered, reset),
	    cmocka_unit_test_setup(test_offline, reset),
	    cmocka_unit_test_setup(test_upower_goes_and_comes, reset),
	    cmocka_unit_test_setup(test_upower_absent_at_start, reset),
	    cmocka_unit_test_setup(test_nm_goes_and_comes, reset),
	    cmocka_unit_test_setup(test_locked, reset),
	    cmocka_unit_test_setup(test_session_goes_and_comes, reset),
	    cmocka_unit_test_setup(test_logind_goes_and_comes, reset),
	    cmocka_unit_test_setup(test_free_with_calls_out, reset),
	    cmocka_unit_test_setup(test_bus_goes_away, reset),
	};
	return cmocka_run_group_tests_name("power-bus", tests, group_setup, group_teardown);
}
