/* libFuzzer target: the evemu parser must refuse or parse any bytes, with
 * a FILE:LINE message when it refuses, and whatever it parses must go
 * through the evdev decoder giving only events the contract allows. */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evemu r;
	char *error = NULL;
	if (evemu_parse((const char *)data, size, "fuzz", &r, &error) != 0) {
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
