/* test_readers.c — indexer readers and sources (indexer/readers.c,
 * indexer/sources.c): dates, text header blocks and title lines, JSON
 * fields, UTF-8 repair, binary detection, gzip streams. Table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "dpi.h"

/* Field f of the article read for table row i equals the row's
 * expectation (NULL: the field must be absent). */
static void check_field(size_t i, const char *name, const char *got,
                        const char *want) {
  if (want) {
    if (!got)
      fail_msg("row %zu: no %s", i, name);
    assert_string_equal(got, want);
  } else if (got) {
    fail_msg("row %zu: unexpected %s [%s]", i, name, got);
  }
}
#define CHECK(f) check_field(i, #f, a.f, rows[i].f)

static void test_dates(void **state) {
  (void)state;
  static const struct {
    const char *in;
    const char *want; /* NULL = rejected */
  } rows[] = {
      {"2024-03-12", "2024-03-12"},
      {"2024-03-12T07:30:00Z", "2024-03-12"},
      {"2024-03-12 07:30", "2024-03-12"},
      {"2024-03-12+02:00", "2024-03-12"},
      {"20240312", "2024-03-12"},
      {"Thu, 11 Jul 2024 10:00:00 +0200", "2024-07-11"},
      {"11 Jul 2024", "2024-07-11"},
      {"12/03/2024", "2024-03-12"},
      {"1er juillet 2020", "2020-07-01"},
      {"jeudi 2 juillet 2020", "2020-07-02"},
      {"29 février 2024", "2024-02-29"},
      {"2024-02-29", "2024-02-29"},
      {"2023-02-29", NULL},
      {"2024-13-01", NULL},
      {"2024-00-10", NULL},
      {"2024", NULL},
      {"hier", NULL},
      {"", NULL},
      {"32/01/2024", NULL},
      {"2 julliet 2020", NULL},
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    char out[11] = "";
    int rc = dpi_parse_date(rows[i].in, out);
    if (rows[i].want) {
      if (rc != 0)
        fail_msg("date %s rejected", rows[i].in);
      assert_string_equal(out, rows[i].want);
    } else if (rc == 0) {
      fail_msg("date %s accepted as %s", rows[i].in, out);
    }
  }
}

static void test_text(void **state) {
  (void)state;
  static const struct {
    const char *in;
    int md;
    const char *title, *date, *source, *url, *body; /* NULL = absent */
  } rows[] = {
      {"Title: T\nDate: 2024-01-02\nSource: S\nURL: https://u\n\nCorps.\n", 0,
       "T", "2024-01-02", "S", "https://u", "Corps."},
      {"Titre : Le titre\nSection: x\n\nLe corps.", 0, "Le titre", NULL, NULL,
       NULL, "Le corps."},
      {"Un titre court\n\nLe corps du texte.\n", 0, "Un titre court", NULL,
       NULL, NULL, "Le corps du texte."},
      {"Une phrase qui finit par un point.\nSuite.", 0, NULL, NULL, NULL, NULL,
       "Une phrase qui finit par un point.\nSuite."},
      {"Seulement une ligne", 0, NULL, NULL, NULL, NULL, "Seulement une ligne"},
      {"# Titre Markdown\n\nTexte.", 1, "Titre Markdown", NULL, NULL, NULL,
       "Texte."},
      {"\xEF\xBB\xBF\n\nTitre après BOM\nTexte.", 0, "Titre après BOM", NULL,
       NULL, NULL, "Texte."},
      {"Paris: la ville\nLumière.\n\nTexte.", 0, "Paris: la ville", NULL, NULL,
       NULL, "Lumière.\n\nTexte."},
      {"Attention : ceci\n\nTexte.", 0, "Attention : ceci", NULL, NULL, NULL,
       "Texte."},
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    dpi_article a = {0};
    char *err = NULL;
    int rc =
        dpi_read_text(rows[i].in, strlen(rows[i].in), rows[i].md, &a, &err);
    if (rc)
      fail_msg("row %zu: %s", i, err);
    CHECK(title);
    CHECK(date);
    CHECK(source);
    CHECK(url);
    CHECK(body);
    dpi_article_clear(&a);
  }
  dpi_article a = {0};
  char *err = NULL;
  assert_int_equal(dpi_read_text("Title: x\n\n  \n", 12, 0, &a, &err), -1);
  assert_string_equal(err, "missing body");
  free(err);
  dpi_article_clear(&a);
}

