/* The full-screen console: one poll loop (ipc/loop.h) over the terminal,
 * the bus connection and a few timers; the model is updated from D-Bus
 * messages, actions change the ui state, and one paint per loop pass
 * draws what is dirty. Nothing here blocks on the agent. */
#ifndef CAPCTL_CONSOLE_H
#define CAPCTL_CONSOLE_H

#include <curses.h>
#include <dbus/dbus.h>
#include <stdbool.h>
#include <stdint.h>

#include "client.h"
#include "console/keys.h"
#include "console/settings.h"
#include "console/term.h"
#include "console/ui.h"
#include "loop.h"
#include "model/export.h"
#include "model/model.h"
#include "util.h"

struct console_verify;

struct console {
	struct loop *loop;
	const struct settings *settings; /* borrowed */
	bool system_bus;
	DBusConnection *conn; /* NULL while the bus is lost */
	struct client *client;
	struct model model;
	struct keys keys;
	struct ui ui;

	struct loop_timer *paint_timer;     /* the next frame */
	struct loop_timer *tick_timer;      /* when something drawn changes (ui.redraw_at) */
	struct loop_timer *reconnect_timer; /* after the bus went away */
	struct loop_timer *live_timer;      /* the Live view's next RecentEvents */
	uint64_t live_last;                 /* when RecentEvents was last asked (monotonic) */
	bool live_waiting;                  /* an answer is due */
	struct loop_timer *today_timer;     /* the Overview's next Activity */
	uint64_t today_due;                 /* when the next step ends (monotonic) */
	bool today_waiting;                 /* an answer is due */
	struct loop_timer *data_day_timer;  /* the Data view's strip: its next Activity */
	uint64_t data_day_due;              /* as today_due; 0: ask again */
	bool data_day_waiting;

	/* The export running, if any: the job, its file being written (a
	 * temporary name, renamed when complete) and a generation number
	 * that makes the replies to a cancelled one stale. */
	struct export job;
	struct out_file job_out; /* the export's file */
	unsigned job_gen;
	/* What was last asked of the agent, for the message its answer
	 * brings. */
	uint32_t forget_seconds;
	struct ui_segment deleting;
	char *withdrawing;
	uint64_t events_seen;   /* the streams' events at the last change */
	uint64_t paint_at;      /* when paint_timer is due (monotonic) */
	uint64_t last_counters; /* the last frame that drew new counters */
	unsigned pending;       /* dirty bits not drawn yet */
	unsigned reconnect_ms;
	bool clear; /* repaint every cell at the next frame */
	bool cursor_shown;
	SCREEN *screen; /* curses, while it is on */
	struct term_input input;
	bool curses; /* the terminal is in curses mode */
	int exit_code;
	struct console_verify *verify; /* the check of History's chain (chaincheck.c) */
};

/* Opens the console on the bus the settings (or --session/--system) say
 * and runs it until quit. Returns the exit status: 0, 2 when there is no
 * terminal, 3 when the bus cannot be reached at start. */
int console_run(const struct settings *s, bool system_bus, bool color);

/* The Overview's "Today" asks Activity in steps of this many seconds:
 * 288 a day, merged to fit the width. */
#define CONSOLE_TODAY_STEP 300

/* What actions return, for the one place that acts on it. */
#define CONSOLE_PAINT 1u
#define CONSOLE_CLEAR 2u
#define CONSOLE_QUIT 4u

/* Requests to the agent for the actions and the dialogs; results arrive
 * on the loop and land in the ui (a message, or the dialog that asked). */
void console_pause(struct console *c, uint32_t seconds);
void console_resume(struct console *c);
void console_request_exemption(struct console *c);
void console_withdraw(struct console *c, const char *id);
void console_forget(struct console *c, uint32_t seconds);
void console_delete(struct console *c, const struct ui_segment *seg);
void console_acknowledge(struct console *c, const char *digest);
/* LimitStream: level "" lifts the person's limit of stream. */
void console_limit(struct console *c, const char *stream, const char *level);
/* Starts exporting everything (only 0) or one segment to path ("~/" is
 * the home directory) in format; 0, or -1 with *why (heap) saying why
 * not. */
int console_export_start(struct console *c, const char *path, uint64_t only,
                         enum export_format format, char **why);
void console_export_cancel(struct console *c);
/* "~/capctl-export-20261129-070324.jsonl" (".csv" for CSV) for a time:
 * heap. */
char *console_export_default_path(uint64_t now, enum export_format format);

/* Checks History's chain anew (chaincheck.c): a failure shows in
 * ui.chain_warning until a check passes. */
void console_verify(struct console *c);
void console_verify_free(struct console *c);

/* The model changed (dirty bits of model.h): schedules a frame, at once
 * for state and coalesced to refresh_ms for counters. */
void console_dirty(struct console *c, unsigned dirty);

/* Handles one key (a keys.h code); returns CONSOLE_* flags. In action.c. */
unsigned action_key(struct console *c, int key);
/* Opens a view, as its number key does. */
void action_view(struct console *c, enum ui_view v);
/* Opens the Data view's selected segment (once it is listed). */
void action_data_open(struct console *c);

#endif
