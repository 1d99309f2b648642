/* The D-Bus face of the agent: dispatch and PropertiesChanged. Every call
 * first learns the caller's uid from the bus (asynchronously, cached), then
 * passes the access check, then the signature check, then its handler, in
 * service-methods.c or service-props.c. Internal results become error
 * names and sentences in these three files, and only there. */
#define _GNU_SOURCE
#include "service-impl.h"
#include "i18n.h"
#include "polkit.h"
#include "busstr.h"
#include "names.h"
#include "util.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char agent1_xml[];

#define REFUSAL_WINDOW_USEC (60 * USEC_PER_SEC)

struct refusal {
	uint32_t uid;
	uint64_t window_start; /* realtime of the last refusal written */
	unsigned repeats;      /* refusals since, not written */
	struct refusal *next;
};

/* The sentence is built whole on the heap, never cut: a caller's string in
 * it is quoted with Q(), short and cut between characters, and the whole is
 * made valid UTF-8 before libdbus sees it (it aborts on anything else). */
DBusMessage *service_error(DBusMessage *m, const char *name, const char *fmt, ...)
{
	char *text, *fit;
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (r < 0)
		abort();
	fit = busstr_fit(text, SIZE_MAX);
	DBusMessage *reply = dbus_message_new_error(m, name, fit);
	free(fit);
	free(text);
	if (!reply)
		abort();
	return reply;
}

static uint32_t monitored_uid(const struct agent *a)
{
	return a->policy.monitored_uid < 0 ? a->own_uid : (uint32_t)a->policy.monitored_uid;
}

/* ---- announcing changes ---- */

/* A text form of a marshalled value, to tell whether it changed. */
static void fingerprint_iter(DBusMessageIter *it, FILE *out)
{
	do {
		int t = dbus_message_iter_get_arg_type(it);
		if (t == DBUS_TYPE_INVALID)
			break;
		if (dbus_type_is_container(t)) {
			DBusMessageIter sub;
			dbus_message_iter_recurse(it, &sub);
			fputc('(', out);
			fingerprint_iter(&sub, out);
			fputc(')', out);
			continue;
		}
		DBusBasicValue v;
		dbus_message_iter_get_basic(it, &v);
		switch (t) {
		case DBUS_TYPE_STRING:
			fprintf(out, "s%zu:%s,", strlen(v.str), v.str);
			break;
		case DBUS_TYPE_DOUBLE:
			/* Costs are shown rounded; do not announce noise. */
			fprintf(out, "d%.3g,", v.dbl);
			break;
		case DBUS_TYPE_BOOLEAN:
			fprintf(out, "b%u,", v.bool_val);
			break;
		case DBUS_TYPE_UINT32:
			fprintf(out, "u%" PRIu32 ",", v.u32);
			break;
		default:
			fprintf(out, "t%" PRIu64 ",", v.u64);
			break;
		}
	} while (dbus_message_iter_next(it));
}

static char *fingerprint(struct agent *a, enum prop p)
{
	DBusMessage *m = dbus_message_new_signal("/", "x.y", "z");
	DBusMessageIter it;
	char *buf = NULL;
	size_t len = 0;
	dbus_message_iter_init_append(m, &it);
	service_append_prop(a, &it, p);
	FILE *out = open_memstream(&buf, &len);
	if (dbus_message_iter_init(m, &it))
		fingerprint_iter(&it, out);
	fclose(out);
	dbus_message_unref(m);
	return buf;
}

void service_resend(struct agent *a, enum prop p)
{
	free(a->sent[p]);
	a->sent[p] = NULL;
}

