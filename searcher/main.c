/* depeche-search — search a Dépêche index from the command line.
 *
 * Built on libdepeche's public API (depeche.h): what this program prints,
 * a library user can get. Two internal calls: dps_serve (--serve) and, for
 * --ids, dps_index_set_ids_only (search.h: stored records are decoded no
 * further than their ids). Exit status like grep: 0 when something
 * matched, 1 when nothing did, 2 on error (one line on stderr).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "depeche.h"
#include "search.h"
#include "serve.h"

enum hl_mode { HL_NONE, HL_PLAIN, HL_ANSI, HL_HTML };

static void usage(FILE *f) {
  fprintf(
      f,
      "Usage: depeche-search [OPTION]... QUERY...\n"
      "Search a Dépêche index of French news articles.\n"
      "\n"
      "Query language (docs/query-syntax.md, man depeche-search):\n"
      "  words                all required (a query that finds nothing is\n"
      "                       relaxed to any of its words, and says so);\n"
      "                       long questions rank articles with most words\n"
      "  \"a phrase\" «…»       the words in this order\n"
      "  a OR b, NOT a, -a    either; without\n"
      "  +a                   required (in long questions)\n"
      "  ( )                  grouping\n"
      "  a NEAR b, NEAR/n     within 10 (n: 0 to 1000) words of each other;\n"
      "                       a NEAR (b OR c) = (a NEAR b) OR (a NEAR c)\n"
      "  =mot                 this exact word (no stemming)\n"
      "  prefix*              words starting with prefix (8 at most)\n"
      "  title:mot            in the title\n"
      "  source:NAME          from that source\n"
      "  entity:NAME per: org: loc: misc:   articles naming that entity\n"
      "                       (per:Lefèvre: every person named so)\n"
      "  date:FROM..TO since:DATE until:DATE   (YYYY, YYYY-MM, YYYY-MM-DD)\n"
      "Accents, case and elision (l', d', qu'...) never matter. A query that\n"
      "starts with '-' follows '--': depeche-search -- -word other.\n"
      "Refused (exit 2): a NEAR side negated or without positions (title:,\n"
      "=word, prefix*), a field without value, more than 256 words.\n"
      "\n"
      "Options:\n"
      "  -i, --index DIR       index to search (default: $DEPECHE_INDEX,\n"
      "                        else ./depeche.db)\n"
      "  -n, --limit N         show N results (default 10); 0 prints only\n"
      "                        the number of matching articles\n"
      "      --offset N        skip the first N results (paging)\n"
      "      --sort ORDER      relevance (default), date (newest first) or\n"
      "                        date-asc (oldest first)\n"
      "      --recent          boost fresh articles (relevance order)\n"
      "      --json            one JSON object (schema 1, see the man page)\n"
      "      --count           print the number of matching articles only\n"
      "      --ids             print the ids of the results, one a line\n"
      "      --facets LIST     count matches by entity, source, month\n"
      "                        (comma-separated); text output draws months\n"
      "                        as a histogram\n"
      "      --facet-limit N   sources/entities listed (default 10, 0 = all)\n"
      "      --highlight=MODE  ansi (bold, default on a terminal unless\n"
      "                        NO_COLOR is set), html (<b>, all article text\n"
      "                        escaped),\n"
      "                        plain (**word**) or none\n"
      "      --passages K      snippet passages (default 2, 1 to 16)\n"
      "      --snippet-chars N characters per passage (default 150, 20 to\n"
      "                        1000000)\n"
      "      --no-snippets     no snippets (faster)\n"
      "      --no-relax        never relax a query that found nothing\n"
      "      --debug           print how the query was understood\n"
      "      --serve           answer queries read from standard input, one\n"
      "                        a line (a bare query or a JSON request), one\n"
      "                        JSON answer a line (docs/embedding.md)\n"
      "  -h, --help            show this help and exit\n"
      "  -V, --version         show the version and exit\n"
      "\n"
      "Exit status: 0 when articles matched, 1 when none did, 2 on error.\n");
}

/* Reads a whole number from lo to hi for option opt; the message states
 * the range that is really accepted. */
