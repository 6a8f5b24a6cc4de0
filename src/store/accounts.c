/*
 * accounts.c - staff accounts, sessions, sign-in throttling and the audit trail, written once
 * in portable SQL over the db.h seam (so every backend runs the same statements).
 */
#include <stdbool.h>
#include <string.h>

#include "store/db.h"
#include "store/store_impl.h"

#include "base/common.h"

#define USER_COLUMNS                                                                               \
  "id, office_id, unit_id, username, display_name, email, roles, password_hash, totp_secret, "     \
  "totp_enabled, totp_last_step, disabled, created_at, updated_at, password_expired, "             \
  "password_set_at"

static struct db_param unit_param(int64_t unit_id)
{
  return unit_id > 0 ? DB_I(unit_id) : DB_NIL;
}

static bool user_ok(const struct store_user *u)
{
  return u->username && u->display_name && u->email && *u->username && *u->display_name;
}

int store_user_create(struct store *store, const struct store_user *user, const char *now,
                      int64_t *id)
{
  static const char sql[] =
      "INSERT INTO users (office_id, unit_id, username, display_name, email, roles, "
      "password_hash, created_at, updated_at, password_expired, password_set_at) VALUES ($1, $2, "
      "$3, $4, $5, $6, $7, $8, $8, $9, $10) RETURNING id";
  if (!user_ok(user) || !user->password_hash)
    return store_fail(store, ST_INVALID, "user needs a username, a name and a password");
  return db_query_int(store, sql,
                      DB_ARGS(DB_I(user->office_id), unit_param(user->unit_id),
                              DB_S(user->username), DB_S(user->display_name), DB_S(user->email),
                              DB_I(user->roles), DB_S(user->password_hash), DB_S(now),
                              DB_I(user->password_expired), DB_I(user->password_set_at)),
                      id);
}

static int expect_one(struct store *store, int64_t changes)
{
  return changes == 1 ? ST_OK : store_fail(store, ST_NOTFOUND, "no such record");
}

int store_user_update(struct store *store, int64_t office_id, int64_t id,
                      const struct store_user *user, const char *now)
{
  static const char sql[] = "UPDATE users SET unit_id = $3, display_name = $4, email = $5, "
                            "roles = $6, updated_at = $7 WHERE id = $1 AND office_id = $2";
  int64_t changes = 0;
  if (!user->display_name || !*user->display_name || !user->email)
    return store_fail(store, ST_INVALID, "user needs a name");
  int rc =
      db_exec(store, sql,
              DB_ARGS(DB_I(id), DB_I(office_id), unit_param(user->unit_id),
                      DB_S(user->display_name), DB_S(user->email), DB_I(user->roles), DB_S(now)),
              &changes);
  return rc ? rc : expect_one(store, changes);
}

int store_user_get(struct store *store, int64_t office_id, int64_t id, json_t **out)
{
  static const char sql[] =
      "SELECT " USER_COLUMNS " FROM users WHERE id = $1 AND ($2 = 0 OR office_id = $2)";
  return db_query_one(store, sql, DB_ARGS(DB_I(id), DB_I(office_id)), out);
}

int store_user_by_username(struct store *store, const char *username, json_t **out)
{
  static const char sql[] = "SELECT " USER_COLUMNS " FROM users WHERE username = $1";
  return db_query_one(store, sql, DB_ARGS(DB_S(username)), out);
}

int store_user_list(struct store *store, int64_t office_id, json_t **out)
{
  static const char sql[] =
      "SELECT " USER_COLUMNS " FROM users WHERE $1 = 0 OR office_id = $1 ORDER BY office_id, "
      "username";
  return db_query(store, sql, DB_ARGS(DB_I(office_id)), out);
}

int store_user_set_password(struct store *store, int64_t id, const char *hash, const char *now,
                            bool expired, int64_t set_at)
{
  static const char sql[] = "UPDATE users SET password_hash = $2, updated_at = $3, "
                            "password_expired = $4, password_set_at = $5 WHERE id = $1";
  int64_t changes = 0;
  int rc = db_exec(store, sql,
                   DB_ARGS(DB_I(id), DB_S(hash), DB_S(now), DB_I(expired), DB_I(set_at)), &changes);
  return rc ? rc : expect_one(store, changes);
}

int store_user_set_hash(struct store *store, int64_t id, const char *old_hash, const char *hash)
{
  static const char sql[] =
      "UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2";
  return db_exec(store, sql, DB_ARGS(DB_I(id), DB_S(old_hash), DB_S(hash)), NULL);
}

