/* The Overview's "Today" and the Data view's day: the steps of the day
 * Activity gave, kept until the next answer so the strip never goes blank
 * between two; and the segment the Data view's mark is on. */
#include "model/model.h"
#include "contract.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static void day_reset(struct model_today *t)
{
	free(t->steps);
	free(t->error);
	*t = (struct model_today){0};
}

void model_today_reset(struct model *m)
{
	day_reset(&m->today);
}

void model_data_day_reset(struct model *m)
{
	day_reset(&m->data_day);
}

static unsigned day_reply(struct model *m, struct model_today *t, const struct strip_day *d,
                          uint64_t asked_to, DBusMessage *reply)
{
	struct contract_activity a;
	struct contract_fault f;
	uint64_t len = (uint64_t)d->step * 1000000;
	uint64_t asked = asked_to > d->start ? (asked_to - d->start + len - 1) / len : 0;
	enum contract_result r = contract_read_activity(
	    reply, asked > UINT32_MAX ? UINT32_MAX : (uint32_t)asked, &a, &f);
	if (r != CONTRACT_OK) {
		const char *msg = r == CONTRACT_REFUSED && !*f.message ? f.name : f.message;
		day_reset(t);
		t->error = xstrdup(msg);
		t->day = *d;
		t->known = true;
		if (r == CONTRACT_MALFORMED) {
			free(m->fault);
			m->fault = f.message;
			f.message = NULL;
		}
		contract_fault_fini(&f);
		return MODEL_DIRTY_TODAY;
	}
	day_reset(t);
	t->day = *d;
	t->steps = a.rows;
	t->n = a.n;
	t->known = true;
	return MODEL_DIRTY_TODAY;
}

unsigned model_today_reply(struct model *m, const struct strip_day *d, uint64_t asked_to,
                           DBusMessage *reply)
{
	return day_reply(m, &m->today, d, asked_to, reply);
}

unsigned model_data_day_reply(struct model *m, const struct strip_day *d, uint64_t asked_to,
                              DBusMessage *reply)
{
	return day_reply(m, &m->data_day, d, asked_to, reply) | MODEL_DIRTY_DATA;
}

/* How far segment s (still open: up to now) is from from..to: 0 when it
 * overlaps it. */
static uint64_t seg_distance(const struct model_segment *s, uint64_t from, uint64_t to,
                             uint64_t now)
{
	uint64_t end = s->end ? s->end : now > s->start ? now : s->start;
	if (s->start >= to)
		return s->start - to + 1;
	if (end <= from && !(end == s->start && end == from))
		return from - end + 1;
	return 0;
}

int64_t model_segs_at(const struct model *m, uint64_t from, uint64_t to, uint64_t now, bool *covers)
{
	int64_t best = -1;
	uint64_t best_d = 0, best_start = 0;
	for (size_t i = 0; i < PAGES_SLOTS; i++) {
		const struct pages_page *pg = &m->segs.page[i];
		if (!pg->used || !pg->loaded)
			continue;
		for (size_t k = 0; k < pg->n; k++) {
			const struct model_segment *s =
			    &((const struct model_segment *)pg->rows)[k];
			int64_t idx = (int64_t)(pg->number * m->segs.page_size + k);
			uint64_t d = seg_distance(s, from, to, now);
			/* The nearest; of those, the earliest; then the newest row. */
			if (best < 0 || d < best_d || (d == best_d && s->start < best_start) ||
			    (d == best_d && s->start == best_start && idx < best)) {
				best = idx;
				best_d = d;
				best_start = s->start;
			}
		}
	}
	*covers = best >= 0 && best_d == 0;
	return best;
}
