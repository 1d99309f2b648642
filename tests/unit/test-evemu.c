/* The evemu-record parser on good and broken recordings, and the evdev
 * decoder that the evdev and replay sources share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <linux/input-event-codes.h>

#include "source/evdecode.h"
#include "source/evemu.h"
#include "util.h"

/* ---- the parser ---- */

static const char good[] =
    "# EVEMU 1.3\n"
    "# Kernel: 6.1.0\n"
    "# Input device name: \"Logitech USB Optical Mouse\"\n"
    "N: Logitech USB Optical Mouse\n"
    "I: 0003 046d c077 0111\n"
    "P: 00 00 00 00 00 00 00 00\n"
    "B: 00 0b 00 00 00 00 00 00 00\n"
    "B: 01 00 00 00 00 00 00 00 00\n"
    "B: 01 00 00 07 00 00 00 00 00\n"
    "B: 02 43 19 00 00 00 00 00 00\n"
    "B: 04 10 00 00 00 00 00 00 00\n"
    "\n"
    "# a keyboard's description lines\n"
    "N: AT Translated Set 2 keyboard #2\n"
    "I: 0011 0001 0001 ab41\n"
    "B: 11 07 00 00 00 00 00 00 00\n"
    "L: 00 1\n"
    "L: 01 0\n"
    "# a touchpad's: absolute axes with and without a resolution, a switch\n"
    "A: 00 1266 5676 0 0 44\n"
    "A: 01 1094 4760 0 0\n"
    "A: 35 0 -1 0 0 0\n"
    "S: 00 0\n"
    "################################\n"
    "#      Waiting for events      #\n"
    "################################\n"
    "E: 12.000100 0002 0000 0003\t# EV_REL / REL_X                3\n"
    "E: 12.000100 0002 0001 -001\t# EV_REL / REL_Y               -1\n"
    "E: 12.000100 0000 0000 0000\t# ------------ SYN_REPORT (0) ---------- +0ms\r\n"
    "   E: 12.500000 1 110 1\n"
    "E: 12.500000 0000 0000 0000\n"
    "E:13.000000 0001 2ff -2147483648 # a comment\n"
    "E: 13.000000 1f 0 2147483647\n"
    "# the end";

static void test_parse_good(void **state)
{
	struct evemu r;
	char *error = (char *)"unset";
	(void)state;
	assert_int_equal(evemu_parse(good, strlen(good), "good.evemu", &r, &error), 0);
	assert_null(error);
	assert_int_equal(r.n, 7);
	assert_int_equal(r.first, 12000100);
	static const struct evemu_event want[] = {
	    {0, 3, 2, 0},
	    {0, -1, 2, 1},
	    {0, 0, 0, 0},
	    {499900, 1, 1, 0x110},
	    {499900, 0, 0, 0},
	    {999900, INT32_MIN, 1, 0x2ff},
	    {999900, INT32_MAX, 0x1f, 0},
	};
	for (size_t i = 0; i < r.n; i++) {
		assert_int_equal(r.ev[i].t, want[i].t);
		assert_int_equal(r.ev[i].value, want[i].value);
		assert_int_equal(r.ev[i].type, want[i].type);
		assert_int_equal(r.ev[i].code, want[i].code);
	}
	/* "B: 02 43 19": REL_X, REL_Y, REL_HWHEEL, REL_WHEEL and both HI_RES. */
	assert_true(r.rel_declared);
	assert_int_equal(r.rel_bits, (1u << REL_X) | (1u << REL_Y) | (1u << REL_HWHEEL) |
	                                 (1u << REL_WHEEL) | (1u << REL_WHEEL_HI_RES) |
	                                 (1u << REL_HWHEEL_HI_RES));
	evemu_fini(&r);
	assert_null(r.ev);
	assert_int_equal(r.n, 0);

	/* Events alone, no description, no final newline. */
	const char *bare = "E: 0.000001 0001 001e 0001";
	assert_int_equal(evemu_parse(bare, strlen(bare), "bare", &r, &error), 0);
	assert_int_equal(r.n, 1);
	assert_false(r.rel_declared);
	assert_int_equal(r.ev[0].code, KEY_A);
	evemu_fini(&r);
}

/* The same text in pieces of whole lines, one at a time, gives the same
 * events; and where a time written as the line before's comes after a
 * later one that only the strict path read, it still goes back. */
