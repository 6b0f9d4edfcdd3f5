/* xapian_c.cc — C++ body of the C binding over libxapian (see xapian_c.h).
 *
 * Rule of this file: every extern "C" function that can reach Xapian or the
 * C++ allocator runs its body through guard(), which catches Xapian::Error,
 * std::bad_alloc, std::exception and anything else and turns them into an
 * xc_status plus a malloc'd message. Building that message never throws
 * (malloc + snprintf only), so nothing escapes a handler either. Functions
 * that cannot fail (accessors on copied-out state, *_free) are noexcept
 * and touch nothing that throws.
 */
#include "xapian_c.h"

#include <xapian.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <cstring>
#include <map>
#include <new>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <dirent.h>
#include <sys/stat.h>

/* ------------------------------------------------------------------ */
/* Handles                                                             */
/* ------------------------------------------------------------------ */

// The document lengths of a read-only database at one revision, by docid
// (xc_query_term_bm25): read once from Xapian's length list, where each
// BM25 match otherwise decodes that list from the start of a chunk up to
// every document it weighs.
#define XC_DOCLENS_MAX (1u << 25)
struct xc_doclens {
  Xapian::rev rev = 0;
  Xapian::docid last = 0;
  bool ready = false;
  std::vector<Xapian::termcount> len;
};

struct xc_db {
  Xapian::Database rdb;         // read-only handle (when !writable)
  Xapian::WritableDatabase wdb; // writable handle (when writable)
  bool writable = false;
  std::shared_ptr<xc_doclens> lens; // xc_query_term_bm25 (read-only only)

  Xapian::Database &get() {
    return writable ? wdb : rdb;
  }
};

struct xc_doc {
  Xapian::Document doc;
};

struct xc_query {
  Xapian::Query q;
};

struct xc_enquire {
  Xapian::Enquire enq;
  explicit xc_enquire(const Xapian::Database &db) : enq(db) {}
};

struct xc_mset {
  Xapian::MSet m;
};

struct xc_termit {
  Xapian::TermIterator it, end;
  bool started = false;
  bool at_end = false;
  bool want_tf = true;  // read termfreq for each entry
  bool want_wdf = true; // read wdf (not for allterms: it has none)
  std::string term;
  uint32_t tf = 0, wdf = 0;
};

struct xc_postit {
  Xapian::PostingIterator it, end;
  bool started = false;
  bool at_end = false;
  xc_docid docid = 0;
  uint32_t wdf = 0;
};

namespace {

/* Facet spy: Xapian's ValueCountMatchSpy (whose count table is a protected
 * member we may read and reset), optionally splitting each value on a
 * separator byte. The plain form keeps Xapian's name and serialisation, so
 * it also works with remote shards; the split form is local only. */
class FacetSpy : public Xapian::ValueCountMatchSpy {
public:
  FacetSpy(Xapian::valueno slot, int sep)
      : Xapian::ValueCountMatchSpy(slot), sep_(sep) {}

  void operator()(const Xapian::Document &doc, double wt) override {
    if (sep_ < 0) {
      Xapian::ValueCountMatchSpy::operator()(doc, wt);
      return;
    }
    ++internal->total;
    const std::string v = doc.get_value(internal->slot);
    const char sep = static_cast<char>(sep_);
    // Count each distinct piece once per document.
    std::vector<std::string> pieces;
    size_t start = 0;
    while (start <= v.size()) {
      size_t stop = v.find(sep, start);
      if (stop == std::string::npos)
        stop = v.size();
      if (stop > start)
        pieces.emplace_back(v, start, stop - start);
      start = stop + 1;
    }
    std::sort(pieces.begin(), pieces.end());
    pieces.erase(std::unique(pieces.begin(), pieces.end()), pieces.end());
    for (const std::string &p : pieces)
      ++internal->values[p];
  }

  Xapian::MatchSpy *clone() const override {
    return new FacetSpy(internal->slot, sep_);
  }

  std::string name() const override {
    return sep_ < 0 ? Xapian::ValueCountMatchSpy::name()
                    : "Depeche::MultiValueCountMatchSpy";
  }

  std::string serialise() const override {
    if (sep_ < 0)
      return Xapian::ValueCountMatchSpy::serialise();
    throw Xapian::UnimplementedError(
        "multi-valued facet spy cannot run on a remote shard");
  }

  const std::map<std::string, Xapian::doccount> &counts() const {
    return internal->values;
  }
  Xapian::doccount total() const {
    return internal->total;
  }
  void reset() {
    internal->values.clear();
    internal->total = 0;
  }

private:
  int sep_; // separator byte, or -1 for single-valued
};

} // namespace

struct xc_spy {
  FacetSpy spy;
  xc_spy(Xapian::valueno slot, int sep) : spy(slot, sep) {}
};

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

namespace {

/* Sets err (if any) to status and a message made of up to three parts;
 * returns status. Never throws. */
int fail(xc_error *err, int status, const char *a, const char *b = nullptr,
         const char *c = nullptr) noexcept {
  if (!err)
    return status;
  free(err->message);
  err->message = nullptr;
  err->status = status;
  const char *parts[3] = {a ? a : "", b ? b : "", c ? c : ""};
  size_t n = 1;
  for (const char *p : parts)
    n += strlen(p);
  char *m = static_cast<char *>(malloc(n));
  if (m) {
    m[0] = '\0';
    for (const char *p : parts)
      strcat(m, p);
    err->message = m;
  }
  return status;
}

/* Xapian::Error is not polymorphic (no dynamic_cast), but get_type()
 * names the most-derived class exactly. */
const struct {
  const char *type;
  int status;
} kErrorTable[] = {
    {"DatabaseLockError", XC_ERR_LOCKED},
    {"DatabaseNotFoundError", XC_ERR_NOT_FOUND},
    {"DatabaseOpeningError", XC_ERR_OPEN},
    {"DatabaseVersionError", XC_ERR_OPEN},
    {"DatabaseCreateError", XC_ERR_OPEN},
    {"DatabaseCorruptError", XC_ERR_CORRUPT},
    {"DatabaseModifiedError", XC_ERR_MODIFIED},
    {"DatabaseClosedError", XC_ERR_INVALID},
    {"NetworkError", XC_ERR_NETWORK},
    {"NetworkTimeoutError", XC_ERR_NETWORK},
    {"DocNotFoundError", XC_ERR_NO_DOC},
    {"WildcardError", XC_ERR_LIMIT},
    {"InvalidArgumentError", XC_ERR_INVALID},
    {"InvalidOperationError", XC_ERR_INVALID},
    {"QueryParserError", XC_ERR_INVALID},
    {"RangeError", XC_ERR_INVALID},
};

int status_of(const Xapian::Error &e) noexcept {
  const char *type = e.get_type();
  for (const auto &row : kErrorTable)
    if (strcmp(type, row.type) == 0)
      return row.status;
  return XC_ERR_OTHER;
}

int fail_xapian(xc_error *err, const Xapian::Error &e) noexcept {
  const int status = status_of(e);
  if (!err)
    return status;
  const char *errstr = nullptr;
  try {
    errstr = e.get_error_string(); // may build a string lazily
  } catch (...) {
    errstr = nullptr;
  }
  const std::string &msg = e.get_msg();
  const std::string &ctx = e.get_context();
  size_t n = strlen(e.get_type()) + msg.size() + ctx.size() +
             (errstr ? strlen(errstr) : 0) + 32;
  free(err->message);
  err->message = nullptr;
  err->status = status;
  char *m = static_cast<char *>(malloc(n));
  if (m) {
    int k = snprintf(m, n, "%s: %s", e.get_type(), msg.c_str());
    if (k >= 0 && !ctx.empty())
      k += snprintf(m + k, n - static_cast<size_t>(k), " (context: %s)",
                    ctx.c_str());
    if (k >= 0 && errstr && *errstr)
      snprintf(m + k, n - static_cast<size_t>(k), " (%s)", errstr);
    err->message = m;
  }
  return status;
}

/* Runs body (returning an int status) with every exception mapped. */
template <class F> int guard(xc_error *err, F &&body) noexcept {
  try {
    return body();
  } catch (const Xapian::Error &e) {
    return fail_xapian(err, e);
  } catch (const std::bad_alloc &) {
    return fail(err, XC_ERR_NOMEM, "out of memory");
  } catch (const std::exception &e) {
    return fail(err, XC_ERR_OTHER, "C++ exception: ", e.what());
  } catch (...) {
    return fail(err, XC_ERR_OTHER, "unknown C++ exception");
  }
}

int invalid(xc_error *err, const char *what) noexcept {
  return fail(err, XC_ERR_INVALID, what);
}

/* Copies s into a malloc'd NUL-terminated buffer for the caller. */
void give(char **out, size_t *len, const std::string &s) {
  char *p = static_cast<char *>(malloc(s.size() + 1));
  if (!p)
    throw std::bad_alloc();
  if (!s.empty())
    memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  *out = p;
  if (len)
    *len = s.size();
}

template <class T> void reset_out(T **out) {
  if (out)
    *out = nullptr;
}

int need_writable(xc_db *db, xc_error *err) noexcept {
  if (!db)
    return invalid(err, "NULL database handle");
  if (!db->writable)
    return invalid(err, "database is open read-only");
  return XC_OK;
}

} // namespace

