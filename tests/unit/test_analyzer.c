/* The French analyzer, as a specification: tables of inputs and the exact
 * tokens they give (like Xapian's api_snippets tests), then the Snowball
 * oracle, then every token's offsets on 2,000 real articles.
 *
 * Token rendering used by the tables (one space between tokens):
 *   term@pos:start-end          when stem == term
 *   term/stem@pos:start-end     otherwise
 * Flag rendering: term{letters}, letters in this order:
 *   S stop, E elided, P part, J joined, N number, A acronym, C capital,
 *   B sentence start (begin), K code, F furniture.
 * To add a case, add one line to a table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <utf8proc.h>
#include <zlib.h>

#include "analyzer.h"
#include "data.h"
#include "stoplist.h"
#include "text.h"

static dp_analyzer *A;
static int data_missing; /* a data-driven test skipped: exit 77 */

static int setup(void **state) {
  (void)state;
  char *msg = NULL;
  if (dp_analyzer_new(&A, &msg) != 0) {
    fprintf(stderr, "dp_analyzer_new: %s\n", msg ? msg : "?");
    free(msg);
    return -1;
  }
  return 0;
}

static int teardown(void **state) {
  (void)state;
  dp_analyzer_free(A);
  return 0;
}

static void cat(char **buf, size_t *len, size_t *cap, const char *fmt, ...) {
  va_list ap;
  for (;;) {
    va_start(ap, fmt);
    int n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    if ((size_t)n < *cap - *len) {
      *len += (size_t)n;
      return;
    }
    *cap = (*cap + (size_t)n + 1) * 2;
    *buf = realloc(*buf, *cap);
    assert_non_null(*buf);
  }
}

/* Renders the tokens of text (see the top comment); caller frees. */
static char *render(const char *text, int with_flags) {
  dp_tokens t = {0};
  uint32_t end = dp_analyze(A, text, strlen(text), 0, &t);
  assert_int_not_equal(end, (uint32_t)-1);
  size_t cap = 256, len = 0;
  char *buf = malloc(cap);
  assert_non_null(buf);
  buf[0] = '\0';
  static const char letters[] = "SEPJNACBKF";
  for (size_t i = 0; i < t.n; i++) {
    const dp_token *k = &t.v[i];
    if (i)
      cat(&buf, &len, &cap, " ");
    if (with_flags) {
      cat(&buf, &len, &cap, "%s{", k->term);
      for (int b = 0; b < 10; b++)
        if (k->flags & (1u << b))
          cat(&buf, &len, &cap, "%c", letters[b]);
      cat(&buf, &len, &cap, "}");
    } else if (strcmp(k->term, k->stem) == 0) {
      cat(&buf, &len, &cap, "%s@%u:%zu-%zu", k->term, k->pos, k->start, k->end);
    } else {
      cat(&buf, &len, &cap, "%s/%s@%u:%zu-%zu", k->term, k->stem, k->pos,
          k->start, k->end);
    }
  }
  dp_tokens_free(&t);
  return buf;
}

struct tcase {
  const char *input;
  const char *expected;
};

static void run_table(const struct tcase *tab, size_t n, int with_flags) {
  int bad = 0;
  for (size_t i = 0; i < n; i++) {
    char *got = render(tab[i].input, with_flags);
    if (strcmp(got, tab[i].expected) != 0) {
      fprintf(stderr, "input:    %s\nexpected: %s\ngot:      %s\n\n",
              tab[i].input, tab[i].expected, got);
      bad++;
    }
    free(got);
  }
  assert_int_equal(bad, 0);
}

