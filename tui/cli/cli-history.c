/* capctl history and notice: the agent's log of what was done, and the
 * privacy notice of the policy in force. history --verify is in
 * cli-verify.c. */
#include "cli/cli-int.h"
#include "i18n.h"
#include "model/summary.h"
#include "names.h"
#include "phrase.h"
#include "text/human.h"
#include "text/text.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HISTORY_DEFAULT 20
#define HISTORY_PAGE 1000 /* the agent's largest page */

/* As the console names them (human_user). */
static void user_name(uint32_t uid, char *buf, size_t size)
{
	human_user(uid, buf, size);
}

static enum contract_result history_read(DBusMessage *reply, uint32_t limit, struct cli_page *pg,
                                         struct contract_fault *f)
{
	enum contract_result r = contract_read_history(reply, limit, &pg->h, f);
	pg->total = pg->h.total;
	pg->n = pg->h.n;
	return r;
}

static void history_row(const struct cli_page *pg, size_t i, struct json *j, const void *data)
{
	(void)data;
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
		say("%s  %s %s %s\n", when, cli_cell(e->action, 26), cli_cell(who, 10),
		    cli_line(phrase_shown(e->detail)));
	}
}

int cli_history(struct cli *c, char **args, int n_args)
{
	(void)args;
	(void)n_args;
	struct cli_pager p = {.method = "History",
	                      .list_key = "entries",
	                      .page = HISTORY_PAGE,
	                      .read = history_read,
	                      .row = history_row};
	int rc;
	if (c->opt[CLI_OPT_VERIFY])
		return cli_history_verify(c);
	if ((rc = cli_parse_limit(c, HISTORY_DEFAULT, &p.limit)) || (rc = cli_connect(c)) ||
	    (rc = cli_page_through(c, &p)))
		return rc;
	if (!c->json && p.got == 0)
		say("%s", _("Nothing logged yet.\n"));
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

void cli_print_notice(const struct model_notice *n)
{
	struct summary_notice_part parts[SUMMARY_NOTICE_PARTS];
	summary_notice_parts(n, parts);
	bool any = false;
	if (n->version && *n->version)
		say(_("Privacy notice, version %s\n"), cli_line(n->version));
	else
		say("%s", _("Privacy notice\n"));
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		if (!parts[i].text || !*parts[i].text)
			continue;
		any = true;
		say("\n%s\n", parts[i].title);
		wrapped(parts[i].text, 76);
	}
	if (!any)
		say("\n%s", _("The policy in force has no privacy notice.\n"));
}

int cli_notice(struct cli *c, char **args, int n_args)
{
	(void)args;
	(void)n_args;
	struct model m;
	int rc;
	struct contract_props p;
	if ((rc = cli_load_property(c, &m, MODEL_PROP_NOTICE, &p)))
		return rc;
	if (c->json) {
		/* The dictionary as the decoder read it. */
		struct json j;
		json_init(&j, stdout);
		json_contract_dict(&j, CONTRACT_PROP_NOTICE, &p.notice);
		json_finish(&j);
	} else {
		cli_print_notice(&m.notice);
	}
	contract_props_fini(&p);
	model_fini(&m);
	return 0;
}
