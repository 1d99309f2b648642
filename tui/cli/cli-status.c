/* capctl status: the state, the pause, the streams and what it all costs,
 * as a table for a person or the properties as JSON. */
#include "cli/cli-int.h"
#include "i18n.h"
#include "model/summary.h"
#include "phrase.h"
#include "text/human.h"
#include "text/strip.h"
#include "text/text.h"
#include "util.h"

#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* The day's Activity is asked in steps of five minutes, as the console's. */
#define STATUS_TODAY_STEP 300

static const char *state_color(const char *state)
{
	if (strcmp(state, "collecting") == 0)
		return "\033[1;32m";
	if (strcmp(state, "paused") == 0)
		return "\033[1;33m";
	if (strcmp(state, "exempt") == 0)
		return "\033[1;36m";
	if (strcmp(state, "suspended") == 0)
		return "\033[1;35m";
	return "\033[1m";
}

/* The state in the person's words; one this version does not know (a
 * newer agent's) as the agent sent it. */
static const char *state_words(const char *state)
{
	/* TRANSLATORS: the agent's state, as capctl status begins:
	 * "collecting: <the agent's reason>". */
	static const char *const known[] = {N_("collecting"), N_("paused"), N_("exempt"),
	                                    N_("suspended"),  N_("idle"),   N_("unknown")};
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (strcmp(state, known[i]) == 0)
			return _(known[i]);
	return state;
}

void cli_print_state(const struct cli *c, const struct model *m)
{
	const char *state = m->state ? m->state : "unknown";
	if (c->color)
		fputs(state_color(state), stdout);
	say("%s", cli_line(state_words(state)));
	if (c->color)
		fputs("\033[0m", stdout);
	say(": %s\n", cli_line(phrase_shown(m->state_reason)));
}

void cli_when_text(uint64_t usec, char *buf, size_t size)
{
	human_until(usec, now_usec(), buf, size);
}

static void json_stream(struct json *j, const struct model_stream *s)
{
	json_object_begin(j);
	json_key(j, "id");
	json_string(j, s->id);
	json_key(j, "recording");
	json_bool(j, s->recording);
	json_key(j, "fidelity");
	json_string(j, s->fidelity);
	json_key(j, "description");
	json_string(j, s->description);
	json_key(j, "events");
	json_uint(j, s->events);
	json_key(j, "bytes");
	json_uint(j, s->bytes);
	json_object_end(j);
}

/* Today's Activity, from local midnight to now: 0 with *a filled (free
 * it), else the exit status with the reason printed. */
static int load_today(struct cli *c, uint64_t now, struct strip_day *d, struct contract_activity *a)
{
	int rc = 0;
	struct contract_fault f = {0};
	strip_today(now, STATUS_TODAY_STEP, d);
	dbus_uint64_t from = d->start, to = now > d->start ? now : d->start + 1;
	dbus_uint32_t step = STATUS_TODAY_STEP;
	uint64_t len = (uint64_t)step * 1000000;
	*a = (struct contract_activity){0};
	DBusMessage *reply =
	    cli_call(c, &rc, CAPCTL_IFACE, "Activity", DBUS_TYPE_UINT64, &from, DBUS_TYPE_UINT64,
	             &to, DBUS_TYPE_UINT32, &step, DBUS_TYPE_INVALID);
	if (!reply)
		return rc;
	/* At most a day of 25 hours: 300 steps. */
	enum contract_result r =
	    contract_read_activity(reply, (uint32_t)((to - from + len - 1) / len), a, &f);
	dbus_message_unref(reply);
	return cli_outcome(c, r, &f);
}

/* The strip as the console's Overview draws it, in plain text across the
 * terminal. */
static void print_today(const struct cli *c, const struct strip_day *d,
                        const struct contract_activity *a, uint64_t now, int lw)
{
	struct strip_cell cell[STRIP_MAX_CELLS];
	char buf[STRIP_MAX_CELLS * 3 + 1];
	struct winsize ws;
	int cols = 80;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		cols = ws.ws_col;
	size_t n =
	    strip_cells(d, a->rows, a->n, now, cols > lw + 2 ? (size_t)(cols - lw - 2) : 0, cell);
	if (!n)
		return;
	strip_text(cell, n, c->utf8, buf, sizeof buf);
	size_t len = strlen(buf);
	while (len && buf[len - 1] == ' ')
		buf[--len] = '\0';
	say("\n%s %s\n", cli_cell(_("Today"), lw), buf);
	strip_hours(n, buf, sizeof buf);
	say("%*s %s\n", lw, "", buf);
	say("%*s %s\n", lw, "", strip_legend(c->utf8));
}

static void json_activity(struct json *j, const struct contract_activity *a)
{
	json_array_begin(j);
	for (size_t i = 0; i < a->n; i++) {
		json_object_begin(j);
		json_key(j, "start");
		json_uint(j, a->rows[i].start);
		json_key(j, "events");
		json_array_begin(j);
		for (size_t k = 0; k < N_STREAMS; k++)
			json_uint(j, a->rows[i].events[k]);
		json_array_end(j);
		json_key(j, "state");
		json_string(j, contract_state_name(a->rows[i].state));
		json_object_end(j);
	}
	json_array_end(j);
}

/* The properties by their contract names in snake case, as the decoder
 * read them, and today's steps. */
