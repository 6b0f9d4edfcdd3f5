/* readers.c — bytes to dpi_article: text files with an optional header
 * block or title line, JSON objects, JSON Lines; dates; UTF-8 repair and
 * binary detection. No I/O here (see sources.c). */
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "dpi.h"

void dpi_article_clear(dpi_article *a) {
  free(a->id);
  free(a->title);
  free(a->date);
  free(a->source);
  free(a->url);
  free(a->author);
  free(a->lang);
  free(a->lead);
  free(a->body);
  free(a->bad_date);
  memset(a, 0, sizeof *a);
}

/* ---- UTF-8 ---- */

size_t dpi_utf8_repair(char **s, size_t *len) {
  const unsigned char *p = (const unsigned char *)*s;
  size_t n = *len, i = 0, bad = 0;
  /* fast path: find the first invalid sequence */
  while (i < n) {
    if (p[i] < 0x80) {
      i++;
      continue;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t k =
        utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
    if (k < 0)
      break;
    i += (size_t)k;
  }
  if (i == n)
    return 0;
  dpi_str out = {0};
  if (dpi_str_add(&out, *s, i))
    return (size_t)-1;
  while (i < n) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k =
        p[i] < 0x80 ? 1
                    : utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
    if (k < 0) {
      bad++;
      if (dpi_str_add(&out, "\xEF\xBF\xBD", 3))
        goto oom;
      i++;
      /* skip continuation bytes of the same broken sequence */
      while (i < n && (p[i] & 0xc0) == 0x80)
        i++;
    } else {
      if (dpi_str_add(&out, (const char *)p + i, (size_t)k))
        goto oom;
      i += (size_t)k;
    }
  }
  free(*s);
  *s = out.p;
  *len = out.n;
  return bad;
oom:
  dpi_str_free(&out);
  return (size_t)-1;
}

int dpi_looks_binary(const char *data, size_t len) {
  const unsigned char *p = (const unsigned char *)data;
  size_t n = len < 8192 ? len : 8192, bad = 0, i = 0;
  if (memchr(p, 0, n))
    return 1;
  while (i < n) {
    if (p[i] < 0x80) {
      if (p[i] < 0x20 && p[i] != '\n' && p[i] != '\r' && p[i] != '\t' &&
          p[i] != '\f')
        bad++;
      i++;
      continue;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t k =
        utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
    if (k < 0) {
      /* a sequence cut by the 8 KiB window is not an error */
      if (n - i < 4 && n < len)
        break;
      bad++;
      i++;
    } else {
      i += (size_t)k;
    }
  }
  /* more than 10% junk bytes cannot be repaired into text */
  return n && bad * 10 > n;
}

/* ---- dates ---- */

static int days_in_month(int y, int m) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return d[m - 1];
}

static int set_date(int y, int m, int d, char out[11]) {
  if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 ||
      d > days_in_month(y, m))
    return -1;
  out[0] = (char)('0' + y / 1000);
  out[1] = (char)('0' + y / 100 % 10);
  out[2] = (char)('0' + y / 10 % 10);
  out[3] = (char)('0' + y % 10);
  out[4] = '-';
  out[5] = (char)('0' + m / 10);
  out[6] = (char)('0' + m % 10);
  out[7] = '-';
  out[8] = (char)('0' + d / 10);
  out[9] = (char)('0' + d % 10);
  out[10] = 0;
  return 0;
}

static int read_num(const char **s, int maxdigits, int *v) {
  int n = 0, x = 0;
  while (n < maxdigits && isdigit((unsigned char)**s)) {
    x = x * 10 + (**s - '0');
    (*s)++;
    n++;
  }
  *v = x;
  return n;
}

