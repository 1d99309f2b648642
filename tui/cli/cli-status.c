/* capctl status: the state, the pause, the streams and what it all costs,
 * as a table for a person or the properties as JSON. */
#include "cli/cli-int.h"
#include "model/summary.h"
#include "text/human.h"
#include "text/text.h"
#include "util.h"

#include <string.h>

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

void cli_print_state(const struct cli *c, const struct model *m)
{
	const char *state = m->state ? m->state : "unknown";
	if (c->color)
		fputs(state_color(state), stdout);
	say("%s", cli_line(state));
	if (c->color)
		fputs("\033[0m", stdout);
	say(": %s\n", cli_line(m->state_reason));
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

/* The properties by their contract names in snake case, as the decoder
 * read them. */
static void status_json(const struct model *m, const struct contract_props *p, uint64_t now)
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
	json_object_end(&j);
	json_finish(&j);
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
	if (c->json) {
		status_json(&m, &p, now);
	} else {
		char a[32], b[32];
		cli_print_state(c, &m);
		if (model_state(&m) == MODEL_STATE_PAUSED && m.paused_until) {
			cli_when_text(m.paused_until, a, sizeof a);
			human_countdown(model_pause_left(&m, now), b, sizeof b);
			say("%-9s until %s (%s left)\n", "Paused", a, b);
		}
		/* A table whose description column is as wide as its widest
		 * entry: in a pipe nothing is cut. */
		int dw = (int)strlen("What is kept");
		for (size_t i = 0; i < m.n_streams; i++) {
			int w =
			    text_width(m.streams[i].description, strlen(m.streams[i].description));
			if (w > dw)
				dw = w;
		}
		say("\n%-15s %-4s %-9s %-*s %10s %9s\n", "Stream", "Now", "Level", dw,
		    "What is kept", "Events", "Stored");
		for (size_t i = 0; i < m.n_streams; i++) {
			const struct model_stream *s = &m.streams[i];
			int pad = dw - text_width(s->description, strlen(s->description));
			human_count(s->events, a, sizeof a);
			human_bytes(s->bytes, b, sizeof b);
			say("%-15s %-4s %-9s %s%*s %10s %9s\n", s->id, s->recording ? "yes" : "no",
			    s->fidelity, cli_line(s->description), pad, "", a, b);
		}
		say("\n");
		struct summary_line lines[SUMMARY_MAX_LINES];
		int n = summary_all(&m, now, c->utf8, true, lines);
		for (int i = 0; i < n; i++)
			say("%-9s %s\n", lines[i].label, cli_line(lines[i].text));
	}
	contract_props_fini(&p);
	model_fini(&m);
	return 0;
}
