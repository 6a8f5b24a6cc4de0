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

#endif
