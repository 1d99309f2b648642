/* d: whether to delete a segment, saying what it holds and that it cannot
 * be undone; the agent's refusal shows in place. */
#ifndef CAPCTL_DIALOG_DELETE_H
#define CAPCTL_DIALOG_DELETE_H

#include "dialog/dialog.h"

extern const struct dialog_ops dialog_delete;

void dialog_delete_open(struct console *c, const struct ui_segment *seg);

#endif
