/* test_snippet.c — passage choice and highlighting, table-driven.
 * Each case: a lead and a body, what to highlight (stems, exact words,
 * prefixes, phrases, entity keys), and the expected snippet rendered with
 * [ ] around the highlights; exact byte offsets are checked too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snippet.h"
#include "text.h"

static dp_analyzer *A;

static int setup(void **state) {
  (void)state;
  char *err = NULL;
  if (dp_analyzer_new(&A, &err)) {
    free(err);
    return -1;
  }
  return 0;
}

static int teardown(void **state) {
  (void)state;
  dp_analyzer_free(A);
  return 0;
}

/* Builds a spec from "stem1 stem2 =exact pre* \"phrase words\"" (already
 * folded stems; phrase words get consecutive positions). */
static void spec(dps_hl *h, const char *s) {
  const char *p = s;
  while (*p) {
    while (*p == ' ')
      p++;
    if (!*p)
      break;
    if (*p == '"') {
      size_t idx[16];
      uint32_t pos[16];
      size_t n = 0;
      p++;
      while (*p && *p != '"') {
        while (*p == ' ')
          p++;
        const char *e = p;
        while (*e && *e != ' ' && *e != '"')
          e++;
        char w[64];
        size_t l = (size_t)(e - p);
        memcpy(w, p, l);
        w[l] = 0;
        char *at = strchr(w, '@'); /* word@pos */
        pos[n] = at ? (uint32_t)atoi(at + 1) : (uint32_t)n;
        if (at)
          *at = 0;
        idx[n++] = (size_t)dps_hl_add_term(h, DPS_HL_STEM, w, 1.0);
        p = e;
      }
      if (*p == '"')
        p++;
      assert_int_equal(dps_hl_add_phrase(h, idx, pos, n), 0);
      continue;
    }
    const char *e = p;
    while (*e && *e != ' ')
      e++;
    char w[64];
    size_t l = (size_t)(e - p);
    memcpy(w, p, l);
    w[l] = 0;
    if (w[0] == '=')
      dps_hl_add_term(h, DPS_HL_EXACT, w + 1, 1.0);
    else if (w[l - 1] == '*') {
      w[l - 1] = 0;
      dps_hl_add_term(h, DPS_HL_PREFIX, w, 1.0);
    } else if (strncmp(w, "ent:", 4) == 0)
      dps_hl_add_entity(h, -1, w + 4, 2.0);
    else
      dps_hl_add_term(h, DPS_HL_STEM, w, 1.0);
    p = e;
  }
}

static char *make(const char *lead, const char *body, const char *q, unsigned k,
                  unsigned n, const dp_record_entity *ents, size_t nents,
                  dps_snippet *out) {
  dps_hl h = {0};
  spec(&h, q);
  dps_text t[2] = {{lead, strlen(lead), DP_FIELD_LEAD},
                   {body, strlen(body), DP_FIELD_BODY}};
  dps_snip_opts o = {k, n, 0.0, 0.35, 0, 0, 0, 0, 0};
  char *err = NULL;
  assert_int_equal(dps_snippet_make(out, A, &h, t, 2, ents, nents, &o, &err),
                   0);
  dps_hl_free(&h);
  assert_true(dp_utf8_valid(out->text, out->len));
  assert_int_equal(strlen(out->text), out->len);
  for (size_t i = 0; i < out->nspans; i++) {
    assert_true(out->spans[i].start < out->spans[i].end);
    assert_true(out->spans[i].end <= out->len);
    if (i)
      assert_true(out->spans[i - 1].end < out->spans[i].start);
  }
  return dps_render(out->text, out->len, out->spans, out->nspans, "[", "]", 0);
}

