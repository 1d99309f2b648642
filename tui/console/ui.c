/* The console's own state, apart from the model. */
#define _GNU_SOURCE /* vasprintf */
#include "console/ui.h"
#include "dialog/dialog.h"
#include "i18n.h"
#include "names.h"
#include "text/human.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ui_init(struct ui *ui, const struct keys *keys, const char *bus_name)
{
	memset(ui, 0, sizeof *ui);
	ui->view = UI_VIEW_OVERVIEW;
	ui->keys = keys;
	ui->bus_name = bus_name;
	ui->dialogs = dialogs_new();
	ui->redraw_at = UINT64_MAX;
}

void ui_fini(struct ui *ui)
{
	dialogs_free(ui->dialogs);
	free(ui->export.path);
	free(ui->ex_select_id);
	free(ui->chain_warning);
	free(ui->message);
	free(ui->consent_later);
	memset(ui, 0, sizeof *ui);
}

void ui_set_string(char **field, const char *s)
{
	free(*field);
	*field = s ? xstrdup(s) : NULL;
}

void ui_message(struct ui *ui, bool error, const char *fmt, ...)
{
	free(ui->message);
	ui->message = NULL;
	ui->message_error = error;
	ui->message_bind = UI_MSG_UNTIL_KEY;
	ui->message_seen = false;
	if (!fmt)
		return;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&ui->message, fmt, ap) < 0)
		ui->message = NULL;
	va_end(ap);
}

void ui_message_bind(struct ui *ui, enum ui_message_bind bind, uint64_t until)
{
	ui->message_bind = bind;
	ui->message_until = until;
	ui->message_seen = false;
}

bool ui_message_expire(struct ui *ui, const struct model *m)
{
	bool holds;
	if (!ui->message || ui->message_bind == UI_MSG_UNTIL_KEY)
		return false;
	switch (ui->message_bind) {
	case UI_MSG_WHILE_PAUSED_UNTIL:
		if (!m->state || m->link != MODEL_LINK_LIVE)
			holds = !ui->message_seen; /* not known: wait and see */
		else
			holds = model_state(m) == MODEL_STATE_PAUSED &&
			        m->paused_until == ui->message_until;
		break;
	case UI_MSG_WHILE_NOT_PAUSED:
		if (!m->state || m->link != MODEL_LINK_LIVE)
			holds = !ui->message_seen;
		else
			holds = model_state(m) != MODEL_STATE_PAUSED;
		break;
	default: /* UI_MSG_WHILE_UNREACHABLE */
		holds = m->link != MODEL_LINK_LIVE;
		break;
	}
	if (holds) {
		ui->message_seen = true;
		return false;
	}
	/* A reply can come before the signal that shows its state: a
	 * message is dropped only once what it says has been seen. */
	if (!ui->message_seen)
		return false;
	ui_message(ui, false, NULL);
	return true;
}

void ui_redraw_at(struct ui *ui, uint64_t t)
{
	if (t < ui->redraw_at)
		ui->redraw_at = t;
}

void ui_segment_set(struct ui_segment *to, const struct model_segment *from)
{
	*to = (struct ui_segment){.id = from->id,
	                          .start = from->start,
	                          .end = from->end,
	                          .bytes = from->bytes,
	                          .expires = from->expires,
	                          .events = from->events,
	                          .uploaded = from->uploaded};
	snprintf(to->stream, sizeof to->stream, "%s", from->stream);
}

const char *ui_unavailable(const struct model *m, enum action a)
{
	bool known = m->link == MODEL_LINK_LIVE && (m->loaded & (1u << MODEL_PROP_RETENTION));
	if ((a == ACTION_DELETE || a == ACTION_FORGET) && known && !m->retention.deletion_allowed)
		return _("the policy does not let you delete what is recorded");
	return NULL;
}

const char *ui_uid_name(struct ui *ui, uint32_t uid)
{
	for (size_t i = 0; i < ui->n_uid_names; i++)
		if (ui->uid_names[i].uid == uid)
			return ui->uid_names[i].name;
	/* Looked up once per uid: a handful of people ever act on one
	 * agent, and the table only grows to its size. */
	struct ui_uid_name *e =
	    &ui->uid_names[ui->n_uid_names < UI_UID_NAMES ? ui->n_uid_names++ : UI_UID_NAMES - 1];
	e->uid = uid;
	human_user(uid, e->name, sizeof e->name);
	return e->name;
}

void ui_scroll_clamp(struct ui_scroll *s)
{
	uint64_t rows = s->rows > 0 ? (uint64_t)s->rows : 1;
	uint64_t max = s->lines > rows ? s->lines - rows : 0;
	if (s->top > max)
		s->top = max;
}

void ui_scroll_by(struct ui_scroll *s, int64_t delta)
{
	if (delta == INT64_MIN)
		s->top = 0;
	else if (delta == INT64_MAX)
		s->top = s->lines;
	else if (delta < 0)
		s->top = s->top > (uint64_t)-delta ? s->top - (uint64_t)-delta : 0;
	else
		s->top += (uint64_t)delta;
	ui_scroll_clamp(s);
}

void ui_scroll_move(struct ui_scroll *s, enum action a)
{
	int64_t page = s->rows > 1 ? s->rows - 1 : 1;
	switch (a) {
	case ACTION_UP:
		ui_scroll_by(s, -1);
		break;
	case ACTION_DOWN:
		ui_scroll_by(s, 1);
		break;
	case ACTION_PAGE_UP:
		ui_scroll_by(s, -page);
		break;
	case ACTION_PAGE_DOWN:
		ui_scroll_by(s, page);
		break;
	case ACTION_HOME:
		ui_scroll_by(s, INT64_MIN);
		break;
	default:
		ui_scroll_by(s, INT64_MAX);
		break;
	}
}
