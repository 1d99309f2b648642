/* The names of the D-Bus contract (doc/dbus-api.md), in one
 * place for the agent, the console and the tests. */
#ifndef CAPCTL_NAMES_H
#define CAPCTL_NAMES_H

#define CAPCTL_BUS_NAME "org.capctl.Agent1"
#define CAPCTL_PATH "/org/capctl/Agent1"
#define CAPCTL_IFACE "org.capctl.Agent1"
#define CAPCTL_IFACE_ADMIN "org.capctl.Agent1.Admin"

#define CAPCTL_ERROR_PREFIX "org.capctl.Agent1.Error."
#define CAPCTL_ERR_INVALID_DURATION CAPCTL_ERROR_PREFIX "InvalidDuration"
#define CAPCTL_ERR_BUDGET_EXHAUSTED CAPCTL_ERROR_PREFIX "PauseBudgetExhausted"
#define CAPCTL_ERR_NO_SUCH_EXEMPTION CAPCTL_ERROR_PREFIX "NoSuchExemption"
#define CAPCTL_ERR_NOT_ALLOWED CAPCTL_ERROR_PREFIX "NotAllowed"
#define CAPCTL_ERR_NO_SUCH_SEGMENT CAPCTL_ERROR_PREFIX "NoSuchSegment"
#define CAPCTL_ERR_DELETION_NOT_ALLOWED CAPCTL_ERROR_PREFIX "DeletionNotAllowed"
#define CAPCTL_ERR_STORAGE_FAILED CAPCTL_ERROR_PREFIX "StorageFailed"
#define CAPCTL_ERR_POLICY_CHANGED CAPCTL_ERROR_PREFIX "PolicyChanged"

#define DBUS_ERR_ACCESS_DENIED "org.freedesktop.DBus.Error.AccessDenied"
#define DBUS_ERR_INVALID_ARGS "org.freedesktop.DBus.Error.InvalidArgs"
#define DBUS_ERR_LIMITS_EXCEEDED "org.freedesktop.DBus.Error.LimitsExceeded"
#define DBUS_ERR_UNKNOWN_METHOD "org.freedesktop.DBus.Error.UnknownMethod"
#define DBUS_ERR_UNKNOWN_INTERFACE "org.freedesktop.DBus.Error.UnknownInterface"
#define DBUS_ERR_UNKNOWN_PROPERTY "org.freedesktop.DBus.Error.UnknownProperty"
#define DBUS_ERR_PROPERTY_READ_ONLY "org.freedesktop.DBus.Error.PropertyReadOnly"

#define DBUS_PROPS_IFACE "org.freedesktop.DBus.Properties"
#define DBUS_INTROSPECT_IFACE "org.freedesktop.DBus.Introspectable"

/* The uid History records for what the agent does on its own. */
#define CAPCTL_UID_AGENT 4294967295u

/* The five streams, in the contract's order. */
enum stream {
	STREAM_MOTION,
	STREAM_BUTTON,
	STREAM_SCROLL,
	STREAM_KEYBOARD,
	STREAM_FOCUS,
	N_STREAMS
};

#endif
