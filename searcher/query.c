/* query.c — query parser: lexer, recursive descent, AST (see query.h). */
#include "query.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"

/* ------------------------------------------------------------------ */
/* Lexer                                                               */
/* ------------------------------------------------------------------ */

typedef enum ltype {
  L_EOF,
  L_WORD,   /* a run of word bytes (maybe with '*' at the end) */
  L_PHRASE, /* text between quotes (without them) */
  L_LPAREN,
  L_RPAREN,
  L_AND,
  L_OR,
  L_NOT,
  L_NEAR,
  L_FIELD, /* name: ; the value is the next token */
} ltype;

enum lfield {
  LF_TITLE = 100,
  LF_DATE,
  LF_SINCE,
  LF_UNTIL,
};

typedef struct ltok {
  ltype t;
  const char *s; /* text (word, phrase body, operator) */
  size_t n;      /* bytes */
  char mod;      /* '+', '-' or 0 */
  int exact;     /* '=' before a word */
  int field;     /* L_FIELD: dps_field or enum lfield */
  uint32_t near; /* L_NEAR: distance */
  int adjacent;  /* L_FIELD: value follows the colon without a space */
  int bad;       /* L_NEAR: "NEAR/x" with x not a distance (rejected) */
} ltok;

typedef struct ltoks {
  ltok *v;
  size_t n, cap;
} ltoks;

/* Bytes of a separator at s[i] (ASCII space, control, NBSP, narrow NBSP,
 * thin space, zero-width space, ideographic space), else 0. */
static size_t space_len(const unsigned char *s, size_t i, size_t n) {
  unsigned char c = s[i];
  if (c <= 0x20 || c == 0x7f)
    return 1;
  if (c == 0xc2 && i + 1 < n && s[i + 1] == 0xa0)
    return 2;
  if (c == 0xe2 && i + 2 < n && s[i + 1] == 0x80 &&
      (s[i + 2] == 0xaf || s[i + 2] == 0x89 || s[i + 2] == 0x8b ||
       s[i + 2] == 0x87 || s[i + 2] == 0x82 || s[i + 2] == 0x83))
    return 3;
  if (c == 0xe3 && i + 2 < n && s[i + 1] == 0x80 && s[i + 2] == 0x80)
    return 3;
  return 0;
}

/* Bytes of a quotation mark at s[i] (" « » “ ” „), else 0. */
static size_t quote_len(const unsigned char *s, size_t i, size_t n) {
  unsigned char c = s[i];
  if (c == '"')
    return 1;
  if (c == 0xc2 && i + 1 < n && (s[i + 1] == 0xab || s[i + 1] == 0xbb))
    return 2;
  if (c == 0xe2 && i + 2 < n && s[i + 1] == 0x80 &&
      (s[i + 2] == 0x9c || s[i + 2] == 0x9d || s[i + 2] == 0x9e))
    return 3;
  return 0;
}

static int is_break(const unsigned char *s, size_t i, size_t n) {
  return space_len(s, i, n) || quote_len(s, i, n) || s[i] == '(' || s[i] == ')';
}

static int lpush(ltoks *L, ltok t) {
  if (L->n == L->cap) {
    size_t cap = L->cap ? L->cap * 2 : 16;
    ltok *v = realloc(L->v, cap * sizeof *v);
    if (!v)
      return -1;
    L->v = v;
    L->cap = cap;
  }
  L->v[L->n++] = t;
  return 0;
}

static const struct {
  const char *name;
  int field;
} field_names[] = {
    {"title", LF_TITLE},      {"titre", LF_TITLE},
    {"source", DPS_F_SOURCE}, {"entity", DPS_F_ENTITY},
    {"entite", DPS_F_ENTITY}, {"per", DPS_F_PER},
    {"org", DPS_F_ORG},       {"loc", DPS_F_LOC},
    {"misc", DPS_F_MISC},     {"date", LF_DATE},
    {"since", LF_SINCE},      {"depuis", LF_SINCE},
    {"until", LF_UNTIL},      {"jusqua", LF_UNTIL},
};

static int field_lookup(const char *s, size_t n) {
  for (size_t i = 0; i < sizeof field_names / sizeof field_names[0]; i++) {
    const char *f = field_names[i].name;
    if (strlen(f) == n && strncasecmp(f, s, n) == 0)
      return field_names[i].field;
  }
  return -1;
}

static int lex(const char *text, size_t n, ltoks *L) {
  const unsigned char *s = (const unsigned char *)text;
  size_t i = 0;
  while (i < n) {
    size_t k = space_len(s, i, n);
    if (k) {
      i += k;
      continue;
    }
    ltok t = {0};
    if (s[i] == '(' || s[i] == ')') {
      t.t = s[i] == '(' ? L_LPAREN : L_RPAREN;
      t.s = text + i;
      t.n = 1;
      i++;
      if (lpush(L, t))
        return -1;
      continue;
    }
    /* + - = prefixes, only when something follows; a run of them ("-+x",
     * "+-x") is one modifier, '-' when it holds one, so no minus is lost */
    if (s[i] == '+' || s[i] == '-') {
      size_t j = i;
      char m = '+';
      while (j < n && (s[j] == '+' || s[j] == '-')) {
        if (s[j] == '-')
          m = '-';
        j++;
      }
      if (j < n && !space_len(s, j, n) && s[j] != ')') {
        t.mod = m;
        i = j;
      }
    }
    if (s[i] == '=' && i + 1 < n && !is_break(s, i + 1, n)) {
      t.exact = 1;
      i++;
    }
    if (s[i] == '(' && t.mod) {
      /* -( ... ): the mod applies to the group */
      t.t = L_LPAREN;
      t.s = text + i;
      t.n = 1;
      i++;
      if (lpush(L, t))
        return -1;
      continue;
    }
    size_t q = quote_len(s, i, n);
    if (q) {
      size_t start = i + q, j = start;
      while (j < n && !quote_len(s, j, n))
        j++;
      t.t = L_PHRASE;
      t.s = text + start;
      t.n = j - start;
      i = j < n ? j + quote_len(s, j, n) : n;
      if (lpush(L, t))
        return -1;
      continue;
    }
    /* field name? */
    if (!t.exact) {
      size_t j = i;
      while (j < n && j - i < 16 && isalpha(s[j]))
        j++;
      if (j > i && j < n && s[j] == ':') {
        int f = field_lookup(text + i, j - i);
        if (f >= 0) {
          t.t = L_FIELD;
          t.s = text + i;
          t.n = j - i;
          t.field = f;
          t.adjacent = j + 1 < n && !space_len(s, j + 1, n);
          i = j + 1;
          if (lpush(L, t))
            return -1;
          continue;
        }
      }
    }
    size_t j = i;
    while (j < n && !is_break(s, j, n))
      j++;
    if (j == i) { /* a lone prefix char before a break */
      i++;
      continue;
    }
    t.t = L_WORD;
    t.s = text + i;
    t.n = j - i;
    if (!t.mod && !t.exact) {
      if (t.n == 3 && memcmp(t.s, "AND", 3) == 0)
        t.t = L_AND;
      else if (t.n == 2 && memcmp(t.s, "OR", 2) == 0)
        t.t = L_OR;
      else if (t.n == 3 && memcmp(t.s, "NOT", 3) == 0)
        t.t = L_NOT;
      else if (t.n == 4 && memcmp(t.s, "NEAR", 4) == 0) {
        t.t = L_NEAR;
        t.near = DPS_NEAR_DEFAULT;
      } else if (t.n >= 5 && memcmp(t.s, "NEAR/", 5) == 0) {
        /* NEAR/n: n from 0 to DPS_NEAR_MAX, else the parser rejects it */
        uint32_t d = 0;
        size_t m = 5;
        for (; m < t.n && m < 12 && isdigit((unsigned char)t.s[m]); m++)
          d = d * 10 + (uint32_t)(t.s[m] - '0');
        t.t = L_NEAR;
        t.near = d;
        t.bad = m == 5 || m != t.n || d > DPS_NEAR_MAX;
      }
    }
    i = j;
    if (lpush(L, t))
      return -1;
  }
  ltok e = {0};
  e.t = L_EOF;
  e.s = text + n;
  return lpush(L, e);
}

