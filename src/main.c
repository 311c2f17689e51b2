/*
 * rbc: the command line.  Each command lives with its stage (build.c,
 * lint.c, schema.c, ...); this file only dispatches.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static const char usage_text[] =
"usage: rbc build [--content DIR] [--out DIR] [--formats html,man,card] [-j N]\n"
"                 [--strict] [--today YYYY-MM-DD]\n"
"       rbc lint  [--content DIR] [--format text|json|sarif|github] [--strict]\n"
"                 [--today YYYY-MM-DD] [--staged] [FILE|DIR...]\n"
"       rbc serve [--content DIR] [--bind ADDR] [--port N]\n"
"       rbc card  [--content DIR] [--paper a4|letter] [-o FILE.pdf|FILE.html|DIR]\n"
"                 [ID...]\n"
"       rbc new   [--content DIR] ID\n"
"       rbc import FILE.md [-o OUT.md]\n"
"       rbc schema [--content DIR]\n"
"       rbc schema --check SCHEMA FILE...\n"
"       rbc --help | --version | COMMAND --help\n"
"COMMAND --help lists the command's options, their defaults and an example.\n";

static const struct {
	const char	*name;
	int		(*fn)(int, char **);
} commands[] = {
	{ "build", cmd_build },
	{ "lint", cmd_lint },
	{ "card", cmd_card },
	{ "new", cmd_new },
	{ "import", cmd_import },
	{ "schema", cmd_schema },
	{ "serve", cmd_serve },
};

int
main(int argc, char *argv[])
{
	size_t i;

	if (argc < 2) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		puts("rbc " RBC_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "rbc: unknown command '%s'\n", argv[1]);
	fputs(usage_text, stderr);
	return 2;
}
