/*
 * demo_plan.c - the demo's plan control data: the 新興地政事務所 plan of seed 000, as the table
 * data/demo/plan/xinxing.csv beside the demo file, imported for this ROC year (plan_import)
 * unless the office already has a plan for it (loading the demo twice changes nothing).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/civil.h"
#include "base/clock.h"
#include "domain/audit.h"
#include "domain/demo.h"
#include "domain/plan.h"
#include "store/store.h"

#include "base/common.h"

enum { DEMO_PLAN_ARENA = 8 * 1024 * 1024, DEMO_PLAN_FILE_MAX = 1024 * 1024 };

static int read_text(struct arena *arena, const char *path, char **text, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return ST_NOTFOUND;
  char *buf = arena_alloc(arena, DEMO_PLAN_FILE_MAX);
  *len = buf ? fread(buf, 1, DEMO_PLAN_FILE_MAX, f) : 0;
  int failed = ferror(f);
  fclose(f);
  *text = buf;
  return !buf ? ST_NOMEM : failed || *len == DEMO_PLAN_FILE_MAX ? ST_IO : ST_OK;
}

static int import_office(struct store *store, struct arena *arena, const char *path,
                         int64_t office_id, char *err, size_t err_size)
{
  time_t now = clock_now();
  int year = civil_taipei(now).date.year - CIVIL_ROC_OFFSET;
  int64_t *years = NULL;
  size_t n = 0;
  char *text = NULL;
  size_t len = 0;
  int rc = plan_years_read(store, arena, office_id, &years, &n);
  for (size_t i = 0; !rc && i < n; i++)
    if (years[i] == year)
      return ST_OK;
  rc = rc ? rc : read_text(arena, path, &text, &len);
  if (rc == ST_NOTFOUND)
    return ST_OK; /* no plan for this demo */
  struct audit_actor actor = {office_id, 0, "demo", "cli"};
  struct plan_import_error e = {0, "plan_err_file"};
  if (!rc)
    rc = plan_import(store, arena, &actor, office_id, year, text, len, now, &e);
  if (rc)
    snprintf(err, err_size, "%s: row %zu: %s", path, e.row, e.reason);
  return rc;
}

int demo_plan_load(struct store *store, const char *path, char *err, size_t err_size)
{
  char file[1024];
  const char *slash = strrchr(path, '/');
  int len = slash ? (int)(slash - path) : 1;
  json_t *office = NULL;
  if ((size_t)snprintf(file, sizeof(file), "%.*s/plan/xinxing.csv", len, slash ? path : ".") >=
      sizeof(file))
    return ST_LIMIT;
  int rc = store_office_get(store, "xinxing", &office);
  if (rc == ST_NOTFOUND)
    return ST_OK;
  int64_t office_id = json_integer_value(json_object_get(office, "id"));
  json_decref(office);
  struct arena *arena = rc ? NULL : arena_new(DEMO_PLAN_ARENA);
  if (!rc && !arena)
    rc = ST_NOMEM;
  if (!rc)
    rc = import_office(store, arena, file, office_id, err, err_size);
  arena_free(arena);
  return rc;
}
