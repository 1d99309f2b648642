/* The Overview: what is recorded now, stream by stream, what it costs in
 * bandwidth and power, and how much pausing is left — in words a person
 * who is not an engineer reads at a glance. Columns are dropped, not
 * squeezed, as the terminal narrows. */
#include "i18n.h"
#include "phrase.h"
#include "text/human.h"
#include "text/strip.h"
#include "model/summary.h"
#include "text/text.h"
#include "i18n.h"
#include "util.h"
#include "view/view.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define LABEL_COLS 10

/* The columns of the stream table at a width. */
struct columns {
	int id, now, level, desc, events, stored;
};

static struct columns stream_columns(int cols)
{
	struct columns c = {.id = 15, .now = 4};
	if (cols >= 40) {
		c.events = 9;
		c.stored = 9;
	}
	if (cols >= 100)
		c.level = 10;
	int rest = cols - 1 - c.id - c.now - c.level - c.events - c.stored - 1;
	if (cols >= 60 && rest > 8)
		c.desc = rest;
	if (cols < 20)
		c.id = cols - c.now - 2 > 4 ? cols - c.now - 2 : 4;
	return c;
}

static int draw_streams(WINDOW *w, const struct model *m, struct ui *ui, struct rect r)
{
	const struct theme *t = &ui->theme;
	struct columns c = stream_columns(r.w);
	int y = r.y;
	char a[32];

	if (r.h < 1)
		return 0;
	/* Panel header across the width, then the column names. */
	widget_fill(w, y, r.x, r.w, theme_attr(t, THEME_PANEL_HEADER));
	int x = r.x + 1;
	attr_t ph = theme_attr(t, THEME_PANEL_HEADER);
	/* TRANSLATORS: column heading, at most 14 columns */
	widget_text(w, t, y, x, c.id, ph, _("Stream"));
	x += c.id;
	/* TRANSLATORS: column heading over yes/no, at most 4 columns */
	widget_text(w, t, y, x, c.now, ph, _("Now"));
	x += c.now + 1;
	if (c.level) {
		/* TRANSLATORS: column heading, at most 9 columns */
		widget_text(w, t, y, x, c.level, ph, _("Level"));
		x += c.level;
	}
	if (c.desc) {
		widget_text(w, t, y, x, c.desc, ph, _("What is kept"));
		x += c.desc;
	}
	if (c.events) {
		/* TRANSLATORS: column heading, right-aligned, at most 8 columns */
		widget_text_right(w, t, y, x, c.events, ph, _("Events"));
		x += c.events;
		/* TRANSLATORS: column heading (bytes stored), right-aligned, at most 8 columns */
		widget_text_right(w, t, y, x, c.stored, ph, _("Stored"));
	}
	y++;
	for (size_t i = 0; i < m->n_streams && y < r.y + r.h; i++, y++) {
		const struct model_stream *s = &m->streams[i];
		x = r.x + 1;
		widget_text_cut(w, t, y, x, c.id - 1, A_NORMAL, s->id);
		x += c.id;
		widget_text(w, t, y, x, c.now, theme_attr(t, s->recording ? THEME_GOOD : THEME_DIM),
		            /* TRANSLATORS: at most 4 columns */
		            s->recording ? _("yes") : _("no"));
		x += c.now + 1;
		if (c.level) {
			widget_text_cut(w, t, y, x, c.level - 1, theme_attr(t, THEME_LABEL),
			                s->fidelity);
			x += c.level;
		}
		if (c.desc) {
			widget_text_cut(w, t, y, x, c.desc - 1,
			                s->recording ? A_NORMAL : theme_attr(t, THEME_DIM),
			                phrase_shown(s->description));
			x += c.desc;
		}
		if (c.events) {
			if (c.desc)
				human_count(s->events, a, sizeof a);
			else
				human_count_short(s->events, a, sizeof a);
			widget_text_right(w, t, y, x, c.events, A_NORMAL, a);
			x += c.events;
			human_bytes(s->bytes, a, sizeof a);
			widget_text_right(w, t, y, x, c.stored, A_NORMAL, a);
		}
	}
	return y - r.y;
}

