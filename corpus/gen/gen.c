/* depeche-gen -- synthetic French news corpus generator for Dépêche.
 *
 * Copyright (C) the Dépêche authors.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Learns a word bigram Markov chain (plus sentence boundaries) from a real
 * corpus -- JSON Lines (optionally gzip'ed), single JSON files, or the txt
 * formats of corpus/ -- and writes N synthetic articles as JSON Lines
 * {id, url, title, date, source, section, heading, body}.  Dates, sources,
 * sections and entity mentions (persons, organisations, places, APT groups)
 * come from small built-in lists so that facets have something to count.
 *
 * Output is a pure function of (seed, article number, learned model): every
 * article has its own PRNG stream derived from the seed, the input is read in
 * a fixed order (directory entries are sorted), and no libm or locale
 * dependent function is used, so the same seed and input give byte-identical
 * output on every platform.
 *
 * Memory: everything allocated here is owned by the model/generator structs
 * and freed before exit (the program runs clean under ASan/valgrind).
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#ifndef DEPECHE_GEN_DEFAULT_CORPUS
#define DEPECHE_GEN_DEFAULT_CORPUS "corpus"
#endif

static const char *progname = "depeche-gen";

/* ------------------------------------------------------------------------ */
/* small utilities                                                           */

static void die_oom(void) {
  fprintf(stderr, "%s: out of memory\n", progname);
  exit(2);
}

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p)
    die_oom();
  return p;
}

static void *xcalloc(size_t n, size_t sz) {
  void *p = calloc(n ? n : 1, sz ? sz : 1);
  if (!p)
    die_oom();
  return p;
}

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q)
    die_oom();
  return q;
}

/* Growable byte buffer.  The buffer owns `data`; buf_free releases it. */
typedef struct {
  char *data;
  size_t len, cap;
} buf_t;

static void buf_reserve(buf_t *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap)
    return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + extra + 1) {
    if (cap > SIZE_MAX / 2)
      die_oom();
    cap *= 2;
  }
  b->data = xrealloc(b->data, cap);
  b->cap = cap;
}

static void buf_add(buf_t *b, const char *s, size_t n) {
  buf_reserve(b, n);
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

static void buf_adds(buf_t *b, const char *s) {
  buf_add(b, s, strlen(s));
}

static void buf_addc(buf_t *b, char c) {
  buf_add(b, &c, 1);
}

static void buf_printf(buf_t *b, const char *fmt, ...) {
  va_list ap;
  buf_reserve(b, 128);
  size_t room = b->cap - b->len;
  va_start(ap, fmt);
  int n = vsnprintf(b->data + b->len, room, fmt, ap);
  va_end(ap);
  if (n < 0) {
    b->data[b->len] = '\0';
    return;
  }
  if ((size_t)n >= room) {
    buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
  }
  b->len += (size_t)n;
}

static void buf_free(buf_t *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

static int has_suffix(const char *s, const char *suf) {
  size_t a = strlen(s), b = strlen(suf);
  return a >= b && strcmp(s + a - b, suf) == 0;
}

/* Returns 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
static int utf8_valid(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t k;
    unsigned min;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      k = 1;
      cp = c & 0x1F;
      min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      k = 2;
      cp = c & 0x0F;
      min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      k = 3;
      cp = c & 0x07;
      min = 0x10000;
    } else {
      return 0;
    }
    if (n - i <= k)
      return 0;
    for (size_t j = 1; j <= k; j++) {
      if ((s[i + j] & 0xC0) != 0x80)
        return 0;
      cp = (cp << 6) | (s[i + j] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return 0;
    i += k + 1;
  }
  return 1;
}

/* ------------------------------------------------------------------------ */
/* PRNG: splitmix64 to seed xoshiro256**.  Never rand().                     */

typedef struct {
  uint64_t s[4];
} rng_t;

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static void rng_seed(rng_t *r, uint64_t seed, uint64_t stream) {
  uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ull);
  for (int i = 0; i < 4; i++)
    r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng_t *r) {
  uint64_t *s = r->s;
  uint64_t res = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return res;
}

/* uniform integer in [0, n), n > 0 (Lemire's multiply-shift, tiny bias). */
static uint64_t rng_below(rng_t *r, uint64_t n) {
  if (n <= 1)
    return 0;
  if (n <= UINT32_MAX)
    return ((rng_next(r) >> 32) * n) >> 32;
  return rng_next(r) % n;
}

/* uniform double in [0, 1) from 53 random bits. */
static double rng_unit(rng_t *r) {
  return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static int rng_chance(rng_t *r, unsigned percent) {
  return rng_below(r, 100) < percent;
}

/* exp() with only + - * / so results are identical everywhere (no libm). */
static double det_exp(double x) {
  double y = x / 1024.0, term = 1.0, sum = 1.0;
  for (int i = 1; i < 12; i++) {
    term *= y / i;
    sum += term;
  }
  for (int i = 0; i < 10; i++)
    sum *= sum;
  return sum;
}

/* Article length in words: log-normal (median ~330, mean ~380), clipped to
 * [110, 1300] so that the finished body stays within 100..1500 words.  The
 * normal deviate is an Irwin-Hall sum of 12 uniforms. */
static unsigned article_length(rng_t *r) {
  double z = -6.0;
  for (int i = 0; i < 12; i++)
    z += rng_unit(r);
  double w = det_exp(5.68 + 0.55 * z);
  if (w < 110.0)
    w = 110.0 + rng_unit(r) * 40.0;
  if (w > 1250.0) /* room for the last sentence, entity mentions, « » : ; */
    w = 1250.0 + rng_unit(r) * 50.0;
  return (unsigned)w;
}

/* ------------------------------------------------------------------------ */
/* Vocabulary and tokens                                                     */

enum tok_kind {
  K_WORD,    /* ordinary word: space before                         */
  K_CLOSE,   /* , . ) ] ... : glued to the previous token           */
  K_HIGH,    /* : ; ! ? : narrow no-break space before              */
  K_OPEN,    /* ( [ : space before, glued to the next token          */
  K_LGUIL,   /* « : space before, no-break space after               */
  K_RGUIL,   /* » : no-break space before                            */
  K_DQUOTE,  /* " : opening or closing depending on state            */
  K_PERCENT, /* % : no-break space before                            */
};

typedef struct {
  size_t off; /* into vocab.arena */
  uint32_t len;
  uint32_t hash;
  uint8_t kind;
  uint8_t terminal; /* ends a sentence (. ! ? ... …) */
  uint8_t elided;   /* ends with an apostrophe: no space after */
  uint8_t word;     /* counts as a word for lengths */
} vocab_ent_t;

typedef struct {
  char *arena;
  size_t arena_len, arena_cap;
  vocab_ent_t *ents;
  uint32_t n, cap;
  uint32_t *table; /* id+1, 0 = empty */
  uint32_t tcap;   /* power of two */
} vocab_t;

static uint32_t hash_bytes(const char *s, size_t n) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 0x100000001B3ull;
  }
  return (uint32_t)(h ^ (h >> 32));
}

static const char *vocab_str(const vocab_t *v, uint32_t id) {
  return v->arena + v->ents[id].off;
}

static void vocab_rehash(vocab_t *v, uint32_t ncap) {
  free(v->table);
  v->table = xcalloc(ncap, sizeof *v->table);
  v->tcap = ncap;
  for (uint32_t id = 0; id < v->n; id++) {
    uint32_t i = v->ents[id].hash & (ncap - 1);
    while (v->table[i])
      i = (i + 1) & (ncap - 1);
    v->table[i] = id + 1;
  }
}

static int is_terminal_str(const char *s, size_t n) {
  return (n == 1 && (s[0] == '.' || s[0] == '!' || s[0] == '?')) ||
         (n == 3 && memcmp(s, "...", 3) == 0) ||
         (n == 3 && memcmp(s, "\xE2\x80\xA6", 3) == 0);
}

