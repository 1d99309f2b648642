/* Recorded events in words: what the Live view, a segment's events in the
 * Data view and `capctl data show` print for one event of the contract
 * (dbus-api.md's kind table); the exports' JSON is evjson.h's. Pure: the
 * time zone is the only outside input (TZ). */
#ifndef CAPCTL_EVTEXT_H
#define CAPCTL_EVTEXT_H

#include <stddef.h>
#include <stdint.h>

/* An event is one as the agent sends it (ReadSegment, RecentEvents), as
 * the decoder (contract.h) read it, in a struct evjson_event. */
#include "evjson.h"

/* The stream a kind belongs to ("motion" -> "pointer.motion"), or "" for
 * a kind this version does not know. */
const char *evtext_stream_of_kind(const char *kind);

/* What happened, in words: "at 512, 384", "left button at 10, 20",
 * "key 30 (A)", "a letter key", "which key is not kept", "firefox". */
void evtext_detail(const struct evjson_event *e, char *buf, size_t size);

/* The name of a Linux key code ("A", "Left Shift", "F5"), or NULL. */
const char *evtext_key_name(int32_t code);

/* Local time to the millisecond: "07:03:24.123". */
void evtext_clock(uint64_t usec, char *buf, size_t size);
/* Local date and time to the second: "2026-11-29 07:03:24". */
void evtext_local(uint64_t usec, char *buf, size_t size);

#endif
