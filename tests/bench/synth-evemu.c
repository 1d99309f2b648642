/* Writes SECONDS of the synthetic source's input as an evemu-record
 * recording on standard output, so benchmarks can replay exactly the
 * agent's model of a person at work through the evdev decoding path.
 * Focus changes have no evdev form and are left out.
 *
 *   synth-evemu SECONDS [SEED] [MOTION_HZ | trackpad]
 *
 * With MOTION_HZ, the pointer instead moves steadily at that many events a
 * second for the whole time (the CPU-share benchmark). With "trackpad", a
 * multitouch touchpad reporting at 400 Hz: strokes of one finger with the
 * frames a kernel driver sends (slot, tracking id, MT and single-touch
 * positions, MSC_TIMESTAMP), pauses between them, the odd click, and frame
 * times that jitter as a USB device's do (the device's own clock is steady,
 * the host's time of arrival is not). */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
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

/* ---- the 400 Hz trackpad ---- */

static uint64_t tp_rng;

static uint64_t tp_next(void)
{
	uint64_t z = (tp_rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double tp_unit(void)
{
	return (double)(tp_next() >> 11) / (double)(1ULL << 53);
}

/* Standard normal (Box-Muller). */
static double tp_normal(void)
{
	double u = tp_unit(), v = tp_unit();
	return sqrt(-2 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

#define TP_PERIOD 2500 /* µs: 400 Hz */
#define TP_W 3200
#define TP_H 2000

struct tp {
	uint64_t dev; /* the device's clock, µs */
	double x, y, vx, vy;
	int32_t rx, ry; /* last reported */
	int32_t id;
};

/* When the host stamps a frame the device made at dev: a steady latency,
 * USB polling and scheduling jitter, now and then a late wakeup. */
static uint64_t tp_arrival(uint64_t dev)
{
	static uint64_t last;
	double late = 300 + 180 * fabs(tp_normal()) + 120 * tp_unit();
	if (tp_unit() < 0.02)
		late += 400 + 1500 * tp_unit();
	uint64_t t = dev + (uint64_t)late;
	/* A frame held up delays the next: the host sees them in order. */
	if (t <= last)
		t = last + 20 + (uint64_t)(40 * tp_unit());
	return last = t;
}

static void tp_frame(struct tp *p, uint64_t t, bool touch_start)
{
	int32_t x = (int32_t)lround(p->x), y = (int32_t)lround(p->y);
	if (touch_start) {
		ev(t, 3, 0x39, p->id);
		ev(t, 1, 0x14a, 1);
		ev(t, 1, 0x145, 1);
	}
	if (touch_start || x != p->rx)
		ev(t, 3, 0x35, x);
	if (touch_start || y != p->ry)
		ev(t, 3, 0x36, y);
	if (touch_start || x != p->rx)
		ev(t, 3, 0x00, x);
	if (touch_start || y != p->ry)
		ev(t, 3, 0x01, y);
	ev(t, 4, 0x05, (int32_t)(p->dev % 1000000000));
	frame_end(t);
	p->rx = x;
	p->ry = y;
}

/* One stroke of the finger: velocity drifting smoothly (units a frame),
 * position with sensor noise, kept on the pad. */
static void tp_stroke(struct tp *p, uint64_t frames)
{
	double speed = 0.4 + 3.5 * tp_unit() * tp_unit();
	double angle = 6.283185307179586 * tp_unit();
	p->vx = speed * cos(angle);
	p->vy = speed * sin(angle);
	for (uint64_t i = 0; i < frames; i++) {
		p->vx = 0.97 * p->vx + 0.12 * tp_normal();
		p->vy = 0.97 * p->vy + 0.12 * tp_normal();
		p->x += p->vx + 0.25 * tp_normal();
		p->y += p->vy + 0.25 * tp_normal();
		if (p->x < 0 || p->x > TP_W) {
			p->vx = -p->vx;
			p->x = p->x < 0 ? 0 : TP_W;
		}
		if (p->y < 0 || p->y > TP_H) {
			p->vy = -p->vy;
			p->y = p->y < 0 ? 0 : TP_H;
		}
		p->dev += TP_PERIOD;
		tp_frame(p, tp_arrival(p->dev), i == 0);
	}
}

static void trackpad(uint64_t end)
{
	puts("# EVEMU 1.3\n"
	     "# A synthetic 400 Hz touchpad, written by tests/bench/synth-evemu.\n"
	     "N: capctl synthetic touchpad\n"
	     "I: 0003 05ac 0265 0110\n"
	     "P: 05 00 00 00 00 00 00 00\n"
	     "B: 00 0b 00 00 00 00 00 00 00\n"
	     "B: 01 00 00 00 00 00 00 00 00\n"
	     "B: 01 00 00 00 00 00 00 00 00\n"
	     "B: 01 00 00 21 2c 00 00 00 00\n"
	     "B: 03 03 00 00 00 00 80 60 02\n"
	     "B: 04 20 00 00 00 00 00 00 00\n"
	     "A: 00 0 3200 0 0 30\n"
	     "A: 01 0 2000 0 0 30\n"
	     "A: 2f 0 4 0 0 0\n"
	     "A: 35 0 3200 0 0 30\n"
	     "A: 36 0 2000 0 0 30\n"
	     "A: 39 0 65535 0 0 0");
	struct tp p = {.dev = 1700000000000000ULL, .x = TP_W / 2, .y = TP_H / 2};
	uint64_t start = p.dev;
	while (p.dev - start < end) {
		/* Lifted: 0.1 to 3 s, mostly short. */
		p.dev += 100000 + (uint64_t)(2900000 * tp_unit() * tp_unit() * tp_unit());
		p.dev -= p.dev % TP_PERIOD;
		p.id = (p.id + 1) & 0xffff;
		tp_stroke(&p, 60 + (uint64_t)(800 * tp_unit() * tp_unit()));
		if (tp_unit() < 0.2) {
			/* A click where the stroke ended, the finger still down. */
			uint64_t t = tp_arrival(p.dev += TP_PERIOD);
			ev(t, 1, BTN_LEFT, 1);
			frame_end(t);
			t = tp_arrival(p.dev += 40 * TP_PERIOD);
			ev(t, 1, BTN_LEFT, 0);
			frame_end(t);
		}
		uint64_t t = tp_arrival(p.dev += TP_PERIOD);
		ev(t, 3, 0x39, -1);
		ev(t, 1, 0x14a, 0);
		ev(t, 1, 0x145, 0);
		frame_end(t);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: synth-evemu SECONDS [SEED] [MOTION_HZ]\n", stderr);
		return 2;
	}
	uint64_t end = strtoull(argv[1], NULL, 10) * 1000000;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
	if (argc > 3 && strcmp(argv[3], "trackpad") == 0) {
		tp_rng = seed;
		trackpad(end);
		return 0;
	}
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
