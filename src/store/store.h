/*
 * store.h - the only interface to persistent data (ARCHITECTURE.md). Callers speak in domain
 * operations; the SQL lives in the backends (sqlite.c, pg.c) and both must pass the
 * shared store test suite (tests/unit/store_suite.c).
 *
 * A struct store is one connection and is not thread-safe: each thread opens its own.
 * Records cross this interface as jansson objects whose fields are listed at each call.
 */
#ifndef BIANMIN_STORE_STORE_H
#define BIANMIN_STORE_STORE_H

#if defined(BIANMIN_LAYER_WEB) || defined(BIANMIN_LAYER_WORKERS)
#error                                                                                             \
    "web/ and workers/ may not include store/ headers: call the domain (docs/ARCHITECTURE.md, Layers)"
#endif

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* url: a file path, "sqlite:PATH" or "file:PATH" (SQLite, created if missing), or a libpq URI
 * "postgresql://..." / "postgres://..." (the database must exist). On failure err says why. */
int store_open(const char *url, struct store **out, char *err, size_t err_size);
void store_close(struct store *store);
/* Why the last failing call on this connection failed ("" when nothing failed yet). Valid until
 * the next call on the connection. */
const char *store_last_error(struct store *store);
/* Facts about the connection for operators and the shared suite, as a new object:
 *   {"backend": "sqlite"|"postgresql", ...backend details}; SQLite adds "journal_mode",
 *   "foreign_keys" (bool), "synchronous" (int, 1 = NORMAL) and "busy_timeout_ms"; PostgreSQL
 *   adds "server_version" (int, 150000 = 15.0), "database", "host", "port". */
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
  bool password_expired;   /* create: must be changed at first sign-in */
  int64_t password_set_at; /* create: unix seconds (0 = unknown) */
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
/* expired: the person must choose a new password at their next sign-in (set by an admin);
 * set_at: unix seconds, as users.password_set_at. */
int store_user_set_password(struct store *store, int64_t id, const char *hash, const char *now,
                            bool expired, int64_t set_at);
/* The same password under a new hash (a rehash at sign-in), only while the stored hash is still
 * old_hash (a change in between wins); password_set_at and the expiry stay. */
int store_user_set_hash(struct store *store, int64_t id, const char *old_hash, const char *hash);
int store_user_set_disabled(struct store *store, int64_t id, int disabled, const char *now);
/* secret is the sealed secret ("" to remove); enabled 0/1. */
int store_user_set_totp(struct store *store, int64_t id, const char *secret, int enabled,
                        const char *now);
/* Records the last TOTP step used; fails (ST_CONFLICT) unless step is newer (no replay). */
int store_user_use_totp_step(struct store *store, int64_t id, int64_t step);

int store_session_create(struct store *store, const char *id_hash, int64_t user_id,
                         const char *csrf_token, int mfa_pending, int64_t now, const char *ip);
/* The session joined with its user: session fields (with "stepup_at") plus "username",
 * "display_name", "office_id", "unit_id", "roles", "disabled", "totp_enabled". */
int store_session_get(struct store *store, const char *id_hash, json_t **out);
int store_session_touch(struct store *store, const char *id_hash, int64_t now);
int store_session_clear_mfa(struct store *store, const char *id_hash);
/* The session re-authenticated at now (sessions.stepup_at, migration 17); a session signed in
 * without a second factor pending starts with stepup_at = created_at, else 0. */
int store_session_stepup(struct store *store, const char *id_hash, int64_t now);
/* The session old_hash continues as new_hash with a new CSRF token, its second factor done. */
int store_session_rotate(struct store *store, const char *old_hash, const char *new_hash,
                         const char *csrf_token);
int store_session_delete(struct store *store, const char *id_hash);
int store_session_delete_user(struct store *store, int64_t user_id);
/* A person's sessions (second factor done), newest first: "id_hash", "created_at",
 * "last_seen_at", "ip". */
int store_session_list_user(struct store *store, int64_t user_id, json_t **out);
/* Ends the one session of user_id whose id_hash starts with prefix (16 hex characters);
 * ST_NOTFOUND when none. */
