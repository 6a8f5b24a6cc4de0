/*
 * fuzz_mo.c - libFuzzer target for i18n_parse_mo: any input must parse or fail with
 * ST_INVALID, never read outside the buffer. A parsed catalogue is also looked up and
 * exported, to walk the entries the parser accepted.
 *
 * Built by the CMake preset "fuzz"; scripts/fuzz.sh runs it from tests/fuzz/corpus/<target>/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "render/i18n.h"
#include "base/common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct i18n_catalog *catalog = NULL;
  char err[256];
  int rc = i18n_parse_mo(data, size, &catalog, err, sizeof(err));
  if (rc == ST_OK) {
    (void)i18n_get(catalog, "home_title");
    (void)i18n_count(catalog);
    json_t *json = i18n_to_json(catalog);
    if (!json)
      abort(); /* every accepted entry must be valid JSON */
    json_decref(json);
  } else if (rc != ST_INVALID || catalog) {
    abort();
  }
  i18n_free(catalog);
  return 0;
}
