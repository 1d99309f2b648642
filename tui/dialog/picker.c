/* The duration picker. */
#include "dialog/picker.h"
#include "console/keys.h"
#include "dialog/dialog.h"
#include "i18n.h"
#include "text/duration.h"
#include "text/human.h"

#include <stdio.h>

void picker_init(struct picker *p)
{
	*p = (struct picker){0};
	edit_init(&p->text, 16, false);
}

void picker_fini(struct picker *p)
{
	edit_fini(&p->text);
}

static void show_choice(struct picker *p, uint32_t seconds)
{
	char text[32];
	duration_format(seconds, text, sizeof text);
	/* A suggestion: what is typed replaces it. */
	edit_prefill(&p->text, text);
}

void picker_set(struct picker *p, const uint32_t *choices, size_t n, size_t choice,
                uint32_t fallback)
{
	if (n > PICKER_CHOICES)
		n = PICKER_CHOICES;
	for (size_t i = 0; i < n; i++)
		p->choices[i] = choices[i];
	p->n = n;
	p->choice = choice < n ? choice : 0;
	show_choice(p, n ? p->choices[p->choice] : fallback);
}

bool picker_key(struct picker *p, int key)
{
	if ((key != KEYS_UP && key != KEYS_DOWN) || !p->n)
		return false;
	if (key == KEYS_UP && p->choice > 0)
		p->choice--;
	if (key == KEYS_DOWN && p->choice + 1 < p->n)
		p->choice++;
	show_choice(p, p->choices[p->choice]);
	return true;
}

int picker_read(const struct picker *p, uint32_t *seconds, char *text, size_t size)
{
	snprintf(text, size, "%s", p->text.buf);
	dialog_trim(text);
	return duration_parse(text, seconds);
}

int picker_draw(WINDOW *w, struct ui *ui, struct rect in, int y, struct picker *p, bool cursor,
                const char *hint, int after)
{
	const struct theme *t = &ui->theme;
	int bottom = in.y + in.h;
	char len[32], buf[64];
	int list_rows = bottom - y - 2 - after;
	if (list_rows < 1)
		list_rows = 1;
	size_t first = p->choice >= (size_t)list_rows ? p->choice - (size_t)list_rows + 1 : 0;
	for (size_t i = first; i < p->n && y < bottom && (int)(i - first) < list_rows; i++, y++) {
		bool sel = i == p->choice;
		human_minutes(p->choices[i], len, sizeof len);
		snprintf(buf, sizeof buf, "%s%s", sel ? theme_glyph(t, "▸ ", "> ") : "  ", len);
		if (sel)
			widget_fill(w, y, in.x, in.w, theme_attr(t, THEME_SELECTION));
		widget_text(w, t, y, in.x, in.w, sel ? theme_attr(t, THEME_SELECTION) : A_NORMAL,
		            buf);
	}
	if (y < bottom)
		y++;
	if (y < bottom) {
		int x = in.x + widget_text(w, t, y, in.x, in.w, A_NORMAL, _("Or type: "));
		int fw = in.x + in.w - x < 12 ? in.x + in.w - x : 12;
		if (fw >= 2) {
			widget_edit(w, t, (struct rect){y, x, 1, fw}, &p->text, true, &ui->cursor_y,
			            &ui->cursor_x);
			ui->cursor_on = cursor;
			widget_text(w, t, y, x + fw + 1, in.x + in.w - x - fw - 1,
			            theme_attr(t, THEME_DIM), hint);
		}
		y++;
	}
	return y;
}