static int parse_num(const char *s, const char *opt, long lo, long hi,
                     int *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || *s == '\0' || *end != '\0' || v < lo || v > hi) {
    fprintf(stderr,
            "depeche-search: %s: expected a number from %ld to %ld, got "
            "'%s'\n",
            opt, lo, hi, s);
    return -1;
  }
  *out = (int)v;
  return 0;
}

static int parse_uint(const char *s, const char *opt, int *out) {
  return parse_num(s, opt, 0, 1000000, out);
}

/* Prints s, HTML-escaped when html (text that comes from articles or the
 * index: titles, sources, ids, paths, entity names, months). */
static void put_text(FILE *o, const char *s, int html) {
  if (!html) {
    fputs(s, o);
    return;
  }
  for (; *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", o); break;
    case '<': fputs("&lt;", o); break;
    case '>': fputs("&gt;", o); break;
    case '"': fputs("&quot;", o); break;
    case '\'': fputs("&#39;", o); break;
    default: fputc(*s, o);
    }
  }
}

static char *marked(const dp_results *r, size_t i, int title, enum hl_mode m) {
  switch (m) {
  case HL_ANSI: return dp_results_marked(r, i, title, "\033[1m", "\033[0m", 0);
  case HL_HTML: return dp_results_marked(r, i, title, "<b>", "</b>", 1);
  case HL_PLAIN: return dp_results_marked(r, i, title, "**", "**", 0);
  case HL_NONE: break;
  }
  return dp_results_marked(r, i, title, NULL, NULL, 0);
}

static int month_num(const char *ym, int *y, int *m) {
  if (strlen(ym) != 7 || ym[4] != '-')
    return -1;
  *y = atoi(ym);
  *m = atoi(ym + 5);
  return (*m >= 1 && *m <= 12) ? 0 : -1;
}

static void print_facets(const dp_results *r, unsigned facets, int html,
                         FILE *o) {
  static const struct {
    unsigned bit;
    const char *label;
  } lists[] = {{DP_FACET_SOURCE, "Sources"}, {DP_FACET_ENTITY, "Entités"}};
  for (size_t l = 0; l < 2; l++) {
    if (!(facets & lists[l].bit))
      continue;
    size_t n = dp_results_facet_count(r, lists[l].bit);
    fprintf(o, "%s :", lists[l].label);
    if (n == 0)
      fprintf(o, " (aucune)");
    for (size_t i = 0; i < n; i++) {
      const char *v, *t;
      uint32_t c;
      dp_results_facet(r, lists[l].bit, i, &v, &c, &t);
      v = dp_results_facet_label(r, lists[l].bit, i);
      fprintf(o, "%s ", i ? " ·" : "");
      put_text(o, v, html);
      if (t) {
        fputs(" [", o);
        put_text(o, t, html);
        fputc(']', o);
      }
      fprintf(o, " (%u)", c);
    }
    fputc('\n', o);
  }
  if (facets & DP_FACET_MONTH) {
    size_t n = dp_results_facet_count(r, DP_FACET_MONTH);
    fprintf(o, "Mois :%s\n", n ? "" : " (aucune date)");
    uint32_t max = 1;
    for (size_t i = 0; i < n; i++) {
      uint32_t c;
      dp_results_facet(r, DP_FACET_MONTH, i, NULL, &c, NULL);
      if (c > max)
        max = c;
    }
    int py = 0, pm = 0, have = 0;
    for (size_t i = 0; i < n; i++) {
      const char *v;
      uint32_t c;
      dp_results_facet(r, DP_FACET_MONTH, i, &v, &c, NULL);
      int y, m;
      if (month_num(v, &y, &m))
        continue;
      /* empty months between two dated ones, so gaps show (up to 3 years) */
      if (have && (y - py) * 12 + (m - pm) <= 36) {
        int gy = py, gm = pm + 1;
        if (gm > 12)
          gm = 1, gy++;
        while (gy < y || (gy == y && gm < m)) {
          fprintf(o, "  %04d-%02d │\n", gy, gm);
          if (++gm > 12)
            gm = 1, gy++;
        }
      }
      unsigned w = (unsigned)((c * 40ull + max - 1) / max);
      fputs("  ", o);
      put_text(o, v, html);
      fputs(" │", o);
      for (unsigned k = 0; k < w; k++)
        fputs("█", o);
      fprintf(o, " %u\n", c);
      py = y, pm = m, have = 1;
    }
  }
}

