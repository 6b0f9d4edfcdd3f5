/* record.c — the stored article record (Xapian document data).
 *
 * ON-DISK FORMAT (version 1)
 *
 * A record is a header followed by a payload:
 *
 *   byte     version       DP_RECORD_VERSION (1). Any other value is an
 *                          "unknown record version" error.
 *   byte     method        0 = payload stored as is
 *                          1 = payload compressed with raw deflate (zlib,
 *                              no zlib header/trailer; decoded with
 *                              windowBits -15, so any encoder window up
 *                              to 2^15 is valid)
 *                          2 = raw deflate with preset dictionary #1:
 *                              common/data/record_dict_fr_v1.txt without
 *                              its leading '#' lines and final newline
 *                              (deflateSetDictionary / inflateSetDictionary;
 *                              9,200 bytes of frequent French n-grams; on
 *                              OrangeSum records -11% for +0.05 ms each)
 *                          3 = as 2, with the entity list in layout 2
 *                              (below; -7% on OrangeSum records)
 *   varint   plen          length in bytes of the uncompressed payload
 *   bytes    data          the payload, stored or compressed (all the rest
 *                          of the record; decoding checks that it inflates
 *                          to exactly plen bytes)
 *
 * Varints are unsigned LEB128: 7 bits per byte, least significant group
 * first, high bit set on every byte but the last; at most 10 bytes.
 *
 * The payload is a sequence of fields, in this fixed order:
 *
 *   string   id
 *   string   title
 *   string   date          "YYYY-MM-DD" or ""
 *   string   source
 *   string   url
 *   string   path
 *   string   author
 *   string   lead
 *   string   body
 *   varint   n             number of entities, then n times:
 *     byte     field       enum dp_record_field (0 title, 1 lead, 2 body)
 *     byte     type        dp_entity_type (0 PER, 1 ORG, 2 LOC, 3 MISC)
 *     varint   start       byte offset of the mention in that field
 *     varint   len         end - start
 *     string   canonical
 *     string   key
 *
 * Layout 2 of the entity list (method 3 only): the same varint n, then n
 * times:
 *     byte     field * 4 + type
 *     varint   zigzag(start - start of the previous mention of the same
 *              field, 0 for the first): mentions mostly come in text order
 *     varint   len         end - start
 *     varint   c = 2 * canonical length + k
 *     bytes    canonical
 *     string   key, only when k = 1; when k = 0 the key is the folded
 *              canonical (dp_text_fold_dup), as it is for almost all
 *
 * where "string" is a varint byte length followed by that many bytes of
 * UTF-8 (no NUL). Decoding checks every length against what remains, that
 * the payload is consumed exactly, that field/type are in range and that
 * start+len does not overflow; any failure is a "corrupt record" error.
 *
 * Payloads shorter than DP_RECORD_MIN_DEFLATE bytes are stored (method 0):
 * deflate cannot win on them. The encoder writes method 3; methods 0, 1 and
 * 2 are always readable.
 */
#include "record.h"

#include "data.h"
#include "str.h"
#include "text.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#ifdef DEPECHE_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

#define DP_RECORD_MIN_DEFLATE 64
#define DP_RECORD_LEVEL 6
/* zlib's defaults: smaller windows or memLevels measured the same size
 * (2^14, memLevel 5) or bigger (2^13) on OrangeSum records, and slower. */
#define DP_RECORD_WINDOW_BITS 15
#define DP_RECORD_MEM_LEVEL 8
/* Room for the output of inflate beyond the payload (see dp_record_decode) */
#define INFLATE_SLACK 320
/* Zero bytes after the stream in libdeflate's input (see decoder_inflate_ld) */
#define LD_IN_PAD 64

enum {
  METHOD_STORED = 0,
  METHOD_DEFLATE = 1,
  METHOD_DEFLATE_DICT1 = 2,
  METHOD_DEFLATE_DICT1_E2 = 3
};

/* The preset dictionary of method 2 (static, read-only: thread-safe).
 * Returns NULL when the data file is missing from the build. */
static const unsigned char *dict1(size_t *len) {
  size_t n;
  const char *d = dp_data_get("record_dict_fr_v1.txt", &n);
  if (!d)
    return NULL;
  const char *p = d, *e = d + n;
  while (p < e && *p == '#') { /* skip the comment lines */
    const char *nl = memchr(p, '\n', (size_t)(e - p));
    p = nl ? nl + 1 : e;
  }
  if (e > p && e[-1] == '\n')
    e--;
  *len = (size_t)(e - p);
  return (const unsigned char *)p;
}

static void set_err(char **errmsg, const char *msg) {
  if (errmsg)
    *errmsg = dp_strfmt("%s", msg);
}

/* ---- growable output buffer; helpers do nothing once rc is set ---- */

typedef struct buf {
  unsigned char *p; /* bytes */
  size_t n;         /* used */
  size_t cap;       /* allocated */
} buf;

static void buf_reserve(buf *b, size_t extra, int *rc) {
  if (*rc)
    return;
  if (b->n + extra <= b->cap)
    return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->n + extra)
    cap *= 2;
  unsigned char *p = realloc(b->p, cap);
  if (!p) {
    *rc = -1;
    return;
  }
  b->p = p;
  b->cap = cap;
}

static void put_bytes(buf *b, const void *s, size_t n, int *rc) {
  buf_reserve(b, n, rc);
  if (*rc)
    return;
  if (n)
    memcpy(b->p + b->n, s, n);
  b->n += n;
}

static void put_byte(buf *b, unsigned v, int *rc) {
  unsigned char c = (unsigned char)v;
  put_bytes(b, &c, 1, rc);
}

static void put_varint(buf *b, uint64_t v, int *rc) {
  unsigned char tmp[10];
  size_t n = 0;
  do {
    unsigned char c = v & 0x7f;
    v >>= 7;
    if (v)
      c |= 0x80;
    tmp[n++] = c;
  } while (v);
  put_bytes(b, tmp, n, rc);
}

static void put_string(buf *b, const char *s, int *rc) {
  size_t n = s ? strlen(s) : 0;
  put_varint(b, n, rc);
  put_bytes(b, s, n, rc);
}

/* ---- reader over the payload ---- */

