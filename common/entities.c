/* entities.c — rule- and gazetteer-based named-entity tagger (entities.h).
 *
 * Data: the gazetteers and cue lists of common/data/ (gaz_*.txt), compiled
 * in and parsed once by dp_tagger_new into one open-addressing hash table
 * keyed by "match keys": folded words (case folded, accents stripped, œ->oe)
 * separated by single spaces, with hyphens, apostrophes and elisions as
 * word boundaries and full stops dropped ("Côte d'Ivoire" -> "cote d ivoire",
 * "U.S.A." -> "usa"). Every proper prefix of a multi-word key is also in the
 * table, flagged as a prefix, so longest matches extend word by word.
 *
 * Tagging (dp_tag) works on "words": the analyzer's tokens minus the joined
 * forms of compounds, with OCR line-end hyphenation ("Cham¬bre") merged, and
 * what lies between two words (space, hyphen, elided article, punctuation)
 * read from the original text. Rules, in priority order at each word:
 *   1. threat-actor codes (APT31, APT 31, APT-31, UNC2452, FIN7, TA505);
 *   2. person titles (M., Mme, MM., le général, docteur...) + a name: PER,
 *      the title being part of the mention (HIPE convention);
 *   3. gazetteer entries covering the whole capitalised sequence;
 *   4. organisation heads (ministère de la Défense, Banque de France);
 *   5. place heads (rue de Rivoli, place de l'Opéra);
 *   6. other gazetteer matches, acronyms, and capitalised sequences classified
 *      by first names, place cues (à, en...), communes, and earlier persons.
 * A second pass links short forms to the full names of the same call
 * ("Biden" -> "Joe Biden", "M. Gambetta" -> "Léon Gambetta").
 *
 * Speed: what the rules need of a word alone (capitals, the entry of its
 * term, whether it may start a mention) is a "word class" computed once per
 * distinct word in the analyzer's word cache when the tagger is attached to
 * the analyzer (dp_tagger_attach, word_class); build_words then reads it
 * from the tokens' flags instead of looking every token up (a capitalised
 * word known to the gazetteers gets its entry from its class too). Tokens
 * without a class take the per-token path, with the same result. The
 * table entries the rules will read are prefetched as soon as they are
 * known: most of dp_tag's time is cache misses and mispredicted branches,
 * not instructions (docs/entities.md, "Speed").
 */
#include "entities.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "data.h"

/* The phases of dp_tag are called once per call: kept out of line so that
 * a profile (callgrind) gives each its own cost. */
#define DP_PHASE __attribute__((noinline))

/* ------------------------------------------------------------------------ */
/* Growable byte buffer (scratch, canonical names).                          */

typedef struct buf {
  char *p;    /* bytes, NUL-terminated when len < cap */
  size_t len; /* used bytes */
  size_t cap; /* allocated bytes */
} buf;

static int buf_reserve(buf *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap)
    return 0;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + extra + 1)
    cap *= 2;
  char *p = realloc(b->p, cap);
  if (!p)
    return -1;
  b->p = p;
  b->cap = cap;
  return 0;
}

static inline int buf_add(buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap && buf_reserve(b, n))
    return -1;
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
  return 0;
}

static inline int buf_addc(buf *b, char c) {
  if (b->len + 2 > b->cap && buf_reserve(b, 1))
    return -1;
  b->p[b->len++] = c;
  b->p[b->len] = '\0';
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Folding.                                                                   */

enum fold_mode {
  FOLD_KEY,   /* match key: letters/digits folded, other chars = one space, '.'
                 dropped */
  FOLD_CANON, /* canonical key: folded, punctuation kept, ’ -> ', spaces
                 collapsed */
};

static int is_apostrophe(int32_t cp) {
  return cp == '\'' || cp == 0x2019 || cp == 0x02BC || cp == 0x2018;
}

static int is_space_cp(int32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' ||
         cp == '\v' || cp == 0xA0 || cp == 0x202F || cp == 0x2009 ||
         cp == 0x2007;
}

/* Folded letter of U+00C0..U+00FF (indexed by the second UTF-8 byte minus
 * 0x80), what utf8proc's case fold + strip marks gives; 0 = ask utf8proc
 * (Æ, Ð, ×, Ø, Þ, ß, æ, ð, ÷, ø, þ). */
static const char latin1_fold[64] = {
    'a', 'a', 'a', 'a', 'a', 'a', 0,   'c', 'e', 'e', 'e', 'e', 'i',
    'i', 'i', 'i', 0,   'n', 'o', 'o', 'o', 'o', 'o', 0,   0,   'u',
    'u', 'u', 'u', 'y', 0,   0,   'a', 'a', 'a', 'a', 'a', 'a', 0,
    'c', 'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i', 0,   'n', 'o', 'o',
    'o', 'o', 'o', 0,   0,   'u', 'u', 'u', 'u', 'y', 0,   'y'};

/* Appends the folded form of s[0,n) to b. Returns 0 or -1 (memory). */
static int fold_append(buf *b, const char *s, size_t n, enum fold_mode mode) {
  size_t i = 0;
  int pending_space = 0;
  size_t start_len = b->len;
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    int32_t out[8];
    int nout = 0;
    int sep = 0;
    if (c < 0x80) {
      i++;
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
          (c >= 'A' && c <= 'Z')) {
        if (pending_space && b->len > start_len && buf_addc(b, ' '))
          return -1;
        pending_space = 0;
        if (buf_addc(b, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c)))
          return -1;
        continue;
      } else if (c == '.' && mode == FOLD_KEY) {
        continue;
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        sep = 1;
      } else if (mode == FOLD_KEY) {
        sep = 1;
      } else {
        out[nout++] = c;
      }
    } else if (c == 0xC3 && i + 1 < n &&
               ((unsigned char)s[i + 1] & 0xC0) == 0x80 &&
               latin1_fold[(unsigned char)s[i + 1] - 0x80]) {
      /* accented Latin-1 letters, the common case in French names */
      char f = latin1_fold[(unsigned char)s[i + 1] - 0x80];
      i += 2;
      if (pending_space && b->len > start_len && buf_addc(b, ' '))
        return -1;
      pending_space = 0;
      if (buf_addc(b, f))
        return -1;
      continue;
    } else {
      int32_t cp;
      utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                            (utf8proc_ssize_t)(n - i), &cp);
      if (k <= 0) {
        i++;
        sep = 1;
      } else {
        i += (size_t)k;
        if (is_space_cp(cp)) {
          sep = 1;
        } else if (is_apostrophe(cp)) {
          if (mode == FOLD_KEY)
            sep = 1;
          else
            out[nout++] = '\'';
        } else if (cp == 0xAC || cp == 0xAD) {
          continue; /* OCR line-end hyphen, soft hyphen */
        } else if (cp == 0x2010 || cp == 0x2011) {
          if (mode == FOLD_KEY)
            sep = 1;
          else
            out[nout++] = '-';
        } else {
          int bc = 0;
          utf8proc_ssize_t m =
              utf8proc_decompose_char(cp, out, 8,
                                      UTF8PROC_CASEFOLD | UTF8PROC_DECOMPOSE |
                                          UTF8PROC_STRIPMARK | UTF8PROC_COMPAT,
                                      &bc);
          if (m < 0 || m > 8)
            m = 0;
          nout = (int)m;
          if (mode == FOLD_KEY) {
            for (int q = 0; q < nout; q++) {
              utf8proc_category_t cat = utf8proc_category(out[q]);
              if (!(cat >= UTF8PROC_CATEGORY_LU &&
                    cat <= UTF8PROC_CATEGORY_LO) &&
                  !(cat >= UTF8PROC_CATEGORY_ND &&
                    cat <= UTF8PROC_CATEGORY_NO)) {
                nout = 0;
                sep = 1;
                break;
              }
            }
          }
        }
      }
    }
    if (sep) {
      pending_space = 1;
      continue;
    }
    if (nout == 0)
      continue;
    if (pending_space && b->len > start_len && buf_addc(b, ' '))
      return -1;
    pending_space = 0;
    for (int q = 0; q < nout; q++) {
      int32_t o = out[q];
      if (o == 0x153) {
        if (buf_add(b, "oe", 2))
          return -1;
      } else if (o == 0xE6) {
        if (buf_add(b, "ae", 2))
          return -1;
      } else if (o < 0x80) {
        if (buf_addc(b, (char)o))
          return -1;
      } else {
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t e = utf8proc_encode_char(o, enc);
        if (buf_add(b, (const char *)enc, (size_t)e))
          return -1;
      }
    }
  }
  return 0;
}

/* fold_canon's reading of an ASCII byte: 0 for a space (tab, line
 * break...), else 0x100 | the byte lowercased. */
#define FC4(x)                                                                 \
  [x] = 0x100 | (x), [x + 1] = 0x100 | (x + 1), [x + 2] = 0x100 | (x + 2),     \
  [x + 3] = 0x100 | (x + 3)
#define FC16(x) FC4(x), FC4(x + 4), FC4(x + 8), FC4(x + 12)
#define FCU4(x)                                                                \
  [x] = 0x120 | (x), [x + 1] = 0x120 | (x + 1), [x + 2] = 0x120 | (x + 2),     \
  [x + 3] = 0x120 | (x + 3)
static const uint16_t canon_ascii[128] = {
    [0] = 0x100,  [1] = 0x101,  [2] = 0x102,  [3] = 0x103,  [4] = 0x104,
    [5] = 0x105,  [6] = 0x106,  [7] = 0x107,  [8] = 0x108,  [11] = 0x10B,
    [12] = 0x10C, [14] = 0x10E, [15] = 0x10F, FC16(16),     [33] = 0x121,
    [34] = 0x122, [35] = 0x123, FC4(36),      FC4(40),      FC4(44),
    FC16(48),     [64] = 0x140, FCU4(65),     FCU4(69),     FCU4(73),
    FCU4(77),     FCU4(81),     FCU4(85),     [89] = 0x179, [90] = 0x17A,
    [91] = 0x15B, [92] = 0x15C, [93] = 0x15D, [94] = 0x15E, [95] = 0x15F,
    FC16(96),     FC16(112)};
#undef FC4
#undef FC16
#undef FCU4

/* fold_append(b, s, n, FOLD_CANON) for the common case, ASCII and accented
 * Latin-1 letters, in one loop; other text goes to fold_append. */
static int fold_canon(buf *b, const char *s, size_t n) {
  if (buf_reserve(b, n))
    return -1;
  size_t start = b->len, o = b->len;
  unsigned pending_space = 0;
  char *p = b->p;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    char f;
    if (ch < 0x80) {
      unsigned t = canon_ascii[ch];
      if (!t) {
        pending_space = 1;
        continue;
      }
      f = (char)(t & 0xFF);
    } else if (ch == 0xC3 && i + 1 < n &&
               ((unsigned char)s[i + 1] & 0xC0) == 0x80 &&
               latin1_fold[(unsigned char)s[i + 1] - 0x80]) {
      f = latin1_fold[(unsigned char)s[++i] - 0x80];
    } else {
      b->len = start;
      b->p[start] = '\0';
      return fold_append(b, s, n, FOLD_CANON);
    }
    /* a space before f when spaces came after earlier output: written,
     * then kept or overwritten (one output byte at most per input byte) */
    p[o] = ' ';
    o += pending_space & (o > start);
    pending_space = 0;
    p[o++] = f;
  }
  b->len = o;
  p[o] = '\0';
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Gazetteer hash table.                                                      */

enum gflag {
  G_STRONG = 1u << 0, /* tag wherever it appears capitalised */
  G_WEAK = 1u << 1, /* tag only with a place cue / when nothing else applies */
  G_CAPS = 1u << 2, /* surface must be written in capitals (PS, UE, EI) */
  G_PREFIX = 1u << 3, /* a longer key starts with this key */
  G_CUED = 1u << 4,   /* tag only after or before a group cue ("?Hafnium") */
};

enum cue {
  C_ABBR = 1u << 0,   /* M., Mme, MM. */
  C_TITLE = 1u << 1,  /* général, docteur, président... */
  C_ORG = 1u << 2,    /* ministère, banque, parti... */
  C_ORGADJ = 1u << 3, /* parti communiste: adjective enough */
  C_LOCHD = 1u << 4,  /* rue, place, avenue... (in the mention) */
  C_LOC = 1u << 5,    /* à, en, ville de... (before the mention) */
  C_PART = 1u << 6,   /* de, van, von, al... */
  C_NOT = 1u << 7,    /* never an entity alone: days, months, adverbs */
  C_ORGCAP =
      1u << 8, /* organisation head only when capitalised: Centre, Maison */
  C_ORGW = 1u << 9, /* a word of company names: Canadian Pacific, Russian Oil */
};

typedef struct gkey {
  const char *key;    /* folded match key, NUL-terminated (tagger arena) */
  const char *canon;  /* display canonical name or NULL: once loaded, in a
                         canonical block of the tagger arena (canon_blocks),
                         followed by its NUL, its folded key and a NUL */
  uint32_t hash;      /* key_hash of key */
  uint32_t fname;     /* INSEE births when a first name, else 0 */
  uint16_t canon_len; /* bytes of canon */
  uint16_t cues;      /* enum cue bits */
  int8_t type;        /* dp_entity_type, or -1 (no entity entry) */
  uint8_t gflags;     /* enum gflag bits */
  uint16_t ref;       /* word class reference of a one-word entry of the
                         main table (build_cue_table), or 0 */
} gkey;

typedef struct arena_block {
  struct arena_block *next; /* older block */
  size_t used;              /* bytes used in data */
  size_t size;              /* bytes available in data */
  char data[];              /* storage */
} arena_block;

/* n bytes from the arena whose newest block is *head; when they do not
 * fit, a new block of max(n, min) bytes becomes the newest. NULL when out
 * of memory. */
static char *arena_take(arena_block **head, size_t n, size_t min) {
  arena_block *b = *head;
  if (!b || b->size - b->used < n) {
    size_t sz = n > min ? n : min;
    arena_block *nb = malloc(sizeof *nb + sz);
    if (!nb)
      return NULL;
    nb->next = b;
    nb->used = 0;
    nb->size = sz;
    *head = b = nb;
  }
  char *p = b->data + b->used;
  b->used += n;
  return p;
}

/* Frees block b and every older block. */
static void arena_free(arena_block *b) {
  while (b) {
    arena_block *older = b->next;
    free(b);
    b = older;
  }
}

/* Empties the arena whose newest block is b (NULL: none): b, the largest,
 * stays for what comes next; the older blocks are freed. */
static void arena_reset(arena_block *b) {
  if (!b)
    return;
  arena_free(b->next);
  b->next = NULL;
  b->used = 0;
}

/* The cue pre-filters are small (512 bytes each) so that they stay in the
 * cache between calls, while the analyzer runs over the next article. */
#define CUE_SIG_BITS 4096u
#define CUE_SIG_WORDS (CUE_SIG_BITS / 64)

#define K_REF_LOOKUP 0x3FFFu /* see word_class */

typedef struct slot {
  uint32_t hash; /* key_hash of the key */
  uint32_t idx;  /* 1 + index in dp_tagger.ent, 0 = empty */
} slot;

/* A word class reference's entry and cues, side by side: build_words reads
 * both for every word with a reference, one cache line instead of two
 * (the two arrays they were in missed apart). */
typedef struct ref_ent {
  const gkey *g;  /* the entry, or NULL (reference 0) */
  uint16_t cues;  /* its cues (0 for NULL and main-table entries) */
  uint8_t prefix; /* 1 when its gflags have G_PREFIX (0 for NULL) */
} ref_ent;

struct dp_tagger {
  gkey *ent;           /* entries, in insertion order */
  size_t nent, capent; /* count, capacity */
  slot *tab;           /* open-addressing index over ent (power-of-two size) */
  gkey *cue;           /* one-word cue entries (copies), for lowercase words */
  slot *ctab;          /* index over cue, small enough to stay in cache */
  size_t cmask;        /* ctab size - 1 */
  gkey *hot;           /* every one-word cue entry (copies), tried first for
                          capitalised words: Le, La, Dans, M, Rue... */
  slot *htab;          /* index over hot */
  size_t hmask;        /* htab size - 1 */
  size_t ncue, nhot;   /* entries in cue and hot */
  ref_ent *refs;       /* entry and cues of each word class reference
                          below nrefs (NULL, hot..., cue..., then one-word
                          entries of the main table), see word_class */
  size_t nrefs;        /* at most K_REF_LOOKUP */
  int digit_heads;     /* a head cue starts with a digit */
  uint64_t
      cbits[CUE_SIG_WORDS]; /* pre-filter of cue words: bit cue_sig(word) */
  uint64_t
      tbits[CUE_SIG_WORDS]; /* same for cues that start a mention (heads) */
  uint64_t lbits[CUE_SIG_WORDS]; /* pre-filter of the first words of the
                                    place cues of several words (près de,
                                    ville d'): bit cue_sig(first word) */
  uint64_t *bloom;    /* 2^20-bit Bloom filter of all keys (two probes) */
  uint8_t tokf[8192]; /* build_words: facts of token flags bits 3..15
                         (TF_* bits), filled by dp_tagger_new */
  uint8_t head2[(26 * 26 + 7) / 8]; /* first two letters (a-z) of the heads:
                                       a pre-filter read from the surface */
  size_t mask;                      /* table size - 1 */
  arena_block *arena;               /* key strings */
  void *packed; /* tab, ent, refs and bloom in one block (tagger_pack), or
                   NULL: each is its own allocation */
};

/* Hash of the bytes s[0,n), for every table of the tagger: eight bytes at
 * a time, the last one to eight read as two overlapping words (or three
 * bytes), so that a short word costs no loop whose length the processor
 * must guess. */
static uint32_t key_hash(const char *s, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ ((uint64_t)n * 0xBF58476D1CE4E5B9ull);
  while (n > 8) {
    uint64_t v;
    memcpy(&v, s, 8);
    h = (h ^ v) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 29;
    s += 8;
    n -= 8;
  }
  uint64_t v = 0;
  if (n >= 4) {
    uint32_t a, b;
    memcpy(&a, s, 4);
    memcpy(&b, s + n - 4, 4);
    v = (uint64_t)a << 32 | b;
  } else if (n > 0) {
    v = (uint64_t)(unsigned char)s[0] << 16 |
        (uint64_t)(unsigned char)s[n >> 1] << 8 | (unsigned char)s[n - 1];
  }
  h = (h ^ v) * 0xC4CEB9FE1A85EC53ull;
  h ^= h >> 32;
  h *= 0x9E3779B97F4A7C15ull;
  return (uint32_t)(h >> 32);
}

/* A blocked Bloom filter: the two bits of a key lie in the same 512-bit
 * block (one cache line), so that a test costs one miss, not two. Bits of
 * the hash: block 11..21; first bit: word 6..8, bit 0..5; second bit: word
 * 22..24, bit 25..30. */
#define BLOOM_BITS (1u << 20)
#define BLOOM_WORD(h) ((((h) >> 11) & (BLOOM_BITS / 512 - 1)) * 8)
static inline void bloom_bits(uint32_t h, uint32_t *a, uint32_t *b) {
  uint32_t w = BLOOM_WORD(h);
  *a = w + ((h >> 6) & 7), *b = w + ((h >> 22) & 7);
}
static int bloom_has(const dp_tagger *t, uint32_t h) {
  uint32_t a, b;
  bloom_bits(h, &a, &b);
  return (t->bloom[a] >> (h & 63) & 1) & (t->bloom[b] >> ((h >> 25) & 63) & 1);
}

static const gkey *hot_find(const dp_tagger *t, const char *k, size_t n,
                            uint32_t h);

/* Linear probing in one open-addressed table (tab, mask) whose slots index
 * ent: the entry for key k[0,n) of hash h, or NULL. */
static const gkey *probe(const slot *tab, size_t mask, const gkey *ent,
                         const char *k, size_t n, uint32_t h) {
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const slot *s = &tab[i];
    if (!s->idx)
      return NULL;
    if (s->hash == h) {
      const gkey *g = &ent[s->idx - 1];
      if (strncmp(g->key, k, n) == 0 && g->key[n] == '\0')
        return g;
    }
  }
}

/* Looks key k[0,n) with hash h = key_hash(k, n) up. */
static const gkey *tab_find_h(const dp_tagger *t, const char *k, size_t n,
                              uint32_t h) {
  if (t->htab) {
    const gkey *g = hot_find(t, k, n, h);
    if (g)
      return g;
  }
  if (t->bloom && !bloom_has(t, h))
    return NULL;
  return probe(t->tab, t->mask, t->ent, k, n, h);
}

static const gkey *tab_find(const dp_tagger *t, const char *k, size_t n) {
  return tab_find_h(t, k, n, key_hash(k, n));
}

/* tab_find for a key of several words (it has a space): the hot table holds
 * one-word keys only, so it is not probed. */
static const gkey *tab_find_words(const dp_tagger *t, const char *k, size_t n) {
  uint32_t h = key_hash(k, n);
  if (t->bloom && !bloom_has(t, h))
    return NULL;
  return probe(t->tab, t->mask, t->ent, k, n, h);
}

/* Starts loading the cache lines a tab_find_h of hash h reads first, so
 * that the misses of several look-ups overlap. */
static void tab_prefetch(const dp_tagger *t, uint32_t h) {
  if (t->bloom) {
    __builtin_prefetch(&t->bloom[BLOOM_WORD(h)]);
  }
  __builtin_prefetch(&t->tab[h & t->mask]);
}

/* A cheap signature of a word (length, first two and last bytes) for the
 * cue pre-filter: most words are rejected without hashing. */
static unsigned cue_sig(const char *k, size_t n) {
  unsigned a = (unsigned char)k[0], b = n > 1 ? (unsigned char)k[1] : 0,
           z = (unsigned char)k[n - 1];
  unsigned h = a * 31u + b * 7u + z * 131u + (unsigned)n * 1009u;
  return (h ^ (h >> 12) ^ (h >> 5)) & (CUE_SIG_BITS - 1);
}

static const gkey *hot_find(const dp_tagger *t, const char *k, size_t n,
                            uint32_t h) {
  return probe(t->htab, t->hmask, t->hot, k, n, h);
}

static const gkey *cue_find(const dp_tagger *t, const char *k, size_t n) {
  if (n == 0)
    return NULL;
  unsigned sg = cue_sig(k, n);
  if (!(t->cbits[sg >> 6] & (1ull << (sg & 63))))
    return NULL;
  uint32_t h = key_hash(k, n);
  return probe(t->ctab, t->cmask, t->cue, k, n, h);
}

/* Builds the small table of one-word cues and the Bloom filter of all keys
 * once everything is loaded. */
static int build_cue_table(dp_tagger *t) {
  t->bloom = calloc(BLOOM_BITS / 64, sizeof *t->bloom);
  if (!t->bloom)
    return -1;
  for (size_t k = 0; k < t->nent; k++) {
    uint32_t h = t->ent[k].hash;
    uint32_t a, b;
    bloom_bits(h, &a, &b);
    t->bloom[a] |= 1ull << (h & 63);
    t->bloom[b] |= 1ull << ((h >> 25) & 63);
  }
  for (size_t k = 0; k < t->nent; k++) {
    const char *sp = strchr(t->ent[k].key, ' ');
    if ((t->ent[k].cues & C_LOC) && sp && sp > t->ent[k].key) {
      unsigned sg = cue_sig(t->ent[k].key, (size_t)(sp - t->ent[k].key));
      t->lbits[sg >> 6] |= 1ull << (sg & 63);
    }
  }
  /* lowercase words only need the cues that act on lowercase words */
  const unsigned lower_cues =
      C_TITLE | C_ORG | C_ORGADJ | C_ORGCAP | C_LOCHD | C_LOC | C_PART;
  size_t n = 0;
  for (size_t k = 0; k < t->nent; k++)
    if ((t->ent[k].cues & lower_cues) && !strchr(t->ent[k].key, ' '))
      n++;
  size_t size = 64;
  while (size < n * 2 + 2)
    size *= 2;
  t->cue = malloc((n + 1) * sizeof *t->cue);
  t->ctab = calloc(size, sizeof *t->ctab);
  if (!t->cue || !t->ctab)
    return -1;
  t->cmask = size - 1;
  size_t m = 0;
  for (size_t k = 0; k < t->nent; k++) {
    const gkey *g = &t->ent[k];
    if (!(g->cues & lower_cues) || strchr(g->key, ' '))
      continue;
    t->cue[m] = *g;
    size_t j = g->hash & t->cmask;
    while (t->ctab[j].idx)
      j = (j + 1) & t->cmask;
    t->ctab[j].hash = g->hash;
    t->ctab[j].idx = (uint32_t)(++m);
    t->ncue = m;
    unsigned sg = cue_sig(g->key, strlen(g->key));
    t->cbits[sg >> 6] |= 1ull << (sg & 63);
    if (g->cues & (C_TITLE | C_ORG | C_ORGCAP | C_LOCHD)) {
      t->tbits[sg >> 6] |= 1ull << (sg & 63);
      unsigned char k0 = (unsigned char)g->key[0],
                    k1 = (unsigned char)g->key[1];
      if (k0 >= 'a' && k0 <= 'z' && k1 >= 'a' && k1 <= 'z') {
        unsigned b2 = (k0 - 'a') * 26u + (k1 - 'a');
        t->head2[b2 >> 3] |= (uint8_t)(1u << (b2 & 7));
      } else {
        memset(t->head2, 0xFF, sizeof t->head2); /* cannot filter */
      }
      if (k0 >= '0' && k0 <= '9')
        t->digit_heads = 1;
    }
  }
  /* the hot table: all one-word cues */
  n = 0;
  for (size_t k = 0; k < t->nent; k++)
    if (t->ent[k].cues && !strchr(t->ent[k].key, ' '))
      n++;
  size = 64;
  while (size < n * 2 + 2)
    size *= 2;
  t->hot = malloc((n + 1) * sizeof *t->hot);
  t->htab = calloc(size, sizeof *t->htab);
  if (!t->hot || !t->htab)
    return -1;
  t->hmask = size - 1;
  m = 0;
  for (size_t k = 0; k < t->nent; k++) {
    const gkey *g = &t->ent[k];
    if (!g->cues || strchr(g->key, ' '))
      continue;
    t->hot[m] = *g;
    size_t j = g->hash & t->hmask;
    while (t->htab[j].idx)
      j = (j + 1) & t->hmask;
    t->htab[j].hash = g->hash;
    t->htab[j].idx = (uint32_t)(++m);
    t->nhot = m;
  }
  /* word class references (word_class): none, the hot entries, the cue
   * entries, then as many one-word entries of the main table (never hot:
   * they have no cue) as fit, so that a capitalised word known to the
   * table needs no look-up in dp_tag: first names, places, organisations
   * and prefixes first, then communes (weak), in table order */
  size_t nmain = 0;
  for (int pass = 0; pass < 2; pass++)
    for (size_t k = 0; k < t->nent; k++) {
      const gkey *g = &t->ent[k];
      if (g->cues || strchr(g->key, ' ') ||
          (pass == 0) != !(g->type >= 0 && (g->gflags & G_WEAK)))
        continue;
      nmain++;
    }
  t->nrefs = 1 + t->nhot + t->ncue + nmain;
  if (t->nrefs > K_REF_LOOKUP)
    t->nrefs = K_REF_LOOKUP;
  t->refs = malloc(t->nrefs * sizeof *t->refs);
  if (!t->refs)
    return -1;
  t->refs[0].g = NULL;
  t->refs[0].cues = 0;
  t->refs[0].prefix = 0;
  size_t r = 1;
  for (; r < t->nrefs && r <= t->nhot + t->ncue; r++) {
    t->refs[r].g = r <= t->nhot ? &t->hot[r - 1] : &t->cue[r - 1 - t->nhot];
    t->refs[r].cues = t->refs[r].g->cues;
    t->refs[r].prefix = (t->refs[r].g->gflags & G_PREFIX) != 0;
  }
  for (int pass = 0; pass < 2; pass++)
    for (size_t k = 0; k < t->nent && r < t->nrefs; k++) {
      gkey *g = &t->ent[k];
      if (g->cues || strchr(g->key, ' ') ||
          (pass == 0) != !(g->type >= 0 && (g->gflags & G_WEAK)))
        continue;
      g->ref = (uint16_t)r;
      t->refs[r].g = g;
      t->refs[r].prefix = (g->gflags & G_PREFIX) != 0;
      t->refs[r++].cues = 0;
    }
  return 0;
}

