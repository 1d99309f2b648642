/* capctl notify: follows the agent's PropertiesChanged signals and tells
 * the person's desktop (org.freedesktop.Notifications on the session bus)
 * when a pause ends, an exemption stops or starts a stream, a policy change
 * waits or uploads stop at the daily cap. It sleeps in the poll loop while
 * nothing changes; its one timer is the reminder before a pause ends. */
#include "bus.h"
#include "cli/cli-int.h"
#include "client.h"
#include "i18n.h"
#include "loop.h"
#include "phrase.h"
#include "text/human.h"
#include "text/safe.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define NOTIFY_NAME "org.freedesktop.Notifications"
#define NOTIFY_PATH "/org/freedesktop/Notifications"
#define NOTIFY_TIMEOUT_MS 10000
/* Held on the session bus so that one notifier runs per session, whether
 * autostart or the user unit (or both) started it. */
#define NOTIFIER_NAME "org.capctl.Notify"

enum note {
	NOTE_PAUSE_ENDED,
	NOTE_PAUSE_ENDED_NOT_RECORDING,
	NOTE_PAUSE_ENDS_SOON,
	NOTE_STREAM_STOPPED,
	NOTE_STREAM_STARTED,
	NOTE_POLICY_WAITS,
	NOTE_UPLOAD_CAP,
	N_NOTES
};

/* Every word a notification says: summary and body, each a format whose
 * %s are filled in from the agent's values (made safe, then escaped for
 * the markup notification servers render). The desktop gets them in the
 * person's language, --json in English. */
static const struct {
	const char *summary, *body;
} notes[N_NOTES] = {
    [NOTE_PAUSE_ENDED] = {N_("Pause ended"), N_("Recording has resumed.")},
    /* TRANSLATORS: %s is the agent's reason, such as "no input source". */
    [NOTE_PAUSE_ENDED_NOT_RECORDING] = {N_("Pause ended"), N_("Recording has not resumed: %s.")},
    /* TRANSLATORS: %s is a length of time: "2 min". */
    [NOTE_PAUSE_ENDS_SOON] = {N_("Pause ends soon"), N_("Recording resumes in %s.")},
    /* TRANSLATORS: %s is a stream id (keyboard) or "all streams". */
    [NOTE_STREAM_STOPPED] = {N_("Recording of %s stopped"),
                             /* TRANSLATORS: the exemption's id, its category (an
                              * id such as medical) and when it ends. */
                             N_("Exemption %s (%s) was approved; it lasts until %s.")},
    /* TRANSLATORS: %s is a stream id (keyboard) or "all streams". */
    [NOTE_STREAM_STARTED] = {N_("Recording of %s started"),
                             /* TRANSLATORS: the exemption's id, then "expired",
                              * "was withdrawn" or "ended". */
                             N_("Exemption %s %s.")},
    [NOTE_POLICY_WAITS] = {N_("A policy change waits for you"),
                           N_("The policy now keeps more than you acknowledged; that waits "
                              "until you acknowledge it (capctl changes, capctl acknowledge).")},
    [NOTE_UPLOAD_CAP] = {N_("Uploads deferred"),
                         N_("Today's upload cap of %s is reached; uploads resume tomorrow.")},
};

struct known_exemption {
	char *id, *scope, *category;
	enum contract_status status;
	uint64_t expires;
};

/* What the agent said last, to tell a change from a repeat. */
struct notifier {
	struct cli *c;
	struct loop *loop;
	DBusConnection *session; /* for the notifications; owned */
	struct client *client;
	struct loop_timer *soon;
	uint32_t before; /* seconds; 0: no reminder */
	unsigned gen;    /* bumped when the agent's owner changes: older replies are dropped */
	bool have;       /* the current owner's GetAll is in */
	enum contract_state state;
	char *reason;
	uint64_t paused_until;
	struct known_exemption *ex;
	size_t n_ex;
	bool waiting;
	char *deferred;
	uint64_t daily_cap;
};

/* ---- sending ---- */

/* s made safe (the one sanitizer) and escaped for the body markup of the
 * Desktop Notifications spec; heap. */
