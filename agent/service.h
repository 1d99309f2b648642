/* The D-Bus object /org/capctl/Agent1: its method and property tables are
 * exported so a test can hold them against the interface XML. */
#ifndef CAPTURED_SERVICE_H
#define CAPTURED_SERVICE_H

#include <dbus/dbus.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct agent;

struct service_method {
	const char *iface;
	const char *name;
	const char *in;   /* D-Bus signature of the arguments */
	const char *out;  /* and of the reply */
	const char *args; /* for error messages: "(u seconds)" */
	DBusMessage *(*fn)(struct agent *a, DBusMessage *m, uint32_t uid);
	/* Only the monitored person, never an admin: nobody consents or
	 * keeps less on their behalf. */
	bool person_only;
};

struct service_property {
	const char *name;
	const char *sig;
	void (*get)(struct agent *a, DBusMessageIter *it);
};

extern const struct service_method service_methods[];
extern const size_t service_n_methods;
extern const struct service_property service_properties[];
extern const size_t service_n_properties;

#endif
