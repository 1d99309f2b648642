/* capctl history --verify: History and HistoryChain read whole, page by
 * page side by side, every hash recomputed and checked against the newest
 * entry this user found intact last time (model/verify.h), which is kept
 * when the check passes. */
#include "cli/cli-int.h"
#include "i18n.h"
#include "model/verify.h"
#include "names.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define VERIFY_PAGE 1000 /* the agent's largest page */
#define VERIFY_TRIES 3   /* reads of a History that grew meanwhile */

/* One page of both methods at offset, fed to v: 0, 1 when History
 * changed since the first page (the totals differ), or -exit status. */
static int verify_page(struct cli *c, struct verify *v, uint64_t offset, uint64_t *total,
                       size_t *got)
{
	dbus_uint64_t off = offset;
	dbus_uint32_t n = VERIFY_PAGE;
	struct contract_history hi = {0};
	struct contract_chain ch = {0};
	struct contract_fault f;
	int rc = 0;
	DBusMessage *reply = cli_call(c, &rc, CAPCTL_IFACE, "History", DBUS_TYPE_UINT64, &off,
	                              DBUS_TYPE_UINT32, &n, DBUS_TYPE_INVALID);
	if (!reply)
		return -rc;
	rc = cli_outcome(c, contract_read_history(reply, n, &hi, &f), &f);
	dbus_message_unref(reply);
	if (!rc && !(reply = cli_call(c, &rc, CAPCTL_IFACE, "HistoryChain", DBUS_TYPE_UINT64, &off,
	                              DBUS_TYPE_UINT32, &n, DBUS_TYPE_INVALID)))
		rc = rc ? rc : CLI_UNREACHABLE;
	else if (!rc) {
		rc = cli_outcome(c, contract_read_history_chain(reply, n, &ch, &f), &f);
		dbus_message_unref(reply);
	}
	int r = -rc;
	if (!rc) {
		if (offset == 0)
			*total = hi.total;
		r = hi.total != *total || ch.total != *total || hi.n != ch.n;
	}
	for (size_t i = 0; r == 0 && i < hi.n; i++) {
		const struct contract_history_entry *e = &hi.rows[i];
		const struct contract_chain_entry *l = &ch.rows[i];
		verify_feed(v, e->time, e->action, e->detail, e->uid, l->seq, l->prev, l->hash);
	}
	*got = r == 0 ? hi.n : 0;
	contract_history_fini(&hi);
	contract_chain_fini(&ch);
	return r;
}

/* The whole History into v: 0, or the exit status. */
static int verify_fetch(struct cli *c, struct verify *v, const struct verify_seen *seen)
{
	for (int attempt = 0; attempt < VERIFY_TRIES; attempt++) {
		uint64_t total = 0, offset = 0;
		size_t got;
		int r;
		verify_fini(v);
		verify_init(v, seen);
		do {
			r = verify_page(c, v, offset, &total, &got);
			offset += got;
		} while (r == 0 && got == VERIFY_PAGE && offset < total);
		if (r <= 0)
			return -r;
	}
	complain(_("History kept growing while it was read, %d times; try again\n"), VERIFY_TRIES);
	return CLI_REFUSED;
}

static void json_entry(struct json *j, const char *key, bool have, uint64_t seq, uint64_t time)
{
	json_key(j, key);
	if (!have) {
		json_null(j);
		return;
	}
	json_object_begin(j);
	json_key(j, "seq");
	json_uint(j, seq);
	json_key(j, "time");
	json_uint(j, time);
	json_object_end(j);
}

static void verify_json(const struct verify *v, const char *sentence)
{
	struct json j;
	bool ok = v->fault == VERIFY_OK;
	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "entries");
	json_uint(&j, v->n);
	json_key(&j, "intact");
	json_bool(&j, ok);
	json_key(&j, "first_check");
	json_bool(&j, !v->seen.have);
	json_entry(&j, "newest", v->any, v->newest_seq, v->newest_time);
	json_entry(&j, "last_seen", v->seen.have, v->seen.seq, v->seen.time);
	json_key(&j, "last_checked");
	if (v->seen.have)
		json_uint(&j, v->seen.checked);
	else
		json_null(&j);
	json_key(&j, "problem");
	if (ok)
		json_null(&j);
	else
		json_string(&j, sentence);
	json_entry(&j, "entry", !ok && v->fault_seq, v->fault_seq, v->fault_time);
	json_object_end(&j);
	json_finish(&j);
}

int cli_history_verify(struct cli *c)
{
	const char *bus = c->bus == SETTINGS_BUS_SYSTEM ? "system" : "session";
	struct verify_seen seen;
	struct verify v;
	char *why = NULL, sentence[2048];
	if (c->opt[CLI_OPT_LIMIT])
		return cli_usage("%s", _("--verify checks the whole History; it takes no --limit"));
	char *path = verify_seen_path();
	if (!path) {
		complain("%s",
		         _("neither XDG_STATE_HOME nor HOME is set, so there is nowhere to keep "
		           "what you saw\n"));
		return CLI_USAGE;
	}
	if (verify_seen_load(path, bus, &seen, &why) < 0) {
		complain(_("cannot compare with what you saw last time: %s (remove the file to "
		           "start again)\n"),
		         cli_line(why));
		free(why);
		free(path);
		return CLI_REFUSED;
	}
	verify_init(&v, &seen);
	int rc = cli_connect(c);
	if (!rc)
		rc = verify_fetch(c, &v, &seen);
	if (!rc) {
		verify_finish(&v);
		verify_sentence(&v, !c->json, sentence, sizeof sentence);
		if (c->json)
			verify_json(&v, sentence);
		else if (v.fault == VERIFY_OK)
			say("%s.\n", sentence);
		else
			say(_("History check failed: %s.\n"), sentence);
		rc = v.fault == VERIFY_OK ? CLI_OK : CLI_REFUSED;
	}
	struct verify_seen newest = verify_newest(&v, now_usec());
	if (rc == CLI_OK && newest.have && verify_seen_store(path, bus, &newest, &why) < 0) {
		complain(_("%s, so the next check cannot compare with this one\n"), cli_line(why));
		free(why);
	}
	verify_fini(&v);
	free(path);
	return rc;
}
