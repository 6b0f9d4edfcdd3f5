/* dp_analyze_lean_filtered (the snippets' filtered analysis) against
 * dp_analyze_lean, on random hostile texts (elisions, compounds, dotted
 * acronyms, numbers, accents and capitals first, page furniture cues,
 * invalid UTF-8, random bytes) and random filters (first two bytes
 * allowed, flags kept): the same number of tokens at the same offsets and
 * positions; a token whose term starts as the filter allows, or with a
 * kept flag, is identical; a skipped one (term and stem "") would have
 * started otherwise, and keeps every flag but DP_TOK_STOP. Without a
 * filter, or with a classifier, nothing is skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer.h"

static const char *const pieces[] = {
    "L'été",
    "l’Assemblée",
    "d'État",
    "jusqu'au",
    "Qu’en",
    "pense-t-il",
    "États-Unis",
    "Saint-Étienne",
    "COVID-19",
    "APT40",
    "U.S.A.",
    "M.",
    "Mme",
    "J.",
    "1 000 000",
    "3,5",
    "12.500",
    "2021-07-19",
    "1er",
    "21es",
    "Œuvre",
    "œuvre",
    "Ça",
    "ÉCOLE",
    "Île",
    "naïve",
    "straße",
    "e\xCC\x81"
    "cole",
    "corpsIl",
    "iPhone",
    "Lire aussi",
    "À lire également",
    "Crédit photo",
    "Publicité",
    "Vidéo",
    "Sur le même sujet",
    "Pour aller plus loin",
    "Voir aussi",
    "©",
    "AFP",
    ":",
    ".",
    "!",
    "?",
    "…",
    "\n",
    ",",
    "-",
    "'",
    "«",
    "»",
    "(",
    ")",
    "\xFF",
    "\xC3",
    "\xE2\x80",
    "😀",
    "le",
    "la",
    "de",
    "président",
    "Macron",
    "réforme",
    "retraites",
    "Zorro",
    "xylophone",
    "yeux",
    "wagon",
    "kilo",
    "quatre",
    "soft\xC2\xADhyphen",
    "mot\xC2\xA0",
    "a",
    "à",
    "en",
    "LIRE AUSSI",
    "VIDEO",
    "photos",
    "Illustration",
    "egalement",
};

/* A random text of about n pieces, separated mostly by spaces. */
static size_t random_text(char *buf, size_t cap, unsigned n, unsigned *seed) {
  size_t len = 0;
  for (unsigned i = 0; i < n; i++) {
    const char *p;
    char raw[4];
    if (rand_r(seed) % 16 == 0) { /* a few random bytes */
      for (int k = 0; k < 3; k++)
        raw[k] = (char)(1 + rand_r(seed) % 255);
      raw[3] = '\0';
      p = raw;
    } else {
      p = pieces[(size_t)rand_r(seed) % (sizeof pieces / sizeof *pieces)];
    }
    size_t m = strlen(p);
    if (len + m + 2 >= cap)
      break;
    memcpy(buf + len, p, m);
    len += m;
    if (rand_r(seed) % 8)
      buf[len++] = ' ';
  }
  buf[len] = '\0';
  return len;
}

/* Whether filter s allows the folded word w (its first two bytes). */
static int allowed(const dp_lean_filter *s, const char *w) {
  unsigned char c0 = (unsigned char)w[0], c1 = (unsigned char)w[1];
  return c0 >= 0x80 || ((s->next[c0] >> (c1 & 63)) & 1);
}

static uint64_t random_bits(unsigned *seed) {
  uint64_t m = 0;
  for (int k = 0; k < 4; k++)
    m = m << 16 ^ (uint64_t)rand_r(seed);
  return m;
}

static void random_set(dp_lean_filter *s, unsigned *seed) {
  static const uint32_t unit_flags[] = {DP_TOK_CAPITAL, DP_TOK_ELIDED,
                                        DP_TOK_NUMBER, DP_TOK_CODE,
                                        DP_TOK_ACRONYM};
  memset(s, 0, sizeof *s);
  for (size_t k = 0; k < 5; k++)
    if (rand_r(seed) % 4 == 0)
      s->keep |= unit_flags[k];
  unsigned mode = (unsigned)rand_r(seed) % 4;
  for (unsigned c = 1; c < 128; c++) {
    unsigned r = (unsigned)rand_r(seed) % 16;
    s->next[c] = mode == 0   ? 0                               /* empty */
                 : mode == 1 ? (r < 2 ? random_bits(seed) : 0) /* sparse */
                 : mode == 2 ? (r < 8 ? random_bits(seed) & random_bits(seed)
                                      : 0) /* half */
                             : (r < 4 ? ~(uint64_t)0 : random_bits(seed));
    if (s->next[c] & 1) /* a one-byte word: any second byte (the contract) */
      s->next[c] = ~(uint64_t)0;
  }
}

static dp_analyzer *new_analyzer(void) {
  dp_analyzer *a = NULL;
  assert_int_equal(dp_analyzer_new(&a, NULL), 0);
  return a;
}

/* want: dp_analyze_lean's tokens; got: dp_analyze_lean_filtered's with
 * filter s (NULL: must be identical). */
