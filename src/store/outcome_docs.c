/*
 * outcome_docs.c - outcome documents (migration 22) in portable SQL over the db.h seam: the
 * documents staff issue on a case for the applicant to download. The bytes are kept once per
 * SHA-256 in upload_blobs, shared with the applicants' uploads (store/apply.c).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "store/case_mirror.h"
#include "store/db.h"
#include "store/store_impl.h"

#include "base/common.h"

#define OUTCOME_COLUMNS                                                                            \
  "id, office_id, case_id, sha256, name, mime, size, created_at, created_by, created_by_name, "    \
  "withdrawn_at, withdrawn_by_name, withdrawn_reason"

/* The case row, locked before the documents are written: two writers of one case's documents
 * take turns, so the later one's recount of outcome_count (case_mirror.h) sees the earlier
 * one's document, also under PostgreSQL's READ COMMITTED. */
static int lock_case(struct store *store, int64_t case_id)
{
  static const char sql[] = "UPDATE cases SET outcome_count = outcome_count WHERE id = $1";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(case_id)), &changes);
  return rc || changes == 1 ? rc : store_fail(store, ST_NOTFOUND, "no such case");
}

int store_outcome_add(struct store *store, const struct store_outcome *d, int64_t *id)
{
  static const char blob[] =
      "INSERT INTO upload_blobs (sha256, size, bytes, created_at) VALUES ($1, $2, $3, $4) ON "
      "CONFLICT (sha256) DO NOTHING";
  static const char row[] =
      "INSERT INTO case_outcome_documents (office_id, case_id, sha256, name, mime, size, "
      "created_at, created_by, created_by_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
      "RETURNING id";
  struct db_param bytes = {DB_BLOB, (int64_t)d->len, d->bytes};
  bool own = false;
  int rc = store_mirror_begin(store, &own);
  if (!rc)
    rc = lock_case(store, d->case_id);
  if (!rc)
    rc = db_exec(store, blob, DB_ARGS(DB_S(d->sha256), DB_I((int64_t)d->len), bytes, DB_I(d->now)),
                 NULL);
  if (!rc)
    rc = db_query_int(store, row,
                      DB_ARGS(DB_I(d->office_id), DB_I(d->case_id), DB_S(d->sha256), DB_S(d->name),
                              DB_S(d->mime), DB_I((int64_t)d->len), DB_I(d->now),
                              DB_I(d->created_by), DB_S(d->created_by_name)),
                      id);
  if (!rc)
    rc = store_case_mirror_refresh(store, d->case_id, CASE_MIRROR_OUTCOME_COUNT);
  return store_mirror_end(store, own, rc);
}

int store_outcomes_of(struct store *store, int64_t case_id, bool withdrawn_too, json_t **out)
{
  static const char all[] =
      "SELECT " OUTCOME_COLUMNS " FROM case_outcome_documents WHERE case_id = $1 ORDER BY id";
  static const char current[] = "SELECT " OUTCOME_COLUMNS " FROM case_outcome_documents WHERE "
                                "case_id = $1 AND withdrawn_at IS NULL ORDER BY id";
  return db_query(store, withdrawn_too ? all : current, DB_ARGS(DB_I(case_id)), out);
}

int store_outcome_withdraw(struct store *store, int64_t case_id, int64_t id, int64_t now,
                           const char *by_name, const char *reason)
{
  static const char sql[] =
      "UPDATE case_outcome_documents SET withdrawn_at = $3, withdrawn_by_name = $4, "
      "withdrawn_reason = $5 WHERE id = $1 AND case_id = $2 AND withdrawn_at IS NULL";
  int64_t changes = 0;
  bool own = false;
  int rc = store_mirror_begin(store, &own);
  if (!rc)
    rc = lock_case(store, case_id);
  if (!rc)
    rc =
        db_exec(store, sql,
                DB_ARGS(DB_I(id), DB_I(case_id), DB_I(now), DB_S(by_name), DB_S(reason)), &changes);
  if (!rc && changes != 1)
    rc = store_fail(store, ST_NOTFOUND, "no such outcome document");
  if (!rc)
    rc = store_case_mirror_refresh(store, case_id, CASE_MIRROR_OUTCOME_COUNT);
  return store_mirror_end(store, own, rc);
}

int store_outcome_get(struct store *store, int64_t case_id, int64_t id, json_t **meta, void **bytes,
                      size_t *len)
{
  static const char sql_sqlite[] =
      "SELECT d.id, d.name, d.mime, d.size, d.withdrawn_at, lower(hex(b.bytes)) AS hex FROM "
      "case_outcome_documents d JOIN upload_blobs b ON b.sha256 = d.sha256 WHERE d.id = $1 AND "
      "d.case_id = $2";
  static const char sql_pg[] =
      "SELECT d.id, d.name, d.mime, d.size, d.withdrawn_at, encode(b.bytes, 'hex') AS hex FROM "
      "case_outcome_documents d JOIN upload_blobs b ON b.sha256 = d.sha256 WHERE d.id = $1 AND "
      "d.case_id = $2";
  bool sqlite = strcmp(store->ops->name, "sqlite") == 0;
  json_t *row = NULL;
  unsigned char *b = NULL;
  int rc =
      db_query_one(store, sqlite ? sql_sqlite : sql_pg, DB_ARGS(DB_I(id), DB_I(case_id)), &row);
  if (!rc && str_unhex(db_text(row, "hex"), &b, len))
    rc = ST_DB;
  if (rc) {
    json_decref(row);
    return rc;
  }
  json_object_del(row, "hex");
  *bytes = b;
  *meta = row;
  return ST_OK;
}
