/* pipeline.c — reading, analysing and writing in parallel, in input order.
 *
 * Threads:
 *   the calling thread  READS: walks the inputs, splits them into units
 *                       (one JSON line, one text file, one object of a JSON
 *                       array) and puts them in a ring of slots;
 *   N worker threads    PARSE, ANALYSE, TAG and BUILD the Xapian document of
 *                       each unit (and compress its record), any order;
 *   one writer thread   WRITES the units in input order (replace by Q id),
 *                       reports rejections, commits every `batch` documents,
 *                       draws the progress bar.
 * Because the writer takes units strictly by sequence number, the index and
 * every message are the same whatever the number of workers.
 *
 * Incremental runs: before the threads start, the Q terms and content
 * hashes (value slot DP_SLOT_HASH) of the index are read into a map; a
 * worker that finds an article's hash unchanged skips building it.
 *
 * Signals: SIGINT/SIGTERM are blocked in every thread; the reader lets them
 * in while it waits for input (ppoll in sources.c), so a blocked read is
 * interrupted and the handler's flag is seen, and between two units and
 * while it waits for room in the ring it lets in one that is pending (a
 * regular file never makes it wait for input). Reading then stops, what
 * was read is written and committed, and the exit status is 130.
 */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dpi.h"
#include "schema.h"

#define RING_MIN 256           /* ring slots (classic mode) */
#define RING_BYTES (64u << 20) /* raw bytes the ring may hold */
#define CHUNK 10000            /* units per run in the parallel mode */
#define RUN_FLUSH 1000         /* documents between commits inside a run */
#define RUN_MIN_SHARE 250      /* smallest share of the tail of the input */
#define RUN_MIN_GUIDED 2500    /* smallest run sized by the estimate */
#define CHECKPOINT_MIN 50000   /* parallel mode: articles before a checkpoint */
#define REPAIR_LINES_MAX 10    /* "invalid UTF-8 replaced" lines printed */

enum ukind { U_EMPTY = 0, U_LINE, U_TEXT, U_ARTICLE, U_ERROR };
enum ustate { S_FREE = 0, S_READY, S_BUSY, S_DONE };
/* R_NONE: not worked on (a parallel run stopped by a signal) */
enum uresult { R_NONE = 0, R_REJECT, R_UNCHANGED, R_DOC, R_FATAL, R_NOTE };

typedef struct unit {
  int kind;            /* enum ukind */
  int state;           /* enum ustate (under the mutex) */
  const dpi_input *in; /* where it came from */
  char *data;          /* U_LINE, U_TEXT: the raw bytes (owned) */
  size_t len;
  size_t ring_len; /* bytes counted in shared.ring_bytes */
  size_t line;     /* 1-based line (JSONL) or 0 */
  size_t index;    /* 1-based article index in a JSON array, or 0 */
  dpi_article art; /* U_ARTICLE: parsed by the reader; else by the worker */
  /* results, set by the worker */
  int result;  /* enum uresult */
  char *msg;   /* rejection "path:line: reason" (owned) */
  char *qterm; /* Q term (owned) */
  char hash[17];
  xc_doc *doc;     /* R_DOC (owned); NULL when written to a run */
  uint64_t run;    /* parallel mode: 1 + run number it went to */
  dpi_idmap words; /* spelling words of the document */
} unit;

typedef struct shared {
  const dpi_options *opt;
  pthread_mutex_t mu;
  pthread_cond_t cv_space; /* reader waits for a free slot */
  pthread_cond_t cv_work;  /* workers wait for a READY unit */
  pthread_cond_t cv_done;  /* writer waits for the next DONE unit */
  unit *ring;              /* ring_n slots */
  size_t ring_n;
  uint64_t ring_bytes; /* raw bytes held by units not yet written */
  int reader_waiting;  /* the reader waits for room */
  /* parallel mode (fresh index, several jobs, no stdin): each worker writes
   * runs of CHUNK consecutive units into its own database under tmpdir;
   * the writer merges them in order by compaction at the end */
  int parallel;
  size_t chunk;         /* units per run: CHUNK, or $DEPECHE_RUN_SIZE */
  size_t run_flush;     /* documents between commits inside a run */
  size_t jobs;          /* worker threads */
  size_t busy;          /* workers busy with a run (under the mutex) */
  char *tmpdir;         /* INDEX.tmp-XXXXXX (owned) */
  uint64_t next_run;    /* runs handed out */
  uint64_t merged_runs; /* runs [0, merged_runs) are in the index */
  uint64_t ck_min;      /* articles of finished runs before a checkpoint */
  uint64_t *del_run;    /* ids to delete from earlier runs (a later */
  char **del_qterm;     /* run has the same id): n_del pairs */
  size_t n_del, cap_del;
  uint64_t repair_lines; /* writer: repair warnings printed */
  uint64_t date_lines;   /* writer: "date not understood" lines printed */
  uint64_t produced;     /* units put in the ring */
  uint64_t claimed;      /* units taken by workers */
  uint64_t written;      /* units consumed by the writer */
  int reading_done;      /* the reader put its last unit */
  int abort;             /* fatal error: stop everything */
  const dp_tagger *tagger;
  dpi_idmap snapshot; /* Q term -> hash of the index at start */
  xc_db *db;
  FILE *err;
  /* progress (under the mutex) */
  uint64_t bytes_in, disk_in, disk_total;
  uint64_t bytes_left_out; /* of units left out after a signal (writer) */
  sigset_t stop_sigs;      /* SIGINT and SIGTERM */
  /* writer's results */
  dpi_summary *sum;
  char *fatal;    /* malloc'd fatal message */
  uint64_t saved; /* documents committed */
  struct timespec t0;
} shared;

static double elapsed(const struct timespec *t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void unit_clear(unit *u) {
  free(u->data);
  dpi_article_clear(&u->art);
  free(u->msg);
  free(u->qterm);
  xc_doc_free(u->doc);
  dpi_idmap_free(&u->words);
  memset(u, 0, sizeof *u);
}

/* ---- reader side ---- */

/* Is SIGINT or SIGTERM pending (blocked in every thread, not yet taken)? */
static int signal_pending(void) {
  sigset_t pend;
  return sigpending(&pend) == 0 &&
         (sigismember(&pend, SIGINT) == 1 || sigismember(&pend, SIGTERM) == 1);
}

/* The workers' test: a signal came or is pending. They never take it: the
 * reader may be waiting for it in ppoll, and a signal taken elsewhere would
 * leave it waiting for input. */
static int signalled(shared *sh) {
  return *sh->opt->stop || signal_pending();
}

/* The reader's test: has SIGINT or SIGTERM come? One that is pending is
 * let in for a moment, so that the handler sets the flag. */
static int stopping(shared *sh) {
  if (*sh->opt->stop)
    return 1;
  sigset_t old;
  if (signal_pending()) {
    pthread_sigmask(SIG_UNBLOCK, &sh->stop_sigs, &old);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
  }
  return *sh->opt->stop != 0;
}

/* Waits for a free slot; returns it (state S_FREE, cleared) or NULL when
 * the pipeline aborted or a signal came meanwhile (it looks every 50 ms). */
static unit *slot_get(shared *sh) {
  pthread_mutex_lock(&sh->mu);
  while (!sh->abort && (sh->produced - sh->written >= sh->ring_n ||
                        sh->ring_bytes > RING_BYTES)) {
    if (stopping(sh)) {
      pthread_mutex_unlock(&sh->mu);
      return NULL;
    }
    sh->reader_waiting = 1;
    pthread_cond_broadcast(&sh->cv_work); /* take partial chunks */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 50 * 1000 * 1000;
    if (until.tv_nsec >= 1000000000L) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&sh->cv_space, &sh->mu, &until);
  }
  sh->reader_waiting = 0;
  unit *u = sh->abort ? NULL : &sh->ring[sh->produced % sh->ring_n];
  pthread_mutex_unlock(&sh->mu);
  return u;
}