void service_announce(struct agent *a, const enum prop *props, size_t n)
{
	DBusMessageIter it, d, e, inv;
	bool changed = false, invalidate = false;
	if (!a->bus)
		return;
	agent_note_state(a); /* the state is announced as it changes */
	DBusMessage *sig =
	    dbus_message_new_signal(CAPCTL_PATH, DBUS_PROPS_IFACE, "PropertiesChanged");
	const char *iface = CAPCTL_IFACE;
	dbus_message_iter_init_append(sig, &it);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &iface);
	dict_open(&it, &d);
	for (size_t i = 0; i < n; i++) {
		enum prop p = props[i];
		char *fp = fingerprint(a, p);
		if (a->sent[p] && strcmp(fp, a->sent[p]) == 0) {
			free(fp);
			continue;
		}
		free(a->sent[p]);
		a->sent[p] = fp;
		if (p == P_EXEMPTIONS) {
			/* Reasons may be medical: never broadcast them. */
			invalidate = true;
			continue;
		}
		const char *name = service_properties[p].name;
		dbus_message_iter_open_container(&d, DBUS_TYPE_DICT_ENTRY, NULL, &e);
		dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &name);
		service_append_prop(a, &e, p);
		dbus_message_iter_close_container(&d, &e);
		changed = true;
	}
	dict_close(&it, &d);
	dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "s", &inv);
	if (invalidate) {
		const char *name = "Exemptions";
		dbus_message_iter_append_basic(&inv, DBUS_TYPE_STRING, &name);
	}
	dbus_message_iter_close_container(&it, &inv);
	if (changed || invalidate)
		dbus_connection_send(a->bus, sig, NULL);
	dbus_message_unref(sig);
}

/* ---- dispatch ---- */

static void note_refusal(struct agent *a, uint32_t uid, const char *method, const char *err)
{
	uint64_t now = now_usec();
	struct refusal *r = a->refusals;
	while (r && r->uid != uid)
		r = r->next;
	if (r && now - r->window_start < REFUSAL_WINDOW_USEC) {
		r->repeats++;
		return;
	}
	if (!r) {
		r = xcalloc(1, sizeof *r);
		r->uid = uid;
		r->next = a->refusals;
		a->refusals = r;
	}
	if (r->repeats)
		agent_log(a, "refused", uid,
		          "%s: %s (and %u more refused calls in the minute before)", method, err,
		          r->repeats);
	else
		agent_log(a, "refused", uid, "%s: %s", method, err);
	r->window_start = now;
	r->repeats = 0;
}

static const struct service_method *find_method(DBusMessage *m)
{
	const char *iface = dbus_message_get_interface(m), *member = dbus_message_get_member(m);
	for (size_t i = 0; i < service_n_methods; i++) {
		const struct service_method *sm = &service_methods[i];
		if (strcmp(sm->name, member) == 0 && (!iface || strcmp(sm->iface, iface) == 0))
			return sm;
	}
	return NULL;
}

static const struct {
	const char *name, *sig, *args;
	DBusMessage *(*fn)(struct agent *, DBusMessage *);
} prop_methods[] = {
    {"Get", "ss", "(s interface_name, s property_name)", service_props_get},
    {"GetAll", "s", "(s interface_name)", service_props_get_all},
    {"Set", "ssv", "(s interface_name, s property_name, v value)", service_props_set},
};