#define XC_NEED(cond, msg)                                                     \
  do {                                                                         \
    if (!(cond))                                                               \
      return invalid(err, msg);                                                \
  } while (0)

extern "C" {

const char *xc_status_name(int status) {
  switch (status) {
  case XC_OK: return "ok";
  case XC_ERR_OTHER: return "error";
  case XC_ERR_NOMEM: return "out of memory";
  case XC_ERR_INVALID: return "invalid argument or operation";
  case XC_ERR_NOT_FOUND: return "database not found";
  case XC_ERR_OPEN: return "cannot open database";
  case XC_ERR_CORRUPT: return "database corrupt";
  case XC_ERR_LOCKED: return "database locked by another writer";
  case XC_ERR_MODIFIED: return "database modified, reopen and retry";
  case XC_ERR_NETWORK: return "network error";
  case XC_ERR_NO_DOC: return "document not found";
  case XC_ERR_LIMIT: return "expansion limit exceeded";
  default: return "unknown status";
  }
}

void xc_error_clear(xc_error *err) {
  if (!err)
    return;
  free(err->message);
  err->message = nullptr;
  err->status = XC_OK;
}

const char *xc_error_message(const xc_error *err) {
  if (!err)
    return xc_status_name(XC_OK);
  return err->message ? err->message : xc_status_name(err->status);
}

const char *xc_version_string(void) {
  return Xapian::version_string();
}

/* ------------------------------------------------------------------ */
/* Databases                                                           */
/* ------------------------------------------------------------------ */

int xc_db_open(xc_db **out, const char *path, xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out && path, "NULL argument");
    XC_NEED(*path, "empty database path");
    auto db = std::make_unique<xc_db>();
    db->rdb = Xapian::Database(path);
    *out = db.release();
    return XC_OK;
  });
}

int xc_db_open_shards(xc_db **out, const char *const *paths, size_t n,
                      xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out && paths && n > 0, "NULL argument or no shard");
    for (size_t i = 0; i < n; i++)
      XC_NEED(paths[i] && *paths[i], "NULL or empty shard path");
    auto db = std::make_unique<xc_db>();
    for (size_t i = 0; i < n; i++)
      db->rdb.add_database(Xapian::Database(paths[i]));
    *out = db.release();
    return XC_OK;
  });
}

int xc_db_add_shard(xc_db *db, const char *path, xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED(db && path && *path, "NULL argument or empty path");
    XC_NEED(!db->writable, "cannot add a shard to a writable database");
    db->rdb.add_database(Xapian::Database(path));
    return XC_OK;
  });
}

int xc_db_open_remote(xc_db **out, const char *host, unsigned port,
                      unsigned timeout_ms, xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out && host && *host, "NULL argument or empty host");
    XC_NEED(port > 0 && port < 65536, "bad port");
    unsigned t = timeout_ms ? timeout_ms : 10000;
    auto db = std::make_unique<xc_db>();
    db->rdb = Xapian::Remote::open(host, port, t, t);
    *out = db.release();
    return XC_OK;
  });
}

int xc_db_open_writable(xc_db **out, const char *path, int flags,
                        xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out && path && *path, "NULL argument or empty path");
    XC_NEED((flags & ~(0x03 | XC_DB_NO_SYNC | XC_DB_RETRY_LOCK)) == 0,
            "unknown flag");
    int xf = Xapian::DB_BACKEND_GLASS;
    switch (flags & 0x03) {
    case XC_DB_CREATE_OR_OPEN: xf |= Xapian::DB_CREATE_OR_OPEN; break;
    case XC_DB_CREATE: xf |= Xapian::DB_CREATE; break;
    case XC_DB_CREATE_OR_OVERWRITE: xf |= Xapian::DB_CREATE_OR_OVERWRITE; break;
    default: xf |= Xapian::DB_OPEN; break;
    }
    if (flags & XC_DB_NO_SYNC)
      xf |= Xapian::DB_NO_SYNC;
    if (flags & XC_DB_RETRY_LOCK)
      xf |= Xapian::DB_RETRY_LOCK;
    auto db = std::make_unique<xc_db>();
    db->wdb = Xapian::WritableDatabase(path, xf);
    db->writable = true;
    *out = db.release();
    return XC_OK;
  });
}

int xc_db_create_scratch(xc_db **out, const char *path, unsigned block_size,
                         xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out && path && *path, "NULL argument or empty path");
    XC_NEED(block_size == 0 || (block_size >= 2048 && block_size <= 65536 &&
                                (block_size & (block_size - 1)) == 0),
            "bad block size");
    int xf = Xapian::DB_BACKEND_GLASS | Xapian::DB_CREATE | Xapian::DB_NO_SYNC |
             Xapian::DB_DANGEROUS;
    auto db = std::make_unique<xc_db>();
    db->wdb = Xapian::WritableDatabase(path, xf, (int)block_size);
    db->writable = true;
    *out = db.release();
    return XC_OK;
  });
}

