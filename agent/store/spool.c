/* The spool on disk:
 *
 *   DIR/<id, 16 hex digits>.seg   closed segments (segment.h)
 *   DIR/<id, 16 hex digits>.sent  the same, once the upload server has it
 *   DIR/<stream id>.jnl           the open segment's journal: the magic
 *                                 "CAPJNL\0\1", the segment id (8 bytes,
 *                                 little-endian), then records, each a
 *                                 length (4), a CRC-32C of the payload (4)
 *                                 and an uncompressed segment payload
 *   DIR/quarantine/               segments that failed their check
 *
 * A closed segment is written to a temporary file, synced and renamed, and
 * only then is its journal removed; recovery ignores a journal whose
 * segment already exists. */
#define _GNU_SOURCE
#include "store/spool.h"
#include "control/policy.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const uint8_t jnl_magic[8] = {'C', 'A', 'P', 'J', 'N', 'L', 0, 1};

struct open_seg {
	bool active;
	uint64_t id;
	struct seg_cols all;   /* every event of the segment */
	struct seg_cols fresh; /* those since the last checkpoint */
	int jfd;
	uint64_t journal_bytes;
};

struct spool {
	char *dir;
	int level;
	spool_log_fn log;
	void *log_data;
	struct spool_seg *segs; /* sorted by (start, id) */
	size_t n, cap;
	uint64_t next_id;
	uint64_t bytes; /* of closed segments */
	uint64_t events;
	struct open_seg open[N_STREAMS];
	uint64_t cached_id;
	bool cached_valid;
	struct seg_events cached;
};

static void slog(struct spool *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void slog(struct spool *s, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (s->log)
		s->log(msg, s->log_data);
}

static char *id_path(const struct spool *s, uint64_t id, bool uploaded)
{
	return xasprintf("%s/%016" PRIx64 ".%s", s->dir, id, uploaded ? "sent" : "seg");
}

static char *seg_path(const struct spool *s, uint64_t id)
{
	const struct spool_seg *seg = spool_find(s, id);
	return id_path(s, id, seg && seg->uploaded);
}

static char *jnl_path(const struct spool *s, enum stream st)
{
	return xasprintf("%s/%s.jnl", s->dir, stream_id(st));
}

static void drop_cache(struct spool *s)
{
	if (s->cached_valid)
		seg_events_fini(&s->cached);
	s->cached_valid = false;
}

/* ---- the index ---- */

static bool before(const struct spool_seg *a, const struct spool_seg *b)
{
	return a->start < b->start || (a->start == b->start && a->id < b->id);
}

static void index_insert(struct spool *s, const struct spool_seg *seg)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->segs = xrealloc(s->segs, s->cap * sizeof *s->segs);
	}
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (before(&s->segs[mid], seg))
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(&s->segs[lo + 1], &s->segs[lo], (s->n - lo) * sizeof *s->segs);
	s->segs[lo] = *seg;
	s->n++;
	s->bytes += seg->bytes;
	s->events += seg->events;
	if (seg->id >= s->next_id)
		s->next_id = seg->id + 1;
}

static size_t index_of(const struct spool *s, uint64_t id)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->segs[i].id == id)
			return i;
	return SIZE_MAX;
}

static void index_remove(struct spool *s, size_t i)
{
	s->bytes -= s->segs[i].bytes;
	s->events -= s->segs[i].events;
	memmove(&s->segs[i], &s->segs[i + 1], (s->n - i - 1) * sizeof *s->segs);
	s->n--;
}

size_t spool_count(const struct spool *s)
{
	return s->n;
}

const struct spool_seg *spool_newest(const struct spool *s, size_t i)
{
	return i < s->n ? &s->segs[s->n - 1 - i] : NULL;
}

const struct spool_seg *spool_find(const struct spool *s, uint64_t id)
{
	size_t i = index_of(s, id);
	return i == SIZE_MAX ? NULL : &s->segs[i];
}

/* ---- files ---- */

