/* What keys do. As in htop's Action.c, actions change state and return
 * flags; they never draw. An open dialog sees every key first, so typing
 * a reason never pauses anything. */
#include "console/console.h"
#include "text/duration.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const enum ui_view view_order[] = {UI_VIEW_OVERVIEW, UI_VIEW_DATA,   UI_VIEW_EXEMPTIONS,
                                          UI_VIEW_HISTORY,  UI_VIEW_NOTICE, UI_VIEW_LIVE};

void action_view(struct console *c, enum ui_view v)
{
	if (v == c->ui.view)
		return;
	/* Coming back to a list shows what is new since. */
	if (v == UI_VIEW_HISTORY)
		model_hist_refresh(&c->model);
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

static void cycle_view(struct console *c, int step)
{
	size_t n = ARRAY_SIZE(view_order), i = 0;
	while (i < n && view_order[i] != c->ui.view)
		i++;
	i = (i + n + (size_t)(step > 0 ? 1 : n - 1)) % n;
	action_view(c, view_order[i]);
}

static bool agent_here(struct console *c, const char *what)
{
	if (c->model.link == MODEL_LINK_LIVE && c->client)
		return true;
	ui_message(&c->ui, true, "%s: the agent is not reachable.", what);
	ui_message_bind(&c->ui, UI_MSG_WHILE_UNREACHABLE, 0);
	return false;
}

/* ---- main-screen actions ---- */

static unsigned do_pause(struct console *c)
{
	if (!agent_here(c, "Not paused"))
		return CONSOLE_PAINT;
	uint64_t now = now_usec();
	uint32_t s = model_default_pause(&c->model, c->settings->default_pause_minutes, now);
	console_pause(c, s);
	return CONSOLE_PAINT;
}

static unsigned open_pause_dialog(struct console *c)
{
	struct ui *ui = &c->ui;
	if (!agent_here(c, "Not paused"))
		return CONSOLE_PAINT;
	uint64_t now = now_usec();
	ui->n_pause_choices = ui_pause_choices(&c->model, now, ui->pause_choices, UI_PAUSE_CHOICES);
	/* Start on the configured default, or the longest below it. */
	uint32_t def = model_default_pause(&c->model, c->settings->default_pause_minutes, now);
	ui->pause_choice = 0;
	for (size_t i = 0; i < ui->n_pause_choices; i++)
		if (ui->pause_choices[i] <= def)
			ui->pause_choice = i;
	char text[32];
	duration_format(ui->n_pause_choices ? ui->pause_choices[ui->pause_choice] : def, text,
	                sizeof text);
	edit_set(&ui->pause_text, text);
	ui_set_string(&ui->pause_error, NULL);
	ui->pause_sending = false;
	ui->dialog = UI_DIALOG_PAUSE;
	return CONSOLE_PAINT;
}

static unsigned open_form(struct console *c)
{
	if (!agent_here(c, "No request"))
		return CONSOLE_PAINT;
	if (!c->ui.form.sending)
		form_set_refusal(&c->ui.form, NULL);
	c->ui.dialog = UI_DIALOG_FORM;
	return CONSOLE_PAINT;
}

static const struct model_exemption *selected(struct console *c)
{
	if (c->ui.view != UI_VIEW_EXEMPTIONS || c->ui.ex_sel >= c->model.n_ex)
		return NULL;
	return &c->model.ex[c->ui.ex_sel];
}

static bool withdrawable(const struct model_exemption *e)
{
	return strcmp(e->status, "pending") == 0 || strcmp(e->status, "approved") == 0;
}

static unsigned open_withdraw(struct console *c, const struct model_exemption *e)
{
	if (!withdrawable(e)) {
		ui_message(&c->ui, true,
		           "%s is %s: only a pending or approved request can be "
		           "withdrawn.",
		           e->id, e->status);
		c->ui.dialog = UI_DIALOG_NONE;
		return CONSOLE_PAINT;
	}
	ui_set_string(&c->ui.dialog_id, e->id);
	ui_set_string(&c->ui.dialog_error, NULL);
	c->ui.dialog_sending = false;
	c->ui.dialog = UI_DIALOG_WITHDRAW;
	return CONSOLE_PAINT;
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

static unsigned open_forget(struct console *c)
{
	struct ui *ui = &c->ui;
	char text[32];
	if (!agent_here(c, "Nothing forgotten"))
		return CONSOLE_PAINT;
	ui->n_forget_choices = ui_forget_choices(ui->forget_choices, UI_FORGET_CHOICES);
	ui->forget_choice = 1; /* 15 minutes */
	duration_format(ui->forget_choices[ui->forget_choice], text, sizeof text);
	edit_set(&ui->forget_text, text);
	ui_set_string(&ui->forget_error, NULL);
	ui->forget_confirm = ui->forget_sending = false;
	ui->dialog = UI_DIALOG_FORGET;
	return CONSOLE_PAINT;
}

static unsigned do_delete(struct console *c)
{
	struct ui_segment seg;
	if (c->ui.view != UI_VIEW_DATA) {
		ui_message(&c->ui, true, "Pick a segment to delete in the Data view (2).");
		return CONSOLE_PAINT;
	}
	if (!data_target(c, &seg))
		return 0;
	if (!agent_here(c, "Not deleted"))
		return CONSOLE_PAINT;
	c->ui.del = seg;
	ui_set_string(&c->ui.dialog_error, NULL);
	c->ui.dialog_sending = false;
	if (!c->settings->confirm_delete) {
		console_delete(c, &c->ui.del);
		return CONSOLE_PAINT;
	}
	c->ui.dialog = UI_DIALOG_DELETE;
	return CONSOLE_PAINT;
}

static unsigned open_export(struct console *c)
{
	struct ui *ui = &c->ui;
	if (ui->export.running) {
		/* The dialog shows how far it got and offers to stop it. */
		ui->dialog = UI_DIALOG_EXPORT;
		return CONSOLE_PAINT;
	}
	if (!agent_here(c, "Not exported"))
		return CONSOLE_PAINT;
	/* Everything, or the segment the Data view points at; the open one
	 * is what is meant when one is open. */
	ui->export_seg.id = 0;
	data_target(c, &ui->export_seg);
	ui->export_what = ui->open.id && ui->export_seg.id ? 1 : 0;
	char *path = console_export_default_path(now_usec());
	edit_set(&ui->export_path, path);
	free(path);
	ui->export_focus_path = true;
	ui_set_string(&ui->export_error, NULL);
	ui->dialog = UI_DIALOG_EXPORT;
	return CONSOLE_PAINT;
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

/* Moves a scroll position by delta rows (INT64_MIN/MAX: to an end). */
static void scroll_by(struct ui_scroll *s, int64_t delta)
{
	if (delta == INT64_MIN)
		s->top = 0;
	else if (delta == INT64_MAX)
		s->top = s->lines;
	else if (delta < 0)
		s->top = s->top > (uint64_t)-delta ? s->top - (uint64_t)-delta : 0;
	else
		s->top += (uint64_t)delta;
	ui_scroll_clamp(s);
}

static int64_t page_of(const struct ui_scroll *s)
{
	return s->rows > 1 ? s->rows - 1 : 1;
}

/* One of the movement actions on a scrolled text. */
static void scroll_move(struct ui_scroll *s, enum action a)
{
	switch (a) {
	case ACTION_UP:
		scroll_by(s, -1);
		break;
	case ACTION_DOWN:
		scroll_by(s, 1);
		break;
	case ACTION_PAGE_UP:
		scroll_by(s, -page_of(s));
		break;
	case ACTION_PAGE_DOWN:
		scroll_by(s, page_of(s));
		break;
	case ACTION_HOME:
		scroll_by(s, INT64_MIN);
		break;
	default:
		scroll_by(s, INT64_MAX);
		break;
	}
}

/* Moves the Data view's selection; the list scrolls to keep it shown. */
static unsigned data_move(struct console *c, enum action a)
{
	struct ui *ui = &c->ui;
	ui->open_when_loaded = false;
	/* Before the first page is in, the list's end is not known yet:
	 * moving is not held back, the draw clamps it. */
	uint64_t n = c->model.segs.known ? c->model.segs.total : UINT64_MAX / 2;
	int64_t page = page_of(&ui->data);
	int64_t sel = (int64_t)ui->data_sel;
	if (!n)
		return 0;
	sel += a == ACTION_UP          ? -1
	       : a == ACTION_DOWN      ? 1
	       : a == ACTION_PAGE_UP   ? -page
	       : a == ACTION_PAGE_DOWN ? page
	                               : 0;
	if (a == ACTION_HOME)
		sel = 0;
	if (a == ACTION_END)
		sel = (int64_t)n - 1;
	sel = sel < 0 ? 0 : sel >= (int64_t)n ? (int64_t)n - 1 : sel;
	ui->data_sel = (uint64_t)sel;
	const struct model_segment *s = model_segs_entry(&c->model, ui->data_sel);
	ui->data_sel_id = s ? s->id : 0;
	/* Page moves keep the selection's place on screen, as in htop; the
	 * ends show a whole screen of rows. */
	if (a == ACTION_PAGE_UP || a == ACTION_PAGE_DOWN)
		scroll_by(&ui->data, a == ACTION_PAGE_UP ? -page : page);
	else if (a == ACTION_HOME)
		ui->data.top = 0;
	else if (a == ACTION_END)
		ui->data.top = n;
	return CONSOLE_PAINT;
}

static unsigned move_in_view(struct console *c, enum action a)
{
	struct ui *ui = &c->ui;
	struct ui_scroll *s = NULL;
	if (ui->view == UI_VIEW_DATA && !ui->open.id)
		return data_move(c, a);
	if (ui->view == UI_VIEW_EXEMPTIONS) {
		size_t n = c->model.n_ex;
		int64_t page = page_of(&ui->ex);
		if (!n)
			return 0;
		int64_t sel = (int64_t)ui->ex_sel;
		sel += a == ACTION_UP          ? -1
		       : a == ACTION_DOWN      ? 1
		       : a == ACTION_PAGE_UP   ? -page
		       : a == ACTION_PAGE_DOWN ? page
		                               : 0;
		if (a == ACTION_HOME)
			sel = 0;
		if (a == ACTION_END)
			sel = (int64_t)n - 1;
		sel = sel < 0 ? 0 : sel >= (int64_t)n ? (int64_t)n - 1 : sel;
		ui->ex_sel = (size_t)sel;
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
	scroll_move(s, a);
	return CONSOLE_PAINT;
}

static unsigned run(struct console *c, enum action a)
{
	const struct model_exemption *e;
	switch (a) {
	case ACTION_NONE:
		return 0;
	case ACTION_PAUSE:
		return do_pause(c);
	case ACTION_PAUSE_FOR:
		return open_pause_dialog(c);
	case ACTION_RESUME:
		if (agent_here(c, "Not resumed"))
			console_resume(c);
		return CONSOLE_PAINT;
	case ACTION_EXEMPT:
		return open_form(c);
	case ACTION_FORGET:
		return open_forget(c);
	case ACTION_DELETE:
		return do_delete(c);
	case ACTION_EXPORT:
		return open_export(c);
	case ACTION_HELP:
		c->ui.help.top = 0;
		c->ui.dialog = UI_DIALOG_HELP;
		return CONSOLE_PAINT;
	case ACTION_QUIT:
		return CONSOLE_QUIT;
	case ACTION_VIEW_OVERVIEW:
		action_view(c, UI_VIEW_OVERVIEW);
		return CONSOLE_PAINT;
	case ACTION_VIEW_DATA:
		action_view(c, UI_VIEW_DATA);
		return CONSOLE_PAINT;
	case ACTION_VIEW_LIVE:
		action_view(c, UI_VIEW_LIVE);
		return CONSOLE_PAINT;
	case ACTION_VIEW_EXEMPTIONS:
		action_view(c, UI_VIEW_EXEMPTIONS);
		return CONSOLE_PAINT;
	case ACTION_VIEW_HISTORY:
		action_view(c, UI_VIEW_HISTORY);
		return CONSOLE_PAINT;
	case ACTION_VIEW_NOTICE:
		action_view(c, UI_VIEW_NOTICE);
		return CONSOLE_PAINT;
	case ACTION_NEXT_VIEW:
		cycle_view(c, 1);
		return CONSOLE_PAINT;
	case ACTION_PREV_VIEW:
		cycle_view(c, -1);
		return CONSOLE_PAINT;
	case ACTION_UP:
	case ACTION_DOWN:
	case ACTION_PAGE_UP:
	case ACTION_PAGE_DOWN:
	case ACTION_HOME:
	case ACTION_END:
		return move_in_view(c, a);
	case ACTION_OPEN:
		if (c->ui.view == UI_VIEW_DATA) {
			action_data_open(c);
			return CONSOLE_PAINT;
		}
		if (!(e = selected(c)))
			return 0;
		ui_set_string(&c->ui.dialog_id, e->id);
		c->ui.details.top = 0;
		c->ui.dialog = UI_DIALOG_DETAILS;
		return CONSOLE_PAINT;
	case ACTION_WITHDRAW:
		if (!(e = selected(c)))
			return 0;
		return open_withdraw(c, e);
	case ACTION_REDRAW:
		return CONSOLE_CLEAR;
	case N_ACTIONS:
		break;
	}
	return 0;
}

/* ---- dialogs ---- */

/* The keys every text field shares. Returns true if it used the key. */
static bool edit_key(struct edit *e, int key, int cols)
{
	switch (key) {
	case KEYS_BACKSPACE:
		edit_backspace(e);
		return true;
	case KEYS_DELETE:
		edit_delete(e);
		return true;
	case KEYS_LEFT:
		edit_left(e);
		return true;
	case KEYS_RIGHT:
		edit_right(e);
		return true;
	case KEYS_HOME:
		edit_home(e, cols);
		return true;
	case KEYS_END:
		edit_end(e, cols);
		return true;
	default:
		if (key >= 0x20 && key < KEYS_SPECIAL && key != 0x7f) {
			edit_insert(e, (uint32_t)key); /* a refused character is just not typed */
			return true;
		}
		return false;
	}
}

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;
	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
	while (s[i] == ' ')
		i++;
	memmove(s, s + i, n - i + 1);
}

static unsigned pause_key(struct console *c, int key)
{
	struct ui *ui = &c->ui;
	char text[32];
	if (key == KEYS_ESC) {
		ui->dialog = UI_DIALOG_NONE;
		return CONSOLE_PAINT;
	}
	if (ui->pause_sending)
		return 0;
	if ((key == KEYS_UP || key == KEYS_DOWN) && ui->n_pause_choices) {
		if (key == KEYS_UP && ui->pause_choice > 0)
			ui->pause_choice--;
		if (key == KEYS_DOWN && ui->pause_choice + 1 < ui->n_pause_choices)
			ui->pause_choice++;
		duration_format(ui->pause_choices[ui->pause_choice], text, sizeof text);
		edit_set(&ui->pause_text, text);
		ui_set_string(&ui->pause_error, NULL);
		return CONSOLE_PAINT;
	}
	if (key == KEYS_ENTER) {
		uint32_t s;
		snprintf(text, sizeof text, "%s", ui->pause_text.buf);
		trim(text);
		int r = duration_parse(text, &s);
		if (r == -ERANGE && *text) {
			ui_set_string(&ui->pause_error, "A pause is at least 1s.");
		} else if (r < 0) {
			char *msg = xasprintf("'%s' is not a duration: write it like 90s, 15m, 1h "
			                      "or 1h30m.",
			                      text);
			ui_set_string(&ui->pause_error, msg);
			free(msg);
		} else {
			ui_set_string(&ui->pause_error, NULL);
			ui->pause_sending = true;
			console_pause(c, s);
		}
		return CONSOLE_PAINT;
	}
	if (edit_key(&ui->pause_text, key, 64)) {
		ui_set_string(&ui->pause_error, NULL);
		return CONSOLE_PAINT;
	}
	return 0;
}

static void cycle(size_t *i, const char *const *list, int step)
{
	size_t n = 0;
	while (list[n])
		n++;
	*i = (*i + n + (size_t)(step > 0 ? 1 : n - 1)) % n;
}

static void focus_step(struct form *f, int step)
{
	f->focus = (enum form_field)(((int)f->focus + N_FORM_FIELDS + step) % N_FORM_FIELDS);
}

static unsigned form_key(struct console *c, int key)
{
	struct form *f = &c->ui.form;
	int cols = c->ui.form_reason_cols > 1 ? c->ui.form_reason_cols : 40;

	if (key == KEYS_ESC) {
		c->ui.dialog = UI_DIALOG_NONE;
		return CONSOLE_PAINT;
	}
	if (f->sending)
		return 0;
	if (key == KEYS_TAB || key == KEYS_BACKTAB) {
		focus_step(f, key == KEYS_TAB ? 1 : -1);
		return CONSOLE_PAINT;
	}
	form_set_refusal(f, NULL);
	switch (f->focus) {
	case FORM_SCOPE:
	case FORM_CATEGORY: {
		size_t *i = f->focus == FORM_SCOPE ? &f->scope : &f->category;
		const char *const *list = f->focus == FORM_SCOPE ? form_scopes : form_categories;
		if (key == KEYS_LEFT || key == KEYS_RIGHT || key == KEYS_SPACE)
			cycle(i, list, key == KEYS_LEFT ? -1 : 1);
		else if (key == KEYS_ENTER || key == KEYS_DOWN)
			focus_step(f, 1);
		else if (key == KEYS_UP)
			focus_step(f, -1);
		else
			return 0;
		return CONSOLE_PAINT;
	}
	case FORM_DAYS:
		if (key == KEYS_ENTER || key == KEYS_DOWN)
			focus_step(f, 1);
		else if (key == KEYS_UP)
			focus_step(f, -1);
		else if (key >= 0x20 && key < KEYS_SPECIAL && (key < '0' || key > '9'))
			return 0; /* only digits make a number of days */
		else if (!edit_key(&f->days, key, 8))
			return 0;
		return CONSOLE_PAINT;
	case FORM_REASON: {
		size_t before = f->reason.cursor;
		if (key == KEYS_ENTER) {
			edit_insert(&f->reason, '\n');
		} else if (key == KEYS_UP || key == KEYS_DOWN) {
			if (key == KEYS_UP)
				edit_up(&f->reason, cols);
			else
				edit_down(&f->reason, cols);
			/* At the first or last line the arrows leave the
			 * field, as in the others. */
			if (f->reason.cursor == before)
				focus_step(f, key == KEYS_UP ? -1 : 1);
		} else if (!edit_key(&f->reason, key, cols)) {
			return 0;
		}
		return CONSOLE_PAINT;
	}
	case FORM_SEND:
	case FORM_CANCEL:
		if (key == KEYS_LEFT || key == KEYS_RIGHT || key == KEYS_DOWN || key == KEYS_UP) {
			if (key == KEYS_UP && f->focus == FORM_SEND)
				f->focus = FORM_REASON;
			else
				f->focus = f->focus == FORM_SEND ? FORM_CANCEL : FORM_SEND;
			return CONSOLE_PAINT;
		}
		if (key != KEYS_ENTER && key != KEYS_SPACE)
			return 0;
		if (f->focus == FORM_CANCEL) {
			c->ui.dialog = UI_DIALOG_NONE;
			return CONSOLE_PAINT;
		}
		if (!form_ready(f)) {
			/* Take the person to what needs fixing. */
			f->focus =
			    form_check_days_text(f->days.buf, NULL) ? FORM_DAYS : FORM_REASON;
			return CONSOLE_PAINT;
		}
		console_request_exemption(c);
		return CONSOLE_PAINT;
	case N_FORM_FIELDS:
		break;
	}
	return 0;
}

/* A dialog's text scrolls with the movement keys, Space paging down. */
static unsigned scroll_key(struct ui_scroll *s, int key)
{
	enum action a;
	switch (key) {
	case KEYS_UP:
		a = ACTION_UP;
		break;
	case KEYS_DOWN:
		a = ACTION_DOWN;
		break;
	case KEYS_PGUP:
		a = ACTION_PAGE_UP;
		break;
	case KEYS_PGDN:
	case KEYS_SPACE:
		a = ACTION_PAGE_DOWN;
		break;
	case KEYS_HOME:
		a = ACTION_HOME;
		break;
	case KEYS_END:
		a = ACTION_END;
		break;
	default:
		return 0;
	}
	scroll_move(s, a);
	return CONSOLE_PAINT;
}

static unsigned forget_key(struct console *c, int key)
{
	struct ui *ui = &c->ui;
	char text[32];
	if (ui->forget_sending) {
		/* The answer still lands: as a message once the dialog is
		 * gone. */
		if (key != KEYS_ESC)
			return 0;
		ui->dialog = UI_DIALOG_NONE;
		return CONSOLE_PAINT;
	}
	if (ui->forget_confirm) {
		if (key == 'y' || key == 'Y') {
			ui_set_string(&ui->forget_error, NULL);
			ui->forget_sending = true;
			console_forget(c, ui->forget_seconds);
			return CONSOLE_PAINT;
		}
		if (key == 'n' || key == 'N') {
			ui->forget_confirm = false;
			ui_set_string(&ui->forget_error, NULL);
			return CONSOLE_PAINT;
		}
		if (key == KEYS_ESC) {
			ui->dialog = UI_DIALOG_NONE;
			return CONSOLE_PAINT;
		}
		return 0;
	}
	if (key == KEYS_ESC) {
		ui->dialog = UI_DIALOG_NONE;
		return CONSOLE_PAINT;
	}
	if (key == KEYS_UP || key == KEYS_DOWN) {
		if (key == KEYS_UP && ui->forget_choice > 0)
			ui->forget_choice--;
		if (key == KEYS_DOWN && ui->forget_choice + 1 < ui->n_forget_choices)
			ui->forget_choice++;
		duration_format(ui->forget_choices[ui->forget_choice], text, sizeof text);
		edit_set(&ui->forget_text, text);
		ui_set_string(&ui->forget_error, NULL);
		return CONSOLE_PAINT;
	}
	if (key == KEYS_ENTER) {
		uint32_t sec;
		snprintf(text, sizeof text, "%s", ui->forget_text.buf);
		trim(text);
		int r = duration_parse(text, &sec);
		if (r == 0 && sec > UI_FORGET_MAX_SECONDS)
			r = -ERANGE;
		if (r == -ERANGE && *text) {
			ui_set_string(&ui->forget_error, "From 1s to 24h back.");
		} else if (r < 0) {
			char *msg = xasprintf("'%s' is not a duration like 90s, 15m or 2h.", text);
			ui_set_string(&ui->forget_error, msg);
			free(msg);
		} else {
			ui_set_string(&ui->forget_error, NULL);
			ui->forget_seconds = sec;
			ui->forget_confirm = true;
		}
		return CONSOLE_PAINT;
	}
	if (edit_key(&ui->forget_text, key, 64)) {
		ui_set_string(&ui->forget_error, NULL);
		return CONSOLE_PAINT;
	}
	return 0;
}

static unsigned delete_key(struct console *c, int key)
{
	struct ui *ui = &c->ui;
	if (key == KEYS_ESC || key == 'n' || key == 'N') {
		ui->dialog = UI_DIALOG_NONE;
		return CONSOLE_PAINT;
	}
	if ((key == 'y' || key == 'Y') && !ui->dialog_sending) {
		console_delete(c, &ui->del);
		return CONSOLE_PAINT;
	}
	return 0;
}

static unsigned export_key(struct console *c, int key)
{
	struct ui *ui = &c->ui;
	if (ui->export.running) {
		if (key == 'c' || key == 'C') {
			console_export_cancel(c);
			ui->dialog = UI_DIALOG_NONE;
			return CONSOLE_PAINT;
		}
		if (key == KEYS_ESC || key == KEYS_ENTER) {
			ui->dialog = UI_DIALOG_NONE;
			return CONSOLE_PAINT;
		}
		return 0;
	}
	if (key == KEYS_ESC) {
		ui->dialog = UI_DIALOG_NONE;
		return CONSOLE_PAINT;
	}
	if (key == KEYS_TAB || key == KEYS_BACKTAB || key == KEYS_UP || key == KEYS_DOWN) {
		if (ui->export_seg.id)
			ui->export_focus_path = !ui->export_focus_path;
		return CONSOLE_PAINT;
	}
	if (key == KEYS_ENTER) {
		char *path = xstrdup(ui->export_path.buf);
		trim(path);
		ui_set_string(&ui->export_error, NULL);
		if (console_export_start(c, path, ui->export_what ? ui->export_seg.id : 0) == 0)
			ui->dialog = UI_DIALOG_NONE;
		free(path);
		return CONSOLE_PAINT;
	}
	if (!ui->export_focus_path) {
		if (key == KEYS_LEFT || key == KEYS_RIGHT || key == KEYS_SPACE) {
			ui->export_what = !ui->export_what;
			return CONSOLE_PAINT;
		}
		return 0;
	}
	if (edit_key(&ui->export_path, key, 64)) {
		ui_set_string(&ui->export_error, NULL);
		return CONSOLE_PAINT;
	}
	return 0;
}

static unsigned dialog_key(struct console *c, int key)
{
	struct ui *ui = &c->ui;
	enum action a = keys_lookup(&c->keys, key);
	long i;

	switch (ui->dialog) {
	case UI_DIALOG_NONE:
		break;
	case UI_DIALOG_HELP:
		if (key == KEYS_ESC || key == KEYS_ENTER || a == ACTION_HELP || a == ACTION_QUIT) {
			ui->dialog = UI_DIALOG_NONE;
			return CONSOLE_PAINT;
		}
		return scroll_key(&ui->help, key);
	case UI_DIALOG_PAUSE:
		return pause_key(c, key);
	case UI_DIALOG_FORM:
		return form_key(c, key);
	case UI_DIALOG_DETAILS:
		if (key == KEYS_ESC || key == KEYS_ENTER || a == ACTION_QUIT) {
			ui->dialog = UI_DIALOG_NONE;
			return CONSOLE_PAINT;
		}
		if (a == ACTION_WITHDRAW && ui->dialog_id &&
		    (i = model_exemption_find(&c->model, ui->dialog_id)) >= 0)
			return open_withdraw(c, &c->model.ex[i]);
		return scroll_key(&ui->details, key);
	case UI_DIALOG_FORGET:
		return forget_key(c, key);
	case UI_DIALOG_DELETE:
		return delete_key(c, key);
	case UI_DIALOG_EXPORT:
		return export_key(c, key);
	case UI_DIALOG_WITHDRAW:
		if (key == KEYS_ESC || key == 'n' || key == 'N') {
			ui->dialog = UI_DIALOG_NONE;
			return CONSOLE_PAINT;
		}
		if ((key == 'y' || key == 'Y') && !ui->dialog_sending && ui->dialog_id) {
			console_withdraw(c, ui->dialog_id);
			return CONSOLE_PAINT;
		}
		return 0;
	}
	return 0;
}

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
	if (c->ui.dialog != UI_DIALOG_NONE)
		return flags | dialog_key(c, key);
	/* A segment's events go back to the list with Esc or Backspace,
	 * before either means anything else. */
	if (c->ui.view == UI_VIEW_DATA && c->ui.open.id &&
	    (key == KEYS_ESC || key == KEYS_BACKSPACE || key == KEYS_LEFT)) {
		data_close(c);
		return flags | CONSOLE_PAINT;
	}
	return flags | run(c, keys_lookup(&c->keys, key));
}
