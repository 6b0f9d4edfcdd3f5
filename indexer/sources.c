/* sources.c — where articles come from: walking files and directories, and
 * reading them as byte streams (plain or gzip, files or stdin) without
 * ever holding a whole .gz in memory. */
#define _GNU_SOURCE /* ppoll */
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "dpi.h"

/* ---- walking ---- */

static int ends_with(const char *s, size_t n, const char *suf) {
  size_t k = strlen(suf);
  return n >= k && strncasecmp(s + n - k, suf, k) == 0;
}

/* Format from the file name; *gz set when it ends in .gz. */
static dpi_format format_of(const char *name, int *gz) {
  size_t n = strlen(name);
  *gz = 0;
  if (ends_with(name, n, ".gz")) {
    *gz = 1;
    n -= 3;
  }
  if (ends_with(name, n, ".txt") || ends_with(name, n, ".text"))
    return DPI_FMT_TEXT;
  if (ends_with(name, n, ".md") || ends_with(name, n, ".markdown"))
    return DPI_FMT_MARKDOWN;
  if (ends_with(name, n, ".jsonl") || ends_with(name, n, ".ndjson"))
    return DPI_FMT_JSONL;
  if (ends_with(name, n, ".json"))
    return DPI_FMT_JSON;
  return DPI_FMT_UNKNOWN;
}

typedef struct walker {
  dpi_inputs *out;
  void (*report)(void *, const char *);
  void *ctx;
  size_t *n_bad;
  struct {
    dev_t dev;
    ino_t ino;
  } * seen; /* directories entered (symlink loops) */
  size_t n_seen, cap_seen;
  int oom;
} walker;

static void report(walker *w, char *msg) {
  if (!msg) {
    w->oom = 1;
    return;
  }
  w->report(w->ctx, msg);
  free(msg);
  (*w->n_bad)++;
}

static int add_input(walker *w, const char *path, const char *abspath,
                     const char *rel, dpi_format fmt, int gz, uint64_t size) {
  dpi_inputs *o = w->out;
  if (o->n == o->cap) {
    size_t cap = o->cap ? o->cap * 2 : 64;
    dpi_input *v = realloc(o->v, cap * sizeof *v);
    if (!v)
      return -1;
    o->v = v;
    o->cap = cap;
  }
  dpi_input *in = &o->v[o->n];
  in->path = dpi_strdup0(path);
  in->abspath = dpi_strdup0(abspath);
  in->rel = dpi_strdup0(rel);
  in->fmt = fmt;
  in->gz = gz;
  in->size = size;
  o->n++;
  if (!in->path || !in->abspath || !in->rel)
    return -1;
  return 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_dir(walker *w, const char *path, const char *abspath,
                    const char *rel, const struct stat *st) {
  for (size_t i = 0; i < w->n_seen; i++)
    if (w->seen[i].dev == st->st_dev && w->seen[i].ino == st->st_ino)
      return 0; /* a symlink loop or a second way to the same directory */
  if (w->n_seen == w->cap_seen) {
    size_t cap = w->cap_seen ? w->cap_seen * 2 : 16;
    void *p = realloc(w->seen, cap * sizeof *w->seen);
    if (!p)
      return -1;
    w->seen = p;
    w->cap_seen = cap;
  }
  w->seen[w->n_seen].dev = st->st_dev;
  w->seen[w->n_seen].ino = st->st_ino;
  w->n_seen++;

  DIR *d = opendir(path);
  if (!d) {
    report(w,
           dp_strfmt("%s: cannot open directory: %s", path, strerror(errno)));
    return w->oom ? -1 : 0;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  int rc = 0;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue; /* hidden, . and .. */
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      char **p = realloc(names, cap * sizeof *names);
      if (!p) {
        rc = -1;
        break;
      }
      names = p;
    }
    if (!(names[n] = dpi_strdup0(e->d_name))) {
      rc = -1;
      break;
    }
    n++;
  }
  closedir(d);
  if (!rc && n)
    qsort(names, n, sizeof *names, cmp_str);
  for (size_t i = 0; i < n && !rc; i++) {
    const char *sep = path[strlen(path) - 1] == '/' ? "" : "/";
    char *cpath = dp_strfmt("%s%s%s", path, sep, names[i]);
    char *cabs = dp_strfmt("%s/%s", abspath, names[i]);
    char *crel =
        *rel ? dp_strfmt("%s/%s", rel, names[i]) : dpi_strdup0(names[i]);
    struct stat cst;
    if (!cpath || !cabs || !crel) {
      rc = -1;
    } else if (stat(cpath, &cst) != 0) {
      /* dangling symlinks are skipped silently, like hidden files */
      if (errno != ENOENT && errno != ELOOP)
        report(w, dp_strfmt("%s: %s", cpath, strerror(errno)));
    } else if (S_ISDIR(cst.st_mode)) {
      rc = walk_dir(w, cpath, cabs, crel, &cst);
    } else if (S_ISREG(cst.st_mode)) {
      int gz;
      dpi_format f = format_of(names[i], &gz);
      if (f != DPI_FMT_UNKNOWN)
        rc = add_input(w, cpath, cabs, crel, f, gz, (uint64_t)cst.st_size);
    }
    free(cpath);
    free(cabs);
    free(crel);
    if (w->oom)
      rc = -1;
  }
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
  return rc;
}

