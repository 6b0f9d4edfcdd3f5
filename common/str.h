/* str.h — the few string helpers every layer needs: a printf into a new
 * string (error messages) and a bounded copy. */
#ifndef DEPECHE_STR_H
#define DEPECHE_STR_H

#include <stdarg.h>
#include <stddef.h>

/* printf into a new malloc'd string (caller frees); NULL when memory runs
 * out or the format fails. Thread-safe. */
char *dp_strfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same with a va_list (left as va_copy leaves it: the caller still
 * calls va_end on ap). */
char *dp_vstrfmt(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

/* A malloc'd NUL-terminated copy of s[0,n) (caller frees); s may hold NULs
 * and needs no terminator; NULL only when memory runs out. */
char *dp_strndup(const char *s, size_t n);

#endif
