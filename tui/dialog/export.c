/* The export dialog: the question (what, in which format, where), then
 * the progress. */
#include "dialog/export.h"
#include "console/console.h"
#include "i18n.h"
#include "model/summary.h"
#include "text/human.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The rows that take keys, top to bottom; WHAT only with a segment. */
enum export_field { FIELD_WHAT, FIELD_FORMAT, FIELD_PATH };

struct export_dialog {
	int what; /* 0: everything; 1: the segment in seg */
	enum export_field focus;
	enum export_format format; /* kept from one export to the next */
	struct ui_segment seg;
	struct edit path;
	char *error;
};

static void *export_new(void)
{
	struct export_dialog *x = xcalloc(1, sizeof *x);
	edit_init(&x->path, 4096, false);
	return x;
}

static void export_free(void *st)
{
	struct export_dialog *x = st;
	edit_fini(&x->path);
	free(x->error);
	free(x);
}

void dialog_export_open(struct console *c, const struct ui_segment *seg, bool open)
{
	struct export_dialog *x = dialog_state(&c->ui, &dialog_export);
	x->seg.id = 0;
	if (seg)
		x->seg = *seg;
	x->what = open && x->seg.id ? 1 : 0;
	char *path = console_export_default_path(now_usec(), x->format);
	edit_prefill(&x->path, path);
	free(path);
	x->focus = FIELD_PATH;
	ui_set_string(&x->error, NULL);
	dialog_open(&c->ui, &dialog_export);
}

void dialog_export_show(struct console *c)
{
	dialog_open(&c->ui, &dialog_export);
}

void dialog_export_progress(const struct ui *ui, char *buf, size_t size)
{
	const struct ui_export *e = &ui->export;
	char a[48], b[48];
	/* The figures first: a long path is what gets cut. */
	if (e->listing) {
		snprintf(buf, size, _("Exporting: listing the segments, for %s"), e->path);
	} else if (e->events_expected) {
		human_count(e->events_written, a, sizeof a);
		summary_counted(e->events_expected, P_("event", "events", e->events_expected), b,
		                sizeof b);
		unsigned pct = (unsigned)(e->events_written * 100 / e->events_expected);
		snprintf(buf, size, _("Exporting: %u%%, %s of %s, to %s"), pct > 100 ? 100 : pct, a,
		         b, e->path);
	} else {
		summary_counted(e->events_written, P_("event", "events", e->events_written), a,
		                sizeof a);
		snprintf(buf, size, _("Exporting: %s, to %s"), a, e->path);
	}
}

static void draw_running(WINDOW *w, struct ui *ui, struct rect s)
{
	const struct theme *t = &ui->theme;
	const struct ui_export *e = &ui->export;
	char buf[4200], a[32], b[48], c[48];
	struct rect bx = dialog_centre(s, 8, 70);
	widget_box(w, t, bx, _("Exporting"));
	struct rect in = dialog_inside(bx);
	int y = in.y, bottom = in.y + in.h;
	snprintf(buf, sizeof buf, _("To %s"), e->path);
	if (y < bottom)
		widget_text_cut(w, t, y++, in.x, in.w, A_NORMAL, buf);
	human_count(e->events_written, a, sizeof a);
	if (e->listing) {
		snprintf(buf, sizeof buf, _("Listing the segments%s"), theme_glyph(t, "…", "..."));
	} else {
		summary_counted(e->events_expected, P_("event", "events", e->events_expected), b,
		                sizeof b);
		summary_counted(e->segs_total, P_("segment", "segments", e->segs_total), c,
		                sizeof c);
		snprintf(buf, sizeof buf, _("%s of %s, %zu of %s"), a, b, e->segs_done, c);
	}
	if (y < bottom)
		widget_text_cut(w, t, y++, in.x, in.w, A_NORMAL, buf);
	if (y < bottom && in.w > 8) {
		double f =
		    e->events_expected ? (double)e->events_written / (double)e->events_expected : 0;
		widget_bar(w, t, y, in.x, in.w - 6, f, theme_attr(t, THEME_GOOD));
		snprintf(buf, sizeof buf, "%3.0f%%", f > 1 ? 100.0 : f * 100);
		widget_text(w, t, y, in.x + in.w - 5, 5, A_NORMAL, buf);
		y++;
	}
	if (y < bottom)
		y++;
	if (y < bottom)
		/* TRANSLATORS: one line of at most 66 columns */
		widget_text_cut(w, t, y, in.x, in.w, theme_attr(t, THEME_DIM),
		                _("c stops it and removes the file; Esc closes this, the export "
		                  "goes on."));
}

