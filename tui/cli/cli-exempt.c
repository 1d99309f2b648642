/* capctl exempt: asking to be exempted from recording, the requests and
 * their status, withdrawing one, and deciding one (administrators). */
#include "cli/cli-int.h"
#include "model/form.h"
#include "names.h"
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

int cli_exempt_request(struct cli *c, char **args, int n_args)
{
	(void)args;
	(void)n_args;
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
			return cli_usage(
			    "exempt request needs %s (it takes --scope, --category, --days "
			    "and --reason)",
			    need[i].name);
	if ((why = form_check_scope(c->scope)))
		return cli_usage("invalid scope '%s': %s", c->scope, why);
	if ((why = form_check_category(c->category)))
		return cli_usage("invalid category '%s': %s", c->category, why);
	if ((why = form_check_days_text(c->days, &days)))
		return cli_usage("invalid days '%s': %s", c->days, why);
	if ((why = form_check_reason(c->reason, buf, sizeof buf)))
		return cli_usage("invalid reason: %s", why);
	int rc = cli_connect(c);
	if (rc)
		return rc;
	dbus_uint32_t d = days;
	DBusMessage *reply = cli_call(c, &rc, CAPCTL_IFACE, "RequestExemption", DBUS_TYPE_STRING,
	                              &c->scope, DBUS_TYPE_STRING, &c->category, DBUS_TYPE_STRING,
	                              &c->reason, DBUS_TYPE_UINT32, &d, DBUS_TYPE_INVALID);
	if (!reply)
		return rc;
	char *id;
	struct contract_fault f;
	rc = cli_outcome(c, contract_read_request(reply, &id, &f), &f);
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
		say("Requested %s; it waits for a decision.\n", cli_line(id));
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
		say("No exemption requests.\n");
	} else {
		for (size_t i = 0; i < m.n_ex; i++) {
			const struct model_exemption *e = &m.ex[i];
			char asked[32], until[32];
			full_time(e->created, asked, sizeof asked);
			say("%-6s %-9s %-15s %-14s asked %s", cli_line(e->id), e->status, e->scope,
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

int cli_exempt_decide(struct cli *c, char **args, int n_args)
{
	const char *id = args[0], *verdict = args[1];
	(void)n_args;
	char buf[128];
	const char *note = c->note ? c->note : "";
	dbus_bool_t approve;
	if (strcmp(verdict, "approve") == 0)
		approve = TRUE;
	else if (strcmp(verdict, "deny") == 0)
		approve = FALSE;
	else
		return cli_usage("exempt decide: '%s' is neither approve nor deny", verdict);
	if (*note && form_check_reason(note, buf, sizeof buf))
		return cli_usage(
		    "invalid note: it must be at most %d bytes of text with no control "
		    "characters but line breaks",
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