/* polkit: the caller may decide exemptions though not in admin_uids. */
static DBusMessage *dispatch(struct agent *a, DBusMessage *m, int64_t uid, bool polkit)
{
	const char *iface = dbus_message_get_interface(m), *member = dbus_message_get_member(m);
	bool props = iface && strcmp(iface, DBUS_PROPS_IFACE) == 0;
	const struct service_method *sm = props ? NULL : find_method(m);
	size_t pm = 0;

	if (props) {
		while (pm < ARRAY_SIZE(prop_methods) && strcmp(prop_methods[pm].name, member) != 0)
			pm++;
	}
	if ((props && pm == ARRAY_SIZE(prop_methods)) || (!props && !sm))
		return service_error(m, DBUS_ERR_UNKNOWN_METHOD, "There is no method %s%s%s here.",
		                     iface ? Q(iface) : "", iface ? "." : "", Q(member));

	bool admin_only = sm && strcmp(sm->iface, CAPCTL_IFACE_ADMIN) == 0;
	bool admin = uid >= 0 && policy_is_admin(&a->policy, (uint32_t)uid);
	bool person = uid >= 0 && (uint32_t)uid == monitored_uid(a);
	admin |= admin_only && polkit;
	if (uid < 0 || !((admin && !(sm && sm->person_only)) || (!admin_only && person))) {
		char what[160];
		snprintf(what, sizeof what, "%s.%s", props ? DBUS_PROPS_IFACE : sm->iface, member);
		if (uid >= 0)
			note_refusal(a, (uint32_t)uid, what, DBUS_ERR_ACCESS_DENIED);
		return service_error(
		    m, DBUS_ERR_ACCESS_DENIED, "%s",
		    admin_only ? "Only an administrator may decide exemptions: one named in the "
		                 "policy's admin_uids, or on the system bus one polkit authorizes."
		    : sm && sm->person_only
		        ? "Only the monitored user may do this: nobody acknowledges the policy "
		          "or limits what is kept on their behalf."
		        : "Only the monitored user and administrators may use this agent.");
	}

	const char *sig = props ? prop_methods[pm].sig : sm->in;
	if (!dbus_message_has_signature(m, sig))
		return service_error(m, DBUS_ERR_INVALID_ARGS, "%s takes %s, not (%s).", member,
		                     props ? prop_methods[pm].args : sm->args,
		                     Q(dbus_message_get_signature(m)));

	/* Deadlines passed while we were busy are settled before any answer. */
	agent_tick(a);
	return props ? prop_methods[pm].fn(a, m) : sm->fn(a, m, (uint32_t)uid);
}

static void answer(struct agent *a, DBusMessage *m, DBusMessage *reply)
{
	if (reply && !dbus_message_get_no_reply(m))
		dbus_connection_send(a->bus, reply, NULL);
	if (reply)
		dbus_message_unref(reply);
}

static void on_polkit(DBusMessage *m, int64_t uid, bool authorized, void *data)
{
	struct agent *a = data;
	if (!a->uids)
		return; /* the service stopped while polkit was asked */
	answer(a, m, dispatch(a, m, uid, authorized));
}

/* An Admin call from someone not in admin_uids, on the system bus: polkit
 * is asked first. */
static bool needs_polkit(const struct agent *a, DBusMessage *m, int64_t uid)
{
	const struct service_method *sm = find_method(m);
	return a->system_bus && uid >= 0 && sm && strcmp(sm->iface, CAPCTL_IFACE_ADMIN) == 0 &&
	       !policy_is_admin(&a->policy, (uint32_t)uid) && dbus_message_has_signature(m, sm->in);
}

static void on_uid(DBusMessage *m, int64_t uid, void *data)
{
	struct agent *a = data;
	if (needs_polkit(a, m, uid) && polkit_check(a->bus, m, uid, on_polkit, a))
		return;
	answer(a, m, dispatch(a, m, uid, false));
}

static DBusHandlerResult on_message(DBusConnection *c, DBusMessage *m, void *data)
{
	struct agent *a = data;
	(void)c;
	if (dbus_message_get_type(m) != DBUS_MESSAGE_TYPE_METHOD_CALL)
		return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
	if (dbus_message_is_method_call(m, DBUS_INTROSPECT_IFACE, "Introspect")) {
		DBusMessage *reply =
		    dbus_message_has_signature(m, "")
		        ? dbus_message_new_method_return(m)
		        : service_error(m, DBUS_ERR_INVALID_ARGS, "Introspect takes ().");
		if (dbus_message_get_type(reply) == DBUS_MESSAGE_TYPE_METHOD_RETURN)
			dbus_message_append_args(reply, DBUS_TYPE_STRING, &a->introspect_xml,
			                         DBUS_TYPE_INVALID);
		dbus_connection_send(a->bus, reply, NULL);
		dbus_message_unref(reply);
		return DBUS_HANDLER_RESULT_HANDLED;
	}
	uid_cache_lookup(a->uids, m, on_uid, a);
	return DBUS_HANDLER_RESULT_HANDLED;
}

