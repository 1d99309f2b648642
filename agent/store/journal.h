/* The journal of a segment held in memory: what it gained, appended and
 * synced once a second, so that a crash loses at most that second.
 *
 * One file per segment, SPOOL/<id, 16 hex digits>.<stream id>.jnl; every
 * number little-endian:
 *
 *   offset size  header
 *        0    8  magic "CAPJNL\0\2" (format 2)
 *        8    8  the segment's id
 *       16    1  stream (0 pointer.motion … 4 window.focus)
 *       17    3  zero
 *       20    4  CRC-32C of bytes 0-19
 *
 * then records, one per checkpoint:
 *
 *        0    4  magic "JREC"
 *        4    4  length of the payload
 *        8    4  first: the index in the segment of the record's first event
 *       12    4  CRC-32C of bytes 0-11 and of the payload
 *       16    …  the payload: the record's events, uncompressed, laid out as
 *                segment.h describes
 *
 * A write that fails (a full disk, an I/O error, a short write) is taken
 * back before anything else is appended: the file is cut to its last whole
 * record. A reader keeps only records whose CRC holds and, past a damaged
 * stretch, looks for the next magic, so damage costs only the records it
 * touches. "first" lets a reader skip what it already has (a write reported
 * as failed that reached the disk all the same) and see what is missing. A
 * header that fails its check costs nothing: the file's name says the same.
 *
 * Format 1, left by older agents: SPOOL/<stream id>.jnl, the magic
 * "CAPJNL\0\1", the id (8), then records of a length (4), a CRC-32C of the
 * payload (4) and the payload; read up to its first bad record. */
#ifndef CAPTURED_JOURNAL_H
#define CAPTURED_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "store/segment.h"

#define JOURNAL_HEADER_SIZE 24
#define JOURNAL_RECORD_HEAD 16
#define JOURNAL_V1_HEADER_SIZE 16

/* An open journal. Embedded: journal_init, then journal_close. */
struct journal {
	int fd;          /* -1 until created */
	uint64_t good;   /* bytes of the header and of the whole records */
	uint32_t events; /* events in the records: the next record's first */
	bool torn;       /* a failed write could not be cut off: rewrite it whole */
};

void journal_init(struct journal *j);
void journal_close(struct journal *j);

/* Creates path (replacing a file there) holding only the header, synced
 * with its directory dir. 0 or -errno; on failure no file is left. */
int journal_create(struct journal *j, const char *dir, const char *path, uint64_t id,
                   enum stream st);
/* Appends one record of cols, whose events follow the j->events already
 * recorded, and syncs it. 0 or -errno; on failure the file is cut back to
 * what it was (or j->torn is set when even that failed). */
int journal_append(struct journal *j, const struct seg_cols *cols);
/* Replaces the journal at path with one holding the header and one record
 * of cols whole: a temporary file, synced, renamed. 0 or -errno; on failure
 * the old file and j are as they were. */
int journal_rewrite(struct journal *j, const char *dir, const char *path, uint64_t id,
                    enum stream st, const struct seg_cols *cols);

/* What a journal's bytes held. */
struct journal_scan {
	uint64_t id;        /* the header's; 0 when the header is damaged */
	int stream;         /* the header's; -1 when the header is damaged */
	uint32_t records;   /* records read */
	uint32_t events;    /* events kept */
	uint32_t damaged;   /* damaged stretches skipped */
	uint32_t missing;   /* events the records' numbering says were lost */
	uint32_t repeated;  /* events found twice, kept once */
	uint64_t bad_bytes; /* bytes not in a good record or the header */
};

/* Reads the bytes of a journal of format (1 or 2) for stream st: its good
 * records' events, in order, each once, into out, which it initialises (the
 * caller frees it with seg_cols_fini). Pure; never fails. */
void journal_scan(const uint8_t *data, size_t len, int format, enum stream st, struct seg_cols *out,
                  struct journal_scan *info);

#endif
