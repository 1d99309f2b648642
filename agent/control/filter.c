/* The filter. Dropping happens before anything is counted or kept. */
#include "control/filter.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

void filter_init(struct filter *f, const struct policy *p)
{
	memset(f, 0, sizeof *f);
	f->policy = p;
}

const char *key_category(int32_t c)
{
	if ((c >= 16 && c <= 25) || (c >= 30 && c <= 38) || (c >= 44 && c <= 50))
		return "letter";
	if ((c >= 2 && c <= 11) || (c >= 71 && c <= 73) || (c >= 75 && c <= 77) ||
	    (c >= 79 && c <= 82))
		return "digit";
	switch (c) {
	case 57:
		return "space";
	case 28: /* ENTER */
	case 96: /* KPENTER */
		return "enter";
	case 14:
		return "backspace";
	case 29:  /* LEFTCTRL */
	case 42:  /* LEFTSHIFT */
	case 54:  /* RIGHTSHIFT */
	case 56:  /* LEFTALT */
	case 58:  /* CAPSLOCK */
	case 97:  /* RIGHTCTRL */
	case 100: /* RIGHTALT */
	case 125: /* LEFTMETA */
	case 126: /* RIGHTMETA */
		return "modifier";
	case 15:  /* TAB */
	case 102: /* HOME */
	case 103: /* UP */
	case 104: /* PAGEUP */
	case 105: /* LEFT */
	case 106: /* RIGHT */
	case 107: /* END */
	case 108: /* DOWN */
	case 109: /* PAGEDOWN */
	case 110: /* INSERT */
	case 111: /* DELETE */
		return "navigation";
	case 1:  /* ESC */
	case 87: /* F11 */
	case 88: /* F12 */
		return "function";
	case 12: /* MINUS */
	case 13: /* EQUAL */
	case 26: /* LEFTBRACE */
	case 27: /* RIGHTBRACE */
	case 39: /* SEMICOLON */
	case 40: /* APOSTROPHE */
	case 41: /* GRAVE */
	case 43: /* BACKSLASH */
	case 51: /* COMMA */
	case 52: /* DOT */
	case 53: /* SLASH */
	case 55: /* KPASTERISK */
	case 74: /* KPMINUS */
	case 78: /* KPPLUS */
	case 83: /* KPDOT */
	case 86: /* 102ND */
	case 98: /* KPSLASH */
		return "punctuation";
	}
	if ((c >= 59 && c <= 68) || (c >= 183 && c <= 194)) /* F1..F10, F13..F24 */
		return "function";
	return "other";
}

uint32_t filter_motion_hz(const struct filter *f)
{
	uint32_t hz = policy_fidelity(f->policy, STREAM_MOTION) == FID_REDUCED
	                  ? f->policy->motion_rate_hz
	                  : 0;
	if (f->saver && (hz == 0 || hz > SAVER_MOTION_HZ))
		hz = SAVER_MOTION_HZ;
	return hz;
}

static uint64_t interval(const struct filter *f)
{
	uint32_t hz = filter_motion_hz(f);
	return USEC_PER_SEC / (hz ? hz : 1);
}

static uint64_t motion_slot(const struct filter *f, uint64_t t)
{
	return t / interval(f);
}

uint64_t filter_deadline(const struct filter *f)
{
	return f->held ? (f->held_slot + 1) * interval(f) : 0;
}

void filter_flush(struct filter *f, uint64_t now, bool all, filter_emit_fn emit, void *data)
{
	if (f->held && (all || motion_slot(f, now) > f->held_slot)) {
		f->held = false;
		emit(&f->held_ev, data);
	}
}

/* Reduces e in place to what its stream's fidelity keeps. */
static void reduce(struct event *e, enum fidelity fid)
{
	switch (e->stream) {
	case STREAM_BUTTON:
		if (fid == FID_REDUCED)
			e->x = e->y = 0;
		break;
	case STREAM_KEYBOARD:
		e->x = e->y = 0;
		if (fid == FID_CATEGORY)
			snprintf(e->text, sizeof e->text, "%s", key_category(e->code));
		else
			e->text[0] = '\0';
		if (fid != FID_FULL)
			e->code = 0;
		break;
	case STREAM_FOCUS: {
		/* "application\ttitle\talias": the alias is never kept, the
		 * title only at full fidelity. */
		e->x = e->y = e->code = 0;
		char *tab = strchr(e->text, '\t');
		if (tab && fid == FID_APP)
			*tab = '\0';
		else if (tab && (tab = strchr(tab + 1, '\t')))
			*tab = '\0';
		break;
	}
	default:
		break;
	}
}

/* Copies s up to the next tab or its end, cut between characters. */
static void copy_field(char *dst, size_t size, const char *s)
{
	size_t n = utf8_cut(s, strcspn(s, "\t"), size - 1);
	memcpy(dst, s, n);
	dst[n] = '\0';
}

void filter_feed(struct filter *f, const struct event *in, filter_emit_fn emit, void *data)
{
	if (in->stream == STREAM_FOCUS) {
		char alias[64] = "";
		const char *title = strchr(in->text, '\t');
		const char *a = title ? strchr(title + 1, '\t') : NULL;
		copy_field(f->app, sizeof f->app, in->text);
		if (a)
			copy_field(alias, sizeof alias, a + 1);
		bool was = f->suspended;
		f->suspended = policy_excludes_app(f->policy, f->app) ||
		               (*alias && policy_excludes_app(f->policy, alias));
		if (f->suspended && !was)
			filter_flush(f, 0, true, emit, data); /* kept before the switch */
	}
	enum fidelity fid = policy_fidelity(f->policy, in->stream);
	if (f->paused || f->locked || f->suspended || f->exempt[in->stream] || fid == FID_OFF)
		return;

	/* Motion at any fidelity first settles an interval that has ended. */
	if (in->stream == STREAM_MOTION)
		filter_flush(f, in->time, false, emit, data);

	/* Most events pass as they are; copy only what must change. */
	bool reduced = in->stream == STREAM_KEYBOARD || in->stream == STREAM_FOCUS ||
	               (in->stream == STREAM_BUTTON && fid == FID_REDUCED);
	bool held = in->stream == STREAM_MOTION && filter_motion_hz(f);
	if (!reduced && !held) {
		emit(in, data);
		return;
	}
	struct event e = *in;
	reduce(&e, fid);
	if (e.stream == STREAM_MOTION && filter_motion_hz(f)) {
		f->held = true;
		f->held_slot = motion_slot(f, e.time);
		f->held_ev = e;
		return;
	}
	emit(&e, data);
}
