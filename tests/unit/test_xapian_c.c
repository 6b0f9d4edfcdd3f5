/* test_xapian_c.c — cmocka tests of the C binding over libxapian.
 *
 * Every test gets a fresh directory from mkdtemp under $TMPDIR (or /tmp),
 * removed afterwards. Small tables drive the query tests: one line per case.
 * The remote-shard test starts xapian-tcpsrv on 127.0.0.1 on a free port.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "xapian_c.h"

/* ------------------------------------------------------------------ */
/* Fixture: a temporary directory                                      */
/* ------------------------------------------------------------------ */

typedef struct fx {
  char dir[4096];
  xc_error err;
  pid_t server; /* xapian-tcpsrv started by the test, 0 if none */
} fx;

static int rm_entry(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  if (!f)
    return -1;
  const char *tmp = getenv("TMPDIR");
  if (!tmp || !*tmp)
    tmp = "/tmp";
  snprintf(f->dir, sizeof f->dir, "%s/xc-test-XXXXXX", tmp);
  if (!mkdtemp(f->dir)) {
    free(f);
    return -1;
  }
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  if (f->server > 0) {
    kill(-f->server, SIGTERM);
    waitpid(f->server, NULL, 0);
  }
  xc_error_clear(&f->err);
  nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
  free(f);
  return 0;
}

/* Path of name inside the fixture directory (static buffer per call site
 * is not enough when two are live at once: caller passes a buffer). */
static const char *path_in(const fx *f, const char *name, char *buf,
                           size_t size) {
  snprintf(buf, size, "%s/%s", f->dir, name);
  return buf;
}

