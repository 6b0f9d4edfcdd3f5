/* analyzer.h — French text analysis: UTF-8 text -> tokens.
 *
 * One analyzer is used by the indexer (articles) and by the searcher (query
 * words), so that both see exactly the same terms.
 *
 * For every word the analyzer yields a token with its byte span in the input,
 * its position, its folded term (for exact matches and wildcards) and its
 * folded stem (for ranked matching). Rules (see docs/analyzer.md):
 *  - elision: l' d' j' m' n' s' t' c' qu' jusqu' lorsqu' puisqu' quoiqu'
 *    (with ', ’ or ʼ) are dropped; the word keeps its own offsets;
 *  - hyphenated compounds ("États-Unis"): each part is a token at consecutive
 *    positions, and the joined form ("etatsunis") is an extra token at the
 *    first part's position with DP_TOK_JOINED; "-t-il" inversions are not
 *    compounds;
 *  - NFKC, case fold; Snowball French stemming (libstemmer) on the lowercased
 *    accented word; then accents stripped, œ->oe, æ->ae on term and stem;
 *  - stopwords (Snowball French list) are tokens flagged DP_TOK_STOP: they
 *    are not indexed as stems but positions still advance.
 */
#ifndef DEPECHE_ANALYZER_H
#define DEPECHE_ANALYZER_H

#include <stddef.h>
#include <stdint.h>

enum dp_token_flag {
  DP_TOK_STOP = 1u << 0,   /* stopword: do not index the stem */
  DP_TOK_ELIDED = 1u << 1, /* an elided article was dropped before it */
  DP_TOK_PART = 1u << 2,   /* one part of a hyphenated compound */
  DP_TOK_JOINED =
      1u << 3, /* joined form of a compound (same pos as first part) */
  DP_TOK_NUMBER = 1u << 4,     /* a number: 2021, 3,5, 1 000, 2021-07-19 */
  DP_TOK_ACRONYM = 1u << 5,    /* OTAN, U.S.A., APT40 (letters in capitals) */
  DP_TOK_CAPITAL = 1u << 6,    /* surface starts with an uppercase letter */
  DP_TOK_SENT_START = 1u << 7, /* first word of a sentence or of a line */
  DP_TOK_CODE = 1u << 8, /* letters and digits mixed: APT40, COVID-19, G7 */
  DP_TOK_FURNITURE = 1u << 9, /* inside page furniture ("Lire aussi : …") */
  /* added by the entities issue: the bits from DP_TOK_CLASS_SHIFT up hold
   * the value of the analyzer's word classifier (dp_analyzer_set_classifier)
   * for this token's word. Never set by an analyzer without a classifier. */
  DP_TOK_CLASSIFIED = 1u << 10,
};

/* Bits 12..31 of dp_token.flags: the classifier's value (20 bits), when
 * DP_TOK_CLASSIFIED is set: (flags >> DP_TOK_CLASS_SHIFT). */
#define DP_TOK_CLASS_SHIFT 12
#define DP_TOK_CLASS_MAX 0xFFFFFu

/* One token. term and stem point into the dp_tokens arena and stay valid
 * until the dp_tokens is cleared or freed. */
typedef struct dp_token {
  size_t start; /* byte offset of the word in the input (after any elision) */
  size_t end;   /* byte offset one past the word; input[start,end) = surface */
  uint32_t pos; /* term position (0-based, + first_pos given to dp_analyze) */
  uint32_t flags;   /* enum dp_token_flag bits */
  const char *term; /* folded unstemmed word, NUL-terminated, never NULL */
  const char *stem; /* folded stem, NUL-terminated, never NULL */
} dp_token;

/* A growable list of tokens with the arena that holds their strings.
 * Zero-initialise it (dp_tokens t = {0};), reuse it across calls (each
 * dp_analyze call appends), and release it with dp_tokens_free. */
typedef struct dp_tokens {
  dp_token
      *v;   /* tokens, in input order (a JOINED token comes before its parts) */
  size_t n; /* number of tokens */
  size_t cap;             /* allocated tokens */
  struct dp_arena *arena; /* private: string storage */
} dp_tokens;

/* Empties the list (keeps the memory for reuse). */
void dp_tokens_clear(dp_tokens *t);
/* Frees everything the list holds; the struct itself is the caller's. */
void dp_tokens_free(dp_tokens *t);

/* An analyzer holds a libstemmer instance and scratch buffers: it is NOT
 * thread-safe; use one per thread. */
typedef struct dp_analyzer dp_analyzer;

/* Creates an analyzer. Returns 0, or -1 with *errmsg set to a malloc'd
 * message (caller frees) when errmsg is not NULL. */
int dp_analyzer_new(dp_analyzer **out, char **errmsg);
void dp_analyzer_free(dp_analyzer *a);

/* Appends the tokens of text[0,len) to *out. Positions start at first_pos.
 * Invalid UTF-8 never fails: bad bytes are treated as separators; offsets
 * are always within [0,len]. Returns the position after the last token
 * (so a caller can chain fields with a gap), or (uint32_t)-1 on allocation
 * failure. */
uint32_t dp_analyze(dp_analyzer *a, const char *text, size_t len,
                    uint32_t first_pos, dp_tokens *out);