static char *absolute(const char *path) {
  char *r = realpath(path, NULL);
  if (r)
    return r;
  if (path[0] == '/')
    return dpi_strdup0(path);
  char *cwd = getcwd(NULL, 0);
  if (!cwd)
    return NULL;
  char *a = dp_strfmt("%s/%s", cwd, path);
  free(cwd);
  return a;
}

static int add_root(dpi_inputs *o, const char *abs) {
  char **r = realloc(o->roots_abs, (o->n_roots + 1) * sizeof *r);
  if (!r)
    return -1;
  o->roots_abs = r;
  if (!(r[o->n_roots] = dpi_strdup0(abs)))
    return -1;
  o->n_roots++;
  return 0;
}

int dpi_walk(const char *const *paths, size_t n, dpi_inputs *out,
             void (*rep)(void *ctx, const char *msg), void *ctx,
             size_t *n_bad) {
  walker w = {out, rep, ctx, n_bad, NULL, 0, 0, 0};
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    const char *p = paths[i];
    if (strcmp(p, "-") == 0) {
      rc = add_input(&w, "-", "", "stdin", DPI_FMT_UNKNOWN, 0, 0);
      continue;
    }
    struct stat st;
    if (stat(p, &st) != 0) {
      report(&w, dp_strfmt("%s: %s", p, strerror(errno)));
      if (w.oom)
        rc = -1;
      continue;
    }
    char *abs = absolute(p);
    if (!abs) {
      rc = -1;
      break;
    }
    if (S_ISDIR(st.st_mode)) {
      rc = add_root(out, abs);
      if (!rc)
        rc = walk_dir(&w, p, abs, "", &st);
    } else {
      /* a file named explicitly: any extension (sniffed when unknown);
       * its id fallback is its name, as when found in its directory */
      int gz;
      const char *base = strrchr(p, '/');
      base = base ? base + 1 : p;
      dpi_format f = format_of(base, &gz);
      rc = add_root(out, abs);
      if (!rc)
        rc = add_input(&w, p, abs, base, f, gz, (uint64_t)st.st_size);
    }
    free(abs);
  }
  free(w.seen);
  return rc || w.oom ? -1 : 0;
}

void dpi_inputs_free(dpi_inputs *in) {
  for (size_t i = 0; i < in->n; i++) {
    free(in->v[i].path);
    free(in->v[i].abspath);
    free(in->v[i].rel);
  }
  free(in->v);
  for (size_t i = 0; i < in->n_roots; i++)
    free(in->roots_abs[i]);
  free(in->roots_abs);
  memset(in, 0, sizeof *in);
}

/* ---- streams ---- */

#define DPI_CHUNK (256 * 1024)

struct dpi_stream {
  int fd;            /* file descriptor (owned unless stdin) */
  int own_fd;        /* close fd at the end */
  int gz;            /* input is gzip */
  z_stream zs;       /* inflater when gz */
  unsigned char *in; /* compressed input buffer */
  size_t in_n;       /* bytes of in not yet consumed are zs.next_in.. */
  char *buf;         /* decompressed bytes */
  size_t start;      /* first unread byte of buf */
  size_t end;        /* bytes in buf */
  size_t cap;        /* allocated */
  int eof;           /* no more input */
  int err;           /* an error was reported */
  int interrupted;   /* read() got EINTR */
  int zstarted;      /* inflate initialised */
  uint64_t out_bytes, disk_bytes;
  size_t lineno;
  char *path;                  /* for messages */
  char *errmsg;                /* the first error, repeated to later calls */
  volatile sig_atomic_t *stop; /* stop flag set by a signal handler */
  sigset_t mask;               /* signal mask while waiting for input */
  size_t max;                  /* longest line / whole read; 0 = no limit */
};

void dpi_stream_set_limit(dpi_stream *s, size_t max) {
  s->max = max;
}

void dpi_stream_set_interrupt(dpi_stream *s, volatile sig_atomic_t *stop,
                              const sigset_t *mask) {
  s->stop = stop;
  if (mask)
    s->mask = *mask;
}