/* Tokens, stems, positions and byte offsets. */
static const struct tcase token_cases[] = {
    {"", ""},
    {"  \n\t ", ""},
    /* elision: the article is dropped, the word keeps its own offsets */
    {"L\xE2\x80\x99"
     "ambassade d'Exchange",
     "ambassade/ambassad@0:4-13 exchange/exchang@1:16-24"},
    {"qu'importe", "importe/import@0:3-10"},
    {"QU\xCA\xBC"
     "IL",
     "il@0:4-6"},
    {"jusqu'à lorsqu'il puisqu'on quoiqu'elle",
     "a@0:6-8 il@1:16-18 on@2:26-28 elle@3:36-40"},
    {"c'est j'ai m'a n'a s'est t'as",
     "est@0:2-5 ai@1:8-10 a@2:13-14 a@3:17-18 est@4:21-24 as@5:27-29"},
    /* apostrophes that are not elisions: one word, apostrophe normalised */
    {"aujourd'hui", "aujourd'hui@0:0-11"},
    {"aujourd\xE2\x80\x99hui", "aujourd'hui@0:0-13"},
    {"prud'homme", "prud'homme/prud'homm@0:0-10"},
    {"d'aujourd'hui", "aujourd'hui@0:2-13"},
    /* 'quoted words' are not glued to anything */
    {"l''évolution'", "l@0:0-1 evolution/evolu@1:3-13"},
    /* accents and case never matter; stems are computed on accented words */
    {"États-Unis", "etatsunis/etatsun@0:0-11 etats/etat@0:0-6 unis@1:7-11"},
    {"Etats-Unis", "etatsunis/etatsun@0:0-10 etats/etat@0:0-5 unis@1:6-10"},
    {"L'État l’Etat l'etat", "etat@0:2-7 etat@1:12-16 etat@2:19-23"},
    {"cyberattaques chinoises",
     "cyberattaques/cyberattaqu@0:0-13 chinoises/chinois@1:14-23"},
    {"cyber-attaques", "cyberattaques/cyberattaqu@0:0-14 cyber/cyb@0:0-5 "
                       "attaques/attaqu@1:6-14"},
    {"œuvre oeuvre Œuvre", "oeuvre/oeuvr@0:0-6 oeuvre/oeuvr@1:7-13 "
                           "oeuvre/oeuvr@2:14-20"},
    {"régulière reguliere", "reguliere/reguli@0:0-11 reguliere/reguli@1:12-21"},
    {"première premiere sécurité securite journée journee",
     "premiere/premi@0:0-9 premiere/premi@1:10-18 securite/secur@2:19-29 "
     "securite/secur@3:30-38 journee/journ@4:39-47 journee/journ@5:48-55"},
    {"Straße \xEF\xAC\x81n", "strasse/strass@0:0-7 fin@1:8-12"},
    /* combining accents (NFD input) fold like precomposed ones */
    {"E\xCC\x81tat", "etat@0:0-6"},
    /* a soft hyphen inside a word is ignored */
    {"inter\xC2\xAD"
     "national",
     "international@0:0-15"},
    /* compounds: parts at consecutive positions, joined form first */
    {"Nouvelle-Zélande",
     "nouvellezelande/nouvellezeland@0:0-17 nouvelle/nouvel@0:0-8 "
     "zelande/zeland@1:9-17"},
    {"peut-être", "peutetre/peutetr@0:0-10 peut@0:0-4 etre@1:5-10"},
    /* inversions are not compounds */
    {"a-t-il", "a@0:0-1 t@1:2-3 il@2:4-6"},
    {"va-t-elle dit-il peut-on est-ce",
     "va@0:0-2 t@1:3-4 elle@2:5-9 dit@3:10-13 il@4:14-16 peut@5:17-21 "
     "on@6:22-24 est@7:25-28 ce@8:29-31"},
    {"rendez-vous", "rendezvous@0:0-11 rendez/rend@0:0-6 vous@1:7-11"},
    /* elision inside a compound closes the compound */
    {"Saint-Jean-d'Angély",
     "saintjean@0:0-10 saint@0:0-5 jean@1:6-10 angely@2:13-20"},
    /* codes: APT31 one token; APT-31 parts + joined; APT 31 two tokens */
    {"APT31", "apt31@0:0-5"},
    {"APT-31", "apt31@0:0-6 apt@0:0-3 31@1:4-6"},
    {"APT 31", "apt@0:0-3 31@1:4-6"},
    {"APT40 COVID-19 G7",
     "apt40@0:0-5 covid19@1:6-14 covid@1:6-11 19@2:12-14 g7@3:15-17"},
    /* numbers */
    {"2021-07-19", "20210719@0:0-10 2021@0:0-4 07@1:5-7 19@2:8-10"},
    {"3,5 3.5 1 000 12 500 000",
     "3,5@0:0-3 3.5@1:4-7 1000@2:8-13 12500000@3:14-24"},
    {"1\xC2\xA0"
     "000 et 1\xE2\x80\xAF"
     "000",
     "1000@0:0-6 et@1:7-9 1000@2:10-17"},
    {"183.000 personnes", "183000@0:0-7 personnes/person@1:8-17"},
    {"en 2020 100 personnes",
     "en@0:0-2 2020@1:3-7 100@2:8-11 personnes/person@3:12-21"},
    {"1er 3ème 21e", "1er@0:0-3 3eme@1:4-9 21e@2:10-13"},
    /* dotted acronyms keep their final dot */
    {"U.S.A.", "usa@0:0-6"},
    {"les U.S.A. et", "les/le@0:0-3 usa@1:4-10 et@2:11-13"},
    /* missing space after a full stop */
    {"midi.Lorsque", "midi/mid@0:0-4 lorsque/lorsqu@1:5-12"},
    /* ... but not in numbers, domains, or after abbreviations */
    {"www.lemonde.fr",
     "www.lemonde.fr@0:0-14 www@0:0-3 lemonde/lemond@1:4-11 fr@2:12-14"},
    {"M. Dupont", "m@0:0-1 dupont@1:3-9"},
    /* paragraphs glued without a space: cut before the capital */
    {"participationC'est corpsIl",
     "participation/particip@0:0-13 est@1:15-18 corps/corp@2:19-24 "
     "il@3:24-26"},
    {"iPhone eBay macOS YouTube",
     "iphone/iphon@0:0-6 ebay@1:7-11 macos@2:12-17 youtube/youtub@3:18-25"},
    /* French typography: guillemets and no-break spaces are separators */
    {"« Bonjour\xC2\xA0! »", "bonjour@0:3-10"},
    {"dit\xE2\x80\xAF: non", "dit@0:0-3 non@1:8-11"},
    /* stopwords keep their positions */
    {"le ministère de la Défense",
     "le@0:0-2 ministere/minister@1:3-13 de@2:14-16 la@3:17-19 "
     "defense/defens@4:20-28"},
    /* letters from any script; only combining accents are stripped */
    {"Łódź Ørsted ÿ Ελλάδα", "łodz@0:0-7 ørsted@1:8-15 y@2:16-18 "
                             "ελλαδα@3:19-31"},
};

