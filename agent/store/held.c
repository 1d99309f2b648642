/* The spool's segments in memory: each stream's open one and those sealed
 * while the disk could not take them, their journals, the write failures
 * in force and the reserve (the files themselves are spool.c's). */
#define _GNU_SOURCE
#include "control/policy.h"
#include "store/spool-impl.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* Bytes of events a checkpoint compresses at most (a few tens of ms). */
#define SEAL_SLICE (4u << 20)

/* ---- segments in memory ---- */

static uint64_t cols_bytes(const struct seg_cols *c)
{
	uint64_t n = 0;
	for (int i = 0; i < N_COLS; i++)
		n += c->col[i].len;
	return n;
}

static uint64_t mem_bytes(const struct mem_seg *m)
{
	return cols_bytes(&m->all) + cols_bytes(&m->fresh);
}

static struct mem_seg *mem_new(struct spool *s, enum stream st, uint64_t id, uint64_t base)
{
	struct mem_seg *m = xcalloc(1, sizeof *m);
	m->id = id;
	m->stream = st;
	m->path = xasprintf("%s/%016" PRIx64 ".%s.jnl", s->dir, id, stream_id(st));
	seg_cols_init(&m->all, base);
	seg_cols_init(&m->fresh, base);
	journal_init(&m->j);
	if (id >= s->next_id)
		s->next_id = id + 1;
	return m;
}

/* With remove, its journal goes too: the events are in a segment file,
 * or were deleted. */
static void mem_free(struct spool *s, struct mem_seg *m, bool remove)
{
	if (!m)
		return;
	uint64_t b = mem_bytes(m);
	s->mem = s->mem > b ? s->mem - b : 0;
	journal_close(&m->j);
	if (remove)
		unlink(m->path);
	seg_cols_fini(&m->all);
	seg_cols_fini(&m->fresh);
	free(m->path);
	free(m);
}

static void mem_recount(struct spool *s)
{
	s->mem = 0;
	for (int st = 0; st < N_STREAMS; st++)
		if (s->open[st])
			s->mem += mem_bytes(s->open[st]);
	for (size_t i = 0; i < s->n_sealed; i++)
		s->mem += mem_bytes(s->sealed[i]);
}

static void sealed_push(struct spool *s, struct mem_seg *m)
{
	if (s->n_sealed == s->cap_sealed) {
		s->cap_sealed = s->cap_sealed ? s->cap_sealed * 2 : 16;
		s->sealed = xrealloc(s->sealed, s->cap_sealed * sizeof *s->sealed);
	}
	s->sealed[s->n_sealed++] = m;
}

static void sealed_remove(struct spool *s, size_t i)
{
	memmove(&s->sealed[i], &s->sealed[i + 1], (s->n_sealed - i - 1) * sizeof *s->sealed);
	s->n_sealed--;
}

/* The segment in memory with this id: its slot (open[] or sealed[]). */
static struct mem_seg **find_held(struct spool *s, uint64_t id)
{
	for (int st = 0; st < N_STREAMS; st++)
		if (s->open[st] && s->open[st]->id == id)
			return &s->open[st];
	for (size_t i = 0; i < s->n_sealed; i++)
		if (s->sealed[i]->id == id)
			return &s->sealed[i];
	return NULL;
}

/* Takes a held segment out of the spool's lists (its slot from find_held). */
static struct mem_seg *unhold(struct spool *s, struct mem_seg **slot)
{
	struct mem_seg *m = *slot;
	for (int st = 0; st < N_STREAMS; st++)
		if (slot == &s->open[st]) {
			*slot = NULL;
			return m;
		}
	for (size_t i = 0; i < s->n_sealed; i++)
		if (slot == &s->sealed[i]) {
			sealed_remove(s, i);
			break;
		}
	return m;
}

static void held_info(const struct mem_seg *m, bool open, struct spool_seg *out)
{
	*out = (struct spool_seg){.id = m->id,
	                          .stream = m->stream,
	                          .start = m->all.first,
	                          .end = open ? 0 : m->all.last,
	                          .events = m->all.n,
	                          .bytes = m->j.good};
}

static void reset_fresh(struct mem_seg *m)
{
	seg_cols_fini(&m->fresh);
	seg_cols_init(&m->fresh, m->all.last);
}

/* ---- write failures ---- */

static bool no_room(int err)
{
	return err == -ENOSPC || err == -EDQUOT;
}

