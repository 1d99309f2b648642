/* The console's own state, apart from the model. */
#define _GNU_SOURCE /* vasprintf */
#include "console/ui.h"
#include "names.h"
#include "util.h"

#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void ui_init(struct ui *ui, const struct keys *keys, const char *bus_name)
{
	memset(ui, 0, sizeof *ui);
	ui->view = UI_VIEW_OVERVIEW;
	ui->keys = keys;
	ui->bus_name = bus_name;
	ui->own_uid = getuid();
	edit_init(&ui->pause_text, 16, false);
	edit_init(&ui->forget_text, 16, false);
	edit_init(&ui->export_path, 4096, false);
	form_init(&ui->form);
	ui->redraw_at = UINT64_MAX;
}

void ui_fini(struct ui *ui)
{
	edit_fini(&ui->pause_text);
	edit_fini(&ui->forget_text);
	edit_fini(&ui->export_path);
	form_fini(&ui->form);
	free(ui->forget_error);
	free(ui->export_error);
	free(ui->export.path);
	free(ui->ex_select_id);
	free(ui->pause_error);
	free(ui->dialog_id);
	free(ui->dialog_error);
	free(ui->message);
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

size_t ui_forget_choices(uint32_t *out, size_t max)
{
	static const uint32_t usual[] = {5 * 60, 15 * 60, 3600, 4 * 3600, 86400};
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(usual) && n < max; i++)
		out[n++] = usual[i];
	return n;
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

size_t ui_pause_choices(const struct model *m, uint64_t now, uint32_t *out, size_t max)
{
	static const uint32_t usual[] = {5 * 60,   15 * 60,  30 * 60, 3600,
	                                 2 * 3600, 4 * 3600, 8 * 3600};
	uint32_t limit = model_pause_limit(m, now);
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(usual) && n < max; i++)
		if (usual[i] <= limit)
			out[n++] = usual[i];
	if (limit > 0 && n < max && (n == 0 || out[n - 1] != limit))
		out[n++] = limit;
	return n;
}

const char *ui_uid_name(struct ui *ui, uint32_t uid)
{
	if (uid == CAPCTL_UID_AGENT)
		return "agent";
	if (uid == ui->own_uid)
		return "you";
	for (size_t i = 0; i < ui->n_uid_names; i++)
		if (ui->uid_names[i].uid == uid)
			return ui->uid_names[i].name;
	/* Looked up once per uid: a handful of people ever act on one
	 * agent, and the table only grows to its size. */
	struct ui_uid_name *e =
	    &ui->uid_names[ui->n_uid_names < UI_UID_NAMES ? ui->n_uid_names++ : UI_UID_NAMES - 1];
	struct passwd pw, *res = NULL;
	char buf[1024];
	e->uid = uid;
	if (getpwuid_r(uid, &pw, buf, sizeof buf, &res) == 0 && res)
		snprintf(e->name, sizeof e->name, "%s", res->pw_name);
	else
		snprintf(e->name, sizeof e->name, "uid %u", uid);
	return e->name;
}

void ui_scroll_clamp(struct ui_scroll *s)
{
	uint64_t rows = s->rows > 0 ? (uint64_t)s->rows : 1;
	uint64_t max = s->lines > rows ? s->lines - rows : 0;
	if (s->top > max)
		s->top = max;
}
