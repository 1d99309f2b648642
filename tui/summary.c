/* Sentences, not tables: "Uploaded today 1.2 MB of 50 MB", "Agent ≈ 40
 * mW, 0.3% CPU". Sizes in SI units, as the policy counts megabytes. */
#include "summary.h"
#include "human.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void deferred_words(const char *why, char *buf, size_t size)
{
	if (strcmp(why, "metered") == 0)
		snprintf(buf, size, "Waiting: the network is metered");
	else if (strcmp(why, "on-battery") == 0)
		snprintf(buf, size, "Waiting: on battery");
	else if (strcmp(why, "cap-reached") == 0)
		snprintf(buf, size, "Waiting: today's upload cap is reached");
	else if (strcmp(why, "offline") == 0)
		snprintf(buf, size, "Waiting: offline");
	else if (strcmp(why, "paused") == 0)
		snprintf(buf, size, "Waiting: recording is paused");
	else
		snprintf(buf, size, "Waiting: %s", why);
}

static struct summary_line *line(struct summary_line *out, int *n, const char *label,
                                 enum summary_tone tone)
{
	struct summary_line *l = &out[(*n)++];
	l->label = label;
	l->text[0] = '\0';
	l->tone = tone;
	return l;
}

/* Appends to a line's text. */
static void add(struct summary_line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct summary_line *l, const char *fmt, ...)
{
	size_t len = strlen(l->text);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->text + len, sizeof l->text - len, fmt, ap);
	va_end(ap);
}

int summary_upload(const struct model *m, uint64_t now, struct summary_line *out)
{
	const struct model_upload *u = &m->upload;
	bool local = !u->endpoint || !*u->endpoint;
	char a[32], b[32], c[32];
	int n = 0;
	struct summary_line *l;

	if (local) {
		l = line(out, &n, "Upload", SUMMARY_GOOD);
		add(l, "Local only: nothing leaves this machine.");
		if (u->bytes_total == 0)
			return n;
	} else {
		l = line(out, &n, "Upload", SUMMARY_VALUE);
		add(l, "Sends to %s", u->endpoint);
	}
	human_bytes(u->bytes_today, a, sizeof a);
	human_bytes(u->bytes_total, b, sizeof b);
	l = line(out, &n, "", SUMMARY_NORMAL);
	if (u->daily_cap) {
		human_bytes(u->daily_cap, c, sizeof c);
		add(l, "Uploaded today %s of %s, %s in all", a, c, b);
	} else {
		add(l, "Uploaded today %s (no daily cap), %s in all", a, b);
	}
	if (u->pending_bytes) {
		human_bytes(u->pending_bytes, c, sizeof c);
		add(l, "; %s waiting to go", c);
	}
	if (local)
		return n;
	l = line(out, &n, "", SUMMARY_NORMAL);
	if (u->deferred && *u->deferred) {
		deferred_words(u->deferred, l->text, sizeof l->text);
		l->tone = SUMMARY_WARN;
	} else if (u->rate_bps >= 1) {
		human_rate(u->rate_bps, a, sizeof a);
		add(l, "Sending now at %s", a);
	} else if (u->next_upload) {
		format_local_time(u->next_upload, now, a, sizeof a);
		add(l, "Next upload at %s", a);
	}
	if (u->last_upload) {
		format_local_time(u->last_upload, now, a, sizeof a);
		add(l, "%s at %s", l->text[0] ? "; last sent" : "Last sent", a);
	}
	if (!l->text[0])
		n--;
	if (u->last_error && *u->last_error) {
		l = line(out, &n, "", SUMMARY_ERROR);
		add(l, "Last attempt failed: %s", u->last_error);
	}
	return n;
}

int summary_power(const struct model *m, bool utf8, bool wide, struct summary_line *out)
{
	const struct model_power *p = &m->power;
	char mw[32];
	int n = 0;
	struct summary_line *l = line(out, &n, "Power", SUMMARY_NORMAL);

	human_power(p->estimated_mw, mw, sizeof mw);
	add(l, "Agent %s %s, %.1f%% CPU", utf8 ? "≈" : "about", mw, p->cpu_percent);
	if (wide)
		add(l, ", %.1f wakeups a second", p->wakeups_per_second);
	if (p->on_battery && p->battery_percent >= 0)
		add(l, "; on battery, %.0f%%", p->battery_percent);
	else if (p->on_battery)
		add(l, "; on battery");
	else
		add(l, "; on mains power");
	if (p->saver)
		add(l, "; battery saver on");
	return n;
}

int summary_pause(const struct model *m, uint64_t now, struct summary_line *out)
{
	char most[32], left[32], day[32];
	int n = 0;
	struct summary_line *l = line(out, &n, "Pausing", SUMMARY_NORMAL);

	human_minutes(m->max_pause_seconds, most, sizeof most);
	if (!m->budget_seconds) {
		add(l, "Up to %s at a time, no daily limit", most);
		return n;
	}
	uint32_t b = model_budget_left(m, now);
	/* While paused the budget runs down by the second: show it so. */
	if (model_state(m) == MODEL_STATE_PAUSED)
		human_countdown(b, left, sizeof left);
	else
		human_minutes(b, left, sizeof left);
	human_minutes(m->budget_seconds, day, sizeof day);
	add(l, "%s of %s left today, up to %s at a time", left, day, most);
	if (b == 0)
		l->tone = SUMMARY_WARN;
	return n;
}

int summary_storage(const struct model *m, struct summary_line *out)
{
	const struct model_retention *r = &m->retention;
	char size[32], date[32];
	int n = 0;
	struct summary_line *l = line(out, &n, "Storage", SUMMARY_NORMAL);

	if (r->segments == 0) {
		add(l, "Nothing stored yet; kept %u days", r->days);
		return n;
	}
	human_bytes(r->bytes, size, sizeof size);
	add(l, "%u segment%s, %s, kept %u days", r->segments, r->segments == 1 ? "" : "s", size,
	    r->days);
	if (r->oldest) {
		format_local_date(r->oldest, date, sizeof date);
		add(l, "; oldest from %s", date);
	}
	return n;
}

int summary_all(const struct model *m, uint64_t now, bool utf8, bool wide, struct summary_line *out)
{
	int n = 0;
	n += summary_upload(m, now, out + n);
	n += summary_power(m, utf8, wide, out + n);
	n += summary_pause(m, now, out + n);
	n += summary_storage(m, out + n);
	return n;
}
