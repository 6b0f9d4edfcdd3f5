/* dp_analyze_lean (the snippets' analysis) against dp_analyze: on tricky
 * text (elisions l' d’, hyphens, accents, emoji, invalid UTF-8, numbers,
 * furniture) every token must have the same offsets, position, flags, term
 * and stem; the strings of lean tokens must stay valid across further lean
 * calls, also when the word cache fills up (lean calls never drop it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer.h"

static const char *const tricky[] = {
    "L'été dernier, l’Assemblée d'État a voté jusqu'au bout.",
    "Qu’en pense-t-il ? Aujourd'hui, presqu'île et d’Artagnan.",
    "Les États-Unis, Saint-Étienne et l'Île-de-France ; COVID-19, APT-31.",
    "Il a dit : « Ça suffit ! » — puis il est parti… Vraiment ?",
    "Noël, œuvre, cœur, Æsop, straße, naïve, ÉCOLE, Ça, façade.",
    "Emoji 😀 au milieu😀du texte, drapeau 🇫🇷 et ❤️ cœur.",
    "Invalide \xFF\xFE octets \xC3 coupés \xE2\x80 et \xED\xA0\x80 fin",
    "abc\xC3",
    "l'\xFF"
    "abc d'\xCC\x81 \xCC\x81\xCC\x81 a\x80\x80\x80 b",
    "1 000 000 euros, 3,5 %, 12.500, 2021-07-19, 1er, 2e, 21es, 183.000.",
    "U.S.A. et S.N.C.F. ; M. Dupont et Mme Durand. J. Chirac a dit.",
    "Lire aussi : la réforme des retraites\nPublicité\nCrédit photo : AFP",
    "Pour aller plus loin : le dossier. Sur le même sujet : rien.",
    "© AFP (photo) le texte reprend ici. À lire également",
    "corpsIl participationC'est secteurMacron iPhone eBay YouTube",
    "mot\xC2\xA0: autre\xE2\x80\xAF; fin\xE2\x80\xAF! soft\xC2\xADhyphen "
    "zwj\xE2\x80\x8Djoin",
    "-t-il a- ' qu' l'l'l' ... 1.2.3.4.5 x.Y.z.W",
    "",
};

static void same_tokens(const dp_tokens *want, size_t w0, const dp_tokens *got,
                        size_t g0, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const dp_token *x = &want->v[w0 + i], *y = &got->v[g0 + i];
    assert_int_equal(x->start, y->start);
    assert_int_equal(x->end, y->end);
    assert_int_equal(x->pos, y->pos);
    assert_int_equal(x->flags, y->flags);
    assert_string_equal(x->term, y->term);
    assert_string_equal(x->stem, y->stem);
  }
}

static dp_analyzer *new_analyzer(void) {
  dp_analyzer *a = NULL;
  char *msg = NULL;
  if (dp_analyzer_new(&a, &msg) != 0) {
    fprintf(stderr, "dp_analyzer_new: %s\n", msg ? msg : "?");
    free(msg);
  }
  assert_non_null(a);
  return a;
}

/* Each tricky text alone, then all of them appended to one list by
 * successive lean calls (earlier tokens must stay valid). */
static void test_same_as_full(void **state) {
  (void)state;
  dp_analyzer *a = new_analyzer(), *b = new_analyzer();
  size_t n = sizeof tricky / sizeof *tricky;
  dp_tokens all_full = {0}, all_lean = {0};
  uint32_t pf = 0, pl = 0;
  for (int pass = 0; pass < 2; pass++) /* cold, then warm word cache */
    for (size_t k = 0; k < n; k++) {
      dp_tokens f = {0}, l = {0};
      const char *t = tricky[k];
      uint32_t rf = dp_analyze(b, t, strlen(t), 7, &f);
      uint32_t rl = dp_analyze_lean(a, t, strlen(t), 7, &l);
      assert_int_equal(rf, rl);
      assert_int_equal(f.n, l.n);
      same_tokens(&f, 0, &l, 0, f.n);
      dp_tokens_free(&f);
      dp_tokens_free(&l);
    }
  for (size_t k = 0; k < n; k++) {
    const char *t = tricky[k];
    size_t f0 = all_full.n, l0 = all_lean.n;
    pf = dp_analyze(b, t, strlen(t), pf, &all_full) + 100;
    pl = dp_analyze_lean(a, t, strlen(t), pl, &all_lean) + 100;
    assert_int_equal(pf, pl);
    assert_int_equal(all_full.n - f0, all_lean.n - l0);
  }
  same_tokens(&all_full, 0, &all_lean, 0, all_full.n);
  /* every prefix of every text: cuts inside UTF-8 sequences and words */
  for (size_t k = 0; k < n; k++) {
    const char *t = tricky[k];
    for (size_t len = 0; len <= strlen(t); len++) {
      dp_tokens f = {0}, l = {0};
      assert_int_equal(dp_analyze(b, t, len, 0, &f),
                       dp_analyze_lean(a, t, len, 0, &l));
      assert_int_equal(f.n, l.n);
      same_tokens(&f, 0, &l, 0, f.n);
      dp_tokens_free(&f);
      dp_tokens_free(&l);
    }
  }
  dp_tokens_free(&all_full);
  dp_tokens_free(&all_lean);
  dp_analyzer_free(a);
  dp_analyzer_free(b);
}

