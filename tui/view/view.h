/* The views, one file each, drawn by the frame (console/frame.h) into the
 * body of the screen from the model and the ui state; nothing here talks
 * to the agent. And the pieces they share with the dialogs. */
#ifndef CAPCTL_VIEW_H
#define CAPCTL_VIEW_H

#include <curses.h>

#include "console/ui.h"
#include "console/widget.h"
#include "model/model.h"

/* The views. */
void view_overview_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect r);
void view_exemptions_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect r);
void view_history_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect r);
void view_notice_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect r);
void view_data_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect r);
void view_live_draw(WINDOW *w, const struct model *m, struct ui *ui, struct rect r);

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

/* "Not available: the agent is not reachable." or "Waiting for the
 * agent's answer." in a view's area. */
void view_waiting(WINDOW *w, const struct model *m, struct ui *ui, struct rect r);
/* A word of the agent's (a D-Bus value: an exemption's status, the
 * recording state) in the person's words; a word it does not know as it
 * is. */
const char *view_word(const char *value);

/* "1-20 of 3,000" right-aligned in the right half of a panel header;
 * returns the columns it took. */
int view_position(WINDOW *w, const struct theme *t, int y, struct rect r, uint64_t top, int rows,
                  uint64_t total);

/* The colour of a cell of a day's strip (the Overview's "Today", the
 * Data view's day). */
attr_t view_strip_attr(const struct theme *t, enum strip_kind k);

/* tally.c: the tally's last n whole buckets (at most MODEL_TALLY_SLOTS)
 * as a sparkline of n cells at (y, x); *first gets when what it shows
 * starts (the first bucket's start, or when counting started if later).
 * Returns the last value, which the figure beside it shows (NaN: not
 * known). Asks for a redraw when the next bucket is whole. */
double view_tally_spark(WINDOW *w, struct ui *ui, int y, int x, int n, const struct model_tally *t,
                        attr_t attr, uint64_t *first);

#endif
