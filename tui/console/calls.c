/* The console's requests to the agent for the actions and the dialogs:
 * Pause, Resume, RequestExemption, WithdrawExemption, Forget and
 * DeleteSegments, and what their replies say, on the status line or in the
 * dialog that asked. */
#define _GNU_SOURCE
#include "console/console-impl.h"
#include "contract.h"
#include "dialog/consent.h"
#include "dialog/delete.h"
#include "dialog/exempt.h"
#include "dialog/forget.h"
#include "dialog/limit.h"
#include "dialog/pause.h"
#include "dialog/withdraw.h"
#include "i18n.h"
#include "names.h"
#include "text/evtext.h"
#include "text/human.h"

#include <stdlib.h>
static void on_pause_reply(DBusMessage *reply, void *data)
{
	struct console *c = data;
	bool in_dialog = dialog_waiting(&c->ui, &dialog_pause);
	uint64_t until;
	struct contract_fault f;
	char when[32];

	dialog_answered(&c->ui, &dialog_pause);
	enum contract_result r = contract_read_pause(reply, &until, &f);
	if (r != CONTRACT_OK) {
		const char *why = console_failure(r, &f);
		if (in_dialog)
			dialog_refused(&c->ui, &dialog_pause, why);
		else if (r == CONTRACT_MALFORMED)
			ui_message(&c->ui, true, "%s", why);
		else
			ui_message(&c->ui, true, _("Not paused: %s"), why);
	} else {
		if (in_dialog)
			dialog_close(&c->ui);
		human_until(until, now_usec(), when, sizeof when);
		ui_message(&c->ui, false, _("Paused until %s."), when);
		/* Gone as soon as the pause is: a resume from elsewhere must
		 * not leave it saying otherwise. */
		ui_message_bind(&c->ui, UI_MSG_WHILE_PAUSED_UNTIL, until);
	}
	contract_fault_fini(&f);
	console_reread(c, reply);
	console_dirty(c, MODEL_DIRTY_STATE);
}

void console_pause(struct console *c, uint32_t seconds)
{
	dbus_uint32_t s = seconds;
	if (!c->client || !client_call(c->client, CAPCTL_IFACE, "Pause", on_pause_reply, c, NULL,
	                               DBUS_TYPE_UINT32, &s, DBUS_TYPE_INVALID)) {
		ui_message(&c->ui, true, _("Not paused: the agent is not reachable."));
		ui_message_bind(&c->ui, UI_MSG_WHILE_UNREACHABLE, 0);
		dialog_answered(&c->ui, &dialog_pause);
		return;
	}
}

static void on_resume_reply(DBusMessage *reply, void *data)
{
	struct console *c = data;
	struct contract_fault f;
	enum contract_result r = contract_read_empty(reply, "Resume", &f);
	if (r == CONTRACT_MALFORMED) {
		ui_message(&c->ui, true, "%s", console_failure(r, &f));
	} else if (r == CONTRACT_REFUSED) {
		ui_message(&c->ui, true, _("Not resumed: %s"), console_failure(r, &f));
	} else {
		ui_message(&c->ui, false, _("Resumed."));
		ui_message_bind(&c->ui, UI_MSG_WHILE_NOT_PAUSED, 0);
	}
	contract_fault_fini(&f);
	console_reread(c, reply);
	console_dirty(c, MODEL_DIRTY_STATE);
}

void console_resume(struct console *c)
{
	if (!c->client || !client_call(c->client, CAPCTL_IFACE, "Resume", on_resume_reply, c, NULL,
	                               DBUS_TYPE_INVALID)) {
		ui_message(&c->ui, true, _("Not resumed: the agent is not reachable."));
		ui_message_bind(&c->ui, UI_MSG_WHILE_UNREACHABLE, 0);
	}
}

static void on_request_reply(DBusMessage *reply, void *data)
{
	struct console *c = data;
	struct form *f = dialog_exempt_form(&c->ui);
	struct contract_fault fault;
	char *id;

	f->sending = false;
	enum contract_result r = contract_read_request(reply, &id, &fault);
	if (r != CONTRACT_OK) {
		const char *why = console_failure(r, &fault);
		if (dialog_is_open(&c->ui, &dialog_exempt))
			form_set_refusal(f, why);
		else if (r == CONTRACT_MALFORMED)
			ui_message(&c->ui, true, "%s", why);
		else
			ui_message(&c->ui, true, _("The request was refused: %s"), why);
	} else {
		if (dialog_is_open(&c->ui, &dialog_exempt))
			dialog_close(&c->ui);
		form_reset(f);
		ui_set_string(&c->ui.ex_select_id, id);
		action_view(c, UI_VIEW_EXEMPTIONS);
		console_select_pending(c);
		ui_message(&c->ui, false, _("Request %s sent; it waits for a decision."), id);
		free(id);
	}
	contract_fault_fini(&fault);
	console_reread(c, reply);
	console_dirty(c, MODEL_DIRTY_STATE);
}

