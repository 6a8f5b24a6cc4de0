/*
 * case_read.c - the public case read model (case_read.h).
 *
 * Queries, inside one read transaction: the case row with its fee and the counts of its
 * payments and uploads (one statement), then its events; the payments and (by token) the
 * uploads only when the counts say there are any. The office, unit and service come from the
 * in-memory directory, so a lookup of a case without online payments runs two queries.
 */
#include <sodium.h>
#include <string.h>

#include "base/arena.h"
#include "domain/accounts.h"
#include "domain/case_number.h"
#include "domain/case_read.h"
#include "domain/cases.h"
#include "domain/payment.h"
#include "store/case_read.h"
#include "store/directory.h"
#include "store/store.h"

#include "base/common.h"

struct reader {
  struct store *store;
  struct arena *arena;
  time_t now;
  int rc; /* the first failure (ST_NOMEM when a copy failed) */
};

static const char *copy(struct reader *r, json_t *row, const char *key)
{
  const char *s = json_string_value(json_object_get(row, key));
  char *c = arena_strdup(r->arena, s ? s : "");
  if (!c && !r->rc)
    r->rc = ST_NOMEM;
  return c ? c : "";
}

static int64_t num(json_t *row, const char *key)
{
  return json_integer_value(json_object_get(row, key));
}

static void *alloc_array(struct reader *r, size_t n, size_t size)
{
  void *p = n ? arena_alloc(r->arena, n * size) : NULL;
  if (n && !p && !r->rc)
    r->rc = ST_NOMEM;
  return p;
}

static void fill_case(struct reader *r, json_t *row, struct case_public *c)
{
  c->id = num(row, "id");
  c->office_id = num(row, "office_id");
  c->service_id = num(row, "service_id");
  c->unit_id = num(row, "unit_id");
  c->roc_year = num(row, "roc_year");
  c->serial = num(row, "serial");
  c->word_code = copy(r, row, "word_code");
  c->case_key = copy(r, row, "case_key");
  c->status = copy(r, row, "status");
  c->workflow = copy(r, row, "workflow");
  c->channel = copy(r, row, "channel");
  c->counter = copy(r, row, "counter");
  c->received_at = num(row, "received_at");
  c->due_at = num(row, "due_at");
  c->picked_up_at = num(row, "picked_up_at");
  c->closed_at = num(row, "closed_at");
  c->time_limit_minutes = num(row, "time_limit_minutes");
  c->extension_minutes = num(row, "extension_minutes");
  c->fee_amount = num(row, "fee_amount");
  c->due_state = copy(r, row, "due_state");
  c->applicant_name_masked = copy(r, row, "applicant_name_masked");
  c->overdue_reason = copy(r, row, "overdue_reason");
  c->overdue_new_date = copy(r, row, "overdue_new_date");
  bool waiting = strcmp(c->status, "correction") == 0; /* shown only while awaited */
  c->correction_items = waiting ? copy(r, row, "correction_items") : "";
  c->correction_deadline = waiting ? copy(r, row, "correction_deadline") : "";
  c->withdrawable = (!strcmp(c->channel, "online") || !strcmp(c->channel, "api")) &&
                    !strcmp(c->status, "received");
  c->fee.due = num(row, "fee_due");
}

/* The applicant's history: public events and every status move, the latter without its note
 * and data when it was internal. */
static int read_events(struct reader *r, struct case_public *c)
{
  json_t *rows = NULL, *e;
  int rc = store_case_events(r->store, c->id, false, &rows);
  if (rc)
    return rc;
  c->events = alloc_array(r, json_array_size(rows), sizeof(*c->events));
  size_t i;
  json_array_foreach(rows, i, e)
  {
    bool shown = num(e, "public") != 0;
    const char *kind = json_string_value(json_object_get(e, "kind"));
    if (!c->events || (!shown && (!kind || strcmp(kind, "status") != 0)))
      continue;
    struct case_public_event *out = &c->events[c->event_count++];
    *out = (struct case_public_event){num(e, "id"),          num(e, "at"),
                                      copy(r, e, "kind"),    copy(r, e, "from_status"),
                                      copy(r, e, "to_status"),
                                      shown ? copy(r, e, "note") : "",
                                      shown ? copy(r, e, "data") : "",
                                      shown};
  }
  json_decref(rows);
  return r->rc;
}

/* Payments newest first; a pending one past its expiry reads as expired (the scanner records
 * it); paid ones add up. */