/* ------------------------------------------------------------------ */
/* Nodes                                                               */
/* ------------------------------------------------------------------ */

void dps_qnode_free(dps_qnode *n) {
  if (!n)
    return;
  for (size_t i = 0; i < n->nkids; i++)
    dps_qnode_free(n->kids[i]);
  free(n->kids);
  free(n->term);
  free(n->hi);
  free(n);
}

static dps_qnode *node_new(dps_qkind k) {
  dps_qnode *n = calloc(1, sizeof *n);
  if (n) {
    n->kind = k;
    n->src_start = -1;
  }
  return n;
}

static int node_add(dps_qnode *p, dps_qnode *kid) {
  if (p->nkids == p->capkids) {
    size_t cap = p->capkids ? p->capkids * 2 : 4;
    dps_qnode **v = realloc(p->kids, cap * sizeof *v);
    if (!v)
      return -1;
    p->kids = v;
    p->capkids = cap;
  }
  p->kids[p->nkids++] = kid;
  return 0;
}

static int is_digits(const char *s, size_t n);

static const char *tprefix(dps_tkind k) {
  return k == DPS_T_STEM ? "Z" : k == DPS_T_TITLE ? "S" : "";
}

static dps_qnode *term_new(dps_tkind k, const char *s, uint32_t pos,
                           uint32_t flags) {
  dps_qnode *n = node_new(DPS_Q_TERM);
  if (!n)
    return NULL;
  const char *p = tprefix(k);
  size_t pl = strlen(p), sl = strlen(s);
  n->term = malloc(pl + sl + 1);
  if (!n->term) {
    free(n);
    return NULL;
  }
  memcpy(n->term, p, pl);
  memcpy(n->term + pl, s, sl + 1);
  n->tkind = k;
  n->pos = pos;
  n->tflags = flags;
  return n;
}

/* ------------------------------------------------------------------ */
/* Parser                                                              */
/* ------------------------------------------------------------------ */

typedef struct P {
  ltok *t;         /* tokens, ending with L_EOF */
  size_t n;        /* number of tokens */
  size_t i;        /* current token */
  dp_analyzer *a;  /* the analyzer */
  dp_tokens toks;  /* scratch tokens */
  const char *src; /* the query text */
  int depth;       /* parenthesis depth */
  int rc;          /* 0, or -1 once an error is set (sticky) */
  char *errmsg;    /* malloc'd message when rc != 0 */
  size_t nwild;    /* prefix* wildcards so far (DPS_QUERY_MAX_WILDCARDS) */
  size_t nnear;    /* NEAR nodes so far (DPS_QUERY_MAX_NEAR) */
  dps_parse_opts o;
} P;

static void set_oom(P *p) {
  if (p->rc)
    return;
  p->rc = -1;
  p->errmsg = dp_strndup("out of memory", 13);
}

