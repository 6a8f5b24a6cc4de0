/*
 * outbox.c - the notification outbox and the offices' message templates, in portable SQL over
 * the db.h seam (ARCHITECTURE.md "Background work"). A message is inserted in the transaction
 * of the state change it reports; workers claim, send and record the outcome. Every outcome
 * update is guarded by the claim (status 'sending' and claimed_by), so a worker whose claim
 * was taken over after it stalled cannot overwrite what another recorded, and a message marked
 * sent or delivered is never claimed again.
 */
#include <stdbool.h>
#include <string.h>

#include "store/db.h"
#include "store/store_impl.h"

#include "base/common.h"

#define OUTBOX_COLUMNS                                                                             \
  "id, office_id, case_id, event, occurrence, channel, lang, recipient, recipient_masked, "        \
  "subject, body_text, body_html, urgent, status, attempts, next_attempt_at, claimed_by, "         \
  "claimed_at, provider_id, last_error, created_at, sent_at, delivered_at, subject_kind, "         \
  "subject_id"

/* Columns shown on pages: no recipient and no HTML body, but the values of a message queued as
 * data (body_html holding a JSON object, domain/notify.h notify_message_values) as "data". */
#define OUTBOX_LIST_COLUMNS                                                                        \
  "id, office_id, case_id, event, occurrence, channel, lang, recipient_masked, subject, "          \
  "body_text, urgent, status, attempts, next_attempt_at, claimed_by, claimed_at, provider_id, "    \
  "last_error, created_at, sent_at, delivered_at, subject_kind, subject_id, CASE WHEN "            \
  "substr(body_html, 1, 1) = '{' THEN body_html ELSE '' END AS data"

/* What a worker may claim: due messages, and claims older than $3 (their worker died). */
#define OUTBOX_CLAIMABLE                                                                           \
  "((status IN ('queued', 'failed_temp') AND next_attempt_at <= $2) OR (status = 'sending' AND "   \
  "claimed_at < $3)) AND (($4 = 1 AND channel = 'sms') OR ($5 = 1 AND channel = 'email'))"

int store_outbox_enqueue(struct store *store, json_t *m, int64_t *id)
{
  /* A case's message names its case as subject (subject_id = case_id), so the one unique index
   * on the subject covers both kinds of message (migration 16). */
  static const char sql[] =
      "INSERT INTO outbox (office_id, case_id, event, occurrence, channel, lang, recipient, "
      "recipient_masked, subject, body_text, body_html, urgent, status, attempts, "
      "next_attempt_at, last_error, created_at, subject_kind, subject_id) VALUES ($1, $2, $3, $4, "
      "$5, $6, $7, $8, $9, $10, $11, $12, $13, 0, $14, $15, $16, $17, $18) ON CONFLICT "
      "(subject_kind, subject_id, event, occurrence, channel) DO NOTHING RETURNING id";
  int64_t case_id = db_int(m, "case_id");
  const char *kind = db_text(m, "subject_kind");
  bool is_case = case_id > 0;
  const struct db_param p[] = {
      DB_I(db_int(m, "office_id")),   is_case ? DB_I(case_id) : DB_NIL,
      DB_S(db_text(m, "event")),      DB_I(db_int(m, "occurrence")),
      DB_S(db_text(m, "channel")),    DB_S(db_text(m, "lang")),
      DB_S(db_text(m, "recipient")),  DB_S(db_text(m, "recipient_masked")),
      DB_S(db_text(m, "subject")),    DB_S(db_text(m, "body_text")),
      DB_S(db_text(m, "body_html")),  DB_I(db_int(m, "urgent")),
      DB_S(db_text(m, "status")),     DB_I(db_int(m, "next_attempt_at")),
      DB_S(db_text(m, "last_error")), DB_I(db_int(m, "created_at")),
      DB_S(is_case ? "case" : kind),  DB_I(is_case ? case_id : db_int(m, "subject_id")),
  };
  if (!is_case && (!kind || !*kind || !strcmp(kind, "case")))
    return store_fail(store, ST_INVALID, "outbox: a message needs a case or another subject");
  int rc = db_query_int(store, sql, p, ARRAY_LEN(p), id);
  if (rc == ST_NOTFOUND) {
    *id = 0; /* already queued: at most one message per subject, event and channel */
    rc = ST_OK;
  }
  return rc;
}