int xc_db_is_writable(const xc_db *db) {
  return db && db->writable ? 1 : 0;
}

int xc_db_reopen(int *changed, xc_db *db, xc_error *err) {
  if (changed)
    *changed = 0;
  return guard(err, [&]() -> int {
    XC_NEED(db, "NULL database handle");
    bool moved = db->get().reopen();
    if (changed)
      *changed = moved ? 1 : 0;
    return XC_OK;
  });
}

int xc_db_close(xc_db *db, xc_error *err) {
  if (!db)
    return XC_OK;
  int rc = guard(err, [&]() -> int {
    db->get().close();
    return XC_OK;
  });
  delete db; // Xapian destructors do not throw
  return rc;
}

void xc_db_free(xc_db *db) {
  // Only drops this reference: Xapian commits and unlocks a writable
  // database when its last reference goes, swallowing errors.
  delete db;
}

int xc_db_doc_count(uint32_t *out, xc_db *db, xc_error *err) {
  if (out)
    *out = 0;
  return guard(err, [&]() -> int {
    XC_NEED(out && db, "NULL argument");
    *out = db->get().get_doccount();
    return XC_OK;
  });
}

int xc_db_last_docid(xc_docid *out, xc_db *db, xc_error *err) {
  if (out)
    *out = 0;
  return guard(err, [&]() -> int {
    XC_NEED(out && db, "NULL argument");
    *out = db->get().get_lastdocid();
    return XC_OK;
  });
}

int xc_db_revision(uint64_t *out, xc_db *db, xc_error *err) {
  if (out)
    *out = 0;
  return guard(err, [&]() -> int {
    XC_NEED(out && db, "NULL argument");
    *out = db->get().get_revision();
    return XC_OK;
  });
}

int xc_db_avg_length(double *out, xc_db *db, xc_error *err) {
  if (out)
    *out = 0;
  return guard(err, [&]() -> int {
    XC_NEED(out && db, "NULL argument");
    *out = db->get().get_avlength();
    return XC_OK;
  });
}

int xc_db_term_freq(uint32_t *out, xc_db *db, const char *term, xc_error *err) {
  if (out)
    *out = 0;
  return guard(err, [&]() -> int {
    XC_NEED(out && db && term, "NULL argument");
    *out = db->get().get_termfreq(term);
    return XC_OK;
  });
}

int xc_db_collection_freq(uint64_t *out, xc_db *db, const char *term,
                          xc_error *err) {
  if (out)
    *out = 0;
  return guard(err, [&]() -> int {
    XC_NEED(out && db && term, "NULL argument");
    *out = db->get().get_collection_freq(term);
    return XC_OK;
  });
}

int xc_db_term_exists(int *out, xc_db *db, const char *term, xc_error *err) {
  if (out)
    *out = 0;
  return guard(err, [&]() -> int {
    XC_NEED(out && db && term, "NULL argument");
    XC_NEED(*term, "empty term");
    *out = db->get().term_exists(term) ? 1 : 0;
    return XC_OK;
  });
}

int xc_db_get_metadata(char **out, size_t *len, xc_db *db, const char *key,
                       xc_error *err) {
  reset_out(out);
  if (len)
    *len = 0;
  return guard(err, [&]() -> int {
    XC_NEED(out && db && key, "NULL argument");
    give(out, len, db->get().get_metadata(key));
    return XC_OK;
  });
}

int xc_db_set_metadata(xc_db *db, const char *key, const char *value,
                       size_t len, xc_error *err) {
  return guard(err, [&]() -> int {
    int rc = need_writable(db, err);
    if (rc)
      return rc;
    XC_NEED(key && (value || len == 0), "NULL argument");
    db->wdb.set_metadata(key, std::string(value ? value : "", len));
    return XC_OK;
  });
}

int xc_db_get_document(xc_doc **out, xc_db *db, xc_docid docid, xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out && db, "NULL argument");
    auto d = std::make_unique<xc_doc>();
    d->doc = db->get().get_document(docid);
    *out = d.release();
    return XC_OK;
  });
}

int xc_db_find_unique(xc_docid *out, xc_db *db, const char *term,
                      xc_error *err) {
  if (out)
    *out = 0;
  return guard(err, [&]() -> int {
    XC_NEED(out && db && term, "NULL argument");
    XC_NEED(*term, "empty term");
    Xapian::Database &d = db->get();
    Xapian::PostingIterator p = d.postlist_begin(term);
    if (p != d.postlist_end(term))
      *out = *p;
    return XC_OK;
  });
}

/* ------------------------------------------------------------------ */
/* Iterators                                                           */
/* ------------------------------------------------------------------ */

int xc_db_terms(xc_termit **out, xc_db *db, const char *prefix, xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out && db, "NULL argument");
    std::string p(prefix ? prefix : "");
    auto it = std::make_unique<xc_termit>();
    it->it = db->get().allterms_begin(p);
    it->end = db->get().allterms_end(p);
    it->want_wdf = false;
    *out = it.release();
    return XC_OK;
  });
}

int xc_db_doc_terms(xc_termit **out, xc_db *db, xc_docid docid, xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out && db, "NULL argument");
    auto it = std::make_unique<xc_termit>();
    it->it = db->get().termlist_begin(docid);
    it->end = db->get().termlist_end(docid);
    *out = it.release();
    return XC_OK;
  });
}

int xc_doc_terms(xc_termit **out, xc_doc *doc, xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out && doc, "NULL argument");
    auto it = std::make_unique<xc_termit>();
    it->it = doc->doc.termlist_begin();
    it->end = doc->doc.termlist_end();
    it->want_tf = doc->doc.get_docid() != 0;
    *out = it.release();
    return XC_OK;
  });
}

int xc_termit_next(xc_termit *it, xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED(it, "NULL iterator");
    if (it->at_end)
      return 0;
    if (it->started)
      ++it->it;
    it->started = true;
    if (it->it == it->end) {
      it->at_end = true;
      it->term.clear();
      it->tf = it->wdf = 0;
      return 0;
    }
    it->term = *it->it;
    it->tf = 0;
    it->wdf = 0;
    if (it->want_tf) {
      try {
        it->tf = it->it.get_termfreq();
      } catch (const Xapian::InvalidOperationError &) {
        it->tf = 0; // a document built in memory has no termfreq
      }
    }
    if (it->want_wdf)
      it->wdf = it->it.get_wdf();
    return 1;
  });
}

const char *xc_termit_term(const xc_termit *it, size_t *len) {
  if (len)
    *len = 0;
  if (!it || !it->started || it->at_end)
    return nullptr;
  if (len)
    *len = it->term.size();
  return it->term.c_str();
}

uint32_t xc_termit_termfreq(const xc_termit *it) {
  return it ? it->tf : 0;
}

uint32_t xc_termit_wdf(const xc_termit *it) {
  return it ? it->wdf : 0;
}

void xc_termit_free(xc_termit *it) {
  delete it;
}

