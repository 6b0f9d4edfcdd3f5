/* test_record.c — the stored record (common/record.c): round trips of a
 * table of records, and corruption is an error, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "record.h"
#include "record_craft.h"

static dp_record_entity ents[] = {
    {DP_FIELD_TITLE, 1, 0, 5, "APT31", "apt31"},
    {DP_FIELD_BODY, 2, 120, 130, "États-Unis", "etats-unis"},
    {DP_FIELD_LEAD, 0, 3, 13, "Joe Biden", "joe biden"},
    /* a key that is not the folded canonical, and a mention before the
     * previous one of its field */
    {DP_FIELD_BODY, 3, 40, 54, "Coupe du monde", "coupe monde"},
    {DP_FIELD_BODY, 3, 60, 60, "", ""},
};

static char long_body[20000];

/* One row per record shape: empty, short (stored), long (deflated),
 * with entities, with NULL strings. */
static const struct {
  const char *name;
  dp_record r;
} table[] = {
    {"empty", {0}},
    {"short", {"a", "T", "2024-01-02", "S", "u", "p", "au", "l", "b", NULL, 0}},
    {"french",
     {"id-1", "APT31 vise le ministère", "2024-03-12", "Agence France Dépêche",
      "https://example.org/x", "corpus/a.txt", "", "Le chapô.",
      "Le ministère de la Défense a confirmé « mardi » l’attaque.", ents, 5}},
    {"long", {"big", "Titre", "", "", "", "", "", "", long_body, ents, 1}},
};

static void assert_str_or_empty(const char *want, const char *got) {
  assert_non_null(got);
  assert_string_equal(want ? want : "", got);
}

static void test_roundtrip_table(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
    const dp_record *r = &table[i].r;
    unsigned char *buf = NULL;
    size_t len = 0;
    char *err = NULL;
    assert_int_equal(dp_record_encode(r, &buf, &len, &err), 0);
    assert_true(len >= 3);
    assert_int_equal(buf[0], DP_RECORD_VERSION);
    dp_record *d = NULL;
    assert_int_equal(dp_record_decode(buf, len, &d, &err), 0);
    assert_str_or_empty(r->id, d->id);
    assert_str_or_empty(r->title, d->title);
    assert_str_or_empty(r->date, d->date);
    assert_str_or_empty(r->source, d->source);
    assert_str_or_empty(r->url, d->url);
    assert_str_or_empty(r->path, d->path);
    assert_str_or_empty(r->author, d->author);
    assert_str_or_empty(r->lead, d->lead);
    assert_str_or_empty(r->body, d->body);
    assert_int_equal(d->n_entities, r->n_entities);
    for (size_t k = 0; k < r->n_entities; k++) {
      assert_int_equal(d->entities[k].field, r->entities[k].field);
      assert_int_equal(d->entities[k].type, r->entities[k].type);
      assert_int_equal(d->entities[k].start, r->entities[k].start);
      assert_int_equal(d->entities[k].end, r->entities[k].end);
      assert_string_equal(d->entities[k].canonical, r->entities[k].canonical);
      assert_string_equal(d->entities[k].key, r->entities[k].key);
    }
    dp_record_free(d);
    free(buf);
  }
}

static void test_long_text_is_compressed(void **state) {
  (void)state;
  unsigned char *buf = NULL;
  size_t len = 0;
  assert_int_equal(dp_record_encode(&table[3].r, &buf, &len, NULL), 0);
  assert_true(len < strlen(long_body) / 4);
  free(buf);
}

/* One encoder reused for every record, twice over and in both orders
 * (long after short, short after long, a rejected record in between),
 * gives byte for byte what a fresh dp_record_encode gives. */
static void test_reused_encoder_same_bytes(void **state) {
  (void)state;
  dp_record_encoder *enc = NULL;
  assert_int_equal(dp_record_encoder_new(&enc), 0);
  dp_record_entity bad = {DP_FIELD_BODY, 2, 10, 5, "X", "x"};
  dp_record invalid = {0};
  invalid.entities = &bad;
  invalid.n_entities = 1;
  size_t n = sizeof table / sizeof *table;
  for (size_t k = 0; k < 4 * n; k++) {
    size_t i = k < 2 * n ? k % n : n - 1 - k % n;
    unsigned char *want = NULL, *got = NULL;
    size_t wl = 0, gl = 0;
    assert_int_equal(dp_record_encode(&table[i].r, &want, &wl, NULL), 0);
    assert_int_equal(dp_record_encode_with(enc, &table[i].r, &got, &gl, NULL),
                     0);
    assert_int_equal(gl, wl);
    assert_memory_equal(got, want, wl);
    free(want);
    free(got);
    if (k == n) {
      char *err = NULL;
      assert_int_equal(dp_record_encode_with(enc, &invalid, &got, &gl, &err),
                       -1);
      assert_non_null(err);
      free(err);
    }
  }
  dp_record_encoder_free(enc);
  dp_record_encoder_free(NULL);
}

/* Every truncation and every single-byte change of a valid record decodes
 * to an error or to a record, never to a crash or a leak. */