static uint64_t free_bytes(const struct spool *s)
{
	struct statvfs v;
	if (statvfs(s->dir, &v) < 0)
		return 0;
	return (uint64_t)v.f_bavail * v.f_frsize;
}

/* Sets the reserve aside again once the disk has room for it. */
void held_keep_reserve(struct spool *s)
{
	if (s->reserved)
		return;
	char *path = xasprintf("%s/reserve", s->dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0) {
		s->reserved = posix_fallocate(fd, 0, SPOOL_RESERVE) == 0;
		close(fd);
		if (!s->reserved)
			unlink(path);
	}
	free(path);
}

/* A write failed (err < 0): the failure in force until everything is
 * written. The first time the disk is found full, the reserve is freed for
 * History and the state; the spool itself waits for more than that. */
static void note_failure(struct spool *s, int err)
{
	if (no_room(err) && s->reserved) {
		char *path = xasprintf("%s/reserve", s->dir);
		unlink(path);
		free(path);
		s->reserved = false;
		spool_log_line(
		    s, "the disk is full: %u KiB set aside are freed for History and the state",
		    SPOOL_RESERVE >> 10);
	}
	s->fault = err;
	s->avail_at_fault = free_bytes(s);
}

int spool_fault(const struct spool *s)
{
	return s->fault;
}

bool spool_retry_now(const struct spool *s, bool due)
{
	if (s->fault != -ENOSPC)
		return due || !s->fault;
	/* The disk's free space says when a full one is worth a try, and the
	 * space of the reserve is not the spool's to take. */
	uint64_t avail = free_bytes(s);
	return avail >= 2 * (uint64_t)SPOOL_RESERVE && (due || avail > s->avail_at_fault);
}

uint64_t spool_dropped(const struct spool *s)
{
	return s->dropped;
}

uint64_t spool_waiting(const struct spool *s)
{
	uint64_t n = 0;
	for (int st = 0; st < N_STREAMS; st++)
		if (s->open[st])
			n += s->open[st]->rewrite ? s->open[st]->all.n : s->open[st]->fresh.n;
	for (size_t i = 0; i < s->n_sealed; i++)
		n += s->sealed[i]->rewrite ? s->sealed[i]->all.n : s->sealed[i]->fresh.n;
	return n;
}

/* ---- writing ---- */

/* Writes the sealed segments as segment files, oldest first, stopping at
 * the first that fails, or once budget bytes of events were compressed:
 * after a long failure, the loop gets its turns between slices. */
static int write_sealed(struct spool *s, uint64_t budget)
{
	for (uint64_t done = 0; s->n_sealed && done < budget;) {
		struct mem_seg *m = s->sealed[0];
		done += cols_bytes(&m->all);
		struct spool_seg seg;
		int r = spool_write_segment(s, &m->all, m->stream, m->id, false, &seg);
		if (r < 0) {
			spool_log_line(s, "cannot write a %s segment: %s; it waits in memory",
			               stream_id(m->stream), errno_text(-r));
			return r;
		}
		spool_index_insert(s, &seg);
		sealed_remove(s, 0);
		mem_free(s, m, true);
	}
	return 0;
}

/* What m gained since its last checkpoint, into its journal; *written
 * counts the events. */
static int save_journal(struct spool *s, struct mem_seg *m, int *written)
{
	int r;
	if (m->rewrite) {
		r = journal_rewrite(&m->j, s->dir, m->path, m->id, m->stream, &m->all);
		if (r == 0) {
			m->rewrite = false;
			*written += (int)m->fresh.n;
			reset_fresh(m);
		}
		return r;
	}
	if (m->fresh.n == 0)
		return 0;
	if (m->j.fd < 0 && (r = journal_create(&m->j, s->dir, m->path, m->id, m->stream)) < 0)
		return r;
	if ((r = journal_append(&m->j, &m->fresh)) < 0)
		return r;
	*written += (int)m->fresh.n;
	reset_fresh(m);
	return 0;
}

static int checkpoint(struct spool *s, uint64_t budget)
{
	int written = 0, err = write_sealed(s, budget);
	for (size_t i = 0; i < s->n_sealed; i++) {
		int r = save_journal(s, s->sealed[i], &written);
		err = err ? err : r;
	}
	for (int st = 0; st < N_STREAMS; st++) {
		int r = s->open[st] ? save_journal(s, s->open[st], &written) : 0;
		err = err ? err : r;
	}
	mem_recount(s);
	if (err < 0) {
		note_failure(s, err);
		return err;
	}
	s->fault = 0;
	held_keep_reserve(s);
	return written;
}

