/* What the console shows besides the agent's state: the current view and
 * its selections and scroll positions, which dialog is open (each dialog
 * keeps its own state, in dialog/), the last message. Actions change it,
 * views draw from it (and note the sizes they drew at, which the actions
 * need to page). */
#ifndef CAPCTL_UI_H
#define CAPCTL_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "console/keys.h"
#include "console/theme.h"
#include "model/model.h"

/* Views keep the numbers of cli.md. */
enum ui_view {
	UI_VIEW_OVERVIEW = 1,
	UI_VIEW_DATA = 2,
	UI_VIEW_EXEMPTIONS = 3,
	UI_VIEW_HISTORY = 4,
	UI_VIEW_NOTICE = 5,
	UI_VIEW_LIVE = 6,
};

/* How long the message line holds: until the next key, or while the
 * state it reports holds (a message about a state goes when the state
 * changes, whoever changed it). */
enum ui_message_bind {
	UI_MSG_UNTIL_KEY,
	UI_MSG_WHILE_PAUSED_UNTIL, /* "Paused until 07:33.": paused, until message_until */
	UI_MSG_WHILE_NOT_PAUSED,   /* "Resumed." */
	UI_MSG_WHILE_UNREACHABLE,  /* "...: the agent is not reachable." */
};

/* A segment as the Data view last listed it, kept while it is open or
 * asked about (its page may be evicted meanwhile). */
struct ui_segment {
	uint64_t id, start, end, bytes, expires;
	uint32_t events;
	char stream[32];
	bool uploaded;
};

/* An export running in the console: how far it got. */
struct ui_export {
	bool running;
	char *path; /* where it goes, as shown */
	size_t segs_done, segs_total;
	uint64_t events_written, events_expected;
	bool listing;
};
#define UI_UID_NAMES 8

struct ui_uid_name {
	uid_t uid;
	char name[32];
};

/* A scrolled area: the first row shown, and how many rows and lines the
 * last draw had (so paging moves by what was on screen). */
struct ui_scroll {
	uint64_t top;
	int rows;
	uint64_t lines;
};

struct dialog_ops;
struct dialogs;

struct ui {
	enum ui_view view;
	const struct keys *keys; /* borrowed */
	struct theme theme;
	const char *bus_name; /* "session" or "system" */
	uint64_t now;         /* realtime of the frame being drawn */

	/* The dialog open over the view (NULL: none), and the state of
	 * every dialog (dialog/dialog.h), kept while it is closed. */
	const struct dialog_ops *dialog;
	struct dialogs *dialogs;

	size_t ex_sel;      /* the selected row in Exemptions */
	char *ex_select_id; /* select this request once the list shows it */
	struct ui_scroll ex, hist, notice;
	uint64_t overview_hist_rows; /* recent entries the Overview shows */

	/* Data: the selected segment (its index, newest first, and its id
	 * so the selection follows it when the list moves), and the one
	 * whose events are shown (id 0: the list is shown). */
	struct ui_scroll data, segev;
	uint64_t data_sel, data_sel_id;
	struct ui_segment open;
	bool open_when_loaded; /* Enter came before the selected row did */
	/* The strip above the list: the mark's time (realtime µs), the
	 * segment it was put on (another selected puts it on its start),
	 * and the strip as last drawn, for moving the mark a cell (cell 0:
	 * it was not drawn). */
	uint64_t data_mark, data_mark_seg;
	uint64_t data_strip_start, data_strip_cell;

	int live_rows; /* events the Live view had room for at the last draw */

	struct ui_export export; /* shown in the message line and in x */

	/* The Consent digest whose "What changed" page the person left for
	 * later: it does not open on its own again for it. */
	char *consent_later;
	char *chain_warning; /* History's chain did not check: the banner, or NULL */

	char *message; /* one line above the function bar */
	bool message_error;
	enum ui_message_bind message_bind;
	uint64_t message_until; /* UI_MSG_WHILE_PAUSED_UNTIL: the end */
	bool message_seen;      /* the state it reports has been seen */

	/* Realtime at which something drawn changes on its own (a countdown,
	 * "in 4 min", a sparkline moving on): the next frame is due then.
	 * Views lower it while drawing; UINT64_MAX: nothing. */
	uint64_t redraw_at;

	bool cursor_on; /* a text field has the focus: show the cursor there */
	int cursor_y, cursor_x;

	struct ui_uid_name uid_names[UI_UID_NAMES];
	size_t n_uid_names;
};

void ui_init(struct ui *ui, const struct keys *keys, const char *bus_name);
void ui_fini(struct ui *ui);

/* Sets the message line (printf format), to hold until the next key;
 * NULL clears it. */
void ui_message(struct ui *ui, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Makes the message line hold only while the state it reports does
 * (until: the pause's end for UI_MSG_WHILE_PAUSED_UNTIL). */
void ui_message_bind(struct ui *ui, enum ui_message_bind bind, uint64_t until);
/* Drops a bound message whose state, once seen, no longer holds. Returns
 * true if it dropped it. */
bool ui_message_expire(struct ui *ui, const struct model *m);

/* Something drawn changes at realtime t. */
void ui_redraw_at(struct ui *ui, uint64_t t);

/* A segment's row as the dialogs and the open view keep it. */
void ui_segment_set(struct ui_segment *to, const struct model_segment *from);
void ui_set_string(char **field, const char *s);

/* Why the policy does not let a do anything now (the end of a sentence:
 * "the policy does not let you delete what is recorded"), or NULL when it
 * may. What the agent has not said yet does not count against an action:
 * the agent still decides. */
const char *ui_unavailable(const struct model *m, enum action a);

/* The name to show for a uid in History, as human_user says it, looked
 * up once per uid. */
const char *ui_uid_name(struct ui *ui, uint32_t uid);

/* Keeps a scroll position within its content. */
void ui_scroll_clamp(struct ui_scroll *s);
/* Moves it by delta rows (INT64_MIN/MAX: to an end). */
void ui_scroll_by(struct ui_scroll *s, int64_t delta);
/* One of the movement actions (up, down, a page, an end) on it. */
void ui_scroll_move(struct ui_scroll *s, enum action a);

#endif
