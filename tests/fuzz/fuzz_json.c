/*
 * fuzz_json.c - libFuzzer target for the JSON request bodies bianmin reads: the catalogue
 * import document (POST /staff/admin/catalog/import, `bianmin catalog-import`) and the SMS
 * gateway's delivery receipt (POST /hooks/sms/{token}). Both are parsed by jansson with
 * duplicate keys refused, then checked by our code against a real SQLite database in a
 * temporary folder.
 *
 * Properties: any document is imported (ST_OK) or refused (ST_INVALID with a message naming
 * the place, and then nothing changes); a receipt is applied or ST_NOTFOUND / ST_INVALID;
 * never a crash, a leak or a read outside the input.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/catalog.h"
#include "domain/notify.h"
#include "store/store.h"

#include "base/common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static struct store *store;
static int64_t office_id;
static char dir[] = "/tmp/bianmin-fuzz-json-XXXXXX";
static char db_path[sizeof(dir) + 16];

static void cleanup(void)
{
  store_close(store);
  static const char *const suffixes[] = {"", "-wal", "-shm"};
  for (size_t i = 0; i < ARRAY_LEN(suffixes); i++) {
    char path[sizeof(db_path) + 8];
    snprintf(path, sizeof(path), "%s%s", db_path, suffixes[i]);
    unlink(path);
  }
  rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  char err[256] = "";
  if (!mkdtemp(dir))
    abort();
  snprintf(db_path, sizeof(db_path), "%s/f.db", dir);
  if (store_open(db_path, &store, err, sizeof(err)) || store_migrate(store, NULL)) {
    fprintf(stderr, "fuzz_json: cannot open a store: %s\n", err);
    abort();
  }
  json_t *office =
      json_pack("{s:s, s:s, s:s, s:[{s:s, s:s}]}", "slug", "fuzz", "name_zh", "測試地政事務所",
                "kind", "land", "units", "code", "registration", "name_zh", "登記課");
  if (store_office_put(store, office, &office_id) ||
      store_unit_put(store, office_id, json_array_get(json_object_get(office, "units"), 0), NULL))
    abort();
  json_decref(office);
  atexit(cleanup);
  return 0;
}

static void receipt(json_t *doc)
{
  const char *status = json_string_value(json_object_get(doc, "status"));
  if (!status)
    return;
  int rc = notify_receipt(store, 1767225600, json_string_value(json_object_get(doc, "ref")),
                          json_string_value(json_object_get(doc, "id")), status);
  if (rc != ST_OK && rc != ST_NOTFOUND && rc != ST_INVALID)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  json_error_t error;
  json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &error);
  if (!doc)
    return 0;
  char err[512] = "";
  int rc = catalog_import(store, office_id, doc, NULL, err, sizeof(err));
  if (rc != ST_OK && rc != ST_INVALID)
    abort();
  if (rc == ST_INVALID && !err[0])
    abort(); /* a refusal always says where */
  if (json_is_object(doc))
    receipt(doc);
  json_decref(doc);
  return 0;
}