static void status_json(const struct model *m, const struct contract_props *p,
                        const struct contract_activity *a, uint64_t now)
{
	struct json j;
	json_init(&j, stdout);
	json_object_begin(&j);
	json_key(&j, "version");
	json_string(&j, m->version);
	json_key(&j, "state");
	json_string(&j, m->state);
	json_key(&j, "state_reason");
	json_string(&j, m->state_reason);
	json_key(&j, "paused_until");
	json_uint(&j, m->paused_until);
	json_key(&j, "max_pause_seconds");
	json_uint(&j, m->max_pause_seconds);
	json_key(&j, "pause_budget_seconds");
	json_uint(&j, m->budget_seconds);
	json_key(&j, "pause_budget_left");
	json_uint(&j, m->budget_left);
	json_key(&j, "pause_seconds_left");
	json_uint(&j, model_pause_left(m, now));
	json_key(&j, "streams");
	json_array_begin(&j);
	for (size_t i = 0; i < m->n_streams; i++)
		json_stream(&j, &m->streams[i]);
	json_array_end(&j);
	json_key(&j, "upload");
	json_contract_dict(&j, CONTRACT_PROP_UPLOAD, &p->upload);
	json_key(&j, "power");
	json_contract_dict(&j, CONTRACT_PROP_POWER, &p->power);
	json_key(&j, "retention");
	json_contract_dict(&j, CONTRACT_PROP_RETENTION, &p->retention);
	json_key(&j, "personal_limits");
	json_array_begin(&j);
	for (size_t i = 0; i < p->n_limits; i++) {
		json_object_begin(&j);
		json_key(&j, "stream");
		json_string(&j, contract_stream_name(p->limits[i].stream));
		json_key(&j, "fidelity");
		json_string(&j, p->limits[i].fidelity);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_key(&j, "consent");
	json_contract_dict(&j, CONTRACT_PROP_CONSENT, &p->consent);
	json_key(&j, "activity_step_seconds");
	json_uint(&j, STATUS_TODAY_STEP);
	json_key(&j, "activity");
	json_activity(&j, a);
	json_object_end(&j);
	json_finish(&j);
}

/* The streams as a table whose description column is as wide as its
 * widest entry (in a pipe nothing is cut), every column as wide as its
 * header in the person's language. */
static void streams_table(const struct model *m)
{
	struct cli_column cols[] = {
	    {N_("Stream"), 15, false, 0}, {N_("Now"), 4, false, 1},
	    {N_("Level"), 9, false, 1},   {N_("What is kept"), 0, false, 1},
	    {N_("Events"), 10, true, 1},  {N_("Stored"), 9, true, 1},
	};
	int w[ARRAY_SIZE(cols)];
	for (size_t i = 0; i < m->n_streams; i++) {
		const char *d = phrase_shown(m->streams[i].description);
		int dw = text_width(d, strlen(d));
		if (dw > cols[3].min)
			cols[3].min = dw;
	}
	cli_columns_fit(cols, ARRAY_SIZE(cols), w);
	say("\n");
	cli_row(cols, w, ARRAY_SIZE(cols), NULL);
	for (size_t i = 0; i < m->n_streams; i++) {
		const struct model_stream *s = &m->streams[i];
		char ev[32], size[32];
		human_count(s->events, ev, sizeof ev);
		human_bytes(s->bytes, size, sizeof size);
		const char *cells[] = {s->id,       s->recording ? _("yes") : _("no"),
		                       s->fidelity, phrase_shown(s->description),
		                       ev,          size};
		cli_row(cols, w, ARRAY_SIZE(cols), cells);
	}
}

/* The width of the labels before the summary's lines, "Paused" and
 * "Today": the widest of them in the person's language, at least 9. */
static int label_width(const struct model *m, uint64_t now, bool utf8)
{
	struct summary_line lines[SUMMARY_MAX_LINES];
	int n = summary_all(m, now, utf8, true, lines), lw = 9;
	const char *own[] = {_("Paused"), _("Today")};
	for (int i = 0; i < n + (int)ARRAY_SIZE(own); i++) {
		const char *l = i < n ? lines[i].label : own[i - n];
		int w = text_width(l, strlen(l));
		if (w > lw)
			lw = w;
	}
	return lw;
}

/* capctl status for a person: the state, the pause, the streams and the
 * summary's lines under their labels; returns the labels' width. */
static int status_text(const struct cli *c, const struct model *m, uint64_t now)
{
	char a[32], b[32];
	int lw = label_width(m, now, c->utf8);
	cli_print_state(c, m);
	if (model_state(m) == MODEL_STATE_PAUSED && m->paused_until) {
		cli_when_text(m->paused_until, a, sizeof a);
		human_countdown(model_pause_left(m, now), b, sizeof b);
		say("%s ", cli_cell(_("Paused"), lw));
		/* TRANSLATORS: after "Paused" in capctl status: "until 10:15 (12:34 left)". */
		say(_("until %s (%s left)\n"), a, b);
	}
	streams_table(m);
	say("\n");
	struct summary_line lines[SUMMARY_MAX_LINES];
	int n = summary_all(m, now, c->utf8, true, lines);
	for (int i = 0; i < n; i++)
		say("%s %s\n", cli_cell(lines[i].label, lw), cli_line(lines[i].text));
	return lw;
}

int cli_status(struct cli *c, char **args, int n_args)
{
	(void)args;
	(void)n_args;
	struct model m;
	struct contract_props p;
	int rc = cli_load_model(c, &m, &p);
	if (rc)
		return rc;
	uint64_t now = now_usec();
	struct strip_day day;
	struct contract_activity act = {0};
	bool today = c->json || isatty(STDOUT_FILENO);
	if (today && (rc = load_today(c, now, &day, &act)) != 0)
		goto out;
	if (c->json) {
		status_json(&m, &p, &act, now);
	} else {
		int lw = status_text(c, &m, now);
		if (today)
			print_today(c, &day, &act, now, lw);
	}
out:
	contract_activity_fini(&act);
	contract_props_fini(&p);
	model_fini(&m);
	return rc;
}
