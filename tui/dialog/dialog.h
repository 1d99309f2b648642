/* Dialogs over the current view, one file each, as htop has one file per
 * screen: a const struct dialog_ops and a state of its own, made once and
 * kept while the dialog is closed (a half-written request is still there
 * when the form opens again). The frame draws the open one and puts its
 * keys in the function bar; every key goes to it first, so typing a reason
 * never pauses anything. Adding a dialog is a file here and a row in the
 * table of dialog.c. */
#ifndef CAPCTL_DIALOG_H
#define CAPCTL_DIALOG_H

#include <curses.h>
#include <stdbool.h>

#include "console/ui.h"
#include "console/widget.h"
#include "model/model.h"
#include "text/edit.h"

struct console;

/* The most keys a dialog puts in the function bar. */
#define DIALOG_FKEYS 8

struct dialog_ops {
	void *(*new)(void);
	void (*free)(void *st);
	/* Draws it in s, the screen below the header and above the
	 * function bar; as large as it needs and no larger than s. */
	void (*draw)(WINDOW *w, const struct model *m, struct ui *ui, void *st, struct rect s);
	/* Its keys for the function bar, at most DIALOG_FKEYS; names has
	 * room for the names of keys looked up in the key table. */
	int (*fkeys)(const struct model *m, const struct ui *ui, const void *st,
	             struct widget_fkey *fk, char names[][16]);
	/* A key (keys.h); returns CONSOLE_* flags. */
	unsigned (*key)(struct console *c, void *st, int key);
	/* For a dialog that sends a request (NULL otherwise): whether its
	 * answer is awaited, and the answer arriving: error is the agent's
	 * refusal to show in place, NULL when there is nothing to show. */
	bool (*waiting)(const void *st);
	void (*answer)(void *st, const char *error);
};

/* Every dialog's state, made by ui_init and freed by ui_fini. */
struct dialogs *dialogs_new(void);
void dialogs_free(struct dialogs *d);

/* The state of d (d is a row of the table). */
void *dialog_state(const struct ui *ui, const struct dialog_ops *d);
void dialog_open(struct ui *ui, const struct dialog_ops *d);
void dialog_close(struct ui *ui);
bool dialog_is_open(const struct ui *ui, const struct dialog_ops *d);

/* For the agent's replies: d is open and waits for its answer; the
 * answer came (d waits no more); it was a refusal, shown in d. */
bool dialog_waiting(const struct ui *ui, const struct dialog_ops *d);
void dialog_answered(struct ui *ui, const struct dialog_ops *d);
void dialog_refused(struct ui *ui, const struct dialog_ops *d, const char *error);
/* The agent went away: whatever was on its way to it is moot. */
void dialog_all_answered(struct ui *ui);

/* For the frame and the keys: the open dialog, if any. */
void dialog_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect s);
int dialog_fkeys(const struct model *m, const struct ui *ui, struct widget_fkey *fk,
                 char names[][16]);
unsigned dialog_key(struct console *c, int key);

/* ---- what the dialogs share ---- */

/* A box of about want_h x want_w centred in s, never larger. */
struct rect dialog_centre(struct rect s, int want_h, int want_w);
/* Its inside: one column of margin where there is room. */
struct rect dialog_inside(struct rect b);
/* The rows s takes wrapped to cols columns. */
int dialog_rows(const char *s, int cols);
/* An error or a note, whole, wrapped in r from row y; returns the row
 * after it. */
int dialog_message(WINDOW *w, const struct theme *t, struct rect r, int y, attr_t attr,
                   const char *s);
/* The keys every text field shares, as a shell line edits. Returns true
 * if it used the key. */
bool dialog_edit_key(struct edit *e, int key, int cols);
/* A dialog's text scrolls with the movement keys, Space paging down;
 * returns CONSOLE_* flags. */
unsigned dialog_scroll_key(struct ui_scroll *s, int key);
/* Spaces off both ends, in place. */
void dialog_trim(char *s);

#endif