static const struct {
  const char *lead, *body, *q;
  unsigned k, n;
  const char *want;
} cases[] = {
    /* short texts come whole, every matched form highlighted */
    {"", "Le chat dort.", "chat", 2, 150, "Le [chat] dort."},
    {"", "Les chats et le chat.", "chat", 2, 150, "Les [chats] et le [chat]."},
    /* stems: accusé and accusations for "accus" */
    {"", "Les accusations sont graves. L'homme accusé nie.", "accus", 2, 150,
     "Les [accusations] sont graves. L'homme [accusé] nie."},
    /* accents and case do not matter; elision keeps the word's own span */
    {"", "L'État et l'ÉTAT.", "etat", 2, 150, "L'[État] et l'[ÉTAT]."},
    /* a phrase: both words and what lies between */
    {"", "Le ministère de la Défense a parlé. Le ministère a tu la défense.",
     "\"minister defens@3\"", 2, 150,
     "Le [ministère de la Défense] a parlé. Le [ministère] a tu la "
     "[défense]."},
    /* exact words and prefixes */
    {"", "Les chats et le chat.", "=chat", 2, 150, "Les chats et le [chat]."},
    {"", "Actualité des acteurs actifs.", "act*", 2, 150,
     "[Actualité] des [acteurs] [actifs]."},
    /* nothing matched: the lead */
    {"Un chapeau court.", "Le corps du texte.", "zebre", 2, 150,
     "Un chapeau court."},
    /* nothing matched and no lead: the body's start */
    {"", "Le corps du texte.", "zebre", 2, 150, "Le corps du texte."},
    /* a match in the lead only: the lead */
    {"Le zèbre court.", "Le corps du texte.", "zebr", 2, 150,
     "Le [zèbre] court."},
    /* page furniture is never a passage */
    {"", "Le chien dort.\nLire aussi : Un chat sauvé des eaux\nLe renard.",
     "chat", 2, 150, "Le chien dort."},
    /* guillemets and narrow no-break spaces do not break words */
    {"", "Il a dit « bonjour\xe2\x80\xaf» au chat\xe2\x80\xaf!", "chat bonjour",
     2, 150, "Il a dit « [bonjour]\xe2\x80\xaf» au [chat]\xe2\x80\xaf!"},
    /* HTML is kept as text here (escaped when rendered as HTML) */
    {"", "<script>alert(1)</script> Le chat.", "chat", 2, 150,
     "<script>alert(1)</script> Le [chat]."},
};

static void test_table(void **state) {
  (void)state;
  int failed = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    dps_snippet s;
    char *r = make(cases[i].lead, cases[i].body, cases[i].q, cases[i].k,
                   cases[i].n, NULL, 0, &s);
    if (strcmp(r, cases[i].want) != 0) {
      fprintf(stderr, "case %zu\n  want %s\n  got  %s\n", i, cases[i].want, r);
      failed++;
    }
    free(r);
    dps_snippet_free(&s);
  }
  assert_int_equal(failed, 0);
}

/* Exact byte offsets. */
static void test_offsets(void **state) {
  (void)state;
  dps_snippet s;
  char *r = make("", "Déjà l'été à Noël.", "ete noel", 2, 150, NULL, 0, &s);
  assert_string_equal(r, "Déjà l'[été] à [Noël].");
  free(r);
  assert_int_equal(s.nspans, 2);
  /* "Déjà l'" = D é(2) j à(2) space l ' = 9 bytes */
  assert_int_equal(s.spans[0].start, 9);
  assert_int_equal(s.spans[0].end, 14);
  assert_int_equal(s.spans[1].start, 18);
  assert_int_equal(s.spans[1].end, 23);
  assert_memory_equal(s.text + s.spans[0].start, "été", 5);
  assert_memory_equal(s.text + s.spans[1].start, "Noël", 5);
  dps_snippet_free(&s);
}

/* Entity mentions from the record are highlighted by key. */
static void test_entity(void **state) {
  (void)state;
  const char *body = "Le groupe APT 31 a frappé. Puis APT31 encore.";
  dp_record_entity e[2] = {
      {DP_FIELD_BODY, 1, 10, 16, "APT31", "apt31"},
      {DP_FIELD_BODY, 1, 33, 38, "APT31", "apt31"},
  };
  dps_snippet s;
  char *r = make("", body, "ent:apt31", 2, 150, e, 2, &s);
  assert_string_equal(r, "Le groupe [APT 31] a frappé. Puis [APT31] encore.");
  free(r);
  dps_snippet_free(&s);
  /* a mention in another field is not ours */
  e[0].field = DP_FIELD_TITLE;
  e[1].field = DP_FIELD_TITLE;
  r = make("", body, "ent:apt31", 2, 150, e, 2, &s);
  assert_string_equal(r, body);
  free(r);
  dps_snippet_free(&s);
}

