/* The activity minutes (activity.h): a sorted array in memory, appended to
 * its file as minutes end. */
#define _GNU_SOURCE
#include "store/activity.h"
#include "store/state.h" /* state_aside_name */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MIN_USEC (60 * USEC_PER_SEC)
#define MIN_MS 60000u
#define HEADER "capctl-activity 1\n"

struct act_minute {
	int64_t minute;
	uint32_t counts[N_STREAMS];
	uint32_t ms[N_ACT_STATES]; /* milliseconds each state held */
	bool dirty;                /* not in the file as it is */
};

struct activity {
	char *path;
	int fd;
	struct act_minute *m; /* by minute, ascending */
	size_t n, cap;
	size_t dirty_lo; /* no dirty minute before this index */
	enum act_state state;
	uint64_t since; /* realtime µs the state holds from; 0: none yet */
};

static const char *const state_names[] = {"collecting", "paused", "exempt",
                                          "suspended",  "idle",   "off"};

const char *act_state_name(enum act_state s)
{
	return state_names[s];
}

static int64_t minute_of(uint64_t t)
{
	return (int64_t)(t / MIN_USEC);
}

/* The index of minute, or where it would go. */
static size_t find(const struct activity *a, int64_t minute)
{
	size_t lo = 0, hi = a->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a->m[mid].minute < minute)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct act_minute *get(struct activity *a, int64_t minute)
{
	size_t i = find(a, minute);
	if (i < a->n && a->m[i].minute == minute)
		return &a->m[i];
	if (a->n == a->cap)
		a->m = xrealloc(a->m, (a->cap = a->cap ? 2 * a->cap : 256) * sizeof *a->m);
	memmove(&a->m[i + 1], &a->m[i], (a->n - i) * sizeof *a->m);
	a->n++;
	a->m[i] = (struct act_minute){.minute = minute};
	if (i <= a->dirty_lo)
		a->dirty_lo = i;
	else if (a->dirty_lo != SIZE_MAX && a->dirty_lo >= i)
		a->dirty_lo++;
	return &a->m[i];
}

static void touch(struct activity *a, struct act_minute *m)
{
	size_t i = (size_t)(m - a->m);
	m->dirty = true;
	if (i < a->dirty_lo)
		a->dirty_lo = i;
}

void activity_count(struct activity *a, uint64_t t, enum stream s)
{
	struct act_minute *m = get(a, minute_of(t));
	m->counts[s]++;
	touch(a, m);
}

void activity_uncount(struct activity *a, uint64_t t, enum stream s)
{
	size_t i = find(a, minute_of(t));
	if (i < a->n && a->m[i].minute == minute_of(t) && a->m[i].counts[s]) {
		a->m[i].counts[s]--;
		touch(a, &a->m[i]);
	}
}

/* The time from since to now goes to the state held: whole milliseconds
 * by their absolute boundaries, so folding often loses nothing. */
static void fold(struct activity *a, uint64_t now)
{
	if (!a->since || now <= a->since || a->state == ACT_OFF) {
		if (a->since < now)
			a->since = now;
		return;
	}
	uint64_t from = a->since / 1000, to = now / 1000; /* ms */
	while (from < to) {
		uint64_t end = (from / MIN_MS + 1) * MIN_MS;
		if (end > to)
			end = to;
		struct act_minute *m = get(a, (int64_t)(from / MIN_MS));
		uint32_t used = 0;
		for (int k = 0; k < N_ACT_STATES; k++)
			used += m->ms[k];
		uint32_t add = (uint32_t)(end - from);
		m->ms[a->state] += add + used > MIN_MS ? (used < MIN_MS ? MIN_MS - used : 0) : add;
		touch(a, m);
		from = end;
	}
	a->since = now;
}

void activity_state(struct activity *a, uint64_t now, enum act_state st)
{
	fold(a, now);
	a->state = st;
	a->since = now;
}

