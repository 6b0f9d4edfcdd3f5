/* Word classes (dp_tagger_attach): the tagger's per-word facts computed in
 * the analyzer's word cache must change nothing but speed.
 *
 *  - an attached analyzer gives the same tokens as a plain one (offsets,
 *    positions, terms, stems, flags), plus DP_TOK_CLASSIFIED and the class
 *    bits on every word token (numbers have none);
 *  - dp_tag gives the same entities for classified and plain tokens, on
 *    the project's corpus (corpus/txt, corpus/txt-plain), on odd input, on
 *    fields chained from both kinds of analyzer, and after detaching;
 *  - the analyzer's word cache is emptied when a classifier is installed,
 *    so that no word keeps a class it was not given.
 * The rule tables of test_entities.c run through both paths too. */
#include <dirent.h>
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

static dp_analyzer *plain, *attached;
static dp_tagger *T;

static int setup(void **state) {
  (void)state;
  char *msg = NULL;
  if (dp_analyzer_new(&plain, &msg) != 0 ||
      dp_analyzer_new(&attached, &msg) != 0 || dp_tagger_new(&T, &msg) != 0) {
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
  dp_analyzer_free(plain);
  dp_analyzer_free(attached);
  return 0;
}

static const uint32_t class_bits =
    DP_TOK_CLASSIFIED | ((uint32_t)DP_TOK_CLASS_MAX << DP_TOK_CLASS_SHIFT);

/* Same entities, in the same order, with the same strings. */
static int same_entities(const dp_entities *a, const dp_entities *b) {
  if (a->n != b->n)
    return 0;
  for (size_t k = 0; k < a->n; k++)
    if (a->v[k].start != b->v[k].start || a->v[k].end != b->v[k].end ||
        a->v[k].type != b->v[k].type ||
        strcmp(a->v[k].canonical, b->v[k].canonical) != 0 ||
        strcmp(a->v[k].key, b->v[k].key) != 0)
      return 0;
  return 1;
}

/* Analyses text with both analyzers, checks the tokens, tags both token
 * lists and checks the entities; returns the number of entities. */
static size_t check_text(const char *text, size_t len, const char *what) {
  dp_tokens tp = {0}, tc = {0};
  dp_entities ep = {0}, ec = {0};
  assert_int_not_equal(dp_analyze(plain, text, len, 0, &tp), (uint32_t)-1);
  assert_int_not_equal(dp_analyze(attached, text, len, 0, &tc), (uint32_t)-1);
  assert_int_equal(tp.n, tc.n);
  for (size_t k = 0; k < tp.n; k++) {
    const dp_token *p = &tp.v[k], *c = &tc.v[k];
    assert_int_equal(p->start, c->start);
    assert_int_equal(p->end, c->end);
    assert_int_equal(p->pos, c->pos);
    assert_string_equal(p->term, c->term);
    assert_string_equal(p->stem, c->stem);
    /* a plain analyzer never sets the class bits */
    assert_int_equal(p->flags & class_bits, 0);
    assert_int_equal(p->flags, c->flags & ~class_bits);
    /* every word has a class; numbers have none */
    if (!(c->flags & (DP_TOK_NUMBER | DP_TOK_JOINED)))
      assert_true(c->flags & DP_TOK_CLASSIFIED);
    if (c->flags & DP_TOK_NUMBER && !(c->flags & DP_TOK_JOINED) &&
        text[c->start] >= '0' && text[c->start] <= '9' &&
        c->start + 1 == c->end)
      assert_false(c->flags & DP_TOK_CLASSIFIED);
  }
  assert_int_equal(dp_tag(T, text, len, &tp, &ep), 0);
  assert_int_equal(dp_tag(T, text, len, &tc, &ec), 0);
  if (!same_entities(&ep, &ec)) {
    fprintf(stderr, "%s: %zu entities without classes, %zu with\n", what, ep.n,
            ec.n);
    fail();
  }
  size_t n = ec.n;
  dp_entities_free(&ep);
  dp_entities_free(&ec);
  dp_tokens_free(&tp);
  dp_tokens_free(&tc);
  return n;
}

static size_t check_str(const char *text) {
  return check_text(text, strlen(text), text);
}

/* Reads a whole file; caller frees. */
static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  size_t cap = 4096, n = 0;
  char *p = malloc(cap);
  assert_non_null(p);
  size_t k;
  while ((k = fread(p + n, 1, cap - n, f)) > 0) {
    n += k;
    if (n == cap) {
      cap *= 2;
      p = realloc(p, cap);
      assert_non_null(p);
    }
  }
  fclose(f);
  *len = n;
  return p;
}