static int month_from_name(const char *s, size_t *used) {
  /* French names and English names or abbreviations (RFC 2822), as whole
   * words */
  static const struct {
    const char *name;
    int m;
  } names[] = {
      {"janvier", 1},   {"fevrier", 2},   {"février", 2},   {"mars", 3},
      {"avril", 4},     {"mai", 5},       {"juin", 6},      {"juillet", 7},
      {"aout", 8},      {"août", 8},      {"septembre", 9}, {"octobre", 10},
      {"novembre", 11}, {"decembre", 12}, {"décembre", 12}, {"january", 1},
      {"february", 2},  {"march", 3},     {"april", 4},     {"may", 5},
      {"june", 6},      {"july", 7},      {"august", 8},    {"september", 9},
      {"october", 10},  {"november", 11}, {"december", 12}, {"jan", 1},
      {"feb", 2},       {"mar", 3},       {"apr", 4},       {"jun", 6},
      {"jul", 7},       {"aug", 8},       {"sep", 9},       {"sept", 9},
      {"oct", 10},      {"nov", 11},      {"dec", 12},      {"déc", 12},
      {"fév", 2},       {"janv", 1},      {"févr", 2},      {"avr", 4},
      {"juil", 7}};
  size_t k = 0;
  while (isalpha((unsigned char)s[k]) || (unsigned char)s[k] >= 0x80)
    k++;
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    if (strlen(names[i].name) == k && strncasecmp(s, names[i].name, k) == 0) {
      *used = k;
      return names[i].m;
    }
  }
  return 0;
}

int dpi_parse_date(const char *s, char out[11]) {
  int y, m, d;
  while (*s == ' ' || *s == '\t')
    s++;
  const char *p = s;
  /* ISO 8601: YYYY-MM-DD, optionally followed by T/space/time; or
   * YYYYMMDD */
  if (read_num(&p, 4, &y) == 4) {
    if (*p == '-') {
      p++;
      if (read_num(&p, 2, &m) != 2 || *p++ != '-' || read_num(&p, 2, &d) != 2)
        return -1;
    } else {
      if (read_num(&p, 2, &m) != 2 || read_num(&p, 2, &d) != 2)
        return -1;
    }
    if (*p && *p != 'T' && *p != 't' && *p != ' ' && *p != 'Z' && *p != '+')
      return -1;
    return set_date(y, m, d, out);
  }
  p = s;
  /* dd/mm/yyyy or dd.mm.yyyy */
  if (read_num(&p, 2, &d) >= 1 && (*p == '/' || *p == '.')) {
    char sep = *p++;
    if (read_num(&p, 2, &m) < 1 || *p++ != sep || read_num(&p, 4, &y) != 4)
      return -1;
    return set_date(y, m, d, out);
  }
  /* RFC 2822 "Thu, 02 Jul 2020 10:00:00 +0200" and French "jeudi 2
   * juillet 2020", "1er juillet 2020": skip a leading day name */
  p = s;
  while (isalpha((unsigned char)*p) || (unsigned char)*p >= 0x80)
    p++;
  if (p != s) {
    if (*p == ',')
      p++;
    while (*p == ' ')
      p++;
  } else {
    p = s;
  }
  if (read_num(&p, 2, &d) < 1)
    return -1;
  if (strncmp(p, "er", 2) == 0)
    p += 2;
  while (*p == ' ')
    p++;
  size_t used;
  m = month_from_name(p, &used);
  if (!m)
    return -1;
  p += used;
  if (*p == '.')
    p++;
  while (*p == ' ')
    p++;
  if (read_num(&p, 4, &y) != 4)
    return -1;
  return set_date(y, m, d, out);
}

/* ---- text files ---- */

typedef struct line {
  const char *p; /* start */
  size_t n;      /* length without "\r\n" */
  size_t next;   /* offset of the next line */
} line;

static line get_line(const char *data, size_t len, size_t off) {
  line l = {data + off, 0, len};
  const char *nl = memchr(data + off, '\n', len - off);
  size_t end = nl ? (size_t)(nl - data) : len;
  l.next = nl ? end + 1 : len;
  l.n = end - off;
  if (l.n && l.p[l.n - 1] == '\r')
    l.n--;
  return l;
}

static int is_blank(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isspace((unsigned char)p[i]))
      return 0;
  return 1;
}

static void trim(const char **p, size_t *n) {
  while (*n && isspace((unsigned char)**p))
    (*p)++, (*n)--;
  while (*n && isspace((unsigned char)(*p)[*n - 1]))
    (*n)--;
}

enum hkey {
  H_NONE,
  H_TITLE,
  H_DATE,
  H_SOURCE,
  H_URL,
  H_AUTHOR,
  H_ID,
  H_LANG,
  H_LEAD
};

