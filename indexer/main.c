/* depeche-index — index French news articles into a Dépêche index.
 *
 * The command line only: options, signals, dispatch. The work is in
 * pipeline.c (indexing) and ops.c (--remove, --prune, --compact, --stats);
 * --analyze belongs to analyze_cmd.c. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyze_cmd.h"
#include "dpi.h"
#include "xapian_c.h"

/* Set by the SIGINT/SIGTERM handler: the one piece of global mutable state
 * a signal handler cannot do without. */
static volatile sig_atomic_t g_stop;

static void on_signal(int sig) {
  (void)sig;
  g_stop = 1;
}

static void usage(FILE *f) {
  fputs(
      "Usage: depeche-index [OPTION]... PATH...\n"
      "       depeche-index [--index DIR] --remove ID...\n"
      "       depeche-index [--index DIR] --prune [PATH...]\n"
      "       depeche-index [--index DIR] --compact | --stats [--json]\n"
      "       depeche-index --analyze [FILE|-]\n"
      "Index French news articles (text, Markdown, JSON, JSON Lines, any of\n"
      "them gzip'ed) into a Dépêche index. PATH is a file, a directory\n"
      "(read recursively, hidden entries skipped) or - for standard input.\n"
      "Running it again is incremental: unchanged articles are skipped,\n"
      "changed ones replaced, new ones added (by unique id).\n"
      "\n"
      "  -i, --index DIR     index directory (default: $DEPECHE_INDEX, else\n"
      "                      ./depeche.db); created when missing; a\n"
      "                      directory holding other files is refused\n"
      "  -j, --jobs N        worker threads for parsing, analysis, tagging "
      "and\n"
      "                      compression (default: number of cores)\n"
      "  -b, --batch-size N  articles per commit (default: 1000)\n"
      "      --prune         also remove the articles whose source file is\n"
      "                      gone under the given PATHs (all PATHs if none)\n"
      "      --remove        remove the articles with the given IDs\n"
      "      --compact       compact the index (after indexing, if PATHs are\n"
      "                      given) and swap it in atomically\n"
      "      --stats         print statistics (articles, terms, size by "
      "table,\n"
      "                      last update, top entities)\n"
      "      --spelling      also feed Xapian's spelling dictionary (slower,\n"
      "                      bigger; see docs/indexing.md)\n"
      "      --no-sync       do not fsync on commit (faster, not crash-safe)\n"
      "      --max-size SIZE reject articles with more text than SIZE bytes\n"
      "                      (suffix K, M or G; default 32M; 0 = no limit);\n"
      "                      a longer line or text file is never read whole\n"
      "      --json          print the summary (or stats) as JSON on stdout\n"
      "  -q, --quiet         no progress bar and no summary line\n"
      "  -v, --verbose       one line on stderr when the index is opened and\n"
      "                      at each commit\n"
      "      --analyze [FILE|-]  print the analysis of a text as JSON (tokens\n"
      "                      and entities) and exit\n"
      "  -h, --help          show this help and exit\n"
      "  -V, --version       show the version and exit\n"
      "\n"
      "Rejected files or lines are reported on stderr as `path:line: reason`\n"
      "and the rest is indexed. SIGINT/SIGTERM: what was read is committed.\n"
      "Exit status: 0 success; 1 some input was rejected (or an ID to remove\n"
      "was unknown); 2 fatal error (index locked, unwritable...); 130\n"
      "interrupted (after committing).\n",
      f);
}

static int parse_uint(const char *s, unsigned *out) {
  char *end;
  unsigned long v = strtoul(s, &end, 10);
  if (!*s || *end || v == 0 || v > 1000000)
    return -1;
  *out = (unsigned)v;
  return 0;
}

static int run(dpi_options *o, const char *index, int remove, int compact,
               int stats, int argc, char **argv);

enum {
  OPT_PRUNE = 256,
  OPT_REMOVE,
  OPT_COMPACT,
  OPT_STATS,
  OPT_JSON,
  OPT_SPELLING,
  OPT_NO_SYNC,
  OPT_MAX_SIZE,
  OPT_ANALYZE
};