int spool_checkpoint(struct spool *s)
{
	return checkpoint(s, SEAL_SLICE);
}

bool spool_behind(const struct spool *s)
{
	return s->n_sealed > 0;
}

/* A journal whose segment cannot be written now: its events wait in
 * memory, sealed, and its file stays until they are written. */
void held_recovered(struct spool *s, uint64_t id, enum stream st, const char *path,
                    struct seg_cols *cols, uint64_t size, int err)
{
	struct mem_seg *m = mem_new(s, st, id, 0);
	seg_cols_fini(&m->all);
	m->all = *cols;
	free(m->path);
	m->path = xstrdup(path);
	m->j.good = size;
	sealed_push(s, m);
	mem_recount(s);
	note_failure(s, err);
	spool_log_line(
	    s, "cannot recover the %s journal now: %s; its %" PRIu32 " events wait in memory",
	    stream_id(st), errno_text(-err), cols->n);
}

/* ---- adding ---- */

static void seal(struct spool *s, enum stream st)
{
	sealed_push(s, s->open[st]);
	s->open[st] = NULL;
}

/* Seals the open segment of st and writes it, unless a failure is in force:
 * then it waits for the next checkpoint that the agent asks for. */
static void close_open(struct spool *s, enum stream st)
{
	seal(s, st);
	if (!s->fault) {
		int r = write_sealed(s, UINT64_MAX);
		if (r < 0)
			note_failure(s, r);
	}
}

void spool_add(struct spool *s, const struct event *e, uint32_t segment_seconds)
{
	struct mem_seg *o = s->open[e->stream];
	if (o && e->time >= o->all.first + (uint64_t)segment_seconds * USEC_PER_SEC) {
		close_open(s, e->stream);
		o = NULL;
	}
	if (s->mem >= SPOOL_MEMORY_MAX) {
		s->dropped++;
		return;
	}
	if (!o) {
		/* Ids come from the clock, so they are never reused, even after
		 * the spool was emptied: a server may ignore an id it has. */
		uint64_t now = now_usec();
		o = s->open[e->stream] =
		    mem_new(s, e->stream, now > s->next_id ? now : s->next_id, e->time);
	}
	uint64_t before = mem_bytes(o);
	seg_cols_add(&o->all, e);
	seg_cols_add(&o->fresh, e);
	s->mem += mem_bytes(o) - before;
	/* A segment stays small enough for one upload and any daily cap. */
	if (cols_bytes(&o->all) >= SEGMENT_RAW_LIMIT)
		close_open(s, e->stream);
}

uint32_t spool_unsaved(const struct spool *s)
{
	return (uint32_t)spool_waiting(s);
}

int spool_close_due(struct spool *s, uint64_t now, uint32_t segment_seconds)
{
	bool any = false;
	for (int st = 0; st < N_STREAMS; st++) {
		struct mem_seg *o = s->open[st];
		if (o && (!now || o->all.first + (uint64_t)segment_seconds * USEC_PER_SEC <= now)) {
			seal(s, (enum stream)st);
			any = true;
		}
	}
	if (!now) {
		/* Stopping: one more try at everything; what fails keeps its
		 * journal. */
		int r = checkpoint(s, UINT64_MAX);
		return r < 0 ? r : 0;
	}
	if (!any || s->fault)
		return s->fault;
	int r = write_sealed(s, UINT64_MAX);
	if (r < 0)
		note_failure(s, r);
	return r;
}

uint64_t spool_next_close(const struct spool *s, uint32_t segment_seconds)
{
	uint64_t t = 0;
	for (int st = 0; st < N_STREAMS; st++) {
		const struct mem_seg *o = s->open[st];
		if (!o)
			continue;
		uint64_t due = o->all.first + (uint64_t)segment_seconds * USEC_PER_SEC;
		if (!t || due < t)
			t = due;
	}
	return t;
}

/* ---- what is in memory, read and removed ---- */

size_t spool_held_count(const struct spool *s)
{
	size_t n = s->n_sealed;
	for (int st = 0; st < N_STREAMS; st++)
		n += s->open[st] != NULL;
	return n;
}

void spool_held(const struct spool *s, size_t i, struct spool_seg *out)
{
	for (int st = 0; st < N_STREAMS; st++)
		if (s->open[st] && i-- == 0) {
			held_info(s->open[st], true, out);
			return;
		}
	held_info(s->sealed[s->n_sealed - 1 - i], false, out);
}

