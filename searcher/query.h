/* query.h — the Dépêche query language: text -> AST (internal).
 *
 * A recursive-descent parser over a token stream turns a user query into a
 * tree of dps_qnode. Words go through the SAME analyzer as the indexer
 * (analyzer.h), so elision, case, accents and hyphenated compounds behave
 * as they did at index time. The tree is printable (dps_query_describe) for
 * table-driven tests, then turned into a Xapian query by search.c, which
 * resolves what needs the index (source and entity names, the matching
 * policy of the default group).
 *
 * Grammar (precedence from loose to tight; docs/query-syntax.md):
 *   query   := group
 *   group   := { clause }                 implicit conjunction (DEFAULT)
 *   clause  := [AND|NOT] orexpr          "a NOT b" excludes b
 *   orexpr  := nearexpr { OR nearexpr }
 *   nearexpr:= unary { NEAR[/n] unary }
 *   unary   := [+|-] [=] item
 *   item    := '(' group ')' | "phrase" | field:value | word | prefix*
 * Malformed input never crashes: lone quotes run to the end, unbalanced
 * parentheses are closed or ignored, operators without operands are read as
 * words, control characters are spaces, nesting deeper than
 * DPS_QUERY_MAX_DEPTH is flattened. Rejected, with one clear message: a
 * date that cannot be a date (date:2021-13), a field with no value
 * (since:, org:), NEAR/n with n not in 0..DPS_NEAR_MAX, a NEAR side without
 * word positions or negated (a NEAR -b, a NEAR title:b, a NEAR b*), and a
 * query over the work bounds below (terms, wildcards, NEAR).
 *
 * NEAR over a group distributes: a NEAR (b OR c) is (a NEAR b) OR
 * (a NEAR c); a phrase side puts its words in the window (any order);
 * a chain a NEAR b NEAR/n c is one NEAR of a, b, c within the last n.
 */
#ifndef DEPECHE_QUERY_H
#define DEPECHE_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"

#define DPS_QUERY_MAX_DEPTH 32
/* Default NEAR distance (words between the two ends). */
#define DPS_NEAR_DEFAULT 10
/* Largest n of NEAR/n; NEAR/0 reads as NEAR/1 (adjacent, any order). */
#define DPS_NEAR_MAX 1000
/* Wildcards shorter than this (bytes of folded prefix) are read as words. */
#define DPS_WILDCARD_MIN 2

/* Bounds on the work one query may ask for (beyond: one clear error).
 * Each wildcard expands to at most 100 words (search.c), so a query
 * expands to at most 100 x DPS_QUERY_MAX_WILDCARDS words. */
#define DPS_QUERY_MAX_WILDCARDS 8
/* terms (words, words of phrases and of NEARs) in one query */
#define DPS_QUERY_MAX_TERMS 256
/* NEAR nodes in one query, counting each alternative of a NEAR over OR */
#define DPS_QUERY_MAX_NEAR 32
/* terms within one NEAR (a chain a NEAR b NEAR c... is one NEAR) */
#define DPS_NEAR_MAX_TERMS 16
/* alternatives of one NEAR: (a OR b) NEAR (c OR d) is 4 */
#define DPS_NEAR_MAX_ALTS 16

typedef enum dps_qkind {
  DPS_Q_TERM,     /* one term: Z stem, S stem (title:) or bare word (=) */
  DPS_Q_PHRASE,   /* TERM kids in order within window positions */
  DPS_Q_NEAR,     /* TERM kids in any order within window positions */
  DPS_Q_AND,      /* every kid (explicit AND, or parts of one word) */
  DPS_Q_DEFAULT,  /* implicit group: kids with mod; search.c picks policy */
  DPS_Q_OR,       /* any kid */
  DPS_Q_WILDCARD, /* bare words starting with term */
  DPS_Q_FILTER,   /* boolean filter: field + value (resolved against db) */
  DPS_Q_DATE,     /* date range on value slot 0: [term, hi], NULL = open */
} dps_qkind;

