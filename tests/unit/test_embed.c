/* test_embed.c — libdepeche as an embedding program uses it (issue 8):
 *   - a handle opened BEFORE an indexer run sees the articles that run
 *     added (and stops seeing removed ones), by the typed API and the JSON
 *     call, also across --compact;
 *   - the --serve loop (dps_serve) sees them too, answers every line in
 *     order, survives malformed requests, reads lines of any length;
 *   - threads: one handle per thread, N threads searching at once give the
 *     answers a single thread gives; a shared handle under a lock too;
 *     searching threads never fail while depeche-index commits;
 *   - results outlive dp_close; bad arguments are errors, not crashes.
 * The indexes are built by the real depeche-index ($DEPECHE_INDEX_BIN)
 * from fixtures written here. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "depeche.h"
#include "serve.h"

/* ------------------------------------------------------------------ */
/* Fixtures                                                            */
/* ------------------------------------------------------------------ */

static const char *topics[] = {"tramway",    "vendanges",    "cathédrale",
                               "fromagerie", "observatoire", "marée"};
static const char *cities[] = {"Lyon", "Brest", "Dijon", "Nantes", "Arles"};
static const char *sources[] = {"Le Courrier du Rhône", "Ouest-Matin",
                                "Agence France Dépêche"};
#define N_ARTICLES 30

/* Writes one synthetic article as one JSON line. */
static void write_article(FILE *f, const char *id, const char *topic,
                          const char *city, const char *source, int day,
                          const char *extra) {
  char title[256], date[16], body[1024];
  snprintf(title, sizeof title, "À %s, la %s fait débat", city, topic);
  snprintf(date, sizeof date, "2024-%02d-%02d", 1 + day % 12, 1 + day % 28);
  snprintf(body, sizeof body,
           "Les habitants de %s ont découvert mardi le projet de %s. "
           "« C'est une affaire importante pour la ville », a déclaré le "
           "maire, M. Jean Martin, devant le conseil municipal. %s",
           city, topic, extra ? extra : "");
  json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id, "title", title,
                        "date", date, "source", source, "body", body);
  char *s = json_dumps(o, JSON_COMPACT);
  fprintf(f, "%s\n", s);
  free(s);
  json_decref(o);
}

static char *path_in(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 2;
  char *p = malloc(n);
  assert_non_null(p);
  snprintf(p, n, "%s/%s", dir, name);
  return p;
}

/* Runs depeche-index with args (NULL-terminated); returns its exit code. */
static int run_indexer(const char *const args[]) {
  const char *bin = getenv("DEPECHE_INDEX_BIN");
  if (!bin) {
    fprintf(stderr, "DEPECHE_INDEX_BIN is not set (run through ctest)\n");
    return -1;
  }
  const char *argv[16];
  size_t n = 0;
  argv[n++] = bin;
  argv[n++] = "--quiet";
  for (size_t i = 0; args[i] && n < 15; i++)
    argv[n++] = args[i];
  argv[n] = NULL;
  /* not fflush(NULL): it would wait for the lock of a stream that the
   * serve thread holds while it blocks in getline */
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    execv(bin, (char *const *)argv);
    _exit(127);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR)
      return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int rm_one(const char *p, const struct stat *sb, int flag,
                  struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(p);
}

typedef struct fixture {
  char dir[256]; /* temporary folder */
  char *index;   /* dir/idx */
} fixture;

