/* depeche.h — libdepeche, the Dépêche search library (public API).
 *
 * Search a Dépêche index (built by depeche-index) from C or, through FFI,
 * from any language. Two layers:
 *   - four FFI-friendly functions: dp_open, dp_search_json, dp_free,
 *     dp_close (the JSON is exactly `depeche-search --json`'s);
 *   - a typed API: dp_search with a dp_search_options struct, results
 *     read through dp_results_* accessors, facets, and dp_results_free.
 *
 * Conventions (after libgit2): opaque handles; functions return 0 or a
 * negative dp_status; out-parameters first; every returned pointer says
 * who frees it; a char **errmsg (may be NULL) receives a malloc'd one-line
 * message on failure (free it with dp_free). Strings are UTF-8.
 *
 * Index changes: when another process commits to the index, the next
 * search sees the new articles (the handle moves to the latest revision
 * before each search, and reopens and retries by itself when Xapian
 * reports that the revision it was reading went away).
 *
 * Thread safety: a dp_index handle and everything it returns belong to
 * one thread at a time. Use one handle per thread (dp_open is cheap), or
 * serialise calls on a shared handle with your own lock. Distinct handles
 * are independent. dp_results stay valid after dp_close.
 *
 * Only the names declared here are exported from libdepeche.so.
 */
#ifndef DEPECHE_H
#define DEPECHE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define DP_EXPORT __attribute__((visibility("default")))
#else
#define DP_EXPORT
#endif

/* Statuses: 0 or one of these negative values. */
typedef enum dp_status {
  DP_OK = 0,
  DP_ERROR = -1,     /* any other failure (message says which) */
  DP_ENOMEM = -2,    /* out of memory */
  DP_EQUERY = -3,    /* the query was rejected (e.g. an impossible date) */
  DP_ENOTFOUND = -4, /* no index at that path */
  DP_EINDEX = -5,    /* the index cannot be opened or read (corrupt,
                        wrong version, too new) */
  DP_EINVAL = -6,    /* bad argument (NULL handle, bad option) */
} dp_status;

/* An open index. */
typedef struct dp_index dp_index;

/* Version of the library, e.g. "0.1.0" (static string). */
DP_EXPORT const char *dp_version(void);

/* Opens the index at path: an index directory or a Xapian stub file
 * (several shards, remote shards). Returns a handle (free with dp_close),
 * or NULL and *errmsg = malloc'd message (free with dp_free) when errmsg
 * is not NULL. */
DP_EXPORT dp_index *dp_open(const char *path, char **errmsg);

/* Searches and returns the JSON document `depeche-search --json` prints
 * (schema 1: {"schema":1,"query","total","relaxed","suggestion",
 * "results":[...],"facets":{}}), snippets with default options. offset
 * >= 0; limit >= 0 (0 = count only). Returns a malloc'd NUL-terminated
 * string (free with dp_free), or NULL and *errmsg (free with dp_free). */
DP_EXPORT char *dp_search_json(dp_index *ix, const char *query, int offset,
                               int limit, char **errmsg);

/* Frees anything this library returned as a plain pointer (strings,
 * messages). NULL is allowed. */
DP_EXPORT void dp_free(void *p);

/* Closes the index. NULL is allowed. Results already returned stay valid. */
DP_EXPORT void dp_close(dp_index *ix);

/* ------------------------------------------------------------------ */
/* Typed API                                                           */
/* ------------------------------------------------------------------ */

typedef enum dp_sort {
  DP_SORT_RELEVANCE = 0, /* best first (BM25, title matches count more) */
  DP_SORT_DATE = 1,      /* newest first, ties by relevance */
  DP_SORT_DATE_ASC = 2,  /* oldest first, ties by relevance */
} dp_sort;

/* Facets to count over the whole match set (bit mask). */
enum {
  DP_FACET_SOURCE = 1u << 0, /* source name */
  DP_FACET_MONTH = 1u << 1,  /* "YYYY-MM", in month order */
  DP_FACET_ENTITY = 1u << 2, /* entity keys with their type */
};

#define DP_SEARCH_OPTIONS_VERSION 1

typedef struct dp_search_options {
  unsigned int version;      /* DP_SEARCH_OPTIONS_VERSION */
  int offset;                /* first result (0-based) */
  int limit;                 /* results to return (0 = none: count) */
  dp_sort sort;              /* order */
  int recent;                /* 1: boost fresh articles (relevance sort) */
  const char *filters;       /* more query text that only filters, e.g.
                                "source:afp since:2021" (NULL = none) */
  int snippets;              /* 1: build snippets (0 = faster, no snippet) */
  unsigned snippet_passages; /* passages per snippet (default 2) */
  unsigned snippet_chars;    /* characters per passage (default 150) */
  unsigned facets;           /* DP_FACET_* bits (0 = none) */
  unsigned facet_limit;      /* sources and entities kept, most frequent
                                first (0 = all; default 10); months are
                                all kept, in month order */
  int exact_total;           /* 1: count every match exactly (slower) */
  int no_relax;              /* 1: never relax a query that found nothing */
  int no_suggest;            /* 1: no spelling suggestion */
} dp_search_options;

