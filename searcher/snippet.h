/* snippet.h — passages and highlights on a stored article (internal).
 *
 * The snippet builder works on the stored record's text, never on the index:
 * a fast byte scan finds the words that may match (folded first letters of
 * a term) and entity mentions; texts with none are not analysed, long texts
 * only around the best group of them. It runs the analyzer there (in its
 * lean mode, dp_analyze_lean: token strings are not copied), marks
 * every token that a query term matched (same stem, same folded word, a
 * wildcard prefix, the words of a phrase found in order, an entity mention
 * with a wanted key), then picks up to K passages of about N characters that
 * hold the most distinct query terms (softly weighted by rarity, preferably
 * in one sentence), as close together as possible.
 * Passages start and end on whole words (so never inside a UTF-8 sequence),
 * prefer sentence starts, never contain page furniture (DP_TOK_FURNITURE),
 * and are joined with " … ". When nothing matched, the lead (or the start of
 * the body) is shown. Highlights are byte offsets into the snippet string.
 *
 * Not thread-safe per analyzer: pass one analyzer per thread.
 */
#ifndef DEPECHE_SNIPPET_H
#define DEPECHE_SNIPPET_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "record.h"

typedef enum dps_hl_kind {
  DPS_HL_STEM = 0,   /* token stem equals text */
  DPS_HL_EXACT = 1,  /* token folded word equals text */
  DPS_HL_PREFIX = 2, /* token folded word starts with text */
} dps_hl_kind;

typedef struct dps_hl_term {
  char *text; /* folded stem / word / prefix (malloc'd, owned) */
  dps_hl_kind kind;
  double weight; /* rarity (idf); > 0 */
} dps_hl_term;

typedef struct dps_hl_phrase {
  size_t n;      /* words */
  size_t *term;  /* index into dps_hl.terms of each word (malloc'd) */
  uint32_t *pos; /* relative position of each word (malloc'd) */
} dps_hl_phrase;

typedef struct dps_hl_entity {
  int type;      /* dp_entity_type, or -1 for any */
  char *key;     /* folded canonical key (malloc'd, owned) */
  double weight; /* rarity */
} dps_hl_entity;

/* What to highlight: built from the query tree by search.c (or by hand in
 * tests). Zero-initialise; free with dps_hl_free. */
typedef struct dps_hl {
  dps_hl_term *terms;
  size_t nterms, capterms;
  dps_hl_phrase *phrases;
  size_t nphrases, capphrases;
  dps_hl_entity *ents;
  size_t nents, capents;
} dps_hl;

/* Adds a term (deduplicated: returns the existing index). Returns the index
 * of the term, or -1 on allocation failure. text is copied. */
long dps_hl_add_term(dps_hl *h, dps_hl_kind kind, const char *text,
                     double weight);
/* Adds a phrase of n term indexes with relative positions (copied). */
int dps_hl_add_phrase(dps_hl *h, const size_t *terms, const uint32_t *pos,
                      size_t n);
/* Adds an entity key (copied; type -1 = any). */
int dps_hl_add_entity(dps_hl *h, int type, const char *key, double weight);
void dps_hl_free(dps_hl *h);

/* A highlighted byte range [start, end). */
typedef struct dps_span {
  size_t start;
  size_t end;
} dps_span;

/* One text a snippet may come from. */
typedef struct dps_text {
  const char *text; /* UTF-8 (need not be NUL-terminated) */
  size_t len;       /* bytes */
  uint8_t field;    /* enum dp_record_field */
} dps_text;

typedef struct dps_snip_opts {
  unsigned passages;     /* K: at most this many passages (default 2) */
  unsigned chars;        /* N: about this many characters each (default 150) */
  double min_ratio;      /* a later passage must score at least this fraction
                            of the first, else the first gets its room */
  double before;         /* share of the free room put before the first match
                            (0 = default 0.35); a sentence start within 1.5
                            times that is taken instead */
  unsigned max_per_term; /* long texts: only the first this many places
                            of each word are analysed (0 = 3) */
  unsigned radius_pct;   /* bytes analysed around them, in % of K*N (0 =
                            100) */
  double other_sentence; /* passage scoring: a term found in another
                            sentence than the window's first match counts
                            this much (0 = default 0.5) */
  double window_scale;   /* passages are scored over windows of this many
                            times N characters (0 = default 1.4) */
  double weight_power;   /* passage scoring uses each term's weight to this
                            power: distinct terms matter more than rarity
                            (0 = default 0.25) */
} dps_snip_opts;
#define DPS_SNIP_OPTS_INIT                                                     \
  { 2, 150, 0.5, 0.35, 3, 100, 0.5, 1.4, 0.25 }

typedef struct dps_snippet {
  char *text;      /* malloc'd snippet, NUL-terminated */
  size_t len;      /* bytes */
  dps_span *spans; /* malloc'd highlights, sorted, not overlapping */
  size_t nspans;
  int matched; /* 1 if the passages were chosen around matches */
} dps_snippet;

