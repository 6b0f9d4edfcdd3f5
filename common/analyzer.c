/* analyzer.c — French text analysis (see analyzer.h and docs/analyzer.md).
 *
 * One pass over the bytes:
 *  1. the scanner decodes each code point once (ASCII inline, classes of
 *     U+0080..U+07FF and U+2000..U+207F remembered per analyzer) and
 *     classifies it (letter, digit, mark, apostrophe, hyphen, dot, comma,
 *     space...);
 *  2. "raw words" are maximal runs of letters/digits/marks; raw words joined
 *     by a single connector (' ’ ʼ - . , or a space between digit groups)
 *     form a chunk;
 *  3. a chunk is cut into units (elision dropped, apostrophe words glued,
 *     numbers and dotted acronyms glued) and groups (units joined by hyphens
 *     or dots = compounds);
 *  4. each unit is looked up in a small word cache (surface bytes -> lower,
 *     term, stem, stop flag); only misses call utf8proc and libstemmer;
 *  5. a last pass over the new tokens flags page furniture.
 * Token strings are copied into the dp_tokens arena: no malloc per token.
 */
#include "analyzer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "stoplist.h"
#include "text.h"

/* ------------------------------------------------------------------ arena */

struct dp_arena_blk {
  struct dp_arena_blk *next; /* next block, or NULL */
  size_t cap;                /* bytes in data */
  size_t used;               /* bytes handed out since the last clear */
  char data[];               /* the storage */
};

struct dp_arena {
  struct dp_arena_blk *head; /* first block */
  struct dp_arena_blk *cur;  /* block being filled */
};

#define DP_ARENA_BLOCK 65536

static char *arena_alloc(struct dp_arena *ar, size_t n) {
  while (ar->cur && ar->cur->cap - ar->cur->used < n && ar->cur->next)
    ar->cur = ar->cur->next;
  struct dp_arena_blk *b = ar->cur;
  if (!b || b->cap - b->used < n) {
    size_t cap = n > DP_ARENA_BLOCK ? n : DP_ARENA_BLOCK;
    struct dp_arena_blk *nb = malloc(sizeof *nb + cap);
    if (!nb)
      return NULL;
    nb->next = NULL;
    nb->cap = cap;
    nb->used = 0;
    if (b)
      b->next = nb;
    else
      ar->head = nb;
    ar->cur = b = nb;
  }
  char *p = b->data + b->used;
  b->used += n;
  return p;
}

void dp_tokens_clear(dp_tokens *t) {
  t->n = 0;
  if (t->arena) {
    for (struct dp_arena_blk *b = t->arena->head; b; b = b->next)
      b->used = 0;
    t->arena->cur = t->arena->head;
  }
}

void dp_tokens_free(dp_tokens *t) {
  free(t->v);
  if (t->arena) {
    struct dp_arena_blk *b = t->arena->head;
    while (b) {
      struct dp_arena_blk *next = b->next;
      free(b);
      b = next;
    }
    free(t->arena);
  }
  t->v = NULL;
  t->n = t->cap = 0;
  t->arena = NULL;
}

/* ------------------------------------------------------------- analyzer */

/* The word cache: slots[] is an open-addressing table of 64-bit values,
 * (hash tag << 32) | pool offset, 0 = empty; it stays small enough to sit in
 * the CPU cache. Each pool record holds, contiguously: a header (key, lower,
 * term and stem lengths as uint16, a flags byte (REC_STOP: stopword,
 * REC_STEM_IS_TERM: the stem equals the term and is not stored again), then
 * the token flags of the classifier's value as a uint32, 0 without a
 * classifier), then the key bytes, then term, stem (unless equal to the
 * term) and lower, each NUL-terminated, so a hit touches one or two cache
 * lines and a token's term and stem are copied from it in one go. */
#define REC_HDR 13
#define REC_STOP 1
#define REC_STEM_IS_TERM 2
/* What the analyzer knows about one word (pointers valid until the next
 * cache insertion). */
struct winfo {
  const char *lower; /* NFKC case-folded, accents kept */
  size_t llen;
  const char *term; /* folded */
  size_t tlen;
  const char *stem; /* folded stem */
  size_t slen;
  int stop;     /* stopword */
  uint32_t cls; /* DP_TOK_CLASSIFIED | classifier value, or 0 */
  int cached;   /* the strings are in the word cache (else in scratch) */
};

/* A run of letters/digits/marks. */
struct rawword {
  size_t s, e;         /* byte span */
  uint32_t nletters;   /* letters */
  uint32_t nupper;     /* uppercase letters */
  uint32_t ndigits;    /* digits */
  uint8_t first_upper; /* starts with an uppercase letter */
  uint8_t first_digit; /* starts with a digit */
  uint8_t glued;       /* cut before a capital: "corpsIl" (see scan_raw) */
};

enum conn_kind {
  CONN_NONE,
  CONN_APOS,
  CONN_HYPHEN,
  CONN_DOT,
  CONN_COMMA,
  CONN_SPACE
};
enum unit_kind { UNIT_WORD, UNIT_ACRO };

/* A unit = one token-to-be: glued raw words. */
struct unit {
  size_t s, e; /* surface span */
  uint32_t nletters, nupper, ndigits;
  uint8_t kind;        /* enum unit_kind */
  uint8_t elided;      /* an elided article was dropped before it */
  uint8_t joiner;      /* CONN_HYPHEN or CONN_DOT before it in its group */
  uint8_t first_upper; /* surface starts with an uppercase letter */
  uint8_t has_dot;     /* number glued with '.' */
  uint8_t has_comma;   /* number glued with ',' */
  uint8_t has_space;   /* number glued with a group space */
};

#define CLS_MEMO (0x800 + 0x80)
#define CLS_KNOWN 0x80

struct dp_analyzer {
  struct sb_stemmer *stemmer; /* Snowball French, UTF-8 */
  dp_text_scratch sc;         /* code point scratch for folding */
  dp_strbuf lower, term, stem, key, jterm, canon; /* scratch strings */
  uint64_t *slots;                                /* word cache (see REC_HDR) */
  size_t tab_cap;                                 /* power of two */
  size_t tab_n;                                   /* used slots */
  char **pblk;       /* cache records: blocks of POOL_BLOCK bytes that never
                        move (lean tokens point into them) */
  size_t npblk;      /* blocks allocated */
  size_t pool_len;   /* offset of the next record (block * POOL_BLOCK + at) */
  struct rawword *w; /* current chunk's raw words */
  uint8_t *conn;     /* conn[i] joins w[i] and w[i+1] */
  size_t wcap;
  struct unit *u; /* current chunk's units */
  size_t ucap;
  /* classes of the code points U+0080..U+07FF (Latin-1, accents, Greek,
   * Cyrillic...) and U+2000..U+207F (spaces, dashes, quotes), as found by
   * cp_class on first use, for the scanner's fast path: 0 = not yet known,
   * else CLS_KNOWN | (upper << 4) | enum cls */
  uint8_t cls_memo[CLS_MEMO];
  dp_word_classifier classify; /* optional word classifier, or NULL */
  const void *classify_ctx;    /* its context */
  /* per dp_analyze call */
  const char *text;
  size_t len;
  dp_tokens *out;
  uint32_t pos;     /* next position */
  int sent_pending; /* next token starts a sentence */
  int failed;       /* allocation failure seen */
  int lean;         /* in dp_analyze_lean: strings are not copied, and the
                       word cache is never reset (records never move) */
  const dp_lean_filter *filter; /* dp_analyze_lean_filtered's (or NULL) */
};

/* For the per-token path: a call costs more than these small functions. */
#if defined(__GNUC__)
#define DP_HOT static inline __attribute__((always_inline))
#else
#define DP_HOT static inline
#endif

/* The word cache starts small (2 KB) and doubles: a query analyses a few
 * words, and every fresh page costs a process a fault; an indexer reaches
 * CACHE_MAX after a few thousand distinct words anyway. */
#define CACHE_MIN 256
#define CACHE_MAX 131072
#ifndef DP_ANALYZER_CACHE_MAX_KEY /* -D...=0 disables the cache (bench) */
#define DP_ANALYZER_CACHE_MAX_KEY 64
#endif
#define CACHE_MAX_KEY DP_ANALYZER_CACHE_MAX_KEY
#define CACHE_MAX_POOL (8u << 20)
/* Pool blocks: a record is at most REC_HDR + CACHE_MAX_KEY + 3 * 65535 + 3
 * bytes (word_info caches no longer strings), less than a block. */
#define POOL_BLOCK_BITS 18
#define POOL_BLOCK ((size_t)1 << POOL_BLOCK_BITS)

