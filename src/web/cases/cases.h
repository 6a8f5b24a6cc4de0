/* cases.h - the case pages: counter intake, the staff case page and its actions, the work list,
 * the receipt, and the public progress lookup. */
#ifndef BIANMIN_WEB_CASES_CASES_H
#define BIANMIN_WEB_CASES_CASES_H

#include "domain/cases.h"
#include "http/http.h"

int progress_form(struct http_request *req, struct http_response *res);
int progress_by_token(struct http_request *req, struct http_response *res);
int progress_qr(struct http_request *req, struct http_response *res);

int intake_form(struct http_request *req, struct http_response *res);
int intake_submit(struct http_request *req, struct http_response *res);
/* The fee part of the intake form for the chosen service (intake_fee.c): view["fee"] with the
 * schedule's inputs and waivers, and with want_preview the working (or a field error). */
/* The fee receipt printed with the case receipt (receipt_fee.c): {lines [{label, quantity,
 * unit_price, amount, source}], total, waived}, or NULL when the case's fee has no working. */
struct case_staff;
json_t *receipt_fee_view(struct http_request *req, const struct case_staff *s);
struct dir_service;
int intake_fee_view(struct http_request *req, const struct dir_service *service, bool want_preview,
                    json_t *view);
int case_page(struct http_request *req, struct http_response *res);
int case_receipt(struct http_request *req, struct http_response *res);
int case_action(struct http_request *req, struct http_response *res);
int worklist(struct http_request *req, struct http_response *res);
int delegations_page(struct http_request *req, struct http_response *res);
int delegation_add(struct http_request *req, struct http_response *res);
int presence_set(struct http_request *req, struct http_response *res);

/* corrections.c: the case page's correction offers (flags set on offers), its correction
 * actions (ST_NOTFOUND for another action), the staff home's counts (corrections awaiting
 * approval and decisions waiting; a supervisor's overdue cases), the office setting page and
 * the report of second corrections by month. */
struct case_staff;
int case_correction_offers(struct http_request *req, const struct case_staff *s, json_t *offers);
int case_correction_action(struct http_request *req, const struct case_env *env,
                           const struct case_actor *actor, int64_t id, const char *action,
                           json_t *items, const char **reason, const char **field);
int case_home_counts(struct http_request *req, json_t *view);
int corrections_settings(struct http_request *req, struct http_response *res);
int corrections_settings_save(struct http_request *req, struct http_response *res);
int corrections_report(struct http_request *req, struct http_response *res);

/* The staff case page again with a refusal (status 400 or 403; field the input it is about). */
int case_page_refused(struct http_request *req, struct http_response *res, int status,
                      const char *field, const char *reason);

/* outcome_docs.c: outcome documents (domain/outcome_docs.h). outcome_staff_view adds to the
 * staff case view c "outcomes" [{id, name, size, created_text, created_by, href, withdrawn,
 * withdrawn_text, withdrawn_by, withdrawn_reason, may_withdraw, withdraw_action}],
 * "has_outcomes" and "outcome_attach" (the upload form is offered); outcome_progress_view adds
 * "has_outcomes" and "outcomes" [{id, name, size, date, href}] to the view of /p/<token>. */
struct case_staff;
struct case_public;
struct view_builder;
struct view_map;
int outcome_staff_view(struct http_request *req, const struct case_staff *s, json_t *c);
void outcome_progress_view(struct http_request *req, struct view_builder *b,
                           const struct case_public *c, const char *token, struct view_map *view);
int outcome_attach(struct http_request *req, struct http_response *res);
int outcome_withdraw(struct http_request *req, struct http_response *res);
int outcome_file_staff(struct http_request *req, struct http_response *res);
int outcome_file_public(struct http_request *req, struct http_response *res);

/* The case actor of a signed-in request. */
void case_actor_of(const struct http_request *req, struct case_actor *actor);

#endif
