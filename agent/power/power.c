/* The power watcher. UPower, NetworkManager and logind's session are asked
 * with GetAll and then followed through PropertiesChanged and
 * NameOwnerChanged on a private system-bus connection; nothing here waits
 * for an answer. sysfs and RAPL are files read only when someone asks for
 * the state. */
#define _GNU_SOURCE
#include "power/power.h"
#include "bus.h"
#include "util.h"

#include <dbus/dbus.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROPS_IFACE "org.freedesktop.DBus.Properties"
/* libdbus's own default when DBUS_SYSTEM_BUS_ADDRESS is unset. */
#define SYSTEM_BUS_DEFAULT "unix:path=/var/run/dbus/system_bus_socket"
#define CALL_TIMEOUT_MS 10000
/* RAPL counters tick about every millisecond: shorter spans are noise. */
#define RAPL_MIN_USEC (100 * 1000ULL)

/* NetworkManager's NMMetered and NMState values. */
enum { NM_METERED_YES = 1, NM_METERED_GUESS_YES = 3 };
enum { NM_STATE_UNKNOWN = 0, NM_STATE_CONNECTED_SITE = 60 };

#define LOGIND_PATH "/org/freedesktop/login1"
#define LOGIND_MANAGER "org.freedesktop.login1.Manager"

enum svc { SVC_UPOWER, SVC_NM, SVC_LOGIND, N_SVC };
enum obj { OBJ_UPOWER, OBJ_DISPLAY, OBJ_NM, OBJ_SESSION, N_OBJ };

static const char *const svc_names[N_SVC] = {
    "org.freedesktop.UPower", "org.freedesktop.NetworkManager", "org.freedesktop.login1"};

/* A NULL path is learnt at run time: see find_session(). */
static const struct {
	enum svc svc;
	const char *path;
	const char *iface;
} objs[N_OBJ] = {
    {SVC_UPOWER, "/org/freedesktop/UPower", "org.freedesktop.UPower"},
    {SVC_UPOWER, "/org/freedesktop/UPower/devices/DisplayDevice", "org.freedesktop.UPower.Device"},
    {SVC_NM, "/org/freedesktop/NetworkManager", "org.freedesktop.NetworkManager"},
    {SVC_LOGIND, NULL, "org.freedesktop.login1.Session"},
};

struct service {
	char *owner;  /* unique name, NULL while unknown or absent */
	unsigned gen; /* bumped on every owner change: older replies are stale */
};

struct power_watch {
	struct loop *loop;
	power_changed_fn changed;
	void *data;
	DBusConnection *conn; /* NULL without a system bus */
	struct loop_timer *notify;
	bool closing;
	struct service svc[N_SVC];

	/* What the services said; a flag false means "ask sysfs instead". */
	bool up_on_battery_known, up_on_battery;
	bool dev_percent_known, dev_present_known, dev_present;
	double dev_percent;
	bool nm_known;
	uint32_t nm_metered, nm_state;
	bool session_locked;

	/* logind's answer to GetSession("auto"), and the PropertiesChanged
	 * rule for it; NULL while there is none. */
	char *session_path;
	char *session_rule;

	struct battery sysfs; /* the last sysfs reading */

	bool rapl_have;
	uint64_t rapl_uj, rapl_max, rapl_at;

	struct power_state st;       /* current */
	struct power_state reported; /* as last given to changed */
};

/* ---- sysfs ---- */

static bool read_attr(const char *dir, const char *name, const char *attr, char *buf, size_t n)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s/%s", dir, name, attr);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	bool ok = fgets(buf, (int)n, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

