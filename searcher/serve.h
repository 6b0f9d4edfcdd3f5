/* serve.h — `depeche-search --serve`: a request/answer loop over lines
 * (internal to depeche-search; not installed, not exported).
 *
 * Protocol (docs/embedding.md, "--serve"): one request per input line,
 * one JSON answer per output line, in the same order, flushed at once.
 *   - A line whose first non-blank byte is not '{' is a bare query.
 *   - A line starting with '{' is a JSON object:
 *       {"query": "...",            required, the query language
 *        "limit": 10, "offset": 0,  integers >= 0
 *        "sort": "relevance" | "date" | "date-asc",
 *        "filters": "source:afp since:2021"  or  {"source": "afp",
 *                   "since": "2021", "entity": ["Joe Biden", "OTAN"]},
 *        "facets": true | ["source", "month", "entity"],
 *        "facet_limit", "snippets", "snippet_passages", "snippet_chars",
 *        "recent", "exact_total", "relax", "suggest",
 *        "id": any JSON value, echoed as the first member of the answer}
 * The answer is the JSON of `depeche-search --json` (schema 1). A request
 * that cannot be run gets {"error": "...", "line": N} (plus "id" when the
 * request had one) and the loop goes on. The index handle follows the
 * index: a commit by depeche-index between two requests is seen by the
 * next one (libdepeche reopens by itself).
 */
#ifndef DEPECHE_SERVE_H
#define DEPECHE_SERVE_H

#include <stdio.h>

#include "depeche.h"

/* Opens the index at index_path and answers the requests read from in on
 * out until end of input. defaults (NULL = DP_SEARCH_OPTIONS_INIT) gives
 * the options of a bare query and the starting point of a JSON request
 * (e.g. --limit or --sort given on the command line); its filters, when
 * set, are added to every request's. Diagnostics that end the loop (index
 * cannot be opened, read error on in, write error on out) go to err as
 * one line. Returns 0 at end of input, 2 on those errors. Does not close
 * in, out or err. Uses one dp_index from the calling thread only. */
int dps_serve(const char *index_path, const dp_search_options *defaults,
              FILE *in, FILE *out, FILE *err);

#endif
