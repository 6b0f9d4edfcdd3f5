/* builder.c — one article to one Xapian document, following schema.h.
 *
 * The title, the lead and the body are laid out in one buffer
 * "title\n\nlead\n\nbody" so that the tagger sees the whole article in one
 * call (a later "Biden" links to an earlier "Joe Biden"), but each field is
 * analysed on its own with positions title 0.., lead and body after a gap
 * of DPI_FIELD_GAP so that phrases never cross fields.
 *
 * Terms per token (furniture tokens, « Lire aussi : … », give none: they
 * stay in the stored text only):
 *   Z<stem>  with position, wdf 1 (+ DP_TITLE_WDF_BOOST in the title);
 *            not for stopwords
 *   <term>   bare folded word, no position, wdf 1; not for stopwords
 *   S<stem>  title stems, no position
 */
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "dpi.h"
#include "record.h"
#include "schema.h"

#define DPI_MAX_TERM_BYTES 240

struct dpi_builder {
  dp_analyzer *an;         /* owned */
  const dp_tagger *tagger; /* shared, not owned (may be NULL) */
  dp_tokens toks;          /* reused token list */
  dp_entities ents;        /* reused entity list */
  dpi_str text;            /* "title\n\nlead\n\nbody" */
  dpi_str term;            /* scratch for prefixed terms */
  dpi_str facet;           /* entity facet value */
  dpi_idmap seen;          /* entity keys already added (per document) */
  dp_record_encoder *enc;  /* owned: one deflate stream for every record */
};

int dpi_builder_new(dpi_builder **out, const dp_tagger *tagger, char **err) {
  dpi_builder *b = calloc(1, sizeof *b);
  if (!b) {
    *err = dp_strfmt("out of memory");
    return -1;
  }
  char *aerr = NULL;
  if (dp_analyzer_new(&b->an, &aerr) != 0) {
    *err = dp_strfmt("cannot create the analyzer: %s", aerr ? aerr : "error");
    free(aerr);
    free(b);
    return -1;
  }
  if (dp_record_encoder_new(&b->enc) != 0) {
    *err = dp_strfmt("out of memory");
    dp_analyzer_free(b->an);
    free(b);
    return -1;
  }
  b->tagger = tagger;
  if (tagger) /* per-word facts for dp_tag, computed in the word cache */
    dp_tagger_attach(tagger, b->an);
  *out = b;
  return 0;
}

void dpi_builder_free(dpi_builder *b) {
  if (!b)
    return;
  dp_analyzer_free(b->an);
  dp_tokens_free(&b->toks);
  dp_entities_free(&b->ents);
  dpi_str_free(&b->text);
  dpi_str_free(&b->term);
  dpi_str_free(&b->facet);
  dpi_idmap_free(&b->seen);
  dp_record_encoder_free(b->enc);
  free(b);
}

static void hash_field(uint64_t *h, const char *s) {
  size_t n = s ? strlen(s) : 0;
  *h = dpi_hash64(*h, s ? s : "", n);
  *h = dpi_hash64(*h, "\x1e", 1); /* field separator: "ab","c" != "a","bc" */
}

/* Bump when the documents built from the same article change (schema,
 * analysis, tagging rules): every article is then seen as changed and
 * rebuilt. The compiled-in data (stop list, gazetteers) is in the hash by
 * its fingerprint, so a new gazetteer entry rebuilds every article once
 * rather than leaving the old ones with the old entities. */
#define DPI_BUILD_SALT "depeche-index build 2"

void dpi_article_hash(const dpi_article *a, const dpi_origin *o, char out[17]) {
  uint64_t h = DPI_HASH_INIT;
  hash_field(&h, DPI_BUILD_SALT);
  hash_field(&h, dp_data_fingerprint());
  hash_field(&h, a->id);
  hash_field(&h, a->title);
  hash_field(&h, a->date);
  hash_field(&h, a->source);
  hash_field(&h, a->url);
  hash_field(&h, a->author);
  hash_field(&h, a->lead);
  hash_field(&h, a->body);
  /* the real path (symlinks resolved), not the path as typed: the same
   * folder given as pr, ./pr or /abs/pr must leave its articles unchanged */
  hash_field(&h, o->abspath);
  static const char hex[] = "0123456789abcdef";
  for (int i = 0; i < 16; i++)
    out[i] = hex[(h >> (60 - 4 * i)) & 15];
  out[16] = 0;
}

/* ---- helpers that do nothing once *rc is set (FTS5 style) ---- */

typedef struct bctx {
  dpi_builder *b;
  xc_doc *doc;
  xc_error xe;
  int rc;
} bctx;

static const char *prefixed(bctx *c, const char *prefix, const char *v) {
  dpi_str *t = &c->b->term;
  t->n = 0;
  if (dpi_str_adds(t, prefix) || dpi_str_adds(t, v)) {
    c->rc = -1;
    return NULL;
  }
  return t->p;
}

