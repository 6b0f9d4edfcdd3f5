/* test_record_decode.c — the record decoder's fast paths (common/record.c):
 * a reused dp_record_decoder, keys folded by table or shared between the
 * mentions of one name, must give exactly the record that was encoded, with
 * every folded key equal to dp_text_fold_dup(canonical); corrupt data stays
 * an error, never a crash, and does not spoil the decoder for the next
 * record. */
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

/* ---- helpers ---- */

/* Encodes w, decodes it with dp_record_decode and with dec, and checks
 * both against w. */
static void roundtrip(dp_record_decoder *dec, const dp_record *w) {
  unsigned char *buf = NULL;
  size_t len = 0;
  assert_int_equal(dp_record_encode(w, &buf, &len, NULL), 0);
  dp_record *a = NULL, *b = NULL;
  assert_int_equal(dp_record_decode(buf, len, &a, NULL), 0);
  assert_int_equal(dp_record_decode_with(dec, buf, len, &b, NULL), 0);
  free(buf);
  assert_same_record(w, a);
  assert_same_record(w, b);
  dp_record_free(a);
  dp_record_free(b);
}

/* An entity whose key is dp_text_fold_dup(canonical) (malloc'd). */
static dp_record_entity folded(int field, int type, uint32_t start,
                               uint32_t end, const char *canonical) {
  dp_record_entity e = {(uint8_t)field,    (uint8_t)type, start, end,
                        (char *)canonical, NULL};
  e.key = dp_text_fold_dup(canonical, strlen(canonical));
  assert_non_null(e.key);
  return e;
}

/* ---- a table of canonical names ---- */

/* One row per kind of name: ASCII, accented Latin-1 letters, ligatures,
 * letters the table leaves to utf8proc (ß Ø Ð Þ), decomposed accents,
 * other scripts, compatibility forms, a stored key (not the folded one). */
static const struct {
  const char *canonical;
  const char *key; /* NULL: the folded canonical */
} names[] = {
    {"Emmanuel Macron", NULL},
    {"François Hollande", NULL},
    {"ÉTATS-UNIS", NULL},
    {"Île-de-France", NULL},
    {"Œuvre d'Orient", NULL},
    {"Cœur de Pirate", NULL},
    {"ÆGÉE æsthète", NULL},
    {"Straße", NULL},
    {"Ørsted", NULL},
    {"Ðakovo Þingvellir", NULL},
    {"Sãn Ñandú ÿ Ý", NULL},
    {"Mu\xcc\x88ller", NULL},           /* u + combining diaeresis */
    {"A\xcc\x8angstro\xcc\x88m", NULL}, /* Å, ö decomposed */
    {"Москва", NULL},
    {"Ⅻ ﬁnale ２０２０", NULL},   /* compatibility forms */
    {"Aujourd’hui", NULL},        /* ’ folds to ' */
    {"soft\xc2\xadhyphen", NULL}, /* ignorable */
    {"×÷", NULL},
    {"", NULL},
    {"Coupe du monde", "coupe monde"},
    {"APT 31", "apt31"},
};

static void test_names_table(void **state) {
  (void)state;
  dp_record_decoder *dec = NULL;
  assert_int_equal(dp_record_decoder_new(&dec), 0);
  size_t n = sizeof names / sizeof *names;
  /* all names in one record, each mentioned twice (the second mention
   * shares the first one's key), then each alone */
  dp_record_entity *ents = calloc(2 * n, sizeof *ents);
  for (size_t i = 0; i < 2 * n; i++) {
    size_t k = i % n;
    ents[i] = folded(DP_FIELD_BODY, (int)(k % 4), (uint32_t)(3 * i),
                     (uint32_t)(3 * i + 2), names[k].canonical);
    if (names[k].key) {
      free(ents[i].key);
      ents[i].key = strdup(names[k].key);
    }
  }
  dp_record r = {"id",
                 "Titre",
                 "2024-01-02",
                 "Source",
                 "u",
                 "p",
                 "a",
                 "Le chapô de l'article, assez long pour être compressé.",
                 "Le corps de l'article, assez long lui aussi pour que "
                 "deflate y trouve son compte et compresse le tout.",
                 ents,
                 2 * n};
  roundtrip(dec, &r);
  for (size_t i = 0; i < n; i++) {
    r.entities = &ents[i];
    r.n_entities = 1;
    roundtrip(dec, &r);
  }
  for (size_t i = 0; i < 2 * n; i++)
    free(ents[i].key);
  free(ents);
  dp_record_decoder_free(dec);
}

/* Every code point of U+0001..U+07FF and a few beyond, alone, between
 * capitals and after an accented letter: the decoder's key is always
 * dp_text_fold_dup's (the encoder stores no key when they are equal). */