/* "‹ word ›", the focused choice's look. */
static void draw_choice(WINDOW *w, const struct theme *t, struct rect at, bool focus,
                        const char *word)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s %s %s", theme_glyph(t, "‹", "<"), word,
	         theme_glyph(t, "›", ">"));
	widget_text(w, t, at.y, at.x, at.w, theme_attr(t, focus ? THEME_FIELD_FOCUS : THEME_FIELD),
	            buf);
}

static void draw_label(WINDOW *w, const struct theme *t, int y, int x, int lw, const char *label)
{
	if (lw)
		widget_text(w, t, y, x, lw, theme_attr(t, THEME_LABEL), label);
}

static void export_draw(WINDOW *w, const struct model *m, struct ui *ui, void *st, struct rect s)
{
	struct export_dialog *x = st;
	const struct theme *t = &ui->theme;
	char buf[64];
	(void)m;
	if (ui->export.running) {
		draw_running(w, ui, s);
		return;
	}
	int answer = x->error ? dialog_rows(x->error, 70 - 4) : 1;
	struct rect bx = dialog_centre(s, (x->seg.id ? 8 : 7) + answer, 70);
	widget_box(w, t, bx, _("Export to a file"));
	struct rect in = dialog_inside(bx);
	int y = in.y, bottom = in.y + in.h, lw = in.w >= 30 ? 8 : 0;
	struct rect row = {y, in.x + lw, 1, in.w - lw};
	if (y < bottom) {
		/* TRANSLATORS: the labels What, Format and File are at most 7 columns */
		draw_label(w, t, y, in.x, lw, _("What"));
		if (x->seg.id) {
			snprintf(buf, sizeof buf, _("segment %llu"), (unsigned long long)x->seg.id);
			draw_choice(w, t, row, x->focus == FIELD_WHAT,
			            x->what ? buf : _("everything kept"));
		} else {
			widget_text_cut(w, t, y, row.x, row.w, A_NORMAL,
			                _("everything kept, in time order"));
		}
		row.y = ++y;
	}
	if (y < bottom) {
		draw_label(w, t, y, in.x, lw, _("Format"));
		draw_choice(w, t, row, x->focus == FIELD_FORMAT,
		            x->format == EXPORT_CSV ? "CSV" : "JSON Lines");
		row.y = ++y;
	}
	if (y < bottom) {
		draw_label(w, t, y, in.x, lw, _("File"));
		bool focus = x->focus == FIELD_PATH;
		widget_edit(w, t, row, &x->path, focus, &ui->cursor_y, &ui->cursor_x);
		if (focus)
			ui->cursor_on = true;
		y++;
	}
	if (y < bottom)
		widget_text_cut(
		    w, t, y++, in.x, in.w, theme_attr(t, THEME_DIM),
		    /* TRANSLATORS: one line each, of at most 66 columns */
		    x->format == EXPORT_CSV
		        ? _("A header row, then one event a row; the file must not exist yet.")
		        : _("One event a line, oldest first; the file must not exist yet."));
	if (y < bottom)
		y++;
	if (x->error)
		dialog_message(w, t, in, y, theme_attr(t, THEME_ERROR), x->error);
}

