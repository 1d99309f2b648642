/* Consent.changes in words, for the console's "What changed" page and
 * `capctl changes`: one line a key, then → now, for a person; and what the
 * review hold keeps back, per segment and in all. */
#define _GNU_SOURCE
#include "i18n.h"
#include "model/summary.h"
#include "text/human.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* What a level keeps, per stream, in the person's words. */
static const struct {
	const char *stream, *label;
	const char *levels[4][2]; /* level, words */
} streams[] = {
    {"pointer_motion",
     N_("pointer movement"),
     {{"off", N_("not recorded")},
      {"full", N_("every position")},
      {"reduced", N_("position, downsampled")}}},
    {"pointer_button",
     N_("clicks"),
     {{"off", N_("not recorded")},
      {"full", N_("button and position")},
      {"reduced", N_("which button only")}}},
    {"pointer_scroll",
     N_("scrolling"),
     {{"off", N_("not recorded")}, {"full", N_("direction and position")}}},
    {"keyboard",
     N_("keyboard"),
     {{"off", N_("not recorded")},
      {"full", N_("which key you press")},
      {"category", N_("the kind of key (letter, digit, ...)")},
      {"timing", N_("timing only")}}},
    {"window_focus",
     N_("window focus"),
     {{"off", N_("not recorded")},
      {"full", N_("application and window title")},
      {"app", N_("application only")}}},
};

static const char *level_words(size_t s, const char *level)
{
	for (size_t i = 0; i < 4 && streams[s].levels[i][0]; i++)
		if (strcmp(streams[s].levels[i][0], level) == 0)
			return _(streams[s].levels[i][1]);
	return level;
}

/* The stream's levels from the most kept to the least: the table lists
 * off first, then full and the lesser ones in order. */
const char *summary_level(const char *stream_id, size_t i, const char **words)
{
	for (size_t s = 0; s < ARRAY_SIZE(streams); s++) {
		char id[32];
		snprintf(id, sizeof id, "%s", streams[s].stream);
		for (char *p = id; *p; p++)
			if (*p == '_')
				*p = '.';
		if (strcmp(id, stream_id) != 0)
			continue;
		size_t n = 0;
		while (n < 4 && streams[s].levels[n][0])
			n++;
		if (i >= n)
			return NULL;
		size_t k = i + 1 < n ? i + 1 : 0; /* full .. least, then off */
		if (words)
			*words = _(streams[s].levels[k][1]);
		return streams[s].levels[k][0];
	}
	return NULL;
}

static const char *yes_no(const char *v)
{
	return strcmp(v, "true") == 0 ? _("yes") : strcmp(v, "false") == 0 ? _("no") : v;
}

/* "then → now", or "now" alone before the first acknowledgment. */
static void span(char *buf, size_t size, const char *head, const char *then, const char *now,
                 const char *unit, bool utf8)
{
	if (*then)
		snprintf(buf, size, "%s%s %s %s%s", head, then, utf8 ? "→" : "->", now, unit);
	else
		snprintf(buf, size, "%s%s%s", head, now, unit);
}

