/*
 * office_search.h - what an office's site search reads, as one call: the catalogue's
 * full-text hits (published services, published FAQ, current announcements, best first) and
 * the office's units from the in-memory directory (the page matches those itself, in the
 * reader's language).
 *
 * Strings are never NULL ("" when empty); the hits are a kept answer (domain/search_cache.h)
 * and the units point into the directory snapshot, both held until the arena given to the call
 * is freed.
 */
#ifndef BIANMIN_DOMAIN_OFFICE_SEARCH_H
#define BIANMIN_DOMAIN_OFFICE_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "domain/directory.h"

struct arena;
struct store;

struct office_search_hit {
  int64_t id;
  const char *kind; /* "service", "faq" or "announcement" */
  const char *slug, *title_zh, *title_en, *summary_zh, *summary_en;
};

struct office_search {
  const struct office_search_hit *hits;
  size_t hit_count;
  const struct dir_unit *units; /* by sort and id */
  size_t unit_count;
};

/* The office's hits for query ("" or nothing searchable: none) on today ("YYYY-MM-DD"), at
 * most limit (1..100), and its units. */
int office_search_read(struct store *store, struct arena *arena, int64_t office_id,
                       const char *query, const char *today, int limit, struct office_search *out);

#endif