#define N7 NULL, NULL, NULL, NULL, NULL, NULL, NULL

static void test_json_lines(void **state) {
  (void)state;
  static const struct {
    const char *in;
    const char *err; /* expected error prefix, or NULL */
    const char *id, *title, *lead, *body, *source, *date, *author;
  } rows[] = {
      {"{\"id\":\"a\",\"title\":\"T\",\"body\":\"B\"}", NULL, "a", "T", NULL,
       "B", NULL, NULL, NULL},
      {"{\"id\":42,\"text\":\"B\",\"site\":\"S\",\"date\":\"2020-07-02\"}",
       NULL, "42", NULL, NULL, "B", "S", "2020-07-02", NULL},
      {"{\"content\":\"B\",\"chapo\":\"L\",\"author\":[\"A\",\"B\"]}", NULL,
       NULL, NULL, "L", "B", NULL, NULL, "A, B"},
      {"{\"heading\":\"Only a lead\",\"body\":\"\"}", NULL, NULL, NULL,
       "Only a lead", "", NULL, NULL, NULL},
      {"{\"title\":\"T\"}", "missing body", N7},
      {"{\"body\":\"x\",\"unknown\":{\"a\":1}}", NULL, NULL, NULL, NULL, "x",
       NULL, NULL, NULL},
      {"{\"body\":\"x\"", "invalid JSON", N7},
      {"[1]", "not a JSON object but an array", N7},
      /* a scalar line: the same reason, not jansson's "'[' or '{'
       * expected" */
      {"42", "not a JSON object but a number", N7},
      {"\"texte\"", "not a JSON object but a string", N7},
      {"null", "not a JSON object but null", N7},
      {"{\"body\":\"caf\xe9\"}", NULL, NULL, NULL, NULL, "caf\xEF\xBF\xBD",
       NULL, NULL, NULL},
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    dpi_article a = {0};
    char *err = NULL;
    int rc = dpi_read_json_line(rows[i].in, strlen(rows[i].in), &a, &err);
    if (rows[i].err) {
      if (rc == 0)
        fail_msg("row %zu accepted", i);
      if (strncmp(err, rows[i].err, strlen(rows[i].err)) != 0)
        fail_msg("row %zu: error [%s]", i, err);
      free(err);
      dpi_article_clear(&a);
      continue;
    }
    if (rc)
      fail_msg("row %zu: %s", i, err);
    CHECK(id);
    CHECK(title);
    CHECK(lead);
    CHECK(body);
    CHECK(source);
    CHECK(date);
    CHECK(author);
    dpi_article_clear(&a);
  }
}

static void test_utf8_repair_and_binary(void **state) {
  (void)state;
  static const struct {
    const char *in;
    size_t len;
    const char *out;
    size_t repaired;
  } rows[] = {
      {"abc", 3, "abc", 0},
      {"caf\xc3\xa9", 5, "caf\xc3\xa9", 0},
      {"a\xff"
       "b",
       3,
       "a\xEF\xBF\xBD"
       "b",
       1},
      {"a\xc3", 2, "a\xEF\xBF\xBD", 1},
      {"\xe2\x82", 2, "\xEF\xBF\xBD", 1},
      {"\xed\xa0\x80x", 4, "\xEF\xBF\xBDx", 1}, /* a surrogate */
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    char *s = malloc(rows[i].len + 1);
    memcpy(s, rows[i].in, rows[i].len);
    s[rows[i].len] = 0;
    size_t n = rows[i].len;
    assert_int_equal(dpi_utf8_repair(&s, &n), rows[i].repaired);
    assert_int_equal(n, strlen(rows[i].out));
    assert_memory_equal(s, rows[i].out, n);
    free(s);
  }
  assert_false(dpi_looks_binary("Du texte en français.\n", 22));
  assert_true(dpi_looks_binary("ELF\0\1\2", 6));
  char junk[512];
  for (size_t i = 0; i < sizeof junk; i++)
    junk[i] = (char)(0x80 + i % 64);
  assert_true(dpi_looks_binary(junk, sizeof junk));
}

