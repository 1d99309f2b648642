/* The core of the one-shot commands: the options, the output, and the
 * calls to the agent; the handlers are in cli-*.c. Blocking calls with a
 * timeout are fine here: the program exits right after. Every error ends
 * in one of the four exit codes of cli.md, decided in one place
 * (cli_outcome()). */
#include "cli/cli-int.h"
#include "client.h"
#include "console/console.h"
#include "i18n.h"
#include "names.h"
#include "text/duration.h"
#include "text/safe.h"
#include "text/text.h"
#include "util.h"

#include <errno.h>
#include <langinfo.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CALL_TIMEOUT_MS 10000

/* ---- output ---- */

static void vsay_to(FILE *f, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void vsay_to(FILE *f, const char *fmt, va_list ap)
{
	char *s = xvasprintf(fmt, ap);
	safe_fputs(s, SAFE_NEWLINE, f);
	free(s);
}

void cli_say_to(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay_to(f, fmt, ap);
	va_end(ap);
}

/* s made safe as one line, for a field of a line of output: valid until
 * LINE_RING further calls (enough for the fields of one line). */
#define LINE_RING 16
const char *cli_line(const char *s)
{
	static char *ring[LINE_RING];
	static unsigned next;
	char **slot = &ring[next++ % LINE_RING];
	free(*slot);
	*slot = safe_str(s, 0);
	return *slot;
}

const char *cli_cell(const char *s, int cols)
{
	const char *safe = cli_line(s);
	bool right = cols < 0;
	int want = right ? -cols : cols, pad = want - text_width(safe, strlen(safe));
	if (pad <= 0)
		return safe;
	char *cell = right ? xasprintf("%*s%s", pad, "", safe) : xasprintf("%s%*s", safe, pad, "");
	const char *shown = cli_line(cell);
	free(cell);
	return shown;
}

void cli_columns_fit(const struct cli_column *cols, size_t n, int *w)
{
	for (size_t i = 0; i < n; i++) {
		const char *head = _(cols[i].head);
		int hw = text_width(head, strlen(head));
		w[i] = hw > cols[i].min ? hw : cols[i].min;
	}
}

void cli_row(const struct cli_column *cols, const int *w, size_t n, const char *const *cells)
{
	for (size_t i = 0; i < n; i++) {
		const char *cell = cells ? cells[i] : _(cols[i].head);
		int width = i + 1 == n && !cols[i].right ? 0 : w[i];
		say("%*s%s", i ? cols[i].gap : 0, "",
		    cli_cell(cell, cols[i].right ? -width : width));
	}
	say("\n");
}

void cli_complain(const char *fmt, ...)
{
	va_list ap;
	fputs("capctl: ", stderr);
	va_start(ap, fmt);
	vsay_to(stderr, fmt, ap);
	va_end(ap);
}

int cli_usage(const char *fmt, ...)
{
	va_list ap;
	fputs("capctl: ", stderr);
	va_start(ap, fmt);
	vsay_to(stderr, fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
	fputs(_("Try 'capctl --help' for more information.\n"), stderr);
	return CLI_USAGE;
}

/* ---- parsing ---- */

/* TRANSLATORS: the values in capitals are the words of the help's
 * synopses ("--since TIME"). */
const struct cli_option cli_options[CLI_N_OPTS] = {
    [CLI_OPT_SCOPE] = {"--scope", NULL, N_("SCOPE")},
    [CLI_OPT_CATEGORY] = {"--category", NULL, N_("CATEGORY")},
    [CLI_OPT_DAYS] = {"--days", NULL, N_("N")},
    [CLI_OPT_REASON] = {"--reason", NULL, N_("TEXT")},
    [CLI_OPT_NOTE] = {"--note", NULL, N_("TEXT")},
    [CLI_OPT_LIMIT] = {"--limit", NULL, N_("N")},
    [CLI_OPT_SINCE] = {"--since", NULL, N_("TIME")},
    [CLI_OPT_OUTPUT] = {"-o", "--output", N_("FILE")},
    [CLI_OPT_FORCE] = {"--force", NULL, NULL},
    [CLI_OPT_VERIFY] = {"--verify", NULL, NULL},
    [CLI_OPT_YES] = {"--yes", NULL, NULL},
    [CLI_OPT_FORMAT] = {"--format", NULL, N_("FORMAT")},
    [CLI_OPT_BEFORE] = {"--before", NULL, N_("DURATION")},
};

const struct cli_option cli_common[CLI_N_COMMON] = {
    [CLI_COMMON_SESSION] = {"--session", NULL, NULL},
    [CLI_COMMON_SYSTEM] = {"--system", NULL, NULL},
    [CLI_COMMON_CONFIG] = {"--config", NULL, "FILE"},
    [CLI_COMMON_JSON] = {"--json", NULL, NULL},
    [CLI_COMMON_NO_COLOR] = {"--no-color", NULL, NULL},
    [CLI_COMMON_HELP] = {"-h", "--help", NULL},
    [CLI_COMMON_VERSION] = {"-V", "--version", NULL},
};

/* The flag of cli_common[] that a is, whole: its index, or -1 (--config,
 * which takes a value, is read with the options of the commands). */
static int common_flag(const char *a)
{
	for (int k = 0; k < CLI_N_COMMON; k++) {
		const struct cli_option *o = &cli_common[k];
		if (!o->value &&
		    (strcmp(a, o->name) == 0 || (o->alias && strcmp(a, o->alias) == 0)))
			return k;
	}
	return -1;
}

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

/* argv[*i], which is no option of every command: --config or one of
 * cli_options, into c. */
static int command_option(struct cli *c, int argc, char **argv, int *i)
{
	const char *name = cli_common[CLI_COMMON_CONFIG].name;
	int r = option_value(argc, argv, i, name, &c->config);
	for (int k = 0; r == 0 && k < CLI_N_OPTS; k++) {
		const struct cli_option *o = &cli_options[k];
		if (!o->value) {
			if ((r = strcmp(argv[*i], o->name) == 0))
				c->opt[k] = "";
			continue;
		}
		name = o->name;
		if ((r = option_value(argc, argv, i, name, &c->opt[k])) == 0 && o->alias)
			r = option_value(argc, argv, i, name = o->alias, &c->opt[k]);
	}
	if (r < 0)
		return cli_usage(_("option '%s' needs a value"), name);
	if (r == 0)
		return cli_usage(_("unknown option '%s'"), argv[*i]);
	return 0;
}

static int parse(struct cli *c, int argc, char **argv)
{
	bool words_only = false;
	int rc;

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
			continue;
		}
		int k = common_flag(a);
		if (k == CLI_COMMON_SESSION || k == CLI_COMMON_SYSTEM) {
			int bus =
			    k == CLI_COMMON_SYSTEM ? SETTINGS_BUS_SYSTEM : SETTINGS_BUS_SESSION;
			if (c->bus >= 0 && c->bus != bus)
				return cli_usage(
				    "%s", _("--session and --system cannot be used together"));
			c->bus = bus;
		} else if (k == CLI_COMMON_JSON) {
			c->json = true;
		} else if (k == CLI_COMMON_NO_COLOR) {
			c->no_color = true;
		} else if (k == CLI_COMMON_HELP) {
			c->help = true;
		} else if (k == CLI_COMMON_VERSION) {
			c->version = true;
		} else if ((rc = command_option(c, argc, argv, &i))) {
			return rc;
		}
	}
	return 0;
}

