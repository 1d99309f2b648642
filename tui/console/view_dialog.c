/* Dialogs over the current view: help, the pause length, the exemption
 * form, an exemption's details and the withdraw question. Each is a box
 * centred in the screen below the header, as large as it needs and no
 * larger than the screen; on a tiny terminal it simply fills it. */
#include "text/duration.h"
#include "text/human.h"
#include "text/text.h"
#include "util.h"
#include "console/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct rect centre(struct rect s, int want_h, int want_w)
{
	int h = want_h < s.h ? want_h : s.h, w = want_w < s.w ? want_w : s.w;
	return (struct rect){s.y + (s.h - h) / 2, s.x + (s.w - w) / 2, h, w};
}

/* The inside of a box: one column of margin where there is room. */
static struct rect inside(struct rect b)
{
	int m = b.w >= 24 ? 2 : 1;
	return (struct rect){b.y + 1, b.x + m, b.h - 2, b.w - 2 * m};
}

/* ---- help ---- */

struct help_line {
	char keys[48];
	const char *text;
	const char *where;
	bool heading;
};

static size_t help_lines(const struct ui *ui, struct help_line *out, size_t max)
{
	static const char *const extra[][2] = {
	    {"Esc", "close a dialog without doing anything"},
	    {"Tab", "in a dialog: the next field (Shift-Tab: the one before)"},
	    {"Left, Right", "in the form: change a choice; in text: move the cursor"},
	    {"Enter", "in a dialog: confirm; in the reason: a new line"},
	    {"Up, Down", "in the pause and forget dialogs: pick a length, or type one"},
	    {"Esc", "in a segment's events (Data): back to the list; Backspace too"},
	    {"y, n", "answer a question: delete, forget, withdraw"},
	    {"c", "while an export runs, in its dialog (x): stop it"},
	};
	size_t n = 0;
	if (n < max)
		out[n++] = (struct help_line){
		    "", "Keys (those of capctl.conf's keys group can be moved)", NULL, true};
	for (int a = ACTION_NONE + 1; a < N_ACTIONS && n < max; a++) {
		int keys[6];
		size_t k = keys_for(ui->keys, (enum action)a, keys, 6);
		if (!k)
			continue;
		struct help_line *l = &out[n++];
		*l = (struct help_line){"", keys_info((enum action)a)->help,
		                        keys_info((enum action)a)->where, false};
		for (size_t i = 0; i < k; i++) {
			char name[16];
			keys_name(keys[i], name, sizeof name);
			size_t len = strlen(l->keys);
			snprintf(l->keys + len, sizeof l->keys - len, "%s%s", i ? " or " : "",
			         name);
		}
	}
	if (n < max)
		out[n++] = (struct help_line){"", "", NULL, false};
	if (n < max)
		out[n++] = (struct help_line){"", "In dialogs", NULL, true};
	for (size_t i = 0; i < ARRAY_SIZE(extra) && n < max; i++) {
		out[n] = (struct help_line){"", extra[i][1], NULL, false};
		snprintf(out[n].keys, sizeof out[n].keys, "%s", extra[i][0]);
		n++;
	}
	return n;
}

static void draw_help(WINDOW *w, struct ui *ui, struct rect s)
{
	const struct theme *t = &ui->theme;
	struct help_line lines[N_ACTIONS + 16];
	size_t n = help_lines(ui, lines, ARRAY_SIZE(lines));
	struct rect b = centre(s, (int)n + 2, 84);
	char title[64];
	snprintf(title, sizeof title, "capctl %s help", CAPCTL_VERSION);
	widget_box(w, t, b, title);
	struct rect in = inside(b);
	ui->help.rows = in.h;
	ui->help.lines = n;
	ui_scroll_clamp(&ui->help);
	int kw = in.w >= 50 ? 14 : in.w / 3;
	for (int i = 0; i < in.h; i++) {
		size_t l = (size_t)ui->help.top + (size_t)i;
		if (l >= n)
			break;
		int y = in.y + i;
		if (lines[l].heading) {
			widget_text_cut(w, t, y, in.x, in.w, A_BOLD, lines[l].text);
			continue;
		}
		widget_text_cut(w, t, y, in.x, kw - 1, theme_attr(t, THEME_HELP_KEY),
		                lines[l].keys);
		char text[160];
		if (lines[l].where)
			snprintf(text, sizeof text, "%s (%s)", lines[l].text, lines[l].where);
		else
			snprintf(text, sizeof text, "%s", lines[l].text);
		widget_text_cut(w, t, y, in.x + kw, in.w - kw, A_NORMAL, text);
	}
	widget_scrollbar(w, t, in.y, b.x + b.w - 1, in.h, n, ui->help.top);
}