/* Appends the whole file at path to out. */
static int read_all(const char *path, struct buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	uint8_t chunk[65536];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		buf_put(out, chunk, (size_t)n);
	int r = n < 0 ? -errno : 0;
	close(fd);
	return r;
}

static void sync_dir(const struct spool *s)
{
	int fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Encodes cols as segment id and writes it; fills seg. */
static int write_segment(struct spool *s, const struct seg_cols *cols, enum stream st, uint64_t id,
                         bool uploaded, struct spool_seg *seg)
{
	struct buf file = {0};
	int r = segment_encode(cols, st, id, s->level, &file);
	if (r == 0) {
		char *path = id_path(s, id, uploaded);
		r = write_file_atomic(path, file.p, file.len);
		free(path);
	}
	if (r == 0) {
		sync_dir(s);
		*seg = (struct spool_seg){.id = id,
		                          .stream = st,
		                          .start = cols->first,
		                          .end = cols->last,
		                          .events = cols->n,
		                          .bytes = file.len,
		                          .uploaded = uploaded};
	}
	buf_free(&file);
	return r;
}

static void quarantine(struct spool *s, const char *name, const char *why)
{
	char *qdir = xasprintf("%s/quarantine", s->dir);
	char *from = xasprintf("%s/%s", s->dir, name), *to = xasprintf("%s/%s", qdir, name);
	mkdir_p(qdir);
	if (rename(from, to) == 0)
		slog(s, "segment %s is damaged (%s); moved to %s", name, why, qdir);
	else
		slog(s, "segment %s is damaged (%s) and cannot be moved aside: %s", name, why,
		     strerror(errno));
	free(qdir);
	free(from);
	free(to);
}

static void load_segment(struct spool *s, const char *name)
{
	char *path = xasprintf("%s/%s", s->dir, name);
	struct buf data = {0};
	struct seg_header h;
	char *end;
	uint64_t id = strtoull(name, &end, 16);
	int r = read_all(path, &data);
	free(path);
	if (r < 0) {
		slog(s, "cannot read segment %s: %s", name, strerror(-r));
	} else if (segment_check(data.p, data.len, &h) < 0) {
		quarantine(s, name, "bad header or checksum");
	} else if (h.id != id || (strcmp(end, ".seg") != 0 && strcmp(end, ".sent") != 0)) {
		quarantine(s, name, "its id does not match its name");
	} else {
		struct spool_seg seg = {.id = h.id,
		                        .stream = h.stream,
		                        .start = h.start,
		                        .end = h.end,
		                        .events = h.events,
		                        .bytes = data.len,
		                        .uploaded = strcmp(end, ".sent") == 0};
		index_insert(s, &seg);
	}
	buf_free(&data);
}

/* Turns a journal left by a crash into a closed segment. */
static void recover_journal(struct spool *s, enum stream st)
{
	char *path = jnl_path(s, st);
	struct buf data = {0};
	if (read_all(path, &data) < 0) {
		free(path);
		return;
	}
	uint64_t id = 0;
	size_t off = 16;
	struct seg_cols cols;
	bool started = false;
	if (data.len >= 16 && memcmp(data.p, jnl_magic, 8) == 0) {
		for (int i = 0; i < 8; i++)
			id |= (uint64_t)data.p[8 + i] << (8 * i);
	} else {
		off = data.len; /* nothing usable */
		if (data.len)
			slog(s, "the %s journal is not one (%zu bytes); removed", stream_id(st),
			     data.len);
	}
	if (id && spool_find(s, id))
		off = data.len; /* closed before the crash: nothing to add */
	while (off + 8 <= data.len) {
		uint32_t len = 0, crc = 0;
		for (int i = 0; i < 4; i++) {
			len |= (uint32_t)data.p[off + i] << (8 * i);
			crc |= (uint32_t)data.p[off + 4 + i] << (8 * i);
		}
		if (len > data.len - off - 8 || crc32c(0, data.p + off + 8, len) != crc)
			break; /* a torn last record */
		struct seg_events ev;
		if (payload_decode(data.p + off + 8, len, &ev) < 0)
			break;
		for (uint32_t i = 0; i < ev.n; i++) {
			struct event e;
			seg_events_get(&ev, i, st, &e);
			if (!started) {
				seg_cols_init(&cols, e.time);
				started = true;
			}
			seg_cols_add(&cols, &e);
		}
		seg_events_fini(&ev);
		off += 8 + len;
	}
	if (started && cols.n) {
		struct spool_seg seg;
		int r = write_segment(s, &cols, st, id ? id : s->next_id, false, &seg);
		if (r == 0) {
			index_insert(s, &seg);
			slog(s, "recovered %" PRIu32 " %s events from the journal", cols.n,
			     stream_id(st));
		} else {
			slog(s, "cannot recover the %s journal: %s", stream_id(st), strerror(-r));
		}
	}
	if (started)
		seg_cols_fini(&cols);
	unlink(path);
	free(path);
	buf_free(&data);
}

struct spool *spool_open(const char *dir, int level, spool_log_fn log, void *log_data, char **error)
{
	struct spool *s = xcalloc(1, sizeof *s);
	*s = (struct spool){
	    .dir = xstrdup(dir), .level = level, .log = log, .log_data = log_data, .next_id = 1};
	for (int i = 0; i < N_STREAMS; i++)
		s->open[i].jfd = -1;
	int r = mkdir_p(dir);
	DIR *d = r < 0 ? NULL : opendir(dir);
	if (!d) {
		*error =
		    xasprintf("cannot open the spool %s: %s", dir, strerror(r < 0 ? -r : errno));
		spool_free(s);
		return NULL;
	}
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if ((len == 20 && strcmp(e->d_name + 16, ".seg") == 0) ||
		    (len == 21 && strcmp(e->d_name + 16, ".sent") == 0))
			load_segment(s, e->d_name);
		else if (strstr(e->d_name, ".seg.") || strstr(e->d_name, ".sent.") ||
		         strstr(e->d_name, ".jnl."))
			unlinkat(dirfd(d), e->d_name, 0); /* a write cut short */
	}
	closedir(d);
	for (int st = 0; st < N_STREAMS; st++)
		recover_journal(s, (enum stream)st);
	return s;
}

