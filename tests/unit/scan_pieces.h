/* scan_pieces.h — pieces of text for the snippet scan tests
 * (test_snippet_scan, test_snippet_scan_paths): random texts made of them
 * put every case of the byte scan at every block boundary. A test defines
 * SCAN_SEED, the seed of its random numbers, before including this. */
#ifndef DEPECHE_TEST_SCAN_PIECES_H
#define DEPECHE_TEST_SCAN_PIECES_H

#include <stddef.h>
#include <string.h>

/* Pieces of text: ASCII words, Latin-1 letters in every case, the
 * separators the blocks read (no-break spaces, ’ « » —), the ones they
 * leave to the byte loop (soft hyphen, combining accents, letters beyond
 * Latin-1, emoji, invalid bytes), glued words and acronyms. */
static const char *const pieces[] = {
    "le",
    "la",
    "confinement",
    "Coronavirus",
    "COVID-19",
    "l'État",
    "d’Europe",
    "États-Unis",
    "secteurMacron",
    "eBay",
    "Île",
    "œuvre",
    "Æsop",
    "naïve",
    "1 000",
    "3,5",
    "2021-07-19",
    "U.S.A.",
    "M.",
    "«",
    "»",
    ",",
    ".",
    " : ",
    "\xc2\xa0",
    "\xe2\x80\xaf",
    "😀",
    "\xff",
    "\xc3",
    "—",
    "aujourd'hui",
    "presqu'île",
    "vaccin",
    "Vaccins",
    "vaccination",
    "ÉCOLE",
    "straße",
    "ﬁnale",
    "x",
    "Zoé",
    "\n",
    "(photo)",
    "APT31",
    "iPhone",
    "régulière",
    "con\xc2\xad"
    "finement",
    "e\xcc\x81"
    "t\xc3\xa9",
    "ª",
    "½",
    "×",
    "÷",
    "Çà",
    "ÀÉÎÕÜ",
    "àéîõüÿ",
    "coopération",
    "Mélenchon",
    "SNCF",
    "s.n.c.f.",
    "\xe2\x80\x8d",
    "Ŀ",
    "ř",
    "²",
    "aaaaaaaaaaaaaaaaaaaaaaaa",
    "conférence",
    "CONF",
    "cœur",
    "«\xc2\xa0Lire aussi\xc2\xa0»",
};

static unsigned rnd_state = SCAN_SEED;
static unsigned rnd(unsigned n) {
  rnd_state = rnd_state * 1103515245u + 12345u;
  return (rnd_state >> 16) % n;
}

/* A random text of k pieces, some glued, most separated by a space, after
 * a lead of 0 to max_lead letters ('a', or any when mixed) that shifts
 * every block boundary. */
static size_t make_text(char *buf, size_t cap, unsigned k, unsigned max_lead,
                        int mixed) {
  size_t len = 0;
  unsigned lead = rnd(max_lead + 1);
  for (unsigned i = 0; i < lead; i++)
    buf[len++] = (char)(mixed ? 'a' + rnd(26) : 'a');
  buf[len++] = ' ';
  for (unsigned i = 0; i < k; i++) {
    const char *p = pieces[rnd(sizeof pieces / sizeof *pieces)];
    size_t n = strlen(p);
    if (len + n + 2 >= cap)
      break;
    memcpy(buf + len, p, n);
    len += n;
    if (rnd(5))
      buf[len++] = ' ';
  }
  buf[len] = '\0';
  return len;
}

#endif
