/* What keys do. As in htop's Action.c, actions change state and return
 * flags; they never draw. An open dialog sees every key first (dialog/),
 * so typing a reason never pauses anything. */
#include "console/console.h"
#include "console/frame.h"
#include "dialog/consent.h"
#include "dialog/delete.h"
#include "dialog/details.h"
#include "dialog/exempt.h"
#include "dialog/export.h"
#include "dialog/forget.h"
#include "dialog/help.h"
#include "dialog/limit.h"
#include "dialog/pause.h"
#include "dialog/withdraw.h"
#include "i18n.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void action_view(struct console *c, enum ui_view v)
{
	if (v == c->ui.view)
		return;
	/* Coming back to a list shows what is new since; History is
	 * checked again as it is shown. */
	if (v == UI_VIEW_HISTORY) {
		model_hist_refresh(&c->model);
		console_verify(c);
	}
	if (v == UI_VIEW_DATA) {
		pages_refresh(&c->model.segs);
		pages_refresh(&c->model.segev);
	}
	/* What Live showed is stale the moment it is left: it is not
	 * fetched while another view is on screen. */
	if (c->ui.view == UI_VIEW_LIVE)
		model_recent_reset(&c->model);
	c->ui.view = v;
}

static bool agent_here(struct console *c, const char *what)
{
	if (c->model.link == MODEL_LINK_LIVE && c->client)
		return true;
	ui_message(&c->ui, true, _("%s: the agent is not reachable."), what);
	ui_message_bind(&c->ui, UI_MSG_WHILE_UNREACHABLE, 0);
	return false;
}

static const struct model_exemption *selected(struct console *c)
{
	if (c->ui.view != UI_VIEW_EXEMPTIONS || c->ui.ex_sel >= c->model.n_ex)
		return NULL;
	return &c->model.ex[c->ui.ex_sel];
}

/* The segment d and x act on in the Data view: the one open, else the
 * selected row if it is at hand. */
static bool data_target(struct console *c, struct ui_segment *out)
{
	if (c->ui.view != UI_VIEW_DATA)
		return false;
	if (c->ui.open.id) {
		*out = c->ui.open;
		return true;
	}
	const struct model_segment *s = model_segs_entry(&c->model, c->ui.data_sel);
	if (!s)
		return false;
	ui_segment_set(out, s);
	return true;
}

void action_data_open(struct console *c)
{
	struct ui_segment seg;
	c->ui.open_when_loaded = false;
	if (c->ui.open.id)
		return;
	if (!data_target(c, &seg)) {
		/* Typed ahead of the list: open it when it arrives. */
		c->ui.open_when_loaded = c->ui.view == UI_VIEW_DATA;
		return;
	}
	c->ui.open = seg;
	c->ui.segev.top = 0;
	model_segev_open(&c->model, seg.id);
}

static void data_close(struct console *c)
{
	c->ui.open.id = 0;
	model_segev_open(&c->model, 0);
}

/* ---- the actions, one function each ---- */

static unsigned do_pause(struct console *c, enum action a)
{
	(void)a;
	if (!agent_here(c, _("Not paused")))
		return CONSOLE_PAINT;
	uint64_t now = now_usec();
	console_pause(c, model_default_pause(&c->model, c->settings->default_pause_minutes, now));
	return CONSOLE_PAINT;
}

static unsigned do_pause_for(struct console *c, enum action a)
{
	(void)a;
	if (agent_here(c, _("Not paused")))
		dialog_pause_open(c);
	return CONSOLE_PAINT;
}

static unsigned do_resume(struct console *c, enum action a)
{
	(void)a;
	if (agent_here(c, _("Not resumed")))
		console_resume(c);
	return CONSOLE_PAINT;
}

static unsigned do_exempt(struct console *c, enum action a)
{
	(void)a;
	if (agent_here(c, _("No request")))
		dialog_exempt_open(c);
	return CONSOLE_PAINT;
}

static unsigned do_forget(struct console *c, enum action a)
{
	(void)a;
	if (agent_here(c, _("Nothing forgotten")))
		dialog_forget_open(c);
	return CONSOLE_PAINT;
}

static unsigned do_delete(struct console *c, enum action a)
{
	struct ui_segment seg;
	(void)a;
	if (c->ui.view != UI_VIEW_DATA) {
		ui_message(&c->ui, true, _("Pick a segment to delete in the Data view (2)."));
		return CONSOLE_PAINT;
	}
	if (!data_target(c, &seg))
		return 0;
	if (!agent_here(c, _("Not deleted")))
		return CONSOLE_PAINT;
	if (!c->settings->confirm_delete) {
		console_delete(c, &seg);
		return CONSOLE_PAINT;
	}
	dialog_delete_open(c, &seg);
	return CONSOLE_PAINT;
}

static unsigned do_export(struct console *c, enum action a)
{
	struct ui_segment seg = {0};
	(void)a;
	if (c->ui.export.running) {
		/* The dialog shows how far it got and offers to stop it. */
		dialog_export_show(c);
		return CONSOLE_PAINT;
	}
	if (!agent_here(c, _("Not exported")))
		return CONSOLE_PAINT;
	/* Everything, or the segment the Data view points at; the open one
	 * is what is meant when one is open. */
	bool have = data_target(c, &seg);
	dialog_export_open(c, have ? &seg : NULL, c->ui.open.id != 0);
	return CONSOLE_PAINT;
}

