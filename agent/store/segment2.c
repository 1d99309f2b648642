/* Segment format 2 (segment.h): a short header, then every column that is
 * not constant range coded event by event, each value in the context of the
 * ones before it. One code path serves both directions: each decision is
 * encoded when encoding and read when decoding, so the two cannot drift
 * apart. The decoder trusts nothing: every value is checked as it comes. */
#include "store/segment2.h"
#include "store/grid.h"
#include "store/rangecoder.h"
#include "util.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define FIXED 12 /* the magic and the checksum */
#define CLASSES 65
#define NUM_CTX 72
#define NUM_STEPS 8
#define RECENT 15 /* texts remembered besides the previous one */
#define TIME_DEPTH 12
#define OFFSET_DEPTH 2
#define Y_EXTRA(md) ((md)->x.prev_d == 0 ? 46u : 0u)

/* The constant columns: bits of the header's mask; K_PRIORS (not a
 * column) says the models start from the stream's priors. */
enum { K_KIND = 1, K_X = 2, K_Y = 4, K_CODE = 8, K_TEXT = 16, K_ALL = 31, K_PRIORS = 32 };

static const uint8_t magic2[8] = {'C', 'A', 'P', 'S', 'E', 'G', 0, 2};

/* ---- decisions, in one direction or the other ---- */

struct coder {
	bool enc;
	struct rc_enc e;
	struct rc_dec d;
};

/* Encodes b and returns it, or decodes a bit (b is then ignored). */
#define HOT static inline __attribute__((always_inline))

HOT unsigned code_bit(struct coder *c, struct rc_bit *m, unsigned b)
{
	if (c->enc) {
		rc_enc_bit(&c->e, m, b);
		return b;
	}
	return rc_dec_bit(&c->d, m);
}

/* n bits with no model. */
HOT uint32_t code_direct(struct coder *c, uint32_t v, unsigned n)
{
	if (c->enc) {
		rc_enc_direct(&c->e, v, n);
		return v;
	}
	return rc_dec_direct(&c->d, n);
}

/* A value below 2^bits as a walk down a binary tree, high bit first. */
HOT unsigned code_tree(struct coder *c, struct rc_bit *tree, unsigned bits, unsigned v)
{
	unsigned node = 1;
	for (unsigned i = bits; i-- > 0;)
		node = 2 * node + code_bit(c, &tree[node], (v >> i) & 1);
	return node - (1u << bits);
}

/* A model's starting state in a segment with priors (see "priors"
 * below): which model, its part and index, its probability of a 1 in
 * 1/65536 and the decisions it counts as seen. */
struct seg2_prior {
	uint8_t model, part;
	uint16_t i, p;
	uint8_t n;
};

/* Sets the len models m to the priors of part among p[0..n), which are
 * sorted by part. */
static void prior_apply(const struct seg2_prior *p, size_t n, unsigned part, struct rc_bit *m,
                        size_t len)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p[mid].part < part)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && p[lo].part == part; lo++)
		if (p[lo].i < len)
			m[p[lo].i] =
			    (struct rc_bit){.q = (int16_t)((int32_t)p[lo].p - 32768), .n = p[lo].n};
}

/* ---- numbers ---- */

/* A signed number is its class (the bit length of its magnitude, 0 for
 * zero) as a walk away from a predicted class, its sign, then the bits
 * below the leading one: the first depth of them down a tree of the class
 * (an adaptive histogram of the values the class has seen), the rest each
 * in a model of its position. */
struct num_model {
	struct rc_bit hit[NUM_CTX], up[NUM_CTX], away[NUM_CTX][2][NUM_STEPS], sign[NUM_CTX];
	struct rc_bit *tree[CLASSES]; /* made on first use */
	uint64_t made[2];             /* which trees were made */
	unsigned depth;
	bool direct; /* the bits past the tree with no model */
	/* The trees' priors (by class, then node), applied as each is made. */
	const struct seg2_prior *prior;
	size_t prior_n;
};

static unsigned class_of(uint64_t m)
{
	return m ? 64 - (unsigned)__builtin_clzll(m) : 0;
}

