/* snippet.c — passage choice and highlighting (see snippet.h). */
#include "snippet.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"

#include <utf8proc.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
/* the byte scan reads 32 bytes at a time where the CPU has AVX2 (chosen
 * at run time: the build targets plain x86-64) */
#if defined(__SSE2__) && defined(__x86_64__) && defined(__GNUC__)
#define DPS_SCAN_AVX2 1
#include <immintrin.h>
#define DPS_AVX2 __attribute__((target("avx2")))
#endif

/* ------------------------------------------------------------------ */
/* Highlight spec                                                      */
/* ------------------------------------------------------------------ */

static int grow(void **v, size_t *cap, size_t n, size_t size) {
  if (n < *cap)
    return 0;
  size_t c = *cap ? *cap * 2 : 8;
  void *p = realloc(*v, c * size);
  if (!p)
    return -1;
  *v = p;
  *cap = c;
  return 0;
}

long dps_hl_add_term(dps_hl *h, dps_hl_kind kind, const char *text,
                     double weight) {
  for (size_t i = 0; i < h->nterms; i++)
    if (h->terms[i].kind == kind && strcmp(h->terms[i].text, text) == 0) {
      if (weight > h->terms[i].weight)
        h->terms[i].weight = weight;
      return (long)i;
    }
  if (grow((void **)&h->terms, &h->capterms, h->nterms, sizeof *h->terms))
    return -1;
  char *t = dp_strndup(text, strlen(text));
  if (!t)
    return -1;
  h->terms[h->nterms].text = t;
  h->terms[h->nterms].kind = kind;
  h->terms[h->nterms].weight = weight > 0 ? weight : 1.0;
  return (long)h->nterms++;
}

int dps_hl_add_phrase(dps_hl *h, const size_t *terms, const uint32_t *pos,
                      size_t n) {
  if (n == 0)
    return 0;
  if (grow((void **)&h->phrases, &h->capphrases, h->nphrases,
           sizeof *h->phrases))
    return -1;
  dps_hl_phrase *p = &h->phrases[h->nphrases];
  p->term = malloc(n * sizeof *p->term);
  p->pos = malloc(n * sizeof *p->pos);
  if (!p->term || !p->pos) {
    free(p->term);
    free(p->pos);
    return -1;
  }
  memcpy(p->term, terms, n * sizeof *terms);
  memcpy(p->pos, pos, n * sizeof *pos);
  p->n = n;
  h->nphrases++;
  return 0;
}

int dps_hl_add_entity(dps_hl *h, int type, const char *key, double weight) {
  for (size_t i = 0; i < h->nents; i++)
    if (h->ents[i].type == type && strcmp(h->ents[i].key, key) == 0)
      return 0;
  if (grow((void **)&h->ents, &h->capents, h->nents, sizeof *h->ents))
    return -1;
  char *k = dp_strndup(key, strlen(key));
  if (!k)
    return -1;
  h->ents[h->nents].type = type;
  h->ents[h->nents].key = k;
  h->ents[h->nents].weight = weight > 0 ? weight : 1.0;
  h->nents++;
  return 0;
}

void dps_hl_free(dps_hl *h) {
  if (!h)
    return;
  for (size_t i = 0; i < h->nterms; i++)
    free(h->terms[i].text);
  for (size_t i = 0; i < h->nphrases; i++) {
    free(h->phrases[i].term);
    free(h->phrases[i].pos);
  }
  for (size_t i = 0; i < h->nents; i++)
    free(h->ents[i].key);
  free(h->terms);
  free(h->phrases);
  free(h->ents);
  memset(h, 0, sizeof *h);
}

/* ------------------------------------------------------------------ */
/* Matching                                                            */
/* ------------------------------------------------------------------ */

typedef struct hit {
  size_t start, end; /* bytes in the field text */
  size_t ta, tb;     /* first and last token covered */
  size_t group;      /* distinct-term id */
  double weight;
  size_t sent;    /* sentence number of its first token (in its field) */
  double sweight; /* weight for passage choice (dps_snip_opts) */
  size_t cs, ce;  /* character offsets of start and end in the text */
} hit;

typedef struct hits {
  hit *v;
  size_t n, cap;
} hits;

static inline int tok_match(const dp_token *t, const dps_hl_term *q) {
  switch (q->kind) {
  case DPS_HL_STEM:
    return t->stem[0] == q->text[0] && strcmp(t->stem, q->text) == 0;
  case DPS_HL_EXACT:
    return t->term[0] == q->text[0] && strcmp(t->term, q->text) == 0;
  case DPS_HL_PREFIX: return strncmp(t->term, q->text, strlen(q->text)) == 0;
  }
  return 0;
}

static int hit_add(hits *H, hit h) {
  if (grow((void **)&H->v, &H->cap, H->n, sizeof *H->v))
    return -1;
  H->v[H->n++] = h;
  return 0;
}

static int hit_cmp(const void *a, const void *b) {
  const hit *x = a, *y = b;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->end != y->end)
    return x->end > y->end ? -1 : 1;
  return 0;
}

/* Defines static void NAME(TYPE *v, size_t n), which sorts v as qsort
 * with CMP does, for arrays that come almost sorted: by insertion (stable,
 * as glibc's qsort is at these sizes: a merge sort), unless that moves
 * too much (then qsort sorts the rest). A macro, not a function taking
 * CMP, so that each comparison is inlined. */
#define DEFINE_NEARLY_SORTED(NAME, TYPE, CMP)                                  \
  static void NAME(TYPE *v, size_t n) {                                        \
    size_t moves = 0;                                                          \
    for (size_t i = 1; i < n; i++) {                                           \
      if (CMP(&v[i - 1], &v[i]) <= 0)                                          \
        continue;                                                              \
      TYPE t = v[i];                                                           \
      size_t j = i;                                                            \
      for (; j > 0 && CMP(&v[j - 1], &t) > 0; j--)                             \
        v[j] = v[j - 1];                                                       \
      v[j] = t;                                                                \
      moves += i - j;                                                          \
      if (moves > 8 * n) {                                                     \
        qsort(v, n, sizeof *v, CMP);                                           \
        return;                                                                \
      }                                                                        \
    }                                                                          \
  }

/* Hits come almost sorted: term hits in token order, then phrase and
 * entity hits. */
DEFINE_NEARLY_SORTED(sort_hits, hit, hit_cmp)

/* Index of the token containing or following byte off. */
static size_t tok_at(const dp_tokens *T, size_t off) {
  size_t lo = 0, hi = T->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (T->v[mid].end <= off)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Characters (UTF-8 sequence starts) in s[a, b): sixteen bytes at a time
 * with SSE2 (plain 0), then eight. */
static size_t nchars_with(const char *s, size_t a, size_t b, int plain) {
  size_t c = 0, i = a;
#if defined(__SSE2__)
  if (!plain && b > a && b - a >= 16) {
    /* per lane, minus the count of continuation bytes (0x80..0xbf, below
     * 0xc0 as signed chars), summed before a lane can wrap */
    const __m128i zero = _mm_setzero_si128(), c0 = _mm_set1_epi8((char)0xc0);
    size_t cont = 0;
    while (i + 16 <= b) {
      __m128i acc = zero;
      for (unsigned k = 0; k < 255 && i + 16 <= b; k++, i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(s + i));
        acc = _mm_sub_epi8(acc, _mm_cmplt_epi8(x, c0));
      }
      __m128i sum = _mm_sad_epu8(acc, zero);
      cont += (size_t)_mm_cvtsi128_si32(sum) +
              (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sum, 8));
    }
    c = (i - a) - cont;
  }
#endif
  if (!plain && b > i && b - i >= 8) {
    const uint64_t high = 0x8080808080808080u;
    for (; i + 8 <= b; i += 8) {
      uint64_t x;
      memcpy(&x, s + i, 8);
      /* continuation bytes: bit 7 set, bit 6 clear */
      uint64_t cont = x & ~(x << 1) & high;
      c += 8 - (size_t)(((cont >> 7) * 0x0101010101010101u) >> 56);
    }
  }
  for (; i < b; i++) /* without a branch: it would mispredict */
    c += ((unsigned char)s[i] & 0xc0) != 0x80;
  return c;
}

/* The continuation bytes (10xxxxxx) among the bytes of x whose bits keep
 * says (0x80 in each byte to count). */
static inline size_t cont_bytes(uint64_t x, uint64_t keep) {
  uint64_t cont = x & ~(x << 1) & keep;
  return (size_t)(((cont >> 7) * 0x0101010101010101u) >> 56);
}

/* Most ranges are a word or two: those inline, as one or two words of
 * eight bytes read within s[0, b) (the loop over a byte count that varies
 * from call to call mispredicts), else byte by byte. */
static inline size_t nchars(const char *s, size_t a, size_t b) {
  if (b <= a)
    return 0;
  size_t n = b - a;
  if (n >= 16)
    return nchars_with(s, a, b, 0);
#if defined(__GNUC__) && defined(__BYTE_ORDER__) &&                            \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (b >= 8) {
    const uint64_t high = 0x8080808080808080u;
    uint64_t x;
    memcpy(&x, s + b - 8, 8); /* s[b-8, b): its last n bytes when n < 8 */
    if (n <= 8)
      return n - cont_bytes(x, n == 8 ? high : high << (8 * (8 - n)));
    uint64_t y; /* s[a, a+8), then the bytes of x after it */
    memcpy(&y, s + a, 8);
    return n - cont_bytes(y, high) - cont_bytes(x, high << (8 * (16 - n)));
  }
#endif
  size_t c = 0;
  for (size_t i = a; i < b; i++)
    c += ((unsigned char)s[i] & 0xc0) != 0x80;
  return c;
}

size_t dps_utf8_chars(const char *s, size_t a, size_t b, int plain) {
  return plain ? nchars_with(s, a, b, 1) : nchars(s, a, b);
}

