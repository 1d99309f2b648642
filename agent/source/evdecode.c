/* The evdev decoder: frames of kernel input events become the contract's
 * pointer and keyboard events. */
#include "source/evdecode.h"

#include <linux/input-event-codes.h>
#include <string.h>

void evdecode_pos_init(struct evdecode_pos *p)
{
	p->x = EVDECODE_SCREEN_W / 2;
	p->y = EVDECODE_SCREEN_H / 2;
}

void evdecode_init(struct evdecode *d, struct evdecode_pos *pos)
{
	memset(d, 0, sizeof *d);
	evdecode_pos_init(&d->own_pos);
	d->pos = pos ? pos : &d->own_pos;
}

void evdecode_declare_lowres(struct evdecode *d, bool vertical, bool horizontal)
{
	d->lowres_seen[0] |= vertical;
	d->lowres_seen[1] |= horizontal;
}

int32_t evdecode_button(uint16_t code)
{
	switch (code) {
	case BTN_LEFT:
		return 1;
	case BTN_MIDDLE:
		return 2;
	case BTN_RIGHT:
		return 3;
	}
	/* The rest as X numbers them, past 4 to 7, which are the wheels:
	 * BTN_SIDE 8, BTN_EXTRA 9, BTN_FORWARD 10, BTN_BACK 11, BTN_TASK 12. */
	if (code > BTN_MIDDLE && code < BTN_JOYSTICK)
		return code - BTN_MOUSE + 5;
	return 0;
}

bool evdecode_is_key(uint16_t code)
{
	if (code == KEY_RESERVED)
		return false;
	if (code < BTN_MISC)
		return true;
	/* KEY_OK and up are keys again (media, Fn, brightness), apart from
	 * the gamepad's d-pad and the "trigger happy" buttons. */
	if (code >= BTN_DPAD_UP && code <= BTN_DPAD_RIGHT)
		return false;
	return code >= KEY_OK && code < BTN_TRIGGER_HAPPY;
}

static int32_t clamp(int64_t v, int32_t max)
{
	return v < 0 ? 0 : v > max ? max : (int32_t)v;
}

static void emit_one(struct evdecode *d, uint64_t time, enum event_kind kind, int32_t code,
                     evdecode_emit_fn emit, void *data)
{
	/* Set field by field: zeroing the whole text buffer for every event
	 * is the decoder's largest cost. */
	struct event e;
	e.time = time;
	e.kind = kind;
	e.code = code;
	e.x = e.y = 0;
	e.text[0] = '\0';
	switch (kind) {
	case EV_MOTION:
		e.stream = STREAM_MOTION;
		break;
	case EV_BUTTON_PRESS:
	case EV_BUTTON_RELEASE:
		e.stream = STREAM_BUTTON;
		break;
	case EV_SCROLL:
		e.stream = STREAM_SCROLL;
		break;
	default:
		e.stream = STREAM_KEYBOARD;
		break;
	}
	if (e.stream != STREAM_KEYBOARD) {
		e.x = d->pos->x;
		e.y = d->pos->y;
	}
	emit(&e, data);
}

static void emit_pending(struct evdecode *d, uint64_t time, const struct evdecode_pending *q,
                         evdecode_emit_fn emit, void *data)
{
	for (int32_t i = 0; i < q->count; i++)
		emit_one(d, time, q->kind, q->code, emit, data);
}

static void frame_reset(struct evdecode *d)
{
	d->rel_x = d->rel_y = 0;
	d->abs_x_set = d->abs_y_set = false;
	d->hires[0] = d->hires[1] = 0;
	d->lowres_in_frame[0] = d->lowres_in_frame[1] = false;
	d->n_pending = 0;
}

/* Adds count notches of the wheel axis in direction sign (the kernel's
 * and the contract's: up and right positive). */
static struct evdecode_pending notches(int axis, int64_t n)
{
	int32_t code = (axis == 0 ? 1 : 2) * (n < 0 ? -1 : 1);
	if (n < 0)
		n = -n;
	return (struct evdecode_pending){
	    EV_SCROLL, code, (int32_t)(n > EVDECODE_MAX_NOTCHES ? EVDECODE_MAX_NOTCHES : n)};
}

