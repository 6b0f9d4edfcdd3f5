/* The compiled-in data files are reachable and intact. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "data.h"

static void test_missing_file_is_null(void **state) {
  (void)state;
  size_t len = 123;
  assert_null(dp_data_get("no-such-file.txt", &len));
  assert_int_equal(len, 0);
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The fingerprint is the digest of every common/data/ .txt file of the source
 * tree, names and bytes, in name order, and each is embedded as it is on
 * disk: a gazetteer edited without a rebuild of the fingerprint would
 * leave indexes with the entities of the old data (depeche-index puts the
 * fingerprint in every article's hash). */
static void test_fingerprint(void **state) {
  (void)state;
  const char *src = getenv("DEPECHE_SOURCE_DIR");
  if (!src)
    skip();
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/common/data", src);
  DIR *d = opendir(dir);
  assert_non_null(d);
  char *names[256];
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 256) {
    size_t l = strlen(e->d_name);
    if (l > 4 && strcmp(e->d_name + l - 4, ".txt") == 0)
      names[n++] = strdup(e->d_name);
  }
  closedir(d);
  assert_true(n >= 5);
  qsort(names, n, sizeof *names, by_name);
  uint64_t fp = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; i++) {
    for (const char *q = names[i]; *q; q++)
      fp = (fp ^ (unsigned char)*q) * 0x100000001b3ull;
    fp = (fp ^ 0x1e) * 0x100000001b3ull;
    char path[4400];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t len = 0;
    const char *emb = dp_data_get(names[i], &len);
    assert_non_null(emb);
    size_t k = 0;
    int c;
    while ((c = getc(f)) != EOF) {
      assert_true(k < len);
      assert_int_equal((unsigned char)emb[k], c);
      k++;
      fp = (fp ^ (unsigned)c) * 0x100000001b3ull;
    }
    fclose(f);
    assert_int_equal(k, len);
    fp = (fp ^ 0x1f) * 0x100000001b3ull;
    free(names[i]);
  }
  char want[17];
  snprintf(want, sizeof want, "%016llx", (unsigned long long)fp);
  assert_string_equal(dp_data_fingerprint(), want);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_missing_file_is_null),
      cmocka_unit_test(test_fingerprint),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
