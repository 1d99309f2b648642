/* The agent's life: agent_new starts it in an order that touches nothing
 * before the policy is known good and the bus name is ours, agent_run runs
 * the loop, agent_free stops it and lets go of everything. */
#define _GNU_SOURCE
#include "agent.h"
#include "i18n.h"
#include "names.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void warn_line(const char *msg, void *data)
{
	(void)data;
	log_msg(LOG_LEVEL_WARNING, "%s", msg);
}

static void on_quit(int signo, void *data)
{
	struct agent *a = data;
	log_msg(LOG_LEVEL_INFO, _("%s received; stopping"), signo == SIGINT ? "SIGINT" : "SIGTERM");
	loop_quit(a->loop, 0);
}

static void on_hup(int signo, void *data)
{
	(void)signo;
	agent_reload(data);
}

/* --state-dir, else systemd's StateDirectory= ($STATE_DIRECTORY: absolute
 * paths joined by ':', ours the first), else the default of the bus: the
 * directory (heap), or NULL when $STATE_DIRECTORY is not absolute. */
static char *state_dir_of(const struct agent_options *o)
{
	const char *sd = getenv("STATE_DIRECTORY"), *xdg = getenv("XDG_STATE_HOME"),
	           *home = getenv("HOME");
	if (o->state_dir)
		return xstrdup(o->state_dir);
	if (sd && *sd) {
		if (*sd != '/') {
			log_msg(LOG_LEVEL_ERR,
			        _("STATE_DIRECTORY=%s is not an absolute path; not using it"), sd);
			return NULL;
		}
		return xstrndup(sd, strcspn(sd, ":"));
	}
	if (o->system)
		return xstrdup(CAPCTL_LOCALSTATEDIR "/lib/capctl");
	if (xdg && *xdg)
		return xasprintf("%s/capctl", xdg);
	return xasprintf("%s/.local/state/capctl", home ? home : "");
}

/* The state directory is the agent's alone: one others can write lets
 * them replace its files, one others can read shows them the History. A
 * loose mode is tightened; a directory of someone else's is refused. */
static int secure_state_dir(const char *dir)
{
	struct stat st;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = -1;
	if (fd < 0 || fstat(fd, &st) < 0) {
		log_msg(LOG_LEVEL_ERR, _("cannot open the state directory %s: %s"), dir,
		        errno_text(errno));
		goto out;
	}
	mode_t mode = st.st_mode & 07777;
	if (st.st_uid != geteuid()) {
		log_msg(LOG_LEVEL_ERR,
		        _("the state directory %s belongs to uid %lu, not to uid %lu that runs the "
		          "agent; not using it"),
		        dir, (unsigned long)st.st_uid, (unsigned long)geteuid());
		goto out;
	}
	if (mode & 077) {
		if (fchmod(fd, 0700) < 0) {
			log_msg(
			    LOG_LEVEL_ERR,
			    _("the state directory %s is mode %04o, open to others, and cannot be "
			      "made 0700: %s; not using it"),
			    dir, (unsigned)mode, errno_text(errno));
			goto out;
		}
		log_msg(LOG_LEVEL_WARNING,
		        _("the state directory %s was mode %04o, open to others; it is 0700 now"),
		        dir, (unsigned)mode);
	}
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	return r;
}

/* Loads the state file; a damaged one is kept aside, what it held
 * recovered and said so in History. */
static int load_state(struct agent *a)
{
	struct state s;
	struct state_report rep;
	int err;
	a->store = state_open(a->state_path, now_usec(), &s, &rep, &err);
	if (!a->store) {
		log_msg(LOG_LEVEL_ERR, _("cannot read %s: %s"), a->state_path, errno_text(-err));
		return -1;
	}
	/* The limits are the policy's, not the file's. */
	control_set_limits(&s.control, a->control.max_pause_seconds, a->control.budget_seconds,
	                   a->control.max_pending);
	control_fini(&a->control);
	a->control = s.control;
	consent_fini(&a->consent);
	a->consent = s.consent;
	agent_apply_consent(a);
	memcpy(a->counts, s.counts, sizeof a->counts);
	a->upload_saved = xmalloc(sizeof *a->upload_saved);
	*a->upload_saved = s.upload;
	if (rep.note)
		log_msg(LOG_LEVEL_WARNING, "%s", rep.note);
	if (rep.recovered)
		agent_log(a, "state-recovered", CAPCTL_UID_AGENT, "%s", rep.recovered);
	state_report_fini(&rep);
	return 0;
}

