/* What the pause and forget dialogs share: a short list of durations to
 * pick from with Up and Down, and a field to type one ("90s", "1h30m");
 * picking writes the choice into the field. */
#ifndef CAPCTL_PICKER_H
#define CAPCTL_PICKER_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "console/ui.h"
#include "console/widget.h"
#include "text/edit.h"

#define PICKER_CHOICES 10

struct picker {
	uint32_t choices[PICKER_CHOICES];
	size_t n, choice;
	struct edit text;
};

void picker_init(struct picker *p);
void picker_fini(struct picker *p);
/* Offers n choices (at most PICKER_CHOICES; none: the field shows
 * fallback), starting on choice. */
void picker_set(struct picker *p, const uint32_t *choices, size_t n, size_t choice,
                uint32_t fallback);
/* Up and Down move the choice; returns true if it used the key. */
bool picker_key(struct picker *p, int key);
/* The field read as a duration: 0 with *seconds, or -EINVAL/-ERANGE as
 * duration_parse says; text gets what was typed, trimmed. */
int picker_read(const struct picker *p, uint32_t *seconds, char *text, size_t size);
/* Draws the list from row y in the inside of a box, scrolled to keep the
 * choice shown when the box is short, then the field with a hint after
 * it (the cursor there when cursor is true), leaving after rows below it.
 * Returns the next row. */
int picker_draw(WINDOW *w, struct ui *ui, struct rect in, int y, struct picker *p, bool cursor,
                const char *hint, int after);

#endif
