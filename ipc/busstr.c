/* Making outside strings safe for libdbus: invalid UTF-8 becomes U+FFFD
 * (so what was there still shows), and any cut falls between characters. */
#include "busstr.h"
#include "util.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */
static const char ellipsis[] = "\xe2\x80\xa6";    /* U+2026 */

/* s with every invalid byte replaced, on the heap; *out_len its length. */
static char *repair(const char *s, size_t len, size_t *out_len)
{
	/* A replaced byte grows to three: the bound is exact, never short. */
	char *out = xmalloc(len * 3 + 1);
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = utf8_decode(s + i, len - i, &cp);
		if (n > 0) {
			memcpy(out + o, s + i, (size_t)n);
			o += (size_t)n;
			i += (size_t)n;
		} else {
			memcpy(out + o, replacement, 3);
			o += 3;
			i++;
		}
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

char *busstr_fit(const char *s, size_t max)
{
	size_t len = strlen(s), n;
	char *out;
	if (len <= max && utf8_valid(s, len))
		return xstrdup(s);
	out = repair(s, len, &n);
	if (n > max) {
		/* Room for the ellipsis, unless max is too small to hold one. */
		bool mark = max >= sizeof ellipsis - 1;
		size_t keep = utf8_cut(out, n, mark ? max - (sizeof ellipsis - 1) : max);
		if (mark)
			memcpy(out + keep, ellipsis, sizeof ellipsis);
		else
			out[keep] = '\0';
	}
	return out;
}

struct busstr_quote busstr_quote(const char *s)
{
	struct busstr_quote q;
	char *fit = busstr_fit(s, BUSSTR_QUOTE_MAX + sizeof ellipsis - 1);
	/* fit is at most sizeof q.s - 1 bytes long. */
	memcpy(q.s, fit, strlen(fit) + 1);
	free(fit);
	return q;
}

void busstr_append(DBusMessageIter *it, const char *s)
{
	if (utf8_valid(s, strlen(s))) {
		dbus_message_iter_append_basic(it, DBUS_TYPE_STRING, &s);
		return;
	}
	char *fit = busstr_fit(s, SIZE_MAX);
	const char *f = fit;
	dbus_message_iter_append_basic(it, DBUS_TYPE_STRING, &f);
	free(fit);
}
