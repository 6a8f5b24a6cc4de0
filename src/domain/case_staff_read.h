/*
 * case_staff_read.h - what the staff case pages read, as typed read models (ARCHITECTURE.md
 * "web/ speaks to domain/ only"): the staff case page and its receipt, the counter intake form,
 * the work list and the delegations page. Each is one call that reads inside one read
 * transaction, with offices, units and services from the in-memory directory.
 *
 * Strings and arrays live in the arena given to the call and are never NULL ("" when empty);
 * directory records point into the snapshot held until the arena is freed.
 */
#ifndef BIANMIN_DOMAIN_CASE_STAFF_READ_H
#define BIANMIN_DOMAIN_CASE_STAFF_READ_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/case_read.h"
#include "domain/cases.h"
#include "domain/directory.h"
#include "domain/outcome_docs.h"

struct arena;

/* A handler of the office who may be given a case: enabled and not marked away. */
struct case_handler {
  int64_t id;
  const char *name;
};

/* The display name of handler_id of office_id, "" when 0 or not found (also on a read error,
 * as a name is only decoration); ST_NOMEM when the arena is full. */
int case_handler_name(struct store *store, struct arena *arena, int64_t office_id,
                      int64_t handler_id, const char **out);

/* The staff case page and the receipt. record is cases_get_for_staff's (owned by the caller:
 * json_decref it). The view of the applicant's data is audited after the read. */
struct case_staff {
  json_t *record;
  const struct dir_office *office;
  const struct dir_unit *unit; /* NULL: none, or not one of the office's */
  const struct dir_service *service;
  const char *word_zh;      /* the Chinese word of the case's word code; "" when none */
  const char *handler_name; /* "" when unassigned */
  const char *clerk_name;   /* who took it in (its first event), display name; "" unknown */
  struct case_handler *handlers;
  size_t handler_count;
  struct case_public_fee fee; /* payable as for the public; pending unused */
  int64_t check_failures;     /* wrong check codes today (locked from CASE_CHECK_LOCK_AFTER) */
  /* Working minutes used (until closed, else now; stopped steps left out) and allowed (limit +
   * extensions): case_clock_used, the computation behind every deadline. */
  int64_t used_minutes, allowed_minutes;
  struct outcome_doc *outcomes; /* issued documents, withdrawn ones too (outcome_docs.h) */
  size_t outcome_count;
};
/* ST_NOTFOUND also when its office or service is gone; ST_FORBIDDEN as cases_get_for_staff. */
int case_staff_read(const struct case_env *env, const struct case_actor *actor, struct arena *arena,
                    int64_t id, struct case_staff *out);

/* The token of the link /p/<token> of case record (case_staff's) for its receipt's QR code:
 * derived again (case_link_token) and checked against the one stored. ST_NOTFOUND (out "")
 * for a case taken in before links were derived, or without a key: only its first receipt
 * knew its random token. */
int case_receipt_link(struct store *store, json_t *record, char out[CASE_TOKEN_SIZE]);

/* The counter intake form: the office's published services (catalogue order) and the
 * handlers intake accepts for service_id (cases_handler_candidates of its unit; with no such
 * published service, every present handler of the office). */
struct case_intake_form {
  const struct dir_service **services;
  size_t service_count;
  struct case_handler *handlers;
  size_t handler_count;
};
int case_intake_form_read(struct store *store, struct arena *arena, int64_t office_id,
                          int64_t service_id, struct case_intake_form *out);

/* A work list: scope "mine", "unit" or "office"; filter "", "due_soon", "overdue",
 * "correction" or "closed"; q a case number (prefix) or an applicant's exact name (a view of
 * personal data: audited) or ""; page from 1 (past the last: the last). */
struct case_worklist_query {
  const char *scope, *filter, *q;
  int64_t page, page_size;
};
struct case_worklist_row {
  int64_t id, due_at; /* due_at 0: none */
  const char *case_key, *status, *due_state, *channel, *applicant_name_masked, *handler_name;
  /* The status's step name in the workflow the case runs (an office's own steps have no
   * translation key); "" when the workflow does not name it. */
  const char *status_zh, *status_en;
};
struct case_worklist {
  struct case_worklist_row *rows;
  size_t row_count;
  int64_t total, page; /* every case of the list; the page shown */
};
/* ST_INVALID for a search that is neither a number nor a name (too long). */
int case_worklist_read(const struct case_env *env, const struct case_actor *actor,
                       struct arena *arena, const struct case_worklist_query *q,
                       struct case_worklist *out);

/* The delegations of the office current or to come on today ("YYYY-MM-DD"), and its handlers. */
struct case_delegation {
  int64_t id, user_id, delegate_id;
  const char *user_name, *delegate_name, *starts_on, *ends_on, *reason;
};
struct case_delegations {
  struct case_delegation *delegations;
  size_t delegation_count;
  struct case_handler *handlers;
  size_t handler_count;
};
int case_delegations_read(struct store *store, struct arena *arena, int64_t office_id,
                          const char *today, struct case_delegations *out);

/* "I am at counter N" / "I am away": the round robin of intake only assigns present handlers. */
int cases_presence_set(struct store *store, int64_t user_id, bool present, const char *counter);

#endif
