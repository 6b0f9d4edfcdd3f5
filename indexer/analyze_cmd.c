/* Placeholder until the analyzer lands. */
#include "analyze_cmd.h"

int dpi_analyze_command(const char *path, FILE *out, FILE *err) {
  (void)out;
  fprintf(err, "depeche-index: --analyze %s: not implemented yet\n", path ? path : "-");
  return 2;
}