int xc_db_postings(xc_postit **out, xc_db *db, const char *term,
                   xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out && db, "NULL argument");
    std::string t(term ? term : "");
    auto it = std::make_unique<xc_postit>();
    it->it = db->get().postlist_begin(t);
    it->end = db->get().postlist_end(t);
    *out = it.release();
    return XC_OK;
  });
}

int xc_postit_next(xc_postit *it, xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED(it, "NULL iterator");
    if (it->at_end)
      return 0;
    if (it->started)
      ++it->it;
    it->started = true;
    if (it->it == it->end) {
      it->at_end = true;
      it->docid = 0;
      it->wdf = 0;
      return 0;
    }
    it->docid = *it->it;
    it->wdf = it->it.get_wdf();
    return 1;
  });
}

xc_docid xc_postit_docid(const xc_postit *it) {
  return it ? it->docid : 0;
}

uint32_t xc_postit_wdf(const xc_postit *it) {
  return it ? it->wdf : 0;
}

void xc_postit_free(xc_postit *it) {
  delete it;
}

/* ------------------------------------------------------------------ */
/* Writing                                                             */
/* ------------------------------------------------------------------ */

#define XC_NEED_WRITABLE(db)                                                   \
  do {                                                                         \
    int need_rc_ = need_writable(db, err);                                     \
    if (need_rc_)                                                              \
      return need_rc_;                                                         \
  } while (0)

int xc_db_begin_transaction(xc_db *db, int flushed, xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED_WRITABLE(db);
    db->wdb.begin_transaction(flushed != 0);
    return XC_OK;
  });
}

int xc_db_commit_transaction(xc_db *db, xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED_WRITABLE(db);
    db->wdb.commit_transaction();
    return XC_OK;
  });
}

int xc_db_cancel_transaction(xc_db *db, xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED_WRITABLE(db);
    db->wdb.cancel_transaction();
    return XC_OK;
  });
}

int xc_db_commit(xc_db *db, xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED_WRITABLE(db);
    db->wdb.commit();
    return XC_OK;
  });
}

int xc_db_add_document(xc_docid *out, xc_db *db, const xc_doc *doc,
                       xc_error *err) {
  if (out)
    *out = 0;
  return guard(err, [&]() -> int {
    XC_NEED_WRITABLE(db);
    XC_NEED(doc, "NULL document");
    xc_docid id = db->wdb.add_document(doc->doc);
    if (out)
      *out = id;
    return XC_OK;
  });
}

int xc_db_replace_by_term(xc_docid *out, xc_db *db, const char *unique_term,
                          const xc_doc *doc, xc_error *err) {
  if (out)
    *out = 0;
  return guard(err, [&]() -> int {
    XC_NEED_WRITABLE(db);
    XC_NEED(doc && unique_term, "NULL argument");
    XC_NEED(*unique_term, "empty unique term");
    xc_docid id = db->wdb.replace_document(unique_term, doc->doc);
    if (out)
      *out = id;
    return XC_OK;
  });
}

int xc_db_replace_document(xc_db *db, xc_docid docid, const xc_doc *doc,
                           xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED_WRITABLE(db);
    XC_NEED(doc, "NULL document");
    XC_NEED(docid != 0, "docid 0");
    db->wdb.replace_document(docid, doc->doc);
    return XC_OK;
  });
}

int xc_db_delete_by_term(xc_db *db, const char *unique_term, xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED_WRITABLE(db);
    XC_NEED(unique_term, "NULL term");
    XC_NEED(*unique_term, "empty unique term");
    db->wdb.delete_document(std::string(unique_term));
    return XC_OK;
  });
}

int xc_db_delete_document(xc_db *db, xc_docid docid, xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED_WRITABLE(db);
    db->wdb.delete_document(docid);
    return XC_OK;
  });
}

int xc_db_add_spelling(xc_db *db, const char *word, uint32_t freqinc,
                       xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED_WRITABLE(db);
    XC_NEED(word, "NULL word");
    XC_NEED(*word, "empty word");
    XC_NEED(freqinc > 0, "freqinc 0");
    db->wdb.add_spelling(word, freqinc);
    return XC_OK;
  });
}

int xc_db_spelling_suggestion(char **out, xc_db *db, const char *word,
                              unsigned max_edit_distance, xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out && db && word, "NULL argument");
    unsigned d = max_edit_distance ? max_edit_distance : 2;
    give(out, nullptr, db->get().get_spelling_suggestion(word, d));
    return XC_OK;
  });
}

/* ------------------------------------------------------------------ */
/* Compaction                                                          */
/* ------------------------------------------------------------------ */

namespace {

int compact_flags(int flags) {
  int f = 0;
  if (flags & XC_COMPACT_SINGLE_FILE)
    f |= Xapian::DBCOMPACT_SINGLE_FILE;
  if (flags & XC_COMPACT_MULTIPASS)
    f |= Xapian::DBCOMPACT_MULTIPASS;
  if (flags & XC_COMPACT_NO_RENUMBER)
    f |= Xapian::DBCOMPACT_NO_RENUMBER;
  return f;
}

/* 0 if dest does not exist or is an empty directory. */
int check_dest(const char *dest, xc_error *err) {
  struct stat st;
  if (stat(dest, &st) != 0)
    return errno == ENOENT ? XC_OK
                           : fail(err, XC_ERR_INVALID,
                                  "cannot use compaction destination ", dest);
  if (S_ISDIR(st.st_mode)) {
    DIR *dir = opendir(dest);
    if (!dir)
      return fail(err, XC_ERR_INVALID, "cannot read directory ", dest);
    bool empty = true;
    while (struct dirent *de = readdir(dir))
      if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
        empty = false;
        break;
      }
    closedir(dir);
    if (empty)
      return XC_OK;
  }
  return fail(err, XC_ERR_INVALID, "compaction destination exists: ", dest);
}

constexpr int kCompactKnown =
    XC_COMPACT_SINGLE_FILE | XC_COMPACT_MULTIPASS | XC_COMPACT_NO_RENUMBER;

} // namespace

int xc_db_compact(xc_db *db, const char *dest, int flags, xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED(db && dest && *dest, "NULL argument or empty destination");
    XC_NEED((flags & ~kCompactKnown) == 0, "unknown compaction flag");
    int rc = check_dest(dest, err);
    if (rc)
      return rc;
    db->get().compact(dest, compact_flags(flags));
    return XC_OK;
  });
}

int xc_compact_path(const char *src_path, const char *dest, int flags,
                    xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED(src_path && *src_path && dest && *dest,
            "NULL or empty source or destination");
    XC_NEED((flags & ~kCompactKnown) == 0, "unknown compaction flag");
    int rc = check_dest(dest, err);
    if (rc)
      return rc;
    Xapian::Database src(src_path);
    src.compact(dest, compact_flags(flags));
    return XC_OK;
  });
}

void xc_table_sizes_free(xc_table_size *sizes, size_t n) {
  if (!sizes)
    return;
  for (size_t i = 0; i < n; i++)
    free(sizes[i].name);
  free(sizes);
}