/* The pool record at offset off. */
static inline const char *pool_rec(const dp_analyzer *a, uint32_t off) {
  return a->pblk[off >> POOL_BLOCK_BITS] + (off & (POOL_BLOCK - 1));
}

int dp_analyzer_new(dp_analyzer **out, char **errmsg) {
  *out = NULL;
  const char *why = "out of memory";
  dp_analyzer *a = calloc(1, sizeof *a);
  if (!a)
    goto fail;
  a->stemmer = sb_stemmer_new("french", NULL);
  if (!a->stemmer) {
    why = "libstemmer: no French stemmer for UTF-8";
    goto fail;
  }
  a->tab_cap = CACHE_MIN;
  a->slots = calloc(a->tab_cap, sizeof *a->slots);
  if (!a->slots)
    goto fail;
  *out = a;
  return 0;
fail:
  dp_analyzer_free(a);
  if (errmsg) {
    *errmsg = malloc(strlen(why) + 32);
    if (*errmsg)
      sprintf(*errmsg, "analyzer: %s", why);
  }
  return -1;
}

void dp_analyzer_free(dp_analyzer *a) {
  if (!a)
    return;
  if (a->stemmer)
    sb_stemmer_delete(a->stemmer);
  dp_text_scratch_free(&a->sc);
  dp_strbuf_free(&a->lower);
  dp_strbuf_free(&a->term);
  dp_strbuf_free(&a->stem);
  dp_strbuf_free(&a->key);
  dp_strbuf_free(&a->jterm);
  dp_strbuf_free(&a->canon);
  free(a->slots);
  for (size_t i = 0; i < a->npblk; i++)
    free(a->pblk[i]);
  free(a->pblk);
  free(a->w);
  free(a->conn);
  free(a->u);
  free(a);
}

/* Is the folded word t a stopword? (dp_stoplist: sorted at build time) */
static int is_stop(const char *t) {
  size_t lo = 0, hi = dp_stoplist_n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(t, dp_stoplist[mid]);
    if (c == 0)
      return 1;
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return 0;
}

int dp_is_stopword(const char *folded_word) {
  return folded_word && *folded_word && is_stop(folded_word);
}

/* Folded Snowball stem of w[0,n), written to a->stem. */
static int stem_word(dp_analyzer *a, const char *w, size_t n) {
  if (n > 0x7fffffff)
    return -1;
  const sb_symbol *s =
      sb_stemmer_stem(a->stemmer, (const sb_symbol *)w, (int)n);
  if (!s)
    return -1;
  int sn = sb_stemmer_length(a->stemmer);
  return dp_text_fold(&a->sc, (const char *)s, (size_t)sn, &a->stem);
}

/* Accent-stable stemming. Snowball French reads accents in a few suffixes
 * (-ière, -ée, -ité, -èrent...), so stemming the accented word makes
 * "régulière" (reguli) and "reguliere" (regulier) differ, and a user who
 * types without accents would miss 2.8% of the words of real news
 * (première, sécurité, journée...). Token stems are therefore computed from
 * the folded term alone, with the accents of those suffixes put back in one
 * canonical way: whatever the accents of the input, one stem. */
static const struct {
  const char *plain, *accented;
} accent_suffixes[] = {
    {"ieres", "i\xC3\xA8res"},
    {"iere", "i\xC3\xA8re"},
    {"erent", "\xC3\xA8rent"},
    {"ees", "\xC3\xA9"
            "es"},
    {"ee", "\xC3\xA9"
           "e"},
    {"ites", "it\xC3\xA9s"},
    {"ite", "it\xC3\xA9"},
};

static int stem_term(dp_analyzer *a, const char *term, size_t n) {
  for (size_t i = 0; i < sizeof accent_suffixes / sizeof *accent_suffixes;
       i++) {
    size_t pl = strlen(accent_suffixes[i].plain);
    if (n > pl + 1 &&
        memcmp(term + n - pl, accent_suffixes[i].plain, pl) == 0) {
      a->canon.len = 0;
      if (dp_strbuf_append(&a->canon, term, n - pl) != 0 ||
          dp_strbuf_append(&a->canon, accent_suffixes[i].accented,
                           strlen(accent_suffixes[i].accented)) != 0)
        return -1;
      return stem_word(a, a->canon.s, a->canon.len);
    }
  }
  return stem_word(a, term, n);
}

int dp_analyzer_stem(dp_analyzer *a, const char *word, size_t len, char **out) {
  *out = NULL;
  if (dp_text_lower(&a->sc, word, len, &a->lower) != 0 ||
      a->lower.len > 0x7fffffff)
    return -1;
  if (a->lower.len == 0) {
    *out = calloc(1, 1);
    return *out ? 0 : -1;
  }
  if (stem_word(a, a->lower.s, a->lower.len) != 0)
    return -1;
  *out = malloc(a->stem.len + 1);
  if (!*out)
    return -1;
  memcpy(*out, a->stem.s, a->stem.len + 1);
  return 0;
}

DP_HOT int word_info(dp_analyzer *a, const char *s, size_t n, int has_digit,
                     struct winfo *wi);

int dp_analyzer_token_stem(dp_analyzer *a, const char *word, size_t len,
                           char **out) {
  struct winfo wi;
  int has_digit = 0;
  for (size_t i = 0; i < len; i++)
    if (word[i] >= '0' && word[i] <= '9')
      has_digit = 1;
  *out = NULL;
  if (word_info(a, word, len, has_digit, &wi) != 0)
    return -1;
  *out = malloc(wi.slen + 1);
  if (!*out)
    return -1;
  memcpy(*out, wi.stem, wi.slen);
  (*out)[wi.slen] = '\0';
  return 0;
}

/* Hash of the word cache: eight bytes at a time, the last ones read
 * overlapping (the length is mixed in); this runs for every token. */
DP_HOT uint64_t hash_bytes(const char *s, size_t n) {
  const uint64_t m = 0xff51afd7ed558ccdull;
  uint64_t h = 0x9e3779b97f4a7c15ull ^ (uint64_t)n, x = 0;
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      memcpy(&x, s + i, 8);
      h = (h ^ x) * m;
      h ^= h >> 32;
    }
    memcpy(&x, s + n - 8, 8);
  } else if (n >= 4) {
    uint32_t lo, hi;
    memcpy(&lo, s, 4);
    memcpy(&hi, s + n - 4, 4);
    x = lo | (uint64_t)hi << 32;
  } else if (n > 0) {
    x = (unsigned char)s[0] | (uint64_t)(unsigned char)s[n / 2] << 8 |
        (uint64_t)(unsigned char)s[n - 1] << 16;
  }
  h = (h ^ x) * m;
  h ^= h >> 29;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 32;
  return h ? h : 1;
}

static void cache_reset(dp_analyzer *a) {
  memset(a->slots, 0, a->tab_cap * sizeof *a->slots);
  a->tab_n = 0;
  a->pool_len = 0;
}

void dp_analyzer_set_classifier(dp_analyzer *a, dp_word_classifier fn,
                                const void *ctx) {
  a->classify = fn;
  a->classify_ctx = fn ? ctx : NULL;
  if (a->slots)
    cache_reset(a); /* cached words carry the old classifier's values */
}

static int cache_grow(dp_analyzer *a) {
  size_t ncap = a->tab_cap * 2;
  uint64_t *nt = calloc(ncap, sizeof *nt);
  if (!nt)
    return -1;
  for (size_t i = 0; i < a->tab_cap; i++) {
    uint64_t v = a->slots[i];
    if (!v)
      continue;
    /* the slot index came from the hash's low bits; recompute it */
    const char *rec = pool_rec(a, (uint32_t)v);
    uint16_t klen;
    memcpy(&klen, rec, 2);
    size_t j = (size_t)hash_bytes(rec + REC_HDR, klen) & (ncap - 1);
    while (nt[j])
      j = (j + 1) & (ncap - 1);
    nt[j] = v;
  }
  free(a->slots);
  a->slots = nt;
  a->tab_cap = ncap;
  return 0;
}

DP_HOT void winfo_from_rec(const char *rec, struct winfo *wi) {
  uint16_t len[4];
  memcpy(len, rec, sizeof len);
  unsigned f = (unsigned char)rec[8];
  const char *p = rec + REC_HDR + len[0];
  wi->term = p;
  wi->tlen = len[2];
  p += len[2] + 1;
  wi->stem = f & REC_STEM_IS_TERM ? wi->term : p;
  wi->slen = len[3];
  if (!(f & REC_STEM_IS_TERM))
    p += len[3] + 1;
  wi->lower = p;
  wi->llen = len[1];
  wi->stop = (int)(f & REC_STOP);
  memcpy(&wi->cls, rec + 9, sizeof wi->cls);
  wi->cached = 1;
}