/* Flags the entity tagger and the indexer rely on. */
static const struct tcase flag_cases[] = {
    {"L'OTAN et la SNCF", "otan{EACB} et{S} la{S} sncf{AC}"},
    {"Il a dit.Lorsque", "il{SCB} a{S} dit{} lorsque{CB}"},
    {"Fin. Puis le M. Dupont et J. Durand! Enfin\nLigne",
     "fin{CB} puis{CB} le{S} m{SC} dupont{C} et{S} j{SC} durand{C} "
     "enfin{CB} ligne{CB}"},
    {"APT31 APT-31 APT 31",
     "apt31{ACBK} apt31{JACK} apt{PAC} 31{PN} apt{AC} 31{N}"},
    {"COVID-19 G7 A380 mp3 10h30",
     "covid19{JACBK} covid{PACB} 19{PN} g7{ACK} a380{ACK} mp3{K} 10h30{K}"},
    {"1er 2021 2021-07-19 3,5",
     "1er{NB} 2021{N} 20210719{JN} 2021{PN} 07{PN} 19{PN} 3,5{N}"},
    {"U.S.A. OTAN Otan A", "usa{ACB} otan{AC} otan{C} a{SC}"},
    {"États-Unis", "etatsunis{JCB} etats{PCB} unis{PC}"},
    {"corpsIl influenceDOSSIER", "corps{B} il{SCB} influence{} dossier{ACB}"},
    /* page furniture: cue at a sentence or line start, up to the next one */
    {"Texte.Lire aussi : Le titre.Suite",
     "texte{CB} lire{CBF} aussi{F} le{SCF} titre{F} suite{CB}"},
    {"Texte.\nÀ lire également Un autre\nSuite",
     "texte{CB} a{SCBF} lire{F} egalement{F} un{SCF} autre{F} suite{CB}"},
    {"Pour aller plus loin : dossier\nPour aller plus loin, il faut",
     "pour{SCBF} aller{F} plus{F} loin{F} dossier{F} pour{SCB} aller{} "
     "plus{} loin{} il{S} faut{}"},
    {"Fin.\nPublicité\nSuite", "fin{CB} publicite{CBF} suite{CB}"},
    {"La publicité coûte", "la{SCB} publicite{} coute{}"},
    {"Photo : AFP / Joe Smith", "photo{CBF} afp{ACF} joe{CF} smith{CF}"},
    {"Fin.Crédit photo : Nissan", "fin{CB} credit{CBF} photo{F} nissan{CF}"},
    {"Texte (© AFP) suite.", "texte{CB} afp{ACF} suite{}"},
    {"Une photo montre", "une{SCB} photo{} montre{}"},
};

