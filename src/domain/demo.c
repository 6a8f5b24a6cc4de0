/*
 * demo.c - loads data/demo/offices.json into a store in one transaction (demo.h). Field rules
 * are the store's (store_office_put, store_unit_put); this file checks the file's shape and
 * says where in the file a refused record sits.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/civil.h"
#include "domain/catalog.h"
#include "domain/booking.h"
#include "domain/demo.h"
#include "domain/survey.h"
#include "domain/petition.h"
#include "domain/land/parcels.h"
#include "domain/workflow.h"
#include "store/store.h"
#include "base/common.h"

/* A demo file larger than this is refused instead of being loaded. */
#define DEMO_MAX_OFFICES 1000
#define DEMO_MAX_UNITS   200
/* Demo announcements are dated as of this day; loading moves them by the days since, so a
 * current notice stays current (data/demo/catalog/README.md). */
#define DEMO_DATES_AS_OF                                                                           \
  {                                                                                                \
    2026, 2, 10                                                                                    \
  }
#define DEMO_PATH_MAX 1024

static int load_units(struct store *store, size_t index, int64_t office_id, json_t *units,
                      char *err, size_t err_size)
{
  size_t i;
  json_t *unit;
  if (!json_is_array(units)) {
    snprintf(err, err_size, "offices[%zu].units must be an array", index);
    return ST_INVALID;
  }
  if (json_array_size(units) > DEMO_MAX_UNITS) {
    snprintf(err, err_size, "offices[%zu] has more than %d units", index, DEMO_MAX_UNITS);
    return ST_LIMIT;
  }
  json_array_foreach(units, i, unit)
  {
    int rc = store_unit_put(store, office_id, unit, NULL);
    if (rc) {
      snprintf(err, err_size, "offices[%zu].units[%zu]: %s", index, i, store_last_error(store));
      return rc;
    }
  }
  return ST_OK;
}

/* The office's settings ({"key": "value"}, e.g. seed 004's office wants every correction
 * approved: "cases.correction_approval": "1"). */
static int load_settings(struct store *store, size_t index, int64_t office_id, json_t *settings,
                         char *err, size_t err_size)
{
  const char *key;
  json_t *value;
  json_object_foreach(settings, key, value)
  {
    int rc = json_is_string(value)
                 ? store_setting_put(store, office_id, key, json_string_value(value))
                 : ST_INVALID;
    if (rc) {
      snprintf(err, err_size, "offices[%zu].settings.%s: not a text setting", index, key);
      return rc;
    }
  }
  return ST_OK;
}

static int load_office(struct store *store, size_t index, json_t *office, char *err,
                       size_t err_size)
{
  int64_t id = 0;
  int rc = store_office_put(store, office, &id);
  if (rc) {
    snprintf(err, err_size, "offices[%zu]: %s", index, store_last_error(store));
    return rc;
  }
  rc = load_settings(store, index, id, json_object_get(office, "settings"), err, err_size);
  if (!rc && (rc = workflow_install(store, id, clock_now())))
    snprintf(err, err_size, "offices[%zu]: workflows: %s", index, store_last_error(store));
  return rc ? rc : load_units(store, index, id, json_object_get(office, "units"), err, err_size);
}

static int load_offices(struct store *store, json_t *offices, char *err, size_t err_size)
{
  size_t i;
  json_t *office;
  int rc = store_begin(store);
  if (rc) {
    snprintf(err, err_size, "cannot begin a transaction: %s", store_last_error(store));
    return rc;
  }
  json_array_foreach(offices, i, office)
  {
    rc = load_office(store, i, office, err, err_size);
    if (rc)
      goto out;
  }
  rc = store_commit(store);
  if (rc)
    snprintf(err, err_size, "cannot commit: %s", store_last_error(store));
out:
  if (rc)
    store_rollback(store);
  return rc;
}

/* The land offices' parcels: the folder parcels/ beside the demo file (skipped if absent). */
static int load_parcels(struct store *store, const char *path, char *err, size_t err_size)
{
  char dir[1024];
  const char *slash = strrchr(path, '/');
  int len = slash ? (int)(slash - path) : 1;
  if ((size_t)snprintf(dir, sizeof(dir), "%.*s/parcels", len, slash ? path : ".") >= sizeof(dir))
    return ST_LIMIT;
  return parcel_demo_load(store, dir, err, err_size);
}

