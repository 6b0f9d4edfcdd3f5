/* test_search_record_inflate.c — the inflate step of the record decoder
 * that the searcher runs for every result (common/record.c). Built with
 * DEPECHE_HAVE_LIBDEFLATE, the decoder inflates with libdeflate, which has
 * no preset dictionary: the record's stream is decoded after a stored
 * block holding the dictionary. It must accept exactly the records zlib
 * accepts (a stream that inflates to exactly the payload length, using all
 * of its bytes) and give the same bytes; without libdeflate these tests
 * check the zlib path the same way. Records of every size (empty, over one
 * stored block of 65,535 bytes, over the 1 MB the decoder keeps) and every
 * method, one decoder reused across them. */
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

static uint32_t seed = 12345;
static uint32_t rnd(uint32_t n) {
  seed = seed * 1103515245u + 12345u;
  return (seed >> 8) % n;
}

/* French-looking text of about n bytes (words the dictionary knows, and
 * accented ones), malloc'd. */
static char *text(size_t n) {
  static const char *const words[] = {
      "le",       "gouvernement", "a",       "annoncé",     "mardi",
      "que",      "la",           "réforme", "des",         "retraites",
      "sera",     "présentée",    "à",       "l'Assemblée", "nationale",
      "Élysée",   "préfet",       "été",     "coronavirus", "confinement",
      "Français", "président",    "«",       "»",           "2020",
      "n'a",      "pas",          "déclaré", ".",           "\n"};
  char *s = malloc(n + 32);
  assert_non_null(s);
  size_t o = 0;
  while (o < n) {
    const char *w = words[rnd(sizeof words / sizeof *words)];
    size_t l = strlen(w);
    memcpy(s + o, w, l);
    o += l;
    s[o++] = ' ';
  }
  s[o] = '\0';
  return s;
}

/* Encodes r, decodes it with dec (block and separate strings) and with a
 * fresh decoder, and checks all three against r. */
static void roundtrip(dp_record_decoder *dec, const dp_record *r) {
  unsigned char *buf = NULL;
  size_t len = 0;
  assert_int_equal(dp_record_encode(r, &buf, &len, NULL), 0);
  dp_record *d = NULL;
  char *err = NULL;
  assert_int_equal(dp_record_decode_block(dec, buf, len, &d, &err), 0);
  assert_null(err);
  assert_same_record(r, d);
  free(d);
  assert_int_equal(dp_record_decode_with(dec, buf, len, &d, NULL), 0);
  assert_same_record(r, d);
  dp_record_free(d);
  assert_int_equal(dp_record_decode(buf, len, &d, NULL), 0);
  assert_same_record(r, d);
  dp_record_free(d);
  free(buf);
}

/* Bodies from empty to 1.5 MB, in an order that makes the decoder's
 * buffers grow, shrink back (over 1 MB they are not kept) and grow again. */
static void test_sizes(void **state) {
  (void)state;
  static const size_t sizes[] = {0,     1,       60,    200,     3000,
                                 65534, 65535,   65536, 70000,   200000,
                                 10,    1500000, 5000,  1100000, 100};
  dp_record_decoder *dec = NULL;
  assert_int_equal(dp_record_decoder_new(&dec), 0);
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
    char *body = text(sizes[i]);
    if (sizes[i] == 0)
      body[0] = '\0';
    char *lead = text(rnd(300));
    dp_record_entity e = {DP_FIELD_BODY,    0, 0, 2, "Le Gouvernement",
                          "le gouvernement"};
    dp_record r = {"id-1",
                   "Un titre",
                   "2020-03-17",
                   "Source",
                   "https://x/y",
                   "",
                   "",
                   lead,
                   body,
                   sizes[i] >= 2 ? &e : NULL,
                   sizes[i] >= 2 ? 1 : 0};
    roundtrip(dec, &r);
    free(body);
    free(lead);
  }
  dp_record_decoder_free(dec);
}

/* zlib's verdict on method 1 or 2 record rec[0,len) (one-byte payload
 * length, header of 3 bytes): the payload (malloc'd, *plen bytes) when the
 * stream inflates to exactly the stated length using all of its bytes,
 * else NULL. */
static unsigned char *zlib_payload(const unsigned char *rec, size_t len,
                                   size_t *plen) {
  size_t want = rec[2];
  unsigned char *out = malloc(want + 512);
  assert_non_null(out);
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  assert_int_equal(inflateInit2(&zs, -15), Z_OK);
  int ok = 1;
  if (rec[1] == 2) {
    size_t dn = 0;
    const char *d = dp_data_get("record_dict_fr_v1.txt", &dn);
    const char *p = d, *end = d + dn;
    while (p < end && *p == '#')
      p = strchr(p, '\n') + 1;
    if (end > p && end[-1] == '\n')
      end--;
    ok = inflateSetDictionary(&zs, (const Bytef *)p, (uInt)(end - p)) == Z_OK;
  }
  zs.next_in = (Bytef *)rec + 3;
  zs.avail_in = (uInt)(len - 3);
  zs.next_out = out;
  zs.avail_out = (uInt)(want + 512);
  ok = ok && inflate(&zs, Z_FINISH) == Z_STREAM_END && zs.total_out == want &&
       zs.avail_in == 0;
  inflateEnd(&zs);
  if (!ok) {
    free(out);
    return NULL;
  }
  *plen = want;
  return out;
}