typedef struct rd {
  const unsigned char *p; /* next byte */
  const unsigned char *e; /* end */
} rd;

static int get_varint(rd *r, uint64_t *v) {
  uint64_t x = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (r->p >= r->e)
      return -1;
    unsigned char c = *r->p++;
    if (shift == 63 && (c & 0x7e))
      return -1; /* overflows 64 bits */
    x |= (uint64_t)(c & 0x7f) << shift;
    if (!(c & 0x80)) {
      *v = x;
      return 0;
    }
  }
  return -1;
}

/* ---- encode ---- */

static uint64_t zigzag(int64_t v) {
  return v < 0 ? ((uint64_t)(-(v + 1)) << 1) | 1 : (uint64_t)v << 1;
}

static int64_t unzigzag(uint64_t v) {
  return v & 1 ? -(int64_t)(v >> 1) - 1 : (int64_t)(v >> 1);
}

static int fold_latin1(const char *c, size_t cn, dp_strbuf *out);

/* Encoding side: is key the folded form of canonical c[0, cn) (layout 2's
 * k = 0)? Folds with fold_latin1's table when c is Latin-1 (almost every
 * name; the decoder relies on it giving dp_text_fold's result), else with
 * dp_text_fold through sc. 1 yes, 0 no, -1 out of memory. */
static int key_is_folded(const char *c, size_t cn, const char *key,
                         dp_strbuf *out, dp_text_scratch *sc) {
  int fast = fold_latin1(c, cn, out);
  if (fast < 0 || (!fast && dp_text_fold(sc, c, cn, out) != 0))
    return -1;
  return strcmp(out->s ? out->s : "", key) == 0;
}

/* layout: 1 or 2 (see the top of this file) */
static void encode_payload(const dp_record *r, int layout, buf *b, int *rc) {
  put_string(b, r->id, rc);
  put_string(b, r->title, rc);
  put_string(b, r->date, rc);
  put_string(b, r->source, rc);
  put_string(b, r->url, rc);
  put_string(b, r->path, rc);
  put_string(b, r->author, rc);
  put_string(b, r->lead, rc);
  put_string(b, r->body, rc);
  put_varint(b, r->n_entities, rc);
  uint32_t prev[DP_FIELD_BODY + 1] = {0};
  dp_strbuf fold = {0};
  dp_text_scratch sc = {0};
  for (size_t i = 0; i < r->n_entities && !*rc; i++) {
    const dp_record_entity *e = &r->entities[i];
    uint32_t len = e->end >= e->start ? e->end - e->start : 0;
    if (layout == 1) {
      put_byte(b, e->field, rc);
      put_byte(b, e->type, rc);
      put_varint(b, e->start, rc);
      put_varint(b, len, rc);
      put_string(b, e->canonical, rc);
      put_string(b, e->key, rc);
      continue;
    }
    put_byte(b, e->field * 4u + e->type, rc);
    put_varint(b, zigzag((int64_t)e->start - prev[e->field]), rc);
    prev[e->field] = e->start;
    put_varint(b, len, rc);
    const char *canon = e->canonical ? e->canonical : "";
    const char *key = e->key ? e->key : "";
    size_t cn = strlen(canon);
    int same = key_is_folded(canon, cn, key, &fold, &sc);
    if (same < 0) {
      *rc = -1;
      break;
    }
    int k = !same;
    put_varint(b, (uint64_t)cn * 2 + (uint64_t)k, rc);
    put_bytes(b, canon, cn, rc);
    if (k)
      put_string(b, key, rc);
  }
  dp_strbuf_free(&fold);
  dp_text_scratch_free(&sc);
}

/* zlib allocations of an encoder: the blocks deflateEnd frees are kept, by
 * size, for the next deflateCopy (ENC_POOL of them: a stream has five), so
 * that readying a stream for a record costs copying the primed one, not
 * fresh mallocs of 64 KB blocks. Each block is preceded by its size. */
#define ENC_POOL 8
#define ENC_HDR 16 /* keeps malloc's alignment */

typedef struct enc_pool {
  void *blk[ENC_POOL]; /* free blocks (NULL = empty slot) */
} enc_pool;

static voidpf enc_alloc(voidpf opaque, uInt items, uInt size) {
  enc_pool *p = opaque;
  size_t n = (size_t)items * size;
  for (int i = 0; i < ENC_POOL; i++) {
    size_t *b = p->blk[i];
    if (b && *b == n) {
      p->blk[i] = NULL;
      return (char *)b + ENC_HDR;
    }
  }
  size_t *b = malloc(n + ENC_HDR);
  if (!b)
    return Z_NULL;
  *b = n;
  return (char *)b + ENC_HDR;
}

static void enc_free(voidpf opaque, voidpf a) {
  enc_pool *p = opaque;
  void *b = (char *)a - ENC_HDR;
  for (int i = 0; i < ENC_POOL; i++) {
    if (!p->blk[i]) {
      p->blk[i] = b;
      return;
    }
  }
  free(b);
}

struct dp_record_encoder {
  z_stream zs;
  int ready;       /* zs initialised (deflateInit2 or deflateCopy) */
  z_stream primed; /* dictionary set, never fed: copied into zs for each
                      record of a dictionary method (deflateCopy: a few
                      memcpy instead of hashing the 9 KB dictionary again,
                      -35% of the time of a typical record) */
  int primed_ready;
  enc_pool pool; /* blocks of zs and primed (zalloc/zfree) */
};

int dp_record_encoder_new(dp_record_encoder **out) {
  *out = calloc(1, sizeof **out);
  return *out ? 0 : -1;
}

static void encoder_release(dp_record_encoder *enc) {
  if (enc->ready)
    deflateEnd(&enc->zs);
  enc->ready = 0;
  if (enc->primed_ready)
    deflateEnd(&enc->primed);
  enc->primed_ready = 0;
  for (int i = 0; i < ENC_POOL; i++) {
    free(enc->pool.blk[i]);
    enc->pool.blk[i] = NULL;
  }
}

void dp_record_encoder_free(dp_record_encoder *enc) {
  if (!enc)
    return;
  encoder_release(enc);
  free(enc);
}

