/* The libdbus glue. Watches become loop_io entries, timeouts loop timers;
 * when the connection has messages queued, a zero-delay timer dispatches
 * them one at a time so other work is not starved. */
#include "bus.h"
#include "busstr.h"
#include "util.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

static dbus_int32_t glue_slot = -1;

struct glue {
	struct loop *loop;
	DBusConnection *conn;
	struct loop_timer *dispatch;
};

/* ---- watches ---- */

static short watch_events(DBusWatch *w)
{
	if (!dbus_watch_get_enabled(w))
		return 0;
	unsigned f = dbus_watch_get_flags(w);
	return (short)(((f & DBUS_WATCH_READABLE) ? POLLIN : 0) |
	               ((f & DBUS_WATCH_WRITABLE) ? POLLOUT : 0));
}

static void on_watch_io(struct loop_io *io, int fd, short revents, void *data)
{
	DBusWatch *w = data;
	unsigned flags = 0;
	(void)io;
	(void)fd;
	if (revents & POLLIN)
		flags |= DBUS_WATCH_READABLE;
	if (revents & POLLOUT)
		flags |= DBUS_WATCH_WRITABLE;
	if (revents & POLLERR)
		flags |= DBUS_WATCH_ERROR;
	if (revents & POLLHUP)
		flags |= DBUS_WATCH_HANGUP;
	dbus_watch_handle(w, flags);
}

static dbus_bool_t add_watch(DBusWatch *w, void *data)
{
	struct glue *g = data;
	struct loop_io *io =
	    loop_io_add(g->loop, dbus_watch_get_unix_fd(w), watch_events(w), on_watch_io, w);
	dbus_watch_set_data(w, io, NULL);
	return TRUE;
}

static void remove_watch(DBusWatch *w, void *data)
{
	(void)data;
	loop_io_remove(dbus_watch_get_data(w));
	dbus_watch_set_data(w, NULL, NULL);
}

static void toggle_watch(DBusWatch *w, void *data)
{
	(void)data;
	struct loop_io *io = dbus_watch_get_data(w);
	if (io)
		loop_io_set_events(io, watch_events(w));
}

/* ---- timeouts ---- */

static void arm_timeout(DBusTimeout *t, struct loop_timer *timer)
{
	if (dbus_timeout_get_enabled(t))
		loop_timer_arm_in(timer, (uint64_t)dbus_timeout_get_interval(t) * 1000);
	else
		loop_timer_disarm(timer);
}

static void on_timeout(struct loop_timer *timer, void *data)
{
	DBusTimeout *t = data;
	dbus_timeout_handle(t);
	/* libdbus timeouts repeat until removed or disabled. */
	if (dbus_timeout_get_data(t) == timer)
		arm_timeout(t, timer);
}

static void free_timer(void *p)
{
	loop_timer_free(p);
}

static dbus_bool_t add_timeout(DBusTimeout *t, void *data)
{
	struct glue *g = data;
	struct loop_timer *timer = loop_timer_new(g->loop, on_timeout, t);
	dbus_timeout_set_data(t, timer, free_timer);
	arm_timeout(t, timer);
	return TRUE;
}

static void remove_timeout(DBusTimeout *t, void *data)
{
	(void)data;
	dbus_timeout_set_data(t, NULL, NULL); /* frees the timer */
}

static void toggle_timeout(DBusTimeout *t, void *data)
{
	(void)data;
	struct loop_timer *timer = dbus_timeout_get_data(t);
	if (timer)
		arm_timeout(t, timer);
}

/* ---- dispatch ---- */

static void on_dispatch(struct loop_timer *timer, void *data)
{
	struct glue *g = data;
	dbus_connection_ref(g->conn);
	dbus_connection_dispatch(g->conn);
	if (dbus_connection_get_dispatch_status(g->conn) == DBUS_DISPATCH_DATA_REMAINS)
		loop_timer_arm(timer, mono_usec());
	dbus_connection_unref(g->conn);
}

static void dispatch_status(DBusConnection *c, DBusDispatchStatus s, void *data)
{
	struct glue *g = data;
	(void)c;
	if (s == DBUS_DISPATCH_DATA_REMAINS)
		loop_timer_arm(g->dispatch, mono_usec());
}

