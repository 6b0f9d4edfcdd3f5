/* sbuf.h — a growable byte string for the searcher (internal).
 *
 * Errors are sticky (FTS5 style): once an allocation fails, b->oom is set and
 * every later append does nothing, so long sequences of appends stay flat and
 * the caller checks b->oom once at the end. The bytes are always
 * NUL-terminated when b->s is not NULL. Not thread-safe (one buffer, one
 * thread). */
#ifndef DEPECHE_SBUF_H
#define DEPECHE_SBUF_H

#include <stdarg.h>
#include <stddef.h>

#include "str.h" /* dp_strndup */

typedef struct dps_buf {
  char *s;    /* malloc'd bytes, NUL-terminated; NULL until the first append */
  size_t len; /* bytes used, without the NUL */
  size_t cap; /* bytes allocated */
  int oom;    /* 1 once an allocation failed */
} dps_buf;

/* Appends n bytes of p. */
void dps_buf_add(dps_buf *b, const char *p, size_t n);
/* Appends a NUL-terminated string. */
void dps_buf_puts(dps_buf *b, const char *s);
/* Appends one byte. */
void dps_buf_putc(dps_buf *b, char c);
/* Appends printf-formatted text. */
void dps_buf_printf(dps_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends s[0,n) with & < > " ' escaped for HTML. */
void dps_buf_add_html(dps_buf *b, const char *s, size_t n);
/* Returns the malloc'd string (caller frees; "" when nothing was appended)
 * and resets the buffer; NULL when an allocation failed (the buffer is then
 * freed too). */
char *dps_buf_take(dps_buf *b);
/* Frees the bytes and resets the buffer. */
void dps_buf_free(dps_buf *b);

#endif
