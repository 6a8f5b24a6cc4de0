/*
 * copy.c - copying an installation's data between databases (store_copy, for `bianmin
 * copy-db`): every table in dependency order, in batches, through the portable seam (db.h), so
 * any backend copies to any other. Ids are kept (foreign keys, case numbers and the audit chain
 * stay valid); the target then resets its id generators and rebuilds what it derives (the
 * search index) through the backend's copy_finish. The indicators' counters (kpi_*, migration
 * 29) are not copied: the target's start empty and every copied status event is marked
 * uncounted again, so its scanner counts the copied log again (domain/kpi.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "store/db.h"
#include "store/store_impl.h"

#include "base/common.h"

enum { COPY_BATCH = 500, COPY_SQL_MAX = 2048, COPY_COLS_MAX = DB_MAX_PARAMS };

struct copy_table {
  const char *name;
  const char *columns; /* as created by migration; "bytes" is the one BLOB column */
  const char *order;   /* a unique order, so batches neither skip nor repeat rows */
  int64_t batch;       /* rows per batch; 0 = COPY_BATCH (blobs of up to 10 MB go a few at once) */
};

/* Parents before children. */
static const struct copy_table tables[] = {
    {"offices",
     "id, slug, name_zh, name_en, kind, city_zh, city_en, address_zh, address_en, phone, email, "
     "hours_zh, hours_en, case_word_zh, case_word_code, updated_at",
     "id"},
    {"units",
     "id, office_id, code, name_zh, name_en, floor_zh, floor_en, counter, phone, duties_zh, "
     "duties_en, sort",
     "id"},
    {"case_words", "office_id, code, word_zh, word_en", "office_id, code"},
    {"settings", "office_id, key, value", "office_id, key"},
    {"users",
     "id, office_id, unit_id, username, display_name, email, roles, password_hash, totp_secret, "
     "totp_enabled, totp_last_step, disabled, created_at, updated_at, password_expired, "
     "password_set_at",
     "id"},
    {"sessions",
     "id_hash, user_id, csrf_token, mfa_pending, created_at, last_seen_at, ip, stepup_at",
     "id_hash"},
    {"login_throttle", "key, failures, window_start, locked_until", "key"},
    {"audit_log",
     "id, at, office_id, actor_id, actor, ip, action, object_kind, object_id, detail, prev_hash, "
     "hash",
     "id"},
    {"services",
     "id, office_id, unit_id, slug, topic, sort, name_zh, name_en, summary_zh, summary_en, "
     "eligibility_zh, eligibility_en, steps_zh, steps_en, documents_zh, documents_en, fee_zh, "
     "fee_en, fee_amount, time_limit_minutes, where_zh, where_en, counter, floor_zh, floor_en, "
     "hours_zh, hours_en, channel_counter, channel_online, channel_mail, online_capable, "
     "online_url, case_word_code, workflow, questions, published, content_hash, updated_at, "
     "remote_instant_minutes, fee_schedule",
     "id"},
    {"files", "sha256, mime, size, name, bytes, created_at", "sha256"},
    {"service_forms", "service_id, file_sha256, kind, format, title_zh, title_en, sort",
     "service_id, sort, file_sha256"},
    {"faq",
     "id, office_id, slug, category_zh, category_en, sort, question_zh, question_en, answer_zh, "
     "answer_en, published, helpful, not_helpful, views, content_hash, updated_at",
     "id"},
    {"announcements",
     "id, office_id, slug, kind, title_zh, title_en, body_zh, body_en, starts_on, ends_on, "
     "published, content_hash, updated_at",
     "id"},
    {"revisions", "id, office_id, entity, entity_id, action, actor_id, actor, at, snapshot", "id"},
    {"case_sequences", "office_id, word_code, roc_year, last_serial",
     "office_id, word_code, roc_year"},
    {"cases",
     "id, office_id, service_id, unit_id, roc_year, word_code, serial, case_key, check_code, "
     "qr_token_hash, workflow, status, channel, handler_id, counter, received_at, "
     "time_limit_minutes, extension_minutes, due_at, due_state, paused_since, correction_count, "
     "correction_items, correction_deadline, second_correction_approved, overdue_reason, "
     "overdue_new_date, fee_amount, documents, applicant_name, applicant_name_masked, "
     "applicant_id, applicant_id_hash, applicant_phone, applicant_email, applicant_name_hash, "
     "notify, lang, picked_up_at, closed_at, updated_at, answers, description, "
     "pickup_reminded_at, "
     "workflow_version, public_history, fee_due, payment_count, upload_count, outcome_count, "
     "check_locked_day",
     "id"},
    {"case_document_checks",
     "case_id, office_id, received_at, unit_id, service_id, channel, required, on_paper, online, "
     "online_documents",
     "case_id"},
    {"workflow_definitions", "id, office_id, code, version, definition, created_at, created_by",
     "id"},
    {"case_events",
     "id, case_id, at, actor_id, actor, on_behalf_of, kind, from_status, to_status, note, public, "
     "data, kpi_counted",
     "id"},
    {"case_pauses", "id, case_id, from_at, to_at", "id"},
    {"delegations", "id, office_id, user_id, delegate_id, starts_on, ends_on, reason", "id"},
    {"staff_presence", "user_id, present, counter, last_assigned_at", "user_id"},
    {"land_sections", "id, office_id, code, name_zh, name_en", "id"},
    {"parcels", "id, office_id, section_id, number, area_m2, previous_value, previous_date", "id"},
    {"parcel_values", "parcel_id, year, current_value, land_value", "parcel_id, year"},
    {"parcel_resurvey",
     "id, office_id, old_section_code, old_section_name, old_number, new_section_code, new_number",
     "id"},
    {"parcel_addresses",
     "id, office_id, address, address_key, section_code, number, building_number", "id"},
    {"outbox",
     "id, office_id, case_id, event, occurrence, channel, lang, recipient, recipient_masked, "
     "subject, body_text, body_html, urgent, status, attempts, next_attempt_at, claimed_by, "
     "claimed_at, provider_id, last_error, created_at, sent_at, delivered_at, subject_kind, "
     "subject_id",
     "id"},
    {"message_templates", "office_id, event, channel, lang, subject, body, updated_at, updated_by",
     "office_id, event, channel, lang"},
    {"case_fees", "case_id, office_id, amount, set_by, set_at", "case_id"},
    {"case_check_failures", "case_id, day, failures", "case_id"},
    {"payments",
     "id, office_id, case_id, order_no, amount, currency, provider, provider_ref, redirect_url, "
     "status, created_at, updated_at, paid_at, expires_at",
     "id"},
    {"apply_drafts",
     "id, office_id, service_id, session_hash, resume_hash, resume_expires_at, contact_kind, "
     "contact, contact_hash, contact_masked, code_hash, code_expires_at, code_tries, codes_sent, "
     "code_sent_at, verified, applicant_name, answers, lang, case_id, case_token, created_at, "
     "updated_at, expires_at",
     "id"},
    {"upload_blobs", "sha256, size, bytes, created_at", "sha256", 4},
    {"uploads", "id, office_id, draft_id, case_id, sha256, name, mime, size, created_at", "id"},
    {"case_outcome_documents",
     "id, office_id, case_id, sha256, name, mime, size, created_at, created_by, created_by_name, "
     "withdrawn_at, withdrawn_by_name, withdrawn_reason",
     "id"},
    {"api_keys",
     "id, office_id, name, prefix, key_hash, created_at, created_by, last_used_at, revoked_at",
     "id"},
    {"api_requests",
     "case_id, office_id, api_key_id, description, answers, address, lat, lng, media_url, "
     "requested_at",
     "case_id"}, /* petitions (migration 27) */
    {"petition_categories",
     "id, office_id, code, name_zh, name_en, unit_id, answer_days, canned_zh, canned_en, sort",
     "id"},
    {"petition_sequences", "office_id, roc_year, last", "office_id, roc_year"},
    {"petitions",
     "id, office_id, petition_key, check_code, kind, channel, status, category_id, unit_id, "
     "subject, body, name_sealed, contact_kind, contact_sealed, contact_masked, contact_hash, "
     "lang, confidential, token_hash, code_hash, code_expires_at, code_tries, codes_sent, "
     "received_at, "
     "due_at, reminded_at, answered_at, flag, flag_by, flag_confirmed_by, transferred_to, "
     "answer, answer_state, answer_by, approved_by, duplicate_of, rating, rated_at",
     "id"},
    {"petition_events", "id, petition_id, office_id, at, kind, actor, note", "id"},
    {"petition_files", "id, petition_id, office_id, name, mime, size, bytes, created_at", "id", 4},
    /* booked visits (migration 26) */
    {"booking_config",
     "office_id, slot_minutes, capacity, lunch_service, services, pickup, consult_weekday, "
     "consult_start, consult_end, consult_capacity, consult_title_zh, consult_title_en, "
     "updated_at",
     "office_id"},
    {"booking_slot_counts", "office_id, lane, day, start_minute, booked",
     "office_id, lane, day, start_minute"},
    {"bookings",
     "id, office_id, token, kind, service_id, case_id, lane, day, start_minute, end_minute, "
     "name_sealed, name_masked, contact_sealed, channel, lang, status, created_at, updated_at, "
     "arrived_at, late, reminded_at",
     "id"},
    /* counter queues (migration 25) */
    {"queues", "id, office_id, code, name_zh, name_en, sort, is_open", "id"},
    {"queue_services", "queue_id, service_id", "queue_id, service_id"},
    {"counters", "id, office_id, number, unit_id, status, user_id, name", "id"},
    {"counter_queues", "counter_id, queue_id", "counter_id, queue_id"},
    {"queue_days", "queue_id, day, last_number", "queue_id, day"},
    {"tickets",
     "id, office_id, queue_id, day, number, code, service_id, waiting_queue_id, for_counter_id, "
     "counter_id, status, priority, channel, token_hash, taken_at, queued_at, first_called_at, "
     "called_at, served_at, done_at, note, notify_ahead, notify_channel, notify_to, notify_lang, "
     "notified_at, case_id, booking_id, booked",
     "id"},
    {"queue_calls", "id, office_id, ticket_id, counter_id, kind, at", "id"},
    /* booked check-in tickets, several matters per visit, queue setup (migration 31) */
    {"ticket_matters", "id, ticket_id, service_id, case_id, added_at", "id"},
    {"surveys", "id, office_id, slug, measure, collect, title_zh, title_en, definition, updated_at",
     "id"},
    {"survey_answers",
     "id, survey_id, wave, month, channel, case_id, service_id, unit_id, counter, answers, "
     "answered_at",
     "id"},
    {"quality_records",
     "id, office_id, unit_id, kind, held_on, topic, items, score, attendees, hours_tenths, "
     "recorded_by, recorded_at",
     "id"},
    /* plan control (migration 30) */
    {"plans", "id, office_id, roc_year, updated_at", "id"},
    {"plan_points",
     "id, plan_id, seq, item_no, item, point, unit_id, deadline, "
     "kpi_name, indicator, "
     "target_milli, target_unit",
     "id"},
    {"plan_progress", "id, point_id, month, unit_id, percent, body, author, at", "id"},
    /* plan evidence files (migration 34) */
    {"plan_evidence",
     "id, office_id, progress_id, sha256, name, mime, size, created_at, created_by, "
     "created_by_name",
     "id"},
};

