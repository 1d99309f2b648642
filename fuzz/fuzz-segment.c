/* libFuzzer target: the segment decoder must refuse or decode any bytes,
 * and what it decodes must encode and decode again to the same events, as
 * a segment of its stream (or, for a bare payload, of a stream the first
 * byte picks): so every stream's priors are tried. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/segment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct seg_events *ev, enum stream s)
{
	struct seg_cols c;
	struct buf file = {0};
	struct seg_header h;
	struct seg_events again;
	seg_cols_init(&c, ev->n ? ev->time[0] : 0);
	for (uint32_t i = 0; i < ev->n; i++) {
		struct event e;
		seg_events_get(ev, i, s, &e);
		seg_cols_add(&c, &e);
	}
	if (segment_encode(&c, s, 1, &file) != 0 ||
	    segment_decode(file.p, file.len, &h, &again) != 0 || again.n != ev->n)
		abort();
	for (uint32_t i = 0; i < ev->n; i++)
		if (again.time[i] != ev->time[i] || again.x[i] != ev->x[i] ||
		    again.y[i] != ev->y[i] || again.code[i] != ev->code[i] ||
		    strcmp(again.pool + again.text[i], ev->pool + ev->text[i]) != 0)
			abort();
	seg_events_fini(&again);
	seg_cols_fini(&c);
	buf_free(&file);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seg_events ev;
	struct seg_header h;
	if (payload_decode(data, size, &ev) == 0) {
		if (ev.n < 5000)
			round_trip(&ev, (enum stream)(size ? data[0] % N_STREAMS : 0));
		seg_events_fini(&ev);
	}
	if (segment_decode(data, size, &h, &ev) == 0) {
		if (ev.n < 5000)
			round_trip(&ev, h.stream);
		seg_events_fini(&ev);
	}
	return 0;
}