static enum hkey header_key(const char *k, size_t n) {
  static const struct {
    const char *name;
    enum hkey key;
  } keys[] = {{"title", H_TITLE},   {"titre", H_TITLE},   {"date", H_DATE},
              {"source", H_SOURCE}, {"site", H_SOURCE},   {"url", H_URL},
              {"lien", H_URL},      {"author", H_AUTHOR}, {"auteur", H_AUTHOR},
              {"id", H_ID},         {"lang", H_LANG},     {"langue", H_LANG},
              {"summary", H_LEAD},  {"chapo", H_LEAD},    {"chapeau", H_LEAD},
              {"heading", H_LEAD},  {"resume", H_LEAD}};
  char *f = dpi_fold(k, n);
  enum hkey r = H_NONE;
  if (f) {
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
      if (strcmp(f, keys[i].name) == 0)
        r = keys[i].key;
  }
  free(f);
  return r;
}

/* Splits "Key: value" (Key: one word of letters, digits, '-' or '_', at
 * most 24 bytes). Returns the key (H_NONE for an unknown one), or -1 when
 * the line is not a header line at all. */
static int header_line(line l, const char **v, size_t *vn) {
  const char *colon = memchr(l.p, ':', l.n);
  if (!colon || colon == l.p || colon - l.p > 32)
    return -1;
  /* French typography puts a (no-break) space before the colon */
  const char *kend = colon;
  for (;;) {
    if (kend > l.p && kend[-1] == ' ')
      kend--;
    else if (kend - l.p >= 2 && memcmp(kend - 2, "\xc2\xa0", 2) == 0)
      kend -= 2;
    else if (kend - l.p >= 3 && memcmp(kend - 3, "\xe2\x80\xaf", 3) == 0)
      kend -= 3;
    else
      break;
  }
  if (kend == l.p || kend - l.p > 24)
    return -1;
  for (const char *k = l.p; k < kend; k++) {
    unsigned char ch = (unsigned char)*k;
    if (!(isalnum(ch) || ch == '-' || ch == '_' || ch >= 0x80))
      return -1;
  }
  if (colon + 1 < l.p + l.n && colon[1] != ' ' && colon[1] != '\t')
    return -1; /* "https://..." or "12:30" */
  *v = colon + 1;
  *vn = l.n - (size_t)(colon + 1 - l.p);
  trim(v, vn);
  return (int)header_key(l.p, (size_t)(kend - l.p));
}

static int set_field(char **f, const char *p, size_t n) {
  free(*f);
  *f = dp_strndup(p, n);
  return *f ? 0 : -1;
}

/* a->bad_date from s as written (blank: nothing). 0, or -1 when out of
 * memory. */
static int set_bad_date(dpi_article *a, const char *s) {
  size_t n = strlen(s);
  trim(&s, &n);
  if (!n)
    return 0; /* "date": "" is no date, not a wrong one */
  size_t k = n > 48 ? 48 : n;
  while (k > 0 && k < n && ((unsigned char)s[k] & 0xc0) == 0x80)
    k--; /* whole characters only */
  if (set_field(&a->bad_date, s, k))
    return -1;
  for (char *c = a->bad_date; *c; c++)
    if ((unsigned char)*c < 0x20 || *c == 0x7f)
      *c = '?'; /* one line */
  return 0;
}

/* Sets a->date from the date s as written, or a->bad_date when s is not
 * blank and not understood. 0, or -1 when out of memory. */
static int take_date(dpi_article *a, const char *s) {
  char d[11];
  if (dpi_parse_date(s, d) == 0)
    return set_field(&a->date, d, 10);
  return set_bad_date(a, s);
}

static int looks_like_title(line l) {
  const char *p = l.p;
  size_t n = l.n;
  trim(&p, &n);
  if (!n || n > 200)
    return 0;
  if (p[n - 1] == '.' && !(n >= 3 && p[n - 2] == '.' && p[n - 3] == '.'))
    return 0; /* a sentence, unless it ends with an ellipsis */
  if (p[n - 1] == ':' || p[n - 1] == ',' || p[n - 1] == ';')
    return 0;
  return 1;
}

