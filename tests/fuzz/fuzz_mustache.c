/*
 * fuzz_mustache.c - libFuzzer target: compiles arbitrary bytes as a template (also registered as
 * the partials "p" and "q", so recursion is reachable) and renders it against a fixed view model.
 * Compile errors are expected; crashes, leaks and sanitizer reports are not.
 */
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/buf.h"
#include "render/mustache.h"
#include "base/common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { FUZZ_OUT_MAX = 1024 * 1024 };

static const char FUZZ_DATA[] =
    "{\"a\": {\"b\": {\"c\": \"<deep & 'quoted'>\"}}, \"list\": [1, 2.5, \"x\", {\"a\": \"in\"}],"
    " \"t\": true, \"f\": false, \"n\": null, \"s\": \"p\", \"e\": [], \"name\": \"q\"}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char err[256];
  struct buf out;
  json_t *stack[2];
  struct mustache_set *set = mustache_set_new();
  stack[0] = json_loads("{\"t\": {\"hello\": \"Hi\"}}", 0, NULL);
  stack[1] = json_loads(FUZZ_DATA, 0, NULL);
  buf_init(&out, FUZZ_OUT_MAX);
  if (!set || !stack[0] || !stack[1])
    goto out;
  if (mustache_set_add(set, "p", (const char *)data, size, err, sizeof(err)) != ST_OK)
    goto out;
  (void)mustache_set_add(set, "q", "[{{.}}{{>p}}]", 13, err, sizeof(err));
  (void)mustache_render(set, "p", stack, 2, &out);
out:
  buf_free(&out);
  mustache_set_free(set);
  json_decref(stack[0]);
  json_decref(stack[1]);
  return 0;
}
