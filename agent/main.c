/* captured: the reference capture agent. The command line here; the
 * agent's start, loop and stop in lifecycle.c. */
#define _GNU_SOURCE
#include "agent.h"
#include "decode.h"
#include "i18n.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *out)
{
	fputs(_("Usage: captured [--session | --system] [--config FILE] [--state-dir DIR]\n"
	        "                [--source x11 | evdev | synthetic[:SEED] | replay:FILE | none]\n"
	        "                [--speed FACTOR] [--exit-at-end]\n"
	        "       captured --check-config FILE\n"
	        "       captured --decode FILE...\n"
	        "       captured -h | --help | -V | --version\n"
	        "\n"
	        "The reference capture agent of capctl: records input as the policy allows\n"
	        "and answers org.capctl.Agent1 on D-Bus.\n"
	        "\n"),
	      out);
	/* TRANSLATORS: keep the option names; %s is a directory such as /var. */
	fprintf(
	    out,
	    _("  --session            use the session bus (the default)\n"
	      "  --system             use the system bus\n"
	      "  --config FILE        read the policy from FILE\n"
	      "  --state-dir DIR      keep state here (default $STATE_DIRECTORY when systemd\n"
	      "                       sets it, else $XDG_STATE_HOME/capctl, or\n"
	      "                       %s/lib/capctl with --system)\n"
	      "  --source SOURCE      x11 (XInput2 on $DISPLAY), evdev (/dev/input),\n"
	      "                       synthetic[:SEED] (generated input), replay:FILE (an\n"
	      "                       evemu-record recording) or none; the default is x11\n"
	      "                       when $DISPLAY is set, else evdev when readable, else none\n"
	      "  --speed FACTOR       replay speed: 1 as recorded (the default), 2 twice as\n"
	      "                       fast, 0 as fast as possible\n"
	      "  --exit-at-end        when a replay ends, save everything and exit 0\n"
	      "  --check-config FILE  check a policy file and exit\n"
	      "  --decode FILE...     print the events of segment files or upload bodies\n"
	      "                       (- for standard input) as JSON Lines and exit\n"
	      "  -h, --help           show this help and exit\n"
	      "  -V, --version        show the version and exit\n"
	      "\n"
	      "See captured(8) and captured.conf(5).\n"),
	    CAPCTL_LOCALSTATEDIR);
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
		fprintf(stderr, _("%s: cannot read: %s\n"), path, errno_text(ENOENT));
		return 2;
	}
	if (r < 0) {
		fprintf(stderr, "%s\n", error);
		free(error);
		return 2;
	}
	printf(_("%s: policy is valid\n"), path);
	return 0;
}

static int parse_source(const char *arg, struct agent_options *a)
{
	char *end;
	if (strcmp(arg, "none") == 0) {
		a->source = SOURCE_NONE;
		return 0;
	}
	if (strcmp(arg, "x11") == 0) {
		a->source = SOURCE_X11;
		return 0;
	}
	if (strcmp(arg, "evdev") == 0) {
		a->source = SOURCE_EVDEV;
		return 0;
	}
	if (strncmp(arg, "replay:", 7) == 0) {
		/* The whole recording is checked now, before anything is
		 * touched: a bad line is a usage error. */
		char *error = NULL;
		a->source = SOURCE_REPLAY;
		if (!arg[7]) {
			fprintf(stderr, _("captured: --source replay:FILE needs a file\n"));
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
		a->source = SOURCE_SYNTHETIC;
		a->seed = now_usec();
		if (arg[9] == ':') {
			errno = 0;
			a->seed = strtoull(arg + 10, &end, 10);
			if (errno || end == arg + 10 || *end || arg[10] == '-') {
				fprintf(stderr,
				        _("captured: --source synthetic:SEED takes a whole "
				          "number, not '%s'\n"),
				        arg + 10);
				return -1;
			}
		}
		return 0;
	}
	fprintf(stderr,
	        _("captured: unknown source '%s'; the sources are x11, evdev, synthetic[:SEED], "
	          "replay:FILE and none\n"),
	        arg);
	return -1;
}

static int parse_speed(const char *arg, struct agent_options *a)
{
	char *end;
	errno = 0;
	double v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v >= 0) || v > 1e9) {
		fprintf(
		    stderr,
		    _("captured: --speed takes a number of 0 or more (1 as recorded, 0 as fast as "
		      "possible), not '%s'\n"),
		    arg);
		return -1;
	}
	a->speed = v;
	return 0;
}

