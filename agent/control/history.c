/* History on disk. Each line: time uid action detail seq prev hash,
 * tab-separated, the detail escaped (doc/formats.md); fields after the
 * seventh are left for later versions and not read. Lines are appended with one write() each and
 * synced, so an entry is either whole or cut off on the next open. A line that cannot be read is
 * still an entry, "unreadable", so the count and the entries agree; a file of which no line can be
 * read is kept aside. */
#define _GNU_SOURCE
#include "control/history.h"
#include "chain.h"
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
	/* The newest chained line's: what the next entry follows. */
	uint64_t last_seq;
	char last_hash[CHAIN_HEX + 1];
	size_t chained_on_open;
};

static void push_offset(struct history *h, uint64_t off)
{
	if (h->n + 1 >= h->cap) {
		h->cap = h->cap ? h->cap * 2 : 256;
		h->offsets = xrealloc(h->offsets, h->cap * sizeof *h->offsets);
	}
	h->offsets[++h->n] = off;
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

/* The chain's fields of a line (fields 5 to 7), into out when they read. */
static void parse_link(char **f, size_t n, struct history_entry *out)
{
	uint64_t seq;
	if (n < 7 || !parse_decimal(f[4], &seq) || seq == 0 || !chain_hex_valid(f[5]) ||
	    !chain_hex_valid(f[6]))
		return;
	out->seq = seq;
	memcpy(out->prev, f[5], sizeof out->prev);
	memcpy(out->hash, f[6], sizeof out->hash);
}

/* One line of len bytes, its newline included, into out (its action and
 * detail only when it reads; its link whenever that reads); NULL, or why
 * it cannot be read. *fields: how many it has, up to 8. */
static void entry_clear(struct history_entry *e)
{
	*e = (struct history_entry){0};
	memcpy(e->prev, chain_zero, sizeof e->prev);
	memcpy(e->hash, chain_zero, sizeof e->hash);
}

static const char *parse_line(char *line, size_t len, struct history_entry *out, size_t *fields)
{
	entry_clear(out);
	*fields = 0;
	if (memchr(line, '\0', len))
		return "it holds a NUL byte";
	line[len - 1] = '\0';
	char *f[8], *p = line;
	size_t n = 0;
	uint64_t time, uid;
	for (char *tok; n < 8 && (tok = strsep(&p, "\t"));)
		f[n++] = tok;
	*fields = n;
	parse_link(f, n, out);
	if (n < 4)
		return n == 1 ? "it has none of the fields time, uid, action and detail"
		              : "it lacks some of the fields time, uid, action and detail";
	if (!parse_decimal(f[0], &time))
		return "its time is not a whole number";
	if (!parse_decimal(f[1], &uid) || uid > UINT32_MAX)
		return "its uid is not a uid";
	if (!action_ok(f[2]))
		return "its action is not a word";
	if (!unescape_field_strict(f[3]) || !utf8_valid(f[3], strlen(f[3])))
		return "its detail is not valid text";
	out->time = time;
	out->uid = (uint32_t)uid;
	out->action = xstrdup(f[2]);
	out->detail = xstrdup(f[3]);
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
		size_t len, fields;
		struct history_entry e;
		if (read_line(h, i, &line, &len) < 0)
			continue;
		bool ok = !parse_line(line, len, &e, &fields);
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

/* What line i is to the chain: 1 chained, 0 written before the chain
 * (four fields that read), -1 neither; e gets what parse_line read. */
static int line_kind(struct history *h, size_t i, struct history_entry *e)
{
	char *line;
	size_t len, fields;
	entry_clear(e);
	if (read_line(h, i, &line, &len) < 0)
		return -1;
	bool reads = !parse_line(line, len, e, &fields);
	free(line);
	if (e->seq)
		return 1;
	return reads && fields == 4 ? 0 : -1;
}

/* Copies the file's bytes from..to to f: 0 or -errno. */
static int copy_bytes(struct history *h, uint64_t from, uint64_t to, FILE *f)
{
	char buf[65536];
	while (from < to) {
		size_t want = to - from < sizeof buf ? (size_t)(to - from) : sizeof buf;
		ssize_t r = pread(h->fd, buf, want, (off_t)from);
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		if (fwrite(buf, 1, (size_t)r, f) != (size_t)r)
			return -EIO;
		from += (uint64_t)r;
	}
	return 0;
}

/* Lines from..to-1 into f, each of four fields with its seq, prev and
 * hash added after *seq and prev (which move on); the others as they
 * are. */
static int write_chained(struct history *h, size_t from, size_t to, uint64_t *seq,
                         char prev[CHAIN_HEX + 1], FILE *f)
{
	for (size_t i = from; i < to; i++) {
		struct history_entry e;
		int kind = line_kind(h, i, &e);
		int r = 0;
		if (kind == 0) {
			char hash[CHAIN_HEX + 1];
			chain_hash(prev, ++*seq, e.time, e.action, e.detail, e.uid, hash);
			char *d = escape_field(e.detail);
			if (fprintf(f, "%" PRIu64 "\t%" PRIu32 "\t%s\t%s\t%" PRIu64 "\t%s\t%s\n",
			            e.time, e.uid, e.action, d, *seq, prev, hash) < 0)
				r = -EIO;
			free(d);
			memcpy(prev, hash, CHAIN_HEX + 1);
			h->chained_on_open++;
		} else {
			r = copy_bytes(h, h->offsets[i], h->offsets[i + 1], f);
		}
		history_entry_fini(&e);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The lines from the first (first set) or from the last, up to the
 * first chained one met: how many of them have four fields and no link;
 * the chained one's index in *at and its link in *link (*at SIZE_MAX:
 * no line is chained). */
static size_t unchained_run(struct history *h, bool first, size_t *at, struct history_entry *link)
{
	size_t old = 0;
	*at = SIZE_MAX;
	for (size_t k = 0; k < h->n && *at == SIZE_MAX; k++) {
		size_t i = first ? k : h->n - 1 - k;
		struct history_entry e;
		int kind = line_kind(h, i, &e);
		history_entry_fini(&e);
		if (kind == 1) {
			*at = i;
			*link = e;
		}
		old += kind == 0;
	}
	return old;
}

/* Chains the entries that have no link, once: those before the first
 * chained line (written before the chain) and after the last (appended
 * by an agent that did not chain). The file is rewritten whole (a
 * temporary file, fsync, rename) and indexed again; the lines between
 * are copied as they are. */
static int chain_old_lines(struct history *h)
{
	struct history_entry first, last;
	size_t a, b;
	size_t old = unchained_run(h, true, &a, &first);
	if (a != SIZE_MAX)
		old += unchained_run(h, false, &b, &last);
	if (!old)
		return 0;
	uint64_t seq = 0;
	char prev[CHAIN_HEX + 1];
	memcpy(prev, chain_zero, sizeof prev);
	struct out_file o;
	int r = out_file_open(&o, h->path, true);
	if (r < 0)
		return r;
	if (a == SIZE_MAX) {
		r = write_chained(h, 0, h->n, &seq, prev, o.f);
	} else {
		r = write_chained(h, 0, a, &seq, prev, o.f);
		if (r == 0)
			r = copy_bytes(h, h->offsets[a], h->offsets[b + 1], o.f);
		seq = last.seq;
		memcpy(prev, last.hash, sizeof prev);
		if (r == 0)
			r = write_chained(h, b + 1, h->n, &seq, prev, o.f);
	}
	if (r < 0) {
		out_file_abort(&o);
		h->chained_on_open = 0;
		return r;
	}
	if ((r = out_file_commit(&o, true)) < 0)
		return r;
	close(h->fd);
	h->fd = open_file(h->path);
	return h->fd < 0 ? h->fd : index_file(h);
}

/* The newest chained line: what the next entry follows. */
static void find_tail(struct history *h)
{
	h->last_seq = 0;
	memcpy(h->last_hash, chain_zero, sizeof h->last_hash);
	for (size_t i = h->n; i-- > 0;) {
		struct history_entry e;
		int kind = line_kind(h, i, &e);
		history_entry_fini(&e);
		if (kind == 1) {
			h->last_seq = e.seq;
			memcpy(h->last_hash, e.hash, sizeof h->last_hash);
			return;
		}
	}
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
	if (r == 0)
		r = chain_old_lines(h);
	if (r < 0) {
		*err = r;
		history_free(h);
		return NULL;
	}
	find_tail(h);
	return h;
}

size_t history_chained_on_open(const struct history *h)
{
	return h->chained_on_open;
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
	char hash[CHAIN_HEX + 1];
	uint64_t seq = h->last_seq + 1;
	chain_hash(h->last_hash, seq, time, action, detail, uid, hash);
	char *d = escape_field(detail);
	char *line = xasprintf("%" PRIu64 "\t%" PRIu32 "\t%s\t%s\t%" PRIu64 "\t%s\t%s\n", time, uid,
	                       action, d, seq, h->last_hash, hash);
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
	h->last_seq = seq;
	memcpy(h->last_hash, hash, sizeof h->last_hash);
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
	size_t len, fields;
	const char *why;
	int r = read_line(h, i, &line, &len);
	if (r < 0) {
		why = errno_text(-r);
		entry_clear(out);
	} else {
		why = parse_line(line, len, out, &fields);
		free(line);
	}
	if (why) {
		out->time = 0;
		out->uid = CAPCTL_UID_AGENT;
		out->action = xstrdup("unreadable");
		out->detail = xasprintf("line %zu of %s cannot be read: %s", i + 1, h->path, why);
	}
	return 0;
}

void history_entry_fini(struct history_entry *e)
{
	free(e->action);
	free(e->detail);
}
