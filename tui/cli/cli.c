/* The one-shot commands. Blocking calls with a timeout are fine here: the
 * program exits right after. Every error ends in one of the four exit
 * codes of cli.md, decided in one place (call()). */
#include "cli/cli.h"
#include "client.h"
#include "contract.h"
#include "console/console.h"
#include "text/duration.h"
#include "text/evtext.h"
#include "model/export.h"
#include "model/form.h"
#include "text/human.h"
#include "text/json.h"
#include "text/safe.h"
#include "model/model.h"
#include "names.h"
#include "console/settings.h"
#include "model/summary.h"
#include "text/text.h"
#include "text/timearg.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <langinfo.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CALL_TIMEOUT_MS 10000
#define HISTORY_DEFAULT 20
#define HISTORY_MAX 1000000
#define HISTORY_PAGE 1000 /* the agent's largest page */
#define SEGMENTS_DEFAULT 20
#define SEGMENTS_PAGE 1000 /* ListSegments' largest page */
#define EVENTS_PAGE 10000  /* ReadSegment's largest page */
#define DELETE_BATCH 10000 /* DeleteSegments' most ids */

struct cli {
	/* Options, wherever they stand on the line. */
	bool json, no_color, help, version, force;
	int bus; /* -1: from the config */
	const char *config;
	const char *scope, *category, *days, *reason, *note, *limit, *since, *output;
	char **words; /* the command and its arguments: argv's, in an array of argc */
	int n_words;

	struct settings settings;
	bool color, utf8;
	DBusConnection *conn;
};

/* ---- output ----
 *
 * Every word for a person leaves through say_to(): the whole text passes
 * the one sanitizer (text/safe.h), so nothing from the agent, the policy
 * or the command line can move the cursor, retitle or recolour the
 * terminal. Line breaks of the format stay; a field that must be one line
 * is passed through line() first, so a break inside it is shown, not
 * obeyed. JSON output has its own escaping (text/json.h). */

static void vsay_to(FILE *f, const char *fmt, va_list ap)
{
	char *s = xvasprintf(fmt, ap);
	safe_fputs(s, SAFE_NEWLINE, f);
	free(s);
}