static void test_corruption_never_crashes(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
    unsigned char *buf = NULL;
    size_t len = 0;
    assert_int_equal(dp_record_encode(&table[i].r, &buf, &len, NULL), 0);
    size_t step = len > 2000 ? len / 200 : 1;
    for (size_t cut = 0; cut < len; cut += step) {
      dp_record *d = NULL;
      char *err = NULL;
      int rc = dp_record_decode(buf, cut, &d, &err);
      assert_int_equal(rc, -1);
      assert_null(d);
      assert_non_null(err);
      free(err);
    }
    for (size_t pos = 0; pos < len; pos += step) {
      for (int flip = 1; flip < 256; flip <<= 1) {
        unsigned char *c = malloc(len);
        memcpy(c, buf, len);
        c[pos] ^= (unsigned char)flip;
        dp_record *d = NULL;
        char *err = NULL;
        if (dp_record_decode(c, len, &d, &err) == 0) {
          assert_non_null(d->body);
          dp_record_free(d);
        } else {
          assert_null(d);
          free(err);
        }
        free(c);
      }
    }
    free(buf);
  }
}

/* Records of method 1 (raw deflate, no dictionary) stay readable: take a
 * stored record (method 0, short payload), deflate its payload. */
static void test_method1_readable(void **state) {
  (void)state;
  dp_record small = {0};
  small.id = "x1";
  small.body = "Un texte court.";
  unsigned char *sb = NULL;
  size_t sl = 0;
  assert_int_equal(dp_record_encode(&small, &sb, &sl, NULL), 0);
  unsigned char out[512];
  size_t len = craft_deflated(sb, sl, 1, out, sizeof out);
  dp_record *d = NULL;
  char *err = NULL;
  assert_int_equal(dp_record_decode(out, len, &d, &err), 0);
  assert_string_equal(d->id, "x1");
  assert_string_equal(d->body, "Un texte court.");
  dp_record_free(d);
  free(sb);
  /* and a long record is written with the dictionary and the entity
   * list in layout 2 (method 3) */
  unsigned char *buf = NULL;
  assert_int_equal(dp_record_encode(&table[2].r, &buf, &len, NULL), 0);
  assert_int_equal(buf[1], 3);
  free(buf);
}

/* Records of method 2 (dictionary, entity list in layout 1, as written
 * before method 3) stay readable: deflate a stored record's payload (layout
 * 1) with the dictionary. */
static void test_method2_readable(void **state) {
  (void)state;
  dp_record_entity e[] = {{DP_FIELD_BODY, 0, 3, 8, "Biden", "biden"},
                          {DP_FIELD_BODY, 1, 0, 2, "UE", "union europeenne"}};
  dp_record small = {0};
  small.id = "x";
  small.body = "UE Biden";
  small.entities = e;
  small.n_entities = 2;
  unsigned char *sb = NULL;
  size_t sl = 0;
  assert_int_equal(dp_record_encode(&small, &sb, &sl, NULL), 0);
  assert_int_equal(sb[1], 0); /* stored, layout 1 */
  unsigned char out[512];
  size_t len = craft_deflated(sb, sl, 2, out, sizeof out);
  dp_record *r = NULL;
  char *err = NULL;
  assert_int_equal(dp_record_decode(out, len, &r, &err), 0);
  assert_string_equal(r->body, "UE Biden");
  assert_int_equal(r->n_entities, 2);
  assert_string_equal(r->entities[1].canonical, "UE");
  assert_string_equal(r->entities[1].key, "union europeenne");
  assert_int_equal(r->entities[0].start, 3);
  dp_record_free(r);
  free(sb);
}

static void test_unknown_version(void **state) {
  (void)state;
  unsigned char v2[] = {2, 0, 0};
  dp_record *d = NULL;
  char *err = NULL;
  assert_int_equal(dp_record_decode(v2, sizeof v2, &d, &err), -1);
  assert_non_null(strstr(err, "unknown record version 2"));
  free(err);
  assert_int_equal(dp_record_decode(NULL, 0, &d, NULL), -1);
}

static void test_bad_entity_rejected(void **state) {
  (void)state;
  dp_record_entity bad = {DP_FIELD_BODY, 9, 0, 1, "x", "x"};
  dp_record r = {0};
  r.entities = &bad;
  r.n_entities = 1;
  unsigned char *buf = NULL;
  size_t len = 0;
  char *err = NULL;
  assert_int_equal(dp_record_encode(&r, &buf, &len, &err), -1);
  assert_null(buf);
  free(err);
}

int main(void) {
  for (size_t i = 0; i + 1 < sizeof long_body; i++)
    long_body[i] = "Le ministère de la Défense a confirmé mardi. "[i % 45];
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roundtrip_table),
      cmocka_unit_test(test_long_text_is_compressed),
      cmocka_unit_test(test_reused_encoder_same_bytes),
      cmocka_unit_test(test_corruption_never_crashes),
      cmocka_unit_test(test_method1_readable),
      cmocka_unit_test(test_method2_readable),
      cmocka_unit_test(test_unknown_version),
      cmocka_unit_test(test_bad_entity_rejected),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