static char *arena_copy(dp_tagger *t, const char *s, size_t n) {
  char *p = arena_take(&t->arena, n + 1, 65536);
  if (!p)
    return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

static int tab_resize(dp_tagger *t, size_t nsize) {
  slot *nt = calloc(nsize, sizeof *nt);
  if (!nt)
    return -1;
  for (size_t k = 0; k < t->nent; k++) {
    size_t j = t->ent[k].hash & (nsize - 1);
    while (nt[j].idx)
      j = (j + 1) & (nsize - 1);
    nt[j].hash = t->ent[k].hash;
    nt[j].idx = (uint32_t)(k + 1);
  }
  free(t->tab);
  t->tab = nt;
  t->mask = nsize - 1;
  return 0;
}

/* Finds or inserts key k[0,n); returns the entry (valid until the next
 * insertion) or NULL (memory). */
static gkey *tab_get(dp_tagger *t, const char *k, size_t n) {
  if (!t->tab || (t->nent + 1) * 2 > t->mask + 1) {
    if (tab_resize(t, t->tab ? (t->mask + 1) * 2 : 1024))
      return NULL;
  }
  uint32_t h = key_hash(k, n);
  size_t i = h & t->mask;
  for (;; i = (i + 1) & t->mask) {
    slot *s = &t->tab[i];
    if (!s->idx)
      break;
    if (s->hash == h) {
      gkey *g = &t->ent[s->idx - 1];
      if (strncmp(g->key, k, n) == 0 && g->key[n] == '\0')
        return g;
    }
  }
  if (t->nent == t->capent) {
    size_t nc = t->capent ? t->capent * 2 : 4096;
    gkey *ne = realloc(t->ent, nc * sizeof *ne);
    if (!ne)
      return NULL;
    t->ent = ne;
    t->capent = nc;
  }
  gkey *g = &t->ent[t->nent];
  memset(g, 0, sizeof *g);
  g->key = arena_copy(t, k, n);
  if (!g->key)
    return NULL;
  g->hash = h;
  g->type = -1;
  t->nent++;
  t->tab[i].hash = h;
  t->tab[i].idx = (uint32_t)t->nent;
  return g;
}

/* Inserts the proper prefixes of a multi-word key as prefix entries. */
static int tab_prefixes(dp_tagger *t, const char *k, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (k[i] != ' ')
      continue;
    gkey *g = tab_get(t, k, i);
    if (!g)
      return -1;
    g->gflags |= G_PREFIX;
  }
  return 0;
}

static int all_caps_text(const char *s, size_t n) {
  int letters = 0;
  size_t i = 0;
  while (i < n) {
    unsigned char b = (unsigned char)s[i];
    if (b < 0x80) {
      if (b >= 'a' && b <= 'z')
        return 0;
      if (b >= 'A' && b <= 'Z')
        letters++;
      i++;
      continue;
    }
    int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                          (utf8proc_ssize_t)(n - i), &cp);
    if (k <= 0) {
      i++;
      continue;
    }
    i += (size_t)k;
    utf8proc_category_t c = utf8proc_category(cp);
    if (c == UTF8PROC_CATEGORY_LL)
      return 0;
    if (c == UTF8PROC_CATEGORY_LU)
      letters++;
  }
  return letters >= 2;
}

/* ------------------------------------------------------------------------ */
/* Loading the data files.                                                    */

typedef enum file_kind {
  FK_ENTITY,    /* Canonical|alias... with a fixed type */
  FK_TYPED,     /* TYPE|Canonical|alias... */
  FK_COMMUNES,  /* [+]Name: weak LOC, '+' = strong */
  FK_FIRSTNAME, /* Name count */
  FK_CUES,      /* KIND words */
} file_kind;

typedef struct load_ctx {
  dp_tagger *t;  /* tagger being filled */
  buf scratch;   /* folding buffer */
  char **errmsg; /* where to report */
} load_ctx;

static int load_error(load_ctx *c, const char *file, size_t line,
                      const char *what) {
  if (c->errmsg) {
    size_t n = strlen(file) + strlen(what) + 64;
    *c->errmsg = malloc(n);
    if (*c->errmsg)
      snprintf(*c->errmsg, n, "%s:%zu: %s", file, line, what);
  }
  return -1;
}

/* Adds one name (alias) of an entity. */
static int add_name(load_ctx *c, const char *name, size_t n, const char *canon,
                    size_t canon_len, int type, unsigned gflags) {
  c->scratch.len = 0;
  if (fold_append(&c->scratch, name, n, FOLD_KEY))
    return -1;
  if (c->scratch.len == 0)
    return 0;
  if (all_caps_text(name, n))
    gflags |= G_CAPS;
  gkey *g = tab_get(c->t, c->scratch.p, c->scratch.len);
  if (!g)
    return -1;
  if (g->type >= 0 && g->canon == canon && !(gflags & G_CAPS))
    g->gflags &= (uint8_t)~G_CAPS;
  if (g->type < 0 || ((g->gflags & G_WEAK) && (gflags & G_STRONG))) {
    g->type = (int8_t)type;
    g->canon = canon;
    g->canon_len = (uint16_t)(canon_len > 65535 ? 65535 : canon_len);
    g->gflags = (uint8_t)((g->gflags & G_PREFIX) | gflags);
  }
  return tab_prefixes(c->t, c->scratch.p, c->scratch.len);
}

static const struct {
  const char *name;
  unsigned bit;
} cue_kinds[] = {
    {"ABBR", C_ABBR},     {"TITLE", C_TITLE}, {"ORG", C_ORG},
    {"ORGADJ", C_ORGADJ}, {"LOCHD", C_LOCHD}, {"LOC", C_LOC},
    {"PART", C_PART},     {"NOT", C_NOT},     {"ORGC", C_ORGCAP},
    {"ORGW", C_ORGW},
};

static int load_line(load_ctx *c, file_kind kind, int type, const char *file,
                     size_t lineno, const char *s, size_t n) {
  switch (kind) {
  case FK_CUES: {
    size_t sp = 0;
    while (sp < n && s[sp] != ' ')
      sp++;
    unsigned bit = 0;
    for (size_t i = 0; i < sizeof cue_kinds / sizeof cue_kinds[0]; i++)
      if (strlen(cue_kinds[i].name) == sp &&
          memcmp(cue_kinds[i].name, s, sp) == 0)
        bit = cue_kinds[i].bit;
    if (!bit || sp + 1 >= n)
      return load_error(c, file, lineno, "expected: KIND word");
    c->scratch.len = 0;
    if (fold_append(&c->scratch, s + sp + 1, n - sp - 1, FOLD_KEY))
      return -1;
    gkey *g = tab_get(c->t, c->scratch.p, c->scratch.len);
    if (!g)
      return -1;
    g->cues |= (uint16_t)bit;
    return tab_prefixes(c->t, c->scratch.p, c->scratch.len);
  }
  case FK_FIRSTNAME: {
    size_t sp = n;
    while (sp > 0 && s[sp - 1] != ' ')
      sp--;
    if (sp < 2)
      return load_error(c, file, lineno, "expected: Name count");
    unsigned long count = strtoul(s + sp, NULL, 10);
    c->scratch.len = 0;
    if (fold_append(&c->scratch, s, sp - 1, FOLD_KEY))
      return -1;
    gkey *g = tab_get(c->t, c->scratch.p, c->scratch.len);
    if (!g)
      return -1;
    if (g->fname < count)
      g->fname = (uint32_t)(count > UINT32_MAX ? UINT32_MAX : count);
    return tab_prefixes(c->t, c->scratch.p, c->scratch.len);
  }
  case FK_COMMUNES: {
    unsigned fl = G_WEAK;
    if (n > 0 && s[0] == '+') {
      fl = G_STRONG;
      s++;
      n--;
    }
    if (add_name(c, s, n, s, n, DP_ENT_LOC, fl))
      return -1;
    /* "Le Havre" is also written "Havre" after du/au */
    if (n > 3 && (strncmp(s, "Le ", 3) == 0 || strncmp(s, "La ", 3) == 0))
      return add_name(c, s + 3, n - 3, s, n, DP_ENT_LOC, fl);
    if (n > 4 && strncmp(s, "Les ", 4) == 0)
      return add_name(c, s + 4, n - 4, s, n, DP_ENT_LOC, fl);
    return 0;
  }
  case FK_TYPED:
  case FK_ENTITY: {
    size_t i = 0;
    if (kind == FK_TYPED) {
      while (i < n && s[i] != '|')
        i++;
      char tn[8] = {0};
      if (i >= n || i >= sizeof tn)
        return load_error(c, file, lineno, "expected: TYPE|Name");
      memcpy(tn, s, i);
      type = dp_entity_type_parse(tn);
      if (type < 0)
        return load_error(c, file, lineno, "unknown entity type");
      s += i + 1;
      n -= i + 1;
      i = 0;
    }
    /* "?Hafnium": a common word, a name only when a cue says so */
    unsigned fl = G_STRONG;
    if (n > 0 && s[0] == '?') {
      fl |= G_CUED;
      s++;
      n--;
    }
    while (i < n && s[i] != '|')
      i++;
    const char *canon = s;
    size_t canon_len = i;
    if (canon_len == 0)
      return load_error(c, file, lineno, "empty name");
    size_t a = 0;
    while (a < n) {
      size_t b = a;
      while (b < n && s[b] != '|')
        b++;
      if (b > a && add_name(c, s + a, b - a, canon, canon_len, type, fl))
        return -1;
      a = b + 1;
    }
    return 0;
  }
  }
  return 0;
}

static int load_file(load_ctx *c, const char *file, file_kind kind, int type) {
  size_t len;
  const char *d = dp_data_get(file, &len);
  if (!d) {
    if (c->errmsg) {
      size_t n = strlen(file) + 64;
      *c->errmsg = malloc(n);
      if (*c->errmsg)
        snprintf(*c->errmsg, n, "%s: gazetteer not compiled in", file);
    }
    return -1;
  }
  size_t lineno = 0, i = 0;
  while (i < len) {
    size_t e = i;
    while (e < len && d[e] != '\n')
      e++;
    lineno++;
    size_t a = i, b = e;
    while (a < b && (d[a] == ' ' || d[a] == '\t'))
      a++;
    while (b > a && (d[b - 1] == ' ' || d[b - 1] == '\t' || d[b - 1] == '\r'))
      b--;
    if (b > a && d[a] != '#') {
      if (load_line(c, kind, type, file, lineno, d + a, b - a)) {
        if (c->errmsg && !*c->errmsg)
          *c->errmsg = strdup("out of memory");
        return -1;
      }
    }
    i = e + 1;
  }
  return 0;
}

static void tagger_release(dp_tagger *t) {
  if (!t)
    return;
  arena_free(t->arena);
  if (t->packed) {
    free(t->packed);
  } else {
    free(t->tab);
    free(t->ent);
    free(t->refs);
    free(t->bloom);
    free(t->cue);
    free(t->ctab);
    free(t->hot);
    free(t->htab);
  }
  free(t);
}

/* Moves the large tables dp_tag and the word classifier read at random
 * (the main table's slots and entries with their keys, the word class
 * references, the Bloom filter: ~4 MB) into one block on 2 MB pages where
 * the system has them (Linux, transparent huge pages on request): with
 * 4 KB pages nearly every look-up also missed the TLB. Leaves everything
 * as it was when it cannot. Called once the tables are complete: the
 * tagger adds no entry after dp_tagger_new (tab_get and tab_resize, which
 * would realloc or free these, run while loading only). */
static void tagger_pack(dp_tagger *t) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const size_t huge = (size_t)2 << 20;
  size_t o_ent = ((t->mask + 1) * sizeof *t->tab + 63) & ~(size_t)63;
  size_t o_refs = (o_ent + t->nent * sizeof *t->ent + 63) & ~(size_t)63;
  size_t o_bloom = (o_refs + t->nrefs * sizeof *t->refs + 63) & ~(size_t)63;
  size_t o_hot = o_bloom + (t->bloom ? BLOOM_BITS / 8 : 0);
  size_t o_htab = o_hot + t->nhot * sizeof *t->hot;
  size_t o_cue = o_htab + (t->hmask + 1) * sizeof *t->htab;
  size_t o_ctab = o_cue + t->ncue * sizeof *t->cue;
  size_t o_keys = o_ctab + (t->cmask + 1) * sizeof *t->ctab, end = o_keys;
  for (size_t k = 0; k < t->nent; k++)
    end += strlen(t->ent[k].key) + 1;
  size_t total = (end + huge - 1) & ~(huge - 1);
  char *p = aligned_alloc(huge, total);
  if (!p)
    return;
  (void)madvise(p, total, MADV_HUGEPAGE); /* a hint: it may fail */
  memcpy(p, t->tab, (t->mask + 1) * sizeof *t->tab);
  gkey *ent = (gkey *)(void *)(p + o_ent);
  memcpy(ent, t->ent, t->nent * sizeof *t->ent);
  /* the entries' keys follow (the arena keeps the copies of the hot and
   * cue entries') */
  char *kp = p + o_keys;
  for (size_t k = 0; k < t->nent; k++) {
    size_t n = strlen(ent[k].key) + 1;
    memcpy(kp, ent[k].key, n);
    ent[k].key = kp;
    kp += n;
  }
  gkey *hot = (gkey *)(void *)(p + o_hot), *cue = (gkey *)(void *)(p + o_cue);
  memcpy(hot, t->hot, t->nhot * sizeof *hot);
  memcpy(cue, t->cue, t->ncue * sizeof *cue);
  memcpy(p + o_htab, t->htab, (t->hmask + 1) * sizeof *t->htab);
  memcpy(p + o_ctab, t->ctab, (t->cmask + 1) * sizeof *t->ctab);
  ref_ent *refs = (ref_ent *)(void *)(p + o_refs);
  uintptr_t e0 = (uintptr_t)t->ent, e1 = e0 + t->nent * sizeof *t->ent;
  uintptr_t h0 = (uintptr_t)t->hot, h1 = h0 + t->nhot * sizeof *t->hot;
  uintptr_t c0 = (uintptr_t)t->cue, c1 = c0 + t->ncue * sizeof *t->cue;
  for (size_t r = 0; r < t->nrefs; r++) {
    refs[r] = t->refs[r];
    uintptr_t g = (uintptr_t)refs[r].g;
    if (g >= e0 && g < e1) /* a main-table entry */
      refs[r].g = ent + (g - e0) / sizeof *ent;
    else if (g >= h0 && g < h1)
      refs[r].g = hot + (g - h0) / sizeof *hot;
    else if (g >= c0 && g < c1)
      refs[r].g = cue + (g - c0) / sizeof *cue;
  }
  free(t->hot);
  free(t->htab);
  free(t->cue);
  free(t->ctab);
  t->hot = hot;
  t->htab = (slot *)(void *)(p + o_htab);
  t->cue = cue;
  t->ctab = (slot *)(void *)(p + o_ctab);
  free(t->tab);
  free(t->ent);
  free(t->refs);
  t->tab = (slot *)(void *)p;
  t->ent = ent;
  t->capent = t->nent;
  t->refs = refs;
  if (t->bloom) {
    memcpy(p + o_bloom, t->bloom, BLOOM_BITS / 8);
    free(t->bloom);
    t->bloom = (uint64_t *)(void *)(p + o_bloom);
  }
  t->packed = p;
#else
  (void)t;
#endif
}

/* The bytes before a canonical block's name: its key's length. */
#define CANON_HEAD sizeof(uint32_t)

/* The length of the folded key following the canonical name canon of an
 * entry (see canon_blocks). */
static inline size_t canon_key_len(const char *canon) {
  uint32_t kl;
  memcpy(&kl, canon - CANON_HEAD, sizeof kl);
  return kl;
}

/* Moves every entry's canonical name into a block of the tagger arena: the
 * key's length (CANON_HEAD bytes), the name, a NUL, its folded canonical
 * key (fold_canon) and a NUL, the layout of an entity's strings (emit):
 * emit copies the block instead of folding the name again for every
 * mention (a fold was ~200 instructions an entity). Aliases share their
 * entity's block. Returns 0 or -1 (memory). */
static int canon_blocks(dp_tagger *t) {
  size_t n = 0;
  for (size_t k = 0; k < t->nent; k++)
    n += t->ent[k].canon != NULL;
  size_t size = 64;
  while (size < n * 2 + 2)
    size *= 2;
  /* canonical names of the embedded data -> their blocks */
  struct cmap {
    const char *from;
    size_t len;
    const char *to;
  } *map = calloc(size, sizeof *map);
  if (!map)
    return -1;
  buf kb = {0};
  int rc = 0;
  for (size_t k = 0; k < t->nent && rc == 0; k++) {
    gkey *g = &t->ent[k];
    if (!g->canon)
      continue;
    uintptr_t h = (uintptr_t)g->canon * 0x9E3779B97F4A7C15ull;
    size_t j = (size_t)(h >> 20) & (size - 1);
    while (map[j].from &&
           (map[j].from != g->canon || map[j].len != g->canon_len))
      j = (j + 1) & (size - 1);
    if (!map[j].from) {
      size_t cl = g->canon_len;
      kb.len = 0;
      char *p;
      if (fold_canon(&kb, g->canon, cl) || kb.len > UINT32_MAX ||
          !(p = arena_take(&t->arena, CANON_HEAD + cl + 1 + kb.len + 1,
                           65536))) {
        rc = -1;
        break;
      }
      uint32_t kl = (uint32_t)kb.len;
      memcpy(p, &kl, sizeof kl);
      memcpy(p + CANON_HEAD, g->canon, cl);
      p[CANON_HEAD + cl] = '\0';
      memcpy(p + CANON_HEAD + cl + 1, kb.p, kb.len);
      p[CANON_HEAD + cl + 1 + kb.len] = '\0';
      map[j].from = g->canon;
      map[j].len = cl;
      map[j].to = p + CANON_HEAD;
    }
    g->canon = map[j].to;
  }
  free(kb.p);
  free(map);
  return rc;
}

/* What build_words' first pass needs of a token's flags bits 3..15, read
 * from dp_tagger.tokf in one load instead of computed per token (the bits
 * of the recurrence scan, TF_FLSKIP, come from bits 3..12 alone: a look-up
 * of bits 3..12 gives them too). */
enum {
  TF_JOINED = 16u,  /* DP_TOK_JOINED: not a word of its own */
  TF_FLSKIP = 128u, /* the recurrence scan ignores it: joined, or
                       capitalised at a sentence start (the top bit: one
                       shift makes FL_SKIP's mask) */
  TF_TRUST = 4u,    /* not joined, and its word class can be trusted:
                       classified, and not capitalised for the analyzer
                       alone (K_CAP, bit 0 of the class, is bit 12 of the
                       flags); then the low four bits are the token's byte
                       of build_words' first pass (TB_*: TF_TRUST is
                       TB_WORD) */
  TF_TB = 15u,      /* those four bits */
};
static uint8_t tok_facts(uint32_t f) {
  const uint32_t cap_sent = DP_TOK_CAPITAL | DP_TOK_SENT_START;
  uint8_t x = 0;
  if (f & DP_TOK_JOINED)
    x |= TF_JOINED;
  if ((f & DP_TOK_JOINED) || (f & cap_sent) == cap_sent)
    x |= TF_FLSKIP;
  if (!(f & DP_TOK_JOINED) && (f & DP_TOK_CLASSIFIED) &&
      !((f & DP_TOK_CAPITAL) && !(f & (1u << DP_TOK_CLASS_SHIFT)))) {
    /* TB_WORD | TB_CLASS, and token_interesting's answer, which the class
     * says: K_INT and K_HEAD (class bits 2 and 3) are exclusive (why = 1
     * or 2) */
    x |= (uint8_t)(TF_TRUST | 8u | ((f >> (DP_TOK_CLASS_SHIFT + 2)) & 3u));
  }
  return x;
}

int dp_tagger_new(dp_tagger **out, char **errmsg) {
  static const struct {
    const char *file;
    file_kind kind;
    int type;
  } files[] = {
      /* earlier files win when a name is in several */
      {"gaz_cues.txt", FK_CUES, -1},
      {"gaz_aliases.txt", FK_TYPED, -1},
      {"gaz_orgs.txt", FK_ENTITY, DP_ENT_ORG},
      {"gaz_persons.txt", FK_ENTITY, DP_ENT_PER},
      {"gaz_countries.txt", FK_ENTITY, DP_ENT_LOC},
      {"gaz_places.txt", FK_ENTITY, DP_ENT_LOC},
      {"gaz_regions.txt", FK_ENTITY, DP_ENT_LOC},
      {"gaz_communes.txt", FK_COMMUNES, DP_ENT_LOC},
      {"gaz_firstnames.txt", FK_FIRSTNAME, -1},
  };
  if (errmsg)
    *errmsg = NULL;
  *out = NULL;
  dp_tagger *t = calloc(1, sizeof *t);
  if (!t) {
    if (errmsg)
      *errmsg = strdup("out of memory");
    return -1;
  }
  for (uint32_t x = 0; x < 8192; x++)
    t->tokf[x] = tok_facts(x << 3);
  /* size the table once: at most one key per line, alias and word boundary */
  size_t est = 0;
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    size_t len = 0;
    const char *d = dp_data_get(files[i].file, &len);
    for (size_t k = 0; d && k < len; k++)
      est += d[k] == '\n' || d[k] == '|' || d[k] == ' ' || d[k] == '-' ||
             d[k] == '\'';
  }
  size_t size = 1024;
  while (size < est + est / 2)
    size *= 2;
  t->ent = malloc((est + 1) * sizeof *t->ent);
  if (!t->ent || tab_resize(t, size)) {
    tagger_release(t);
    if (errmsg)
      *errmsg = strdup("out of memory");
    return -1;
  }
  t->capent = est + 1;
  load_ctx c = {t, {0}, errmsg};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    if (load_file(&c, files[i].file, files[i].kind, files[i].type)) {
      free(c.scratch.p);
      tagger_release(t);
      return -1;
    }
  }
  free(c.scratch.p);
  /* (before build_cue_table: its copies of entries take the blocks) */
  if (canon_blocks(t) || build_cue_table(t)) {
    tagger_release(t);
    if (errmsg)
      *errmsg = strdup("out of memory");
    return -1;
  }
  tagger_pack(t);
  *out = t;
  return 0;
}

void dp_tagger_free(dp_tagger *t) {
  tagger_release(t);
}

/* ------------------------------------------------------------------------ */
/* Small public helpers.                                                      */

const char *dp_entity_type_name(dp_entity_type t) {
  switch (t) {
  case DP_ENT_PER: return "PER";
  case DP_ENT_ORG: return "ORG";
  case DP_ENT_LOC: return "LOC";
  case DP_ENT_MISC: return "MISC";
  }
  return "MISC";
}

int dp_entity_type_parse(const char *s) {
  static const char *const names[] = {"PER", "ORG", "LOC", "MISC"};
  if (!s)
    return -1;
  for (int i = 0; i < 4; i++)
    if (strcasecmp(s, names[i]) == 0)
      return i;
  return -1;
}

/* A list's private memory (dp_entities.mem): the strings of its entities,
 * and what dp_tag needs during a call, kept for the next call with the same
 * list, so that tagging a stream of articles allocates nothing once it has
 * grown (a malloc and a free per entity and a dozen per call were ~4% of
 * dp_tag's time, and the large block's malloc consolidated the small ones
 * freed before it). */
/* build_words' block stays with the list up to this size (a text of ~45,000
 * tokens; a news article has a few hundred). */
#define KEEP_BLOCK_MAX ((size_t)4 << 20)

/* What make_word takes of the gap before a word (analyse_gap's facts),
 * remembered for the short gaps met before (see gap_facts). */
typedef struct gap_memo {
  uint64_t key;   /* the gap's bytes and length (gap_facts), 0 = empty */
  uint64_t bits;  /* gap, sent, dot_gap and comma_gap of a word after this
                     gap and right after a kept word (word_bits) */
  char elided[8]; /* gap_info.elided */
} gap_memo;
/* 1,024 entries (24 KB): OrangeSum's bodies have a few hundred distinct
 * short gaps; 128 entries missed 4.4% of the look-ups, 256 3.6%, 1,024
 * 0.3% (collisions) */
#define GAP_MEMO_BITS 10

struct dp_entities_mem {
  arena_block *strs;    /* the entities' canonical names and keys, newest
                           (largest) block first */
  void *block;          /* build_words' block (words, kept tokens, bytes) */
  size_t block_size;    /* its bytes */
  arena_block *sa;      /* ctx.sa's newest block, emptied */
  struct mention *m;    /* find_mentions' mentions */
  size_t capm;          /* their room */
  buf key, pool, canon; /* dp_tag's byte buffers (ctx.key, ctx.pool, emit's
                           canonical names) */
  gap_memo gaps[1u << GAP_MEMO_BITS]; /* make_word's short gaps, by hash */
};

void dp_entities_clear(dp_entities *e) {
  if (!e)
    return;
  e->n = 0;
  if (!e->mem)
    return;
  arena_reset(e->mem->strs); /* the strings go */
}

void dp_entities_free(dp_entities *e) {
  if (!e)
    return;
  dp_entities_clear(e);
  if (e->mem) {
    arena_free(e->mem->strs);
    arena_free(e->mem->sa);
    free(e->mem->block);
    free(e->mem->m);
    free(e->mem->key.p);
    free(e->mem->pool.p);
    free(e->mem->canon.p);
    free(e->mem);
    e->mem = NULL;
  }
  free(e->v);
  e->v = NULL;
  e->cap = 0;
}

