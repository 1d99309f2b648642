/* History on disk. Each line: time uid action detail, tab-separated, the
 * detail escaped. Lines are appended with one write() each and synced, so
 * an entry is either whole or cut off on the next open. */
#define _GNU_SOURCE
#include "control/history.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct history {
	int fd;
	uint64_t *offsets; /* start of each line, plus the end of the file */
	size_t n, cap;
};

static void push_offset(struct history *h, uint64_t off)
{
	if (h->n + 1 >= h->cap) {
		h->cap = h->cap ? h->cap * 2 : 256;
		h->offsets = xrealloc(h->offsets, h->cap * sizeof *h->offsets);
	}
	h->offsets[++h->n] = off;
}

struct history *history_open(const char *path, int *err)
{
	struct history *h = xcalloc(1, sizeof *h);
	char buf[65536];
	uint64_t pos = 0, last_end = 0;
	ssize_t r;

	h->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (h->fd < 0) {
		*err = -errno;
		free(h);
		return NULL;
	}
	h->cap = 256;
	h->offsets = xcalloc(h->cap, sizeof *h->offsets);
	h->offsets[0] = 0;
	while ((r = read(h->fd, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < r; i++)
			if (buf[i] == '\n') {
				last_end = pos + (uint64_t)i + 1;
				push_offset(h, last_end);
			}
		pos += (uint64_t)r;
	}
	if (pos != last_end && ftruncate(h->fd, (off_t)last_end) < 0) {
		*err = -errno;
		history_free(h);
		return NULL;
	}
	return h;
}

void history_free(struct history *h)
{
	if (!h)
		return;
	if (h->fd >= 0)
		close(h->fd);
	free(h->offsets);
	free(h);
}

int history_append(struct history *h, uint64_t time, const char *action, const char *detail,
                   uint32_t uid)
{
	char *d = escape_field(detail);
	char *line = xasprintf("%" PRIu64 "\t%" PRIu32 "\t%s\t%s\n", time, uid, action, d);
	size_t len = strlen(line);
	ssize_t w = write(h->fd, line, len);
	int r = 0;

	free(d);
	free(line);
	if (w < 0)
		return -errno;
	if ((size_t)w != len) {
		/* Disk full mid-line: take the fragment back. */
		if (ftruncate(h->fd, (off_t)h->offsets[h->n]) < 0)
			r = -errno;
		return r ? r : -ENOSPC;
	}
	fdatasync(h->fd);
	push_offset(h, h->offsets[h->n] + len);
	return 0;
}

size_t history_count(const struct history *h)
{
	return h->n;
}

int history_get(struct history *h, size_t newest_index, struct history_entry *out)
{
	if (newest_index >= h->n)
		return -ERANGE;
	size_t i = h->n - 1 - newest_index;
	uint64_t start = h->offsets[i], len = h->offsets[i + 1] - start;
	char *line = xmalloc(len + 1);
	ssize_t r = pread(h->fd, line, len, (off_t)start);
	if (r != (ssize_t)len) {
		free(line);
		return r < 0 ? -errno : -EIO;
	}
	line[len - 1] = '\0'; /* the newline */
	char *f[4], *p = line;
	size_t n = 0;
	for (char *tok; n < 4 && (tok = strsep(&p, "\t"));)
		f[n++] = tok;
	if (n < 4) {
		free(line);
		return -EBADMSG;
	}
	unescape_field(f[3]);
	*out = (struct history_entry){
	    .time = strtoull(f[0], NULL, 10),
	    .uid = (uint32_t)strtoul(f[1], NULL, 10),
	    .action = xstrdup(f[2]),
	    .detail = xstrdup(f[3]),
	};
	free(line);
	return 0;
}

void history_entry_fini(struct history_entry *e)
{
	free(e->action);
	free(e->detail);
}
