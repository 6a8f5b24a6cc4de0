/*
 * lookup.c - offices, units and services by id (lookup.h). Thin calls on the store until the
 * in-memory directory replaces them here, in one place.
 */
#include <string.h>

#include "domain/lookup.h"
#include "store/store.h"

#include "base/common.h"

int lookup_offices(struct store *store, json_t **out)
{
  return store_office_list(store, out);
}

int lookup_office(struct store *store, int64_t office_id, json_t **out)
{
  json_t *offices = NULL, *office;
  size_t i;
  *out = NULL;
  int rc = store_office_list(store, &offices);
  if (rc)
    return rc;
  json_array_foreach(offices, i,
                     office) if (!*out && json_integer_value(json_object_get(office, "id")) ==
                                              office_id) *out = json_incref(office);
  json_decref(offices);
  return *out ? ST_OK : ST_NOTFOUND;
}

int lookup_units(struct store *store, int64_t office_id, json_t **out)
{
  return store_unit_list(store, office_id, out);
}

bool lookup_unit_belongs(struct store *store, int64_t office_id, int64_t unit_id)
{
  json_t *units, *unit;
  size_t i;
  bool found = unit_id == 0;
  if (unit_id > 0 && store_unit_list(store, office_id, &units) == ST_OK) {
    json_array_foreach(units, i, unit) found =
        found || json_integer_value(json_object_get(unit, "id")) == unit_id;
    json_decref(units);
  }
  return found;
}

bool lookup_unit_code_belongs(struct store *store, int64_t office_id, const char *code)
{
  json_t *units = NULL, *unit;
  size_t i;
  bool found = false;
  if (!code || store_unit_list(store, office_id, &units))
    return false;
  json_array_foreach(units, i, unit)
  {
    const char *unit_code = json_string_value(json_object_get(unit, "code"));
    found = found || (unit_code && strcmp(unit_code, code) == 0);
  }
  json_decref(units);
  return found;
}

int lookup_service(struct store *store, int64_t office_id, int64_t id, json_t **out)
{
  return store_service_get(store, office_id, id, NULL, out);
}
