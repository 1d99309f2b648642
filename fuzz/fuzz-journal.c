/* libFuzzer target: the journal reader must take any bytes, in either
 * format, and keep only events that decode again as they were counted. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "store/journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int format = 1; format <= 2; format++) {
		struct seg_cols c;
		struct journal_scan info;
		journal_scan(data, size, format, STREAM_FOCUS, &c, &info);
		if (c.n != info.events || info.bad_bytes > size)
			abort();
		struct buf payload = {0};
		struct seg_events ev;
		seg_cols_payload(&c, &payload);
		if (payload_decode(payload.p, payload.len, &ev) != 0 || ev.n != c.n)
			abort();
		seg_events_fini(&ev);
		buf_free(&payload);
		seg_cols_fini(&c);
	}
	return 0;
}