/* Builds a snippet from lead and body (texts: any number of fields, tried
 * in order for the fallback) of a record whose entity mentions are ents
 * (may be NULL). Returns 0, or -1 with *errmsg malloc'd (allocation
 * failure only). out is the caller's; free its contents with
 * dps_snippet_free. */
int dps_snippet_make(dps_snippet *out, dp_analyzer *a, const dps_hl *hl,
                     const dps_text *texts, size_t ntexts,
                     const dp_record_entity *ents, size_t nents,
                     const dps_snip_opts *o, char **errmsg);
void dps_snippet_free(dps_snippet *s);

/* Highlights over a whole text (a title): *out malloc'd array of *n spans
 * (caller frees; NULL when none). Returns 0 or -1 (no memory). */
int dps_highlight_all(dps_span **out, size_t *n, dp_analyzer *a,
                      const dps_hl *hl, const dps_text *t,
                      const dp_record_entity *ents, size_t nents);

/* Memory kept from one snippet to the next (the token lists and their
 * string arenas), so that a search does not allocate and free them for
 * every field of every result. Zero-initialise; one per analyzer (not
 * thread-safe); free with dps_snip_scratch_free. Lists that grew large (a
 * huge text analysed whole) are freed after use, not kept. */
#define DPS_SCRATCH_FIELDS 4
typedef struct dps_snip_scratch {
  dp_tokens toks[DPS_SCRATCH_FIELDS]; /* one per text of dps_snippet_make */
  dp_tokens title;                    /* dps_highlight_all's */
} dps_snip_scratch;
void dps_snip_scratch_free(dps_snip_scratch *sc);

/* As dps_snippet_make and dps_highlight_all, with sc's memory (NULL = none):
 * same results. */
int dps_snippet_make_with(dps_snip_scratch *sc, dps_snippet *out,
                          dp_analyzer *a, const dps_hl *hl,
                          const dps_text *texts, size_t ntexts,
                          const dp_record_entity *ents, size_t nents,
                          const dps_snip_opts *o, char **errmsg);
int dps_highlight_all_with(dps_snip_scratch *sc, dps_span **out, size_t *n,
                           dp_analyzer *a, const dps_hl *hl, const dps_text *t,
                           const dp_record_entity *ents, size_t nents);

/* Proximity evidence for ranking: the best score any window of `chars`
 * characters gets in texts (sum of the weights of the distinct terms it
 * holds). 0 when nothing matched or memory ran out. */
double dps_best_window_score(dp_analyzer *a, const dps_hl *hl,
                             const dps_text *texts, size_t ntexts,
                             unsigned chars);

/* The byte scan that picks what to analyse (exposed for its tests): the
 * places of tx where a term of hl may match (each term at most
 * max_per_term times; 0 = none), in the order of the scan, then the
 * starts of wanted entity mentions. *pos: their byte offsets, *ids: the
 * term's probe (or 64 + the entity's index), both malloc'd (the caller
 * frees them), *n of each; *unsure set when a term has letters the scan
 * does not fold (then the text is analysed whole). plain = 1 reads the
 * text one character at a time (the reference), 0 as snippets do (whole
 * blocks of bytes at once where it can). Returns 0 or -1 (no memory). */
int dps_scan_places(const dps_hl *hl, const dps_text *tx,
                    const dp_record_entity *ents, size_t nents,
                    unsigned max_per_term, int plain, size_t **pos,
                    unsigned **ids, size_t *n, int *unsure);

/* Characters (UTF-8 sequence starts) in s[a, b) (exposed for tests):
 * plain = 1 counts one byte at a time (the reference), 0 as snippets do
 * (whole blocks of bytes at once; a range of fewer than sixteen bytes as
 * one or two words of eight bytes read within s[0, b)). */
size_t dps_utf8_chars(const char *s, size_t a, size_t b, int plain);

/* The filter of dp_analyze_lean_filtered for matching hl's terms: the
 * first two bytes of their texts (a one-byte text allows any second byte,
 * as a stem may be its word's first byte alone), nothing kept, in *f.
 * Returns f, or NULL when any word may match (a term or prefix is empty). */
const dp_lean_filter *dps_hl_filter(const dps_hl *hl, dp_lean_filter *f);

/* Lets filter f keep the words whose folded term starts as w does (its
 * first two bytes; a one-byte w: its first byte). */
void dps_filter_allow(dp_lean_filter *f, const char *w);

/* Renders text with its spans: mode 0 plain (markers ignored, text as is),
 * 1 with the markers pre/post around each span, and escape = 1 to
 * HTML-escape the text (not the markers). Malloc'd; NULL on no memory. */
char *dps_render(const char *text, size_t len, const dps_span *spans, size_t n,
                 const char *pre, const char *post, int escape);

#endif
