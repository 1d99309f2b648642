/* The properties of org.capctl.Agent1, in the order of enum prop, and the
 * org.freedesktop.DBus.Properties calls on them: Get, GetAll, and Set, which
 * refuses, since every property is read-only. */
#define _GNU_SOURCE
#include "service-impl.h"
#include "busstr.h"
#include "names.h"
#include "power/power.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static void get_version(struct agent *a, DBusMessageIter *it)
{
	const char *v = CAPCTL_VERSION;
	(void)a;
	dbus_message_iter_append_basic(it, DBUS_TYPE_STRING, &v);
}

static void get_state(struct agent *a, DBusMessageIter *it)
{
	char *reason;
	const char *s = agent_state(a, now_usec(), &reason);
	dbus_message_iter_append_basic(it, DBUS_TYPE_STRING, &s);
	free(reason);
}

static void get_state_reason(struct agent *a, DBusMessageIter *it)
{
	char *reason;
	agent_state(a, now_usec(), &reason);
	busstr_append(it, reason); /* may name an application, from X11 */
	free(reason);
}

static void get_paused_until(struct agent *a, DBusMessageIter *it)
{
	dbus_uint64_t v = control_paused(&a->control, now_usec()) ? a->control.paused_until : 0;
	dbus_message_iter_append_basic(it, DBUS_TYPE_UINT64, &v);
}

static void get_max_pause(struct agent *a, DBusMessageIter *it)
{
	dbus_uint32_t v = a->control.max_pause_seconds;
	dbus_message_iter_append_basic(it, DBUS_TYPE_UINT32, &v);
}

static void get_budget(struct agent *a, DBusMessageIter *it)
{
	dbus_uint32_t v = a->control.budget_seconds;
	dbus_message_iter_append_basic(it, DBUS_TYPE_UINT32, &v);
}

static void get_budget_left(struct agent *a, DBusMessageIter *it)
{
	dbus_uint32_t v = control_budget_left(&a->control, now_usec());
	dbus_message_iter_append_basic(it, DBUS_TYPE_UINT32, &v);
}

static void get_streams(struct agent *a, DBusMessageIter *it)
{
	DBusMessageIter arr, st;
	uint64_t now = now_usec();
	dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "(sbsstt)", &arr);
	for (int s = 0; s < N_STREAMS; s++) {
		char *desc;
		dbus_bool_t rec = agent_stream(a, (enum stream)s, now, &desc);
		const char *id = stream_id((enum stream)s);
		const char *fid = fidelity_name(policy_fidelity(&a->policy, (enum stream)s));
		dbus_uint64_t events = a->counts[s],
		              bytes = a->spool ? spool_stream_bytes(a->spool, (enum stream)s) : 0;
		dbus_message_iter_open_container(&arr, DBUS_TYPE_STRUCT, NULL, &st);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &id);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_BOOLEAN, &rec);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &fid);
		busstr_append(&st, desc); /* may name an application, from X11 */
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &events);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &bytes);
		dbus_message_iter_close_container(&arr, &st);
		free(desc);
	}
	dbus_message_iter_close_container(it, &arr);
}

static void get_exemptions(struct agent *a, DBusMessageIter *it)
{
	DBusMessageIter arr, st;
	dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "(sssssstt)", &arr);
	for (size_t i = a->control.n_ex; i-- > 0;) {
		const struct exemption *e = &a->control.ex[i];
		const char *status = ex_status_name(e->status);
		dbus_uint64_t created = e->created, expires = e->expires;
		dbus_message_iter_open_container(&arr, DBUS_TYPE_STRUCT, NULL, &st);
		/* Callers' words, read back from the state file after a restart. */
		busstr_append(&st, e->id);
		busstr_append(&st, e->scope);
		busstr_append(&st, e->category);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &status);
		busstr_append(&st, e->reason);
		busstr_append(&st, e->note);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &created);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT64, &expires);
		dbus_message_iter_close_container(&arr, &st);
	}
	dbus_message_iter_close_container(it, &arr);
}

