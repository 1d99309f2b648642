/* Writes SECONDS of the synthetic source's input as an evemu-record
 * recording on standard output, so benchmarks can replay exactly the
 * agent's model of a person at work through the evdev decoding path.
 * Focus changes have no evdev form and are left out.
 *
 *   synth-evemu SECONDS [SEED] [MOTION_HZ]
 *
 * With MOTION_HZ, the pointer instead moves steadily at that many events a
 * second for the whole time (the CPU-share benchmark). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "source/synth.h"

#define BTN_LEFT 0x110

static void frame_end(uint64_t t)
{
	printf("E: %" PRIu64 ".%06" PRIu64 " 0000 0000 0000\n", t / 1000000, t % 1000000);
}

static void ev(uint64_t t, int type, int code, int value)
{
	printf("E: %" PRIu64 ".%06" PRIu64 " %04x %04x %d\n", t / 1000000, t % 1000000, type, code,
	       value);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: synth-evemu SECONDS [SEED] [MOTION_HZ]\n", stderr);
		return 2;
	}
	uint64_t end = strtoull(argv[1], NULL, 10) * 1000000;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
	unsigned hz = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : 0;

	puts("# EVEMU 1.3\n"
	     "# The synthetic source of captured, written by tests/bench/synth-evemu.\n"
	     "N: capctl synthetic pointer and keyboard\n"
	     "I: 0003 0000 0000 0001\n"
	     "P: 00 00 00 00 00 00 00 00\n"
	     "B: 00 0b 00 00 00 00 00 00 00\n"
	     "B: 02 43 01 00 00 00 00 00 00");
	if (hz) {
		for (uint64_t i = 0, t = 0; t < end; i++, t = i * 1000000 / hz) {
			ev(t, 2, 0, (i / 200) % 2 ? -1 : 1);
			frame_end(t);
		}
		return 0;
	}
	static struct synth s;
	synth_init(&s, seed, 0);
	int32_t x = 0, y = 0;
	for (const struct event *e; (e = synth_peek(&s))->time < end; synth_pop(&s)) {
		uint64_t t = e->time;
		switch (e->kind) {
		case EV_MOTION:
			if (x || y) {
				if (e->x != x)
					ev(t, 2, 0, e->x - x);
				if (e->y != y)
					ev(t, 2, 1, e->y - y);
				frame_end(t);
			}
			x = e->x;
			y = e->y;
			break;
		case EV_BUTTON_PRESS:
		case EV_BUTTON_RELEASE: {
			int code = e->code == 1   ? BTN_LEFT
			           : e->code == 2 ? BTN_LEFT + 2
			                          : BTN_LEFT + 1;
			ev(t, 1, code, e->kind == EV_BUTTON_PRESS);
			frame_end(t);
			break;
		}
		case EV_SCROLL:
			ev(t, 2, e->code == 1 || e->code == -1 ? 8 : 6,
			   e->code == 1 || e->code == 2 ? 1 : -1);
			frame_end(t);
			break;
		case EV_KEY_PRESS:
		case EV_KEY_RELEASE:
			ev(t, 1, e->code, e->kind == EV_KEY_PRESS);
			frame_end(t);
			break;
		default:
			break;
		}
	}
	return 0;
}