static void test_parse_pieces(void **state)
{
	struct evemu whole, pieces;
	struct evemu_parser p;
	char *error = NULL;
	(void)state;
	assert_int_equal(evemu_parse(good, strlen(good), "good.evemu", &whole, &error), 0);
	evemu_begin(&p, "good.evemu", &pieces);
	for (const char *s = good, *end = good + strlen(good); s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *next = nl ? nl + 1 : end;
		assert_int_equal(evemu_more(&p, s, (size_t)(next - s)), 0);
		s = next;
	}
	assert_int_equal(evemu_end(&p, &error), 0);
	assert_null(error);
	assert_int_equal(pieces.n, whole.n);
	assert_memory_equal(pieces.ev, whole.ev, whole.n * sizeof *whole.ev);
	evemu_fini(&whole);
	evemu_fini(&pieces);

	const char *back = "E: 2.000000 0 0 0\n E: 3.000000 0 0 0\nE: 2.000000 0 0 0\n";
	assert_int_equal(evemu_parse(back, strlen(back), "back", &whole, &error), -22);
	assert_string_equal(error, "back:3: time 2.000000 goes back from the previous event's "
	                           "3.000000");
	free(error);
}

/* Each broken text is refused with exactly this message and no events. */
static void expect_error(const char *text, size_t len, const char *message)
{
	struct evemu r;
	char *error = NULL;
	int rc = evemu_parse(text, len, "rec.evemu", &r, &error);
	if (rc != -22 || !error || strcmp(error, message) != 0)
		fail_msg("for %s\nwanted: %s\n   got: %d %s", text, message, rc,
		         error ? error : "(no message)");
	assert_null(r.ev);
	assert_int_equal(r.n, 0);
	free(error);
}

#define EXPECT(text, message) expect_error(text, sizeof(text) - 1, message)