static unsigned do_help(struct console *c, enum action a)
{
	(void)a;
	dialog_help_open(c);
	return CONSOLE_PAINT;
}

static unsigned do_quit(struct console *c, enum action a)
{
	(void)c, (void)a;
	return CONSOLE_QUIT;
}

static unsigned do_view(struct console *c, enum action a)
{
	static const enum ui_view of[N_ACTIONS] = {
	    [ACTION_VIEW_OVERVIEW] = UI_VIEW_OVERVIEW,     [ACTION_VIEW_DATA] = UI_VIEW_DATA,
	    [ACTION_VIEW_EXEMPTIONS] = UI_VIEW_EXEMPTIONS, [ACTION_VIEW_HISTORY] = UI_VIEW_HISTORY,
	    [ACTION_VIEW_NOTICE] = UI_VIEW_NOTICE,         [ACTION_VIEW_LIVE] = UI_VIEW_LIVE,
	};
	if (a == ACTION_NEXT_VIEW || a == ACTION_PREV_VIEW)
		action_view(c, frame_next_view(c->ui.view, a == ACTION_NEXT_VIEW ? 1 : -1));
	else
		action_view(c, of[a]);
	return CONSOLE_PAINT;
}

/* A selection moved by a movement action within n rows. */
static uint64_t select_move(uint64_t sel, uint64_t n, const struct ui_scroll *s, enum action a)
{
	int64_t page = s->rows > 1 ? s->rows - 1 : 1, to = (int64_t)sel;
	to += a == ACTION_UP          ? -1
	      : a == ACTION_DOWN      ? 1
	      : a == ACTION_PAGE_UP   ? -page
	      : a == ACTION_PAGE_DOWN ? page
	                              : 0;
	if (a == ACTION_HOME)
		to = 0;
	if (a == ACTION_END)
		to = (int64_t)n - 1;
	return (uint64_t)(to < 0 ? 0 : to >= (int64_t)n ? (int64_t)n - 1 : to);
}

/* Moves the Data view's selection; the list scrolls to keep it shown. */
static unsigned data_move(struct console *c, enum action a)
{
	struct ui *ui = &c->ui;
	ui->open_when_loaded = false;
	/* Before the first page is in, the list's end is not known yet:
	 * moving is not held back, the draw clamps it. */
	uint64_t n = c->model.segs.known ? c->model.segs.total : UINT64_MAX / 2;
	int64_t page = ui->data.rows > 1 ? ui->data.rows - 1 : 1;
	if (!n)
		return 0;
	ui->data_sel = select_move(ui->data_sel, n, &ui->data, a);
	const struct model_segment *s = model_segs_entry(&c->model, ui->data_sel);
	ui->data_sel_id = s ? s->id : 0;
	/* Page moves keep the selection's place on screen, as in htop; the
	 * ends show a whole screen of rows. */
	if (a == ACTION_PAGE_UP || a == ACTION_PAGE_DOWN)
		ui_scroll_by(&ui->data, a == ACTION_PAGE_UP ? -page : page);
	else if (a == ACTION_HOME)
		ui->data.top = 0;
	else if (a == ACTION_END)
		ui->data.top = n;
	return CONSOLE_PAINT;
}

static unsigned do_move(struct console *c, enum action a)
{
	struct ui *ui = &c->ui;
	struct ui_scroll *s = NULL;
	if (ui->view == UI_VIEW_DATA && !ui->open.id)
		return data_move(c, a);
	if (ui->view == UI_VIEW_EXEMPTIONS) {
		if (!c->model.n_ex)
			return 0;
		ui->ex_sel = (size_t)select_move(ui->ex_sel, c->model.n_ex, &ui->ex, a);
		return CONSOLE_PAINT;
	}
	if (ui->view == UI_VIEW_HISTORY)
		s = &ui->hist;
	else if (ui->view == UI_VIEW_NOTICE)
		s = &ui->notice;
	else if (ui->view == UI_VIEW_DATA)
		s = &ui->segev;
	if (!s)
		return 0;
	ui_scroll_move(s, a);
	return CONSOLE_PAINT;
}

static unsigned do_open(struct console *c, enum action a)
{
	const struct model_exemption *e;
	(void)a;
	if (c->ui.view == UI_VIEW_DATA) {
		action_data_open(c);
		return CONSOLE_PAINT;
	}
	if (!(e = selected(c)))
		return 0;
	dialog_details_open(c, e->id);
	return CONSOLE_PAINT;
}

static unsigned do_withdraw(struct console *c, enum action a)
{
	const struct model_exemption *e = selected(c);
	(void)a;
	return e ? dialog_withdraw_open(c, e) : 0;
}

static unsigned do_redraw(struct console *c, enum action a)
{
	(void)c, (void)a;
	return CONSOLE_CLEAR;
}

