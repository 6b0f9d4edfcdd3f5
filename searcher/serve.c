/* serve.c — the `depeche-search --serve` loop (see serve.h).
 *
 * Built only on the public API of depeche.h (dp_open, dp_search,
 * dp_results_json): what a script gets from --serve is exactly what a
 * program gets from libdepeche. Every line is read whole (getline, no
 * fixed buffer); every answer is one line, flushed before the next
 * request is read, so a client can talk to it as a coprocess.
 */
#include "serve.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"
#include "str.h"
#include "text.h"

/* One parsed request. */
typedef struct req {
  const char *query;   /* query text (borrowed from the line or the JSON) */
  dps_buf filters;     /* filters to pass (defaults' + request's) */
  json_t *id;          /* the request's "id" (borrowed from root) or NULL */
  dp_search_options o; /* options for dp_search */
} req;

/* Reads an integer member into *out, within [lo, hi]. */
static int get_int(const char *key, json_t *v, long long lo, long long hi,
                   long long *out, char **err) {
  if (!json_is_integer(v)) {
    *err = dp_strfmt("\"%s\" must be an integer", key);
    return -1;
  }
  long long x = json_integer_value(v);
  if (x < lo || x > hi) {
    *err = dp_strfmt("\"%s\" must be between %lld and %lld", key, lo, hi);
    return -1;
  }
  *out = x;
  return 0;
}

static int get_bool(const char *key, json_t *v, int *out, char **err) {
  if (!json_is_boolean(v)) {
    *err = dp_strfmt("\"%s\" must be true or false", key);
    return -1;
  }
  *out = json_is_true(v);
  return 0;
}

static const struct {
  const char *name;
  unsigned bit;
} facet_names[] = {{"source", DP_FACET_SOURCE},
                   {"month", DP_FACET_MONTH},
                   {"entity", DP_FACET_ENTITY}};

static int facet_bit(const char *name, unsigned *bits, char **err) {
  for (size_t i = 0; i < sizeof facet_names / sizeof facet_names[0]; i++)
    if (strcmp(name, facet_names[i].name) == 0) {
      *bits |= facet_names[i].bit;
      return 0;
    }
  *err = dp_strfmt("unknown facet \"%s\" (expected source, month or entity)",
                   name);
  return -1;
}

/* "facets": true | false | "source" | ["source", "month", ...] */
static int get_facets(json_t *v, unsigned *bits, char **err) {
  *bits = 0;
  if (json_is_boolean(v)) {
    if (json_is_true(v))
      *bits = DP_FACET_SOURCE | DP_FACET_MONTH | DP_FACET_ENTITY;
    return 0;
  }
  if (json_is_string(v))
    return facet_bit(json_string_value(v), bits, err);
  if (json_is_array(v)) {
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
      if (!json_is_string(e)) {
        *err = dp_strfmt("\"facets\" must list names (source, month, entity)");
        return -1;
      }
      if (facet_bit(json_string_value(e), bits, err) != 0)
        return -1;
    }
    return 0;
  }
  *err = dp_strfmt("\"facets\" must be true, false, a name or a list of names");
  return -1;
}

static int get_sort(json_t *v, dp_sort *out, char **err) {
  const char *s = json_is_string(v) ? json_string_value(v) : NULL;
  if (s && strcmp(s, "relevance") == 0)
    *out = DP_SORT_RELEVANCE;
  else if (s && strcmp(s, "date") == 0)
    *out = DP_SORT_DATE;
  else if (s && strcmp(s, "date-asc") == 0)
    *out = DP_SORT_DATE_ASC;
  else {
    *err =
        dp_strfmt("\"sort\" must be \"relevance\", \"date\" or \"date-asc\"");
    return -1;
  }
  return 0;
}

/* Filter fields accepted in a "filters" object; dates are passed as they
 * are, names are quoted so that "Le Monde" stays one value. */
static const struct {
  const char *name;
  int is_date;
} filter_fields[] = {{"source", 0}, {"entity", 0}, {"per", 0},
                     {"org", 0},    {"loc", 0},    {"misc", 0},
                     {"date", 1},   {"since", 1},  {"until", 1}};