static uint8_t classify(const char *s, size_t n, uint8_t *word,
                        uint8_t *elided) {
  *word = 0;
  *elided = 0;
  if (n == 1) {
    switch (s[0]) {
    case ',':
    case '.':
    case ')':
    case ']': return K_CLOSE;
    case ':':
    case ';':
    case '!':
    case '?': return K_HIGH;
    case '(':
    case '[': return K_OPEN;
    case '"': return K_DQUOTE;
    case '%': return K_PERCENT;
    default: break;
    }
  }
  if (n == 2 && memcmp(s, "\xC2\xAB", 2) == 0)
    return K_LGUIL;
  if (n == 2 && memcmp(s, "\xC2\xBB", 2) == 0)
    return K_RGUIL;
  if (n == 3 && (memcmp(s, "\xE2\x80\x9C", 3) == 0)) /* “ */
    return K_OPEN;
  if (n == 3 &&
      (memcmp(s, "\xE2\x80\x9D", 3) == 0 || memcmp(s, "\xE2\x80\xA6", 3) == 0))
    return K_CLOSE; /* ” … */
  if (n == 3 && memcmp(s, "...", 3) == 0)
    return K_CLOSE;
  *word = 1;
  if (n >= 1 && s[n - 1] == '\'')
    *elided = 1;
  if (n >= 3 && memcmp(s + n - 3, "\xE2\x80\x99", 3) == 0)
    *elided = 1;
  return K_WORD;
}

static uint32_t vocab_intern(vocab_t *v, const char *s, size_t n) {
  uint32_t h = hash_bytes(s, n);
  if (v->tcap == 0)
    vocab_rehash(v, 1u << 16);
  uint32_t i = h & (v->tcap - 1);
  for (;;) {
    uint32_t slot = v->table[i];
    if (!slot)
      break;
    vocab_ent_t *e = &v->ents[slot - 1];
    if (e->hash == h && e->len == n && memcmp(v->arena + e->off, s, n) == 0)
      return slot - 1;
    i = (i + 1) & (v->tcap - 1);
  }
  if (n > UINT32_MAX || v->n >= 0x3FFFFFFFu) /* ids must fit ID_MASK */
    die_oom();
  if (v->n == v->cap) {
    v->cap = v->cap ? v->cap * 2 : 1024;
    v->ents = xrealloc(v->ents, (size_t)v->cap * sizeof *v->ents);
  }
  if (v->arena_len + n + 1 > v->arena_cap) {
    size_t c = v->arena_cap ? v->arena_cap : 65536;
    while (c < v->arena_len + n + 1)
      c *= 2;
    v->arena = xrealloc(v->arena, c);
    v->arena_cap = c;
  }
  memcpy(v->arena + v->arena_len, s, n);
  v->arena[v->arena_len + n] = '\0';
  vocab_ent_t *e = &v->ents[v->n];
  e->off = v->arena_len;
  e->len = (uint32_t)n;
  e->hash = h;
  e->kind = classify(s, n, &e->word, &e->elided);
  e->terminal = (uint8_t)is_terminal_str(s, n);
  v->arena_len += n + 1;
  v->table[i] = v->n + 1;
  uint32_t id = v->n++;
  if ((uint64_t)v->n * 10 > (uint64_t)v->tcap * 7)
    vocab_rehash(v, v->tcap * 2);
  return id;
}

static void vocab_free(vocab_t *v) {
  free(v->arena);
  free(v->ents);
  free(v->table);
  memset(v, 0, sizeof *v);
}

/* ------------------------------------------------------------------------ */
/* Bigram counts (open addressing) and the compiled chain (CSR)              */

#define EMPTY_KEY UINT64_MAX

typedef struct {
  uint64_t *keys; /* (a << 32) | b */
  uint32_t *counts;
  size_t cap, n; /* cap: power of two */
} pairs_t;

static size_t pair_slot(uint64_t key, size_t cap) {
  uint64_t h = key * 0x9E3779B97F4A7C15ull;
  h ^= h >> 29;
  return (size_t)(h & (cap - 1));
}

static void pairs_grow(pairs_t *p) {
  size_t ncap = p->cap ? p->cap * 2 : (1u << 20);
  uint64_t *nk = xmalloc(ncap * sizeof *nk);
  uint32_t *nc = xmalloc(ncap * sizeof *nc);
  for (size_t i = 0; i < ncap; i++)
    nk[i] = EMPTY_KEY;
  for (size_t i = 0; i < p->cap; i++) {
    if (p->keys[i] == EMPTY_KEY)
      continue;
    size_t j = pair_slot(p->keys[i], ncap);
    while (nk[j] != EMPTY_KEY)
      j = (j + 1) & (ncap - 1);
    nk[j] = p->keys[i];
    nc[j] = p->counts[i];
  }
  free(p->keys);
  free(p->counts);
  p->keys = nk;
  p->counts = nc;
  p->cap = ncap;
}

static void pairs_add(pairs_t *p, uint32_t a, uint32_t b) {
  if ((p->n + 1) * 10 > p->cap * 7)
    pairs_grow(p);
  uint64_t key = ((uint64_t)a << 32) | b;
  size_t i = pair_slot(key, p->cap);
  while (p->keys[i] != EMPTY_KEY) {
    if (p->keys[i] == key) {
      if (p->counts[i] < UINT32_MAX)
        p->counts[i]++;
      return;
    }
    i = (i + 1) & (p->cap - 1);
  }
  p->keys[i] = key;
  p->counts[i] = 1;
  p->n++;
}

static void pairs_free(pairs_t *p) {
  free(p->keys);
  free(p->counts);
  memset(p, 0, sizeof *p);
}

/* Token ids in slots carry two flag bits so that sampling never has to
 * touch the vocabulary (the chain walk is bound by memory latency). */
#define ID_TERMINAL 0x80000000u
#define ID_WORD 0x40000000u
#define ID_MASK 0x3FFFFFFFu

typedef struct {
  uint64_t thresh; /* keep `self` when x < thresh, else take `other` */
  uint32_t self, other;
} slot_t;

typedef struct {
  size_t off;     /* first slot */
  uint64_t total; /* sum of the row's bigram counts (W) */
  uint32_t k;     /* number of slots */
} row_t;

typedef struct {
  vocab_t voc;
  pairs_t pairs;
  /* compiled chain: successors of token a are next[offs[a] .. offs[a+1]);
   * each row is a Walker/Vose alias table in integer arithmetic: pick slot
   * i uniformly, keep it when x < thresh[i] (x uniform in [0, total[a])),
   * else take slot alias[i].  O(1) per sample, no floating point. */
  row_t *rows;   /* one per token id */
  slot_t *slots; /* all rows' slots, row after row */
  /* statistics */
  uint64_t tokens, segments, docs, bad_lines, files;
} model_t;

#define BOS 0u

static void model_init(model_t *m) {
  memset(m, 0, sizeof *m);
  uint32_t bos = vocab_intern(&m->voc, "", 0);
  (void)bos; /* always id 0 == BOS */
}

typedef struct {
  uint64_t key;
  uint32_t count;
} pair_ent_t;

static int cmp_pair_ent(const void *x, const void *y) {
  const pair_ent_t *a = x, *b = y;
  return a->key < b->key ? -1 : a->key > b->key;
}

/* Turns the bigram hash table into the CSR chain and frees the table. */
static void model_compile(model_t *m) {
  size_t n = m->pairs.n;
  pair_ent_t *all = xmalloc(n * sizeof *all);
  size_t k = 0;
  for (size_t i = 0; i < m->pairs.cap; i++) {
    if (m->pairs.keys[i] == EMPTY_KEY)
      continue;
    all[k].key = m->pairs.keys[i];
    all[k].count = m->pairs.counts[i];
    k++;
  }
  pairs_free(&m->pairs);
  qsort(all, n, sizeof *all, cmp_pair_ent);
  uint32_t V = m->voc.n;
  m->rows = xcalloc(V, sizeof *m->rows);
  m->slots = xmalloc((n ? n : 1) * sizeof *m->slots);
  for (size_t i = 0; i < n; i++) {
    row_t *rw = &m->rows[all[i].key >> 32];
    if (rw->k == 0)
      rw->off = i; /* rows are contiguous: `all` is sorted by key */
    rw->k++;
    rw->total += all[i].count;
  }
  /* Vose's alias method on scaled integer weights s_i = w_i * k, where k
   * is the row length and W the row total: slot i is kept with
   * probability s_i / W.  Work lists hold row-relative indices. */
  uint32_t *small = xmalloc((n ? n : 1) * sizeof *small);
  uint32_t *large = xmalloc((n ? n : 1) * sizeof *large);
  uint32_t *alias = xmalloc((n ? n : 1) * sizeof *alias);
  for (uint32_t a = 0; a < V; a++) {
    size_t lo = m->rows[a].off, k = m->rows[a].k;
    uint64_t W = m->rows[a].total;
    slot_t *sl = m->slots + lo;
    size_t ns = 0, nl = 0;
    for (size_t i = 0; i < k; i++) {
      sl[i].thresh = (uint64_t)all[lo + i].count * k;
      alias[i] = (uint32_t)i;
      if (sl[i].thresh < W)
        small[ns++] = (uint32_t)i;
      else
        large[nl++] = (uint32_t)i;
    }
    while (ns > 0 && nl > 0) {
      uint32_t l = small[--ns], g = large[nl - 1];
      alias[l] = g; /* thresh[l] stays s_l */
      sl[g].thresh -= W - sl[l].thresh;
      if (sl[g].thresh < W) {
        nl--;
        small[ns++] = g;
      }
    }
    while (nl > 0)
      sl[large[--nl]].thresh = W;
    while (ns > 0) /* only through rounding; cannot happen with integers */
      sl[small[--ns]].thresh = W;
    for (size_t i = 0; i < k; i++) {
      uint32_t b = (uint32_t)all[lo + i].key,
               c = (uint32_t)all[lo + alias[i]].key;
      sl[i].self = b | (m->voc.ents[b].terminal ? ID_TERMINAL : 0) |
                   (m->voc.ents[b].word ? ID_WORD : 0);
      sl[i].other = c | (m->voc.ents[c].terminal ? ID_TERMINAL : 0) |
                    (m->voc.ents[c].word ? ID_WORD : 0);
    }
  }
  free(alias);
  free(small);
  free(large);
  free(all);
}