/* All hits of hl in one analysed text. */
static int find_hits(hits *H, const dps_hl *hl, const dp_tokens *T,
                     const dps_text *tx, const dp_record_entity *ents,
                     size_t nents) {
  int has_exact = 0, any = 0;
  /* the first bytes a token's stem (by_stem) or folded word (by_term) must
   * start with to match a term: most tokens are skipped on one load */
  unsigned char by_stem[256] = {0}, by_term[256] = {0};
  for (size_t j = 0; j < hl->nterms; j++) {
    const dps_hl_term *q = &hl->terms[j];
    unsigned char c0 = (unsigned char)q->text[0];
    if (q->kind != DPS_HL_STEM)
      has_exact = 1;
    if (q->kind == DPS_HL_STEM)
      by_stem[c0] = 1;
    else if (q->kind == DPS_HL_PREFIX && c0 == 0)
      any = 1; /* an empty prefix matches every word */
    else
      by_term[c0] = 1;
  }
  for (size_t i = 0; i < T->n; i++) {
    const dp_token *t = &T->v[i];
    if (t->flags & DP_TOK_FURNITURE)
      continue;
    if ((t->flags & DP_TOK_STOP) && !has_exact)
      continue;
    if (!any && !by_stem[(unsigned char)t->stem[0]] &&
        !by_term[(unsigned char)t->term[0]])
      continue;
    for (size_t j = 0; j < hl->nterms; j++) {
      if (tok_match(t, &hl->terms[j])) {
        hit h = {.start = t->start,
                 .end = t->end,
                 .ta = i,
                 .tb = i,
                 .group = j,
                 .weight = hl->terms[j].weight};
        if (hit_add(H, h))
          return -1;
        break;
      }
    }
  }
  /* phrases: every word at its relative position */
  for (size_t p = 0; p < hl->nphrases; p++) {
    const dps_hl_phrase *ph = &hl->phrases[p];
    const dps_hl_term *q0 = &hl->terms[ph->term[0]];
    /* the first byte of the first word first: one load skips most tokens
     * (tok_match's own test, without the call) */
    int by_stem0 = q0->kind == DPS_HL_STEM;
    unsigned char c0 = (unsigned char)q0->text[0];
    int any0 = q0->kind == DPS_HL_PREFIX && c0 == 0;
    for (size_t i = 0; i < T->n; i++) {
      const dp_token *t = &T->v[i];
      if (!any0 && (unsigned char)(by_stem0 ? t->stem : t->term)[0] != c0)
        continue;
      if ((t->flags & (DP_TOK_JOINED | DP_TOK_FURNITURE)) || !tok_match(t, q0))
        continue;
      size_t last = i, k;
      double w = hl->terms[ph->term[0]].weight;
      for (k = 1; k < ph->n; k++) {
        uint32_t want = t->pos + ph->pos[k] - ph->pos[0];
        size_t j = last + 1;
        while (j < T->n && T->v[j].pos < want)
          j++;
        while (j < T->n && T->v[j].pos == want &&
               ((T->v[j].flags & DP_TOK_JOINED) ||
                !tok_match(&T->v[j], &hl->terms[ph->term[k]])))
          j++;
        if (j >= T->n || T->v[j].pos != want)
          break;
        last = j;
        w += hl->terms[ph->term[k]].weight;
      }
      if (k < ph->n)
        continue;
      hit h = {.start = t->start,
               .end = T->v[last].end,
               .ta = i,
               .tb = last,
               .group = hl->nterms + hl->nents + p,
               .weight = w * 0.5};
      if (hit_add(H, h))
        return -1;
    }
  }
  /* entity mentions with a wanted key */
  for (size_t e = 0; ents && e < nents; e++) {
    const dp_record_entity *m = &ents[e];
    if (m->field != tx->field || m->end <= m->start || m->end > tx->len ||
        !m->key)
      continue;
    for (size_t q = 0; q < hl->nents; q++) {
      if ((hl->ents[q].type >= 0 && hl->ents[q].type != m->type) ||
          strcmp(hl->ents[q].key, m->key) != 0)
        continue;
      size_t ta = tok_at(T, m->start), tb = ta;
      if (ta >= T->n)
        break;
      while (tb + 1 < T->n && T->v[tb + 1].end <= m->end)
        tb++;
      if (T->v[ta].flags & DP_TOK_FURNITURE)
        break;
      hit h = {.start = m->start,
               .end = m->end,
               .ta = ta,
               .tb = tb,
               .group = hl->nterms + q,
               .weight = hl->ents[q].weight};
      if (hit_add(H, h))
        return -1;
      break;
    }
  }
  if (H->n > 1)
    sort_hits(H->v, H->n);
  /* character offsets (hits are sorted by start) */
  size_t cb = 0, cc = 0;
  for (size_t i = 0; i < H->n; i++) {
    cc += nchars(tx->text, cb, H->v[i].start);
    cb = H->v[i].start;
    H->v[i].cs = cc;
    H->v[i].ce = cc + nchars(tx->text, H->v[i].start, H->v[i].end);
  }
  /* sentence numbers */
  size_t k = 0, sid = 0;
  for (size_t i = 0; i < H->n; i++) {
    if (H->v[i].ta < k) {
      k = 0;
      sid = 0;
    }
    for (; k <= H->v[i].ta && k < T->n; k++)
      if (k > 0 && (T->v[k].flags & DP_TOK_SENT_START))
        sid++;
    H->v[i].sent = sid;
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Passages                                                            */
/* ------------------------------------------------------------------ */

typedef struct twin {
  size_t lo, hi; /* token index range of one analysed window */
} twin;

typedef struct field_state {
  const dps_text *tx;
  dp_tokens toks;
  hits H;
  twin *win; /* analysed windows, in order (malloc'd) */
  size_t nwin;
  size_t cur_lo, cur_hi; /* window of the passage being expanded */
} field_state;

/* ------------------------------------------------------------------ */
/* Windowed analysis: only the parts of a long text near a possible   */
/* match are analysed (the analyzer is the cost of a snippet).        */
/* ------------------------------------------------------------------ */

/* What the byte scan sees in a character (scan_char). It must find every
 * place where the analyzer may start a token: a word start it reports in
 * excess only costs a probe, a word start it misses loses a highlight. */
enum scan_kind {
  SK_SEP = 0, /* ends a word: spaces (also no-break), punctuation, « » ’ ʼ
                 (elision: the next word is a token), dashes, symbols */
  SK_LOWER,   /* lower-case letter (ASCII, Latin-1, œ) */
  SK_UPPER,   /* upper-case letter: after a lower-case one it may start a
                 token ("secteurMacron", scraped text glued together) */
  SK_OTHER,   /* digit, or a letter without case ('?' when it folds to
                 no ASCII letter) */
  SK_SOFT,    /* soft hyphen, ZWJ, ZWNJ, combining accent: skipped inside
                 the first letters of a word, and the next letter is also
                 tried as a word start */
};

/* U+00C0..U+00FF (second byte - 0x80): À..Å Æ Ç È..Ë Ì..Ï Ð Ñ Ò..Ö × Ø
 * Ù..Ü Ý Þ ß, then the same in lower case, folded to their first ASCII
 * letter (æ and ß fold to two, × and ÷ are no letters: see scan_char). */
static const char latin1_fold[65] = "aaaaaaaceeeeiiiidnooooo?ouuuuyts"
                                    "aaaaaaaceeeeiiiidnooooo?ouuuuyty";

static int ascii_alnum(unsigned char c) {
  return (unsigned)(c - 'a') < 26u || (unsigned)(c - 'A') < 26u ||
         (unsigned)(c - '0') < 10u;
}

/* Classifies the UTF-8 character at s[i] (kind), folds it to lowercase
 * ASCII with accents dropped into out (1 or 2 bytes, *m of them; 0 unless
 * it is a letter or digit); returns its length in bytes (an invalid byte
 * is one separator byte, never skipping the next character). */
static size_t scan_char(const unsigned char *s, size_t i, size_t n, char *out,
                        size_t *m, int *kind) {
  unsigned char c = s[i];
  *m = 0;
  if (c < 0x80) {
    *kind = SK_SEP;
    if (c >= 'a' && c <= 'z')
      *kind = SK_LOWER;
    else if (c >= 'A' && c <= 'Z')
      *kind = SK_UPPER;
    else if (c >= '0' && c <= '9')
      *kind = SK_OTHER;
    if (*kind != SK_SEP) {
      out[0] = (char)(*kind == SK_UPPER ? c + 32 : c);
      *m = 1;
    }
    return 1;
  }
  size_t l = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
  if (i + l > n)
    l = n - i;
  for (size_t k = 1; k < l; k++)
    if ((s[i + k] & 0xc0) != 0x80) {
      l = k;
      break;
    }
  *kind = SK_SEP;
  if (l == 1)
    return 1; /* invalid: a separator for the analyzer too */
  unsigned char d = s[i + 1];
  if (c == 0xc3 && l == 2) {
    /* U+00C0..U+00FF: À..Å Æ Ç È..Ë Ì..Ï Ð Ñ Ò..Ö × Ø Ù..Ü Ý Þ ß, then
     * the same in lower case (× ÷ Æ æ ß are handled below) */
    unsigned k = d - 0x80u;
    if (k == 0x17 || k == 0x37) /* × ÷ */
      return 2;
    *kind = k < 0x1f ? SK_UPPER : SK_LOWER;
    if (k == 0x06 || k == 0x26) { /* æ */
      out[0] = 'a';
      out[1] = 'e';
      *m = 2;
    } else if (k == 0x1f) { /* ß */
      out[0] = 's';
      out[1] = 's';
      *m = 2;
    } else {
      out[0] = latin1_fold[k];
      *m = 1;
    }
    return 2;
  }
  if (c == 0xc5 && l == 2 && (d == 0x92 || d == 0x93)) { /* Œ œ */
    *kind = d == 0x92 ? SK_UPPER : SK_LOWER;
    out[0] = 'o';
    out[1] = 'e';
    *m = 2;
    return 2;
  }
  if (c == 0xc2 && l == 2 && d != 0xaa && d != 0xb2 && d != 0xb3 && d != 0xb5 &&
      d != 0xb9 && d != 0xba && (d < 0xbc || d > 0xbe)) {
    /* U+0080..U+00BF but ª ² ³ µ ¹ º ¼ ½ ¾ (letters for the analyzer):
     * no-break space, « », punctuation and symbols separate words; the
     * soft hyphen is ignorable */
    if (d == 0xad)
      *kind = SK_SOFT;
    return 2;
  }
  if (l == 2 && (c == 0xcc || (c == 0xcd && d < 0xb0))) {
    *kind = SK_SOFT; /* combining marks U+0300..U+036F (decomposed accents) */
    return 2;
  }
  if (c == 0xca && l == 2 && d == 0xbc)
    return 2; /* ʼ: an apostrophe */
  if (c == 0xe2 && l == 3 && d == 0x80) {
    /* U+2000..U+203F: spaces, dashes, quotes ’ “ ”, …, ‰; ZWNJ and ZWJ
     * are ignorable */
    if (s[i + 2] == 0x8c || s[i + 2] == 0x8d)
      *kind = SK_SOFT;
    return 3;
  }
  /* anything else as the analyzer classifies it (utf8proc categories):
   * letters and numbers fold to their first letters (NFKC case fold
   * without accents: ř -> r, ² -> 2), marks are soft, the rest separates */
  utf8proc_int32_t cp;
  if (utf8proc_iterate(s + i, (utf8proc_ssize_t)l, &cp) != (utf8proc_ssize_t)l)
    return l;
  switch (utf8proc_category(cp)) {
  case UTF8PROC_CATEGORY_LU:
  case UTF8PROC_CATEGORY_LT: *kind = SK_UPPER; break;
  case UTF8PROC_CATEGORY_LL: *kind = SK_LOWER; break;
  case UTF8PROC_CATEGORY_LM:
  case UTF8PROC_CATEGORY_LO:
  case UTF8PROC_CATEGORY_NL:
  case UTF8PROC_CATEGORY_NO:
  case UTF8PROC_CATEGORY_ND: *kind = SK_OTHER; break;
  case UTF8PROC_CATEGORY_MN:
  case UTF8PROC_CATEGORY_MC:
  case UTF8PROC_CATEGORY_ME: *kind = SK_SOFT; return l;
  default: return l;
  }
  utf8proc_int32_t f[8];
  int last = 0;
  utf8proc_ssize_t k =
      utf8proc_decompose_char(cp, f, 8,
                              UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
                                  UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK,
                              &last);
  for (utf8proc_ssize_t j = 0; j < k && j < 8 && *m < 2; j++) {
    utf8proc_int32_t x = f[j];
    if (x >= 'A' && x <= 'Z')
      x += 32;
    if (!((x >= 'a' && x <= 'z') || (x >= '0' && x <= '9')))
      break;
    out[(*m)++] = (char)x;
  }
  if (*m == 0) {
    out[0] = '?'; /* a letter that folds to no ASCII: matches no probe */
    *m = 1;
  }
  return l;
}

#define PROBE 4

/* One place of a possible match found by the byte scan. */
typedef struct cand {
  size_t pos;    /* byte offset of the word (or entity mention) */
  unsigned g;    /* probe (term) or entity id */
  double weight; /* its rarity */
} cand;

static int cand_add(cand **v, size_t *n, size_t *cap, cand c) {
  if (grow((void **)v, cap, *n, sizeof **v))
    return -1;
  (*v)[(*n)++] = c;
  return 0;
}

/* The folded first letters of the word at s[i] into w (at most PROBE + 1
 * bytes; w has PROBE + 2): soft characters are skipped, and the dots of an
 * acronym ("S.N.C.F.", one word for the analyzer) too. Returns the count. */
static size_t word_prefix(const unsigned char *s, size_t i, size_t n, char *w) {
  size_t wl = 0, j = i;
  while (j < n && wl < PROBE) {
    char f[2];
    size_t fm;
    int k;
    size_t a2 = scan_char(s, j, n, f, &fm, &k);
    if (k == SK_SOFT) {
      j += a2;
      continue;
    }
    if (k == SK_SEP) {
      if (s[j] == '.' && j > i && j + 1 < n) {
        char f2[2];
        size_t fm2;
        int k2;
        scan_char(s, j + 1, n, f2, &fm2, &k2);
        if (fm2) {
          j++;
          continue;
        }
      }
      break;
    }
    for (size_t q = 0; q < fm && wl < PROBE + 1; q++)
      w[wl++] = f[q];
    j += a2;
  }
  return wl;
}

/* The offset of the first byte at or after i in s[0, n) that is not a
 * lower-case ASCII letter. Eight bytes at a time where the byte order
 * allows it: words are short, but this is the inner loop of the scan. */
static size_t skip_lower_ascii(const unsigned char *s, size_t i, size_t n) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) &&                            \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;
  while (i + 8 <= n) {
    uint64_t x;
    memcpy(&x, s + i, 8);
    /* per byte b: high bit of b + 0x1f is set for b >= 'a', that of
     * b + 5 for b > 'z' (b < 0x80; bytes >= 0x80 are masked out by ~x,
     * so carries out of them do not matter) */
    uint64_t lower = (x + ones * 0x1f) & ~(x + ones * 5) & ~x & high;
    if (lower != high) {
      uint64_t stop = ~lower & high;
      return i + (size_t)(__builtin_ctzll(stop) / 8);
    }
    i += 8;
  }
#endif
  while (i < n && (unsigned)(s[i] - 'a') < 26u)
    i++;
  return i;
}

