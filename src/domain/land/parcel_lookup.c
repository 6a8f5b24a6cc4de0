/*
 * parcel_lookup.c - what the public parcel pages read: a parcel with where it came from, the
 * sections, resurvey mappings and house addresses (parcels.h), each page in one read
 * transaction, as typed read models.
 */
#include "domain/land/parcels.h"
#include "domain/read_model.h"
#include "store/directory.h"
#include "store/store.h"

#include "base/common.h"

static int section_fill(struct arena *arena, const json_t *row, void *item)
{
  struct parcel_section *s = item;
  *s = (struct parcel_section){read_model_text(arena, row, "code"),
                               read_model_text(arena, row, "name_zh"),
                               read_model_text(arena, row, "name_en")};
  return s->code && s->name_zh && s->name_en ? ST_OK : ST_NOMEM;
}

/* A resurvey's old section: its one name. */
static int old_section_fill(struct arena *arena, const json_t *row, void *item)
{
  struct parcel_section *s = item;
  *s = (struct parcel_section){read_model_text(arena, row, "code"),
                               read_model_text(arena, row, "name"), ""};
  return s->code && s->name_zh ? ST_OK : ST_NOMEM;
}

static int value_fill(struct arena *arena, const json_t *row, void *item)
{
  (void)arena;
  struct parcel_value *v = item;
  *v = (struct parcel_value){read_model_int(row, "year"), read_model_int(row, "current_value"),
                             read_model_int(row, "land_value")};
  return ST_OK;
}

static int mapping_fill(struct arena *arena, const json_t *row, void *item)
{
  struct parcel_mapping *m = item;
  *m = (struct parcel_mapping){read_model_text(arena, row, "old_section_code"),
                               read_model_text(arena, row, "old_section_name"),
                               read_model_text(arena, row, "old_number"),
                               read_model_text(arena, row, "new_section_code"),
                               read_model_text(arena, row, "new_section_name_zh"),
                               read_model_text(arena, row, "new_section_name_en"),
                               read_model_text(arena, row, "new_number")};
  return m->old_section_code && m->old_section_name && m->old_number && m->new_section_code &&
                 m->new_section_name_zh && m->new_section_name_en && m->new_number
             ? ST_OK
             : ST_NOMEM;
}

static int address_fill(struct arena *arena, const json_t *row, void *item)
{
  struct parcel_address *a = item;
  *a = (struct parcel_address){read_model_text(arena, row, "address"),
                               read_model_text(arena, row, "section_code"),
                               read_model_text(arena, row, "section_name_zh"),
                               read_model_text(arena, row, "section_name_en"),
                               read_model_text(arena, row, "number"),
                               read_model_text(arena, row, "building_number")};
  return a->address && a->section_code && a->section_name_zh && a->section_name_en && a->number &&
                 a->building_number
             ? ST_OK
             : ST_NOMEM;
}

static int parcel_fill(struct arena *arena, const json_t *row, struct parcel_record *p)
{
  const json_t *previous = json_object_get(row, "previous_value");
  *p = (struct parcel_record){read_model_text(arena, row, "section_code"),
                              read_model_text(arena, row, "section_name_zh"),
                              read_model_text(arena, row, "section_name_en"),
                              read_model_text(arena, row, "number"),
                              read_model_text(arena, row, "area_m2"),
                              json_is_integer(previous),
                              json_integer_value(previous),
                              read_model_text(arena, row, "previous_date"),
                              NULL,
                              0};
  if (!p->section_code || !p->section_name_zh || !p->section_name_en || !p->number || !p->area_m2 ||
      !p->previous_date)
    return ST_NOMEM;
  return read_model_rows(arena, json_object_get(row, "values"), sizeof(*p->values), value_fill,
                         (void **)&p->values, &p->value_count);
}

/* The rows of a store read that returned rc, as an arena array (fill per row); releases rows. */
static int rows_read(int rc, struct arena *arena, json_t *rows, size_t size, read_model_fill fill,
                     void **out, size_t *count)
{
  if (!rc)
    rc = read_model_rows(arena, rows, size, fill, out, count);
  json_decref(rows);
  return rc;
}

static int lookup_in(struct store *store, struct arena *arena, int64_t office_id,
                     const char *section_code, const char *number, struct parcel_lookup *out)
{
  json_t *sections = NULL, *parcel = NULL, *from = NULL;
  int rc = store_section_list(store, office_id, &sections);
  rc = rows_read(rc, arena, sections, sizeof(*out->sections), section_fill, (void **)&out->sections,
                 &out->section_count);
  if (rc || !section_code || !number)
    return rc;
  rc = store_parcel_get(store, office_id, section_code, number, &parcel);
  if (rc == ST_NOTFOUND)
    return ST_OK;
  out->found = rc == ST_OK;
  if (!rc)
    rc = parcel_fill(arena, parcel, &out->parcel);
  json_decref(parcel);
  if (!rc) {
    rc = store_resurvey_to(store, office_id, section_code, number, &from);
    rc = rows_read(rc, arena, from, sizeof(*out->from), mapping_fill, (void **)&out->from,
                   &out->from_count);
  }
  return rc;
}

int parcel_lookup_read(struct store *store, struct arena *arena, int64_t office_id,
                       const char *section_code, const char *number, struct parcel_lookup *out)
{
  *out = (struct parcel_lookup){0};
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  return store_end_read(store, lookup_in(store, arena, office_id, section_code, number, out));
}

static int resurvey_in(struct store *store, struct arena *arena, int64_t office_id,
                       const char *old_section_code, const char *old_number,
                       struct parcel_resurvey *out)
{
  json_t *sections = NULL, *mapping = NULL;
  int rc = store_resurvey_sections(store, office_id, &sections);
  rc = rows_read(rc, arena, sections, sizeof(*out->sections), old_section_fill,
                 (void **)&out->sections, &out->section_count);
  if (rc || !old_section_code || !old_number)
    return rc;
  rc = store_resurvey_find(store, office_id, old_section_code, old_number, &mapping);
  if (rc == ST_NOTFOUND)
    return ST_OK;
  out->found = rc == ST_OK;
  if (!rc)
    rc = mapping_fill(arena, mapping, &out->mapping);
  json_decref(mapping);
  return rc;
}

int parcel_resurvey_read(struct store *store, struct arena *arena, int64_t office_id,
                         const char *old_section_code, const char *old_number,
                         struct parcel_resurvey *out)
{
  *out = (struct parcel_resurvey){0};
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  return store_end_read(store,
                        resurvey_in(store, arena, office_id, old_section_code, old_number, out));
}

int parcel_addresses_read(struct store *store, struct arena *arena, int64_t office_id,
                          const char *key, int64_t limit, struct parcel_address **out,
                          size_t *count)
{
  json_t *rows = NULL;
  *out = NULL;
  *count = 0;
  int rc = store_address_find(store, office_id, key, limit, &rows);
  return rows_read(rc, arena, rows, sizeof(**out), address_fill, (void **)out, count);
}
