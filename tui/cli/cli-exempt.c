/* capctl exempt: asking to be exempted from recording, the requests and
 * their status, withdrawing one, and deciding one (administrators). */
#include "cli/cli-int.h"
#include "i18n.h"
#include "model/form.h"
#include "names.h"
#include "text/text.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A date and time that reads the same tomorrow: for lists. */
static void full_time(uint64_t usec, char *buf, size_t size)
{
	time_t t = (time_t)(usec / USEC_PER_SEC);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
}

/* TRANSLATORS: an exemption's status in capctl exempt list. */
static const char *const status_known[] = {N_("pending"), N_("approved"), N_("denied"),
                                           N_("withdrawn"), N_("expired")};

/* An exemption's status in the person's words; one this version does not
 * know (a newer agent's) as the agent sent it. */
static const char *status_words(const char *status)
{
	for (size_t i = 0; i < ARRAY_SIZE(status_known); i++)
		if (strcmp(status, status_known[i]) == 0)
			return _(status_known[i]);
	return status;
}

/* The status column: as wide as the widest status in the person's
 * language, at least 9. */
static int status_width(void)
{
	int w = 9;
	for (size_t i = 0; i < ARRAY_SIZE(status_known); i++) {
		const char *s = _(status_known[i]);
		int sw = text_width(s, strlen(s));
		if (sw > w)
			w = sw;
	}
	return w;
}

/* {"id": id, "status": status}: what a request, a withdrawal and a
 * decision come to. */
static void id_status_json(const char *id, const char *status)
{
	struct json j;
	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "id");
	json_string(&j, id);
	json_key(&j, "status");
	json_string(&j, status);
	json_object_end(&j);
	json_finish(&j);
}

/* A request needs every option its entry lists: the first one missing,
 * named with all of them. */
static int request_needs(const struct cli *c)
{
	const struct cli_command *cmd = c->cmd;
	char all[128] = "";
	int n = 0, missing = -1;
	while (n < CLI_CMD_OPTIONS && cmd->options[n].help)
		n++;
	for (int i = 0; i < n; i++) {
		enum cli_opt o = cmd->options[i].opt;
		size_t at = strlen(all);
		snprintf(all + at, sizeof all - at, "%s%s",
		         i == 0       ? ""
		         : i == n - 1 ? _(" and ")
		                      : ", ",
		         cli_options[o].name);
		if (missing < 0 && !c->opt[o])
			missing = (int)o;
	}
	if (missing < 0)
		return 0;
	return cli_usage(_("%s needs %s %s (it takes %s)"), cmd->name, cli_options[missing].name,
	                 _(cli_options[missing].value), all);
}

