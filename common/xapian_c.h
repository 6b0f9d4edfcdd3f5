/* xapian_c.h — thin C binding over libxapian (1.4), the only C++ in Dépêche.
 *
 * Shape (after notmuch lib/ and libgit2):
 *   - opaque handles: xc_db, xc_doc, xc_query, xc_enquire, xc_mset, xc_spy,
 *     xc_termit, xc_postit; each has exactly one *_free (NULL is accepted).
 *   - functions are named xc_<object>_<verb>; out-parameters come first; the
 *     last parameter is an optional `xc_error *err` (may be NULL).
 *   - every function that can fail returns an int: 0 (XC_OK) on success or a
 *     negative xc_status; on failure *out-parameters are left NULL/0 and, when
 *     err is non-NULL, err->status and a malloc'd err->message are set.
 *     Iterator "next" functions return 1 (item), 0 (end) or a negative status.
 *   - no C++ exception ever crosses this header: every Xapian::Error,
 *     std::bad_alloc and anything else is caught at the entry point and
 *     mapped to a status.
 *   - NULL handles or NULL required pointers give XC_ERR_INVALID, never a
 *     crash.
 *
 * Memory: every `char **out` / `xc_facets **out` result is malloc'd and owned
 * by the caller (free() / xc_facets_free()); byte strings are also NUL
 * terminated (the NUL is not counted in *len) so text can be used directly.
 * Pointers returned by accessors of an iterator (xc_termit_term) are borrowed
 * and valid until the next call on that iterator or its free.
 *
 * Thread safety: none inside a handle. A handle, and every handle derived
 * from it (an enquire from a db, an mset from an enquire, a document read
 * from a db, copies of a query), must be used by one thread at a time;
 * Xapian's reference counts are not atomic, so even read-only sharing of a
 * query or db handle between threads is unsafe. Threads each open their own
 * xc_db; separate handles on the same index may be used concurrently (one
 * writer process-wide and machine-wide: the second gets XC_ERR_LOCKED).
 *
 * Snapshots: a read-only db sees the revision it opened (or last reopened).
 * When a writer has committed twice or more since, reads may fail with
 * XC_ERR_MODIFIED: call xc_db_reopen() and retry the whole operation (run
 * the enquire again; mset items read afterwards come from the new revision).
 */
#ifndef DEPECHE_XAPIAN_C_H
#define DEPECHE_XAPIAN_C_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* In C++ (only the binding's body), enums get a fixed underlying int so
 * that any int a C caller passes is a valid value to range-check. */
#ifdef __cplusplus
#define XC_ENUM_INT : int
#else
#define XC_ENUM_INT
#endif

/* ------------------------------------------------------------------ */
/* Statuses and errors                                                 */
/* ------------------------------------------------------------------ */

typedef enum xc_status XC_ENUM_INT {
  XC_OK = 0,
  XC_ERR_OTHER = -1,     /* any other Xapian::Error or C++ exception */
  XC_ERR_NOMEM = -2,     /* std::bad_alloc or malloc failure */
  XC_ERR_INVALID = -3,   /* InvalidArgumentError, InvalidOperationError,
                            QueryParserError, RangeError, DatabaseClosedError,
                            a NULL handle, an empty term, a write on a
                            read-only db */
  XC_ERR_NOT_FOUND = -4, /* DatabaseNotFoundError: nothing usable at path */
  XC_ERR_OPEN = -5,      /* DatabaseOpeningError, DatabaseVersionError,
                            DatabaseCreateError: exists but cannot open */
  XC_ERR_CORRUPT = -6,   /* DatabaseCorruptError */
  XC_ERR_LOCKED = -7,    /* DatabaseLockError: another writer holds it */
  XC_ERR_MODIFIED = -8,  /* DatabaseModifiedError: xc_db_reopen and retry */
  XC_ERR_NETWORK = -9,   /* NetworkError, NetworkTimeoutError (remote) */
  XC_ERR_NO_DOC = -10,   /* DocNotFoundError: no document with that docid */
  XC_ERR_LIMIT = -11     /* WildcardError: expansion over max_expansion
                            with XC_WILDCARD_LIMIT_ERROR */
} xc_status;

