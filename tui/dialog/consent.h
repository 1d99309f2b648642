/* The "What changed" page: the policy's changes in words and the notice,
 * a to acknowledge them (AcknowledgePolicy), Esc for later. */
#ifndef CAPCTL_DIALOG_CONSENT_H
#define CAPCTL_DIALOG_CONSENT_H

#include "dialog/dialog.h"

extern const struct dialog_ops dialog_consent;

/* Opens it on what the model's Consent says now. */
void dialog_consent_open(struct console *c);

#endif
