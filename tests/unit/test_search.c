/* test_search.c — libdepeche's typed API and JSON on a small index built
 * with the indexer's own document builder (same layout as depeche-index):
 * results and their fields, highlights as byte offsets, relaxation,
 * suggestions, facets, filters, paging, sorting, errors, and a search
 * right after another writer's commit seeing the new articles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
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
    {"a1", "Cyberattaque : APT31 vise le ministère de la Défense", "2024-03-12",
     "Agence France Dépêche", "Le groupe APT31 a visé des serveurs.",
     "Selon l'ANSSI, le groupe APT31 a compromis des serveurs du ministère "
     "de la Défense. Les accusations visent Pékin."},
    {"a2", "Les États-Unis accusent la Chine", "2024-07-19", "Le Courrier",
     "Washington hausse le ton.",
     "Washington a accusé APT 31 d'espionnage. <script>x</script>"},
    {"a3", "Le chat de la mairie", "2022-01-05", "Ouest-Matin",
     "Un chat noir a élu domicile à la mairie.",
     "Le chat noir dort sur le bureau du maire depuis janvier."},
    {"a4", "Tempête sur la Bretagne", "2024-07-20", "Ouest-Matin",
     "Des vents violents.", "Un chat a été sauvé par les pompiers à Brest."},
};

static char dir[256];

static int setup(void **state) {
  (void)state;
  return fixture_index(dir, "search", ARTS, 4);
}

static int teardown(void **state) {
  (void)state;
  return fixture_remove(dir);
}

static void test_open_errors(void **state) {
  (void)state;
  char *err = NULL;
  assert_null(dp_open("/nonexistent/depeche/index", &err));
  assert_non_null(err);
  assert_null(strchr(err, '\n'));
  dp_free(err);
  assert_null(dp_open(NULL, NULL));
  dp_close(NULL);
  dp_free(NULL);
  dp_results_free(NULL);
  assert_int_equal(dp_results_count(NULL), 0);
  assert_null(dp_results_get(NULL, 0));
  dp_results *r = NULL;
  assert_int_equal(dp_search(&r, NULL, "x", NULL, &err), DP_EINVAL);
  dp_free(err);
  dp_search_options o;
  assert_int_equal(dp_search_options_init(&o, 99), DP_EINVAL);
  assert_int_equal(dp_search_options_init(&o, DP_SEARCH_OPTIONS_VERSION), 0);
  assert_int_equal(o.limit, 10);
}

static void test_results(void **state) {
  (void)state;
  char *err = NULL;
  dp_index *ix = dp_open(dir, &err);
  assert_non_null(ix);
  dp_results *r = fixture_search(ix, "chat noir", NULL);
  assert_int_equal(dp_results_count(r), 1);
  assert_int_equal(dp_results_total(r), 1);
  assert_int_equal(dp_results_total_exact(r), 1); /* few matches: counted */
  assert_int_equal(dp_results_relaxed(r), 0);
  assert_null(dp_results_suggestion(r));
  const dp_result *p = dp_results_get(r, 0);
  assert_string_equal(p->id, "a3");
  assert_string_equal(p->title, "Le chat de la mairie");
  assert_string_equal(p->date, "2022-01-05");
  assert_string_equal(p->source, "Ouest-Matin");
  assert_int_equal(p->rank, 1);
  assert_true(p->score > 0);
  /* highlights: byte ranges of "chat"/"noir" in the snippet and title */
  assert_true(p->n_highlights >= 2);
  for (size_t i = 0; i < p->n_highlights; i++) {
    size_t len = p->highlights[i].end - p->highlights[i].start;
    const char *w = p->snippet + p->highlights[i].start;
    assert_true(
        (len == 4 && (!strncmp(w, "chat", 4) || !strncmp(w, "noir", 4))));
  }
  assert_int_equal(p->n_title_highlights, 1);
  assert_int_equal(p->title_highlights[0].start, 3);
  assert_int_equal(p->title_highlights[0].end, 7);
  char *m = dp_results_marked(r, 0, 1, "<", ">", 0);
  assert_string_equal(m, "Le <chat> de la mairie");
  dp_free(m);
  assert_null(dp_results_marked(r, 5, 0, "<", ">", 0));
  dp_results_free(r);
  dp_close(ix);
}

