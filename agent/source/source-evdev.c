/* The evdev source: every keyboard and pointer under /dev/input through
 * libevdev, non-blocking on the loop, with hot-plug through inotify. The
 * devices share one pointer position; each has its own frame decoder. */
#define _GNU_SOURCE
#include "source/evdecode.h"
#include "i18n.h"
#include "phrase.h"
#include "source/source.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libevdev/libevdev.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#define INPUT_DIR "/dev/input"
/* Input events read per wakeup and device: the fd stays readable, so the
 * rest comes on the next turn of the loop, after the other sources. */
#define READ_BATCH 512

/* A format: %s is INPUT_DIR. */
#define PERMISSION_HINT                                                                            \
	_("cannot read the input devices under %s: permission denied; add yourself to the input "  \
	  "group (sudo usermod -aG input $USER) and log in again")

struct evdev_source;

struct evdev_dev {
	struct evdev_source *src;
	struct evdev_dev *next;
	char node[32]; /* "event3" */
	int fd;
	struct libevdev *dev;
	struct loop_io *io;
	struct evdecode dec;
};

struct evdev_source {
	struct source base;
	struct source_cb cb;
	struct loop *loop;
	struct evdev_dev *devs;
	size_t n_devs;
	struct evdecode_pos pos;
	int inotify_fd;
	struct loop_io *inotify_io;
	struct loop_timer *status_timer; /* the first "no device" report */
	bool reported_none;              /* status(false) is in force */
	bool warned_permission;
};