/* n bytes for an entity's strings in the list's memory, or NULL. */
static char *entities_alloc(struct dp_entities_mem *mem, size_t n) {
  return arena_take(&mem->strs, n, mem->strs ? mem->strs->size * 2 : 4096);
}

/* Tunables (measured on the NewsEye dev set, see docs/entities.md). */
enum {
  FNAME_MULTI = 500,       /* births: a first name starting a longer name */
  FNAME_SINGLE = 1000,     /* births: a first name alone is a person */
  FNAME_OVER_LOC = 150000, /* births: "Maurice" the person, not the island */
  PENDING_MIN = 2,         /* capitalised uses that confirm a lone word */
  NAME_MAX_WORDS = 12,     /* longer capitalised runs are not one name */
};

/* ------------------------------------------------------------------------ */
/* Words: the token stream as the rules see it.                              */

enum gap_kind {
  GAP_SPACE = 0,  /* only spaces (or nothing) between the words */
  GAP_HYPHEN = 1, /* a hyphen: compound (États-Unis, New-York) */
  GAP_ELIDE = 2,  /* spaces then an elided particle: "d'", "l'" */
  GAP_BREAK = 3,  /* punctuation or a line break */
};

typedef struct word { /* 80 bytes: fields ordered without padding */
  size_t start;       /* byte offset of the surface in the text */
  size_t end;         /* one past its last byte */
  const char *term;   /* folded term (token arena, or ctx.sa when rewritten) */
  const char *stem;   /* folded stem */
  const gkey *g;      /* table entry of the term alone, or NULL */
  size_t tlen;        /* strlen(term), or TLEN_UNSET: read word_tlen */
  uint32_t hash;      /* key_hash of term (capitalised words looked up in
                         the whole table only: see word_prefetch) */
  uint32_t tflags;    /* analyzer token flags */
  uint32_t cls;       /* word class (enum wclass) when not slow */
  uint16_t cues;      /* g->cues, or 0 */
  uint8_t slow;       /* no trusted word class: look the term up */
  uint8_t spare;      /* (free: aligns the eight bytes below) */
  /* the eight bytes from gap to comma_gap are written at once by
   * build_words (word_bits) */
  uint8_t gap;       /* enum gap_kind: what lies before this word */
  uint8_t cap;       /* surface starts with an uppercase letter */
  uint8_t allcaps;   /* at least two letters, all uppercase */
  uint8_t sent;      /* first word of a sentence (or line, or quote) */
  uint8_t dot_after; /* a full stop follows right after the word */
  uint8_t dot_gap;   /* the gap before is "." plus spaces (after an initial) */
  uint8_t initial;   /* one capital letter followed by a full stop */
  uint8_t comma_gap; /* the gap before is "," plus spaces */
  char elided[8];    /* folded particle elided in the gap ("d", "l"), or "" */
} word;

/* The analyzer's flags kept in a word (not the classifier's value). */
#define WORD_TFLAGS                                                            \
  (((1u << DP_TOK_CLASS_SHIFT) - 1) & ~(uint32_t)DP_TOK_CLASSIFIED)

/* A word's bytes from gap to comma_gap as one 64-bit value, in the word's
 * layout whatever the byte order (the constants below fold at compile
 * time): build_words fills them with one store instead of eight. */
#define WB_AT(f) (offsetof(word, f) - offsetof(word, gap))
_Static_assert(WB_AT(cap) < 8 && WB_AT(allcaps) < 8 && WB_AT(sent) < 8 &&
                   WB_AT(dot_after) < 8 && WB_AT(dot_gap) < 8 &&
                   WB_AT(initial) < 8 && WB_AT(comma_gap) == 7 &&
                   offsetof(word, gap) % 8 == 0,
               "word_bits' fields are the eight bytes from gap");
static inline uint64_t word_bits(unsigned gap, unsigned cap, unsigned allcaps,
                                 unsigned sent, unsigned dot_after,
                                 unsigned dot_gap, unsigned initial,
                                 unsigned comma_gap) {
  uint8_t b[8];
  b[WB_AT(gap)] = (uint8_t)gap;
  b[WB_AT(cap)] = (uint8_t)cap;
  b[WB_AT(allcaps)] = (uint8_t)allcaps;
  b[WB_AT(sent)] = (uint8_t)sent;
  b[WB_AT(dot_after)] = (uint8_t)dot_after;
  b[WB_AT(dot_gap)] = (uint8_t)dot_gap;
  b[WB_AT(initial)] = (uint8_t)initial;
  b[WB_AT(comma_gap)] = (uint8_t)comma_gap;
  uint64_t v;
  memcpy(&v, b, 8);
  return v;
}
static inline void word_set_bits(word *w, uint64_t v) {
  memcpy((char *)w + offsetof(word, gap), &v, 8);
}

typedef struct mention {
  size_t wi, wj;     /* words of the mention, inclusive */
  size_t ni;         /* first word of the name (after titles) */
  size_t nj;         /* last word of the name (before an apposition) */
  int type;          /* dp_entity_type */
  const gkey *g;     /* gazetteer entry giving the canonical, or NULL */
  size_t canon_off;  /* canonical override in ctx.pool, when canon_len > 0 */
  size_t canon_len;  /* bytes of the override */
  int link;          /* index of the mention giving the canonical, or -1 */
  uint32_t khash;    /* link_mentions: key_hash of the key of ni..nj */
  uint8_t pending;   /* single unknown capitalised word: PER only if linked */
  uint8_t link_only; /* pending at a sentence start: only linking may keep it */
  uint8_t soft_loc;  /* "à X" with X unknown: a place unless X is a person */
  size_t end_pad;    /* extra bytes after the last word: "Guiot (Marie)" */
  const char *estr;  /* emit: its canonical name and key as an entity's
                        strings (estr[0, ecl), NUL, key of ekl bytes, NUL)
                        once made, for the mentions linked to it; or NULL */
  size_t ecl, ekl;   /* their lengths */
} mention;

typedef struct ctx {
  const dp_tagger *t;          /* gazetteers */
  struct dp_entities_mem *mem; /* the output list's memory (its blocks are
                                  reused here, handed back at the end) */
  const dp_tokens *toks;       /* the analyzer's tokens */
  const char *text;            /* the text tagged */
  size_t len;                  /* its length */
  word *w;                     /* words */
  size_t n;                    /* number of words */
  size_t wcap;                 /* allocated words */
  arena_block *sa;  /* rewritten terms (stable pointers), dropped after the
                      call (its newest block stays in c->mem) */
  buf key;          /* key being built */
  buf pool;         /* canonical overrides */
  uint16_t *fl;     /* per token, for the recurrence scan (promote_pending):
                       the first two bytes of its stem (stem_code), or
                       FL_SKIP when the scan ignores it */
  uint32_t *st;     /* words where a rule may start (capitalised or a head
                       cue), in order */
  size_t nst;       /* their count */
  mention *m;       /* mentions found */
  size_t nm, capm;  /* count, capacity */
  size_t nmisc;     /* mentions pushed as MISC (find_mentions) */
  uint64_t seen_ok; /* bit k: seen[k] holds a look-up */
  struct {
    const char *term; /* a word looked up in this call, or NULL */
    size_t len;       /* its length */
    uint32_t hash;    /* its key_hash */
    const gkey *g;    /* what the table said */
  } seen[64];         /* names come back within an article: a direct-mapped
                         cache of whole-table look-ups (last in ctx: dp_tag
                         zeroes the fields before it only) */
} ctx;

/* tab_find_h through the call's cache. */
static const gkey *ctx_find(ctx *c, const char *t, size_t n, uint32_t h) {
  size_t k = (h ^ (h >> 6)) & 63;
  if ((c->seen_ok >> k & 1) && c->seen[k].hash == h && c->seen[k].len == n &&
      memcmp(c->seen[k].term, t, n) == 0)
    return c->seen[k].g;
  const gkey *g = tab_find_h(c->t, t, n, h);
  c->seen_ok |= 1ull << k;
  c->seen[k].term = t;
  c->seen[k].len = n;
  c->seen[k].hash = h;
  c->seen[k].g = g;
  return g;
}

#define TERM(c, i) ((c)->w[i].term)

/* Is the NUL-terminated t the word lit (a string literal)? Compared inline
 * byte by byte, the length being known when compiling: the rules test
 * words against literals everywhere, and a call to strcmp cost more than
 * the comparison. Never reads past t's NUL (the first byte that differs
 * stops it). */
#define TERM_IS(t, lit) term_is((t), "" lit, sizeof(lit) - 1)
static inline int term_is(const char *t, const char *lit, size_t n) {
  for (size_t k = 0; k < n; k++)
    if (t[k] != lit[k])
      return 0;
  return t[n] == '\0';
}

/* Does s start with lit (a string literal)? strncmp(s, lit, strlen(lit)),
 * inline as TERM_IS. */
#define PREFIX_IS(s, lit) prefix_is((s), "" lit, sizeof(lit) - 1)
static inline int prefix_is(const char *s, const char *lit, size_t n) {
  for (size_t k = 0; k < n; k++)
    if (s[k] != lit[k])
      return 0;
  return 1;
}

/* The length of word i's term. make_word leaves word.tlen unset for the
 * words with a class: most words are context that no rule measures (a
 * strlen per word was ~3% of dp_tag's instructions); the first rule that
 * needs it computes it here, once. */
#define TLEN_UNSET ((size_t)-1)
static inline size_t word_tlen(const ctx *c, size_t i) {
  word *w = &c->w[i];
  if (w->tlen == TLEN_UNSET)
    w->tlen = strlen(w->term);
  return w->tlen;
}
#define STEM(c, i) ((c)->w[i].stem)

static int word_cues(const ctx *c, size_t i) {
  return c->w[i].cues;
}
static int is_stop(const ctx *c, size_t i) {
  return (c->w[i].tflags & DP_TOK_STOP) != 0;
}

/* Uppercase test on the first code point of s. */
static int starts_upper(const char *s, size_t n) {
  if (n > 0 && (unsigned char)s[0] < 0x80)
    return s[0] >= 'A' && s[0] <= 'Z';
  int32_t cp;
  utf8proc_ssize_t k =
      utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &cp);
  if (k <= 0)
    return 0;
  utf8proc_category_t c = utf8proc_category(cp);
  return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
}

typedef struct gap_info {
  int kind;       /* enum gap_kind */
  int sent_end;   /* . ! ? … */
  int newline;    /* a line break */
  int opener;     /* « " — – : (a quote or a new clause starts) */
  int ocr_join;   /* only "¬" and spaces: the word continues */
  int dot_only;   /* "." plus spaces or a hyphen */
  int comma_only; /* "," plus spaces */
  char elided[8]; /* particle letters, folded */
} gap_info;

/* What analyse_gap counts of an ASCII byte. */
enum {
  GB_SPACE = 1,   /* space, tab, line break */
  GB_NL = 2,      /* line break */
  GB_HYPHEN = 4,  /* - */
  GB_DOT = 8,     /* . */
  GB_OTHER = 16,  /* anything else */
  GB_COMMA = 32,  /* , (also GB_OTHER) */
  GB_SENT = 64,   /* ! ? (also GB_OTHER) */
  GB_OPENER = 128 /* " : (also GB_OTHER) */
};
/* clang-format off */
#define S GB_SPACE
#define N (GB_SPACE | GB_NL)
#define H GB_HYPHEN
#define D GB_DOT
#define O GB_OTHER
#define C (GB_OTHER | GB_COMMA)
#define E (GB_OTHER | GB_SENT)
#define Q (GB_OTHER | GB_OPENER)
static const uint8_t gap_byte[128] = {
    O, O, O, O, O, O, O, O, O, S, N, S, S, N, O, O, /* 0x00 */
    O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, /* 0x10 */
    S, E, Q, O, O, O, O, O, O, O, O, O, C, H, D, O, /* 0x20 */
    O, O, O, O, O, O, O, O, O, O, Q, O, O, O, O, E, /* 0x30 */
    O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, /* 0x40 */
    O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, /* 0x50 */
    O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, /* 0x60 */
    O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, O, /* 0x70 */
};
#undef S
#undef N
#undef H
#undef D
#undef O
#undef C
#undef E
#undef Q
/* clang-format on */

static void analyse_gap(const char *s, size_t n, gap_info *gi) {
  memset(gi, 0, sizeof *gi);
  if (n == 1 && s[0] == ' ')
    return; /* GAP_SPACE */
  /* the next most frequent gaps, as the general code below reads them */
  if (n == 2 && s[1] == ' ' && (s[0] == ',' || s[0] == '.')) {
    gi->kind = GAP_BREAK;
    gi->comma_only = s[0] == ',';
    gi->sent_end = gi->dot_only = s[0] == '.';
    return;
  }
  if ((n == 3 || n == 5) && s[0] == ' ' &&
      ((s[1] >= 'a' && s[1] <= 'z') || (s[1] >= 'A' && s[1] <= 'Z')) &&
      (n == 3 ? s[2] == '\''
              : ((unsigned char)s[2] == 0xE2 && (unsigned char)s[3] == 0x80 &&
                 (unsigned char)s[4] == 0x99))) {
    /* " l'", " d’": one space and an elided letter */
    gi->elided[0] = (char)(s[1] >= 'A' && s[1] <= 'Z' ? s[1] + 32 : s[1]);
    gi->kind = GAP_ELIDE;
    return;
  }
  if (n > 0 && n <= 16 && s[n - 1] != '\'') {
    /* short ASCII gaps (no elision: its apostrophe is the last byte) by
     * table, without a branch per byte */
    unsigned acc = 0, any = 0, sp = 0, hy = 0, dot = 0, oth = 0, com = 0;
    for (size_t i = 0; i < n; i++) {
      unsigned char ch = (unsigned char)s[i];
      unsigned b = gap_byte[ch & 0x7F];
      acc |= ch;
      any |= b;
      sp += b & GB_SPACE;
      hy += (b >> 2) & 1;
      dot += (b >> 3) & 1;
      oth += (b >> 4) & 1;
      com += (b >> 5) & 1;
    }
    if (!(acc & 0x80)) {
      gi->newline = (any & GB_NL) != 0;
      gi->sent_end = dot > 0 || (any & GB_SENT);
      gi->opener = (any & GB_OPENER) != 0;
      gi->dot_only = dot == 1 && !oth && hy <= 1;
      gi->comma_only = com == 1 && oth == 1 && !dot && !hy && !gi->newline;
      gi->kind = oth || dot || gi->newline || hy > 1 || (hy && sp) ? GAP_BREAK
                 : hy                                              ? GAP_HYPHEN
                                                                   : GAP_SPACE;
      return;
    }
    memset(gi, 0, sizeof *gi);
  }
  /* an elided particle at the end: letters + apostrophe */
  size_t end = n;
  if (n > 0) {
    size_t a = n;
    int32_t cp = 0;
    /* last code point */
    size_t q = n;
    while (q > 0 && ((unsigned char)s[q - 1] & 0xC0) == 0x80)
      q--;
    if (q > 0)
      q--;
    if ((s[n - 1] == '\'' || (unsigned char)s[n - 1] >= 0x80) &&
        utf8proc_iterate((const utf8proc_uint8_t *)s + q,
                         (utf8proc_ssize_t)(n - q), &cp) > 0 &&
        is_apostrophe(cp)) {
      a = q;
      size_t b = a;
      while (b > 0 && ((s[b - 1] >= 'a' && s[b - 1] <= 'z') ||
                       (s[b - 1] >= 'A' && s[b - 1] <= 'Z')))
        b--;
      if (a - b >= 1 && a - b <= 6) {
        for (size_t k = 0; k < a - b && k < sizeof gi->elided - 1; k++) {
          char ch = s[b + k];
          gi->elided[k] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
        }
        end = b;
      }
    }
  }
  int spaces = 0, hyphens = 0, ocr = 0, dots = 0, other = 0, commas = 0;
  size_t i = 0;
  while (i < end) {
    int32_t cp;
    if ((unsigned char)s[i] < 0x80) {
      cp = (unsigned char)s[i++];
    } else {
      utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                            (utf8proc_ssize_t)(end - i), &cp);
      if (k <= 0) {
        i++;
        other++;
        continue;
      }
      i += (size_t)k;
    }
    if (cp == '\n' || cp == '\r') {
      gi->newline = 1;
      spaces++;
    } else if (is_space_cp(cp)) {
      spaces++;
    } else if (cp == '-' || cp == 0x2010 || cp == 0x2011) {
      hyphens++;
    } else if (cp == 0xAC) {
      ocr++;
    } else if (cp == '.') {
      dots++;
      gi->sent_end = 1;
    } else {
      other++;
      if (cp == ',')
        commas++;
      if (cp == '!' || cp == '?' || cp == 0x2026)
        gi->sent_end = 1;
      if (cp == 0xAB || cp == '"' || cp == 0x2014 || cp == 0x2013 ||
          cp == ':' || cp == 0x201C)
        gi->opener = 1;
    }
  }
  if (ocr && !hyphens && !dots && !other && !gi->elided[0]) {
    gi->ocr_join = 1;
    gi->kind = GAP_SPACE;
    return;
  }
  if (dots == 1 && !other && !ocr && hyphens <= 1)
    gi->dot_only = 1;
  if (commas == 1 && other == 1 && !dots && !ocr && !hyphens && !gi->newline &&
      !gi->elided[0])
    gi->comma_only = 1;
  if (other || dots || ocr || gi->newline || hyphens > 1 ||
      (hyphens && spaces)) {
    gi->kind = GAP_BREAK;
  } else if (hyphens) {
    gi->kind = gi->elided[0] ? GAP_ELIDE : GAP_HYPHEN; /* Val-d'Oise */
  } else {
    gi->kind = gi->elided[0] ? GAP_ELIDE : GAP_SPACE;
  }
}

/* Fills the memo entry e (or the caller's temporary) with the facts of
 * the gap s[0, n) from analyse_gap, under key. Out of line: a miss is
 * rare. */
static __attribute__((noinline)) const gap_memo *
gap_fill(gap_memo *e, uint64_t key, const char *s, size_t n) {
  gap_info gi;
  analyse_gap(s, n, &gi);
  e->key = key;
  e->bits = word_bits((unsigned)gi.kind, 0, 0,
                      (unsigned)(gi.newline | gi.opener | gi.sent_end), 0,
                      (unsigned)gi.dot_only, 0, (unsigned)gi.comma_only);
  memcpy(e->elided, gi.elided, sizeof e->elided);
  return e;
}

/* The gap facts of text[s, s + n) but ocr_join (build_words sends the gaps
 * with a 0xC2 byte, where "¬" is, to make_word): from the memo when these
 * bytes were met before (gaps of up to 7 bytes with 8 bytes of text from s:
 * a few hundred distinct ones make nearly all of the text: " ", ", ",
 * ". ", " l'"...), else from analyse_gap (into *tmp, and into the memo when
 * the gap is short). The facts are a function of the bytes alone: the memo
 * lives with the list (dp_entities_mem) from call to call. A hit costs no
 * branch on what the gap holds (a test per kind of gap mispredicted
 * often). */
static inline const gap_memo *gap_facts(gap_memo *memo, const char *text,
                                        size_t len, size_t s, size_t n,
                                        gap_memo *tmp) {
  /* the key: the gap's bytes, a byte 1 right after them, zeros (the
   * last byte that is not zero tells the length), whatever the byte
   * order: 0xFF for the first n bytes (mask), 1 at byte n (mark) */
  static const unsigned char mask[16] = {
      0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0};
  static const unsigned char mark[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                         1, 0, 0, 0, 0, 0, 0, 0};
  gap_memo *e = tmp;
  uint64_t key = 0;
  if (__builtin_expect(n < 8 && len - s >= 8, 1)) {
    uint64_t v, m, one;
    memcpy(&v, text + s, 8);
    memcpy(&m, mask + 8 - n, 8);
    memcpy(&one, mark + 8 - n, 8);
    key = (v & m) | one;
    e = &memo[(key * 0xD6E8FEB86659FD93ull) >> (64 - GAP_MEMO_BITS)];
    if (__builtin_expect(e->key == key, 1))
      return e;
  }
  return gap_fill(e, key, text + s, n);
}

/* Writes s to o as a match term: full stops dropped, apostrophes (' and
 * U+2019) and hyphens as spaces; no NUL. Returns the end of what it wrote
 * (never longer than s). */
static char *rewrite_to(char *o, const char *s) {
  for (const char *p = s; *p; p++) {
    if (*p == '.')
      continue;
    if (*p == '\'' || *p == '-') {
      *o++ = ' ';
    } else if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
               (unsigned char)p[2] == 0x99) {
      *o++ = ' ';
      p += 2;
    } else {
      *o++ = *p;
    }
  }
  return o;
}

/* Copies a + b into the call's arena as a match term: full stops dropped,
 * apostrophes and hyphens as spaces. Returns NULL on allocation failure. */
static const char *term_rewrite(ctx *c, const char *a, const char *b) {
  size_t n = strlen(a) + strlen(b);
  char *out = arena_take(&c->sa, n + 1, 16384), *o = out;
  if (!out)
    return NULL;
  o = rewrite_to(rewrite_to(o, a), b);
  *o = '\0';
  c->sa->used -= n - (size_t)(o - out); /* what the rewrite dropped */
  return out;
}

/* Bytes that stop the scan of a term: the end, and what term_rewrite
 * changes (full stop, apostrophe, hyphen, first byte of ’). */
static const uint8_t term_stop[256] = {
    [0] = 1, ['.'] = 1, ['\''] = 1, ['-'] = 1, [0xE2] = 1};

/* Length of the term t; *rewrite = 1 when term_rewrite must change it. */
static size_t term_scan(const char *t, int *rewrite) {
  const unsigned char *p = (const unsigned char *)t;
  *rewrite = 0;
  for (;;) {
    while (!term_stop[*p])
      p++;
    if (!*p)
      return (size_t)((const char *)p - t);
    *rewrite = 1;
    p++;
  }
}

static const gkey *cue_find(const dp_tagger *t, const char *k, size_t n);

/* Could token k start a mention? Capitalised words, the cue words that
 * start one (rue, général, ministère...) and words glued by an OCR line-end
 * hyphen. The words around them are kept as context; the rest is skipped. */
static int token_interesting(ctx *c, const dp_token *tk, size_t prev_end) {
  unsigned char f = (unsigned char)c->text[tk->start];
  if ((tk->flags & DP_TOK_CAPITAL) || (f >= 'A' && f <= 'Z') ||
      (f >= 0x80 && starts_upper(c->text + tk->start, tk->end - tk->start))) {
    /* a capitalised stopword ("Le", "Dans", "Il" at a sentence start) only
     * matters when the table knows it ("Le Monde", "l'Est"); a capitalised
     * word right after it is interesting on its own */
    if (!(tk->flags & DP_TOK_STOP))
      return 1;
    size_t tl = strlen(tk->term);
    const gkey *g = ctx_find(c, tk->term, tl, key_hash(tk->term, tl));
    if (g && (g->type >= 0 || g->cues || (g->gflags & G_PREFIX)))
      return 1;
  }
  if (tk->start > prev_end + 1 &&
      memchr(c->text + prev_end, 0xC2, tk->start - prev_end))
    return 1; /* "¬" (or a no-break space) before it */
  if (tk->flags & DP_TOK_STOP)
    return 0; /* heads are never stopwords */
  /* a surface starting with two ASCII letters has them, lowercased, as the
   * first two bytes of its term: most words stop here */
  const unsigned char *sf = (const unsigned char *)c->text + tk->start;
  size_t sl = tk->end - tk->start;
  if (sl >= 2 && (sf[0] | 0x20) >= 'a' && (sf[0] | 0x20) <= 'z' &&
      (sf[1] | 0x20) >= 'a' && (sf[1] | 0x20) <= 'z') {
    unsigned b2 = ((sf[0] | 0x20u) - 'a') * 26u + ((sf[1] | 0x20u) - 'a');
    if (!(c->t->head2[b2 >> 3] & (1u << (b2 & 7))))
      return 0;
  }
  const char *t = tk->term;
  size_t n = strlen(t);
  if (n > 2 && n <= 24) {
    unsigned sg = cue_sig(t, n);
    if (c->t->tbits[sg >> 6] & (1ull << (sg & 63))) {
      /* the signature lets through ~5 words for each real head */
      const gkey *g = cue_find(c->t, t, n);
      if (g && (g->cues & (C_TITLE | C_ORG | C_ORGCAP | C_LOCHD)))
        return 2; /* a head: wider context */
    }
  }
  return 0;
}

/* Tokens of context kept around an interesting token (a joined compound
 * form counts as a token): the rules look two words back ("près de", an
 * article); after a title or a head they read a few words more (adjectives
 * of an organisation, an apposition "juge d'instruction"). */
enum { WINDOW_BACK = 2, WINDOW_AHEAD = 2, WINDOW_HEAD = 4 };

/* ------------------------------------------------------------------------ */
/* Word classes: what the rules need to know of a word alone, computed once
 * per distinct word by the analyzer's word cache (dp_tagger_attach) and
 * carried in the tokens' flags, so that build_words does no per-token
 * look-up. The value is a pure function of the word and the compiled-in
 * data: every tagger gives the same. A token without a class (numbers, an
 * analyzer without the classifier) takes the slow path, with the same
 * result. */

enum wclass {
  K_CAP = 1u << 0,     /* starts_upper(word) */
  K_ALLCAPS = 1u << 1, /* K_CAP and all_caps_text(word) */
  K_INT = 1u << 2,     /* token_interesting is 1 for the word itself */
  K_HEAD = 1u << 3,    /* token_interesting is 2 (a head; no "¬" gap) */
  K_REWRITE = 1u << 4, /* term_scan: term_rewrite changes the term */
  K_SIGHEAD = 1u << 5, /* the rewritten term passes the head signature */
};
/* Bits from K_REF_SHIFT: the entry build_words gives the word alone: 0 =
 * none, 1..nhot = hot[ref - 1] (capitalised words), nhot+1..nhot+ncue =
 * cue[ref - 1 - nhot] (other words), then one-word entries of the main
 * table (capitalised words, gkey.ref), K_REF_LOOKUP (or any ref from nrefs
 * on) = look the term up (main table); dp_tagger.refs maps them. */
#define K_REF_SHIFT 6