/* The policy first: a bad one stops us before anything is touched. */
static int load_policy(struct agent *a)
{
	char *error = NULL, *path = policy_resolve(a->config_arg);
	policy_init(&a->written);
	int r = policy_load(&a->written, path, &error, warn_line, NULL);
	if ((r == -ENOENT && a->config_arg) || r == -EINVAL) {
		if (r == -ENOENT)
			log_msg(LOG_LEVEL_ERR, _("%s: cannot read: %s"), path, errno_text(ENOENT));
		else
			log_msg(LOG_LEVEL_ERR, "%s", error);
		free(error);
		free(path);
		return -1;
	}
	a->policy_path = r == 0 ? path : NULL;
	if (r != 0)
		free(path);
	/* Nothing is acknowledged until the state file says so. */
	consent_init(&a->consent);
	agent_apply_consent(a);
	return 0;
}

/* From here a SIGTERM waits for the loop, so one that comes while a large
 * state file is read or written stops the agent cleanly. */
static void start_loop(struct agent *a)
{
	a->loop = loop_new();
	signal(SIGPIPE, SIG_IGN);
	loop_signal(a->loop, SIGTERM, on_quit, a);
	loop_signal(a->loop, SIGINT, on_quit, a);
	loop_signal(a->loop, SIGHUP, on_hup, a);
}

static int open_bus(struct agent *a, bool system)
{
	DBusError err;
	dbus_error_init(&err);
	a->bus = bus_open(system, &err);
	if (!a->bus) {
		log_msg(LOG_LEVEL_ERR, _("cannot connect to the %s bus: %s"),
		        system ? "system" : "session", err.message);
		dbus_error_free(&err);
		return -1;
	}
	int r = bus_own_name(a->bus, CAPCTL_BUS_NAME, &err);
	if (r == -EEXIST) {
		log_msg(LOG_LEVEL_ERR,
		        _("another agent already owns %s on this bus; not starting a second one"),
		        CAPCTL_BUS_NAME);
		return -1;
	}
	if (r < 0) {
		log_msg(LOG_LEVEL_ERR, _("cannot own %s: %s"), CAPCTL_BUS_NAME, err.message);
		dbus_error_free(&err);
		return -1;
	}
	return 0;
}

/* The state directory, made and made private, History and the state
 * file in it: the directory (heap), or NULL. */
static char *open_state(struct agent *a, const struct agent_options *o)
{
	char *dir = state_dir_of(o);
	int r;
	if (!dir)
		return NULL;
	if ((r = mkdir_p(dir)) < 0) {
		log_msg(LOG_LEVEL_ERR, _("cannot create %s: %s"), dir, errno_text(-r));
		goto fail;
	}
	if (secure_state_dir(dir) < 0)
		goto fail;
	a->state_path = xasprintf("%s/state", dir);
	char *history_path = xasprintf("%s/history", dir);
	a->history = history_open(history_path, &r);
	if (!a->history)
		log_msg(LOG_LEVEL_ERR, _("cannot open %s: %s"), history_path, errno_text(-r));
	free(history_path);
	if (!a->history)
		goto fail;
	if (history_recovered(a->history))
		agent_log(a, "state-recovered", CAPCTL_UID_AGENT, "%s",
		          history_recovered(a->history));
	if (history_chained_on_open(a->history))
		log_msg(LOG_LEVEL_INFO, _("History: chained the %zu entries that had no hash"),
		        history_chained_on_open(a->history));
	control_init(&a->control, a->policy.max_pause_minutes * 60,
	             a->policy.daily_pause_budget_minutes * 60, a->policy.max_pending_exemptions);
	if (load_state(a) < 0 || agent_open_activity(a, dir) < 0)
		goto fail;
	return dir;
fail:
	free(dir);
	return NULL;
}