/* Whether x[0,n) equals y[0,n), for the short keys of the word cache
 * (inline: a libc call costs more than the comparison). */
static inline int same_bytes(const char *x, const char *y, size_t n) {
  uint64_t p, q;
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      memcpy(&p, x + i, 8);
      memcpy(&q, y + i, 8);
      if (p != q)
        return 0;
    }
    memcpy(&p, x + n - 8, 8);
    memcpy(&q, y + n - 8, 8);
    return p == q;
  }
  if (n >= 4) {
    uint32_t a, b, c, d;
    memcpy(&a, x, 4);
    memcpy(&b, y, 4);
    memcpy(&c, x + n - 4, 4);
    memcpy(&d, y + n - 4, 4);
    return a == b && c == d;
  }
  for (size_t i = 0; i < n; i++)
    if (x[i] != y[i])
      return 0;
  return 1;
}

/* Appends a record; returns its offset, or UINT32_MAX (no memory). */
static uint32_t pool_add(dp_analyzer *a, const char *key, size_t klen, int stop,
                         uint32_t cls) {
  int same = a->stem.len == a->term.len &&
             memcmp(a->stem.s, a->term.s, a->term.len) == 0;
  size_t need = REC_HDR + klen + a->lower.len + a->term.len + 2 +
                (same ? 0 : a->stem.len + 1);
  if ((a->pool_len & (POOL_BLOCK - 1)) + need > POOL_BLOCK)
    a->pool_len = (a->pool_len | (POOL_BLOCK - 1)) + 1; /* next block */
  size_t b = a->pool_len >> POOL_BLOCK_BITS;
  if (b >= a->npblk) { /* records never move: a new block, not a realloc */
    char **v = realloc(a->pblk, (b + 1) * sizeof *v);
    if (!v)
      return UINT32_MAX;
    a->pblk = v;
    while (a->npblk <= b) {
      if (!(a->pblk[a->npblk] = malloc(POOL_BLOCK)))
        return UINT32_MAX;
      a->npblk++;
    }
  }
  uint32_t off = (uint32_t)a->pool_len;
  char *r = a->pblk[b] + (off & (POOL_BLOCK - 1));
  uint16_t len[4] = {(uint16_t)klen, (uint16_t)a->lower.len,
                     (uint16_t)a->term.len, (uint16_t)a->stem.len};
  memcpy(r, len, sizeof len);
  r[8] = (char)((stop ? REC_STOP : 0) | (same ? REC_STEM_IS_TERM : 0));
  memcpy(r + 9, &cls, sizeof cls);
  r += REC_HDR;
  memcpy(r, key, klen);
  r += klen;
  memcpy(r, a->term.s, a->term.len + 1);
  r += a->term.len + 1;
  if (!same) {
    memcpy(r, a->stem.s, a->stem.len + 1);
    r += a->stem.len + 1;
  }
  memcpy(r, a->lower.s, a->lower.len + 1);
  a->pool_len += need;
  return off;
}

static int word_info_miss(dp_analyzer *a, const char *s, size_t n,
                          int has_digit, struct winfo *wi, uint64_t h,
                          uint64_t tag, size_t slot);

/* Looks up (or computes and caches) the lower form, term, stem and stop flag
 * of the word s[0,n). Words with digits are not stemmed (stem = term). The
 * lookup is inline (a hit is the common case), the rest in word_info_miss.
 * Returns 0 or -1 on allocation failure. */
DP_HOT int word_info(dp_analyzer *a, const char *s, size_t n, int has_digit,
                     struct winfo *wi) {
  uint64_t h = 0;
  size_t slot = 0;
  uint64_t tag = 0;
  if (n <= CACHE_MAX_KEY) {
    h = hash_bytes(s, n);
    tag = ((h >> 32) | 1) << 32;
    slot = (size_t)h & (a->tab_cap - 1);
    for (uint64_t v; (v = a->slots[slot]) != 0;
         slot = (slot + 1) & (a->tab_cap - 1)) {
      if ((v & 0xFFFFFFFF00000000ull) != tag)
        continue;
      const char *rec = pool_rec(a, (uint32_t)v);
      uint16_t klen;
      memcpy(&klen, rec, 2);
      if (klen == n && same_bytes(rec + REC_HDR, s, n)) {
        winfo_from_rec(rec, wi);
        return 0;
      }
    }
  }
  return word_info_miss(a, s, n, has_digit, wi, h, tag, slot);
}

/* word_info of a word the cache does not hold: h, tag and slot are those
 * of its lookup (slot: the free slot where it stopped). */
static int word_info_miss(dp_analyzer *a, const char *s, size_t n,
                          int has_digit, struct winfo *wi, uint64_t h,
                          uint64_t tag, size_t slot) {
  if (dp_text_lower(&a->sc, s, n, &a->lower) != 0 ||
      dp_text_fold(&a->sc, a->lower.s, a->lower.len, &a->term) != 0)
    return -1;
  a->stem.len = 0;
  if (has_digit || a->term.len == 0) {
    if (dp_strbuf_append(&a->stem, a->term.s, a->term.len) != 0)
      return -1;
  } else if (stem_term(a, a->term.s, a->term.len) != 0) {
    return -1;
  }
  if (a->stem.len == 0 &&
      dp_strbuf_append(&a->stem, a->term.s, a->term.len) != 0)
    return -1;
  int stop = a->term.len ? is_stop(a->term.s) : 0;
  uint32_t cls = 0;
  if (a->classify)
    cls = DP_TOK_CLASSIFIED |
          (a->classify(a->classify_ctx, s, n, a->term.s, a->term.len, stop) &
           DP_TOK_CLASS_MAX)
              << DP_TOK_CLASS_SHIFT;
  if (n <= CACHE_MAX_KEY && a->lower.len < 65536 && a->term.len < 65536 &&
      a->stem.len < 65536) {
    int full = 0;
    if (a->pool_len > CACHE_MAX_POOL || (a->tab_n + 1) * 4 > a->tab_cap * 3) {
      if (a->tab_cap < CACHE_MAX && a->pool_len <= CACHE_MAX_POOL) {
        if (cache_grow(a) != 0)
          return -1;
      } else if (a->lean) {
        full = 1; /* lean tokens point into the records: keep them */
      } else {
        cache_reset(a);
      }
      slot = (size_t)h & (a->tab_cap - 1);
      while (a->slots[slot])
        slot = (slot + 1) & (a->tab_cap - 1);
    }
    if (!full) {
      uint32_t off = pool_add(a, s, n, stop, cls);
      if (off == UINT32_MAX)
        return -1;
      a->slots[slot] = tag | off;
      a->tab_n++;
      winfo_from_rec(pool_rec(a, off), wi);
      return 0;
    }
  }
  wi->lower = a->lower.s;
  wi->llen = a->lower.len;
  wi->term = a->term.s;
  wi->tlen = a->term.len;
  wi->stem = a->stem.s;
  wi->slen = a->stem.len;
  wi->stop = stop;
  wi->cls = cls;
  wi->cached = 0;
  return 0;
}

/* -------------------------------------------------------------- scanner */

enum cls {
  C_SEP,    /* anything else: separator */
  C_LETTER, /* Unicode letter (L*), or other number (No, Nl) */
  C_DIGIT,  /* decimal digit (Nd) */
  C_MARK,   /* combining mark (M*): continues a word */
  C_IGN,    /* soft hyphen, ZWJ, ZWNJ: ignorable inside a word */
  C_APOS,   /* ' ’ ʼ */
  C_HYPHEN, /* - U+2010 U+2011 */
  C_DOT,    /* . */
  C_COMMA,  /* , */
  C_SPACE,  /* space, no-break spaces, thin space (digit groups) */
  C_NL,     /* line break: new sentence */
  C_END,    /* ! ? … : end of sentence */
};

struct chr {
  int32_t cp;    /* code point (-1 = invalid byte) */
  uint8_t n;     /* bytes */
  uint8_t cls;   /* enum cls */
  uint8_t upper; /* uppercase letter */
};

