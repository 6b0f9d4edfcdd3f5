/* test_index_docdata.c — dpi_write_doc (indexer/docdata.c): documents are
 * written with the same data whatever it holds; Xapian's attempt to
 * deflate an already deflated record is skipped (seen in the size of the
 * docdata table); every other deflate still works (zlib round trips, the
 * record encoder); adding and replacing by Q term keep their meaning; runs
 * made with xc_db_create_scratch compact like any database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "dpi.h"
#include "record.h"

static char *tmp_dir(void) {
  const char *t = getenv("TMPDIR");
  char *d = dp_strfmt("%s/dp-docdata-XXXXXX", t && *t ? t : "/tmp");
  assert_non_null(d);
  assert_non_null(mkdtemp(d));
  return d;
}

static long long file_size(const char *dir, const char *name) {
  char *p = dp_strfmt("%s/%s", dir, name);
  struct stat st;
  long long n = stat(p, &st) == 0 ? (long long)st.st_size : -1;
  free(p);
  return n;
}

/* Writes n documents whose data is data[0, len) (the first byte of the
 * i-th changed to tell them apart when vary) into a new database at
 * dir/name, reads every one back and checks it. Returns the size of its
 * docdata table. */
static long long write_docs(const char *dir, const char *name, const char *data,
                            size_t len, int n) {
  char *path = dp_strfmt("%s/%s", dir, name);
  xc_db *db = NULL;
  xc_error xe = XC_ERROR_INIT;
  assert_int_equal(xc_db_create_scratch(&db, path, 0, &xe), 0);
  for (int i = 0; i < n; i++) {
    xc_doc *doc = NULL;
    char q[32];
    snprintf(q, sizeof q, "Qd%d", i);
    assert_int_equal(xc_doc_new(&doc, &xe), 0);
    assert_int_equal(xc_doc_add_boolean_term(doc, q, &xe), 0);
    assert_int_equal(xc_doc_set_data(doc, data, len, &xe), 0);
    assert_int_equal(dpi_write_doc(db, q, doc, i % 2, &xe), 0);
    xc_doc_free(doc);
  }
  assert_int_equal(xc_db_close(db, &xe), 0);
  assert_int_equal(xc_db_open(&db, path, &xe), 0);
  uint32_t count = 0;
  assert_int_equal(xc_db_doc_count(&count, db, &xe), 0);
  assert_int_equal(count, (uint32_t)n);
  for (int i = 1; i <= n; i++) {
    xc_doc *doc = NULL;
    char *got = NULL;
    size_t glen = 0;
    assert_int_equal(xc_db_get_document(&doc, db, (xc_docid)i, &xe), 0);
    assert_int_equal(xc_doc_get_data(&got, &glen, doc, &xe), 0);
    assert_int_equal(glen, len);
    assert_memory_equal(got, data, len);
    free(got);
    xc_doc_free(doc);
  }
  xc_db_free(db);
  long long size = file_size(path, "docdata.glass");
  free(path);
  return size;
}

