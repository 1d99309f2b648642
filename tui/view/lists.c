/* The two lists: Exemptions (a selection, Enter opens it) and History
 * (paged from the agent: rows not fetched yet show as "…" and arrive on
 * their own, so scrolling never waits). */
#include "i18n.h"
#include "phrase.h"
#include "text/human.h"
#include "util.h"
#include "view/view.h"

#include <stdio.h>
#include <string.h>

static enum theme_color status_color(const char *status)
{
	if (strcmp(status, "pending") == 0)
		return THEME_WARN;
	if (strcmp(status, "approved") == 0)
		return THEME_GOOD;
	if (strcmp(status, "denied") == 0)
		return THEME_ERROR;
	return THEME_DIM;
}

struct ex_cols {
	int id, status, scope, category, created, expires, reason;
};

static struct ex_cols ex_columns(int cols)
{
	struct ex_cols c = {.id = 7, .status = 10};
	if (cols >= 40)
		c.scope = 16;
	if (cols >= 60)
		c.category = 15;
	if (cols >= 90) {
		c.created = 12;
		c.expires = 12;
	}
	int rest = cols - 1 - c.id - c.status - c.scope - c.category - c.created - c.expires;
	if (cols >= 60 && rest >= 10)
		c.reason = rest;
	return c;
}

static void first_line(const char *s, char *buf, size_t size)
{
	size_t n = strcspn(s, "\n");
	if (n >= size)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

/* One request's row (selected: in the selection's colours). */
static void ex_row(WINDOW *w, const struct theme *t, int y, struct rect r, const struct ex_cols *c,
                   const struct model_exemption *e, bool sel)
{
	attr_t base = sel ? theme_attr(t, THEME_SELECTION) : A_NORMAL;
	char buf[256];
	int x = r.x + 1;
	if (sel)
		widget_fill(w, y, r.x, r.w, base);
	widget_text_cut(w, t, y, x, c->id - 1, base, e->id);
	x += c->id;
	widget_text(w, t, y, x, c->status - 1, sel ? base : theme_attr(t, status_color(e->status)),
	            view_word(e->status));
	x += c->status;
	widget_text_cut(w, t, y, x, c->scope - 1, base, e->scope);
	x += c->scope;
	widget_text_cut(w, t, y, x, c->category - 1, base, e->category);
	x += c->category;
	if (c->created) {
		format_local_date(e->created, buf, sizeof buf);
		widget_text(w, t, y, x, c->created - 1, base, e->created ? buf : "");
		x += c->created;
		if (e->expires)
			format_local_date(e->expires, buf, sizeof buf);
		else
			snprintf(buf, sizeof buf, "%s", theme_glyph(t, "—", "-"));
		widget_text(w, t, y, x, c->expires - 1, base, buf);
		x += c->expires;
	}
	if (c->reason) {
		first_line(e->reason, buf, sizeof buf);
		widget_text_cut(w, t, y, x, c->reason - 1, base, buf);
	}
}

void view_exemptions_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect r)
{
	const struct theme *t = &ui->theme;
	struct ex_cols c = ex_columns(r.w);
	attr_t ph = theme_attr(t, THEME_PANEL_HEADER);

	if (m->link != MODEL_LINK_LIVE || !(m->loaded & (1u << MODEL_PROP_EXEMPTIONS))) {
		view_waiting(w, m, ui, r);
		return;
	}
	widget_fill(w, r.y, r.x, r.w, ph);
	int x = r.x + 1;
	const struct {
		int width;
		const char *name;
		/* TRANSLATORS: column headings: ID at most 6 columns, Status 9, Scope 15 */
	} heads[] = {{c.id, _("ID")},         {c.status, _("Status")},
	             {c.scope, _("Scope")},   {c.category, _("Category")},
	             {c.created, _("Asked")}, {c.expires, _("Until")},
	             {c.reason, _("Reason")}};
	for (size_t i = 0; i < ARRAY_SIZE(heads); i++) {
		widget_text(w, t, r.y, x, heads[i].width, ph, heads[i].name);
		x += heads[i].width;
	}
	int rows = r.h - 1;
	ui->ex.rows = rows;
	ui->ex.lines = m->n_ex;
	if (m->n_ex == 0) {
		char text[160], key[16] = "e";
		int k;
		if (keys_for(ui->keys, ACTION_EXEMPT, &k, 1) == 1)
			keys_name(k, key, sizeof key);
		snprintf(text, sizeof text, _("No exemption requests. Press %s to ask for one."),
		         key);
		view_paragraph(w, t, r.y + 1, r.x + 1, r.w - 2, rows, 0, A_NORMAL, text);
		return;
	}
	if (ui->ex_sel >= m->n_ex)
		ui->ex_sel = m->n_ex - 1;
	if (rows > 0) {
		if (ui->ex_sel < ui->ex.top)
			ui->ex.top = ui->ex_sel;
		if (ui->ex_sel >= ui->ex.top + (uint64_t)rows)
			ui->ex.top = ui->ex_sel - (uint64_t)rows + 1;
	}
	ui_scroll_clamp(&ui->ex);
	for (int i = 0; i < rows && (size_t)ui->ex.top + (size_t)i < m->n_ex; i++) {
		size_t idx = (size_t)ui->ex.top + (size_t)i;
		ex_row(w, t, r.y + 1 + i, r, &c, &m->ex[idx], idx == ui->ex_sel);
	}
	widget_scrollbar(w, t, r.y + 1, r.x + r.w - 1, rows, m->n_ex, ui->ex.top);
}

