/* The capture policy (captured.conf): every key of captured.conf(5)
 * with its default and range, loaded into a validated struct. */
#ifndef CAPTURED_POLICY_H
#define CAPTURED_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "names.h"

enum fidelity { FID_OFF, FID_FULL, FID_REDUCED, FID_CATEGORY, FID_TIMING, FID_APP, N_FIDELITY };

enum notice_field {
	NOTICE_PURPOSE,
	NOTICE_RETENTION,
	NOTICE_ANONYMIZATION,
	NOTICE_MODEL_ACCESS,
	NOTICE_CONTACT,
	NOTICE_VERSION,
	N_NOTICE
};

struct policy {
	int64_t version; /* of the file format: 1 */
	struct conf_uints admin_uids;
	int64_t monitored_uid; /* -1: the agent's own uid */
	uint32_t max_pause_minutes;
	uint32_t daily_pause_budget_minutes; /* 0 = no daily limit */
	bool allow_user_deletion;
	uint32_t max_pending_exemptions;
	bool allow_personal_limits;
	bool wait_for_acknowledgment;

	int fidelity_index[N_STREAMS]; /* index into the stream's value list */
	uint32_t motion_rate_hz;

	struct conf_strings exclude_apps;

	uint32_t retention_days;
	uint32_t max_spool_mb;
	uint32_t segment_seconds;

	char *endpoint;
	uint32_t interval_seconds;
	uint32_t daily_cap_mb;
	uint32_t rate_limit_kbps;
	int on_battery; /* 0 defer, 1 allow */
	int on_metered;
	bool delete_after_upload;
	uint32_t hold_minutes; /* the review window */

	uint32_t saver_below_percent;
	double cpu_watts;
	double wakeup_mw;

	char *notice[N_NOTICE];
};

/* The defaults of config.md. Free with policy_fini. */
void policy_init(struct policy *p);
void policy_fini(struct policy *p);
/* A deep copy of src into dst (not initialised). */
void policy_copy(struct policy *dst, const struct policy *src);

/* Loads path over the defaults. 0 on success (p replaced), -ENOENT when the
 * file does not exist (p holds the defaults), -EINVAL with *error set (p
 * untouched). Warnings (unknown keys) go to warn. */
int policy_load(struct policy *p, const char *path, char **error, conf_warn_fn warn,
                void *warn_data);

/* The policy file to read (heap): arg if given, else
 * SYSCONFDIR/capctl/captured.conf (/etc/capctl/captured.conf by default)
 * if it exists, else $XDG_CONFIG_HOME/capctl/captured.conf. */
char *policy_resolve(const char *arg);

enum fidelity policy_fidelity(const struct policy *p, enum stream s);
bool policy_is_admin(const struct policy *p, uint32_t uid);
bool policy_excludes_app(const struct policy *p, const char *app);

/* Stream s's fidelity values as captured.conf names them, NULL-ended;
 * fidelity_index indexes it. */
const char *const *policy_stream_values(enum stream s);
const char *stream_id(enum stream s);
/* The stream whose id is name, or -1. */
int stream_parse(const char *name);
const char *fidelity_name(enum fidelity f);
const char *notice_key(enum notice_field f);

#endif