/* ---- the table ---- */

static bool takes(const struct cli_command *cmd, enum cli_opt opt)
{
	for (int i = 0; cmd && i < CLI_CMD_OPTIONS && cmd->options[i].help; i++)
		if (cmd->options[i].opt == opt)
			return true;
	return false;
}

/* Refuses the options cmd does not take (the console's, when NULL). */
static int only_options(const struct cli *c, const struct cli_command *cmd)
{
	for (int k = 0; k < CLI_N_OPTS; k++)
		if (c->opt[k] && !takes(cmd, (enum cli_opt)k))
			return cmd ? cli_usage(_("%s does not take %s"), cmd->name,
			                       cli_options[k].name)
			           : cli_usage(_("the console does not take %s"),
			                       cli_options[k].name);
	return 0;
}

static int arg_count(const struct cli_command *cmd, char **args, int n)
{
	if (n > cmd->max_args)
		return cli_usage(_("unexpected argument '%s' after %s"), args[cmd->max_args],
		                 cmd->name);
	if (n < cmd->min_args)
		return cli_usage(_("%s needs %s"), cmd->name, _(cmd->needs));
	return 0;
}

/* How many words of words[n] name is: 0 when it is not their start. */
static int name_words(const char *name, char **words, int n)
{
	size_t len = strlen(words[0]);
	if (strchr(words[0], ' ') || strncmp(name, words[0], len) != 0)
		return 0;
	if (name[len] == '\0')
		return 1;
	if (name[len] == ' ' && n > 1 && strcmp(name + len + 1, words[1]) == 0)
		return 2;
	return 0;
}

