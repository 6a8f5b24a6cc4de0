/*
 * accounts_read.c - the users pages' typed read models (accounts.h "account_row"): accounts
 * with the names of their units, copied from the store's rows into the caller's arena; and a
 * person's own sessions for the account page (accounts.h "account_session").
 */
#include "domain/accounts.h"
#include "domain/lookup.h"
#include "domain/read_model.h"
#include "store/store.h"

#include <string.h>

#include "base/common.h"

/* The unit of unit_id among units (an array of unit objects), or NULL. */
static json_t *unit_of(json_t *units, int64_t unit_id)
{
  size_t i;
  json_t *unit;
  json_array_foreach(units, i,
                     unit) if (unit_id && read_model_int(unit, "id") == unit_id) return unit;
  return NULL;
}

static int fill_row(struct arena *arena, json_t *user, json_t *units, struct account_row *r)
{
  r->id = read_model_int(user, "id");
  r->unit_id = read_model_int(user, "unit_id");
  r->roles = (unsigned)read_model_int(user, "roles");
  r->disabled = read_model_int(user, "disabled") != 0;
  r->totp_enabled = read_model_int(user, "totp_enabled") != 0;
  r->username = read_model_text(arena, user, "username");
  r->display_name = read_model_text(arena, user, "display_name");
  r->email = read_model_text(arena, user, "email");
  json_t *unit = unit_of(units, r->unit_id);
  r->unit_name_zh = read_model_text(arena, unit, "name_zh");
  r->unit_name_en = read_model_text(arena, unit, "name_en");
  return r->username && r->display_name && r->email && r->unit_name_zh && r->unit_name_en
             ? ST_OK
             : ST_NOMEM;
}

int accounts_list_read(struct store *store, struct arena *arena, int64_t office_id,
                       struct account_list *out)
{
  json_t *users = NULL, *units = NULL;
  out->count = 0;
  out->rows = NULL;
  int rc = store_user_list(store, office_id, &users);
  if (!rc)
    rc = lookup_units(store, office_id, &units);
  size_t n = json_array_size(users);
  if (!rc && !(out->rows = read_model_array(arena, n, sizeof(*out->rows))))
    rc = ST_NOMEM;
  for (size_t i = 0; !rc && i < n; i++)
    rc = fill_row(arena, json_array_get(users, i), units, &out->rows[i]);
  if (!rc)
    out->count = n;
  json_decref(users);
  json_decref(units);
  return rc;
}

int accounts_read(struct store *store, struct arena *arena, int64_t office_id, int64_t id,
                  struct account_row *out)
{
  json_t *user = NULL, *units = NULL;
  int rc = store_user_get(store, office_id, id, &user);
  if (!rc && read_model_int(user, "unit_id"))
    rc = lookup_units(store, office_id, &units);
  if (!rc)
    rc = fill_row(arena, user, units, out);
  json_decref(user);
  json_decref(units);
  return rc;
}

/* ---- a person's sessions ------------------------------------------------------------------ */

static bool session_live(json_t *row, const struct accounts_policy *policy, time_t now)
{
  return read_model_int(row, "last_seen_at") + policy->idle_seconds > now &&
         read_model_int(row, "created_at") + policy->absolute_seconds > now;
}

static int fill_session(struct arena *arena, json_t *row, const char *current_hash,
                        struct account_session *s)
{
  const char *hash = json_string_value(json_object_get(row, "id_hash"));
  if (!hash || strlen(hash) < ACCOUNTS_SESSION_HANDLE - 1)
    return ST_INVALID;
  memcpy(s->handle, hash, ACCOUNTS_SESSION_HANDLE - 1);
  s->handle[ACCOUNTS_SESSION_HANDLE - 1] = '\0';
  s->created_at = read_model_int(row, "created_at");
  s->last_seen_at = read_model_int(row, "last_seen_at");
  s->ip = read_model_text(arena, row, "ip");
  s->current = strcmp(hash, current_hash) == 0;
  return s->ip ? ST_OK : ST_NOMEM;
}

int accounts_sessions_read(struct store *store, struct arena *arena,
                           const struct accounts_policy *policy, int64_t user_id,
                           const char *current_token, time_t now, struct account_sessions *out)
{
  json_t *rows = NULL;
  char current_hash[65];
  accounts_token_hash(current_token ? current_token : "", current_hash);
  out->count = 0;
  int rc = store_session_list_user(store, user_id, &rows);
  size_t n = json_array_size(rows);
  if (!rc && !(out->rows = read_model_array(arena, n ? n : 1, sizeof(*out->rows))))
    rc = ST_NOMEM;
  for (size_t i = 0; !rc && i < n; i++) {
    json_t *row = json_array_get(rows, i);
    if (session_live(row, policy, now))
      rc = fill_session(arena, row, current_hash, &out->rows[out->count++]);
  }
  json_decref(rows);
  return rc;
}