/* Removes dir and frees its name. */
static void rm_tree(char *dir) {
  char *cmd = dp_strfmt("rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
  free(cmd);
  free(dir);
}

/* Compressible data that looks like a deflated record (version 1, method
 * 3) is stored as it is: Xapian's deflate is skipped. The same bytes as a
 * stored record (method 0), or as anything else, are compressed by
 * Xapian as before. */
static void test_skip_only_deflated_records(void **state) {
  (void)state;
  char *dir = tmp_dir();
  size_t len = 6000;
  char *data = malloc(len);
  assert_non_null(data);
  for (size_t i = 0; i < len; i++)
    data[i] = "abcabcabd"[i % 9];
  data[0] = DP_RECORD_VERSION;
  data[1] = 3; /* deflated, as the encoder writes */
  long long skipped = write_docs(dir, "skipped", data, len, 40);
  data[1] = 0; /* stored */
  long long stored = write_docs(dir, "stored", data, len, 40);
  data[0] = 'x'; /* not a record */
  long long other = write_docs(dir, "other", data, len, 40);
  /* 40 x 6000 bytes as they are, against a few hundred bytes each */
  assert_true(skipped >= 40 * 6000);
  assert_true(stored < skipped / 4);
  assert_true(other < skipped / 4);
  free(data);
  rm_tree(dir);
}

/* Real records round trip; zlib's own deflate (through this process's
 * deflate) still compresses and the record encoder still works. */
static void test_records_and_zlib(void **state) {
  (void)state;
  char *dir = tmp_dir();
  dp_record r = {0};
  r.id = "a1";
  r.title = "Le titre";
  r.body = "Un texte assez long pour que le codeur le compresse, un texte "
           "assez long pour que le codeur le compresse, vraiment.";
  unsigned char *rec = NULL;
  size_t rlen = 0;
  char *err = NULL;
  assert_int_equal(dp_record_encode(&r, &rec, &rlen, &err), 0);
  assert_true(rlen > 2 && rec[1] != 0); /* deflated */
  write_docs(dir, "records", (const char *)rec, rlen, 5);
  dp_record *back = NULL;
  assert_int_equal(dp_record_decode(rec, rlen, &back, &err), 0);
  assert_string_equal(back->body, r.body);
  dp_record_free(back);
  free(rec);

  /* zlib round trip through compress2 (deflate) */
  char src[4096];
  for (size_t i = 0; i < sizeof src; i++)
    src[i] = "le chat et le chien "[i % 20];
  unsigned char z[8192];
  uLongf zn = sizeof z;
  assert_int_equal(compress2(z, &zn, (const Bytef *)src, sizeof src, 6), Z_OK);
  assert_true(zn < sizeof src / 4);
  char back2[4096];
  uLongf bn = sizeof back2;
  assert_int_equal(uncompress((Bytef *)back2, &bn, z, zn), Z_OK);
  assert_int_equal(bn, sizeof src);
  assert_memory_equal(back2, src, sizeof src);
  rm_tree(dir);
}

/* Adding (no lookup) and replacing by Q term: the same id written twice
 * with replace leaves one document, with the later data. */
static void test_add_and_replace(void **state) {
  (void)state;
  char *dir = tmp_dir();
  char *path = dp_strfmt("%s/db", dir);
  xc_db *db = NULL;
  xc_error xe = XC_ERROR_INIT;
  assert_int_equal(xc_db_create_scratch(&db, path, 0, &xe), 0);
  const char *datas[] = {"first", "second", "third"};
  for (int i = 0; i < 3; i++) {
    xc_doc *doc = NULL;
    assert_int_equal(xc_doc_new(&doc, &xe), 0);
    assert_int_equal(xc_doc_add_boolean_term(doc, i == 1 ? "Qb" : "Qa", &xe),
                     0);
    assert_int_equal(xc_doc_set_data(doc, datas[i], strlen(datas[i]), &xe), 0);
    /* Qa is new the first time (added), known the third (replaced) */
    assert_int_equal(dpi_write_doc(db, i == 1 ? "Qb" : "Qa", doc, i == 2, &xe),
                     0);
    xc_doc_free(doc);
  }
  uint32_t n = 0;
  assert_int_equal(xc_db_doc_count(&n, db, &xe), 0);
  assert_int_equal(n, 2);
  xc_docid id = 0;
  assert_int_equal(xc_db_find_unique(&id, db, "Qa", &xe), 0);
  assert_int_equal(id, 1);
  xc_doc *doc = NULL;
  char *got = NULL;
  size_t glen = 0;
  assert_int_equal(xc_db_get_document(&doc, db, id, &xe), 0);
  assert_int_equal(xc_doc_get_data(&got, &glen, doc, &xe), 0);
  assert_int_equal(glen, 5);
  assert_memory_equal(got, "third", 5);
  free(got);
  xc_doc_free(doc);
  assert_int_equal(xc_db_close(db, &xe), 0);
  /* a scratch database cannot be created over an existing one */
  assert_int_not_equal(xc_db_create_scratch(&db, path, 0, &xe), 0);
  xc_error_clear(&xe);
  assert_int_not_equal(xc_db_create_scratch(&db, path, 3000, &xe), 0);
  xc_error_clear(&xe);
  free(path);
  rm_tree(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_skip_only_deflated_records),
      cmocka_unit_test(test_records_and_zlib),
      cmocka_unit_test(test_add_and_replace),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
