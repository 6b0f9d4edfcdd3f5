/* snippet.c — passage choice and highlighting (see snippet.h). */
#include "snippet.h"

#include <stdlib.h>
#include <string.h>

#include "sbuf.h"

/* ------------------------------------------------------------------ */
/* Highlight spec                                                      */
/* ------------------------------------------------------------------ */

static int grow(void **v, size_t *cap, size_t n, size_t size) {
  if (n < *cap) return 0;
  size_t c = *cap ? *cap * 2 : 8;
  void *p = realloc(*v, c * size);
  if (!p) return -1;
  *v = p;
  *cap = c;
  return 0;
}

long dps_hl_add_term(dps_hl *h, dps_hl_kind kind, const char *text,
                     double weight) {
  for (size_t i = 0; i < h->nterms; i++)
    if (h->terms[i].kind == kind && strcmp(h->terms[i].text, text) == 0) {
      if (weight > h->terms[i].weight) h->terms[i].weight = weight;
      return (long)i;
    }
  if (grow((void **)&h->terms, &h->capterms, h->nterms, sizeof *h->terms))
    return -1;
  char *t = dps_strndup(text, strlen(text));
  if (!t) return -1;
  h->terms[h->nterms].text = t;
  h->terms[h->nterms].kind = kind;
  h->terms[h->nterms].weight = weight > 0 ? weight : 1.0;
  return (long)h->nterms++;
}

int dps_hl_add_phrase(dps_hl *h, const size_t *terms, const uint32_t *pos,
                      size_t n) {
  if (n == 0) return 0;
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
  char *k = dps_strndup(key, strlen(key));
  if (!k) return -1;
  h->ents[h->nents].type = type;
  h->ents[h->nents].key = k;
  h->ents[h->nents].weight = weight > 0 ? weight : 1.0;
  h->nents++;
  return 0;
}

void dps_hl_free(dps_hl *h) {
  if (!h) return;
  for (size_t i = 0; i < h->nterms; i++) free(h->terms[i].text);
  for (size_t i = 0; i < h->nphrases; i++) {
    free(h->phrases[i].term);
    free(h->phrases[i].pos);
  }
  for (size_t i = 0; i < h->nents; i++) free(h->ents[i].key);
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
} hit;

typedef struct hits {
  hit *v;
  size_t n, cap;
} hits;

static int tok_match(const dp_token *t, const dps_hl_term *q) {
  switch (q->kind) {
  case DPS_HL_STEM: return strcmp(t->stem, q->text) == 0;
  case DPS_HL_EXACT: return strcmp(t->term, q->text) == 0;
  case DPS_HL_PREFIX:
    return strncmp(t->term, q->text, strlen(q->text)) == 0;
  }
  return 0;
}

static int hit_add(hits *H, hit h) {
  if (grow((void **)&H->v, &H->cap, H->n, sizeof *H->v)) return -1;
  H->v[H->n++] = h;
  return 0;
}

static int hit_cmp(const void *a, const void *b) {
  const hit *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  if (x->end != y->end) return x->end > y->end ? -1 : 1;
  return 0;
}