/* Long texts: passages near the matches, whole words, " … " between,
 * about K*N characters in all, valid UTF-8 whatever the cut. */
static void test_passages(void **state) {
  (void)state;
  char body[8192];
  size_t at = 0;
  const char *filler =
      "Une phrase sans intérêt répète ses mots été après été. ";
  for (int i = 0; i < 20; i++)
    at += (size_t)snprintf(body + at, sizeof body - at, "%s", filler);
  at += (size_t)snprintf(body + at, sizeof body - at,
                         "Le zèbre s'échappe du zoo de Vincennes. ");
  for (int i = 0; i < 20; i++)
    at += (size_t)snprintf(body + at, sizeof body - at, "%s", filler);
  at +=
      (size_t)snprintf(body + at, sizeof body - at, "La girafe reste calme. ");
  for (int i = 0; i < 10; i++)
    at += (size_t)snprintf(body + at, sizeof body - at, "%s", filler);
  dps_snippet s;
  char *r = make("", body, "zebr giraf", 2, 100, NULL, 0, &s);
  assert_non_null(strstr(r, "[zèbre]"));
  assert_non_null(strstr(r, "[girafe]"));
  assert_non_null(strstr(r, " … "));
  assert_true(strstr(r, "[zèbre]") < strstr(r, "[girafe]")); /* text order */
  size_t chars = 0;
  for (size_t i = 0; i < s.len; i++)
    chars += ((unsigned char)s.text[i] & 0xc0) != 0x80;
  assert_true(chars <= 2 * 100 + 12);
  assert_true(chars >= 2 * 100 - 40);
  /* passage edges fall on spaces (never inside a word) */
  const char *p = s.text;
  while ((p = strstr(p, " … "))) {
    assert_true(p[-1] != ' ');
    p += 5;
  }
  free(r);
  dps_snippet_free(&s);
  /* one cluster only: the whole budget around it */
  r = make("", body, "zebr vincen", 2, 100, NULL, 0, &s);
  assert_non_null(strstr(r, "[zèbre] s'échappe du zoo de [Vincennes]"));
  assert_null(strstr(r + 4, " … ")); /* a single passage */
  chars = 0;
  for (size_t i = 0; i < s.len; i++)
    chars += ((unsigned char)s.text[i] & 0xc0) != 0x80;
  assert_true(chars >= 150);
  free(r);
  dps_snippet_free(&s);
}

/* UTF-8 at every cut: a text of 2-, 3- and 4-byte characters. */
static void test_utf8_edges(void **state) {
  (void)state;
  char body[4096];
  size_t at = 0;
  for (int i = 0; i < 60; i++)
    at += (size_t)snprintf(body + at, sizeof body - at, "été€𝄞 ");
  at += (size_t)snprintf(body + at, sizeof body - at, "chat ");
  for (int i = 0; i < 60; i++)
    at += (size_t)snprintf(body + at, sizeof body - at, "ÉTÉ€𝄞 ");
  for (unsigned n = 20; n < 200; n += 7) {
    dps_snippet s;
    char *r = make("", body, "chat", 1, n, NULL, 0, &s);
    assert_non_null(strstr(r, "[chat]"));
    free(r);
    dps_snippet_free(&s);
  }
  /* invalid bytes inside the text never break the snippet */
  const char bad[] = "Le \xff\xfe chat \xc3 dort \xe2\x82.";
  dps_snippet s;
  dps_hl h = {0};
  dps_hl_add_term(&h, DPS_HL_STEM, "chat", 1);
  dps_text t = {bad, sizeof bad - 1, DP_FIELD_BODY};
  assert_int_equal(dps_snippet_make(&s, A, &h, &t, 1, NULL, 0, NULL, NULL), 0);
  assert_int_equal(s.nspans, 1);
  assert_memory_equal(s.text + s.spans[0].start, "chat", 4);
  dps_snippet_free(&s);
  dps_hl_free(&h);
}

/* HTML rendering escapes the article's text, not the markers. */
static void test_html(void **state) {
  (void)state;
  dps_snippet s;
  char *r = make("", "<script>alert('x')</script> & le chat \"noir\".", "chat",
                 2, 150, NULL, 0, &s);
  free(r);
  char *h = dps_render(s.text, s.len, s.spans, s.nspans, "<b>", "</b>", 1);
  assert_string_equal(h, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; "
                         "&amp; le <b>chat</b> &quot;noir&quot;.");
  free(h);
  dps_snippet_free(&s);
}

