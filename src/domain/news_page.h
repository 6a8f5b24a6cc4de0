/*
 * news_page.h - what an office's public announcement pages read, as typed read models: the
 * current announcements (started and not yet ended), the archive of ended ones, and one
 * announcement that has started. A lost title deed's public notice (書狀補給公告) is one kind.
 *
 * Strings live in the arena given to the call and are never NULL ("" when empty); dates are
 * "YYYY-MM-DD" (Taipei), updated_at ISO 8601 UTC.
 */
#ifndef BIANMIN_DOMAIN_NEWS_PAGE_H
#define BIANMIN_DOMAIN_NEWS_PAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct store;

struct news_item {
  int64_t id;
  const char *kind; /* "general", "lost_deed_notice", ... */
  const char *title_zh, *title_en, *body_zh, *body_en;
  const char *starts_on, *ends_on, *updated_at;
};

/* The office's published announcements on today: the current ones, or (archive) the ended
 * ones, in the store's order. */
int news_list_read(struct store *store, struct arena *arena, int64_t office_id, bool archive,
                   const char *today, struct news_item **out, size_t *count);

/* Announcement id of the office, published and started by today; ST_NOTFOUND otherwise (also
 * for id 0). */
int news_entry_read(struct store *store, struct arena *arena, int64_t office_id, int64_t id,
                    const char *today, struct news_item *out);

#endif