static int encoder_init(dp_record_encoder *enc, z_stream *zs) {
  memset(zs, 0, sizeof *zs);
  zs->zalloc = enc_alloc;
  zs->zfree = enc_free;
  zs->opaque = &enc->pool;
  return deflateInit2(zs, DP_RECORD_LEVEL, Z_DEFLATED, -DP_RECORD_WINDOW_BITS,
                      DP_RECORD_MEM_LEVEL, Z_DEFAULT_STRATEGY) == Z_OK
             ? 0
             : -1;
}

/* Readies enc->zs for a new stream: deflateInit2 the first time, then
 * deflateReset, which keeps the allocations. */
static int encoder_start(dp_record_encoder *enc) {
  if (enc->ready)
    return deflateReset(&enc->zs) == Z_OK ? 0 : -1;
  if (encoder_init(enc, &enc->zs) != 0)
    return -1;
  enc->ready = 1;
  return 0;
}

/* Readies enc->zs for a new stream with dict[0, dlen) set: the same state
 * as deflateReset + deflateSetDictionary (so the same output), copied from
 * enc->primed, which is set up the first time. */
static int encoder_start_dict(dp_record_encoder *enc, const unsigned char *dict,
                              size_t dlen) {
  if (!enc->primed_ready) {
    if (encoder_init(enc, &enc->primed) != 0)
      return -1;
    enc->primed_ready = 1;
    if (deflateSetDictionary(&enc->primed, dict, (uInt)dlen) != Z_OK)
      return -1;
  }
  if (enc->ready)
    deflateEnd(&enc->zs);
  enc->ready = 0;
  if (deflateCopy(&enc->zs, &enc->primed) != Z_OK)
    return -1;
  enc->ready = 1;
  return 0;
}

int dp_record_encode(const dp_record *r, unsigned char **out, size_t *outlen,
                     char **errmsg) {
  dp_record_encoder tmp = {0};
  int rc = dp_record_encode_with(&tmp, r, out, outlen, errmsg);
  encoder_release(&tmp);
  return rc;
}

int dp_record_encode_with(dp_record_encoder *enc, const dp_record *r,
                          unsigned char **out, size_t *outlen, char **errmsg) {
  int rc = 0;
  buf pl = {0}, res = {0};
  *out = NULL;
  *outlen = 0;
  for (size_t i = 0; i < r->n_entities; i++) {
    if (r->entities[i].end < r->entities[i].start ||
        r->entities[i].field > DP_FIELD_BODY || r->entities[i].type > 3) {
      set_err(errmsg, "record: invalid entity");
      return -1;
    }
  }
  size_t dlen = 0;
  const unsigned char *dict = dict1(&dlen);
  encode_payload(r, dict ? 2 : 1, &pl, &rc);
  int method = !dict                          ? METHOD_DEFLATE
               : pl.n < DP_RECORD_MIN_DEFLATE ? METHOD_STORED
                                              : METHOD_DEFLATE_DICT1_E2;
  if (!rc && pl.n < DP_RECORD_MIN_DEFLATE) {
    /* too short for deflate: stored, in layout 1 */
    pl.n = 0;
    encode_payload(r, 1, &pl, &rc);
    method = METHOD_STORED;
  }
  put_byte(&res, DP_RECORD_VERSION, &rc);
  put_byte(&res, (unsigned)method, &rc);
  put_varint(&res, pl.n, &rc);
  if (!rc && method != METHOD_STORED) {
    z_stream *zs = &enc->zs;
    if ((method == METHOD_DEFLATE_DICT1_E2 ? encoder_start_dict(enc, dict, dlen)
                                           : encoder_start(enc)) != 0) {
      rc = -1;
    } else {
      uLong bound = deflateBound(zs, (uLong)pl.n);
      buf_reserve(&res, bound, &rc);
      if (!rc) {
        zs->next_in = pl.p;
        zs->avail_in = (uInt)pl.n;
        zs->next_out = res.p + res.n;
        zs->avail_out = (uInt)(res.cap - res.n);
        if (deflate(zs, Z_FINISH) != Z_STREAM_END)
          rc = -1;
        else
          res.n += zs->total_out;
      }
    }
    if (rc) /* a stream left in an unknown state is started afresh */
      encoder_release(enc);
  } else {
    put_bytes(&res, pl.p, pl.n, &rc);
  }
  free(pl.p);
  if (rc) {
    free(res.p);
    set_err(errmsg, "record: out of memory while encoding");
    return -1;
  }
  *out = res.p;
  *outlen = res.n;
  return 0;
}

/* ---- decode ---- */

void dp_record_free(dp_record *r) {
  if (!r)
    return;
  free(r->id);
  free(r->title);
  free(r->date);
  free(r->source);
  free(r->url);
  free(r->path);
  free(r->author);
  free(r->lead);
  free(r->body);
  for (size_t i = 0; i < r->n_entities; i++) {
    free(r->entities[i].canonical);
    free(r->entities[i].key);
  }
  free(r->entities);
  free(r);
}

/* Copies p[0,n) into a new NUL-terminated string (NULL: no memory). */
static char *str_dup(const unsigned char *p, size_t n) {
  char *s = malloc(n + 1);
  if (s) {
    memcpy(s, p, n);
    s[n] = 0;
  }
  return s;
}

/* Reads a "string" field. Returns 0, -1 corrupt, -2 out of memory. */
static int get_string(rd *r, char **out) {
  uint64_t n;
  if (get_varint(r, &n) || n > (uint64_t)(r->e - r->p))
    return -1;
  if (!(*out = str_dup(r->p, (size_t)n)))
    return -2;
  r->p += n;
  return 0;
}

/* The keys of layout 2 that decode_payload folded: a record's entity list
 * repeats the same few names, so a canonical already folded in this record
 * is looked up (a linear scan over the first FOLD_SEEN distinct ones) and
 * its key copied instead of folded again. */
#define FOLD_SEEN 64

typedef struct folds {
  struct {
    const char *canon; /* NUL-terminated canonical (the entity's) */
    size_t len;        /* its length */
    const char *key;   /* its folded key (the entity's) */
    size_t klen;       /* the key's length */
  } seen[FOLD_SEEN];
  size_t n;           /* entries of seen */
  dp_strbuf out;      /* the key being folded */
  dp_text_scratch sc; /* code points for the folding */
} folds;

