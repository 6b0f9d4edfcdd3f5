/* text.c — UTF-8 helpers over utf8proc (see text.h). */
#include "text.h"

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

size_t dp_utf8_decode(const unsigned char *s, size_t len, int32_t *cp) {
  if (s[0] < 0x80) {
    *cp = s[0];
    return 1;
  }
  utf8proc_int32_t c;
  utf8proc_ssize_t n =
      utf8proc_iterate(s, len > 4 ? 4 : (utf8proc_ssize_t)len, &c);
  if (n <= 0 || c < 0) {
    *cp = -1;
    return 1;
  }
  *cp = c;
  return (size_t)n;
}

int dp_utf8_valid(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    if (p[i] < 0x80) {
      i++;
      continue;
    }
    int32_t cp;
    size_t n = dp_utf8_decode(p + i, len - i, &cp);
    if (cp < 0)
      return 0;
    i += n;
  }
  return 1;
}

char *dp_utf8_repair(const char *s, size_t len, size_t *outlen) {
  /* Worst case: every byte becomes U+FFFD (3 bytes). */
  if (len > (SIZE_MAX - 1) / 3)
    return NULL;
  char *out = malloc(len * 3 + 1);
  if (!out)
    return NULL;
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, o = 0;
  while (i < len) {
    int32_t cp;
    size_t n = dp_utf8_decode(p + i, len - i, &cp);
    if (cp < 0) {
      memcpy(out + o, "\xEF\xBF\xBD", 3);
      o += 3;
    } else {
      memcpy(out + o, p + i, n);
      o += n;
    }
    i += n;
  }
  out[o] = '\0';
  if (outlen)
    *outlen = o;
  return out;
}

int dp_strbuf_reserve(dp_strbuf *b, size_t extra) {
  if (extra > SIZE_MAX - b->len - 1)
    return -1;
  size_t need = b->len + extra + 1;
  if (need <= b->cap)
    return 0;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need)
    cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  char *s = realloc(b->s, cap);
  if (!s)
    return -1;
  b->s = s;
  b->cap = cap;
  return 0;
}

int dp_strbuf_append(dp_strbuf *b, const char *s, size_t len) {
  if (dp_strbuf_reserve(b, len) != 0)
    return -1;
  if (len)
    memcpy(b->s + b->len, s, len);
  b->len += len;
  b->s[b->len] = '\0';
  return 0;
}

void dp_strbuf_free(dp_strbuf *b) {
  free(b->s);
  b->s = NULL;
  b->len = b->cap = 0;
}

void dp_text_scratch_free(dp_text_scratch *sc) {
  free(sc->cp);
  sc->cp = NULL;
  sc->cap = 0;
}

int dp_text_is_apostrophe(int32_t cp) {
  return cp == '\'' || cp == 0x2019 || cp == 0x02BC;
}

static int scratch_reserve(dp_text_scratch *sc, size_t need) {
  if (need <= sc->cap)
    return 0;
  size_t cap = sc->cap ? sc->cap : 64;
  while (cap < need)
    cap *= 2;
  int32_t *p = realloc(sc->cp, cap * sizeof *p);
  if (!p)
    return -1;
  sc->cp = p;
  sc->cap = cap;
  return 0;
}

/* Longest decomposition of one code point under NFKC (U+FDFA: 18). */
#define DP_MAX_DECOMP 32

static int fold_ref(dp_text_scratch *sc, const char *s, size_t len,
                    dp_strbuf *out, int strip);

/* The fast path's result for U+00C0 + k (k < 64) alone: *r, *rn bytes;
 * returns 0, or -1 (no memory, or a result too long for the table: the
 * caller takes the general path). */
static int latin1_char(dp_text_scratch *sc, unsigned k, int strip,
                       const char **r, size_t *rn) {
  if (!sc->latin1_n[strip][k]) {
    char in[2] = {(char)0xC3, (char)(0x80 + k)};
    /* on the stack, never grown: fold_ref reserves at most 4 bytes for each
     * of at most DP_MAX_DECOMP code points, and the NUL */
    char buf[4 * DP_MAX_DECOMP + 1];
    dp_strbuf one = {buf, 0, sizeof buf};
    if (fold_ref(sc, in, 2, &one, strip) != 0 || one.len > 4)
      return -1;
    if (one.len)
      memcpy(sc->latin1[strip][k], one.s, one.len);
    sc->latin1_n[strip][k] = (uint8_t)(one.len + 1);
  }
  *r = sc->latin1[strip][k];
  *rn = (size_t)sc->latin1_n[strip][k] - 1;
  return 0;
}

/* Latin-1 fast path: s[0,len) holds only ASCII and U+00C0..U+00FF (C3 80..
 * C3 BF) from byte `from` on (ASCII before). Such characters neither
 * compose nor reorder with each other under NFKC (they are all starters),
 * so the text folds character by character: ASCII lower-cased, the others
 * as the general path folds each alone (ß -> ss, é -> é or e, æ -> æ or ae).
 * Returns 1 when done, 0 when the text is not of that kind, -1 on failure. */