int dpi_read_text(const char *data, size_t len, int markdown, dpi_article *a,
                  char **err) {
  size_t off = 0;
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
    off = 3;          /* BOM */
  while (off < len) { /* leading blank lines */
    line l = get_line(data, len, off);
    if (!is_blank(l.p, l.n))
      break;
    off = l.next;
  }
  /* 1. a header block: every line up to the first blank one is a known
   *    "Key: value" line */
  size_t o = off;
  int known = 0, header = 1;
  while (o < len) {
    line l = get_line(data, len, o);
    if (is_blank(l.p, l.n))
      break;
    const char *v;
    size_t vn;
    int k = header_line(l, &v, &vn);
    if (k < 0) {
      header = 0;
      break;
    }
    if (k != H_NONE)
      known++;
    o = l.next;
  }
  if (header && known > 0) {
    while (off < len) {
      line l = get_line(data, len, off);
      off = l.next;
      if (is_blank(l.p, l.n))
        break;
      const char *v;
      size_t vn;
      int rc = 0;
      switch (header_line(l, &v, &vn)) {
      case H_TITLE: rc = set_field(&a->title, v, vn); break;
      case H_SOURCE: rc = set_field(&a->source, v, vn); break;
      case H_URL: rc = set_field(&a->url, v, vn); break;
      case H_AUTHOR: rc = set_field(&a->author, v, vn); break;
      case H_ID: rc = vn ? set_field(&a->id, v, vn) : 0; break;
      case H_LANG: rc = set_field(&a->lang, v, vn); break;
      case H_LEAD: rc = set_field(&a->lead, v, vn); break;
      case H_DATE: {
        char *tmp = dp_strndup(v, vn);
        rc = tmp ? take_date(a, tmp) : -1;
        free(tmp);
        break;
      }
      default: break;
      }
      if (rc)
        goto oom;
    }
  } else if (off < len) {
    /* 2. a title line: short, no final full stop, followed by text */
    line l = get_line(data, len, off);
    const char *p = l.p;
    size_t n = l.n;
    int md_title = markdown && n && p[0] == '#';
    if (md_title) {
      while (n && *p == '#')
        p++, n--;
    }
    trim(&p, &n);
    if ((md_title || looks_like_title(l)) &&
        !is_blank(data + l.next, len - l.next)) {
      if (set_field(&a->title, p, n))
        goto oom;
      off = l.next;
    }
  }
  const char *b = data + off;
  size_t bn = len - off;
  trim(&b, &bn);
  if (!bn) {
    *err = dp_strfmt("missing body");
    return -1;
  }
  if (set_field(&a->body, b, bn))
    goto oom;
  return 0;
oom:
  *err = dp_strfmt("out of memory");
  return -1;
}

/* ---- JSON ---- */

static int json_field(json_t *o, const char *const *names, char **out) {
  for (size_t i = 0; names[i]; i++) {
    json_t *v = json_object_get(o, names[i]);
    if (!v || json_is_null(v))
      continue;
    if (json_is_string(v)) {
      const char *s = json_string_value(v);
      size_t n = json_string_length(v);
      trim(&s, &n);
      if (!n)
        continue;
      *out = dp_strndup(s, n);
    } else if (json_is_integer(v)) {
      *out = dp_strfmt("%lld", (long long)json_integer_value(v));
    } else if (json_is_array(v)) {
      /* a list of authors: joined with ", " */
      dpi_str s = {0};
      size_t idx;
      json_t *e;
      json_array_foreach(v, idx, e) {
        if (!json_is_string(e))
          continue;
        if (s.n && dpi_str_adds(&s, ", "))
          break;
        if (dpi_str_add(&s, json_string_value(e), json_string_length(e)))
          break;
      }
      if (!s.n) {
        dpi_str_free(&s);
        continue;
      }
      *out = s.p;
    } else {
      continue; /* objects, reals, booleans: ignored */
    }
    return *out ? 0 : -1;
  }
  return 0;
}

/* The fields of an article, each the first of its names that is present,
 * not null and not empty once trimmed. */
