/* Defects of the entity tagger found by an audit of issue 7, as tables of
 * French sentences and the exact entities they give (same rendering as
 * test_entities.c: TYPE start-end "surface" => canonical, " | " between
 * entities, "" for none). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer.h"
#include "entities.h"

static dp_analyzer *A;  /* plain */
static dp_analyzer *AC; /* with the tagger's word classes (dp_tagger_attach) */
static dp_tagger *T;

static int setup(void **state) {
  (void)state;
  char *msg = NULL;
  if (dp_analyzer_new(&A, &msg) != 0 || dp_analyzer_new(&AC, &msg) != 0 ||
      dp_tagger_new(&T, &msg) != 0) {
    fprintf(stderr, "setup: %s\n", msg ? msg : "?");
    free(msg);
    return -1;
  }
  dp_tagger_attach(T, AC);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  dp_tagger_free(T);
  dp_analyzer_free(A);
  dp_analyzer_free(AC);
  return 0;
}

typedef struct sbuf {
  char *p;
  size_t len, cap;
} sbuf;

static void cat(sbuf *b, const char *fmt, ...) {
  va_list ap;
  for (;;) {
    va_start(ap, fmt);
    int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0,
                      fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    if (b->p && (size_t)n < b->cap - b->len) {
      b->len += (size_t)n;
      return;
    }
    b->cap = (b->cap + (size_t)n + 1) * 2;
    b->p = realloc(b->p, b->cap);
    assert_non_null(b->p);
    if (b->len == 0)
      b->p[0] = '\0';
  }
}

/* Tags text (tokens of analyzer an) and renders its entities; caller
 * frees. */
static char *render_with(dp_analyzer *an, const char *text) {
  size_t len = strlen(text);
  dp_tokens toks = {0};
  dp_entities ents = {0};
  assert_int_not_equal(dp_analyze(an, text, len, 0, &toks), (uint32_t)-1);
  assert_int_equal(dp_tag(T, text, len, &toks, &ents), 0);
  sbuf b = {0};
  cat(&b, "%s", "");
  size_t prev_end = 0;
  for (size_t i = 0; i < ents.n; i++) {
    const dp_entity *e = &ents.v[i];
    /* invariants: in order, no overlap, inside the text, key non-empty */
    assert_true(e->start < e->end && e->end <= len);
    assert_true(e->start >= prev_end);
    assert_non_null(e->canonical);
    assert_non_null(e->key);
    assert_true(e->key[0] != '\0');
    prev_end = e->end;
    cat(&b, "%s%s %zu-%zu \"%.*s\" => %s", i ? " | " : "",
        dp_entity_type_name(e->type), e->start, e->end,
        (int)(e->end - e->start), text + e->start, e->canonical);
  }
  dp_entities_free(&ents);
  dp_tokens_free(&toks);
  return b.p;
}

/* render_with, through both the plain tokens and the classified ones (the
 * tagger's fast path), which must give the same entities. */
static char *render(const char *text) {
  char *got = render_with(A, text), *fast = render_with(AC, text);
  if (strcmp(got, fast) != 0)
    fprintf(stderr, "text: %s\n plain: %s\n classes: %s\n", text, got, fast);
  assert_string_equal(got, fast);
  free(fast);
  return got;
}

typedef struct tcase {
  const char *text;
  const char *want;
} tcase;

static void run_table(const tcase *t, size_t n) {
  int bad = 0;
  for (size_t i = 0; i < n; i++) {
    char *got = render(t[i].text);
    if (strcmp(got, t[i].want) != 0) {
      fprintf(stderr, "text: %s\n want: %s\n  got: %s\n", t[i].text, t[i].want,
              got);
      bad++;
    }
    free(got);
  }
  assert_int_equal(bad, 0);
}

#define RUN(table) run_table(table, sizeof table / sizeof table[0])

/* 1. A lowercase patronymic particle (ben, bin, ibn) continues a name even
 * when the word after it is also a first name ("Salmane"). */
static void test_patronymic_particles(void **state) {
  (void)state;
  static const tcase t[] = {
      {"Il a vu Mohammed ben Salmane.",
       "PER 8-28 \"Mohammed ben Salmane\" => Mohammed ben Salmane"},
      {"Il a vu Ali ben Hassan hier.",
       "PER 8-22 \"Ali ben Hassan\" => Ali ben Hassan"},
      {"Il a vu Oussama ben Laden hier.",
       "PER 8-25 \"Oussama ben Laden\" => Oussama ben Laden"},
      /* unchanged: "de" before a frequent first name still ends the name */
      {"Il a vu Charles de Gaulle hier.",
       "PER 8-25 \"Charles de Gaulle\" => Charles de Gaulle"},
  };
  RUN(t);
}

