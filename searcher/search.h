/* search.h — internals of libdepeche shared by search.c, output code and
 * the tuning/eval tools that link the static library (not installed). */
#ifndef DEPECHE_SEARCH_H
#define DEPECHE_SEARCH_H

#include "depeche.h"
#include "query.h"

/* The second-stage features of a question's candidate (rr_dump). */
enum {
  DPS_RR_BM25 = 0,  /* first-stage BM25 weight */
  DPS_RR_WINDOW,    /* best window of rerank_chars: weights of its words */
  DPS_RR_COVER,     /* share of the question's words held (snippet weights) */
  DPS_RR_PROX,      /* BM25-TP style proximity, unsaturated */
  DPS_RR_ANSWER,    /* 1/d, d = words from a match to an answer-like word */
  DPS_RR_SENT,      /* best sentence: idf-weighted share of the words held */
  DPS_RR_SENT_ANS,  /* that sentence holds an answer-like word */
  DPS_RR_TITLE,     /* idf-weighted share of the words in the title */
  DPS_RR_COVER_IDF, /* idf-weighted share of the words held */
  DPS_RR_TYPE,      /* what the question asks for: 0 nothing, 1 a number,
                       2 a date, 3 a name, 4 a place */
  DPS_RR_EXACT,     /* idf-weighted share of the words found as written */
  DPS_RR_PAIRS,     /* idf-weighted share of consecutive question words
                       found within 3 positions in the same order */
  DPS_RR_MISS,      /* largest idf of a missing word / largest idf */
  DPS_RR_RANK,      /* first-stage rank (0-based) */
  DPS_RR_WORDS,     /* words read */
  DPS_RR_NFEAT,
  DPS_RR_CUR = DPS_RR_NFEAT, /* dps_rr_normalise only: the product form */
  DPS_RR_NLIN                /* weights of the linear combination */
};

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
  double snip_title_factor; /* questions: in the passage choice, the words
                               the title also holds weigh this many times
                               less (0 = as the others) */
  double q_k1;       /* questions: BM25 k1 (0 = k1): a question's words are
                        rarely repeated by chance, their repetitions count */
  double q_exact;    /* questions: each word also matches as written (the bare
                        folded word), its BM25 weight times this (0 = off) */
  int q_fix_unknown; /* questions: a word no article holds also matches the
                        closest word of the index (edit distance 1-2) that
                        shares its first this many letters (0 = off, 1
                        or 2: 2 reads far fewer words) */
  int rr_linear;     /* questions: score = rr_w . dps_rr_normalise(features)
                        instead of the product form (0 = product) */
  double rr_w[DPS_RR_NLIN]; /* weights of that combination */
  /* tools only (tests/eval/rank_dump.c): called for every re-ranked
   * candidate of a question with its article id and its DPS_RR_NFEAT
   * features (NULL = none); id and f are only valid during the call */
  void (*rr_dump)(void *ctx, const char *id, const double *f, size_t nf);
  void *rr_dump_ctx; /* passed to rr_dump */
} dps_tuning;

/* Brings one candidate's features f (DPS_RR_NFEAT) to about [0, 1] for the
 * linear combination: x[DPS_RR_NLIN] (the caller's). cur: its product-form
 * score; maxcur, maxbm, maxwin: the largest product score, BM25 and window
 * score among the question's candidates. */
void dps_rr_normalise(const double *f, double cur, double maxcur, double maxbm,
                      double maxwin, double *x);

/* Measured on PIAF with the OrangeSum distractors (docs/query-syntax.md,
 * "How results are ranked"). */
#define DPS_TUNING_INIT                                                        \
  {                                                                            \
    1.6, 1.0, 0.1, 4, 0, 0.0, 1, 0.0, 20, 0.5, 100, 0.5, 0.35, 3, 100, 0.5,    \
        0.0, 0.5, 0.5, 5, 0.1, 1000, 1000.0, 3.0, 0.3, 2, 1,                   \
        {1.2, 0, 0.3, 0, 0, 0, 0, -0.6, 0, 0, 0, 1.5, 0, 0, 0, 1}, NULL, NULL  \
  }

/* Replaces the handle's tuning (tools and tests only). */
void dps_index_set_tuning(dp_index *ix, const dps_tuning *t);

/* For depeche-search --ids (not in the public API): when on, searches
 * without snippets return results that carry only their rank, score and
 * id (every other string "", no entities), and decode each stored record
 * no further than its id (dp_record_decode_id): a one-query process spends
 * a sixth of its instructions inflating records otherwise. */
void dps_index_set_ids_only(dp_index *ix, int on);

/* Lists of docids for evaluation: the Q ids of the top results without
 * building snippets. *ids: malloc'd array of n malloc'd strings. */

#endif