void spool_free(struct spool *s)
{
	if (!s)
		return;
	spool_close_due(s, 0, 0);
	for (int i = 0; i < N_STREAMS; i++) {
		if (s->open[i].active) {
			seg_cols_fini(&s->open[i].all);
			seg_cols_fini(&s->open[i].fresh);
		}
		if (s->open[i].jfd >= 0)
			close(s->open[i].jfd);
	}
	drop_cache(s);
	free(s->segs);
	free(s->dir);
	free(s);
}

/* ---- open segments ---- */

static void open_reset(struct open_seg *o)
{
	if (o->active) {
		seg_cols_fini(&o->all);
		seg_cols_fini(&o->fresh);
	}
	if (o->jfd >= 0)
		close(o->jfd);
	*o = (struct open_seg){.jfd = -1};
}

static int close_open(struct spool *s, enum stream st)
{
	struct open_seg *o = &s->open[st];
	struct spool_seg seg;
	if (!o->active)
		return 0;
	int r = write_segment(s, &o->all, st, o->id, false, &seg);
	if (r < 0) {
		slog(s, "cannot write a %s segment: %s; its journal keeps the events",
		     stream_id(st), strerror(-r));
		return r;
	}
	index_insert(s, &seg);
	if (o->jfd >= 0) {
		char *path = jnl_path(s, st);
		unlink(path);
		free(path);
	}
	open_reset(o);
	return 0;
}