int store_session_delete_prefix(struct store *store, int64_t user_id, const char *prefix);
/* Ends every session of user_id but keep_hash; *ended counts them. */
int store_session_delete_others(struct store *store, int64_t user_id, const char *keep_hash,
                                int64_t *ended);
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

/* ---- Case words (store/words.c) ----------------------------------------------------------
 * An office's case words (收件字, migration 20): [{"office_id", "code", "word_zh", "word_en"}]
 * by code. store_case_word_put inserts or replaces the word of (office_id, code); the same
 * word again changes nothing. */
int store_case_word_list(struct store *store, int64_t office_id, json_t **out);
int store_case_word_put(struct store *store, int64_t office_id, const char *code,
                        const char *word_zh, const char *word_en);

/* ---- Cases (store/cases.c) --------------------------------------------------------------
 * Times are unix seconds. A case row has the columns of the cases table (migration 5); the
 * applicant's personal fields hold sealed text (domain/personal.h), with keyed hashes for
 * lookups and a masked name for public pages. */
int store_case_next_serial(struct store *store, int64_t office_id, const char *word_code,
                           int roc_year, int64_t *serial);
int store_case_insert(struct store *store, json_t *case_row, int64_t *id);
int store_case_get(struct store *store, int64_t office_id, int64_t id, json_t **out);
int store_case_by_key(struct store *store, int64_t office_id, const char *case_key, json_t **out);
int store_case_by_token(struct store *store, const char *token_hash, json_t **out);
int store_case_set_status(struct store *store, int64_t id, const char *status, int64_t now,
                          bool final);
int store_case_set_handler(struct store *store, int64_t id, int64_t handler_id, const char *counter,
                           int64_t now);
/* due_at 0 / paused_since 0 store NULL. */
int store_case_set_clock(struct store *store, int64_t id, int64_t due_at, const char *due_state,
                         int64_t paused_since, int64_t extension_minutes, int64_t now);
/* Moves the due state from `from` to due_state; *moved is false when another node (or an
 * earlier scan) already moved it, so its event is recorded once. */
int store_case_set_due_state(struct store *store, int64_t id, const char *from,
                             const char *due_state, bool *moved);
int store_case_set_correction(struct store *store, int64_t id, const char *items,
                              const char *deadline, int64_t count, int64_t now);
int store_case_approve_correction(struct store *store, int64_t id, int64_t now);
/* The correction approval state (the column second_correction_approved): 0 none, 1 the next
 * correction is approved, 2 asked (waiting for a supervisor), 3 refused, 4 approved and issued
 * (3 and 4 until the handler notes the decision). */
int store_case_set_correction_approval(struct store *store, int64_t id, int64_t state, int64_t now);
/* The times (column "at") of the office's corrections issued in [from, to) that are not their
 * case's first, oldest first. */
int store_case_second_corrections(struct store *store, int64_t office_id, int64_t from, int64_t to,
                                  json_t **out);
int store_case_set_overdue(struct store *store, int64_t id, const char *reason,
                           const char *new_date, int64_t now);
int store_case_set_pickup(struct store *store, int64_t id, int64_t at);
/* An event: {"case_id", "at", "actor_id", "actor", "on_behalf_of", "kind", "from_status",
 * "to_status", "note", "public" (bool), "data" (text)}. */
int store_case_event_add(struct store *store, json_t *event);
int store_case_events(struct store *store, int64_t case_id, bool public_only, json_t **out);
int store_case_pause_start(struct store *store, int64_t case_id, int64_t at);
int store_case_pause_end(struct store *store, int64_t case_id, int64_t at);
int store_case_pauses(struct store *store, int64_t case_id, json_t **out);

