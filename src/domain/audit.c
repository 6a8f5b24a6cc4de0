/*
 * audit.c - appending to and verifying the hash-chained audit trail.
 */
#include "domain/audit.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/str.h"
#include "domain/audit_hash.h"
#include "domain/read_model.h"

#include "base/common.h"

static const char anchor_key[] = "audit.head";
enum { VERIFY_BATCH = 1000 };

static int read_anchor(struct store *store, int64_t *id, char hash[65])
{
  char *value = NULL;
  int rc = store_setting_get(store, 0, anchor_key, &value);
  if (rc == ST_NOTFOUND) {
    *id = 0;
    snprintf(hash, 65, "%s", AUDIT_GENESIS);
    return ST_OK;
  }
  if (rc)
    return rc;
  char *space = strchr(value, ' ');
  int64_t parsed;
  rc = space && strlen(space + 1) == 64 &&
               str_to_int64((struct str){value, (size_t)(space - value)}, 0, INT64_MAX, &parsed) ==
                   ST_OK
           ? ST_OK
           : ST_CONFLICT;
  if (!rc) {
    *id = parsed;
    memcpy(hash, space + 1, 65);
  }
  free(value);
  return rc;
}

static int write_anchor(struct store *store, int64_t id, const char *hash)
{
  char value[96];
  snprintf(value, sizeof(value), "%lld %s", (long long)id, hash);
  return store_setting_put(store, 0, anchor_key, value);
}

static int append(struct store *store, const struct audit_actor *actor, const char *action,
                  const char *object_kind, const char *object_id, const char *detail)
{
  int64_t last_id;
  char prev[65], hash[65], at[CLOCK_ISO_SIZE];
  int rc = read_anchor(store, &last_id, prev);
  if (rc)
    return rc;
  clock_iso(clock_now(), at);
  struct audit_entry e = {last_id + 1,
                          at,
                          actor->office_id,
                          actor->user_id,
                          actor->name ? actor->name : "",
                          actor->ip ? actor->ip : "",
                          action,
                          object_kind ? object_kind : "",
                          object_id ? object_id : "",
                          detail};
  rc = audit_entry_hash(prev, &e, hash);
  json_t *row = rc ? NULL
                   : json_pack("{s:I, s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
                               (json_int_t)e.id, "at", at, "office_id", (json_int_t)e.office_id,
                               "actor_id", (json_int_t)e.actor_id, "actor", e.actor, "ip", e.ip,
                               "action", action, "object_kind", e.object_kind, "object_id",
                               e.object_id, "detail", detail, "prev_hash", prev, "hash", hash);
  if (!rc && !row)
    rc = ST_NOMEM;
  if (!rc)
    rc = store_audit_insert(store, row);
  if (!rc)
    rc = write_anchor(store, e.id, hash);
  json_decref(row);
  return rc;
}

int audit_record(struct store *store, const struct audit_actor *actor, const char *action,
                 const char *object_kind, const char *object_id, json_t *detail)
{
  char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  int own = store_begin(store);
  if (own != ST_OK && own != ST_CONFLICT) {
    free(text);
    return own;
  }
  int rc = append(store, actor, action, object_kind, object_id, text ? text : "");
  free(text);
  if (own == ST_CONFLICT)
    return rc; /* the caller's transaction decides */
  if (rc) {
    store_rollback(store);
    return rc;
  }
  return store_commit(store);
}

static const char *field(json_t *row, const char *key)
{
  const char *s = json_string_value(json_object_get(row, key));
  return s ? s : "";
}

