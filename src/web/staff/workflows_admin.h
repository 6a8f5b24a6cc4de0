/*
 * workflows_admin.h - /staff/admin/workflows (issue 15; ROLE_ADMIN): the office's workflows,
 * one edited as a form with a preview of its steps as citizens read them, saved as a new
 * version; JSON export and import.
 */
#ifndef BIANMIN_WEB_STAFF_WORKFLOWS_ADMIN_H
#define BIANMIN_WEB_STAFF_WORKFLOWS_ADMIN_H

#include "http/http.h"

/* An import upload: a few dozen workflows of at most WORKFLOW_DEFINITION_MAX bytes. */
#define WFADMIN_IMPORT_BODY_MAX (2 * 1024 * 1024)

int wfadmin_list(struct http_request *req, struct http_response *res);
int wfadmin_edit(struct http_request *req, struct http_response *res);
int wfadmin_save(struct http_request *req, struct http_response *res);
int wfadmin_step(struct http_request *req, struct http_response *res);
int wfadmin_step_save(struct http_request *req, struct http_response *res);
int wfadmin_export(struct http_request *req, struct http_response *res);
int wfadmin_import(struct http_request *req, struct http_response *res);

#endif