/* Static English name of a status, e.g. "locked"; never NULL. */
const char *xc_status_name(int status);

/* Error report filled by a failing call. Initialise with XC_ERROR_INIT;
 * a failing call replaces (and frees) any previous message. */
typedef struct xc_error {
  int status;    /* last failing status, XC_OK if none */
  char *message; /* malloc'd, e.g. "DatabaseLockError: Unable to get write
                    lock on /x: already locked"; NULL if none or if memory
                    ran out; owned by the struct, freed by xc_error_clear */
} xc_error;

#define XC_ERROR_INIT                                                          \
  { XC_OK, NULL }

/* Frees err->message and resets the struct to XC_ERROR_INIT. NULL ok. */
void xc_error_clear(xc_error *err);

/* err->message if set, else xc_status_name(err->status). Borrowed pointer
 * (valid until the struct is cleared or reused); never NULL. */
const char *xc_error_message(const xc_error *err);

/* Version of the libxapian linked at run time, e.g. "1.4.22". Static. */
const char *xc_version_string(void);

/* ------------------------------------------------------------------ */
/* Types                                                               */
/* ------------------------------------------------------------------ */

typedef uint32_t xc_docid; /* 1-based; 0 = none */
typedef uint32_t xc_slot;  /* value slot number */
#define XC_BAD_SLOT ((xc_slot)0xffffffffu)

typedef struct xc_db xc_db;           /* Xapian::Database / WritableDatabase */
typedef struct xc_doc xc_doc;         /* Xapian::Document */
typedef struct xc_query xc_query;     /* Xapian::Query (immutable) */
typedef struct xc_enquire xc_enquire; /* Xapian::Enquire */
typedef struct xc_mset xc_mset;       /* Xapian::MSet */
typedef struct xc_spy xc_spy;         /* a facet-counting Xapian::MatchSpy */
typedef struct xc_termit xc_termit;   /* term iterator (copies each entry) */
typedef struct xc_postit xc_postit;   /* posting-list iterator */

/* ------------------------------------------------------------------ */
/* Databases                                                           */
/* ------------------------------------------------------------------ */

/* Opens read-only. path is a database directory, a single-file database
 * or a stub file (text lines "auto /abs/db", "glass /abs/db",
 * "remote HOST:PORT" for xapian-tcpsrv — no colon before HOST: a leading
 * ":" means a program to run —; several lines combine several shards).
 * *out: new handle, caller frees with xc_db_close/xc_db_free.
 * Errors: NOT_FOUND (missing path), OPEN, CORRUPT, NETWORK, NOMEM. */
int xc_db_open(xc_db **out, const char *path, xc_error *err);

/* Opens n >= 1 paths (each as in xc_db_open) and combines them with
 * Database::add_database into one read-only database (docids interleave). */
int xc_db_open_shards(xc_db **out, const char *const *paths, size_t n,
                      xc_error *err);

/* Adds one more shard (as xc_db_open) to a read-only handle. */
int xc_db_add_shard(xc_db *db, const char *path, xc_error *err);

/* Opens a remote read-only database served by xapian-tcpsrv on host:port.
 * timeout_ms: 0 = Xapian's default (10 s). Errors: NETWORK, NOMEM. */
int xc_db_open_remote(xc_db **out, const char *host, unsigned port,
                      unsigned timeout_ms, xc_error *err);

/* Flags for xc_db_open_writable: one of the four modes, ORed with options. */
enum {
  XC_DB_CREATE_OR_OPEN = 0x00,      /* create if missing (default) */
  XC_DB_CREATE = 0x01,              /* fail (OPEN) if it exists */
  XC_DB_CREATE_OR_OVERWRITE = 0x02, /* wipe an existing database */
  XC_DB_OPEN = 0x03,                /* fail (NOT_FOUND) if missing */
  XC_DB_NO_SYNC = 0x10,             /* no fsync on commit (tests, bulk loads) */
  XC_DB_RETRY_LOCK = 0x20 /* wait for the lock instead of XC_ERR_LOCKED */
};

