/* Numbers in words a person reads at a glance: sizes in SI units (as the
 * policy counts megabytes), counts with separators, countdowns, power, the
 * end of a span of time, who did something. Used by the CLI's plain output
 * and by the console's views alike. A figure never claims more than is
 * true: what is left and when something ends are rounded up, never down,
 * and shown to the second when less than ten minutes are left. */
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
/* "1 event", "0 events", "12,345 events": n and the word for that many.
 * The one place that says one or many. */
void human_counted(uint64_t n, const char *one, const char *many, char *buf, size_t size);
/* "12.3k", "4.5M": at most five columns, for narrow screens. */
void human_count_short(uint64_t n, char *buf, size_t size);
/* The pause countdown: "mm:ss" below an hour, else "h:mm:ss". */
void human_countdown(uint64_t seconds, char *buf, size_t size);
/* A length of time: exact below ten minutes ("45 s", "1 min 30 s",
 * "9 min 59 s"), else in whole minutes rounded up ("10 min", "1 h 30 min",
 * "25 h"). */
void human_minutes(uint64_t seconds, char *buf, size_t size);
/* When something that ends at end (realtime) ends, seen at now: to the
 * second when that is less than ten minutes away or past ("10:14:46"),
 * else the minute rounded up ("10:15"); the date first when it is not
 * today ("2027-01-04 10:15"). */
void human_until(uint64_t end, uint64_t now, char *buf, size_t size);
/* The person a uid is, as ls -l names them: the user name, else the
 * number; "captured" for what the agent did itself (CAPCTL_UID_AGENT). */
void human_user(uint32_t uid, char *buf, size_t size);
/* "40 mW", "1.2 W". */
void human_power(double milliwatts, char *buf, size_t size);

#endif
