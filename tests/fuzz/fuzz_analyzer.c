/* fuzz_analyzer — libFuzzer target for the French analyzer.
 *
 * Feeds the input to dp_analyze (whole, then appended after a first call
 * to exercise chaining) and checks the token invariants: offsets within the
 * input, non-empty spans, terms and stems never empty, slices whole UTF-8,
 * positions never going backwards. Also runs the folding helpers and the
 * stemming step on the input. Any violation aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "text.h"

static void check(const uint8_t *data, size_t len, const dp_tokens *t,
                  size_t from) {
  uint32_t last = 0;
  for (size_t i = from; i < t->n; i++) {
    const dp_token *k = &t->v[i];
    if (k->start >= k->end || k->end > len || !k->term || !k->stem ||
        !k->term[0] || !k->stem[0] ||
        !dp_utf8_valid((const char *)data + k->start, k->end - k->start) ||
        (i > from && k->pos < last)) {
      fprintf(stderr, "bad token %zu [%zu,%zu) of %zu\n", i, k->start, k->end,
              len);
      abort();
    }
    last = k->pos;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len) {
  static dp_analyzer *a; /* one analyzer for the whole run (test code) */
  if (!a && dp_analyzer_new(&a, NULL) != 0)
    abort();
  dp_tokens t = {0};
  const char *s = (const char *)data;
  if (dp_analyze(a, s, len, 0, &t) == (uint32_t)-1)
    abort();
  check(data, len, &t, 0);
  size_t first = t.n;
  uint32_t p = dp_analyze(a, s, len / 2, 1000, &t);
  if (p == (uint32_t)-1 || p < 1000)
    abort();
  check(data, len / 2, &t, first);
  dp_tokens_free(&t);

  char *f = dp_text_fold_dup(s, len);
  if (!f)
    abort();
  free(f);
  if (len < 256) {
    char *st = NULL;
    if (dp_analyzer_stem(a, s, len, &st) != 0)
      abort();
    free(st);
    if (dp_analyzer_token_stem(a, s, len, &st) != 0)
      abort();
    free(st);
  }
  return 0;
}
