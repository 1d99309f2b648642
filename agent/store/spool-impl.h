/* The spool's insides, shared by its two halves: spool.c (the files on
 * disk, the index of closed segments, recovery) and held.c (the segments in
 * memory, their journals, write failures). Nothing else includes this. */
#ifndef CAPTURED_SPOOL_IMPL_H
#define CAPTURED_SPOOL_IMPL_H

#include "store/journal.h"
#include "store/spool.h"

/* A segment in memory: open, or sealed and waiting for the disk. */
struct mem_seg {
	uint64_t id;
	enum stream stream;
	struct seg_cols all;   /* every event of the segment */
	struct seg_cols fresh; /* those not in its journal yet */
	struct journal j;
	char *path;   /* its journal's */
	bool rewrite; /* the journal holds events since forgotten: replace it */
};

struct spool {
	char *dir;
	spool_log_fn log;
	void *log_data;
	struct spool_seg *segs; /* sorted by (start, id) */
	size_t n, cap;
	uint64_t next_id;
	uint64_t bytes; /* of closed segments */
	uint64_t events;
	struct mem_seg *open[N_STREAMS];
	struct mem_seg **sealed; /* oldest first */
	size_t n_sealed, cap_sealed;
	uint64_t mem;            /* bytes of the columns held in memory */
	uint64_t dropped;        /* events refused: memory was full */
	int fault;               /* -errno of the failure in force, or 0 */
	uint64_t avail_at_fault; /* free bytes after the last failed write */
	bool reserved;           /* DIR/reserve is in place */
	uint64_t cached_id;
	uint32_t cached_n;
	bool cached_valid;
	struct seg_events cached;
};

/* spool.c */
void spool_log_line(struct spool *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void spool_drop_cache(struct spool *s);
void spool_index_insert(struct spool *s, const struct spool_seg *seg);
/* Encodes cols as segment id, writes it atomically and fills seg. */
int spool_write_segment(struct spool *s, const struct seg_cols *cols, enum stream st, uint64_t id,
                        bool uploaded, struct spool_seg *seg);

/* held.c */
/* A recovered journal whose segment could not be written (err): its
 * events (cols, taken over) wait in memory, its file (path, size bytes)
 * stays. */
void held_recovered(struct spool *s, uint64_t id, enum stream st, const char *path,
                    struct seg_cols *cols, uint64_t size, int err);
/* The reserve, set aside if it is not. */
void held_keep_reserve(struct spool *s);
/* Frees every segment in memory, keeping their journals. */
void held_free_all(struct spool *s);
/* spool_read, spool_delete and spool_forget for the segments in memory. */
int held_read(struct spool *s, uint64_t id, const struct seg_events **out);
int held_delete(struct spool *s, uint64_t id);
uint64_t held_forget(struct spool *s, uint64_t cutoff, int *err);
/* Journal bytes on disk of the segments in memory, of stream st or
 * (N_STREAMS) all; the earliest event they hold, or 0. */
uint64_t held_bytes(const struct spool *s, enum stream st);
uint64_t held_oldest(const struct spool *s);

#endif
