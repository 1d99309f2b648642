/* The Data view: the segments the agent keeps, newest first, paged from
 * the agent as History is (rows not fetched yet show as "…" and arrive on
 * their own); Enter opens one segment's events, paged the same way. */
#include "i18n.h"
#include "model/summary.h"
#include "text/evtext.h"
#include "text/human.h"
#include "text/strip.h"
#include "util.h"
#include "view/view.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

struct seg_cols {
	int when, stream, events, size, expires, uploaded;
	bool wide_when;
};

static struct seg_cols seg_columns(int cols)
{
	struct seg_cols c = {.when = 12, .stream = 16};
	if (cols >= 50) {
		c.when = 24;
		c.events = 8;
	}
	if (cols >= 60)
		c.size = 9;
	if (cols >= 76) {
		c.expires = 12;
		c.uploaded = 9;
	}
	if (cols >= 100) {
		c.when = 32;
		c.wide_when = true;
	}
	if (cols >= 120)
		c.uploaded = 28;
	if (cols < 40)
		c.stream = cols - 1 - c.when > 4 ? cols - 1 - c.when : 4;
	return c;
}

enum stamp { STAMP_DATE, STAMP_DATE_TIME, STAMP_MONTH_TIME, STAMP_MONTH_HM, STAMP_TIME };

static void stamp(uint64_t usec, enum stamp what, char *buf, size_t size)
{
	time_t t = (time_t)(usec / USEC_PER_SEC);
	struct tm tm;
	localtime_r(&t, &tm);
	switch (what) {
	case STAMP_DATE:
		strftime(buf, size, "%Y-%m-%d", &tm);
		break;
	case STAMP_DATE_TIME:
		strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
		break;
	case STAMP_MONTH_TIME:
		strftime(buf, size, "%m-%d %H:%M:%S", &tm);
		break;
	case STAMP_MONTH_HM:
		strftime(buf, size, "%m-%d %H:%M", &tm);
		break;
	case STAMP_TIME:
		strftime(buf, size, "%H:%M:%S", &tm);
		break;
	}
}

void view_span(uint64_t start, uint64_t end, int width, char *buf, size_t size)
{
	char a[32], b[32];
	bool same_day = local_day(start) == local_day(end);
	if (!end && width >= 25) { /* the segment a stream is writing now */
		stamp(start, STAMP_DATE_TIME, a, sizeof a);
		snprintf(buf, size, _("%s - now"), a);
	} else if (!end && width >= 18) {
		stamp(start, STAMP_MONTH_TIME, a, sizeof a);
		snprintf(buf, size, _("%s-now"), a);
	} else if (!end) {
		stamp(start, STAMP_MONTH_HM, buf, size);
	} else if (width >= 30) {
		stamp(start, STAMP_DATE_TIME, a, sizeof a);
		stamp(end, same_day ? STAMP_TIME : STAMP_MONTH_TIME, b, sizeof b);
		snprintf(buf, size, "%s - %s", a, b);
	} else if (width >= 23) {
		stamp(start, STAMP_MONTH_TIME, a, sizeof a);
		stamp(end, same_day ? STAMP_TIME : STAMP_MONTH_HM, b, sizeof b);
		snprintf(buf, size, "%s-%s", a, b);
	} else {
		stamp(start, STAMP_MONTH_HM, buf, size);
	}
}

/* The list's two header rows: how many, where the screen is in them, and
 * the column names. Returns the next row. */
static int list_heads(WINDOW *w, const struct model *m, struct ui *ui, struct rect r,
                      const struct seg_cols *c, int heads)
{
	const struct theme *t = &ui->theme;
	attr_t ph = theme_attr(t, THEME_PANEL_HEADER), lab = theme_attr(t, THEME_LABEL);
	char buf[160], a[48];
	int y = r.y;
	if (heads >= 1) {
		int pos = 0;
		widget_fill(w, y, r.x, r.w, ph);
		if (m->segs.known && m->segs.total && r.w >= 40)
			pos =
			    view_position(w, t, r.y, r, ui->data.top, ui->data.rows, m->segs.total);
		if (m->segs.known && m->segs.total) {
			summary_counted(m->segs.total, P_("segment", "segments", m->segs.total), a,
			                sizeof a);
			snprintf(buf, sizeof buf, _("%s kept, newest first"), a);
		} else {
			snprintf(buf, sizeof buf, _("Segments kept"));
		}
		widget_text_cut(w, t, y, r.x + 1, r.w - 2 - pos, ph, buf);
		y++;
	}
	if (heads >= 2) {
		int x = r.x + 1;
		/* TRANSLATORS: column headings of the Data view: When at most 11 columns,
		   Stream 15, Events 7, Size 8, Expires 11, Upload 8 */
		widget_text(w, t, y, x, c->when, lab, _("When"));
		x += c->when;
		widget_text(w, t, y, x, c->stream, lab, _("Stream"));
		x += c->stream;
		if (c->events) {
			widget_text_right(w, t, y, x, c->events - 1, lab, _("Events"));
			x += c->events;
		}
		if (c->size) {
			widget_text_right(w, t, y, x, c->size - 1, lab, _("Size"));
			x += c->size + 1;
		}
		if (c->expires) {
			widget_text(w, t, y, x, c->expires, lab, _("Expires"));
			x += c->expires;
			widget_text(w, t, y, x, c->uploaded, lab, _("Upload"));
		}
		y++;
	}
	return y;
}