static void get_upload(struct agent *a, DBusMessageIter *it)
{
	DBusMessageIter d;
	struct upload_info u = {.deferred = ""};
	if (a->uploader)
		upload_get_info(a->uploader, &u);
	else
		upload_host(a->policy.endpoint, u.endpoint, sizeof u.endpoint);
	uint64_t stored = a->spool ? spool_bytes(a->spool) : 0;
	dict_open(it, &d);
	dict_add_str(&d, "endpoint", u.endpoint);
	dict_add_u64(&d, "bytes_today", u.bytes_today);
	dict_add_u64(&d, "bytes_total", u.bytes_total);
	dict_add_u64(&d, "daily_cap", (uint64_t)a->policy.daily_cap_mb * 1000000);
	dict_add_double(&d, "rate_bps", u.rate_bps);
	dict_add_u64(&d, "pending_bytes", u.pending_bytes);
	dict_add_u64(&d, "next_upload", u.next_upload);
	dict_add_u64(&d, "last_upload", u.last_upload);
	dict_add_str(&d, "deferred", u.deferred);
	dict_add_str(&d, "last_error", u.last_error);
	dict_add_u64(&d, "held_bytes", u.held_bytes);
	dict_add_u64(&d, "next_release", u.next_release);
	dict_add_u32(&d, "hold_seconds", a->policy.hold_minutes * 60);
	dict_add_double(&d, "compression_ratio",
	                stored ? (double)spool_events(a->spool) * 24.0 / (double)stored : 0);
	dict_close(it, &d);
}

static void get_power(struct agent *a, DBusMessageIter *it)
{
	DBusMessageIter d;
	struct loop_stats st;
	struct power_state ps = {.battery_percent = -1, .rapl_mw = -1};
	loop_get_stats(a->loop, &st);
	if (a->power)
		ps = *power_watch_state(a->power);
	double mw = st.cpu_percent / 100.0 * a->policy.cpu_watts * 1000.0 +
	            st.wakeups_per_second * a->policy.wakeup_mw;
	dict_open(it, &d);
	dict_add_bool(&d, "on_battery", ps.on_battery);
	dict_add_double(&d, "battery_percent", ps.battery_percent);
	dict_add_double(&d, "cpu_seconds", st.cpu_seconds);
	dict_add_double(&d, "cpu_percent", st.cpu_percent);
	dict_add_double(&d, "wakeups_per_second", st.wakeups_per_second);
	dict_add_double(&d, "estimated_mw", mw);
	dict_add_bool(&d, "saver", filter_saver(&a->filter));
	/* The whole package's draw, where RAPL counters can be read: a
	 * measured figure beside the model's estimate. */
	if (ps.rapl_mw >= 0)
		dict_add_double(&d, "measured_mw", ps.rapl_mw);
	dict_close(it, &d);
}

static void get_retention(struct agent *a, DBusMessageIter *it)
{
	DBusMessageIter d;
	dict_open(it, &d);
	dict_add_u32(&d, "days", a->policy.retention_days);
	dict_add_u32(&d, "segments", a->spool ? (uint32_t)spool_count(a->spool) : 0);
	dict_add_u64(&d, "bytes", a->spool ? spool_bytes(a->spool) : 0);
	dict_add_u64(&d, "oldest", a->spool ? spool_oldest(a->spool) : 0);
	dict_add_bool(&d, "deletion_allowed", a->policy.allow_user_deletion);
	char *storage = agent_storage_error(a);
	dict_add_str(&d, "last_error", storage);
	free(storage);
	dict_close(it, &d);
}

static void get_notice(struct agent *a, DBusMessageIter *it)
{
	DBusMessageIter d;
	dict_open(it, &d);
	for (int i = 0; i < N_NOTICE; i++)
		dict_add_str(&d, notice_key((enum notice_field)i), a->policy.notice[i]);
	dict_close(it, &d);
}