/* Opens (or creates, per flags) a glass database directory for writing.
 * Exactly one writer may hold a database: a second open, in this process or
 * another, fails with XC_ERR_LOCKED (unless XC_DB_RETRY_LOCK, which waits).
 * The handle also supports every read function below.
 * *out: new handle, caller frees with xc_db_close (reports the final
 * commit) or xc_db_free. Errors: LOCKED, NOT_FOUND, OPEN, CORRUPT, NOMEM. */
int xc_db_open_writable(xc_db **out, const char *path, int flags,
                        xc_error *err);

/* Creates a new glass database at path (which must not hold one) for a
 * temporary build that is compacted into an index afterwards, never read
 * by others and thrown away after a crash: no fsync, changed blocks
 * written in place (Xapian's DB_DANGEROUS), blocks of block_size bytes (a
 * power of two from 2048 to 65536; 0 = Xapian's default, 8192). Otherwise
 * as xc_db_open_writable (*out: new handle, caller frees with xc_db_close
 * or xc_db_free). Errors: OPEN, NOMEM. (Added for the indexer's runs.) */
int xc_db_create_scratch(xc_db **out, const char *path, unsigned block_size,
                         xc_error *err);

/* 1 if the handle was opened with xc_db_open_writable, else 0 (NULL: 0). */
int xc_db_is_writable(const xc_db *db);

/* Moves a read-only handle to the latest committed revision (a no-op on a
 * writable handle). *changed (optional) = 1 if the revision moved. */
int xc_db_reopen(int *changed, xc_db *db, xc_error *err);

/* Closes the database and frees the handle, ALWAYS (even on error). For a
 * writable db, pending changes are committed first (an open transaction is
 * cancelled) and the lock is released now; the status reports that final
 * commit. Closing is shared: enquires, msets, documents and iterators made
 * from this db then fail with XC_ERR_INVALID (DatabaseClosedError). */
int xc_db_close(xc_db *db, xc_error *err);

/* Frees the handle only (NULL ok). Objects made from it (enquire, mset,
 * document, iterator) keep the database open and usable until the last of
 * them is freed; then a writable db commits pending changes (errors are
 * dropped: use xc_db_commit or xc_db_close to see them) and unlocks. */
void xc_db_free(xc_db *db);

/* Statistics. All are snapshot values of the current revision. */
int xc_db_doc_count(uint32_t *out, xc_db *db, xc_error *err);
int xc_db_last_docid(xc_docid *out, xc_db *db, xc_error *err);
/* The revision the handle sees (it moves with every commit; 0 for a
 * database never committed). Meaningful for a single database only. */
int xc_db_revision(uint64_t *out, xc_db *db, xc_error *err);
/* Average document length (total wdf / doc count), 0 if empty. */
int xc_db_avg_length(double *out, xc_db *db, xc_error *err);
/* Number of documents indexed by term (0 if absent). */
int xc_db_term_freq(uint32_t *out, xc_db *db, const char *term, xc_error *err);
/* Sum of wdf of term over all documents (0 if absent). */
int xc_db_collection_freq(uint64_t *out, xc_db *db, const char *term,
                          xc_error *err);
/* *out = 1 if term indexes at least one document, else 0. */
int xc_db_term_exists(int *out, xc_db *db, const char *term, xc_error *err);

/* Metadata (user key/value, see schema.h DP_META_*). get: *out malloc'd
 * (caller frees), "" with *len 0 when the key is absent; len optional. */
int xc_db_get_metadata(char **out, size_t *len, xc_db *db, const char *key,
                       xc_error *err);
/* set (writable only): value of len bytes; len 0 deletes the key. */
int xc_db_set_metadata(xc_db *db, const char *key, const char *value,
                       size_t len, xc_error *err);

/* Reads document docid. *out: new handle, caller frees with xc_doc_free.
 * The document reads lazily from db and keeps it open (see xc_db_free).
 * Errors: NO_DOC, MODIFIED, ... */
int xc_db_get_document(xc_doc **out, xc_db *db, xc_docid docid, xc_error *err);

/* Docid of the first document indexed by term (a unique "Q" id term), or
 * *out = 0 when none. Never fails because the term is absent. */
int xc_db_find_unique(xc_docid *out, xc_db *db, const char *term,
                      xc_error *err);

/* ------------------------------------------------------------------ */
/* Iterators                                                           */
/* ------------------------------------------------------------------ */