enum { TABLE_COUNT = ARRAY_LEN(tables) };

const char *store_copy_table(size_t i, const char **columns)
{
  if (i >= TABLE_COUNT)
    return NULL;
  if (columns)
    *columns = tables[i].columns;
  return tables[i].name;
}

/* The statements, built once per process into fixed buffers: the SQLite backend caches
 * statements by the address of their SQL, so each text must keep its address and content. */
struct copy_sql {
  char select[2][COPY_SQL_MAX]; /* [0] SQLite, [1] PostgreSQL (they spell hex() apart) */
  char insert[COPY_SQL_MAX];
  char count[128];
};
static struct copy_sql sql_of[TABLE_COUNT];
static bool sql_built;

static size_t column_count(const char *columns)
{
  size_t n = 1;
  for (const char *p = columns; *p; p++)
    n += *p == ',';
  return n;
}

static void build_select(const struct copy_table *t, const char *hex, char *out, size_t size)
{
  const char *bytes = strstr(t->columns, "bytes");
  if (!bytes) {
    snprintf(out, size, "SELECT %s FROM %s ORDER BY %s LIMIT $1 OFFSET $2", t->columns, t->name,
             t->order);
    return;
  }
  snprintf(out, size, "SELECT %.*s%s AS bytes%s FROM %s ORDER BY %s LIMIT $1 OFFSET $2",
           (int)(bytes - t->columns), t->columns, hex, bytes + 5, t->name, t->order);
}

