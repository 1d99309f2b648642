/* The sanitizer. It shows rather than drops what it replaces, so a person
 * sees that a string held something odd instead of being shown a cleaner
 * text than the one that was sent. */
#include "text/safe.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct out {
	char *p;
	size_t len, cap;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		o->cap = (o->len + n + 1) * 2;
		o->p = xrealloc(o->p, o->cap);
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static bool kept(uint32_t cp, unsigned allow)
{
	if (cp == '\n')
		return allow & SAFE_NEWLINE;
	if (cp == '\t')
		return allow & SAFE_TAB;
	return !utf8_cp_unsafe(cp);
}

char *safe_text(const char *s, size_t len, unsigned allow)
{
	struct out o = {NULL, 0, 0};
	char esc[16];
	put(&o, "", 0);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = utf8_decode(s + i, len - i, &cp);
		if (n < 0) {
			put(&o, "\xef\xbf\xbd", 3); /* U+FFFD */
			i++;
			continue;
		}
		if (kept(cp, allow)) {
			put(&o, s + i, (size_t)n);
		} else {
			int w = cp < 0x80 ? snprintf(esc, sizeof esc, "\\x%02x", (unsigned)cp)
			                  : snprintf(esc, sizeof esc, "<U+%04X>", (unsigned)cp);
			put(&o, esc, (size_t)w);
		}
		i += (size_t)n;
	}
	return o.p;
}

char *safe_str(const char *s, unsigned allow)
{
	return s ? safe_text(s, strlen(s), allow) : xstrdup("");
}

void safe_fputs(const char *s, unsigned allow, FILE *f)
{
	char *t = safe_str(s, allow);
	fputs(t, f);
	free(t);
}