/* Appends field:value to b, as the query language reads it. */
static int add_filter_value(dps_buf *b, const char *field, int is_date,
                            json_t *v, char **err) {
  char num[32];
  const char *s;
  if (json_is_string(v))
    s = json_string_value(v);
  else if (is_date && json_is_integer(v)) {
    snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
    s = num;
  } else {
    *err =
        dp_strfmt("filter \"%s\" must be a string or a list of strings", field);
    return -1;
  }
  if (!*s) {
    *err = dp_strfmt("filter \"%s\" is empty", field);
    return -1;
  }
  dps_buf_printf(b, "%s:", field);
  if (is_date) {
    for (const char *p = s; *p; p++)
      if (*p == ' ' || *p == '\t' || *p == '"' || *p == '(' || *p == ')') {
        *err = dp_strfmt("filter \"%s\": \"%s\" is not a date or a date range",
                         field, s);
        return -1;
      }
    dps_buf_puts(b, s);
    return 0;
  }
  /* Quote the name; quotation marks inside it would end the phrase, so
   * they become spaces (they never matter to matching). */
  dps_buf_putc(b, '"');
  const unsigned char *u = (const unsigned char *)s;
  size_t n = strlen(s);
  for (size_t i = 0; i < n;) {
    size_t q = 0;
    if (u[i] == '"')
      q = 1;
    else if (u[i] == 0xc2 && i + 1 < n &&
             (u[i + 1] == 0xab || u[i + 1] == 0xbb))
      q = 2;
    else if (u[i] == 0xe2 && i + 2 < n && u[i + 1] == 0x80 &&
             (u[i + 2] == 0x9c || u[i + 2] == 0x9d || u[i + 2] == 0x9e))
      q = 3;
    if (q) {
      dps_buf_putc(b, ' ');
      i += q;
    } else {
      dps_buf_putc(b, (char)u[i]);
      i++;
    }
  }
  dps_buf_putc(b, '"');
  return 0;
}

/* "filters": "query text" | {"source": "afp", "entity": ["a", "b"], ...}:
 * members are ANDed, the values of a list ORed. */
static int get_filters(json_t *v, dps_buf *b, char **err) {
  if (json_is_string(v)) {
    if (b->len)
      dps_buf_putc(b, ' ');
    dps_buf_puts(b, json_string_value(v));
    return 0;
  }
  if (!json_is_object(v)) {
    *err = dp_strfmt("\"filters\" must be a string or an object");
    return -1;
  }
  const char *key;
  json_t *val;
  json_object_foreach(v, key, val) {
    int is_date = -1;
    for (size_t i = 0; i < sizeof filter_fields / sizeof filter_fields[0]; i++)
      if (strcmp(key, filter_fields[i].name) == 0)
        is_date = filter_fields[i].is_date;
    if (is_date < 0) {
      *err =
          dp_strfmt("unknown filter \"%s\" (expected source, entity, per, org, "
                    "loc, misc, date, since or until)",
                    key);
      return -1;
    }
    if (b->len)
      dps_buf_putc(b, ' ');
    if (json_is_array(val)) {
      if (json_array_size(val) == 0) {
        *err = dp_strfmt("filter \"%s\" is an empty list", key);
        return -1;
      }
      dps_buf_putc(b, '(');
      size_t i;
      json_t *e;
      json_array_foreach(val, i, e) {
        if (i)
          dps_buf_puts(b, " OR ");
        if (add_filter_value(b, key, is_date, e, err) != 0)
          return -1;
      }
      dps_buf_putc(b, ')');
    } else if (add_filter_value(b, key, is_date, val, err) != 0)
      return -1;
  }
  return 0;
}

