/* libFuzzer target: whatever bytes libdbus accepts as a message go to every
 * entry point of the client's decoder (ipc/contract.h). None may crash,
 * leak or read past what the signature promised, and every outcome must
 * come as documented: a sentence for a malformed answer, a name and a
 * message for a refusal, nothing for a good one. The seeds
 * (fuzz/corpus/contract) are the good replies tests/unit/test-contract.c
 * builds, written with CONTRACT_CORPUS=DIR. */
#include <dbus/dbus.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(enum contract_result r, struct contract_fault *f)
{
	bool ok = r == CONTRACT_OK ? !f->name && !f->message
	          : r == CONTRACT_REFUSED
	              ? f->name && f->message
	              : !f->name && f->message && strncmp(f->message, "the agent", 9) == 0;
	if (!ok)
		abort();
	contract_fault_fini(f);
}

static void properties(DBusMessage *m)
{
	struct contract_props p;
	struct contract_changed c;
	struct contract_fault f;
	check(contract_read_get_all(m, &p, &f), &f);
	/* What is good and what is bad never overlap. */
	if (p.has & p.bad)
		abort();
	contract_props_fini(&p);
	for (int i = 0; i < N_CONTRACT_PROPS; i++) {
		check(contract_read_get(m, (enum contract_prop)i, &p, &f), &f);
		contract_props_fini(&p);
	}
	check(contract_read_changed(m, &c, &f), &f);
	contract_changed_fini(&c);
}

static void methods(DBusMessage *m)
{
	static const char *const empty[] = {"Resume", "WithdrawExemption", "DecideExemption",
	                                    "LimitStream", "AcknowledgePolicy"};
	struct contract_fault f;
	struct contract_history h;
	struct contract_chain ch;
	struct contract_segments s;
	struct contract_events e;
	struct contract_activity a;
	uint64_t until;
	uint32_t n;
	char *id;
	for (size_t i = 0; i < sizeof empty / sizeof *empty; i++)
		check(contract_read_empty(m, empty[i], &f), &f);
	check(contract_read_error(m, "Pause", &f), &f);
	check(contract_read_pause(m, &until, &f), &f);
	check(contract_read_forget(m, &n, &f), &f);
	check(contract_read_delete(m, &n, &f), &f);
	check(contract_read_request(m, &id, &f), &f);
	free(id);
	check(contract_read_history(m, 1000, &h, &f), &f);
	contract_history_fini(&h);
	check(contract_read_history_chain(m, 1000, &ch, &f), &f);
	contract_chain_fini(&ch);
	check(contract_read_segments(m, 1000, &s, &f), &f);
	contract_segments_fini(&s);
	check(contract_read_segment(m, 10000, &e, &f), &f);
	contract_events_fini(&e);
	check(contract_read_recent(m, 1000, &e, &f), &f);
	contract_events_fini(&e);
	check(contract_read_activity(m, 1440, &a, &f), &f);
	contract_activity_fini(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	DBusError err;
	if (size > INT_MAX)
		return 0;
	dbus_error_init(&err);
	DBusMessage *m = dbus_message_demarshal((const char *)data, (int)size, &err);
	if (!m) {
		dbus_error_free(&err);
		return 0;
	}
	properties(m);
	methods(m);
	dbus_message_unref(m);
	return 0;
}
