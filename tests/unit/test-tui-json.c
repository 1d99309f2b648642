/* The CLI's JSON: escaping, nesting, numbers, and D-Bus values converted
 * whole. The output is compared byte for byte. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "text/json.h"

struct out {
	char *buf;
	size_t len;
	FILE *f;
	struct json j;
};

static void begin(struct out *o)
{
	o->f = open_memstream(&o->buf, &o->len);
	json_init(&o->j, o->f);
}

static void end_is(struct out *o, const char *want)
{
	json_finish(&o->j);
	fclose(o->f);
	assert_string_equal(o->buf, want);
	free(o->buf);
}

static void test_scalars(void **state)
{
	struct out o;
	(void)state;
	begin(&o);
	json_string(&o.j, "a\"b\\c\nd\te\r\x01\x1f\x7f \xc3\xa9");
	end_is(&o, "\"a\\\"b\\\\c\\nd\\te\\r\\u0001\\u001f\\u007f \xc3\xa9\"\n");
	begin(&o);
	json_uint(&o.j, 18446744073709551615ULL);
	end_is(&o, "18446744073709551615\n");
	begin(&o);
	json_double(&o.j, NAN);
	end_is(&o, "null\n");
	begin(&o);
	json_double(&o.j, 2);
	end_is(&o, "2.0\n");
	begin(&o);
	json_double(&o.j, 0.25);
	end_is(&o, "0.25\n");
	begin(&o);
	json_string(&o.j, NULL);
	end_is(&o, "\"\"\n");
}

static void test_nesting(void **state)
{
	struct out o;
	(void)state;
	begin(&o);
	json_object_begin(&o.j);
	json_key(&o.j, "a");
	json_int(&o.j, -1);
	json_key(&o.j, "list");
	json_array_begin(&o.j);
	json_bool(&o.j, true);
	json_null(&o.j);
	json_object_begin(&o.j);
	json_object_end(&o.j);
	json_array_end(&o.j);
	json_key(&o.j, "empty");
	json_array_begin(&o.j);
	json_array_end(&o.j);
	json_object_end(&o.j);
	end_is(&o, "{\n"
	           "  \"a\": -1,\n"
	           "  \"list\": [\n"
	           "    true,\n"
	           "    null,\n"
	           "    {}\n"
	           "  ],\n"
	           "  \"empty\": []\n"
	           "}\n");
}

static void test_dbus(void **state)
{
	struct out o;
	DBusMessage *m = dbus_message_new_signal("/x", "x.y", "Z");
	DBusMessageIter it, d, v, arr, st;
	const char *s = "s";
	dbus_uint32_t u = 7;
	dbus_int32_t i = -7;
	dbus_bool_t b = TRUE;
	(void)state;
	dbus_message_iter_init_append(m, &it);
	dict_open(&it, &d);
	dict_add_str(&d, "endpoint", "host \"x\"");
	dict_add_u64(&d, "bytes", 12);
	dict_add_double(&d, "ratio", 1.5);
	dict_add_bool(&d, "on", false);
	dict_close(&it, &d);
	dbus_message_iter_open_container(&it, DBUS_TYPE_VARIANT, "a(sui)", &v);
	dbus_message_iter_open_container(&v, DBUS_TYPE_ARRAY, "(sui)", &arr);
	dbus_message_iter_open_container(&arr, DBUS_TYPE_STRUCT, NULL, &st);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_STRING, &s);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_UINT32, &u);
	dbus_message_iter_append_basic(&st, DBUS_TYPE_INT32, &i);
	dbus_message_iter_close_container(&arr, &st);
	dbus_message_iter_close_container(&v, &arr);
	dbus_message_iter_close_container(&it, &v);
	dbus_message_iter_append_basic(&it, DBUS_TYPE_BOOLEAN, &b);

	begin(&o);
	json_array_begin(&o.j);
	dbus_message_iter_init(m, &it);
	do
		json_dbus(&o.j, &it);
	while (dbus_message_iter_next(&it));
	json_array_end(&o.j);
	end_is(&o, "[\n"
	           "  {\n"
	           "    \"endpoint\": \"host \\\"x\\\"\",\n"
	           "    \"bytes\": 12,\n"
	           "    \"ratio\": 1.5,\n"
	           "    \"on\": false\n"
	           "  },\n"
	           "  [\n"
	           "    [\n"
	           "      \"s\",\n"
	           "      7,\n"
	           "      -7\n"
	           "    ]\n"
	           "  ],\n"
	           "  true\n"
	           "]\n");
	dbus_message_unref(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scalars),
	    cmocka_unit_test(test_nesting),
	    cmocka_unit_test(test_dbus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
