/* The service's insides, shared by its three parts: service.c (dispatch,
 * access, PropertiesChanged), service-methods.c (the methods) and
 * service-props.c (the properties and Get, GetAll, Set). Nothing else
 * includes this. */
#ifndef CAPTURED_SERVICE_IMPL_H
#define CAPTURED_SERVICE_IMPL_H

#include "agent.h"
#include "service.h"

/* An error reply to m, name and a sentence built from fmt (never NULL). */
DBusMessage *service_error(DBusMessage *m, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A caller's string quoted in an error sentence. */
#define Q(str) (busstr_quote(str).s)

/* Property p as a variant appended at it. */
void service_append_prop(struct agent *a, DBusMessageIter *it, enum prop p);

/* org.freedesktop.DBus.Properties, its signature already checked. */
DBusMessage *service_props_get(struct agent *a, DBusMessage *m);
DBusMessage *service_props_get_all(struct agent *a, DBusMessage *m);
DBusMessage *service_props_set(struct agent *a, DBusMessage *m);

#endif
