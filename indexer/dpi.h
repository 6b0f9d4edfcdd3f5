/* dpi.h — the indexer's internal header (depeche-index).
 *
 * Data flows one way through the layers declared here, one file each:
 *   sources.c   paths -> input files (walk) -> byte streams (zlib, stdin)
 *   readers.c   bytes -> dpi_article (txt/md header blocks, JSON, JSONL,
 *               dates, UTF-8 repair, binary detection)
 *   builder.c   dpi_article -> xc_doc (analyzer, tagger, record, terms)
 *   pipeline.c  reader thread -> worker threads -> one writer, in order
 *   ops.c       --stats, --compact, --remove, --prune
 *   util.c      buffers, messages, hashing, an id -> hash map
 * main.c is the command line. Nothing here is thread-safe unless said so.
 */
#ifndef DEPECHE_DPI_H
#define DEPECHE_DPI_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analyzer.h"
#include "entities.h"
#include "str.h"
#include "xapian_c.h"

/* ------------------------------------------------------------------ */
/* util.c                                                              */
/* ------------------------------------------------------------------ */

/* strdup that accepts NULL (gives ""); NULL only when memory runs out. */
char *dpi_strdup0(const char *s);

/* Growable byte string, always NUL-terminated when p != NULL. */
typedef struct dpi_str {
  char *p;    /* bytes (malloc'd, owned) */
  size_t n;   /* used, without the NUL */
  size_t cap; /* allocated */
} dpi_str;
int dpi_str_add(dpi_str *s, const char *b, size_t n); /* 0 or -1 (ENOMEM) */
int dpi_str_addc(dpi_str *s, char c);
int dpi_str_adds(dpi_str *s, const char *z);
void dpi_str_free(dpi_str *s);

/* 64-bit FNV-1a, chainable: h = dpi_hash64(h, p, n), start with
 * DPI_HASH_INIT. */
#define DPI_HASH_INIT 0xcbf29ce484222325ull
uint64_t dpi_hash64(uint64_t h, const void *p, size_t n);

/* Open-addressing map from string id to a 64-bit value. Not thread-safe
 * for writes; concurrent dpi_idmap_get calls are fine once filled. */
typedef struct dpi_idmap {
  char **keys; /* malloc'd keys, NULL = empty slot */
  uint64_t *vals;
  size_t n;   /* keys stored */
  size_t cap; /* slots, a power of two */
} dpi_idmap;
/* Sets key -> val (key copied). 0, or -1 on allocation failure. */
int dpi_idmap_put(dpi_idmap *m, const char *key, uint64_t val);
/* 1 and *val when present, else 0. val may be NULL. */
int dpi_idmap_get(const dpi_idmap *m, const char *key, uint64_t *val);
void dpi_idmap_free(dpi_idmap *m);

/* Folds a name as index keys need it: dp_text_fold_dup (text.h), then
 * runs of white space collapsed to one space and trimmed.
 * Returns a malloc'd string (caller frees) or NULL on allocation failure. */
char *dpi_fold(const char *s, size_t len);

/* Term that fits Xapian's 245-byte limit: prefix + value when short
 * enough, else prefix + the first bytes of value (cut on a UTF-8
 * boundary) + "#" + 16 hex digits of its hash. malloc'd (caller frees). */
char *dpi_make_term(const char *prefix, const char *value);

/* Size as given on the command line: digits with an optional suffix
 * K, M or G (powers of 1024, either case, an optional trailing B or iB).
 * Returns 0 with *out, or -1 when s is not such a size or overflows. */
int dpi_parse_size(const char *s, uint64_t *out);
/* Writes n as a short size ("32M", "1536K", "1000 bytes") into out. */
void dpi_format_size(uint64_t n, char out[32]);

/* ------------------------------------------------------------------ */
/* readers.c                                                           */
/* ------------------------------------------------------------------ */

/* One article as read, before analysis. Every string is malloc'd and owned
 * by the article (NULL = absent, except where noted). */
