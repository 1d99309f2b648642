/* The frame every view shares: the state header, the tab row, the message
 * line and the function bar, and how the screen is split between them at
 * any size (a 20x5 terminal still shows the state and the keys). The
 * views and the open dialog are drawn into it. */
#include "console/frame.h"
#include "console/keys.h"
#include "dialog/dialog.h"
#include "dialog/export.h"
#include "i18n.h"
#include "phrase.h"
#include "text/human.h"
#include "text/text.h"
#include "util.h"
#include "view/view.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The views, in the order of their numbers and of Tab. */
static const struct {
	enum ui_view view;
	const char *name;
	void (*draw)(WINDOW *w, const struct model *m, struct ui *ui, struct rect r);
} views[] = {
    /* TRANSLATORS: the tab names: " 1 Overview " and the five
       others in one row of 80 columns, with room for " (1)"
       after Exemptions */
    {UI_VIEW_OVERVIEW, N_("Overview"), view_overview_draw},
    {UI_VIEW_DATA, N_("Data"), view_data_draw},
    {UI_VIEW_EXEMPTIONS, N_("Exemptions"), view_exemptions_draw},
    {UI_VIEW_HISTORY, N_("History"), view_history_draw},
    {UI_VIEW_NOTICE, N_("Notice"), view_notice_draw},
    {UI_VIEW_LIVE, N_("Live"), view_live_draw},
};

enum ui_view frame_next_view(enum ui_view v, int step)
{
	size_t n = ARRAY_SIZE(views), i = 0;
	while (i < n && views[i].view != v)
		i++;
	return views[(i + n + (size_t)(step > 0 ? 1 : n - 1)) % n].view;
}

/* The words while there is no agent to ask: true, with badge, colour and
 * reason written; false once the link is live. */
static bool link_words(enum model_link link, const char *bus, char *badge, size_t badge_size,
                       enum theme_color *color, char *reason, size_t reason_size)
{
	switch (link) {
	case MODEL_LINK_CONNECTING:
		snprintf(badge, badge_size, _("CONNECTING"));
		*color = THEME_STATE_UNKNOWN;
		snprintf(reason, reason_size, _("asking the %s bus for the agent"), bus);
		return true;
	case MODEL_LINK_GONE:
		snprintf(badge, badge_size, _("AGENT NOT REACHABLE"));
		*color = THEME_STATE_UNREACHABLE;
		snprintf(reason, reason_size,
		         _("captured is not running on the %s bus; waiting for it to start"), bus);
		return true;
	case MODEL_LINK_NO_BUS:
		snprintf(badge, badge_size, _("AGENT NOT REACHABLE"));
		*color = THEME_STATE_UNREACHABLE;
		snprintf(reason, reason_size,
		         _("the connection to the %s bus is lost; reconnecting"), bus);
		return true;
	case MODEL_LINK_LIVE:
		break;
	}
	return false;
}

void frame_state_words(const struct model *m, const struct ui *ui, char *badge, size_t badge_size,
                       enum theme_color *color, char *reason, size_t reason_size)
{
	char count[32];

