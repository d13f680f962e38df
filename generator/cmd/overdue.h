/*
 * overdue: `aftermath overdue`, the follow-through digest for CI to post:
 * overdue, due-soon and escalated action items and late write-ups
 * (followup.h), grouped by the person they are for, as text, Markdown (for
 * an issue or a chat) or JSON (schema in docs/follow-through.md).
 */
#ifndef AFTERMATH_OVERDUE_H
#define AFTERMATH_OVERDUE_H

/*
 * Run the command: argv[0] is "overdue", the rest its options.  Returns the
 * exit status: 0, 1 (content errors, or --fail-on found items), 2 (usage).
 */
int overdue_main(int argc, char **argv);

#endif