/* A fresh folder with an index of the N_ARTICLES synthetic articles. */
static int setup(void **state) {
  fixture *fx = calloc(1, sizeof *fx);
  if (!fx)
    return -1;
  const char *tmp = getenv("TMPDIR");
  snprintf(fx->dir, sizeof fx->dir, "%s/depeche-embed.XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(fx->dir))
    return -1;
  fx->index = path_in(fx->dir, "idx");
  char *src = path_in(fx->dir, "base.jsonl");
  FILE *f = fopen(src, "w");
  if (!f)
    return -1;
  for (int i = 0; i < N_ARTICLES; i++) {
    char id[32];
    snprintf(id, sizeof id, "base-%02d", i);
    write_article(f, id, topics[i % 6], cities[i % 5], sources[i % 5 % 3], i,
                  NULL);
  }
  fclose(f);
  const char *args[] = {"--index", fx->index, src, NULL};
  int rc = run_indexer(args);
  free(src);
  if (rc != 0) {
    fprintf(stderr, "depeche-index exited %d\n", rc);
    return -1;
  }
  *state = fx;
  return 0;
}

static int teardown(void **state) {
  fixture *fx = *state;
  if (!fx)
    return 0;
  nftw(fx->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
  free(fx->index);
  free(fx);
  return 0;
}

/* Adds one article (extra: more body text) with a depeche-index run. */
static int add_article(fixture *fx, const char *id, const char *extra) {
  char name[64];
  snprintf(name, sizeof name, "%s.jsonl", id);
  char *src = path_in(fx->dir, name);
  FILE *f = fopen(src, "w");
  if (!f) {
    free(src);
    return -1;
  }
  write_article(f, id, "piscine", "Quimper", "Ouest-Matin", 3, extra);
  fclose(f);
  const char *args[] = {"--index", fx->index, src, NULL};
  int rc = run_indexer(args);
  free(src);
  return rc;
}

/* total of a dp_search_json answer (-1 when it is not one). */
static long long json_total(const char *js) {
  json_t *o = json_loads(js, 0, NULL);
  json_t *t = json_object_get(o, "total");
  long long n = json_is_integer(t) ? json_integer_value(t) : -1;
  json_decref(o);
  return n;
}

static long long typed_total(dp_index *ix, const char *q, char *first_id,
                             size_t cap) {
  dp_results *r = NULL;
  char *err = NULL;
  if (dp_search(&r, ix, q, NULL, &err) != 0) {
    fprintf(stderr, "dp_search(%s): %s\n", q, err ? err : "?");
    dp_free(err);
    return -1;
  }
  long long n = (long long)dp_results_total(r);
  if (first_id && cap) {
    const dp_result *x = dp_results_get(r, 0);
    snprintf(first_id, cap, "%s", x ? x->id : "");
  }
  dp_results_free(r);
  return n;
}

/* ------------------------------------------------------------------ */
/* A handle opened before an indexer run                               */
/* ------------------------------------------------------------------ */

static void test_handle_sees_new_articles(void **state) {
  fixture *fx = *state;
  char *err = NULL;
  dp_index *ix = dp_open(fx->index, &err);
  assert_non_null(ix);
  const char *q = "zéphyrine"; /* in no article yet */

  char *js = dp_search_json(ix, q, 0, 10, &err);
  assert_non_null(js);
  assert_int_equal(json_total(js), 0);
  dp_free(js);
  assert_int_equal(typed_total(ix, q, NULL, 0), 0);

  /* depeche-index adds one article while the handle is open */
  assert_int_equal(add_article(fx, "new-1", "La Zéphyrine est arrivée."), 0);
  js = dp_search_json(ix, q, 0, 10, &err);
  assert_non_null(js);
  assert_int_equal(json_total(js), 1);
  assert_non_null(strstr(js, "\"id\":\"new-1\""));
  dp_free(js);
  char id[64];
  assert_int_equal(typed_total(ix, "Zephyrine", id, sizeof id), 1);
  assert_string_equal(id, "new-1");

  /* and another, several commits later */
  assert_int_equal(add_article(fx, "new-2", "Zéphyrine encore."), 0);
  assert_int_equal(add_article(fx, "new-3", "Rien à voir."), 0);
  assert_int_equal(add_article(fx, "new-4", "Toujours rien."), 0);
  assert_int_equal(typed_total(ix, q, NULL, 0), 2);

  /* a removal is seen too */
  const char *rm[] = {"--index", fx->index, "--remove", "new-1", NULL};
  assert_int_equal(run_indexer(rm), 0);
  assert_int_equal(typed_total(ix, q, id, sizeof id), 1);
  assert_string_equal(id, "new-2");

  /* compaction swaps the index files under the open handle */
  const char *compact[] = {"--index", fx->index, "--compact", NULL};
  assert_int_equal(run_indexer(compact), 0);
  assert_int_equal(typed_total(ix, q, NULL, 0), 1);
  assert_int_equal(add_article(fx, "new-5", "Zéphyrine après compactage."), 0);
  assert_int_equal(typed_total(ix, q, NULL, 0), 2);
  assert_int_equal(typed_total(ix, "tramway", NULL, 0), N_ARTICLES / 6);
  dp_close(ix);
}

/* ------------------------------------------------------------------ */
/* The --serve loop                                                    */
/* ------------------------------------------------------------------ */

typedef struct server {
  const char *index;
  FILE *in, *out, *err;
  int rc;
} server;

static void *serve_thread(void *arg) {
  server *s = arg;
  s->rc = dps_serve(s->index, NULL, s->in, s->out, s->err);
  fclose(s->in);
  fclose(s->out);
  return NULL;
}

typedef struct client {
  FILE *to, *from; /* request and answer streams */
  char *line;
  size_t cap;
} client;

/* Sends one request line, returns its answer parsed (caller decrefs). */
static json_t *ask(client *c, const char *req) {
  fputs(req, c->to);
  fputc('\n', c->to);
  fflush(c->to);
  ssize_t n = getline(&c->line, &c->cap, c->from);
  if (n <= 0 || c->line[n - 1] != '\n')
    return NULL;
  json_error_t e;
  json_t *o = json_loads(c->line, 0, &e);
  if (!o)
    fprintf(stderr, "not JSON: %s (%s)\n", c->line, e.text);
  return o;
}

static long long member_int(json_t *o, const char *k) {
  json_t *v = json_object_get(o, k);
  return json_is_integer(v) ? json_integer_value(v) : -1;
}

static void test_serve(void **state) {
  fixture *fx = *state;
  int pin[2], pout[2];
  assert_int_equal(pipe(pin), 0);
  assert_int_equal(pipe(pout), 0);
  server s = {fx->index, fdopen(pin[0], "r"), fdopen(pout[1], "w"), tmpfile(),
              -1};
  client c = {fdopen(pin[1], "w"), fdopen(pout[0], "r"), NULL, 0};
  assert_non_null(s.in);
  assert_non_null(s.out);
  assert_non_null(s.err);
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, serve_thread, &s), 0);

  /* 1: nothing yet */
  json_t *a = ask(&c, "{\"query\": \"xylophone\", \"id\": 1}");
  assert_non_null(a);
  assert_int_equal(member_int(a, "id"), 1);
  assert_int_equal(member_int(a, "schema"), 1);
  assert_int_equal(member_int(a, "total"), 0);
  json_decref(a);

  /* an indexer run while the server is up */
  assert_int_equal(add_article(fx, "serve-1", "Un xylophone géant."), 0);
  /* 2: seen */
  a = ask(&c, "{\"query\": \"xylophone\", \"id\": 2}");
  assert_non_null(a);
  assert_int_equal(member_int(a, "total"), 1);
  json_t *r0 = json_array_get(json_object_get(a, "results"), 0);
  assert_string_equal(json_string_value(json_object_get(r0, "id")), "serve-1");
  json_decref(a);

  /* 3-6: malformed requests get an error on their line; the loop goes on */
  static const char *bad[] = {
      "{\"query\": ",                            /* truncated JSON */
      "{\"query\": \"tramway\", \"limit\": -3}", /* bad value */
      "{\"query\": \"tramway\", \"color\": 1}",  /* unknown member */
      "{\"query\": \"date:2024-13\"}",           /* rejected by the library */
      "{\"query\": \"a\", \"query\": \"b\"}",    /* duplicate member */
      "{\"query\": \"tramway\", \"sort\": \"size\"}",
      "{\"query\": \"tramway\", \"facets\": [\"color\"]}",
      "{\"query\": \"tramway\", \"filters\": {\"color\": \"red\"}}",
      "{\"query\": \"tramway\", \"filters\": {\"since\": \"2024 01\"}}",
      "",
      "   ",
      "\xff\xfe invalid UTF-8",
  };
  unsigned long lineno = 2;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    a = ask(&c, bad[i]);
    lineno++;
    assert_non_null(a);
    json_t *e = json_object_get(a, "error");
    if (!json_is_string(e))
      fprintf(stderr, "no error for: %s\n", bad[i]);
    assert_true(json_is_string(e));
    assert_true(strlen(json_string_value(e)) > 0);
    assert_int_equal(member_int(a, "line"), (long long)lineno);
    json_decref(a);
  }
  /* an error keeps the request's id */
  a = ask(&c, "{\"id\": \"k\", \"query\": \"tramway\", \"limit\": \"x\"}");
  lineno++;
  assert_non_null(a);
  assert_string_equal(json_string_value(json_object_get(a, "id")), "k");
  assert_true(json_is_string(json_object_get(a, "error")));
  json_decref(a);

  /* a bare query */
  a = ask(&c, "tramway");
  lineno++;
  assert_non_null(a);
  assert_int_equal(member_int(a, "total"), N_ARTICLES / 6);
  json_decref(a);

  /* options: limit, offset, sort, filters (object and string), facets */
  a = ask(&c, "{\"query\": \"tramway\", \"limit\": 2, \"offset\": 1, "
              "\"sort\": \"date-asc\", \"facets\": [\"source\"], "
              "\"snippets\": false}");
  lineno++;
  assert_non_null(a);
  json_t *res = json_object_get(a, "results");
  assert_int_equal(json_array_size(res), 2);
  assert_int_equal(member_int(json_array_get(res, 0), "rank"), 2);
  const char *d0 =
      json_string_value(json_object_get(json_array_get(res, 0), "date"));
  const char *d1 =
      json_string_value(json_object_get(json_array_get(res, 1), "date"));
  assert_true(strcmp(d0, d1) <= 0);
  assert_true(
      json_is_array(json_object_get(json_object_get(a, "facets"), "source")));
  json_decref(a);

  a = ask(&c, "{\"query\": \"tramway\", \"filters\": {\"source\": "
              "[\"Ouest-Matin\", \"Le Courrier du Rhône\"]}, \"limit\": 0}");
  lineno++;
  assert_non_null(a);
  long long two_sources = member_int(a, "total");
  json_decref(a);
  a = ask(&c, "{\"query\": \"tramway\", \"filters\": \"source:Ouest-Matin\","
              " \"limit\": 0}");
  lineno++;
  assert_non_null(a);
  long long one_source = member_int(a, "total");
  json_decref(a);
  assert_true(one_source > 0);
  assert_true(two_sources > one_source);
  assert_true(two_sources < N_ARTICLES / 6 + 1);

  /* a long line: no fixed buffer (1 MiB id echoed back) */
  size_t big = 1u << 20;
  char *req = malloc(big + 64);
  assert_non_null(req);
  strcpy(req, "{\"query\": \"tramway\", \"limit\": 1, \"id\": \"");
  size_t k = strlen(req);
  memset(req + k, 'x', big);
  strcpy(req + k + big, "\"}");
  a = ask(&c, req);
  lineno++;
  assert_non_null(a);
  assert_int_equal(strlen(json_string_value(json_object_get(a, "id"))), big);
  assert_int_equal(member_int(a, "total"), N_ARTICLES / 6);
  json_decref(a);
  free(req);

  /* a last request without its newline is still answered at EOF */
  fputs("tramway", c.to);
  fclose(c.to);
  ssize_t n = getline(&c.line, &c.cap, c.from);
  assert_true(n > 0);
  a = json_loads(c.line, 0, NULL);
  assert_int_equal(member_int(a, "total"), N_ARTICLES / 6);
  json_decref(a);
  /* then EOF: the loop ends cleanly */
  assert_int_equal(getline(&c.line, &c.cap, c.from), -1);
  pthread_join(th, NULL);
  assert_int_equal(s.rc, 0);
  fclose(c.from);
  free(c.line);
  /* nothing on stderr */
  assert_int_equal(ftell(s.err), 0);
  fclose(s.err);
}

