/* search.h — internals of libdepeche shared by search.c, output code and
 * the tuning/eval tools that link the static library (not installed). */
#ifndef DEPECHE_SEARCH_H
#define DEPECHE_SEARCH_H

#include "depeche.h"
#include "query.h"

/* Ranking knobs, chosen by measurement on PIAF (docs/query-syntax.md,
 * "Ranking"). */
typedef struct dps_tuning {
  double k1;               /* BM25 wdf saturation */
  double b;                /* BM25 length normalisation */
  double min_normlen;      /* BM25 floor of the normalised length */
  unsigned short_max;      /* keyword queries of at most this many words
                              require them all; longer ones and questions
                              rank by the words an article holds */
  int long_policy;         /* 0 = OR, 2 = ELITE_SET of half the words */
  double title_boost;      /* weight of S (title) terms added beside each Z
                              term (0 = none) */
  int drop_question_words; /* drop quel, combien... from questions */
  double idf_power;        /* each word's weight times idf^this (0 = plain) */
  unsigned rerank_depth;   /* questions: the best this many are re-ranked
                              with proximity (0 = off) */
  double rerank_weight;    /* weight of the best window's score */
  unsigned rerank_chars;   /* window size for that score */
  double snip_min_ratio;   /* see dps_snip_opts.min_ratio */
  double snip_before;      /* see dps_snip_opts.before */
  unsigned snip_max_per_term; /* see dps_snip_opts.max_per_term */
  unsigned snip_radius_pct;   /* see dps_snip_opts.radius_pct */
  double snip_idf_power;      /* snippet words weigh idf^this */
  double rr_cover;       /* re-rank: score *= 1 + rr_cover * (idf-weighted share
                            of the question's words found in the article) */
  double rr_prox;        /* re-rank: score *= 1 + rr_prox * saturated proximity
                            of matched words (BM25-TP style, over positions) */
  double rr_prox_k;      /* saturation constant of that proximity */
  unsigned rr_prox_dist; /* pairs of matched words at most this many
                            positions apart count */
  double rr_answer;      /* re-rank: score *= 1 + rr_answer / d, d = distance in
                            words from a matched word to the nearest word like
                            the answer (a number for "combien", a year or month
                            for "quand") */
  unsigned rr_max_bytes; /* those features read at most this many bytes of
                            each field (0 = all) */
} dps_tuning;

/* Measured on PIAF with the OrangeSum distractors (docs/query-syntax.md,
 * "How results are ranked"). */
#define DPS_TUNING_INIT                                                        \
  {                                                                            \
    1.6, 1.0, 0.1, 4, 0, 0.0, 1, 0.0, 20, 0.5, 100, 0.5, 0.35, 3, 100, 0.5,    \
        0.0, 0.5, 0.5, 5, 0.1, 1000                                            \
  }

/* Replaces the handle's tuning (tools and tests only). */
void dps_index_set_tuning(dp_index *ix, const dps_tuning *t);

/* Lists of docids for evaluation: the Q ids of the top results without
 * building snippets. *ids: malloc'd array of n malloc'd strings. */

#endif
