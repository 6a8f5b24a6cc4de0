/*
 * workflow_admin.c - an office admin's workflows (workflow_admin.h).
 */
#include "domain/workflow_admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "domain/audit.h"
#include "store/directory.h"
#include "store/store.h"
#include "store/workflows.h"

#include "base/common.h"

static const char *text(const json_t *o, const char *key)
{
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

static bool has_code(const struct workflow_admin_item *items, size_t n, const char *code)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(items[i].wf->code, code) == 0)
      return true;
  return false;
}

static int by_code(const void *a, const void *b)
{
  return strcmp(((const struct workflow_admin_item *)a)->wf->code,
                ((const struct workflow_admin_item *)b)->wf->code);
}

/* Inside the read: the stored rows as items, then the shipped codes without a row. */
static int list_in_read(struct store *store, struct arena *arena, int64_t office_id,
                        struct workflow_admin_item **items, size_t *count)
{
  json_t *rows = NULL, *row;
  size_t shipped_n = 0, i;
  const struct workflow *const *shipped = workflow_shipped(&shipped_n);
  int rc = store_workflow_list(store, office_id, &rows);
  if (rc)
    return rc;
  size_t max = json_array_size(rows) + shipped_n, n = 0;
  struct workflow_admin_item *out = arena_alloc(arena, (max + 1) * sizeof(*out));
  if (!out)
    rc = ST_NOMEM;
  json_array_foreach(rows, i, row)
  {
    const struct workflow *wf = NULL;
    if (!rc && !workflow_load(store, office_id, text(row, "code"),
                              json_integer_value(json_object_get(row, "version")), &wf))
      out[n++] =
          (struct workflow_admin_item){wf, json_integer_value(json_object_get(row, "created_at")),
                                       arena_strdup(arena, text(row, "created_by"))};
  }
  for (i = 0; !rc && i < shipped_n; i++)
    if (!has_code(out, n, shipped[i]->code))
      out[n++] = (struct workflow_admin_item){shipped[i], 0, ""};
  json_decref(rows);
  if (!rc)
    qsort(out, n, sizeof(*out), by_code);
  *items = out;
  *count = rc ? 0 : n;
  return rc;
}

int workflow_admin_list(struct store *store, struct arena *arena, int64_t office_id,
                        struct workflow_admin_item **items, size_t *count)
{
  *items = NULL;
  *count = 0;
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  return store_end_read(store, list_in_read(store, arena, office_id, items, count));
}

int workflow_admin_get(struct store *store, int64_t office_id, const char *code,
                       const struct workflow **out)
{
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  return store_end_read(store, workflow_load(store, office_id, code, 0, out));
}

/* Inside the open transaction: checks and adds one definition. */
static int add_one(struct store *store, int64_t office_id, const json_t *def, int64_t now,
                   const char *by, int64_t *version, json_t *problems)
{
  json_t *found = NULL;
  int rc = workflow_check(def, &found);
  if (rc == ST_INVALID) {
    size_t i;
    json_t *p;
    json_array_foreach(found, i, p)
    {
      char what[160];
      snprintf(what, sizeof(what), "%s: %s", text(def, "code"), text(p, "what"));
      json_array_append_new(problems, json_pack("{s:s, s:s}", "key", text(p, "key"), "what", what));
    }
  }
  json_decref(found);
  char *body = rc ? NULL : json_dumps(def, JSON_COMPACT | JSON_SORT_KEYS);
  if (!rc && (!body || strlen(body) > WORKFLOW_DEFINITION_MAX))
    rc = body ? ST_LIMIT : ST_NOMEM;
  if (!rc)
    rc = store_workflow_add(store, office_id, text(def, "code"), body, now, by, version);
  free(body);
  return rc;
}

static int finish(struct store *store, int rc)
{
  if (rc) {
    store_rollback(store);
    return rc;
  }
  return store_commit(store);
}

int workflow_admin_save(struct store *store, const struct audit_actor *actor, int64_t office_id,
                        const json_t *definition, int64_t now, int64_t *version, json_t **problems)
{
  *problems = json_array();
  *version = 0;
  if (!*problems)
    return ST_NOMEM;
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = add_one(store, office_id, definition, now, actor->name, version, *problems);
  if (json_array_size(*problems))
    rc = ST_INVALID;
  json_t *detail =
      json_pack("{s:s, s:I}", "code", text(definition, "code"), "version", (json_int_t)*version);
  if (!rc)
    rc = audit_record(store, actor, "workflow.save", "workflow", text(definition, "code"), detail);
  json_decref(detail);
  return finish(store, rc);
}

static int export_in_read(struct store *store, int64_t office_id, json_t *list)
{
  struct arena *arena = arena_new(1 << 20);
  struct workflow_admin_item *items = NULL;
  size_t n = 0;
  int rc = arena ? list_in_read(store, arena, office_id, &items, &n) : ST_NOMEM;
  for (size_t i = 0; !rc && i < n; i++)
    if (json_array_append(list, (json_t *)items[i].wf->definition))
      rc = ST_NOMEM;
  arena_free(arena);
  return rc;
}

int workflow_admin_export(struct store *store, const struct audit_actor *actor, int64_t office_id,
                          json_t **doc)
{
  json_t *list = json_array();
  *doc = NULL;
  int rc = list ? store_begin_read(store) : ST_NOMEM;
  if (!rc)
    rc = store_end_read(store, export_in_read(store, office_id, list));
  json_t *detail = rc ? NULL : json_pack("{s:I}", "workflows", (json_int_t)json_array_size(list));
  if (!rc)
    rc = audit_record(store, actor, "workflow.export", "office", "", detail);
  json_decref(detail);
  if (!rc)
    *doc = json_pack("{s:s, s:o}", "format", "bianmin-workflows", "workflows", list);
  else
    json_decref(list);
  return rc ? rc : (*doc ? ST_OK : ST_NOMEM);
}

/* The definitions of an import: the export's document, or one definition alone. */
static const json_t *import_list(const json_t *doc, json_t *problems)
{
  const json_t *list = json_object_get(doc, "workflows");
  if (json_is_array(list) && json_array_size(list) > 0 &&
      strcmp(text(doc, "format"), "bianmin-workflows") == 0)
    return list;
  json_array_append_new(problems,
                        json_pack("{s:s, s:s}", "key", "workflow_err_import_format", "what", ""));
  return NULL;
}

int workflow_admin_import(struct store *store, const struct audit_actor *actor, int64_t office_id,
                          const json_t *doc, int64_t now, size_t *saved, json_t **problems)
{
  *saved = 0;
  *problems = json_array();
  if (!*problems)
    return ST_NOMEM;
  const json_t *list = import_list(doc, *problems);
  if (!list)
    return ST_INVALID;
  int rc = store_begin(store);
  size_t i;
  const json_t *def;
  json_array_foreach(list, i, def)
  {
    int64_t version = 0;
    if (!rc || rc == ST_INVALID) {
      int one = add_one(store, office_id, def, now, actor->name, &version, *problems);
      rc = one == ST_INVALID || (one == ST_CONFLICT && json_array_size(*problems))
               ? ST_INVALID
               : (rc ? rc : one);
    }
  }
  if (!rc && json_array_size(*problems))
    rc = ST_INVALID;
  json_t *detail = json_pack("{s:I}", "workflows", (json_int_t)json_array_size(list));
  if (!rc)
    rc = audit_record(store, actor, "workflow.import", "office", "", detail);
  json_decref(detail);
  if (!rc)
    *saved = json_array_size(list);
  return finish(store, rc);
}