static void build_insert(const struct copy_table *t, char *out, size_t size)
{
  size_t used = (size_t)snprintf(out, size, "INSERT INTO %s (%s) VALUES (", t->name, t->columns);
  size_t n = column_count(t->columns);
  for (size_t i = 0; i < n && used < size; i++)
    used += (size_t)snprintf(out + used, size - used, "%s$%zu", i ? ", " : "", i + 1);
  if (used < size)
    snprintf(out + used, size - used, ")");
}

static void build_sql(void)
{
  if (sql_built)
    return;
  for (size_t i = 0; i < TABLE_COUNT; i++) {
    build_select(&tables[i], "lower(hex(bytes))", sql_of[i].select[0], COPY_SQL_MAX);
    build_select(&tables[i], "encode(bytes, 'hex')", sql_of[i].select[1], COPY_SQL_MAX);
    build_insert(&tables[i], sql_of[i].insert, COPY_SQL_MAX);
    snprintf(sql_of[i].count, sizeof(sql_of[i].count), "SELECT count(*) AS n FROM %s",
             tables[i].name);
  }
  sql_built = true;
}

/* One row of table t into to. Values keep their type; the BLOB column arrives as hex. */
static int insert_row(struct store *to, size_t t, json_t *row)
{
  struct db_param params[COPY_COLS_MAX];
  unsigned char *blob = NULL;
  size_t count = 0, blob_len = 0;
  const char *key;
  json_t *value;
  int rc = json_object_size(row) > COPY_COLS_MAX
               ? store_fail(to, ST_LIMIT, "%s has too many columns", tables[t].name)
               : ST_OK;
  json_object_foreach(row, key, value)
  {
    if (rc)
      goto out;
    if (strcmp(key, "bytes") == 0 && json_is_string(value) && !blob) {
      rc = str_unhex(json_string_value(value), &blob, &blob_len) == ST_OK
               ? ST_OK
               : store_fail(to, ST_DB, "file bytes came back in an unexpected form");
      params[count++] = (struct db_param){DB_BLOB, (int64_t)blob_len, (const char *)blob};
    } else if (json_is_integer(value)) {
      params[count++] = DB_I(json_integer_value(value));
    } else {
      params[count++] = json_is_string(value) ? DB_S(json_string_value(value)) : DB_NIL;
    }
  }
  if (!rc)
    rc = db_exec(to, sql_of[t].insert, params, count, NULL);
out:
  free(blob);
  return rc;
}