/* The probes of candidates(): each term's first PROBE folded bytes. */
typedef struct probes {
  uint32_t p32[64], pmask[64]; /* a probe's bytes, and which of them count */
  size_t plen[64], np;
  double pw[64];
  unsigned seen[64];
  unsigned char first[256]; /* first bytes of the probes */
  uint64_t second[256];     /* for a byte of first[] (only: the others are
                               never set): the second bytes of its probes
                               (second_bit), and SECOND_ANY when one of them
                               has no such letter (a probe of one byte) */
  size_t live;              /* probes seen fewer than max_per_term times:
                               at 0 the rest of the text adds nothing */
} probes;

#define SECOND_ANY ((uint64_t)1 << 63)

/* The bit of byte c in probes.second: 'a'..'z' (and 'A'..'Z') 0..25,
 * '0'..'9' 26..35; 0 for anything else. */
static inline uint64_t second_bit(unsigned char c) {
  if ((unsigned)(c - 'a') < 26u)
    return (uint64_t)1 << (c - 'a');
  if ((unsigned)(c - 'A') < 26u)
    return (uint64_t)1 << (c - 'A');
  if ((unsigned)(c - '0') < 10u)
    return (uint64_t)1 << (26 + c - '0');
  return 0;
}

/* Whether a word whose first byte is the ASCII f0 (in first[]) and whose
 * next byte is b may match a probe: not when b is a letter or digit that
 * is no probe's second letter after f0, nor when b ends the word (b
 * another ASCII byte) and every such probe has two letters or more. A
 * byte >= 0x80 (a letter that may fold to others, a soft character) or
 * '.' (an acronym's) may: probe_word decides then. Saves most calls of
 * probe_word, which would find no match and change nothing. */
static inline int second_may(const probes *P, unsigned char f0,
                             unsigned char b) {
  return b >= 0x80 || b == '.' ||
         (P->second[f0] & (second_bit(b) | SECOND_ANY)) != 0;
}

/* The word starting at s[i] (first folded byte in first[]): adds it to
 * *pos when its first letters equal a probe's (each probe at most
 * max_per_term times). 0 or -1 (no memory). */
static inline int probe_word(probes *P, const unsigned char *s, size_t i,
                             size_t n, unsigned max_per_term, int plain,
                             cand **pos, size_t *npos, size_t *cap) {
  char w[PROBE + 2] = {0};
  size_t wl = 0;
  uint32_t w32;
#if defined(__GNUC__) && defined(__BYTE_ORDER__) &&                            \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && PROBE == 4
  if (!plain && i + 4 <= n) {
    /* the common case in a register (byte stores read back as one word
     * would stall): the ASCII letters and digits that start the word,
     * lowered, as the loop below reads them */
    const uint32_t ones = 0x01010101u, high = ones * 0x80;
    uint32_t x;
    memcpy(&x, s + i, 4);
    uint32_t ascii = ~x & high;
    uint32_t up =
        (x + ones * (0x80 - 'A')) & ~(x + ones * (0x7f - 'Z')) & ascii;
    uint32_t an = ((x + ones * (0x80 - 'a')) & ~(x + ones * (0x7f - 'z'))) |
                  ((x + ones * (0x80 - '0')) & ~(x + ones * (0x7f - '9')));
    an = (an & ascii) | up;
    uint32_t stop = ~an & high;
    wl = stop ? (size_t)__builtin_ctz(stop) / 8 : 4;
    unsigned char b = wl < 4 ? s[i + wl] : 0;
    if (wl == 4 || !(b >= 0x80 || b == '.')) {
      w32 = (x | up >> 2) & (wl == 4 ? 0xffffffffu : (1u << (8 * wl)) - 1);
      goto match;
    }
    wl = 0;
  }
#endif
  /* the common case inline: ASCII letters and digits up to PROBE of them
   * or to a separator (but '.', which may join an acronym's letters) */
  while (wl < PROBE && i + wl < n) {
    unsigned char b = s[i + wl];
    if (ascii_alnum(b)) {
      w[wl++] = (char)(b >= 'A' && b <= 'Z' ? b + 32 : b);
      continue;
    }
    if (b >= 0x80 || b == '.') {
      memset(w, 0, sizeof w);
      wl = word_prefix(s, i, n, w);
    }
    break;
  }
  memcpy(&w32, w, sizeof w32);
#if defined(__GNUC__) && defined(__BYTE_ORDER__) &&                            \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && PROBE == 4
match:
#endif
  for (size_t k = 0; k < P->np; k++) {
    if (wl >= P->plen[k] && (w32 & P->pmask[k]) == P->p32[k]) {
      unsigned sk = P->seen[k]++;
      if (sk < max_per_term) {
        if (sk + 1 == max_per_term)
          P->live--;
        cand cd = {i, (unsigned)k, P->pw[k]};
        return cand_add(pos, npos, cap, cd);
      }
    }
  }
  return 0;
}

#if defined(__SSE2__)
/* The first bytes of the probes, for block16: a word start whose first
 * byte (ASCII, lowered) is none of them is not looked at. nf 0: no such
 * filter (more than 8 first bytes, or one that is no ASCII letter or
 * digit). */
typedef struct firsts {
  __m128i v[8];
  unsigned nf;
} firsts;

static inline unsigned mask16(__m128i m) {
  return (unsigned)_mm_movemask_epi8(m);
}

/* Per byte of x: 0xff where lo <= byte <= hi (lo, hi < 0x80; bytes >= 0x80
 * are negative as signed chars, so never in). */
static inline __m128i in16(__m128i x, char lo, char hi) {
  return _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8((char)(lo - 1))),
                       _mm_cmplt_epi8(x, _mm_set1_epi8((char)(hi + 1))));
}

/* The multi-byte sequences of a block of w bytes (16 or 32) at s[i], from
 * its masks (bit k for byte k: >= 0x80, C3, C2, E2, 0x80, a continuation
 * byte): *m the bytes the block takes (a sequence cut by its end is left
 * to the next block) and *lim their mask. 0 when it holds anything but
 * ASCII, C3 xx, C2 xx (not one of the letters ª ² ³ µ ¹ º ¼ ½ ¾) and
 * E2 80 xx: the byte loop reads it then. */
static inline int block_seqs(const unsigned char *s, size_t i, unsigned w,
                             uint32_t hi, uint32_t c3, uint32_t c2, uint32_t e2,
                             uint32_t x80, uint32_t cont, unsigned *m,
                             uint32_t *lim) {
  uint32_t top = 1u << (w - 1);
  uint32_t cut = ((c3 | c2 | e2) & top) | (e2 & top >> 1);
  *m = w;
  *lim = top | (top - 1);
  if (cut) {
    *m = (unsigned)__builtin_ctz(cut);
    *lim = (1u << *m) - 1;
  }
  uint32_t lead = (c3 | c2 | e2) & *lim, e = e2 & *lim;
  /* every byte >= 0x80 is a lead or its continuation: a lead's tail
   * beyond lim would land on the cut lead, which is no continuation */
  if ((hi & *lim) != (lead | lead << 1 | e << 2) || (lead << 1 & ~cont) ||
      (e << 1 & ~x80) || (e << 2 & ~cont))
    return 0;
  for (uint32_t b = c2 & *lim; b; b &= b - 1) {
    unsigned char d = s[i + (unsigned)__builtin_ctz(b) + 1];
    if (d == 0xaa || d == 0xb2 || d == 0xb3 || d == 0xb5 || d == 0xb9 ||
        d == 0xba || (d >= 0xbc && d <= 0xbe))
      return 0; /* a letter: scan_char's */
  }
  return 1;
}

/* candidates()' state after byte t ending a block: 1 after a lower-case
 * letter, 2 after a capital or a digit, 0 after a separator. */
static inline int state_after(unsigned char t) {
  return (unsigned)(t - 'a') < 26u                                ? 1
         : (unsigned)(t - 'A') < 26u || (unsigned)(t - '0') < 10u ? 2
                                                                  : 0;
}

/* The words of a block of m bytes at s[i] (masks lim of its bytes, lo its
 * lower-case letters, up its capitals, an its letters and digits, a
 * Latin-1 letter's two bytes in each; want the bytes a probe may start
 * with): probes those that start there, in order, and sets *state after
 * the block. Returns m, or (size_t)-1 out of memory. */