typedef struct dpi_article {
  char *id; /* from the input (JSON id / url / header); NULL = derive */
  char *title;
  char *date; /* normalised "YYYY-MM-DD" or NULL */
  char *source;
  char *url;
  char *author;
  char *lang;
  char *lead; /* heading / summary / chapo */
  char *body;
  size_t n_repaired; /* invalid UTF-8 sequences replaced by U+FFFD */
  char *bad_date;    /* a date given but not understood, as written (at most
                        48 bytes, control characters as '?'), or NULL: the
                        article is indexed without a date, and that is said */
} dpi_article;

void dpi_article_clear(dpi_article *a); /* frees the fields, zeroes a */

/* Validates UTF-8 in s[0,*len), replacing each invalid sequence with
 * U+FFFD. *s may be reallocated. Returns the number of replacements, or
 * (size_t)-1 on allocation failure. */
size_t dpi_utf8_repair(char **s, size_t *len);

/* 1 when data looks binary (NUL bytes, or mostly invalid UTF-8/control
 * bytes in the first 8 KiB), else 0. */
int dpi_looks_binary(const char *data, size_t len);

/* Parses a date (ISO 8601 date or date-time, RFC 2822, dd/mm/yyyy, "2
 * juillet 2020") into out "YYYY-MM-DD". Returns 0, or -1 if unrecognised
 * or impossible. */
int dpi_parse_date(const char *s, char out[11]);

/* Text article (.txt/.md): header block or title line, then body.
 * data is valid UTF-8 (repair first). Returns 0, or -1 with *err
 * malloc'd (e.g. "missing body"). */
int dpi_read_text(const char *data, size_t len, int markdown, dpi_article *a,
                  char **err);

/* Article from one JSON object (jansson json_t *, passed as void * so
 * this header does not need jansson). Returns 0 or -1 with *err. */
int dpi_read_json_object(const void *json_obj, dpi_article *a, char **err);

/* Article from one JSON Lines line (any bytes; invalid UTF-8 repaired
 * inside strings by re-parsing after repair). Returns 0 or -1 with *err. */
int dpi_read_json_line(const char *line, size_t len, dpi_article *a,
                       char **err);
/* The same without the fast path for flat objects: jansson only (the
 * reference the fast path is tested against). */
int dpi_read_json_line_jansson(const char *line, size_t len, dpi_article *a,
                               char **err);

/* ------------------------------------------------------------------ */
/* sources.c                                                           */
/* ------------------------------------------------------------------ */

typedef enum dpi_format {
  DPI_FMT_UNKNOWN = 0, /* sniff the content */
  DPI_FMT_TEXT,
  DPI_FMT_MARKDOWN,
  DPI_FMT_JSON,
  DPI_FMT_JSONL
} dpi_format;

/* One input file found under a root argument. */
typedef struct dpi_input {
  char *path; /* as the user would name it: root joined with rel ("-" stdin) */
  char *abspath; /* absolute path ("" for stdin) */
  char *rel;     /* relative to the root's directory (id fallback) */
  dpi_format fmt;
  int gz;        /* name ends in .gz */
  uint64_t size; /* bytes on disk (0 for stdin) */
} dpi_input;

typedef struct dpi_inputs {
  dpi_input *v;
  size_t n;
  size_t cap;
  char **roots_abs; /* absolute roots (for --prune), n_roots of them */
  size_t n_roots;
} dpi_inputs;

/* Walks the paths (files, directories recursively, "-" = stdin) into
 * *out, in a stable order (each directory sorted by byte order). Hidden
 * entries and symlink loops are skipped; in directories only known
 * extensions are taken (.txt .md .json .jsonl .ndjson, and .gz of them).
 * A path that does not exist is reported as "path: reason" through
 * report(ctx, line) and counted in *n_bad. Returns 0, or -1 on allocation
 * failure. */
int dpi_walk(const char *const *paths, size_t n, dpi_inputs *out,
             void (*report)(void *ctx, const char *msg), void *ctx,
             size_t *n_bad);
void dpi_inputs_free(dpi_inputs *in);

/* A byte stream over a file or stdin, gunzipped when it starts with the
 * gzip magic (zlib). */