static uint32_t word_class(const void *ctx, const char *word, size_t wlen,
                           const char *term, size_t tlen, int stop) {
  const dp_tagger *t = ctx;
  uint32_t k = 0;
  int cap = starts_upper(word, wlen);
  if (cap) {
    k |= K_CAP;
    if (all_caps_text(word, wlen))
      k |= K_ALLCAPS;
    if (!stop) {
      k |= K_INT;
    } else {
      const gkey *g = tab_find(t, term, tlen);
      if (g && (g->type >= 0 || g->cues || (g->gflags & G_PREFIX)))
        k |= K_INT;
    }
  }
  if (!(k & K_INT) && !stop && tlen > 2 && tlen <= 24) {
    const gkey *g = cue_find(t, term, tlen);
    if (g && (g->cues & (C_TITLE | C_ORG | C_ORGCAP | C_LOCHD)))
      k |= K_HEAD;
  }
  /* the term as build_words keeps it */
  int rewrite;
  term_scan(term, &rewrite);
  char small[64], *big = NULL;
  const char *rt = term;
  size_t rl = tlen;
  if (rewrite) {
    k |= K_REWRITE;
    char *o = tlen < sizeof small ? small : (big = malloc(tlen + 1));
    if (!o)
      return k | K_REF_LOOKUP << K_REF_SHIFT;
    rt = o;
    o = rewrite_to(o, term);
    *o = '\0';
    rl = (size_t)(o - rt);
  }
  uint32_t ref = 0;
  if (rl != 0 && rl <= 24) {
    unsigned sg = cue_sig(rt, rl);
    if (t->tbits[sg >> 6] & (1ull << (sg & 63)))
      k |= K_SIGHEAD;
  }
  if (cap) {
    const gkey *g = tab_find(t, rt, rl);
    uintptr_t h0 = (uintptr_t)t->hot, gp = (uintptr_t)g;
    if (g && gp >= h0 && gp < h0 + t->nhot * sizeof *t->hot)
      ref = 1 + (uint32_t)((gp - h0) / sizeof *t->hot); /* a hot entry */
    else if (g)
      ref = g->ref ? g->ref : K_REF_LOOKUP; /* a main-table entry */
  } else if (rl != 0 && rl <= 24) {
    const gkey *g = cue_find(t, rt, rl);
    if (g)
      ref = 1 + (uint32_t)t->nhot + (uint32_t)(g - t->cue);
  }
  free(big);
  if (ref > K_REF_LOOKUP)
    ref = K_REF_LOOKUP;
  return k | ref << K_REF_SHIFT;
}

void dp_tagger_attach(const dp_tagger *t, dp_analyzer *a) {
  dp_analyzer_set_classifier(a, t ? word_class : NULL, t);
}

/* ctx.fl of a token the recurrence scan ignores: a joined form, or a
 * capitalised word at a sentence start. */
#define FL_SKIP 0xFFFFu

/* The first two bytes of a stem as one number (the first in the low byte;
 * 0 after the end): equal stems have equal codes. */
static inline unsigned stem_code(const char *stem) {
  unsigned b0 = (unsigned char)stem[0];
  return b0 ? b0 | (unsigned)(unsigned char)stem[1] << 8 : 0;
}

/* A stem code's bit in promote_pending's 1,024-bit filter. */
static inline unsigned code_bit(unsigned code) {
  return (code * 0x9E3779B1u) >> 22;
}

/* Token facts of build_words' first pass (one byte per token). */
enum {
  TB_WHY = 3u,    /* token_interesting: 0, 1 or 2 */
  TB_WORD = 4u,   /* a word of its own (not a joined form, sane span) */
  TB_CLASS = 8u,  /* its word class can be trusted (see build_words) */
  TB_GAPC2 = 16u, /* a 0xC2 byte ("¬", a no-break space) in the gap before
                     it, from the word token before */
};
_Static_assert((unsigned)TF_TRUST == TB_WORD && TB_CLASS == 8u &&
                   TB_WHY == 3u &&
                   (unsigned)TF_TB == (TB_WORD | TB_CLASS | TB_WHY),
               "tok_facts gives a trusted token's byte");

/* A capitalised word finish_word looks up in the whole
 * table: its hash, and its table lines prefetched, as soon as its term is
 * known (a joined "Cham¬ bre" again once joined), so that the misses of
 * the look-ups overlap. w->tflags is set. */
static void word_prefetch(ctx *c, word *w) {
  if (!w->cap || (w->tflags & DP_TOK_NUMBER))
    return;
  w->hash = key_hash(w->term, strlen(w->term));
  tab_prefetch(c->t, w->hash);
}

/* Fills word w = wv[n] (the words made so far are wv[0, n)) of token tk;
 * prev_end, prev_kept and first describe the word token before it. fast:
 * use the token's word class. Returns 1 (a word made), 0 (tk joined to
 * wv[n - 1]) or -1. The general case, out of line: build_words makes the
 * usual word itself (a trusted class, a term kept as it is, a gap without
 * "¬"), with the same result. */
static __attribute__((noinline)) int
make_word(ctx *c, const char *text, size_t len, const dp_token *tk,
          size_t prev_end, int prev_kept, int first, int fast,
          const ref_ent *refs, uint32_t nrefs, word *wv, size_t n) {
  const size_t ts = tk->start, te = tk->end;
  gap_info gi;
  analyse_gap(text + prev_end, ts - prev_end, &gi);
  if (__builtin_expect((n > 0) & (prev_kept != 0) & (gi.ocr_join != 0), 0)) {
    /* "Cham¬ bre": extend the previous word */
    word *pw = &wv[n - 1];
    /* new term = old term + this term; the stem is the joined term */
    pw->term = term_rewrite(c, pw->term, tk->term);
    if (!pw->term)
      return -1;
    pw->tlen = strlen(pw->term);
    pw->stem = pw->term;
    pw->end = tk->end;
    pw->tflags |=
        tk->flags &
        ~(uint32_t)(DP_TOK_STOP | DP_TOK_SENT_START | DP_TOK_CAPITAL) &
        WORD_TFLAGS;
    pw->slow = 1; /* its class is the first part's */
    word_prefetch(c, pw);
    return 0;
  }
  /* wv has room for a word per token (build_words) */
  word *w = &wv[n];
  w->hash = 0;
  w->g = NULL;
  w->slow = 0;
  w->start = ts;
  w->end = te;
  w->tflags = tk->flags & WORD_TFLAGS;
  w->term = tk->term;
  const char *surf = text + ts;
  size_t slen = te - ts;
  uint32_t k = tk->flags >> DP_TOK_CLASS_SHIFT;
  if (fast) {
    w->cls = k;
    if (k & K_REWRITE) {
      if (!(w->term = term_rewrite(c, tk->term, "")))
        return -1;
    }
    w->tlen = TLEN_UNSET; /* word_tlen */
    w->cap = (uint8_t)(k & K_CAP);
    w->allcaps = (uint8_t)((k & K_ALLCAPS) != 0);
    if ((k >> K_REF_SHIFT) < nrefs)
      /* its class gives its entry (read by finish_word) */
      __builtin_prefetch(&refs[k >> K_REF_SHIFT]);
    else
      word_prefetch(c, w);
  } else {
    w->slow = 1;
    w->cls = 0;
    int rewrite;
    w->tlen = term_scan(tk->term, &rewrite);
    if (rewrite) {
      if (!(w->term = term_rewrite(c, tk->term, "")))
        return -1;
      w->tlen = strlen(w->term);
    }
    w->cap = (uint8_t)starts_upper(surf, slen);
    w->allcaps = (uint8_t)(w->cap && all_caps_text(surf, slen));
    word_prefetch(c, w);
  }
  w->stem = tk->stem;
  w->gap = (uint8_t)(prev_kept ? gi.kind : GAP_BREAK);
  memcpy(w->elided, gi.elided, sizeof w->elided);
  w->dot_gap = (uint8_t)(prev_kept && gi.dot_only);
  w->comma_gap = (uint8_t)(prev_kept && gi.comma_only);
  /* sentence start (abbreviations are looked at once cues are known) */
  w->sent = (uint8_t)(first | gi.newline | gi.opener | gi.sent_end);
  w->dot_after = (uint8_t)(te < len && text[te] == '.');
  w->initial =
      (uint8_t)(w->cap && w->dot_after &&
                !(te + 1 < len && text[te + 1] == '.') &&
                (slen == 1 ||
                 (slen == 2 && ((unsigned char)surf[0] & 0xE0) == 0xC0)));
  return 1;
}

/* Offset of the first 0xC2 byte ("¬", no-break space...) of the text at or
 * after i, or the text's length. */
static size_t next_c2(const ctx *c, size_t i) {
  if (i >= c->len)
    return c->len;
  const char *p = memchr(c->text + i, 0xC2, c->len - i);
  return p ? (size_t)(p - c->text) : c->len;
}

static long code_rule(ctx *c, size_t i);

/* token_interesting of a token without a trusted class (build_words' first
 * pass, out of its loop): numbers are never interesting (no head starts
 * with a digit) but for the gap. */
static __attribute__((noinline)) unsigned
token_why_slow(ctx *c, const dp_token *tk, size_t prev_end, int digit_ok) {
  uint32_t f = tk->flags;
  if ((f & DP_TOK_NUMBER) && !(f & DP_TOK_CLASSIFIED) && digit_ok &&
      c->text[tk->start] >= '0' && c->text[tk->start] <= '9')
    return 0;
  return (unsigned)token_interesting(c, tk, prev_end);
}

#if defined(__SSE2__)
/* The kept tokens of four (build_words' pass 2): for a 4-bit mask, the
 * indices of its set bits, in order, one byte each (x86 is little-endian). */
/* and their counts, 4 bits each (no popcount instruction in plain x86-64) */
#define NIBBLE_COUNTS 0x4332322132212110ull
static const uint32_t nibble_idx[16] = {
    0x00000000u, 0x00000000u, 0x00000001u, 0x00000100u,
    0x00000002u, 0x00000200u, 0x00000201u, 0x00020100u,
    0x00000003u, 0x00000300u, 0x00000301u, 0x00030100u,
    0x00000302u, 0x00030200u, 0x00030201u, 0x03020100u};
#endif

/* gaz_longest's first look-up of two words, at starter i (a capitalised
 * word whose entry is a prefix, followed by a word that joins it): its key
 * hashed and the lines of the Bloom filter and of the table it reads
 * prefetched by build_words, so that these misses overlap instead of
 * stalling find_mentions one by one. */
static int name_joins(const ctx *c, size_t i);
static void pair_prefetch(ctx *c, size_t i) {
  char kb[64];
  const word *w = &c->w[i], *nw = &c->w[i + 1];
  size_t l0 = word_tlen(c, i), l1 = word_tlen(c, i + 1);
  size_t le = nw->elided[0] ? strlen(nw->elided) + 1 : 0;
  size_t n = l0 + 1 + le + l1;
  if (n > sizeof kb)
    return;
  memcpy(kb, w->term, l0);
  kb[l0] = ' ';
  if (le) {
    memcpy(kb + l0 + 1, nw->elided, le - 1);
    kb[l0 + le] = ' ';
  }
  memcpy(kb + l0 + 1 + le, nw->term, l1);
  tab_prefetch(c->t, key_hash(kb, n));
}

/* The last of build_words for word i of the n made so far (i + 2 < n, or
 * all of them are made), near: a word within two of it is capitalised.
 * Capitalised words: the whole table; other words: cue words only, and
 * only near a capitalised word or when they may head a name. Then "M.
 * Dupont", "J. Dupont", "r. de Rivoli" (a full stop after an abbreviation
 * or an initial does not end the sentence), and whether find_mentions
 * looks at it: capitalised words and heads (a rule needs one or the other).
 * Returns 1 when it does, else 0. */
static inline unsigned finish_word(ctx *c, word *wv, size_t i, size_t n,
                                   unsigned near, const ref_ent *refs,
                                   uint32_t nrefs) {
  const unsigned heads = C_ABBR | C_TITLE | C_ORG | C_ORGCAP | C_LOCHD;
  word *w = &wv[i];
  uint32_t ref = w->cls >> K_REF_SHIFT;
  unsigned prefix; /* its entry is a prefix (G_PREFIX): 0 or 1 */
  if ((w->slow == 0) & (ref < nrefs)) {
    /* the entry the word's class names, if the word is looked up */
    unsigned use = ((w->tflags & DP_TOK_NUMBER) == 0) &
                   (w->cap | near | ((w->cls & K_SIGHEAD) != 0));
    const gkey *g = refs[ref].g;
    w->g = (const gkey *)((uintptr_t)g & ((uintptr_t)0 - use));
    w->cues = (uint16_t)(refs[ref].cues & (0u - use));
    prefix = refs[ref].prefix & use;
    /* the rules read the entry: its line comes in while the words are
     * done (the main table is large, and the analyzer ran since) */
    __builtin_prefetch(g);
  } else {
    w->g = NULL;
    if (!(w->tflags & DP_TOK_NUMBER)) {
      const char *t = TERM(c, i);
      size_t tl = word_tlen(c, i);
      if (w->cap) {
        w->g = ctx_find(c, t, tl, w->hash);
      } else if (tl != 0 && tl <= 24) {
        int look = 1;
        if (!near && (w->slow || !(w->cls & K_SIGHEAD))) {
          unsigned sg = cue_sig(t, tl);
          look = (c->t->tbits[sg >> 6] & (1ull << (sg & 63))) != 0;
        }
        if (look)
          w->g = cue_find(c->t, t, tl);
      }
    }
    w->cues = (uint16_t)(w->g ? w->g->cues : 0);
    prefix = w->g && (w->g->gflags & G_PREFIX);
  }
  /* dot_gap first: it is rare, and it implies the rest (a full stop ends
   * a sentence; prev_kept, so i > 0; GAP_BREAK), kept as they were */
  if (w->dot_gap && i > 0 && (w->sent != 0) & (w->gap == GAP_BREAK)) {
    const word *pw = &wv[i - 1];
    if (pw->initial || ((pw->cues & (C_ABBR | C_LOCHD)) && pw->dot_after))
      w->sent = 0;
  }
  unsigned cues = w->cues, hd = (cues & heads) != 0;
  unsigned start = w->cap | hd;
  /* a capitalised word that is never an entity ("Lundi", "Selon") or a
   * stopword ("Il", "Cette"), without a head cue, an entry or a prefix
   * of one, and not a code: find_mentions would skip it (the word tests
   * without a branch each: they follow the text) */
  _Static_assert(C_NOT == 1u << 7 && DP_TOK_STOP == 1u, "bits read below");
  unsigned skip = w->cap & (hd ^ 1u) & ((cues >> 7) | w->tflags) & 1u;
  if (skip && ((cues & C_NOT) || (!(cues & C_PART) && !w->initial)) &&
      !(w->g && (w->g->type >= 0 || (w->g->gflags & G_PREFIX)))) {
    c->n = n; /* code_rule reads the next word */
    if (code_rule(c, i) == -1)
      start = 0;
  }
  /* (gaz_longest starts at capitalised starters) */
  if (__builtin_expect(prefix & start & w->cap, 0) && i + 1 < n &&
      name_joins(c, i + 1))
    pair_prefetch(c, i);
  return start;
}

/* build_words finishes a word this many words behind the last one made
 * (finish_word: the entry its class names was prefetched when it was
 * made), and goes block by block of this many tokens. */
#define FINISH_LAG 8
#define TOK_BLOCK 128
static DP_PHASE int build_words(ctx *c, const dp_tokens *toks) {
  size_t nt = toks->n;
  /* 1. per token: is it a word, may it start a mention (why), and can its
   * class be trusted; tb[k + 4] is token k's, with zeros around. Then the
   * kept tokens: words within WINDOW_BACK before an interesting token,
   * WINDOW_AHEAD after it (WINDOW_HEAD after a head), two tokens behind,
   * without a branch per token. */
  _Static_assert(WINDOW_BACK == 2 && WINDOW_AHEAD == 2 && WINDOW_HEAD == 4,
                 "the window below is written out for these sizes");
  /* one block per call: the words (at most one per token), the kept token
   * indices (then the find_mentions starters), the recurrence scan's codes
   * (fl, read 8 at a time: 64 codes of room after them), the token facts */
  size_t wbytes = nt * sizeof *c->w, kbytes = (nt + 8) * sizeof(uint32_t);
  size_t fbytes = (nt + 64) * sizeof(uint16_t);
  size_t need = wbytes + kbytes + fbytes + nt + 24;
  if (c->mem->block_size < need) {
    /* (the list keeps it: the next call's is as large or smaller, mostly) */
    free(c->mem->block);
    c->mem->block_size = 0;
    if (!(c->mem->block = malloc(need)))
      return -1;
    c->mem->block_size = need;
  }
  char *block = c->mem->block;
  c->w = (word *)(void *)block;
  c->wcap = nt;
  uint32_t *kept = (uint32_t *)(void *)(block + wbytes), *st = kept;
  uint16_t *fl = c->fl = (uint16_t *)(void *)(block + wbytes + kbytes);
  uint8_t *tb = (uint8_t *)block + wbytes + kbytes + fbytes;
  memset(tb, 0, nt + 24); /* pass 2 reads 8 bytes at a time */
  const char *const text = c->text;
  const int digit_ok = !c->t->digit_heads;
  const size_t len = c->len; /* locals: the byte stores below alias all */
  size_t prev_end = 0, c2 = next_c2(c, 0), nk = 0;
  const dp_token *const tv = toks->v;
  const uint8_t *const tokf = c->t->tokf;
  const ref_ent *const refs = c->t->refs;
  const uint32_t nrefs = (uint32_t)c->t->nrefs;
  _Static_assert(DP_TOK_JOINED == 1u << 3 && DP_TOK_CLASS_SHIFT == 12 &&
                     DP_TOK_CAPITAL == 1u << 6 &&
                     DP_TOK_SENT_START == 1u << 7 &&
                     DP_TOK_CLASSIFIED == 1u << 10 && K_CAP == 1u,
                 "tok_facts reads flags bits 3..15");
  /* 3. words for the kept tokens; what lies between them is read from the
   * text; a skipped stretch breaks names. Word i - LAG is finished
   * (finish_word) when word i is made: it needs to know which words within
   * two of it are capitalised, the bits of caps (word i's is bit 0, word
   * i - LAG's bit LAG). The usual word (a trusted class, its term as it is,
   * no "¬" before it) is made here, the others by make_word. */
  size_t last = (size_t)-2; /* last kept token (never k - 1 at first) */
  size_t last_end = 0;      /* its end */
  word *const wv = c->w;
  size_t nw = 0, nst = 0; /* c->n and c->nst, in registers */
  uint64_t caps = 0;
  enum { LAG = FINISH_LAG };
  /* words i - 2, i - 1, i + 1, i + 2 of word i = nw - 1 - LAG */
  const uint64_t near_mask = (uint64_t)0x1B << (LAG - 2);
  /* find_mentions' starters, over the kept tokens: those are read ahead of
   * them (at most one word per kept token, finished LAG words behind) */
  c->st = st;
  const uint64_t cap_bits[4] = {0, word_bits(0, 1, 0, 0, 0, 0, 0, 0),
                                word_bits(0, 0, 1, 0, 0, 0, 0, 0),
                                word_bits(0, 1, 1, 0, 0, 0, 0, 0)};
  _Static_assert(K_CAP == 1u && K_ALLCAPS == 2u, "cap_bits' index");
  /* the word token before is not kept: a break, no dot_gap nor comma_gap */
  const uint64_t unkept_and = ~word_bits(0xFF, 0, 0, 0, 0, 0xFF, 0, 0xFF);
  const uint64_t unkept_or = word_bits(GAP_BREAK, 0, 0, 0, 0, 0, 0, 0);
  const uint64_t sent_bit = word_bits(0, 0, 0, 1, 0, 0, 0, 0);
  const uint64_t dot_bit = word_bits(0, 0, 0, 0, 1, 0, 0, 0);
  const uint64_t initial_bit = word_bits(0, 0, 0, 0, 0, 0, 1, 0);
  gap_memo *const memo = c->mem->gaps;
  /* 2. token k is kept when q = tb + k has (q[2] | ... | q[6]) & TB_WHY
   * (an interesting token within two) or (q[0] | q[1]) & 2 (a head three or
   * four before), and q[4] & TB_WORD; eight tokens at a time, a byte each
   * (the shifts below stay within a byte where it matters: any byte order) */
  const uint64_t ones = 0x0101010101010101ull;
  /* the passes go block by block of tokens: a block's tokens are still in
   * the cache when its words are made. Pass 1 is done for the tokens
   * below k1, pass 2 below k2 (it reads the facts of the tokens up to
   * k2 + 9), pass 3 for the kept tokens below q. */
  size_t k1 = 0, k2 = 0, q = 0;
  while (k2 < nt) {
    size_t e1 = nt - k1 > TOK_BLOCK ? k1 + TOK_BLOCK : nt;
    for (size_t k = k1; k < e1; k++) {
      const dp_token *tk = &tv[k];
      uint32_t f = tk->flags;
      size_t s = tk->start, e = tk->end;
      unsigned x = tokf[(f >> 3) & 8191u];
      fl[k] = (uint16_t)(stem_code(tk->stem) | (0u - (x >> 7)));
      unsigned v;
      if (__builtin_expect((x & TF_TRUST) && s >= prev_end && e <= len && e > s,
                           1)) {
        /* the usual token, a word with a trusted class: its byte is the
         * table's (tok_facts) */
        v = x & TF_TB;
      } else {
        unsigned bad = (s < prev_end) | (e > len) | (e <= s);
        if (bad | (x & TF_JOINED))
          continue;
        v = TB_WORD | token_why_slow(c, tk, prev_end, digit_ok);
      }
      if (__builtin_expect(c2 < e, 0)) {
        /* a "¬" or a no-break space in the gap makes a word interesting */
        if (c2 < s) {
          v |= TB_GAPC2;
          if (s > prev_end + 1)
            v = (v & ~TB_WHY) | 1;
        }
        c2 = next_c2(c, e);
      }
      tb[k + 4] = (uint8_t)v;
      prev_end = e;
    }
    k1 = e1;
    for (; k2 < nt && (k1 == nt || k2 + 10 <= k1); k2 += 8) {
      const size_t k = k2;
      const uint8_t *tq = tb + k;
      uint64_t v[7];
      for (int j = 0; j < 7; j++)
        memcpy(&v[j], tq + j, 8);
      uint64_t x = ((v[2] | v[3] | v[4] | v[5] | v[6]) & (TB_WHY * ones)) |
                   ((v[0] | v[1]) & (2 * ones));
      uint64_t z = (x | x >> 1) & (v[4] >> 2) & ones;
      _Static_assert(TB_WHY == 3u && TB_WORD == 4u, "bits read above");
#if defined(__SSE2__)
      /* the eight bits side by side (byte i's to bit i), then the indices of
       * each half from a table, four at a time: kept has room for the four
       * written past its end; the tokens past nt have no TB_WORD */
      unsigned bits = (unsigned)((z * 0x0102040810204080ull) >> 56);
      __m128i base = _mm_set1_epi32((int)k), zero = _mm_setzero_si128();
      __m128i lo = _mm_cvtsi32_si128((int)nibble_idx[bits & 15]);
      lo = _mm_unpacklo_epi16(_mm_unpacklo_epi8(lo, zero), zero);
      _mm_storeu_si128((__m128i *)(void *)(kept + nk), _mm_add_epi32(lo, base));
      nk += (NIBBLE_COUNTS >> 4 * (bits & 15)) & 15;
      __m128i hi = _mm_cvtsi32_si128((int)nibble_idx[bits >> 4]);
      hi = _mm_unpacklo_epi16(_mm_unpacklo_epi8(hi, zero), zero);
      _mm_storeu_si128(
          (__m128i *)(void *)(kept + nk),
          _mm_add_epi32(hi, _mm_add_epi32(base, _mm_set1_epi32(4))));
      nk += (NIBBLE_COUNTS >> 4 * (bits >> 4)) & 15;
#else
      uint8_t zb[8];
      memcpy(zb, &z, 8);
      size_t lim = nt - k < 8 ? nt - k : 8;
      for (size_t i = 0; i < lim; i++) {
        kept[nk] = (uint32_t)(k + i);
        nk += zb[i];
      }
#endif
    }
    for (; q < nk; q++) {
      const size_t k = kept[q];
      const dp_token *const tk = &tv[k];
      const unsigned tbk = tb[k + 4];
      /* the word token before this one: mostly the last kept token */
      size_t pe = last_end;
      int prev_kept = 1, first = 0;
      uint64_t band = ~(uint64_t)0, bor = 0; /* what that changes */
      if (k != last + 1) {
        size_t p = k;
        while (p > 0 && !(tb[p - 1 + 4] & TB_WORD))
          p--;
        first = p == 0;
        pe = first ? 0 : tv[p - 1].end;
        prev_kept = !first && last == p - 1;
        if (!prev_kept) {
          band = unkept_and;
          bor = unkept_or;
        }
        if (first)
          bor |= sent_bit;
      }
      last = k;
      const size_t ts = tk->start, te = tk->end;
      last_end = te;
      const uint32_t f = tk->flags, kc = f >> DP_TOK_CLASS_SHIFT;
      unsigned cap;
      if (__builtin_expect(((tbk & (TB_CLASS | TB_GAPC2)) != TB_CLASS) |
                               ((kc & K_REWRITE) != 0),
                           0)) {
        int made = make_word(c, text, len, tk, pe, prev_kept, first,
                             (tbk & TB_CLASS) != 0, refs, nrefs, wv, nw);
        if (made < 0)
          return -1; /* the block is the list's (c->mem) */
        if (made == 0)
          continue; /* joined to the last word */
        cap = wv[nw].cap;
      } else {
        gap_memo tmp;
        const gap_memo *gi = gap_facts(memo, text, len, pe, ts - pe, &tmp);
        word *w = &wv[nw];
        w->start = ts;
        w->end = te;
        w->term = tk->term;
        w->stem = tk->stem;
        w->tlen = TLEN_UNSET; /* word_tlen */
        w->tflags = f & WORD_TFLAGS;
        w->cls = kc;
        w->slow = 0;
        memcpy(w->elided, gi->elided, sizeof w->elided);
        uint64_t bits = (gi->bits & band) | bor | cap_bits[kc & 3];
        cap = kc & K_CAP;
        if (__builtin_expect(te < len, 1) && text[te] == '.') {
          /* an initial: one capital letter (one byte, or two of UTF-8)
           * followed by a full stop, not by an ellipsis */
          size_t slen = te - ts;
          int initial =
              cap && !(te + 1 < len && text[te + 1] == '.') &&
              (slen == 1 ||
               (slen == 2 && ((unsigned char)text[ts] & 0xE0) == 0xC0));
          bits |= dot_bit | (initial ? initial_bit : 0);
        }
        word_set_bits(w, bits);
        if (__builtin_expect((kc >> K_REF_SHIFT) < nrefs, 1))
          /* its class gives its entry (read by finish_word) */
          __builtin_prefetch(&refs[kc >> K_REF_SHIFT]);
        else
          word_prefetch(c, w);
      }
      nw++;
      caps = caps << 1 | cap;
      if (nw > LAG) {
        size_t i = nw - 1 - LAG;
        st[nst] = (uint32_t)i;
        nst += finish_word(c, wv, i, nw, (caps & near_mask) != 0, refs, nrefs);
      }
    }
  }
  /* the last LAG words, with words that are not capitalised after them */
  for (size_t n = nw + 1; n <= nw + LAG; n++) {
    caps <<= 1;
    if (n > LAG) {
      size_t i = n - 1 - LAG;
      st[nst] = (uint32_t)i;
      nst += finish_word(c, wv, i, nw, (caps & near_mask) != 0, refs, nrefs);
    }
  }
  c->n = nw;
  c->nst = nst;
  return 0;
}