/* Every .txt file of corpus/txt and corpus/txt-plain (modern news). */
static void test_corpus(void **state) {
  (void)state;
  const char *src = getenv("DEPECHE_SOURCE_DIR");
  if (!src)
    src = ".";
  static const char *const dirs[] = {"corpus/txt", "corpus/txt-plain"};
  size_t files = 0, ents = 0;
  for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
    size_t dl = strlen(src) + strlen(dirs[d]) + 2;
    char *dir = malloc(dl);
    assert_non_null(dir);
    snprintf(dir, dl, "%s/%s", src, dirs[d]);
    DIR *dh = opendir(dir);
    if (!dh) {
      free(dir);
      continue;
    }
    struct dirent *de;
    while ((de = readdir(dh)) != NULL) {
      size_t nl = strlen(de->d_name);
      if (nl < 5 || strcmp(de->d_name + nl - 4, ".txt") != 0)
        continue;
      size_t pl = strlen(dir) + nl + 2;
      char *path = malloc(pl);
      assert_non_null(path);
      snprintf(path, pl, "%s/%s", dir, de->d_name);
      size_t len;
      char *text = slurp(path, &len);
      ents += check_text(text, len, path);
      files++;
      free(text);
      free(path);
    }
    closedir(dh);
    free(dir);
  }
  /* the corpus is in the repository: the test must not pass vacuously */
  assert_true(files >= 10);
  assert_true(ents >= 100);
}

/* What the per-token path of dp_tag reads from the text: OCR hyphens and
 * no-break spaces before words, elisions, abbreviations, capitals that
 * only the analyzer sees, acronyms, codes, very long words (not cached),
 * numbers, invalid UTF-8. */
static void test_odd_input(void **state) {
  (void)state;
  static const char *const texts[] = {
      "Selon M. Gambetta, l'Otan et les pirates d'APT 31 visent les "
      "Etats-Unis.",
      "La ministre des Armées, Mme Lefèvre, a reçu le président du Conseil.",
      "Cham\xc2\xac bre de Com\xc2\xac\nmerce de Paris ; M. Poin\xc2\xac "
      "caré",
      "Le\xc2\xa0ministère de la Défense\xc2\xa0: rue de Rivoli, 16, Paris.",
      "« Marius » et \" JAN \" ; MM. Messager et Broussan ; (Dranem)",
      "U.S.A. et O.T.A.N., l'O.N.U. ; APT-40, UNC2452, FIN7, TA505.",
      "Lire aussi : Le Monde, Le Havre, La Rochelle, Le Pen, Le gouvernement.",
      "Élisabeth Borne à Évry ; ÉTATS-UNIS ; Œuvre ; ǅemal ; ǲ",
      "Anticonstitutionnellementanticonstitutionnellementanticonstitutionnel"
      "lementAnticonstitutionnellement Dupont à Lyon",
      "Le 14 juillet 1789, 3,5 % des 1 000 Parisiens ; 2021-07-19 ; 1er mai.",
      "\xff\xfe M. \xc3 Dupont \xe2\x80 l'\xe2\x80\x99Otan\xe2\x80\x99",
      "porte-parole du gouvernement Olivier Véran ; Saint-Étienne-du-Rouvray",
      "",
  };
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
    check_str(texts[i]);
  assert_true(check_str(texts[0]) >= 4);
}

/* Fields chained in one token list from both analyzers (the class is per
 * token), and an analyzer detached again. */
