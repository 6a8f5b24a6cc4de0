/*
 * fuzz_form.c - libFuzzer target for application/x-www-form-urlencoded bodies and query
 * strings (http/form.c). Any input must parse or fail with ST_INVALID / ST_LIMIT; every
 * accepted name and value is valid text (no CR/LF unless allowed), and re-encoding the
 * accepted pairs with http_url_encode and parsing them again gives the same pairs. Also the
 * path and query unescaper (http_unescape): never longer, never a NUL inside.
 *
 * Built by the CMake preset "fuzz"; scripts/fuzz.sh runs it over tests/fuzz/corpus/fuzz_form/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "http/internal.h"

#include "base/common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_round_trip(struct arena *arena, const struct http_param *params, size_t count,
                             bool allow_newlines)
{
  struct buf again;
  buf_init(&again, 1 << 22);
  for (size_t i = 0; i < count; i++) {
    char *n = http_url_encode(arena, params[i].name.ptr);
    char *v = http_url_encode(arena, params[i].value.ptr);
    if (!n || !v || buf_printf(&again, "%s%s=%s", i ? "&" : "", n, v))
      abort();
  }
  struct http_param *back = NULL;
  size_t back_count = 0;
  if (http_form_parse(arena, again.data ? again.data : "", again.len, allow_newlines, &back,
                      &back_count) != ST_OK)
    abort();
  /* An empty name with an empty value ("=") encodes as "=", which parses back the same. */
  if (back_count != count)
    abort();
  for (size_t i = 0; i < count; i++)
    if (!str_eq(back[i].name, params[i].name) || !str_eq(back[i].value, params[i].value))
      abort();
  buf_free(&again);
}

static void one(const char *body, size_t size, bool allow_newlines)
{
  struct arena *arena = arena_new(1 << 24);
  struct http_param *params = NULL;
  size_t count = 0;
  if (!arena)
    return;
  int rc = http_form_parse(arena, body, size, allow_newlines, &params, &count);
  if (rc == ST_OK) {
    if (count > HTTP_MAX_PARAMS)
      abort();
    for (size_t i = 0; i < count; i++) {
      if (!str_valid_text(params[i].name, false) ||
          !str_valid_text(params[i].value, allow_newlines) ||
          params[i].value.ptr[params[i].value.len] != '\0')
        abort();
    }
    check_round_trip(arena, params, count, allow_newlines);
  } else if (rc != ST_INVALID && rc != ST_LIMIT && rc != ST_NOMEM) {
    abort();
  }
  arena_free(arena);
}

/* libmicrohttpd's unescaper for paths and query arguments: never longer, never a NUL inside
 * (it would cut the path short). */
static void unescape(const uint8_t *data, size_t size)
{
  char *s = malloc(size + 1);
  if (!s)
    return;
  memcpy(s, data, size);
  s[size] = '\0';
  size_t before = strlen(s);
  size_t after = http_unescape(s);
  if (after > before || strlen(s) != after)
    abort();
  free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  one((const char *)data, size, true);
  one((const char *)data, size, false);
  unescape(data, size);
  return 0;
}
