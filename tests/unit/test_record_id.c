/* test_record_id.c — dp_record_decode_id (record.h): the id alone, as the
 * full decoder gives it, for every way a record is stored; errors, never a
 * crash, on bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

/* Encodes a record with this id and a body of body_len bytes. */
static unsigned char *encode(const char *id, size_t body_len, size_t *len) {
  char *body = malloc(body_len + 1);
  assert_non_null(body);
  for (size_t i = 0; i < body_len; i++)
    body[i] = "Le gouvernement a annoncé des mesures. "[i % 39];
  body[body_len] = 0;
  dp_record r = {0};
  r.id = (char *)id;
  r.title = "Un titre";
  r.body = body;
  unsigned char *out = NULL;
  char *err = NULL;
  assert_int_equal(dp_record_encode(&r, &out, len, &err), 0);
  free(body);
  return out;
}

static void test_same_as_decode(void **state) {
  (void)state;
  char longid[700];
  memset(longid, 'x', sizeof longid - 1);
  longid[sizeof longid - 1] = 0;
  static const size_t bodies[] = {0, 10, 100, 5000, 200000};
  const char *ids[] = {"a1", "", "orangesum-16158", "é’«»", longid};
  for (size_t b = 0; b < sizeof bodies / sizeof bodies[0]; b++) {
    for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++) {
      size_t len;
      unsigned char *data = encode(ids[k], bodies[b], &len);
      dp_record *rec = NULL;
      assert_int_equal(dp_record_decode(data, len, &rec, NULL), 0);
      char *id = NULL, *err = NULL;
      assert_int_equal(dp_record_decode_id(data, len, &id, &err), 0);
      assert_null(err);
      assert_string_equal(id, rec->id);
      assert_string_equal(id, ids[k]);
      free(id);
      dp_record_free(rec);
      free(data);
    }
  }
}

static void test_bad_input(void **state) {
  (void)state;
  size_t len;
  unsigned char *data = encode("orangesum-2", 3000, &len);
  /* every truncation and every single-byte change: 0 with the right id, or
   * -1 with a message; never a crash (ASan checks the reads) */
  for (size_t cut = 0; cut < len && cut < 200; cut++) {
    char *id = NULL, *err = NULL;
    int rc = dp_record_decode_id(data, cut, &id, &err);
    if (rc == 0)
      assert_string_equal(id, "orangesum-2");
    else
      assert_non_null(err);
    free(id);
    free(err);
  }
  for (size_t at = 0; at < len && at < 64; at++) {
    for (unsigned v = 0; v < 256; v += 37) {
      unsigned char *c = malloc(len);
      assert_non_null(c);
      memcpy(c, data, len);
      c[at] = (unsigned char)v;
      char *id = NULL, *err = NULL;
      int rc = dp_record_decode_id(c, len, &id, &err);
      assert_true(rc == 0 || (rc == -1 && err && !id));
      free(id);
      free(err);
      free(c);
    }
  }
  char *id = NULL, *err = NULL;
  unsigned char v2[] = {2, 0, 1, 0};
  assert_int_equal(dp_record_decode_id(v2, sizeof v2, &id, &err), -1);
  assert_non_null(strstr(err, "version"));
  free(err);
  err = NULL;
  assert_int_equal(dp_record_decode_id(NULL, 0, &id, &err), -1);
  free(err);
  free(data);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_same_as_decode),
      cmocka_unit_test(test_bad_input),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