/* One segment's row (selected: in the selection's colours). */
static void list_row(WINDOW *w, const struct model *m, const struct theme *t, uint64_t now, int y,
                     struct rect r, const struct seg_cols *c, const struct model_segment *s,
                     bool sel)
{
	attr_t base = sel ? theme_attr(t, THEME_SELECTION) : A_NORMAL;
	char buf[160], a[48];
	int x = r.x + 1;
	view_span(s->start, s->end, c->wide_when ? 30 : c->when - 1, buf, sizeof buf);
	widget_text(w, t, y, x, c->when - 1, sel ? base : theme_attr(t, THEME_LABEL), buf);
	x += c->when;
	widget_text_cut(w, t, y, x, c->stream - 1, base, s->stream);
	x += c->stream;
	if (c->events) {
		if (c->size)
			human_count(s->events, a, sizeof a);
		else
			human_count_short(s->events, a, sizeof a);
		widget_text_right(w, t, y, x, c->events - 1, base, a);
		x += c->events;
	}
	if (c->size) {
		human_bytes(s->bytes, a, sizeof a);
		widget_text_right(w, t, y, x, c->size - 1, base, a);
		x += c->size + 1;
	}
	if (c->expires) {
		stamp(s->expires, STAMP_DATE, a, sizeof a);
		widget_text(w, t, y, x, c->expires - 1, base, s->expires ? a : "");
		x += c->expires;
		/* Sent, local only, or when it leaves the review hold. */
		summary_segment_fate(m, s, now, c->uploaded <= 9, a, sizeof a);
		widget_text(w, t, y, x, c->uploaded - 1,
		            sel ? base : theme_attr(t, s->uploaded ? THEME_GOOD : THEME_DEFAULT),
		            a);
	}
}

static void draw_list(WINDOW *w, const struct model *m, struct ui *ui, struct rect r)
{
	const struct theme *t = &ui->theme;
	struct seg_cols c = seg_columns(r.w);
	int heads = r.h >= 4 ? 2 : r.h >= 3 ? 1 : 0;

	int rows = r.h - heads;
	if (m->segs.error && rows > 1)
		rows--;
	ui->data.rows = rows > 0 ? rows : 0;
	ui->data.lines = m->segs.known ? m->segs.total : ui->data.top + (uint64_t)ui->data.rows;
	int y = list_heads(w, m, ui, r, &c, heads);
	if (!m->segs.known && m->segs.error) {
		view_paragraph(w, t, y, r.x + 1, r.w - 2, rows, 0, theme_attr(t, THEME_ERROR),
		               m->segs.error);
		return;
	}
	if (m->segs.known && m->segs.total == 0) {
		view_paragraph(
		    w, t, y, r.x + 1, r.w - 2, rows, 0, theme_attr(t, THEME_DIM),
		    _("No segment is kept yet. What is being recorded now is in the Live "
		      "view (6); it is stored here once its segment closes."));
		ui->data_sel = 0;
		return;
	}
	/* The selection stays within the list and on screen. */
	if (m->segs.known && ui->data_sel >= m->segs.total)
		ui->data_sel = m->segs.total - 1;
	if (rows > 0) {
		if (ui->data_sel < ui->data.top)
			ui->data.top = ui->data_sel;
		if (ui->data_sel >= ui->data.top + (uint64_t)rows)
			ui->data.top = ui->data_sel - (uint64_t)rows + 1;
	}
	if (m->segs.known)
		ui_scroll_clamp(&ui->data);
	for (int i = 0; i < rows; i++) {
		uint64_t idx = ui->data.top + (uint64_t)i;
		if (m->segs.known && idx >= m->segs.total)
			break;
		bool sel = idx == ui->data_sel;
		if (sel)
			widget_fill(w, y + i, r.x, r.w - 1, theme_attr(t, THEME_SELECTION));
		const struct model_segment *s = model_segs_entry(m, idx);
		if (s)
			list_row(w, m, t, ui->now, y + i, r, &c, s, sel);
		else
			widget_text(w, t, y + i, r.x + 1, r.w - 2,
			            theme_attr(t, sel ? THEME_SELECTION : THEME_DIM),
			            theme_glyph(t, "…", "..."));
	}
	if (m->segs.error && r.h >= 3)
		widget_text_cut(w, t, r.y + r.h - 1, r.x + 1, r.w - 2, theme_attr(t, THEME_ERROR),
		                m->segs.error);
	widget_scrollbar(w, t, y, r.x + r.w - 1, rows, ui->data.lines, ui->data.top);
}

