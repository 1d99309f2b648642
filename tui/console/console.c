/* The console's loop and its edges: keys and signals turned into loop
 * events (the terminal itself is term.c), the bus connection, the agent's
 * properties and the pages of lists, and one paint per loop pass. The
 * requests of actions and dialogs are in calls.c, the export in
 * export-job.c. */
#define _GNU_SOURCE
#include "console/console-impl.h"
#include "console/frame.h"
#include "console/term.h"
#include "contract.h"
#include "dialog/consent.h"
#include "dialog/dialog.h"
#include "i18n.h"
#include "names.h"
#include "text/safe.h"
#include "util.h"

#include <ctype.h>
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* RecentEvents at most this often (4 a second), and only while the Live
 * view is on screen. */
#define LIVE_INTERVAL_USEC 250000

/* ---- painting ---- */

static void request_pages(struct console *c);

/* Wakes when something on screen changes by itself (the pause countdown,
 * "in 4 min", a sparkline moving on), plus a millisecond so it has; with
 * nothing like that on screen, not at all. */
static void arm_tick(struct console *c)
{
	uint64_t now = now_usec();
	if (c->ui.redraw_at == UINT64_MAX) {
		loop_timer_disarm(c->tick_timer);
		return;
	}
	loop_timer_arm_in(c->tick_timer,
	                  (c->ui.redraw_at > now ? c->ui.redraw_at - now : 0) + 1000);
}

static void export_progress(struct console *c)
{
	struct ui_export *e = &c->ui.export;
	if (!e->running)
		return;
	e->listing = c->job.listing;
	e->segs_total = export_segments(&c->job);
	e->segs_done = c->job.segs_done;
	e->events_written = c->job.events_written;
	e->events_expected = c->job.events_expected;
}

static void paint(struct console *c)
{
	c->ui.now = now_usec();
	c->ui.redraw_at = UINT64_MAX;
	if (c->clear) {
		clearok(curscr, TRUE);
		c->clear = false;
	}
	ui_message_expire(&c->ui, &c->model);
	export_progress(c);
	frame_paint(stdscr, &c->model, &c->ui);
	if (c->ui.cursor_on != c->cursor_shown) {
		curs_set(c->ui.cursor_on ? 1 : 0);
		c->cursor_shown = c->ui.cursor_on;
	}
	if (c->ui.cursor_on)
		wmove(stdscr, c->ui.cursor_y, c->ui.cursor_x);
	wnoutrefresh(stdscr);
	doupdate();
	if (c->pending & MODEL_DIRTY_COUNTERS)
		c->last_counters = mono_usec();
	c->pending = 0;
	request_pages(c);
	arm_tick(c);
}

static void on_paint(struct loop_timer *t, void *data)
{
	(void)t;
	paint(data);
}

static void on_tick(struct loop_timer *t, void *data)
{
	struct console *c = data;
	(void)t;
	console_dirty(c, MODEL_DIRTY_STATE);
}

/* A change of the policy that waits opens "What changed" on its own, once
 * per digest: left for later, it waits behind the Overview's banner. */
static void consent_check(struct console *c)
{
	const struct model_consent *mc = &c->model.consent;
	const char *later = c->ui.consent_later;
	if (mc->waiting && mc->digest && *mc->digest && !c->ui.dialog &&
	    (!later || strcmp(later, mc->digest) != 0))
		dialog_consent_open(c);
}