/* All terms of db starting with prefix ("" or NULL = every term), in byte
 * order, with their termfreq: wildcards, facet listings, --stats.
 * *out: new iterator positioned BEFORE the first term; call xc_termit_next.
 * Caller frees with xc_termit_free. The iterator keeps db open. */
int xc_db_terms(xc_termit **out, xc_db *db, const char *prefix, xc_error *err);

/* Terms of document docid in db, in byte order, with wdf and termfreq. */
int xc_db_doc_terms(xc_termit **out, xc_db *db, xc_docid docid, xc_error *err);

/* Terms of a document handle (read or being built), with wdf; termfreq is
 * 0 for a document not read from a database. */
int xc_doc_terms(xc_termit **out, xc_doc *doc, xc_error *err);

/* Advances: 1 = positioned on a term, 0 = end, < 0 = error. */
int xc_termit_next(xc_termit *it, xc_error *err);
/* Current term (borrowed, NUL-terminated, valid until next/free); len
 * optional. NULL before the first next or after the end. */
const char *xc_termit_term(const xc_termit *it, size_t *len);
uint32_t xc_termit_termfreq(const xc_termit *it); /* docs with the term */
uint32_t xc_termit_wdf(const xc_termit *it);      /* 0 for xc_db_terms */
void xc_termit_free(xc_termit *it);

/* Documents indexed by term, ascending docid; term "" or NULL iterates
 * every document. Caller frees with xc_postit_free; it keeps db open. */
int xc_db_postings(xc_postit **out, xc_db *db, const char *term, xc_error *err);
/* 1 = positioned, 0 = end, < 0 = error. */
int xc_postit_next(xc_postit *it, xc_error *err);
xc_docid xc_postit_docid(const xc_postit *it); /* 0 if not positioned */
uint32_t xc_postit_wdf(const xc_postit *it);
void xc_postit_free(xc_postit *it);

/* ------------------------------------------------------------------ */
/* Writing (writable handle only; XC_ERR_INVALID on a read-only one)   */
/* ------------------------------------------------------------------ */

/* Transactions: flushed = 1 commits at commit_transaction (durable unit);
 * 0 only groups the changes atomically into the next commit. Nesting is
 * XC_ERR_INVALID. Cancel drops every change since begin. */
int xc_db_begin_transaction(xc_db *db, int flushed, xc_error *err);
int xc_db_commit_transaction(xc_db *db, xc_error *err);
int xc_db_cancel_transaction(xc_db *db, xc_error *err);

/* Commits pending changes (makes them visible to readers that reopen). */
int xc_db_commit(xc_db *db, xc_error *err);

/* Adds doc (copied; the caller keeps and frees its handle).
 * *out (optional): the new docid. */
int xc_db_add_document(xc_docid *out, xc_db *db, const xc_doc *doc,
                       xc_error *err);

/* Replaces every document indexed by unique_term with doc (or adds it if
 * none): the one to keep an article by its "Q" id. *out (optional): the
 * docid the document now has. */
int xc_db_replace_by_term(xc_docid *out, xc_db *db, const char *unique_term,
                          const xc_doc *doc, xc_error *err);

/* Replaces (or creates) the document with this docid. */
int xc_db_replace_document(xc_db *db, xc_docid docid, const xc_doc *doc,
                           xc_error *err);

/* Deletes every document indexed by unique_term (no error if none). */
int xc_db_delete_by_term(xc_db *db, const char *unique_term, xc_error *err);

/* Deletes document docid. Errors: NO_DOC if there is none. */
int xc_db_delete_document(xc_db *db, xc_docid docid, xc_error *err);

/* Spelling dictionary: adds freqinc (>= 1) to word's frequency. */
int xc_db_add_spelling(xc_db *db, const char *word, uint32_t freqinc,
                       xc_error *err);

/* Best spelling correction of word (read-only or writable db; with shards,
 * all are consulted). max_edit_distance: 0 = Xapian's default (2).
 * *out: malloc'd (caller frees), "" when there is no suggestion. */
int xc_db_spelling_suggestion(char **out, xc_db *db, const char *word,
                              unsigned max_edit_distance, xc_error *err);

