/* What the console shows besides the agent's state: the current view,
 * the open dialog, selections, scroll positions, the form being filled,
 * the last message. Actions change it, views draw from it (and note the
 * sizes they drew at, which the actions need to page). */
#ifndef CAPCTL_UI_H
#define CAPCTL_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "edit.h"
#include "form.h"
#include "keys.h"
#include "model.h"
#include "theme.h"

/* Views keep the numbers of cli.md; 2 (Data) and 6 (Live) come with the
 * data plane. */
enum ui_view {
	UI_VIEW_OVERVIEW = 1,
	UI_VIEW_EXEMPTIONS = 3,
	UI_VIEW_HISTORY = 4,
	UI_VIEW_NOTICE = 5,
};

enum ui_dialog {
	UI_DIALOG_NONE,
	UI_DIALOG_HELP,
	UI_DIALOG_PAUSE,
	UI_DIALOG_FORM,
	UI_DIALOG_DETAILS,
	UI_DIALOG_WITHDRAW,
};

#define UI_PAUSE_CHOICES 10
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

struct ui {
	enum ui_view view;
	enum ui_dialog dialog;
	const struct keys *keys; /* borrowed */
	struct theme theme;
	const char *bus_name; /* "session" or "system" */
	uint64_t now;         /* realtime of the frame being drawn */
	uid_t own_uid;

	size_t ex_sel;      /* the selected row in Exemptions */
	char *ex_select_id; /* select this request once the list shows it */
	struct ui_scroll ex, hist, notice, help, details;
	uint64_t overview_hist_rows; /* recent entries the Overview shows */

	/* P: the choices offered and the text being typed. */
	uint32_t pause_choices[UI_PAUSE_CHOICES];
	size_t n_pause_choices, pause_choice;
	struct edit pause_text;
	char *pause_error; /* what is wrong with the text, or the refusal */
	bool pause_sending;

	struct form form;
	int form_reason_cols; /* the reason field's width at the last draw */

	char *dialog_id; /* the request shown in details or to withdraw */
	char *dialog_error;
	bool dialog_sending;

	char *message; /* one line above the function bar until the next key */
	bool message_error;

	bool cursor_on; /* a text field has the focus: show the cursor there */
	int cursor_y, cursor_x;

	struct ui_uid_name uid_names[UI_UID_NAMES];
	size_t n_uid_names;
};

void ui_init(struct ui *ui, const struct keys *keys, const char *bus_name);
void ui_fini(struct ui *ui);

/* Sets the message line (printf format); NULL clears it. */
void ui_message(struct ui *ui, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ui_set_string(char **field, const char *s);

/* The pause lengths P offers now: the usual ones the agent would accept,
 * and the limit itself. */
size_t ui_pause_choices(const struct model *m, uint64_t now, uint32_t *out, size_t max);

/* The name to show for a uid in History: "you", "agent", a user name, or
 * the number. */
const char *ui_uid_name(struct ui *ui, uint32_t uid);

/* Keeps a scroll position within its content. */
void ui_scroll_clamp(struct ui_scroll *s);

#endif
