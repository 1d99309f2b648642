/* Sentences, not tables: "Uploaded today 1.2 MB of 50 MB", "Agent ≈ 40
 * mW, 0.3% CPU". Sizes in SI units, as the policy counts megabytes. */
#include "model/summary.h"
#include "i18n.h"
#include "phrase.h"
#include "text/human.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

bool summary_uploads(const struct model *m)
{
	return m->upload.endpoint && *m->upload.endpoint;
}

void summary_today(const struct model *m, char *buf, size_t size)
{
	const struct model_upload *u = &m->upload;
	char a[32], c[32];
	human_bytes(u->bytes_today, a, sizeof a);
	if (u->daily_cap) {
		human_bytes(u->daily_cap, c, sizeof c);
		snprintf(buf, size, _("Uploaded today %s of %s"), a, c);
	} else {
		snprintf(buf, size, _("Uploaded today %s, no daily cap"), a);
	}
}

void summary_deferred(const struct model *m, uint64_t now, char *buf, size_t size)
{
	const char *why = m->upload.deferred ? m->upload.deferred : "";
	char cap[32], when[32];
	if (!*why || !summary_uploads(m)) {
		buf[0] = '\0';
	} else if (strcmp(why, "metered") == 0) {
		snprintf(buf, size, _("Waiting: the network is metered"));
	} else if (strcmp(why, "on-battery") == 0) {
		snprintf(buf, size, _("Waiting: %s"),
		         m->power.saver ? _("the battery saver is on")
		                        : _("the machine is on battery"));
	} else if (strcmp(why, "cap-reached") == 0) {
		human_bytes(m->upload.daily_cap, cap, sizeof cap);
		if (m->upload.next_upload > now) {
			if (m->upload.next_upload == next_local_midnight(now))
				snprintf(when, sizeof when, _("midnight"));
			else
				format_local_time(m->upload.next_upload, now, when, sizeof when);
			snprintf(buf, size, _("Waiting: today's cap of %s is reached, until %s"),
			         cap, when);
		} else {
			snprintf(buf, size, _("Waiting: today's cap of %s is reached"), cap);
		}
	} else if (strcmp(why, "offline") == 0) {
		snprintf(buf, size, _("Waiting: there is no network connection"));
	} else if (strcmp(why, "paused") == 0) {
		snprintf(buf, size, _("Waiting: recording is paused"));
	} else {
		snprintf(buf, size, _("Waiting: %s"), why);
	}
}

void summary_next_upload(const struct model *m, uint64_t now, char *buf, size_t size,
                         uint64_t *changes)
{
	uint64_t next = m->upload.next_upload;
	char at[32], in[32];
	*changes = UINT64_MAX;
	if (!summary_uploads(m) || !next) {
		buf[0] = '\0';
		return;
	}
	if (next <= now) {
		snprintf(buf, size, _("Next upload due now"));
		return;
	}
	uint64_t left = next - now, second = USEC_PER_SEC, minute = 60 * USEC_PER_SEC;
	uint64_t secs = left / second + (left % second != 0);
	human_until(next, now, at, sizeof at);
	human_minutes(secs, in, sizeof in);
	snprintf(buf, size, _("Next upload at %s, in %s"), at, in);
	/* Rounded up, the words change when what is left reaches the whole
	 * second (under eleven minutes: seconds are about to show) or the
	 * whole minute below. */
	uint64_t step = left <= 11 * minute ? second : minute;
	*changes = now + (left % step ? left % step : step);
}

void summary_battery(const struct model *m, char *buf, size_t size)
{
	const struct model_power *p = &m->power;
	if (p->on_battery && p->battery_percent >= 0)
		/* TRANSLATORS: these four also continue a sentence, their first letter
		   made lower case: start them with an ASCII capital. */
		snprintf(buf, size, _("On battery, %.0f%% left"), p->battery_percent);
	else if (p->on_battery)
		snprintf(buf, size, _("On battery"));
	else if (p->battery_percent >= 0)
		snprintf(buf, size, _("On mains power, battery %.0f%%"), p->battery_percent);
	else
		snprintf(buf, size, _("On mains power"));
}

void summary_saver(const struct model *m, int variant, char *buf, size_t size)
{
	bool up = summary_uploads(m);
	if (!m->power.saver)
		buf[0] = '\0';
	else if (variant == 0)
		snprintf(buf, size, _("Battery saver on: motion 10 Hz%s"),
		         up ? _(", uploads wait") : "");
	else if (variant == 1)
		snprintf(buf, size, _("Saver on: motion 10 Hz%s"), up ? _(", uploads wait") : "");
	else
		snprintf(buf, size, _("Battery saver on"));
}

