/* UTF-8 helpers (common/text.h): decoding, validation, repair, lower and
 * fold forms. Table-driven: add a line to a table to add a case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text.h"

struct fcase {
  const char *in;
  const char *lower; /* NFKC + case fold, accents kept */
  const char *fold;  /* + accents stripped, ligatures expanded */
};

static const struct fcase fold_cases[] = {
    {"", "", ""},
    {"abc", "abc", "abc"},
    {"ÉTATS", "états", "etats"},
    {"États-Unis", "états-unis", "etats-unis"},
    {"Œuvre", "œuvre", "oeuvre"},
    {"ÆSOP cæcum", "æsop cæcum", "aesop caecum"},
    {"Straße", "strasse", "strasse"},
    {"\xEF\xAC\x81n", "fin", "fin"}, /* ﬁ ligature (NFKC) */
    {"E\xCC\x81t\xC3\xA9", "\xC3\xA9t\xC3\xA9", "ete"}, /* NFD input */
    {"aujourd\xE2\x80\x99hui", "aujourd'hui", "aujourd'hui"},
    {"l\xCA\xBC"
     "eau",
     "l'eau", "l'eau"},
    {"inter\xC2\xAD"
     "national",
     "international", "international"},
    {"ÇA ÿ Ï", "ça ÿ ï", "ca y i"},
    {"Ελλάδα", "ελλάδα", "ελλαδα"},
    {"x\xFFy", "xy", "xy"}, /* invalid bytes are dropped */
    {"²", "2", "2"},
};

static void test_fold(void **state) {
  (void)state;
  dp_text_scratch sc = {0};
  dp_strbuf out = {0};
  for (size_t i = 0; i < sizeof fold_cases / sizeof *fold_cases; i++) {
    const struct fcase *c = &fold_cases[i];
    assert_int_equal(dp_text_lower(&sc, c->in, strlen(c->in), &out), 0);
    assert_string_equal(out.s, c->lower);
    assert_int_equal(out.len, strlen(c->lower));
    assert_int_equal(dp_text_fold(&sc, c->in, strlen(c->in), &out), 0);
    assert_string_equal(out.s, c->fold);
    char *d = dp_text_fold_dup(c->in, strlen(c->in));
    assert_non_null(d);
    assert_string_equal(d, c->fold);
    free(d);
  }
  dp_strbuf_free(&out);
  dp_text_scratch_free(&sc);
}

struct vcase {
  const char *in;
  size_t len;
  int valid;
  const char *repaired;
  size_t rlen;
};

#define V(s, ok, rep)                                                          \
  { s, sizeof s - 1, ok, rep, sizeof rep - 1 }
static const struct vcase valid_cases[] = {
    V("", 1, ""),
    V("abc", 1, "abc"),
    V("é€𝄞", 1, "é€𝄞"),
    V("\xFF", 0, "\xEF\xBF\xBD"),
    V("a\xC3", 0, "a\xEF\xBF\xBD"),
    V("\xC0\xAF", 0, "\xEF\xBF\xBD\xEF\xBF\xBD"), /* overlong */
    V("\xED\xA0\x80", 0,
      "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"), /* surrogate */
    V("\xF4\x90\x80\x80", 0,
      "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"), /* > U+10FFFF */
    V("a\0b", 1, "a\0b"),
};

static void test_valid_repair(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof valid_cases / sizeof *valid_cases; i++) {
    const struct vcase *c = &valid_cases[i];
    assert_int_equal(dp_utf8_valid(c->in, c->len), c->valid);
    size_t n = 0;
    char *r = dp_utf8_repair(c->in, c->len, &n);
    assert_non_null(r);
    assert_int_equal(n, c->rlen);
    assert_memory_equal(r, c->repaired, n);
    assert_true(dp_utf8_valid(r, n));
    free(r);
  }
}

static void test_decode(void **state) {
  (void)state;
  int32_t cp;
  assert_int_equal(dp_utf8_decode((const unsigned char *)"A", 1, &cp), 1);
  assert_int_equal(cp, 'A');
  assert_int_equal(dp_utf8_decode((const unsigned char *)"\xC3\xA9", 2, &cp),
                   2);
  assert_int_equal(cp, 0xE9);
  /* truncated: one byte, invalid */
  assert_int_equal(dp_utf8_decode((const unsigned char *)"\xC3\xA9", 1, &cp),
                   1);
  assert_int_equal(cp, -1);
  assert_int_equal(dp_utf8_decode((const unsigned char *)"\x80", 1, &cp), 1);
  assert_int_equal(cp, -1);
  assert_true(dp_text_is_apostrophe('\''));
  assert_true(dp_text_is_apostrophe(0x2019));
  assert_true(dp_text_is_apostrophe(0x02BC));
  assert_false(dp_text_is_apostrophe(0x2018));
}

