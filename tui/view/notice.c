/* The privacy notice as the policy states it, wrapped to the terminal and
 * scrolled a line or a page at a time. */
#include "i18n.h"
#include "model/summary.h"
#include "text/text.h"
#include "util.h"
#include "view/view.h"

#include <stdio.h>
#include <string.h>

void view_notice_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect r)
{
	const struct theme *t = &ui->theme;
	const struct model_notice *n = &m->notice;
	struct summary_notice_part parts[SUMMARY_NOTICE_PARTS];
	summary_notice_parts(n, parts);
	char title[256];

	if (m->link != MODEL_LINK_LIVE || !(m->loaded & (1u << MODEL_PROP_NOTICE))) {
		view_waiting(w, m, ui, r);
		return;
	}
	if (n->version && *n->version)
		snprintf(title, sizeof title, _("Privacy notice, version %s"), n->version);
	else
		snprintf(title, sizeof title, _("Privacy notice"));
	widget_fill(w, r.y, r.x, r.w, theme_attr(t, THEME_PANEL_HEADER));
	widget_text_cut(w, t, r.y, r.x + 1, r.w - 2, theme_attr(t, THEME_PANEL_HEADER), title);

	/* Lay the text out once to know its height, drawing only the rows
	 * inside the window. */
	int rows = r.h - 1, cols = r.w - 4;
	ui->notice.rows = rows;
	int64_t line = 0, top = (int64_t)ui->notice.top;
	bool any = false;
	if (cols < 1)
		cols = 1;
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		if (!parts[i].text || !*parts[i].text)
			continue;
		any = true;
		if (line - top >= 0 && line - top < rows)
			widget_text(w, t, r.y + 1 + (int)(line - top), r.x + 1, r.w - 2,
			            theme_attr(t, THEME_LABEL) | A_BOLD, parts[i].title);
		line++;
		int skip = (int)(top - line);
		int y = r.y + 1 + (int)(line - top);
		int from = skip > 0 ? skip : 0;
		int first_row = y + from;
		int avail = r.y + 1 + rows - first_row;
		int n_lines = view_paragraph(w, t, first_row, r.x + 3, cols, avail > 0 ? avail : 0,
		                             from, A_NORMAL, parts[i].text);
		line += n_lines + 1;
	}
	if (!any) {
		view_paragraph(w, t, r.y + 2, r.x + 1, r.w - 2, rows - 1, 0, A_NORMAL,
		               _("The policy in force has no privacy notice. Ask whoever set up "
		                 "the recording on this machine for one."));
		line = 0;
	}
	ui->notice.lines = line > 0 ? (uint64_t)(line - 1) : 0;
	uint64_t before = ui->notice.top;
	ui_scroll_clamp(&ui->notice);
	if (ui->notice.top != before) {
		/* Clamped (the text or the window got shorter): draw again
		 * from the new top. */
		for (int i = 1; i < r.h; i++)
			widget_fill(w, r.y + i, r.x, r.w, A_NORMAL);
		view_notice_draw(w, m, ui, r);
		return;
	}
	widget_scrollbar(w, t, r.y + 1, r.x + r.w - 1, rows, ui->notice.lines, ui->notice.top);
}