/* nm is zeroed memory (models_new's): a fresh model but for these. */
static void num_init(struct num_model *nm, unsigned depth, bool direct)
{
	nm->depth = depth;
	nm->direct = direct;
}

/* A segment uses a few of the 65 trees: only those are freed. */
static void num_fini(struct num_model *nm)
{
	for (int w = 0; w < 2; w++)
		for (uint64_t m = nm->made[w]; m; m &= m - 1)
			free(nm->tree[64 * w + __builtin_ctzll(m)]);
}

/* The tree of class k: 2^depth nodes, then a model per position below. */
static struct rc_bit *tree_of(struct num_model *nm, unsigned k)
{
	if (!nm->tree[k]) {
		size_t len = ((size_t)1 << nm->depth) + 64;
		nm->tree[k] = xcalloc(len, sizeof *nm->tree[k]);
		nm->made[k / 64] |= 1ULL << (k % 64);
		prior_apply(nm->prior, nm->prior_n, 4 + k, nm->tree[k], len);
	}
	return nm->tree[k];
}

HOT unsigned code_class(struct coder *c, struct num_model *nm, unsigned ctx, unsigned kp,
                        unsigned k)
{
	if (code_bit(c, &nm->hit[ctx], k == kp))
		return kp;
	unsigned up = kp == 0 || (kp < 64 && code_bit(c, &nm->up[ctx], k > kp));
	for (unsigned s = 1;; s++) {
		unsigned cand = up ? kp + s : kp - s;
		if (cand == (up ? 64u : 0u))
			return cand;
		unsigned step = s - 1 < NUM_STEPS ? s - 1 : NUM_STEPS - 1;
		if (code_bit(c, &nm->away[ctx][up][step], k == cand))
			return cand;
	}
}

/* Codes v (two's complement) in context ctx with kp the predicted class;
 * returns the value (decoded, when decoding) and its class in *k_out. */
HOT uint64_t code_num(struct coder *c, struct num_model *nm, unsigned ctx, unsigned kp, uint64_t v,
                      unsigned *k_out)
{
	unsigned neg = (int64_t)v < 0;
	uint64_t m = neg ? 0 - v : v;
	unsigned k = code_class(c, nm, ctx, kp, class_of(m));
	*k_out = k;
	if (k == 0)
		return 0;
	neg = code_bit(c, &nm->sign[ctx], neg);
	struct rc_bit *tree = tree_of(nm, k);
	uint64_t got = 1;
	unsigned node = 1, below = k - 1, modelled = below < nm->depth ? below : nm->depth;
	for (unsigned j = 0; j < modelled; j++) {
		unsigned bit = code_bit(c, &tree[node], (m >> (below - 1 - j)) & 1);
		node = 2 * node + bit;
		got = got << 1 | bit;
	}
	/* The rest: each with a model of its position, or, for a model
	 * whose low bits are noise, RC_DIRECT_MAX at a time with none. */
	for (unsigned j = modelled; j < below && !nm->direct; j++) {
		unsigned bit =
		    code_bit(c, &tree[(1u << nm->depth) + j], (m >> (below - 1 - j)) & 1);
		got = got << 1 | bit;
	}
	for (unsigned left = nm->direct ? below - modelled : 0; left > 0;) {
		unsigned n = left < RC_DIRECT_MAX ? left : RC_DIRECT_MAX;
		left -= n;
		got = got << n | code_direct(c, (uint32_t)(m >> left) & ((1u << n) - 1), n);
	}
	return neg ? 0 - got : got;
}

/* The context of a difference from the one before: a small one as
 * itself, a larger one by class and sign. */
static unsigned delta_ctx(uint64_t v, unsigned k)
{
	int64_t s = (int64_t)v;
	if (s >= -4 && s <= 4)
		return (unsigned)(s + 4);
	unsigned c = k - 3 < 6 ? k - 3 : 6;
	return 9 + 2 * c + (s < 0);
}

/* ---- the models of a segment ---- */

struct axis {
	struct num_model m;
	uint64_t prev_d, prev_d2; /* the previous difference, the one before */
	unsigned prev_k;
};