/* Rejects the query with one line (the first error wins). */
static void set_error(P *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_error(P *p, const char *fmt, ...) {
  if (p->rc)
    return;
  dps_buf b = {0};
  va_list ap;
  va_start(ap, fmt);
  char tmp[512];
  vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  dps_buf_puts(&b, tmp);
  p->rc = -1;
  p->errmsg = dps_buf_take(&b);
  if (!p->errmsg)
    p->errmsg = dp_strndup("out of memory", 13);
}

/* At most 60 bytes of a token, for messages (never cuts UTF-8). */
static int shown(const char *s, size_t n) {
  if (n <= 60)
    return (int)n;
  n = 60;
  while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
    n--;
  return (int)n;
}

static const ltok *peek(P *p, size_t k) {
  size_t j = p->i + k;
  return j < p->n ? &p->t[j] : &p->t[p->n - 1];
}

static int can_start_item(const ltok *t) {
  return t->t == L_WORD || t->t == L_PHRASE || t->t == L_LPAREN ||
         t->t == L_FIELD;
}

/* Words that frame a question rather than say what it is about: measured
 * on PIAF, each is found in under a third of the answering paragraphs.
 * Dropped from natural-language questions only. */
static const char *const question_words[] = {
    "quel",      "quels",      "quelle",   "quelles", "combien", "quand",
    "ou",        "comment",    "pourquoi", "quoi",    "lequel",  "laquelle",
    "lesquels",  "lesquelles", "qui",      "que",     "qu",      "est",
    "ce",        "a",          "t",        "nom",     "appelle", "appele",
    "appellent", "annee",      "date",     "lieu",    "autre",   "type",
    "trouve",    "situe",      "signifie", "fait",    "peut",    NULL};

/* Words that make a text a question wherever they are. */
static const char *const question_starts[] = {
    "quel",     "quels",      "quelle",   "quelles", "combien",
    "quand",    "comment",    "pourquoi", "lequel",  "laquelle",
    "lesquels", "lesquelles", "quoi",     NULL};

int dps_in_list(const char *w, const char *const *list) {
  for (size_t k = 0; list[k]; k++)
    if (strcmp(w, list[k]) == 0)
      return 1;
  return 0;
}

/* Prepositions before an interrogative: "Avec qui", "Par où", "À quoi". */
static const char *const question_preps[] = {
    "a",    "avec", "par",   "pour",   "de",     "dans", "sur", "en",
    "chez", "vers", "selon", "depuis", "contre", "sous", NULL};

/* Subject pronouns of an inversion: "a-t-il", "fait-on", "sont-elles". */
static const char *const inversion_pronouns[] = {"il",    "elle", "ils",
                                                 "elles", "on",   NULL};

int dps_query_is_question(dp_analyzer *a, const char *text, size_t len) {
  size_t e = len;
  while (e > 0 && (text[e - 1] == ' ' || text[e - 1] == '\t' ||
                   text[e - 1] == '\n' || text[e - 1] == '\r'))
    e--;
  if (e > 0 && text[e - 1] == '?')
    return 1;
  dp_tokens T = {0};
  int q = 0;
  if (dp_analyze(a, text, len, 0, &T) != (uint32_t)-1) {
    for (size_t i = 0; i < T.n && !q; i++) {
      const char *w = T.v[i].term;
      if (dps_in_list(w, question_starts))
        q = 1;
      /* "Qui ...", "Où ...", "Que ...", "Qu'est-ce ...": a question word
       * first */
      if (i == 0 && dps_is_question_word(w) &&
          (strcmp(w, "qui") == 0 || strcmp(w, "ou") == 0 ||
           strcmp(w, "que") == 0 || (T.v[i].flags & DP_TOK_ELIDED)))
        q = 1;
      /* "Avec qui ...", "Par où ...", "À quoi ..." */
      if (i == 1 && dps_in_list(T.v[0].term, question_preps) &&
          (strcmp(w, "qui") == 0 || strcmp(w, "ou") == 0 ||
           strcmp(w, "quoi") == 0))
        q = 1;
      /* an inversion: "a-t-il", "fait-on" */
      if (i > 0 && dps_in_list(w, inversion_pronouns) && T.v[i].start > 0 &&
          text[T.v[i].start - 1] == '-' && T.v[i - 1].end == T.v[i].start - 1)
        q = 1;
    }
  }
  dp_tokens_free(&T);
  return q;
}

int dps_is_question_word(const char *folded) {
  return dps_in_list(folded, question_words);
}

static int analyze(P *p, const char *s, size_t n) {
  dp_tokens_clear(&p->toks);
  if (dp_analyze(p->a, s, n, 0, &p->toks) == (uint32_t)-1) {
    set_oom(p);
    return -1;
  }
  return 0;
}

/* Wraps kids: a kind node of one kid is the kid itself; none is NULL. */
static dps_qnode *simplify(dps_qnode *g) {
  if (!g)
    return NULL;
  if (g->nkids == 0) {
    dps_qnode_free(g);
    return NULL;
  }
  if (g->nkids == 1 && g->kind != DPS_Q_WILDCARD &&
      (g->kind != DPS_Q_DEFAULT || g->kids[0]->mod != '-')) {
    dps_qnode *k = g->kids[0];
    if (g->kind == DPS_Q_DEFAULT || g->kind == DPS_Q_AND ||
        g->kind == DPS_Q_OR) {
      if (k->mod == '+')
        k->mod = 0;
    }
    if (g->mod)
      k->mod = g->mod;
    g->nkids = 0;
    dps_qnode_free(g);
    return k;
  }
  return g;
}

/* Builds the node of the analyzer tokens in p->toks (a word or a phrase).
 * phrase: 1 for quoted text (all words in order). */
static dps_qnode *tokens_node(P *p, dps_tkind k, int phrase, int free_word) {
  dp_tokens *T = &p->toks;
  const dp_token *joined = NULL;
  size_t nplain = 0, nparts = 0, nkept = 0;
  for (size_t i = 0; i < T->n; i++) {
    const dp_token *t = &T->v[i];
    if (t->flags & DP_TOK_JOINED) {
      if (!joined)
        joined = t;
      continue;
    }
    nplain++;
    if (t->flags & DP_TOK_PART)
      nparts++;
    if (!(t->flags & DP_TOK_STOP))
      nkept++;
  }
  if (nplain == 0)
    return NULL;
  if (!phrase && nplain == 1) {
    const dp_token *t = NULL;
    for (size_t i = 0; i < T->n; i++)
      if (!(T->v[i].flags & DP_TOK_JOINED))
        t = &T->v[i];
    if ((t->flags & DP_TOK_STOP) && k != DPS_T_EXACT)
      return NULL;
    if (free_word && p->o.drop_question_words && dps_is_question_word(t->term))
      return NULL;
    dps_qnode *n =
        term_new(k, k == DPS_T_EXACT ? t->term : t->stem, 0, t->flags);
    if (!n)
      set_oom(p);
    return n;
  }
  /* several tokens: a phrase (positions) or, without positions, an AND */
  int positional = k == DPS_T_STEM;
  dps_qnode *seq = node_new(positional ? DPS_Q_PHRASE : DPS_Q_AND);
  if (!seq) {
    set_oom(p);
    return NULL;
  }
  uint32_t first = 0, last = 0;
  int have = 0;
  for (size_t i = 0; i < T->n; i++) {
    const dp_token *t = &T->v[i];
    if (t->flags & DP_TOK_JOINED)
      continue;
    if ((t->flags & DP_TOK_STOP) && k != DPS_T_EXACT)
      continue;
    if (!have)
      first = t->pos;
    have = 1;
    last = t->pos;
    dps_qnode *kid = term_new(k, k == DPS_T_EXACT ? t->term : t->stem,
                              t->pos - first, t->flags);
    if (!kid || node_add(seq, kid)) {
      dps_qnode_free(kid);
      dps_qnode_free(seq);
      set_oom(p);
      return NULL;
    }
  }
  (void)nkept;
  seq->window = have ? last - first + 1 : 0;
  seq = simplify(seq);
  /* a hyphenated compound outside quotes: parts in sequence OR joined */
  if (!phrase && joined && nparts == nplain) {
    dps_qnode *alt = node_new(DPS_Q_OR);
    dps_qnode *jt = term_new(k, k == DPS_T_EXACT ? joined->term : joined->stem,
                             0, joined->flags);
    if (!alt || !jt || (seq && node_add(alt, seq)) || node_add(alt, jt)) {
      if (alt && alt->nkids && alt->kids[alt->nkids - 1] == seq)
        seq = NULL;
      dps_qnode_free(alt);
      dps_qnode_free(jt);
      dps_qnode_free(seq);
      set_oom(p);
      return NULL;
    }
    return simplify(alt);
  }
  return seq;
}

/* "APT31" is also "APT 31" (a phrase) and the entity named so: returns
 * OR(term, PHRASE(letters, digits), joined entity), or term unchanged when
 * the word is not letters then digits. Takes ownership of term. */
static dps_qnode *split_code(P *p, dps_qnode *term, const char *s, size_t n) {
  const char *w = term->term + 1; /* after "Z" */
  size_t i = 0, l = strlen(w);
  while (i < l && w[i] >= 'a' && w[i] <= 'z')
    i++;
  if (i == 0 || i == l || !is_digits(w + i, l - i))
    return term;
  dps_buf sp = {0};
  dps_buf_add(&sp, w, i);
  dps_buf_putc(&sp, ' ');
  dps_buf_add(&sp, w + i, l - i);
  if (sp.oom || analyze(p, sp.s, sp.len) || p->toks.n != 2) {
    dps_buf_free(&sp);
    return term;
  }
  dps_buf_free(&sp);
  dps_qnode *alt = node_new(DPS_Q_OR), *ph = node_new(DPS_Q_PHRASE);
  dps_qnode *a = term_new(DPS_T_STEM, p->toks.v[0].stem, 0, p->toks.v[0].flags);
  dps_qnode *b = term_new(DPS_T_STEM, p->toks.v[1].stem, 1, p->toks.v[1].flags);
  dps_qnode *ent = node_new(DPS_Q_FILTER);
  if (ent) {
    ent->field = DPS_F_JOINED;
    ent->term = dp_strndup(s, n);
  }
  if (!alt || !ph || !a || !b || !ent || !ent->term) {
    dps_qnode_free(alt);
    dps_qnode_free(ph);
    dps_qnode_free(a);
    dps_qnode_free(b);
    dps_qnode_free(ent);
    set_oom(p);
    return term;
  }
  ph->window = 2;
  if (node_add(ph, a)) {
    dps_qnode_free(a);
    a = NULL;
  }
  if (!a || node_add(ph, b)) {
    dps_qnode_free(b);
    dps_qnode_free(alt);
    dps_qnode_free(ph);
    dps_qnode_free(ent);
    set_oom(p);
    return term;
  }
  if (node_add(alt, term)) {
    dps_qnode_free(alt);
    dps_qnode_free(ph);
    dps_qnode_free(ent);
    set_oom(p);
    return term;
  }
  if (node_add(alt, ph) || node_add(alt, ent)) {
    alt->nkids = 1; /* keep term inside alt, drop the rest */
    dps_qnode_free(ph);
    dps_qnode_free(ent);
    set_oom(p);
    return alt;
  }
  return alt;
}

static dps_qnode *word_node(P *p, const ltok *t, dps_tkind k) {
  const char *s = t->s;
  size_t n = t->n;
  int wild = 0;
  while (n > 0 && s[n - 1] == '*') {
    n--;
    wild = 1;
  }
  if (n == 0)
    return NULL;
  if (analyze(p, s, n))
    return NULL;
  if (wild) {
    const dp_token *last = NULL, *joined = NULL;
    for (size_t i = 0; i < p->toks.n; i++) {
      if (p->toks.v[i].flags & DP_TOK_JOINED)
        joined = &p->toks.v[i];
      else
        last = &p->toks.v[i];
    }
    const dp_token *use = joined ? joined : last;
    if (use && use->end == n && strlen(use->term) < DPS_WILDCARD_MIN) {
      /* "e*" would match most of the vocabulary: said, rather than read
       * as the word "e" (or as nothing, for a stopword such as "a") */
      set_error(p,
                "%.*s: a prefix* wildcard needs at least %d letters before "
                "the * (one letter would match too many words)",
                shown(t->s, t->n), t->s, DPS_WILDCARD_MIN);
      return NULL;
    }
    if (use && use->end == n) { /* the star followed the word directly */
      if (++p->nwild > DPS_QUERY_MAX_WILDCARDS) {
        set_error(p,
                  "too many prefix* wildcards (at most %d in one query): "
                  "use longer prefixes or fewer of them",
                  DPS_QUERY_MAX_WILDCARDS);
        return NULL;
      }
      dps_qnode *w = node_new(DPS_Q_WILDCARD);
      if (w)
        w->term = dp_strndup(use->term, strlen(use->term));
      if (!w || !w->term) {
        dps_qnode_free(w);
        set_oom(p);
        return NULL;
      }
      return w;
    }
  }
  dps_qnode *r = tokens_node(p, t->exact ? DPS_T_EXACT : k, 0, 1);
  if (r && r->kind == DPS_Q_TERM && r->tkind == DPS_T_STEM &&
      (r->tflags & DP_TOK_CODE) && !(r->tflags & DP_TOK_JOINED))
    r = split_code(p, r, s, n);
  if (r && r->kind == DPS_Q_TERM && t->t == L_WORD && !wild) {
    r->src_start = (long)(t->s - p->src); /* for spelling suggestions */
    r->src_len = t->n;
  }
  return r;
}

static int code_pair(const P *p, uint32_t af, const char *as, size_t an,
                     uint32_t bf, const char *bs, size_t bn);
static dps_qnode *code_alt(P *p, dps_tkind k, dps_qnode *base, const char *as,
                           size_t an, const char *bs, size_t bn);

static dps_qnode *phrase_node(P *p, const ltok *t, dps_tkind k) {
  if (analyze(p, t->s, t->n))
    return NULL;
  dp_token a = {0}, b = {0};
  int pair = 0;
  if (!t->exact && (k == DPS_T_STEM || k == DPS_T_TITLE) && p->toks.n == 2) {
    a = p->toks.v[0];
    b = p->toks.v[1];
    pair = code_pair(p, a.flags, t->s + a.start, a.end - a.start, b.flags,
                     t->s + b.start, b.end - b.start);
  }
  dps_qnode *n = tokens_node(p, t->exact ? DPS_T_EXACT : k, 1, 0);
  if (n && pair) /* "APT 31" in quotes: the code too */
    n = code_alt(p, k, n, t->s + a.start, a.end - a.start, t->s + b.start,
                 b.end - b.start);
  return n;
}

static int is_digits(const char *s, size_t n) {
  if (n == 0)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!isdigit((unsigned char)s[i]))
      return 0;
  return 1;
}

