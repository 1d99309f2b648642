/* The delete question. */
#include "dialog/delete.h"
#include "console/console.h"
#include "i18n.h"
#include "model/summary.h"
#include "text/human.h"
#include "text/text.h"
#include "util.h"
#include "view/view.h"

#include <stdio.h>
#include <stdlib.h>

struct delete
{
	struct ui_segment seg; /* the segment asked about */
	bool sending;
	char *error;
};

static void *delete_new(void)
{
	return xcalloc(1, sizeof(struct delete));
}

static void delete_free(void *st)
{
	struct delete *d = st;
	free(d->error);
	free(d);
}

void dialog_delete_open(struct console *c, const struct ui_segment *seg)
{
	struct delete *d = dialog_state(&c->ui, &dialog_delete);
	d->seg = *seg;
	ui_set_string(&d->error, NULL);
	d->sending = false;
	dialog_open(&c->ui, &dialog_delete);
}

static void delete_draw(WINDOW *w, const struct model *m, struct ui *ui, void *st, struct rect s)
{
	struct delete *d = st;
	const struct theme *t = &ui->theme;
	const struct ui_segment *seg = &d->seg;
	char title[64], span[64], n[48], size[32], buf[400];

	view_span(seg->start, seg->end, 30, span, sizeof span);
	summary_counted(seg->events, P_("event", "events", seg->events), n, sizeof n);
	human_bytes(seg->bytes, size, sizeof size);
	bool server = seg->uploaded && m->upload.endpoint && *m->upload.endpoint;
	snprintf(buf, sizeof buf,
	         _("%s, %s, %s, %s. It is deleted from disk now and cannot be "
	           "undone.%s"),
	         seg->stream, span, n, size,
	         server ? _(" The server is asked to delete its copy.") : "");
	/* As tall as the text at full width, a blank line and the answer. */
	int lines = dialog_rows(buf, 64 - 6);
	int answer = d->error && !d->sending ? dialog_rows(d->error, 64 - 6) : 1;
	struct rect b = dialog_centre(s, lines + 3 + answer, 64);
	snprintf(title, sizeof title, _("Delete segment %llu?"), (unsigned long long)seg->id);
	widget_box(w, t, b, title);
	struct rect in = dialog_inside(b);
	int used = view_paragraph(w, t, in.y, in.x, in.w, in.h - 1, 0, A_NORMAL, buf);
	int y = in.y + (used < in.h - 1 ? used + (used < in.h - 2) : in.h - 1);
	if (d->sending)
		widget_text_cut(w, t, y, in.x, in.w, A_NORMAL,
		                theme_glyph(t, _("Deleting…"), _("Deleting...")));
	else if (d->error)
		view_paragraph(w, t, y, in.x, in.w, in.y + in.h - y, 0, theme_attr(t, THEME_ERROR),
		               d->error);
}

static int delete_fkeys(const struct model *m, const struct ui *ui, const void *st,
                        struct widget_fkey *fk, char names[][16])
{
	(void)m, (void)ui, (void)st, (void)names;
	fk[0] = (struct widget_fkey){"y", _("Delete"), false};
	fk[1] = (struct widget_fkey){"n", _("Keep it"), false};
	return 2;
}

static unsigned delete_key(struct console *c, void *st, int key)
{
	struct delete *d = st;
	if (key == KEYS_ESC || key == 'n' || key == 'N') {
		dialog_close(&c->ui);
		return CONSOLE_PAINT;
	}
	if ((key == 'y' || key == 'Y') && !d->sending) {
		d->sending = true;
		ui_set_string(&d->error, NULL);
		console_delete(c, &d->seg);
		return CONSOLE_PAINT;
	}
	return 0;
}

static bool delete_waiting(const void *st)
{
	return ((const struct delete *)st)->sending;
}

static void delete_answer(void *st, const char *error)
{
	struct delete *d = st;
	d->sending = false;
	if (error)
		ui_set_string(&d->error, error);
}

const struct dialog_ops dialog_delete = {
    .new = delete_new,
    .free = delete_free,
    .draw = delete_draw,
    .fkeys = delete_fkeys,
    .key = delete_key,
    .waiting = delete_waiting,
    .answer = delete_answer,
};
