/* All text reaches the screen through widget_text, which passes it
 * through the one sanitizer (text/safe.h) and measures with text.c: curses
 * is never handed a control character, an escape sequence or a bidi
 * control from the agent, the policy or anyone else (they show as
 * "\x1b", "<U+202E>"), nor invalid UTF-8 (U+FFFD). */
#include "console/widget.h"
#include "text/spark.h"
#include "text/safe.h"
#include "text/text.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int widget_text(WINDOW *w, const struct theme *t, int y, int x, int cols, attr_t attr,
                const char *raw)
{
	int maxy, maxx, used = 0;
	char buf[4096];
	size_t o = 0;

	getmaxyx(w, maxy, maxx);
	if (y < 0 || y >= maxy || x < 0 || x >= maxx || cols <= 0 || !raw)
		return 0;
	if (cols > maxx - x)
		cols = maxx - x;
	char *s = safe_str(raw, 0);
	for (size_t len = strlen(s), i = 0; i < len;) {
		uint32_t cp;
		size_t n = text_decode(s + i, len - i, &cp);
		int cw = text_cp_width(cp);
		const char *bytes = s + i;
		size_t nb = n;
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
			bytes = " "; /* cannot come out of safe_str; never drawn */
			nb = 1;
		} else if (!t->utf8 && cp >= 0x80) {
			bytes = "?";
			nb = 1;
			cw = 1;
		} else if (cp == 0xfffd && n == 1) {
			bytes = t->utf8 ? "\xef\xbf\xbd" : "?";
			nb = strlen(bytes);
		}
		if (used + cw > cols || o + nb >= sizeof buf)
			break;
		memcpy(buf + o, bytes, nb);
		o += nb;
		used += cw;
		i += n;
	}
	buf[o] = '\0';
	free(s);
	wattrset(w, attr);
	mvwaddnstr(w, y, x, buf, (int)o);
	wattrset(w, A_NORMAL);
	return used;
}

/* The columns s takes as widget_text draws it. */
static int shown_width(const char *s)
{
	char *safe = safe_str(s, 0);
	int width = text_width(safe, strlen(safe));
	free(safe);
	return width;
}

int widget_text_right(WINDOW *w, const struct theme *t, int y, int x, int cols, attr_t attr,
                      const char *s)
{
	int width = s ? shown_width(s) : 0;
	if (width > cols)
		width = cols;
	return widget_text(w, t, y, x + cols - width, width, attr, s);
}

void widget_fill(WINDOW *w, int y, int x, int cols, attr_t attr)
{
	int maxy, maxx;
	getmaxyx(w, maxy, maxx);
	if (y < 0 || y >= maxy || x < 0 || x >= maxx || cols <= 0)
		return;
	if (cols > maxx - x)
		cols = maxx - x;
	wattrset(w, attr);
	mvwhline(w, y, x, ' ', cols);
	wattrset(w, A_NORMAL);
}

int widget_text_cut(WINDOW *w, const struct theme *t, int y, int x, int cols, attr_t attr,
                    const char *s)
{
	int width = s ? shown_width(s) : 0;
	if (width <= cols || cols < 2)
		return widget_text(w, t, y, x, cols, attr, s);
	int used = widget_text(w, t, y, x, cols - 1, attr, s);
	return used + widget_text(w, t, y, x + used, 1, attr, theme_glyph(t, "…", "~"));
}

void widget_box(WINDOW *w, const struct theme *t, struct rect r, const char *title)
{
	int maxy, maxx;
	getmaxyx(w, maxy, maxx);
	if (r.h < 2 || r.w < 2)
		return;
	if (r.y + r.h > maxy)
		r.h = maxy - r.y;
	if (r.x + r.w > maxx)
		r.w = maxx - r.x;
	for (int i = 0; i < r.h; i++)
		widget_fill(w, r.y + i, r.x, r.w, A_NORMAL);
	mvwaddch(w, r.y, r.x, ACS_ULCORNER);
	mvwhline(w, r.y, r.x + 1, ACS_HLINE, r.w - 2);
	mvwaddch(w, r.y, r.x + r.w - 1, ACS_URCORNER);
	mvwvline(w, r.y + 1, r.x, ACS_VLINE, r.h - 2);
	mvwvline(w, r.y + 1, r.x + r.w - 1, ACS_VLINE, r.h - 2);
	mvwaddch(w, r.y + r.h - 1, r.x, ACS_LLCORNER);
	mvwhline(w, r.y + r.h - 1, r.x + 1, ACS_HLINE, r.w - 2);
	/* The last cell of the screen cannot take a character without
	 * scrolling; leave that corner out. */
	if (r.y + r.h < maxy || r.x + r.w < maxx)
		mvwaddch(w, r.y + r.h - 1, r.x + r.w - 1, ACS_LRCORNER);
	if (title && r.w > 4) {
		char *s = xasprintf(" %s ", title);
		widget_text(w, t, r.y, r.x + 2, r.w - 4, theme_attr(t, THEME_DIALOG_TITLE), s);
		free(s);
	}
}