static void slot_put(shared *sh, unit *u, uint64_t bytes, uint64_t disk) {
  pthread_mutex_lock(&sh->mu);
  u->state = u->kind == U_ERROR ? S_DONE : S_READY;
  sh->produced++;
  u->ring_len = u->len;
  sh->ring_bytes += u->len;
  sh->bytes_in += bytes;
  sh->disk_in += disk;
  if (u->kind == U_ERROR)
    pthread_cond_signal(&sh->cv_done);
  if (u->kind != U_ERROR || sh->parallel)
    pthread_cond_signal(&sh->cv_work);
  pthread_mutex_unlock(&sh->mu);
}

/* The input's name in the notes about it: "<stdin>" for "-". */
static const char *shown_path(const dpi_input *in) {
  return strcmp(in->path, "-") == 0 ? "<stdin>" : in->path;
}

/* Queues a message (msg malloc'd, taken): result R_REJECT (an input
 * rejected, counted) or R_NOTE (said, not counted). 0 or -1 (aborted). */
static int put_message(shared *sh, const dpi_input *in, char *msg, int result) {
  unit *u = slot_get(sh);
  if (!u) {
    free(msg);
    return -1;
  }
  u->kind = U_ERROR;
  u->in = in;
  u->result = result;
  u->msg = msg ? msg : dp_strfmt("%s: out of memory", shown_path(in));
  slot_put(sh, u, 0, 0);
  return 0;
}

/* Queues an error message (msg malloc'd, taken). 0 or -1 (aborted). */
static int put_error(shared *sh, const dpi_input *in, char *msg) {
  return put_message(sh, in, msg, R_REJECT);
}

static int put_data(shared *sh, const dpi_input *in, int kind, char *data,
                    size_t len, size_t line, uint64_t disk) {
  unit *u = slot_get(sh);
  if (!u) {
    free(data);
    return -1;
  }
  u->kind = kind;
  u->in = in;
  u->data = data;
  u->len = len;
  u->line = line;
  slot_put(sh, u, len, disk);
  return 0;
}

static int read_jsonl(shared *sh, const dpi_input *in, dpi_stream *s) {
  const char *line;
  size_t len, lineno = 0;
  uint64_t disk = 0;
  char *err = NULL;
  int r = 0;
  while (!stopping(sh) &&
         (r = dpi_stream_getline(s, &line, &len, &lineno, &err)) > 0) {
    uint64_t d = dpi_stream_disk_bytes(s);
    if (r == 2) { /* longer than --max-size: read past, never held whole */
      char lim[32];
      dpi_format_size(sh->opt->max_size, lim);
      if (put_error(sh, in,
                    dp_strfmt("%s:%zu: line too long: %zu bytes, more than "
                              "%s (see --max-size)",
                              shown_path(in), lineno, len, lim)))
        return -1;
      continue;
    }
    if (lineno == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
      line += 3; /* a UTF-8 byte order mark */
      len -= 3;
    }
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
      i++;
    if (i == len)
      continue; /* blank lines are allowed */
    char *copy = dp_strndup(line, len);
    if (!copy)
      return put_error(sh, in, NULL);
    if (put_data(sh, in, U_LINE, copy, len, lineno, d - disk))
      return -1;
    disk = d;
  }
  if (r < 0) {
    int rc = put_error(sh, in,
                       dp_strfmt("%s:%zu: %s", shown_path(in), lineno + 1,
                                 err ? err : "read error"));
    free(err);
    return rc;
  }
  return 0;
}

static int read_json(shared *sh, const dpi_input *in, dpi_stream *s) {
  char *data = NULL, *err = NULL;
  size_t len;
  if (dpi_stream_read_all(s, &data, &len, &err)) {
    int rc = put_error(sh, in, dp_strfmt("%s:1: %s", shown_path(in), err));
    free(err);
    return rc;
  }
  if (dpi_looks_binary(data, len)) {
    free(data);
    return put_error(sh, in, dp_strfmt("%s:1: binary data", shown_path(in)));
  }
  json_error_t je;
  /* a UTF-8 byte order mark is not JSON, but editors write one */
  size_t bom = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  json_t *root = json_loadb(data + bom, len - bom, JSON_REJECT_DUPLICATES, &je);
  if (!root) {
    size_t n = len;
    size_t bad = dpi_utf8_repair(&data, &n);
    if (bad && bad != (size_t)-1) {
      root = json_loadb(data + bom, n - bom, JSON_REJECT_DUPLICATES, &je);
      len = n;
    }
  }
  free(data);
  if (!root)
    return put_error(sh, in,
                     dp_strfmt("%s:%d: invalid JSON: %s", shown_path(in),
                               je.line > 0 ? je.line : 1, je.text));
  size_t n = json_is_array(root) ? json_array_size(root) : 1;
  int rc = 0;
  if (n == 0) /* "[]": as an empty file, said and not an error */
    rc = put_message(
        sh, in,
        dp_strfmt("%s:1: no articles (an empty array), nothing indexed",
                  shown_path(in)),
        R_NOTE);
  for (size_t i = 0; i < n && !rc && !stopping(sh); i++) {
    json_t *o = json_is_array(root) ? json_array_get(root, i) : root;
    unit *u = slot_get(sh);
    if (!u) {
      rc = -1;
      break;
    }
    char *perr = NULL;
    u->in = in;
    u->index = json_is_array(root) ? i + 1 : 0;
    if (dpi_read_json_object(o, &u->art, &perr)) {
      dpi_article_clear(&u->art);
      u->kind = U_ERROR;
      u->result = R_REJECT;
      u->msg = u->index ? dp_strfmt("%s: article %zu: %s", shown_path(in),
                                    u->index, perr)
                        : dp_strfmt("%s:1: %s", shown_path(in), perr);
      free(perr);
    } else {
      u->kind = U_ARTICLE;
    }
    slot_put(sh, u, i == 0 ? len : 0, i == 0 ? dpi_stream_disk_bytes(s) : 0);
  }
  json_decref(root);
  return rc;
}

static int read_text(shared *sh, const dpi_input *in, dpi_stream *s) {
  char *data = NULL, *err = NULL;
  size_t len;
  if (dpi_stream_read_all(s, &data, &len, &err)) {
    int rc = put_error(sh, in, dp_strfmt("%s:1: %s", shown_path(in), err));
    free(err);
    return rc;
  }
  return put_data(sh, in, U_TEXT, data, len, 0, dpi_stream_disk_bytes(s));
}

