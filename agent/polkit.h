/* Asking polkit whether the caller of m may decide exemptions (the action
 * POLKIT_ACTION_DECIDE, etc/org.capctl.Agent1.policy). */
#ifndef CAPTURED_POLKIT_H
#define CAPTURED_POLKIT_H

#include <dbus/dbus.h>
#include <stdbool.h>
#include <stdint.h>

#define POLKIT_ACTION_DECIDE "org.capctl.Agent1.decide-exemption"

/* The answer for m (borrowed until fn returns): authorized is false for a
 * no, an error, no polkit at all, or a reply of the wrong shape. */
typedef void (*polkit_fn)(DBusMessage *m, int64_t uid, bool authorized, void *data);

/* Asks on bus; false (and fn never called) when it cannot be asked. */
bool polkit_check(DBusConnection *bus, DBusMessage *m, int64_t uid, polkit_fn fn, void *data);

#endif