typedef struct dpi_stream dpi_stream;

/* Opens path ("-" = stdin). Returns 0, or -1 with *err malloc'd. */
int dpi_stream_open(dpi_stream **out, const char *path, char **err);
/* Next line without its "\n" (and "\r"): *line points into the stream's
 * buffer, valid until the next call. Returns 1 = line, 0 = end, -1 = error
 * (*err malloc'd: read error, "truncated gzip data"), 2 = a line longer
 * than the stream's limit (dpi_stream_set_limit): it was read and dropped
 * without being held whole, *line = NULL and *len = its length. A final
 * line without "\n" is returned too. lineno is 1-based. */
int dpi_stream_getline(dpi_stream *s, const char **line, size_t *len,
                       size_t *lineno, char **err);
/* Limit for dpi_stream_getline (longest line) and dpi_stream_read_all
 * (longest read), in bytes; 0 (the default) = no limit. */
void dpi_stream_set_limit(dpi_stream *s, size_t max);
/* The whole rest of the stream into a malloc'd buffer (caller frees),
 * NUL-terminated. Returns 0 or -1 with *err (also when the stream's limit
 * is passed: then it stops reading there). */
int dpi_stream_read_all(dpi_stream *s, char **data, size_t *len, char **err);
/* Peeks the first non-blank byte (decompressed); -1 at end or error. */
int dpi_stream_peek(dpi_stream *s);
/* Makes reads wait in ppoll with `mask` (signals let in) and end, as if
 * at end of input, once *stop is set (see pipeline.c). */
void dpi_stream_set_interrupt(dpi_stream *s, volatile sig_atomic_t *stop,
                              const sigset_t *mask);
/* Uncompressed bytes delivered so far; compressed bytes consumed so far. */
uint64_t dpi_stream_bytes(const dpi_stream *s);
uint64_t dpi_stream_disk_bytes(const dpi_stream *s);
/* Bytes the stream's buffer holds now (tests check that a line longer
 * than the limit was not held whole). */
size_t dpi_stream_capacity(const dpi_stream *s);
/* Set when a read was interrupted by a signal (EINTR): the stream is
 * then at end. */
int dpi_stream_interrupted(const dpi_stream *s);
void dpi_stream_close(dpi_stream *s);

/* ------------------------------------------------------------------ */
/* builder.c                                                           */
/* ------------------------------------------------------------------ */

/* Gap between title, lead and body positions (phrases never cross). */
#define DPI_FIELD_GAP 100

/* Per-thread analysis state (analyzer, token and entity lists). The
 * tagger is shared (immutable) and not owned. */
typedef struct dpi_builder dpi_builder;

int dpi_builder_new(dpi_builder **out, const dp_tagger *tagger, char **err);
void dpi_builder_free(dpi_builder *b);

/* What the document knows about where the article came from. */
typedef struct dpi_origin {
  const char *path;    /* as given ("" for stdin) */
  const char *abspath; /* absolute ("" for stdin) */
} dpi_origin;

/* Content hash of an article as 16 lowercase hex digits (out[17]). */
void dpi_article_hash(const dpi_article *a, const dpi_origin *o, char out[17]);

/* Builds the Xapian document of article a (id already set). Adds the
 * bare words to *spelling (a map word -> count) when spelling != NULL.
 * *doc: new handle, caller frees with xc_doc_free. Returns 0, or -1 with
 * *err malloc'd. */
int dpi_build(dpi_builder *b, const dpi_article *a, const dpi_origin *o,
              const char *hash, xc_doc **doc, dpi_idmap *spelling, char **err);

/* ------------------------------------------------------------------ */
/* docdata.c                                                           */
/* ------------------------------------------------------------------ */

/* Writes doc to db: replaces the document indexed by qterm (replace != 0)
 * or adds it (replace == 0: the caller knows that no document has qterm).
 * Xapian's attempt to deflate the document's already deflated record is
 * skipped (see docdata.c); the index is the same. Returns 0 or an
 * xc_status with *xe set. */