void console_dirty(struct console *c, unsigned dirty)
{
	if (!dirty || !c->curses)
		return;
	if (dirty & MODEL_DIRTY_CONSENT)
		consent_check(c);
	uint64_t now = mono_usec(), at = now;
	c->pending |= dirty;
	if (!(dirty & MODEL_DIRTY_URGENT)) {
		/* Counters are drawn at most once per refresh_ms, counted from
		 * the last frame that drew new counters (a key's frame does
		 * not hold them back), with a twentieth of it for the jitter of
		 * an agent that sends them once a second. One that comes too
		 * soon waits a full refresh_ms from now, a little longer than
		 * the rule asks: then the next update arrives first and is
		 * drawn as it lands, and frames lock on to the updates, one
		 * wakeup each, instead of a timer firing just before each one. */
		uint64_t refresh = (uint64_t)c->settings->refresh_ms * 1000, slack = refresh / 20;
		if (now + slack < c->last_counters + refresh) {
			at = c->last_counters + refresh;
			if (at < now + refresh + slack)
				at = now + refresh + slack;
		}
	}
	if (!loop_timer_armed(c->paint_timer) || at < c->paint_at) {
		loop_timer_arm(c->paint_timer, at);
		c->paint_at = at;
	}
}

static void apply(struct console *c, unsigned flags)
{
	if (flags & CONSOLE_QUIT) {
		loop_quit(c->loop, c->exit_code);
		return;
	}
	if (flags & CONSOLE_CLEAR)
		c->clear = true;
	if (flags & (CONSOLE_PAINT | CONSOLE_CLEAR))
		console_dirty(c, MODEL_DIRTY_STATE);
}

/* ---- the agent's replies ---- */

/* A reply belongs to the agent we are showing only if it came from the
 * name's current owner: one from an agent that has gone since is stale. */
static bool from_owner(const struct console *c, DBusMessage *reply)
{
	const char *sender = dbus_message_get_sender(reply);
	return c->model.owner && sender && strcmp(sender, c->model.owner) == 0;
}

/* Whether the segments listed change as events are recorded: the list
 * is empty (the first event opens a segment, where the agent lists the
 * open ones), or its newest is still being written (end 0). */
static bool segs_growing(const struct model *m)
{
	const struct model_segment *s = model_segs_entry(m, 0);
	return (m->segs.known && m->segs.total == 0) || (s && s->end == 0);
}

/* Everything recorded so far, as the streams count it. */
static uint64_t events_recorded(const struct model *m)
{
	uint64_t n = 0;
	for (size_t i = 0; i < m->n_streams; i++)
		n += m->streams[i].events;
	return n;
}

/* What follows from a change of the model beyond drawing it. */
static unsigned after_change(struct console *c, unsigned dirty)
{
	uint64_t events = events_recorded(&c->model);
	bool grew = events != c->events_seen && segs_growing(&c->model);
	c->events_seen = events;
	/* The spool changed (a segment closed, went, was uploaded), or what
	 * is shown grows with what is recorded: the segments shown are
	 * fetched again, at once while the Data view shows them. */
	if ((dirty & MODEL_DIRTY_SPOOL) || grew) {
		pages_refresh(&c->model.segs);
		pages_refresh(&c->model.segev);
		if (c->ui.view == UI_VIEW_DATA)
			request_pages(c);
	}
	return dirty;
}

/* The words for an answer that was no good: the agent's refusal (its
 * message, else its name), or the decoder's sentence made a sentence for
 * the status line (in f, which it changes). */
const char *console_failure(enum contract_result r, struct contract_fault *f)
{
	if (r == CONTRACT_REFUSED)
		return *f->message ? f->message : f->name;
	char *s = xasprintf("%c%s.", toupper((unsigned char)f->message[0]), f->message + 1);
	free(f->message);
	f->message = s;
	return s;
}

/* What the model could not take from a reply, on the status line; the
 * rest of the screen goes on from what it could. */
static void show_fault(struct console *c)
{
	struct contract_fault f = {.message = model_take_fault(&c->model)};
	if (!f.message)
		return;
	ui_message(&c->ui, true, "%s", console_failure(CONTRACT_MALFORMED, &f));
	contract_fault_fini(&f);
	console_dirty(c, MODEL_DIRTY_STATE);
}

