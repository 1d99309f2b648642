/* The X11 source: XInput2 raw events on the root window of $DISPLAY (no
 * privileges needed) for motion, buttons, wheels and keys, and the focused
 * window's application and title. The X connection is one more fd on the
 * loop; every request that waits for a reply is rare and rate-limited.
 *
 * The pointer position: raw events carry device deltas, not positions, and
 * XI_Motion on the root only arrives where no other client selects motion,
 * so neither gives it alone. The position is the server's (XQueryPointer)
 * whenever the last such query is older than SYNC_USEC, and in between the
 * last one plus the raw events' deltas (valuators, i.e. after the server's
 * acceleration; absolute devices scaled to the screen). That costs at most
 * four round trips a second while the pointer moves, none when it rests,
 * and corrects warps (which make no raw event) on the next movement. */
#define _GNU_SOURCE
#include "source/source.h"
#include "i18n.h"
#include "phrase.h"
#include "util.h"

#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XInput2.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYNC_USEC 250000ULL        /* pointer position from the server */
#define FOCUS_CHECK_USEC 250000ULL /* without EWMH: XGetInputFocus */
#define MAX_DEVICES 32
#define APP_MAX 63 /* what the filter compares (its app[64]) */

struct x11_device {
	int id;
	bool absolute[2];
	double min[2], max[2];
};

struct x11_source {
	struct source base;
	struct source_cb cb;
	struct loop *loop;
	Display *dpy;
	char *display_name;
	Window root;
	int xi_opcode;
	struct loop_io *io;
	bool lost;

	Atom net_active, net_check, net_wm_name, utf8_string;
	bool ewmh;
	Window watched;                 /* EWMH: the active window, its titles watched */
	uint64_t focus_checked;         /* mono_usec of the last XGetInputFocus */
	struct loop_timer *focus_timer; /* a deferred focus check */
	char focus[EVENT_TEXT_MAX];     /* the last focus text sent */
	bool focus_sent;

	double x, y;
	int32_t sent_x, sent_y;
	uint64_t synced; /* mono_usec of the last XQueryPointer */
	int width, height;
	struct x11_device devices[MAX_DEVICES];
	int n_devices;
	unsigned char keys_down[32];

	/* Server time (ms, 32 bits) to realtime: an offset set on the first
	 * event and reset whenever it would put an event in the future or
	 * more than a second in the past. */
	uint64_t server_hi; /* wraps of the 32-bit server time, << 32 */
	Time last_server;
	int64_t offset;
	bool anchored;
	uint64_t last_time; /* events leave in time order */
};

/* Xlib's default handlers print and exit(); the agent must outlive its X
 * server. Protocol errors (a window that vanished between the event and
 * the request about it) are expected and ignored. */
static int ignore_error(Display *d, XErrorEvent *e)
{
	(void)d;
	(void)e;
	return 0;
}

static int quiet_io_error(Display *d)
{
	(void)d;
	return 0;
}

/* Called by Xlib (1.7 and later, Debian 12 has 1.8.4) instead of exit()
 * once the connection is broken: the calls in progress return failure,
 * and the source stops when control is back in its own code. */
static void io_error_exit(Display *d, void *data)
{
	struct x11_source *s = data;
	(void)d;
	s->lost = true;
}

static void emit(struct x11_source *s, struct event *e)
{
	if (e->time < s->last_time)
		e->time = s->last_time;
	s->last_time = e->time;
	s->cb.event(e, s->cb.data);
}

static uint64_t event_time(struct x11_source *s, Time t)
{
	uint64_t now = now_usec();
	if (s->anchored && t < s->last_server && s->last_server - t > 0x80000000UL)
		s->server_hi += 1ULL << 32;
	s->last_server = t;
	int64_t server_us = (int64_t)((s->server_hi + (uint64_t)t) * 1000);
	int64_t est = server_us + s->offset;
	if (!s->anchored || est > (int64_t)now || (int64_t)now - est > (int64_t)USEC_PER_SEC) {
		s->anchored = true;
		s->offset = (int64_t)now - server_us;
		est = (int64_t)now;
	}
	return (uint64_t)est;
}

/* ---- focus ---- */

