/* Sparklines: values to glyphs; see spark.h. */
#include "text/spark.h"

#include <math.h>
#include <string.h>

#define LEVELS 8

double spark_max(const double *v, size_t n)
{
	double max = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]) && v[i] > max)
			max = v[i];
	return max;
}

const char *spark_glyph(double v, double max, bool utf8)
{
	static const char *const block[LEVELS] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
	static const char *const ascii[LEVELS] = {"_", ".", ":", "-", "=", "+", "*", "#"};
	if (isnan(v))
		return utf8 ? "·" : " ";
	int level = max > 0 && v > 0 ? (int)(v / max * (LEVELS - 1) + 0.5) : 0;
	if (level > LEVELS - 1)
		level = LEVELS - 1;
	if (level == 0 && v > 0 && max > 0)
		level = 1;
	return (utf8 ? block : ascii)[level];
}

void spark_text(const double *v, size_t n, double max, bool utf8, char *buf, size_t size)
{
	size_t len = 0;
	if (size == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *g = spark_glyph(v[i], max, utf8);
		size_t gl = strlen(g);
		if (len + gl >= size)
			break;
		memcpy(buf + len, g, gl + 1);
		len += gl;
	}
}