/* enum cls of each ASCII byte, with 0x10 for an uppercase letter. */
#define S_ C_SEP
#define L_ C_LETTER
#define U_ (C_LETTER | 0x10)
#define D_ C_DIGIT
/* clang-format off */
static const uint8_t ascii_cls[128] = {
  S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, C_NL, C_NL, C_NL, C_NL, S_, S_,
  S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_, S_,
  /* space ! " # $ % & ' ( ) * + , - . / */
  C_SPACE, C_END, S_, S_, S_, S_, S_, C_APOS,
  S_, S_, S_, S_, C_COMMA, C_HYPHEN, C_DOT, S_,
  /* 0-9 : ; < = > ? */
  D_, D_, D_, D_, D_, D_, D_, D_, D_, D_, S_, S_, S_, S_, S_, C_END,
  /* @ A-O */
  S_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_,
  /* P-Z [ \ ] ^ _ */
  U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, U_, S_, S_, S_, S_, S_,
  /* ` a-o */
  S_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_,
  /* p-z { | } ~ DEL */
  L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, L_, S_, S_, S_, S_, S_,
};
/* clang-format on */
#undef S_
#undef L_
#undef U_
#undef D_

/* (upper << 4) | enum cls of code point cp (valid), through utf8proc. */
static uint8_t cp_class(int32_t cp) {
  switch (cp) {
  case 0x2019:
  case 0x02BC: return C_APOS;
  case 0x2010:
  case 0x2011: return C_HYPHEN;
  case 0x00A0:
  case 0x202F:
  case 0x2009: return C_SPACE;
  case 0x2026: return C_END;
  case 0x0085:
  case 0x2028:
  case 0x2029: return C_NL;
  case 0x00AD:
  case 0x200C:
  case 0x200D: return C_IGN;
  default: break;
  }
  switch (utf8proc_category(cp)) {
  case UTF8PROC_CATEGORY_LU:
  case UTF8PROC_CATEGORY_LT: return C_LETTER | 0x10;
  case UTF8PROC_CATEGORY_LL:
  case UTF8PROC_CATEGORY_LM:
  case UTF8PROC_CATEGORY_LO:
  case UTF8PROC_CATEGORY_NL:
  case UTF8PROC_CATEGORY_NO: return C_LETTER;
  case UTF8PROC_CATEGORY_ND: return C_DIGIT;
  case UTF8PROC_CATEGORY_MN:
  case UTF8PROC_CATEGORY_MC:
  case UTF8PROC_CATEGORY_ME: return C_MARK;
  default: return C_SEP;
  }
}

/* cp_class of cp, memoised at a->cls_memo[idx]. */
static uint8_t memo_class(dp_analyzer *a, size_t idx, int32_t cp) {
  uint8_t v = (uint8_t)(CLS_KNOWN | cp_class(cp));
  a->cls_memo[idx] = v;
  return v;
}

static void classify_cp(dp_analyzer *a, size_t i, struct chr *c);

static inline void classify(dp_analyzer *a, size_t i, struct chr *c) {
  const unsigned char *p = (const unsigned char *)a->text + i;
  unsigned char b = p[0];
  if (b < 0x80) {
    uint8_t k = ascii_cls[b];
    c->cp = b;
    c->n = 1;
    c->upper = k >> 4;
    c->cls = k & 0x0f;
    return;
  }
  /* Fast path, what classify_cp would find: a well-formed 2-byte sequence
   * (U+0080..U+07FF), or E2 80..81 xx (U+2000..U+207F), by the memo. */
  size_t left = a->len - i, idx;
  int32_t cp;
  if (b >= 0xC2 && b < 0xE0 && left >= 2 && (p[1] & 0xC0) == 0x80) {
    cp = (int32_t)((b & 0x1Fu) << 6 | (p[1] & 0x3Fu));
    idx = (size_t)cp;
    c->n = 2;
  } else if (b == 0xE2 && left >= 3 && (p[1] & 0xFE) == 0x80 &&
             (p[2] & 0xC0) == 0x80) {
    cp = (int32_t)(0x2000u | (p[1] & 1u) << 6 | (p[2] & 0x3Fu));
    idx = 0x800 + (size_t)(cp - 0x2000);
    c->n = 3;
  } else {
    classify_cp(a, i, c);
    return;
  }
  uint8_t v = a->cls_memo[idx];
  if (!v)
    v = memo_class(a, idx, cp);
  c->cp = cp;
  c->upper = (v >> 4) & 1;
  c->cls = v & 0x0f;
}

/* classify() of a byte >= 0x80 outside its fast path. */
static void classify_cp(dp_analyzer *a, size_t i, struct chr *c) {
  const unsigned char *p = (const unsigned char *)a->text + i;
  int32_t cp;
  c->n = (uint8_t)dp_utf8_decode(p, a->len - i, &cp);
  c->cp = cp;
  c->upper = 0;
  c->cls = C_SEP;
  if (cp < 0)
    return;
  uint8_t v = cp_class(cp);
  c->upper = (v >> 4) & 1;
  c->cls = v & 0x0f;
}

static int is_word_start(int cls) {
  return cls == C_LETTER || cls == C_DIGIT;
}

/* Scans the raw word starting at i, whose first character (a letter or
 * digit) the caller classified: c0. */
DP_HOT size_t scan_raw(dp_analyzer *a, size_t i, const struct chr *c0,
                       struct rawword *w) {
  struct chr c;
  const unsigned char *t = (const unsigned char *)a->text;
  w->s = i;
  w->first_upper = c0->upper;
  w->first_digit = c0->cls == C_DIGIT;
  w->glued = 0;
  w->nletters = c0->cls == C_LETTER;
  w->nupper = c0->upper;
  w->ndigits = c0->cls == C_DIGIT;
  i += c0->n;
  /* Scraped paragraphs are often glued without a space or a full stop
   * ("corpsIl", "participationC'est"): a word of at least 4 lower-case
   * letters followed by a capital is cut there (a new sentence starts).
   * "iPhone", "eBay", "macOS" (shorter lower-case starts) and "YouTube",
   * "McLaren" (capital first) stay whole. */
  int lower_only = !c0->upper && c0->cls == C_LETTER;
  while (i < a->len) {
    unsigned char b = t[i];
    if (b < 0x80) {               /* ASCII inline */
      if (b >= 'a' && b <= 'z') { /* the run of them, in a tight loop */
        size_t r = i;
        i++;
#ifdef __SSE2__
        /* 16 bytes at a time while they are all a-z: x - ('a' + 128) as
         * signed bytes maps 'a'..'z' to -128..-103 and nothing else */
        while (i + 16 <= a->len) {
          __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
          __m128i x = _mm_sub_epi8(v, _mm_set1_epi8((char)('a' + 128)));
          unsigned m = (unsigned)_mm_movemask_epi8(
              _mm_cmplt_epi8(x, _mm_set1_epi8((char)(-128 + 26))));
          if (m != 0xFFFFu) {
            i += (size_t)__builtin_ctz(~m);
            goto run_done;
          }
          i += 16;
        }
#endif
        while (i < a->len && (unsigned)(t[i] - 'a') < 26u)
          i++;
#ifdef __SSE2__
      run_done:
#endif
        w->nletters += (uint32_t)(i - r);
        continue;
      } else if (b >= 'A' && b <= 'Z') {
        if (lower_only && w->nletters >= 4) {
          w->glued = 1;
          break;
        }
        lower_only = 0;
        w->nletters++;
        w->nupper++;
      } else if (b >= '0' && b <= '9') {
        lower_only = 0;
        w->ndigits++;
      } else {
        break;
      }
      i++;
      continue;
    }
    classify(a, i, &c);
    if (c.cls == C_LETTER) {
      if (c.upper) {
        if (lower_only && w->nletters >= 4) {
          w->glued = 1;
          break;
        }
        lower_only = 0;
      }
      w->nletters++;
      w->nupper += c.upper;
    } else if (c.cls == C_DIGIT) {
      lower_only = 0;
      w->ndigits++;
    } else if (c.cls != C_MARK && c.cls != C_IGN) {
      break;
    }
    i += c.n;
  }
  w->e = i;
  return i;
}

static int ascii_digits_only(const dp_analyzer *a, const struct rawword *w) {
  for (size_t i = w->s; i < w->e; i++)
    if (a->text[i] < '0' || a->text[i] > '9')
      return 0;
  return 1;
}

/* Case-insensitive ASCII comparison of a span with a lowercase word. */
static int span_is(const dp_analyzer *a, size_t s, size_t e, const char *w) {
  size_t n = strlen(w);
  if (e - s != n)
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = a->text[s + i];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c + 32);
    if (c != w[i])
      return 0;
  }
  return 1;
}

static int is_elision(const dp_analyzer *a, const struct rawword *w) {
  static const char *const el[] = {"l",      "d",      "j",     "m",  "n",
                                   "s",      "t",      "c",     "qu", "jusqu",
                                   "lorsqu", "puisqu", "quoiqu"};
  size_t n = w->e - w->s;
  if (n > 6)
    return 0;
  for (size_t i = 0; i < sizeof el / sizeof *el; i++)
    if (span_is(a, w->s, w->e, el[i]))
      return 1;
  return 0;
}

