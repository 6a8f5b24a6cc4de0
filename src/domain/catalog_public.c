/*
 * catalog_public.c - what the public FAQ and news pages read, and the FAQ's view and vote
 * counters (catalog.h). Records as in store/store.h "FAQ" and "Announcements".
 */
#include <string.h>

#include "domain/catalog.h"
#include "store/store.h"

#include "base/common.h"

int catalog_faq_published(struct store *store, int64_t office_id, json_t **out)
{
  return store_faq_list(store, office_id, true, out);
}

int catalog_faq_entry_read(struct store *store, int64_t office_id, int64_t id, json_t **out)
{
  int rc = store_faq_viewed(store, office_id, id); /* ST_NOTFOUND unless published */
  return rc ? rc : store_faq_get(store, office_id, id, NULL, out);
}

int catalog_faq_vote(struct store *store, int64_t office_id, int64_t id, bool helpful)
{
  return store_faq_vote(store, office_id, id, helpful);
}

int catalog_news_list(struct store *store, int64_t office_id, bool archive, const char *today,
                      json_t **out)
{
  return store_announcement_list(
      store, office_id, archive ? STORE_ANNOUNCEMENTS_ARCHIVE : STORE_ANNOUNCEMENTS_CURRENT, today,
      out);
}

int catalog_news_entry_read(struct store *store, int64_t office_id, int64_t id, const char *today,
                            json_t **out)
{
  int rc = id ? store_announcement_get(store, office_id, id, NULL, out) : ST_NOTFOUND;
  if (rc)
    return rc;
  const char *starts = json_string_value(json_object_get(*out, "starts_on"));
  if (!json_is_true(json_object_get(*out, "published")) ||
      strcmp(starts ? starts : "", today) > 0) {
    json_decref(*out);
    *out = NULL;
    return ST_NOTFOUND;
  }
  return ST_OK;
}
