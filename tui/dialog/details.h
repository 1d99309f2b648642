/* Enter in Exemptions: one request whole (its status, dates, reason and
 * the decision's note), scrolled; w withdraws it from here. */
#ifndef CAPCTL_DIALOG_DETAILS_H
#define CAPCTL_DIALOG_DETAILS_H

#include "dialog/dialog.h"

extern const struct dialog_ops dialog_details;

void dialog_details_open(struct console *c, const char *id);

#endif
