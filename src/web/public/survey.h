/*
 * survey.h - the survey answer pages (issue 19): /s/<token> (a case's link, printed on the
 * receipt and sent in the "ready" message), the rating tablet at a counter
 * (/o/<office>/survey/tablet?counter=N) and surveys open to all (/o/<office>/survey/<slug>).
 */
#ifndef BIANMIN_WEB_PUBLIC_SURVEY_H
#define BIANMIN_WEB_PUBLIC_SURVEY_H

#include <jansson.h>

#include "http/http.h"

struct survey;
/* The questions of s as the answer page shows them (the builder's preview): a new reference,
 * NULL when out of memory. */
json_t *survey_questions_view(struct http_request *req, const struct survey *s);

int survey_case_page(struct http_request *req, struct http_response *res);
int survey_case_submit(struct http_request *req, struct http_response *res);
/* The QR code of a case's survey link, printed on its receipt (no-store: the token is private). */
int survey_case_qr(struct http_request *req, struct http_response *res);
int survey_tablet_page(struct http_request *req, struct http_response *res);
int survey_tablet_submit(struct http_request *req, struct http_response *res);
int survey_open_page(struct http_request *req, struct http_response *res);
int survey_open_submit(struct http_request *req, struct http_response *res);

#endif