/* Asserts rc is XC_OK, printing the message otherwise. */
#define OK(call)                                                               \
  do {                                                                         \
    int ok_rc_ = (call);                                                       \
    if (ok_rc_ != XC_OK)                                                       \
      fail_msg("%s -> %d: %s", #call, ok_rc_, xc_error_message(&f->err));      \
  } while (0)

/* Asserts call fails with status and leaves a non-empty message. */
#define FAILS(want, call)                                                      \
  do {                                                                         \
    xc_error_clear(&f->err);                                                   \
    int fails_rc_ = (call);                                                    \
    if (fails_rc_ != (want))                                                   \
      fail_msg("%s -> %d (%s), expected %d", #call, fails_rc_,                 \
               xc_error_message(&f->err), (want));                             \
    assert_int_equal(f->err.status, (want));                                   \
    assert_non_null(f->err.message);                                           \
    assert_true(strlen(f->err.message) > 0);                                   \
  } while (0)

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* A document whose words (space-separated) are posted at positions 1..n,
 * with unique term "Q<id>", data = text, slot 0 = date, slot 2 = source. */
static xc_doc *make_doc(fx *f, const char *id, const char *text,
                        const char *date, const char *source) {
  xc_doc *d = NULL;
  OK(xc_doc_new(&d, &f->err));
  char *copy = strdup(text);
  assert_non_null(copy);
  uint32_t pos = 1;
  for (char *save = NULL, *w = strtok_r(copy, " ", &save); w;
       w = strtok_r(NULL, " ", &save))
    OK(xc_doc_add_posting(d, w, pos++, 1, &f->err));
  free(copy);
  char q[256];
  snprintf(q, sizeof q, "Q%s", id);
  OK(xc_doc_add_boolean_term(d, q, &f->err));
  OK(xc_doc_set_data(d, text, strlen(text), &f->err));
  if (date)
    OK(xc_doc_set_value(d, 0, date, strlen(date), &f->err));
  if (source)
    OK(xc_doc_set_value(d, 2, source, strlen(source), &f->err));
  return d;
}

/* Replaces-or-adds the article id in a writable db. */
static xc_docid put(fx *f, xc_db *w, const char *id, const char *text,
                    const char *date, const char *source) {
  xc_doc *d = make_doc(f, id, text, date, source);
  char q[256];
  snprintf(q, sizeof q, "Q%s", id);
  xc_docid did = 0;
  OK(xc_db_replace_by_term(&did, w, q, d, &f->err));
  xc_doc_free(d);
  assert_true(did > 0);
  return did;
}

static xc_db *new_writable(fx *f, const char *name) {
  char p[4200];
  xc_db *w = NULL;
  OK(xc_db_open_writable(&w, path_in(f, name, p, sizeof p),
                         XC_DB_CREATE_OR_OPEN | XC_DB_NO_SYNC, &f->err));
  return w;
}

static xc_db *open_ro(fx *f, const char *name) {
  char p[4200];
  xc_db *r = NULL;
  OK(xc_db_open(&r, path_in(f, name, p, sizeof p), &f->err));
  return r;
}

/* Runs q on db and writes the matching article ids (document data's first
 * word is not used: ids come from slot-less data) as "id,id,..." in rank
 * order, reading each hit's "Q" term back through the data. Returns the
 * number of hits. */
static size_t run(fx *f, xc_db *db, const xc_query *q, char *ids, size_t size) {
  xc_enquire *e = NULL;
  xc_mset *m = NULL;
  OK(xc_enquire_new(&e, db, &f->err));
  OK(xc_enquire_set_query(e, q, 0, &f->err));
  OK(xc_enquire_get_mset(&m, e, 0, 100, 100, &f->err));
  size_t n = xc_mset_size(m);
  ids[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    xc_mset_item it;
    OK(xc_mset_item_get(&it, m, i, &f->err));
    xc_termit *t = NULL;
    OK(xc_db_doc_terms(&t, db, it.docid, &f->err));
    int r;
    while ((r = xc_termit_next(t, &f->err)) == 1) {
      const char *term = xc_termit_term(t, NULL);
      if (term[0] == 'Q') {
        if (ids[0])
          strncat(ids, ",", size - strlen(ids) - 1);
        strncat(ids, term + 1, size - strlen(ids) - 1);
      }
    }
    assert_int_equal(r, 0);
    xc_termit_free(t);
  }
  xc_mset_free(m);
  xc_enquire_free(e);
  return n;
}

/* The standard little corpus. */
static void fill(fx *f, xc_db *w) {
  put(f, w, "a1", "le chat noir dort sur le canape", "20210701", "afp");
  put(f, w, "a2", "le chien noir mange", "20210715", "reuters");
  put(f, w, "a3", "un chat blanc et un chien noir jouent", "20210801", "afp");
  put(f, w, "a4", "noir est le chat qui dort", "20200101", "lemonde");
  OK(xc_db_commit(w, &f->err));
}

/* ------------------------------------------------------------------ */
/* Statuses                                                            */
/* ------------------------------------------------------------------ */

static void test_status_names(void **state) {
  (void)state;
  static const int all[] = {XC_OK,          XC_ERR_OTHER,     XC_ERR_NOMEM,
                            XC_ERR_INVALID, XC_ERR_NOT_FOUND, XC_ERR_OPEN,
                            XC_ERR_CORRUPT, XC_ERR_LOCKED,    XC_ERR_MODIFIED,
                            XC_ERR_NETWORK, XC_ERR_NO_DOC,    XC_ERR_LIMIT};
  size_t n = sizeof all / sizeof all[0];
  for (size_t i = 0; i < n; i++) {
    assert_non_null(xc_status_name(all[i]));
    for (size_t j = 0; j < i; j++)
      assert_string_not_equal(xc_status_name(all[i]), xc_status_name(all[j]));
  }
  assert_string_equal(xc_status_name(-999), "unknown status");
  xc_error e = XC_ERROR_INIT;
  assert_string_equal(xc_error_message(&e), "ok");
  xc_error_clear(&e);
  xc_error_clear(NULL);
  assert_true(strncmp(xc_version_string(), "1.", 2) == 0);
}

/* ------------------------------------------------------------------ */
/* Create, add, search                                                 */
/* ------------------------------------------------------------------ */

static void test_create_add_search(void **state) {
  fx *f = *state;
  xc_db *w = new_writable(f, "db");
  assert_int_equal(xc_db_is_writable(w), 1);
  fill(f, w);
  OK(xc_db_set_metadata(w, "depeche:schema", "1", 1, &f->err));
  OK(xc_db_commit(w, &f->err));
  OK(xc_db_close(w, &f->err));

  xc_db *r = open_ro(f, "db");
  assert_int_equal(xc_db_is_writable(r), 0);
  uint32_t n = 0;
  OK(xc_db_doc_count(&n, r, &f->err));
  assert_int_equal(n, 4);
  xc_docid last = 0;
  OK(xc_db_last_docid(&last, r, &f->err));
  assert_int_equal(last, 4);
  OK(xc_db_term_freq(&n, r, "chat", &f->err));
  assert_int_equal(n, 3);
  OK(xc_db_term_freq(&n, r, "absent", &f->err));
  assert_int_equal(n, 0);
  uint64_t cf = 0;
  OK(xc_db_collection_freq(&cf, r, "le", &f->err));
  assert_int_equal(cf, 4); /* a1 x2, a2, a4 */
  int ex = -1;
  OK(xc_db_term_exists(&ex, r, "chien", &f->err));
  assert_int_equal(ex, 1);
  OK(xc_db_term_exists(&ex, r, "loup", &f->err));
  assert_int_equal(ex, 0);
  double avg = 0;
  OK(xc_db_avg_length(&avg, r, &f->err));
  assert_true(avg > 6.24 && avg < 6.26); /* (7 + 4 + 8 + 6) / 4 */
  char *meta = NULL;
  size_t mlen = 99;
  OK(xc_db_get_metadata(&meta, &mlen, r, "depeche:schema", &f->err));
  assert_string_equal(meta, "1");
  assert_int_equal(mlen, 1);
  free(meta);
  OK(xc_db_get_metadata(&meta, &mlen, r, "absent", &f->err));
  assert_string_equal(meta, "");
  assert_int_equal(mlen, 0);
  free(meta);

  /* chat OR chien, BM25: every hit has weight > 0, ranks 0..n-1. */
  xc_query *a = NULL, *b = NULL, *q = NULL;
  OK(xc_query_term(&a, "chat", 0, 0, &f->err));
  OK(xc_query_term(&b, "chien", 0, 0, &f->err));
  const xc_query *ab[] = {a, b};
  OK(xc_query_combine(&q, XC_OP_OR, ab, 2, 0, &f->err));
  xc_enquire *e = NULL;
  xc_mset *m = NULL;
  OK(xc_enquire_new(&e, r, &f->err));
  OK(xc_enquire_set_query(e, q, 0, &f->err));
  xc_bm25 bm = XC_BM25_INIT;
  bm.k1 = 1.2;
  bm.b = 0.75;
  OK(xc_enquire_set_bm25(e, &bm, &f->err));
  OK(xc_enquire_get_mset(&m, e, 0, 10, 0, &f->err));
  assert_int_equal(xc_mset_size(m), 4);
  assert_int_equal(xc_mset_matches_estimated(m), 4);
  assert_true(xc_mset_matches_lower_bound(m) <= 4);
  assert_true(xc_mset_matches_upper_bound(m) >= 4);
  for (size_t i = 0; i < xc_mset_size(m); i++) {
    xc_mset_item it;
    OK(xc_mset_item_get(&it, m, i, &f->err));
    assert_int_equal(it.rank, i);
    assert_true(it.weight > 0);
    assert_true(it.percent > 0 && it.percent <= 100);
    char *data = NULL, *val = NULL;
    size_t dlen = 0, vlen = 0;
    OK(xc_mset_data(&data, &dlen, m, i, &f->err));
    assert_int_equal(strlen(data), dlen);
    assert_true(strstr(data, "chat") || strstr(data, "chien"));
    OK(xc_mset_value(&val, &vlen, m, i, 0, &f->err));
    assert_int_equal(vlen, 8);
    xc_doc *d = NULL;
    OK(xc_mset_document(&d, m, i, &f->err));
    assert_int_equal(xc_doc_get_docid(d), it.docid);
    char *v2 = NULL;
    OK(xc_doc_get_value(&v2, NULL, d, 0, &f->err));
    assert_string_equal(v2, val);
    free(v2);
    xc_doc_free(d);
    free(data);
    free(val);
  }
  /* a3 has both words: ranked first. */
  char *first = NULL;
  OK(xc_mset_data(&first, NULL, m, 0, &f->err));
  assert_string_equal(first, "un chat blanc et un chien noir jouent");
  free(first);
  xc_mset_free(m);

  /* offset / limit */
  OK(xc_enquire_get_mset(&m, e, 3, 10, 0, &f->err));
  assert_int_equal(xc_mset_size(m), 1);
  xc_mset_item it;
  OK(xc_mset_item_get(&it, m, 0, &f->err));
  assert_int_equal(it.rank, 3);
  xc_mset_free(m);

  /* get_document + data round trip */
  xc_doc *d = NULL;
  OK(xc_db_get_document(&d, r, 2, &f->err));
  char *data = NULL;
  size_t dlen = 0;
  OK(xc_doc_get_data(&data, &dlen, d, &f->err));
  assert_string_equal(data, "le chien noir mange");
  free(data);
  xc_doc_free(d);

  xc_query_free(a);
  xc_query_free(b);
  xc_query_free(q);
  xc_enquire_free(e);
  OK(xc_db_close(r, &f->err));
}

/* ------------------------------------------------------------------ */
/* Query table: phrase, near, boolean operators, value ranges           */
/* ------------------------------------------------------------------ */

typedef enum qkind { QK_PHRASE, QK_NEAR, QK_OP, QK_RANGE } qkind;

typedef struct qcase {
  qkind kind;
  const char *terms[4]; /* words, or {lo, hi} for ranges ("" = open) */
  uint32_t param;       /* window, or xc_op for QK_OP, or slot */
  const char *expect;   /* ids in rank (or docid) order, "" = none */
} qcase;

static const qcase kQueries[] = {
    /* phrases: adjacent, in order */
    {QK_PHRASE, {"chat", "noir"}, 0, "a1"},
    {QK_PHRASE, {"noir", "chat"}, 0, ""},
    {QK_PHRASE, {"chat", "dort"}, 0, ""},
    {QK_PHRASE, {"chat", "qui", "dort"}, 0, "a4"},
    {QK_PHRASE, {"chat", "dort"}, 3, "a1,a4"},
    {QK_PHRASE, {"le", "chat", "noir"}, 0, "a1"},
    {QK_PHRASE, {"chien", "noir", "mange"}, 0, "a2"},
    {QK_PHRASE, {"chat", "absent"}, 0, ""},
    /* near: any order, within the window */
    {QK_NEAR, {"noir", "chat"}, 2, "a1"},
    {QK_NEAR, {"dort", "chat"}, 2, ""},
    {QK_NEAR, {"dort", "chat"}, 3, "a1,a4"},
    {QK_NEAR, {"chat", "chien"}, 5, "a3"},
    {QK_NEAR, {"chien", "chat"}, 5, "a3"},
    {QK_NEAR, {"chat", "chien"}, 4, ""},
    /* operators over terms */
    {QK_OP, {"chat", "noir"}, XC_OP_AND, "a1,a3,a4"},
    {QK_OP, {"chat", "chien"}, XC_OP_AND_NOT, "a1,a4"},
    {QK_OP, {"chien", "chat"}, XC_OP_AND_NOT, "a2"},
    {QK_OP, {"chat", "blanc"}, XC_OP_FILTER, "a3"},
    {QK_OP, {"chat", "chien"}, XC_OP_XOR, "a1,a2,a4"},
    {QK_OP, {"mange", "chien"}, XC_OP_AND_MAYBE, "a2"},
    {QK_OP, {"blanc", "mange"}, XC_OP_SYNONYM, "a2,a3"},
    {QK_OP, {"blanc", "mange"}, XC_OP_ELITE_SET, "a2,a3"},
    {QK_OP, {"blanc", "mange"}, XC_OP_MAX, "a2,a3"},
    /* value ranges on slot 0 (dates) and 2 (sources) */
    {QK_RANGE, {"20210701", "20210731"}, 0, "a1,a2"},
    {QK_RANGE, {"20210701", ""}, 0, "a1,a2,a3"},
    {QK_RANGE, {"", "20210701"}, 0, "a1,a4"},
    {QK_RANGE, {"", ""}, 0, "a1,a2,a3,a4"},
    {QK_RANGE, {"20300101", ""}, 0, ""},
    {QK_RANGE, {"afp", "afp"}, 2, "a1,a3"},
};

/* Sorts the comma-separated ids so tables need not know BM25 ranks. */
static void sort_ids(char *ids) {
  char *parts[16];
  size_t n = 0;
  char buf[256];
  snprintf(buf, sizeof buf, "%s", ids);
  for (char *s = NULL, *p = strtok_r(buf, ",", &s); p && n < 16;
       p = strtok_r(NULL, ",", &s))
    parts[n++] = p;
  for (size_t i = 1; i < n; i++)
    for (size_t j = i; j > 0 && strcmp(parts[j - 1], parts[j]) > 0; j--) {
      char *t = parts[j];
      parts[j] = parts[j - 1];
      parts[j - 1] = t;
    }
  ids[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    if (i)
      strcat(ids, ",");
    strcat(ids, parts[i]);
  }
}

static void test_query_table(void **state) {
  fx *f = *state;
  xc_db *w = new_writable(f, "db");
  fill(f, w);
  OK(xc_db_close(w, &f->err));
  xc_db *r = open_ro(f, "db");
  for (size_t c = 0; c < sizeof kQueries / sizeof kQueries[0]; c++) {
    const qcase *k = &kQueries[c];
    size_t nt = 0;
    while (nt < 4 && k->terms[nt])
      nt++;
    xc_query *q = NULL;
    if (k->kind == QK_PHRASE)
      OK(xc_query_phrase(&q, k->terms, nt, k->param, &f->err));
    else if (k->kind == QK_NEAR)
      OK(xc_query_near(&q, k->terms, nt, k->param, &f->err));
    else if (k->kind == QK_RANGE)
      OK(xc_query_value_range(&q, k->param, *k->terms[0] ? k->terms[0] : NULL,
                              *k->terms[1] ? k->terms[1] : NULL, &f->err));
    else {
      xc_query *subs[4] = {NULL};
      for (size_t i = 0; i < nt; i++)
        OK(xc_query_term(&subs[i], k->terms[i], 1, 0, &f->err));
      OK(xc_query_combine(&q, (xc_op)k->param, (const xc_query *const *)subs,
                          nt, 2, &f->err));
      for (size_t i = 0; i < nt; i++)
        xc_query_free(subs[i]);
    }
    char ids[256];
    run(f, r, q, ids, sizeof ids);
    sort_ids(ids);
    if (strcmp(ids, k->expect) != 0) {
      char *desc = NULL;
      xc_query_describe(&desc, q, NULL);
      fail_msg("case %zu %s: got \"%s\", expected \"%s\"", c, desc, ids,
               k->expect);
    }
    xc_query_free(q);
  }
  xc_db_free(r);
}

static void test_query_misc(void **state) {
  fx *f = *state;
  xc_db *w = new_writable(f, "db");
  fill(f, w);
  xc_query *q = NULL, *t = NULL, *s = NULL;
  char ids[256], *desc = NULL;

  OK(xc_query_match_all(&q, &f->err));
  assert_int_equal(run(f, w, q, ids, sizeof ids), 4);
  xc_query_free(q);
  OK(xc_query_match_nothing(&q, &f->err));
  assert_int_equal(xc_query_is_empty(q), 1);
  assert_int_equal(run(f, w, q, ids, sizeof ids), 0);
  xc_query_free(q);

  OK(xc_query_value_ge(&q, 0, "20210715", &f->err));
  assert_int_equal(run(f, w, q, ids, sizeof ids), 2);
  xc_query_free(q);
  OK(xc_query_value_le(&q, 0, "20210715", &f->err));
  assert_int_equal(run(f, w, q, ids, sizeof ids), 3);
  xc_query_free(q);

  /* term with wqf and position; description for tests and --debug */
  OK(xc_query_term(&t, "chat", 2, 5, &f->err));
  OK(xc_query_describe(&desc, t, &f->err));
  assert_string_equal(desc, "Query(chat#2@5)");
  free(desc);
  OK(xc_query_scale(&s, t, 0.0, &f->err));
  OK(xc_query_describe(&desc, s, &f->err));
  assert_non_null(strstr(desc, "0 * chat"));
  free(desc);
  /* scale 0: pure filter, weights 0 */
  xc_enquire *e = NULL;
  xc_mset *m = NULL;
  xc_mset_item it;
  OK(xc_enquire_new(&e, w, &f->err));
  OK(xc_enquire_set_query(e, s, 0, &f->err));
  OK(xc_enquire_get_mset(&m, e, 0, 10, 0, &f->err));
  assert_int_equal(xc_mset_size(m), 3);
  OK(xc_mset_item_get(&it, m, 0, &f->err));
  assert_true(it.weight == 0.0);
  xc_mset_free(m);
  xc_query *dup = NULL;
  OK(xc_query_dup(&dup, s, &f->err));
  xc_query_free(s);
  OK(xc_query_describe(&desc, dup, &f->err));
  assert_non_null(strstr(desc, "chat"));
  free(desc);
  xc_query_free(dup);
  xc_query_free(t);
  xc_enquire_free(e);
  OK(xc_db_close(w, &f->err));
}

/* ------------------------------------------------------------------ */
/* Sorting, collapsing, cutoff                                         */
/* ------------------------------------------------------------------ */

static void mset_ids(fx *f, xc_enquire *e, char *out, size_t size) {
  xc_mset *m = NULL;
  OK(xc_enquire_get_mset(&m, e, 0, 10, 10, &f->err));
  out[0] = '\0';
  for (size_t i = 0; i < xc_mset_size(m); i++) {
    char *data = NULL;
    OK(xc_mset_value(&data, NULL, m, i, 0, &f->err));
    if (i)
      strncat(out, ",", size - strlen(out) - 1);
    strncat(out, data, size - strlen(out) - 1);
    free(data);
  }
  xc_mset_free(m);
}

static void test_enquire_options(void **state) {
  fx *f = *state;
  xc_db *w = new_writable(f, "db");
  fill(f, w);
  xc_query *q = NULL;
  OK(xc_query_term(&q, "noir", 0, 0, &f->err));
  xc_enquire *e = NULL;
  OK(xc_enquire_new(&e, w, &f->err));
  OK(xc_enquire_set_query(e, q, 0, &f->err));
  char got[256];

  OK(xc_enquire_set_sort(e, XC_SORT_VALUE, 0, 0, &f->err));
  mset_ids(f, e, got, sizeof got);
  assert_string_equal(got, "20200101,20210701,20210715,20210801");
  OK(xc_enquire_set_sort(e, XC_SORT_VALUE, 0, 1, &f->err));
  mset_ids(f, e, got, sizeof got);
  assert_string_equal(got, "20210801,20210715,20210701,20200101");
  OK(xc_enquire_set_sort(e, XC_SORT_VALUE_THEN_RELEVANCE, 0, 1, &f->err));
  mset_ids(f, e, got, sizeof got);
  assert_string_equal(got, "20210801,20210715,20210701,20200101");
  OK(xc_enquire_set_sort(e, XC_SORT_RELEVANCE_THEN_VALUE, 0, 0, &f->err));
  mset_ids(f, e, got, sizeof got);
  assert_int_equal(strlen(got), 4 * 8 + 3);

  /* bool weight + docid order: ties broken by docid */
  OK(xc_enquire_set_sort(e, XC_SORT_RELEVANCE, XC_BAD_SLOT, 0, &f->err));
  OK(xc_enquire_set_bool_weight(e, &f->err));
  OK(xc_enquire_set_docid_order(e, XC_DOCID_DESC, &f->err));
  mset_ids(f, e, got, sizeof got);
  assert_string_equal(got, "20200101,20210801,20210715,20210701");
  OK(xc_enquire_set_docid_order(e, XC_DOCID_ASC, &f->err));
  mset_ids(f, e, got, sizeof got);
  assert_string_equal(got, "20210701,20210715,20210801,20200101");
  OK(xc_enquire_set_docid_order(e, XC_DOCID_DONT_CARE, &f->err));

  /* collapse on source (slot 2): afp twice -> 3 hits, one collapsed */
  OK(xc_enquire_set_bm25(e, NULL, &f->err));
  OK(xc_enquire_set_collapse_key(e, 2, 1, &f->err));
  xc_mset *m = NULL;
  OK(xc_enquire_get_mset(&m, e, 0, 10, 10, &f->err));
  assert_int_equal(xc_mset_size(m), 3);
  uint32_t collapsed = 0;
  for (size_t i = 0; i < 3; i++) {
    xc_mset_item it;
    OK(xc_mset_item_get(&it, m, i, &f->err));
    collapsed += it.collapse_count;
  }
  assert_int_equal(collapsed, 1);
  xc_mset_free(m);
  OK(xc_enquire_set_collapse_key(e, XC_BAD_SLOT, 0, &f->err));

  /* cutoff: chat OR canape; 100% keeps only the best */
  xc_query *a = NULL, *b = NULL, *ab = NULL;
  OK(xc_query_term(&a, "chat", 0, 0, &f->err));
  OK(xc_query_term(&b, "canape", 0, 0, &f->err));
  const xc_query *subs[] = {a, b};
  OK(xc_query_combine(&ab, XC_OP_OR, subs, 2, 0, &f->err));
  OK(xc_enquire_set_query(e, ab, 0, &f->err));
  OK(xc_enquire_get_mset(&m, e, 0, 10, 10, &f->err));
  assert_int_equal(xc_mset_size(m), 3);
  xc_mset_free(m);
  OK(xc_enquire_set_cutoff(e, 100, 0, &f->err));
  OK(xc_enquire_get_mset(&m, e, 0, 10, 10, &f->err));
  assert_int_equal(xc_mset_size(m), 1);
  xc_mset_free(m);
  OK(xc_enquire_set_cutoff(e, 0, 1e9, &f->err));
  OK(xc_enquire_get_mset(&m, e, 0, 10, 10, &f->err));
  assert_int_equal(xc_mset_size(m), 0);
  xc_mset_free(m);

  xc_query_free(a);
  xc_query_free(b);
  xc_query_free(ab);
  xc_query_free(q);
  xc_enquire_free(e);
  OK(xc_db_close(w, &f->err));
}

/* ------------------------------------------------------------------ */
/* Replace, delete, transactions                                       */
/* ------------------------------------------------------------------ */

static void test_replace_keeps_one(void **state) {
  fx *f = *state;
  xc_db *w = new_writable(f, "db");
  xc_docid d1 = put(f, w, "x", "premiere version", "20210101", "afp");
  OK(xc_db_commit(w, &f->err));
  xc_docid d2 = put(f, w, "x", "deuxieme version", "20210102", "afp");
  xc_docid d3 = put(f, w, "x", "troisieme version", "20210103", "afp");
  OK(xc_db_commit(w, &f->err));
  assert_int_equal(d1, d2);
  assert_int_equal(d2, d3);
  uint32_t n = 0;
  OK(xc_db_doc_count(&n, w, &f->err));
  assert_int_equal(n, 1);
  xc_docid found = 0;
  OK(xc_db_find_unique(&found, w, "Qx", &f->err));
  assert_int_equal(found, d1);
  OK(xc_db_find_unique(&found, w, "Qnope", &f->err));
  assert_int_equal(found, 0);
  OK(xc_db_term_freq(&n, w, "premiere", &f->err));
  assert_int_equal(n, 0);
  xc_doc *d = NULL;
  OK(xc_db_get_document(&d, w, d1, &f->err));
  char *data = NULL;
  OK(xc_doc_get_data(&data, NULL, d, &f->err));
  assert_string_equal(data, "troisieme version");
  free(data);
  xc_doc_free(d);
  /* replace by docid */
  xc_doc *nd = make_doc(f, "x", "quatrieme version", NULL, NULL);
  OK(xc_db_replace_document(w, d1, nd, &f->err));
  xc_doc_free(nd);
  OK(xc_db_term_freq(&n, w, "quatrieme", &f->err));
  assert_int_equal(n, 1);
  OK(xc_db_close(w, &f->err));
}

static void test_delete(void **state) {
  fx *f = *state;
  xc_db *w = new_writable(f, "db");
  fill(f, w);
  OK(xc_db_delete_by_term(w, "Qa1", &f->err));
  OK(xc_db_delete_by_term(w, "Qnothing", &f->err)); /* no error */
  xc_docid id = 0;
  OK(xc_db_find_unique(&id, w, "Qa2", &f->err));
  OK(xc_db_delete_document(w, id, &f->err));
  FAILS(XC_ERR_NO_DOC, xc_db_delete_document(w, id, &f->err));
  FAILS(XC_ERR_NO_DOC, xc_db_delete_document(w, 12345, &f->err));
  xc_doc *d = NULL;
  FAILS(XC_ERR_NO_DOC, xc_db_get_document(&d, w, id, &f->err));
  assert_null(d);
  OK(xc_db_commit(w, &f->err));
  uint32_t n = 0;
  OK(xc_db_doc_count(&n, w, &f->err));
  assert_int_equal(n, 2);
  OK(xc_db_term_freq(&n, w, "canape", &f->err));
  assert_int_equal(n, 0);
  OK(xc_db_close(w, &f->err));
  xc_db *r = open_ro(f, "db");
  OK(xc_db_doc_count(&n, r, &f->err));
  assert_int_equal(n, 2);
  xc_db_free(r);
}

static void test_transactions(void **state) {
  fx *f = *state;
  xc_db *w = new_writable(f, "db");
  fill(f, w);
  uint32_t n = 0;
  OK(xc_db_begin_transaction(w, 1, &f->err));
  FAILS(XC_ERR_INVALID, xc_db_begin_transaction(w, 1, &f->err));
  put(f, w, "t1", "transaction annulee", NULL, NULL);
  OK(xc_db_cancel_transaction(w, &f->err));
  OK(xc_db_doc_count(&n, w, &f->err));
  assert_int_equal(n, 4);
  OK(xc_db_begin_transaction(w, 0, &f->err));
  put(f, w, "t2", "transaction validee", NULL, NULL);
  OK(xc_db_commit_transaction(w, &f->err));
  FAILS(XC_ERR_INVALID, xc_db_commit_transaction(w, &f->err));
  FAILS(XC_ERR_INVALID, xc_db_cancel_transaction(w, &f->err));
  OK(xc_db_commit(w, &f->err));
  OK(xc_db_doc_count(&n, w, &f->err));
  assert_int_equal(n, 5);
  /* close while a transaction is open cancels it */
  OK(xc_db_begin_transaction(w, 1, &f->err));
  put(f, w, "t3", "jamais vue", NULL, NULL);
  OK(xc_db_close(w, &f->err));
  xc_db *r = open_ro(f, "db");
  OK(xc_db_doc_count(&n, r, &f->err));
  assert_int_equal(n, 5);
  xc_db_free(r);
}

/* ------------------------------------------------------------------ */
/* Locks and snapshots                                                 */
/* ------------------------------------------------------------------ */

static void test_second_writer_locked(void **state) {
  fx *f = *state;
  char p[4200];
  path_in(f, "db", p, sizeof p);
  xc_db *w = new_writable(f, "db");
  xc_db *w2 = NULL;
  /* same process */
  FAILS(XC_ERR_LOCKED,
        xc_db_open_writable(&w2, p, XC_DB_CREATE_OR_OPEN, &f->err));
  assert_null(w2);
  assert_non_null(strstr(f->err.message, "lock"));
  /* another process */
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    xc_db *c = NULL;
    int rc = xc_db_open_writable(&c, p, XC_DB_CREATE_OR_OPEN, NULL);
    _exit(rc == XC_ERR_LOCKED ? 0 : 1);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
  /* readers are not blocked by the writer */
  xc_db *r = NULL;
  fill(f, w);
  OK(xc_db_open(&r, p, &f->err));
  xc_db_free(r);
  /* released on close */
  OK(xc_db_close(w, &f->err));
  OK(xc_db_open_writable(&w2, p, XC_DB_OPEN, &f->err));
  OK(xc_db_close(w2, &f->err));
}

/* Writes n documents with long bodies (enough blocks for glass to recycle
 * the blocks of old revisions). */
static void churn(fx *f, xc_db *w, int round, int n) {
  char id[32], text[2048];
  for (int i = 0; i < n; i++) {
    snprintf(id, sizeof id, "c%d", i);
    int k = 0;
    for (int j = 0; j < 60; j++)
      k += snprintf(text + k, sizeof text - (size_t)k, "mot%d_%d ",
                    (i * 7 + j + round) % 500, round);
    put(f, w, id, text, NULL, NULL);
  }
}

static void test_reader_modified_then_reopen(void **state) {
  fx *f = *state;
  xc_db *w = new_writable(f, "db");
  churn(f, w, 0, 300);
  OK(xc_db_commit(w, &f->err));
  xc_db *r = open_ro(f, "db");
  /* The writer rewrites everything, committing several times: the blocks
   * of the reader's revision get reused. */
  for (int round = 1; round <= 4; round++) {
    churn(f, w, round, 300);
    OK(xc_db_commit(w, &f->err));
  }
  /* The reader now reads its revision's blocks: modified. */
  int rc = XC_OK;
  xc_query *q = NULL;
  OK(xc_query_match_all(&q, &f->err));
  xc_enquire *e = NULL;
  OK(xc_enquire_new(&e, r, &f->err));
  OK(xc_enquire_set_query(e, q, 0, &f->err));
  for (xc_docid d = 1; d <= 300 && rc == XC_OK; d++) {
    xc_termit *t = NULL;
    rc = xc_db_doc_terms(&t, r, d, &f->err);
    while (rc == XC_OK) {
      int nx = xc_termit_next(t, &f->err);
      if (nx <= 0) {
        rc = nx;
        break;
      }
    }
    xc_termit_free(t);
  }
  assert_int_equal(rc, XC_ERR_MODIFIED);
  assert_int_equal(f->err.status, XC_ERR_MODIFIED);
  assert_non_null(f->err.message);
  /* reopen and retry: succeeds, sees the latest revision */
  int changed = 0;
  OK(xc_db_reopen(&changed, r, &f->err));
  assert_int_equal(changed, 1);
  xc_mset *m = NULL;
  OK(xc_enquire_get_mset(&m, e, 0, 300, 0, &f->err));
  assert_int_equal(xc_mset_size(m), 300);
  for (size_t i = 0; i < xc_mset_size(m); i++) {
    char *data = NULL;
    OK(xc_mset_data(&data, NULL, m, i, &f->err));
    assert_non_null(strstr(data, "_4 "));
    free(data);
  }
  xc_mset_free(m);
  OK(xc_db_reopen(&changed, r, &f->err));
  assert_int_equal(changed, 0);
  xc_enquire_free(e);
  xc_query_free(q);
  xc_db_free(r);
  OK(xc_db_reopen(&changed, w, &f->err)); /* writable: no-op */
  OK(xc_db_close(w, &f->err));
}

/* ------------------------------------------------------------------ */
/* Compaction                                                          */
/* ------------------------------------------------------------------ */

static void test_compact(void **state) {
  fx *f = *state;
  char src[4200], dst[4200], one[4200], viapath[4200];
  path_in(f, "db", src, sizeof src);
  path_in(f, "compact", dst, sizeof dst);
  path_in(f, "single.glass", one, sizeof one);
  path_in(f, "viapath", viapath, sizeof viapath);
  xc_db *w = new_writable(f, "db");
  for (int round = 0; round < 3; round++) {
    churn(f, w, round, 200);
    OK(xc_db_commit(w, &f->err));
  }
  fill(f, w);
  /* a writable handle compacts only when nothing is pending */
  put(f, w, "pending", "pas encore commis", NULL, NULL);
  char fromw[4200];
  path_in(f, "fromwriter", fromw, sizeof fromw);
  FAILS(XC_ERR_INVALID, xc_db_compact(w, fromw, 0, &f->err));
  OK(xc_db_delete_by_term(w, "Qpending", &f->err));
  OK(xc_db_commit(w, &f->err));
  OK(xc_db_compact(w, fromw, 0, &f->err));
  OK(xc_db_close(w, &f->err));
  xc_db *fw = open_ro(f, "fromwriter");
  uint32_t nfw = 0;
  OK(xc_db_doc_count(&nfw, fw, &f->err));
  assert_int_equal(nfw, 204);
  xc_db_free(fw);

  xc_db *r = open_ro(f, "db");
  OK(xc_db_compact(r, dst, 0, &f->err));
  OK(xc_db_compact(r, one, XC_COMPACT_SINGLE_FILE, &f->err));
  xc_db_free(r);
  OK(xc_compact_path(src, viapath, XC_COMPACT_MULTIPASS, &f->err));

  uint64_t before = 0, after = 0, single = 0;
  xc_table_size *ts = NULL;
  size_t nts = 0;
  OK(xc_db_table_sizes(&ts, &nts, &before, src, &f->err));
  int has_postlist = 0;
  for (size_t i = 0; i < nts; i++)
    if (strcmp(ts[i].name, "postlist.glass") == 0)
      has_postlist = ts[i].bytes > 0;
  assert_true(has_postlist);
  xc_table_sizes_free(ts, nts);
  OK(xc_db_table_sizes(&ts, &nts, &after, dst, &f->err));
  xc_table_sizes_free(ts, nts);
  OK(xc_db_table_sizes(&ts, &nts, &single, one, &f->err));
  assert_int_equal(nts, 1);
  assert_string_equal(ts[0].name, "single.glass");
  xc_table_sizes_free(ts, nts);
  assert_true(after > 0);
  assert_true(after <= before);
  assert_true(single <= before);
  FAILS(XC_ERR_NOT_FOUND,
        xc_db_table_sizes(&ts, &nts, NULL, "/nonexistent/xc", &f->err));

  const char *paths[] = {dst, one, viapath};
  for (size_t i = 0; i < 3; i++) {
    xc_db *c = NULL;
    OK(xc_db_open(&c, paths[i], &f->err));
    uint32_t n = 0;
    OK(xc_db_doc_count(&n, c, &f->err));
    assert_int_equal(n, 204);
    xc_query *q = NULL;
    const char *ph[] = {"chat", "noir"};
    OK(xc_query_phrase(&q, ph, 2, 0, &f->err));
    char ids[256];
    assert_int_equal(run(f, c, q, ids, sizeof ids), 1);
    assert_string_equal(ids, "a1");
    xc_query_free(q);
    xc_db_free(c);
  }
  /* destination exists: refused, never overwritten */
  xc_error_clear(&f->err);
  assert_true(xc_compact_path(src, one, XC_COMPACT_SINGLE_FILE, &f->err) < 0);
  assert_non_null(f->err.message);
}

/* ------------------------------------------------------------------ */
/* Opening errors                                                      */
/* ------------------------------------------------------------------ */

static void write_file(const char *path, const char *text) {
  FILE *fp = fopen(path, "w");
  assert_non_null(fp);
  fputs(text, fp);
  fclose(fp);
}

static void test_open_errors(void **state) {
  fx *f = *state;
  char p[4200];
  xc_db *db = NULL;
  FAILS(XC_ERR_NOT_FOUND,
        xc_db_open(&db, path_in(f, "missing", p, sizeof p), &f->err));
  assert_null(db);
  FAILS(XC_ERR_NOT_FOUND, xc_db_open_writable(&db, p, XC_DB_OPEN, &f->err));
  /* an empty directory is no database */
  FAILS(XC_ERR_NOT_FOUND, xc_db_open(&db, f->dir, &f->err));
  /* a text file is read as a stub file, and it is not one */
  write_file(path_in(f, "garbage.txt", p, sizeof p),
             "ceci n'est pas une base\n");
  FAILS(XC_ERR_OPEN, xc_db_open(&db, p, &f->err));
  assert_non_null(strstr(f->err.message, "garbage.txt"));
  /* a stub pointing at a missing database */
  write_file(path_in(f, "dangling.stub", p, sizeof p),
             "auto /nonexistent/xc/db\n");
  FAILS(XC_ERR_NOT_FOUND, xc_db_open(&db, p, &f->err));
  /* a directory that claims to be glass but holds junk */
  path_in(f, "junk", p, sizeof p);
  assert_int_equal(mkdir(p, 0700), 0);
  char q[4300];
  snprintf(q, sizeof q, "%s/iamglass", p);
  write_file(q, "not a glass version file, definitely not");
  FAILS(XC_ERR_CORRUPT, xc_db_open(&db, p, &f->err));
  FAILS(XC_ERR_CORRUPT, xc_db_open_writable(&db, p, XC_DB_OPEN, &f->err));
  /* create on an existing database */
  xc_db *w = new_writable(f, "db");
  OK(xc_db_close(w, &f->err));
  xc_error_clear(&f->err);
  int rc = xc_db_open_writable(&db, path_in(f, "db", p, sizeof p), XC_DB_CREATE,
                               &f->err);
  assert_true(rc == XC_ERR_OPEN || rc == XC_ERR_LOCKED);
  assert_int_equal(rc, XC_ERR_OPEN);
  assert_null(db);
  /* overwrite wipes */
  w = NULL;
  OK(xc_db_open_writable(&w, p, XC_DB_OPEN, &f->err));
  fill(f, w);
  OK(xc_db_close(w, &f->err));
  OK(xc_db_open_writable(&w, p, XC_DB_CREATE_OR_OVERWRITE | XC_DB_NO_SYNC,
                         &f->err));
  uint32_t n = 9;
  OK(xc_db_doc_count(&n, w, &f->err));
  assert_int_equal(n, 0);
  xc_db_free(w);
}

/* ------------------------------------------------------------------ */
/* Shards and stub files                                               */
/* ------------------------------------------------------------------ */

static void test_shards(void **state) {
  fx *f = *state;
  char p1[4200], p2[4200], stub[4200];
  xc_db *w1 = new_writable(f, "s1");
  put(f, w1, "s1a", "shard un chat", "20210101", "afp");
  put(f, w1, "s1b", "shard un chien", "20210102", "afp");
  OK(xc_db_close(w1, &f->err));
  xc_db *w2 = new_writable(f, "s2");
  put(f, w2, "s2a", "shard deux chat", "20210103", "reuters");
  OK(xc_db_close(w2, &f->err));
  path_in(f, "s1", p1, sizeof p1);
  path_in(f, "s2", p2, sizeof p2);

  xc_query *q = NULL;
  OK(xc_query_term(&q, "chat", 0, 0, &f->err));
  char ids[256];
  uint32_t n = 0;

  const char *both[] = {p1, p2};
  xc_db *db = NULL;
  OK(xc_db_open_shards(&db, both, 2, &f->err));
  OK(xc_db_doc_count(&n, db, &f->err));
  assert_int_equal(n, 3);
  assert_int_equal(run(f, db, q, ids, sizeof ids), 2);
  sort_ids(ids);
  assert_string_equal(ids, "s1a,s2a");
  OK(xc_db_term_freq(&n, db, "shard", &f->err));
  assert_int_equal(n, 3);
  xc_db_free(db);

  /* add_shard onto a one-shard handle */
  OK(xc_db_open(&db, p1, &f->err));
  OK(xc_db_add_shard(db, p2, &f->err));
  assert_int_equal(run(f, db, q, ids, sizeof ids), 2);
  FAILS(XC_ERR_NOT_FOUND, xc_db_add_shard(db, "/nonexistent/xc", &f->err));
  xc_db_free(db);

  /* stub file */
  char text[9000];
  snprintf(text, sizeof text, "auto %s\nauto %s\n", p1, p2);
  write_file(path_in(f, "both.stub", stub, sizeof stub), text);
  OK(xc_db_open(&db, stub, &f->err));
  OK(xc_db_doc_count(&n, db, &f->err));
  assert_int_equal(n, 3);
  assert_int_equal(run(f, db, q, ids, sizeof ids), 2);
  sort_ids(ids);
  assert_string_equal(ids, "s1a,s2a");
  /* stubs in a list of shards too */
  xc_db *db2 = NULL;
  const char *mixed[] = {stub, p1};
  OK(xc_db_open_shards(&db2, mixed, 2, &f->err));
  OK(xc_db_doc_count(&n, db2, &f->err));
  assert_int_equal(n, 5);
  xc_db_free(db2);
  xc_db_free(db);
  xc_query_free(q);
}

/* ------------------------------------------------------------------ */
/* Facet spies                                                         */
/* ------------------------------------------------------------------ */

static void test_spies(void **state) {
  fx *f = *state;
  xc_db *w = new_writable(f, "db");
  fill(f, w);
  /* multi-valued slot 4: entities joined by \x1f (a repeat counts once) */
  static const char *ent[] = {"P:macron\x1fO:onu", "P:macron",
                              "L:paris\x1fP:macron\x1fL:paris", ""};
  for (xc_docid d = 1; d <= 4; d++) {
    xc_doc *doc = NULL;
    OK(xc_db_get_document(&doc, w, d, &f->err));
    OK(xc_doc_set_value(doc, 4, ent[d - 1], strlen(ent[d - 1]), &f->err));
    OK(xc_db_replace_document(w, d, doc, &f->err));
    xc_doc_free(doc);
  }
  OK(xc_db_commit(w, &f->err));

  xc_spy *src = NULL, *multi = NULL;
  OK(xc_spy_new_values(&src, 2, &f->err));
  OK(xc_spy_new_multi(&multi, 4, '\x1f', &f->err));
  xc_query *q = NULL;
  OK(xc_query_match_all(&q, &f->err));
  xc_enquire *e = NULL;
  OK(xc_enquire_new(&e, w, &f->err));
  OK(xc_enquire_set_query(e, q, 0, &f->err));
  OK(xc_enquire_add_spy(e, src, &f->err));
  OK(xc_enquire_add_spy(e, multi, &f->err));
  xc_mset *m = NULL;
  OK(xc_enquire_get_mset(&m, e, 0, 1, 100, &f->err));
  xc_mset_free(m);

  xc_facets *fa = NULL;
  OK(xc_spy_top(&fa, src, 0, &f->err));
  assert_int_equal(fa->total, 4);
  assert_int_equal(fa->n, 3);
  assert_string_equal(fa->items[0].value, "afp");
  assert_int_equal(fa->items[0].count, 2);
  assert_string_equal(fa->items[1].value, "lemonde"); /* tie: by value */
  assert_int_equal(fa->items[1].count, 1);
  assert_string_equal(fa->items[2].value, "reuters");
  xc_facets_free(fa);

  OK(xc_spy_top(&fa, multi, 2, &f->err));
  assert_int_equal(fa->total, 4);
  assert_int_equal(fa->n, 2);
  assert_string_equal(fa->items[0].value, "P:macron");
  assert_int_equal(fa->items[0].count, 3);
  assert_int_equal(fa->items[0].len, 8);
  assert_string_equal(fa->items[1].value, "L:paris");
  assert_int_equal(fa->items[1].count, 1);
  xc_facets_free(fa);

  /* counts accumulate over runs; reset forgets them */
  OK(xc_enquire_get_mset(&m, e, 0, 1, 100, &f->err));
  xc_mset_free(m);
  OK(xc_spy_top(&fa, multi, 1, &f->err));
  assert_int_equal(fa->items[0].count, 6);
  xc_facets_free(fa);
  OK(xc_spy_reset(multi, &f->err));
  OK(xc_spy_top(&fa, multi, 0, &f->err));
  assert_int_equal(fa->n, 0);
  assert_int_equal(fa->total, 0);
  xc_facets_free(fa);

  /* only matching documents are counted */
  xc_query *noir = NULL;
  OK(xc_query_term(&noir, "chien", 0, 0, &f->err));
  OK(xc_enquire_set_query(e, noir, 0, &f->err));
  OK(xc_enquire_get_mset(&m, e, 0, 10, 100, &f->err));
  xc_mset_free(m);
  OK(xc_spy_top(&fa, multi, 0, &f->err));
  assert_int_equal(fa->total, 2);
  assert_int_equal(fa->n, 2); /* P:macron x2, L:paris x1 */
  assert_int_equal(fa->items[0].count, 2);
  xc_facets_free(fa);

  OK(xc_enquire_clear_spies(e, &f->err));
  xc_spy_free(src);
  xc_spy_free(multi);
  OK(xc_enquire_get_mset(&m, e, 0, 10, 0, &f->err)); /* spies gone: fine */
  xc_mset_free(m);
  xc_query_free(noir);
  xc_query_free(q);
  xc_enquire_free(e);
  OK(xc_db_close(w, &f->err));

  /* over two shards */
  xc_db *w2 = new_writable(f, "db2");
  put(f, w2, "z", "autre shard", "20220101", "afp");
  OK(xc_db_close(w2, &f->err));
  char p1[4200], p2[4200];
  const char *both[] = {path_in(f, "db", p1, sizeof p1),
                        path_in(f, "db2", p2, sizeof p2)};
  xc_db *db = NULL;
  OK(xc_db_open_shards(&db, both, 2, &f->err));
  OK(xc_spy_new_values(&src, 2, &f->err));
  OK(xc_spy_new_multi(&multi, 4, '\x1f', &f->err));
  OK(xc_query_match_all(&q, &f->err));
  OK(xc_enquire_new(&e, db, &f->err));
  OK(xc_enquire_set_query(e, q, 0, &f->err));
  OK(xc_enquire_add_spy(e, src, &f->err));
  OK(xc_enquire_add_spy(e, multi, &f->err));
  OK(xc_enquire_get_mset(&m, e, 0, 10, 100, &f->err));
  xc_mset_free(m);
  OK(xc_spy_top(&fa, multi, 0, &f->err));
  assert_int_equal(fa->total, 5);
  assert_int_equal(fa->n, 3); /* P:macron 3, L:paris 1, O:onu 1 */
  assert_string_equal(fa->items[0].value, "P:macron");
  assert_int_equal(fa->items[0].count, 3);
  assert_string_equal(fa->items[2].value, "O:onu");
  xc_facets_free(fa);
  OK(xc_spy_top(&fa, src, 1, &f->err));
  assert_string_equal(fa->items[0].value, "afp");
  assert_int_equal(fa->items[0].count, 3);
  assert_int_equal(fa->total, 5);
  xc_facets_free(fa);
  xc_enquire_free(e); /* enquire first, then the spy */
  xc_spy_free(src);
  xc_spy_free(multi);
  xc_query_free(q);
  xc_db_free(db);
}

/* ------------------------------------------------------------------ */
/* Wildcards and term listings                                         */
/* ------------------------------------------------------------------ */

static void test_wildcard_and_terms(void **state) {
  fx *f = *state;
  xc_db *w = new_writable(f, "db");
  fill(f, w);
  put(f, w, "a5", "chaton chatte chats", NULL, NULL);
  OK(xc_db_commit(w, &f->err));

  /* prefix listing with termfreqs */
  xc_termit *t = NULL;
  OK(xc_db_terms(&t, w, "chat", &f->err));
  assert_null(xc_termit_term(t, NULL));
  static const struct {
    const char *term;
    uint32_t tf;
  } want[] = {{"chat", 3}, {"chaton", 1}, {"chats", 1}, {"chatte", 1}};
  size_t i = 0;
  int rc;
  while ((rc = xc_termit_next(t, &f->err)) == 1) {
    assert_true(i < 4);
    size_t len = 0;
    assert_string_equal(xc_termit_term(t, &len), want[i].term);
    assert_int_equal(len, strlen(want[i].term));
    assert_int_equal(xc_termit_termfreq(t), want[i].tf);
    i++;
  }
  assert_int_equal(rc, 0);
  assert_int_equal(i, 4);
  assert_int_equal(xc_termit_next(t, &f->err), 0); /* stays at end */
  assert_null(xc_termit_term(t, NULL));
  xc_termit_free(t);

  /* all terms */
  OK(xc_db_terms(&t, w, NULL, &f->err));
  size_t all = 0;
  while (xc_termit_next(t, &f->err) == 1)
    all++;
  assert_true(all > 20);
  xc_termit_free(t);

  char ids[256];
  xc_query *q = NULL;
  OK(xc_query_wildcard(&q, "chat", 0, XC_WILDCARD_LIMIT_ERROR, &f->err));
  assert_int_equal(run(f, w, q, ids, sizeof ids), 4);
  xc_query_free(q);
  OK(xc_query_wildcard(&q, "chien", 10, XC_WILDCARD_LIMIT_ERROR, &f->err));
  assert_int_equal(run(f, w, q, ids, sizeof ids), 2);
  xc_query_free(q);
  OK(xc_query_wildcard(&q, "zzz", 10, XC_WILDCARD_LIMIT_ERROR, &f->err));
  assert_int_equal(run(f, w, q, ids, sizeof ids), 0);
  xc_query_free(q);
  /* too many expansions */
  OK(xc_query_wildcard(&q, "chat", 2, XC_WILDCARD_LIMIT_ERROR, &f->err));
  xc_enquire *e = NULL;
  xc_mset *m = NULL;
  OK(xc_enquire_new(&e, w, &f->err));
  OK(xc_enquire_set_query(e, q, 0, &f->err));
  FAILS(XC_ERR_LIMIT, xc_enquire_get_mset(&m, e, 0, 10, 0, &f->err));
  assert_null(m);
  xc_query_free(q);
  /* first 2 in byte order: chat, chaton -> a1 a3 a4 a5 */
  OK(xc_query_wildcard(&q, "chat", 2, XC_WILDCARD_LIMIT_FIRST, &f->err));
  assert_int_equal(run(f, w, q, ids, sizeof ids), 4);
  xc_query_free(q);
  /* most frequent 1: chat -> a1 a3 a4 */
  OK(xc_query_wildcard(&q, "chat", 1, XC_WILDCARD_LIMIT_MOST_FREQUENT,
                       &f->err));
  assert_int_equal(run(f, w, q, ids, sizeof ids), 3);
  sort_ids(ids);
  assert_string_equal(ids, "a1,a3,a4");
  xc_query_free(q);
  xc_enquire_free(e);

  /* a document's terms, from the db and from the handle */
  xc_docid id = 0;
  OK(xc_db_find_unique(&id, w, "Qa1", &f->err));
  OK(xc_db_doc_terms(&t, w, id, &f->err));
  int seen_le = 0;
  while (xc_termit_next(t, &f->err) == 1)
    if (strcmp(xc_termit_term(t, NULL), "le") == 0) {
      seen_le = 1;
      assert_int_equal(xc_termit_wdf(t), 2);
      assert_int_equal(xc_termit_termfreq(t), 3);
    }
  assert_true(seen_le);
  xc_termit_free(t);
  xc_doc *d = make_doc(f, "n", "neuf neuf vieux", NULL, NULL);
  OK(xc_doc_terms(&t, d, &f->err));
  OK(xc_termit_next(t, &f->err) == 1 ? XC_OK : XC_ERR_OTHER);
  assert_string_equal(xc_termit_term(t, NULL), "Qn");
  assert_int_equal(xc_termit_wdf(t), 0);
  OK(xc_termit_next(t, &f->err) == 1 ? XC_OK : XC_ERR_OTHER);
  assert_string_equal(xc_termit_term(t, NULL), "neuf");
  assert_int_equal(xc_termit_wdf(t), 2);
  assert_int_equal(xc_termit_termfreq(t), 0);
  xc_termit_free(t);
  OK(xc_doc_clear_terms(d, &f->err));
  OK(xc_doc_terms(&t, d, &f->err));
  assert_int_equal(xc_termit_next(t, &f->err), 0);
  xc_termit_free(t);
  xc_doc_free(d);

  /* postings: a term, then every document */
  xc_postit *pi = NULL;
  OK(xc_db_postings(&pi, w, "noir", &f->err));
  xc_docid prev = 0;
  size_t np = 0;
  while ((rc = xc_postit_next(pi, &f->err)) == 1) {
    assert_true(xc_postit_docid(pi) > prev);
    prev = xc_postit_docid(pi);
    assert_int_equal(xc_postit_wdf(pi), 1);
    np++;
  }
  assert_int_equal(rc, 0);
  assert_int_equal(np, 4);
  assert_int_equal(xc_postit_docid(pi), 0);
  xc_postit_free(pi);
  OK(xc_db_postings(&pi, w, "", &f->err));
  np = 0;
  while (xc_postit_next(pi, &f->err) == 1)
    np++;
  assert_int_equal(np, 5);
  xc_postit_free(pi);
  OK(xc_db_close(w, &f->err));
}

/* ------------------------------------------------------------------ */
/* Spelling                                                            */
/* ------------------------------------------------------------------ */

static void test_spelling(void **state) {
  fx *f = *state;
  xc_db *w = new_writable(f, "db");
  OK(xc_db_add_spelling(w, "gouvernement", 5, &f->err));
  OK(xc_db_add_spelling(w, "gouverneur", 1, &f->err));
  OK(xc_db_add_spelling(w, "parlement", 2, &f->err));
  char *s = NULL;
  OK(xc_db_spelling_suggestion(&s, w, "gouvernemnt", 0, &f->err));
  assert_string_equal(s, "gouvernement");
  free(s);
  OK(xc_db_commit(w, &f->err));
  xc_db *r = open_ro(f, "db");
  OK(xc_db_spelling_suggestion(&s, r, "parlemant", 2, &f->err));
  assert_string_equal(s, "parlement");
  free(s);
  OK(xc_db_spelling_suggestion(&s, r, "zzzzzzzz", 0, &f->err));
  assert_string_equal(s, "");
  free(s);
  /* a correctly spelt word has no suggestion */
  OK(xc_db_spelling_suggestion(&s, r, "parlement", 0, &f->err));
  assert_string_equal(s, "");
  free(s);
  FAILS(XC_ERR_INVALID, xc_db_add_spelling(r, "mot", 1, &f->err));
  FAILS(XC_ERR_INVALID, xc_db_add_spelling(w, "", 1, &f->err));
  xc_db_free(r);
  OK(xc_db_close(w, &f->err));
}

/* ------------------------------------------------------------------ */
/* Invalid arguments and operations: never a crash                      */
/* ------------------------------------------------------------------ */

static void test_invalid(void **state) {
  fx *f = *state;
  xc_db *w = new_writable(f, "db");
  fill(f, w);
  xc_db *r = open_ro(f, "db");
  xc_doc *d = NULL;
  xc_query *q = NULL;
  xc_enquire *e = NULL;
  xc_mset *m = NULL;
  char *s = NULL;
  uint32_t n = 0;
  OK(xc_doc_new(&d, &f->err));

  /* NULL handles and arguments */
  FAILS(XC_ERR_INVALID, xc_db_open(NULL, "x", &f->err));
  xc_db *dummy = NULL;
  FAILS(XC_ERR_INVALID, xc_db_open(&dummy, NULL, &f->err));
  FAILS(XC_ERR_INVALID, xc_db_open_shards(NULL, NULL, 0, &f->err));
  FAILS(XC_ERR_INVALID, xc_db_doc_count(&n, NULL, &f->err));
  FAILS(XC_ERR_INVALID, xc_db_term_freq(&n, r, NULL, &f->err));
  FAILS(XC_ERR_INVALID, xc_enquire_new(&e, NULL, &f->err));
  FAILS(XC_ERR_INVALID, xc_enquire_set_query(NULL, NULL, 0, &f->err));
  FAILS(XC_ERR_INVALID, xc_termit_next(NULL, &f->err));
  FAILS(XC_ERR_INVALID, xc_postit_next(NULL, &f->err));
  FAILS(XC_ERR_INVALID, xc_query_combine(&q, XC_OP_AND, NULL, 0, 0, &f->err));
  const xc_query *nulls[] = {NULL};
  FAILS(XC_ERR_INVALID, xc_query_combine(&q, XC_OP_AND, nulls, 1, 0, &f->err));
  assert_int_equal(xc_mset_size(NULL), 0);
  assert_int_equal(xc_doc_get_docid(NULL), 0);
  assert_int_equal(xc_query_is_empty(NULL), 1);
  assert_null(xc_termit_term(NULL, NULL));
  xc_db_free(NULL);
  xc_doc_free(NULL);
  xc_query_free(NULL);
  xc_enquire_free(NULL);
  xc_mset_free(NULL);
  xc_spy_free(NULL);
  xc_termit_free(NULL);
  xc_postit_free(NULL);
  xc_facets_free(NULL);
  xc_table_sizes_free(NULL, 0);
  assert_int_equal(xc_db_close(NULL, &f->err), XC_OK);
  /* err may be NULL: status still returned */
  assert_int_equal(xc_db_doc_count(&n, NULL, NULL), XC_ERR_INVALID);

  /* empty terms, bad slots, unknown enums */
  FAILS(XC_ERR_INVALID, xc_doc_add_term(d, "", 1, &f->err));
  FAILS(XC_ERR_INVALID, xc_doc_add_posting(d, "", 1, 1, &f->err));
  FAILS(XC_ERR_INVALID, xc_doc_add_boolean_term(d, "", &f->err));
  FAILS(XC_ERR_INVALID, xc_query_term(&q, "", 1, 0, &f->err));
  assert_null(q);
  const char *bad_phrase[] = {"chat", ""};
  FAILS(XC_ERR_INVALID, xc_query_phrase(&q, bad_phrase, 2, 0, &f->err));
  FAILS(XC_ERR_INVALID, xc_query_wildcard(&q, "", 0, 0, &f->err));
  FAILS(XC_ERR_INVALID,
        xc_query_wildcard(&q, "a", 0, (xc_wildcard_limit)42, &f->err));
  FAILS(XC_ERR_INVALID, xc_query_value_ge(&q, 0, NULL, &f->err));
  FAILS(XC_ERR_INVALID,
        xc_query_value_range(&q, XC_BAD_SLOT, "a", "b", &f->err));
  FAILS(XC_ERR_INVALID, xc_doc_set_value(d, XC_BAD_SLOT, "x", 1, &f->err));
  FAILS(XC_ERR_INVALID, xc_doc_get_value(&s, NULL, d, XC_BAD_SLOT, &f->err));
  FAILS(XC_ERR_INVALID, xc_spy_new_values(NULL, 1, &f->err));
  FAILS(XC_ERR_INVALID, xc_db_term_exists((int *)&n, r, "", &f->err));
  FAILS(XC_ERR_INVALID, xc_db_find_unique(&n, r, "", &f->err));
  OK(xc_query_term(&q, "chat", 1, 0, &f->err));
  const xc_query *one[] = {q};
  xc_query *q2 = NULL;
  FAILS(XC_ERR_INVALID, xc_query_combine(&q2, (xc_op)99, one, 1, 0, &f->err));
  /* Xapian's own InvalidArgumentError: negative scale factor */
  FAILS(XC_ERR_INVALID, xc_query_scale(&q2, q, -1.0, &f->err));
  assert_non_null(strstr(f->err.message, "InvalidArgumentError"));

  /* enquire settings */
  OK(xc_enquire_new(&e, r, &f->err));
  xc_bm25 bad = XC_BM25_INIT;
  bad.k1 = -1;
  FAILS(XC_ERR_INVALID, xc_enquire_set_bm25(e, &bad, &f->err));
  bad = (xc_bm25)XC_BM25_INIT;
  bad.b = 2;
  FAILS(XC_ERR_INVALID, xc_enquire_set_bm25(e, &bad, &f->err));
  FAILS(XC_ERR_INVALID,
        xc_enquire_set_sort(e, XC_SORT_VALUE, XC_BAD_SLOT, 0, &f->err));
  FAILS(XC_ERR_INVALID, xc_enquire_set_sort(e, (xc_sort)9, 0, 0, &f->err));
  FAILS(XC_ERR_INVALID,
        xc_enquire_set_docid_order(e, (xc_docid_order)9, &f->err));
  FAILS(XC_ERR_INVALID, xc_enquire_set_cutoff(e, 101, 0, &f->err));
  FAILS(XC_ERR_INVALID, xc_enquire_set_collapse_key(e, 2, 0, &f->err));
  OK(xc_enquire_set_query(e, q, 0, &f->err));
  OK(xc_enquire_get_mset(&m, e, 0, 10, 0, &f->err));
  xc_mset_item it;
  FAILS(XC_ERR_INVALID, xc_mset_item_get(&it, m, 99, &f->err));
  FAILS(XC_ERR_INVALID, xc_mset_data(&s, NULL, m, 99, &f->err));
  assert_null(s);
  FAILS(XC_ERR_INVALID, xc_mset_value(&s, NULL, m, 0, XC_BAD_SLOT, &f->err));
  xc_mset_free(m);

  /* writes on a read-only handle; Xapian's own errors */
  FAILS(XC_ERR_INVALID, xc_db_add_document(NULL, r, d, &f->err));
  FAILS(XC_ERR_INVALID, xc_db_commit(r, &f->err));
  FAILS(XC_ERR_INVALID, xc_db_set_metadata(r, "k", "v", 1, &f->err));
  FAILS(XC_ERR_INVALID, xc_db_add_shard(w, "x", &f->err));
  FAILS(XC_ERR_INVALID, xc_db_set_metadata(w, "", "v", 1, &f->err));
  assert_non_null(strstr(f->err.message, "InvalidArgumentError"));
  xc_doc *gd = NULL;
  FAILS(XC_ERR_INVALID, xc_db_get_document(&gd, r, 0, &f->err));
  assert_null(gd);
  /* a term over Xapian's 245-byte limit */
  char big[300];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  xc_doc *bd = NULL;
  OK(xc_doc_new(&bd, &f->err));
  OK(xc_doc_add_term(bd, big, 1, &f->err));
  FAILS(XC_ERR_INVALID, xc_db_add_document(NULL, w, bd, &f->err));
  assert_non_null(strstr(f->err.message, "too long"));
  xc_doc_free(bd);
  FAILS(XC_ERR_INVALID, xc_db_open_writable(&dummy, "x", 0x1000, &f->err));
  FAILS(XC_ERR_INVALID, xc_db_compact(r, "", 0, &f->err));
  FAILS(XC_ERR_INVALID, xc_db_compact(r, "x", 0x100, &f->err));
  FAILS(XC_ERR_INVALID, xc_db_open_remote(NULL, "h", 1, 0, &f->err));

  /* a closed database: DatabaseClosedError -> INVALID */
  xc_query_free(q);
  xc_enquire_free(e);
  xc_doc_free(d);
  OK(xc_db_close(w, &f->err));
  xc_db_free(r);
}

/* Closing a db under an enquire: the enquire reports, never crashes. */
static void test_use_after_close(void **state) {
  fx *f = *state;
  xc_db *w = new_writable(f, "db");
  fill(f, w);
  OK(xc_db_close(w, &f->err));
  /* open two handles; close one's database via xc_db_close while an
   * enquire created from it still exists */
  xc_db *r = open_ro(f, "db");
  xc_enquire *e = NULL;
  OK(xc_enquire_new(&e, r, &f->err));
  OK(xc_db_close(r, &f->err)); /* closes the shared internals */
  xc_query *q = NULL;
  OK(xc_query_term(&q, "chat", 0, 0, &f->err));
  OK(xc_enquire_set_query(e, q, 0, &f->err));
  xc_mset *m = NULL;
  FAILS(XC_ERR_INVALID, xc_enquire_get_mset(&m, e, 0, 10, 0, &f->err));
  assert_non_null(strstr(f->err.message, "DatabaseClosedError"));
  xc_query_free(q);
  xc_enquire_free(e);
}

/* The two statuses with no Xapian error class behind them: a C++
 * exception that is not a Xapian::Error (std::length_error) is OTHER, and
 * std::bad_alloc is NOMEM (provoked in a child under a small RLIMIT_AS;
 * not under ASan, whose allocator reports instead of throwing). */
static void test_other_and_nomem(void **state) {
  fx *f = *state;
  xc_doc *d = NULL;
  OK(xc_doc_new(&d, &f->err));
  FAILS(XC_ERR_OTHER, xc_doc_set_data(d, "x", SIZE_MAX, &f->err));
  assert_non_null(strstr(f->err.message, "C++ exception"));
#if !defined(__SANITIZE_ADDRESS__)
  const size_t big = (size_t)256 << 20;
  char *buf = malloc(big); /* untouched: costs address space only */
  assert_non_null(buf);
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    long pages = 0;
    FILE *fp = fopen("/proc/self/statm", "r");
    if (!fp || fscanf(fp, "%ld", &pages) != 1)
      _exit(3);
    fclose(fp);
    rlim_t cur = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE);
    struct rlimit rl = {cur + (64 << 20), cur + (64 << 20)};
    if (setrlimit(RLIMIT_AS, &rl) != 0)
      _exit(4);
    xc_error e = XC_ERROR_INIT;
    int rc = xc_doc_set_data(d, buf, big, &e);
    _exit(rc == XC_ERR_NOMEM && e.status == XC_ERR_NOMEM ? 0 : 5);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
  free(buf);
#endif
  xc_doc_free(d);
}