static void test_tokens(void **state) {
  (void)state;
  run_table(token_cases, sizeof token_cases / sizeof *token_cases, 0);
}

static void test_flags(void **state) {
  (void)state;
  run_table(flag_cases, sizeof flag_cases / sizeof *flag_cases, 1);
}

/* Same terms and stems whatever the accents and case. */
static void test_equivalences(void **state) {
  (void)state;
  static const char *const same[][2] = {
      {"États-Unis", "etats-unis"},
      {"Etats-Unis", "ÉTATS-UNIS"},
      {"œuvre", "oeuvre"},
      {"ŒUVRE", "Oeuvre"},
      {"régulière", "reguliere"},
      {"L'Élysée", "l’elysee"},
      {"cyber-attaque", "Cyber-Attaque"},
  };
  for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
    dp_tokens a = {0}, b = {0};
    dp_analyze(A, same[i][0], strlen(same[i][0]), 0, &a);
    dp_analyze(A, same[i][1], strlen(same[i][1]), 0, &b);
    assert_int_equal(a.n, b.n);
    for (size_t k = 0; k < a.n; k++) {
      assert_string_equal(a.v[k].term, b.v[k].term);
      assert_string_equal(a.v[k].stem, b.v[k].stem);
      assert_int_equal(a.v[k].pos, b.v[k].pos);
    }
    dp_tokens_free(&a);
    dp_tokens_free(&b);
  }
}

static void test_stopword_api(void **state) {
  (void)state;
  assert_true(dp_is_stopword("le"));
  assert_true(dp_is_stopword("etaient")); /* étaient, folded */
  assert_true(dp_is_stopword("a"));       /* à, folded */
  assert_false(dp_is_stopword("ete"));    /* été: omitted (summer) */
  assert_false(dp_is_stopword("ministere"));
  assert_false(dp_is_stopword(""));
  assert_false(dp_is_stopword(NULL));
}

/* The stop list folded at build time (dp_stoplist) is the embedded
 * stopwords_fr.txt folded now: every word of the file is in it, it holds
 * nothing else, and it is sorted without duplicates (is_stop bisects it). */
static int check_stop_word(const char *w, size_t n, void *ctx) {
  size_t *seen = ctx;
  char *f = dp_text_fold_dup(w, n);
  assert_non_null(f);
  int found = 0;
  for (size_t i = 0; i < dp_stoplist_n; i++)
    if (strcmp(dp_stoplist[i], f) == 0) {
      found = 1;
      seen[i] = 1;
    }
  if (!found)
    fail_msg("stopword '%.*s' (folded '%s') missing from dp_stoplist", (int)n,
             w, f);
  assert_true(dp_is_stopword(f));
  free(f);
  return 0;
}

static void test_stoplist_generated(void **state) {
  (void)state;
  size_t dlen = 0;
  const char *d = dp_data_get("stopwords_fr.txt", &dlen);
  assert_non_null(d);
  assert_true(dp_stoplist_n > 100);
  size_t *seen = calloc(dp_stoplist_n, sizeof *seen);
  assert_non_null(seen);
  assert_int_equal(dp_stoplist_each(d, dlen, check_stop_word, seen), 0);
  for (size_t i = 0; i < dp_stoplist_n; i++) {
    if (!seen[i])
      fail_msg("dp_stoplist holds '%s', not in stopwords_fr.txt",
               dp_stoplist[i]);
    if (i > 0)
      assert_true(strcmp(dp_stoplist[i - 1], dp_stoplist[i]) < 0);
  }
  free(seen);
}