/* U+00C0..U+00FF folded as dp_text_fold folds them: 'a' for À..Å,
 * '*' for Æ æ ("ae"), 0 for the characters left to utf8proc (Ð Ø Þ ß × and
 * their lower-case forms: no decomposition, or a longer case fold). */
static const char latin1_tab[64] = {
    'a', 'a', 'a', 'a', 'a', 'a', '*', 'c', 'e', 'e', 'e', 'e', 'i',
    'i', 'i', 'i', 0,   'n', 'o', 'o', 'o', 'o', 'o', 0,   0,   'u',
    'u', 'u', 'u', 'y', 0,   0,   'a', 'a', 'a', 'a', 'a', 'a', '*',
    'c', 'e', 'e', 'e', 'e', 'i', 'i', 'i', 'i', 0,   'n', 'o', 'o',
    'o', 'o', 'o', 0,   0,   'u', 'u', 'u', 'u', 'y', 0,   'y'};

/* dp_text_fold of c[0,cn) into out by table when c holds only ASCII, the
 * accented Latin-1 letters of latin1_tab and œ Œ (almost every canonical
 * name), written at out->s + at (at <= out->len), NUL-terminated: out->len
 * is then at + its length. Returns 1 when done, 0 when c holds anything
 * else (fold it with dp_text_fold; out->len is unchanged), -1 when out of
 * memory. */
static int fold_latin1_at(const char *c, size_t cn, dp_strbuf *out, size_t at) {
  if (dp_strbuf_reserve(out, cn) != 0)
    return -1;
  const unsigned char *p = (const unsigned char *)c;
  char *o = out->s + at;
  for (size_t i = 0; i < cn; i++) {
    unsigned char b = p[i];
    if (b < 0x80) {
      *o++ = (char)(b >= 'A' && b <= 'Z' ? b + 32 : b);
      continue;
    }
    if (i + 1 >= cn || (p[i + 1] & 0xc0) != 0x80)
      return 0;
    unsigned char d = p[i + 1];
    if (b == 0xc3 && latin1_tab[d - 0x80]) {
      char f = latin1_tab[d - 0x80];
      if (f == '*') { /* æ: two bytes in, two out */
        *o++ = 'a';
        f = 'e';
      }
      *o++ = f;
    } else if (b == 0xc5 && (d == 0x92 || d == 0x93)) { /* Œ œ */
      *o++ = 'o';
      *o++ = 'e';
    } else {
      return 0;
    }
    i++;
  }
  *o = 0;
  out->len = (size_t)(o - out->s);
  return 1;
}

/* fold_latin1_at at the start of out (the folded key alone in out). */
static int fold_latin1(const char *c, size_t cn, dp_strbuf *out) {
  return fold_latin1_at(c, cn, out, 0);
}

/* The folded key of canonical c[0,cn), malloc'd, or NULL (no memory). */
static char *fold_key(folds *f, const char *c, size_t cn) {
  for (size_t j = 0; j < f->n; j++)
    if (f->seen[j].len == cn && memcmp(f->seen[j].canon, c, cn) == 0)
      return str_dup((const unsigned char *)f->seen[j].key, f->seen[j].klen);
  int fast = fold_latin1(c, cn, &f->out);
  if (fast < 0 || (!fast && dp_text_fold(&f->sc, c, cn, &f->out) != 0))
    return NULL;
  char *k = str_dup((const unsigned char *)f->out.s, f->out.len);
  if (k && f->n < FOLD_SEEN) {
    f->seen[f->n].canon = c;
    f->seen[f->n].len = cn;
    f->seen[f->n].key = k;
    f->seen[f->n++].klen = f->out.len;
  }
  return k;
}

/* Returns 0, -1 corrupt, -2 out of memory. */
static int decode_payload(rd *in, int layout, dp_record *r, folds *fo) {
  char **fields[] = {&r->id,   &r->title,  &r->date, &r->source, &r->url,
                     &r->path, &r->author, &r->lead, &r->body};
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
    int e = get_string(in, fields[i]);
    if (e)
      return e;
  }
  uint64_t n;
  if (get_varint(in, &n))
    return -1;
  /* each entity takes at least 6 bytes (layout 2: 4): a cheap bound
   * against absurd n */
  if (n > (uint64_t)(in->e - in->p) / (layout == 1 ? 6 : 4))
    return -1;
  if (n) {
    r->entities = calloc((size_t)n, sizeof *r->entities);
    if (!r->entities)
      return -2;
  }
  uint32_t prev[DP_FIELD_BODY + 1] = {0};
  for (uint64_t i = 0; i < n; i++) {
    dp_record_entity *e = &r->entities[i];
    r->n_entities = (size_t)i + 1;
    uint64_t start, len;
    if (in->e - in->p < (layout == 1 ? 2 : 1))
      return -1;
    if (layout == 1) {
      e->field = *in->p++;
      e->type = *in->p++;
    } else {
      e->field = *in->p >> 2;
      e->type = *in->p++ & 3;
    }
    if (e->field > DP_FIELD_BODY || e->type > 3)
      return -1;
    if (get_varint(in, &start) || get_varint(in, &len))
      return -1;
    if (layout == 2) {
      int64_t s = (int64_t)prev[e->field] + unzigzag(start);
      if (start > (uint64_t)UINT32_MAX * 2 || s < 0 || s > UINT32_MAX)
        return -1;
      start = (uint64_t)s;
      prev[e->field] = (uint32_t)s;
    }
    if (start > UINT32_MAX || len > UINT32_MAX - start)
      return -1;
    e->start = (uint32_t)start;
    e->end = (uint32_t)(start + len);
    if (layout == 1) {
      int rc = get_string(in, &e->canonical);
      if (!rc)
        rc = get_string(in, &e->key);
      if (rc)
        return rc;
      continue;
    }
    uint64_t c;
    if (get_varint(in, &c) || c / 2 > (uint64_t)(in->e - in->p))
      return -1;
    size_t cn = (size_t)(c / 2);
    if (!(e->canonical = str_dup(in->p, cn)))
      return -2;
    in->p += cn;
    if (c & 1) {
      int rc = get_string(in, &e->key);
      if (rc)
        return rc;
    } else if (!(e->key = fold_key(fo, e->canonical, cn))) {
      return -2;
    }
  }
  return in->p == in->e ? 0 : -1;
}