/* xc_db_free only drops a reference: what was made from the handle keeps
 * working, and the last reference commits a writable db and unlocks it. */
static void test_free_keeps_shared(void **state) {
  fx *f = *state;
  char p[4200];
  path_in(f, "db", p, sizeof p);
  xc_db *w = new_writable(f, "db");
  fill(f, w);
  put(f, w, "u1", "jamais commis explicitement", NULL, NULL);
  xc_enquire *we = NULL;
  OK(xc_enquire_new(&we, w, &f->err));
  xc_db_free(w); /* the enquire still holds the writer */
  xc_db *w2 = NULL;
  FAILS(XC_ERR_LOCKED, xc_db_open_writable(&w2, p, 0, &f->err));
  xc_enquire_free(we); /* last reference: commit + unlock */
  OK(xc_db_open_writable(&w2, p, XC_DB_OPEN, &f->err));
  xc_db_free(w2);

  xc_db *r = open_ro(f, "db");
  xc_enquire *e = NULL;
  xc_termit *t = NULL;
  xc_doc *d = NULL;
  OK(xc_enquire_new(&e, r, &f->err));
  OK(xc_db_terms(&t, r, "chat", &f->err));
  OK(xc_db_get_document(&d, r, 1, &f->err));
  xc_db_free(r);
  xc_query *q = NULL;
  OK(xc_query_term(&q, "explicitement", 0, 0, &f->err));
  OK(xc_enquire_set_query(e, q, 0, &f->err));
  xc_mset *m = NULL;
  OK(xc_enquire_get_mset(&m, e, 0, 10, 0, &f->err));
  assert_int_equal(xc_mset_size(m), 1);
  assert_int_equal(xc_termit_next(t, &f->err), 1);
  char *data = NULL;
  OK(xc_doc_get_data(&data, NULL, d, &f->err));
  assert_string_equal(data, "le chat noir dort sur le canape");
  free(data);
  xc_mset_free(m);
  xc_query_free(q);
  xc_termit_free(t);
  xc_doc_free(d);
  xc_enquire_free(e);
}

