/* The duration grammar of cli.md, strict on purpose: a typo in a pause
 * length must be an error naming the word, never a silent guess. */
#include "text/duration.h"

#include <errno.h>
#include <stdio.h>

int duration_parse(const char *s, uint32_t *seconds)
{
	static const struct {
		char unit;
		uint64_t mult;
	} units[] = {{'h', 3600}, {'m', 60}, {'s', 1}};
	uint64_t total = 0;
	size_t next_unit = 0;

	if (!s || !*s)
		return -EINVAL;
	while (*s) {
		uint64_t n = 0;
		size_t digits = 0;
		while (*s >= '0' && *s <= '9') {
			n = n * 10 + (uint64_t)(*s - '0');
			if (n > DURATION_MAX_SECONDS)
				n = DURATION_MAX_SECONDS + 1; /* saturate: still "too long" */
			s++;
			digits++;
		}
		if (!digits)
			return -EINVAL;
		size_t u = next_unit;
		while (u < sizeof units / sizeof units[0] && units[u].unit != *s)
			u++;
		if (u == sizeof units / sizeof units[0])
			return -EINVAL; /* no unit, an unknown one, or out of order */
		total += n * units[u].mult;
		if (total > DURATION_MAX_SECONDS)
			total = DURATION_MAX_SECONDS + 1;
		next_unit = u + 1;
		s++;
	}
	if (total == 0 || total > DURATION_MAX_SECONDS)
		return -ERANGE;
	*seconds = (uint32_t)total;
	return 0;
}

void duration_format(uint32_t seconds, char *buf, size_t size)
{
	uint32_t h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
	size_t used = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	if (h)
		used += (size_t)snprintf(buf + used, size - used, "%uh", h);
	if (m && used < size)
		used += (size_t)snprintf(buf + used, size - used, "%um", m);
	if ((s || seconds == 0) && used < size)
		snprintf(buf + used, size - used, "%us", s);
}
