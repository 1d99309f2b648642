/* capctl changes, acknowledge and limit: what the policy changed since the
 * person acknowledged it, acknowledging it, and keeping less of a stream
 * than the policy allows. */
#include "cli/cli-int.h"
#include "i18n.h"
#include "model/summary.h"
#include "names.h"
#include "phrase.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static bool never_acknowledged(const struct model_consent *mc)
{
	return !mc->acknowledged_digest || !*mc->acknowledged_digest;
}

/* "2027-01-04 14:32", local time. */
static void local_minute(uint64_t usec, char *buf, size_t size)
{
	time_t t = (time_t)(usec / USEC_PER_SEC);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
}

/* Whether a change waits, after the list of changes. */
static void say_waiting(const struct model_consent *mc, bool hint)
{
	if (!mc->wait)
		say("%s", _("The policy does not wait for your acknowledgment: all of it is in "
		            "force.\n"));
	else if (mc->waiting)
		/* TRANSLATORS: %s is " ('capctl acknowledge')" or nothing. */
		say(_("What keeps more waits until you acknowledge it%s;\n"
		      "what keeps less is in force already.\n"),
		    hint ? " ('capctl acknowledge')" : "");
	else
		say("%s", _("Each change keeps less, and is in force already.\n"));
}

/* What capctl changes says, and capctl acknowledge shows before it asks:
 * the changes in words (summary_change), the first time what the policy
 * keeps. hint: name the commands to run next. */
static void print_changes(const struct cli *c, const struct model *m, bool hint)
{
	const struct model_consent *mc = &m->consent;
	bool first = never_acknowledged(mc);
	char when[40], line[400];
	if (!first && mc->n_changes == 0) {
		local_minute(mc->acknowledged, when, sizeof when);
		say(_("Nothing changed since you acknowledged the policy on %s.\n"), when);
		return;
	}
	if (first && mc->wait)
		/* TRANSLATORS: %s is " ('capctl acknowledge')" or nothing. */
		say(_("Nothing is recorded until you acknowledge the policy%s. It keeps:\n"),
		    hint ? " ('capctl acknowledge')" : "");
	else if (first)
		say("%s", _("You have not acknowledged the policy; it does not wait for that, and "
		            "is in force. It keeps:\n"));
	else {
		local_minute(mc->acknowledged, when, sizeof when);
		say(_("The policy changed since you acknowledged it on %s:\n"), when);
	}
	for (size_t i = 0; i < mc->n_changes; i++) {
		/* The first time, the notice is a text of its own. */
		if (first && strncmp(mc->changes[i].key, "notice.", 7) == 0)
			continue;
		summary_change(&mc->changes[i], first, c->utf8, line, sizeof line);
		say("  %s\n", cli_line(line));
	}
	if (first && hint)
		say("%s", _("Its privacy notice: 'capctl notice'.\n"));
	else if (!first)
		say_waiting(mc, hint);
}

int cli_changes(struct cli *c, char **args, int n_args)
{
	(void)args;
	(void)n_args;
	struct model m;
	struct contract_props p;
	int rc;
	if ((rc = cli_load_property(c, &m, MODEL_PROP_CONSENT, &p)))
		return rc;
	if (c->json) {
		/* The dictionary as the decoder read it. */
		struct json j;
		json_init(&j, stdout);
		json_contract_dict(&j, CONTRACT_PROP_CONSENT, &p.consent);
		json_finish(&j);
	} else {
		print_changes(c, &m, true);
	}
	contract_props_fini(&p);
	model_fini(&m);
	return 0;
}

/* The person's answer on the terminal: true for y or yes, or for the
 * words of their language. */
static bool ask(const char *question)
{
	char *answer = NULL;
	size_t size = 0;
	/* TRANSLATORS: the choices after a question; the capital one is what
	 * Enter picks (no). */
	say("%s %s ", question, _("[y/N]"));
	fflush(stdout);
	ssize_t n = getline(&answer, &size, stdin);
	if (n < 0)
		say("\n"); /* end of input: the prompt's line ends */
	while (n > 0 && (answer[n - 1] == '\n' || answer[n - 1] == '\r' || answer[n - 1] == ' '))
		answer[--n] = '\0';
	/* TRANSLATORS: the short and the long yes of [y/N]; y and yes are
	 * taken too, in every language. */
	const char *y = _("y"), *yes_word = _("yes");
	bool yes = n > 0 && (strcasecmp(answer, "y") == 0 || strcasecmp(answer, "yes") == 0 ||
	                     strcasecmp(answer, y) == 0 || strcasecmp(answer, yes_word) == 0);
	free(answer);
	return yes;
}

/* AcknowledgePolicy with the digest shown: 0, or the exit status with the
 * reason printed; the two refusals a person meets in words of their own. */
static int acknowledge_call(struct cli *c, const char *digest)
{
	int rc = 0;
	struct contract_fault f;
	DBusMessage *reply = cli_call(c, &rc, CAPCTL_IFACE, "AcknowledgePolicy", DBUS_TYPE_STRING,
	                              &digest, DBUS_TYPE_INVALID);
	if (!reply)
		return rc;
	enum contract_result r = contract_read_empty(reply, "AcknowledgePolicy", &f);
	dbus_message_unref(reply);
	const char *why = NULL;
	if (r == CONTRACT_REFUSED && strcmp(f.name, CAPCTL_ERR_POLICY_CHANGED) == 0)
		why = _("the policy changed while you read it, so nothing was acknowledged: see "
		        "what it says now with 'capctl changes'");
	else if (r == CONTRACT_REFUSED && strcmp(f.name, DBUS_ERR_ACCESS_DENIED) == 0)
		why = _("only the monitored user may acknowledge the policy, not an administrator "
		        "for them");
	if (why) {
		complain("%s: %s\n", cli_line(f.name), why);
		contract_fault_fini(&f);
		return CLI_REFUSED;
	}
	return cli_outcome(c, r, &f);
}