void console_request_exemption(struct console *c)
{
	struct form *f = dialog_exempt_form(&c->ui);
	const char *scope = form_scopes[f->scope], *category = form_categories[f->category];
	const char *reason = f->reason.buf;
	uint32_t days = 0;
	form_check_days_text(f->days.buf, &days);
	dbus_uint32_t d = days;
	form_set_refusal(f, NULL);
	f->sending = true;
	if (!c->client ||
	    !client_call(c->client, CAPCTL_IFACE, "RequestExemption", on_request_reply, c, NULL,
	                 DBUS_TYPE_STRING, &scope, DBUS_TYPE_STRING, &category, DBUS_TYPE_STRING,
	                 &reason, DBUS_TYPE_UINT32, &d, DBUS_TYPE_INVALID)) {
		f->sending = false;
		form_set_refusal(f, _("The agent is not reachable."));
	}
}

static void on_withdraw_reply(DBusMessage *reply, void *data)
{
	struct console *c = data;
	bool in_dialog = dialog_waiting(&c->ui, &dialog_withdraw);
	struct contract_fault f;
	dialog_answered(&c->ui, &dialog_withdraw);
	enum contract_result r = contract_read_empty(reply, "WithdrawExemption", &f);
	if (r != CONTRACT_OK) {
		const char *why = console_failure(r, &f);
		if (in_dialog)
			dialog_refused(&c->ui, &dialog_withdraw, why);
		else if (r == CONTRACT_MALFORMED)
			ui_message(&c->ui, true, "%s", why);
		else
			ui_message(&c->ui, true, _("Not withdrawn: %s"), why);
	} else {
		if (in_dialog) {
			ui_message(&c->ui, false, _("%s withdrawn."), c->withdrawing);
			dialog_close(&c->ui);
		} else {
			ui_message(&c->ui, false, _("Withdrawn."));
		}
	}
	contract_fault_fini(&f);
	console_reread(c, reply);
	console_dirty(c, MODEL_DIRTY_STATE);
}

void console_withdraw(struct console *c, const char *id)
{
	ui_set_string(&c->withdrawing, id);
	if (!c->client ||
	    !client_call(c->client, CAPCTL_IFACE, "WithdrawExemption", on_withdraw_reply, c, NULL,
	                 DBUS_TYPE_STRING, &id, DBUS_TYPE_INVALID))
		dialog_refused(&c->ui, &dialog_withdraw, _("The agent is not reachable."));
}

static void on_forget_reply(DBusMessage *reply, void *data)
{
	struct console *c = data;
	bool in_dialog = dialog_waiting(&c->ui, &dialog_forget);
	char len[32], n[32];
	uint32_t removed;
	struct contract_fault f;

	dialog_answered(&c->ui, &dialog_forget);
	human_minutes(c->forget_seconds, len, sizeof len);
	enum contract_result r = contract_read_forget(reply, &removed, &f);
	if (r != CONTRACT_OK) {
		const char *why = console_failure(r, &f);
		if (in_dialog)
			dialog_refused(&c->ui, &dialog_forget, why);
		else if (r == CONTRACT_MALFORMED)
			ui_message(&c->ui, true, "%s", why);
		else
			ui_message(&c->ui, true, _("Nothing forgotten: %s"), why);
	} else {
		if (in_dialog)
			dialog_close(&c->ui);
		human_count(removed, n, sizeof n);
		if (removed)
			ui_message(&c->ui, false,
			           P_("Forgot %s event recorded in the last %s.",
			              "Forgot %s events recorded in the last %s.", removed),
			           n, len);
		else
			ui_message(&c->ui, false, _("Nothing was kept from the last %s."), len);
		/* What is shown of the data is fetched again at once. */
		pages_refresh(&c->model.segs);
		pages_refresh(&c->model.segev);
		c->live_last = 0;
		c->today_due = 0; /* the day's counts dropped with them */
		c->data_day_due = 0;
	}
	contract_fault_fini(&f);
	console_reread(c, reply);
	console_dirty(c, MODEL_DIRTY_STATE);
}

void console_forget(struct console *c, uint32_t seconds)
{
	dbus_uint32_t s = seconds;
	c->forget_seconds = seconds;
	if (!c->client || !client_call(c->client, CAPCTL_IFACE, "Forget", on_forget_reply, c, NULL,
	                               DBUS_TYPE_UINT32, &s, DBUS_TYPE_INVALID))
		dialog_refused(&c->ui, &dialog_forget, _("The agent is not reachable."));
}

