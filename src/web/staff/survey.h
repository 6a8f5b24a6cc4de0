/*
 * survey.h - the staff pages of surveys and quality records (issue 19): the builder (list,
 * import and edit of a survey's JSON definition, its export), the results with their CSV and
 * ODS exports, and quality records.
 */
#ifndef BIANMIN_WEB_STAFF_SURVEY_H
#define BIANMIN_WEB_STAFF_SURVEY_H

#include "http/http.h"

/* survey.c: the builder (analysts) */
int survey_admin_list(struct http_request *req, struct http_response *res);
int survey_admin_show(struct http_request *req, struct http_response *res);
int survey_admin_save(struct http_request *req, struct http_response *res);
int survey_admin_export(struct http_request *req, struct http_response *res);
/* survey_results.c: results (analysts, supervisors) */
int survey_results_page(struct http_request *req, struct http_response *res);
int survey_results_csv(struct http_request *req, struct http_response *res);
int survey_results_ods(struct http_request *req, struct http_response *res);
int survey_results_xlsx(struct http_request *req, struct http_response *res);
/* survey_quality.c: quality records */
int quality_page(struct http_request *req, struct http_response *res);
int quality_submit(struct http_request *req, struct http_response *res);

#endif
