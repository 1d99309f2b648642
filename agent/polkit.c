/* Admin decisions through polkit, as rtkit and logind ask it: a caller who
 * is not in the policy's admin_uids may still decide an exemption when
 * polkit authorizes the action org.capctl.Agent1.decide-exemption for the
 * caller's bus name (its .policy file says auth_admin). Asked only on the
 * system bus, where polkit is; asynchronously, so the loop never waits on
 * an authentication dialog. Without polkit, admin_uids alone decide. */
#define _GNU_SOURCE
#include "polkit.h"
#include "i18n.h"
#include "bus.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define POLKIT_NAME "org.freedesktop.PolicyKit1"
#define POLKIT_PATH "/org/freedesktop/PolicyKit1/Authority"
#define POLKIT_IFACE "org.freedesktop.PolicyKit1.Authority"
/* An administrator may take a while to type a password. */
#define POLKIT_TIMEOUT_MS (120 * 1000)

struct check {
	DBusMessage *m; /* the call waiting for the answer (a reference) */
	int64_t uid;
	polkit_fn fn;
	void *data;
};

static void check_free(void *p)
{
	struct check *k = p;
	dbus_message_unref(k->m);
	free(k);
}

/* (bba{ss}): is_authorized first; anything else is a no. */
static bool authorized(DBusMessage *reply)
{
	DBusMessageIter it, st;
	dbus_bool_t yes = FALSE;
	if (dbus_message_get_type(reply) != DBUS_MESSAGE_TYPE_METHOD_RETURN) {
		const char *name = dbus_message_get_error_name(reply);
		log_msg(LOG_LEVEL_WARNING,
		        _("polkit did not answer (%s); only admin_uids may decide"),
		        name ? name : "?");
		return false;
	}
	if (!dbus_message_has_signature(reply, "(bba{ss})") || !dbus_message_iter_init(reply, &it))
		return false;
	dbus_message_iter_recurse(&it, &st);
	dbus_message_iter_get_basic(&st, &yes);
	return yes;
}

static void on_reply(DBusMessage *reply, void *data)
{
	struct check *k = data;
	k->fn(k->m, k->uid, authorized(reply), k->data);
}

static void append_subject(DBusMessageIter *it, const char *sender)
{
	DBusMessageIter st, d, e, v;
	const char *kind = "system-bus-name", *key = "name";
	dbus_message_iter_open_container(it, DBUS_TYPE_STRUCT, NULL, &st);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &kind);
	dbus_message_iter_open_container(&st, DBUS_TYPE_ARRAY, "{sv}", &d);
	dbus_message_iter_open_container(&d, DBUS_TYPE_DICT_ENTRY, NULL, &e);
	dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &key);
	dbus_message_iter_open_container(&e, DBUS_TYPE_VARIANT, "s", &v);
	dbus_message_iter_append_basic(&v, DBUS_TYPE_STRING, &sender);
	dbus_message_iter_close_container(&e, &v);
	dbus_message_iter_close_container(&d, &e);
	dbus_message_iter_close_container(&st, &d);
	dbus_message_iter_close_container(it, &st);
}

bool polkit_check(DBusConnection *bus, DBusMessage *m, int64_t uid, polkit_fn fn, void *data)
{
	const char *sender = dbus_message_get_sender(m), *action = POLKIT_ACTION_DECIDE, *none = "";
	dbus_uint32_t flags = 1; /* AllowUserInteraction */
	DBusMessageIter it, details;
	if (!sender)
		return false;
	DBusMessage *q = dbus_message_new_method_call(POLKIT_NAME, POLKIT_PATH, POLKIT_IFACE,
	                                              "CheckAuthorization");
	dbus_message_iter_init_append(q, &it);
	append_subject(&it, sender);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &action);
	dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{ss}", &details);
	dbus_message_iter_close_container(&it, &details);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT32, &flags);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &none);
	struct check *k = xmalloc(sizeof *k);
	*k = (struct check){dbus_message_ref(m), uid, fn, data};
	bool ok = bus_call_async(bus, q, POLKIT_TIMEOUT_MS, on_reply, k, check_free);
	dbus_message_unref(q);
	return ok;
}
