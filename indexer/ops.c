/* ops.c — operations on a whole index: open for writing (lock message),
 * --remove, --prune, --compact (atomic swap) and --stats. */
#define _GNU_SOURCE /* renameat2, RENAME_EXCHANGE */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <dirent.h>
#include <glob.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dpi.h"
#include "schema.h"

xc_db *dpi_open_writable(const char *index, int no_sync, FILE *err) {
  xc_db *db = NULL;
  xc_error xe = XC_ERROR_INIT;
  int flags = XC_DB_CREATE_OR_OPEN | (no_sync ? XC_DB_NO_SYNC : 0);
  int rc = xc_db_open_writable(&db, index, flags, &xe);
  if (rc == XC_ERR_LOCKED)
    fprintf(err, "depeche-index: index %s is locked by another depeche-index\n",
            index);
  else if (rc)
    fprintf(err, "depeche-index: cannot open index %s: %s\n", index,
            xc_error_message(&xe));
  xc_error_clear(&xe);
  return rc ? NULL : db;
}

static int open_existing_writable(xc_db **db, const char *index, FILE *err) {
  xc_error xe = XC_ERROR_INIT;
  int rc = xc_db_open_writable(db, index, XC_DB_OPEN, &xe);
  if (rc == XC_ERR_LOCKED)
    fprintf(err, "depeche-index: index %s is locked by another depeche-index\n",
            index);
  else if (rc == XC_ERR_NOT_FOUND)
    fprintf(err, "depeche-index: no index at %s\n", index);
  else if (rc)
    fprintf(err, "depeche-index: cannot open index %s: %s\n", index,
            xc_error_message(&xe));
  xc_error_clear(&xe);
  return rc;
}

/* ---- --remove ---- */

int dpi_remove(const char *index, const char *const *ids, size_t n, int json,
               int quiet, FILE *out, FILE *err) {
  xc_db *db = NULL;
  if (open_existing_writable(&db, index, err))
    return 2;
  xc_error xe = XC_ERROR_INIT;
  uint64_t removed = 0, unknown = 0;
  int status = 0;
  for (size_t i = 0; i < n && !status; i++) {
    char *term = dpi_make_term(DP_PREFIX_ID, ids[i]);
    int exists = 0;
    if (!term) {
      fprintf(err, "depeche-index: out of memory\n");
      status = 2;
    } else if (xc_db_term_exists(&exists, db, term, &xe) ||
               (exists && xc_db_delete_by_term(db, term, &xe))) {
      fprintf(err, "depeche-index: cannot remove %s: %s\n", ids[i],
              xc_error_message(&xe));
      status = 2;
    } else if (exists) {
      removed++;
    } else {
      fprintf(err, "depeche-index: no article with id %s\n", ids[i]);
      unknown++;
    }
    free(term);
  }
  if (xc_db_close(db, &xe) && !status) {
    fprintf(err, "depeche-index: cannot commit to %s: %s\n", index,
            xc_error_message(&xe));
    status = 2;
  }
  xc_error_clear(&xe);
  if (status)
    return status;
  if (json)
    fprintf(out, "{\"removed\":%llu,\"unknown\":%llu}\n",
            (unsigned long long)removed, (unsigned long long)unknown);
  else if (!quiet)
    fprintf(out, "%llu removed\n", (unsigned long long)removed);
  return unknown ? 1 : 0;
}

/* ---- --prune ---- */

static int under_root(const char *path, const char *root) {
  size_t n = strlen(root);
  if (strncmp(path, root, n) != 0)
    return 0;
  return path[n] == '/' || path[n] == 0 || (n && root[n - 1] == '/');
}

