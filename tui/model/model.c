/* The model takes only what the decoder (contract.h) has checked: a
 * property of the wrong shape is forgotten, shown as unknown, while the
 * others keep their last good values, since anything on the bus may
 * claim the agent's name on a misconfigured bus. */
#include "model/model.h"
#include "contract.h"
#include "names.h"
#include "util.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum model_prop model_prop_by_name(const char *name)
{
	enum contract_prop p = contract_prop_by_name(name);
	return p < (enum contract_prop)N_MODEL_PROPS ? (enum model_prop)p : N_MODEL_PROPS;
}

const char *model_prop_name(enum model_prop p)
{
	return p < N_MODEL_PROPS ? contract_prop_name((enum contract_prop)p) : "";
}

static void set_str(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v ? v : "");
}

static bool str_changed(const char *old, const char *v)
{
	return !old || strcmp(old, v) != 0;
}

/* ---- lifecycle ---- */

static void streams_free(struct model_stream *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].id);
		free(s[i].fidelity);
		free(s[i].description);
	}
	free(s);
}

static void exemptions_free(struct model_exemption *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].id);
		free(e[i].scope);
		free(e[i].category);
		free(e[i].status);
		free(e[i].reason);
		free(e[i].note);
	}
	free(e);
}

static void hist_row_free(void *row)
{
	struct model_hist_entry *e = row;
	free(e->action);
	free(e->detail);
}

static void seg_row_free(void *row)
{
	free(((struct model_segment *)row)->stream);
}

static void event_free(void *row)
{
	struct model_event *e = row;
	free(e->stream);
	free(e->kind);
	free(e->text);
}

static void spark_clear(struct model_spark *s)
{
	memset(s, 0, sizeof *s);
}

static void upload_clear(struct model_upload *u)
{
	free(u->endpoint);
	free(u->deferred);
	free(u->last_error);
	*u = (struct model_upload){0};
}

static void notice_clear(struct model_notice *n)
{
	free(n->purpose);
	free(n->retention);
	free(n->anonymization);
	free(n->model_access);
	free(n->contact);
	free(n->version);
	*n = (struct model_notice){0};
}

static void retention_clear(struct model_retention *r)
{
	free(r->last_error);
	*r = (struct model_retention){0};
}

static void props_clear(struct model *m)
{
	free(m->version);
	free(m->state);
	free(m->state_reason);
	streams_free(m->streams, m->n_streams);
	exemptions_free(m->ex, m->n_ex);
	upload_clear(&m->upload);
	notice_clear(&m->notice);
	model_consent_clear(m);
	model_set_limits(m, NULL, 0);
	m->version = m->state = m->state_reason = NULL;
	m->streams = NULL;
	m->n_streams = 0;
	m->ex = NULL;
	m->n_ex = 0;
	m->power = (struct model_power){.battery_percent = -1, .measured_mw = -1};
	retention_clear(&m->retention);
	m->paused_until = 0;
	m->max_pause_seconds = m->budget_seconds = m->budget_left = 0;
	m->budget_left_at = 0;
	m->loaded = 0;
	free(m->refusal);
	m->refusal = NULL;
	spark_clear(&m->power_mw);
}

/* Everything fetched apart from the properties. */
static void lists_clear(struct model *m)
{
	pages_reset(&m->hist);
	pages_reset(&m->segs);
	pages_reset(&m->segev);
	m->segev_id = 0;
	model_recent_reset(m);
	model_today_reset(m);
	model_data_day_reset(m);
}

void model_init(struct model *m)
{
	memset(m, 0, sizeof *m);
	m->link = MODEL_LINK_CONNECTING;
	m->power.battery_percent = -1;
	m->power.measured_mw = -1;
	for (size_t i = 0; i < N_STREAMS; i++)
		model_tally_init(&m->stream_rate[i], MODEL_RATE_USEC);
	model_tally_init(&m->uploaded, MODEL_UPLOAD_USEC);
	pages_init(&m->hist, MODEL_HIST_PAGE_SIZE, sizeof(struct model_hist_entry), hist_row_free);
	pages_init(&m->segs, MODEL_SEGS_PAGE_SIZE, sizeof(struct model_segment), seg_row_free);
	pages_init(&m->segev, MODEL_SEGEV_PAGE_SIZE, sizeof(struct model_event), event_free);
}

