/* The console's own state, apart from the model. */
#define _GNU_SOURCE /* vasprintf */
#include "ui.h"
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
	form_init(&ui->form);
}

void ui_fini(struct ui *ui)
{
	edit_fini(&ui->pause_text);
	form_fini(&ui->form);
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
	if (!fmt)
		return;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&ui->message, fmt, ap) < 0)
		ui->message = NULL;
	va_end(ap);
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
