/* util.c — small helpers of the indexer: messages, strings, hashing, an
 * id -> hash map, folding of names for keys, Xapian-safe terms. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dpi.h"
#include "text.h"

char *dpi_strdup0(const char *s) {
  return dp_strndup(s ? s : "", s ? strlen(s) : 0);
}

int dpi_str_add(dpi_str *s, const char *b, size_t n) {
  if (s->n + n + 1 > s->cap) {
    size_t cap = s->cap ? s->cap : 64;
    while (cap < s->n + n + 1)
      cap *= 2;
    char *p = realloc(s->p, cap);
    if (!p)
      return -1;
    s->p = p;
    s->cap = cap;
  }
  if (n)
    memcpy(s->p + s->n, b, n);
  s->n += n;
  s->p[s->n] = 0;
  return 0;
}

int dpi_str_addc(dpi_str *s, char c) {
  return dpi_str_add(s, &c, 1);
}

int dpi_str_adds(dpi_str *s, const char *z) {
  return dpi_str_add(s, z, strlen(z));
}

void dpi_str_free(dpi_str *s) {
  free(s->p);
  s->p = NULL;
  s->n = s->cap = 0;
}

uint64_t dpi_hash64(uint64_t h, const void *p, size_t n) {
  const unsigned char *c = p;
  for (size_t i = 0; i < n; i++) {
    h ^= c[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

/* ---- id map ---- */

static size_t idmap_slot(const dpi_idmap *m, const char *key) {
  uint64_t h = dpi_hash64(DPI_HASH_INIT, key, strlen(key));
  size_t i = (size_t)(h ^ (h >> 29)) & (m->cap - 1);
  while (m->keys[i] && strcmp(m->keys[i], key) != 0)
    i = (i + 1) & (m->cap - 1);
  return i;
}

static int idmap_grow(dpi_idmap *m) {
  size_t cap = m->cap ? m->cap * 2 : 1024;
  dpi_idmap n = {calloc(cap, sizeof(char *)), calloc(cap, sizeof(uint64_t)), 0,
                 cap};
  if (!n.keys || !n.vals) {
    free(n.keys);
    free(n.vals);
    return -1;
  }
  for (size_t i = 0; i < m->cap; i++) {
    if (!m->keys[i])
      continue;
    size_t j = idmap_slot(&n, m->keys[i]);
    n.keys[j] = m->keys[i];
    n.vals[j] = m->vals[i];
    n.n++;
  }
  free(m->keys);
  free(m->vals);
  *m = n;
  return 0;
}

int dpi_idmap_put(dpi_idmap *m, const char *key, uint64_t val) {
  if ((m->n + 1) * 2 > m->cap && idmap_grow(m))
    return -1;
  size_t i = idmap_slot(m, key);
  if (!m->keys[i]) {
    m->keys[i] = dpi_strdup0(key);
    if (!m->keys[i])
      return -1;
    m->n++;
  }
  m->vals[i] = val;
  return 0;
}

int dpi_idmap_get(const dpi_idmap *m, const char *key, uint64_t *val) {
  if (!m->cap)
    return 0;
  size_t i = idmap_slot(m, key);
  if (!m->keys[i])
    return 0;
  if (val)
    *val = m->vals[i];
  return 1;
}

void dpi_idmap_free(dpi_idmap *m) {
  for (size_t i = 0; i < m->cap; i++)
    free(m->keys[i]);
  free(m->keys);
  free(m->vals);
  memset(m, 0, sizeof *m);
}

/* ---- folding ---- */

char *dpi_fold(const char *s, size_t len) {
  char *f = dp_text_fold_dup(s, len);
  if (!f)
    return NULL;
  /* collapse runs of white space (incl. no-break spaces, folded by NFKC
   * to U+0020) and trim */
  char *w = f;
  int space = 1;
  for (const char *r = f; *r; r++) {
    int sp = *r == ' ' || *r == '\t' || *r == '\n' || *r == '\r';
    if (sp) {
      if (!space)
        *w++ = ' ';
      space = 1;
    } else {
      *w++ = *r;
      space = 0;
    }
  }
  if (w > f && w[-1] == ' ')
    w--;
  *w = 0;
  return f;
}

#define DPI_MAX_TERM 240

char *dpi_make_term(const char *prefix, const char *value) {
  size_t pl = strlen(prefix), vl = strlen(value);
  if (pl + vl <= DPI_MAX_TERM)
    return dp_strfmt("%s%s", prefix, value);
  size_t keep = DPI_MAX_TERM - pl - 17;
  while (keep > 0 && ((unsigned char)value[keep] & 0xc0) == 0x80)
    keep--;
  uint64_t h = dpi_hash64(DPI_HASH_INIT, value, vl);
  return dp_strfmt("%s%.*s#%016llx", prefix, (int)keep, value,
                   (unsigned long long)h);
}

int dpi_parse_size(const char *s, uint64_t *out) {
  uint64_t v = 0;
  const char *p = s;
  if (*p < '0' || *p > '9')
    return -1;
  for (; *p >= '0' && *p <= '9'; p++) {
    if (v > (UINT64_MAX - 9) / 10)
      return -1;
    v = v * 10 + (uint64_t)(*p - '0');
  }
  unsigned shift = 0;
  switch (*p) {
  case 'k':
  case 'K':
    shift = 10;
    p++;
    break;
  case 'm':
  case 'M':
    shift = 20;
    p++;
    break;
  case 'g':
  case 'G':
    shift = 30;
    p++;
    break;
  default: break;
  }
  if (shift && *p == 'i')
    p++;
  if (*p == 'b' || *p == 'B')
    p++;
  if (*p || (shift && v > (UINT64_MAX >> shift)))
    return -1;
  *out = v << shift;
  return 0;
}

void dpi_format_size(uint64_t n, char out[32]) {
  static const char units[] = "GMK";
  for (int i = 0; i < 3; i++) {
    unsigned shift = (unsigned)(30 - 10 * i);
    if (n && n % ((uint64_t)1 << shift) == 0) {
      snprintf(out, 32, "%llu%c", (unsigned long long)(n >> shift), units[i]);
      return;
    }
  }
  snprintf(out, 32, "%llu bytes", (unsigned long long)n);
}
