/* Sparklines: a row of values drawn as one cell each, scaled so the
 * largest is the top. Pure: the views draw these glyphs, and the figure
 * beside a line comes from the same values (its last). */
#ifndef CAPCTL_SPARK_H
#define CAPCTL_SPARK_H

#include <stdbool.h>
#include <stddef.h>

/* The largest value that is not NaN, 0 when there is none. */
double spark_max(const double *v, size_t n);
/* A value's glyph at scale max: "▁▂▃▄▅▆▇█" in UTF-8, "_.:-=+*#" in
 * ASCII; NaN (nothing known then) is "·", or " " in ASCII. Nothing (0,
 * or max 0) is the lowest; a value above nothing is never drawn as
 * nothing. A static string. */
const char *spark_glyph(double v, double max, bool utf8);
/* The n values as text in buf at scale max (truncated, always
 * terminated). */
void spark_text(const double *v, size_t n, double max, bool utf8, char *buf, size_t size);

#endif