/* Records the stream's error (msg malloc'd, owned by the stream) and
 * gives the caller a copy. Returns -1. */
static int fail(dpi_stream *s, char **err, char *msg) {
  if (!s->errmsg)
    s->errmsg = msg ? msg : dp_strfmt("out of memory");
  else
    free(msg);
  s->err = 1;
  *err = dpi_strdup0(s->errmsg ? s->errmsg : "out of memory");
  return -1;
}

int dpi_stream_open(dpi_stream **out, const char *path, char **err) {
  *out = NULL;
  dpi_stream *s = calloc(1, sizeof *s);
  if (!s)
    goto oom;
  s->path = dpi_strdup0(path);
  if (!s->path)
    goto oom;
  if (strcmp(path, "-") == 0) {
    s->fd = 0;
  } else {
    s->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (s->fd < 0) {
      *err = dp_strfmt("cannot open: %s", strerror(errno));
      free(s->path);
      free(s);
      return -1;
    }
    s->own_fd = 1;
  }
  s->cap = DPI_CHUNK * 2;
  s->buf = malloc(s->cap);
  s->in = malloc(DPI_CHUNK);
  if (!s->buf || !s->in) {
    dpi_stream_close(s);
    goto oom;
  }
  s->gz = -1; /* unknown until the first bytes */
  *out = s;
  return 0;
oom:
  if (s)
    free(s->path);
  free(s);
  *err = dp_strfmt("out of memory");
  return -1;
}

/* Reads raw bytes into s->in. Returns bytes read, 0 at end, -1 error. */
static ssize_t raw_read(dpi_stream *s, char **err) {
  if (s->stop) {
    /* the signals are let in only here, so that a read blocked on a pipe
     * or a terminal is interrupted and nothing is lost in a race */
    struct pollfd pfd = {s->fd, POLLIN, 0};
    int r = ppoll(&pfd, 1, NULL, &s->mask);
    if ((r < 0 && errno == EINTR) || *s->stop) {
      s->interrupted = 1;
      return 0;
    }
  }
  for (;;) {
    ssize_t r = read(s->fd, s->in, DPI_CHUNK);
    if (r >= 0) {
      s->disk_bytes += (uint64_t)r;
      return r;
    }
    if (errno == EINTR) {
      s->interrupted = 1;
      return 0;
    }
    *err = dp_strfmt("read error: %s", strerror(errno));
    return -1;
  }
}

/* Makes room and appends more decompressed bytes to buf. Returns 1 when
 * bytes were added, 0 at end, -1 on error. */
static int fill(dpi_stream *s, char **err) {
  if (s->err)
    return fail(s, err, NULL);
  if (s->eof)
    return 0;
  if (s->start > 0) { /* move the unread part to the front */
    memmove(s->buf, s->buf + s->start, s->end - s->start);
    s->end -= s->start;
    s->start = 0;
  }
  if (s->cap - s->end < DPI_CHUNK) {
    size_t cap = s->cap * 2;
    char *b = realloc(s->buf, cap);
    if (!b)
      return fail(s, err, dp_strfmt("out of memory"));
    s->buf = b;
    s->cap = cap;
  }
  for (;;) {
    if (s->gz != 1 || s->zs.avail_in == 0) {
      char *rerr = NULL;
      ssize_t r = raw_read(s, &rerr);
      if (r < 0)
        return fail(s, err, rerr);
      if (r == 0) {
        s->eof = 1;
        if (s->gz == 1 && s->zstarted == 1 && !s->interrupted)
          return fail(s, err, dp_strfmt("truncated gzip data"));
        return 0;
      }
      if (s->gz == -1)
        s->gz = r >= 2 && s->in[0] == 0x1f && s->in[1] == 0x8b ? 1 : 0;
      if (s->gz == 0) {
        memcpy(s->buf + s->end, s->in, (size_t)r);
        s->end += (size_t)r;
        s->out_bytes += (uint64_t)r;
        return 1;
      }
      s->zs.next_in = s->in;
      s->zs.avail_in = (uInt)r;
    }
    if (s->zstarted != 1) {
      if (s->zstarted == 0) {
        if (inflateInit2(&s->zs, 15 + 16) != Z_OK)
          return fail(s, err, dp_strfmt("out of memory"));
      } else {
        inflateReset(&s->zs); /* next member of a multi-member gzip */
      }
      s->zstarted = 1;
    }
    s->zs.next_out = (unsigned char *)s->buf + s->end;
    s->zs.avail_out = (uInt)(s->cap - s->end);
    int zr = inflate(&s->zs, Z_NO_FLUSH);
    size_t got = (s->cap - s->end) - s->zs.avail_out;
    s->end += got;
    s->out_bytes += got;
    if (zr == Z_STREAM_END) {
      s->zstarted = 2;
    } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
      return fail(
          s, err,
          dp_strfmt("corrupt gzip data: %s", s->zs.msg ? s->zs.msg : "error"));
    }
    if (got)
      return 1;
  }
}

