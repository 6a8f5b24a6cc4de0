/*
 * lookup.c - offices, units and services by id (lookup.h), from the in-memory directory
 * (domain/directory.h): no query unless the directory's version moved. Each call holds the
 * snapshot in an arena of its own for as long as it copies what it returns.
 */
#include <string.h>

#include "base/arena.h"
#include "domain/directory.h"
#include "domain/lookup.h"

#include "base/common.h"

enum { LOOKUP_ARENA_BYTES = 4096 }; /* only the snapshot's hold is allocated in it */

struct held {
  struct arena *arena;
  const struct directory *dir;
};

static int hold(struct store *store, struct held *h)
{
  h->dir = NULL;
  h->arena = arena_new(LOOKUP_ARENA_BYTES);
  if (!h->arena)
    return ST_NOMEM;
  int rc = directory_acquire(store, h->arena, &h->dir);
  if (rc) {
    arena_free(h->arena);
    h->arena = NULL;
  }
  return rc;
}

static void release(struct held *h)
{
  arena_free(h->arena);
  h->arena = NULL;
  h->dir = NULL;
}

/* A private copy of a directory record (they are shared and read only). */
static int copy(const json_t *record, json_t **out)
{
  *out = json_deep_copy(record);
  return *out ? ST_OK : ST_NOMEM;
}

int lookup_offices(struct store *store, json_t **out)
{
  struct held h;
  size_t count = 0;
  *out = NULL;
  int rc = hold(store, &h);
  if (rc)
    return rc;
  const struct dir_office *offices = directory_offices(h.dir, &count);
  json_t *list = json_array();
  for (size_t i = 0; list && i < count; i++)
    if (json_array_append_new(list, json_deep_copy(offices[i].record))) {
      json_decref(list);
      list = NULL;
    }
  release(&h);
  *out = list;
  return list ? ST_OK : ST_NOMEM;
}

int lookup_office(struct store *store, int64_t office_id, json_t **out)
{
  struct held h;
  *out = NULL;
  int rc = hold(store, &h);
  if (rc)
    return rc;
  const struct dir_office *office = directory_office(h.dir, office_id);
  rc = office ? copy(office->record, out) : ST_NOTFOUND;
  release(&h);
  return rc;
}

int lookup_units(struct store *store, int64_t office_id, json_t **out)
{
  struct held h;
  size_t count = 0;
  *out = NULL;
  int rc = hold(store, &h);
  if (rc)
    return rc;
  const struct dir_unit *units = directory_units(h.dir, office_id, &count);
  json_t *list = json_array();
  for (size_t i = 0; list && i < count; i++)
    if (json_array_append_new(list, json_deep_copy(units[i].record))) {
      json_decref(list);
      list = NULL;
    }
  release(&h);
  *out = list;
  return list ? ST_OK : ST_NOMEM;
}

bool lookup_unit_belongs(struct store *store, int64_t office_id, int64_t unit_id)
{
  struct held h;
  if (unit_id == 0)
    return true;
  if (unit_id < 0 || hold(store, &h))
    return false;
  const struct dir_unit *unit = directory_unit(h.dir, unit_id);
  bool found = unit && unit->office_id == office_id;
  release(&h);
  return found;
}

bool lookup_unit_code_belongs(struct store *store, int64_t office_id, const char *code)
{
  struct held h;
  size_t count = 0;
  bool found = false;
  if (!code || hold(store, &h))
    return false;
  const struct dir_unit *units = directory_units(h.dir, office_id, &count);
  for (size_t i = 0; i < count && !found; i++)
    found = strcmp(units[i].code, code) == 0;
  release(&h);
  return found;
}

int lookup_service(struct store *store, int64_t office_id, int64_t id, json_t **out)
{
  struct held h;
  *out = NULL;
  int rc = hold(store, &h);
  if (rc)
    return rc;
  const struct dir_service *service = directory_service(h.dir, id);
  rc = service && service->office_id == office_id ? copy(service->record, out) : ST_NOTFOUND;
  release(&h);
  return rc;
}
