/* capctl --help and capctl help [COMMAND]: every command, or one with its
 * options and an example, all from the table (commands.c), as text or
 * as JSON. */
#include "cli/cli-int.h"
#include "i18n.h"
#include "text/text.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#define HELP_COLUMN 25 /* where the second column of a help starts */
#define HELP_WIDTH 80

static const char *const usage_text =
    N_("Usage: capctl [OPTIONS]                 open the console\n"
       "       capctl [OPTIONS] COMMAND [ARGS]   do one thing and exit\n");

static const char *const options_text =
    N_("Options:\n"
       "  --session, --system    which bus the agent is on (default: bus in\n"
       "                         capctl.conf, else the session bus); not both\n"
       "  --config FILE          read FILE instead of ~/.config/capctl/capctl.conf\n"
       "  --json                 print one JSON document on stdout (every command)\n"
       "  --no-color             no colour (also when NO_COLOR is set)\n"
       "  -h, --help             show this help\n"
       "  -V, --version          show the version\n");

static const char *const footer_text =
    N_("DURATION is like 90s, 15m, 1h or 1h30m. SCOPE is all, pointer.motion,\n"
       "pointer.button, pointer.scroll, keyboard or window.focus; CATEGORY is medical,\n"
       "legal, accessibility, works-council, personal or other.\n"
       "Exit status: 0 done, 1 the agent refused or a segment to delete is not\n"
       "kept, 2 usage or configuration error or an export file that exists,\n"
       "3 the agent cannot be reached or does not keep to its D-Bus contract.\n"
       "See capctl(1).\n");

const char *const cli_common_help[CLI_N_COMMON] = {
    [CLI_COMMON_SESSION] = "the agent on the session bus",
    [CLI_COMMON_SYSTEM] = "the agent on the system bus",
    [CLI_COMMON_CONFIG] = "read FILE instead of ~/.config/capctl/capctl.conf",
    [CLI_COMMON_JSON] = "print one JSON document on stdout",
    [CLI_COMMON_NO_COLOR] = "no colour",
    [CLI_COMMON_HELP] = "show the help",
    [CLI_COMMON_VERSION] = "show the version",
};

/* Prints the lines of text wrapped to cols, the first from where the
 * cursor is, the others after indent spaces. */
static void wrapped_at(const char *text, int indent, int cols)
{
	struct text_line *lines;
	size_t n = text_wrap(text, strlen(text), cols, &lines);
	for (size_t i = 0; i < n; i++)
		say("%*s%.*s\n", i ? indent : 0, "", (int)lines[i].len, text + lines[i].start);
	free(lines);
}

/* "  LABEL   text": the text from HELP_COLUMN on, below a label too wide
 * to leave two spaces before it; the label measured in display columns
 * (a translated DATEI or GRÖSSE). */
static void two_columns(const char *label, const char *text)
{
	if (text_width(label, strlen(label)) <= HELP_COLUMN - 4)
		say("  %s", cli_cell(label, HELP_COLUMN - 2));
	else
		say("  %s\n%*s", label, HELP_COLUMN, "");
	wrapped_at(text, HELP_COLUMN, HELP_WIDTH - HELP_COLUMN);
}

/* "data list [--limit N]": the name and what follows it, in the person's
 * language when tr (--json's is always English). */
static char *synopsis(const struct cli_command *cmd, bool tr)
{
	if (!cmd->args)
		return xstrdup(cmd->name);
	return xasprintf("%s %s", cmd->name, tr ? _(cmd->args) : cmd->args);
}