static const char *const f_id[] = {"id", NULL};
static const char *const f_url[] = {"url", "link", NULL};
static const char *const f_title[] = {"title", "titre", NULL};
static const char *const f_date[] = {"date", "published", "pubDate", NULL};
static const char *const f_source[] = {"source", "site", NULL};
static const char *const f_author[] = {"author", "authors", "auteur", NULL};
static const char *const f_lang[] = {"lang", "language", NULL};
static const char *const f_lead[] = {"heading", "summary", "chapo", NULL};
static const char *const f_body[] = {"body", "text", "content", NULL};

/* The end of dpi_read_json_object and of the fast path: rc is the fields'
 * status (-1 = out of memory); date (malloc'd or NULL) is taken. */
static int finish_json_article(dpi_article *a, char *date, int rc, char **err) {
  if (rc) {
    free(date);
    *err = dp_strfmt("out of memory");
    return -1;
  }
  if (date) {
    int drc = take_date(a, date);
    free(date);
    if (drc) {
      *err = dp_strfmt("out of memory");
      return -1;
    }
  }
  if (!a->body && !a->lead) {
    *err = dp_strfmt("missing body");
    return -1;
  }
  if (!a->body)
    a->body = dpi_strdup0(""); /* the lead is the text */
  return a->body ? 0 : -1;
}

/* The date member as json_field reads it; an object {"$date": "…"}
 * (MongoDB's extended JSON) gives its string; any other object, a float or
 * a boolean is a date not understood: a->bad_date holds its JSON text (it
 * was ignored in silence). 0 or -1 (no memory). */
static int json_date(json_t *o, char **out, dpi_article *a) {
  for (size_t i = 0; f_date[i]; i++) {
    json_t *v = json_object_get(o, f_date[i]);
    if (!v || json_is_null(v))
      continue;
    json_t *d = json_is_object(v) ? json_object_get(v, "$date") : NULL;
    if (d && json_is_string(d)) {
      static const char *const mongo[] = {"$date", NULL};
      return json_field(v, mongo, out);
    }
    if (json_is_object(v) || json_is_real(v) || json_is_boolean(v)) {
      char *txt = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
      int rc = txt ? set_bad_date(a, txt) : -1;
      free(txt);
      return rc;
    }
    const char *const one[] = {f_date[i], NULL};
    int rc = json_field(o, one, out);
    if (rc || *out)
      return rc;
  }
  return 0;
}

int dpi_read_json_object(const void *obj, dpi_article *a, char **err) {
  json_t *o = (json_t *)obj;
  if (!json_is_object(o)) {
    static const char *const kind[] = {
        [JSON_ARRAY] = "an array",   [JSON_STRING] = "a string",
        [JSON_INTEGER] = "a number", [JSON_REAL] = "a number",
        [JSON_TRUE] = "true",        [JSON_FALSE] = "false",
        [JSON_NULL] = "null"};
    json_type t = o ? json_typeof(o) : JSON_NULL;
    *err = dp_strfmt("not a JSON object but %s",
                     t >= 0 && t < (int)(sizeof kind / sizeof *kind) && kind[t]
                         ? kind[t]
                         : "something else");
    return -1;
  }
  char *date = NULL;
  int rc = json_field(o, f_id, &a->id);
  if (!rc)
    rc = json_field(o, f_url, &a->url);
  if (!rc)
    rc = json_field(o, f_title, &a->title);
  if (!rc)
    rc = json_date(o, &date, a);
  if (!rc)
    rc = json_field(o, f_source, &a->source);
  if (!rc)
    rc = json_field(o, f_author, &a->author);
  if (!rc)
    rc = json_field(o, f_lang, &a->lang);
  if (!rc)
    rc = json_field(o, f_lead, &a->lead);
  if (!rc)
    rc = json_field(o, f_body, &a->body);
  return finish_json_article(a, date, rc, err);
}

/* ---- JSON Lines fast path ----
 *
 * jansson builds a whole tree (a hash table, a copy of every string) and
 * checks each byte through a generic stream: about a tenth of the indexing
 * time on OrangeSum. Most lines are one flat object whose values are
 * strings, null, true or false; fj_parse reads exactly those, and gives up
 * (0) on anything else: numbers, arrays, nested objects, a \u0000 or lone
 * surrogate escape, a control character, invalid UTF-8, a duplicate key,
 * bad syntax. The caller then parses the line with jansson as before, so
 * every article, error message and repair stays what jansson makes of the
 * line. Everything fj_parse accepts, jansson accepts with the same strings
 * (tests/unit/test_index_json.c compares the two on many lines). */

