/*
 * apply.c - online applications in portable SQL over the db.h seam: a case's answers, drafts
 * (applications in progress) and uploaded documents (content-addressed blobs and their links to
 * a draft and a case).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "store/case_mirror.h"
#include "store/db.h"
#include "store/store_impl.h"

#include "base/common.h"

#define DRAFT_COLUMNS                                                                              \
  "id, office_id, service_id, resume_expires_at, contact_kind, contact, contact_hash, "            \
  "contact_masked, code_hash, code_expires_at, code_tries, codes_sent, code_sent_at, verified, "   \
  "applicant_name, answers, lang, case_id, case_token, created_at, updated_at, expires_at"

static int one_change(struct store *store, int rc, int64_t changes)
{
  if (rc)
    return rc;
  return changes == 1 ? ST_OK : store_fail(store, ST_NOTFOUND, "no such draft");
}

int store_case_set_online(struct store *store, int64_t case_id, const char *answers,
                          const char *description)
{
  static const char sql[] = "UPDATE cases SET answers = $2, description = $3 WHERE id = $1";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(case_id), DB_S(answers), DB_S(description)), &changes);
  return one_change(store, rc, changes);
}

int store_case_set_channel(struct store *store, int64_t case_id, const char *channel)
{
  static const char sql[] = "UPDATE cases SET channel = $2 WHERE id = $1";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(case_id), DB_S(channel)), &changes);
  return one_change(store, rc, changes);
}

int store_case_online(struct store *store, int64_t case_id, json_t **out)
{
  static const char sql[] = "SELECT answers, description FROM cases WHERE id = $1";
  return db_query_one(store, sql, DB_ARGS(DB_I(case_id)), out);
}

int store_draft_insert(struct store *store, json_t *d, int64_t *id)
{
  static const char sql[] =
      "INSERT INTO apply_drafts (office_id, service_id, session_hash, contact_kind, contact, "
      "contact_hash, contact_masked, lang, created_at, updated_at, expires_at) VALUES ($1, $2, $3, "
      "$4, $5, $6, $7, $8, $9, $9, $10) RETURNING id";
  const struct db_param p[] = {
      DB_I(db_int(d, "office_id")),       DB_I(db_int(d, "service_id")),
      DB_S(db_text(d, "session_hash")),   DB_S(db_text(d, "contact_kind")),
      DB_S(db_text(d, "contact")),        DB_S(db_text(d, "contact_hash")),
      DB_S(db_text(d, "contact_masked")), DB_S(db_text(d, "lang")),
      DB_I(db_int(d, "created_at")),      DB_I(db_int(d, "expires_at")),
  };
  return db_query_int(store, sql, p, ARRAY_LEN(p), id);
}

int store_draft_by_session(struct store *store, const char *session_hash, int64_t now, json_t **out)
{
  static const char sql[] =
      "SELECT " DRAFT_COLUMNS " FROM apply_drafts WHERE session_hash = $1 AND expires_at > $2";
  return db_query_one(store, sql, DB_ARGS(DB_S(session_hash), DB_I(now)), out);
}

int store_draft_by_resume(struct store *store, const char *resume_hash, int64_t now, json_t **out)
{
  static const char sql[] =
      "SELECT " DRAFT_COLUMNS " FROM apply_drafts WHERE resume_hash = $1 AND resume_expires_at > "
      "$2 AND expires_at > $2 AND case_id IS NULL";
  return db_query_one(store, sql, DB_ARGS(DB_S(resume_hash), DB_I(now)), out);
}

int store_draft_set_code(struct store *store, int64_t id, const char *code_hash, int64_t expires_at,
                         int64_t now)
{
  static const char sql[] =
      "UPDATE apply_drafts SET code_hash = $2, code_expires_at = $3, code_tries = 0, codes_sent = "
      "codes_sent + 1, code_sent_at = $4, updated_at = $4 WHERE id = $1";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id), DB_S(code_hash), DB_I(expires_at), DB_I(now)),
                   &changes);
  return one_change(store, rc, changes);
}

int store_draft_code_tried(struct store *store, int64_t id)
{
  static const char sql[] = "UPDATE apply_drafts SET code_tries = code_tries + 1 WHERE id = $1";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id)), &changes);
  return one_change(store, rc, changes);
}

int store_draft_verified(struct store *store, int64_t id, const char *session_hash, int64_t now)
{
  static const char sql[] =
      "UPDATE apply_drafts SET verified = 1, code_hash = '', session_hash = $2, resume_hash = "
      "NULL, resume_expires_at = 0, codes_sent = 0, updated_at = $3 WHERE id = $1";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id), DB_S(session_hash), DB_I(now)), &changes);
  return one_change(store, rc, changes);
}

int store_draft_set_session(struct store *store, int64_t id, const char *session_hash, int64_t now)
{
  static const char sql[] = "UPDATE apply_drafts SET session_hash = $2, verified = 0, updated_at "
                            "= $3 WHERE id = $1";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id), DB_S(session_hash), DB_I(now)), &changes);
  return one_change(store, rc, changes);
}

int store_draft_save(struct store *store, int64_t id, const char *applicant_name,
                     const char *answers, int64_t now, int64_t expires_at)
{
  static const char sql[] = "UPDATE apply_drafts SET applicant_name = $2, answers = $3, "
                            "updated_at = $4, expires_at = $5 WHERE id = $1 AND case_id IS NULL";
  int64_t changes = 0;
  int rc =
      db_exec(store, sql,
              DB_ARGS(DB_I(id), DB_S(applicant_name), DB_S(answers), DB_I(now), DB_I(expires_at)),
              &changes);
  return one_change(store, rc, changes);
}

int store_draft_set_resume(struct store *store, int64_t id, const char *resume_hash,
                           int64_t expires_at)
{
  static const char sql[] =
      "UPDATE apply_drafts SET resume_hash = $2, resume_expires_at = $3 WHERE id = $1";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id), DB_S(resume_hash), DB_I(expires_at)), &changes);
  return one_change(store, rc, changes);
}

int store_draft_submitted(struct store *store, int64_t id, int64_t case_id, const char *token,
                          int64_t now)
{
  static const char sql[] =
      "UPDATE apply_drafts SET case_id = $2, case_token = $3, updated_at = $4, resume_hash = "
      "NULL WHERE id = $1 AND case_id IS NULL";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id), DB_I(case_id), DB_S(token), DB_I(now)), &changes);
  if (!rc && changes == 0)
    return store_fail(store, ST_CONFLICT, "draft already submitted");
  return rc;
}

int store_drafts_recent(struct store *store, const char *contact_hash, int64_t since, int64_t *n)
{
  static const char sql[] =
      "SELECT count(*) AS n FROM apply_drafts WHERE contact_hash = $1 AND created_at >= $2";
  return db_query_int(store, sql, DB_ARGS(DB_S(contact_hash), DB_I(since)), n);
}

int store_drafts_purge(struct store *store, int64_t now, int64_t *removed)
{
  static const char uploads[] =
      "DELETE FROM uploads WHERE case_id IS NULL AND draft_id IN (SELECT id FROM apply_drafts "
      "WHERE expires_at <= $1)";
  static const char unlink[] = "UPDATE uploads SET draft_id = NULL WHERE draft_id IN (SELECT id "
                               "FROM apply_drafts WHERE expires_at <= $1)";
  static const char drafts[] = "DELETE FROM apply_drafts WHERE expires_at <= $1";
  static const char blobs[] =
      "DELETE FROM upload_blobs WHERE NOT EXISTS (SELECT 1 FROM uploads u WHERE u.sha256 = "
      "upload_blobs.sha256) AND NOT EXISTS (SELECT 1 FROM case_outcome_documents d WHERE "
      "d.sha256 = upload_blobs.sha256)";
  int rc = db_exec(store, uploads, DB_ARGS(DB_I(now)), NULL);
  if (!rc)
    rc = db_exec(store, unlink, DB_ARGS(DB_I(now)), NULL);
  if (!rc)
    rc = db_exec(store, drafts, DB_ARGS(DB_I(now)), removed);
  if (!rc)
    rc = db_exec(store, blobs, NULL, 0, NULL);
  return rc;
}

/* ---- uploads --------------------------------------------------------------------------- */

