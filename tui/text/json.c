/* JSON output. Keys and values go through one escaping routine
 * (evjson_string, shared with the exports and captured --decode), so a
 * reason with quotes, newlines or control bytes still yields a document a
 * strict parser accepts. */
#include "text/json.h"
#include "evjson.h"

#include <math.h>
#include <string.h>

void json_init(struct json *j, FILE *f)
{
	memset(j, 0, sizeof *j);
	j->f = f;
	j->first[0] = true;
}

void json_finish(struct json *j)
{
	fputc('\n', j->f);
}

static void indent(struct json *j)
{
	fputc('\n', j->f);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Comma and indentation before a value or a key. */
static void before(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0) {
		if (!j->first[j->depth])
			fputc(',', j->f);
		indent(j);
	}
	j->first[j->depth] = false;
}

static void open(struct json *j, char c)
{
	before(j);
	fputc(c, j->f);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_(struct json *j, char c)
{
	bool empty = j->first[j->depth];
	if (j->depth > 0)
		j->depth--;
	if (!empty)
		indent(j);
	fputc(c, j->f);
}

void json_object_begin(struct json *j)
{
	open(j, '{');
}

void json_object_end(struct json *j)
{
	close_(j, '}');
}

void json_array_begin(struct json *j)
{
	open(j, '[');
}

void json_array_end(struct json *j)
{
	close_(j, ']');
}

void json_key(struct json *j, const char *key)
{
	before(j);
	evjson_string(j->f, key);
	fputs(": ", j->f);
	j->after_key = true;
}

void json_string(struct json *j, const char *s)
{
	before(j);
	evjson_string(j->f, s ? s : "");
}

void json_uint(struct json *j, uint64_t v)
{
	before(j);
	fprintf(j->f, "%llu", (unsigned long long)v);
}

void json_int(struct json *j, int64_t v)
{
	before(j);
	fprintf(j->f, "%lld", (long long)v);
}

void json_double(struct json *j, double v)
{
	before(j);
	if (!isfinite(v))
		fputs("null", j->f);
	else if (v == floor(v) && fabs(v) < 1e15)
		fprintf(j->f, "%.1f", v);
	else
		fprintf(j->f, "%.17g", v);
}

void json_bool(struct json *j, bool v)
{
	before(j);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j)
{
	before(j);
	fputs("null", j->f);
}

void json_contract_dict(struct json *j, enum contract_prop p, const void *dict)
{
	const char *base = dict;
	uint32_t has = *(const uint32_t *)dict; /* each dictionary's first field */
	json_object_begin(j);
	for (size_t i = 0; i < contract_dict_size(p); i++) {
		const struct contract_key *k = contract_dict_key(p, i);
		const void *v = base + k->offset;
		if (!(has & (1u << i)))
			continue;
		json_key(j, k->name);
		if (strcmp(k->sig, "s") == 0) {
			json_string(j, *(char *const *)v);
		} else if (strcmp(k->sig, "t") == 0) {
			json_uint(j, *(const uint64_t *)v);
		} else if (strcmp(k->sig, "u") == 0) {
			json_uint(j, *(const uint32_t *)v);
		} else if (strcmp(k->sig, "d") == 0) {
			json_double(j, *(const double *)v);
		} else if (strcmp(k->sig, "b") == 0) {
			json_bool(j, *(const bool *)v);
		} else { /* Consent's changes, a(sss) */
			const struct contract_consent *c = dict;
			json_array_begin(j);
			for (size_t n = 0; n < c->n_changes; n++) {
				json_object_begin(j);
				json_key(j, "key");
				json_string(j, c->changes[n].key);
				json_key(j, "then");
				json_string(j, c->changes[n].then);
				json_key(j, "now");
				json_string(j, c->changes[n].now);
				json_object_end(j);
			}
			json_array_end(j);
		}
	}
	json_object_end(j);
}