static void model_free(model_t *m) {
  vocab_free(&m->voc);
  pairs_free(&m->pairs);
  free(m->rows);
  free(m->slots);
  memset(m, 0, sizeof *m);
}

/* Samples a successor of `a` (a flagged id, see ID_*); returns UINT32_MAX
 * when `a` has none. */
static uint32_t model_next(const model_t *m, uint32_t a, rng_t *r) {
  const row_t *rw = &m->rows[a & ID_MASK];
  if (rw->k == 0)
    return UINT32_MAX;
  uint64_t W = rw->total, x, v = rng_next(r);
  const slot_t *sl =
      &m->slots[rw->off + (size_t)(((v >> 32) * (uint64_t)rw->k) >> 32)];
  if (W <= UINT32_MAX)
    x = ((v & 0xFFFFFFFFu) * W) >> 32;
  else
    x = rng_below(r, W);
  return x < sl->thresh ? sl->self : sl->other;
}

/* ------------------------------------------------------------------------ */
/* Tokenizer used for learning                                               */

static int is_space_at(const unsigned char *s, size_t n, size_t i, size_t *w) {
  unsigned c = s[i];
  if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
      c == '\v') {
    *w = 1;
    return 1;
  }
  if (c == 0xC2 && i + 1 < n && s[i + 1] == 0xA0) { /* U+00A0 */
    *w = 2;
    return 1;
  }
  if (c == 0xE2 && i + 2 < n && s[i + 1] == 0x80 &&
      (s[i + 2] == 0xAF ||
       (s[i + 2] >= 0x80 && s[i + 2] <= 0x8B))) { /* U+202F, U+2000..200B */
    *w = 3;
    return 1;
  }
  return 0;
}

/* Length of a leading punctuation mark that opens something, or 0. */
static size_t lead_punct(const unsigned char *s, size_t n) {
  if (n >= 1 && (s[0] == '(' || s[0] == '[' || s[0] == '"'))
    return 1;
  if (n >= 2 && s[0] == 0xC2 && s[1] == 0xAB) /* « */
    return 2;
  if (n >= 3 && s[0] == 0xE2 && s[1] == 0x80 && s[2] == 0x9C) /* “ */
    return 3;
  return 0;
}

/* Length of a trailing punctuation mark, or 0. */
static size_t trail_punct(const unsigned char *s, size_t n) {
  if (n >= 3 && memcmp(s + n - 3, "...", 3) == 0)
    return 3;
  if (n >= 1) {
    switch (s[n - 1]) {
    case ',':
    case '.':
    case ';':
    case ':':
    case '!':
    case '?':
    case ')':
    case ']':
    case '"':
    case '%': return 1;
    default: break;
    }
  }
  if (n >= 2 && s[n - 2] == 0xC2 && s[n - 1] == 0xBB) /* » */
    return 2;
  if (n >= 3 && s[n - 3] == 0xE2 && s[n - 2] == 0x80 &&
      (s[n - 1] == 0x9D || s[n - 1] == 0xA6))
    return 3; /* ” … */
  return 0;
}

static int is_upper_start(const unsigned char *s, size_t n) {
  if (n >= 1 && s[0] >= 'A' && s[0] <= 'Z')
    return 1;
  if (n >= 2 && s[0] == 0xC3 && s[1] >= 0x80 && s[1] <= 0x9E && s[1] != 0x97)
    return 1; /* À..Þ except × */
  return 0;
}

static int is_lowerish(unsigned c) {
  return (c >= 'a' && c <= 'z') || c >= 0x80;
}

typedef struct {
  model_t *m;
  uint32_t prev;
} learner_t;

static void learn_token(learner_t *L, const unsigned char *s, size_t n) {
  if (n == 0)
    return;
  uint32_t id = vocab_intern(&L->m->voc, (const char *)s, n);
  pairs_add(&L->m->pairs, L->prev, id);
  L->m->tokens++;
  L->prev = L->m->voc.ents[id].terminal ? BOS : id;
}

/* A core chunk (no spaces, leading/trailing punctuation already peeled).
 * Splits the "midi.Lorsque" glue that scraped text often has. */
static void learn_core(learner_t *L, const unsigned char *s, size_t n) {
  size_t start = 0;
  for (size_t i = 1; i + 1 < n; i++) {
    unsigned p = s[i - 1], q = s[i + 1];
    int glued_end =
        (s[i] == '.' || s[i] == '!' || s[i] == '?') &&
        (is_lowerish(p) || (p >= '0' && p <= '9') || p == ')' || p == '"') &&
        is_upper_start(s + i + 1, n - i - 1);
    int glued_comma = s[i] == ',' &&
                      (is_lowerish(p) || (p >= 'A' && p <= 'Z')) &&
                      (is_lowerish(q) || (q >= 'A' && q <= 'Z'));
    if (glued_end || glued_comma) {
      learn_token(L, s + start, i - start);
      learn_token(L, s + i, 1);
      start = i + 1;
    }
  }
  learn_token(L, s + start, n - start);
}

static int keep_final_dot(const unsigned char *s, size_t n) {
  /* "M." "J." (initials, Monsieur) and "U.S." keep their dot. */
  if (n == 2 && s[1] == '.' && s[0] >= 'A' && s[0] <= 'Z')
    return 1;
  if (n >= 2 && memchr(s, '.', n - 1) && s[n - 1] == '.') {
    for (size_t i = 0; i < n; i++)
      if (!(s[i] == '.' || (s[i] >= 'A' && s[i] <= 'Z')))
        return 0;
    return 1;
  }
  return 0;
}

static void learn_chunk(learner_t *L, const unsigned char *s, size_t n) {
  size_t k;
  while (n > 0 && (k = lead_punct(s, n)) > 0 && k < n) {
    learn_token(L, s, k);
    s += k;
    n -= k;
  }
  /* peel trailing marks, remembering them (at most a handful) */
  size_t tails[8], nt = 0;
  while (n > 0 && nt < 8 && !keep_final_dot(s, n) &&
         (k = trail_punct(s, n)) > 0 && k < n) {
    tails[nt++] = k;
    n -= k;
  }
  if (n > 0)
    learn_core(L, s, n);
  size_t pos = n;
  while (nt > 0) {
    k = tails[--nt];
    learn_token(L, s + pos, k);
    pos += k;
  }
}

/* Feeds one text segment (a line / paragraph) to the chain. */
static void learn_text(model_t *m, const char *text, size_t n) {
  const unsigned char *s = (const unsigned char *)text;
  learner_t L = {m, BOS};
  size_t i = 0, w;
  int any = 0;
  while (i < n) {
    if (is_space_at(s, n, i, &w)) {
      i += w;
      continue;
    }
    size_t j = i;
    while (j < n && !is_space_at(s, n, j, &w))
      j++;
    learn_chunk(&L, s + i, j - i);
    any = 1;
    i = j;
  }
  if (any)
    m->segments++;
}

/* Splits on newlines and learns each non-empty line. */
static void learn_lines(model_t *m, const char *text, size_t n) {
  size_t i = 0;
  while (i < n) {
    const char *nl = memchr(text + i, '\n', n - i);
    size_t j = nl ? (size_t)(nl - text) : n;
    if (j > i)
      learn_text(m, text + i, j - i);
    i = j + 1;
  }
}