static void json_acknowledged(const char *digest)
{
	struct json j;
	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "acknowledged");
	json_string(&j, digest);
	json_object_end(&j);
	json_finish(&j);
}

/* Shows what is acknowledged and asks, unless --yes: true to go on. */
static bool show_and_ask(const struct cli *c, const struct model *m, bool yes)
{
	if (c->json)
		return true;
	print_changes(c, m, false);
	say("\n");
	cli_print_notice(&m->notice);
	say("\n");
	if (yes || ask(_("Acknowledge this policy?")))
		return true;
	say("%s", _("Nothing acknowledged.\n"));
	return false;
}

int cli_acknowledge(struct cli *c, char **args, int n_args)
{
	(void)args;
	(void)n_args;
	bool yes = c->opt[CLI_OPT_YES] != NULL;
	struct model m;
	int rc;
	if (c->json && !yes)
		return cli_usage(_("%s --json needs --yes: it prints JSON, so it cannot ask"),
		                 CLI_NAME(CLI_CMD_ACKNOWLEDGE));
	if (!yes && !isatty(STDIN_FILENO))
		return cli_usage(_("%s asks on the terminal, and stdin is not one: read 'capctl "
		                   "changes' and 'capctl notice', then use --yes"),
		                 CLI_NAME(CLI_CMD_ACKNOWLEDGE));
	if ((rc = cli_load_model(c, &m, NULL)))
		return rc;
	const struct model_consent *mc = &m.consent;
	char *digest = xstrdup(mc->digest ? mc->digest : "");
	/* Acknowledged as it is: nothing to ask, nothing to send. */
	bool done = !never_acknowledged(mc) && strcmp(mc->acknowledged_digest, digest) == 0;
	if (done && !c->json)
		print_changes(c, &m, false);
	bool go = !done && show_and_ask(c, &m, yes);
	model_fini(&m);
	if (go)
		rc = acknowledge_call(c, digest);
	if (!rc && (go || done) && c->json) {
		json_acknowledged(digest);
	} else if (!rc && go && !(rc = cli_load_model(c, &m, NULL))) {
		/* TRANSLATORS: followed by the state and why: "collecting: ...". */
		say("%s", _("Acknowledged. Now "));
		cli_print_state(c, &m);
		model_fini(&m);
	}
	free(digest);
	return rc;
}

/* ---- limit ---- */

static int parse_stream(const char *word)
{
	for (int s = 0; s < N_STREAMS; s++)
		if (strcmp(word, contract_stream_name((enum stream)s)) == 0)
			return s;
	return -1;
}

static void json_limit(const char *stream, const char *level, const struct model_stream *s)
{
	struct json j;
	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "stream");
	json_string(&j, stream);
	json_key(&j, "limit");
	json_string(&j, level);
	json_key(&j, "fidelity");
	json_string(&j, s->fidelity);
	json_key(&j, "description");
	json_string(&j, s->description);
	json_object_end(&j);
	json_finish(&j);
}

/* What the stream is kept at now, read again from Streams. */
static int limit_result(struct cli *c, const char *stream, const char *level)
{
	struct model m;
	int rc;
	if ((rc = cli_load_property(c, &m, MODEL_PROP_STREAMS, NULL)))
		return rc;
	const struct model_stream *s = NULL;
	for (size_t i = 0; i < m.n_streams && !s; i++)
		if (strcmp(m.streams[i].id, stream) == 0)
			s = &m.streams[i];
	if (!s) {
		complain(_("the agent's Streams property has no stream %s\n"), stream);
		rc = CLI_UNREACHABLE;
	} else if (c->json) {
		json_limit(stream, level, s);
	} else {
		if (*level)
			say(_("Limited %s to %s.\n"), stream, level);
		else
			say(_("Lifted your limit on %s.\n"), stream);
		say(_("%s is kept at %s now: %s\n"), stream, cli_line(s->fidelity),
		    cli_line(phrase_shown(s->description)));
	}
	model_fini(&m);
	return rc;
}

int cli_limit(struct cli *c, char **args, int n_args)
{
	(void)n_args;
	const char *stream = args[0], *word = args[1];
	if (parse_stream(stream) < 0)
		return cli_usage(
		    _("invalid stream '%s': the stream is pointer.motion, pointer.button, "
		      "pointer.scroll, keyboard or window.focus"),
		    stream);
	if (!*word)
		return cli_usage(
		    _("invalid level '': write a level of %s, or none to lift your limit"), stream);
	const char *level = strcmp(word, "none") == 0 ? "" : word;
	int rc = 0;
	struct contract_fault f;
	DBusMessage *reply = cli_call(c, &rc, CAPCTL_IFACE, "LimitStream", DBUS_TYPE_STRING,
	                              &stream, DBUS_TYPE_STRING, &level, DBUS_TYPE_INVALID);
	if (!reply)
		return rc;
	rc = cli_outcome(c, contract_read_empty(reply, "LimitStream", &f), &f);
	dbus_message_unref(reply);
	if (rc)
		return rc;
	return limit_result(c, stream, level);
}
