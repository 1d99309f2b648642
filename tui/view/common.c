/* What the views share: wrapped paragraphs, the "waiting" text, the
 * position in a list, a History entry's time. */
#include "i18n.h"
#include "text/human.h"
#include "text/safe.h"
#include "text/text.h"
#include "util.h"
#include "view/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void view_history_time(uint64_t usec, uint64_t now, bool wide, char *buf, size_t size)
{
	time_t t = (time_t)(usec / USEC_PER_SEC);
	struct tm tm;
	localtime_r(&t, &tm);
	if (wide)
		strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
	else if (local_day(usec) == local_day(now))
		strftime(buf, size, "%H:%M:%S", &tm);
	else
		strftime(buf, size, "%m-%d %H:%M", &tm);
}

int view_paragraph(WINDOW *w, const struct theme *t, int y, int x, int cols, int h, int skip,
                   attr_t attr, const char *s)
{
	struct text_line *lines;
	if (cols < 1)
		return 0;
	/* Wrapped as it is shown: what the sanitizer writes out takes room. */
	char *safe = safe_str(s, SAFE_NEWLINE);
	s = safe;
	size_t n = text_wrap(s, strlen(s), cols, &lines);
	for (int i = 0; i < h; i++) {
		size_t l = (size_t)(skip + i);
		if (skip + i < 0 || l >= n)
			continue;
		char *part = xmalloc(lines[l].len + 1);
		memcpy(part, s + lines[l].start, lines[l].len);
		part[lines[l].len] = '\0';
		widget_text(w, t, y + i, x, cols, attr, part);
		free(part);
	}
	free(lines);
	free(safe);
	return (int)n;
}

void view_waiting(WINDOW *w, const struct model *m, struct ui *ui, struct rect r)
{
	const char *text = m->link == MODEL_LINK_LIVE
	                       ? _("Waiting for the agent's answer.")
	                       : _("Not available: the agent is not reachable.");
	view_paragraph(w, &ui->theme, r.y + (r.h >= 4), r.x + 1, r.w - 2, r.h, 0,
	               theme_attr(&ui->theme, THEME_DIM), text);
}

int view_position(WINDOW *w, const struct theme *t, int y, struct rect r, uint64_t top, int rows,
                  uint64_t total)
{
	char a[32], b[32], c[32], pos[112];
	uint64_t last = top + (uint64_t)(rows > 0 ? rows : 0);
	if (last > total)
		last = total;
	human_count(top + 1, a, sizeof a);
	human_count(last, b, sizeof b);
	human_count(total, c, sizeof c);
	snprintf(pos, sizeof pos, _("%s-%s of %s "), a, b, c);
	return widget_text_right(w, t, y, r.x + r.w / 2, r.w - r.w / 2,
	                         theme_attr(t, THEME_PANEL_HEADER), pos);
}

const char *view_word(const char *value)
{
	/* TRANSLATORS: an exemption's status (at most 9 columns), then the
	   recording state as the Live view's heading says it. */
	static const char *const words[][2] = {
	    {"pending", N_("pending")},     {"approved", N_("approved")},
	    {"denied", N_("denied")},       {"withdrawn", N_("withdrawn")},
	    {"expired", N_("expired")},     {"collecting", N_("collecting")},
	    {"paused", N_("paused")},       {"exempt", N_("exempt")},
	    {"suspended", N_("suspended")}, {"idle", N_("idle")},
	};
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strcmp(value, words[i][0]) == 0)
			return _(words[i][1]);
	return value;
}