static void test_gzip_stream(void **state) {
  (void)state;
  char path[] = "/tmp/depeche-test-readers-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  gzFile gz = gzdopen(fd, "wb");
  for (int i = 1; i <= 1000; i++)
    gzprintf(gz, "line %d\n", i);
  gzprintf(gz, "last without newline");
  gzclose(gz);

  dpi_stream *s = NULL;
  char *err = NULL;
  assert_int_equal(dpi_stream_open(&s, path, &err), 0);
  assert_int_equal(dpi_stream_peek(s), 'l');
  const char *line;
  size_t len, lineno = 0;
  int n = 0;
  while (dpi_stream_getline(s, &line, &len, &lineno, &err) == 1)
    n++;
  assert_int_equal(n, 1001);
  assert_int_equal(lineno, 1001);
  assert_int_equal(len, strlen("last without newline"));
  dpi_stream_close(s);

  /* truncated: an error after the lines that were complete */
  FILE *f = fopen(path, "rb");
  char buf[8192];
  size_t got = fread(buf, 1, sizeof buf, f);
  fclose(f);
  f = fopen(path, "wb");
  fwrite(buf, 1, got / 2, f);
  fclose(f);
  assert_int_equal(dpi_stream_open(&s, path, &err), 0);
  int r;
  while ((r = dpi_stream_getline(s, &line, &len, &lineno, &err)) == 1) {
  }
  assert_int_equal(r, -1);
  assert_string_equal(err, "truncated gzip data");
  free(err);
  dpi_stream_close(s);
  unlink(path);

  assert_int_equal(dpi_stream_open(&s, "/nonexistent/x", &err), -1);
  assert_non_null(strstr(err, "cannot open"));
  free(err);
}

/* A line longer than the stream's limit is skipped (2) without being
 * held whole, plain or gzip'ed, with or without a final newline; the
 * lines around it are read as usual. read_all stops at the limit. */
static void check_long_lines(const char *path, int gz) {
  static const size_t big = 5u << 20; /* 5 MiB, limit 64 KiB */
  char *chunk = malloc(1 << 16);
  assert_non_null(chunk);
  memset(chunk, 'x', 1 << 16);
  if (gz) {
    gzFile g = gzopen(path, "wb");
    gzputs(g, "court\n");
    for (size_t n = 0; n < big; n += 1 << 16)
      gzwrite(g, chunk, 1 << 16);
    gzputs(g, "\r\nmoyen\n");
    for (size_t n = 0; n < big; n += 1 << 16)
      gzwrite(g, chunk, 1 << 16);
    gzclose(g);
  } else {
    FILE *f = fopen(path, "wb");
    fputs("court\n", f);
    for (size_t n = 0; n < big; n += 1 << 16)
      fwrite(chunk, 1, 1 << 16, f);
    fputs("\r\nmoyen\n", f);
    for (size_t n = 0; n < big; n += 1 << 16)
      fwrite(chunk, 1, 1 << 16, f);
    fclose(f);
  }
  free(chunk);
  dpi_stream *s = NULL;
  char *err = NULL;
  const char *line;
  size_t len, lineno = 0;
  assert_int_equal(dpi_stream_open(&s, path, &err), 0);
  dpi_stream_set_limit(s, 1 << 16);
  assert_int_equal(dpi_stream_getline(s, &line, &len, &lineno, &err), 1);
  assert_int_equal(len, 5);
  assert_memory_equal(line, "court", 5);
  assert_int_equal(dpi_stream_getline(s, &line, &len, &lineno, &err), 2);
  assert_null(line);
  assert_int_equal(len, big + 1); /* with its "\r" */
  assert_int_equal(lineno, 2);
  assert_int_equal(dpi_stream_getline(s, &line, &len, &lineno, &err), 1);
  assert_int_equal(len, 5);
  assert_memory_equal(line, "moyen", 5);
  assert_int_equal(lineno, 3);
  assert_int_equal(dpi_stream_getline(s, &line, &len, &lineno, &err), 2);
  assert_int_equal(len, big); /* the last line, without "\n" */
  assert_int_equal(lineno, 4);
  assert_int_equal(dpi_stream_getline(s, &line, &len, &lineno, &err), 0);
  assert_true(dpi_stream_capacity(s) < 1u << 20);
  dpi_stream_close(s);

  char *data = NULL;
  assert_int_equal(dpi_stream_open(&s, path, &err), 0);
  dpi_stream_set_limit(s, 1 << 16);
  assert_int_equal(dpi_stream_read_all(s, &data, &len, &err), -1);
  assert_null(data);
  assert_string_equal(err, "file too large: more than 64K (see --max-size)");
  free(err);
  assert_true(dpi_stream_capacity(s) < 1u << 20);
  dpi_stream_close(s);
  /* no limit: the same file is read whole */
  assert_int_equal(dpi_stream_open(&s, path, &err), 0);
  assert_int_equal(dpi_stream_read_all(s, &data, &len, &err), 0);
  assert_int_equal(len, 6 + big + 8 + big);
  free(data);
  dpi_stream_close(s);
}

