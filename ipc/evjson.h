/* One recorded event as a line of JSON Lines, the export format
 * (doc/formats.md, capctl(1) EXPORT FORMAT), and the one JSON string
 * escaper; and the same event as a record of CSV, the export's other
 * format, with the one CSV field encoder. capctl's export and captured
 * --decode both write their lines here, so the two agree byte for byte.
 * Pure: nothing but the FILE. */
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

/* CSV (RFC 4180): a header row, then one record an event, each ended by
 * CRLF, with the columns of EVJSON_CSV_HEADER: the fields of the JSON
 * line, a field the kind does not carry left empty. */
#define EVJSON_CSV_HEADER "time,us,stream,kind,x,y,code,text\r\n"

/* s as one text field of CSV on f. Each byte that does not start a valid
 * UTF-8 sequence becomes U+FFFD, as in evjson_string, so both formats
 * carry the same text; every other character is kept as it is, controls
 * too. A field that begins with = + - @ TAB CR or ' gets one ' in front,
 * so a spreadsheet takes it for text and never for a formula (and taking
 * one leading ' off such a field gives the text back). The field is
 * quoted when it holds a comma, a quote, CR or LF, its quotes doubled. */
void evjson_csv_text(FILE *f, const char *s);

/* The header row, EVJSON_CSV_HEADER. */
void evjson_csv_header(FILE *f);

/* One record, CRLF included: time (as in the JSON line), us, stream,
 * kind, then x, y, code and text, each empty when the kind does not carry
 * it (evjson_fields); numbers as plain decimals. */
void evjson_csv_line(FILE *f, const struct evjson_event *e);

#endif