/* Can word i continue a name that includes word i-1? */
static int name_joins(const ctx *c, size_t i) {
  const word *w = &c->w[i];
  if (w->gap != GAP_BREAK) /* space, hyphen or elision */
    return 1;
  if (w->gap == GAP_BREAK && w->dot_gap && i > 0 && c->w[i - 1].initial)
    return 1;
  return 0;
}

/* Match key of words i..j into c->key. */
static int make_key(ctx *c, size_t i, size_t j) {
  /* its length first: one reservation, then plain copies */
  size_t n = 0;
  for (size_t k = i; k <= j; k++) {
    n += word_tlen(c, k) + (k > i);
    if (k > i && c->w[k].elided[0])
      n += strlen(c->w[k].elided) + 1;
  }
  c->key.len = 0;
  if (buf_reserve(&c->key, n))
    return -1;
  char *o = c->key.p;
  for (size_t k = i; k <= j; k++) {
    const word *w = &c->w[k];
    if (k > i) {
      *o++ = ' ';
      for (const char *e = w->elided; *e; e++)
        *o++ = *e;
      if (w->elided[0])
        *o++ = ' ';
    }
    memcpy(o, w->term, w->tlen);
    o += w->tlen;
  }
  *o = '\0';
  c->key.len = n;
  return 0;
}

/* Does the last word of an entry's canonical name start with a capital
 * ("La Réunion": a lowercase "la réunion" is not the place)? */
static int canon_last_upper(const gkey *g) {
  if (!g->canon || g->canon_len == 0)
    return 0;
  size_t k = g->canon_len;
  while (k > 0 && g->canon[k - 1] != ' ' && g->canon[k - 1] != '-' &&
         g->canon[k - 1] != '\'')
    k--;
  return starts_upper(g->canon + k, g->canon_len - k);
}

/* Longest gazetteer entry (with a type) starting at word i; *jout = its last
 * word. Returns NULL when none. -1 never: memory failure gives NULL too, but
 * sets *err. */
static const gkey *gaz_longest_words(ctx *c, size_t i, size_t *jout, int *err);
static inline const gkey *gaz_longest(ctx *c, size_t i, size_t *jout,
                                      int *err) {
  /* most starters have no entry, or one that no longer key extends: the
   * test of the loop below for word i alone, inline */
  const word *w = &c->w[i];
  const gkey *g = w->g;
  if (!w->cap || !g)
    return NULL;
  if (!(g->gflags & G_PREFIX) || i + 1 >= c->n || !name_joins(c, i + 1)) {
    if (g->type >= 0 && (!(g->gflags & G_CAPS) || w->allcaps)) {
      *jout = i;
      return g;
    }
    return NULL;
  }
  return gaz_longest_words(c, i, jout, err);
}
static const gkey *gaz_longest_words(ctx *c, size_t i, size_t *jout, int *err) {
  const gkey *best = NULL;
  if (!c->w[i].cap)
    return NULL;
  int caps = c->w[i].allcaps;
  const char *t;
  const gkey *g = c->w[i].g;
  size_t j = i;
  for (;;) {
    if (!g)
      break;
    if (g->type >= 0 && (!(g->gflags & G_CAPS) || caps) &&
        (j == i || c->w[j].cap || !canon_last_upper(g))) {
      best = g;
      *jout = j;
    }
    if (!(g->gflags & G_PREFIX) || j + 1 >= c->n || !name_joins(c, j + 1))
      break;
    if (j == i) { /* the key of word i alone, extended below */
      c->key.len = 0;
      if (buf_add(&c->key, TERM(c, i), word_tlen(c, i))) {
        *err = 1;
        return NULL;
      }
    }
    j++;
    caps = caps && (c->w[j].allcaps || word_tlen(c, j) <= 1);
    if (buf_addc(&c->key, ' ')) {
      *err = 1;
      return NULL;
    }
    if (c->w[j].elided[0] &&
        (buf_add(&c->key, c->w[j].elided, strlen(c->w[j].elided)) ||
         buf_addc(&c->key, ' '))) {
      *err = 1;
      return NULL;
    }
    t = TERM(c, j);
    if (buf_add(&c->key, t, word_tlen(c, j))) {
      *err = 1;
      return NULL;
    }
    g = tab_find_words(c->t, c->key.p, c->key.len);
  }
  return best;
}

static int is_roman(const char *t) {
  if (!*t)
    return 0;
  for (const char *p = t; *p; p++)
    if (!strchr("ivxlc", *p))
      return 0;
  return strlen(t) <= 5;
}

static inline int is_name_word(const ctx *c, size_t i) {
  const word *w = &c->w[i];
  if (!w->cap)
    return 0;
  if (w->end - w->start == 1 && !w->initial)
    return 0; /* "X...", "A" */
  if (w->tflags & DP_TOK_NUMBER)
    return 0;
  if (word_cues(c, i) & (C_NOT | C_ABBR)) {
    /* "St-Martin", "Ste-Anne" */
    const char *t = TERM(c, i);
    return (TERM_IS(t, "st") || TERM_IS(t, "ste")) && i + 1 < c->n &&
           c->w[i + 1].gap == GAP_HYPHEN;
  }
  return 1;
}

/* An Arabic patronymic particle ("ben", "bin", "ibn", "abou"): the word
 * after it is often a first name, and a name with one is a person's. */
static int patronymic(const char *t) {
  return TERM_IS(t, "ben") || TERM_IS(t, "bin") || TERM_IS(t, "ibn") ||
         TERM_IS(t, "abou") || TERM_IS(t, "abu");
}

static int role_complement(const ctx *c, size_t i);

/* Word k starts a person's full name: a frequent first name, then a
 * surname that is not a first name ("Olivier Véran"; not "Jean Pierre",
 * not "Ben Ygal"). */
static int new_name_at(const ctx *c, size_t k) {
  const word *w = &c->w[k];
  return w->gap == GAP_SPACE && w->g && w->g->fname >= FNAME_SINGLE &&
         !w->allcaps && !(word_cues(c, k) & C_PART) && k + 1 < c->n &&
         c->w[k + 1].gap == GAP_SPACE && is_name_word(c, k + 1) &&
         !(c->w[k + 1].g && c->w[k + 1].g->fname >= FNAME_MULTI);
}

/* End of the capitalised name starting at word i (which must be a name
 * word or a particle followed by one): particles inside, initials, roman
 * numerals at the end. Returns the last word index, or (size_t)-1. */
static size_t name_end(const ctx *c, size_t i) {
  size_t k = i, last = (size_t)-1;
  for (;;) {
    if (k >= c->n || k >= i + NAME_MAX_WORDS)
      break;
    if (k > i && !name_joins(c, k))
      break;
    /* "L'ÉLÉVATION d'Hermann Goering": a word in capitals starting a
     * sentence (a heading) does not take an elided particle and a name in
     * small letters */
    if (c->w[k].elided[0] && k > i && last == k - 1 && c->w[last].allcaps &&
        !c->w[k].allcaps && c->w[last].sent)
      break;
    /* "ministre de la Santé Olivier Véran", "PNF Eliane Houlette",
     * "sénatrice UDI Nathalie Goulet": a frequent first name followed by a
     * surname starts a new name after a department, an acronym or a word
     * after a title (not after a brand: "Aston Martin Vantage") */
    if (k == i + 1 && last == i && c->w[k].g &&
        c->w[k].g->fname >= FNAME_SINGLE && new_name_at(c, k) &&
        !(c->w[i].g && c->w[i].g->fname >= FNAME_MULTI) &&
        !(word_cues(c, i) & (C_ABBR | C_PART)) && !c->w[i].initial &&
        (c->w[i].allcaps || role_complement(c, i) ||
         (i > 0 && c->w[i].gap == GAP_SPACE &&
          (word_cues(c, i - 1) & C_TITLE))))
      break;
    if (is_name_word(c, k)) {
      last = k;
      k++;
      continue;
    }
    /* "Wag-ner", "Phi-lippe": a name cut by a line-end hyphen */
    if (k > i && last == k - 1 && c->w[k].gap == GAP_HYPHEN && !c->w[k].cap &&
        !(word_cues(c, k) & C_PART) && !is_stop(c, k) &&
        !(c->w[k].tflags & DP_TOK_NUMBER) && word_tlen(c, k) >= 2) {
      last = k;
      k++;
      continue;
    }
    /* particle(s) followed by a capitalised word */
    size_t p = k;
    while (p < c->n && p < k + 2 &&
           (!c->w[p].cap ||
            (c->w[p].allcaps && (last == (size_t)-1 || c->w[last].allcaps)) ||
            /* "Anne-Marie Le Bihan": a capitalised particle inside */
            (p == k && last != (size_t)-1 && last + 1 == k &&
             c->w[p].gap == GAP_SPACE && !c->w[p].allcaps &&
             !c->w[last].allcaps)) &&
           (word_cues(c, p) & C_PART) && (p == k || name_joins(c, p)))
      p++;
    if (p > k && p < c->n && name_joins(c, p) && is_name_word(c, p) &&
        !(c->w[p].sent) &&
        !(last != (size_t)-1 && c->w[p].g && c->w[p].g->fname >= 500 &&
          !TERM_IS(TERM(c, p), "saint") && !TERM_IS(TERM(c, p), "sainte") &&
          /* "Mohammed ben Salmane": a patronymic names the father */
          !patronymic(TERM(c, p - 1)))) {
      k = p;
      continue;
    }
    break;
  }
  /* a name does not end with an initial ("P. A.") */
  while (last != (size_t)-1 && last > i && c->w[last].initial)
    last--;
  if (last != (size_t)-1 && last == i && c->w[last].initial)
    return (size_t)-1;
  if (last != (size_t)-1 && last + 1 < c->n && name_joins(c, last + 1) &&
      c->w[last + 1].allcaps && is_roman(TERM(c, last + 1)))
    last++;
  return last;
}

static int push_mention(ctx *c, size_t wi, size_t wj, size_t ni, int type,
                        const gkey *g) {
  if (c->nm == c->capm) {
    size_t nc = c->capm ? c->capm * 2 : 32;
    mention *nm = realloc(c->m, nc * sizeof *nm);
    if (!nm)
      return -1;
    c->m = nm;
    c->capm = nc;
  }
  mention *m = &c->m[c->nm++];
  memset(m, 0, sizeof *m);
  m->wi = wi;
  m->wj = wj;
  m->ni = ni;
  m->nj = wj;
  m->type = type;
  m->g = g;
  m->link = -1;
  c->nmisc += type == DP_ENT_MISC;
  return 0;
}

/* Is there a place cue right before word i ("à", "en", "près de", "ville d'")?
 * Weak cues (au, aux, vers, sur, depuis, via) count for known places only. */
static int loc_cue_weak(ctx *c, size_t i);
static int loc_cue_before(ctx *c, size_t i) {
  if (!loc_cue_weak(c, i))
    return 0;
  if (c->w[i].elided[0])
    return 1;
  const char *t = TERM(c, i - 1);
  return !TERM_IS(t, "au") && !TERM_IS(t, "aux") && !TERM_IS(t, "vers") &&
         !TERM_IS(t, "sur") && !TERM_IS(t, "depuis") && !TERM_IS(t, "via");
}

/* May a place cue of several words start with the term t (its first word:
 * a rewritten term has spaces)? No means no; yes means look it up. */
static int loc_cue_first(const ctx *c, const char *t) {
  size_t n = strcspn(t, " ");
  if (n == 0)
    return 1;
  unsigned sg = cue_sig(t, n);
  return (c->t->lbits[sg >> 6] >> (sg & 63)) & 1;
}

static int loc_cue_weak(ctx *c, size_t i) {
  if (i == 0 || c->w[i].gap == GAP_BREAK || c->w[i].gap == GAP_HYPHEN)
    return 0;
  const word *w = &c->w[i];
  if (w->elided[0]) {
    /* "près d'Orléans": previous word + particle */
    const char *t = TERM(c, i - 1);
    if (loc_cue_first(c, t)) {
      c->key.len = 0;
      if (buf_add(&c->key, t, strlen(t)) || buf_addc(&c->key, ' ') ||
          buf_add(&c->key, w->elided, strlen(w->elided)))
        return 0;
      const gkey *g = tab_find_words(c->t, c->key.p, c->key.len);
      if (g && (g->cues & C_LOC))
        return 1;
    }
    if (i >= 2 && name_joins(c, i - 1) && loc_cue_first(c, TERM(c, i - 2))) {
      c->key.len = 0;
      const char *t0 = TERM(c, i - 2);
      if (buf_add(&c->key, t0, strlen(t0)) || buf_addc(&c->key, ' ') ||
          buf_add(&c->key, t, strlen(t)) || buf_addc(&c->key, ' ') ||
          buf_add(&c->key, w->elided, strlen(w->elided)))
        return 0;
      const gkey *g = tab_find_words(c->t, c->key.p, c->key.len);
      if (g && (g->cues & C_LOC))
        return 1;
    }
    return 0;
  }
  if (word_cues(c, i - 1) & C_LOC)
    return 1;
  const char *tp = TERM(c, i - 1);
  if (!TERM_IS(tp, "de") && !TERM_IS(tp, "du") && !TERM_IS(tp, "des"))
    return 0;
  if (i >= 2 && name_joins(c, i - 1) && loc_cue_first(c, TERM(c, i - 2))) {
    c->key.len = 0;
    const char *t0 = TERM(c, i - 2), *t1 = TERM(c, i - 1);
    if (buf_add(&c->key, t0, strlen(t0)) || buf_addc(&c->key, ' ') ||
        buf_add(&c->key, t1, strlen(t1)))
      return 0;
    const gkey *g = tab_find_words(c->t, c->key.p, c->key.len);
    if (g && (g->cues & C_LOC))
      return 1;
  }
  return 0;
}

static int ends_with(const char *s, size_t n, const char *suf) {
  size_t m = strlen(suf);
  return n >= m && memcmp(s + n - m, suf, m) == 0;
}

/* A suffix and its length in bytes. */
typedef struct suffix {
  const char *s;
  size_t n;
} suffix;

#define SUF(lit)                                                               \
  { lit, sizeof lit - 1 }

/* ends_with for a suffix of known length: its last byte first, then the
 * others from the end, inline (a memcmp call cost more than these few
 * bytes). */
static inline int suffix_is(const char *s, size_t n, const suffix *f) {
  if (n < f->n || s[n - 1] != f->s[f->n - 1])
    return 0;
  const char *t = s + n - f->n;
  for (size_t k = f->n - 1; k-- > 0;)
    if (t[k] != f->s[k])
      return 0;
  return 1;
}

/* A lowercase word that looks like an adjective (communiste, nationale...).
 * The suffixes are listed by their last byte, which picks the list (most
 * words end with none of them). */
static int adjective_like(const ctx *c, size_t i) {
  const word *w = &c->w[i];
  if (w->cap || is_stop(c, i) || (w->tflags & DP_TOK_NUMBER))
    return 0;
  const char *s = c->text + w->start;
  size_t n = w->end - w->start;
  static const suffix sufs_l[] = {SUF("al"), SUF("el")};
  static const suffix sufs_e[] = {SUF("ale"),
                                  SUF("ique"),
                                  SUF("iste"),
                                  SUF("aire"),
                                  SUF("aise"),
                                  SUF("ienne"),
                                  SUF("elle"),
                                  SUF("ive"),
                                  SUF("\xc3\xa9"
                                      "e"),
                                  SUF("\xc3\xa9"
                                      "enne"),
                                  SUF("oise"),
                                  SUF("aine"),
                                  SUF("i\xc3\xa8re"),
                                  SUF("ande"),
                                  SUF("ine"),
                                  SUF("ane"),
                                  SUF("que")};
  static const suffix sufs_x[] = {SUF("aux")};
  static const suffix sufs_s[] = {SUF("ales"),
                                  SUF("iques"),
                                  SUF("istes"),
                                  SUF("aires"),
                                  SUF("ais"),
                                  SUF("aises"),
                                  SUF("iens"),
                                  SUF("iennes"),
                                  SUF("els"),
                                  SUF("elles"),
                                  SUF("ifs"),
                                  SUF("ives"),
                                  SUF("\xc3\xa9s"),
                                  SUF("\xc3\xa9"
                                      "es"),
                                  SUF("\xc3\xa9"
                                      "ens"),
                                  SUF("\xc3\xa9"
                                      "ennes"),
                                  SUF("ois"),
                                  SUF("ains"),
                                  SUF("aines"),
                                  SUF("ands")};
  static const suffix sufs_f[] = {SUF("if")};
  static const suffix sufs_acute[] = {SUF("\xc3\xa9")};
  static const suffix sufs_n[] = {SUF("ien"),
                                  SUF("\xc3\xa9"
                                      "en"),
                                  SUF("ain"), SUF("in"), SUF("an")};
  static const suffix sufs_r[] = {SUF("eur"), SUF("ier")};
  static const suffix sufs_d[] = {SUF("and"), SUF("ard")};
  if (n < 4)
    return 0;
  const suffix *f;
  size_t nf;
#define PICK(list) (f = (list), nf = sizeof(list) / sizeof(list)[0])
  switch ((unsigned char)s[n - 1]) {
  case 'l': PICK(sufs_l); break;
  case 'e': PICK(sufs_e); break;
  case 'x': PICK(sufs_x); break;
  case 's': PICK(sufs_s); break;
  case 'f': PICK(sufs_f); break;
  case 0xA9: PICK(sufs_acute); break;
  case 'n': PICK(sufs_n); break;
  case 'r': PICK(sufs_r); break;
  case 'd': PICK(sufs_d); break;
  default: return 0;
  }
#undef PICK
  for (size_t k = 0; k < nf; k++)
    if (suffix_is(s, n, &f[k]))
      return 1;
  return 0;
}

/* A lowercase word ending like a past participle (-é, -ée, -és, -ées). */
static int participle_like(const ctx *c, size_t i) {
  const char *s = c->text + c->w[i].start;
  size_t n = c->w[i].end - c->w[i].start;
  return ends_with(s, n, "\xc3\xa9") ||
         ends_with(s, n,
                   "\xc3\xa9"
                   "e") ||
         ends_with(s, n,
                   "\xc3\xa9"
                   "s") ||
         ends_with(s, n,
                   "\xc3\xa9"
                   "es");
}

/* Organisation from a head noun at word i: returns the last word or -1. */
static inline long org_rule(ctx *c, size_t i) {
  int cues = word_cues(c, i);
  const word *h = &c->w[i];
  if (!(cues & C_ORG) && !((cues & C_ORGCAP) && h->cap))
    return -1;
  /* "en compagnie de" */
  if (!h->cap && i > 0 && TERM_IS(TERM(c, i - 1), "en"))
    return -1;
  int head_cap = h->cap;
  long last = -1;
  int have_cap = 0, have_adj = 0, have_de = 0;
  size_t k = i + 1;
  while (k < c->n && name_joins(c, k) && k <= i + 12) {
    const word *w = &c->w[k];
    if (w->elided[0] && w->elided[0] != 'd' && w->elided[0] != 'l')
      break;
    if (w->cap && !(word_cues(c, k) & (C_NOT | C_ABBR)) &&
        !(w->tflags & DP_TOK_NUMBER)) {
      if (w->elided[0] == 'l' && !have_de)
        break;
      /* "au Sénat Jean-Marie Vanlerenberghe": a person's name starts */
      if (!have_de && w->g && w->g->fname >= FNAME_MULTI && w->g->type < 0 &&
          !w->allcaps)
        break;
      /* "Parti radical-socialiste Versailles", "Front populaire Epernay":
       * a capitalised head and its adjective are a whole name, and a place
       * after them is where the body sits (a heading), not its name; a
       * lowercase head names its body after the adjective ("compagnie
       * aérienne Emirates") */
      if (head_cap && !have_de && !have_cap && k > i + 1 && !c->w[k - 1].cap &&
          w->gap == GAP_SPACE && w->g && w->g->type == DP_ENT_LOC &&
          (k + 1 >= c->n || c->w[k + 1].gap == GAP_BREAK))
        break;
      /* "Fédération nationale des Libres Penseurs Fédération de la Seine":
       * the head of another organisation with its own complement starts
       * another name (not "cour du Chinese Theatre à Los Angeles") */
      if (have_de && (word_cues(c, k) & C_ORG) && c->w[k - 1].cap &&
          w->gap == GAP_SPACE && k + 1 < c->n && name_joins(c, k + 1) &&
          (TERM_IS(TERM(c, k + 1), "de") || TERM_IS(TERM(c, k + 1), "du") ||
           TERM_IS(TERM(c, k + 1), "des") || adjective_like(c, k + 1)))
        break;
      have_cap = 1;
      last = (long)k;
      k++;
      continue;
    }
    if (!w->cap && (word_cues(c, k) & C_PART)) {
      /* de, du, des, de la, d' */
      const char *t = TERM(c, k);
      if (!TERM_IS(t, "de") && !TERM_IS(t, "du") && !TERM_IS(t, "des") &&
          !TERM_IS(t, "la") && !TERM_IS(t, "et"))
        break;
      if (TERM_IS(t, "et") && !have_cap)
        break;
      have_de = 1;
      k++;
      continue;
    }
    if (adjective_like(c, k) && k <= i + 3 && !have_de && !w->elided[0] &&
        !TERM_IS(TERM(c, k), "actuel") && !TERM_IS(TERM(c, k), "actuelle") &&
        !TERM_IS(TERM(c, k), "hier") && !TERM_IS(TERM(c, k), "demain") &&
        /* "la Commission européenne présentées": a verb */
        (k == i + 1 || !participle_like(c, k))) {
      have_adj = 1;
      /* "syndicat Force ouvrière": an adjective right after a capitalised
       * word of the name (not an acronym's: "syndicat CGT majoritaire";
       * not a participle: "société Total installée", tested above) */
      if ((cues & C_ORGADJ) || head_cap ||
          (last == (long)k - 1 && c->w[k - 1].cap && !c->w[k - 1].allcaps))
        last = (long)k;
      k++;
      continue;
    }
    break;
  }
  if (last < 0)
    return -1;
  if (!have_cap && !((cues & C_ORGADJ) && have_adj) && !(head_cap && !h->sent))
    return -1;
  if (have_de && c->w[last].cap && c->w[last].elided[0]) {
    /* "commission de la Défense de l'Assemblée nationale": a known
     * organisation at the end of the name is read whole */
    size_t j = 0;
    int err = 0;
    const gkey *g = gaz_longest(c, (size_t)last, &j, &err);
    if (g && !err && j > (size_t)last && g->type == DP_ENT_ORG)
      last = (long)j;
  }
  return last;
}

/* Place from a head noun at word i ("rue de Rivoli"): last word or -1. */
static long lochd_rule(ctx *c, size_t i) {
  if (!(word_cues(c, i) & C_LOCHD))
    return -1;
  size_t k = i + 1;
  int dot = c->w[i].dot_after;
  /* optional particles */
  while (k < c->n && k <= i + 3 &&
         (name_joins(c, k) || (dot && k == i + 1 && c->w[k].dot_gap)) &&
         !c->w[k].cap && (word_cues(c, k) & C_PART))
    k++;
  if (k >= c->n ||
      !(name_joins(c, k) || (dot && k == i + 1 && c->w[k].dot_gap)))
    return -1;
  /* "rue La Boétie", "place Le Corbusier": a capitalised article */
  if (c->w[k].cap && (word_cues(c, k) & C_PART) && k + 1 < c->n &&
      name_joins(c, k + 1) && is_name_word(c, k + 1)) {
    size_t e2 = name_end(c, k + 1);
    return (long)(e2 == (size_t)-1 ? k + 1 : e2);
  }
  if (!is_name_word(c, k) && !(c->w[k].cap && (word_cues(c, k) & C_ABBR)))
    return -1;
  size_t e = name_end(c, k);
  if (e == (size_t)-1)
    e = k;
  return (long)e;
}

/* May code_rule find a code at word i (its first test, inline: a call for
 * every starter cost more)? A capitalised word whose first letters are a
 * prefix's (apt, unc, fin, ta, temp, dev, uac, storm). */
static inline int code_start(const ctx *c, size_t i) {
  const word *w = &c->w[i];
  if (!w->cap)
    return 0;
  const char *t = TERM(c, i);
  unsigned l0 = (unsigned char)t[0] - 'a';
  return l0 < 26 &&
         ((0x1u << ('a' - 'a') | 0x1u << ('d' - 'a') | 0x1u << ('f' - 'a') |
           0x1u << ('s' - 'a') | 0x1u << ('t' - 'a') | 0x1u << ('u' - 'a')) >>
              l0 &
          1);
}

/* Threat-actor and similar codes: APT31, APT 31, APT-31, UNC2452, FIN7, TA505.
 */
static long code_rule(ctx *c, size_t i) {
  static const char *const pre[] = {"apt",  "unc", "fin", "ta",
                                    "temp", "dev", "uac", "storm"};
  const word *w = &c->w[i];
  if (!w->cap)
    return -1;
  const char *t = TERM(c, i);
  /* the first two letters of the prefixes: bit t[1] - 'a' of
   * second[t[0] - 'a'] (a table: a switch's jump table was most of dp_tag's
   * mispredicted indirect jumps) */
#define L(ch) (1u << ((ch) - 'a'))
  static const uint32_t second[26] = {
      ['a' - 'a'] = L('p'),          ['d' - 'a'] = L('e'),
      ['f' - 'a'] = L('i'),          ['s' - 'a'] = L('t'),
      ['t' - 'a'] = L('a') | L('e'), ['u' - 'a'] = L('n') | L('a')};
#undef L
  unsigned l0 = (unsigned char)t[0] - 'a';
  if (l0 >= 26)
    return -1;
  unsigned l1 = (unsigned char)t[1] - 'a';
  if (l1 >= 26 || !(second[l0] >> l1 & 1))
    return -1;
  for (size_t p = 0; p < sizeof pre / sizeof pre[0]; p++) {
    if (t[0] != pre[p][0])
      continue;
    size_t m = strlen(pre[p]);
    if (strncmp(t, pre[p], m) != 0)
      continue;
    const char *d = t + m;
    if (*d) {
      if (*d == '-')
        d++;
      const char *e = d;
      while (*e >= '0' && *e <= '9')
        e++;
      if (e > d && !*e) {
        c->key.len = 0;
        for (size_t q = 0; q < m; q++)
          if (buf_addc(&c->key, (char)(pre[p][q] - 32)))
            return -2;
        if (buf_add(&c->key, d, (size_t)(e - d)))
          return -2;
        return (long)i;
      }
      continue;
    }
    if (!w->allcaps || i + 1 >= c->n)
      continue;
    if (!(c->w[i + 1].gap == GAP_SPACE || c->w[i + 1].gap == GAP_HYPHEN))
      continue;
    const char *n2 = TERM(c, i + 1);
    const char *e = n2;
    while (*e >= '0' && *e <= '9')
      e++;
    if (e == n2 || *e)
      continue;
    c->key.len = 0;
    for (size_t q = 0; q < m; q++)
      if (buf_addc(&c->key, (char)(pre[p][q] - 32)))
        return -2;
    if (buf_add(&c->key, n2, (size_t)(e - n2)))
      return -2;
    return (long)(i + 1);
  }
  return -1;
}