/* Appends src to dst (capacity cap, NUL kept) as valid UTF-8 on one line:
 * Latin-1 where it is not UTF-8 (ICCCM's STRING), control characters and
 * tabs as spaces, cut at a character boundary within max bytes. */
static void append_clean(char *dst, size_t cap, const char *src, size_t max)
{
	size_t len = strlen(dst), start = len, n = strlen(src);
	bool utf8 = utf8_valid(src, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];
		char out[4];
		size_t k = 1;
		if (c < 0x20 || c == 0x7f) {
			out[0] = ' ';
		} else if (c < 0x80 || utf8) {
			/* A UTF-8 sequence is copied whole or not at all. */
			k = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
			if (i + k > n)
				break;
			memcpy(out, src + i, k);
			i += k - 1;
		} else {
			out[0] = (char)(0xc0 | (c >> 6));
			out[1] = (char)(0x80 | (c & 0x3f));
			k = 2;
		}
		if (len + k - start > max || len + k >= cap)
			break;
		memcpy(dst + len, out, k);
		len += k;
	}
	dst[len] = '\0';
}

/* A text property as UTF-8 (heap), or NULL. */
static char *text_property(struct x11_source *s, Window w, Atom prop)
{
	XTextProperty tp;
	char *out = NULL;
	if (!XGetTextProperty(s->dpy, w, &tp, prop) || !tp.value)
		return NULL;
	if (tp.encoding == s->utf8_string || tp.encoding == XA_STRING) {
		out = xstrdup((const char *)tp.value); /* STRING: Latin-1, cleaned later */
	} else {
		char **list = NULL;
		int count = 0;
		if (Xutf8TextPropertyToTextList(s->dpy, &tp, &list, &count) >= Success && count > 0)
			out = xstrdup(list[0]);
		if (list)
			XFreeStringList(list);
	}
	XFree(tp.value);
	return out;
}

static bool window_class(struct x11_source *s, Window w, char **app, char **alias)
{
	XClassHint hint = {NULL, NULL};
	if (!XGetClassHint(s->dpy, w, &hint))
		return false;
	const char *class = hint.res_class ? hint.res_class : "";
	const char *instance = hint.res_name ? hint.res_name : "";
	*app = xstrdup(*class ? class : instance);
	*alias = xstrdup(*class ? instance : "");
	if (hint.res_class)
		XFree(hint.res_class);
	if (hint.res_name)
		XFree(hint.res_name);
	return true;
}

static Window window_property(struct x11_source *s, Window w, Atom prop)
{
	Atom type;
	int format;
	unsigned long n, after;
	unsigned char *data = NULL;
	Window out = None;
	if (XGetWindowProperty(s->dpy, w, prop, 0, 1, False, AnyPropertyType, &type, &format, &n,
	                       &after, &data) == Success &&
	    data && format == 32 && n == 1)
		out = (Window)((unsigned long *)(void *)data)[0];
	if (data)
		XFree(data);
	return out;
}

/* EWMH: a window manager that follows the spec names a check window on
 * the root that names itself; a stale property of a dead one does not. */
static bool ewmh_present(struct x11_source *s)
{
	Window w = window_property(s, s->root, s->net_check);
	return w != None && window_property(s, w, s->net_check) == w;
}

/* The client window (the one with WM_CLASS) at or around w: up through
 * the window manager's frames, else down from a frame. */
static Window client_of(struct x11_source *s, Window w, int depth)
{
	XClassHint hint = {NULL, NULL};
	if (w == None || w == PointerRoot || w == s->root)
		return None;
	if (XGetClassHint(s->dpy, w, &hint)) {
		XFree(hint.res_name);
		XFree(hint.res_class);
		return w;
	}
	if (depth >= 3)
		return None;
	Window root, parent, *children = NULL, found = None;
	unsigned int n = 0;
	if (!XQueryTree(s->dpy, w, &root, &parent, &children, &n))
		return None;
	for (unsigned int i = n; i-- > 0 && found == None;)
		found = client_of(s, children[i], depth + 1);
	if (children)
		XFree(children);
	return found;
}

