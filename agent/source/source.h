/* Input sources. Each one turns its input (the X server, evdev devices, an
 * evemu recording, the synthetic generator) into events on the agent's
 * loop and reports them, raw and at full fidelity, through the callbacks:
 * the filter decides what is kept. A source never blocks the loop. */
#ifndef CAPTURED_SOURCE_H
#define CAPTURED_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "loop.h"

/* Focus events from a source carry text "application\ttitle\talias": the
 * alias (on X11 the other part of WM_CLASS) is matched against the
 * exclusion list and never kept. Either part may be empty. */

struct source_cb {
	/* One event, in time order. */
	void (*event)(const struct event *e, void *data);
	/* The source lost its input (ok false: the agent goes idle, why says
	 * why in words) or has it again. */
	void (*status)(bool ok, const char *why, void *data);
	/* A replay reached its end. */
	void (*end)(void *data);
	void *data;
};

struct evemu;

struct source {
	const char *name; /* "x11", "evdev", "replay", "synthetic" */
	void (*free)(struct source *s);
};

/* Each constructor returns NULL with *error set (heap, a sentence naming
 * what to do) when the source cannot start. */
struct source *source_synthetic_new(struct loop *l, uint64_t seed, const struct source_cb *cb);
/* Reads and checks a whole recording, so that a bad one stops the agent
 * before it touches anything: NULL with *error (heap) "FILE: cannot read:
 * ..." or "FILE:LINE: what is wrong". The replay source takes it over. */
struct evemu *source_replay_load(const char *path, char **error);
void source_replay_discard(struct evemu *rec);
struct source *source_replay_new(struct loop *l, struct evemu *rec, double speed,
                                 const struct source_cb *cb);
struct source *source_evdev_new(struct loop *l, const struct source_cb *cb, char **error);
struct source *source_x11_new(struct loop *l, const struct source_cb *cb, char **error);

void source_free(struct source *s);

#endif