/* Long options without a short form. */
enum {
  O_JSON = 256,
  O_COUNT,
  O_IDS,
  O_OFFSET,
  O_SORT,
  O_RECENT,
  O_FACETS,
  O_FLIMIT,
  O_HL,
  O_PASSAGES,
  O_SCHARS,
  O_NOSNIP,
  O_NORELAX,
  O_DEBUG,
  O_SERVE
};

static int run(int argc, char **argv, const struct option *opts,
               const char *index);

/* Options may come before or after the query words
 * (`depeche-search APT31 --limit 3`), but a query word may start with '-'
 * (`-attaque` is NOT attaque). So argv is split first: arguments starting
 * with "--" are options (an unknown one is reported by getopt), "-i DIR",
 * "-n N" (or "-nN" with digits), "-h" and "-V" are options, and anything else —
 * other words starting with '-' included — is query text; "--" ends the
 * options. Fills *out (malloc'd array of argc + 2 pointers into argv; caller
 * frees) as: program, options..., "--", query words...; returns its length, or
 * -1 when memory runs out. */
static int split_args(int argc, char **argv, const struct option *opts,
                      char ***out) {
  char **v = malloc(sizeof *v * ((size_t)argc + 2));
  char **q = malloc(sizeof *q * ((size_t)argc + 1));
  if (!v || !q) {
    free(v);
    free(q);
    return -1;
  }
  int nv = 0, nq = 0;
  v[nv++] = argv[0];
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      while (++i < argc)
        q[nq++] = argv[i];
      break;
    }
    if (a[0] == '-' && a[1] == '-') {
      v[nv++] = argv[i];
      const char *name = a + 2;
      size_t len = strcspn(name, "=");
      for (const struct option *o = opts; o->name; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0 &&
            o->has_arg == required_argument && name[len] != '=' && i + 1 < argc)
          v[nv++] = argv[++i];
      continue;
    }
    int is_short = a[0] == '-' && a[1] && strchr("inhV", a[1]) && a[2] == '\0';
    int is_n_num = a[0] == '-' && a[1] == 'n' && a[2] &&
                   strspn(a + 2, "0123456789") == strlen(a + 2);
    if (is_short || is_n_num) {
      v[nv++] = argv[i];
      if (is_short && strchr("in", a[1]) && i + 1 < argc)
        v[nv++] = argv[++i];
      continue;
    }
    q[nq++] = argv[i];
  }
  v[nv++] = "--";
  for (int k = 0; k < nq; k++)
    v[nv++] = q[k];
  free(q);
  *out = v;
  return nv;
}