static void glue_free(void *p)
{
	struct glue *g = p;
	loop_timer_free(g->dispatch);
	free(g);
}

void bus_attach(DBusConnection *c, struct loop *l)
{
	struct glue *g = xcalloc(1, sizeof *g);
	g->loop = l;
	g->conn = c;
	g->dispatch = loop_timer_new(l, on_dispatch, g);
	dbus_connection_allocate_data_slot(&glue_slot);
	dbus_connection_set_data(c, glue_slot, g, glue_free);
	dbus_connection_set_watch_functions(c, add_watch, remove_watch, toggle_watch, g, NULL);
	dbus_connection_set_timeout_functions(c, add_timeout, remove_timeout, toggle_timeout, g,
	                                      NULL);
	dbus_connection_set_dispatch_status_function(c, dispatch_status, g, NULL);
	if (dbus_connection_get_dispatch_status(c) == DBUS_DISPATCH_DATA_REMAINS)
		loop_timer_arm(g->dispatch, mono_usec());
}

void bus_detach(DBusConnection *c)
{
	if (glue_slot < 0 || !dbus_connection_get_data(c, glue_slot))
		return;
	dbus_connection_set_watch_functions(c, NULL, NULL, NULL, NULL, NULL);
	dbus_connection_set_timeout_functions(c, NULL, NULL, NULL, NULL, NULL);
	dbus_connection_set_dispatch_status_function(c, NULL, NULL, NULL);
	dbus_connection_set_data(c, glue_slot, NULL, NULL);
	dbus_connection_free_data_slot(&glue_slot);
}

DBusConnection *bus_open(bool system, DBusError *err)
{
	DBusConnection *c = dbus_bus_get_private(system ? DBUS_BUS_SYSTEM : DBUS_BUS_SESSION, err);
	if (c)
		dbus_connection_set_exit_on_disconnect(c, FALSE);
	return c;
}

void bus_close(DBusConnection *c)
{
	if (!c)
		return;
	bus_detach(c);
	dbus_connection_close(c);
	dbus_connection_unref(c);
}

int bus_own_name(DBusConnection *c, const char *name, DBusError *err)
{
	int r = dbus_bus_request_name(c, name, DBUS_NAME_FLAG_DO_NOT_QUEUE, err);
	if (r < 0)
		return -EIO;
	if (r != DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER &&
	    r != DBUS_REQUEST_NAME_REPLY_ALREADY_OWNER)
		return -EEXIST;
	return 0;
}

/* ---- marshalling ---- */

void append_variant(DBusMessageIter *it, int type, const void *value)
{
	char sig[2] = {(char)type, '\0'};
	DBusMessageIter v;
	dbus_message_iter_open_container(it, DBUS_TYPE_VARIANT, sig, &v);
	dbus_message_iter_append_basic(&v, type, value);
	dbus_message_iter_close_container(it, &v);
}

void dict_open(DBusMessageIter *it, DBusMessageIter *dict)
{
	dbus_message_iter_open_container(it, DBUS_TYPE_ARRAY, "{sv}", dict);
}

void dict_close(DBusMessageIter *it, DBusMessageIter *dict)
{
	dbus_message_iter_close_container(it, dict);
}

static void dict_add(DBusMessageIter *dict, const char *key, int type, const void *v)
{
	DBusMessageIter e;
	dbus_message_iter_open_container(dict, DBUS_TYPE_DICT_ENTRY, NULL, &e);
	dbus_message_iter_append_basic(&e, DBUS_TYPE_STRING, &key);
	append_variant(&e, type, v);
	dbus_message_iter_close_container(dict, &e);
}

void dict_add_str(DBusMessageIter *dict, const char *key, const char *v)
{
	/* Values come from files and peers: made fit, or libdbus aborts. */
	char *fit = busstr_fit(v, SIZE_MAX);
	const char *f = fit;
	dict_add(dict, key, DBUS_TYPE_STRING, &f);
	free(fit);
}

void dict_add_u64(DBusMessageIter *dict, const char *key, uint64_t v)
{
	dbus_uint64_t x = v;
	dict_add(dict, key, DBUS_TYPE_UINT64, &x);
}

void dict_add_u32(DBusMessageIter *dict, const char *key, uint32_t v)
{
	dbus_uint32_t x = v;
	dict_add(dict, key, DBUS_TYPE_UINT32, &x);
}

