/* A binary range coder with adaptive bit models: the entropy coder of
 * segment format 2 (segment.h says how the format uses it). Pure: bytes
 * in, bytes out; the hot paths are inline because a segment codes tens of
 * decisions an event.
 *
 * The coder keeps a 32-bit range and a 64-bit low end (the carry goes up
 * through a pending byte and a count of 0xff bytes). A decision with a
 * model whose probability of a 1 is p/65536 splits the range at
 * bound = range * p >> 16: a 1 keeps [low, low + bound), a 0 the rest.
 * Whenever the range falls below 2^24 it is shifted up by a byte and a
 * byte goes out. The first byte the classic coder emits is always zero
 * and is not stored; at the end the coder emits the fewest bytes that pin
 * a value inside the final range, and the decoder reads zeros past the
 * end (at most 4). Bits with no model (rc_enc_direct) split the range
 * into equal parts instead. */
#ifndef CAPTURED_RANGECODER_H
#define CAPTURED_RANGECODER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An adaptive bit model. p is the probability of a 1, in 1/65536, held
 * as p - 32768 so that zeroed memory is a fresh model (even odds). n
 * counts the decisions seen up to RC_LIMIT: the model moves by 1/(n + 2)
 * of the way to each decision (the Krichevsky-Trofimov estimate while n is
 * small), and by 1/(RC_LIMIT + 2) once it has seen enough. */
struct rc_bit {
	int16_t q;
	uint16_t n;
};

#define RC_LIMIT 254

/* 65536 / (n + 2), rounded down, for n from 0 to RC_LIMIT. */
extern const uint16_t rc_rate[RC_LIMIT + 1];

static inline uint32_t rc_p(const struct rc_bit *m)
{
	return (uint32_t)(m->q + 32768);
}

static inline void rc_update(struct rc_bit *m, unsigned bit)
{
	/* Without a branch on bit: both moves are computed, one is kept. */
	uint32_t p = rc_p(m), r = rc_rate[m->n], keep = 0u - bit;
	uint32_t up = ((65535 - p) * r) >> 16, down = (p * r) >> 16;
	p += (up & keep) - (down & ~keep);
	m->q = (int16_t)((int32_t)p - 32768);
	m->n = (uint16_t)(m->n + (m->n < RC_LIMIT));
}

/* ---- encoding ---- */

struct rc_enc {
	uint64_t low;
	uint32_t range;
	uint8_t cache;    /* the byte waiting for a possible carry */
	bool first;       /* cache is still the zero byte never stored */
	uint64_t pending; /* 0xff bytes after cache, waiting too */
	uint8_t *out;     /* heap, grown as needed */
	size_t len, cap;
};

void rc_enc_init(struct rc_enc *e);
/* Moves the top byte of low out (through cache and pending). */
void rc_enc_shift(struct rc_enc *e);
/* Ends the stream; e->out holds e->len bytes, the caller frees it. */
void rc_enc_finish(struct rc_enc *e);

static inline void rc_enc_bit(struct rc_enc *e, struct rc_bit *m, unsigned bit)
{
	uint32_t bound = (uint32_t)(((uint64_t)e->range * rc_p(m)) >> 16), keep = 0u - bit;
	e->low += bound & ~keep;
	e->range = (bound & keep) | ((e->range - bound) & ~keep);
	rc_update(m, bit);
	while (e->range < (1u << 24)) {
		e->range <<= 8;
		rc_enc_shift(e);
	}
}

/* n bits of v (n at most RC_DIRECT_MAX), each even odds, with no model:
 * the range is cut into 2^n equal parts and v's is kept. */
#define RC_DIRECT_MAX 8

static inline void rc_enc_direct(struct rc_enc *e, uint32_t v, unsigned n)
{
	e->range >>= n;
	e->low += (uint64_t)v * e->range;
	while (e->range < (1u << 24)) {
		e->range <<= 8;
		rc_enc_shift(e);
	}
}

/* ---- decoding ---- */

struct rc_dec {
	const uint8_t *p, *end;
	uint32_t range, code;
	size_t past; /* zero bytes read past the end */
};

void rc_dec_init(struct rc_dec *d, const void *data, size_t len);
/* Whether the decoder read what the encoder wrote: every byte, and no
 * more than the 4 zeros an end may leave out. */
bool rc_dec_done(const struct rc_dec *d);

static inline uint8_t rc_dec_byte(struct rc_dec *d)
{
	if (d->p < d->end)
		return *d->p++;
	d->past++;
	return 0;
}

static inline unsigned rc_dec_bit(struct rc_dec *d, struct rc_bit *m)
{
	uint32_t bound = (uint32_t)(((uint64_t)d->range * rc_p(m)) >> 16);
	unsigned bit;
	if (d->code < bound) {
		d->range = bound;
		bit = 1;
	} else {
		d->code -= bound;
		d->range -= bound;
		bit = 0;
	}
	rc_update(m, bit);
	while (d->range < (1u << 24)) {
		d->range <<= 8;
		d->code = (d->code << 8) | rc_dec_byte(d);
	}
	return bit;
}

/* The n bits rc_enc_direct wrote. Damaged input may give a part past
 * the last; it is taken as the last. */
static inline uint32_t rc_dec_direct(struct rc_dec *d, unsigned n)
{
	d->range >>= n;
	uint32_t v = d->code / d->range;
	if (v >> n)
		v = (1u << n) - 1;
	d->code -= v * d->range;
	while (d->range < (1u << 24)) {
		d->range <<= 8;
		d->code = (d->code << 8) | rc_dec_byte(d);
	}
	return v;
}

#endif