static void test_parse_broken(void **state)
{
	(void)state;
	EXPECT("# EVEMU 1.3\nX: what\n",
	       "rec.evemu:2: not an evemu line: E:, N:, I:, P:, B:, A:, L:, S: or # expected");
	EXPECT("E 1.000000 0001 001e 1\n",
	       "rec.evemu:1: not an evemu line: E:, N:, I:, P:, B:, A:, L:, S: or # expected");
	EXPECT("hello\n",
	       "rec.evemu:1: not an evemu line: E:, N:, I:, P:, B:, A:, L:, S: or # expected");
	EXPECT("E: 1.000000 0001 001e 1\nE: 1.000000 0002 0000\n",
	       "rec.evemu:2: E: needs exactly TIME TYPE CODE VALUE, found 3 fields");
	EXPECT("E: 1.000000 0001 001e 1 2\n",
	       "rec.evemu:1: E: needs exactly TIME TYPE CODE VALUE, found 5 fields");
	EXPECT("E:\n", "rec.evemu:1: E: needs exactly TIME TYPE CODE VALUE, found 0 fields");
	EXPECT("E: 1 2 3 4 5 6 7 8 9 10 11 12 13\n",
	       "rec.evemu:1: E: needs exactly TIME TYPE CODE VALUE, found over 12 fields");
	EXPECT("E: 1.5 0001 001e 1\n",
	       "rec.evemu:1: time '1.5' is not SECONDS.MICROSECONDS (six digits after the point)");
	EXPECT("E: 1.0000000 0001 001e 1\n", "rec.evemu:1: time '1.0000000' is not "
	                                     "SECONDS.MICROSECONDS (six digits after the point)");
	EXPECT("E: .000001 0001 001e 1\n", "rec.evemu:1: time '.000001' is not "
	                                   "SECONDS.MICROSECONDS (six digits after the point)");
	EXPECT("E: -1.000000 0001 001e 1\n", "rec.evemu:1: time '-1.000000' is not "
	                                     "SECONDS.MICROSECONDS (six digits after the point)");
	EXPECT("E: 1.00000x 0001 001e 1\n", "rec.evemu:1: time '1.00000x' is not "
	                                    "SECONDS.MICROSECONDS (six digits after the point)");
	EXPECT("E: 1.000000 00g1 001e 1\n",
	       "rec.evemu:1: event type '00g1' is not a hexadecimal number up to 1f");
	EXPECT("E: 1.000000 0020 001e 1\n",
	       "rec.evemu:1: event type '0020' is not a hexadecimal number up to 1f");
	EXPECT("E: 1.000000 00001 001e 1\n",
	       "rec.evemu:1: event type '00001' is not a hexadecimal number up to 1f");
	EXPECT("E: 1.000000 0001 0300 1\n",
	       "rec.evemu:1: event code '0300' is not a hexadecimal number up to 2ff");
	EXPECT("E: 1.000000 0001 0x1e 1\n",
	       "rec.evemu:1: event code '0x1e' is not a hexadecimal number up to 2ff");
	EXPECT("E: 1.000000 0001 001e 1x\n",
	       "rec.evemu:1: value '1x' is not a whole number that fits in 32 bits");
	EXPECT("E: 1.000000 0001 001e 2147483648\n",
	       "rec.evemu:1: value '2147483648' is not a whole number that fits in 32 bits");
	EXPECT("E: 1.000000 0001 001e -2147483649\n",
	       "rec.evemu:1: value '-2147483649' is not a whole number that fits in 32 bits");
	EXPECT("E: 1.000000 0001 001e -\n",
	       "rec.evemu:1: value '-' is not a whole number that fits in 32 bits");
	EXPECT(
	    "E: 2.000000 0001 001e 1\nE: 2.000000 0000 0000 0\n# back\nE: 1.999999 0001 001e 0\n",
	    "rec.evemu:4: time 1.999999 goes back from the previous event's 2.000000");
	EXPECT("N:\n", "rec.evemu:1: N: needs the device's name");
	EXPECT("N:   \t \n", "rec.evemu:1: N: needs the device's name");
	EXPECT("N: mouse\nI: 0003 046d c077\n",
	       "rec.evemu:2: I: needs BUS VENDOR PRODUCT VERSION in hexadecimal");
	EXPECT("I: 0003 046d c077 1x11\n",
	       "rec.evemu:1: I: needs BUS VENDOR PRODUCT VERSION in hexadecimal");
	EXPECT("P: 00 00 00 00 00 00 00\n", "rec.evemu:1: P: needs 8 hexadecimal bytes");
	EXPECT("P: 00 00 00 00 00 00 00 100\n", "rec.evemu:1: P: needs 8 hexadecimal bytes");
	EXPECT("B: 20 00 00 00 00 00 00 00 00\n",
	       "rec.evemu:1: B: needs an event type up to 1f and 8 hexadecimal bytes");
	EXPECT("B: 01 00 00 00 00 00 00 00\n",
	       "rec.evemu:1: B: needs an event type up to 1f and 8 hexadecimal bytes");
	EXPECT("A: 00 0 1920 0\n",
	       "rec.evemu:1: A: needs an axis up to 3f and MIN MAX FUZZ FLAT [RESOLUTION]");
	EXPECT("A: 40 0 1920 0 0 0\n",
	       "rec.evemu:1: A: needs an axis up to 3f and MIN MAX FUZZ FLAT [RESOLUTION]");
	EXPECT("A: 00 0 1920 0 0 x\n",
	       "rec.evemu:1: A: needs an axis up to 3f and MIN MAX FUZZ FLAT [RESOLUTION]");
	EXPECT("L: 00\n", "rec.evemu:1: L: needs an LED up to f and its state");
	EXPECT("L: 10 1\n", "rec.evemu:1: L: needs an LED up to f and its state");
	EXPECT("S: 11 0\n", "rec.evemu:1: S: needs a switch up to 10 and its state");
	EXPECT("S: 00 on\n", "rec.evemu:1: S: needs a switch up to 10 and its state");
	EXPECT("E: 1.000000 0001 001e 1\nE: 1.000000 0000\0 0000 0\n",
	       "rec.evemu:2: a NUL byte: this is not a text recording");
	/* Unprintable bytes and long tokens are quoted safely. */
	EXPECT("E: \x01\xff.000000 0001 001e 1\n",
	       "rec.evemu:1: time '??.000000' is not SECONDS.MICROSECONDS (six digits after the "
	       "point)");
	EXPECT("E: 1.000000 0001 001e 123456789012345678901234567890\n",
	       "rec.evemu:1: value '123456789012345678901234...' is not a whole number that fits "
	       "in 32 bits");
	/* A description alone, or nothing at all, is no recording. */
	EXPECT("# EVEMU 1.3\nN: mouse\nI: 0003 046d c077 0111\n",
	       "rec.evemu: no events (E: lines) to replay");
	EXPECT("", "rec.evemu: no events (E: lines) to replay");
}

