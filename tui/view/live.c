/* The Live view: the events the agent keeps right now, newest first, as
 * RecentEvents gives them (fetched at most four times a second, and only
 * while this view is on screen): what the policy lets through, exactly as
 * it is stored. */
#include "i18n.h"
#include "text/human.h"
#include "i18n.h"
#include "util.h"
#include "view/view.h"

#include <math.h>
#include <stdio.h>

#define RATE_ID_COLS 16
#define RATE_FIGURE_COLS 8

/* The figure beside a stream's sparkline: its last second's events. */
static void rate_text(double v, char *buf, size_t size)
{
	if (isnan(v))
		snprintf(buf, size, "%s", "");
	else if (v > 0 && v < 10)
		snprintf(buf, size, "%.1f/s", v);
	else
		snprintf(buf, size, "%.0f/s", v);
}

/* Events a second over the last minute, a row a stream: its sparkline,
 * a cell a second, and its last second's figure. Returns the rows. */
static int draw_rates(WINDOW *w, const struct model *m, struct ui *ui, struct rect r)
{
	const struct theme *t = &ui->theme;
	attr_t ph = theme_attr(t, THEME_PANEL_HEADER);
	int n = r.w - 2 - RATE_ID_COLS - 1 - RATE_FIGURE_COLS;
	char buf[160];
	if (n > MODEL_TALLY_SLOTS)
		n = MODEL_TALLY_SLOTS;
	if (m->n_streams == 0 || r.h < 12 || n < 10)
		return 0;
	widget_fill(w, r.y, r.x, r.w, ph);
	snprintf(buf, sizeof buf,
	         /* TRANSLATORS: the Live view's sparklines; %d is how many
	            seconds they show (up to 60). */
	         P_("Events a second, stream by stream, over the last %d second",
	            "Events a second, stream by stream, over the last %d seconds", n),
	         n);
	widget_text_cut(w, t, r.y, r.x + 1, r.w - 2, ph, buf);
	int y = r.y + 1;
	for (size_t i = 0; i < m->n_streams && y < r.y + r.h; i++, y++) {
		const struct model_stream *s = &m->streams[i];
		uint64_t first;
		int x = r.x + 1;
		if (s->stream >= N_STREAMS)
			continue;
		attr_t a = s->recording ? theme_attr(t, THEME_LABEL) : theme_attr(t, THEME_DIM);
		widget_text_cut(w, t, y, x, RATE_ID_COLS - 1, A_NORMAL, s->id);
		x += RATE_ID_COLS;
		double last =
		    view_tally_spark(w, ui, y, x, n, &m->stream_rate[s->stream], a, &first);
		rate_text(last, buf, sizeof buf);
		widget_text_right(w, t, y, x + n + 1, RATE_FIGURE_COLS, A_NORMAL, buf);
	}
	return y - r.y;
}

static void draw_events(WINDOW *w, const struct model *m, struct ui *ui, struct rect r)
{
	const struct theme *t = &ui->theme;
	attr_t ph = theme_attr(t, THEME_PANEL_HEADER), lab = theme_attr(t, THEME_LABEL);
	int y = r.y, heads = r.h >= 4 && r.w >= 42 ? 2 : r.h >= 3 ? 1 : 0;
	char buf[256];

	int rows = r.h - heads;
	ui->live_rows = rows > 0 ? rows : 0;
	if (heads >= 1) {
		enum model_state st = model_state(m);
		widget_fill(w, y, r.x, r.w, ph);
		if (st == MODEL_STATE_COLLECTING || st == MODEL_STATE_UNKNOWN)
			snprintf(buf, sizeof buf,
			         _("This is what is being kept right now, newest first"));
		else
			snprintf(
			    buf, sizeof buf,
			    _("Nothing new is kept now (%s); the last events kept, newest first"),
			    view_word(m->state));
		widget_text_cut(w, t, y, r.x + 1, r.w - 2, ph, buf);
		y++;
	}
	if (heads >= 2) {
		int x = r.x + 1;
		/* TRANSLATORS: column headings of Live: Time at most 13 columns, Stream 15, Kind 14
		 */
		widget_text(w, t, y, x, 13, lab, _("Time"));
		x += 14;
		if (r.w - 2 >= 60) {
			widget_text(w, t, y, x, 15, lab, _("Stream"));
			x += 16;
		}
		widget_text(w, t, y, x, 14, lab, _("Kind"));
		x += 15;
		widget_text(w, t, y, x, r.x + r.w - x, lab, _("What"));
		y++;
	}
	if (m->recent_error) {
		view_paragraph(w, t, y, r.x + 1, r.w - 2, rows, 0, theme_attr(t, THEME_ERROR),
		               m->recent_error);
		return;
	}
	if (!m->recent_known) {
		if (rows > 0)
			widget_text(w, t, y, r.x + 1, r.w - 2, theme_attr(t, THEME_DIM),
			            theme_glyph(t, "…", "..."));
		return;
	}
	if (m->n_recent == 0) {
		view_paragraph(
		    w, t, y, r.x + 1, r.w - 2, rows, 0, theme_attr(t, THEME_DIM),
		    _("Nothing is kept in memory now: nothing was recorded since the agent "
		      "started, or it was forgotten."));
		return;
	}
	for (int i = 0; i < rows && (size_t)i < m->n_recent; i++)
		view_event_row(w, t, y + i, r.x + 1, r.w - 2, &m->recent[i], true);
}

void view_live_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect r)
{
	if (m->link != MODEL_LINK_LIVE) {
		view_waiting(w, m, ui, r);
		return;
	}
	int used = draw_rates(w, m, ui, r);
	draw_events(w, m, ui, (struct rect){r.y + used, r.x, r.h - used, r.w});
}
