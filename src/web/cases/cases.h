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
int case_page(struct http_request *req, struct http_response *res);
int case_receipt(struct http_request *req, struct http_response *res);
int case_action(struct http_request *req, struct http_response *res);
int worklist(struct http_request *req, struct http_response *res);
int delegations_page(struct http_request *req, struct http_response *res);
int delegation_add(struct http_request *req, struct http_response *res);
int presence_set(struct http_request *req, struct http_response *res);

/* The case actor of a signed-in request. */
void case_actor_of(const struct http_request *req, struct case_actor *actor);

#endif
