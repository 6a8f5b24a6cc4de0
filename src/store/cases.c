/*
 * cases.c - cases, their timeline, clock pauses, numbering, delegation and staff presence, in
 * portable SQL over the db.h seam. Every lookup takes the office id, so a record of another
 * office is "not found".
 */
#include <stdbool.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/str.h"
#include "store/case_mirror.h"
#include "store/case_read.h"
#include "store/db.h"
#include "store/store_impl.h"

#include "base/common.h"

#define CASE_COLUMNS                                                                               \
  "id, office_id, service_id, unit_id, roc_year, word_code, serial, case_key, check_code, "        \
  "workflow, status, channel, handler_id, counter, received_at, time_limit_minutes, "              \
  "extension_minutes, due_at, due_state, paused_since, correction_count, correction_items, "       \
  "correction_deadline, second_correction_approved, overdue_reason, overdue_new_date, "            \
  "fee_amount, documents, applicant_name, applicant_name_masked, applicant_id, "                   \
  "applicant_id_hash, applicant_phone, applicant_email, applicant_name_hash, notify, lang, "       \
  "picked_up_at, closed_at, updated_at, answers, description, workflow_version"

static struct db_param opt_id(int64_t v)
{
  return v > 0 ? DB_I(v) : DB_NIL;
}

static int one_change(struct store *store, int rc, int64_t changes)
{
  if (rc)
    return rc;
  return changes == 1 ? ST_OK : store_fail(store, ST_NOTFOUND, "no such case");
}

int store_case_next_serial(struct store *store, int64_t office_id, const char *word_code,
                           int roc_year, int64_t *serial)
{
  static const char sql[] =
      "INSERT INTO case_sequences (office_id, word_code, roc_year, last_serial) VALUES ($1, $2, "
      "$3, 1) ON CONFLICT (office_id, word_code, roc_year) DO UPDATE SET last_serial = "
      "case_sequences.last_serial + 1 RETURNING last_serial";
  return db_query_int(store, sql, DB_ARGS(DB_I(office_id), DB_S(word_code), DB_I(roc_year)),
                      serial);
}

int store_case_insert(struct store *store, json_t *c, int64_t *id)
{
  static const char sql[] =
      "INSERT INTO cases (office_id, service_id, unit_id, roc_year, word_code, serial, case_key, "
      "check_code, qr_token_hash, workflow, status, channel, handler_id, counter, received_at, "
      "time_limit_minutes, due_at, fee_amount, documents, applicant_name, applicant_name_masked, "
      "applicant_id, applicant_id_hash, applicant_phone, applicant_email, applicant_name_hash, "
      "notify, lang, updated_at, workflow_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
      "$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, "
      "$28, $15, $29) "
      "RETURNING id";
  const struct db_param p[] = {
      DB_I(db_int(c, "office_id")),
      DB_I(db_int(c, "service_id")),
      opt_id(db_int(c, "unit_id")),
      DB_I(db_int(c, "roc_year")),
      DB_S(db_text(c, "word_code")),
      DB_I(db_int(c, "serial")),
      DB_S(db_text(c, "case_key")),
      DB_S(db_text(c, "check_code")),
      DB_S(db_text(c, "qr_token_hash")),
      DB_S(db_text(c, "workflow")),
      DB_S(db_text(c, "status")),
      DB_S(db_text(c, "channel")),
      opt_id(db_int(c, "handler_id")),
      DB_S(db_text(c, "counter")),
      DB_I(db_int(c, "received_at")),
      DB_I(db_int(c, "time_limit_minutes")),
      DB_I(db_int(c, "due_at")),
      DB_I(db_int(c, "fee_amount")),
      DB_S(db_text(c, "documents")),
      DB_S(db_text(c, "applicant_name")),
      DB_S(db_text(c, "applicant_name_masked")),
      DB_S(db_text(c, "applicant_id")),
      DB_S(db_text(c, "applicant_id_hash")),
      DB_S(db_text(c, "applicant_phone")),
      DB_S(db_text(c, "applicant_email")),
      DB_S(db_text(c, "applicant_name_hash")),
      DB_S(db_text(c, "notify")),
      DB_S(db_text(c, "lang")),
      DB_I(db_int(c, "workflow_version") > 0 ? db_int(c, "workflow_version") : 1),
  };
  return db_query_int(store, sql, p, ARRAY_LEN(p), id);
}

int store_case_get(struct store *store, int64_t office_id, int64_t id, json_t **out)
{
  static const char sql[] = "SELECT " CASE_COLUMNS " FROM cases WHERE id = $1 AND office_id = $2";
  return db_query_one(store, sql, DB_ARGS(DB_I(id), DB_I(office_id)), out);
}

int store_case_by_key(struct store *store, int64_t office_id, const char *case_key, json_t **out)
{
  static const char sql[] =
      "SELECT " CASE_COLUMNS " FROM cases WHERE office_id = $1 AND case_key = $2";
  return db_query_one(store, sql, DB_ARGS(DB_I(office_id), DB_S(case_key)), out);
}

int store_case_by_token(struct store *store, const char *token_hash, json_t **out)
{
  static const char sql[] = "SELECT " CASE_COLUMNS " FROM cases WHERE qr_token_hash = $1";
  return db_query_one(store, sql, DB_ARGS(DB_S(token_hash)), out);
}

int store_case_set_status(struct store *store, int64_t id, const char *status, int64_t now,
                          bool final)
{
  static const char sql[] = "UPDATE cases SET status = $2, updated_at = $3, closed_at = CASE "
                            "WHEN $4 = 1 THEN $3 ELSE closed_at END WHERE id = $1";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id), DB_S(status), DB_I(now), DB_I(final)), &changes);
  return one_change(store, rc, changes);
}

