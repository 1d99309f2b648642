/* The spool on disk:
 *
 *   DIR/<id, 16 hex digits>.seg   closed segments (segment.h)
 *   DIR/<id, 16 hex digits>.sent  the same, once the upload server has it
 *   DIR/<id>.<stream id>.jnl      the journal of a segment in memory
 *                                 (journal.h)
 *   DIR/quarantine/               segments that failed their check
 *   DIR/reserve                   SPOOL_RESERVE bytes set aside, freed when
 *                                 the disk fills
 *
 * A closed segment is written to a temporary file, synced and renamed, and
 * only then is its journal removed; recovery ignores a journal whose
 * segment already exists.
 *
 * In memory: each stream's open segment, and the segments closed while the
 * disk could not take them ("sealed"), each with its journal, until a write
 * succeeds. After a failure nothing is written again on an event: only
 * spool_checkpoint tries again, when the agent asks (with a backoff, or
 * when spool_retry_now sees room again). */
#define _GNU_SOURCE
#include "control/policy.h"
#include "store/spool-impl.h"
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

void spool_log_line(struct spool *s, const char *fmt, ...)
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

void spool_drop_cache(struct spool *s)
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

void spool_index_insert(struct spool *s, const struct spool_seg *seg)
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

static void sync_dir(const struct spool *s)
{
	int fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int spool_write_segment(struct spool *s, const struct seg_cols *cols, enum stream st, uint64_t id,
                        bool uploaded, struct spool_seg *seg)
{
	struct buf file = {0};
	int r = segment_encode(cols, st, id, &file);
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
		spool_log_line(s, "segment %s is damaged (%s); moved to %s", name, why, qdir);
	else
		spool_log_line(s, "segment %s is damaged (%s) and cannot be moved aside: %s", name,
		               why, errno_text(errno));
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
	int r = buf_read_file(path, &data);
	free(path);
	if (r < 0) {
		spool_log_line(s, "cannot read segment %s: %s", name, errno_text(-r));
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
		spool_index_insert(s, &seg);
	}
	buf_free(&data);
}

/* ---- recovery ---- */

/* A journal's name: <id>.<stream id>.jnl (format 2) or <stream id>.jnl
 * (format 1, id 0: its header has it). */
static bool journal_name(const char *name, uint64_t *id, enum stream *st, int *format)
{
	size_t len = strlen(name);
	if (len < 5 || strcmp(name + len - 4, ".jnl") != 0)
		return false;
	const char *sname = name;
	*format = 1;
	*id = 0;
	if (len > 21 && name[16] == '.' && strspn(name, "0123456789abcdef") == 16) {
		*id = strtoull(name, NULL, 16);
		sname = name + 17;
		*format = 2;
	}
	for (int i = 0; i < N_STREAMS; i++) {
		const char *sid = stream_id((enum stream)i);
		if (strlen(sid) == (size_t)(name + len - 4 - sname) &&
		    strncmp(sname, sid, strlen(sid)) == 0) {
			*st = (enum stream)i;
			return true;
		}
	}
	return false;
}

static void log_damage(struct spool *s, const char *name, const struct journal_scan *info)
{
	if (info->damaged)
		spool_log_line(s,
		               "the journal %s was damaged: %" PRIu32 " stretches (%" PRIu64
		               " bytes) skipped, %" PRIu32 " events in them lost",
		               name, info->damaged, info->bad_bytes, info->missing);
	if (info->repeated)
		spool_log_line(s, "the journal %s held %" PRIu32 " events twice; kept once", name,
		               info->repeated);
}

/* Turns a journal left by a crash into a closed segment. */
static void recover_journal(struct spool *s, const char *name)
{
	uint64_t id;
	enum stream st;
	int format;
	if (!journal_name(name, &id, &st, &format))
		return;
	char *path = xasprintf("%s/%s", s->dir, name);
	struct buf data = {0};
	int r = buf_read_file(path, &data);
	if (r < 0) {
		spool_log_line(s, "cannot read the journal %s: %s; left as it is", name,
		               errno_text(-r));
		goto out;
	}
	struct seg_cols cols;
	struct journal_scan info;
	journal_scan(data.p, data.len, format, st, &cols, &info);
	if (format == 1)
		id = info.id;
	log_damage(s, name, &info);
	if ((id && spool_find(s, id)) || cols.n == 0) {
		/* Closed before the crash, or nothing in it to keep. */
		seg_cols_fini(&cols);
		unlink(path);
		goto out;
	}
	struct spool_seg seg;
	id = id ? id : s->next_id;
	r = spool_write_segment(s, &cols, st, id, false, &seg);
	if (r < 0) {
		held_recovered(s, id, st, path, &cols, data.len, r);
		goto out;
	}
	spool_index_insert(s, &seg);
	spool_log_line(s, "recovered %" PRIu32 " %s events from the journal", cols.n,
	               stream_id(st));
	seg_cols_fini(&cols);
	unlink(path);
out:
	free(path);
	buf_free(&data);
}

static void scan_dir(struct spool *s, DIR *d)
{
	char **jnls = NULL;
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if ((len == 20 && strcmp(e->d_name + 16, ".seg") == 0) ||
		    (len == 21 && strcmp(e->d_name + 16, ".sent") == 0)) {
			load_segment(s, e->d_name);
		} else if (strstr(e->d_name, ".seg.") || strstr(e->d_name, ".sent.") ||
		           strstr(e->d_name, ".jnl.")) {
			unlinkat(dirfd(d), e->d_name, 0); /* a write cut short */
		} else if (len > 4 && strcmp(e->d_name + len - 4, ".jnl") == 0) {
			jnls = xrealloc(jnls, (n + 1) * sizeof *jnls);
			jnls[n++] = xstrdup(e->d_name);
		} else if (strcmp(e->d_name, "reserve") == 0) {
			s->reserved = true;
		}
	}
	/* Once every segment is known: a journal's may be among them. */
	for (size_t i = 0; i < n; i++) {
		recover_journal(s, jnls[i]);
		free(jnls[i]);
	}
	free(jnls);
}