/* ------------------------------------------------------------------ */
/* Remote shard through xapian-tcpsrv                                  */
/* ------------------------------------------------------------------ */

/* A port that was free a moment ago on 127.0.0.1 (the kernel picks it). */
static unsigned free_port(void) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(s >= 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
  socklen_t len = sizeof a;
  assert_int_equal(getsockname(s, (struct sockaddr *)&a, &len), 0);
  close(s);
  return ntohs(a.sin_port);
}

/* Stops the server and its per-connection children (its process group). */
static void stop_server(pid_t pid) {
  if (pid <= 0)
    return;
  kill(-pid, SIGTERM);
  waitpid(pid, NULL, 0);
  /* let the per-connection children go too (bounded, normally at once) */
  for (int i = 0; i < 200 && kill(-pid, 0) == 0; i++) {
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
}

/* Starts xapian-tcpsrv on db; returns its pid and the port, retrying with
 * another port if the server cannot bind. Waits until a client connects. */
static pid_t start_server(fx *f, const char *db, unsigned *port) {
  for (int attempt = 0; attempt < 5; attempt++) {
    unsigned p = free_port();
    char ps[16];
    snprintf(ps, sizeof ps, "%u", p);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
      /* Own process group: xapian-tcpsrv signals its whole group when it
       * stops, and we stop it (and its per-connection children) by group. */
      setpgid(0, 0);
      int devnull = open("/dev/null", O_WRONLY);
      if (devnull >= 0) {
        dup2(devnull, 1);
        dup2(devnull, 2);
      }
      execlp("xapian-tcpsrv", "xapian-tcpsrv", "--quiet", "--interface",
             "127.0.0.1", "--port", ps, db, (char *)NULL);
      _exit(127);
    }
    setpgid(pid, pid); /* also from the parent: no race with kill(-pid) */
    /* Wait until it accepts a connection, or exits (port taken). A generous
     * bound for a loaded CI machine; normally a few milliseconds. */
    for (int i = 0; i < 600; i++) {
      int status;
      pid_t done = waitpid(pid, &status, WNOHANG);
      if (done == pid) {
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
          fail_msg("xapian-tcpsrv not found (apt-get install xapian-tools)");
        break; /* try another port */
      }
      xc_db *probe = NULL;
      if (xc_db_open_remote(&probe, "127.0.0.1", p, 5000, NULL) == XC_OK) {
        xc_db_free(probe);
        *port = p;
        return pid;
      }
      struct timespec ts = {0, 50 * 1000 * 1000};
      nanosleep(&ts, NULL);
    }
    stop_server(pid);
  }
  (void)f;
  fail_msg("could not start xapian-tcpsrv");
  return -1;
}