/* The summary as one line, its hand-made breaks made spaces. */
static char *one_line(const char *summary)
{
	char *s = xstrdup(summary);
	for (char *p = s; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return s;
}

/* The summary made a sentence, its first letter up (in any language: "über"
 * becomes "Über"), a full stop after it, then more. */
static char *sentence(const char *what, const char *more)
{
	uint32_t cp = 0;
	size_t n = *what ? text_decode(what, strlen(what), &cp) : 0;
	char up[4];
	size_t k = n ? text_encode((uint32_t)towupper((wint_t)cp), up) : 0;
	if (!k)
		return xasprintf("%s.%s", what, more);
	return xasprintf("%.*s%s.%s", (int)k, up, what + n, more);
}

void cli_help_all(void)
{
	say("%s\n%s\n", _(usage_text), _("Commands:"));
	for (int i = 0; i < CLI_N_COMMANDS; i++) {
		char *syn = synopsis(&cli_commands[i], true);
		two_columns(syn, _(cli_commands[i].summary));
		free(syn);
	}
	say("\n%s\n%s", _(options_text), _(footer_text));
}

/* "-o, --output FILE" */
static char *option_label(enum cli_opt opt)
{
	const struct cli_option *o = &cli_options[opt];
	return xasprintf("%s%s%s%s%s", o->name, o->alias ? ", " : "", o->alias ? o->alias : "",
	                 o->value ? " " : "", o->value ? _(o->value) : "");
}

void cli_help_one(const struct cli_command *cmd)
{
	char *syn = synopsis(cmd, true), *what = one_line(_(cmd->summary));
	char *more = cmd->more ? xasprintf(" %s", _(cmd->more)) : xstrdup("");
	char *para = sentence(what, more);
	/* TRANSLATORS: as the first line of capctl --help: "Usage:" and the
	 * words in capitals, then a command's synopsis. */
	char *usage = xasprintf(_("Usage: capctl [OPTIONS] %s"), syn);
	wrapped_at(usage, 8, HELP_WIDTH - 8);
	say("\n");
	wrapped_at(para, 0, HELP_WIDTH - 1);
	say("\n%s\n", _("Options:"));
	for (int i = 0; i < CLI_CMD_OPTIONS && cmd->options[i].help; i++) {
		char *label = option_label(cmd->options[i].opt);
		two_columns(label, _(cmd->options[i].help));
		free(label);
	}
	two_columns("--json",
	            cmd->json ? _(cmd->json) : _("print the result as one JSON document"));
	say("\n%s\n  %s\n\n", _("Example:"), _(cmd->example));
	say("%s", _("Every command also takes --session or --system, --config FILE and\n"
	            "--no-color: see capctl --help, and capctl(1).\n"));
	free(usage);
	free(para);
	free(more);
	free(what);
	free(syn);
}

/* name, synopsis and help; with all, the options and the example too. */
static void entry_json(struct json *j, const struct cli_command *cmd, bool all)
{
	char *syn = synopsis(cmd, false), *what = one_line(cmd->summary);
	json_object_begin(j);
	json_key(j, "name");
	json_string(j, cmd->name);
	json_key(j, "synopsis");
	json_string(j, syn);
	json_key(j, "help");
	json_string(j, what);
	if (all) {
		json_key(j, "options");
		json_array_begin(j);
		for (int i = 0; i < CLI_CMD_OPTIONS && cmd->options[i].help; i++) {
			const struct cli_option *o = &cli_options[cmd->options[i].opt];
			json_object_begin(j);
			json_key(j, "name");
			json_string(j, o->name);
			json_key(j, "value");
			if (o->value)
				json_string(j, o->value);
			else
				json_null(j);
			json_key(j, "help");
			json_string(j, cmd->options[i].help);
			json_object_end(j);
		}
		json_array_end(j);
		json_key(j, "example");
		json_string(j, cmd->example);
	}
	json_object_end(j);
	free(what);
	free(syn);
}

/* The commands first .. first + n - 1: one alone as its entry, else
 * {"commands": [...]}; all as entry_json has it. */
static void commands_json(int first, int n, bool all)
{
	struct json j;
	json_init(&j, stdout);
	if (n == 1) {
		entry_json(&j, &cli_commands[first], all);
	} else {
		json_object_begin(&j);
		json_key(&j, "commands");
		json_array_begin(&j);
		for (int i = first; i < first + n; i++)
			entry_json(&j, &cli_commands[i], all);
		json_array_end(&j);
		json_object_end(&j);
	}
	json_finish(&j);
}

/* The help of the commands first .. first + n - 1, one after the other. */
static void commands_text(int first, int n)
{
	for (int i = first; i < first + n; i++) {
		if (i > first)
			say("\n");
		cli_help_one(&cli_commands[i]);
	}
}

int cli_help(struct cli *c, char **args, int n_args)
{
	int used, first, n;
	const struct cli_command *cmd = n_args ? cli_find(args, n_args, &used) : NULL;
	if (n_args == 0) {
		first = 0;
		n = CLI_N_COMMANDS;
	} else if (cmd && used < n_args) {
		return cli_usage(_("unexpected argument '%s' after %s %s"), args[used],
		                 c->cmd->name, cmd->name);
	} else if (cmd) {
		first = (int)(cmd - cli_commands);
		n = 1;
	} else if (n_args > 1 || !(n = cli_group(args[0], &first))) {
		return cli_unknown(args, n_args);
	}
	if (c->json)
		commands_json(first, n, n_args > 0);
	else if (n_args == 0)
		cli_help_all();
	else
		commands_text(first, n);
	return 0;
}