/* dd: 1-2 digits into *v within [lo,hi] */
static int num(const char *s, size_t n, int lo, int hi, int *v) {
  if (!is_digits(s, n))
    return -1;
  int x = 0;
  for (size_t i = 0; i < n; i++)
    x = x * 10 + (s[i] - '0');
  if (x < lo || x > hi)
    return -1;
  *v = x;
  return 0;
}

int dps_parse_date(const char *s, size_t len, int is_hi, char out[9]) {
  /* split on - or / */
  size_t cut[3];
  size_t nc = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] == '-' || s[i] == '/') {
      if (nc == 2)
        return -1;
      cut[nc++] = i;
    }
  }
  int y = 0, m = 0, d = 0;
  if (nc == 0) {
    if (len != 4 || num(s, 4, 1000, 2999, &y))
      return -1;
    m = is_hi ? 12 : 1;
    d = is_hi ? 31 : 1;
  } else if (nc == 1) {
    if (cut[0] != 4 || num(s, 4, 1000, 2999, &y) ||
        num(s + 5, len - 5, 1, 12, &m) || len - 5 > 2 || len == 5)
      return -1;
    d = is_hi ? 31 : 1;
  } else {
    size_t a = cut[0], b = cut[1];
    if (a == 4) { /* YYYY-MM-DD */
      if (num(s, 4, 1000, 2999, &y) || b - a - 1 > 2 ||
          num(s + a + 1, b - a - 1, 1, 12, &m) || len - b - 1 > 2 ||
          num(s + b + 1, len - b - 1, 1, 31, &d))
        return -1;
    } else { /* DD/MM/YYYY */
      if (a > 2 || num(s, a, 1, 31, &d) || b - a - 1 > 2 ||
          num(s + a + 1, b - a - 1, 1, 12, &m) || len - b - 1 != 4 ||
          num(s + b + 1, 4, 1000, 2999, &y))
        return -1;
    }
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d > mdays[m - 1])
      return -1;
  }
  out[0] = (char)('0' + y / 1000);
  out[1] = (char)('0' + y / 100 % 10);
  out[2] = (char)('0' + y / 10 % 10);
  out[3] = (char)('0' + y % 10);
  out[4] = (char)('0' + m / 10);
  out[5] = (char)('0' + m % 10);
  out[6] = (char)('0' + d / 10);
  out[7] = (char)('0' + d % 10);
  out[8] = '\0';
  return 0;
}

/* The one line rejecting field:v: "WHAT in field:v (HINT)". */
static void date_error(P *p, const char *what, const char *field, const ltok *v,
                       const char *hint) {
  set_error(p, "%s in %s:%.*s (%s)", what, field,
            (int)(v->n > 200 ? 200 : v->n), v->s, hint);
}