int xc_db_table_sizes(xc_table_size **out, size_t *n, uint64_t *total,
                      const char *path, xc_error *err) {
  reset_out(out);
  if (n)
    *n = 0;
  if (total)
    *total = 0;
  return guard(err, [&]() -> int {
    XC_NEED(out && n && path, "NULL argument");
    struct stat st;
    if (stat(path, &st) != 0)
      return fail(err, XC_ERR_NOT_FOUND, "cannot stat ", path);
    std::vector<std::pair<std::string, uint64_t>> files;
    if (S_ISDIR(st.st_mode)) {
      DIR *dir = opendir(path);
      if (!dir)
        return fail(err, XC_ERR_OPEN, "cannot read directory ", path);
      try {
        while (struct dirent *de = readdir(dir)) {
          std::string full = std::string(path) + "/" + de->d_name;
          struct stat fst;
          if (stat(full.c_str(), &fst) == 0 && S_ISREG(fst.st_mode))
            files.emplace_back(de->d_name, static_cast<uint64_t>(fst.st_size));
        }
      } catch (...) {
        closedir(dir);
        throw;
      }
      closedir(dir);
      std::sort(files.begin(), files.end());
    } else {
      const char *slash = strrchr(path, '/');
      files.emplace_back(slash ? slash + 1 : path,
                         static_cast<uint64_t>(st.st_size));
    }
    xc_table_size *arr = static_cast<xc_table_size *>(
        calloc(files.size() ? files.size() : 1, sizeof *arr));
    if (!arr)
      throw std::bad_alloc();
    uint64_t sum = 0;
    for (size_t i = 0; i < files.size(); i++) {
      try {
        give(&arr[i].name, nullptr, files[i].first);
      } catch (...) {
        xc_table_sizes_free(arr, i);
        throw;
      }
      arr[i].bytes = files[i].second;
      sum += files[i].second;
    }
    *out = arr;
    *n = files.size();
    if (total)
      *total = sum;
    return XC_OK;
  });
}

/* ------------------------------------------------------------------ */
/* Documents                                                           */
/* ------------------------------------------------------------------ */

int xc_doc_new(xc_doc **out, xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out, "NULL argument");
    *out = new xc_doc;
    return XC_OK;
  });
}

void xc_doc_free(xc_doc *doc) {
  delete doc;
}

xc_docid xc_doc_get_docid(const xc_doc *doc) {
  return doc ? doc->doc.get_docid() : 0;
}

int xc_doc_add_posting(xc_doc *doc, const char *term, uint32_t pos,
                       uint32_t wdf_inc, xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED(doc && term, "NULL argument");
    XC_NEED(*term, "empty term");
    doc->doc.add_posting(term, pos, wdf_inc);
    return XC_OK;
  });
}

int xc_doc_add_term(xc_doc *doc, const char *term, uint32_t wdf_inc,
                    xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED(doc && term, "NULL argument");
    XC_NEED(*term, "empty term");
    doc->doc.add_term(term, wdf_inc);
    return XC_OK;
  });
}

int xc_doc_add_boolean_term(xc_doc *doc, const char *term, xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED(doc && term, "NULL argument");
    XC_NEED(*term, "empty term");
    doc->doc.add_boolean_term(term);
    return XC_OK;
  });
}

int xc_doc_clear_terms(xc_doc *doc, xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED(doc, "NULL document");
    doc->doc.clear_terms();
    return XC_OK;
  });
}

int xc_doc_set_value(xc_doc *doc, xc_slot slot, const char *bytes, size_t len,
                     xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED(doc && (bytes || len == 0), "NULL argument");
    XC_NEED(slot != XC_BAD_SLOT, "bad value slot");
    if (len == 0) {
      if (!doc->doc.get_value(slot).empty()) // removing an unset value throws
        doc->doc.remove_value(slot);
    } else
      doc->doc.add_value(slot, std::string(bytes, len));
    return XC_OK;
  });
}

int xc_doc_get_value(char **out, size_t *len, xc_doc *doc, xc_slot slot,
                     xc_error *err) {
  reset_out(out);
  if (len)
    *len = 0;
  return guard(err, [&]() -> int {
    XC_NEED(out && doc, "NULL argument");
    XC_NEED(slot != XC_BAD_SLOT, "bad value slot");
    give(out, len, doc->doc.get_value(slot));
    return XC_OK;
  });
}

int xc_doc_set_data(xc_doc *doc, const char *bytes, size_t len, xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED(doc && (bytes || len == 0), "NULL argument");
    doc->doc.set_data(std::string(bytes ? bytes : "", len));
    return XC_OK;
  });
}

int xc_doc_get_data(char **out, size_t *len, xc_doc *doc, xc_error *err) {
  reset_out(out);
  if (len)
    *len = 0;
  return guard(err, [&]() -> int {
    XC_NEED(out && doc, "NULL argument");
    give(out, len, doc->doc.get_data());
    return XC_OK;
  });
}

/* ------------------------------------------------------------------ */
/* Queries                                                             */
/* ------------------------------------------------------------------ */

namespace {

// A term's postings weighed exactly as Xapian::BM25Weight weighs a term
// query with wqf 1 and factor 1 (the BM25 formula of BM25Weight's API
// documentation, on the same statistics, its operations ordered so that
// the doubles come out equal: test_bm25_term_source compares them bit for
// bit with Xapian's), taking each document's length from xc_doclens
// instead of Xapian's length list. The matcher sees the same documents,
// frequencies and maximum weight as for Xapian::Query(term), so it takes
// the same path: same results, weights and estimates.
class Bm25TermSource : public Xapian::PostingSource {
  std::string term_;
  Xapian::doccount tf_;
  Xapian::termcount wdf_ub_;
  double k1_, k2_, k3_, b_, min_normlen_;
  std::shared_ptr<xc_doclens> lens_;
  Xapian::PostingIterator it_, end_;
  bool fresh_ = true; // it_ opened by the constructor and not used yet
  bool started_ = false;
  double termweight_ = 0, len_factor_ = 0;
  const Xapian::termcount *len_ = nullptr;
  Xapian::docid nlen_ = 0;

public:
  // Reads the term's frequency, wdf bound and postings one after the other,
  // while the table's cursor holds the term's block (the match would read
  // them apart, each from the root again).
  Bm25TermSource(const Xapian::Database &db, const std::string &term,
                 const xc_bm25 &p, std::shared_ptr<xc_doclens> lens)
      : term_(term), tf_(db.get_termfreq(term)),
        wdf_ub_(db.get_wdf_upper_bound(term)), k1_(p.k1), k2_(p.k2), k3_(p.k3),
        b_(p.b), min_normlen_(p.min_normlen), lens_(std::move(lens)),
        it_(db.postlist_begin(term)), end_(db.postlist_end(term)) {}

  Xapian::doccount termfreq() const {
    return tf_;
  }

  Xapian::doccount get_termfreq_min() const override {
    return tf_;
  }
  Xapian::doccount get_termfreq_est() const override {
    return tf_;
  }
  Xapian::doccount get_termfreq_max() const override {
    return tf_;
  }