void activity_forget(struct activity *a, uint64_t from, uint64_t to)
{
	for (size_t i = find(a, minute_of(from)); i < a->n && a->m[i].minute < minute_of(to); i++) {
		memset(a->m[i].counts, 0, sizeof a->m[i].counts);
		touch(a, &a->m[i]);
	}
}

void activity_expire(struct activity *a, uint64_t cutoff)
{
	size_t k = find(a, minute_of(cutoff));
	if (!k)
		return;
	memmove(a->m, a->m + k, (a->n - k) * sizeof *a->m);
	a->n -= k;
	a->dirty_lo = a->dirty_lo == SIZE_MAX ? SIZE_MAX : a->dirty_lo > k ? a->dirty_lo - k : 0;
}

static void format_minute(struct buf *b, const struct act_minute *m)
{
	char line[200];
	int n = snprintf(line, sizeof line,
	                 "%" PRId64 " %" PRIu32 " %" PRIu32 " %" PRIu32 " %" PRIu32 " %" PRIu32
	                 " %" PRIu32 " %" PRIu32 " %" PRIu32 " %" PRIu32 " %" PRIu32 "\n",
	                 m->minute, m->counts[0], m->counts[1], m->counts[2], m->counts[3],
	                 m->counts[4], m->ms[0], m->ms[1], m->ms[2], m->ms[3], m->ms[4]);
	buf_put(b, line, (size_t)n);
}

static int write_all_fd(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int activity_flush(struct activity *a, uint64_t now)
{
	struct buf b = {0};
	int64_t current = minute_of(now);
	size_t lo = SIZE_MAX;
	fold(a, now);
	for (size_t i = a->dirty_lo; a->dirty_lo != SIZE_MAX && i < a->n; i++) {
		if (!a->m[i].dirty)
			continue;
		if (a->m[i].minute >= current) {
			lo = lo == SIZE_MAX ? i : lo;
			continue;
		}
		format_minute(&b, &a->m[i]);
		a->m[i].dirty = false;
	}
	a->dirty_lo = lo;
	int r = b.len && a->fd >= 0 ? write_all_fd(a->fd, b.p, b.len) : 0;
	buf_free(&b);
	return r;
}

/* ---- the file ---- */

/* One line: 11 numbers separated by single spaces, each in range. */
static bool parse_line(char *text, struct act_minute *m)
{
	uint64_t v[11];
	char *save = text, *tok;
	for (int i = 0; i < 11; i++)
		if (!(tok = strsep(&save, " ")) || !parse_decimal(tok, &v[i]))
			return false;
	if (save)
		return false;
	uint64_t ms = 0;
	for (int k = 0; k < N_ACT_STATES; k++)
		ms += v[6 + k];
	if (v[0] > INT64_MAX / MIN_USEC || ms > MIN_MS)
		return false;
	*m = (struct act_minute){.minute = (int64_t)v[0]};
	for (int s = 0; s < N_STREAMS; s++) {
		if (v[1 + s] > UINT32_MAX)
			return false;
		m->counts[s] = (uint32_t)v[1 + s];
	}
	for (int k = 0; k < N_ACT_STATES; k++)
		m->ms[k] = (uint32_t)v[6 + k];
	return true;
}

/* Reads the file's text into a; the line that does not read, or 0. */
static unsigned load(struct activity *a, char *text, uint64_t now)
{
	if (strncmp(text, HEADER, strlen(HEADER)) != 0)
		return 1;
	unsigned line = 1;
	for (char *p = text + strlen(HEADER), *nl; *p; p = nl + 1) {
		line++;
		if (!(nl = strchr(p, '\n')))
			return line; /* cut off */
		*nl = '\0';
		struct act_minute m;
		if (!parse_line(p, &m) || m.minute > minute_of(now) + 1440)
			return line;
		struct act_minute *slot = get(a, m.minute);
		*slot = m;
	}
	return 0;
}

/* The whole of a, written to a new file put in place of the old one. */
static int rewrite(struct activity *a)
{
	struct buf b = {0};
	buf_put(&b, HEADER, strlen(HEADER));
	for (size_t i = 0; i < a->n; i++)
		format_minute(&b, &a->m[i]);
	char *tmp = xasprintf("%s.new", a->path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), r;
	r = fd < 0 ? -errno : write_all_fd(fd, b.p, b.len);
	if (fd >= 0 && !r && fsync(fd) < 0)
		r = -errno;
	if (fd >= 0)
		close(fd);
	if (!r && rename(tmp, a->path) < 0)
		r = -errno;
	if (r)
		unlink(tmp);
	free(tmp);
	buf_free(&b);
	return r;
}

struct activity *activity_open(const char *path, uint64_t now, uint64_t keep_from, int *err,
                               char **recovered)
{
	struct activity *a = xcalloc(1, sizeof *a);
	struct buf file = {0};
	a->path = xstrdup(path);
	a->fd = -1;
	a->dirty_lo = SIZE_MAX;
	a->state = ACT_OFF;
	*recovered = NULL;
	int r = buf_read_file(path, &file);
	if (r < 0 && r != -ENOENT) {
		*err = r;
		goto fail;
	}
	if (r == 0) {
		buf_put(&file, "", 1);
		unsigned bad =
		    memchr(file.p, '\0', file.len - 1) ? 1 : load(a, (char *)file.p, now);
		if (bad) {
			char *aside = state_aside_name(path, now);
			a->n = 0;
			if (rename(path, aside) == 0)
				*recovered =
				    xasprintf("%s did not read at line %u; it is kept as %s", path,
				              bad, aside);
			free(aside);
		}
	}
	buf_free(&file);
	activity_expire(a, keep_from);
	for (size_t i = 0; i < a->n; i++)
		a->m[i].dirty = false;
	a->dirty_lo = SIZE_MAX;
	if ((r = rewrite(a)) < 0 || (a->fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)) < 0) {
		*err = r < 0 ? r : -errno;
		goto fail;
	}
	return a;
fail:
	free(*recovered);
	*recovered = NULL;
	free(a->m);
	free(a->path);
	free(a);
	return NULL;
}