static void test_every_code_point(void **state) {
  (void)state;
  dp_record_decoder *dec = NULL;
  assert_int_equal(dp_record_decoder_new(&dec), 0);
  static const uint32_t extra[] = {0x1e9e, 0x2019,  0x200d,  0xfb01,
                                   0xff21, 0x1d400, 0x10ffff};
  size_t next = 0;
  for (uint32_t cp = 1; cp < 0x800 + sizeof extra / sizeof *extra; cp++) {
    uint32_t c = cp < 0x800 ? cp : extra[cp - 0x800];
    if (c >= 0xd800 && c < 0xe000)
      continue;
    char u[5] = {0};
    if (c < 0x80) {
      u[0] = (char)c;
    } else if (c < 0x800) {
      u[0] = (char)(0xc0 | c >> 6);
      u[1] = (char)(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      u[0] = (char)(0xe0 | c >> 12);
      u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
      u[2] = (char)(0x80 | (c & 0x3f));
    } else {
      u[0] = (char)(0xf0 | c >> 18);
      u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
      u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
      u[3] = (char)(0x80 | (c & 0x3f));
    }
    char forms[3][32];
    snprintf(forms[0], sizeof forms[0], "%s", u);
    snprintf(forms[1], sizeof forms[1], "AB%sCD", u);
    snprintf(forms[2], sizeof forms[2], "\xc3\x89t%s\xc3\xa9", u); /* Ét?é */
    dp_record_entity e[3];
    for (int f = 0; f < 3; f++)
      e[f] = folded(DP_FIELD_TITLE, f, (uint32_t)f, (uint32_t)f + 1, forms[f]);
    char id[32];
    snprintf(id, sizeof id, "cp-%zu", next++);
    /* a body long enough for the payload to be deflated: stored records
     * keep the entity list in layout 1, with every key */
    dp_record r = {id,
                   "T",
                   "",
                   "",
                   "",
                   "",
                   "",
                   "",
                   "Un corps de texte assez long pour que le record soit "
                   "compressé, et ses clés repliées au décodage.",
                   e,
                   3};
    if (next == 1) { /* the first one was deflated (layout 2) */
      unsigned char *buf = NULL;
      size_t len = 0;
      assert_int_equal(dp_record_encode(&r, &buf, &len, NULL), 0);
      assert_int_equal(buf[1], 3);
      free(buf);
    }
    roundtrip(dec, &r);
    for (int f = 0; f < 3; f++)
      free(e[f].key);
  }
  dp_record_decoder_free(dec);
}

/* ---- random records ---- */

static uint64_t rng = 0x9e3779b97f4a7c15u;
static unsigned rnd(unsigned n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng % n);
}

/* A random string of up to max pieces (malloc'd). */
static char *rnd_text(unsigned max) {
  static const char *pieces[] = {
      "a",   "Z",     " ",      "é", "É", "œ", "Œ",  "æ",        "ß", "Ø",
      "ç",   "ñ",     "ÿ",      "’", "-", ".", "\n", "\xcc\x81", "ж", "ﬁ",
      "Le ", "Paris", "Macron", "à", "Ô", "1", "×",  "\xc2\xa0", "€", "日"};
  unsigned n = rnd(max + 1);
  size_t cap = 1 + (size_t)n * 8;
  char *s = malloc(cap), *o = s;
  for (unsigned i = 0; i < n; i++) {
    const char *p = pieces[rnd(sizeof pieces / sizeof *pieces)];
    size_t l = strlen(p);
    if ((size_t)(o - s) + l + 1 > cap)
      break;
    memcpy(o, p, l);
    o += l;
  }
  *o = 0;
  return s;
}

/* Random records, decoded by one decoder in turn with fresh decodes: the
 * same fields as encoded. Names repeat within a record (shared keys), and
 * about one key in five is stored (differs from the folded canonical). */
static void test_random_records(void **state) {
  (void)state;
  dp_record_decoder *dec = NULL;
  assert_int_equal(dp_record_decoder_new(&dec), 0);
  for (int iter = 0; iter < 300; iter++) {
    char *f[9];
    for (int i = 0; i < 9; i++)
      f[i] = rnd_text(i == 8 ? 400 : 12);
    size_t ne = rnd(iter % 10 == 0 ? 120 : 12);
    dp_record_entity *e = calloc(ne ? ne : 1, sizeof *e);
    char *pool[6];
    for (int i = 0; i < 6; i++)
      pool[i] = rnd_text(4);
    uint32_t at = 0;
    for (size_t i = 0; i < ne; i++) {
      at += rnd(50);
      e[i] = folded((int)rnd(3), (int)rnd(4), at, at + rnd(20), pool[rnd(6)]);
      e[i].canonical = strdup(e[i].canonical);
      if (rnd(5) == 0) {
        free(e[i].key);
        e[i].key = rnd_text(3);
      }
    }
    dp_record r = {f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], e, ne};
    roundtrip(dec, &r);
    for (size_t i = 0; i < ne; i++) {
      free(e[i].canonical);
      free(e[i].key);
    }
    free(e);
    for (int i = 0; i < 6; i++)
      free(pool[i]);
    for (int i = 0; i < 9; i++)
      free(f[i]);
  }
  dp_record_decoder_free(dec);
}