int store_case_set_handler(struct store *store, int64_t id, int64_t handler_id, const char *counter,
                           int64_t now)
{
  static const char sql[] =
      "UPDATE cases SET handler_id = $2, counter = $3, updated_at = $4 WHERE id = $1";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id), opt_id(handler_id), DB_S(counter), DB_I(now)),
                   &changes);
  return one_change(store, rc, changes);
}

int store_case_set_clock(struct store *store, int64_t id, int64_t due_at, const char *due_state,
                         int64_t paused_since, int64_t extension_minutes, int64_t now)
{
  static const char sql[] =
      "UPDATE cases SET due_at = $2, due_state = $3, paused_since = $4, extension_minutes = $5, "
      "updated_at = $6 WHERE id = $1";
  int64_t changes = 0;
  int rc = db_exec(store, sql,
                   DB_ARGS(DB_I(id), opt_id(due_at), DB_S(due_state), opt_id(paused_since),
                           DB_I(extension_minutes), DB_I(now)),
                   &changes);
  return one_change(store, rc, changes);
}

int store_case_set_due_state(struct store *store, int64_t id, const char *from,
                             const char *due_state, bool *moved)
{
  static const char sql[] = "UPDATE cases SET due_state = $3 WHERE id = $1 AND due_state = $2";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id), DB_S(from), DB_S(due_state)), &changes);
  *moved = changes == 1;
  return rc;
}

int store_case_set_correction(struct store *store, int64_t id, const char *items,
                              const char *deadline, int64_t count, int64_t now)
{
  static const char sql[] =
      "UPDATE cases SET correction_items = $2, correction_deadline = $3, correction_count = $4, "
      "second_correction_approved = 0, updated_at = $5 WHERE id = $1";
  int64_t changes = 0;
  int rc = db_exec(
      store, sql, DB_ARGS(DB_I(id), DB_S(items), DB_S(deadline), DB_I(count), DB_I(now)), &changes);
  return one_change(store, rc, changes);
}

int store_case_approve_correction(struct store *store, int64_t id, int64_t now)
{
  static const char sql[] =
      "UPDATE cases SET second_correction_approved = 1, updated_at = $2 WHERE id = $1";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id), DB_I(now)), &changes);
  return one_change(store, rc, changes);
}

int store_case_set_correction_approval(struct store *store, int64_t id, int64_t state, int64_t now)
{
  static const char sql[] =
      "UPDATE cases SET second_correction_approved = $2, updated_at = $3 WHERE id = $1";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id), DB_I(state), DB_I(now)), &changes);
  return one_change(store, rc, changes);
}

/* Every correction of the office's cases issued in [from, to) that is not the case's first
 * (an earlier move to "correction" on the same case's timeline): their times, oldest first. */
int store_case_second_corrections(struct store *store, int64_t office_id, int64_t from, int64_t to,
                                  json_t **out)
{
  static const char sql[] =
      "SELECT e.at FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.office_id = $1 "
      "AND e.kind = 'status' AND e.to_status = 'correction' AND e.at >= $2 AND e.at < $3 AND "
      "EXISTS (SELECT 1 FROM case_events p WHERE p.case_id = e.case_id AND p.kind = 'status' AND "
      "p.to_status = 'correction' AND p.id < e.id) ORDER BY e.at";
  return db_query(store, sql, DB_ARGS(DB_I(office_id), DB_I(from), DB_I(to)), out);
}

int store_case_set_overdue(struct store *store, int64_t id, const char *reason,
                           const char *new_date, int64_t now)
{
  static const char sql[] = "UPDATE cases SET overdue_reason = $2, overdue_new_date = $3, "
                            "updated_at = $4 WHERE id = $1";
  int64_t changes = 0;
  int rc =
      db_exec(store, sql, DB_ARGS(DB_I(id), DB_S(reason), DB_S(new_date), DB_I(now)), &changes);
  return one_change(store, rc, changes);
}

int store_case_set_pickup(struct store *store, int64_t id, int64_t at)
{
  static const char sql[] = "UPDATE cases SET picked_up_at = $2, updated_at = $2 WHERE id = $1";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id), DB_I(at)), &changes);
  return one_change(store, rc, changes);
}

/* ---- the public history on the case row (migration 36) --------------------------------------
 * cases.public_history is the part of case_events the public timeline shows, in id order: per
 * event the fields id, at, public (0/1), kind, from_status, to_status, note, data (note and
 * data "" unless public), each written "<byte length>:<bytes>,". Any text fits (a length, not
 * a delimiter, ends a field); decoding copies the column once into the arena and cuts each
 * field in place (its ',' becomes the NUL). The migration's backfill writes the same bytes. */

/* An event is at least "0:," eight times. */
enum { HISTORY_FIELDS = 8, HISTORY_EVENT_MIN = 3 * HISTORY_FIELDS, HISTORY_EVENT_MAX = 1 << 20 };

/* One field: length, ':', bytes, ','. */
static int history_put(struct buf *b, const char *s, size_t len)
{
  int rc = buf_put_int(b, (int64_t)len);
  if (!rc)
    rc = buf_putc(b, ':');
  if (!rc)
    rc = buf_append(b, s, len);
  return rc ? rc : buf_putc(b, ',');
}

/* The event (store_case_event_add's JSON) with its id, as the history holds it. */
static int history_encode(struct buf *b, int64_t id, const json_t *e, bool public)
{
  const int64_t ints[] = {id, db_int(e, "at"), public};
  const char *texts[] = {db_text(e, "kind"), db_text(e, "from_status"), db_text(e, "to_status"),
                         public ? db_text(e, "note") : "", public ? db_text(e, "data") : ""};
  char digits[STR_DECIMAL_SIZE];
  int rc = ST_OK;
  for (size_t i = 0; !rc && i < ARRAY_LEN(ints); i++)
    rc = history_put(b, digits, str_decimal(ints[i], 0, digits));
  for (size_t i = 0; !rc && i < ARRAY_LEN(texts); i++)
    rc = history_put(b, texts[i], strlen(texts[i]));
  return rc;
}

