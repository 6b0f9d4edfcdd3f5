/* record_craft.h — for the record tests (include after cmocka.h): makes
 * records of the methods the encoder no longer writes but the decoder must
 * still read, from a stored record (method 0) of the same payload; and
 * compares decoded records field by field. */
#ifndef DEPECHE_TEST_RECORD_CRAFT_H
#define DEPECHE_TEST_RECORD_CRAFT_H

#include <string.h>
#include <zlib.h>

#include "data.h"
#include "record.h"

/* Rewrites the stored record stored[0,stlen) (one-byte payload length) as
 * method 1 (raw deflate) or 2 (raw deflate with the preset dictionary
 * record_dict_fr_v1.txt, without its '#' lines and final newline) into
 * out[0,cap); returns its length. Fails the test on any error. */
static size_t craft_deflated(const unsigned char *stored, size_t stlen,
                             unsigned method, unsigned char *out, size_t cap) {
  assert_int_equal(stored[1], 0); /* stored */
  assert_true(stored[2] < 128);   /* one-byte varint length */
  size_t hl = 3, plen = stored[2];
  assert_int_equal(stlen, hl + plen);
  assert_true(cap > hl);
  memcpy(out, stored, hl);
  out[1] = (unsigned char)method;
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY),
                   Z_OK);
  if (method == 2) {
    size_t dn = 0;
    const char *d = dp_data_get("record_dict_fr_v1.txt", &dn);
    assert_non_null(d);
    const char *p = d, *end = d + dn;
    while (p < end && *p == '#')
      p = strchr(p, '\n') + 1;
    if (end > p && end[-1] == '\n')
      end--;
    assert_int_equal(
        deflateSetDictionary(&zs, (const Bytef *)p, (uInt)(end - p)), Z_OK);
  }
  zs.next_in = (Bytef *)stored + hl;
  zs.avail_in = (uInt)plen;
  zs.next_out = out + hl;
  zs.avail_out = (uInt)(cap - hl);
  assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
  size_t len = hl + zs.total_out;
  deflateEnd(&zs);
  return len;
}

/* A decoded string field: never NULL; an absent field decodes as "". */
static inline void assert_same_str(const char *want, const char *got) {
  assert_non_null(got);
  assert_string_equal(want ? want : "", got);
}

/* g decodes w: every field and entity (a key the encoder left out because
 * it is the folded canonical must come back as that). */
static inline void assert_same_record(const dp_record *w, const dp_record *g) {
  assert_same_str(w->id, g->id);
  assert_same_str(w->title, g->title);
  assert_same_str(w->date, g->date);
  assert_same_str(w->source, g->source);
  assert_same_str(w->url, g->url);
  assert_same_str(w->path, g->path);
  assert_same_str(w->author, g->author);
  assert_same_str(w->lead, g->lead);
  assert_same_str(w->body, g->body);
  assert_int_equal(w->n_entities, g->n_entities);
  for (size_t i = 0; i < w->n_entities; i++) {
    const dp_record_entity *a = &w->entities[i], *b = &g->entities[i];
    assert_int_equal(a->field, b->field);
    assert_int_equal(a->type, b->type);
    assert_int_equal(a->start, b->start);
    assert_int_equal(a->end, b->end);
    assert_same_str(a->canonical, b->canonical);
    assert_same_str(a->key, b->key);
  }
}

#endif
