/* entities.c — named-entity tagger (see entities.h). Work in progress. */
#include "entities.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct dp_tagger {
  int unused;
};

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
  if (!s) return -1;
  for (int i = 0; i < 4; i++)
    if (strcasecmp(s, names[i]) == 0) return i;
  return -1;
}

void dp_entities_clear(dp_entities *e) {
  if (!e) return;
  for (size_t i = 0; i < e->n; i++) {
    free(e->v[i].canonical);
    free(e->v[i].key);
  }
  e->n = 0;
}

void dp_entities_free(dp_entities *e) {
  if (!e) return;
  dp_entities_clear(e);
  free(e->v);
  e->v = NULL;
  e->cap = 0;
}

int dp_tagger_new(dp_tagger **out, char **errmsg) {
  if (errmsg) *errmsg = NULL;
  *out = calloc(1, sizeof **out);
  if (!*out) {
    if (errmsg) *errmsg = strdup("out of memory");
    return -1;
  }
  return 0;
}

void dp_tagger_free(dp_tagger *t) { free(t); }

int dp_tag(const dp_tagger *t, const char *text, size_t len,
           const dp_tokens *toks, dp_entities *out) {
  (void)t;
  (void)text;
  (void)len;
  (void)toks;
  (void)out;
  return 0;
}

int dp_entity_canonical_key(const dp_tagger *t, const char *name, size_t len,
                            char **key, int *type) {
  (void)t;
  if (type) *type = -1;
  *key = malloc(len + 1);
  if (!*key) return -1;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)name[i];
    (*key)[i] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
  }
  (*key)[len] = '\0';
  return 0;
}