/* Positions chain across calls; appending keeps earlier tokens. */
static void test_chaining(void **state) {
  (void)state;
  dp_tokens t = {0};
  uint32_t p = dp_analyze(A, "Le titre", 8, 0, &t);
  assert_int_equal(p, 2);
  p = dp_analyze(A, "Le corps du texte", 17, p + 100, &t);
  assert_int_equal(p, 106);
  assert_int_equal(t.n, 6);
  assert_string_equal(t.v[1].term, "titre");
  assert_int_equal(t.v[2].pos, 102);
  dp_tokens_clear(&t);
  assert_int_equal(t.n, 0);
  p = dp_analyze(A, "", 0, 7, &t);
  assert_int_equal(p, 7);
  assert_int_equal(t.n, 0);
  p = dp_analyze(A, NULL, 0, 0, &t);
  assert_int_equal(p, 0);
  dp_tokens_free(&t);
}

/* Checks the invariants of a token list over text[0,len). Returns the number
 * of violations (printed). */
static size_t check_tokens(const char *text, size_t len, const dp_tokens *t,
                           int strict_terms, dp_strbuf *fold,
                           dp_text_scratch *sc) {
  size_t bad = 0;
  uint32_t last_pos = 0;
  for (size_t i = 0; i < t->n; i++) {
    const dp_token *k = &t->v[i];
    const char *why = NULL;
    if (k->start >= k->end || k->end > len)
      why = "offsets outside the input";
    else if (!k->term || !k->stem || !k->term[0] || !k->stem[0])
      why = "empty term or stem";
    else if (!dp_utf8_valid(text + k->start, k->end - k->start))
      why = "slice is not whole UTF-8 characters";
    else if (i > 0 && k->pos < last_pos)
      why = "positions go backwards";
    else if (strict_terms && !(k->flags & (DP_TOK_JOINED | DP_TOK_NUMBER)) &&
             !memchr(text + k->start, '.', k->end - k->start)) {
      /* the surface folds to the term */
      assert_int_equal(
          dp_text_fold(sc, text + k->start, k->end - k->start, fold), 0);
      if (strcmp(fold->s, k->term) != 0)
        why = "the surface does not fold to the term";
    }
    if (why) {
      if (bad < 5)
        fprintf(stderr, "token %zu [%zu,%zu) '%.*s' term '%s': %s\n", i,
                k->start, k->end,
                k->end <= len && k->start < k->end ? (int)(k->end - k->start)
                                                   : 0,
                text + (k->start < len ? k->start : 0),
                k->term ? k->term : "(null)", why);
      bad++;
    }
    last_pos = k->pos;
  }
  return bad;
}

