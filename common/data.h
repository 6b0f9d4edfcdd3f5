/* data.h — data files compiled into the library (common/data/\*.txt).
 *
 * Every file under common/data/ ending in .txt is embedded at build time by
 * cmake/embed.c; nothing is read from disk or downloaded at run time. */
#ifndef DEPECHE_DATA_H
#define DEPECHE_DATA_H

#include <stddef.h>

/* Returns the bytes of the embedded file `name` (e.g. "stopwords_fr.txt"),
 * NUL-terminated, and stores its length (without the NUL) in *len when len is
 * not NULL. Returns NULL (and *len = 0) when no such file was embedded.
 * The memory is static and read-only: never free it. Thread-safe. */
const char *dp_data_get(const char *name, size_t *len);

/* A digest of every embedded file (names and bytes), 16 hex digits: it
 * changes when a stop list or a gazetteer does, so that the indexer can
 * tell that an article analysed with other data must be built again. */
const char *dp_data_fingerprint(void);

#endif
