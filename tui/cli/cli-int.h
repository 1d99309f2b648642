/* What the files of the command line share (cli.c and its cli-*.c):
 * the parsed line, the output through the one sanitizer, the calls to the
 * agent with their exit status, and the handlers of the commands. Not for
 * use outside tui/cli. */
#ifndef CAPCTL_CLI_INT_H
#define CAPCTL_CLI_INT_H

#include "cli/cli.h"
#include "contract.h"
#include "console/settings.h"
#include "model/model.h"
#include "text/json.h"

#include <dbus/dbus.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CLI_LIMIT_MAX 1000000 /* the most --limit allows */

/* The options only some commands take, as indexes of struct cli's opt[]
 * and of cli_options[]; a command's entry lists those it takes. */
enum cli_opt {
	CLI_OPT_SCOPE,
	CLI_OPT_CATEGORY,
	CLI_OPT_DAYS,
	CLI_OPT_REASON,
	CLI_OPT_NOTE,
	CLI_OPT_LIMIT,
	CLI_OPT_SINCE,
	CLI_OPT_OUTPUT,
	CLI_OPT_FORCE,
	CLI_OPT_VERIFY,
	CLI_OPT_YES,
	CLI_OPT_FORMAT,
	CLI_OPT_BEFORE,
	CLI_N_OPTS
};

/* How an option is written: "--scope" (or its alias) and the value it
 * takes, NULL for a flag (--force). */
struct cli_option {
	const char *name, *alias, *value;
};
extern const struct cli_option cli_options[CLI_N_OPTS]; /* cli.c */

/* The options every command takes (and the console), as parse() in cli.c
 * reads them; cli_common_help[] says what each does, in one line. */
enum cli_common {
	CLI_COMMON_SESSION,
	CLI_COMMON_SYSTEM,
	CLI_COMMON_CONFIG,
	CLI_COMMON_JSON,
	CLI_COMMON_NO_COLOR,
	CLI_COMMON_HELP,
	CLI_COMMON_VERSION,
	CLI_N_COMMON
};
extern const struct cli_option cli_common[CLI_N_COMMON]; /* cli.c */
extern const char *const cli_common_help[CLI_N_COMMON];  /* cli-help.c */

struct cli;

/* One command of the one-shot CLI: everything about it but what its
 * handler does. */
#define CLI_CMD_OPTIONS 4 /* the most options one command takes */
struct cli_command {
	const char *name; /* the words that select it: "status", "data list" */
	const char *args; /* what follows the name in its synopsis: "[--limit N]" */
	struct {
		enum cli_opt opt;
		const char *help; /* one line; NULL ends the list */
	} options[CLI_CMD_OPTIONS];
	int min_args, max_args; /* the words after the name */
	const char *needs;      /* what the first min_args are: "a DURATION, like 15m" */
	int (*run)(struct cli *c, char **args, int n_args);
	const char *summary; /* what it does, in lines broken by hand for --help */
	const char *more;    /* what else capctl help NAME says of it, or NULL */
	const char *json;    /* what --json prints, when a line on it helps; or NULL */
	const char *example; /* one command line as typed */
};

/* The table (commands.c), in the order of capctl --help; the commands of a
 * group ("data list", "data show", ...) stand together. */
enum cli_command_id {
	CLI_CMD_STATUS,
	CLI_CMD_PAUSE,
	CLI_CMD_RESUME,
	CLI_CMD_TOGGLE,
	CLI_CMD_EXEMPT_REQUEST,
	CLI_CMD_EXEMPT_LIST,
	CLI_CMD_EXEMPT_WITHDRAW,
	CLI_CMD_EXEMPT_DECIDE,
	CLI_CMD_FORGET,
	CLI_CMD_DATA_LIST,
	CLI_CMD_DATA_SHOW,
	CLI_CMD_DATA_DELETE,
	CLI_CMD_DATA_EXPORT,
	CLI_CMD_HISTORY,
	CLI_CMD_NOTICE,
	CLI_CMD_LIMIT,
	CLI_CMD_CHANGES,
	CLI_CMD_ACKNOWLEDGE,
	CLI_CMD_NOTIFY,
	CLI_CMD_HELP,
	CLI_N_COMMANDS
};
extern const struct cli_command cli_commands[CLI_N_COMMANDS];

