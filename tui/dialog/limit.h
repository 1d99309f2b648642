/* l: keep less of a stream than the policy allows (LimitStream), or lift
 * the limit; Up and Down pick the stream, Left and Right the level. */
#ifndef CAPCTL_DIALOG_LIMIT_H
#define CAPCTL_DIALOG_LIMIT_H

#include "dialog/dialog.h"

extern const struct dialog_ops dialog_limit;

unsigned dialog_limit_open(struct console *c);

#endif