void power_read_battery(struct battery *out)
{
	const char *dir = getenv("CAPCTL_POWER_SUPPLY_DIR");
	if (!dir || !*dir)
		dir = "/sys/class/power_supply";
	bool battery = false, discharging = false, mains_online = false;
	double sum = 0;
	int n = 0;
	char type[32], val[32];

	*out = (struct battery){false, -1};
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.' || !read_attr(dir, e->d_name, "type", type, sizeof type))
			continue;
		if (strcmp(type, "Battery") == 0) {
			/* Peripherals (a mouse's battery) do not power the machine. */
			if (read_attr(dir, e->d_name, "scope", val, sizeof val) &&
			    strcmp(val, "Device") == 0)
				continue;
			battery = true;
			if (read_attr(dir, e->d_name, "status", val, sizeof val) &&
			    strcmp(val, "Discharging") == 0)
				discharging = true;
			if (read_attr(dir, e->d_name, "capacity", val, sizeof val)) {
				sum += strtod(val, NULL);
				n++;
			}
		} else if (strcmp(type, "Mains") == 0 || strcmp(type, "USB") == 0) {
			if (read_attr(dir, e->d_name, "online", val, sizeof val) &&
			    strcmp(val, "1") == 0)
				mains_online = true;
		}
	}
	closedir(d);
	out->on_battery = battery && (discharging || !mains_online);
	if (n)
		out->percent = sum / n;
}

/* ---- RAPL ---- */

double power_rapl_mw(uint64_t prev_uj, uint64_t cur_uj, uint64_t max_uj, uint64_t usec)
{
	uint64_t delta;
	if (usec == 0)
		return -1;
	if (cur_uj >= prev_uj)
		delta = cur_uj - prev_uj;
	else if (max_uj && prev_uj <= max_uj)
		delta = max_uj - prev_uj + cur_uj;
	else
		return -1;
	/* microjoules per microsecond are watts */
	return (double)delta * 1000.0 / (double)usec;
}

static bool read_u64(const char *dir, const char *name, uint64_t *out)
{
	char path[512], buf[32], *end;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	bool ok = fgets(buf, sizeof buf, f) != NULL;
	fclose(f);
	if (!ok)
		return false;
	unsigned long long v = strtoull(buf, &end, 10);
	if (end == buf || (*end && *end != '\n'))
		return false;
	*out = v;
	return true;
}

static void rapl_sample(struct power_watch *w)
{
	const char *dir = getenv("CAPCTL_RAPL_DIR");
	uint64_t now = mono_usec(), uj;
	if (!dir || !*dir)
		dir = "/sys/class/powercap/intel-rapl:0";
	if (w->rapl_have && now - w->rapl_at < RAPL_MIN_USEC)
		return;
	/* Often root-only since CVE-2020-8694; then there is no measured figure. */
	if (!read_u64(dir, "energy_uj", &uj)) {
		w->rapl_have = false;
		w->st.rapl_mw = -1;
		return;
	}
	if (!w->rapl_max && !read_u64(dir, "max_energy_range_uj", &w->rapl_max))
		w->rapl_max = 0;
	w->st.rapl_mw =
	    w->rapl_have ? power_rapl_mw(w->rapl_uj, uj, w->rapl_max, now - w->rapl_at) : -1;
	w->rapl_have = true;
	w->rapl_uj = uj;
	w->rapl_at = now;
}

/* ---- the state ---- */

static bool needs_sysfs(const struct power_watch *w)
{
	return !w->up_on_battery_known || !w->dev_percent_known;
}

static void compute(struct power_watch *w)
{
	struct power_state *st = &w->st;
	st->on_battery = w->up_on_battery_known ? w->up_on_battery : w->sysfs.on_battery;
	if (!w->dev_percent_known)
		st->battery_percent = w->sysfs.percent;
	else if (w->dev_present_known && !w->dev_present)
		/* UPower's display device of a machine without a battery says 0 %. */
		st->battery_percent = -1;
	else
		st->battery_percent = w->dev_percent;
	st->metered = w->nm_known &&
	              (w->nm_metered == NM_METERED_YES || w->nm_metered == NM_METERED_GUESS_YES);
	/* Unknown (0) is what NM says when it cannot tell: deferring on it
	 * could hold uploads back for good. */
	st->offline =
	    w->nm_known && w->nm_state != NM_STATE_UNKNOWN && w->nm_state < NM_STATE_CONNECTED_SITE;
	st->locked = w->session_locked;
}