const struct cli_command *cli_find(char **words, int n, int *used)
{
	for (int i = 0; i < CLI_N_COMMANDS; i++)
		if ((*used = name_words(cli_commands[i].name, words, n)))
			return &cli_commands[i];
	return NULL;
}

int cli_group(const char *word, int *first)
{
	size_t len = strlen(word);
	int n = 0;
	for (int i = 0; i < CLI_N_COMMANDS; i++) {
		const char *name = cli_commands[i].name;
		if (strncmp(name, word, len) != 0 || name[len] != ' ')
			continue;
		if (n++ == 0)
			*first = i;
	}
	return n;
}

/* The subcommands of a group as words for a person: "list, show, delete
 * or export"; 0 when word names no group. */
static int subcommands(const char *word, char *buf, size_t size)
{
	int first = 0, n = cli_group(word, &first);
	size_t at = 0, len = strlen(word);
	buf[0] = '\0';
	for (int k = 0; k < n && at < size; k++) {
		/* TRANSLATORS: the words between the last two of a list: "list, show or export". */
		const char *sep = k == 0 ? "" : k == n - 1 ? _(" or ") : ", ";
		at += (size_t)snprintf(buf + at, size - at, "%s%s", sep,
		                       cli_commands[first + k].name + len + 1);
	}
	return n;
}

int cli_unknown(char **words, int n)
{
	char subs[256];
	if (!subcommands(words[0], subs, sizeof subs))
		return cli_usage(_("unknown command '%s'"), words[0]);
	if (n == 1)
		return cli_usage(_("%s needs %s"), words[0], subs);
	return cli_usage(_("unknown %s command '%s': use %s"), words[0], words[1], subs);
}

int cli_parse_duration(const char *word, uint32_t *seconds)
{
	int r = duration_parse(word, seconds);
	if (r == -ERANGE)
		return cli_usage(_("invalid duration '%s': it must be from 1s to 366 days"), word);
	if (r < 0)
		return cli_usage(
		    _("invalid duration '%s': write a number and a unit, like 90s, 15m, 1h "
		      "or 1h30m"),
		    word);
	return 0;
}

/* ---- talking to the agent ---- */

/* The bus as the first part of "the %sbus" (German makes one word of it). */
static const char *bus_word(const struct cli *c)
{
	/* TRANSLATORS: "system" and "session" are the first part of "the %sbus":
	 * "the system bus", "the session bus"; keep the space if your language
	 * writes two words. */
	return c->bus == SETTINGS_BUS_SYSTEM ? _("system ") : _("session ");
}

int cli_connect(struct cli *c)
{
	DBusError err;
	dbus_error_init(&err);
	c->conn = bus_open(c->bus == SETTINGS_BUS_SYSTEM, &err);
	if (c->conn)
		return 0;
	if (c->bus != SETTINGS_BUS_SYSTEM && !getenv("DBUS_SESSION_BUS_ADDRESS"))
		complain("%s",
		         _("there is no session bus to reach the capture agent on "
		           "(DBUS_SESSION_BUS_ADDRESS is not set): run capctl in your desktop "
		           "session, or use --system\n"));
	else
		complain(_("cannot reach the %sbus (%s), so no capture agent can be asked\n"),
		         bus_word(c), cli_line(err.message ? err.message : _("no reason given")));
	dbus_error_free(&err);
	return CLI_UNREACHABLE;
}

