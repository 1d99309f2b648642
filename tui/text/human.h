/* Numbers in words a person reads at a glance: sizes in SI units (as the
 * policy counts megabytes), counts with separators, countdowns, power. Used
 * by the CLI's plain output and by the console's views alike. */
#ifndef CAPCTL_HUMAN_H
#define CAPCTL_HUMAN_H

#include <stddef.h>
#include <stdint.h>

/* "0 B", "999 B", "1.2 kB", "45 MB": two significant figures below ten,
 * whole numbers above, in units of 1000. */
void human_bytes(uint64_t bytes, char *buf, size_t size);
/* "1.2 kB/s"; "0 B/s" for anything below one byte a second. */
void human_rate(double bytes_per_second, char *buf, size_t size);
/* "12,345". */
void human_count(uint64_t n, char *buf, size_t size);
/* "12.3k", "4.5M": at most five columns, for narrow screens. */
void human_count_short(uint64_t n, char *buf, size_t size);
/* The pause countdown: "mm:ss" below an hour, else "h:mm:ss". */
void human_countdown(uint64_t seconds, char *buf, size_t size);
/* "45 s", "30 min", "1 h 30 min", "2 h". */
void human_minutes(uint64_t seconds, char *buf, size_t size);
/* "40 mW", "1.2 W". */
void human_power(double milliwatts, char *buf, size_t size);

#endif