void model_fini(struct model *m)
{
	props_clear(m);
	lists_clear(m);
	free(m->owner);
	free(m->fault);
	m->owner = m->fault = NULL;
}

static void tallies_gap(struct model *m)
{
	for (size_t i = 0; i < N_STREAMS; i++)
		model_tally_gap(&m->stream_rate[i]);
	model_tally_gap(&m->uploaded);
}

unsigned model_set_link(struct model *m, enum model_link link, const char *owner)
{
	bool same_owner = m->owner && owner && strcmp(m->owner, owner) == 0;
	if (link == m->link && (link != MODEL_LINK_LIVE || same_owner))
		return 0;
	free(m->owner);
	m->owner = owner ? xstrdup(owner) : NULL;
	/* A new owner is a new agent (or a restarted one): nothing heard from
	 * the old one is known to hold. */
	props_clear(m);
	lists_clear(m);
	tallies_gap(m);
	m->link = link;
	return MODEL_DIRTY_LINK | MODEL_DIRTY_STATE | MODEL_DIRTY_COUNTERS |
	       MODEL_DIRTY_EXEMPTIONS | MODEL_DIRTY_NOTICE | MODEL_DIRTY_HISTORY |
	       MODEL_DIRTY_DATA | MODEL_DIRTY_LIVE;
}

/* ---- properties, as the decoder read them ---- */

/* The model's properties are the contract's first ones, in its order. */
_Static_assert((int)MODEL_PROP_VERSION == (int)CONTRACT_PROP_VERSION &&
                   (int)MODEL_PROP_STREAMS == (int)CONTRACT_PROP_STREAMS &&
                   (int)N_MODEL_PROPS == (int)CONTRACT_PROP_CONSENT + 1,
               "model_prop follows contract_prop");

/* The setters return the dirty bits, 0 when nothing changed. */
static unsigned set_string_prop(char **field, const char *v)
{
	if (!str_changed(*field, v))
		return 0;
	set_str(field, v);
	return MODEL_DIRTY_STATE;
}

static unsigned set_u32(uint32_t *field, uint32_t v)
{
	if (v == *field)
		return 0;
	*field = v;
	return MODEL_DIRTY_STATE;
}

static unsigned set_streams(struct model *m, const struct contract_props *p, uint64_t now)
{
	size_t n = p->n_streams;
	struct model_stream *s = xcalloc(n, sizeof *s);
	unsigned dirty = MODEL_DIRTY_COUNTERS;
	for (size_t i = 0; i < n; i++) {
		const struct contract_stream *c = &p->streams[i];
		s[i] = (struct model_stream){xstrdup(contract_stream_name(c->stream)),
		                             xstrdup(c->fidelity),
		                             xstrdup(c->description),
		                             c->recording,
		                             c->events,
		                             c->bytes,
		                             c->stream};
		if ((unsigned)c->stream < N_STREAMS)
			model_tally_count(&m->stream_rate[c->stream], now, c->events);
	}
	/* Whether a stream records, and what it keeps, is state: shown at
	 * once, not at the next counter refresh. */
	if (n != m->n_streams) {
		dirty |= MODEL_DIRTY_STATE;
	} else {
		for (size_t i = 0; i < n; i++)
			if (s[i].recording != m->streams[i].recording ||
			    strcmp(s[i].id, m->streams[i].id) != 0 ||
			    strcmp(s[i].fidelity, m->streams[i].fidelity) != 0 ||
			    strcmp(s[i].description, m->streams[i].description) != 0)
				dirty |= MODEL_DIRTY_STATE;
	}
	streams_free(m->streams, m->n_streams);
	m->streams = s;
	m->n_streams = n;
	return dirty;
}

