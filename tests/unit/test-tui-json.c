/* The CLI's JSON: escaping, nesting, numbers, and the agent's
 * dictionaries as the decoder read them. The output is compared byte for
 * byte. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
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

/* The a{sv} properties as the decoder read them: the keys sent, in the
 * contract's order, by their types; a key not sent is left out. */
static void test_dict(void **state)
{
	struct out o;
	(void)state;
	struct contract_power p = {
	    .on_battery = true, .battery_percent = 54, .estimated_mw = 40.5, .saver = false};
	/* on_battery, battery_percent, estimated_mw and saver sent; not
	 * measured_mw. */
	p.has = 1u << 0 | 1u << 1 | 1u << 5 | 1u << 6;
	begin(&o);
	json_contract_dict(&o.j, CONTRACT_PROP_POWER, &p);
	end_is(&o, "{\n"
	           "  \"on_battery\": true,\n"
	           "  \"battery_percent\": 54.0,\n"
	           "  \"estimated_mw\": 40.5,\n"
	           "  \"saver\": false\n"
	           "}\n");

	struct contract_change ch = {"retention.days", "30", "\"60\""};
	struct contract_consent c = {
	    .digest = "ab", .acknowledged = 7, .changes = &ch, .n_changes = 1};
	c.has = 1u << 0 | 1u << 2 | 1u << 5;
	begin(&o);
	json_contract_dict(&o.j, CONTRACT_PROP_CONSENT, &c);
	end_is(&o, "{\n"
	           "  \"digest\": \"ab\",\n"
	           "  \"acknowledged\": 7,\n"
	           "  \"changes\": [\n"
	           "    {\n"
	           "      \"key\": \"retention.days\",\n"
	           "      \"then\": \"30\",\n"
	           "      \"now\": \"\\\"60\\\"\"\n"
	           "    }\n"
	           "  ]\n"
	           "}\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scalars),
	    cmocka_unit_test(test_nesting),
	    cmocka_unit_test(test_dict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