int dpi_prune_db(xc_db *db, const char *const *roots, size_t n,
                 uint64_t *removed, FILE *err) {
  xc_error xe = XC_ERROR_INIT;
  xc_termit *it = NULL;
  char **gone = NULL;
  size_t n_gone = 0, cap = 0;
  int rc = xc_db_terms(&it, db, DP_PREFIX_PATH, &xe);
  /* collect first: the term list must not change under the iterator */
  while (!rc && (rc = xc_termit_next(it, &xe)) == 1) {
    const char *term = xc_termit_term(it, NULL);
    xc_docid id = 0;
    xc_doc *doc = NULL;
    char *path = NULL;
    rc = xc_db_find_unique(&id, db, term, &xe);
    if (!rc && id)
      rc = xc_db_get_document(&doc, db, id, &xe);
    if (!rc && doc)
      rc = xc_doc_get_value(&path, NULL, doc, DP_SLOT_PATH, &xe);
    xc_doc_free(doc);
    if (rc)
      break;
    int in_roots = n == 0;
    for (size_t i = 0; i < n && !in_roots && path; i++)
      in_roots = under_root(path, roots[i]);
    struct stat st;
    if (path && *path && in_roots && stat(path, &st) != 0 && errno == ENOENT) {
      if (n_gone == cap) {
        cap = cap ? cap * 2 : 16;
        char **g = realloc(gone, cap * sizeof *g);
        if (!g) {
          free(path);
          rc = XC_ERR_NOMEM;
          break;
        }
        gone = g;
      }
      if (!(gone[n_gone] = dpi_strdup0(term))) {
        free(path);
        rc = XC_ERR_NOMEM;
        break;
      }
      n_gone++;
    }
    free(path);
  }
  xc_termit_free(it);
  for (size_t i = 0; i < n_gone && rc >= 0; i++) {
    uint32_t freq = 0;
    rc = xc_db_term_freq(&freq, db, gone[i], &xe);
    if (!rc)
      rc = xc_db_delete_by_term(db, gone[i], &xe);
    if (!rc)
      *removed += freq;
  }
  for (size_t i = 0; i < n_gone; i++)
    free(gone[i]);
  free(gone);
  if (rc < 0) {
    fprintf(err, "depeche-index: cannot prune: %s\n",
            rc == XC_ERR_NOMEM ? "out of memory" : xc_error_message(&xe));
    xc_error_clear(&xe);
    return -1;
  }
  return 0;
}

/* ---- the index directory ---- */

/* Names a Xapian database directory holds (glass, and chert/honey for an
 * index made by another Xapian version). */
static int is_db_file(const char *name) {
  static const char *const exact[] = {"iamglass", "iamchert", "iamhoney",
                                      "flintlock"};
  static const char *const suffix[] = {".glass", ".DB", ".baseA", ".baseB",
                                       ".tmp"};
  for (size_t i = 0; i < sizeof exact / sizeof *exact; i++)
    if (strcmp(name, exact[i]) == 0)
      return 1;
  size_t n = strlen(name);
  for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
    size_t k = strlen(suffix[i]);
    if (n > k && strcmp(name + n - k, suffix[i]) == 0)
      return 1;
  }
  return strncmp(name, "changes", 7) == 0; /* replication changesets */
}

int dpi_check_index_dir(const char *index, FILE *err) {
  struct stat st;
  if (stat(index, &st) != 0)
    return 0; /* created later; errors are reported by whoever creates it */
  if (!S_ISDIR(st.st_mode)) {
    fprintf(err, "depeche-index: %s exists and is not a directory\n", index);
    return -1;
  }
  DIR *d = opendir(index);
  if (!d)
    return 0; /* reported by the open that follows */
  struct dirent *e;
  int rc = 0;
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
        is_db_file(e->d_name))
      continue;
    fprintf(err,
            "depeche-index: %s is not an index directory (it holds %s); "
            "refusing to write there, since rebuilding or compacting an "
            "index replaces its whole directory: give a new or empty "
            "directory to --index\n",
            index, e->d_name);
    rc = -1;
    break;
  }
  closedir(d);
  return rc;
}

/* ---- --compact ---- */

