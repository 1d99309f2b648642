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
/* The same in pieces, for a file read a chunk at a time: evemu_begin,
 * then evemu_more with the text in order, each piece ending where a line
 * does (the last may end without a newline), then evemu_end, which
 * returns what evemu_parse would have. After a bad line evemu_more
 * returns -EINVAL and reads no more. */
struct evemu_parser {
	const char *name;
	size_t line;
	char *error;
	struct evemu *out;
	size_t cap;
	uint64_t last;      /* absolute time of the last E: line */
	unsigned rel_lines; /* "B: 02" lines seen */
	/* The last time the fast path read, as written and its value: a
	 * frame's lines all have the same. */
	char time_text[19]; /* 12 digits, the point, 6 digits */
	size_t time_len;
	uint64_t time_value;
};

void evemu_begin(struct evemu_parser *p, const char *name, struct evemu *out);
int evemu_more(struct evemu_parser *p, const char *text, size_t len);
int evemu_end(struct evemu_parser *p, char **error);
/* Frees the events; *r is empty afterwards. */
void evemu_fini(struct evemu *r);

#endif
