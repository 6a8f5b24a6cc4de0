/*
 * parcel_demo.c - loads the demo land offices' parcel files (parcels.h, parcel_demo_load):
 * <dir>/<slug>.csv, <slug>-resurvey.csv and <slug>-addresses.csv, each through the ordinary
 * import, so the demo exercises the same path as an office's real files.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/civil.h"
#include "base/clock.h"
#include "domain/land/parcels.h"
#include "store/store.h"

#include "base/common.h"

struct first_problem {
  char *err;
  size_t err_size;
  const char *path;
  bool seen;
};

static void keep_first(void *ctx, const struct parcel_import_problem *p)
{
  struct first_problem *f = ctx;
  if (f->seen)
    return;
  f->seen = true;
  snprintf(f->err, f->err_size, "%s:%ld: %s %s", f->path, p->line, p->column ? p->column : "row",
           p->message);
}

static struct civil_date today(void)
{
  return civil_taipei(clock_now()).date;
}

static int load_file(struct store *store, int64_t office_id, enum parcel_import_kind kind,
                     const char *path, char *err, size_t err_size)
{
  struct first_problem first = {err, err_size, path, false};
  struct parcel_import_stats stats;
  FILE *f = fopen(path, "rb");
  if (!f && errno == ENOENT)
    return ST_OK;
  if (!f) {
    snprintf(err, err_size, "%s: %s", path, strerror(errno));
    return ST_IO;
  }
  struct parcel_import_options o = {.office_id = office_id,
                                    .kind = kind,
                                    .today = today(),
                                    .read = csv_read_stdio,
                                    .read_ctx = f,
                                    .on_problem = keep_first,
                                    .ctx = &first};
  int rc = parcel_import(store, &o, &stats);
  fclose(f);
  if (rc && !first.seen)
    snprintf(err, err_size, "%s: %s (%s)", path, status_name(rc), store_last_error(store));
  return rc;
}

static int load_office(struct store *store, json_t *office, const char *dir, char *err,
                       size_t err_size)
{
  static const char *const suffixes[] = {"", "-resurvey", "-addresses"};
  static const enum parcel_import_kind kinds[] = {PARCEL_IMPORT_PARCELS, PARCEL_IMPORT_RESURVEY,
                                                  PARCEL_IMPORT_ADDRESSES};
  const char *slug = json_string_value(json_object_get(office, "slug"));
  int64_t id = json_integer_value(json_object_get(office, "id"));
  char path[1024];
  int rc = ST_OK;
  for (size_t i = 0; rc == ST_OK && i < ARRAY_LEN(kinds); i++) {
    if ((size_t)snprintf(path, sizeof(path), "%s/%s%s.csv", dir, slug, suffixes[i]) >= sizeof(path))
      return ST_LIMIT;
    rc = load_file(store, id, kinds[i], path, err, err_size);
  }
  return rc;
}

int parcel_demo_load(struct store *store, const char *dir, char *err, size_t err_size)
{
  json_t *offices, *office;
  size_t i;
  int rc = store_office_list(store, &offices);
  if (rc) {
    snprintf(err, err_size, "cannot list offices: %s", store_last_error(store));
    return rc;
  }
  json_array_foreach(offices, i, office)
  {
    const char *kind = json_string_value(json_object_get(office, "kind"));
    if (kind && strcmp(kind, "land") == 0 && (rc = load_office(store, office, dir, err, err_size)))
      break;
  }
  json_decref(offices);
  return rc;
}