int store_outbox_claim(struct store *store, const char *node, int64_t now, int64_t stale_before,
                       bool sms, bool email, json_t **out)
{
  /* One statement, so the claim is atomic on both backends, and the outer condition re-checks
   * the row: of two workers that picked the same id only one changes it (the other's UPDATE
   * finds it 'sending' with a fresh claimed_at). SQLite has one writer at a time. On
   * PostgreSQL the pick also locks the row with SKIP LOCKED, so concurrent workers on other
   * nodes take the next message instead of losing a race and waiting a poll interval. */
  static const char sql[] =
      "UPDATE outbox SET status = 'sending', claimed_by = $1, claimed_at = $2, attempts = "
      "attempts + 1 WHERE id = (SELECT id FROM outbox WHERE " OUTBOX_CLAIMABLE
      " ORDER BY id LIMIT 1) AND " OUTBOX_CLAIMABLE " RETURNING " OUTBOX_COLUMNS;
  static const char sql_pg[] =
      "UPDATE outbox SET status = 'sending', claimed_by = $1, claimed_at = $2, attempts = "
      "attempts + 1 WHERE id = (SELECT id FROM outbox WHERE " OUTBOX_CLAIMABLE
      " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) AND " OUTBOX_CLAIMABLE
      " RETURNING " OUTBOX_COLUMNS;
  bool pg = strcmp(store->ops->name, "postgresql") == 0;
  return db_query_one(
      store, pg ? sql_pg : sql,
      DB_ARGS(DB_S(node), DB_I(now), DB_I(stale_before), DB_I(sms ? 1 : 0), DB_I(email ? 1 : 0)),
      out);
}

int store_outbox_sent(struct store *store, int64_t id, const char *node, const char *provider_id,
                      int64_t now, bool *applied)
{
  return store_outbox_sent_text(store, id, node, provider_id, now, NULL, NULL, NULL, applied);
}

int store_outbox_sent_text(struct store *store, int64_t id, const char *node,
                           const char *provider_id, int64_t now, const char *subject,
                           const char *text, const char *html, bool *applied)
{
  /* $5 = 1: the text the message was rendered to replaces its values (domain/notify.h). */
  static const char sql[] =
      "UPDATE outbox SET status = 'sent', provider_id = $3, sent_at = $4, last_error = '', "
      "subject = CASE WHEN $5 = 1 THEN $6 ELSE subject END, body_text = CASE WHEN $5 = 1 THEN $7 "
      "ELSE body_text END, body_html = CASE WHEN $5 = 1 THEN $8 ELSE body_html END WHERE id = $1 "
      "AND status = 'sending' AND claimed_by = $2";
  int64_t changes = 0;
  bool set = text != NULL;
  int rc =
      db_exec(store, sql,
              DB_ARGS(DB_I(id), DB_S(node), DB_S(provider_id && *provider_id ? provider_id : NULL),
                      DB_I(now), DB_I(set ? 1 : 0), DB_S(subject ? subject : ""),
                      DB_S(text ? text : ""), DB_S(html ? html : "")),
              &changes);
  *applied = changes == 1;
  return rc;
}

int store_outbox_failed(struct store *store, int64_t id, const char *node, const char *error,
                        int64_t retry_at, int64_t max_attempts, bool *applied)
{
  static const char sql[] =
      "UPDATE outbox SET status = CASE WHEN attempts >= $5 THEN 'failed' ELSE 'failed_temp' END, "
      "next_attempt_at = $4, last_error = $3 WHERE id = $1 AND status = 'sending' AND "
      "claimed_by = $2";
  int64_t changes = 0;
  int rc = db_exec(store, sql,
                   DB_ARGS(DB_I(id), DB_S(node), DB_S(error), DB_I(retry_at), DB_I(max_attempts)),
                   &changes);
  *applied = changes == 1;
  return rc;
}

int store_outbox_receipt(struct store *store, int64_t id, const char *provider_id, bool delivered,
                         const char *error, int64_t now)
{
  static const char sql[] =
      "UPDATE outbox SET status = CASE WHEN $3 = 1 THEN 'delivered' ELSE 'failed' END, "
      "delivered_at = CASE WHEN $3 = 1 THEN $5 ELSE delivered_at END, last_error = $4 WHERE "
      "channel = 'sms' AND status IN ('sending', 'sent', 'delivered') AND ((id = $1 AND $1 > 0) "
      "OR (provider_id = $2 AND $2 <> ''))";
  int64_t changes = 0;
  int rc = db_exec(store, sql,
                   DB_ARGS(DB_I(id), DB_S(provider_id ? provider_id : ""), DB_I(delivered ? 1 : 0),
                           DB_S(error ? error : ""), DB_I(now)),
                   &changes);
  if (!rc && changes == 0)
    rc = store_fail(store, ST_NOTFOUND, "no such message");
  return rc;
}