  void init(const Xapian::Database &db) override {
    started_ = false;
    if (!fresh_) {
      it_ = db.postlist_begin(term_);
      end_ = db.postlist_end(term_);
    }
    fresh_ = false;
    xc_doclens &L = *lens_;
    Xapian::rev rev = db.get_revision();
    Xapian::docid last = db.get_lastdocid();
    if (!L.ready || L.rev != rev || L.last != last) {
      L.ready = false;
      // 4 bytes a docid; beyond XC_DOCLENS_MAX docids, no table (lengths
      // come from Xapian, as for a plain term)
      L.len.clear();
      if (last < XC_DOCLENS_MAX) {
        L.len.assign(static_cast<size_t>(last) + 1, 0);
        try {
          for (Xapian::PostingIterator p = db.postlist_begin(std::string());
               p != db.postlist_end(std::string()); ++p)
            if (*p <= last)
              L.len[*p] = p.get_doclength();
        } catch (const Xapian::DocNotFoundError &e) {
          // a writer committed while the list was read (seen under
          // test_embed's indexing threads): the caller reopens and retries
          throw Xapian::DatabaseModifiedError(
              "document lengths changed while read: " + e.get_msg());
        }
      }
      L.rev = rev;
      L.last = last;
      L.ready = true;
    }
    len_ = L.len.data();
    nlen_ = static_cast<Xapian::docid>(L.len.size());
    // BM25Weight::init(factor 1) with wqf 1 and no RSet
    double N = db.get_doccount();
    double tw = (N - tf_ + 0.5) / (tf_ + 0.5);
    if (tw < 2)
      tw = tw * 0.5 + 1;
    termweight_ = std::log(tw) * 1.0;
    if (k3_ != 0) {
      double wqf_double = 1;
      termweight_ *= (k3_ + 1) * wqf_double / (k3_ + wqf_double);
    }
    termweight_ *= (k1_ + 1);
    if (k2_ == 0 && (b_ == 0 || k1_ == 0)) {
      len_factor_ = 0;
    } else {
      len_factor_ = db.get_avlength();
      if (len_factor_ != 0)
        len_factor_ = 1 / len_factor_;
    }
    // BM25Weight::get_maxpart
    double denom = k1_;
    Xapian::termcount wdf_ub = wdf_ub_;
    if (k1_ != 0.0 && b_ != 0.0) {
      double normlen_lb = std::max(
          std::max(wdf_ub, db.get_doclength_lower_bound()) * len_factor_,
          min_normlen_);
      denom *= (normlen_lb * b_ + (1 - b_));
    }
    double wdf_max(wdf_ub);
    denom += wdf_max;
    set_maxweight(termweight_ * (wdf_max / denom));
  }

  void next(double) override {
    if (!started_) {
      started_ = true;
      return;
    }
    ++it_;
  }
  void skip_to(Xapian::docid did, double) override {
    started_ = true;
    it_.skip_to(did);
  }
  bool at_end() const override {
    return started_ && it_ == end_;
  }
  Xapian::docid get_docid() const override {
    return *it_;
  }
  double get_weight() const override {
    // BM25Weight::get_sumpart
    Xapian::docid did = *it_;
    Xapian::termcount len = did < nlen_ ? len_[did] : it_.get_doclength();
    Xapian::termcount wdf = it_.get_wdf();
    double normlen = std::max(len * len_factor_, min_normlen_);
    double wdf_double(wdf);
    double denom = k1_ * (normlen * b_ + (1 - b_)) + wdf_double;
    return termweight_ * (wdf_double / denom);
  }
  std::string name() const override {
    return std::string();
  }
  std::string get_description() const override {
    return "Bm25TermSource(" + term_ + ")";
  }
};

int give_query(xc_query **out, Xapian::Query &&q) {
  xc_query *h = new xc_query;
  h->q = std::move(q);
  *out = h;
  return XC_OK;
}

} // namespace

int xc_query_term(xc_query **out, const char *term, uint32_t wqf, uint32_t pos,
                  xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out && term, "NULL argument");
    XC_NEED(*term, "empty term");
    return give_query(out, Xapian::Query(term, wqf ? wqf : 1, pos));
  });
}

int xc_query_term_bm25(xc_query **out, uint32_t *termfreq, xc_db *db,
                       const char *term, const xc_bm25 *params, xc_error *err) {
  reset_out(out);
  if (termfreq)
    *termfreq = 0;
  return guard(err, [&]() -> int {
    XC_NEED(out && termfreq && db && term && params, "NULL argument");
    XC_NEED(*term, "empty term");
    XC_NEED(!db->writable, "a BM25 term source needs a read-only database");
    XC_NEED(params->k1 >= 0 && params->k2 >= 0 && params->k3 >= 0 &&
                params->b >= 0 && params->b <= 1 && params->min_normlen >= 0,
            "BM25 parameters must be >= 0 (and b <= 1)");
    if (!db->lens)
      db->lens = std::make_shared<xc_doclens>();
    std::unique_ptr<Bm25TermSource> src(
        new Bm25TermSource(db->rdb, term, *params, db->lens));
    uint32_t tf = src->termfreq();
    int rc = give_query(out, Xapian::Query(src.release()->release()));
    if (rc == XC_OK)
      *termfreq = tf;
    return rc;
  });
}

int xc_query_combine(xc_query **out, xc_op op, const xc_query *const *subs,
                     size_t n, uint32_t param, xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out && subs && n > 0, "NULL argument or no subquery");
    std::vector<Xapian::Query> v;
    v.reserve(n);
    for (size_t i = 0; i < n; i++) {
      XC_NEED(subs[i], "NULL subquery");
      v.push_back(subs[i]->q);
    }
    Xapian::Query::op xop;
    Xapian::termcount p = 0;
    switch (op) {
    case XC_OP_AND: xop = Xapian::Query::OP_AND; break;
    case XC_OP_OR: xop = Xapian::Query::OP_OR; break;
    case XC_OP_AND_NOT: xop = Xapian::Query::OP_AND_NOT; break;
    case XC_OP_XOR: xop = Xapian::Query::OP_XOR; break;
    case XC_OP_AND_MAYBE: xop = Xapian::Query::OP_AND_MAYBE; break;
    case XC_OP_FILTER: xop = Xapian::Query::OP_FILTER; break;
    case XC_OP_SYNONYM: xop = Xapian::Query::OP_SYNONYM; break;
    case XC_OP_MAX: xop = Xapian::Query::OP_MAX; break;
    case XC_OP_ELITE_SET:
      xop = Xapian::Query::OP_ELITE_SET;
      p = param;
      break;
    case XC_OP_PHRASE:
      xop = Xapian::Query::OP_PHRASE;
      p = param;
      break;
    case XC_OP_NEAR:
      xop = Xapian::Query::OP_NEAR;
      p = param;
      break;
    default: return invalid(err, "unknown query operator");
    }
    return give_query(out, Xapian::Query(xop, v.begin(), v.end(), p));
  });
}