/* The rest of a line longer than s->max: drops what is buffered and reads
 * on to the end of the line (or of the input) without keeping it. Returns
 * 2 with *len = the line's length, or -1 on a read error. */
static int skip_long_line(dpi_stream *s, size_t *len, size_t *lineno,
                          char **err) {
  size_t n = 0;
  for (;;) {
    char *nl = memchr(s->buf + s->start, '\n', s->end - s->start);
    if (nl) {
      n += (size_t)(nl - (s->buf + s->start));
      s->start = (size_t)(nl - s->buf) + 1;
      break;
    }
    n += s->end - s->start;
    s->start = s->end;
    int r = fill(s, err);
    if (r < 0)
      return -1;
    if (r == 0)
      break;
  }
  *len = n;
  *lineno = ++s->lineno;
  return 2;
}

int dpi_stream_getline(dpi_stream *s, const char **line, size_t *len,
                       size_t *lineno, char **err) {
  size_t scan = s->start;
  for (;;) {
    char *nl = memchr(s->buf + scan, '\n', s->end - scan);
    if (nl) {
      size_t n = (size_t)(nl - (s->buf + s->start));
      if (s->max && n > s->max) {
        *line = NULL;
        s->start += n + 1;
        *len = n;
        *lineno = ++s->lineno;
        return 2;
      }
      *line = s->buf + s->start;
      s->start += n + 1;
      if (n && (*line)[n - 1] == '\r')
        n--;
      *len = n;
      *lineno = ++s->lineno;
      return 1;
    }
    size_t have = s->end - s->start;
    if (s->max && have > s->max) {
      *line = NULL;
      return skip_long_line(s, len, lineno, err);
    }
    int r = fill(s, err);
    if (r < 0)
      return -1;
    scan = s->start + have;
    if (r == 0) {
      if (s->end == s->start)
        return 0;
      *len = s->end - s->start;
      if (s->max && *len > s->max) {
        *line = NULL;
        s->start = s->end;
        *lineno = ++s->lineno;
        return 2;
      }
      *line = s->buf + s->start; /* a last line without "\n" */
      if (*len && (*line)[*len - 1] == '\r')
        (*len)--;
      s->start = s->end;
      *lineno = ++s->lineno;
      return 1;
    }
  }
}

int dpi_stream_read_all(dpi_stream *s, char **data, size_t *len, char **err) {
  int r;
  while ((r = fill(s, err)) > 0) {
    if (s->max && s->end - s->start > s->max) {
      char lim[32];
      dpi_format_size(s->max, lim);
      *err = dp_strfmt("file too large: more than %s (see --max-size)", lim);
      return -1;
    }
  }
  if (r < 0)
    return -1;
  size_t n = s->end - s->start;
  char *d = malloc(n + 1);
  if (!d) {
    *err = dp_strfmt("out of memory");
    return -1;
  }
  memcpy(d, s->buf + s->start, n);
  d[n] = 0;
  s->start = s->end;
  *data = d;
  *len = n;
  return 0;
}

int dpi_stream_peek(dpi_stream *s) {
  char *err = NULL;
  size_t i = s->start;
  for (;;) {
    for (; i < s->end; i++) {
      unsigned char c = (unsigned char)s->buf[i];
      if (c == 0xEF && i + 2 < s->end && (unsigned char)s->buf[i + 1] == 0xBB)
        i += 2; /* a BOM */
      else if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
        return c;
    }
    size_t off = i - s->start;
    int r = fill(s, &err);
    free(err); /* the error is reported again by the next read */
    err = NULL;
    if (r <= 0)
      return -1;
    i = s->start + off;
  }
}

uint64_t dpi_stream_bytes(const dpi_stream *s) {
  return s->out_bytes;
}

size_t dpi_stream_capacity(const dpi_stream *s) {
  return s->cap;
}

uint64_t dpi_stream_disk_bytes(const dpi_stream *s) {
  return s->disk_bytes;
}

int dpi_stream_interrupted(const dpi_stream *s) {
  return s->interrupted;
}

void dpi_stream_close(dpi_stream *s) {
  if (!s)
    return;
  if (s->own_fd)
    close(s->fd);
  if (s->zstarted)
    inflateEnd(&s->zs);
  free(s->buf);
  free(s->in);
  free(s->path);
  free(s->errmsg);
  free(s);
}
