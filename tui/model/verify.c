/* History's chain checked as a third party would: nothing the agent says
 * about its own chain is taken on trust but the bytes of each entry, and
 * what the user saw last time is kept on their side, where the agent
 * cannot rewrite it. */
#define _GNU_SOURCE
#include "model/verify.h"
#include "i18n.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SEEN_MAX 4096 /* far more than the two lines capctl writes */

void verify_init(struct verify *v, const struct verify_seen *seen)
{
	*v = (struct verify){.seen = *seen};
}

void verify_fini(struct verify *v)
{
	free(v->fault_detail);
	v->fault_detail = NULL;
}

/* Keeps the fault when it is older than the one kept (n counts from the
 * newest), so the one kept at the end is the first in the chain. */
static bool fault_at(struct verify *v, enum verify_fault kind, uint64_t n, uint64_t seq,
                     uint64_t time, uint64_t before)
{
	if (v->fault != VERIFY_OK && n <= v->fault_n)
		return false;
	v->fault = kind;
	v->fault_n = n;
	v->fault_seq = seq;
	v->fault_time = time;
	v->fault_before = before;
	free(v->fault_detail);
	v->fault_detail = NULL;
	return true;
}

/* The entry History returns for a line the agent cannot read. */
static bool unreadable(uint64_t time, const char *action, uint32_t uid)
{
	return time == 0 && uid == UINT32_MAX && strcmp(action, "unreadable") == 0;
}

void verify_feed(struct verify *v, uint64_t time, const char *action, const char *detail,
                 uint32_t uid, uint64_t seq, const char *prev, const char *hash)
{
	uint64_t n = ++v->n;
	char want[CHAIN_HEX + 1];
	if (seq == 0) {
		if (fault_at(v, VERIFY_OUTSIDE, n, 0, time, v->any ? v->oldest_seq : 0))
			v->fault_detail = xstrdup(detail);
		return;
	}
	if (v->any && seq + 1 != v->oldest_seq)
		fault_at(v, VERIFY_GAP, n - 1, v->oldest_seq, v->oldest_time, seq);
	else if (v->any && strcmp(v->oldest_prev, hash) != 0)
		fault_at(v, VERIFY_LINK, n - 1, v->oldest_seq, v->oldest_time, seq);
	chain_hash(prev, seq, time, action, detail, uid, want);
	if (strcmp(want, hash) != 0 && fault_at(v, VERIFY_HASH, n, seq, time, 0) &&
	    unreadable(time, action, uid))
		v->fault_detail = xstrdup(detail);
	if (!v->any) {
		v->any = true;
		v->newest_seq = seq;
		v->newest_time = time;
		memcpy(v->newest_hash, hash, sizeof v->newest_hash);
	}
	v->oldest_seq = seq;
	v->oldest_time = time;
	memcpy(v->oldest_prev, prev, sizeof v->oldest_prev);
	if (v->seen.have && seq == v->seen.seq) {
		v->seen_found = true;
		v->seen_differs = strcmp(hash, v->seen.hash) != 0;
		v->seen_now_time = time;
	}
}

void verify_finish(struct verify *v)
{
	if (v->any && v->oldest_seq == 1 && strcmp(v->oldest_prev, chain_zero) != 0)
		fault_at(v, VERIFY_FIRST, v->n, 1, v->oldest_time, 0);
	if (v->fault != VERIFY_OK || !v->seen.have)
		return;
	if (!v->seen_found)
		v->fault = VERIFY_GONE;
	else if (v->seen_differs)
		fault_at(v, VERIFY_REPLACED, 0, v->seen.seq, v->seen_now_time, 0);
}

struct verify_seen verify_newest(const struct verify *v, uint64_t now)
{
	struct verify_seen s = {
	    .have = v->any, .seq = v->newest_seq, .time = v->newest_time, .checked = now};
	memcpy(s.hash, v->any ? v->newest_hash : chain_zero, sizeof s.hash);
	return s;
}

/* A local time: "2026-12-03 14:05:09" (seconds) or "2026-12-03 14:05". */
static const char *when(uint64_t usec, bool seconds, char *buf, size_t size)
{
	time_t t = (time_t)(usec / 1000000);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, size, seconds ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%d %H:%M", &tm);
	return buf;
}