/* Reads every input into the ring. Returns 0, or -1 when aborted. */
static int read_all(shared *sh, const dpi_inputs *ins, const sigset_t *mask) {
  for (size_t i = 0; i < ins->n && !stopping(sh); i++) {
    const dpi_input *in = &ins->v[i];
    dpi_stream *s;
    char *err = NULL;
    if (dpi_stream_open(&s, in->path, &err)) {
      int rc = put_error(sh, in, dp_strfmt("%s: %s", shown_path(in), err));
      free(err);
      if (rc)
        return -1;
      continue;
    }
    dpi_stream_set_interrupt(s, sh->opt->stop, mask);
    dpi_format fmt = in->fmt;
    if (fmt == DPI_FMT_UNKNOWN) {
      int c = dpi_stream_peek(s);
      fmt = c == '{' ? DPI_FMT_JSONL : c == '[' ? DPI_FMT_JSON : DPI_FMT_TEXT;
    }
    /* a line of JSON Lines and a text file are one article each: one too
     * large is never held whole. A .json file is parsed whole (it may hold
     * many articles): its articles are checked one by one (work()). */
    if (fmt != DPI_FMT_JSON && sh->opt->max_size &&
        sh->opt->max_size <= SIZE_MAX)
      dpi_stream_set_limit(s, (size_t)sh->opt->max_size);
    int rc = 0;
    if (dpi_stream_peek(s) < 0 && !dpi_stream_interrupted(s)) {
      /* empty (or blank) file: nothing to index; read errors show here */
      const char *l;
      size_t n, ln;
      if (dpi_stream_getline(s, &l, &n, &ln, &err) < 0) {
        rc = put_error(sh, in, dp_strfmt("%s:1: %s", shown_path(in), err));
        free(err);
      } else {
        /* not an error (a day without articles), but said: an empty
         * file is often a collection that went wrong */
        rc = put_message(
            sh, in,
            dp_strfmt("%s:1: no text (empty or blank file), nothing indexed",
                      shown_path(in)),
            R_NOTE);
      }
    } else if (fmt == DPI_FMT_JSONL) {
      rc = read_jsonl(sh, in, s);
    } else if (fmt == DPI_FMT_JSON) {
      rc = read_json(sh, in, s);
    } else {
      rc = read_text(sh, in, s);
    }
    dpi_stream_close(s);
    if (rc)
      return -1;
  }
  return 0;
}

/* ---- workers ---- */

static char *derive_id(const unit *u) {
  if (u->art.id)
    return dpi_strdup0(u->art.id);
  if (u->art.url)
    return dpi_strdup0(u->art.url);
  if (u->line && u->in->fmt != DPI_FMT_TEXT && u->kind == U_LINE)
    return dp_strfmt("%s:%zu", u->in->rel, u->line);
  if (u->index)
    return dp_strfmt("%s#%zu", u->in->rel, u->index);
  return dpi_strdup0(u->in->rel);
}

/* Parses and builds one unit (no lock held). */
static void work(shared *sh, dpi_builder *b, unit *u) {
  char *err = NULL;
  const char *where_fmt = "%s:%zu: %s";
  size_t where_line = u->line ? u->line : 1;
  if (u->kind == U_LINE) {
    if (dpi_read_json_line(u->data, u->len, &u->art, &err))
      goto reject;
  } else if (u->kind == U_TEXT) {
    if (dpi_looks_binary(u->data, u->len)) {
      err = dp_strfmt("binary data");
      goto reject;
    }
    size_t bad = dpi_utf8_repair(&u->data, &u->len);
    if (bad == (size_t)-1) {
      err = dp_strfmt("out of memory");
      goto reject;
    }
    u->art.n_repaired += bad;
    if (dpi_read_text(u->data, u->len, u->in->fmt == DPI_FMT_MARKDOWN, &u->art,
                      &err))
      goto reject;
  }
  free(u->data);
  u->data = NULL;
  if (sh->opt->max_size) {
    uint64_t n = (u->art.title ? strlen(u->art.title) : 0) +
                 (u->art.lead ? strlen(u->art.lead) : 0) +
                 (u->art.body ? strlen(u->art.body) : 0);
    if (n > sh->opt->max_size) {
      char lim[32];
      dpi_format_size(sh->opt->max_size, lim);
      err = dp_strfmt("article too large: %llu bytes of text, more than %s "
                      "(see --max-size)",
                      (unsigned long long)n, lim);
      goto reject;
    }
  }
  char *id = derive_id(u);
  if (!id) {
    err = dp_strfmt("out of memory");
    goto reject;
  }
  free(u->art.id);
  u->art.id = id;
  u->qterm = dpi_make_term(DP_PREFIX_ID, id);
  if (!u->qterm) {
    err = dp_strfmt("out of memory");
    goto reject;
  }
  dpi_origin o = {strcmp(u->in->path, "-") == 0 ? "" : u->in->path,
                  u->in->abspath};
  dpi_article_hash(&u->art, &o, u->hash);
  uint64_t old;
  if (dpi_idmap_get(&sh->snapshot, u->qterm, &old) &&
      old == strtoull(u->hash, NULL, 16)) {
    u->result = R_UNCHANGED;
    return;
  }
  if (dpi_build(b, &u->art, &o, u->hash, &u->doc,
                sh->opt->spelling ? &u->words : NULL, &err))
    goto reject;
  u->result = R_DOC;
  return;
reject:
  u->result = R_REJECT;
  if (u->index)
    u->msg = dp_strfmt("%s: article %zu: %s", shown_path(u->in), u->index,
                       err ? err : "out of memory");
  else
    u->msg = dp_strfmt(where_fmt, shown_path(u->in), where_line,
                       err ? err : "out of memory");
  free(err);
}

typedef struct worker_arg {
  shared *sh;
  dpi_builder *b;
} worker_arg;

static void *worker_main(void *arg) {
  worker_arg *wa = arg;
  shared *sh = wa->sh;
  pthread_mutex_lock(&sh->mu);
  for (;;) {
    /* units before `written` are done (error units are skipped by the
     * writer without a worker) */
    if (sh->claimed < sh->written)
      sh->claimed = sh->written;
    while (!sh->abort && sh->claimed < sh->produced &&
           sh->ring[sh->claimed % sh->ring_n].state != S_READY)
      sh->claimed++; /* error units are already DONE */
    if (sh->abort || (sh->reading_done && sh->claimed >= sh->produced))
      break;
    if (sh->claimed >= sh->produced) {
      pthread_cond_wait(&sh->cv_work, &sh->mu);
      continue;
    }
    unit *u = &sh->ring[sh->claimed % sh->ring_n];
    sh->claimed++;
    u->state = S_BUSY;
    pthread_mutex_unlock(&sh->mu);
    work(sh, wa->b, u);
    pthread_mutex_lock(&sh->mu);
    u->state = S_DONE;
    pthread_cond_signal(&sh->cv_done);
  }
  pthread_mutex_unlock(&sh->mu);
  return NULL;
}

static char *run_path(const shared *sh, uint64_t run) {
  return dp_strfmt("%s/run-%06llu", sh->tmpdir, (unsigned long long)run);
}