static dps_qnode *date_node(P *p, int field, const ltok *v) {
  const char *fname = field == LF_DATE    ? "date"
                      : field == LF_SINCE ? "since"
                                          : "until";
  dps_qnode *d = node_new(DPS_Q_DATE);
  if (!d) {
    set_oom(p);
    return NULL;
  }
  char lo[9], hi[9];
  int have_lo = 0, have_hi = 0;
  const char *s = v->s;
  size_t n = v->n;
  const char *dots = NULL;
  for (size_t i = 0; i + 1 < n; i++)
    if (s[i] == '.' && s[i + 1] == '.') {
      dots = s + i;
      break;
    }
  int bad = 0;
  if (field == LF_DATE && dots) {
    size_t a = (size_t)(dots - s), b = n - a - 2;
    if (a) {
      bad |= dps_parse_date(s, a, 0, lo) != 0;
      have_lo = 1;
    }
    if (b) {
      bad |= dps_parse_date(dots + 2, b, 1, hi) != 0;
      have_hi = 1;
    }
    if (!a && !b)
      bad = 1;
  } else if (field == LF_DATE) {
    bad |= dps_parse_date(s, n, 0, lo) != 0;
    bad |= dps_parse_date(s, n, 1, hi) != 0;
    have_lo = have_hi = 1;
  } else if (field == LF_SINCE) {
    bad |= dps_parse_date(s, n, 0, lo) != 0;
    have_lo = 1;
  } else {
    bad |= dps_parse_date(s, n, 1, hi) != 0;
    have_hi = 1;
  }
  if (bad) {
    dps_qnode_free(d);
    date_error(p, "invalid date", fname, v,
               "expected a real date, YYYY, YYYY-MM, YYYY-MM-DD or "
               "DD/MM/YYYY, in the years 1000 to 2999, and FROM..TO for a "
               "range");
    return NULL;
  }
  if (have_lo && have_hi && memcmp(lo, hi, 8) > 0) {
    /* date:2024..2023 is a typing slip, not a search for nothing */
    dps_qnode_free(d);
    date_error(p, "empty date range", fname, v,
               "it ends before it starts: write FROM..TO with FROM first");
    return NULL;
  }
  if (have_lo)
    d->term = dp_strndup(lo, 8);
  if (have_hi)
    d->hi = dp_strndup(hi, 8);
  if ((have_lo && !d->term) || (have_hi && !d->hi)) {
    dps_qnode_free(d);
    set_oom(p);
    return NULL;
  }
  return d;
}

static dps_qnode *parse_group(P *p, dps_tkind k);
static dps_qnode *parse_or(P *p, dps_tkind k);

/* An operator token read as a plain word (never a spelling suggestion:
 * the user wrote syntax, not a misspelt word). */
static dps_qnode *literal(P *p, const ltok *t, dps_tkind k) {
  ltok w = *t;
  w.t = L_WORD;
  w.exact = 0;
  if (t->t == L_NEAR && t->bad) {
    set_error(p,
              "%.*s: expected NEAR/n with n a number from 0 to %d (NEAR "
              "alone is NEAR/%d)",
              shown(t->s, t->n), t->s, DPS_NEAR_MAX, DPS_NEAR_DEFAULT);
    return NULL;
  }
  dps_qnode *r = word_node(p, &w, k);
  if (r)
    r->src_start = -1;
  return r;
}

/* A field name with nothing after it ("since:", "org: )"): one line. */
static void empty_field(P *p, const ltok *t) {
  const char *need = "an entity name", *eg = "ANSSI";
  if (t->field == LF_TITLE)
    need = "a word, a \"phrase\" or a (group)", eg = "élection";
  else if (t->field >= LF_DATE)
    need = "a date (YYYY, YYYY-MM or YYYY-MM-DD)", eg = "2024-03";
  else if (t->field == DPS_F_SOURCE)
    need = "a source name", eg = "afd";
  else if (t->field == DPS_F_PER)
    eg = "Macron";
  else if (t->field == DPS_F_LOC)
    eg = "Lyon";
  set_error(p, "%.*s needs %s after the colon, e.g. %.*s:%s",
            shown(t->s, t->n + 1), t->s, need, shown(t->s, t->n), t->s, eg);
}

static dps_qnode *parse_item(P *p, dps_tkind k) {
  const ltok *t = peek(p, 0);
  switch (t->t) {
  case L_EOF:
  case L_RPAREN: return NULL;
  case L_LPAREN: {
    p->i++;
    if (p->depth >= DPS_QUERY_MAX_DEPTH)
      return NULL; /* flatten */
    p->depth++;
    dps_qnode *g = parse_group(p, k);
    p->depth--;
    if (peek(p, 0)->t == L_RPAREN)
      p->i++;
    return simplify(g);
  }
  case L_PHRASE: p->i++; return phrase_node(p, t, k);
  case L_WORD: p->i++; return word_node(p, t, k);
  case L_AND:
  case L_OR:
  case L_NOT:
  case L_NEAR: p->i++; return literal(p, t, k);
  case L_FIELD: {
    p->i++;
    const ltok *v = peek(p, 0);
    int f = t->field;
    if (f == LF_TITLE) {
      if (!can_start_item(v)) {
        empty_field(p, t);
        return NULL;
      }
      return parse_item(p, DPS_T_TITLE);
    }
    if (v->t != L_WORD && v->t != L_PHRASE) {
      empty_field(p, t);
      return NULL;
    }
    p->i++;
    if (f == LF_DATE || f == LF_SINCE || f == LF_UNTIL)
      return date_node(p, f, v);
    size_t vn = v->n;
    while (vn > 0 && v->s[vn - 1] == '*')
      vn--;
    if (vn == 0)
      return NULL;
    dps_qnode *fl = node_new(DPS_Q_FILTER);
    if (fl)
      fl->term = dp_strndup(v->s, vn);
    if (!fl || !fl->term) {
      dps_qnode_free(fl);
      set_oom(p);
      return NULL;
    }
    fl->field = (dps_field)f;
    return fl;
  }
  }
  return NULL;
}

static dps_qnode *parse_unary(P *p, dps_tkind k) {
  const ltok *t = peek(p, 0);
  char mod = t->mod;
  dps_qnode *n = parse_item(p, k);
  if (n && mod)
    n->mod = mod;
  return n;
}

/* NEAR over groups. Xapian's NEAR takes terms with positions only (the Z
 * stems), so each side of a NEAR is read as a list of alternatives, each a
 * list of terms: a word is one alternative of one term, a "phrase" one
 * alternative of its terms (in any order within the window, like NEAR
 * itself), a OR b the alternatives of both (a compound's parts and its
 * joined word, APT31 and "APT 31", are alternatives too), (a b) every
 * combination of the alternatives of a and of b. "x NEAR (a OR b)" is then
 * (x NEAR a) OR (x NEAR b). What has no positions (title:, =word, prefix*,
 * filters, dates) or excludes (-word) is rejected with one line, never
 * dropped or read as a plain AND. An alternative is a DPS_Q_NEAR node of
 * copied TERM kids; a list is a growable array of them. */