/* ---- pause ---- */

/* The list of durations to pick from, scrolled to keep the choice visible
 * when the box is short, then a field to type one. Returns the next row. */
static int duration_picker(WINDOW *w, struct ui *ui, struct rect in, int y, const uint32_t *choices,
                           size_t n, size_t choice, struct edit *text, bool cursor,
                           const char *hint)
{
	const struct theme *t = &ui->theme;
	int bottom = in.y + in.h;
	char len[32], buf[64];
	int list_rows = bottom - y - 3;
	if (list_rows < 1)
		list_rows = 1;
	size_t first = choice >= (size_t)list_rows ? choice - (size_t)list_rows + 1 : 0;
	for (size_t i = first; i < n && y < bottom && (int)(i - first) < list_rows; i++, y++) {
		bool sel = i == choice;
		human_minutes(choices[i], len, sizeof len);
		snprintf(buf, sizeof buf, "%s%s", sel ? theme_glyph(t, "▸ ", "> ") : "  ", len);
		if (sel)
			widget_fill(w, y, in.x, in.w, theme_attr(t, THEME_SELECTION));
		widget_text(w, t, y, in.x, in.w, sel ? theme_attr(t, THEME_SELECTION) : A_NORMAL,
		            buf);
	}
	if (y < bottom)
		y++;
	if (y < bottom) {
		int x = in.x + widget_text(w, t, y, in.x, in.w, A_NORMAL, "Or type: ");
		int fw = in.x + in.w - x < 12 ? in.x + in.w - x : 12;
		if (fw >= 2) {
			widget_edit(w, t, (struct rect){y, x, 1, fw}, text, true, &ui->cursor_y,
			            &ui->cursor_x);
			ui->cursor_on = cursor;
			widget_text(w, t, y, x + fw + 1, in.x + in.w - x - fw - 1,
			            theme_attr(t, THEME_DIM), hint);
		}
		y++;
	}
	return y;
}

static void draw_pause(WINDOW *w, const struct model *m, struct ui *ui, struct rect s)
{
	const struct theme *t = &ui->theme;
	char buf[160], len[32];
	int want_h = (int)ui->n_pause_choices + 7;
	struct rect b = centre(s, want_h, 54);
	widget_box(w, t, b, "Pause recording");
	struct rect in = inside(b);
	int y = in.y, bottom = in.y + in.h;

	human_minutes(model_pause_limit(m, ui->now), len, sizeof len);
	snprintf(buf, sizeof buf, "For how long? At most %s now.", len);
	if (y < bottom)
		widget_text_cut(w, t, y++, in.x, in.w, A_NORMAL, buf);
	y = duration_picker(w, ui, in, y, ui->pause_choices, ui->n_pause_choices, ui->pause_choice,
	                    &ui->pause_text, !ui->pause_sending, "like 90s, 15m, 1h30m");
	if (y < bottom) {
		if (ui->pause_sending)
			widget_text_cut(w, t, y, in.x, in.w, A_NORMAL,
			                theme_glyph(t, "Pausing…", "Pausing..."));
		else if (ui->pause_error)
			widget_text_cut(w, t, y, in.x, in.w, theme_attr(t, THEME_ERROR),
			                ui->pause_error);
		y++;
	}
}

/* ---- the exemption form ---- */

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