int store_outbox_retry(struct store *store, int64_t office_id, int64_t id, int64_t now)
{
  static const char sql[] =
      "UPDATE outbox SET status = 'queued', attempts = 0, next_attempt_at = $3, claimed_by = "
      "NULL, claimed_at = NULL WHERE id = $1 AND office_id = $2 AND status IN ('failed', "
      "'failed_temp')";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id), DB_I(office_id), DB_I(now)), &changes);
  if (!rc && changes != 1)
    rc = store_fail(store, ST_NOTFOUND, "no such failed message");
  return rc;
}

int store_outbox_for_case(struct store *store, int64_t case_id, json_t **out)
{
  static const char sql[] =
      "SELECT " OUTBOX_LIST_COLUMNS " FROM outbox WHERE case_id = $1 ORDER BY id";
  return db_query(store, sql, DB_ARGS(DB_I(case_id)), out);
}

int store_outbox_list(struct store *store, int64_t office_id, const char *status, int64_t limit,
                      json_t **out)
{
  static const char sql[] =
      "SELECT o.id, o.case_id, c.case_key, o.subject_kind, o.subject_id, o.event, o.channel, "
      "o.lang, o.recipient_masked, o.status, o.attempts, o.next_attempt_at, o.last_error, "
      "o.created_at, o.sent_at FROM outbox o LEFT JOIN cases c ON c.id = o.case_id WHERE "
      "o.office_id = $1 AND (($2 = '' AND "
      "o.status IN ('failed', 'failed_temp')) OR o.status = $2) ORDER BY o.id DESC LIMIT $3";
  return db_query(store, sql, DB_ARGS(DB_I(office_id), DB_S(status), DB_I(limit)), out);
}

int store_outbox_get(struct store *store, int64_t office_id, int64_t id, json_t **out)
{
  static const char sql[] =
      "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = $1 AND office_id = $2";
  return db_query_one(store, sql, DB_ARGS(DB_I(id), DB_I(office_id)), out);
}

int store_case_event_count(struct store *store, int64_t case_id, const char *kind, int64_t *n)
{
  static const char sql[] =
      "SELECT count(*) AS n FROM case_events WHERE case_id = $1 AND kind = $2";
  return db_query_int(store, sql, DB_ARGS(DB_I(case_id), DB_S(kind)), n);
}

int store_message_template_get(struct store *store, int64_t office_id, const char *event,
                               const char *channel, const char *lang, json_t **out)
{
  static const char sql[] =
      "SELECT office_id, event, channel, lang, subject, body, updated_at, updated_by FROM "
      "message_templates WHERE office_id = $1 AND event = $2 AND channel = $3 AND lang = $4";
  return db_query_one(store, sql, DB_ARGS(DB_I(office_id), DB_S(event), DB_S(channel), DB_S(lang)),
                      out);
}

int store_message_template_put(struct store *store, int64_t office_id, const char *event,
                               const char *channel, const char *lang, const char *subject,
                               const char *body, int64_t now, const char *by)
{
  static const char sql[] =
      "INSERT INTO message_templates (office_id, event, channel, lang, subject, body, "
      "updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (office_id, "
      "event, channel, lang) DO UPDATE SET subject = excluded.subject, body = excluded.body, "
      "updated_at = excluded.updated_at, updated_by = excluded.updated_by";
  return db_exec(store, sql,
                 DB_ARGS(DB_I(office_id), DB_S(event), DB_S(channel), DB_S(lang), DB_S(subject),
                         DB_S(body), DB_I(now), DB_S(by)),
                 NULL);
}

int store_message_template_delete(struct store *store, int64_t office_id, const char *event,
                                  const char *channel, const char *lang)
{
  static const char sql[] = "DELETE FROM message_templates WHERE office_id = $1 AND event = $2 "
                            "AND channel = $3 AND lang = $4";
  return db_exec(store, sql, DB_ARGS(DB_I(office_id), DB_S(event), DB_S(channel), DB_S(lang)),
                 NULL);
}

int store_message_template_list(struct store *store, int64_t office_id, json_t **out)
{
  static const char sql[] =
      "SELECT office_id, event, channel, lang, subject, body, updated_at, updated_by FROM "
      "message_templates WHERE office_id = $1 ORDER BY event, channel, lang";
  return db_query(store, sql, DB_ARGS(DB_I(office_id)), out);
}
