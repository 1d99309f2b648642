/* UTF-8 by hand rather than mbrtowc(): the decoding must not depend on the
 * locale, only the widths do. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* wcwidth */
#endif
#include "text/text.h"
#include "util.h"

#include <wchar.h>

size_t text_decode(const char *str, size_t len, uint32_t *cp)
{
	int n = utf8_decode(str, len, cp);
	if (n > 0)
		return (size_t)n;
	*cp = 0xfffd;
	return 1;
}

size_t text_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	if (cp <= 0x10ffff) {
		o[0] = (unsigned char)(0xf0 | cp >> 18);
		o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		o[3] = (unsigned char)(0x80 | (cp & 0x3f));
		return 4;
	}
	return 0;
}

int text_cp_width(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return 1;
	int w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

int text_width(const char *s, size_t len)
{
	int w = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		i += text_decode(s + i, len - i, &cp);
		w += text_cp_width(cp);
	}
	return w;
}

size_t text_fit(const char *s, size_t len, int cols, int *used)
{
	size_t i = 0;
	int w = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = text_decode(s + i, len - i, &cp);
		int cw = text_cp_width(cp);
		if (w + cw > cols)
			break;
		w += cw;
		i += n;
	}
	/* Combining marks that follow belong to the last character shown. */
	while (i < len) {
		uint32_t cp;
		size_t n = text_decode(s + i, len - i, &cp);
		if (cp < 0x300 || text_cp_width(cp) != 0)
			break;
		i += n;
	}
	if (used)
		*used = w;
	return i;
}

size_t text_prev(const char *s, size_t pos)
{
	if (pos == 0)
		return 0;
	pos--;
	while (pos > 0 && ((unsigned char)s[pos] & 0xc0) == 0x80)
		pos--;
	return pos;
}

size_t text_next(const char *s, size_t len, size_t pos)
{
	uint32_t cp;
	if (pos >= len)
		return len;
	return pos + text_decode(s + pos, len - pos, &cp);
}

static void push(struct text_line **lines, size_t *n, size_t *cap, size_t start, size_t len)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		*lines = xrealloc(*lines, *cap * sizeof **lines);
	}
	(*lines)[(*n)++] = (struct text_line){start, len};
}

size_t text_wrap(const char *s, size_t len, int cols, struct text_line **out)
{
	struct text_line *lines = NULL;
	size_t n = 0, cap = 0, start = 0;

	if (cols < 1)
		cols = 1;
	for (;;) {
		size_t end = start; /* one source line: up to the next newline */
		while (end < len && s[end] != '\n')
			end++;
		size_t pos = start;
		for (;;) {
			int w = 0;
			size_t i = pos, brk = pos;
			while (i < end) {
				uint32_t cp;
				size_t k = text_decode(s + i, end - i, &cp);
				int cw = text_cp_width(cp);
				if (w + cw > cols)
					break;
				if (cp == ' ')
					brk = i; /* the line may end before this space */
				w += cw;
				i += k;
			}
			if (i >= end) {
				push(&lines, &n, &cap, pos, end - pos);
				break;
			}
			size_t cut, next;
			if (s[i] == ' ') {
				cut = i;
			} else if (brk > pos) {
				cut = brk;
			} else {
				/* A word longer than the line is cut inside; a
				 * character wider than the line still goes alone. */
				cut = i > pos ? i : text_next(s, end, pos);
			}
			next = cut;
			while (cut > pos && s[cut - 1] == ' ')
				cut--;
			while (next < end && s[next] == ' ')
				next++;
			push(&lines, &n, &cap, pos, cut - pos);
			if (next >= end)
				break;
			pos = next;
		}
		if (end >= len)
			break;
		start = end + 1;
	}
	*out = lines;
	return n;
}
