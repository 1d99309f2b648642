/* Small things every module needs: allocation that cannot fail, the two
 * clocks, logging to stderr, atomic file writes and string escaping. */
#ifndef CAPCTL_UTIL_H
#define CAPCTL_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define USEC_PER_SEC 1000000ULL
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Out of memory aborts here, once, instead of at every call site. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* At most n bytes of s, NUL-terminated. */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Microseconds since the Unix epoch (realtime) and since boot (monotonic). */
uint64_t now_usec(void);
uint64_t mono_usec(void);

/* The priorities of sd-daemon(3) (those of syslog(3)) that log lines have. */
enum log_level {
	LOG_LEVEL_ERR = 3,     /* something failed */
	LOG_LEVEL_WARNING = 4, /* something is not as it should be; the agent goes on */
	LOG_LEVEL_INFO = 6,    /* what happened: History, the source, uploads */
	LOG_LEVEL_DEBUG = 7,
};
/* Sets the program name of the log lines, and finds out once whether stderr
 * is the journal ($JOURNAL_STREAM names stderr's device and inode). */
void log_init(const char *prog);
/* One log line on stderr: "<3>message" (each line of it so prefixed) when
 * stderr is the journal, else "prog: message". */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* strerror(e) in English whatever the locale: the agent's errno words
 * also go on the bus (History, StorageError, error replies), which never
 * change with the language. */
const char *errno_text(int e);

/* Writes len bytes to path through a temporary file in the same directory,
 * fsync and rename, mode 0600. Returns 0 or -errno. */
int write_file_atomic(const char *path, const void *data, size_t len);

/* fsync of the directory that holds path, so a rename in it is on disk.
 * 0 or -errno. */
int sync_parent_dir(const char *path);

/* A file a person asked for, written whole or not at all: the text goes to
 * a temporary sibling (0600, never named to the person), which becomes
 * path only when complete. */
struct out_file {
	FILE *f; /* write here */
	char *path, *tmp;
};
/* 0, or -errno (-EEXIST: path exists and replace is false). */
int out_file_open(struct out_file *o, const char *path, bool replace);
/* Flushes, fsyncs and closes the text, renames it to path (never over a
 * file that appeared meanwhile unless replace) and fsyncs the directory.
 * 0, or -errno: before the rename nothing is left behind; a failed fsync
 * of the directory leaves path complete but perhaps not yet on disk.
 * Frees o either way. */
int out_file_commit(struct out_file *o, bool replace);
/* Removes the temporary file and frees o. */
void out_file_abort(struct out_file *o);

/* mkdir -p with mode 0700 for the directories it creates. 0 or -errno. */
int mkdir_p(const char *path);

/* Escapes backslash, tab and newline (and other control bytes) so a string
 * fits in one tab-separated line; unescape reverses it in place. */
char *escape_field(const char *s);
void unescape_field(char *s);
/* unescape_field for text that must be exactly what escape_field wrote:
 * false (s then undefined) on a raw control byte, an escape escape_field
 * never writes, or an escaped NUL. */
bool unescape_field_strict(char *s);

/* Local wall-clock time of a realtime microsecond stamp: "14:32" when it is
 * today, else "2027-01-04 14:32". buf holds at least 32 bytes. */
void format_local_time(uint64_t usec, uint64_t now, char *buf, size_t size);
/* The same for the end of something, rounded up to the minute: what is said
 * to last until 14:33 does. */
void format_local_end(uint64_t usec, uint64_t now, char *buf, size_t size);
/* "s" unless n is 1: "%u segment%s". */
const char *plural(uint64_t n);
/* "2027-01-04" in local time. */
void format_local_date(uint64_t usec, char *buf, size_t size);

/* Realtime microseconds of the local midnight that starts usec's day, and
 * of the next one. */
uint64_t local_midnight(uint64_t usec);
uint64_t next_local_midnight(uint64_t usec);
/* A number that changes exactly at local midnight (days since an epoch). */
int64_t local_day(uint64_t usec);
/* Days since 1970-01-01 of a date (month 1-12, day 1-31) in the proleptic
 * Gregorian calendar; negative before it. */
int64_t days_from_civil(int64_t y, int m, int d);

/* The code point at s (len bytes available): its length in bytes, 1 to 4,
 * or -1 if s does not start with a valid UTF-8 sequence. */
int utf8_decode(const char *s, size_t len, uint32_t *cp);
/* True if s is valid UTF-8. */
bool utf8_valid(const char *s, size_t len);
/* True for the code points that must never reach a terminal as they are:
 * C0 controls (newline and tab included: callers that allow them check
 * first), DEL, C1 controls, and the bidi marks, embeddings, overrides and
 * isolates (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) that can
 * make text read other than it is. The console's sanitizer shows them
 * visibly; the agent refuses them in the policy's notice. */
bool utf8_cp_unsafe(uint32_t cp);
/* The length of the longest prefix of s (len bytes) that is at most max
 * bytes and does not end inside a UTF-8 sequence. */
size_t utf8_cut(const char *s, size_t len, size_t max);

/* A decimal number as printf writes it (digits, no sign, no leading zero),
 * the whole of s, within 64 bits: for the files capctl writes. */
bool parse_decimal(const char *s, uint64_t *v);

#endif