/* Abbreviations after which a full stop does not end a sentence. Case
 * sensitive, on the surface. */
static int is_abbrev(const dp_analyzer *a, const struct unit *u) {
  static const struct {
    const char *s;
    size_t n;
  } ab[] = {
#define AB(x) {x, sizeof x - 1}
      AB("M"),   AB("MM"),  AB("Mme"), AB("Mmes"), AB("Mlle"), AB("Mlles"),
      AB("Me"),  AB("Mgr"), AB("Dr"),  AB("Drs"),  AB("Pr"),   AB("St"),
      AB("Ste"), AB("Sts"), AB("Cie"), AB("Gal"),  AB("Jr"),   AB("Sr"),
      AB("Mr"),  AB("Mrs"), AB("Ms"),  AB("av"),   AB("apr"),  AB("cf"),
      AB("p"),   AB("pp"),  AB("vol"), AB("art"),  AB("n"),    AB("no"),
      AB("ch"),  AB("env"), AB("hab"), AB("fig"),  AB("bd"),   AB("éd"),
#undef AB
  };
  if (u->kind == UNIT_ACRO)
    return 1;
  size_t n = u->e - u->s;
  if (n > 5 || u->ndigits)
    return 0;
  if (u->nletters == 1 && u->nupper == 1)
    return 1; /* an initial: "J. Dupont" */
  for (size_t i = 0; i < sizeof ab / sizeof *ab; i++)
    if (ab[i].n == n && memcmp(a->text + u->s, ab[i].s, n) == 0)
      return 1;
  return 0;
}

/* Ordinals written with digits: 1er, 2e, 3ème, 21es, 2nd... */
static int is_ordinal(const dp_analyzer *a, const struct unit *u) {
  static const char *const suf[] = {"er",  "re",  "e",    "es",   "ers",
                                    "res", "eme", "emes", "ème",  "èmes",
                                    "nd",  "nde", "nds",  "ndes", "d"};
  size_t i = u->s;
  while (i < u->e && a->text[i] >= '0' && a->text[i] <= '9')
    i++;
  if (i == u->s || i == u->e)
    return 0;
  for (size_t k = 0; k < sizeof suf / sizeof *suf; k++)
    if (span_is(a, i, u->e, suf[k]))
      return 1;
  return 0;
}

/* ------------------------------------------------------------- emitting */

static dp_token *push_token(dp_analyzer *a) {
  dp_tokens *t = a->out;
  if (t->n == t->cap) {
    /* 16 first: a query's list stays small, and malloc's large requests
     * (1 KB and more) cost a consolidation of its free lists */
    size_t cap = t->cap ? t->cap * 2 : 16;
    dp_token *v = realloc(t->v, cap * sizeof *v);
    if (!v) {
      a->failed = 1;
      return NULL;
    }
    t->v = v;
    t->cap = cap;
  }
  dp_token *tok = &t->v[t->n++];
  memset(tok, 0, sizeof *tok);
  return tok;
}

/* n bytes of out's arena (NULL and a->failed set on allocation failure):
 * the common case, room in the current block, inline. */
static char *arena_take_slow(dp_analyzer *a, size_t n) {
  if (!a->out->arena) {
    a->out->arena = calloc(1, sizeof *a->out->arena);
    if (!a->out->arena) {
      a->failed = 1;
      return NULL;
    }
  }
  char *p = arena_alloc(a->out->arena, n);
  if (!p)
    a->failed = 1;
  return p;
}

DP_HOT char *arena_take(dp_analyzer *a, size_t n) {
  struct dp_arena *ar = a->out->arena;
  struct dp_arena_blk *b;
  if (ar && (b = ar->cur) != NULL && b->cap - b->used >= n) {
    char *p = b->data + b->used;
    b->used += n;
    return p;
  }
  return arena_take_slow(a, n);
}

/* memcpy(d, s, n) of non-overlapping buffers; the short strings of tokens
 * are copied inline (a libc call costs more than the copy). */
DP_HOT void copy_bytes(char *d, const char *s, size_t n) {
  if (n >= 8 && n <= 16) {
    uint64_t x, y;
    memcpy(&x, s, 8);
    memcpy(&y, s + n - 8, 8);
    memcpy(d, &x, 8);
    memcpy(d + n - 8, &y, 8);
  } else if (n >= 4 && n < 8) {
    uint32_t x, y;
    memcpy(&x, s, 4);
    memcpy(&y, s + n - 4, 4);
    memcpy(d, &x, 4);
    memcpy(d + n - 4, &y, 4);
  } else if (n < 4) {
    for (size_t i = 0; i < n; i++)
      d[i] = s[i];
  } else {
    memcpy(d, s, n);
  }
}

/* Sets term and stem of tok (copies into the arena: one string when they
 * are equal, else both, one after the other). */
static int set_strings(dp_analyzer *a, dp_token *tok, const char *term,
                       size_t tlen, const char *stem, size_t slen) {
  int same = slen == tlen && memcmp(term, stem, tlen) == 0;
  char *p = arena_take(a, tlen + 1 + (same ? 0 : slen + 1));
  if (!p)
    return -1;
  copy_bytes(p, term, tlen);
  p[tlen] = '\0';
  tok->term = p;
  if (same) {
    tok->stem = p;
  } else {
    copy_bytes(p + tlen + 1, stem, slen);
    p[tlen + 1 + slen] = '\0';
    tok->stem = p + tlen + 1;
  }
  return 0;
}

/* Sets term and stem of tok from a word's info: in lean mode the strings of
 * a cached word are not copied (the cache's records never move); else a
 * cached word's term and stem, contiguous in its record (the stem not
 * repeated when equal), are copied in one go. */
DP_HOT int set_strings_wi(dp_analyzer *a, dp_token *tok,
                          const struct winfo *wi) {
  if (!wi->cached)
    return set_strings(a, tok, wi->term, wi->tlen, wi->stem, wi->slen);
  if (a->lean) {
    tok->term = wi->term;
    tok->stem = wi->stem;
    return 0;
  }
  int same = wi->stem == wi->term;
  size_t n = wi->tlen + 1 + (same ? 0 : wi->slen + 1);
  char *p = arena_take(a, n);
  if (!p)
    return -1;
  copy_bytes(p, wi->term, n);
  tok->term = p;
  tok->stem = same ? p : p + wi->tlen + 1;
  return 0;
}

DP_HOT uint32_t unit_flags(const dp_analyzer *a, const struct unit *u) {
  uint32_t f = 0;
  if (u->first_upper)
    f |= DP_TOK_CAPITAL;
  if (u->elided)
    f |= DP_TOK_ELIDED;
  if (u->nletters == 0 && u->ndigits > 0)
    f |= DP_TOK_NUMBER;
  else if (u->nletters > 0 && u->ndigits > 0) {
    if (is_ordinal(a, u))
      f |= DP_TOK_NUMBER;
    else
      f |= DP_TOK_CODE;
  }
  if (u->nletters > 0 && u->nupper == u->nletters &&
      (u->nletters >= 2 || u->ndigits > 0) && !(f & DP_TOK_NUMBER))
    f |= DP_TOK_ACRONYM;
  return f;
}

/* Term of a number unit: digits and separators, group spaces removed, and
 * '.' thousands separators removed ("183.000" -> "183000"). */
static int number_term(dp_analyzer *a, const struct unit *u, dp_strbuf *out) {
  a->key.len = 0;
  int dot_groups = u->has_dot && !u->has_comma;
  if (dot_groups) { /* every group after the first has exactly 3 digits */
    size_t run = 0, groups = 0;
    for (size_t i = u->s; i < u->e; i++) {
      char c = a->text[i];
      if (c == '.') {
        if ((groups == 0 && (run < 1 || run > 3)) || (groups > 0 && run != 3))
          dot_groups = 0;
        groups++;
        run = 0;
      } else if (c >= '0' && c <= '9') {
        run++;
      } else {
        dot_groups = 0;
      }
    }
    if (run != 3)
      dot_groups = 0;
  }
  if (dp_strbuf_reserve(&a->key, u->e - u->s) != 0)
    return -1;
  char *k = a->key.s;
  size_t i = u->s, o = 0;
  while (i < u->e) {
    unsigned char b = (unsigned char)a->text[i];
    if (b < 0x80) { /* the only ASCII C_SPACE is ' ' */
      if (b != ' ' && !(dot_groups && b == '.'))
        k[o++] = (char)b;
      i++;
      continue;
    }
    struct chr c;
    classify(a, i, &c);
    if (c.cls != C_SPACE) {
      memcpy(k + o, a->text + i, c.n);
      o += c.n;
    }
    i += c.n;
  }
  k[o] = '\0';
  a->key.len = o;
  return dp_text_fold(&a->sc, a->key.s, a->key.len, out);
}