static unsigned set_exemptions(struct model *m, const struct contract_props *p)
{
	size_t n = p->n_exemptions;
	struct model_exemption *e = xcalloc(n, sizeof *e);
	for (size_t i = 0; i < n; i++) {
		const struct contract_exemption *c = &p->exemptions[i];
		e[i] = (struct model_exemption){
		    xstrdup(c->id),       xstrdup(c->scope),
		    xstrdup(c->category), xstrdup(contract_status_name(c->status)),
		    xstrdup(c->reason),   xstrdup(c->note),
		    c->created,           c->expires};
	}
	exemptions_free(m->ex, m->n_ex);
	m->ex = e;
	m->n_ex = n;
	return MODEL_DIRTY_EXEMPTIONS;
}

static unsigned set_upload(struct model *m, const struct contract_upload *c, uint64_t now)
{
	struct model_upload *u = &m->upload;
	uint64_t last = u->last_upload;
	bool had = m->loaded & (1u << MODEL_PROP_UPLOAD);
	unsigned dirty = MODEL_DIRTY_COUNTERS;
	set_str(&u->endpoint, c->endpoint);
	set_str(&u->deferred, c->deferred);
	set_str(&u->last_error, c->last_error);
	u->bytes_today = c->bytes_today;
	u->bytes_total = c->bytes_total;
	u->daily_cap = c->daily_cap;
	u->pending_bytes = c->pending_bytes;
	u->next_upload = c->next_upload;
	u->last_upload = c->last_upload;
	u->rate_bps = c->rate_bps;
	u->compression_ratio = c->compression_ratio;
	u->held_bytes = c->held_bytes;
	u->next_release = c->next_release;
	u->hold_seconds = c->hold_seconds;
	/* An upload marks segments uploaded: the Data view's lists say so. */
	if (had && u->last_upload != last)
		dirty |= MODEL_DIRTY_SPOOL;
	if (*u->endpoint)
		model_tally_count(&m->uploaded, now, u->bytes_total);
	return dirty;
}

static unsigned set_power(struct model *m, const struct contract_power *c, uint64_t now)
{
	struct model_power old = m->power;
	m->power = (struct model_power){
	    .on_battery = c->on_battery,
	    .saver = c->saver,
	    .battery_percent = c->battery_percent,
	    .cpu_seconds = c->cpu_seconds,
	    .cpu_percent = c->cpu_percent,
	    .wakeups_per_second = c->wakeups_per_second,
	    .estimated_mw = c->estimated_mw,
	    /* There only while the agent can measure it. */
	    .measured_mw = contract_key_present(CONTRACT_PROP_POWER, c->has,
	                                        offsetof(struct contract_power, measured_mw))
	                       ? c->measured_mw
	                       : -1,
	};
	model_spark_add(&m->power_mw, now, m->power.estimated_mw);
	/* The battery saver and the mains are state, shown at once. */
	if (old.saver != m->power.saver || old.on_battery != m->power.on_battery)
		return MODEL_DIRTY_COUNTERS | MODEL_DIRTY_STATE;
	return MODEL_DIRTY_COUNTERS;
}

static unsigned set_retention(struct model *m, const struct contract_retention *c)
{
	struct model_retention old = m->retention;
	bool had = m->loaded & (1u << MODEL_PROP_RETENTION);
	unsigned dirty = MODEL_DIRTY_COUNTERS;
	char *error = m->retention.last_error;
	m->retention = (struct model_retention){c->days,   c->segments,         c->bytes,
	                                        c->oldest, c->deletion_allowed, error};
	/* A storage failure begun or ended is news for the banner. */
	if (strcmp(error ? error : "", c->last_error ? c->last_error : "") != 0) {
		set_str(&m->retention.last_error, c->last_error);
		dirty |= MODEL_DIRTY_STATE;
	}
	/* A segment closed, expired or was deleted, or data was forgotten
	 * (fewer bytes; journals only ever grow until their segment
	 * closes, which also changes the count). */
	if (had && (old.segments != m->retention.segments || old.oldest != m->retention.oldest ||
	            m->retention.bytes < old.bytes))
		dirty |= MODEL_DIRTY_SPOOL;
	return dirty;
}

