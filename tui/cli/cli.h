/* capctl's command line (cli.md): the options, the one-shot commands and
 * their exit status, and the hand-over to the console when no command is
 * given. */
#ifndef CAPCTL_CLI_H
#define CAPCTL_CLI_H

/* Exit status of cli.md. */
enum cli_exit {
	CLI_OK = 0,
	CLI_REFUSED = 1,     /* the agent said no: its error on stderr */
	CLI_USAGE = 2,       /* a bad command line or configuration */
	CLI_UNREACHABLE = 3, /* no bus, or no agent on it */
};

/* Runs capctl with argv; returns the exit status. */
int cli_main(int argc, char **argv);

#endif
