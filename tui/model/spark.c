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