/* Titles: highlights over the whole text. */
static void test_title(void **state) {
  (void)state;
  dps_hl h = {0};
  spec(&h, "etat \"etat unis@1\"");
  const char *title = "Les États-Unis et l'État";
  dps_text t = {title, strlen(title), DP_FIELD_TITLE};
  dps_span *sp = NULL;
  size_t n = 0;
  assert_int_equal(dps_highlight_all(&sp, &n, A, &h, &t, NULL, 0), 0);
  char *r = dps_render(title, strlen(title), sp, n, "[", "]", 0);
  assert_string_equal(r, "Les [États-Unis] et l'[État]");
  free(r);
  free(sp);
  dps_hl_free(&h);
}

/* Long texts are only scanned, then analysed around the best place: the
 * scan folds accents (é, ë, ï, ç...) and reads acronyms whole. */
static void test_long_texts(void **state) {
  (void)state;
  char body[8192];
  size_t at = 0;
  for (int i = 0; i < 60; i++)
    at +=
        (size_t)snprintf(body + at, sizeof body - at, "Le temps passe vite. ");
  at += (size_t)snprintf(body + at, sizeof body - at,
                         "Il a neigé à Noël près de la gare S.N.C.F. du "
                         "village, où l'été est doux et la forêt dense. ");
  for (int i = 0; i < 60; i++)
    at +=
        (size_t)snprintf(body + at, sizeof body - at, "Le temps passe vite. ");
  static const struct {
    const char *q, *want;
  } rows[] = {
      {"noel", "[Noël]"},  {"ete", "[été]"},       {"foret", "[forêt]"},
      {"neig", "[neigé]"}, {"sncf", "[S.N.C.F.]"},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    dps_snippet s;
    char *r = make("", body, rows[i].q, 2, 150, NULL, 0, &s);
    if (!strstr(r, rows[i].want))
      fprintf(stderr, "%s: %s\n", rows[i].q, r);
    assert_non_null(strstr(r, rows[i].want));
    assert_int_equal(s.matched, 1);
    free(r);
    dps_snippet_free(&s);
  }
  /* a match inside one very long sentence: "…" on both sides */
  at = 0;
  for (int i = 0; i < 80; i++)
    at += (size_t)snprintf(body + at, sizeof body - at, "mot%d ", i);
  at += (size_t)snprintf(body + at, sizeof body - at, "zèbre ");
  for (int i = 0; i < 80; i++)
    at += (size_t)snprintf(body + at, sizeof body - at, "mot%d ", i);
  snprintf(body + at, sizeof body - at, "fin.");
  dps_snippet s;
  char *r = make("", body, "zebr", 1, 100, NULL, 0, &s);
  assert_non_null(strstr(r, "[zèbre]"));
  assert_memory_equal(r, "\xe2\x80\xa6 ", 4);
  assert_string_equal(r + strlen(r) - 4, " \xe2\x80\xa6");
  free(r);
  dps_snippet_free(&s);
  /* nothing matches a long text: its start, no highlight */
  r = make("", body, "girafe", 2, 50, NULL, 0, &s);
  assert_memory_equal(r, "mot0 mot1", 9);
  assert_int_equal(s.matched, 0);
  assert_int_equal(s.nspans, 0);
  free(r);
  dps_snippet_free(&s);
}

/* Passage choice: terms in one sentence beat the same terms split over two
 * sentences, even when the split window is tighter. */
static void test_same_sentence(void **state) {
  (void)state;
  dps_snippet s;
  char *r = make("",
                 "Le chat. Le chien dort. Puis le chat de la voisine voit le "
                 "chien. Le soir tombe sur la ville et sur les champs.",
                 "chat chien", 1, 30, NULL, 0, &s);
  assert_non_null(strstr(r, "[chat] de la voisine voit le [chien]"));
  free(r);
  dps_snippet_free(&s);
}

