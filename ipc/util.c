/* Allocation, clocks, logging and the atomic file write shared by both
 * programs. */
#define _GNU_SOURCE
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *log_prog = "capctl";
static bool log_journal; /* stderr is the journal: sd-daemon priority prefixes */

static void *check(void *p)
{
	if (!p) {
		fputs("out of memory\n", stderr);
		abort();
	}
	return p;
}

void *xmalloc(size_t n)
{
	return check(malloc(n ? n : 1));
}

void *xcalloc(size_t n, size_t size)
{
	return check(calloc(n ? n : 1, size ? size : 1));
}

void *xrealloc(void *p, size_t n)
{
	return check(realloc(p, n ? n : 1));
}

char *xstrdup(const char *s)
{
	return check(strdup(s));
}

char *xstrndup(const char *s, size_t n)
{
	return check(strndup(s, n));
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		check(NULL);
	return s;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

const char *errno_text(int e)
{
	static locale_t c_locale;
	if (!c_locale)
		c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	return c_locale ? strerror_l(e, c_locale) : strerror(e);
}

static uint64_t clock_usec(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * USEC_PER_SEC + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t now_usec(void)
{
	return clock_usec(CLOCK_REALTIME);
}

uint64_t mono_usec(void)
{
	return clock_usec(CLOCK_BOOTTIME); /* counts suspend, unlike MONOTONIC */
}

/* $JOURNAL_STREAM is "DEV:INODE" of the stream systemd connected; it says
 * stderr is the journal only while stderr is still that stream (a child's
 * 2>file keeps the variable but not the stream). */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	char *end;
	struct stat st;
	if (!js || *js < '0' || *js > '9')
		return false;
	errno = 0;
	unsigned long long dev = strtoull(js, &end, 10), ino;
	if (errno || *end != ':' || end[1] < '0' || end[1] > '9')
		return false;
	ino = strtoull(end + 1, &end, 10);
	if (errno || *end || fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void log_init(const char *prog)
{
	log_prog = prog;
	log_journal = stderr_is_journal();
}

/* To the journal, every line of the message gets the priority (<3> ...), so
 * a line break in it cannot start a line of another priority; elsewhere
 * the message is prefixed with the program's name. */
void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (!log_journal) {
		fprintf(stderr, "%s: %s\n", log_prog, msg);
		free(msg);
		return;
	}
	for (const char *line = msg;;) {
		size_t len = strcspn(line, "\n");
		fprintf(stderr, "<%d>", (int)level);
		fwrite(line, 1, len, stderr);
		fputc('\n', stderr);
		line += len;
		if (!*line || !line[1])
			break;
		line++;
	}
	free(msg);
}

int write_file_atomic(const char *path, const void *data, size_t len)
{
	char *tmp = xasprintf("%s.XXXXXX", path);
	int fd = mkstemp(tmp);
	int r = 0;

	if (fd < 0) {
		r = -errno;
		goto out;
	}
	fchmod(fd, 0600);
	for (const char *p = data; len > 0;) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto fail;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) < 0) {
		r = -errno;
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		r = -errno;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		r = -errno;
		goto fail;
	}
	goto out;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	free(tmp);
	return r;
}

int sync_parent_dir(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir ? 1 : 0] = '\0';
	int fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;
	free(dir);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

static void out_file_free(struct out_file *o)
{
	free(o->path);
	free(o->tmp);
	*o = (struct out_file){0};
}

int out_file_open(struct out_file *o, const char *path, bool replace)
{
	struct stat st;
	*o = (struct out_file){0};
	if (!replace && lstat(path, &st) == 0)
		return -EEXIST;
	o->path = xstrdup(path);
	o->tmp = xasprintf("%s.XXXXXX", path);
	int fd = mkostemp(o->tmp, O_CLOEXEC); /* 0600 */
	if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
		int r = -errno;
		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		out_file_free(o);
		return r;
	}
	return 0;
}

/* rename without replacing: renameat2 where the file system has it, else
 * link, which fails on an existing name too. */
static int rename_new(const char *from, const char *to)
{
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	if (link(from, to) < 0)
		return -errno;
	unlink(from);
	return 0;
}

int out_file_commit(struct out_file *o, bool replace)
{
	int r = 0;
	if (fflush(o->f) != 0 || fsync(fileno(o->f)) != 0)
		r = -errno;
	if (fclose(o->f) != 0 && !r)
		r = -errno;
	o->f = NULL;
	if (!r)
		r = replace ? (rename(o->tmp, o->path) < 0 ? -errno : 0)
		            : rename_new(o->tmp, o->path);
	if (r)
		unlink(o->tmp);
	else
		r = sync_parent_dir(o->path);
	out_file_free(o);
	return r;
}