static Window focused_window(struct x11_source *s)
{
	if (s->ewmh)
		return window_property(s, s->root, s->net_active);
	Window w, root, parent, child, *children = NULL;
	int revert, rx, ry, wx, wy;
	unsigned int mask, n;
	XGetInputFocus(s->dpy, &w, &revert);
	if (w == PointerRoot) {
		/* Focus follows the pointer: the top-level window under it. */
		if (!XQueryPointer(s->dpy, s->root, &root, &child, &rx, &ry, &wx, &wy, &mask))
			return None;
		w = child;
	}
	/* Up to the top-level window, the first one with WM_CLASS on the way. */
	for (int i = 0; i < 32 && w != None && w != s->root; i++) {
		XClassHint hint = {NULL, NULL};
		if (XGetClassHint(s->dpy, w, &hint)) {
			XFree(hint.res_name);
			XFree(hint.res_class);
			return w;
		}
		if (!XQueryTree(s->dpy, w, &root, &parent, &children, &n))
			return None;
		if (children)
			XFree(children);
		if (parent == s->root || parent == None)
			return client_of(s, w, 0);
		w = parent;
	}
	return None;
}

static void watch_window(struct x11_source *s, Window w)
{
	if (w == s->watched)
		return;
	if (s->watched != None)
		XSelectInput(s->dpy, s->watched, NoEventMask);
	s->watched = w;
	if (w != None)
		XSelectInput(s->dpy, w, PropertyChangeMask);
}

/* Reads the focused window's names and sends a focus event when the
 * application, its alias or the title changed. */
static void focus_check(struct x11_source *s)
{
	Window w = focused_window(s);
	char *app = NULL, *alias = NULL, *title = NULL;
	if (s->lost)
		return;
	if (s->ewmh) {
		Window c = client_of(s, w, 0);
		watch_window(s, c != None ? c : w);
		w = c;
	}
	if (w != None && window_class(s, w, &app, &alias)) {
		title = text_property(s, w, s->net_wm_name);
		if (!title)
			title = text_property(s, w, XA_WM_NAME);
	}
	if (s->lost)
		goto out;
	char text[EVENT_TEXT_MAX] = "";
	append_clean(text, sizeof text, app ? app : "", APP_MAX);
	size_t app_len = strlen(text);
	char alias_clean[APP_MAX + 1] = "";
	append_clean(alias_clean, sizeof alias_clean, alias ? alias : "", APP_MAX);
	/* The title gets what the application and the alias leave. */
	size_t room = sizeof text - 1 - app_len - 2 - strlen(alias_clean);
	strcat(text, "\t");
	append_clean(text, sizeof text, title ? title : "", room);
	strcat(text, "\t");
	strcat(text, alias_clean);
	/* Nothing focused is news only after something was. */
	bool news = s->focus_sent ? strcmp(text, s->focus) != 0 : strcmp(text, "\t\t") != 0;
	if (news) {
		struct event e = {.time = now_usec(), .stream = STREAM_FOCUS, .kind = EV_FOCUS};
		memcpy(e.text, text, sizeof e.text);
		memcpy(s->focus, text, sizeof s->focus);
		s->focus_sent = true;
		emit(s, &e);
	}
out:
	free(app);
	free(alias);
	free(title);
}

/* Without EWMH the focus is looked at when input comes, at most every
 * FOCUS_CHECK_USEC; input during the wait gets a check when it ends, so
 * the last change is never missed. */
static void focus_on_input(struct x11_source *s)
{
	if (s->ewmh)
		return;
	uint64_t now = mono_usec();
	if (now - s->focus_checked >= FOCUS_CHECK_USEC) {
		s->focus_checked = now;
		focus_check(s);
	} else if (!loop_timer_armed(s->focus_timer)) {
		loop_timer_arm(s->focus_timer, s->focus_checked + FOCUS_CHECK_USEC);
	}
}

/* ---- pointer ---- */