int cli_exempt_request(struct cli *c, char **args, int n_args)
{
	const char *scope = c->opt[CLI_OPT_SCOPE], *category = c->opt[CLI_OPT_CATEGORY];
	const char *days_text = c->opt[CLI_OPT_DAYS], *reason = c->opt[CLI_OPT_REASON];
	char buf[128];
	const char *why;
	uint32_t days;
	int rc;
	(void)args;
	(void)n_args;
	if ((rc = request_needs(c)))
		return rc;
	if ((why = form_check_scope(scope)))
		return cli_usage(_("invalid scope '%s': %s"), scope, why);
	if ((why = form_check_category(category)))
		return cli_usage(_("invalid category '%s': %s"), category, why);
	if ((why = form_check_days_text(days_text, &days)))
		return cli_usage(_("invalid days '%s': %s"), days_text, why);
	if ((why = form_check_reason(reason, buf, sizeof buf)))
		return cli_usage(_("invalid reason: %s"), why);
	if ((rc = cli_connect(c)))
		return rc;
	dbus_uint32_t d = days;
	DBusMessage *reply = cli_call(c, &rc, CAPCTL_IFACE, "RequestExemption", DBUS_TYPE_STRING,
	                              &scope, DBUS_TYPE_STRING, &category, DBUS_TYPE_STRING,
	                              &reason, DBUS_TYPE_UINT32, &d, DBUS_TYPE_INVALID);
	if (!reply)
		return rc;
	char *id;
	struct contract_fault f;
	rc = cli_outcome(c, contract_read_request(reply, &id, &f), &f);
	dbus_message_unref(reply);
	if (rc)
		return rc;
	if (c->json)
		id_status_json(id, "pending");
	else
		say(_("Requested %s; it waits for a decision.\n"), cli_line(id));
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

int cli_exempt_list(struct cli *c, char **args, int n_args)
{
	(void)args;
	(void)n_args;
	struct model m;
	int rc = cli_load_property(c, &m, MODEL_PROP_EXEMPTIONS, NULL);
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
		say("%s", _("No exemption requests.\n"));
	} else {
		int sw = status_width();
		for (size_t i = 0; i < m.n_ex; i++) {
			const struct model_exemption *e = &m.ex[i];
			char asked[32], until[32];
			full_time(e->created, asked, sizeof asked);
			say("%s %s %s %s ", cli_cell(e->id, 6),
			    cli_cell(status_words(e->status), sw), cli_cell(e->scope, 15),
			    cli_cell(e->category, 14));
			/* TRANSLATORS: after an exemption's id, status, scope and category. */
			say(_("asked %s"), asked);
			if (e->expires) {
				full_time(e->expires, until, sizeof until);
				say(_(", until %s"), until);
			}
			say("\n");
			indented("    ", e->reason);
			if (*e->note) {
				say("    %s\n", _("Note:"));
				indented("    ", e->note);
			}
		}
	}
	model_fini(&m);
	return 0;
}

int cli_exempt_withdraw(struct cli *c, char **args, int n_args)
{
	const char *id = args[0];
	(void)n_args;
	int rc = cli_connect(c);
	if (rc)
		return rc;
	struct contract_fault f;
	DBusMessage *reply = cli_call(c, &rc, CAPCTL_IFACE, "WithdrawExemption", DBUS_TYPE_STRING,
	                              &id, DBUS_TYPE_INVALID);
	if (!reply)
		return rc;
	rc = cli_outcome(c, contract_read_empty(reply, "WithdrawExemption", &f), &f);
	dbus_message_unref(reply);
	if (rc)
		return rc;
	if (c->json)
		id_status_json(id, "withdrawn");
	else
		say(_("%s withdrawn.\n"), id);
	return 0;
}

int cli_exempt_decide(struct cli *c, char **args, int n_args)
{
	const char *id = args[0], *verdict = args[1];
	(void)n_args;
	char buf[128];
	const char *note = c->opt[CLI_OPT_NOTE] ? c->opt[CLI_OPT_NOTE] : "";
	dbus_bool_t approve;
	if (strcmp(verdict, "approve") == 0)
		approve = TRUE;
	else if (strcmp(verdict, "deny") == 0)
		approve = FALSE;
	else
		return cli_usage(_("%s: '%s' is neither approve nor deny"), c->cmd->name, verdict);
	if (*note && form_check_reason(note, buf, sizeof buf))
		return cli_usage(
		    _("invalid note: it must be at most %d bytes of text with no control "
		      "characters but line breaks"),
		    FORM_REASON_MAX);
	int rc = cli_connect(c);
	if (rc)
		return rc;
	DBusMessage *reply =
	    cli_call(c, &rc, CAPCTL_IFACE_ADMIN, "DecideExemption", DBUS_TYPE_STRING, &id,
	             DBUS_TYPE_BOOLEAN, &approve, DBUS_TYPE_STRING, &note, DBUS_TYPE_INVALID);
	if (!reply)
		return rc;
	struct contract_fault f;
	rc = cli_outcome(c, contract_read_empty(reply, "DecideExemption", &f), &f);
	dbus_message_unref(reply);
	if (rc)
		return rc;
	const char *status = approve ? "approved" : "denied";
	if (c->json)
		id_status_json(id, status);
	else if (approve)
		say(_("%s approved.\n"), id);
	else
		say(_("%s denied.\n"), id);
	return 0;
}
