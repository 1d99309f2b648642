/* P: pause for a length picked from the usual ones the agent would accept,
 * or typed; the agent's refusal shows in place. */
#ifndef CAPCTL_DIALOG_PAUSE_H
#define CAPCTL_DIALOG_PAUSE_H

#include <stddef.h>
#include <stdint.h>

#include "dialog/dialog.h"

extern const struct dialog_ops dialog_pause;

/* Opens it on the configured default, or the longest choice below it. */
void dialog_pause_open(struct console *c);

/* The pause lengths P offers now: the usual ones the agent would accept,
 * and the limit itself. */
size_t dialog_pause_choices(const struct model *m, uint64_t now, uint32_t *out, size_t max);

#endif
