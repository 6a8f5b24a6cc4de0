/*
 * store.h - the only interface to persistent data (ARCHITECTURE.md). Callers speak in domain
 * operations; the SQL lives in the backends (sqlite.c now, pg.c later) and both must pass the
 * shared store test suite (tests/unit/store_suite.c).
 *
 * A struct store is one connection and is not thread-safe: each thread opens its own.
 * Records cross this interface as jansson objects whose fields are listed at each call.
 */
#ifndef BIANMIN_STORE_STORE_H
#define BIANMIN_STORE_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* url: a file path, "sqlite:PATH" or "file:PATH" (SQLite, created if missing), or
 * "postgresql://..." (not yet built: ST_INVALID with a clear message). On failure err says why. */
int store_open(const char *url, struct store **out, char *err, size_t err_size);
void store_close(struct store *store);
/* Why the last failing call on this connection failed ("" when nothing failed yet). Valid until
 * the next call on the connection. */
const char *store_last_error(struct store *store);
/* Facts about the connection for operators and the shared suite, as a new object:
 *   {"backend": "sqlite"|"postgresql", ...backend details}; SQLite adds "journal_mode",
 *   "foreign_keys" (bool), "synchronous" (int, 1 = NORMAL) and "busy_timeout_ms". */
int store_info(struct store *store, json_t **out);

/* Applies the numbered migrations not yet applied, each in its own transaction; idempotent.
 * *applied (may be NULL) receives how many ran. */
int store_migrate(struct store *store, int *applied);
/* The highest applied migration number (0 for a fresh database). */
int store_schema_version(struct store *store, int *version);
/* The highest migration number this build knows (what store_migrate brings a database to). */
int store_schema_latest(struct store *store, int *version);
/* ST_OK when the database answers a trivial query (for /readyz). */
int store_ping(struct store *store);

/* One transaction at a time per connection; store_begin takes the write lock at once
 * (SQLite BEGIN IMMEDIATE). Calls made outside a transaction commit on their own. */
int store_begin(struct store *store);
int store_commit(struct store *store);
int store_rollback(struct store *store);

/* Offices. An office object:
 *   {"id": int, "slug": "xinxing", "name_zh": str, "name_en": str, "kind": "land"|"district"|
 *    "bureau", "city_zh": str, "city_en": str, "address_zh": str, "address_en": str,
 *    "phone": str, "email": str, "hours_zh": str, "hours_en": str, "case_word_zh": str
 *    ("新登"), "case_word_code": str ("HB04"), "updated_at": "ISO-8601 UTC"}
 * store_office_put inserts or updates by slug (every field but id and updated_at is read;
 * missing optional strings are stored as ""), and returns the id. Refused with ST_INVALID and
 * nothing written: a missing or empty slug or name_zh, a slug outside [a-z0-9-]{1,40}, another
 * kind, a field that is not a string, text that is not clean UTF-8 or is too long. An update
 * that changes nothing leaves updated_at as it was. */
int store_office_put(struct store *store, json_t *office, int64_t *id);
int store_office_list(struct store *store, json_t **out);                  /* array, by id */
int store_office_get(struct store *store, const char *slug, json_t **out); /* ST_NOTFOUND */

/* Units (課室) of an office. A unit object:
 *   {"id": int, "office_id": int, "code": "registration", "name_zh": str, "name_en": str,
 *    "floor_zh": str, "floor_en": str, "counter": str, "phone": str, "duties_zh": str,
 *    "duties_en": str, "sort": int}
 * store_unit_put inserts or updates by (office_id, code). code is [a-z0-9_-]{1,40}, name_zh is
 * required, sort is an integer (0 when missing); other rules as for offices. ST_NOTFOUND when the
 * office does not exist. */
int store_unit_put(struct store *store, int64_t office_id, json_t *unit, int64_t *id);
int store_unit_list(struct store *store, int64_t office_id, json_t **out); /* by sort, id */