void dict_add_double(DBusMessageIter *dict, const char *key, double v)
{
	dict_add(dict, key, DBUS_TYPE_DOUBLE, &v);
}

void dict_add_bool(DBusMessageIter *dict, const char *key, bool v)
{
	dbus_bool_t x = v;
	dict_add(dict, key, DBUS_TYPE_BOOLEAN, &x);
}

/* ---- asynchronous calls ---- */

struct call {
	bus_reply_fn fn;
	void *data;
	void (*free_data)(void *);
};

static void call_free(void *p)
{
	struct call *c = p;
	if (c->free_data)
		c->free_data(c->data);
	free(c);
}

static void call_notify(DBusPendingCall *pc, void *p)
{
	struct call *c = p;
	DBusMessage *reply = dbus_pending_call_steal_reply(pc);
	if (reply) {
		c->fn(reply, c->data);
		dbus_message_unref(reply);
	}
}

bool bus_call_async(DBusConnection *conn, DBusMessage *msg, int timeout_ms, bus_reply_fn fn,
                    void *data, void (*free_data)(void *))
{
	DBusPendingCall *pc = NULL;
	if (!dbus_connection_send_with_reply(conn, msg, &pc, timeout_ms) || !pc) {
		if (free_data)
			free_data(data);
		return false;
	}
	struct call *c = xcalloc(1, sizeof *c);
	*c = (struct call){fn, data, free_data};
	dbus_pending_call_set_notify(pc, call_notify, c, call_free);
	dbus_pending_call_unref(pc);
	return true;
}

/* ---- caller uid ---- */

struct waiter {
	DBusMessage *msg;
	uid_fn fn;
	void *data;
	struct waiter *next;
};

struct uid_entry {
	char *name;
	int64_t uid;            /* -2 while the bus has not answered */
	struct waiter *waiters; /* in arrival order */
	struct uid_entry *next;
};

struct uid_cache {
	DBusConnection *conn;
	struct uid_entry *entries;
	size_t n;
};

static const char owner_match[] = "type='signal',sender='org.freedesktop.DBus',"
                                  "interface='org.freedesktop.DBus',member='NameOwnerChanged'";

static void entry_free(struct uid_entry *e)
{
	while (e->waiters) {
		struct waiter *w = e->waiters;
		e->waiters = w->next;
		dbus_message_unref(w->msg);
		free(w);
	}
	free(e->name);
	free(e);
}