#define FJ_MAX_MEMBERS 64

enum { FJ_STRING, FJ_NULL, FJ_BOOL };

typedef struct fj_str {
  const char *p; /* decoded bytes: into the line, or into the scratch */
  size_t n;
} fj_str;

typedef struct fj_obj {
  fj_str key[FJ_MAX_MEMBERS];
  fj_str val[FJ_MAX_MEMBERS];
  int type[FJ_MAX_MEMBERS];
  size_t n;
  char *scratch; /* decoded strings with escapes (malloc'd, or NULL) */
  size_t used;
  size_t cap;
} fj_obj;

static int fj_ws(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int fj_hex4(const unsigned char *p, unsigned *v) {
  unsigned x = 0;
  for (int i = 0; i < 4; i++) {
    unsigned c = p[i], d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      return -1;
    x = x * 16 + d;
  }
  *v = x;
  return 0;
}

/* Length of the well-formed UTF-8 sequence at p[0, n) (n >= 1, p[0] >=
 * 0x80), or 0: no overlong forms, no surrogates, nothing past U+10FFFF. */
static size_t fj_utf8(const unsigned char *p, size_t n) {
  unsigned c = p[0];
  if (c >= 0xc2 && c <= 0xdf)
    return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
      return 0;
    if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0))
      return 0; /* overlong, or a surrogate */
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
        (p[3] & 0xc0) != 0x80)
      return 0;
    if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90))
      return 0; /* overlong, or past U+10FFFF */
    return 4;
  }
  return 0;
}

/* Reads the string whose opening quote is at *pp. 1 with *out and *pp past
 * the closing quote, 0 when the fast path gives up, -1 out of memory. */
static int fj_string(fj_obj *o, const unsigned char **pp,
                     const unsigned char *e, fj_str *out) {
  const unsigned char *p = *pp + 1, *start = p;
  /* the common case: no escape, the string is the line's bytes */
  for (;;) {
    if (p >= e)
      return 0;
    unsigned c = *p;
    if (c == '"') {
      out->p = (const char *)start;
      out->n = (size_t)(p - start);
      *pp = p + 1;
      return 1;
    }
    if (c == '\\')
      break;
    if (c < 0x20)
      return 0;
    if (c < 0x80) {
      p++;
      continue;
    }
    size_t k = fj_utf8(p, (size_t)(e - p));
    if (!k)
      return 0;
    p += k;
  }
  /* escapes: decoded into the scratch (never longer than the line) */
  size_t room = (size_t)(e - start) + 1;
  if (!o->scratch || o->cap - o->used < room)
    return 0; /* fj_parse sizes the scratch for the whole line */
  char *d = o->scratch + o->used, *d0 = d;
  memcpy(d, start, (size_t)(p - start));
  d += p - start;
  for (;;) {
    if (p >= e)
      return 0;
    unsigned c = *p;
    if (c == '"')
      break;
    if (c < 0x20)
      return 0;
    if (c >= 0x80) {
      size_t k = fj_utf8(p, (size_t)(e - p));
      if (!k)
        return 0;
      memcpy(d, p, k);
      d += k;
      p += k;
      continue;
    }
    if (c != '\\') {
      *d++ = (char)c;
      p++;
      continue;
    }
    if (e - p < 2)
      return 0;
    unsigned x = p[1];
    p += 2;
    switch (x) {
    case '"': *d++ = '"'; continue;
    case '\\': *d++ = '\\'; continue;
    case '/': *d++ = '/'; continue;
    case 'b': *d++ = '\b'; continue;
    case 'f': *d++ = '\f'; continue;
    case 'n': *d++ = '\n'; continue;
    case 'r': *d++ = '\r'; continue;
    case 't': *d++ = '\t'; continue;
    case 'u': break;
    default: return 0;
    }
    unsigned v, v2;
    if (e - p < 4 || fj_hex4(p, &v))
      return 0;
    p += 4;
    if (v == 0 || (v >= 0xdc00 && v <= 0xdfff))
      return 0; /* \u0000, a lone low surrogate: jansson says why */
    if (v >= 0xd800 && v <= 0xdbff) {
      if (e - p < 6 || p[0] != '\\' || p[1] != 'u' || fj_hex4(p + 2, &v2) ||
          v2 < 0xdc00 || v2 > 0xdfff)
        return 0;
      p += 6;
      v = ((v - 0xd800) << 10) + (v2 - 0xdc00) + 0x10000;
    }
    if (v < 0x80) {
      *d++ = (char)v;
    } else if (v < 0x800) {
      *d++ = (char)(0xc0 | (v >> 6));
      *d++ = (char)(0x80 | (v & 0x3f));
    } else if (v < 0x10000) {
      *d++ = (char)(0xe0 | (v >> 12));
      *d++ = (char)(0x80 | ((v >> 6) & 0x3f));
      *d++ = (char)(0x80 | (v & 0x3f));
    } else {
      *d++ = (char)(0xf0 | (v >> 18));
      *d++ = (char)(0x80 | ((v >> 12) & 0x3f));
      *d++ = (char)(0x80 | ((v >> 6) & 0x3f));
      *d++ = (char)(0x80 | (v & 0x3f));
    }
  }
  out->p = d0;
  out->n = (size_t)(d - d0);
  o->used += out->n;
  *pp = p + 1;
  return 1;
}

