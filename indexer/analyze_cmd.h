/* analyze_cmd.h — `depeche-index --analyze [FILE|-]`: prints the analysis of
 * a text as JSON (tokens and entities, see DESIGN.md). */
#ifndef DEPECHE_ANALYZE_CMD_H
#define DEPECHE_ANALYZE_CMD_H

#include <stdio.h>

/* Reads path ("-" or NULL = stdin), writes the JSON document to out.
 * Returns an exit status: 0 on success, 2 on error (one line on err). */
int dpi_analyze_command(const char *path, FILE *out, FILE *err);

#endif
