/*
 * apikeys.c - issuing, revoking and checking API keys (apikeys.h).
 */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/text.h"
#include "domain/accounts.h"
#include "domain/apikeys.h"
#include "domain/read_model.h"
#include "store/store.h"

#include "base/common.h"

static bool name_ok(const char *name)
{
  size_t n = name ? text_length(name) : 0;
  return n >= 1 && n <= APIKEY_NAME_MAX && str_valid_text(str_from(name), false) &&
         str_trim(str_from(name)).len > 0;
}

int apikey_issue(struct store *store, const struct audit_actor *actor, int64_t office_id,
                 const char *name, int64_t now, char secret[APIKEY_SECRET_SIZE], int64_t *id,
                 const char **reason)
{
  char token[ACCOUNTS_TOKEN_SIZE], hash[65], prefix[APIKEY_PREFIX_LEN + 1];
  *reason = NULL;
  if (!name_ok(name)) {
    *reason = "apikey_err_name";
    return ST_INVALID;
  }
  accounts_random_token(token);
  snprintf(secret, APIKEY_SECRET_SIZE, "bm_%s", token);
  snprintf(prefix, sizeof(prefix), "%s", secret);
  accounts_token_hash(secret, hash);
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = store_api_key_insert(store, office_id, name, prefix, hash, actor->name ? actor->name : "",
                            now, id);
  char idtext[24];
  snprintf(idtext, sizeof(idtext), "%lld", (long long)*id);
  json_t *detail = json_pack("{s:s, s:s}", "name", name, "prefix", prefix);
  if (!rc)
    rc = audit_record(store, actor, "apikey.issue", "api_key", idtext, detail);
  json_decref(detail);
  if (rc) {
    store_rollback(store);
    return rc;
  }
  return store_commit(store);
}

int apikey_revoke(struct store *store, const struct audit_actor *actor, int64_t office_id,
                  int64_t id, int64_t now)
{
  char idtext[24];
  snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = store_api_key_revoke(store, office_id, id, now);
  if (!rc)
    rc = audit_record(store, actor, "apikey.revoke", "api_key", idtext, NULL);
  if (rc) {
    store_rollback(store);
    return rc;
  }
  return store_commit(store);
}

static bool secret_shape_ok(const char *s)
{
  if (!s || strlen(s) != APIKEY_SECRET_SIZE - 1 || strncmp(s, "bm_", 3) != 0)
    return false;
  for (const char *p = s + 3; *p; p++)
    if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p))
      return false;
  return true;
}

int apikey_check(struct store *store, const char *secret, int64_t office_id, int64_t now,
                 int64_t *key_id)
{
  char hash[65];
  json_t *key = NULL;
  *key_id = 0;
  if (!secret_shape_ok(secret))
    return ST_FORBIDDEN;
  accounts_token_hash(secret, hash);
  int rc = store_api_key_by_hash(store, hash, &key);
  if (rc == ST_NOTFOUND || (!rc && read_model_int(key, "office_id") != office_id))
    rc = ST_FORBIDDEN;
  if (!rc)
    *key_id = read_model_int(key, "id");
  json_decref(key);
  /* Recording the use is best effort: a failure must not refuse a good key. */
  if (!rc)
    store_api_key_used(store, *key_id, now);
  return rc;
}

int apikey_list_read(struct store *store, struct arena *arena, int64_t office_id,
                     struct apikey_list *out)
{
  json_t *rows = NULL;
  out->count = 0;
  int rc = store_api_key_list(store, office_id, &rows);
  size_t n = json_array_size(rows);
  if (!rc && !(out->rows = read_model_array(arena, n, sizeof(*out->rows))))
    rc = ST_NOMEM;
  for (size_t i = 0; !rc && i < n; i++) {
    json_t *k = json_array_get(rows, i);
    struct apikey_row *r = &out->rows[i];
    r->id = read_model_int(k, "id");
    r->name = read_model_text(arena, k, "name");
    r->prefix = read_model_text(arena, k, "prefix");
    r->created_by = read_model_text(arena, k, "created_by");
    r->created_at = read_model_int(k, "created_at");
    r->last_used_at = read_model_int(k, "last_used_at");
    r->revoked_at = read_model_int(k, "revoked_at");
    if (!r->name || !r->prefix || !r->created_by)
      rc = ST_NOMEM;
  }
  if (!rc)
    out->count = n;
  json_decref(rows);
  return rc;
}