struct dp_record_decoder {
  z_stream zs;               /* inflate stream, reset for each record */
  int ready;                 /* zs initialised by inflateInit2 */
  unsigned char *pl;         /* payload buffer, kept when small */
  size_t plcap;              /* its size */
  folds fo;                  /* folding scratch */
  const unsigned char *dict; /* dict1(), looked up once */
  size_t dlen;               /* its length */
  int dict_known;            /* dict and dlen are set */
  /* dp_record_decode_block: the keys it folded (NUL-terminated, one after
   * the other), where each entity's key is in there (SIZE_MAX: stored in
   * the record), and the canonicals already folded in this record */
  dp_strbuf kbuf;
  size_t *koff;
  size_t kcap;
  struct {
    const unsigned char *canon; /* in the payload */
    size_t len;
    size_t off; /* its key in kbuf */
  } bseen[FOLD_SEEN];
  size_t nbseen;
#ifdef DEPECHE_HAVE_LIBDEFLATE
  /* libdeflate (whole-buffer inflate, about twice as fast as zlib's) has
   * no preset dictionaries: the record's raw deflate stream is decoded
   * after a stored block holding the dictionary (lin = that block, then
   * the record's bytes), which puts the dictionary right before the
   * payload in pl, where the record's back-references find it */
  struct libdeflate_decompressor *ld; /* created on first use */
  unsigned char *lin;                 /* stored block of dict + the record */
  size_t lincap;                      /* its size */
  size_t lpre;                        /* bytes of the stored block */
  const unsigned char *ldict;         /* the dictionary it holds, or NULL */
#endif
};

/* Payload buffers up to this size are kept by a decoder for the next
 * record; bigger ones are freed at once. */
#define DECODER_KEEP_MAX ((size_t)1 << 20)

int dp_record_decoder_new(dp_record_decoder **out) {
  *out = calloc(1, sizeof **out);
  return *out ? 0 : -1;
}

static void decoder_release(dp_record_decoder *dec) {
  if (dec->ready)
    inflateEnd(&dec->zs);
  dec->ready = 0;
#ifdef DEPECHE_HAVE_LIBDEFLATE
  if (dec->ld)
    libdeflate_free_decompressor(dec->ld);
  dec->ld = NULL;
  free(dec->lin);
  dec->lin = NULL;
  dec->lincap = 0;
  dec->lpre = 0;
  dec->ldict = NULL;
#endif
  free(dec->pl);
  dec->pl = NULL;
  dec->plcap = 0;
  dp_strbuf_free(&dec->fo.out);
  dp_text_scratch_free(&dec->fo.sc);
  dp_strbuf_free(&dec->kbuf);
  free(dec->koff);
  dec->koff = NULL;
  dec->kcap = 0;
}

void dp_record_decoder_free(dp_record_decoder *dec) {
  if (!dec)
    return;
  decoder_release(dec);
  free(dec);
}

/* Makes room for n bytes in dec->pl. 0 or -2 (no memory). */
static int decoder_room(dp_record_decoder *dec, size_t n) {
  if (dec->plcap >= n)
    return 0;
  free(dec->pl);
  dec->plcap = 0;
  if (!(dec->pl = malloc(n)))
    return -2;
  dec->plcap = n;
  return 0;
}

#ifdef DEPECHE_HAVE_LIBDEFLATE
/* As decoder_inflate below, with libdeflate: a stream that libdeflate
 * decodes to exactly dlen + plen bytes (the stored dictionary, then the
 * payload) using all of its input is accepted, as zlib accepts one that
 * inflates to exactly plen bytes using all of its input.
 * libdeflate decodes in a fast loop only while INFLATE_SLACK bytes of
 * output room and a few dozen bytes of input are left (its last bytes take
 * a slower, checked loop): the output gets INFLATE_SLACK bytes of room
 * beyond the payload, and a stream copied behind the dictionary LD_IN_PAD
 * zero bytes after it. Neither changes what is accepted: a stream that
 * writes into the room ends at got > dlen + plen, one that reads into the
 * zeros (which libdeflate supplies anyway past the end of its input) at
 * used > its length, and both are rejected. */
static int decoder_inflate_ld(dp_record_decoder *dec, const unsigned char *in,
                              size_t inlen, const unsigned char *dict,
                              size_t dlen, size_t plen,
                              const unsigned char **payload) {
  if (!dec->ld && !(dec->ld = libdeflate_alloc_decompressor()))
    return -2;
  const unsigned char *src = in;
  size_t srclen = inlen, pre = 0;
  if (dict) {
    /* stored blocks of at most 65535 bytes, not final: a raw deflate
     * stream starts on a byte boundary, as the record's does after them */
    pre = dlen + 5 * (dlen / 65535 + 1);
    if (dec->lincap < pre + inlen + LD_IN_PAD) {
      unsigned char *nb = malloc(pre + inlen + LD_IN_PAD);
      if (!nb)
        return -2;
      free(dec->lin);
      dec->lin = nb;
      dec->lincap = pre + inlen + LD_IN_PAD;
      dec->ldict = NULL;
    }
    if (dec->ldict != dict || dec->lpre != pre) {
      unsigned char *o = dec->lin;
      size_t left = dlen;
      const unsigned char *d = dict;
      do {
        size_t n = left < 65535 ? left : 65535;
        *o++ = 0; /* BFINAL 0, BTYPE 00 (stored), padding */
        *o++ = (unsigned char)(n & 0xff);
        *o++ = (unsigned char)(n >> 8);
        *o++ = (unsigned char)(~n & 0xff);
        *o++ = (unsigned char)((~n >> 8) & 0xff);
        memcpy(o, d, n);
        o += n;
        d += n;
        left -= n;
      } while (left > 0);
      dec->lpre = pre = (size_t)(o - dec->lin);
      dec->ldict = dict;
    }
    pre = dec->lpre;
    memcpy(dec->lin + pre, in, inlen);
    memset(dec->lin + pre + inlen, 0, LD_IN_PAD);
    src = dec->lin;
    srclen = pre + inlen;
  } else {
    dlen = 0;
  }
  if (decoder_room(dec, dlen + plen + INFLATE_SLACK))
    return -2;
  size_t used = 0, got = 0;
  enum libdeflate_result r = libdeflate_deflate_decompress_ex(
      dec->ld, src, srclen + (dict ? LD_IN_PAD : 0), dec->pl,
      dlen + plen + INFLATE_SLACK, &used, &got);
  if (r != LIBDEFLATE_SUCCESS || got != dlen + plen || used != srclen)
    return -1;
  *payload = dec->pl + dlen;
  return 0;
}
#endif

