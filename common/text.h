/* text.h — UTF-8 helpers on top of utf8proc: decoding, validation and
 * repair, NFKC + case folding, accent stripping, ligature expansion.
 *
 * Two foldings are used across Dépêche (see docs/analyzer.md):
 *  - "lower": NFKC, Unicode case fold, default-ignorables removed (soft
 *    hyphen, zero-width joiners...), apostrophes ’ and ʼ mapped to '.
 *    Accents are kept: this is what the Snowball stemmer wants.
 *  - "fold": lower, then combining marks stripped (é -> e) and the
 *    ligatures œ -> oe, æ -> ae expanded. This is what index terms use.
 * There are no hand-written Unicode tables: every property comes from
 * utf8proc. Nothing here keeps global state; every function is thread-safe
 * given distinct buffers.
 */
#ifndef DEPECHE_TEXT_H
#define DEPECHE_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one code point of s[0,len) (len >= 1). Returns the number of bytes
 * it takes (>= 1) and stores the code point in *cp, or -1 in *cp for an
 * invalid or truncated sequence (the return value is then 1: skip one byte).
 * ASCII is handled inline without calling utf8proc. */
size_t dp_utf8_decode(const unsigned char *s, size_t len, int32_t *cp);

/* Returns 1 when s[0,len) is well-formed UTF-8, else 0. */
int dp_utf8_valid(const char *s, size_t len);

/* Returns a malloc'd NUL-terminated copy of s[0,len) in which every invalid
 * byte is replaced by U+FFFD; stores its length in *outlen when not NULL.
 * Caller frees. Returns NULL on allocation failure. */
char *dp_utf8_repair(const char *s, size_t len, size_t *outlen);

/* A growable NUL-terminated byte string. Zero-initialise; free s with free().
 */
typedef struct dp_strbuf {
  char *s;    /* bytes, NUL-terminated once anything was written */
  size_t len; /* length without the NUL */
  size_t cap; /* allocated bytes */
} dp_strbuf;

/* Makes room for `extra` more bytes (+ NUL). Returns 0 or -1 (no memory). */
int dp_strbuf_reserve(dp_strbuf *b, size_t extra);
/* Appends bytes. Returns 0 or -1 (no memory). */
int dp_strbuf_append(dp_strbuf *b, const char *s, size_t len);
void dp_strbuf_free(dp_strbuf *b);

/* Reusable code point scratch for the folding functions (one per thread).
 * Zero-initialise; release with dp_text_scratch_free. */
typedef struct dp_text_scratch {
  int32_t *cp; /* code points */
  size_t cap;  /* allocated code points */
  /* The Latin-1 fast path of dp_text_lower/dp_text_fold (text of ASCII and
   * U+00C0..U+00FF only, folded character by character): what the general
   * path gives for each of U+00C0..U+00FF alone, found on first use.
   * latin1_n[strip][c - 0xC0] = its length + 1 (0: not yet known). */
  uint8_t latin1_n[2][64];
  char latin1[2][64][4];
} dp_text_scratch;

void dp_text_scratch_free(dp_text_scratch *sc);

/* Writes the "lower" form of s[0,len) (valid UTF-8 expected; invalid bytes
 * are dropped) to out, replacing its contents. Returns 0 or -1 (no memory). */
int dp_text_lower(dp_text_scratch *sc, const char *s, size_t len,
                  dp_strbuf *out);

/* Writes the "fold" form of s[0,len) to out, replacing its contents.
 * Returns 0 or -1 (no memory). */
int dp_text_fold(dp_text_scratch *sc, const char *s, size_t len,
                 dp_strbuf *out);

/* dp_text_lower and dp_text_fold through utf8proc alone, without their
 * ASCII and Latin-1 fast paths (tests compare the fast paths with them). */
int dp_text_lower_ref(dp_text_scratch *sc, const char *s, size_t len,
                      dp_strbuf *out);
int dp_text_fold_ref(dp_text_scratch *sc, const char *s, size_t len,
                     dp_strbuf *out);

/* Convenience: returns the malloc'd folded form of s[0,len) (caller frees),
 * NULL on allocation failure. Allocates its own scratch: not for hot loops. */
char *dp_text_fold_dup(const char *s, size_t len);

/* Returns 1 for an apostrophe the analyzer accepts (' U+2019 U+02BC). */
int dp_text_is_apostrophe(int32_t cp);

#endif