static void say_to(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say_to(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay_to(f, fmt, ap);
	va_end(ap);
}

#define say(...) say_to(stdout, __VA_ARGS__)
#define complain(...) say_to(stderr, "capctl: " __VA_ARGS__)

/* s made safe as one line, for a field of a line of output: valid until
 * LINE_RING further calls (enough for the fields of one line). */
#define LINE_RING 16
static const char *line(const char *s)
{
	static char *ring[LINE_RING];
	static unsigned next;
	char **slot = &ring[next++ % LINE_RING];
	free(*slot);
	*slot = safe_str(s, 0);
	return *slot;
}

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage(const char *fmt, ...)
{
	va_list ap;
	fputs("capctl: ", stderr);
	va_start(ap, fmt);
	vsay_to(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'capctl --help' for more information.\n", stderr);
	return CLI_USAGE;
}

static void help(void)
{
	fputs("Usage: capctl [OPTIONS]                 open the console\n"
	      "       capctl [OPTIONS] COMMAND [ARGS]   do one thing and exit\n"
	      "\n"
	      "Commands:\n"
	      "  status                 state, pause end, streams and costs\n"
	      "  pause [DURATION]       pause recording now; without DURATION for the\n"
	      "                         configured default (30m), never longer than the\n"
	      "                         agent allows\n"
	      "  resume                 resume recording now\n"
	      "  toggle [DURATION]      pause if not paused, else resume (for a hotkey)\n"
	      "  exempt request --scope SCOPE --category CATEGORY --days N --reason TEXT\n"
	      "                         ask to be exempted from recording\n"
	      "  exempt list            your exemption requests and their status\n"
	      "  exempt withdraw ID     withdraw a pending or approved request\n"
	      "  exempt decide ID approve|deny [--note TEXT]\n"
	      "                         decide a request (administrators)\n"
	      "  forget DURATION        erase what was recorded in the last DURATION\n"
	      "                         (at most 24h)\n"
	      "  data list [--limit N]  the segments kept, newest first (default 20)\n"
	      "  data show SEGMENT-ID   the events of one segment\n"
	      "  data delete SEGMENT-ID...\n"
	      "                         delete segments now\n"
	      "  data export [--since TIME] [-o FILE [--force]]\n"
	      "                         everything kept, as JSON Lines (one event a line,\n"
	      "                         oldest first) on stdout or in FILE, never over an\n"
	      "                         existing FILE unless --force; TIME is an ISO 8601\n"
	      "                         time or a duration back from now, like 2h\n"
	      "  history [--limit N]    the agent's log, newest first (default 20 entries)\n"
	      "  notice                 the privacy notice\n"
	      "\n"
	      "Options:\n"
	      "  --session, --system    which bus the agent is on (default: bus in\n"
	      "                         capctl.conf, else the session bus); not both\n"
	      "  --config FILE          read FILE instead of ~/.config/capctl/capctl.conf\n"
	      "  --json                 print one JSON document on stdout (every command)\n"
	      "  --no-color             no colour (also when NO_COLOR is set)\n"
	      "  -h, --help             show this help\n"
	      "  -V, --version          show the version\n"
	      "\n"
	      "DURATION is like 90s, 15m, 1h or 1h30m. SCOPE is all, pointer.motion,\n"
	      "pointer.button, pointer.scroll, keyboard or window.focus; CATEGORY is medical,\n"
	      "legal, accessibility, works-council, personal or other.\n"
	      "Exit status: 0 done, 1 the agent refused or a segment to delete is not\n"
	      "kept, 2 usage or configuration error or an export file that exists,\n"
	      "3 the agent cannot be reached or does not keep to its D-Bus contract.\n"
	      "See capctl(1).\n",
	      stdout);
}

/* ---- parsing ---- */

/* "--name VALUE" or "--name=VALUE": returns the value, advancing *i. */
static int option_value(int argc, char **argv, int *i, const char *name, const char **out)
{
	const char *a = argv[*i];
	size_t n = strlen(name);
	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=') {
		*out = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*out = argv[++*i];
	return 1;
}

static int parse(struct cli *c, int argc, char **argv)
{
	static const char *const valued[] = {"--config", "--scope", "--category", "--days",
	                                     "--reason", "--note",  "--limit",    "--since",
	                                     "--output", "-o"};
	bool words_only = false;

	c->bus = -1;
	c->words = xcalloc((size_t)argc, sizeof *c->words);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		/* "-5" is a (bad) number, not an option: pause -5 says so. */
		if (words_only || a[0] != '-' || a[1] == '\0' || (a[1] >= '0' && a[1] <= '9')) {
			c->words[c->n_words++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			words_only = true;
		} else if (strcmp(a, "--session") == 0 || strcmp(a, "--system") == 0) {
			int bus =
			    strcmp(a, "--system") == 0 ? SETTINGS_BUS_SYSTEM : SETTINGS_BUS_SESSION;
			if (c->bus >= 0 && c->bus != bus)
				return usage("--session and --system cannot be used together");
			c->bus = bus;
		} else if (strcmp(a, "--force") == 0) {
			c->force = true;
		} else if (strcmp(a, "--json") == 0) {
			c->json = true;
		} else if (strcmp(a, "--no-color") == 0) {
			c->no_color = true;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			c->help = true;
		} else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			c->version = true;
		} else {
			const char **dest[] = {&c->config, &c->scope, &c->category, &c->days,
			                       &c->reason, &c->note,  &c->limit,    &c->since,
			                       &c->output, &c->output};
			int r = 0;
			for (size_t k = 0; k < ARRAY_SIZE(valued) && r == 0; k++) {
				r = option_value(argc, argv, &i, valued[k], dest[k]);
				if (r < 0)
					return usage("option '%s' needs a value", valued[k]);
			}
			if (r == 0)
				return usage("unknown option '%s'", a);
		}
	}
	return 0;
}

/* Refuses the command options a command does not take. allowed holds
 * the letters of those it does: s scope, c category, d days, r reason,
 * n note, l limit, S since, o output, f --force. */
static int only_options(const struct cli *c, const char *cmd, const char *allowed)
{
	const struct {
		char letter;
		const char *name;
		const char *value;
	} opts[] = {{'s', "--scope", c->scope},
	            {'c', "--category", c->category},
	            {'d', "--days", c->days},
	            {'r', "--reason", c->reason},
	            {'n', "--note", c->note},
	            {'l', "--limit", c->limit},
	            {'S', "--since", c->since},
	            {'o', "-o", c->output},
	            {'f', "--force", c->force ? "" : NULL}};
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (opts[i].value && !strchr(allowed, opts[i].letter))
			return usage("%s does not take %s", cmd, opts[i].name);
	return 0;
}

static int arg_count(const struct cli *c, const char *cmd, int first, int min, int max)
{
	int n = c->n_words - first;
	if (n > max)
		return usage("unexpected argument '%s' after %s", c->words[first + max], cmd);
	if (n < min)
		return usage(
		    "%s needs %s", cmd,
		    strcmp(cmd, "exempt withdraw") == 0 ? "an exemption ID"
		    : strcmp(cmd, "exempt decide") == 0 ? "an exemption ID and approve or deny"
		    : strcmp(cmd, "forget") == 0        ? "a DURATION, like 15m or 2h"
		    : strncmp(cmd, "data ", 5) == 0 ? "a SEGMENT-ID (capctl data list shows them)"
		                                    : "an argument");
	return 0;
}

static int parse_duration(const char *word, uint32_t *seconds)
{
	int r = duration_parse(word, seconds);
	if (r == -ERANGE)
		return usage("invalid duration '%s': it must be from 1s to 366 days", word);
	if (r < 0)
		return usage("invalid duration '%s': write a number and a unit, like 90s, 15m, 1h "
		             "or 1h30m",
		             word);
	return 0;
}

/* ---- talking to the agent ---- */

static const char *bus_word(const struct cli *c)
{
	return c->bus == SETTINGS_BUS_SYSTEM ? "system" : "session";
}

static int connect_bus(struct cli *c)
{
	DBusError err;
	dbus_error_init(&err);
	c->conn = bus_open(c->bus == SETTINGS_BUS_SYSTEM, &err);
	if (c->conn)
		return 0;
	if (c->bus != SETTINGS_BUS_SYSTEM && !getenv("DBUS_SESSION_BUS_ADDRESS"))
		complain("there is no session bus to reach the capture agent on "
		         "(DBUS_SESSION_BUS_ADDRESS is not set): run capctl in your desktop "
		         "session, or use --system\n");
	else
		complain("cannot reach the %s bus (%s), so no capture agent can be asked\n",
		         bus_word(c), line(err.message ? err.message : "no reason given"));
	dbus_error_free(&err);
	return CLI_UNREACHABLE;
}

/* The plain sentence for an error that means no agent answered. */
static void say_unreachable(const struct cli *c, const char *name)
{
	if (strcmp(name, DBUS_ERROR_SERVICE_UNKNOWN) == 0 ||
	    strcmp(name, DBUS_ERROR_NAME_HAS_NO_OWNER) == 0)
		complain("no capture agent is running on the %s bus\n", bus_word(c));
	else if (strncmp(name, "org.freedesktop.DBus.Error.Spawn.", 33) == 0)
		complain("no capture agent is running on the %s bus, and it could not be "
		         "started\n",
		         bus_word(c));
	else if (strcmp(name, DBUS_ERROR_NO_REPLY) == 0 || strcmp(name, DBUS_ERROR_TIMEOUT) == 0 ||
	         strcmp(name, DBUS_ERROR_TIMED_OUT) == 0)
		complain("the capture agent on the %s bus did not answer within %d seconds\n",
		         bus_word(c), CALL_TIMEOUT_MS / 1000);
	else
		complain("the connection to the %s bus is lost\n", bus_word(c));
}

/* Sends a call and waits for its answer, an error reply included: the
 * decoder reads both. NULL, with the reason printed and *rc set, only
 * when no answer can come at all. */
static DBusMessage *call_answer(struct cli *c, int *rc, DBusMessage *m)
{
	DBusPendingCall *pc = NULL;
	if (!dbus_connection_send_with_reply(c->conn, m, &pc, CALL_TIMEOUT_MS) || !pc) {
		complain("the connection to the %s bus is lost\n", bus_word(c));
		*rc = CLI_UNREACHABLE;
		return NULL;
	}
	dbus_pending_call_block(pc);
	DBusMessage *reply = dbus_pending_call_steal_reply(pc);
	dbus_pending_call_unref(pc);
	if (!reply) {
		complain("the connection to the %s bus is lost\n", bus_word(c));
		*rc = CLI_UNREACHABLE;
	}
	return reply;
}

/* Calls a method of the agent and waits for its answer (call_answer). */
static DBusMessage *call(struct cli *c, int *rc, const char *iface, const char *method,
                         int first_type, ...)
{
	va_list ap;
	if (!c->conn && (*rc = connect_bus(c)))
		return NULL;
	DBusMessage *m = dbus_message_new_method_call(CAPCTL_BUS_NAME, CAPCTL_PATH, iface, method);
	va_start(ap, first_type);
	dbus_message_append_args_valist(m, first_type, ap);
	va_end(ap);
	DBusMessage *reply = call_answer(c, rc, m);
	dbus_message_unref(m);
	return reply;
}

/* What reading an answer came to, as the exit status: 0 for a good one;
 * else the reason is printed and it is 1 (the agent said no) or 3 (no
 * agent, no bus, or what answered does not speak the contract: the
 * decoder's sentence). Empties f. */
static int outcome(const struct cli *c, enum contract_result r, struct contract_fault *f)
{
	int rc = 0;
	if (r == CONTRACT_REFUSED && client_error_unreachable(f->name)) {
		say_unreachable(c, f->name);
		rc = CLI_UNREACHABLE;
	} else if (r == CONTRACT_REFUSED) {
		complain("%s: %s\n", line(f->name), line(f->message));
		rc = CLI_REFUSED;
	} else if (r == CONTRACT_MALFORMED) {
		complain("%s\n", line(f->message));
		rc = CLI_UNREACHABLE;
	}
	contract_fault_fini(f);
	return rc;
}

/* A model from the properties read; those into *keep too, when asked
 * (contract_props_fini them). */
static int to_model(struct cli *c, DBusMessage *reply, enum contract_result r,
                    struct contract_props *p, struct contract_fault *f, struct model *m,
                    struct contract_props *keep)
{
	int rc = outcome(c, r, f);
	if (!rc) {
		model_init(m);
		model_set_link(m, MODEL_LINK_LIVE, dbus_message_get_sender(reply));
		model_update(m, p, now_usec());
	}
	dbus_message_unref(reply);
	if (!rc && keep)
		*keep = *p;
	else
		contract_props_fini(p);
	return rc;
}

/* GetAll into a model. */
static int load_model(struct cli *c, struct model *m, struct contract_props *keep)
{
	int rc = 0;
	const char *iface = CAPCTL_IFACE;
	struct contract_props p;
	struct contract_fault f;
	DBusMessage *reply =
	    call(c, &rc, DBUS_PROPS_IFACE, "GetAll", DBUS_TYPE_STRING, &iface, DBUS_TYPE_INVALID);
	if (!reply)
		return rc;
	return to_model(c, reply, contract_read_get_all(reply, &p, &f), &p, &f, m, keep);
}

/* One property into a model. */
static int load_property(struct cli *c, struct model *m, enum model_prop prop,
                         struct contract_props *keep)
{
	int rc = 0;
	const char *iface = CAPCTL_IFACE, *name = model_prop_name(prop);
	struct contract_props p;
	struct contract_fault f;
	DBusMessage *reply = call(c, &rc, DBUS_PROPS_IFACE, "Get", DBUS_TYPE_STRING, &iface,
	                          DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID);
	if (!reply)
		return rc;
	enum contract_result r = contract_read_get(reply, (enum contract_prop)prop, &p, &f);
	return to_model(c, reply, r, &p, &f, m, keep);
}

/* ---- output ---- */

static const char *state_color(const char *state)
{
	if (strcmp(state, "collecting") == 0)
		return "\033[1;32m";
	if (strcmp(state, "paused") == 0)
		return "\033[1;33m";
	if (strcmp(state, "exempt") == 0)
		return "\033[1;36m";
	if (strcmp(state, "suspended") == 0)
		return "\033[1;35m";
	return "\033[1m";
}

static void print_state(const struct cli *c, const struct model *m)
{
	const char *state = m->state ? m->state : "unknown";
	if (c->color)
		fputs(state_color(state), stdout);
	say("%s", line(state));
	if (c->color)
		fputs("\033[0m", stdout);
	say(": %s\n", line(m->state_reason));
}

static void when_text(uint64_t usec, char *buf, size_t size)
{
	human_until(usec, now_usec(), buf, size);
}

/* A date and time that reads the same tomorrow: for lists. */
static void full_time(uint64_t usec, char *buf, size_t size)
{
	time_t t = (time_t)(usec / USEC_PER_SEC);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
}

static void json_stream(struct json *j, const struct model_stream *s)
{
	json_object_begin(j);
	json_key(j, "id");
	json_string(j, s->id);
	json_key(j, "recording");
	json_bool(j, s->recording);
	json_key(j, "fidelity");
	json_string(j, s->fidelity);
	json_key(j, "description");
	json_string(j, s->description);
	json_key(j, "events");
	json_uint(j, s->events);
	json_key(j, "bytes");
	json_uint(j, s->bytes);
	json_object_end(j);
}

/* The properties by their contract names in snake case, as the decoder
 * read them. */
static void status_json(const struct model *m, const struct contract_props *p, uint64_t now)
{
	struct json j;
	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "version");
	json_string(&j, m->version);
	json_key(&j, "state");
	json_string(&j, m->state);
	json_key(&j, "state_reason");
	json_string(&j, m->state_reason);
	json_key(&j, "paused_until");
	json_uint(&j, m->paused_until);
	json_key(&j, "max_pause_seconds");
	json_uint(&j, m->max_pause_seconds);
	json_key(&j, "pause_budget_seconds");
	json_uint(&j, m->budget_seconds);
	json_key(&j, "pause_budget_left");
	json_uint(&j, m->budget_left);
	json_key(&j, "pause_seconds_left");
	json_uint(&j, model_pause_left(m, now));
	json_key(&j, "streams");
	json_array_begin(&j);
	for (size_t i = 0; i < m->n_streams; i++)
		json_stream(&j, &m->streams[i]);
	json_array_end(&j);
	json_key(&j, "upload");
	json_contract_dict(&j, CONTRACT_PROP_UPLOAD, &p->upload);
	json_key(&j, "power");
	json_contract_dict(&j, CONTRACT_PROP_POWER, &p->power);
	json_key(&j, "retention");
	json_contract_dict(&j, CONTRACT_PROP_RETENTION, &p->retention);
	json_object_end(&j);
	json_finish(&j);
}