static DBusHandlerResult on_local(DBusConnection *c, DBusMessage *m, void *data)
{
	struct agent *a = data;
	(void)c;
	if (dbus_message_is_signal(m, DBUS_INTERFACE_LOCAL, "Disconnected")) {
		log_msg(LOG_LEVEL_ERR, _("the bus went away; stopping"));
		loop_quit(a->loop, 1);
		return DBUS_HANDLER_RESULT_HANDLED;
	}
	return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

static const char standard_ifaces[] =
    "  <interface name=\"org.freedesktop.DBus.Properties\">\n"
    "    <method name=\"Get\"><arg name=\"interface_name\" type=\"s\" direction=\"in\"/>"
    "<arg name=\"property_name\" type=\"s\" direction=\"in\"/>"
    "<arg name=\"value\" type=\"v\" direction=\"out\"/></method>\n"
    "    <method name=\"GetAll\"><arg name=\"interface_name\" type=\"s\" direction=\"in\"/>"
    "<arg name=\"props\" type=\"a{sv}\" direction=\"out\"/></method>\n"
    "    <method name=\"Set\"><arg name=\"interface_name\" type=\"s\" direction=\"in\"/>"
    "<arg name=\"property_name\" type=\"s\" direction=\"in\"/>"
    "<arg name=\"value\" type=\"v\" direction=\"in\"/></method>\n"
    "    <signal name=\"PropertiesChanged\"><arg name=\"interface_name\" type=\"s\"/>"
    "<arg name=\"changed_properties\" type=\"a{sv}\"/>"
    "<arg name=\"invalidated_properties\" type=\"as\"/></signal>\n"
    "  </interface>\n"
    "  <interface name=\"org.freedesktop.DBus.Introspectable\">\n"
    "    <method name=\"Introspect\"><arg name=\"xml_data\" type=\"s\" direction=\"out\"/>"
    "</method>\n"
    "  </interface>\n"
    "  <interface name=\"org.freedesktop.DBus.Peer\">\n"
    "    <method name=\"Ping\"/>\n"
    "    <method name=\"GetMachineId\"><arg name=\"machine_uuid\" type=\"s\" "
    "direction=\"out\"/></method>\n"
    "  </interface>\n";

int service_start(struct agent *a)
{
	static const DBusObjectPathVTable vtable = {.message_function = on_message};
	const char *end = strstr(agent1_xml, "</node>");
	a->introspect_xml =
	    xasprintf("%.*s%s%s", (int)(end - agent1_xml), agent1_xml, standard_ifaces, end);
	a->uids = uid_cache_new(a->bus);
	dbus_connection_add_filter(a->bus, on_local, a, NULL);
	if (!dbus_connection_register_object_path(a->bus, CAPCTL_PATH, &vtable, a))
		return -1;
	/* What a client reads first is what we have "sent". */
	for (int p = 0; p < N_PROPS; p++)
		a->sent[p] = fingerprint(a, (enum prop)p);
	return 0;
}

void service_stop(struct agent *a)
{
	/* Refusals counted but not yet written go to History now. */
	while (a->refusals) {
		struct refusal *r = a->refusals;
		a->refusals = r->next;
		if (r->repeats)
			agent_log(a, "refused", r->uid, "%u more refused calls not listed yet",
			          r->repeats);
		free(r);
	}
	if (a->bus) {
		dbus_connection_unregister_object_path(a->bus, CAPCTL_PATH);
		dbus_connection_remove_filter(a->bus, on_local, a);
	}
	uid_cache_free(a->uids);
	a->uids = NULL;
	for (int p = 0; p < N_PROPS; p++) {
		free(a->sent[p]);
		a->sent[p] = NULL;
	}
	free(a->introspect_xml);
	a->introspect_xml = NULL;
}