static void test_serve_no_index(void **state) {
  fixture *fx = *state;
  char *nope = path_in(fx->dir, "no-such-index");
  FILE *in = tmpfile(), *out = tmpfile(), *err = tmpfile();
  assert_int_equal(dps_serve(nope, NULL, in, out, err), 2);
  assert_true(ftell(err) > 0);
  assert_int_equal(ftell(out), 0);
  fclose(in);
  fclose(out);
  fclose(err);
  free(nope);
}

/* ------------------------------------------------------------------ */
/* Threads                                                             */
/* ------------------------------------------------------------------ */

static const char *thread_queries[] = {
    "tramway",        "vendanges Lyon", "cathédrale OR marée",
    "\"fait débat\"", "Brest -tramway", "source:Ouest-Matin observatoire",
    "Jean Martin",    "fromagerie",     "date:2024-03..2024-06 Nantes",
    "zzzinconnu",
};
#define N_QUERIES (sizeof thread_queries / sizeof thread_queries[0])
#define N_THREADS 4
#define N_ROUNDS 15

typedef struct worker {
  const char *index;
  dp_index *shared;      /* NULL: open an own handle */
  pthread_mutex_t *lock; /* for the shared handle */
  char **expected;       /* JSON per query */
  int seed;              /* order of the queries */
  int searches, mismatches, errors;
} worker;