struct texts {
	struct rc_bit same[N_EVENT_KINDS], recent[16];
	struct num_model len;
	unsigned len_k;
	struct rc_bit (*bytes)[256]; /* [previous byte][tree node] */
	uint64_t ready[4];           /* which rows of bytes are set */
	uint32_t at[RECENT + 1];     /* pool offsets, the previous text first */
	unsigned count;
	const struct seg2_prior *prior; /* the rows' (as tree priors) */
	size_t prior_n;
};

struct models {
	struct coder c;
	unsigned mask; /* the constant columns */
	struct num_model time;
	unsigned time_k;
	/* With a period: the grid, its number of periods and offset. */
	uint64_t period, grid;
	unsigned grid_frac; /* the grid's 1/256 µs */
	struct num_model steps, offset;
	unsigned steps_k;
	uint64_t offset_mean; /* of the offsets' magnitudes, times 16 */
	uint64_t t;
	struct rc_bit kind[N_EVENT_KINDS][8];
	unsigned kind_prev;
	struct axis x, y;
	struct num_model code;
	struct rc_bit code_same[N_EVENT_KINDS];
	int32_t code_prev[N_EVENT_KINDS];
	unsigned code_k[N_EVENT_KINDS];
	struct texts text;
};

static struct models *models_new(bool enc, unsigned mask, uint64_t start, uint64_t period)
{
	struct models *md = xcalloc(1, sizeof *md);
	md->c.enc = enc;
	md->mask = mask;
	md->t = md->grid = start;
	md->period = period;
	num_init(&md->steps, 4, false);
	num_init(&md->offset, OFFSET_DEPTH, true);
	num_init(&md->time, TIME_DEPTH, false);
	num_init(&md->x.m, 6, false);
	num_init(&md->y.m, 6, false);
	num_init(&md->code, 8, false);
	num_init(&md->text.len, 8, false);
	if (!(mask & K_TEXT))
		md->text.bytes = xmalloc(256 * sizeof *md->text.bytes);
	md->text.count = 1; /* "", the text before the first event, at 0 */
	return md;
}

static void models_free(struct models *md)
{
	num_fini(&md->time);
	num_fini(&md->steps);
	num_fini(&md->offset);
	num_fini(&md->x.m);
	num_fini(&md->y.m);
	num_fini(&md->code);
	num_fini(&md->text.len);
	free(md->text.bytes);
	free(md);
}

/* A position: its difference from the previous one of its axis, in the
 * context of that difference and of whether the event is a motion. */
static int64_t code_axis(struct models *md, struct axis *a, unsigned kind, int64_t prev, int64_t v,
                         unsigned extra)
{
	uint64_t sum = a->prev_d + a->prev_d2;
	unsigned ctx = delta_ctx(sum, class_of((int64_t)sum < 0 ? 0 - sum : sum));
	ctx += kind == EV_MOTION ? extra : 23;
	uint64_t d = code_num(&md->c, &a->m, ctx, a->prev_k, (uint64_t)(v - prev), &a->prev_k);
	a->prev_d2 = a->prev_d;
	a->prev_d = d;
	return (int64_t)((uint64_t)prev + d);
}

/* A code: the same as the previous one of its kind, or its difference. */
static int64_t code_code(struct models *md, unsigned kind, int64_t v)
{
	int64_t prev = md->code_prev[kind];
	if (code_bit(&md->c, &md->code_same[kind], v == prev))
		return prev;
	uint64_t d = code_num(&md->c, &md->code, kind, md->code_k[kind], (uint64_t)(v - prev),
	                      &md->code_k[kind]);
	return (int64_t)((uint64_t)prev + d);
}

/* With a period P: t - grid as k periods and an offset j in [-P/2, P/2),
 * k in the context of the previous k, j of this k; the grid then moves k
 * periods and 1/2^GRID_SHIFT of j, so that it follows the device's clock
 * and the mean delay. */
static uint64_t code_grid(struct models *md, uint64_t t)
{
	int64_t k, j;
	grid_split(md->period, t - md->grid, &k, &j);
	unsigned kc = md->steps_k;
	k = (int64_t)code_num(&md->c, &md->steps, kc, kc, (uint64_t)k, &md->steps_k);
	unsigned jc = md->steps_k < 3 ? md->steps_k : 3;
	unsigned jk;
	j = (int64_t)code_num(&md->c, &md->offset, jc, class_of(md->offset_mean >> 4), (uint64_t)j,
	                      &jk);
	md->offset_mean += (uint64_t)(j < 0 ? -j : j) - (md->offset_mean >> 4);
	uint64_t at = md->grid + (uint64_t)k * md->period + (uint64_t)j;
	grid_step(&md->grid, &md->grid_frac, md->period, k, j, md->offset_mean);
	return at;
}