/* A passage never starts or ends inside a hyphenated compound. */
static void test_compounds(void **state) {
  (void)state;
  char body[4096];
  size_t at = 0;
  for (int i = 0; i < 40; i++)
    at += (size_t)snprintf(body + at, sizeof body - at,
                           "Les États-Unis et le Canada%s ",
                           i % 3 ? "," : " parlent.");
  for (unsigned n = 20; n < 200; n += 9) {
    dps_snippet s;
    char *r = make("", body, "canad", 2, n, NULL, 0, &s);
    assert_true(r[0] != '-');
    assert_null(strstr(r, "\xe2\x80\xa6 -"));
    assert_null(strstr(r, "- \xe2\x80\xa6"));
    assert_null(strstr(r, "-\xe2\x80\xa6"));
    free(r);
    dps_snippet_free(&s);
  }
}

/* A title with nothing to highlight gets no spans. */
static void test_title_none(void **state) {
  (void)state;
  dps_hl h = {0};
  spec(&h, "girafe");
  const char *title = "Le chat et le chien";
  dps_text t = {title, strlen(title), DP_FIELD_TITLE};
  dps_span *v = NULL;
  size_t n = 5;
  assert_int_equal(dps_highlight_all(&v, &n, A, &h, &t, NULL, 0), 0);
  assert_int_equal(n, 0);
  assert_null(v);
  dps_hl_free(&h);
}

/* The byte scan that picks the places to analyse must see every word the
 * analyzer sees: after an elision with ’, after « and a no-break space,
 * after a dash, a capital glued to the previous word ("secteurMacron" in
 * scraped text), through a soft hyphen or a decomposed accent. Each row is
 * checked in a short text, far inside a long one, and in a title. */
static void test_scan_word_starts(void **state) {
  (void)state;
  static const struct {
    const char *q, *text, *want;
  } rows[] = {
      {"econom",
       "Puis l\xe2\x80\x99\xc3\xa9"
       "conomie repart.",
       "l\xe2\x80\x99[\xc3\xa9"
       "conomie]"},
      {"emmanuel",
       "Qu\xe2\x80\x99"
       "Emmanuel vienne.",
       "Qu\xe2\x80\x99[Emmanuel]"},
      {"macron", "Il dit \xc2\xab\xc2\xa0Macron\xc2\xa0\xc2\xbb ici.",
       "\xc2\xab\xc2\xa0[Macron]\xc2\xa0\xc2\xbb"},
      {"bonjour",
       "Il dit \xc2\xab\xe2\x80\xaf"
       "bonjour\xe2\x80\xaf\xc2\xbb.",
       "\xc2\xab\xe2\x80\xaf[bonjour]"},
      {"macron",
       "Le r\xc3\xa9"
       "sultat \xe2\x80\x94Macron en t\xc3\xaa"
       "te.",
       "\xe2\x80\x94[Macron]"},
      {"macron", "Le secteurMacron a dit oui.", "secteur[Macron]"},
      {"reform",
       "La re\xcc\x81"
       "forme passe.",
       "[re\xcc\x81"
       "forme]"},
  };
  char body[8192];
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    for (int longtext = 0; longtext < 2; longtext++) {
      size_t at = 0;
      for (int k = 0; longtext && k < 60; k++)
        at += (size_t)snprintf(body + at, sizeof body - at,
                               "Le temps passe vite. ");
      at += (size_t)snprintf(body + at, sizeof body - at, "%s", rows[i].text);
      for (int k = 0; longtext && k < 60; k++)
        at += (size_t)snprintf(body + at, sizeof body - at,
                               " Le temps passe vite.");
      dps_snippet s;
      char *r = make("", body, rows[i].q, 2, 150, NULL, 0, &s);
      if (!strstr(r, rows[i].want))
        fprintf(stderr, "row %zu (%s text): %s\n", i,
                longtext ? "long" : "short", r);
      assert_non_null(strstr(r, rows[i].want));
      assert_int_equal(s.matched, 1);
      free(r);
      dps_snippet_free(&s);
    }
    dps_hl h = {0};
    spec(&h, rows[i].q);
    dps_text t = {rows[i].text, strlen(rows[i].text), DP_FIELD_TITLE};
    dps_span *sp = NULL;
    size_t n = 0;
    assert_int_equal(dps_highlight_all(&sp, &n, A, &h, &t, NULL, 0), 0);
    char *r = dps_render(t.text, t.len, sp, n, "[", "]", 0);
    if (!strstr(r, rows[i].want))
      fprintf(stderr, "row %zu (title): %s\n", i, r);
    assert_non_null(strstr(r, rows[i].want));
    free(r);
    free(sp);
    dps_hl_free(&h);
  }
}