	if (link_words(m->link, ui->bus_name, badge, badge_size, color, reason, reason_size))
		return;
	snprintf(reason, reason_size, "%s", phrase_shown(m->state_reason));
	switch (model_state(m)) {
	case MODEL_STATE_COLLECTING:
		/* TRANSLATORS: the state badge, in capitals as a sign is */
		snprintf(badge, badge_size, _("COLLECTING"));
		*color = THEME_STATE_COLLECTING;
		return;
	case MODEL_STATE_PAUSED:
		human_countdown(model_pause_left(m, ui->now), count, sizeof count);
		snprintf(badge, badge_size, _("PAUSED %s"), count);
		*color = THEME_STATE_PAUSED;
		/* The agent says the end to the minute, rounded down: said
		 * here to the second when near, never earlier than it is. */
		if (m->paused_until) {
			human_until(m->paused_until, ui->now, count, sizeof count);
			snprintf(reason, reason_size, _("paused until %s"), count);
		}
		return;
	case MODEL_STATE_EXEMPT:
		snprintf(badge, badge_size, _("EXEMPT"));
		*color = THEME_STATE_EXEMPT;
		return;
	case MODEL_STATE_SUSPENDED:
		snprintf(badge, badge_size, _("SUSPENDED"));
		*color = THEME_STATE_SUSPENDED;
		return;
	case MODEL_STATE_IDLE:
		snprintf(badge, badge_size, _("IDLE"));
		*color = THEME_STATE_IDLE;
		return;
	case MODEL_STATE_UNKNOWN:
		break;
	}
	*color = THEME_STATE_UNKNOWN;
	if (!m->state && m->refusal) {
		snprintf(badge, badge_size, _("REFUSED"));
		*color = THEME_STATE_UNREACHABLE;
		snprintf(reason, reason_size, _("the agent would not say its state: %s"),
		         m->refusal);
		return;
	}
	if (!m->state) {
		snprintf(badge, badge_size, _("CONNECTING"));
		snprintf(reason, reason_size, _("reading the agent's state"));
		return;
	}
	/* A state word from a newer agent: show it as it is. */
	size_t i = 0;
	for (; m->state[i] && i + 1 < badge_size; i++)
		badge[i] = (char)toupper((unsigned char)m->state[i]);
	badge[i] = '\0';
}

static void draw_header(WINDOW *w, const struct model *m, struct ui *ui, int cols)
{
	const struct theme *t = &ui->theme;
	char badge[64], reason[512], text[80];
	enum theme_color color;

	frame_state_words(m, ui, badge, sizeof badge, &color, reason, sizeof reason);
	/* The countdown changes at the next whole second of what is left. */
	if (model_state(m) == MODEL_STATE_PAUSED && m->paused_until > ui->now) {
		uint64_t left = (m->paused_until - ui->now) % USEC_PER_SEC;
		ui_redraw_at(ui, ui->now + (left ? left : USEC_PER_SEC));
	}
	snprintf(text, sizeof text, " %s ", badge);
	int x = widget_text(w, t, 0, 0, cols, theme_attr(t, color), text);
	if (x < cols)
		x += widget_text(w, t, 0, x, cols - x, A_NORMAL, " ");
	widget_text_cut(w, t, 0, x, cols - x, theme_attr(t, THEME_VALUE), reason);
}

static void draw_tabs(WINDOW *w, const struct model *m, const struct ui *ui, int y, int cols)
{
	const struct theme *t = &ui->theme;
	char labels[ARRAY_SIZE(views)][48];
	size_t pending = 0;
	for (size_t i = 0; i < m->n_ex; i++)
		pending += strcmp(m->ex[i].status, "pending") == 0;
	/* Full names where they fit, else numbers only but for the view
	 * shown. */
	for (int style = 0; style < 2; style++) {
		int width = 0;
		for (size_t i = 0; i < ARRAY_SIZE(views); i++) {
			const char *name = _(views[i].name);
			bool on = ui->view == views[i].view;
			if (style == 1 && !on)
				snprintf(labels[i], sizeof labels[i], " %d ", (int)views[i].view);
			else if (views[i].view == UI_VIEW_EXEMPTIONS && pending && style == 0)
				snprintf(labels[i], sizeof labels[i], " %d %s (%zu) ",
				         (int)views[i].view, name, pending);
			else
				snprintf(labels[i], sizeof labels[i], " %d %s ", (int)views[i].view,
				         name);
			width += text_width(labels[i], strlen(labels[i])) + 1;
		}
		if (width - 1 <= cols)
			break;
	}
	int x = 0;
	for (size_t i = 0; i < ARRAY_SIZE(views) && x < cols; i++) {
		bool on = ui->view == views[i].view;
		x += widget_text(w, t, y, x, cols - x,
		                 theme_attr(t, on ? THEME_TAB_ACTIVE : THEME_TAB), labels[i]);
		if (x < cols)
			x += widget_text(w, t, y, x, 1, A_NORMAL, " ");
	}
}

