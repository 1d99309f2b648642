/* libdbus on our poll loop (watches, timeouts, dispatch: the avahi model),
 * connecting and owning a name, typed marshalling helpers, and the caller's
 * uid from the bus without blocking the loop. */
#ifndef CAPCTL_BUS_H
#define CAPCTL_BUS_H

#include <dbus/dbus.h>
#include <stdbool.h>
#include <stdint.h>

#include "loop.h"

/* Connects to the session or system bus (a private connection the caller
 * owns: close and unref it with bus_close). NULL with err set on failure. */
DBusConnection *bus_open(bool system, DBusError *err);
void bus_close(DBusConnection *c);

/* Runs the connection on l until bus_detach or bus_close. */
void bus_attach(DBusConnection *c, struct loop *l);
void bus_detach(DBusConnection *c);

/* Requests a well-known name without queueing. 0, -EEXIST when another
 * connection owns it, -EIO with err set when the bus said no. */
int bus_own_name(DBusConnection *c, const char *name, DBusError *err);

/* a{sv} helpers: open the array, append entries of one type, close it.
 * dict_add_str makes its value valid UTF-8 first (busstr_fit). */
void dict_open(DBusMessageIter *it, DBusMessageIter *dict);
void dict_close(DBusMessageIter *it, DBusMessageIter *dict);
void dict_add_str(DBusMessageIter *dict, const char *key, const char *v);
void dict_add_u64(DBusMessageIter *dict, const char *key, uint64_t v);
void dict_add_u32(DBusMessageIter *dict, const char *key, uint32_t v);
void dict_add_double(DBusMessageIter *dict, const char *key, double v);
void dict_add_bool(DBusMessageIter *dict, const char *key, bool v);

/* Appends a variant holding one basic value of the given type. */
void append_variant(DBusMessageIter *it, int type, const void *value);

/* Sends msg and calls fn with the reply (or an error message) on the loop.
 * msg is borrowed. Returns false if it could not be sent. */
typedef void (*bus_reply_fn)(DBusMessage *reply, void *data);
bool bus_call_async(DBusConnection *c, DBusMessage *msg, int timeout_ms, bus_reply_fn fn,
                    void *data, void (*free_data)(void *));

/* The uid behind a bus name, asked of the bus driver asynchronously and
 * cached per unique name until NameOwnerChanged says the name is gone. */
struct uid_cache;
typedef void (*uid_fn)(DBusMessage *msg, int64_t uid, void *data);
struct uid_cache *uid_cache_new(DBusConnection *c);
void uid_cache_free(struct uid_cache *u);
/* Calls fn(msg, uid, data) once the sender's uid is known (at once on a hit;
 * uid -1 if the bus could not say). Messages from one sender keep their
 * order. msg is referenced until fn has run. */
void uid_cache_lookup(struct uid_cache *u, DBusMessage *msg, uid_fn fn, void *data);
size_t uid_cache_size(const struct uid_cache *u);

#endif