void spool_add(struct spool *s, const struct event *e, uint32_t segment_seconds)
{
	struct open_seg *o = &s->open[e->stream];
	if (o->active && e->time >= o->all.first + (uint64_t)segment_seconds * USEC_PER_SEC)
		close_open(s, e->stream);
	if (!o->active) {
		/* Ids come from the clock, so they are never reused, even after
		 * the spool was emptied: a server may ignore an id it has. */
		uint64_t now = now_usec();
		o->active = true;
		o->id = now > s->next_id ? now : s->next_id;
		s->next_id = o->id + 1;
		seg_cols_init(&o->all, e->time);
		seg_cols_init(&o->fresh, e->time);
	}
	seg_cols_add(&o->all, e);
	seg_cols_add(&o->fresh, e);
	/* A segment stays small enough for one upload and any daily cap. */
	size_t raw = 0;
	for (int i = 0; i < N_COLS; i++)
		raw += o->all.col[i].len;
	if (raw >= SEGMENT_RAW_LIMIT)
		close_open(s, e->stream);
}

uint32_t spool_unsaved(const struct spool *s)
{
	uint32_t n = 0;
	for (int i = 0; i < N_STREAMS; i++)
		if (s->open[i].active)
			n += s->open[i].fresh.n;
	return n;
}

static int write_full(int fd, const void *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p = (const uint8_t *)p + w;
		n -= (size_t)w;
	}
	return 0;
}

/* One journal record of cols, appended to fd. */
static int put_record(int fd, const struct seg_cols *cols, uint64_t *written)
{
	struct buf rec = {0};
	uint8_t head[8];
	seg_cols_payload(cols, &rec);
	uint32_t len = (uint32_t)rec.len, crc = crc32c(0, rec.p, rec.len);
	for (int i = 0; i < 4; i++) {
		head[i] = (uint8_t)(len >> (8 * i));
		head[4 + i] = (uint8_t)(crc >> (8 * i));
	}
	int r = write_full(fd, head, 8);
	if (r == 0)
		r = write_full(fd, rec.p, rec.len);
	*written += 8 + rec.len;
	buf_free(&rec);
	return r;
}

static int journal_create(struct spool *s, enum stream st, const char *path, uint64_t id)
{
	uint8_t head[16];
	memcpy(head, jnl_magic, 8);
	for (int i = 0; i < 8; i++)
		head[8 + i] = (uint8_t)(id >> (8 * i));
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	int r = write_full(fd, head, sizeof head);
	if (r < 0) {
		close(fd);
		return r;
	}
	s->open[st].journal_bytes = sizeof head;
	return fd;
}

int spool_checkpoint(struct spool *s)
{
	int total = 0;
	for (int st = 0; st < N_STREAMS; st++) {
		struct open_seg *o = &s->open[st];
		if (!o->active || o->fresh.n == 0)
			continue;
		if (o->jfd < 0) {
			char *path = jnl_path(s, (enum stream)st);
			int fd = journal_create(s, (enum stream)st, path, o->id);
			free(path);
			if (fd < 0)
				return fd;
			o->jfd = fd;
		}
		int r = put_record(o->jfd, &o->fresh, &o->journal_bytes);
		if (r == 0 && fdatasync(o->jfd) < 0)
			r = -errno;
		if (r < 0)
			return r;
		total += (int)o->fresh.n;
		uint64_t last = o->fresh.last;
		seg_cols_fini(&o->fresh);
		seg_cols_init(&o->fresh, last);
	}
	return total;
}

int spool_close_due(struct spool *s, uint64_t now, uint32_t segment_seconds)
{
	int r = 0;
	for (int st = 0; st < N_STREAMS; st++) {
		struct open_seg *o = &s->open[st];
		if (o->active &&
		    (!now || o->all.first + (uint64_t)segment_seconds * USEC_PER_SEC <= now)) {
			int e = close_open(s, (enum stream)st);
			r = r ? r : e;
		}
	}
	if (r == 0)
		drop_cache(s);
	return r;
}

uint64_t spool_next_close(const struct spool *s, uint32_t segment_seconds)
{
	uint64_t t = 0;
	for (int st = 0; st < N_STREAMS; st++) {
		const struct open_seg *o = &s->open[st];
		uint64_t due = o->all.first + (uint64_t)segment_seconds * USEC_PER_SEC;
		if (o->active && (!t || due < t))
			t = due;
	}
	return t;
}