static void test_relax_suggest(void **state) {
  (void)state;
  dp_index *ix = dp_open(dir, NULL);
  assert_non_null(ix);
  dp_results *r = fixture_search(ix, "chat Pékin", NULL);
  assert_int_equal(dp_results_relaxed(r), 1);
  assert_true(dp_results_count(r) >= 2);
  dp_results_free(r);
  dp_search_options o = DP_SEARCH_OPTIONS_INIT;
  o.no_relax = 1;
  r = fixture_search(ix, "chat Pékin", &o);
  assert_int_equal(dp_results_count(r), 0);
  dp_results_free(r);
  r = fixture_search(ix, "tempote", NULL);
  assert_int_equal(dp_results_total(r), 0);
  assert_non_null(dp_results_suggestion(r));
  assert_string_equal(dp_results_suggestion(r), "tempete");
  dp_results_free(r);
  dp_close(ix);
}

static void test_filters_facets_paging(void **state) {
  (void)state;
  dp_index *ix = dp_open(dir, NULL);
  dp_search_options o = DP_SEARCH_OPTIONS_INIT;
  o.filters = "source:ouest-matin";
  dp_results *r = fixture_search(ix, "chat", &o);
  assert_int_equal(dp_results_total(r), 2);
  dp_results_free(r);
  o.filters = NULL;
  o.facets = DP_FACET_SOURCE | DP_FACET_MONTH | DP_FACET_ENTITY;
  o.sort = DP_SORT_DATE;
  o.limit = 1;
  o.offset = 1;
  r = fixture_search(ix, "chat OR accusations", &o);
  assert_int_equal(dp_results_total(r), 4);
  assert_int_equal(dp_results_count(r), 1);
  assert_string_equal(dp_results_get(r, 0)->id, "a2"); /* 2nd newest */
  assert_int_equal(dp_results_get(r, 0)->rank, 2);
  assert_int_equal(dp_results_facet_count(r, DP_FACET_MONTH), 3);
  const char *v, *type;
  uint32_t c;
  assert_int_equal(dp_results_facet(r, DP_FACET_MONTH, 0, &v, &c, &type), 0);
  assert_string_equal(v, "2022-01");
  assert_int_equal(c, 1);
  assert_null(type);
  assert_int_equal(dp_results_facet(r, DP_FACET_MONTH, 2, &v, &c, NULL), 0);
  assert_string_equal(v, "2024-07");
  assert_int_equal(c, 2);
  assert_int_equal(dp_results_facet(r, DP_FACET_SOURCE, 0, &v, &c, NULL), 0);
  assert_int_equal(c, 2);
  assert_int_equal(dp_results_facet(r, DP_FACET_SOURCE, 9, &v, &c, NULL),
                   DP_EINVAL);
  dp_results_free(r);
  /* a bad date is a query error with one message */
  char *err = NULL;
  assert_int_equal(dp_search(&r, ix, "date:2024-13", NULL, &err), DP_EQUERY);
  assert_non_null(strstr(err, "invalid date"));
  dp_free(err);
  dp_close(ix);
}