static int read_file(const char *path, json_t **root, char *err, size_t err_size)
{
  json_error_t jerr;
  *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
  if (*root)
    return ST_OK;
  if (json_error_code(&jerr) == json_error_cannot_open_file) {
    snprintf(err, err_size, "%s: cannot read: %s", path, jerr.text);
    return ST_IO;
  }
  snprintf(err, err_size, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
  return ST_INVALID;
}

/* Moves one date field ("YYYY-MM-DD") of record by shift days; anything else stays as it is. */
static void shift_date(json_t *record, const char *field, int64_t shift)
{
  json_t *value = json_object_get(record, field);
  struct civil_date date;
  char text[CIVIL_ISO_SIZE];
  if (!json_is_string(value) ||
      civil_parse_iso((struct str){json_string_value(value), json_string_length(value)}, &date) ||
      civil_format_iso(civil_add_days(date, shift), text))
    return;
  json_object_set_new(record, field, json_string(text));
}

static void shift_announcements(json_t *doc)
{
  struct civil_date as_of = DEMO_DATES_AS_OF;
  int64_t shift = civil_to_days(civil_taipei(clock_now()).date) - civil_to_days(as_of);
  size_t i;
  json_t *announcement;
  json_array_foreach(json_object_get(doc, "announcements"), i, announcement)
  {
    shift_date(announcement, "starts_on", shift);
    shift_date(announcement, "ends_on", shift);
  }
}

/* Imports <dir>/catalog/<slug>.json for one office when the file exists. */
static int load_catalog(struct store *store, const char *dir, const char *slug, char *err,
                        size_t err_size)
{
  char catalog_dir[DEMO_PATH_MAX], path[DEMO_PATH_MAX + 64];
  json_t *office = NULL, *doc = NULL;
  int n = snprintf(catalog_dir, sizeof(catalog_dir), "%s/catalog", dir);
  int m = snprintf(path, sizeof(path), "%s/%s.json", catalog_dir, slug);
  if (n < 0 || (size_t)n >= sizeof(catalog_dir) || m < 0 || (size_t)m >= sizeof(path)) {
    snprintf(err, err_size, "%s: the path is too long", dir);
    return ST_LIMIT;
  }
  FILE *probe = fopen(path, "r");
  if (!probe)
    return ST_OK;
  fclose(probe);
  int rc = read_file(path, &doc, err, err_size);
  if (!rc)
    rc = store_office_get(store, slug, &office);
  if (!rc) {
    shift_announcements(doc);
    char inner[768];
    rc = catalog_import_dir(store, json_integer_value(json_object_get(office, "id")), doc,
                            catalog_dir, inner, sizeof(inner));
    if (rc)
      snprintf(err, err_size, "%s: %s", path, inner);
  }
  json_decref(office);
  json_decref(doc);
  return rc;
}

static int load_catalogs(struct store *store, const char *path, json_t *offices, char *err,
                         size_t err_size)
{
  char dir[DEMO_PATH_MAX];
  const char *slash = strrchr(path, '/');
  snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
  size_t i;
  json_t *office;
  json_array_foreach(offices, i, office)
  {
    const char *slug = json_string_value(json_object_get(office, "slug"));
    int rc = slug ? load_catalog(store, dir, slug, err, err_size) : ST_OK;
    if (rc)
      return rc;
  }
  return ST_OK;
}

int demo_load(struct store *store, const char *path, char *err, size_t err_size)
{
  char scratch[1];
  json_t *root = NULL;
  json_t *offices;
  int rc;
  if (!err || !err_size) {
    err = scratch;
    err_size = sizeof(scratch);
  }
  err[0] = '\0';
  rc = read_file(path, &root, err, err_size);
  if (rc)
    return rc;
  offices = json_object_get(root, "offices");
  if (!json_is_array(offices) || json_array_size(offices) == 0) {
    snprintf(err, err_size, "%s: \"offices\" must be a non-empty array", path);
    rc = ST_INVALID;
    goto out;
  }
  if (json_array_size(offices) > DEMO_MAX_OFFICES) {
    snprintf(err, err_size, "%s: more than %d offices", path, DEMO_MAX_OFFICES);
    rc = ST_LIMIT;
    goto out;
  }
  rc = load_offices(store, offices, err, err_size);
  if (!rc)
    rc = load_catalogs(store, path, offices, err, err_size);
  if (rc == ST_OK)
    rc = load_parcels(store, path, err, err_size);
  if (rc == ST_OK && (rc = survey_demo_load(store, clock_now())) != ST_OK)
    snprintf(err, err_size, "demo survey: %s", store_last_error(store));
  if (rc == ST_OK)
    rc = petition_demo_categories(store); /* petition categories (domain/petition.h) */
  if (rc == ST_OK && (rc = booking_demo_load(store)) != ST_OK) /* booked visits (issue 18) */
    snprintf(err, err_size, "booking settings: %s", store_last_error(store));
  if (rc == ST_OK)
    rc = demo_plan_load(store, path, err, err_size); /* plan control (demo_plan.c) */
out:
  json_decref(root);
  return rc;
}