/* Random texts of the tricky texts' pieces and random bytes, appended by
 * successive calls to one list each way. */
static void test_random(void **state) {
  (void)state;
  dp_analyzer *a = new_analyzer(), *b = new_analyzer();
  unsigned seed = 77;
  char buf[1024];
  dp_tokens f = {0}, l = {0};
  for (int iter = 0; iter < 2000; iter++) {
    size_t len = 0;
    while (len < 600) {
      seed = seed * 1103515245u + 12345u;
      unsigned r = (seed >> 16) % 100;
      if (r < 10) { /* a random byte */
        buf[len++] = (char)(seed >> 8);
        continue;
      }
      const char *t = tricky[(seed >> 16) % (sizeof tricky / sizeof *tricky)];
      size_t tl = strlen(t), from = (seed >> 4) % (tl + 1);
      size_t n = tl - from < 40 ? tl - from : 40; /* a piece of it */
      memcpy(buf + len, t + from, n);
      len += n;
    }
    size_t f0 = f.n, l0 = l.n;
    uint32_t p = (uint32_t)iter * 1000;
    assert_int_equal(dp_analyze(b, buf, len, p, &f),
                     dp_analyze_lean(a, buf, len, p, &l));
    assert_int_equal(f.n - f0, l.n - l0);
  }
  same_tokens(&f, 0, &l, 0, f.n);
  dp_tokens_free(&f);
  dp_tokens_free(&l);
  dp_analyzer_free(a);
  dp_analyzer_free(b);
}

/* A classifier's values are carried by lean tokens too. */
static uint32_t by_length(const void *ctx, const char *word, size_t wlen,
                          const char *term, size_t tlen, int stop) {
  (void)ctx;
  (void)word;
  (void)term;
  return (uint32_t)(wlen * 4 + tlen * 2 + (stop ? 1 : 0));
}

static void test_classifier(void **state) {
  (void)state;
  dp_analyzer *a = new_analyzer(), *b = new_analyzer();
  dp_analyzer_set_classifier(a, by_length, NULL);
  dp_analyzer_set_classifier(b, by_length, NULL);
  for (size_t k = 0; k < sizeof tricky / sizeof *tricky; k++) {
    dp_tokens f = {0}, l = {0};
    const char *t = tricky[k];
    dp_analyze(b, t, strlen(t), 0, &f);
    dp_analyze_lean(a, t, strlen(t), 0, &l);
    assert_int_equal(f.n, l.n);
    same_tokens(&f, 0, &l, 0, f.n);
    dp_tokens_free(&f);
    dp_tokens_free(&l);
  }
  dp_analyzer_free(a);
  dp_analyzer_free(b);
}

/* More distinct words than the word cache takes: lean calls keep every
 * earlier token valid (the cache is not dropped under them), and a
 * dp_analyze call afterwards still gives the right tokens. */
static void test_cache_full(void **state) {
  (void)state;
  dp_analyzer *a = new_analyzer(), *b = new_analyzer();
  enum { WORDS = 110000, CHUNK = 10000 };
  char *text = malloc((size_t)WORDS * 12);
  assert_non_null(text);
  size_t len = 0;
  size_t cuts[WORDS / CHUNK + 1], ncuts = 0;
  for (unsigned w = 0; w < WORDS; w++) {
    if (w % CHUNK == 0)
      cuts[ncuts++] = len;
    unsigned v = w;
    text[len++] = 'q';
    for (int d = 0; d < 4; d++) { /* base 26: every word distinct */
      text[len++] = (char)('a' + v % 26);
      v /= 26;
    }
    text[len++] = "aeiou"[w % 5];
    text[len++] = 'r';
    text[len++] = ' ';
  }
  dp_tokens f = {0}, l = {0};
  for (size_t c = 0; c < ncuts; c++) {
    size_t s = cuts[c], e = c + 1 < ncuts ? cuts[c + 1] : len;
    uint32_t p = (uint32_t)(c * 100000);
    assert_int_not_equal(dp_analyze(b, text + s, e - s, p, &f), (uint32_t)-1);
    assert_int_not_equal(dp_analyze_lean(a, text + s, e - s, p, &l),
                         (uint32_t)-1);
  }
  assert_int_equal(f.n, WORDS);
  assert_int_equal(l.n, WORDS);
  same_tokens(&f, 0, &l, 0, f.n);
  /* then the other calls: the cache may be dropped now */
  dp_tokens f2 = {0}, l2 = {0};
  dp_analyze(b, tricky[0], strlen(tricky[0]), 0, &f2);
  dp_analyze(a, tricky[0], strlen(tricky[0]), 0, &l2);
  assert_int_equal(f2.n, l2.n);
  same_tokens(&f2, 0, &l2, 0, f2.n);
  dp_tokens_clear(&l2);
  dp_analyze_lean(a, text, cuts[1], 0, &l2);
  assert_int_equal(l2.n, CHUNK);
  same_tokens(&f, 0, &l2, 0, CHUNK);
  dp_tokens_free(&f);
  dp_tokens_free(&l);
  dp_tokens_free(&f2);
  dp_tokens_free(&l2);
  free(text);
  dp_analyzer_free(a);
  dp_analyzer_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_as_full),
      cmocka_unit_test(test_random),
      cmocka_unit_test(test_classifier),
      cmocka_unit_test(test_cache_full),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
