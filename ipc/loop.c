/* poll() over a flat array of fds, a short list of timers (programs here
 * have a handful) and one signalfd. */
#define _GNU_SOURCE
#include "loop.h"
#include "util.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#define STAT_SECONDS 60

struct loop_io {
	struct loop *loop;
	int fd;
	short events;
	int dead;
	loop_io_fn fn;
	void *data;
};

struct loop_timer {
	struct loop *loop;
	uint64_t deadline; /* 0 = disarmed */
	loop_timer_fn fn;
	void *data;
	struct loop_timer *next;
};

struct signal_handler {
	int signo;
	loop_signal_fn fn;
	void *data;
};

struct stat_bucket {
	uint64_t second; /* monotonic second this bucket counts */
	uint64_t wakeups;
	uint64_t cpu_usec; /* own CPU time at the first wakeup of that second */
};

struct loop {
	struct loop_io **ios;
	size_t n_ios, cap_ios;
	int ios_dirty;
	struct loop_timer *timers;
	struct signal_handler sigs[16];
	size_t n_sigs;
	sigset_t sigmask;
	int sigfd;
	struct loop_io *sig_io;
	int quit, code;
	uint64_t start_mono, start_cpu, wakeups;
	struct stat_bucket stats[STAT_SECONDS];
};

static uint64_t cpu_usec(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * USEC_PER_SEC +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

struct loop *loop_new(void)
{
	struct loop *l = xcalloc(1, sizeof *l);
	l->sigfd = -1;
	sigemptyset(&l->sigmask);
	l->start_mono = mono_usec();
	l->start_cpu = cpu_usec();
	return l;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n_ios; i++)
		free(l->ios[i]);
	free(l->ios);
	while (l->timers) {
		struct loop_timer *t = l->timers;
		l->timers = t->next;
		free(t);
	}
	if (l->sigfd >= 0) {
		close(l->sigfd);
		sigprocmask(SIG_UNBLOCK, &l->sigmask, NULL);
	}
	free(l);
}

struct loop_io *loop_io_add(struct loop *l, int fd, short events, loop_io_fn fn, void *data)
{
	struct loop_io *io = xcalloc(1, sizeof *io);
	*io = (struct loop_io){.loop = l, .fd = fd, .events = events, .fn = fn, .data = data};
	if (l->n_ios == l->cap_ios) {
		l->cap_ios = l->cap_ios ? l->cap_ios * 2 : 8;
		l->ios = xrealloc(l->ios, l->cap_ios * sizeof *l->ios);
	}
	l->ios[l->n_ios++] = io;
	return io;
}

void loop_io_set_events(struct loop_io *io, short events)
{
	io->events = events;
}

void loop_io_remove(struct loop_io *io)
{
	if (!io)
		return;
	io->dead = 1;
	io->loop->ios_dirty = 1;
}

static void reap_ios(struct loop *l)
{
	size_t j = 0;
	for (size_t i = 0; i < l->n_ios; i++) {
		if (l->ios[i]->dead)
			free(l->ios[i]);
		else
			l->ios[j++] = l->ios[i];
	}
	l->n_ios = j;
	l->ios_dirty = 0;
}

struct loop_timer *loop_timer_new(struct loop *l, loop_timer_fn fn, void *data)
{
	struct loop_timer *t = xcalloc(1, sizeof *t);
	*t = (struct loop_timer){.loop = l, .fn = fn, .data = data, .next = l->timers};
	l->timers = t;
	return t;
}

void loop_timer_arm(struct loop_timer *t, uint64_t mono_deadline)
{
	t->deadline = mono_deadline ? mono_deadline : 1;
}

void loop_timer_arm_in(struct loop_timer *t, uint64_t usec_from_now)
{
	loop_timer_arm(t, mono_usec() + usec_from_now);
}

void loop_timer_disarm(struct loop_timer *t)
{
	if (t)
		t->deadline = 0;
}

int loop_timer_armed(const struct loop_timer *t)
{
	return t->deadline != 0;
}

void loop_timer_free(struct loop_timer *t)
{
	if (!t)
		return;
	for (struct loop_timer **p = &t->loop->timers; *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			break;
		}
	}
	free(t);
}

static void on_signalfd(struct loop_io *io, int fd, short revents, void *data)
{
	struct loop *l = data;
	struct signalfd_siginfo si;
	(void)io;
	(void)revents;
	while (read(fd, &si, sizeof si) == (ssize_t)sizeof si) {
		for (size_t i = 0; i < l->n_sigs; i++)
			if (l->sigs[i].signo == (int)si.ssi_signo)
				l->sigs[i].fn((int)si.ssi_signo, l->sigs[i].data);
	}
}