/* Literal word (null, true, false) at *pp: its type, or -1. */
static int fj_literal(const unsigned char **pp, const unsigned char *e) {
  static const struct {
    const char *w;
    size_t n;
    int type;
  } lit[] = {{"null", 4, FJ_NULL}, {"true", 4, FJ_BOOL}, {"false", 5, FJ_BOOL}};
  const unsigned char *p = *pp;
  for (size_t i = 0; i < 3; i++) {
    if ((size_t)(e - p) >= lit[i].n && memcmp(p, lit[i].w, lit[i].n) == 0) {
      p += lit[i].n;
      if (p < e && ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))
        return -1; /* "nullx": jansson's invalid token */
      *pp = p;
      return lit[i].type;
    }
  }
  return -1;
}

/* Parses line[0, len) as one flat object into o. 1 = parsed, 0 = not for
 * the fast path, -1 = out of memory. o->scratch is the caller's to free. */
static int fj_parse(fj_obj *o, const char *line, size_t len) {
  const unsigned char *p = (const unsigned char *)line, *e = p + len;
  o->n = 0;
  while (p < e && fj_ws(*p))
    p++;
  if (p >= e || *p != '{')
    return 0;
  p++;
  if (memchr(p, '\\', (size_t)(e - p))) {
    o->cap = len + 1;
    o->used = 0;
    if (!(o->scratch = malloc(o->cap)))
      return -1;
  }
  while (p < e && fj_ws(*p))
    p++;
  if (p < e && *p == '}') {
    p++;
  } else {
    for (;;) {
      if (o->n == FJ_MAX_MEMBERS || p >= e || *p != '"')
        return 0;
      size_t i = o->n;
      int r = fj_string(o, &p, e, &o->key[i]);
      if (r <= 0)
        return r;
      for (size_t j = 0; j < i; j++) /* a duplicate: jansson's error */
        if (o->key[j].n == o->key[i].n &&
            memcmp(o->key[j].p, o->key[i].p, o->key[i].n) == 0)
          return 0;
      while (p < e && fj_ws(*p))
        p++;
      if (p >= e || *p != ':')
        return 0;
      p++;
      while (p < e && fj_ws(*p))
        p++;
      if (p >= e)
        return 0;
      if (*p == '"') {
        r = fj_string(o, &p, e, &o->val[i]);
        if (r <= 0)
          return r;
        o->type[i] = FJ_STRING;
      } else {
        int t = fj_literal(&p, e);
        if (t < 0)
          return 0; /* numbers, arrays, objects: jansson */
        o->type[i] = t;
        o->val[i].p = NULL;
        o->val[i].n = 0;
      }
      o->n++;
      while (p < e && fj_ws(*p))
        p++;
      if (p < e && *p == ',') {
        p++;
        while (p < e && fj_ws(*p))
          p++;
        continue;
      }
      if (p < e && *p == '}') {
        p++;
        break;
      }
      return 0;
    }
  }
  while (p < e && fj_ws(*p))
    p++;
  return p == e ? 1 : 0;
}

