/* captured: the reference capture agent. Options, start-up in an order
 * that touches nothing before the policy is known good and the bus name is
 * ours, then the loop. */
#define _GNU_SOURCE
#include "agent.h"
#include "names.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *out)
{
	fputs("Usage: captured [--session | --system] [--config FILE] [--state-dir DIR]\n"
	      "                [--source x11 | evdev | synthetic[:SEED] | replay:FILE | none]\n"
	      "                [--speed FACTOR] [--exit-at-end]\n"
	      "       captured --check-config FILE\n"
	      "       captured -h | --help | -V | --version\n"
	      "\n"
	      "The reference capture agent of capctl: records input as the policy allows\n"
	      "and answers org.capctl.Agent1 on D-Bus.\n"
	      "\n"
	      "  --session            use the session bus (the default)\n"
	      "  --system             use the system bus\n"
	      "  --config FILE        read the policy from FILE\n"
	      "  --state-dir DIR      keep state here (default $XDG_STATE_HOME/capctl,\n"
	      "                       /var/lib/capctl with --system)\n"
	      "  --source SOURCE      x11 (XInput2 on $DISPLAY), evdev (/dev/input),\n"
	      "                       synthetic[:SEED] (generated input), replay:FILE (an\n"
	      "                       evemu-record recording) or none; the default is x11\n"
	      "                       when $DISPLAY is set, else evdev when readable, else none\n"
	      "  --speed FACTOR       replay speed: 1 as recorded (the default), 2 twice as\n"
	      "                       fast, 0 as fast as possible\n"
	      "  --exit-at-end        when a replay ends, save everything and exit 0\n"
	      "  --check-config FILE  check a policy file and exit\n"
	      "  -h, --help           show this help and exit\n"
	      "  -V, --version        show the version and exit\n"
	      "\n"
	      "See captured(8) and captured.conf(5).\n",
	      out);
}

static void warn_line(const char *msg, void *data)
{
	(void)data;
	fprintf(stderr, "%s\n", msg);
}

static int check_config(const char *path)
{
	struct policy p;
	char *error = NULL;
	policy_init(&p);
	int r = policy_load(&p, path, &error, warn_line, NULL);
	policy_fini(&p);
	if (r == -ENOENT) {
		fprintf(stderr, "%s: cannot read: %s\n", path, strerror(ENOENT));
		return 2;
	}
	if (r < 0) {
		fprintf(stderr, "%s\n", error);
		free(error);
		return 2;
	}
	printf("%s: policy is valid\n", path);
	return 0;
}

static int parse_source(const char *arg, struct agent *a)
{
	char *end;
	if (strcmp(arg, "none") == 0) {
		a->source_kind = SOURCE_NONE;
		return 0;
	}
	if (strcmp(arg, "x11") == 0) {
		a->source_kind = SOURCE_X11;
		return 0;
	}
	if (strcmp(arg, "evdev") == 0) {
		a->source_kind = SOURCE_EVDEV;
		return 0;
	}
	if (strncmp(arg, "replay:", 7) == 0) {
		/* The whole recording is checked now, before anything is
		 * touched: a bad line is a usage error. */
		char *error = NULL;
		a->source_kind = SOURCE_REPLAY;
		if (!arg[7]) {
			fprintf(stderr, "captured: --source replay:FILE needs a file\n");
			return -1;
		}
		source_replay_discard(a->replay);
		if (!(a->replay = source_replay_load(arg + 7, &error))) {
			fprintf(stderr, "%s\n", error);
			free(error);
			return -1;
		}
		return 0;
	}
	if (strncmp(arg, "synthetic", 9) == 0 && (arg[9] == '\0' || arg[9] == ':')) {
		a->source_kind = SOURCE_SYNTHETIC;
		a->seed = now_usec();
		if (arg[9] == ':') {
			errno = 0;
			a->seed = strtoull(arg + 10, &end, 10);
			if (errno || end == arg + 10 || *end || arg[10] == '-') {
				fprintf(stderr,
				        "captured: --source synthetic:SEED takes a whole "
				        "number, not '%s'\n",
				        arg + 10);
				return -1;
			}
		}
		return 0;
	}
	fprintf(stderr,
	        "captured: unknown source '%s'; the sources are x11, evdev, synthetic[:SEED], "
	        "replay:FILE and none\n",
	        arg);
	return -1;
}

static int parse_speed(const char *arg, struct agent *a)
{
	char *end;
	errno = 0;
	double v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v >= 0) || v > 1e9) {
		fprintf(
		    stderr,
		    "captured: --speed takes a number of 0 or more (1 as recorded, 0 as fast as "
		    "possible), not '%s'\n",
		    arg);
		return -1;
	}
	a->speed = v;
	return 0;
}

