/* History on disk. Each line: time uid action detail, tab-separated, the
 * detail escaped; fields after the fourth are left for later versions and
 * not read. Lines are appended with one write() each and synced, so an
 * entry is either whole or cut off on the next open. A line that cannot be
 * read is still an entry, "unreadable", so the count and the entries
 * agree; a file of which no line can be read is kept aside. */
#define _GNU_SOURCE
#include "control/history.h"
#include "names.h"
#include "store/state.h"
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
	char *path;
	char *recovered;   /* the file was kept aside: where, for History */
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

/* A decimal number as printf writes it, the whole of s. */
static bool whole_u64(const char *s, uint64_t *v)
{
	uint64_t n = 0;
	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1]))
		return false;
	for (; *s; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (*s < '0' || *s > '9' || n > (UINT64_MAX - d) / 10)
			return false;
		n = n * 10 + d;
	}
	*v = n;
	return true;
}

static bool action_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

/* One line of len bytes, its newline included, into out; NULL, or why it
 * cannot be read. */
static const char *parse_line(char *line, size_t len, struct history_entry *out)
{
	if (memchr(line, '\0', len))
		return "it holds a NUL byte";
	line[len - 1] = '\0';
	char *f[4], *p = line;
	size_t n = 0;
	uint64_t time, uid;
	for (char *tok; n < 4 && (tok = strsep(&p, "\t"));)
		f[n++] = tok;
	if (n < 4)
		return n == 1 ? "it has none of the fields time, uid, action and detail"
		              : "it lacks some of the fields time, uid, action and detail";
	if (!whole_u64(f[0], &time))
		return "its time is not a whole number";
	if (!whole_u64(f[1], &uid) || uid > UINT32_MAX)
		return "its uid is not a uid";
	if (!action_ok(f[2]))
		return "its action is not a word";
	if (!unescape_field_strict(f[3]) || !utf8_valid(f[3], strlen(f[3])))
		return "its detail is not valid text";
	*out = (struct history_entry){
	    .time = time,
	    .uid = (uint32_t)uid,
	    .action = xstrdup(f[2]),
	    .detail = xstrdup(f[3]),
	};
	return NULL;
}

/* Line i (from 0) as read from the file: 0, or -errno. */
static int read_line(struct history *h, size_t i, char **out, size_t *len)
{
	uint64_t start = h->offsets[i];
	*len = (size_t)(h->offsets[i + 1] - start);
	*out = xmalloc(*len + 1);
	ssize_t r = pread(h->fd, *out, *len, (off_t)start);
	if (r == (ssize_t)*len)
		return 0;
	int err = r < 0 ? -errno : -EIO;
	free(*out);
	return err;
}

/* Whether any line of the file reads: one is enough to keep it. */
static bool any_line_reads(struct history *h)
{
	for (size_t i = 0; i < h->n; i++) {
		char *line;
		size_t len;
		struct history_entry e;
		if (read_line(h, i, &line, &len) < 0)
			continue;
		bool ok = !parse_line(line, len, &e);
		free(line);
		if (ok) {
			history_entry_fini(&e);
			return true;
		}
	}
	return false;
}

static int index_file(struct history *h)
{
	char buf[65536];
	uint64_t pos = 0, last_end = 0;
	ssize_t r;
	h->n = 0;
	h->offsets[0] = 0;
	while ((r = pread(h->fd, buf, sizeof buf, (off_t)pos)) > 0) {
		for (ssize_t i = 0; i < r; i++)
			if (buf[i] == '\n') {
				last_end = pos + (uint64_t)i + 1;
				push_offset(h, last_end);
			}
		pos += (uint64_t)r;
	}
	if (r < 0)
		return -errno;
	/* Data and not one line that reads: not a History this agent wrote. */
	if (pos && !any_line_reads(h))
		return -EBADMSG;
	if (pos != last_end && ftruncate(h->fd, (off_t)last_end) < 0)
		return -errno;
	return 0;
}

static int open_file(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	return fd < 0 ? -errno : fd;
}

/* A file that does not read at all is kept aside and a new one begun. */
static int set_aside(struct history *h)
{
	char *aside = state_aside_name(h->path, now_usec());
	int r = rename(h->path, aside) < 0 ? -errno : 0;
	if (r == 0) {
		close(h->fd);
		h->fd = open_file(h->path);
		if (h->fd < 0)
			r = h->fd;
	}
	if (r == 0)
		h->recovered = xasprintf("%s could not be read at all; it was moved to %s and a "
		                         "new History begun",
		                         h->path, aside);
	free(aside);
	return r < 0 ? r : index_file(h);
}

struct history *history_open(const char *path, int *err)
{
	struct history *h = xcalloc(1, sizeof *h);
	h->path = xstrdup(path);
	h->cap = 256;
	h->offsets = xcalloc(h->cap, sizeof *h->offsets);
	h->fd = open_file(path);
	int r = h->fd < 0 ? h->fd : index_file(h);
	if (r == -EBADMSG)
		r = set_aside(h);
	if (r < 0) {
		*err = r;
		history_free(h);
		return NULL;
	}
	return h;
}

const char *history_recovered(const struct history *h)
{
	return h->recovered;
}

void history_free(struct history *h)
{
	if (!h)
		return;
	if (h->fd >= 0)
		close(h->fd);
	free(h->offsets);
	free(h->path);
	free(h->recovered);
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
	char *line;
	size_t len;
	const char *why;
	int r = read_line(h, i, &line, &len);
	if (r < 0) {
		why = strerror(-r);
	} else {
		why = parse_line(line, len, out);
		free(line);
	}
	if (why)
		*out = (struct history_entry){
		    .time = 0,
		    .uid = CAPCTL_UID_AGENT,
		    .action = xstrdup("unreadable"),
		    .detail = xasprintf("line %zu of %s cannot be read: %s", i + 1, h->path, why),
		};
	return 0;
}

void history_entry_fini(struct history_entry *e)
{
	free(e->action);
	free(e->detail);
}