/* The index of member name in o, or o->n when it has none. */
static size_t fj_member(const fj_obj *o, const char *name) {
  size_t nl = strlen(name), k = 0;
  while (k < o->n && !(o->key[k].n == nl && memcmp(o->key[k].p, name, nl) == 0))
    k++;
  return k;
}

/* json_field over a parsed flat object (strings only; null and booleans
 * are skipped as json_field skips them). */
static int fj_field(const fj_obj *o, const char *const *names, char **out) {
  for (size_t i = 0; names[i]; i++) {
    size_t k = fj_member(o, names[i]);
    if (k == o->n || o->type[k] != FJ_STRING)
      continue;
    const char *s = o->val[k].p;
    size_t n = o->val[k].n;
    trim(&s, &n);
    if (!n)
      continue;
    *out = dp_strndup(s, n);
    return *out ? 0 : -1;
  }
  return 0;
}

/* The fast path of dpi_read_json_line: 1 = done (rc in *rc), 0 = parse
 * the line with jansson. */
static int fj_read_line(const char *line, size_t len, dpi_article *a,
                        char **err, int *rc) {
  fj_obj *o = malloc(sizeof *o);
  if (!o)
    return 0;
  o->scratch = NULL;
  int r = fj_parse(o, line, len);
  for (size_t i = 0; r > 0 && f_date[i]; i++) {
    size_t k = fj_member(o, f_date[i]);
    if (k < o->n && o->type[k] == FJ_BOOL)
      r = 0; /* "date": true is said (json_date): jansson's */
  }
  if (r <= 0) {
    free(o->scratch);
    free(o);
    return 0;
  }
  char *date = NULL;
  int frc = fj_field(o, f_id, &a->id);
  if (!frc)
    frc = fj_field(o, f_url, &a->url);
  if (!frc)
    frc = fj_field(o, f_title, &a->title);
  if (!frc)
    frc = fj_field(o, f_date, &date);
  if (!frc)
    frc = fj_field(o, f_source, &a->source);
  if (!frc)
    frc = fj_field(o, f_author, &a->author);
  if (!frc)
    frc = fj_field(o, f_lang, &a->lang);
  if (!frc)
    frc = fj_field(o, f_lead, &a->lead);
  if (!frc)
    frc = fj_field(o, f_body, &a->body);
  free(o->scratch);
  free(o);
  *rc = finish_json_article(a, date, frc, err);
  return 1;
}

/* The line (no NUL byte in it) through jansson. */
static int read_line_jansson(const char *line, size_t len, dpi_article *a,
                             char **err) {
  char *copy = NULL;
  json_error_t je;
  /* JSON_DECODE_ANY: a line holding a number or a string is "not a JSON
   * object", not "'[' or '{' expected" */
  json_t *o =
      json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
  if (!o) {
    /* invalid UTF-8 inside strings: repair and parse again */
    copy = dp_strndup(line, len);
    size_t n = len;
    size_t bad = copy ? dpi_utf8_repair(&copy, &n) : (size_t)-1;
    if (bad == (size_t)-1) {
      free(copy);
      *err = dp_strfmt("out of memory");
      return -1;
    }
    if (bad) {
      o = json_loadb(copy, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
      a->n_repaired += bad;
    }
    free(copy);
    if (!o) {
      *err = dp_strfmt("invalid JSON: %s", je.text);
      return -1;
    }
  }
  int rc = dpi_read_json_object(o, a, err);
  json_decref(o);
  return rc;
}

static int has_nul(const char *line, size_t len, char **err) {
  if (!memchr(line, 0, len))
    return 0;
  *err = dp_strfmt("binary data");
  return 1;
}

int dpi_read_json_line(const char *line, size_t len, dpi_article *a,
                       char **err) {
  if (has_nul(line, len, err))
    return -1;
  int fast_rc;
  if (fj_read_line(line, len, a, err, &fast_rc))
    return fast_rc;
  return read_line_jansson(line, len, a, err);
}

int dpi_read_json_line_jansson(const char *line, size_t len, dpi_article *a,
                               char **err) {
  return has_nul(line, len, err) ? -1 : read_line_jansson(line, len, a, err);
}