static void *worker_main(void *arg) {
  worker *w = arg;
  dp_index *ix = w->shared;
  char *err = NULL;
  if (!ix && !(ix = dp_open(w->index, &err))) {
    w->errors++;
    dp_free(err);
    return NULL;
  }
  for (int r = 0; r < N_ROUNDS; r++) {
    for (size_t i = 0; i < N_QUERIES; i++) {
      size_t q = (i * 7 + (size_t)w->seed * 3 + (size_t)r) % N_QUERIES;
      if (w->lock)
        pthread_mutex_lock(w->lock);
      char *js = dp_search_json(ix, thread_queries[q], 0, 5, &err);
      if (w->lock)
        pthread_mutex_unlock(w->lock);
      w->searches++;
      if (!js) {
        w->errors++;
        dp_free(err);
        err = NULL;
        continue;
      }
      if (strcmp(js, w->expected[q]) != 0)
        w->mismatches++;
      dp_free(js);
    }
  }
  if (!w->shared)
    dp_close(ix);
  return NULL;
}

static void run_workers(fixture *fx, int shared) {
  char *err = NULL;
  dp_index *one = dp_open(fx->index, &err);
  assert_non_null(one);
  char *expected[N_QUERIES];
  for (size_t q = 0; q < N_QUERIES; q++) {
    expected[q] = dp_search_json(one, thread_queries[q], 0, 5, &err);
    assert_non_null(expected[q]);
  }
  pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
  worker w[N_THREADS];
  pthread_t th[N_THREADS];
  for (int t = 0; t < N_THREADS; t++) {
    w[t] = (worker){fx->index,
                    shared ? one : NULL,
                    shared ? &lock : NULL,
                    expected,
                    t,
                    0,
                    0,
                    0};
    assert_int_equal(pthread_create(&th[t], NULL, worker_main, &w[t]), 0);
  }
  for (int t = 0; t < N_THREADS; t++) {
    pthread_join(th[t], NULL);
    assert_int_equal(w[t].errors, 0);
    assert_int_equal(w[t].mismatches, 0);
    assert_int_equal(w[t].searches, N_ROUNDS * (int)N_QUERIES);
  }
  for (size_t q = 0; q < N_QUERIES; q++)
    dp_free(expected[q]);
  dp_close(one);
}