void out_file_abort(struct out_file *o)
{
	if (o->f)
		fclose(o->f);
	if (o->tmp)
		unlink(o->tmp);
	out_file_free(o);
}

int mkdir_p(const char *path)
{
	char *p = xstrdup(path);
	int r = 0;

	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST) {
			r = -errno;
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return r;
}

char *escape_field(const char *s)
{
	size_t n = strlen(s);
	char *out = xmalloc(n * 4 + 1), *o = out;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\\') {
			*o++ = '\\';
			*o++ = '\\';
		} else if (c == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else if (c == '\t') {
			*o++ = '\\';
			*o++ = 't';
		} else if (c < 0x20 || c == 0x7f) {
			o += sprintf(o, "\\x%02x", c);
		} else {
			*o++ = (char)c;
		}
	}
	*o = '\0';
	return out;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

void unescape_field(char *s)
{
	char *o = s;
	for (; *s; s++) {
		if (*s != '\\' || s[1] == '\0') {
			*o++ = *s;
			continue;
		}
		s++;
		if (*s == 'n') {
			*o++ = '\n';
		} else if (*s == 't') {
			*o++ = '\t';
		} else if (*s == 'x' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
			*o++ = (char)(hexval(s[1]) * 16 + hexval(s[2]));
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

bool unescape_field_strict(char *s)
{
	char *o = s;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			return false;
		if (c != '\\') {
			*o++ = *s;
			continue;
		}
		s++;
		if (*s == '\\' || *s == 'n' || *s == 't') {
			*o++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : '\\';
			continue;
		}
		int hi = *s == 'x' ? hexval(s[1]) : -1, lo = hi >= 0 ? hexval(s[2]) : -1;
		int v = hi * 16 + lo;
		if (lo < 0 || v == 0 || v == '\n' || v == '\t' || (v >= 0x20 && v != 0x7f))
			return false;
		*o++ = (char)v;
		s += 2;
	}
	*o = '\0';
	return true;
}

static struct tm local_tm(uint64_t usec)
{
	time_t t = (time_t)(usec / USEC_PER_SEC);
	struct tm tm;
	localtime_r(&t, &tm);
	return tm;
}

void format_local_time(uint64_t usec, uint64_t now, char *buf, size_t size)
{
	struct tm tm = local_tm(usec);
	if (local_day(usec) == local_day(now))
		strftime(buf, size, "%H:%M", &tm);
	else
		strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
}

void format_local_end(uint64_t usec, uint64_t now, char *buf, size_t size)
{
	uint64_t minute = 60 * USEC_PER_SEC;
	uint64_t up =
	    usec % minute && usec <= UINT64_MAX - minute ? usec - usec % minute + minute : usec;
	format_local_time(up, now, buf, size);
}

const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

void format_local_date(uint64_t usec, char *buf, size_t size)
{
	struct tm tm = local_tm(usec);
	strftime(buf, size, "%Y-%m-%d", &tm);
}

int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t local_day(uint64_t usec)
{
	struct tm tm = local_tm(usec);
	/* Days from civil, so the number is continuous across months. */
	return days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static uint64_t midnight(uint64_t usec, int days_ahead)
{
	struct tm tm = local_tm(usec);
	tm.tm_mday += days_ahead;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	return (uint64_t)t * USEC_PER_SEC;
}

uint64_t local_midnight(uint64_t usec)
{
	return midnight(usec, 0);
}

uint64_t next_local_midnight(uint64_t usec)
{
	return midnight(usec, 1);
}

int utf8_decode(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c = s[0];
	int extra;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		extra = 1;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		extra = 2;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		extra = 3;
		v = c & 0x07;
	} else {
		return -1;
	}
	if (len < (size_t)extra + 1)
		return -1;
	for (int i = 1; i <= extra; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		v = v << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and past U+10FFFF are not UTF-8. */
	if ((extra == 2 && v < 0x800) || (extra == 3 && (v < 0x10000 || v > 0x10ffff)) ||
	    (v >= 0xd800 && v <= 0xdfff))
		return -1;
	*cp = v;
	return extra + 1;
}

bool utf8_valid(const char *s, size_t len)
{
	uint32_t cp;
	for (size_t i = 0; i < len;) {
		int n = utf8_decode(s + i, len - i, &cp);
		if (n < 0)
			return false;
		i += (size_t)n;
	}
	return true;
}

bool utf8_cp_unsafe(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x061c || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

size_t utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	/* Back up over continuation bytes to the start of the character that
	 * straddles max; it is left out whole. */
	size_t n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

bool parse_decimal(const char *s, uint64_t *v)
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
