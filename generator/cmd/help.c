/* help: the usage text and each command's help (see help.h). */
#include "cmd/help.h"

#include "base/util.h"

static const char usage_text[] =
	"usage: aftermath <command> [options]\n"
	"\n"
	"commands:\n"
	"  build [CONTENT_DIR]   build the site (default content dir: content)\n"
	"  check [CONTENT_DIR]   check the postmortems and report problems; writes nothing\n"
	"                        (--explain FILE: where each value of FILE came from)\n"
	"  stats [CONTENT_DIR]   action-item and incident statistics (--format text or json)\n"
	"  overdue [CONTENT_DIR] overdue, due-soon and escalated items and late write-ups, by\n"
	"                        owner (--format text, markdown or json; --fail-on LEVEL)\n"
	"  new [CONTENT_DIR]     write a new postmortem from the template and print its path\n"
	"                        (--title T, --severity S, --service NAME, --date YYYY-MM-DD,\n"
	"                        --owner NAME; the id is the next free one)\n"
	"  serve [CONTENT_DIR]   build, serve on 127.0.0.1 (--port P, default 8080), rebuild on change\n"
	"  init [DIR]            start a knowledge base in a new or empty directory (default: .)\n"
	"  help [COMMAND]        this text, or one command's options\n"
	"\n"
	"options:\n"
	"  -o, --output DIR      output directory (default: public)\n"
	"  --profile NAME        internal (default) or public\n"
	"  --as-of YYYY-MM-DD    the date overdue items are measured against\n"
	"                        (default: SOURCE_DATE_EPOCH, else today in UTC)\n"
	"  --base-url URL        absolute URL the site is served from (for canonical links)\n"
	"  --since YYYY-MM-DD    build: the previous review meeting, for /actions/review/\n"
	"                        (default: 14 days before the as-of date)\n"
	"  -j, --jobs N          worker threads (default: number of CPUs)\n"
	"  --strict              treat warnings as errors\n"
	"  --format FMT          diagnostics as text (default, on stderr), or json, gitlab\n"
	"                        (on stdout) or github (annotations, on stderr)\n"
	"  -q, --quiet           print nothing but diagnostics\n"
	"  --timings             print the time each stage took (for benchmarks)\n"
	"  --max-seconds N       build, check: stop after N seconds with an error, the\n"
	"                        previous site kept (default: no limit; set it in CI)\n"
	"  --allow-outside-links follow symbolic links that lead outside the content\n"
	"                        directory and the theme (never to /proc or /sys)\n"
	"  --lua-memory MB       memory each Lua state (a worker's templates, the lint rules,\n"
	"                        a worker's redaction hook) may hold for the whole build (default: 1024)\n"
	"  --page-output MB      template output one page may have (default: 256)\n"
	"  -h, --help            show this help\n"
	"  --version             print aftermath's version\n"
	"\n"
	"exit status: 0 success, 1 content errors (or warnings with --strict),\n"
	"2 usage error, 3 I/O or internal error\n";

static const char common_tail[] =
	"\n"
	"SOURCE_DATE_EPOCH (seconds since 1970) pins the as-of date when --as-of is not\n"
	"given; set but empty or not a number, it is a usage error (exit 2).\n"
	"exit status: 0 success, 1 content errors (or warnings with --strict),\n"
	"2 usage error, 3 I/O or internal error\n";

struct command_help {
	const char *name;
	const char *text;
};