void summary_change(const struct model_change *c, bool first, bool utf8, char *buf, size_t size)
{
	const char *then = first ? "" : c->then, *now = c->now;
	char head[80];
	for (size_t s = 0; s < ARRAY_SIZE(streams); s++) {
		char key[64];
		snprintf(key, sizeof key, "streams.%s.fidelity", streams[s].stream);
		if (strcmp(c->key, key) == 0) {
			snprintf(head, sizeof head, "%s: ", _(streams[s].label));
			span(buf, size, head, *then ? level_words(s, then) : "",
			     level_words(s, now), "", utf8);
			return;
		}
	}
	if (strcmp(c->key, "streams.pointer_motion.rate_hz") == 0)
		span(buf, size, _("pointer movement, at most: "), then, now,
		     _(" positions a second"), utf8);
	else if (strcmp(c->key, "exclude_apps") == 0)
		span(buf, size, _("never recorded in: "),
		     *then || first ? then : _("no application"), *now ? now : _("no application"),
		     "", utf8);
	else if (strcmp(c->key, "retention.days") == 0)
		span(buf, size, _("kept for "), then, now, _(" days"), utf8);
	else if (strcmp(c->key, "upload.endpoint") == 0)
		span(buf, size, _("uploaded to: "), *then || first ? then : _("nowhere"),
		     *now ? now : _("nowhere"), "", utf8);
	else if (strcmp(c->key, "upload.hold_minutes") == 0)
		span(buf, size, _("yours to review before it is sent: "), then, now,
		     strcmp(now, "1") == 0 ? _(" minute") : _(" minutes"), utf8);
	else if (strcmp(c->key, "upload.delete_after_upload") == 0)
		span(buf, size, _("deleted here once uploaded: "), *then ? yes_no(then) : "",
		     yes_no(now), "", utf8);
	else if (strcmp(c->key, "policy.allow_personal_limits") == 0)
		span(buf, size, _("you may keep less than the policy allows: "),
		     *then ? yes_no(then) : "", yes_no(now), "", utf8);
	else if (strncmp(c->key, "notice.", 7) == 0)
		snprintf(buf, size, _("privacy notice, %s: %s"), c->key + 7,
		         first ? (*now ? _("as shown") : _("(empty)"))
		               : _("changed, see the notice"));
	else {
		snprintf(head, sizeof head, "%s: ", c->key);
		span(buf, size, head, then, now, "", utf8);
	}
}

/* "15:30:12" today, else "2027-01-04 15:30:12": to the second, as a
 * person checks a review window. */
static void local_second(uint64_t usec, uint64_t now, char *buf, size_t size)
{
	time_t t = (time_t)(usec / USEC_PER_SEC), n = (time_t)(now / USEC_PER_SEC);
	struct tm a, b;
	localtime_r(&t, &a);
	localtime_r(&n, &b);
	bool today = a.tm_year == b.tm_year && a.tm_yday == b.tm_yday;
	strftime(buf, size, today ? "%H:%M:%S" : "%Y-%m-%d %H:%M:%S", &a);
}

void summary_segment_fate(const struct model *m, const struct model_segment *s, uint64_t now,
                          bool brief, char *buf, size_t size)
{
	const struct model_upload *u = &m->upload;
	uint64_t leaves = s->end + (uint64_t)u->hold_seconds * USEC_PER_SEC;
	char when[40];
	if (s->uploaded)
		/* TRANSLATORS: the brief words (sent, local, open, next) are at most 8 columns */
		snprintf(buf, size, "%s", brief ? _("sent") : _("uploaded"));
	else if (!u->endpoint || !*u->endpoint)
		snprintf(buf, size, "%s", brief ? _("local") : _("local only"));
	else if (!s->end)
		snprintf(buf, size, "%s", brief ? _("open") : _("recording"));
	else if (u->hold_seconds && leaves > now) {
		local_second(leaves, now, when, sizeof when);
		snprintf(buf, size, brief ? "%s" : _("leaves at %s"), when);
	} else
		snprintf(buf, size, "%s", brief ? _("next") : _("waiting to be sent"));
}

void summary_held(const struct model *m, uint64_t now, int variant, char *buf, size_t size)
{
	const struct model_upload *u = &m->upload;
	char bytes[32], when[40] = "";
	if (!u->held_bytes || !u->endpoint || !*u->endpoint) {
		buf[0] = '\0';
		return;
	}
	human_bytes(u->held_bytes, bytes, sizeof bytes);
	if (u->next_release > now)
		local_second(u->next_release, now, when, sizeof when);
	if (variant == 0 && *when)
		snprintf(buf, size, _("Held for your review: %s; the next part leaves at %s"),
		         bytes, when);
	else if (variant == 0)
		snprintf(buf, size, _("Held for your review: %s; the next part may leave now"),
		         bytes);
	else if (*when)
		snprintf(buf, size, _("Held %s, next leaves %s"), bytes, when);
	else
		snprintf(buf, size, _("Held %s, next may leave now"), bytes);
}
