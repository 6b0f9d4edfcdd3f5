/* test_search_json.c — dp_results_json writes its JSON directly (not through
 * a jansson tree): on articles whose fields hold quotes, backslashes, tabs,
 * control characters and non-ASCII text, and on queries with invalid UTF-8,
 * control characters and quotes, with and without facets and suggestions,
 * the output must be exactly what jansson dumps for the same document
 * (json_dumps(json_loads(out)) with the flags the searcher used, which is
 * canonical), and carry the same values as the typed API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "depeche.h"
#include "search_fixture.h"
#include "dpi.h"
#include "schema.h"
#include "xapian_c.h"

static const art ARTS[] = {
    {"q\"uote\\1", "Le \"chat\" \\ noir\tdu maire", "2024-03-12",
     "Agence \"France\" Dépêche", "Un chat noir\x01 a élu domicile.",
     "Le chat noir dort sur le bureau du maire.\tTab. \"Citation\" et \\ "
     "barre. Emmanuel Macron a parlé du chat à Paris."},
    {"a2", "Tempête sur la Bretagne", "2024-07-20", "Ouest-Matin",
     "Des vents violents.", "Un chat a été sauvé par les pompiers à Brest."},
    {"a3", "Les États-Unis accusent la Chine", "2023-01-05", "Le Courrier",
     "Washington hausse le ton.",
     "Washington a accusé APT 31 d'espionnage. <script>x</script> 😀"},
};

static char dir[256];

static int setup(void **state) {
  (void)state;
  return fixture_index(dir, "json", ARTS, sizeof ARTS / sizeof *ARTS);
}

static int teardown(void **state) {
  (void)state;
  return fixture_remove(dir);
}

static void same_str(json_t *o, const char *key, const char *want) {
  json_t *v = json_object_get(o, key);
  assert_non_null(v);
  assert_string_equal(json_string_value(v), want);
}

/* out against jansson's dump of the same document, and the typed API. */
static void check(const char *out, const dp_results *r) {
  json_error_t je;
  json_t *doc = json_loads(out, 0, &je);
  if (!doc)
    fprintf(stderr, "not JSON (%s): %s\n", je.text, out);
  assert_non_null(doc);
  char *again = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER |
                                    JSON_REAL_PRECISION(10));
  assert_non_null(again);
  assert_string_equal(out, again);
  free(again);
  json_t *res = json_object_get(doc, "results");
  assert_int_equal(json_array_size(res), dp_results_count(r));
  assert_int_equal(json_integer_value(json_object_get(doc, "total")),
                   (json_int_t)dp_results_total(r));
  for (size_t i = 0; i < dp_results_count(r); i++) {
    const dp_result *p = dp_results_get(r, i);
    json_t *o = json_array_get(res, i);
    same_str(o, "id", p->id);
    same_str(o, "title", p->title);
    same_str(o, "source", p->source);
    same_str(o, "snippet", p->snippet);
    assert_true(fabs(json_real_value(json_object_get(o, "score")) -
                     round(p->score * 1e4) / 1e4) < 1e-9);
    json_t *h = json_object_get(o, "highlights");
    assert_int_equal(json_array_size(h), p->n_highlights);
    for (size_t k = 0; k < p->n_highlights; k++) {
      json_t *span = json_array_get(h, k);
      assert_int_equal(json_integer_value(json_array_get(span, 0)),
                       (json_int_t)p->highlights[k].start);
      assert_int_equal(json_integer_value(json_array_get(span, 1)),
                       (json_int_t)p->highlights[k].end);
    }
    assert_int_equal(json_array_size(json_object_get(o, "entities")),
                     p->n_entities);
  }
  json_decref(doc);
}

static void test_json(void **state) {
  (void)state;
  char *err = NULL;
  dp_index *ix = dp_open(dir, &err);
  assert_non_null(ix);
  static const char *const queries[] = {
      "chat noir",
      "\"chat\" \\ noir",
      "chat\t\x01\x1bnoir",
      "caf\xff\xfe \"x",
      "chta",
      "macron",
      "washington OR bretagne",
      "zzzzqqq",
  };
  for (size_t qi = 0; qi < sizeof queries / sizeof *queries; qi++)
    for (int facets = 0; facets < 2; facets++) {
      dp_search_options o = DP_SEARCH_OPTIONS_INIT;
      if (facets)
        o.facets = DP_FACET_SOURCE | DP_FACET_MONTH | DP_FACET_ENTITY;
      dp_results *r = NULL;
      assert_int_equal(dp_search(&r, ix, queries[qi], &o, &err), 0);
      char *out = dp_results_json(r);
      assert_non_null(out);
      check(out, r);
      if (facets)
        assert_non_null(strstr(out, "\"facets\":{\"source\":["));
      else
        assert_non_null(strstr(out, "\"facets\":{},"));
      /* last: whether total is a count */
      assert_non_null(strstr(out, dp_results_total_exact(r)
                                      ? ",\"total_exact\":true}"
                                      : ",\"total_exact\":false}"));
      dp_free(out);
      dp_results_free(r);
    }
  /* the one-call API gives the same */
  char *a = dp_search_json(ix, "chat noir", 0, 10, &err);
  assert_non_null(a);
  assert_non_null(strstr(a, "\"id\":\"q\\\"uote\\\\1\""));
  assert_non_null(strstr(a, "noir\\tdu maire"));
  dp_free(a);
  dp_close(ix);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_json),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