static int draw_recent(WINDOW *w, const struct model *m, struct ui *ui, struct rect r)
{
	const struct theme *t = &ui->theme;
	if (r.h < 2)
		return 0;
	widget_fill(w, r.y, r.x, r.w, theme_attr(t, THEME_PANEL_HEADER));
	widget_text(w, t, r.y, r.x + 1, r.w - 1, theme_attr(t, THEME_PANEL_HEADER),
	            _("Recent activity"));
	int rows = r.h - 1;
	if (m->hist.known && (uint64_t)rows > m->hist.total)
		rows = (int)m->hist.total;
	ui->overview_hist_rows = (uint64_t)rows;
	if (m->hist.known && m->hist.total == 0)
		widget_text(w, t, r.y + 1, r.x + 1, r.w - 1, theme_attr(t, THEME_DIM),
		            _("Nothing logged yet."));
	for (int i = 0; i < rows; i++) {
		const struct model_hist_entry *e = model_hist_entry(m, (uint64_t)i);
		char when[32], line[600];
		if (!e) {
			widget_text(w, t, r.y + 1 + i, r.x + 1, r.w - 1, theme_attr(t, THEME_DIM),
			            theme_glyph(t, "…", "..."));
			continue;
		}
		view_history_time(e->time, ui->now, false, when, sizeof when);
		int y = r.y + 1 + i, x = r.x + 1;
		widget_text(w, t, y, x, 11, theme_attr(t, THEME_LABEL), when);
		x += 12;
		/* The action in a column where there is room, else run on. */
		if (r.w >= 60) {
			widget_text_cut(w, t, y, x, 21, theme_attr(t, THEME_VALUE), e->action);
			x += 22;
			snprintf(line, sizeof line, "%s", phrase_shown(e->detail));
		} else {
			snprintf(line, sizeof line, "%s %s", e->action, phrase_shown(e->detail));
		}
		widget_text_cut(w, t, y, x, r.x + r.w - x - 1, A_NORMAL, line);
	}
	return rows + 1;
}

/* The requests that matter now: pending and approved ones. */
static int draw_exemptions(WINDOW *w, const struct model *m, struct ui *ui, struct rect r)
{
	const struct theme *t = &ui->theme;
	int y = r.y;
	size_t shown = 0, open = 0;
	widget_fill(w, y, r.x, r.w, theme_attr(t, THEME_PANEL_HEADER));
	widget_text(w, t, y, r.x + 1, r.w - 1, theme_attr(t, THEME_PANEL_HEADER),
	            _("Exemptions in force or waiting"));
	y++;
	for (size_t i = 0; i < m->n_ex; i++) {
		const struct model_exemption *e = &m->ex[i];
		bool approved = strcmp(e->status, "approved") == 0;
		if (!approved && strcmp(e->status, "pending") != 0)
			continue;
		open++;
		if (y >= r.y + r.h)
			continue;
		char line[256], until[32];
		if (approved && e->expires) {
			human_until(e->expires, ui->now, until, sizeof until);
			snprintf(line, sizeof line, _("%s, %s, until %s"), e->scope, e->category,
			         until);
		} else {
			snprintf(line, sizeof line, _("%s, %s, waiting for a decision"), e->scope,
			         e->category);
		}
		int x = r.x + 1;
		widget_text(w, t, y, x, 7, A_NORMAL, e->id);
		x += 7;
		widget_text(w, t, y, x, 9, theme_attr(t, approved ? THEME_GOOD : THEME_WARN),
		            view_word(e->status));
		x += 10;
		widget_text_cut(w, t, y, x, r.x + r.w - x - 1, A_NORMAL, line);
		y++;
		shown++;
	}
	if (open == 0) {
		widget_text(w, t, y++, r.x + 1, r.w - 2, theme_attr(t, THEME_DIM),
		            _("None: everything the policy allows is recorded."));
	} else if (shown < open && y > r.y + 1) {
		char more[64];
		snprintf(more, sizeof more, _("and %zu more in view 3"), open - shown + 1);
		y--;
		widget_fill(w, y, r.x, r.w, A_NORMAL);
		widget_text(w, t, y++, r.x + 1, r.w - 2, theme_attr(t, THEME_DIM), more);
	}
	return y - r.y;
}

