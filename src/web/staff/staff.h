/* staff.h - the staff console's handlers (sign-in, home, own account, users, audit trail). */
#ifndef BIANMIN_WEB_STAFF_STAFF_H
#define BIANMIN_WEB_STAFF_STAFF_H

#include "http/http.h"

int staff_login_form(struct http_request *req, struct http_response *res);
int staff_login(struct http_request *req, struct http_response *res);
int staff_totp_form(struct http_request *req, struct http_response *res);
int staff_totp(struct http_request *req, struct http_response *res);
int staff_logout(struct http_request *req, struct http_response *res);
int staff_home(struct http_request *req, struct http_response *res);
int staff_password_form(struct http_request *req, struct http_response *res);
int staff_password(struct http_request *req, struct http_response *res);
int staff_enrol_form(struct http_request *req, struct http_response *res);
int staff_enrol(struct http_request *req, struct http_response *res);
/* The account page: links to the password and second-factor pages, and "Your sessions" with
 * a sign-out per session and one for every other session (ASVS 3.3.4). */
int staff_account(struct http_request *req, struct http_response *res);
int staff_session_end(struct http_request *req, struct http_response *res);
int staff_sessions_end_others(struct http_request *req, struct http_response *res);
int staff_users(struct http_request *req, struct http_response *res);
int staff_user_new(struct http_request *req, struct http_response *res);
int staff_user_create(struct http_request *req, struct http_response *res);
int staff_user_show(struct http_request *req, struct http_response *res);
int staff_user_update(struct http_request *req, struct http_response *res);
int staff_user_password(struct http_request *req, struct http_response *res);
int staff_user_disable(struct http_request *req, struct http_response *res);
int staff_user_enable(struct http_request *req, struct http_response *res);
/* Resets the account's second factor (ASVS 2.5.7): never one's own; needs a step-up. */
int staff_user_totp_reset(struct http_request *req, struct http_response *res);
int staff_audit(struct http_request *req, struct http_response *res);
/* The indicators dashboard and its CSV and ODS (kpi.c). */
int kpi_dashboard(struct http_request *req, struct http_response *res);
int kpi_csv(struct http_request *req, struct http_response *res);
int kpi_ods(struct http_request *req, struct http_response *res);
/* Plan control (plan.c): who reads it, and the largest import (a CSV of up to 1 MiB in a
 * multipart body). */
#define PLAN_READERS (ROLE_SUPERVISOR | ROLE_ANALYST | ROLE_ADMIN)
enum { PLAN_IMPORT_BODY_MAX = 1024 * 1024 + 64 * 1024 };
int plan_list(struct http_request *req, struct http_response *res);
int plan_page(struct http_request *req, struct http_response *res);
int plan_meeting(struct http_request *req, struct http_response *res);
int plan_export(struct http_request *req, struct http_response *res);
int plan_import_post(struct http_request *req, struct http_response *res);
int plan_progress_post(struct http_request *req, struct http_response *res);
int plan_report_odt_get(struct http_request *req, struct http_response *res);
int plan_report_pdf_get(struct http_request *req, struct http_response *res);
int plan_reminder_day_post(struct http_request *req, struct http_response *res);
int plan_evidence_post(struct http_request *req, struct http_response *res);
int plan_evidence_remove_post(struct http_request *req, struct http_response *res);
int plan_evidence_get(struct http_request *req, struct http_response *res);

#endif
