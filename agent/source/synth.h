/* The synthetic source: plausible human input from a seed, so the whole
 * system can be tried on any machine. Pure: it produces the event stream
 * with its own timestamps; the caller feeds events as their time comes. */
#ifndef CAPTURED_SYNTH_H
#define CAPTURED_SYNTH_H

#include <stdint.h>

#include "event.h"

#define SYNTH_QUEUE 512

struct synth {
	uint64_t rng;
	uint64_t t; /* time of the last generated event */
	int32_t x, y;
	int app; /* index of the focused application */
	struct event queue[SYNTH_QUEUE];
	unsigned head, len;
};

/* Starts at time start with the given seed; the first event is a focus. */
void synth_init(struct synth *s, uint64_t seed, uint64_t start);
/* The next event, in time order. Never runs out. */
const struct event *synth_peek(struct synth *s);
void synth_pop(struct synth *s);

#endif
