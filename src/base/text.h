/*
 * text.h - Unicode normalisation of what citizens type (utf8proc): NFKC turns full-width
 * digits and letters into ASCII ("１２３" -> "123"), case folding makes search case-blind.
 */
#ifndef BIANMIN_BASE_TEXT_H
#define BIANMIN_BASE_TEXT_H

#include <stdbool.h>

#include "base/arena.h"

/* NFKC (and case folding when fold is true) of valid UTF-8 s into the arena. NULL when s is
 * not valid UTF-8 or memory runs out. */
char *text_normalize(struct arena *arena, const char *s, bool fold);
/* Number of Unicode code points in valid UTF-8 s. */
size_t text_length(const char *s);
/* True when every whitespace-separated term of query occurs in haystack (both already
 * normalised with the same fold setting). An empty query matches nothing. */
bool text_matches_all_terms(const char *haystack, const char *query);

#endif
