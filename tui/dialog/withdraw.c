/* The withdraw question. */
#include "dialog/withdraw.h"
#include "console/console.h"
#include "i18n.h"
#include "util.h"
#include "view/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct withdraw {
	char *id; /* the request asked about */
	bool sending;
	char *error;
};

static void *withdraw_new(void)
{
	return xcalloc(1, sizeof(struct withdraw));
}

static void withdraw_free(void *st)
{
	struct withdraw *d = st;
	free(d->id);
	free(d->error);
	free(d);
}

unsigned dialog_withdraw_open(struct console *c, const struct model_exemption *e)
{
	struct withdraw *d = dialog_state(&c->ui, &dialog_withdraw);
	if (strcmp(e->status, "pending") != 0 && strcmp(e->status, "approved") != 0) {
		ui_message(&c->ui, true,
		           _("%s is %s: only a pending or approved request can be "
		             "withdrawn."),
		           e->id, view_word(e->status));
		dialog_close(&c->ui);
		return CONSOLE_PAINT;
	}
	ui_set_string(&d->id, e->id);
	ui_set_string(&d->error, NULL);
	d->sending = false;
	dialog_open(&c->ui, &dialog_withdraw);
	return CONSOLE_PAINT;
}

static void withdraw_draw(WINDOW *w, const struct model *m, struct ui *ui, void *st, struct rect s)
{
	struct withdraw *d = st;
	const struct theme *t = &ui->theme;
	long i = d->id ? model_exemption_find(m, d->id) : -1;
	int answer = d->error && !d->sending ? dialog_rows(d->error, 60 - 4) : 1;
	struct rect b = dialog_centre(s, 6 + answer, 60);
	char title[64], text[256];

	snprintf(title, sizeof title, _("Withdraw %s?"), d->id ? d->id : "");
	widget_box(w, t, b, title);
	struct rect in = dialog_inside(b);
	if (i < 0) {
		snprintf(text, sizeof text, _("This request is no longer listed by the agent."));
	} else if (strcmp(m->ex[i].status, "approved") == 0) {
		snprintf(text, sizeof text,
		         _("The exemption ends now and recording of %s starts again as the "
		           "policy allows."),
		         strcmp(m->ex[i].scope, "all") == 0 ? _("all streams") : m->ex[i].scope);
	} else {
		snprintf(text, sizeof text,
		         _("The request (%s, %s) will not be decided. You can ask again later."),
		         m->ex[i].scope, m->ex[i].category);
	}
	int room = in.h - answer;
	int used = view_paragraph(w, t, in.y, in.x, in.w, room, 0, A_NORMAL, text);
	int y = in.y + (used < room ? used + (used < room - 1) : room);
	if (d->sending)
		widget_text_cut(w, t, y, in.x, in.w, A_NORMAL,
		                theme_glyph(t, _("Withdrawing…"), _("Withdrawing...")));
	else if (d->error)
		dialog_message(w, t, in, y, theme_attr(t, THEME_ERROR), d->error);
}

static int withdraw_fkeys(const struct model *m, const struct ui *ui, const void *st,
                          struct widget_fkey *fk, char names[][16])
{
	(void)m, (void)ui, (void)st, (void)names;
	fk[0] = (struct widget_fkey){"y", _("Withdraw"), false};
	fk[1] = (struct widget_fkey){"n", _("Keep it"), false};
	return 2;
}

static unsigned withdraw_key(struct console *c, void *st, int key)
{
	struct withdraw *d = st;
	if (key == KEYS_ESC || key == 'n' || key == 'N') {
		dialog_close(&c->ui);
		return CONSOLE_PAINT;
	}
	if ((key == 'y' || key == 'Y') && !d->sending && d->id) {
		d->sending = true;
		ui_set_string(&d->error, NULL);
		console_withdraw(c, d->id);
		return CONSOLE_PAINT;
	}
	return 0;
}

static bool withdraw_waiting(const void *st)
{
	return ((const struct withdraw *)st)->sending;
}

static void withdraw_answer(void *st, const char *error)
{
	struct withdraw *d = st;
	d->sending = false;
	if (error)
		ui_set_string(&d->error, error);
}

const struct dialog_ops dialog_withdraw = {
    .new = withdraw_new,
    .free = withdraw_free,
    .draw = withdraw_draw,
    .fkeys = withdraw_fkeys,
    .key = withdraw_key,
    .waiting = withdraw_waiting,
    .answer = withdraw_answer,
};
