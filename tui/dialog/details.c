/* An exemption's details. */
#include "dialog/details.h"
#include "console/console.h"
#include "dialog/withdraw.h"
#include "i18n.h"
#include "text/text.h"
#include "util.h"
#include "view/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct details {
	char *id; /* the request shown */
	struct ui_scroll scroll;
};

static void *details_new(void)
{
	return xcalloc(1, sizeof(struct details));
}

static void details_free(void *st)
{
	struct details *d = st;
	free(d->id);
	free(d);
}

void dialog_details_open(struct console *c, const char *id)
{
	struct details *d = dialog_state(&c->ui, &dialog_details);
	ui_set_string(&d->id, id);
	d->scroll.top = 0;
	dialog_open(&c->ui, &dialog_details);
}

/* A date and time that needs no "today" to read. */
static void full_time(uint64_t usec, char *buf, size_t size)
{
	time_t tt = (time_t)(usec / USEC_PER_SEC);
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
}

/* As tall as the text at full width (five fields, then the reason and
 * the note, each under a heading), and no taller. */
static int wanted_rows(const struct model_exemption *e)
{
	const char *texts[] = {e->reason, e->note};
	int want = 7;
	for (size_t k = 0; k < ARRAY_SIZE(texts); k++)
		if (*texts[k])
			want += 2 + dialog_rows(texts[k], 76 - 6);
	return want;
}

/* Everything scrolls as one text: the fields, then the paragraphs. */
static void draw_text(WINDOW *w, const struct theme *t, const struct model_exemption *e,
                      struct details *d, struct rect in)
{
	char created[64], until[64];
	full_time(e->created, created, sizeof created);
	full_time(e->expires, until, sizeof until);
	const struct {
		const char *label, *value;
	} fields[] = {
	    /* TRANSLATORS: labels at most 9 columns */
	    {_("Status"), view_word(e->status)},
	    {_("Scope"), e->scope},
	    {_("Category"), e->category},
	    {_("Asked"), e->created ? created : ""},
	    {_("Until"), e->expires ? until : theme_glyph(t, "—", "-")},
	};
	int rows = in.h, lw = 10;
	int64_t line = 0, top = (int64_t)d->scroll.top;
	d->scroll.rows = rows;
	for (size_t k = 0; k < ARRAY_SIZE(fields); k++, line++) {
		int y = in.y + (int)(line - top);
		if (line < top || line - top >= rows)
			continue;
		widget_text(w, t, y, in.x, lw, theme_attr(t, THEME_LABEL), fields[k].label);
		widget_text_cut(w, t, y, in.x + lw, in.w - lw,
		                k == 0 ? theme_attr(t, THEME_VALUE) : A_NORMAL, fields[k].value);
	}
	const struct {
		const char *label, *text;
	} paras[] = {{_("Reason"), e->reason}, {_("Decision note"), e->note}};
	for (size_t k = 0; k < ARRAY_SIZE(paras); k++) {
		if (!*paras[k].text)
			continue;
		line++; /* a blank line before */
		if (line >= top && line - top < rows)
			widget_text(w, t, in.y + (int)(line - top), in.x, in.w,
			            theme_attr(t, THEME_LABEL), paras[k].label);
		line++;
		int from = top > line ? (int)(top - line) : 0;
		int y = in.y + (int)(line + from - top);
		int avail = in.y + rows - y;
		line += view_paragraph(w, t, y, in.x + 2, in.w - 2, avail > 0 ? avail : 0, from,
		                       A_NORMAL, paras[k].text);
	}
	d->scroll.lines = (uint64_t)line;
}

static void details_draw(WINDOW *w, const struct model *m, struct ui *ui, void *st, struct rect s)
{
	struct details *d = st;
	const struct theme *t = &ui->theme;
	long i = d->id ? model_exemption_find(m, d->id) : -1;
	char title[64];

	struct rect b = dialog_centre(s, i >= 0 ? wanted_rows(&m->ex[i]) : 4, 76);
	snprintf(title, sizeof title, _("Exemption %s"), d->id ? d->id : "");
	widget_box(w, t, b, title);
	struct rect in = dialog_inside(b);
	if (i < 0) {
		view_paragraph(w, t, in.y, in.x, in.w, in.h, 0, theme_attr(t, THEME_DIM),
		               _("This request is no longer listed by the agent."));
		return;
	}
	draw_text(w, t, &m->ex[i], d, in);
	ui_scroll_clamp(&d->scroll);
	widget_scrollbar(w, t, in.y, b.x + b.w - 1, in.h, d->scroll.lines, d->scroll.top);
}

static bool withdrawable(const struct model *m, const char *id)
{
	long i = id ? model_exemption_find(m, id) : -1;
	return i >= 0 && (strcmp(m->ex[i].status, "pending") == 0 ||
	                  strcmp(m->ex[i].status, "approved") == 0);
}

static int details_fkeys(const struct model *m, const struct ui *ui, const void *st,
                         struct widget_fkey *fk, char names[][16])
{
	const struct details *d = st;
	int n = 0, key;
	if (withdrawable(m, d->id) && keys_for(ui->keys, ACTION_WITHDRAW, &key, 1) == 1) {
		keys_name(key, names[n], sizeof names[n]);
		fk[n] = (struct widget_fkey){names[n], _("Withdraw"), false};
		n++;
	}
	fk[n++] = (struct widget_fkey){theme_glyph(&ui->theme, "↑↓", "Up/Dn"), _("Scroll"), false};
	fk[n++] = (struct widget_fkey){"Esc", _("Close"), false};
	return n;
}

static unsigned details_key(struct console *c, void *st, int key)
{
	struct details *d = st;
	enum action a = keys_lookup(&c->keys, key);
	long i;
	if (key == KEYS_ESC || key == KEYS_ENTER || a == ACTION_QUIT) {
		dialog_close(&c->ui);
		return CONSOLE_PAINT;
	}
	if (a == ACTION_WITHDRAW && d->id && (i = model_exemption_find(&c->model, d->id)) >= 0)
		return dialog_withdraw_open(c, &c->model.ex[i]);
	return dialog_scroll_key(&d->scroll, key);
}

const struct dialog_ops dialog_details = {
    .new = details_new,
    .free = details_free,
    .draw = details_draw,
    .fkeys = details_fkeys,
    .key = details_key,
};