static void draw_waiting(WINDOW *w, const struct model *m, struct ui *ui, struct rect r)
{
	const struct theme *t = &ui->theme;
	char text[512];
	if (m->link == MODEL_LINK_GONE)
		snprintf(text, sizeof text,
		         _("The capture agent (captured) is not running on the %s bus, so it is "
		           "recording nothing now. This console waits for it and shows its state "
		           "as soon as it starts."),
		         ui->bus_name);
	else if (m->link == MODEL_LINK_NO_BUS)
		snprintf(text, sizeof text,
		         _("The connection to the %s bus is lost. capctl reconnects on its own."),
		         ui->bus_name);
	else if (m->refusal)
		snprintf(text, sizeof text, _("The agent would not say its state: %s"), m->refusal);
	else
		snprintf(text, sizeof text, _("Waiting for the agent's answer%s"),
		         theme_glyph(t, "…", "..."));
	int y = r.h >= 6 ? r.y + 1 : r.y;
	view_paragraph(w, t, y, r.x + 1, r.w - 2, r.y + r.h - y, 0, A_NORMAL, text);
}

/* ---- the cost panels ---- */

/* A line of a panel: text in up to three wordings, longest first (the
 * first that fits is drawn), or a bar or a sparkline followed by a short
 * text. Lines are dropped by importance when the panel is short. */
enum pline_kind { PLINE_TEXT, PLINE_BAR, PLINE_SPARK, PLINE_TALLY };

struct pline {
	enum pline_kind kind;
	int prio;  /* 0 most important */
	bool wrap; /* may take a second row rather than be cut */
	enum theme_color tone;
	char text[3][160];
	double fraction;                 /* PLINE_BAR */
	const struct model_spark *spark; /* PLINE_SPARK */
	const struct model_tally *tally; /* PLINE_TALLY: bytes a minute */
};

struct panel {
	char title[160];
	struct pline l[8];
	int n;
};

static struct pline *pline_add(struct panel *p, enum pline_kind kind, int prio,
                               enum theme_color tone)
{
	struct pline *l = &p->l[p->n++];
	*l = (struct pline){.kind = kind, .prio = prio, .tone = tone};
	return l;
}

static void upload_panel(const struct model *m, uint64_t now, bool utf8, struct panel *p,
                         uint64_t *changes)
{
	const struct model_upload *u = &m->upload;
	char a[32], b[32], held[160];
	struct pline *l;
	(void)utf8;

	p->n = 0;
	*changes = UINT64_MAX;
	if (!summary_uploads(m)) {
		snprintf(p->title, sizeof p->title, _("Upload: local only"));
		l = pline_add(p, PLINE_TEXT, 0, THEME_GOOD);
		snprintf(l->text[0], sizeof l->text[0], _("Nothing leaves this machine."));
		return;
	}
	snprintf(p->title, sizeof p->title, _("Upload to %s"), u->endpoint);
	l = pline_add(p, PLINE_TEXT, 0, THEME_VALUE);
	summary_today(m, l->text[0], sizeof l->text[0]);
	if (u->daily_cap) {
		l = pline_add(p, PLINE_BAR, 3, THEME_GOOD);
		l->fraction = (double)u->bytes_today / (double)u->daily_cap;
		snprintf(l->text[0], sizeof l->text[0], "%3.0f%%",
		         l->fraction > 1 ? 100.0 : l->fraction * 100);
		if (l->fraction >= 0.9)
			l->tone = THEME_WARN;
	}
	l = pline_add(p, PLINE_TALLY, 4, THEME_LABEL);
	l->tally = &m->uploaded;
	l = pline_add(p, PLINE_TEXT, 1, THEME_DEFAULT);
	summary_deferred(m, now, l->text[0], sizeof l->text[0]);
	if (l->text[0][0]) {
		l->tone = THEME_WARN;
	} else {
		summary_next_upload(m, now, l->text[0], sizeof l->text[0], changes);
		if (!l->text[0][0] && u->last_upload) {
			format_local_time(u->last_upload, now, a, sizeof a);
			snprintf(l->text[0], sizeof l->text[0], _("Last sent at %s; nothing waits"),
			         a);
		} else if (!l->text[0][0]) {
			snprintf(l->text[0], sizeof l->text[0], _("Nothing sent yet"));
		}
	}
	if (u->pending_bytes || u->bytes_total) {
		l = pline_add(p, PLINE_TEXT, 5, THEME_DEFAULT);
		human_bytes(u->pending_bytes, a, sizeof a);
		human_bytes(u->bytes_total, b, sizeof b);
		snprintf(l->text[0], sizeof l->text[0], _("%s waiting to go, %s sent in all"), a,
		         b);
		snprintf(l->text[1], sizeof l->text[1], _("%s waiting, %s in all"), a, b);
	}
	summary_held(m, now, 0, held, sizeof held);
	if (*held) {
		l = pline_add(p, PLINE_TEXT, 2, THEME_DEFAULT);
		snprintf(l->text[0], sizeof l->text[0], "%s", held);
		summary_held(m, now, 1, l->text[1], sizeof l->text[1]);
	}
	if (u->last_error && *u->last_error) {
		l = pline_add(p, PLINE_TEXT, 2, THEME_ERROR);
		l->wrap = true;
		snprintf(l->text[0], sizeof l->text[0], _("Last attempt failed: %s"),
		         u->last_error);
	}
}