static void get_personal_limits(struct agent *a, DBusMessageIter *it)
{
	DBusMessageIter arr, st;
	dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "(ss)", &arr);
	for (int s = 0; a->policy.allow_personal_limits && s < N_STREAMS; s++) {
		if (a->consent.limit[s] == CONSENT_NO_LIMIT)
			continue;
		const char *id = stream_id((enum stream)s),
		           *level = policy_stream_values((enum stream)s)[a->consent.limit[s]];
		dbus_message_iter_open_container(&arr, DBUS_TYPE_STRUCT, NULL, &st);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &id);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &level);
		dbus_message_iter_close_container(&arr, &st);
	}
	dbus_message_iter_close_container(it, &arr);
}

/* A value of Consent.changes: a list with ", " between its items. */
static void append_value(DBusMessageIter *st, enum consent_key k, const char *v)
{
	char *text = k == CK_EXCLUDE_APPS && *v ? consent_words(k, v) : xstrdup(v);
	busstr_append(st, text); /* the policy's words, or the state file's */
	free(text);
}

/* What differs from what was acknowledged: every key before the first
 * acknowledgment, with then "". */
static void append_changes(struct agent *a, DBusMessageIter *d, const struct consent_values *now)
{
	DBusMessageIter e, v, arr, st;
	const char *key = "changes";
	dbus_message_iter_open_container(d, DBUS_TYPE_DICT_ENTRY, NULL, &e);
	dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &key);
	dbus_message_iter_open_container(&e, DBUS_TYPE_VARIANT, "a(sss)", &v);
	dbus_message_iter_open_container(&v, DBUS_TYPE_ARRAY, "(sss)", &arr);
	for (int k = 0; k < N_CONSENT_KEYS; k++) {
		const char *then = a->consent.has_values ? a->consent.acked.v[k] : "";
		const char *name = consent_key_name(k);
		if (a->consent.has_values && strcmp(then, now->v[k]) == 0)
			continue;
		dbus_message_iter_open_container(&arr, DBUS_TYPE_STRUCT, NULL, &st);
		dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &name);
		append_value(&st, k, then);
		append_value(&st, k, now->v[k]);
		dbus_message_iter_close_container(&arr, &st);
	}
	dbus_message_iter_close_container(&v, &arr);
	dbus_message_iter_close_container(&e, &v);
	dbus_message_iter_close_container(d, &e);
}

static void get_consent(struct agent *a, DBusMessageIter *it)
{
	DBusMessageIter d;
	struct consent_values now;
	char digest[CONSENT_DIGEST_LEN + 1];
	bool wait = a->written.wait_for_acknowledgment;
	agent_consent_values(a, &now);
	consent_digest(&now, digest);
	dict_open(it, &d);
	dict_add_str(&d, "digest", digest);
	dict_add_str(&d, "acknowledged_digest", a->consent.has_values ? a->consent.digest : "");
	dict_add_u64(&d, "acknowledged", a->consent.when);
	dict_add_bool(&d, "wait_for_acknowledgment", wait);
	dict_add_bool(&d, "waiting", consent_waiting(&a->consent, &now, wait));
	append_changes(a, &d, &now);
	dict_close(it, &d);
	consent_values_fini(&now);
}

/* In the order of enum prop. */
const struct service_property service_properties[] = {
    {"Version", "s", get_version},
    {"State", "s", get_state},
    {"StateReason", "s", get_state_reason},
    {"PausedUntil", "t", get_paused_until},
    {"MaxPauseSeconds", "u", get_max_pause},
    {"PauseBudgetSeconds", "u", get_budget},
    {"PauseBudgetLeft", "u", get_budget_left},
    {"Streams", "a(sbsstt)", get_streams},
    {"Exemptions", "a(sssssstt)", get_exemptions},
    {"Upload", "a{sv}", get_upload},
    {"Power", "a{sv}", get_power},
    {"Retention", "a{sv}", get_retention},
    {"Notice", "a{sv}", get_notice},
    {"PersonalLimits", "a(ss)", get_personal_limits},
    {"Consent", "a{sv}", get_consent},
};
const size_t service_n_properties = ARRAY_SIZE(service_properties);

