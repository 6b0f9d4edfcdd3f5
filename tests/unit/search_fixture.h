/* search_fixture.h — for the search tests (include after cmocka.h): small
 * indexes built with the indexer's own document builder (same layout as
 * depeche-index) in a temporary directory. */
#ifndef DEPECHE_TEST_SEARCH_FIXTURE_H
#define DEPECHE_TEST_SEARCH_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "depeche.h"
#include "dpi.h"
#include "xapian_c.h"

typedef struct art {
  const char *id, *title, *date, *source, *lead, *body;
} art;

/* Adds (or replaces, by id) the n articles a to the index at path, created
 * when missing, in one commit. 0 or -1. */
static int add_articles(const char *path, const art *a, size_t n) {
  xc_db *db = NULL;
  xc_error xe = XC_ERROR_INIT;
  if (xc_db_open_writable(&db, path, XC_DB_CREATE_OR_OPEN | XC_DB_NO_SYNC, &xe))
    return -1;
  dp_tagger *tg = NULL;
  dpi_builder *b = NULL;
  char *err = NULL;
  int rc = 0;
  if (dp_tagger_new(&tg, &err) || dpi_builder_new(&b, tg, &err))
    rc = -1;
  for (size_t i = 0; !rc && i < n; i++) {
    dpi_article art = {0};
    art.id = (char *)a[i].id;
    art.title = (char *)a[i].title;
    art.date = (char *)a[i].date;
    art.source = (char *)a[i].source;
    art.lead = (char *)a[i].lead;
    art.body = (char *)a[i].body;
    dpi_origin o = {"", ""};
    xc_doc *doc = NULL;
    char q[64];
    snprintf(q, sizeof q, "Q%s", a[i].id);
    if (dpi_build(b, &art, &o, "0000000000000000", &doc, NULL, &err) ||
        xc_db_replace_by_term(NULL, db, q, doc, &xe))
      rc = -1;
    xc_doc_free(doc);
  }
  free(err);
  dpi_builder_free(b);
  dp_tagger_free(tg);
  if (xc_db_close(db, &xe))
    rc = -1;
  xc_error_clear(&xe);
  return rc;
}

/* Makes dir = "/tmp/depeche-test-NAME-XXXXXX/ix" (the temporary directory
 * created) and indexes the n articles a there. 0 or -1. */
static int fixture_index(char dir[256], const char *name, const art *a,
                         size_t n) {
  snprintf(dir, 256, "/tmp/depeche-test-%s-XXXXXX", name);
  if (!mkdtemp(dir))
    return -1;
  strcat(dir, "/ix");
  return add_articles(dir, a, n);
}

/* Removes the temporary directory of fixture_index's dir. 0 or -1. */
static int fixture_remove(const char *dir) {
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%.*s'", (int)(strlen(dir) - 3), dir);
  return system(cmd) == 0 ? 0 : -1;
}

/* dp_search that must succeed (its error is printed first). */
static inline dp_results *fixture_search(dp_index *ix, const char *q,
                                         const dp_search_options *o) {
  dp_results *r = NULL;
  char *err = NULL;
  int rc = dp_search(&r, ix, q, o, &err);
  if (rc)
    fprintf(stderr, "dp_search(%s): %s\n", q, err ? err : "?");
  dp_free(err);
  assert_int_equal(rc, 0);
  return r;
}

#endif
