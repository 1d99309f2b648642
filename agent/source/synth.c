/* A human at a desk, roughly: pointer moves with a minimum-jerk velocity
 * profile (fast in the middle, slow at both ends) sampled at 125 Hz, clicks
 * after most moves, scroll bursts, typing in words with pauses and the odd
 * correction, and focus changes between a few applications. */
#include "source/synth.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define SCREEN_W 1920
#define SCREEN_H 1080
#define MS 1000ULL

/* Application (WM_CLASS class), title, and the instance as an alias. */
static const struct {
	const char *app, *title, *alias;
} apps[] = {
    {"firefox", "Quarterly planning - Mozilla Firefox", "Navigator"},
    {"Code", "main.c - capctl - Visual Studio Code", "code"},
    {"Gnome-terminal", "Terminal", "gnome-terminal-server"},
    {"thunderbird", "Inbox - Mozilla Thunderbird", "Mail"},
    {"libreoffice-writer", "notes.odt - LibreOffice Writer", "libreoffice"},
    /* Excluded by the default policy: shows the suspended state. */
    {"KeePassXC", "Passwords.kdbx - KeePassXC", "keepassxc"},
};

/* Linux key codes of the home-row-heavy letters a typist hits most. */
static const int32_t letter_keys[] = {
    30, 48, 46, 32, 18, 33, 34, 35, 23, 36, 37, 38, 50,
    49, 24, 25, 16, 19, 31, 20, 22, 47, 17, 45, 21, 44,
};
#define KEY_BACKSPACE 14
#define KEY_ENTER 28
#define KEY_SPACE 57
#define KEY_LEFTSHIFT 42

