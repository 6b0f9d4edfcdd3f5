/* schema.h — THE contract between depeche-index and depeche-search.
 *
 * Everything the indexer writes into a Xapian database and the searcher reads
 * back is named here: term prefixes, value slots, metadata keys and the
 * stored-record format version. Omega's conventions are followed where they
 * exist, so that Xapian's own tools (delve, quest) can read our indexes.
 *
 * Terms (all text folded: Unicode case fold + accents stripped + ligatures
 * expanded, see text.h):
 *
 *   Z<stem>        folded stem of every non-stopword of title, lead and body,
 *                  WITH positions (free text, phrases, NEAR). Title words get
 *                  extra wdf (DP_TITLE_WDF_BOOST per occurrence).
 *   <word>         bare folded unstemmed word (no prefix), WITHOUT positions:
 *                  exact matches (=word) and prefix wildcards (word*).
 *   S<stem>        title stems (title: queries), without positions.
 *   Q<id>          unique article id (replace/delete by id).
 *   D<YYYYMMDD>    date, M<YYYYMM> month, Y<YYYY> year (boolean).
 *   XSRC<source>   folded source name (boolean), e.g. "XSRCagence france
 * presse". XPER<key> XORG<key> XLOC<key> XMISC<key> entity of that type, key =
 * folded canonical name (boolean), e.g. "XORGapt31", "XPERjoe biden". XP<path>
 * absolute source path when the article came from a file (boolean; used by
 * --prune).
 *
 * Values:
 *   slot 0  DP_SLOT_DATE     "YYYYMMDD" (sortable as a string; empty if none)
 *   slot 1  DP_SLOT_HASH     content hash of the article, 16 lowercase hex
 *   slot 2  DP_SLOT_SOURCE   folded source (single-valued facet)
 *   slot 3  DP_SLOT_MONTH    "YYYYMM" (single-valued facet)
 *   slot 4  DP_SLOT_ENTITIES entity facet keys "T:key" joined by '\x1f'
 *                            (T = P, O, L, M); a multi-valued facet
 *   slot 5  DP_SLOT_PATH     absolute path of the source file ("" if stdin)
 *
 * Document data: the stored record, see record.h (version byte first).
 *
 * Metadata keys: DP_META_SCHEMA ("1"), DP_META_UPDATED (ISO 8601 UTC of the
 * last indexer commit).
 */
#ifndef DEPECHE_SCHEMA_H
#define DEPECHE_SCHEMA_H

#define DP_SCHEMA_VERSION 1

#define DP_PREFIX_STEM "Z"
#define DP_PREFIX_TITLE "S"
#define DP_PREFIX_ID "Q"
#define DP_PREFIX_DATE "D"
#define DP_PREFIX_MONTH "M"
#define DP_PREFIX_YEAR "Y"
#define DP_PREFIX_SOURCE "XSRC"
#define DP_PREFIX_PER "XPER"
#define DP_PREFIX_ORG "XORG"
#define DP_PREFIX_LOC "XLOC"
#define DP_PREFIX_MISC "XMISC"
#define DP_PREFIX_PATH "XP"

#define DP_SLOT_DATE 0
#define DP_SLOT_HASH 1
#define DP_SLOT_SOURCE 2
#define DP_SLOT_MONTH 3
#define DP_SLOT_ENTITIES 4
#define DP_SLOT_PATH 5

/* Separator between the keys of a multi-valued value slot. */
#define DP_MULTI_SEP '\x1f'

/* Extra wdf given to each title occurrence of a Z term (body = 1). 1, not
 * 4: measured on PIAF with the OrangeSum distractors, MRR@10 0.719 (1),
 * 0.714 (4), 0.720 (0); see docs/query-syntax.md. */
#define DP_TITLE_WDF_BOOST 1

#define DP_META_SCHEMA "depeche:schema"
#define DP_META_UPDATED "depeche:updated"

#endif
