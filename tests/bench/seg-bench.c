/* The segment codec measured on the segment files of a spool: for each
 * stream and overall, the bytes per event of format 1 (the release
 * before's: the payload in a zstd frame at level 12 behind a 64-byte
 * header, written here as that release wrote it) and of format 2 (what the
 * agent writes now), and the µs per event to encode and to decode format 2.
 * Every file is decoded, both encodings decoded again and compared with
 * it, so a figure is never of a lossy encoding.
 *
 *   seg-bench FILE...
 *
 * With SEG_BENCH_DUMP=DIR, each file's format 2 encoding is written there
 * too, as ID.seg.
 *
 * Output, one line per stream with events, then "all":
 *   STREAM EVENTS SEGMENTS F1_BYTES F2_BYTES F1_B/EV F2_B/EV
 * then "encode US/EV" and "decode US/EV" of format 2. */
#include "control/policy.h"
#include "store/segment.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zstd.h>

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Format 1, as doc/formats.md gives it. */
static void encode_v1(const struct seg_cols *c, enum stream s, uint64_t id, struct buf *out)
{
	struct buf payload = {0};
	seg_cols_payload(c, &payload);
	size_t bound = ZSTD_compressBound(payload.len);
	uint8_t *z = xmalloc(bound);
	size_t zn = ZSTD_compress(z, bound, payload.p, payload.len, 12);
	if (ZSTD_isError(zn)) {
		fprintf(stderr, "seg-bench: zstd: %s\n", ZSTD_getErrorName(zn));
		exit(1);
	}
	uint8_t h[SEGMENT_HEADER_SIZE] = {'C', 'A', 'P', 'S', 'E', 'G', 0, 1};
	put_le(h + 8, id, 8);
	put_le(h + 16, c->first, 8);
	put_le(h + 24, c->last, 8);
	put_le(h + 32, c->n, 4);
	put_le(h + 36, payload.len, 4);
	put_le(h + 40, zn, 4);
	h[44] = (uint8_t)s;
	h[45] = 1;
	out->len = 0;
	buf_put(out, h, sizeof h);
	buf_put(out, z, zn);
	static const uint8_t zero[4] = {0};
	uint32_t crc = crc32c(0, out->p, 48);
	crc = crc32c(crc, zero, 4);
	crc = crc32c(crc, out->p + 52, out->len - 52);
	put_le(out->p + 48, crc, 4);
	free(z);
	buf_free(&payload);
}