/* Appends the event to its case's row. Under concurrent writers (PostgreSQL) two events of one
 * case may be appended in another order than their ids: the reader sorts by id. */
static int history_append(struct store *store, int64_t case_id, int64_t id, const json_t *e,
                          bool public)
{
  static const char sql[] = "UPDATE cases SET public_history = public_history || $2 WHERE id = $1";
  struct buf b;
  int64_t changes = 0;
  buf_init(&b, HISTORY_EVENT_MAX);
  int rc = history_encode(&b, id, e, public);
  if (rc == ST_LIMIT)
    rc = store_fail(store, rc, "case %lld: event too large for its history", (long long)case_id);
  else if (!rc)
    rc = db_exec(store, sql, DB_ARGS(DB_I(case_id), DB_S(b.data)), &changes);
  rc = one_change(store, rc, changes);
  buf_free(&b);
  return rc;
}

/* The one place events are written: into case_events (the record) and, when the public timeline
 * shows it (public, or a status move), onto the case's row, in the caller's transaction. */
int store_case_event_add(struct store *store, json_t *e)
{
  static const char sql[] =
      "INSERT INTO case_events (case_id, at, actor_id, actor, on_behalf_of, kind, from_status, "
      "to_status, note, public, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
      "RETURNING id";
  bool public = json_is_true(json_object_get(e, "public"));
  int64_t case_id = db_int(e, "case_id"), id = 0;
  int rc = db_query_int(store, sql,
                        DB_ARGS(DB_I(case_id), DB_I(db_int(e, "at")), DB_I(db_int(e, "actor_id")),
                                DB_S(db_text(e, "actor")), DB_S(db_text(e, "on_behalf_of")),
                                DB_S(db_text(e, "kind")), DB_S(db_text(e, "from_status")),
                                DB_S(db_text(e, "to_status")), DB_S(db_text(e, "note")),
                                DB_I(public), DB_S(db_text(e, "data"))),
                        &id);
  if (!rc && (public || strcmp(db_text(e, "kind"), "status") == 0))
    rc = history_append(store, case_id, id, e, public);
  return rc;
}

int store_case_events(struct store *store, int64_t case_id, bool public_only, json_t **out)
{
  static const char sql[] =
      "SELECT id, case_id, at, actor_id, actor, on_behalf_of, kind, from_status, to_status, "
      "note, public, data FROM case_events WHERE case_id = $1 AND ($2 = 0 OR public = 1) ORDER "
      "BY id";
  return db_query(store, sql, DB_ARGS(DB_I(case_id), DB_I(public_only)), out);
}

int store_case_pause_start(struct store *store, int64_t case_id, int64_t at)
{
  static const char sql[] = "INSERT INTO case_pauses (case_id, from_at) VALUES ($1, $2)";
  return db_exec(store, sql, DB_ARGS(DB_I(case_id), DB_I(at)), NULL);
}

int store_case_pause_end(struct store *store, int64_t case_id, int64_t at)
{
  static const char sql[] =
      "UPDATE case_pauses SET to_at = $2 WHERE case_id = $1 AND to_at IS NULL";
  return db_exec(store, sql, DB_ARGS(DB_I(case_id), DB_I(at)), NULL);
}

int store_case_pauses(struct store *store, int64_t case_id, json_t **out)
{
  static const char sql[] =
      "SELECT from_at, to_at FROM case_pauses WHERE case_id = $1 ORDER BY from_at";
  return db_query(store, sql, DB_ARGS(DB_I(case_id)), out);
}

/* The work list. scope: "mine" (handler_id = user, or a handler the user stands in for on
 * today), "unit" (unit_id; 0 = the whole office). filter: "" (all open), "due_soon", "overdue",
 * "correction", "closed". query: a case key prefix, or an applicant name hash (exact). */
/* The correction requests (second_correction_approved = 2, asked) of the cases a supervisor of
 * unit $5 decides: the unit's, or with unit 0 (an office supervisor) those without a unit and
 * those of a unit without an active supervisor (so no request goes unseen); and the decisions
 * (3 refused, 4 approved) the handler has not yet noted (case_corrections.c). */
#define WL_AWAITING                                                                                \
  "c.second_correction_approved = 2 AND (c.unit_id = $5 OR ($5 = 0 AND (c.unit_id IS NULL OR "     \
  "NOT EXISTS (SELECT 1 FROM users s WHERE s.office_id = c.office_id AND s.unit_id = c.unit_id "   \
  "AND (s.roles & 4) <> 0 AND s.disabled = 0))))"
#define WL_DECIDED "c.second_correction_approved IN (3, 4)"
/* The search: none ($7 and $8 empty), a case number's key prefix ($7) or the keyed hash of an
 * applicant's exact name ($8). Only the one given is compared: an empty prefix would match
 * every key. */
#define WL_SEARCH                                                                                  \
  "(($7 = '' AND $8 = '') OR ($7 <> '' AND c.case_key LIKE $7 || '%') OR ($8 <> '' AND "           \
  "c.applicant_name_hash = $8))"
#define CASE_LIST_SELECT                                                                           \
  "SELECT c.id, c.case_key, c.roc_year, c.word_code, c.serial, c.service_id, c.unit_id, "          \
  "c.status, c.channel, c.handler_id, c.counter, c.received_at, c.due_at, c.due_state, "           \
  "c.applicant_name_masked, c.correction_count, u.display_name AS handler_name, c.workflow, "      \
  "c.workflow_version FROM cases c "                                                               \
  "LEFT JOIN users u ON u.id = c.handler_id WHERE c.office_id = $1 AND ("
