/*
 * routes.c - the route table: every page and API of bianmin, as data. Each row names the
 * method, the path pattern, the handler, the role needed (0 = public), whether the CSRF token
 * is required, the body cap and the rate class.
 */
#include "web/app.h"
#include "domain/accounts.h"
#include "domain/outcome_docs.h"
#include "domain/plan.h"
#include "web/api/api.h"
#include "web/cases/cases.h"
#include "web/payments/payments.h"
#include "web/public/apply.h"
#include "web/open311/open311.h"
#include "web/public/catalog.h"
#include "web/public/home.h"
#include "web/public/opendata.h"
#include "web/public/tools.h"
#include "web/staff/catalog_admin.h"
#include "web/staff/apikeys.h"
#include "web/public/booking.h"
#include "web/staff/booking.h"
#include "web/staff/notices.h"
#include "web/public/petition.h"
#include "web/public/privacy.h"
#include "web/staff/petition.h"
#include "web/public/queue.h"
#include "web/staff/queue.h"
#include "web/staff/staff.h"
#include "web/staff/workflows_admin.h"
#include "web/public/survey.h"
#include "web/staff/survey.h"

#include "base/common.h"

/* Who works on cases: counter clerks, handlers and supervisors. */
#define CASE_STAFF (ROLE_CLERK | ROLE_HANDLER | ROLE_SUPERVISOR)
/* petitions: case staff of their unit, admins for the whole office (domain/petition.h scope) */
#define PETITION_STAFF (CASE_STAFF | ROLE_ADMIN)
/* Who takes in cases at the counter: clerks and supervisors (handlers process them). */
#define INTAKE_STAFF (ROLE_CLERK | ROLE_SUPERVISOR)

