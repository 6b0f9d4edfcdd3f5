/* analyze_cmd.c — `depeche-index --analyze [FILE|-]` (see analyze_cmd.h).
 *
 * Output (one JSON object, then a newline):
 *   {"tokens":[{"text","term","stem","pos","start","end","flags":[...]}...],
 *    "entities":[{"text","canonical","key","type","start","end"}...]}
 * start/end are byte offsets into the input; "flags" lists the token flags
 * by name (docs/analyzer.md). */
#include "analyze_cmd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analyzer.h"
#include "dpi.h"
#include "entities.h"
#include "text.h"

/* A JSON string of s[0,n); invalid UTF-8 is repaired (U+FFFD). */
static json_t *jstr(const char *s, size_t n) {
  json_t *j = json_stringn(s, n);
  if (j)
    return j;
  size_t rn;
  char *r = dp_utf8_repair(s, n, &rn);
  if (!r)
    return NULL;
  j = json_stringn(r, rn);
  free(r);
  return j;
}

static json_t *flag_names(uint32_t f) {
  static const char *const names[] = {
      "stop",    "elided",  "part",       "joined", "number",
      "acronym", "capital", "sent_start", "code",   "furniture"};
  json_t *a = json_array();
  if (!a)
    return NULL;
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (f & (1u << i))
      json_array_append_new(a, json_string(names[i]));
  return a;
}

static json_t *build_json(const char *text, size_t len, const dp_tokens *toks,
                          const dp_entities *ents) {
  json_t *root = json_object();
  json_t *jt = json_array();
  json_t *je = json_array();
  if (!root || !jt || !je) {
    json_decref(root);
    json_decref(jt);
    json_decref(je);
    return NULL;
  }
  json_object_set_new(root, "tokens", jt);
  json_object_set_new(root, "entities", je);
  for (size_t i = 0; i < toks->n; i++) {
    const dp_token *t = &toks->v[i];
    json_t *o = json_object();
    if (!o || json_array_append_new(jt, o) != 0)
      goto oom;
    if (json_object_set_new(o, "text",
                            jstr(text + t->start, t->end - t->start)) ||
        json_object_set_new(o, "term", json_string(t->term)) ||
        json_object_set_new(o, "stem", json_string(t->stem)) ||
        json_object_set_new(o, "pos", json_integer(t->pos)) ||
        json_object_set_new(o, "start", json_integer((json_int_t)t->start)) ||
        json_object_set_new(o, "end", json_integer((json_int_t)t->end)) ||
        json_object_set_new(o, "flags", flag_names(t->flags)))
      goto oom;
  }
  for (size_t i = 0; ents && i < ents->n; i++) {
    const dp_entity *e = &ents->v[i];
    if (e->start > e->end || e->end > len)
      continue;
    json_t *o = json_object();
    if (!o || json_array_append_new(je, o) != 0)
      goto oom;
    if (json_object_set_new(o, "text",
                            jstr(text + e->start, e->end - e->start)) ||
        json_object_set_new(o, "canonical",
                            jstr(e->canonical ? e->canonical : "",
                                 e->canonical ? strlen(e->canonical) : 0)) ||
        json_object_set_new(
            o, "key",
            jstr(e->key ? e->key : "", e->key ? strlen(e->key) : 0)) ||
        json_object_set_new(o, "type",
                            json_string(dp_entity_type_name(e->type))) ||
        json_object_set_new(o, "start", json_integer((json_int_t)e->start)) ||
        json_object_set_new(o, "end", json_integer((json_int_t)e->end)))
      goto oom;
  }
  return root;
oom:
  json_decref(root);
  return NULL;
}

int dpi_analyze_command(const char *path, FILE *out, FILE *err) {
  const char *name = path && strcmp(path, "-") != 0 ? path : "-";
  /* the indexer's stream: a gzip'ed input (.gz, or by its magic bytes) is
   * analysed decompressed, as depeche-index would index it */
  dpi_stream *in = NULL;
  char *text = NULL, *rerr = NULL;
  size_t len = 0;
  if (dpi_stream_open(&in, name, &rerr) ||
      dpi_stream_read_all(in, &text, &len, &rerr)) {
    fprintf(err, "depeche-index: --analyze %s: %s\n", name,
            rerr ? rerr : "cannot read");
    free(rerr);
    dpi_stream_close(in);
    return 2;
  }
  dpi_stream_close(in);
  int status = 2;
  char *msg = NULL;
  dp_analyzer *an = NULL;
  dp_tagger *tg = NULL;
  dp_tokens toks = {0};
  dp_entities ents = {0};
  json_t *root = NULL;
  if (dp_analyzer_new(&an, &msg) != 0) {
    fprintf(err, "depeche-index: --analyze %s: %s\n", name,
            msg ? msg : "cannot create the analyzer");
    goto done;
  }
  if (dp_tagger_new(&tg, &msg) != 0) {
    fprintf(err, "depeche-index: --analyze %s: %s\n", name,
            msg ? msg : "cannot create the entity tagger");
    goto done;
  }
  if (dp_analyze(an, text, len, 0, &toks) == (uint32_t)-1 ||
      dp_tag(tg, text, len, &toks, &ents) != 0 ||
      !(root = build_json(text, len, &toks, &ents))) {
    fprintf(err, "depeche-index: --analyze %s: out of memory\n", name);
    goto done;
  }
  if (json_dumpf(root, out, JSON_COMPACT) != 0 || fputc('\n', out) == EOF ||
      fflush(out) != 0) {
    fprintf(err, "depeche-index: --analyze %s: cannot write the output\n",
            name);
    goto done;
  }
  status = 0;
done:
  free(msg);
  json_decref(root);
  dp_entities_free(&ents);
  dp_tokens_free(&toks);
  dp_tagger_free(tg);
  dp_analyzer_free(an);
  free(text);
  return status;
}