void service_append_prop(struct agent *a, DBusMessageIter *it, enum prop p)
{
	DBusMessageIter v;
	dbus_message_iter_open_container(it, DBUS_TYPE_VARIANT, service_properties[p].sig, &v);
	service_properties[p].get(a, &v);
	dbus_message_iter_close_container(it, &v);
}

static int find_prop(const char *name)
{
	for (size_t i = 0; i < service_n_properties; i++)
		if (strcmp(service_properties[i].name, name) == 0)
			return (int)i;
	return -1;
}

static bool our_iface(const char *iface)
{
	return *iface == '\0' || strcmp(iface, CAPCTL_IFACE) == 0;
}

DBusMessage *service_props_get(struct agent *a, DBusMessage *m)
{
	const char *iface, *name;
	DBusMessageIter it;
	dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &iface, DBUS_TYPE_STRING, &name,
	                      DBUS_TYPE_INVALID);
	int p = find_prop(name);
	if (!our_iface(iface) && strcmp(iface, CAPCTL_IFACE_ADMIN) != 0)
		return service_error(m, DBUS_ERR_UNKNOWN_INTERFACE,
		                     "There is no interface '%s' here.", Q(iface));
	if (p < 0 || strcmp(iface, CAPCTL_IFACE_ADMIN) == 0)
		return service_error(m, DBUS_ERR_UNKNOWN_PROPERTY,
		                     "There is no property '%s' on %s.", Q(name),
		                     *iface ? Q(iface) : CAPCTL_IFACE);
	DBusMessage *reply = dbus_message_new_method_return(m);
	dbus_message_iter_init_append(reply, &it);
	service_append_prop(a, &it, (enum prop)p);
	return reply;
}

DBusMessage *service_props_get_all(struct agent *a, DBusMessage *m)
{
	const char *iface;
	DBusMessageIter it, d, e;
	dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &iface, DBUS_TYPE_INVALID);
	bool admin = strcmp(iface, CAPCTL_IFACE_ADMIN) == 0;
	if (!our_iface(iface) && !admin)
		return service_error(m, DBUS_ERR_UNKNOWN_INTERFACE,
		                     "There is no interface '%s' here.", Q(iface));
	DBusMessage *reply = dbus_message_new_method_return(m);
	dbus_message_iter_init_append(reply, &it);
	dict_open(&it, &d);
	for (size_t i = 0; !admin && i < service_n_properties; i++) {
		const char *name = service_properties[i].name;
		dbus_message_iter_open_container(&d, DBUS_TYPE_DICT_ENTRY, NULL, &e);
		dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &name);
		service_append_prop(a, &e, (enum prop)i);
		dbus_message_iter_close_container(&d, &e);
	}
	dict_close(&it, &d);
	return reply;
}

DBusMessage *service_props_set(struct agent *a, DBusMessage *m)
{
	const char *iface = "", *name = "";
	DBusMessageIter it;
	(void)a;
	if (dbus_message_iter_init(m, &it)) {
		dbus_message_iter_get_basic(&it, &iface);
		dbus_message_iter_next(&it);
		dbus_message_iter_get_basic(&it, &name);
	}
	if (!our_iface(iface) && strcmp(iface, CAPCTL_IFACE_ADMIN) != 0)
		return service_error(m, DBUS_ERR_UNKNOWN_INTERFACE,
		                     "There is no interface '%s' here.", Q(iface));
	if (find_prop(name) < 0)
		return service_error(m, DBUS_ERR_UNKNOWN_PROPERTY, "There is no property '%s'.",
		                     Q(name));
	return service_error(m, DBUS_ERR_PROPERTY_READ_ONLY,
	                     "Property '%s' is read-only; the agent's methods change its state.",
	                     Q(name));
}
