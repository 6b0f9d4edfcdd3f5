/* test_index_json.c — the JSON Lines fast path of indexer/readers.c.
 *
 * dpi_read_json_line reads a flat object of strings, null and booleans
 * itself and leaves every other line to jansson. Whatever path a line
 * takes, the article (every field, the repair count) and the error message
 * must be those of the jansson-only reader (dpi_read_json_line_jansson,
 * the code dpi_read_json_line had before the fast path). Checked on
 * hand-picked lines (escapes, surrogates, invalid UTF-8, duplicates,
 * literals, numbers, syntax errors) and on random mutations of them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "dpi.h"

static void same_str(const char *what, const char *line, const char *x,
                     const char *y) {
  if ((x == NULL) != (y == NULL) || (x && strcmp(x, y) != 0))
    fail_msg("%s differs on line [%s]: [%s] vs [%s]", what, line,
             x ? x : "(null)", y ? y : "(null)");
}

/* Reads line both ways and compares everything. */
static void compare_line(const char *line, size_t len) {
  dpi_article a = {0}, b = {0};
  char *ea = NULL, *eb = NULL;
  int ra = dpi_read_json_line(line, len, &a, &ea);
  int rb = dpi_read_json_line_jansson(line, len, &b, &eb);
  if (ra != rb)
    fail_msg("status %d vs %d on line [%.*s]", ra, rb, (int)len, line);
  same_str("error", line, ra ? ea : NULL, rb ? eb : NULL);
  same_str("id", line, a.id, b.id);
  same_str("title", line, a.title, b.title);
  same_str("date", line, a.date, b.date);
  same_str("source", line, a.source, b.source);
  same_str("url", line, a.url, b.url);
  same_str("author", line, a.author, b.author);
  same_str("lang", line, a.lang, b.lang);
  same_str("lead", line, a.lead, b.lead);
  same_str("body", line, a.body, b.body);
  assert_int_equal(a.n_repaired, b.n_repaired);
  free(ea);
  free(eb);
  dpi_article_clear(&a);
  dpi_article_clear(&b);
}

static const char *const seeds[] = {
    "{\"id\": \"a-1\", \"title\": \"Olivier V\xc3\xa9ran : 400 millions\", "
    "\"date\": \"2020-07-02\", \"url\": \"https://x.fr/a\", \"heading\": "
    "\"Cela porte \xc3\xa0 7 milliards.\", \"body\": \"Cette d\xc3\xa9"
    "cision a \xc3\xa9t\xc3\xa9 annonc\xc3\xa9"
    "e.\"}",
    "{\"id\":\"x\",\"body\":\"b\"}",
    "  {\"body\" : \"texte\" , \"title\":\"T\"}  ",
    "{\"body\":\"a \\\"cit\\u00e9\\\" \\\\ \\/ \\b\\f\\n\\r\\t fin\"}",
    "{\"body\":\"\\u00C9t\\u00e9 \\u20AC \\ud83d\\ude00 \\uD83D\\uDE00\"}",
    "{\"body\":\"lone \\ud83d x\"}",
    "{\"body\":\"lone \\ude00 x\"}",
    "{\"body\":\"high then bad \\ud83d\\u0041\"}",
    "{\"body\":\"nul \\u0000 x\"}",
    "{\"body\":\"bad \\x escape\"}",
    "{\"body\":\"short \\u12\"}",
    "{\"body\":\"raw\ttab\"}",
    "{\"body\":\"raw \x01 control\"}",
    "{\"body\":\"ok\", \"body\":\"dup\"}",
    "{\"body\":\"ok\", \"b\\u006fdy\":\"dup by escape\"}",
    "{\"b\\u006fdy\":\"key with an escape\", \"t\\u00eftre\":\"x\"}",
    "{\"body\":\"bad \xc0\x80 overlong\"}",
    "{\"body\":\"bad \xe0\x80\x80 overlong\"}",
    "{\"body\":\"bad \xed\xa0\x80 surrogate\"}",
    "{\"body\":\"bad \xf4\x90\x80\x80 too big\"}",
    "{\"body\":\"bad \xf0\x80\x80\x80 overlong\"}",
    "{\"body\":\"bad \xc3 truncated\"}",
    "{\"body\":\"bad \xff byte\"}",
    "{\"body\":\"ok \xf0\x9f\x98\x80 \xe2\x82\xac \xef\xbf\xbd\"}",
    "{\"body\":null, \"text\":\"from text\"}",
    "{\"body\":\"  \", \"content\":\" from content \"}",
    "{\"body\":true, \"text\":false, \"content\":\"c\"}",
    "{\"body\":nullx}",
    "{\"body\":tru}",
    "{\"body\":null}",
    "{\"heading\":\"only the lead\"}",
    "{\"summary\":\"lead\", \"chapo\":\"other\", \"body\":\"\"}",
    "{\"title\":\"no body\"}",
    "{}",
    "{ }",
    "[]",
    "[{\"body\":\"in an array\"}]",
    "\"just a string\"",
    "{\"body\":\"x\",}",
    "{\"body\":\"x\"} trailing",
    "{\"body\":\"x\"}}",
    "{\"body\" \"x\"}",
    "{body:\"x\"}",
    "{\"body\":\"x\"",
    "{\"body\":\"unterminated}",
    "{\"id\":42,\"body\":\"integer id\"}",
    "{\"id\":-0,\"body\":\"x\"}",
    "{\"id\":1.5,\"body\":\"real id\"}",
    "{\"id\":1e3,\"body\":\"x\"}",
    "{\"id\":01,\"body\":\"x\"}",
    "{\"author\":[\"A\",\"B\"],\"body\":\"x\"}",
    "{\"authors\":[],\"auteur\":\"C\",\"body\":\"x\"}",
    "{\"meta\":{\"a\":1},\"body\":\"x\"}",
    "{\"date\":\"Thu, 02 Jul 2020 10:00:00 +0200\",\"body\":\"x\"}",
    "{\"published\":\"2 juillet 2020\",\"body\":\"x\"}",
    "{\"date\":\"pas une date\",\"pubDate\":\"2020-01-01\",\"body\":\"x\"}",
    "{\"source\":\"Le Monde\",\"site\":\"lemonde.fr\",\"link\":\"u\","
    "\"language\":\"fr\",\"lang\":\"\",\"body\":\"x\"}",
    "\xef\xbb\xbf{\"body\":\"bom\"}",
    "{\"body\":\"\xc2\xa0nbsp around\xc2\xa0\"}",
    "{\"body\":\"x\"}\r",
    "\t{\r\"body\"\n:\t\"x\"\r}\n",
};