static struct x11_device *device(struct x11_source *s, int id)
{
	for (int i = 0; i < s->n_devices; i++)
		if (s->devices[i].id == id)
			return &s->devices[i];
	if (s->n_devices == MAX_DEVICES)
		s->n_devices = 0; /* a cache: start over */
	struct x11_device *d = &s->devices[s->n_devices++];
	memset(d, 0, sizeof *d);
	d->id = id;
	int n = 0;
	XIDeviceInfo *info = XIQueryDevice(s->dpy, id, &n);
	for (int i = 0; info && i < n; i++) {
		for (int c = 0; c < info[i].num_classes; c++) {
			XIValuatorClassInfo *v = (XIValuatorClassInfo *)(void *)info[i].classes[c];
			if (v->type != XIValuatorClass || v->number < 0 || v->number > 1)
				continue;
			d->absolute[v->number] = v->mode == XIModeAbsolute && v->max > v->min;
			d->min[v->number] = v->min;
			d->max[v->number] = v->max;
		}
	}
	if (info)
		XIFreeDeviceInfo(info);
	return d;
}

static void sync_pointer(struct x11_source *s)
{
	Window root, child;
	int rx, ry, wx, wy;
	unsigned int mask;
	if (XQueryPointer(s->dpy, s->root, &root, &child, &rx, &ry, &wx, &wy, &mask) &&
	    root == s->root) {
		s->x = rx;
		s->y = ry;
	}
	s->synced = mono_usec();
}

static bool sync_due(const struct x11_source *s)
{
	return mono_usec() - s->synced >= SYNC_USEC;
}

static double clampd(double v, int size)
{
	return v < 0 ? 0 : v > size - 1 ? size - 1 : v;
}

static void on_raw_motion(struct x11_source *s, const XIRawEvent *r)
{
	const double *v = r->valuators.values;
	double val[2];
	bool has[2] = {false, false};
	for (int i = 0; i < r->valuators.mask_len * 8; i++) {
		if (!XIMaskIsSet(r->valuators.mask, i))
			continue;
		if (i < 2) {
			has[i] = true;
			val[i] = *v;
		}
		v++;
	}
	if (!has[0] && !has[1])
		return; /* scroll valuators only: the wheel buttons count those */
	if (sync_due(s)) {
		sync_pointer(s);
	} else {
		struct x11_device *d = device(s, r->sourceid);
		int size[2] = {s->width, s->height};
		double *pos[2] = {&s->x, &s->y};
		for (int a = 0; a < 2; a++) {
			if (!has[a])
				continue;
			if (d->absolute[a])
				*pos[a] =
				    (val[a] - d->min[a]) * size[a] / (d->max[a] - d->min[a] + 1);
			else
				*pos[a] += val[a];
			*pos[a] = clampd(*pos[a], size[a]);
		}
	}
	int32_t x = (int32_t)s->x, y = (int32_t)s->y;
	if (x == s->sent_x && y == s->sent_y)
		return;
	s->sent_x = x;
	s->sent_y = y;
	struct event e = {.time = event_time(s, r->time),
	                  .stream = STREAM_MOTION,
	                  .kind = EV_MOTION,
	                  .x = x,
	                  .y = y};
	emit(s, &e);
}

static void on_raw_button(struct x11_source *s, const XIRawEvent *r, bool press)
{
	struct event e = {.time = event_time(s, r->time), .x = (int32_t)s->x, .y = (int32_t)s->y};
	if (r->detail >= 4 && r->detail <= 7) {
		/* The wheels: one press per notch, the release says nothing. */
		static const int32_t dir[4] = {1, -1, -2, 2};
		if (!press)
			return;
		e.stream = STREAM_SCROLL;
		e.kind = EV_SCROLL;
		e.code = dir[r->detail - 4];
	} else {
		e.stream = STREAM_BUTTON;
		e.kind = press ? EV_BUTTON_PRESS : EV_BUTTON_RELEASE;
		e.code = r->detail;
	}
	if (sync_due(s)) {
		sync_pointer(s);
		e.x = (int32_t)s->x;
		e.y = (int32_t)s->y;
	}
	emit(s, &e);
}

static void on_raw_key(struct x11_source *s, const XIRawEvent *r, bool press)
{
	if (r->detail < 8 || r->detail > 255)
		return;
	/* A press of a key already down is a repeat, and a release of one
	 * that is not down (XTEST clients send those) moved nothing. */
	unsigned char bit = (unsigned char)(1u << (r->detail & 7));
	unsigned char *byte = &s->keys_down[r->detail >> 3];
	if (press == !!(*byte & bit) || (r->flags & XIKeyRepeat))
		return;
	*byte = press ? (unsigned char)(*byte | bit) : (unsigned char)(*byte & ~bit);
	struct event e = {.time = event_time(s, r->time),
	                  .stream = STREAM_KEYBOARD,
	                  .kind = press ? EV_KEY_PRESS : EV_KEY_RELEASE,
	                  .code = r->detail - 8};
	emit(s, &e);
}