/* Inflates the raw deflate stream in[0,inlen) (with the preset dictionary
 * dict when not NULL) into dec->pl (*payload: where the bytes start),
 * which must inflate to exactly plen bytes. The stream is initialised the
 * first time, then only reset, which keeps its state and 32 KB window
 * allocated. Returns 0, -1 corrupt, -2 no memory. */
static int decoder_inflate(dp_record_decoder *dec, const unsigned char *in,
                           size_t inlen, const unsigned char *dict, size_t dlen,
                           size_t plen, const unsigned char **payload) {
#ifdef DEPECHE_HAVE_LIBDEFLATE
  return decoder_inflate_ld(dec, in, inlen, dict, dlen, plen, payload);
#else
  /* INFLATE_SLACK more bytes of room let inflate take its fast path to the
   * end of the output (it wants 258 free bytes); a stream longer than plen
   * is still caught by the total_out check */
  if (decoder_room(dec, plen + INFLATE_SLACK))
    return -2;
  z_stream *zs = &dec->zs;
  if (!dec->ready) {
    memset(zs, 0, sizeof *zs);
    if (inflateInit2(zs, -15) != Z_OK)
      return -2;
    dec->ready = 1;
  } else if (inflateReset(zs) != Z_OK) {
    return -1;
  }
  if (dict && inflateSetDictionary(zs, dict, (uInt)dlen) != Z_OK)
    return -1;
  zs->next_in = (unsigned char *)in;
  zs->avail_in = (uInt)inlen;
  zs->next_out = dec->pl;
  zs->avail_out = (uInt)(plen + INFLATE_SLACK);
  int zr = inflate(zs, Z_FINISH);
  if (zr == Z_MEM_ERROR)
    return -2;
  if (zr != Z_STREAM_END || zs->total_out != plen || zs->avail_in != 0)
    return -1;
  *payload = dec->pl;
  return 0;
#endif
}

/* The header of record p[0,len): checks the version byte, reads the method
 * and the payload length *plen, sets *dict to d1 when the method needs the
 * preset dictionary (else NULL) and *body to the bytes after the header.
 * Returns 0, or -1 with *errmsg set. */
static int read_header(const unsigned char *p, size_t len,
                       const unsigned char *d1, unsigned *method,
                       uint64_t *plen, const unsigned char **dict, rd *body,
                       char **errmsg) {
  if (len < 3 || !p) {
    set_err(errmsg, "corrupt record: too short");
    return -1;
  }
  if (p[0] != DP_RECORD_VERSION) {
    if (errmsg)
      *errmsg = dp_strfmt("unknown record version %u (this build reads %d)",
                          p[0], DP_RECORD_VERSION);
    return -1;
  }
  *method = p[1];
  *body = (rd){p + 2, p + len};
  *dict = *method == METHOD_DEFLATE_DICT1 || *method == METHOD_DEFLATE_DICT1_E2
              ? d1
              : NULL;
  if (get_varint(body, plen) ||
      (*method != METHOD_STORED && *method != METHOD_DEFLATE && !*dict)) {
    set_err(errmsg, "corrupt record: bad header");
    return -1;
  }
  return 0;
}

int dp_record_decode(const void *data, size_t len, dp_record **out,
                     char **errmsg) {
  dp_record_decoder tmp;
  memset(&tmp, 0, sizeof tmp);
  int rc = dp_record_decode_with(&tmp, data, len, out, errmsg);
  decoder_release(&tmp);
  return rc;
}

/* The payload of record data[0,len) (*payload, *plen: inflated into
 * dec->pl, or the stored bytes) and its entity layout (1 or 2). Returns 0,
 * or -1 with *errmsg set. */
static int payload_of(dp_record_decoder *dec, const void *data, size_t len,
                      const unsigned char **payload, uint64_t *plen,
                      int *layout, char **errmsg) {
  const unsigned char *p = data;
  if (!dec->dict_known) {
    dec->dict = dict1(&dec->dlen);
    dec->dict_known = 1;
  }
  size_t dlen = dec->dlen;
  unsigned method;
  const unsigned char *dict;
  rd hdr;
  if (read_header(p, len, dec->dict, &method, plen, &dict, &hdr, errmsg))
    return -1;
  size_t rest = (size_t)(hdr.e - hdr.p);
  *payload = hdr.p;
  *layout = method == METHOD_DEFLATE_DICT1_E2 ? 2 : 1;
  if (method == METHOD_STORED) {
    if (*plen != rest) {
      set_err(errmsg, "corrupt record: bad length");
      return -1;
    }
    return 0;
  }
  /* deflate expands at most ~1032:1; reject absurd claims before malloc */
  if (*plen > (uint64_t)rest * 1040 + 64 || rest > UINT_MAX ||
      *plen > (uint64_t)UINT_MAX - INFLATE_SLACK) {
    set_err(errmsg, "corrupt record: bad length");
    return -1;
  }
  const unsigned char *pl = NULL;
  int zr = decoder_inflate(dec, hdr.p, rest, dict, dlen, (size_t)*plen, &pl);
  if (zr) {
    if (zr == -2) /* a stream left half-initialised is started afresh */
      decoder_release(dec);
    set_err(errmsg, zr == -2 ? "record: out of memory"
                             : "corrupt record: bad compressed data");
    return -1;
  }
  *payload = pl;
  return 0;
}

/* Frees the buffers of dec that grew too big to keep. */
static void decoder_trim(dp_record_decoder *dec) {
  if (dec->plcap > DECODER_KEEP_MAX) {
    free(dec->pl);
    dec->pl = NULL;
    dec->plcap = 0;
  }
#ifdef DEPECHE_HAVE_LIBDEFLATE
  if (dec->lincap > DECODER_KEEP_MAX) {
    free(dec->lin);
    dec->lin = NULL;
    dec->lincap = 0;
    dec->ldict = NULL;
  }
#endif
}

