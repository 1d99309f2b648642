/* Journals: appending records that are taken back when a write fails, and
 * reading them back past damage (the format is in journal.h). */
#define _GNU_SOURCE
#include "store/journal.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const uint8_t magic_v1[8] = {'C', 'A', 'P', 'J', 'N', 'L', 0, 1};
static const uint8_t magic_v2[8] = {'C', 'A', 'P', 'J', 'N', 'L', 0, 2};
static const uint8_t rec_magic[4] = {'J', 'R', 'E', 'C'};

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
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

static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = fsync(fd) < 0 ? -errno : 0;
	close(fd);
	return r;
}

void journal_init(struct journal *j)
{
	*j = (struct journal){.fd = -1};
}

void journal_close(struct journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	journal_init(j);
}

int journal_create(struct journal *j, const char *dir, const char *path, uint64_t id,
                   enum stream st)
{
	uint8_t head[JOURNAL_HEADER_SIZE] = {0};
	memcpy(head, magic_v2, 8);
	put_le(head + 8, id, 8);
	head[16] = (uint8_t)st;
	put_le(head + 20, crc32c(0, head, 20), 4);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	int r = write_full(fd, head, sizeof head);
	if (r == 0 && fdatasync(fd) < 0)
		r = -errno;
	if (r == 0)
		r = sync_dir(dir);
	if (r < 0) {
		close(fd);
		unlink(path);
		return r;
	}
	journal_close(j);
	*j = (struct journal){.fd = fd, .good = sizeof head};
	return 0;
}

int journal_append(struct journal *j, const struct seg_cols *cols)
{
	if (j->fd < 0)
		return -EBADF;
	/* What a failed write left must go before anything follows it. */
	if (j->torn) {
		if (ftruncate(j->fd, (off_t)j->good) < 0)
			return -errno;
		j->torn = false;
	}
	struct buf rec = {0};
	uint8_t head[JOURNAL_RECORD_HEAD] = {0};
	buf_put(&rec, head, sizeof head);
	seg_cols_payload(cols, &rec);
	size_t len = rec.len - sizeof head;
	if (len > UINT32_MAX) {
		buf_free(&rec);
		return -EFBIG;
	}
	memcpy(rec.p, rec_magic, 4);
	put_le(rec.p + 4, len, 4);
	put_le(rec.p + 8, j->events, 4);
	put_le(rec.p + 12, crc32c(crc32c(0, rec.p, 12), rec.p + sizeof head, len), 4);
	int r = write_full(j->fd, rec.p, rec.len);
	if (r == 0 && fdatasync(j->fd) < 0)
		r = -errno;
	if (r < 0) {
		if (ftruncate(j->fd, (off_t)j->good) < 0)
			j->torn = true;
	} else {
		j->good += rec.len;
		j->events += cols->n;
	}
	buf_free(&rec);
	return r;
}

int journal_rewrite(struct journal *j, const char *dir, const char *path, uint64_t id,
                    enum stream st, const struct seg_cols *cols)
{
	char *tmp = xasprintf("%s.new", path);
	struct journal t;
	journal_init(&t);
	int r = journal_create(&t, dir, tmp, id, st);
	if (r == 0)
		r = journal_append(&t, cols);
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		journal_close(&t);
		unlink(tmp);
	} else {
		/* Renamed: the new one is in force even if this sync fails. */
		sync_dir(dir);
		journal_close(j);
		*j = t;
	}
	free(tmp);
	return r;
}

/* ---- reading ---- */

/* Adds the events of one good record (first: its first event's index)
 * that the segment does not have yet; *have is how far it reaches. */
static void take_record(const struct seg_events *ev, uint32_t first, enum stream st,
                        struct seg_cols *out, uint32_t *have, struct journal_scan *info)
{
	uint32_t skip = 0;
	if (first > *have)
		info->missing += first - *have;
	else
		skip = *have - first < ev->n ? *have - first : ev->n;
	info->repeated += skip;
	for (uint32_t i = skip; i < ev->n; i++) {
		struct event e;
		seg_events_get(ev, i, st, &e);
		if (out->n == 0)
			seg_cols_init(out, e.time);
		seg_cols_add(out, &e);
		info->events++;
	}
	uint64_t reach = (uint64_t)first + ev->n;
	if (reach > *have)
		*have = reach > UINT32_MAX ? UINT32_MAX : (uint32_t)reach;
	info->records++;
}

