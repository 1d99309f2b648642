/* e: the exemption request form (scope, category, days, reason), checked
 * as it is typed with the agent's own rules; the agent's refusal shows in
 * place. What was typed stays when the form is closed, until a request
 * is sent. */
#ifndef CAPCTL_DIALOG_EXEMPT_H
#define CAPCTL_DIALOG_EXEMPT_H

#include "dialog/dialog.h"
#include "model/form.h"

extern const struct dialog_ops dialog_exempt;

void dialog_exempt_open(struct console *c);
/* The form, for the request and its answer. */
struct form *dialog_exempt_form(const struct ui *ui);

#endif
