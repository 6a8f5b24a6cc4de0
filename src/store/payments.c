/*
 * payments.c - the amount owed on a case (case_fees) and the payments made online (payments),
 * in portable SQL over the db.h seam (migration 9). Status changes are guarded by the status
 * they change from, so two callbacks racing for one payment change it once.
 */
#include <stdbool.h>
#include <string.h>

#include "store/case_mirror.h"
#include "store/db.h"
#include "store/store_impl.h"

#include "base/common.h"

#define PAYMENT_COLUMNS                                                                            \
  "id, office_id, case_id, order_no, amount, currency, provider, provider_ref, redirect_url, "     \
  "status, created_at, updated_at, paid_at, expires_at"

int store_case_fee_get(struct store *store, int64_t case_id, int64_t *amount)
{
  static const char sql[] = "SELECT amount FROM case_fees WHERE case_id = $1";
  *amount = 0;
  int rc = db_query_int(store, sql, DB_ARGS(DB_I(case_id)), amount);
  return rc == ST_NOTFOUND ? ST_OK : rc;
}

int store_case_fee_set(struct store *store, int64_t office_id, int64_t case_id, int64_t amount,
                       const char *by, int64_t now)
{
  static const char sql[] =
      "INSERT INTO case_fees (case_id, office_id, amount, set_by, set_at) VALUES ($1, $2, $3, $4, "
      "$5) ON CONFLICT (case_id) DO UPDATE SET amount = $3, set_by = $4, set_at = $5";
  /* the case's fee is what it owes, not the service's fee for one copy it was taken in with */
  static const char fee_sql[] = "UPDATE cases SET fee_amount = $2 WHERE id = $1";
  bool own = false;
  int rc = store_mirror_begin(store, &own);
  if (!rc)
    rc = db_exec(store, sql,
                 DB_ARGS(DB_I(case_id), DB_I(office_id), DB_I(amount), DB_S(by), DB_I(now)), NULL);
  if (!rc)
    rc = db_exec(store, fee_sql, DB_ARGS(DB_I(case_id), DB_I(amount)), NULL);
  if (!rc)
    rc = store_case_mirror_refresh(store, case_id, CASE_MIRROR_FEE);
  return store_mirror_end(store, own, rc);
}

int store_payment_insert(struct store *store, json_t *p, int64_t *id)
{
  static const char sql[] =
      "INSERT INTO payments (office_id, case_id, order_no, amount, currency, provider, "
      "provider_ref, redirect_url, status, created_at, updated_at, expires_at) VALUES ($1, $2, $3, "
      "$4, $5, $6, $7, $8, 'pending', $9, $9, $10) RETURNING id";
  const struct db_param params[] = {
      DB_I(db_int(p, "office_id")),     DB_I(db_int(p, "case_id")),
      DB_S(db_text(p, "order_no")),     DB_I(db_int(p, "amount")),
      DB_S(db_text(p, "currency")),     DB_S(db_text(p, "provider")),
      DB_S(db_text(p, "provider_ref")), DB_S(db_text(p, "redirect_url")),
      DB_I(db_int(p, "created_at")),    DB_I(db_int(p, "expires_at"))};
  bool own = false;
  int rc = store_mirror_begin(store, &own);
  if (!rc)
    rc = db_query_int(store, sql, params, ARRAY_LEN(params), id);
  if (!rc)
    rc = store_case_mirror_refresh(store, db_int(p, "case_id"), CASE_MIRROR_PAYMENT_COUNT);
  return store_mirror_end(store, own, rc);
}

int store_payment_set_start(struct store *store, int64_t id, const char *provider_ref,
                            const char *redirect_url)
{
  static const char sql[] =
      "UPDATE payments SET provider_ref = $2, redirect_url = $3 WHERE id = $1 AND status = "
      "'pending'";
  int64_t n = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id), DB_S(provider_ref), DB_S(redirect_url)), &n);
  return rc ? rc : (n == 1 ? ST_OK : store_fail(store, ST_NOTFOUND, "no such pending payment"));
}

int store_payment_by_order(struct store *store, const char *order_no, json_t **out)
{
  static const char sql[] = "SELECT " PAYMENT_COLUMNS " FROM payments WHERE order_no = $1";
  return db_query_one(store, sql, DB_ARGS(DB_S(order_no)), out);
}

int store_payments_for_case(struct store *store, int64_t case_id, json_t **out)
{
  static const char sql[] =
      "SELECT " PAYMENT_COLUMNS " FROM payments WHERE case_id = $1 ORDER BY id";
  return db_query(store, sql, DB_ARGS(DB_I(case_id)), out);
}

int store_payment_set_status(struct store *store, int64_t id, const char *from, const char *to,
                             const char *provider_ref, int64_t paid_at, int64_t now, bool *applied)
{
  static const char sql[] =
      "UPDATE payments SET status = $3, provider_ref = CASE WHEN $4 = '' THEN provider_ref ELSE "
      "$4 END, paid_at = CASE WHEN $5 > 0 THEN $5 ELSE paid_at END, updated_at = $6 WHERE id = $1 "
      "AND status = $2";
  int64_t n = 0;
  int rc = db_exec(store, sql,
                   DB_ARGS(DB_I(id), DB_S(from), DB_S(to), DB_S(provider_ref ? provider_ref : ""),
                           DB_I(paid_at), DB_I(now)),
                   &n);
  *applied = !rc && n == 1;
  return rc;
}

int store_payment_extend(struct store *store, int64_t id, int64_t expires_at, int64_t now,
                         bool *applied)
{
  static const char sql[] = "UPDATE payments SET expires_at = $2, updated_at = $3 WHERE id = $1 "
                            "AND status = 'pending' AND expires_at < $2";
  int64_t n = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id), DB_I(expires_at), DB_I(now)), &n);
  *applied = !rc && n == 1;
  return rc;
}

int store_payments_past_expiry(struct store *store, int64_t now, int64_t limit, json_t **out)
{
  static const char sql[] = "SELECT " PAYMENT_COLUMNS
                            " FROM payments WHERE status = 'pending' AND expires_at <= $1 ORDER BY "
                            "id LIMIT $2";
  return db_query(store, sql, DB_ARGS(DB_I(now), DB_I(limit)), out);
}

int store_case_office(struct store *store, int64_t case_id, int64_t *office_id)
{
  static const char sql[] = "SELECT office_id FROM cases WHERE id = $1";
  return db_query_int(store, sql, DB_ARGS(DB_I(case_id)), office_id);
}
