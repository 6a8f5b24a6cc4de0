/*
 * news_page.c - the announcement pages' read models (news_page.h), typed from the catalogue's
 * records (domain/catalog.h: catalog_news_list, catalog_news_entry_read).
 */
#include "domain/news_page.h"

#include "base/arena.h"
#include "domain/catalog.h"
#include "domain/read_model.h"

#include "base/common.h"

/* One record's fields into *item, copied into arena; ST_NOMEM when it is full. */
static int fill(struct arena *arena, const json_t *row, void *element)
{
  struct news_item *item = element;
  *item = (struct news_item){.id = read_model_int(row, "id"),
                             .kind = read_model_text(arena, row, "kind"),
                             .title_zh = read_model_text(arena, row, "title_zh"),
                             .title_en = read_model_text(arena, row, "title_en"),
                             .body_zh = read_model_text(arena, row, "body_zh"),
                             .body_en = read_model_text(arena, row, "body_en"),
                             .starts_on = read_model_text(arena, row, "starts_on"),
                             .ends_on = read_model_text(arena, row, "ends_on"),
                             .updated_at = read_model_text(arena, row, "updated_at")};
  const char *texts[] = {item->kind,    item->title_zh,  item->title_en, item->body_zh,
                         item->body_en, item->starts_on, item->ends_on,  item->updated_at};
  for (size_t i = 0; i < ARRAY_LEN(texts); i++)
    if (!texts[i])
      return ST_NOMEM;
  return ST_OK;
}

int news_list_read(struct store *store, struct arena *arena, int64_t office_id, bool archive,
                   const char *today, struct news_item **out, size_t *count)
{
  json_t *rows = NULL;
  void *items = NULL;
  *out = NULL;
  *count = 0;
  int rc = catalog_news_list(store, office_id, archive, today, &rows);
  if (!rc)
    rc = read_model_rows(arena, rows, sizeof(struct news_item), fill, &items, count);
  json_decref(rows);
  *out = items;
  return rc;
}

int news_entry_read(struct store *store, struct arena *arena, int64_t office_id, int64_t id,
                    const char *today, struct news_item *out)
{
  json_t *row = NULL;
  *out = (struct news_item){0};
  int rc = catalog_news_entry_read(store, office_id, id, today, &row);
  if (!rc)
    rc = fill(arena, row, out);
  json_decref(row);
  return rc;
}