static void test_threads_own_handles(void **state) {
  run_workers(*state, 0);
}

static void test_threads_shared_handle_locked(void **state) {
  run_workers(*state, 1);
}

/* Searching threads while depeche-index commits many small batches: no
 * search fails, totals never go down, and the last ones see everything.
 * Commits every 5 articles make the reopen before a search fail now and
 * then (DatabaseModifiedError): searching the half-reopened handle gave a
 * total from two commits later, then a lower one (about one run in 300
 * with batches of 10, before dp_search opened such a handle afresh). */
typedef struct watcher {
  const char *index;
  atomic_int *done;
  long long last;
  int searches, errors, went_down;
} watcher;

static void *watcher_main(void *arg) {
  watcher *w = arg;
  char *err = NULL;
  dp_index *ix = dp_open(w->index, &err);
  if (!ix) {
    w->errors++;
    dp_free(err);
    return NULL;
  }
  int finished;
  do {
    finished = atomic_load(w->done);
    dp_results *r = NULL;
    dp_search_options o = DP_SEARCH_OPTIONS_INIT;
    o.limit = 3;
    o.exact_total = 1;
    if (dp_search(&r, ix, "kiosque", &o, &err) != 0) {
      fprintf(stderr, "search failed during indexing: %s\n", err);
      dp_free(err);
      err = NULL;
      w->errors++;
      continue;
    }
    long long t = (long long)dp_results_total(r);
    for (size_t i = 0; i < dp_results_count(r); i++)
      if (!dp_results_get(r, i)->title[0])
        w->errors++;
    dp_results_free(r);
    if (t < w->last) {
      fprintf(stderr, "total went down: %lld after %lld\n", t, w->last);
      w->went_down++;
    }
    w->last = t;
    w->searches++;
  } while (!finished);
  dp_close(ix);
  return NULL;
}

