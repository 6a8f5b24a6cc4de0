/*
 * parcels.c - land sections, parcels and their values by year, resurvey mappings and house
 * addresses of a land office, in portable SQL over the db.h seam (store.h, "Parcels").
 * Writes are upserts so that importing the same file twice leaves the same rows.
 */
#include <stdbool.h>
#include <string.h>

#include "store/db.h"
#include "store/store_impl.h"

#include "base/common.h"

static struct db_param text_or_null(const char *s)
{
  return s && *s ? DB_S(s) : DB_NIL;
}

int store_section_put(struct store *store, int64_t office_id, const char *code, const char *name_zh,
                      const char *name_en, int64_t *id)
{
  static const char sql[] =
      "INSERT INTO land_sections (office_id, code, name_zh, name_en) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (office_id, code) DO UPDATE SET name_zh = excluded.name_zh, "
      "name_en = excluded.name_en RETURNING id";
  if (!code || !*code || !name_zh || !*name_zh)
    return store_fail(store, ST_INVALID, "a section needs a code and a name");
  return db_query_int(
      store, sql, DB_ARGS(DB_I(office_id), DB_S(code), DB_S(name_zh), DB_S(name_en ? name_en : "")),
      id);
}

int store_section_list(struct store *store, int64_t office_id, json_t **out)
{
  static const char sql[] = "SELECT id, office_id, code, name_zh, name_en FROM land_sections "
                            "WHERE office_id = $1 ORDER BY code";
  return db_query(store, sql, DB_ARGS(DB_I(office_id)), out);
}

static int parcel_upsert(struct store *store, int64_t office_id, const struct store_parcel_row *r,
                         int64_t *id)
{
  static const char sql[] =
      "INSERT INTO parcels (office_id, section_id, number, area_m2, previous_value, "
      "previous_date) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (section_id, number) DO "
      "UPDATE SET area_m2 = excluded.area_m2, previous_value = excluded.previous_value, "
      "previous_date = excluded.previous_date RETURNING id";
  struct db_param previous = r->previous_value >= 0 ? DB_I(r->previous_value) : DB_NIL;
  return db_query_int(store, sql,
                      DB_ARGS(DB_I(office_id), DB_I(r->section_id), DB_S(r->number),
                              DB_S(r->area_m2), previous, text_or_null(r->previous_date)),
                      id);
}

static int value_upsert(struct store *store, int64_t parcel_id, const struct store_parcel_row *r)
{
  static const char sql[] =
      "INSERT INTO parcel_values (parcel_id, year, current_value, land_value) VALUES ($1, $2, "
      "$3, $4) ON CONFLICT (parcel_id, year) DO UPDATE SET current_value = "
      "excluded.current_value, land_value = excluded.land_value";
  return db_exec(
      store, sql,
      DB_ARGS(DB_I(parcel_id), DB_I(r->year), DB_I(r->current_value), DB_I(r->land_value)), NULL);
}

static bool same_parcel(const struct store_parcel_row *a, const struct store_parcel_row *b)
{
  return a->section_id == b->section_id && strcmp(a->number, b->number) == 0 &&
         strcmp(a->area_m2, b->area_m2) == 0 && a->previous_value == b->previous_value &&
         strcmp(a->previous_date ? a->previous_date : "",
                b->previous_date ? b->previous_date : "") == 0;
}

int store_parcel_put_batch(struct store *store, int64_t office_id,
                           const struct store_parcel_row *rows, size_t count)
{
  int64_t parcel_id = 0;
  int rc = ST_OK;
  for (size_t i = 0; rc == ST_OK && i < count; i++) {
    const struct store_parcel_row *r = &rows[i];
    if (!r->number || !r->area_m2)
      return store_fail(store, ST_INVALID, "a parcel needs a number and an area");
    /* The rows of one parcel's years usually follow each other: write the parcel once. */
    if (i == 0 || !same_parcel(r, &rows[i - 1]))
      rc = parcel_upsert(store, office_id, r, &parcel_id);
    if (rc == ST_OK)
      rc = value_upsert(store, parcel_id, r);
  }
  return rc;
}

int store_parcel_get(struct store *store, int64_t office_id, const char *section_code,
                     const char *number, json_t **out)
{
  static const char parcel_sql[] =
      "SELECT p.id, s.code AS section_code, s.name_zh AS section_name_zh, s.name_en AS "
      "section_name_en, p.number, p.area_m2, p.previous_value, p.previous_date FROM parcels p "
      "JOIN land_sections s ON s.id = p.section_id WHERE s.office_id = $1 AND s.code = $2 AND "
      "p.number = $3";
  static const char values_sql[] = "SELECT year, current_value, land_value FROM parcel_values "
                                   "WHERE parcel_id = $1 ORDER BY year DESC";
  json_t *parcel, *values;
  int rc = db_query_one(store, parcel_sql,
                        DB_ARGS(DB_I(office_id), DB_S(section_code), DB_S(number)), &parcel);
  if (rc)
    return rc;
  rc = db_query(store, values_sql, DB_ARGS(DB_I(json_integer_value(json_object_get(parcel, "id")))),
                &values);
  if (rc == ST_OK && json_object_set_new(parcel, "values", values))
    rc = ST_NOMEM;
  if (rc) {
    json_decref(parcel);
    return rc;
  }
  *out = parcel;
  return ST_OK;
}