int dp_record_decode_with(dp_record_decoder *dec, const void *data, size_t len,
                          dp_record **out, char **errmsg) {
  *out = NULL;
  const unsigned char *payload;
  uint64_t plen;
  int layout;
  if (payload_of(dec, data, len, &payload, &plen, &layout, errmsg))
    return -1;
  dp_record *r = calloc(1, sizeof *r);
  int rc = -2;
  if (r) {
    rd in = {payload, payload + plen};
    dec->fo.n = 0;
    rc = decode_payload(&in, layout, r, &dec->fo);
  }
  decoder_trim(dec);
  if (rc) {
    dp_record_free(r);
    set_err(errmsg, rc == -2 ? "record: out of memory" : "corrupt record");
    return -1;
  }
  *out = r;
  return 0;
}

/* ---- the whole record in one block ---- */

/* Reads a "string" field: *s, *n. 0 or -1 (corrupt). */
static int get_span(rd *r, const unsigned char **s, size_t *n) {
  uint64_t v;
  if (get_varint(r, &v) || v > (uint64_t)(r->e - r->p))
    return -1;
  *s = r->p;
  *n = (size_t)v;
  r->p += v;
  return 0;
}

/* Pass 1 of dp_record_decode_block: checks the payload in[...] exactly as
 * decode_payload does, and counts the entities (*nent) and the bytes of
 * the strings (*bytes, NULs included); folds the keys that layout 2 leaves
 * implicit into dec->kbuf (dec->koff[i]: where, SIZE_MAX when stored).
 * Returns 0, -1 corrupt, -2 out of memory. */
static int block_measure(rd in, int layout, dp_record_decoder *dec,
                         size_t *nent, size_t *bytes) {
  size_t total = 0;
  for (int f = 0; f < 9; f++) {
    const unsigned char *sp;
    size_t sn;
    if (get_span(&in, &sp, &sn))
      return -1;
    total += sn + 1;
  }
  uint64_t n;
  if (get_varint(&in, &n))
    return -1;
  if (n > (uint64_t)(in.e - in.p) / (layout == 1 ? 6 : 4))
    return -1;
  if (n > dec->kcap) {
    size_t *v = realloc(dec->koff, (size_t)n * sizeof *v);
    if (!v)
      return -2;
    dec->koff = v;
    dec->kcap = (size_t)n;
  }
  dec->kbuf.len = 0;
  dec->nbseen = 0;
  uint32_t prev[DP_FIELD_BODY + 1] = {0};
  for (uint64_t i = 0; i < n; i++) {
    uint64_t start, elen;
    unsigned field, type;
    if (in.e - in.p < (layout == 1 ? 2 : 1))
      return -1;
    if (layout == 1) {
      field = *in.p++;
      type = *in.p++;
    } else {
      field = *in.p >> 2;
      type = *in.p++ & 3;
    }
    if (field > DP_FIELD_BODY || type > 3)
      return -1;
    if (get_varint(&in, &start) || get_varint(&in, &elen))
      return -1;
    if (layout == 2) {
      int64_t st = (int64_t)prev[field] + unzigzag(start);
      if (start > (uint64_t)UINT32_MAX * 2 || st < 0 || st > UINT32_MAX)
        return -1;
      start = (uint64_t)st;
      prev[field] = (uint32_t)st;
    }
    if (start > UINT32_MAX || elen > UINT32_MAX - start)
      return -1;
    dec->koff[i] = SIZE_MAX;
    const unsigned char *sp;
    size_t sn;
    if (layout == 1) {
      if (get_span(&in, &sp, &sn))
        return -1;
      total += sn + 1;
      if (get_span(&in, &sp, &sn))
        return -1;
      total += sn + 1;
      continue;
    }
    uint64_t c;
    if (get_varint(&in, &c) || c / 2 > (uint64_t)(in.e - in.p))
      return -1;
    size_t cn = (size_t)(c / 2);
    const unsigned char *canon = in.p;
    in.p += cn;
    total += cn + 1;
    if (c & 1) {
      if (get_span(&in, &sp, &sn))
        return -1;
      total += sn + 1;
      continue;
    }
    size_t j = 0; /* folded already in this record? */
    while (j < dec->nbseen && !(dec->bseen[j].len == cn &&
                                memcmp(dec->bseen[j].canon, canon, cn) == 0))
      j++;
    if (j < dec->nbseen) {
      dec->koff[i] = dec->bseen[j].off;
      total += strlen(dec->kbuf.s + dec->koff[i]) + 1;
      continue;
    }
    /* folded straight into kbuf by table, else through fo.out */
    size_t off = dec->kbuf.len;
    int fast = fold_latin1_at((const char *)canon, cn, &dec->kbuf, off);
    if (fast < 0 || (!fast && (dp_text_fold(&dec->fo.sc, (const char *)canon,
                                            cn, &dec->fo.out) != 0 ||
                               dp_strbuf_append(&dec->kbuf, dec->fo.out.s,
                                                dec->fo.out.len) != 0)))
      return -2;
    dec->kbuf.len++; /* the NUL (dp_strbuf keeps one after len) */
    dec->koff[i] = off;
    total += dec->kbuf.len - off;
    if (dec->nbseen < FOLD_SEEN) {
      dec->bseen[dec->nbseen].canon = canon;
      dec->bseen[dec->nbseen].len = cn;
      dec->bseen[dec->nbseen++].off = off;
    }
  }
  if (in.p != in.e)
    return -1;
  *nent = (size_t)n;
  *bytes = total;
  return 0;
}

/* Copies s[0,n) and a NUL to *p, returns the copy and advances *p. */
static char *put_str(char **p, const void *s, size_t n) {
  char *d = *p;
  if (n)
    memcpy(d, s, n);
  d[n] = '\0';
  *p = d + n + 1;
  return d;
}

/* Pass 2: fills r (its entity array set) from a payload block_measure
 * accepted, strings at *p onward. */