#define CASE_LIST_WHERE                                                                            \
  "($2 = 'mine' AND (c.handler_id = $3 OR c.handler_id IN (SELECT user_id FROM delegations "       \
  "WHERE delegate_id = $3 AND starts_on <= $4 AND ends_on >= $4))) OR ($2 = 'unit' AND ($5 = "     \
  "0 OR c.unit_id = $5)) OR $2 = 'office') AND (CASE $6 WHEN 'due_soon' THEN c.due_state = "       \
  "'due_soon' AND c.closed_at IS NULL WHEN 'overdue' THEN c.due_state = 'overdue' AND "            \
  "c.closed_at IS NULL WHEN 'correction' THEN c.status = 'correction' WHEN 'closed' THEN "         \
  "c.closed_at IS NOT NULL WHEN 'awaiting' THEN c.closed_at IS NULL AND " WL_AWAITING " WHEN "     \
  "'decided' THEN c.closed_at IS NULL AND " WL_DECIDED                                             \
  " ELSE c.closed_at IS NULL END) AND " WL_SEARCH " ORDER BY CASE WHEN c.due_at IS NULL THEN 1 "   \
  "ELSE 0 END, c.due_at, c.id LIMIT $9"

/* The work list per scope (migration 11): each scope has its own statement, so that a partial
 * index on the open cases (closed_at IS NULL) finds only the scope's open cases: "mine" through
 * (office_id, handler_id, due_at, …) for the user and everyone they stand in for, "unit"
 * through (office_id, unit_id, due_at, …), the office through (office_id, due_at, …). The
 * indexes also hold every column the conditions read, so the page's ids are sorted from the
 * index alone and only the page's rows are read from the table (the inner SELECT). The closed
 * list reads the scope's cases the same way, without the partial indexes. Both answer exactly
 * what the generic query above does (tests/unit/cases_test.c compares them). */
#define WL_COLUMNS                                                                                 \
  "SELECT c.id, c.case_key, c.roc_year, c.word_code, c.serial, c.service_id, c.unit_id, "          \
  "c.status, c.channel, c.handler_id, c.counter, c.received_at, c.due_at, c.due_state, "           \
  "c.applicant_name_masked, c.correction_count, u.display_name AS handler_name, c.workflow, "      \
  "c.workflow_version FROM cases c "                                                               \
  "LEFT JOIN users u ON u.id = c.handler_id WHERE c.id IN (SELECT c.id FROM cases c WHERE "        \
  "c.office_id = $1 AND "
#define WL_COUNT "SELECT count(*) AS n FROM cases c WHERE c.office_id = $1 AND "
#define WL_MINE                                                                                    \
  "c.handler_id IN (SELECT $3 UNION ALL SELECT user_id FROM delegations WHERE delegate_id = $3 "   \
  "AND starts_on <= $4 AND ends_on >= $4) AND "
#define WL_UNIT   "c.unit_id = $5 AND "
#define WL_OFFICE ""
#define WL_OPEN                                                                                    \
  "c.closed_at IS NULL AND (CASE $6 WHEN 'due_soon' THEN c.due_state = 'due_soon' WHEN "           \
  "'overdue' THEN c.due_state = 'overdue' WHEN 'correction' THEN c.status = 'correction' WHEN "    \
  "'awaiting' THEN " WL_AWAITING " WHEN 'decided' THEN " WL_DECIDED " ELSE 1 = 1 END) AND "
#define WL_CLOSED "c.closed_at IS NOT NULL AND "
#define WL_SORT   " ORDER BY CASE WHEN c.due_at IS NULL THEN 1 ELSE 0 END, c.due_at, c.id"
#define WL_ORDER  WL_SORT " LIMIT $9 OFFSET $10)" WL_SORT
#define WL_SCOPES(head, tail)                                                                      \
  {                                                                                                \
    {head WL_MINE WL_OPEN WL_SEARCH tail, head WL_MINE WL_CLOSED WL_SEARCH tail},                  \
        {head WL_UNIT WL_OPEN WL_SEARCH tail, head WL_UNIT WL_CLOSED WL_SEARCH tail},              \
    {                                                                                              \
      head WL_OFFICE WL_OPEN WL_SEARCH tail, head WL_OFFICE WL_CLOSED WL_SEARCH tail               \
    }                                                                                              \
  }

/* Which statement of WL_SCOPES: [scope][closed]. A unit of 0 is the whole office. */
static void worklist_variant(const struct store_case_filter *f, size_t *scope, size_t *closed)
{
  *scope = !strcmp(f->scope, "mine") ? 0 : (!strcmp(f->scope, "unit") && f->unit_id) ? 1 : 2;
  *closed = strcmp(f->filter, "closed") == 0;
}

#define WL_PARAMS(f)                                                                               \
  DB_I((f)->office_id), DB_S((f)->scope), DB_I((f)->user_id), DB_S((f)->today),                    \
      DB_I((f)->unit_id), DB_S((f)->filter), DB_S((f)->key_prefix), DB_S((f)->name_hash),          \
      DB_I((f)->limit), DB_I((f)->offset > 0 ? (f)->offset : 0)

/* The work-list statement for filter f: the generic one without open statuses, else the
 * scope's (see ARCHITECTURE.md, Cases). */
static const char *case_list_sql(const struct store_case_filter *f)
{
  static const char plain[] = CASE_LIST_SELECT CASE_LIST_WHERE " OFFSET $10";
  static const char *const sql[3][2] = WL_SCOPES(WL_COLUMNS, WL_ORDER);
  size_t scope, closed;
  if (f->open_count == 0 || f->open_count > STORE_OPEN_STATUSES_MAX)
    return plain;
  worklist_variant(f, &scope, &closed);
  return sql[scope][closed];
}

int store_case_list(struct store *store, const struct store_case_filter *f, json_t **out)
{
  return db_query(store, case_list_sql(f), DB_ARGS(WL_PARAMS(f)), out);
}