static void add_posting(bctx *c, const char *prefix, const char *v,
                        uint32_t pos, uint32_t wdf) {
  if (c->rc || !*v)
    return;
  const char *t = prefixed(c, prefix, v);
  if (!t || c->b->term.n > DPI_MAX_TERM_BYTES)
    return;
  if (xc_doc_add_posting(c->doc, t, pos, wdf, &c->xe))
    c->rc = -1;
}

static void add_term(bctx *c, const char *prefix, const char *v, uint32_t wdf) {
  if (c->rc || !*v)
    return;
  const char *t = prefixed(c, prefix, v);
  if (!t || c->b->term.n > DPI_MAX_TERM_BYTES)
    return;
  if (xc_doc_add_term(c->doc, t, wdf, &c->xe))
    c->rc = -1;
}

/* Boolean term; long values are shortened with a hash (dpi_make_term). */
static void add_bool(bctx *c, const char *prefix, const char *v) {
  if (c->rc || !v || !*v)
    return;
  char *t = dpi_make_term(prefix, v);
  if (!t) {
    c->rc = -1;
    return;
  }
  if (xc_doc_add_boolean_term(c->doc, t, &c->xe))
    c->rc = -1;
  free(t);
}

static void set_value(bctx *c, xc_slot slot, const char *v, size_t n) {
  if (c->rc || !n)
    return;
  if (xc_doc_set_value(c->doc, slot, v, n, &c->xe))
    c->rc = -1;
}

/* Appends a field to the text buffer; *start = its offset. */
static int add_field(dpi_str *t, const char *s, size_t *start, size_t *len) {
  if (t->n && dpi_str_add(t, "\n\n", 2))
    return -1;
  *start = t->n;
  *len = s ? strlen(s) : 0;
  return dpi_str_add(t, s ? s : "", *len);
}

/* Analyses text[start, start+len) and appends its tokens with offsets
 * moved to the whole buffer. Returns the next position or -1. */
static int64_t analyze_field(dpi_builder *b, size_t start, size_t len,
                             uint32_t first_pos) {
  size_t before = b->toks.n;
  uint32_t next =
      dp_analyze(b->an, b->text.p + start, len, first_pos, &b->toks);
  if (next == (uint32_t)-1)
    return -1;
  for (size_t i = before; i < b->toks.n; i++) {
    b->toks.v[i].start += start;
    b->toks.v[i].end += start;
  }
  return next;
}

static char entity_letter(dp_entity_type t) {
  switch (t) {
  case DP_ENT_PER: return 'P';
  case DP_ENT_ORG: return 'O';
  case DP_ENT_LOC: return 'L';
  case DP_ENT_MISC: return 'M';
  }
  return 'M';
}

static const char *entity_prefix(dp_entity_type t) {
  switch (t) {
  case DP_ENT_PER: return DP_PREFIX_PER;
  case DP_ENT_ORG: return DP_PREFIX_ORG;
  case DP_ENT_LOC: return DP_PREFIX_LOC;
  case DP_ENT_MISC: return DP_PREFIX_MISC;
  }
  return DP_PREFIX_MISC;
}