/* The record at data[off], if it is whole and sound: 0 with *size set. */
static int good_record(const uint8_t *data, size_t len, size_t off, struct seg_events *ev,
                       uint32_t *first, size_t *size)
{
	const uint8_t *p = data + off;
	if (memcmp(p, rec_magic, 4) != 0)
		return -EBADMSG;
	uint64_t n = get_le(p + 4, 4);
	if (n > len - off - JOURNAL_RECORD_HEAD)
		return -EBADMSG;
	uint32_t crc = crc32c(crc32c(0, p, 12), p + JOURNAL_RECORD_HEAD, (size_t)n);
	if (crc != get_le(p + 12, 4) || payload_decode(p + JOURNAL_RECORD_HEAD, (size_t)n, ev) < 0)
		return -EBADMSG;
	*first = (uint32_t)get_le(p + 8, 4);
	*size = JOURNAL_RECORD_HEAD + (size_t)n;
	return 0;
}

static void scan_v2(const uint8_t *data, size_t len, enum stream st, struct seg_cols *out,
                    struct journal_scan *info)
{
	if (len >= JOURNAL_HEADER_SIZE && memcmp(data, magic_v2, 8) == 0 &&
	    get_le(data + 20, 4) == crc32c(0, data, 20) && data[16] < N_STREAMS && !data[17] &&
	    !data[18] && !data[19]) {
		info->id = get_le(data + 8, 8);
		info->stream = data[16];
	}
	if (len < JOURNAL_HEADER_SIZE) {
		info->damaged = len > 0;
		info->bad_bytes = len;
		return;
	}
	size_t off = JOURNAL_HEADER_SIZE;
	uint32_t have = 0;
	bool damaged = false;
	while (off + JOURNAL_RECORD_HEAD <= len) {
		struct seg_events ev;
		uint32_t first;
		size_t size;
		if (good_record(data, len, off, &ev, &first, &size) == 0) {
			take_record(&ev, first, st, out, &have, info);
			seg_events_fini(&ev);
			off += size;
			damaged = false;
			continue;
		}
		/* Resynchronise: the next record starts at a magic. */
		info->damaged += !damaged;
		damaged = true;
		const uint8_t *next = memmem(data + off + 1, len - off - 1, rec_magic, 4);
		size_t to = next ? (size_t)(next - data) : len;
		info->bad_bytes += to - off;
		off = to;
	}
	if (off < len) {
		info->damaged += !damaged;
		info->bad_bytes += len - off;
	}
}

/* Format 1 has no record magic to find again: up to the first bad record. */
static void scan_v1(const uint8_t *data, size_t len, enum stream st, struct seg_cols *out,
                    struct journal_scan *info)
{
	if (len < JOURNAL_V1_HEADER_SIZE || memcmp(data, magic_v1, 8) != 0) {
		info->damaged += len > 0;
		info->bad_bytes = len;
		return;
	}
	info->id = get_le(data + 8, 8);
	info->stream = (int)st;
	size_t off = JOURNAL_V1_HEADER_SIZE;
	uint32_t have = 0;
	while (off + 8 <= len) {
		uint64_t n = get_le(data + off, 4);
		struct seg_events ev;
		if (n > len - off - 8 ||
		    crc32c(0, data + off + 8, (size_t)n) != get_le(data + off + 4, 4) ||
		    payload_decode(data + off + 8, (size_t)n, &ev) < 0)
			break;
		take_record(&ev, have, st, out, &have, info);
		seg_events_fini(&ev);
		off += 8 + (size_t)n;
	}
	if (off < len) {
		info->damaged++;
		info->bad_bytes = len - off;
	}
}

void journal_scan(const uint8_t *data, size_t len, int format, enum stream st, struct seg_cols *out,
                  struct journal_scan *info)
{
	*info = (struct journal_scan){.stream = -1};
	seg_cols_init(out, 0);
	if (format == 1)
		scan_v1(data, len, st, out, info);
	else
		scan_v2(data, len, st, out, info);
}
