/* Formatting only; no locale: the figures must read the same in a test's
 * screen capture as on anyone's terminal. */
#include "text/human.h"
#include "names.h"
#include "util.h"

#include <math.h>
#include <pwd.h>
#include <stdio.h>
#include <time.h>

/* Below this, lengths and ends are shown to the second. */
#define EXACT_BELOW (10 * 60)

static void scaled(double v, const char *const *units, size_t n_units, const char *suffix,
                   char *buf, size_t size)
{
	size_t u = 0;
	while (u + 1 < n_units && v >= 999.5) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%.0f %s%s", v, units[u], suffix);
	else if (v < 9.95)
		snprintf(buf, size, "%.1f %s%s", v, units[u], suffix);
	else
		snprintf(buf, size, "%.0f %s%s", v, units[u], suffix);
}

static const char *const byte_units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};

void human_bytes(uint64_t bytes, char *buf, size_t size)
{
	scaled((double)bytes, byte_units, sizeof byte_units / sizeof byte_units[0], "", buf, size);
}

void human_rate(double bps, char *buf, size_t size)
{
	if (!(bps >= 0.5))
		bps = 0; /* also catches NaN */
	scaled(bps, byte_units, sizeof byte_units / sizeof byte_units[0], "/s", buf, size);
}

void human_count(uint64_t n, char *buf, size_t size)
{
	char digits[32];
	int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
	char out[48];
	size_t o = 0;
	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	snprintf(buf, size, "%s", out);
}

void human_counted(uint64_t n, const char *one, const char *many, char *buf, size_t size)
{
	char count[32];
	human_count(n, count, sizeof count);
	snprintf(buf, size, "%s %s", count, n == 1 ? one : many);
}

void human_count_short(uint64_t n, char *buf, size_t size)
{
	static const char *const units[] = {"", "k", "M", "G", "T", "P", "E"};
	double v = (double)n;
	size_t u = 0;
	if (n < 10000) {
		snprintf(buf, size, "%llu", (unsigned long long)n);
		return;
	}
	while (u + 1 < sizeof units / sizeof units[0] && v >= 999.5) {
		v /= 1000;
		u++;
	}
	if (v < 9.95)
		snprintf(buf, size, "%.1f%s", v, units[u]);
	else
		snprintf(buf, size, "%.0f%s", v, units[u]);
}

void human_countdown(uint64_t s, char *buf, size_t size)
{
	if (s >= 3600)
		snprintf(buf, size, "%llu:%02llu:%02llu", (unsigned long long)(s / 3600),
		         (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
	else
		snprintf(buf, size, "%02llu:%02llu", (unsigned long long)(s / 60),
		         (unsigned long long)(s % 60));
}

void human_minutes(uint64_t s, char *buf, size_t size)
{
	if (s < 60) {
		snprintf(buf, size, "%llu s", (unsigned long long)s);
		return;
	}
	if (s < EXACT_BELOW) {
		if (s % 60)
			snprintf(buf, size, "%llu min %llu s", (unsigned long long)(s / 60),
			         (unsigned long long)(s % 60));
		else
			snprintf(buf, size, "%llu min", (unsigned long long)(s / 60));
		return;
	}
	uint64_t minutes = s / 60 + (s % 60 != 0);
	unsigned long long h = minutes / 60, m = minutes % 60;
	if (h && m)
		snprintf(buf, size, "%llu h %llu min", h, m);
	else if (h)
		snprintf(buf, size, "%llu h", h);
	else
		snprintf(buf, size, "%llu min", m);
}

void human_until(uint64_t end, uint64_t now, char *buf, size_t size)
{
	uint64_t second = USEC_PER_SEC, minute = 60 * USEC_PER_SEC;
	bool exact = end <= now || end - now < (uint64_t)EXACT_BELOW * USEC_PER_SEC;
	/* Rounded up: what is said to last until then does. */
	uint64_t step = exact ? second : minute;
	uint64_t shown = end / step * step + (end % step ? step : 0);
	time_t t = (time_t)(shown / USEC_PER_SEC);
	struct tm tm;
	localtime_r(&t, &tm);
	bool today = local_day(shown) == local_day(now);
	strftime(buf, size,
	         exact ? (today ? "%H:%M:%S" : "%Y-%m-%d %H:%M:%S")
	               : (today ? "%H:%M" : "%Y-%m-%d %H:%M"),
	         &tm);
}

void human_user(uint32_t uid, char *buf, size_t size)
{
	struct passwd pw, *res = NULL;
	char tmp[1024];
	if (uid == CAPCTL_UID_AGENT)
		snprintf(buf, size, "captured");
	else if (getpwuid_r(uid, &pw, tmp, sizeof tmp, &res) == 0 && res)
		snprintf(buf, size, "%s", res->pw_name);
	else
		snprintf(buf, size, "%u", uid);
}

void human_power(double mw, char *buf, size_t size)
{
	if (!(mw >= 0))
		mw = 0;
	if (mw < 999.5)
		snprintf(buf, size, "%.0f mW", mw);
	else if (mw < 9950)
		snprintf(buf, size, "%.1f W", mw / 1000);
	else
		snprintf(buf, size, "%.0f W", mw / 1000);
}