/* On the bus, then recording: the spool, the uploader, the source. */
static int start(struct agent *a, const struct agent_options *o, const char *state_dir)
{
	char *error = NULL;
	filter_init(&a->filter, &a->policy);
	bus_attach(a->bus, a->loop);
	agent_init_control_timer(a);
	if (service_start(a) < 0) {
		log_msg(LOG_LEVEL_ERR, _("cannot register %s"), CAPCTL_PATH);
		return -1;
	}
	a->started = true;
	agent_log(a, "agent-started", CAPCTL_UID_AGENT, "captured %s, source %s, uid %" PRIu32,
	          CAPCTL_VERSION, o->source_spec, a->own_uid);
	if (a->policy_path)
		agent_log(a, "policy-loaded", CAPCTL_UID_AGENT, "%s", a->policy_path);
	else
		agent_log_phrase(a, "policy-loaded", CAPCTL_UID_AGENT, PHRASE_H_NO_POLICY);
	agent_watch_power(a);
	int r = agent_open_spool(a, state_dir, &error);
	if (r < 0 || agent_start_source(a, &error) < 0) {
		log_msg(LOG_LEVEL_ERR, "%s", error);
		free(error);
		return -1;
	}
	return 0;
}

struct agent *agent_new(const struct agent_options *o, int *code)
{
	struct agent *a = xcalloc(1, sizeof *a);
	char *state_dir = NULL;
	a->config_arg = o->config;
	a->source_kind = o->source;
	a->seed = o->seed;
	a->speed = o->speed;
	a->replay = o->replay;
	a->exit_at_end = o->exit_at_end;
	*code = 2;
	if (load_policy(a) < 0)
		goto fail;
	*code = 1;
	a->own_uid = (uint32_t)getuid();
	a->system_bus = o->system;
	start_loop(a);
	if (open_bus(a, o->system) < 0 || !(state_dir = open_state(a, o)))
		goto fail;
	int r = start(a, o, state_dir);
	free(state_dir);
	if (r < 0)
		goto fail;
	return a;
fail:
	agent_free(a);
	return NULL;
}

int agent_run(struct agent *a)
{
	agent_tick(a); /* a pause that ended while we were down, expiries */
	return loop_run(a->loop);
}

static void stop(struct agent *a)
{
	agent_stop_source(a);
	agent_save_state(a);
	activity_close(a->activity, now_usec());
	a->activity = NULL;
	agent_log_phrase(a, "agent-stopped", CAPCTL_UID_AGENT, PHRASE_H_STOPPED);
	service_stop(a);
}

void agent_free(struct agent *a)
{
	if (!a)
		return;
	if (a->started)
		stop(a);
	if (a->bus)
		bus_close(a->bus);
	loop_timer_free(a->control_timer);
	loop_timer_free(a->stats_timer);
	loop_timer_free(a->flush_timer);
	upload_free(a->uploader);
	power_watch_free(a->power);
	spool_free(a->spool);
	loop_timer_free(a->checkpoint_timer);
	loop_timer_free(a->segment_timer);
	loop_timer_free(a->retention_timer);
	loop_free(a->loop);
	history_free(a->history);
	control_fini(&a->control);
	policy_fini(&a->policy);
	policy_fini(&a->written);
	consent_fini(&a->consent);
	free(a->policy_path);
	free(a->state_path);
	free(a->source_lost);
	if (a->upload_saved)
		state_upload_fini(a->upload_saved);
	free(a->upload_saved);
	state_close(a->store);
	source_replay_discard(a->replay);
	free(a);
}