static void test_remote_shard(void **state) {
  fx *f = *state;
  char local[4200], remote_db[4200], stub[4200];
  xc_db *w = new_writable(f, "local");
  put(f, w, "l1", "chat local", "20210101", "afp");
  OK(xc_db_close(w, &f->err));
  w = new_writable(f, "remote");
  put(f, w, "r1", "chat distant", "20210102", "afp");
  put(f, w, "r2", "chien distant", "20210103", "reuters");
  OK(xc_db_close(w, &f->err));
  path_in(f, "local", local, sizeof local);
  path_in(f, "remote", remote_db, sizeof remote_db);

  unsigned port = 0;
  pid_t srv = start_server(f, remote_db, &port);
  f->server = srv;

  char text[9000];
  snprintf(text, sizeof text, "auto %s\nremote 127.0.0.1:%u\n", local, port);
  write_file(path_in(f, "mixed.stub", stub, sizeof stub), text);
  xc_db *db = NULL;
  OK(xc_db_open(&db, stub, &f->err));
  uint32_t n = 0;
  OK(xc_db_doc_count(&n, db, &f->err));
  assert_int_equal(n, 3);
  xc_query *q = NULL;
  OK(xc_query_term(&q, "chat", 0, 0, &f->err));
  xc_enquire *e = NULL;
  OK(xc_enquire_new(&e, db, &f->err));
  OK(xc_enquire_set_query(e, q, 0, &f->err));
  xc_spy *spy = NULL, *multi = NULL;
  OK(xc_spy_new_values(&spy, 2, &f->err));
  OK(xc_enquire_add_spy(e, spy, &f->err));
  xc_mset *m = NULL;
  OK(xc_enquire_get_mset(&m, e, 0, 10, 10, &f->err));
  assert_int_equal(xc_mset_size(m), 2);
  int saw_remote = 0;
  for (size_t i = 0; i < 2; i++) {
    char *data = NULL;
    OK(xc_mset_data(&data, NULL, m, i, &f->err));
    saw_remote |= strcmp(data, "chat distant") == 0;
    free(data);
  }
  assert_true(saw_remote);
  xc_mset_free(m);
  xc_facets *fa = NULL;
  OK(xc_spy_top(&fa, spy, 0, &f->err));
  assert_int_equal(fa->n, 1);
  assert_string_equal(fa->items[0].value, "afp");
  assert_int_equal(fa->items[0].count, 2);
  xc_facets_free(fa);
  /* the multi-valued spy is local only: an error, not a crash */
  OK(xc_enquire_clear_spies(e, &f->err));
  OK(xc_spy_new_multi(&multi, 4, '\x1f', &f->err));
  OK(xc_enquire_add_spy(e, multi, &f->err));
  FAILS(XC_ERR_OTHER, xc_enquire_get_mset(&m, e, 0, 10, 10, &f->err));
  assert_non_null(strstr(f->err.message, "remote"));
  OK(xc_enquire_clear_spies(e, &f->err));

  /* direct remote handle */
  xc_db *rdb = NULL;
  OK(xc_db_open_remote(&rdb, "127.0.0.1", port, 5000, &f->err));
  OK(xc_db_doc_count(&n, rdb, &f->err));
  assert_int_equal(n, 2);
  xc_db_free(rdb);

  /* server gone: network errors, for open and for use */
  stop_server(srv);
  f->server = 0;
  OK(xc_enquire_set_query(e, q, 0, &f->err));
  FAILS(XC_ERR_NETWORK, xc_enquire_get_mset(&m, e, 0, 10, 10, &f->err));
  FAILS(XC_ERR_NETWORK,
        xc_db_open_remote(&rdb, "127.0.0.1", port, 2000, &f->err));
  FAILS(XC_ERR_NETWORK, xc_db_open(&rdb, stub, &f->err));
  xc_enquire_free(e);
  xc_spy_free(spy);
  xc_spy_free(multi);
  xc_query_free(q);
  xc_db_free(db);
}