/* The committed recording the integration tests replay. */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *buf = malloc(1 << 20);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

/* ---- the decoder ---- */

static struct event got[256];
static size_t n_got;

static void collect(const struct event *e, void *data)
{
	(void)data;
	assert_true(n_got < 256);
	got[n_got++] = *e;
}

static struct evdecode dec;

static void reset(void)
{
	evdecode_init(&dec, NULL);
	n_got = 0;
}

static void in(uint64_t t, uint16_t type, uint16_t code, int32_t value)
{
	evdecode_feed(&dec, t, type, code, value, collect, NULL);
}

static void syn(uint64_t t)
{
	in(t, EV_SYN, SYN_REPORT, 0);
}

static void expect(size_t i, enum stream s, enum event_kind k, uint64_t t, int32_t x, int32_t y,
                   int32_t code)
{
	assert_true(i < n_got);
	assert_int_equal(got[i].stream, s);
	assert_int_equal(got[i].kind, k);
	assert_int_equal(got[i].time, t);
	assert_int_equal(got[i].x, x);
	assert_int_equal(got[i].y, y);
	assert_int_equal(got[i].code, code);
	assert_string_equal(got[i].text, "");
}

static void test_recording_file(void **state)
{
	size_t len;
	char *text = read_all("tests/data/pointer-keyboard.evemu", &len);
	struct evemu r;
	char *error = NULL;
	size_t counts[N_STREAMS] = {0};
	(void)state;
	assert_int_equal(evemu_parse(text, len, "pointer-keyboard.evemu", &r, &error), 0);
	assert_int_equal(r.n, 375);
	reset();
	for (size_t i = 0; i < r.n; i++) {
		n_got = 0;
		in(1000 + r.ev[i].t, r.ev[i].type, r.ev[i].code, r.ev[i].value);
		for (size_t k = 0; k < n_got; k++)
			counts[got[k].stream]++;
	}
	/* As its header says. */
	assert_int_equal(counts[STREAM_MOTION], 74);
	assert_int_equal(counts[STREAM_BUTTON], 12);
	assert_int_equal(counts[STREAM_SCROLL], 7);
	assert_int_equal(counts[STREAM_KEYBOARD], 18);
	assert_int_equal(counts[STREAM_FOCUS], 0);
	evemu_fini(&r);
	free(text);
}

static void test_relative_motion(void **state)
{
	(void)state;
	reset();
	/* X and Y in one frame: one motion, at the frame's time. */
	in(10, EV_REL, REL_X, 5);
	in(11, EV_REL, REL_Y, -3);
	assert_int_equal(n_got, 0);
	syn(12);
	assert_int_equal(n_got, 1);
	expect(0, STREAM_MOTION, EV_MOTION, 12, 965, 537, 0);
	/* Two X events in one frame add up, still one motion. */
	in(20, EV_REL, REL_X, 1);
	in(20, EV_REL, REL_X, 2);
	in(20, EV_MSC, MSC_SCAN, 4);
	syn(20);
	assert_int_equal(n_got, 2);
	expect(1, STREAM_MOTION, EV_MOTION, 20, 968, 537, 0);
	/* Moves that cancel out, and a frame with nothing: no motion. */
	in(30, EV_REL, REL_X, 4);
	in(30, EV_REL, REL_X, -4);
	syn(30);
	syn(31);
	assert_int_equal(n_got, 2);
	/* Clamped to the 1920x1080 screen; pushing on at the edge is no
	 * movement. */
	in(40, EV_REL, REL_X, 100000);
	in(40, EV_REL, REL_Y, -100000);
	syn(40);
	expect(2, STREAM_MOTION, EV_MOTION, 40, 1919, 0, 0);
	in(41, EV_REL, REL_X, 7);
	syn(41);
	assert_int_equal(n_got, 3);
	in(42, EV_REL, REL_X, INT32_MIN);
	in(42, EV_REL, REL_X, INT32_MIN);
	in(42, EV_REL, REL_Y, INT32_MAX);
	syn(42);
	expect(3, STREAM_MOTION, EV_MOTION, 42, 0, 1079, 0);
	assert_int_equal(n_got, 4);
	/* Two decoders on one position (two mice, one cursor). */
	struct evdecode_pos pos;
	struct evdecode a, b;
	evdecode_pos_init(&pos);
	evdecode_init(&a, &pos);
	evdecode_init(&b, &pos);
	n_got = 0;
	evdecode_feed(&a, 1, EV_REL, REL_X, 10, collect, NULL);
	evdecode_feed(&a, 1, EV_SYN, SYN_REPORT, 0, collect, NULL);
	evdecode_feed(&b, 2, EV_REL, REL_Y, 10, collect, NULL);
	evdecode_feed(&b, 2, EV_SYN, SYN_REPORT, 0, collect, NULL);
	expect(0, STREAM_MOTION, EV_MOTION, 1, 970, 540, 0);
	expect(1, STREAM_MOTION, EV_MOTION, 2, 970, 550, 0);
}