static void power_panel(const struct model *m, bool utf8, struct panel *p)
{
	const struct model_power *pw = &m->power;
	char mw[32];
	struct pline *l;
	const char *approx = utf8 ? "≈" : _("about");

	p->n = 0;
	snprintf(p->title, sizeof p->title, _("Power"));
	human_power(pw->estimated_mw, mw, sizeof mw);
	l = pline_add(p, PLINE_TEXT, 0, THEME_VALUE);
	snprintf(l->text[0], sizeof l->text[0], _("Agent %s %s, %.1f%% CPU"), approx, mw,
	         pw->cpu_percent);
	l = pline_add(p, PLINE_TEXT, 3, THEME_DEFAULT);
	snprintf(l->text[0], sizeof l->text[0], _("%.1f wakeups a second, %.1f s CPU in all"),
	         pw->wakeups_per_second, pw->cpu_seconds);
	snprintf(l->text[1], sizeof l->text[1], _("%.1f wakeups a second"), pw->wakeups_per_second);
	l = pline_add(p, PLINE_SPARK, 5, THEME_LABEL);
	l->spark = &m->power_mw;
	snprintf(l->text[0], sizeof l->text[0], _("%s now"), mw);
	l = pline_add(p, PLINE_TEXT, 1, THEME_DEFAULT);
	summary_battery(m, l->text[0], sizeof l->text[0]);
	if (pw->on_battery)
		l->tone = THEME_WARN;
	if (pw->saver) {
		l = pline_add(p, PLINE_TEXT, 2, THEME_WARN);
		for (int v = 0; v < 3; v++)
			summary_saver(m, v, l->text[v], sizeof l->text[v]);
	}
	if (pw->measured_mw >= 0) {
		human_power(pw->measured_mw, mw, sizeof mw);
		l = pline_add(p, PLINE_TEXT, 4, THEME_DEFAULT);
		snprintf(l->text[0], sizeof l->text[0],
		         _("The processor draws %s in all (measured)"), mw);
		snprintf(l->text[1], sizeof l->text[1], _("Processor %s (measured)"), mw);
	}
}

/* A sparkline of the last cols slots and its text after it; the time it
 * next moves on when what it shows is not flat. */
static void draw_spark(WINDOW *w, struct ui *ui, int y, int x, int cols, const struct pline *l,
                       attr_t attr)
{
	const struct theme *t = &ui->theme;
	int tw = text_width(l->text[0], strlen(l->text[0])) + 1;
	int n = cols - tw;
	if (n > MODEL_SPARK_SLOTS)
		n = MODEL_SPARK_SLOTS;
	if (n < 4) {
		widget_text_cut(w, t, y, x, cols, attr, l->text[0]);
		return;
	}
	double v[MODEL_SPARK_SLOTS], max = 0, min = -1;
	model_spark_values(l->spark, ui->now, v, (size_t)n);
	for (int i = 0; i < n; i++) {
		if (v[i] != v[i])
			continue;
		if (v[i] > max)
			max = v[i];
		if (min < 0 || v[i] < min)
			min = v[i];
	}
	widget_spark(w, t, y, x, v, n, max, attr);
	widget_text_cut(w, t, y, x + n + 1, cols - n - 1, A_NORMAL, l->text[0]);
	/* A shape moves left as time passes; a flat line looks the same. */
	if (min >= 0 && (max > min || v[0] != v[0])) {
		uint64_t slot = ui->now / MODEL_SPARK_SLOT_USEC;
		ui_redraw_at(ui, (slot + 1) * MODEL_SPARK_SLOT_USEC);
	}
}

/* What the minutes of uploading drawn from first on say beside them:
 * the last minute's bytes. */