/* A time: with a period, by the grid; without, its difference from the
 * previous event's, in the context of the previous difference's class. */
static uint64_t code_time(struct models *md, uint64_t d)
{
	if (md->period)
		return code_grid(md, md->t + d) - md->t;
	unsigned k = md->time_k;
	return code_num(&md->c, &md->time, k, k, d, &md->time_k);
}

static struct rc_bit *byte_models(struct texts *tx, unsigned prev)
{
	if (!(tx->ready[prev / 64] & (1ULL << (prev % 64)))) {
		tx->ready[prev / 64] |= 1ULL << (prev % 64);
		memset(tx->bytes[prev], 0, sizeof tx->bytes[prev]);
		prior_apply(tx->prior, tx->prior_n, prev, tx->bytes[prev], 256);
	}
	return tx->bytes[prev];
}

/* Moves the text at pool offset off to the front of the recent ones. */
static void text_seen(struct texts *tx, unsigned found, uint32_t off)
{
	unsigned last = found < tx->count ? found : (tx->count < RECENT + 1 ? tx->count++ : RECENT);
	memmove(tx->at + 1, tx->at, last * sizeof *tx->at);
	tx->at[0] = off;
}

/* ---- priors ---- */

/* In a segment flagged K_PRIORS, the models start from the priors of its
 * stream, with a period or without (segment2-priors.h), not at even odds: models numbered as below,
 * each prior a model's part and index in it (for a number: part 0 hit, 1
 * up, 2 sign, 3 away as context * 16 + up * 8 + step, 4 + k the tree of
 * class k; for kinds and text bytes the part is the previous one), its
 * probability of a 1 in 1/65536 and the decisions it counts as seen. The
 * priors are part of the format: changed, they need a flag of their own. */
enum {
	PM_TIME,
	PM_STEPS,
	PM_OFFSET,
	PM_X,
	PM_Y,
	PM_CODE,
	PM_TEXT_LEN,
	PM_KIND,
	PM_CODE_SAME,
	PM_TEXT_SAME,
	PM_TEXT_RECENT,
	PM_TEXT_BYTES,
};

struct seg2_prior_set {
	const struct seg2_prior *p;
	size_t n;
};

#include "store/segment2-priors.h"

static struct num_model *prior_num(struct models *md, unsigned model)
{
	struct num_model *nums[] = {&md->time, &md->steps, &md->offset,  &md->x.m,
	                            &md->y.m,  &md->code,  &md->text.len};
	return model < sizeof nums / sizeof *nums ? nums[model] : NULL;
}

static struct rc_bit *num_slot(struct num_model *nm, unsigned part, unsigned i)
{
	switch (part) {
	case 0:
		return i < NUM_CTX ? &nm->hit[i] : NULL;
	case 1:
		return i < NUM_CTX ? &nm->up[i] : NULL;
	case 2:
		return i < NUM_CTX ? &nm->sign[i] : NULL;
	case 3:
		return i < NUM_CTX * 2 * NUM_STEPS
		           ? &nm->away[i / (2 * NUM_STEPS)][i / NUM_STEPS % 2][i % NUM_STEPS]
		           : NULL;
	}
	return NULL; /* a tree's, applied when it is made */
}

/* The model a prior sets, or NULL for one set later (a tree's or a text
 * byte row's, as it is made). */
static struct rc_bit *prior_slot(struct models *md, unsigned model, unsigned part, unsigned i)
{
	struct num_model *nm = prior_num(md, model);
	if (nm)
		return num_slot(nm, part, i);
	switch (model) {
	case PM_KIND:
		return part < N_EVENT_KINDS && i < 8 ? &md->kind[part][i] : NULL;
	case PM_CODE_SAME:
		return i < N_EVENT_KINDS ? &md->code_same[i] : NULL;
	case PM_TEXT_SAME:
		return i < N_EVENT_KINDS ? &md->text.same[i] : NULL;
	case PM_TEXT_RECENT:
		return i < 16 ? &md->text.recent[i] : NULL;
	}
	return NULL;
}

