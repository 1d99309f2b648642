/* Formatting only; no locale: the figures must read the same in a test's
 * screen capture as on anyone's terminal. */
#include "text/human.h"

#include <math.h>
#include <stdio.h>

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
	unsigned long long h = s / 3600, m = s / 60 % 60;
	if (s < 60)
		snprintf(buf, size, "%llu s", (unsigned long long)s);
	else if (h && m)
		snprintf(buf, size, "%llu h %llu min", h, m);
	else if (h)
		snprintf(buf, size, "%llu h", h);
	else
		snprintf(buf, size, "%llu min", m);
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