static inline size_t block_words(probes *P, const unsigned char *s, size_t i,
                                 size_t n, unsigned m, uint32_t lim,
                                 uint32_t want, uint32_t lo, uint32_t up,
                                 uint32_t an, int *state, unsigned max_per_term,
                                 cand **pos, size_t *npos, size_t *cap) {
  uint32_t prev_an = an << 1 | (*state != 0);
  uint32_t prev_lo = lo << 1 | (*state == 1);
  uint32_t st = an & (~prev_an | (up & prev_lo)) & lim & want;
  for (; st; st &= st - 1) {
    size_t p = i + (unsigned)__builtin_ctz(st);
    unsigned char f0 = s[p] == 0xc3 ? latin1_fold[s[p + 1] - 0x80]
                       : s[p] >= 'A' && s[p] <= 'Z' ? s[p] + 32
                                                    : s[p];
    if (P->first[f0] &&
        (s[p] >= 0x80 || p + 1 >= n || second_may(P, f0, s[p + 1])) &&
        probe_word(P, s, p, n, max_per_term, 0, pos, npos, cap))
      return (size_t)-1;
  }
  uint32_t top = 1u << (m - 1);
  *state = (lo & top) ? 1 : (an & top) ? 2 : 0;
  return m;
}

/* Sixteen bytes of candidates() at s[i] (i + 16 <= n), as its byte loop
 * reads them, when they hold nothing but ASCII, Latin-1 letters and × ÷
 * (C3 xx), the separators C2 xx (but the letters ª ² ³ µ ¹ º ¼ ½ ¾) and
 * E2 80 xx (’ – — … no-break spaces; soft ones end a word there too): a
 * word starts at a letter or digit after a separator, and at a capital
 * after a lower-case letter. A sequence cut by the end of the block is
 * left to the next one. Probes the words that start there (in order);
 * *state as in candidates(). Returns the bytes read, 0 when the block
 * holds anything else (the byte loop then reads it), or (size_t)-1 when
 * out of memory. */
static size_t block16(probes *P, const firsts *F, const unsigned char *s,
                      size_t i, size_t n, int *state, unsigned max_per_term,
                      cand **pos, size_t *npos, size_t *cap) {
  __m128i x = _mm_loadu_si128((const __m128i *)(s + i));
  uint32_t hi = mask16(x), lim = 0xffff, upc3 = 0, loc3 = 0, c3 = 0;
  unsigned m = 16;
  if (hi) {
    c3 = mask16(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xc3)));
    /* continuation bytes 0x80..0xbf: below 0xc0 as signed chars */
    if (!block_seqs(s, i, 16, hi, c3,
                    mask16(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xc2))),
                    mask16(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xe2))),
                    mask16(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)0x80))),
                    mask16(_mm_cmplt_epi8(x, _mm_set1_epi8((char)0xc0))), &m,
                    &lim))
      return 0;
    c3 &= lim;
    if (c3) { /* the byte after each C3: capital below 0x9f, but × ÷ */
      __m128i nx = _mm_srli_si128(x, 1);
      uint32_t up = mask16(_mm_cmplt_epi8(nx, _mm_set1_epi8((char)0x9f)));
      uint32_t no =
          mask16(_mm_or_si128(_mm_cmpeq_epi8(nx, _mm_set1_epi8((char)0x97)),
                              _mm_cmpeq_epi8(nx, _mm_set1_epi8((char)0xb7))));
      upc3 = c3 & up & ~no;
      loc3 = c3 & ~up & ~no;
    }
  }
  __m128i up_v = in16(x, 'A', 'Z');
  uint32_t want = 0xffff; /* bytes a probe may start with */
  if (F->nf) {
    __m128i low = _mm_or_si128(x, _mm_and_si128(up_v, _mm_set1_epi8(0x20)));
    __m128i eq = _mm_cmpeq_epi8(low, F->v[0]);
    for (unsigned k = 1; k < F->nf; k++)
      eq = _mm_or_si128(eq, _mm_cmpeq_epi8(low, F->v[k]));
    want = mask16(eq) | c3;
    if (!(want & lim)) {
      /* no word to probe here, and no Latin-1 letter: the state after
       * the block is that of its last byte, ASCII or the end of a
       * separator (E2 80 xx, C2 xx) */
      *state = state_after(s[i + m - 1]);
      return m;
    }
  }
  /* a Latin-1 letter's two bytes both count as the letter */
  uint32_t lo = mask16(in16(x, 'a', 'z')) | loc3 | loc3 << 1;
  uint32_t up = mask16(up_v) | upc3 | upc3 << 1;
  uint32_t an = lo | up | mask16(in16(x, '0', '9'));
  return block_words(P, s, i, n, m, lim, want, lo, up, an, state, max_per_term,
                     pos, npos, cap);
}
#endif

#if defined(DPS_SCAN_AVX2)
static inline DPS_AVX2 uint32_t mask32(__m256i m) {
  return (uint32_t)_mm256_movemask_epi8(m);
}

/* As in16, over 32 bytes. */
static inline DPS_AVX2 __m256i in32(__m256i x, char lo, char hi) {
  return _mm256_and_si256(
      _mm256_cmpgt_epi8(x, _mm256_set1_epi8((char)(lo - 1))),
      _mm256_cmpgt_epi8(_mm256_set1_epi8((char)(hi + 1)), x));
}

/* block16 over the 32 bytes at s[i] (i + 33 <= n: the byte after the
 * block is read too), with fv[0, nf) the first bytes of F: the same
 * classes, word starts, probes (in order) and *state, the same returns
 * (bytes read, 0 when the block holds anything else, (size_t)-1 out of
 * memory). */
static inline DPS_AVX2 size_t block32(probes *P, const __m256i *fv, unsigned nf,
                                      const unsigned char *s, size_t i,
                                      size_t n, int *state,
                                      unsigned max_per_term, cand **pos,
                                      size_t *npos, size_t *cap) {
  __m256i x = _mm256_loadu_si256((const __m256i *)(s + i));
  uint32_t hi = mask32(x), lim = 0xffffffffu, upc3 = 0, loc3 = 0, c3 = 0;
  unsigned m = 32;
  if (hi) {
    c3 = mask32(_mm256_cmpeq_epi8(x, _mm256_set1_epi8((char)0xc3)));
    if (!block_seqs(s, i, 32, hi, c3,
                    mask32(_mm256_cmpeq_epi8(x, _mm256_set1_epi8((char)0xc2))),
                    mask32(_mm256_cmpeq_epi8(x, _mm256_set1_epi8((char)0xe2))),
                    mask32(_mm256_cmpeq_epi8(x, _mm256_set1_epi8((char)0x80))),
                    mask32(_mm256_cmpgt_epi8(_mm256_set1_epi8((char)0xc0), x)),
                    &m, &lim))
      return 0;
    c3 &= lim;
    if (c3) { /* the byte after each C3: capital below 0x9f, but × ÷ */
      __m256i nx = _mm256_loadu_si256((const __m256i *)(s + i + 1));
      uint32_t up = mask32(_mm256_cmpgt_epi8(_mm256_set1_epi8((char)0x9f), nx));
      uint32_t no = mask32(
          _mm256_or_si256(_mm256_cmpeq_epi8(nx, _mm256_set1_epi8((char)0x97)),
                          _mm256_cmpeq_epi8(nx, _mm256_set1_epi8((char)0xb7))));
      upc3 = c3 & up & ~no;
      loc3 = c3 & ~up & ~no;
    }
  }
  __m256i up_v = in32(x, 'A', 'Z');
  uint32_t want = 0xffffffffu;
  if (nf) {
    __m256i low =
        _mm256_or_si256(x, _mm256_and_si256(up_v, _mm256_set1_epi8(0x20)));
    __m256i eq = _mm256_cmpeq_epi8(low, fv[0]);
    for (unsigned k = 1; k < nf; k++)
      eq = _mm256_or_si256(eq, _mm256_cmpeq_epi8(low, fv[k]));
    want = mask32(eq) | c3;
    if (!(want & lim)) {
      *state = state_after(s[i + m - 1]);
      return m;
    }
  }
  uint32_t lo = mask32(in32(x, 'a', 'z')) | loc3 | loc3 << 1;
  uint32_t up = mask32(up_v) | upc3 | upc3 << 1;
  uint32_t an = lo | up | mask32(in32(x, '0', '9'));
  return block_words(P, s, i, n, m, lim, want, lo, up, an, state, max_per_term,
                     pos, npos, cap);
}

/* candidates() from s[i] with block32 while it can read the blocks (and
 * a probe is live): the offset where it stopped (i when it read none), or
 * (size_t)-1 out of memory. fb[0, nf): the first bytes of firsts. */
static DPS_AVX2 size_t scan32(probes *P, const unsigned char *fb, unsigned nf,
                              const unsigned char *s, size_t i, size_t n,
                              int *state, unsigned max_per_term, cand **pos,
                              size_t *npos, size_t *cap) {
  __m256i fv[8];
  for (unsigned k = 0; k < nf && k < 8; k++)
    fv[k] = _mm256_set1_epi8((char)fb[k]);
  while (i + 33 <= n && P->live) {
    size_t m = block32(P, fv, nf, s, i, n, state, max_per_term, pos, npos, cap);
    if (m == 0 || m == (size_t)-1)
      return m ? m : i;
    i += m;
  }
  return i;
}
#endif

/* Per byte of x (all < 0x80): the high bit set where lo <= byte <= hi. */
static inline uint64_t bytes_in(uint64_t x, unsigned lo, unsigned hi) {
  const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;
  return (x + ones * (0x80 - lo)) & ~(x + ones * (0x7f - hi)) & high;
}

/* Byte offsets of the words of text that may match a term of hl (their
 * folded start equals a term's first PROBE letters), plus the starts of
 * wanted entity mentions. Appends to *pos (malloc'd). 0 or -1. A word
 * whose first folded letter starts no term is skipped without folding the
 * rest, runs of lower-case ASCII letters are skipped at once, and text is
 * read sixteen bytes at a time with SSE2 when they are ASCII, Latin-1 and
 * common separators (block16), else eight ASCII bytes at a time, else one
 * character at a time (the scan is the cost of a long text). plain = 1
 * reads one character at a time only: the reference the tests compare
 * the block paths with. */
