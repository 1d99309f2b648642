/* The Overview's sentences, shared by the console and `capctl status` so
 * both say the same thing in the same words: uploads, power, pausing and
 * storage from the model, for a person who is not an engineer. Pure. */
#ifndef CAPCTL_SUMMARY_H
#define CAPCTL_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

enum summary_tone { SUMMARY_NORMAL, SUMMARY_VALUE, SUMMARY_GOOD, SUMMARY_WARN, SUMMARY_ERROR };

struct summary_line {
	const char *label; /* "Upload", or "" for a continuation line */
	char text[320];
	enum summary_tone tone;
};

#define SUMMARY_MAX_LINES 8

/* Each fills out[] and returns the number of lines. utf8 picks "≈" over
 * "about"; wide adds the details a wide screen has room for. */
int summary_upload(const struct model *m, uint64_t now, struct summary_line *out);
int summary_power(const struct model *m, bool utf8, bool wide, struct summary_line *out);
int summary_pause(const struct model *m, uint64_t now, struct summary_line *out);
int summary_storage(const struct model *m, struct summary_line *out);
/* All four, in that order. */
int summary_all(const struct model *m, uint64_t now, bool utf8, bool wide,
                struct summary_line *out);

#endif