/* ------------------------------------------------------------------ */
/* Compaction                                                          */
/* ------------------------------------------------------------------ */

enum {
  XC_COMPACT_SINGLE_FILE = 0x01, /* dest is one file, not a directory */
  XC_COMPACT_MULTIPASS = 0x02,   /* merge postlists in several passes */
  XC_COMPACT_NO_RENUMBER = 0x04  /* keep docids (needs disjoint shards) */
};

/* Compacts db (every shard of it, merged) into dest, which must not exist
 * yet or be an empty directory (else XC_ERR_INVALID: an existing index is
 * never overwritten); the source stays usable. A writable handle with
 * uncommitted changes gives XC_ERR_INVALID: commit first. */
int xc_db_compact(xc_db *db, const char *dest, int flags, xc_error *err);

/* Same, opening src_path (as xc_db_open) first. */
int xc_compact_path(const char *src_path, const char *dest, int flags,
                    xc_error *err);

/* One on-disk file of a database (e.g. "postlist.glass") and its size. */
typedef struct xc_table_size {
  char *name;     /* malloc'd file name, no directory */
  uint64_t bytes; /* st_size */
} xc_table_size;

/* Sizes of the regular files of a database directory (or of the single
 * file); *total (optional) = their sum. *out: malloc'd array of *n items,
 * caller frees with xc_table_sizes_free(*out, *n). Errors: NOT_FOUND. */
int xc_db_table_sizes(xc_table_size **out, size_t *n, uint64_t *total,
                      const char *path, xc_error *err);
void xc_table_sizes_free(xc_table_size *sizes, size_t n);

/* ------------------------------------------------------------------ */
/* Documents                                                           */
/* ------------------------------------------------------------------ */

/* New empty document. Caller frees with xc_doc_free. */
int xc_doc_new(xc_doc **out, xc_error *err);
void xc_doc_free(xc_doc *doc);

/* Docid of a document read from a db, 0 for a new one. */
xc_docid xc_doc_get_docid(const xc_doc *doc);

/* Adds term at position pos (1-based is customary) with wdf += wdf_inc
 * (1 = one occurrence). Empty term: XC_ERR_INVALID. Terms longer than 245
 * bytes are rejected by Xapian at add/commit time (INVALID). */
int xc_doc_add_posting(xc_doc *doc, const char *term, uint32_t pos,
                       uint32_t wdf_inc, xc_error *err);
/* Adds term without position, wdf += wdf_inc. */
int xc_doc_add_term(xc_doc *doc, const char *term, uint32_t wdf_inc,
                    xc_error *err);
/* Adds a filter term (wdf 0, no position: does not affect length). */
int xc_doc_add_boolean_term(xc_doc *doc, const char *term, xc_error *err);
/* Removes every term (before rebuilding a document). */
int xc_doc_clear_terms(xc_doc *doc, xc_error *err);

/* Value slot: len bytes (binary ok); len 0 removes the value.
 * slot XC_BAD_SLOT: XC_ERR_INVALID. */
int xc_doc_set_value(xc_doc *doc, xc_slot slot, const char *bytes, size_t len,
                     xc_error *err);
/* *out malloc'd (caller frees), "" when unset; len optional. */
int xc_doc_get_value(char **out, size_t *len, xc_doc *doc, xc_slot slot,
                     xc_error *err);

/* Document data (the stored record): bytes copied. */
int xc_doc_set_data(xc_doc *doc, const char *bytes, size_t len, xc_error *err);
/* *out malloc'd (caller frees); len optional. */
int xc_doc_get_data(char **out, size_t *len, xc_doc *doc, xc_error *err);

/* ------------------------------------------------------------------ */
/* Queries                                                             */
/* ------------------------------------------------------------------ */
/* Each constructor returns a NEW handle the caller frees with
 * xc_query_free. Combining functions copy their sub-queries (cheap:
 * shared internals), so callers still free their own handles. */