/* Copies table t in batches; *rows receives how many rows it had in from. */
static int copy_table(struct store *from, struct store *to, size_t t, int64_t *rows)
{
  const char *select = sql_of[t].select[strcmp(from->ops->name, "sqlite") == 0 ? 0 : 1];
  int rc = ST_OK;
  int64_t size = tables[t].batch ? tables[t].batch : COPY_BATCH;
  *rows = 0;
  for (;;) {
    json_t *batch = NULL;
    size_t i;
    json_t *row;
    rc = db_query(from, select, DB_ARGS(DB_I(size), DB_I(*rows)), &batch);
    if (rc)
      return store_fail(to, rc, "reading %s: %s", tables[t].name, store_last_error(from));
    size_t n = json_array_size(batch);
    json_array_foreach(batch, i, row)
    {
      if (!rc)
        rc = insert_row(to, t, row);
    }
    json_decref(batch);
    if (rc)
      return rc;
    *rows += (int64_t)n;
    if ((int64_t)n < size)
      return ST_OK;
  }
}

static int count_rows(struct store *store, size_t t, int64_t *n)
{
  return db_query_int(store, sql_of[t].count, NULL, 0, n);
}

static int check_empty(struct store *to)
{
  for (size_t t = 0; t < TABLE_COUNT; t++) {
    int64_t n = 0;
    int rc = count_rows(to, t, &n);
    if (rc)
      return rc;
    if (n)
      return store_fail(to, ST_CONFLICT, "the target is not empty: %s has %lld row(s)",
                        tables[t].name, (long long)n);
  }
  return ST_OK;
}

