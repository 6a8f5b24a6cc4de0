/*
 * search.h - the tokens full-text search indexes, independent of any database (ARCHITECTURE.md
 * "As built", Search). SQLite's FTS5 calls search_tokens() through the tokenizer registered in
 * store/sqlite_fts.c; the PostgreSQL backend will index the same tokens (a tsvector built with
 * the 'simple' configuration), so both backends find the same answers.
 *
 * Tokens: every code point is mapped with NFKC and case folding (full-width "ＡＢ１" -> "ab1",
 * accents dropped); runs of letters and digits outside CJK become one lowercase word; CJK
 * characters (Han, kana, Hangul, bopomofo) become overlapping bigrams ("買賣移轉" -> 買賣 賣移
 * 移轉), and a CJK character standing alone becomes a unigram. Everything else separates.
 */
#ifndef BIANMIN_BASE_SEARCH_H
#define BIANMIN_BASE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"

/* The longest token in bytes; a longer Latin word is cut (its prefix still matches). */
#define SEARCH_TOKEN_MAX 64
/* How many whitespace-separated terms a query may have, and spellings (synonyms) per term. */
#define SEARCH_TERMS_MAX    12
#define SEARCH_VARIANTS_MAX 4

/* Called once per token: token is NUL-terminated, len bytes; [start, end) are byte offsets of
 * the token's source text in the input. A non-zero return stops tokenising and is returned. */
typedef int (*search_token_fn)(void *ctx, const char *token, size_t len, size_t start, size_t end);

/* Tokenises len bytes of UTF-8 text. Invalid UTF-8 sequences separate tokens. */
int search_tokens(const char *text, size_t len, search_token_fn fn, void *ctx);

/* True when code point cp is tokenised as CJK (bigrams). */
bool search_is_cjk(unsigned cp);

/* One term of a query and its spellings: variants[0] is the term as typed (NFKC, folded);
 * the others replace a word citizens use with the word the catalogue uses (過戶 -> 移轉). */
struct search_term {
  const char *variants[SEARCH_VARIANTS_MAX];
  size_t variant_count;
  bool latin;    /* only ASCII letters and digits: matched as a word prefix ("mortgage*") */
  bool lone_cjk; /* exactly one CJK character: matched as a bigram prefix ("地*") */
};

/* Splits a query into terms (whitespace-separated, at most SEARCH_TERMS_MAX; terms that yield no
 * token are skipped) with their synonym variants, in the arena. Every term must match.
 * ST_INVALID for invalid UTF-8; *count is 0 when nothing searchable remains. */
int search_terms(struct arena *arena, const char *query, struct search_term *terms, size_t *count);

/* The synonym table (from, to), for documentation and tests. */
struct search_synonym {
  const char *from;
  const char *to;
};
const struct search_synonym *search_synonyms(size_t *count);

#endif