int held_read(struct spool *s, uint64_t id, const struct seg_events **out)
{
	struct mem_seg **slot = find_held(s, id);
	if (!slot)
		return -ENOENT;
	const struct mem_seg *m = *slot;
	/* Open ones grow: the events read last time are valid while no more
	 * came. */
	if (!s->cached_valid || s->cached_id != id || s->cached_n != m->all.n) {
		struct buf payload = {0};
		spool_drop_cache(s);
		seg_cols_payload(&m->all, &payload);
		int r = payload_decode(payload.p, payload.len, &s->cached);
		buf_free(&payload);
		if (r < 0)
			return r;
		s->cached_id = id;
		s->cached_n = m->all.n;
		s->cached_valid = true;
	}
	*out = &s->cached;
	return 0;
}

int held_delete(struct spool *s, uint64_t id)
{
	struct mem_seg **slot = find_held(s, id);
	if (!slot)
		return -ENOENT;
	if (s->cached_valid && s->cached_id == id)
		spool_drop_cache(s);
	mem_free(s, unhold(s, slot), true);
	return 0;
}

/* Rebuilds cols keeping the events before cutoff; returns how many went. */
static uint64_t cut_cols(struct seg_cols *cols, enum stream st, uint64_t cutoff)
{
	struct buf payload = {0};
	struct seg_events ev;
	seg_cols_payload(cols, &payload);
	int r = payload_decode(payload.p, payload.len, &ev);
	buf_free(&payload);
	if (r < 0)
		return 0;
	uint64_t base = cols->base, removed = 0;
	seg_cols_fini(cols);
	seg_cols_init(cols, base);
	for (uint32_t i = 0; i < ev.n; i++) {
		struct event e;
		seg_events_get(&ev, i, st, &e);
		if (e.time >= cutoff)
			removed++;
		else
			seg_cols_add(cols, &e);
	}
	seg_events_fini(&ev);
	return removed;
}

/* Cuts one segment in memory; its journal gets what is left, in one
 * record, atomically (or at a later checkpoint if that fails). Frees it
 * with its journal when nothing is left. */
static int forget_one(struct spool *s, struct mem_seg **slot, uint64_t cutoff, uint64_t *removed)
{
	struct mem_seg *m = *slot;
	if (m->all.last < cutoff)
		return 0;
	*removed += cut_cols(&m->all, m->stream, cutoff);
	if (m->all.n == 0) {
		mem_free(s, unhold(s, slot), true);
		return 0;
	}
	int written = 0;
	m->rewrite = true;
	reset_fresh(m);
	return save_journal(s, m, &written);
}

uint64_t held_forget(struct spool *s, uint64_t cutoff, int *err)
{
	uint64_t removed = 0;
	for (int st = 0; st < N_STREAMS; st++) {
		int r = s->open[st] ? forget_one(s, &s->open[st], cutoff, &removed) : 0;
		*err = *err ? *err : r;
	}
	for (size_t i = s->n_sealed; i-- > 0;) {
		int r = forget_one(s, &s->sealed[i], cutoff, &removed);
		*err = *err ? *err : r;
	}
	mem_recount(s);
	if (*err < 0)
		note_failure(s, *err);
	return removed;
}

uint64_t held_bytes(const struct spool *s, enum stream st)
{
	uint64_t b = 0;
	for (int i = 0; i < N_STREAMS; i++)
		if (s->open[i] && (st == N_STREAMS || st == (enum stream)i))
			b += s->open[i]->j.good;
	for (size_t i = 0; i < s->n_sealed; i++)
		if (st == N_STREAMS || st == s->sealed[i]->stream)
			b += s->sealed[i]->j.good;
	return b;
}

uint64_t held_oldest(const struct spool *s)
{
	uint64_t t = 0;
	for (int i = 0; i < N_STREAMS; i++)
		if (s->open[i] && (!t || s->open[i]->all.first < t))
			t = s->open[i]->all.first;
	for (size_t i = 0; i < s->n_sealed; i++)
		if (!t || s->sealed[i]->all.first < t)
			t = s->sealed[i]->all.first;
	return t;
}

void held_free_all(struct spool *s)
{
	for (int i = 0; i < N_STREAMS; i++) {
		mem_free(s, s->open[i], false);
		s->open[i] = NULL;
	}
	for (size_t i = 0; i < s->n_sealed; i++)
		mem_free(s, s->sealed[i], false);
	free(s->sealed);
	s->sealed = NULL;
	s->n_sealed = s->cap_sealed = 0;
}
