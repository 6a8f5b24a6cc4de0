/*
 * petition.c - petitions and the director's mailbox in portable SQL over the db.h seam
 * (store/petition.h, migration 27). Statements are static text, prepared once per connection.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"

#include "store/db.h"
#include "store/petition.h"
#include "store/store_impl.h"

#include "base/common.h"

#define PETITION_COLUMNS                                                                           \
  "id, office_id, petition_key, check_code, kind, channel, status, category_id, unit_id, "         \
  "subject, body, name_sealed, contact_kind, contact_sealed, contact_masked, contact_hash, lang, " \
  "confidential, token_hash, code_hash, code_expires_at, code_tries, codes_sent, received_at, "    \
  "due_at, reminded_at, answered_at, flag, flag_by, flag_confirmed_by, transferred_to, answer, "   \
  "answer_state, answer_by, approved_by, duplicate_of, rating, rated_at"

/* A nullable reference: 0 is NULL. */
static struct db_param ref(json_t *row, const char *key)
{
  int64_t v = db_int(row, key);
  return v > 0 ? DB_I(v) : DB_NIL;
}

int store_petition_categories(struct store *store, int64_t office_id, json_t **out)
{
  static const char sql[] =
      "SELECT id, office_id, code, name_zh, name_en, coalesce(unit_id, 0) AS unit_id, "
      "answer_days, canned_zh, canned_en, sort FROM petition_categories WHERE office_id = $1 "
      "ORDER BY sort, id";
  return db_query(store, sql, DB_ARGS(DB_I(office_id)), out);
}

int store_petition_category_put(struct store *store, int64_t office_id, json_t *c)
{
  static const char sql[] =
      "INSERT INTO petition_categories (office_id, code, name_zh, name_en, unit_id, answer_days, "
      "canned_zh, canned_en, sort) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT "
      "(office_id, code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, "
      "unit_id = excluded.unit_id, answer_days = excluded.answer_days, canned_zh = "
      "excluded.canned_zh, canned_en = excluded.canned_en, sort = excluded.sort";
  return db_exec(store, sql,
                 DB_ARGS(DB_I(office_id), DB_S(db_text(c, "code")), DB_S(db_text(c, "name_zh")),
                         DB_S(db_text(c, "name_en")), ref(c, "unit_id"),
                         DB_I(db_int(c, "answer_days")), DB_S(db_text(c, "canned_zh")),
                         DB_S(db_text(c, "canned_en")), DB_I(db_int(c, "sort"))),
                 NULL);
}

int store_petition_next_serial(struct store *store, int64_t office_id, int roc_year,
                               int64_t *serial)
{
  static const char sql[] =
      "INSERT INTO petition_sequences (office_id, roc_year, last) VALUES ($1, $2, 1) ON CONFLICT "
      "(office_id, roc_year) DO UPDATE SET last = petition_sequences.last + 1 RETURNING last";
  return db_query_int(store, sql, DB_ARGS(DB_I(office_id), DB_I(roc_year)), serial);
}

int store_petition_insert(struct store *store, json_t *p, int64_t *id)
{
  static const char sql[] =
      "INSERT INTO petitions (office_id, kind, channel, status, category_id, unit_id, subject, "
      "body, name_sealed, contact_kind, contact_sealed, contact_masked, contact_hash, lang, "
      "confidential, token_hash, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
      "$11, $12, $13, $14, $15, $16, $17) RETURNING id";
  const struct db_param params[] = {
      DB_I(db_int(p, "office_id")),
      DB_S(db_text(p, "kind")),
      DB_S(db_text(p, "channel")),
      DB_S(db_text(p, "status")),
      ref(p, "category_id"),
      ref(p, "unit_id"),
      DB_S(db_text(p, "subject")),
      DB_S(db_text(p, "body")),
      DB_S(db_text(p, "name_sealed")),
      DB_S(db_text(p, "contact_kind")),
      DB_S(db_text(p, "contact_sealed")),
      DB_S(db_text(p, "contact_masked")),
      DB_S(db_text(p, "contact_hash")),
      DB_S(db_text(p, "lang")),
      DB_I(db_int(p, "confidential")),
      DB_S(db_text(p, "token_hash")),
      DB_I(db_int(p, "received_at")),
  };
  return db_query_int(store, sql, params, ARRAY_LEN(params), id);
}

/* The number, NULL until the petition is taken in (unverified ones share no "" number). */
static struct db_param key_or_null(json_t *row)
{
  const char *key = db_text(row, "petition_key");
  return key && *key ? DB_S(key) : DB_NIL;
}

static struct db_param opt_int(json_t *row, const char *key)
{
  json_t *v = json_object_get(row, key);
  return json_is_integer(v) ? DB_I(json_integer_value(v)) : DB_NIL;
}