/* Checks one row against the previous hash; fills msg on failure. */
static int verify_row(json_t *row, int64_t expect_id, const char *prev, char *hash, char *msg,
                      size_t msg_size)
{
  struct audit_entry e = {json_integer_value(json_object_get(row, "id")),
                          field(row, "at"),
                          json_integer_value(json_object_get(row, "office_id")),
                          json_integer_value(json_object_get(row, "actor_id")),
                          field(row, "actor"),
                          field(row, "ip"),
                          field(row, "action"),
                          field(row, "object_kind"),
                          field(row, "object_id"),
                          field(row, "detail")};
  if (e.id != expect_id) {
    snprintf(msg, msg_size, "row %lld is missing (the next row is %lld)", (long long)expect_id,
             (long long)e.id);
    return ST_CONFLICT;
  }
  if (strcmp(field(row, "prev_hash"), prev) != 0) {
    snprintf(msg, msg_size, "row %lld does not follow row %lld", (long long)e.id,
             (long long)e.id - 1);
    return ST_CONFLICT;
  }
  if (audit_entry_hash(prev, &e, hash) || strcmp(hash, field(row, "hash")) != 0) {
    snprintf(msg, msg_size, "row %lld was changed after it was written", (long long)e.id);
    return ST_CONFLICT;
  }
  return ST_OK;
}

static int verify_anchor(struct store *store, int64_t last_id, const char *last_hash,
                         int64_t *broken_id, char *msg, size_t msg_size)
{
  int64_t anchor_id;
  char anchor_hash[65];
  int rc = read_anchor(store, &anchor_id, anchor_hash);
  if (rc == ST_OK && anchor_id == last_id && strcmp(anchor_hash, last_hash) == 0)
    return ST_OK;
  *broken_id = last_id + 1;
  snprintf(msg, msg_size,
           "the trail ends at row %lld but row %lld was the last one written: rows were removed "
           "from the end or added by hand",
           (long long)last_id, (long long)anchor_id);
  return ST_CONFLICT;
}

int audit_verify(struct store *store, int64_t *checked, int64_t *broken_id, char *msg,
                 size_t msg_size)
{
  char prev[65], hash[65];
  snprintf(prev, sizeof(prev), "%s", AUDIT_GENESIS);
  int64_t last = 0;
  *checked = 0;
  *broken_id = 0;
  for (;;) {
    json_t *rows;
    int rc = store_audit_range(store, last, VERIFY_BATCH, &rows);
    if (rc)
      return rc;
    size_t i, n = json_array_size(rows);
    json_t *row;
    json_array_foreach(rows, i, row)
    {
      rc = verify_row(row, last + 1, prev, hash, msg, msg_size);
      if (rc) {
        *broken_id = last + 1;
        json_decref(rows);
        return rc;
      }
      memcpy(prev, hash, sizeof(prev));
      last++;
      (*checked)++;
    }
    json_decref(rows);
    if (n < VERIFY_BATCH)
      break;
  }
  return verify_anchor(store, last, prev, broken_id, msg, msg_size);
}

static int fill_audit_row(struct arena *arena, json_t *row, struct audit_row *r)
{
  r->id = read_model_int(row, "id");
  r->at = read_model_text(arena, row, "at");
  r->actor = read_model_text(arena, row, "actor");
  r->ip = read_model_text(arena, row, "ip");
  r->action = read_model_text(arena, row, "action");
  r->object_kind = read_model_text(arena, row, "object_kind");
  r->object_id = read_model_text(arena, row, "object_id");
  r->detail = read_model_text(arena, row, "detail");
  return r->at && r->actor && r->ip && r->action && r->object_kind && r->object_id && r->detail
             ? ST_OK
             : ST_NOMEM;
}

int audit_search_read(struct store *store, struct arena *arena, int64_t office_id,
                      const char *action, const char *actor, int64_t before_id, int64_t limit,
                      struct audit_rows *out)
{
  json_t *rows = NULL;
  out->count = 0;
  int rc = store_audit_search(store, office_id, action, actor, before_id, limit, &rows);
  size_t n = json_array_size(rows);
  if (!rc && !(out->rows = read_model_array(arena, n, sizeof(*out->rows))))
    rc = ST_NOMEM;
  for (size_t i = 0; !rc && i < n; i++)
    rc = fill_audit_row(arena, json_array_get(rows, i), &out->rows[i]);
  if (!rc)
    out->count = n;
  json_decref(rows);
  return rc;
}
