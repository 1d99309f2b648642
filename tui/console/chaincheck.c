/* The console's check of History's chain, as capctl history --verify
 * makes it (model/verify.h) but on the loop: History and HistoryChain page
 * by page, one request at a time, on start and each time the History
 * view opens. A check that fails leaves a banner (ui.chain_warning) over
 * every view; one that passes keeps what it found in history-seen. */
#include "console/console-impl.h"
#include "contract.h"
#include "i18n.h"
#include "model/verify.h"
#include "names.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define CHECK_PAGE 1000 /* the agent's largest page */
#define CHECK_TRIES 3   /* reads of a History that grew meanwhile */

struct console_verify {
	unsigned gen; /* replies to an earlier run are stale */
	int tries;
	struct verify_seen seen;
	struct verify v;
	uint64_t offset, total;
	struct contract_history page; /* History's page, waiting for its chain */
};

struct check_req {
	struct console *c;
	unsigned gen;
};

/* The banner: head, detail and tail put together. */
static void warn(struct console *c, const char *head, const char *detail, const char *tail)
{
	char *text = xasprintf("%s%s%s", head, detail, tail);
	bool same = c->ui.chain_warning && strcmp(c->ui.chain_warning, text) == 0;
	ui_set_string(&c->ui.chain_warning, text);
	free(text);
	if (!same)
		console_dirty(c, MODEL_DIRTY_STATE);
}

static void request(struct console *c, const char *method, bus_reply_fn fn)
{
	struct check_req *r = xmalloc(sizeof *r);
	*r = (struct check_req){c, c->verify->gen};
	dbus_uint64_t offset = c->verify->offset;
	dbus_uint32_t limit = CHECK_PAGE;
	client_call(c->client, CAPCTL_IFACE, method, fn, r, free, DBUS_TYPE_UINT64, &offset,
	            DBUS_TYPE_UINT32, &limit, DBUS_TYPE_INVALID);
}

static void on_history(DBusMessage *reply, void *data);

/* A run from the newest entry. */
static void begin(struct console *c)
{
	struct console_verify *s = c->verify;
	s->gen++;
	verify_fini(&s->v);
	verify_init(&s->v, &s->seen);
	contract_history_fini(&s->page);
	s->offset = s->total = 0;
	request(c, "History", on_history);
}

/* The reply of this run from the agent shown, read by the decoder: true
 * when it is good; a bad one ends the run with its words in the banner. */
static bool good(struct console *c, const struct check_req *r, DBusMessage *reply,
                 enum contract_result res, struct contract_fault *f)
{
	const char *sender = dbus_message_get_sender(reply);
	bool current = r->gen == c->verify->gen && c->model.owner && sender &&
	               strcmp(sender, c->model.owner) == 0;
	if (current && res == CONTRACT_MALFORMED)
		warn(c, _("History could not be checked: "), f->message, ".");
	else if (current && res == CONTRACT_REFUSED && !client_error_unreachable(f->name))
		warn(c, _("History could not be checked: "), *f->message ? f->message : f->name,
		     "");
	if (res != CONTRACT_OK)
		contract_fault_fini(f);
	return current && res == CONTRACT_OK;
}

static void finish(struct console *c)
{
	struct console_verify *s = c->verify;
	char sentence[2048], *why = NULL;
	verify_finish(&s->v);
	verify_sentence(&s->v, true, sentence, sizeof sentence);
	if (s->v.fault != VERIFY_OK) {
		warn(c, _("History check failed: "), sentence, ".");
		return;
	}
	struct verify_seen newest = verify_newest(&s->v, now_usec());
	char *path = verify_seen_path();
	if (newest.have && path && verify_seen_store(path, c->ui.bus_name, &newest, &why) < 0)
		warn(c, _("History is intact, but "), why, ".");
	else if (c->ui.chain_warning) {
		ui_set_string(&c->ui.chain_warning, NULL);
		console_dirty(c, MODEL_DIRTY_STATE);
	}
	if (newest.have)
		s->seen = newest;
	free(why);
	free(path);
}

static void on_chain(DBusMessage *reply, void *data)
{
	struct check_req *r = data;
	struct console *c = r->c;
	struct console_verify *s = c->verify;
	struct contract_chain ch;
	struct contract_fault f;
	if (!good(c, r, reply, contract_read_history_chain(reply, CHECK_PAGE, &ch, &f), &f)) {
		contract_chain_fini(&ch); /* a stale page read well */
		return;
	}
	bool moved = s->page.total != s->total || ch.total != s->total || s->page.n != ch.n;
	for (size_t i = 0; !moved && i < ch.n; i++) {
		const struct contract_history_entry *e = &s->page.rows[i];
		const struct contract_chain_entry *l = &ch.rows[i];
		verify_feed(&s->v, e->time, e->action, e->detail, e->uid, l->seq, l->prev, l->hash);
	}
	size_t n = ch.n;
	contract_chain_fini(&ch);
	contract_history_fini(&s->page);
	if (moved && ++s->tries < CHECK_TRIES)
		begin(c);
	else if (moved)
		warn(c, _("History could not be checked: "), _("it kept growing while it was read"),
		     ".");
	else if (n == CHECK_PAGE && (s->offset += n) < s->total)
		request(c, "History", on_history);
	else
		finish(c);
}

static void on_history(DBusMessage *reply, void *data)
{
	struct check_req *r = data;
	struct console *c = r->c;
	struct console_verify *s = c->verify;
	struct contract_fault f;
	struct contract_history page;
	if (!good(c, r, reply, contract_read_history(reply, CHECK_PAGE, &page, &f), &f)) {
		contract_history_fini(&page);
		return;
	}
	if (s->offset == 0)
		s->total = page.total;
	contract_history_fini(&s->page);
	s->page = page;
	request(c, "HistoryChain", on_chain);
}

void console_verify(struct console *c)
{
	if (!c->client || c->model.link != MODEL_LINK_LIVE)
		return;
	if (!c->verify)
		c->verify = xcalloc(1, sizeof *c->verify);
	char *path = verify_seen_path(), *why = NULL;
	if (!path) {
		warn(c, _("History cannot be checked: "),
		     _("neither XDG_STATE_HOME nor HOME is set, so there is nowhere to keep what "
		       "you saw"),
		     ".");
		return;
	}
	int r = verify_seen_load(path, c->ui.bus_name, &c->verify->seen, &why);
	free(path);
	if (r < 0) {
		warn(c, _("History cannot be compared with what you saw last time: "), why, ".");
		free(why);
		c->verify->gen++; /* a run under way is moot */
		return;
	}
	c->verify->tries = 0;
	begin(c);
}

void console_verify_free(struct console *c)
{
	if (!c->verify)
		return;
	verify_fini(&c->verify->v);
	contract_history_fini(&c->verify->page);
	free(c->verify);
	c->verify = NULL;
}