/* Parallel mode: a worker builds the units of a run one by one and writes
 * each document into the run's database at once (no document is held
 * longer than needed), committing every RUN_FLUSH documents so that
 * Xapian's buffers stay small while the run's posting lists grow in long
 * chunks, as with one writer. */
typedef struct run_writer {
  shared *sh;
  uint64_t run;
  char *path;
  xc_db *db;
  xc_error xe;
  size_t pending; /* documents since the last commit */
  int rc;
  dpi_idmap ids; /* Q terms written to this run */
  int ids_lost;  /* ids ran out of memory: replace by Q term throughout */
} run_writer;

static void run_put(run_writer *rw, unit *u) {
  if (u->result != R_DOC)
    return;
  if (!rw->rc && !rw->db)
    rw->rc = xc_db_create_scratch(&rw->db, rw->path, 0, &rw->xe);
  /* a run starts empty: an id not yet written to it is added without
   * looking it up (what replacing by Q term does then, at the cost of a
   * posting list lookup per document); one seen in this run replaces */
  if (!rw->rc) {
    int seen = rw->ids_lost || dpi_idmap_get(&rw->ids, u->qterm, NULL);
    rw->rc = dpi_write_doc(rw->db, u->qterm, u->doc, seen, &rw->xe);
    if (!rw->rc && !seen && dpi_idmap_put(&rw->ids, u->qterm, 1))
      rw->ids_lost = 1;
  }
  for (size_t k = 0; k < u->words.cap && !rw->rc; k++)
    if (u->words.keys[k])
      xc_db_add_spelling(rw->db, u->words.keys[k], (uint32_t)u->words.vals[k],
                         NULL);
  if (!rw->rc && ++rw->pending >= rw->sh->run_flush) {
    rw->rc = xc_db_commit(rw->db, &rw->xe);
    rw->pending = 0;
  }
  xc_doc_free(u->doc);
  u->doc = NULL;
  u->run = rw->run + 1;
  /* the writer needs only the Q term and the counters of a unit written
   * to a run: the text goes now, not when the whole run is done */
  size_t repaired = u->art.n_repaired;
  char *bad_date = u->art.bad_date;
  u->art.bad_date = NULL;
  dpi_article_clear(&u->art);
  u->art.n_repaired = repaired;
  u->art.bad_date = bad_date;
}

/* Closes the run database. Returns 0, or -1 with *err malloc'd. */
static int run_close(run_writer *rw, char **err) {
  int rc = rw->rc;
  if (rw->db && xc_db_close(rw->db, rc ? NULL : &rw->xe) && !rc)
    rc = rw->xe.status;
  rw->db = NULL;
  if (rc)
    *err =
        dp_strfmt("cannot write run %s: %s", rw->path ? rw->path : "",
                  rc == XC_ERR_NOMEM && !rw->path ? "out of memory"
                                                  : xc_error_message(&rw->xe));
  xc_error_clear(&rw->xe);
  free(rw->path);
  rw->path = NULL;
  dpi_idmap_free(&rw->ids);
  return rc ? -1 : 0;
}

/* Parallel mode, under the mutex: how many units the next run should take.
 * sh->chunk, but near the end of input files of known size, the remaining
 * articles (estimated from the bytes read so far) divided by the number of
 * workers, so that the workers' last runs end together instead of one
 * worker finishing a full run alone (guided self-scheduling; on OrangeSum
 * with 2 workers: 29 s instead of 31, for 0.7% more index). */
static size_t run_target(const shared *sh) {
  if (!sh->disk_total || !sh->disk_in || !sh->produced ||
      sh->chunk <= RUN_MIN_GUIDED)
    return sh->chunk;
  double est =
      (double)sh->produced * (double)sh->disk_total / (double)sh->disk_in;
  if (est <= (double)sh->claimed)
    return sh->chunk;
  double fair = (est - (double)sh->claimed) / (double)sh->jobs + 1;
  if (fair >= (double)sh->chunk)
    return sh->chunk;
  return fair < RUN_MIN_GUIDED ? RUN_MIN_GUIDED : (size_t)fair;
}

/* Parallel mode: a worker takes up to sh->chunk consecutive units, builds
 * and writes them into its own run database. Once the reader is done (or
 * blocked), what is left is shared out evenly between the idle workers so
 * that none of them waits for the last long run of another. */
static void *run_worker_main(void *arg) {
  worker_arg *wa = arg;
  shared *sh = wa->sh;
  pthread_mutex_lock(&sh->mu);
  for (;;) {
    if (sh->claimed < sh->written)
      sh->claimed = sh->written;
    if (sh->abort || (sh->reading_done && sh->claimed >= sh->produced))
      break;
    size_t avail = (size_t)(sh->produced - sh->claimed);
    int more_coming = !sh->reading_done && !sh->reader_waiting;
    size_t target = run_target(sh);
    if (avail == 0 || (avail < target && more_coming)) {
      pthread_cond_wait(&sh->cv_work, &sh->mu);
      continue;
    }
    if (!more_coming) {
      size_t idle = sh->jobs > sh->busy ? sh->jobs - sh->busy : 1;
      size_t share = (avail + idle - 1) / idle;
      if (share < avail && share < RUN_MIN_SHARE)
        share = avail < RUN_MIN_SHARE ? avail : RUN_MIN_SHARE;
      avail = share;
    }
    if (avail > target)
      avail = target;
    if (avail > sh->chunk)
      avail = sh->chunk;
    uint64_t first = sh->claimed;
    sh->claimed += avail;
    uint64_t run = sh->next_run++;
    sh->busy++;
    /* error units too: the writer must not free a slot of a chunk that
     * is still being worked on */
    for (size_t i = 0; i < avail; i++)
      sh->ring[(first + i) % sh->ring_n].state = S_BUSY;
    pthread_mutex_unlock(&sh->mu);
    run_writer rw = {sh,  run, run_path(sh, run), NULL, XC_ERROR_INIT, 0, 0,
                     {0}, 0};
    if (!rw.path)
      rw.rc = XC_ERR_NOMEM;
    /* after SIGINT/SIGTERM the rest of the run is left out (R_NONE):
     * a run is up to CHUNK articles, the reader may have read them all */
    for (size_t i = 0; i < avail; i++) {
      unit *u = &sh->ring[(first + i) % sh->ring_n];
      if (u->kind != U_ERROR && !signalled(sh)) {
        work(sh, wa->b, u);
        run_put(&rw, u);
      }
    }
    char *err = NULL;
    int rc = run_close(&rw, &err);
    pthread_mutex_lock(&sh->mu);
    sh->busy--;
    for (size_t i = 0; i < avail; i++)
      sh->ring[(first + i) % sh->ring_n].state = S_DONE;
    if (rc) { /* the first unit carries the fatal error to the writer */
      unit *u = &sh->ring[first % sh->ring_n];
      free(u->msg);
      u->msg = err;
      u->result = R_FATAL;
    }
    pthread_cond_broadcast(&sh->cv_done);
  }
  pthread_mutex_unlock(&sh->mu);
  return NULL;
}

/* ---- writer ---- */

