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

void *read_model_array(struct arena *arena, size_t count, size_t size)
{
  if (size && count > SIZE_MAX / size - 1)
    return NULL;
  return arena_alloc(arena, (count ? count : 1) * size);
}