/* The first of p[0..n), sorted by model then part, at or past model's
 * part. */
static size_t prior_find(const struct seg2_prior *p, size_t n, unsigned model, unsigned part)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p[mid].model < model || (p[mid].model == model && p[mid].part < part))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void prime_now(struct models *md, const struct seg2_prior *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct rc_bit *m = prior_slot(md, p[i].model, p[i].part, p[i].i);
		if (m)
			*m = (struct rc_bit){.q = (int16_t)((int32_t)p[i].p - 32768), .n = p[i].n};
	}
}

/* The priors of the segment's stream: the small models' set at once, the
 * trees' and text rows' (most of the table, most never used in a short
 * segment) kept for when each is made. */
static void models_prime(struct models *md, enum stream s)
{
	const struct seg2_prior_set *set = &seg2_priors[s][md->period != 0];
	const struct seg2_prior *p = set->p;
	size_t n = set->n;
	if (!n)
		return;
	for (unsigned model = PM_TIME; model <= PM_TEXT_LEN; model++) {
		struct num_model *nm = prior_num(md, model);
		size_t lo = prior_find(p, n, model, 0), trees = prior_find(p, n, model, 4);
		prime_now(md, p + lo, trees - lo);
		nm->prior = p + trees;
		nm->prior_n = prior_find(p, n, model + 1, 0) - trees;
	}
	size_t small = prior_find(p, n, PM_KIND, 0), rows = prior_find(p, n, PM_TEXT_BYTES, 0);
	prime_now(md, p + small, rows - small);
	md->text.prior = p + rows;
	md->text.prior_n = n - rows;
}

/* ---- encoding ---- */

static bool same_text(const struct seg_events *ev, uint32_t a, uint32_t b)
{
	return a == b || strcmp(ev->pool + a, ev->pool + b) == 0;
}

static void put_text(struct models *md, const struct seg_events *ev, unsigned kind, uint32_t off)
{
	struct texts *tx = &md->text;
	if (code_bit(&md->c, &tx->same[kind], same_text(ev, off, tx->at[0])))
		return;
	unsigned found = 1;
	while (found < tx->count && !same_text(ev, off, tx->at[found]))
		found++;
	code_tree(&md->c, tx->recent, 4, found < tx->count ? found : 0);
	if (found == tx->count) {
		const char *s = ev->pool + off;
		size_t len = strlen(s);
		code_num(&md->c, &tx->len, 0, tx->len_k, len, &tx->len_k);
		unsigned prev = 0;
		for (size_t i = 0; i < len; i++)
			prev = code_tree(&md->c, byte_models(tx, prev), 8, (uint8_t)s[i]);
	}
	text_seen(tx, found, off);
}

static void put_event(struct models *md, const struct seg_events *ev, uint32_t i)
{
	unsigned kind = ev->kind[i];
	code_time(md, ev->time[i] - md->t);
	md->t = ev->time[i];
	if (!(md->mask & K_KIND))
		code_tree(&md->c, md->kind[md->kind_prev], 3, kind);
	md->kind_prev = kind;
	int64_t px = i ? ev->x[i - 1] : ev->x[0], py = i ? ev->y[i - 1] : ev->y[0];
	if (!(md->mask & K_X))
		code_axis(md, &md->x, kind, px, ev->x[i], 0);
	if (!(md->mask & K_Y))
		code_axis(md, &md->y, kind, py, ev->y[i], Y_EXTRA(md));
	if (!(md->mask & K_CODE))
		md->code_prev[kind] = (int32_t)code_code(md, kind, ev->code[i]);
	if (!(md->mask & K_TEXT))
		put_text(md, ev, kind, ev->text[i]);
}