struct store_case_filter {
  int64_t office_id;
  const char *scope;      /* "mine", "unit", "office" */
  int64_t user_id;        /* for "mine" */
  int64_t unit_id;        /* for "unit" (0 = whole office) */
  const char *today;      /* "YYYY-MM-DD", for delegations */
  const char *filter;     /* "", "due_soon", "overdue", "correction", "closed", "awaiting"
                           * (correction requests unit_id's supervisor decides), "decided" */
  const char *key_prefix; /* "" = no search */
  const char *name_hash;  /* "" = no search */
  int64_t limit;
  /* Every status a case can have while open (workflow_open_statuses), or none: with them, each
   * scope has its own statement that finds the scope's open cases through the partial indexes
   * of migration 11; without, one generic statement (the reference the unit test compares
   * with). At most STORE_OPEN_STATUSES_MAX; more count as none. */
  const char *const *open_statuses;
  size_t open_count;
  int64_t offset; /* rows to skip, for paging (0: from the first) */
};
enum { STORE_OPEN_STATUSES_MAX = 32 }; /* the shipped workflows have 18 (issue 15) */
int store_case_list(struct store *store, const struct store_case_filter *filter, json_t **out);
/* How many cases the work list of filter holds in all (its limit and offset aside). */
int store_case_count(struct store *store, const struct store_case_filter *filter, int64_t *total);
/* Closed cases nobody has picked up, closed before closed_before, not yet reminded
 * (pickup_reminded_at NULL and no "not_picked_up" event), id > after_id, for the pickup
 * reminder. Found through the partial index cases_pickup_due (migration 13), which holds only
 * the closed cases still waiting for pickup and their reminder. */
int store_case_unpicked(struct store *store, int64_t closed_before, int64_t after_id, int64_t limit,
                        json_t **out);
/* Records that the pickup reminder of case id was sent at `at`; *moved is false when it had
 * been recorded already (another node, an earlier scan), so the reminder goes out once. */
int store_case_set_pickup_reminded(struct store *store, int64_t id, int64_t at, bool *moved);
/* Open cases of every office with a running clock (a due date, not paused) and id > after_id,
 * for the deadline scanner: {"id", "office_id", "due_at", "due_state"}, read from the partial
 * index cases_open_scan alone (migration 13): neither the closed cases nor the table are read. */
int store_case_open(struct store *store, int64_t after_id, int64_t limit, json_t **out);

int store_delegation_add(struct store *store, int64_t office_id, int64_t user_id,
                         int64_t delegate_id, const char *starts_on, const char *ends_on,
                         const char *reason);
int store_delegation_active(struct store *store, int64_t user_id, int64_t delegate_id,
                            const char *today, bool *active);
int store_delegation_list(struct store *store, int64_t office_id, const char *today, json_t **out);
int store_presence_set(struct store *store, int64_t user_id, bool present, const char *counter);
int store_handlers_available(struct store *store, int64_t office_id, int64_t unit_id,
                             unsigned handler_role, json_t **out);
int store_presence_assigned(struct store *store, int64_t user_id, int64_t at);

/* ---------------------------------------------------------------------------------------------
 * Catalogue (migration 3): services, their form files, FAQ, announcements, revisions and the
 * full-text search index. Domain rules (topics, kinds, time-limit range, end >= start, revisions
 * written with every change) live in domain/catalog.c; the store checks types and sizes.
 *
 * A service object (store_service_put reads every field but id, unit_id, updated_at):
 *   {"id": int, "office_id": int, "unit_id": int|null, "unit": "registration" (a unit code of
 *    the office, or ""), "slug": "sale-transfer" ([a-z0-9-]{1,40}, unique per office),
 *    "topic": code, "sort": int, "name_zh" (required), "name_en", "summary_zh", "summary_en",
 *    "eligibility_zh", "eligibility_en", "steps_zh": [str], "steps_en": [str],
 *    "documents_zh": [str], "documents_en": [str], "fee_zh", "fee_en",
 *    "fee_amount": int|null (NT$), "time_limit_minutes": int (working minutes, 0 = on the spot),
 *    "where_zh", "where_en", "counter", "floor_zh", "floor_en", "hours_zh", "hours_en",
 *    "channel_counter", "channel_online", "channel_mail", "online_capable": bool,
 *    "online_url", "case_word_code", "workflow", "published": bool, "updated_at": ISO UTC}
 * A FAQ object:
 *   {"id", "office_id", "slug", "category_zh", "category_en", "sort", "question_zh" (required),
 *    "question_en", "answer_zh" (required), "answer_en", "published", "helpful": int,
 *    "not_helpful": int, "views": int, "updated_at"}   (the three counters are never put)
 * An announcement object:
 *   {"id", "office_id", "slug", "kind": code, "title_zh" (required), "title_en", "body_zh",
 *    "body_en", "starts_on": "YYYY-MM-DD", "ends_on": "YYYY-MM-DD", "published", "updated_at"}
 *
 * The puts insert or update by (office_id, slug); missing optional fields are "", 0, false,
 * null or []. *changed says whether anything was written: putting the same content again
 * changes nothing (updated_at stays). ST_INVALID with store_last_error() naming the field for a
 * wrong type, bad UTF-8, text too long; ST_NOTFOUND for an unknown office.
 * ------------------------------------------------------------------------------------------- */
