/* A point in time as a person types it on the command line: an ISO 8601
 * date or date and time ("2026-11-29", "2026-11-29T07:00",
 * "2026-11-29T07:00:00.5Z", "2026-11-29 07:00+01:00"; local time when no
 * zone is given), or a duration back from now in the grammar of
 * duration.h ("2h", "1h30m"). Used by `capctl data export --since`. */
#ifndef CAPCTL_TIMEARG_H
#define CAPCTL_TIMEARG_H

#include <stdint.h>

/* Sets *usec (µs since the epoch, UTC) and returns 0, or -EINVAL when s is
 * neither form (or a date that does not exist), -ERANGE for a duration of
 * zero or over a year, or a time before 1970. now is the current time for
 * durations. */
int timearg_parse(const char *s, uint64_t now, uint64_t *usec);

#endif
