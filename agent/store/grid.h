/* The time grid of segment format 2 (segment.h): a device that reports at
 * a steady rate (a touchpad's frames) has its times coded as whole periods
 * and an offset from a grid that follows its clock. The encoder and the
 * decoder step the grid with the same code; the encoder also finds the
 * period. */
#ifndef CAPCTL_GRID_H
#define CAPCTL_GRID_H

#include "store/segment.h"

#include <stdint.h>

#define GRID_SHIFT 5
#define MAX_PERIOD (1u << 24)
#define ABS(j) ((j) < 0 ? -(j) : (j))
/* After a pause (more than 4 periods), a time further from the grid than
 * 8 times the offsets' mean magnitude (mean is 16 times it) moves the grid
 * to itself. */
#define SNAP(k, j, mean) ((k) > 4 && 2 * ABS(j) > (int64_t)(mean) + 16)

/* r (a time less the grid) as *k periods of P and an offset *j in
 * [-P/2, P/2). */
static inline __attribute__((always_inline)) void grid_split(uint64_t P, uint64_t r, int64_t *k,
                                                             int64_t *j)
{
	int64_t p = (int64_t)P, d = (int64_t)r;
	*k = d / p;
	*j = d % p;
	if (*j < 0) {
		(*k)--;
		*j += p;
	}
	if (*j >= (p + 1) / 2) {
		(*k)++;
		*j -= p;
	}
}

/* The grid after a time k periods and j from it: moved kP and j/32 (in
 * 1/256 µs), or, when the time is far off it after a pause (the device's
 * clock started again), moved to the time. */
static inline __attribute__((always_inline)) void
grid_step(uint64_t *grid, unsigned *frac256, uint64_t P, int64_t k, int64_t j, uint64_t mean)
{
	if (SNAP(k, j, mean)) {
		*grid += (uint64_t)k * P + (uint64_t)j;
		*frac256 = 0;
		return;
	}
	int64_t frac = (int64_t)*frac256 + j * (256 >> GRID_SHIFT);
	int64_t whole = frac >= 0 ? frac / 256 : -((255 - frac) / 256);
	*grid += (uint64_t)k * P + (uint64_t)whole;
	*frac256 = (unsigned)(frac - whole * 256);
}

/* The period of ev's times, or 0 when they follow none. */
uint64_t grid_find_period(const struct seg_events *ev);

#endif