typedef enum xc_op XC_ENUM_INT {
  XC_OP_AND,       /* all */
  XC_OP_OR,        /* any */
  XC_OP_AND_NOT,   /* first, none of the others */
  XC_OP_XOR,       /* odd number */
  XC_OP_AND_MAYBE, /* first; others only add weight */
  XC_OP_FILTER,    /* first, weighted; others must match, no weight */
  XC_OP_SYNONYM,   /* any, weighted as one term */
  XC_OP_ELITE_SET, /* OR of the param best-weighted subqueries */
  XC_OP_PHRASE,    /* in order, within param positions (0 = n) */
  XC_OP_NEAR,      /* any order, within param positions (0 = n) */
  XC_OP_MAX        /* any, weight = max of the subqueries */
} xc_op;

/* A term query. wqf: within-query frequency (0 or 1 = normal);
 * pos: query position (0 = none). Empty/NULL term: XC_ERR_INVALID (use
 * xc_query_match_all). */
int xc_query_term(xc_query **out, const char *term, uint32_t wqf, uint32_t pos,
                  xc_error *err);

/* Combines n >= 1 subqueries with op. param: window for PHRASE/NEAR,
 * set size for ELITE_SET, ignored otherwise. NULL subquery: INVALID. */
int xc_query_combine(xc_query **out, xc_op op, const xc_query *const *subs,
                     size_t n, uint32_t param, xc_error *err);

/* Phrase / near over n terms within window positions (0 = n: a phrase of
 * adjacent words). Needs terms indexed with positions. */
int xc_query_phrase(xc_query **out, const char *const *terms, size_t n,
                    uint32_t window, xc_error *err);
int xc_query_near(xc_query **out, const char *const *terms, size_t n,
                  uint32_t window, xc_error *err);

/* sub with its weights multiplied by factor (>= 0; 0 = pure filter). */
int xc_query_scale(xc_query **out, const xc_query *sub, double factor,
                   xc_error *err);

/* Documents whose value in slot is within [lo, hi] (byte order, inclusive;
 * date strings "YYYYMMDD" sort right). lo or hi NULL = open end; both
 * NULL = every document with a non-empty value in slot. */
int xc_query_value_range(xc_query **out, xc_slot slot, const char *lo,
                         const char *hi, xc_error *err);
int xc_query_value_ge(xc_query **out, xc_slot slot, const char *lo,
                      xc_error *err);
int xc_query_value_le(xc_query **out, xc_slot slot, const char *hi,
                      xc_error *err);

/* What to do when a wildcard matches more than max_expansion terms. */
typedef enum xc_wildcard_limit XC_ENUM_INT {
  XC_WILDCARD_LIMIT_ERROR,        /* get_mset fails with XC_ERR_LIMIT */
  XC_WILDCARD_LIMIT_FIRST,        /* keep the first terms in byte order */
  XC_WILDCARD_LIMIT_MOST_FREQUENT /* keep the most frequent terms */
} xc_wildcard_limit;

/* Every term starting with prefix (non-empty), combined as a SYNONYM and
 * expanded at search time. max_expansion 0 = unlimited. */
int xc_query_wildcard(xc_query **out, const char *prefix,
                      uint32_t max_expansion, xc_wildcard_limit limit,
                      xc_error *err);

int xc_query_match_all(xc_query **out, xc_error *err);
int xc_query_match_nothing(xc_query **out, xc_error *err);

/* New handle on the same query. */
int xc_query_dup(xc_query **out, const xc_query *q, xc_error *err);

/* 1 if q matches nothing (Query::empty()), else 0. */
int xc_query_is_empty(const xc_query *q);

/* Xapian's debug description, e.g. "Query((Zchat@1 AND Zchien@2))".
 * *out malloc'd, caller frees. For tests and --debug output. */
int xc_query_describe(char **out, const xc_query *q, xc_error *err);

void xc_query_free(xc_query *q);

/* ------------------------------------------------------------------ */
/* Match spies (facets)                                                */
/* ------------------------------------------------------------------ */

/* Counts, over every matching document the matcher looks at, the values of
 * slot (Xapian::ValueCountMatchSpy). Caller frees with xc_spy_free. */
int xc_spy_new_values(xc_spy **out, xc_slot slot, xc_error *err);

/* Same, but each value is split on byte sep and each non-empty piece is
 * counted once per document (multi-valued facets, schema.h DP_MULTI_SEP).
 * Local databases only (a remote shard makes get_mset fail, XC_ERR_OTHER). */
