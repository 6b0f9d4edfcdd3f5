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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fold),
      cmocka_unit_test(test_valid_repair),
      cmocka_unit_test(test_decode),
      cmocka_unit_test(test_strbuf),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
