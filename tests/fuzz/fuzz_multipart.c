/*
 * fuzz_multipart.c - libFuzzer target for http_multipart_parse: any body must parse or fail
 * with ST_INVALID / ST_LIMIT, never read outside the buffer; every accepted part's data lies
 * inside the body and its name is non-empty valid text.
 *
 * Built by the CMake preset "fuzz"; scripts/fuzz.sh runs it from tests/fuzz/corpus/<target>/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/internal.h"

#include "base/common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct arena *arena = arena_new(1 << 22);
  struct http_part *parts = NULL;
  size_t count = 0;
  const char *body = (const char *)data;
  if (!arena)
    return 0;
  int rc =
      http_multipart_parse(arena, "multipart/form-data; boundary=b", body, size, &parts, &count);
  for (size_t i = 0; rc == ST_OK && i < count; i++) {
    const struct http_part *p = &parts[i];
    if (!p->name[0] || p->data < body || p->data + p->len > body + size)
      abort();
  }
  if (rc != ST_OK && rc != ST_INVALID && rc != ST_LIMIT && rc != ST_NOMEM)
    abort();
  arena_free(arena);
  return 0;
}