typedef struct nalts {
  dps_qnode **v; /* alternatives (owned NEAR nodes of TERM kids) */
  size_t n, cap; /* count, allocated */
} nalts;

static void nalts_free(nalts *a) {
  for (size_t i = 0; i < a->n; i++)
    dps_qnode_free(a->v[i]);
  free(a->v);
  a->v = NULL;
  a->n = a->cap = 0;
}

/* Adds alternative x (owned; freed on failure). */
static int nalts_push(P *p, nalts *a, dps_qnode *x) {
  if (a->n >= DPS_NEAR_MAX_ALTS) {
    dps_qnode_free(x);
    set_error(p,
              "NEAR: too many alternatives (more than %d combinations of "
              "OR, compounds and codes on its sides): split the query",
              DPS_NEAR_MAX_ALTS);
    return -1;
  }
  if (a->n == a->cap) {
    size_t cap = a->cap ? a->cap * 2 : 4;
    dps_qnode **v = realloc(a->v, cap * sizeof *v);
    if (!v) {
      dps_qnode_free(x);
      set_oom(p);
      return -1;
    }
    a->v = v;
    a->cap = cap;
  }
  a->v[a->n++] = x;
  return 0;
}

/* Appends copies of the terms of src (a TERM or a NEAR of TERMs) to dst. */
static int near_copy(P *p, dps_qnode *dst, const dps_qnode *src) {
  size_t n = src->kind == DPS_Q_TERM ? 1 : src->nkids;
  if (dst->nkids + n > DPS_NEAR_MAX_TERMS) {
    set_error(p, "NEAR: too many words within one NEAR (at most %d)",
              DPS_NEAR_MAX_TERMS);
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    const dps_qnode *t = src->kind == DPS_Q_TERM ? src : src->kids[i];
    dps_qnode *c = term_new(DPS_T_EXACT, t->term, 0, t->tflags);
    if (!c || node_add(dst, c)) {
      dps_qnode_free(c);
      set_oom(p);
      return -1;
    }
    c->tkind = DPS_T_STEM;
  }
  return 0;
}

/* What a NEAR side cannot hold, for the message. */
static const char *near_unfit(const dps_qnode *n) {
  if (n->mod == '-')
    return "a negated word or group (-word, NOT word): to exclude, write "
           "it outside, e.g. a NEAR b -c";
  switch (n->kind) {
  case DPS_Q_TERM:
    if (n->tkind == DPS_T_TITLE)
      return "title: (titles have no word positions): use AND";
    if (n->tkind == DPS_T_EXACT)
      return "=word (exact words have no positions): use the word alone";
    return NULL;
  case DPS_Q_WILDCARD: return "prefix* (no positions): use AND";
  case DPS_Q_FILTER: return "a field filter (source:, entity:...): use AND";
  case DPS_Q_DATE: return "a date filter: use AND";
  default: return NULL;
  }
}

/* The alternatives of side n into *out (empty on entry). 0, or -1 with
 * the error set. */
static int near_alts(P *p, const dps_qnode *n, nalts *out) {
  const char *why = near_unfit(n);
  if (why) {
    set_error(p, "NEAR cannot take %s", why);
    return -1;
  }
  switch (n->kind) {
  case DPS_Q_TERM:
  case DPS_Q_PHRASE:
  case DPS_Q_NEAR: {
    dps_qnode *x = node_new(DPS_Q_NEAR);
    if (!x) {
      set_oom(p);
      return -1;
    }
    for (size_t i = 0; n->kind != DPS_Q_TERM && i < n->nkids; i++)
      if ((why = near_unfit(n->kids[i])) != NULL) {
        dps_qnode_free(x);
        set_error(p, "NEAR cannot take %s", why);
        return -1;
      }
    if (near_copy(p, x, n)) {
      dps_qnode_free(x);
      return -1;
    }
    return nalts_push(p, out, x);
  }
  case DPS_Q_OR: {
    int positional = 0;
    for (size_t i = 0; i < n->nkids; i++)
      positional |= n->kids[i]->kind != DPS_Q_FILTER;
    for (size_t i = 0; i < n->nkids; i++) {
      /* the entity of "APT31" beside its words: an expansion, not a word */
      if (positional && n->kids[i]->kind == DPS_Q_FILTER &&
          n->kids[i]->field == DPS_F_JOINED)
        continue;
      nalts k = {0};
      int rc = near_alts(p, n->kids[i], &k);
      for (size_t j = 0; !rc && j < k.n; j++) {
        rc = nalts_push(p, out, k.v[j]);
        k.v[j] = NULL;
      }
      nalts_free(&k);
      if (rc)
        return -1;
    }
    return 0;
  }
  case DPS_Q_AND:
  case DPS_Q_DEFAULT: {
    /* every combination: start from one empty alternative */
    dps_qnode *e = node_new(DPS_Q_NEAR);
    if (!e || nalts_push(p, out, e)) {
      if (!e)
        set_oom(p);
      return -1;
    }
    for (size_t i = 0; i < n->nkids; i++) {
      nalts k = {0}, prod = {0};
      int rc = near_alts(p, n->kids[i], &k);
      for (size_t a = 0; !rc && a < out->n; a++)
        for (size_t b = 0; !rc && b < k.n; b++) {
          dps_qnode *x = node_new(DPS_Q_NEAR);
          if (!x) {
            set_oom(p);
            rc = -1;
          } else if (near_copy(p, x, out->v[a]) || near_copy(p, x, k.v[b])) {
            dps_qnode_free(x);
            rc = -1;
          } else
            rc = nalts_push(p, &prod, x);
        }
      nalts_free(&k);
      nalts_free(out);
      *out = prod;
      if (rc)
        return -1;
    }
    return 0;
  }
  default: return -1; /* near_unfit() covered the rest */
  }
}

/* left NEAR/dist right as a NEAR node, or an OR of NEAR nodes (one per
 * combination of the alternatives of both sides). Takes nothing. */
static dps_qnode *near_node(P *p, const dps_qnode *left, const dps_qnode *right,
                            uint32_t dist) {
  nalts la = {0}, ra = {0}, all = {0};
  dps_qnode *r = NULL;
  if (near_alts(p, left, &la) || near_alts(p, right, &ra))
    goto done;
  for (size_t a = 0; a < la.n; a++)
    for (size_t b = 0; b < ra.n; b++) {
      dps_qnode *x = node_new(DPS_Q_NEAR);
      if (!x) {
        set_oom(p);
        goto done;
      }
      if (near_copy(p, x, la.v[a]) || near_copy(p, x, ra.v[b])) {
        dps_qnode_free(x);
        goto done;
      }
      x->window = dist + (uint32_t)x->nkids - 1;
      if (nalts_push(p, &all, x))
        goto done;
    }
  p->nnear += all.n;
  if (p->nnear > DPS_QUERY_MAX_NEAR) {
    set_error(p,
              "too many NEAR (at most %d in one query, counting each "
              "alternative of a NEAR over OR)",
              DPS_QUERY_MAX_NEAR);
    goto done;
  }
  if (all.n == 1) {
    r = all.v[0];
    all.n = 0;
  } else {
    r = node_new(DPS_Q_OR);
    if (!r) {
      set_oom(p);
      goto done;
    }
    for (size_t i = 0; i < all.n; i++) {
      if (node_add(r, all.v[i])) {
        set_oom(p);
        dps_qnode_free(r);
        r = NULL;
        goto done;
      }
      all.v[i] = NULL;
    }
    all.n = 0;
  }
done:
  nalts_free(&la);
  nalts_free(&ra);
  nalts_free(&all);
  return r;
}

