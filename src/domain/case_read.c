/*
 * case_read.c - the public case read model (case_read.h).
 *
 * Queries, inside one read transaction: the case row, which carries its fee, the counts of its
 * payments and uploads, its check-code lock and its public history (one statement that
 * reads the key's index and the row, migration 37); the payments and (by token) the uploads
 * only when the counts say there are any. The history is decoded only once the check code
 * matched and no lock is on. The office, unit and service come from the in-memory
 * directory, so a lookup of a case without online payments runs one query. By
 * token one more reads the outcome documents the case offers (outcome_docs.h).
 */
#include <jansson.h>
#include <sodium.h>
#include <string.h>

#include "base/arena.h"
#include "base/civil.h"
#include "domain/accounts.h"
#include "domain/case_number.h"
#include "domain/case_read.h"
#include "domain/cases.h"
#include "domain/outcome_docs.h"
#include "domain/payment.h"
#include "store/case_read.h"
#include "domain/workflow.h"
#include "store/directory.h"
#include "store/store.h"

#include "base/common.h"

struct reader {
  struct store *store;
  struct arena *arena;
  time_t now;
};

static void fill_case(const struct store_case_public_row *row, struct case_public *c)
{
  bool waiting = strcmp(row->status, "correction") == 0; /* shown only while awaited */
  *c = (struct case_public){
      .id = row->id,
      .office_id = row->office_id,
      .service_id = row->service_id,
      .unit_id = row->unit_id,
      .roc_year = row->roc_year,
      .serial = row->serial,
      .word_code = row->word_code,
      .case_key = row->case_key,
      .status = row->status,
      .workflow = row->workflow,
      .channel = row->channel,
      .counter = row->counter,
      .received_at = row->received_at,
      .due_at = row->due_at,
      .picked_up_at = row->picked_up_at,
      .closed_at = row->closed_at,
      .time_limit_minutes = row->time_limit_minutes,
      .extension_minutes = row->extension_minutes,
      /* what the case owes (all copies): the amount set on it; a case whose row kept the
       * service's fee for one copy (taken in before the row followed case_fees) shows it too */
      .fee_amount = row->fee_due > 0 ? row->fee_due : row->fee_amount,
      .due_state = row->due_state,
      .applicant_name_masked = row->applicant_name_masked,
      .overdue_reason = row->overdue_reason,
      .overdue_new_date = row->overdue_new_date,
      .correction_items = waiting ? row->correction_items : "",
      .correction_deadline = waiting ? row->correction_deadline : "",
      .withdrawable = (!strcmp(row->channel, "online") || !strcmp(row->channel, "api")) &&
                      !strcmp(row->status, "received"),
      .fee.due = row->fee_due,
  };
}

enum case_fee_assessed case_fee_assessed_of(const char *latest_fee_due_data)
{
  if (!latest_fee_due_data)
    return CASE_FEE_NONE;
  json_t *data = json_loads(latest_fee_due_data, 0, NULL);
  bool waived = json_is_string(json_object_get(json_object_get(data, "working"), "waiver"));
  json_decref(data);
  return waived ? CASE_FEE_WAIVED : CASE_FEE_SET;
}

/* Whether an amount was assessed, from the latest "fee_due" event (a public one); when one was,
 * the case's fee is that amount (0 too), not the service's fee its row may have kept. */
static void fee_assessed_fill(struct case_public *c)
{
  const char *latest = NULL;
  for (size_t i = 0; i < c->event_count; i++)
    if (strcmp(c->events[i].kind, "fee_due") == 0)
      latest = c->events[i].data;
  c->fee_assessed = case_fee_assessed_of(latest);
  if (c->fee_assessed != CASE_FEE_NONE)
    c->fee_amount = c->fee.due;
}

/* The applicant's history: public events and every status move, the latter without its note
 * and data when it was internal. It comes with the case's row (cases.public_history, migration
 * 36), which holds only those, decoded only now that the case is shown; the filter stays so
 * the row can never show more. */