static void test_stream_limit(void **state) {
  (void)state;
  char path[] = "/tmp/depeche-test-limit-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  check_long_lines(path, 0);
  check_long_lines(path, 1);
  unlink(path);
}

static void test_sizes(void **state) {
  (void)state;
  static const struct {
    const char *in;
    int ok;
    uint64_t v;
  } cases[] = {
      {"0", 1, 0},
      {"1000", 1, 1000},
      {"32M", 1, 32u << 20},
      {"32m", 1, 32u << 20},
      {"64K", 1, 64u << 10},
      {"2G", 1, (uint64_t)2 << 30},
      {"2GiB", 1, (uint64_t)2 << 30},
      {"5MB", 1, 5u << 20},
      {"100B", 1, 100},
      {"", 0, 0},
      {"M", 0, 0},
      {"-1", 0, 0},
      {" 5", 0, 0},
      {"5 M", 0, 0},
      {"12Q", 0, 0},
      {"1.5M", 0, 0},
      {"99999999999999999999", 0, 0},
      {"17179869184G", 0, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint64_t v = 12345;
    int r = dpi_parse_size(cases[i].in, &v);
    if (cases[i].ok) {
      assert_int_equal(r, 0);
      assert_true(v == cases[i].v);
    } else {
      assert_int_equal(r, -1);
      assert_true(v == 12345);
    }
  }
  char out[32];
  dpi_format_size(32u << 20, out);
  assert_string_equal(out, "32M");
  dpi_format_size(1536u << 10, out);
  assert_string_equal(out, "1536K");
  dpi_format_size((uint64_t)3 << 30, out);
  assert_string_equal(out, "3G");
  dpi_format_size(1000, out);
  assert_string_equal(out, "1000 bytes");
  dpi_format_size(0, out);
  assert_string_equal(out, "0 bytes");
}

static void test_make_term(void **state) {
  (void)state;
  char *t = dpi_make_term("Q", "short");
  assert_string_equal(t, "Qshort");
  free(t);
  char big[600];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = 0;
  t = dpi_make_term("XP", big);
  assert_true(strlen(t) <= 240);
  assert_non_null(strchr(t, '#'));
  free(t);
  char *f = dpi_fold("  Agence   France\xc2\xa0"
                     "Dépêche ",
                     29);
  assert_string_equal(f, "agence france depeche");
  free(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dates),
      cmocka_unit_test(test_text),
      cmocka_unit_test(test_json_lines),
      cmocka_unit_test(test_utf8_repair_and_binary),
      cmocka_unit_test(test_gzip_stream),
      cmocka_unit_test(test_stream_limit),
      cmocka_unit_test(test_sizes),
      cmocka_unit_test(test_make_term),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