static void uploaded_text(double last, uint64_t first, uint64_t now, char *buf, size_t size)
{
	char a[32], when[32];
	format_local_time(first, now, when, sizeof when);
	if (isnan(last)) {
		/* TRANSLATORS: beside the sparkline of bytes uploaded a minute,
		 * before a whole minute was counted; %s is a time (14:03). */
		snprintf(buf, size, _("counting since %s"), when);
		return;
	}
	human_bytes((uint64_t)(last + 0.5), a, sizeof a);
	/* TRANSLATORS: beside the sparkline of bytes uploaded a minute: the
	 * last minute's bytes (1.2 kB) and when the line starts (14:03). */
	snprintf(buf, size, _("%s a minute, since %s"), a, when);
}

/* Bytes uploaded a minute, a cell each, as many minutes of the last hour
 * as fit; the last minute's figure and since when after them. */
static void draw_uploaded(WINDOW *w, struct ui *ui, int y, int x, int cols,
                          const struct model_tally *t, attr_t attr)
{
	const struct theme *tm = &ui->theme;
	double last;
	uint64_t hour = (uint64_t)MODEL_TALLY_SLOTS * t->width, first;
	char text[160];
	model_tally_values(t, ui->now, &last, 1, NULL);
	first = ui->now > hour && ui->now - hour > t->since ? ui->now - hour : t->since;
	uploaded_text(last, first, ui->now, text, sizeof text);
	int n = cols - text_width(text, strlen(text)) - 1;
	if (n > MODEL_TALLY_SLOTS)
		n = MODEL_TALLY_SLOTS;
	if (n < 4) {
		widget_text_cut(w, tm, y, x, cols, attr, text);
		return;
	}
	last = view_tally_spark(w, ui, y, x, n, t, attr, &first);
	uploaded_text(last, first, ui->now, text, sizeof text);
	widget_text_cut(w, tm, y, x + n + 1, cols - n - 1, A_NORMAL, text);
}

/* The rows a line takes at cols columns: a line that may wrap takes two
 * when it does not fit in one. */
static int pline_rows(const struct pline *l, int cols)
{
	return l->wrap && text_width(l->text[0], strlen(l->text[0])) > cols ? 2 : 1;
}

/* The rows a panel would like at a width: its title and every line. */
static int panel_rows(const struct panel *p, int w)
{
	int rows = 1;
	for (int i = 0; i < p->n; i++)
		rows += pline_rows(&p->l[i], w - 2);
	return rows;
}

/* Draws a panel in r (its title on the first row): as many of its lines
 * as fit, the most important ones, in their order. Returns rows used. */
static int draw_panel(WINDOW *w, struct ui *ui, const struct panel *p, struct rect r)
{
	const struct theme *t = &ui->theme;
	attr_t ph = theme_attr(t, THEME_PANEL_HEADER);
	int rows[8] = {0}, cols = r.w - 2;
	if (r.h < 1)
		return 0;
	widget_fill(w, r.y, r.x, r.w, ph);
	widget_text_cut(w, t, r.y, r.x + 1, r.w - 2, ph, p->title);
	/* Every kept line gets a row, by importance; then the lines that
	 * wrap get their second row while there is room. */
	int room = r.h - 1, used = 0;
	for (int prio = 0; prio < 8 && used < room; prio++)
		for (int i = 0; i < p->n && used < room; i++)
			if (p->l[i].prio == prio) {
				rows[i] = 1;
				used++;
			}
	for (int i = 0; i < p->n && used < room; i++)
		if (rows[i] && pline_rows(&p->l[i], cols) == 2) {
			rows[i] = 2;
			used++;
		}
	int y = r.y + 1, x = r.x + 1;
	for (int i = 0; i < p->n; i++) {
		const struct pline *l = &p->l[i];
		if (!rows[i])
			continue;
		attr_t attr = theme_attr(t, l->tone);
		if (rows[i] == 2) {
			view_paragraph(w, t, y, x, cols, 2, 0, attr, l->text[0]);
			y += 2;
			continue;
		}
		if (l->kind == PLINE_TEXT) {
			int v = 0;
			while (v < 2 && l->text[v + 1][0] &&
			       text_width(l->text[v], strlen(l->text[v])) > cols)
				v++;
			widget_text_cut(w, t, y, x, cols, attr, l->text[v]);
		} else if (l->kind == PLINE_BAR) {
			int bw = cols - 5;
			if (bw > 40)
				bw = 40;
			if (bw >= 4) {
				widget_bar(w, t, y, x, bw, l->fraction, attr);
				widget_text(w, t, y, x + bw + 1, cols - bw - 1, A_NORMAL,
				            l->text[0]);
			}
		} else if (l->kind == PLINE_TALLY) {
			draw_uploaded(w, ui, y, x, cols, l->tally, attr);
		} else {
			draw_spark(w, ui, y, x, cols > 40 ? 40 : cols, l, attr);
		}
		y++;
	}
	return 1 + used;
}

