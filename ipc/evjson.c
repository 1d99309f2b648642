/* The export's lines. Every string goes through evjson_string (JSON) or
 * evjson_csv_text (CSV), so text from a window title or a damaged file
 * still yields a line a strict parser accepts. */
#include "evjson.h"

#include <string.h>
#include <time.h>

#include "util.h"

void evjson_string(FILE *f, const char *s)
{
	size_t len = strlen(s);
	fputc('"', f);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = utf8_decode(s + i, len - i, &cp);
		if (n < 0) {
			/* As busstr does for the bus, byte by byte: the same text
			 * comes out of a file and out of the agent's answer. */
			fputs("\xef\xbf\xbd", f);
			i++;
			continue;
		}
		i += (size_t)n;
		switch (cp) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case 0x2028: /* JSON allows them raw; JavaScript ends a line there */
		case 0x2029:
			fprintf(f, "\\u%04x", (unsigned)cp);
			break;
		default:
			/* Controls, C1 ones too, and the bidi overrides and
			 * isolates: escaped, so that a terminal showing the
			 * JSON obeys none of them. */
			if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
			    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
				fprintf(f, "\\u%04x", (unsigned)cp);
			else
				fwrite(s + i - (size_t)n, 1, (size_t)n, f);
		}
	}
	fputc('"', f);
}

void evjson_iso(uint64_t usec, char *buf, size_t size)
{
	time_t t = (time_t)(usec / USEC_PER_SEC);
	struct tm tm;
	char ymdhms[32];
	gmtime_r(&t, &tm);
	strftime(ymdhms, sizeof ymdhms, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%06uZ", ymdhms, (unsigned)(usec % USEC_PER_SEC));
}

void evjson_fields(const char *k, bool *pos, bool *code, bool *text)
{
	*pos = *code = *text = true;
	if (strcmp(k, "motion") == 0)
		*code = *text = false;
	else if (strncmp(k, "button-", 7) == 0 || strcmp(k, "scroll") == 0)
		*text = false;
	else if (strncmp(k, "key-", 4) == 0)
		*pos = false;
	else if (strcmp(k, "focus") == 0)
		*pos = *code = false;
}

void evjson_line(FILE *f, const struct evjson_event *e, const uint64_t *segment)
{
	const char *k = e->kind;
	bool pos, code, text;
	char iso[40];

	evjson_fields(k, &pos, &code, &text);
	evjson_iso(e->time, iso, sizeof iso);
	fprintf(f, "{\"time\":\"%s\",\"us\":%llu,\"stream\":", iso, (unsigned long long)e->time);
	evjson_string(f, e->stream);
	if (segment)
		fprintf(f, ",\"segment\":%llu", (unsigned long long)*segment);
	fputs(",\"kind\":", f);
	evjson_string(f, k);
	if (pos)
		fprintf(f, ",\"x\":%d,\"y\":%d", e->x, e->y);
	if (code)
		fprintf(f, ",\"code\":%d", e->code);
	if (text) {
		fputs(",\"text\":", f);
		evjson_string(f, e->text);
	}
	fputs("}\n", f);
}

/* The first characters a spreadsheet takes for a formula (=, +, -, @)
 * or drops before one (TAB, CR); and ', so that the prefix can always be
 * taken off again. */
static bool csv_defused(const char *s)
{
	return *s && strchr("=+-@\t\r'", *s) != NULL;
}

void evjson_csv_text(FILE *f, const char *s)
{
	size_t len = strlen(s);
	/* Bytes of the ASCII range are whole characters whatever precedes
	 * them, so the test needs no decoding. */
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		fputc('"', f);
	if (csv_defused(s))
		fputc('\'', f);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = utf8_decode(s + i, len - i, &cp);
		if (n < 0) {
			fputs("\xef\xbf\xbd", f);
			i++;
			continue;
		}
		if (cp == '"')
			fputc('"', f);
		fwrite(s + i, 1, (size_t)n, f);
		i += (size_t)n;
	}
	if (quote)
		fputc('"', f);
}

void evjson_csv_header(FILE *f)
{
	fputs(EVJSON_CSV_HEADER, f);
}

void evjson_csv_line(FILE *f, const struct evjson_event *e)
{
	bool pos, code, text;
	char iso[40];

	evjson_fields(e->kind, &pos, &code, &text);
	evjson_iso(e->time, iso, sizeof iso);
	fprintf(f, "%s,%llu,", iso, (unsigned long long)e->time);
	evjson_csv_text(f, e->stream);
	fputc(',', f);
	evjson_csv_text(f, e->kind);
	if (pos)
		fprintf(f, ",%d,%d", e->x, e->y);
	else
		fputs(",,", f);
	if (code)
		fprintf(f, ",%d,", e->code);
	else
		fputs(",,", f);
	if (text)
		evjson_csv_text(f, e->text);
	fputs("\r\n", f);
}
