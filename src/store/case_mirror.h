/*
 * case_mirror.h - what the case row mirrors of other tables for the public lookup (migration
 * 37, issue 14), as SQL shared by the migration's backfill, the writers and bench/gen-cases.sh.
 *
 * cases.fee_due is case_fees.amount (0 without a row), cases.payment_count the number of the
 * case's payments, cases.upload_count the number of uploads attached to it, cases.outcome_count
 * (migration 38) the number of its outcome documents not withdrawn. Each is recomputed
 * from its records, never counted up, by one expression (CASE_MIRROR_FEE_DUE, _PAYMENTS,
 * _UPLOADS, _OUTCOMES): the backfills set them for the cases CASE_MIRROR_ANY (migration 37) and
 * CASE_MIRROR_ANY_OUTCOME (38) select (the others keep the default 0); every writer of one of
 * the tables (store_case_fee_set, store_payment_insert, store_uploads_attach, store_outcome_add,
 * store_outcome_withdraw) sets its own column for the case it wrote, in the same transaction
 * (store_case_mirror_refresh). One column per writer keeps the mirror exact under PostgreSQL's
 * READ COMMITTED too: a recount reads the snapshot of its statement, so a writer that recounted
 * another table's column could put back a value a concurrent writer had just changed, while
 * two writers of one table take turns already (the case_fees row, the unique pending payment
 * per case, one submission per draft, the case row an outcome document's writer locks first
 * through its event) and the later one's statements see the earlier commit.
 * (Payments change status but are never deleted; uploads are removed only before they are
 * attached; outcome documents are withdrawn, never deleted; cases are never deleted.)
 *
 * The macros are string literals only (no other macro inside): bench/gen-cases.sh reads them
 * out of this file for the rows it writes directly.
 */
#ifndef BIANMIN_STORE_CASE_MIRROR_H
#define BIANMIN_STORE_CASE_MIRROR_H

#define CASE_MIRROR_FEE_DUE                                                                        \
  "fee_due = COALESCE((SELECT f.amount FROM case_fees f WHERE f.case_id = cases.id), 0)"
#define CASE_MIRROR_PAYMENTS                                                                       \
  "payment_count = (SELECT count(*) FROM payments p WHERE p.case_id = cases.id)"
#define CASE_MIRROR_UPLOADS                                                                        \
  "upload_count = (SELECT count(*) FROM uploads u WHERE u.case_id = cases.id)"

#define CASE_MIRROR_OUTCOMES                                                                       \
  "outcome_count = (SELECT count(*) FROM case_outcome_documents d WHERE d.case_id = cases.id "     \
  "AND d.withdrawn_at IS NULL)"

#define CASE_MIRROR_ANY                                                                            \
  "id IN (SELECT case_id FROM case_fees UNION SELECT case_id FROM payments UNION SELECT case_id "  \
  "FROM uploads WHERE case_id IS NOT NULL)"

#include <stdbool.h>
#include <stdint.h>

struct store;

/* The backfill (migration 37). */
#define CASE_MIRROR_BACKFILL                                                                       \
  "UPDATE cases SET " CASE_MIRROR_FEE_DUE ", " CASE_MIRROR_PAYMENTS ", " CASE_MIRROR_UPLOADS       \
  " WHERE " CASE_MIRROR_ANY

/* The backfill of migration 38. */
#define CASE_MIRROR_ANY_OUTCOME "id IN (SELECT case_id FROM case_outcome_documents)"
#define CASE_MIRROR_OUTCOME_BACKFILL                                                               \
  "UPDATE cases SET " CASE_MIRROR_OUTCOMES " WHERE " CASE_MIRROR_ANY_OUTCOME

enum case_mirror {
  CASE_MIRROR_FEE,
  CASE_MIRROR_PAYMENT_COUNT,
  CASE_MIRROR_UPLOAD_COUNT,
  CASE_MIRROR_OUTCOME_COUNT
};
/* Recomputes one mirrored column of one case (ST_NOTFOUND when there is no such case). */
int store_case_mirror_refresh(struct store *store, int64_t case_id, enum case_mirror column);
/* A writer that writes a record and its mirror runs both in the caller's transaction, or, when
 * none is open, in one of its own (*own): store_mirror_end commits it (rolls it back when rc is
 * an error) and returns rc or the commit's status. */
int store_mirror_begin(struct store *store, bool *own);
int store_mirror_end(struct store *store, bool own, int rc);

#endif