static int cmd_status(struct cli *c)
{
	struct model m;
	struct contract_props p;
	int rc = load_model(c, &m, &p);
	if (rc)
		return rc;
	uint64_t now = now_usec();
	if (c->json) {
		status_json(&m, &p, now);
	} else {
		char a[32], b[32];
		print_state(c, &m);
		if (model_state(&m) == MODEL_STATE_PAUSED && m.paused_until) {
			when_text(m.paused_until, a, sizeof a);
			human_countdown(model_pause_left(&m, now), b, sizeof b);
			say("%-9s until %s (%s left)\n", "Paused", a, b);
		}
		/* A table whose description column is as wide as its widest
		 * entry: in a pipe nothing is cut. */
		int dw = (int)strlen("What is kept");
		for (size_t i = 0; i < m.n_streams; i++) {
			int w =
			    text_width(m.streams[i].description, strlen(m.streams[i].description));
			if (w > dw)
				dw = w;
		}
		say("\n%-15s %-4s %-9s %-*s %10s %9s\n", "Stream", "Now", "Level", dw,
		    "What is kept", "Events", "Stored");
		for (size_t i = 0; i < m.n_streams; i++) {
			const struct model_stream *s = &m.streams[i];
			int pad = dw - text_width(s->description, strlen(s->description));
			human_count(s->events, a, sizeof a);
			human_bytes(s->bytes, b, sizeof b);
			say("%-15s %-4s %-9s %s%*s %10s %9s\n", s->id, s->recording ? "yes" : "no",
			    s->fidelity, line(s->description), pad, "", a, b);
		}
		say("\n");
		struct summary_line lines[SUMMARY_MAX_LINES];
		int n = summary_all(&m, now, c->utf8, true, lines);
		for (int i = 0; i < n; i++)
			say("%-9s %s\n", lines[i].label, line(lines[i].text));
	}
	contract_props_fini(&p);
	model_fini(&m);
	return 0;
}

static int do_pause(struct cli *c, const char *word, const char *action_key)
{
	uint32_t seconds = 0;
	int rc;
	if (word && (rc = parse_duration(word, &seconds)))
		return rc;
	if (!word) {
		struct model m;
		if ((rc = load_model(c, &m, NULL)))
			return rc;
		seconds = model_default_pause(&m, c->settings.default_pause_minutes, now_usec());
		model_fini(&m);
	}
	dbus_uint32_t s = seconds;
	uint64_t until;
	struct contract_fault f;
	rc = 0;
	DBusMessage *reply =
	    call(c, &rc, CAPCTL_IFACE, "Pause", DBUS_TYPE_UINT32, &s, DBUS_TYPE_INVALID);
	if (!reply)
		return rc;
	rc = outcome(c, contract_read_pause(reply, &until, &f), &f);
	dbus_message_unref(reply);
	if (rc)
		return rc;
	if (c->json) {
		struct json j;
		json_init(&j, stdout);
		json_object_begin(&j);
		if (action_key) {
			json_key(&j, "action");
			json_string(&j, action_key);
		}
		json_key(&j, "paused_until");
		json_uint(&j, until);
		json_key(&j, "seconds");
		json_uint(&j, seconds);
		json_object_end(&j);
		json_finish(&j);
	} else {
		char when[32], len[32];
		when_text(until, when, sizeof when);
		human_minutes(seconds, len, sizeof len);
		say("Paused until %s (%s).\n", when, len);
	}
	return 0;
}

static int do_resume(struct cli *c, const char *action_key)
{
	int rc = 0;
	struct contract_fault f;
	DBusMessage *reply = call(c, &rc, CAPCTL_IFACE, "Resume", DBUS_TYPE_INVALID);
	if (!reply)
		return rc;
	rc = outcome(c, contract_read_empty(reply, "Resume", &f), &f);
	dbus_message_unref(reply);
	if (rc)
		return rc;
	struct model m;
	if ((rc = load_model(c, &m, NULL)))
		return rc;
	if (c->json) {
		struct json j;
		json_init(&j, stdout);
		json_object_begin(&j);
		if (action_key) {
			json_key(&j, "action");
			json_string(&j, action_key);
		}
		json_key(&j, "state");
		json_string(&j, m.state);
		json_key(&j, "state_reason");
		json_string(&j, m.state_reason);
		json_object_end(&j);
		json_finish(&j);
	} else {
		say("Resumed. Now ");
		print_state(c, &m);
	}
	model_fini(&m);
	return 0;
}

