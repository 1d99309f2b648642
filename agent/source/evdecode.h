/* The evdev decoder that the evdev and replay sources share: kernel input
 * events (time, type, code, value) in, the contract's events out, one SYN
 * frame at a time. Pure: no I/O, the time comes with each input event. */
#ifndef CAPTURED_EVDECODE_H
#define CAPTURED_EVDECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"

/* The virtual screen that relative motion moves over: it starts at the
 * centre and clamps to the edges. Absolute axes set the position to the
 * device's own values, unscaled. */
#define EVDECODE_SCREEN_W 1920
#define EVDECODE_SCREEN_H 1080

/* A wheel value beyond this many notches in one frame is a broken device;
 * the rest is dropped rather than flooding the recorder. */
#define EVDECODE_MAX_NOTCHES 100

/* The pointer position, shared by every device of one source (two mice
 * move one cursor). */
struct evdecode_pos {
	int32_t x, y;
};

/* What a frame has seen so far, emitted at its SYN_REPORT: a button, a
 * key, or count wheel notches. */
struct evdecode_pending {
	enum event_kind kind;
	int32_t code;
	int32_t count;
};

#define EVDECODE_PENDING_MAX 32

/* One per device: the frame being assembled and the wheel state. Not to
 * be copied once initialised (pos may point into it). */
struct evdecode {
	struct evdecode_pos *pos; /* borrowed, or &own_pos */
	struct evdecode_pos own_pos;

	/* The frame so far. */
	int64_t rel_x, rel_y;
	bool abs_x_set, abs_y_set;
	int32_t abs_x, abs_y;
	int32_t hires[2]; /* REL_WHEEL_HI_RES, REL_HWHEEL_HI_RES this frame */
	bool lowres_in_frame[2];
	bool dropping; /* after SYN_DROPPED, until the next SYN_REPORT */
	struct evdecode_pending pending[EVDECODE_PENDING_MAX];
	unsigned n_pending;

	/* Wheels, [0] vertical and [1] horizontal: once a device has sent (or
	 * declared) the low-resolution axis, its high-resolution twin is a
	 * duplicate and is ignored; until then it is summed to 120 a notch. */
	bool lowres_seen[2];
	int32_t hires_acc[2];
};

typedef void (*evdecode_emit_fn)(const struct event *e, void *data);

/* pos: shared with other devices, or NULL for a position of its own
 * (starting at the centre). */
void evdecode_init(struct evdecode *d, struct evdecode_pos *pos);
/* Sets a position to the centre of the virtual screen. */
void evdecode_pos_init(struct evdecode_pos *p);

/* The device declares REL_WHEEL (vertical) and/or REL_HWHEEL (horizontal):
 * their high-resolution twins are never counted. */
void evdecode_declare_lowres(struct evdecode *d, bool vertical, bool horizontal);

/* Feeds one kernel input event. At SYN_REPORT the frame's events are
 * emitted, all at its time: one motion if the position changed, then the
 * buttons, keys and low-resolution wheel notches in the order they came,
 * then the notches the high-resolution wheels completed. Events of other
 * types, autorepeats (value 2) and EV_KEY codes that are neither keys nor
 * mouse buttons (joystick, digitiser tools) are ignored. */
void evdecode_feed(struct evdecode *d, uint64_t time, uint16_t type, uint16_t code, int32_t value,
                   evdecode_emit_fn emit, void *data);

/* The contract's button number of an EV_KEY code, or 0 if it is not a
 * mouse button: BTN_LEFT 1, BTN_MIDDLE 2, BTN_RIGHT 3, BTN_SIDE 8,
 * BTN_EXTRA 9, the others of the BTN_MOUSE range code - BTN_MOUSE + 1. */
int32_t evdecode_button(uint16_t code);
/* Whether an EV_KEY code is a key (not a button). */
bool evdecode_is_key(uint16_t code);

#endif