/* The plain sentence for an error that means no agent answered. */
static void say_unreachable(const struct cli *c, const char *name)
{
	if (strcmp(name, DBUS_ERROR_SERVICE_UNKNOWN) == 0 ||
	    strcmp(name, DBUS_ERROR_NAME_HAS_NO_OWNER) == 0)
		complain(_("no capture agent is running on the %sbus\n"), bus_word(c));
	else if (strncmp(name, "org.freedesktop.DBus.Error.Spawn.", 33) == 0)
		complain(_("no capture agent is running on the %sbus, and it could not be "
		           "started\n"),
		         bus_word(c));
	else if (strcmp(name, DBUS_ERROR_NO_REPLY) == 0 || strcmp(name, DBUS_ERROR_TIMEOUT) == 0 ||
	         strcmp(name, DBUS_ERROR_TIMED_OUT) == 0)
		complain(_("the capture agent on the %sbus did not answer within %d seconds\n"),
		         bus_word(c), CALL_TIMEOUT_MS / 1000);
	else
		complain(_("the connection to the %sbus is lost\n"), bus_word(c));
}

/* Sends a call and waits for its answer, an error reply included: the
 * decoder reads both. NULL, with the reason printed and *rc set, only
 * when no answer can come at all. */
DBusMessage *cli_call_answer(struct cli *c, int *rc, DBusMessage *m)
{
	DBusPendingCall *pc = NULL;
	if (!dbus_connection_send_with_reply(c->conn, m, &pc, CALL_TIMEOUT_MS) || !pc) {
		complain(_("the connection to the %sbus is lost\n"), bus_word(c));
		*rc = CLI_UNREACHABLE;
		return NULL;
	}
	dbus_pending_call_block(pc);
	DBusMessage *reply = dbus_pending_call_steal_reply(pc);
	dbus_pending_call_unref(pc);
	if (!reply) {
		complain(_("the connection to the %sbus is lost\n"), bus_word(c));
		*rc = CLI_UNREACHABLE;
	}
	return reply;
}

/* Calls a method of the agent and waits for its answer (call_answer). */
DBusMessage *cli_call(struct cli *c, int *rc, const char *iface, const char *method, int first_type,
                      ...)
{
	va_list ap;
	if (!c->conn && (*rc = cli_connect(c)))
		return NULL;
	DBusMessage *m = dbus_message_new_method_call(CAPCTL_BUS_NAME, CAPCTL_PATH, iface, method);
	va_start(ap, first_type);
	dbus_message_append_args_valist(m, first_type, ap);
	va_end(ap);
	DBusMessage *reply = cli_call_answer(c, rc, m);
	dbus_message_unref(m);
	return reply;
}

/* What reading an answer came to, as the exit status: 0 for a good one;
 * else the reason is printed and it is 1 (the agent said no) or 3 (no
 * agent, no bus, or what answered does not speak the contract: the
 * decoder's sentence). Empties f. */