int store_petition_update(struct store *store, json_t *p)
{
  static const char sql[] =
      "UPDATE petitions SET status = $3, petition_key = $4, check_code = $5, category_id = $6, "
      "unit_id = $7, code_hash = $8, code_expires_at = $9, code_tries = $10, due_at = $11, "
      "reminded_at = $12, answered_at = $13, flag = $14, flag_by = $15, flag_confirmed_by = $16, "
      "transferred_to = $17, answer = $18, answer_state = $19, answer_by = $20, approved_by = "
      "$21, duplicate_of = $22, confidential = $23, token_hash = $24, codes_sent = $25 WHERE id = "
      "$1 AND office_id = "
      "$2";
  const struct db_param params[] = {
      DB_I(db_int(p, "id")),
      DB_I(db_int(p, "office_id")),
      DB_S(db_text(p, "status")),
      key_or_null(p),
      DB_S(db_text(p, "check_code")),
      ref(p, "category_id"),
      ref(p, "unit_id"),
      DB_S(db_text(p, "code_hash")),
      DB_I(db_int(p, "code_expires_at")),
      DB_I(db_int(p, "code_tries")),
      DB_I(db_int(p, "due_at")),
      opt_int(p, "reminded_at"),
      opt_int(p, "answered_at"),
      DB_S(db_text(p, "flag")),
      DB_S(db_text(p, "flag_by")),
      DB_S(db_text(p, "flag_confirmed_by")),
      DB_S(db_text(p, "transferred_to")),
      DB_S(db_text(p, "answer")),
      DB_S(db_text(p, "answer_state")),
      DB_S(db_text(p, "answer_by")),
      DB_S(db_text(p, "approved_by")),
      ref(p, "duplicate_of"),
      DB_I(db_int(p, "confidential")),
      DB_S(db_text(p, "token_hash")),
      DB_I(db_int(p, "codes_sent")),
  };
  int64_t changes = 0;
  int rc = db_exec(store, sql, params, ARRAY_LEN(params), &changes);
  if (!rc && changes != 1)
    rc = store_fail(store, ST_NOTFOUND, "no such petition");
  return rc;
}

int store_petition_get(struct store *store, int64_t office_id, int64_t id, json_t **out)
{
  static const char sql[] =
      "SELECT " PETITION_COLUMNS " FROM petitions WHERE id = $1 AND office_id = $2";
  return db_query_one(store, sql, DB_ARGS(DB_I(id), DB_I(office_id)), out);
}

int store_petition_by_token(struct store *store, const char *token_hash, json_t **out)
{
  static const char sql[] = "SELECT " PETITION_COLUMNS " FROM petitions WHERE token_hash = $1";
  return db_query_one(store, sql, DB_ARGS(DB_S(token_hash)), out);
}

int store_petition_by_key(struct store *store, int64_t office_id, const char *key, json_t **out)
{
  static const char sql[] =
      "SELECT " PETITION_COLUMNS " FROM petitions WHERE office_id = $1 AND petition_key = $2";
  return db_query_one(store, sql, DB_ARGS(DB_I(office_id), DB_S(key)), out);
}

int store_petition_list(struct store *store, int64_t office_id, int64_t unit_id, const char *list,
                        int64_t now, int64_t limit, json_t **out)
{
  static const char sql[] =
      "SELECT " PETITION_COLUMNS " FROM petitions WHERE office_id = $1 AND status <> 'unverified' "
      "AND ($5 = 0 OR unit_id = $5) "
      "AND (($2 = 'open' AND status = 'open') OR ($2 = 'overdue' AND status = 'open' AND "
      "flag_confirmed_by = '' AND due_at < $3) OR ($2 = 'flags' AND flag <> '' AND "
      "flag_confirmed_by = "
      "'' AND status = 'open') OR ($2 = 'approval' AND answer_state = 'pending') OR $2 = 'all') "
      "ORDER BY CASE WHEN $2 = 'all' THEN -id ELSE due_at END, id LIMIT $4";
  return db_query(store, sql,
                  DB_ARGS(DB_I(office_id), DB_S(list), DB_I(now), DB_I(limit), DB_I(unit_id)), out);
}

int store_petition_same_contact(struct store *store, int64_t office_id, const char *contact_hash,
                                int64_t before_id, json_t **out)
{
  static const char sql[] =
      "SELECT id, petition_key, subject, status, answered_at, coalesce(unit_id, 0) AS unit_id "
      "FROM petitions WHERE office_id = $1 "
      "AND contact_hash = $2 AND contact_hash <> '' AND id < $3 AND status <> 'unverified' ORDER "
      "BY id DESC LIMIT 50";
  return db_query(store, sql, DB_ARGS(DB_I(office_id), DB_S(contact_hash), DB_I(before_id)), out);
}

int store_petition_started_since(struct store *store, int64_t office_id, const char *contact_hash,
                                 int64_t since, int64_t *count)
{
  static const char sql[] =
      "SELECT count(*) AS n FROM petitions WHERE office_id = $1 AND contact_hash = $2 AND channel "
      "= 'online' AND received_at >= $3";
  return db_query_int(store, sql, DB_ARGS(DB_I(office_id), DB_S(contact_hash), DB_I(since)), count);
}