/* ---- corruption, and the decoder after it ---- */

static void test_corrupt_then_good(void **state) {
  (void)state;
  dp_record_decoder *dec = NULL;
  assert_int_equal(dp_record_decoder_new(&dec), 0);
  dp_record_entity e[3];
  e[0] = folded(DP_FIELD_BODY, 0, 4, 9, "Élise Lucet");
  e[1] = folded(DP_FIELD_BODY, 1, 20, 24, "Élise Lucet");
  e[2] = folded(DP_FIELD_LEAD, 2, 0, 5, "Ørsted");
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
  assert_true(buf[1] != 0); /* deflated, so inflate is exercised */
  unsigned char *c = malloc(len);
  for (size_t cut = 0; cut <= len; cut++) {
    for (size_t pos = 0; pos < (cut < len ? 1 : len); pos++) {
      for (int flip = 1; flip < 256; flip <<= 1) {
        memcpy(c, buf, len);
        if (cut == len)
          c[pos] ^= (unsigned char)flip;
        dp_record *d = NULL;
        char *err = NULL;
        if (dp_record_decode_with(dec, c, cut, &d, &err) == 0) {
          assert_non_null(d->body);
          for (size_t i = 0; i < d->n_entities; i++)
            assert_non_null(d->entities[i].key);
          dp_record_free(d);
        } else {
          assert_null(d);
          assert_non_null(err);
          free(err);
        }
        if (cut < len)
          break; /* a truncation: once */
      }
    }
    /* the decoder still decodes the good record exactly */
    if (cut % 7 == 0 || cut == len) {
      dp_record *d = NULL;
      assert_int_equal(dp_record_decode_with(dec, buf, len, &d, NULL), 0);
      assert_same_record(&good, d);
      dp_record_free(d);
    }
  }
  /* a decoded record does not depend on its decoder */
  dp_record *d = NULL;
  assert_int_equal(dp_record_decode_with(dec, buf, len, &d, NULL), 0);
  dp_record_decoder_free(dec);
  assert_same_record(&good, d);
  dp_record_free(d);
  free(c);
  free(buf);
  for (int i = 0; i < 3; i++)
    free(e[i].key);
}

/* Stored (method 0) and no-dictionary deflate (method 1) records go
 * through a decoder that just read dictionary ones. */
static void test_methods_interleaved(void **state) {
  (void)state;
  dp_record_decoder *dec = NULL;
  assert_int_equal(dp_record_decoder_new(&dec), 0);
  dp_record small = {"s", "t", "", "", "", "", "", "", "b", NULL, 0};
  unsigned char *st = NULL;
  size_t stlen = 0;
  assert_int_equal(dp_record_encode(&small, &st, &stlen, NULL), 0);
  assert_int_equal(st[1], 0); /* stored */
  /* method 1: the stored payload, raw-deflated */
  unsigned char m1[256];
  size_t m1len = craft_deflated(st, stlen, 1, m1, sizeof m1);
  dp_record big = {"b",
                   "Titre",
                   "",
                   "",
                   "",
                   "",
                   "",
                   "",
                   "Un corps assez long pour être compressé avec le "
                   "dictionnaire : le gouvernement, la France, les Français.",
                   NULL,
                   0};
  for (int round = 0; round < 3; round++) {
    roundtrip(dec, &big);
    dp_record *d = NULL;
    assert_int_equal(dp_record_decode_with(dec, st, stlen, &d, NULL), 0);
    assert_same_record(&small, d);
    dp_record_free(d);
    assert_int_equal(dp_record_decode_with(dec, m1, m1len, &d, NULL), 0);
    assert_same_record(&small, d);
    dp_record_free(d);
  }
  free(st);
  dp_record_decoder_free(dec);
  dp_record_decoder_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names_table),
      cmocka_unit_test(test_every_code_point),
      cmocka_unit_test(test_random_records),
      cmocka_unit_test(test_corrupt_then_good),
      cmocka_unit_test(test_methods_interleaved),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