static void on_get_all(DBusMessage *reply, void *data)
{
	struct console *c = data;
	if (!from_owner(c, reply))
		return;
	unsigned dirty = model_get_all_reply(&c->model, reply, now_usec());
	show_fault(c);
	if (client_error_name(reply)) {
		console_dirty(c, dirty);
		return;
	}
	model_hist_refresh(&c->model);
	console_dirty(c, after_change(c, dirty) | MODEL_DIRTY_STATE);
}

void console_select_pending(struct console *c)
{
	if (!c->ui.ex_select_id)
		return;
	long i = model_exemption_find(&c->model, c->ui.ex_select_id);
	if (i < 0)
		return;
	c->ui.ex_sel = (size_t)i;
	ui_set_string(&c->ui.ex_select_id, NULL);
}

struct get_req {
	struct console *c;
	enum model_prop prop;
};

static void on_get(DBusMessage *reply, void *data)
{
	struct get_req *r = data;
	struct console *c = r->c;
	if (!from_owner(c, reply))
		return;
	unsigned dirty = model_get_reply(&c->model, r->prop, reply, now_usec());
	show_fault(c);
	if (dirty & MODEL_DIRTY_EXEMPTIONS)
		console_select_pending(c);
	console_dirty(c, after_change(c, dirty));
}

static void on_owner(const char *owner, void *data)
{
	struct console *c = data;
	unsigned dirty =
	    model_set_link(&c->model, owner ? MODEL_LINK_LIVE : MODEL_LINK_GONE, owner);
	if (owner) {
		client_get_all(c->client, on_get_all, c, NULL);
		console_verify(c);
	}
	/* Whatever was on its way to the old agent is moot. */
	dialog_all_answered(&c->ui);
	c->live_waiting = false;
	c->live_last = 0;
	console_dirty(c, dirty);
}

static void on_changed(DBusMessage *sig, void *data)
{
	struct console *c = data;
	uint32_t invalid;
	unsigned dirty = model_changed(&c->model, sig, now_usec(), &invalid);
	show_fault(c);
	for (int p = 0; p < N_MODEL_PROPS; p++) {
		if (!(invalid & (1u << p)))
			continue;
		struct get_req *r = xmalloc(sizeof *r);
		*r = (struct get_req){c, (enum model_prop)p};
		client_get(c->client, model_prop_name((enum model_prop)p), on_get, r, free);
	}
	/* A pause, a resume or a request adds to History: fetch what is on
	 * screen again. */
	if ((dirty & MODEL_DIRTY_STATE) || invalid)
		model_hist_refresh(&c->model);
	if (dirty & MODEL_DIRTY_EXEMPTIONS)
		console_select_pending(c);
	after_change(c, dirty);
	console_dirty(c, dirty | ((dirty & MODEL_DIRTY_STATE) ? MODEL_DIRTY_HISTORY : 0));
}

static void on_reconnect(struct loop_timer *t, void *data);

static void on_disconnected(void *data)
{
	struct console *c = data;
	console_dirty(c, model_set_link(&c->model, MODEL_LINK_NO_BUS, NULL));
	/* The connection cannot be closed from inside its own dispatch;
	 * the timer does it. */
	c->reconnect_ms = 0;
	loop_timer_arm_in(c->reconnect_timer, 0);
}

static const struct client_ops client_ops = {
    .owner_changed = on_owner,
    .properties_changed = on_changed,
    .disconnected = on_disconnected,
};

static void drop_bus(struct console *c)
{
	client_free(c->client);
	c->client = NULL;
	bus_close(c->conn);
	c->conn = NULL;
}

