/* "What changed": the policy's changes since the person last acknowledged
 * it (or, the first time, what it keeps), the notice beside them, and a
 * to acknowledge. It opens on its own when a change waits; Esc leaves it
 * for later and the Overview's banner stays. */
#include "dialog/consent.h"
#include "console/console.h"
#include "i18n.h"
#include "model/summary.h"
#include "text/safe.h"
#include "util.h"
#include "view/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct consent {
	char *digest; /* what is being acknowledged */
	bool sending;
	char *error;
	struct ui_scroll scroll;
};

static void *consent_new(void)
{
	return xcalloc(1, sizeof(struct consent));
}

static void consent_free(void *st)
{
	struct consent *d = st;
	free(d->digest);
	free(d->error);
	free(d);
}

void dialog_consent_open(struct console *c)
{
	struct consent *d = dialog_state(&c->ui, &dialog_consent);
	ui_set_string(&d->digest, c->model.consent.digest);
	ui_set_string(&d->error, NULL);
	d->sending = false;
	d->scroll.top = 0;
	dialog_open(&c->ui, &dialog_consent);
}

/* The paragraphs, in order: what this is, each change, the notice. */
static size_t paragraphs(const struct model *m, bool utf8, char out[][400], size_t max)
{
	const struct model_consent *mc = &m->consent;
	bool first = !mc->acknowledged_digest || !*mc->acknowledged_digest;
	size_t n = 0;
	if (first)
		snprintf(out[n++], 400,
		         _("Nothing is recorded until you acknowledge this privacy notice. The "
		           "policy keeps:"));
	else if (mc->waiting)
		snprintf(
		    out[n++], 400,
		    _("The policy changed since you acknowledged it. What keeps more waits for "
		      "you; what keeps less is in force already:"));
	else
		snprintf(out[n++], 400, _("The policy changed since you acknowledged it:"));
	for (size_t i = 0; i < mc->n_changes && n < max; i++) {
		char line[360];
		/* The first time, the notice itself follows. */
		if (first && strncmp(mc->changes[i].key, "notice.", 7) == 0)
			continue;
		summary_change(&mc->changes[i], first, utf8, line, sizeof line);
		/* A change is one line: a line break in its value is shown,
		 * as the notice's own paragraphs are not. */
		char *one = safe_str(line, 0);
		snprintf(out[n++], 400, "%s %s", utf8 ? "•" : "-", one);
		free(one);
	}
	struct summary_notice_part parts[SUMMARY_NOTICE_PARTS];
	summary_notice_parts(&m->notice, parts);
	for (size_t i = 0; i < SUMMARY_NOTICE_PARTS && n < max; i++)
		if (parts[i].text && *parts[i].text)
			snprintf(out[n++], 400, "%s: %s", parts[i].title, parts[i].text);
	return n;
}

#define PARAS 48

static void consent_draw(WINDOW *w, const struct model *m, struct ui *ui, void *st, struct rect s)
{
	struct consent *d = st;
	const struct theme *t = &ui->theme;
	char(*p)[400] = xcalloc(PARAS, sizeof *p);
	size_t n = paragraphs(m, t->utf8, p, PARAS);
	/* A page: the whole width up to 100 columns, so nothing of the
	 * Overview shows at its sides. */
	int width = s.w < 100 ? s.w : 100, want = 4, cols = width - 4;
	for (size_t i = 0; i < n; i++)
		want += dialog_rows(p[i], cols);
	if (d->error)
		want += 1 + dialog_rows(d->error, cols);
	struct rect b = dialog_centre(s, want, width);
	bool first = !m->consent.acknowledged_digest || !*m->consent.acknowledged_digest;
	widget_box(w, t, b, first ? _("Privacy notice") : _("What changed"));
	struct rect in = dialog_inside(b);
	int rows = in.h - (d->error ? 1 + dialog_rows(d->error, in.w) : 0);
	int64_t line = 0, top = (int64_t)d->scroll.top;
	d->scroll.rows = rows;
	for (size_t i = 0; i < n; i++) {
		int from = top > line ? (int)(top - line) : 0;
		int y = in.y + (int)(line + from - top);
		int avail = in.y + rows - y;
		line += view_paragraph(w, t, y, in.x, in.w, avail > 0 ? avail : 0, from,
		                       i == 0 ? theme_attr(t, THEME_LABEL) : A_NORMAL, p[i]);
	}
	d->scroll.lines = (uint64_t)line;
	ui_scroll_clamp(&d->scroll);
	widget_scrollbar(w, t, in.y, b.x + b.w - 1, rows, d->scroll.lines, d->scroll.top);
	if (d->error)
		dialog_message(w, t, in, in.y + rows + 1, theme_attr(t, THEME_ERROR), d->error);
	free(p);
}

static int consent_fkeys(const struct model *m, const struct ui *ui, const void *st,
                         struct widget_fkey *fk, char names[][16])
{
	(void)m, (void)ui, (void)st, (void)names;
	fk[0] = (struct widget_fkey){"a", _("Acknowledge"), false};
	fk[1] = (struct widget_fkey){"Esc", _("Later"), false};
	return 2;
}

static unsigned consent_key(struct console *c, void *st, int key)
{
	struct consent *d = st;
	if (key == KEYS_ESC || key == 'q') {
		/* Not again for this digest; the banner stays. */
		ui_set_string(&c->ui.consent_later, d->digest);
		dialog_close(&c->ui);
		return CONSOLE_PAINT;
	}
	if ((key == 'a' || key == 'A') && !d->sending && d->digest && *d->digest) {
		d->sending = true;
		ui_set_string(&d->error, NULL);
		console_acknowledge(c, d->digest);
		return CONSOLE_PAINT;
	}
	return dialog_scroll_key(&d->scroll, key);
}

static bool consent_waiting(const void *st)
{
	return ((const struct consent *)st)->sending;
}

static void consent_answer(void *st, const char *error)
{
	struct consent *d = st;
	d->sending = false;
	if (error)
		ui_set_string(&d->error, error);
}

const struct dialog_ops dialog_consent = {
    .new = consent_new,
    .free = consent_free,
    .draw = consent_draw,
    .fkeys = consent_fkeys,
    .key = consent_key,
    .waiting = consent_waiting,
    .answer = consent_answer,
};
