/* The parser of evemu-record recordings (the evemu tools' text format):
 * the device description (N:, I:, P:, B:, A:, L:, S:) and comments are
 * checked and passed over, the E: lines become a compact array. Pure: the
 * caller reads the file; the whole text is checked before anything is
 * returned, so a bad line refuses the file before any event is used. */
#ifndef CAPTURED_EVEMU_H
#define CAPTURED_EVEMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One E: line. */
struct evemu_event {
	uint64_t t; /* microseconds since the recording's first event */
	int32_t value;
	uint16_t type, code;
};

struct evemu {
	struct evemu_event *ev; /* heap, n of them, in time order */
	size_t n;
	uint64_t first; /* the first event's recorded time, microseconds */
	/* The EV_REL codes 0..63 the device description declares (from its
	 * "B: 02" lines); rel_declared is false when it has none. */
	bool rel_declared;
	uint64_t rel_bits;
};

/* Parses len bytes of text (NUL bytes are refused, no terminator is
 * needed); name is the file's name for messages. 0, or -EINVAL with
 * *error (heap) "NAME:LINE: what is wrong" and *out empty. A text without
 * any E: line is refused too, with "NAME: no events (E: lines) to
 * replay". Times must not go back. */
int evemu_parse(const char *text, size_t len, const char *name, struct evemu *out, char **error);
/* Frees the events; *r is empty afterwards. */
void evemu_fini(struct evemu *r);

#endif