int store_case_count(struct store *store, const struct store_case_filter *f, int64_t *total)
{
  static const char *const sql[3][2] = WL_SCOPES(WL_COUNT, "");
  size_t scope, closed;
  worklist_variant(f, &scope, &closed);
  *total = 0;
  return db_query_int(store, sql[scope][closed], DB_ARGS(WL_PARAMS(f)), total);
}

int store_case_open(struct store *store, int64_t after_id, int64_t limit, json_t **out)
{
  static const char sql[] =
      "SELECT id, office_id, due_at, due_state FROM cases WHERE closed_at IS NULL AND due_at IS "
      "NOT NULL AND paused_since IS NULL AND id > $1 ORDER BY id LIMIT $2";
  return db_query(store, sql, DB_ARGS(DB_I(after_id), DB_I(limit)), out);
}

int store_delegation_add(struct store *store, int64_t office_id, int64_t user_id,
                         int64_t delegate_id, const char *starts_on, const char *ends_on,
                         const char *reason)
{
  static const char sql[] =
      "INSERT INTO delegations (office_id, user_id, delegate_id, starts_on, ends_on, reason) "
      "VALUES ($1, $2, $3, $4, $5, $6)";
  return db_exec(store, sql,
                 DB_ARGS(DB_I(office_id), DB_I(user_id), DB_I(delegate_id), DB_S(starts_on),
                         DB_S(ends_on), DB_S(reason)),
                 NULL);
}

int store_delegation_active(struct store *store, int64_t user_id, int64_t delegate_id,
                            const char *today, bool *active)
{
  static const char sql[] =
      "SELECT count(*) AS n FROM delegations WHERE user_id = $1 AND delegate_id = $2 AND "
      "starts_on <= $3 AND ends_on >= $3";
  int64_t n = 0;
  int rc = db_query_int(store, sql, DB_ARGS(DB_I(user_id), DB_I(delegate_id), DB_S(today)), &n);
  *active = n > 0;
  return rc;
}

int store_delegation_list(struct store *store, int64_t office_id, const char *today, json_t **out)
{
  static const char sql[] =
      "SELECT d.id, d.user_id, d.delegate_id, d.starts_on, d.ends_on, d.reason, a.display_name "
      "AS user_name, b.display_name AS delegate_name FROM delegations d JOIN users a ON a.id = "
      "d.user_id JOIN users b ON b.id = d.delegate_id WHERE d.office_id = $1 AND d.ends_on >= $2 "
      "ORDER BY d.starts_on, d.id";
  return db_query(store, sql, DB_ARGS(DB_I(office_id), DB_S(today)), out);
}

int store_presence_set(struct store *store, int64_t user_id, bool present, const char *counter)
{
  static const char sql[] =
      "INSERT INTO staff_presence (user_id, present, counter) VALUES ($1, $2, $3) ON CONFLICT "
      "(user_id) DO UPDATE SET present = excluded.present, counter = excluded.counter";
  return db_exec(store, sql, DB_ARGS(DB_I(user_id), DB_I(present), DB_S(counter)), NULL);
}

/* Handlers of unit (0 = any unit) in office who are present and not disabled, the one
 * assigned longest ago first (round robin). Someone never seen counts as present. */
int store_handlers_available(struct store *store, int64_t office_id, int64_t unit_id,
                             unsigned handler_role, json_t **out)
{
  static const char sql[] =
      "SELECT u.id, u.display_name, u.unit_id, coalesce(p.counter, '') AS counter, "
      "coalesce(p.last_assigned_at, 0) AS last_assigned_at FROM users u LEFT JOIN "
      "staff_presence p ON p.user_id = u.id WHERE u.office_id = $1 AND u.disabled = 0 AND "
      "(u.roles & $3) <> 0 AND ($2 = 0 OR u.unit_id = $2) AND coalesce(p.present, 1) = 1 ORDER "
      "BY coalesce(p.last_assigned_at, 0), u.id";
  return db_query(store, sql, DB_ARGS(DB_I(office_id), DB_I(unit_id), DB_I(handler_role)), out);
}

int store_presence_assigned(struct store *store, int64_t user_id, int64_t at)
{
  static const char sql[] =
      "INSERT INTO staff_presence (user_id, present, counter, last_assigned_at) VALUES ($1, 1, "
      "'', $2) ON CONFLICT (user_id) DO UPDATE SET last_assigned_at = excluded.last_assigned_at";
  return db_exec(store, sql, DB_ARGS(DB_I(user_id), DB_I(at)), NULL);
}

/* The unary plus on c.id keeps SQLite, which has no statistics, from walking the whole table in
 * id order to spare a sort: it searches cases_pickup_due for the few due rows and sorts those. */
int store_case_unpicked(struct store *store, int64_t closed_before, int64_t after_id, int64_t limit,
                        json_t **out)
{
  static const char sql[] =
      "SELECT c.id, c.office_id, c.status, c.case_key, c.closed_at FROM cases c WHERE c.status = "
      "'closed' AND c.picked_up_at IS NULL AND c.pickup_reminded_at IS NULL AND c.closed_at < $1 "
      "AND +c.id > $2 AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND "
      "e.kind = 'not_picked_up') ORDER BY +c.id LIMIT $3";
  return db_query(store, sql, DB_ARGS(DB_I(closed_before), DB_I(after_id), DB_I(limit)), out);
}

/* ---- the public read (case_read.h) -------------------------------------------------------- */

enum { CASE_PUBLIC_TEXTS = 13 }; /* the text columns before public_history */

/* Everything comes from the case row (migrations 37 and 38: the fee, the counts of payments,
 * uploads and outcome documents and the wrong check codes are mirrored on it,
 * store/case_mirror.h), so a lookup reads the
 * index of its key and the row, nothing else. */
