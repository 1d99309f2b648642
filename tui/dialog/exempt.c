/* The exemption form. */
#include "dialog/exempt.h"
#include "console/console.h"
#include "i18n.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>

struct exempt {
	struct form form;
	int reason_cols; /* the reason field's width at the last draw */
};

static void *exempt_new(void)
{
	struct exempt *x = xcalloc(1, sizeof *x);
	form_init(&x->form);
	return x;
}

static void exempt_free(void *st)
{
	struct exempt *x = st;
	form_fini(&x->form);
	free(x);
}

struct form *dialog_exempt_form(const struct ui *ui)
{
	return &((struct exempt *)dialog_state(ui, &dialog_exempt))->form;
}

void dialog_exempt_open(struct console *c)
{
	struct form *f = dialog_exempt_form(&c->ui);
	if (!f->sending)
		form_set_refusal(f, NULL);
	dialog_open(&c->ui, &dialog_exempt);
}

static void picker(WINDOW *w, const struct theme *t, int y, int x, int cols, const char *value,
                   bool focus)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%s %s %s", theme_glyph(t, "‹", "<"), value,
	         theme_glyph(t, "›", ">"));
	widget_text(w, t, y, x, cols, theme_attr(t, focus ? THEME_FIELD_FOCUS : THEME_FIELD), buf);
}

static void button(WINDOW *w, const struct theme *t, int y, int x, int cols, const char *label,
                   bool focus, bool enabled)
{
	char buf[64];
	snprintf(buf, sizeof buf, "[ %s ]", label);
	attr_t a = focus     ? theme_attr(t, THEME_FIELD_FOCUS)
	           : enabled ? A_BOLD
	                     : theme_attr(t, THEME_DIM);
	widget_text(w, t, y, x, cols, a, buf);
}

/* The rows above the reason: scope, category, days, and the reason's
 * label. Returns the next row. */
static int draw_fields(WINDOW *w, struct ui *ui, const struct form *f, struct rect in, int lw)
{
	const struct theme *t = &ui->theme;
	int y = in.y, bottom = in.y + in.h, fx = in.x + lw, fw = in.w - lw;
	if (y < bottom) {
		if (lw)
			/* TRANSLATORS: the form's labels (Scope, Category, Days, Reason)
			   are at most 9 columns */
			widget_text(w, t, y, in.x, lw, theme_attr(t, THEME_LABEL), _("Scope"));
		picker(w, t, y, fx, fw, form_scopes[f->scope], f->focus == FORM_SCOPE);
		if (fw >= 44)
			widget_text(w, t, y, fx + 20, fw - 20, theme_attr(t, THEME_DIM),
			            f->scope == 0 ? _("all recording") : _("this stream only"));
		y++;
	}
	if (y < bottom) {
		if (lw)
			widget_text(w, t, y, in.x, lw, theme_attr(t, THEME_LABEL), _("Category"));
		picker(w, t, y, fx, fw, form_categories[f->category], f->focus == FORM_CATEGORY);
		y++;
	}
	if (y < bottom) {
		if (lw)
			widget_text(w, t, y, in.x, lw, theme_attr(t, THEME_LABEL), _("Days"));
		int dw = fw < 6 ? fw : 6;
		bool focus = f->focus == FORM_DAYS && !f->sending;
		widget_edit(w, t, (struct rect){y, fx, 1, dw}, &f->days, focus, &ui->cursor_y,
		            &ui->cursor_x);
		if (focus)
			ui->cursor_on = true;
		const char *why = form_check_days_text(f->days.buf, NULL);
		widget_text_cut(w, t, y, fx + dw + 1, fw - dw - 1,
		                theme_attr(t, why ? THEME_ERROR : THEME_DIM),
		                why ? why : _("1 to 365, counted from approval"));
		y++;
	}
	if (y < bottom) {
		if (lw)
			widget_text(w, t, y, in.x, lw, theme_attr(t, THEME_LABEL), _("Reason"));
		widget_text_cut(w, t, y, fx, fw, theme_attr(t, THEME_DIM),
		                _("for whoever decides; Enter starts a new line"));
		y++;
	}
	return y;
}

