/*
 * case_read.h - the public case as one typed read model: what a citizen holding the case's
 * number and check code, or its QR link, may see, filled by one call inside one read
 * transaction (the progress page, /p/<token>, the JSON API and the payment pages).
 *
 * Strings live in the arena given to the call and are never NULL ("" when empty). The office,
 * unit and service point into the directory snapshot, held until the arena is freed.
 */
#ifndef BIANMIN_DOMAIN_CASE_READ_H
#define BIANMIN_DOMAIN_CASE_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "domain/directory.h"

struct arena;
struct outcome_doc; /* domain/outcome_docs.h */
struct store;

/* One entry of the applicant's history: public events and every status move (the note and
 * data of an internal move blanked). Never staff names. */
struct case_public_event {
  int64_t id, at;
  const char *kind, *from_status, *to_status, *note, *data; /* data: JSON text or "" */
  bool public;
};

struct case_public_payment {
  int64_t id, amount, created_at, paid_at, expires_at;                /* paid_at 0: not paid */
  const char *order_no, *currency, *provider, *provider_ref, *status; /* status as of now */
};

/* What the case owes and has paid, as of the read. payments are newest first; pending is the
 * one pending payment, or NULL. */
struct case_public_fee {
  int64_t due, paid, outstanding;
  bool payable; /* something is outstanding and online payment is configured */
  struct case_public_payment *payments;
  size_t payment_count;
  const struct case_public_payment *pending;
};

struct case_public_upload {
  int64_t id, size;
  const char *name, *mime;
};

struct workflow;

/* Whether an amount was assessed on a case (staff set one, or its application or intake did):
 * each amount set writes a "fee_due" event (payment_set_due_worked). CASE_FEE_WAIVED: the latest
 * was computed with one of the fee schedule's waivers. Without one the case owes nothing set,
 * and its fee reads as the service's fee text; with one it reads as that amount, NT$0 too. */
enum case_fee_assessed { CASE_FEE_NONE, CASE_FEE_SET, CASE_FEE_WAIVED };
/* From the data of the case's latest "fee_due" event (NULL: it has none). */
enum case_fee_assessed case_fee_assessed_of(const char *latest_fee_due_data);

struct case_public {
  const struct dir_office *office;
  const struct dir_unit *unit;       /* NULL: none */
  const struct dir_service *service; /* NULL: the service is gone */
  int64_t id, office_id, service_id, unit_id, roc_year, serial;
  const char *word_code, *case_key, *status, *workflow, *channel, *counter;
  const char *word_zh; /* the Chinese word of word_code at the office; "" when none */
  int64_t received_at, due_at, picked_up_at, closed_at; /* 0: not set */
  int64_t time_limit_minutes, extension_minutes;
  /* what the case owes in NT$, every copy: the amount set on it (fee.due), or without one the
   * service's fixed fee it was taken in with; 0 when none */
  int64_t fee_amount;
  enum case_fee_assessed fee_assessed; /* with the events: once the case is shown */
  const char *due_state, *applicant_name_masked, *overdue_reason, *overdue_new_date;
  const char *correction_items, *correction_deadline; /* "" unless waiting for a correction */
  struct case_public_event *events;
  size_t event_count;
  struct case_public_fee fee;
  struct case_public_upload *uploads; /* only by token: the citizen's own documents */
  size_t upload_count;
  struct outcome_doc *outcomes; /* only by token: documents issued, not withdrawn */
  size_t outcome_count;
  bool withdrawable;         /* an online or API application not yet taken up */
  const struct workflow *wf; /* the workflow version the case runs; NULL when unknown */
};

/* Per-case check-code lock: after CASE_CHECK_LOCK_AFTER wrong check codes for one case on one
 * Taipei day, the lookup by number and check code of that case is locked until the day ends
 * (whatever code is typed, right or wrong); the QR link keeps working and staff may lift it. */
enum { CASE_CHECK_LOCK_AFTER = 10 };

/* The Taipei day of t (days since 1970-01-01 in Asia/Taipei), and when that day ends. */
int64_t case_check_day(time_t t);
time_t case_check_day_end(time_t t);

/* Opens the connection a wrong check code's one write goes to (the primary: the lookup itself
 * may read from a replica); called only then. */
typedef int (*case_writer_fn)(void *ctx, struct store **out);

/* By the printed number and check code within an office: ST_NOTFOUND alike for a wrong
 * number, a wrong check code or another office's case; a wrong code for an existing case is
 * counted (one write through writer, after the read). ST_LIMIT while the case's lookup is
 * locked, whether or not the code is right. */
int case_public_by_number(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                          const char *number, const char *check_code, case_writer_fn writer,
                          void *writer_ctx, struct case_public *out);
/* By the QR token (the citizen's private link); also reads the uploads. */
int case_public_by_token(struct store *store, struct arena *arena, time_t now, const char *token,
                         struct case_public *out);

#endif
