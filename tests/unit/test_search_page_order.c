/* test_search_page_order.c — dp_search reads the stored records of a page
 * of results in docid order (fewer B-tree block reads in Xapian's docdata
 * table), then fills the results in rank order: every result must carry
 * its own article's record (id, title, date, snippet from its own text),
 * whatever the order of the page — relevance, date, the freshness boost,
 * an offset — and the same as one search per result would give. */
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

#define NART 14

static char dir[256];
static char ids[NART][8], titles[NART][64], dates[NART][16];
static char *bodies[NART];

/* Article i holds "ouragan" (i * 5) % NART + 1 times in a body of the
 * same length, so that relevance order is not docid order; its date goes
 * the other way round from its rarity. */
static void make_articles(void) {
  for (int i = 0; i < NART; i++) {
    snprintf(ids[i], sizeof ids[i], "p%02d", i);
    snprintf(titles[i], sizeof titles[i], "Bulletin météo numéro %d", i);
    snprintf(dates[i], sizeof dates[i], "2021-%02d-%02d", 1 + (i * 7) % 12,
             1 + i);
    int k = (i * 5) % NART + 1;
    size_t cap = 4096, o = 0;
    char *b = malloc(cap);
    assert_non_null(b);
    o += (size_t)snprintf(b + o, cap - o, "Article %s. ", ids[i]);
    for (int w = 0; w < 40; w++)
      o +=
          (size_t)snprintf(b + o, cap - o, "%s ", w < k ? "ouragan" : "averse");
    snprintf(b + o, cap - o, "Fin du bulletin %s.", ids[i]);
    bodies[i] = b;
  }
}

static int setup(void **state) {
  (void)state;
  make_articles();
  art a[NART];
  for (int i = 0; i < NART; i++)
    a[i] = (art){ids[i], titles[i], dates[i], "Météo Express", "", bodies[i]};
  return fixture_index(dir, "page", a, NART);
}

static int teardown(void **state) {
  (void)state;
  for (int i = 0; i < NART; i++)
    free(bodies[i]);
  return fixture_remove(dir);
}

/* Every result is its own article: title, date, and a snippet naming its
 * id ("Article pNN." starts each body). Returns how many results come
 * after one of a higher docid (ids are in docid order). */
static int check_page(const dp_results *r) {
  int inversions = 0;
  for (size_t k = 0; k < dp_results_count(r); k++) {
    const dp_result *p = dp_results_get(r, k);
    int i = atoi(p->id + 1);
    assert_true(i >= 0 && i < NART);
    assert_string_equal(p->id, ids[i]);
    assert_string_equal(p->title, titles[i]);
    assert_string_equal(p->date, dates[i]);
    assert_non_null(strstr(bodies[i], "ouragan"));
    char want[32];
    snprintf(want, sizeof want, "Article %s.", ids[i]);
    char want_end[32];
    snprintf(want_end, sizeof want_end, "bulletin %s.", ids[i]);
    assert_true(strstr(p->snippet, want) || strstr(p->snippet, want_end) ||
                strstr(p->snippet, "ouragan"));
    if (strstr(p->snippet, "Article p") || strstr(p->snippet, "bulletin p"))
      assert_true(strstr(p->snippet, want) || strstr(p->snippet, want_end));
    if (k > 0 && strcmp(dp_results_get(r, k - 1)->id, p->id) > 0)
      inversions++;
  }
  return inversions;
}

/* The same result alone (limit 1 at its offset) is the same result. */
static void check_alone(dp_index *ix, const char *q, dp_search_options o,
                        const dp_results *r) {
  for (size_t k = 0; k < dp_results_count(r); k++) {
    dp_search_options one = o;
    one.offset = o.offset + (int)k;
    one.limit = 1;
    dp_results *s = fixture_search(ix, q, &one);
    assert_int_equal(dp_results_count(s), 1);
    const dp_result *a = dp_results_get(r, k), *b = dp_results_get(s, 0);
    assert_string_equal(a->id, b->id);
    assert_int_equal(a->rank, b->rank);
    assert_string_equal(a->snippet, b->snippet);
    assert_int_equal(a->n_highlights, b->n_highlights);
    dp_results_free(s);
  }
}

static void test_page_orders(void **state) {
  (void)state;
  char *err = NULL;
  dp_index *ix = dp_open(dir, &err);
  assert_non_null(ix);
  dp_search_options o;
  assert_int_equal(dp_search_options_init(&o, DP_SEARCH_OPTIONS_VERSION), 0);
  /* relevance: not docid order */
  o.limit = 10;
  dp_results *r = fixture_search(ix, "ouragan", &o);
  assert_int_equal(dp_results_count(r), 10);
  assert_true(check_page(r) > 0);
  for (size_t k = 0; k < dp_results_count(r); k++)
    assert_int_equal(dp_results_get(r, k)->rank, k + 1);
  check_alone(ix, "ouragan", o, r);
  dp_results_free(r);
  /* a page further on */
  o.offset = 3;
  o.limit = 6;
  r = fixture_search(ix, "ouragan", &o);
  assert_int_equal(dp_results_count(r), 6);
  check_page(r);
  assert_int_equal(dp_results_get(r, 0)->rank, 4);
  check_alone(ix, "ouragan", o, r);
  dp_results_free(r);
  /* by date, and with the freshness boost (the page is re-sorted) */
  o.offset = 0;
  o.limit = 12;
  o.sort = DP_SORT_DATE;
  r = fixture_search(ix, "ouragan", &o);
  assert_int_equal(dp_results_count(r), 12);
  assert_true(check_page(r) > 0);
  for (size_t k = 1; k < dp_results_count(r); k++)
    assert_true(strcmp(dp_results_get(r, k - 1)->date,
                       dp_results_get(r, k)->date) >= 0);
  dp_results_free(r);
  o.sort = DP_SORT_RELEVANCE;
  o.recent = 1;
  o.offset = 2;
  o.limit = 7;
  r = fixture_search(ix, "ouragan", &o);
  assert_int_equal(dp_results_count(r), 7);
  check_page(r);
  assert_int_equal(dp_results_get(r, 0)->rank, 3);
  check_alone(ix, "ouragan", o, r);
  dp_results_free(r);
  /* one result, and none */
  o.recent = 0;
  o.offset = 0;
  o.limit = 10;
  r = fixture_search(ix, "ouragan p07", &o);
  check_page(r);
  dp_results_free(r);
  o.offset = 50;
  r = fixture_search(ix, "ouragan", &o);
  assert_int_equal(dp_results_count(r), 0);
  dp_results_free(r);
  dp_close(ix);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_page_orders),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
