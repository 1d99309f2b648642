/* A text field's contents and cursor: UTF-8 bytes edited one code point
 * at a time, single- or multi-line, with the cursor moving over the
 * wrapped layout the view draws, and the editing a shell line has: kill
 * to the start, kill the word before, a prefilled text that typing
 * replaces. No curses: the console feeds it keys and the views draw from
 * edit_layout(). */
#ifndef CAPCTL_EDIT_H
#define CAPCTL_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text/text.h"

struct edit {
	char *buf; /* NUL-terminated, always valid UTF-8 */
	size_t len, cap;
	size_t cursor; /* byte offset, on a code point boundary */
	size_t limit;  /* hard cap on bytes, far above what validation allows */
	bool multiline;
	bool selected;  /* the whole text is selected: what is typed replaces it */
	bool pasted_cr; /* the last character pasted was a CR */
};

void edit_init(struct edit *e, size_t limit, bool multiline);
void edit_fini(struct edit *e);
/* Replaces the text; the cursor goes to its end. */
void edit_set(struct edit *e, const char *s);
/* The same, selected: a suggestion that the first character typed (or
 * pasted) replaces, and that any other editing key keeps, unselected,
 * before doing what it does. */
void edit_prefill(struct edit *e, const char *s);

/* Inserts cp at the cursor (replacing a selected text). 0, -EINVAL for a
 * control character (newline is one in a single-line field), a bidi
 * control or an invalid code point, -ENOSPC past the limit. */
int edit_insert(struct edit *e, uint32_t cp);
/* Inserts a pasted character: CR, LF and CR LF are each one line break;
 * in a single-line field a line break or a tab becomes a space, so a
 * pasted line never ends the field. */
int edit_paste(struct edit *e, uint32_t cp);
/* Every editing key below unselects a selected text first. */
void edit_backspace(struct edit *e);
void edit_delete(struct edit *e);
void edit_left(struct edit *e);
void edit_right(struct edit *e);
/* Ctrl-U: removes what is before the cursor on its line (in a multi-line
 * text: back to the line break before it). */
void edit_kill_start(struct edit *e);
/* Ctrl-W: removes the word before the cursor and the spaces after it, as
 * a shell does (words are separated by spaces, tabs and line breaks). */
void edit_kill_word(struct edit *e);

/* Where the cursor is drawn when the text is wrapped to cols columns. */
struct edit_pos {
	size_t line; /* index into the wrapped lines */
	int col;     /* columns from the line's start */
};

/* The layout at cols columns: heap lines (free them) and the cursor. */
size_t edit_layout(const struct edit *e, int cols, struct text_line **lines,
                   struct edit_pos *cursor);
/* Moves the cursor to the start/end of its wrapped line, or one wrapped
 * line up/down keeping the column as near as the text allows. */
void edit_home(struct edit *e, int cols);
void edit_end(struct edit *e, int cols);
void edit_up(struct edit *e, int cols);
void edit_down(struct edit *e, int cols);

#endif