static char *markup_safe(const char *s)
{
	char *safe = safe_str(s, 0);
	size_t n = 0;
	for (const char *p = safe; *p; p++)
		n += *p == '&' ? 5 : (*p == '<' || *p == '>') ? 4 : 1;
	char *out = xmalloc(n + 1), *o = out;
	for (const char *p = safe; *p; p++) {
		const char *e = *p == '&'   ? "&amp;"
		                : *p == '<' ? "&lt;"
		                : *p == '>' ? "&gt;"
		                            : NULL;
		if (e) {
			memcpy(o, e, strlen(e));
			o += strlen(e);
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	free(safe);
	return out;
}

static void on_notified(DBusMessage *reply, void *data)
{
	(void)data;
	if (dbus_message_get_type(reply) != DBUS_MESSAGE_TYPE_ERROR)
		return;
	const char *msg = "";
	DBusError err;
	dbus_error_init(&err);
	if (!dbus_message_get_args(reply, &err, DBUS_TYPE_STRING, &msg, DBUS_TYPE_INVALID))
		msg = "";
	dbus_error_free(&err);
	complain(_("the notification service refused a notification: %s: %s\n"),
	         cli_line(dbus_message_get_error_name(reply)), cli_line(msg));
}

/* --json: a document per notification, as sent. */
static void print_note(const char *summary, const char *body)
{
	struct json j;
	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "summary");
	json_string(&j, summary);
	json_key(&j, "body");
	json_string(&j, body);
	json_object_end(&j);
	json_finish(&j);
	fflush(stdout);
}

/* The note's summary (body false) or body with its fields f[], made safe
 * and escaped; heap. */
static char *note_text(enum note which, bool body, bool translate, const char *const f[4])
{
	const char *fmt = body ? notes[which].body : notes[which].summary;
	size_t at = body && strstr(notes[which].summary, "%s") ? 1 : 0;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	char *s = xasprintf(translate ? _(fmt) : fmt, f[at], f[at + 1], f[at + 2]);
#pragma GCC diagnostic pop
	char *out = markup_safe(s);
	free(s);
	return out;
}

/* The fields are the %s of the note's summary first, then of its body;
 * those named in words (NOTE_WORD(i) for field i) are phrases of this
 * file (N_()), said in the person's language with the rest, and those
 * named NOTE_AGENT(i) the agent's own phrases (ipc/phrase.h), said so
 * too where they are known. */
#define NOTE_WORD(i) (1u << (i))
#define NOTE_AGENT(i) (1u << (4 + (i)))
static void send_note(struct notifier *n, enum note which, unsigned words, ...)
{
	const char *f[4] = {NULL}, *tr[4];
	va_list ap;
	va_start(ap, words);
	for (size_t i = 0; i < 4; i++) {
		f[i] = va_arg(ap, const char *);
		tr[i] = !f[i]                   ? f[i]
		        : words >> i & 1u       ? _(f[i])
		        : words >> (4 + i) & 1u ? phrase_shown(f[i])
		                                : f[i];
	}
	va_end(ap);
	if (n->c->json) {
		char *s = note_text(which, false, false, f), *b = note_text(which, true, false, f);
		print_note(s, b);
		free(s);
		free(b);
	}
	char *summary = note_text(which, false, true, tr), *body = note_text(which, true, true, tr);
	DBusMessage *m =
	    dbus_message_new_method_call(NOTIFY_NAME, NOTIFY_PATH, NOTIFY_NAME, "Notify");
	if (!m)
		abort();
	const char *app = "capctl", *icon = "", *entry = "capctl-notify";
	dbus_uint32_t replaces = 0;
	dbus_int32_t expire = -1;
	DBusMessageIter it, sub;
	dbus_message_iter_init_append(m, &it);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &app);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT32, &replaces);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &icon);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &summary);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &body);
	dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "s", &sub);
	dbus_message_iter_close_container(&it, &sub);
	dict_open(&it, &sub);
	dict_add_str(&sub, "desktop-entry", entry);
	dict_close(&it, &sub);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_INT32, &expire);
	if (!bus_call_async(n->session, m, NOTIFY_TIMEOUT_MS, on_notified, NULL, NULL))
		complain("%s", _("could not send a notification on the session bus\n"));
	dbus_message_unref(m);
	free(summary);
	free(body);
}

/* ---- what changed ---- */