static void exempt_draw(WINDOW *w, const struct model *m, struct ui *ui, void *st, struct rect s)
{
	struct exempt *x = st;
	const struct theme *t = &ui->theme;
	struct form *f = &x->form;
	/* The agent's answer, whole, on the last rows. */
	int answer = f->refusal && !f->sending ? dialog_rows(f->refusal, 76 - 4) : 1;
	struct rect b = dialog_centre(s, 21 + answer, 76);
	char buf[160];
	(void)m;
	widget_box(w, t, b, _("Request an exemption"));
	struct rect in = dialog_inside(b);
	int bottom = in.y + in.h;
	int y = draw_fields(w, ui, f, in, in.w >= 40 ? 10 : 0);
	/* The reason takes what the other rows leave: count, buttons, answer. */
	int area = bottom - y - 2 - answer;
	if (area < 1)
		area = 1;
	if (y < bottom) {
		bool focus = f->focus == FORM_REASON && !f->sending;
		struct rect ra = {y, in.x, area < bottom - y ? area : bottom - y, in.w};
		widget_edit(w, t, ra, &f->reason, focus, &ui->cursor_y, &ui->cursor_x);
		if (focus)
			ui->cursor_on = true;
		x->reason_cols = in.w - 1;
		y += ra.h;
	}
	if (y < bottom) {
		const char *why = form_check_reason(f->reason.buf, buf, sizeof buf);
		char count[64];
		snprintf(count, sizeof count, _("%zu of %d bytes"), f->reason.len, FORM_REASON_MAX);
		bool show = why && (f->reason.len > 0 || f->focus > FORM_REASON);
		widget_text_cut(w, t, y, in.x, in.w, theme_attr(t, show ? THEME_ERROR : THEME_DIM),
		                show ? why : count);
		y++;
	}
	if (y < bottom) {
		/* TRANSLATORS: at most 15 columns */
		button(w, t, y, in.x, in.w, _("Send request"), f->focus == FORM_SEND,
		       form_ready(f));
		button(w, t, y, in.x + 20, in.w - 20, _("Cancel"), f->focus == FORM_CANCEL, true);
		y++;
	}
	if (f->sending && y < bottom)
		widget_text_cut(w, t, y, in.x, in.w, A_NORMAL,
		                theme_glyph(t, _("Sending…"), _("Sending...")));
	else if (!f->sending && f->refusal)
		dialog_message(w, t, in, y, theme_attr(t, THEME_ERROR), f->refusal);
}

static int exempt_fkeys(const struct model *m, const struct ui *ui, const void *st,
                        struct widget_fkey *fk, char names[][16])
{
	const struct form *f = &((const struct exempt *)st)->form;
	int n = 0;
	(void)m, (void)names;
	fk[n++] = (struct widget_fkey){"Tab", _("Next"), false};
	if (f->focus == FORM_SCOPE || f->focus == FORM_CATEGORY)
		fk[n++] = (struct widget_fkey){theme_glyph(&ui->theme, "←→", "Left/Right"),
		                               _("Choose"), false};
	fk[n++] = (struct widget_fkey){"Enter",
	                               f->focus == FORM_REASON   ? _("New line")
	                               : f->focus == FORM_SEND   ? _("Send")
	                               : f->focus == FORM_CANCEL ? _("Cancel")
	                                                         : _("Next"),
	                               false};
	fk[n++] = (struct widget_fkey){"Esc", _("Cancel"), false};
	return n;
}

static void cycle(size_t *i, const char *const *list, int step)
{
	size_t n = 0;
	while (list[n])
		n++;
	*i = (*i + n + (size_t)(step > 0 ? 1 : n - 1)) % n;
}

static void focus_step(struct form *f, int step)
{
	f->focus = (enum form_field)(((int)f->focus + N_FORM_FIELDS + step) % N_FORM_FIELDS);
}

static unsigned choice_key(struct form *f, int key)
{
	size_t *i = f->focus == FORM_SCOPE ? &f->scope : &f->category;
	const char *const *list = f->focus == FORM_SCOPE ? form_scopes : form_categories;
	if (key == KEYS_LEFT || key == KEYS_RIGHT || key == KEYS_SPACE)
		cycle(i, list, key == KEYS_LEFT ? -1 : 1);
	else if (key == KEYS_ENTER || key == KEYS_DOWN)
		focus_step(f, 1);
	else if (key == KEYS_UP)
		focus_step(f, -1);
	else
		return 0;
	return CONSOLE_PAINT;
}