static dps_qnode *parse_near(P *p, dps_tkind k) {
  dps_qnode *left = parse_unary(p, k);
  while (!p->rc && peek(p, 0)->t == L_NEAR) {
    const ltok *op = peek(p, 0);
    if (left && peek(p, 1)->t == L_NOT && can_start_item(peek(p, 2))) {
      set_error(p, /* "a NEAR NOT b" */
                "%.*s cannot take a negated word or group (NOT word): to "
                "exclude, write it outside, e.g. a NEAR b -c",
                shown(op->s, op->n), op->s);
      break;
    }
    if (!can_start_item(peek(p, 1)))
      break; /* "a NEAR" at the end: NEAR is read as a word */
    if (op->bad) {
      literal(p, op, k); /* sets the error */
      break;
    }
    /* NEAR/0 (no word between) is adjacency, like NEAR/1 */
    uint32_t dist = op->near ? op->near : 1;
    p->i++;
    dps_qnode *right = parse_unary(p, k);
    if (p->rc) {
      dps_qnode_free(right);
      break;
    }
    if (!left || !right) {
      /* a side that is only stopwords ("le NEAR chat"): nothing to place */
      if (!left)
        left = right;
      else
        dps_qnode_free(right);
      continue;
    }
    if (k != DPS_T_STEM) {
      set_error(p, "NEAR cannot be used inside title: (titles have no word "
                   "positions): use AND");
      dps_qnode_free(right);
      break;
    }
    char mod = left->mod == '+' || right->mod == '+' ? '+' : 0;
    dps_qnode *near = near_node(p, left, right, dist);
    dps_qnode_free(left);
    dps_qnode_free(right);
    left = near;
    if (!left)
      break;
    left->mod = mod;
  }
  return left;
}

static dps_qnode *parse_or(P *p, dps_tkind k) {
  dps_qnode *left = parse_near(p, k);
  dps_qnode *orn = NULL;
  while (!p->rc && peek(p, 0)->t == L_OR && can_start_item(peek(p, 1))) {
    p->i++;
    dps_qnode *right = parse_near(p, k);
    if (!right)
      continue;
    if (!left) {
      left = right;
      continue;
    }
    if (!orn) {
      orn = node_new(DPS_Q_OR);
      if (!orn || node_add(orn, left)) {
        dps_qnode_free(orn);
        orn = NULL;
        dps_qnode_free(right);
        set_oom(p);
        break;
      }
      left->mod = 0;
      left = orn;
    }
    right->mod = 0;
    if (node_add(orn, right)) {
      dps_qnode_free(right);
      set_oom(p);
      break;
    }
  }
  return left;
}

/* Could "a b" be a code written apart ("APT 31", "apt 31", "UNC 2452")?
 * a is an acronym or code, or (outside questions) 2 to 5 ASCII letters in
 * any case; b is 1 to 6 digits. The joined word is only an alternative
 * (see code_alt), so a pair that is no code ("page 12") costs a term that
 * matches nothing; but it ties a and b together, which a question's
 * relaxed matching should not ("en mars 2019"). */
static int code_pair(const P *p, uint32_t af, const char *as, size_t an,
                     uint32_t bf, const char *bs, size_t bn) {
  if ((af & (DP_TOK_NUMBER | DP_TOK_STOP)) || !(bf & DP_TOK_NUMBER) ||
      !is_digits(bs, bn) || bn > 6)
    return 0;
  if (af & (DP_TOK_ACRONYM | DP_TOK_CODE))
    return 1;
  if (p->o.question || an < 2 || an > 5)
    return 0;
  for (size_t i = 0; i < an; i++)
    if (!isalpha((unsigned char)as[i]))
      return 0;
  return 1;
}

/* OR(base, the joined word of a and b, the entity of that name): "APT 31"
 * also finds "APT31" and the organisation APT31 (in a title:, the joined
 * word of the title only). Takes ownership of base;
 * returns base alone when the pair does not analyse as one word, and on
 * failure (p->rc set). */
static dps_qnode *code_alt(P *p, dps_tkind k, dps_qnode *base, const char *as,
                           size_t an, const char *bs, size_t bn) {
  dps_buf jb = {0};
  dps_buf_add(&jb, as, an);
  dps_buf_add(&jb, bs, bn);
  if (jb.oom) {
    dps_buf_free(&jb);
    set_oom(p);
    return base;
  }
  if (analyze(p, jb.s, jb.len)) {
    dps_buf_free(&jb);
    return base;
  }
  const dp_token *jt = p->toks.n == 1 ? &p->toks.v[0] : NULL;
  dps_qnode *alt = node_new(DPS_Q_OR);
  dps_qnode *jterm = jt ? term_new(k, jt->stem, 0, jt->flags) : NULL;
  dps_qnode *ent = k == DPS_T_STEM ? node_new(DPS_Q_FILTER) : NULL;
  if (ent) {
    ent->field = DPS_F_JOINED;
    ent->term = dps_buf_take(&jb);
  }
  dps_buf_free(&jb);
  if (!alt || (jt && !jterm) || (k == DPS_T_STEM && (!ent || !ent->term)) ||
      node_add(alt, base)) {
    dps_qnode_free(alt);
    dps_qnode_free(jterm);
    dps_qnode_free(ent);
    set_oom(p);
    return base;
  }
  if ((jterm && node_add(alt, jterm)) || (ent && node_add(alt, ent))) {
    alt->kids[0] = NULL; /* base goes back to the caller */
    dps_qnode_free(alt);
    dps_qnode_free(jterm);
    dps_qnode_free(ent);
    set_oom(p);
    return base;
  }
  alt->mod = base->mod;
  base->mod = 0;
  return alt;
}

/* "APT 31", "apt 31": two plain words that may be a code written apart
 * become OR(AND(a, b), joined word, entity). Replaces kids[i], kids[i+1]
 * of g. */
