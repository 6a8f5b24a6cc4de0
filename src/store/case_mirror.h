/*
 * case_mirror.h - what the case row mirrors of other tables for the public lookup (migration
 * 37, issue 14), as SQL shared by the migration's backfill, the writers and bench/gen-cases.sh.
 *
 * cases.fee_due is case_fees.amount (0 without a row), cases.payment_count the number of the
 * case's payments, cases.upload_count the number of uploads attached to it. Every writer of
 * those tables (store_case_fee_set, store_payment_insert, store_uploads_attach) runs
 * CASE_MIRROR_UPDATE "id = $1" for the case it wrote, in the same transaction: the row's values
 * are recomputed from the records by the very expressions the backfill used, never counted up,
 * so they cannot drift. (Payments change status but are never deleted; uploads are removed
 * only before they are attached; cases are never deleted.)
 *
 * CASE_MIRROR_UPDATE is string literals only (no other macro inside): bench/gen-cases.sh reads
 * it out of this file to fill the rows it writes directly. The backfill appends
 * CASE_MIRROR_ANY, the cases that have a row in any of the three tables (the others keep the
 * columns' default 0).
 */
#ifndef BIANMIN_STORE_CASE_MIRROR_H
#define BIANMIN_STORE_CASE_MIRROR_H

#define CASE_MIRROR_UPDATE                                                                         \
  "UPDATE cases SET fee_due = COALESCE((SELECT f.amount FROM case_fees f WHERE f.case_id = "       \
  "cases.id), 0), payment_count = (SELECT count(*) FROM payments p WHERE p.case_id = cases.id), "  \
  "upload_count = (SELECT count(*) FROM uploads u WHERE u.case_id = cases.id) WHERE "

#define CASE_MIRROR_ANY                                                                            \
  "id IN (SELECT case_id FROM case_fees UNION SELECT case_id FROM payments UNION SELECT case_id "  \
  "FROM uploads WHERE case_id IS NOT NULL)"

#include <stdbool.h>
#include <stdint.h>

struct store;

/* CASE_MIRROR_UPDATE for one case (ST_NOTFOUND when there is no such case). */
int store_case_mirror_refresh(struct store *store, int64_t case_id);
/* A writer that writes a record and its mirror runs both in the caller's transaction, or, when
 * none is open, in one of its own (*own): store_mirror_end commits it (rolls it back when rc is
 * an error) and returns rc or the commit's status. */
int store_mirror_begin(struct store *store, bool *own);
int store_mirror_end(struct store *store, bool own, int rc);

#endif