static int candidates(const dps_hl *hl, const dps_text *tx,
                      const dp_record_entity *ents, size_t nents,
                      unsigned max_per_term, int plain, cand **pos,
                      size_t *npos, size_t *cap, int *unsure) {
  probes P;
  P.np = 0;
  memset(P.first, 0, sizeof P.first);
  for (size_t j = 0; j < hl->nterms; j++) {
    const char *t = hl->terms[j].text;
    size_t l = strlen(t);
    if (l == 0)
      continue;
    if (P.np == 64) {
      *unsure = 1;
      break;
    }
    size_t np = P.np;
    P.plen[np] = l < PROBE ? l : PROBE;
    /* numbers may be written with group separators ("1 000"): their
     * first digit only */
    if (t[0] >= '0' && t[0] <= '9')
      P.plen[np] = 1;
    for (size_t q = 0; q < P.plen[np]; q++)
      if (!((t[q] >= 'a' && t[q] <= 'z') || (t[q] >= '0' && t[q] <= '9')))
        *unsure = 1; /* a letter the scan does not fold: analyse it all */
    unsigned char pb[PROBE] = {0}, mb[PROBE] = {0};
    memcpy(pb, t, P.plen[np]);
    memset(mb, 0xff, P.plen[np]);
    memcpy(&P.p32[np], pb, PROBE);
    memcpy(&P.pmask[np], mb, PROBE);
    P.pw[np] = hl->terms[j].weight;
    P.seen[np] = 0;
    if (!P.first[pb[0]])
      P.second[pb[0]] = 0;
    P.first[pb[0]] = 1;
    uint64_t sb = P.plen[np] > 1 ? second_bit(pb[1]) : 0;
    P.second[pb[0]] |= sb ? sb : SECOND_ANY;
    P.np++;
  }
  const unsigned char *s = (const unsigned char *)tx->text;
  size_t n = tx->len, i = 0;
#if defined(__SSE2__)
  firsts F = {.nf = 0};
  unsigned char fb[8];
  {
    unsigned nf = 0;
    for (size_t k = 0; k < P.np && nf <= 8; k++) {
      unsigned char b;
      memcpy(&b, &P.p32[k], 1); /* the probe's first byte */
      unsigned q = 0;
      while (q < nf && fb[q] != b)
        q++;
      if (q < nf)
        continue;
      if (nf == 8 || !((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9'))) {
        nf = 9; /* no filter */
        break;
      }
      fb[nf++] = b;
    }
    for (unsigned q = 0; nf <= 8 && q < nf; q++)
      F.v[F.nf++] = _mm_set1_epi8((char)fb[q]);
  }
  size_t vec_from = 0; /* after a block block16 cannot read */
#endif
#if defined(DPS_SCAN_AVX2)
  int avx2 = !plain && __builtin_cpu_supports("avx2");
#endif
  /* 0: between words; 1: in a word, after a lower-case letter; 2: in a
   * word, after another letter or a digit */
  int state = 0;
  P.live = max_per_term ? P.np : 0;
  while (i < n && P.live) {
#if defined(DPS_SCAN_AVX2)
    if (avx2 && i + 33 <= n && i >= vec_from) {
      size_t j =
          scan32(&P, fb, F.nf, s, i, n, &state, max_per_term, pos, npos, cap);
      if (j == (size_t)-1)
        return -1;
      if (j != i) {
        i = j;
        continue;
      }
    }
#endif
#if defined(__SSE2__)
    if (!plain && i + 16 <= n && i >= vec_from) {
      size_t m;
      while ((m = block16(&P, &F, s, i, n, &state, max_per_term, pos, npos,
                          cap)) != 0 &&
             m != (size_t)-1) {
        i += m;
        if (i + 16 > n || !P.live)
          break;
      }
      if (m == (size_t)-1)
        return -1;
      if (m)
        continue;
      vec_from = i + 16; /* a block it cannot read: the byte loop */
    }
#endif
#if defined(__GNUC__) && defined(__BYTE_ORDER__) &&                            \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (!plain && i + 8 <= n) {
      uint64_t x;
      memcpy(&x, s + i, 8);
      if ((x & 0x8080808080808080u) == 0) {
        /* eight ASCII bytes at once, as the byte loop below reads them:
         * a word starts at a letter or digit after a separator, and at a
         * capital after a lower-case letter */
        uint64_t lo = bytes_in(x, 'a', 'z'), up = bytes_in(x, 'A', 'Z');
        uint64_t an = lo | up | bytes_in(x, '0', '9');
        uint64_t prev_an = an << 8 | (state != 0 ? 0x80u : 0);
        uint64_t prev_lo = lo << 8 | (state == 1 ? 0x80u : 0);
        uint64_t st = an & (~prev_an | (up & prev_lo));
        while (st) {
          size_t p = i + (size_t)(__builtin_ctzll(st) / 8);
          unsigned char f0 = s[p] >= 'A' && s[p] <= 'Z' ? s[p] + 32 : s[p];
          if (P.first[f0] && (p + 1 >= n || second_may(&P, f0, s[p + 1])) &&
              probe_word(&P, s, p, n, max_per_term, 0, pos, npos, cap))
            return -1;
          st &= st - 1;
        }
        state = (lo >> 63) ? 1 : (an >> 63) ? 2 : 0;
        i += 8;
        continue;
      }
    }
#endif
    unsigned char c = s[i];
    char f[2];
    size_t fm, adv;
    int kind;
    if (c == ' ') { /* the most common separator */
      state = 0;
      i++;
      continue;
    }
    if (c == 0xe2 && i + 2 < n && s[i + 1] == 0x80 &&
        (s[i + 2] & 0xc0) == 0x80) {
      /* U+2000..U+203F (’ – — … no-break spaces): separators or soft, as
       * scan_char says; both end the word */
      state = 0;
      i += 3;
      continue;
    }
    if (c < 0x80) { /* ASCII inline: same classes as scan_char */
      if ((unsigned)(c - 'a') < 26u)
        kind = SK_LOWER;
      else if ((unsigned)(c - 'A') < 26u)
        kind = SK_UPPER;
      else if ((unsigned)(c - '0') < 10u)
        kind = SK_OTHER;
      else {
        state = 0;
        i++;
        continue;
      }
      f[0] = (char)(kind == SK_UPPER ? c + 32 : c);
      adv = 1;
    } else if (c == 0xc3 && i + 1 < n && (s[i + 1] & 0xc0) == 0x80) {
      unsigned k = s[i + 1] - 0x80u; /* Latin-1 inline, as scan_char */
      if (k == 0x17 || k == 0x37) {
        state = 0;
        i += 2;
        continue;
      }
      kind = k < 0x1f ? SK_UPPER : SK_LOWER;
      f[0] = latin1_fold[k];
      adv = 2;
    } else {
      adv = scan_char(s, i, n, f, &fm, &kind);
      if (kind == SK_SEP || kind == SK_SOFT) {
        state = 0;
        i += adv;
        continue;
      }
    }
    int start = state == 0 || (kind == SK_UPPER && state == 1);
    /* after a letter that is not upper case (or may not be: a letter
     * without case, ², a digit outside ASCII) a capital may start a word */
    state = kind == SK_UPPER || (kind == SK_OTHER && c < 0x80) ? 2 : 1;
    if (start && P.first[(unsigned char)f[0]] &&
        probe_word(&P, s, i, n, max_per_term, plain, pos, npos, cap))
      return -1;
    i += adv;
    if (state == 1) { /* the rest of a lower-case word at once */
      for (;;) {
        i = skip_lower_ascii(s, i, n);
        if (i + 1 < n && s[i] == 0xc3 && s[i + 1] >= 0x9f && s[i + 1] <= 0xbf &&
            s[i + 1] != 0xb7)
          i += 2; /* à..ÿ but ÷ */
        else
          break;
      }
    }
  }
  for (size_t e = 0; ents && e < nents; e++) {
    if (ents[e].field != tx->field || ents[e].start >= n || !ents[e].key)
      continue;
    for (size_t q = 0; q < hl->nents; q++) {
      if (strcmp(hl->ents[q].key, ents[e].key) != 0)
        continue;
      cand c = {ents[e].start, (unsigned)(64 + q), hl->ents[q].weight};
      if (cand_add(pos, npos, cap, c))
        return -1;
      break;
    }
  }
  return 0;
}

int dps_scan_places(const dps_hl *hl, const dps_text *tx,
                    const dp_record_entity *ents, size_t nents,
                    unsigned max_per_term, int plain, size_t **pos,
                    unsigned **ids, size_t *n, int *unsure) {
  cand *v = NULL;
  size_t nv = 0, cap = 0;
  *pos = NULL;
  *ids = NULL;
  *n = 0;
  *unsure = 0;
  if (candidates(hl, tx, ents, nents, max_per_term, plain, &v, &nv, &cap,
                 unsure)) {
    free(v);
    return -1;
  }
  *pos = malloc((nv ? nv : 1) * sizeof **pos);
  *ids = malloc((nv ? nv : 1) * sizeof **ids);
  if (!*pos || !*ids) {
    free(*pos);
    free(*ids);
    *pos = NULL;
    *ids = NULL;
    free(v);
    return -1;
  }
  for (size_t k = 0; k < nv; k++) {
    (*pos)[k] = v[k].pos;
    (*ids)[k] = v[k].g;
  }
  *n = nv;
  free(v);
  return 0;
}

static int cmp_cand(const void *x, const void *y) {
  const cand *a = x, *b = y;
  if (a->pos != b->pos)
    return a->pos < b->pos ? -1 : 1;
  return a->g < b->g ? -1 : a->g > b->g;
}

/* The scan finds the places in text order, entity mentions come after
 * them. (Places that compare equal are equal.) */
DEFINE_NEARLY_SORTED(sort_cands, cand, cmp_cand)

/* Focus: scores each run of candidates within span bytes like a passage
 * (distinct ids, weighted) and keeps only the candidates of the best run,
 * plus those of up to want-1 other runs that score at least ratio times
 * the best. Only those places are then analysed: the analyzer is the cost
 * of a snippet, and a passage far from the best place is rarely shown.
 * v must be sorted by position. Returns the new count. */
static size_t focus(cand *v, size_t n, size_t span, unsigned want, double ratio,
                    unsigned *nruns) {
  *nruns = n ? 1 : 0;
  if (n < 2)
    return n;
  size_t runs_a[16], runs_b[16];
  double runs_s[16];
  unsigned nr = 0;
  if (want > 16)
    want = 16;
  while (nr < want) {
    double best = -1;
    size_t ba = 0, bb = 0;
    for (size_t i = 0; i < n; i++) {
      int clash = 0;
      for (unsigned r = 0; r < nr; r++)
        if (v[i].pos + span >= v[runs_a[r]].pos &&
            v[i].pos <= v[runs_b[r]].pos + span)
          clash = 1;
      if (clash)
        continue;
      uint64_t seen_lo = 0, seen_hi = 0;
      double sc = 0;
      size_t j = i;
      for (; j < n && v[j].pos <= v[i].pos + span; j++) {
        unsigned g = v[j].g;
        uint64_t *word = g < 64 ? &seen_lo : &seen_hi;
        uint64_t bit = (uint64_t)1 << (g % 64);
        if (g >= 128 || !(*word & bit))
          sc += v[j].weight;
        *word |= bit;
      }
      if (sc > best) {
        best = sc;
        ba = i;
        bb = j - 1;
      }
    }
    if (best < 0 || (nr > 0 && best < ratio * runs_s[0]))
      break;
    runs_a[nr] = ba;
    runs_b[nr] = bb;
    runs_s[nr] = best;
    nr++;
  }
  *nruns = nr;
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    int keep = 0;
    for (unsigned r = 0; r < nr && !keep; r++)
      keep = i >= runs_a[r] && i <= runs_b[r];
    if (keep)
      v[o++] = v[i];
  }
  return o;
}