static void on_reconnect(struct loop_timer *t, void *data)
{
	struct console *c = data;
	DBusError err;
	if (c->conn) {
		drop_bus(c);
		c->reconnect_ms = 500;
		loop_timer_arm_in(t, (uint64_t)c->reconnect_ms * 1000);
		return;
	}
	dbus_error_init(&err);
	c->conn = bus_open(c->system_bus, &err);
	dbus_error_free(&err);
	if (!c->conn) {
		/* The bus itself is gone: nothing can signal its return,
		 * so try again, less often the longer it stays away. */
		c->reconnect_ms = c->reconnect_ms < 500 ? 500 : c->reconnect_ms * 2;
		if (c->reconnect_ms > 10000)
			c->reconnect_ms = 10000;
		loop_timer_arm_in(t, (uint64_t)c->reconnect_ms * 1000);
		return;
	}
	bus_attach(c->conn, c->loop);
	console_dirty(c, model_set_link(&c->model, MODEL_LINK_CONNECTING, NULL));
	c->client = client_new(c->conn, &client_ops, c);
}

/* After a change the agent accepted, read everything again. Signals
 * normally bring it first; but on the system bus they reach only root and
 * the group capctl, and this keeps the console right for everyone else. */
void console_reread(struct console *c, DBusMessage *reply)
{
	if (!client_error_name(reply) && c->client && c->model.link == MODEL_LINK_LIVE)
		client_get_all(c->client, on_get_all, c, NULL);
}
/* ---- pages of lists, and the Live view ---- */

struct page_req {
	struct console *c;
	uint64_t page, id;
	unsigned gen;
};

static void on_history(DBusMessage *reply, void *data)
{
	struct page_req *r = data;
	struct console *c = r->c;
	int64_t shift;
	if (!from_owner(c, reply) && !client_error_name(reply))
		return;
	unsigned dirty = model_hist_reply(&c->model, r->page, r->gen, reply, &shift);
	show_fault(c);
	/* New entries push the old ones down: keep the same entries on
	 * screen unless the view is at the top, where new ones belong. */
	if (shift > 0 && c->ui.hist.top > 0)
		c->ui.hist.top += (uint64_t)shift;
	else if (shift < 0)
		c->ui.hist.top =
		    c->ui.hist.top > (uint64_t)-shift ? c->ui.hist.top - (uint64_t)-shift : 0;
	console_dirty(c, dirty);
}

/* The rows first - PAGE/2 .. last + PAGE/2 of a list: a page beyond each
 * edge, so scrolling finds rows ready. */
static size_t want_around(uint64_t top, int rows, uint64_t page, uint64_t *first)
{
	*first = top > page / 2 ? top - page / 2 : 0;
	return (size_t)((top - *first) + (uint64_t)rows + page / 2);
}

static void request_history(struct console *c)
{
	uint64_t pages[PAGES_SLOTS], first;
	size_t n = 0;
	if (c->ui.view == UI_VIEW_HISTORY && c->ui.hist.rows > 0) {
		size_t count =
		    want_around(c->ui.hist.top, c->ui.hist.rows, MODEL_HIST_PAGE_SIZE, &first);
		n = model_hist_want(&c->model, first, count, pages, PAGES_SLOTS);
	} else if (c->ui.view == UI_VIEW_OVERVIEW && c->ui.overview_hist_rows > 0) {
		n = model_hist_want(&c->model, 0, c->ui.overview_hist_rows, pages, PAGES_SLOTS);
	}
	for (size_t i = 0; i < n; i++) {
		struct page_req *r = xmalloc(sizeof *r);
		*r = (struct page_req){c, pages[i], 0, c->model.hist.gen};
		dbus_uint64_t offset = pages[i] * MODEL_HIST_PAGE_SIZE;
		dbus_uint32_t limit = MODEL_HIST_PAGE_SIZE;
		client_call(c->client, CAPCTL_IFACE, "History", on_history, r, free,
		            DBUS_TYPE_UINT64, &offset, DBUS_TYPE_UINT32, &limit, DBUS_TYPE_INVALID);
	}
}

