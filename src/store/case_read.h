/*
 * case_read.h - the store's part of reading a case for the public (domain/case_read.c), as
 * typed rows whose strings live in the caller's arena (never NULL; "" for NULL). The case row
 * comes with what else it has, in one statement, so the domain knows which further reads
 * (events always; payments and uploads only when there are any) it needs.
 */
#ifndef BIANMIN_STORE_CASE_READ_H
#define BIANMIN_STORE_CASE_READ_H

#if defined(BIANMIN_LAYER_WEB) || defined(BIANMIN_LAYER_WORKERS)
#error                                                                                             \
    "web/ and workers/ may not include store/ headers: call the domain (docs/ARCHITECTURE.md, Layers)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct store;

struct store_case_event_row {
  int64_t id, at;
  const char *kind, *from_status, *to_status, *note, *data;
  bool public;
};

struct store_case_public_row {
  int64_t id, office_id, service_id, unit_id, roc_year, serial, received_at, time_limit_minutes;
  int64_t extension_minutes, due_at, fee_amount, picked_up_at, closed_at; /* 0 for NULL */
  int64_t fee_due, payment_count, upload_count, outcome_count; /* outcome documents shown */
  int64_t check_locked_day; /* the Taipei day its wrong check codes reached the lock (0: none) */
  int64_t workflow_version; /* the version of its workflow the case started on */
  const char *word_code, *case_key, *check_code, *workflow, *status, *channel, *counter;
  const char *due_state, *correction_items, *correction_deadline, *overdue_reason;
  const char *overdue_new_date, *applicant_name_masked;
  char *history;                       /* cases.public_history, undecoded (NULL: none) */
  size_t history_len;                  /* its bytes */
  struct store_case_event_row *events; /* decoded by store_case_public_events, by id */
  size_t event_count;
};

struct store_case_payment_row {
  int64_t id, amount, created_at, paid_at, expires_at;
  const char *order_no, *currency, *provider, *provider_ref, *status;
};

struct store_case_upload_row {
  int64_t id, size;
  const char *name, *mime;
};

/* The case by (office, key) or by the SHA-256 of its QR token, from its row alone (migration
 * 37): its public columns plus the check code (compared by the domain, never shown), "fee_due"
 * (case_fees.amount, 0 when unset), the counts of its payments, uploads and outcome documents
 * not withdrawn (migration 38), the day its check
 * code was locked, and its public history (migration 36) copied into the arena but not
 * decoded. ST_NOTFOUND when there is no such case. store_case_public_events decodes the
 * history into row->events (the rows store_case_events_read reads from case_events), in the
 * arena the history was copied into; ST_DB when the column cannot be decoded. A lookup that
 * refuses the case (a wrong check code, a lock) never pays for the decoding. */
int store_case_public_by_key(struct store *store, struct arena *arena, int64_t office_id,
                             const char *case_key, struct store_case_public_row *row);
int store_case_public_by_token(struct store *store, struct arena *arena, const char *token_hash,
                               struct store_case_public_row *row);
int store_case_public_events(struct store *store, struct arena *arena,
                             struct store_case_public_row *row);
/* Wrong check codes for a case (table case_check_failures; the lock on the case row, migration
 * 37): store_case_check_failed counts one on day (a Taipei day number), starting again from 1
 * when the stored day is another one, and gives the count of that day; store_case_check_lock
 * records on the case row that its count of day reached the lock (ST_NOTFOUND: no such case);
 * store_case_check_failures reads the count of that day (0 when none); store_case_check_unlock
 * forgets the case's count and lock (*was_locked: there was either). */
int store_case_check_failed(struct store *store, int64_t case_id, int64_t day, int64_t *failures);
int store_case_check_lock(struct store *store, int64_t case_id, int64_t day);
int store_case_check_failures(struct store *store, int64_t case_id, int64_t day, int64_t *failures);
int store_case_check_unlock(struct store *store, int64_t case_id, bool *was_locked);
/* The case's public timeline by id (its public events and its status moves; a move's note and
 * data are "" unless the move is public) read from case_events, the record the case row's copy
 * is kept from (the lookups read the copy; tests compare the two), its payments by id, its
 * uploads by id. */
int store_case_events_read(struct store *store, struct arena *arena, int64_t case_id,
                           struct store_case_event_row **rows, size_t *count);
int store_case_payments_read(struct store *store, struct arena *arena, int64_t case_id,
                             struct store_case_payment_row **rows, size_t *count);
int store_case_uploads_read(struct store *store, struct arena *arena, int64_t case_id,
                            struct store_case_upload_row **rows, size_t *count);

/* A page of a work list (store_case_list's statements) as typed rows, without JSON. */
struct store_case_filter;
struct store_case_list_row {
  int64_t id, due_at; /* due_at 0: none */
  const char *case_key, *status, *due_state, *channel, *applicant_name_masked, *handler_name;
  const char *workflow; /* the workflow the case runs, and its version (0: the shipped one) */
  int64_t workflow_version;
};
int store_case_list_read(struct store *store, struct arena *arena,
                         const struct store_case_filter *filter, struct store_case_list_row **rows,
                         size_t *count);

#endif