/* "entries you saw are gone: ..." */
static void gone_sentence(const struct verify *v, bool local, char *buf, size_t size)
{
	char t1[32], t2[32], d[32];
	int k = snprintf(
	    buf, size,
	    L_(local, "entries you saw are gone; you last saw entry %" PRIu64 " (%s) on %s, "),
	    v->seen.seq, when(v->seen.time, true, t1, sizeof t1),
	    when(v->seen.checked, false, d, sizeof d));
	if (k < 0 || (size_t)k >= size)
		return;
	if (!v->any)
		snprintf(buf + k, size - (size_t)k, L_(local, "and History is empty now"));
	else if (v->seen.seq < v->oldest_seq)
		snprintf(buf + k, size - (size_t)k,
		         L_(local, "and the oldest entry kept now is entry %" PRIu64),
		         v->oldest_seq);
	else
		snprintf(buf + k, size - (size_t)k,
		         L_(local, "and the newest now is entry %" PRIu64 " (%s)"), v->newest_seq,
		         when(v->newest_time, true, t2, sizeof t2));
}

/* "entry 17 (2026-12-03 14:05:09) does not follow entry 15: ..." */
static void gap_sentence(const struct verify *v, bool local, const char *t, char *buf, size_t size)
{
	uint64_t s = v->fault_seq, b = v->fault_before;
	if (b >= s)
		snprintf(buf, size,
		         L_(local, "entry %" PRIu64 " (%s) does not follow entry %" PRIu64
		                   "; History is out of order"),
		         s, t, b);
	else if (b + 2 == s)
		snprintf(buf, size,
		         L_(local, "entry %" PRIu64 " (%s) does not follow entry %" PRIu64
		                   "; entry %" PRIu64 " is missing"),
		         s, t, b, b + 1);
	else
		snprintf(buf, size,
		         L_(local, "entry %" PRIu64 " (%s) does not follow entry %" PRIu64
		                   "; entries %" PRIu64 " to %" PRIu64 " are missing"),
		         s, t, b, b + 1, s - 1);
}

static void fault_sentence(const struct verify *v, bool local, char *buf, size_t size)
{
	char t[32], d[32];
	when(v->fault_time, true, t, sizeof t);
	switch (v->fault) {
	case VERIFY_OK:
		break;
	case VERIFY_HASH:
		if (v->fault_detail)
			snprintf(buf, size,
			         L_(local, "entry %" PRIu64 " cannot be read by the agent: %s"),
			         v->fault_seq, v->fault_detail);
		else
			snprintf(buf, size,
			         L_(local, "entry %" PRIu64
			                   " (%s) does not match its hash; it was changed "
			                   "after it was written"),
			         v->fault_seq, t);
		break;
	case VERIFY_LINK:
		snprintf(buf, size,
		         L_(local, "entry %" PRIu64 " (%s) does not follow entry %" PRIu64
		                   "; the hash it follows is not entry %" PRIu64 "'s"),
		         v->fault_seq, t, v->fault_before, v->fault_before);
		break;
	case VERIFY_GAP:
		gap_sentence(v, local, t, buf, size);
		break;
	case VERIFY_FIRST:
		snprintf(buf, size,
		         L_(local, "entry 1 (%s) does not start a chain; the hash it follows is "
		                   "not 64 zeros"),
		         t);
		break;
	case VERIFY_OUTSIDE:
		if (v->fault_before)
			snprintf(
			    buf, size,
			    L_(local, "a line before entry %" PRIu64 " is outside the chain: %s"),
			    v->fault_before, v->fault_detail);
		else
			snprintf(buf, size, L_(local, "the newest line is outside the chain: %s"),
			         v->fault_detail);
		break;
	case VERIFY_REPLACED:
		snprintf(buf, size,
		         L_(local,
		            "entry %" PRIu64 " (%s) is not the one you saw on %s; History was "
		            "rewritten from there"),
		         v->fault_seq, t, when(v->seen.checked, false, d, sizeof d));
		break;
	case VERIFY_GONE:
		gone_sentence(v, local, buf, size);
		break;
	}
}

void verify_sentence(const struct verify *v, bool local, char *buf, size_t size)
{
	char d[32];
	if (v->fault != VERIFY_OK) {
		fault_sentence(v, local, buf, size);
		return;
	}
	if (v->seen.have)
		snprintf(
		    buf, size,
		    LP_(local, "%" PRIu64 " entry, chain intact, extends what you last saw on %s",
		        "%" PRIu64 " entries, chain intact, extends what you last saw on %s", v->n),
		    v->n, when(v->seen.checked, false, d, sizeof d));
	else
		snprintf(buf, size,
		         LP_(local,
		             "%" PRIu64
		             " entry, chain intact; this is the first check, so there is "
		             "nothing seen before to compare with",
		             "%" PRIu64 " entries, chain intact; this is the first check, so there "
		             "is nothing seen before to compare with",
		             v->n),
		         v->n);
}

/* ---- history-seen: "BUS SEQ HASH TIME CHECKED" a line, per bus ---- */

static const char *const seen_bus[2] = {"session", "system"};

char *verify_seen_path(void)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/capctl/history-seen", xdg);
	if (home && *home)
		return xasprintf("%s/.local/state/capctl/history-seen", home);
	return NULL;
}