static void on_segments(DBusMessage *reply, void *data)
{
	struct page_req *r = data;
	struct console *c = r->c;
	struct ui *ui = &c->ui;
	int64_t shift;
	if (!from_owner(c, reply) && !client_error_name(reply))
		return;
	unsigned dirty = model_segs_reply(&c->model, r->page, r->gen, reply, &shift);
	show_fault(c);
	/* The list got shorter than the selection (deleted elsewhere). */
	if (c->model.segs.known && ui->data_sel >= c->model.segs.total)
		ui->data_sel = c->model.segs.total ? c->model.segs.total - 1 : 0;
	/* Segments that closed since come first: unless the newest is
	 * selected, keep the selection on the same segment and the same
	 * rows on screen. */
	if (shift > 0 && ui->data_sel > 0) {
		ui->data_sel += (uint64_t)shift;
		ui->data.top += (uint64_t)shift;
	}
	/* Wherever the selected segment went, follow it. */
	const struct model_segment *s = model_segs_entry(&c->model, ui->data_sel);
	if (ui->data_sel_id && (!s || s->id != ui->data_sel_id)) {
		int64_t at = model_segs_find(&c->model, ui->data_sel_id);
		if (at >= 0) {
			int64_t d = at - (int64_t)ui->data_sel;
			ui->data_sel = (uint64_t)at;
			ui->data.top = d >= 0 || ui->data.top >= (uint64_t)-d
			                   ? (uint64_t)((int64_t)ui->data.top + d)
			                   : 0;
		}
	}
	s = model_segs_entry(&c->model, ui->data_sel);
	if (s && (!ui->data_sel_id || ui->data_sel == 0))
		ui->data_sel_id = s->id;
	if (s && ui->open_when_loaded && ui->view == UI_VIEW_DATA)
		action_data_open(c);
	console_dirty(c, dirty);
}

static void request_segments(struct console *c)
{
	uint64_t pages[PAGES_SLOTS], first;
	if (c->ui.data.rows <= 0)
		return;
	size_t count = want_around(c->ui.data.top, c->ui.data.rows, MODEL_SEGS_PAGE_SIZE, &first);
	size_t n = model_segs_want(&c->model, first, count, pages, PAGES_SLOTS);
	for (size_t i = 0; i < n; i++) {
		struct page_req *r = xmalloc(sizeof *r);
		*r = (struct page_req){c, pages[i], 0, c->model.segs.gen};
		dbus_uint64_t offset = pages[i] * MODEL_SEGS_PAGE_SIZE;
		dbus_uint32_t limit = MODEL_SEGS_PAGE_SIZE;
		client_call(c->client, CAPCTL_IFACE, "ListSegments", on_segments, r, free,
		            DBUS_TYPE_UINT64, &offset, DBUS_TYPE_UINT32, &limit, DBUS_TYPE_INVALID);
	}
}

static void on_segev(DBusMessage *reply, void *data)
{
	struct page_req *r = data;
	struct console *c = r->c;
	if (!from_owner(c, reply) && !client_error_name(reply))
		return;
	console_dirty(c, model_segev_reply(&c->model, r->id, r->page, r->gen, reply));
	show_fault(c);
}

static void request_segev(struct console *c)
{
	uint64_t pages[PAGES_SLOTS], first;
	/* An agent that came back knows the segment by the same id. */
	if (c->model.segev_id != c->ui.open.id)
		model_segev_open(&c->model, c->ui.open.id);
	if (c->ui.segev.rows <= 0)
		return;
	size_t count =
	    want_around(c->ui.segev.top, c->ui.segev.rows, MODEL_SEGEV_PAGE_SIZE, &first);
	size_t n = model_segev_want(&c->model, first, count, pages, PAGES_SLOTS);
	for (size_t i = 0; i < n; i++) {
		struct page_req *r = xmalloc(sizeof *r);
		*r = (struct page_req){c, pages[i], c->model.segev_id, c->model.segev.gen};
		dbus_uint64_t id = c->model.segev_id;
		dbus_uint32_t offset = (dbus_uint32_t)(pages[i] * MODEL_SEGEV_PAGE_SIZE);
		dbus_uint32_t limit = MODEL_SEGEV_PAGE_SIZE;
		client_call(c->client, CAPCTL_IFACE, "ReadSegment", on_segev, r, free,
		            DBUS_TYPE_UINT64, &id, DBUS_TYPE_UINT32, &offset, DBUS_TYPE_UINT32,
		            &limit, DBUS_TYPE_INVALID);
	}
}