static unsigned set_notice(struct model *m, const struct contract_notice *c)
{
	struct model_notice *n = &m->notice;
	set_str(&n->purpose, c->purpose);
	set_str(&n->retention, c->retention);
	set_str(&n->anonymization, c->anonymization);
	set_str(&n->model_access, c->model_access);
	set_str(&n->contact, c->contact);
	set_str(&n->version, c->version);
	return MODEL_DIRTY_NOTICE;
}

static unsigned set_prop(struct model *m, enum model_prop which, const struct contract_props *p,
                         uint64_t now)
{
	unsigned r;
	switch (which) {
	case MODEL_PROP_VERSION:
		return set_string_prop(&m->version, p->version);
	case MODEL_PROP_STATE:
		return set_string_prop(&m->state, contract_state_name(p->state));
	case MODEL_PROP_STATE_REASON:
		return set_string_prop(&m->state_reason, p->state_reason);
	case MODEL_PROP_PAUSED_UNTIL:
		r = p->paused_until != m->paused_until ? MODEL_DIRTY_STATE : 0;
		m->paused_until = p->paused_until;
		return r;
	case MODEL_PROP_MAX_PAUSE:
		return set_u32(&m->max_pause_seconds, p->max_pause_seconds);
	case MODEL_PROP_BUDGET:
		return set_u32(&m->budget_seconds, p->pause_budget_seconds);
	case MODEL_PROP_BUDGET_LEFT:
		m->budget_left = p->pause_budget_left;
		/* A re-sent value restarts the countdown even if equal. */
		m->budget_left_at = now;
		return MODEL_DIRTY_STATE;
	case MODEL_PROP_STREAMS:
		return set_streams(m, p, now);
	case MODEL_PROP_EXEMPTIONS:
		return set_exemptions(m, p);
	case MODEL_PROP_UPLOAD:
		return set_upload(m, &p->upload, now);
	case MODEL_PROP_POWER:
		return set_power(m, &p->power, now);
	case MODEL_PROP_RETENTION:
		return set_retention(m, &p->retention);
	case MODEL_PROP_NOTICE:
		return set_notice(m, &p->notice);
	case MODEL_PROP_PERSONAL_LIMITS:
		return model_set_limits(m, p->limits, p->n_limits);
	case MODEL_PROP_CONSENT:
		return model_set_consent(m, &p->consent);
	case N_MODEL_PROPS:
		break;
	}
	return 0;
}

/* A property that came in the wrong shape is not known any more: its
 * last value is not shown as if it held. */