/* The upload and power panels, side by side where the width allows, else
 * one above the other; h rows at most. Returns rows used. */
static int draw_costs(WINDOW *w, const struct model *m, struct ui *ui, struct rect r)
{
	struct panel up, pw;
	uint64_t changes;
	upload_panel(m, ui->now, ui->theme.utf8, &up, &changes);
	power_panel(m, ui->theme.utf8, &pw);
	if (changes != UINT64_MAX)
		ui_redraw_at(ui, changes);
	if (r.w >= 70) {
		int lw = r.w / 2, want_up = panel_rows(&up, lw),
		    want_pw = panel_rows(&pw, r.w - lw);
		int rows = want_up > want_pw ? want_up : want_pw;
		if (rows > r.h)
			rows = r.h;
		int a = draw_panel(w, ui, &up, (struct rect){r.y, r.x, rows, lw});
		int b = draw_panel(w, ui, &pw, (struct rect){r.y, r.x + lw, rows, r.w - lw});
		/* One header across, with a gap between the two. */
		widget_fill(w, r.y, r.x + lw - 1, 1, A_NORMAL);
		return a > b ? a : b;
	}
	/* Stacked: the upload panel gets what it needs first, the power
	 * panel the rest, each at least its title and one line. */
	int need_up = panel_rows(&up, r.w), need_pw = panel_rows(&pw, r.w);
	if (need_up + need_pw > r.h) {
		need_pw = r.h / 2 > 2 ? r.h / 2 : 2;
		need_up = r.h - need_pw;
	}
	int a = draw_panel(w, ui, &up, (struct rect){r.y, r.x, need_up, r.w});
	int b = draw_panel(w, ui, &pw, (struct rect){r.y + a, r.x, r.h - a, r.w});
	return a + b;
}

/* The costs in a line each, for a short terminal. */
static int compact_costs(const struct model *m, uint64_t now, bool utf8, struct summary_line *out)
{
	char text[320], battery[96], mw[32];
	out[0] = (struct summary_line){.label = _("Upload"), .tone = SUMMARY_NORMAL};
	summary_deferred(m, now, text, sizeof text);
	if (!summary_uploads(m)) {
		snprintf(out[0].text, sizeof out[0].text,
		         _("Local only: nothing leaves this machine."));
		out[0].tone = SUMMARY_GOOD;
	} else if (*text) {
		snprintf(out[0].text, sizeof out[0].text, "%s", text);
		out[0].tone = SUMMARY_WARN;
	} else {
		summary_today(m, out[0].text, sizeof out[0].text);
	}
	out[1] = (struct summary_line){.label = _("Power"), .tone = SUMMARY_NORMAL};
	human_power(m->power.estimated_mw, mw, sizeof mw);
	summary_battery(m, battery, sizeof battery);
	battery[0] = (char)(battery[0] - 'A' + 'a'); /* it goes on the sentence */
	snprintf(out[1].text, sizeof out[1].text, _("Agent %s %s, %.1f%% CPU; %s%s"),
	         utf8 ? "≈" : _("about"), mw, m->power.cpu_percent, battery,
	         m->power.saver ? _("; saver on") : "");
	return 2;
}

/* The colour of a cell of the "Today" strip: the marks as the state's
 * badge is (reversed, so they stand out without colour too). */
attr_t view_strip_attr(const struct theme *t, enum strip_kind k)
{
	switch (k) {
	case STRIP_KEPT:
		return theme_attr(t, THEME_GOOD);
	case STRIP_PAUSED:
		return theme_attr(t, THEME_STATE_PAUSED);
	case STRIP_EXEMPT:
		return theme_attr(t, THEME_STATE_EXEMPT);
	case STRIP_SUSPENDED:
		return theme_attr(t, THEME_STATE_SUSPENDED);
	case STRIP_NOW:
		return theme_attr(t, THEME_VALUE);
	case STRIP_IDLE:
	case STRIP_BLANK:
		break;
	}
	return theme_attr(t, THEME_DIM);
}