/* Applies one member of a JSON request. */
static int apply_member(req *r, const char *key, json_t *v, char **err) {
  long long x;
  dp_search_options *o = &r->o;
  if (strcmp(key, "query") == 0) {
    if (!json_is_string(v)) {
      *err = dp_strfmt("\"query\" must be a string");
      return -1;
    }
    r->query = json_string_value(v);
    return 0;
  }
  if (strcmp(key, "id") == 0) {
    r->id = v;
    return 0;
  }
  if (strcmp(key, "limit") == 0) {
    if (get_int(key, v, 0, INT_MAX, &x, err) != 0)
      return -1;
    o->limit = (int)x;
    return 0;
  }
  if (strcmp(key, "offset") == 0) {
    if (get_int(key, v, 0, INT_MAX, &x, err) != 0)
      return -1;
    o->offset = (int)x;
    return 0;
  }
  if (strcmp(key, "sort") == 0)
    return get_sort(v, &o->sort, err);
  if (strcmp(key, "filters") == 0)
    return get_filters(v, &r->filters, err);
  if (strcmp(key, "facets") == 0)
    return get_facets(v, &o->facets, err);
  if (strcmp(key, "facet_limit") == 0) {
    if (get_int(key, v, 0, 100000, &x, err) != 0)
      return -1;
    o->facet_limit = (unsigned)x;
    return 0;
  }
  if (strcmp(key, "snippet_passages") == 0) {
    if (get_int(key, v, 1, 16, &x, err) != 0)
      return -1;
    o->snippet_passages = (unsigned)x;
    return 0;
  }
  if (strcmp(key, "snippet_chars") == 0) {
    if (get_int(key, v, 20, 100000, &x, err) != 0)
      return -1;
    o->snippet_chars = (unsigned)x;
    return 0;
  }
  if (strcmp(key, "snippets") == 0)
    return get_bool(key, v, &o->snippets, err);
  if (strcmp(key, "recent") == 0)
    return get_bool(key, v, &o->recent, err);
  if (strcmp(key, "exact_total") == 0)
    return get_bool(key, v, &o->exact_total, err);
  if (strcmp(key, "relax") == 0 || strcmp(key, "suggest") == 0) {
    int b;
    if (get_bool(key, v, &b, err) != 0)
      return -1;
    if (key[0] == 'r')
      o->no_relax = !b;
    else
      o->no_suggest = !b;
    return 0;
  }
  *err = dp_strfmt("unknown member \"%s\" in the request", key);
  return -1;
}

/* Parses a JSON request line into r; *root receives the parsed document
 * (r borrows from it). */
static int parse_json_request(req *r, json_t **root, const char *line,
                              size_t len, char **err) {
  json_error_t je;
  *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
  if (!*root) {
    *err =
        dp_strfmt("invalid JSON request at column %d: %s", je.column, je.text);
    return -1;
  }
  if (!json_is_object(*root)) {
    *err = dp_strfmt("a request must be a JSON object or a bare query");
    return -1;
  }
  /* "id" first, so that even a request rejected later is answered with
   * its id. */
  json_t *id = json_object_get(*root, "id");
  if (id)
    r->id = id;
  int have_query = 0;
  const char *key;
  json_t *v;
  json_object_foreach(*root, key, v) {
    if (apply_member(r, key, v, err) != 0)
      return -1;
    if (strcmp(key, "query") == 0)
      have_query = 1;
  }
  if (!have_query) {
    if (!r->filters.len) {
      *err = dp_strfmt("the request has no \"query\" (nor \"filters\")");
      return -1;
    }
    r->query = "";
  }
  return 0;
}

/* Writes s and a newline, flushes. Returns 0 or -1 on a write error. */
static int put_line(FILE *out, const char *s) {
  fputs(s, out);
  fputc('\n', out);
  return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}

/* {"id":...,"error":"...","line":N} on one line. */
static int put_error(FILE *out, json_t *id, const char *msg,
                     unsigned long lineno) {
  char *fixed = dp_utf8_repair(msg ? msg : "out of memory",
                               strlen(msg ? msg : "out of memory"), NULL);
  json_t *o = json_object();
  char *s = NULL;
  if (o && fixed) {
    if (id)
      json_object_set(o, "id", id);
    json_object_set_new(o, "error", json_string(fixed));
    json_object_set_new(o, "line", json_integer((json_int_t)lineno));
    s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER |
                          JSON_REAL_PRECISION(10));
  }
  int rc = put_line(out, s ? s : "{\"error\":\"out of memory\"}");
  free(s);
  json_decref(o);
  free(fixed);
  return rc;
}