void view_event_row(WINDOW *w, const struct theme *t, int y, int x, int cols,
                    const struct model_event *e, bool with_stream)
{
	char when[32], what[320];
	struct evjson_event ev = {e->time, e->stream, e->kind, e->x, e->y, e->code, e->text};
	int end = x + cols;
	evtext_clock(e->time, when, sizeof when);
	evtext_detail(&ev, what, sizeof what);
	if (cols < 40) {
		/* Narrow: the second and what happened. */
		when[8] = '\0';
		x += widget_text(w, t, y, x, end - x, theme_attr(t, THEME_LABEL), when) + 1;
		x += widget_text(w, t, y, x, end - x, theme_attr(t, THEME_VALUE), e->kind) + 1;
		widget_text_cut(w, t, y, x, end - x, A_NORMAL, what);
		return;
	}
	widget_text(w, t, y, x, 13, theme_attr(t, THEME_LABEL), when);
	x += 14;
	if (with_stream && cols >= 60) {
		widget_text_cut(w, t, y, x, 15, A_NORMAL, e->stream);
		x += 16;
	}
	widget_text_cut(w, t, y, x, 14, theme_attr(t, THEME_VALUE), e->kind);
	x += 15;
	widget_text_cut(w, t, y, x, end - x, A_NORMAL, what);
}

static void draw_segment(WINDOW *w, const struct model *m, struct ui *ui, struct rect r)
{
	const struct theme *t = &ui->theme;
	const struct ui_segment *s = &ui->open;
	attr_t ph = theme_attr(t, THEME_PANEL_HEADER);
	int y = r.y, heads = r.h >= 4 ? 2 : r.h >= 3 ? 1 : 0;
	char buf[256], span[64], n[32], size[32], exp[32];

	uint64_t total = m->segev.known ? m->segev.total : s->events;
	int rows = r.y + r.h - y - heads;
	if (m->segev.error && rows > 1)
		rows--;
	ui->segev.rows = rows > 0 ? rows : 0;
	ui->segev.lines = total;
	ui_scroll_clamp(&ui->segev);
	if (heads >= 1) {
		int pos = 0;
		widget_fill(w, y, r.x, r.w, ph);
		if (total && r.w >= 40)
			pos = view_position(w, t, r.y, r, ui->segev.top, ui->segev.rows, total);
		summary_counted(total, P_("event", "events", total), n, sizeof n);
		snprintf(buf, sizeof buf, _("Segment %llu: %s, %s"), (unsigned long long)s->id,
		         s->stream, n);
		widget_text_cut(w, t, y, r.x + 1, r.w - 2 - pos, ph, buf);
		y++;
	}
	if (heads >= 2) {
		view_span(s->start, s->end, 30, span, sizeof span);
		human_bytes(s->bytes, size, sizeof size);
		stamp(s->expires, STAMP_DATE, exp, sizeof exp);
		if (s->end)
			snprintf(buf, sizeof buf, _("%s, %s, %s, expires %s"), span, size,
			         s->uploaded ? _("uploaded") : _("not uploaded"), exp);
		else
			snprintf(buf, sizeof buf, _("%s, %s so far, still recording"), span, size);
		widget_text_cut(w, t, y, r.x + 1, r.w - 2, theme_attr(t, THEME_LABEL), buf);
		y++;
	}
	for (int i = 0; i < rows; i++) {
		uint64_t idx = ui->segev.top + (uint64_t)i;
		if ((m->segev.known && idx >= m->segev.total) ||
		    (m->segev.error && !m->segev.known))
			break;
		const struct model_event *e = model_segev_entry(m, idx);
		if (!e) {
			widget_text(w, t, y + i, r.x + 1, r.w - 2, theme_attr(t, THEME_DIM),
			            theme_glyph(t, "…", "..."));
			continue;
		}
		view_event_row(w, t, y + i, r.x + 1, r.w - 2, e, false);
	}
	if (m->segev.error && r.h >= 2)
		widget_text_cut(w, t, r.y + r.h - 1, r.x + 1, r.w - 2, theme_attr(t, THEME_ERROR),
		                m->segev.error);
	widget_scrollbar(w, t, y, r.x + r.w - 1, rows, ui->segev.lines, ui->segev.top);
}