/* Does a word start a known place or organisation, or an organisation or
 * place head ("maire de Lyon", "ministre des Affaires", "président du
 * Conseil")? */
static int starts_non_person(ctx *c, size_t i) {
  const gkey *g = c->w[i].g;
  if (g && (g->cues & (C_ORG | C_LOCHD | C_NOT)))
    return 1;
  size_t j;
  int err = 0;
  const gkey *m = gaz_longest(c, i, &j, &err);
  /* a group named by a name ("?Conti") does not stop "le juge Conti" */
  return m && m->type != DP_ENT_PER && !(m->gflags & (G_WEAK | G_CUED));
}

/* Is t one of the n words of list (the rules' small word lists)? */
static int in_words(const char *t, const char *const *list, size_t n) {
  for (size_t k = 0; k < n; k++)
    if (!strcmp(t, list[k]))
      return 1;
  return 0;
}
#define IN_WORDS(t, list)                                                      \
  in_words((t), (list), sizeof(list) / sizeof((list)[0]))

/* Titles that stand before a name with a particle: "général de Castelnau",
 * "duc de Frémeuil" (but not "auteur de Tam-Tam", "maire de Lyon"). */
static int title_takes_particle(const char *t) {
  static const char *const ok[] = {
      "general",    "marechal",     "colonel",    "commandant", "capitaine",
      "lieutenant", "amiral",       "duc",        "duchesse",   "comte",
      "comtesse",   "vicomte",      "vicomtesse", "marquis",    "marquise",
      "baron",      "baronne",      "chevalier",  "prince",     "princesse",
      "abbe",       "monseigneur",  "cardinal",   "sieur",      "monsieur",
      "madame",     "mademoiselle", "veuve",      "president",  "presidente",
      "ministre",   "roi",          "reine",      "peintre",    "sculpteur",
      "graveur",    "docteur",      "professeur", "maitre",     "pere",
      "frere",      "soeur",        "lord",       "lady",       "sir"};
  return IN_WORDS(t, ok);
}

/* "le comté de Fresno": a county, not a count, though both fold to
 * "comte" (the surface ends with "é"). */
static int county(const ctx *c, size_t k) {
  const word *w = &c->w[k];
  const unsigned char *s = (const unsigned char *)c->text + w->start;
  size_t n = w->end - w->start;
  return n >= 3 && s[n - 2] == 0xC3 && (s[n - 1] == 0xA9 || s[n - 1] == 0x89) &&
         TERM_IS(TERM(c, k), "comte");
}

/* Titles of nobility, which name a person by a place: "duchesse de
 * Cambridge", "prince de Galles". */
static int nobility(const char *t) {
  static const char *const ok[] = {
      "duc",      "duchesse",      "comte",     "comtesse",
      "vicomte",  "vicomtesse",    "marquis",   "marquise",
      "baron",    "baronne",       "prince",    "princesse",
      "roi",      "reine",         "lord",      "lady",
      "archiduc", "archiduchesse", "grand-duc", "grande-duchesse"};
  return IN_WORDS(t, ok);
}

/* "J.-H. Rosny aîné", "Dumas fils", "Coquelin cadet": an epithet telling
 * apart two persons of one name is part of the name. Returns the new last
 * word. Not "Dupont père de trois enfants" (a noun with its complement). */
static size_t epithet_word(const ctx *c, size_t e);
static inline size_t epithet(const ctx *c, size_t e) {
  size_t k = e + 1;
  if (k >= c->n || c->w[k].gap != GAP_SPACE || c->w[k].cap)
    return e;
  return epithet_word(c, e);
}
static size_t epithet_word(const ctx *c, size_t e) {
  size_t k = e + 1;
  const char *t = TERM(c, k);
  /* the first letter first: this runs after every person's name */
  if (!((t[0] == 'a' && t[1] == 'i' &&
         (TERM_IS(t, "aine") || TERM_IS(t, "ainee"))) ||
        (t[0] == 'c' && TERM_IS(t, "cadet")) ||
        (t[0] == 'f' && TERM_IS(t, "fils")) ||
        (t[0] == 'p' && TERM_IS(t, "pere"))))
    return e;
  if (k + 1 < c->n && c->w[k + 1].gap != GAP_BREAK &&
      (c->w[k + 1].elided[0] || (word_cues(c, k + 1) & C_PART)))
    return e;
  return k;
}

/* A form of address taking a possessive: "Son Excellence". (Not
 * "majesté": "crime de lèse-majesté Macron" names no person by it.) */
static int honorific(const char *t) {
  return TERM_IS(t, "excellence");
}

/* Person introduced by titles at word i: returns last word or -1; *ni = the
 * first word of the name. */
static long title_rule(ctx *c, size_t i, size_t *ni) {
  size_t k = i;
  int any = 0, last_abbr = 0, place_title = 0;
  while (k < c->n && k <= i + 4) {
    if (k > i && !name_joins(c, k) &&
        !(c->w[k].dot_gap && c->w[k - 1].dot_after && last_abbr))
      break;
    int cues = word_cues(c, k);
    const word *w = &c->w[k];
    if ((cues & C_ABBR) && w->cap) {
      /* "St-Quentin", "Ste-Menehould": a saint's name compound is a place
       * (the sequences below), not the title of a person */
      if (k == i && k + 1 < c->n && c->w[k + 1].gap == GAP_HYPHEN &&
          is_name_word(c, k))
        break;
      size_t tl = word_tlen(c, k);
      /* "M" and "MM" need their full stop ("Dr", "Me", "Pr" do not) */
      if (tl <= 2 && !w->dot_after &&
          (TERM_IS(TERM(c, k), "m") || TERM_IS(TERM(c, k), "mm")))
        break;
      any = 1;
      last_abbr = 1;
      k++;
      continue;
    }
    if (cues & C_TITLE) {
      if (county(c, k))
        break;
      /* "M. Prince", "M. Marchand": after M. a capitalised title word with
       * no name after it is the name */
      if (last_abbr && w->cap && !w->allcaps &&
          !(k + 1 < c->n && name_joins(c, k + 1) && c->w[k + 1].cap))
        break;
      any = 1;
      last_abbr = 0;
      k++;
      continue;
    }
    /* "M. le général", "M. le Dr": article between titles */
    if (any && k + 1 < c->n &&
        (TERM_IS(TERM(c, k), "le") || TERM_IS(TERM(c, k), "la")) &&
        (word_cues(c, k + 1) & (C_TITLE | C_ABBR))) {
      k++;
      continue;
    }
    break;
  }
  if (!any || k >= c->n)
    return -1;
  if (!(name_joins(c, k) ||
        (c->w[k].dot_gap && c->w[k - 1].dot_after && last_abbr)))
    return -1;
  size_t start = k;
  if (last_abbr && c->w[k].cap && !c->w[k].allcaps &&
      (word_cues(c, k) & C_PART) && k + 1 < c->n && name_joins(c, k + 1) &&
      is_name_word(c, k + 1)) {
    /* "M. Le Royer", "M. De Gaulle" */
    size_t e = name_end(c, k + 1);
    if (e == (size_t)-1)
      return -1;
    *ni = k;
    return (long)e;
  }
  if (!c->w[k].cap || (c->w[k].allcaps && (word_cues(c, k) & C_PART))) {
    /* particle: "M. de Kerillis", "le général de Castelnau"; not "maire de
     * Lyon", "ministre des Affaires", "secrétaire général de la Ligue" */
    if (!(word_cues(c, k) & C_PART))
      return -1;
    const char *t = TERM(c, k);
    size_t p = k;
    while (p < c->n && p < k + 2 && (word_cues(c, p) & C_PART) &&
           (!c->w[p].cap || c->w[p].allcaps))
      p++;
    if (p >= c->n || !is_name_word(c, p) || !name_joins(c, p))
      return -1;
    int article = TERM_IS(t, "du") || TERM_IS(t, "des") || TERM_IS(t, "la") ||
                  TERM_IS(t, "le") || TERM_IS(t, "l") || TERM_IS(t, "d") ||
                  (p != k + 1 && TERM_IS(t, "de")) ||
                  (p == k + 1 && c->w[p].elided[0] == 'l');
    if (!last_abbr && (article || starts_non_person(c, p) ||
                       !title_takes_particle(TERM(c, k - 1))))
      return -1;
    if (!last_abbr && p == k + 1) {
      /* "l'ancienne ministre de Nicolas Sarkozy", "le vice-président de
       * Barack Obama", "la veuve de Johnny": a first name or a whole name
       * after "de" is someone else, the title's complement, not a
       * particle name ("le général de Gaulle") */
      const gkey *g = c->w[p].g;
      if ((g && g->fname >= FNAME_MULTI) ||
          (p + 1 < c->n && c->w[p + 1].gap == GAP_SPACE &&
           is_name_word(c, p + 1) && !(word_cues(c, p + 1) & C_PART)))
        return -1;
      /* "la duchesse de Cambridge", "le prince de Galles": a title of
       * nobility names the person with its place (the canonical name
       * keeps the title: not a person "de Cambridge") */
      place_title = nobility(TERM(c, k - 1));
    }
  } else if (c->w[k].elided[0] && !last_abbr) {
    if (c->w[k].elided[0] != 'd' || starts_non_person(c, k))
      return -1;
  }
  int part = (word_cues(c, k) & C_PART) != 0;
  if (c->w[k].cap && !is_name_word(c, k) && !part)
    return -1;
  if (!last_abbr && c->w[k].cap && !part && starts_non_person(c, k)) {
    /* "le président Wilson" yes, "le président Paris"? no */
    size_t j;
    int err = 0;
    const gkey *m = gaz_longest(c, k, &j, &err);
    if (!m || (m->type != DP_ENT_PER && !(m->gflags & G_WEAK)))
      return -1;
  }
  size_t e = name_end(c, start);
  if (e == (size_t)-1)
    return -1;
  *ni = start;
  if (place_title && e == start + 1) {
    *ni = start - 1; /* the title word */
    return (long)e;
  }
  if (e == start && !last_abbr && e + 1 < c->n && new_name_at(c, e + 1)) {
    /* "la sénatrice UDI Nathalie Goulet", "sa responsable Océans Elodie
     * Martinie-Cousty": the word after the title is her party or her
     * department, the name is the person's (name_end stopped there) */
    size_t e2 = name_end(c, e + 1);
    if (e2 != (size_t)-1) {
      *ni = e + 1;
      return (long)e2;
    }
  }
  return (long)e;
}

/* HIPE mentions of persons include a following apposition giving the
 * function or the age: "M. Monier, juge d'instruction", "Mme X, 25 ans".
 * Returns the new last word. */
static size_t apposition(const ctx *c, size_t s0, size_t e) {
  size_t k = e + 1;
  if (k >= c->n || !c->w[k].comma_gap)
    return e;
  const char *t = TERM(c, k);
  /* the age: "X, 25 ans", "X, de 25 ans", then maybe a function */
  if ((c->w[k].tflags & DP_TOK_NUMBER) && k + 1 < c->n &&
      c->w[k + 1].gap == GAP_SPACE && TERM_IS(TERM(c, k + 1), "ans"))
    return k + 3 < c->n ? apposition(c, s0, k + 1) : k + 1;
  if (TERM_IS(t, "de") && k + 2 < c->n &&
      (c->w[k + 1].tflags & DP_TOK_NUMBER) && TERM_IS(TERM(c, k + 2), "ans"))
    return k + 2;
  /* the body a person belongs to: "Jany Delille, de l'Opéra-Comique" */
  if ((TERM_IS(t, "de") || TERM_IS(t, "du") || TERM_IS(t, "des")) &&
      k + 1 < c->n && c->w[k + 1].cap && name_joins(c, k + 1)) {
    size_t j = k + 1;
    while (j + 1 < c->n && j < k + 6 && name_joins(c, j + 1) &&
           (c->w[j + 1].cap || (word_cues(c, j + 1) & C_PART) ||
            adjective_like(c, j + 1)))
      j++;
    while (j > k + 1 && !c->w[j].cap)
      j--;
    /* "de Bourget, de Colette, de Farrère, de Prévost": a list of
     * complements, each its own name, not a person and a body */
    int list = TERM_IS(t, "de") && !c->w[k + 1].elided[0] &&
               ((s0 > 0 && c->w[s0].gap == GAP_SPACE &&
                 TERM_IS(TERM(c, s0 - 1), "de")) ||
                (j + 1 < c->n && c->w[j + 1].comma_gap &&
                 TERM_IS(TERM(c, j + 1), "de")));
    return list ? e : j;
  }
  size_t s = k;
  if ((TERM_IS(t, "le") || TERM_IS(t, "la")) && k + 1 < c->n)
    t = TERM(c, ++s);
  if (TERM_IS(t, "ancien") || TERM_IS(t, "ancienne") || TERM_IS(t, "jeune"))
    s++;
  int born = TERM_IS(t, "ne") || TERM_IS(t, "nee");
  if (!born && (s >= c->n || c->w[s].cap || !(word_cues(c, s) & C_TITLE)))
    return e;
  t = TERM(c, s);
  if (TERM_IS(t, "monsieur") || TERM_IS(t, "madame") ||
      TERM_IS(t, "mademoiselle") || TERM_IS(t, "femme") ||
      TERM_IS(t, "veuve") || TERM_IS(t, "membre") || TERM_IS(t, "auteur"))
    return e;
  /* "Duff Cooper, lord Lloyd": a title before a name starts a new person */
  if (!born && s + 1 < c->n && c->w[s + 1].cap && c->w[s + 1].gap != GAP_BREAK)
    return e;
  /* and so does a title before a particle name: "le président de Gaulle,
   * le maréchal de Mac-Mahon" (not "député de Paris", a function) */
  if (!born && s + 2 < c->n && c->w[s + 1].gap == GAP_SPACE &&
      !c->w[s + 1].cap && TERM_IS(TERM(c, s + 1), "de") &&
      !c->w[s + 2].elided[0] && c->w[s + 2].cap && name_joins(c, s + 2) &&
      title_takes_particle(TERM(c, s)) &&
      (nobility(TERM(c, s)) || !c->w[s + 2].g ||
       c->w[s + 2].g->type == DP_ENT_PER))
    return e;
  size_t j = s;
  while (j + 1 < c->n && j < s + 8 && c->w[j + 1].gap != GAP_BREAK &&
         !(word_cues(c, j + 1) & C_ABBR))
    j++;
  /* "Radio Nord Info, accuse pourtant le groupe d'avoir...": a verb, not a
   * title, when an adverb or a noun follows it ("juge d'instruction",
   * "président de", "secrétaire général", "directeur adjoint" are titles) */
  if (!born && s + 1 < c->n && c->w[s + 1].gap != GAP_BREAK &&
      !c->w[s + 1].cap && !c->w[s + 1].elided[0] && !is_stop(c, s + 1) &&
      !(word_cues(c, s + 1) & (C_PART | C_TITLE)) && !adjective_like(c, s + 1))
    return e;
  /* "député, ancien ministre" */
  if (j + 2 < c->n && j < e + 16)
    return apposition(c, s0, j);
  return j;
}

/* An unknown word in capitals that looks like an acronym (SNCF, P.T.T.)
 * rather than a shouted word (SUCRE, UNIS) or an abbreviation (TH.). */
static int acronym_like(const ctx *c, size_t i) {
  const word *w = &c->w[i];
  const char *t = TERM(c, i);
  size_t n = word_tlen(c, i);
  if (n < 2 || n > 8 || is_roman(t))
    return 0;
  if (memchr(c->text + w->start, '.', w->end - w->start))
    return 1; /* P.T.T. */
  if (w->dot_after || n > 6)
    return 0;
  size_t v = 0;
  for (size_t k = 0; k < n; k++)
    v += strchr("aeiouy", t[k]) != NULL;
  return v * 3 < n;
}

/* A feminine or institutional adjective ending a capitalised sequence
 * ("Solidarité Française", "Rente Foncière", "Société Générale"). */
static int org_adjective(const char *t) {
  static const char *const sufs[] = {
      "aise", "aises", "iere",  "ieres", "ique",   "iques", "ale",
      "ales", "aire",  "aires", "ienne", "iennes", "oise",  "oises"};
  size_t n = strlen(t);
  for (size_t i = 0; i < sizeof sufs / sizeof sufs[0]; i++)
    if (n > strlen(sufs[i]) + 2 && ends_with(t, n, sufs[i]))
      return 1;
  return 0;
}

static int in_heading(const ctx *c, size_t i) {
  if (!c->w[i].allcaps)
    return 0;
  if (i > 0 && c->w[i - 1].allcaps && c->w[i].gap != GAP_BREAK)
    return 1;
  if (i + 1 < c->n && c->w[i + 1].allcaps && c->w[i + 1].gap != GAP_BREAK)
    return 1;
  return 0;
}

static int pool_canon(ctx *c, mention *m, const char *s, size_t n) {
  m->canon_off = c->pool.len;
  m->canon_len = n;
  return buf_add(&c->pool, s, n);
}

/* First pass: mentions, left to right, without overlap. */
static int quoted(const ctx *c, size_t i);
static int after_article(const ctx *c, size_t i);
static int article_before(const ctx *c, size_t i, int any_case);

/* Does word i complete a role ("ministre des Armées", "ministre de la
 * Défense", "ministre de l'Économie", "secrétaire d'État au Numérique")?
 * Such a word names a department, not a person. */
static int role_complement(const ctx *c, size_t i) {
  if (i < 2 || c->w[i].gap == GAP_BREAK)
    return 0;
  size_t k = i - 1; /* the article or preposition */
  const char *t = TERM(c, k);
  if (c->w[i].elided[0] == 'l' && TERM_IS(t, "de")) {
    k--;
  } else if (c->w[i].elided[0]) {
    return 0;
  } else if (TERM_IS(t, "des") || TERM_IS(t, "du") || TERM_IS(t, "au") ||
             TERM_IS(t, "aux")) {
    k--;
  } else if (TERM_IS(t, "la") && k >= 2 &&
             (TERM_IS(TERM(c, k - 1), "de") || TERM_IS(TERM(c, k - 1), "a"))) {
    k -= 2; /* "de la Santé", "secrétaire à la Santé" */
  } else {
    return 0;
  }
  if (c->w[k + 1].gap == GAP_BREAK)
    return 0;
  if (word_cues(c, k) & C_TITLE)
    return 1;
  /* "ministre français de la Santé", "secrétaire américain à la Santé" */
  if (k > 0 && adjective_like(c, k) && c->w[k].gap == GAP_SPACE &&
      (word_cues(c, k - 1) & C_TITLE))
    return 1;
  /* "secrétaire d'État au Numérique" */
  return k > 0 && TERM_IS(TERM(c, k), "etat") &&
         TERM_IS(TERM(c, k - 1), "secretaire");
}

/* A product after a company: "Microsoft Exchange", a later "d'Exchange". */
static int product_after_org(const ctx *c, size_t i) {
  if (c->nm == 0 || c->w[i].gap != GAP_SPACE)
    return 0;
  const mention *o = &c->m[c->nm - 1];
  return o->wj + 1 == i && o->type == DP_ENT_ORG && o->g && o->ni == o->wi;
}
/* Words i..j name a company after its maker's name ("Automotive",
 * "Motor Cars", "Design"), not a product of it. */
static int company_words(const ctx *c, size_t i, size_t j) {
  static const char *const w[] = {
      "cars",    "motor",      "motors",      "automotive", "automobiles",
      "group",   "motorsport", "motorsports", "racing",     "design",
      "museum",  "classic",    "classiche",   "heritage",   "music",
      "studios", "ag",         "sa",          "se",         "gmbh",
      "sas",     "nv",         "plc",         "inc",        "ltd",
      "llc"};
  for (size_t k = i; k <= j; k++)
    if (!IN_WORDS(TERM(c, k), w))
      return 0;
  return 1;
}

/* Word k completes a model's name: a number of one or two digits or a
 * capital letter alone ("Série 3", "Type 35", "Model S"). */
static int model_code(const ctx *c, size_t k) {
  const word *w = &c->w[k];
  size_t n = w->end - w->start;
  const char *s = c->text + w->start;
  if (n == 1)
    return (s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= '0' && s[0] <= '9');
  return n == 2 && s[0] >= '1' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9';
}

static int earlier_product(const ctx *c, size_t i) {
  if (c->nmisc == 0) /* types do not change during find_mentions */
    return 0;
  for (size_t k = c->nm; k-- > 0;) {
    const mention *o = &c->m[k];
    if (o->type != DP_ENT_MISC)
      continue;
    for (size_t q = o->wi; q <= o->wj; q++)
      if (!strcmp(TERM(c, q), TERM(c, i)))
        return 1;
  }
  return 0;
}

/* A head that only says what kind of body follows ("société Dassault
 * Aviation"), unlike "ministère de la Défense" or "parti communiste". */
static int generic_head(const char *t) {
  static const char *const w[] = {"societe",    "groupe", "syndicat",
                                  "entreprise", "firme",  "holding",
                                  "compagnie"};
  return IN_WORDS(t, w);
}

/* Is word i (to word j) named as a group by the words around it: "le
 * groupe Hafnium", "les pirates de Hafnium", "Hafnium, un groupe lié à"?
 * Read for the few G_CUED gazetteer entries only. */
static int group_cue_word(const char *t) {
  static const char *const w[] = {"groupe",     "groupes",     "gang",
                                  "pirates",    "hackers",     "cybercriminels",
                                  "attaquants", "collectif",   "acteur",
                                  "acteurs",    "groupuscule", "cyberespions"};
  return IN_WORDS(t, w);
}

static int group_cue(const ctx *c, size_t i, size_t j) {
  if (i > 0 && c->w[i].gap != GAP_BREAK) {
    size_t b = i - 1;
    if (c->w[i].elided[0] == 'd' && c->w[i].gap == GAP_ELIDE) {
      /* "les pirates d'Hafnium": the elided particle is in the gap */
    } else if (b > 0 && c->w[b].gap != GAP_BREAK &&
               (TERM_IS(TERM(c, b), "de") || TERM_IS(TERM(c, b), "du"))) {
      b--;
    }
    if (group_cue_word(TERM(c, b)))
      return 1;
  }
  size_t k = j + 1;
  if (k < c->n && c->w[k].comma_gap) {
    /* "Hafnium, un groupe", "Hafnium, groupe" */
    const char *t = TERM(c, k);
    if ((TERM_IS(t, "un") || TERM_IS(t, "le") || TERM_IS(t, "ce")) &&
        k + 1 < c->n && c->w[k + 1].gap == GAP_SPACE)
      k++;
    return group_cue_word(TERM(c, k));
  }
  return 0;
}

/* Is word i the capitalised end of "garde des Sceaux", the title of the
 * minister of Justice (not the town of Sceaux, nor a person)? */
static int keeper_of_seals(const ctx *c, size_t i) {
  return i >= 2 && c->w[i].gap == GAP_SPACE && c->w[i - 1].gap == GAP_SPACE &&
         TERM_IS(TERM(c, i), "sceaux") && TERM_IS(TERM(c, i - 1), "des") &&
         TERM_IS(TERM(c, i - 2), "garde");
}

static int nationality_like(const char *t, size_t n);

/* Are words i..j alone in brackets right after the place found last
 * ("près de Naples (Sud)", "à Grasse (Sud-Est)")? Then they say where it
 * is: a hint, no entity of its own (a known place there was found before
 * this is asked). Not after other mentions: "Le Baptême (Lugné-Poë)",
 * "Max Fleischer (Foko)" name a work's author or a person's other name. */
static int bracket_hint(const ctx *c, size_t i, size_t j) {
  size_t a = c->w[i].start, b = c->w[j].end;
  if (c->nm == 0 || a < 2 || b >= c->len || c->text[a - 1] != '(' ||
      c->text[b] != ')')
    return 0;
  const mention *m = &c->m[c->nm - 1];
  size_t e = c->w[m->wj].end + m->end_pad;
  if (m->type != DP_ENT_LOC || m->wj >= i || e > a - 1)
    return 0;
  for (size_t k = e; k < a - 1; k++)
    if (c->text[k] != ' ')
      return 0;
  return 1;
}

/* The first part of a compound people's name ("Afro-Américains",
 * "Sud-Coréens", "New-Yorkais", "Sri-Lankais", "Franco-Algériens"), not of
 * a place's or a body's ("Comédie-Française", "Cergy-Pontoise"). */
static int demonym_prefix(const char *t) {
  static const char *const w[] = {
      "afro",  "sud",    "nord",    "franco", "germano", "anglo",
      "italo", "russo",  "sino",    "irano",  "israelo", "arabo",
      "judeo", "greco",  "hispano", "luso",   "austro",  "turco",
      "belgo", "latino", "euro",    "new",    "sri",     "americano"};
  return IN_WORDS(t, w);
}