static void on_delete_reply(DBusMessage *reply, void *data)
{
	struct console *c = data;
	bool in_dialog = dialog_waiting(&c->ui, &dialog_delete);
	uint32_t deleted;
	struct contract_fault f;
	const struct ui_segment *seg = &c->deleting;
	char when[64];

	dialog_answered(&c->ui, &dialog_delete);
	enum contract_result r = contract_read_delete(reply, &deleted, &f);
	if (r != CONTRACT_OK) {
		const char *why = console_failure(r, &f);
		if (in_dialog)
			dialog_refused(&c->ui, &dialog_delete, why);
		else if (r == CONTRACT_MALFORMED)
			ui_message(&c->ui, true, "%s", why);
		else
			ui_message(&c->ui, true, _("Not deleted: %s"), why);
	} else {
		if (in_dialog)
			dialog_close(&c->ui);
		evtext_local(seg->start, when, sizeof when);
		if (deleted)
			ui_message(&c->ui, false, _("Deleted segment %llu (%s from %s)."),
			           (unsigned long long)seg->id, seg->stream, when);
		else
			ui_message(&c->ui, false, _("Segment %llu was already gone."),
			           (unsigned long long)seg->id);
		if (c->ui.open.id == seg->id) {
			c->ui.open.id = 0;
			model_segev_open(&c->model, 0);
		}
		pages_refresh(&c->model.segs);
		c->today_due = 0; /* the day's counts dropped with it */
		c->data_day_due = 0;
	}
	contract_fault_fini(&f);
	console_reread(c, reply);
	console_dirty(c, MODEL_DIRTY_STATE);
}

void console_delete(struct console *c, const struct ui_segment *seg)
{
	dbus_uint64_t id = seg->id;
	const dbus_uint64_t *ids = &id;
	c->deleting = *seg;
	if (!c->client ||
	    !client_call(c->client, CAPCTL_IFACE, "DeleteSegments", on_delete_reply, c, NULL,
	                 DBUS_TYPE_ARRAY, DBUS_TYPE_UINT64, &ids, 1, DBUS_TYPE_INVALID)) {
		if (dialog_is_open(&c->ui, &dialog_delete))
			dialog_refused(&c->ui, &dialog_delete, _("The agent is not reachable."));
		else
			ui_message(&c->ui, true, _("Not deleted: the agent is not reachable."));
	}
}

static void on_acknowledge_reply(DBusMessage *reply, void *data)
{
	struct console *c = data;
	bool in_dialog = dialog_waiting(&c->ui, &dialog_consent);
	struct contract_fault f;
	dialog_answered(&c->ui, &dialog_consent);
	enum contract_result r = contract_read_empty(reply, "AcknowledgePolicy", &f);
	if (r != CONTRACT_OK) {
		const char *why = console_failure(r, &f);
		if (in_dialog)
			dialog_refused(&c->ui, &dialog_consent, why);
		else
			ui_message(&c->ui, true, _("Not acknowledged: %s"), why);
	} else {
		ui_message(&c->ui, false, _("Acknowledged: the policy shown is in force."));
		if (in_dialog)
			dialog_close(&c->ui);
	}
	contract_fault_fini(&f);
	console_reread(c, reply);
	console_dirty(c, MODEL_DIRTY_STATE);
}

void console_acknowledge(struct console *c, const char *digest)
{
	if (!c->client ||
	    !client_call(c->client, CAPCTL_IFACE, "AcknowledgePolicy", on_acknowledge_reply, c,
	                 NULL, DBUS_TYPE_STRING, &digest, DBUS_TYPE_INVALID))
		dialog_refused(&c->ui, &dialog_consent, _("The agent is not reachable."));
}

static void on_limit_reply(DBusMessage *reply, void *data)
{
	struct console *c = data;
	bool in_dialog = dialog_waiting(&c->ui, &dialog_limit);
	struct contract_fault f;
	dialog_answered(&c->ui, &dialog_limit);
	enum contract_result r = contract_read_empty(reply, "LimitStream", &f);
	if (r != CONTRACT_OK) {
		const char *why = console_failure(r, &f);
		if (in_dialog)
			dialog_refused(&c->ui, &dialog_limit, why);
		else
			ui_message(&c->ui, true, _("Not changed: %s"), why);
	} else {
		ui_message(&c->ui, false, _("Done: the Overview shows what is kept now."));
		if (in_dialog)
			dialog_close(&c->ui);
	}
	contract_fault_fini(&f);
	console_reread(c, reply);
	console_dirty(c, MODEL_DIRTY_STATE);
}

void console_limit(struct console *c, const char *stream, const char *level)
{
	if (!c->client ||
	    !client_call(c->client, CAPCTL_IFACE, "LimitStream", on_limit_reply, c, NULL,
	                 DBUS_TYPE_STRING, &stream, DBUS_TYPE_STRING, &level, DBUS_TYPE_INVALID))
		dialog_refused(&c->ui, &dialog_limit, _("The agent is not reachable."));
}