static void join_pairs(P *p, dps_qnode *g, const char *const *spans,
                       const size_t *lens) {
  for (size_t i = 0; !p->rc && i + 1 < g->nkids; i++) {
    dps_qnode *a = g->kids[i], *b = g->kids[i + 1];
    if (!spans[i] || !spans[i + 1])
      continue;
    if (a->kind != DPS_Q_TERM || b->kind != DPS_Q_TERM || a->mod || b->mod ||
        a->tkind != DPS_T_STEM || b->tkind != DPS_T_STEM)
      continue;
    if (!code_pair(p, a->tflags, spans[i], lens[i], b->tflags, spans[i + 1],
                   lens[i + 1]))
      continue;
    /* written side by side, with only spaces between (no-break and thin
     * spaces too, as the tagger reads "APT 31" in an article): "Bari en
     * 1585" lost its stopword, it is no code */
    const unsigned char *gap = (const unsigned char *)spans[i] + lens[i];
    const unsigned char *next = (const unsigned char *)spans[i + 1];
    if (gap > next)
      continue;
    size_t gl = (size_t)(next - gap), o = 0, sl;
    while (o < gl && (sl = space_len(gap, o, gl)) != 0)
      o += sl;
    if (o != gl)
      continue;
    dps_qnode *both = node_new(DPS_Q_AND);
    if (!both || node_add(both, a) || node_add(both, b)) {
      if (both)
        both->nkids = 0; /* a and b stay owned by g */
      dps_qnode_free(both);
      set_oom(p);
      return;
    }
    b->pos = 1;
    g->kids[i] = code_alt(p, DPS_T_STEM, both, spans[i], lens[i], spans[i + 1],
                          lens[i + 1]);
    memmove(&g->kids[i + 1], &g->kids[i + 2],
            (g->nkids - i - 2) * sizeof g->kids[0]);
    g->nkids--;
  }
}

static dps_qnode *parse_group(P *p, dps_tkind k) {
  dps_qnode *g = node_new(DPS_Q_DEFAULT);
  if (!g) {
    set_oom(p);
    return NULL;
  }
  /* source span of each kid that is a single plain word (for joins) */
  const char **spans = NULL;
  size_t *lens = NULL, cap = 0;
  int pending_and = 0;
  while (!p->rc) {
    const ltok *t = peek(p, 0);
    if (t->t == L_EOF)
      break;
    if (t->t == L_RPAREN) {
      if (p->depth > 0)
        break;
      p->i++; /* stray ')' at top level */
      continue;
    }
    char force = 0;
    if (t->t == L_AND && can_start_item(peek(p, 1)) && g->nkids > 0) {
      p->i++;
      if (g->kids[g->nkids - 1]->mod == 0)
        g->kids[g->nkids - 1]->mod = '+';
      pending_and = 1;
      continue;
    }
    if (t->t == L_NOT && can_start_item(peek(p, 1))) {
      p->i++;
      force = '-';
    }
    const ltok *first = peek(p, 0);
    size_t before = p->i;
    dps_qnode *n = parse_or(p, k);
    if (!n)
      continue;
    if (force)
      n->mod = '-';
    else if (pending_and && n->mod == 0)
      n->mod = '+';
    pending_and = 0;
    if (g->nkids + 1 > cap) {
      size_t nc = cap ? cap * 2 : 8;
      const char **s2 = realloc(spans, nc * sizeof *s2);
      if (s2)
        spans = s2;
      size_t *l2 = s2 ? realloc(lens, nc * sizeof *l2) : NULL;
      if (l2)
        lens = l2;
      if (!s2 || !l2) {
        dps_qnode_free(n);
        set_oom(p);
        break;
      }
      cap = nc;
    }
    int plain = p->i == before + 1 && first->t == L_WORD && !first->mod &&
                !first->exact;
    spans[g->nkids] = plain ? first->s : NULL;
    lens[g->nkids] = plain ? first->n : 0;
    if (node_add(g, n)) {
      dps_qnode_free(n);
      set_oom(p);
      break;
    }
  }
  if (!p->rc && k == DPS_T_STEM)
    join_pairs(p, g, spans, lens);
  free(spans);
  free(lens);
  return g;
}

/* Terms of a tree (TERM leaves), for DPS_QUERY_MAX_TERMS. */
static size_t count_terms(const dps_qnode *n) {
  if (!n)
    return 0;
  size_t c = n->kind == DPS_Q_TERM;
  for (size_t i = 0; i < n->nkids; i++)
    c += count_terms(n->kids[i]);
  return c;
}

int dps_query_parse(dps_qnode **out, dp_analyzer *a, const char *text,
                    size_t len, const dps_parse_opts *o, char **errmsg) {
  *out = NULL;
  if (errmsg)
    *errmsg = NULL;
  ltoks L = {0};
  P p = {0};
  p.a = a;
  if (o)
    p.o = *o;
  if (lex(text ? text : "", text ? len : 0, &L)) {
    free(L.v);
    if (errmsg)
      *errmsg = dp_strndup("out of memory", 13);
    return -1;
  }
  p.t = L.v;
  p.n = L.n;
  p.src = text ? text : "";
  dps_qnode *g = parse_group(&p, DPS_T_STEM);
  dp_tokens_free(&p.toks);
  free(L.v);
  if (p.rc) {
    dps_qnode_free(g);
    if (errmsg)
      *errmsg = p.errmsg;
    else
      free(p.errmsg);
    return -1;
  }
  g = simplify(g);
  size_t nt = count_terms(g);
  if (nt > DPS_QUERY_MAX_TERMS) {
    dps_qnode_free(g);
    if (errmsg) {
      dps_buf b = {0};
      dps_buf_printf(&b,
                     "query too long: %zu words, at most %d (shorten it or "
                     "split it)",
                     nt, DPS_QUERY_MAX_TERMS);
      *errmsg = dps_buf_take(&b);
    }
    return -1;
  }
  *out = g;
  return 0;
}

/* ------------------------------------------------------------------ */
/* Description                                                         */
/* ------------------------------------------------------------------ */

static const char *field_name(dps_field f) {
  switch (f) {
  case DPS_F_SOURCE: return "source";
  case DPS_F_ENTITY: return "entity";
  case DPS_F_PER: return "per";
  case DPS_F_ORG: return "org";
  case DPS_F_LOC: return "loc";
  case DPS_F_MISC: return "misc";
  case DPS_F_JOINED: return "joined";
  }
  return "?";
}

static void describe(dps_buf *b, const dps_qnode *n) {
  if (n->mod)
    dps_buf_putc(b, n->mod);
  const char *op = NULL;
  switch (n->kind) {
  case DPS_Q_TERM:
    if (n->tkind == DPS_T_EXACT)
      dps_buf_putc(b, '=');
    dps_buf_puts(b, n->term);
    return;
  case DPS_Q_WILDCARD: dps_buf_printf(b, "%s*", n->term); return;
  case DPS_Q_FILTER:
    dps_buf_printf(b, "%s:\"%s\"", field_name(n->field), n->term);
    return;
  case DPS_Q_DATE:
    dps_buf_printf(b, "date:%s..%s", n->term ? n->term : "",
                   n->hi ? n->hi : "");
    return;
  case DPS_Q_PHRASE: dps_buf_printf(b, "(PHRASE/%u", n->window); break;
  case DPS_Q_NEAR: dps_buf_printf(b, "(NEAR/%u", n->window); break;
  case DPS_Q_AND: op = "(AND"; break;
  case DPS_Q_OR: op = "(OR"; break;
  case DPS_Q_DEFAULT: op = "(DEFAULT"; break;
  }
  if (op)
    dps_buf_puts(b, op);
  for (size_t i = 0; i < n->nkids; i++) {
    dps_buf_putc(b, ' ');
    describe(b, n->kids[i]);
  }
  dps_buf_putc(b, ')');
}

char *dps_query_describe(const dps_qnode *n) {
  dps_buf b = {0};
  if (!n)
    dps_buf_puts(&b, "(EMPTY)");
  else
    describe(&b, n);
  return dps_buf_take(&b);
}