static bool recording_now(const struct model *m)
{
	for (size_t i = 0; i < m->n_streams; i++)
		if (m->streams[i].recording)
			return true;
	return false;
}

static void request_live(struct console *c);

static void on_live(DBusMessage *reply, void *data)
{
	struct console *c = data;
	c->live_waiting = false;
	if (c->ui.view != UI_VIEW_LIVE || (!from_owner(c, reply) && !client_error_name(reply)))
		return;
	unsigned dirty = model_recent_reply(&c->model, reply);
	show_fault(c);
	/* While something is recorded, look again in a quarter of a second;
	 * else the next change the agent signals brings the next look. */
	if (recording_now(&c->model))
		loop_timer_arm(c->live_timer, c->live_last + LIVE_INTERVAL_USEC);
	console_dirty(c, dirty);
}

static void on_live_timer(struct loop_timer *t, void *data)
{
	(void)t;
	request_live(data);
}

static void request_live(struct console *c)
{
	if (c->ui.view != UI_VIEW_LIVE || !c->client || c->model.link != MODEL_LINK_LIVE) {
		loop_timer_disarm(c->live_timer);
		return;
	}
	if (c->live_waiting)
		return;
	uint64_t now = mono_usec();
	if (c->live_last && now < c->live_last + LIVE_INTERVAL_USEC) {
		loop_timer_arm(c->live_timer, c->live_last + LIVE_INTERVAL_USEC);
		return;
	}
	int rows = c->ui.live_rows;
	dbus_uint32_t limit = rows < 1 ? 1 : rows > 1000 ? 1000 : (dbus_uint32_t)rows;
	if (client_call(c->client, CAPCTL_IFACE, "RecentEvents", on_live, c, NULL, DBUS_TYPE_UINT32,
	                &limit, DBUS_TYPE_INVALID)) {
		c->live_waiting = true;
		c->live_last = now;
	}
}

/* The Overview's "Today": asked when it is shown and nothing is known,
 * then as each step ends, and never while another view is shown. */
struct today_req {
	struct console *c;
	struct strip_day day;
	uint64_t to;
};

static void request_today(struct console *c);

/* When the step under way ends, plus a second for the agent to close it. */
static void today_schedule(struct loop_timer *timer, uint64_t *due, const struct strip_day *d,
                           uint64_t now)
{
	uint64_t len = (uint64_t)d->step * 1000000, into = (now - d->start) % len;
	*due = mono_usec() + (len - into) + 1000000;
	loop_timer_arm(timer, *due);
}

static void on_today(DBusMessage *reply, void *data)
{
	struct today_req *r = data;
	struct console *c = r->c;
	c->today_waiting = false;
	if (!from_owner(c, reply) && !client_error_name(reply))
		return;
	unsigned dirty = model_today_reply(&c->model, &r->day, r->to, reply);
	show_fault(c);
	today_schedule(c->today_timer, &c->today_due, &r->day, r->to);
	console_dirty(c, dirty);
}

static void on_today_timer(struct loop_timer *t, void *data)
{
	(void)t;
	request_today(data);
}

static void request_today(struct console *c)
{
	if (c->ui.view != UI_VIEW_OVERVIEW || !c->client || c->model.link != MODEL_LINK_LIVE) {
		loop_timer_disarm(c->today_timer);
		return;
	}
	if (c->today_waiting)
		return;
	if (c->model.today.known && mono_usec() < c->today_due) {
		loop_timer_arm(c->today_timer, c->today_due);
		return;
	}
	struct today_req *r = xmalloc(sizeof *r);
	r->c = c;
	r->to = now_usec();
	strip_today(r->to, CONSOLE_TODAY_STEP, &r->day);
	dbus_uint64_t from = r->day.start, to = r->to;
	dbus_uint32_t step = CONSOLE_TODAY_STEP;
	if (to <= from)
		to = from + 1;
	r->to = to;
	if (client_call(c->client, CAPCTL_IFACE, "Activity", on_today, r, free, DBUS_TYPE_UINT64,
	                &from, DBUS_TYPE_UINT64, &to, DBUS_TYPE_UINT32, &step, DBUS_TYPE_INVALID))
		c->today_waiting = true;
}

