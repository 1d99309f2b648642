/* The spool: closed segments on disk with an in-memory index, one open
 * segment per stream kept in memory and checkpointed to a journal, so a
 * crash loses at most what came since the last checkpoint. When the disk
 * fails, what cannot be written waits in memory until a write succeeds. */
#ifndef CAPTURED_SPOOL_H
#define CAPTURED_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "store/segment.h"

struct spool_seg {
	uint64_t id;
	enum stream stream;
	uint64_t start, end; /* µs; end 0 while the segment is open */
	uint32_t events;
	uint64_t bytes; /* the file's size; for one in memory, its journal's */
	bool uploaded;
};

/* Events not yet on disk that memory holds at most, in bytes of their
 * columns (about 8 bytes an event): some hours of a busy pointer. Beyond
 * it new events are refused and counted (spool_dropped). */
#define SPOOL_MEMORY_MAX (64u << 20)
/* Kept allocated in SPOOL/reserve and freed when the disk fills, so that
 * History and the state can still be written. */
#define SPOOL_RESERVE (64u << 10)

struct spool;

/* Log lines for the person running the agent (quarantine, recovery). */
typedef void (*spool_log_fn)(const char *msg, void *data);

/* Opens dir (created 0700), checks every segment, moves corrupt ones to
 * dir/quarantine, turns journals left by a crash into segments (those
 * that cannot be written now wait in memory, and spool_fault says why),
 * sets the reserve aside. NULL with
 * *error set (heap) on failure. */
struct spool *spool_open(const char *dir, spool_log_fn log, void *log_data, char **error);
/* Closes every open segment first. */
void spool_free(struct spool *s);

/* Adds a kept event to its stream's open segment, closing that segment
 * first when e is segment_seconds or more past its start. A segment closed
 * while a write failure is in force waits in memory, unwritten. */
void spool_add(struct spool *s, const struct event *e, uint32_t segment_seconds);
/* Writes what waits: segments closed but not written yet (a slice of
 * them: spool_behind), then what came since the last checkpoint to the
 * journals, synced. Returns the number of events written to journals, or
 * -errno (kept as spool_fault). */
int spool_checkpoint(struct spool *s);
/* Whether segments closed but not written yet wait: a checkpoint writes
 * a few megabytes of them at a time, so after a long failure the caller
 * asks again at once, giving the loop its turns in between. */
bool spool_behind(const struct spool *s);
/* Events added since the last checkpoint. */
uint32_t spool_unsaved(const struct spool *s);
/* Closes open segments that started segment_seconds or more before now
 * (writing them unless a failure is in force); with now 0, all of them,
 * trying every write once more. 0 or -errno. */
int spool_close_due(struct spool *s, uint64_t now, uint32_t segment_seconds);
/* When the next open segment is due to close, or 0. */
uint64_t spool_next_close(const struct spool *s, uint32_t segment_seconds);

/* The write failure in force (-errno), or 0: set by a write that failed,
 * cleared by a spool_checkpoint that wrote everything. */
int spool_fault(const struct spool *s);
/* Whether to try writing again now that a failure is in force: when due
 * (the caller's backoff), or when the disk has more room than after the
 * last failure; a full disk only once it has room for the reserve twice
 * over, so that what was set aside stays for History and the state. */
bool spool_retry_now(const struct spool *s, bool due);
/* Events refused since the spool opened because memory held
 * SPOOL_MEMORY_MAX bytes of events the disk had not taken. */
uint64_t spool_dropped(const struct spool *s);
/* Events in memory that are on disk nowhere: neither in a segment file
 * nor in a journal. */
uint64_t spool_waiting(const struct spool *s);

/* The index of closed segments, newest first: i from 0 to
 * spool_count() - 1. */
size_t spool_count(const struct spool *s);
const struct spool_seg *spool_newest(const struct spool *s, size_t i);
const struct spool_seg *spool_find(const struct spool *s, uint64_t id);
/* The segments in memory: each stream's open one (end 0) in stream order,
 * then those closed but not written yet, newest first: i from 0 to
 * spool_held_count() - 1. */
size_t spool_held_count(const struct spool *s);
void spool_held(const struct spool *s, size_t i, struct spool_seg *out);
/* Segment id, in memory or closed: 0 or -ENOENT. */
int spool_lookup(const struct spool *s, uint64_t id, struct spool_seg *out);

/* The events of segment id, in memory or closed (cached: valid until the
 * next call that changes the spool). 0, -ENOENT, or -EBADMSG (it was
 * quarantined). */
int spool_read(struct spool *s, uint64_t id, const struct seg_events **out);

/* Deletes segment id: a closed one's file, or one in memory with its
 * journal (the stream's next event opens a new segment). 0 or -ENOENT. */
int spool_delete(struct spool *s, uint64_t id);
/* Marks closed segment id as accepted by the upload server (kept across
 * restarts). 0 or -errno. */
int spool_set_uploaded(struct spool *s, uint64_t id);
/* Removes every event at or after cutoff (µs) from the segments in memory
 * and the closed ones. Returns how many; 0 or -errno in *err; *uploaded tells whether
 * any of it had been uploaded. */
uint64_t spool_forget(struct spool *s, uint64_t cutoff, int *err, bool *uploaded);
/* Closed segments not uploaded yet, oldest first: i from 0. */
const struct spool_seg *spool_pending(const struct spool *s, size_t i);
uint64_t spool_pending_bytes(const struct spool *s);
/* Appends the whole file of closed segment id to out, for the uploader.
 * 0 or -errno. */
int spool_load_file(const struct spool *s, uint64_t id, struct buf *out);
/* Deletes segments whose newest event is before cutoff; returns how many. */
uint32_t spool_expire(struct spool *s, uint64_t cutoff);
/* Deletes quarantined files put aside before cutoff. */
void spool_expire_quarantine(struct spool *s, uint64_t cutoff);
/* Deletes the oldest segments, uploaded ones first, until the spool holds
 * at most max_bytes; returns how many. */
uint32_t spool_enforce_cap(struct spool *s, uint64_t max_bytes);

/* Bytes on disk: one stream's (segments and journals), and all (not the
 * reserve). */
uint64_t spool_stream_bytes(const struct spool *s, enum stream st);
uint64_t spool_bytes(const struct spool *s);
/* The earliest start of a segment, closed or in memory, or 0. */
uint64_t spool_oldest(const struct spool *s);
/* Raw size of the events stored, for the compression ratio: 24 bytes an
 * event, as evdev would deliver them. */
uint64_t spool_events(const struct spool *s);

#endif