int xc_spy_new_multi(xc_spy **out, xc_slot slot, char sep, xc_error *err);

/* A facet value and its document count. */
typedef struct xc_facet {
  char *value;    /* malloc'd, NUL-terminated */
  size_t len;     /* bytes of value */
  uint32_t count; /* matching documents with that value */
} xc_facet;

typedef struct xc_facets {
  xc_facet *items; /* malloc'd array of n items, best first */
  size_t n;
  uint32_t total; /* documents the spy looked at */
} xc_facets;

/* The max (0 = all) most frequent values, by count descending then value
 * ascending. *out: malloc'd, caller frees with xc_facets_free. Read after
 * xc_enquire_get_mset; counts accumulate over several get_mset calls
 * unless xc_spy_reset is called. */
int xc_spy_top(xc_facets **out, const xc_spy *spy, size_t max, xc_error *err);
void xc_facets_free(xc_facets *facets);

/* Forgets the counts. */
int xc_spy_reset(xc_spy *spy, xc_error *err);

/* Frees a spy. It must not be freed while an enquire it was added to may
 * still run get_mset (free the enquire first, or xc_enquire_clear_spies). */
void xc_spy_free(xc_spy *spy);

/* ------------------------------------------------------------------ */
/* Enquire and MSet                                                    */
/* ------------------------------------------------------------------ */

/* New enquire over db. The enquire shares db's internals: db may be freed
 * first (xc_db_free, not xc_db_close), and xc_db_reopen(db) is seen by it.
 * Default: BM25 with Xapian's defaults, relevance order, no query
 * (get_mset on it returns nothing). Caller frees with xc_enquire_free. */
int xc_enquire_new(xc_enquire **out, xc_db *db, xc_error *err);
void xc_enquire_free(xc_enquire *enq);

/* Sets the query (copied; the caller frees its handle). qlen: query length
 * used by BM25's k3 term (0 = number of terms). */
int xc_enquire_set_query(xc_enquire *enq, const xc_query *q, uint32_t qlen,
                         xc_error *err);

/* BM25 parameters; start from XC_BM25_INIT (Xapian's defaults). */
typedef struct xc_bm25 {
  double k1;          /* wdf saturation (1.0) */
  double k2;          /* document-length correction (0.0) */
  double k3;          /* wqf saturation (1.0) */
  double b;           /* length normalisation 0..1 (0.5) */
  double min_normlen; /* floor of normalised doc length (0.5) */
} xc_bm25;
#define XC_BM25_INIT                                                           \
  { 1.0, 0.0, 1.0, 0.5, 0.5 }

/* Weighting: BM25 with params (NULL = defaults); bool = every match weighs
 * 0 (pure filtering, fastest). Negative parameters: XC_ERR_INVALID. */
int xc_enquire_set_bm25(xc_enquire *enq, const xc_bm25 *params, xc_error *err);
int xc_enquire_set_bool_weight(xc_enquire *enq, xc_error *err);

/* A query for term that matches and weighs exactly as xc_query_term(term,
 * wqf 1, pos 0) does under xc_enquire_set_bm25(params) — same documents,
 * weights and match estimates — but reads document lengths from a table
 * that db keeps (one pass over Xapian's length list per revision of db,
 * read at the first match after a change) instead of Xapian's length
 * list, which a BM25 match otherwise decodes from a chunk start for every
 * document it weighs; and reads the term's statistics and postings now,
 * one after the other (the match then reads neither). *termfreq: the
 * term's frequency (as xc_db_term_freq). Only for a read-only single
 * local database (not a stub of shards or remote), one get_mset of an
 * enquire over db whose weighting is BM25 with the same params, at db's
 * current revision (build the query after xc_db_reopen), and a leaf that
 * is neither scaled nor under a phrase or NEAR (it has no positions) nor
 * under XC_OP_ELITE_SET (which then picks other subqueries). */
int xc_query_term_bm25(xc_query **out, uint32_t *termfreq, xc_db *db,
                       const char *term, const xc_bm25 *params, xc_error *err);

