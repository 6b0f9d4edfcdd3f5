/* test_snippet_sort.c — the snippet builder sorts its hits and the scan's
 * places by insertion when they come almost sorted (as they do), and
 * hands them to qsort when that would move too much: both must give
 * exactly qsort's order (glibc's qsort is a stable merge sort at these
 * sizes), ties included. snippet.c is included to reach its static
 * functions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "snippet.c"

static unsigned rnd_state = 77;
static unsigned rnd(unsigned n) {
  rnd_state = rnd_state * 1103515245u + 12345u;
  return (rnd_state >> 16) % n;
}

/* n hits: a sorted run of term hits (with ties: the same span twice,
 * different groups), then `tail` hits anywhere (phrases, entities). */
static void make_hits(hit *v, size_t n, size_t tail) {
  size_t at = 0;
  for (size_t i = 0; i < n; i++) {
    hit h = {0};
    if (i < n - tail) {
      at += rnd(3); /* 0: the same start again */
      h.start = at;
      h.end = at + 1 + rnd(2);
    } else {
      h.start = rnd((unsigned)at + 1);
      h.end = h.start + 1 + rnd(4);
    }
    h.group = i; /* tells tied hits apart */
    h.ta = rnd(1000);
    v[i] = h;
  }
}

static void test_sort_hits(void **state) {
  (void)state;
  static hit a[3000], b[3000];
  for (int iter = 0; iter < 600; iter++) {
    size_t n = 1 + rnd(iter < 500 ? 60 : 3000);
    size_t tail = rnd(4) == 0 ? 0 : rnd((unsigned)(n < 20 ? n : n / 3) + 1);
    make_hits(a, n, tail);
    memcpy(b, a, n * sizeof *a);
    qsort(a, n, sizeof *a, hit_cmp);
    sort_hits(b, n);
    for (size_t i = 0; i < n; i++) {
      assert_int_equal(a[i].start, b[i].start);
      assert_int_equal(a[i].end, b[i].end);
      assert_int_equal(a[i].group, b[i].group);
    }
  }
}

static void test_sort_cands(void **state) {
  (void)state;
  static cand a[3000], b[3000];
  for (int iter = 0; iter < 600; iter++) {
    size_t n = 1 + rnd(iter < 500 ? 60 : 3000), tail = rnd((unsigned)n + 1);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
      at += rnd(4);
      a[i].pos = i < n - tail ? at : rnd((unsigned)at + 1);
      a[i].g = rnd(3) + (i >= n - tail ? 64 : 0);
      a[i].weight = a[i].g; /* places that compare equal are equal */
    }
    memcpy(b, a, n * sizeof *a);
    qsort(a, n, sizeof *a, cmp_cand);
    sort_cands(b, n);
    assert_memory_equal(a, b, n * sizeof *a);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sort_hits),
      cmocka_unit_test(test_sort_cands),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