static DP_PHASE int find_mentions(ctx *c) {
  size_t i = 0;
  /* the other words are skipped one by one */
  for (size_t q = 0; q < c->nst; q++) {
    if (c->st[q] < i)
      continue;
    i = c->st[q];
    const word *w = &c->w[i];
    int cues = word_cues(c, i);
    size_t ni = i;
    long e;
    int err = 0;
    if (__builtin_expect(w->cap && TERM(c, i)[0] == 's', 0) &&
        keeper_of_seals(c, i)) {
      /* the title: "le garde des Sceaux Éric Dupond-Moretti" names him */
      size_t ne;
      if (i + 1 < c->n && c->w[i + 1].gap == GAP_SPACE &&
          !c->w[i + 1].allcaps && is_name_word(c, i + 1) &&
          (ne = name_end(c, i + 1)) != (size_t)-1) {
        size_t s0 = c->nm == 0 || c->m[c->nm - 1].wj < i - 2 ? i - 2 : i + 1;
        if (push_mention(c, s0, ne, i + 1, DP_ENT_PER, NULL))
          return -1;
        i = ne + 1;
      } else {
        i++;
      }
      continue;
    }
    /* 1. codes */
    e = code_start(c, i) ? code_rule(c, i) : -1;
    if (e == -2)
      return -1;
    if (e >= 0) {
      if (push_mention(c, i, (size_t)e, i, DP_ENT_ORG, NULL) ||
          pool_canon(c, &c->m[c->nm - 1], c->key.p, c->key.len))
        return -1;
      i = (size_t)e + 1;
      continue;
    }
    /* 2. titles */
    if (cues & (C_ABBR | C_TITLE)) {
      e = title_rule(c, i, &ni);
      if (e >= 0) {
        size_t ne = epithet(c, (size_t)e);
        e = (long)apposition(c, i, ne);
        /* "Son Excellence Pierre Dupong": the possessive is part of the
         * form of address */
        size_t s0 = i;
        if (i > 0 && c->w[i].gap == GAP_SPACE && TERM(c, i)[0] == 'e' &&
            honorific(TERM(c, i)) &&
            (TERM_IS(TERM(c, i - 1), "son") || TERM_IS(TERM(c, i - 1), "sa")) &&
            (c->nm == 0 || c->m[c->nm - 1].wj < i - 1))
          s0 = i - 1;
        if (push_mention(c, s0, (size_t)e, ni, DP_ENT_PER, NULL))
          return -1;
        c->m[c->nm - 1].nj = ne;
        i = (size_t)e + 1;
        continue;
      }
    }
    /* 4/5. heads of organisation and place names (lowercase heads too) */
    if ((cues & (C_ORG | C_ORGCAP)) && !(w->cap && w->sent && is_stop(c, i))) {
      size_t jg = 0;
      const gkey *g = w->cap ? gaz_longest(c, i, &jg, &err) : NULL;
      if (err)
        return -1;
      e = org_rule(c, i);
      if (e >= 0 && (!g || (size_t)e > jg)) {
        /* "société Dassault Aviation": a generic lowercase head is in the
         * mention, not in the canonical name */
        size_t n0 = i;
        if (!w->cap && (size_t)e > i && c->w[i + 1].cap &&
            c->w[i + 1].gap == GAP_SPACE && generic_head(TERM(c, i)))
          n0 = i + 1;
        if (push_mention(c, i, (size_t)e, n0, DP_ENT_ORG, NULL))
          return -1;
        i = (size_t)e + 1;
        continue;
      }
    }
    if (cues & C_LOCHD) {
      e = lochd_rule(c, i);
      if (e >= 0) {
        /* addresses: "16, rue La Boétie", "rue Vivienne, 17, Paris" */
        size_t s0 = i;
        if (i > 0 && c->w[i].comma_gap &&
            (c->w[i - 1].tflags & DP_TOK_NUMBER) &&
            (c->nm == 0 || c->m[c->nm - 1].wj < i - 1))
          s0 = i - 1;
        size_t k = (size_t)e + 1;
        /* not a time or a price: "rue Rapp, 16 heures", "rue Didot, 1, avenue"
         */
        const char *after =
            k + 1 < c->n && c->w[k + 1].gap != GAP_BREAK ? TERM(c, k + 1) : "";
        int not_number = TERM_IS(after, "h") || TERM_IS(after, "heures") ||
                         TERM_IS(after, "heure") || TERM_IS(after, "fr") ||
                         TERM_IS(after, "francs") || TERM_IS(after, "ans") ||
                         (k + 1 < c->n && (word_cues(c, k + 1) & C_LOCHD));
        if (k < c->n && c->w[k].comma_gap && (c->w[k].tflags & DP_TOK_NUMBER) &&
            !not_number) {
          e = (long)k;
          k++;
          if (k + 1 < c->n && c->w[k].comma_gap && TERM_IS(TERM(c, k), "a") &&
              c->w[k + 1].gap == GAP_SPACE)
            k++;
          if (k < c->n && (c->w[k].comma_gap || k == (size_t)e + 2) &&
              c->w[k].cap) {
            size_t jg2;
            const gkey *g2 = gaz_longest(c, k, &jg2, &err);
            if (err)
              return -1;
            if (g2 && g2->type == DP_ENT_LOC && !(g2->gflags & G_WEAK))
              e = (long)jg2;
          }
        }
        if (push_mention(c, s0, (size_t)e, s0, DP_ENT_LOC, NULL))
          return -1;
        i = (size_t)e + 1;
        continue;
      }
    }
    if (!w->cap || (w->tflags & DP_TOK_NUMBER)) {
      i++;
      continue;
    }
    /* 3/6. gazetteers and capitalised sequences */
    size_t jg = 0;
    const gkey *g = gaz_longest(c, i, &jg, &err);
    if (err)
      return -1;
    if (g && (g->gflags & G_CUED) && !group_cue(c, i, jg)) {
      i = jg + 1; /* "du Hafnium pur": the element, not the group */
      continue;
    }
    int weak = g && (g->gflags & G_WEAK);
    if (g && !weak && jg == i && g->type == DP_ENT_LOC &&
        w->g->fname >= FNAME_OVER_LOC && !loc_cue_before(c, i) && !w->sent) {
      /* "Maurice" is a person more often than the island */
      g = NULL;
    }
    if (g && !weak) {
      /* "Florence Arthaud": a first name starting a longer name */
      /* (name_end only when its result is read below: a one-word match
       * followed by a word that may continue a name) */
      size_t se =
          (cues & (C_NOT | C_ABBR)) || jg != i || i + 1 >= c->n ||
                  !name_joins(c, i + 1) ||
                  !(g->type == DP_ENT_PER || g->type == DP_ENT_LOC ||
                    (w->g && w->g->fname >= FNAME_SINGLE && !w->allcaps))
              ? (size_t)-1
              : name_end(c, i);
      if (se != (size_t)-1 && se > jg &&
          ((jg == i && w->g && w->g->fname >= FNAME_SINGLE && !w->allcaps &&
            g->type != DP_ENT_PER) ||
           (g->type == DP_ENT_PER && jg == i))) {
        if (push_mention(c, i, se, i, DP_ENT_PER, NULL))
          return -1;
        i = se + 1;
        continue;
      }
      if (se != (size_t)-1 && se == jg + 1 && jg == i &&
          g->type == DP_ENT_LOC && c->w[se].gap == GAP_SPACE &&
          !c->w[se].allcaps && !(c->w[se].g && c->w[se].g->type >= 0)) {
        /* "Orient Line", "Carlton Hôtel": a place naming a company */
        if (push_mention(c, i, se, i, DP_ENT_ORG, NULL))
          return -1;
        i = se + 1;
        continue;
      }
      size_t s0 = i;
      if (g->type == DP_ENT_LOC && i > 0 && c->w[i].gap == GAP_SPACE &&
          !c->w[i - 1].cap && g->canon_len > 3 &&
          (c->nm == 0 || c->m[c->nm - 1].wj < i - 1)) {
        /* "la Flèche", "la Châtre": the article is part of the name */
        const char *t = TERM(c, i - 1);
        if ((TERM_IS(t, "la") && PREFIX_IS(g->canon, "La ")) ||
            (TERM_IS(t, "le") && PREFIX_IS(g->canon, "Le ")))
          s0 = i - 1;
      }
      if (push_mention(c, s0, jg, s0, g->type, g))
        return -1;
      i = jg + 1;
      continue;
    }
    if ((cues & C_NOT) ||
        ((cues & C_ABBR) && !(i + 1 < c->n && c->w[i + 1].gap == GAP_HYPHEN &&
                              is_name_word(c, i))) ||
        (is_stop(c, i) && !(cues & C_PART) && !w->initial)) {
      i++;
      continue;
    }
    if (!(cues & C_PART) || !w->cap) {
      /* fall through to sequences */
    }
    size_t se = name_end(c, i);
    if (se == (size_t)-1) {
      i++;
      continue;
    }
    size_t len = se - i + 1;
    int head = in_heading(c, i);
    int art =
        i > 1 && c->w[i].gap == GAP_SPACE && !c->w[i - 1].cap &&
        (TERM_IS(TERM(c, i - 1), "la") || TERM_IS(TERM(c, i - 1), "le")) && g &&
        g->canon_len > 3 &&
        (PREFIX_IS(g->canon, "La ") || PREFIX_IS(g->canon, "Le ")) &&
        (c->nm == 0 || c->m[c->nm - 1].wj < i - 1);
    if (weak && jg >= se &&
        (loc_cue_weak(c, i) || (art && loc_cue_weak(c, i - 1)))) {
      if (push_mention(c, art ? i - 1 : i, jg, art ? i - 1 : i, DP_ENT_LOC, g))
        return -1;
      /* a commune, unless the text names a person so ("à Fréhel") */
      c->m[c->nm - 1].soft_loc = jg == i;
      i = jg + 1;
      continue;
    }
    int fname = w->g ? (int)(w->g->fname >= FNAME_SINGLE) +
                           (int)(w->g->fname >= FNAME_MULTI)
                     : 0;
    if (!fname && !head && product_after_org(c, i)) {
      if (company_words(c, i, se)) {
        /* "McLaren Automotive", "Volvo Cars": the maker's company, one
         * mention of the maker (its canonical name: org:Volvo finds it) */
        mention *o = &c->m[c->nm - 1];
        o->wj = o->nj = se;
        i = se + 1;
        continue;
      }
      /* "Série 3", "Model S", "Type 35": the model's number or letter */
      size_t pe = se;
      if (se + 1 < c->n && c->w[se + 1].gap == GAP_SPACE &&
          model_code(c, se + 1))
        pe = se + 1;
      if (push_mention(c, i, pe, i, DP_ENT_MISC, NULL))
        return -1;
      i = pe + 1;
      continue;
    }
    if (len == 1) {
      int loc = loc_cue_before(c, i);
      if (w->allcaps && !head && acronym_like(c, i) && fname < 2) {
        if (push_mention(c, i, i, i, loc ? DP_ENT_LOC : DP_ENT_ORG, NULL))
          return -1;
      } else if (fname == 2 && quoted(c, i)) {
        /* « Marius », " JAN ": a title or a shop, not a person */
      } else if (fname == 2 && !w->sent && !head) {
        if (push_mention(c, i, i, i, DP_ENT_PER, NULL))
          return -1;
      } else if (loc) {
        if (push_mention(c, i, i, i, DP_ENT_LOC, NULL))
          return -1;
        c->m[c->nm - 1].soft_loc = 1;
      } else if (fname == 2 && w->sent && !head && !is_stop(c, i) &&
                 i + 1 < c->n && !c->w[i + 1].cap &&
                 c->w[i + 1].gap != GAP_BREAK) {
        /* "Jacques tâte son épaule": a frequent first name starting a sentence
         */
        if (push_mention(c, i, i, i, DP_ENT_PER, NULL))
          return -1;
      } else if (!head && earlier_product(c, i)) {
        if (push_mention(c, i, i, i, DP_ENT_MISC, NULL))
          return -1;
      } else if (!head && ((w->tflags & DP_TOK_CODE) ||
                           (w->allcaps && (article_before(c, i, 1) ||
                                           (w->start > 0 && w->end < c->len &&
                                            c->text[w->start - 1] == '(' &&
                                            c->text[w->end] == ')'))))) {
        /* "le PIB", "la FDA", "produit intérieur brut (PIB)", "un CDI": a
         * word in capitals after an article or alone in brackets is an
         * acronym (which acronym_like may have missed: one vowel in three
         * letters), and letters with digits are a code ("l'autoroute
         * A7"), not a person */
      } else if (!head && bracket_hint(c, i, i)) {
        /* "près de Naples (Sud)": a region hint, not a person */
      } else if (!head && !role_complement(c, i)) {
        if (push_mention(c, i, i, i, DP_ENT_PER, NULL))
          return -1;
        c->m[c->nm - 1].pending = 1;
        c->m[c->nm - 1].link_only = w->sent;
      }
      i++;
      continue;
    }
    /* several capitalised words */
    if (!fname && bracket_hint(c, i, se)) {
      i = se + 1; /* "à Grasse (Sud-Est)": a region hint */
      continue;
    }
    const char *t0i = TERM(c, i);
    int type = DP_ENT_PER;
    int particle = 0, hyphen_only = 1, orgw = 0, patro = 0;
    for (size_t k = i; k <= se; k++)
      orgw |= (word_cues(c, k) & C_ORGW) != 0;
    for (size_t k = i + 1; k <= se; k++) {
      if (!c->w[k].cap || c->w[k].elided[0])
        particle = 1;
      /* "Zine el-Abidine Ben Ali" (not the last word: "Tahar Ben") */
      if (k < se && (word_cues(c, k) & C_PART) && patronymic(TERM(c, k)))
        patro = 1;
      if (c->w[k].gap != GAP_HYPHEN)
        hyphen_only = 0;
    }
    if (hyphen_only && !fname && se == i + 1 && demonym_prefix(t0i) &&
        nationality_like(TERM(c, se), word_tlen(c, se))) {
      i = se + 1; /* "des Afro-Américains", "les Sud-Coréens": people */
      continue;
    }
    const char *t0 = t0i;
    size_t l0 = strlen(t0);
    int saint = TERM_IS(t0, "saint") || TERM_IS(t0, "sainte") ||
                TERM_IS(t0, "st") || TERM_IS(t0, "ste");
    int loc_part = 0;
    if (hyphen_only) {
      for (size_t k = i; k <= se && !loc_part; k++) {
        const gkey *gk = c->w[k].g;
        loc_part = gk && gk->type == DP_ENT_LOC && !(gk->gflags & G_WEAK) &&
                   gk->fname < 500;
      }
    }
    if (hyphen_only && saint) {
      type = DP_ENT_LOC;
    } else if (loc_part) {
      type = DP_ENT_ORG; /* Paris-Soir, Fives-Lille */
    } else if (fname || (patro && !orgw && !c->w[i].allcaps)) {
      type = DP_ENT_PER;
    } else if (!c->w[i].allcaps && after_article(c, i)) {
      /* "la Butte-Rouge", "le Sud-Ouest", "la Libre Pensée": French names
       * of persons take no article */
      type = hyphen_only ? DP_ENT_LOC : DP_ENT_ORG;
    } else if (orgw) {
      type = DP_ENT_ORG; /* Canadian Pacific, Central Mining, Savoy Hôtel */
    } else if (loc_cue_before(c, i)) {
      type = DP_ENT_LOC;
    } else if (head) {
      i++; /* a heading in capitals: known names inside it still count */
      continue;
    } else if (c->w[i].initial && c->w[i].gap != GAP_HYPHEN && se > i + 1 &&
               c->w[se].cap && !c->w[se].allcaps) {
      /* "G. de la Fouchardière", "J. de Pesquidoux": an initial stands
       * for a first name, so a person even with particles inside */
    } else if (particle ||
               (l0 > 3 && (t0[l0 - 1] == 's' || t0[l0 - 1] == 'x')) ||
               org_adjective(TERM(c, se))) {
      type = DP_ENT_ORG; /* Gaz de Paris, Grands Moulins, Libre Pensée? */
    }
    if (type == DP_ENT_PER && !fname && role_complement(c, i)) {
      i = se + 1; /* "ministre des Solidarités Actives"? a department */
      continue;
    }
    if (type == DP_ENT_PER)
      se = epithet(c, se);
    if (push_mention(c, i, se, i, type, NULL))
      return -1;
    i = se + 1;
  }
  return 0;
}

/* At s[k] (k < n), a separator of a surface beyond ASCII: a no-break,
 * narrow no-break or thin space (U+00A0, U+202F, U+2009), a space (*sp =
 * 1), or an OCR line-end "¬" with the spaces after it, which joins (*sp =
 * 0). Returns the bytes it covers, 0 when s[k] starts none. */
static inline size_t surface_sep(const unsigned char *s, size_t k, size_t n,
                                 int *sp) {
  if (s[k] == 0xC2 && k + 1 < n && s[k + 1] == 0xA0) {
    *sp = 1;
    return 2;
  }
  if (s[k] == 0xE2 && k + 2 < n && s[k + 1] == 0x80 &&
      (s[k + 2] == 0xAF || s[k + 2] == 0x89)) {
    *sp = 1;
    return 3;
  }
  if (s[k] == 0xC2 && k + 1 < n && s[k + 1] == 0xAC) {
    size_t e = k + 2;
    while (e < n &&
           (s[e] == ' ' || s[e] == '\n' || s[e] == '\r' || s[e] == '\t'))
      e++;
    *sp = 0;
    return e - k;
  }
  return 0;
}

/* Canonical display text of words i..j: the text with spaces collapsed and
 * OCR line-end hyphens ("Cham¬ bre") dropped. */
static int surface_canon(ctx *c, size_t i, size_t j, buf *out) {
  const unsigned char *s = (const unsigned char *)c->text + c->w[i].start;
  size_t n = c->w[j].end - c->w[i].start;
  out->len = 0;
  /* one output byte at most per input byte */
  if (buf_reserve(out, n))
    return -1;
  char *o = out->p;
  size_t ol = 0, d;
  int sp = 0;
  size_t k = 0;
  while (k < n) {
    unsigned char ch = s[k];
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
      sp = 1;
      k++;
    } else if ((d = surface_sep(s, k, n, &sp)) != 0) {
      k += d;
    } else {
      if (sp && ol)
        o[ol++] = ' ';
      sp = 0;
      o[ol++] = (char)ch;
      k++;
    }
  }
  out->len = ol;
  o[ol] = '\0';
  return 0;
}

/* surface_canon(c, i, j, cb) and fold_canon of the result into kb, in one
 * pass over the text, for the usual surface (ASCII and accented Latin-1
 * letters, spaces, "¬"): each byte kept in the canonical name gives one
 * byte of the key (an accented letter's two give one), and a space kept
 * gives a space (the name never starts with one). Returns 0, 1 when the
 * surface has other characters (nothing is made: call the two), or -1
 * (memory). */
static int surface_key(const ctx *c, size_t i, size_t j, buf *cb, buf *kb) {
  const unsigned char *s = (const unsigned char *)c->text + c->w[i].start;
  size_t n = c->w[j].end - c->w[i].start;
  cb->len = kb->len = 0;
  /* (8 bytes of room past the end: the runs below store 8 bytes) */
  if (buf_reserve(cb, n + 8) || buf_reserve(kb, n + 8))
    return -1;
  char *o = cb->p, *q = kb->p;
  size_t ol = 0, ql = 0, d;
  int sp = 0;
  size_t k = 0;
  while (k < n) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (k + 8 <= n) {
      /* the printable ASCII bytes (0x21..0x7E, and DEL) from k, up to 8 at
       * a time: kept as they are, lowercased in the key (canon_ascii) */
      const uint64_t ones = 0x0101010101010101ull, high = 0x80 * ones;
      uint64_t v;
      memcpy(&v, s + k, 8);
      /* the first byte >= 0x80 or < 0x21 (a borrow may flag bytes after
       * it, never before) */
      uint64_t bad = (v & high) | ((v - 0x21 * ones) & ~v & high);
      size_t run = bad ? (size_t)__builtin_ctzll(bad) >> 3 : 8;
      if (run > 0) {
        if (sp & (ol != 0)) {
          o[ol++] = ' ';
          q[ql++] = ' ';
        }
        sp = 0;
        /* A..Z: at least 0x41 and below 0x5B (no carry: bytes < 0x80) */
        uint64_t up = (v + 0x3F * ones) & ~(v + 0x25 * ones) & high;
        uint64_t low = v | (up >> 2);
        memcpy(o + ol, &v, 8);
        memcpy(q + ql, &low, 8);
        ol += run;
        ql += run;
        k += run;
        continue;
      }
    }
#endif
    unsigned ch = s[k];
    if (ch < 0x80) {
      /* canon_ascii's spaces are surface_canon's ASCII ones */
      unsigned f = canon_ascii[ch];
      k++;
      if (!f) {
        sp = 1;
        continue;
      }
      if (sp & (ol != 0)) {
        o[ol++] = ' ';
        q[ql++] = ' ';
      }
      sp = 0;
      o[ol++] = (char)ch;
      q[ql++] = (char)(f & 0xFF);
    } else if (ch == 0xC3 && k + 1 < n && (s[k + 1] & 0xC0) == 0x80 &&
               latin1_fold[s[k + 1] - 0x80]) {
      if (sp & (ol != 0)) {
        o[ol++] = ' ';
        q[ql++] = ' ';
      }
      sp = 0;
      o[ol++] = (char)ch;
      o[ol++] = (char)s[k + 1];
      q[ql++] = latin1_fold[s[k + 1] - 0x80];
      k += 2;
    } else if ((d = surface_sep(s, k, n, &sp)) != 0) {
      k += d;
    } else {
      return 1;
    }
  }
  o[ol] = '\0';
  q[ql] = '\0';
  cb->len = ol;
  kb->len = ql;
  return 0;
}

/* Table of surnames -> mention giving the full name (second pass). */
typedef struct sn_slot {
  const char *term; /* surname (a word's folded term), NULL = empty */
  int m;            /* mention index */
} sn_slot;

static int sn_find(const sn_slot *tab, size_t mask, const char *t, size_t n) {
  for (size_t i = key_hash(t, n) & mask;; i = (i + 1) & mask) {
    if (!tab[i].term)
      return -1;
    if (strcmp(tab[i].term, t) == 0)
      return tab[i].m;
  }
}

static void sn_put(sn_slot *tab, size_t mask, const char *t, size_t n, int m) {
  size_t i = key_hash(t, n) & mask;
  while (tab[i].term) {
    if (strcmp(tab[i].term, t) == 0)
      return; /* the first full name wins */
    i = (i + 1) & mask;
  }
  tab[i].term = t;
  tab[i].m = m;
}

/* Last word of a person's name, skipping a roman numeral (Charles XI). */
static size_t surname_word(const ctx *c, const mention *m) {
  size_t j = m->nj;
  /* the word's flag first: is_roman reads the term (strchr per byte) */
  if (j > m->ni && c->w[j].allcaps && is_roman(TERM(c, j)))
    j--;
  return j;
}

/* Occurrences of a word in the text: capitalised (not starting a sentence)
 * and lowercase. */
typedef struct occ_slot {
  const char *term; /* folded term, NULL = empty */
  uint32_t cap;     /* capitalised, inside a sentence */
  uint32_t lower;   /* written in lowercase */
} occ_slot;

/* Nationality and inhabitant nouns (Allemands, Anglais, Parisiens) are
 * capitalised in French but are not entities. t is a term of n bytes. The
 * words and suffixes are listed by their last letter, which picks the list
 * (half the instructions of trying them all). */
static int nationality_like(const char *t, size_t n) {
  static const suffix sufs_s[] = {
      SUF("ais"),   SUF("aises"), SUF("ois"),    SUF("oises"), SUF("ands"),
      SUF("andes"), SUF("iens"),  SUF("iennes"), SUF("ains"),  SUF("aines"),
      SUF("oles"),  SUF("ens"),   SUF("aques")};
  static const suffix sufs_e[] = {SUF("aise"),  SUF("oise"), SUF("ande"),
                                  SUF("ienne"), SUF("aine"), SUF("ole")};
  static const char *const words_s[] = {
      "russes", "turcs", "belges", "suisses",  "grecs",
      "arabes", "juifs", "serbes", "tcheques", "slaves"};
  static const char *const words_e[] = {"russe", "belge",   "suisse", "arabe",
                                        "serbe", "tcheque", "slave"};
  if (n == 0)
    return 0;
  const suffix *sufs;
  const char *const *words;
  size_t nsufs, nwords;
  switch (t[n - 1]) {
  case 'c': return TERM_IS(t, "turc") || TERM_IS(t, "grec");
  case 'f': return TERM_IS(t, "juif");
  case 's':
    sufs = sufs_s, nsufs = sizeof sufs_s / sizeof sufs_s[0];
    words = words_s, nwords = sizeof words_s / sizeof words_s[0];
    break;
  case 'e':
    sufs = sufs_e, nsufs = sizeof sufs_e / sizeof sufs_e[0];
    words = words_e, nwords = sizeof words_e / sizeof words_e[0];
    break;
  default: return 0;
  }
  for (size_t i = 0; i < nwords; i++)
    if (t[0] == words[i][0] && !strcmp(t, words[i]))
      return 1;
  for (size_t i = 0; i < nsufs; i++)
    if (n > sufs[i].n + 2 && suffix_is(t, n, &sufs[i]))
      return 1;
  return 0;
}

/* A lone unknown capitalised word is kept as a person when it comes back
 * capitalised inside sentences and is never written in lowercase in the
 * same text (a name, not a common noun at a line start). */
/* A mention whose fate the recurrence test decides: a lone unknown word, or
 * an unknown word after "à" (a place unless the text shows a person). */
static int recurrence_candidate(const ctx *c, const mention *m) {
  if ((m->pending == 1) & !m->link_only)
    return 1;
  if (m->soft_loc && m->type == DP_ENT_LOC && m->wi == m->wj) {
    const gkey *g = c->w[m->ni].g;
    return !(g && g->type >= 0);
  }
  return 0;
}

/* Is word i right after a lowercase definite article ("la Flèche", "du
 * Roule", "l'Œil")? */
static int after_article(const ctx *c, size_t i) {
  return article_before(c, i, 0);
}

/* Is there an article right before word i: an elided "l'", or "la",
 * "le", "les", "du", "au", "aux", "un", "une" as the word before? A
 * capitalised article counts only with any_case ("Le PIB" at a sentence
 * start); after_article wants it lowercase. */
static int article_before(const ctx *c, size_t i, int any_case) {
  if (TERM_IS(c->w[i].elided, "l"))
    return 1;
  if (i == 0 || c->w[i].gap != GAP_SPACE || (!any_case && c->w[i - 1].cap))
    return 0;
  const char *t = TERM(c, i - 1);
  return TERM_IS(t, "la") || TERM_IS(t, "le") || TERM_IS(t, "les") ||
         TERM_IS(t, "du") || TERM_IS(t, "au") || TERM_IS(t, "aux") ||
         TERM_IS(t, "un") || TERM_IS(t, "une");
}

/* Is word i alone between quotation marks (" JAN ", « Sancho »)? A quoted
 * lone word is a title, a shop or a ship, not a person. */
static int quoted(const ctx *c, size_t i) {
  const unsigned char *s = (const unsigned char *)c->text;
  size_t a = c->w[i].start, b = c->w[i].end;
  while (a > 0 && s[a - 1] == ' ')
    a--;
  while (b < c->len && s[b] == ' ')
    b++;
  int open =
      (a >= 1 && s[a - 1] == '"') ||
      (a >= 2 && s[a - 2] == 0xC2 && s[a - 1] == 0xAB) ||
      (a >= 3 && s[a - 3] == 0xE2 && s[a - 2] == 0x80 && s[a - 1] == 0x9C);
  int close =
      (b < c->len && s[b] == '"') ||
      (b + 1 < c->len && s[b] == 0xC2 && s[b + 1] == 0xBB) ||
      (b + 2 < c->len && s[b] == 0xE2 && s[b + 1] == 0x80 && s[b + 2] == 0x9D);
  return open && close;
}

