/*
 * survey.h - the staff pages of surveys and quality records (issue 19): the builder (list,
 * import and edit of a survey's JSON definition, its export), the results with their CSV and
 * ODS exports, and quality records.
 */
#ifndef BIANMIN_WEB_STAFF_SURVEY_H
#define BIANMIN_WEB_STAFF_SURVEY_H

#include <jansson.h>

#include "http/http.h"

/* Who builds surveys (the JSON editor and the forms): analysts and supervisors. */
#define SURVEY_BUILDERS (ROLE_ANALYST | ROLE_SUPERVISOR)

/* survey.c: the survey list and the JSON editor */
int survey_admin_list(struct http_request *req, struct http_response *res);
int survey_admin_show(struct http_request *req, struct http_response *res);
int survey_admin_save(struct http_request *req, struct http_response *res);
int survey_admin_export(struct http_request *req, struct http_response *res);
/* The list page with status and extra members in its view (a refused new survey). */
int survey_admin_page(struct http_request *req, struct http_response *res, int status,
                      json_t *extra);
/* survey_build.c: the builder's forms (analysts, supervisors): a survey's questions, waves and
 * settings changed one POST at a time, a new survey, and the preview of the answer page */
int survey_build_page(struct http_request *req, struct http_response *res);
int survey_build_submit(struct http_request *req, struct http_response *res);
int survey_build_create(struct http_request *req, struct http_response *res);
int survey_build_preview(struct http_request *req, struct http_response *res);
/* survey_results.c: results (analysts, supervisors) */
int survey_results_page(struct http_request *req, struct http_response *res);
int survey_results_csv(struct http_request *req, struct http_response *res);
int survey_results_ods(struct http_request *req, struct http_response *res);
int survey_results_xlsx(struct http_request *req, struct http_response *res);
/* survey_quality.c: quality records */
int quality_page(struct http_request *req, struct http_response *res);
int quality_submit(struct http_request *req, struct http_response *res);

#endif