int loop_signal(struct loop *l, int signo, loop_signal_fn fn, void *data)
{
	if (l->n_sigs == ARRAY_SIZE(l->sigs))
		return -ENOSPC;
	sigaddset(&l->sigmask, signo);
	if (sigprocmask(SIG_BLOCK, &l->sigmask, NULL) < 0)
		return -errno;
	int fd = signalfd(l->sigfd, &l->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (l->sigfd < 0) {
		l->sigfd = fd;
		l->sig_io = loop_io_add(l, fd, POLLIN, on_signalfd, l);
	}
	l->sigs[l->n_sigs++] = (struct signal_handler){signo, fn, data};
	return 0;
}

void loop_quit(struct loop *l, int code)
{
	l->quit = 1;
	l->code = code;
}

static void count_wakeup(struct loop *l, uint64_t now)
{
	uint64_t sec = (now - l->start_mono) / USEC_PER_SEC;
	struct stat_bucket *b = &l->stats[sec % STAT_SECONDS];
	if (b->second != sec || (b->wakeups == 0 && b->cpu_usec == 0)) {
		b->second = sec;
		b->wakeups = 0;
		b->cpu_usec = cpu_usec();
	}
	b->wakeups++;
	l->wakeups++;
}

void loop_get_stats(struct loop *l, struct loop_stats *out)
{
	uint64_t now = mono_usec(), cpu = cpu_usec();
	uint64_t sec = (now - l->start_mono) / USEC_PER_SEC;
	uint64_t first = sec >= STAT_SECONDS ? sec - STAT_SECONDS + 1 : 0;
	uint64_t wakeups = 0, oldest_sec = UINT64_MAX, window_cpu = l->start_cpu;
	uint64_t window_start = first ? l->start_mono + first * USEC_PER_SEC : l->start_mono;

	for (size_t i = 0; i < STAT_SECONDS; i++) {
		const struct stat_bucket *b = &l->stats[i];
		if (b->wakeups == 0 || b->second < first || b->second > sec)
			continue;
		wakeups += b->wakeups;
		if (b->second < oldest_sec) {
			oldest_sec = b->second;
			if (first)
				window_cpu = b->cpu_usec;
		}
	}
	/* Between wakeups the process sleeps and uses no CPU, so the CPU time
	 * at the window's first wakeup is its CPU time at the window's start. */
	double window = (double)(now - window_start) / 1e6;
	if (window < 1)
		window = 1;
	*out = (struct loop_stats){
	    .wakeups_per_second = (double)wakeups / window,
	    .cpu_percent = 100.0 * (double)(cpu - window_cpu) / 1e6 / window,
	    .cpu_seconds = (double)(cpu - l->start_cpu) / 1e6,
	    .wakeups_total = l->wakeups,
	};
}

static int next_timeout(struct loop *l, uint64_t now)
{
	uint64_t best = 0;
	for (struct loop_timer *t = l->timers; t; t = t->next)
		if (t->deadline && (!best || t->deadline < best))
			best = t->deadline;
	if (!best)
		return -1;
	if (best <= now)
		return 0;
	uint64_t ms = (best - now + 999) / 1000;
	return ms > 86400000 ? 86400000 : (int)ms;
}

static void run_timers(struct loop *l, uint64_t now)
{
	/* A callback may arm, disarm or free any timer: restart the scan after
	 * each one fires, and fire each due timer at most once per pass. */
	for (;;) {
		struct loop_timer *due = NULL;
		for (struct loop_timer *t = l->timers; t; t = t->next)
			if (t->deadline && t->deadline <= now) {
				due = t;
				break;
			}
		if (!due)
			return;
		due->deadline = 0;
		due->fn(due, due->data);
		if (l->quit)
			return;
	}
}

int loop_run(struct loop *l)
{
	struct pollfd *pfds = NULL;
	size_t cap = 0;

	l->quit = 0;
	while (!l->quit) {
		if (l->ios_dirty)
			reap_ios(l);
		if (cap < l->n_ios) {
			cap = l->n_ios;
			pfds = xrealloc(pfds, cap * sizeof *pfds);
		}
		size_t n = l->n_ios;
		for (size_t i = 0; i < n; i++)
			pfds[i] = (struct pollfd){.fd = l->ios[i]->fd, .events = l->ios[i]->events};
		int timeout = next_timeout(l, mono_usec());
		int r = poll(pfds, n, timeout);
		if (r < 0 && errno != EINTR) {
			log_msg(LOG_LEVEL_ERR, "poll: %s", strerror(errno));
			loop_quit(l, 1);
			break;
		}
		uint64_t now = mono_usec();
		count_wakeup(l, now);
		for (size_t i = 0; r > 0 && i < n && !l->quit; i++) {
			struct loop_io *io = l->ios[i];
			if (pfds[i].revents && !io->dead)
				io->fn(io, io->fd, pfds[i].revents, io->data);
		}
		if (!l->quit)
			run_timers(l, mono_usec());
	}
	free(pfds);
	return l->code;
}
