/* test_snippet_scan.c — the snippet builder's byte scan (which reads ASCII
 * eight bytes at a time) must find every word the analyzer makes a token
 * of: on random texts of tricky pieces (accents, capitals, glued words,
 * elisions, hyphens, numbers, guillemets, no-break spaces, emoji, invalid
 * bytes) at every alignment, dps_highlight_all for the stem of any token
 * gives exactly the spans of the tokens with that stem (as the full
 * analysis finds them), and a snippet of a long text highlights the word
 * when it is there. */
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

#define SCAN_SEED 2024
#include "scan_pieces.h"

static size_t checked_spans; /* spans compared (the test must compare) */

static size_t merge(dps_span *v, size_t n) {
  /* insertion sort, then merge overlapping or touching spans */
  for (size_t i = 1; i < n; i++)
    for (size_t j = i;
         j > 0 && (v[j].start < v[j - 1].start ||
                   (v[j].start == v[j - 1].start && v[j].end < v[j - 1].end));
         j--) {
      dps_span t = v[j];
      v[j] = v[j - 1];
      v[j - 1] = t;
    }
  size_t o = 0;
  for (size_t i = 1; i < n; i++) {
    if (v[i].start <= v[o].end) {
      if (v[i].end > v[o].end)
        v[o].end = v[i].end;
    } else {
      v[++o] = v[i];
    }
  }
  return n ? o + 1 : 0;
}

static void test_highlight_all(void **state) {
  (void)state;
  dp_analyzer *a = NULL;
  assert_int_equal(dp_analyzer_new(&a, NULL), 0);
  dps_snip_scratch sc = {0};
  char text[2048];
  for (int iter = 0; iter < 3000; iter++) {
    size_t len = make_text(text, sizeof text, 4 + rnd(40), 7, 0);
    dp_tokens T = {0};
    assert_int_not_equal(dp_analyze(a, text, len, 0, &T), (uint32_t)-1);
    /* a token to look for: not a stopword, not furniture */
    size_t cands[512], nc = 0;
    for (size_t i = 0; i < T.n && nc < 512; i++)
      if (!(T.v[i].flags & (DP_TOK_STOP | DP_TOK_FURNITURE)))
        cands[nc++] = i;
    if (nc == 0) {
      dp_tokens_free(&T);
      continue;
    }
    const char *stem = T.v[cands[rnd((unsigned)nc)]].stem;
    dps_span want[512];
    size_t nw = 0;
    for (size_t i = 0; i < T.n && nw < 512; i++)
      if (!(T.v[i].flags & (DP_TOK_STOP | DP_TOK_FURNITURE)) &&
          strcmp(T.v[i].stem, stem) == 0) {
        want[nw].start = T.v[i].start;
        want[nw++].end = T.v[i].end;
      }
    nw = merge(want, nw);
    dps_hl hl = {0};
    assert_true(dps_hl_add_term(&hl, DPS_HL_STEM, stem, 1.0) >= 0);
    dp_tokens_free(&T); /* before the lean analysis of the same analyzer */
    dps_text tx = {text, len, DP_FIELD_TITLE};
    dps_span *got = NULL;
    size_t ng = 0;
    assert_int_equal(
        dps_highlight_all_with(&sc, &got, &ng, a, &hl, &tx, NULL, 0), 0);
    if (ng != nw)
      fprintf(stderr, "text [%s] stem [%s]: %zu spans, want %zu\n", text, stem,
              ng, nw);
    assert_int_equal(ng, nw);
    checked_spans += nw;
    for (size_t i = 0; i < nw; i++) {
      assert_int_equal(got[i].start, want[i].start);
      assert_int_equal(got[i].end, want[i].end);
    }
    free(got);
    dps_hl_free(&hl);
  }
  dps_snip_scratch_free(&sc);
  dp_analyzer_free(a);
  assert_true(checked_spans > 3000);
}

/* A long text (scanned, then analysed only around the candidates): the
 * word put once at a random place, after random filler, is highlighted. */
