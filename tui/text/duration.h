/* Durations as people type them: "90s", "15m", "1h", "1h30m". The CLI and
 * the console's pause dialog share this so both accept exactly the same
 * words. */
#ifndef CAPCTL_DURATION_H
#define CAPCTL_DURATION_H

#include <stddef.h>
#include <stdint.h>

/* The longest duration accepted: a year. Anything the agent allows is far
 * shorter; the cap only keeps the arithmetic in range. */
#define DURATION_MAX_SECONDS (366u * 86400u)

/* Parses one to three parts, each a whole number followed by h, m or s, in
 * that order and each unit at most once ("1h30m", "90s", "2h5s"). Returns 0
 * with *seconds set, -EINVAL if s is not a duration, -ERANGE if it is zero
 * or longer than DURATION_MAX_SECONDS. */
int duration_parse(const char *s, uint32_t *seconds);

/* The shortest spelling duration_parse reads back: "1h30m", "45s", "0s". */
void duration_format(uint32_t seconds, char *buf, size_t size);

#endif