static unsigned days_key(struct form *f, int key)
{
	uint32_t ch = KEYS_IS_PASTED(key)                 ? KEYS_PASTED_CP(key)
	              : key >= 0x20 && key < KEYS_SPECIAL ? (uint32_t)key
	                                                  : 0;
	if (key == KEYS_ENTER || key == KEYS_DOWN)
		focus_step(f, 1);
	else if (key == KEYS_UP)
		focus_step(f, -1);
	else if (ch && (ch < '0' || ch > '9'))
		return 0; /* only digits make a number of days */
	else if (!dialog_edit_key(&f->days, key, 8))
		return 0;
	return CONSOLE_PAINT;
}

static unsigned reason_key(struct form *f, int key, int cols)
{
	size_t before = f->reason.cursor;
	if (key == KEYS_ENTER) {
		edit_insert(&f->reason, '\n');
	} else if (key == KEYS_UP || key == KEYS_DOWN) {
		if (key == KEYS_UP)
			edit_up(&f->reason, cols);
		else
			edit_down(&f->reason, cols);
		/* At the first or last line the arrows leave the field, as in
		 * the others. */
		if (f->reason.cursor == before)
			focus_step(f, key == KEYS_UP ? -1 : 1);
	} else if (!dialog_edit_key(&f->reason, key, cols)) {
		return 0;
	}
	return CONSOLE_PAINT;
}

static unsigned button_key(struct console *c, struct form *f, int key)
{
	if (key == KEYS_LEFT || key == KEYS_RIGHT || key == KEYS_DOWN || key == KEYS_UP) {
		if (key == KEYS_UP && f->focus == FORM_SEND)
			f->focus = FORM_REASON;
		else
			f->focus = f->focus == FORM_SEND ? FORM_CANCEL : FORM_SEND;
		return CONSOLE_PAINT;
	}
	if (key != KEYS_ENTER && key != KEYS_SPACE)
		return 0;
	if (f->focus == FORM_CANCEL) {
		dialog_close(&c->ui);
		return CONSOLE_PAINT;
	}
	if (!form_ready(f)) {
		/* Take the person to what needs fixing. */
		f->focus = form_check_days_text(f->days.buf, NULL) ? FORM_DAYS : FORM_REASON;
		return CONSOLE_PAINT;
	}
	console_request_exemption(c);
	return CONSOLE_PAINT;
}

static unsigned exempt_key(struct console *c, void *st, int key)
{
	struct exempt *x = st;
	struct form *f = &x->form;
	if (key == KEYS_ESC) {
		dialog_close(&c->ui);
		return CONSOLE_PAINT;
	}
	if (f->sending)
		return 0;
	if (key == KEYS_TAB || key == KEYS_BACKTAB) {
		focus_step(f, key == KEYS_TAB ? 1 : -1);
		return CONSOLE_PAINT;
	}
	form_set_refusal(f, NULL);
	switch (f->focus) {
	case FORM_SCOPE:
	case FORM_CATEGORY:
		return choice_key(f, key);
	case FORM_DAYS:
		return days_key(f, key);
	case FORM_REASON:
		return reason_key(f, key, x->reason_cols > 1 ? x->reason_cols : 40);
	case FORM_SEND:
	case FORM_CANCEL:
		return button_key(c, f, key);
	case N_FORM_FIELDS:
		break;
	}
	return 0;
}

static bool exempt_waiting(const void *st)
{
	return ((const struct exempt *)st)->form.sending;
}

static void exempt_answer(void *st, const char *error)
{
	struct form *f = &((struct exempt *)st)->form;
	f->sending = false;
	if (error)
		form_set_refusal(f, error);
}

const struct dialog_ops dialog_exempt = {
    .new = exempt_new,
    .free = exempt_free,
    .draw = exempt_draw,
    .fkeys = exempt_fkeys,
    .key = exempt_key,
    .waiting = exempt_waiting,
    .answer = exempt_answer,
};
