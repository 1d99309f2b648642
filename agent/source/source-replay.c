/* The replay source: an evemu-record recording, checked whole before the
 * first event, then fed through the evdev decoder on a timer. The events
 * keep the recording's own clock (shifted to start now); the speed only
 * says how fast they are fed, so the loop is never blocked: each wakeup
 * feeds what is due, at most REPLAY_CHUNK input events. */
#define _GNU_SOURCE
#include "source/evdecode.h"
#include "i18n.h"
#include "source/evemu.h"
#include "source/source.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/input-event-codes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* At full speed a chunk of this many input events, then the loop gets a
 * turn (D-Bus calls, signals) before the next one. */
#define REPLAY_CHUNK 4096
/* In real time, one wakeup feeds everything due in the next 50 ms: the
 * events keep their own times, so feeding a little early or late changes
 * nothing but the wakeup count. */
#define REPLAY_BATCH_USEC 50000

struct replay_source {
	struct source base;
	struct source_cb cb;
	struct evemu rec;
	size_t next;
	double speed;
	uint64_t start_real, start_mono;
	struct evdecode dec;
	struct loop_timer *timer;
};

/* When (monotonic) the input event i is due. */
static uint64_t due(const struct replay_source *s, size_t i)
{
	/* A tiny speed would overflow the cast: such an event is never due. */
	double later = (double)s->rec.ev[i].t / s->speed;
	return later < 1e15 ? s->start_mono + (uint64_t)later : UINT64_MAX / 2;
}

static void on_timer(struct loop_timer *t, void *data)
{
	struct replay_source *s = data;
	uint64_t horizon = mono_usec() + REPLAY_BATCH_USEC;
	size_t fed = 0;

	while (s->next < s->rec.n && fed < REPLAY_CHUNK) {
		const struct evemu_event *e = &s->rec.ev[s->next];
		if (s->speed > 0 && due(s, s->next) > horizon)
			break;
		evdecode_feed(&s->dec, s->start_real + e->t, e->type, e->code, e->value,
		              s->cb.event, s->cb.data);
		s->next++;
		fed++;
	}
	if (s->next == s->rec.n) {
		/* A last frame without its SYN_REPORT is incomplete and is
		 * not emitted, as the kernel's readers would not either. The
		 * callback may stop the loop: nothing here runs after it. */
		s->cb.end(s->cb.data);
		return;
	}
	if (fed == REPLAY_CHUNK || s->speed == 0)
		loop_timer_arm_in(t, 0);
	else
		loop_timer_arm(t, due(s, s->next));
}

static void replay_free(struct source *base)
{
	struct replay_source *s = (struct replay_source *)base;
	loop_timer_free(s->timer);
	evemu_fini(&s->rec);
	free(s);
}

/* The file is read a chunk at a time into one buffer and parsed a chunk
 * of whole lines at a time, so that the text is never held whole (a pipe
 * too: it is read before the loop runs). */
#define READ_CHUNK (64 << 10)

/* The lines of fd parsed into p: 0 or -errno. */
static int read_lines(int fd, struct evemu_parser *p)
{
	size_t cap = READ_CHUNK, have = 0;
	char *buf = xmalloc(cap);
	int r = 0;
	for (;;) {
		if (have == cap) /* a line longer than the buffer */
			buf = xrealloc(buf, cap *= 2);
		ssize_t got = read(fd, buf + have, cap - have);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			r = got < 0 ? -errno : 0;
			break;
		}
		have += (size_t)got;
		const char *nl = memrchr(buf, '\n', have);
		if (!nl)
			continue;
		size_t whole = (size_t)(nl + 1 - buf);
		if (evemu_more(p, buf, whole) < 0)
			break;
		memmove(buf, buf + whole, have - whole);
		have -= whole;
	}
	if (r == 0 && have) /* the last line, without a newline */
		evemu_more(p, buf, have);
	free(buf);
	return r;
}

/* The file parsed whole into rec. */
static int load(const char *path, struct evemu *rec, char **error)
{
	*error = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;
	struct stat st;
	if (fd < 0)
		r = -errno;
	else
		r = fstat(fd, &st) < 0 ? -errno : S_ISDIR(st.st_mode) ? -EISDIR : 0;
	struct evemu_parser p;
	evemu_begin(&p, path, rec);
	if (r == 0)
		r = read_lines(fd, &p);
	if (fd >= 0)
		close(fd);
	if (r < 0) {
		char *ignored;
		evemu_end(&p, &ignored);
		free(ignored);
		*error = xasprintf(_("%s: cannot read: %s"), path, errno_text(-r));
		return r;
	}
	return evemu_end(&p, error);
}

struct evemu *source_replay_load(const char *path, char **error)
{
	struct evemu *rec = xcalloc(1, sizeof *rec);
	if (load(path, rec, error) < 0) {
		free(rec);
		return NULL;
	}
	return rec;
}

void source_replay_discard(struct evemu *rec)
{
	if (rec) {
		evemu_fini(rec);
		free(rec);
	}
}

struct source *source_replay_new(struct loop *l, struct evemu *rec, double speed,
                                 const struct source_cb *cb)
{
	struct replay_source *s = xcalloc(1, sizeof *s);
	s->rec = *rec;
	free(rec);
	s->base = (struct source){"replay", replay_free};
	s->cb = *cb;
	s->speed = speed > 0 ? speed : 0;
	evdecode_init(&s->dec, NULL);
	if (s->rec.rel_declared)
		evdecode_declare_lowres(&s->dec, s->rec.rel_bits & (1ULL << REL_WHEEL),
		                        s->rec.rel_bits & (1ULL << REL_HWHEEL));
	s->start_real = now_usec();
	s->start_mono = mono_usec();
	s->timer = loop_timer_new(l, on_timer, s);
	loop_timer_arm_in(s->timer, 0);
	return &s->base;
}