/* A scratch kept across snippets (what a search does for its results)
 * gives exactly the snippets and title highlights of fresh memory, and a
 * huge text is not kept in it. */
static void test_scratch(void **state) {
  (void)state;
  dps_snip_scratch sc = {0};
  static char big[200000];
  size_t at = 0;
  while (at + 40 < sizeof big)
    at +=
        (size_t)snprintf(big + at, sizeof big - at, "Le chat dort au soleil. ");
  for (int round = 0; round < 3; round++) {
    for (size_t i = 0; i <= sizeof cases / sizeof cases[0]; i++) {
      int last = i == sizeof cases / sizeof cases[0];
      const char *lead = last ? "" : cases[i].lead;
      const char *body = last ? big : cases[i].body;
      /* "łodz": a letter the byte scan does not fold, so the huge body
       * is analysed whole */
      const char *q = last ? "chat \xc5\x82odz" : cases[i].q;
      dps_hl h = {0};
      spec(&h, q);
      dps_text t[2] = {{lead, strlen(lead), DP_FIELD_LEAD},
                       {body, strlen(body), DP_FIELD_BODY}};
      dps_snip_opts o = DPS_SNIP_OPTS_INIT;
      dps_snippet a, b;
      assert_int_equal(dps_snippet_make(&a, A, &h, t, 2, NULL, 0, &o, NULL), 0);
      assert_int_equal(
          dps_snippet_make_with(&sc, &b, A, &h, t, 2, NULL, 0, &o, NULL), 0);
      assert_string_equal(a.text, b.text);
      assert_int_equal(a.nspans, b.nspans);
      if (a.nspans)
        assert_memory_equal(a.spans, b.spans, a.nspans * sizeof *a.spans);
      dps_text tt = {body, strlen(body) < 300 ? strlen(body) : 0,
                     DP_FIELD_TITLE};
      dps_span *sa = NULL, *sb = NULL;
      size_t na = 0, nb = 0;
      assert_int_equal(dps_highlight_all(&sa, &na, A, &h, &tt, NULL, 0), 0);
      assert_int_equal(
          dps_highlight_all_with(&sc, &sb, &nb, A, &h, &tt, NULL, 0), 0);
      assert_int_equal(na, nb);
      if (na)
        assert_memory_equal(sa, sb, na * sizeof *sa);
      free(sa);
      free(sb);
      dps_snippet_free(&a);
      dps_snippet_free(&b);
      dps_hl_free(&h);
      /* the huge body was analysed whole: its tokens are not kept */
      if (last)
        assert_int_equal(sc.toks[1].cap, 0);
    }
  }
  dps_snip_scratch_free(&sc);
  dps_snip_scratch_free(&sc); /* twice is harmless */
}

/* The same property over random texts glued from fragments (a fixed seed):
 * every word the analyzer sees is found again by the byte scan, whatever
 * surrounds it (punctuation, spaces, symbols, letters of other scripts,
 * ligatures, marks), so each one is highlighted when asked for by its
 * exact folded form. */