int store_parcel_counts(struct store *store, int64_t office_id, json_t **out)
{
  static const char sql[] =
      "SELECT (SELECT count(*) FROM land_sections WHERE office_id = $1) AS sections, "
      "(SELECT count(*) FROM parcels WHERE office_id = $1) AS parcels, "
      "(SELECT count(*) FROM parcel_values v JOIN parcels p ON p.id = v.parcel_id WHERE "
      "p.office_id = $1) AS \"values\", "
      "(SELECT count(*) FROM parcel_resurvey WHERE office_id = $1) AS resurvey, "
      "(SELECT count(*) FROM parcel_addresses WHERE office_id = $1) AS addresses";
  return db_query_one(store, sql, DB_ARGS(DB_I(office_id)), out);
}

int store_resurvey_put_batch(struct store *store, int64_t office_id,
                             const struct store_resurvey_row *rows, size_t count)
{
  static const char sql[] =
      "INSERT INTO parcel_resurvey (office_id, old_section_code, old_section_name, old_number, "
      "new_section_code, new_number) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (office_id, "
      "old_section_code, old_number) DO UPDATE SET old_section_name = excluded.old_section_name, "
      "new_section_code = excluded.new_section_code, new_number = excluded.new_number";
  int rc = ST_OK;
  for (size_t i = 0; rc == ST_OK && i < count; i++) {
    const struct store_resurvey_row *r = &rows[i];
    rc = db_exec(store, sql,
                 DB_ARGS(DB_I(office_id), DB_S(r->old_section_code), DB_S(r->old_section_name),
                         DB_S(r->old_number), DB_S(r->new_section_code), DB_S(r->new_number)),
                 NULL);
  }
  return rc;
}

#define RESURVEY_SELECT                                                                            \
  "SELECT r.old_section_code, r.old_section_name, r.old_number, r.new_section_code, "              \
  "coalesce(s.name_zh, '') AS new_section_name_zh, coalesce(s.name_en, '') AS "                    \
  "new_section_name_en, r.new_number FROM parcel_resurvey r LEFT JOIN land_sections s ON "         \
  "s.office_id = r.office_id AND s.code = r.new_section_code "

int store_resurvey_find(struct store *store, int64_t office_id, const char *old_section_code,
                        const char *old_number, json_t **out)
{
  static const char sql[] =
      RESURVEY_SELECT "WHERE r.office_id = $1 AND r.old_section_code = $2 AND r.old_number = $3";
  return db_query_one(store, sql,
                      DB_ARGS(DB_I(office_id), DB_S(old_section_code), DB_S(old_number)), out);
}

int store_resurvey_to(struct store *store, int64_t office_id, const char *new_section_code,
                      const char *new_number, json_t **out)
{
  static const char sql[] = RESURVEY_SELECT "WHERE r.office_id = $1 AND r.new_section_code = $2 "
                                            "AND r.new_number = $3 ORDER BY r.old_section_code, "
                                            "r.old_number";
  return db_query(store, sql, DB_ARGS(DB_I(office_id), DB_S(new_section_code), DB_S(new_number)),
                  out);
}

int store_resurvey_sections(struct store *store, int64_t office_id, json_t **out)
{
  static const char sql[] =
      "SELECT old_section_code AS code, max(old_section_name) AS name FROM parcel_resurvey "
      "WHERE office_id = $1 GROUP BY old_section_code ORDER BY old_section_code";
  return db_query(store, sql, DB_ARGS(DB_I(office_id)), out);
}

int store_address_put_batch(struct store *store, int64_t office_id,
                            const struct store_address_row *rows, size_t count)
{
  static const char sql[] =
      "INSERT INTO parcel_addresses (office_id, address, address_key, section_code, number, "
      "building_number) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (office_id, address_key, "
      "section_code, number, building_number) DO UPDATE SET address = excluded.address";
  int rc = ST_OK;
  for (size_t i = 0; rc == ST_OK && i < count; i++) {
    const struct store_address_row *r = &rows[i];
    rc = db_exec(store, sql,
                 DB_ARGS(DB_I(office_id), DB_S(r->address), DB_S(r->address_key),
                         DB_S(r->section_code), DB_S(r->number),
                         DB_S(r->building_number ? r->building_number : "")),
                 NULL);
  }
  return rc;
}

enum { LIKE_PATTERN_MAX = 512 };

/* "%key%" with LIKE's wildcards and the escape character escaped. */
static int like_pattern(const char *key, char *out, size_t size)
{
  size_t n = 0;
  out[n++] = '%';
  for (const char *p = key; *p; p++) {
    if (n + 4 > size)
      return ST_LIMIT;
    if (*p == '%' || *p == '_' || *p == '\\')
      out[n++] = '\\';
    out[n++] = *p;
  }
  out[n++] = '%';
  out[n] = '\0';
  return ST_OK;
}

int store_address_find(struct store *store, int64_t office_id, const char *key, int64_t limit,
                       json_t **out)
{
  static const char sql[] =
      "SELECT a.address, a.section_code, coalesce(s.name_zh, '') AS section_name_zh, "
      "coalesce(s.name_en, '') AS section_name_en, a.number, a.building_number FROM "
      "parcel_addresses a LEFT JOIN land_sections s ON s.office_id = a.office_id AND s.code = "
      "a.section_code WHERE a.office_id = $1 AND a.address_key LIKE $2 ESCAPE '\\' ORDER BY "
      "CASE WHEN a.address_key = $3 THEN 0 ELSE 1 END, a.address_key, a.section_code, a.number, "
      "a.building_number LIMIT $4";
  char buffer[LIKE_PATTERN_MAX];
  const char *pattern = buffer;
  if (!key || !*key || like_pattern(key, buffer, sizeof(buffer)))
    return store_fail(store, ST_INVALID, "an address key of 1 to %d bytes is needed",
                      LIKE_PATTERN_MAX / 2);
  return db_query(store, sql, DB_ARGS(DB_I(office_id), DB_S(pattern), DB_S(key), DB_I(limit)), out);
}