/* Whether unit u (a single token: lowers is NULL) with unit flags flags
 * is skipped by dp_analyze_lean_filtered: a word or number alone without a
 * flag the filter keeps, whose first byte, an ASCII letter or digit, and
 * second (when it is one too, or the end of the word) the filter does not
 * allow once lowercased. Its folded term starts with those bytes: NFKC and
 * folding keep an ASCII letter, lowercased, in front of any marks that
 * follow it; a number loses only group spaces and dots, never a digit. */
DP_HOT int skipped(const dp_analyzer *a, const struct unit *u,
                   const dp_strbuf *lowers, uint32_t flags) {
  if (!a->filter || lowers || u->kind != UNIT_WORD || (flags & a->filter->keep))
    return 0;
  const unsigned char *s = (const unsigned char *)a->text + u->s;
  unsigned char b = s[0];
  if (b >= 0x80)
    return 0;
  uint64_t m = a->filter->next[b | (b >= 'A' && b <= 'Z' ? 0x20 : 0)];
  if (m == 0 || m == ~(uint64_t)0)
    return m == 0;
  unsigned char c = u->e - u->s > 1 ? s[1] : 0;
  if (c >= 'A' && c <= 'Z')
    c = (unsigned char)(c + 32);
  else if (c && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9'))
    return 0; /* not known without folding */
  return !((m >> (c & 63)) & 1);
}

/* Computes the strings of unit u into tok; appends its lower form to
 * a->jterm (for the joined form of compounds). Returns 0, 1 when the unit
 * has no term (nothing to emit), -1 on allocation failure. */
DP_HOT int unit_strings(dp_analyzer *a, const struct unit *u, dp_token *tok,
                        dp_strbuf *lowers) {
  struct winfo wi;
  if (u->nletters == 0) {
    if (skipped(a, u, lowers, tok->flags)) {
      tok->term = tok->stem = "";
      return 0;
    }
    if (number_term(a, u, &a->term) != 0)
      return -1;
    if (a->term.len == 0)
      return 1;
    if (lowers && dp_strbuf_append(lowers, a->term.s, a->term.len) != 0)
      return -1;
    return set_strings(a, tok, a->term.s, a->term.len, a->term.s, a->term.len);
  }
  if (skipped(a, u, lowers, tok->flags)) {
    tok->term = tok->stem = "";
    return 0;
  }
  int rc;
  if (u->kind == UNIT_ACRO) { /* U.S.A. -> the word "USA" */
    a->key.len = 0;
    rc = dp_strbuf_reserve(&a->key, u->e - u->s);
    for (size_t i = u->s; i < u->e && rc == 0; i++)
      if (a->text[i] != '.')
        rc = dp_strbuf_append(&a->key, a->text + i, 1);
    if (rc != 0 || word_info(a, a->key.s, a->key.len, 0, &wi) != 0)
      return -1;
  } else if (word_info(a, a->text + u->s, u->e - u->s, u->ndigits > 0, &wi) !=
             0) {
    return -1;
  }
  if (wi.tlen == 0)
    return 1;
  if (lowers && dp_strbuf_append(lowers, wi.lower, wi.llen) != 0)
    return -1;
  if (wi.stop)
    tok->flags |= DP_TOK_STOP;
  tok->flags |= wi.cls;
  return set_strings_wi(a, tok, &wi);
}

/* Emits one single-unit token. */
DP_HOT void emit_unit(dp_analyzer *a, const struct unit *u) {
  dp_token *tok = push_token(a);
  if (!tok)
    return;
  size_t idx = a->out->n - 1;
  tok->start = u->s;
  tok->end = u->e;
  tok->pos = a->pos;
  tok->flags = unit_flags(a, u);
  int rc = unit_strings(a, u, tok, NULL);
  if (rc < 0) {
    a->failed = 1;
    a->out->n--;
    return;
  }
  if (rc == 1) { /* nothing left after folding: no token */
    a->out->n = idx;
    return;
  }
  if (a->sent_pending) {
    a->out->v[idx].flags |= DP_TOK_SENT_START;
    a->sent_pending = 0;
  }
  a->pos++;
}

/* Emits a compound: the joined form, then each part. */
static void emit_compound(dp_analyzer *a, const struct unit *u, size_t n) {
  size_t jidx = a->out->n;
  if (!push_token(a))
    return;
  uint32_t p0 = a->pos;
  int sent = a->sent_pending;
  a->sent_pending = 0;
  dp_strbuf *lowers = &a->jterm;
  lowers->len = 0;
  int words_only = 1;
  uint32_t nl = 0, nu = 0, nd = 0;
  size_t emitted = 0;
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && u[i].joiner == CONN_DOT) {
      words_only = 0;
      if (dp_strbuf_append(lowers, ".", 1) != 0)
        goto oom;
    }
    if (u[i].ndigits > 0)
      words_only = 0;
    nl += u[i].nletters;
    nu += u[i].nupper;
    nd += u[i].ndigits;
    dp_token *tok = push_token(a);
    if (!tok)
      return;
    size_t idx = a->out->n - 1;
    tok->start = u[i].s;
    tok->end = u[i].e;
    tok->pos = p0 + (uint32_t)i;
    tok->flags = unit_flags(a, &u[i]) | DP_TOK_PART;
    int rc = unit_strings(a, &u[i], tok, lowers);
    if (rc < 0)
      goto oom;
    if (rc == 1) {
      a->out->n = idx;
      continue;
    }
    if (emitted == 0 && sent)
      a->out->v[idx].flags |= DP_TOK_SENT_START;
    emitted++;
  }
  a->pos = p0 + (uint32_t)n;
  if (emitted == 0 || lowers->len == 0) { /* drop the joined slot */
    memmove(&a->out->v[jidx], &a->out->v[jidx + 1],
            (a->out->n - jidx - 1) * sizeof(dp_token));
    a->out->n--;
    if (emitted == 0)
      a->pos = p0, a->sent_pending = sent;
    return;
  }
  dp_token *j = &a->out->v[jidx];
  memset(j, 0, sizeof *j);
  j->start = u[0].s;
  j->end = u[n - 1].e;
  j->pos = p0;
  struct unit all = u[0];
  all.e = u[n - 1].e;
  all.nletters = nl;
  all.nupper = nu;
  all.ndigits = nd;
  all.kind = UNIT_WORD;
  j->flags = DP_TOK_JOINED | (unit_flags(a, &all) & ~(uint32_t)DP_TOK_NUMBER);
  if (nl == 0)
    j->flags |= DP_TOK_NUMBER;
  if (nl > 0 && nd > 0)
    j->flags = (j->flags & ~(uint32_t)DP_TOK_NUMBER) | DP_TOK_CODE;
  if (sent)
    j->flags |= DP_TOK_SENT_START;
  if (words_only) {
    struct winfo wi;
    if (word_info(a, lowers->s, lowers->len, 0, &wi) != 0)
      goto oom;
    j = &a->out->v[jidx];
    if (wi.stop)
      j->flags |= DP_TOK_STOP;
    j->flags |= wi.cls;
    if (set_strings_wi(a, j, &wi) != 0)
      goto oom;
  } else {
    if (dp_text_fold(&a->sc, lowers->s, lowers->len, &a->term) != 0)
      goto oom;
    j = &a->out->v[jidx];
    if (set_strings(a, j, a->term.s, a->term.len, a->term.s, a->term.len) != 0)
      goto oom;
  }
  return;
oom:
  a->failed = 1;
}

static int is_pronoun(const dp_analyzer *a, const struct unit *u) {
  static const char *const pr[] = {"il",    "elle", "on", "ils",
                                   "elles", "je",   "tu", "ce"};
  for (size_t i = 0; i < sizeof pr / sizeof *pr; i++)
    if (span_is(a, u->s, u->e, pr[i]))
      return 1;
  return 0;
}

/* Emits a group of units joined by hyphens/dots, handling "-t-il". */
static void emit_group(dp_analyzer *a, struct unit *u, size_t n) {
  if (n == 0)
    return;
  size_t cut = n;
  if (n >= 2 && u[n - 1].joiner == CONN_HYPHEN && is_pronoun(a, &u[n - 1])) {
    cut = n - 1;
    if (cut >= 2 && u[cut - 1].joiner == CONN_HYPHEN &&
        span_is(a, u[cut - 1].s, u[cut - 1].e, "t"))
      cut--;
  }
  if (cut == 1)
    emit_unit(a, &u[0]);
  else
    emit_compound(a, u, cut);
  for (size_t i = cut; i < n; i++)
    emit_unit(a, &u[i]);
}