/* ------------------------------------------------------------------------ */
/* Readers                                                                   */

static void warn_at(const char *path, unsigned long line, const char *fmt,
                    ...) {
  va_list ap;
  if (line)
    fprintf(stderr, "%s:%lu: ", path, line);
  else
    fprintf(stderr, "%s: ", path);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

/* Reads one line of any length into b (without the newline).  Returns 0 at
 * EOF, 1 when a line was read, -1 on a read error. */
static int gz_getline(gzFile f, buf_t *b) {
  b->len = 0;
  buf_reserve(b, 4096);
  b->data[0] = '\0';
  for (;;) {
    buf_reserve(b, 4096);
    size_t room = b->cap - b->len;
    if (room > INT32_MAX)
      room = INT32_MAX;
    char *got = gzgets(f, b->data + b->len, (int)room);
    if (!got) {
      int err;
      gzerror(f, &err);
      if (err != Z_OK && err != Z_STREAM_END)
        return -1;
      return b->len > 0 ? 1 : 0;
    }
    size_t k = strlen(b->data + b->len);
    b->len += k;
    if (b->len > 0 && b->data[b->len - 1] == '\n') {
      b->len--;
      if (b->len > 0 && b->data[b->len - 1] == '\r')
        b->len--;
      b->data[b->len] = '\0';
      return 1;
    }
    if (k == 0) /* embedded NUL byte: skip it so we never loop */
      buf_addc(b, ' ');
  }
}

/* zlib's error text without the "path: " prefix it sometimes carries. */
static const char *gz_msg(gzFile f, const char *path) {
  int e;
  const char *msg = gzerror(f, &e);
  size_t n = strlen(path);
  if (strncmp(msg, path, n) == 0 && strncmp(msg + n, ": ", 2) == 0)
    msg += n + 2;
  return msg;
}

static int learn_json_object(model_t *m, json_t *o, const char *path,
                             unsigned long line) {
  static const char *fields[] = {"title", "heading", "body", "text"};
  if (!json_is_object(o)) {
    warn_at(path, line, "not a JSON object");
    return -1;
  }
  int any = 0;
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
    json_t *v = json_object_get(o, fields[i]);
    if (!v)
      continue;
    if (!json_is_string(v)) {
      warn_at(path, line, "field \"%s\" is not a string", fields[i]);
      continue;
    }
    learn_lines(m, json_string_value(v), json_string_length(v));
    any = 1;
  }
  if (!any) {
    warn_at(path, line, "no \"title\", \"heading\" or \"body\" string");
    return -1;
  }
  m->docs++;
  return 0;
}