#define DP_SEARCH_OPTIONS_INIT                                                 \
  {                                                                            \
    DP_SEARCH_OPTIONS_VERSION, 0, 10, DP_SORT_RELEVANCE, 0, NULL, 1, 2, 150,   \
        0, 10, 0, 0, 0                                                         \
  }

/* Fills opts with the defaults (same as DP_SEARCH_OPTIONS_INIT) for
 * callers that cannot use the macro (FFI). version must be
 * DP_SEARCH_OPTIONS_VERSION. Returns 0 or DP_EINVAL. */
DP_EXPORT int dp_search_options_init(dp_search_options *opts,
                                     unsigned int version);

/* A highlighted byte range [start, end) of a string. */
typedef struct dp_span {
  size_t start;
  size_t end;
} dp_span;

/* An entity of an article. Strings owned by the results. */
typedef struct dp_result_entity {
  const char *type;      /* "PER", "ORG", "LOC" or "MISC" */
  const char *canonical; /* display name, e.g. "Joe Biden" */
  const char *key;       /* folded key, e.g. "joe biden" */
} dp_result_entity;

/* One result. Every pointer is owned by the dp_results it came from and
 * valid until dp_results_free; strings are "" when absent, never NULL. */
typedef struct dp_result {
  unsigned rank;  /* 1-based rank in the whole result list */
  const char *id; /* unique article id */
  const char *title;
  const char *date; /* "YYYY-MM-DD" or "" */
  const char *source;
  const char *url;
  const char *path;    /* source file, or "" */
  double score;        /* relevance weight (0 when sorted by date only) */
  const char *snippet; /* passages joined by " … " ("" if no snippets) */
  const dp_span *highlights; /* byte ranges into snippet */
  size_t n_highlights;
  const dp_span *title_highlights; /* byte ranges into title */
  size_t n_title_highlights;
  const dp_result_entity *entities; /* the article's distinct entities */
  size_t n_entities;
} dp_result;

/* The answer to one search. */
typedef struct dp_results dp_results;

/* Runs query (the Dépêche query language, docs/query-syntax.md) with
 * opts (NULL = defaults). *out: new results (free with
 * dp_results_free). Returns 0 (even with no hits), or a dp_status with
 * *errmsg malloc'd (free with dp_free). */
DP_EXPORT int dp_search(dp_results **out, dp_index *ix, const char *query,
                        const dp_search_options *opts, char **errmsg);

/* Number of results held (<= limit). */
DP_EXPORT size_t dp_results_count(const dp_results *r);
/* Result i (0 <= i < count), NULL when out of range. Owned by r. */
DP_EXPORT const dp_result *dp_results_get(const dp_results *r, size_t i);
/* Matching articles in the whole index (exact when small or with
 * exact_total, else Xapian's estimate). */
DP_EXPORT uint64_t dp_results_total(const dp_results *r);
/* 1 when dp_results_total is a count (the matches were few, or
 * exact_total was asked), 0 when it is Xapian's estimate. */
DP_EXPORT int dp_results_total_exact(const dp_results *r);
/* 1 when nothing matched all the words and the results come from the
 * query relaxed to "any word", else 0 (also when that found nothing). */
DP_EXPORT int dp_results_relaxed(const dp_results *r);
/* A corrected query from the index's vocabulary ("Essayez : ..."), or
 * NULL. Owned by r. */
DP_EXPORT const char *dp_results_suggestion(const dp_results *r);
/* The query as understood (debug description of the parsed tree). Owned
 * by r. A query with nothing to search (only stopwords, which are not
 * indexed, or only empty quotes and parentheses) is "(EMPTY)". */
DP_EXPORT const char *dp_results_query_description(const dp_results *r);

/* Facet values: facet is DP_FACET_SOURCE, _MONTH or _ENTITY. Returns the
 * number of values; value i is read with dp_results_facet. */
DP_EXPORT size_t dp_results_facet_count(const dp_results *r, unsigned facet);
/* Value i of a facet: *value (owned by r), *count, and for entities
 * *type ("PER"...; NULL for other facets). Any out pointer may be NULL.
 * Returns 0 or DP_EINVAL when out of range. */
DP_EXPORT int dp_results_facet(const dp_results *r, unsigned facet, size_t i,
                               const char **value, uint32_t *count,
                               const char **type);

/* The display name of facet value i ("Agence France Dépêche", "Joe
 * Biden"), read from an article that carries it; for months, and when no
 * display name is known, the value itself. Owned by r; NULL when out of
 * range. The value (dp_results_facet) is the folded key, the form to put
 * back in a query (source:, entity:). */
DP_EXPORT const char *dp_results_facet_label(const dp_results *r,
                                             unsigned facet, size_t i);

/* The results as the JSON document of dp_search_json. Malloc'd (free
 * with dp_free); NULL when memory runs out. */
DP_EXPORT char *dp_results_json(const dp_results *r);

/* Result i's snippet (or title when title = 1) with pre/post inserted
 * around each highlight; html = 1 escapes the text (& < > " ') but not
 * the markers. Malloc'd (free with dp_free); NULL when out of range or
 * out of memory. */
DP_EXPORT char *dp_results_marked(const dp_results *r, size_t i, int title,
                                  const char *pre, const char *post, int html);

/* Frees results (NULL ok). */
DP_EXPORT void dp_results_free(dp_results *r);

#ifdef __cplusplus
}
#endif

#endif