static void check_tokens(const dp_tokens *want, const dp_tokens *got,
                         const dp_lean_filter *s) {
  assert_int_equal(want->n, got->n);
  for (size_t i = 0; i < want->n; i++) {
    const dp_token *x = &want->v[i], *y = &got->v[i];
    assert_int_equal(x->start, y->start);
    assert_int_equal(x->end, y->end);
    assert_int_equal(x->pos, y->pos);
    assert_true(x->term[0] != '\0');
    /* what the filter relies on: a stem starts as its term (its first two
     * bytes), or is its first byte alone */
    assert_int_equal(x->stem[0], x->term[0]);
    if (x->stem[1])
      assert_int_equal(x->stem[1], x->term[1]);
    if (y->term[0] == '\0') { /* skipped */
      assert_non_null(s);
      assert_false(allowed(s, x->term));
      assert_false(allowed(s, x->stem));
      assert_string_equal(y->stem, "");
      assert_int_equal(x->flags & ~(uint32_t)DP_TOK_STOP, y->flags);
      assert_false(x->flags & (DP_TOK_PART | DP_TOK_JOINED | s->keep));
    } else {
      assert_int_equal(x->flags, y->flags);
      assert_string_equal(x->term, y->term);
      assert_string_equal(x->stem, y->stem);
    }
    if (s && (allowed(s, x->term) || (x->flags & s->keep)))
      assert_true(y->term[0] != '\0');
  }
}

static void test_random_texts(void **state) {
  (void)state;
  dp_analyzer *a = new_analyzer(), *b = new_analyzer();
  unsigned seed = 20261208;
  char buf[4096];
  size_t skipped = 0, total = 0, by_second = 0;
  for (int iter = 0; iter < 3000; iter++) {
    size_t len = random_text(buf, sizeof buf, 1 + (unsigned)iter % 60, &seed);
    dp_lean_filter set;
    random_set(&set, &seed);
    int none = iter % 10 == 0;
    dp_tokens want = {0}, got = {0};
    uint32_t pos = (uint32_t)iter;
    uint32_t rw = dp_analyze_lean(a, buf, len, pos, &want);
    uint32_t rg =
        dp_analyze_lean_filtered(b, buf, len, pos, none ? NULL : &set, &got);
    assert_int_equal(rw, rg);
    check_tokens(&want, &got, none ? NULL : &set);
    for (size_t i = 0; i < got.n; i++)
      if (got.v[i].term[0] == '\0') {
        unsigned char c = (unsigned char)buf[got.v[i].start];
        skipped++;
        by_second += set.next[c | (c >= 'A' && c <= 'Z' ? 0x20 : 0)] != 0;
      }
    total += got.n;
    dp_tokens_free(&want);
    dp_tokens_free(&got);
    /* the plain modes are unchanged by a filtered call before them */
    dp_tokens f1 = {0}, f2 = {0};
    dp_analyze(a, buf, len, 0, &f1);
    dp_analyze(b, buf, len, 0, &f2);
    check_tokens(&f1, &f2, NULL);
    dp_tokens_free(&f1);
    dp_tokens_free(&f2);
  }
  assert_true(skipped > total / 10); /* the filter did skip words */
  assert_true(by_second > 100);      /* some on their second byte */
  dp_analyzer_free(a);
  dp_analyzer_free(b);
}

/* Furniture cues whose words start outside the set are still found. */
static void test_furniture_cues(void **state) {
  (void)state;
  dp_analyzer *a = new_analyzer();
  const char *t = "Texte.\nÀ lire également : ailleurs\nLire aussi la suite\n"
                  "Crédit photo : AFP\nSur le même sujet : zut\nZorro.";
  dp_lean_filter set = {{0}, 0};
  set.next['z'] = ~(uint64_t)0;
  dp_tokens want = {0}, got = {0};
  dp_analyze_lean(a, t, strlen(t), 0, &want);
  dp_analyze_lean_filtered(a, t, strlen(t), 0, &set, &got);
  check_tokens(&want, &got, &set);
  size_t furn = 0;
  for (size_t i = 0; i < got.n; i++)
    furn += (got.v[i].flags & DP_TOK_FURNITURE) != 0;
  assert_true(furn >= 10);
  dp_tokens_free(&want);
  dp_tokens_free(&got);
  dp_analyzer_free(a);
}

static uint32_t by_length(const void *ctx, const char *word, size_t wlen,
                          const char *term, size_t tlen, int stop) {
  (void)ctx, (void)word, (void)term, (void)stop;
  return (uint32_t)(wlen * 3 + tlen);
}

/* With a classifier every word is classified: nothing is skipped. */
static void test_classifier_skips_nothing(void **state) {
  (void)state;
  dp_analyzer *a = new_analyzer(), *b = new_analyzer();
  dp_analyzer_set_classifier(a, by_length, NULL);
  dp_analyzer_set_classifier(b, by_length, NULL);
  const char *t = "Le président Macron a parlé aux États-Unis de l'OTAN.";
  dp_lean_filter set = {{0}, 0};
  dp_tokens want = {0}, got = {0};
  dp_analyze_lean(a, t, strlen(t), 0, &want);
  dp_analyze_lean_filtered(b, t, strlen(t), 0, &set, &got);
  check_tokens(&want, &got, NULL);
  dp_tokens_free(&want);
  dp_tokens_free(&got);
  dp_analyzer_free(a);
  dp_analyzer_free(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_random_texts),
      cmocka_unit_test(test_furniture_cues),
      cmocka_unit_test(test_classifier_skips_nothing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