static int reserve_chunk_grow(dp_analyzer *a, size_t n);

static inline int reserve_chunk(dp_analyzer *a, size_t n) {
  if (n <= a->wcap && n <= a->ucap)
    return 0;
  return reserve_chunk_grow(a, n);
}

static int reserve_chunk_grow(dp_analyzer *a, size_t n) {
  size_t cap = a->wcap ? a->wcap * 2 : 64;
  while (cap < n)
    cap *= 2;
  struct rawword *w = realloc(a->w, cap * sizeof *w);
  if (!w)
    return -1;
  a->w = w;
  uint8_t *c = realloc(a->conn, cap);
  if (!c)
    return -1;
  a->conn = c;
  struct unit *u = realloc(a->u, cap * sizeof *u);
  if (!u)
    return -1;
  a->u = u;
  a->wcap = a->ucap = cap;
  return 0;
}

static void unit_from(struct unit *u, const struct rawword *w) {
  memset(u, 0, sizeof *u);
  u->s = w->s;
  u->e = w->e;
  u->nletters = w->nletters;
  u->nupper = w->nupper;
  u->ndigits = w->ndigits;
  u->first_upper = w->first_upper;
  u->kind = UNIT_WORD;
}

static void unit_glue(struct unit *u, const struct rawword *w) {
  u->e = w->e;
  u->nletters += w->nletters;
  u->nupper += w->nupper;
  u->ndigits += w->ndigits;
}

/* Cuts the chunk w[0..k] into units and groups, and emits them. Returns the
 * end offset of the chunk (past a dotted acronym's final '.') and sets
 * *abbrev when its last unit is an abbreviation. */
static size_t process_chunk(dp_analyzer *a, size_t k, int *abbrev) {
  struct rawword *w = a->w;
  struct unit *u = a->u;
  size_t n = 0, g0 = 0;
  unit_from(&u[n++], &w[0]);
  for (size_t i = 0; i + 1 < k; i++) {
    struct unit *cur = &u[n - 1];
    const struct rawword *nx = &w[i + 1];
    int single = cur->s == w[i].s; /* cur is exactly w[i] */
    switch (a->conn[i]) {
    case CONN_APOS:
      if (single && cur->kind == UNIT_WORD && is_elision(a, &w[i])) {
        n--; /* drop the article; what came before is a group of its own */
        emit_group(a, u + g0, n - g0);
        n = g0 = 0;
        unit_from(&u[n++], nx);
        u[0].elided = 1;
      } else {
        unit_glue(cur, nx);
      }
      break;
    case CONN_DOT:
      if (cur->nletters == 0 && nx->nletters == 0) {
        unit_glue(cur, nx);
        cur->has_dot = 1;
      } else if ((cur->kind == UNIT_ACRO ||
                  (single && cur->nletters == 1 && cur->nupper == 1 &&
                   cur->ndigits == 0)) &&
                 nx->nletters == 1 && nx->nupper == 1 && nx->ndigits == 0) {
        unit_glue(cur, nx);
        cur->kind = UNIT_ACRO;
      } else if (nx->first_upper) { /* "midi.Lorsque": missing space */
        int ab = is_abbrev(a, cur);
        emit_group(a, u + g0, n - g0);
        n = g0 = 0;
        if (!ab)
          a->sent_pending = 1;
        unit_from(&u[n++], nx);
      } else {
        unit_from(&u[n], nx);
        u[n++].joiner = CONN_DOT;
      }
      break;
    case CONN_COMMA:
      if (cur->nletters == 0 && nx->nletters == 0) {
        unit_glue(cur, nx);
        cur->has_comma = 1;
      } else {
        emit_group(a, u + g0, n - g0);
        n = g0 = 0;
        unit_from(&u[n++], nx);
      }
      break;
    case CONN_SPACE:
      unit_glue(cur, nx);
      cur->has_space = 1;
      break;
    case CONN_HYPHEN:
    default:
      unit_from(&u[n], nx);
      u[n++].joiner = CONN_HYPHEN;
      break;
    }
  }
  size_t end = w[k - 1].e;
  struct unit *last = &u[n - 1];
  if (last->kind == UNIT_ACRO && end < a->len && a->text[end] == '.') {
    last->e = ++end; /* "U.S.A." keeps its final dot */
  }
  /* only a following full stop needs to know */
  *abbrev = end < a->len && a->text[end] == '.' && is_abbrev(a, last);
  emit_group(a, u + g0, n - g0);
  return end;
}

/* --------------------------------------------------------- furniture */

struct cue {
  const char *w[4]; /* folded words */
  int need_colon;   /* must be followed by ':' '-' '>' or a line end */
};

static const struct cue furniture_cues[] = {
    {{"lire", "aussi"}, 0},
    {{"a", "lire", "aussi"}, 0},
    {{"lire", "egalement"}, 0},
    {{"a", "lire", "egalement"}, 0},
    {{"voir", "aussi"}, 0},
    {{"a", "voir", "aussi"}, 0},
    {{"voir", "egalement"}, 0},
    {{"a", "voir", "egalement"}, 0},
    {{"a", "decouvrir", "aussi"}, 0},
    {{"a", "decouvrir", "egalement"}, 0},
    {{"credit", "photo"}, 0},
    {{"credits", "photo"}, 0},
    {{"credit", "photos"}, 0},
    {{"credits", "photos"}, 0},
    {{"lire"}, 1},
    {{"a", "lire"}, 1},
    {{"sur", "le", "meme", "sujet"}, 1},
    {{"pour", "aller", "plus", "loin"}, 1},
    {{"publicite"}, 1},
    {{"photo"}, 1},
    {{"photos"}, 1},
    {{"credit"}, 1},
    {{"credits"}, 1},
    {{"illustration"}, 1},
    {{"video"}, 1},
};

/* After byte e: only spaces, then ':' '-' '>' '–' '—' '|', a line end or the
 * end of the text. */
static int colon_after(const char *t, size_t len, size_t e) {
  size_t i = e;
  for (;;) {
    if (i >= len)
      return 1;
    unsigned char c = (unsigned char)t[i];
    if (c == ' ' || c == '\t') {
      i++;
    } else if (c == 0xC2 && i + 1 < len && (unsigned char)t[i + 1] == 0xA0) {
      i += 2;
    } else if (c == 0xE2 && i + 2 < len && (unsigned char)t[i + 1] == 0x80 &&
               ((unsigned char)t[i + 2] == 0xAF ||
                (unsigned char)t[i + 2] == 0x89)) {
      i += 3;
    } else {
      break;
    }
  }
  unsigned char c = (unsigned char)t[i];
  if (c == ':' || c == '-' || c == '>' || c == '|' || c == '\n' || c == '\r')
    return 1;
  if (c == 0xE2 && i + 2 < len && (unsigned char)t[i + 1] == 0x80 &&
      ((unsigned char)t[i + 2] == 0x93 || (unsigned char)t[i + 2] == 0x94))
    return 1;
  return 0;
}

/* Whether the folded word w is the first word of a cue of furniture_cues
 * (checked first: most sentences start with no cue). */
static int cue_first(const char *w) {
  switch (w[0]) {
  case 'a': return w[1] == '\0';
  case 'l': return strcmp(w, "lire") == 0;
  case 'v': return strcmp(w, "voir") == 0 || strcmp(w, "video") == 0;
  case 'c':
    return strncmp(w, "credit", 6) == 0 &&
           (w[6] == '\0' || (w[6] == 's' && w[7] == '\0'));
  case 's': return strcmp(w, "sur") == 0;
  case 'p':
    return strcmp(w, "pour") == 0 || strcmp(w, "publicite") == 0 ||
           strcmp(w, "photo") == 0 || strcmp(w, "photos") == 0;
  case 'i': return strcmp(w, "illustration") == 0;
  default: return 0;
  }
}

/* The term of token tok for the cues: a token dp_analyze_lean_filtered
 * skipped (term "") gets the term it would have had, in buf when its
 * surface is ASCII letters (the term is then the surface lowercased); one
 * with digits, or ASCII letters longer than any cue word, cannot be a cue
 * ("" then). "" on allocation failure (a->failed set). */
static const char *cue_term(dp_analyzer *a, const dp_token *tok, char buf[16]) {
  if (tok->term[0] || (tok->flags & (DP_TOK_NUMBER | DP_TOK_CODE)))
    return tok->term;
  const char *s = a->text + tok->start;
  size_t n = tok->end - tok->start, i = 0;
  for (; i < n; i++) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z')
      c = (char)(c + 32);
    if (c < 'a' || c > 'z')
      break;
    if (i < 15)
      buf[i] = c;
  }
  if (i == n) {
    buf[n < 15 ? n : 0] = '\0';
    return buf;
  }
  struct winfo wi; /* as unit_strings looks it up: the surface, no digit */
  if (word_info(a, a->text + tok->start, tok->end - tok->start, 0, &wi) != 0) {
    a->failed = 1;
    return "";
  }
  return wi.term;
}