static bool differs(const struct power_state *a, const struct power_state *b)
{
	return a->on_battery != b->on_battery || a->battery_percent != b->battery_percent ||
	       a->metered != b->metered || a->offline != b->offline || a->locked != b->locked;
}

static void publish(struct power_watch *w)
{
	if (w->closing || !differs(&w->st, &w->reported))
		return;
	w->reported = w->st;
	if (w->changed)
		w->changed(&w->st, w->data);
}

static void on_notify(struct loop_timer *t, void *data)
{
	(void)t;
	publish(data);
}

const struct power_state *power_watch_state(struct power_watch *w)
{
	if (needs_sysfs(w))
		power_read_battery(&w->sysfs);
	compute(w);
	rapl_sample(w);
	/* Not from here: the caller may be in the middle of building a reply. */
	if (differs(&w->st, &w->reported))
		loop_timer_arm(w->notify, mono_usec());
	return &w->st;
}

/* ---- policy ---- */

const char *power_deferral(const struct power_state *st, bool on_battery_defer,
                           bool on_metered_defer)
{
	if (st->offline)
		return "offline";
	if (on_battery_defer && st->on_battery)
		return "on-battery";
	if (on_metered_defer && st->metered)
		return "metered";
	return "";
}

bool power_saver(const struct power_state *st, unsigned saver_below_percent)
{
	return saver_below_percent > 0 && st->on_battery && st->battery_percent >= 0 &&
	       st->battery_percent < (double)saver_below_percent;
}

/* ---- the bus ---- */

static bool variant_number(DBusMessageIter *v, double *out)
{
	DBusBasicValue x;
	int t = dbus_message_iter_get_arg_type(v);
	if (!dbus_type_is_basic(t) || t == DBUS_TYPE_STRING || t == DBUS_TYPE_OBJECT_PATH ||
	    t == DBUS_TYPE_SIGNATURE || t == DBUS_TYPE_UNIX_FD)
		return false;
	dbus_message_iter_get_basic(v, &x);
	switch (t) {
	case DBUS_TYPE_BYTE:
		*out = x.byt;
		break;
	case DBUS_TYPE_BOOLEAN:
		*out = x.bool_val;
		break;
	case DBUS_TYPE_INT16:
		*out = x.i16;
		break;
	case DBUS_TYPE_UINT16:
		*out = x.u16;
		break;
	case DBUS_TYPE_INT32:
		*out = x.i32;
		break;
	case DBUS_TYPE_UINT32:
		*out = x.u32;
		break;
	case DBUS_TYPE_INT64:
		*out = (double)x.i64;
		break;
	case DBUS_TYPE_UINT64:
		*out = (double)x.u64;
		break;
	case DBUS_TYPE_DOUBLE:
		*out = x.dbl;
		break;
	default:
		return false;
	}
	return true;
}

/* One property of one object; the variant is read leniently (a mock or an
 * old daemon may send an int where a uint is documented). */
static void apply(struct power_watch *w, enum obj o, const char *key, DBusMessageIter *v)
{
	double x;
	if (!variant_number(v, &x))
		return;
	switch (o) {
	case OBJ_UPOWER:
		if (strcmp(key, "OnBattery") == 0) {
			w->up_on_battery = x != 0;
			w->up_on_battery_known = true;
		}
		break;
	case OBJ_DISPLAY:
		if (strcmp(key, "Percentage") == 0) {
			w->dev_percent = x;
			w->dev_percent_known = true;
		} else if (strcmp(key, "IsPresent") == 0) {
			w->dev_present = x != 0;
			w->dev_present_known = true;
		}
		break;
	case OBJ_NM:
		if (x < 0 || x > UINT32_MAX)
			break;
		if (strcmp(key, "Metered") == 0)
			w->nm_metered = (uint32_t)x;
		else if (strcmp(key, "State") == 0)
			w->nm_state = (uint32_t)x;
		break;
	case OBJ_SESSION:
		if (strcmp(key, "LockedHint") == 0)
			w->session_locked = x != 0;
		break;
	case N_OBJ:
		break;
	}
}