static int cmd_toggle(struct cli *c, const char *word)
{
	struct model m;
	uint32_t seconds;
	int rc;
	/* A bad duration is a usage error even when it would not be used. */
	if (word && (rc = parse_duration(word, &seconds)))
		return rc;
	if ((rc = load_model(c, &m, NULL)))
		return rc;
	bool paused = model_state(&m) == MODEL_STATE_PAUSED;
	model_fini(&m);
	return paused ? do_resume(c, "resumed") : do_pause(c, word, "paused");
}

static int cmd_request(struct cli *c)
{
	char buf[128];
	const char *why;
	uint32_t days;
	const struct {
		const char *value, *name;
	} need[] = {{c->scope, "--scope SCOPE"},
	            {c->category, "--category CATEGORY"},
	            {c->days, "--days N"},
	            {c->reason, "--reason TEXT"}};
	for (size_t i = 0; i < ARRAY_SIZE(need); i++)
		if (!need[i].value)
			return usage(
			    "exempt request needs %s (it takes --scope, --category, --days "
			    "and --reason)",
			    need[i].name);
	if ((why = form_check_scope(c->scope)))
		return usage("invalid scope '%s': %s", c->scope, why);
	if ((why = form_check_category(c->category)))
		return usage("invalid category '%s': %s", c->category, why);
	if ((why = form_check_days_text(c->days, &days)))
		return usage("invalid days '%s': %s", c->days, why);
	if ((why = form_check_reason(c->reason, buf, sizeof buf)))
		return usage("invalid reason: %s", why);
	int rc = connect_bus(c);
	if (rc)
		return rc;
	dbus_uint32_t d = days;
	DBusMessage *reply = call(c, &rc, CAPCTL_IFACE, "RequestExemption", DBUS_TYPE_STRING,
	                          &c->scope, DBUS_TYPE_STRING, &c->category, DBUS_TYPE_STRING,
	                          &c->reason, DBUS_TYPE_UINT32, &d, DBUS_TYPE_INVALID);
	if (!reply)
		return rc;
	char *id;
	struct contract_fault f;
	rc = outcome(c, contract_read_request(reply, &id, &f), &f);
	dbus_message_unref(reply);
	if (rc)
		return rc;
	if (c->json) {
		struct json j;
		json_init(&j, stdout);
		json_object_begin(&j);
		json_key(&j, "id");
		json_string(&j, id);
		json_key(&j, "status");
		json_string(&j, "pending");
		json_object_end(&j);
		json_finish(&j);
	} else {
		say("Requested %s; it waits for a decision.\n", line(id));
	}
	free(id);
	return 0;
}

static void json_exemption(struct json *j, const struct model_exemption *e)
{
	json_object_begin(j);
	json_key(j, "id");
	json_string(j, e->id);
	json_key(j, "scope");
	json_string(j, e->scope);
	json_key(j, "category");
	json_string(j, e->category);
	json_key(j, "status");
	json_string(j, e->status);
	json_key(j, "reason");
	json_string(j, e->reason);
	json_key(j, "note");
	json_string(j, e->note);
	json_key(j, "created");
	json_uint(j, e->created);
	json_key(j, "expires");
	json_uint(j, e->expires);
	json_object_end(j);
}

/* Prints text indented, one output line per line of text. */
static void indented(const char *prefix, const char *text)
{
	const char *p = text;
	while (*p) {
		size_t n = strcspn(p, "\n");
		say("%s%.*s\n", prefix, (int)n, p);
		p += n;
		if (*p == '\n')
			p++;
	}
}

static int cmd_list(struct cli *c)
{
	struct model m;
	int rc = load_property(c, &m, MODEL_PROP_EXEMPTIONS, NULL);
	if (rc)
		return rc;
	if (c->json) {
		struct json j;
		json_init(&j, stdout);
		json_object_begin(&j);
		json_key(&j, "exemptions");
		json_array_begin(&j);
		for (size_t i = 0; i < m.n_ex; i++)
			json_exemption(&j, &m.ex[i]);
		json_array_end(&j);
		json_object_end(&j);
		json_finish(&j);
	} else if (m.n_ex == 0) {
		say("No exemption requests.\n");
	} else {
		for (size_t i = 0; i < m.n_ex; i++) {
			const struct model_exemption *e = &m.ex[i];
			char asked[32], until[32];
			full_time(e->created, asked, sizeof asked);
			say("%-6s %-9s %-15s %-14s asked %s", line(e->id), e->status, e->scope,
			    e->category, asked);
			if (e->expires) {
				full_time(e->expires, until, sizeof until);
				say(", until %s", until);
			}
			say("\n");
			indented("    ", e->reason);
			if (*e->note) {
				say("    Note:\n");
				indented("    ", e->note);
			}
		}
	}
	model_fini(&m);
	return 0;
}

static int cmd_withdraw(struct cli *c, const char *id)
{
	int rc = connect_bus(c);
	if (rc)
		return rc;
	struct contract_fault f;
	DBusMessage *reply = call(c, &rc, CAPCTL_IFACE, "WithdrawExemption", DBUS_TYPE_STRING, &id,
	                          DBUS_TYPE_INVALID);
	if (!reply)
		return rc;
	rc = outcome(c, contract_read_empty(reply, "WithdrawExemption", &f), &f);
	dbus_message_unref(reply);
	if (rc)
		return rc;
	if (c->json) {
		struct json j;
		json_init(&j, stdout);
		json_object_begin(&j);
		json_key(&j, "id");
		json_string(&j, id);
		json_key(&j, "status");
		json_string(&j, "withdrawn");
		json_object_end(&j);
		json_finish(&j);
	} else {
		say("%s withdrawn.\n", id);
	}
	return 0;
}

static int cmd_decide(struct cli *c, const char *id, const char *verdict)
{
	char buf[128];
	const char *note = c->note ? c->note : "";
	dbus_bool_t approve;
	if (strcmp(verdict, "approve") == 0)
		approve = TRUE;
	else if (strcmp(verdict, "deny") == 0)
		approve = FALSE;
	else
		return usage("exempt decide: '%s' is neither approve nor deny", verdict);
	if (*note && form_check_reason(note, buf, sizeof buf))
		return usage("invalid note: it must be at most %d bytes of text with no control "
		             "characters but line breaks",
		             FORM_REASON_MAX);
	int rc = connect_bus(c);
	if (rc)
		return rc;
	DBusMessage *reply =
	    call(c, &rc, CAPCTL_IFACE_ADMIN, "DecideExemption", DBUS_TYPE_STRING, &id,
	         DBUS_TYPE_BOOLEAN, &approve, DBUS_TYPE_STRING, &note, DBUS_TYPE_INVALID);
	if (!reply)
		return rc;
	struct contract_fault f;
	rc = outcome(c, contract_read_empty(reply, "DecideExemption", &f), &f);
	dbus_message_unref(reply);
	if (rc)
		return rc;
	const char *status = approve ? "approved" : "denied";
	if (c->json) {
		struct json j;
		json_init(&j, stdout);
		json_object_begin(&j);
		json_key(&j, "id");
		json_string(&j, id);
		json_key(&j, "status");
		json_string(&j, status);
		json_object_end(&j);
		json_finish(&j);
	} else {
		say("%s %s.\n", id, status);
	}
	return 0;
}

/* As the console names them (human_user). */
static void user_name(uint32_t uid, char *buf, size_t size)
{
	human_user(uid, buf, size);
}

/* --limit N: 1 .. HISTORY_MAX, def when not given. */
static int parse_limit(const struct cli *c, uint64_t def, uint64_t *limit)
{
	*limit = def;
	if (c->limit) {
		char *end;
		errno = 0;
		unsigned long long v = strtoull(c->limit, &end, 10);
		if (!*c->limit || *end || errno || c->limit[0] == '-' || v < 1 || v > HISTORY_MAX)
			return usage("invalid limit '%s': a whole number from 1 to %d", c->limit,
			             HISTORY_MAX);
		*limit = v;
	}
	return 0;
}

/* One page of History or ListSegments as the decoder read it. */
struct page {
	uint64_t total;
	size_t n;
	struct contract_history h;
	struct contract_segments s;
};

