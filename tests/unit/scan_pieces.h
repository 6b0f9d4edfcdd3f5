/* scan_pieces.h — pieces of text for the snippet scan tests
 * (test_snippet_scan, test_snippet_scan_paths): random texts made of them
 * put every case of the byte scan at every block boundary. */
#ifndef DEPECHE_TEST_SCAN_PIECES_H
#define DEPECHE_TEST_SCAN_PIECES_H

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

#endif