static void learn_jsonl(model_t *m, const char *path) {
  gzFile f = strcmp(path, "-") == 0 ? gzdopen(dup(STDIN_FILENO), "rb")
                                    : gzopen(path, "rb");
  if (!f) {
    warn_at(path, 0, "cannot open: %s",
            errno ? strerror(errno) : "out of memory");
    m->bad_lines++;
    return;
  }
  gzbuffer(f, 1u << 18);
  m->files++;
  buf_t line = {0};
  unsigned long ln = 0;
  int rc;
  while ((rc = gz_getline(f, &line)) > 0) {
    ln++;
    size_t i = 0;
    while (i < line.len && (line.data[i] == ' ' || line.data[i] == '\t'))
      i++;
    if (i == line.len)
      continue;
    json_error_t err;
    json_t *o = json_loadb(line.data, line.len,
                           JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
    if (!o) {
      warn_at(path, ln, "bad JSON: %s", err.text);
      m->bad_lines++;
      continue;
    }
    if (learn_json_object(m, o, path, ln) < 0)
      m->bad_lines++;
    json_decref(o);
  }
  if (rc < 0) {
    warn_at(path, ln + 1, "read error: %s", gz_msg(f, path));
    m->bad_lines++;
  }
  buf_free(&line);
  gzclose(f);
}

/* A whole-file JSON document: one object or an array of objects. */
static void learn_json_file(model_t *m, const char *path) {
  json_error_t err;
  json_t *root =
      json_load_file(path, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
  if (!root) {
    warn_at(path, (unsigned long)(err.line > 0 ? err.line : 0), "bad JSON: %s",
            err.text);
    m->bad_lines++;
    return;
  }
  m->files++;
  if (json_is_array(root)) {
    size_t i;
    json_t *o;
    json_array_foreach(root, i, o) {
      if (learn_json_object(m, o, path, 0) < 0)
        m->bad_lines++;
    }
  } else if (learn_json_object(m, root, path, 0) < 0) {
    m->bad_lines++;
  }
  json_decref(root);
}

/* Is `line` a "Key: value" header line of the txt format? */
static int is_header_line(const char *s) {
  static const char *keys[] = {"title",  "titre",   "date", "source",
                               "url",    "section", "id",   "author",
                               "auteur", "rubrique"};
  const char *c = strchr(s, ':');
  if (!c)
    return 0;
  size_t n = (size_t)(c - s);
  while (n > 0 && s[n - 1] == ' ')
    n--;
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
    if (strlen(keys[i]) == n && strncasecmp(s, keys[i], n) == 0)
      return 1;
  return 0;
}

static void learn_txt(model_t *m, const char *path) {
  gzFile f = gzopen(path, "rb");
  if (!f) {
    warn_at(path, 0, "cannot open: %s",
            errno ? strerror(errno) : "out of memory");
    m->bad_lines++;
    return;
  }
  m->files++;
  buf_t line = {0};
  unsigned long ln = 0;
  int rc, in_header = -1; /* -1: undecided */
  while ((rc = gz_getline(f, &line)) > 0) {
    ln++;
    if (!utf8_valid((const unsigned char *)line.data, line.len)) {
      warn_at(path, ln, "invalid UTF-8, line skipped");
      m->bad_lines++;
      continue;
    }
    const char *s = line.data;
    if (ln == 1 && line.len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
      s += 3; /* BOM */
    if (in_header == -1)
      in_header = is_header_line(s);
    if (in_header == 1) {
      if (*s == '\0') {
        in_header = 0;
        continue;
      }
      if (strncasecmp(s, "title", 5) == 0 || strncasecmp(s, "titre", 5) == 0) {
        const char *c = strchr(s, ':');
        if (c)
          learn_text(m, c + 1, strlen(c + 1));
      }
      continue;
    }
    learn_text(m, s, strlen(s));
  }
  if (rc < 0) {
    warn_at(path, ln + 1, "read error: %s", gz_msg(f, path));
    m->bad_lines++;
  }
  m->docs++;
  buf_free(&line);
  gzclose(f);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void learn_path(model_t *m, const char *path, int explicit_file);

static void learn_dir(model_t *m, const char *path) {
  DIR *d = opendir(path);
  if (!d) {
    warn_at(path, 0, "cannot open directory: %s", strerror(errno));
    m->bad_lines++;
    return;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue; /* hidden, . and .. */
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      names = xrealloc(names, cap * sizeof *names);
    }
    names[n++] = strdup(e->d_name);
    if (!names[n - 1])
      die_oom();
  }
  closedir(d);
  qsort(names, n, sizeof *names, cmp_str); /* deterministic order */
  for (size_t i = 0; i < n; i++) {
    buf_t p = {0};
    buf_printf(&p, "%s/%s", path, names[i]);
    learn_path(m, p.data, 0);
    buf_free(&p);
    free(names[i]);
  }
  free(names);
}

static void learn_path(model_t *m, const char *path, int explicit_file) {
  if (strcmp(path, "-") == 0) {
    learn_jsonl(m, path);
    return;
  }
  struct stat st;
  if ((explicit_file ? stat(path, &st) : lstat(path, &st)) != 0) {
    warn_at(path, 0, "cannot open: %s", strerror(errno));
    m->bad_lines++;
    return;
  }
  if (S_ISLNK(st.st_mode)) { /* inside a directory: follow file links only */
    if (stat(path, &st) != 0 || S_ISDIR(st.st_mode))
      return;
  }
  if (S_ISDIR(st.st_mode)) {
    learn_dir(m, path);
    return;
  }
  char *lower = strdup(path);
  if (!lower)
    die_oom();
  for (char *c = lower; *c; c++)
    if (*c >= 'A' && *c <= 'Z')
      *c = (char)(*c - 'A' + 'a');
  if (has_suffix(lower, ".gz"))
    lower[strlen(lower) - 3] = '\0';
  if (has_suffix(lower, ".jsonl") || has_suffix(lower, ".ndjson"))
    learn_jsonl(m, path);
  else if (has_suffix(lower, ".json") && !has_suffix(path, ".gz"))
    learn_json_file(m, path);
  else if (has_suffix(lower, ".json"))
    learn_jsonl(m, path); /* gzip'ed .json: read it as JSON Lines */
  else if (has_suffix(lower, ".txt"))
    learn_txt(m, path);
  else if (explicit_file)
    learn_jsonl(m, path); /* unknown extension given by hand: try JSON Lines */
  free(lower);
}

/* ------------------------------------------------------------------------ */
/* Built-in lists                                                            */

typedef struct {
  const char *name;  /* canonical, as printed */
  const char *civil; /* "M." / "Mme" */
  const char *surname;
  const char *role; /* apposition, may be empty */
} person_t;

static const person_t persons[] = {
    {"Emmanuel Macron", "M.", "Macron", "le président de la République"},
    {"Claire Lefèvre", "Mme", "Lefèvre", "la ministre des Armées"},
    {"Jean-Luc Dupont", "M.", "Dupont",
     "le vice-président de la Métropole de Lyon"},
    {"Nadia Benali", "Mme", "Benali", "chercheuse en sécurité informatique"},
    {"Laurent Garnier", "M.", "Garnier",
     "le porte-parole du ministère de la Défense"},
    {"Hélène Roux", "Mme", "Roux", "cheffe d'entreprise marseillaise"},
    {"Thomas Vidal", "M.", "Vidal", "économiste"},
    {"Isabelle Garnier", "Mme", "Garnier",
     "professeure à l'université Lumière Lyon 2"},
    {"Antoine Delmas", "M.", "Delmas",
     "le rapporteur de la commission de la Défense"},
    {"Sophie Marchand", "Mme", "Marchand", "juriste"},
    {"Yannick Le Goff", "M.", "Le Goff", "directeur d'hôpital"},
    {"Élise Martin", "Mme", "Martin", "astrophysicienne au CNRS"},
    {"Marc-Antoine Lefebvre", "M.", "Lefebvre", "le préfet du Nord"},
    {"Anne-Marie Le Bihan", "Mme", "Le Bihan", "sénatrice du Finistère"},
    {"Raphaël Lemoine", "M.", "Lemoine",
     "cofondateur d'une start-up de Saclay"},
    {"Catherine Morel", "Mme", "Morel", "présidente du groupe d'opposition"},
    {"Karim Haddad", "M.", "Haddad", "le ministre de l'Intérieur"},
    {"Ursula von der Leyen", "Mme", "von der Leyen",
     "la présidente de la Commission européenne"},
    {"António Guterres", "M.", "Guterres", "le secrétaire général de l'ONU"},
    {"Julie Renaud", "Mme", "Renaud", "la porte-parole du gouvernement"},
};

static const char *orgs[] = {
    "la SNCF",
    "Airbus",
    "Microsoft",
    "TotalEnergies",
    "l'OTAN",
    "l'ONU",
    "l'Union européenne",
    "l'ANSSI",
    "le CNRS",
    "l'Insee",
    "le ministère de la Défense",
    "le ministère de l'Intérieur",
    "le ministère des Armées",
    "EDF",
    "Orange",
    "Renault",
    "le CNES",
    "Météo-France",
    "la Commission européenne",
    "l'Ifremer",
    "la BCE",
    "l'Inserm",
    "Google",
    "Thales",
};

static const char *cities[] = {
    "Paris",       "Lyon",   "Marseille",  "Lille",           "Bordeaux",
    "Toulouse",    "Nantes", "Strasbourg", "Rennes",          "Saint-Étienne",
    "Montpellier", "Brest",  "Grenoble",   "Bruxelles",       "Pékin",
    "Washington",  "Berlin", "Londres",    "Genève",          "Wellington",
    "Kiev",        "Rome",   "Madrid",     "Aix-en-Provence",
};

static const char *countries_in[] = {
    /* with their preposition */
    "aux États-Unis", "en Chine",   "en Nouvelle-Zélande", "en Allemagne",
    "au Japon",       "en Ukraine", "en Belgique",         "au Royaume-Uni",
    "en Italie",      "au Canada",  "en Australie",        "en Espagne",
    "au Maroc",       "en Inde",
};

static const char *apt_groups[] = {
    "APT31",   "APT 31",  "APT-31",  "APT40", "APT28",
    "UNC2452", "Hafnium", "Lazarus", "APT29", "Sandworm",
};

static const char *weekdays[] = {"lundi",    "mardi",  "mercredi", "jeudi",
                                 "vendredi", "samedi", "dimanche"};

typedef struct {
  const char *name;
  const char *domain;
} source_t;

static const source_t sources[] = {
    {"Agence France Dépêche", "www.afdepeche.fr"},
    {"Le Courrier du Rhône", "www.courrierdurhone.fr"},
    {"Ouest-Matin", "www.ouest-matin.fr"},
    {"La Gazette numérique", "gazette-numerique.fr"},
    {"Radio Nord Info", "www.radionordinfo.fr"},
    {"Le Journal de l'Est", "www.journaldelest.fr"},
    {"Midi Dépêches", "www.midi-depeches.fr"},
    {"L'Écho des Alpes", "www.echodesalpes.fr"},
    {"Le Fil économique", "lefileco.fr"},
    {"Info Sud-Ouest", "www.infosudouest.fr"},
};

typedef struct {
  const char *name;
  const char *slug;
} section_t;

static const section_t sections[] = {
    {"politique", "politique"}, {"économie", "economie"},
    {"société", "societe"},     {"international", "international"},
    {"culture", "culture"},     {"sport", "sport"},
    {"sciences", "sciences"},   {"cybersécurité", "cybersecurite"},
};
#define SEC_CYBER 7

#define PICK(r, arr) (arr[rng_below((r), sizeof(arr) / sizeof(*(arr)))])

/* Entity sentence templates.  Slots: %P person with role, %p M./Mme + surname,
 * %N full name, %O organisation, %C city, %Y country (with preposition),
 * %A APT group, %D weekday.  Guillemets already carry their no-break spaces. */
static const char *tpl_general[] = {
    "«\u00a0Nous suivons la situation avec la plus grande attention\u00a0», a "
    "déclaré %P.",
    "%O a annoncé %D une série de mesures à %C.",
    "Selon %O, la situation reste préoccupante %Y.",
    "%p doit se rendre à %C la semaine prochaine.",
    "%N n'a pas souhaité commenter ces informations %D.",
    "Une délégation conduite par %O s'est réunie %D à %C.",
    "%N, %R, a jugé ces chiffres «\u00a0encourageants mais "
    "insuffisants\u00a0».",
    "La décision a été saluée par %O, qui y voit «\u00a0une étape "
    "importante\u00a0».",
    "À %C, %p a rappelé que rien n'était encore décidé.",
    "Le dossier sera examiné %D à %C, en présence de %N.",
    "D'après %O, plus de 1\u202f000 personnes seraient concernées %Y.",
    "%O n'a pas souhaité réagir %D.",
};

static const char *tpl_cyber[] = {
    "Le groupe de pirates %A serait à l'origine de l'attaque, selon %O.",
    "L'ANSSI attribue ces intrusions au groupe %A, déjà accusé d'avoir visé "
    "des serveurs Microsoft Exchange.",
    "Le ministère de la Défense a confirmé que %A avait ciblé plusieurs de ses "
    "prestataires.",
    "Les techniques observées rappellent celles du groupe %A, actif %Y depuis "
    "plusieurs années.",
    "Selon %N, %R, la cyber-attaque attribuée à %A «\u00a0n'est pas "
    "terminée\u00a0».",
    "Les enquêteurs soupçonnent %A d'avoir exploité une faille d'Exchange pour "
    "s'introduire dans le réseau.",
};

/* ------------------------------------------------------------------------ */
/* Generation                                                                */

typedef struct {
  const model_t *m;
  buf_t out;     /* current JSON record */
  buf_t text;    /* scratch: title / heading / body text */
  buf_t tmp;     /* scratch */
  uint32_t *ids; /* sentence token buffer */
  size_t nids, cap_ids;
} gen_t;

static void ids_push(gen_t *g, uint32_t id) {
  if (g->nids == g->cap_ids) {
    g->cap_ids = g->cap_ids ? g->cap_ids * 2 : 128;
    g->ids = xrealloc(g->ids, g->cap_ids * sizeof *g->ids);
  }
  g->ids[g->nids++] = id;
}

/* Samples one sentence into g->ids (raw token ids, terminal included when the
 * chain produced one).  Returns the number of words. */
static unsigned sample_sentence(gen_t *g, rng_t *r, unsigned max_tokens) {
  const model_t *m = g->m;
  g->nids = 0;
  unsigned words = 0;
  uint32_t cur = BOS;
  for (unsigned i = 0; i < max_tokens; i++) {
    uint32_t nx = model_next(m, cur, r);
    if (nx == UINT32_MAX)
      break;
    ids_push(g, nx & ID_MASK);
    words += (nx & ID_WORD) != 0;
    if (nx & ID_TERMINAL)
      break;
    cur = nx;
  }
  return words;
}

typedef struct {
  int need_space;    /* a separator is due before the next token */
  int glue;          /* previous token was an opener or elided word */
  int guil, paren;   /* open guillemets (0/1) and parentheses */
  int just_opened;   /* 1: last token was an opener, 2: it was "(" */
  int started;       /* a word or opener has been written */
  size_t first_word; /* buffer offset of the first word, or SIZE_MAX */
  size_t open_pos;   /* buffer length before that opener */
} detok_t;

/* Appends token text to b with French spacing, keeping « » and ( ) balanced;
 * straight double quotes become guillemets.  Returns 0 when the token was
 * dropped (unbalanced closer, punctuation right after an opener). */
static int detok_emit(detok_t *d, buf_t *b, const vocab_ent_t *e,
                      const char *s) {
  int kind = e->kind;
  if (kind == K_DQUOTE)
    kind = d->guil ? K_RGUIL : K_LGUIL;
  int is_paren_close =
      kind == K_CLOSE && e->len == 1 && (s[0] == ')' || s[0] == ']');
  if (!d->started && kind != K_WORD && kind != K_LGUIL && kind != K_OPEN)
    return 0; /* a sentence never starts with , . : ) » */
  if (d->just_opened && (kind == K_CLOSE || kind == K_HIGH || kind == K_RGUIL ||
                         kind == K_PERCENT)) {
    /* "« »", "()" or "« ," : undo an empty opener, drop stray marks */
    if ((kind == K_RGUIL && d->just_opened == 1) ||
        (is_paren_close && d->just_opened == 2)) {
      b->len = d->open_pos;
      b->data[b->len] = '\0';
      if (kind == K_RGUIL)
        d->guil--;
      else
        d->paren--;
      d->just_opened = 0;
      d->glue = 0;
    }
    return 0;
  }
  size_t before = b->len;
  switch (kind) {
  case K_CLOSE:
    if (is_paren_close) {
      if (d->paren == 0)
        return 0;
      d->paren--;
    }
    buf_add(b, s, e->len);
    d->glue = 0;
    break;
  case K_HIGH:
    if (b->len > 0)
      buf_adds(b, s[0] == ':' ? "\u00a0" : "\u202f");
    buf_add(b, s, e->len);
    d->glue = 0;
    break;
  case K_PERCENT:
    buf_adds(b, "\u00a0%");
    d->glue = 0;
    break;
  case K_RGUIL:
    if (d->guil == 0)
      return 0;
    d->guil--;
    buf_adds(b, "\u00a0\u00bb");
    d->glue = 0;
    break;
  case K_LGUIL:
    if (d->guil > 0)
      return 0; /* no nested guillemets */
    if (d->need_space && !d->glue)
      buf_addc(b, ' ');
    buf_adds(b, "\u00ab\u00a0");
    d->guil++;
    d->glue = 1;
    d->started = 1;
    d->just_opened = 1;
    d->open_pos = before;
    d->need_space = 1;
    return 1;
  case K_OPEN:
    if (d->need_space && !d->glue)
      buf_addc(b, ' ');
    buf_add(b, s, e->len);
    d->glue = 1;
    d->started = 1;
    if (s[0] == '(' || s[0] == '[') {
      d->paren++;
      d->just_opened = 2;
      d->open_pos = before;
    } else {
      d->just_opened = 0;
    }
    d->need_space = 1;
    return 1;
  default:
    if (d->need_space && !d->glue)
      buf_addc(b, ' ');
    if (d->first_word == SIZE_MAX)
      d->first_word = b->len;
    buf_add(b, s, e->len);
    d->glue = e->elided;
    break;
  }
  d->started = 1;
  d->just_opened = 0;
  d->need_space = 1;
  return 1;
}

static void detok_init(detok_t *d, int lead_space) {
  memset(d, 0, sizeof *d);
  d->need_space = lead_space;
  d->first_word = SIZE_MAX;
}

/* Upper-cases the first letter of the sentence's first word (ASCII and the
 * Latin-1 letters à..þ, which is all French needs). */
static void capitalise_first(const detok_t *d, buf_t *b) {
  if (d->first_word == SIZE_MAX || d->first_word >= b->len)
    return;
  unsigned char *p = (unsigned char *)b->data + d->first_word;
  if (p[0] >= 'a' && p[0] <= 'z')
    p[0] = (unsigned char)(p[0] - 'a' + 'A');
  else if (p[0] == 0xC3 && d->first_word + 1 < b->len && p[1] >= 0xA0 &&
           p[1] <= 0xBE && p[1] != 0xB7)
    p[1] = (unsigned char)(p[1] - 0x20);
}

static void detok_close(detok_t *d, buf_t *b) {
  if (d->just_opened) { /* an opener with nothing after it: remove it */
    b->len = d->open_pos;
    if (b->data)
      b->data[b->len] = '\0';
    if (d->just_opened == 1)
      d->guil--;
    else
      d->paren--;
    d->just_opened = 0;
  }
  if (d->guil) {
    buf_adds(b, "\u00a0\u00bb");
    d->guil = 0;
  }
  while (d->paren > 0) {
    buf_addc(b, ')');
    d->paren--;
  }
}

/* Strips trailing blanks, commas and similar from b. */
static void trim_tail(buf_t *b) {
  for (;;) {
    if (b->len >= 2 && memcmp(b->data + b->len - 2, "\u00a0", 2) == 0) {
      b->len -= 2;
    } else if (b->len >= 3 && memcmp(b->data + b->len - 3, "\u202f", 3) == 0) {
      b->len -= 3;
    } else if (b->len > 0 && strchr(" ,;:-", b->data[b->len - 1])) {
      b->len--;
    } else {
      break;
    }
  }
  if (b->data)
    b->data[b->len] = '\0';
}

/* Renders g->ids as a sentence into b; ensures a final full stop. */
static void render_sentence(gen_t *g, buf_t *b, int lead_space) {
  const model_t *m = g->m;
  detok_t d;
  detok_init(&d, lead_space);
  size_t start = b->len;
  int terminated = 0;
  for (size_t i = 0; i < g->nids; i++) {
    const vocab_ent_t *e = &m->voc.ents[g->ids[i]];
    if (e->terminal) {
      detok_close(&d, b);
      /* the sentence's own end mark */
      if (e->len == 1 && (vocab_str(&m->voc, g->ids[i])[0] == '!' ||
                          vocab_str(&m->voc, g->ids[i])[0] == '?'))
        buf_adds(b, "\u202f");
      buf_add(b, vocab_str(&m->voc, g->ids[i]), e->len);
      terminated = 1;
      break;
    }
    detok_emit(&d, b, e, vocab_str(&m->voc, g->ids[i]));
  }
  if (!terminated) {
    /* cut mid-sentence: drop a dangling comma/colon, then close */
    size_t keep = b->len;
    trim_tail(b);
    if (b->len < start)
      b->len = keep;
    detok_close(&d, b);
    buf_addc(b, '.');
  }
  capitalise_first(&d, b);
}

static const char *title_stop[] = {
    "de",      "du",  "des",  "la",   "le",   "les",   "l'",   "d'",  "l\u2019",
    "d\u2019", "et",  "à",    "en",   "un",   "une",   "pour", "par", "sur",
    "au",      "aux", "dans", "avec", "que",  "qui",   "ou",   "a",   "est",
    "son",     "sa",  "ses",  "leur", "ce",   "cette", "qu'",  "ne",  "se",
    "s'",      "n'",  "plus", "mais", "dont", "il",    "elle", "ils", "on",
};

static int is_title_stop(const char *s, size_t n) {
  for (size_t i = 0; i < sizeof title_stop / sizeof *title_stop; i++)
    if (strlen(title_stop[i]) == n && memcmp(title_stop[i], s, n) == 0)
      return 1;
  return 0;
}

/* Writes a title (no final full stop, at most ~14 words) into b. */
static void make_title(gen_t *g, rng_t *r, buf_t *b, const char *entity) {
  const model_t *m = g->m;
  b->len = 0;
  buf_reserve(b, 64);
  b->data[0] = '\0';
  for (int attempt = 0; attempt < 8; attempt++) {
    unsigned w = sample_sentence(g, r, 40);
    if (w >= 4 || attempt == 7)
      break;
  }
  /* drop terminal, cut to 14 words, trim trailing function words */
  size_t n = g->nids;
  if (n > 0 && m->voc.ents[g->ids[n - 1]].terminal)
    n--;
  unsigned words = 0;
  size_t cut = n;
  for (size_t i = 0; i < n; i++) {
    words += m->voc.ents[g->ids[i]].word;
    if (words > 14) {
      cut = i;
      break;
    }
  }
  n = cut;
  while (n > 1) {
    const vocab_ent_t *e = &m->voc.ents[g->ids[n - 1]];
    if (!e->word || is_title_stop(vocab_str(&m->voc, g->ids[n - 1]), e->len))
      n--;
    else
      break;
  }
  if (entity) {
    buf_adds(b, entity);
    buf_adds(b, "\u00a0: ");
  }
  detok_t d;
  detok_init(&d, entity != NULL);
  for (size_t i = 0; i < n; i++)
    detok_emit(&d, b, &m->voc.ents[g->ids[i]], vocab_str(&m->voc, g->ids[i]));
  detok_close(&d, b);
  trim_tail(b);
  if (!entity)
    capitalise_first(&d, b);
  if (b->len == 0 || (entity && b->len <= strlen(entity) + 4))
    buf_adds(b, "Dépêche du jour");
}

/* Expands an entity template into b.  Returns the number of words added
 * (approximately: blank-separated chunks). */
static unsigned expand_template(buf_t *b, const char *tpl, rng_t *r) {
  const person_t *p = &PICK(r, persons);
  size_t start = b->len;
  for (const char *c = tpl; *c; c++) {
    if (*c != '%' || !c[1]) {
      buf_addc(b, *c);
      continue;
    }
    c++;
    switch (*c) {
    case 'P': buf_printf(b, "%s, %s", p->name, p->role); break;
    case 'R': buf_adds(b, p->role); break;
    case 'p': buf_printf(b, "%s %s", p->civil, p->surname); break;
    case 'N': buf_adds(b, p->name); break;
    case 'O': buf_adds(b, PICK(r, orgs)); break;
    case 'C': buf_adds(b, PICK(r, cities)); break;
    case 'Y': buf_adds(b, PICK(r, countries_in)); break;
    case 'A': buf_adds(b, PICK(r, apt_groups)); break;
    case 'D': buf_adds(b, PICK(r, weekdays)); break;
    default:
      buf_addc(b, '%');
      buf_addc(b, *c);
      break;
    }
  }
  /* sentence-initial organisation: capitalise "la"/"le"/"l'" */
  if (b->data[start] >= 'a' && b->data[start] <= 'z')
    b->data[start] = (char)(b->data[start] - 'a' + 'A');
  unsigned words = 0;
  int in = 0;
  for (size_t i = start; i < b->len; i++) {
    int sp = b->data[i] == ' ';
    if (!sp && !in)
      words++;
    in = !sp;
  }
  return words;
}

static void json_str(buf_t *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  buf_reserve(b, n + 2);
  buf_addc(b, '"');
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    buf_add(b, s + run, i - run);
    run = i + 1;
    switch (c) {
    case '"': buf_adds(b, "\\\""); break;
    case '\\': buf_adds(b, "\\\\"); break;
    case '\n': buf_adds(b, "\\n"); break;
    case '\t': buf_adds(b, "\\t"); break;
    case '\r': buf_adds(b, "\\r"); break;
    default: {
      char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
      buf_adds(b, u);
    }
    }
  }
  buf_add(b, s + run, n - run);
  buf_addc(b, '"');
}

/* days since 1970-01-01 -> civil date (H. Hinnant's algorithm). */
static void civil_from_days(long z, int *y, unsigned *mo, unsigned *d) {
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long yy = (long)yoe + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *mo = mp < 10 ? mp + 3 : mp - 9;
  *y = (int)(yy + (*mo <= 2));
}

#define DAY_2015_01_01 16436L
#define DAY_2025_12_31 20453L

/* URL slug of a title: ASCII letters and digits, Latin-1 accents folded. */
static void slugify(buf_t *b, const char *s, size_t maxwords) {
  /* U+00C0..U+00FF folded to ASCII ('-' = separator) */
  static const char fold[] =
      "aaaaaaaceeeeiiiidnooooo-ouuuuytsaaaaaaaceeeeiiiidnooooo-ouuuuyty";
  _Static_assert(sizeof fold == 65, "fold table covers U+00C0..U+00FF");
  size_t words = 0;
  int dash = 0, any = 0;
  const unsigned char *p = (const unsigned char *)s;
  while (*p && words < maxwords) {
    char c = 0;
    if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
      c = (char)*p;
    else if (*p >= 'A' && *p <= 'Z')
      c = (char)(*p - 'A' + 'a');
    else if (*p == 0xC3 && p[1] >= 0x80 && p[1] <= 0xBF) {
      c = fold[p[1] - 0x80];
      p++;
    } else if (*p == 0xC5 && (p[1] == 0x92 || p[1] == 0x93)) { /* Œ œ */
      if (dash && any) {
        buf_addc(b, '-');
        words++;
      }
      buf_adds(b, "oe");
      dash = 0;
      any = 1;
      p += 2;
      continue;
    }
    if (c && c != '-') {
      if (dash && any) {
        buf_addc(b, '-');
        words++;
      }
      buf_addc(b, c);
      dash = 0;
      any = 1;
    } else {
      dash = 1;
    }
    p++;
  }
  if (!any)
    buf_adds(b, "article");
}

/* Appends the body (paragraphs separated by a blank line) to g->text. */
static void make_body(gen_t *g, rng_t *r, unsigned target, int section) {
  buf_t *b = &g->text;
  unsigned words = 0;
  /* entity sentences: roughly one per 150 words, at least one */
  unsigned n_ent = 1 + (unsigned)rng_below(r, target / 150 + 1);
  unsigned n_apt = section == SEC_CYBER ? 1 + (unsigned)rng_below(r, 2)
                                        : (rng_chance(r, 3) ? 1u : 0u);
  unsigned total_sent_est = target / 22 + 1;
  while (words < target) {
    unsigned per_par = 2 + (unsigned)rng_below(r, 4);
    if (b->len > 0)
      buf_adds(b, "\n\n");
    for (unsigned s = 0; s < per_par && words < target; s++) {
      int lead = s > 0;
      if ((n_apt || n_ent) &&
          rng_below(r, total_sent_est) < (uint64_t)(n_apt + n_ent) * 2) {
        if (lead)
          buf_addc(b, ' ');
        if (n_apt) {
          words += expand_template(b, PICK(r, tpl_cyber), r);
          n_apt--;
        } else {
          words += expand_template(b, PICK(r, tpl_general), r);
          n_ent--;
        }
        continue;
      }
      unsigned w = sample_sentence(g, r, 80);
      if (w == 0 && g->nids == 0)
        continue;
      render_sentence(g, b, lead);
      words += w ? w : 1; /* always progress, even on punctuation-only models */
    }
  }
  /* the guaranteed mentions that did not fit go into a last paragraph */
  if (n_apt || n_ent) {
    buf_adds(b, "\n\n");
    int first = 1;
    while (n_apt || n_ent) {
      if (!first)
        buf_addc(b, ' ');
      first = 0;
      if (n_apt) {
        expand_template(b, PICK(r, tpl_cyber), r);
        n_apt--;
      } else {
        expand_template(b, PICK(r, tpl_general), r);
        n_ent--;
      }
    }
  }
}

/* Builds article number `k` into g->out as one JSON line. */
static void make_article(gen_t *g, uint64_t seed, uint64_t k) {
  rng_t r;
  rng_seed(&r, seed, k + 1);
  buf_t *o = &g->out;
  o->len = 0;

  int section = (int)rng_below(&r, sizeof sections / sizeof *sections);
  const source_t *src = &PICK(&r, sources);
  long day =
      DAY_2015_01_01 +
      (long)rng_below(&r, (uint64_t)(DAY_2025_12_31 - DAY_2015_01_01 + 1));
  int y;
  unsigned mo, d;
  civil_from_days(day, &y, &mo, &d);
  unsigned target = article_length(&r);

  char id[64];
  snprintf(id, sizeof id, "gen-%" PRIu64 "-%08" PRIu64, seed, k + 1);
  char date[32];
  snprintf(date, sizeof date, "%04d-%02u-%02u", y, mo, d);

  /* title, sometimes led by an entity ("APT31 : ...", "Lyon : ...") */
  const char *lead_ent = NULL;
  unsigned lead_roll = (unsigned)rng_below(&r, 100);
  if (section == SEC_CYBER && lead_roll < 40)
    lead_ent = PICK(&r, apt_groups);
  else if (lead_roll < 15)
    lead_ent = PICK(&r, cities);
  make_title(g, &r, &g->tmp, lead_ent);

  buf_adds(o, "{\"id\":");
  json_str(o, id, strlen(id));
  buf_adds(o, ",\"url\":");
  buf_t url = g->text; /* reuse scratch storage */
  url.len = 0;
  buf_printf(&url, "https://%s/%s/%s/", src->domain, sections[section].slug,
             date);
  slugify(&url, g->tmp.data, 8);
  buf_printf(&url, "-%" PRIu64, k + 1);
  json_str(o, url.data, url.len);
  g->text = url;
  buf_adds(o, ",\"title\":");
  json_str(o, g->tmp.data, g->tmp.len);
  buf_adds(o, ",\"date\":");
  json_str(o, date, strlen(date));
  buf_adds(o, ",\"source\":");
  json_str(o, src->name, strlen(src->name));
  buf_adds(o, ",\"section\":");
  json_str(o, sections[section].name, strlen(sections[section].name));

  /* heading: one sentence of reasonable length */
  g->text.len = 0;
  for (int attempt = 0; attempt < 6; attempt++) {
    unsigned w = sample_sentence(g, &r, 60);
    if ((w >= 10 && w <= 45) || attempt == 5)
      break;
  }
  render_sentence(g, &g->text, 0);
  buf_adds(o, ",\"heading\":");
  json_str(o, g->text.data, g->text.len);

  g->text.len = 0;
  make_body(g, &r, target, section);
  buf_adds(o, ",\"body\":");
  json_str(o, g->text.data, g->text.len);
  buf_adds(o, "}\n");
}

/* ------------------------------------------------------------------------ */
/* main                                                                      */

static void usage(FILE *f) {
  fprintf(
      f,
      "Usage: %s [--seed S] [--count N] [--from FILE|DIR|-]... [--out FILE|-]\n"
      "Writes N synthetic French news articles as JSON Lines\n"
      "{id, url, title, date, source, section, heading, body}.\n"
      "\n"
      "  --seed S     PRNG seed (unsigned 64-bit, default 1); same seed and "
      "input\n"
      "               give byte-identical output\n"
      "  --count N    number of articles (default 10)\n"
      "  --from P     learn the word model from P: a .jsonl/.ndjson file "
      "(gzip'ed\n"
      "               or not) with \"title\", \"heading\", \"body\" fields, a "
      ".json file,\n"
      "               a .txt article, a directory (searched recursively), or - "
      "for\n"
      "               JSON Lines on stdin; may be repeated\n"
      "               (default: %s)\n"
      "  --out F      output file (default -, standard output)\n"
      "  --verbose    print learning statistics and timings on stderr\n"
      "  --help       this text\n"
      "\n"
      "Bad input lines are reported as 'path:line: reason' and skipped.\n"
      "Exit status: 0 success, 2 error (usage, nothing learned, write "
      "error).\n",
      progname, DEPECHE_GEN_DEFAULT_CORPUS);
}

static int parse_u64(const char *s, uint64_t *out) {
  if (!s || !*s || *s == '-')
    return -1;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 0);
  if (errno || *end)
    return -1;
  *out = (uint64_t)v;
  return 0;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  uint64_t seed = 1, count = 10;
  const char *out_path = "-";
  const char **from = xcalloc((size_t)argc + 1, sizeof *from);
  size_t nfrom = 0;
  int verbose = 0, status = 0;

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *val = NULL;
    const char *eq = strchr(a, '=');
    size_t klen = eq && strncmp(a, "--", 2) == 0 ? (size_t)(eq - a) : strlen(a);
#define OPT(name) (strlen(name) == klen && strncmp(a, name, klen) == 0)
#define NEEDVAL()                                                              \
  do {                                                                         \
    if (eq && klen < strlen(a))                                                \
      val = eq + 1;                                                            \
    else if (i + 1 < argc)                                                     \
      val = argv[++i];                                                         \
    else {                                                                     \
      fprintf(stderr, "%s: option %.*s needs a value\n", progname, (int)klen,  \
              a);                                                              \
      free(from);                                                              \
      return 2;                                                                \
    }                                                                          \
  } while (0)
    if (OPT("--help") || OPT("-h")) {
      usage(stdout);
      free(from);
      return 0;
    } else if (OPT("--verbose") || OPT("-v")) {
      verbose = 1;
    } else if (OPT("--seed")) {
      NEEDVAL();
      if (parse_u64(val, &seed) < 0) {
        fprintf(stderr, "%s: bad --seed value '%s'\n", progname, val);
        free(from);
        return 2;
      }
    } else if (OPT("--count")) {
      NEEDVAL();
      if (parse_u64(val, &count) < 0) {
        fprintf(stderr, "%s: bad --count value '%s'\n", progname, val);
        free(from);
        return 2;
      }
    } else if (OPT("--from")) {
      NEEDVAL();
      from[nfrom++] = val;
    } else if (OPT("--out") || OPT("-o")) {
      NEEDVAL();
      out_path = val;
    } else {
      fprintf(stderr, "%s: unknown argument '%s' (try --help)\n", progname, a);
      free(from);
      return 2;
    }
#undef OPT
#undef NEEDVAL
  }
  if (nfrom == 0)
    from[nfrom++] = DEPECHE_GEN_DEFAULT_CORPUS;

  double t0 = now_s();
  model_t m;
  model_init(&m);
  for (size_t i = 0; i < nfrom; i++)
    learn_path(&m, from[i], 1);
  free(from);
  if (m.tokens == 0) {
    fprintf(stderr,
            "%s: no text learned from the input (try --from FILE.jsonl.gz)\n",
            progname);
    model_free(&m);
    return 2;
  }
  uint64_t npairs = m.pairs.n;
  model_compile(&m);
  double t1 = now_s();
  if (verbose)
    fprintf(stderr,
            "%s: learned %" PRIu64 " documents, %" PRIu64 " segments, %" PRIu64
            " tokens, %" PRIu32 " types, %" PRIu64 " bigrams from %" PRIu64
            " files (%" PRIu64 " bad inputs) in %.2f s\n",
            progname, m.docs, m.segments, m.tokens, m.voc.n - 1, npairs,
            m.files, m.bad_lines, t1 - t0);

  FILE *out = stdout;
  if (strcmp(out_path, "-") != 0) {
    out = fopen(out_path, "wb");
    if (!out) {
      fprintf(stderr, "%s: %s: cannot create: %s\n", progname, out_path,
              strerror(errno));
      model_free(&m);
      return 2;
    }
  }
  static char obuf[1 << 20];
  setvbuf(out, obuf, _IOFBF, sizeof obuf);

  gen_t g = {0};
  g.m = &m;
  uint64_t bytes = 0;
  for (uint64_t k = 0; k < count; k++) {
    make_article(&g, seed, k);
    if (fwrite(g.out.data, 1, g.out.len, out) != g.out.len) {
      fprintf(stderr, "%s: %s: write error: %s\n", progname, out_path,
              strerror(errno));
      status = 2;
      break;
    }
    bytes += g.out.len;
  }
  if (out == stdout) {
    if (fflush(out) != 0 && status == 0) {
      fprintf(stderr, "%s: %s: write error: %s\n", progname, out_path,
              strerror(errno));
      status = 2;
    }
  } else if (fclose(out) != 0 && status == 0) {
    fprintf(stderr, "%s: %s: write error: %s\n", progname, out_path,
            strerror(errno));
    status = 2;
  }
  double t2 = now_s();
  if (verbose && t2 > t1)
    fprintf(stderr,
            "%s: wrote %" PRIu64
            " articles, %.1f MB in %.2f s (%.0f articles/s, %.1f MB/s)\n",
            progname, count, (double)bytes / 1e6, t2 - t1,
            (double)count / (t2 - t1), (double)bytes / 1e6 / (t2 - t1));

  buf_free(&g.out);
  buf_free(&g.text);
  buf_free(&g.tmp);
  free(g.ids);
  model_free(&m);
  return status;
}