/* Writes the answer JSON with "id" spliced in as its first member. */
static int put_answer(FILE *out, json_t *id, const char *json) {
  if (!id || json[0] != '{')
    return put_line(out, json);
  char *ids =
      json_dumps(id, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
  if (!ids)
    return put_line(out, json);
  fputs("{\"id\":", out);
  fputs(ids, out);
  if (json[1] != '}')
    fputc(',', out);
  free(ids);
  return put_line(out, json + 1);
}

/* Answers one request line (without its newline). Returns 0, or -1 when
 * the answer could not be written. */
static int answer(dp_index *ix, const dp_search_options *defaults,
                  const char *line, size_t len, unsigned long lineno,
                  FILE *out) {
  req r = {0};
  r.o = *defaults;
  json_t *root = NULL;
  char *err = NULL;
  int rc, bad = 0;
  if (defaults->filters && *defaults->filters)
    dps_buf_puts(&r.filters, defaults->filters);

  size_t i = 0;
  while (i < len && (line[i] == ' ' || line[i] == '\t'))
    i++;
  if (memchr(line, '\0', len))
    err = dp_strfmt("the request contains a NUL byte");
  else if (!dp_utf8_valid(line, len))
    err = dp_strfmt("the request is not valid UTF-8");
  else if (i == len)
    err = dp_strfmt("empty request");
  else if (line[i] == '{')
    bad = parse_json_request(&r, &root, line, len, &err) != 0;
  else
    r.query = line;
  if (!err && r.filters.oom)
    err = dp_strfmt("out of memory");

  if (bad || err || !r.query) { /* (err is NULL if even it failed) */
    rc = put_error(out, r.id, err, lineno);
  } else {
    r.o.filters = r.filters.len ? r.filters.s : NULL;
    dp_results *res = NULL;
    if (dp_search(&res, ix, r.query, &r.o, &err) != 0) {
      rc = put_error(out, r.id, err ? err : "search failed", lineno);
    } else {
      char *json = dp_results_json(res);
      rc = json ? put_answer(out, r.id, json)
                : put_error(out, r.id, "out of memory", lineno);
      dp_free(json);
      dp_results_free(res);
    }
  }
  free(err);
  json_decref(root);
  dps_buf_free(&r.filters);
  return rc;
}

int dps_serve(const char *index_path, const dp_search_options *defaults,
              FILE *in, FILE *out, FILE *err) {
  dp_search_options def = DP_SEARCH_OPTIONS_INIT;
  if (defaults)
    def = *defaults;
  char *msg = NULL;
  dp_index *ix = dp_open(index_path, &msg);
  if (!ix) {
    fprintf(err, "depeche-search --serve: %s\n",
            msg ? msg : "cannot open the index");
    dp_free(msg);
    return 2;
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  unsigned long lineno = 0;
  int rc = 0;
  errno = 0;
  while ((n = getline(&line, &cap, in)) >= 0) {
    lineno++;
    size_t len = (size_t)n;
    if (len && line[len - 1] == '\n')
      len--;
    if (len && line[len - 1] == '\r')
      len--;
    line[len] = '\0';
    if (answer(ix, &def, line, len, lineno, out) != 0) {
      fprintf(err,
              "depeche-search --serve: cannot write the answer to line "
              "%lu: %s\n",
              lineno, strerror(errno ? errno : EIO));
      rc = 2;
      break;
    }
    errno = 0;
  }
  if (rc == 0 && ferror(in)) {
    fprintf(err, "depeche-search --serve: read error after line %lu: %s\n",
            lineno, strerror(errno ? errno : EIO));
    rc = 2;
  }
  free(line);
  dp_close(ix);
  return rc;
}