static const char *scope_words(const char *scope)
{
	return strcmp(scope, "all") == 0 ? N_("all streams") : scope;
}

/* NOTE_WORD(0) for send_note when scope_words(scope) is a phrase. */
static unsigned scope_word_bit(const char *scope)
{
	return strcmp(scope, "all") == 0 ? NOTE_WORD(0) : 0;
}

static void reminder_rearm(struct notifier *n)
{
	uint64_t now = now_usec(), ahead = (uint64_t)n->before * 1000000u;
	if (n->before && n->have && n->state == CONTRACT_STATE_PAUSED &&
	    n->paused_until > now + ahead)
		loop_timer_arm_in(n->soon, n->paused_until - ahead - now);
	else
		loop_timer_disarm(n->soon);
}

static void on_soon(struct loop_timer *t, void *data)
{
	struct notifier *n = data;
	(void)t;
	char len[32];
	if (n->state != CONTRACT_STATE_PAUSED)
		return;
	human_minutes(n->before, len, sizeof len);
	send_note(n, NOTE_PAUSE_ENDS_SOON, 0, len, NULL, NULL, NULL);
}

static void exemptions_free(struct known_exemption *ex, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(ex[i].id);
		free(ex[i].scope);
		free(ex[i].category);
	}
	free(ex);
}

static const struct known_exemption *exemption_find(const struct notifier *n, const char *id)
{
	for (size_t i = 0; i < n->n_ex; i++)
		if (strcmp(n->ex[i].id, id) == 0)
			return &n->ex[i];
	return NULL;
}

static const char *ended_words(enum contract_status s)
{
	switch (s) {
	case CONTRACT_STATUS_EXPIRED:
		return N_("expired");
	case CONTRACT_STATUS_WITHDRAWN:
		return N_("was withdrawn");
	default:
		return N_("ended");
	}
}

static void exemption_stopped(struct notifier *n, const struct contract_exemption *e)
{
	char until[32];
	format_local_end(e->expires, now_usec(), until, sizeof until);
	send_note(n, NOTE_STREAM_STOPPED, scope_word_bit(e->scope), scope_words(e->scope), e->id,
	          e->category, until);
}

/* Compares the new list with the old: an exemption that became approved
 * stops its stream, one that was approved and is no longer (or is gone)
 * starts it again. */
static void exemptions_update(struct notifier *n, const struct contract_exemption *e, size_t k,
                              bool notify)
{
	for (size_t i = 0; notify && i < k; i++) {
		const struct known_exemption *old = exemption_find(n, e[i].id);
		bool was = old && old->status == CONTRACT_STATUS_APPROVED;
		bool is = e[i].status == CONTRACT_STATUS_APPROVED;
		if (is && !was)
			exemption_stopped(n, &e[i]);
		else if (was && !is)
			send_note(n, NOTE_STREAM_STARTED, scope_word_bit(e[i].scope) | NOTE_WORD(2),
			          scope_words(e[i].scope), e[i].id, ended_words(e[i].status), NULL);
	}
	for (size_t i = 0; notify && i < n->n_ex; i++) {
		bool gone = true;
		for (size_t j = 0; gone && j < k; j++)
			gone = strcmp(e[j].id, n->ex[i].id) != 0;
		if (gone && n->ex[i].status == CONTRACT_STATUS_APPROVED)
			send_note(n, NOTE_STREAM_STARTED,
			          scope_word_bit(n->ex[i].scope) | NOTE_WORD(2),
			          scope_words(n->ex[i].scope), n->ex[i].id, N_("ended"), NULL);
	}
	exemptions_free(n->ex, n->n_ex);
	n->ex = k ? xcalloc(k, sizeof *n->ex) : NULL;
	n->n_ex = k;
	for (size_t i = 0; i < k; i++) {
		n->ex[i].id = xstrdup(e[i].id);
		n->ex[i].scope = xstrdup(e[i].scope);
		n->ex[i].category = xstrdup(e[i].category);
		n->ex[i].status = e[i].status;
		n->ex[i].expires = e[i].expires;
	}
}