/* Pages through a (t offset, u limit) -> (t total, a(...)) method up to
 * limit entries, read by read, calling row for each (with j NULL for plain
 * output; header before the first row when there is any). The pages end
 * at limit, at the total, or at a page shorter than asked: the total is
 * the agent's claim, not a bound. JSON is held back until the last page is
 * in, so a failure half way leaves stdout empty, not half a document:
 * { "total": N, "<list_key>": [ rows ] }. 0, or the exit status of a
 * failed call. */
struct pager {
	const char *method, *list_key;
	uint32_t page;
	uint64_t limit;
	void (*header)(void);
	enum contract_result (*read)(DBusMessage *reply, uint32_t limit, struct page *pg,
	                             struct contract_fault *f);
	void (*row)(const struct page *pg, size_t i, struct json *j);
	uint64_t total, got;
};

static void list_begin(struct json *j, const struct pager *p)
{
	json_key(j, "total");
	json_uint(j, p->total);
	json_key(j, p->list_key);
	json_array_begin(j);
}

/* One page: 1 when it was the last, 0 when more may follow, or the exit
 * status of a failed call, negated. */
static int one_page(struct cli *c, struct pager *p, struct json *j, bool first)
{
	dbus_uint64_t offset = p->got;
	dbus_uint32_t n =
	    (dbus_uint32_t)(p->limit - p->got < p->page ? p->limit - p->got : p->page);
	struct page pg = {0};
	struct contract_fault f;
	int rc = 0;
	DBusMessage *reply = call(c, &rc, CAPCTL_IFACE, p->method, DBUS_TYPE_UINT64, &offset,
	                          DBUS_TYPE_UINT32, &n, DBUS_TYPE_INVALID);
	if (!reply)
		return -rc;
	rc = outcome(c, p->read(reply, n, &pg, &f), &f);
	dbus_message_unref(reply);
	if (rc)
		return -rc;
	p->total = pg.total;
	if (first && j)
		list_begin(j, p);
	else if (first && p->total && pg.n && p->header)
		p->header();
	for (size_t i = 0; i < pg.n; i++)
		p->row(&pg, i, j);
	contract_history_fini(&pg.h);
	contract_segments_fini(&pg.s);
	p->got += pg.n;
	return pg.n < n || p->got >= p->total || p->got >= p->limit;
}

static int page_through(struct cli *c, struct pager *p)
{
	struct json j;
	char *doc = NULL;
	size_t doc_len = 0;
	FILE *f = NULL;
	int r = 0;

	if (c->json) {
		f = open_memstream(&doc, &doc_len);
		json_init(&j, f);
		json_object_begin(&j);
	}
	for (bool first = true; r == 0 && p->got < p->limit; first = false)
		r = one_page(c, p, c->json ? &j : NULL, first);
	if (r < 0) {
		if (f) {
			fclose(f);
			free(doc);
		}
		return -r;
	}
	if (c->json) {
		json_array_end(&j);
		json_object_end(&j);
		json_finish(&j);
		fclose(f);
		fwrite(doc, 1, doc_len, stdout);
		free(doc);
	}
	return 0;
}

static enum contract_result history_read(DBusMessage *reply, uint32_t limit, struct page *pg,
                                         struct contract_fault *f)
{
	enum contract_result r = contract_read_history(reply, limit, &pg->h, f);
	pg->total = pg->h.total;
	pg->n = pg->h.n;
	return r;
}

static void history_row(const struct page *pg, size_t i, struct json *j)
{
	const struct contract_history_entry *e = &pg->h.rows[i];
	if (j) {
		json_object_begin(j);
		json_key(j, "time");
		json_uint(j, e->time);
		json_key(j, "action");
		json_string(j, e->action);
		json_key(j, "detail");
		json_string(j, e->detail);
		json_key(j, "uid");
		json_uint(j, e->uid);
		json_object_end(j);
	} else {
		char when[32], who[40];
		time_t tt = (time_t)(e->time / USEC_PER_SEC);
		struct tm tm;
		localtime_r(&tt, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
		user_name(e->uid, who, sizeof who);
		say("%s  %-26s %-10s %s\n", when, line(e->action), line(who), line(e->detail));
	}
}

static int cmd_history(struct cli *c)
{
	struct pager p = {.method = "History",
	                  .list_key = "entries",
	                  .page = HISTORY_PAGE,
	                  .read = history_read,
	                  .row = history_row};
	int rc;
	if ((rc = parse_limit(c, HISTORY_DEFAULT, &p.limit)) || (rc = connect_bus(c)) ||
	    (rc = page_through(c, &p)))
		return rc;
	if (!c->json && p.got == 0)
		say("Nothing logged yet.\n");
	return 0;
}

static void wrapped(const char *text, int cols)
{
	struct text_line *lines;
	size_t n = text_wrap(text, strlen(text), cols, &lines);
	for (size_t i = 0; i < n; i++)
		say("  %.*s\n", (int)lines[i].len, text + lines[i].start);
	free(lines);
}

static int cmd_notice(struct cli *c)
{
	struct model m;
	int rc;
	struct contract_props p;
	if ((rc = load_property(c, &m, MODEL_PROP_NOTICE, &p)))
		return rc;
	if (c->json) {
		/* The dictionary as the decoder read it. */
		struct json j;
		json_init(&j, stdout);
		json_contract_dict(&j, CONTRACT_PROP_NOTICE, &p.notice);
		json_finish(&j);
		contract_props_fini(&p);
		model_fini(&m);
		return 0;
	}
	contract_props_fini(&p);
	const struct model_notice *n = &m.notice;
	const struct {
		const char *title, *text;
	} parts[] = {
	    {"Purpose", n->purpose},
	    {"Retention", n->retention},
	    {"Anonymization", n->anonymization},
	    {"Model access", n->model_access},
	    {"Contact", n->contact},
	};
	bool any = false;
	if (n->version && *n->version)
		say("Privacy notice, version %s\n", line(n->version));
	else
		say("Privacy notice\n");
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		if (!parts[i].text || !*parts[i].text)
			continue;
		any = true;
		say("\n%s\n", parts[i].title);
		wrapped(parts[i].text, 76);
	}
	if (!any)
		say("\nThe policy in force has no privacy notice.\n");
	model_fini(&m);
	return 0;
}

/* ---- forgetting, and the data ---- */

static int cmd_forget(struct cli *c, const char *word)
{
	uint32_t seconds;
	int rc;
	char len[32], n[32];
	if ((rc = parse_duration(word, &seconds)))
		return rc;
	if ((rc = connect_bus(c)))
		return rc;
	dbus_uint32_t s = seconds;
	uint32_t removed;
	struct contract_fault f;
	DBusMessage *reply =
	    call(c, &rc, CAPCTL_IFACE, "Forget", DBUS_TYPE_UINT32, &s, DBUS_TYPE_INVALID);
	if (!reply)
		return rc;
	rc = outcome(c, contract_read_forget(reply, &removed, &f), &f);
	dbus_message_unref(reply);
	if (rc)
		return rc;
	if (c->json) {
		struct json j;
		json_init(&j, stdout);
		json_object_begin(&j);
		json_key(&j, "removed");
		json_uint(&j, removed);
		json_key(&j, "seconds");
		json_uint(&j, seconds);
		json_object_end(&j);
		json_finish(&j);
	} else {
		human_minutes(seconds, len, sizeof len);
		human_count(removed, n, sizeof n);
		if (removed)
			say("Forgot %s event%s recorded in the last %s.\n", n, plural(removed),
			    len);
		else
			say("Nothing was kept from the last %s.\n", len);
	}
	return 0;
}

/* A segment id as `capctl data list` prints it: a decimal number. */
static int parse_segment_id(const char *word, uint64_t *id)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(word, &end, 10);
	if (!*word || *end || errno || word[0] == '-' || word[0] == '+' || v == 0)
		return usage("invalid segment id '%s': a number as 'capctl data list' shows it",
		             word);
	*id = v;
	return 0;
}

