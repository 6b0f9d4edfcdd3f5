/* test_record_block.c — dp_record_decode_block (the searcher's decoder: the
 * whole record in one malloc'd block) against dp_record_decode_with: on
 * every kind of entity name (keys folded by table, by utf8proc, shared by
 * the mentions of one name, stored), on random records, on the methods the
 * encoder no longer writes (entity layout 1) and on corrupt data (every
 * truncation, every bit flip), both must accept or reject the same records
 * and give the same fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "record.h"
#include "record_craft.h"
#include "text.h"

/* Decodes data[0,len) both ways (the decoders reused): same verdict, same
 * record. Returns 1 when it decoded. */
static int both(dp_record_decoder *d1, dp_record_decoder *d2,
                const unsigned char *data, size_t len) {
  dp_record *a = NULL, *b = NULL;
  char *ea = NULL, *eb = NULL;
  int ra = dp_record_decode_with(d1, data, len, &a, &ea);
  int rb = dp_record_decode_block(d2, data, len, &b, &eb);
  assert_int_equal(ra, rb);
  if (ra == 0) {
    assert_same_record(a, b);
  } else {
    assert_null(b);
    assert_non_null(eb);
  }
  dp_record_free(a);
  free(b); /* one block */
  free(ea);
  free(eb);
  return ra == 0;
}

static void encode_both(dp_record_decoder *d1, dp_record_decoder *d2,
                        const dp_record *r) {
  unsigned char *buf = NULL;
  size_t len = 0;
  assert_int_equal(dp_record_encode(r, &buf, &len, NULL), 0);
  assert_true(both(d1, d2, buf, len));
  free(buf);
}

static const char *const names[] = {
    "Emmanuel Macron",
    "François Hollande",
    "ÉTATS-UNIS",
    "Île-de-France",
    "Œuvre d'Orient",
    "Cœur de Pirate",
    "ÆGÉE æsthète",
    "Straße",
    "Ørsted",
    "Ðakovo Þingvellir",
    "Sãn Ñandú ÿ Ý",
    "Mu\xcc\x88ller",
    "Москва",
    "Ⅻ ﬁnale ２０２０",
    "Aujourd’hui",
    "soft\xc2\xadhyphen",
    "×÷",
    "",
};

static void test_names(void **state) {
  (void)state;
  dp_record_decoder *d1 = NULL, *d2 = NULL;
  assert_int_equal(dp_record_decoder_new(&d1), 0);
  assert_int_equal(dp_record_decoder_new(&d2), 0);
  size_t nn = sizeof names / sizeof *names, ne = 3 * nn;
  dp_record_entity *e = calloc(ne, sizeof *e);
  assert_non_null(e);
  for (size_t i = 0; i < ne; i++) { /* each name three times */
    const char *c = names[i % nn];
    e[i].field = (uint8_t)(i % 3);
    e[i].type = (uint8_t)(i % 4);
    e[i].start = (uint32_t)(i * 7);
    e[i].end = (uint32_t)(i * 7 + 5);
    e[i].canonical = (char *)c;
    e[i].key =
        i % 5 == 4 ? strdup("stored key") : dp_text_fold_dup(c, strlen(c));
    assert_non_null(e[i].key);
  }
  dp_record r = {"id-1",
                 "Un titre",
                 "2021-07-19",
                 "Le Monde",
                 "https://x",
                 "a/b.txt",
                 "Auteur",
                 "Le chapô.",
                 "Le corps du texte, "
                 "assez long pour que l'encodeur le compresse bien.",
                 e,
                 ne};
  encode_both(d1, d2, &r);
  r.n_entities = 0;
  encode_both(d1, d2, &r);
  for (size_t i = 0; i < ne; i++)
    free(e[i].key);
  free(e);
  dp_record_decoder_free(d1);
  dp_record_decoder_free(d2);
}

static unsigned rnd_state = 12345;
static unsigned rnd(unsigned n) {
  rnd_state = rnd_state * 1103515245u + 12345u;
  return n ? (rnd_state >> 16) % n : 0;
}

/* A malloc'd string of up to n pieces (letters, accents, spaces, other
 * scripts). */
static char *rnd_text(unsigned n) {
  static const char *const piece[] = {"a", "Z", " ", "é", "É", "œ", "ß",
                                      "ø", "ж", "’", "1", "-", "ﬁ", "\xcc\x81"};
  unsigned k = rnd(n + 1);
  char *s = malloc(k * 4 + 1);
  assert_non_null(s);
  s[0] = '\0';
  for (unsigned i = 0; i < k; i++)
    strcat(s, piece[rnd(sizeof piece / sizeof *piece)]);
  return s;
}