/* Settings: small key/value strings per deployment (office_id 0) or office. */
int store_setting_put(struct store *store, int64_t office_id, const char *key, const char *value);
/* *value is malloc'd (caller frees); ST_NOTFOUND when unset. */
int store_setting_get(struct store *store, int64_t office_id, const char *key, char **value);

/* ---- Accounts (store/accounts.c) -------------------------------------------------------
 * Times are unix seconds (int64) unless named *_at text. A user object:
 *   {"id", "office_id", "unit_id" (int or null), "username", "display_name", "email",
 *    "roles" (bit mask), "password_hash", "totp_secret" (sealed), "totp_enabled" (0/1),
 *    "totp_last_step", "disabled" (0/1), "created_at", "updated_at"}
 * Lookups that take an office_id return ST_NOTFOUND for a user of another office. */
struct store_user {
  int64_t office_id;
  int64_t unit_id; /* 0 = none */
  const char *username;
  const char *display_name;
  const char *email;
  unsigned roles;
  const char *password_hash;
};

int store_user_create(struct store *store, const struct store_user *user, const char *now,
                      int64_t *id);
/* Changes unit, display name, e-mail and roles (not the password) of a user of office_id. */
int store_user_update(struct store *store, int64_t office_id, int64_t id,
                      const struct store_user *user, const char *now);
int store_user_get(struct store *store, int64_t office_id, int64_t id, json_t **out);
int store_user_by_username(struct store *store, const char *username, json_t **out);
/* office_id 0 lists every office's users. */
int store_user_list(struct store *store, int64_t office_id, json_t **out);
int store_user_set_password(struct store *store, int64_t id, const char *hash, const char *now);
int store_user_set_disabled(struct store *store, int64_t id, int disabled, const char *now);
/* secret is the sealed secret ("" to remove); enabled 0/1. */
int store_user_set_totp(struct store *store, int64_t id, const char *secret, int enabled,
                        const char *now);
/* Records the last TOTP step used; fails (ST_CONFLICT) unless step is newer (no replay). */
int store_user_use_totp_step(struct store *store, int64_t id, int64_t step);

int store_session_create(struct store *store, const char *id_hash, int64_t user_id,
                         const char *csrf_token, int mfa_pending, int64_t now, const char *ip);
/* The session joined with its user: session fields plus "username", "display_name",
 * "office_id", "unit_id", "roles", "disabled", "totp_enabled". */
int store_session_get(struct store *store, const char *id_hash, json_t **out);
int store_session_touch(struct store *store, const char *id_hash, int64_t now);
int store_session_clear_mfa(struct store *store, const char *id_hash);
int store_session_delete(struct store *store, const char *id_hash);
int store_session_delete_user(struct store *store, int64_t user_id);
/* Removes sessions last seen before idle_before or created before created_before. */
int store_session_expire(struct store *store, int64_t idle_before, int64_t created_before);

/* Sign-in throttling: {"failures", "window_start", "locked_until"}; ST_NOTFOUND when none. */
int store_throttle_get(struct store *store, const char *key, json_t **out);
int store_throttle_put(struct store *store, const char *key, int64_t failures, int64_t window_start,
                       int64_t locked_until);
int store_throttle_clear(struct store *store, const char *key);

/* ---- Audit trail (store/accounts.c) -----------------------------------------------------
 * An audit row: {"id", "at", "office_id", "actor_id", "actor", "ip", "action", "object_kind",
 * "object_id", "detail", "prev_hash", "hash"}. Rows are only ever appended (the database
 * refuses UPDATE and DELETE); the domain computes the hash chain. */
int store_audit_insert(struct store *store, json_t *row);
/* The last row (highest id), ST_NOTFOUND for an empty trail. */
int store_audit_last(struct store *store, json_t **out);
/* Rows with id > after_id in id order, at most limit, for verification. */
int store_audit_range(struct store *store, int64_t after_id, int64_t limit, json_t **out);
/* Rows of office_id (0 = all offices) newest first, filtered by action prefix and actor
 * (each "" for any), with id < before_id (0 = from the newest), at most limit. */