void dps_filter_allow(dp_lean_filter *f, const char *w) {
  unsigned char c0 = (unsigned char)w[0], c1 = (unsigned char)w[1];
  if (c0 >= 0x80)
    return; /* no skipped word starts with it */
  f->next[c0] |= c1 ? (uint64_t)1 << (c1 & 63) : ~(uint64_t)0;
}

const dp_lean_filter *dps_hl_filter(const dps_hl *hl, dp_lean_filter *f) {
  memset(f, 0, sizeof *f);
  for (size_t j = 0; j < hl->nterms; j++) {
    if (hl->terms[j].text[0] == '\0')
      return NULL;
    dps_filter_allow(f, hl->terms[j].text);
  }
  return f;
}

/* Analyses tx[ws, we) appending to F->toks with offsets into tx; records
 * the window. fs: the filter of dp_analyze_lean_filtered (find_hits reads
 * the strings of no token dps_hl_filter lets it skip). */
static int analyze_window(field_state *F, dp_analyzer *a, size_t ws, size_t we,
                          const dp_lean_filter *fs, uint32_t *next_pos) {
  const char *s = F->tx->text;
  size_t before = F->toks.n;
  uint32_t np =
      dp_analyze_lean_filtered(a, s + ws, we - ws, *next_pos, fs, &F->toks);
  if (np == (uint32_t)-1)
    return -1;
  *next_pos = np + 1000; /* phrases never cross windows */
  for (size_t k = before; k < F->toks.n; k++) {
    F->toks.v[k].start += ws;
    F->toks.v[k].end += ws;
  }
  if (F->toks.n > before && ws > 0) {
    /* the first word starts a sentence only if the text says so */
    dp_token *t = &F->toks.v[before];
    size_t b = t->start;
    while (b > 0 && (s[b - 1] == ' ' || s[b - 1] == '\t'))
      b--;
    int sent = b == 0 || s[b - 1] == '\n' || s[b - 1] == '\n' ||
               ((s[b - 1] == '.' || s[b - 1] == '!' || s[b - 1] == '?') &&
                (t->flags & DP_TOK_CAPITAL));
    if (sent)
      t->flags |= DP_TOK_SENT_START;
    else
      t->flags &= ~(uint32_t)DP_TOK_SENT_START;
  }
  if (F->toks.n > before) {
    twin *v = realloc(F->win, (F->nwin + 1) * sizeof *v);
    if (!v)
      return -1;
    F->win = v;
    F->win[F->nwin].lo = before;
    F->win[F->nwin].hi = F->toks.n - 1;
    F->nwin++;
  }
  return 0;
}

/* The offset after the last '\n' of s[lo, hi), or lo when there is none:
 * eight bytes at a time from the end. */
static size_t last_line_start(const char *s, size_t lo, size_t hi) {
  const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;
  while (hi - lo >= 8) {
    uint64_t x;
    memcpy(&x, s + hi - 8, 8);
    x ^= ones * '\n';
    /* a zero byte (a '\n') sets its high bit here; bytes above the lowest
     * zero may be false positives, so the bytes are checked one by one */
    if ((x - ones) & ~x & high)
      break;
    hi -= 8;
  }
  while (hi > lo && s[hi - 1] != '\n')
    hi--;
  return hi;
}

/* Analyses the parts of text tx near possible matches (all of it when it
 * is short or matches are everywhere), then finds the hits. radius: bytes
 * kept around each candidate. whole_prefix: when nothing may match, bytes
 * of the start analysed anyway (for the fallback; 0 = none). */
static int prepare_field(field_state *F, dp_analyzer *a, const dps_hl *hl,
                         const dps_text *tx, const dp_record_entity *ents,
                         size_t nents, size_t radius, size_t whole_prefix,
                         unsigned max_per_term, size_t span, unsigned want,
                         double ratio) {
  F->tx = tx;
  if (!tx->text || tx->len == 0)
    return 0;
  size_t n = tx->len;
  const char *s = tx->text;
  uint32_t next_pos = 0;
  cand *pos = NULL;
  size_t npos = 0, cap = 0;
  int unsure = 0;
  size_t full_max = 3 * radius; /* short texts are analysed whole */
  dp_lean_filter filter;
  const dp_lean_filter *fs = dps_hl_filter(hl, &filter);
  /* the byte scan first: a text where no term can match is not analysed
   * at all (the fallback analyses a start later, when needed) */
  if (candidates(hl, tx, ents, nents, n <= full_max ? 1 : max_per_term, 0, &pos,
                 &npos, &cap, &unsure)) {
    free(pos);
    return -1;
  }
  if (unsure || (n <= full_max && (npos > 0 || whole_prefix))) {
    free(pos);
    if (analyze_window(F, a, 0, n, fs, &next_pos))
      return -1;
    return find_hits(&F->H, hl, &F->toks, tx, ents, nents);
  }
  int rc = 0;
  if (npos == 0) {
    if (whole_prefix) {
      size_t we = whole_prefix < n ? whole_prefix : n;
      while (we < n && s[we] != ' ' && s[we] != '\n')
        we++;
      rc = analyze_window(F, a, 0, we, fs, &next_pos);
    }
  } else {
    sort_cands(pos, npos);
    /* focused: less context is needed before a place than after it (a
     * passage starts at most a sentence start before its first match) */
    size_t rb = radius, ra = radius;
    if (want) {
      unsigned nr = 0;
      npos = focus(pos, npos, span, want, ratio, &nr);
      /* one place: room for all the passages' characters after it; more:
       * each gets its share */
      size_t room = nr > 1 ? radius / nr : radius;
      rb = room * 2 / 5;
      ra = room * 4 / 5 + 16;
    }
    size_t i = 0;
    while (i < npos && !rc) {
      size_t ws = pos[i].pos > rb ? pos[i].pos - rb : 0;
      size_t we = pos[i].pos + ra;
      while (i + 1 < npos && pos[i + 1].pos <= we + rb)
        we = pos[++i].pos + ra;
      i++;
      if (we > n)
        we = n;
      /* start at a line start when near, else at a space */
      size_t ls = last_line_start(s, ws > 300 ? ws - 300 : 0, ws);
      if (ls == 0 || s[ls - 1] == '\n')
        ws = ls;
      else
        while (ws > 0 && s[ws - 1] != ' ' && s[ws - 1] != '\n')
          ws--;
      while (we < n && s[we] != ' ' && s[we] != '\n')
        we++;
      /* merge with the previous window when they touch */
      if (F->nwin && F->toks.n && ws <= F->toks.v[F->toks.n - 1].end + 1) {
        ws = F->toks.v[F->toks.n - 1].end;
        while (ws < we && s[ws] != ' ' && s[ws] != '\n')
          ws++;
        if (ws >= we)
          continue;
        size_t before = F->toks.n;
        uint32_t np2 = dp_analyze_lean_filtered(
            a, s + ws, we - ws, F->toks.v[F->toks.n - 1].pos + 1, fs, &F->toks);
        if (np2 == (uint32_t)-1) {
          rc = -1;
          break;
        }
        for (size_t k = before; k < F->toks.n; k++) {
          F->toks.v[k].start += ws;
          F->toks.v[k].end += ws;
          F->toks.v[k].flags &=
              ~(uint32_t)(k == before ? DP_TOK_SENT_START : 0);
        }
        if (F->toks.n > before)
          F->win[F->nwin - 1].hi = F->toks.n - 1;
        next_pos = np2 + 1000;
        continue;
      }
      rc = analyze_window(F, a, ws, we, fs, &next_pos);
    }
  }
  free(pos);
  if (rc)
    return -1;
  return find_hits(&F->H, hl, &F->toks, tx, ents, nents);
}

/* Token lists longer than this are freed after use, not kept in a scratch
 * (a huge text analysed whole must not pin its memory). */
#define SCRATCH_MAX_TOKENS 4096

/* Gives a token list back to its scratch slot (kept, emptied) when there
 * is one, free, and the list stayed small; frees it otherwise. */
static void tokens_release(dp_tokens *t, dp_tokens *slot) {
  if (slot && !slot->v && !slot->arena && t->cap <= SCRATCH_MAX_TOKENS) {
    dp_tokens_clear(t);
    *slot = *t;
  } else {
    dp_tokens_free(t);
  }
  memset(t, 0, sizeof *t);
}

/* Takes a scratch slot's token list (empty), or a fresh one. */
static dp_tokens tokens_take(dp_tokens *slot) {
  dp_tokens t = {0};
  if (slot) {
    t = *slot;
    memset(slot, 0, sizeof *slot);
    dp_tokens_clear(&t);
  }
  return t;
}

void dps_snip_scratch_free(dps_snip_scratch *sc) {
  if (!sc)
    return;
  for (size_t f = 0; f < DPS_SCRATCH_FIELDS; f++)
    dp_tokens_free(&sc->toks[f]);
  dp_tokens_free(&sc->title);
  memset(sc, 0, sizeof *sc);
}

static void field_free(field_state *F, dp_tokens *slot) {
  tokens_release(&F->toks, slot);
  free(F->H.v);
  free(F->win);
}

typedef struct passage {
  size_t field;      /* index into the field states */
  size_t ta, tb;     /* token range */
  size_t start, end; /* bytes */
  double score;
} passage;

/* The best window of hits in field f not overlapping chosen passages;
 * used[g] > 0 for groups already shown. sc: snippet scoring (softened
 * weights, terms of another sentence count less), NULL = the plain sum
 * of the distinct terms' weights (ranking evidence). */
static int best_window(const field_state *F, size_t f, const passage *chosen,
                       size_t nchosen, const double *used, double *seen,
                       size_t ngroups, size_t budget, const dps_snip_opts *sc,
                       passage *out) {
  const hits *H = &F->H;
  int found = 0;
  size_t hn = H->n > 4000 ? 4000 : H->n;
  for (size_t i = 0; i < hn; i++) {
    int clash = 0;
    for (size_t c = 0; c < nchosen; c++)
      if (chosen[c].field == f && H->v[i].start < chosen[c].end &&
          H->v[i].end > chosen[c].start)
        clash = 1;
    if (clash)
      continue;
    memset(seen, 0, ngroups * sizeof *seen);
    double score = 0;
    size_t end = H->v[i].end, tb = H->v[i].tb, ce = H->v[i].ce;
    for (size_t j = i; j < hn; j++) {
      const hit *h = &H->v[j];
      if (j > i) {
        /* characters from the first hit's start to the furthest end */
        if ((h->ce > ce ? h->ce : ce) - H->v[i].cs > budget)
          break;
        int cl = 0;
        for (size_t c = 0; c < nchosen; c++)
          if (chosen[c].field == f && h->start < chosen[c].end &&
              h->end > chosen[c].start)
            cl = 1;
        if (cl)
          break;
      }
      double w =
          (sc ? h->sweight : h->weight) * (used[h->group] > 0 ? 0.25 : 1.0);
      if (sc && h->sent != H->v[i].sent)
        w *= sc->other_sentence;
      if (seen[h->group] == 0)
        score += w;
      else if (seen[h->group] < 3)
        score += 0.15 * w;
      seen[h->group] += 1;
      if (h->end > end)
        end = h->end;
      if (h->ce > ce)
        ce = h->ce;
      if (h->tb > tb)
        tb = h->tb;
    }
    /* closeness: a slight preference for tight windows */
    score -= 1e-4 * (double)(end - H->v[i].start);
    if (!found || score > out->score) {
      found = 1;
      out->field = f;
      out->ta = H->v[i].ta;
      out->tb = tb;
      out->start = H->v[i].start;
      out->end = end;
      out->score = score;
    }
  }
  return found;
}