static void progress(shared *sh, int final) {
  uint64_t bytes, disk, total, n;
  pthread_mutex_lock(&sh->mu);
  bytes = sh->bytes_in;
  disk = sh->disk_in;
  total = sh->disk_total;
  pthread_mutex_unlock(&sh->mu);
  dpi_summary *s = sh->sum;
  n = s->added + s->updated + s->unchanged;
  if (final) {
    fprintf(sh->err, "\r\033[K");
    fflush(sh->err);
    return;
  }
  double t = elapsed(&sh->t0);
  double mbs = t > 0 ? bytes / 1e6 / t : 0;
  char eta[32] = "";
  if (total && disk > 0 && disk <= total && t > 1) {
    double left = t * (double)(total - disk) / (double)disk;
    snprintf(eta, sizeof eta, "  ETA %d:%02d", (int)left / 60, (int)left % 60);
  }
  int pct = total ? (int)(100.0 * (double)disk / (double)total) : 0;
  if (pct > 100)
    pct = 100;
  char bar[21];
  for (int i = 0; i < 20; i++)
    bar[i] = i < pct / 5 ? '#' : '.';
  bar[20] = 0;
  fprintf(sh->err, "\r[%s] %3d%%  %llu articles  %.1f MB  %.1f MB/s%s\033[K",
          bar, pct, (unsigned long long)n, bytes / 1e6, mbs, eta);
  fflush(sh->err);
}

/* Says on stderr (--verbose) how many articles the index holds, once they
 * are there. */
static void announce(shared *sh, uint64_t added) {
  if (sh->opt->verbose && added) {
    if (sh->opt->progress)
      progress(sh, 1);
    fprintf(sh->err, "depeche-index: committed %llu articles\n",
            (unsigned long long)sh->saved);
    fflush(sh->err);
  }
}

/* Commits sh->db with the metadata; *pending articles more are saved.
 * Announces it unless quiet (a merge announces after its swap). */
static int commit_db(shared *sh, uint64_t *pending, int quiet) {
  xc_error xe = XC_ERROR_INIT;
  char stamp[32];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (xc_db_set_metadata(sh->db, DP_META_SCHEMA, "1", 1, &xe) ||
      xc_db_set_metadata(sh->db, DP_META_UPDATED, stamp, strlen(stamp), &xe) ||
      xc_db_commit(sh->db, &xe)) {
    sh->fatal = dp_strfmt("cannot commit to %s: %s", sh->opt->index,
                          xc_error_message(&xe));
    xc_error_clear(&xe);
    return -1;
  }
  sh->saved += *pending;
  if (!quiet)
    announce(sh, *pending);
  *pending = 0;
  return 0;
}

static int commit(shared *sh, uint64_t *pending) {
  return commit_db(sh, pending, 0);
}

/* Writes one unit. Returns 0 or -1 (fatal, sh->fatal set). */
static int write_unit(shared *sh, unit *u, dpi_idmap *written, dpi_builder **wb,
                      uint64_t *pending) {
  dpi_summary *s = sh->sum;
  xc_error xe = XC_ERROR_INIT;
  if (u->result == R_NONE) { /* left out after a signal: a rerun adds it */
    sh->bytes_left_out += u->ring_len;
    return 0;
  }
  if (u->result == R_FATAL) {
    sh->fatal = dpi_strdup0(u->msg);
    return -1;
  }
  if (u->result == R_REJECT || u->result == R_NOTE) {
    if (sh->opt->progress)
      progress(sh, 1);
    fprintf(sh->err, "%s\n", u->msg);
    if (u->result == R_REJECT)
      s->rejected++;
    return 0;
  }
  /* not rejections: said once per article, for the first few of each,
   * when it is written (a rerun over unchanged files does not repeat what
   * the run that indexed them said) */
  size_t repaired = u->result == R_UNCHANGED ? 0 : u->art.n_repaired;
  int undated = u->result != R_UNCHANGED && u->art.bad_date;
  int say_repair = repaired && sh->repair_lines <= REPAIR_LINES_MAX;
  int say_date = undated && sh->date_lines <= REPAIR_LINES_MAX;
  if (say_repair || say_date) {
    const char *path = shown_path(u->in);
    char where[48]; /* after the path: ": article N" or ":LINE" */
    if (u->index)
      snprintf(where, sizeof where, ": article %zu", u->index);
    else
      snprintf(where, sizeof where, ":%zu", u->line ? u->line : 1);
    if (sh->opt->progress)
      progress(sh, 1);
    if (say_repair && sh->repair_lines < REPAIR_LINES_MAX)
      fprintf(sh->err,
              "%s%s: %zu invalid UTF-8 sequence%s replaced by U+FFFD (not "
              "UTF-8 text?)\n",
              path, where, repaired, repaired > 1 ? "s" : "");
    else if (say_repair)
      fprintf(sh->err, "depeche-index: more articles with invalid UTF-8; "
                       "the summary counts them (--json: \"repaired\")\n");
    if (say_date && sh->date_lines < REPAIR_LINES_MAX)
      fprintf(sh->err,
              "%s%s: date \"%s\" not understood, indexed without a date "
              "(write 2024-03-12, 12/03/2024 or 12 mars 2024)\n",
              path, where, u->art.bad_date);
    else if (say_date)
      fprintf(sh->err, "depeche-index: more dates not understood; the "
                       "summary counts them (--json: \"undated\")\n");
  }
  sh->repair_lines += repaired != 0;
  sh->date_lines += undated;
  s->repaired += repaired;
  s->undated += undated;
  uint64_t prev = 0;
  int seen = dpi_idmap_get(written, u->qterm, &prev);
  if (u->run) {
    /* parallel mode: already in run u->run - 1; an earlier run holding
     * the same id loses it at the merge */
    if (seen && prev && prev != u->run) {
      if (sh->n_del == sh->cap_del) {
        size_t cap = sh->cap_del ? sh->cap_del * 2 : 16;
        uint64_t *r = realloc(sh->del_run, cap * sizeof *r);
        if (r)
          sh->del_run = r;
        char **q = realloc(sh->del_qterm, cap * sizeof *q);
        if (q)
          sh->del_qterm = q;
        if (!r || !q) {
          sh->fatal = dp_strfmt("out of memory");
          return -1;
        }
        sh->cap_del = cap;
      }
      sh->del_run[sh->n_del] = prev - 1;
      sh->del_qterm[sh->n_del] = u->qterm;
      u->qterm = NULL;
      sh->n_del++;
    }
    if (seen)
      s->updated++;
    else
      s->added++;
    if (dpi_idmap_put(written,
                      u->qterm ? u->qterm : sh->del_qterm[sh->n_del - 1],
                      u->run)) {
      sh->fatal = dp_strfmt("out of memory");
      return -1;
    }
    (*pending)++;
    return 0;
  }
  if (u->result == R_UNCHANGED) {
    if (!seen) {
      s->unchanged++;
      return 0;
    }
    /* the same id came earlier in this run with other content: this one
     * (equal to the indexed version) must be written back */
    if (!*wb) {
      char *err = NULL;
      if (dpi_builder_new(wb, sh->tagger, &err)) {
        sh->fatal = err;
        return -1;
      }
    }
    char *err = NULL;
    dpi_origin o = {strcmp(u->in->path, "-") == 0 ? "" : u->in->path,
                    u->in->abspath};
    if (dpi_build(*wb, &u->art, &o, u->hash, &u->doc, NULL, &err)) {
      sh->fatal = err;
      return -1;
    }
  }
  if (dpi_write_doc(sh->db, u->qterm, u->doc, 1, &xe)) {
    sh->fatal = dp_strfmt("cannot write to %s: %s", sh->opt->index,
                          xc_error_message(&xe));
    xc_error_clear(&xe);
    return -1;
  }
  if (seen || dpi_idmap_get(&sh->snapshot, u->qterm, NULL))
    s->updated++;
  else
    s->added++;
  if (dpi_idmap_put(written, u->qterm, 1)) {
    sh->fatal = dp_strfmt("out of memory");
    return -1;
  }
  for (size_t i = 0; i < u->words.cap; i++) {
    if (!u->words.keys[i])
      continue;
    if (xc_db_add_spelling(sh->db, u->words.keys[i], (uint32_t)u->words.vals[i],
                           &xe)) {
      xc_error_clear(&xe); /* a spelling entry is never worth failing */
    }
  }
  (*pending)++;
  if (*pending >= sh->opt->batch)
    return commit(sh, pending);
  return 0;
}