/* The keys each view offers in the bar, in order; the label of Enter
 * says what it opens there. */
static int view_keys(const struct ui *ui, enum action *out, const char **labels)
{
	static const enum action overview[] = {ACTION_HELP,   ACTION_PAUSE,  ACTION_PAUSE_FOR,
	                                       ACTION_RESUME, ACTION_FORGET, ACTION_EXEMPT,
	                                       ACTION_EXPORT, ACTION_QUIT};
	static const enum action data[] = {ACTION_HELP,   ACTION_PAUSE,  ACTION_RESUME,
	                                   ACTION_OPEN,   ACTION_DELETE, ACTION_EXPORT,
	                                   ACTION_FORGET, ACTION_QUIT};
	static const enum action segment[] = {ACTION_HELP, ACTION_NONE, ACTION_DELETE,
	                                      ACTION_EXPORT, ACTION_QUIT};
	static const enum action exemptions[] = {ACTION_HELP,     ACTION_PAUSE,  ACTION_PAUSE_FOR,
	                                         ACTION_RESUME,   ACTION_EXEMPT, ACTION_OPEN,
	                                         ACTION_WITHDRAW, ACTION_QUIT};
	static const enum action live[] = {ACTION_HELP,   ACTION_PAUSE,  ACTION_PAUSE_FOR,
	                                   ACTION_RESUME, ACTION_FORGET, ACTION_QUIT};
	const enum action *list = overview;
	size_t n = ARRAY_SIZE(overview);
	switch (ui->view) {
	case UI_VIEW_DATA:
		list = ui->open.id ? segment : data;
		n = ui->open.id ? ARRAY_SIZE(segment) : ARRAY_SIZE(data);
		break;
	case UI_VIEW_EXEMPTIONS:
		list = exemptions;
		n = ARRAY_SIZE(exemptions);
		break;
	case UI_VIEW_LIVE:
		list = live;
		n = ARRAY_SIZE(live);
		break;
	default:
		break;
	}
	for (size_t i = 0; i < n; i++) {
		out[i] = list[i];
		labels[i] = list[i] == ACTION_NONE     ? _("Back")
		            : list[i] != ACTION_OPEN   ? _(keys_info(list[i])->label)
		            : ui->view == UI_VIEW_DATA ? _("Open")
		                                       : _("Details");
	}
	return (int)n;
}

static void draw_funcbar(WINDOW *w, const struct model *m, const struct ui *ui, int y, int cols)
{
	struct widget_fkey fk[12];
	char names[12][16];
	enum action acts[12];
	const char *labels[12];
	int n = 0;

	/* Inside a dialog the bar shows the dialog's keys instead. */
	if (ui->dialog) {
		n = dialog_fkeys(m, ui, fk, names);
		widget_funcbar(w, &ui->theme, y, cols, fk, n);
		return;
	}
	int k = view_keys(ui, acts, labels);
	for (int i = 0; i < k; i++) {
		int key;
		if (acts[i] == ACTION_NONE) /* Back, in a segment's events */
			snprintf(names[n], sizeof names[n], "Esc");
		else if (keys_for(ui->keys, acts[i], &key, 1) == 1)
			keys_name(key, names[n], sizeof names[n]);
		else
			continue;
		fk[n] =
		    (struct widget_fkey){names[n], labels[i], ui_unavailable(m, acts[i]) != NULL};
		n++;
	}
	widget_funcbar(w, &ui->theme, y, cols, fk, n);
}

/* The banner of a History that did not check, wrapped to two lines when
 * the body has room, from row top; returns the row after it. */