typedef enum xc_sort XC_ENUM_INT {
  XC_SORT_RELEVANCE,            /* weight descending (default) */
  XC_SORT_VALUE,                /* value of slot only */
  XC_SORT_VALUE_THEN_RELEVANCE, /* value, ties by weight */
  XC_SORT_RELEVANCE_THEN_VALUE  /* weight, ties by value */
} xc_sort;

/* Sort order. Values compare as bytes; reverse = 1 gives descending
 * values (newest date first). slot is ignored for XC_SORT_RELEVANCE. */
int xc_enquire_set_sort(xc_enquire *enq, xc_sort sort, xc_slot slot,
                        int reverse, xc_error *err);

typedef enum xc_docid_order XC_ENUM_INT {
  XC_DOCID_ASC,      /* ties broken by ascending docid (default) */
  XC_DOCID_DESC,     /* descending docid */
  XC_DOCID_DONT_CARE /* fastest */
} xc_docid_order;
int xc_enquire_set_docid_order(xc_enquire *enq, xc_docid_order order,
                               xc_error *err);

/* Keeps at most max (>= 1) documents per distinct value of slot;
 * slot XC_BAD_SLOT turns collapsing off. */
int xc_enquire_set_collapse_key(xc_enquire *enq, xc_slot slot, uint32_t max,
                                xc_error *err);

/* Drops matches below percent (0..100) of the best, or below weight
 * (0 = no weight cutoff). */
int xc_enquire_set_cutoff(xc_enquire *enq, int percent, double weight,
                          xc_error *err);

/* Adds spy to the enquire (not copied: spy must outlive any get_mset). */
int xc_enquire_add_spy(xc_enquire *enq, xc_spy *spy, xc_error *err);
int xc_enquire_clear_spies(xc_enquire *enq, xc_error *err);

/* Runs the query: matches [offset, offset + limit) in sort order, looking
 * at at least check_at_least documents (makes estimates exact and spies
 * count that many; 0 = just enough). *out: new handle, caller frees with
 * xc_mset_free. Errors: MODIFIED (reopen the db and retry), LIMIT, ... */
int xc_enquire_get_mset(xc_mset **out, xc_enquire *enq, uint32_t offset,
                        uint32_t limit, uint32_t check_at_least, xc_error *err);

/* Number of items in the mset (<= limit). */
size_t xc_mset_size(const xc_mset *mset);
/* Estimates of the total number of matches; lower <= estimated <= upper. */
uint32_t xc_mset_matches_estimated(const xc_mset *mset);
uint32_t xc_mset_matches_lower_bound(const xc_mset *mset);
uint32_t xc_mset_matches_upper_bound(const xc_mset *mset);

/* One match, copied out of the mset. */
typedef struct xc_mset_item {
  xc_docid docid;          /* document id */
  uint32_t rank;           /* 0-based rank in the whole result list */
  double weight;           /* BM25 weight (0 with bool weight) */
  int percent;             /* 0..100 relative score */
  uint32_t collapse_count; /* documents collapsed into this one (approx.) */
} xc_mset_item;

/* Item i (0 <= i < size). i out of range: XC_ERR_INVALID. */
int xc_mset_item_get(xc_mset_item *out, const xc_mset *mset, size_t i,
                     xc_error *err);
/* Data of item i's document: *out malloc'd, caller frees (independent of
 * the mset's lifetime); len optional. Errors: MODIFIED, ... */
int xc_mset_data(char **out, size_t *len, xc_mset *mset, size_t i,
                 xc_error *err);
/* Value of slot for item i: *out malloc'd, caller frees; "" when unset. */
int xc_mset_value(char **out, size_t *len, xc_mset *mset, size_t i,
                  xc_slot slot, xc_error *err);
/* Document of item i: *out new handle, caller frees with xc_doc_free. */
int xc_mset_document(xc_doc **out, xc_mset *mset, size_t i, xc_error *err);
/* Number of documents indexed by term, as xc_db_term_freq gives it for the
 * database the mset came from, but read from the statistics the match
 * gathered when term is a term of the query (no database read); other
 * terms are looked up in the database. */
int xc_mset_term_freq(uint32_t *out, xc_mset *mset, const char *term,
                      xc_error *err);

void xc_mset_free(xc_mset *mset);

#ifdef __cplusplus
}
#endif

#endif
