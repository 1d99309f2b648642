/* The one poll() loop each program runs: file descriptors, monotonic
 * one-shot timers and signals (through signalfd). With nothing due the
 * loop sleeps without a timeout, so an idle program does not wake. It also
 * counts its own wakeups and samples its CPU time once a second while awake,
 * which is what the agent reports as its cost. */
#ifndef CAPCTL_LOOP_H
#define CAPCTL_LOOP_H

#include <stdint.h>

struct loop;
struct loop_io;
struct loop_timer;

typedef void (*loop_io_fn)(struct loop_io *io, int fd, short revents, void *data);
typedef void (*loop_timer_fn)(struct loop_timer *t, void *data);
typedef void (*loop_signal_fn)(int signo, void *data);

struct loop *loop_new(void);
void loop_free(struct loop *l);

/* Watches fd for events (POLLIN, POLLOUT). The loop owns the returned
 * handle; loop_io_remove frees it and is safe inside any callback. */
struct loop_io *loop_io_add(struct loop *l, int fd, short events, loop_io_fn fn, void *data);
void loop_io_set_events(struct loop_io *io, short events);
void loop_io_remove(struct loop_io *io);

/* A timer fires once at a monotonic deadline (mono_usec()); re-arm it from
 * its callback for periodic work. Freed with loop_timer_free. */
struct loop_timer *loop_timer_new(struct loop *l, loop_timer_fn fn, void *data);
void loop_timer_arm(struct loop_timer *t, uint64_t mono_deadline);
void loop_timer_arm_in(struct loop_timer *t, uint64_t usec_from_now);
void loop_timer_disarm(struct loop_timer *t);
int loop_timer_armed(const struct loop_timer *t);
void loop_timer_free(struct loop_timer *t);

/* Delivers signo through the loop instead of a handler. 0 or -errno. */
int loop_signal(struct loop *l, int signo, loop_signal_fn fn, void *data);

/* Runs until loop_quit; returns the code given to it. */
int loop_run(struct loop *l);
void loop_quit(struct loop *l, int code);

/* Wakeups per second and the share of one core used, both over the last
 * 60 s (or since start if shorter), and CPU seconds since start. */
struct loop_stats {
	double wakeups_per_second;
	double cpu_percent;
	double cpu_seconds;
	uint64_t wakeups_total;
};
void loop_get_stats(struct loop *l, struct loop_stats *out);

#endif