static int draw_chain_warning(WINDOW *w, struct ui *ui, int top, int bottom, int cols)
{
	const char *s = ui->chain_warning;
	if (!s || bottom - top < 3)
		return top;
	struct text_line *lines;
	size_t n = text_wrap(s, strlen(s), cols, &lines);
	size_t room = bottom - top >= 8 ? 2 : 1;
	for (size_t i = 0; i < n && i < room; i++) {
		/* The last row shown takes the rest, cut with an ellipsis. */
		char *part = i + 1 == room
		                 ? xstrdup(s + lines[i].start)
		                 : xasprintf("%.*s", (int)lines[i].len, s + lines[i].start);
		widget_text_cut(w, &ui->theme, top++, 0, cols, theme_attr(&ui->theme, THEME_ERROR),
		                part);
		free(part);
	}
	free(lines);
	return top;
}

void frame_paint(WINDOW *w, const struct model *m, struct ui *ui)
{
	int rows, cols;
	getmaxyx(w, rows, cols);
	werase(w);
	ui->cursor_on = false;
	ui->hist.rows = 0;
	ui->data.rows = 0;
	ui->segev.rows = 0;
	ui->live_rows = 0;
	ui->overview_hist_rows = 0;
	if (rows < 1 || cols < 1)
		return;

	draw_header(w, m, ui, cols);
	int top = 1, bottom = rows; /* the body is rows top..bottom-1 */
	if (rows >= 3) {
		draw_funcbar(w, m, ui, rows - 1, cols);
		bottom = rows - 1;
	}
	if (rows >= 10) {
		draw_tabs(w, m, ui, 1, cols);
		top = 2;
	}
	/* While the spool cannot be written, every view says so. */
	const char *storage = m->retention.last_error;
	if (storage && *storage && bottom - top >= 3) {
		char line[1024];
		snprintf(line, sizeof line, _("Not saved to disk: %s"), storage);
		widget_text_cut(w, &ui->theme, top, 0, cols, theme_attr(&ui->theme, THEME_ERROR),
		                line);
		top++;
	}
	/* A change of the policy that waits for the person, on the Overview. */
	if (ui->view == UI_VIEW_OVERVIEW && m->consent.waiting && bottom - top >= 4) {
		bool first = !m->consent.acknowledged_digest || !*m->consent.acknowledged_digest;
		widget_text_cut(w, &ui->theme, top, 0, cols, theme_attr(&ui->theme, THEME_WARN),
		                first
		                    ? _("Nothing is recorded until you acknowledge the privacy "
		                        "notice: press a.")
		                    : _("A policy change waits for your acknowledgment: press a."));
		top++;
	}
	/* So does a History whose chain did not check. */
	top = draw_chain_warning(w, ui, top, bottom, cols);
	if (ui->message && bottom - top >= 2) {
		bottom--;
		widget_text_cut(
		    w, &ui->theme, bottom, 0, cols,
		    theme_attr(&ui->theme, ui->message_error ? THEME_ERROR : THEME_GOOD),
		    ui->message);
	} else if (ui->export.running && bottom - top >= 2) {
		/* An export going on in the background says how far it got. */
		char line[4200];
		dialog_export_progress(ui, line, sizeof line);
		bottom--;
		widget_text_cut(w, &ui->theme, bottom, 0, cols, theme_attr(&ui->theme, THEME_VALUE),
		                line);
	}
	struct rect body = {top, 0, bottom - top, cols};
	if (body.h > 0) {
		for (size_t i = 0; i < ARRAY_SIZE(views); i++)
			if (views[i].view == ui->view)
				views[i].draw(w, m, ui, body);
	}
	/* Dialogs leave the header (the countdown keeps ticking above them)
	 * and the function bar, which shows the dialog's keys. */
	if (ui->dialog)
		dialog_draw(w, m, ui,
		            rows >= 5 ? (struct rect){1, 0, rows - 2, cols}
		                      : (struct rect){0, 0, rows, cols});
}