#include <stdbool.h>

int store_service_put(struct store *store, int64_t office_id, json_t *service, int64_t *id,
                      bool *changed);
int store_faq_put(struct store *store, int64_t office_id, json_t *faq, int64_t *id, bool *changed);
int store_announcement_put(struct store *store, int64_t office_id, json_t *announcement,
                           int64_t *id, bool *changed);

/* One record by id (id > 0) or by slug (id 0). ST_NOTFOUND when the office has none. Unpublished
 * records are returned too: callers decide who may see them. */
int store_service_get(struct store *store, int64_t office_id, int64_t id, const char *slug,
                      json_t **out);
int store_faq_get(struct store *store, int64_t office_id, int64_t id, const char *slug,
                  json_t **out);
int store_announcement_get(struct store *store, int64_t office_id, int64_t id, const char *slug,
                           json_t **out);

/* Lists (arrays). Services by unit order, sort, id; FAQ by sort, id. */
int store_service_list(struct store *store, int64_t office_id, bool published_only, json_t **out);
int store_faq_list(struct store *store, int64_t office_id, bool published_only, json_t **out);
enum store_announcement_filter {
  STORE_ANNOUNCEMENTS_ALL,
  STORE_ANNOUNCEMENTS_CURRENT, /* published, starts_on <= today <= ends_on */
  STORE_ANNOUNCEMENTS_ARCHIVE  /* published, ends_on < today */
};
/* Newest first (starts_on, then id). today is "YYYY-MM-DD" (the office's local date). */
int store_announcement_list(struct store *store, int64_t office_id,
                            enum store_announcement_filter filter, const char *today, json_t **out);

/* Sets published; *changed false when it already was so. ST_NOTFOUND for an unknown id. */
int store_service_publish(struct store *store, int64_t office_id, int64_t id, bool published,
                          bool *changed);
int store_faq_publish(struct store *store, int64_t office_id, int64_t id, bool published,
                      bool *changed);
int store_announcement_publish(struct store *store, int64_t office_id, int64_t id, bool published,
                               bool *changed);

/* FAQ counters, on published entries only (ST_NOTFOUND otherwise). */
int store_faq_vote(struct store *store, int64_t office_id, int64_t id, bool helpful);
int store_faq_viewed(struct store *store, int64_t office_id, int64_t id);
/* The office's most viewed published FAQ entries (at most limit, 1..50), most viewed first. */
int store_faq_top(struct store *store, int64_t office_id, int limit, json_t **out);

/* Files, addressed by the SHA-256 of their content (64 lowercase hex characters). Putting the
 * same bytes again is a no-op that returns the same address. mime and name are one-line text;
 * name is the original file name offered on download. At most STORE_FILE_MAX bytes. */
#define STORE_FILE_MAX (10 * 1024 * 1024)
int store_file_put(struct store *store, const void *bytes, size_t len, const char *mime,
                   const char *name, char sha256[65]);
/* A file linked to a service of the office (a published one when published_only): *meta is
 * {"sha256", "mime", "size", "name"}, *bytes malloc'd (caller frees). ST_NOTFOUND otherwise. */
int store_file_get(struct store *store, int64_t office_id, const char *sha256, bool published_only,
                   json_t **meta, void **bytes, size_t *len);

/* A service's downloadable forms: replaces the list with forms, an array of
 * {"sha256", "kind": "form"|"example", "format": "odt"|"pdf", "title_zh", "title_en",
 * "sort": int}; every file must exist (ST_NOTFOUND). */
