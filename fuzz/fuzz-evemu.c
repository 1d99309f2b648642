/* libFuzzer target: the evemu parser must refuse or parse any bytes, with
 * a FILE:LINE message when it refuses, the same whole or a line at a time,
 * and whatever it parses must go through the evdev decoder giving only
 * events the contract allows. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/input-event-codes.h>

#include "source/evdecode.h"
#include "source/evemu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t last_time;

static void check(const struct event *e, void *unused)
{
	(void)unused;
	if (e->time < last_time || e->text[0])
		abort();
	last_time = e->time;
	switch (e->kind) {
	case EV_MOTION:
		if (e->stream != STREAM_MOTION || e->code != 0)
			abort();
		break;
	case EV_BUTTON_PRESS:
	case EV_BUTTON_RELEASE:
		if (e->stream != STREAM_BUTTON || e->code < 1 ||
		    e->code > BTN_JOYSTICK - BTN_MOUSE + 4)
			abort();
		break;
	case EV_SCROLL:
		if (e->stream != STREAM_SCROLL ||
		    (e->code != 1 && e->code != -1 && e->code != 2 && e->code != -2))
			abort();
		break;
	case EV_KEY_PRESS:
	case EV_KEY_RELEASE:
		if (e->stream != STREAM_KEYBOARD || e->x || e->y || e->code <= 0 || e->code > 0x2ff)
			abort();
		break;
	default:
		abort();
	}
}

/* The same bytes given a line at a time (as the replay source reads a
 * file, a chunk of whole lines at a time) must give the same. */
static void same_in_pieces(const char *text, size_t size, int rc, const char *error,
                           const struct evemu *whole)
{
	struct evemu r;
	struct evemu_parser p;
	char *why = NULL;
	evemu_begin(&p, "fuzz", &r);
	for (const char *s = text, *end = text + size; s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *next = nl ? nl + 1 : end;
		evemu_more(&p, s, (size_t)(next - s));
		s = next;
	}
	if (evemu_end(&p, &why) != rc || (!why) != (!error) || (why && strcmp(why, error) != 0) ||
	    r.n != whole->n || (r.n && memcmp(r.ev, whole->ev, r.n * sizeof *r.ev) != 0))
		abort();
	free(why);
	evemu_fini(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evemu r;
	char *error = NULL;
	int rc = evemu_parse((const char *)data, size, "fuzz", &r, &error);
	same_in_pieces((const char *)data, size, rc, error, &r);
	if (rc != 0) {
		if (!error || strncmp(error, "fuzz:", 5) != 0)
			abort();
		free(error);
		return 0;
	}
	if (error || r.n == 0)
		abort();
	struct evdecode d;
	evdecode_init(&d, NULL);
	if (r.rel_declared)
		evdecode_declare_lowres(&d, r.rel_bits & (1u << 8), r.rel_bits & (1u << 6));
	last_time = 0;
	for (size_t i = 0; i < r.n; i++) {
		if (i && r.ev[i].t < r.ev[i - 1].t)
			abort();
		evdecode_feed(&d, r.ev[i].t, r.ev[i].type, r.ev[i].code, r.ev[i].value, check,
		              NULL);
	}
	evemu_fini(&r);
	return 0;
}