static void state_update(struct notifier *n, const struct contract_props *p, bool notify)
{
	enum contract_state old = n->state;
	n->state = p->state;
	if (!notify || old != CONTRACT_STATE_PAUSED || p->state == CONTRACT_STATE_PAUSED)
		return;
	if (p->state == CONTRACT_STATE_COLLECTING)
		send_note(n, NOTE_PAUSE_ENDED, 0, NULL, NULL, NULL, NULL);
	else
		send_note(n, NOTE_PAUSE_ENDED_NOT_RECORDING, NOTE_AGENT(0), n->reason, NULL, NULL,
		          NULL);
}

static void upload_update(struct notifier *n, const struct contract_upload *u, bool notify)
{
	if (contract_key_present(CONTRACT_PROP_UPLOAD, u->has,
	                         offsetof(struct contract_upload, daily_cap)))
		n->daily_cap = u->daily_cap;
	if (!contract_key_present(CONTRACT_PROP_UPLOAD, u->has,
	                          offsetof(struct contract_upload, deferred)))
		return;
	bool was = n->deferred && strcmp(n->deferred, "cap-reached") == 0;
	if (notify && !was && strcmp(u->deferred, "cap-reached") == 0) {
		char cap[32];
		human_bytes(n->daily_cap, cap, sizeof cap);
		send_note(n, NOTE_UPLOAD_CAP, 0, cap, NULL, NULL, NULL);
	}
	free(n->deferred);
	n->deferred = xstrdup(u->deferred);
}

#define HAS(p, prop) (((p)->has >> (prop)) & 1u)

/* Takes in the properties p holds; notify is false for the first GetAll
 * of an owner, which only says where things stand. */
static void apply(struct notifier *n, const struct contract_props *p, bool notify)
{
	if (HAS(p, CONTRACT_PROP_STATE_REASON)) {
		free(n->reason);
		n->reason = xstrdup(p->state_reason);
	}
	if (HAS(p, CONTRACT_PROP_PAUSED_UNTIL))
		n->paused_until = p->paused_until;
	if (HAS(p, CONTRACT_PROP_STATE))
		state_update(n, p, notify);
	if (HAS(p, CONTRACT_PROP_EXEMPTIONS))
		exemptions_update(n, p->exemptions, p->n_exemptions, notify);
	if (HAS(p, CONTRACT_PROP_CONSENT) &&
	    contract_key_present(CONTRACT_PROP_CONSENT, p->consent.has,
	                         offsetof(struct contract_consent, waiting))) {
		if (notify && !n->waiting && p->consent.waiting)
			send_note(n, NOTE_POLICY_WAITS, 0, NULL, NULL, NULL, NULL);
		n->waiting = p->consent.waiting;
	}
	if (HAS(p, CONTRACT_PROP_UPLOAD))
		upload_update(n, &p->upload, notify);
	reminder_rearm(n);
}

/* ---- the agent ---- */

struct pending {
	struct notifier *n;
	unsigned gen;
	enum contract_prop prop; /* N_CONTRACT_PROPS: GetAll */
};

static void say_fault(enum contract_result r, struct contract_fault *f)
{
	if (r == CONTRACT_REFUSED)
		complain(_("the capture agent refused to be read: %s: %s\n"), cli_line(f->name),
		         cli_line(f->message));
	else
		complain("%s\n", cli_line(f->message));
	contract_fault_fini(f);
}

static void on_props(DBusMessage *reply, void *data)
{
	struct pending *q = data;
	struct notifier *n = q->n;
	if (q->gen != n->gen)
		return;
	struct contract_props p;
	struct contract_fault f;
	enum contract_result r = q->prop == N_CONTRACT_PROPS
	                             ? contract_read_get_all(reply, &p, &f)
	                             : contract_read_get(reply, q->prop, &p, &f);
	if (r == CONTRACT_OK || (r == CONTRACT_MALFORMED && q->prop == N_CONTRACT_PROPS)) {
		apply(n, &p, n->have);
		n->have = true;
	}
	if (r != CONTRACT_OK)
		say_fault(r, &f);
	contract_props_fini(&p);
}

static void ask(struct notifier *n, enum contract_prop prop)
{
	struct pending *q = xmalloc(sizeof *q);
	*q = (struct pending){n, n->gen, prop};
	bool sent = prop == N_CONTRACT_PROPS
	                ? client_get_all(n->client, on_props, q, free)
	                : client_get(n->client, contract_prop_name(prop), on_props, q, free);
	if (!sent)
		complain("%s", _("could not ask the capture agent for its properties\n"));
}