static int rm_entry(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

int dpi_rm_rf(const char *path) {
  return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char *dpi_tmpdir_next_to(const char *index) {
  char *tmpl = dp_strfmt("%s.tmp-XXXXXX", index);
  if (!tmpl)
    return NULL;
  size_t n = strlen(tmpl) - strlen(".tmp-XXXXXX");
  while (n > 1 && tmpl[n - 1] == '/') { /* "db/" -> "db.tmp-..." */
    memmove(tmpl + n - 1, tmpl + n, strlen(tmpl + n) + 1);
    n--;
  }
  if (!mkdtemp(tmpl)) {
    free(tmpl);
    return NULL;
  }
  return tmpl;
}

void dpi_clean_stale(const char *index) {
  char *pat = dp_strfmt("%s.tmp-??????", index);
  glob_t g;
  if (pat && glob(pat, GLOB_NOSORT, NULL, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; i++)
      dpi_rm_rf(g.gl_pathv[i]);
    globfree(&g);
  }
  free(pat);
}

static uint64_t dir_size(const char *path) {
  xc_table_size *t = NULL;
  size_t n = 0;
  uint64_t total = 0;
  if (xc_db_table_sizes(&t, &n, &total, path, NULL) == 0)
    xc_table_sizes_free(t, n);
  return total;
}

/* Swaps the directories a and b: atomically with renameat2
 * RENAME_EXCHANGE where the file system supports it, else with two
 * renames (a short moment where `a` does not exist). On return, b holds
 * what a held. */
int dpi_swap_dirs(const char *a, const char *b, FILE *err) {
#ifdef RENAME_EXCHANGE
  if (renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0)
    return 0;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) {
    fprintf(err, "depeche-index: cannot swap %s and %s: %s\n", a, b,
            strerror(errno));
    return -1;
  }
#endif
  char *old = dp_strfmt("%s.old-%ld", a, (long)getpid());
  if (!old)
    return -1;
  int rc = 0;
  if (rename(a, old) != 0 || rename(b, a) != 0 || rename(old, b) != 0) {
    fprintf(err, "depeche-index: cannot swap %s and %s: %s\n", a, b,
            strerror(errno));
    rc = -1;
  }
  free(old);
  return rc;
}

int dpi_compact(const char *index, int json, int quiet, FILE *out, FILE *err) {
  xc_db *db = NULL;
  /* holding the write lock: no article is lost between compaction and
   * the swap */
  if (open_existing_writable(&db, index, err))
    return 2;
  uint64_t before = dir_size(index);
  dpi_clean_stale(index);
  char *tmpl = dpi_tmpdir_next_to(index);
  if (!tmpl) {
    fprintf(err, "depeche-index: cannot create a directory next to %s: %s\n",
            index, strerror(errno));
    xc_db_free(db);
    return 2;
  }
  xc_error xe = XC_ERROR_INIT;
  int status = 0;
  if (xc_db_compact(db, tmpl, 0, &xe)) {
    fprintf(err, "depeche-index: cannot compact %s: %s\n", index,
            xc_error_message(&xe));
    status = 2;
  } else if (dpi_swap_dirs(index, tmpl, err)) {
    status = 2;
  }
  /* the old tables (now under tmpl) stay readable by searches that have
   * them open until they close them; then they are gone */
  xc_db_free(db);
  dpi_rm_rf(tmpl);
  xc_error_clear(&xe);
  uint64_t after = status ? before : dir_size(index);
  free(tmpl);
  if (status)
    return status;
  if (json)
    fprintf(out, "{\"before\":%llu,\"after\":%llu}\n",
            (unsigned long long)before, (unsigned long long)after);
  else if (!quiet)
    fprintf(out, "compacted %s: %.1f MB -> %.1f MB\n", index, before / 1e6,
            after / 1e6);
  return 0;
}

/* ---- --stats ---- */

typedef struct top_ent {
  char *term;
  uint32_t freq;
} top_ent;

static int cmp_top(const void *a, const void *b) {
  const top_ent *x = a, *y = b;
  if (x->freq != y->freq)
    return x->freq > y->freq ? -1 : 1;
  return strcmp(x->term, y->term);
}

#define TOP_N 10

int dpi_stats(const char *index, int json, FILE *out, FILE *err) {
  xc_db *db = NULL;
  xc_error xe = XC_ERROR_INIT;
  int rc = xc_db_open(&db, index, &xe);
  if (rc) {
    if (rc == XC_ERR_NOT_FOUND)
      fprintf(err, "depeche-index: no index at %s\n", index);
    else
      fprintf(err, "depeche-index: cannot open index %s: %s\n", index,
              xc_error_message(&xe));
    xc_error_clear(&xe);
    return 2;
  }
  uint32_t docs = 0;
  double avglen = 0;
  uint64_t terms = 0;
  char *updated = NULL;
  top_ent *top = NULL;
  size_t n_top = 0, cap_top = 0;
  xc_termit *it = NULL;
  rc = xc_db_doc_count(&docs, db, &xe);
  if (!rc)
    rc = xc_db_avg_length(&avglen, db, &xe);
  if (!rc)
    rc = xc_db_get_metadata(&updated, NULL, db, DP_META_UPDATED, &xe);
  if (!rc)
    rc = xc_db_terms(&it, db, NULL, &xe);
  while (!rc && (rc = xc_termit_next(it, &xe)) == 1) {
    rc = 0;
    size_t len;
    const char *t = xc_termit_term(it, &len);
    terms++;
    if (t[0] != 'X' || strncmp(t, DP_PREFIX_PATH, 2) == 0 ||
        strncmp(t, DP_PREFIX_SOURCE, 4) == 0)
      continue;
    if (strncmp(t, DP_PREFIX_PER, 4) && strncmp(t, DP_PREFIX_ORG, 4) &&
        strncmp(t, DP_PREFIX_LOC, 4) && strncmp(t, DP_PREFIX_MISC, 5))
      continue;
    uint32_t f = xc_termit_termfreq(it);
    if (n_top == cap_top) {
      cap_top = cap_top ? cap_top * 2 : 64;
      top_ent *p = realloc(top, cap_top * sizeof *top);
      if (!p) {
        rc = XC_ERR_NOMEM;
        break;
      }
      top = p;
    }
    top[n_top].term = dp_strndup(t, len);
    top[n_top].freq = f;
    if (!top[n_top].term) {
      rc = XC_ERR_NOMEM;
      break;
    }
    n_top++;
    if (n_top >= 4096) { /* keep the list small: trim to the best */
      qsort(top, n_top, sizeof *top, cmp_top);
      for (size_t i = TOP_N; i < n_top; i++)
        free(top[i].term);
      n_top = TOP_N;
    }
  }
  xc_termit_free(it);
  xc_table_size *sizes = NULL;
  size_t n_sizes = 0;
  uint64_t total = 0;
  if (rc >= 0)
    rc = xc_db_table_sizes(&sizes, &n_sizes, &total, index, &xe);
  int status = 0;
  if (rc < 0) {
    fprintf(err, "depeche-index: cannot read %s: %s\n", index,
            xc_error_message(&xe));
    status = 2;
  } else {
    if (n_top)
      qsort(top, n_top, sizeof *top, cmp_top);
    size_t shown = n_top < TOP_N ? n_top : TOP_N;
    if (json) {
      json_t *o = json_object();
      json_object_set_new(o, "index", json_string(index));
      json_object_set_new(o, "articles", json_integer(docs));
      json_object_set_new(o, "terms", json_integer((json_int_t)terms));
      json_object_set_new(o, "avg_length", json_real(avglen));
      json_object_set_new(o, "updated", json_string(updated ? updated : ""));
      json_object_set_new(o, "bytes", json_integer((json_int_t)total));
      json_t *tb = json_object();
      for (size_t i = 0; i < n_sizes; i++)
        json_object_set_new(tb, sizes[i].name,
                            json_integer((json_int_t)sizes[i].bytes));
      json_object_set_new(o, "tables", tb);
      json_t *te = json_array();
      for (size_t i = 0; i < shown; i++) {
        const char *t = top[i].term;
        size_t pl = strncmp(t, DP_PREFIX_MISC, 5) == 0 ? 5 : 4;
        json_t *e = json_object();
        json_object_set_new(e, "type", json_stringn(t + 1, pl - 1));
        json_object_set_new(e, "key", json_string(t + pl));
        json_object_set_new(e, "articles", json_integer(top[i].freq));
        json_array_append_new(te, e);
      }
      json_object_set_new(o, "top_entities", te);
      char *s = json_dumps(o, JSON_COMPACT);
      if (s)
        fprintf(out, "%s\n", s);
      free(s);
      json_decref(o);
    } else {
      fprintf(out, "index:        %s\n", index);
      fprintf(out, "articles:     %u\n", docs);
      fprintf(out, "terms:        %llu\n", (unsigned long long)terms);
      fprintf(out, "avg length:   %.1f\n", avglen);
      fprintf(out, "last update:  %s\n", updated && *updated ? updated : "-");
      fprintf(out, "size on disk: %.1f MB\n", total / 1e6);
      for (size_t i = 0; i < n_sizes; i++)
        fprintf(out, "  %-20s %10.1f MB\n", sizes[i].name,
                sizes[i].bytes / 1e6);
      if (shown)
        fprintf(out, "top entities:\n");
      for (size_t i = 0; i < shown; i++) {
        const char *t = top[i].term;
        size_t pl = strncmp(t, DP_PREFIX_MISC, 5) == 0 ? 5 : 4;
        fprintf(out, "  %-4.*s %-30s %u\n", (int)(pl - 1), t + 1, t + pl,
                top[i].freq);
      }
    }
  }
  for (size_t i = 0; i < n_top; i++)
    free(top[i].term);
  free(top);
  xc_table_sizes_free(sizes, n_sizes);
  free(updated);
  xc_error_clear(&xe);
  xc_db_free(db);
  return status;
}
