/* The Overview: what is recorded now, stream by stream, what it costs in
 * bandwidth and power, and how much pausing is left — in words a person
 * who is not an engineer reads at a glance. Columns are dropped, not
 * squeezed, as the terminal narrows. */
#include "human.h"
#include "summary.h"
#include "util.h"
#include "view.h"

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
	widget_text(w, t, y, x, c.id, ph, "Stream");
	x += c.id;
	widget_text(w, t, y, x, c.now, ph, "Now");
	x += c.now + 1;
	if (c.level) {
		widget_text(w, t, y, x, c.level, ph, "Level");
		x += c.level;
	}
	if (c.desc) {
		widget_text(w, t, y, x, c.desc, ph, "What is kept");
		x += c.desc;
	}
	if (c.events) {
		widget_text_right(w, t, y, x, c.events, ph, "Events");
		x += c.events;
		widget_text_right(w, t, y, x, c.stored, ph, "Stored");
	}
	y++;
	for (size_t i = 0; i < m->n_streams && y < r.y + r.h; i++, y++) {
		const struct model_stream *s = &m->streams[i];
		x = r.x + 1;
		widget_text_cut(w, t, y, x, c.id - 1, A_NORMAL, s->id);
		x += c.id;
		widget_text(w, t, y, x, c.now, theme_attr(t, s->recording ? THEME_GOOD : THEME_DIM),
		            s->recording ? "yes" : "no");
		x += c.now + 1;
		if (c.level) {
			widget_text_cut(w, t, y, x, c.level - 1, theme_attr(t, THEME_LABEL),
			                s->fidelity);
			x += c.level;
		}
		if (c.desc) {
			widget_text_cut(w, t, y, x, c.desc - 1,
			                s->recording ? A_NORMAL : theme_attr(t, THEME_DIM),
			                s->description);
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
	if (r.h < 3)
		return 0;
	widget_fill(w, r.y, r.x, r.w, theme_attr(t, THEME_PANEL_HEADER));
	widget_text(w, t, r.y, r.x + 1, r.w - 1, theme_attr(t, THEME_PANEL_HEADER),
	            "Recent activity");
	int rows = r.h - 1;
	if (m->hist.known && (uint64_t)rows > m->hist.total)
		rows = (int)m->hist.total;
	ui->overview_hist_rows = (uint64_t)rows;
	if (m->hist.known && m->hist.total == 0)
		widget_text(w, t, r.y + 1, r.x + 1, r.w - 1, theme_attr(t, THEME_DIM),
		            "Nothing logged yet.");
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
			snprintf(line, sizeof line, "%s", e->detail);
		} else {
			snprintf(line, sizeof line, "%s %s", e->action, e->detail);
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
	            "Exemptions in force or waiting");
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
			format_local_time(e->expires, ui->now, until, sizeof until);
			snprintf(line, sizeof line, "%s, %s, until %s", e->scope, e->category,
			         until);
		} else {
			snprintf(line, sizeof line, "%s, %s, waiting for a decision", e->scope,
			         e->category);
		}
		int x = r.x + 1;
		widget_text(w, t, y, x, 7, A_NORMAL, e->id);
		x += 7;
		widget_text(w, t, y, x, 9, theme_attr(t, approved ? THEME_GOOD : THEME_WARN),
		            e->status);
		x += 10;
		widget_text_cut(w, t, y, x, r.x + r.w - x - 1, A_NORMAL, line);
		y++;
		shown++;
	}
	if (open == 0) {
		widget_text(w, t, y++, r.x + 1, r.w - 2, theme_attr(t, THEME_DIM),
		            "None: everything the policy allows is recorded.");
	} else if (shown < open && y > r.y + 1) {
		char more[64];
		snprintf(more, sizeof more, "and %zu more in view 3", open - shown + 1);
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
		         "The capture agent (captured) is not running on the %s bus, so it is "
		         "recording nothing now. This console waits for it and shows its state "
		         "as soon as it starts.",
		         ui->bus_name);
	else if (m->link == MODEL_LINK_NO_BUS)
		snprintf(text, sizeof text,
		         "The connection to the %s bus is lost. capctl reconnects on its own.",
		         ui->bus_name);
	else if (m->refusal)
		snprintf(text, sizeof text, "The agent would not say its state: %s", m->refusal);
	else
		snprintf(text, sizeof text, "Waiting for the agent's answer%s",
		         theme_glyph(t, "…", "..."));
	int y = r.h >= 6 ? r.y + 1 : r.y;
	view_paragraph(w, t, y, r.x + 1, r.w - 2, r.y + r.h - y, 0, A_NORMAL, text);
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
	int y = r.y;
	if (r.h >= 16)
		y++; /* room to breathe under the tabs */
	y += draw_streams(w, m, ui, (struct rect){y, r.x, r.y + r.h - y, r.w});
	if (r.y + r.h - y >= 6)
		y++;
	int n = summary_all(m, ui->now, t->utf8, r.w >= 100, info);
	for (int i = 0; i < n && y < r.y + r.h; i++, y++) {
		int x = r.x + 1;
		if (r.w >= 40) {
			widget_text(w, t, y, x, LABEL_COLS, theme_attr(t, THEME_LABEL),
			            info[i].label);
			x += LABEL_COLS;
		}
		widget_text_cut(w, t, y, x, r.x + r.w - x - 1, theme_attr(t, tones[info[i].tone]),
		                info[i].text);
	}
	/* A tall terminal has room for the requests in force or waiting,
	 * and for what happened last. */
	if (r.h >= 28 && r.y + r.h - y >= 10 && m->loaded & (1u << MODEL_PROP_EXEMPTIONS)) {
		y++;
		y += draw_exemptions(w, m, ui, (struct rect){y, r.x, 5, r.w});
	}
	if (r.y + r.h - y >= 6) {
		y++;
		draw_recent(w, m, ui, (struct rect){y, r.x, r.y + r.h - y, r.w});
	}
}