static void on_owner(const char *owner, void *data)
{
	struct notifier *n = data;
	n->gen++;
	n->have = false;
	reminder_rearm(n);
	if (owner)
		ask(n, N_CONTRACT_PROPS);
}

/* The properties a notification depends on. */
static const enum contract_prop followed[] = {
    CONTRACT_PROP_STATE,      CONTRACT_PROP_STATE_REASON, CONTRACT_PROP_PAUSED_UNTIL,
    CONTRACT_PROP_EXEMPTIONS, CONTRACT_PROP_CONSENT,      CONTRACT_PROP_UPLOAD,
};

static void on_changed(DBusMessage *sig, void *data)
{
	struct notifier *n = data;
	struct contract_changed ch;
	struct contract_fault f;
	if (!n->have)
		return; /* the GetAll on its way says where things stand */
	enum contract_result r = contract_read_changed(sig, &ch, &f);
	if (r != CONTRACT_OK) {
		say_fault(r, &f);
		return;
	}
	apply(n, &ch.props, true);
	for (size_t i = 0; i < sizeof followed / sizeof followed[0]; i++)
		if ((ch.invalidated >> followed[i]) & 1u)
			ask(n, followed[i]);
	contract_changed_fini(&ch);
}

static void on_disconnected(void *data)
{
	struct notifier *n = data;
	complain("%s", _("the bus the capture agent is on went away\n"));
	loop_quit(n->loop, CLI_UNREACHABLE);
}

static void on_stop(int signo, void *data)
{
	struct notifier *n = data;
	(void)signo;
	loop_quit(n->loop, 0);
}

static const struct client_ops notify_ops = {
    .owner_changed = on_owner,
    .properties_changed = on_changed,
    .disconnected = on_disconnected,
};

/* The session bus and the notifier's name on it: 0; -1 when another
 * notifier has it (said on stdout); or the exit status. */
static int open_session(struct notifier *n)
{
	DBusError err;
	dbus_error_init(&err);
	n->session = bus_open(false, &err);
	if (!n->session) {
		complain(
		    _("cannot reach the session bus for desktop notifications (%s)\n"),
		    cli_line(err.message ? err.message : _("DBUS_SESSION_BUS_ADDRESS is not set")));
		dbus_error_free(&err);
		return CLI_UNREACHABLE;
	}
	int r = bus_own_name(n->session, NOTIFIER_NAME, &err);
	if (r == -EEXIST)
		say("%s", _("capctl notify runs already in this session.\n"));
	else if (r < 0)
		complain(_("cannot own %s on the session bus (%s)\n"), NOTIFIER_NAME,
		         cli_line(err.message ? err.message : _("no reason given")));
	dbus_error_free(&err);
	if (r == 0)
		return 0;
	bus_close(n->session);
	return r == -EEXIST ? -1 : CLI_UNREACHABLE;
}

int cli_notify(struct cli *c, char **args, int n_args)
{
	(void)args;
	(void)n_args;
	struct notifier n = {.c = c, .state = CONTRACT_STATE_IDLE};
	int rc;
	if (c->opt[CLI_OPT_BEFORE] && (rc = cli_parse_duration(c->opt[CLI_OPT_BEFORE], &n.before)))
		return rc;
	if ((rc = cli_connect(c)))
		return rc;
	if ((rc = open_session(&n)))
		return rc < 0 ? 0 : rc;
	n.loop = loop_new();
	n.soon = loop_timer_new(n.loop, on_soon, &n);
	loop_signal(n.loop, SIGTERM, on_stop, &n);
	loop_signal(n.loop, SIGINT, on_stop, &n);
	bus_attach(c->conn, n.loop);
	bus_attach(n.session, n.loop);
	n.client = client_new(c->conn, &notify_ops, &n);
	rc = loop_run(n.loop);
	client_free(n.client);
	bus_close(n.session);
	bus_close(c->conn);
	c->conn = NULL;
	loop_timer_free(n.soon);
	loop_free(n.loop);
	exemptions_free(n.ex, n.n_ex);
	free(n.reason);
	free(n.deferred);
	return rc;
}
