/* The range coder of segment format 2 (rangecoder.h). */
#include "store/rangecoder.h"
#include "util.h"

#include <string.h>

/* 65536 / (n + 2) for n from 0 to RC_LIMIT. */
const uint16_t rc_rate[RC_LIMIT + 1] = {
    32768, 21845, 16384, 13107, 10922, 9362, 8192, 7281, 6553, 5957, 5461, 5041, 4681, 4369, 4096,
    3855,  3640,  3449,  3276,  3120,  2978, 2849, 2730, 2621, 2520, 2427, 2340, 2259, 2184, 2114,
    2048,  1985,  1927,  1872,  1820,  1771, 1724, 1680, 1638, 1598, 1560, 1524, 1489, 1456, 1424,
    1394,  1365,  1337,  1310,  1285,  1260, 1236, 1213, 1191, 1170, 1149, 1129, 1110, 1092, 1074,
    1057,  1040,  1024,  1008,  992,   978,  963,  949,  936,  923,  910,  897,  885,  873,  862,
    851,   840,   829,   819,   809,   799,  789,  780,  771,  762,  753,  744,  736,  728,  720,
    712,   704,   697,   689,   682,   675,  668,  661,  655,  648,  642,  636,  630,  624,  618,
    612,   606,   601,   595,   590,   585,  579,  574,  569,  564,  560,  555,  550,  546,  541,
    537,   532,   528,   524,   520,   516,  512,  508,  504,  500,  496,  492,  489,  485,  481,
    478,   474,   471,   468,   464,   461,  458,  455,  451,  448,  445,  442,  439,  436,  434,
    431,   428,   425,   422,   420,   417,  414,  412,  409,  407,  404,  402,  399,  397,  394,
    392,   390,   387,   385,   383,   381,  378,  376,  374,  372,  370,  368,  366,  364,  362,
    360,   358,   356,   354,   352,   350,  348,  346,  344,  343,  341,  339,  337,  336,  334,
    332,   330,   329,   327,   326,   324,  322,  321,  319,  318,  316,  315,  313,  312,  310,
    309,   307,   306,   304,   303,   302,  300,  299,  297,  296,  295,  293,  292,  291,  289,
    288,   287,   286,   284,   283,   282,  281,  280,  278,  277,  276,  275,  274,  273,  271,
    270,   269,   268,   267,   266,   265,  264,  263,  262,  261,  260,  259,  258,  257,  256,
};

void rc_enc_init(struct rc_enc *e)
{
	*e = (struct rc_enc){.range = UINT32_MAX, .first = true};
}

static void put_byte(struct rc_enc *e, uint8_t b)
{
	if (e->len == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 256;
		e->out = xrealloc(e->out, e->cap);
	}
	e->out[e->len++] = b;
}

void rc_enc_shift(struct rc_enc *e)
{
	/* A byte can still change while a carry may reach it: 0xff bytes
	 * wait in pending behind cache until the top byte of low is known. */
	if (e->low < 0xff000000u || e->low > UINT32_MAX) {
		uint8_t carry = (uint8_t)(e->low >> 32);
		if (!e->first)
			put_byte(e, (uint8_t)(e->cache + carry));
		e->first = false;
		for (; e->pending; e->pending--)
			put_byte(e, (uint8_t)(0xff + carry));
		e->cache = (uint8_t)(e->low >> 24);
	} else {
		e->pending++;
	}
	e->low = (e->low & 0x00ffffffu) << 8;
}

void rc_enc_finish(struct rc_enc *e)
{
	/* The value in [low, low + range) with the most zero bits at the
	 * end: its zero bytes need not be stored. */
	uint64_t hi = e->low + e->range - 1, v = hi;
	for (int m = 32; m > 0; m--) {
		uint64_t c = hi & ~((1ULL << m) - 1);
		if (c >= e->low) {
			v = c;
			break;
		}
	}
	e->low = v;
	for (int i = 0; i < 5; i++)
		rc_enc_shift(e);
	/* The last four bytes out are v's; the decoder reads zeros for those
	 * left off. */
	for (int i = 0; i < 4 && e->len && e->out[e->len - 1] == 0; i++)
		e->len--;
}

void rc_dec_init(struct rc_dec *d, const void *data, size_t len)
{
	*d = (struct rc_dec){.p = data, .end = (const uint8_t *)data + len, .range = UINT32_MAX};
	for (int i = 0; i < 4; i++)
		d->code = (d->code << 8) | rc_dec_byte(d);
}

bool rc_dec_done(const struct rc_dec *d)
{
	return d->p == d->end && d->past <= 4 && d->code < d->range;
}