/* ---- reading and removing ---- */

int spool_read(struct spool *s, uint64_t id, const struct seg_events **out)
{
	if (s->cached_valid && s->cached_id == id) {
		*out = &s->cached;
		return 0;
	}
	size_t i = index_of(s, id);
	if (i == SIZE_MAX)
		return -ENOENT;
	drop_cache(s);
	char *path = seg_path(s, id), name[32];
	struct buf data = {0};
	struct seg_header h;
	int r = read_all(path, &data);
	free(path);
	if (r == 0)
		r = segment_decode(data.p, data.len, &h, &s->cached);
	buf_free(&data);
	if (r < 0) {
		/* Damaged since it was checked: never serve it. */
		snprintf(name, sizeof name, "%016" PRIx64 ".%s", id,
		         s->segs[i].uploaded ? "sent" : "seg");
		quarantine(s, name, r == -EBADMSG ? "it no longer decodes" : strerror(-r));
		index_remove(s, i);
		return -EBADMSG;
	}
	s->cached_id = id;
	s->cached_valid = true;
	*out = &s->cached;
	return 0;
}

static void remove_at(struct spool *s, size_t i)
{
	char *path = seg_path(s, s->segs[i].id);
	unlink(path);
	free(path);
	if (s->cached_valid && s->cached_id == s->segs[i].id)
		drop_cache(s);
	index_remove(s, i);
}