static bool is_event_node(const char *name)
{
	if (strncmp(name, "event", 5) != 0 || !name[5])
		return false;
	for (const char *p = name + 5; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return strlen(name) < sizeof(((struct evdev_dev *)0)->node);
}

static bool is_keyboard(struct libevdev *d)
{
	return libevdev_has_event_code(d, EV_KEY, KEY_A) &&
	       libevdev_has_event_code(d, EV_KEY, KEY_Z);
}

static bool is_pointer(struct libevdev *d)
{
	if (libevdev_has_event_code(d, EV_REL, REL_X) && libevdev_has_event_code(d, EV_REL, REL_Y))
		return true;
	/* Absolute: touchscreens, tablets and touchpads, not joysticks. */
	if (!libevdev_has_event_code(d, EV_ABS, ABS_X) ||
	    !libevdev_has_event_code(d, EV_ABS, ABS_Y))
		return false;
	if (libevdev_has_event_code(d, EV_KEY, BTN_JOYSTICK) ||
	    libevdev_has_event_code(d, EV_KEY, BTN_GAMEPAD))
		return false;
	return libevdev_has_event_code(d, EV_KEY, BTN_TOUCH) ||
	       libevdev_has_event_code(d, EV_KEY, BTN_LEFT) ||
	       libevdev_has_event_code(d, EV_KEY, BTN_TOOL_PEN) ||
	       libevdev_has_event_code(d, EV_KEY, BTN_TOOL_FINGER);
}

static void report(struct evdev_source *s)
{
	if (s->n_devs == 0 && !s->reported_none) {
		s->reported_none = true;
		char *why = phrase_format(PHRASE_NO_DEVICE, INPUT_DIR);
		s->cb.status(false, why, s->cb.data);
		free(why);
	} else if (s->n_devs > 0 && s->reported_none) {
		s->reported_none = false;
		s->cb.status(true, "", s->cb.data);
	}
}

static void dev_close(struct evdev_source *s, struct evdev_dev *d)
{
	for (struct evdev_dev **p = &s->devs; *p; p = &(*p)->next) {
		if (*p == d) {
			*p = d->next;
			break;
		}
	}
	s->n_devs--;
	loop_io_remove(d->io);
	libevdev_free(d->dev);
	close(d->fd);
	free(d);
}

static void feed(struct evdev_dev *d, const struct input_event *ev, uint64_t offset)
{
	/* The device's clock is set to monotonic, which never steps; the
	 * offset turns it into realtime as of this read. */
	uint64_t mono =
	    (uint64_t)ev->input_event_sec * USEC_PER_SEC + (uint64_t)ev->input_event_usec;
	evdecode_feed(&d->dec, mono + offset, ev->type, ev->code, ev->value, d->src->cb.event,
	              d->src->cb.data);
}

static void on_readable(struct loop_io *io, int fd, short revents, void *data)
{
	struct evdev_dev *d = data;
	struct evdev_source *s = d->src;
	uint64_t offset = now_usec() - mono_usec();
	struct input_event ev;
	int r = -EAGAIN;
	(void)io;
	(void)fd;

	for (int i = 0; i < READ_BATCH; i++) {
		r = libevdev_next_event(d->dev, LIBEVDEV_READ_FLAG_NORMAL, &ev);
		if (r == LIBEVDEV_READ_STATUS_SUCCESS) {
			feed(d, &ev, offset);
		} else if (r == LIBEVDEV_READ_STATUS_SYNC) {
			/* Events were lost. Drop the partial frame, then take
			 * the device's state as libevdev resynchronises it
			 * (a button released meanwhile comes as a release),
			 * ending with its own SYN_REPORT. */
			struct input_event drop = ev;
			drop.type = EV_SYN;
			drop.code = SYN_DROPPED;
			feed(d, &drop, offset);
			drop.code = SYN_REPORT;
			feed(d, &drop, offset);
			while ((r = libevdev_next_event(d->dev, LIBEVDEV_READ_FLAG_SYNC, &ev)) ==
			       LIBEVDEV_READ_STATUS_SYNC)
				feed(d, &ev, offset);
			if (r != -EAGAIN)
				break;
		} else {
			break;
		}
	}
	bool hangup = revents & (POLLHUP | POLLERR | POLLNVAL);
	if ((r == -EAGAIN || r >= 0) && !hangup)
		return;
	if (r == -ENODEV || r == -EAGAIN || r >= 0)
		log_msg(LOG_LEVEL_INFO, _("%s/%s is gone"), INPUT_DIR, d->node);
	else
		log_msg(LOG_LEVEL_WARNING, _("%s/%s: %s; not reading it any more"), INPUT_DIR,
		        d->node, errno_text(-r));
	dev_close(s, d);
	report(s);
}

/* Opens one node if it is a keyboard or a pointer. 0 (opened or not one of
 * ours), or -errno when it cannot be opened. */
static int dev_open(struct evdev_source *s, const char *node)
{
	for (struct evdev_dev *d = s->devs; d; d = d->next)
		if (strcmp(d->node, node) == 0)
			return 0;
	char path[64];
	snprintf(path, sizeof path, "%s/%s", INPUT_DIR, node);
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct libevdev *dev;
	int r = libevdev_new_from_fd(fd, &dev);
	if (r < 0) {
		close(fd);
		return 0; /* not an evdev device after all */
	}
	bool kbd = is_keyboard(dev), ptr = is_pointer(dev);
	if (!kbd && !ptr) {
		libevdev_free(dev);
		close(fd);
		return 0;
	}
	/* Monotonic, so that a clock step does not reorder events. */
	libevdev_set_clock_id(dev, CLOCK_MONOTONIC);

	struct evdev_dev *d = xcalloc(1, sizeof *d);
	d->src = s;
	snprintf(d->node, sizeof d->node, "%s", node);
	d->fd = fd;
	d->dev = dev;
	evdecode_init(&d->dec, &s->pos);
	evdecode_declare_lowres(&d->dec, libevdev_has_event_code(dev, EV_REL, REL_WHEEL),
	                        libevdev_has_event_code(dev, EV_REL, REL_HWHEEL));
	d->io = loop_io_add(s->loop, fd, POLLIN, on_readable, d);
	d->next = s->devs;
	s->devs = d;
	s->n_devs++;
	log_msg(LOG_LEVEL_INFO, _("reading %s (%s%s%s)"), path, libevdev_get_name(dev),
	        kbd ? _(", keyboard") : "", ptr ? _(", pointer") : "");
	return 0;
}

static void on_inotify(struct loop_io *io, int fd, short revents, void *data)
{
	struct evdev_source *s = data;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	(void)io;
	(void)revents;

	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n <= 0)
			break;
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ie = (const struct inotify_event *)p;
			p += sizeof *ie + ie->len;
			if (ie->mask & IN_Q_OVERFLOW) {
				log_msg(LOG_LEVEL_WARNING,
				        _("%s: missed some device changes; rescanning"), INPUT_DIR);
				DIR *dir = opendir(INPUT_DIR);
				for (struct dirent *de; dir && (de = readdir(dir));)
					if (is_event_node(de->d_name))
						dev_open(s, de->d_name);
				if (dir)
					closedir(dir);
				continue;
			}
			if (!ie->len || !is_event_node(ie->name))
				continue;
			/* udev creates the node first and sets its group and
			 * ACL after: IN_ATTRIB retries what IN_CREATE could
			 * not open yet. */
			int r = dev_open(s, ie->name);
			if ((r == -EACCES || r == -EPERM) && !s->warned_permission &&
			    (ie->mask & IN_ATTRIB)) {
				s->warned_permission = true;
				char *hint = xasprintf(PERMISSION_HINT, INPUT_DIR);
				log_msg(LOG_LEVEL_WARNING, "%s/%s: %s", INPUT_DIR, ie->name, hint);
				free(hint);
			}
		}
	}
	report(s);
}