static int fold_latin1(dp_text_scratch *sc, const char *s, size_t len,
                       size_t from, dp_strbuf *out, int strip) {
  const unsigned char *p = (const unsigned char *)s;
  for (size_t i = from; i < len; i++) {
    if (p[i] < 0x80)
      continue;
    if (p[i] != 0xC3 || i + 1 >= len || (p[i + 1] & 0xC0) != 0x80)
      return 0;
    i++;
  }
  /* each 2-byte character gives at most 4 bytes */
  if (dp_strbuf_reserve(out, len * 2) != 0)
    return -1;
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = p[i];
    if (c < 0x80) {
      out->s[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
      continue;
    }
    const char *r;
    size_t rn;
    if (latin1_char(sc, (unsigned)(p[++i] - 0x80), strip, &r, &rn) != 0)
      return 0;
    for (size_t k = 0; k < rn; k++)
      out->s[o++] = r[k];
  }
  out->len = o;
  out->s[o] = '\0';
  return 1;
}

static int fold_impl(dp_text_scratch *sc, const char *s, size_t len,
                     dp_strbuf *out, int strip) {
  out->len = 0;
  if (dp_strbuf_reserve(out, len) != 0)
    return -1;
  const unsigned char *p = (const unsigned char *)s;
  /* ASCII fast path: lowercase and copy. */
  size_t i = 0;
  while (i < len && p[i] < 0x80)
    i++;
  if (i == len) {
    for (i = 0; i < len; i++) {
      unsigned char c = p[i];
      out->s[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    out->len = len;
    out->s[len] = '\0';
    return 0;
  }
  int rc = fold_latin1(sc, s, len, i, out, strip);
  if (rc != 0)
    return rc < 0 ? -1 : 0;
  return fold_ref(sc, s, len, out, strip);
}

/* The general path, through utf8proc. */
static int fold_ref(dp_text_scratch *sc, const char *s, size_t len,
                    dp_strbuf *out, int strip) {
  out->len = 0;
  if (dp_strbuf_reserve(out, len) != 0)
    return -1;
  const unsigned char *p = (const unsigned char *)s;
  size_t i;
  utf8proc_option_t opts = UTF8PROC_STABLE | UTF8PROC_COMPAT |
                           UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                           UTF8PROC_IGNORE;
  if (strip)
    opts |= UTF8PROC_STRIPMARK;
  size_t n = 0;
  int boundclass = UTF8PROC_BOUNDCLASS_START;
  i = 0;
  while (i < len) {
    int32_t cp;
    i += dp_utf8_decode(p + i, len - i, &cp);
    if (cp < 0)
      continue; /* invalid bytes are dropped */
    if (cp == 0x2019 || cp == 0x02BC)
      cp = '\'';
    if (scratch_reserve(sc, n + DP_MAX_DECOMP) != 0)
      return -1;
    utf8proc_ssize_t k = utf8proc_decompose_char(cp, sc->cp + n, DP_MAX_DECOMP,
                                                 opts, &boundclass);
    if (k < 0 || k > DP_MAX_DECOMP)
      continue; /* cannot happen for valid code points */
    n += (size_t)k;
  }
  if (n == 0) {
    out->s[0] = '\0';
    return 0;
  }
  utf8proc_ssize_t m =
      utf8proc_normalize_utf32(sc->cp, (utf8proc_ssize_t)n, opts);
  if (m < 0)
    return -1;
  /* Re-encode; each code point takes at most 4 bytes, a ligature 2. */
  if (dp_strbuf_reserve(out, (size_t)m * 4) != 0)
    return -1;
  size_t o = 0;
  for (utf8proc_ssize_t j = 0; j < m; j++) {
    int32_t c = sc->cp[j];
    if (strip && (c == 0x153 || c == 0x152)) {
      out->s[o++] = 'o';
      out->s[o++] = 'e';
    } else if (strip && (c == 0xE6 || c == 0xC6)) {
      out->s[o++] = 'a';
      out->s[o++] = 'e';
    } else {
      o += (size_t)utf8proc_encode_char(c, (utf8proc_uint8_t *)out->s + o);
    }
  }
  out->len = o;
  out->s[o] = '\0';
  return 0;
}

int dp_text_lower(dp_text_scratch *sc, const char *s, size_t len,
                  dp_strbuf *out) {
  return fold_impl(sc, s, len, out, 0);
}

int dp_text_fold(dp_text_scratch *sc, const char *s, size_t len,
                 dp_strbuf *out) {
  return fold_impl(sc, s, len, out, 1);
}

int dp_text_lower_ref(dp_text_scratch *sc, const char *s, size_t len,
                      dp_strbuf *out) {
  return fold_ref(sc, s, len, out, 0);
}

int dp_text_fold_ref(dp_text_scratch *sc, const char *s, size_t len,
                     dp_strbuf *out) {
  return fold_ref(sc, s, len, out, 1);
}

char *dp_text_fold_dup(const char *s, size_t len) {
  dp_text_scratch sc = {0};
  dp_strbuf out = {0};
  int rc = dp_text_fold(&sc, s, len, &out);
  dp_text_scratch_free(&sc);
  if (rc != 0) {
    dp_strbuf_free(&out);
    return NULL;
  }
  if (!out.s) /* cannot happen: fold reserves first */
    return calloc(1, 1);
  return out.s;
}