/* x11 in an X session, else evdev where the devices can be read, else
 * none. */
static const char *default_source(struct agent *a)
{
	const char *display = getenv("DISPLAY");
	if (display && *display) {
		a->source_kind = SOURCE_X11;
		return "x11";
	}
	DIR *dir = opendir("/dev/input");
	bool readable = false;
	for (struct dirent *de; dir && !readable && (de = readdir(dir));) {
		if (strncmp(de->d_name, "event", 5) != 0)
			continue;
		char *path = xasprintf("/dev/input/%s", de->d_name);
		readable = access(path, R_OK) == 0;
		free(path);
	}
	if (dir)
		closedir(dir);
	a->source_kind = readable ? SOURCE_EVDEV : SOURCE_NONE;
	return readable ? "evdev" : "none";
}

static void on_quit(int signo, void *data)
{
	struct agent *a = data;
	log_msg("%s received; stopping", signo == SIGINT ? "SIGINT" : "SIGTERM");
	loop_quit(a->loop, 0);
}

static void on_hup(int signo, void *data)
{
	(void)signo;
	agent_reload(data);
}

static char *default_state_dir(bool system)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	if (system)
		return xstrdup("/var/lib/capctl");
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
		log_msg("cannot open the state directory %s: %s", dir, strerror(errno));
		goto out;
	}
	mode_t mode = st.st_mode & 07777;
	if (st.st_uid != geteuid()) {
		log_msg("the state directory %s belongs to uid %lu, not to uid %lu that runs the "
		        "agent; not using it",
		        dir, (unsigned long)st.st_uid, (unsigned long)geteuid());
		goto out;
	}
	if (mode & 077) {
		if (fchmod(fd, 0700) < 0) {
			log_msg(
			    "the state directory %s is mode %04o, open to others, and cannot be "
			    "made 0700: %s; not using it",
			    dir, (unsigned)mode, strerror(errno));
			goto out;
		}
		log_msg("the state directory %s was mode %04o, open to others; it is 0700 now", dir,
		        (unsigned)mode);
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
		log_msg("cannot read %s: %s", a->state_path, strerror(-err));
		return -1;
	}
	/* The limits are the policy's, not the file's. */
	control_set_limits(&s.control, a->control.max_pause_seconds, a->control.budget_seconds,
	                   a->control.max_pending);
	control_fini(&a->control);
	a->control = s.control;
	memcpy(a->counts, s.counts, sizeof a->counts);
	a->upload_saved = xmalloc(sizeof *a->upload_saved);
	*a->upload_saved = s.upload;
	if (rep.note)
		log_msg("%s", rep.note);
	if (rep.recovered)
		agent_log(a, "state-recovered", CAPCTL_UID_AGENT, "%s", rep.recovered);
	state_report_fini(&rep);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"session", no_argument, NULL, 'S'},
	    {"system", no_argument, NULL, 'Y'},
	    {"config", required_argument, NULL, 'c'},
	    {"state-dir", required_argument, NULL, 'd'},
	    {"source", required_argument, NULL, 's'},
	    {"check-config", required_argument, NULL, 'C'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {"speed", required_argument, NULL, 'p'},
	    {"exit-at-end", no_argument, NULL, 'E'},
	    {NULL, 0, NULL, 0},
	};
	struct agent a = {.source_kind = SOURCE_NONE, .speed = 1};
	const char *source_spec = NULL;
	bool system = false;
	const char *state_arg = NULL;
	int c, code = 1;
	char *error = NULL;

	log_init("captured");
	while ((c = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
		switch (c) {
		case 'S':
			system = false;
			break;
		case 'Y':
			system = true;
			break;
		case 'c':
			a.config_arg = optarg;
			break;
		case 'd':
			state_arg = optarg;
			break;
		case 's':
			if (parse_source(optarg, &a) < 0) {
				code = 2;
				goto out;
			}
			source_spec = optarg;
			break;
		case 'p':
			if (parse_speed(optarg, &a) < 0) {
				code = 2;
				goto out;
			}
			break;
		case 'E':
			a.exit_at_end = true;
			break;
		case 'C':
			code = check_config(optarg);
			goto out;
		case 'h':
			usage(stdout);
			code = 0;
			goto out;
		case 'V':
			printf("captured %s\n", CAPCTL_VERSION);
			code = 0;
			goto out;
		default:
			usage(stderr);
			code = 2;
			goto out;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "captured: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		code = 2;
		goto out;
	}
	if (!source_spec)
		source_spec = default_source(&a);

	/* The policy first: a bad one stops us before anything is touched. */
	policy_init(&a.policy);
	char *path = policy_resolve(a.config_arg);
	int r = policy_load(&a.policy, path, &error, warn_line, NULL);
	if ((r == -ENOENT && a.config_arg) || r == -EINVAL) {
		if (r == -ENOENT)
			fprintf(stderr, "%s: cannot read: %s\n", path, strerror(ENOENT));
		else
			fprintf(stderr, "%s\n", error);
		free(path);
		code = 2;
		goto out;
	}
	a.policy_path = r == 0 ? path : NULL;
	if (r != 0)
		free(path);
	a.own_uid = (uint32_t)getuid();
	/* From here a SIGTERM waits for the loop, so one that comes while a
	 * large state file is read or written stops the agent cleanly. */
	a.loop = loop_new();
	signal(SIGPIPE, SIG_IGN);
	loop_signal(a.loop, SIGTERM, on_quit, &a);
	loop_signal(a.loop, SIGINT, on_quit, &a);
	loop_signal(a.loop, SIGHUP, on_hup, &a);

	DBusError err;
	dbus_error_init(&err);
	a.bus = bus_open(system, &err);
	if (!a.bus) {
		log_msg("cannot connect to the %s bus: %s", system ? "system" : "session",
		        err.message);
		dbus_error_free(&err);
		goto out;
	}
	r = bus_own_name(a.bus, CAPCTL_BUS_NAME, &err);
	if (r == -EEXIST) {
		log_msg("another agent already owns %s on this bus; not starting a second one",
		        CAPCTL_BUS_NAME);
		goto out;
	}
	if (r < 0) {
		log_msg("cannot own %s: %s", CAPCTL_BUS_NAME, err.message);
		dbus_error_free(&err);
		goto out;
	}

	char *state_dir = state_arg ? xstrdup(state_arg) : default_state_dir(system);
	if ((r = mkdir_p(state_dir)) < 0) {
		log_msg("cannot create %s: %s", state_dir, strerror(-r));
		free(state_dir);
		goto out;
	}
	if (secure_state_dir(state_dir) < 0) {
		free(state_dir);
		goto out;
	}
	a.state_path = xasprintf("%s/state", state_dir);
	char *history_path = xasprintf("%s/history", state_dir);
	a.history = history_open(history_path, &r);
	if (!a.history) {
		log_msg("cannot open %s: %s", history_path, strerror(-r));
		free(history_path);
		free(state_dir);
		goto out;
	}
	free(history_path);
	if (history_recovered(a.history))
		agent_log(&a, "state-recovered", CAPCTL_UID_AGENT, "%s",
		          history_recovered(a.history));

	control_init(&a.control, a.policy.max_pause_minutes * 60,
	             a.policy.daily_pause_budget_minutes * 60, a.policy.max_pending_exemptions);
	if (load_state(&a) < 0) {
		free(state_dir);
		goto out;
	}
	filter_init(&a.filter, &a.policy);

	bus_attach(a.bus, a.loop);
	agent_init_control_timer(&a);
	if (service_start(&a) < 0) {
		log_msg("cannot register %s", CAPCTL_PATH);
		free(state_dir);
		goto out;
	}

	agent_log(&a, "agent-started", CAPCTL_UID_AGENT, "captured %s, source %s, uid %" PRIu32,
	          CAPCTL_VERSION, source_spec, a.own_uid);
	agent_log(&a, "policy-loaded", CAPCTL_UID_AGENT, "%s",
	          a.policy_path ? a.policy_path : "no policy file: the defaults");
	agent_watch_power(&a);
	r = agent_open_spool(&a, state_dir, &error);
	free(state_dir);
	if (r < 0 || agent_start_source(&a, &error) < 0) {
		log_msg("%s", error);
		goto stop;
	}
	agent_tick(&a); /* a pause that ended while we were down, expiries */

	code = loop_run(a.loop);

stop:
	agent_stop_source(&a);
	agent_save_state(&a);
	agent_log(&a, "agent-stopped", CAPCTL_UID_AGENT, "stopped");
	service_stop(&a);
out:
	if (a.bus)
		bus_close(a.bus);
	loop_timer_free(a.control_timer);
	loop_timer_free(a.stats_timer);
	loop_timer_free(a.flush_timer);
	upload_free(a.uploader);
	power_watch_free(a.power);
	spool_free(a.spool);
	loop_timer_free(a.checkpoint_timer);
	loop_timer_free(a.segment_timer);
	loop_timer_free(a.retention_timer);
	loop_free(a.loop);
	history_free(a.history);
	control_fini(&a.control);
	policy_fini(&a.policy);
	free(a.policy_path);
	free(a.state_path);
	free(a.source_lost);
	if (a.upload_saved)
		state_upload_fini(a.upload_saved);
	free(a.upload_saved);
	state_close(a.store);
	source_replay_discard(a.replay);
	free(error);
	return code;
}