/* x11 in an X session, else evdev where the devices can be read, else
 * none. */
static const char *default_source(struct agent_options *a)
{
	const char *display = getenv("DISPLAY");
	if (display && *display) {
		a->source = SOURCE_X11;
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
	a->source = readable ? SOURCE_EVDEV : SOURCE_NONE;
	return readable ? "evdev" : "none";
}

/* What the command line asks for besides starting the agent. */
struct mode {
	bool decode;              /* --decode FILE... */
	const char *check_config; /* --check-config FILE */
	const char *agent_opt;    /* the first other option given, which --decode refuses */
};

/* One option: 1 to go on, 0 to exit with *code. */
static int take_option(int c, const char *arg, struct agent_options *o, struct mode *m, int *code)
{
	*code = 2;
	switch (c) {
	case 'S':
	case 'Y':
		o->system = c == 'Y';
		return 1;
	case 'c':
		o->config = arg;
		return 1;
	case 'd':
		o->state_dir = arg;
		return 1;
	case 's':
		o->source_spec = arg;
		return parse_source(arg, o) < 0 ? 0 : 1;
	case 'p':
		return parse_speed(arg, o) < 0 ? 0 : 1;
	case 'E':
		o->exit_at_end = true;
		return 1;
	case 'C':
		m->check_config = arg;
		return 1;
	case 'D':
		m->decode = true;
		return 1;
	case 'h':
		usage(stdout);
		*code = 0;
		return 0;
	case 'V':
		printf("captured %s\n", CAPCTL_VERSION);
		*code = 0;
		return 0;
	default:
		usage(stderr);
		return 0;
	}
}

/* --decode FILE...: alone, with at least one file. The exit status. */
static int decode_mode(const struct mode *m, int argc, char **argv)
{
	if (m->agent_opt) {
		fprintf(stderr, _("captured: --decode cannot be combined with --%s\n"),
		        m->agent_opt);
		usage(stderr);
		return 2;
	}
	if (optind == argc) {
		fprintf(stderr,
		        _("captured: --decode needs at least one FILE (- for standard input)\n"));
		usage(stderr);
		return 2;
	}
	return decode_files(argv + optind, argc - optind, stdout, stderr);
}

/* The command line into *o: 1 to start the agent, 0 to exit with *code. */
static int parse_options(int argc, char **argv, struct agent_options *o, int *code)
{
	static const struct option opts[] = {
	    {"session", no_argument, NULL, 'S'},
	    {"system", no_argument, NULL, 'Y'},
	    {"config", required_argument, NULL, 'c'},
	    {"state-dir", required_argument, NULL, 'd'},
	    {"source", required_argument, NULL, 's'},
	    {"check-config", required_argument, NULL, 'C'},
	    {"decode", no_argument, NULL, 'D'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {"speed", required_argument, NULL, 'p'},
	    {"exit-at-end", no_argument, NULL, 'E'},
	    {NULL, 0, NULL, 0},
	};
	struct mode m = {0};
	int c, li = -1;
	*o = (struct agent_options){.source = SOURCE_NONE, .speed = 1};
	while ((c = getopt_long(argc, argv, "hV", opts, &li)) != -1) {
		if (!take_option(c, optarg, o, &m, code))
			goto fail;
		if (c != 'D' && li >= 0 && !m.agent_opt)
			m.agent_opt = opts[li].name;
		li = -1;
	}
	if (m.decode) {
		*code = decode_mode(&m, argc, argv);
		goto fail;
	}
	if (m.check_config) {
		*code = check_config(m.check_config);
		goto fail;
	}
	if (optind < argc) {
		fprintf(stderr, _("captured: unexpected argument '%s'\n"), argv[optind]);
		usage(stderr);
		*code = 2;
		goto fail;
	}
	if (!o->source_spec)
		o->source_spec = default_source(o);
	return 1;
fail:
	source_replay_discard(o->replay);
	return 0;
}

int main(int argc, char **argv)
{
	struct agent_options o;
	int code;
	log_init("captured");
	i18n_init();
	if (!parse_options(argc, argv, &o, &code))
		return code;
	struct agent *a = agent_new(&o, &code);
	if (!a)
		return code;
	code = agent_run(a);
	agent_free(a);
	return code;
}