/* Whether token k may join passage p (same field, not furniture, not in
 * another chosen passage). */
static int tok_free(const field_state *F, size_t k, const passage *all,
                    size_t nall, size_t self) {
  const dp_token *t = &F->toks.v[k];
  if (t->flags & DP_TOK_FURNITURE)
    return 0;
  if (k < F->cur_lo || k > F->cur_hi)
    return 0;
  for (size_t c = 0; c < nall; c++) {
    if (c == self || all[c].field != all[self].field)
      continue;
    if (t->start < all[c].end + 1 && t->end + 1 > all[c].start)
      return 0;
  }
  return 1;
}

/* Whether s[a, b) (between two tokens) holds no space: they are one
 * written word. */
static int glued(const char *s, size_t a, size_t b) {
  if (b < a)
    return 0;
  for (size_t i = a; i < b; i++)
    if (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r' ||
        (unsigned char)s[i] == 0xc2 || (unsigned char)s[i] == 0xe2)
      return 0; /* spaces, no-break spaces, dashes, guillemets... */
  return 1;
}

/* Grows passage p (token range) to about budget characters. */
static void expand(field_state *F, passage *all, size_t nall, size_t self,
                   size_t budget, double before) {
  passage *p = &all[self];
  F->cur_lo = 0;
  F->cur_hi = F->toks.n ? F->toks.n - 1 : 0;
  for (size_t w = 0; w < F->nwin; w++)
    if (p->ta >= F->win[w].lo && p->ta <= F->win[w].hi) {
      F->cur_lo = F->win[w].lo;
      F->cur_hi = F->win[w].hi;
    }
  const dp_tokens *T = &F->toks;
  const char *s = F->tx->text;
  size_t ta = p->ta, tb = p->tb, core_tb = p->tb;
  size_t used = nchars(s, T->v[ta].start, T->v[tb].end);
  size_t free_ = budget > used ? budget - used : 0;
  /* start of the sentence when it is cheap */
  size_t st = ta;
  while (st > 0 && !(T->v[st].flags & DP_TOK_SENT_START) &&
         tok_free(F, st - 1, all, nall, self))
    st--;
  int snapped = 0;
  if ((T->v[st].flags & DP_TOK_SENT_START) || st == 0) {
    size_t lead = nchars(s, T->v[st].start, T->v[ta].start);
    if (lead <= (size_t)(free_ * before * 1.5)) {
      ta = st;
      snapped = 1;
    }
  }
  used = nchars(s, T->v[ta].start, T->v[tb].end);
  free_ = budget > used ? budget - used : 0;
  /* some context before the first hit when not at a sentence start */
  if (!snapped) {
    size_t want = (size_t)(free_ * before);
    while (ta > 0 && tok_free(F, ta - 1, all, nall, self)) {
      size_t c = nchars(s, T->v[ta - 1].start, T->v[ta].start);
      if (c > want)
        break;
      want -= c;
      ta--;
      if (T->v[ta].flags & DP_TOK_SENT_START)
        break;
    }
  }
  /* then to the right, then left again with what is left */
  used = nchars(s, T->v[ta].start, T->v[tb].end); /* kept up to date */
  for (;;) {
    size_t d;
    if (tb + 1 < T->n && tok_free(F, tb + 1, all, nall, self) &&
        used + (d = nchars(s, T->v[tb].end, T->v[tb + 1].end)) <= budget) {
      /* joined compounds overlap their parts: spans need not grow */
      if (T->v[tb + 1].end >= T->v[tb].end)
        used += d;
      else
        used = nchars(s, T->v[ta].start, T->v[tb + 1].end);
      tb++;
      continue;
    }
    if (ta > 0 && tok_free(F, ta - 1, all, nall, self) &&
        used + (d = nchars(s, T->v[ta - 1].start, T->v[ta].start)) <= budget) {
      if (T->v[ta - 1].start <= T->v[ta].start)
        used += d;
      else
        used = nchars(s, T->v[ta - 1].start, T->v[tb].end);
      ta--;
      continue;
    }
    break;
  }
  /* do not end on the first words of a new sentence */
  for (size_t k = tb; tb + 1 < T->n && k > core_tb; k--) {
    if (!(T->v[k].flags & DP_TOK_SENT_START))
      continue;
    if (nchars(s, T->v[k].start, T->v[tb].end) * 4 < budget) {
      tb = k - 1;
      /* and give the room to the left */
      used = nchars(s, T->v[ta].start, T->v[tb].end);
      while (ta > 0 && tok_free(F, ta - 1, all, nall, self) &&
             used + nchars(s, T->v[ta - 1].start, T->v[ta].start) <= budget) {
        used += nchars(s, T->v[ta - 1].start, T->v[ta].start);
        ta--;
      }
    }
    break;
  }
  /* never start or end inside a compound ("États-Unis", "l'été"): take
   * the glued neighbours too */
  while (ta > 0 && tok_free(F, ta - 1, all, nall, self) &&
         glued(s, T->v[ta - 1].end, T->v[ta].start))
    ta--;
  while (tb + 1 < T->n && tok_free(F, tb + 1, all, nall, self) &&
         glued(s, T->v[tb].end, T->v[tb + 1].start))
    tb++;
  p->ta = ta;
  p->tb = tb;
  /* bytes: whole words with their attached punctuation */
  size_t a = T->v[ta].start, b = T->v[tb].end, len = F->tx->len;
  size_t lim = a > 12 ? a - 12 : 0;
  while (a > lim && s[a - 1] != ' ' && s[a - 1] != '\n' && s[a - 1] != '\t' &&
         s[a - 1] != '\r' && (ta == 0 || a > T->v[ta - 1].end))
    a--;
  while (a < len && ((unsigned char)s[a] & 0xc0) == 0x80)
    a++;
  lim = b + 12 < len ? b + 12 : len;
  while (b < lim && s[b] != ' ' && s[b] != '\n' && s[b] != '\t' &&
         s[b] != '\r' && (tb + 1 >= T->n || b < T->v[tb + 1].start))
    b++;
  /* French spacing: "mot :" "mot »" */
  if (b + 1 < len && s[b] == ' ' && strchr(":;!?", s[b + 1]) &&
      (tb + 1 >= T->n || b + 1 < T->v[tb + 1].start))
    b += 2;
  while (b < len && ((unsigned char)s[b] & 0xc0) == 0x80)
    b++;
  p->start = a;
  p->end = b;
}

static int pass_cmp(const void *x, const void *y) {
  const passage *a = x, *b = y;
  if (a->field != b->field)
    return a->field < b->field ? -1 : 1;
  return a->start < b->start ? -1 : a->start > b->start;
}

static int span_cmp(const void *x, const void *y) {
  const dps_span *a = x, *b = y;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  return a->end < b->end ? -1 : a->end > b->end;
}

/* Sorts and merges overlapping spans in place; returns the new count. */
static size_t merge_spans(dps_span *v, size_t n) {
  if (n < 2)
    return n;
  qsort(v, n, sizeof *v, span_cmp);
  size_t o = 0;
  for (size_t i = 1; i < n; i++) {
    if (v[i].start <= v[o].end) {
      if (v[i].end > v[o].end)
        v[o].end = v[i].end;
    } else {
      v[++o] = v[i];
    }
  }
  return o + 1;
}

/* Appends text bytes with control characters shown as spaces. */
static void add_clean(dps_buf *b, const char *s, size_t n) {
  size_t from = 0, i = 0;
  while (i < n) {
#if defined(__SSE2__)
    /* sixteen bytes without one (0x00..0x1f, 0x7f) at a time */
    const __m128i sp = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f),
                  neg = _mm_set1_epi8(-1);
    while (i + 16 <= n) {
      __m128i x = _mm_loadu_si128((const __m128i *)(s + i));
      __m128i ctl = _mm_or_si128(
          _mm_and_si128(_mm_cmpgt_epi8(x, neg), _mm_cmplt_epi8(x, sp)),
          _mm_cmpeq_epi8(x, del));
      if (_mm_movemask_epi8(ctl))
        break;
      i += 16;
    }
#endif
    /* then up to sixteen bytes one by one */
    for (size_t stop = n - i > 16 ? i + 16 : n; i < stop; i++) {
      unsigned char c = (unsigned char)s[i];
      if (c < 0x20 || c == 0x7f) {
        dps_buf_add(b, s + from, i - from);
        dps_buf_putc(b, ' ');
        from = i + 1;
      }
    }
  }
  dps_buf_add(b, s + from, n - from);
}

/* Whether s[0, at) holds more than spaces. */
static int text_before(const char *s, size_t at) {
  while (at > 0) {
    char c = s[--at];
    if (c != ' ' && c != '\n' && c != '\t' && c != '\r')
      return 1;
  }
  return 0;
}

/* Whether the passage stops inside a sentence that goes on in the text
 * (then it ends with " …"). With windowed analysis the next token may be
 * in another window or not analysed at all: the text decides then. */
static int more_after(const field_state *F, const passage *p) {
  const dp_tokens *T = &F->toks;
  const char *s = F->tx->text;
  size_t n = F->tx->len, e = p->end;
  while (e < n && (s[e] == ' ' || s[e] == '\n' || s[e] == '\t' || s[e] == '\r'))
    e++;
  if (e >= n)
    return 0;
  for (size_t w = 0; w < F->nwin; w++)
    if (p->tb >= F->win[w].lo && p->tb < F->win[w].hi)
      return !(T->v[p->tb + 1].flags & DP_TOK_SENT_START);
  if (F->nwin == 0 && p->tb + 1 < T->n)
    return !(T->v[p->tb + 1].flags & DP_TOK_SENT_START);
  size_t b = p->end;
  while (b > p->start && (s[b - 1] == ' ' || s[b - 1] == '"'))
    b--;
  return !(b > p->start && strchr(".!?", s[b - 1]));
}

static const char ELLIPSIS[] = "\xe2\x80\xa6"; /* … */

void dps_snippet_free(dps_snippet *s) {
  if (!s)
    return;
  free(s->text);
  free(s->spans);
  memset(s, 0, sizeof *s);
}

int dps_snippet_make(dps_snippet *out, dp_analyzer *a, const dps_hl *hl,
                     const dps_text *texts, size_t ntexts,
                     const dp_record_entity *ents, size_t nents,
                     const dps_snip_opts *o, char **errmsg) {
  return dps_snippet_make_with(NULL, out, a, hl, texts, ntexts, ents, nents, o,
                               errmsg);
}

/* The scratch slot of field f, or NULL. */
static dp_tokens *field_slot(dps_snip_scratch *sc, size_t f) {
  return sc && f < DPS_SCRATCH_FIELDS ? &sc->toks[f] : NULL;
}

