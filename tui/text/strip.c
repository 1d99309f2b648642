/* The "Today" strip: steps to cells, cells to glyphs. Nothing here draws
 * or asks the agent; see strip.h. */
#include "text/strip.h"
#include "i18n.h"

#include <string.h>
#include <time.h>

#define N_STATES (CONTRACT_STATE_OFF + 1)
#define LEVELS 4

/* Which state a merged cell shows when two hold as many of its steps. */
static const enum contract_state tie_order[N_STATES] = {
    CONTRACT_STATE_PAUSED,     CONTRACT_STATE_EXEMPT, CONTRACT_STATE_SUSPENDED,
    CONTRACT_STATE_COLLECTING, CONTRACT_STATE_IDLE,   CONTRACT_STATE_OFF,
};

static enum strip_kind kind_of(enum contract_state s)
{
	switch (s) {
	case CONTRACT_STATE_COLLECTING:
		return STRIP_KEPT;
	case CONTRACT_STATE_PAUSED:
		return STRIP_PAUSED;
	case CONTRACT_STATE_EXEMPT:
		return STRIP_EXEMPT;
	case CONTRACT_STATE_SUSPENDED:
		return STRIP_SUSPENDED;
	case CONTRACT_STATE_IDLE:
		return STRIP_IDLE;
	case CONTRACT_STATE_OFF:
		break;
	}
	return STRIP_BLANK;
}

static uint64_t step_total(const struct contract_step *s)
{
	uint64_t t = 0;
	for (size_t i = 0; i < N_STREAMS; i++)
		t += s->events[i];
	return t;
}

/* The state most of a cell's steps had: tally holds one count a state. */
static struct strip_cell cell_of(const uint16_t *tally)
{
	size_t best = N_STATES;
	for (size_t i = 0; i < N_STATES; i++) {
		enum contract_state s = tie_order[i];
		if (tally[s] && (best == N_STATES || tally[s] > tally[tie_order[best]]))
			best = i;
	}
	return (struct strip_cell){best == N_STATES ? STRIP_BLANK : kind_of(tie_order[best]), 0};
}

size_t strip_per_cell(const struct strip_day *d, size_t width)
{
	if (width < STRIP_MIN_WIDTH || d->step == 0 || d->step > d->length)
		return 0;
	uint64_t nsteps = ((uint64_t)d->length + d->step - 1) / d->step;
	if (nsteps > STRIP_MAX_CELLS)
		return 0;
	/* As few steps a cell as fit; a few more if that many divide the day
	 * evenly, so the hours fall on the edges of cells. */
	size_t least = (size_t)((nsteps + width - 1) / width), per = least;
	while (nsteps % per && per < 2 * least)
		per++;
	if (nsteps % per)
		per = least;
	return per;
}

size_t strip_cells(const struct strip_day *d, const struct contract_step *steps, size_t n,
                   uint64_t now, size_t width, struct strip_cell *out)
{
	uint16_t tally[STRIP_MAX_CELLS][N_STATES];
	uint64_t sum[STRIP_MAX_CELLS], most = 0;
	size_t per = strip_per_cell(d, width);
	if (!per)
		return 0;
	uint64_t nsteps = ((uint64_t)d->length + d->step - 1) / d->step;
	size_t cells = (size_t)((nsteps + per - 1) / per);
	uint64_t step = (uint64_t)d->step * 1000000, length = (uint64_t)d->length * 1000000;
	memset(tally, 0, sizeof tally[0] * cells);
	memset(sum, 0, sizeof sum[0] * cells);
	for (size_t i = 0; i < n; i++) {
		if (steps[i].start < d->start || (unsigned)steps[i].state >= N_STATES)
			continue;
		uint64_t k = (steps[i].start - d->start) / step;
		if (k >= nsteps)
			continue;
		size_t c = (size_t)k / per;
		tally[c][steps[i].state]++;
		sum[c] += step_total(&steps[i]);
	}
	for (size_t c = 0; c < cells; c++) {
		out[c] = cell_of(tally[c]);
		if (out[c].kind == STRIP_KEPT && sum[c] > most)
			most = sum[c];
	}
	for (size_t c = 0; c < cells; c++)
		if (out[c].kind == STRIP_KEPT && sum[c])
			out[c].level = (unsigned)((LEVELS * sum[c] + most - 1) / most);
	if (now >= d->start && now - d->start < length) {
		size_t c = (size_t)((now - d->start) / step) / per;
		out[c] = (struct strip_cell){STRIP_NOW, 0};
		for (c++; c < cells; c++)
			out[c] = (struct strip_cell){STRIP_BLANK, 0};
	}
	return cells;
}

const char *strip_glyph(const struct strip_cell *c, bool utf8)
{
	static const char *const shade_utf8[LEVELS + 1] = {" ", "░", "▒", "▓", "█"};
	static const char *const shade_ascii[LEVELS + 1] = {" ", ".", ":", "=", "#"};
	switch (c->kind) {
	case STRIP_KEPT:
		return (utf8 ? shade_utf8 : shade_ascii)[c->level > LEVELS ? LEVELS : c->level];
	case STRIP_IDLE:
		return utf8 ? "·" : "-";
	case STRIP_PAUSED:
		return "P";
	case STRIP_EXEMPT:
		return "X";
	case STRIP_SUSPENDED:
		return "S";
	case STRIP_NOW:
		return utf8 ? "│" : "|";
	case STRIP_BLANK:
		break;
	}
	return " ";
}

void strip_text(const struct strip_cell *c, size_t n, bool utf8, char *buf, size_t size)
{
	size_t len = 0;
	if (size == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *g = strip_glyph(&c[i], utf8);
		size_t gl = strlen(g);
		if (len + gl >= size)
			break;
		memcpy(buf + len, g, gl + 1);
		len += gl;
	}
}

void strip_hours(size_t n, char *buf, size_t size)
{
	static const char *const label[] = {"00", "06", "12", "18", "24"};
	if (size == 0)
		return;
	size_t len = n < size - 1 ? n : size - 1;
	memset(buf, ' ', len);
	buf[len] = '\0';
	if (n < STRIP_MIN_WIDTH || len < n)
		return;
	for (size_t q = 0; q < 5; q++) {
		size_t at = q == 4 ? n - 2 : q * n / 4;
		memcpy(buf + at, label[q], 2);
	}
}

const char *strip_legend(bool utf8)
{
	/* TRANSLATORS: the legend under the Overview's Today strip, at most 68
	   columns; the glyphs and the letters P, X, S are those drawn in the
	   strip and stay as they are. */
	return utf8 ? _("░▒▓█ kept  P paused  X exempt  S suspended  · idle  │ now")
	            : _(".:=# kept  P paused  X exempt  S suspended  - idle  | now");
}

/* Local midnight at or before t, by the calendar, so a day the clocks
 * change on is 23 or 25 hours long. */
static time_t midnight(time_t t, int days)
{
	struct tm tm;
	localtime_r(&t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday += days;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

void strip_today(uint64_t now, uint32_t step, struct strip_day *d)
{
	time_t t = (time_t)(now / 1000000);
	time_t start = midnight(t, 0), end = midnight(t, 1);
	if (start == (time_t)-1 || end <= start || start > t) {
		/* No calendar for it: the UTC day. */
		start = t - t % 86400;
		end = start + 86400;
	}
	*d = (struct strip_day){(uint64_t)start * 1000000, (uint32_t)(end - start), step};
}
