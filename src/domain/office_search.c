/*
 * office_search.c - the office search's read model (office_search.h): one query (the
 * full-text index), the units from the directory.
 */
#include "base/arena.h"
#include "domain/office_search.h"
#include "domain/read_model.h"
#include "store/store.h"

#include "base/common.h"

static int copy_hits(struct arena *arena, json_t *rows, struct office_search *out)
{
  json_t *row;
  size_t i;
  out->hits = read_model_array(arena, json_array_size(rows), sizeof *out->hits);
  if (!out->hits)
    return ST_NOMEM;
  json_array_foreach(rows, i, row)
  {
    struct office_search_hit *h = &out->hits[i];
    h->id = read_model_int(row, "id");
    h->kind = read_model_text(arena, row, "kind");
    h->slug = read_model_text(arena, row, "slug");
    h->title_zh = read_model_text(arena, row, "title_zh");
    h->title_en = read_model_text(arena, row, "title_en");
    h->summary_zh = read_model_text(arena, row, "summary_zh");
    h->summary_en = read_model_text(arena, row, "summary_en");
    if (!h->kind || !h->slug || !h->title_zh || !h->title_en || !h->summary_zh || !h->summary_en)
      return ST_NOMEM;
  }
  out->hit_count = json_array_size(rows);
  return ST_OK;
}

int office_search_read(struct store *store, struct arena *arena, int64_t office_id,
                       const char *query, const char *today, int limit, struct office_search *out)
{
  const struct directory *dir = NULL;
  json_t *rows = NULL;
  *out = (struct office_search){0};
  int rc = directory_acquire(store, arena, &dir);
  if (rc)
    return rc;
  out->units = directory_units(dir, office_id, &out->unit_count);
  if (!query || !*query)
    return ST_OK;
  rc = store_search(store, office_id, query, today, limit, &rows);
  if (!rc)
    rc = copy_hits(arena, rows, out);
  json_decref(rows);
  return rc == ST_INVALID ? ST_OK : rc; /* nothing searchable: no hits */
}