/* Lean analysis (added by the searcher's latency work, for snippets): as
 * dp_analyze, same tokens, but the term and stem of a word the analyzer's
 * word cache holds are not copied into out's arena: they point into the
 * cache. They stay valid until the analyzer is used by anything but
 * dp_analyze_lean (dp_analyze, dp_analyzer_stem, dp_analyzer_token_stem,
 * dp_analyzer_set_classifier) or freed: lean calls never drop the cache
 * (a word it has no room for is copied, as dp_analyze does). For callers
 * that read the tokens and drop them before the analyzer's next other use.
 * Returns as dp_analyze. */
uint32_t dp_analyze_lean(dp_analyzer *a, const char *text, size_t len,
                         uint32_t first_pos, dp_tokens *out);

/* What a caller of dp_analyze_lean_filtered uses of the tokens. */
typedef struct dp_lean_filter {
  /* for each ASCII byte c, the bytes that may follow c at the start of a
   * folded term it uses: bit (b & 63) for byte b, bit 0 also for the end
   * of the term (a one-letter term); 0 when no term it uses starts with c,
   * all ones when any may (bits shared by several bytes only make the
   * filter skip less) */
  uint64_t next[128];
  /* DP_TOK_* flags: a token with any of them is never skipped (only those
   * of a word itself count: DP_TOK_CAPITAL, DP_TOK_ELIDED, DP_TOK_NUMBER,
   * DP_TOK_CODE, DP_TOK_ACRONYM) */
  uint32_t keep;
} dp_lean_filter;

/* Filtered lean analysis (added by the snippet latency work): as
 * dp_analyze_lean, for a caller that only reads the strings and the
 * DP_TOK_STOP flag of the tokens whose folded term starts with two bytes
 * f->next allows, or that have a flag of f->keep. A stem starts with the
 * first two bytes of its term, or is its first byte alone (a filter that
 * allows a one-byte stem allows any second byte). A word alone (not a part
 * or the joined form of a compound, not a dotted acronym) whose first two
 * bytes are ASCII letters or digits (or one, the whole word) that f->next
 * does not allow once lowercased is not looked up, folded nor stemmed: its
 * token has term and stem "" (no other token has an empty term) and no
 * DP_TOK_STOP; its start, end, pos and other flags (sentence starts, page
 * furniture, capital, elision...) are those dp_analyze_lean gives, and
 * every other token is exactly the one dp_analyze_lean gives. f NULL, or
 * an analyzer with a classifier: dp_analyze_lean. Strings stay valid as
 * those of dp_analyze_lean. Returns as dp_analyze. */
uint32_t dp_analyze_lean_filtered(dp_analyzer *a, const char *text, size_t len,
                                  uint32_t first_pos, const dp_lean_filter *f,
                                  dp_tokens *out);

/* The stemming step alone: stems one word (already a single word, any case,
 * with accents) and writes the folded stem, malloc'd, to *out (caller frees).
 * Returns 0 or -1 on allocation failure. */
int dp_analyzer_stem(dp_analyzer *a, const char *word, size_t len, char **out);

/* Accent-stable stemming (added by the analyzer issue; see docs/analyzer.md):
 * Snowball French reads accents in a few suffixes, so the stem of the
 * accented word can differ from the stem of the same word typed without
 * accents ("régulière" -> reguli, "reguliere" -> regulier). Token stems are
 * therefore computed from the folded word alone (the accents of those
 * suffixes put back in one canonical way), so that accents never matter.
 * dp_analyzer_stem above stays the exact Snowball step (checked against the
 * Snowball vocabulary); this one gives the stem a token of `word` gets in
 * dp_analyze. Writes the malloc'd folded stem to *out (caller frees).
 * Returns 0 or -1 on allocation failure. */
int dp_analyzer_token_stem(dp_analyzer *a, const char *word, size_t len,
                           char **out);

/* Word classifier (added by the entities issue): a function of one word
 * alone, called once per distinct word the analyzer meets (its word cache
 * keeps the value), with the word's bytes as written (an acronym without
 * its dots: "USA" for "U.S.A."), its folded term and its stopword flag. It
 * returns a value of at most DP_TOK_CLASS_MAX, which every token of that
 * word then carries in its flags (see DP_TOK_CLASSIFIED). Numbers without
 * letters (2021, 3,5) and the joined forms of compounds with digits or dots
 * are not classified. The tagger installs one (dp_tagger_attach in
 * entities.h) so that dp_tag reads per-word facts from the tokens instead
 * of computing them per token. */
typedef uint32_t (*dp_word_classifier)(const void *ctx, const char *word,
                                       size_t wlen, const char *term,
                                       size_t tlen, int stop);

/* Installs classifier fn (NULL removes it) with its ctx, which must stay
 * valid while the analyzer is used; empties the word cache. Tokens are
 * otherwise unchanged, and an analyzer without a classifier gives exactly
 * the tokens it gave before (at +0.3% instructions: one OR per token). */
void dp_analyzer_set_classifier(dp_analyzer *a, dp_word_classifier fn,
                                const void *ctx);

/* Returns 1 when the folded word is a French stopword, 0 otherwise. */
int dp_is_stopword(const char *folded_word);

#endif