int store_service_forms_set(struct store *store, int64_t service_id, json_t *forms);
/* The list as above plus each file's "mime", "size" and "name", by sort. */
int store_service_forms_list(struct store *store, int64_t service_id, json_t **out);
/* Every service's list at once (the in-memory directory, domain/directory.h): the same objects
 * plus "service_id", by service_id, then as each list above. */
int store_service_forms_all(struct store *store, json_t **out);

/* Revisions: who changed what, when. entity is "service", "faq" or "announcement"; actor_id is
 * a user id or 0 for none (CLI, demo); actor a display name ("" when none); snapshot the
 * record after the change. A revision object: {"id", "office_id", "entity", "entity_id",
 * "action", "actor_id": int|null, "actor", "at", "snapshot": object}. */
int store_revision_add(struct store *store, int64_t office_id, const char *entity,
                       int64_t entity_id, const char *action, int64_t actor_id, const char *actor,
                       json_t *snapshot);
int store_revision_list(struct store *store, const char *entity, int64_t entity_id, json_t **out);

/* Full-text search over the office's published services, published FAQ and current
 * announcements (on today, "YYYY-MM-DD"), both languages, best first (bm25; titles weigh more).
 * query is what the citizen typed: see base/search.h for tokens and synonyms. Each result:
 * {"kind": "service"|"faq"|"announcement", "id", "slug", "title_zh", "title_en",
 *  "summary_zh", "summary_en"}. At most limit (1..100) results; [] for an empty query. */
#define STORE_SEARCH_MAX 100

/* ---- Copying (store/copy.c) ------------------------------------------------------------------
 * Copies every table of from into to, keeping ids, in one transaction on to; both must be at the
 * same schema version. Refused with ST_CONFLICT (nothing written) when any table of to has a
 * row. After the copy each table's row count in to is checked against from. *report (may be
 * NULL) receives [{"table", "rows"}] in copy order. Stop writers to from first. */
int store_copy(struct store *from, struct store *to, json_t **report);
/* The i-th table store_copy copies, in copy order (parents before children), or NULL past the
 * last; *columns (may be NULL) receives its copied columns, ", "-separated. For the schema test
 * (tests/pg/schema_compare_test.c), which checks the list against the migrated schema. */
const char *store_copy_table(size_t i, const char **columns);
int store_search(struct store *store, int64_t office_id, const char *query, const char *today,
                 int limit, json_t **out);
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

/* ---- Notices: the outbox and message templates (store/outbox.c) ----------------------------
 * Times are unix seconds. An outbox row: {"id", "office_id", "case_id", "event", "occurrence",
 * "channel" ("sms"|"email"), "lang", "recipient" (sealed), "recipient_masked", "subject",
 * "body_text", "body_html", "urgent", "status" (queued|sending|sent|delivered|failed_temp|
 * failed), "attempts", "next_attempt_at", "claimed_by", "claimed_at", "provider_id",
 * "last_error", "created_at", "sent_at", "delivered_at", "subject_kind", "subject_id"}.
 * A case's message has case_id (its subject is then ("case", case_id) whatever the row says);
 * another message has no case_id (0 or absent) and names its subject_kind ("ticket",
 * "petition", ...) and subject_id (migration 16). At most one row per (subject_kind,
 * subject_id, event, occurrence, channel): enqueueing it again changes nothing (*id = 0). */
int store_outbox_enqueue(struct store *store, json_t *message, int64_t *id);
/* Claims the oldest message that is due (queued or failed_temp with next_attempt_at <= now), or
 * whose claim is older than stale_before (its worker died), on the channels enabled (sms,
 * email): marks it sending by node and counts the attempt. ST_NOTFOUND when none is due. The
 * UPDATE re-checks its condition, so two nodes never claim one message. */
int store_outbox_claim(struct store *store, const char *node, int64_t now, int64_t stale_before,
                       bool sms, bool email, json_t **out);
/* The outcome of a claimed attempt; each changes the row only while node still holds the claim
 * (*applied false otherwise, e.g. a receipt came first or another node reclaimed it). */
int store_outbox_sent(struct store *store, int64_t id, const char *node, const char *provider_id,
                      int64_t now, bool *applied);
/* The same recording the text it was rendered to (text non-NULL: subject, text and html
 * replace what the row held, e.g. its values). */