static void test_absolute_motion(void **state)
{
	(void)state;
	reset();
	/* The device's values as they are, not scaled nor clamped. */
	in(1, EV_ABS, ABS_X, 30000);
	in(1, EV_ABS, ABS_Y, 12);
	syn(1);
	expect(0, STREAM_MOTION, EV_MOTION, 1, 30000, 12, 0);
	in(2, EV_ABS, ABS_Y, 14);
	in(2, EV_ABS, ABS_PRESSURE, 40);
	syn(2);
	expect(1, STREAM_MOTION, EV_MOTION, 2, 30000, 14, 0);
	/* The same position again, or another axis only: no motion. */
	in(3, EV_ABS, ABS_X, 30000);
	syn(3);
	in(4, EV_ABS, ABS_MT_POSITION_X, 5);
	syn(4);
	assert_int_equal(n_got, 2);
}

static void test_buttons(void **state)
{
	(void)state;
	assert_int_equal(evdecode_button(BTN_LEFT), 1);
	assert_int_equal(evdecode_button(BTN_MIDDLE), 2);
	assert_int_equal(evdecode_button(BTN_RIGHT), 3);
	assert_int_equal(evdecode_button(BTN_SIDE), 8);
	assert_int_equal(evdecode_button(BTN_EXTRA), 9);
	/* The unnamed ones up to BTN_JOYSTICK go on counting, to 20. */
	assert_int_equal(evdecode_button(BTN_MOUSE + 0xf), 20);
	assert_int_equal(evdecode_button(BTN_JOYSTICK), 0);
	assert_int_equal(evdecode_button(BTN_FORWARD), 10);
	assert_int_equal(evdecode_button(BTN_BACK), 11);
	assert_int_equal(evdecode_button(BTN_TASK), 12);
	assert_int_equal(evdecode_button(0x11f), 20); /* the last mouse button */
	assert_int_equal(evdecode_button(BTN_JOYSTICK), 0);
	assert_int_equal(evdecode_button(BTN_TOUCH), 0);
	assert_int_equal(evdecode_button(KEY_A), 0);

	reset();
	/* A press with a movement in its frame: the motion first, the
	 * button at the new position. */
	in(5, EV_MSC, MSC_SCAN, 589825);
	in(5, EV_KEY, BTN_LEFT, 1);
	in(5, EV_REL, REL_X, -10);
	assert_int_equal(n_got, 0);
	syn(5);
	assert_int_equal(n_got, 2);
	expect(0, STREAM_MOTION, EV_MOTION, 5, 950, 540, 0);
	expect(1, STREAM_BUTTON, EV_BUTTON_PRESS, 5, 950, 540, 1);
	in(6, EV_KEY, BTN_LEFT, 0);
	in(6, EV_KEY, BTN_SIDE, 1);
	in(6, EV_KEY, BTN_EXTRA, 1);
	syn(6);
	expect(2, STREAM_BUTTON, EV_BUTTON_RELEASE, 6, 950, 540, 1);
	expect(3, STREAM_BUTTON, EV_BUTTON_PRESS, 6, 950, 540, 8);
	expect(4, STREAM_BUTTON, EV_BUTTON_PRESS, 6, 950, 540, 9);
	/* Touch and tool bits, joystick buttons: not pointer buttons. */
	in(7, EV_KEY, BTN_TOUCH, 1);
	in(7, EV_KEY, BTN_TOOL_FINGER, 1);
	in(7, EV_KEY, BTN_TRIGGER, 1);
	in(7, EV_KEY, BTN_0, 1);
	syn(7);
	assert_int_equal(n_got, 5);
}

