/* str.c — see str.h. */
#include "str.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *dp_vstrfmt(const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0)
    return NULL;
  char *s = malloc((size_t)n + 1);
  if (!s)
    return NULL;
  va_copy(ap2, ap);
  vsnprintf(s, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  return s;
}

char *dp_strfmt(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = dp_vstrfmt(fmt, ap);
  va_end(ap);
  return s;
}

char *dp_strndup(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (!d)
    return NULL;
  if (n)
    memcpy(d, s, n);
  d[n] = '\0';
  return d;
}