int store_outbox_sent_text(struct store *store, int64_t id, const char *node,
                           const char *provider_id, int64_t now, const char *subject,
                           const char *text, const char *html, bool *applied);
/* A temporary failure: failed_temp and due again at retry_at, or failed when attempts have
 * reached max_attempts. A permanent failure: max_attempts 0. */
int store_outbox_failed(struct store *store, int64_t id, const char *node, const char *error,
                        int64_t retry_at, int64_t max_attempts, bool *applied);
/* A delivery receipt for the message with this id (ref) or provider id: delivered, or failed
 * with error. ST_NOTFOUND when no sent message matches. */
int store_outbox_receipt(struct store *store, int64_t id, const char *provider_id, bool delivered,
                         const char *error, int64_t now);
/* Queues a failed message of office_id again now with its attempts reset. ST_NOTFOUND unless
 * it is failed or failed_temp. */
int store_outbox_retry(struct store *store, int64_t office_id, int64_t id, int64_t now);
/* A case's messages, oldest first (without recipient and bodies' HTML). */
int store_outbox_for_case(struct store *store, int64_t case_id, json_t **out);
/* The office's messages by status ("" = failed and failed_temp), newest first, at most limit;
 * with the case's case_key (NULL for a message not tied to a case), subject_kind, subject_id. */
int store_outbox_list(struct store *store, int64_t office_id, const char *status, int64_t limit,
                      json_t **out);
int store_outbox_get(struct store *store, int64_t office_id, int64_t id, json_t **out);
/* How many timeline events of kind the case has (the occurrence of a repeated event). */
int store_case_event_count(struct store *store, int64_t case_id, const char *kind, int64_t *n);

/* An office's edited template: {"office_id", "event", "channel", "lang", "subject", "body",
 * "updated_at", "updated_by"}; ST_NOTFOUND when the office uses the shipped one. */
int store_message_template_get(struct store *store, int64_t office_id, const char *event,
                               const char *channel, const char *lang, json_t **out);
int store_message_template_put(struct store *store, int64_t office_id, const char *event,
                               const char *channel, const char *lang, const char *subject,
                               const char *body, int64_t now, const char *by);
int store_message_template_delete(struct store *store, int64_t office_id, const char *event,
                                  const char *channel, const char *lang);
int store_message_template_list(struct store *store, int64_t office_id, json_t **out);

/* ---- Fees and payments (store/payments.c, migration 9) ------------------------------------
 * A payment row: {"id", "office_id", "case_id", "order_no", "amount", "currency", "provider",
 * "provider_ref", "redirect_url", "status" (pending|paid|failed|expired|refunded),
 * "created_at", "updated_at", "paid_at" (or null), "expires_at"}; times are unix seconds. */
/* The amount owed on a case in NT$ (0 when none was ever set). */
int store_case_fee_get(struct store *store, int64_t case_id, int64_t *amount);
/* Sets what the case owes; the case row's fee_amount becomes the same amount (what the case
 * owes, all copies: the public, API and staff answers and the receipt show it). */
int store_case_fee_set(struct store *store, int64_t office_id, int64_t case_id, int64_t amount,
                       const char *by, int64_t now);
/* Inserts a pending payment; ST_CONFLICT when the case already has a pending one or the order
 * number is taken. */
int store_payment_insert(struct store *store, json_t *payment, int64_t *id);
/* Records what the provider answered to the start of a pending payment. */
int store_payment_set_start(struct store *store, int64_t id, const char *provider_ref,
                            const char *redirect_url);
int store_payment_by_order(struct store *store, const char *order_no, json_t **out);
int store_payments_for_case(struct store *store, int64_t case_id, json_t **out);
/* Moves payment id from status `from` to `to` (provider_ref and paid_at kept when "" / 0);
 * *applied is false when it was no longer in `from`. */
int store_payment_set_status(struct store *store, int64_t id, const char *from, const char *to,
                             const char *provider_ref, int64_t paid_at, int64_t now, bool *applied);
/* The office of case_id (ST_NOTFOUND when there is no such case). */
int store_case_office(struct store *store, int64_t case_id, int64_t *office_id);
/* Moves the expiry of pending payment id later, to expires_at (an ATM transfer's deadline);
 * *applied is false when it was not pending or already expired no earlier. */