int main(int argc, char **argv) {
  static const struct option opts[] = {
      {"index", required_argument, 0, 'i'},
      {"limit", required_argument, 0, 'n'},
      {"offset", required_argument, 0, O_OFFSET},
      {"sort", required_argument, 0, O_SORT},
      {"recent", no_argument, 0, O_RECENT},
      {"json", no_argument, 0, O_JSON},
      {"count", no_argument, 0, O_COUNT},
      {"ids", no_argument, 0, O_IDS},
      {"facets", required_argument, 0, O_FACETS},
      {"facet-limit", required_argument, 0, O_FLIMIT},
      {"highlight", required_argument, 0, O_HL},
      {"passages", required_argument, 0, O_PASSAGES},
      {"snippet-chars", required_argument, 0, O_SCHARS},
      {"no-snippets", no_argument, 0, O_NOSNIP},
      {"no-relax", no_argument, 0, O_NORELAX},
      {"debug", no_argument, 0, O_DEBUG},
      {"serve", no_argument, 0, O_SERVE},
      {"help", no_argument, 0, 'h'},
      {"version", no_argument, 0, 'V'},
      {0, 0, 0, 0}};
  const char *index = getenv("DEPECHE_INDEX");
  if (!index || !*index)
    index = "depeche.db";
  char **args = NULL;
  int nargs = split_args(argc, argv, opts, &args);
  if (nargs < 0) {
    fprintf(stderr, "depeche-search: out of memory\n");
    return 2;
  }
  int rc = run(nargs, args, opts, index);
  free(args);
  /* what is still buffered (--help, --version) is written now, and a
   * failure to write it is an error like any other */
  if (fflush(stdout) != 0 && rc != 2) {
    fprintf(stderr, "depeche-search: write error: %s\n", strerror(errno));
    rc = 2;
  }
#if !defined(__SANITIZE_ADDRESS__)
  /* The work is done and written: leave without the exit handlers and
   * static destructors of libstdc++ and libxapian, which only free memory
   * the process is about to lose. They fault in pages of their libraries'
   * code: a one-query process was 2% slower with them, measured beside
   * itself (depeche-bench-proclat --vs). Builds with AddressSanitizer exit
   * normally, for its leak check. */
  _exit(rc);
#else
  return rc;
#endif
}

