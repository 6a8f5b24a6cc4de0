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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/apply_docs.h"
#include "domain/case_read.h"
#include "domain/cases.h"
#include "domain/directory.h"
#include "domain/notify.h"
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

/* The applicant's data unsealed (a view of personal data: audited). */
struct case_applicant {
  const char *name, *id, *phone, *email;
};

/* One event of the case's whole timeline, as staff see it (who did it, on whose behalf). */
struct case_staff_event {
  int64_t id, at, actor_id;
  const char *actor, *on_behalf_of, *kind, *from_status, *to_status, *note, *data;
  bool public;
};

/* The fee receipt's working (計費收據): the lines of the fee computed at the counter from the
 * service's fee schedule, as the case's latest "fee_due" event keeps them
 * (payment_set_due_worked). A fee set by hand later has no working (present false). */
struct case_fee_line {
  const char *label_zh, *label_en, *source;
  enum { FEE_LINE_FLAT, FEE_LINE_BELOW, FEE_LINE_TOP_BAND } band; /* an area band's line */
  int64_t band_below_m2; /* FEE_LINE_BELOW: the band's upper bound */
  int64_t quantity, unit_price, amount;
};
struct case_fee_working {
  bool present, waived;
  struct case_fee_line *lines;
  size_t line_count;
  int64_t total;
};

/* The staff case page and the receipt, read in one read transaction (the view of the
 * applicant's data is audited after it). may_act, next_steps and acting_for are what the
 * reader may do with the case now (case_may_act, the workflow's moves for their roles). */
struct case_staff {
  struct case_record c;
  struct case_applicant applicant;
  struct case_staff_event *events; /* by id */
  size_t event_count;
  const struct workflow *wf; /* the workflow version the case runs: its step names */
  const char **next_steps;   /* step codes the reader may move the case to */
  size_t next_step_count;
  bool may_act, step_appointment; /* step_appointment: its step sets an appointment */
  const char *acting_for;         /* whom the reader stands in for; "" when nobody */
  const struct dir_office *office;
  const struct dir_unit *unit; /* NULL: none, or not one of the office's */
  const struct dir_service *service;
  const char *word_zh;      /* the Chinese word of the case's word code; "" when none */
  const char *handler_name; /* "" when unassigned */
  const char *clerk_name;   /* who took it in (its first event), display name; "" unknown */
  struct case_handler *handlers;
  size_t handler_count;
  struct case_public_fee fee;          /* payable as for the public; pending unused */
  enum case_fee_assessed fee_assessed; /* whether an amount was set on it (case_read.h) */
  int64_t check_failures; /* wrong check codes today (locked from CASE_CHECK_LOCK_AFTER) */
  /* Working minutes used (until closed, else now; stopped steps left out) and allowed (limit +
   * extensions): case_clock_used, the computation behind every deadline. */
  int64_t used_minutes, allowed_minutes;
  struct outcome_doc *outcomes; /* issued documents, withdrawn ones too (outcome_docs.h) */
  size_t outcome_count;
  /* An online or API application's answers and uploads (channel "online" or "api"; else
   * empty). online.answers is released with the arena. */
  struct apply_online_case online;
  /* What an API client pointed at with the case (Open311's address_string, lat, long and
   * media_url as sent; "" when not given or not an API case). */
  struct {
    const char *address, *lat, *lng, *media_url;
  } api_request;
  struct notify_messages messages; /* the notices sent or queued about it, oldest first */
  bool correction_approval;        /* the office has every correction approved */
  struct case_fee_working working; /* the receipt's fee working, when there is one */
  /* The receipt only (case_receipt_read): the token of the case's link /p/<token>, "" when it
   * cannot be derived (case_receipt_link), and whether the office has a case survey open today
   * (its address is /s/<token>). */
  char token[CASE_TOKEN_SIZE];
  bool survey_open;
};
/* ST_NOTFOUND also when its office or service is gone; ST_FORBIDDEN unless a clerk, handler
 * or supervisor of its office may see it (case_may_view). */
int case_staff_read(const struct case_env *env, const struct case_actor *actor, struct arena *arena,
                    int64_t id, struct case_staff *out);
/* The same for its receipt, with token and survey_open. */
int case_receipt_read(const struct case_env *env, const struct case_actor *actor,
                      struct arena *arena, int64_t id, struct case_staff *out);

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