/* it points at an a{sv}. */
static void apply_dict(struct power_watch *w, enum obj o, DBusMessageIter *it)
{
	DBusMessageIter dict, e, v;
	const char *key;
	if (dbus_message_iter_get_arg_type(it) != DBUS_TYPE_ARRAY ||
	    dbus_message_iter_get_element_type(it) != DBUS_TYPE_DICT_ENTRY)
		return;
	dbus_message_iter_recurse(it, &dict);
	for (; dbus_message_iter_get_arg_type(&dict) == DBUS_TYPE_DICT_ENTRY;
	     dbus_message_iter_next(&dict)) {
		dbus_message_iter_recurse(&dict, &e);
		if (dbus_message_iter_get_arg_type(&e) != DBUS_TYPE_STRING)
			continue;
		dbus_message_iter_get_basic(&e, &key);
		dbus_message_iter_next(&e);
		if (dbus_message_iter_get_arg_type(&e) != DBUS_TYPE_VARIANT)
			continue;
		dbus_message_iter_recurse(&e, &v);
		apply(w, o, key, &v);
	}
}

/* What an object said is void: the service went, or would not answer. */
static void forget_obj(struct power_watch *w, enum obj o)
{
	switch (o) {
	case OBJ_UPOWER:
		w->up_on_battery_known = false;
		break;
	case OBJ_DISPLAY:
		w->dev_percent_known = w->dev_present_known = false;
		break;
	case OBJ_NM:
		w->nm_known = false;
		w->nm_metered = w->nm_state = 0;
		break;
	case OBJ_SESSION:
		/* No logind, no session, no answer: never locked. */
		w->session_locked = false;
		break;
	case N_OBJ:
		break;
	}
}

static const char *obj_path(const struct power_watch *w, enum obj o)
{
	return o == OBJ_SESSION ? w->session_path : objs[o].path;
}

/* Follows the session at path from now on (NULL: none). */
static void set_session_path(struct power_watch *w, const char *path)
{
	if (w->session_path && path && strcmp(w->session_path, path) == 0)
		return;
	/* A dead connection sends nothing; its rules went with it. */
	if (w->session_rule && dbus_connection_get_is_connected(w->conn))
		dbus_bus_remove_match(w->conn, w->session_rule, NULL);
	free(w->session_rule);
	free(w->session_path);
	w->session_rule = w->session_path = NULL;
	if (!path)
		return;
	w->session_path = xstrdup(path);
	w->session_rule = xasprintf("type='signal',sender='%s',path='%s',"
	                            "interface='" PROPS_IFACE "',member='PropertiesChanged',"
	                            "arg0='%s'",
	                            svc_names[SVC_LOGIND], path, objs[OBJ_SESSION].iface);
	dbus_bus_add_match(w->conn, w->session_rule, NULL);
}

static void forget_svc(struct power_watch *w, enum svc s)
{
	free(w->svc[s].owner);
	w->svc[s].owner = NULL;
	w->svc[s].gen++;
	for (int o = 0; o < N_OBJ; o++)
		if (objs[o].svc == s)
			forget_obj(w, (enum obj)o);
	if (s == SVC_LOGIND)
		set_session_path(w, NULL);
}

struct get_call {
	struct power_watch *w;
	enum obj o;
	unsigned gen;
};

static void on_get_all(DBusMessage *reply, void *data)
{
	struct get_call *c = data;
	struct power_watch *w = c->w;
	struct service *s = &w->svc[objs[c->o].svc];
	DBusMessageIter it;

	if (w->closing || c->gen != s->gen)
		return;
	if (dbus_message_get_type(reply) != DBUS_MESSAGE_TYPE_METHOD_RETURN ||
	    !dbus_message_iter_init(reply, &it)) {
		/* Absent (we do not start it) or no such object: sysfs speaks. */
		forget_obj(w, c->o);
		if (needs_sysfs(w))
			power_read_battery(&w->sysfs);
	} else {
		if (!s->owner && dbus_message_get_sender(reply))
			s->owner = xstrdup(dbus_message_get_sender(reply));
		if (c->o == OBJ_NM)
			w->nm_known = true;
		apply_dict(w, c->o, &it);
	}
	compute(w);
	publish(w);
}