/* Emits what the frame holds, at SYN_REPORT. */
static void frame_flush(struct evdecode *d, uint64_t time, evdecode_emit_fn emit, void *data)
{
	struct evdecode_pos *p = d->pos;
	int32_t x = d->abs_x_set ? d->abs_x : p->x;
	int32_t y = d->abs_y_set ? d->abs_y : p->y;
	if (d->rel_x || d->rel_y) {
		x = clamp(x + d->rel_x, EVDECODE_SCREEN_W - 1);
		y = clamp(y + d->rel_y, EVDECODE_SCREEN_H - 1);
	}
	if (x != p->x || y != p->y) {
		p->x = x;
		p->y = y;
		emit_one(d, time, EV_MOTION, 0, emit, data);
	}

	for (unsigned i = 0; i < d->n_pending; i++)
		emit_pending(d, time, &d->pending[i], emit, data);

	for (int axis = 0; axis < 2; axis++) {
		if (d->lowres_in_frame[axis]) {
			/* From now on the low-resolution axis is the count. */
			d->lowres_seen[axis] = true;
			d->hires_acc[axis] = 0;
		} else if (!d->lowres_seen[axis] && d->hires[axis]) {
			int64_t acc = (int64_t)d->hires_acc[axis] + d->hires[axis];
			int64_t n = acc / 120;
			d->hires_acc[axis] = (int32_t)(acc - n * 120);
			if (n) {
				struct evdecode_pending q = notches(axis, n);
				emit_pending(d, time, &q, emit, data);
			}
		}
	}
	frame_reset(d);
}

static void push(struct evdecode *d, uint64_t time, struct evdecode_pending q,
                 evdecode_emit_fn emit, void *data)
{
	if (d->n_pending == EVDECODE_PENDING_MAX) {
		/* An absurd frame: better split than lost. The motion still
		 * waits for the frame's end. */
		for (unsigned i = 0; i < d->n_pending; i++)
			emit_pending(d, time, &d->pending[i], emit, data);
		d->n_pending = 0;
	}
	d->pending[d->n_pending++] = q;
}

static void feed_key(struct evdecode *d, uint64_t time, uint16_t code, int32_t value,
                     evdecode_emit_fn emit, void *data)
{
	if (value != 0 && value != 1)
		return; /* 2 is the kernel's autorepeat: the key did not move */
	int32_t button = evdecode_button(code);
	if (button)
		push(d, time,
		     (struct evdecode_pending){value ? EV_BUTTON_PRESS : EV_BUTTON_RELEASE, button,
		                               1},
		     emit, data);
	else if (evdecode_is_key(code))
		push(d, time,
		     (struct evdecode_pending){value ? EV_KEY_PRESS : EV_KEY_RELEASE, code, 1},
		     emit, data);
}

static void feed_rel(struct evdecode *d, uint64_t time, uint16_t code, int32_t value,
                     evdecode_emit_fn emit, void *data)
{
	switch (code) {
	case REL_X:
		d->rel_x += value;
		break;
	case REL_Y:
		d->rel_y += value;
		break;
	case REL_WHEEL:
	case REL_HWHEEL: {
		int axis = code == REL_WHEEL ? 0 : 1;
		d->lowres_in_frame[axis] = true;
		if (value)
			push(d, time, notches(axis, value), emit, data);
		break;
	}
	case REL_WHEEL_HI_RES:
	case REL_HWHEEL_HI_RES: {
		/* Decided at the frame's end: the kernel may send the
		 * low-resolution twin after it in the same frame. */
		int axis = code == REL_WHEEL_HI_RES ? 0 : 1;
		int64_t sum = (int64_t)d->hires[axis] + value;
		d->hires[axis] = sum > INT32_MAX   ? INT32_MAX
		                 : sum < INT32_MIN ? INT32_MIN
		                                   : (int32_t)sum;
		break;
	}
	}
}

void evdecode_feed(struct evdecode *d, uint64_t time, uint16_t type, uint16_t code, int32_t value,
                   evdecode_emit_fn emit, void *data)
{
	if (type == EV_SYN) {
		if (code == SYN_DROPPED) {
			/* The kernel lost events: what came in this frame is
			 * incomplete, and so is everything up to the next
			 * SYN_REPORT. */
			frame_reset(d);
			d->dropping = true;
		} else if (code == SYN_REPORT) {
			if (d->dropping)
				frame_reset(d);
			else
				frame_flush(d, time, emit, data);
			d->dropping = false;
		}
		return;
	}
	if (d->dropping)
		return;
	switch (type) {
	case EV_KEY:
		feed_key(d, time, code, value, emit, data);
		break;
	case EV_REL:
		feed_rel(d, time, code, value, emit, data);
		break;
	case EV_ABS:
		if (code == ABS_X) {
			d->abs_x = value;
			d->abs_x_set = true;
		} else if (code == ABS_Y) {
			d->abs_y = value;
			d->abs_y_set = true;
		}
		break;
	}
}
