/* The compiled-in data files are reachable and intact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "data.h"

static void test_missing_file_is_null(void **state) {
  (void)state;
  size_t len = 123;
  assert_null(dp_data_get("no-such-file.txt", &len));
  assert_int_equal(len, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_missing_file_is_null),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