#define CASE_PUBLIC_COLUMNS                                                                        \
  "id, office_id, service_id, unit_id, roc_year, serial, received_at, time_limit_minutes, "        \
  "extension_minutes, due_at, fee_amount, picked_up_at, closed_at, fee_due, payment_count, "       \
  "upload_count, outcome_count, check_locked_day, workflow_version, word_code, case_key, "         \
  "check_code, workflow, status, channel, counter, due_state, correction_items, "                  \
  "correction_deadline, overdue_reason, overdue_new_date, applicant_name_masked, public_history"

/* The next field of the history at *at (before end): its bytes and length; its ',' becomes
 * the NUL that ends it. NULL when what is there is not a field. */
static char *history_field(char **at, char *end, size_t *len)
{
  char *p = *at;
  size_t n = 0, digits = 0;
  for (; p < end && *p >= '0' && *p <= '9' && digits < 10; p++, digits++)
    n = n * 10 + (size_t)(*p - '0');
  if (!digits || p >= end || *p != ':' || (size_t)(end - p) < n + 2 || p[n + 1] != ',')
    return NULL;
  p[n + 1] = '\0';
  *at = p + n + 2;
  *len = n;
  return p + 1;
}

/* An integer field: up to 18 plain digits (every id, time and flag the writer puts there) are
 * read here, anything else (a sign, 19 digits, not a number) by str_to_int64. */
static bool history_int(const char *s, size_t len, int64_t *out)
{
  int64_t v = 0;
  for (size_t i = 0; i < len && len <= 18; i++) {
    if (s[i] < '0' || s[i] > '9')
      return str_to_int64((struct str){s, len}, INT64_MIN, INT64_MAX, out) == ST_OK;
    v = v * 10 + (s[i] - '0');
  }
  if (!len || len > 18)
    return str_to_int64((struct str){s, len}, INT64_MIN, INT64_MAX, out) == ST_OK;
  *out = v;
  return true;
}

/* One event's eight fields from *at into e (the text is cut in place). */
static bool history_event(char **at, char *end, struct store_case_event_row *e)
{
  char *f[HISTORY_FIELDS];
  size_t len[HISTORY_FIELDS];
  int64_t ints[3];
  for (size_t i = 0; i < HISTORY_FIELDS; i++)
    if (!(f[i] = history_field(at, end, &len[i])))
      return false;
  for (size_t i = 0; i < ARRAY_LEN(ints); i++)
    if (!history_int(f[i], len[i], &ints[i]))
      return false;
  *e = (struct store_case_event_row){ints[0], ints[1], f[3], f[4], f[5], f[6], f[7], ints[2] == 1};
  return true;
}

/* Events appended out of id order (history_append) go back in place; usually none move. */
static void history_sort(struct store_case_event_row *rows, size_t n)
{
  for (size_t i = 1; i < n; i++)
    for (size_t j = i; j > 0 && rows[j].id < rows[j - 1].id; j--) {
      struct store_case_event_row t = rows[j];
      rows[j] = rows[j - 1];
      rows[j - 1] = t;
    }
}

/* The row's history (c->history, its own arena copy) decoded into c->events, in one pass that
 * cuts the copy in place: an event takes at least HISTORY_EVENT_MIN bytes, which bounds the
 * array. ST_DB when it is not a history. */
static int history_decode(struct arena *arena, struct store_case_public_row *c)
{
  char *at = c->history, *end = c->history + c->history_len;
  if (!c->history_len)
    return ST_OK;
  c->events = arena_alloc(arena, (c->history_len / HISTORY_EVENT_MIN + 1) * sizeof(*c->events));
  if (!c->events)
    return ST_NOMEM;
  for (; at < end; c->event_count++)
    if (!history_event(&at, end, &c->events[c->event_count]))
      return ST_DB;
  history_sort(c->events, c->event_count);
  return ST_OK;
}

int store_case_public_events(struct store *store, struct arena *arena,
                             struct store_case_public_row *row)
{
  int rc = row->history ? history_decode(arena, row) : ST_OK;
  row->history = NULL; /* decoded (or cut in place): never twice */
  row->history_len = 0;
  if (rc == ST_DB)
    return store_fail(store, ST_DB, "case %lld: public history unreadable", (long long)row->id);
  return rc;
}

/* The row's texts and its history copied into one arena block, each with its NUL: one
 * allocation instead of one per column. The history stays undecoded (store_case_public_events)
 * until the domain knows it is wanted. */
static int case_texts(struct arena *arena, const struct db_row *row, int first,
                      const char **texts[], size_t n, struct store_case_public_row *c)
{
  const char *from[CASE_PUBLIC_TEXTS + 1];
  size_t len[CASE_PUBLIC_TEXTS + 1], total = 0;
  for (size_t i = 0; i <= n; i++) {
    from[i] = db_col_text(row, first + (int)i, &len[i]);
    total += len[i] + 1;
  }
  char *to = arena_alloc(arena, total);
  if (!to)
    return ST_NOMEM;
  for (size_t i = 0; i <= n; i++) {
    memcpy(to, from[i], len[i]);
    to[len[i]] = '\0';
    if (i < n)
      *texts[i] = to;
    to += len[i] + 1;
  }
  c->history_len = len[n];
  c->history = len[n] ? to - len[n] - 1 : NULL;
  return ST_OK;
}