static uint64_t next_u64(struct synth *s)
{
	/* splitmix64: small, fast, and good enough for a pretend human. */
	uint64_t z = (s->rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static uint64_t rnd(struct synth *s, uint64_t lo, uint64_t hi)
{
	return lo + next_u64(s) % (hi - lo + 1);
}

static double unit(struct synth *s)
{
	return (double)(next_u64(s) >> 11) / (double)(1ULL << 53);
}

static void push(struct synth *s, uint64_t dt, enum stream st, enum event_kind k, int32_t code)
{
	if (s->len == SYNTH_QUEUE)
		return;
	s->t += dt;
	struct event *e = &s->queue[(s->head + s->len++) % SYNTH_QUEUE];
	*e = (struct event){.time = s->t, .stream = st, .kind = k, .code = code};
	if (st != STREAM_KEYBOARD && st != STREAM_FOCUS) {
		e->x = s->x;
		e->y = s->y;
	}
	if (st == STREAM_FOCUS)
		snprintf(e->text, sizeof e->text, "%s\t%s\t%s", apps[s->app].app,
		         apps[s->app].title, apps[s->app].alias);
}

static void gen_move(struct synth *s)
{
	int32_t x0 = s->x, y0 = s->y;
	int32_t x1 = (int32_t)rnd(s, 20, SCREEN_W - 20), y1 = (int32_t)rnd(s, 20, SCREEN_H - 20);
	double dist = hypot(x1 - x0, y1 - y0);
	/* Fitts-like: longer moves take longer, 150 ms .. 1 s. */
	uint64_t dur = 150 * MS + (uint64_t)(dist * 0.4) * MS + rnd(s, 0, 150) * MS;
	if (dur > 1000 * MS)
		dur = 1000 * MS;
	unsigned steps = (unsigned)(dur / (8 * MS));
	if (steps < 2)
		steps = 2;
	for (unsigned i = 1; i <= steps && s->len < SYNTH_QUEUE - 8; i++) {
		double t = (double)i / steps;
		double p = t * t * t * (10 - 15 * t + 6 * t * t);
		int32_t nx = x0 + (int32_t)lround((x1 - x0) * p + (unit(s) - 0.5) * 2);
		int32_t ny = y0 + (int32_t)lround((y1 - y0) * p + (unit(s) - 0.5) * 2);
		if (nx == s->x && ny == s->y)
			continue; /* a real mouse reports nothing when it does not move */
		s->x = nx < 0 ? 0 : nx >= SCREEN_W ? SCREEN_W - 1 : nx;
		s->y = ny < 0 ? 0 : ny >= SCREEN_H ? SCREEN_H - 1 : ny;
		push(s, 8 * MS, STREAM_MOTION, EV_MOTION, 0);
	}
}

static void gen_click(struct synth *s)
{
	uint64_t r = rnd(s, 0, 99);
	int32_t button = r < 90 ? 1 : r < 98 ? 3 : 2;
	int clicks = button == 1 && rnd(s, 0, 9) == 0 ? 2 : 1;
	for (int i = 0; i < clicks; i++) {
		push(s, rnd(s, 80, 250) * MS, STREAM_BUTTON, EV_BUTTON_PRESS, button);
		push(s, rnd(s, 60, 140) * MS, STREAM_BUTTON, EV_BUTTON_RELEASE, button);
	}
}

static void gen_scroll(struct synth *s)
{
	int32_t dir = rnd(s, 0, 3) == 0 ? 1 : -1;
	unsigned n = (unsigned)rnd(s, 3, 15);
	for (unsigned i = 0; i < n; i++)
		push(s, rnd(s, 30, 90) * MS, STREAM_SCROLL, EV_SCROLL, dir);
}

static void key(struct synth *s, int32_t code, uint64_t gap)
{
	push(s, gap, STREAM_KEYBOARD, EV_KEY_PRESS, code);
	push(s, rnd(s, 50, 120) * MS, STREAM_KEYBOARD, EV_KEY_RELEASE, code);
}

static void gen_typing(struct synth *s)
{
	unsigned words = (unsigned)rnd(s, 1, 8);
	for (unsigned w = 0; w < words && s->len < SYNTH_QUEUE - 40; w++) {
		unsigned letters = (unsigned)rnd(s, 2, 9);
		if (rnd(s, 0, 7) == 0) { /* a capital */
			push(s, rnd(s, 100, 300) * MS, STREAM_KEYBOARD, EV_KEY_PRESS,
			     KEY_LEFTSHIFT);
			key(s, letter_keys[rnd(s, 0, ARRAY_SIZE(letter_keys) - 1)], 60 * MS);
			push(s, rnd(s, 20, 60) * MS, STREAM_KEYBOARD, EV_KEY_RELEASE,
			     KEY_LEFTSHIFT);
			letters--;
		}
		for (unsigned i = 0; i < letters; i++)
			key(s, letter_keys[rnd(s, 0, ARRAY_SIZE(letter_keys) - 1)],
			    rnd(s, 70, 260) * MS);
		if (rnd(s, 0, 9) == 0) /* a typo, corrected */
			key(s, KEY_BACKSPACE, rnd(s, 200, 500) * MS);
		key(s, KEY_SPACE, rnd(s, 90, 300) * MS);
	}
	if (rnd(s, 0, 4) == 0)
		key(s, KEY_ENTER, rnd(s, 150, 400) * MS);
}

static void gen_focus(struct synth *s)
{
	/* The password manager comes up now and then, and is left quickly. */
	int n = (int)ARRAY_SIZE(apps) - 1;
	int next = rnd(s, 0, 19) == 0 ? n : (int)rnd(s, 0, (uint64_t)n - 1);
	if (next == s->app)
		next = (next + 1) % n;
	s->app = next;
	push(s, rnd(s, 200, 600) * MS, STREAM_FOCUS, EV_FOCUS, 0);
	if (next == n) {
		key(s, KEY_ENTER, rnd(s, 1500, 4000) * MS);
		s->app = (int)rnd(s, 0, (uint64_t)n - 1);
		push(s, rnd(s, 500, 1500) * MS, STREAM_FOCUS, EV_FOCUS, 0);
	}
}

static void generate(struct synth *s)
{
	uint64_t r = rnd(s, 0, 99);
	if (r < 40) {
		gen_move(s);
		if (rnd(s, 0, 9) < 6)
			gen_click(s);
	} else if (r < 52) {
		gen_scroll(s);
	} else if (r < 80) {
		gen_typing(s);
	} else if (r < 86) {
		gen_focus(s);
	} else {
		s->t += rnd(s, 1000, 6000) * MS; /* reading, thinking */
	}
}

void synth_init(struct synth *s, uint64_t seed, uint64_t start)
{
	memset(s, 0, sizeof *s);
	s->rng = seed;
	s->t = start;
	s->x = SCREEN_W / 2;
	s->y = SCREEN_H / 2;
	s->app = (int)rnd(s, 0, ARRAY_SIZE(apps) - 2);
	push(s, 0, STREAM_FOCUS, EV_FOCUS, 0);
}

const struct event *synth_peek(struct synth *s)
{
	while (s->len == 0)
		generate(s);
	return &s->queue[s->head];
}

void synth_pop(struct synth *s)
{
	if (s->len) {
		s->head = (s->head + 1) % SYNTH_QUEUE;
		s->len--;
	}
}
