/* The table of dialogs and what they share: opening and closing, the
 * answers to what they sent, the box they are drawn in and the keys of a
 * text field. */
#include "dialog/dialog.h"
#include "console/console.h"
#include "console/keys.h"
#include "dialog/consent.h"
#include "dialog/delete.h"
#include "dialog/details.h"
#include "dialog/exempt.h"
#include "dialog/export.h"
#include "dialog/forget.h"
#include "dialog/help.h"
#include "dialog/limit.h"
#include "dialog/pause.h"
#include "dialog/withdraw.h"
#include "text/safe.h"
#include "text/text.h"
#include "util.h"
#include "view/view.h"

#include <stdlib.h>
#include <string.h>

static const struct dialog_ops *const table[] = {
    &dialog_help,     &dialog_pause,  &dialog_forget, &dialog_exempt,  &dialog_details,
    &dialog_withdraw, &dialog_delete, &dialog_export, &dialog_consent, &dialog_limit,
};

struct dialogs {
	void *state[ARRAY_SIZE(table)];
};

struct dialogs *dialogs_new(void)
{
	struct dialogs *d = xcalloc(1, sizeof *d);
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		d->state[i] = table[i]->new ();
	return d;
}

void dialogs_free(struct dialogs *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		table[i]->free(d->state[i]);
	free(d);
}

void *dialog_state(const struct ui *ui, const struct dialog_ops *d)
{
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (table[i] == d)
			return ui->dialogs->state[i];
	abort(); /* not in the table: a programming error */
}

void dialog_open(struct ui *ui, const struct dialog_ops *d)
{
	ui->dialog = d;
}

void dialog_close(struct ui *ui)
{
	ui->dialog = NULL;
}

bool dialog_is_open(const struct ui *ui, const struct dialog_ops *d)
{
	return ui->dialog == d;
}

bool dialog_waiting(const struct ui *ui, const struct dialog_ops *d)
{
	return ui->dialog == d && d->waiting && d->waiting(dialog_state(ui, d));
}

void dialog_answered(struct ui *ui, const struct dialog_ops *d)
{
	if (d->answer)
		d->answer(dialog_state(ui, d), NULL);
}

void dialog_refused(struct ui *ui, const struct dialog_ops *d, const char *error)
{
	if (!d->answer)
		return;
	/* A refusal is one line, as the command line prints it: a line
	 * break in the agent's message is shown, not obeyed. */
	char *one = safe_str(error, 0);
	d->answer(dialog_state(ui, d), one);
	free(one);
}

void dialog_all_answered(struct ui *ui)
{
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (table[i]->answer)
			table[i]->answer(ui->dialogs->state[i], NULL);
}

void dialog_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect s)
{
	if (ui->dialog)
		ui->dialog->draw(w, m, ui, dialog_state(ui, ui->dialog), s);
}

int dialog_fkeys(const struct model *m, const struct ui *ui, struct widget_fkey *fk,
                 char names[][16])
{
	if (!ui->dialog)
		return 0;
	return ui->dialog->fkeys(m, ui, dialog_state(ui, ui->dialog), fk, names);
}

unsigned dialog_key(struct console *c, int key)
{
	const struct dialog_ops *d = c->ui.dialog;
	return d ? d->key(c, dialog_state(&c->ui, d), key) : 0;
}

/* ---- shared pieces ---- */

struct rect dialog_centre(struct rect s, int want_h, int want_w)
{
	int h = want_h < s.h ? want_h : s.h, w = want_w < s.w ? want_w : s.w;
	return (struct rect){s.y + (s.h - h) / 2, s.x + (s.w - w) / 2, h, w};
}

struct rect dialog_inside(struct rect b)
{
	int m = b.w >= 24 ? 2 : 1;
	return (struct rect){b.y + 1, b.x + m, b.h - 2, b.w - 2 * m};
}

int dialog_rows(const char *s, int cols)
{
	struct text_line *l;
	char *safe = safe_str(s, SAFE_NEWLINE); /* as view_paragraph wraps it */
	if (cols < 1)
		cols = 1;
	int n = (int)text_wrap(safe, strlen(safe), cols, &l);
	free(l);
	free(safe);
	return n;
}

int dialog_message(WINDOW *w, const struct theme *t, struct rect r, int y, attr_t attr,
                   const char *s)
{
	int bottom = r.y + r.h;
	if (y >= bottom)
		return y;
	return y + view_paragraph(w, t, y, r.x, r.w, bottom - y, 0, attr, s);
}

unsigned dialog_scroll_key(struct ui_scroll *s, int key)
{
	static const struct {
		int key;
		enum action a;
	} moves[] = {
	    {KEYS_UP, ACTION_UP},           {KEYS_DOWN, ACTION_DOWN},
	    {KEYS_PGUP, ACTION_PAGE_UP},    {KEYS_PGDN, ACTION_PAGE_DOWN},
	    {KEYS_SPACE, ACTION_PAGE_DOWN}, {KEYS_HOME, ACTION_HOME},
	    {KEYS_END, ACTION_END},
	};
	for (size_t i = 0; i < ARRAY_SIZE(moves); i++)
		if (moves[i].key == key) {
			ui_scroll_move(s, moves[i].a);
			return CONSOLE_PAINT;
		}
	return 0;
}

void dialog_trim(char *s)
{
	size_t n = strlen(s), i = 0;
	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
	while (s[i] == ' ')
		i++;
	memmove(s, s + i, n - i + 1);
}

bool dialog_edit_key(struct edit *e, int key, int cols)
{
	static const struct {
		int key;
		void (*op)(struct edit *e);
	} plain[] = {
	    {KEYS_BACKSPACE, edit_backspace}, {KEYS_DELETE, edit_delete},
	    {KEYS_LEFT, edit_left},           {KEYS_RIGHT, edit_right},
	    {KEYS_CTRL_U, edit_kill_start},   {KEYS_CTRL_W, edit_kill_word},
	};
	for (size_t i = 0; i < ARRAY_SIZE(plain); i++)
		if (plain[i].key == key) {
			plain[i].op(e);
			return true;
		}
	if (key == KEYS_HOME || key == KEYS_CTRL_A) {
		edit_home(e, cols);
		return true;
	}
	if (key == KEYS_END || key == KEYS_CTRL_E) {
		edit_end(e, cols);
		return true;
	}
	if (KEYS_IS_PASTED(key)) {
		edit_paste(e, KEYS_PASTED_CP(key)); /* what cannot be typed is left out */
		return true;
	}
	if (key >= 0x20 && key < KEYS_SPECIAL && key != 0x7f) {
		edit_insert(e, (uint32_t)key); /* a refused character is just not typed */
		return true;
	}
	return false;
}
