/*
 * apply.h - the online application journey (線上申辦) under /o/{office}/apply/{service}: the start
 * page, identity by a one-time code, one question per page, documents, check your answers,
 * declaration and submission, the confirmation page; drafts resumable by a link; and what the
 * applicant does afterwards through the case's QR token (/p/{token}): withdraw, download their
 * documents. Staff download documents from the case page.
 */
#ifndef BIANMIN_WEB_PUBLIC_APPLY_H
#define BIANMIN_WEB_PUBLIC_APPLY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "domain/apply.h"
#include "http/http.h"
#include "web/public/catalog.h"

/* The upload route's body cap: the application's cap plus room for the multipart framing. */
#define APPLY_UPLOAD_BODY_MAX ((size_t)APPLY_TOTAL_MAX + 1024 * 1024)

/* apply.c */
int apply_index(struct http_request *req, struct http_response *res);
int apply_start_page(struct http_request *req, struct http_response *res);
int apply_start_submit(struct http_request *req, struct http_response *res);
int apply_verify_page(struct http_request *req, struct http_response *res);
int apply_verify_submit(struct http_request *req, struct http_response *res);
int apply_resend_submit(struct http_request *req, struct http_response *res);
int apply_question_page(struct http_request *req, struct http_response *res);
int apply_question_submit(struct http_request *req, struct http_response *res);

/* apply_docs.c */
int apply_documents_page(struct http_request *req, struct http_response *res);
int apply_documents_submit(struct http_request *req, struct http_response *res);
int apply_document_remove(struct http_request *req, struct http_response *res);
int apply_check_page(struct http_request *req, struct http_response *res);
int apply_submit_post(struct http_request *req, struct http_response *res);
int apply_done_page(struct http_request *req, struct http_response *res);
int apply_save_post(struct http_request *req, struct http_response *res);
int apply_resume_get(struct http_request *req, struct http_response *res);
int apply_withdraw_page(struct http_request *req, struct http_response *res);
int apply_withdraw_post(struct http_request *req, struct http_response *res);
int apply_file_public(struct http_request *req, struct http_response *res);
int apply_file_staff(struct http_request *req, struct http_response *res);
/* Adds to the staff case view c what an online or API application brought (s->online):
 * "online", and when online "channel_tag", "has_answers", "answers_list" [{label, value}],
 * "has_files", "files". */
struct case_staff;
int apply_staff_online_view(struct http_request *req, const struct case_staff *s, json_t *c);
/* Progress page by QR token (the public case read model, domain/case_read.h): adds
 * "withdrawable", "withdraw_href", "files" (the applicant's documents with /p/{token}/files/
 * links) and "just_withdrawn" to view (a failure is left in b). */
struct case_public;
void apply_progress_view(struct http_request *req, struct view_builder *b,
                         const struct case_public *c, const char *token, struct view_map *view);

/* A stored document sent as an attachment of its stored type (also outcome documents). */
struct apply_document;
int apply_send_document(struct http_request *req, struct http_response *res,
                        const struct apply_document *doc);
/* A file size as pages show it ("12 KB", "1.5 MB"), in the request's arena. */
const char *apply_size_text(struct http_request *req, int64_t bytes);

/* Shared by the two files. */
struct apply_ctx {
  struct office_ctx o;
  const struct dir_service *service; /* the directory's, held until the request's arena is freed */
  json_t *questions;                 /* the variable questions, in order (new reference) */
  const struct apply_draft *draft;   /* the applicant's draft (in the arena), or NULL */
  struct case_env env;
  const char *base; /* "/o/{office}/apply/{service}" */
};
enum apply_need { APPLY_NEED_NONE, APPLY_NEED_DRAFT, APPLY_NEED_VERIFIED };
/* Loads office, service and draft. When the draft is missing (or not verified) for need,
 * answers a redirect to the start (or verify) page and returns ST_OK with *done set. */
int apply_open(struct http_request *req, struct http_response *res, struct apply_ctx *a,
               enum apply_need need, bool *done);
void apply_close(struct apply_ctx *a);
/* The page view every journey page starts from: title, office, service, base, csrf_token. */
json_t *apply_view(struct http_request *req, struct apply_ctx *a, const char *title_key);
/* Sets or clears the applicant session cookie. */
int apply_cookie(struct http_request *req, struct http_response *res, const char *office_slug,
                 const char *token, int max_age);
/* The page after `code` ("name", a question code, "documents"): the next question, then
 * documents, then check. */
const char *apply_next(struct apply_ctx *a, const char *code);
/* The localised code message (subject, text with {code}) and resume-link message. */
/* The messages of online applications name the office (its name and phone fill "{office}" and
 * "{phone}" in the translations), so a citizen never gets a code from an unnamed sender. The
 * office must be known (not NULL). */
struct dir_office;
struct apply_message apply_office_message(struct http_request *req, const struct dir_office *office,
                                          const char *subject_key, const char *email_key,
                                          const char *sms_key);
struct apply_message apply_code_message(struct http_request *req, const struct dir_office *office);
/* The error page for a refusal key (400, or 429 for limits). */
int apply_refusal(struct http_response *res, int rc, const char *reason);

#endif
