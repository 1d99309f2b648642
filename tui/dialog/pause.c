/* The pause dialog. */
#include "dialog/pause.h"
#include "console/console.h"
#include "dialog/picker.h"
#include "i18n.h"
#include "text/human.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

struct pause {
	struct picker pick;
	char *error; /* what is wrong with the text, or the refusal */
	bool sending;
};

static void *pause_new(void)
{
	struct pause *p = xcalloc(1, sizeof *p);
	picker_init(&p->pick);
	return p;
}

static void pause_free(void *st)
{
	struct pause *p = st;
	picker_fini(&p->pick);
	free(p->error);
	free(p);
}

size_t dialog_pause_choices(const struct model *m, uint64_t now, uint32_t *out, size_t max)
{
	static const uint32_t usual[] = {5 * 60,   15 * 60,  30 * 60, 3600,
	                                 2 * 3600, 4 * 3600, 8 * 3600};
	uint32_t limit = model_pause_limit(m, now);
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(usual) && n < max; i++)
		if (usual[i] <= limit)
			out[n++] = usual[i];
	if (limit > 0 && n < max && (n == 0 || out[n - 1] != limit))
		out[n++] = limit;
	return n;
}

void dialog_pause_open(struct console *c)
{
	struct pause *p = dialog_state(&c->ui, &dialog_pause);
	uint64_t now = now_usec();
	uint32_t choices[PICKER_CHOICES];
	size_t n = dialog_pause_choices(&c->model, now, choices, PICKER_CHOICES), choice = 0;
	uint32_t def = model_default_pause(&c->model, c->settings->default_pause_minutes, now);
	for (size_t i = 0; i < n; i++)
		if (choices[i] <= def)
			choice = i;
	picker_set(&p->pick, choices, n, choice, def);
	ui_set_string(&p->error, NULL);
	p->sending = false;
	dialog_open(&c->ui, &dialog_pause);
}

static void pause_draw(WINDOW *w, const struct model *m, struct ui *ui, void *st, struct rect s)
{
	struct pause *p = st;
	const struct theme *t = &ui->theme;
	char buf[160], len[32];
	/* The answer, whole, under the field. */
	int answer = p->error && !p->sending ? dialog_rows(p->error, 54 - 4) : 1;
	struct rect b = dialog_centre(s, (int)p->pick.n + 6 + answer, 54);
	widget_box(w, t, b, _("Pause recording"));
	struct rect in = dialog_inside(b);
	int y = in.y, bottom = in.y + in.h;

	human_minutes(model_pause_limit(m, ui->now), len, sizeof len);
	/* TRANSLATORS: one line of at most 50 columns */
	snprintf(buf, sizeof buf, _("For how long? At most %s now."), len);
	if (y < bottom)
		widget_text_cut(w, t, y++, in.x, in.w, A_NORMAL, buf);
	y = picker_draw(w, ui, in, y, &p->pick, !p->sending, _("like 90s, 15m, 1h30m"), answer);
	if (p->sending && y < bottom)
		widget_text_cut(w, t, y, in.x, in.w, A_NORMAL,
		                theme_glyph(t, _("Pausing…"), _("Pausing...")));
	else if (!p->sending && p->error)
		dialog_message(w, t, in, y, theme_attr(t, THEME_ERROR), p->error);
}

static int pause_fkeys(const struct model *m, const struct ui *ui, const void *st,
                       struct widget_fkey *fk, char names[][16])
{
	(void)m, (void)st, (void)names;
	int n = 0;
	fk[n++] = (struct widget_fkey){"Enter", _("Pause"), false};
	fk[n++] = (struct widget_fkey){theme_glyph(&ui->theme, "↑↓", "Up/Dn"), _("Pick"), false};
	fk[n++] = (struct widget_fkey){"Esc", _("Cancel"), false};
	return n;
}

static unsigned pause_enter(struct console *c, struct pause *p)
{
	char text[32];
	uint32_t s;
	int r = picker_read(&p->pick, &s, text, sizeof text);
	if (r == -ERANGE && *text) {
		ui_set_string(&p->error, _("A pause is at least 1s."));
	} else if (r < 0) {
		char *msg = xasprintf(_("'%s' is not a duration: write it like 90s, 15m, 1h "
		                        "or 1h30m."),
		                      text);
		ui_set_string(&p->error, msg);
		free(msg);
	} else {
		ui_set_string(&p->error, NULL);
		p->sending = true;
		console_pause(c, s);
	}
	return CONSOLE_PAINT;
}

static unsigned pause_key(struct console *c, void *st, int key)
{
	struct pause *p = st;
	if (key == KEYS_ESC) {
		dialog_close(&c->ui);
		return CONSOLE_PAINT;
	}
	if (p->sending)
		return 0;
	if (picker_key(&p->pick, key)) {
		ui_set_string(&p->error, NULL);
		return CONSOLE_PAINT;
	}
	if (key == KEYS_ENTER)
		return pause_enter(c, p);
	if (dialog_edit_key(&p->pick.text, key, 64)) {
		ui_set_string(&p->error, NULL);
		return CONSOLE_PAINT;
	}
	return 0;
}

static bool pause_waiting(const void *st)
{
	return ((const struct pause *)st)->sending;
}

static void pause_answer(void *st, const char *error)
{
	struct pause *p = st;
	p->sending = false;
	if (error)
		ui_set_string(&p->error, error);
}

const struct dialog_ops dialog_pause = {
    .new = pause_new,
    .free = pause_free,
    .draw = pause_draw,
    .fkeys = pause_fkeys,
    .key = pause_key,
    .waiting = pause_waiting,
    .answer = pause_answer,
};