static void on_status_timer(struct loop_timer *t, void *data)
{
	(void)t;
	report(data);
}

static void evdev_free(struct source *base)
{
	struct evdev_source *s = (struct evdev_source *)base;
	while (s->devs)
		dev_close(s, s->devs);
	if (s->inotify_io)
		loop_io_remove(s->inotify_io);
	if (s->inotify_fd >= 0)
		close(s->inotify_fd);
	loop_timer_free(s->status_timer);
	free(s);
}

struct source *source_evdev_new(struct loop *l, const struct source_cb *cb, char **error)
{
	*error = NULL;
	DIR *dir = opendir(INPUT_DIR);
	if (!dir) {
		*error = errno == ENOENT
		             ? xasprintf(_("%s does not exist: this system has no evdev input "
		                           "devices; try --source x11"),
		                         INPUT_DIR)
		             : xasprintf(_("cannot read %s: %s"), INPUT_DIR, errno_text(errno));
		return NULL;
	}
	struct evdev_source *s = xcalloc(1, sizeof *s);
	s->base = (struct source){"evdev", evdev_free};
	s->cb = *cb;
	s->loop = l;
	s->inotify_fd = -1;
	evdecode_pos_init(&s->pos);

	/* Watch before scanning, so that a device plugged in between is not
	 * missed (dev_open ignores one it already has). */
	s->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s->inotify_fd >= 0 &&
	    inotify_add_watch(s->inotify_fd, INPUT_DIR, IN_CREATE | IN_ATTRIB | IN_MOVED_TO) >= 0) {
		s->inotify_io = loop_io_add(l, s->inotify_fd, POLLIN, on_inotify, s);
	} else {
		log_msg(LOG_LEVEL_WARNING,
		        "cannot watch " INPUT_DIR " (%s): devices plugged in later are not read",
		        errno_text(errno));
		if (s->inotify_fd >= 0)
			close(s->inotify_fd);
		s->inotify_fd = -1;
	}

	int denied = 0;
	for (struct dirent *de; (de = readdir(dir));) {
		if (!is_event_node(de->d_name))
			continue;
		int r = dev_open(s, de->d_name);
		if (r == -EACCES || r == -EPERM)
			denied++;
	}
	closedir(dir);
	if (s->n_devs == 0 && denied) {
		*error = xasprintf(PERMISSION_HINT, INPUT_DIR);
		evdev_free(&s->base);
		return NULL;
	}
	if (denied)
		log_msg(LOG_LEVEL_WARNING,
		        "%d input device%s under " INPUT_DIR " could not be opened: permission "
		        "denied",
		        denied, plural(denied));
	/* Reported from the loop: the agent does not have the source yet. */
	s->status_timer = loop_timer_new(l, on_status_timer, s);
	if (s->n_devs == 0)
		loop_timer_arm_in(s->status_timer, 0);
	return &s->base;
}