static int case_row(void *ctx, const struct db_row *row)
{
  struct db_reader *r = ctx;
  struct store_case_public_row *c = r->items;
  int64_t *ints[] = {&c->id,
                     &c->office_id,
                     &c->service_id,
                     &c->unit_id,
                     &c->roc_year,
                     &c->serial,
                     &c->received_at,
                     &c->time_limit_minutes,
                     &c->extension_minutes,
                     &c->due_at,
                     &c->fee_amount,
                     &c->picked_up_at,
                     &c->closed_at,
                     &c->fee_due,
                     &c->payment_count,
                     &c->upload_count,
                     &c->outcome_count,
                     &c->check_locked_day,
                     &c->workflow_version};
  const char **texts[CASE_PUBLIC_TEXTS] = {&c->word_code,
                                           &c->case_key,
                                           &c->check_code,
                                           &c->workflow,
                                           &c->status,
                                           &c->channel,
                                           &c->counter,
                                           &c->due_state,
                                           &c->correction_items,
                                           &c->correction_deadline,
                                           &c->overdue_reason,
                                           &c->overdue_new_date,
                                           &c->applicant_name_masked};
  for (size_t i = 0; i < ARRAY_LEN(ints); i++)
    *ints[i] = db_col_int(row, (int)i);
  if (!r->rc)
    r->rc = case_texts(r->arena, row, (int)ARRAY_LEN(ints), texts, ARRAY_LEN(texts), c);
  r->count++;
  return r->rc;
}

static int case_public(struct store *store, struct arena *arena, const char *sql,
                       const struct db_param *params, size_t n, struct store_case_public_row *row)
{
  struct db_reader r = {arena, ST_OK, row, 0, 1, sizeof(*row)};
  *row = (struct store_case_public_row){0};
  int rc = db_query_each(store, sql, params, n, case_row, &r);
  return rc ? rc : (r.count ? ST_OK : ST_NOTFOUND);
}

int store_case_public_by_key(struct store *store, struct arena *arena, int64_t office_id,
                             const char *case_key, struct store_case_public_row *row)
{
  static const char sql[] =
      "SELECT " CASE_PUBLIC_COLUMNS " FROM cases WHERE office_id = $1 AND case_key = $2";
  return case_public(store, arena, sql, DB_ARGS(DB_I(office_id), DB_S(case_key)), row);
}

int store_case_public_by_token(struct store *store, struct arena *arena, const char *token_hash,
                               struct store_case_public_row *row)
{
  static const char sql[] = "SELECT " CASE_PUBLIC_COLUMNS " FROM cases WHERE qr_token_hash = $1";
  return case_public(store, arena, sql, DB_ARGS(DB_S(token_hash)), row);
}

/* The count lives in case_check_failures; the case row says only on which day it reached the
 * lock (migration 37), which is all a lookup needs to read. The count is read back by a second
 * statement: the upsert with RETURNING cost SQLite twice the instructions of the upsert alone
 * (callgrind, row8), more than the read of one primary-key row. */
static int int_column(void *ctx, const struct db_row *row)
{
  *(int64_t *)ctx = db_col_int(row, 0);
  return ST_OK;
}

int store_case_check_failed(struct store *store, int64_t case_id, int64_t day, int64_t *failures)
{
  static const char sql[] =
      "INSERT INTO case_check_failures (case_id, day, failures) VALUES ($1, $2, 1) ON CONFLICT "
      "(case_id) DO UPDATE SET failures = CASE WHEN case_check_failures.day = excluded.day THEN "
      "case_check_failures.failures + 1 ELSE 1 END, day = excluded.day";
  static const char count[] =
      "SELECT failures FROM case_check_failures WHERE case_id = $1 AND day = $2";
  *failures = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(case_id), DB_I(day)), NULL);
  return rc ? rc
            : db_query_each(store, count, DB_ARGS(DB_I(case_id), DB_I(day)), int_column, failures);
}

int store_case_check_lock(struct store *store, int64_t case_id, int64_t day)
{
  static const char sql[] = "UPDATE cases SET check_locked_day = $2 WHERE id = $1";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(case_id), DB_I(day)), &changes);
  return one_change(store, rc, changes);
}

int store_case_check_failures(struct store *store, int64_t case_id, int64_t day, int64_t *failures)
{
  static const char sql[] =
      "SELECT failures FROM case_check_failures WHERE case_id = $1 AND day = $2";
  *failures = 0;
  int rc = db_query_int(store, sql, DB_ARGS(DB_I(case_id), DB_I(day)), failures);
  return rc == ST_NOTFOUND ? ST_OK : rc;
}

int store_case_check_unlock(struct store *store, int64_t case_id, bool *was_locked)
{
  static const char forget[] = "DELETE FROM case_check_failures WHERE case_id = $1";
  static const char unlock[] =
      "UPDATE cases SET check_locked_day = 0 WHERE id = $1 AND check_locked_day <> 0";
  int64_t counted = 0, locked = 0;
  bool own = false;
  int rc = store_mirror_begin(store, &own);
  if (!rc)
    rc = db_exec(store, forget, DB_ARGS(DB_I(case_id)), &counted);
  if (!rc)
    rc = db_exec(store, unlock, DB_ARGS(DB_I(case_id)), &locked);
  *was_locked = !rc && (counted > 0 || locked > 0); /* a lock written after an unlock, too */
  return store_mirror_end(store, own, rc);
}

/* ---- what the case row mirrors (case_mirror.h) --------------------------------------------- */

int store_case_mirror_refresh(struct store *store, int64_t case_id, enum case_mirror column)
{
  static const char *const sql[] = {
      [CASE_MIRROR_FEE] = "UPDATE cases SET " CASE_MIRROR_FEE_DUE " WHERE id = $1",
      [CASE_MIRROR_PAYMENT_COUNT] = "UPDATE cases SET " CASE_MIRROR_PAYMENTS " WHERE id = $1",
      [CASE_MIRROR_UPLOAD_COUNT] = "UPDATE cases SET " CASE_MIRROR_UPLOADS " WHERE id = $1",
      [CASE_MIRROR_OUTCOME_COUNT] = "UPDATE cases SET " CASE_MIRROR_OUTCOMES " WHERE id = $1"};
  int64_t changes = 0;
  int rc = db_exec(store, sql[column], DB_ARGS(DB_I(case_id)), &changes);
  return one_change(store, rc, changes);
}

