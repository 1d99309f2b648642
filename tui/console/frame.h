/* The frame: everything on screen is drawn from here, from the model and
 * the ui state, and nothing here talks to the agent. frame_paint draws a
 * whole frame into stdscr (curses then sends only what changed). */
#ifndef CAPCTL_FRAME_H
#define CAPCTL_FRAME_H

#include <curses.h>

#include "console/theme.h"
#include "console/ui.h"
#include "model/model.h"

void frame_paint(WINDOW *w, const struct model *m, struct ui *ui);

/* The view step places after v in the order of Tab (step -1: before). */
enum ui_view frame_next_view(enum ui_view v, int step);

/* The state as the header says it: a word for the badge (with the
 * countdown while paused), its colour, and the sentence after it. */
void frame_state_words(const struct model *m, const struct ui *ui, char *badge, size_t badge_size,
                       enum theme_color *color, char *reason, size_t reason_size);

#endif
