/* The views: everything on screen is drawn here from the model and the ui
 * state, and nothing here talks to the agent. view_paint draws a whole
 * frame into stdscr (curses then sends only what changed). */
#ifndef CAPCTL_VIEW_H
#define CAPCTL_VIEW_H

#include <curses.h>

#include "model/model.h"
#include "console/ui.h"
#include "console/widget.h"

void view_paint(WINDOW *w, const struct model *m, struct ui *ui);

/* The parts, one file each. */
void view_overview_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect r);
void view_exemptions_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect r);
void view_history_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect r);
void view_notice_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect r);
void view_data_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect r);
void view_live_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect r);
void view_dialog_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect screen);

/* The state as the header says it: a word for the badge (with the
 * countdown while paused), its colour, and the sentence after it. */
void view_state_words(const struct model *m, const struct ui *ui, char *badge, size_t badge_size,
                      enum theme_color *color, char *reason, size_t reason_size);

/* The lines a history entry takes in a list: local time, who, what. */
void view_history_time(uint64_t usec, uint64_t now, bool wide, char *buf, size_t size);

/* A wrapped paragraph: draws s from wrapped line skip on, at most h rows
 * from (y, x) in cols columns; returns the rows it has in all. */
int view_paragraph(WINDOW *w, const struct theme *t, int y, int x, int cols, int h, int skip,
                   attr_t attr, const char *s);

/* A segment's span in local time in about width columns: the end's date
 * only when it is another day. */
void view_span(uint64_t start, uint64_t end, int width, char *buf, size_t size);

/* One event in a row of cols columns: its time to the millisecond, its
 * stream (with_stream, where there is room), its kind, what happened. */
void view_event_row(WINDOW *w, const struct theme *t, int y, int x, int cols,
                    const struct model_event *e, bool with_stream);

/* How far the running export got, in a line. */
void view_export_progress(const struct ui *ui, char *buf, size_t size);

/* "Not available: the agent is not reachable." or "Waiting for the
 * agent's answer." in a view's area. */
void view_waiting(WINDOW *w, const struct model *m, struct ui *ui, struct rect r);

/* "1-20 of 3,000" right-aligned in the right half of a panel header;
 * returns the columns it took. */
int view_position(WINDOW *w, const struct theme *t, int y, struct rect r, uint64_t top, int rows,
                  uint64_t total);

#endif