static uint64_t rng_next(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

/* Invalid UTF-8 never crashes and never yields an offset outside the input. */
static void test_invalid_utf8(void **state) {
  (void)state;
  static const char *const inputs[] = {
      "\xFF",
      "\xC3",
      "abc\xC3",
      "\xE2\x80",
      "l\xE2\x80",
      "l'\xFF"
      "abc",
      "\xC3\xA9\xFF\xC3",
      "a\x80\x80\x80 b",
      "\xF4\x90\x80\x80 x",
      "\xED\xA0\x80 surrogate",
      "\xC0\xAF overlong",
      "d'\xCC\x81",
      "\xCC\x81\xCC\x81",
      "1\xC2\xA0",
      "1\xE2\x80\xAF"
      "00",
      "U.S.",
      "-t-il",
      "a-",
      "'",
      "qu'",
      "l'l'l'",
      "...",
      "1.2.3.4.5",
      "x.Y.z.W",
      "\xC2\xA9",
      "Lire aussi",
      "a\xC2\xAD",
      "\xC2\xAD",
  };
  dp_strbuf fold = {0};
  dp_text_scratch sc = {0};
  dp_tokens t = {0};
  for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
    dp_tokens_clear(&t);
    size_t len = strlen(inputs[i]);
    assert_int_not_equal(dp_analyze(A, inputs[i], len, 0, &t), (uint32_t)-1);
    assert_int_equal(check_tokens(inputs[i], len, &t, 0, &fold, &sc), 0);
  }
  /* random bytes and random mutations of French text */
  static const char base[] =
      "L’État a-t-il payé 1 000 € à l'U.S.A. ? « Oui », dit M. Dupont.Puis "
      "APT-31 www.exemple.fr 3,5 % Œuvre ÆSOP aujourd'hui Straße\xC2\xA0!";
  uint64_t seed = 0x9E3779B97F4A7C15ull;
  char buf[512];
  for (int round = 0; round < 3000; round++) {
    size_t len;
    if (round % 2) {
      len = rng_next(&seed) % sizeof buf;
      for (size_t k = 0; k < len; k++)
        buf[k] = (char)(rng_next(&seed) & 0xFF);
    } else {
      len = sizeof base - 1;
      memcpy(buf, base, len);
      for (int m = 0; m < 6; m++)
        buf[rng_next(&seed) % len] = (char)(rng_next(&seed) & 0xFF);
      len = rng_next(&seed) % (len + 1);
    }
    dp_tokens_clear(&t);
    assert_int_not_equal(dp_analyze(A, buf, len, 0, &t), (uint32_t)-1);
    assert_int_equal(check_tokens(buf, len, &t, 0, &fold, &sc), 0);
  }
  dp_tokens_free(&t);
  dp_strbuf_free(&fold);
  dp_text_scratch_free(&sc);
}

/* The scanner's fast path for U+0080..U+07FF and U+2000..U+207F (classes
 * remembered per analyzer on first use) against the rules of
 * docs/analyzer.md read from utf8proc here: every such character between
 * "ab" and "cd", analysed twice by a fresh analyzer (the first time fills
 * its memory, the second reads it), and at the end of the text, also cut
 * short (a truncated sequence is a separator byte). */