/* Parallel mode: merges the finished runs [sh->merged_runs, upto) into the
 * index, at a checkpoint and at the end. Deletes the ids superseded by a
 * later run (from the run, or from the index when their run is already in
 * it), then compacts the index (when it holds checkpointed runs) and the
 * runs, in input order (document ids are those of a sequential build),
 * into a new database, commits it with the metadata and swaps it in place
 * of the index, keeping the index locked throughout. The runs merged and
 * the old index are deleted. */
static int merge_runs(shared *sh, uint64_t upto, uint64_t *pending) {
  xc_error xe = XC_ERROR_INIT;
  int rc = 0;
  size_t cap = (size_t)(upto - sh->merged_runs) + 1;
  char **paths = calloc(cap, sizeof *paths);
  size_t n = 0, n_runs = 0;
  char *merged = dp_strfmt("%s/merged", sh->tmpdir);
  xc_db *rdb = NULL, *ndb = NULL, *old = NULL;
  int index_changed = 0;
  if (!paths || !merged)
    rc = XC_ERR_NOMEM;
  size_t kept = 0;
  for (size_t i = 0; i < sh->n_del && !rc; i++) {
    if (sh->del_run[i] >= upto) { /* a run not merged now: later */
      sh->del_run[kept] = sh->del_run[i];
      sh->del_qterm[kept++] = sh->del_qterm[i];
      continue;
    }
    if (sh->del_run[i] < sh->merged_runs) {
      rc = xc_db_delete_by_term(sh->db, sh->del_qterm[i], &xe);
      index_changed = 1;
    } else {
      char *p = run_path(sh, sh->del_run[i]);
      xc_db *db = NULL;
      rc = p ? xc_db_open_writable(&db, p, XC_DB_OPEN | XC_DB_NO_SYNC, &xe)
             : XC_ERR_NOMEM;
      if (!rc)
        rc = xc_db_delete_by_term(db, sh->del_qterm[i], &xe);
      if (db && xc_db_close(db, rc ? NULL : &xe) && !rc)
        rc = xe.status;
      free(p);
    }
    free(sh->del_qterm[i]);
  }
  if (!rc) {
    sh->n_del = kept;
    /* the compaction reads the index's last commit */
    if (index_changed)
      rc = xc_db_commit(sh->db, &xe);
  }
  if (!rc && sh->merged_runs > 0)
    paths[n++] = dpi_strdup0(sh->opt->index);
  if (!rc && n && !paths[0])
    rc = XC_ERR_NOMEM;
  for (uint64_t r = sh->merged_runs; r < upto && !rc; r++) {
    char *p = run_path(sh, r);
    struct stat st;
    if (!p)
      rc = XC_ERR_NOMEM;
    else if (stat(p, &st) == 0)
      paths[n++] = p, n_runs++; /* runs of only errors: none */
    else
      free(p);
  }
  if (!rc && n_runs)
    rc = xc_db_open_shards(&rdb, (const char *const *)paths, n, &xe);
  if (!rc && n_runs)
    rc = xc_db_compact(rdb, merged, 0, &xe);
  xc_db_free(rdb);
  if (!rc && n_runs)
    rc = xc_db_open_writable(
        &ndb, merged, XC_DB_OPEN | (sh->opt->no_sync ? XC_DB_NO_SYNC : 0), &xe);
  for (size_t i = 0; i < n; i++)
    free(paths[i]);
  free(paths);
  if (rc) {
    sh->fatal =
        dp_strfmt("cannot merge the runs of %s: %s", sh->opt->index,
                  rc == XC_ERR_NOMEM ? "out of memory" : xc_error_message(&xe));
    xc_error_clear(&xe);
    free(merged);
    return -1;
  }
  if (!n_runs) { /* nothing new was written */
    free(merged);
    sh->merged_runs = upto;
    return commit(sh, pending);
  }
  old = sh->db;
  sh->db = ndb;
  uint64_t added = *pending;
  rc = commit_db(sh, pending, 1);
  xc_error_clear(&xe);
  if (!rc && xc_db_close(ndb, &xe)) {
    sh->fatal = dp_strfmt("cannot commit to %s: %s", sh->opt->index,
                          xc_error_message(&xe));
    rc = -1;
  } else if (rc) {
    xc_db_free(ndb);
  }
  sh->db = old;
  if (!rc && dpi_swap_dirs(sh->opt->index, merged, sh->err)) {
    sh->fatal = dp_strfmt("cannot swap the new index in");
    rc = -1;
  }
  if (!rc) {
    /* lock the new index before letting go of the old one's lock */
    ndb = NULL;
    if (xc_db_open_writable(&ndb, sh->opt->index,
                            XC_DB_OPEN | (sh->opt->no_sync ? XC_DB_NO_SYNC : 0),
                            &xe)) {
      sh->fatal = dp_strfmt("cannot reopen %s: %s", sh->opt->index,
                            xc_error_message(&xe));
      rc = -1;
    } else {
      xc_db_free(old);
      sh->db = ndb;
    }
  }
  if (!rc) {
    /* what the index holds now is no longer needed twice */
    dpi_rm_rf(merged);
    for (uint64_t r = sh->merged_runs; r < upto; r++) {
      char *p = run_path(sh, r);
      if (p)
        dpi_rm_rf(p);
      free(p);
    }
    sh->merged_runs = upto;
    announce(sh, added);
  }
  xc_error_clear(&xe);
  free(merged);
  return rc;
}

/* Parallel mode: before writing u, merges the runs finished before u's
 * (checkpoint) when they hold at least sh->ck_min articles and at least
 * as many as the index, so that a killed build (kill -9) keeps them: the
 * index never holds less than about half of what was written, and each
 * article is merged about twice at most. */