/* Index of the token containing or following byte off. */
static size_t tok_at(const dp_tokens *T, size_t off) {
  size_t lo = 0, hi = T->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (T->v[mid].end <= off) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* All hits of hl in one analysed text. */
static int find_hits(hits *H, const dps_hl *hl, const dp_tokens *T,
                     const dps_text *tx, const dp_record_entity *ents,
                     size_t nents) {
  int has_exact = 0;
  for (size_t j = 0; j < hl->nterms; j++)
    if (hl->terms[j].kind != DPS_HL_STEM) has_exact = 1;
  for (size_t i = 0; i < T->n; i++) {
    const dp_token *t = &T->v[i];
    if (t->flags & DP_TOK_FURNITURE) continue;
    if ((t->flags & DP_TOK_STOP) && !has_exact) continue;
    for (size_t j = 0; j < hl->nterms; j++) {
      if (tok_match(t, &hl->terms[j])) {
        hit h = {t->start, t->end, i, i, j, hl->terms[j].weight};
        if (hit_add(H, h)) return -1;
        break;
      }
    }
  }
  /* phrases: every word at its relative position */
  for (size_t p = 0; p < hl->nphrases; p++) {
    const dps_hl_phrase *ph = &hl->phrases[p];
    for (size_t i = 0; i < T->n; i++) {
      const dp_token *t = &T->v[i];
      if ((t->flags & (DP_TOK_JOINED | DP_TOK_FURNITURE)) ||
          !tok_match(t, &hl->terms[ph->term[0]]))
        continue;
      size_t last = i, k;
      double w = hl->terms[ph->term[0]].weight;
      for (k = 1; k < ph->n; k++) {
        uint32_t want = t->pos + ph->pos[k] - ph->pos[0];
        size_t j = last + 1;
        while (j < T->n && T->v[j].pos < want) j++;
        while (j < T->n && T->v[j].pos == want &&
               ((T->v[j].flags & DP_TOK_JOINED) ||
                !tok_match(&T->v[j], &hl->terms[ph->term[k]])))
          j++;
        if (j >= T->n || T->v[j].pos != want) break;
        last = j;
        w += hl->terms[ph->term[k]].weight;
      }
      if (k < ph->n) continue;
      hit h = {t->start, T->v[last].end, i, last,
               hl->nterms + hl->nents + p, w * 0.5};
      if (hit_add(H, h)) return -1;
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
      if (ta >= T->n) break;
      while (tb + 1 < T->n && T->v[tb + 1].end <= m->end) tb++;
      if (T->v[ta].flags & DP_TOK_FURNITURE) break;
      hit h = {m->start, m->end, ta, tb, hl->nterms + q, hl->ents[q].weight};
      if (hit_add(H, h)) return -1;
      break;
    }
  }
  if (H->n > 1) qsort(H->v, H->n, sizeof *H->v, hit_cmp);
  return 0;
}

/* ------------------------------------------------------------------ */
/* Passages                                                            */
/* ------------------------------------------------------------------ */

static size_t nchars(const char *s, size_t a, size_t b) {
  size_t c = 0;
  for (size_t i = a; i < b; i++)
    if (((unsigned char)s[i] & 0xc0) != 0x80) c++;
  return c;
}

typedef struct field_state {
  const dps_text *tx;
  dp_tokens toks;
  hits H;
} field_state;

typedef struct passage {
  size_t field; /* index into the field states */
  size_t ta, tb; /* token range */
  size_t start, end; /* bytes */
  double score;
} passage;

/* The best window of hits in field f not overlapping chosen passages;
 * used[g] > 0 for groups already shown. */
static int best_window(const field_state *F, size_t f, const passage *chosen,
                       size_t nchosen, const double *used, double *seen,
                       size_t ngroups, size_t budget, passage *out) {
  const hits *H = &F->H;
  const char *s = F->tx->text;
  int found = 0;
  size_t hn = H->n > 4000 ? 4000 : H->n;
  for (size_t i = 0; i < hn; i++) {
    int clash = 0;
    for (size_t c = 0; c < nchosen; c++)
      if (chosen[c].field == f && H->v[i].start < chosen[c].end &&
          H->v[i].end > chosen[c].start)
        clash = 1;
    if (clash) continue;
    memset(seen, 0, ngroups * sizeof *seen);
    double score = 0;
    size_t end = H->v[i].end, tb = H->v[i].tb;
    for (size_t j = i; j < hn; j++) {
      const hit *h = &H->v[j];
      if (j > i) {
        size_t e = h->end > end ? h->end : end;
        if (nchars(s, H->v[i].start, e) > budget) break;
        int cl = 0;
        for (size_t c = 0; c < nchosen; c++)
          if (chosen[c].field == f && h->start < chosen[c].end &&
              h->end > chosen[c].start)
            cl = 1;
        if (cl) break;
      }
      double w = h->weight * (used[h->group] > 0 ? 0.25 : 1.0);
      if (seen[h->group] == 0) score += w;
      else if (seen[h->group] < 3) score += 0.15 * w;
      seen[h->group] += 1;
      if (h->end > end) end = h->end;
      if (h->tb > tb) tb = h->tb;
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
  if (t->flags & DP_TOK_FURNITURE) return 0;
  for (size_t c = 0; c < nall; c++) {
    if (c == self || all[c].field != all[self].field) continue;
    if (t->start < all[c].end + 1 && t->end + 1 > all[c].start) return 0;
  }
  return 1;
}

/* Grows passage p (token range) to about budget characters. */
static void expand(const field_state *F, passage *all, size_t nall,
                   size_t self, size_t budget, double before) {
  passage *p = &all[self];
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
      if (c > want) break;
      want -= c;
      ta--;
      if (T->v[ta].flags & DP_TOK_SENT_START) break;
    }
  }
  /* then to the right, then left again with what is left */
  for (;;) {
    used = nchars(s, T->v[ta].start, T->v[tb].end);
    if (tb + 1 < T->n && tok_free(F, tb + 1, all, nall, self) &&
        used + nchars(s, T->v[tb].end, T->v[tb + 1].end) <= budget) {
      tb++;
      continue;
    }
    if (ta > 0 && tok_free(F, ta - 1, all, nall, self) &&
        used + nchars(s, T->v[ta - 1].start, T->v[ta].start) <= budget) {
      ta--;
      continue;
    }
    break;
  }
  /* do not end on the first words of a new sentence */
  for (size_t k = tb; tb + 1 < T->n && k > core_tb; k--) {
    if (!(T->v[k].flags & DP_TOK_SENT_START)) continue;
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
  p->ta = ta;
  p->tb = tb;
  /* bytes: whole words with their attached punctuation */
  size_t a = T->v[ta].start, b = T->v[tb].end, len = F->tx->len;
  size_t lim = a > 12 ? a - 12 : 0;
  while (a > lim && s[a - 1] != ' ' && s[a - 1] != '\n' && s[a - 1] != '\t' &&
         s[a - 1] != '\r' && (ta == 0 || a > T->v[ta - 1].end))
    a--;
  while (a < len && ((unsigned char)s[a] & 0xc0) == 0x80) a++;
  lim = b + 12 < len ? b + 12 : len;
  while (b < lim && s[b] != ' ' && s[b] != '\n' && s[b] != '\t' &&
         s[b] != '\r' && (tb + 1 >= T->n || b < T->v[tb + 1].start))
    b++;
  /* French spacing: "mot :" "mot »" */
  if (b + 1 < len && s[b] == ' ' && strchr(":;!?", s[b + 1]) &&
      (tb + 1 >= T->n || b + 1 < T->v[tb + 1].start))
    b += 2;
  while (b < len && ((unsigned char)s[b] & 0xc0) == 0x80) b++;
  p->start = a;
  p->end = b;
}

static int pass_cmp(const void *x, const void *y) {
  const passage *a = x, *b = y;
  if (a->field != b->field) return a->field < b->field ? -1 : 1;
  return a->start < b->start ? -1 : a->start > b->start;
}

static int span_cmp(const void *x, const void *y) {
  const dps_span *a = x, *b = y;
  if (a->start != b->start) return a->start < b->start ? -1 : 1;
  return a->end < b->end ? -1 : a->end > b->end;
}

/* Sorts and merges overlapping spans in place; returns the new count. */
static size_t merge_spans(dps_span *v, size_t n) {
  if (n < 2) return n;
  qsort(v, n, sizeof *v, span_cmp);
  size_t o = 0;
  for (size_t i = 1; i < n; i++) {
    if (v[i].start <= v[o].end) {
      if (v[i].end > v[o].end) v[o].end = v[i].end;
    } else {
      v[++o] = v[i];
    }
  }
  return o + 1;
}

/* Appends text bytes with control characters shown as spaces. */
static void add_clean(dps_buf *b, const char *s, size_t n) {
  size_t from = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == 0x7f) {
      dps_buf_add(b, s + from, i - from);
      dps_buf_putc(b, ' ');
      from = i + 1;
    }
  }
  dps_buf_add(b, s + from, n - from);
}

