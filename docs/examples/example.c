/* example.c — search a Dépêche index from C with libdepeche.
 *
 * Build:  cc example.c $(pkg-config --cflags --libs depeche) -o example
 * Run:    ./example ./depeche.db 'APT31 Exchange'
 */
#include <depeche.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s INDEX QUERY\n", argv[0]);
    return 2;
  }
  char *err = NULL;
  dp_index *ix = dp_open(argv[1], &err);
  if (!ix) {
    fprintf(stderr, "example: %s\n", err);
    dp_free(err);
    return 2;
  }

  /* Typed API: the 3 newest matching articles, with a facet by source. */
  dp_search_options opts = DP_SEARCH_OPTIONS_INIT;
  opts.limit = 3;
  opts.sort = DP_SORT_DATE;
  opts.facets = DP_FACET_SOURCE;
  dp_results *res = NULL;
  if (dp_search(&res, ix, argv[2], &opts, &err) != 0) {
    fprintf(stderr, "example: %s\n", err);
    dp_free(err);
    dp_close(ix);
    return 2;
  }
  printf("%llu articles match\n", (unsigned long long)dp_results_total(res));
  for (size_t i = 0; i < dp_results_count(res); i++) {
    const dp_result *r = dp_results_get(res, i);
    /* The snippet with every highlight put between [ and ]. */
    char *marked = dp_results_marked(res, i, 0, "[", "]", 0);
    printf("%u. %s | %s | %s\n   %s\n", r->rank, r->date, r->source, r->title,
           marked ? marked : "");
    dp_free(marked);
  }
  for (size_t i = 0; i < dp_results_facet_count(res, DP_FACET_SOURCE); i++) {
    const char *source;
    uint32_t count;
    dp_results_facet(res, DP_FACET_SOURCE, i, &source, &count, NULL);
    printf("source %s: %u\n", source, (unsigned)count);
  }
  dp_results_free(res);

  /* The FFI-friendly call: the same JSON as `depeche-search --json`. */
  char *json = dp_search_json(ix, argv[2], 0, 1, &err);
  if (!json) {
    fprintf(stderr, "example: %s\n", err);
    dp_free(err);
    dp_close(ix);
    return 2;
  }
  printf("JSON: %zu bytes, starting %.11s\n", strlen(json), json);
  dp_free(json);
  dp_close(ix);
  return 0;
}
