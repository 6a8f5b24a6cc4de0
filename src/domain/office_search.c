/*
 * office_search.c - the office search's read model (office_search.h): the full-text index's
 * answer, kept per directory snapshot (search_cache.h), and the units from the directory.
 */
#include "base/arena.h"
#include "domain/office_search.h"
#include "domain/search_cache.h"

#include "base/common.h"

int office_search_read(struct store *store, struct arena *arena, int64_t office_id,
                       const char *query, const char *today, int limit, struct office_search *out)
{
  const struct directory *dir = NULL;
  *out = (struct office_search){0};
  int rc = directory_acquire(store, arena, &dir);
  if (rc)
    return rc;
  out->units = directory_units(dir, office_id, &out->unit_count);
  if (!query || !*query)
    return ST_OK;
  return search_cache_hits(store, arena, directory_serial(dir), office_id, query, today, limit,
                           &out->hits, &out->hit_count);
}