static void test_keys(void **state)
{
	(void)state;
	reset();
	in(1, EV_MSC, MSC_SCAN, 458756);
	in(1, EV_KEY, KEY_A, 1);
	syn(1);
	/* Autorepeat: the key did not move. */
	in(2, EV_KEY, KEY_A, 2);
	syn(2);
	in(3, EV_KEY, KEY_A, 2);
	syn(3);
	in(4, EV_KEY, KEY_A, 0);
	syn(4);
	assert_int_equal(n_got, 2);
	expect(0, STREAM_KEYBOARD, EV_KEY_PRESS, 1, 0, 0, KEY_A);
	expect(1, STREAM_KEYBOARD, EV_KEY_RELEASE, 4, 0, 0, KEY_A);
	/* Several keys in one frame keep their order; keys carry no
	 * position even when the frame moves the pointer. */
	in(5, EV_KEY, KEY_LEFTSHIFT, 1);
	in(5, EV_REL, REL_Y, 1);
	in(5, EV_KEY, KEY_W, 1);
	syn(5);
	expect(2, STREAM_MOTION, EV_MOTION, 5, 960, 541, 0);
	expect(3, STREAM_KEYBOARD, EV_KEY_PRESS, 5, 0, 0, KEY_LEFTSHIFT);
	expect(4, STREAM_KEYBOARD, EV_KEY_PRESS, 5, 0, 0, KEY_W);
	/* Keys above the button ranges (media, Fn) are keys; the reserved
	 * code and the d-pad are not. */
	in(6, EV_KEY, KEY_OK, 1);
	in(6, EV_KEY, KEY_FN, 1);
	in(6, EV_KEY, KEY_RESERVED, 1);
	in(6, EV_KEY, BTN_DPAD_UP, 1);
	in(6, EV_KEY, BTN_TRIGGER_HAPPY1, 1);
	in(6, EV_KEY, KEY_A, 7);
	syn(6);
	assert_int_equal(n_got, 7);
	expect(5, STREAM_KEYBOARD, EV_KEY_PRESS, 6, 0, 0, KEY_OK);
	expect(6, STREAM_KEYBOARD, EV_KEY_PRESS, 6, 0, 0, KEY_FN);
	assert_true(evdecode_is_key(KEY_ESC));
	assert_true(evdecode_is_key(KEY_MICMUTE));
	assert_false(evdecode_is_key(BTN_MISC));
	assert_false(evdecode_is_key(BTN_LEFT));
}

static size_t count_scrolls(int32_t code)
{
	size_t n = 0;
	for (size_t i = 0; i < n_got; i++)
		if (got[i].stream == STREAM_SCROLL && got[i].code == code)
			n++;
	return n;
}

