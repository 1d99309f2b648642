/* gen-completion SHELL < TEMPLATE > SCRIPT: capctl's completion for bash,
 * zsh or fish, from the CLI's own tables. The template (capctl.bash,
 * _capctl.zsh, capctl.fish beside this file) holds the shell's logic; its
 * @TABLE@ line becomes the table in that shell's words: the commands, the
 * options of each, the value each option takes, the arguments of each
 * command as its synopsis names them, and the words a value may be.
 * make runs it; nothing is written by hand twice. */
#include "cli/cli-int.h"
#include "contract.h"
#include "model/export.h"
#include "model/form.h"
#include "model/summary.h"
#include "names.h"

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The placeholders the tables use, and how a value of each is completed:
 * a word of a list, something the shell or the agent knows (the
 * template's business), or nothing to offer (free text). */
enum meta_kind { META_LIST, META_DYNAMIC, META_FREE };
static const struct {
	const char *name;
	enum meta_kind kind;
} metas[] = {
    {"SCOPE", META_LIST},      {"CATEGORY", META_LIST}, {"STREAM", META_LIST},
    {"COMMAND", META_DYNAMIC}, {"FILE", META_DYNAMIC},  {"SEGMENT-ID", META_DYNAMIC},
    {"ID", META_DYNAMIC},      {"DURATION", META_FREE}, {"N", META_FREE},
    {"TEXT", META_FREE},       {"TIME", META_FREE},     {"FORMAT", META_LIST},
    {"LEVEL", META_LIST},
};

/* How a shell writes the table: functions that switch on their words. */
struct shell {
	const char *name;
	const char *one, *two;                     /* the subject: the first word, the first two */
	const char *fn_before, *fn_mid, *fn_after; /* around the name and the subject */
	const char *label_open, *label_sep, *label_close, *case_close, *switch_close, *fn_close;
	void (*quote)(const char *s, bool wild); /* wild: a trailing * matches anything */
};

/* 'it'\''s', or the word bare when it needs no quotes. */
static void sh_quote(const char *s, bool wild)
{
	if (*s &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.,/-") ==
	        strlen(s)) {
		fputs(s, stdout);
	} else {
		putchar('\'');
		for (; *s; s++)
			fputs(*s == '\'' ? "'\\''" : (char[]){*s, 0}, stdout);
		putchar('\'');
	}
	if (wild)
		putchar('*');
}

/* 'it\'s': fish matches a * of a case even when quoted. */
static void fish_quote(const char *s, bool wild)
{
	putchar('\'');
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	fputs(wild ? "*'" : "'", stdout);
}

static const struct shell shells[] = {
    {"bash", "$1", "\"$1 $2\"", "", "() {\n\tcase ", " in\n", "\t", "|", ")\n", "\t\t;;\n",
     "\tesac\n", "}\n", sh_quote},
    {"zsh", "$1", "\"$1 $2\"", "", "() {\n\tcase ", " in\n", "\t", "|", ")\n", "\t\t;;\n",
     "\tesac\n", "}\n", sh_quote},
    {"fish", "\"$argv[1]\"", "\"$argv[1] $argv[2]\"", "function ", "\n\tswitch ", "\n", "\tcase ",
     " ", "\n", "", "\tend\n", "end\n", fish_quote},
};

static const struct shell *sh;

static void fn_open(const char *name, const char *what, const char *subject)
{
	printf("\n# %s\n", what);
	printf("%s%s%s%s%s", sh->fn_before, name, sh->fn_mid, subject, sh->fn_after);
}

static void fn_close(const char *tail)
{
	fputs(sh->switch_close, stdout);
	if (tail)
		printf("\t%s\n", tail);
	fputs(sh->fn_close, stdout);
}

/* One case: its labels (NULL-ended; a label ending in " *" is wild). */
static void label(const char *const *labels)
{
	fputs(sh->label_open, stdout);
	for (size_t i = 0; labels[i]; i++) {
		size_t n = strlen(labels[i]);
		bool wild = n >= 2 && strcmp(labels[i] + n - 2, " *") == 0;
		char *s = strndup(labels[i], wild ? n - 1 : n);
		if (!s)
			abort();
		fputs(i ? sh->label_sep : "", stdout);
		sh->quote(s, wild);
		free(s);
	}
	fputs(sh->label_close, stdout);
}

static void label1(const char *l)
{
	label((const char *const[]){l, NULL});
}

/* The words of a case, one a line: "printf '%s\n' a b c"; with desc, each
 * word and its description on a line of their own, a tab between. */
static void words_begin(bool desc)
{
	fputs(desc ? "\t\tprintf '%s\\t%s\\n'" : "\t\tprintf '%s\\n'", stdout);
}

static void word(const char *w, const char *desc)
{
	fputs(desc ? " \\\n\t\t\t" : " ", stdout);
	sh->quote(w, false);
	if (desc) {
		putchar(' ');
		sh->quote(desc, false);
	}
}

static void words_end(void)
{
	putchar('\n');
	fputs(sh->case_close, stdout);
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fail(const char *fmt, ...)
{
	va_list ap;
	fputs("gen-completion: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static enum meta_kind meta(const char *name, const char *where)
{
	for (size_t i = 0; i < sizeof metas / sizeof metas[0]; i++)
		if (strcmp(metas[i].name, name) == 0)
			return metas[i].kind;
	fail("%s names %s, which the completion does not know: add it to metas[] of "
	     "scripts/completion/gen-completion.c, and to the templates if the shell or the agent "
	     "knows its values",
	     where, name);
}

/* ---- the commands ---- */

/* The first word of a command's name, in buf. */
static const char *first_word(const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%.*s", (int)strcspn(name, " "), name);
	return buf;
}

/* Whether command i starts a group or stands alone: the first of the
 * commands with its first word (a group's commands stand together). */
static bool first_of_word(int i)
{
	char a[64], b[64];
	return i == 0 || strcmp(first_word(cli_commands[i].name, a, sizeof a),
	                        first_word(cli_commands[i - 1].name, b, sizeof b)) != 0;
}

/* The summary on one line. */
static char *flat(const char *s)
{
	char *t = strdup(s);
	if (!t)
		abort();
	for (char *p = t; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return t;
}

/* What a group is, for the list of commands: its subcommands, "list,
 * show, delete or export". */
static void group_word(const char *group)
{
	char subs[256] = "";
	size_t len = strlen(group), at = 0;
	int first = 0, n = cli_group(group, &first);
	for (int k = 0; k < n && at < sizeof subs; k++)
		at += (size_t)snprintf(subs + at, sizeof subs - at, "%s%s",
		                       k == 0       ? ""
		                       : k == n - 1 ? " or "
		                                    : ", ",
		                       cli_commands[first + k].name + len + 1);
	word(group, subs);
}

/* The words that may follow prefix ("" or a group), each with what it
 * does. */
static void commands_after(const char *prefix)
{
	size_t len = strlen(prefix);
	words_begin(true);
	for (int i = 0; i < CLI_N_COMMANDS; i++) {
		const char *name = cli_commands[i].name;
		char *summary = flat(cli_commands[i].summary), w[64];
		if (len && strncmp(name, prefix, len) == 0 && name[len] == ' ')
			word(name + len + 1, summary);
		else if (!len && !strchr(name, ' '))
			word(name, summary);
		else if (!len && first_of_word(i))
			group_word(first_word(name, w, sizeof w));
		free(summary);
	}
	words_end();
}

static void commands(void)
{
	const char *names[CLI_N_COMMANDS + 1] = {NULL};
	char w[64];

	fn_open("__capctl_commands",
	        "__capctl_commands PREFIX: the words that may follow PREFIX (\"\" or a group) in a "
	        "command's name, each with a tab and what it does",
	        sh->one);
	label1("");
	commands_after("");
	for (int i = 0; i < CLI_N_COMMANDS; i++) {
		if (!strchr(cli_commands[i].name, ' ') || !first_of_word(i))
			continue;
		label1(first_word(cli_commands[i].name, w, sizeof w));
		commands_after(w);
	}
	fn_close(NULL);

	for (int i = 0; i < CLI_N_COMMANDS; i++)
		names[i] = cli_commands[i].name;
	fn_open("__capctl_command", "__capctl_command NAME: whether NAME is a command", sh->one);
	label(names);
	printf("\t\treturn 0\n%s", sh->case_close);
	fn_close("return 1");
}

/* ---- the options ---- */

static void option_words(const struct cli_option *o, const char *help)
{
	word(o->name, help);
	if (o->alias)
		word(o->alias, help);
}

static void options(void)
{
	fn_open("__capctl_options",
	        "__capctl_options COMMAND: the options COMMAND takes, each with a tab and what it "
	        "does; those of every command for \"\"",
	        sh->one);
	label1("");
	words_begin(true);
	for (int k = 0; k < CLI_N_COMMON; k++)
		option_words(&cli_common[k], cli_common_help[k]);
	words_end();
	for (int i = 0; i < CLI_N_COMMANDS; i++) {
		const struct cli_command *cmd = &cli_commands[i];
		if (!cmd->options[0].help)
			continue;
		label1(cmd->name);
		words_begin(true);
		for (int k = 0; k < CLI_CMD_OPTIONS && cmd->options[k].help; k++)
			option_words(&cli_options[cmd->options[k].opt], cmd->options[k].help);
		words_end();
	}
	fn_close(NULL);
}

/* An option's value, as the tables call it; the option as written. */
static void option_value(const struct cli_option *o)
{
	if (!o->value)
		return;
	meta(o->value, o->name);
	label((const char *const[]){o->name, o->alias, NULL});
	words_begin(false);
	word(o->value, NULL);
	words_end();
}

static void values_of_options(void)
{
	fn_open("__capctl_value",
	        "__capctl_value OPTION: what OPTION's value is (nothing for a flag or no option)",
	        sh->one);
	for (int k = 0; k < CLI_N_COMMON; k++)
		option_value(&cli_common[k]);
	for (int k = 0; k < CLI_N_OPTS; k++)
		option_value(&cli_options[k]);
	fn_close(NULL);
}

/* ---- the arguments, from the synopsis: "ID approve|deny [--note TEXT]"
 * has ID and approve|deny; "SEGMENT-ID..." has SEGMENT-ID as often as
 * wanted ---- */

#define MAX_POSITIONAL 8

struct positional {
	char *word[MAX_POSITIONAL];
	int n;
	bool repeats; /* the last, as often as wanted */
};

/* The value an option takes by its name or alias, or NULL. */
static const char *value_of(const char *name)
{
	for (int k = 0; k < CLI_N_OPTS; k++)
		if (strcmp(cli_options[k].name, name) == 0 ||
		    (cli_options[k].alias && strcmp(cli_options[k].alias, name) == 0))
			return cli_options[k].value;
	return NULL;
}

static void synopsis(const struct cli_command *cmd, struct positional *p)
{
	char *args = strdup(cmd->args ? cmd->args : ""), *save = NULL;
	bool skip = false;
	if (!args)
		abort();
	memset(p, 0, sizeof *p);
	for (char *t = strtok_r(args, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		t += strspn(t, "[");
		t[strcspn(t, "]")] = '\0';
		if (skip) {
			skip = false;
		} else if (strcmp(t, "|") == 0) {
			/* "[--limit N] | --verify": a choice of options */
		} else if (t[0] == '-') {
			skip = value_of(t) != NULL;
		} else {
			size_t n = strlen(t);
			if (p->n == MAX_POSITIONAL)
				fail("%s has more arguments than MAX_POSITIONAL", cmd->name);
			p->repeats = n > 3 && strcmp(t + n - 3, "...") == 0;
			p->word[p->n] = strndup(t, p->repeats ? n - 3 : n);
			if (!p->word[p->n++])
				abort();
		}
	}
	free(args);
}

/* Every placeholder of a word: "approve|deny" has none, "LEVEL|none"
 * LEVEL. */
static void check_word(const char *w, const char *where)
{
	char *s = strdup(w), *save = NULL;
	if (!s)
		abort();
	for (char *t = strtok_r(s, "|", &save); t; t = strtok_r(NULL, "|", &save))
		if (t[0] >= 'A' && t[0] <= 'Z')
			meta(t, where);
	free(s);
}

static void argument_case(const char *name, const char *n, const char *w)
{
	char *l = malloc(strlen(name) + strlen(n) + 2);
	if (!l)
		abort();
	sprintf(l, "%s %s", name, n);
	label1(l);
	words_begin(false);
	word(w, NULL);
	words_end();
	free(l);
}

static void arguments(void)
{
	fn_open("__capctl_argument",
	        "__capctl_argument COMMAND N: what the Nth word after COMMAND's name is, when it "
	        "is no option",
	        sh->two);
	for (int i = 0; i < CLI_N_COMMANDS; i++) {
		const struct cli_command *cmd = &cli_commands[i];
		struct positional p;
		char n[16];
		synopsis(cmd, &p);
		if (p.n > cmd->max_args || (p.repeats && cmd->max_args != INT_MAX))
			fail("the synopsis of %s does not agree with its max_args", cmd->name);
		for (int k = 0; k < p.n; k++) {
			check_word(p.word[k], cmd->name);
			snprintf(n, sizeof n, "%d", k + 1);
			argument_case(cmd->name, n, p.word[k]);
		}
		/* "help data list": COMMAND is two words. */
		for (int k = p.n; p.n && !p.repeats && k < cmd->max_args; k++) {
			snprintf(n, sizeof n, "%d", k + 1);
			argument_case(cmd->name, n, p.word[p.n - 1]);
		}
		if (p.repeats)
			argument_case(cmd->name, "*", p.word[p.n - 1]);
		for (int k = 0; k < p.n; k++)
			free(p.word[k]);
	}
	fn_close(NULL);
}

/* ---- the words a value may be ---- */

/* Every stream's levels, each once, from the most kept down. */
static void level_words(void)
{
	const char *seen[16];
	size_t n = 0;
	for (int k = 0; k < N_STREAMS; k++) {
		const char *level;
		for (size_t i = 0;
		     (level = summary_level(contract_stream_name((enum stream)k), i, NULL)); i++) {
			size_t j = 0;
			while (j < n && strcmp(seen[j], level) != 0)
				j++;
			if (j == n && n < sizeof seen / sizeof seen[0]) {
				seen[n++] = level;
				word(level, NULL);
			}
		}
	}
}

/* The words of a META_LIST placeholder: the scopes and categories the CLI
 * checks a request against, the streams of the contract. */
static void list_words(const char *name)
{
	if (strcmp(name, "SCOPE") == 0)
		for (size_t i = 0; form_scopes[i]; i++)
			word(form_scopes[i], NULL);
	else if (strcmp(name, "CATEGORY") == 0)
		for (size_t i = 0; form_categories[i]; i++)
			word(form_categories[i], NULL);
	else if (strcmp(name, "STREAM") == 0)
		for (int k = 0; k < N_STREAMS; k++)
			word(contract_stream_name((enum stream)k), NULL);
	else if (strcmp(name, "FORMAT") == 0)
		for (int f = 0; f < N_EXPORT_FORMATS; f++)
			word(export_format_names[f], NULL);
	else if (strcmp(name, "LEVEL") == 0)
		level_words();
	else
		fail("metas[] has %s as a list, but list_words() does not know its words", name);
}

/* "approve|deny": approve and deny; a list among them, its words. */
static void alternatives_case(const char *w)
{
	char *s = strdup(w), *save = NULL;
	if (!s)
		abort();
	label1(w);
	words_begin(false);
	for (char *t = strtok_r(s, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
		if (t[0] < 'A' || t[0] > 'Z')
			word(t, NULL);
		else if (meta(t, w) == META_LIST)
			list_words(t);
		else
			fail("%s in %s: only a list can stand among alternatives", t, w);
	}
	words_end();
	free(s);
}

static void values(void)
{
	fn_open("__capctl_values",
	        "__capctl_values WHAT: the words a value of WHAT may be, when they are a list",
	        sh->one);
	for (size_t i = 0; i < sizeof metas / sizeof metas[0]; i++) {
		if (metas[i].kind != META_LIST)
			continue;
		label1(metas[i].name);
		words_begin(false);
		list_words(metas[i].name);
		words_end();
	}
	for (int i = 0; i < CLI_N_COMMANDS; i++) {
		struct positional p;
		synopsis(&cli_commands[i], &p);
		for (int k = 0; k < p.n; k++) {
			if (strchr(p.word[k], '|'))
				alternatives_case(p.word[k]);
			free(p.word[k]);
		}
	}
	fn_close(NULL);
}

/* ---- the template ---- */

int main(int argc, char **argv)
{
	char line[4096];
	bool done = false;

	for (size_t i = 0; argc == 2 && i < sizeof shells / sizeof shells[0]; i++)
		if (strcmp(argv[1], shells[i].name) == 0)
			sh = &shells[i];
	if (!sh) {
		fputs("Usage: gen-completion bash|zsh|fish < TEMPLATE > SCRIPT\n", stderr);
		return 2;
	}
	while (fgets(line, sizeof line, stdin)) {
		if (strcmp(line, "@TABLE@\n") != 0) {
			fputs(line, stdout);
			continue;
		}
		printf("# ---- generated from capctl's command table by gen-completion ----\n");
		commands();
		options();
		values_of_options();
		arguments();
		values();
		printf("\n# ---- end of the table ----\n");
		done = true;
	}
	if (!done)
		fail("the template on stdin has no @TABLE@ line");
	if (fflush(stdout) != 0 || ferror(stdout))
		fail("cannot write the script");
	return 0;
}