static void get_all(struct power_watch *w, enum obj o)
{
	const char *iface = objs[o].iface, *path = obj_path(w, o);
	if (!path)
		return;
	DBusMessage *m =
	    dbus_message_new_method_call(svc_names[objs[o].svc], path, PROPS_IFACE, "GetAll");
	if (!m)
		abort();
	dbus_message_append_args(m, DBUS_TYPE_STRING, &iface, DBUS_TYPE_INVALID);
	/* Asking must not start a service that is not running. */
	dbus_message_set_auto_start(m, FALSE);
	struct get_call *c = xmalloc(sizeof *c);
	*c = (struct get_call){w, o, w->svc[objs[o].svc].gen};
	bus_call_async(w->conn, m, CALL_TIMEOUT_MS, on_get_all, c, free);
	dbus_message_unref(m);
}

static void on_session(DBusMessage *reply, void *data)
{
	struct get_call *c = data;
	struct power_watch *w = c->w;
	struct service *s = &w->svc[SVC_LOGIND];
	const char *path;

	if (w->closing || c->gen != s->gen)
		return;
	if (dbus_message_get_type(reply) != DBUS_MESSAGE_TYPE_METHOD_RETURN ||
	    !dbus_message_get_args(reply, NULL, DBUS_TYPE_OBJECT_PATH, &path, DBUS_TYPE_INVALID)) {
		/* No logind, or no session of ours (a user with lingering
		 * services and nobody logged in): nothing to lock. */
		set_session_path(w, NULL);
		forget_obj(w, OBJ_SESSION);
		compute(w);
		publish(w);
		return;
	}
	if (!s->owner && dbus_message_get_sender(reply))
		s->owner = xstrdup(dbus_message_get_sender(reply));
	/* The rule before GetAll: a change after logind answers is seen. */
	set_session_path(w, path);
	get_all(w, OBJ_SESSION);
}

/* The session is logind's "auto": the caller's own, or when the caller is
 * in none, its user's graphical session. That is the one that matters for
 * an agent run as a systemd user service, which is in no session, so
 * GetSessionByPID(own pid) would fail for it (and python3-dbusmock's logind
 * template has no such method). GetSession("auto") answers with the
 * session's real object path, where logind sends PropertiesChanged from;
 * the template answers /org/freedesktop/login1/session/auto, which a test
 * fills with AddSession("auto", ...).
 *
 * Only LockedHint is followed. The session's Lock and Unlock signals are
 * logind asking the screen locker to act (loginctl lock-session), not word
 * that it did; the locker says so through SetLockedHint, which updates
 * LockedHint (in the template too). */
static void find_session(struct power_watch *w)
{
	const char *id = "auto";
	DBusMessage *m = dbus_message_new_method_call(svc_names[SVC_LOGIND], LOGIND_PATH,
	                                              LOGIND_MANAGER, "GetSession");
	if (!m)
		abort();
	dbus_message_append_args(m, DBUS_TYPE_STRING, &id, DBUS_TYPE_INVALID);
	dbus_message_set_auto_start(m, FALSE);
	struct get_call *c = xmalloc(sizeof *c);
	*c = (struct get_call){w, OBJ_SESSION, w->svc[SVC_LOGIND].gen};
	bus_call_async(w->conn, m, CALL_TIMEOUT_MS, on_session, c, free);
	dbus_message_unref(m);
}

static void get_svc(struct power_watch *w, enum svc s)
{
	if (s == SVC_LOGIND) {
		find_session(w);
		return;
	}
	for (int o = 0; o < N_OBJ; o++)
		if (objs[o].svc == s)
			get_all(w, (enum obj)o);
}

/* A session came or went (anyone's): "auto" may now be another one. What
 * the last one said stands until the new answer. */