static void test_scan_random(void **state) {
  (void)state;
  static const char *const frag[] = {"le ",
                                     "chat",
                                     "Chat",
                                     "l\xe2\x80\x99",
                                     "l'",
                                     "\xc2\xab ",
                                     "\xc2\xbb",
                                     "\xc2\xa0",
                                     "\xe2\x80\xaf",
                                     "\xe2\x80\x94",
                                     "-",
                                     ".",
                                     ". ",
                                     ", ",
                                     " ",
                                     "\xc3\xa9"
                                     "conomie",
                                     "\xc3\x89"
                                     "tat",
                                     "secteur",
                                     "Macron",
                                     "MACRON",
                                     "aujourd\xe2\x80\x99hui",
                                     "S.N.C.F.",
                                     "1 000",
                                     "2021",
                                     "APT31",
                                     "\xc2\xad",
                                     "e\xcc\x81",
                                     "\xc5\x93uvre",
                                     "\xc3\x9f",
                                     "\xc5\x81\xc3\xb3"
                                     "d\xc5\xba",
                                     "\xce\xb1\xce\xb8\xce\xae\xce\xbd\xce\xb1",
                                     "\xf0\x9f\x98\x80",
                                     "\n",
                                     "Lire aussi : ",
                                     "\xe2\x80\x9c",
                                     "\xe2\x80\xa6",
                                     "\xca\xbc",
                                     "iPhone",
                                     "McLaren",
                                     "corpsIl",
                                     "\xe2\x80\x8d",
                                     "\xef\xbb\xbf",
                                     "\xc3\x97",
                                     "m\xc2\xb2",
                                     "\xc3\x87"
                                     "a",
                                     "Dvo\xc5\x99\xc3\xa1k",
                                     "Erdo\xc4\x9f"
                                     "an",
                                     "\xef\xac\x81"
                                     "nance",
                                     "\xc4\xb0stanbul",
                                     "\xe2\x91\xa0",
                                     "\xef\xbc\xa1"};
  const size_t nfrag = sizeof frag / sizeof frag[0];
  uint32_t seed = 12345;
  int failed = 0;
  for (int it = 0; it < 1500 && failed < 5; it++) {
    char text[1024];
    size_t n = 0;
    seed = seed * 1103515245u + 12345u;
    int k = 1 + (int)((seed >> 16) % 20);
    for (int j = 0; j < k; j++) {
      seed = seed * 1103515245u + 12345u;
      const char *f = frag[(seed >> 16) % nfrag];
      size_t l = strlen(f);
      memcpy(text + n, f, l);
      n += l;
    }
    text[n] = 0;
    dp_tokens T = {0};
    assert_true(dp_analyze(A, text, n, 0, &T) != (uint32_t)-1);
    for (size_t t = 0; t < T.n; t++) {
      const dp_token *tk = &T.v[t];
      if (tk->flags & (DP_TOK_JOINED | DP_TOK_FURNITURE))
        continue; /* furniture is never highlighted */
      dps_hl h = {0};
      assert_true(dps_hl_add_term(&h, DPS_HL_EXACT, tk->term, 1.0) >= 0);
      dps_text tx = {text, n, DP_FIELD_TITLE};
      dps_span *sp = NULL;
      size_t ns = 0;
      assert_int_equal(dps_highlight_all(&sp, &ns, A, &h, &tx, NULL, 0), 0);
      int covered = 0;
      for (size_t q = 0; q < ns; q++)
        covered |= sp[q].start <= tk->start && sp[q].end >= tk->end;
      if (!covered && failed++ < 5)
        fprintf(stderr, "word [%s] at %zu not found in [%s]\n", tk->term,
                tk->start, text);
      free(sp);
      dps_hl_free(&h);
    }
    dp_tokens_free(&T);
  }
  assert_int_equal(failed, 0);
}

/* The character count (blocks of sixteen and eight bytes) equals the
 * byte-at-a-time count on every range of texts of ASCII, accents,
 * three- and four-byte characters and stray bytes, from 0 to 600 bytes
 * long (more than one lane's 255 blocks of sixteen bytes in the longest
 * texts below). */
static void test_utf8_chars(void **state) {
  (void)state;
  static const char *const bits[] = {
      "a",    " ",    "\xc3\xa9", "\xe2\x80\x99", "\xf0\x9f\x98\x80",
      "\x80", "\xbf", "\xc3"};
  static char text[8192];
  unsigned r = 7;
  for (int iter = 0; iter < 400; iter++) {
    size_t len = 0, want = (size_t)(iter < 20 ? 4200 + iter : iter + 1);
    while (len + 4 < sizeof text && len < want) {
      r = r * 1103515245u + 12345u;
      const char *b = bits[(r >> 16) % 8];
      memcpy(text + len, b, strlen(b));
      len += strlen(b);
    }
    /* ranges ending at the end of a copy of exactly len bytes: ASan sees
     * any read past the end */
    char *exact = malloc(len ? len : 1);
    assert_non_null(exact);
    memcpy(exact, text, len);
    for (size_t a = 0; a < 40 && a <= len; a += 1 + a / 8) {
      for (size_t b = a; b <= len; b += 1 + (b - a) / 3 + (len > 1000) * 97)
        assert_int_equal(dps_utf8_chars(text, a, b, 0),
                         dps_utf8_chars(text, a, b, 1));
      assert_int_equal(dps_utf8_chars(exact, a, len, 0),
                       dps_utf8_chars(exact, a, len, 1));
    }
    free(exact);
    assert_int_equal(dps_utf8_chars(text, 0, len, 0),
                     dps_utf8_chars(text, 0, len, 1));
  }
  /* one lane of the sixteen-byte blocks sees a continuation byte in every
   * block, over more than 255 blocks */
  for (int k = 0; k < 2; k++) {
    const char *b = k ? "\xf0\x9f\x98\x80" : "\xc3\xa9";
    size_t bl = strlen(b), len = 0;
    while (len + bl < sizeof text) {
      memcpy(text + len, b, bl);
      len += bl;
    }
    assert_int_equal(dps_utf8_chars(text, 0, len, 0), len / bl);
    assert_int_equal(dps_utf8_chars(text, 0, len, 0),
                     dps_utf8_chars(text, 0, len, 1));
    assert_int_equal(dps_utf8_chars(text, bl, len - 1, 0),
                     dps_utf8_chars(text, bl, len - 1, 1));
  }
}