/* ---- the connection ---- */

static void handle(struct x11_source *s, XEvent *ev)
{
	if (ev->type == PropertyNotify) {
		const XPropertyEvent *p = &ev->xproperty;
		if (p->window == s->root && p->atom == s->net_check) {
			bool was = s->ewmh;
			s->ewmh = ewmh_present(s);
			if (was && !s->ewmh)
				watch_window(s, None);
			focus_check(s);
		} else if ((p->window == s->root && p->atom == s->net_active && s->ewmh) ||
		           (p->window == s->watched && s->watched != None &&
		            (p->atom == s->net_wm_name || p->atom == XA_WM_NAME ||
		             p->atom == XA_WM_CLASS))) {
			focus_check(s);
		}
		return;
	}
	if (ev->type == ConfigureNotify && ev->xconfigure.window == s->root) {
		s->width = ev->xconfigure.width;
		s->height = ev->xconfigure.height;
		return;
	}
	XGenericEventCookie *c = &ev->xcookie;
	if (c->type != GenericEvent || c->extension != s->xi_opcode || !XGetEventData(s->dpy, c))
		return;
	const XIRawEvent *r = c->data;
	switch (c->evtype) {
	case XI_RawMotion:
		focus_on_input(s);
		on_raw_motion(s, r);
		break;
	case XI_RawButtonPress:
	case XI_RawButtonRelease:
		focus_on_input(s);
		on_raw_button(s, r, c->evtype == XI_RawButtonPress);
		break;
	case XI_RawKeyPress:
	case XI_RawKeyRelease:
		focus_on_input(s);
		on_raw_key(s, r, c->evtype == XI_RawKeyPress);
		break;
	case XI_HierarchyChanged:
		s->n_devices = 0; /* devices came or went: ask again */
		break;
	case XI_DeviceChanged:
		if (((const XIDeviceChangedEvent *)c->data)->reason == XIDeviceChange)
			s->n_devices = 0;
		break;
	}
	XFreeEventData(s->dpy, c);
}

static void connection_lost(struct x11_source *s)
{
	if (!s->io)
		return;
	loop_io_remove(s->io);
	s->io = NULL;
	loop_timer_disarm(s->focus_timer);
	char *why = phrase_format(PHRASE_X11_LOST, s->display_name);
	s->cb.status(false, why, s->cb.data);
	free(why);
}

/* Everything Xlib has read or can read now. Also after any round trip
 * outside the fd callback: a reply may have brought events along into
 * Xlib's queue, where poll() cannot see them. */
static void drain(struct x11_source *s)
{
	while (!s->lost && XPending(s->dpy) > 0) {
		XEvent ev;
		XNextEvent(s->dpy, &ev);
		handle(s, &ev);
	}
	if (!s->lost)
		XFlush(s->dpy);
	if (s->lost)
		connection_lost(s);
}

static void on_readable(struct loop_io *io, int fd, short revents, void *data)
{
	struct x11_source *s = data;
	(void)io;
	(void)fd;
	/* A hang-up still lets Xlib read what is left, then it notices. */
	(void)revents;
	drain(s);
}

static void on_focus_timer(struct loop_timer *t, void *data)
{
	struct x11_source *s = data;
	(void)t;
	if (s->lost)
		return;
	s->focus_checked = mono_usec();
	focus_check(s);
	drain(s);
}

static void x11_free(struct source *base)
{
	struct x11_source *s = (struct x11_source *)base;
	if (s->io)
		loop_io_remove(s->io);
	loop_timer_free(s->focus_timer);
	if (s->dpy)
		XCloseDisplay(s->dpy);
	free(s->display_name);
	free(s);
}