void view_history_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect r)
{
	const struct theme *t = &ui->theme;
	attr_t ph = theme_attr(t, THEME_PANEL_HEADER);
	bool wide = r.w >= 90;
	int tw = wide ? 20 : 12, who = r.w >= 50 ? 9 : 0, act = r.w >= 40 ? 22 : 0;

	if (m->link != MODEL_LINK_LIVE) {
		view_waiting(w, m, ui, r);
		return;
	}
	int rows = r.h - 1;
	if (m->hist.error && rows > 1)
		rows--;
	ui->hist.rows = rows > 0 ? rows : 0;
	ui->hist.lines = m->hist.known ? m->hist.total : ui->hist.top + (uint64_t)ui->hist.rows;
	if (m->hist.known)
		ui_scroll_clamp(&ui->hist);

	widget_fill(w, r.y, r.x, r.w, ph);
	int x = r.x + 1;
	widget_text(w, t, r.y, x, tw, ph, _("Time"));
	x += tw;
	widget_text(w, t, r.y, x, who, ph, _("Who"));
	x += who;
	widget_text(w, t, r.y, x, act, ph, _("Action"));
	x += act;
	widget_text(w, t, r.y, x, r.x + r.w - x, ph, _("Detail"));
	if (m->hist.known && m->hist.total && r.w >= 40)
		view_position(w, t, r.y, r, ui->hist.top, rows, m->hist.total);
	if (m->hist.known && m->hist.total == 0)
		widget_text(w, t, r.y + 1, r.x + 1, r.w - 2, theme_attr(t, THEME_DIM),
		            _("Nothing logged yet."));
	for (int i = 0; i < rows; i++) {
		uint64_t idx = ui->hist.top + (uint64_t)i;
		int y = r.y + 1 + i;
		if (m->hist.known && idx >= m->hist.total)
			break;
		const struct model_hist_entry *e = model_hist_entry(m, idx);
		if (!e) {
			widget_text(w, t, y, r.x + 1, r.w - 2, theme_attr(t, THEME_DIM),
			            theme_glyph(t, "…", "..."));
			continue;
		}
		char when[40];
		view_history_time(e->time, ui->now, wide, when, sizeof when);
		x = r.x + 1;
		widget_text(w, t, y, x, tw - 1, theme_attr(t, THEME_LABEL), when);
		x += tw;
		if (who) {
			widget_text_cut(w, t, y, x, who - 1, A_NORMAL, ui_uid_name(ui, e->uid));
			x += who;
		}
		if (act) {
			widget_text_cut(w, t, y, x, act - 1, theme_attr(t, THEME_VALUE), e->action);
			x += act;
		} else {
			x += widget_text(w, t, y, x, r.x + r.w - x - 1, theme_attr(t, THEME_VALUE),
			                 e->action);
			x++;
		}
		widget_text_cut(w, t, y, x, r.x + r.w - x - 1, A_NORMAL, phrase_shown(e->detail));
	}
	if (m->hist.error && r.h >= 3)
		widget_text_cut(w, t, r.y + r.h - 1, r.x + 1, r.w - 2, theme_attr(t, THEME_ERROR),
		                m->hist.error);
	widget_scrollbar(w, t, r.y + 1, r.x + r.w - 1, rows, ui->hist.lines, ui->hist.top);
}
