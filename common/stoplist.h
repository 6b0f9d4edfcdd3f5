/* stoplist.h — the French stop list, folded at build time.
 *
 * common/data/stopwords_fr.txt (the Snowball list, unchanged) is read by
 * the build-time tool cmake/stopwords.c, which folds every word with
 * dp_text_fold_dup (text.h: the analyzer's own folding) and writes them,
 * sorted in strcmp order and without duplicates, as the array below. An
 * analyzer then costs no parsing, folding or sorting at start-up: a
 * one-query depeche-search process saved ~190,000 instructions and 7 fresh
 * pages (page faults) with it. test_analyzer checks that the array equals
 * the folding of the embedded file. */
#ifndef DEPECHE_STOPLIST_H
#define DEPECHE_STOPLIST_H

#include <stddef.h>

/* The folded stopwords, sorted (strcmp), unique; generated. */
extern const char *const dp_stoplist[];
extern const size_t dp_stoplist_n;

/* Calls fn(word, len, ctx) for every word of a stop list file d[0, dlen)
 * in the Snowball format: one word at the start of a line, '|' starts a
 * comment, a line starting with a blank or '|' holds none. Stops at the
 * first non-zero return of fn and returns it; 0 at the end. (Used by the
 * build-time tool and by the test that checks its output.) */
static inline int dp_stoplist_each(const char *d, size_t dlen,
                                   int (*fn)(const char *, size_t, void *),
                                   void *ctx) {
  size_t i = 0;
  while (i < dlen) {
    size_t ls = i;
    while (i < dlen && d[i] != '\n')
      i++;
    size_t le = i;
    i++;
    size_t ws = ls;
    if (ws < le && (d[ws] == ' ' || d[ws] == '\t' || d[ws] == '|'))
      continue; /* comment or indented comment line */
    size_t we = ws;
    while (we < le && d[we] != ' ' && d[we] != '\t' && d[we] != '|' &&
           d[we] != '\r')
      we++;
    if (we > ws) {
      int rc = fn(d + ws, we - ws, ctx);
      if (rc)
        return rc;
    }
  }
  return 0;
}

#endif