static DBusHandlerResult uid_filter(DBusConnection *c, DBusMessage *m, void *data)
{
	struct uid_cache *u = data;
	const char *name, *old_owner, *new_owner;
	(void)c;
	/* Only the driver's word counts: any peer can send this signal. */
	if (!dbus_message_is_signal(m, "org.freedesktop.DBus", "NameOwnerChanged") ||
	    !dbus_message_has_sender(m, DBUS_SERVICE_DBUS) ||
	    !dbus_message_get_args(m, NULL, DBUS_TYPE_STRING, &name, DBUS_TYPE_STRING, &old_owner,
	                           DBUS_TYPE_STRING, &new_owner, DBUS_TYPE_INVALID) ||
	    name[0] != ':' || new_owner[0] != '\0')
		return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
	for (struct uid_entry **p = &u->entries; *p; p = &(*p)->next) {
		struct uid_entry *e = *p;
		/* Entries still waiting for the driver are resolved by its reply. */
		if (strcmp(e->name, name) == 0 && !e->waiters) {
			*p = e->next;
			entry_free(e);
			u->n--;
			break;
		}
	}
	return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

struct uid_cache *uid_cache_new(DBusConnection *c)
{
	struct uid_cache *u = xcalloc(1, sizeof *u);
	u->conn = dbus_connection_ref(c);
	dbus_bus_add_match(c, owner_match, NULL);
	dbus_connection_add_filter(c, uid_filter, u, NULL);
	return u;
}

void uid_cache_free(struct uid_cache *u)
{
	if (!u)
		return;
	dbus_connection_remove_filter(u->conn, uid_filter, u);
	while (u->entries) {
		struct uid_entry *e = u->entries;
		u->entries = e->next;
		entry_free(e);
	}
	dbus_connection_unref(u->conn);
	free(u);
}

size_t uid_cache_size(const struct uid_cache *u)
{
	return u->n;
}

struct uid_query {
	struct uid_cache *cache;
	char *name;
};

static void uid_query_free(void *p)
{
	struct uid_query *q = p;
	free(q->name);
	free(q);
}

static bool ask_driver(struct uid_cache *u, const char *name);

/* The bus driver's own answer, or one libdbus made (a timeout, the bus
 * gone: no sender). A bus that routes unrequested replies lets any peer
 * answer in the driver's place, with the serial it can predict. */
static bool from_driver(DBusMessage *reply)
{
	const char *sender = dbus_message_get_sender(reply);
	if (sender)
		return strcmp(sender, DBUS_SERVICE_DBUS) == 0;
	return dbus_message_get_type(reply) == DBUS_MESSAGE_TYPE_ERROR;
}

static void on_uid_reply(DBusMessage *reply, void *data)
{
	struct uid_query *q = data;
	struct uid_cache *u = q->cache;
	dbus_uint32_t uid;
	struct uid_entry *e = u->entries;

	while (e && strcmp(e->name, q->name) != 0)
		e = e->next;
	if (!e)
		return;
	/* A forged answer is never believed, and never refuses the caller
	 * either: ask again (each time at the forger's own cost). */
	if (!from_driver(reply) && ask_driver(u, e->name))
		return;
	if (from_driver(reply) && dbus_message_get_type(reply) == DBUS_MESSAGE_TYPE_METHOD_RETURN &&
	    dbus_message_get_args(reply, NULL, DBUS_TYPE_UINT32, &uid, DBUS_TYPE_INVALID))
		e->uid = uid;
	else
		e->uid = -1;
	/* Run the waiters in order; a callback may queue nothing new here, as
	 * later messages find the uid cached. */
	struct waiter *w = e->waiters;
	e->waiters = NULL;
	int64_t result = e->uid;
	if (result < 0) {
		/* Do not cache a failure: the name has most likely gone. */
		for (struct uid_entry **p = &u->entries; *p; p = &(*p)->next)
			if (*p == e) {
				*p = e->next;
				entry_free(e);
				u->n--;
				break;
			}
	}
	while (w) {
		struct waiter *next = w->next;
		w->fn(w->msg, result, w->data);
		dbus_message_unref(w->msg);
		free(w);
		w = next;
	}
}

void uid_cache_lookup(struct uid_cache *u, DBusMessage *msg, uid_fn fn, void *data)
{
	const char *sender = dbus_message_get_sender(msg);
	struct uid_entry *e = u->entries;

	if (!sender) {
		fn(msg, -1, data);
		return;
	}
	while (e && strcmp(e->name, sender) != 0)
		e = e->next;
	if (e && e->uid >= 0 && !e->waiters) {
		fn(msg, e->uid, data);
		return;
	}
	struct waiter *w = xcalloc(1, sizeof *w);
	*w = (struct waiter){dbus_message_ref(msg), fn, data, NULL};
	if (e) {
		struct waiter **p = &e->waiters;
		while (*p)
			p = &(*p)->next;
		*p = w;
		return;
	}
	e = xcalloc(1, sizeof *e);
	*e = (struct uid_entry){xstrdup(sender), -2, w, u->entries};
	u->entries = e;
	u->n++;

	if (!ask_driver(u, sender)) {
		/* Could not even ask: refuse the waiters now. */
		e->waiters = NULL;
		u->entries = e->next;
		u->n--;
		fn(msg, -1, data);
		dbus_message_unref(w->msg);
		free(w);
		entry_free(e);
	}
}

/* Sends GetConnectionUnixUser for name; false if it could not be sent. */
static bool ask_driver(struct uid_cache *u, const char *name)
{
	DBusMessage *q = dbus_message_new_method_call(DBUS_SERVICE_DBUS, DBUS_PATH_DBUS,
	                                              DBUS_INTERFACE_DBUS, "GetConnectionUnixUser");
	if (!q)
		abort();
	dbus_message_append_args(q, DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID);
	struct uid_query *uq = xcalloc(1, sizeof *uq);
	*uq = (struct uid_query){u, xstrdup(name)};
	bool ok = bus_call_async(u->conn, q, 5000, on_uid_reply, uq, uid_query_free);
	dbus_message_unref(q);
	return ok;
}