int spool_delete(struct spool *s, uint64_t id)
{
	size_t i = index_of(s, id);
	if (i == SIZE_MAX)
		return -ENOENT;
	remove_at(s, i);
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

static int forget_open(struct spool *s, enum stream st, uint64_t cutoff, uint64_t *removed)
{
	struct open_seg *o = &s->open[st];
	if (!o->active || o->all.last < cutoff)
		return 0;
	uint64_t n = cut_cols(&o->all, st, cutoff);
	*removed += n;
	char *path = jnl_path(s, st);
	int r = 0;
	if (o->all.n == 0) {
		unlink(path);
		open_reset(o);
		free(path);
		return 0;
	}
	/* The journal gets all that is left, in one record, atomically. */
	char *tmp = xasprintf("%s.new", path);
	uint64_t written = 16;
	int fd = journal_create(s, st, tmp, o->id);
	if (fd < 0) {
		r = fd;
	} else {
		r = put_record(fd, &o->all, &written);
		if (r == 0 && fsync(fd) < 0)
			r = -errno;
		if (r == 0 && rename(tmp, path) < 0)
			r = -errno;
	}
	if (r < 0) {
		if (fd >= 0)
			close(fd);
		unlink(tmp);
	} else {
		if (o->jfd >= 0)
			close(o->jfd);
		o->jfd = fd;
		o->journal_bytes = written;
		uint64_t last = o->all.last;
		seg_cols_fini(&o->fresh);
		seg_cols_init(&o->fresh, last);
	}
	free(tmp);
	free(path);
	return r;
}

uint64_t spool_forget(struct spool *s, uint64_t cutoff, int *err, bool *uploaded)
{
	uint64_t removed = 0;
	*err = 0;
	*uploaded = false;
	for (int st = 0; st < N_STREAMS; st++) {
		int r = forget_open(s, (enum stream)st, cutoff, &removed);
		*err = *err ? *err : r;
	}
	drop_cache(s);
	for (size_t i = s->n; i-- > 0;) {
		struct spool_seg seg = s->segs[i];
		if (seg.end < cutoff)
			continue;
		*uploaded |= seg.uploaded;
		const struct seg_events *ev;
		if (spool_read(s, seg.id, &ev) < 0)
			continue;
		struct seg_cols cols;
		seg_cols_init(&cols, ev->n ? ev->time[0] : 0);
		uint64_t n = 0;
		for (uint32_t k = 0; k < ev->n; k++) {
			struct event e;
			seg_events_get(ev, k, seg.stream, &e);
			if (e.time >= cutoff)
				n++;
			else
				seg_cols_add(&cols, &e);
		}
		drop_cache(s);
		int r = 0;
		if (cols.n == 0) {
			remove_at(s, i);
		} else {
			struct spool_seg fresh;
			r = write_segment(s, &cols, seg.stream, seg.id, seg.uploaded, &fresh);
			if (r == 0) {
				index_remove(s, i);
				index_insert(s, &fresh);
			}
		}
		seg_cols_fini(&cols);
		if (r < 0)
			*err = *err ? *err : r;
		else
			removed += n;
	}
	return removed;
}

int spool_set_uploaded(struct spool *s, uint64_t id)
{
	size_t i = index_of(s, id);
	if (i == SIZE_MAX)
		return -ENOENT;
	if (s->segs[i].uploaded)
		return 0;
	char *from = id_path(s, id, false), *to = id_path(s, id, true);
	int r = rename(from, to) < 0 ? -errno : 0;
	if (r == 0)
		s->segs[i].uploaded = true;
	free(from);
	free(to);
	return r;
}

const struct spool_seg *spool_pending(const struct spool *s, size_t i)
{
	for (size_t k = 0; k < s->n; k++)
		if (!s->segs[k].uploaded && i-- == 0)
			return &s->segs[k];
	return NULL;
}

uint64_t spool_pending_bytes(const struct spool *s)
{
	uint64_t b = 0;
	for (size_t k = 0; k < s->n; k++)
		if (!s->segs[k].uploaded)
			b += s->segs[k].bytes;
	return b;
}

int spool_load_file(const struct spool *s, uint64_t id, struct buf *out)
{
	if (!spool_find(s, id))
		return -ENOENT;
	char *path = seg_path(s, id);
	int r = read_all(path, out);
	free(path);
	return r;
}

uint32_t spool_expire(struct spool *s, uint64_t cutoff)
{
	uint32_t n = 0;
	for (size_t i = s->n; i-- > 0;)
		if (s->segs[i].end < cutoff) {
			remove_at(s, i);
			n++;
		}
	return n;
}

void spool_expire_quarantine(struct spool *s, uint64_t cutoff)
{
	char *qdir = xasprintf("%s/quarantine", s->dir);
	DIR *d = opendir(qdir);
	struct stat st;
	for (struct dirent *e; d && (e = readdir(d));)
		if (e->d_name[0] != '.' && fstatat(dirfd(d), e->d_name, &st, 0) == 0 &&
		    (uint64_t)st.st_mtime * USEC_PER_SEC < cutoff) {
			unlinkat(dirfd(d), e->d_name, 0);
			slog(s, "quarantined %s removed: older than the retention", e->d_name);
		}
	if (d)
		closedir(d);
	free(qdir);
}

uint32_t spool_enforce_cap(struct spool *s, uint64_t max_bytes)
{
	uint32_t n = 0;
	/* Uploaded data first, oldest first; then the oldest of the rest. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < s->n && spool_bytes(s) > max_bytes;) {
			if (pass == 0 && !s->segs[i].uploaded) {
				i++;
				continue;
			}
			remove_at(s, i);
			n++;
		}
	return n;
}

uint64_t spool_stream_bytes(const struct spool *s, enum stream st)
{
	uint64_t b = s->open[st].journal_bytes;
	for (size_t i = 0; i < s->n; i++)
		if (s->segs[i].stream == st)
			b += s->segs[i].bytes;
	return b;
}

uint64_t spool_bytes(const struct spool *s)
{
	uint64_t b = s->bytes;
	for (int st = 0; st < N_STREAMS; st++)
		b += s->open[st].journal_bytes;
	return b;
}

uint64_t spool_oldest(const struct spool *s)
{
	return s->n ? s->segs[0].start : 0;
}

uint64_t spool_events(const struct spool *s)
{
	return s->events;
}