static void on_sessions_changed(struct power_watch *w)
{
	w->svc[SVC_LOGIND].gen++;
	find_session(w);
}

static void on_name_owner_changed(struct power_watch *w, DBusMessage *m)
{
	const char *name, *old_owner, *new_owner;
	if (!dbus_message_has_sender(m, DBUS_SERVICE_DBUS) ||
	    !dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_STRING, &old_owner,
	                           DBUS_TYPE_STRING, &new_owner, DBUS_TYPE_INVALID))
		return;
	for (int s = 0; s < N_SVC; s++) {
		if (strcmp(name, svc_names[s]) != 0)
			continue;
		if (!*new_owner) {
			forget_svc(w, (enum svc)s);
			if (needs_sysfs(w))
				power_read_battery(&w->sysfs);
			compute(w);
			publish(w);
			return;
		}
		/* A new owner: answers to the old one are stale, and what it
		 * said stands until the new one has answered. */
		free(w->svc[s].owner);
		w->svc[s].owner = xstrdup(new_owner);
		w->svc[s].gen++;
		get_svc(w, (enum svc)s);
		return;
	}
}

static void on_properties_changed(struct power_watch *w, DBusMessage *m)
{
	const char *path = dbus_message_get_path(m), *sender = dbus_message_get_sender(m);
	const char *iface;
	DBusMessageIter it, inv;
	int o;

	for (o = 0; o < N_OBJ; o++)
		if (path && obj_path(w, (enum obj)o) && strcmp(path, obj_path(w, (enum obj)o)) == 0)
			break;
	if (o == N_OBJ || !dbus_message_iter_init(m, &it) ||
	    dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_STRING)
		return;
	dbus_message_iter_get_basic(&it, &iface);
	const char *owner = w->svc[objs[o].svc].owner;
	/* Before the first answer the owner is unknown; that answer is at
	 * least as new as anything sent before it. */
	if (strcmp(iface, objs[o].iface) != 0 || !owner || !sender || strcmp(sender, owner) != 0)
		return;
	dbus_message_iter_next(&it);
	apply_dict(w, (enum obj)o, &it);
	dbus_message_iter_next(&it);
	/* Invalidated properties carry no value: ask again. */
	if (dbus_message_iter_get_arg_type(&it) == DBUS_TYPE_ARRAY &&
	    dbus_message_iter_get_element_type(&it) == DBUS_TYPE_STRING) {
		dbus_message_iter_recurse(&it, &inv);
		if (dbus_message_iter_get_arg_type(&inv) == DBUS_TYPE_STRING)
			get_all(w, (enum obj)o);
	}
	compute(w);
	publish(w);
}