static int run(int argc, char **argv, const struct option *opts,
               const char *index) {
  dp_search_options so = DP_SEARCH_OPTIONS_INIT;
  int json = 0, count = 0, ids = 0, debug = 0, serve = 0, v;
  const char *nc = getenv("NO_COLOR");
  enum hl_mode hl = (isatty(STDOUT_FILENO) && !(nc && *nc)) ? HL_ANSI : HL_NONE;
  int c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "+i:n:hV", opts, NULL)) != -1) {
    switch (c) {
    case 'i': index = optarg; break;
    case 'n':
      if (parse_uint(optarg, "--limit", &so.limit))
        return 2;
      break;
    case O_OFFSET:
      if (parse_uint(optarg, "--offset", &so.offset))
        return 2;
      break;
    case O_SORT:
      if (strcmp(optarg, "relevance") == 0)
        so.sort = DP_SORT_RELEVANCE;
      else if (strcmp(optarg, "date") == 0)
        so.sort = DP_SORT_DATE;
      else if (strcmp(optarg, "date-asc") == 0)
        so.sort = DP_SORT_DATE_ASC;
      else {
        fprintf(stderr,
                "depeche-search: --sort: expected relevance, date or "
                "date-asc, got '%s'\n",
                optarg);
        return 2;
      }
      break;
    case O_RECENT: so.recent = 1; break;
    case O_JSON: json = 1; break;
    case O_COUNT: count = 1; break;
    case O_IDS: ids = 1; break;
    case O_FACETS: {
      char *s = strdup(optarg), *save = NULL;
      if (!s)
        return 2;
      for (char *t = strtok_r(s, ",", &save); t;
           t = strtok_r(NULL, ",", &save)) {
        if (strcmp(t, "entity") == 0 || strcmp(t, "entities") == 0)
          so.facets |= DP_FACET_ENTITY;
        else if (strcmp(t, "source") == 0 || strcmp(t, "sources") == 0)
          so.facets |= DP_FACET_SOURCE;
        else if (strcmp(t, "month") == 0 || strcmp(t, "months") == 0)
          so.facets |= DP_FACET_MONTH;
        else {
          fprintf(stderr,
                  "depeche-search: --facets: unknown facet '%s' (expected "
                  "entity, source, month)\n",
                  t);
          free(s);
          return 2;
        }
      }
      free(s);
      break;
    }
    case O_FLIMIT:
      if (parse_uint(optarg, "--facet-limit", &v))
        return 2;
      so.facet_limit = (unsigned)v;
      break;
    case O_HL:
      if (strcmp(optarg, "ansi") == 0)
        hl = HL_ANSI;
      else if (strcmp(optarg, "html") == 0)
        hl = HL_HTML;
      else if (strcmp(optarg, "plain") == 0)
        hl = HL_PLAIN;
      else if (strcmp(optarg, "none") == 0)
        hl = HL_NONE;
      else {
        fprintf(stderr,
                "depeche-search: --highlight: expected ansi, html, plain or "
                "none, got '%s'\n",
                optarg);
        return 2;
      }
      break;
    case O_PASSAGES:
      if (parse_num(optarg, "--passages", 1, 16, &v))
        return 2;
      so.snippet_passages = (unsigned)v;
      break;
    case O_SCHARS:
      if (parse_num(optarg, "--snippet-chars", 20, 1000000, &v))
        return 2;
      so.snippet_chars = (unsigned)v;
      break;
    case O_NOSNIP: so.snippets = 0; break;
    case O_NORELAX: so.no_relax = 1; break;
    case O_DEBUG: debug = 1; break;
    case O_SERVE: serve = 1; break;
    case 'h': usage(stdout); return 0;
    case 'V': printf("depeche-search %s\n", dp_version()); return 0;
    default:
      if (optopt && optopt < 256)
        fprintf(stderr, "depeche-search: option -%c: %s\n", optopt,
                strchr("in", optopt) ? "needs a value" : "unknown option");
      else
        fprintf(stderr, "depeche-search: %s: unknown option or missing value\n",
                argv[optind - 1]);
      fprintf(stderr, "Try 'depeche-search --help'.\n");
      return 2;
    }
  }
  if (serve) {
    if (optind < argc) {
      fprintf(stderr, "depeche-search: --serve reads its queries from "
                      "standard input, not the command line\n");
      return 2;
    }
    return dps_serve(index, &so, stdin, stdout, stderr);
  }
  if (optind >= argc) {
    fprintf(stderr, "depeche-search: no query given (try --help)\n");
    return 2;
  }
  /* the query: every remaining argument, joined by spaces */
  size_t qlen = 0;
  for (int i = optind; i < argc; i++)
    qlen += strlen(argv[i]) + 1;
  char *query = malloc(qlen + 1);
  if (!query)
    return 2;
  query[0] = '\0';
  for (int i = optind; i < argc; i++) {
    if (i > optind)
      strcat(query, " ");
    strcat(query, argv[i]);
  }
  if (count || ids)
    so.snippets = 0;
  /* --limit 0: no results, only how many there are (the exact number) */
  int summary_only = so.limit == 0 && !count;
  if (count || summary_only) {
    so.exact_total = 1;
    so.limit = 0;
    so.snippets = 0;
  }
  /* a person reads "1–10 sur N articles", a script pages by the JSON
   * "total": N is counted (a few ms at most on 36,000 articles), where
   * Xapian's estimate for two correlated words can be off by eight
   * ("grève SNCF": 40 for 332); --ids alone keeps the estimate */
  if (!ids || json)
    so.exact_total = 1;
  if (json)
    so.snippets = so.snippets && 1;

  char *err = NULL;
  dp_index *ix = dp_open(index, &err);
  if (!ix) {
    fprintf(stderr, "depeche-search: %s\n", err ? err : "cannot open index");
    dp_free(err);
    free(query);
    return 2;
  }
  if (ids && !json && !count) /* only the ids are printed */
    dps_index_set_ids_only(ix, 1);
  dp_results *r = NULL;
  int rc = dp_search(&r, ix, query, &so, &err);
  if (rc) {
    fprintf(stderr, "depeche-search: %s\n", err ? err : "search failed");
    dp_free(err);
    dp_close(ix);
    free(query);
    return 2;
  }
  uint64_t total = dp_results_total(r);
  FILE *o = stdout;
  if (debug)
    fprintf(stderr, "query: %s\n", dp_results_query_description(r));
  if (json) {
    char *s = dp_results_json(r);
    if (!s) {
      fprintf(stderr, "depeche-search: out of memory\n");
      rc = 2;
    } else {
      fputs(s, o);
      fputc('\n', o);
      dp_free(s);
    }
  } else if (count) {
    fprintf(o, "%llu\n", (unsigned long long)total);
  } else if (ids) {
    for (size_t i = 0; i < dp_results_count(r); i++)
      fprintf(o, "%s\n", dp_results_get(r, i)->id);
  } else {
    const char *sug = dp_results_suggestion(r);
    int html = hl == HL_HTML;
    /* relaxed only when the relaxed query found something */
    if (dp_results_relaxed(r) && total > 0)
      fprintf(o, "Aucun article ne contient tous les mots : voici ceux qui en "
                 "contiennent au moins un.\n");
    if (sug) {
      fputs("Essayez : ", o);
      put_text(o, sug, html);
      fputc('\n', o);
    }
    if (total == 0 && strcmp(dp_results_query_description(r), "(EMPTY)") == 0)
      fprintf(o, "Aucun résultat : la requête ne contient aucun mot à "
                 "chercher (les mots les plus courants, comme « le », « de » "
                 "ou « et », ne sont pas indexés).\n");
    else if (total == 0)
      fprintf(o, "Aucun résultat.\n");
    if (so.facets) {
      print_facets(r, so.facets, html, o);
      if (dp_results_count(r))
        fputc('\n', o);
    }
    for (size_t i = 0; i < dp_results_count(r); i++) {
      const dp_result *p = dp_results_get(r, i);
      char *t = marked(r, i, 1, hl);
      fprintf(o, "%u. ", p->rank);
      if (t && *t)
        fputs(t, o);
      else if (p->title && *p->title)
        put_text(o, p->title, html);
      else
        fputs("(sans titre)", o); /* not a bare "1. " */
      fputc('\n', o);
      dp_free(t);
      fprintf(o, "   ");
      int sep = 0;
      if (*p->date)
        put_text(o, p->date, html), sep = 1;
      if (*p->source) {
        fputs(sep ? " · " : "", o);
        put_text(o, p->source, html);
        sep = 1;
      }
      fputs(sep ? " · " : "", o);
      put_text(o, p->id, html);
      if (*p->path && !strstr(p->path, ".json")) { /* one article per file */
        fputs(" · ", o);
        put_text(o, p->path, html);
      }
      fputc('\n', o);
      if (*p->snippet) {
        char *s = marked(r, i, 0, hl);
        fputs("   ", o);
        if (s)
          fputs(s, o);
        else
          put_text(o, p->snippet, html);
        fputc('\n', o);
        dp_free(s);
      }
      fputc('\n', o);
    }
    if (dp_results_count(r))
      fprintf(o, "%zu–%zu sur %llu article%s\n", (size_t)so.offset + 1,
              (size_t)so.offset + dp_results_count(r),
              (unsigned long long)total, total > 1 ? "s" : "");
    else if (total > 0 && summary_only)
      fprintf(o, "%llu article%s\n", (unsigned long long)total,
              total > 1 ? "s" : "");
    else if (total > 0)
      fprintf(o,
              "Aucun résultat à partir du rang %zu (%llu article%s en "
              "tout).\n",
              (size_t)so.offset + 1, (unsigned long long)total,
              total > 1 ? "s" : "");
  }
  if (fflush(o) != 0 || ferror(o)) {
    fprintf(stderr, "depeche-search: write error: %s\n", strerror(errno));
    rc = 2;
  }
  dp_results_free(r);
  dp_close(ix);
  free(query);
  if (rc)
    return 2;
  return total > 0 ? 0 : 1;
}
