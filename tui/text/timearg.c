/* Strict on purpose, like the durations: a typo must be an error naming
 * the word, never a silent guess at what was meant. */
#include "text/timearg.h"
#include "text/duration.h"
#include "util.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

/* Reads exactly n digits at *p. */
static bool digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* A decimal fraction of a second after the '.' or ',' at *p, in µs (digits
 * past the sixth are read and dropped). */
static bool fraction(const char **p, uint32_t *frac)
{
	const char *s = *p + 1;
	int n = 0;
	for (; *s >= '0' && *s <= '9'; s++, n++)
		if (n < 6)
			*frac = *frac * 10 + (uint32_t)(*s - '0');
	if (n == 0)
		return false;
	for (; n < 6; n++)
		*frac *= 10;
	*p = s;
	return true;
}

static int parse_iso(const char *s, uint64_t *usec)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0;
	uint32_t frac = 0;
	bool zone = false;
	int64_t offset = 0; /* seconds east of UTC */

	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
	    !digits(&p, 2, &d))
		return -EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -EINVAL;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
			return -EINVAL;
		if (*p == ':') {
			p++;
			if (!digits(&p, 2, &sec))
				return -EINVAL;
			if ((*p == '.' || *p == ',') && !fraction(&p, &frac))
				return -EINVAL;
		}
		if (h > 23 || mi > 59 || sec > 59)
			return -EINVAL;
		if (*p == 'Z' || *p == 'z') {
			zone = true;
			p++;
		} else if (*p == '+' || *p == '-') {
			int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
			if (!digits(&p, 2, &oh))
				return -EINVAL;
			if (*p == ':')
				p++;
			if (*p && !digits(&p, 2, &om))
				return -EINVAL;
			if (oh > 14 || om > 59)
				return -EINVAL;
			zone = true;
			offset = sign * (oh * 3600 + om * 60);
		}
	}
	if (*p)
		return -EINVAL;
	int64_t t;
	if (zone) {
		t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
	} else {
		struct tm tm = {.tm_year = y - 1900,
		                .tm_mon = mo - 1,
		                .tm_mday = d,
		                .tm_hour = h,
		                .tm_min = mi,
		                .tm_sec = sec,
		                .tm_isdst = -1};
		time_t tt = mktime(&tm);
		if (tt == (time_t)-1 && !(y == 1969 && mo == 12 && d == 31))
			return -ERANGE;
		t = (int64_t)tt;
	}
	if (t < 0)
		return -ERANGE;
	*usec = (uint64_t)t * USEC_PER_SEC + frac;
	return 0;
}

int timearg_parse(const char *s, uint64_t now, uint64_t *usec)
{
	uint32_t seconds;
	if (!s || !*s)
		return -EINVAL;
	if (strlen(s) >= 10 && s[4] == '-')
		return parse_iso(s, usec);
	int r = duration_parse(s, &seconds);
	if (r < 0)
		return r;
	uint64_t back = (uint64_t)seconds * USEC_PER_SEC;
	*usec = now > back ? now - back : 0;
	return 0;
}
