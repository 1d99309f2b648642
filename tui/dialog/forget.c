/* The forget dialog: first how far back, then whether, since it cannot be
 * undone. */
#include "dialog/forget.h"
#include "console/console.h"
#include "dialog/picker.h"
#include "i18n.h"
#include "text/human.h"
#include "text/text.h"
#include "util.h"
#include "view/view.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct forget {
	struct picker pick;
	uint32_t seconds; /* asked about, once confirming */
	bool confirm, sending;
	char *error;
};

static void *forget_new(void)
{
	struct forget *f = xcalloc(1, sizeof *f);
	picker_init(&f->pick);
	return f;
}

static void forget_free(void *st)
{
	struct forget *f = st;
	picker_fini(&f->pick);
	free(f->error);
	free(f);
}

void dialog_forget_open(struct console *c)
{
	static const uint32_t usual[] = {5 * 60, 15 * 60, 3600, 4 * 3600, 86400};
	struct forget *f = dialog_state(&c->ui, &dialog_forget);
	picker_set(&f->pick, usual, ARRAY_SIZE(usual), 1, 0);
	ui_set_string(&f->error, NULL);
	f->confirm = f->sending = false;
	dialog_open(&c->ui, &dialog_forget);
}

static void draw_question(WINDOW *w, const struct model *m, struct ui *ui, struct forget *f,
                          struct rect s)
{
	const struct theme *t = &ui->theme;
	char buf[320], len[32], title[64];

	human_minutes(f->seconds, len, sizeof len);
	snprintf(title, sizeof title, _("Forget the last %s?"), len);
	bool server = m->upload.endpoint && *m->upload.endpoint;
	snprintf(buf, sizeof buf,
	         _("Everything recorded in the last %s is erased, from memory and from "
	           "disk. It cannot be undone.%s"),
	         len, server ? _(" The server is asked to delete what it received of it.") : "");
	int lines = dialog_rows(buf, 60 - 6);
	int answer = f->error ? dialog_rows(f->error, 60 - 6) : 1;
	struct rect b = dialog_centre(s, lines + 4 + answer, 60);
	widget_box(w, t, b, title);
	struct rect in = dialog_inside(b);
	int used = view_paragraph(w, t, in.y, in.x, in.w, in.h - 2, 0, A_NORMAL, buf);
	int y = in.y + (used < in.h - 2 ? used + 1 : in.h - 2);
	if (y < in.y + in.h)
		/* TRANSLATORS: the keys stay y and n; at most 54 columns */
		widget_text_cut(w, t, y++, in.x, in.w, A_BOLD, _("y: forget it    n: back"));
	if (y < in.y + in.h) {
		if (f->sending)
			widget_text_cut(w, t, y, in.x, in.w, A_NORMAL,
			                theme_glyph(t, _("Forgetting…"), _("Forgetting...")));
		else if (f->error)
			view_paragraph(w, t, y, in.x, in.w, in.y + in.h - y, 0,
			               theme_attr(t, THEME_ERROR), f->error);
	}
}

static void forget_draw(WINDOW *w, const struct model *m, struct ui *ui, void *st, struct rect s)
{
	struct forget *f = st;
	const struct theme *t = &ui->theme;
	if (f->confirm) {
		draw_question(w, m, ui, f, s);
		return;
	}
	int answer = f->error ? dialog_rows(f->error, 54 - 4) : 0;
	struct rect b = dialog_centre(s, (int)f->pick.n + 6 + (answer > 1 ? answer - 1 : 0), 54);
	widget_box(w, t, b, _("Forget what was recorded"));
	struct rect in = dialog_inside(b);
	int y = in.y, bottom = in.y + in.h;
	if (y < bottom)
		widget_text_cut(w, t, y++, in.x, in.w, A_NORMAL,
		                _("How far back? From 1 s to 24 h."));
	y = picker_draw(w, ui, in, y, &f->pick, true, _("like 90s, 15m, 2h"), answer ? answer : 1);
	if (f->error)
		dialog_message(w, t, in, y, theme_attr(t, THEME_ERROR), f->error);
}

static int forget_fkeys(const struct model *m, const struct ui *ui, const void *st,
                        struct widget_fkey *fk, char names[][16])
{
	const struct forget *f = st;
	int n = 0;
	(void)m, (void)names;
	if (f->confirm) {
		fk[n++] = (struct widget_fkey){"y", _("Forget"), false};
		fk[n++] = (struct widget_fkey){"n", _("Back"), false};
	} else {
		fk[n++] = (struct widget_fkey){"Enter", _("Next"), false};
		fk[n++] =
		    (struct widget_fkey){theme_glyph(&ui->theme, "↑↓", "Up/Dn"), _("Pick"), false};
	}
	fk[n++] = (struct widget_fkey){"Esc", _("Cancel"), false};
	return n;
}

static unsigned question_key(struct console *c, struct forget *f, int key)
{
	if (key == 'y' || key == 'Y') {
		ui_set_string(&f->error, NULL);
		f->sending = true;
		console_forget(c, f->seconds);
		return CONSOLE_PAINT;
	}
	if (key == 'n' || key == 'N') {
		f->confirm = false;
		ui_set_string(&f->error, NULL);
		return CONSOLE_PAINT;
	}
	if (key == KEYS_ESC) {
		dialog_close(&c->ui);
		return CONSOLE_PAINT;
	}
	return 0;
}

static unsigned forget_enter(struct forget *f)
{
	char text[32];
	uint32_t sec;
	int r = picker_read(&f->pick, &sec, text, sizeof text);
	if (r == 0 && sec > DIALOG_FORGET_MAX_SECONDS)
		r = -ERANGE;
	if (r == -ERANGE && *text) {
		ui_set_string(&f->error, _("From 1s to 24h back."));
	} else if (r < 0) {
		char *msg = xasprintf(_("'%s' is not a duration like 90s, 15m or 2h."), text);
		ui_set_string(&f->error, msg);
		free(msg);
	} else {
		ui_set_string(&f->error, NULL);
		f->seconds = sec;
		f->confirm = true;
	}
	return CONSOLE_PAINT;
}

static unsigned forget_key(struct console *c, void *st, int key)
{
	struct forget *f = st;
	if (f->sending) {
		/* The answer still lands: as a message once the dialog is
		 * gone. */
		if (key != KEYS_ESC)
			return 0;
		dialog_close(&c->ui);
		return CONSOLE_PAINT;
	}
	if (f->confirm)
		return question_key(c, f, key);
	if (key == KEYS_ESC) {
		dialog_close(&c->ui);
		return CONSOLE_PAINT;
	}
	if (picker_key(&f->pick, key)) {
		ui_set_string(&f->error, NULL);
		return CONSOLE_PAINT;
	}
	if (key == KEYS_ENTER)
		return forget_enter(f);
	if (dialog_edit_key(&f->pick.text, key, 64)) {
		ui_set_string(&f->error, NULL);
		return CONSOLE_PAINT;
	}
	return 0;
}

static bool forget_waiting(const void *st)
{
	return ((const struct forget *)st)->sending;
}

static void forget_answer(void *st, const char *error)
{
	struct forget *f = st;
	f->sending = false;
	if (error)
		ui_set_string(&f->error, error);
}

const struct dialog_ops dialog_forget = {
    .new = forget_new,
    .free = forget_free,
    .draw = forget_draw,
    .fkeys = forget_fkeys,
    .key = forget_key,
    .waiting = forget_waiting,
    .answer = forget_answer,
};