static unsigned forget_prop(struct model *m, enum model_prop which)
{
	unsigned dirty = MODEL_DIRTY_STATE;
	switch (which) {
	case MODEL_PROP_VERSION:
		free(m->version);
		m->version = NULL;
		break;
	case MODEL_PROP_STATE:
		/* The word itself, so the badge says so. */
		set_str(&m->state, "unknown");
		break;
	case MODEL_PROP_STATE_REASON:
		free(m->state_reason);
		m->state_reason = NULL;
		break;
	case MODEL_PROP_PAUSED_UNTIL:
		m->paused_until = 0;
		break;
	case MODEL_PROP_MAX_PAUSE:
		m->max_pause_seconds = 0;
		break;
	case MODEL_PROP_BUDGET:
		m->budget_seconds = 0;
		break;
	case MODEL_PROP_BUDGET_LEFT:
		m->budget_left = 0;
		m->budget_left_at = 0;
		break;
	case MODEL_PROP_STREAMS:
		streams_free(m->streams, m->n_streams);
		m->streams = NULL;
		m->n_streams = 0;
		dirty |= MODEL_DIRTY_COUNTERS;
		break;
	case MODEL_PROP_EXEMPTIONS:
		exemptions_free(m->ex, m->n_ex);
		m->ex = NULL;
		m->n_ex = 0;
		dirty |= MODEL_DIRTY_EXEMPTIONS;
		break;
	case MODEL_PROP_UPLOAD:
		upload_clear(&m->upload);
		dirty |= MODEL_DIRTY_COUNTERS;
		break;
	case MODEL_PROP_POWER:
		m->power = (struct model_power){.battery_percent = -1, .measured_mw = -1};
		dirty |= MODEL_DIRTY_COUNTERS;
		break;
	case MODEL_PROP_RETENTION:
		retention_clear(&m->retention);
		dirty |= MODEL_DIRTY_COUNTERS;
		break;
	case MODEL_PROP_NOTICE:
		notice_clear(&m->notice);
		dirty |= MODEL_DIRTY_NOTICE;
		break;
	case MODEL_PROP_PERSONAL_LIMITS:
		model_set_limits(m, NULL, 0);
		dirty |= MODEL_DIRTY_CONSENT;
		break;
	case MODEL_PROP_CONSENT:
		model_consent_clear(m);
		dirty |= MODEL_DIRTY_CONSENT;
		break;
	case N_MODEL_PROPS:
		break;
	}
	m->loaded &= ~(1u << which);
	return dirty;
}

unsigned model_update(struct model *m, const struct contract_props *p, uint64_t now)
{
	unsigned dirty = 0;
	for (int i = 0; i < N_MODEL_PROPS; i++) {
		uint32_t bit = 1u << i;
		if (p->has & bit) {
			dirty |= set_prop(m, (enum model_prop)i, p, now);
			/* The first value heard changes what the views can
			 * show at all. */
			if (!(m->loaded & bit))
				dirty |= MODEL_DIRTY_STATE;
			m->loaded |= bit;
		} else if (p->bad & bit) {
			dirty |= forget_prop(m, (enum model_prop)i);
		}
	}
	return dirty;
}

/* Keeps the decoder's sentence (taken from f) for the status line. */
static void set_fault(struct model *m, struct contract_fault *f)
{
	free(m->fault);
	m->fault = f->message;
	f->message = NULL;
}

char *model_take_fault(struct model *m)
{
	char *s = m->fault;
	m->fault = NULL;
	return s;
}

unsigned model_set_refusal(struct model *m, const char *msg)
{
	if ((!msg && !m->refusal) || (msg && m->refusal && strcmp(msg, m->refusal) == 0))
		return 0;
	free(m->refusal);
	m->refusal = msg ? xstrdup(msg) : NULL;
	return MODEL_DIRTY_STATE;
}

unsigned model_get_all_reply(struct model *m, DBusMessage *reply, uint64_t now)
{
	struct contract_props p;
	struct contract_fault f;
	unsigned dirty;
	enum contract_result r = contract_read_get_all(reply, &p, &f);
	if (r == CONTRACT_REFUSED) {
		/* Say why instead of waiting forever: typically AccessDenied,
		 * for someone the policy does not let see the agent. */
		char *why = xasprintf("%s%s%s", f.message, *f.message ? " " : "", f.name);
		dirty = model_set_refusal(m, why);
		free(why);
	} else {
		if (r == CONTRACT_MALFORMED)
			set_fault(m, &f);
		dirty = model_update(m, &p, now) | model_set_refusal(m, NULL);
	}
	contract_props_fini(&p);
	contract_fault_fini(&f);
	return dirty;
}

unsigned model_get_reply(struct model *m, enum model_prop prop, DBusMessage *reply, uint64_t now)
{
	struct contract_props p;
	struct contract_fault f;
	unsigned dirty = 0;
	enum contract_result r = contract_read_get(reply, (enum contract_prop)prop, &p, &f);
	/* A refusal of one property changes nothing: GetAll says why. */
	if (r != CONTRACT_REFUSED) {
		if (r == CONTRACT_MALFORMED) {
			set_fault(m, &f);
			p.bad |= 1u << prop;
		}
		dirty = model_update(m, &p, now);
	}
	contract_props_fini(&p);
	contract_fault_fini(&f);
	return dirty;
}

