/* The segment formats: how one stream's events are kept on disk. The agent
 * writes format 2 (below) and reads both.
 *
 * A closed segment of format 1 is one file: a 64-byte header, then a zstd
 * frame holding the payload.
 *
 *   offset size  header field (little-endian)
 *        0    8  magic "CAPSEG\0\1"
 *        8    8  id
 *       16    8  start: time of the earliest event, µs since the epoch (UTC)
 *       24    8  end: time of the latest event
 *       32    4  events
 *       36    4  raw_len: payload bytes before compression
 *       40    4  stored_len: compressed bytes after the header
 *       44    1  stream (0 pointer.motion … 4 window.focus)
 *       45    1  format version, 1
 *       46    2  zero
 *       48    4  CRC-32C of the header (with this field zero) and the
 *                compressed bytes
 *       52   12  zero
 *
 * The payload is columnar, every number an LEB128 varint:
 *
 *   n (events), base (a time, µs), then six column lengths in bytes,
 *   then the columns: time, kind, x, y, code, text.
 *
 * time, kind, x, y and code hold, per event, the zigzag-coded difference
 * from the previous event's value (the first event's from base for time,
 * from 0 for the others). text holds per event 0 for "the same text as the
 * previous event" (the first event's previous text is ""), else the length
 * plus one followed by the bytes. Kinds are numbered as enum event_kind.
 *
 * The same payload, uncompressed, is what an open segment's journal
 * records carry (see spool.c).
 *
 * Format 2, what the agent writes since 0.2 (segment2.c); format 1 files
 * are still read:
 *
 *   magic "CAPSEG\0\2" (8 bytes), CRC-32C of everything after it (4
 *   bytes, little-endian), then LEB128 varints: the number of bytes after
 *   this one (at most 4 bytes long, at most SEGMENT_MAX_RAW), so that
 *   segments one after another can be told apart; id, zigzag(start - id),
 *   end - start, events; a byte stream, a byte mask of the constant
 *   columns (1 kind, 2 x, 4 y, 8 code, 16 text; 32, not a column, says the
 *   models start from the priors); the first event's kind,
 *   zigzag x, y and code, its text's length and bytes; the period (0 for
 *   none, at most 2^24 µs); then, to the end of the file, the range-coded
 *   events (rangecoder.h).
 *
 * A constant column is not coded at all: its value is the header's. For
 * each event, in this order:
 *
 * - the time. Without a period: its difference from the previous one
 *   (from start for the first), in the context of the previous
 *   difference's bit length. With a period P (the agent
 *   finds one when most times lie on a steady clock's ticks, as a
 *   touchpad's frames do): the difference from a grid (start at first) as
 *   k periods, in the context of the previous k's bit length, and an
 *   offset j in [-P/2, P/2), in the context of k's bit length (at most 3)
 *   predicted at the bit length of the offsets' running mean magnitude
 *   (m += |j| - m/16, predicted from m/16); the time is grid + kP + j, and
 *   the grid moves by kP + j/32 (in 1/256 µs, floored), so that it follows
 *   the device's clock and the mean delay, except after a pause (k > 4)
 *   that leaves the time far off it (2|j| > m + 16): then the grid is the
 *   time, its fraction 0, as the device's clock may have started again;
 * - the kind down a 3-level tree in the context of the previous kind;
 * - x and y as differences from the previous event's, in the context of
 *   the sum of the two differences before (its value from -4 to 4, else
 *   its bit length and sign), of whether it is a motion and, for a
 *   motion's y, of whether its x difference was 0;
 * - the code as "the same as the previous of this kind" or its
 *   difference;
 * - the text as "the previous one", one of the 15 before it, or new:
 *   length, then bytes each in the context of the byte before.
 *
 * A number is its bit length (coded as a walk from the predicted one),
 * its sign, then the bits below the leading one: the first ones down an
 * adaptive tree of the length (12 levels for a time difference, 6 for x and
 * y, 4 for k, 2 for j, 8 for codes and text lengths), the rest each with a
 * model of its position, except j's: those are noise, coded with no model,
 * 8 at a time, each part of the range equal (rc_enc_direct).
 * Every model starts afresh in every segment: a segment is read on its own.
 * Without flag 32 (what the agent wrote before its priors; still read) every
 * model starts at even odds; with it, from the priors of the segment's
 * stream, one set for segments with a period and one for those without:
 * constants of the format (segment2-priors.h, made once by
 * tests/bench/seg-priors), each a model's probability of a 1 and the
 * decisions it counts as seen. An empty segment has no flag 32. */