int store_mirror_begin(struct store *store, bool *own)
{
  *own = !store->in_transaction;
  return *own ? store_begin(store) : ST_OK;
}

int store_mirror_end(struct store *store, bool own, int rc)
{
  if (!own)
    return rc;
  if (rc) {
    store_rollback(store);
    return rc;
  }
  return store_commit(store);
}

static int event_row(void *ctx, const struct db_row *row)
{
  struct db_reader *r = ctx;
  struct store_case_event_row *e = db_reader_next(r);
  if (e)
    *e = (struct store_case_event_row){db_col_int(row, 0),        db_col_int(row, 1),
                                       db_reader_text(r, row, 2), db_reader_text(r, row, 3),
                                       db_reader_text(r, row, 4), db_reader_text(r, row, 5),
                                       db_reader_text(r, row, 6), db_col_int(row, 7) != 0};
  return r->rc;
}

int store_case_events_read(struct store *store, struct arena *arena, int64_t case_id,
                           struct store_case_event_row **rows, size_t *count)
{
  /* Only what the public timeline can show (domain/case_read.c decides what it shows): public
   * events and status moves, the latter's note and data not even read when internal. */
  static const char sql[] =
      "SELECT id, at, kind, from_status, to_status, CASE WHEN public = 1 THEN note ELSE '' END, "
      "CASE WHEN public = 1 THEN data ELSE '' END, public FROM case_events WHERE case_id = $1 AND "
      "(public = 1 OR kind = 'status') ORDER BY id";
  struct db_reader r = {arena, ST_OK, NULL, 0, 0, sizeof(**rows)};
  int rc = db_query_each(store, sql, DB_ARGS(DB_I(case_id)), event_row, &r);
  *rows = r.items;
  *count = rc ? 0 : r.count;
  return rc;
}

static int payment_row(void *ctx, const struct db_row *row)
{
  struct db_reader *r = ctx;
  struct store_case_payment_row *p = db_reader_next(r);
  if (p)
    *p = (struct store_case_payment_row){db_col_int(row, 0),        db_col_int(row, 1),
                                         db_col_int(row, 2),        db_col_int(row, 3),
                                         db_col_int(row, 4),        db_reader_text(r, row, 5),
                                         db_reader_text(r, row, 6), db_reader_text(r, row, 7),
                                         db_reader_text(r, row, 8), db_reader_text(r, row, 9)};
  return r->rc;
}

int store_case_payments_read(struct store *store, struct arena *arena, int64_t case_id,
                             struct store_case_payment_row **rows, size_t *count)
{
  static const char sql[] =
      "SELECT id, amount, created_at, paid_at, expires_at, order_no, currency, provider, "
      "provider_ref, status FROM payments WHERE case_id = $1 ORDER BY id";
  struct db_reader r = {arena, ST_OK, NULL, 0, 0, sizeof(**rows)};
  int rc = db_query_each(store, sql, DB_ARGS(DB_I(case_id)), payment_row, &r);
  *rows = r.items;
  *count = rc ? 0 : r.count;
  return rc;
}

static int upload_row(void *ctx, const struct db_row *row)
{
  struct db_reader *r = ctx;
  struct store_case_upload_row *u = db_reader_next(r);
  if (u)
    *u = (struct store_case_upload_row){db_col_int(row, 0), db_col_int(row, 1),
                                        db_reader_text(r, row, 2), db_reader_text(r, row, 3)};
  return r->rc;
}

int store_case_uploads_read(struct store *store, struct arena *arena, int64_t case_id,
                            struct store_case_upload_row **rows, size_t *count)
{
  static const char sql[] =
      "SELECT id, size, name, mime FROM uploads WHERE case_id = $1 ORDER BY id";
  struct db_reader r = {arena, ST_OK, NULL, 0, 0, sizeof(**rows)};
  int rc = db_query_each(store, sql, DB_ARGS(DB_I(case_id)), upload_row, &r);
  *rows = r.items;
  *count = rc ? 0 : r.count;
  return rc;
}

int store_case_set_pickup_reminded(struct store *store, int64_t id, int64_t at, bool *moved)
{
  static const char sql[] =
      "UPDATE cases SET pickup_reminded_at = $2 WHERE id = $1 AND pickup_reminded_at IS NULL";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id), DB_I(at)), &changes);
  *moved = changes == 1;
  return rc;
}

/* Columns of the work-list statements: 0 id, 1 case_key, 7 status, 8 channel, 12 due_at,
 * 13 due_state, 14 applicant_name_masked, 16 handler_name, 17 workflow, 18 workflow_version. */
static int list_row(void *ctx, const struct db_row *row)
{
  struct db_reader *r = ctx;
  struct store_case_list_row *w = db_reader_next(r);
  if (w)
    *w = (struct store_case_list_row){db_col_int(row, 0),         db_col_int(row, 12),
                                      db_reader_text(r, row, 1),  db_reader_text(r, row, 7),
                                      db_reader_text(r, row, 13), db_reader_text(r, row, 8),
                                      db_reader_text(r, row, 14), db_reader_text(r, row, 16),
                                      db_reader_text(r, row, 17), db_col_int(row, 18)};
  return r->rc;
}

int store_case_list_read(struct store *store, struct arena *arena,
                         const struct store_case_filter *f, struct store_case_list_row **rows,
                         size_t *count)
{
  struct db_reader r = {arena, ST_OK, NULL, 0, 0, sizeof(**rows)};
  int rc = db_query_each(store, case_list_sql(f), DB_ARGS(WL_PARAMS(f)), list_row, &r);
  *rows = r.items;
  *count = rc ? 0 : r.count;
  return rc;
}
