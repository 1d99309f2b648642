/* ? and F1: every key, from the live key table (so keys moved in
 * capctl.conf show where they are), and what the keys do in dialogs. */
#ifndef CAPCTL_DIALOG_HELP_H
#define CAPCTL_DIALOG_HELP_H

#include "dialog/dialog.h"

extern const struct dialog_ops dialog_help;

void dialog_help_open(struct console *c);

#endif