static int export_fkeys(const struct model *m, const struct ui *ui, const void *st,
                        struct widget_fkey *fk, char names[][16])
{
	const struct export_dialog *x = st;
	int n = 0;
	(void)m, (void)names;
	if (ui->export.running) {
		fk[n++] = (struct widget_fkey){"c", _("Stop it"), false};
		fk[n++] = (struct widget_fkey){"Esc", _("Close"), false};
		return n;
	}
	fk[n++] = (struct widget_fkey){"Enter", _("Export"), false};
	fk[n++] = (struct widget_fkey){"Tab", _("Next"), false};
	if (x->focus != FIELD_PATH)
		fk[n++] = (struct widget_fkey){theme_glyph(&ui->theme, "←→", "Left/Right"),
		                               _("Choose"), false};
	fk[n++] = (struct widget_fkey){"Esc", _("Cancel"), false};
	return n;
}

static unsigned running_key(struct console *c, int key)
{
	if (key == 'c' || key == 'C') {
		console_export_cancel(c);
		dialog_close(&c->ui);
		return CONSOLE_PAINT;
	}
	if (key == KEYS_ESC || key == KEYS_ENTER) {
		dialog_close(&c->ui);
		return CONSOLE_PAINT;
	}
	return 0;
}

static unsigned export_enter(struct console *c, struct export_dialog *x)
{
	char *path = xstrdup(x->path.buf), *why = NULL;
	dialog_trim(path);
	ui_set_string(&x->error, NULL);
	if (console_export_start(c, path, x->what ? x->seg.id : 0, x->format, &why) == 0)
		dialog_close(&c->ui);
	else
		x->error = why;
	free(path);
	return CONSOLE_PAINT;
}

/* The other format; a file name that ends in the one's extension takes
 * the other's, whatever else was typed. */
static void switch_format(struct export_dialog *x)
{
	static const char *const ext[] = {[EXPORT_JSONL] = ".jsonl", [EXPORT_CSV] = ".csv"};
	enum export_format to = x->format == EXPORT_CSV ? EXPORT_JSONL : EXPORT_CSV;
	const char *buf = x->path.buf;
	size_t n = strlen(buf), e = strlen(ext[x->format]);
	if (n > e && strcmp(buf + n - e, ext[x->format]) == 0) {
		char *path = xasprintf("%.*s%s", (int)(n - e), buf, ext[to]);
		edit_prefill(&x->path, path);
		free(path);
	}
	x->format = to;
}

/* Tab and Down go to the next row, Shift-Tab and Up to the one before,
 * round; the What row is there only with a segment. */
static void move_focus(struct export_dialog *x, int step)
{
	int first = x->seg.id ? FIELD_WHAT : FIELD_FORMAT, n = FIELD_PATH - first + 1;
	x->focus = (enum export_field)(first + ((int)x->focus - first + step + n) % n);
}

static unsigned export_key(struct console *c, void *st, int key)
{
	struct export_dialog *x = st;
	if (c->ui.export.running)
		return running_key(c, key);
	if (key == KEYS_ESC) {
		dialog_close(&c->ui);
		return CONSOLE_PAINT;
	}
	if (key == KEYS_TAB || key == KEYS_BACKTAB || key == KEYS_UP || key == KEYS_DOWN) {
		move_focus(x, key == KEYS_TAB || key == KEYS_DOWN ? 1 : -1);
		return CONSOLE_PAINT;
	}
	if (key == KEYS_ENTER)
		return export_enter(c, x);
	if (x->focus != FIELD_PATH) {
		if (key != KEYS_LEFT && key != KEYS_RIGHT && key != KEYS_SPACE)
			return 0;
		if (x->focus == FIELD_WHAT)
			x->what = !x->what;
		else
			switch_format(x);
		ui_set_string(&x->error, NULL);
		return CONSOLE_PAINT;
	}
	if (dialog_edit_key(&x->path, key, 64)) {
		ui_set_string(&x->error, NULL);
		return CONSOLE_PAINT;
	}
	return 0;
}

const struct dialog_ops dialog_export = {
    .new = export_new,
    .free = export_free,
    .draw = export_draw,
    .fkeys = export_fkeys,
    .key = export_key,
};