static const char ELLIPSIS[] = "\xe2\x80\xa6"; /* … */

void dps_snippet_free(dps_snippet *s) {
  if (!s) return;
  free(s->text);
  free(s->spans);
  memset(s, 0, sizeof *s);
}

int dps_snippet_make(dps_snippet *out, dp_analyzer *a, const dps_hl *hl,
                     const dps_text *texts, size_t ntexts,
                     const dp_record_entity *ents, size_t nents,
                     const dps_snip_opts *o, char **errmsg) {
  memset(out, 0, sizeof *out);
  if (errmsg) *errmsg = NULL;
  dps_snip_opts opts = DPS_SNIP_OPTS_INIT;
  if (o) opts = *o;
  if (opts.passages == 0) opts.passages = 1;
  if (opts.passages > 16) opts.passages = 16;
  if (opts.chars < 20) opts.chars = 20;
  size_t ngroups = hl->nterms + hl->nents + hl->nphrases + 1;
  field_state *F = calloc(ntexts ? ntexts : 1, sizeof *F);
  double *used = calloc(ngroups, sizeof *used);
  double *seen = calloc(ngroups, sizeof *seen);
  passage chosen[16];
  size_t nch = 0;
  dps_buf b = {0};
  dps_span *spans = NULL;
  size_t nspans = 0, capspans = 0;
  int rc = -1;
  if (!F || !used || !seen) goto done;
  for (size_t f = 0; f < ntexts; f++) {
    F[f].tx = &texts[f];
    if (!texts[f].text || texts[f].len == 0) continue;
    if (dp_analyze(a, texts[f].text, texts[f].len, 0, &F[f].toks) ==
        (uint32_t)-1)
      goto done;
    if (find_hits(&F[f].H, hl, &F[f].toks, &texts[f], ents, nents)) goto done;
  }
  /* choose passages, best first */
  while (nch < opts.passages) {
    passage best = {0};
    int found = 0;
    for (size_t f = 0; f < ntexts; f++) {
      passage p = {0};
      if (best_window(&F[f], f, chosen, nch, used, seen, ngroups, opts.chars,
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
      size_t k = 0;
      while (k < T->n && (T->v[k].flags & DP_TOK_FURNITURE)) k++;
      if (k >= T->n) continue;
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
    int cut_before = p->ta > 0 && !(T->v[p->ta].flags & DP_TOK_SENT_START);
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
      if (h->end <= p->start || h->start >= p->end) continue;
      size_t s0 = h->start < p->start ? p->start : h->start;
      size_t e0 = h->end > p->end ? p->end : h->end;
      if (grow((void **)&spans, &capspans, nspans, sizeof *spans)) goto done;
      spans[nspans].start = base + s0 - p->start;
      spans[nspans].end = base + e0 - p->start;
      nspans++;
    }
    if (c + 1 == nch && p->tb + 1 < T->n &&
        !(T->v[p->tb + 1].flags & DP_TOK_SENT_START)) {
      dps_buf_putc(&b, ' ');
      dps_buf_puts(&b, ELLIPSIS);
    }
  }
  if (b.oom) goto done;
  out->len = b.len;
  out->text = dps_buf_take(&b);
  if (!out->text) goto done;
  out->nspans = merge_spans(spans, nspans);
  out->spans = spans;
  spans = NULL;
  rc = 0;
done:
  for (size_t f = 0; F && f < ntexts; f++) {
    dp_tokens_free(&F[f].toks);
    free(F[f].H.v);
  }
  free(F);
  free(used);
  free(seen);
  free(spans);
  dps_buf_free(&b);
  if (rc) {
    dps_snippet_free(out);
    if (errmsg) *errmsg = dps_strndup("out of memory", 13);
  }
  return rc;
}

int dps_highlight_all(dps_span **out, size_t *n, dp_analyzer *a,
                      const dps_hl *hl, const dps_text *t,
                      const dp_record_entity *ents, size_t nents) {
  *out = NULL;
  *n = 0;
  if (!t->text || t->len == 0) return 0;
  dp_tokens T = {0};
  hits H = {0};
  int rc = -1;
  if (dp_analyze(a, t->text, t->len, 0, &T) == (uint32_t)-1) goto done;
  if (find_hits(&H, hl, &T, t, ents, nents)) goto done;
  if (H.n) {
    dps_span *v = malloc(H.n * sizeof *v);
    if (!v) goto done;
    for (size_t i = 0; i < H.n; i++) {
      v[i].start = H.v[i].start;
      v[i].end = H.v[i].end;
    }
    *n = merge_spans(v, H.n);
    *out = v;
  }
  rc = 0;
done:
  dp_tokens_free(&T);
  free(H.v);
  return rc;
}

char *dps_render(const char *text, size_t len, const dps_span *spans,
                 size_t n, const char *pre, const char *post, int escape) {
  dps_buf b = {0};
  size_t at = 0;
  for (size_t i = 0; i < n; i++) {
    size_t s = spans[i].start, e = spans[i].end;
    if (s < at || e > len || s >= e) continue;
    if (escape) dps_buf_add_html(&b, text + at, s - at);
    else dps_buf_add(&b, text + at, s - at);
    if (pre) dps_buf_puts(&b, pre);
    if (escape) dps_buf_add_html(&b, text + s, e - s);
    else dps_buf_add(&b, text + s, e - s);
    if (post) dps_buf_puts(&b, post);
    at = e;
  }
  if (escape) dps_buf_add_html(&b, text + at, len - at);
  else dps_buf_add(&b, text + at, len - at);
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
    F.tx = &texts[f];
    if (texts[f].text && texts[f].len &&
        dp_analyze(a, texts[f].text, texts[f].len, 0, &F.toks) !=
            (uint32_t)-1 &&
        find_hits(&F.H, hl, &F.toks, &texts[f], NULL, 0) == 0) {
      passage p = {0};
      if (best_window(&F, 0, NULL, 0, used, seen, ngroups, chars, &p) &&
          p.score > best)
        best = p.score;
    }
    dp_tokens_free(&F.toks);
    free(F.H.v);
  }
  free(used);
  free(seen);
  return best;
}
