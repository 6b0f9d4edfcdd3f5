/* record.h — the stored article record (Xapian document data).
 *
 * The on-disk format is specified at the top of record.c. A record is one
 * version byte followed by zlib-compressed fields; decoding checks lengths
 * and never trusts the input (corrupt data is an error, never a crash).
 */
#ifndef DEPECHE_RECORD_H
#define DEPECHE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#define DP_RECORD_VERSION 1

/* Which text an entity offset refers to. */
enum dp_record_field {
  DP_FIELD_TITLE = 0,
  DP_FIELD_LEAD = 1,
  DP_FIELD_BODY = 2
};

typedef struct dp_record_entity {
  uint8_t field;   /* enum dp_record_field */
  uint8_t type;    /* dp_entity_type (entities.h) */
  uint32_t start;  /* byte offset into that field */
  uint32_t end;    /* one past the mention's last byte */
  char *canonical; /* display canonical name (owned by the record) */
  char *key;       /* folded key (owned by the record) */
} dp_record_entity;

/* Every string is NUL-terminated UTF-8, never NULL after decoding ("" when
 * absent), and owned by the record. */
typedef struct dp_record {
  char *id; /* unique id (JSON id, else url, else relative path) */
  char *title;
  char *date;   /* "YYYY-MM-DD" or "" */
  char *source; /* display source name, e.g. "Le Monde" */
  char *url;
  char *path; /* source file path as given on the command line, or "" */
  char *author;
  char *lead; /* heading / summary / chapô */
  char *body;
  dp_record_entity *entities;
  size_t n_entities;
} dp_record;

/* Encodes r into a malloc'd buffer (*out, *outlen; caller frees).
 * NULL strings are stored as "". Returns 0, or -1 with *errmsg malloc'd. */
int dp_record_encode(const dp_record *r, unsigned char **out, size_t *outlen,
                     char **errmsg);

/* A reusable encoder: one deflate stream kept across records (reset, not
 * re-allocated, for each one). Not thread-safe: one per thread. */
typedef struct dp_record_encoder dp_record_encoder;

/* Creates an encoder (*out; free with dp_record_encoder_free). Returns 0,
 * or -1 when out of memory. */
int dp_record_encoder_new(dp_record_encoder **out);
void dp_record_encoder_free(dp_record_encoder *enc);

/* As dp_record_encode, with enc's stream: same output, less work per
 * record. */
int dp_record_encode_with(dp_record_encoder *enc, const dp_record *r,
                          unsigned char **out, size_t *outlen, char **errmsg);

/* Decodes data[0,len) into a new record (*out; free with dp_record_free).
 * Returns 0, or -1 with *errmsg malloc'd (unknown version, corrupt data). */
int dp_record_decode(const void *data, size_t len, dp_record **out,
                     char **errmsg);

/* A reusable decoder: one inflate stream (with its 32 KB window), the
 * payload buffer and the folding scratch kept across records, reset for
 * each one. Not thread-safe: one per thread (or per index handle). (Added
 * by the searcher's latency work.) */
typedef struct dp_record_decoder dp_record_decoder;

/* Creates a decoder (*out; free with dp_record_decoder_free). Returns 0,
 * or -1 when out of memory. */
int dp_record_decoder_new(dp_record_decoder **out);
void dp_record_decoder_free(dp_record_decoder *dec);

/* As dp_record_decode, with dec's stream and buffers: same record, less
 * work per record. The record does not depend on dec afterwards. */
int dp_record_decode_with(dp_record_decoder *dec, const void *data, size_t len,
                          dp_record **out, char **errmsg);

/* As dp_record_decode_with, but the record, its entity array and every
 * string are one malloc'd block (*out): release it with free(*out), never
 * with dp_record_free. Same fields and checks; two mallocs fewer per string
 * for callers that decode many records (the searcher's results). (Added by
 * the searcher's latency work.) */
int dp_record_decode_block(dp_record_decoder *dec, const void *data, size_t len,
                           dp_record **out, char **errmsg);

/* Decodes only the id of data[0,len) (its first field) into *id (malloc'd,
 * caller frees), inflating no more of the payload than that: for callers
 * that want nothing else (depeche-search --ids). The rest of the record is
 * not checked. Returns 0, or -1 with *errmsg malloc'd (unknown version,
 * corrupt data). (Added by the searcher's latency work.) */
int dp_record_decode_id(const void *data, size_t len, char **id, char **errmsg);

/* Frees a record made by dp_record_decode (or one whose every pointer is
 * malloc'd). NULL is allowed. */
void dp_record_free(dp_record *r);

#endif