namespace {

int positional(xc_query **out, Xapian::Query::op op, const char *const *terms,
               size_t n, uint32_t window, xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out && terms && n > 0, "NULL argument or no term");
    std::vector<Xapian::Query> v;
    v.reserve(n);
    for (size_t i = 0; i < n; i++) {
      XC_NEED(terms[i], "NULL term");
      XC_NEED(*terms[i], "empty term");
      v.emplace_back(terms[i], 1, static_cast<Xapian::termpos>(i + 1));
    }
    return give_query(out, Xapian::Query(op, v.begin(), v.end(), window));
  });
}

} // namespace

int xc_query_phrase(xc_query **out, const char *const *terms, size_t n,
                    uint32_t window, xc_error *err) {
  return positional(out, Xapian::Query::OP_PHRASE, terms, n, window, err);
}

int xc_query_near(xc_query **out, const char *const *terms, size_t n,
                  uint32_t window, xc_error *err) {
  return positional(out, Xapian::Query::OP_NEAR, terms, n, window, err);
}

int xc_query_scale(xc_query **out, const xc_query *sub, double factor,
                   xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out && sub, "NULL argument");
    return give_query(
        out, Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, sub->q, factor));
  });
}

int xc_query_value_range(xc_query **out, xc_slot slot, const char *lo,
                         const char *hi, xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out, "NULL argument");
    XC_NEED(slot != XC_BAD_SLOT, "bad value slot");
    if (lo && hi)
      return give_query(
          out, Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi));
    if (hi)
      return give_query(out,
                        Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi));
    return give_query(
        out, Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo ? lo : ""));
  });
}

int xc_query_value_ge(xc_query **out, xc_slot slot, const char *lo,
                      xc_error *err) {
  if (!lo) {
    reset_out(out);
    return invalid(err, "NULL bound");
  }
  return xc_query_value_range(out, slot, lo, nullptr, err);
}

int xc_query_value_le(xc_query **out, xc_slot slot, const char *hi,
                      xc_error *err) {
  if (!hi) {
    reset_out(out);
    return invalid(err, "NULL bound");
  }
  return xc_query_value_range(out, slot, nullptr, hi, err);
}

int xc_query_wildcard(xc_query **out, const char *prefix,
                      uint32_t max_expansion, xc_wildcard_limit limit,
                      xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out && prefix, "NULL argument");
    XC_NEED(*prefix, "empty wildcard prefix");
    int flags;
    switch (limit) {
    case XC_WILDCARD_LIMIT_ERROR:
      flags = Xapian::Query::WILDCARD_LIMIT_ERROR;
      break;
    case XC_WILDCARD_LIMIT_FIRST:
      flags = Xapian::Query::WILDCARD_LIMIT_FIRST;
      break;
    case XC_WILDCARD_LIMIT_MOST_FREQUENT:
      flags = Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT;
      break;
    default: return invalid(err, "unknown wildcard limit mode");
    }
    return give_query(out, Xapian::Query(Xapian::Query::OP_WILDCARD, prefix,
                                         max_expansion, flags,
                                         Xapian::Query::OP_SYNONYM));
  });
}

int xc_query_match_all(xc_query **out, xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out, "NULL argument");
    return give_query(out, Xapian::Query(Xapian::Query::MatchAll));
  });
}

int xc_query_match_nothing(xc_query **out, xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out, "NULL argument");
    return give_query(out, Xapian::Query(Xapian::Query::MatchNothing));
  });
}

int xc_query_dup(xc_query **out, const xc_query *q, xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out && q, "NULL argument");
    return give_query(out, Xapian::Query(q->q));
  });
}

int xc_query_is_empty(const xc_query *q) {
  return !q || q->q.empty() ? 1 : 0;
}

int xc_query_describe(char **out, const xc_query *q, xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out && q, "NULL argument");
    give(out, nullptr, q->q.get_description());
    return XC_OK;
  });
}

void xc_query_free(xc_query *q) {
  delete q;
}

/* ------------------------------------------------------------------ */
/* Match spies                                                         */
/* ------------------------------------------------------------------ */

int xc_spy_new_values(xc_spy **out, xc_slot slot, xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out, "NULL argument");
    XC_NEED(slot != XC_BAD_SLOT, "bad value slot");
    *out = new xc_spy(slot, -1);
    return XC_OK;
  });
}

int xc_spy_new_multi(xc_spy **out, xc_slot slot, char sep, xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out, "NULL argument");
    XC_NEED(slot != XC_BAD_SLOT, "bad value slot");
    *out = new xc_spy(slot, static_cast<unsigned char>(sep));
    return XC_OK;
  });
}

void xc_facets_free(xc_facets *facets) {
  if (!facets)
    return;
  if (facets->items)
    for (size_t i = 0; i < facets->n; i++)
      free(facets->items[i].value);
  free(facets->items);
  free(facets);
}

int xc_spy_top(xc_facets **out, const xc_spy *spy, size_t max, xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out && spy, "NULL argument");
    using Entry = std::pair<const std::string *, Xapian::doccount>;
    std::vector<Entry> v;
    for (const auto &kv : spy->spy.counts())
      v.emplace_back(&kv.first, kv.second);
    std::sort(v.begin(), v.end(), [](const Entry &a, const Entry &b) {
      if (a.second != b.second)
        return a.second > b.second;
      return *a.first < *b.first;
    });
    if (max && v.size() > max)
      v.resize(max);
    xc_facets *f = static_cast<xc_facets *>(calloc(1, sizeof *f));
    if (!f)
      throw std::bad_alloc();
    f->items = static_cast<xc_facet *>(
        calloc(v.empty() ? 1 : v.size(), sizeof *f->items));
    if (!f->items) {
      free(f);
      throw std::bad_alloc();
    }
    f->total = spy->spy.total();
    for (const Entry &e : v) {
      try {
        give(&f->items[f->n].value, &f->items[f->n].len, *e.first);
      } catch (...) {
        xc_facets_free(f);
        throw;
      }
      f->items[f->n].count = e.second;
      f->n++;
    }
    *out = f;
    return XC_OK;
  });
}

int xc_spy_reset(xc_spy *spy, xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED(spy, "NULL spy");
    spy->spy.reset();
    return XC_OK;
  });
}

void xc_spy_free(xc_spy *spy) {
  delete spy;
}

/* ------------------------------------------------------------------ */
/* Enquire and MSet                                                    */
/* ------------------------------------------------------------------ */

int xc_enquire_new(xc_enquire **out, xc_db *db, xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out && db, "NULL argument");
    *out = new xc_enquire(db->get());
    return XC_OK;
  });
}

void xc_enquire_free(xc_enquire *enq) {
  delete enq;
}

int xc_enquire_set_query(xc_enquire *enq, const xc_query *q, uint32_t qlen,
                         xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED(enq && q, "NULL argument");
    enq->enq.set_query(q->q, qlen);
    return XC_OK;
  });
}

int xc_enquire_set_bm25(xc_enquire *enq, const xc_bm25 *params, xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED(enq, "NULL enquire");
    const xc_bm25 def = XC_BM25_INIT;
    const xc_bm25 &p = params ? *params : def;
    // Xapian silently clamps negative parameters; refuse them instead.
    XC_NEED(p.k1 >= 0 && p.k2 >= 0 && p.k3 >= 0 && p.b >= 0 && p.b <= 1 &&
                p.min_normlen >= 0,
            "BM25 parameters must be >= 0 (and b <= 1)");
    enq->enq.set_weighting_scheme(
        Xapian::BM25Weight(p.k1, p.k2, p.k3, p.b, p.min_normlen));
    return XC_OK;
  });
}

