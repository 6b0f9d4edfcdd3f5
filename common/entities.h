/* entities.h — named-entity tagging over the analyzer's token stream.
 *
 * Rules, cues and gazetteers (common/data/, compiled in); no ML runtime.
 * Types: PER (persons), ORG (organisations), LOC (places), MISC (others:
 * events, products, threat-actor codes when not clearly an organisation...).
 * Every entity has a display canonical name ("OTAN", "APT31", "Joe Biden",
 * "États-Unis") and a key = folded canonical name ("otan", "apt31",
 * "joe biden", "etats-unis") used in index terms (schema.h XPER/XORG/...).
 */
#ifndef DEPECHE_ENTITIES_H
#define DEPECHE_ENTITIES_H

#include <stddef.h>

#include "analyzer.h"

typedef enum dp_entity_type {
  DP_ENT_PER = 0,
  DP_ENT_ORG = 1,
  DP_ENT_LOC = 2,
  DP_ENT_MISC = 3,
} dp_entity_type;

/* "PER", "ORG", "LOC", "MISC" (static strings). */
const char *dp_entity_type_name(dp_entity_type t);
/* Parses "PER"/"per"/... ; returns -1 when unknown. */
int dp_entity_type_parse(const char *s);

typedef struct dp_entity {
  size_t start; /* byte offset of the mention in the text (after elision) */
  size_t end;   /* one past its last byte */
  dp_entity_type type; /* PER, ORG, LOC or MISC */
  char *canonical;     /* display canonical name (owned by the list: it lies
                          in the list's memory, never free it; valid until
                          dp_entities_clear or dp_entities_free) */
  char *key; /* folded canonical key (owned by the list, as canonical) */
} dp_entity;

/* A growable list; zero-initialise, reuse, free with dp_entities_free. */
typedef struct dp_entities {
  dp_entity *v;
  size_t n;
  size_t cap;
  struct dp_entities_mem *mem; /* private: the entities' strings, and the
                                  scratch memory dp_tag reuses from call to
                                  call with this list (no allocation per
                                  call once it has grown) */
} dp_entities;

/* Empties the list (keeps its memory for reuse: the strings' room and
 * dp_tag's scratch memory, as large as the largest call needed, but for
 * the words of a text of more than ~45,000 tokens, freed after its call). */
void dp_entities_clear(dp_entities *e);
/* Frees everything the list holds; the struct itself is the caller's. */
void dp_entities_free(dp_entities *e);

/* The tagger holds the gazetteers. Creating it parses the compiled-in data
 * once; after creation it is immutable and may be shared by threads. */
typedef struct dp_tagger dp_tagger;

int dp_tagger_new(dp_tagger **out, char **errmsg);
void dp_tagger_free(dp_tagger *t);

/* Appends to *out the entities of text[0,len), given the tokens the analyzer
 * produced for that same text (positions and offsets relative to text).
 * Mentions are in text order and do not overlap. Within one call, a later
 * short form ("Biden") is linked to an earlier full name ("Joe Biden"):
 * tag one article's fields in one call.
 * Returns 0, or -1 on allocation failure. Thread-safe for distinct outs. */
int dp_tag(const dp_tagger *t, const char *text, size_t len,
           const dp_tokens *toks, dp_entities *out);

/* Installs the tagger's word classifier on analyzer a (added for speed,
 * see docs/entities.md "Speed"): the analyzer then computes, once per
 * distinct word, what dp_tag needs to know of a word alone (capitals, cue
 * and gazetteer entry, whether it may start a mention) and stores it in the
 * tokens' flags (DP_TOK_CLASSIFIED), so that dp_tag does no per-token
 * look-up. dp_tag gives the same entities for tokens with or without these
 * bits. t must outlive a's use; a is not thread-safe as before, t stays
 * shareable. The analyzer's tokens are otherwise unchanged. */
void dp_tagger_attach(const dp_tagger *t, dp_analyzer *a);

/* Canonicalises a user-given entity name as the tagger would (alias table,
 * elision, folding): writes the malloc'd key to *key (caller frees) and,
 * when the alias table knows it, its type to *type (else -1). Used by the
 * query parser for entity:, per:, org:, loc:, misc: and by "APT 31"
 * matching. Returns 0, or -1 on allocation failure. */
int dp_entity_canonical_key(const dp_tagger *t, const char *name, size_t len,
                            char **key, int *type);

#endif