int store_payment_extend(struct store *store, int64_t id, int64_t expires_at, int64_t now,
                         bool *applied);
/* Pending payments whose expires_at is at or before now, oldest first, at most limit. */
int store_payments_past_expiry(struct store *store, int64_t now, int64_t limit, json_t **out);
/* ---- Online applications (store/apply.c, migration 8) -----------------------------------
 * A case's answers (JSON text of domain/form.h answers) and free-text description. */
int store_case_set_online(struct store *store, int64_t case_id, const char *answers,
                          const char *description);
int store_case_set_channel(struct store *store, int64_t case_id, const char *channel);
/* {"answers", "description"} of a case (no office check: callers have loaded the case). */
int store_case_online(struct store *store, int64_t case_id, json_t **out);
/* Drafts (applications in progress). A draft: {"id", "office_id", "service_id",
 * "resume_expires_at", "contact_kind": "email"|"sms", "contact" (sealed), "contact_hash",
 * "contact_masked", "code_hash", "code_expires_at", "code_tries", "codes_sent", "code_sent_at",
 * "verified": 0|1, "applicant_name" (sealed or ""), "answers" (JSON text), "lang", "case_id"
 * (null until submitted), "case_token" (sealed QR token), "created_at", "updated_at",
 * "expires_at"}. Insert takes office_id, service_id, session_hash, contact_kind, contact,
 * contact_hash, contact_masked, lang, created_at, expires_at. */
int store_draft_insert(struct store *store, json_t *draft, int64_t *id);
int store_draft_by_session(struct store *store, const char *session_hash, int64_t now,
                           json_t **out);
/* A draft not yet submitted whose resume link is still valid. */
int store_draft_by_resume(struct store *store, const char *resume_hash, int64_t now, json_t **out);
/* A new one-time code: its hash and expiry; tries back to 0, codes_sent + 1. */
int store_draft_set_code(struct store *store, int64_t id, const char *code_hash, int64_t expires_at,
                         int64_t now);
int store_draft_code_tried(struct store *store, int64_t id);
/* The code was right: verified, a new session hash, the code and the resume link spent. */
int store_draft_verified(struct store *store, int64_t id, const char *session_hash, int64_t now);
/* A new, not yet verified session (resuming from a link). */
int store_draft_set_session(struct store *store, int64_t id, const char *session_hash, int64_t now);
int store_draft_save(struct store *store, int64_t id, const char *applicant_name,
                     const char *answers, int64_t now, int64_t expires_at);
int store_draft_set_resume(struct store *store, int64_t id, const char *resume_hash,
                           int64_t expires_at);
/* ST_CONFLICT when it was submitted already. */
int store_draft_submitted(struct store *store, int64_t id, int64_t case_id, const char *token,
                          int64_t now);
/* Drafts started for this contact since since (rate limit). */
int store_drafts_recent(struct store *store, const char *contact_hash, int64_t since, int64_t *n);
/* Removes expired drafts, their uploads not on a case, and blobs nothing links to. */
int store_drafts_purge(struct store *store, int64_t now, int64_t *removed);

/* Uploaded documents: the bytes once per SHA-256 (upload_blobs), a link per upload. */
struct store_upload {
  int64_t office_id;
  int64_t draft_id;
  const char *sha256; /* 64 lowercase hex */
  const char *name;   /* display name, already sanitised */
  const char *mime;
  const void *bytes;
  size_t len;
  int64_t now;
};
int store_upload_add(struct store *store, const struct store_upload *upload, int64_t *id);
/* A draft's (draft_id > 0) or a case's (case_id > 0) uploads: [{"id", "sha256", "name", "mime",
 * "size", "created_at"}], oldest first. */
int store_uploads_of(struct store *store, int64_t draft_id, int64_t case_id, json_t **out);
/* Removes an upload of a draft not yet submitted (and its blob when nothing else links it). */
int store_upload_remove(struct store *store, int64_t draft_id, int64_t id);
int store_uploads_attach(struct store *store, int64_t draft_id, int64_t case_id);
/* One upload: *meta {"id", "office_id", "draft_id", "case_id", "sha256", "name", "mime",
 * "size"}, *bytes malloc'd. */
