/* test_snippet_scan_paths.c — the snippet builder's byte scan reads text a
 * block at a time (32 bytes with AVX2 where the CPU has it, 16 with SSE2,
 * 8 ASCII bytes) and one character at a time where a block holds anything
 * else: on random texts of tricky pieces at every alignment, with random
 * query terms, dps_scan_places with the block paths must give exactly the
 * places (same offsets, same probes, same order) and the same "unsure" as
 * the plain one-character-at-a-time reference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer.h"
#include "snippet.h"

#define SCAN_SEED 77
#include "scan_pieces.h"

/* Query terms taken from the text's own tokens (so that they match),
 * their prefixes, and a few words that are not there. */
static void make_terms(dps_hl *h, const dp_tokens *T) {
  static const char *const other[] = {"conf", "zz", "etat", "1", "e", "co"};
  unsigned nt = 1 + rnd(6);
  for (unsigned k = 0; k < nt; k++) {
    unsigned pick = rnd(4);
    if (pick == 0 || T->n == 0) {
      const char *w = other[rnd(sizeof other / sizeof *other)];
      assert_true(dps_hl_add_term(h, DPS_HL_STEM, w, 1.0 + k) >= 0);
      continue;
    }
    const dp_token *t = &T->v[rnd((unsigned)T->n)];
    if (pick == 1) {
      assert_true(dps_hl_add_term(h, DPS_HL_STEM, t->stem, 1.0 + k) >= 0);
    } else if (pick == 2) {
      assert_true(dps_hl_add_term(h, DPS_HL_EXACT, t->term, 1.0 + k) >= 0);
    } else {
      char pre[8] = {0};
      size_t l = strlen(t->term);
      memcpy(pre, t->term, l < 3 ? l : 3);
      assert_true(dps_hl_add_term(h, DPS_HL_PREFIX, pre, 1.0 + k) >= 0);
    }
  }
}

static void test_block_paths_equal_plain(void **state) {
  (void)state;
  dp_analyzer *a = NULL;
  assert_int_equal(dp_analyzer_new(&a, NULL), 0);
  char text[4096];
  size_t compared = 0;
  for (int iter = 0; iter < 4000; iter++) {
    size_t len = make_text(text, sizeof text, 4 + rnd(120), 40, 1);
    dp_tokens T = {0};
    assert_int_not_equal(dp_analyze(a, text, len, 0, &T), (uint32_t)-1);
    dps_hl h = {0};
    make_terms(&h, &T);
    dps_text tx = {text, len, DP_FIELD_BODY};
    static const unsigned per_term[] = {0, 1, 3, 1000};
    unsigned mpt = per_term[rnd(4)];
    size_t *p0 = NULL, *p1 = NULL;
    unsigned *i0 = NULL, *i1 = NULL;
    size_t n0 = 0, n1 = 0;
    int u0 = 0, u1 = 0;
    assert_int_equal(
        dps_scan_places(&h, &tx, NULL, 0, mpt, 0, &p0, &i0, &n0, &u0), 0);
    assert_int_equal(
        dps_scan_places(&h, &tx, NULL, 0, mpt, 1, &p1, &i1, &n1, &u1), 0);
    if (n0 != n1 || u0 != u1)
      fail_msg("iteration %d: %zu places (unsure %d), plain %zu (%d) in "
               "\"%s\"",
               iter, n0, u0, n1, u1, text);
    for (size_t k = 0; k < n0; k++)
      if (p0[k] != p1[k] || i0[k] != i1[k])
        fail_msg("iteration %d: place %zu at %zu (probe %u), plain at %zu "
                 "(%u) in \"%s\"",
                 iter, k, p0[k], i0[k], p1[k], i1[k], text);
    compared += n0;
    free(p0);
    free(p1);
    free(i0);
    free(i1);
    dps_hl_free(&h);
    dp_tokens_free(&T);
  }
  assert_true(compared > 10000); /* the test must compare places */
  dp_analyzer_free(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_block_paths_equal_plain),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