void widget_scrollbar(WINDOW *w, const struct theme *t, int y, int x, int h, uint64_t total,
                      uint64_t top)
{
	if (h < 2 || total <= (uint64_t)h)
		return;
	int size = (int)((uint64_t)h * (uint64_t)h / total);
	if (size < 1)
		size = 1;
	uint64_t span = total - (uint64_t)h;
	int pos = (int)((top >= span ? span : top) * (uint64_t)(h - size) / span);
	for (int i = 0; i < h; i++) {
		bool thumb = i >= pos && i < pos + size;
		widget_text(w, t, y + i, x, 1, theme_attr(t, thumb ? THEME_LABEL : THEME_DIM),
		            thumb ? theme_glyph(t, "█", "#") : theme_glyph(t, "│", "|"));
	}
}

void widget_funcbar(WINDOW *w, const struct theme *t, int y, int cols,
                    const struct widget_fkey *keys, int n)
{
	int x = 0;
	for (int i = 0; i < n && x < cols; i++) {
		attr_t key = theme_attr(t, keys[i].off ? THEME_DIM : THEME_FUNC_KEY);
		attr_t label = theme_attr(t, keys[i].off ? THEME_FUNC_OFF : THEME_FUNC_LABEL);
		x += widget_text(w, t, y, x, cols - x, key, keys[i].key);
		/* Labels are padded to six columns as in htop, and never run
		 * into the next key. */
		int lw = text_width(keys[i].label, strlen(keys[i].label));
		int pad = lw < 6 ? 6 - lw : 1;
		int used = widget_text(w, t, y, x, cols - x, label, keys[i].label);
		x += used;
		if (used == lw && pad) {
			widget_fill(w, y, x, pad < cols - x ? pad : cols - x, label);
			x += pad < cols - x ? pad : cols - x;
		}
	}
	widget_fill(w, y, x, cols - x, theme_attr(t, THEME_FUNC_LABEL));
}

void widget_edit(WINDOW *w, const struct theme *t, struct rect r, const struct edit *e, bool focus,
                 int *cy, int *cx)
{
	struct text_line *lines;
	struct edit_pos cur;
	attr_t attr = theme_attr(t, focus ? THEME_FIELD_FOCUS : THEME_FIELD);
	/* A selected suggestion shows as selected: typing replaces it. */
	attr_t text_attr = e->selected && focus ? theme_attr(t, THEME_SELECTION) : attr;

	if (r.h < 1 || r.w < 2)
		return;
	/* One column is kept free so the cursor can sit after the last
	 * character of a full line. */
	size_t n = edit_layout(e, r.w - 1, &lines, &cur);
	size_t top = 0;
	if (cur.line >= (size_t)r.h)
		top = cur.line - (size_t)r.h + 1;
	for (int i = 0; i < r.h; i++) {
		widget_fill(w, r.y + i, r.x, r.w, attr);
		size_t l = top + (size_t)i;
		if (l >= n)
			continue;
		char *s = xmalloc(lines[l].len + 1);
		memcpy(s, e->buf + lines[l].start, lines[l].len);
		s[lines[l].len] = '\0';
		widget_text(w, t, r.y + i, r.x, r.w - 1, text_attr, s);
		free(s);
	}
	if (focus && cy && cx) {
		*cy = r.y + (int)(cur.line - top);
		*cx = r.x + (cur.col < r.w - 1 ? cur.col : r.w - 1);
	}
	free(lines);
}

void widget_bar(WINDOW *w, const struct theme *t, int y, int x, int cols, double fraction,
                attr_t attr)
{
	if (!(fraction >= 0))
		fraction = 0;
	if (fraction > 1)
		fraction = 1;
	int full = (int)(fraction * cols + 0.5);
	/* Anything at all shows as one cell, so a little is not nothing. */
	if (full == 0 && fraction > 0)
		full = 1;
	for (int i = 0; i < cols; i++)
		widget_text(w, t, y, x + i, 1, i < full ? attr : theme_attr(t, THEME_DIM),
		            i < full ? theme_glyph(t, "█", "#") : theme_glyph(t, "░", "."));
}

void widget_spark(WINDOW *w, const struct theme *t, int y, int x, const double *v, int n,
                  double max, attr_t attr)
{
	for (int i = 0; i < n; i++)
		/* Before the first value heard: not nothing, unknown. */
		widget_text(w, t, y, x + i, 1, isnan(v[i]) ? theme_attr(t, THEME_DIM) : attr,
		            spark_glyph(v[i], max, t->utf8));
}