static const struct command_help commands[] = {
	{"build",
	 "usage: aftermath build [CONTENT_DIR] [-o OUT_DIR] [--profile internal|public]\n"
	 "                       [--as-of YYYY-MM-DD] [--base-url URL] [--jobs N] [--strict]\n"
	 "                       [--format text|json|github|gitlab] [--quiet] [--timings]\n"
	 "                       [--max-seconds N] [--allow-outside-links] [--lua-memory MB]\n"
	 "                       [--page-output MB] [--since YYYY-MM-DD]\n"
	 "\n"
	 "Build the site from CONTENT_DIR (default: content) into OUT_DIR (default: public).\n"
	 "The site is written to a temporary sibling and swapped in only when complete.\n"
	 "\n"
	 "  -o, --output DIR      output directory (default: public)\n"
	 "  --profile NAME        internal (default) or public: only complete, public\n"
	 "                        postmortems, stripped and redacted, then leak-checked\n"
	 "  --as-of YYYY-MM-DD    the date overdue items are measured against\n"
	 "  --base-url URL        absolute URL the site is served from\n"
	 "  --since YYYY-MM-DD    the previous review meeting: /actions/review/ counts what\n"
	 "                        was done since (default: 14 days before --as-of)\n"
	 "  -j, --jobs N          worker threads (default: number of CPUs)\n"
	 "  --strict              warnings fail the build\n"
	 "  --format FMT          text (stderr), json or gitlab (stdout), github (stderr)\n"
	 "  -q, --quiet           print nothing but diagnostics\n"
	 "  --timings             the time each stage and the slowest templates took\n"
	 "  --max-seconds N       stop after N seconds with an error naming the stage and\n"
	 "                        the file; the previous site is kept (exit 1)\n"
	 "  --allow-outside-links follow symbolic links out of CONTENT_DIR and the theme\n"
	 "                        (a corpus linked in on purpose; never /proc or /sys)\n"
	 "  --lua-memory MB       memory a Lua state may hold for the whole build (1024)\n"
	 "  --page-output MB      template output one page may have (256)\n"},
	{"check",
	 "usage: aftermath check [CONTENT_DIR] [--profile internal|public] [--strict]\n"
	 "                       [--format text|json|github|gitlab] [--quiet] [--explain FILE]\n"
	 "\n"
	 "Check every postmortem and page and run the lint rules; write nothing. Text\n"
	 "diagnostics go to stderr and end with a summary (\"3 errors and 2 warnings in\n"
	 "4 files\"). --format json writes a JSON array to stdout, --format gitlab GitLab's\n"
	 "Code Quality report to stdout, --format github GitHub annotations to stderr.\n"
	 "With --profile public, the publish report (what would be published, every\n"
	 "redaction) goes to stdout; in JSON it is one object with a \"diagnostics\" array.\n"
	 "\n"
	 "  --profile NAME        internal (default) or public\n"
	 "  --strict              warnings fail the check (exit 1)\n"
	 "  --format FMT          text, json, github or gitlab\n"
	 "  -q, --quiet           no summary line\n"
	 "  --explain FILE        print every field of FILE (a postmortem), its value and\n"
	 "                        where it came from (front matter, fields:, a default,\n"
	 "                        the body, the timeline, the file name), then check it\n"
	 "  --max-seconds N       stop after N seconds with an error (exit 1)\n"
	 "  --allow-outside-links follow symbolic links out of CONTENT_DIR and the theme\n"
	 "  --lua-memory MB       memory the lint rules' Lua state may hold (default: 1024)\n"},
	{"new",
	 "usage: aftermath new [CONTENT_DIR] [--title T] [--severity S] [--service NAME]...\n"
	 "                     [--date YYYY-MM-DD] [--owner NAME]\n"
	 "\n"
	 "Write CONTENT_DIR/postmortems/YEAR/<id>.md from the template (the site's\n"
	 "layouts/new/postmortem.md, else the theme's) with the next free id of\n"
	 "site.yaml's id_pattern, and print its path. Never overwrites a file. The\n"
	 "impact times are left for you to fill in. A severity or service the site\n"
	 "does not have is an error at its site.yaml key (exit 2), and nothing is\n"
	 "written.\n"
	 "\n"
	 "  --title T             the postmortem's title\n"
	 "  --severity S          one of site.yaml's severities (default: defaults: severity,\n"
	 "                        else the least severe)\n"
	 "  --service NAME        a service, checked against site.yaml's services registry\n"
	 "                        when it has one; repeat it or give a comma-separated list\n"
	 "  --date YYYY-MM-DD     its date and year folder (default: --as-of, else\n"
	 "                        SOURCE_DATE_EPOCH, else today)\n"
	 "  --owner NAME          its owner and author (default: git's user.name; no owner\n"
	 "                        line without git)\n"},
	{"serve", "usage: aftermath serve [CONTENT_DIR] [--port P] [-o OUT_DIR] [--profile NAME]\n"
		  "\n"
		  "Build into a temporary directory, serve it on http://127.0.0.1:P/ (default\n"
		  "8080), rebuild when a file under CONTENT_DIR or the theme changes, reload open\n"
		  "pages, and show build errors in the page while serving the last good site.\n"
		  "\n"
		  "  --port P              the port (default 8080)\n"
		  "  -o, --output DIR      build there instead of a temporary directory\n"},
	{"stats",
	 "usage: aftermath stats [CONTENT_DIR] [--as-of YYYY-MM-DD] [--profile NAME]\n"
	 "                       [--format text|json]\n"
	 "\n"
	 "Print the action-item and duration figures as a table, or api/stats.json's JSON\n"
	 "with --format json.\n"},
	{"overdue",
	 "usage: aftermath overdue [CONTENT_DIR] [--format text|markdown|json] [--owner NAME]\n"
	 "                         [--service S] [--fail-on must|should|any] [--base-url URL]\n"
	 "                         [--as-of YYYY-MM-DD]\n"
	 "\n"
	 "The follow-through digest: overdue, due-soon and escalated action items and late\n"
	 "write-ups (site.yaml's policy:), grouped by the person they are for, to post from\n"
	 "a nightly CI job. An escalated item is listed under the owner of each of its\n"
	 "services too.\n"
	 "\n"
	 "  --format FMT          text (default), markdown (for an issue or a chat) or json\n"
	 "  --owner NAME          only what is for NAME (any spelling of the name)\n"
	 "  --service S           only postmortems of service S\n"
	 "  --fail-on LEVEL       exit 1 when an overdue item of priority must (must), must or\n"
	 "                        should (should), or anything overdue or late (any) is listed\n"
	 "  --base-url URL        the site's absolute URL: each postmortem linked\n"
	 "  --as-of YYYY-MM-DD    the date overdue is measured against\n"},
	{"init", "usage: aftermath init [DIR]\n"
		 "\n"
		 "Start a knowledge base in DIR (default: the current directory), which must be\n"
		 "new or empty (a .git directory is allowed): site.yaml with every key explained,\n"
		 "pages/start.md, an example postmortem that checks clean, .gitignore, and CI\n"
		 "files for GitHub Actions (.github/workflows/aftermath.yml) and GitLab CI\n"
		 "(.gitlab-ci.yml) that install this version of aftermath, check the postmortems\n"
		 "and build the sites. A non-empty DIR is refused (exit 2); no file is ever\n"
		 "overwritten or written through a symbolic link.\n"
		 "\n"
		 "  -q, --quiet           print nothing but errors\n"},
	{"help", "usage: aftermath help [COMMAND]\n"
		 "\n"
		 "Print the overview of every command, or the options of COMMAND.\n"},
};

const char *help_usage(void)
{
	return usage_text;
}

const char *help_command(const char *command)
{
	static char *texts[ARRAY_SIZE(commands)];
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(commands[i].name, command))
			continue;
		if (!texts[i])
			texts[i] = xstrfmt("%s%s", commands[i].text, common_tail);
		return texts[i];
	}
	return NULL;
}