int summary_upload(const struct model *m, uint64_t now, struct summary_line *out)
{
	const struct model_upload *u = &m->upload;
	char a[32], b[32], text[320];
	uint64_t changes;
	int n = 0;
	struct summary_line *l;

	if (!summary_uploads(m)) {
		/* TRANSLATORS: the labels Upload, Power, Pausing and Storage are at most 9 columns
		 */
		l = line(out, &n, _("Upload"), SUMMARY_GOOD);
		add(l, _("Local only: nothing leaves this machine."));
		return n;
	}
	l = line(out, &n, _("Upload"), SUMMARY_VALUE);
	add(l, _("Sends to %s"), u->endpoint);
	l = line(out, &n, "", SUMMARY_NORMAL);
	summary_today(m, l->text, sizeof l->text);
	human_bytes(u->bytes_total, b, sizeof b);
	add(l, _(", %s in all"), b);
	if (u->pending_bytes) {
		human_bytes(u->pending_bytes, a, sizeof a);
		add(l, _("; %s waiting to go"), a);
	}
	summary_held(m, now, 0, text, sizeof text);
	if (*text)
		add(line(out, &n, "", SUMMARY_NORMAL), "%s", text);
	l = line(out, &n, "", SUMMARY_NORMAL);
	summary_deferred(m, now, text, sizeof text);
	if (*text) {
		add(l, "%s", text);
		l->tone = SUMMARY_WARN;
	} else if (u->rate_bps >= 1) {
		human_rate(u->rate_bps, a, sizeof a);
		add(l, _("%s over the last minute"), a);
	} else {
		summary_next_upload(m, now, text, sizeof text, &changes);
		add(l, "%s", text);
	}
	if (u->last_upload) {
		format_local_time(u->last_upload, now, a, sizeof a);
		add(l, _("%s at %s"), l->text[0] ? _("; last sent") : _("Last sent"), a);
	}
	if (!l->text[0])
		n--;
	if (u->last_error && *u->last_error) {
		l = line(out, &n, "", SUMMARY_ERROR);
		add(l, _("Last attempt failed: %s"), u->last_error);
	}
	return n;
}

int summary_power(const struct model *m, bool utf8, bool wide, struct summary_line *out)
{
	const struct model_power *p = &m->power;
	char mw[32], text[160];
	int n = 0;
	struct summary_line *l = line(out, &n, _("Power"), SUMMARY_NORMAL);

	human_power(p->estimated_mw, mw, sizeof mw);
	add(l, _("Agent %s %s, %.1f%% CPU"), utf8 ? "≈" : _("about"), mw, p->cpu_percent);
	if (wide)
		add(l, _(", %.1f wakeups a second"), p->wakeups_per_second);
	summary_battery(m, text, sizeof text);
	/* "On battery" continues the sentence in lower case. */
	text[0] = (char)(text[0] - 'A' + 'a');
	add(l, "; %s", text);
	if (p->saver) {
		summary_saver(m, 0, text, sizeof text);
		text[0] = (char)(text[0] - 'A' + 'a');
		add(l, "; %s", text);
	}
	if (p->measured_mw >= 0) {
		human_power(p->measured_mw, mw, sizeof mw);
		l = line(out, &n, "", SUMMARY_NORMAL);
		add(l, _("The processor draws %s in all (measured)"), mw);
	}
	return n;
}

int summary_pause(const struct model *m, uint64_t now, struct summary_line *out)
{
	char most[32], left[32], day[32];
	int n = 0;
	struct summary_line *l = line(out, &n, _("Pausing"), SUMMARY_NORMAL);

	human_minutes(m->max_pause_seconds, most, sizeof most);
	if (!m->budget_seconds) {
		add(l, _("Up to %s at a time, no daily limit"), most);
		return n;
	}
	/* While paused the budget runs down by the second; under ten
	 * minutes it is shown to the second. */
	uint32_t b = model_budget_left(m, now);
	human_minutes(b, left, sizeof left);
	human_minutes(m->budget_seconds, day, sizeof day);
	add(l, _("%s of %s left today, up to %s at a time"), left, day, most);
	if (b == 0)
		l->tone = SUMMARY_WARN;
	return n;
}

int summary_storage(const struct model *m, struct summary_line *out)
{
	const struct model_retention *r = &m->retention;
	char size[32], date[32];
	int n = 0;
	const char *label = _("Storage");
	/* While the agent cannot save, that comes first. */
	if (r->last_error && *r->last_error) {
		add(line(out, &n, label, SUMMARY_WARN), _("Not saved to disk: %s"),
		    phrase_shown(r->last_error));
		label = "";
	}
	struct summary_line *l = line(out, &n, label, SUMMARY_NORMAL);

	char days[48], count[48];
	human_bytes(r->bytes, size, sizeof size);
	summary_counted(r->days, P_("day", "days", r->days), days, sizeof days);
	if (r->segments == 0 && r->bytes == 0) {
		add(l, _("Nothing stored yet; kept %s"), days);
		return n;
	}
	/* The open segments' journals are on disk too, before any segment
	 * has closed: they count. */
	if (r->segments == 0) {
		add(l, _("%s being recorded, no segment closed yet; kept %s"), size, days);
		return n;
	}
	summary_counted(r->segments, P_("segment", "segments", r->segments), count, sizeof count);
	add(l, _("%s, %s, kept %s"), count, size, days);
	if (r->oldest) {
		format_local_date(r->oldest, date, sizeof date);
		add(l, _("; oldest from %s"), date);
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

void summary_notice_parts(const struct model_notice *n,
                          struct summary_notice_part out[SUMMARY_NOTICE_PARTS])
{
	out[0] = (struct summary_notice_part){_("Purpose"), n->purpose};
	out[1] = (struct summary_notice_part){_("Retention"), n->retention};
	out[2] = (struct summary_notice_part){_("Anonymization"), n->anonymization};
	out[3] = (struct summary_notice_part){_("Model access"), n->model_access};
	out[4] = (struct summary_notice_part){_("Contact"), n->contact};
}