/* One line (NUL-terminated, no newline) into both[]: NULL, or what is
 * wrong with it. */
static const char *seen_line(char *line, struct verify_seen both[2])
{
	char *f[6], *p = line;
	size_t n = 0;
	for (char *tok; n < 6 && (tok = strsep(&p, " "));)
		f[n++] = tok;
	if (n != 5)
		return "it is not a bus, a sequence number, a hash and two times";
	int b = strcmp(f[0], "session") == 0 ? 0 : strcmp(f[0], "system") == 0 ? 1 : -1;
	struct verify_seen s = {.have = true};
	if (b < 0)
		return "its bus is neither session nor system";
	if (both[b].have)
		return "it names a bus an earlier line named";
	if (!parse_decimal(f[1], &s.seq) || s.seq == 0)
		return "its sequence number is not a whole number from 1";
	if (!chain_hex_valid(f[2]))
		return "its hash is not 64 lowercase hex digits";
	if (!parse_decimal(f[3], &s.time) || !parse_decimal(f[4], &s.checked))
		return "its times are not whole numbers";
	memcpy(s.hash, f[2], sizeof s.hash);
	both[b] = s;
	return NULL;
}

static int seen_parse(const char *path, char *text, size_t len, struct verify_seen both[2],
                      char **why)
{
	size_t line = 0;
	for (char *p = text; p < text + len; line++) {
		char *nl = memchr(p, '\n', (size_t)(text + len - p));
		if (!nl) {
			*why = xasprintf("%s: its last line is cut off", path);
			return -1;
		}
		*nl = '\0';
		const char *bad = NULL;
		if (memchr(p, '\0', (size_t)(nl - p)))
			bad = "it holds a NUL byte";
		else if (*p != '#')
			bad = seen_line(p, both);
		if (bad) {
			*why = xasprintf("%s, line %zu: %s", path, line + 1, bad);
			return -1;
		}
		p = nl + 1;
	}
	return 0;
}

/* Both buses' lines: 0 (a missing file holds none), or -1 with *why. */
static int seen_read(const char *path, struct verify_seen both[2], char **why)
{
	struct stat st;
	char buf[SEEN_MAX + 1];
	both[0] = both[1] = (struct verify_seen){0};
	*why = NULL;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 || fstat(fd, &st) < 0) {
		*why = xasprintf("%s cannot be read: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode))
		*why = xasprintf("%s is not a regular file", path);
	else if (st.st_uid != geteuid())
		*why =
		    xasprintf("%s belongs to uid %lu, not to you", path, (unsigned long)st.st_uid);
	else if (st.st_size > SEEN_MAX)
		*why = xasprintf("%s is larger than %d bytes, more than capctl writes", path,
		                 SEEN_MAX);
	if (*why)
		goto fail;
	ssize_t n = pread(fd, buf, sizeof buf, 0);
	if (n < 0 || n > SEEN_MAX) {
		*why = n < 0 ? xasprintf("%s cannot be read: %s", path, strerror(errno))
		             : xasprintf("%s is larger than %d bytes, more than capctl writes",
		                         path, SEEN_MAX);
		goto fail;
	}
	close(fd);
	return seen_parse(path, buf, (size_t)n, both, why);
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

static int bus_index(const char *bus)
{
	return strcmp(bus, seen_bus[1]) == 0;
}

int verify_seen_load(const char *path, const char *bus, struct verify_seen *out, char **why)
{
	struct verify_seen both[2];
	int r = seen_read(path, both, why);
	*out = r < 0 ? (struct verify_seen){0} : both[bus_index(bus)];
	return r;
}

int verify_seen_store(const char *path, const char *bus, const struct verify_seen *seen, char **why)
{
	struct verify_seen both[2];
	if (seen_read(path, both, why) < 0)
		return -1;
	both[bus_index(bus)] = *seen;
	char *text = xstrdup("# capctl history --verify: the newest History entry found intact, "
	                     "per bus: bus seq hash time checked\n");
	for (int b = 0; b < 2; b++) {
		if (!both[b].have)
			continue;
		char *next =
		    xasprintf("%s%s %" PRIu64 " %s %" PRIu64 " %" PRIu64 "\n", text, seen_bus[b],
		              both[b].seq, both[b].hash, both[b].time, both[b].checked);
		free(text);
		text = next;
	}
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	int r = 0;
	if (slash && slash != dir) {
		*slash = '\0';
		r = mkdir_p(dir);
	}
	if (r == 0)
		r = write_file_atomic(path, text, strlen(text));
	if (r < 0)
		*why = xasprintf("%s cannot be written: %s", path, strerror(-r));
	free(dir);
	free(text);
	return r < 0 ? -1 : 0;
}
