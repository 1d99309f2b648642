/* The "Today" strip: a day's Activity steps drawn as one row of cells, a
 * shade for how much was kept and a mark for the states that kept nothing,
 * with its hour labels and legend. Pure: the console and `capctl status`
 * draw the same cells from the same steps. */
#ifndef CAPCTL_STRIP_H
#define CAPCTL_STRIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "contract.h"

/* The narrowest strip drawn: the hour labels need it. */
#define STRIP_MIN_WIDTH 24
/* The widest: one cell per minute of a day of 25 hours. */
#define STRIP_MAX_CELLS 1500

enum strip_kind {
	STRIP_BLANK,     /* the agent was off, or the time is still to come */
	STRIP_KEPT,      /* collecting: level says how much was kept */
	STRIP_IDLE,      /* collecting, no input for a while */
	STRIP_PAUSED,    /* paused */
	STRIP_EXEMPT,    /* every stream exempt */
	STRIP_SUSPENDED, /* the machine slept, or the power policy stopped it */
	STRIP_NOW,       /* the cell the current time falls in */
};

struct strip_cell {
	enum strip_kind kind;
	unsigned level; /* STRIP_KEPT: 0 (nothing) to 4 (the day's most) */
};

/* The day: its start (local midnight, realtime µs as the contract's times
 * are), its length in seconds (86400, or 23 or 25 hours when the clocks
 * change) and the length of a step in seconds. */
struct strip_day {
	uint64_t start;
	uint32_t length;
	uint32_t step;
};

/* Fills out (room for width cells) with the day's cells: one per step, or
 * as many steps to a cell as make the day fit in width (up to twice as
 * many when that divides the day evenly, so the hours fall on the edges
 * of cells). A merged cell
 * takes the state most of its steps had (a mark before collecting before
 * idle before off when they tie) and the sum of their counts. Steps
 * outside the day are ignored; steps not given are blank. now (µs)
 * marks its cell when it falls in the day. Returns the number of cells, 0
 * when width is below STRIP_MIN_WIDTH or the day is not valid (step 0,
 * step longer than the day, more than STRIP_MAX_CELLS steps). */
size_t strip_cells(const struct strip_day *d, const struct contract_step *steps, size_t n,
                   uint64_t now, size_t width, struct strip_cell *out);

/* The steps a cell when the day is drawn in width cells, as strip_cells
 * merges them; 0 when it draws nothing. */
size_t strip_per_cell(const struct strip_day *d, size_t width);

/* A cell's glyph: UTF-8 shades " ░▒▓█", '·' idle, '│' now; in ASCII
 * " .:=#", '-' idle, '|' now; 'P', 'X', 'S' for paused, exempt and
 * suspended in both. A static string. */
const char *strip_glyph(const struct strip_cell *c, bool utf8);
/* The local day now (realtime µs) falls in, in steps of step seconds. */
void strip_today(uint64_t now, uint32_t step, struct strip_day *d);
/* The cells as text in buf (truncated, always terminated). */
void strip_text(const struct strip_cell *c, size_t n, bool utf8, char *buf, size_t size);
/* The hour labels under n cells: "00", "06", "12", "18" at the quarters
 * and "24" ending at the last cell; spaces when n is too narrow. */
void strip_hours(size_t n, char *buf, size_t size);
/* The legend line for the glyphs. A static string. */
const char *strip_legend(bool utf8);

#endif