static int select_events(struct x11_source *s)
{
	unsigned char raw[XIMaskLen(XI_LASTEVENT)] = {0};
	unsigned char hier[XIMaskLen(XI_LASTEVENT)] = {0};
	XISetMask(raw, XI_RawMotion);
	XISetMask(raw, XI_RawButtonPress);
	XISetMask(raw, XI_RawButtonRelease);
	XISetMask(raw, XI_RawKeyPress);
	XISetMask(raw, XI_RawKeyRelease);
	XISetMask(hier, XI_HierarchyChanged);
	XISetMask(hier, XI_DeviceChanged);
	/* Master devices only: each input once, whichever slave it came
	 * from (sourceid says which). */
	XIEventMask masks[2] = {{XIAllMasterDevices, sizeof raw, raw},
	                        {XIAllDevices, sizeof hier, hier}};
	if (XISelectEvents(s->dpy, s->root, masks, 2) != Success)
		return -1;
	XSelectInput(s->dpy, s->root, PropertyChangeMask | StructureNotifyMask);
	return 0;
}

struct source *source_x11_new(struct loop *l, const struct source_cb *cb, char **error)
{
	const char *name = getenv("DISPLAY");
	int event, err, major = 2, minor = 2;
	*error = NULL;
	if (!name || !*name) {
		*error = xstrdup(_("DISPLAY is not set: the x11 source needs an X session (or use "
		                   "--source evdev)"));
		return NULL;
	}
	XSetErrorHandler(ignore_error);
	XSetIOErrorHandler(quiet_io_error);
	Display *dpy = XOpenDisplay(NULL);
	if (!dpy) {
		*error = xasprintf(_("cannot open the X display %s: is the X server running, and "
		                     "may this user connect to it (xhost, XAUTHORITY)?"),
		                   name);
		return NULL;
	}
	struct x11_source *s = xcalloc(1, sizeof *s);
	s->base = (struct source){"x11", x11_free};
	s->cb = *cb;
	s->loop = l;
	s->dpy = dpy;
	s->display_name = xstrdup(name);
	XSetIOErrorExitHandler(dpy, io_error_exit, s);
	s->root = DefaultRootWindow(dpy);
	s->width = DisplayWidth(dpy, DefaultScreen(dpy));
	s->height = DisplayHeight(dpy, DefaultScreen(dpy));

	if (!XQueryExtension(dpy, "XInputExtension", &s->xi_opcode, &event, &err)) {
		*error = xasprintf(_("the X server at %s has no XInput extension"), name);
		goto fail;
	}
	/* 2.2: raw events reach every client that selects them, grabs or
	 * not; 2.1 is the least that has raw events at all. */
	if (XIQueryVersion(dpy, &major, &minor) != Success || (major == 2 && minor < 1)) {
		*error = xasprintf(_("the X server at %s has XInput %d.%d; raw events need 2.1 or "
		                     "later"),
		                   name, major, minor);
		goto fail;
	}
	s->net_active = XInternAtom(dpy, "_NET_ACTIVE_WINDOW", False);
	s->net_check = XInternAtom(dpy, "_NET_SUPPORTING_WM_CHECK", False);
	s->net_wm_name = XInternAtom(dpy, "_NET_WM_NAME", False);
	s->utf8_string = XInternAtom(dpy, "UTF8_STRING", False);
	if (select_events(s) < 0) {
		*error = xasprintf(_("cannot select XInput raw events on %s"), name);
		goto fail;
	}
	s->ewmh = ewmh_present(s);
	sync_pointer(s);
	s->sent_x = (int32_t)s->x;
	s->sent_y = (int32_t)s->y;
	if (s->lost) {
		*error = xasprintf(_("the X connection to %s was lost while starting"), name);
		goto fail;
	}
	s->io = loop_io_add(l, ConnectionNumber(dpy), POLLIN, on_readable, s);
	/* The first focus event from the loop: the agent does not hold the
	 * source yet. */
	s->focus_timer = loop_timer_new(l, on_focus_timer, s);
	loop_timer_arm_in(s->focus_timer, 0);
	XFlush(dpy);
	log_msg(LOG_LEVEL_INFO, _("reading input from the X display %s (XInput %d.%d, focus %s)"),
	        name, major, minor, s->ewmh ? "from the window manager" : "from the input focus");
	return &s->base;
fail:
	x11_free(&s->base);
	return NULL;
}
