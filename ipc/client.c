/* The client side of the contract. Matches are added without waiting for
 * the bus (a NULL error makes dbus_bus_add_match asynchronous); the
 * initial GetNameOwner is sent after them, so no owner change can fall
 * between the answer and the first signal. */
#include "client.h"
#include "names.h"
#include "util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define CALL_TIMEOUT_MS 10000

struct client {
	DBusConnection *conn;
	const struct client_ops *ops;
	void *data;
	char *owner;
	bool dead;
	/* Replies to GetNameOwner carry the generation they were asked in;
	 * a NameOwnerChanged in between makes them stale. */
	unsigned owner_gen;
	/* Shared with pending replies, which may outlive the client. */
	struct client_ref *ref;
};

struct client_ref {
	struct client *c; /* NULL once the client is freed */
	unsigned refs;
};

static const char owner_match[] = "type='signal',sender='" DBUS_SERVICE_DBUS "',"
                                  "interface='" DBUS_INTERFACE_DBUS "',member='NameOwnerChanged',"
                                  "arg0='" CAPCTL_BUS_NAME "'";
static const char props_match[] = "type='signal',sender='" CAPCTL_BUS_NAME "',"
                                  "path='" CAPCTL_PATH "',interface='" DBUS_PROPS_IFACE "',"
                                  "member='PropertiesChanged',arg0='" CAPCTL_IFACE "'";

static void ref_put(void *p)
{
	struct client_ref *r = p;
	if (--r->refs == 0)
		free(r);
}

static void set_owner(struct client *c, const char *owner)
{
	if (owner && !*owner)
		owner = NULL;
	if ((!owner && !c->owner) || (owner && c->owner && strcmp(owner, c->owner) == 0))
		return;
	free(c->owner);
	c->owner = owner ? xstrdup(owner) : NULL;
	c->ops->owner_changed(c->owner, c->data);
}

static DBusHandlerResult filter(DBusConnection *conn, DBusMessage *m, void *data)
{
	struct client *c = data;
	(void)conn;

	if (c->dead)
		return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
	if (dbus_message_is_signal(m, DBUS_INTERFACE_LOCAL, "Disconnected")) {
		c->dead = true;
		c->ops->disconnected(c->data);
		return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
	}
	if (dbus_message_is_signal(m, DBUS_INTERFACE_DBUS, "NameOwnerChanged")) {
		const char *name, *old_owner, *new_owner;
		const char *sender = dbus_message_get_sender(m);
		if (sender && strcmp(sender, DBUS_SERVICE_DBUS) == 0 &&
		    dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_STRING,
		                          &old_owner, DBUS_TYPE_STRING, &new_owner,
		                          DBUS_TYPE_INVALID) &&
		    strcmp(name, CAPCTL_BUS_NAME) == 0) {
			c->owner_gen++;
			/* A direct hand-over is two agents: say the first
			 * one went before the next arrives. */
			if (*old_owner && *new_owner && c->owner)
				set_owner(c, NULL);
			set_owner(c, new_owner);
		}
		return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
	}
	if (dbus_message_is_signal(m, DBUS_PROPS_IFACE, "PropertiesChanged") &&
	    dbus_message_has_path(m, CAPCTL_PATH)) {
		const char *sender = dbus_message_get_sender(m);
		if (c->owner && sender && strcmp(sender, c->owner) == 0)
			c->ops->properties_changed(m, c->data);
		return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
	}
	return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

struct owner_query {
	struct client_ref *ref;
	unsigned gen;
};

static void owner_query_free(void *p)
{
	struct owner_query *q = p;
	ref_put(q->ref);
	free(q);
}

static void on_owner_reply(DBusMessage *reply, void *data)
{
	struct owner_query *q = data;
	struct client *c = q->ref->c;
	const char *owner = NULL;

	if (!c || c->dead || q->gen != c->owner_gen)
		return;
	if (dbus_message_get_type(reply) != DBUS_MESSAGE_TYPE_METHOD_RETURN ||
	    !dbus_message_get_args(reply, NULL, DBUS_TYPE_STRING, &owner, DBUS_TYPE_INVALID))
		owner = NULL; /* NameHasNoOwner */
	if (!owner && !c->owner)
		c->ops->owner_changed(NULL, c->data); /* the first answer is news too */
	else
		set_owner(c, owner);
}