static void test_json(void **state) {
  (void)state;
  dp_index *ix = dp_open(dir, NULL);
  char *err = NULL;
  char *s = dp_search_json(ix, "APT31", 0, 10, &err);
  assert_non_null(s);
  json_error_t je;
  json_t *j = json_loads(s, 0, &je);
  assert_non_null(j);
  assert_int_equal(json_integer_value(json_object_get(j, "schema")), 1);
  assert_string_equal(json_string_value(json_object_get(j, "query")), "APT31");
  assert_true(json_is_false(json_object_get(j, "relaxed")));
  assert_true(json_is_null(json_object_get(j, "suggestion")));
  json_t *res = json_object_get(j, "results");
  assert_int_equal(json_array_size(res), 2); /* APT31 and "APT 31" */
  for (size_t i = 0; i < json_array_size(res); i++) {
    json_t *o = json_array_get(res, i);
    const char *keys[] = {"rank",    "id",         "path",    "title",
                          "date",    "source",     "url",     "score",
                          "snippet", "highlights", "entities"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
      assert_non_null(json_object_get(o, keys[k]));
    const char *snip = json_string_value(json_object_get(o, "snippet"));
    json_t *h = json_object_get(o, "highlights");
    assert_true(json_array_size(h) >= 1);
    for (size_t k = 0; k < json_array_size(h); k++) {
      json_int_t a =
          json_integer_value(json_array_get(json_array_get(h, k), 0));
      json_int_t b =
          json_integer_value(json_array_get(json_array_get(h, k), 1));
      assert_true(a >= 0 && b > a && (size_t)b <= strlen(snip));
      assert_true(strncmp(snip + a, "APT", 3) == 0);
    }
  }
  json_decref(j);
  dp_free(s);
  /* limit 0: the count only */
  s = dp_search_json(ix, "chat", 0, 0, &err);
  assert_non_null(strstr(s, "\"total\":2"));
  assert_non_null(strstr(s, "\"results\":[]"));
  dp_free(s);
  assert_null(dp_search_json(ix, "chat", -1, 10, &err));
  assert_non_null(err);
  dp_free(err);
  dp_close(ix);
}

/* A handle opened before another writer's commits sees the new articles
 * on its next search. */
static void test_sees_new_commits(void **state) {
  (void)state;
  dp_index *ix = dp_open(dir, NULL);
  dp_results *r = fixture_search(ix, "girafe", NULL);
  assert_int_equal(dp_results_total(r), 0);
  dp_results_free(r);
  static const art more[] = {
      {"a5", "Une girafe au zoo", "2024-08-01", "Ouest-Matin", "",
       "La girafe est arrivée."},
      {"a6", "La girafe encore", "2024-08-02", "Ouest-Matin", "",
       "La girafe mange."},
  };
  assert_int_equal(add_articles(dir, more, 1), 0);
  assert_int_equal(add_articles(dir, more + 1, 1), 0); /* two commits */
  r = fixture_search(ix, "girafe", NULL);
  assert_int_equal(dp_results_total(r), 2);
  dp_results_free(r);
  dp_close(ix);
}

/* Questions are re-ranked on the stored text: of two articles holding the
 * same words, the one where they stand together, with a year beside them
 * for "en quelle année", comes first, even though BM25 alone (a longer
 * article, added last) puts it second. */
static void test_question_rerank(void **state) {
  (void)state;
  static const art SIB[] = {
      {"b1", "Histoire du village", "2020-01-01", "Ouest-Matin", "",
       "Le pont traverse la vallée. Beaucoup de pierre grise fut utilisée. "
       "Le chantier a construit des routes."},
      {"b2", "Histoire du village", "2020-01-01", "Ouest-Matin", "",
       "Le pont de pierre fut construit en 1852 dans la vallée grise. "
       "Beaucoup de routes anciennes et larges, souvent droites."},
  };
  char qdir[300];
  snprintf(qdir, sizeof qdir, "%.*sq", (int)(strlen(dir) - 2), dir);
  assert_int_equal(add_articles(qdir, SIB, 2), 0);
  dp_index *ix = dp_open(qdir, NULL);
  assert_non_null(ix);
  dp_search_options o = DP_SEARCH_OPTIONS_INIT;
  o.snippets = 0;
  /* keywords: plain BM25, the shorter article first */
  dp_results *r = fixture_search(ix, "pont pierre construit", &o);
  assert_int_equal(dp_results_count(r), 2);
  assert_string_equal(dp_results_get(r, 0)->id, "b1");
  dp_results_free(r);
  r = fixture_search(ix, "En quelle année le pont de pierre fut-il construit ?",
                     &o);
  assert_int_equal(dp_results_count(r), 2);
  assert_string_equal(dp_results_get(r, 0)->id, "b2");
  assert_int_equal(dp_results_get(r, 0)->rank, 1);
  dp_results_free(r);
  dp_close(ix);
}

/* Builds a second index next to dir named by suffix with the n articles
 * a and opens it. */
static dp_index *open_with(const char *suffix, const art *a, size_t n) {
  char qdir[300];
  snprintf(qdir, sizeof qdir, "%.*s%s", (int)(strlen(dir) - 2), dir, suffix);
  assert_int_equal(add_articles(qdir, a, n), 0);
  dp_index *ix = dp_open(qdir, NULL);
  assert_non_null(ix);
  return ix;
}

/* Questions: a word written as the question writes it counts more than
 * another form of its stem (keywords: plain BM25, the shorter first). */
static void test_question_exact_form(void **state) {
  (void)state;
  static const art EX[] = {
      {"e1", "Diplomatie", "2020-01-01", "Le Courrier", "",
       "Le ministre accusé hier répond à Pékin."},
      {"e2", "Diplomatie", "2020-01-01", "Le Courrier", "",
       "Les accusations graves et répétées visent le ministre, selon Pékin."},
      {"e3", "Brève", "2020-01-01", "Le Courrier", "", "Le match est nul."},
      {"e4", "Brève", "2020-01-01", "Le Courrier", "", "Il pleut à Brest."},
      {"e5", "Brève", "2020-01-01", "Le Courrier", "", "Le chat dort."},
      {"e6", "Brève", "2020-01-01", "Le Courrier", "", "La mairie ferme."},
  };
  dp_index *ix = open_with("ex", EX, 6);
  dp_search_options o = DP_SEARCH_OPTIONS_INIT;
  o.snippets = 0;
  dp_results *r = fixture_search(ix, "accusations Pékin", &o);
  assert_int_equal(dp_results_count(r), 2);
  assert_string_equal(dp_results_get(r, 0)->id, "e1");
  dp_results_free(r);
  r = fixture_search(ix, "Quelles accusations a lancées Pékin ?", &o);
  assert_true(dp_results_count(r) >= 2);
  assert_string_equal(dp_results_get(r, 0)->id, "e2");
  dp_results_free(r);
  dp_close(ix);
}

/* Questions: a word no article holds also matches the closest word of
 * the index ("Tombouctu" finds "Tombouctou"); keywords are not changed
 * (they get a suggestion instead). */
static void test_question_misspelt(void **state) {
  (void)state;
  static const art MS[] = {
      {"m1", "Voyage", "2020-01-01", "Le Courrier", "",
       "La ville de Tombouctou garde ses manuscrits."},
      {"m2", "Urbanisme", "2020-01-01", "Le Courrier", "",
       "La ville et la ville voisine, une ville nouvelle."},
      {"m3", "Sport", "2020-01-01", "Le Courrier", "", "Le match est nul."},
  };
  dp_index *ix = open_with("ms", MS, 3);
  dp_search_options o = DP_SEARCH_OPTIONS_INIT;
  o.snippets = 0;
  dp_results *r = fixture_search(
      ix, "Quelle ville garde les manuscrits de Tombouctu ?", &o);
  assert_true(dp_results_count(r) >= 1);
  assert_string_equal(dp_results_get(r, 0)->id, "m1");
  dp_results_free(r);
  r = fixture_search(ix, "Où est la ville de Tombouctu ?", &o);
  assert_true(dp_results_count(r) >= 2);
  assert_string_equal(dp_results_get(r, 0)->id, "m1");
  dp_results_free(r);
  dp_close(ix);
}

/* Questions: the passage is chosen for the question's words that the
 * title does not hold (the title's words are everywhere in the article;
 * the answer stands by the others). Keywords keep every word's weight. */
static void test_question_snippet_title(void **state) {
  (void)state;
  static const art SN[] = {
      {"s1", "Clelia Mosher", "2020-01-01", "Le Courrier", "",
       "Clelia Mosher naquit à Albany ; Clelia Mosher étudia ensuite à "
       "Stanford, où Clelia Mosher enseigna longtemps. La bibliothèque "
       "de l'université conserve des carnets, des lettres et des photographies "
       "de la famille, classés par année et par lieu. Les chercheurs les "
       "consultent souvent pour des travaux sur la médecine de l'époque. "
       "Le sommeil des étudiantes fut son premier sujet d'étude."},
      {"s2", "Sport", "2020-01-01", "Le Courrier", "", "Le match est nul."},
  };
  dp_index *ix = open_with("sn", SN, 2);
  dp_search_options o = DP_SEARCH_OPTIONS_INIT;
  o.snippet_passages = 1;
  o.snippet_chars = 120;
  dp_results *r =
      fixture_search(ix, "Quel fut le premier sujet de Clelia Mosher ?", &o);
  assert_int_equal(dp_results_count(r), 1);
  assert_non_null(strstr(dp_results_get(r, 0)->snippet, "sommeil"));
  dp_results_free(r);
  dp_close(ix);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_open_errors),
      cmocka_unit_test(test_results),
      cmocka_unit_test(test_relax_suggest),
      cmocka_unit_test(test_filters_facets_paging),
      cmocka_unit_test(test_json),
      cmocka_unit_test(test_sees_new_commits),
      cmocka_unit_test(test_question_rerank),
      cmocka_unit_test(test_question_exact_form),
      cmocka_unit_test(test_question_misspelt),
      cmocka_unit_test(test_question_snippet_title),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