static int read_events(struct reader *r, struct store_case_public_row *row, struct case_public *c)
{
  int rc = store_case_public_events(r->store, r->arena, row);
  size_t n = row->event_count;
  if (rc || !n)
    return rc;
  c->events = arena_alloc(r->arena, n * sizeof(*c->events));
  if (!c->events)
    return ST_NOMEM;
  for (size_t i = 0; i < n; i++) {
    const struct store_case_event_row *e = &row->events[i];
    if (!e->public && strcmp(e->kind, "status") != 0)
      continue;
    c->events[c->event_count++] = (struct case_public_event){e->id,
                                                             e->at,
                                                             e->kind,
                                                             e->from_status,
                                                             e->to_status,
                                                             e->public ? e->note : "",
                                                             e->public ? e->data : "",
                                                             e->public};
  }
  fee_assessed_fill(c);
  return ST_OK;
}

/* Payments newest first; a pending one past its expiry reads as expired (the scanner records
 * it); paid ones add up. */
static int read_payments(struct reader *r, struct case_public *c, int64_t count)
{
  struct store_case_payment_row *rows = NULL;
  struct case_public_fee *fee = &c->fee;
  size_t n = 0;
  int rc = count > 0 ? store_case_payments_read(r->store, r->arena, c->id, &rows, &n) : ST_OK;
  if (!rc && n && !(fee->payments = arena_alloc(r->arena, n * sizeof(*fee->payments))))
    rc = ST_NOMEM;
  for (size_t i = 0; !rc && i < n; i++) {
    const struct store_case_payment_row *p = &rows[i];
    struct case_public_payment *out = &fee->payments[n - 1 - i];
    const char *status =
        !strcmp(p->status, "pending") && p->expires_at <= r->now ? "expired" : p->status;
    *out = (struct case_public_payment){p->id,           p->amount,   p->created_at, p->paid_at,
                                        p->expires_at,   p->order_no, p->currency,   p->provider,
                                        p->provider_ref, status};
    if (!strcmp(status, "paid"))
      fee->paid += out->amount;
    if (!strcmp(status, "pending"))
      fee->pending = out;
  }
  fee->payment_count = rc ? 0 : n;
  fee->outstanding = fee->due > fee->paid ? fee->due - fee->paid : 0;
  fee->payable = fee->outstanding > 0 && payment_provider() != NULL;
  return rc;
}

static int read_uploads(struct reader *r, struct case_public *c, int64_t count)
{
  struct store_case_upload_row *rows = NULL;
  size_t n = 0;
  int rc = count > 0 ? store_case_uploads_read(r->store, r->arena, c->id, &rows, &n) : ST_OK;
  if (!rc && n && !(c->uploads = arena_alloc(r->arena, n * sizeof(*c->uploads))))
    rc = ST_NOMEM;
  for (size_t i = 0; !rc && i < n; i++)
    c->uploads[c->upload_count++] =
        (struct case_public_upload){rows[i].id, rows[i].size, rows[i].name, rows[i].mime};
  return rc;
}

/* The rest of the read once the row is found (and, by number, its check code matched). */
static int complete(struct reader *r, const struct directory *dir,
                    struct store_case_public_row *row, bool by_token, struct case_public *c)
{
  fill_case(row, c);
  c->office = directory_office(dir, c->office_id);
  c->word_zh = directory_word_zh(dir, c->office, c->word_code);
  c->unit = c->unit_id ? directory_unit(dir, c->unit_id) : NULL;
  c->service = directory_service(dir, c->service_id);
  if (!c->office)
    return ST_NOTFOUND;
  if (workflow_load(r->store, c->office_id, c->workflow, row->workflow_version, &c->wf))
    c->wf = workflow_find(c->workflow);
  int rc = read_events(r, row, c);
  if (!rc)
    rc = read_payments(r, c, row->payment_count);
  if (!rc && by_token)
    rc = read_uploads(r, c, row->upload_count);
  if (!rc && by_token && row->outcome_count > 0)
    rc = outcome_docs_read(r->store, r->arena, c->id, false, &c->outcomes, &c->outcome_count);
  return rc;
}