static DBusHandlerResult on_message(DBusConnection *c, DBusMessage *m, void *data)
{
	struct power_watch *w = data;
	(void)c;
	if (w->closing)
		return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
	if (dbus_message_is_signal(m, DBUS_INTERFACE_LOCAL, "Disconnected")) {
		/* The system bus went (it does not come back without a reboot). */
		for (int s = 0; s < N_SVC; s++)
			forget_svc(w, (enum svc)s);
		power_read_battery(&w->sysfs);
		compute(w);
		publish(w);
	} else if (dbus_message_is_signal(m, DBUS_INTERFACE_DBUS, "NameOwnerChanged")) {
		on_name_owner_changed(w, m);
	} else if (dbus_message_is_signal(m, PROPS_IFACE, "PropertiesChanged")) {
		on_properties_changed(w, m);
	} else if ((dbus_message_is_signal(m, LOGIND_MANAGER, "SessionNew") ||
	            dbus_message_is_signal(m, LOGIND_MANAGER, "SessionRemoved")) &&
	           dbus_message_has_path(m, LOGIND_PATH)) {
		on_sessions_changed(w);
	}
	return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

static void on_hello(DBusMessage *reply, void *data)
{
	struct power_watch *w = data;
	const char *name;
	if (!w->closing && dbus_message_get_type(reply) == DBUS_MESSAGE_TYPE_METHOD_RETURN &&
	    dbus_message_get_args(reply, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID))
		dbus_bus_set_unique_name(w->conn, name);
}

/* bus_open() would wait for the bus's answer to Hello; here Hello and
 * everything after it are queued, and the loop sends them. A connection
 * that fails to authenticate ends in Disconnected, handled like any loss. */
static DBusConnection *system_bus_connect(struct power_watch *w)
{
	const char *addr = getenv("DBUS_SYSTEM_BUS_ADDRESS");
	DBusError err;
	if (!addr || !*addr)
		addr = SYSTEM_BUS_DEFAULT;
	dbus_error_init(&err);
	DBusConnection *c = dbus_connection_open_private(addr, &err);
	dbus_error_free(&err);
	if (!c)
		return NULL;
	dbus_connection_set_exit_on_disconnect(c, FALSE);
	bus_attach(c, w->loop);
	dbus_connection_add_filter(c, on_message, w, NULL);

	DBusMessage *m = dbus_message_new_method_call(DBUS_SERVICE_DBUS, DBUS_PATH_DBUS,
	                                              DBUS_INTERFACE_DBUS, "Hello");
	if (!m)
		abort();
	bus_call_async(c, m, CALL_TIMEOUT_MS, on_hello, w, NULL);
	dbus_message_unref(m);
	return c;
}

static void add_matches(struct power_watch *w)
{
	for (int s = 0; s < N_SVC; s++) {
		char *rule = xasprintf("type='signal',sender='" DBUS_SERVICE_DBUS "',"
		                       "path='" DBUS_PATH_DBUS "',interface='" DBUS_INTERFACE_DBUS
		                       "',member='NameOwnerChanged',arg0='%s'",
		                       svc_names[s]);
		/* A NULL error: the rule is sent, not waited for. */
		dbus_bus_add_match(w->conn, rule, NULL);
		free(rule);
	}
	for (int o = 0; o < N_OBJ; o++) {
		if (!objs[o].path)
			continue;
		char *rule = xasprintf("type='signal',sender='%s',path='%s',"
		                       "interface='" PROPS_IFACE "',member='PropertiesChanged',"
		                       "arg0='%s'",
		                       svc_names[objs[o].svc], objs[o].path, objs[o].iface);
		dbus_bus_add_match(w->conn, rule, NULL);
		free(rule);
	}
	static const char *const session_signals[] = {"SessionNew", "SessionRemoved"};
	for (size_t i = 0; i < ARRAY_SIZE(session_signals); i++) {
		char *rule = xasprintf("type='signal',sender='%s',path='" LOGIND_PATH "',"
		                       "interface='" LOGIND_MANAGER "',member='%s'",
		                       svc_names[SVC_LOGIND], session_signals[i]);
		dbus_bus_add_match(w->conn, rule, NULL);
		free(rule);
	}
}

struct power_watch *power_watch_new(struct loop *l, power_changed_fn changed, void *data)
{
	struct power_watch *w = xcalloc(1, sizeof *w);
	w->loop = l;
	w->changed = changed;
	w->data = data;
	w->notify = loop_timer_new(l, on_notify, w);
	power_read_battery(&w->sysfs);
	w->st.rapl_mw = -1;
	compute(w);
	w->reported = w->st;

	w->conn = system_bus_connect(w);
	if (w->conn) {
		/* Matches first, so that no change falls between them and the
		 * answers. */
		add_matches(w);
		for (int s = 0; s < N_SVC; s++)
			get_svc(w, (enum svc)s);
	}
	return w;
}

void power_watch_free(struct power_watch *w)
{
	if (!w)
		return;
	/* Closing completes the calls still out; their callbacks see this. */
	w->closing = true;
	if (w->conn) {
		dbus_connection_remove_filter(w->conn, on_message, w);
		bus_close(w->conn);
	}
	loop_timer_free(w->notify);
	for (int s = 0; s < N_SVC; s++)
		free(w->svc[s].owner);
	free(w->session_path);
	free(w->session_rule);
	free(w);
}
