/*
 * The commands, one file each (main.c dispatches).  Includes only
 * engine.h.
 */
#ifndef RBC_CMD_H
#define RBC_CMD_H

#include "engine.h"


/* Subcommands (main.c dispatches). */
int	 cmd_build(int, char **);
int	 cmd_lint(int, char **);
int	 cmd_card(int, char **);
int	 cmd_new(int, char **);
int	 cmd_import(int, char **);
int	 cmd_schema(int, char **);
int	 cmd_serve(int, char **);

/* cmd_build.c: the content folder a command works on (see there). */
const char *content_folder(const char *cmd, const char *content, int given,
	    int here_ok);

#endif /* RBC_CMD_H */