/* ------------------------------------------------------------------ */
/* xc_query_term_bm25 and xc_mset_term_freq                            */
/* ------------------------------------------------------------------ */

/* A corpus where lengths and wdf vary: document i holds word w (of 12)
 * (i * (w + 3)) % 5 times when that is not 0, plus i % 37 fillers. */
static void fill_varied(fx *f, xc_db *w, int from, int to) {
  for (int i = from; i < to; i++) {
    char text[4096] = "";
    for (int k = 0; k < 12; k++)
      for (int r = 0; r < (i * (k + 3)) % 5; r++) {
        char word[16];
        snprintf(word, sizeof word, "w%d ", k);
        strncat(text, word, sizeof text - strlen(text) - 1);
      }
    for (int r = 0; r < i % 37; r++)
      strncat(text, "filler ", sizeof text - strlen(text) - 1);
    char id[16];
    snprintf(id, sizeof id, "v%d", i);
    put(f, w, id, text[0] ? text : "vide", NULL, NULL);
  }
  OK(xc_db_commit(w, &f->err));
}

/* Leaf of a query built by shape(): plain or through the length table. */
static xc_query *leaf(fx *f, xc_db *db, const char *t, int fast,
                      const xc_bm25 *bm) {
  xc_query *q = NULL;
  if (fast) {
    uint32_t tf = 0, want = 0;
    OK(xc_query_term_bm25(&q, &tf, db, t, bm, &f->err));
    OK(xc_db_term_freq(&want, db, t, &f->err));
    assert_int_equal(tf, want);
  } else {
    OK(xc_query_term(&q, t, 1, 0, &f->err));
  }
  return q;
}

