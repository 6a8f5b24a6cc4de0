/*
 * search_cache.h - the catalogue search's answers held in memory per process (issue 14: what
 * rarely changes is read once).
 *
 * An answer depends only on the catalogue (services, FAQ, announcements: every edit of them
 * moves the directory version, migrations 14 and 18), the office, the query, the day and the
 * limit. So an answer is kept under those keys and the directory snapshot it was read with
 * (directory_serial): a new snapshot (an edit here at once, another node's within
 * DIRECTORY_CHECK_MS) makes every kept answer a miss, and the next search reads the database
 * again. Answers are kept in a fixed number of slots (a new answer replaces the one of its set of
 * slots used longest ago), each at most SEARCH_CACHE_ENTRY_MAX bytes (a larger answer is
 * read every time), so the memory held is bounded.
 */
#ifndef BIANMIN_DOMAIN_SEARCH_CACHE_H
#define BIANMIN_DOMAIN_SEARCH_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "domain/office_search.h"

struct arena;
struct store;

/* At most 4 MB held (128 slots of at most 32 KB: a search answer of 20 hits with summaries in
 * both languages is about 10 KB). */
enum { SEARCH_CACHE_SLOTS = 128, SEARCH_CACHE_WAYS = 8, SEARCH_CACHE_ENTRY_MAX = 32 * 1024 };

/* store_search's answer for (office_id, query, today, limit) read with the directory snapshot
 * serial: *hits (best first, *count of them) stay valid until arena is freed. A query with
 * nothing searchable has no hits (ST_OK). */
int search_cache_hits(struct store *store, struct arena *arena, uint64_t serial, int64_t office_id,
                      const char *query, const char *today, int limit,
                      const struct office_search_hit **hits, size_t *count);

/* Drops every kept answer (tests). */
void search_cache_forget(void);

#endif