static int checkpoint(shared *sh, const unit *u, uint64_t *pending) {
  if (!sh->parallel || !u->run || u->run - 1 <= sh->merged_runs)
    return 0;
  if (*pending < sh->ck_min || *pending < sh->saved)
    return 0;
  return merge_runs(sh, u->run - 1, pending);
}

static void *writer_main(void *arg) {
  shared *sh = arg;
  dpi_idmap written = {0};
  dpi_builder *wb = NULL;
  uint64_t pending = 0;
  double last = -1;
  int rc = 0;
  for (;;) {
    pthread_mutex_lock(&sh->mu);
    unit *u = NULL;
    for (;;) {
      if (sh->abort)
        break;
      if (sh->written < sh->produced &&
          sh->ring[sh->written % sh->ring_n].state == S_DONE) {
        u = &sh->ring[sh->written % sh->ring_n];
        /* an error unit is DONE without a worker: until `written` moves
         * past it, a worker of the parallel mode could claim it in a run
         * and work on it while it is cleared and its slot reused */
        if (sh->claimed <= sh->written)
          sh->claimed = sh->written + 1;
        break;
      }
      if (sh->reading_done && sh->written == sh->produced)
        break;
      pthread_cond_wait(&sh->cv_done, &sh->mu);
    }
    pthread_mutex_unlock(&sh->mu);
    if (!u)
      break;
    rc = checkpoint(sh, u, &pending);
    if (!rc)
      rc = write_unit(sh, u, &written, &wb, &pending);
    size_t ring_len = u->ring_len;
    unit_clear(u);
    pthread_mutex_lock(&sh->mu);
    sh->ring_bytes -= ring_len;
    sh->written++;
    if (rc)
      sh->abort = 1;
    pthread_cond_broadcast(&sh->cv_space);
    if (rc)
      pthread_cond_broadcast(&sh->cv_work);
    pthread_mutex_unlock(&sh->mu);
    if (rc)
      break;
    if (sh->opt->progress) {
      double t = elapsed(&sh->t0);
      if (t - last >= 0.2) {
        progress(sh, 0);
        last = t;
      }
    }
  }
  /* frames are drawn every 0.2 s: the last one could show a count from
   * before the last articles; this one stays up while the final commit (or
   * merge) runs */
  if (sh->opt->progress && !rc && !sh->abort)
    progress(sh, 0);
  if (!rc && !sh->abort)
    rc = sh->parallel && sh->next_run ? merge_runs(sh, sh->next_run, &pending)
                                      : commit(sh, &pending);
  if (sh->opt->progress)
    progress(sh, 1);
  if (rc) {
    pthread_mutex_lock(&sh->mu);
    sh->abort = 1;
    pthread_cond_broadcast(&sh->cv_space);
    pthread_cond_broadcast(&sh->cv_work);
    pthread_mutex_unlock(&sh->mu);
  }
  dpi_builder_free(wb);
  dpi_idmap_free(&written);
  return NULL;
}

/* ---- snapshot of ids and hashes ---- */

static int load_snapshot(shared *sh, char **fatal) {
  xc_error xe = XC_ERROR_INIT;
  xc_termit *it = NULL;
  int rc = xc_db_terms(&it, sh->db, DP_PREFIX_ID, &xe);
  while (!rc && (rc = xc_termit_next(it, &xe)) == 1) {
    const char *term = xc_termit_term(it, NULL);
    xc_docid id = 0;
    xc_doc *doc = NULL;
    char *v = NULL;
    size_t vn = 0;
    rc = xc_db_find_unique(&id, sh->db, term, &xe);
    if (!rc && id)
      rc = xc_db_get_document(&doc, sh->db, id, &xe);
    if (!rc && doc)
      rc = xc_doc_get_value(&v, &vn, doc, DP_SLOT_HASH, &xe);
    if (!rc && doc) {
      uint64_t h = vn == 16 ? strtoull(v, NULL, 16) : 0;
      if (dpi_idmap_put(&sh->snapshot, term, h)) {
        rc = XC_ERR_NOMEM;
        xe.status = rc;
      }
    }
    free(v);
    xc_doc_free(doc);
  }
  xc_termit_free(it);
  if (rc < 0) {
    *fatal =
        dp_strfmt("cannot read %s: %s", sh->opt->index, xc_error_message(&xe));
    xc_error_clear(&xe);
    return -1;
  }
  return 0;
}

/* ---- entry point ---- */

static void report_walk(void *ctx, const char *msg) {
  fprintf((FILE *)ctx, "%s\n", msg);
}

