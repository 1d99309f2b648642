/* Segment format 2 inside the segment codec: segment.c checks the magic and
 * dispatches here; nothing else calls these. The format is described in
 * segment.h. */
#ifndef CAPTURED_SEGMENT2_H
#define CAPTURED_SEGMENT2_H

#include "store/segment.h"

/* The most events a format 2 segment may say it holds: more than the spool
 * ever puts in one (it closes a segment at SEGMENT_RAW_LIMIT bytes of
 * payload, at least six a event), so a hostile header cannot make the
 * decoder allocate much. */
#define SEG2_MAX_EVENTS SEGMENT_RAW_LIMIT

/* The file of ev, events of stream s, into out (replacing what it held). */
void seg2_encode(const struct seg_events *ev, enum stream s, uint64_t id, struct buf *out);
/* From the first len bytes of a segment whose magic says format 2, its
 * whole size. */
enum seg_fault seg2_size(const uint8_t *head, size_t len, size_t *size);
/* Checks the size, the header and the checksum of a segment whose magic
 * says format 2. */
enum seg_fault seg2_check(const uint8_t *p, size_t len, struct seg_header *h);
/* seg2_check, then decodes every event (out empty on a fault). */
enum seg_fault seg2_decode(const uint8_t *p, size_t len, struct seg_header *h,
                           struct seg_events *out);

#endif
