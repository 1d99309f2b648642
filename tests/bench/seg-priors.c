/* Makes agent/store/segment2-priors.h, the priors segment format 2's
 * models start from (segment2.c), from the segment files of spools:
 *
 *   seg-priors CAP FILE... > agent/store/segment2-priors.h
 *
 * Each file's events are coded with models that start at even odds; a
 * model's final state tells how many decisions it took and how many were
 * 1s (its probability is the Krichevsky-Trofimov estimate until it has
 * seen RC_LIMIT). A prior is the estimate over all files of a stream with
 * a period, or without one, counted as at most CAP decisions seen, so a
 * segment's own decisions soon outweigh it. Models that took fewer than
 * MIN_SEEN decisions in all get none.
 *
 * The priors are part of the format, made once: CAP 8, the spools of
 * `synth-evemu 600 5 trackpad` and `synth-evemu 3600 11` replayed at full
 * fidelity with 10-second segments (other seeds than make bench's). The
 * spools must be read by the build that wrote them: a table made anew
 * needs a flag of its own in the format. */
#include "../../agent/store/segment2.c"

#include <stdio.h>

#define MIN_SEEN 16
#define SLOTS (1u << 21)

struct tally {
	uint32_t key; /* set (stream, period or not), model, part, index; 0 for none */
	double seen, ones;
};

static struct tally *tallies;
static unsigned cap;

static uint32_t key_of(unsigned s, unsigned model, unsigned part, unsigned i)
{
	return (uint32_t)(s + 1) << 28 | (uint32_t)model << 24 | (uint32_t)part << 13 | i;
}

static struct tally *tally(uint32_t key)
{
	uint32_t h = key * 2654435761u % SLOTS;
	while (tallies[h].key && tallies[h].key != key)
		h = (h + 1) % SLOTS;
	tallies[h].key = key;
	return &tallies[h];
}

static void count(unsigned s, unsigned model, unsigned part, unsigned i, const struct rc_bit *m)
{
	if (!m->n)
		return;
	struct tally *t = tally(key_of(s, model, part, i));
	double p = rc_p(m) / 65536.0;
	t->seen += m->n;
	t->ones += m->n < RC_LIMIT ? p * (m->n + 1) - 0.5 : p * m->n;
}

/* Every model the segment used, numbered as segment2.c's priors. */
static void count_models(struct models *md, unsigned s)
{
	for (unsigned model = PM_TIME; model <= PM_TEXT_LEN; model++) {
		struct num_model *nm = prior_num(md, model);
		for (unsigned part = 0; part < 4; part++)
			for (unsigned i = 0; i < (part == 3 ? NUM_CTX * 2 * NUM_STEPS : NUM_CTX);
			     i++)
				count(s, model, part, i, num_slot(nm, part, i));
		for (unsigned k = 0; k < CLASSES; k++)
			if (nm->made[k / 64] & (1ULL << (k % 64)))
				for (unsigned i = 0; i < (1u << nm->depth) + 64; i++)
					count(s, model, 4 + k, i, &nm->tree[k][i]);
	}
	for (unsigned part = 0; part < N_EVENT_KINDS; part++)
		for (unsigned i = 0; i < 8; i++)
			count(s, PM_KIND, part, i, &md->kind[part][i]);
	for (unsigned i = 0; i < N_EVENT_KINDS; i++) {
		count(s, PM_CODE_SAME, 0, i, &md->code_same[i]);
		count(s, PM_TEXT_SAME, 0, i, &md->text.same[i]);
	}
	for (unsigned i = 0; i < 16; i++)
		count(s, PM_TEXT_RECENT, 0, i, &md->text.recent[i]);
	for (unsigned part = 0; part < 256; part++)
		if (md->text.ready[part / 64] & (1ULL << (part % 64)))
			for (unsigned i = 0; i < 256; i++)
				count(s, PM_TEXT_BYTES, part, i, &md->text.bytes[part][i]);
}

/* seg2_encode's coding, with no priors, the models kept to be counted. */
static void learn(const struct seg_events *ev, enum stream s)
{
	uint64_t start = ev->n ? UINT64_MAX : 0;
	for (uint32_t i = 0; i < ev->n; i++)
		start = ev->time[i] < start ? ev->time[i] : start;
	uint64_t period = find_period(ev);
	struct models *md = models_new(true, constant_columns(ev), start, period);
	rc_enc_init(&md->c.e);
	for (uint32_t i = 0; i < ev->n; i++)
		put_event(md, ev, i);
	rc_enc_finish(&md->c.e);
	free(md->c.e.out);
	count_models(md, 2 * s + (period != 0));
	models_free(md);
}

static int by_key(const void *a, const void *b)
{
	uint32_t x = ((const struct tally *)a)->key, y = ((const struct tally *)b)->key;
	return (x > y) - (x < y);
}

static void print(void)
{
	qsort(tallies, SLOTS, sizeof *tallies, by_key);
	printf("/* The priors of segment format 2's models (segment2.c says what they\n"
	       " * are), made once by tests/bench/seg-priors %u from the synthetic\n"
	       " * recordings. Part of the format: never edit. */\n"
	       "// clang-format off\n",
	       cap);
	size_t counts[2 * N_STREAMS] = {0};
	for (unsigned s = 0; s < 2 * N_STREAMS; s++) {
		unsigned col = 0;
		for (size_t i = 0; i < SLOTS; i++) {
			const struct tally *t = &tallies[i];
			if (t->key >> 28 != s + 1 || t->seen < MIN_SEEN)
				continue;
			if (!counts[s]++)
				printf("static const struct seg2_prior prior_%u_%u[] = {\n", s / 2,
				       s % 2);
			double p = 65536.0 * (t->ones + 0.5) / (t->seen + 1);
			p = p < 64 ? 64 : p > 65472 ? 65472 : p;
			printf("%s{%u,%u,%u,%.0f,%u},", col ? "" : "\t", t->key >> 24 & 15,
			       t->key >> 13 & 2047, t->key & 8191, p,
			       t->seen < cap ? (unsigned)t->seen : cap);
			if (++col == 6) {
				printf("\n");
				col = 0;
			}
		}
		if (counts[s])
			printf("%s};\n", col ? "\n" : "");
	}
	printf("static const struct seg2_prior_set seg2_priors[N_STREAMS][2] = {\n");
	for (unsigned s = 0; s < 2 * N_STREAMS; s++) {
		if (counts[s])
			printf("%s{prior_%u_%u, %zu}", s % 2 ? ", " : "\t{", s / 2, s % 2,
			       counts[s]);
		else
			printf("%s{NULL, 0}", s % 2 ? ", " : "\t{");
		printf("%s", s % 2 ? "},\n" : "");
	}
	printf("};\n// clang-format on\n");
}

int main(int argc, char **argv)
{
	if (argc < 3 || (cap = (unsigned)atoi(argv[1])) < 1 || cap > RC_LIMIT) {
		fprintf(stderr, "usage: seg-priors CAP FILE...\n");
		return 2;
	}
	tallies = xcalloc(SLOTS, sizeof *tallies);
	for (int a = 2; a < argc; a++) {
		struct buf b = {0};
		struct seg_header h;
		struct seg_events ev;
		if (buf_read_file(argv[a], &b) != 0 || segment_decode(b.p, b.len, &h, &ev) != 0) {
			fprintf(stderr, "seg-priors: %s: not a segment\n", argv[a]);
			return 1;
		}
		learn(&ev, h.stream);
		seg_events_fini(&ev);
		buf_free(&b);
	}
	print();
	free(tallies);
	return 0;
}