int dpi_index_paths(const dpi_options *opt, const char *const *paths, size_t n,
                    dpi_summary *sum, FILE *err) {
  memset(sum, 0, sizeof *sum);
  shared *sh = calloc(1, sizeof *sh);
  if (!sh) {
    fprintf(err, "depeche-index: out of memory\n");
    return 2;
  }
  sh->opt = opt;
  sh->err = err;
  sh->sum = sum;
  clock_gettime(CLOCK_MONOTONIC, &sh->t0);
  pthread_mutex_init(&sh->mu, NULL);
  pthread_cond_init(&sh->cv_space, NULL);
  pthread_cond_init(&sh->cv_work, NULL);
  pthread_cond_init(&sh->cv_done, NULL);

  int status = 0;
  dpi_inputs ins = {0};
  size_t n_bad = 0;
  dp_tagger *tagger = NULL;
  dpi_builder **builders = NULL;
  worker_arg *args = NULL;
  pthread_t *tids = NULL, wtid;
  unsigned started = 0;
  int writer_started = 0;
  char *fatal = NULL;
  sigset_t old;

  if (dpi_walk(paths, n, &ins, report_walk, err, &n_bad)) {
    fatal = dp_strfmt("out of memory");
    goto done;
  }
  sum->rejected += n_bad;
  for (size_t i = 0; i < ins.n; i++)
    sh->disk_total += ins.v[i].size;

  sh->db = dpi_open_writable(opt->index, opt->no_sync, err);
  if (!sh->db) {
    status = 2;
    goto done;
  }
  if (opt->verbose) {
    fprintf(err, "depeche-index: opened %s for writing\n", opt->index);
    fflush(err);
  }
  dpi_clean_stale(opt->index);
  if (load_snapshot(sh, &fatal))
    goto done;
  char *terr = NULL;
  if (dp_tagger_new(&tagger, &terr)) {
    fatal =
        dp_strfmt("cannot load the entity tagger: %s", terr ? terr : "error");
    free(terr);
    goto done;
  }
  sh->tagger = tagger;

  unsigned jobs = opt->jobs ? opt->jobs : 1;
  uint32_t ndocs = 1;
  int from_stdin = 0;
  for (size_t i = 0; i < ins.n; i++)
    if (strcmp(ins.v[i].path, "-") == 0)
      from_stdin = 1;
  xc_db_doc_count(&ndocs, sh->db, NULL);
  /* a fresh build from files with several workers: parallel runs */
  sh->parallel = jobs >= 2 && ndocs == 0 && !from_stdin && ins.n > 0;
  /* DEPECHE_RUN_SIZE: a testing knob (small runs exercise the merge) */
  const char *rs = getenv("DEPECHE_RUN_SIZE");
  sh->chunk = rs && atoi(rs) > 0 ? (size_t)atoi(rs) : CHUNK;
  /* DEPECHE_CHECKPOINT: another (tests use checkpoints of a few articles) */
  const char *ck = getenv("DEPECHE_CHECKPOINT");
  sh->ck_min = ck && atoi(ck) > 0 ? (uint64_t)atoi(ck) : CHECKPOINT_MIN;
  sh->jobs = jobs;
  /* tiny test runs commit inside the run too, so that the tests cover it */
  sh->run_flush = sh->chunk >= 2 * RUN_FLUSH ? RUN_FLUSH
                  : sh->chunk >= 2           ? sh->chunk / 2
                                             : 1;
  sh->ring_n = sh->parallel ? (size_t)(jobs + 1) * sh->chunk : RING_MIN;
  if (sh->ring_n < RING_MIN)
    sh->ring_n = RING_MIN;
  sh->ring = calloc(sh->ring_n, sizeof *sh->ring);
  if (!sh->ring) {
    fatal = dp_strfmt("out of memory");
    goto done;
  }
  if (sh->parallel) {
    sh->tmpdir = dpi_tmpdir_next_to(opt->index);
    if (!sh->tmpdir) {
      fatal = dp_strfmt("cannot create a directory next to %s", opt->index);
      goto done;
    }
  }
  builders = calloc(jobs, sizeof *builders);
  args = calloc(jobs, sizeof *args);
  tids = calloc(jobs, sizeof *tids);
  if (!builders || !args || !tids) {
    fatal = dp_strfmt("out of memory");
    goto done;
  }
  for (unsigned i = 0; i < jobs; i++) {
    if (dpi_builder_new(&builders[i], tagger, &fatal))
      goto done;
    args[i].sh = sh;
    args[i].b = builders[i];
  }

  /* threads never take SIGINT/SIGTERM; the reader waits for them in
   * ppoll only */
  sigemptyset(&sh->stop_sigs);
  sigaddset(&sh->stop_sigs, SIGINT);
  sigaddset(&sh->stop_sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sh->stop_sigs, &old);
  sigset_t wait_mask = old;
  sigdelset(&wait_mask, SIGINT);
  sigdelset(&wait_mask, SIGTERM);

  if (pthread_create(&wtid, NULL, writer_main, sh) == 0)
    writer_started = 1;
  for (unsigned i = 0; i < jobs && writer_started; i++) {
    if (pthread_create(&tids[i], NULL,
                       sh->parallel ? run_worker_main : worker_main,
                       &args[i]) != 0)
      break;
    started++;
  }
  if (!writer_started || !started) {
    fatal = dp_strfmt("cannot start threads");
    pthread_mutex_lock(&sh->mu);
    sh->abort = 1;
    pthread_cond_broadcast(&sh->cv_done);
    pthread_mutex_unlock(&sh->mu);
  } else {
    read_all(sh, &ins, &wait_mask);
  }
  pthread_mutex_lock(&sh->mu);
  sh->reading_done = 1;
  pthread_cond_broadcast(&sh->cv_work);
  pthread_cond_broadcast(&sh->cv_done);
  pthread_mutex_unlock(&sh->mu);
  for (unsigned i = 0; i < started; i++)
    pthread_join(tids[i], NULL);
  if (writer_started)
    pthread_join(wtid, NULL);
  /* a signal that came during the final commit is taken now */
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (sh->fatal && !fatal) {
    fatal = sh->fatal;
    sh->fatal = NULL;
  }
  if (!fatal && opt->prune &&
      dpi_prune_db(sh->db, (const char *const *)ins.roots_abs, ins.n_roots,
                   &sum->removed, err) != 0)
    status = 2;
  if (!fatal && opt->prune && !status) {
    uint64_t zero = 0;
    if (commit(sh, &zero)) {
      fatal = sh->fatal;
      sh->fatal = NULL;
    }
  }
  if (*opt->stop)
    sum->interrupted = 1;

done:
  if (sh->db) {
    xc_error xe = XC_ERROR_INIT;
    if (xc_db_close(sh->db, &xe) && !fatal)
      fatal =
          dp_strfmt("cannot close %s: %s", opt->index, xc_error_message(&xe));
    xc_error_clear(&xe);
  }
  for (size_t i = 0; sh->ring && i < sh->ring_n; i++)
    unit_clear(&sh->ring[i]);
  free(sh->ring);
  if (sh->tmpdir)
    dpi_rm_rf(sh->tmpdir);
  free(sh->tmpdir);
  for (size_t i = 0; i < sh->n_del; i++)
    free(sh->del_qterm[i]);
  free(sh->del_qterm);
  free(sh->del_run);
  if (builders)
    for (unsigned i = 0; i < (opt->jobs ? opt->jobs : 1); i++)
      dpi_builder_free(builders[i]);
  free(builders);
  free(args);
  free(tids);
  dp_tagger_free(tagger);
  dpi_idmap_free(&sh->snapshot);
  sum->seconds = elapsed(&sh->t0);
  /* the text indexed (or rejected, or found unchanged), not what was read
   * ahead and left out after a signal */
  sum->bytes = sh->bytes_in - sh->bytes_left_out;
  if (fatal) {
    fprintf(err, "depeche-index: %s\n", fatal);
    free(fatal);
    status = 2;
  }
  free(sh->fatal);
  if (sum->interrupted && status != 2) {
    fprintf(err, "depeche-index: interrupted; %llu articles saved\n",
            (unsigned long long)(sum->added + sum->updated));
    status = 130;
  } else if (!status && sum->rejected) {
    status = 1;
  }
  dpi_inputs_free(&ins);
  pthread_mutex_destroy(&sh->mu);
  pthread_cond_destroy(&sh->cv_space);
  pthread_cond_destroy(&sh->cv_work);
  pthread_cond_destroy(&sh->cv_done);
  free(sh);
  return status;
}

void dpi_summary_print(const dpi_summary *s, int json, FILE *out) {
  double mbs = s->seconds > 0 ? s->bytes / 1e6 / s->seconds : 0;
  if (json) {
    fprintf(out,
            "{\"added\":%llu,\"updated\":%llu,\"unchanged\":%llu,"
            "\"removed\":%llu,\"rejected\":%llu,\"repaired\":%llu,"
            "\"undated\":%llu,\"bytes\":%llu,\"seconds\":%.3f,"
            "\"mb_per_s\":%.2f,\"interrupted\":%s}\n",
            (unsigned long long)s->added, (unsigned long long)s->updated,
            (unsigned long long)s->unchanged, (unsigned long long)s->removed,
            (unsigned long long)s->rejected, (unsigned long long)s->repaired,
            (unsigned long long)s->undated, (unsigned long long)s->bytes,
            s->seconds, mbs, s->interrupted ? "true" : "false");
  } else {
    fprintf(out,
            "%llu added, %llu updated, %llu unchanged, %llu removed, "
            "%llu rejected in %.1f s (%.1f MB/s)\n",
            (unsigned long long)s->added, (unsigned long long)s->updated,
            (unsigned long long)s->unchanged, (unsigned long long)s->removed,
            (unsigned long long)s->rejected, s->seconds, mbs);
  }
}