static int read_payments(struct reader *r, struct case_public *c, int64_t count)
{
  json_t *rows = NULL, *p;
  struct case_public_fee *fee = &c->fee;
  int rc = count > 0 ? store_payments_for_case(r->store, c->id, &rows) : ST_OK;
  if (rc)
    return rc;
  size_t n = json_array_size(rows), i;
  fee->payments = alloc_array(r, n, sizeof(*fee->payments));
  json_array_foreach(rows, i, p)
  {
    if (!fee->payments)
      break;
    struct case_public_payment *out = &fee->payments[n - 1 - i];
    const char *status = copy(r, p, "status");
    if (!strcmp(status, "pending") && num(p, "expires_at") <= r->now)
      status = "expired";
    *out = (struct case_public_payment){num(p, "id"),
                                        num(p, "amount"),
                                        num(p, "created_at"),
                                        num(p, "paid_at"),
                                        num(p, "expires_at"),
                                        copy(r, p, "order_no"),
                                        copy(r, p, "currency"),
                                        copy(r, p, "provider"),
                                        copy(r, p, "provider_ref"),
                                        status};
    if (!strcmp(status, "paid"))
      fee->paid += out->amount;
    if (!strcmp(status, "pending"))
      fee->pending = out;
  }
  fee->payment_count = fee->payments ? n : 0;
  json_decref(rows);
  fee->outstanding = fee->due > fee->paid ? fee->due - fee->paid : 0;
  fee->payable = fee->outstanding > 0 && payment_provider() != NULL;
  return r->rc;
}

static int read_uploads(struct reader *r, struct case_public *c, int64_t count)
{
  json_t *rows = NULL, *u;
  int rc = count > 0 ? store_uploads_of(r->store, 0, c->id, &rows) : ST_OK;
  if (rc)
    return rc;
  c->uploads = alloc_array(r, json_array_size(rows), sizeof(*c->uploads));
  size_t i;
  json_array_foreach(rows, i, u) if (c->uploads) c->uploads[c->upload_count++] =
      (struct case_public_upload){num(u, "id"), num(u, "size"), copy(r, u, "name"),
                                  copy(r, u, "mime")};
  json_decref(rows);
  return r->rc;
}

/* The rest of the read once the row is found (and, by number, its check code matched). */
static int complete(struct reader *r, const struct directory *dir, json_t *row, bool by_token,
                    struct case_public *c)
{
  fill_case(r, row, c);
  c->office = directory_office(dir, c->office_id);
  c->unit = c->unit_id ? directory_unit(dir, c->unit_id) : NULL;
  c->service = directory_service(dir, c->service_id);
  if (!c->office)
    return ST_NOTFOUND;
  int rc = r->rc ? r->rc : read_events(r, c);
  if (!rc)
    rc = read_payments(r, c, num(row, "payment_count"));
  if (!rc && by_token)
    rc = read_uploads(r, c, num(row, "upload_count"));
  return rc;
}

static bool check_code_matches(json_t *row, const char code[CASE_CHECK_CODE_LEN + 1])
{
  const char *stored = json_string_value(json_object_get(row, "check_code"));
  return stored && strlen(stored) == CASE_CHECK_CODE_LEN &&
         sodium_memcmp(stored, code, CASE_CHECK_CODE_LEN) == 0;
}

int case_public_by_number(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                          const char *number, const char *check_code, struct case_public *out)
{
  struct case_number n;
  char key[CASE_KEY_SIZE], code[CASE_CHECK_CODE_LEN + 1];
  const struct directory *dir = NULL;
  json_t *row = NULL;
  struct reader r = {store, arena, now, ST_OK};
  *out = (struct case_public){0};
  if (case_number_parse(number, &n) || case_check_code_parse(check_code, code) ||
      case_number_key(&n, key, sizeof(key)))
    return ST_NOTFOUND;
  int rc = directory_acquire(store, arena, &dir);
  if (!rc)
    rc = store_begin_read(store);
  if (rc)
    return rc;
  rc = store_case_public_by_key(store, office_id, key, &row);
  if (!rc && !check_code_matches(row, code))
    rc = ST_NOTFOUND;
  if (!rc)
    rc = complete(&r, dir, row, false, out);
  json_decref(row);
  return store_end_read(store, rc);
}

int case_public_by_token(struct store *store, struct arena *arena, time_t now, const char *token,
                         struct case_public *out)
{
  char hash[65];
  const struct directory *dir = NULL;
  json_t *row = NULL;
  struct reader r = {store, arena, now, ST_OK};
  *out = (struct case_public){0};
  if (!token || strlen(token) != CASE_TOKEN_SIZE - 1)
    return ST_NOTFOUND;
  accounts_token_hash(token, hash);
  int rc = directory_acquire(store, arena, &dir);
  if (!rc)
    rc = store_begin_read(store);
  if (rc)
    return rc;
  rc = store_case_public_by_token(store, hash, &row);
  if (!rc)
    rc = complete(&r, dir, row, true, out);
  json_decref(row);
  return store_end_read(store, rc);
}
