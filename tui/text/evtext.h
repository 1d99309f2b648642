/* Recorded events in words and in JSON: what the Live view, a segment's
 * events in the Data view, `capctl data show` and the exports print for
 * one event of the contract (dbus-api.md's kind table). Pure: the time
 * zone is the only outside input (TZ). */
#ifndef CAPCTL_EVTEXT_H
#define CAPCTL_EVTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One event as the agent sends it (ReadSegment, RecentEvents), as the
 * decoder (contract.h) read it. The strings are borrowed. */
struct evtext_event {
	uint64_t time; /* µs since the epoch, UTC */
	const char *stream;
	const char *kind;
	int32_t x, y, code;
	const char *text;
};

/* The stream a kind belongs to ("motion" -> "pointer.motion"), or "" for
 * a kind this version does not know. */
const char *evtext_stream_of_kind(const char *kind);

/* What happened, in words: "at 512, 384", "left button at 10, 20",
 * "key 30 (A)", "a letter key", "which key is not kept", "firefox". */
void evtext_detail(const struct evtext_event *e, char *buf, size_t size);

/* The name of a Linux key code ("A", "Left Shift", "F5"), or NULL. */
const char *evtext_key_name(int32_t code);

/* Local time to the millisecond: "07:03:24.123". */
void evtext_clock(uint64_t usec, char *buf, size_t size);
/* Local date and time to the second: "2026-11-29 07:03:24". */
void evtext_local(uint64_t usec, char *buf, size_t size);
/* ISO 8601 in UTC to the microsecond: "2026-11-29T07:03:24.123456Z". */
void evtext_iso(uint64_t usec, char *buf, size_t size);

/* Which of x and y, code and text a kind carries in the contract's kind
 * table (all of them for a kind this version does not know). */
void evtext_fields(const char *kind, bool *pos, bool *code, bool *text);

/* One line of the export format (capctl(1), EXPORT FORMAT), newline
 * included: time, us, stream, kind, then the fields the kind carries in
 * the contract (motion x y; buttons and scroll x y code; keys code text;
 * focus text; a kind this version does not know all four). */
void evtext_json_line(FILE *f, const struct evtext_event *e);

#endif