/* Every single-bit flip and every truncation of deflated records (methods
 * 1 and 2): the decoder accepts a record exactly when zlib inflates it and
 * the payload it gives is a valid one, and then gives the fields of that
 * payload (read through a stored record of it). After each corrupt record
 * the decoder still reads a good one. */
static void test_same_verdict_as_zlib(void **state) {
  (void)state;
  dp_record_decoder *dec = NULL;
  assert_int_equal(dp_record_decoder_new(&dec), 0);
  /* short enough (under 64 bytes of payload) to be stored */
  dp_record small = {"s",          "Le gouvernement", "",   "", "", "", "",
                     "la réforme", "à l'Assemblée",   NULL, 0};
  unsigned char *st = NULL;
  size_t stlen = 0;
  assert_int_equal(dp_record_encode(&small, &st, &stlen, NULL), 0);
  assert_int_equal(st[1], 0); /* stored: the payload is short */
  size_t accepted = 0, rejected = 0;
  for (unsigned method = 1; method <= 2; method++) {
    unsigned char rec[256], c[256];
    size_t len = craft_deflated(st, stlen, method, rec, sizeof rec);
    for (size_t cut = 4; cut <= len; cut++) {
      size_t nflip = cut == len ? (len - 3) * 8 : 1;
      for (size_t f = 0; f < nflip; f++) {
        memcpy(c, rec, cut);
        if (cut == len)
          c[3 + f / 8] ^= (unsigned char)(1u << (f % 8));
        size_t plen = 0;
        unsigned char *pl = zlib_payload(c, cut, &plen);
        dp_record *want = NULL;
        if (pl) {
          /* the same payload as a stored record */
          unsigned char s[300];
          s[0] = DP_RECORD_VERSION;
          s[1] = 0;
          s[2] = (unsigned char)plen;
          memcpy(s + 3, pl, plen);
          if (dp_record_decode(s, plen + 3, &want, NULL) != 0)
            want = NULL;
          free(pl);
        }
        dp_record *got = NULL;
        char *err = NULL;
        int rc = dp_record_decode_block(dec, c, cut, &got, &err);
        if (want) {
          assert_int_equal(rc, 0);
          assert_same_record(want, got);
          free(got);
          dp_record_free(want);
          accepted++;
        } else {
          assert_int_equal(rc, -1);
          assert_null(got);
          assert_non_null(err);
          free(err);
          rejected++;
        }
        if (f % 16 == 0) {
          dp_record *d = NULL;
          assert_int_equal(dp_record_decode_block(dec, rec, len, &d, NULL), 0);
          assert_same_record(&small, d);
          free(d);
        }
      }
    }
  }
  assert_true(accepted > 2); /* the unflipped records, at least */
  assert_true(rejected > 100);
  free(st);
  dp_record_decoder_free(dec);
}

/* A method 3 record (what the indexer writes) with trailing bytes, one
 * byte short, or a payload length one off either way, is corrupt. */
static void test_length_checks(void **state) {
  (void)state;
  char *body = text(5000);
  dp_record r = {"id", "t", "", "", "", "", "", "lead", body, NULL, 0};
  unsigned char *buf = NULL;
  size_t len = 0;
  assert_int_equal(dp_record_encode(&r, &buf, &len, NULL), 0);
  assert_true(buf[1] >= 2);
  dp_record_decoder *dec = NULL;
  assert_int_equal(dp_record_decoder_new(&dec), 0);
  unsigned char *c = malloc(len + 1);
  dp_record *d = NULL;
  char *err = NULL;
  /* one byte more */
  memcpy(c, buf, len);
  c[len] = 0;
  assert_int_equal(dp_record_decode_block(dec, c, len + 1, &d, &err), -1);
  free(err);
  /* one byte less */
  assert_int_equal(dp_record_decode_block(dec, buf, len - 1, &d, &err), -1);
  free(err);
  /* the payload length (a 2-byte varint for 5,000 bytes) one off */
  assert_true((buf[2] & 0x80) && !(buf[3] & 0x80));
  for (int delta = -1; delta <= 1; delta += 2) {
    memcpy(c, buf, len);
    unsigned v = (unsigned)(buf[2] & 0x7f) | (unsigned)buf[3] << 7;
    v = (unsigned)((int)v + delta);
    c[2] = (unsigned char)(0x80 | (v & 0x7f));
    c[3] = (unsigned char)(v >> 7);
    assert_int_equal(dp_record_decode_block(dec, c, len, &d, &err), -1);
    assert_null(d);
    free(err);
  }
  assert_int_equal(dp_record_decode_block(dec, buf, len, &d, NULL), 0);
  assert_same_record(&r, d);
  free(d);
  free(c);
  free(buf);
  free(body);
  dp_record_decoder_free(dec);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sizes),
      cmocka_unit_test(test_same_verdict_as_zlib),
      cmocka_unit_test(test_length_checks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
