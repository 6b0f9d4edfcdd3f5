/* depeche-search — placeholder until the indexer lands: --help, --version. */
#include <getopt.h>
#include <stdio.h>

static void usage(FILE *f) {
  fprintf(f, "Usage: depeche-search [--index DIR] QUERY...\n"
             "Search a Dépêche index of French news.\n\n"
             "  -h, --help      show this help and exit\n"
             "  -V, --version   show the version and exit\n");
}

int main(int argc, char **argv) {
  static const struct option opts[] = {{"help", no_argument, 0, 'h'},
                                       {"version", no_argument, 0, 'V'},
                                       {0, 0, 0, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
    switch (c) {
    case 'h': usage(stdout); return 0;
    case 'V': printf("depeche-search %s\n", DEPECHE_VERSION); return 0;
    default: usage(stderr); return 2;
    }
  }
  fprintf(stderr, "depeche-search: searching is not implemented yet\n");
  return 2;
}
