/* sbuf.c — growable byte string (see sbuf.h). */
#include "sbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(dps_buf *b, size_t extra) {
  if (b->oom)
    return -1;
  if (b->len + extra + 1 <= b->cap)
    return 0;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + extra + 1) {
    if (cap > ((size_t)-1) / 2) {
      b->oom = 1;
      return -1;
    }
    cap *= 2;
  }
  char *s = realloc(b->s, cap);
  if (!s) {
    b->oom = 1;
    return -1;
  }
  b->s = s;
  b->cap = cap;
  return 0;
}

void dps_buf_add(dps_buf *b, const char *p, size_t n) {
  if (grow(b, n) != 0)
    return;
  if (n)
    memcpy(b->s + b->len, p, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void dps_buf_puts(dps_buf *b, const char *s) {
  dps_buf_add(b, s, strlen(s));
}

void dps_buf_putc(dps_buf *b, char c) {
  dps_buf_add(b, &c, 1);
}

void dps_buf_printf(dps_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) {
    va_end(ap2);
    b->oom = 1;
    return;
  }
  if (grow(b, (size_t)n) == 0) {
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap2);
    b->len += (size_t)n;
  }
  va_end(ap2);
}

void dps_buf_add_html(dps_buf *b, const char *s, size_t n) {
  size_t from = 0;
  for (size_t i = 0; i < n; i++) {
    const char *rep = NULL;
    switch (s[i]) {
    case '&': rep = "&amp;"; break;
    case '<': rep = "&lt;"; break;
    case '>': rep = "&gt;"; break;
    case '"': rep = "&quot;"; break;
    case '\'': rep = "&#39;"; break;
    default: break;
    }
    if (rep) {
      dps_buf_add(b, s + from, i - from);
      dps_buf_puts(b, rep);
      from = i + 1;
    }
  }
  dps_buf_add(b, s + from, n - from);
}

char *dps_buf_take(dps_buf *b) {
  if (b->oom) {
    dps_buf_free(b);
    return NULL;
  }
  char *s = b->s;
  if (!s)
    s = calloc(1, 1);
  b->s = NULL;
  b->len = b->cap = 0;
  return s;
}

void dps_buf_free(dps_buf *b) {
  free(b->s);
  b->s = NULL;
  b->len = b->cap = 0;
  b->oom = 0;
}
