/* The policy's key table, defaults and the small checks libconfig types do
 * not express. */
#define _GNU_SOURCE
#include "control/policy.h"
#include "i18n.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* The build's SYSCONFDIR (make SYSCONFDIR=...); /etc when compiled by hand. */
#ifndef CAPCTL_SYSCONFDIR
#define CAPCTL_SYSCONFDIR "/etc"
#endif
#define POLICY_SYSTEM_FILE CAPCTL_SYSCONFDIR "/capctl/captured.conf"

static const char *const stream_ids[N_STREAMS] = {
    "pointer.motion", "pointer.button", "pointer.scroll", "keyboard", "window.focus",
};

static const char *const fidelity_names[N_FIDELITY] = {
    "off", "full", "reduced", "category", "timing", "app",
};

static const char *const notice_keys[N_NOTICE] = {
    "purpose", "retention", "anonymization", "model_access", "contact", "version",
};

/* Each stream's fidelity values, as the contract lists them. */
static const char *const motion_values[] = {"off", "full", "reduced", NULL};
static const char *const button_values[] = {"off", "full", "reduced", NULL};
static const char *const scroll_values[] = {"off", "full", NULL};
static const char *const keyboard_values[] = {"off", "full", "category", "timing", NULL};
static const char *const focus_values[] = {"off", "full", "app", NULL};
static const char *const *const stream_values[N_STREAMS] = {
    motion_values, button_values, scroll_values, keyboard_values, focus_values,
};
static const char *const defer_values[] = {"defer", "allow", NULL};

/* What is wrong with a host[:port] (the part after any credentials), or
 * NULL. Only the host is named, never what came before the '@'. */
static char *check_host_port(const char *h, size_t n)
{
	size_t host = 0;
	if (n > 0 && h[0] == '[') {
		while (host + 1 < n && h[host + 1] != ']')
			host++;
		if (host + 1 >= n || host == 0 || strspn(h + 1, "0123456789abcdefABCDEF:.") < host)
			return xstrdup(_("has a bad IPv6 address in [ ]"));
		host += 2;
	} else {
		host = strcspn(h, ":/?#");
		if (host > n)
			host = n;
		if (host == 0)
			return xstrdup(
			    _("has no host: it must be \"\" or an http:// or https:// URL "
			      "with a host"));
		size_t good = strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		                        "0123456789.-_~");
		if (good < host)
			return xasprintf(_("has a host with '%c' in it, which no host name holds"),
			                 h[good]);
	}
	if (host == n)
		return NULL;
	if (h[host] != ':')
		return xstrdup(_("has something after its host that is neither a port nor a path"));
	const char *port = h + host + 1;
	size_t digits = strspn(port, "0123456789");
	long v = digits >= 1 && digits <= 5 ? strtol(port, NULL, 10) : 0;
	if (digits != n - host - 1 || v < 1 || v > 65535)
		return xstrdup(_("has a bad port: it must be a number from 1 to 65535"));
	return NULL;
}

/* "" or http(s)://[credentials@]host[:port][/path...]: a URL the uploader
 * can send to, and whose host the Upload property can show. */
static char *check_endpoint(const void *value)
{
	const char *s = *(char *const *)value, *auth;
	if (*s == '\0')
		return NULL;
	if (strncmp(s, "http://", 7) == 0)
		auth = s + 7;
	else if (strncmp(s, "https://", 8) == 0)
		auth = s + 8;
	else
		return xstrdup(_("must be \"\" or an http:// or https:// URL"));
	for (const char *p = s; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch <= ' ' || ch == 0x7f)
			/* xgettext:no-c-format */
			return xstrdup(_("has a space or a control character in it; a URL holds "
			                 "neither (write a space in a path as %20)"));
		if (ch >= 0x80)
			return xstrdup(
			    /* xgettext:no-c-format */
			    _("must be ASCII: an international host name in its xn-- form, "
			      "other characters %-encoded"));
	}
	size_t n = strcspn(auth, "/?#");
	/* Credentials end at the last '@' before the path. */
	const char *at = auth;
	for (size_t i = 0; i < n; i++)
		if (auth[i] == '@')
			at = auth + i + 1;
	return check_host_port(at, n - (size_t)(at - auth));
}

/* The notice is shown on the person's terminal: text, lines and tabs, but
 * nothing that moves the cursor, retitles the window or reorders what it
 * says. */
static char *check_notice(const void *value)
{
	const char *s = *(char *const *)value;
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n = utf8_decode(s + i, len - i, &cp);
		if (n < 0)
			return xstrdup(_("must be UTF-8 text"));
		if (utf8_cp_unsafe(cp) && cp != '\n' && cp != '\t')
			return xasprintf(
			    _("holds U+%04" PRIX32 " at byte %zu: control characters, "
			      "escape sequences and bidi controls are not allowed (newlines "
			      "and tabs are)"),
			    cp, i + 1);
		i += (size_t)n;
	}
	return NULL;
}