struct client *client_new(DBusConnection *conn, const struct client_ops *ops, void *data)
{
	struct client *c = xcalloc(1, sizeof *c);
	c->conn = dbus_connection_ref(conn);
	c->ops = ops;
	c->data = data;
	c->ref = xcalloc(1, sizeof *c->ref);
	*c->ref = (struct client_ref){c, 1};
	dbus_connection_add_filter(conn, filter, c, NULL);
	dbus_bus_add_match(conn, owner_match, NULL);
	dbus_bus_add_match(conn, props_match, NULL);

	DBusMessage *m = dbus_message_new_method_call(DBUS_SERVICE_DBUS, DBUS_PATH_DBUS,
	                                              DBUS_INTERFACE_DBUS, "GetNameOwner");
	const char *name = CAPCTL_BUS_NAME;
	dbus_message_append_args(m, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID);
	struct owner_query *q = xcalloc(1, sizeof *q);
	*q = (struct owner_query){c->ref, c->owner_gen};
	c->ref->refs++;
	bus_call_async(conn, m, CALL_TIMEOUT_MS, on_owner_reply, q, owner_query_free);
	dbus_message_unref(m);
	return c;
}

void client_free(struct client *c)
{
	if (!c)
		return;
	dbus_connection_remove_filter(c->conn, filter, c);
	if (dbus_connection_get_is_connected(c->conn)) {
		dbus_bus_remove_match(c->conn, owner_match, NULL);
		dbus_bus_remove_match(c->conn, props_match, NULL);
	}
	c->ref->c = NULL;
	ref_put(c->ref);
	dbus_connection_unref(c->conn);
	free(c->owner);
	free(c);
}

const char *client_owner(const struct client *c)
{
	return c->owner;
}

bool client_call(struct client *c, const char *iface, const char *method, bus_reply_fn fn,
                 void *data, void (*free_data)(void *), int first_arg_type, ...)
{
	va_list ap;
	DBusMessage *m = dbus_message_new_method_call(CAPCTL_BUS_NAME, CAPCTL_PATH, iface, method);
	va_start(ap, first_arg_type);
	dbus_bool_t ok = dbus_message_append_args_valist(m, first_arg_type, ap);
	va_end(ap);
	if (!ok || c->dead) {
		dbus_message_unref(m);
		if (free_data)
			free_data(data);
		return false;
	}
	/* Do not start the agent through bus activation behind the
	 * person's back: the console shows that it is not running. */
	dbus_message_set_auto_start(m, FALSE);
	bool sent = bus_call_async(c->conn, m, CALL_TIMEOUT_MS, fn, data, free_data);
	dbus_message_unref(m);
	return sent;
}

bool client_get_all(struct client *c, bus_reply_fn fn, void *data, void (*free_data)(void *))
{
	const char *iface = CAPCTL_IFACE;
	return client_call(c, DBUS_PROPS_IFACE, "GetAll", fn, data, free_data, DBUS_TYPE_STRING,
	                   &iface, DBUS_TYPE_INVALID);
}

bool client_get(struct client *c, const char *property, bus_reply_fn fn, void *data,
                void (*free_data)(void *))
{
	const char *iface = CAPCTL_IFACE;
	return client_call(c, DBUS_PROPS_IFACE, "Get", fn, data, free_data, DBUS_TYPE_STRING,
	                   &iface, DBUS_TYPE_STRING, &property, DBUS_TYPE_INVALID);
}

const char *client_error_name(DBusMessage *reply)
{
	if (dbus_message_get_type(reply) != DBUS_MESSAGE_TYPE_ERROR)
		return NULL;
	const char *name = dbus_message_get_error_name(reply);
	return name ? name : DBUS_ERROR_FAILED;
}

bool client_error_unreachable(const char *name)
{
	static const char *const names[] = {
	    DBUS_ERROR_SERVICE_UNKNOWN, DBUS_ERROR_NAME_HAS_NO_OWNER, DBUS_ERROR_NO_REPLY,
	    DBUS_ERROR_TIMEOUT,         DBUS_ERROR_TIMED_OUT,         DBUS_ERROR_DISCONNECTED,
	    DBUS_ERROR_NO_SERVER,       DBUS_ERROR_NO_NETWORK,        DBUS_ERROR_FILE_NOT_FOUND,
	    DBUS_ERROR_BAD_ADDRESS,     DBUS_ERROR_IO_ERROR,
	};
	if (!name)
		return false;
	/* Activation failures: the agent could not be started. */
	if (strncmp(name, "org.freedesktop.DBus.Error.Spawn.", 33) == 0)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}
