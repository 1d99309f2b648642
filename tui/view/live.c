/* The Live view: the events the agent keeps right now, newest first, as
 * RecentEvents gives them (fetched at most four times a second, and only
 * while this view is on screen): what the policy lets through, exactly as
 * it is stored. */
#include "i18n.h"
#include "text/human.h"
#include "util.h"
#include "view/view.h"

#include <stdio.h>

void view_live_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect r)
{
	const struct theme *t = &ui->theme;
	attr_t ph = theme_attr(t, THEME_PANEL_HEADER), lab = theme_attr(t, THEME_LABEL);
	int y = r.y, heads = r.h >= 4 && r.w >= 42 ? 2 : r.h >= 3 ? 1 : 0;
	char buf[256];

	if (m->link != MODEL_LINK_LIVE) {
		view_waiting(w, m, ui, r);
		return;
	}
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