static void block_fill(rd in, int layout, const dp_record_decoder *dec,
                       dp_record *r, char *p) {
  char **fields[] = {&r->id,   &r->title,  &r->date, &r->source, &r->url,
                     &r->path, &r->author, &r->lead, &r->body};
  const unsigned char *sp = NULL;
  size_t sn = 0;
  for (size_t f = 0; f < sizeof fields / sizeof *fields; f++) {
    get_span(&in, &sp, &sn);
    *fields[f] = put_str(&p, sp, sn);
  }
  uint64_t n = 0, start = 0, elen = 0, c = 0;
  get_varint(&in, &n);
  uint32_t prev[DP_FIELD_BODY + 1] = {0};
  for (uint64_t i = 0; i < n; i++) {
    dp_record_entity *e = &r->entities[i];
    if (layout == 1) {
      e->field = *in.p++;
      e->type = *in.p++;
    } else {
      e->field = *in.p >> 2;
      e->type = *in.p++ & 3;
    }
    get_varint(&in, &start);
    get_varint(&in, &elen);
    if (layout == 2) {
      start = (uint64_t)((int64_t)prev[e->field] + unzigzag(start));
      prev[e->field] = (uint32_t)start;
    }
    e->start = (uint32_t)start;
    e->end = (uint32_t)(start + elen);
    if (layout == 1) {
      get_span(&in, &sp, &sn);
      e->canonical = put_str(&p, sp, sn);
      get_span(&in, &sp, &sn);
      e->key = put_str(&p, sp, sn);
      continue;
    }
    get_varint(&in, &c);
    e->canonical = put_str(&p, in.p, (size_t)(c / 2));
    in.p += c / 2;
    if (c & 1) {
      get_span(&in, &sp, &sn);
      e->key = put_str(&p, sp, sn);
    } else {
      const char *k = dec->kbuf.s + dec->koff[i];
      e->key = put_str(&p, k, strlen(k));
    }
  }
}

int dp_record_decode_block(dp_record_decoder *dec, const void *data, size_t len,
                           dp_record **out, char **errmsg) {
  *out = NULL;
  const unsigned char *payload;
  uint64_t plen;
  int layout;
  if (payload_of(dec, data, len, &payload, &plen, &layout, errmsg))
    return -1;
  rd in = {payload, payload + plen};
  size_t nent = 0, bytes = 0;
  int rc = block_measure(in, layout, dec, &nent, &bytes);
  dp_record *r = NULL;
  if (rc == 0) {
    size_t head = sizeof *r + nent * sizeof(dp_record_entity);
    r = malloc(head + bytes);
    if (!r) {
      rc = -2;
    } else {
      memset(r, 0, sizeof *r);
      r->entities = nent ? (dp_record_entity *)(r + 1) : NULL;
      r->n_entities = nent;
      block_fill(in, layout, dec, r, (char *)r + head);
    }
  }
  decoder_trim(dec);
  if (rc) {
    set_err(errmsg, rc == -2 ? "record: out of memory" : "corrupt record");
    return -1;
  }
  *out = r;
  return 0;
}

/* ---- the id alone ---- */

/* Parses the id at the start of payload p[0,n): 1 when complete (*id
 * malloc'd, or -2 rc on no memory), 0 when more bytes are needed (*need
 * says how many in all), -1 when corrupt (longer than plen). */
static int id_from_prefix(const unsigned char *p, size_t n, uint64_t plen,
                          size_t *need, char **id) {
  rd r = {p, p + n};
  uint64_t len;
  if (get_varint(&r, &len)) {
    if (n >= 10 || n >= plen)
      return -1; /* a varint is at most 10 bytes, within the payload */
    *need = n + 1;
    return 0;
  }
  size_t head = (size_t)(r.p - p);
  if (len > plen - head)
    return -1;
  *need = head + (size_t)len;
  if (n < *need)
    return 0;
  char *s = malloc((size_t)len + 1);
  if (!s)
    return -2;
  memcpy(s, r.p, (size_t)len);
  s[len] = 0;
  *id = s;
  return 1;
}

int dp_record_decode_id(const void *data, size_t len, char **id,
                        char **errmsg) {
  const unsigned char *p = data;
  *id = NULL;
  size_t dlen = 0;
  const unsigned char *d1 = dict1(&dlen), *dict;
  unsigned method;
  uint64_t plen;
  rd hdr;
  if (read_header(p, len, d1, &method, &plen, &dict, &hdr, errmsg))
    return -1;
  size_t rest = (size_t)(hdr.e - hdr.p), need = 0;
  int rc;
  if (method == METHOD_STORED) {
    rc = plen != rest ? -1 : id_from_prefix(hdr.p, rest, plen, &need, id);
    if (rc == 0)
      rc = -1; /* the whole payload is there: an id cut short */
  } else if (plen > (uint64_t)rest * 1040 + 64) {
    rc = -1;
  } else {
    /* inflate a few bytes at a time until the id is complete */
    unsigned char small[64], *buf = small;
    size_t cap = sizeof small, have = 0;
    need = plen < 16 ? (size_t)plen : 16;
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    rc = inflateInit2(&zs, -15) == Z_OK ? 0 : -2;
    if (rc == 0 && dict && inflateSetDictionary(&zs, dict, (uInt)dlen) != Z_OK)
      rc = -1;
    zs.next_in = (unsigned char *)hdr.p;
    zs.avail_in = (uInt)rest;
    while (rc == 0) {
      if (need > cap) {
        unsigned char *nb = malloc(need);
        if (!nb) {
          rc = -2;
          break;
        }
        memcpy(nb, buf, have);
        if (buf != small)
          free(buf);
        buf = nb;
        cap = need;
      }
      zs.next_out = buf + have;
      zs.avail_out = (uInt)(need - have);
      int zr = inflate(&zs, Z_SYNC_FLUSH);
      size_t got = need - have - zs.avail_out;
      have += got;
      if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
        rc = -1;
        break;
      }
      if (have < need) {
        if (zr == Z_STREAM_END || got == 0)
          rc = -1; /* the stream ends (or stalls) before the id does */
        continue;
      }
      rc = id_from_prefix(buf, have, plen, &need, id);
      if (rc == 0 && need > plen)
        rc = -1;
    }
    inflateEnd(&zs);
    if (buf != small)
      free(buf);
  }
  if (rc == 1)
    rc = 0;
  if (rc) {
    set_err(errmsg,
            rc == -2 ? "record: out of memory" : "corrupt record: bad id");
    return -1;
  }
  return 0;
}
