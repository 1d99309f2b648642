/* The exemption request: the lists of scopes and categories of the D-Bus
 * contract, and the checks the agent applies to a request, so the form and
 * the CLI can say what is wrong before anything is sent. Also the form's
 * state: fields, focus, the text being edited. */
#ifndef CAPCTL_FORM_H
#define CAPCTL_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "text/edit.h"

#define FORM_REASON_MAX 2000 /* bytes, as the agent counts */
#define FORM_DAYS_MAX 365

extern const char *const form_scopes[];     /* NULL-terminated */
extern const char *const form_categories[]; /* NULL-terminated */

/* NULL if good, else a sentence saying what is wrong (static or in buf). */
const char *form_check_scope(const char *scope);
const char *form_check_category(const char *category);
const char *form_check_days_text(const char *text, uint32_t *days);
const char *form_check_reason(const char *reason, char *buf, size_t size);

enum form_field {
	FORM_SCOPE,
	FORM_CATEGORY,
	FORM_DAYS,
	FORM_REASON,
	FORM_SEND,
	FORM_CANCEL,
	N_FORM_FIELDS
};

struct form {
	size_t scope, category; /* indexes into the lists above */
	struct edit days, reason;
	enum form_field focus;
	bool sending;  /* the request is on its way */
	char *refusal; /* the agent's answer to the last attempt, heap */
};

void form_init(struct form *f);
void form_fini(struct form *f);
/* Empties the form for a new request. */
void form_reset(struct form *f);
/* True when every field passes its check. */
bool form_ready(const struct form *f);
void form_set_refusal(struct form *f, const char *msg);

#endif