/* The Data view's strip: Activity for the selected segment's day, asked
 * when another day is selected, and as each step ends while it is today. */
static void request_data_day(struct console *c);

static void on_data_day(DBusMessage *reply, void *data)
{
	struct today_req *r = data;
	struct console *c = r->c;
	c->data_day_waiting = false;
	if (!from_owner(c, reply) && !client_error_name(reply))
		return;
	unsigned dirty = model_data_day_reply(&c->model, &r->day, r->to, reply);
	show_fault(c);
	today_schedule(c->data_day_timer, &c->data_day_due, &r->day, r->to);
	console_dirty(c, dirty);
}

static void on_data_day_timer(struct loop_timer *t, void *data)
{
	(void)t;
	request_data_day(data);
}

static void request_data_day(struct console *c)
{
	const struct model_segment *s = model_segs_entry(&c->model, c->ui.data_sel);
	if (c->ui.view != UI_VIEW_DATA || c->ui.open.id || !s || !c->client ||
	    c->model.link != MODEL_LINK_LIVE) {
		loop_timer_disarm(c->data_day_timer);
		return;
	}
	if (c->data_day_waiting)
		return;
	struct today_req *r = xmalloc(sizeof *r);
	r->c = c;
	r->to = now_usec();
	strip_today(s->start, CONSOLE_TODAY_STEP, &r->day);
	uint64_t end = r->day.start + (uint64_t)r->day.length * 1000000;
	bool today = r->to >= r->day.start && r->to < end;
	const struct model_today *held = &c->model.data_day;
	if (held->known && held->day.start == r->day.start && c->data_day_due &&
	    (!today || mono_usec() < c->data_day_due)) {
		if (today)
			loop_timer_arm(c->data_day_timer, c->data_day_due);
		free(r);
		return;
	}
	if (!today)
		r->to = end;
	dbus_uint64_t from = r->day.start, to = r->to > from ? r->to : from + 1;
	dbus_uint32_t step = CONSOLE_TODAY_STEP;
	r->to = to;
	if (client_call(c->client, CAPCTL_IFACE, "Activity", on_data_day, r, free, DBUS_TYPE_UINT64,
	                &from, DBUS_TYPE_UINT64, &to, DBUS_TYPE_UINT32, &step, DBUS_TYPE_INVALID))
		c->data_day_waiting = true;
}

/* After each frame: the pages the views now show and do not have. */
static void request_pages(struct console *c)
{
	if (!c->client || c->model.link != MODEL_LINK_LIVE) {
		loop_timer_disarm(c->live_timer);
		loop_timer_disarm(c->today_timer);
		loop_timer_disarm(c->data_day_timer);
		return;
	}
	request_history(c);
	if (c->ui.view == UI_VIEW_DATA) {
		if (c->ui.open.id)
			request_segev(c);
		else
			request_segments(c);
	}
	request_live(c);
	request_today(c);
	request_data_day(c);
}

/* ---- the terminal ---- */

static void on_tty(struct loop_io *io, int fd, short revents, void *data)
{
	struct console *c = data;
	wint_t wc;
	int r, n = 0;
	(void)io;
	(void)fd;
	while ((r = get_wch(&wc)) != ERR) {
		n++;
		int key = term_key(&c->input, r, wc);
		if (!key)
			continue;
		unsigned flags = action_key(c, key);
		apply(c, flags);
		if (flags & CONSOLE_QUIT)
			return;
	}
	/* The terminal hung up: nothing more can be read or shown. */
	if (!n && (revents & (POLLHUP | POLLERR | POLLNVAL)))
		loop_quit(c->loop, c->exit_code);
}

