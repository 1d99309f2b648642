/* capctl pause, resume, toggle and forget: the requests that stop, start
 * and erase recording. */
#include "cli/cli-int.h"
#include "i18n.h"
#include "names.h"
#include "text/human.h"
#include "util.h"

#include <string.h>

static int do_pause(struct cli *c, const char *word, const char *action_key)
{
	uint32_t seconds = 0;
	int rc;
	if (word && (rc = cli_parse_duration(word, &seconds)))
		return rc;
	if (!word) {
		struct model m;
		if ((rc = cli_load_model(c, &m, NULL)))
			return rc;
		seconds = model_default_pause(&m, c->settings.default_pause_minutes, now_usec());
		model_fini(&m);
	}
	dbus_uint32_t s = seconds;
	uint64_t until;
	struct contract_fault f;
	rc = 0;
	DBusMessage *reply =
	    cli_call(c, &rc, CAPCTL_IFACE, "Pause", DBUS_TYPE_UINT32, &s, DBUS_TYPE_INVALID);
	if (!reply)
		return rc;
	rc = cli_outcome(c, contract_read_pause(reply, &until, &f), &f);
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
		cli_when_text(until, when, sizeof when);
		human_minutes(seconds, len, sizeof len);
		say(_("Paused until %s (%s).\n"), when, len);
	}
	return 0;
}

static int do_resume(struct cli *c, const char *action_key)
{
	int rc = 0;
	struct contract_fault f;
	DBusMessage *reply = cli_call(c, &rc, CAPCTL_IFACE, "Resume", DBUS_TYPE_INVALID);
	if (!reply)
		return rc;
	rc = cli_outcome(c, contract_read_empty(reply, "Resume", &f), &f);
	dbus_message_unref(reply);
	if (rc)
		return rc;
	struct model m;
	if ((rc = cli_load_model(c, &m, NULL)))
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
		/* TRANSLATORS: followed by the state and why: "collecting: ...". */
		say("%s", _("Resumed. Now "));
		cli_print_state(c, &m);
	}
	model_fini(&m);
	return 0;
}

int cli_pause(struct cli *c, char **args, int n_args)
{
	return do_pause(c, n_args ? args[0] : NULL, NULL);
}

int cli_resume(struct cli *c, char **args, int n_args)
{
	(void)args;
	(void)n_args;
	return do_resume(c, NULL);
}

int cli_toggle(struct cli *c, char **args, int n_args)
{
	const char *word = n_args ? args[0] : NULL;
	struct model m;
	uint32_t seconds;
	int rc;
	/* A bad duration is a usage error even when it would not be used. */
	if (word && (rc = cli_parse_duration(word, &seconds)))
		return rc;
	if ((rc = cli_load_model(c, &m, NULL)))
		return rc;
	bool paused = model_state(&m) == MODEL_STATE_PAUSED;
	model_fini(&m);
	return paused ? do_resume(c, "resumed") : do_pause(c, word, "paused");
}

int cli_forget(struct cli *c, char **args, int n_args)
{
	const char *word = args[0];
	(void)n_args;
	uint32_t seconds;
	int rc;
	char len[32], n[32];
	if ((rc = cli_parse_duration(word, &seconds)))
		return rc;
	if ((rc = cli_connect(c)))
		return rc;
	dbus_uint32_t s = seconds;
	uint32_t removed;
	struct contract_fault f;
	DBusMessage *reply =
	    cli_call(c, &rc, CAPCTL_IFACE, "Forget", DBUS_TYPE_UINT32, &s, DBUS_TYPE_INVALID);
	if (!reply)
		return rc;
	rc = cli_outcome(c, contract_read_forget(reply, &removed, &f), &f);
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
			say(P_("Forgot %s event recorded in the last %s.\n",
			       "Forgot %s events recorded in the last %s.\n", removed),
			    n, len);
		else
			say(_("Nothing was kept from the last %s.\n"), len);
	}
	return 0;
}