static void draw_form(WINDOW *w, struct ui *ui, struct rect s)
{
	const struct theme *t = &ui->theme;
	struct form *f = &ui->form;
	struct rect b = centre(s, 22, 76);
	char buf[160];
	widget_box(w, t, b, "Request an exemption");
	struct rect in = inside(b);
	int lw = in.w >= 40 ? 10 : 0, y = in.y, bottom = in.y + in.h;
	int fx = in.x + lw, fw = in.w - lw;

	if (y < bottom) {
		if (lw)
			widget_text(w, t, y, in.x, lw, theme_attr(t, THEME_LABEL), "Scope");
		picker(w, t, y, fx, fw, form_scopes[f->scope], f->focus == FORM_SCOPE);
		if (fw >= 44)
			widget_text(w, t, y, fx + 20, fw - 20, theme_attr(t, THEME_DIM),
			            f->scope == 0 ? "all recording" : "this stream only");
		y++;
	}
	if (y < bottom) {
		if (lw)
			widget_text(w, t, y, in.x, lw, theme_attr(t, THEME_LABEL), "Category");
		picker(w, t, y, fx, fw, form_categories[f->category], f->focus == FORM_CATEGORY);
		y++;
	}
	if (y < bottom) {
		if (lw)
			widget_text(w, t, y, in.x, lw, theme_attr(t, THEME_LABEL), "Days");
		int dw = fw < 6 ? fw : 6;
		bool focus = f->focus == FORM_DAYS && !f->sending;
		widget_edit(w, t, (struct rect){y, fx, 1, dw}, &f->days, focus, &ui->cursor_y,
		            &ui->cursor_x);
		if (focus)
			ui->cursor_on = true;
		const char *why = form_check_days_text(f->days.buf, NULL);
		widget_text_cut(w, t, y, fx + dw + 1, fw - dw - 1,
		                theme_attr(t, why ? THEME_ERROR : THEME_DIM),
		                why ? why : "1 to 365, counted from approval");
		y++;
	}
	if (y < bottom) {
		if (lw)
			widget_text(w, t, y, in.x, lw, theme_attr(t, THEME_LABEL), "Reason");
		widget_text_cut(w, t, y, fx, fw, theme_attr(t, THEME_DIM),
		                "for whoever decides; Enter starts a new line");
		y++;
	}
	/* The reason takes what the other rows leave: count, buttons, answer. */
	int area = bottom - y - 3;
	if (area < 1)
		area = 1;
	if (y < bottom) {
		bool focus = f->focus == FORM_REASON && !f->sending;
		struct rect ra = {y, in.x, area < bottom - y ? area : bottom - y, in.w};
		widget_edit(w, t, ra, &f->reason, focus, &ui->cursor_y, &ui->cursor_x);
		if (focus)
			ui->cursor_on = true;
		ui->form_reason_cols = in.w - 1;
		y += ra.h;
	}
	if (y < bottom) {
		const char *why = form_check_reason(f->reason.buf, buf, sizeof buf);
		char count[64];
		snprintf(count, sizeof count, "%zu of %d bytes", f->reason.len, FORM_REASON_MAX);
		bool show = why && (f->reason.len > 0 || f->focus > FORM_REASON);
		widget_text_cut(w, t, y, in.x, in.w, theme_attr(t, show ? THEME_ERROR : THEME_DIM),
		                show ? why : count);
		y++;
	}
	if (y < bottom) {
		bool ready = form_ready(f);
		button(w, t, y, in.x, in.w, "Send request", f->focus == FORM_SEND, ready);
		button(w, t, y, in.x + 20, in.w - 20, "Cancel", f->focus == FORM_CANCEL, true);
		y++;
	}
	if (y < bottom) {
		if (f->sending)
			widget_text_cut(w, t, y, in.x, in.w, A_NORMAL,
			                theme_glyph(t, "Sending…", "Sending..."));
		else if (f->refusal)
			widget_text_cut(w, t, y, in.x, in.w, theme_attr(t, THEME_ERROR),
			                f->refusal);
	}
}

