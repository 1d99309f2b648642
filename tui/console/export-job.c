/* The export job: the pages of ListSegments and ReadSegment it asks for,
 * one at a time, into a temporary file renamed when complete; a
 * generation number makes the replies to a cancelled one stale. */
#define _GNU_SOURCE
#include "console/console.h"
#include "i18n.h"
#include "names.h"
#include "model/summary.h"
#include "text/human.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
char *console_export_default_path(uint64_t now, enum export_format format)
{
	time_t t = (time_t)(now / USEC_PER_SEC);
	struct tm tm;
	char stamp[32];
	localtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	return xasprintf("~/capctl-export-%s.%s", stamp, format == EXPORT_CSV ? "csv" : "jsonl");
}

/* A path as a person reads it: the home directory as "~". Heap. */
static char *shown_path(const char *path)
{
	const char *home = getenv("HOME");
	size_t n = home ? strlen(home) : 0;
	if (n > 1 && strncmp(path, home, n) == 0 && path[n] == '/')
		return xasprintf("~%s", path + n);
	return xstrdup(path);
}

struct job_req {
	struct console *c;
	unsigned gen;
};

static void export_step(struct console *c);

static void export_finish(struct console *c, const char *why)
{
	char n[48], sg[48];
	char *shown = shown_path(c->job_out.path);
	int r = 0;
	if (why)
		out_file_abort(&c->job_out);
	else if ((r = out_file_commit(&c->job_out, false)) == -EEXIST)
		why = _("the file appeared meanwhile and is left as it was");
	else if (r < 0)
		why = strerror(-r);
	summary_counted(c->job.events_written, P_("event", "events", c->job.events_written), n,
	                sizeof n);
	summary_counted(export_segments(&c->job),
	                P_("segment", "segments", export_segments(&c->job)), sg, sizeof sg);
	if (why)
		ui_message(&c->ui, true, _("Export stopped: %s. Nothing was written to %s."), why,
		           shown);
	else
		ui_message(&c->ui, false, _("Exported %s (%s) to %s."), n, sg, shown);
	free(shown);
	export_fini(&c->job);
	c->job_gen++;
	c->ui.export.running = false;
	console_dirty(c, MODEL_DIRTY_STATE);
}

static void on_export_reply(DBusMessage *reply, void *data)
{
	struct job_req *r = data;
	struct console *c = r->c;
	if (r->gen != c->job_gen || !c->ui.export.running)
		return;
	export_reply(&c->job, reply);
	export_step(c);
	/* Progress is drawn as counters are: at most once per refresh_ms. */
	console_dirty(c, MODEL_DIRTY_COUNTERS);
}

static void export_step(struct console *c)
{
	struct export_req req;
	int r = export_next(&c->job, &req);
	if (r < 0) {
		export_finish(c, c->job.error);
		return;
	}
	if (r == 0) {
		export_finish(c, NULL);
		return;
	}
	struct job_req *jr = xmalloc(sizeof *jr);
	*jr = (struct job_req){c, c->job_gen};
	bool sent;
	if (req.kind == EXPORT_REQ_LIST) {
		dbus_uint64_t offset = req.offset;
		dbus_uint32_t limit = req.limit;
		sent =
		    c->client && client_call(c->client, CAPCTL_IFACE, "ListSegments",
		                             on_export_reply, jr, free, DBUS_TYPE_UINT64, &offset,
		                             DBUS_TYPE_UINT32, &limit, DBUS_TYPE_INVALID);
	} else {
		dbus_uint64_t id = req.id;
		dbus_uint32_t offset = (dbus_uint32_t)req.offset, limit = req.limit;
		sent = c->client &&
		       client_call(c->client, CAPCTL_IFACE, "ReadSegment", on_export_reply, jr,
		                   free, DBUS_TYPE_UINT64, &id, DBUS_TYPE_UINT32, &offset,
		                   DBUS_TYPE_UINT32, &limit, DBUS_TYPE_INVALID);
	}
	if (!c->client)
		free(jr);
	if (!sent)
		export_finish(c, _("the agent is not reachable"));
}

/* "~/x" is in the home directory. Heap. */
static char *expand_home(const char *path)
{
	const char *home = getenv("HOME");
	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0') && home && *home)
		return xasprintf("%s%s", home, path + 1);
	return xstrdup(path);
}

int console_export_start(struct console *c, const char *path, uint64_t only,
                         enum export_format format, char **why)
{
	if (!*path) {
		*why = xstrdup(_("Say where to write it."));
		return -1;
	}
	if (c->model.link != MODEL_LINK_LIVE || !c->client) {
		*why = xstrdup(_("The agent is not reachable."));
		return -1;
	}
	char *full = expand_home(path);
	int r = out_file_open(&c->job_out, full, false);
	if (r == -EEXIST)
		*why = xasprintf(_("%s exists already: choose another name."), full);
	else if (r < 0)
		*why = xasprintf(_("Cannot write %s: %s."), full, strerror(-r));
	if (r < 0) {
		free(full);
		return -1;
	}
	c->job_gen++;
	export_init(&c->job, c->job_out.f, 0, only, 1000);
	c->job.format = format;
	c->ui.export = (struct ui_export){.running = true, .path = c->ui.export.path};
	free(c->ui.export.path);
	c->ui.export.path = shown_path(full);
	free(full);
	ui_message(&c->ui, false, NULL);
	export_step(c);
	return 0;
}

void console_export_cancel(struct console *c)
{
	if (!c->ui.export.running)
		return;
	c->job_gen++;
	char *shown = shown_path(c->job_out.path);
	out_file_abort(&c->job_out);
	ui_message(&c->ui, false, _("Export cancelled; nothing was written to %s."), shown);
	free(shown);
	export_fini(&c->job);
	c->ui.export.running = false;
}