/* Query number k of a few shapes over words a and b. */
static xc_query *shape(fx *f, xc_db *db, int k, const char *a, const char *b,
                       int fast, const xc_bm25 *bm) {
  /* not XC_OP_ELITE_SET: it picks other subqueries (xapian_c.h) */
  static const xc_op ops[] = {XC_OP_AND, XC_OP_OR, XC_OP_AND_MAYBE,
                              XC_OP_AND_NOT, XC_OP_OR};
  if (k == 0)
    return leaf(f, db, a, fast, bm);
  xc_query *v[3] = {leaf(f, db, a, fast, bm), leaf(f, db, b, fast, bm),
                    leaf(f, db, "w4", fast, bm)};
  xc_query *q = NULL;
  OK(xc_query_combine(&q, ops[(k - 1) % 5], (const xc_query *const *)v,
                      k == 5 ? 3 : 2, 0, &f->err));
  for (int i = 0; i < 3; i++)
    xc_query_free(v[i]);
  return q;
}

/* The mset of q: size, estimates, then docid and weight (bits) of each. */
static void mset_dump(fx *f, xc_db *db, const xc_query *q, const xc_bm25 *bm,
                      uint32_t limit, uint32_t check, char *out, size_t size) {
  xc_enquire *e = NULL;
  xc_mset *m = NULL;
  OK(xc_enquire_new(&e, db, &f->err));
  OK(xc_enquire_set_query(e, q, 0, &f->err));
  OK(xc_enquire_set_bm25(e, bm, &f->err));
  OK(xc_enquire_get_mset(&m, e, 0, limit, check, &f->err));
  size_t o = (size_t)snprintf(
      out, size, "%zu %u %u %u:", xc_mset_size(m), xc_mset_matches_estimated(m),
      xc_mset_matches_lower_bound(m), xc_mset_matches_upper_bound(m));
  for (size_t i = 0; i < xc_mset_size(m) && o < size; i++) {
    xc_mset_item it;
    OK(xc_mset_item_get(&it, m, i, &f->err));
    o += (size_t)snprintf(out + o, size - o, " %u=%a", it.docid, it.weight);
  }
  xc_mset_free(m);
  xc_enquire_free(e);
}

