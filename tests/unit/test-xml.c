/* The interface XML is the single source: the agent's method and property
 * tables must say exactly what it says, name for name, type for type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "service.h"
#include "util.h"

struct xml_method {
	char iface[64], name[64], in[64], out[64];
};
struct xml_prop {
	char name[64], type[64], access[16];
};

static struct xml_method methods[32];
static struct xml_prop props[32];
static size_t n_methods, n_props;

/* The value of attr in the tag that starts at p. */
static void attr(const char *p, const char *attr_name, char *out, size_t n)
{
	const char *end = strchr(p, '>');
	char key[32];
	snprintf(key, sizeof key, " %s=\"", attr_name);
	const char *a = strstr(p, key);
	out[0] = '\0';
	if (!a || a > end)
		return;
	a += strlen(key);
	size_t len = strcspn(a, "\"");
	snprintf(out, n, "%.*s", (int)(len < n ? len : n - 1), a);
}

static int parse(void **state)
{
	(void)state;
	FILE *f = fopen("ipc/org.capctl.Agent1.xml", "r");
	assert_non_null(f);
	static char buf[65536];
	size_t len = fread(buf, 1, sizeof buf - 1, f);
	buf[len] = '\0';
	fclose(f);

	char iface[64] = "";
	struct xml_method *m = NULL;
	for (const char *p = buf; (p = strchr(p, '<')); p++) {
		if (strncmp(p, "<interface ", 11) == 0) {
			attr(p, "name", iface, sizeof iface);
		} else if (strncmp(p, "<method ", 8) == 0) {
			m = &methods[n_methods++];
			snprintf(m->iface, sizeof m->iface, "%s", iface);
			attr(p, "name", m->name, sizeof m->name);
		} else if (strncmp(p, "</method>", 9) == 0) {
			m = NULL;
		} else if (strncmp(p, "<arg ", 5) == 0 && m) {
			char type[64], dir[8];
			attr(p, "type", type, sizeof type);
			attr(p, "direction", dir, sizeof dir);
			strcat(strcmp(dir, "out") == 0 ? m->out : m->in, type);
		} else if (strncmp(p, "<property ", 10) == 0) {
			struct xml_prop *pr = &props[n_props++];
			attr(p, "name", pr->name, sizeof pr->name);
			attr(p, "type", pr->type, sizeof pr->type);
			attr(p, "access", pr->access, sizeof pr->access);
		}
		/* A method with no body closes itself. */
		if (m && strncmp(p, "<method ", 8) == 0 && strstr(p, "/>") &&
		    strstr(p, "/>") < strchr(p, '>') + 1)
			m = NULL;
	}
	return 0;
}

static void test_methods_match(void **state)
{
	(void)state;
	assert_int_equal(n_methods, service_n_methods);
	for (size_t i = 0; i < n_methods; i++) {
		const struct service_method *sm = NULL;
		for (size_t j = 0; j < service_n_methods; j++)
			if (strcmp(service_methods[j].name, methods[i].name) == 0)
				sm = &service_methods[j];
		if (!sm)
			fail_msg("method %s is in the XML but not in the agent", methods[i].name);
		assert_string_equal(sm->iface, methods[i].iface);
		assert_string_equal(sm->in, methods[i].in);
		assert_string_equal(sm->out, methods[i].out);
	}
}

static void test_properties_match(void **state)
{
	(void)state;
	assert_int_equal(n_props, service_n_properties);
	for (size_t i = 0; i < n_props; i++) {
		/* Same order as well: the XML lists them as the contract does. */
		assert_string_equal(service_properties[i].name, props[i].name);
		assert_string_equal(service_properties[i].sig, props[i].type);
		assert_string_equal(props[i].access, "read");
	}
}

static void test_spec_signatures(void **state)
{
	/* A few signatures straight from the contract, so that XML and table
	 * cannot drift together. */
	(void)state;
	static const char *const expect[][3] = {
	    {"Pause", "u", "t"},
	    {"RequestExemption", "sssu", "s"},
	    {"History", "tu", "ta(tssu)"},
	    {"DecideExemption", "sbs", ""},
	};
	for (size_t i = 0; i < 4; i++) {
		size_t j = 0;
		while (j < n_methods && strcmp(methods[j].name, expect[i][0]) != 0)
			j++;
		assert_true(j < n_methods);
		assert_string_equal(methods[j].in, expect[i][1]);
		assert_string_equal(methods[j].out, expect[i][2]);
	}
	assert_string_equal(props[7].name, "Streams");
	assert_string_equal(props[7].type, "a(sbsstt)");
	assert_string_equal(props[8].type, "a(sssssstt)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_methods_match),
	    cmocka_unit_test(test_properties_match),
	    cmocka_unit_test(test_spec_signatures),
	};
	return cmocka_run_group_tests(tests, parse, NULL);
}