unsigned model_changed(struct model *m, DBusMessage *sig, uint64_t now, uint32_t *invalidated)
{
	struct contract_changed c;
	struct contract_fault f;
	*invalidated = 0;
	if (!dbus_message_is_signal(sig, DBUS_PROPS_IFACE, "PropertiesChanged"))
		return 0;
	if (contract_read_changed(sig, &c, &f) == CONTRACT_MALFORMED)
		set_fault(m, &f);
	unsigned dirty = model_update(m, &c.props, now);
	*invalidated = c.invalidated & MODEL_ALL_PROPS;
	contract_changed_fini(&c);
	contract_fault_fini(&f);
	return dirty;
}

/* ---- derived figures ---- */

enum model_state model_state(const struct model *m)
{
	static const char *const words[] = {"collecting", "paused", "exempt", "suspended", "idle"};
	if (m->link != MODEL_LINK_LIVE || !m->state)
		return MODEL_STATE_UNKNOWN;
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strcmp(m->state, words[i]) == 0)
			return (enum model_state)(MODEL_STATE_COLLECTING + (int)i);
	return MODEL_STATE_UNKNOWN;
}

uint64_t model_pause_left(const struct model *m, uint64_t now)
{
	if (!m->paused_until || m->paused_until <= now)
		return 0;
	return (m->paused_until - now + USEC_PER_SEC - 1) / USEC_PER_SEC;
}

uint32_t model_budget_left(const struct model *m, uint64_t now)
{
	if (m->budget_seconds == 0 || !m->paused_until || now <= m->budget_left_at)
		return m->budget_left;
	uint64_t end = now < m->paused_until ? now : m->paused_until;
	if (end <= m->budget_left_at)
		return m->budget_left;
	uint64_t used = (end - m->budget_left_at) / USEC_PER_SEC;
	return used >= m->budget_left ? 0 : m->budget_left - (uint32_t)used;
}

uint32_t model_pause_limit(const struct model *m, uint64_t now)
{
	uint32_t limit = m->max_pause_seconds;
	if (m->budget_seconds) {
		uint32_t left = model_budget_left(m, now);
		if (left < limit)
			limit = left;
	}
	return limit;
}

uint32_t model_default_pause(const struct model *m, uint32_t minutes, uint64_t now)
{
	uint32_t want = minutes * 60;
	/* Before the limits are heard, ask for the configured time and let
	 * the agent say no. */
	if (!(m->loaded & (1u << MODEL_PROP_MAX_PAUSE)))
		return want;
	if (m->max_pause_seconds && want > m->max_pause_seconds)
		want = m->max_pause_seconds;
	/* With the budget used up, ask anyway: the agent's refusal says so
	 * in its own words (PauseBudgetExhausted). */
	uint32_t left = model_budget_left(m, now);
	if (m->budget_seconds && left > 0 && want > left)
		want = left;
	return want;
}

long model_exemption_find(const struct model *m, const char *id)
{
	for (size_t i = 0; i < m->n_ex; i++)
		if (strcmp(m->ex[i].id, id) == 0)
			return (long)i;
	return -1;
}

/* ---- lists paged from the agent ---- */

/* A page the agent refused (its message, else its name) or sent in a
 * shape the contract does not have (the decoder's sentence, also kept
 * for the status line). */
static unsigned page_fail(struct model *m, struct pages *p, uint64_t page, unsigned gen,
                          enum contract_result r, struct contract_fault *f, unsigned dirty)
{
	const char *msg = r == CONTRACT_REFUSED && !*f->message ? f->name : f->message;
	bool fresh = pages_fail(p, page, gen, msg);
	if (fresh && r == CONTRACT_MALFORMED)
		set_fault(m, f);
	contract_fault_fini(f);
	return fresh ? dirty : 0;
}

