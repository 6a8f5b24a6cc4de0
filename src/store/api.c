/*
 * api.c - API keys and the requests API clients create (Open311 and /api/v1), in portable SQL
 * over the db.h seam. Every lookup takes the office id, so another office's record is "not
 * found".
 */
#include <string.h>

#include "store/db.h"
#include "store/store_impl.h"

#include "base/common.h"

#define KEY_COLUMNS "id, office_id, name, prefix, created_at, created_by, last_used_at, revoked_at"

int store_api_key_insert(struct store *store, int64_t office_id, const char *name,
                         const char *prefix, const char *key_hash, const char *created_by,
                         int64_t now, int64_t *id)
{
  static const char sql[] = "INSERT INTO api_keys (office_id, name, prefix, key_hash, created_at, "
                            "created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
  return db_query_int(store, sql,
                      DB_ARGS(DB_I(office_id), DB_S(name), DB_S(prefix), DB_S(key_hash), DB_I(now),
                              DB_S(created_by)),
                      id);
}

int store_api_key_list(struct store *store, int64_t office_id, json_t **out)
{
  static const char sql[] =
      "SELECT " KEY_COLUMNS " FROM api_keys WHERE office_id = $1 ORDER BY id DESC";
  return db_query(store, sql, DB_ARGS(DB_I(office_id)), out);
}

int store_api_key_get(struct store *store, int64_t office_id, int64_t id, json_t **out)
{
  static const char sql[] = "SELECT " KEY_COLUMNS " FROM api_keys WHERE id = $1 AND office_id = $2";
  return db_query_one(store, sql, DB_ARGS(DB_I(id), DB_I(office_id)), out);
}

int store_api_key_revoke(struct store *store, int64_t office_id, int64_t id, int64_t now)
{
  static const char sql[] = "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $3) "
                            "WHERE id = $1 AND office_id = $2";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id), DB_I(office_id), DB_I(now)), &changes);
  if (rc)
    return rc;
  return changes == 1 ? ST_OK : store_fail(store, ST_NOTFOUND, "no such key");
}

int store_api_key_by_hash(struct store *store, const char *key_hash, json_t **out)
{
  static const char sql[] =
      "SELECT k.id, k.office_id, k.name, k.prefix, o.slug FROM api_keys k JOIN offices o ON "
      "o.id = k.office_id WHERE k.key_hash = $1 AND k.revoked_at IS NULL";
  return db_query_one(store, sql, DB_ARGS(DB_S(key_hash)), out);
}

int store_api_key_used(struct store *store, int64_t id, int64_t now)
{
  static const char sql[] = "UPDATE api_keys SET last_used_at = $2 WHERE id = $1";
  return db_exec(store, sql, DB_ARGS(DB_I(id), DB_I(now)), NULL);
}

int store_api_request_insert(struct store *store, json_t *r)
{
  static const char sql[] =
      "INSERT INTO api_requests (case_id, office_id, api_key_id, description, answers, address, "
      "lat, lng, media_url, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
  int64_t key = db_int(r, "api_key_id");
  const struct db_param p[] = {
      DB_I(db_int(r, "case_id")),      DB_I(db_int(r, "office_id")), key > 0 ? DB_I(key) : DB_NIL,
      DB_S(db_text(r, "description")), DB_S(db_text(r, "answers")),  DB_S(db_text(r, "address")),
      DB_S(db_text(r, "lat")),         DB_S(db_text(r, "lng")),      DB_S(db_text(r, "media_url")),
      DB_I(db_int(r, "requested_at")),
  };
  return db_exec(store, sql, p, ARRAY_LEN(p), NULL);
}

#define REQUEST_SELECT                                                                             \
  "SELECT c.id AS case_id, c.office_id, c.case_key, c.status, c.workflow, c.workflow_version, "    \
  "c.received_at, c.updated_at, "                                                                  \
  "c.closed_at, c.due_at, c.unit_id, s.slug AS service_code, s.name_zh AS service_name_zh, "       \
  "s.name_en AS service_name_en, r.requested_at FROM api_requests r JOIN cases c ON c.id = "       \
  "r.case_id JOIN services s ON s.id = c.service_id "

/* What Open311 calls closed: a case at a final step of its workflow version, which is when
 * closed_at is set (domain/case_flow.c, from the workflow's data), so an office's own final
 * step counts. */

int store_api_request_list(struct store *store, const struct store_api_request_filter *f,
                           json_t **out)
{
  static const char sql[] =
      REQUEST_SELECT "WHERE r.office_id = $1 AND r.requested_at >= $2 AND r.requested_at <= $3 "
                     "AND ($4 = '' OR ($4 LIKE '%,' || CAST(c.service_id AS TEXT) || ',%')) "
                     "AND ($5 = '' OR ($5 = 'closed' AND c.closed_at IS NOT NULL) OR "
                     "($5 = 'open' AND c.closed_at IS NULL)) "
                     "ORDER BY r.requested_at DESC, c.id DESC LIMIT $6 OFFSET $7";
  const char *ids = f->service_ids ? f->service_ids : "";
  const char *status = f->status ? f->status : "";
  return db_query(store, sql,
                  DB_ARGS(DB_I(f->office_id), DB_I(f->from), DB_I(f->to), DB_S(ids), DB_S(status),
                          DB_I(f->limit), DB_I(f->offset)),
                  out);
}

int store_api_request_get(struct store *store, int64_t office_id, const char *case_key,
                          json_t **out)
{
  static const char sql[] = REQUEST_SELECT "WHERE r.office_id = $1 AND c.case_key = $2";
  return db_query_one(store, sql, DB_ARGS(DB_I(office_id), DB_S(case_key)), out);
}

int store_api_request_extra(struct store *store, int64_t case_id, json_t **out)
{
  static const char sql[] = "SELECT address, lat, lng, media_url FROM api_requests "
                            "WHERE case_id = $1";
  return db_query_one(store, sql, DB_ARGS(DB_I(case_id)), out);
}