static void test_threads_while_indexing(void **state) {
  fixture *fx = *state;
  enum { N_NEW = 240 };
  char *src = path_in(fx->dir, "kiosques.jsonl");
  FILE *f = fopen(src, "w");
  assert_non_null(f);
  for (int i = 0; i < N_NEW; i++) {
    char id[32];
    snprintf(id, sizeof id, "kiosque-%03d", i);
    write_article(f, id, topics[i % 6], cities[i % 5], sources[i % 5 % 3], i,
                  "Un kiosque à journaux rouvre.");
  }
  fclose(f);
  atomic_int done = 0;
  watcher w[N_THREADS];
  pthread_t th[N_THREADS];
  for (int t = 0; t < N_THREADS; t++) {
    w[t] = (watcher){fx->index, &done, 0, 0, 0, 0};
    assert_int_equal(pthread_create(&th[t], NULL, watcher_main, &w[t]), 0);
  }
  const char *args[] = {
      "--index", fx->index, "--batch-size", "5", "--jobs", "1", src, NULL};
  int rc = run_indexer(args);
  atomic_store(&done, 1);
  for (int t = 0; t < N_THREADS; t++)
    pthread_join(th[t], NULL);
  assert_int_equal(rc, 0);
  for (int t = 0; t < N_THREADS; t++) {
    fprintf(stderr, "watcher %d: %d searches during indexing\n", t,
            w[t].searches);
    assert_int_equal(w[t].errors, 0);
    assert_int_equal(w[t].went_down, 0);
    assert_true(w[t].searches >= 1);
    assert_int_equal(w[t].last, N_NEW); /* the last search saw them all */
  }
  free(src);
}

/* ------------------------------------------------------------------ */
/* Ownership and bad arguments                                         */
/* ------------------------------------------------------------------ */

static void test_results_outlive_close(void **state) {
  fixture *fx = *state;
  char *err = NULL;
  dp_index *ix = dp_open(fx->index, &err);
  assert_non_null(ix);
  dp_results *r = NULL;
  assert_int_equal(dp_search(&r, ix, "tramway Lyon", NULL, &err), 0);
  dp_close(ix);
  assert_true(dp_results_count(r) >= 1);
  const dp_result *x = dp_results_get(r, 0);
  assert_non_null(strstr(x->title, "tramway"));
  for (size_t i = 0; i < x->n_highlights; i++)
    assert_true(x->highlights[i].end <= strlen(x->snippet));
  assert_null(dp_results_get(r, dp_results_count(r)));
  char *js = dp_results_json(r);
  assert_non_null(js);
  assert_int_equal(strncmp(js, "{\"schema\":1,", 12), 0);
  dp_free(js);
  dp_results_free(r);
}

static void test_bad_arguments(void **state) {
  fixture *fx = *state;
  char *err = NULL;
  char *nope = path_in(fx->dir, "no-such-index");
  assert_null(dp_open(nope, &err));
  assert_non_null(err);
  assert_non_null(strstr(err, "no-such-index"));
  dp_free(err);
  err = NULL;
  assert_null(dp_open(nope, NULL)); /* errmsg may be NULL */
  free(nope);
  assert_null(dp_search_json(NULL, "x", 0, 10, &err));
  assert_non_null(err);
  dp_free(err);
  err = NULL;
  dp_index *ix = dp_open(fx->index, &err);
  assert_non_null(ix);
  assert_null(dp_search_json(ix, "x", -1, 10, &err));
  dp_free(err);
  err = NULL;
  assert_null(dp_search_json(ix, "x", 0, -1, &err));
  dp_free(err);
  err = NULL;
  /* a NULL query: an error or an answer, never a crash */
  char *any = dp_search_json(ix, NULL, 0, 10, &err);
  assert_true(any || err);
  dp_free(any);
  dp_free(err);
  err = NULL;
  /* limit 0: count only */
  char *js = dp_search_json(ix, "tramway", 0, 0, &err);
  assert_non_null(js);
  assert_int_equal(json_total(js), N_ARTICLES / 6);
  assert_non_null(strstr(js, "\"results\":[]"));
  dp_free(js);
  dp_search_options o;
  assert_int_equal(dp_search_options_init(&o, DP_SEARCH_OPTIONS_VERSION), 0);
  assert_int_equal(o.limit, 10);
  assert_int_equal(dp_search_options_init(&o, 999), DP_EINVAL);
  o.version = 999;
  dp_results *r = NULL;
  assert_int_equal(dp_search(&r, ix, "tramway", &o, &err), DP_EINVAL);
  assert_null(r);
  dp_free(err);
  dp_close(ix);
  dp_close(NULL);
  dp_free(NULL);
  dp_results_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_handle_sees_new_articles, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_serve, setup, teardown),
      cmocka_unit_test_setup_teardown(test_serve_no_index, setup, teardown),
      cmocka_unit_test_setup_teardown(test_threads_own_handles, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_threads_shared_handle_locked, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_threads_while_indexing, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_results_outlive_close, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