int store_upload_add(struct store *store, const struct store_upload *u, int64_t *id)
{
  static const char blob[] =
      "INSERT INTO upload_blobs (sha256, size, bytes, created_at) VALUES ($1, $2, $3, $4) ON "
      "CONFLICT (sha256) DO NOTHING";
  static const char link[] =
      "INSERT INTO uploads (office_id, draft_id, sha256, name, mime, size, created_at) VALUES ($1, "
      "$2, $3, $4, $5, $6, $7) RETURNING id";
  struct db_param bytes = {DB_BLOB, (int64_t)u->len, u->bytes};
  int rc = db_exec(store, blob,
                   DB_ARGS(DB_S(u->sha256), DB_I((int64_t)u->len), bytes, DB_I(u->now)), NULL);
  if (!rc)
    rc = db_query_int(store, link,
                      DB_ARGS(DB_I(u->office_id), DB_I(u->draft_id), DB_S(u->sha256), DB_S(u->name),
                              DB_S(u->mime), DB_I((int64_t)u->len), DB_I(u->now)),
                      id);
  return rc;
}

int store_uploads_of(struct store *store, int64_t draft_id, int64_t case_id, json_t **out)
{
  static const char sql[] =
      "SELECT id, sha256, name, mime, size, created_at FROM uploads WHERE (draft_id = $1 AND $1 > "
      "0) OR (case_id = $2 AND $2 > 0) ORDER BY id";
  return db_query(store, sql, DB_ARGS(DB_I(draft_id), DB_I(case_id)), out);
}

