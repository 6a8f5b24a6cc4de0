/*
 * parcel_lookup.c - what the public parcel pages read: a parcel with where it came from, the
 * sections, resurvey mappings and house addresses (parcels.h).
 */
#include "domain/land/parcels.h"
#include "store/store.h"

#include "base/common.h"

int parcel_find(struct store *store, int64_t office_id, const char *section_code,
                const char *number, json_t **parcel, json_t **resurveyed_from)
{
  *parcel = *resurveyed_from = NULL;
  int rc = store_parcel_get(store, office_id, section_code, number, parcel);
  if (!rc)
    rc = store_resurvey_to(store, office_id, section_code, number, resurveyed_from);
  if (rc) {
    json_decref(*parcel);
    *parcel = NULL;
  }
  return rc;
}

int parcel_sections_read(struct store *store, int64_t office_id, json_t **out)
{
  return store_section_list(store, office_id, out);
}

int parcel_resurvey_sections_read(struct store *store, int64_t office_id, json_t **out)
{
  return store_resurvey_sections(store, office_id, out);
}

int parcel_resurvey_find(struct store *store, int64_t office_id, const char *old_section_code,
                         const char *old_number, json_t **out)
{
  return store_resurvey_find(store, office_id, old_section_code, old_number, out);
}

int parcel_addresses_find(struct store *store, int64_t office_id, const char *key, int64_t limit,
                          json_t **out)
{
  return store_address_find(store, office_id, key, limit, out);
}