static void test_char_classes(void **state) {
  (void)state;
  dp_analyzer *a = NULL;
  assert_int_equal(dp_analyzer_new(&a, NULL), 0);
  dp_tokens t = {0};
  for (int32_t cp = 0x80; cp < 0x2080; cp++) {
    if (cp == 0x800)
      cp = 0x2000;
    unsigned char c[4];
    size_t n = (size_t)utf8proc_encode_char(cp, c);
    char text[16];
    memcpy(text, "ab", 2);
    memcpy(text + 2, c, n);
    memcpy(text + 2 + n, "cd", 2);
    size_t len = n + 4;
    /* the expected cut, from the documented classes */
    int gc = utf8proc_category(cp), ntok; /* 1: one word; 2: two words */
    if (cp == 0x2019 || cp == 0x02BC)
      ntok = 1; /* apostrophe: "ab'cd" is one word */
    else if (cp == 0x2010 || cp == 0x2011)
      ntok = 3; /* hyphen: a compound, joined form and two parts */
    else if (cp == 0xAD || cp == 0x200C || cp == 0x200D)
      ntok = 1; /* ignorable inside a word */
    else if (gc == UTF8PROC_CATEGORY_LU || gc == UTF8PROC_CATEGORY_LT ||
             gc == UTF8PROC_CATEGORY_LL || gc == UTF8PROC_CATEGORY_LM ||
             gc == UTF8PROC_CATEGORY_LO || gc == UTF8PROC_CATEGORY_NL ||
             gc == UTF8PROC_CATEGORY_NO || gc == UTF8PROC_CATEGORY_ND ||
             gc == UTF8PROC_CATEGORY_MN || gc == UTF8PROC_CATEGORY_MC ||
             gc == UTF8PROC_CATEGORY_ME)
      ntok = 1;
    else
      ntok = 2;
    char *first = NULL;
    for (int pass = 0; pass < 2; pass++) {
      dp_tokens_clear(&t);
      assert_int_not_equal(dp_analyze(a, text, len, 0, &t), (uint32_t)-1);
      if ((int)t.n != ntok)
        fail_msg("U+%04X: %zu tokens, expected %d", (unsigned)cp, t.n, ntok);
      if (ntok == 1) {
        assert_int_equal(t.v[0].start, 0);
        assert_int_equal(t.v[0].end, len);
      } else if (ntok == 2) {
        assert_string_equal(t.v[0].term, "ab");
        assert_string_equal(t.v[1].term, "cd");
        assert_int_equal(t.v[1].start, 2 + n);
      }
      /* the capital flag, from the first letter */
      char up[8];
      memcpy(up, c, n);
      memcpy(up + n, "b", 2);
      dp_tokens u = {0};
      assert_int_not_equal(dp_analyze(a, up, n + 1, 0, &u), (uint32_t)-1);
      if (ntok == 1 && gc != UTF8PROC_CATEGORY_MN &&
          gc != UTF8PROC_CATEGORY_MC && gc != UTF8PROC_CATEGORY_ME &&
          cp != 0xAD && cp != 0x200C && cp != 0x200D && cp != 0x2019 &&
          cp != 0x02BC) {
        assert_true(u.n >= 1);
        int capital = (u.v[0].flags & DP_TOK_CAPITAL) != 0;
        if (capital !=
            (gc == UTF8PROC_CATEGORY_LU || gc == UTF8PROC_CATEGORY_LT))
          fail_msg("U+%04X: capital flag %d", (unsigned)cp, capital);
      }
      dp_tokens_free(&u);
      /* both passes give the same tokens */
      size_t cap = 64, rl = 0;
      char *r = malloc(cap);
      assert_non_null(r);
      r[0] = '\0';
      for (size_t k = 0; k < t.n; k++)
        cat(&r, &rl, &cap, "%s/%s@%u:%zu-%zu:%x ", t.v[k].term, t.v[k].stem,
            t.v[k].pos, t.v[k].start, t.v[k].end, t.v[k].flags);
      if (pass == 0) {
        first = r;
      } else {
        assert_string_equal(first, r);
        free(first);
        free(r);
      }
    }
    /* at the very end of the text, whole then cut short */
    for (size_t cut = n; cut >= 1; cut--) {
      dp_tokens_clear(&t);
      assert_int_not_equal(dp_analyze(a, text, 2 + cut, 0, &t), (uint32_t)-1);
      assert_true(t.n >= 1);
      assert_int_equal(t.v[0].start, 0);
      if (cut < n) /* a truncated sequence: a separator after "ab" */
        assert_int_equal(t.v[0].end, 2);
    }
  }
  dp_tokens_free(&t);
  dp_analyzer_free(a);
}

/* The data folder: $DEPECHE_SHARED_DATA, else ../shared/data from the
 * source tree. */
static const char *shared_data(void) {
  const char *d = getenv("DEPECHE_SHARED_DATA");
  return d && *d ? d : "../shared/data";
}

/* Reads one line of any length; returns NULL at EOF. */
static char *read_line(FILE *f, char **buf, size_t *cap) {
  ssize_t n = getline(buf, cap, f);
  if (n < 0)
    return NULL;
  while (n > 0 && ((*buf)[n - 1] == '\n' || (*buf)[n - 1] == '\r'))
    (*buf)[--n] = '\0';
  return *buf;
}

/* Every Snowball French vocabulary word stems to its expected stem. */
static void test_snowball_oracle(void **state) {
  (void)state;
  char vp[4096], op[4096];
  snprintf(vp, sizeof vp, "%s/snowball-fr/voc.txt", shared_data());
  snprintf(op, sizeof op, "%s/snowball-fr/output.txt", shared_data());
  FILE *fv = fopen(vp, "r"), *fo = fopen(op, "r");
  if (!fv || !fo) {
    if (fv)
      fclose(fv);
    if (fo)
      fclose(fo);
    fprintf(stderr, "SKIP: %s or %s not found\n", vp, op);
    data_missing = 1;
    skip();
  }
  char *lv = NULL, *lo = NULL;
  size_t cv = 0, co = 0, n = 0, bad = 0;
  while (read_line(fv, &lv, &cv)) {
    assert_non_null(read_line(fo, &lo, &co));
    char *stem = NULL;
    assert_int_equal(dp_analyzer_stem(A, lv, strlen(lv), &stem), 0);
    char *want = dp_text_fold_dup(lo, strlen(lo));
    assert_non_null(want);
    if (strcmp(stem, want) != 0) {
      if (bad < 10)
        fprintf(stderr, "oracle: %s -> %s, expected %s\n", lv, stem, want);
      bad++;
    }
    free(stem);
    free(want);
    n++;
  }
  free(lv);
  free(lo);
  fclose(fv);
  fclose(fo);
  fprintf(stderr, "oracle: %zu words, %zu differ\n", n, bad);
  assert_int_equal(n, 20805);
  assert_int_equal(bad, 0);
}

