/*
 * read_model.c - copying store rows into arena-backed typed read models (read_model.h).
 */
#include "domain/read_model.h"

#include <stdint.h>

#include "base/arena.h"

#include "base/common.h"

const char *read_model_text(struct arena *arena, const json_t *row, const char *key)
{
  const char *text = json_string_value(json_object_get(row, key));
  return arena_strdup(arena, text ? text : "");
}

int64_t read_model_int(const json_t *row, const char *key)
{
  return json_integer_value(json_object_get(row, key));
}

static void release(void *value)
{
  json_decref(value);
}

int read_model_hold(struct arena *arena, json_t *value)
{
  if (!value || !arena_on_free(arena, release, value))
    return ST_OK;
  json_decref(value);
  return ST_NOMEM;
}

void *read_model_array(struct arena *arena, size_t count, size_t size)
{
  if (size && count > SIZE_MAX / size - 1)
    return NULL;
  return arena_alloc(arena, (count ? count : 1) * size);
}

int read_model_rows(struct arena *arena, const json_t *rows, size_t size, read_model_fill fill,
                    void **out, size_t *count)
{
  size_t n = json_array_size(rows);
  char *items = read_model_array(arena, n, size);
  int rc = items ? ST_OK : ST_NOMEM;
  for (size_t i = 0; !rc && i < n; i++)
    rc = fill(arena, json_array_get(rows, i), items + i * size);
  if (!rc) {
    *out = items;
    *count = n;
  }
  return rc;
}
