/* docdata.c — writing a document without Xapian deflating its stored
 * record a second time.
 *
 * Xapian's glass backend tries to zlib-compress every document data tag
 * longer than 4 bytes (GlassTable::add; there is no flag or threshold to
 * ask it not to), and keeps the result only when it is smaller. Our record
 * (record.c) is already deflated: the attempt never wins and costs about as
 * much as compressing the record did (a tenth of the indexing CPU time on
 * OrangeSum). So this file defines zlib's `deflate` for the depeche-index
 * process: while dpi_write_doc writes a document, the one call whose input
 * is exactly that document's compressed record, from its first byte, with
 * Z_FINISH, returns Z_OK without doing anything, which Xapian takes for
 * "not compressible" and stores the record as it is, as it does today
 * after the futile attempt. Every other call (Xapian's termlists and value
 * slots, our record encoder) goes to zlib's deflate (dlsym RTLD_NEXT).
 * The data stored is the same bytes either way; a record stored
 * uncompressed (method 0, tiny articles) is left to Xapian, which may
 * compress it. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "dpi.h"
#include "record.h"

typedef int (*deflate_fn)(z_streamp strm, int flush);

/* the record of the document this thread is writing (NULL = none) */
static _Thread_local const unsigned char *armed;
static _Thread_local size_t armed_len;

static deflate_fn zlib_deflate(void) {
  static deflate_fn fn;
  deflate_fn f = __atomic_load_n(&fn, __ATOMIC_ACQUIRE);
  if (!f) {
    void *sym = dlsym(RTLD_NEXT, "deflate");
    memcpy(&f, &sym, sizeof f); /* object to function pointer */
    __atomic_store_n(&fn, f, __ATOMIC_RELEASE);
  }
  return f;
}

int deflate(z_streamp strm, int flush) {
  if (armed && strm && flush == Z_FINISH && strm->total_in == 0 &&
      strm->next_in && strm->avail_in == armed_len &&
      memcmp(strm->next_in, armed, armed_len) == 0) {
    armed = NULL; /* once */
    return Z_OK;  /* not finished: the caller keeps its input as it is */
  }
  deflate_fn f = zlib_deflate();
  return f ? f(strm, flush) : Z_STREAM_ERROR;
}

/* Is data a record that deflate cannot shrink (version, method != 0)? */
static int deflated_record(const char *data, size_t len) {
  return len > 2 && data[0] == DP_RECORD_VERSION && data[1] != 0;
}

int dpi_write_doc(xc_db *db, const char *qterm, xc_doc *doc, int replace,
                  xc_error *xe) {
  char *data = NULL;
  size_t len = 0;
  xc_error ge = XC_ERROR_INIT;
  if (xc_doc_get_data(&data, &len, doc, &ge) == 0 &&
      deflated_record(data, len)) {
    armed = (const unsigned char *)data;
    armed_len = len;
  }
  xc_error_clear(&ge);
  int rc = replace ? xc_db_replace_by_term(NULL, db, qterm, doc, xe)
                   : xc_db_add_document(NULL, db, doc, xe);
  armed = NULL;
  armed_len = 0;
  free(data);
  return rc;
}