int dpi_write_doc(xc_db *db, const char *qterm, xc_doc *doc, int replace,
                  xc_error *xe);

/* ------------------------------------------------------------------ */
/* pipeline.c                                                          */
/* ------------------------------------------------------------------ */

/* Default of --max-size: an article's text (and a JSON line, a text file)
 * of at most 32 MiB. Indexing takes about 20 bytes of memory per byte of
 * text: a 32 MiB article needs about 0.7 GB while it is worked on. */
#define DPI_MAX_SIZE_DEFAULT ((uint64_t)32 << 20)

typedef struct dpi_options {
  const char *index; /* index directory */
  unsigned jobs;     /* worker threads (>= 1) */
  unsigned batch;    /* documents per commit */
  int quiet;         /* no progress, no summary line */
  int verbose;       /* one line per commit (tests rely on it) */
  int json;          /* summary as JSON on stdout */
  int progress;      /* progress bar on stderr (a TTY) */
  int spelling;      /* feed the spelling dictionary */
  int prune;         /* remove articles of files gone under the roots */
  int no_sync;       /* no fsync on commit */
  uint64_t max_size; /* largest article (text bytes, line, text file);
                        0 = no limit */
  volatile sig_atomic_t *stop; /* set by SIGINT/SIGTERM handlers */
} dpi_options;

typedef struct dpi_summary {
  uint64_t added, updated, unchanged, removed, rejected;
  uint64_t repaired; /* invalid UTF-8 sequences replaced */
  uint64_t undated;  /* articles whose date was not understood */
  uint64_t bytes;    /* uncompressed input bytes read */
  double seconds;
  int interrupted; /* stopped by a signal */
} dpi_summary;

/* Indexes paths into opt->index. Reports rejected inputs on err as
 * "path:line: reason". Returns the exit status: 0, 1 (something was
 * rejected), 2 (fatal; one line on err), 130 (interrupted). */
int dpi_index_paths(const dpi_options *opt, const char *const *paths, size_t n,
                    dpi_summary *sum, FILE *err);

/* Prints the summary line (text) or JSON object. */
void dpi_summary_print(const dpi_summary *s, int json, FILE *out);

/* ------------------------------------------------------------------ */
/* ops.c                                                               */
/* ------------------------------------------------------------------ */

/* Opens index for writing; on failure prints one line on err (the lock
 * message when locked) and returns NULL. */
xc_db *dpi_open_writable(const char *index, int no_sync, FILE *err);

/* Removes articles by id; prints the count. Exit status 0/1 (some id
 * was unknown)/2. */
int dpi_remove(const char *index, const char *const *ids, size_t n, int json,
               int quiet, FILE *out, FILE *err);
/* Removes articles whose source file is gone under roots (all when
 * n == 0) from an open writable db; adds to *removed. 0 or -1. */
int dpi_prune_db(xc_db *db, const char *const *roots_abs, size_t n,
                 uint64_t *removed, FILE *err);
/* Compacts index into a fresh directory and swaps it in atomically. */
int dpi_compact(const char *index, int json, int quiet, FILE *out, FILE *err);
/* rm -rf path (no symlinks followed). 0 or -1. */
int dpi_rm_rf(const char *path);
/* Creates a fresh directory "INDEX.tmp-XXXXXX" next to the index;
 * returns its malloc'd path (caller frees) or NULL (errno set). */
char *dpi_tmpdir_next_to(const char *index);
/* Removes INDEX.tmp-?????? left by a killed run (call with the lock). */
void dpi_clean_stale(const char *index);
/* Swaps directories a and b (atomically where renameat2 works). */
int dpi_swap_dirs(const char *a, const char *b, FILE *err);
/* Before any write: the index directory must not exist, be empty, or hold
 * only a Xapian database's files, since rebuilding and compacting replace
 * the whole directory (anything else in it would be deleted). Prints one
 * line and returns -1 otherwise. */
int dpi_check_index_dir(const char *index, FILE *err);
/* Prints statistics. */
int dpi_stats(const char *index, int json, FILE *out, FILE *err);

#endif