void activity_close(struct activity *a, uint64_t now)
{
	if (!a)
		return;
	/* The minute under way is written as it stands. */
	fold(a, now);
	activity_flush(a, now + MIN_USEC);
	if (a->fd >= 0)
		close(a->fd);
	free(a->m);
	free(a->path);
	free(a);
}

void activity_steps(struct activity *a, uint64_t from, uint64_t to, uint32_t step, uint64_t now,
                    struct act_step *out, size_t n)
{
	uint64_t len = (uint64_t)step * USEC_PER_SEC;
	fold(a, now);
	size_t i = find(a, minute_of(from + MIN_USEC - 1));
	for (size_t k = 0; k < n; k++) {
		uint64_t start = from + k * len, end = start + len < to ? start + len : to;
		uint64_t ms[N_ACT_STATES + 1] = {0}, covered = 0;
		out[k] = (struct act_step){.start = start, .state = ACT_OFF};
		for (; i < a->n && (uint64_t)a->m[i].minute * MIN_USEC < end; i++) {
			for (int s = 0; s < N_STREAMS; s++)
				out[k].events[s] += a->m[i].counts[s];
			for (int st = 0; st < N_ACT_STATES; st++) {
				ms[st] += a->m[i].ms[st];
				covered += a->m[i].ms[st];
			}
		}
		/* What no state covers of the time gone by, the agent was off. */
		uint64_t past = now > start ? ((now < end ? now : end) - start) / 1000 : 0,
		         most = 0;
		ms[ACT_OFF] = past > covered ? past - covered : 0;
		for (int st = 0; st <= ACT_OFF; st++)
			if (ms[st] > most) {
				most = ms[st];
				out[k].state = (enum act_state)st;
			}
	}
}