int xc_enquire_set_bool_weight(xc_enquire *enq, xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED(enq, "NULL enquire");
    enq->enq.set_weighting_scheme(Xapian::BoolWeight());
    return XC_OK;
  });
}

int xc_enquire_set_sort(xc_enquire *enq, xc_sort sort, xc_slot slot,
                        int reverse, xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED(enq, "NULL enquire");
    XC_NEED(sort == XC_SORT_RELEVANCE || slot != XC_BAD_SLOT, "bad value slot");
    const bool rev = reverse != 0;
    switch (sort) {
    case XC_SORT_RELEVANCE: enq->enq.set_sort_by_relevance(); break;
    case XC_SORT_VALUE: enq->enq.set_sort_by_value(slot, rev); break;
    case XC_SORT_VALUE_THEN_RELEVANCE:
      enq->enq.set_sort_by_value_then_relevance(slot, rev);
      break;
    case XC_SORT_RELEVANCE_THEN_VALUE:
      enq->enq.set_sort_by_relevance_then_value(slot, rev);
      break;
    default: return invalid(err, "unknown sort order");
    }
    return XC_OK;
  });
}

int xc_enquire_set_docid_order(xc_enquire *enq, xc_docid_order order,
                               xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED(enq, "NULL enquire");
    switch (order) {
    case XC_DOCID_ASC:
      enq->enq.set_docid_order(Xapian::Enquire::ASCENDING);
      break;
    case XC_DOCID_DESC:
      enq->enq.set_docid_order(Xapian::Enquire::DESCENDING);
      break;
    case XC_DOCID_DONT_CARE:
      enq->enq.set_docid_order(Xapian::Enquire::DONT_CARE);
      break;
    default: return invalid(err, "unknown docid order");
    }
    return XC_OK;
  });
}

int xc_enquire_set_collapse_key(xc_enquire *enq, xc_slot slot, uint32_t max,
                                xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED(enq, "NULL enquire");
    XC_NEED(slot == XC_BAD_SLOT || max > 0, "collapse max 0");
    enq->enq.set_collapse_key(slot, max ? max : 1);
    return XC_OK;
  });
}

int xc_enquire_set_cutoff(xc_enquire *enq, int percent, double weight,
                          xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED(enq, "NULL enquire");
    XC_NEED(percent >= 0 && percent <= 100, "percent cutoff not in 0..100");
    XC_NEED(weight >= 0, "negative weight cutoff");
    enq->enq.set_cutoff(percent, weight);
    return XC_OK;
  });
}

int xc_enquire_add_spy(xc_enquire *enq, xc_spy *spy, xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED(enq && spy, "NULL argument");
    enq->enq.add_matchspy(&spy->spy); // not released: the caller owns it
    return XC_OK;
  });
}

int xc_enquire_clear_spies(xc_enquire *enq, xc_error *err) {
  return guard(err, [&]() -> int {
    XC_NEED(enq, "NULL enquire");
    enq->enq.clear_matchspies();
    return XC_OK;
  });
}

int xc_enquire_get_mset(xc_mset **out, xc_enquire *enq, uint32_t offset,
                        uint32_t limit, uint32_t check_at_least,
                        xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out && enq, "NULL argument");
    auto m = std::make_unique<xc_mset>();
    m->m = enq->enq.get_mset(offset, limit, check_at_least);
    *out = m.release();
    return XC_OK;
  });
}

size_t xc_mset_size(const xc_mset *mset) {
  return mset ? mset->m.size() : 0;
}

uint32_t xc_mset_matches_estimated(const xc_mset *mset) {
  return mset ? mset->m.get_matches_estimated() : 0;
}

uint32_t xc_mset_matches_lower_bound(const xc_mset *mset) {
  return mset ? mset->m.get_matches_lower_bound() : 0;
}

uint32_t xc_mset_matches_upper_bound(const xc_mset *mset) {
  return mset ? mset->m.get_matches_upper_bound() : 0;
}

int xc_mset_item_get(xc_mset_item *out, const xc_mset *mset, size_t i,
                     xc_error *err) {
  if (out)
    memset(out, 0, sizeof *out);
  return guard(err, [&]() -> int {
    XC_NEED(out && mset, "NULL argument");
    XC_NEED(i < mset->m.size(), "mset index out of range");
    Xapian::MSetIterator it = mset->m[static_cast<Xapian::doccount>(i)];
    out->docid = *it;
    out->rank = it.get_rank();
    out->weight = it.get_weight();
    out->percent = it.get_percent();
    out->collapse_count = it.get_collapse_count();
    return XC_OK;
  });
}

int xc_mset_data(char **out, size_t *len, xc_mset *mset, size_t i,
                 xc_error *err) {
  reset_out(out);
  if (len)
    *len = 0;
  return guard(err, [&]() -> int {
    XC_NEED(out && mset, "NULL argument");
    XC_NEED(i < mset->m.size(), "mset index out of range");
    Xapian::MSetIterator it = mset->m[static_cast<Xapian::doccount>(i)];
    give(out, len, it.get_document().get_data());
    return XC_OK;
  });
}

int xc_mset_term_freq(uint32_t *out, xc_mset *mset, const char *term,
                      xc_error *err) {
  if (out)
    *out = 0;
  return guard(err, [&]() -> int {
    XC_NEED(out && mset && term, "NULL argument");
    // MSet::get_termfreq answers from the match's statistics (the values
    // the weighting used, summed over shards as Database::get_termfreq
    // sums them) and asks the database only for a term they lack
    *out = mset->m.get_termfreq(term);
    return XC_OK;
  });
}

int xc_mset_value(char **out, size_t *len, xc_mset *mset, size_t i,
                  xc_slot slot, xc_error *err) {
  reset_out(out);
  if (len)
    *len = 0;
  return guard(err, [&]() -> int {
    XC_NEED(out && mset, "NULL argument");
    XC_NEED(i < mset->m.size(), "mset index out of range");
    XC_NEED(slot != XC_BAD_SLOT, "bad value slot");
    Xapian::MSetIterator it = mset->m[static_cast<Xapian::doccount>(i)];
    give(out, len, it.get_document().get_value(slot));
    return XC_OK;
  });
}

int xc_mset_document(xc_doc **out, xc_mset *mset, size_t i, xc_error *err) {
  reset_out(out);
  return guard(err, [&]() -> int {
    XC_NEED(out && mset, "NULL argument");
    XC_NEED(i < mset->m.size(), "mset index out of range");
    Xapian::MSetIterator it = mset->m[static_cast<Xapian::doccount>(i)];
    auto d = std::make_unique<xc_doc>();
    d->doc = it.get_document();
    *out = d.release();
    return XC_OK;
  });
}

void xc_mset_free(xc_mset *mset) {
  delete mset;
}

} // extern "C"
