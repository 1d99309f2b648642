/* Drawing pieces shared by the views: clipped UTF-8 text, the function
 * bar, boxes, a scroll bar and a text field. Everything is clipped to the
 * area given, so no view can write past the screen's edge whatever its
 * size. */
#ifndef CAPCTL_WIDGET_H
#define CAPCTL_WIDGET_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

#include "text/edit.h"
#include "console/theme.h"

struct rect {
	int y, x, h, w;
};

/* Draws s at (y, x), at most cols columns, in attr, made safe first
 * (safe_str: control characters, escape sequences and bidi controls shown
 * visibly, invalid UTF-8 as U+FFFD); without UTF-8 other characters show
 * as '?'. Returns the columns drawn. */
int widget_text(WINDOW *w, const struct theme *t, int y, int x, int cols, attr_t attr,
                const char *s);
/* The same, right-aligned in cols columns. */
int widget_text_right(WINDOW *w, const struct theme *t, int y, int x, int cols, attr_t attr,
                      const char *s);
/* cols spaces in attr. */
void widget_fill(WINDOW *w, int y, int x, int cols, attr_t attr);
/* Text with an ellipsis when it does not fit. */
int widget_text_cut(WINDOW *w, const struct theme *t, int y, int x, int cols, attr_t attr,
                    const char *s);

/* A frame around r with title on its top edge; the inside is cleared. */
void widget_box(WINDOW *w, const struct theme *t, struct rect r, const char *title);

/* A scroll bar in column x, rows y..y+h-1, for a list of total rows whose
 * first shown row is top. Nothing when everything fits. */
void widget_scrollbar(WINDOW *w, const struct theme *t, int y, int x, int h, uint64_t total,
                      uint64_t top);

/* htop's function bar: key names in the terminal's colours, labels in
 * black on cyan, each label padded to a fixed width. */
struct widget_fkey {
	const char *key, *label;
	bool off; /* not available now: greyed */
};
void widget_funcbar(WINDOW *w, const struct theme *t, int y, int cols,
                    const struct widget_fkey *keys, int n);

/* A bar of cols cells filled to fraction (0..1), in attr: "█████░░░░"
 * ("#####....." without UTF-8). */
void widget_bar(WINDOW *w, const struct theme *t, int y, int x, int cols, double fraction,
                attr_t attr);

/* A sparkline of n values in n cells, scaled so that max is the top
 * (text/spark.h's glyphs: "▁▂▃▄▅▆▇█", or "_.:-=+*#" without UTF-8); a
 * NaN value (no data yet) is a dim "·". */
void widget_spark(WINDOW *w, const struct theme *t, int y, int x, const double *v, int n,
                  double max, attr_t attr);

/* A text field in r showing e wrapped to r.w columns, scrolled so the
 * cursor shows. With focus, *cy and *cx get the cursor's screen place. */
void widget_edit(WINDOW *w, const struct theme *t, struct rect r, const struct edit *e, bool focus,
                 int *cy, int *cx);

#endif