#define DAY_LABEL_COLS 11

/* The mark under the strip: "▲ 14:05" at the marked cell, or "14:05 ▲"
 * ending there when the time does not fit after it. */
static void draw_mark(WINDOW *w, const struct theme *t, int y, int x, int cols, int at,
                      uint64_t mark)
{
	char when[32], buf[48];
	const char *glyph = theme_glyph(t, "▲", "^");
	time_t tt = (time_t)(mark / USEC_PER_SEC);
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(when, sizeof when, "%H:%M", &tm); /* the day is the strip's label */
	int tw = (int)strlen(when) + 2;
	if (at + tw <= cols) {
		snprintf(buf, sizeof buf, "%s %s", glyph, when);
		widget_text(w, t, y, x + at, cols - at, theme_attr(t, THEME_VALUE), buf);
	} else if (at - tw + 1 >= 0) {
		snprintf(buf, sizeof buf, "%s %s", when, glyph);
		widget_text(w, t, y, x + at - tw + 1, tw, theme_attr(t, THEME_VALUE), buf);
	}
}

/* The selected segment's day as the Overview's "Today" is drawn, the
 * hours under it and the mark under those; the cell of the mark in
 * reverse. Records the strip for < and >. Returns the rows used. */
static int draw_day(WINDOW *w, const struct model *m, struct ui *ui, struct rect r)
{
	const struct theme *t = &ui->theme;
	const struct model_segment *s = model_segs_entry(m, ui->data_sel);
	const struct model_today *held = &m->data_day;
	struct strip_cell c[STRIP_MAX_CELLS];
	char hours[STRIP_MAX_CELLS + 1], date[32];
	struct strip_day d;
	int x = r.x + 1 + DAY_LABEL_COLS, cols = r.x + r.w - x - 1;
	ui->data_strip_cell = 0;
	if (r.h < 12 || cols < STRIP_MIN_WIDTH)
		return 0;
	/* The rows are kept while the selected row is on its way, so the
	 * list does not jump when it comes. */
	if (!s)
		return m->segs.known && m->segs.total ? 4 : 0;
	/* The day the segment starts in, in the steps Activity was asked
	 * in (none yet: only the day is compared). */
	strip_today(s->start, held->day.step, &d);
	uint64_t end = d.start + (uint64_t)d.length * USEC_PER_SEC;
	if (s->id != ui->data_mark_seg || ui->data_mark < d.start || ui->data_mark >= end) {
		ui->data_mark = s->start;
		ui->data_mark_seg = s->id;
	}
	format_local_date(d.start, date, sizeof date);
	widget_text(w, t, r.y, r.x + 1, DAY_LABEL_COLS - 1, theme_attr(t, THEME_LABEL), date);
	if (!held->known || held->day.start != d.start) {
		widget_text(w, t, r.y, x, cols, theme_attr(t, THEME_DIM),
		            theme_glyph(t, "…", "..."));
		return 4;
	}
	if (held->error) {
		widget_text_cut(w, t, r.y, x, cols, theme_attr(t, THEME_WARN), held->error);
		return 4;
	}
	size_t per = strip_per_cell(&d, (size_t)cols);
	size_t n = strip_cells(&d, held->steps, held->n, ui->now, (size_t)cols, c);
	if (!per || !n)
		return 4;
	uint64_t cell = (uint64_t)per * d.step * USEC_PER_SEC;
	size_t at = (size_t)((ui->data_mark - d.start) / cell);
	for (size_t i = 0; i < n; i++)
		widget_text(w, t, r.y, x + (int)i, 1,
		            view_strip_attr(t, c[i].kind) | (i == at ? A_REVERSE : 0),
		            strip_glyph(&c[i], t->utf8));
	strip_hours(n, hours, sizeof hours);
	widget_text(w, t, r.y + 1, x, cols, theme_attr(t, THEME_DIM), hours);
	if (at < n)
		draw_mark(w, t, r.y + 2, x, (int)n, (int)at, ui->data_mark);
	ui->data_strip_start = d.start;
	ui->data_strip_cell = cell;
	return 4;
}

void view_data_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect r)
{
	if (m->link != MODEL_LINK_LIVE) {
		view_waiting(w, m, ui, r);
		return;
	}
	if (ui->open.id) {
		draw_segment(w, m, ui, r);
		return;
	}
	int used = draw_day(w, m, ui, r);
	draw_list(w, m, ui, (struct rect){r.y + used, r.x, r.h - used, r.w});
}
