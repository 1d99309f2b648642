/* Parsing is defensive: a value of an unexpected type is ignored rather
 * than trusted, since anything on the bus may claim the agent's interface
 * on a misconfigured bus and the console must not crash on it. */
#include "model.h"
#include "names.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const char *const prop_names[N_MODEL_PROPS] = {
    "Version",         "State",           "StateReason",
    "PausedUntil",     "MaxPauseSeconds", "PauseBudgetSeconds",
    "PauseBudgetLeft", "Streams",         "Exemptions",
    "Upload",          "Power",           "Retention",
    "Notice",
};

enum model_prop model_prop_by_name(const char *name)
{
	for (int i = 0; i < N_MODEL_PROPS; i++)
		if (strcmp(prop_names[i], name) == 0)
			return (enum model_prop)i;
	return N_MODEL_PROPS;
}

const char *model_prop_name(enum model_prop p)
{
	return p < N_MODEL_PROPS ? prop_names[p] : "";
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

static void page_clear(struct model_hist_page *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->e[i].action);
		free(p->e[i].detail);
	}
	free(p->e);
	*p = (struct model_hist_page){0};
}

static void props_clear(struct model *m)
{
	free(m->version);
	free(m->state);
	free(m->state_reason);
	streams_free(m->streams, m->n_streams);
	exemptions_free(m->ex, m->n_ex);
	free(m->upload.endpoint);
	free(m->upload.deferred);
	free(m->upload.last_error);
	free(m->notice.purpose);
	free(m->notice.retention);
	free(m->notice.anonymization);
	free(m->notice.model_access);
	free(m->notice.contact);
	free(m->notice.version);
	m->version = m->state = m->state_reason = NULL;
	m->streams = NULL;
	m->n_streams = 0;
	m->ex = NULL;
	m->n_ex = 0;
	m->upload = (struct model_upload){0};
	m->power = (struct model_power){.battery_percent = -1};
	m->retention = (struct model_retention){0};
	m->notice = (struct model_notice){0};
	m->paused_until = 0;
	m->max_pause_seconds = m->budget_seconds = m->budget_left = 0;
	m->budget_left_at = 0;
	m->loaded = 0;
	free(m->refusal);
	m->refusal = NULL;
}

void model_init(struct model *m)
{
	memset(m, 0, sizeof *m);
	m->link = MODEL_LINK_CONNECTING;
	m->power.battery_percent = -1;
}

void model_fini(struct model *m)
{
	props_clear(m);
	model_hist_reset(m);
	free(m->owner);
	m->owner = NULL;
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
	model_hist_reset(m);
	m->link = link;
	return MODEL_DIRTY_LINK | MODEL_DIRTY_STATE | MODEL_DIRTY_COUNTERS |
	       MODEL_DIRTY_EXEMPTIONS | MODEL_DIRTY_NOTICE | MODEL_DIRTY_HISTORY;
}

/* ---- values ---- */

static bool get_u64(DBusMessageIter *it, uint64_t *out)
{
	DBusBasicValue v;
	int t = dbus_message_iter_get_arg_type(it);
	if (!dbus_type_is_basic(t))
		return false;
	dbus_message_iter_get_basic(it, &v);
	switch (t) {
	case DBUS_TYPE_BYTE:
		*out = v.byt;
		return true;
	case DBUS_TYPE_UINT16:
		*out = v.u16;
		return true;
	case DBUS_TYPE_UINT32:
		*out = v.u32;
		return true;
	case DBUS_TYPE_UINT64:
		*out = v.u64;
		return true;
	case DBUS_TYPE_INT16:
		*out = v.i16 < 0 ? 0 : (uint64_t)v.i16;
		return true;
	case DBUS_TYPE_INT32:
		*out = v.i32 < 0 ? 0 : (uint64_t)v.i32;
		return true;
	case DBUS_TYPE_INT64:
		*out = v.i64 < 0 ? 0 : (uint64_t)v.i64;
		return true;
	default:
		return false;
	}
}