static void put_varint(struct buf *b, uint64_t v)
{
	uint8_t tmp[10];
	int n = 0;
	do {
		tmp[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	buf_put(b, tmp, (size_t)n);
}

static uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

/* Which columns hold one value throughout. */
static unsigned constant_columns(const struct seg_events *ev)
{
	unsigned mask = K_ALL;
	for (uint32_t i = 1; i < ev->n && mask; i++) {
		if (ev->kind[i] != ev->kind[0])
			mask &= ~(unsigned)K_KIND;
		if (ev->x[i] != ev->x[0])
			mask &= ~(unsigned)K_X;
		if (ev->y[i] != ev->y[0])
			mask &= ~(unsigned)K_Y;
		if (ev->code[i] != ev->code[0])
			mask &= ~(unsigned)K_CODE;
		if (!same_text(ev, ev->text[i], ev->text[0]))
			mask &= ~(unsigned)K_TEXT;
	}
	return mask;
}

static void put_header(struct buf *out, const struct seg_events *ev, enum stream s, uint64_t id,
                       uint64_t start, uint64_t end, unsigned mask, uint64_t period)
{
	put_varint(out, id);
	put_varint(out, zigzag((int64_t)(start - id))); /* an id is about its start */
	put_varint(out, end - start);
	put_varint(out, ev->n);
	uint8_t sm[2] = {(uint8_t)s, (uint8_t)mask};
	buf_put(out, sm, 2);
	bool any = ev->n > 0;
	put_varint(out, any ? ev->kind[0] : 0);
	put_varint(out, zigzag(any ? ev->x[0] : 0));
	put_varint(out, zigzag(any ? ev->y[0] : 0));
	put_varint(out, zigzag(any ? ev->code[0] : 0));
	const char *text = any ? ev->pool + ev->text[0] : "";
	size_t len = strlen(text);
	put_varint(out, len);
	buf_put(out, text, len);
	put_varint(out, period);
}

void seg2_encode(const struct seg_events *ev, enum stream s, uint64_t id, struct buf *out)
{
	uint64_t start = ev->n ? UINT64_MAX : 0, end = 0;
	for (uint32_t i = 0; i < ev->n; i++) {
		start = ev->time[i] < start ? ev->time[i] : start;
		end = ev->time[i] > end ? ev->time[i] : end;
	}
	unsigned mask = constant_columns(ev) | (ev->n ? K_PRIORS : 0);
	uint64_t period = grid_find_period(ev);
	struct buf body = {0};
	put_header(&body, ev, s, id, start, end, mask, period);
	struct models *md = models_new(true, mask, start, period);
	if (mask & K_PRIORS)
		models_prime(md, s);
	rc_enc_init(&md->c.e);
	for (uint32_t i = 0; i < ev->n; i++)
		put_event(md, ev, i);
	rc_enc_finish(&md->c.e);
	buf_put(&body, md->c.e.out, md->c.e.len);
	free(md->c.e.out);
	models_free(md);
	uint8_t fixed[FIXED] = {0};
	memcpy(fixed, magic2, sizeof magic2);
	out->len = 0;
	buf_put(out, fixed, sizeof fixed);
	put_varint(out, body.len);
	buf_put(out, body.p, body.len);
	buf_free(&body);
	uint32_t crc = crc32c(0, out->p + FIXED, out->len - FIXED);
	for (int i = 0; i < 4; i++)
		out->p[8 + i] = (uint8_t)(crc >> (8 * i));
}

/* ---- decoding ---- */

struct reader {
	const uint8_t *p, *end;
	bool bad;
};

static uint64_t get_varint(struct reader *r)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (r->p >= r->end)
			break;
		uint8_t b = *r->p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	r->bad = true;
	return 0;
}

static bool fits_i32(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

static int64_t get_i32(struct reader *r)
{
	uint64_t z = get_varint(r);
	int64_t v = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
	if (!fits_i32(v))
		r->bad = true;
	return v;
}

/* What the header says beyond seg_header: the constant columns. */
struct head2 {
	unsigned mask;
	uint8_t kind;
	int32_t x, y, code;
	uint64_t period;
	const uint8_t *text;
	size_t text_len, coded; /* coded: where the range coded bytes begin */
};

/* The size field: the bytes after it, at most SIZE_BYTES long. */
#define SIZE_BYTES 4

enum seg_fault seg2_size(const uint8_t *head, size_t len, size_t *size)
{
	if (len < FIXED)
		return SEG_SHORT;
	struct reader r = {head + FIXED,
	                   head + (len < FIXED + SIZE_BYTES ? len : FIXED + SIZE_BYTES), false};
	uint64_t rest = get_varint(&r);
	if (r.bad)
		return len < FIXED + SIZE_BYTES ? SEG_SHORT : SEG_HEADER;
	if (rest > SEGMENT_MAX_RAW)
		return SEG_HEADER;
	*size = (size_t)(r.p - head) + (size_t)rest;
	return SEG_OK;
}

static enum seg_fault read_header(const uint8_t *p, size_t len, struct seg_header *h,
                                  struct head2 *x)
{
	struct reader r = {p + FIXED, p + len, false};
	get_varint(&r); /* the size, which seg2_size checked */
	uint64_t id = get_varint(&r), zs = get_varint(&r), span = get_varint(&r);
	uint64_t start = id + ((zs >> 1) ^ (0 - (zs & 1)));
	uint64_t n = get_varint(&r);
	if (r.bad || r.end - r.p < 2 || span > UINT64_MAX - start || n > SEG2_MAX_EVENTS)
		return SEG_HEADER;
	unsigned stream = r.p[0], mask = r.p[1];
	r.p += 2;
	uint64_t kind = get_varint(&r);
	*x = (struct head2){.mask = mask, .kind = (uint8_t)kind};
	x->x = (int32_t)get_i32(&r);
	x->y = (int32_t)get_i32(&r);
	x->code = (int32_t)get_i32(&r);
	x->text_len = get_varint(&r);
	if (r.bad || stream >= N_STREAMS || mask > (K_ALL | K_PRIORS) || kind >= N_EVENT_KINDS ||
	    x->text_len >= EVENT_TEXT_MAX || x->text_len > (size_t)(r.end - r.p) ||
	    memchr(r.p, '\0', x->text_len) || (n == 0 && (span || mask != K_ALL)))
		return SEG_HEADER;
	x->text = r.p;
	r.p += x->text_len;
	x->period = get_varint(&r);
	if (r.bad || x->period > MAX_PERIOD || (n == 0 && x->period))
		return SEG_HEADER;
	x->coded = (size_t)(r.p - p);
	*h = (struct seg_header){.id = id,
	                         .start = start,
	                         .end = start + span,
	                         .events = (uint32_t)n,
	                         .raw_len = 0,
	                         .stored_len = (uint32_t)(len - x->coded),
	                         .stream = (enum stream)stream};
	return SEG_OK;
}

enum seg_fault seg2_check(const uint8_t *p, size_t len, struct seg_header *h)
{
	struct head2 x;
	size_t size = 0;
	enum seg_fault f = seg2_size(p, len, &size);
	if (f != SEG_OK)
		return f;
	if (size != len)
		return SEG_LENGTH;
	uint32_t crc = 0;
	for (int i = 0; i < 4; i++)
		crc |= (uint32_t)p[8 + i] << (8 * i);
	if (crc != crc32c(0, p + FIXED, len - FIXED))
		return SEG_CHECKSUM;
	return read_header(p, len, h, &x);
}

/* The pool of a decoding: room for one more text of len bytes. */
static bool pool_room(struct seg_events *out, size_t *cap, size_t len)
{
	if (out->pool_len + len + 1 <= *cap)
		return true;
	if (*cap > SEGMENT_MAX_RAW)
		return false;
	*cap = *cap * 2 + len + 1;
	out->pool = xrealloc(out->pool, *cap);
	return true;
}

/* A text: the previous one, a recent one, or a new one into the pool;
 * false if it is not well formed. */
static bool get_text(struct models *md, struct seg_events *out, size_t *cap, unsigned kind,
                     uint32_t *off)
{
	struct texts *tx = &md->text;
	if (code_bit(&md->c, &tx->same[kind], 0)) {
		*off = tx->at[0];
		return true;
	}
	unsigned found = code_tree(&md->c, tx->recent, 4, 0);
	if (found >= tx->count)
		return false;
	if (found) {
		*off = tx->at[found];
	} else {
		found = tx->count;
		uint64_t len = code_num(&md->c, &tx->len, 0, tx->len_k, 0, &tx->len_k);
		if (len >= EVENT_TEXT_MAX || !pool_room(out, cap, len))
			return false;
		char *s = out->pool + out->pool_len;
		unsigned prev = 0;
		for (uint64_t i = 0; i < len; i++)
			if (!(s[i] = (char)(prev = code_tree(&md->c, byte_models(tx, prev), 8, 0))))
				return false;
		s[len] = '\0';
		*off = (uint32_t)out->pool_len;
		out->pool_len += len + 1;
	}
	text_seen(tx, found, *off);
	return true;
}

static bool get_event(struct models *md, const struct head2 *x, const struct seg_header *h,
                      struct seg_events *out, size_t *cap, uint32_t i)
{
	uint64_t t = md->t + code_time(md, 0);
	unsigned kind = x->kind;
	if (!(md->mask & K_KIND))
		kind = code_tree(&md->c, md->kind[md->kind_prev], 3, 0);
	if (t < h->start || t > h->end || kind >= N_EVENT_KINDS)
		return false;
	md->t = out->time[i] = t;
	md->kind_prev = out->kind[i] = (uint8_t)kind;
	int64_t px = i ? out->x[i - 1] : x->x, py = i ? out->y[i - 1] : x->y, v;
	v = md->mask & K_X ? x->x : code_axis(md, &md->x, kind, px, 0, 0);
	out->x[i] = (int32_t)v;
	if (!fits_i32(v))
		return false;
	v = md->mask & K_Y ? x->y : code_axis(md, &md->y, kind, py, 0, Y_EXTRA(md));
	out->y[i] = (int32_t)v;
	if (!fits_i32(v))
		return false;
	v = md->mask & K_CODE ? x->code : code_code(md, kind, 0);
	out->code[i] = md->code_prev[kind] = (int32_t)v;
	if (!fits_i32(v))
		return false;
	out->text[i] = md->mask & K_TEXT ? 1 : 0;
	return md->mask & K_TEXT || get_text(md, out, cap, kind, &out->text[i]);
}

static void events_alloc(struct seg_events *out, uint32_t n, const struct head2 *x, size_t cap)
{
	out->n = n;
	out->time = xcalloc(n ? n : 1, sizeof *out->time);
	out->kind = xcalloc(n ? n : 1, 1);
	out->x = xcalloc(n ? n : 1, sizeof *out->x);
	out->y = xcalloc(n ? n : 1, sizeof *out->y);
	out->code = xcalloc(n ? n : 1, sizeof *out->code);
	out->text = xcalloc(n ? n : 1, sizeof *out->text);
	/* Offset 0 is "", offset 1 the header's constant text. */
	out->pool = xmalloc(cap);
	out->pool[0] = '\0';
	memcpy(out->pool + 1, x->text, x->text_len);
	out->pool[1 + x->text_len] = '\0';
	out->pool_len = x->text_len + 2;
}

enum seg_fault seg2_decode(const uint8_t *p, size_t len, struct seg_header *h,
                           struct seg_events *out)
{
	struct head2 x;
	memset(out, 0, sizeof *out);
	enum seg_fault f = seg2_check(p, len, h);
	if (f != SEG_OK || (f = read_header(p, len, h, &x)) != SEG_OK)
		return f;
	size_t cap = x.text_len + 2 + 256;
	events_alloc(out, h->events, &x, cap);
	struct models *md = models_new(false, x.mask, h->start, x.period);
	if (x.mask & K_PRIORS)
		models_prime(md, h->stream);
	rc_dec_init(&md->c.d, p + x.coded, len - x.coded);
	uint64_t lo = UINT64_MAX, hi = 0;
	bool ok = true;
	for (uint32_t i = 0; ok && i < h->events; i++) {
		ok = get_event(md, &x, h, out, &cap, i);
		lo = out->time[i] < lo ? out->time[i] : lo;
		hi = out->time[i] > hi ? out->time[i] : hi;
	}
	f = !ok || !rc_dec_done(&md->c.d)                   ? SEG_PAYLOAD
	    : h->events && (lo != h->start || hi != h->end) ? SEG_SUMMARY
	                                                    : SEG_OK;
	models_free(md);
	if (f != SEG_OK)
		seg_events_fini(out);
	return f;
}
