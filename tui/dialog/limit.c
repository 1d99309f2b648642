/* The limit dialog: each stream with what is kept of it now, and the level
 * the person picks for it. Choice 0 is "as the policy allows" (no limit of
 * theirs); the others are the stream's levels from the most kept down.
 * Enter sends the one picked for the selected stream; the agent refuses a
 * level above the policy's, and says which it allows, in place. */
#include "dialog/limit.h"
#include "console/console.h"
#include "i18n.h"
#include "model/summary.h"
#include "util.h"
#include "view/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct limit {
	size_t sel;               /* the stream, in the model's order */
	size_t choice[N_STREAMS]; /* per stream: 0 no limit, i a level */
	bool sending;
	char *error;
};

static void *limit_new(void)
{
	return xcalloc(1, sizeof(struct limit));
}

static void limit_free(void *st)
{
	struct limit *d = st;
	free(d->error);
	free(d);
}

/* Choice i in words: NULL past the last. */
static const char *choice_level(const char *id, size_t i, const char **words)
{
	if (i == 0) {
		if (words)
			*words = _("as the policy allows");
		return "";
	}
	return summary_level(id, i - 1, words);
}

unsigned dialog_limit_open(struct console *c)
{
	struct limit *d = dialog_state(&c->ui, &dialog_limit);
	const struct model *m = &c->model;
	ui_set_string(&d->error, NULL);
	d->sending = false;
	for (size_t s = 0; s < m->n_streams && s < N_STREAMS; s++) {
		const char *mine = model_limit_of(m, m->streams[s].id), *level;
		d->choice[s] = 0;
		for (size_t i = 1; mine && (level = choice_level(m->streams[s].id, i, NULL)); i++)
			if (strcmp(level, mine) == 0)
				d->choice[s] = i;
	}
	if (d->sel >= m->n_streams)
		d->sel = 0;
	dialog_open(&c->ui, &dialog_limit);
	return CONSOLE_PAINT;
}

/* A stream's row: its id, its level and what it would keep, each from
 * its own display column (not padded with bytes). */
static void draw_row(WINDOW *w, const struct theme *t, int y, struct rect in, attr_t a,
                     const char *id, const char *level, const char *words)
{
	static const int col[] = {0, 16, 26};
	char line[160];
	snprintf(line, sizeof line, "%s %s", theme_glyph(t, "→", "->"), words);
	const char *text[] = {id, level, line};
	widget_fill(w, y, in.x, in.w, a);
	for (size_t i = 0; i < ARRAY_SIZE(col) && col[i] < in.w; i++) {
		int end = i + 1 < ARRAY_SIZE(col) ? col[i + 1] - 1 : in.w;
		widget_text_cut(w, t, y, in.x + col[i], (end < in.w ? end : in.w) - col[i], a,
		                text[i]);
	}
}

static void limit_draw(WINDOW *w, const struct model *m, struct ui *ui, void *st, struct rect s)
{
	struct limit *d = st;
	const struct theme *t = &ui->theme;
	int err = d->error ? 1 + dialog_rows(d->error, 70 - 4) : 0;
	struct rect b = dialog_centre(s, 7 + (int)m->n_streams + err, 70);
	widget_box(w, t, b, _("Keep less"));
	struct rect in = dialog_inside(b);
	int y = in.y;
	y += view_paragraph(w, t, y, in.x, in.w, 2, 0, A_NORMAL,
	                    _("What you keep of a stream, at most what the policy allows. "
	                      "Up/Down: stream, Left/Right: level."));
	y++;
	for (size_t i = 0; i < m->n_streams && i < N_STREAMS && y < in.y + in.h - err; i++, y++) {
		const char *words = "";
		choice_level(m->streams[i].id, d->choice[i], &words);
		attr_t a = i == d->sel ? theme_attr(t, THEME_SELECTION) : A_NORMAL;
		draw_row(w, t, y, in, a, m->streams[i].id, m->streams[i].fidelity, words);
	}
	if (d->sending)
		widget_text_cut(w, t, y + 1, in.x, in.w, A_NORMAL,
		                theme_glyph(t, _("Sending…"), _("Sending...")));
	else if (d->error)
		dialog_message(w, t, in, y + 1, theme_attr(t, THEME_ERROR), d->error);
}

static int limit_fkeys(const struct model *m, const struct ui *ui, const void *st,
                       struct widget_fkey *fk, char names[][16])
{
	(void)m, (void)ui, (void)st, (void)names;
	fk[0] = (struct widget_fkey){"Enter", _("Keep this"), false};
	fk[1] = (struct widget_fkey){"Esc", _("Close"), false};
	return 2;
}

static unsigned limit_key(struct console *c, void *st, int key)
{
	struct limit *d = st;
	const struct model *m = &c->model;
	size_t n = m->n_streams < N_STREAMS ? m->n_streams : N_STREAMS;
	if (key == KEYS_ESC) {
		dialog_close(&c->ui);
		return CONSOLE_PAINT;
	}
	if (!n || d->sending)
		return 0;
	const char *id = m->streams[d->sel].id;
	switch (key) {
	case KEYS_UP:
		d->sel = (d->sel + n - 1) % n;
		break;
	case KEYS_DOWN:
		d->sel = (d->sel + 1) % n;
		break;
	case KEYS_LEFT:
		if (d->choice[d->sel] > 0)
			d->choice[d->sel]--;
		break;
	case KEYS_RIGHT:
		if (choice_level(id, d->choice[d->sel] + 1, NULL))
			d->choice[d->sel]++;
		break;
	case KEYS_ENTER:
		d->sending = true;
		ui_set_string(&d->error, NULL);
		console_limit(c, id, choice_level(id, d->choice[d->sel], NULL));
		break;
	default:
		return 0;
	}
	return CONSOLE_PAINT;
}

static bool limit_waiting(const void *st)
{
	return ((const struct limit *)st)->sending;
}

static void limit_answer(void *st, const char *error)
{
	struct limit *d = st;
	d->sending = false;
	if (error)
		ui_set_string(&d->error, error);
}

const struct dialog_ops dialog_limit = {
    .new = limit_new,
    .free = limit_free,
    .draw = limit_draw,
    .fkeys = limit_fkeys,
    .key = limit_key,
    .waiting = limit_waiting,
    .answer = limit_answer,
};
