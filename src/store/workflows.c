/*
 * workflows.c - stored workflow definitions (store/workflows.h), in portable SQL over the db.h
 * seam (each statement prepared once per connection).
 */
#include "store/workflows.h"

#include "store/db.h"
#include "store/store_impl.h"

#include "base/common.h"

#define WORKFLOW_COLUMNS "office_id, code, version, definition, created_at, created_by"

int store_workflow_add(struct store *store, int64_t office_id, const char *code,
                       const char *definition, int64_t created_at, const char *created_by,
                       int64_t *version)
{
  static const char sql[] =
      "INSERT INTO workflow_definitions (office_id, code, version, definition, created_at, "
      "created_by) SELECT $1, $2, COALESCE(max(version), 0) + 1, $3, $4, $5 FROM "
      "workflow_definitions WHERE office_id = $1 AND code = $2 RETURNING version";
  if (office_id <= 0 || !code || !*code || !definition)
    return store_fail(store, ST_INVALID, "workflow: office, code and definition are required");
  return db_query_int(store, sql,
                      DB_ARGS(DB_I(office_id), DB_S(code), DB_S(definition), DB_I(created_at),
                              DB_S(created_by ? created_by : "")),
                      version);
}

int store_workflow_get(struct store *store, int64_t office_id, const char *code, int64_t version,
                       json_t **row)
{
  static const char exact[] = "SELECT " WORKFLOW_COLUMNS " FROM workflow_definitions WHERE "
                              "office_id = $1 AND code = $2 AND version = $3";
  static const char newest[] = "SELECT " WORKFLOW_COLUMNS " FROM workflow_definitions WHERE "
                               "office_id = $1 AND code = $2 ORDER BY version DESC LIMIT 1";
  if (version > 0)
    return db_query_one(store, exact, DB_ARGS(DB_I(office_id), DB_S(code), DB_I(version)), row);
  return db_query_one(store, newest, DB_ARGS(DB_I(office_id), DB_S(code)), row);
}

int store_workflow_list(struct store *store, int64_t office_id, json_t **rows)
{
  static const char sql[] =
      "SELECT " WORKFLOW_COLUMNS " FROM workflow_definitions w WHERE office_id = $1 AND version = "
      "(SELECT max(version) FROM workflow_definitions x WHERE x.office_id = w.office_id AND "
      "x.code = w.code) ORDER BY code";
  return db_query(store, sql, DB_ARGS(DB_I(office_id)), rows);
}