static void on_signal(int signo, void *data)
{
	struct console *c = data;
	struct winsize ws;

	switch (signo) {
	case SIGWINCH:
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
			resizeterm(ws.ws_row, ws.ws_col);
		c->clear = true;
		console_dirty(c, MODEL_DIRTY_STATE);
		break;
	case SIGTSTP:
		/* Ctrl-Z: give the terminal back, stop, and repaint when
		 * continued. SIGTSTP itself is blocked, so stop with
		 * SIGSTOP. */
		endwin();
		term_paste_mode(false);
		kill(getpid(), SIGSTOP);
		term_paste_mode(true);
		c->clear = true;
		console_dirty(c, MODEL_DIRTY_STATE);
		break;
	default: /* SIGTERM, SIGINT, SIGHUP */
		loop_quit(c->loop, c->exit_code);
		break;
	}
}

int console_run(const struct settings *s, bool system_bus, bool color)
{
	struct console con = {.settings = s, .system_bus = system_bus};
	struct console *c = &con;
	DBusError err;
	static const int sigs[] = {SIGWINCH, SIGTERM, SIGINT, SIGHUP, SIGTSTP};

	char why[512];
	if (term_check(why, sizeof why) < 0) {
		fprintf(stderr, "%s\n", why);
		return 2;
	}
	dbus_error_init(&err);
	c->conn = bus_open(system_bus, &err);
	if (!c->conn) {
		fprintf(stderr, _("capctl: cannot connect to the %s bus: "),
		        system_bus ? "system" : "session");
		safe_fputs(err.message, 0, stderr);
		fputc('\n', stderr);
		dbus_error_free(&err);
		return 3;
	}
	c->loop = loop_new();
	/* Blocked before curses starts, so its own handlers never run. */
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		loop_signal(c->loop, sigs[i], on_signal, c);
	keys_init(&c->keys);
	settings_apply_keys(s, &c->keys);
	model_init(&c->model);
	ui_init(&c->ui, &c->keys, system_bus ? "system" : "session");
	c->paint_timer = loop_timer_new(c->loop, on_paint, c);
	c->tick_timer = loop_timer_new(c->loop, on_tick, c);
	c->reconnect_timer = loop_timer_new(c->loop, on_reconnect, c);
	c->live_timer = loop_timer_new(c->loop, on_live_timer, c);
	c->today_timer = loop_timer_new(c->loop, on_today_timer, c);
	c->data_day_timer = loop_timer_new(c->loop, on_data_day_timer, c);

	if (!(c->screen = term_start(color, &c->ui.theme))) {
		char *type = safe_str(getenv("TERM"), 0);
		fprintf(stderr, _("capctl: the terminal '%s' could not be set up; %s\n"), type,
		        _(TERM_ONE_SHOT));
		free(type);
		c->exit_code = 2;
		goto out;
	}
	c->curses = true;
	bus_attach(c->conn, c->loop);
	c->client = client_new(c->conn, &client_ops, c);
	loop_io_add(c->loop, STDIN_FILENO, POLLIN, on_tty, c);
	paint(c);
	loop_run(c->loop);
out:
	/* A half-written export is not left behind. */
	console_export_cancel(c);
	drop_bus(c);
	term_stop(c->screen);
	c->curses = false;
	loop_timer_free(c->paint_timer);
	loop_timer_free(c->tick_timer);
	loop_timer_free(c->reconnect_timer);
	loop_timer_free(c->live_timer);
	loop_timer_free(c->today_timer);
	loop_timer_free(c->data_day_timer);
	loop_free(c->loop);
	model_fini(&c->model);
	console_verify_free(c);
	ui_fini(&c->ui);
	free(c->withdrawing);
	return c->exit_code;
}