#ifndef CAPTURED_SEGMENT_H
#define CAPTURED_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define SEGMENT_HEADER_SIZE 64
#define SEGMENT_MAX_EVENTS 10000000u
#define SEGMENT_MAX_RAW (256u << 20)
/* Room for zstd's worst case of SEGMENT_MAX_RAW (ZSTD_compressBound). */
#define SEGMENT_MAX_STORED (SEGMENT_MAX_RAW + (SEGMENT_MAX_RAW >> 8) + (1u << 20))
/* The spool closes a segment whose payload reaches this, whatever its age,
 * so one always fits an upload and the smallest daily cap. */
#define SEGMENT_RAW_LIMIT (512u << 10)

struct buf {
	uint8_t *p;
	size_t len, cap;
};

void buf_put(struct buf *b, const void *data, size_t n);
/* Appends the whole file at path to out: 0 or -errno. */
int buf_read_file(const char *path, struct buf *out);
void buf_free(struct buf *b);

enum seg_col { COL_TIME, COL_KIND, COL_X, COL_Y, COL_CODE, COL_TEXT, N_COLS };

/* An open segment: columns being built, already delta-coded. */
struct seg_cols {
	struct buf col[N_COLS];
	uint32_t n;
	uint64_t base;        /* the first time delta is from base */
	uint64_t first, last; /* earliest and latest event time */
	uint64_t prev_time;
	int32_t prev_kind, prev_x, prev_y, prev_code;
	char prev_text[EVENT_TEXT_MAX];
};

void seg_cols_init(struct seg_cols *c, uint64_t base);
void seg_cols_fini(struct seg_cols *c);
void seg_cols_add(struct seg_cols *c, const struct event *e);
/* Appends the payload (uncompressed) to out. */
void seg_cols_payload(const struct seg_cols *c, struct buf *out);

/* Decoded events: columns as arrays. */
struct seg_events {
	uint32_t n;
	uint64_t *time;
	uint8_t *kind;
	int32_t *x, *y, *code;
	uint32_t *text; /* offsets into pool, NUL-terminated strings */
	char *pool;
	size_t pool_len;
};

void seg_events_fini(struct seg_events *ev);
/* Event i as a struct event of stream s. */
void seg_events_get(const struct seg_events *ev, uint32_t i, enum stream s, struct event *out);

/* 0, or -EBADMSG if the payload is malformed in any way. */
int payload_decode(const void *data, size_t len, struct seg_events *out);

struct seg_header {
	uint64_t id, start, end;
	uint32_t events, raw_len, stored_len;
	enum stream stream;
};

/* A closed segment file (format 2) from columns: 0, or -EIO if the columns
 * do not decode (they always do: they were built by seg_cols_add). */
int segment_encode(const struct seg_cols *c, enum stream s, uint64_t id, struct buf *out);
/* Checks magic, sizes and checksum of a whole file and reads its header:
 * 0 or -EBADMSG. */
int segment_check(const void *data, size_t len, struct seg_header *h);
/* segment_check, then decodes (either format): 0 or -EBADMSG. */
int segment_decode(const void *data, size_t len, struct seg_header *h, struct seg_events *out);

/* Why a file is refused. The agent needs only -EBADMSG; captured --decode
 * tells people which. */
enum seg_fault {
	SEG_OK,
	SEG_SHORT,       /* shorter than the header */
	SEG_MAGIC,       /* not "CAPSEG\0" and a format byte */
	SEG_VERSION,     /* a format other than 1 and 2 */
	SEG_HEADER,      /* a stream, size, count or span no segment has */
	SEG_LENGTH,      /* stored_len is not what follows the header */
	SEG_CHECKSUM,    /* the CRC-32C does not match */
	SEG_COMPRESSION, /* zstd fails, or gives other than raw_len bytes */
	SEG_PAYLOAD,     /* the columns do not decode */
	SEG_SUMMARY,     /* the events' count or span is not the header's */
};
/* segment_check and segment_decode with the reason. */
enum seg_fault segment_check_fault(const void *data, size_t len, struct seg_header *h);
enum seg_fault segment_decode_fault(const void *data, size_t len, struct seg_header *h,
                                    struct seg_events *out);
/* From a header alone (the first len bytes of a file: 64 are always
 * enough, a format 2 header needs 16 at most), the size of the whole
 * segment in *size: so segments that follow one another (an upload body)
 * can be told apart before each is read whole. */
enum seg_fault segment_size(const void *head, size_t len, size_t *size);

uint32_t crc32c(uint32_t crc, const void *data, size_t len);

#endif
