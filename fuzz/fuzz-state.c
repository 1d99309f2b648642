/* libFuzzer target: the state file's reader must refuse or load any bytes,
 * and what it loads must write out and read back to the same payload. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/state.h"
#include "util.h"

#define REF (1700000000ULL * USEC_PER_SEC)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct state *s)
{
	struct state t;
	char *why = NULL;
	size_t len, len2;
	/* A file of the previous release has no saved time: REF stood for it. */
	uint64_t saved = s->saved ? s->saved : REF;
	char *text = state_format(&s->control, &s->consent, s->counts, &s->upload, saved, &len);
	if (state_parse(text, len, 0, &t, &why) != 0)
		abort();
	char *again = state_format(&t.control, &t.consent, t.counts, &t.upload, t.saved, &len2);
	if (len2 != len || memcmp(again, text, len) != 0)
		abort();
	free(again);
	free(text);
	state_fini(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state s;
	struct state_found f;
	char *why = NULL;
	if (state_decode(data, size, REF, &s, &f) == 0)
		round_trip(&s);
	free(f.why);
	state_fini(&s);
	/* The payload alone, as the previous release's whole file is. */
	if (state_parse((const char *)data, size, REF, &s, &why) == 0)
		round_trip(&s);
	free(why);
	state_fini(&s);
	return 0;
}