int cli_outcome(const struct cli *c, enum contract_result r, struct contract_fault *f)
{
	int rc = 0;
	if (r == CONTRACT_REFUSED && client_error_unreachable(f->name)) {
		say_unreachable(c, f->name);
		rc = CLI_UNREACHABLE;
	} else if (r == CONTRACT_REFUSED) {
		complain("%s: %s\n", cli_line(f->name), cli_line(f->message));
		rc = CLI_REFUSED;
	} else if (r == CONTRACT_MALFORMED) {
		complain("%s\n", cli_line(f->message));
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
	int rc = cli_outcome(c, r, f);
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
int cli_load_model(struct cli *c, struct model *m, struct contract_props *keep)
{
	int rc = 0;
	const char *iface = CAPCTL_IFACE;
	struct contract_props p;
	struct contract_fault f;
	DBusMessage *reply = cli_call(c, &rc, DBUS_PROPS_IFACE, "GetAll", DBUS_TYPE_STRING, &iface,
	                              DBUS_TYPE_INVALID);
	if (!reply)
		return rc;
	return to_model(c, reply, contract_read_get_all(reply, &p, &f), &p, &f, m, keep);
}

/* One property into a model. */
int cli_load_property(struct cli *c, struct model *m, enum model_prop prop,
                      struct contract_props *keep)
{
	int rc = 0;
	const char *iface = CAPCTL_IFACE, *name = model_prop_name(prop);
	struct contract_props p;
	struct contract_fault f;
	DBusMessage *reply = cli_call(c, &rc, DBUS_PROPS_IFACE, "Get", DBUS_TYPE_STRING, &iface,
	                              DBUS_TYPE_STRING, &name, DBUS_TYPE_INVALID);
	if (!reply)
		return rc;
	enum contract_result r = contract_read_get(reply, (enum contract_prop)prop, &p, &f);
	return to_model(c, reply, r, &p, &f, m, keep);
}

/* --limit N: 1 .. CLI_LIMIT_MAX, def when not given. */
int cli_parse_limit(const struct cli *c, uint64_t def, uint64_t *limit)
{
	const char *word = c->opt[CLI_OPT_LIMIT];
	*limit = def;
	if (word) {
		char *end;
		errno = 0;
		unsigned long long v = strtoull(word, &end, 10);
		if (!*word || *end || errno || word[0] == '-' || v < 1 || v > CLI_LIMIT_MAX)
			return cli_usage(_("invalid limit '%s': a whole number from 1 to %d"), word,
			                 CLI_LIMIT_MAX);
		*limit = v;
	}
	return 0;
}

static void list_begin(struct json *j, const struct cli_pager *p)
{
	json_key(j, "total");
	json_uint(j, p->total);
	json_key(j, p->list_key);
	json_array_begin(j);
}

/* One page: 1 when it was the last, 0 when more may follow, or the exit
 * status of a failed call, negated. */
static int one_page(struct cli *c, struct cli_pager *p, struct json *j, bool first)
{
	dbus_uint64_t offset = p->got;
	dbus_uint32_t n =
	    (dbus_uint32_t)(p->limit - p->got < p->page ? p->limit - p->got : p->page);
	struct cli_page pg = {0};
	struct contract_fault f;
	int rc = 0;
	DBusMessage *reply = cli_call(c, &rc, CAPCTL_IFACE, p->method, DBUS_TYPE_UINT64, &offset,
	                              DBUS_TYPE_UINT32, &n, DBUS_TYPE_INVALID);
	if (!reply)
		return -rc;
	rc = cli_outcome(c, p->read(reply, n, &pg, &f), &f);
	dbus_message_unref(reply);
	if (rc)
		return -rc;
	p->total = pg.total;
	if (first && j)
		list_begin(j, p);
	else if (first && p->total && pg.n && p->header)
		p->header();
	for (size_t i = 0; i < pg.n; i++)
		p->row(&pg, i, j, p->data);
	contract_history_fini(&pg.h);
	contract_segments_fini(&pg.s);
	p->got += pg.n;
	return pg.n < n || p->got >= p->total || p->got >= p->limit;
}

int cli_page_through(struct cli *c, struct cli_pager *p)
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
		complain(_("%s: no such file\n"), path);
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
	int used, rc;

	if (c->n_words == 0) {
		if ((rc = only_options(c, NULL)))
			return rc;
		if (c->json)
			return cli_usage(_("--json needs a command, such as 'capctl %s --json'"),
			                 CLI_NAME(CLI_CMD_STATUS));
		return console_run(&c->settings, c->bus == SETTINGS_BUS_SYSTEM, c->color);
	}
	if (!(c->cmd = cli_find(c->words, c->n_words, &used)))
		return cli_unknown(c->words, c->n_words);
	/* Check the whole line before connecting: a usage error must not
	 * depend on whether the agent runs. */
	char **args = c->words + used;
	int n = c->n_words - used;
	if ((rc = only_options(c, c->cmd)) || (rc = arg_count(c->cmd, args, n)))
		return rc;
	return c->cmd->run(c, args, n);
}

int cli_main(int argc, char **argv)
{
	struct cli c = {0};
	int rc;

	settings_init(&c.settings);
	if ((rc = parse(&c, argc, argv)))
		goto out;
	if (c.help) {
		/* capctl data export --help: that command's help. */
		int used;
		const struct cli_command *cmd =
		    c.n_words ? cli_find(c.words, c.n_words, &used) : NULL;
		if (cmd)
			cli_help_one(cmd);
		else
			cli_help_all();
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