/* The recurrence scan of promote_pending for token i, whose stem code is
 * a candidate's: counts it in tab when its stem is a candidate's. */
static void scan_token(const ctx *c, size_t i, uint64_t lenmask, occ_slot *tab,
                       size_t mask) {
  const dp_token *w = &c->toks->v[i];
  /* (its code may be FL_SKIP's by chance: a stem "\xFF\xFF...") */
  if (c->t->tokf[(w->flags >> 3) & 1023u] & TF_FLSKIP)
    return;
  const char *t = w->stem;
  size_t l = strlen(t);
  if (!(lenmask & (1ull << (l & 63))))
    return;
  size_t j = key_hash(t, l) & mask;
  while (tab[j].term && strcmp(tab[j].term, t) != 0)
    j = (j + 1) & mask;
  if (!tab[j].term)
    return;
  if (w->flags & DP_TOK_CAPITAL)
    tab[j].cap++;
  else
    tab[j].lower++;
}

/* promote_pending's tests, over the mentions cand[0, nc) (ascending). */
static int promote_listed(ctx *c, const uint32_t *cand, size_t nc) {
  /* "MM. Messager et Broussan", "Churchill, Eden, Attlee": a lone word
   * coordinated with a person is a person */
  for (int dir = 0; dir < 2; dir++) {
    /* forward, then backward: a confirmed word confirms its neighbour */
    for (size_t q = 0; q < nc; q++) {
      size_t k = cand[dir == 0 ? q : nc - 1 - q];
      mention *m = &c->m[k];
      if ((m->pending == 0) | (m->link_only != 0))
        continue;
      int side = dir == 0 ? -1 : 1;
      if ((side < 0 && k == 0) || (side > 0 && k + 1 >= c->nm))
        continue;
      const mention *o = &c->m[k + (size_t)(long)side];
      if (o->type != DP_ENT_PER || o->pending)
        continue;
      size_t a = side < 0 ? o->wj : m->wj, b = side < 0 ? m->wi : o->wi;
      int coord = (b == a + 1 && c->w[b].comma_gap) ||
                  (b == a + 2 && TERM_IS(TERM(c, a + 1), "et") &&
                   c->w[b].gap == GAP_SPACE);
      /* but not "la Santé, Alex Azar" nor "le ministre des Armées,
       * Florence Parly": a word after an article or completing a role
       * is no name */
      if (coord && !after_article(c, m->wi) && !role_complement(c, m->wi))
        m->pending = 0;
    }
  }
  /* "Guyot (Palmyre)": a lone word followed by a first name in brackets */
  for (size_t ci = 0; ci < nc; ci++) {
    size_t k = cand[ci];
    mention *m = &c->m[k];
    if (m->pending != 1 || m->wi != m->wj || m->wj + 1 >= c->n)
      continue;
    const word *w = &c->w[m->wj + 1];
    size_t gs = c->w[m->wj].end;
    if (w->cap && w->g && w->g->fname >= FNAME_MULTI && w->start == gs + 2 &&
        c->text[gs] == ' ' && c->text[gs + 1] == '(' && w->end < c->len &&
        c->text[w->end] == ')')
      m->pending = 0;
    /* "Guillard, née Sourd": a married woman's name and her maiden name */
    if (w->comma_gap && TERM(c, m->wj + 1)[0] == 'n' &&
        TERM_IS(TERM(c, m->wj + 1), "nee") && m->wj + 2 < c->n &&
        c->w[m->wj + 2].cap && c->w[m->wj + 2].gap == GAP_SPACE &&
        is_name_word(c, m->wj + 2))
      m->pending = 0;
  }
  /* "(Dranem)": a lone name in brackets; "Martini, Dac, Gabriello": a list
   * of lone names */
  for (size_t ci = 0; ci < nc; ci++) {
    size_t k = cand[ci];
    mention *m = &c->m[k];
    if (m->pending != 1 || m->link_only || m->wi != m->wj)
      continue;
    const word *w = &c->w[m->wi];
    int open = w->start > 0 && c->text[w->start - 1] == '(';
    int close = w->end < c->len && c->text[w->end] == ')';
    const gkey *wg = c->w[m->ni].g;
    int commune = wg && wg->type == DP_ENT_LOC && (wg->gflags & G_WEAK);
    if (open && close &&
        !nationality_like(TERM(c, m->ni), word_tlen(c, m->ni)) &&
        !(word_cues(c, m->ni) & (C_ORG | C_ORGCAP | C_LOCHD))) {
      m->pending = 0;
      continue;
    }
    if (k + 1 < c->nm) {
      mention *o = &c->m[k + 1];
      if (o->pending && !o->link_only && o->wi == o->wj && o->wi == m->wj + 1 &&
          c->w[o->wi].comma_gap && k + 2 < c->nm) {
        mention *o2 = &c->m[k + 2];
        if (o2->pending && !o2->link_only && o2->wi == o->wj + 1 &&
            c->w[o2->wi].comma_gap) {
          /* a list of communes is a list of places */
          mention *l[3] = {m, o, o2};
          for (int q = 0; q < 3; q++) {
            const gkey *lg = c->w[l[q]->ni].g;
            if (commune && lg && lg->type == DP_ENT_LOC &&
                (lg->gflags & G_WEAK)) {
              l[q]->type = DP_ENT_LOC;
              l[q]->g = lg;
            }
            l[q]->pending = 0;
          }
        }
      }
    }
  }
  /* count, for each pending word, its capitalised and lowercase uses: a
   * length mask keeps the scan over all words cheap */
  size_t np = 0;
  uint64_t lenmask = 0;
  /* the candidates' stem codes (stem_code): a token whose code is none of
   * them does not have a candidate's stem; the first MAX_CODES compared 8
   * tokens at a time, all of them in a 1,024-bit filter otherwise */
  enum { MAX_CODES = 16 };
  uint16_t codes[MAX_CODES];
  size_t ncodes = 0;
  int many = 0;
  uint64_t cfilter[16] = {0};
  for (size_t ci = 0; ci < nc; ci++) {
    size_t k = cand[ci];
    mention *m = &c->m[k];
    if (!recurrence_candidate(c, m))
      continue;
    int cues = word_cues(c, m->ni);
    /* "la Fédération", "la Bibliothèque", "les Allemands"; and any lone
     * word after a lowercase article ("la Flèche", "du Roule", "l'Œil"):
     * French names of persons take no article */
    const char *tn = TERM(c, m->ni);
    size_t tnl = word_tlen(c, m->ni);
    /* a lone "-ienne" word without an article is a first name or a
     * name ("Marcienne", "Julienne"); "une Italienne" has its article */
    int nat = nationality_like(tn, tnl) &&
              !(m->pending && ends_with(tn, tnl, "ienne"));
    if ((cues & (C_ORG | C_ORGCAP | C_LOCHD)) || nat ||
        (m->pending && (after_article(c, m->ni) || quoted(c, m->ni)))) {
      if (m->pending)
        m->pending = 2; /* stays dropped */
      else
        m->soft_loc = 0;
      continue;
    }
    np++;
    const char *st = STEM(c, m->ni);
    lenmask |= 1ull << (strlen(st) & 63);
    unsigned code = stem_code(st), cb = code_bit(code);
    cfilter[cb >> 6] |= 1ull << (cb & 63);
    size_t q = 0;
    while (q < ncodes && codes[q] != code)
      q++;
    if (q == ncodes) {
      if (ncodes < MAX_CODES)
        codes[ncodes++] = (uint16_t)code;
      else
        many = 1;
    }
  }
  if (np == 0)
    return 0;
  /* an open-addressing set of the candidates' stems */
  size_t size = 16;
  while (size < np * 2 + 2)
    size *= 2;
  size_t mask = size - 1;
  occ_slot small[64];
  occ_slot *tab = size <= 64 ? small : calloc(size, sizeof *tab);
  if (!tab)
    return -1;
  if (tab == small)
    memset(small, 0, size * sizeof *tab);
  for (size_t ci = 0; ci < nc; ci++) {
    size_t k = cand[ci];
    const mention *m = &c->m[k];
    if (!recurrence_candidate(c, m))
      continue;
    const char *t = STEM(c, m->ni);
    size_t j = key_hash(t, strlen(t)) & mask;
    while (tab[j].term && strcmp(tab[j].term, t) != 0)
      j = (j + 1) & mask;
    tab[j].term = t;
  }
  const size_t ntok = c->toks->n;
  const uint16_t *fl = c->fl;
#if defined(__SSE2__)
  if (!many) {
    /* fl has 64 codes of room after its ntok: the codes past the end are
     * read, then masked off */
    __m128i want[MAX_CODES];
    for (size_t q = 0; q < ncodes; q++)
      want[q] = _mm_set1_epi16((short)codes[q]);
    for (size_t k = 0; k < ntok; k += 64) {
      uint64_t hit = 0;
      for (int b = 0; b < 4; b++) {
        const __m128i *p = (const __m128i *)(const void *)(fl + k + 16 * b);
        __m128i v0 = _mm_loadu_si128(p), v1 = _mm_loadu_si128(p + 1);
        __m128i m0 = _mm_cmpeq_epi16(v0, want[0]);
        __m128i m1 = _mm_cmpeq_epi16(v1, want[0]);
        for (size_t q = 1; q < ncodes; q++) {
          m0 = _mm_or_si128(m0, _mm_cmpeq_epi16(v0, want[q]));
          m1 = _mm_or_si128(m1, _mm_cmpeq_epi16(v1, want[q]));
        }
        /* one byte per code: 16 tokens' bits */
        hit |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_packs_epi16(m0, m1))
               << (16 * b);
      }
      if (ntok - k < 64)
        hit &= (1ull << (ntok - k)) - 1;
      while (hit) {
        size_t i = k + (size_t)__builtin_ctzll(hit);
        hit &= hit - 1;
        scan_token(c, i, lenmask, tab, mask);
      }
    }
  } else
#else
  (void)many;
#endif
    for (size_t k = 0; k < ntok; k++) {
      unsigned cb = code_bit(fl[k]);
      if (cfilter[cb >> 6] >> (cb & 63) & 1)
        scan_token(c, k, lenmask, tab, mask);
    }
  for (size_t ci = 0; ci < nc; ci++) {
    size_t k = cand[ci];
    mention *m = &c->m[k];
    if (!recurrence_candidate(c, m))
      continue;
    const char *t = STEM(c, m->ni);
    size_t j = key_hash(t, strlen(t)) & mask;
    while (tab[j].term && strcmp(tab[j].term, t) != 0)
      j = (j + 1) & mask;
    if (tab[j].term && tab[j].cap >= PENDING_MIN && tab[j].lower == 0) {
      m->pending = 0;
      m->type = DP_ENT_PER; /* "à Renault" when Renault comes back */
      m->soft_loc = 0;
    }
  }
  if (tab != small)
    free(tab);
  return 0;
}

/* The recurrence and coordination tests of the pending words. They look at
 * the mentions pending or soft_loc on entry only (neither becomes nonzero
 * in them), listed once without a branch each, instead of testing every
 * mention in each of their loops (the tests follow the text: mispredicted).
 */
static DP_PHASE int promote_pending(ctx *c) {
  /* c->st (find_mentions' starters, done with) has room for c->n indices,
   * and mentions do not overlap */
  uint32_t *cand = c->nm <= c->n ? c->st : malloc(c->nm * sizeof *cand);
  if (!cand)
    return -1;
  size_t nc = 0;
  for (size_t k = 0; k < c->nm; k++) {
    cand[nc] = (uint32_t)k;
    nc += (c->m[k].pending | c->m[k].soft_loc) != 0;
  }
  int rc = nc > 0 ? promote_listed(c, cand, nc) : 0;
  if (cand != c->st)
    free(cand);
  return rc;
}

/* Is the key of several words starting with word i surely not in the
 * table? Every proper prefix of a key of several words is in the table as
 * a prefix (tab_prefixes), so a key whose first word's term is not one is
 * not: known without making the key when word i is capitalised (its entry
 * is the whole table's, see link_mentions). */
static inline int key_absent(const ctx *c, size_t i) {
  const word *w = &c->w[i];
  return w->cap && !(w->tflags & DP_TOK_NUMBER) &&
         !(w->g && (w->g->gflags & G_PREFIX));
}

/* Second pass: gazetteer canonicals for persons, short forms linked to the
 * full names of the same text, unlinked lone words dropped. */
/* A person named by a form of address and one word: "M. Renault". */
static int addressed_name(const ctx *c, const mention *m) {
  return m->ni > m->wi && m->nj == m->ni && (word_cues(c, m->ni - 1) & C_ABBR);
}

static DP_PHASE int link_mentions(ctx *c) {
  /* the keys of several words first, their table lines prefetched, so that
   * the misses of their look-ups overlap */
  for (size_t k = 0; k < c->nm; k++) {
    mention *m = &c->m[k];
    if (m->g) { /* emit reads its canonical name (compiled-in data) */
      __builtin_prefetch(m->g->canon);
      continue;
    }
    if (m->canon_len || m->nj == m->ni)
      continue;
    if (key_absent(c, m->ni)) {
      m->khash = 0;
      continue;
    }
    if (make_key(c, m->ni, m->nj))
      return -1;
    m->khash = key_hash(c->key.p, c->key.len);
    tab_prefetch(c->t, m->khash);
  }
  for (size_t k = 0; k < c->nm; k++) {
    mention *m = &c->m[k];
    if (m->g || m->canon_len)
      continue;
    const gkey *g;
    if (m->ni == m->nj && c->w[m->ni].cap &&
        !(c->w[m->ni].tflags & DP_TOK_NUMBER)) {
      g = c->w[m->ni].g; /* the table's entry for its term */
    } else if (m->nj > m->ni) {
      /* several words: not in the hot table; most are not in the table */
      g = NULL;
      if (!key_absent(c, m->ni) && bloom_has(c->t, m->khash)) {
        if (make_key(c, m->ni, m->nj))
          return -1;
        g = probe(c->t->tab, c->t->mask, c->t->ent, c->key.p, c->key.len,
                  m->khash);
      }
    } else {
      if (make_key(c, m->ni, m->nj))
        return -1;
      g = tab_find(c->t, c->key.p, c->key.len);
    }
    if (g && g->type == m->type && g->canon)
      m->g = g;
    if (g && m->pending && g->type >= 0 && g->canon &&
        !(g->gflags & (G_WEAK | G_CUED))) {
      m->type = g->type;
      m->g = g;
      m->pending = 0;
    }
  }
  size_t size = 16;
  while (size < c->nm * 2 + 2)
    size *= 2;
  /* (on the stack up to 127 mentions: a quarter of the articles have more
   * than 31, and calloc and free cost ~2,500 instructions a call) */
  sn_slot small[256];
  sn_slot *tab = size <= 256 ? small : calloc(size, sizeof *tab);
  if (!tab)
    return -1;
  if (tab == small)
    memset(small, 0, size * sizeof *tab);
  size_t mask = size - 1;
  /* full names first, then one-word names (they still make a later lone
   * "Gambetta" a person) */
  int addressed = 0; /* a person named "M. X" is in the table */
  for (int pass = 0; pass < 2; pass++) {
    for (size_t k = 0; k < c->nm; k++) {
      mention *m = &c->m[k];
      if ((m->type != DP_ENT_PER) | (m->pending != 0))
        continue;
      /* (pass 0 sees every person before it keeps the full names) */
      addressed |= pass == 0 && addressed_name(c, m);
      size_t sw = surname_word(c, m);
      int full =
          sw > m->ni || (m->g && memchr(m->g->canon, ' ', m->g->canon_len));
      if ((pass == 0) != (full != 0))
        continue;
      sn_put(tab, mask, TERM(c, sw), word_tlen(c, sw), (int)k);
    }
  }
  for (size_t k = 0; k < c->nm; k++) {
    mention *m = &c->m[k];
    if (m->soft_loc &&
        sn_find(tab, mask, TERM(c, m->ni), word_tlen(c, m->ni)) >= 0) {
      m->type = DP_ENT_PER;
      m->soft_loc = 0;
      m->g = NULL; /* not the commune's canonical name */
    }
    if (addressed && m->type == DP_ENT_ORG && m->g && m->wi == m->ni &&
        m->nj == m->ni && c->w[m->ni].cap) {
      /* "M. Renault a parlé. Renault a signé": a company's name that the
       * text gave a person as "M. Renault", "Mme Renault" is that person's
       * (not after a name with a first name or a function: "le patron
       * Wolfgang Porsche" then "Porsche" is still the company) */
      int o = sn_find(tab, mask, TERM(c, m->ni), word_tlen(c, m->ni));
      if (o >= 0 && addressed_name(c, &c->m[o])) {
        m->type = DP_ENT_PER;
        m->g = NULL;
      }
      continue;
    }
    if (m->type != DP_ENT_PER && !m->pending)
      continue;
    size_t sw = surname_word(c, m);
    if (sw != m->ni)
      continue;
    int o = sn_find(tab, mask, TERM(c, sw), word_tlen(c, sw));
    if (o >= 0 && (size_t)o != k) {
      const mention *f = &c->m[o];
      size_t fsw = surname_word(c, f);
      int f_full =
          fsw > f->ni || (f->g && memchr(f->g->canon, ' ', f->g->canon_len));
      if (f_full && !m->g)
        m->link = o;
      m->type = DP_ENT_PER;
      m->pending = 0;
    } else if (o >= 0) {
      m->pending = 0;
    }
  }
  if (tab != small)
    free(tab);
  return promote_pending(c);
}

/* Final touches on person mentions: a foreign particle before the name
 * ("van Luyten") and a first name in brackets after it ("Guiot (Marie)"). */
static DP_PHASE void person_edges(ctx *c) {
  for (size_t k = 0; k < c->nm; k++) {
    mention *m = &c->m[k];
    if (m->type != DP_ENT_PER || m->pending)
      continue;
    if (m->wj == m->nj) {
      /* "Grassin, marchand de vins": the apposition, over what it covers */
      size_t e = apposition(c, m->wi, m->wj);
      if (e > m->wj) {
        m->wj = e;
        for (size_t o = k + 1; o < c->nm && c->m[o].wi <= e; o++) {
          if (c->m[o].wj <= e) {
            c->m[o].pending = 2; /* dropped: inside the apposition */
          } else {
            m->wj =
                c->m[o].wi - 1; /* stop before a mention that goes past it */
            break;
          }
        }
      }
    }
    if (m->wi == m->ni && m->wi > 0 && c->w[m->wi].gap == GAP_SPACE &&
        (k == 0 || c->m[k - 1].wj < m->wi - 1)) {
      const char *t = TERM(c, m->wi - 1);
      if (!c->w[m->wi - 1].cap &&
          (TERM_IS(t, "van") || TERM_IS(t, "von") || TERM_IS(t, "ben") ||
           TERM_IS(t, "ibn") || TERM_IS(t, "al") || TERM_IS(t, "el")))
        m->wi = m->ni = m->wi - 1;
    }
    size_t j = m->wj + 1;
    if (j < c->n &&
        (k + 1 >= c->nm || c->m[k + 1].wi > j || c->m[k + 1].pending ||
         (c->m[k + 1].wi == j && c->m[k + 1].wj == j))) {
      const word *w = &c->w[j];
      const char *gap = c->text + c->w[m->wj].end;
      size_t glen = w->start - c->w[m->wj].end;
      if (m->ni == m->nj && w->cap && w->g && w->g->fname >= FNAME_MULTI &&
          glen == 2 && gap[0] == ' ' && gap[1] == '(' && w->end < c->len &&
          c->text[w->end] == ')') {
        if (k + 1 < c->nm && c->m[k + 1].wi == j)
          c->m[k + 1].pending = 2; /* dropped */
        m->wj = j;
        m->end_pad = 1;
      }
    }
  }
}

static DP_PHASE int emit(ctx *c, dp_entities *out) {
  buf canon = c->mem->canon, key = c->key; /* c->key is free from here */
  int rc = 0;
  for (size_t k = 0; k < c->nm && rc == 0; k++) {
    const mention *m = &c->m[k];
    if (m->pending)
      continue;
    mention *src = m->link >= 0 ? &c->m[m->link] : &c->m[k];
    /* the canonical name and its key, one after the other with their NULs:
     * sp[0, cl), NUL, kl bytes, NUL */
    const char *sp;
    size_t cl, kl;
    int made = 0; /* they are in canon and key */
    if (src->g && src->g->canon) {
      /* the entry's canonical block (canon_blocks) */
      sp = src->g->canon, cl = src->g->canon_len;
      kl = canon_key_len(sp);
    } else if (src->estr) {
      /* a full name already made for an earlier mention linked to it */
      sp = src->estr, cl = src->ecl, kl = src->ekl;
    } else {
      const char *cp;
      if (src->canon_len) {
        cp = c->pool.p + src->canon_off, cl = src->canon_len;
      } else {
        rc = surface_key(c, src->ni, src->nj, &canon, &key);
        if (rc < 0)
          break;
        if (rc == 0) {
          made = 1;
        } else if ((rc = surface_canon(c, src->ni, src->nj, &canon))) {
          break;
        }
        cp = canon.p, cl = canon.len;
      }
      if (cl == 0)
        continue;
      if (!made) {
        key.len = 0;
        if ((rc = fold_canon(&key, cp, cl)))
          break;
      }
      sp = cp, kl = key.len;
      made = 1;
    }
    if (cl == 0)
      continue;
    if (out->n == out->cap) {
      size_t nc = out->cap ? out->cap * 2 : 16;
      dp_entity *nv = realloc(out->v, nc * sizeof *nv);
      if (!nv) {
        rc = -1;
        break;
      }
      out->v = nv;
      out->cap = nc;
    }
    dp_entity *e = &out->v[out->n];
    e->start = c->w[m->wi].start;
    e->end = c->w[m->wj].end + m->end_pad;
    e->type = (dp_entity_type)m->type;
    /* the canonical name, then the key, in the list's memory (entities.h) */
    e->canonical = entities_alloc(c->mem, cl + 1 + kl + 1);
    if (!e->canonical) {
      rc = -1;
      break;
    }
    if (made) {
      memcpy(e->canonical, sp, cl);
      e->canonical[cl] = '\0';
      memcpy(e->canonical + cl + 1, key.p, kl);
      e->canonical[cl + 1 + kl] = '\0';
      /* kept for the mentions linked to src (src's own name: a mention
       * linked to src reads src's words, never src's link) */
      src->estr = e->canonical;
      src->ecl = cl;
      src->ekl = kl;
    } else {
      memcpy(e->canonical, sp, cl + 1 + kl + 1);
    }
    e->key = e->canonical + cl + 1;
    out->n++;
  }
  c->mem->canon = canon;
  c->key = key; /* kept by dp_tag */
  return rc;
}

int dp_tag(const dp_tagger *t, const char *text, size_t len,
           const dp_tokens *toks, dp_entities *out) {
  if (!t || !text || !toks || !out)
    return -1;
  if (!out->mem && !(out->mem = calloc(1, sizeof *out->mem)))
    return -1;
  struct dp_entities_mem *mem = out->mem;
  ctx c;
  /* seen (2 KB) is read only where seen_ok says it was written */
  memset(&c, 0, offsetof(ctx, seen));
  c.mem = mem;
  c.m = mem->m;
  c.capm = mem->capm;
  c.key = mem->key;
  c.key.len = 0;
  c.pool = mem->pool;
  c.pool.len = 0;
  c.sa = mem->sa;
  c.t = t;
  c.toks = toks;
  c.text = text;
  c.len = len;
  int rc = build_words(&c, toks);
  if (rc == 0 && c.n > 0)
    rc = find_mentions(&c);
  if (rc == 0 && c.nm > 0)
    rc = link_mentions(&c);
  if (rc == 0 && c.nm > 0)
    person_edges(&c);
  if (rc == 0 && c.nm > 0)
    rc = emit(&c, out);
  /* the list keeps the memory for its next call (c.w is mem->block), but
   * for the block of a very long text (~90 bytes a token) */
  if (mem->block_size > KEEP_BLOCK_MAX) {
    free(mem->block);
    mem->block = NULL;
    mem->block_size = 0;
  }
  mem->m = c.m;
  mem->capm = c.capm;
  mem->key = c.key;
  mem->pool = c.pool;
  mem->sa = c.sa;
  arena_reset(c.sa); /* the rewritten terms go */
  return rc ? -1 : 0;
}

/* ------------------------------------------------------------------------ */
/* Canonical keys for queries.                                                */

int dp_entity_canonical_key(const dp_tagger *t, const char *name, size_t len,
                            char **key, int *type) {
  if (type)
    *type = -1;
  *key = NULL;
  /* trim, drop an elided article (l'Otan, d'Orléans) */
  while (len > 0 && (*name == ' ' || *name == '\t' || *name == '\n'))
    name++, len--;
  while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t' ||
                     name[len - 1] == '\n'))
    len--;
  if (len >= 2 &&
      (name[0] == 'l' || name[0] == 'L' || name[0] == 'd' || name[0] == 'D')) {
    if (name[1] == '\'') {
      name += 2;
      len -= 2;
    } else if (len >= 4 && (unsigned char)name[1] == 0xE2 &&
               (unsigned char)name[2] == 0x80 &&
               (unsigned char)name[3] == 0x99) {
      name += 4;
      len -= 4;
    }
  }
  buf mk = {0}, out = {0};
  int rc = fold_append(&mk, name, len, FOLD_KEY);
  if (rc == 0 && mk.len > 0 && t) {
    /* threat-actor codes: "apt 31", "apt-31", "apt31" -> "apt31" */
    static const char *const pre[] = {"apt",  "unc", "fin", "ta",
                                      "temp", "dev", "uac", "storm"};
    for (size_t p = 0; p < sizeof pre / sizeof pre[0]; p++) {
      size_t m = strlen(pre[p]);
      if (mk.len <= m || strncmp(mk.p, pre[p], m) != 0)
        continue;
      size_t d = m;
      if (mk.p[d] == ' ')
        d++;
      size_t e = d;
      while (e < mk.len && mk.p[e] >= '0' && mk.p[e] <= '9')
        e++;
      if (e == d || e != mk.len)
        continue;
      if ((rc = buf_add(&out, pre[p], m)) == 0)
        rc = buf_add(&out, mk.p + d, e - d);
      if (type)
        *type = DP_ENT_ORG;
      goto done;
    }
    const gkey *g = tab_find(t, mk.p, mk.len);
    if (g && g->type >= 0 && g->canon) {
      if (type)
        *type = g->type;
      rc = fold_append(&out, g->canon, g->canon_len, FOLD_CANON);
      goto done;
    }
  }
  if (rc == 0)
    rc = fold_append(&out, name, len, FOLD_CANON);
done:
  free(mk.p);
  if (rc == 0 && !out.p && (rc = buf_reserve(&out, 0)) == 0)
    out.p[0] = '\0';
  if (rc) {
    free(out.p);
    return -1;
  }
  *key = out.p;
  return 0;
}
