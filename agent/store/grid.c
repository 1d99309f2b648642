/* Finding the period of a segment's times for format 2's grid (grid.h). */
#include "store/grid.h"

#include <stddef.h>

#define SAMPLE 1024 /* times a period is tried on */
#define GUESS 1024  /* differences it is guessed from */

/* The median of v[0..n), n > 0, which it reorders (Hoare's selection). */
static uint32_t median(uint32_t *v, size_t n)
{
	size_t lo = 0, hi = n - 1, want = n / 2;
	while (lo < hi) {
		uint32_t pivot = v[lo + (hi - lo) / 2];
		size_t i = lo, j = hi;
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				uint32_t t = v[i];
				v[i++] = v[j];
				v[j] = t;
				if (j == 0)
					break;
				j--;
			}
		}
		if (want <= j)
			hi = j;
		else if (want >= i)
			lo = i;
		else
			break;
	}
	return v[want];
}

/* The grid of period P run over a sample of the times, as the decoder
 * will follow it: the offsets' sum of magnitudes, their sum and the
 * periods' (of steps of 1 to 7 periods), and how many were within a
 * quarter period. */
struct grid_run {
	uint64_t P, grid, mean;
	unsigned frac;
	int64_t abs_j, sum_j, sum_k;
	uint32_t held, tried;
};

static inline __attribute__((always_inline)) void grid_run_step(struct grid_run *g, uint64_t t)
{
	int64_t P = (int64_t)g->P, k, j;
	grid_split(g->P, t - g->grid, &k, &j);
	/* A time far off the grid says little of the period. */
	g->abs_j += 8 * ABS(j) < P ? ABS(j) : P / 8;
	if (k > 0 && k < 8 && 8 * ABS(j) < P) {
		g->sum_j += j;
		g->sum_k += k;
	}
	g->held += 4 * ABS(j) < P;
	g->mean += (uint64_t)ABS(j) - (g->mean >> 4);
	grid_step(&g->grid, &g->frac, g->P, k, j, g->mean);
	g->tried++;
}

/* The grids of n periods run side by side, in one pass over the times:
 * each is a chain of dependent steps (a division among them), so the
 * processor overlaps them. */
static void run_grids(const struct seg_events *ev, const uint64_t *P, int n, struct grid_run *g)
{
	for (int c = 0; c < n; c++)
		g[c] = (struct grid_run){.P = P[c], .grid = ev->n ? ev->time[0] : 0};
	uint32_t last = ev->n < SAMPLE + 1 ? ev->n : SAMPLE + 1;
	for (uint32_t i = 1; i < last; i++)
		for (int c = 0; c < n; c++)
			grid_run_step(&g[c], ev->time[i]);
}

/* The median of the differences near the median difference, or 0. */
static uint64_t period_guess(const struct seg_events *ev)
{
	uint32_t d[GUESS], near[GUESS];
	size_t n = 0, m = 0;
	for (uint32_t i = 1; i < ev->n && n < GUESS; i++) {
		uint64_t v = ev->time[i] - ev->time[i - 1];
		if (ev->time[i] >= ev->time[i - 1] && v > 0 && v < MAX_PERIOD)
			d[n++] = (uint32_t)v;
	}
	if (n < 64)
		return 0;
	uint64_t mid = median(d, n);
	for (size_t i = 0; i < n; i++)
		if (3 * (uint64_t)d[i] >= 2 * mid && 3 * (uint64_t)d[i] < 4 * mid)
			near[m++] = d[i];
	return m ? median(near, m) : 0;
}

/* The period of a device that reports at a steady rate (a touchpad's
 * frames), or 0 when the times follow none: a guess, corrected twice by
 * the drift of the grid it makes, then the best of it and its two
 * neighbours; kept when its grid holds three quarters of the times within
 * a quarter period. */
uint64_t grid_find_period(const struct seg_events *ev)
{
	uint64_t P = period_guess(ev);
	if (P < 16)
		return 0;
	/* A run is a function of P alone: a correction of 0 (a good guess)
	 * needs no run again. */
	struct grid_run g[3] = {{.P = 0}};
	for (int round = 0; round < 2; round++) {
		if (g[0].P != P)
			run_grids(ev, &P, 1, g);
		if (!g[0].sum_k)
			return 0;
		int64_t fix = g[0].sum_j / (g[0].sum_k << GRID_SHIFT);
		if ((int64_t)P + fix < 16 || (int64_t)P + fix >= MAX_PERIOD)
			return 0;
		P = (uint64_t)((int64_t)P + fix);
	}
	uint64_t tried[3] = {P, P - 1, P + 1};
	if (g[0].P == P)
		run_grids(ev, tried + 1, 2, g + 1);
	else
		run_grids(ev, tried, 3, g);
	const struct grid_run *best = &g[0];
	for (int c = 1; c < 3; c++)
		if (g[c].abs_j < best->abs_j)
			best = &g[c];
	return 4 * (uint64_t)best->held >= 3 * (uint64_t)best->tried ? best->P : 0;
}
