/* The model's sparklines: the last values of a figure the agent re-sends
 * as it changes, in slots of MODEL_SPARK_SLOT_USEC. */
#include "model/model.h"

#include <math.h>
#include <stdint.h>

void model_spark_add(struct model_spark *s, uint64_t now, double value)
{
	int64_t slot = (int64_t)(now / MODEL_SPARK_SLOT_USEC);
	if (!(value >= 0))
		value = 0; /* also NaN */
	if (!s->any) {
		s->any = true;
		s->first = s->last = slot;
		s->v[slot % MODEL_SPARK_SLOTS] = value;
	} else if (slot > s->last) {
		/* The slots with no update held the value before. */
		int64_t from =
		    slot - s->last > MODEL_SPARK_SLOTS ? slot - MODEL_SPARK_SLOTS + 1 : s->last + 1;
		for (int64_t k = from; k < slot; k++)
			s->v[k % MODEL_SPARK_SLOTS] = s->latest;
		s->v[slot % MODEL_SPARK_SLOTS] = value;
		s->last = slot;
	} else {
		/* The same slot, or a clock that went back: the largest. */
		double *v = &s->v[s->last % MODEL_SPARK_SLOTS];
		if (value > *v)
			*v = value;
	}
	s->latest = value;
}

size_t model_spark_values(const struct model_spark *s, uint64_t now, double *out, size_t n)
{
	int64_t slot = (int64_t)(now / MODEL_SPARK_SLOT_USEC);
	size_t known = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t k = slot - (int64_t)(n - 1 - i);
		if (!s->any || k < s->first || k <= s->last - MODEL_SPARK_SLOTS)
			out[i] = NAN;
		else if (k > s->last)
			out[i] = s->latest;
		else
			out[i] = s->v[k % MODEL_SPARK_SLOTS];
		known += !isnan(out[i]);
	}
	return known;
}

void model_tally_init(struct model_tally *t, uint64_t width)
{
	*t = (struct model_tally){.width = width};
}

/* Buckets after the last written, up to b, hold fill. */
static void tally_advance(struct model_tally *t, int64_t b, double fill)
{
	int64_t from = b - t->last > MODEL_TALLY_SLOTS ? b - MODEL_TALLY_SLOTS + 1 : t->last + 1;
	for (int64_t k = from; k <= b; k++)
		t->v[k % MODEL_TALLY_SLOTS] = fill;
	if (b > t->last)
		t->last = b;
}

/* delta spread evenly over from..to (µs), to's bucket the last written. */
static void tally_spread(struct model_tally *t, uint64_t from, uint64_t to, uint64_t delta)
{
	if (to == from) {
		t->v[t->last % MODEL_TALLY_SLOTS] += (double)delta;
		return;
	}
	for (int64_t k = (int64_t)(from / t->width); k <= t->last; k++) {
		uint64_t a = (uint64_t)k * t->width, b = a + t->width;
		uint64_t lo = a > from ? a : from, hi = b < to ? b : to;
		if (hi > lo && k > t->last - MODEL_TALLY_SLOTS)
			t->v[k % MODEL_TALLY_SLOTS] +=
			    (double)delta * (double)(hi - lo) / (double)(to - from);
	}
}

void model_tally_count(struct model_tally *t, uint64_t now, uint64_t counter)
{
	if (t->any && now < t->at)
		now = t->at; /* a clock that went back: counted with the last */
	int64_t b = (int64_t)(now / t->width);
	if (!t->any) {
		t->any = t->counting = true;
		t->since = now;
		t->last = b;
		t->v[b % MODEL_TALLY_SLOTS] = 0;
	} else if (!t->counting) {
		/* Back after a gap: unknown until now, counted from now. */
		if (b > t->last) {
			tally_advance(t, b - 1, NAN);
			tally_advance(t, b, 0);
		}
		t->counting = true;
	} else {
		uint64_t delta = counter >= t->counter ? counter - t->counter : counter;
		uint64_t from =
		    now - t->at < MODEL_TALLY_SETTLE_USEC ? t->at : now - MODEL_TALLY_SETTLE_USEC;
		tally_advance(t, b, 0);
		tally_spread(t, from, now, delta);
	}
	t->counter = counter;
	t->at = now;
}

void model_tally_gap(struct model_tally *t)
{
	t->counting = false;
}

size_t model_tally_values(const struct model_tally *t, uint64_t now, double *out, size_t n,
                          uint64_t *end)
{
	uint64_t settled = now > MODEL_TALLY_SETTLE_USEC ? now - MODEL_TALLY_SETTLE_USEC : 0;
	int64_t e = (int64_t)(settled / t->width) - 1, first = (int64_t)(t->since / t->width);
	size_t known = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t k = e - (int64_t)(n - 1 - i);
		if (!t->any || k < first || k <= t->last - MODEL_TALLY_SLOTS)
			out[i] = NAN;
		else if (k <= t->last)
			out[i] = t->v[k % MODEL_TALLY_SLOTS];
		else
			out[i] = t->counting ? 0 : NAN;
		known += !isnan(out[i]);
	}
	if (end)
		*end = e >= 0 ? (uint64_t)(e + 1) * t->width : 0;
	return known;
}