/* Local date and time to the second, or the time alone when it is the
 * day of ref. */
static void local_stamp(uint64_t usec, uint64_t ref, char *buf, size_t size)
{
	time_t t = (time_t)(usec / USEC_PER_SEC);
	struct tm tm;
	localtime_r(&t, &tm);
	if (ref && local_day(usec) == local_day(ref))
		strftime(buf, size, "%H:%M:%S", &tm);
	else
		strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
}

static void segment_header(void)
{
	say("%-17s %-15s %-19s %-19s %9s %9s  %-10s  %s\n", "ID", "Stream", "From", "To", "Events",
	    "Size", "Expires", "Uploaded");
}

static enum contract_result segments_read(DBusMessage *reply, uint32_t limit, struct page *pg,
                                          struct contract_fault *f)
{
	enum contract_result r = contract_read_segments(reply, limit, &pg->s, f);
	pg->total = pg->s.total;
	pg->n = pg->s.n;
	return r;
}

static void segment_row(const struct page *pg, size_t i, struct json *j)
{
	const struct contract_segment *r = &pg->s.rows[i];
	const char *stream = contract_stream_name(r->stream);
	if (j) {
		json_object_begin(j);
		json_key(j, "id");
		json_uint(j, r->id);
		json_key(j, "stream");
		json_string(j, stream);
		json_key(j, "start");
		json_uint(j, r->start);
		json_key(j, "end");
		json_uint(j, r->end);
		json_key(j, "events");
		json_uint(j, r->events);
		json_key(j, "bytes");
		json_uint(j, r->bytes);
		json_key(j, "expires");
		json_uint(j, r->expires);
		json_key(j, "uploaded");
		json_bool(j, r->uploaded);
		json_object_end(j);
	} else {
		char from[32], to[32], ev[32], size[32], exp[32];
		local_stamp(r->start, 0, from, sizeof from);
		/* The segment a stream is writing now has no end yet (0) and
		 * no expiry until it closes. */
		if (r->end)
			local_stamp(r->end, r->start, to, sizeof to);
		else
			snprintf(to, sizeof to, "recording");
		human_count(r->events, ev, sizeof ev);
		human_bytes(r->bytes, size, sizeof size);
		if (r->expires)
			format_local_date(r->expires, exp, sizeof exp);
		else
			snprintf(exp, sizeof exp, "-");
		say("%-17" PRIu64 " %-15s %-19s %-19s %9s %9s  %-10s  %s\n", r->id, stream, from,
		    to, ev, size, exp, r->uploaded ? "yes" : "no");
	}
}

static int cmd_data_list(struct cli *c)
{
	struct pager p = {.method = "ListSegments",
	                  .list_key = "segments",
	                  .page = SEGMENTS_PAGE,
	                  .header = segment_header,
	                  .read = segments_read,
	                  .row = segment_row};
	int rc;
	if ((rc = parse_limit(c, SEGMENTS_DEFAULT, &p.limit)) || (rc = connect_bus(c)) ||
	    (rc = page_through(c, &p)))
		return rc;
	if (c->json)
		return 0;
	if (p.got == 0) {
		say("No segment is kept yet.\n");
	} else if (p.got < p.total) {
		char a[32], b[32];
		human_count(p.got, a, sizeof a);
		human_count(p.total, b, sizeof b);
		say("(the newest %s of %s; --limit shows more)\n", a, b);
	}
	return 0;
}

/* One event as a JSON object with the keys of an export line. */
static void json_event(struct json *j, const struct evjson_event *e)
{
	char iso[40];
	bool pos, code, text;
	evjson_fields(e->kind, &pos, &code, &text);
	evjson_iso(e->time, iso, sizeof iso);
	json_object_begin(j);
	json_key(j, "time");
	json_string(j, iso);
	json_key(j, "us");
	json_uint(j, e->time);
	json_key(j, "stream");
	json_string(j, e->stream);
	json_key(j, "kind");
	json_string(j, e->kind);
	if (pos) {
		json_key(j, "x");
		json_int(j, e->x);
		json_key(j, "y");
		json_int(j, e->y);
	}
	if (code) {
		json_key(j, "code");
		json_int(j, e->code);
	}
	if (text) {
		json_key(j, "text");
		json_string(j, e->text);
	}
	json_object_end(j);
}

/* What data show gathers before it prints: the events as text or JSON,
 * and what they span. */
struct show {
	FILE *f;
	struct json j;
	bool json;
	uint64_t got, first_t, last_t;
	const char *stream;
};

static void show_event(struct show *s, const struct contract_event *ce)
{
	struct evjson_event e = {ce->time,
	                         contract_stream_name(ce->stream),
	                         contract_kind_name(ce->kind),
	                         ce->x,
	                         ce->y,
	                         ce->code,
	                         ce->text};
	if (!*s->stream)
		s->stream = e.stream;
	if (!s->first_t)
		s->first_t = e.time;
	s->last_t = e.time;
	if (s->json) {
		json_event(&s->j, &e);
	} else {
		char when[40], ms[16], what[320];
		local_stamp(e.time, 0, when, sizeof when);
		snprintf(ms, sizeof ms, ".%03u", (unsigned)(e.time % USEC_PER_SEC / 1000));
		evtext_detail(&e, what, sizeof what);
		say_to(s->f, "%s%s  %-14s %s\n", when, ms, e.kind, what);
	}
}

/* One page of ReadSegment: 1 when it was the last (the total reached, or
 * a page shorter than asked: the total is the agent's claim, not a
 * bound), 0 when more may follow, or the exit status negated. */
static int show_page(struct cli *c, uint64_t id, struct show *s)
{
	dbus_uint64_t sid = id;
	/* got stays below the total, a u. */
	dbus_uint32_t offset = (dbus_uint32_t)s->got, limit = EVENTS_PAGE;
	struct contract_events ev;
	struct contract_fault f;
	int rc = 0;
	DBusMessage *reply =
	    call(c, &rc, CAPCTL_IFACE, "ReadSegment", DBUS_TYPE_UINT64, &sid, DBUS_TYPE_UINT32,
	         &offset, DBUS_TYPE_UINT32, &limit, DBUS_TYPE_INVALID);
	if (!reply)
		return -rc;
	rc = outcome(c, contract_read_segment(reply, limit, &ev, &f), &f);
	dbus_message_unref(reply);
	if (rc)
		return -rc;
	for (size_t i = 0; i < ev.n; i++)
		show_event(s, &ev.rows[i]);
	s->got += ev.n;
	int last = ev.n < limit || s->got >= ev.total;
	contract_events_fini(&ev);
	return last;
}