static void test_strbuf(void **state) {
  (void)state;
  dp_strbuf b = {0};
  for (int i = 0; i < 1000; i++)
    assert_int_equal(dp_strbuf_append(&b, "abc", 3), 0);
  assert_int_equal(b.len, 3000);
  assert_int_equal(b.s[3000], '\0');
  assert_int_equal(dp_strbuf_append(&b, NULL, 0), 0);
  dp_strbuf_free(&b);
  assert_null(b.s);
}

/* The Latin-1 fast path of dp_text_lower/dp_text_fold against the general
 * path (utf8proc alone): every character the fast path takes (ASCII, NUL
 * included, and U+00C0..U+00FF) alone and in every pair, then seeded
 * random strings of them, also with characters it leaves to utf8proc
 * (combining accents, œ, ², no-break space, invalid bytes) and cut at
 * every byte (truncated sequences). One scratch throughout: its table
 * fills on first use. */
static int same_fold(dp_text_scratch *sc, const char *s, size_t n, dp_strbuf *a,
                     dp_strbuf *b) {
  for (int strip = 0; strip < 2; strip++) {
    int ra = strip ? dp_text_fold(sc, s, n, a) : dp_text_lower(sc, s, n, a);
    int rb =
        strip ? dp_text_fold_ref(sc, s, n, b) : dp_text_lower_ref(sc, s, n, b);
    if (ra != 0 || rb != 0 || a->len != b->len ||
        memcmp(a->s, b->s, a->len) != 0)
      return 0;
  }
  return 1;
}

static void test_fold_latin1(void **state) {
  (void)state;
  dp_text_scratch sc = {0};
  dp_strbuf a = {0}, b = {0};
  char chars[192][2];
  size_t clen[192], nc = 0;
  for (unsigned c = 0; c < 0x80; c++, nc++) {
    chars[nc][0] = (char)c;
    clen[nc] = 1;
  }
  for (unsigned c = 0x80; c < 0xC0; c++, nc++) {
    chars[nc][0] = (char)0xC3;
    chars[nc][1] = (char)c;
    clen[nc] = 2;
  }
  for (size_t x = 0; x < nc; x++) {
    if (!same_fold(&sc, chars[x], clen[x], &a, &b))
      fail_msg("char %zu", x);
    for (size_t y = 0; y < nc; y++) {
      char s[4];
      memcpy(s, chars[x], clen[x]);
      memcpy(s + clen[x], chars[y], clen[y]);
      if (!same_fold(&sc, s, clen[x] + clen[y], &a, &b))
        fail_msg("pair %zu %zu", x, y);
    }
  }
  static const char *const other[] = {
      "\xCC\x81", "\xC5\x93", "\xC2\xB2", "\xC2\xA0",     "\xE2\x80\x99",
      "\xC3",     "\x80",     "\xFF",     "\xEF\xAC\x81", "\xE1\xBA\x9E"};
  uint64_t seed = 0x2545F4914F6CDD1Dull;
  char s[64];
  for (int round = 0; round < 20000; round++) {
    size_t n = 0;
    while (n < 48) {
      seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
      unsigned r = (unsigned)(seed >> 24);
      if (round % 4 == 3 && r % 8 == 0) {
        const char *o = other[(r >> 3) % (sizeof other / sizeof *other)];
        memcpy(s + n, o, strlen(o));
        n += strlen(o);
      } else {
        size_t x = (r >> 3) % nc;
        memcpy(s + n, chars[x], clen[x]);
        n += clen[x];
      }
      if (r % 13 == 0)
        break;
    }
    for (size_t cut = 0; cut <= n; cut++)
      if (!same_fold(&sc, s, cut, &a, &b))
        fail_msg("round %d cut %zu", round, cut);
  }
  dp_strbuf_free(&a);
  dp_strbuf_free(&b);
  dp_text_scratch_free(&sc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fold),         cmocka_unit_test(test_fold_latin1),
      cmocka_unit_test(test_valid_repair), cmocka_unit_test(test_decode),
      cmocka_unit_test(test_strbuf),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
