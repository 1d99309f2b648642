/* A client of the agent on the poll loop: it follows the agent's bus name
 * (NameOwnerChanged), hands over the agent's PropertiesChanged signals and
 * makes asynchronous calls, so a console never blocks on the agent. The
 * connection is borrowed: attach it to the loop (bus_attach) first. */
#ifndef CAPCTL_CLIENT_H
#define CAPCTL_CLIENT_H

#include <dbus/dbus.h>
#include <stdbool.h>

#include "bus.h"

struct client;

struct client_ops {
	/* The agent's name has a new owner (its unique name), or none
	 * (owner NULL). Called once the bus has answered at start, then on
	 * every change. */
	void (*owner_changed)(const char *owner, void *data);
	/* A PropertiesChanged signal from the current owner. */
	void (*properties_changed)(DBusMessage *sig, void *data);
	/* The connection to the bus is gone; the client does nothing more. */
	void (*disconnected)(void *data);
};

/* Watches the agent on conn. ops and data are borrowed. */
struct client *client_new(DBusConnection *conn, const struct client_ops *ops, void *data);
void client_free(struct client *c);

/* The agent's unique name while it has one, else NULL. */
const char *client_owner(const struct client *c);

/* Calls method of iface on the agent's object with the arguments given as
 * for dbus_message_append_args (type, pointer, ..., DBUS_TYPE_INVALID);
 * fn gets the reply or the error. Returns false when nothing was sent
 * (free_data has run then). */
bool client_call(struct client *c, const char *iface, const char *method, bus_reply_fn fn,
                 void *data, void (*free_data)(void *), int first_arg_type, ...);
/* Properties.GetAll / Get of the agent's interface. */
bool client_get_all(struct client *c, bus_reply_fn fn, void *data, void (*free_data)(void *));
bool client_get(struct client *c, const char *property, bus_reply_fn fn, void *data,
                void (*free_data)(void *));

/* The error name of a reply, NULL for a method return. Everything else
 * in the agent's replies is read through the decoder (contract.h). */
const char *client_error_name(DBusMessage *reply);
/* True for the errors that mean the agent could not be reached at all
 * (no owner, no reply, no bus), as opposed to the agent saying no. */
bool client_error_unreachable(const char *name);

#endif