typedef enum dps_tkind {
  DPS_T_STEM = 0,  /* "Z" + folded stem (positional) */
  DPS_T_TITLE = 1, /* "S" + folded stem */
  DPS_T_EXACT = 2, /* bare folded word, no prefix */
} dps_tkind;

typedef enum dps_field {
  DPS_F_SOURCE = 0, /* source: */
  DPS_F_ENTITY,     /* entity: (any type) */
  DPS_F_PER,        /* per: */
  DPS_F_ORG,        /* org: */
  DPS_F_LOC,        /* loc: */
  DPS_F_MISC,       /* misc: */
  DPS_F_JOINED,     /* "APT 31": entity of any type named like the join */
} dps_field;

typedef struct dps_qnode {
  dps_qkind kind;          /* what this node is */
  char mod;                /* 0, '+' (required) or '-' (excluded) */
  dps_tkind tkind;         /* TERM: which term family */
  char *term;              /* TERM: full term ("Zminister"); WILDCARD: folded
                              prefix; FILTER: user's value; DATE: low bound
                              "YYYYMMDD" or NULL (all malloc'd) */
  char *hi;                /* DATE: high bound or NULL (malloc'd) */
  dps_field field;         /* FILTER: which filter */
  uint32_t pos;            /* TERM in a PHRASE/NEAR: relative position */
  uint32_t window;         /* PHRASE/NEAR: window in positions */
  uint32_t tflags;         /* TERM: analyzer flags of the word */
  long src_start;          /* TERM from one plain word: its byte offset in
                              the query text (spelling), else -1 */
  size_t src_len;          /* bytes of that word */
  struct dps_qnode **kids; /* children (owned) */
  size_t nkids;            /* number of children */
  size_t capkids;          /* allocated children */
} dps_qnode;

typedef struct dps_parse_opts {
  int drop_question_words; /* drop quel, combien, quand, où, ... (free words) */
  int question; /* a natural-language question: "mars 2019" is not read as
                   the code "mars2019" (only capitals, "APT 31", are) */
} dps_parse_opts;

/* Parses text[0,len) with analyzer a. *out is the tree (caller frees with
 * dps_qnode_free) or NULL when nothing searchable is left (only stopwords,
 * empty input). Returns 0, or -1 with *errmsg malloc'd (caller frees) for a
 * rejected query or an allocation failure. a is used, not kept. */
int dps_query_parse(dps_qnode **out, dp_analyzer *a, const char *text,
                    size_t len, const dps_parse_opts *o, char **errmsg);

/* Frees a tree (NULL ok). */
void dps_qnode_free(dps_qnode *n);

/* One-line description of a tree for tests and --debug, e.g.
 * "(DEFAULT Zchat -Zchien (PHRASE/4 Zminister Zdefens))"; "(EMPTY)" for
 * NULL. Malloc'd (caller frees); NULL on allocation failure. */
char *dps_query_describe(const dps_qnode *n);

/* 1 when folded word is a question word dropped from natural-language
 * questions (quel, combien, pourquoi...). */
int dps_is_question_word(const char *folded);

/* 1 when w is one of the words of the NULL-terminated list, else 0. */
int dps_in_list(const char *w, const char *const *list);

/* 1 when text reads as a natural-language question (ends with '?', or
 * holds quel/combien/pourquoi..., or starts with qui/où/qu'): such
 * questions are ranked by how many of their words an article holds
 * instead of requiring them all. */
int dps_query_is_question(dp_analyzer *a, const char *text, size_t len);

/* Parses a date bound: YYYY, YYYY-MM or YYYY-MM-DD (also with / or .),
 * as the low (is_hi 0) or high (is_hi 1) end of its period, into out
 * ("YYYYMMDD", 9 bytes). Returns 0, or -1 when s is not a valid date. */
int dps_parse_date(const char *s, size_t len, int is_hi, char out[9]);

#endif