/* ---- an exemption's details, and withdrawing it ---- */

/* A date and time that needs no "today" to read. */
static void full_time(uint64_t usec, char *buf, size_t size)
{
	time_t tt = (time_t)(usec / USEC_PER_SEC);
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
}

static void draw_details(WINDOW *w, const struct model *m, struct ui *ui, struct rect s)
{
	const struct theme *t = &ui->theme;
	long i = ui->dialog_id ? model_exemption_find(m, ui->dialog_id) : -1;
	char title[64], when[64];

	/* As tall as the text at full width (five fields, then the reason
	 * and the note, each under a heading), and no taller. */
	int want = 4;
	if (i >= 0) {
		const char *texts[] = {m->ex[i].reason, m->ex[i].note};
		want = 7;
		for (size_t k = 0; k < ARRAY_SIZE(texts); k++) {
			struct text_line *l;
			if (!*texts[k])
				continue;
			want += 2 + (int)text_wrap(texts[k], strlen(texts[k]), 76 - 6, &l);
			free(l);
		}
	}
	struct rect b = centre(s, want, 76);
	snprintf(title, sizeof title, "Exemption %s", ui->dialog_id ? ui->dialog_id : "");
	widget_box(w, t, b, title);
	struct rect in = inside(b);
	if (i < 0) {
		view_paragraph(w, t, in.y, in.x, in.w, in.h, 0, theme_attr(t, THEME_DIM),
		               "This request is no longer listed by the agent.");
		return;
	}
	const struct model_exemption *e = &m->ex[i];
	/* Everything scrolls as one text. */
	char *created = NULL, *until = NULL;
	full_time(e->created, when, sizeof when);
	created = xstrdup(e->created ? when : "");
	full_time(e->expires, when, sizeof when);
	until = xstrdup(e->expires ? when : theme_glyph(t, "—", "-"));
	const struct {
		const char *label, *value;
	} fields[] = {
	    {"Status", e->status}, {"Scope", e->scope}, {"Category", e->category},
	    {"Asked", created},    {"Until", until},
	};
	int rows = in.h, lw = 10;
	int64_t line = 0, top;
	ui->details.rows = rows;
	top = (int64_t)ui->details.top;
	for (size_t k = 0; k < ARRAY_SIZE(fields); k++, line++) {
		int y = in.y + (int)(line - top);
		if (line < top || line - top >= rows)
			continue;
		widget_text(w, t, y, in.x, lw, theme_attr(t, THEME_LABEL), fields[k].label);
		widget_text_cut(w, t, y, in.x + lw, in.w - lw,
		                k == 0 ? theme_attr(t, THEME_VALUE) : A_NORMAL, fields[k].value);
	}
	const struct {
		const char *label, *text;
	} paras[] = {{"Reason", e->reason}, {"Decision note", e->note}};
	for (size_t k = 0; k < ARRAY_SIZE(paras); k++) {
		if (!*paras[k].text)
			continue;
		line++; /* a blank line before */
		if (line >= top && line - top < rows)
			widget_text(w, t, in.y + (int)(line - top), in.x, in.w,
			            theme_attr(t, THEME_LABEL), paras[k].label);
		line++;
		int from = top > line ? (int)(top - line) : 0;
		int y = in.y + (int)(line + from - top);
		int avail = in.y + rows - y;
		line += view_paragraph(w, t, y, in.x + 2, in.w - 2, avail > 0 ? avail : 0, from,
		                       A_NORMAL, paras[k].text);
	}
	ui->details.lines = (uint64_t)line;
	ui_scroll_clamp(&ui->details);
	widget_scrollbar(w, t, in.y, b.x + b.w - 1, rows, ui->details.lines, ui->details.top);
	free(created);
	free(until);
}

