/* Library version (public API, see depeche.h). */
#include <stddef.h>

#define DP_EXPORT __attribute__((visibility("default")))

DP_EXPORT const char *dp_version(void);
DP_EXPORT const char *dp_version(void) { return DEPECHE_VERSION; }