static void test_mixed_and_detach(void **state) {
  (void)state;
  const char *text = "M. Gambetta à Paris.\n\nLe président Emmanuel Macron "
                     "et Gambetta à l'Otan.";
  size_t len = strlen(text), cut = 20;
  dp_tokens tp = {0}, tm = {0};
  dp_entities ep = {0}, em = {0};
  uint32_t pos = dp_analyze(plain, text, cut, 0, &tp);
  dp_analyze(plain, text + cut, len - cut, pos + 1, &tp);
  pos = dp_analyze(attached, text, cut, 0, &tm);
  size_t first = tm.n;
  dp_analyze(plain, text + cut, len - cut, pos + 1, &tm);
  assert_true(first > 0 && tm.n > first);
  assert_true(tm.v[0].flags & DP_TOK_CLASSIFIED);
  assert_false(tm.v[first].flags & DP_TOK_CLASSIFIED);
  /* offsets of the second field are relative to its own start: shift */
  for (size_t k = 0; k < tp.n; k++)
    if (k >= first) {
      tp.v[k].start += cut, tp.v[k].end += cut;
      tm.v[k].start += cut, tm.v[k].end += cut;
    }
  assert_int_equal(dp_tag(T, text, len, &tp, &ep), 0);
  assert_int_equal(dp_tag(T, text, len, &tm, &em), 0);
  assert_true(same_entities(&ep, &em));
  assert_true(ep.n >= 4);
  dp_entities_free(&ep);
  dp_entities_free(&em);
  dp_tokens_free(&tp);
  dp_tokens_free(&tm);

  /* detached: no class bits, even for words the cache had classified */
  dp_analyzer *a = NULL;
  char *msg = NULL;
  assert_int_equal(dp_analyzer_new(&a, &msg), 0);
  dp_tokens t = {0};
  dp_tagger_attach(T, a);
  dp_analyze(a, text, len, 0, &t);
  assert_true(t.v[0].flags & DP_TOK_CLASSIFIED);
  dp_tokens_clear(&t);
  dp_tagger_attach(NULL, a);
  dp_analyze(a, text, len, 0, &t);
  for (size_t k = 0; k < t.n; k++)
    assert_int_equal(t.v[k].flags & class_bits, 0);
  /* attached again after plain use: every word gets its class */
  dp_tokens_clear(&t);
  dp_analyzer_set_classifier(a, NULL, NULL);
  dp_tagger_attach(T, a);
  dp_analyze(a, text, len, 0, &t);
  for (size_t k = 0; k < t.n; k++)
    if (!(t.v[k].flags & (DP_TOK_NUMBER | DP_TOK_JOINED)))
      assert_true(t.v[k].flags & DP_TOK_CLASSIFIED);
  dp_tokens_free(&t);
  dp_analyzer_free(a);
}

/* Many distinct words: the word cache grows and is reset; classes stay
 * right across it. */
static void test_cache_growth(void **state) {
  (void)state;
  size_t cap = 1 << 20, n = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  unsigned x = 7;
  while (n + 64 < cap) {
    x = x * 1103515245u + 12345u;
    int w = (int)((x >> 16) % 9) + 3;
    static const char up[] = "ABCDEFGHIJKLMNOPRSTVZ", lo[] = "aeioulnrstmdc";
    text[n++] = (x >> 8) & 3 ? lo[(x >> 4) % 13] : up[(x >> 4) % 21];
    for (int k = 1; k < w; k++) {
      x = x * 1103515245u + 12345u;
      text[n++] = lo[(x >> 16) % 13];
    }
    text[n++] = (x >> 20) % 11 ? ' ' : '.';
    if ((x >> 24) % 17 == 0)
      text[n++] = ' ';
  }
  /* several calls reuse (and refill) the caches */
  for (size_t off = 0; off + 65536 <= n; off += 65536)
    check_text(text + off, 65536 - 64, "generated text");
  free(text);
}

/* Tags text with classified tokens (after checking both paths agree) and
 * returns the entities (caller frees). */