int store_upload_remove(struct store *store, int64_t draft_id, int64_t id)
{
  static const char sql[] = "DELETE FROM uploads WHERE id = $1 AND draft_id = $2 AND case_id IS "
                            "NULL";
  static const char blobs[] =
      "DELETE FROM upload_blobs WHERE NOT EXISTS (SELECT 1 FROM uploads u WHERE u.sha256 = "
      "upload_blobs.sha256) AND NOT EXISTS (SELECT 1 FROM case_outcome_documents d WHERE "
      "d.sha256 = upload_blobs.sha256)";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id), DB_I(draft_id)), &changes);
  rc = one_change(store, rc, changes);
  return rc ? rc : db_exec(store, blobs, NULL, 0, NULL);
}

int store_uploads_attach(struct store *store, int64_t draft_id, int64_t case_id)
{
  static const char sql[] = "UPDATE uploads SET case_id = $2 WHERE draft_id = $1";
  bool own = false;
  int rc = store_mirror_begin(store, &own);
  if (!rc)
    rc = db_exec(store, sql, DB_ARGS(DB_I(draft_id), DB_I(case_id)), NULL);
  if (!rc)
    rc = store_case_mirror_refresh(store, case_id, CASE_MIRROR_UPLOAD_COUNT);
  return store_mirror_end(store, own, rc);
}

int store_upload_get(struct store *store, int64_t id, json_t **meta, void **bytes, size_t *len)
{
  static const char sql_sqlite[] =
      "SELECT u.id, u.office_id, u.draft_id, u.case_id, u.sha256, u.name, u.mime, u.size, "
      "lower(hex(b.bytes)) AS hex FROM uploads u JOIN upload_blobs b ON b.sha256 = u.sha256 WHERE "
      "u.id = $1";
  static const char sql_pg[] =
      "SELECT u.id, u.office_id, u.draft_id, u.case_id, u.sha256, u.name, u.mime, u.size, "
      "encode(b.bytes, 'hex') AS hex FROM uploads u JOIN upload_blobs b ON b.sha256 = u.sha256 "
      "WHERE u.id = $1";
  bool sqlite = strcmp(store->ops->name, "sqlite") == 0;
  json_t *row;
  int rc = db_query_one(store, sqlite ? sql_sqlite : sql_pg, DB_ARGS(DB_I(id)), &row);
  if (rc)
    return rc;
  unsigned char *b = NULL;
  rc = str_unhex(db_text(row, "hex"), &b, len) ? ST_DB : ST_OK;
  *bytes = b;
  json_object_del(row, "hex");
  if (rc) {
    json_decref(row);
    return rc;
  }
  *meta = row;
  return ST_OK;
}

int store_upload_counts(struct store *store, int64_t *uploads, int64_t *blobs)
{
  int rc = db_query_int(store, "SELECT count(*) AS n FROM uploads", NULL, 0, uploads);
  return rc ? rc : db_query_int(store, "SELECT count(*) AS n FROM upload_blobs", NULL, 0, blobs);
}
