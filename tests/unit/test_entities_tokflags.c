/* build_words' first pass reads what it needs of a token's flags from one
 * table (dp_tagger.tokf, docs/entities.md "Speed"): a joined form is not a
 * word, a capitalised word at a sentence start is ignored by the
 * recurrence scan, and a word class is trusted only when the token is
 * classified and not capitalised for the analyzer alone. These tests change
 * the flags of classified tokens and check that dp_tag still gives what it
 * gives for the same tokens without their classes (the path that computes
 * everything from the text):
 *  - DP_TOK_CAPITAL added to words whose class says lowercase (untrusted
 *    class: the slow path must be taken for them);
 *  - the class bits removed from every other word (mixed tokens);
 *  - DP_TOK_SENT_START added to or removed from capitalised words;
 * on texts with compounds (joined forms), "¬" and no-break spaces in gaps,
 * and names that the recurrence test confirms. */
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

static dp_analyzer *attached;
static dp_tagger *T;

static const uint32_t class_bits =
    DP_TOK_CLASSIFIED | ((uint32_t)DP_TOK_CLASS_MAX << DP_TOK_CLASS_SHIFT);

static int setup(void **state) {
  (void)state;
  char *msg = NULL;
  if (dp_analyzer_new(&attached, &msg) != 0 || dp_tagger_new(&T, &msg) != 0) {
    fprintf(stderr, "setup: %s\n", msg ? msg : "?");
    free(msg);
    return -1;
  }
  dp_tagger_attach(T, attached);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  dp_tagger_free(T);
  dp_analyzer_free(attached);
  return 0;
}

static const char *const texts[] = {
    "Le président Joe Biden a rencontré Emmanuel Macron à Paris. Biden a "
    "salué l'Otan et les États-Unis.",
    "Selon le ministère de la Défense, le groupe APT 31 vise la France. "
    "Lundi, Microsoft Exchange a été visé.",
    "M. Messager et Broussan sont à Saint-Étienne. Broussan revient, "
    "Broussan repart ; Dupuis-Martin aussi.",
    "La Cham¬ bre des députés\xC2\xA0"
    "a voté. Le Sud-Ouest et la "
    "Butte-Rouge\xC2\xA0"
    "; rue de Rivoli, 17, Paris.",
    "« Marius » et « Sancho » ; Mme Anne-Marie Le Bihan, sénatrice du "
    "Finistère, et M. de Kerillis. Kerillis parle. Lire aussi : Lundi.",
    "OTAN, UE, SNCF et ONU. SUCRE ET UNIS. Jean-Luc Mélenchon (LFI) et "
    "Marine Le Pen (RN) à Hénin-Beaumont.",
};

/* Same entities, in the same order, with the same strings. */
static void assert_same(const dp_entities *a, const dp_entities *b,
                        const char *what) {
  int same = a->n == b->n;
  for (size_t k = 0; same && k < a->n; k++)
    same = a->v[k].start == b->v[k].start && a->v[k].end == b->v[k].end &&
           a->v[k].type == b->v[k].type &&
           strcmp(a->v[k].canonical, b->v[k].canonical) == 0 &&
           strcmp(a->v[k].key, b->v[k].key) == 0;
  if (!same) {
    fprintf(stderr, "%s: %zu entities with the changed classes, %zu without\n",
            what, a->n, b->n);
    fail();
  }
}

/* Tags the tokens of text as changed by change(), with their classes and
 * without them; both must agree. Returns the number of entities. */
static size_t check(const char *text, void (*change)(dp_tokens *, size_t),
                    const char *what) {
  size_t len = strlen(text);
  dp_tokens tc = {0}, tp = {0};
  dp_entities ec = {0}, ep = {0};
  assert_int_not_equal(dp_analyze(attached, text, len, 0, &tc), (uint32_t)-1);
  change(&tc, 0);
  /* the same tokens without their classes */
  assert_int_not_equal(dp_analyze(attached, text, len, 0, &tp), (uint32_t)-1);
  change(&tp, 0);
  for (size_t k = 0; k < tp.n; k++)
    tp.v[k].flags &= ~class_bits;
  assert_int_equal(dp_tag(T, text, len, &tc, &ec), 0);
  assert_int_equal(dp_tag(T, text, len, &tp, &ep), 0);
  assert_same(&ec, &ep, what);
  size_t n = ec.n;
  dp_entities_free(&ec);
  dp_entities_free(&ep);
  dp_tokens_free(&tc);
  dp_tokens_free(&tp);
  return n;
}

static void unchanged(dp_tokens *t, size_t salt) {
  (void)t;
  (void)salt;
}

/* DP_TOK_CAPITAL on every lowercase word whose class says lowercase. */
static void capital_without_kcap(dp_tokens *t, size_t salt) {
  (void)salt;
  for (size_t k = 0; k < t->n; k++)
    if ((t->v[k].flags & DP_TOK_CLASSIFIED) &&
        !(t->v[k].flags & DP_TOK_CAPITAL) && (k % 3) == 1)
      t->v[k].flags |= DP_TOK_CAPITAL;
}

/* Every other token without its class. */
static void mixed(dp_tokens *t, size_t salt) {
  (void)salt;
  for (size_t k = 0; k < t->n; k += 2)
    t->v[k].flags &= ~class_bits;
}

/* Sentence starts moved: added to capitalised words, removed from others. */
static void sentence_starts(dp_tokens *t, size_t salt) {
  (void)salt;
  for (size_t k = 0; k < t->n; k++) {
    if ((t->v[k].flags & DP_TOK_CAPITAL) && (k % 2) == 0)
      t->v[k].flags |= DP_TOK_SENT_START;
    else if (k % 5 == 0)
      t->v[k].flags &= ~(uint32_t)DP_TOK_SENT_START;
  }
}

static void test_flags(void **state) {
  (void)state;
  size_t total = 0;
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    total += check(texts[i], unchanged, texts[i]);
    check(texts[i], capital_without_kcap, texts[i]);
    check(texts[i], mixed, texts[i]);
    check(texts[i], sentence_starts, texts[i]);
  }
  assert_true(total >= 20); /* the texts do have entities */
}

/* The tokens as the analyzer gives them: joined forms exist and are
 * classified or not, and capitalised sentence starts exist, so that the
 * table's cases are all met above. */
static void test_cases_met(void **state) {
  (void)state;
  int joined = 0, cap_sent = 0, untrusted_cap = 0;
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    dp_tokens t = {0};
    assert_int_not_equal(
        dp_analyze(attached, texts[i], strlen(texts[i]), 0, &t), (uint32_t)-1);
    for (size_t k = 0; k < t.n; k++) {
      uint32_t f = t.v[k].flags;
      joined += (f & DP_TOK_JOINED) != 0;
      cap_sent += (f & DP_TOK_CAPITAL) && (f & DP_TOK_SENT_START);
      capital_without_kcap(&t, 0);
      untrusted_cap += (t.v[k].flags & DP_TOK_CAPITAL) &&
                       (t.v[k].flags & DP_TOK_CLASSIFIED) &&
                       !(t.v[k].flags & (1u << DP_TOK_CLASS_SHIFT));
    }
    dp_tokens_free(&t);
  }
  assert_true(joined > 0);
  assert_true(cap_sent > 0);
  assert_true(untrusted_cap > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_flags),
      cmocka_unit_test(test_cases_met),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