const struct model_hist_entry *model_hist_entry(const struct model *m, uint64_t i)
{
	return pages_row(&m->hist, i);
}

size_t model_hist_want(struct model *m, uint64_t first, uint64_t count, uint64_t *pages, size_t max)
{
	return pages_want(&m->hist, first, count, pages, max);
}

unsigned model_hist_reply(struct model *m, uint64_t page, unsigned gen, DBusMessage *reply,
                          int64_t *shift)
{
	struct contract_history h;
	struct contract_fault f;
	*shift = 0;
	enum contract_result r = contract_read_history(reply, MODEL_HIST_PAGE_SIZE, &h, &f);
	if (r != CONTRACT_OK)
		return page_fail(m, &m->hist, page, gen, r, &f, MODEL_DIRTY_HISTORY);
	struct model_hist_entry *rows = xcalloc(h.n, sizeof *rows);
	for (size_t i = 0; i < h.n; i++) {
		struct contract_history_entry *e = &h.rows[i];
		rows[i] = (struct model_hist_entry){e->time, e->action, e->detail, e->uid};
		e->action = e->detail = NULL; /* the rows' now */
	}
	size_t n = h.n;
	uint64_t total = h.total;
	contract_history_fini(&h);
	return pages_fill(&m->hist, page, gen, total, rows, n, shift) ? MODEL_DIRTY_HISTORY : 0;
}

void model_hist_refresh(struct model *m)
{
	pages_refresh(&m->hist);
}

void model_hist_reset(struct model *m)
{
	pages_reset(&m->hist);
}

const struct model_segment *model_segs_entry(const struct model *m, uint64_t i)
{
	return pages_row(&m->segs, i);
}

size_t model_segs_want(struct model *m, uint64_t first, uint64_t count, uint64_t *pages, size_t max)
{
	return pages_want(&m->segs, first, count, pages, max);
}

unsigned model_segs_reply(struct model *m, uint64_t page, unsigned gen, DBusMessage *reply,
                          int64_t *shift)
{
	struct contract_segments s;
	struct contract_fault f;
	*shift = 0;
	enum contract_result r = contract_read_segments(reply, MODEL_SEGS_PAGE_SIZE, &s, &f);
	if (r != CONTRACT_OK)
		return page_fail(m, &m->segs, page, gen, r, &f, MODEL_DIRTY_DATA);
	struct model_segment *rows = xcalloc(s.n, sizeof *rows);
	for (size_t i = 0; i < s.n; i++) {
		const struct contract_segment *c = &s.rows[i];
		rows[i] = (struct model_segment){
		    .id = c->id,
		    .start = c->start,
		    .end = c->end,
		    .bytes = c->bytes,
		    .expires = c->expires,
		    .events = c->events,
		    .stream = xstrdup(contract_stream_name(c->stream)),
		    .uploaded = c->uploaded,
		};
	}
	size_t n = s.n;
	uint64_t total = s.total;
	contract_segments_fini(&s);
	return pages_fill(&m->segs, page, gen, total, rows, n, shift) ? MODEL_DIRTY_DATA : 0;
}

int64_t model_segs_find(const struct model *m, uint64_t id)
{
	for (size_t i = 0; i < PAGES_SLOTS; i++) {
		const struct pages_page *pg = &m->segs.page[i];
		if (!pg->used || !pg->loaded)
			continue;
		for (size_t k = 0; k < pg->n; k++)
			if (((const struct model_segment *)pg->rows)[k].id == id)
				return (int64_t)(pg->number * m->segs.page_size + k);
	}
	return -1;
}

/* The decoder's events as the model's; the texts are taken from e. The
 * stream is named only where the agent named it (RecentEvents). */
static struct model_event *events_take(struct contract_events *e)
{
	struct model_event *rows = xcalloc(e->n, sizeof *rows);
	for (size_t i = 0; i < e->n; i++) {
		struct contract_event *c = &e->rows[i];
		rows[i] = (struct model_event){
		    .time = c->time,
		    .stream = xstrdup(e->with_stream ? contract_stream_name(c->stream) : ""),
		    .kind = xstrdup(contract_kind_name(c->kind)),
		    .text = c->text,
		    .x = c->x,
		    .y = c->y,
		    .code = c->code,
		};
		c->text = NULL;
	}
	return rows;
}

