/* The editing buffer. Every operation keeps buf valid UTF-8 and the
 * cursor on a character boundary, so the views never see half a
 * character. */
#include "text/edit.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void edit_init(struct edit *e, size_t limit, bool multiline)
{
	*e = (struct edit){.limit = limit, .multiline = multiline, .cap = 64};
	e->buf = xcalloc(1, e->cap);
}

void edit_fini(struct edit *e)
{
	free(e->buf);
	e->buf = NULL;
	e->len = e->cap = e->cursor = 0;
}

static void reserve(struct edit *e, size_t need)
{
	if (need + 1 <= e->cap)
		return;
	while (e->cap < need + 1)
		e->cap *= 2;
	e->buf = xrealloc(e->buf, e->cap);
}

void edit_set(struct edit *e, const char *s)
{
	size_t n = strlen(s);
	/* Keep only whole characters and only what a key could have typed,
	 * up to the limit. */
	e->len = e->cursor = 0;
	e->buf[0] = '\0';
	e->selected = false;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		i += text_decode(s + i, n - i, &cp);
		if (edit_insert(e, cp) == -ENOSPC)
			break;
	}
}

void edit_prefill(struct edit *e, const char *s)
{
	edit_set(e, s);
	e->selected = e->len > 0;
}

int edit_insert(struct edit *e, uint32_t cp)
{
	char enc[4];
	/* What the sanitizer would have to show escaped is not typed. */
	if (!(cp == '\n' && e->multiline) && utf8_cp_unsafe(cp))
		return -EINVAL;
	size_t n = text_encode(cp, enc);
	if (!n)
		return -EINVAL;
	if (e->selected) {
		e->selected = false;
		e->len = e->cursor = 0;
		e->buf[0] = '\0';
	}
	if (e->len + n > e->limit)
		return -ENOSPC;
	reserve(e, e->len + n);
	memmove(e->buf + e->cursor + n, e->buf + e->cursor, e->len - e->cursor + 1);
	memcpy(e->buf + e->cursor, enc, n);
	e->len += n;
	e->cursor += n;
	return 0;
}

static void cut(struct edit *e, size_t from, size_t to)
{
	memmove(e->buf + from, e->buf + to, e->len - to + 1);
	e->len -= to - from;
	e->cursor = from;
}

int edit_paste(struct edit *e, uint32_t cp)
{
	bool after_cr = e->pasted_cr;
	e->pasted_cr = cp == '\r';
	if (cp == '\n' && after_cr)
		return 0; /* the LF of a CR LF */
	if (cp == '\r')
		cp = '\n';
	if ((cp == '\n' && !e->multiline) || cp == '\t')
		cp = ' ';
	return edit_insert(e, cp);
}

void edit_backspace(struct edit *e)
{
	e->selected = false;
	if (e->cursor > 0)
		cut(e, text_prev(e->buf, e->cursor), e->cursor);
}

void edit_delete(struct edit *e)
{
	e->selected = false;
	if (e->cursor < e->len)
		cut(e, e->cursor, text_next(e->buf, e->len, e->cursor));
}

void edit_left(struct edit *e)
{
	e->selected = false;
	e->cursor = text_prev(e->buf, e->cursor);
}

void edit_right(struct edit *e)
{
	e->selected = false;
	e->cursor = text_next(e->buf, e->len, e->cursor);
}

void edit_kill_start(struct edit *e)
{
	size_t from = e->cursor;
	e->selected = false;
	while (from > 0 && e->buf[from - 1] != '\n')
		from--;
	cut(e, from, e->cursor);
}

static bool space_at(const struct edit *e, size_t i)
{
	return e->buf[i] == ' ' || e->buf[i] == '\t' || e->buf[i] == '\n';
}

void edit_kill_word(struct edit *e)
{
	size_t from = e->cursor;
	e->selected = false;
	/* Spaces are one byte each and continuation bytes never look like
	 * one, so stepping back a byte at a time stays on boundaries. */
	while (from > 0 && space_at(e, from - 1))
		from--;
	while (from > 0 && !space_at(e, from - 1))
		from--;
	cut(e, from, e->cursor);
}

/* The wrapped line holding byte offset pos: the last line starting at or
 * before it. A cursor in the spaces a wrap swallowed sits at the end of
 * the line before them. */
static size_t line_of(const struct text_line *lines, size_t n, size_t pos)
{
	size_t l = 0;
	while (l + 1 < n && lines[l + 1].start <= pos)
		l++;
	return l;
}

size_t edit_layout(const struct edit *e, int cols, struct text_line **lines,
                   struct edit_pos *cursor)
{
	size_t n = text_wrap(e->buf, e->len, cols, lines);
	size_t l = line_of(*lines, n, e->cursor);
	const struct text_line *ln = &(*lines)[l];
	size_t upto = e->cursor - ln->start;
	if (upto > ln->len)
		upto = ln->len + (e->cursor - ln->start - ln->len);
	int col = text_width(e->buf + ln->start, upto);
	if (col > cols)
		col = cols;
	*cursor = (struct edit_pos){l, col};
	return n;
}

/* The byte offset in line l nearest to column col, or its end. */
static size_t offset_at(const struct edit *e, const struct text_line *ln, int col)
{
	return ln->start + text_fit(e->buf + ln->start, ln->len, col, NULL);
}

static void move_line(struct edit *e, int cols, int delta)
{
	struct text_line *lines;
	struct edit_pos p;
	e->selected = false;
	size_t n = edit_layout(e, cols, &lines, &p);
	if ((delta < 0 && p.line > 0) || (delta > 0 && p.line + 1 < n))
		e->cursor = offset_at(e, &lines[delta < 0 ? p.line - 1 : p.line + 1], p.col);
	free(lines);
}

void edit_up(struct edit *e, int cols)
{
	move_line(e, cols, -1);
}

void edit_down(struct edit *e, int cols)
{
	move_line(e, cols, 1);
}

void edit_home(struct edit *e, int cols)
{
	struct text_line *lines;
	struct edit_pos p;
	e->selected = false;
	edit_layout(e, cols, &lines, &p);
	e->cursor = lines[p.line].start;
	free(lines);
}

void edit_end(struct edit *e, int cols)
{
	struct text_line *lines;
	struct edit_pos p;
	e->selected = false;
	edit_layout(e, cols, &lines, &p);
	e->cursor = lines[p.line].start + lines[p.line].len;
	free(lines);
}
