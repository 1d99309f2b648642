/* One recorded event as a line of JSON Lines, the export format
 * (doc/formats.md, capctl(1) EXPORT FORMAT), and the one JSON string
 * escaper. capctl's export and captured --decode both write their lines
 * here, so the two agree byte for byte. Pure: nothing but the FILE. */
#ifndef CAPCTL_EVJSON_H
#define CAPCTL_EVJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One event in the contract's words (dbus-api.md's kind table). The
 * strings are borrowed. */
struct evjson_event {
	uint64_t time; /* µs since the epoch, UTC */
	const char *stream;
	const char *kind;
	int32_t x, y, code;
	const char *text;
};

/* s as one JSON string, quotes included, on f: " and \ escaped, newline,
 * carriage return and tab as \n \r \t, other control characters (C0, DEL,
 * C1), U+2028, U+2029 and the bidi controls U+202A-U+202E, U+2066-U+2069
 * as \uXXXX; each byte that does not start a valid
 * UTF-8 sequence becomes U+FFFD; every other character as it is. */
void evjson_string(FILE *f, const char *s);

/* ISO 8601 in UTC to the microsecond: "2026-11-29T07:03:24.123456Z". */
void evjson_iso(uint64_t usec, char *buf, size_t size);

/* Which of x and y, code and text a kind carries in the contract's kind
 * table (all of them for a kind this version does not know). */
void evjson_fields(const char *kind, bool *pos, bool *code, bool *text);

/* One line, newline included: time, us, stream, then "segment" when
 * segment is not NULL (captured --decode's lines; the export has none),
 * kind, then the fields the kind carries (motion x y; buttons and scroll
 * x y code; keys code text; focus text; a kind this version does not
 * know all four). */
void evjson_line(FILE *f, const struct evjson_event *e, const uint64_t *segment);

#endif
