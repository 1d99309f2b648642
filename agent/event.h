/* One input event as it travels from a source through the filter to the
 * recorder: the fields of the contract's event table. */
#ifndef CAPTURED_EVENT_H
#define CAPTURED_EVENT_H

#include <stdint.h>

#include "names.h"

enum event_kind {
	EV_MOTION,
	EV_BUTTON_PRESS,
	EV_BUTTON_RELEASE,
	EV_SCROLL,
	EV_KEY_PRESS,
	EV_KEY_RELEASE,
	EV_FOCUS,
	N_EVENT_KINDS
};

#define EVENT_TEXT_MAX 160

struct event {
	uint64_t time; /* realtime microseconds */
	enum stream stream;
	enum event_kind kind;
	int32_t x, y, code;
	/* focus: "application\ttitle" from a source, reduced by the filter;
	 * keys: the category name at category fidelity. */
	char text[EVENT_TEXT_MAX];
};

const char *event_kind_name(enum event_kind k);

#endif