#define CLI_NAME(id) (cli_commands[id].name)

struct cli {
	/* Options, wherever they stand on the line. */
	bool json, no_color, help, version;
	int bus; /* -1: from the config */
	const char *config;
	const char *opt[CLI_N_OPTS]; /* NULL when not given; "" for a flag given */
	char **words; /* the command and its arguments: argv's, in an array of argc */
	int n_words;
	const struct cli_command *cmd; /* the command run */

	struct settings settings;
	bool color, utf8;
	DBusConnection *conn;
};

/* ---- output (cli.c) ----
 *
 * Every word for a person leaves through cli_say_to(): the whole text
 * passes the one sanitizer (text/safe.h), so nothing from the agent, the
 * policy or the command line can move the cursor, retitle or recolour the
 * terminal. Line breaks of the format stay; a field that must be one line
 * is passed through cli_line() first, so a break inside it is shown, not
 * obeyed. JSON output has its own escaping (text/json.h). */

void cli_say_to(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "capctl: " and the message, on stderr. */
void cli_complain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define say(...) cli_say_to(stdout, __VA_ARGS__)
#define complain(...) cli_complain(__VA_ARGS__)

/* s made safe as one line, for a field of a line of output: valid until
 * 16 further calls (enough for the fields of one line). */
const char *cli_line(const char *s);
/* The same, padded with spaces to cols display columns: after s, or
 * before it when cols is negative (figures); never cut. printf's %-9s
 * pads by bytes, which misaligns "Größe". Takes two of cli_line's 16. */
const char *cli_cell(const char *s, int cols);

/* A column of a plain-text table: its header (an N_() string, translated
 * where shown), the least width, whether it is right-aligned (figures)
 * and the spaces before it. */
struct cli_column {
	const char *head;
	int min;
	bool right;
	int gap;
};
/* The width of each of cols[n] into w[]: the least, or its translated
 * header's display width when that is wider. */
void cli_columns_fit(const struct cli_column *cols, size_t n, int *w);
/* One line of the table, cells[n] in the widths w[] (the last one not
 * padded); the header when cells is NULL. */
void cli_row(const struct cli_column *cols, const int *w, size_t n, const char *const *cells);

/* Prints the usage error on stderr with the pointer to --help; returns
 * CLI_USAGE. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- the command line (cli.c) ---- */

/* The command words[n] start with: its entry, with the number of words
 * of its name in *used; NULL when they start with none. */
const struct cli_command *cli_find(char **words, int n, int *used);
/* The usage error for words[n] that start with no command: the
 * subcommands when words[0] is a group ("data needs list, show, ..."). */
int cli_unknown(char **words, int n);
/* The commands of the group word names ("data": "data list", ...): their
 * number, the index of the first in *first. 0 when word names no group. */
int cli_group(const char *word, int *first);

/* The arguments: 0, or the usage error printed and CLI_USAGE. */
int cli_parse_duration(const char *word, uint32_t *seconds);
/* --limit N: 1 .. CLI_LIMIT_MAX, def when not given. */
int cli_parse_limit(const struct cli *c, uint64_t def, uint64_t *limit);

/* ---- talking to the agent (cli.c) ----
 *
 * Each returns 0, or the exit status with the reason printed. */

int cli_connect(struct cli *c);
/* Sends m (borrowed) and waits for its answer, an error reply included:
 * the decoder reads both. NULL, with the reason printed and *rc set, only
 * when no answer can come at all. The caller unrefs the reply. */
DBusMessage *cli_call_answer(struct cli *c, int *rc, DBusMessage *m);
/* Calls a method of the agent with the arguments given as for
 * dbus_message_append_args, connecting first when need be. */
DBusMessage *cli_call(struct cli *c, int *rc, const char *iface, const char *method, int first_type,
                      ...);
/* What reading an answer came to, as the exit status: 0 for a good one;
 * else the reason is printed and it is 1 (the agent said no) or 3 (no
 * agent, no bus, or what answered does not speak the contract). Empties
 * f. */
int cli_outcome(const struct cli *c, enum contract_result r, struct contract_fault *f);
/* GetAll, or one property, into a model (model_fini it); the properties
 * into *keep too when keep is not NULL (contract_props_fini them). */
int cli_load_model(struct cli *c, struct model *m, struct contract_props *keep);
int cli_load_property(struct cli *c, struct model *m, enum model_prop prop,
                      struct contract_props *keep);

/* One page of History or ListSegments as the decoder read it. */
struct cli_page {
	uint64_t total;
	size_t n;
	struct contract_history h;
	struct contract_segments s;
};

/* Pages through a (t offset, u limit) -> (t total, a(...)) method up to
 * limit entries, read by read, calling row for each (with j NULL for plain
 * output, and the pager's data; header before the first row when there is
 * any). The pages end
 * at limit, at the total, or at a page shorter than asked: the total is
 * the agent's claim, not a bound. JSON is held back until the last page is
 * in, so a failure half way leaves stdout empty, not half a document:
 * { "total": N, "<list_key>": [ rows ] }. */
struct cli_pager {
	const char *method, *list_key;
	uint32_t page;
	uint64_t limit;
	void (*header)(void);
	enum contract_result (*read)(DBusMessage *reply, uint32_t limit, struct cli_page *pg,
	                             struct contract_fault *f);
	void (*row)(const struct cli_page *pg, size_t i, struct json *j, const void *data);
	const void *data; /* borrowed, for row */
	uint64_t total, got;
};

/* 0, or the exit status of a failed call. */
int cli_page_through(struct cli *c, struct cli_pager *p);

/* ---- shared by the handlers (cli-status.c) ---- */

/* The state in words, coloured when c->color, and why: one line. */
void cli_print_state(const struct cli *c, const struct model *m);
/* When usec is, as a person reads it from now. */
void cli_when_text(uint64_t usec, char *buf, size_t size);

/* ---- shared by the handlers (cli-history.c) ---- */

/* The privacy notice as capctl notice prints it: its version, then each
 * section under its title (capctl acknowledge shows the same). */
void cli_print_notice(const struct model_notice *n);

/* ---- the handlers: the words after the command's name in args[n]; each
 * returns the exit status. Each is called once the line is checked
 * against its entry: no option it does not take, min_args to max_args
 * words ---- */

int cli_status(struct cli *c, char **args, int n_args);          /* cli-status.c */
int cli_pause(struct cli *c, char **args, int n_args);           /* cli-pause.c */
int cli_resume(struct cli *c, char **args, int n_args);          /* cli-pause.c */
int cli_toggle(struct cli *c, char **args, int n_args);          /* cli-pause.c */
int cli_forget(struct cli *c, char **args, int n_args);          /* cli-pause.c */
int cli_exempt_request(struct cli *c, char **args, int n_args);  /* cli-exempt.c */
int cli_exempt_list(struct cli *c, char **args, int n_args);     /* cli-exempt.c */
int cli_exempt_withdraw(struct cli *c, char **args, int n_args); /* cli-exempt.c */
int cli_exempt_decide(struct cli *c, char **args, int n_args);   /* cli-exempt.c */
int cli_data_list(struct cli *c, char **args, int n_args);       /* cli-data.c */
int cli_data_show(struct cli *c, char **args, int n_args);       /* cli-data.c */
int cli_data_delete(struct cli *c, char **args, int n_args);     /* cli-data.c */
int cli_data_export(struct cli *c, char **args, int n_args);     /* cli-data.c */
int cli_history(struct cli *c, char **args, int n_args);         /* cli-history.c */
int cli_notice(struct cli *c, char **args, int n_args);          /* cli-history.c */
/* capctl history --verify (cli-verify.c), for cli_history. */
int cli_history_verify(struct cli *c);
int cli_limit(struct cli *c, char **args, int n_args);       /* cli-consent.c */
int cli_changes(struct cli *c, char **args, int n_args);     /* cli-consent.c */
int cli_acknowledge(struct cli *c, char **args, int n_args); /* cli-consent.c */
int cli_notify(struct cli *c, char **args, int n_args);      /* cli-notify.c */
int cli_help(struct cli *c, char **args, int n_args);        /* cli-help.c */

/* ---- help (cli-help.c) ---- */

/* capctl --help: every command and option. */
void cli_help_all(void);
/* The help of one command: synopsis, what it does, options, example. */
void cli_help_one(const struct cli_command *cmd);

#endif