static const struct http_route routes[] = {
    {"GET", "/", home_index, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}", home_office_redirect, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/", home_office, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/search", search_office, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    /* Land offices: calculators and parcel lookups (GET forms; 404 for other offices). */
    {"GET", "/o/{office}/tools", tools_index, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/tools/area", tools_area, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/tools/tax", tools_tax, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/tools/fees", tools_fees, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/parcels", parcels_lookup, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/parcels/resurvey", parcels_resurvey, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/parcels/address", parcels_address, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC, 0},

    /* The catalogue (catalog.h). */
    {"GET", "/o/{office}/services", catalog_services, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC,
     0},
    {"GET", "/o/{office}/services/{slug}", catalog_service, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/services/{slug}/qr.svg", catalog_service_qr, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/files/{sha256}", catalog_file, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC,
     0},
    {"GET", "/o/{office}/faq", faq_index, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/faq/{id}", faq_entry, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    /* Anonymous forms carry the double-submit CSRF token (http/session.c). */
    {"POST", "/o/{office}/faq/{id}/vote", faq_vote, 0, true, HTTP_BODY_FORM, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/news", news_current, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/news/archive", news_archive, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC,
     0},
    {"GET", "/o/{office}/news/{id}", news_entry, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/news/{id}/qr.svg", news_qr, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},

    /* Case progress, 24 hours a day (rate class "lookup": guessing is slowed per address). */
    {"GET", "/o/{office}/progress", progress_form, 0, false, HTTP_BODY_NONE, HTTP_RATE_LOOKUP, 0},
    {"GET", "/p/{token}", progress_by_token, 0, false, HTTP_BODY_NONE, HTTP_RATE_LOOKUP, 0},
    {"GET", "/p/{token}/qr.svg", progress_qr, 0, false, HTTP_BODY_NONE, HTTP_RATE_LOOKUP, 0},
    /* Paying a fee online (web/payments/payments.h): the QR token is the proof of access. */
    {"POST", "/p/{token}/pay", payment_pay, 0, true, HTTP_BODY_FORM, HTTP_RATE_LOOKUP, 0},
    {"GET", "/p/{token}/pay/return", payment_return, 0, false, HTTP_BODY_NONE, HTTP_RATE_LOOKUP, 0},
    {"GET", "/p/{token}/receipt", payment_receipt, 0, false, HTTP_BODY_NONE, HTTP_RATE_LOOKUP, 0},
    /* Payment providers call back here server to server; the signature is the authentication. */
    {"POST", "/payments/callback/{provider}", payment_callback_post, 0, false, 16 * 1024,
     HTTP_RATE_PUBLIC, 0},
    /* The sandbox gateway's own pages (only while [payment] provider = sandbox). */
    {"GET", "/sandbox/pay", sandbox_page, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"POST", "/sandbox/pay", sandbox_submit, 0, true, HTTP_BODY_FORM, HTTP_RATE_PUBLIC, 0},

    /* Online applications (web/public/apply.h): public forms with the anonymous CSRF token;
     * starting, codes and resume links in the strict sign-in rate class. */
    {"GET", "/o/{office}/apply", apply_index, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/apply-resume/{token}", apply_resume_get, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_LOGIN, 0},
    {"GET", "/o/{office}/apply/{service}", apply_start_page, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC, 0},
    {"POST", "/o/{office}/apply/{service}/start", apply_start_submit, 0, true, HTTP_BODY_FORM,
     HTTP_RATE_LOGIN, 0},
    {"GET", "/o/{office}/apply/{service}/verify", apply_verify_page, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC, 0},
    {"POST", "/o/{office}/apply/{service}/verify", apply_verify_submit, 0, true, HTTP_BODY_FORM,
     HTTP_RATE_LOGIN, 0},
    {"POST", "/o/{office}/apply/{service}/resend", apply_resend_submit, 0, true, HTTP_BODY_FORM,
     HTTP_RATE_LOGIN, 0},
    {"GET", "/o/{office}/apply/{service}/name", apply_question_page, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC, 0},
    {"POST", "/o/{office}/apply/{service}/name", apply_question_submit, 0, true, HTTP_BODY_FORM,
     HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/apply/{service}/q/{code}", apply_question_page, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC, 0},
    {"POST", "/o/{office}/apply/{service}/q/{code}", apply_question_submit, 0, true, HTTP_BODY_FORM,
     HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/apply/{service}/documents", apply_documents_page, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC, 0},
    {"POST", "/o/{office}/apply/{service}/documents", apply_documents_submit, 0, true,
     APPLY_UPLOAD_BODY_MAX, HTTP_RATE_PUBLIC, 0},
    {"POST", "/o/{office}/apply/{service}/documents/{id}/remove", apply_document_remove, 0, true,
     HTTP_BODY_FORM, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/apply/{service}/check", apply_check_page, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC, 0},
    {"POST", "/o/{office}/apply/{service}/submit", apply_submit_post, 0, true, HTTP_BODY_FORM,
     HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/apply/{service}/done", apply_done_page, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC, 0},
    {"POST", "/o/{office}/apply/{service}/save", apply_save_post, 0, true, HTTP_BODY_FORM,
     HTTP_RATE_LOGIN, 0},
    /* After submission, through the QR token: withdraw; the applicant's own documents. */
    {"GET", "/p/{token}/withdraw", apply_withdraw_page, 0, false, HTTP_BODY_NONE, HTTP_RATE_LOOKUP,
     0},
    {"POST", "/p/{token}/withdraw", apply_withdraw_post, 0, true, HTTP_BODY_FORM, HTTP_RATE_LOOKUP,
     0},
    {"GET", "/p/{token}/files/{file}", apply_file_public, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_LOOKUP, 0},

    /* Open311 GeoReport v2 (web/open311): one base for every office (jurisdiction_id = the
     * office's slug) and one per office. {path...} is the resource with its format suffix; the
     * module reads it so that "//" and unknown resources answer in Open311's own format. */
    {"GET", "/open311/v2/{path...}", open311_get, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0,
     open311_http_error},
    {"POST", "/open311/v2/{path...}", open311_post, 0, false, HTTP_BODY_FORM, HTTP_RATE_PUBLIC, 0,
     open311_http_error},
    {"GET", "/o/{office}/open311/v2/{path...}", open311_get, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC, 0, open311_http_error},
    {"POST", "/o/{office}/open311/v2/{path...}", open311_post, 0, false, HTTP_BODY_FORM,
     HTTP_RATE_PUBLIC, 0, open311_http_error},
    /* The JSON API (web/api; docs/openapi.json lists exactly these). Case creation needs an
     * api key; the progress lookup has the progress page's rate class. */
    {"GET", "/api/openapi.json", api_openapi, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0,
     api_http_error},
    {"GET", "/api/v1/offices", api_offices, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0,
     api_http_error},
    {"GET", "/api/v1/offices/{office}", api_office, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0,
     api_http_error},
    {"GET", "/api/v1/offices/{office}/services", api_services, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC, 0, api_http_error},
    {"GET", "/api/v1/offices/{office}/services/{service}", api_service, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC, 0, api_http_error},
    {"GET", "/api/v1/offices/{office}/faq", api_faq, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0,
     api_http_error},
    {"GET", "/api/v1/offices/{office}/cases/{number}", api_case, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_LOOKUP, 0, api_http_error},
    {"POST", "/api/v1/offices/{office}/requests", api_create, 0, false, HTTP_BODY_FORM,
     HTTP_RATE_PUBLIC, HTTP_ROUTE_BODY_JSON, api_http_error},
    /* Any other path under /api/ (and /api itself) answers the API's JSON 404. */
    {"GET", "/api/{path...}", api_not_found, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC,
     HTTP_ROUTE_ERRORS_ONLY, api_http_error},
    {"GET", "/api", api_not_found, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC,
     HTTP_ROUTE_ERRORS_ONLY, api_http_error},
    {"GET", "/api/", api_not_found, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC,
     HTTP_ROUTE_ERRORS_ONLY, api_http_error},
    /* API keys (web/staff/apikeys.h): admins of an office issue and revoke them. */
    {"GET", "/staff/admin/api-keys", apikeys_page, ROLE_ADMIN, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/admin/api-keys", apikeys_issue, ROLE_ADMIN, true, HTTP_BODY_FORM,
     HTTP_RATE_NONE},
    {"POST", "/staff/admin/api-keys/{id}/revoke", apikeys_revoke, ROLE_ADMIN, true, HTTP_BODY_FORM,
     HTTP_RATE_NONE},

    /* Staff: signing in and out. */
    {"GET", "/staff/login", staff_login_form, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"POST", "/staff/login", staff_login, 0, true, HTTP_BODY_FORM, HTTP_RATE_LOGIN},
    {"GET", "/staff/login/totp", staff_totp_form, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC,
     HTTP_ROUTE_UNFINISHED_SIGNIN},
    {"POST", "/staff/login/totp", staff_totp, 0, true, HTTP_BODY_FORM, HTTP_RATE_LOGIN,
     HTTP_ROUTE_UNFINISHED_SIGNIN},
    {"POST", "/staff/logout", staff_logout, ROLE_ALL, true, HTTP_BODY_FORM, HTTP_RATE_NONE,
     HTTP_ROUTE_UNFINISHED_SIGNIN},

    /* Staff: everyone signed in. */
    {"GET", "/staff/", staff_home, ROLE_ALL, false, HTTP_BODY_NONE, HTTP_RATE_NONE},
    /* Reachable before the sign-in is finished: an expired password is changed first (the
     * handlers refuse a sign-in still waiting for its second factor). */
    {"GET", "/staff/account/password", staff_password_form, ROLE_ALL, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE, HTTP_ROUTE_UNFINISHED_SIGNIN},
    {"POST", "/staff/account/password", staff_password, ROLE_ALL, true, HTTP_BODY_FORM,
     HTTP_RATE_LOGIN, HTTP_ROUTE_UNFINISHED_SIGNIN},
    {"GET", "/staff/account/totp", staff_enrol_form, ROLE_ALL, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE, HTTP_ROUTE_UNFINISHED_SIGNIN},
    {"POST", "/staff/account/totp", staff_enrol, ROLE_ALL, true, HTTP_BODY_FORM, HTTP_RATE_LOGIN,
     HTTP_ROUTE_UNFINISHED_SIGNIN},

    /* Staff: admins of an office. */
    {"GET", "/staff/admin/users", staff_users, ROLE_ADMIN, false, HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"GET", "/staff/admin/users/new", staff_user_new, ROLE_ADMIN, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/admin/users", staff_user_create, ROLE_ADMIN, true, HTTP_BODY_FORM,
     HTTP_RATE_NONE},
    {"GET", "/staff/admin/users/{id}", staff_user_show, ROLE_ADMIN, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/admin/users/{id}", staff_user_update, ROLE_ADMIN, true, HTTP_BODY_FORM,
     HTTP_RATE_NONE},
    {"POST", "/staff/admin/users/{id}/password", staff_user_password, ROLE_ADMIN, true,
     HTTP_BODY_FORM, HTTP_RATE_NONE},
    {"POST", "/staff/admin/users/{id}/disable", staff_user_disable, ROLE_ADMIN, true,
     HTTP_BODY_FORM, HTTP_RATE_NONE},
    {"POST", "/staff/admin/users/{id}/enable", staff_user_enable, ROLE_ADMIN, true, HTTP_BODY_FORM,
     HTTP_RATE_NONE},
    {"POST", "/staff/admin/users/{id}/totp-reset", staff_user_totp_reset, ROLE_ADMIN, true,
     HTTP_BODY_FORM, HTTP_RATE_NONE},
    {"GET", "/staff/admin/audit", staff_audit, ROLE_ADMIN, false, HTTP_BODY_NONE, HTTP_RATE_NONE},

    /* Staff: admins edit their office's catalogue (catalog_admin.h). {kind} is services, faq
     * or announcements; fixed paths come before the {kind} and {id} patterns they would match. */
    {"GET", "/staff/admin/catalog", catadmin_overview, ROLE_ADMIN, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"GET", "/staff/admin/catalog/export", catadmin_export, ROLE_ADMIN, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/admin/catalog/import", catadmin_import, ROLE_ADMIN, true,
     CATADMIN_IMPORT_BODY_MAX, HTTP_RATE_NONE},
    {"POST", "/staff/admin/catalog/services/{id}/forms", catadmin_form_upload, ROLE_ADMIN, true,
     CATADMIN_UPLOAD_BODY_MAX, HTTP_RATE_NONE},
    {"POST", "/staff/admin/catalog/services/{id}/forms/{sha256}/remove", catadmin_form_remove,
     ROLE_ADMIN, true, HTTP_BODY_FORM, HTTP_RATE_NONE},
    {"GET", "/staff/admin/catalog/{kind}", catadmin_list, ROLE_ADMIN, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/admin/catalog/{kind}", catadmin_create, ROLE_ADMIN, true, HTTP_BODY_FORM,
     HTTP_RATE_NONE},
    {"GET", "/staff/admin/catalog/{kind}/new", catadmin_new, ROLE_ADMIN, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"GET", "/staff/admin/catalog/{kind}/{id}", catadmin_edit, ROLE_ADMIN, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/admin/catalog/{kind}/{id}", catadmin_update, ROLE_ADMIN, true, HTTP_BODY_FORM,
     HTTP_RATE_NONE},
    {"POST", "/staff/admin/catalog/{kind}/{id}/publish", catadmin_publish, ROLE_ADMIN, true,
     HTTP_BODY_FORM, HTTP_RATE_NONE},
    {"POST", "/staff/admin/catalog/{kind}/{id}/unpublish", catadmin_unpublish, ROLE_ADMIN, true,
     HTTP_BODY_FORM, HTTP_RATE_NONE},
    {"GET", "/staff/admin/catalog/{kind}/{id}/history", catadmin_history, ROLE_ADMIN, false,
     HTTP_BODY_NONE, HTTP_RATE_NONE},
    /* Notices (web/staff/notices.h): the outbox and the message templates. */
    {"GET", "/staff/admin/outbox", notices_outbox, ROLE_ADMIN, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/admin/outbox/{id}/retry", notices_outbox_retry, ROLE_ADMIN, true,
     HTTP_BODY_FORM, HTTP_RATE_NONE},
    {"GET", "/staff/admin/templates", notices_templates, ROLE_ADMIN, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"GET", "/staff/admin/templates/{event}/{channel}/{lang}", notices_template_form, ROLE_ADMIN,
     false, HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"POST", "/staff/admin/templates/{event}/{channel}/{lang}", notices_template_submit, ROLE_ADMIN,
     true, HTTP_BODY_FORM, HTTP_RATE_NONE},
    /* The SMS gateway's delivery receipts: authenticated by the secret token in the path. */
    {"POST", "/hooks/sms/{token}", notices_sms_receipt, 0, false, 8 * 1024, HTTP_RATE_PUBLIC,
     HTTP_ROUTE_BODY_FORM_OR_JSON},

    /* Staff: cases (domain/cases.c checks who may act on which case). */
    {"GET", "/staff/intake", intake_form, INTAKE_STAFF, false, HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"POST", "/staff/intake", intake_submit, INTAKE_STAFF, true, HTTP_BODY_FORM, HTTP_RATE_NONE},
    {"GET", "/staff/cases", worklist, CASE_STAFF, false, HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"GET", "/staff/cases/{id}", case_page, CASE_STAFF, false, HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"GET", "/staff/cases/{id}/receipt", case_receipt, CASE_STAFF, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/cases/{id}/fee", payment_fee_set, CASE_STAFF, true, HTTP_BODY_FORM,
     HTTP_RATE_NONE},
    {"GET", "/staff/cases/{id}/files/{file}", apply_file_staff, CASE_STAFF, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/cases/{id}/{action}", case_action, CASE_STAFF, true, HTTP_BODY_FORM,
     HTTP_RATE_NONE},
    /* Corrections needing approval (web/cases/corrections.c): the office setting, the report. */
    {"GET", "/staff/admin/corrections", corrections_settings, ROLE_ADMIN, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/admin/corrections", corrections_settings_save, ROLE_ADMIN, true,
     HTTP_BODY_FORM, HTTP_RATE_NONE},
    {"GET", "/staff/reports/corrections", corrections_report,
     ROLE_SUPERVISOR | ROLE_ANALYST | ROLE_ADMIN, false, HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"POST", "/staff/presence", presence_set, ROLE_HANDLER, true, HTTP_BODY_FORM, HTTP_RATE_NONE},
    {"GET", "/staff/delegations", delegations_page, ROLE_SUPERVISOR, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/delegations", delegation_add, ROLE_SUPERVISOR, true, HTTP_BODY_FORM,
     HTTP_RATE_NONE},
    /* Booked visits (issue 18; web/public/booking.c, web/staff/booking.c): citizens book,
     * move and cancel through the booking's private link, check in at the kiosk; staff see the
     * day's bookings per counter, admins set the slots, supervisors read the figures. */
    {"GET", "/o/{office}/book", booking_page, 0, false, HTTP_BODY_NONE, HTTP_RATE_LOOKUP, 0},
    {"POST", "/o/{office}/book", booking_submit, 0, true, HTTP_BODY_FORM, HTTP_RATE_LOOKUP, 0},
    {"GET", "/o/{office}/book/checkin", booking_checkin_form, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_LOOKUP, 0},
    {"POST", "/o/{office}/book/checkin", booking_checkin_submit, 0, true, HTTP_BODY_FORM,
     HTTP_RATE_LOOKUP, 0},
    {"GET", "/b/{token}", booking_manage, 0, false, HTTP_BODY_NONE, HTTP_RATE_LOOKUP, 0},
    {"GET", "/b/{token}/qr.svg", booking_manage_qr, 0, false, HTTP_BODY_NONE, HTTP_RATE_LOOKUP, 0},
    {"POST", "/b/{token}/cancel", booking_cancel_submit, 0, true, HTTP_BODY_FORM, HTTP_RATE_LOOKUP,
     0},
    {"POST", "/b/{token}/move", booking_move_submit, 0, true, HTTP_BODY_FORM, HTTP_RATE_LOOKUP, 0},
    {"GET", "/staff/bookings/today", booking_today, CASE_STAFF | ROLE_ADMIN, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"GET", "/staff/admin/bookings", booking_settings, ROLE_ADMIN, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/admin/bookings", booking_settings_save, ROLE_ADMIN, true, HTTP_BODY_FORM,
     HTTP_RATE_NONE},
    {"GET", "/staff/reports/bookings", booking_report, ROLE_SUPERVISOR | ROLE_ANALYST | ROLE_ADMIN,
     false, HTTP_BODY_NONE, HTTP_RATE_NONE},
    /* Indicators (web/staff/kpi.c): the dashboard, its CSV and ODS, no personal data. */
    {"GET", "/staff/kpi", kpi_dashboard, ROLE_SUPERVISOR | ROLE_ANALYST | ROLE_ADMIN, false,
     HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"GET", "/staff/kpi.csv", kpi_csv, ROLE_SUPERVISOR | ROLE_ANALYST | ROLE_ADMIN, false,
     HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"GET", "/staff/kpi.ods", kpi_ods, ROLE_SUPERVISOR | ROLE_ANALYST | ROLE_ADMIN, false,
     HTTP_BODY_NONE, HTTP_RATE_NONE},

    /* A payment gateway that takes the order as a form post (ECPay, web/payments/form_post.c). */
    {"GET", "/p/{token}/pay/go", payment_go, 0, false, HTTP_BODY_NONE, HTTP_RATE_LOOKUP, 0},
    /* Outcome documents (web/cases/outcome_docs.c, issue 15): staff attach and withdraw them
     * on the case page; the applicant downloads them through the case's link, audited. */
    {"POST", "/staff/cases/{id}/outcomes/new", outcome_attach, ROLE_HANDLER | ROLE_SUPERVISOR, true,
     OUTCOME_UPLOAD_BODY_MAX, HTTP_RATE_NONE},
    {"POST", "/staff/cases/{id}/outcomes/{doc}/withdraw", outcome_withdraw,
     ROLE_HANDLER | ROLE_SUPERVISOR, true, HTTP_BODY_FORM, HTTP_RATE_NONE},
    {"GET", "/staff/cases/{id}/outcomes/{doc}", outcome_file_staff, CASE_STAFF, false,
     HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"GET", "/p/{token}/outcomes/{doc}", outcome_file_public, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_LOOKUP, 0},
    /* Petitions and the director's mailbox (issue 19; web/public/petition.h, web/staff/petition.h):
     * citizens file with a one-time code (rate class "lookup" for the codes and links), follow
     * their petition by its link or number and rate the answer once; staff record, route,
     * transfer, flag, answer. */
    {"GET", "/o/{office}/petition", petition_form, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"POST", "/o/{office}/petition", petition_submit, 0, true, HTTP_BODY_FORM, HTTP_RATE_LOOKUP, 0},
    {"GET", "/o/{office}/petition/verify/{token}", petition_verify_page, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_LOOKUP, 0},
    {"POST", "/o/{office}/petition/verify/{token}", petition_verify_submit, 0, true, HTTP_BODY_FORM,
     HTTP_RATE_LOOKUP, 0},
    {"POST", "/o/{office}/petition/verify/{token}/resend", petition_resend_submit, 0, true,
     HTTP_BODY_FORM, HTTP_RATE_LOOKUP, 0},
    {"GET", "/o/{office}/petition/filed/{token}", petition_own_page, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_LOOKUP, 0},
    {"GET", "/o/{office}/petition/rate/{token}", petition_own_page, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_LOOKUP, 0},
    {"POST", "/o/{office}/petition/rate/{token}", petition_rate_submit, 0, true, HTTP_BODY_FORM,
     HTTP_RATE_LOOKUP, 0},
    {"GET", "/o/{office}/petition/status", petition_lookup, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_LOOKUP, 0},
    {"GET", "/o/{office}/petitions/stats", petition_stats_page, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC, 0},
    {"GET", "/staff/petitions", petition_staff_list, PETITION_STAFF, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"GET", "/staff/petitions/new", petition_staff_new, PETITION_STAFF, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/petitions", petition_staff_record, PETITION_STAFF, true, APPLY_UPLOAD_BODY_MAX,
     HTTP_RATE_NONE},
    {"GET", "/staff/petitions/{id}/files/{file}", petition_staff_file, PETITION_STAFF, false,
     HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"GET", "/staff/petitions/{id}", petition_staff_page, PETITION_STAFF, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/petitions/{id}/{action}", petition_staff_action, PETITION_STAFF, true,
     HTTP_BODY_FORM, HTTP_RATE_NONE},
    {"GET", "/staff/admin/petitions", petition_settings_page, ROLE_ADMIN, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/admin/petitions", petition_settings_save, ROLE_ADMIN, true, HTTP_BODY_FORM,
     HTTP_RATE_NONE},
    {"POST", "/staff/admin/petitions/categories", petition_category_submit, ROLE_ADMIN, true,
     HTTP_BODY_FORM, HTTP_RATE_NONE},
    /* Workflows as data (web/staff/workflows_admin.c, issue 15): list, edit, export, import. */
    {"GET", "/staff/admin/workflows", wfadmin_list, ROLE_ADMIN, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"GET", "/staff/admin/workflows/export", wfadmin_export, ROLE_ADMIN, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/admin/workflows/import", wfadmin_import, ROLE_ADMIN, true,
     WFADMIN_IMPORT_BODY_MAX, HTTP_RATE_NONE},
    {"GET", "/staff/admin/workflows/{code}", wfadmin_edit, ROLE_ADMIN, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/admin/workflows/{code}", wfadmin_save, ROLE_ADMIN, true, HTTP_BODY_FORM,
     HTTP_RATE_NONE},
    {"GET", "/staff/admin/workflows/{code}/steps/{step}", wfadmin_step, ROLE_ADMIN, false,
     HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"POST", "/staff/admin/workflows/{code}/steps/{step}", wfadmin_step_save, ROLE_ADMIN, true,
     HTTP_BODY_FORM, HTTP_RATE_NONE},
    /* Counter queues (issue 18): the ticket kiosk and phone page, the ticket's own page, the
     * boards and their event stream (public); the counter console and figures (staff). */
    {"GET", "/o/{office}/queue", queue_phone, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/queue/kiosk", queue_kiosk, 0, false, HTTP_BODY_NONE, HTTP_RATE_NONE, 0},
    {"POST", "/o/{office}/queue/take", queue_take, 0, true, HTTP_BODY_FORM, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/queue/board", queue_board, 0, false, HTTP_BODY_NONE, HTTP_RATE_NONE, 0},
    {"GET", "/o/{office}/queue/progress-board", queue_progress_board, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE, 0},
    {"GET", "/o/{office}/queue/events", queue_events, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC,
     0},
    {"GET", "/q/{token}", queue_ticket_page, 0, false, HTTP_BODY_NONE, HTTP_RATE_LOOKUP, 0},
    {"GET", "/q/{token}/qr.svg", queue_ticket_qr, 0, false, HTTP_BODY_NONE, HTTP_RATE_LOOKUP, 0},
    {"POST", "/q/{token}/leave", queue_ticket_leave_submit, 0, true, HTTP_BODY_FORM,
     HTTP_RATE_LOOKUP, 0},
    {"POST", "/q/{token}/notify", queue_ticket_notify_submit, 0, true, HTTP_BODY_FORM,
     HTTP_RATE_LOOKUP, 0},
    {"GET", "/staff/queue", queue_console, INTAKE_STAFF, false, HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"POST", "/staff/queue/counter", queue_counter_submit, INTAKE_STAFF, true, HTTP_BODY_FORM,
     HTTP_RATE_NONE},
    {"POST", "/staff/queue/call", queue_call_submit, INTAKE_STAFF, true, HTTP_BODY_FORM,
     HTTP_RATE_NONE},
    {"POST", "/staff/queue/tickets/{id}", queue_ticket_submit, INTAKE_STAFF, true, HTTP_BODY_FORM,
     HTTP_RATE_NONE},
    {"GET", "/staff/queue/figures", queue_figures, ROLE_SUPERVISOR | ROLE_ANALYST | ROLE_ADMIN,
     false, HTTP_BODY_NONE, HTTP_RATE_NONE},
    /* Surveys and quality records (issue 19; web/public/survey.c, web/staff/survey*.c). The
     * builder (JSON and forms) and the results are the analysts' and the supervisors'. */
    {"GET", "/s/{token}", survey_case_page, 0, false, HTTP_BODY_NONE, HTTP_RATE_LOOKUP, 0},
    {"GET", "/s/{token}/qr.svg", survey_case_qr, 0, false, HTTP_BODY_NONE, HTTP_RATE_LOOKUP, 0},
    {"POST", "/s/{token}", survey_case_submit, 0, true, HTTP_BODY_FORM, HTTP_RATE_LOOKUP, 0},
    {"GET", "/o/{office}/survey/tablet", survey_tablet_page, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC, 0},
    {"POST", "/o/{office}/survey/tablet", survey_tablet_submit, 0, true, HTTP_BODY_FORM,
     HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/survey/{slug}", survey_open_page, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC, 0},
    {"POST", "/o/{office}/survey/{slug}", survey_open_submit, 0, true, HTTP_BODY_FORM,
     HTTP_RATE_PUBLIC, 0},
    {"GET", "/staff/surveys", survey_admin_list, SURVEY_BUILDERS, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/surveys", survey_admin_save, SURVEY_BUILDERS, true, 128 * 1024,
     HTTP_RATE_NONE},
    {"GET", "/staff/surveys/{id}", survey_admin_show, SURVEY_BUILDERS, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"GET", "/staff/surveys/{id}/export", survey_admin_export, SURVEY_BUILDERS, false,
     HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"GET", "/staff/surveys/{id}/results", survey_results_page, ROLE_ANALYST | ROLE_SUPERVISOR,
     false, HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"GET", "/staff/surveys/{id}/results.csv", survey_results_csv, ROLE_ANALYST | ROLE_SUPERVISOR,
     false, HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"GET", "/staff/surveys/{id}/results.ods", survey_results_ods, ROLE_ANALYST | ROLE_SUPERVISOR,
     false, HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"GET", "/staff/surveys/{id}/results.xlsx", survey_results_xlsx, ROLE_ANALYST | ROLE_SUPERVISOR,
     false, HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"GET", "/staff/quality", quality_page, ROLE_ANALYST | ROLE_SUPERVISOR, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/quality", quality_submit, ROLE_ANALYST | ROLE_SUPERVISOR, true, HTTP_BODY_FORM,
     HTTP_RATE_NONE},
    /* Plan control (web/staff/plan.c): admins import the plan, supervisors enter their unit's
     * progress, analysts and supervisors read. */
    {"GET", "/staff/plan", plan_list, PLAN_READERS, false, HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"GET", "/staff/plan/{year}", plan_page, PLAN_READERS, false, HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"GET", "/staff/plan/{year}/meeting", plan_meeting, PLAN_READERS, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"GET", "/staff/plan/{year}/plan.csv", plan_export, PLAN_READERS, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"GET", "/staff/plan/{year}/report.odt", plan_report_odt_get, PLAN_READERS, false,
     HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"GET", "/staff/plan/{year}/report.pdf", plan_report_pdf_get, PLAN_READERS, false,
     HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"POST", "/staff/plan/{year}/reminder-day", plan_reminder_day_post, ROLE_ADMIN, true,
     HTTP_BODY_FORM, HTTP_RATE_NONE},
    {"POST", "/staff/plan/{year}/import", plan_import_post, ROLE_ADMIN, true, PLAN_IMPORT_BODY_MAX,
     HTTP_RATE_NONE},
    {"POST", "/staff/plan/{year}/points/{id}/progress", plan_progress_post,
     ROLE_SUPERVISOR | ROLE_ADMIN, true, HTTP_BODY_FORM, HTTP_RATE_NONE},
    /* Open data (web/public/opendata.c, issue 20): the list, the DCAT catalogue, each dataset
     * as CSV, JSON or ODS and its data dictionary; public, de-identified, cacheable. */
    {"GET", "/o/{office}/opendata", opendata_page, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/opendata/{file}", opendata_file, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/opendata/{dataset}/{file}", opendata_dictionary, 0, false, HTTP_BODY_NONE,
     HTTP_RATE_PUBLIC, 0},
    /* Plan evidence files (web/staff/plan.c, issue 20): the responsible unit attaches files to
     * a progress entry, the plan's readers download them (audited), the uploader, supervisors
     * of the unit and admins remove them. */
    {"POST", "/staff/plan/{year}/points/{id}/evidence", plan_evidence_post,
     ROLE_SUPERVISOR | ROLE_ADMIN, true, PLAN_EVIDENCE_BODY_MAX, HTTP_RATE_NONE},
    {"POST", "/staff/plan/{year}/evidence/{id}/remove", plan_evidence_remove_post,
     ROLE_SUPERVISOR | ROLE_ADMIN, true, HTTP_BODY_FORM, HTTP_RATE_NONE},
    {"GET", "/staff/plan/{year}/evidence/{id}", plan_evidence_get, PLAN_READERS, false,
     HTTP_BODY_NONE, HTTP_RATE_NONE},
    /* The survey builder's forms (issue 19, web/staff/survey_build.c): a new survey, a
     * survey's questions, waves and settings one POST at a time, and the answer page's preview. */
    {"POST", "/staff/surveys/new", survey_build_create, SURVEY_BUILDERS, true, HTTP_BODY_FORM,
     HTTP_RATE_NONE},
    {"GET", "/staff/surveys/{id}/build", survey_build_page, SURVEY_BUILDERS, false, HTTP_BODY_NONE,
     HTTP_RATE_NONE},
    {"POST", "/staff/surveys/{id}/build", survey_build_submit, SURVEY_BUILDERS, true,
     HTTP_BODY_FORM, HTTP_RATE_NONE},
    {"GET", "/staff/surveys/{id}/preview", survey_build_preview, SURVEY_BUILDERS, false,
     HTTP_BODY_NONE, HTTP_RATE_NONE},
    /* Counter queues, part 2 (issue 18, queue4; web/staff/queue.c): another matter in the same
     * visit. */
    {"POST", "/staff/queue/tickets/{id}/matters", queue_matter_submit, INTAKE_STAFF, true,
     HTTP_BODY_FORM, HTTP_RATE_NONE},
    /* ... and how an office sets up its queues and counters (web/staff/queue_admin.c). */
    {"GET", "/staff/admin/queues", queue_admin, ROLE_ADMIN, false, HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"POST", "/staff/admin/queues/queue", queue_admin_queue_submit, ROLE_ADMIN, true,
     HTTP_BODY_FORM, HTTP_RATE_NONE},
    {"POST", "/staff/admin/queues/counter", queue_admin_counter_submit, ROLE_ADMIN, true,
     HTTP_BODY_FORM, HTTP_RATE_NONE},
    {"POST", "/staff/admin/queues/settings", queue_admin_settings_submit, ROLE_ADMIN, true,
     HTTP_BODY_FORM, HTTP_RATE_NONE},
    /* Security (issue 21, sec4): the account page with "Your sessions" (ASVS 3.3.4). */
    {"GET", "/staff/account", staff_account, ROLE_ALL, false, HTTP_BODY_NONE, HTTP_RATE_NONE},
    {"POST", "/staff/account/sessions/end-others", staff_sessions_end_others, ROLE_ALL, true,
     HTTP_BODY_FORM, HTTP_RATE_NONE},
    {"POST", "/staff/account/sessions/{session}/end", staff_session_end, ROLE_ALL, true,
     HTTP_BODY_FORM, HTTP_RATE_NONE},
    /* The privacy notice (個資法 §8, ASVS 8.3.3): the installation's and each office's. */
    {"GET", "/privacy", privacy_notice, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
    {"GET", "/o/{office}/privacy", privacy_notice, 0, false, HTTP_BODY_NONE, HTTP_RATE_PUBLIC, 0},
};

const struct http_route *web_routes(size_t *count)
{
  *count = ARRAY_LEN(routes);
  return routes;
}