int store_user_set_disabled(struct store *store, int64_t id, int disabled, const char *now)
{
  static const char sql[] = "UPDATE users SET disabled = $2, updated_at = $3 WHERE id = $1";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id), DB_I(disabled != 0), DB_S(now)), &changes);
  return rc ? rc : expect_one(store, changes);
}

int store_user_set_totp(struct store *store, int64_t id, const char *secret, int enabled,
                        const char *now)
{
  static const char sql[] = "UPDATE users SET totp_secret = $2, totp_enabled = $3, "
                            "totp_last_step = 0, updated_at = $4 WHERE id = $1";
  int64_t changes = 0;
  int rc =
      db_exec(store, sql, DB_ARGS(DB_I(id), DB_S(secret), DB_I(enabled != 0), DB_S(now)), &changes);
  return rc ? rc : expect_one(store, changes);
}

int store_user_use_totp_step(struct store *store, int64_t id, int64_t step)
{
  static const char sql[] =
      "UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id), DB_I(step)), &changes);
  if (rc)
    return rc;
  return changes == 1 ? ST_OK : store_fail(store, ST_CONFLICT, "code already used");
}

int store_session_create(struct store *store, const char *id_hash, int64_t user_id,
                         const char *csrf_token, int mfa_pending, int64_t now, const char *ip)
{
  static const char sql[] =
      "INSERT INTO sessions (id_hash, user_id, csrf_token, mfa_pending, created_at, "
      "last_seen_at, ip, stepup_at) VALUES ($1, $2, $3, $4, $5, $5, $6, $7)";
  return db_exec(store, sql,
                 DB_ARGS(DB_S(id_hash), DB_I(user_id), DB_S(csrf_token), DB_I(mfa_pending != 0),
                         DB_I(now), DB_S(ip), DB_I(mfa_pending ? 0 : now)),
                 NULL);
}

int store_session_get(struct store *store, const char *id_hash, json_t **out)
{
  static const char sql[] =
      "SELECT s.id_hash, s.user_id, s.csrf_token, s.mfa_pending, s.created_at, s.last_seen_at, "
      "s.ip, s.stepup_at, u.username, u.display_name, u.office_id, u.unit_id, u.roles, u.disabled, "
      "u.totp_enabled, u.password_expired FROM sessions s JOIN users u ON u.id = s.user_id WHERE "
      "s.id_hash = $1";
  return db_query_one(store, sql, DB_ARGS(DB_S(id_hash)), out);
}

int store_session_touch(struct store *store, const char *id_hash, int64_t now)
{
  static const char sql[] = "UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1";
  return db_exec(store, sql, DB_ARGS(DB_S(id_hash), DB_I(now)), NULL);
}

int store_session_rotate(struct store *store, const char *old_hash, const char *new_hash,
                         const char *csrf_token)
{
  static const char sql[] =
      "UPDATE sessions SET id_hash = $2, csrf_token = $3, mfa_pending = 0 WHERE id_hash = $1";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_S(old_hash), DB_S(new_hash), DB_S(csrf_token)), &changes);
  return rc ? rc : expect_one(store, changes);
}

int store_session_stepup(struct store *store, const char *id_hash, int64_t now)
{
  static const char sql[] = "UPDATE sessions SET stepup_at = $2 WHERE id_hash = $1";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_S(id_hash), DB_I(now)), &changes);
  return rc ? rc : expect_one(store, changes);
}

int store_session_clear_mfa(struct store *store, const char *id_hash)
{
  static const char sql[] = "UPDATE sessions SET mfa_pending = 0 WHERE id_hash = $1";
  return db_exec(store, sql, DB_ARGS(DB_S(id_hash)), NULL);
}

int store_session_delete(struct store *store, const char *id_hash)
{
  static const char sql[] = "DELETE FROM sessions WHERE id_hash = $1";
  return db_exec(store, sql, DB_ARGS(DB_S(id_hash)), NULL);
}

int store_session_delete_user(struct store *store, int64_t user_id)
{
  static const char sql[] = "DELETE FROM sessions WHERE user_id = $1";
  return db_exec(store, sql, DB_ARGS(DB_I(user_id)), NULL);
}

int store_session_list_user(struct store *store, int64_t user_id, json_t **out)
{
  static const char sql[] =
      "SELECT id_hash, created_at, last_seen_at, ip FROM sessions WHERE user_id = $1 AND "
      "mfa_pending = 0 ORDER BY last_seen_at DESC, created_at DESC";
  return db_query(store, sql, DB_ARGS(DB_I(user_id)), out);
}

