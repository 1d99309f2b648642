/* UTF-8 text measured in terminal columns: decoding, display width, cutting
 * to a width and word wrapping. Pure functions, so the views' layout and
 * the editor's cursor arithmetic can be tested without a terminal. Widths
 * come from wcwidth(), so LC_CTYPE must be a UTF-8 locale for anything
 * beyond ASCII (the console checks; tests set C.UTF-8). */
#ifndef CAPCTL_TEXT_H
#define CAPCTL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at s (len > 0 bytes available). Returns the bytes
 * used (1..4); an invalid sequence decodes as U+FFFD using one byte. */
size_t text_decode(const char *s, size_t len, uint32_t *cp);
/* Encodes cp as UTF-8 into out (4 bytes); returns the bytes written, 0 for
 * an invalid code point. */
size_t text_encode(uint32_t cp, char *out);
/* Columns one code point takes: 0 for combining marks, 2 for wide
 * characters, 1 for everything else that is shown (control characters
 * and unprintable ones are drawn as one replacement column). */
int text_cp_width(uint32_t cp);
/* Display columns of len bytes of s. */
int text_width(const char *s, size_t len);
/* How many bytes of s (len bytes) fit in cols columns without splitting a
 * character; *used gets the columns they take (may be NULL). */
size_t text_fit(const char *s, size_t len, int cols, int *used);
/* The byte offset of the code point before/after pos. */
size_t text_prev(const char *s, size_t pos);
size_t text_next(const char *s, size_t len, size_t pos);

/* One line of wrapped text: a byte range of the source, without the
 * newline or the spaces the wrap broke at. */
struct text_line {
	size_t start, len;
};

/* Wraps s to cols columns (cols >= 1): hard newlines end a line, lines
 * break after spaces where possible and inside a word only when it is
 * longer than a line. Returns the number of lines (at least one, even for
 * ""), *lines is heap, the caller frees it. */
size_t text_wrap(const char *s, size_t len, int cols, struct text_line **lines);

#endif