static dp_entities tag_classified(const char *text) {
  check_str(text);
  dp_tokens t = {0};
  dp_entities e = {0};
  assert_int_not_equal(dp_analyze(attached, text, strlen(text), 0, &t),
                       (uint32_t)-1);
  assert_int_equal(dp_tag(T, text, strlen(text), &t, &e), 0);
  dp_tokens_free(&t);
  return e;
}

/* The entity of e at text[start, start + strlen(surface)), or NULL. */
static const dp_entity *entity_at(const dp_entities *e, const char *text,
                                  const char *surface) {
  const char *p = strstr(text, surface);
  assert_non_null(p);
  size_t s = (size_t)(p - text), n = strlen(surface);
  for (size_t k = 0; k < e->n; k++)
    if (e->v[k].start == s && e->v[k].end == s + n)
      return &e->v[k];
  return NULL;
}

/* Speed paths of this version: a capitalised word known to the main table
 * takes its entry from its word class (first names, places, prefixes; then
 * communes while references last, the others are looked up); capitalised
 * words that are never entities ("Lundi", "Selon") and capitalised
 * stopwords ("Il", "Cette") are not rule starters, unless they start a code
 * ("FIN 7": "fin" is such a word) or a known name ("Le Havre"); keys of
 * several words skip the hot table; place cues of several words ("près
 * d'") are looked up only when their first word may start one. Same
 * entities as the per-token path, and the expected ones. */
static void test_class_refs_and_starters(void **state) {
  (void)state;
  const char *text =
      "Lundi, selon Emmanuel Macron, le groupe FIN 7 et APT 31 visaient "
      "Paris. Selon Joe Biden, Fin juin, Aast et Zuydcoote ont voté. "
      "Devant la Cour des comptes, Mme Borne a parlé à Zillisheim, près "
      "d'Orléans, puis à New York et en Côte d'Ivoire. Il a dit : « Cette "
      "semaine, Le Havre. »";
  dp_entities e = tag_classified(text);
  const dp_entity *x;
  assert_null(entity_at(&e, text, "Lundi"));
  assert_null(entity_at(&e, text, "Selon"));
  assert_null(entity_at(&e, text, "Fin"));
  assert_null(entity_at(&e, text, "Devant"));
  assert_null(entity_at(&e, text, "Il"));
  assert_null(entity_at(&e, text, "Cette"));
  assert_non_null(x = entity_at(&e, text, "Le Havre"));
  assert_int_equal(x->type, DP_ENT_LOC);
  assert_non_null(x = entity_at(&e, text, "FIN 7"));
  assert_string_equal(x->key, "fin7");
  assert_non_null(x = entity_at(&e, text, "APT 31"));
  assert_string_equal(x->key, "apt31");
  assert_non_null(x = entity_at(&e, text, "Emmanuel Macron"));
  assert_int_equal(x->type, DP_ENT_PER);
  assert_non_null(x = entity_at(&e, text, "Joe Biden"));
  assert_int_equal(x->type, DP_ENT_PER);
  assert_non_null(x = entity_at(&e, text, "Paris"));
  assert_int_equal(x->type, DP_ENT_LOC);
  assert_non_null(x = entity_at(&e, text, "Zillisheim"));
  assert_int_equal(x->type, DP_ENT_LOC);
  assert_non_null(x = entity_at(&e, text, "New York"));
  assert_int_equal(x->type, DP_ENT_LOC);
  assert_non_null(x = entity_at(&e, text, "Côte d'Ivoire"));
  assert_int_equal(x->type, DP_ENT_LOC);
  assert_non_null(x = entity_at(&e, text, "Orléans"));
  assert_int_equal(x->type, DP_ENT_LOC);
  assert_non_null(x = entity_at(&e, text, "Cour des comptes"));
  assert_int_equal(x->type, DP_ENT_ORG);
  dp_entities_free(&e);
}