static void test_long_text(void **state) {
  (void)state;
  dp_analyzer *a = NULL;
  assert_int_equal(dp_analyzer_new(&a, NULL), 0);
  static const char *const filler[] = {
      "Le gouvernement a annoncé de nouvelles mesures.",
      "Les élèves reprennent l’école « normalement » lundi.",
      "Aujourd'hui, 1 000 personnes à Saint-Étienne.",
      "\xc2\xa0\xe2\x80\x94 Crédits : AFP ; ÉCOLE ; œuvre.",
      "secteurMacron eBay iPhone U.S.A. 3,5 %",
  };
  static const char *const words[] = {"Zorglub", "zorglubs", "ZORGLUB",
                                      "l'Zorglub", "Zorglub-Uni"};
  char text[8192];
  for (int iter = 0; iter < 400; iter++) {
    size_t len = 0;
    unsigned before = rnd(40), after = rnd(40);
    size_t pad = rnd(9);
    for (size_t i = 0; i < pad; i++)
      text[len++] = 'x';
    text[len++] = ' ';
    for (unsigned i = 0; i < before; i++) {
      const char *f = filler[rnd(5)];
      memcpy(text + len, f, strlen(f));
      len += strlen(f);
      text[len++] = ' ';
    }
    const char *w = words[rnd(5)];
    size_t at = len;
    memcpy(text + len, w, strlen(w));
    len += strlen(w);
    text[len++] = ' ';
    for (unsigned i = 0; i < after; i++) {
      const char *f = filler[rnd(5)];
      memcpy(text + len, f, strlen(f));
      len += strlen(f);
      text[len++] = ' ';
    }
    dps_hl hl = {0};
    assert_true(dps_hl_add_term(&hl, DPS_HL_STEM, "zorglub", 1.0) >= 0);
    dps_text tx = {text, len, DP_FIELD_BODY};
    dps_snippet sn;
    assert_int_equal(dps_snippet_make(&sn, a, &hl, &tx, 1, NULL, 0, NULL, NULL),
                     0);
    assert_int_equal(sn.matched, 1);
    assert_true(sn.nspans >= 1);
    /* the highlighted word is the one put in */
    int found = 0;
    for (size_t i = 0; i < sn.nspans; i++) {
      size_t n = sn.spans[i].end - sn.spans[i].start;
      const char *s = sn.text + sn.spans[i].start;
      if (n >= 7 &&
          (memcmp(s, "Zorglub", 7) == 0 || memcmp(s, "zorglub", 7) == 0 ||
           memcmp(s, "ZORGLUB", 7) == 0))
        found = 1;
    }
    (void)at;
    assert_true(found);
    dps_snippet_free(&sn);
    dps_hl_free(&hl);
  }
  dp_analyzer_free(a);
}

/* The scan's block paths (sixteen bytes with SSE2, eight ASCII bytes, the
 * first letters of a word read as one word) find exactly the places the
 * byte-at-a-time scan finds, in the same order: random texts of pieces
 * that put ASCII, Latin-1 letters, × ÷, C2 and E2 80 separators, other
 * UTF-8 and invalid bytes across every block boundary, some texts cut
 * inside a sequence, for random terms (short, numeric, not folded) and
 * limits per term. */