static void test_wheels(void **state)
{
	(void)state;
	/* Low resolution only: one scroll per notch, at the pointer. */
	reset();
	in(1, EV_REL, REL_WHEEL, 1);
	syn(1);
	in(2, EV_REL, REL_WHEEL, -2);
	syn(2);
	in(3, EV_REL, REL_HWHEEL, 1);
	in(3, EV_REL, REL_HWHEEL, -1);
	syn(3);
	assert_int_equal(n_got, 5);
	expect(0, STREAM_SCROLL, EV_SCROLL, 1, 960, 540, 1);
	expect(1, STREAM_SCROLL, EV_SCROLL, 2, 960, 540, -1);
	expect(2, STREAM_SCROLL, EV_SCROLL, 2, 960, 540, -1);
	expect(3, STREAM_SCROLL, EV_SCROLL, 3, 960, 540, 2);
	expect(4, STREAM_SCROLL, EV_SCROLL, 3, 960, 540, -2);

	/* High resolution only: summed to 120 a notch, the rest kept. */
	reset();
	for (int i = 0; i < 3; i++) {
		in(10, EV_REL, REL_WHEEL_HI_RES, 60);
		syn(10);
	}
	assert_int_equal(n_got, 1);
	expect(0, STREAM_SCROLL, EV_SCROLL, 10, 960, 540, 1);
	in(11, EV_REL, REL_WHEEL_HI_RES, 60); /* 60 + 60: the second notch */
	syn(11);
	in(12, EV_REL, REL_WHEEL_HI_RES, -360);
	syn(12);
	in(13, EV_REL, REL_HWHEEL_HI_RES, 250);
	syn(13);
	assert_int_equal(count_scrolls(1), 2);
	assert_int_equal(count_scrolls(-1), 3);
	assert_int_equal(count_scrolls(2), 2);
	assert_int_equal(n_got, 7);

	/* Both, as the kernel sends them (8 high-resolution steps a notch,
	 * the low-resolution event in the eighth frame, either order): each
	 * notch counted once. */
	reset();
	for (int notch = 0; notch < 3; notch++) {
		for (int k = 0; k < 8; k++) {
			if (k == 7 && notch == 1)
				in(20, EV_REL, REL_WHEEL, 1);
			in(20, EV_REL, REL_WHEEL_HI_RES, 15);
			if (k == 7 && notch != 1)
				in(20, EV_REL, REL_WHEEL, 1);
			syn(20);
		}
	}
	for (int k = 0; k < 8; k++) { /* high resolution alone, after low */
		in(21, EV_REL, REL_WHEEL_HI_RES, -15);
		syn(21);
	}
	in(22, EV_REL, REL_WHEEL_HI_RES, -240);
	in(22, EV_REL, REL_WHEEL, -2);
	syn(22);
	assert_int_equal(count_scrolls(1), 3);
	assert_int_equal(count_scrolls(-1), 2);
	assert_int_equal(n_got, 5);

	/* A device that declares its low-resolution wheel: high resolution
	 * is never counted, even before the first low-resolution event. */
	reset();
	evdecode_declare_lowres(&dec, true, false);
	in(30, EV_REL, REL_WHEEL_HI_RES, 240);
	syn(30);
	in(31, EV_REL, REL_HWHEEL_HI_RES, 120);
	syn(31);
	assert_int_equal(n_got, 1);
	expect(0, STREAM_SCROLL, EV_SCROLL, 31, 960, 540, 2);

	/* An absurd value is capped, not looped over. */
	reset();
	in(40, EV_REL, REL_WHEEL, INT32_MIN);
	in(40, EV_REL, REL_HWHEEL_HI_RES, INT32_MAX);
	syn(40);
	assert_int_equal(count_scrolls(-1), EVDECODE_MAX_NOTCHES);
	assert_int_equal(count_scrolls(2), EVDECODE_MAX_NOTCHES);
}

static void test_syn_dropped(void **state)
{
	(void)state;
	reset();
	in(1, EV_KEY, KEY_A, 1);
	in(1, EV_REL, REL_X, 3);
	in(1, EV_SYN, SYN_DROPPED, 0);
	/* Everything up to and including the next SYN_REPORT is lost. */
	in(2, EV_KEY, KEY_B, 1);
	syn(2);
	assert_int_equal(n_got, 0);
	in(3, EV_KEY, KEY_C, 1);
	syn(3);
	assert_int_equal(n_got, 1);
	expect(0, STREAM_KEYBOARD, EV_KEY_PRESS, 3, 0, 0, KEY_C);
}

static void test_crowded_frame(void **state)
{
	(void)state;
	reset();
	/* More than the pending list holds: nothing is lost, the order is
	 * kept. */
	for (int i = 0; i < EVDECODE_PENDING_MAX + 8; i++)
		in(1, EV_KEY, (uint16_t)(KEY_1 + i), 1);
	syn(1);
	assert_int_equal(n_got, EVDECODE_PENDING_MAX + 8);
	for (int i = 0; i < EVDECODE_PENDING_MAX + 8; i++)
		assert_int_equal(got[i].code, KEY_1 + i);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_good),      cmocka_unit_test(test_parse_pieces),
	    cmocka_unit_test(test_parse_broken),    cmocka_unit_test(test_recording_file),
	    cmocka_unit_test(test_relative_motion), cmocka_unit_test(test_absolute_motion),
	    cmocka_unit_test(test_buttons),         cmocka_unit_test(test_keys),
	    cmocka_unit_test(test_wheels),          cmocka_unit_test(test_syn_dropped),
	    cmocka_unit_test(test_crowded_frame),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
