/* test_search_lengths.c — from its second search on, a handle over an index
 * directory queries plain words through xc_query_term_bm25 (document
 * lengths from a table, not from Xapian's length list). That fast path
 * must answer exactly as the first search of a fresh handle does (plain
 * Xapian term queries): same JSON, byte for byte (ids, order, scores,
 * totals, snippets, facets), for words, phrases, OR, NOT, questions, sorts,
 * facets and pages, and again after the index changed under the handle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "depeche.h"
#include "search_fixture.h"
#include "dpi.h"
#include "xapian_c.h"

#define NART 48

static char dir[256];
static char ids[2 * NART][16], titles[2 * NART][96], dates[2 * NART][40];
static char *bodies[2 * NART];

static const char *const words[] = {
    "tempête", "inondation", "ministre", "Bretagne", "récolte", "grève",
    "hôpital", "élection",   "marché",   "vent",     "pluie",   "port",
};
#define NWORDS (sizeof words / sizeof *words)

/* Article i: a title of two words, a body whose length and word counts
 * vary with i (so that BM25's length normalisation matters). */
static void make_articles(int from, int to) {
  for (int i = from; i < to; i++) {
    snprintf(ids[i], sizeof ids[i], "L%02d", i);
    snprintf(titles[i], sizeof titles[i], "%s et %s à la une",
             words[i % NWORDS], words[(i * 5 + 3) % NWORDS]);
    snprintf(dates[i], sizeof dates[i], "20%02d-%02d-%02d", 10 + i % 11,
             1 + (i * 7) % 12, 1 + i % 28);
    size_t cap = 8192, o = 0;
    char *b = malloc(cap);
    assert_non_null(b);
    o += (size_t)snprintf(b + o, cap - o, "Dépêche %s. ", ids[i]);
    for (int w = 0; w < 20 + (i * 13) % 90; w++) {
      const char *word = words[(size_t)(i * w + w / 3) % NWORDS];
      o += (size_t)snprintf(b + o, cap - o, "%s%s", word,
                            w % 9 == 8 ? ". La " : " et ");
    }
    snprintf(b + o, cap - o, "Fin de la dépêche %s.", ids[i]);
    bodies[i] = b;
  }
}

static int add(int from, int to) {
  art a[2 * NART];
  for (int i = from; i < to; i++)
    a[i - from] =
        (art){ids[i], titles[i], dates[i], "Agence Test", "", bodies[i]};
  return add_articles(dir, a, (size_t)(to - from));
}

static int setup(void **state) {
  (void)state;
  make_articles(0, 2 * NART);
  art a[NART];
  for (int i = 0; i < NART; i++)
    a[i] = (art){ids[i], titles[i], dates[i], "Agence Test", "", bodies[i]};
  return fixture_index(dir, "lengths", a, NART);
}

static int teardown(void **state) {
  (void)state;
  for (int i = 0; i < 2 * NART; i++)
    free(bodies[i]);
  return fixture_remove(dir);
}

static const char *const queries[] = {
    "tempête",
    "tempête inondation",
    "ministre grève hôpital",
    "Bretagne OR récolte",
    "vent -pluie",
    "\"tempête et inondation\" ministre",
    "marché port vent pluie récolte élection",
    "Quel ministre a parlé de la grève à l'hôpital ?",
    "élection NEAR ministre",
    "vent date:2012..2018",
    "introuvablemot",
    "introuvablemot tempête",
};

/* The JSON of q with options o from a fresh handle (its first search: the
 * plain path). */
static char *fresh_json(const char *q, const dp_search_options *o) {
  char *err = NULL;
  dp_index *ix = dp_open(dir, &err);
  assert_non_null(ix);
  dp_results *r = NULL;
  assert_int_equal(dp_search(&r, ix, q, o, &err), 0);
  char *json = dp_results_json(r);
  assert_non_null(json);
  dp_results_free(r);
  dp_close(ix);
  return json;
}

static void check_all(dp_index *warm) {
  dp_search_options opts[4];
  for (int k = 0; k < 4; k++)
    dp_search_options_init(&opts[k], DP_SEARCH_OPTIONS_VERSION);
  opts[1].sort = DP_SORT_DATE;
  opts[1].limit = 5;
  opts[2].facets = DP_FACET_SOURCE | DP_FACET_MONTH | DP_FACET_ENTITY;
  opts[2].offset = 3;
  opts[3].recent = 1;
  opts[3].limit = 20;
  for (size_t i = 0; i < sizeof queries / sizeof *queries; i++)
    for (int k = 0; k < 4; k++) {
      char *want = fresh_json(queries[i], &opts[k]);
      char *err = NULL;
      dp_results *r = NULL;
      assert_int_equal(dp_search(&r, warm, queries[i], &opts[k], &err), 0);
      char *got = dp_results_json(r);
      assert_non_null(got);
      if (strcmp(got, want) != 0)
        fail_msg("%s (options %d):\nplain %s\nfast  %s", queries[i], k, want,
                 got);
      dp_free(got);
      dp_free(want);
      dp_results_free(r);
    }
}

static void test_fast_path_same_answers(void **state) {
  (void)state;
  char *err = NULL;
  dp_index *warm = dp_open(dir, &err);
  assert_non_null(warm);
  dp_results *r = NULL;
  assert_int_equal(dp_search(&r, warm, "pluie", NULL, &err), 0); /* warm */
  dp_results_free(r);
  check_all(warm);
  /* the index changes under the handle: the length table follows */
  assert_int_equal(add(NART, 2 * NART), 0);
  check_all(warm);
  dp_close(warm);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fast_path_same_answers),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