void model_segev_open(struct model *m, uint64_t id)
{
	if (id == m->segev_id)
		return;
	pages_reset(&m->segev);
	m->segev_id = id;
}

const struct model_event *model_segev_entry(const struct model *m, uint64_t i)
{
	return pages_row(&m->segev, i);
}

size_t model_segev_want(struct model *m, uint64_t first, uint64_t count, uint64_t *pages,
                        size_t max)
{
	if (!m->segev_id)
		return 0;
	return pages_want(&m->segev, first, count, pages, max);
}

unsigned model_segev_reply(struct model *m, uint64_t id, uint64_t page, unsigned gen,
                           DBusMessage *reply)
{
	struct contract_events e;
	struct contract_fault f;
	int64_t shift;
	if (id != m->segev_id)
		return 0;
	enum contract_result r = contract_read_segment(reply, MODEL_SEGEV_PAGE_SIZE, &e, &f);
	if (r != CONTRACT_OK)
		return page_fail(m, &m->segev, page, gen, r, &f, MODEL_DIRTY_DATA);
	struct model_event *rows = events_take(&e);
	size_t n = e.n;
	uint64_t total = e.total;
	contract_events_fini(&e);
	return pages_fill(&m->segev, page, gen, total, rows, n, &shift) ? MODEL_DIRTY_DATA : 0;
}

void model_recent_reset(struct model *m)
{
	for (size_t i = 0; i < m->n_recent; i++)
		event_free(&m->recent[i]);
	free(m->recent);
	free(m->recent_error);
	m->recent = NULL;
	m->recent_error = NULL;
	m->n_recent = 0;
	m->recent_known = false;
}

static bool same_event(const struct model_event *a, const struct model_event *b)
{
	return a->time == b->time && a->x == b->x && a->y == b->y && a->code == b->code &&
	       strcmp(a->kind, b->kind) == 0 && strcmp(a->stream, b->stream) == 0 &&
	       strcmp(a->text, b->text) == 0;
}

/* The Live view's error: the agent's refusal, or the decoder's sentence. */
static unsigned recent_fail(struct model *m, enum contract_result r, struct contract_fault *f)
{
	const char *msg = r == CONTRACT_REFUSED && !*f->message ? f->name : f->message;
	unsigned dirty = 0;
	if (!m->recent_error || strcmp(m->recent_error, msg) != 0) {
		model_recent_reset(m);
		m->recent_error = xstrdup(msg);
		m->recent_known = true;
		dirty = MODEL_DIRTY_LIVE;
	}
	if (r == CONTRACT_MALFORMED)
		set_fault(m, f);
	contract_fault_fini(f);
	return dirty;
}

unsigned model_recent_reply(struct model *m, DBusMessage *reply)
{
	struct contract_events ce;
	struct contract_fault f;
	/* The console asks for at most a screenful, and never more than the
	 * contract's largest page. */
	enum contract_result r = contract_read_recent(reply, 1000, &ce, &f);
	if (r != CONTRACT_OK)
		return recent_fail(m, r, &f);
	size_t n = ce.n;
	struct model_event *e = events_take(&ce);
	contract_events_fini(&ce);
	/* The same events as before: nothing to draw. */
	bool same = m->recent_known && !m->recent_error && n == m->n_recent;
	for (size_t i = 0; same && i < n; i++)
		same = same_event(&e[i], &m->recent[i]);
	if (same) {
		for (size_t i = 0; i < n; i++)
			event_free(&e[i]);
		free(e);
		return 0;
	}
	model_recent_reset(m);
	m->recent = e;
	m->n_recent = n;
	m->recent_known = true;
	return MODEL_DIRTY_LIVE;
}