int dpi_build(dpi_builder *b, const dpi_article *a, const dpi_origin *o,
              const char *hash, xc_doc **out, dpi_idmap *spelling, char **err) {
  bctx c = {b, NULL, XC_ERROR_INIT, 0};
  dp_record rec = {0};
  unsigned char *data = NULL;
  size_t datalen = 0;
  *out = NULL;

  /* 1. the text and its tokens */
  size_t f_start[3], f_len[3];
  b->text.n = 0;
  dp_tokens_clear(&b->toks);
  dp_entities_clear(&b->ents);
  if (add_field(&b->text, a->title, &f_start[0], &f_len[0]) ||
      add_field(&b->text, a->lead, &f_start[1], &f_len[1]) ||
      add_field(&b->text, a->body, &f_start[2], &f_len[2]))
    goto oom;
  size_t f_ntok[3];
  int64_t pos = 0;
  for (int f = 0; f < 3; f++) {
    size_t before = b->toks.n;
    pos = analyze_field(b, f_start[f], f_len[f],
                        f == 0 ? 0 : (uint32_t)pos + DPI_FIELD_GAP);
    if (pos < 0)
      goto oom;
    f_ntok[f] = b->toks.n - before;
  }
  if (b->tagger &&
      dp_tag(b->tagger, b->text.p, b->text.n, &b->toks, &b->ents) != 0)
    goto oom;

  if (xc_doc_new(&c.doc, &c.xe))
    goto xerr;

  /* 2. words */
  size_t ti = 0;
  for (int f = 0; f < 3; f++) {
    uint32_t wdf = f == 0 ? 1 + DP_TITLE_WDF_BOOST : 1;
    for (size_t k = 0; k < f_ntok[f] && !c.rc; k++, ti++) {
      const dp_token *t = &b->toks.v[ti];
      if (t->flags & (DP_TOK_FURNITURE | DP_TOK_STOP))
        continue;
      add_posting(&c, DP_PREFIX_STEM, t->stem, t->pos, wdf);
      add_term(&c, "", t->term, 1);
      if (f == 0)
        add_term(&c, DP_PREFIX_TITLE, t->stem, 1);
      if (spelling && *t->term && !(t->flags & DP_TOK_NUMBER)) {
        uint64_t n = 0;
        dpi_idmap_get(spelling, t->term, &n);
        if (dpi_idmap_put(spelling, t->term, n + 1))
          goto oom;
      }
    }
  }
  if (c.rc)
    goto fail;

  /* 3. metadata terms and values */
  add_bool(&c, DP_PREFIX_ID, a->id);
  if (a->date && strlen(a->date) == 10) {
    char ymd[9], ym[7], y[5];
    memcpy(ymd, a->date, 4);
    memcpy(ymd + 4, a->date + 5, 2);
    memcpy(ymd + 6, a->date + 8, 2);
    ymd[8] = 0;
    memcpy(ym, ymd, 6);
    ym[6] = 0;
    memcpy(y, ymd, 4);
    y[4] = 0;
    add_bool(&c, DP_PREFIX_DATE, ymd);
    add_bool(&c, DP_PREFIX_MONTH, ym);
    add_bool(&c, DP_PREFIX_YEAR, y);
    set_value(&c, DP_SLOT_DATE, ymd, 8);
    set_value(&c, DP_SLOT_MONTH, ym, 6);
  }
  if (a->source && *a->source) {
    char *fs = dpi_fold(a->source, strlen(a->source));
    if (!fs)
      goto oom;
    add_bool(&c, DP_PREFIX_SOURCE, fs);
    set_value(&c, DP_SLOT_SOURCE, fs, strlen(fs));
    free(fs);
  }
  if (o->abspath && *o->abspath) {
    add_bool(&c, DP_PREFIX_PATH, o->abspath);
    set_value(&c, DP_SLOT_PATH, o->abspath, strlen(o->abspath));
  }
  set_value(&c, DP_SLOT_HASH, hash, strlen(hash));
  if (c.rc)
    goto fail;

  /* 4. entities: terms, the facet slot, and the record's mentions */
  if (b->ents.n) {
    rec.entities = calloc(b->ents.n, sizeof *rec.entities);
    if (!rec.entities)
      goto oom;
  }
  b->facet.n = 0;
  for (size_t i = 0; i < b->ents.n && !c.rc; i++) {
    const dp_entity *e = &b->ents.v[i];
    int f = e->start >= f_start[2] ? 2 : e->start >= f_start[1] ? 1 : 0;
    if (e->end > f_start[f] + f_len[f] || e->end < e->start)
      continue;
    dp_record_entity *re = &rec.entities[rec.n_entities++];
    re->field = (uint8_t)f;
    re->type = (uint8_t)e->type;
    re->start = (uint32_t)(e->start - f_start[f]);
    re->end = (uint32_t)(e->end - f_start[f]);
    re->canonical = e->canonical;
    re->key = e->key;
    if (!e->key || !*e->key)
      continue;
    /* one term and one facet key per distinct (type, key) */
    char *fk = dp_strfmt("%c:%s", entity_letter(e->type), e->key);
    if (!fk)
      goto oom;
    if (!dpi_idmap_get(&b->seen, fk, NULL)) {
      if (dpi_idmap_put(&b->seen, fk, 1) ||
          (b->facet.n && dpi_str_addc(&b->facet, DP_MULTI_SEP)) ||
          dpi_str_adds(&b->facet, fk)) {
        free(fk);
        goto oom;
      }
      add_bool(&c, entity_prefix(e->type), e->key);
    }
    free(fk);
  }
  dpi_idmap_free(&b->seen);
  set_value(&c, DP_SLOT_ENTITIES, b->facet.p, b->facet.n);
  if (c.rc)
    goto fail;

  /* 5. the stored record */
  rec.id = a->id;
  rec.title = a->title;
  rec.date = a->date;
  rec.source = a->source;
  rec.url = a->url;
  rec.path = (char *)o->path;
  rec.author = a->author;
  rec.lead = a->lead;
  rec.body = a->body;
  if (dp_record_encode_with(b->enc, &rec, &data, &datalen, err) != 0)
    goto done_err;
  if (xc_doc_set_data(c.doc, (const char *)data, datalen, &c.xe))
    goto xerr;
  free(data);
  free(rec.entities);
  *out = c.doc;
  return 0;

fail:
  if (c.xe.status != XC_OK)
    goto xerr;
oom:
  *err = dp_strfmt("out of memory");
  goto done_err;
xerr:
  *err = dp_strfmt("xapian: %s", xc_error_message(&c.xe));
done_err:
  dpi_idmap_free(&b->seen);
  xc_error_clear(&c.xe);
  xc_doc_free(c.doc);
  free(data);
  free(rec.entities);
  return -1;
}