int store_audit_search(struct store *store, int64_t office_id, const char *action,
                       const char *actor, int64_t before_id, int64_t limit, json_t **out);

/* ---- Parcels (store/parcels.c) ---------------------------------------------------------
 * A land office's sections (地段), parcels with their announced values by year, old -> new
 * numbers after a resurvey (重測) and house addresses (門牌). Codes and numbers arrive
 * normalised by the domain (domain/land/parcels.h): section "0012", parcel "0123-0004",
 * building "00123-000". Writes insert or replace, so importing a file again changes nothing;
 * call the batch writers inside a transaction (store_begin) for speed and all-or-nothing.
 * A section: {"id", "office_id", "code", "name_zh", "name_en"}. */
int store_section_put(struct store *store, int64_t office_id, const char *code, const char *name_zh,
                      const char *name_en, int64_t *id);
int store_section_list(struct store *store, int64_t office_id, json_t **out); /* by code */

/* One CSV row of parcels: the parcel and its announced values (NT$ per m²) of one year. */
struct store_parcel_row {
  int64_t section_id;
  const char *number;
  const char *area_m2;       /* exact decimal text, "123.45" */
  int64_t previous_value;    /* 前次移轉現值, NT$ per m²; < 0 = unknown */
  const char *previous_date; /* "YYYY-MM-DD", or NULL */
  int64_t year;              /* Gregorian */
  int64_t current_value;     /* 公告土地現值 */
  int64_t land_value;        /* 公告地價 */
};
int store_parcel_put_batch(struct store *store, int64_t office_id,
                           const struct store_parcel_row *rows, size_t count);
/* {"id", "section_code", "section_name_zh", "section_name_en", "number", "area_m2",
 *  "previous_value" (int or null), "previous_date" (text or null),
 *  "values": [{"year", "current_value", "land_value"}, ...] newest first}; ST_NOTFOUND. */
int store_parcel_get(struct store *store, int64_t office_id, const char *section_code,
                     const char *number, json_t **out);
/* {"sections", "parcels", "values", "resurvey", "addresses"}: row counts of an office. */
int store_parcel_counts(struct store *store, int64_t office_id, json_t **out);

struct store_resurvey_row {
  const char *old_section_code, *old_section_name, *old_number;
  const char *new_section_code, *new_number;
};
int store_resurvey_put_batch(struct store *store, int64_t office_id,
                             const struct store_resurvey_row *rows, size_t count);
/* A mapping: {"old_section_code", "old_section_name", "old_number", "new_section_code",
 * "new_section_name_zh", "new_section_name_en", "new_number"}. find: ST_NOTFOUND. */
int store_resurvey_find(struct store *store, int64_t office_id, const char *old_section_code,
                        const char *old_number, json_t **out);
/* The mappings that lead to a new parcel (array, possibly empty). */
int store_resurvey_to(struct store *store, int64_t office_id, const char *new_section_code,
                      const char *new_number, json_t **out);
/* The old sections of the mappings: [{"code", "name"}] by code. */
int store_resurvey_sections(struct store *store, int64_t office_id, json_t **out);

struct store_address_row {
  const char *address, *address_key; /* as given; normalised (domain: parcel_address_key) */
  const char *section_code, *number, *building_number; /* building "" when none */
};
int store_address_put_batch(struct store *store, int64_t office_id,
                            const struct store_address_row *rows, size_t count);
/* Addresses whose key equals key (first) or contains it, at most limit: [{"address",
 * "section_code", "section_name_zh", "section_name_en", "number", "building_number"}]. */
int store_address_find(struct store *store, int64_t office_id, const char *key, int64_t limit,
                       json_t **out);

#endif