/* The list remembers the facts of the short gaps it met (gap_facts in
 * entities.c, keyed by the gap's bytes and length): one list reused over
 * texts whose gaps differ by a byte, a bit or their length, in both orders,
 * gives what a new list gives each text. Gaps of 0 to 9 bytes, near the
 * end of the text (fewer than 8 bytes left: not remembered), elisions,
 * OCR hyphens, no-break spaces. */
static void test_gap_memo(void **state) {
  (void)state;
  static const char *const texts[] = {
      "M. Jean Dupont et Mme Durand à Paris.",
      "M. Jean Dupont!et Mme Durand à Paris!",
      "M.  Jean  Dupont  et  Mme  Durand  à  Paris.",
      "M.\tJean\tDupont\tet\tMme\tDurand\tà\tParis.",
      "M. Jean Dupont, et Mme Durand, à Paris, à Lyon",
      "M. Jean Dupont. Et Mme Durand. À Paris. Lyon",
      "M. Jean-Dupont - et Mme - Durand -- à Paris ; Lyon",
      "Le ministère de l'Intérieur et l’Otan, d'Orléans ou d’Évry, L'Oréal",
      "Le ministère de l' Intérieur et l ’Otan, d' Orléans ou d ’Évry",
      "Cham\xc2\xac bre de Com\xc2\xac\nmerce de Paris ; M. Poin\xc2\xac caré",
      "Le\xc2\xa0ministère de la Défense\xc2\xa0: rue de Rivoli, 16, Paris.",
      "« Marius » et \" JAN \" ; MM. Messager et Broussan ; (Dranem) ; "
      "[Lyon] ; {Nice} ; Paris... Lyon !!! Nice ?? Brest ;; Caen",
      "A B C D E F G H I J K L M N O P Q R S T U V W X Y Z Lyon Nice",
      "Paris   \n\n   Lyon \r\n Nice\t\t\tBrest        Caen         Metz",
      "Selon M. Gambetta, l'Otan et APT 31 visent les Etats-Unis. Lyon",
      "Lyon",
      "à Lyon",
      "M. X",
      "Jean Dupont : Lyon",
      "Jean Dupont Marie Curie Victor Hugo",
      "Jean!Dupont!Marie!Curie!Victor!Hugo",
      "Jean, Dupont, Marie, Curie, Victor, Hugo",
      "Jean- Dupont- Marie- Curie- Victor- Hugo",
  };
  const size_t nt = sizeof texts / sizeof texts[0];
  dp_tokens *toks = calloc(nt, sizeof *toks);
  dp_entities *fresh = calloc(nt, sizeof *fresh);
  assert_non_null(toks);
  assert_non_null(fresh);
  for (size_t i = 0; i < nt; i++) {
    size_t len = strlen(texts[i]);
    assert_int_not_equal(dp_analyze(attached, texts[i], len, 0, &toks[i]),
                         (uint32_t)-1);
    assert_int_equal(dp_tag(T, texts[i], len, &toks[i], &fresh[i]), 0);
  }
  dp_entities shared = {0};
  size_t ents = 0;
  for (int round = 0; round < 4; round++)
    for (size_t q = 0; q < nt; q++) {
      size_t i = round & 1 ? nt - 1 - q : q;
      dp_entities_clear(&shared);
      assert_int_equal(dp_tag(T, texts[i], strlen(texts[i]), &toks[i], &shared),
                       0);
      if (!same_entities(&shared, &fresh[i]))
        fail_msg("text %zu (round %d): a reused list differs", i, round);
      ents += shared.n;
    }
  assert_true(ents >= 4 * 40);
  dp_entities_free(&shared);
  for (size_t i = 0; i < nt; i++) {
    dp_tokens_free(&toks[i]);
    dp_entities_free(&fresh[i]);
  }
  free(toks);
  free(fresh);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_class_refs_and_starters),
      cmocka_unit_test(test_odd_input),
      cmocka_unit_test(test_corpus),
      cmocka_unit_test(test_mixed_and_detach),
      cmocka_unit_test(test_cache_growth),
      cmocka_unit_test(test_gap_memo),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