int store_upload_get(struct store *store, int64_t id, json_t **meta, void **bytes, size_t *len);
/* How many upload rows and blobs exist (for tests and the attack checks). */
int store_upload_counts(struct store *store, int64_t *uploads, int64_t *blobs);
/* ---- Outcome documents (store/outcome_docs.c) ------------------------------------------------
 * What staff issue on a case (case_outcome_documents); the bytes once per SHA-256 in upload_blobs.
 * A row: {"id", "office_id", "case_id", "sha256", "name", "mime", "size", "created_at",
 * "created_by", "created_by_name", "withdrawn_at" (null while offered), "withdrawn_by_name",
 * "withdrawn_reason"}. */
struct store_outcome {
  int64_t office_id, case_id;
  const char *sha256; /* 64 lowercase hex */
  const char *name;   /* display name, already sanitised */
  const char *mime;
  const void *bytes;
  size_t len;
  int64_t now, created_by;
  const char *created_by_name;
};
int store_outcome_add(struct store *store, const struct store_outcome *doc, int64_t *id);
/* The case's documents, oldest first: all, or only those not withdrawn. */
int store_outcomes_of(struct store *store, int64_t case_id, bool withdrawn_too, json_t **out);
/* Withdraws document id of the case once; ST_NOTFOUND when none such is still offered. */
int store_outcome_withdraw(struct store *store, int64_t case_id, int64_t id, int64_t now,
                           const char *by_name, const char *reason);
/* Document id of the case: *meta {"id", "name", "mime", "size", "withdrawn_at"}, *bytes
 * malloc'd; ST_NOTFOUND when the case has no such document. */
int store_outcome_get(struct store *store, int64_t case_id, int64_t id, json_t **meta, void **bytes,
                      size_t *len);

/* ---- API keys and Open311 requests (store/api.c) ---------------------------------------------
 * A key row: {"id", "office_id", "name", "prefix", "created_at", "created_by", "last_used_at"
 * (null), "revoked_at" (null)}; the secret itself is never stored, only key_hash (hex SHA-256). */
int store_api_key_insert(struct store *store, int64_t office_id, const char *name,
                         const char *prefix, const char *key_hash, const char *created_by,
                         int64_t now, int64_t *id);
/* The office's keys, newest first. */
int store_api_key_list(struct store *store, int64_t office_id, json_t **out);
int store_api_key_get(struct store *store, int64_t office_id, int64_t id, json_t **out);
/* Sets revoked_at (once); ST_NOTFOUND for another office's or an unknown key. */
int store_api_key_revoke(struct store *store, int64_t office_id, int64_t id, int64_t now);
/* The key that is not revoked with this hash (with its office's "slug"), or ST_NOTFOUND. */
int store_api_key_by_hash(struct store *store, const char *key_hash, json_t **out);
int store_api_key_used(struct store *store, int64_t id, int64_t now);

/* What an API client sent with the case it created: {"case_id", "office_id", "api_key_id",
 * "description", "answers" (JSON text), "address", "lat", "lng", "media_url", "requested_at"}. */
int store_api_request_insert(struct store *store, json_t *row);

/* Requests (cases created through the API) of an office, newest first. service_ids: ",3,5,"
 * (NULL or "" = any); status: "open", "closed" or "" (any). A row: {"case_id", "case_key",
 * "status", "workflow", "received_at", "updated_at", "closed_at", "due_at", "service_code",
 * "service_name_zh", "service_name_en", "unit_id", "requested_at"}. */
struct store_api_request_filter {
  int64_t office_id;
  const char *service_ids;
  const char *status;
  int64_t from, to; /* requested_at within [from, to] */
  int64_t limit, offset;
};
int store_api_request_list(struct store *store, const struct store_api_request_filter *filter,
                           json_t **out);
/* Where and what an API client pointed at with case case_id: {"address", "lat", "lng",
 * "media_url"} ("" when not given), or ST_NOTFOUND for a case not made through the API. */
int store_api_request_extra(struct store *store, int64_t case_id, json_t **out);
/* One request of the office by its case key (same row), or ST_NOTFOUND. */
int store_api_request_get(struct store *store, int64_t office_id, const char *case_key,
                          json_t **out);

#endif