/* Every token's slice on the first 2,000 OrangeSum articles. */
static void test_orangesum_offsets(void **state) {
  (void)state;
  char path[4096];
  snprintf(path, sizeof path, "%s/news-orangesum/orangesum_articles.jsonl.gz",
           shared_data());
  gzFile gz = gzopen(path, "rb");
  if (!gz) {
    fprintf(stderr, "SKIP: %s not found\n", path);
    data_missing = 1;
    skip();
  }
  size_t cap = 1 << 16, articles = 0, tokens = 0, bad = 0, furniture = 0;
  char *line = malloc(cap);
  assert_non_null(line);
  dp_tokens t = {0};
  dp_strbuf fold = {0};
  dp_text_scratch sc = {0};
  while (articles < 2000) {
    size_t len = 0;
    line[0] = '\0';
    for (;;) { /* one whole line, however long */
      if (!gzgets(gz, line + len, (int)(cap - len)))
        break;
      len += strlen(line + len);
      if (len > 0 && line[len - 1] == '\n')
        break;
      cap *= 2;
      line = realloc(line, cap);
      assert_non_null(line);
    }
    if (len == 0)
      break;
    json_error_t err;
    json_t *doc = json_loadb(line, len, 0, &err);
    assert_non_null(doc);
    static const char *const fields[] = {"title", "heading", "body"};
    for (size_t f = 0; f < 3; f++) {
      json_t *v = json_object_get(doc, fields[f]);
      if (!json_is_string(v))
        continue;
      const char *text = json_string_value(v);
      size_t tl = json_string_length(v);
      dp_tokens_clear(&t);
      assert_int_not_equal(dp_analyze(A, text, tl, 0, &t), (uint32_t)-1);
      bad += check_tokens(text, tl, &t, 1, &fold, &sc);
      tokens += t.n;
      for (size_t k = 0; k < t.n; k++)
        furniture += (t.v[k].flags & DP_TOK_FURNITURE) != 0;
    }
    json_decref(doc);
    articles++;
  }
  gzclose(gz);
  free(line);
  dp_tokens_free(&t);
  dp_strbuf_free(&fold);
  dp_text_scratch_free(&sc);
  fprintf(stderr,
          "orangesum: %zu articles, %zu tokens (%zu furniture), "
          "%zu bad\n",
          articles, tokens, furniture, bad);
  assert_int_equal(articles, 2000);
  assert_int_equal(bad, 0);
}

/* The stemming step alone. */
static void test_stem_api(void **state) {
  (void)state;
  static const char *const cases[][2] = {
      {"États", "etat"},   {"etats", "etat"},       {"chinoises", "chinois"},
      {"ŒUVRES", "oeuvr"}, {"Exchange", "exchang"}, {"", ""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *s = NULL;
    assert_int_equal(dp_analyzer_stem(A, cases[i][0], strlen(cases[i][0]), &s),
                     0);
    assert_string_equal(s, cases[i][1]);
    free(s);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tokens),
      cmocka_unit_test(test_flags),
      cmocka_unit_test(test_equivalences),
      cmocka_unit_test(test_stopword_api),
      cmocka_unit_test(test_stoplist_generated),
      cmocka_unit_test(test_chaining),
      cmocka_unit_test(test_stem_api),
      cmocka_unit_test(test_invalid_utf8),
      cmocka_unit_test(test_char_classes),
      cmocka_unit_test(test_snowball_oracle),
      cmocka_unit_test(test_orangesum_offsets),
  };
  int rc = cmocka_run_group_tests(tests, setup, teardown);
  if (rc == 0 && data_missing) {
    fprintf(stderr, "SKIP: shared data absent (set DEPECHE_SHARED_DATA)\n");
    return 77;
  }
  return rc;
}
