/*
 * db.c - the backend-neutral part of the portable SQL seam: dispatch and conveniences.
 */
#include <string.h>

#include "base/arena.h"
#include "store/db.h"

#include "store/store_impl.h"

#include "base/common.h"

int db_exec(struct store *store, const char *sql, const struct db_param *params, size_t count,
            int64_t *changes)
{
  int64_t ignored;
  if (count > DB_MAX_PARAMS)
    return store_fail(store, ST_INVALID, "too many parameters");
  return store->ops->exec(store, sql, params, count, changes ? changes : &ignored);
}

int db_query(struct store *store, const char *sql, const struct db_param *params, size_t count,
             json_t **rows)
{
  if (count > DB_MAX_PARAMS)
    return store_fail(store, ST_INVALID, "too many parameters");
  json_t *array = json_array();
  if (!array)
    return ST_NOMEM;
  int rc = store->ops->query(store, sql, params, count, array);
  if (rc) {
    json_decref(array);
    return rc;
  }
  *rows = array;
  return ST_OK;
}

int db_query_one(struct store *store, const char *sql, const struct db_param *params, size_t count,
                 json_t **row)
{
  json_t *rows;
  int rc = db_query(store, sql, params, count, &rows);
  if (rc)
    return rc;
  if (json_array_size(rows) == 0) {
    json_decref(rows);
    return store_fail(store, ST_NOTFOUND, "no such record");
  }
  *row = json_incref(json_array_get(rows, 0));
  json_decref(rows);
  return ST_OK;
}

int db_query_int(struct store *store, const char *sql, const struct db_param *params, size_t count,
                 int64_t *value)
{
  json_t *row = NULL;
  int rc = db_query_one(store, sql, params, count, &row);
  if (rc)
    return rc;
  const char *key;
  json_t *first = NULL, *v;
  json_object_foreach(row, key, v)
  {
    first = v;
    break;
  }
  rc = json_is_integer(first) ? ST_OK : store_fail(store, ST_DB, "expected an integer");
  if (!rc)
    *value = json_integer_value(first);
  json_decref(row);
  return rc;
}

int64_t db_int(const json_t *row, const char *key)
{
  return json_integer_value(json_object_get(row, key));
}

const char *db_text(const json_t *row, const char *key)
{
  const char *s = json_string_value(json_object_get(row, key));
  return s ? s : "";
}

int db_query_each(struct store *store, const char *sql, const struct db_param *params, size_t count,
                  db_row_fn fn, void *ctx)
{
  if (count > DB_MAX_PARAMS)
    return store_fail(store, ST_INVALID, "too many parameters");
  return store->ops->each(store, sql, params, count, fn, ctx);
}

const char *db_reader_text(struct db_reader *r, const struct db_row *row, int column)
{
  size_t len;
  const char *t = db_col_text(row, column, &len);
  char *c = len ? arena_strndup(r->arena, t, len) : NULL;
  if (len && !c)
    r->rc = ST_NOMEM;
  return c ? c : "";
}

void *db_reader_next(struct db_reader *r)
{
  if (r->count == r->capacity) {
    size_t capacity = r->capacity ? r->capacity * 2 : 16;
    void *grown = arena_alloc(r->arena, capacity * r->size);
    if (!grown) {
      r->rc = ST_NOMEM;
      return NULL;
    }
    if (r->count)
      memcpy(grown, r->items, r->count * r->size);
    r->items = grown;
    r->capacity = capacity;
  }
  return (char *)r->items + r->count++ * r->size;
}
