/* The agent's rules for a request, restated on this side of the bus: the
 * same limits as RequestExemption in dbus-api.md. The agent still checks
 * everything; this only spares a round trip and says it in place. */
#include "model/form.h"
#include "i18n.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const form_scopes[] = {
    "all", "pointer.motion", "pointer.button", "pointer.scroll", "keyboard", "window.focus", NULL,
};

const char *const form_categories[] = {
    "medical", "legal", "accessibility", "works-council", "personal", "other", NULL,
};

static bool in_list(const char *const *list, const char *s)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

const char *form_check_scope(const char *scope)
{
	return in_list(form_scopes, scope) ? NULL
	                                   : _("the scope is all, pointer.motion, pointer.button, "
	                                       "pointer.scroll, keyboard or window.focus");
}

const char *form_check_category(const char *category)
{
	return in_list(form_categories, category)
	           ? NULL
	           : _("the category is medical, legal, "
	               "accessibility, works-council, personal or other");
}

const char *form_check_days_text(const char *text, uint32_t *days)
{
	uint32_t n = 0;
	if (!*text)
		return _("say for how many days (1 to 365)");
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return _("days is a whole number from 1 to 365");
		n = n * 10 + (uint32_t)(*p - '0');
		if (n > FORM_DAYS_MAX)
			return _("at most 365 days");
	}
	if (n < 1)
		return _("at least 1 day");
	if (days)
		*days = n;
	return NULL;
}

const char *form_check_reason(const char *reason, char *buf, size_t size)
{
	size_t n = strlen(reason);
	if (!utf8_valid(reason, n))
		return _("the reason is not valid UTF-8");
	for (const unsigned char *p = (const unsigned char *)reason; *p; p++) {
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
			return _("the reason may hold no control characters but line breaks");
	}
	if (n == 0)
		return _("write the reason for the request");
	if (n > FORM_REASON_MAX) {
		snprintf(buf, size, _("the reason is %zu bytes long; at most %d are allowed"), n,
		         FORM_REASON_MAX);
		return buf;
	}
	return NULL;
}

void form_init(struct form *f)
{
	memset(f, 0, sizeof *f);
	edit_init(&f->days, 8, false);
	/* Room beyond the limit, so a long paste is shown as too long
	 * rather than silently cut. */
	edit_init(&f->reason, FORM_REASON_MAX * 4, true);
	form_reset(f);
}

void form_fini(struct form *f)
{
	edit_fini(&f->days);
	edit_fini(&f->reason);
	free(f->refusal);
	f->refusal = NULL;
}

void form_reset(struct form *f)
{
	f->scope = 0;
	f->category = 0;
	edit_prefill(&f->days, "7");
	edit_set(&f->reason, "");
	f->focus = FORM_SCOPE;
	f->sending = false;
	form_set_refusal(f, NULL);
}

bool form_ready(const struct form *f)
{
	char buf[128];
	return !form_check_days_text(f->days.buf, NULL) &&
	       !form_check_reason(f->reason.buf, buf, sizeof buf);
}

void form_set_refusal(struct form *f, const char *msg)
{
	free(f->refusal);
	f->refusal = msg ? xstrdup(msg) : NULL;
}