static void draw_withdraw(WINDOW *w, const struct model *m, struct ui *ui, struct rect s)
{
	const struct theme *t = &ui->theme;
	long i = ui->dialog_id ? model_exemption_find(m, ui->dialog_id) : -1;
	struct rect b = centre(s, 7, 60);
	char title[64], text[256];

	snprintf(title, sizeof title, "Withdraw %s?", ui->dialog_id ? ui->dialog_id : "");
	widget_box(w, t, b, title);
	struct rect in = inside(b);
	if (i < 0) {
		snprintf(text, sizeof text, "This request is no longer listed by the agent.");
	} else if (strcmp(m->ex[i].status, "approved") == 0) {
		snprintf(text, sizeof text,
		         "The exemption ends now and recording of %s starts again as the "
		         "policy allows.",
		         strcmp(m->ex[i].scope, "all") == 0 ? "all streams" : m->ex[i].scope);
	} else {
		snprintf(text, sizeof text,
		         "The request (%s, %s) will not be decided. You can ask again later.",
		         m->ex[i].scope, m->ex[i].category);
	}
	int used = view_paragraph(w, t, in.y, in.x, in.w, in.h - 1, 0, A_NORMAL, text);
	int y = in.y + (used < in.h - 1 ? used + (used < in.h - 2) : in.h - 1);
	if (ui->dialog_sending)
		widget_text_cut(w, t, y, in.x, in.w, A_NORMAL,
		                theme_glyph(t, "Withdrawing…", "Withdrawing..."));
	else if (ui->dialog_error)
		widget_text_cut(w, t, y, in.x, in.w, theme_attr(t, THEME_ERROR), ui->dialog_error);
}

/* ---- forget, delete, export ---- */

static void draw_forget(WINDOW *w, const struct model *m, struct ui *ui, struct rect s)
{
	const struct theme *t = &ui->theme;
	char buf[320], len[32];

	if (ui->forget_confirm) {
		human_minutes(ui->forget_seconds, len, sizeof len);
		char title[64];
		struct text_line *tl;
		snprintf(title, sizeof title, "Forget the last %s?", len);
		bool server = m->upload.endpoint && *m->upload.endpoint;
		snprintf(buf, sizeof buf,
		         "Everything recorded in the last %s is erased, from memory and from "
		         "disk. It cannot be undone.%s",
		         len,
		         server ? " The server is asked to delete what it received of it." : "");
		int lines = (int)text_wrap(buf, strlen(buf), 60 - 6, &tl);
		free(tl);
		int answer = 1;
		if (ui->forget_error) {
			answer =
			    (int)text_wrap(ui->forget_error, strlen(ui->forget_error), 60 - 6, &tl);
			free(tl);
		}
		struct rect b = centre(s, lines + 4 + answer, 60);
		widget_box(w, t, b, title);
		struct rect in = inside(b);
		int used = view_paragraph(w, t, in.y, in.x, in.w, in.h - 2, 0, A_NORMAL, buf);
		int y = in.y + (used < in.h - 2 ? used + 1 : in.h - 2);
		if (y < in.y + in.h)
			widget_text_cut(w, t, y++, in.x, in.w, A_BOLD, "y: forget it    n: back");
		if (y < in.y + in.h) {
			if (ui->forget_sending)
				widget_text_cut(w, t, y, in.x, in.w, A_NORMAL,
				                theme_glyph(t, "Forgetting…", "Forgetting..."));
			else if (ui->forget_error)
				view_paragraph(w, t, y, in.x, in.w, in.y + in.h - y, 0,
				               theme_attr(t, THEME_ERROR), ui->forget_error);
		}
		return;
	}
	struct rect b = centre(s, (int)ui->n_forget_choices + 6, 54);
	widget_box(w, t, b, "Forget what was recorded");
	struct rect in = inside(b);
	int y = in.y, bottom = in.y + in.h;
	if (y < bottom)
		widget_text_cut(w, t, y++, in.x, in.w, A_NORMAL, "How far back? From 1 s to 24 h.");
	y = duration_picker(w, ui, in, y, ui->forget_choices, ui->n_forget_choices,
	                    ui->forget_choice, &ui->forget_text, true, "like 90s, 15m, 2h");
	if (y < bottom && ui->forget_error)
		widget_text_cut(w, t, y, in.x, in.w, theme_attr(t, THEME_ERROR), ui->forget_error);
}