int main(int argc, char **argv) {
  /* --analyze [FILE|-] takes an optional separate argument */
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--analyze") == 0) {
      if (i + 2 < argc) {
        fprintf(stderr, "depeche-index: --analyze takes at most one FILE\n");
        return 2;
      }
      return dpi_analyze_command(i + 1 < argc ? argv[i + 1] : NULL, stdout,
                                 stderr);
    }
    if (strncmp(argv[i], "--analyze=", 10) == 0)
      return dpi_analyze_command(argv[i] + 10, stdout, stderr);
    if (strcmp(argv[i], "--") == 0)
      break;
  }

  static const struct option opts[] = {
      {"index", required_argument, 0, 'i'},
      {"jobs", required_argument, 0, 'j'},
      {"batch-size", required_argument, 0, 'b'},
      {"prune", no_argument, 0, OPT_PRUNE},
      {"remove", no_argument, 0, OPT_REMOVE},
      {"compact", no_argument, 0, OPT_COMPACT},
      {"stats", no_argument, 0, OPT_STATS},
      {"json", no_argument, 0, OPT_JSON},
      {"spelling", no_argument, 0, OPT_SPELLING},
      {"no-sync", no_argument, 0, OPT_NO_SYNC},
      {"max-size", required_argument, 0, OPT_MAX_SIZE},
      {"quiet", no_argument, 0, 'q'},
      {"verbose", no_argument, 0, 'v'},
      {"help", no_argument, 0, 'h'},
      {"version", no_argument, 0, 'V'},
      {0, 0, 0, 0}};
  dpi_options opt = {0};
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  opt.jobs = ncpu > 0 ? (unsigned)ncpu : 1;
  opt.batch = 1000; /* measured: docs/indexing.md, "Commits" */
  opt.max_size = DPI_MAX_SIZE_DEFAULT;
  opt.stop = &g_stop;
  const char *index = getenv("DEPECHE_INDEX");
  if (!index || !*index)
    index = "./depeche.db";
  int remove = 0, compact = 0, stats = 0, c;
  while ((c = getopt_long(argc, argv, "i:j:b:qvhV", opts, NULL)) != -1) {
    switch (c) {
    case 'i': index = optarg; break;
    case 'j':
      if (parse_uint(optarg, &opt.jobs)) {
        fprintf(stderr, "depeche-index: --jobs wants a number >= 1, not %s\n",
                optarg);
        return 2;
      }
      break;
    case 'b':
      if (parse_uint(optarg, &opt.batch)) {
        fprintf(stderr,
                "depeche-index: --batch-size wants a number >= 1, not %s\n",
                optarg);
        return 2;
      }
      break;
    case OPT_PRUNE: opt.prune = 1; break;
    case OPT_REMOVE: remove = 1; break;
    case OPT_COMPACT: compact = 1; break;
    case OPT_STATS: stats = 1; break;
    case OPT_JSON: opt.json = 1; break;
    case OPT_SPELLING: opt.spelling = 1; break;
    case OPT_NO_SYNC: opt.no_sync = 1; break;
    case OPT_MAX_SIZE:
      if (dpi_parse_size(optarg, &opt.max_size)) {
        fprintf(stderr,
                "depeche-index: --max-size wants a size in bytes, with an "
                "optional K, M or G (e.g. 32M), not %s\n",
                optarg);
        return 2;
      }
      break;
    case 'q': opt.quiet = 1; break;
    case 'v': opt.verbose = 1; break;
    case 'h': usage(stdout); return 0;
    case 'V':
      printf("depeche-index %s (Xapian %s)\n", DEPECHE_VERSION,
             xc_version_string());
      return 0;
    default:
      fprintf(stderr, "Try 'depeche-index --help' for more information.\n");
      return 2;
    }
  }
  /* "db/" and "db" are the same index; temporary directories are made
   * next to it as "db.tmp-XXXXXX" */
  char *index_buf = strdup(index);
  if (!index_buf)
    return 2;
  for (size_t n = strlen(index_buf); n > 1 && index_buf[n - 1] == '/'; n--)
    index_buf[n - 1] = 0;
  index = index_buf;
  opt.index = index;
  int rc = run(&opt, index, remove, compact, stats, argc, argv);
  free(index_buf);
  return rc;
}

static int run(dpi_options *o, const char *index, int remove, int compact,
               int stats, int argc, char **argv) {
  dpi_options opt = *o;
  opt.progress = !opt.quiet && !opt.json && isatty(2);
  const char *const *args = (const char *const *)argv + optind;
  size_t nargs = (size_t)(argc - optind);

  if ((remove || nargs || opt.prune || compact) &&
      dpi_check_index_dir(index, stderr))
    return 2;
  if (remove) {
    if (!nargs || opt.prune || compact) {
      fprintf(stderr, "depeche-index: --remove wants IDs and no other "
                      "action\n");
      return 2;
    }
    return dpi_remove(index, args, nargs, opt.json, opt.quiet, stdout, stderr);
  }
  if (!nargs && !opt.prune && !compact && !stats) {
    usage(stderr);
    return 2;
  }

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0; /* no SA_RESTART: a blocked read returns EINTR */
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);

  int status = 0;
  if (nargs || opt.prune) {
    dpi_summary sum;
    if (nargs) {
      status = dpi_index_paths(&opt, args, nargs, &sum, stderr);
    } else {
      /* --prune alone: every article whose file is gone */
      memset(&sum, 0, sizeof sum);
      xc_db *db = dpi_open_writable(index, opt.no_sync, stderr);
      if (!db)
        return 2;
      status = dpi_prune_db(db, NULL, 0, &sum.removed, stderr) ? 2 : 0;
      xc_error xe = XC_ERROR_INIT;
      if (xc_db_close(db, &xe) && !status) {
        fprintf(stderr, "depeche-index: cannot commit to %s: %s\n", index,
                xc_error_message(&xe));
        status = 2;
      }
      xc_error_clear(&xe);
    }
    if (status != 2) {
      if (opt.json)
        dpi_summary_print(&sum, 1, stdout);
      else if (!opt.quiet)
        dpi_summary_print(&sum, 0, stdout);
    }
    if (status == 2 || status == 130)
      return status;
  }
  if (compact) {
    int s = dpi_compact(index, opt.json && !nargs, opt.quiet, stdout, stderr);
    if (s)
      return s;
  }
  if (stats) {
    int s = dpi_stats(index, opt.json, stdout, stderr);
    if (s)
      return s;
  }
  return status;
}