struct seg {
	struct seg_header h;
	struct seg_cols cols;
	struct buf v2;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void same_events(const struct seg_events *a, const struct seg_events *b, const char *what)
{
	bool same = a->n == b->n;
	for (uint32_t i = 0; same && i < a->n; i++)
		same = a->time[i] == b->time[i] && a->kind[i] == b->kind[i] && a->x[i] == b->x[i] &&
		       a->y[i] == b->y[i] && a->code[i] == b->code[i] &&
		       strcmp(a->pool + a->text[i], b->pool + b->text[i]) == 0;
	if (!same) {
		fprintf(stderr, "seg-bench: %s does not give back the events\n", what);
		exit(1);
	}
}

static uint8_t *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = {0};
	uint8_t chunk[65536];
	size_t n;
	if (!f) {
		fprintf(stderr, "seg-bench: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return b.p ? b.p : xcalloc(1, 1);
}

static void load(const char *path, struct seg *s, uint64_t sizes[N_STREAMS][4])
{
	size_t len = 0;
	uint8_t *data = read_whole(path, &len);
	struct seg_events ev, again;
	if (segment_decode(data, len, &s->h, &ev) != 0) {
		fprintf(stderr, "seg-bench: %s: not a segment\n", path);
		exit(1);
	}
	seg_cols_init(&s->cols, ev.n ? ev.time[0] : 0);
	for (uint32_t i = 0; i < ev.n; i++) {
		struct event e;
		seg_events_get(&ev, i, s->h.stream, &e);
		seg_cols_add(&s->cols, &e);
	}
	struct buf v1 = {0};
	encode_v1(&s->cols, s->h.stream, s->h.id, &v1);
	struct seg_header h;
	if (segment_decode(v1.p, v1.len, &h, &again) != 0)
		same_events(&ev, &(struct seg_events){.n = UINT32_MAX}, "format 1");
	same_events(&ev, &again, "format 1");
	seg_events_fini(&again);
	s->v2 = (struct buf){0};
	if (segment_encode(&s->cols, s->h.stream, s->h.id, &s->v2) != 0 ||
	    segment_decode(s->v2.p, s->v2.len, &h, &again) != 0)
		same_events(&ev, &(struct seg_events){.n = UINT32_MAX}, "format 2");
	same_events(&ev, &again, "format 2");
	seg_events_fini(&again);
	const char *dump = getenv("SEG_BENCH_DUMP");
	if (dump) {
		char *out = xasprintf("%s/%016llx.seg", dump, (unsigned long long)s->h.id);
		FILE *f = fopen(out, "wb");
		if (!f || fwrite(s->v2.p, 1, s->v2.len, f) != s->v2.len || fclose(f) != 0) {
			fprintf(stderr, "seg-bench: %s: %s\n", out, strerror(errno));
			exit(1);
		}
		free(out);
	}
	uint64_t *z = sizes[s->h.stream];
	z[0] += ev.n;
	z[1] += 1;
	z[2] += v1.len;
	z[3] += s->v2.len;
	seg_events_fini(&ev);
	buf_free(&v1);
	free(data);
}

static void row(const char *name, const uint64_t z[4])
{
	printf("%-15s %8llu %5llu %9llu %9llu %7.3f %7.3f\n", name, (unsigned long long)z[0],
	       (unsigned long long)z[1], (unsigned long long)z[2], (unsigned long long)z[3],
	       z[0] ? (double)z[2] / (double)z[0] : 0, z[0] ? (double)z[3] / (double)z[0] : 0);
}

/* µs per event of encoding (or decoding) every segment, repeated for at
 * least half a second. */
static unsigned min_rounds;

static double timed(struct seg *segs, int n, uint64_t events, bool encode)
{
	struct buf out = {0};
	double t0 = now(), t;
	unsigned rounds = 0;
	do {
		for (int i = 0; i < n; i++) {
			if (encode) {
				segment_encode(&segs[i].cols, segs[i].h.stream, segs[i].h.id, &out);
			} else {
				struct seg_header h;
				struct seg_events ev;
				segment_decode(segs[i].v2.p, segs[i].v2.len, &h, &ev);
				seg_events_fini(&ev);
			}
		}
		rounds++;
		t = now();
	} while (t - t0 < 0.5 || rounds < min_rounds);
	buf_free(&out);
	return events ? (t - t0) * 1e6 / ((double)events * rounds) : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: seg-bench FILE...\n");
		return 2;
	}
	int n = argc - 1;
	struct seg *segs = xcalloc((size_t)n, sizeof *segs);
	uint64_t sizes[N_STREAMS][4] = {{0}}, all[4] = {0};
	for (int i = 0; i < n; i++)
		load(argv[i + 1], &segs[i], sizes);
	printf("%-15s %8s %5s %9s %9s %7s %7s\n", "stream", "events", "segs", "f1_bytes",
	       "f2_bytes", "f1_B/ev", "f2_B/ev");
	for (int s = 0; s < N_STREAMS; s++) {
		for (int k = 0; k < 4; k++)
			all[k] += sizes[s][k];
		if (sizes[s][0])
			row(stream_id((enum stream)s), sizes[s]);
	}
	row("all", all);
	printf("encode %.4f us/event\n", timed(segs, n, all[0], true));
	printf("decode %.4f us/event\n", timed(segs, n, all[0], false));
	for (int i = 0; i < n; i++) {
		seg_cols_fini(&segs[i].cols);
		buf_free(&segs[i].v2);
	}
	free(segs);
	return 0;
}