int dps_snippet_make_with(dps_snip_scratch *sc, dps_snippet *out,
                          dp_analyzer *a, const dps_hl *hl,
                          const dps_text *texts, size_t ntexts,
                          const dp_record_entity *ents, size_t nents,
                          const dps_snip_opts *o, char **errmsg) {
  memset(out, 0, sizeof *out);
  if (errmsg)
    *errmsg = NULL;
  dps_snip_opts opts = DPS_SNIP_OPTS_INIT;
  if (o)
    opts = *o;
  if (opts.passages == 0)
    opts.passages = 1;
  if (opts.passages > 16)
    opts.passages = 16;
  if (opts.chars < 20)
    opts.chars = 20;
  size_t ngroups = hl->nterms + hl->nents + hl->nphrases + 1;
  /* the usual few fields and groups on the stack, more on the heap */
  field_state F_few[DPS_SCRATCH_FIELDS];
  double used_few[32], seen_few[32];
  field_state *F = ntexts <= DPS_SCRATCH_FIELDS ? memset(F_few, 0, sizeof F_few)
                                                : calloc(ntexts, sizeof *F);
  double *used = ngroups <= 32 ? memset(used_few, 0, sizeof used_few)
                               : calloc(ngroups, sizeof *used);
  double *seen = ngroups <= 32 ? memset(seen_few, 0, sizeof seen_few)
                               : calloc(ngroups, sizeof *seen);
  passage chosen[16];
  size_t nch = 0;
  dps_buf b = {0};
  dps_span *spans = NULL;
  size_t nspans = 0, capspans = 0;
  int rc = -1;
  if (!F || !used || !seen)
    goto done;
  for (size_t f = 0; f < ntexts; f++)
    F[f].toks = tokens_take(field_slot(sc, f));
  size_t radius = (size_t)opts.chars *
                      (opts.radius_pct ? opts.radius_pct : 100) / 100 *
                      opts.passages +
                  32;
  for (size_t f = 0; f < ntexts; f++)
    if (prepare_field(&F[f], a, hl, &texts[f], ents, nents, radius, 0,
                      opts.max_per_term ? opts.max_per_term : 3,
                      (size_t)opts.chars * 11 / 10, opts.passages,
                      opts.min_ratio))
      goto done;
  if (opts.other_sentence <= 0)
    opts.other_sentence = 0.5;
  if (opts.window_scale <= 0)
    opts.window_scale = 1.4;
  if (opts.weight_power <= 0)
    opts.weight_power = 0.25;
  size_t wchars = (size_t)(opts.chars * opts.window_scale);
  /* the hits of a group share its weight: one pow per group (used[] and
   * seen[] are free until the passages are chosen: the weight, -1 for
   * none yet, and its pow) */
  for (size_t g = 0; g < ngroups; g++)
    used[g] = -1;
  for (size_t f = 0; f < ntexts; f++)
    for (size_t i = 0; i < F[f].H.n; i++) {
      hit *h = &F[f].H.v[i];
      if (h->group < ngroups && used[h->group] == h->weight) {
        h->sweight = seen[h->group];
        continue;
      }
      h->sweight = pow(h->weight, opts.weight_power);
      if (h->group < ngroups) {
        used[h->group] = h->weight;
        seen[h->group] = h->sweight;
      }
    }
  memset(seen, 0, ngroups * sizeof *seen);
  memset(used, 0, ngroups * sizeof *used);
  /* choose passages, best first */
  while (nch < opts.passages) {
    passage best = {0};
    int found = 0;
    for (size_t f = 0; f < ntexts; f++) {
      passage p = {0};
      if (best_window(&F[f], f, chosen, nch, used, seen, ngroups, wchars, &opts,
                      &p) &&
          (!found || p.score > best.score)) {
        best = p;
        found = 1;
      }
    }
    /* another passage only when it shows enough that the first does not */
    if (!found || (nch > 0 && (best.score <= 0.05 ||
                               best.score < opts.min_ratio * chosen[0].score)))
      break;
    const hits *H = &F[best.field].H;
    for (size_t i = 0; i < H->n; i++)
      if (H->v[i].start >= best.start && H->v[i].end <= best.end)
        used[H->v[i].group] += 1;
    chosen[nch++] = best;
  }
  if (nch == 0) {
    /* nothing matched: the lead, else the body, from its start */
    for (size_t f = 0; f < ntexts; f++) {
      const dp_tokens *T = &F[f].toks;
      if (T->n == 0 && texts[f].text && texts[f].len) {
        /* a long text was only scanned: analyse its start now */
        size_t n = texts[f].len, we = radius * 2 < n ? radius * 2 : n;
        uint32_t np = 0;
        while (we < n && texts[f].text[we] != ' ' && texts[f].text[we] != '\n')
          we++;
        /* no hits: no token's strings are read */
        dp_lean_filter none = {{0}, 0};
        if (analyze_window(&F[f], a, 0, we, &none, &np))
          goto done;
      }
      size_t k = 0;
      while (k < T->n && (T->v[k].flags & DP_TOK_FURNITURE))
        k++;
      if (k >= T->n)
        continue;
      passage p = {f, k, k, T->v[k].start, T->v[k].end, 0};
      chosen[nch++] = p;
      break;
    }
  } else {
    out->matched = 1;
  }
  /* budget: what unused passages leave is shared */
  size_t budget = (size_t)opts.chars * opts.passages / (nch ? nch : 1);
  qsort(chosen, nch, sizeof *chosen, pass_cmp);
  for (size_t c = 0; c < nch; c++)
    expand(&F[chosen[c].field], chosen, nch, c, budget,
           opts.before > 0 ? opts.before : 0.35);
  /* assemble */
  for (size_t c = 0; c < nch; c++) {
    const passage *p = &chosen[c];
    const field_state *fs = &F[p->field];
    const dp_tokens *T = &fs->toks;
    int cut_before = !(T->v[p->ta].flags & DP_TOK_SENT_START) &&
                     text_before(fs->tx->text, p->start);
    if (c == 0 && cut_before) {
      dps_buf_puts(&b, ELLIPSIS);
      dps_buf_putc(&b, ' ');
    } else if (c > 0) {
      dps_buf_putc(&b, ' ');
      dps_buf_puts(&b, ELLIPSIS);
      dps_buf_putc(&b, ' ');
    }
    size_t base = b.len;
    add_clean(&b, fs->tx->text + p->start, p->end - p->start);
    const hits *H = &fs->H;
    for (size_t i = 0; out->matched && i < H->n; i++) {
      const hit *h = &H->v[i];
      if (h->end <= p->start || h->start >= p->end)
        continue;
      size_t s0 = h->start < p->start ? p->start : h->start;
      size_t e0 = h->end > p->end ? p->end : h->end;
      if (grow((void **)&spans, &capspans, nspans, sizeof *spans))
        goto done;
      spans[nspans].start = base + s0 - p->start;
      spans[nspans].end = base + e0 - p->start;
      nspans++;
    }
    if (c + 1 == nch && more_after(fs, p)) {
      dps_buf_putc(&b, ' ');
      dps_buf_puts(&b, ELLIPSIS);
    }
  }
  if (b.oom)
    goto done;
  out->len = b.len;
  out->text = dps_buf_take(&b);
  if (!out->text)
    goto done;
  out->nspans = merge_spans(spans, nspans);
  out->spans = spans;
  spans = NULL;
  rc = 0;
done:
  for (size_t f = 0; F && f < ntexts; f++)
    field_free(&F[f], field_slot(sc, f));
  if (F != F_few)
    free(F);
  if (used != used_few)
    free(used);
  if (seen != seen_few)
    free(seen);
  free(spans);
  dps_buf_free(&b);
  if (rc) {
    dps_snippet_free(out);
    if (errmsg)
      *errmsg = dp_strndup("out of memory", 13);
  }
  return rc;
}

int dps_highlight_all(dps_span **out, size_t *n, dp_analyzer *a,
                      const dps_hl *hl, const dps_text *t,
                      const dp_record_entity *ents, size_t nents) {
  return dps_highlight_all_with(NULL, out, n, a, hl, t, ents, nents);
}

int dps_highlight_all_with(dps_snip_scratch *sc, dps_span **out, size_t *n,
                           dp_analyzer *a, const dps_hl *hl, const dps_text *t,
                           const dp_record_entity *ents, size_t nents) {
  *out = NULL;
  *n = 0;
  if (!t->text || t->len == 0)
    return 0;
  hits H = {0};
  dp_tokens T = {0};
  int rc = -1;
  { /* the byte scan first: nothing can match, nothing to analyse */
    cand *pos = NULL;
    size_t npos = 0, cap = 0;
    int unsure = 0;
    if (candidates(hl, t, ents, nents, 1, 0, &pos, &npos, &cap, &unsure)) {
      free(pos);
      return -1;
    }
    free(pos);
    if (npos == 0 && !unsure)
      return 0;
  }
  T = tokens_take(sc ? &sc->title : NULL);
  dp_lean_filter filter;
  if (dp_analyze_lean_filtered(a, t->text, t->len, 0,
                               dps_hl_filter(hl, &filter), &T) == (uint32_t)-1)
    goto done;
  if (find_hits(&H, hl, &T, t, ents, nents))
    goto done;
  if (H.n) {
    dps_span *v = malloc(H.n * sizeof *v);
    if (!v)
      goto done;
    for (size_t i = 0; i < H.n; i++) {
      v[i].start = H.v[i].start;
      v[i].end = H.v[i].end;
    }
    *n = merge_spans(v, H.n);
    *out = v;
  }
  rc = 0;
done:
  tokens_release(&T, sc ? &sc->title : NULL);
  free(H.v);
  return rc;
}

char *dps_render(const char *text, size_t len, const dps_span *spans, size_t n,
                 const char *pre, const char *post, int escape) {
  dps_buf b = {0};
  size_t at = 0;
  for (size_t i = 0; i < n; i++) {
    size_t s = spans[i].start, e = spans[i].end;
    if (s < at || e > len || s >= e)
      continue;
    if (escape)
      dps_buf_add_html(&b, text + at, s - at);
    else
      dps_buf_add(&b, text + at, s - at);
    if (pre)
      dps_buf_puts(&b, pre);
    if (escape)
      dps_buf_add_html(&b, text + s, e - s);
    else
      dps_buf_add(&b, text + s, e - s);
    if (post)
      dps_buf_puts(&b, post);
    at = e;
  }
  if (escape)
    dps_buf_add_html(&b, text + at, len - at);
  else
    dps_buf_add(&b, text + at, len - at);
  return dps_buf_take(&b);
}

double dps_best_window_score(dp_analyzer *a, const dps_hl *hl,
                             const dps_text *texts, size_t ntexts,
                             unsigned chars) {
  size_t ngroups = hl->nterms + hl->nents + hl->nphrases + 1;
  double *used = calloc(ngroups, sizeof *used);
  double *seen = calloc(ngroups, sizeof *seen);
  double best = 0;
  for (size_t f = 0; used && seen && f < ntexts; f++) {
    field_state F = {0};
    if (prepare_field(&F, a, hl, &texts[f], NULL, 0, chars + 64, 0, 3, 0, 0,
                      0) == 0) {
      passage p = {0};
      if (best_window(&F, 0, NULL, 0, used, seen, ngroups, chars, NULL, &p) &&
          p.score > best)
        best = p.score;
    }
    field_free(&F, NULL);
  }
  free(used);
  free(seen);
  return best;
}