static int cmd_data_show(struct cli *c, const char *word)
{
	uint64_t id;
	int rc, r = 0;
	char *doc = NULL;
	size_t doc_len = 0;
	if ((rc = parse_segment_id(word, &id)) || (rc = connect_bus(c)))
		return rc;
	struct show s = {.f = open_memstream(&doc, &doc_len), .json = c->json, .stream = ""};
	if (c->json) {
		json_init(&s.j, s.f);
		json_object_begin(&s.j);
		json_key(&s.j, "id");
		json_uint(&s.j, id);
		json_key(&s.j, "events");
		json_array_begin(&s.j);
	}
	/* The whole segment, a page at a time; printed once it is all in, so
	 * that the header can say what it spans. */
	while (r == 0)
		r = show_page(c, id, &s);
	if (r < 0) {
		fclose(s.f);
		free(doc);
		return -r;
	}
	if (c->json) {
		json_array_end(&s.j);
		json_object_end(&s.j);
		json_finish(&s.j);
		fclose(s.f);
		fwrite(doc, 1, doc_len, stdout);
	} else {
		fclose(s.f);
		char from[32], to[32], n[32];
		human_count(s.got, n, sizeof n);
		local_stamp(s.first_t, 0, from, sizeof from);
		local_stamp(s.last_t, s.first_t, to, sizeof to);
		if (s.got)
			say("Segment %" PRIu64 ": %s, %s event%s from %s to %s\n\n", id, s.stream,
			    n, plural(s.got), from, to);
		else
			say("Segment %" PRIu64 ": no events\n", id);
		fwrite(doc, 1, doc_len, stdout);
	}
	free(doc);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Which of ids[n] the agent keeps, into known[]: every page of
 * ListSegments, ending at a short page whatever the total claims. */
static int find_segments(struct cli *c, const uint64_t *ids, int n, bool *known)
{
	uint64_t *kept = NULL;
	size_t n_kept = 0;
	int rc = 0;
	for (dbus_uint64_t offset = 0;;) {
		dbus_uint32_t limit = SEGMENTS_PAGE;
		DBusMessage *reply = call(c, &rc, CAPCTL_IFACE, "ListSegments", DBUS_TYPE_UINT64,
		                          &offset, DBUS_TYPE_UINT32, &limit, DBUS_TYPE_INVALID);
		if (!reply)
			break;
		struct contract_segments s = {0};
		struct contract_fault f;
		rc = outcome(c, contract_read_segments(reply, limit, &s, &f), &f);
		dbus_message_unref(reply);
		kept = xrealloc(kept, (n_kept + s.n) * sizeof *kept);
		for (size_t i = 0; i < s.n; i++)
			kept[n_kept++] = s.rows[i].id;
		offset += s.n;
		bool done = rc || s.n < limit || offset >= s.total;
		contract_segments_fini(&s);
		if (done)
			break;
	}
	if (!rc) {
		qsort(kept, n_kept, sizeof *kept, cmp_u64);
		for (int i = 0; i < n; i++)
			known[i] = n_kept && bsearch(&ids[i], kept, n_kept, sizeof *kept, cmp_u64);
	}
	free(kept);
	return rc;
}

/* Deletes the segments named; an id the agent does not keep is named on
 * stderr and makes the exit status 1 (cli.md), the others are deleted. */
static int cmd_data_delete(struct cli *c, char **words, int n)
{
	uint64_t *ids = xcalloc((size_t)n, sizeof *ids);
	bool *known = xcalloc((size_t)n, sizeof *known);
	uint64_t deleted = 0;
	int rc = 0, n_known = 0;
	for (int i = 0; i < n && !rc; i++)
		rc = parse_segment_id(words[i], &ids[i]);
	if (!rc && !(rc = connect_bus(c)))
		rc = find_segments(c, ids, n, known);
	/* The known ids to the front, in the order given. */
	uint64_t *del = xcalloc((size_t)n, sizeof *del);
	for (int i = 0; !rc && i < n; i++)
		if (known[i])
			del[n_known++] = ids[i];
	for (int at = 0; !rc && at < n_known; at += DELETE_BATCH) {
		int k = n_known - at < DELETE_BATCH ? n_known - at : DELETE_BATCH;
		const dbus_uint64_t *batch = (const dbus_uint64_t *)del + at;
		DBusMessage *reply = call(c, &rc, CAPCTL_IFACE, "DeleteSegments", DBUS_TYPE_ARRAY,
		                          DBUS_TYPE_UINT64, &batch, k, DBUS_TYPE_INVALID);
		if (!reply)
			break;
		uint32_t d;
		struct contract_fault f;
		rc = outcome(c, contract_read_delete(reply, &d, &f), &f);
		dbus_message_unref(reply);
		deleted += rc ? 0 : d;
	}
	free(del);
	if (!rc) {
		if (c->json) {
			struct json j;
			json_init(&j, stdout);
			json_object_begin(&j);
			json_key(&j, "deleted");
			json_uint(&j, deleted);
			json_key(&j, "unknown");
			json_array_begin(&j);
			for (int i = 0; i < n; i++)
				if (!known[i])
					json_uint(&j, ids[i]);
			json_array_end(&j);
			json_object_end(&j);
			json_finish(&j);
		} else if (deleted == (uint64_t)n_known && n_known) {
			say("Deleted %" PRIu64 " segment%s.\n", deleted, plural(deleted));
		} else if (n_known) {
			say("Deleted %" PRIu64 " of %d segments; the others were not kept any "
			    "more.\n",
			    deleted, n_known);
		}
		for (int i = 0; i < n; i++)
			if (!known[i])
				complain("no segment %" PRIu64 " is kept (capctl data list shows "
				         "those that are)\n",
				         ids[i]);
		if (n_known < n)
			rc = CLI_REFUSED;
	}
	free(known);
	free(ids);
	return rc;
}

/* Drives the export with blocking calls: export_next's result (-1 with
 * the reason in x->error), or 1 with *rc set when a call failed. */
static int export_run(struct cli *c, struct export *x, int *rc)
{
	struct export_req req;
	int r;
	while ((r = export_next(x, &req)) == 1) {
		DBusMessage *m;
		if (req.kind == EXPORT_REQ_LIST) {
			dbus_uint64_t offset = req.offset;
			dbus_uint32_t limit = req.limit;
			m = dbus_message_new_method_call(CAPCTL_BUS_NAME, CAPCTL_PATH, CAPCTL_IFACE,
			                                 "ListSegments");
			dbus_message_append_args(m, DBUS_TYPE_UINT64, &offset, DBUS_TYPE_UINT32,
			                         &limit, DBUS_TYPE_INVALID);
		} else {
			dbus_uint64_t id = req.id;
			dbus_uint32_t offset = (dbus_uint32_t)req.offset, limit = req.limit;
			m = dbus_message_new_method_call(CAPCTL_BUS_NAME, CAPCTL_PATH, CAPCTL_IFACE,
			                                 "ReadSegment");
			dbus_message_append_args(m, DBUS_TYPE_UINT64, &id, DBUS_TYPE_UINT32,
			                         &offset, DBUS_TYPE_UINT32, &limit,
			                         DBUS_TYPE_INVALID);
		}
		DBusMessage *reply = call_answer(c, rc, m);
		dbus_message_unref(m);
		if (!reply)
			break;
		/* A segment gone meanwhile is the export's to skip; any other
		 * refusal is the agent's word, as for every command. */
		struct contract_fault f;
		enum contract_result cr = contract_read_error(
		    reply, req.kind == EXPORT_REQ_LIST ? "ListSegments" : "ReadSegment", &f);
		if (cr != CONTRACT_REFUSED || strcmp(f.name, CAPCTL_ERR_NO_SUCH_SEGMENT) != 0)
			*rc = outcome(c, cr, &f);
		contract_fault_fini(&f);
		if (!*rc)
			export_reply(x, reply);
		dbus_message_unref(reply);
		if (*rc)
			break;
	}
	return r;
}

/* What cannot be written to the file the person chose, naming it. */
static int cannot_write(const struct cli *c, int err)
{
	complain("cannot write '%s': %s\n", line(c->output), strerror(err));
	return CLI_USAGE;
}

static int cmd_data_export(struct cli *c)
{
	uint64_t since = 0;
	int rc = 0;
	struct out_file file = {0};
	FILE *out = stdout;
	if (c->since) {
		int r = timearg_parse(c->since, now_usec(), &since);
		if (r == -ERANGE)
			return usage("invalid time '%s': a duration must be from 1s to 366 days, a "
			             "time from 1970 on",
			             c->since);
		if (r < 0)
			return usage(
			    "invalid time '%s': write an ISO 8601 time like "
			    "2026-11-29T07:00:00Z or 2026-11-29, or a duration back from now "
			    "like 2h or 1h30m",
			    c->since);
	}
	if (c->output && !*c->output)
		return usage("-o needs a file name");
	if (c->force && !c->output)
		return usage("--force goes with -o FILE: it allows replacing FILE");
	if (c->output) {
		int r = out_file_open(&file, c->output, c->force);
		if (r == -EEXIST)
			return usage("'%s' exists already: choose another name, or add --force to "
			             "replace it",
			             c->output);
		if (r < 0)
			return cannot_write(c, -r);
		out = file.f;
	}
	if ((rc = connect_bus(c))) {
		out_file_abort(&file);
		return rc;
	}
	struct export x;
	export_init(&x, out, since, 0, EVENTS_PAGE);
	int r = export_run(c, &x, &rc);
	if (r < 0 && x.malformed) {
		complain("%s\n", line(x.error));
		rc = CLI_UNREACHABLE;
	} else if (r < 0) {
		complain("the export failed: %s\n", line(x.error));
		rc = CLI_REFUSED;
	}
	uint64_t events = x.events_written;
	size_t segs = export_segments(&x);
	export_fini(&x);
	if (!c->output) {
		if (fflush(stdout) != 0 && !rc) {
			complain("cannot write the export: %s\n", strerror(errno));
			rc = CLI_USAGE;
		}
		return rc;
	}
	if (rc) {
		out_file_abort(&file);
		return rc;
	}
	if ((r = out_file_commit(&file, c->force)) == -EEXIST)
		return usage("'%s' appeared while the export was written: it is left as it was; "
		             "add --force to replace it",
		             c->output);
	if (r < 0)
		return cannot_write(c, -r);
	if (c->json) {
		struct json j;
		json_init(&j, stdout);
		json_object_begin(&j);
		json_key(&j, "file");
		json_string(&j, c->output);
		json_key(&j, "events");
		json_uint(&j, events);
		json_key(&j, "segments");
		json_uint(&j, segs);
		json_object_end(&j);
		json_finish(&j);
	} else {
		char n[32], sg[32];
		human_count(events, n, sizeof n);
		human_count(segs, sg, sizeof sg);
		say("Exported %s event%s from %s segment%s to %s.\n", n, plural(events), sg,
		    plural(segs), c->output);
	}
	return 0;
}

/* ---- main ---- */

static void warn(const char *msg, void *data)
{
	(void)data;
	complain("%s\n", msg);
}

static int load_settings(struct cli *c)
{
	char *path = c->config ? xstrdup(c->config) : settings_default_path();
	char *error = NULL;
	int r = path ? settings_load(&c->settings, path, &error, warn, NULL) : -ENOENT;
	if (r == -ENOENT && c->config) {
		complain("%s: no such file\n", path);
		free(path);
		return CLI_USAGE;
	}
	free(path);
	if (r == -EINVAL) {
		complain("%s\n", error);
		free(error);
		return CLI_USAGE;
	}
	return 0;
}

static int run(struct cli *c)
{
	const char *cmd = c->n_words ? c->words[0] : NULL;
	const char *sub = c->n_words > 1 ? c->words[1] : NULL;
	int rc;

	if (!cmd) {
		if ((rc = only_options(c, "the console", "")))
			return rc;
		if (c->json)
			return usage("--json needs a command, such as 'capctl status --json'");
		return console_run(&c->settings, c->bus == SETTINGS_BUS_SYSTEM, c->color);
	}
	/* Check the whole line before connecting: a usage error must not
	 * depend on whether the agent runs. */
	if (strcmp(cmd, "status") == 0 || strcmp(cmd, "resume") == 0 ||
	    strcmp(cmd, "notice") == 0) {
		if ((rc = only_options(c, cmd, "")) || (rc = arg_count(c, cmd, 1, 0, 0)))
			return rc;
		if (strcmp(cmd, "notice") == 0)
			return cmd_notice(c);
		if ((rc = connect_bus(c)))
			return rc;
		return strcmp(cmd, "status") == 0 ? cmd_status(c) : do_resume(c, NULL);
	}
	if (strcmp(cmd, "pause") == 0 || strcmp(cmd, "toggle") == 0) {
		uint32_t s;
		if ((rc = only_options(c, cmd, "")) || (rc = arg_count(c, cmd, 1, 0, 1)))
			return rc;
		if (sub && (rc = parse_duration(sub, &s)))
			return rc;
		if ((rc = connect_bus(c)))
			return rc;
		return strcmp(cmd, "pause") == 0 ? do_pause(c, sub, NULL) : cmd_toggle(c, sub);
	}
	if (strcmp(cmd, "history") == 0) {
		if ((rc = only_options(c, cmd, "l")) || (rc = arg_count(c, cmd, 1, 0, 0)))
			return rc;
		return cmd_history(c);
	}
	if (strcmp(cmd, "forget") == 0) {
		if ((rc = only_options(c, cmd, "")) || (rc = arg_count(c, cmd, 1, 1, 1)))
			return rc;
		return cmd_forget(c, sub);
	}
	if (strcmp(cmd, "data") == 0) {
		if (!sub)
			return usage("data needs list, show, delete or export");
		if (strcmp(sub, "list") == 0) {
			if ((rc = only_options(c, "data list", "l")) ||
			    (rc = arg_count(c, "data list", 2, 0, 0)))
				return rc;
			return cmd_data_list(c);
		}
		if (strcmp(sub, "show") == 0) {
			if ((rc = only_options(c, "data show", "")) ||
			    (rc = arg_count(c, "data show", 2, 1, 1)))
				return rc;
			return cmd_data_show(c, c->words[2]);
		}
		if (strcmp(sub, "delete") == 0) {
			if ((rc = only_options(c, "data delete", "")) ||
			    (rc = arg_count(c, "data delete", 2, 1, c->n_words)))
				return rc;
			return cmd_data_delete(c, c->words + 2, c->n_words - 2);
		}
		if (strcmp(sub, "export") == 0) {
			if ((rc = only_options(c, "data export", "Sof")) ||
			    (rc = arg_count(c, "data export", 2, 0, 0)))
				return rc;
			return cmd_data_export(c);
		}
		return usage("unknown data command '%s': use list, show, delete or export", sub);
	}
	if (strcmp(cmd, "exempt") == 0) {
		if (!sub)
			return usage("exempt needs request, list, withdraw or decide");
		if (strcmp(sub, "request") == 0) {
			if ((rc = only_options(c, "exempt request", "scdr")) ||
			    (rc = arg_count(c, "exempt request", 2, 0, 0)))
				return rc;
			return cmd_request(c);
		}
		if (strcmp(sub, "list") == 0) {
			if ((rc = only_options(c, "exempt list", "")) ||
			    (rc = arg_count(c, "exempt list", 2, 0, 0)))
				return rc;
			return cmd_list(c);
		}
		if (strcmp(sub, "withdraw") == 0) {
			if ((rc = only_options(c, "exempt withdraw", "")) ||
			    (rc = arg_count(c, "exempt withdraw", 2, 1, 1)))
				return rc;
			return cmd_withdraw(c, c->words[2]);
		}
		if (strcmp(sub, "decide") == 0) {
			if ((rc = only_options(c, "exempt decide", "n")) ||
			    (rc = arg_count(c, "exempt decide", 2, 2, 2)))
				return rc;
			return cmd_decide(c, c->words[2], c->words[3]);
		}
		return usage("unknown exempt command '%s': use request, list, withdraw or decide",
		             sub);
	}
	return usage("unknown command '%s'", cmd);
}

int cli_main(int argc, char **argv)
{
	struct cli c = {0};
	int rc;

	settings_init(&c.settings);
	if ((rc = parse(&c, argc, argv)))
		goto out;
	if (c.help) {
		help();
		goto out;
	}
	if (c.version) {
		say("capctl %s\n", CAPCTL_VERSION);
		goto out;
	}
	if ((rc = load_settings(&c)))
		goto out;
	if (c.bus < 0)
		c.bus = c.settings.bus;
	const char *no_color = getenv("NO_COLOR");
	c.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	c.color = c.settings.color && !c.no_color && !(no_color && *no_color);
	/* Plain output is coloured only on a terminal; the console always
	 * is one. */
	bool console = c.n_words == 0;
	if (!console && !isatty(STDOUT_FILENO))
		c.color = false;
	rc = run(&c);
out:
	if (c.conn)
		bus_close(c.conn);
	settings_fini(&c.settings);
	free(c.words);
	fflush(stdout);
	return rc;
}