/* "Today": the day's cells after the label, the hours under them and the
 * legend under those. Returns the rows drawn. */
static int draw_today(WINDOW *w, const struct model *m, struct ui *ui, struct rect r)
{
	const struct theme *t = &ui->theme;
	struct strip_cell c[STRIP_MAX_CELLS];
	char hours[STRIP_MAX_CELLS + 1];
	int x = r.x + 1 + LABEL_COLS, cols = r.x + r.w - x - 1;
	if (r.h < 3 || cols < STRIP_MIN_WIDTH || !m->today.known)
		return 0;
	/* TRANSLATORS: a label, at most 9 columns */
	widget_text(w, t, r.y, r.x + 1, LABEL_COLS, theme_attr(t, THEME_LABEL), _("Today"));
	if (m->today.error) {
		widget_text_cut(w, t, r.y, x, cols, theme_attr(t, THEME_WARN), m->today.error);
		return 1;
	}
	size_t n = strip_cells(&m->today.day, m->today.steps, m->today.n, ui->now, (size_t)cols, c);
	for (size_t i = 0; i < n; i++)
		widget_text(w, t, r.y, x + (int)i, 1, view_strip_attr(t, c[i].kind),
		            strip_glyph(&c[i], t->utf8));
	strip_hours(n, hours, sizeof hours);
	widget_text(w, t, r.y + 1, x, cols, theme_attr(t, THEME_DIM), hours);
	widget_text_cut(w, t, r.y + 2, x, cols, theme_attr(t, THEME_DIM), strip_legend(t->utf8));
	return 3;
}

void view_overview_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect r)
{
	const struct theme *t = &ui->theme;
	struct summary_line info[SUMMARY_MAX_LINES];
	static const enum theme_color tones[] = {
	    [SUMMARY_NORMAL] = THEME_DEFAULT, [SUMMARY_VALUE] = THEME_VALUE,
	    [SUMMARY_GOOD] = THEME_GOOD,      [SUMMARY_WARN] = THEME_WARN,
	    [SUMMARY_ERROR] = THEME_ERROR,
	};

	if (m->link != MODEL_LINK_LIVE || !(m->loaded & (1u << MODEL_PROP_STREAMS))) {
		draw_waiting(w, m, ui, r);
		return;
	}
	int y = r.y, bottom = r.y + r.h;
	if (r.h >= 30)
		y++; /* room to breathe under the tabs */
	y += draw_streams(w, m, ui, (struct rect){y, r.x, bottom - y, r.w});
	/* The costs need a title and two lines to say anything; where there
	 * is less room they are a line each, before pausing and storage. */
	int n = 0;
	if (bottom - y >= 4 && r.w >= 30) {
		y++;
		int h = bottom - y - (bottom - y >= 10 ? 3 : 0);
		if (h > 8 && r.w >= 70)
			h = 8;
		if (h > 13)
			h = 13;
		y += draw_costs(w, m, ui, (struct rect){y, r.x, h, r.w});
	} else {
		n = compact_costs(m, ui->now, t->utf8, info);
	}
	/* Then pausing and storage, in a sentence each. */
	n += summary_pause(m, ui->now, info + n);
	n += summary_storage(m, info + n);
	if (bottom - y >= n + 1)
		y++;
	for (int i = 0; i < n && y < bottom; i++, y++) {
		int x = r.x + 1;
		if (r.w >= 40) {
			widget_text(w, t, y, x, LABEL_COLS, theme_attr(t, THEME_LABEL),
			            info[i].label);
			x += LABEL_COLS;
		}
		widget_text_cut(w, t, y, x, r.x + r.w - x - 1, theme_attr(t, tones[info[i].tone]),
		                info[i].text);
	}
	/* The day so far, before what happened last. */
	if (bottom - y >= 4 && m->today.known) {
		y++;
		y += draw_today(w, m, ui, (struct rect){y, r.x, bottom - y, r.w});
	}
	/* A tall terminal has room for the requests in force or waiting,
	 * and for what happened last. */
	if (r.h >= 34 && bottom - y >= 10 && m->loaded & (1u << MODEL_PROP_EXEMPTIONS)) {
		y++;
		y += draw_exemptions(w, m, ui, (struct rect){y, r.x, 5, r.w});
	}
	if (bottom - y >= 4) {
		y++;
		draw_recent(w, m, ui, (struct rect){y, r.x, bottom - y, r.w});
	}
}