static int report_table(json_t *report, size_t t, int64_t rows)
{
  json_t *entry = json_pack("{s:s, s:I}", "table", tables[t].name, "rows", (json_int_t)rows);
  return entry && !json_array_append_new(report, entry) ? ST_OK : ST_NOMEM;
}

/* Copies every table, then checks each count in to against what was read from from. */
static int copy_all(struct store *from, struct store *to, json_t *report)
{
  int64_t copied[TABLE_COUNT];
  int rc = ST_OK;
  for (size_t t = 0; t < TABLE_COUNT && !rc; t++)
    rc = copy_table(from, to, t, &copied[t]);
  if (!rc && to->ops->copy_finish)
    rc = to->ops->copy_finish(to);
  if (!rc) /* the target's indicators count its log again */
    rc = db_exec(to, "UPDATE case_events SET kpi_counted = 0 WHERE kind = 'status'", NULL, 0, NULL);
  for (size_t t = 0; t < TABLE_COUNT && !rc; t++) {
    int64_t in_source = 0, in_target = 0;
    rc = count_rows(from, t, &in_source);
    if (!rc)
      rc = count_rows(to, t, &in_target);
    if (!rc && (in_target != copied[t] || in_source != copied[t]))
      rc = store_fail(
          to, ST_CONFLICT, "%s: %lld row(s) in the source, %lld copied, %lld in the target",
          tables[t].name, (long long)in_source, (long long)copied[t], (long long)in_target);
    if (!rc)
      rc = report_table(report, t, copied[t]);
  }
  return rc;
}

int store_copy(struct store *from, struct store *to, json_t **report)
{
  int from_version = 0, to_version = 0;
  json_t *list = json_array();
  build_sql();
  int rc = list ? store_schema_version(from, &from_version) : ST_NOMEM;
  if (!rc)
    rc = store_schema_version(to, &to_version);
  if (!rc && from_version != to_version)
    rc = store_fail(to, ST_INVALID, "schema versions differ: source %d, target %d", from_version,
                    to_version);
  if (!rc)
    rc = store_begin(to);
  if (!rc)
    rc = check_empty(to);
  if (!rc)
    rc = copy_all(from, to, list);
  if (!rc)
    rc = store_commit(to);
  if (rc) {
    store_rollback(to);
    json_decref(list);
    return rc;
  }
  if (report)
    *report = list;
  else
    json_decref(list);
  return ST_OK;
}