static void draw_delete(WINDOW *w, const struct model *m, struct ui *ui, struct rect s)
{
	const struct theme *t = &ui->theme;
	const struct ui_segment *seg = &ui->del;
	char title[64], span[64], n[32], size[32], buf[400];
	struct text_line *tl;

	view_span(seg->start, seg->end, 30, span, sizeof span);
	human_count(seg->events, n, sizeof n);
	human_bytes(seg->bytes, size, sizeof size);
	bool server = seg->uploaded && m->upload.endpoint && *m->upload.endpoint;
	snprintf(buf, sizeof buf,
	         "%s, %s, %s event%s, %s. It is deleted from disk now and cannot be "
	         "undone.%s",
	         seg->stream, span, n, seg->events == 1 ? "" : "s", size,
	         server ? " The server is asked to delete its copy." : "");
	/* As tall as the text at full width, a blank line and the answer. */
	int lines = (int)text_wrap(buf, strlen(buf), 64 - 6, &tl);
	free(tl);
	int answer = 1;
	if (ui->dialog_error && !ui->dialog_sending) {
		answer = (int)text_wrap(ui->dialog_error, strlen(ui->dialog_error), 64 - 6, &tl);
		free(tl);
	}
	struct rect b = centre(s, lines + 3 + answer, 64);
	snprintf(title, sizeof title, "Delete segment %llu?", (unsigned long long)seg->id);
	widget_box(w, t, b, title);
	struct rect in = inside(b);
	int used = view_paragraph(w, t, in.y, in.x, in.w, in.h - 1, 0, A_NORMAL, buf);
	int y = in.y + (used < in.h - 1 ? used + (used < in.h - 2) : in.h - 1);
	if (ui->dialog_sending)
		widget_text_cut(w, t, y, in.x, in.w, A_NORMAL,
		                theme_glyph(t, "Deleting…", "Deleting..."));
	else if (ui->dialog_error)
		view_paragraph(w, t, y, in.x, in.w, in.y + in.h - y, 0, theme_attr(t, THEME_ERROR),
		               ui->dialog_error);
}

void view_export_progress(const struct ui *ui, char *buf, size_t size)
{
	const struct ui_export *e = &ui->export;
	char a[32], b[32];
	human_count(e->events_written, a, sizeof a);
	/* The figures first: a long path is what gets cut. */
	if (e->listing) {
		snprintf(buf, size, "Exporting: listing the segments, for %s", e->path);
	} else if (e->events_expected) {
		human_count(e->events_expected, b, sizeof b);
		unsigned pct = (unsigned)(e->events_written * 100 / e->events_expected);
		snprintf(buf, size, "Exporting: %u%%, %s of %s events, to %s",
		         pct > 100 ? 100 : pct, a, b, e->path);
	} else {
		snprintf(buf, size, "Exporting: %s events, to %s", a, e->path);
	}
}