static void test_seeds(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++)
    compare_line(seeds[i], strlen(seeds[i]));
}

/* 65 members: more than the fast path holds */
static void test_many_members(void **state) {
  (void)state;
  dpi_str s = {0};
  assert_int_equal(dpi_str_adds(&s, "{"), 0);
  for (int i = 0; i < 70; i++) {
    char m[64];
    snprintf(m, sizeof m, "\"k%d\":\"v%d\",", i, i);
    assert_int_equal(dpi_str_adds(&s, m), 0);
    if (i == 63 || i == 64 || i == 69) {
      dpi_str t = {0};
      assert_int_equal(dpi_str_add(&t, s.p, s.n), 0);
      assert_int_equal(dpi_str_adds(&t, "\"body\":\"x\"}"), 0);
      compare_line(t.p, t.n);
      dpi_str_free(&t);
    }
  }
  dpi_str_free(&s);
}

/* Random mutations of the seeds: inserted, replaced and deleted bytes drawn
 * from what matters to a JSON lexer. */
static void test_mutations(void **state) {
  (void)state;
  static const char alphabet[] = "\"\\{}[],:/ \tunlltrue0123456789abcdefABCDEF"
                                 "-+.eE\x01\x1f\x7f\x80\xbf\xc0\xc3\xa9\xe2"
                                 "\xed\xa0\xf0\xf4\x90\xff";
  uint64_t x = 0x9e3779b97f4a7c15ull;
  size_t nseeds = sizeof seeds / sizeof *seeds;
  char buf[1024];
  for (int it = 0; it < 60000; it++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const char *seed = seeds[x % nseeds];
    size_t n = strlen(seed);
    if (n >= sizeof buf - 8)
      continue;
    memcpy(buf, seed, n);
    int edits = 1 + (int)((x >> 20) % 3);
    for (int k = 0; k < edits; k++) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      size_t at = n ? (size_t)(x >> 8) % n : 0;
      char c = alphabet[(x >> 40) % (sizeof alphabet - 1)];
      switch (x % 3) {
      case 0: /* insert */
        if (n + 1 < sizeof buf) {
          memmove(buf + at + 1, buf + at, n - at);
          buf[at] = c;
          n++;
        }
        break;
      case 1: /* replace */
        if (n)
          buf[at] = c;
        break;
      default: /* delete */
        if (n) {
          memmove(buf + at, buf + at + 1, n - at - 1);
          n--;
        }
      }
    }
    compare_line(buf, n);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_seeds),
      cmocka_unit_test(test_many_members),
      cmocka_unit_test(test_mutations),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