static unsigned do_acknowledge(struct console *c, enum action a)
{
	(void)a;
	dialog_consent_open(c);
	return CONSOLE_PAINT;
}

static unsigned do_limit(struct console *c, enum action a)
{
	(void)a;
	return dialog_limit_open(c);
}

/* Moves the Data view's strip mark a cell; the selection follows to the
 * segment there, or the nearest one, saying so. */
static unsigned do_mark(struct console *c, enum action a)
{
	struct ui *ui = &c->ui;
	uint64_t cell = ui->data_strip_cell, start = ui->data_strip_start, from;
	char at[32], to[32], seg_at[32];
	bool covers;
	if (ui->view != UI_VIEW_DATA || ui->open.id)
		return 0;
	if (!cell) {
		ui_message(ui, true, "%s",
		           _("The day's strip is not shown: no segment is selected, or there is no "
		             "room."));
		return CONSOLE_PAINT;
	}
	uint64_t k = ui->data_mark > start ? (ui->data_mark - start) / cell : 0;
	if (a == ACTION_MARK_LATER)
		from = start + (k + 1) * cell;
	else
		from = k ? start + (k - 1) * cell : start > cell ? start - cell : 0;
	uint64_t now = now_usec();
	int64_t i = model_segs_at(&c->model, from, from + cell, now, &covers);
	const struct model_segment *s = i >= 0 ? model_segs_entry(&c->model, (uint64_t)i) : NULL;
	if (!s)
		return 0;
	ui->data_sel = (uint64_t)i;
	ui->data_sel_id = s->id;
	ui->data_mark = from;
	ui->data_mark_seg = s->id;
	if (!covers) {
		format_local_time(from, now, at, sizeof at);
		format_local_time(from + cell, now, to, sizeof to);
		format_local_time(s->start, now, seg_at, sizeof seg_at);
		/* TRANSLATORS: after < or > in Data: the marked time
		 * (14:05-14:30), then when the segment selected starts. */
		ui_message(ui, false,
		           _("No segment covers %s-%s: the nearest, from %s, is selected."), at, to,
		           seg_at);
	}
	return CONSOLE_PAINT;
}

static unsigned (*const actions[N_ACTIONS])(struct console *c, enum action a) = {
    [ACTION_PAUSE] = do_pause,
    [ACTION_PAUSE_FOR] = do_pause_for,
    [ACTION_RESUME] = do_resume,
    [ACTION_FORGET] = do_forget,
    [ACTION_EXEMPT] = do_exempt,
    [ACTION_EXPORT] = do_export,
    [ACTION_HELP] = do_help,
    [ACTION_QUIT] = do_quit,
    [ACTION_VIEW_OVERVIEW] = do_view,
    [ACTION_VIEW_DATA] = do_view,
    [ACTION_VIEW_EXEMPTIONS] = do_view,
    [ACTION_VIEW_HISTORY] = do_view,
    [ACTION_VIEW_NOTICE] = do_view,
    [ACTION_VIEW_LIVE] = do_view,
    [ACTION_NEXT_VIEW] = do_view,
    [ACTION_PREV_VIEW] = do_view,
    [ACTION_UP] = do_move,
    [ACTION_DOWN] = do_move,
    [ACTION_PAGE_UP] = do_move,
    [ACTION_PAGE_DOWN] = do_move,
    [ACTION_HOME] = do_move,
    [ACTION_END] = do_move,
    [ACTION_OPEN] = do_open,
    [ACTION_DELETE] = do_delete,
    [ACTION_WITHDRAW] = do_withdraw,
    [ACTION_REDRAW] = do_redraw,
    [ACTION_ACKNOWLEDGE] = do_acknowledge,
    [ACTION_LIMIT] = do_limit,
    [ACTION_MARK_EARLIER] = do_mark,
    [ACTION_MARK_LATER] = do_mark,
};

unsigned action_key(struct console *c, int key)
{
	unsigned flags = 0;
	/* A message stays until the next key, so nothing needs a timer to
	 * clear it. */
	if (c->ui.message) {
		ui_message(&c->ui, false, NULL);
		flags |= CONSOLE_PAINT;
	}
	if (key == KEYS_CTRL_L)
		return flags | CONSOLE_CLEAR;
	/* Enter typed ahead of the list holds only until the next key. */
	if (key != KEYS_ENTER)
		c->ui.open_when_loaded = false;
	if (c->ui.dialog)
		return flags | dialog_key(c, key);
	/* A segment's events go back to the list with Esc or Backspace,
	 * before either means anything else. */
	if (c->ui.view == UI_VIEW_DATA && c->ui.open.id &&
	    (key == KEYS_ESC || key == KEYS_BACKSPACE || key == KEYS_LEFT)) {
		data_close(c);
		return flags | CONSOLE_PAINT;
	}
	enum action a = keys_lookup(&c->keys, key);
	const char *why = ui_unavailable(&c->model, a);
	if (why) {
		/* Said before it is asked, not offered and then refused. */
		ui_message(&c->ui, true, _("%s is not available: %s."), _(keys_info(a)->label),
		           why);
		return flags | CONSOLE_PAINT;
	}
	return flags | (actions[a] ? actions[a](c, a) : 0);
}
