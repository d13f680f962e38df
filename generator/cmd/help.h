/*
 * help: the text of `aftermath --help` and of `aftermath help COMMAND`.
 *
 * One place for what each command takes, so the usage line, the per-command
 * help and `aftermath COMMAND --help` say the same thing (the man page,
 * man/aftermath.1, is kept beside them by hand).
 */
#ifndef AFTERMATH_HELP_H
#define AFTERMATH_HELP_H

/* The overview: every command and option.  A static string. */
const char *help_usage(void);

/* The help of one command, or NULL when there is no such command. */
const char *help_command(const char *command);

#endif
