/*
 * faq_page.h - what an office's FAQ page reads, as one call: its published questions (in the
 * catalogue's order) and, for a query, the questions the full-text search finds, best first.
 *
 * Both are kept in memory per process under the directory snapshot they were read with (the
 * FAQ moves the directory version, migration 18; see domain/search_cache.h): a page reads the
 * database only when the catalogue changed since the last read. The records are shared and
 * read only; they stay valid until the arena given to the call is freed. Strings are never NULL
 * ("" when empty).
 */
#ifndef BIANMIN_DOMAIN_FAQ_PAGE_H
#define BIANMIN_DOMAIN_FAQ_PAGE_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct store;

struct faq_item {
  int64_t id;
  const char *category_zh, *category_en, *question_zh, *question_en, *answer_zh, *answer_en;
};

struct faq_page {
  const struct faq_item *items; /* published, in the catalogue's order */
  size_t item_count;
  const struct faq_item **results; /* the search's FAQ hits, best first */
  size_t result_count;
};

/* The office's FAQ page; query "" searches nothing (no results); today is "YYYY-MM-DD". */
int faq_page_read(struct store *store, struct arena *arena, int64_t office_id, const char *query,
                  const char *today, struct faq_page *out);

/* The office's most asked published questions (by views, then helpful votes, then the
 * catalogue's order), at most limit (1 to 50), for the office's home page, in arena. Read
 * from the database on every call: views change with every question page shown. */
int faq_top_read(struct store *store, struct arena *arena, int64_t office_id, int limit,
                 struct faq_item **out, size_t *count);

/* One published question's page: the question, when it last changed (ISO 8601 UTC) and its
 * "was this helpful?" counts. Reading it counts a view (for faq_top_read); ST_NOTFOUND unless
 * the office has it published. Strings in arena. */
struct faq_entry {
  struct faq_item item;
  const char *updated_at;
  int64_t helpful, not_helpful;
};
int faq_entry_read(struct store *store, struct arena *arena, int64_t office_id, int64_t id,
                   struct faq_entry *out);

/* Drops the kept lists (tests). */
void faq_page_forget(void);

#endif