/* 2. An Arabic patronymic particle inside a name makes it a person, not an
 * organisation (inner particles otherwise mean "Gaz de Paris"). */
static void test_arabic_names(void **state) {
  (void)state;
  static const tcase t[] = {
      {"Zine el-Abidine Ben Ali est parti.",
       "PER 0-23 \"Zine el-Abidine Ben Ali\" => Zine el-Abidine Ben Ali"},
      {"Le président Zine el-Abidine Ben Ali est parti.",
       "PER 3-37 \"président Zine el-Abidine Ben Ali\" => Zine el-Abidine Ben "
       "Ali"},
      /* unchanged: no first name, an inner particle */
      {"Les actions Gaz de Bordeaux montent.",
       "ORG 12-27 \"Gaz de Bordeaux\" => Gaz de Bordeaux"},
  };
  RUN(t);
}

/* 3. Threat groups named by a common word (Hafnium, Gallium: chemical
 * elements) are organisations only when a cue says so. */
static void test_cued_groups(void **state) {
  (void)state;
  static const tcase t[] = {
      {"Le laboratoire a isolé du Hafnium pur.", ""},
      {"Gallium a attaqué.", ""},
      {"Un alliage de Gallium et de fer.", ""},
      {"Le groupe Hafnium est chinois.", "ORG 10-17 \"Hafnium\" => Hafnium"},
      {"Les pirates de Hafnium ont frappé.",
       "ORG 15-22 \"Hafnium\" => Hafnium"},
      {"Hafnium, un groupe lié à la Chine, a frappé.",
       "ORG 0-7 \"Hafnium\" => Hafnium | LOC 30-35 \"Chine\" => Chine"},
      {"Les hackers de Gallium visent les opérateurs.",
       "ORG 15-22 \"Gallium\" => Gallium"},
  };
  RUN(t);
}

/* 4. Organisation names: a lowercase adjective after a capitalised word of
 * the name belongs to it; the cue stays in the mention (HIPE). */
static void test_org_adjectives(void **state) {
  (void)state;
  static const tcase t[] = {
      {"Il a vu le syndicat Force ouvrière hier.",
       "ORG 11-35 \"syndicat Force ouvrière\" => Force ouvrière"},
      {"Il a vu l'Agence spatiale européenne hier.",
       "ORG 10-37 \"Agence spatiale européenne\" => Agence spatiale "
       "européenne"},
      {"L'Agence a publié un rapport.", ""},
      /* not a participle after the first adjective, nor an acronym's
       * adjective */
      {"Les mesures de la Commission européenne présentées hier.",
       "ORG 18-40 \"Commission européenne\" => Commission européenne"},
      {"Le Conseil scientifique créé en mars a parlé.",
       "ORG 3-23 \"Conseil scientifique\" => Conseil scientifique"},
      {"Il a vu le syndicat CGT majoritaire hier.",
       "ORG 11-23 \"syndicat CGT\" => CGT"},
      {"Selon l'Agence spatiale, tout va bien.",
       "ORG 8-23 \"Agence spatiale\" => Agence spatiale"},
  };
  RUN(t);
}

/* 5. A generic lowercase cue (société, groupe, syndicat) is part of the
 * mention but not of the canonical name; "ministère de", "Banque de" and
 * other heads that name the body stay. */
static void test_org_canonical(void **state) {
  (void)state;
  static const tcase t[] = {
      {"La société Dassault Aviation a dit.",
       "ORG 3-30 \"société Dassault Aviation\" => Dassault Aviation"},
      {"Selon le ministère de la Défense, tout va bien.",
       "ORG 9-34 \"ministère de la Défense\" => ministère de la Défense"},
      {"Un élu du parti communiste a parlé.",
       "ORG 11-27 \"parti communiste\" => Parti communiste"},
      {"Un vol de la compagnie Air France.",
       "ORG 13-33 \"compagnie Air France\" => Air France"},
      /* a capitalised head is part of the name */
      {"La Société générale a publié ses comptes.",
       "ORG 3-23 \"Société générale\" => Société générale"},
  };
  RUN(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_patronymic_particles),
      cmocka_unit_test(test_arabic_names),
      cmocka_unit_test(test_cued_groups),
      cmocka_unit_test(test_org_adjectives),
      cmocka_unit_test(test_org_canonical),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