/* Control characters anywhere in a passage (at every offset of the
 * sixteen-byte blocks the copy skips at once) are shown as spaces, and
 * nothing else changes: the snippet's text, without its ellipses, is a
 * piece of the text with its control characters made spaces. */
static void test_control_chars(void **state) {
  (void)state;
  static const char *const ctl[] = {"\t", "\r", "\x01", "\x1f", "\x7f"};
  char body[512], clean[512];
  for (size_t at = 0; at < 80; at++) {
    for (size_t c = 0; c < 5; c++) {
      const char *words = "Le chat de la voisine dort au soleil depuis le "
                          "matin et le chien aussi dort.";
      size_t n = strlen(words);
      memcpy(body, words, n);
      body[n] = '\0';
      /* one control character at `at`, one more 17 bytes later */
      body[at % n] = ctl[c][0];
      body[(at + 17) % n] = ctl[(c + 1) % 5][0];
      for (size_t i = 0; i <= n; i++)
        clean[i] =
            (unsigned char)body[i] < 0x20 || body[i] == 0x7f ? ' ' : body[i];
      dps_hl h = {0};
      assert_true(dps_hl_add_term(&h, DPS_HL_STEM, "chat", 1.0) >= 0);
      assert_true(dps_hl_add_term(&h, DPS_HL_STEM, "dort", 1.0) >= 0);
      dps_text tx = {body, n, DP_FIELD_BODY};
      dps_snippet s;
      assert_int_equal(dps_snippet_make(&s, A, &h, &tx, 1, NULL, 0, NULL, NULL),
                       0);
      for (size_t i = 0; i < s.len; i++) {
        unsigned char b = (unsigned char)s.text[i];
        assert_false(b < 0x20 || b == 0x7f);
      }
      /* each piece between ellipses, without the spaces around it */
      const char *p = s.text;
      while (*p) {
        const char *e = strstr(p, "\xe2\x80\xa6");
        size_t pl = e ? (size_t)(e - p) : strlen(p);
        const char *q = p;
        while (pl > 0 && *q == ' ') {
          q++;
          pl--;
        }
        while (pl > 0 && q[pl - 1] == ' ')
          pl--;
        char piece[512];
        memcpy(piece, q, pl);
        piece[pl] = '\0';
        if (pl)
          assert_non_null(strstr(clean, piece));
        p = e ? e + 3 : p + strlen(p);
      }
      dps_snippet_free(&s);
      dps_hl_free(&h);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_utf8_chars),
      cmocka_unit_test(test_control_chars),
      cmocka_unit_test(test_table),
      cmocka_unit_test(test_offsets),
      cmocka_unit_test(test_entity),
      cmocka_unit_test(test_passages),
      cmocka_unit_test(test_utf8_edges),
      cmocka_unit_test(test_html),
      cmocka_unit_test(test_title),
      cmocka_unit_test(test_long_texts),
      cmocka_unit_test(test_same_sentence),
      cmocka_unit_test(test_compounds),
      cmocka_unit_test(test_title_none),
      cmocka_unit_test(test_scan_word_starts),
      cmocka_unit_test(test_scratch),
      cmocka_unit_test(test_scan_random),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