static void draw_export(WINDOW *w, struct ui *ui, struct rect s)
{
	const struct theme *t = &ui->theme;
	char buf[4200], a[32], b[32];

	if (ui->export.running) {
		const struct ui_export *e = &ui->export;
		struct rect bx = centre(s, 8, 70);
		widget_box(w, t, bx, "Exporting");
		struct rect in = inside(bx);
		int y = in.y, bottom = in.y + in.h;
		snprintf(buf, sizeof buf, "To %s", e->path);
		if (y < bottom)
			widget_text_cut(w, t, y++, in.x, in.w, A_NORMAL, buf);
		human_count(e->events_written, a, sizeof a);
		if (e->listing) {
			snprintf(buf, sizeof buf, "Listing the segments%s",
			         theme_glyph(t, "…", "..."));
		} else {
			human_count(e->events_expected, b, sizeof b);
			snprintf(buf, sizeof buf, "%s of %s events, %zu of %zu segments", a, b,
			         e->segs_done, e->segs_total);
		}
		if (y < bottom)
			widget_text_cut(w, t, y++, in.x, in.w, A_NORMAL, buf);
		if (y < bottom && in.w > 8) {
			double f = e->events_expected
			               ? (double)e->events_written / (double)e->events_expected
			               : 0;
			widget_bar(w, t, y, in.x, in.w - 6, f, theme_attr(t, THEME_GOOD));
			snprintf(buf, sizeof buf, "%3.0f%%", f > 1 ? 100.0 : f * 100);
			widget_text(w, t, y, in.x + in.w - 5, 5, A_NORMAL, buf);
			y++;
		}
		if (y < bottom)
			y++;
		if (y < bottom)
			widget_text_cut(
			    w, t, y, in.x, in.w, theme_attr(t, THEME_DIM),
			    "c stops it and removes the file; Esc closes this, the export "
			    "goes on.");
		return;
	}
	struct rect bx = centre(s, ui->export_seg.id ? 8 : 7, 70);
	widget_box(w, t, bx, "Export to a JSON Lines file");
	struct rect in = inside(bx);
	int y = in.y, bottom = in.y + in.h, lw = in.w >= 30 ? 6 : 0;
	if (ui->export_seg.id && y < bottom) {
		if (lw)
			widget_text(w, t, y, in.x, lw, theme_attr(t, THEME_LABEL), "What");
		if (ui->export_what)
			snprintf(buf, sizeof buf, "%s segment %llu %s", theme_glyph(t, "‹", "<"),
			         (unsigned long long)ui->export_seg.id, theme_glyph(t, "›", ">"));
		else
			snprintf(buf, sizeof buf, "%s everything kept %s", theme_glyph(t, "‹", "<"),
			         theme_glyph(t, "›", ">"));
		widget_text(w, t, y, in.x + lw, in.w - lw,
		            theme_attr(t, ui->export_focus_path ? THEME_FIELD : THEME_FIELD_FOCUS),
		            buf);
		y++;
	} else if (y < bottom) {
		if (lw)
			widget_text(w, t, y, in.x, lw, theme_attr(t, THEME_LABEL), "What");
		widget_text_cut(w, t, y, in.x + lw, in.w - lw, A_NORMAL,
		                "everything kept, in time order");
		y++;
	}
	if (y < bottom) {
		if (lw)
			widget_text(w, t, y, in.x, lw, theme_attr(t, THEME_LABEL), "File");
		bool focus = ui->export_focus_path || !ui->export_seg.id;
		widget_edit(w, t, (struct rect){y, in.x + lw, 1, in.w - lw}, &ui->export_path,
		            focus, &ui->cursor_y, &ui->cursor_x);
		if (focus)
			ui->cursor_on = true;
		y++;
	}
	if (y < bottom)
		widget_text_cut(w, t, y++, in.x, in.w, theme_attr(t, THEME_DIM),
		                "One event a line, oldest first; the file must not exist yet.");
	if (y < bottom)
		y++;
	if (y < bottom && ui->export_error)
		widget_text_cut(w, t, y, in.x, in.w, theme_attr(t, THEME_ERROR), ui->export_error);
}

void view_dialog_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect screen)
{
	switch (ui->dialog) {
	case UI_DIALOG_NONE:
		break;
	case UI_DIALOG_HELP:
		draw_help(w, ui, screen);
		break;
	case UI_DIALOG_PAUSE:
		draw_pause(w, m, ui, screen);
		break;
	case UI_DIALOG_FORM:
		draw_form(w, ui, screen);
		break;
	case UI_DIALOG_DETAILS:
		draw_details(w, m, ui, screen);
		break;
	case UI_DIALOG_WITHDRAW:
		draw_withdraw(w, m, ui, screen);
		break;
	case UI_DIALOG_FORGET:
		draw_forget(w, m, ui, screen);
		break;
	case UI_DIALOG_DELETE:
		draw_delete(w, m, ui, screen);
		break;
	case UI_DIALOG_EXPORT:
		draw_export(w, ui, screen);
		break;
	}
}