static char *check_budget(const void *value)
{
	return *(const uint32_t *)value <= 1440
	           ? NULL
	           : xstrdup(_("must be 0 (no limit) or from 1 to 1440"));
}

#define K(path, type, min, max, field)                                                             \
	{                                                                                          \
		path, type, min, max, NULL, offsetof(struct policy, field), NULL                   \
	}
#define KE(path, values, field)                                                                    \
	{                                                                                          \
		path, CONF_ENUM, 0, 0, values, offsetof(struct policy, field), NULL                \
	}
#define KN(path, field)                                                                            \
	{                                                                                          \
		path, CONF_STRING, 0, 0, NULL, offsetof(struct policy, notice[field]),             \
		    check_notice                                                                   \
	}
#define UID_MAX_ 4294967294.0

static const struct conf_key policy_keys[] = {
    K("version", CONF_INT, 1, 1, version),
    K("policy.admin_uids", CONF_UINT_LIST, 0, UID_MAX_, admin_uids),
    K("policy.monitored_uid", CONF_INT, -1, UID_MAX_, monitored_uid),
    K("policy.max_pause_minutes", CONF_UINT, 1, 1440, max_pause_minutes),
    {"policy.daily_pause_budget_minutes", CONF_UINT, 0, 1440, NULL,
     offsetof(struct policy, daily_pause_budget_minutes), check_budget},
    K("policy.allow_user_deletion", CONF_BOOL, 0, 0, allow_user_deletion),
    K("policy.max_pending_exemptions", CONF_UINT, 1, 1000, max_pending_exemptions),
    K("policy.allow_personal_limits", CONF_BOOL, 0, 0, allow_personal_limits),
    K("policy.wait_for_acknowledgment", CONF_BOOL, 0, 0, wait_for_acknowledgment),
    KE("streams.pointer_motion.fidelity", motion_values, fidelity_index[STREAM_MOTION]),
    K("streams.pointer_motion.rate_hz", CONF_UINT, 1, 1000, motion_rate_hz),
    KE("streams.pointer_button.fidelity", button_values, fidelity_index[STREAM_BUTTON]),
    KE("streams.pointer_scroll.fidelity", scroll_values, fidelity_index[STREAM_SCROLL]),
    KE("streams.keyboard.fidelity", keyboard_values, fidelity_index[STREAM_KEYBOARD]),
    KE("streams.window_focus.fidelity", focus_values, fidelity_index[STREAM_FOCUS]),
    K("exclude_apps", CONF_STRING_LIST, 0, 0, exclude_apps),
    K("retention.days", CONF_UINT, 1, 3650, retention_days),
    K("retention.max_spool_mb", CONF_UINT, 1, 1048576, max_spool_mb),
    K("retention.segment_seconds", CONF_UINT, 10, 86400, segment_seconds),
    {"upload.endpoint", CONF_STRING, 0, 0, NULL, offsetof(struct policy, endpoint), check_endpoint},
    K("upload.interval_seconds", CONF_UINT, 10, 86400, interval_seconds),
    K("upload.daily_cap_mb", CONF_UINT, 0, 1048576, daily_cap_mb),
    K("upload.rate_limit_kbps", CONF_UINT, 0, 10000000, rate_limit_kbps),
    KE("upload.on_battery", defer_values, on_battery),
    KE("upload.on_metered", defer_values, on_metered),
    K("upload.delete_after_upload", CONF_BOOL, 0, 0, delete_after_upload),
    K("upload.hold_minutes", CONF_UINT, 0, 10080, hold_minutes),
    K("power.saver_below_percent", CONF_UINT, 0, 100, saver_below_percent),
    K("power.cpu_watts", CONF_DOUBLE, 0, 1000, cpu_watts),
    K("power.wakeup_mw", CONF_DOUBLE, 0, 1000, wakeup_mw),
    KN("notice.version", NOTICE_VERSION),
    KN("notice.purpose", NOTICE_PURPOSE),
    KN("notice.retention", NOTICE_RETENTION),
    KN("notice.anonymization", NOTICE_ANONYMIZATION),
    KN("notice.model_access", NOTICE_MODEL_ACCESS),
    KN("notice.contact", NOTICE_CONTACT),
};

static int value_index(const char *const *values, const char *name)
{
	for (int i = 0; values[i]; i++)
		if (strcmp(values[i], name) == 0)
			return i;
	abort();
}