/* The length-table leaves match and weigh as plain term leaves, for
 * several shapes, parameters, depths, and after the database changed. */
static void test_bm25_term_source(void **state) {
  fx *f = *state;
  xc_db *w = new_writable(f, "bm");
  fill_varied(f, w, 0, 300);
  xc_db *db = open_ro(f, "bm");
  static const xc_bm25 params[] = {
      {1.6, 0.0, 1.0, 1.0, 0.1}, {1.0, 0.0, 1.0, 0.5, 0.5},
      {1.2, 0.0, 1.0, 0.0, 0.5}, {0.0, 0.0, 1.0, 0.75, 0.5},
      {2.0, 0.0, 0.0, 0.3, 0.0},
  };
  static const char *const words[][2] = {
      {"w0", "w1"},     {"w3", "filler"},   {"w7", "absent"},
      {"absent", "w2"}, {"filler", "vide"}, {"w11", "w5"},
  };
  char plain[16384], fast[16384];
  for (int round = 0; round < 2; round++) {
    for (size_t p = 0; p < sizeof params / sizeof *params; p++)
      for (size_t wi = 0; wi < sizeof words / sizeof *words; wi++)
        for (int k = 0; k < 6; k++)
          for (int depth = 0; depth < 2; depth++) {
            const xc_bm25 *bm = &params[p];
            uint32_t lim = depth ? 400 : 10, chk = depth ? 400 : 15;
            xc_query *q0 = shape(f, db, k, words[wi][0], words[wi][1], 0, bm);
            xc_query *q1 = shape(f, db, k, words[wi][0], words[wi][1], 1, bm);
            mset_dump(f, db, q0, bm, lim, chk, plain, sizeof plain);
            mset_dump(f, db, q1, bm, lim, chk, fast, sizeof fast);
            assert_string_equal(fast, plain);
            xc_query_free(q0);
            xc_query_free(q1);
          }
    /* the database changes: the table follows the new revision */
    fill_varied(f, w, 300, 420);
    int changed = 0;
    OK(xc_db_reopen(&changed, db, &f->err));
    assert_int_equal(changed, 1);
  }
  /* a writable database has no table */
  xc_query *q = NULL;
  uint32_t tf = 0;
  FAILS(XC_ERR_INVALID,
        xc_query_term_bm25(&q, &tf, w, "w1", &params[0], &f->err));
  xc_db_free(w);
  xc_db_free(db);
}

/* xc_mset_term_freq gives xc_db_term_freq's answer, for the query's terms
 * (from the match's statistics) and for others (from the database). */
static void test_mset_term_freq(void **state) {
  fx *f = *state;
  xc_db *w = new_writable(f, "tf");
  fill_varied(f, w, 0, 120);
  xc_db *db = open_ro(f, "tf");
  xc_query *two[2] = {NULL, NULL}, *q = NULL;
  OK(xc_query_term(&two[0], "w2", 1, 0, &f->err));
  OK(xc_query_term(&two[1], "filler", 1, 0, &f->err));
  OK(xc_query_combine(&q, XC_OP_OR, (const xc_query *const *)two, 2, 0,
                      &f->err));
  xc_enquire *e = NULL;
  xc_mset *m = NULL;
  OK(xc_enquire_new(&e, db, &f->err));
  OK(xc_enquire_set_query(e, q, 0, &f->err));
  OK(xc_enquire_get_mset(&m, e, 0, 10, 10, &f->err));
  static const char *const terms[] = {"w2", "filler", "w9", "absent", "Qv3"};
  for (size_t i = 0; i < sizeof terms / sizeof *terms; i++) {
    uint32_t a = 0, b = 0;
    OK(xc_mset_term_freq(&a, m, terms[i], &f->err));
    OK(xc_db_term_freq(&b, db, terms[i], &f->err));
    assert_int_equal(a, b);
  }
  uint32_t n = 1;
  FAILS(XC_ERR_INVALID, xc_mset_term_freq(&n, m, NULL, &f->err));
  assert_int_equal(n, 0);
  xc_mset_free(m);
  xc_enquire_free(e);
  xc_query_free(two[0]);
  xc_query_free(two[1]);
  xc_query_free(q);
  xc_db_free(w);
  xc_db_free(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_status_names),
      cmocka_unit_test_setup_teardown(test_create_add_search, setup, teardown),
      cmocka_unit_test_setup_teardown(test_query_table, setup, teardown),
      cmocka_unit_test_setup_teardown(test_query_misc, setup, teardown),
      cmocka_unit_test_setup_teardown(test_enquire_options, setup, teardown),
      cmocka_unit_test_setup_teardown(test_replace_keeps_one, setup, teardown),
      cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
      cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
      cmocka_unit_test_setup_teardown(test_second_writer_locked, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_reader_modified_then_reopen, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_compact, setup, teardown),
      cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_shards, setup, teardown),
      cmocka_unit_test_setup_teardown(test_spies, setup, teardown),
      cmocka_unit_test_setup_teardown(test_wildcard_and_terms, setup, teardown),
      cmocka_unit_test_setup_teardown(test_spelling, setup, teardown),
      cmocka_unit_test_setup_teardown(test_invalid, setup, teardown),
      cmocka_unit_test_setup_teardown(test_use_after_close, setup, teardown),
      cmocka_unit_test_setup_teardown(test_free_keeps_shared, setup, teardown),
      cmocka_unit_test_setup_teardown(test_other_and_nomem, setup, teardown),
      cmocka_unit_test_setup_teardown(test_remote_shard, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bm25_term_source, setup, teardown),
      cmocka_unit_test_setup_teardown(test_mset_term_freq, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