int store_session_delete_prefix(struct store *store, int64_t user_id, const char *prefix)
{
  static const char sql[] =
      "DELETE FROM sessions WHERE user_id = $1 AND substr(id_hash, 1, 16) = $2";
  int64_t changes = 0;
  if (!prefix || strlen(prefix) != 16)
    return store_fail(store, ST_NOTFOUND, "no such session");
  int rc = db_exec(store, sql, DB_ARGS(DB_I(user_id), DB_S(prefix)), &changes);
  return rc ? rc : expect_one(store, changes);
}

int store_session_delete_others(struct store *store, int64_t user_id, const char *keep_hash,
                                int64_t *ended)
{
  static const char sql[] = "DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2";
  return db_exec(store, sql, DB_ARGS(DB_I(user_id), DB_S(keep_hash)), ended);
}

int store_session_expire(struct store *store, int64_t idle_before, int64_t created_before)
{
  static const char sql[] = "DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2";
  return db_exec(store, sql, DB_ARGS(DB_I(idle_before), DB_I(created_before)), NULL);
}

int store_throttle_get(struct store *store, const char *key, json_t **out)
{
  static const char sql[] =
      "SELECT failures, window_start, locked_until FROM login_throttle WHERE key = $1";
  return db_query_one(store, sql, DB_ARGS(DB_S(key)), out);
}

int store_throttle_put(struct store *store, const char *key, int64_t failures, int64_t window_start,
                       int64_t locked_until)
{
  static const char sql[] =
      "INSERT INTO login_throttle (key, failures, window_start, locked_until) VALUES ($1, $2, "
      "$3, $4) ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, window_start = "
      "excluded.window_start, locked_until = excluded.locked_until";
  return db_exec(store, sql,
                 DB_ARGS(DB_S(key), DB_I(failures), DB_I(window_start), DB_I(locked_until)), NULL);
}

int store_throttle_clear(struct store *store, const char *key)
{
  static const char sql[] = "DELETE FROM login_throttle WHERE key = $1";
  return db_exec(store, sql, DB_ARGS(DB_S(key)), NULL);
}

#define AUDIT_COLUMNS                                                                              \
  "id, at, office_id, actor_id, actor, ip, action, object_kind, object_id, detail, prev_hash, "    \
  "hash"

static const char *text_field(json_t *row, const char *key)
{
  const char *s = json_string_value(json_object_get(row, key));
  return s ? s : "";
}

int store_audit_insert(struct store *store, json_t *row)
{
  static const char sql[] = "INSERT INTO audit_log (" AUDIT_COLUMNS
                            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
  const char *hash = text_field(row, "hash");
  if (strlen(hash) != 64 || !*text_field(row, "action"))
    return store_fail(store, ST_INVALID, "an audit row needs an action and a hash");
  return db_exec(store, sql,
                 DB_ARGS(DB_I(json_integer_value(json_object_get(row, "id"))),
                         DB_S(text_field(row, "at")),
                         DB_I(json_integer_value(json_object_get(row, "office_id"))),
                         DB_I(json_integer_value(json_object_get(row, "actor_id"))),
                         DB_S(text_field(row, "actor")), DB_S(text_field(row, "ip")),
                         DB_S(text_field(row, "action")), DB_S(text_field(row, "object_kind")),
                         DB_S(text_field(row, "object_id")), DB_S(text_field(row, "detail")),
                         DB_S(text_field(row, "prev_hash")), DB_S(hash)),
                 NULL);
}

int store_audit_last(struct store *store, json_t **out)
{
  static const char sql[] = "SELECT " AUDIT_COLUMNS " FROM audit_log ORDER BY id DESC LIMIT 1";
  return db_query_one(store, sql, NULL, 0, out);
}

int store_audit_range(struct store *store, int64_t after_id, int64_t limit, json_t **out)
{
  static const char sql[] =
      "SELECT " AUDIT_COLUMNS " FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2";
  return db_query(store, sql, DB_ARGS(DB_I(after_id), DB_I(limit)), out);
}

int store_audit_search(struct store *store, int64_t office_id, const char *action,
                       const char *actor, int64_t before_id, int64_t limit, json_t **out)
{
  static const char sql[] =
      "SELECT " AUDIT_COLUMNS " FROM audit_log WHERE ($1 = 0 OR office_id = $1) AND ($2 = '' OR "
      "substr(action, 1, length($2)) = $2) AND ($3 = '' OR actor = $3) AND ($4 = 0 OR id < $4) "
      "ORDER BY id DESC LIMIT $5";
  return db_query(store, sql,
                  DB_ARGS(DB_I(office_id), DB_S(action), DB_S(actor), DB_I(before_id), DB_I(limit)),
                  out);
}