static bool get_double(DBusMessageIter *it, double *out)
{
	int t = dbus_message_iter_get_arg_type(it);
	if (t == DBUS_TYPE_DOUBLE) {
		dbus_message_iter_get_basic(it, out);
		return true;
	}
	if (t == DBUS_TYPE_INT16 || t == DBUS_TYPE_INT32 || t == DBUS_TYPE_INT64) {
		DBusBasicValue v;
		dbus_message_iter_get_basic(it, &v);
		*out = t == DBUS_TYPE_INT16 ? v.i16 : t == DBUS_TYPE_INT32 ? v.i32 : (double)v.i64;
		return true;
	}
	uint64_t u;
	if (get_u64(it, &u)) {
		*out = (double)u;
		return true;
	}
	return false;
}

static bool get_str(DBusMessageIter *it, const char **out)
{
	if (dbus_message_iter_get_arg_type(it) != DBUS_TYPE_STRING)
		return false;
	dbus_message_iter_get_basic(it, out);
	return true;
}

static bool get_bool(DBusMessageIter *it, bool *out)
{
	dbus_bool_t b;
	if (dbus_message_iter_get_arg_type(it) != DBUS_TYPE_BOOLEAN)
		return false;
	dbus_message_iter_get_basic(it, &b);
	*out = b;
	return true;
}

/* Walks the struct fields of it in turn: "s" string, "b" bool, "t" any
 * unsigned number. Returns false on the first mismatch. */
static bool get_fields(DBusMessageIter *st, const char *sig, void **out)
{
	for (size_t i = 0; sig[i]; i++) {
		bool ok;
		if (i > 0 && !dbus_message_iter_next(st))
			return false;
		if (sig[i] == 's')
			ok = get_str(st, (const char **)out[i]);
		else if (sig[i] == 'b')
			ok = get_bool(st, (bool *)out[i]);
		else
			ok = get_u64(st, (uint64_t *)out[i]);
		if (!ok)
			return false;
	}
	return true;
}