static int cue_at(dp_analyzer *a, const dp_tokens *t, size_t i,
                  const char *text, size_t len) {
  if (t->v[i].flags & DP_TOK_JOINED)
    return 0; /* cues are plain words */
  char buf[16];
  if (!cue_first(cue_term(a, &t->v[i], buf)))
    return 0;
  for (size_t c = 0; c < sizeof furniture_cues / sizeof *furniture_cues; c++) {
    const struct cue *cu = &furniture_cues[c];
    size_t j = i, k = 0;
    size_t last_end = 0;
    while (k < 4 && cu->w[k]) {
      while (j < t->n && (t->v[j].flags & DP_TOK_JOINED))
        j++;
      if (j >= t->n || strcmp(cue_term(a, &t->v[j], buf), cu->w[k]) != 0)
        break;
      last_end = t->v[j].end;
      j++;
      k++;
    }
    if (k < 4 && cu->w[k])
      continue;
    if (!cu->need_colon || colon_after(text, len, last_end))
      return 1;
  }
  return 0;
}

/* Offset of the first '©' (C2 A9) of t[from,len), or len. */
static size_t find_copyright(const char *t, size_t len, size_t from) {
  while (from + 1 < len) {
    const char *p = memchr(t + from, '\xC2', len - from - 1);
    if (!p)
      break;
    from = (size_t)(p - t);
    if (t[from + 1] == '\xA9')
      return from;
    from++;
  }
  return len;
}

static void mark_furniture(dp_analyzer *a, const char *text, size_t len,
                           dp_tokens *t, size_t first) {
  int in = 0, copy = 0;
  size_t max_end = 0;
  /* the first '©' at or after cfrom (the gaps between tokens rarely hold
   * one: it is found once, not looked for byte by byte in every gap) */
  size_t cfrom = 0, cat = find_copyright(text, len, 0);
  for (size_t i = first; i < t->n; i++) {
    dp_token *tok = &t->v[i];
    size_t gs = max_end < tok->start ? max_end : tok->start;
    if (gs < cfrom || cat < gs) {
      cfrom = gs;
      cat = find_copyright(text, len, gs);
    }
    int cpy = cat + 1 < tok->start; /* a © in the gap [gs, start) */
    int newsent = (tok->flags & DP_TOK_SENT_START) && tok->start >= max_end;
    if (in || cpy || newsent) {
      /* a line break in the gap */
      int nl = memchr(text + gs, '\n', tok->start - gs) != NULL;
      if (in && (nl || newsent ||
                 (copy && memchr(text + gs, ')', tok->start - gs) != NULL)))
        in = 0;
      if (!in) {
        if (cpy) {
          in = copy = 1;
        } else if (newsent && cue_at(a, t, i, text, len)) {
          in = 1;
          copy = 0;
        }
      }
      if (in)
        tok->flags |= DP_TOK_FURNITURE;
    }
    if (tok->end > max_end)
      max_end = tok->end;
  }
}

/* ----------------------------------------------------------- dp_analyze */

static uint32_t analyze(dp_analyzer *a, const char *text, size_t len,
                        uint32_t first_pos, dp_tokens *out) {
  a->text = text;
  a->len = text ? len : 0;
  a->out = out;
  a->pos = first_pos;
  a->sent_pending = 1;
  a->failed = 0;
  size_t first_tok = out->n;
  size_t i = 0;
  size_t prev_end = (size_t)-1; /* end of the previous chunk */
  int prev_abbrev = 0;
  struct chr c;
  while (i < a->len && !a->failed) {
    if (text[i] == ' ') { /* the most common separator */
      i++;
      continue;
    }
    classify(a, i, &c);
    if (!is_word_start(c.cls)) {
      if (c.cls == C_NL || c.cls == C_END)
        a->sent_pending = 1;
      else if (c.cls == C_DOT && !(i == prev_end && prev_abbrev))
        a->sent_pending = 1;
      i += c.n;
      continue;
    }
    /* The common case first: one word alone (letters, ASCII or not), then
     * a space or a plain separator (not ' - . , nor a letter): a chunk of
     * one unit, emitted as process_chunk would, without its machinery.
     * Anything else goes on as a chunk from that first word. */
    if (reserve_chunk(a, 2) != 0) {
      a->failed = 1;
      break;
    }
    size_t j = scan_raw(a, i, &c, &a->w[0]);
    if (a->w[0].nletters > 0 && !a->w[0].glued &&
        (j >= a->len || ((unsigned char)text[j] < 0x80 &&
                         (ascii_cls[(unsigned char)text[j]] == C_SPACE ||
                          ascii_cls[(unsigned char)text[j]] == C_SEP ||
                          ascii_cls[(unsigned char)text[j]] == C_NL ||
                          ascii_cls[(unsigned char)text[j]] == C_END)))) {
      unit_from(&a->u[0], &a->w[0]);
      emit_unit(a, &a->u[0]);
      i = j;
      prev_end = i;
      prev_abbrev = 0;
      continue;
    }
    /* Build a chunk: raw words joined by single connectors (the first one
     * is scanned: w[0], up to j). */
    size_t k = 1;
    for (;;) {
      if (j >= a->len)
        break;
      classify(a, j, &c);
      uint8_t kind = CONN_NONE;
      switch (c.cls) {
      case C_APOS: kind = CONN_APOS; break;
      case C_HYPHEN: kind = CONN_HYPHEN; break;
      case C_DOT: kind = CONN_DOT; break;
      case C_COMMA: kind = CONN_COMMA; break;
      case C_SPACE: kind = CONN_SPACE; break;
      default: break;
      }
      if (kind == CONN_NONE || j + c.n >= a->len)
        break;
      struct chr nc;
      classify(a, j + c.n, &nc);
      if (!is_word_start(nc.cls))
        break;
      if (kind == CONN_SPACE) {
        /* "1 000", "12 500 000": digit groups of 1-3 then exactly 3. */
        const struct rawword *cw = &a->w[k - 1];
        size_t cl = cw->e - cw->s;
        int first_group = k == 1 || a->conn[k - 2] != CONN_SPACE;
        if (nc.cls != C_DIGIT || !ascii_digits_only(a, cw) ||
            (first_group &&
             (cl > 3 || (k > 1 && a->conn[k - 2] != CONN_HYPHEN &&
                         a->conn[k - 2] != CONN_APOS))) ||
            (!first_group && cl != 3))
          break;
        struct rawword peek;
        scan_raw(a, j + c.n, &nc, &peek);
        if (peek.e - peek.s != 3 || !ascii_digits_only(a, &peek))
          break;
      }
      a->conn[k - 1] = kind;
      j += c.n;
      if (reserve_chunk(a, k + 2) != 0) {
        a->failed = 1;
        break;
      }
      j = scan_raw(a, j, &nc, &a->w[k]);
      k++;
    }
    if (a->failed)
      break;
    int ab = 0;
    int glued = a->w[k - 1].glued;
    i = process_chunk(a, k, &ab);
    if (glued)
      a->sent_pending = 1;
    prev_end = i;
    prev_abbrev = ab;
  }
  if (a->failed) {
    out->n = first_tok; /* never leave half-built tokens behind */
    return (uint32_t)-1;
  }
  mark_furniture(a, text, a->len, out, first_tok);
  if (a->failed) {
    out->n = first_tok;
    return (uint32_t)-1;
  }
  return a->pos;
}

uint32_t dp_analyze(dp_analyzer *a, const char *text, size_t len,
                    uint32_t first_pos, dp_tokens *out) {
  if (a->pool_len > CACHE_MAX_POOL) /* a lean call left it full */
    cache_reset(a);
  a->lean = 0;
  return analyze(a, text, len, first_pos, out);
}

uint32_t dp_analyze_lean(dp_analyzer *a, const char *text, size_t len,
                         uint32_t first_pos, dp_tokens *out) {
  return dp_analyze_lean_filtered(a, text, len, first_pos, NULL, out);
}

uint32_t dp_analyze_lean_filtered(dp_analyzer *a, const char *text, size_t len,
                                  uint32_t first_pos, const dp_lean_filter *f,
                                  dp_tokens *out) {
  a->lean = 1;
  a->filter = a->classify ? NULL : f; /* classes need every word */
  uint32_t r = analyze(a, text, len, first_pos, out);
  a->lean = 0;
  a->filter = NULL;
  return r;
}