static void test_scan_blocks(void **state) {
  (void)state;
  static const char *const bits[] = {
      "a",
      "Z",
      "e",
      "l'",
      "9",
      " ",
      ".",
      "Sa",
      "\xc3\xa9", /* é */
      "\xc3\x89",
      /* É */ "\xc3\x97",
      /* × */ "\xc3\xb7", /* ÷ */
      "\xc3\x9f",
      /* ß */ "\xc3\x9e",
      /* Þ */ "\xc3\xbf", /* ÿ */
      "\xc3\x80",
      /* À */ "\xc3",
      /* cut */ "\xc3\xc3",
      "\xc2\xa0",
      /* nbsp */ "\xc2\xab",
      /* « */ "\xc2\xaa", /* ª */
      "\xc2\xb2",
      /* ² */ "\xc2\xad", /* soft hyphen */
      "\xe2\x80\x99",     /* ’ */
      "\xe2\x80\x8d",     /* ZWJ */
      "\xe2\x80",
      /* cut */ "\xe2\x82\xac", /* € */
      "\xc5\x93",
      /* œ */ "\x80",
      /* stray */ "\xff",
      "\xf0\x9f\x98\x80", /* emoji */
      "\xef\xac\x81",     /* ﬁ */
      "\xcc\x81",
      /* combining acute */ "U.S.A.",
      "coNFINement",
      "Conf",
      "CONF",
      "conf\xc3\xa9",
      "1 000",
      "\xc3\xa9t\xc3\xa9",
      "\xc3\x89tat",
      "\n",
      "eBay",
      "secteurMacron",
  };
  static const char *const terms[] = {"conf",   "confin",
                                      "e",      "et",
                                      "eta",    "etat",
                                      "sa",     "s",
                                      "z",      "1",
                                      "2021",   "a",
                                      "aa",     "oe",
                                      "oeuvr",  "u",
                                      "usa",    "ebay",
                                      "macron", "ete",
                                      "y",      "\xc3\xa9t\xc3\xa9",
                                      "ss",     "l"};
  size_t nbits = sizeof bits / sizeof *bits;
  size_t nterms = sizeof terms / sizeof *terms;
  char text[1024];
  size_t compared = 0;
  for (int iter = 0; iter < 20000; iter++) {
    size_t len = 0;
    unsigned k = 1 + rnd(60);
    for (unsigned q = 0; q < k; q++) {
      const char *b = bits[rnd((unsigned)nbits)];
      size_t bl = strlen(b);
      if (len + bl + 1 >= sizeof text)
        break;
      memcpy(text + len, b, bl);
      len += bl;
    }
    if (rnd(4) == 0 && len > 0)
      len -= rnd((unsigned)len); /* cut anywhere, even in a sequence */
    text[len] = '\0';
    dps_hl hl = {0};
    unsigned nt = 1 + rnd(5);
    for (unsigned q = 0; q < nt; q++)
      assert_true(dps_hl_add_term(&hl, (dps_hl_kind)rnd(3),
                                  terms[rnd((unsigned)nterms)], 1.0) >= 0);
    static const unsigned limits[] = {0, 1, 2, 3, 1000};
    unsigned lim = limits[rnd(5)];
    /* a copy of exactly len bytes: ASan sees any read past the end */
    char *exact = malloc(len ? len : 1);
    assert_non_null(exact);
    memcpy(exact, text, len);
    dps_text tx = {exact, len, DP_FIELD_BODY};
    size_t *p0 = NULL, *p1 = NULL, n0 = 0, n1 = 0;
    unsigned *g0 = NULL, *g1 = NULL;
    int u0 = 0, u1 = 0;
    assert_int_equal(
        dps_scan_places(&hl, &tx, NULL, 0, lim, 1, &p0, &g0, &n0, &u0), 0);
    assert_int_equal(
        dps_scan_places(&hl, &tx, NULL, 0, lim, 0, &p1, &g1, &n1, &u1), 0);
    if (n0 != n1 || (n0 && (memcmp(p0, p1, n0 * sizeof *p0) != 0 ||
                            memcmp(g0, g1, n0 * sizeof *g0) != 0))) {
      fprintf(stderr, "text [%s] (%zu bytes), limit %u: %zu places, want %zu\n",
              text, len, lim, n1, n0);
      for (size_t q = 0; q < n0 || q < n1; q++)
        fprintf(stderr, "  want %zu/%u got %zu/%u\n", q < n0 ? p0[q] : 0,
                q < n0 ? g0[q] : 0, q < n1 ? p1[q] : 0, q < n1 ? g1[q] : 0);
      fail();
    }
    assert_int_equal(u0, u1);
    compared += n0;
    free(p0);
    free(p1);
    free(g0);
    free(g1);
    free(exact);
    dps_hl_free(&hl);
  }
  assert_true(compared > 20000); /* the texts hold places to compare */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_highlight_all),
      cmocka_unit_test(test_long_text),
      cmocka_unit_test(test_scan_blocks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
