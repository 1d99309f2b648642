/* JSON output. Keys and values go through one escaping routine, so a
 * reason with quotes, newlines or control bytes still yields a document a
 * strict parser accepts. */
#include "text/json.h"

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

void json_escape(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
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
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

void json_key(struct json *j, const char *key)
{
	before(j);
	json_escape(j->f, key);
	fputs(": ", j->f);
	j->after_key = true;
}

void json_string(struct json *j, const char *s)
{
	before(j);
	json_escape(j->f, s ? s : "");
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

static void dbus_basic(struct json *j, DBusMessageIter *it, int type)
{
	DBusBasicValue v;
	dbus_message_iter_get_basic(it, &v);
	switch (type) {
	case DBUS_TYPE_BYTE:
		json_uint(j, v.byt);
		break;
	case DBUS_TYPE_BOOLEAN:
		json_bool(j, v.bool_val);
		break;
	case DBUS_TYPE_INT16:
		json_int(j, v.i16);
		break;
	case DBUS_TYPE_UINT16:
		json_uint(j, v.u16);
		break;
	case DBUS_TYPE_INT32:
		json_int(j, v.i32);
		break;
	case DBUS_TYPE_UINT32:
		json_uint(j, v.u32);
		break;
	case DBUS_TYPE_INT64:
		json_int(j, v.i64);
		break;
	case DBUS_TYPE_UINT64:
		json_uint(j, v.u64);
		break;
	case DBUS_TYPE_DOUBLE:
		json_double(j, v.dbl);
		break;
	case DBUS_TYPE_UNIX_FD:
		json_null(j);
		break;
	default: /* string, object path, signature */
		json_string(j, v.str);
	}
}

void json_dbus(struct json *j, DBusMessageIter *it)
{
	int type = dbus_message_iter_get_arg_type(it);
	DBusMessageIter sub;

	if (type == DBUS_TYPE_INVALID) {
		json_null(j);
	} else if (type == DBUS_TYPE_VARIANT) {
		dbus_message_iter_recurse(it, &sub);
		json_dbus(j, &sub);
	} else if (type == DBUS_TYPE_ARRAY &&
	           dbus_message_iter_get_element_type(it) == DBUS_TYPE_DICT_ENTRY) {
		json_object_begin(j);
		dbus_message_iter_recurse(it, &sub);
		while (dbus_message_iter_get_arg_type(&sub) == DBUS_TYPE_DICT_ENTRY) {
			DBusMessageIter e;
			dbus_message_iter_recurse(&sub, &e);
			if (dbus_message_iter_get_arg_type(&e) == DBUS_TYPE_STRING) {
				const char *k;
				dbus_message_iter_get_basic(&e, &k);
				json_key(j, k);
				dbus_message_iter_next(&e);
				json_dbus(j, &e);
			}
			dbus_message_iter_next(&sub);
		}
		json_object_end(j);
	} else if (type == DBUS_TYPE_ARRAY || type == DBUS_TYPE_STRUCT) {
		json_array_begin(j);
		dbus_message_iter_recurse(it, &sub);
		while (dbus_message_iter_get_arg_type(&sub) != DBUS_TYPE_INVALID) {
			json_dbus(j, &sub);
			dbus_message_iter_next(&sub);
		}
		json_array_end(j);
	} else {
		dbus_basic(j, it, type);
	}
}
