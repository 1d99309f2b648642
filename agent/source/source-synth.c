/* The synthetic source on the loop: fed in batches of up to 50 ms, the
 * events keep their own times and the agent wakes 20 times a second at
 * most. */
#include "source/source.h"
#include "source/synth.h"
#include "util.h"

#include <stdlib.h>

#define BATCH_USEC 50000

struct synth_source {
	struct source base;
	struct synth synth;
	struct loop_timer *timer;
	struct source_cb cb;
};

static void on_timer(struct loop_timer *t, void *data)
{
	struct synth_source *s = data;
	uint64_t now = now_usec();
	const struct event *e;

	while ((e = synth_peek(&s->synth))->time <= now) {
		s->cb.event(e, s->cb.data);
		synth_pop(&s->synth);
	}
	uint64_t next = e->time - now;
	loop_timer_arm_in(t, next < BATCH_USEC ? BATCH_USEC : next);
}

static void synth_free(struct source *base)
{
	struct synth_source *s = (struct synth_source *)base;
	loop_timer_free(s->timer);
	free(s);
}

struct source *source_synthetic_new(struct loop *l, uint64_t seed, const struct source_cb *cb)
{
	struct synth_source *s = xcalloc(1, sizeof *s);
	s->base = (struct source){"synthetic", synth_free};
	s->cb = *cb;
	synth_init(&s->synth, seed, now_usec());
	s->timer = loop_timer_new(l, on_timer, s);
	loop_timer_arm_in(s->timer, 0);
	return &s->base;
}

void source_free(struct source *s)
{
	if (s)
		s->free(s);
}