struct spool *spool_open(const char *dir, spool_log_fn log, void *log_data, char **error)
{
	struct spool *s = xcalloc(1, sizeof *s);
	*s = (struct spool){.dir = xstrdup(dir), .log = log, .log_data = log_data, .next_id = 1};
	int r = mkdir_p(dir);
	DIR *d = r < 0 ? NULL : opendir(dir);
	if (!d) {
		*error =
		    xasprintf("cannot open the spool %s: %s", dir, errno_text(r < 0 ? -r : errno));
		spool_free(s);
		return NULL;
	}
	scan_dir(s, d);
	closedir(d);
	/* An existing reserve may be short (a crash while it was made). */
	s->reserved = false;
	if (!s->fault)
		held_keep_reserve(s);
	return s;
}

void spool_free(struct spool *s)
{
	if (!s)
		return;
	spool_close_due(s, 0, 0);
	/* What could not be written keeps its journal for the next start. */
	held_free_all(s);
	spool_drop_cache(s);
	free(s->segs);
	free(s->dir);
	free(s);
}

/* ---- reading and removing ---- */

int spool_lookup(const struct spool *s, uint64_t id, struct spool_seg *out)
{
	const struct spool_seg *seg = spool_find(s, id);
	if (seg) {
		*out = *seg;
		return 0;
	}
	for (size_t i = 0; i < spool_held_count(s); i++) {
		spool_held(s, i, out);
		if (out->id == id)
			return 0;
	}
	return -ENOENT;
}

int spool_read(struct spool *s, uint64_t id, const struct seg_events **out)
{
	size_t i = index_of(s, id);
	if (i == SIZE_MAX)
		return held_read(s, id, out);
	if (s->cached_valid && s->cached_id == id) {
		*out = &s->cached;
		return 0;
	}
	spool_drop_cache(s);
	char *path = seg_path(s, id), name[32];
	struct buf data = {0};
	struct seg_header h;
	int r = buf_read_file(path, &data);
	free(path);
	if (r == 0)
		r = segment_decode(data.p, data.len, &h, &s->cached);
	buf_free(&data);
	if (r < 0) {
		/* Damaged since it was checked: never serve it. */
		snprintf(name, sizeof name, "%016" PRIx64 ".%s", id,
		         s->segs[i].uploaded ? "sent" : "seg");
		quarantine(s, name, r == -EBADMSG ? "it no longer decodes" : errno_text(-r));
		index_remove(s, i);
		return -EBADMSG;
	}
	s->cached_id = id;
	s->cached_n = s->cached.n;
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
		spool_drop_cache(s);
	index_remove(s, i);
}

int spool_delete(struct spool *s, uint64_t id)
{
	size_t i = index_of(s, id);
	if (i == SIZE_MAX)
		return held_delete(s, id);
	remove_at(s, i);
	return 0;
}

uint64_t spool_forget(struct spool *s, uint64_t cutoff, int *err, bool *uploaded)
{
	uint64_t removed = 0;
	*err = 0;
	*uploaded = false;
	spool_drop_cache(s);
	removed += held_forget(s, cutoff, err);
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
		spool_drop_cache(s);
		int r = 0;
		if (cols.n == 0) {
			remove_at(s, i);
		} else {
			struct spool_seg fresh;
			r = spool_write_segment(s, &cols, seg.stream, seg.id, seg.uploaded, &fresh);
			if (r == 0) {
				index_remove(s, i);
				spool_index_insert(s, &fresh);
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
	int r = buf_read_file(path, out);
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
			spool_log_line(s, "quarantined %s removed: older than the retention",
			               e->d_name);
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
	uint64_t b = held_bytes(s, st);
	for (size_t i = 0; i < s->n; i++)
		if (s->segs[i].stream == st)
			b += s->segs[i].bytes;
	return b;
}

uint64_t spool_bytes(const struct spool *s)
{
	return s->bytes + held_bytes(s, N_STREAMS);
}

uint64_t spool_oldest(const struct spool *s)
{
	uint64_t held = held_oldest(s), closed = s->n ? s->segs[0].start : 0;
	return !closed || (held && held < closed) ? held : closed;
}

uint64_t spool_events(const struct spool *s)
{
	return s->events;
}