void policy_init(struct policy *p)
{
	static const char *const exclude[] = {"keepassxc", "org.keepassxc.KeePassXC", "1password",
	                                      "bitwarden"};
	*p = (struct policy){
	    .version = 1,
	    .monitored_uid = -1,
	    .max_pause_minutes = 30,
	    .daily_pause_budget_minutes = 0,
	    .allow_user_deletion = true,
	    .max_pending_exemptions = 20,
	    .allow_personal_limits = true,
	    .wait_for_acknowledgment = true,
	    .motion_rate_hz = 20,
	    .retention_days = 30,
	    .max_spool_mb = 512,
	    .segment_seconds = 300,
	    .endpoint = xstrdup(""),
	    .interval_seconds = 900,
	    .daily_cap_mb = 50,
	    .rate_limit_kbps = 0,
	    .on_battery = 0,
	    .on_metered = 0,
	    .hold_minutes = 60,
	    .saver_below_percent = 30,
	    .cpu_watts = 8.0,
	    .wakeup_mw = 4.0,
	};
	p->admin_uids.v = xcalloc(1, sizeof(uint32_t));
	p->admin_uids.v[0] = 0;
	p->admin_uids.n = 1;
	p->exclude_apps.n = ARRAY_SIZE(exclude);
	p->exclude_apps.v = xcalloc(ARRAY_SIZE(exclude), sizeof(char *));
	for (size_t i = 0; i < ARRAY_SIZE(exclude); i++)
		p->exclude_apps.v[i] = xstrdup(exclude[i]);
	static const char *const defaults[N_STREAMS] = {"reduced", "full", "full", "timing", "app"};
	for (int s = 0; s < N_STREAMS; s++)
		p->fidelity_index[s] = value_index(stream_values[s], defaults[s]);
	for (int i = 0; i < N_NOTICE; i++)
		p->notice[i] = xstrdup("");
}

void policy_fini(struct policy *p)
{
	conf_uints_free(&p->admin_uids);
	conf_strings_free(&p->exclude_apps);
	free(p->endpoint);
	for (int i = 0; i < N_NOTICE; i++)
		free(p->notice[i]);
}

static void copy_strings(struct conf_strings *dst, const struct conf_strings *src)
{
	dst->n = src->n;
	dst->v = src->n ? xcalloc(src->n, sizeof *dst->v) : NULL;
	for (size_t i = 0; i < src->n; i++)
		dst->v[i] = xstrdup(src->v[i]);
}

void policy_copy(struct policy *dst, const struct policy *src)
{
	*dst = *src;
	dst->admin_uids.v = NULL;
	if (src->admin_uids.n) {
		dst->admin_uids.v = xcalloc(src->admin_uids.n, sizeof *dst->admin_uids.v);
		memcpy(dst->admin_uids.v, src->admin_uids.v,
		       src->admin_uids.n * sizeof *dst->admin_uids.v);
	}
	copy_strings(&dst->exclude_apps, &src->exclude_apps);
	dst->endpoint = xstrdup(src->endpoint);
	for (int i = 0; i < N_NOTICE; i++)
		dst->notice[i] = xstrdup(src->notice[i]);
}

int policy_load(struct policy *p, const char *path, char **error, conf_warn_fn warn,
                void *warn_data)
{
	struct policy n;
	policy_init(&n);
	int r = conf_load(path, policy_keys, ARRAY_SIZE(policy_keys), &n, error, warn, warn_data);
	if (r == -EINVAL) {
		policy_fini(&n);
		return r;
	}
	policy_fini(p);
	*p = n;
	return r;
}

char *policy_resolve(const char *arg)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (arg)
		return xstrdup(arg);
	if (access(POLICY_SYSTEM_FILE, F_OK) == 0)
		return xstrdup(POLICY_SYSTEM_FILE);
	if (xdg && *xdg)
		return xasprintf("%s/capctl/captured.conf", xdg);
	return xasprintf("%s/.config/capctl/captured.conf", home ? home : "");
}

enum fidelity policy_fidelity(const struct policy *p, enum stream s)
{
	const char *name = stream_values[s][p->fidelity_index[s]];
	for (int f = 0; f < N_FIDELITY; f++)
		if (strcmp(fidelity_names[f], name) == 0)
			return (enum fidelity)f;
	return FID_OFF;
}

bool policy_is_admin(const struct policy *p, uint32_t uid)
{
	for (size_t i = 0; i < p->admin_uids.n; i++)
		if (p->admin_uids.v[i] == uid)
			return true;
	return false;
}

bool policy_excludes_app(const struct policy *p, const char *app)
{
	for (size_t i = 0; i < p->exclude_apps.n; i++)
		if (strcasecmp(p->exclude_apps.v[i], app) == 0)
			return true;
	return false;
}

const char *const *policy_stream_values(enum stream s)
{
	return stream_values[s];
}

int stream_parse(const char *name)
{
	for (int s = 0; s < N_STREAMS; s++)
		if (strcmp(stream_ids[s], name) == 0)
			return s;
	return -1;
}

const char *stream_id(enum stream s)
{
	return stream_ids[s];
}

const char *fidelity_name(enum fidelity f)
{
	return fidelity_names[f];
}

const char *notice_key(enum notice_field f)
{
	return notice_keys[f];
}
