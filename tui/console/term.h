/* The terminal the console draws on: checked before curses starts, so
 * that curses never ends the program itself and a terminal that cannot
 * run the console is a sentence, not garbage; set up, and always given
 * back, even after a fatal signal; its keys as keys.h codes. */
#ifndef CAPCTL_TERM_H
#define CAPCTL_TERM_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include "console/theme.h"
#include "i18n.h"

/* What every "no console here" sentence ends with. */
/* Translated where it is used: _(TERM_ONE_SHOT). */
#define TERM_ONE_SHOT                                                                              \
	N_("use the one-shot commands instead (capctl status, capctl pause, capctl --help)")

/* Whether this terminal can run the console: standard input and output
 * are terminals, TERM names a type terminfo knows, and that type can move
 * the cursor. 0, or -1 with why (one sentence for stderr, naming the
 * one-shot commands) in buf. */
int term_check(char *buf, size_t size);

/* Curses on, the theme for it filled in. NULL when the terminal cannot
 * be set up. */
SCREEN *term_start(bool color, struct theme *t);
/* Curses off and the terminal as it was. */
void term_stop(SCREEN *s);

/* Where a bracketed paste is: the terminal marks pasted text, and what
 * comes between the marks is text, never keys. */
struct term_input {
	bool pasting;
};

/* A key read by get_wch (r its result, wc the character or key code) as
 * a keys.h code (KEYS_PASTED | the character inside a paste), 0 for one
 * the console has no use for. */
int term_key(struct term_input *in, int r, wint_t wc);

/* Bracketed paste on or off (off while the terminal is given back). */
void term_paste_mode(bool on);

#endif