static void test_random_records(void **state) {
  (void)state;
  dp_record_decoder *d1 = NULL, *d2 = NULL;
  assert_int_equal(dp_record_decoder_new(&d1), 0);
  assert_int_equal(dp_record_decoder_new(&d2), 0);
  for (int iter = 0; iter < 300; iter++) {
    char *f[9];
    for (int i = 0; i < 9; i++)
      f[i] = rnd_text(i == 8 ? 400 : 12);
    size_t ne = rnd(iter % 10 == 0 ? 120 : 12);
    dp_record_entity *e = calloc(ne ? ne : 1, sizeof *e);
    assert_non_null(e);
    char *pool[6];
    for (int i = 0; i < 6; i++)
      pool[i] = rnd_text(4);
    uint32_t at = 0;
    for (size_t i = 0; i < ne; i++) {
      at += rnd(50);
      const char *c = pool[rnd(6)];
      e[i].field = (uint8_t)rnd(3);
      e[i].type = (uint8_t)rnd(4);
      e[i].start = at;
      e[i].end = at + rnd(20);
      e[i].canonical = (char *)c;
      e[i].key = rnd(5) == 0 ? rnd_text(3) : dp_text_fold_dup(c, strlen(c));
      assert_non_null(e[i].key);
    }
    dp_record r = {f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], e, ne};
    encode_both(d1, d2, &r);
    for (size_t i = 0; i < ne; i++)
      free(e[i].key);
    free(e);
    for (int i = 0; i < 6; i++)
      free(pool[i]);
    for (int i = 0; i < 9; i++)
      free(f[i]);
  }
  dp_record_decoder_free(d1);
  dp_record_decoder_free(d2);
}

/* Every truncation and every bit flip of a deflated record. */
static void test_corrupt(void **state) {
  (void)state;
  dp_record_decoder *d1 = NULL, *d2 = NULL;
  assert_int_equal(dp_record_decoder_new(&d1), 0);
  assert_int_equal(dp_record_decoder_new(&d2), 0);
  dp_record_entity e[3] = {
      {DP_FIELD_BODY, 0, 4, 9, "Élise Lucet", "elise lucet"},
      {DP_FIELD_BODY, 1, 20, 24, "Élise Lucet", "elise lucet"},
      {DP_FIELD_LEAD, 2, 0, 5, "Ørsted", "other"},
  };
  dp_record good = {"g",
                    "Un titre",
                    "2020-05-06",
                    "src",
                    "url",
                    "",
                    "",
                    "Un chapô qui parle d'Élise Lucet et d'Ørsted.",
                    "Un corps de texte assez long pour être compressé : "
                    "Élise Lucet, Élise Lucet, et encore Ørsted.",
                    e,
                    3};
  unsigned char *buf = NULL;
  size_t len = 0;
  assert_int_equal(dp_record_encode(&good, &buf, &len, NULL), 0);
  unsigned char *c = malloc(len);
  assert_non_null(c);
  for (size_t cut = 0; cut <= len; cut++) {
    memcpy(c, buf, len);
    both(d1, d2, c, cut);
  }
  for (size_t pos = 0; pos < len; pos++)
    for (int flip = 1; flip < 256; flip <<= 1) {
      memcpy(c, buf, len);
      c[pos] ^= (unsigned char)flip;
      both(d1, d2, c, len);
    }
  assert_true(both(d1, d2, buf, len));
  free(c);
  free(buf);
  dp_record_decoder_free(d1);
  dp_record_decoder_free(d2);
}

/* Stored records and methods 1 and 2 (entity layout 1), also corrupted
 * (the payload of a stored record is read as is: every byte flip). */
static void test_layout1(void **state) {
  (void)state;
  dp_record_decoder *d1 = NULL, *d2 = NULL;
  assert_int_equal(dp_record_decoder_new(&d1), 0);
  assert_int_equal(dp_record_decoder_new(&d2), 0);
  dp_record_entity e[2] = {
      {DP_FIELD_TITLE, 1, 0, 2, "Œ", "oe"},
      {DP_FIELD_BODY, 3, 1, 2, "x", "k"},
  };
  dp_record small = {"s", "t", "", "", "", "", "", "l", "b", e, 2};
  unsigned char *st = NULL;
  size_t stlen = 0;
  assert_int_equal(dp_record_encode(&small, &st, &stlen, NULL), 0);
  assert_int_equal(st[1], 0); /* stored */
  assert_true(both(d1, d2, st, stlen));
  unsigned char m[256];
  for (unsigned method = 1; method <= 2; method++) {
    size_t mlen = craft_deflated(st, stlen, method, m, sizeof m);
    assert_true(both(d1, d2, m, mlen));
  }
  unsigned char *c = malloc(stlen);
  assert_non_null(c);
  for (size_t pos = 0; pos < stlen; pos++)
    for (int flip = 1; flip < 256; flip <<= 1) {
      memcpy(c, st, stlen);
      c[pos] ^= (unsigned char)flip;
      both(d1, d2, c, stlen);
    }
  free(c);
  free(st);
  dp_record_decoder_free(d1);
  dp_record_decoder_free(d2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names),
      cmocka_unit_test(test_random_records),
      cmocka_unit_test(test_corrupt),
      cmocka_unit_test(test_layout1),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