static bool check_code_matches(const struct store_case_public_row *row,
                               const char code[CASE_CHECK_CODE_LEN + 1])
{
  return strlen(row->check_code) == CASE_CHECK_CODE_LEN &&
         sodium_memcmp(row->check_code, code, CASE_CHECK_CODE_LEN) == 0;
}

int64_t case_check_day(time_t t)
{
  return civil_to_days(civil_taipei(t).date);
}

time_t case_check_day_end(time_t t)
{
  return civil_taipei_midnight(civil_add_days(civil_taipei(t).date, 1));
}

static bool check_locked(const struct store_case_public_row *row, time_t now)
{
  return row->check_locked_day == case_check_day(now);
}

/* The wrong code's write, after the read transaction has ended: its count, and when that
 * reaches the lock (once a day: a locked case counts no more codes), the lock on the case row
 * the lookups read. Should the second write fail, the next wrong code sets the lock. */
static int count_failure(case_writer_fn writer, void *ctx, int64_t case_id, time_t now)
{
  struct store *primary = NULL;
  int64_t failures = 0, day = case_check_day(now);
  int rc = writer(ctx, &primary);
  if (!rc)
    rc = store_case_check_failed(primary, case_id, day, &failures);
  if (!rc && failures >= CASE_CHECK_LOCK_AFTER)
    rc = store_case_check_lock(primary, case_id, day);
  return rc ? rc : ST_NOTFOUND;
}

int case_public_by_number(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                          const char *number, const char *check_code, case_writer_fn writer,
                          void *writer_ctx, struct case_public *out)
{
  struct case_number n;
  char key[CASE_KEY_SIZE], code[CASE_CHECK_CODE_LEN + 1];
  const struct directory *dir = NULL;
  struct store_case_public_row row;
  struct reader r = {store, arena, now};
  bool wrong = false;
  *out = (struct case_public){0};
  int rc = directory_acquire(store, arena, &dir);
  if (rc)
    return rc;
  const struct dir_office *office = directory_office(dir, office_id);
  const struct dir_word *word = directory_printed_word(dir, office, number);
  if (!office ||
      case_number_parse_for(number, word ? word->word_zh : NULL, word ? word->code : NULL, &n) ||
      case_check_code_parse(check_code, code) || case_number_key(&n, key, sizeof(key)))
    return ST_NOTFOUND;
  rc = store_begin_read(store);
  if (rc)
    return rc;
  rc = store_case_public_by_key(store, arena, office_id, key, &row);
  if (!rc && check_locked(&row, now))
    rc = ST_LIMIT;
  if (!rc && !check_code_matches(&row, code)) {
    wrong = true;
    rc = ST_NOTFOUND;
  }
  if (!rc)
    rc = complete(&r, dir, &row, false, out);
  rc = store_end_read(store, rc);
  return wrong ? count_failure(writer, writer_ctx, row.id, now) : rc;
}

int case_public_by_token(struct store *store, struct arena *arena, time_t now, const char *token,
                         struct case_public *out)
{
  char hash[65];
  const struct directory *dir = NULL;
  struct store_case_public_row row;
  struct reader r = {store, arena, now};
  *out = (struct case_public){0};
  if (!token || strlen(token) != CASE_TOKEN_SIZE - 1)
    return ST_NOTFOUND;
  accounts_token_hash(token, hash);
  int rc = directory_acquire(store, arena, &dir);
  if (!rc)
    rc = store_begin_read(store);
  if (rc)
    return rc;
  rc = store_case_public_by_token(store, arena, hash, &row);
  if (!rc)
    rc = complete(&r, dir, &row, true, out);
  return store_end_read(store, rc);
}