int store_petition_purge_unverified(struct store *store, int64_t before, int64_t *deleted)
{
  static const char sql[] =
      "DELETE FROM petitions WHERE status = 'unverified' AND received_at < $1";
  return db_exec(store, sql, DB_ARGS(DB_I(before)), deleted);
}

int store_petition_rate(struct store *store, int64_t id, int64_t rating, int64_t now)
{
  static const char sql[] =
      "UPDATE petitions SET rating = $2, rated_at = $3 WHERE id = $1 AND rating IS NULL AND "
      "status = 'answered'";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id), DB_I(rating), DB_I(now)), &changes);
  if (!rc && changes != 1)
    rc = store_fail(store, ST_CONFLICT, "petition rated already");
  return rc;
}

int store_petition_event_add(struct store *store, int64_t petition_id, int64_t office_id,
                             int64_t at, const char *kind, const char *actor, const char *note)
{
  static const char sql[] =
      "INSERT INTO petition_events (petition_id, office_id, at, kind, actor, note) VALUES ($1, $2, "
      "$3, $4, $5, $6)";
  return db_exec(store, sql,
                 DB_ARGS(DB_I(petition_id), DB_I(office_id), DB_I(at), DB_S(kind),
                         DB_S(actor ? actor : ""), DB_S(note ? note : "")),
                 NULL);
}

int store_petition_events(struct store *store, int64_t petition_id, json_t **out)
{
  static const char sql[] = "SELECT id, at, kind, actor, note FROM petition_events WHERE "
                            "petition_id = $1 ORDER BY id";
  return db_query(store, sql, DB_ARGS(DB_I(petition_id)), out);
}

int store_petition_stats_rows(struct store *store, int64_t office_id, json_t **out)
{
  static const char sql[] =
      "SELECT coalesce(category_id, 0) AS category_id, received_at, coalesce(answered_at, 0) AS "
      "answered_at, due_at, status, flag_confirmed_by FROM petitions WHERE office_id = $1 AND "
      "status <> 'unverified' ORDER BY id";
  return db_query(store, sql, DB_ARGS(DB_I(office_id)), out);
}

int store_petition_reminders_due(struct store *store, int64_t horizon, json_t **out)
{
  static const char sql[] =
      "SELECT " PETITION_COLUMNS " FROM petitions WHERE status = 'open' AND due_at > 0 AND due_at "
      "<= $1 AND reminded_at IS NULL AND flag_confirmed_by = '' ORDER BY id LIMIT 500";
  return db_query(store, sql, DB_ARGS(DB_I(horizon)), out);
}

int store_petition_file_add(struct store *store, int64_t petition_id, int64_t office_id,
                            const char *name, const char *mime, const void *bytes, size_t len,
                            int64_t now, int64_t *id)
{
  static const char sql[] =
      "INSERT INTO petition_files (petition_id, office_id, name, mime, size, bytes, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
  struct db_param blob = {DB_BLOB, (int64_t)len, bytes};
  return db_query_int(store, sql,
                      DB_ARGS(DB_I(petition_id), DB_I(office_id), DB_S(name), DB_S(mime),
                              DB_I((int64_t)len), blob, DB_I(now)),
                      id);
}

int store_petition_files(struct store *store, int64_t petition_id, json_t **out)
{
  static const char sql[] = "SELECT id, name, mime, size, created_at FROM petition_files WHERE "
                            "petition_id = $1 ORDER BY id";
  return db_query(store, sql, DB_ARGS(DB_I(petition_id)), out);
}

int store_petition_file_get(struct store *store, int64_t office_id, int64_t petition_id, int64_t id,
                            json_t **meta, void **bytes, size_t *len)
{
  /* the bytes as hex text, which both backends return through the same row reader */
  static const char sql_sqlite[] =
      "SELECT id, petition_id, name, mime, size, lower(hex(bytes)) AS hex FROM petition_files "
      "WHERE id = $1 AND petition_id = $2 AND office_id = $3";
  static const char sql_pg[] =
      "SELECT id, petition_id, name, mime, size, encode(bytes, 'hex') AS hex FROM petition_files "
      "WHERE id = $1 AND petition_id = $2 AND office_id = $3";
  bool sqlite = strcmp(store->ops->name, "sqlite") == 0;
  json_t *row = NULL;
  unsigned char *b = NULL;
  int rc = db_query_one(store, sqlite ? sql_sqlite : sql_pg,
                        DB_ARGS(DB_I(id), DB_I(petition_id), DB_I(office_id)), &row);
  if (!rc)
    rc = str_unhex(db_text(row, "hex"), &b, len) ? ST_DB : ST_OK;
  if (rc) {
    json_decref(row);
    return rc;
  }
  json_object_del(row, "hex");
  *meta = row;
  *bytes = b;
  return ST_OK;
}