static int set_streams(struct model *m, DBusMessageIter *it)
{
	DBusMessageIter arr, st;
	struct model_stream *s = NULL;
	size_t n = 0;
	int dirty = MODEL_DIRTY_COUNTERS;

	if (dbus_message_iter_get_arg_type(it) != DBUS_TYPE_ARRAY)
		return -1;
	dbus_message_iter_recurse(it, &arr);
	while (dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_STRUCT) {
		const char *id, *fid, *desc;
		bool rec;
		uint64_t events, bytes;
		void *out[] = {&id, &rec, &fid, &desc, &events, &bytes};
		dbus_message_iter_recurse(&arr, &st);
		if (!get_fields(&st, "sbsstt", out)) {
			streams_free(s, n);
			return -1;
		}
		s = xrealloc(s, (n + 1) * sizeof *s);
		s[n++] = (struct model_stream){xstrdup(id), xstrdup(fid), xstrdup(desc),
		                               rec,         events,       bytes};
		dbus_message_iter_next(&arr);
	}
	if (dbus_message_iter_get_arg_type(&arr) != DBUS_TYPE_INVALID) {
		streams_free(s, n);
		return -1;
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

static int set_exemptions(struct model *m, DBusMessageIter *it)
{
	DBusMessageIter arr, st;
	struct model_exemption *e = NULL;
	size_t n = 0;

	if (dbus_message_iter_get_arg_type(it) != DBUS_TYPE_ARRAY)
		return -1;
	dbus_message_iter_recurse(it, &arr);
	while (dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_STRUCT) {
		const char *id, *scope, *cat, *status, *reason, *note;
		uint64_t created, expires;
		void *out[] = {&id, &scope, &cat, &status, &reason, &note, &created, &expires};
		dbus_message_iter_recurse(&arr, &st);
		if (!get_fields(&st, "sssssstt", out)) {
			exemptions_free(e, n);
			return -1;
		}
		e = xrealloc(e, (n + 1) * sizeof *e);
		e[n++] = (struct model_exemption){xstrdup(id),     xstrdup(scope),  xstrdup(cat),
		                                  xstrdup(status), xstrdup(reason), xstrdup(note),
		                                  created,         expires};
		dbus_message_iter_next(&arr);
	}
	if (dbus_message_iter_get_arg_type(&arr) != DBUS_TYPE_INVALID) {
		exemptions_free(e, n);
		return -1;
	}
	exemptions_free(m->ex, m->n_ex);
	m->ex = e;
	m->n_ex = n;
	return MODEL_DIRTY_EXEMPTIONS;
}

/* Calls fn for each entry of an a{sv} with the iterator on the value. */
static bool each_entry(DBusMessageIter *it,
                       void (*fn)(void *ctx, const char *k, DBusMessageIter *v), void *ctx)
{
	DBusMessageIter arr, e, v;
	if (dbus_message_iter_get_arg_type(it) != DBUS_TYPE_ARRAY ||
	    dbus_message_iter_get_element_type(it) != DBUS_TYPE_DICT_ENTRY)
		return false;
	dbus_message_iter_recurse(it, &arr);
	while (dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_DICT_ENTRY) {
		const char *k;
		dbus_message_iter_recurse(&arr, &e);
		if (get_str(&e, &k) && dbus_message_iter_next(&e) &&
		    dbus_message_iter_get_arg_type(&e) == DBUS_TYPE_VARIANT) {
			dbus_message_iter_recurse(&e, &v);
			fn(ctx, k, &v);
		}
		dbus_message_iter_next(&arr);
	}
	return true;
}

static void upload_entry(void *ctx, const char *k, DBusMessageIter *v)
{
	struct model_upload *u = ctx;
	const char *s;
	if (strcmp(k, "endpoint") == 0 && get_str(v, &s))
		set_str(&u->endpoint, s);
	else if (strcmp(k, "deferred") == 0 && get_str(v, &s))
		set_str(&u->deferred, s);
	else if (strcmp(k, "last_error") == 0 && get_str(v, &s))
		set_str(&u->last_error, s);
	else if (strcmp(k, "bytes_today") == 0)
		get_u64(v, &u->bytes_today);
	else if (strcmp(k, "bytes_total") == 0)
		get_u64(v, &u->bytes_total);
	else if (strcmp(k, "daily_cap") == 0)
		get_u64(v, &u->daily_cap);
	else if (strcmp(k, "pending_bytes") == 0)
		get_u64(v, &u->pending_bytes);
	else if (strcmp(k, "next_upload") == 0)
		get_u64(v, &u->next_upload);
	else if (strcmp(k, "last_upload") == 0)
		get_u64(v, &u->last_upload);
	else if (strcmp(k, "rate_bps") == 0)
		get_double(v, &u->rate_bps);
	else if (strcmp(k, "compression_ratio") == 0)
		get_double(v, &u->compression_ratio);
}

static void power_entry(void *ctx, const char *k, DBusMessageIter *v)
{
	struct model_power *p = ctx;
	if (strcmp(k, "on_battery") == 0)
		get_bool(v, &p->on_battery);
	else if (strcmp(k, "saver") == 0)
		get_bool(v, &p->saver);
	else if (strcmp(k, "battery_percent") == 0)
		get_double(v, &p->battery_percent);
	else if (strcmp(k, "cpu_seconds") == 0)
		get_double(v, &p->cpu_seconds);
	else if (strcmp(k, "cpu_percent") == 0)
		get_double(v, &p->cpu_percent);
	else if (strcmp(k, "wakeups_per_second") == 0)
		get_double(v, &p->wakeups_per_second);
	else if (strcmp(k, "estimated_mw") == 0)
		get_double(v, &p->estimated_mw);
}

static void retention_entry(void *ctx, const char *k, DBusMessageIter *v)
{
	struct model_retention *r = ctx;
	uint64_t u;
	if (strcmp(k, "days") == 0 && get_u64(v, &u))
		r->days = (uint32_t)u;
	else if (strcmp(k, "segments") == 0 && get_u64(v, &u))
		r->segments = (uint32_t)u;
	else if (strcmp(k, "bytes") == 0)
		get_u64(v, &r->bytes);
	else if (strcmp(k, "oldest") == 0)
		get_u64(v, &r->oldest);
	else if (strcmp(k, "deletion_allowed") == 0)
		get_bool(v, &r->deletion_allowed);
}

static void notice_entry(void *ctx, const char *k, DBusMessageIter *v)
{
	struct model_notice *n = ctx;
	const char *s;
	if (!get_str(v, &s))
		return;
	if (strcmp(k, "purpose") == 0)
		set_str(&n->purpose, s);
	else if (strcmp(k, "retention") == 0)
		set_str(&n->retention, s);
	else if (strcmp(k, "anonymization") == 0)
		set_str(&n->anonymization, s);
	else if (strcmp(k, "model_access") == 0)
		set_str(&n->model_access, s);
	else if (strcmp(k, "contact") == 0)
		set_str(&n->contact, s);
	else if (strcmp(k, "version") == 0)
		set_str(&n->version, s);
}

/* The setters below return the dirty bits (0 when nothing changed), or
 * -1 when the value has the wrong type and was ignored. */
static int set_u32(uint32_t *field, DBusMessageIter *v)
{
	uint64_t u;
	if (!get_u64(v, &u))
		return -1;
	uint32_t x = u > UINT32_MAX ? UINT32_MAX : (uint32_t)u;
	if (x == *field)
		return 0;
	*field = x;
	return MODEL_DIRTY_STATE;
}

static int set_string_prop(char **field, DBusMessageIter *v)
{
	const char *s;
	if (!get_str(v, &s))
		return -1;
	if (!str_changed(*field, s))
		return 0;
	set_str(field, s);
	return MODEL_DIRTY_STATE;
}

static int set_dict(DBusMessageIter *v, void (*fn)(void *, const char *, DBusMessageIter *),
                    void *ctx, unsigned dirty)
{
	return each_entry(v, fn, ctx) ? (int)dirty : -1;
}

static int set_prop(struct model *m, enum model_prop p, DBusMessageIter *v, uint64_t now)
{
	uint64_t u;
	int r;

	switch (p) {
	case MODEL_PROP_VERSION:
		return set_string_prop(&m->version, v);
	case MODEL_PROP_STATE:
		return set_string_prop(&m->state, v);
	case MODEL_PROP_STATE_REASON:
		return set_string_prop(&m->state_reason, v);
	case MODEL_PROP_PAUSED_UNTIL:
		if (!get_u64(v, &u))
			return -1;
		r = u != m->paused_until ? MODEL_DIRTY_STATE : 0;
		m->paused_until = u;
		return r;
	case MODEL_PROP_MAX_PAUSE:
		return set_u32(&m->max_pause_seconds, v);
	case MODEL_PROP_BUDGET:
		return set_u32(&m->budget_seconds, v);
	case MODEL_PROP_BUDGET_LEFT:
		r = set_u32(&m->budget_left, v);
		if (r < 0)
			return r;
		/* A re-sent value restarts the countdown even if equal. */
		m->budget_left_at = now;
		return MODEL_DIRTY_STATE;
	case MODEL_PROP_STREAMS:
		return set_streams(m, v);
	case MODEL_PROP_EXEMPTIONS:
		return set_exemptions(m, v);
	case MODEL_PROP_UPLOAD:
		return set_dict(v, upload_entry, &m->upload, MODEL_DIRTY_COUNTERS);
	case MODEL_PROP_POWER:
		return set_dict(v, power_entry, &m->power, MODEL_DIRTY_COUNTERS);
	case MODEL_PROP_RETENTION:
		return set_dict(v, retention_entry, &m->retention, MODEL_DIRTY_COUNTERS);
	case MODEL_PROP_NOTICE:
		return set_dict(v, notice_entry, &m->notice, MODEL_DIRTY_NOTICE);
	case N_MODEL_PROPS:
		break;
	}
	return -1;
}

unsigned model_set(struct model *m, const char *name, DBusMessageIter *it, uint64_t now)
{
	DBusMessageIter v;
	enum model_prop p = model_prop_by_name(name);

	if (p == N_MODEL_PROPS || dbus_message_iter_get_arg_type(it) != DBUS_TYPE_VARIANT)
		return 0;
	dbus_message_iter_recurse(it, &v);
	int r = set_prop(m, p, &v, now);
	if (r < 0)
		return 0;
	unsigned dirty = (unsigned)r;
	/* The first value heard changes what the views can show at all. */
	if (!(m->loaded & (1u << p)))
		dirty |= MODEL_DIRTY_STATE;
	m->loaded |= 1u << p;
	return dirty;
}

unsigned model_set_refusal(struct model *m, const char *msg)
{
	if ((!msg && !m->refusal) || (msg && m->refusal && strcmp(msg, m->refusal) == 0))
		return 0;
	free(m->refusal);
	m->refusal = msg ? xstrdup(msg) : NULL;
	return MODEL_DIRTY_STATE;
}

unsigned model_set_all(struct model *m, DBusMessageIter *dict, uint64_t now)
{
	DBusMessageIter arr, e;
	unsigned dirty = 0;
	if (dbus_message_iter_get_arg_type(dict) != DBUS_TYPE_ARRAY ||
	    dbus_message_iter_get_element_type(dict) != DBUS_TYPE_DICT_ENTRY)
		return 0;
	dbus_message_iter_recurse(dict, &arr);
	while (dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_DICT_ENTRY) {
		const char *k;
		dbus_message_iter_recurse(&arr, &e);
		if (get_str(&e, &k) && dbus_message_iter_next(&e))
			dirty |= model_set(m, k, &e, now);
		dbus_message_iter_next(&arr);
	}
	return dirty;
}

unsigned model_changed(struct model *m, DBusMessage *sig, uint64_t now, uint32_t *invalidated)
{
	DBusMessageIter it, arr;
	const char *iface;
	unsigned dirty;

	*invalidated = 0;
	if (!dbus_message_is_signal(sig, DBUS_PROPS_IFACE, "PropertiesChanged") ||
	    !dbus_message_iter_init(sig, &it) || !get_str(&it, &iface) ||
	    strcmp(iface, CAPCTL_IFACE) != 0 || !dbus_message_iter_next(&it))
		return 0;
	dirty = model_set_all(m, &it, now);
	if (!dbus_message_iter_next(&it) || dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_ARRAY)
		return dirty;
	dbus_message_iter_recurse(&it, &arr);
	while (dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_STRING) {
		const char *name;
		dbus_message_iter_get_basic(&arr, &name);
		enum model_prop p = model_prop_by_name(name);
		if (p != N_MODEL_PROPS)
			*invalidated |= 1u << p;
		dbus_message_iter_next(&arr);
	}
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

/* ---- history pages ---- */

static struct model_hist_page *page_find(const struct model *m, uint64_t number)
{
	for (size_t i = 0; i < MODEL_HIST_PAGES; i++) {
		const struct model_hist_page *p = &m->hist.pages[i];
		if (p->used && p->number == number)
			return (struct model_hist_page *)p;
	}
	return NULL;
}

const struct model_hist_entry *model_hist_entry(const struct model *m, uint64_t i)
{
	const struct model_hist_page *p = page_find(m, i / MODEL_HIST_PAGE_SIZE);
	size_t k = (size_t)(i % MODEL_HIST_PAGE_SIZE);
	if (!p || !p->loaded || k >= p->n)
		return NULL;
	return &p->e[k];
}

/* A free slot, else the least recently wanted page that is not loading
 * and not among the pages [lo, hi] the view needs now. */
static struct model_hist_page *page_slot(struct model *m, uint64_t lo, uint64_t hi)
{
	struct model_hist_page *best = NULL;
	for (size_t i = 0; i < MODEL_HIST_PAGES; i++) {
		struct model_hist_page *p = &m->hist.pages[i];
		if (!p->used)
			return p;
		if (p->loading || (p->number >= lo && p->number <= hi))
			continue;
		if (!best || p->stamp < best->stamp)
			best = p;
	}
	if (best)
		page_clear(best);
	return best;
}

size_t model_hist_want(struct model *m, uint64_t first, uint64_t count, uint64_t *pages, size_t max)
{
	size_t n = 0;
	if (count == 0)
		count = 1;
	if (m->hist.known && first + count > m->hist.total)
		count = m->hist.total > first ? m->hist.total - first : 0;
	if (m->hist.known && count == 0)
		return 0;
	uint64_t lo = first / MODEL_HIST_PAGE_SIZE, hi = (first + count - 1) / MODEL_HIST_PAGE_SIZE;
	m->hist.clock++;
	for (uint64_t num = lo; num <= hi && n < max; num++) {
		struct model_hist_page *p = page_find(m, num);
		if (p) {
			p->stamp = m->hist.clock;
			if (p->loading || (p->loaded && !p->stale))
				continue;
		} else {
			p = page_slot(m, lo, hi);
			if (!p)
				break; /* every slot busy: ask again on the next draw */
			*p = (struct model_hist_page){.number = num, .used = true};
			p->stamp = m->hist.clock;
		}
		p->loading = true;
		pages[n++] = num;
	}
	return n;
}

unsigned model_hist_reply(struct model *m, uint64_t number, unsigned gen, DBusMessage *reply,
                          int64_t *shift)
{
	DBusMessageIter it, arr, st;
	uint64_t total;
	struct model_hist_entry *e = NULL;
	size_t n = 0;

	*shift = 0;
	if (gen != m->hist.gen)
		return 0;
	struct model_hist_page *p = page_find(m, number);
	if (!p)
		return 0;
	p->loading = false;
	if (dbus_message_get_type(reply) == DBUS_MESSAGE_TYPE_ERROR) {
		DBusError err;
		dbus_error_init(&err);
		dbus_set_error_from_message(&err, reply);
		free(m->hist.error);
		m->hist.error = xstrdup(err.message ? err.message : err.name);
		dbus_error_free(&err);
		/* Marked as loaded (empty) so that it is not asked for again
		 * until model_hist_refresh: a refusal must not become a
		 * stream of retries. */
		p->loaded = true;
		p->stale = false;
		return MODEL_DIRTY_HISTORY;
	}
	if (!dbus_message_iter_init(reply, &it) || !get_u64(&it, &total) ||
	    !dbus_message_iter_next(&it) || dbus_message_iter_get_arg_type(&it) != DBUS_TYPE_ARRAY)
		goto bad;
	dbus_message_iter_recurse(&it, &arr);
	while (dbus_message_iter_get_arg_type(&arr) == DBUS_TYPE_STRUCT) {
		uint64_t t, uid;
		const char *action, *detail;
		void *out[] = {&t, &action, &detail, &uid};
		dbus_message_iter_recurse(&arr, &st);
		if (!get_fields(&st, "tsst", out))
			goto bad;
		if (n == MODEL_HIST_PAGE_SIZE)
			break;
		e = xrealloc(e, (n + 1) * sizeof *e);
		e[n++] =
		    (struct model_hist_entry){t, xstrdup(action), xstrdup(detail), (uint32_t)uid};
		dbus_message_iter_next(&arr);
	}
	free(m->hist.error);
	m->hist.error = NULL;
	if (m->hist.known && total != m->hist.total) {
		*shift = (int64_t)(total - m->hist.total);
		/* Offsets count from the newest entry, so every other page
		 * now holds different entries: drop them, and let replies
		 * still on their way be ignored. */
		for (size_t i = 0; i < MODEL_HIST_PAGES; i++)
			if (&m->hist.pages[i] != p)
				page_clear(&m->hist.pages[i]);
		m->hist.gen++;
	}
	m->hist.total = total;
	m->hist.known = true;
	uint64_t number_kept = p->number, stamp = p->stamp;
	page_clear(p);
	*p = (struct model_hist_page){
	    .number = number_kept, .e = e, .n = n, .used = true, .loaded = true, .stamp = stamp};
	return MODEL_DIRTY_HISTORY;
bad:
	for (size_t i = 0; i < n; i++) {
		free(e[i].action);
		free(e[i].detail);
	}
	free(e);
	p->loaded = true;
	p->stale = false;
	return MODEL_DIRTY_HISTORY;
}

void model_hist_refresh(struct model *m)
{
	for (size_t i = 0; i < MODEL_HIST_PAGES; i++)
		if (m->hist.pages[i].loaded)
			m->hist.pages[i].stale = true;
}

void model_hist_reset(struct model *m)
{
	for (size_t i = 0; i < MODEL_HIST_PAGES; i++)
		page_clear(&m->hist.pages[i]);
	free(m->hist.error);
	m->hist.error = NULL;
	m->hist.total = 0;
	m->hist.known = false;
	m->hist.gen++;
}
