/*
 * apply_docs.c - the journey's second half: documents (multipart uploads), check your
 * answers, declaration and submission, the confirmation page, "save and come back later" and
 * the resume link; then, through the case's QR token, withdrawal and the applicant's document
 * downloads; and the staff download of a case's documents.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "domain/accounts.h"
#include "domain/apply_docs.h"
#include "domain/case_staff_read.h"
#include "domain/audit.h"
#include "domain/case_number.h"
#include "domain/case_read.h"
#include "domain/directory.h"
#include "domain/form.h"
#include "domain/notify.h"
#include "render/format.h"
#include "web/app.h"
#include "web/cases/case_view.h"
#include "web/cases/cases.h"
#include "web/payments/payments.h"
#include "web/public/apply.h"

#include "base/common.h"

const char *apply_size_text(struct http_request *req, int64_t bytes)
{
  if (bytes >= 1024 * 1024)
    return arena_printf(req->arena, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
  return arena_printf(req->arena, "%lld KB", (long long)((bytes + 1023) / 1024));
}

/* Uploads as a page lists them; href_prefix + the id gives download links, or NULL for none. */
static json_t *files_json(struct http_request *req, const struct apply_upload_info *files,
                          size_t count, const char *href_prefix)
{
  json_t *out = json_array();
  for (size_t i = 0; out && i < count; i++) {
    long long id = (long long)files[i].id;
    json_array_append_new(
        out, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "name", files[i].name, "size",
                       apply_size_text(req, files[i].size), "href",
                       href_prefix ? arena_printf(req->arena, "%s%lld", href_prefix, id) : ""));
  }
  return out;
}

/* The draft's uploads for a page (an empty list when they cannot be read, as before). */
static json_t *draft_files(struct http_request *req, struct apply_ctx *a)
{
  struct apply_upload_info *files = NULL;
  size_t count = 0;
  if (apply_uploads_read(a->o.store, req->arena, a->draft->id, 0, &files, &count))
    count = 0;
  return files_json(req, files, count, NULL);
}

/* ---- documents -------------------------------------------------------------------------- */

static json_t *documents_view(struct http_request *req, struct apply_ctx *a)
{
  json_t *view = apply_view(req, a, "apply_documents_title");
  json_t *files = draft_files(req, a);
  size_t n = json_array_size(files);
  const char *back =
      json_array_size(a->questions)
          ? arena_printf(
                req->arena, "%s/q/%s", a->base,
                web_str(json_array_get(a->questions, json_array_size(a->questions) - 1), "code"))
          : arena_printf(req->arena, "%s/name", a->base);
  if (view)
    json_object_update_missing_new(view, json_pack("{s:o, s:b, s:s, s:i, s:i, s:i, s:s}", "files",
                                                   files, "has_files", n > 0, "back", back,
                                                   "max_files", APPLY_FILES_MAX, "max_file_mb",
                                                   APPLY_FILE_MAX / (1024 * 1024), "max_total_mb",
                                                   APPLY_TOTAL_MAX / (1024 * 1024), "docs_hint",
                                                   http_t(req, "apply_documents_hint")));
  else
    json_decref(files);
  return view;
}

int apply_documents_page(struct http_request *req, struct http_response *res)
{
  struct apply_ctx a;
  bool done;
  int rc = apply_open(req, res, &a, APPLY_NEED_VERIFIED, &done);
  json_t *view = !rc && !done ? documents_view(req, &a) : NULL;
  apply_close(&a);
  if (rc || done)
    return rc;
  return view ? http_page(res, 200, "public/apply/documents", view) : ST_NOMEM;
}

/* The files of the request (parts named "files" with a file name; an empty file input sends
 * one part with an empty name and no bytes, which is no file). */
static size_t files_of(struct http_request *req, struct apply_file *out, size_t max)
{
  size_t n = 0;
  for (size_t i = 0; i < req->part_count && n < max; i++) {
    const struct http_part *p = &req->parts[i];
    if (!p->filename || strcmp(p->name, "files") != 0)
      continue;
    if (p->raw_filename && !*p->raw_filename && p->len == 0)
      continue;
    out[n++] = (struct apply_file){p->filename, p->raw_filename, p->data, p->len};
  }
  return n;
}

int apply_documents_submit(struct http_request *req, struct http_response *res)
{
  struct apply_ctx a;
  bool done;
  struct apply_file files[HTTP_MAX_PARTS];
  const char *reason = NULL, *bad = NULL;
  int rc = apply_open(req, res, &a, APPLY_NEED_VERIFIED, &done);
  if (rc || done) {
    apply_close(&a);
    return rc;
  }
  size_t n = files_of(req, files, ARRAY_LEN(files));
  rc = apply_upload(&a.env, a.draft->row, files, n, &reason, &bad);
  if (rc == ST_INVALID) {
    json_t *view = documents_view(req, &a);
    const char *msg = http_t(req, reason);
    if (bad)
      msg = arena_printf(req->arena, "%s%s%s", bad, http_t(req, "colon"), msg);
    web_form_error_text(view, "files", msg);
    bool size = !strcmp(reason, "apply_err_file_size") || !strcmp(reason, "apply_err_file_total");
    apply_close(&a);
    return http_page(res, size ? 413 : 400, "public/apply/documents", view);
  }
  const char *to = arena_printf(req->arena, "%s/documents", a.base);
  apply_close(&a);
  return rc ? rc : http_redirect(res, 303, to);
}

int apply_document_remove(struct http_request *req, struct http_response *res)
{
  struct apply_ctx a;
  bool done;
  int64_t id = catalog_id_capture(req, "id");
  int rc = apply_open(req, res, &a, APPLY_NEED_VERIFIED, &done);
  if (!rc && !done)
    rc = apply_upload_remove(&a.env, a.draft->row, id);
  const char *to = arena_printf(req->arena, "%s/documents", a.base);
  apply_close(&a);
  if (rc || done)
    return rc;
  return http_redirect(res, 303, to);
}

/* ---- check your answers ----------------------------------------------------------------- */

static json_t *answer_rows(struct http_request *req, struct apply_ctx *a)
{
  json_t *rows = json_array(), *q;
  const json_t *answers = a->draft->answers;
  size_t i;
  json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s}", "id", "name", "label",
                                        http_t(req, "apply_name_label"), "value",
                                        a->draft->applicant_name, "href",
                                        arena_printf(req->arena, "%s/name?change=1", a->base)));
  json_array_foreach(a->questions, i, q)
  {
    const char *code = web_str(q, "code");
    json_t *v = json_object_get(answers, code);
    char *text = v ? form_answer_text(q, v, req->lang) : NULL;
    json_array_append_new(
        rows, json_pack("{s:s, s:s, s:s, s:s}", "id", code, "label",
                        form_label(q, "label", req->lang), "value",
                        text ? arena_strdup(req->arena, text) : http_t(req, "apply_not_answered"),
                        "href", arena_printf(req->arena, "%s/q/%s?change=1", a->base, code)));
    free(text);
  }
  return rows;
}

/* The service's required documents in the page's language, each a checkbox online_doc_N
 * "let the office check it online instead" (case_documents.h), ticked again after a refusal. */
static json_t *online_documents(struct http_request *req, struct apply_ctx *a)
{
  const struct dir_lines *docs = directory_pick_lines(&a->service->info.documents_zh,
                                                      &a->service->info.documents_en, req->lang);
  json_t *list = json_array();
  for (size_t i = 0; i < docs->count; i++) {
    const char *field = arena_printf(req->arena, "online_doc_%zu", i);
    json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "name", docs->items[i], "field",
                                          field ? field : "", "checked",
                                          field && http_form(req, field) != NULL));
  }
  return list;
}

/* The names ticked as checked online, for apply_submit (its documents_online). */
static json_t *online_ticked(struct http_request *req)
{
  json_t *list = json_array();
  for (size_t i = 0; i < req->form_count; i++)
    if (str_starts_with(req->form[i].name, "online_doc_"))
      json_array_append_new(list, json_string(req->form[i].value.ptr));
  return list;
}

static json_t *check_view(struct http_request *req, struct apply_ctx *a)
{
  json_t *view = apply_view(req, a, "apply_check_title");
  json_t *files = draft_files(req, a), *online = online_documents(req, a);
  if (view)
    json_object_set_new(view, "has_online_documents", json_boolean(json_array_size(online) > 0));
  if (view)
    json_object_update_missing_new(
        view, json_pack("{s:o, s:o, s:o, s:b, s:s, s:s, s:s}", "online_documents", online, "rows",
                        answer_rows(req, a), "files", files, "has_files",
                        json_array_size(files) > 0, "contact", a->draft->contact_masked, "back",
                        arena_printf(req->arena, "%s/documents", a->base), "documents_href",
                        arena_printf(req->arena, "%s/documents", a->base)));
  else {
    json_decref(files);
    json_decref(online);
  }
  return view;
}

int apply_check_page(struct http_request *req, struct http_response *res)
{
  struct apply_ctx a;
  bool done;
  int rc = apply_open(req, res, &a, APPLY_NEED_VERIFIED, &done);
  json_t *view = !rc && !done ? check_view(req, &a) : NULL;
  apply_close(&a);
  if (rc || done)
    return rc;
  return view ? http_page(res, 200, "public/apply/check", view) : ST_NOMEM;
}

int apply_submit_post(struct http_request *req, struct http_response *res)
{
  struct apply_ctx a;
  bool done;
  struct intake_result r;
  const char *reason = "apply_err_declaration", *declared = http_form(req, "declaration");
  int rc = apply_open(req, res, &a, APPLY_NEED_VERIFIED, &done);
  if (rc || done) {
    apply_close(&a);
    return rc;
  }
  json_t *online = online_ticked(req);
  if (!online)
    rc = ST_NOMEM;
  else
    rc = declared && !strcmp(declared, "yes")
             ? apply_submit(&a.env, a.draft->row, a.questions, online, &r, &reason)
             : ST_INVALID;
  json_decref(online);
  if (rc == ST_INVALID) {
    json_t *view = check_view(req, &a);
    web_form_error(req, view,
                   !strcmp(reason, "apply_err_declaration")       ? "declaration"
                   : !strcmp(reason, "case_err_documents_online") ? "documents_online"
                                                                  : "answers",
                   reason);
    apply_close(&a);
    return http_page(res, 400, "public/apply/check", view);
  }
  const char *to = arena_printf(req->arena, "%s/done", a.base);
  apply_close(&a);
  if (rc == ST_CONFLICT)
    return http_redirect(res, 303, to);
  return rc ? rc : http_redirect(res, 303, to);
}

/* ---- confirmation --------------------------------------------------------------------- */

/* "收件號碼" as printed: the office's word for the case's word code. */
static const char *done_number(struct http_request *req, const struct apply_done *d)
{
  struct case_number n = {(int)d->roc_year, "", d->serial};
  char out[96];
  snprintf(n.word_code, sizeof(n.word_code), "%s", d->word_code);
  if (case_number_display(&n, d->word_zh, req->lang, out, sizeof(out)))
    return NULL;
  return arena_strdup(req->arena, out);
}

static int done_view(struct http_request *req, struct apply_ctx *a, const char *token, json_t **out)
{
  struct apply_done d;
  json_t *view = apply_view(req, a, "apply_done_title");
  int64_t case_id = a->draft->case_id;
  int rc = view ? apply_done_read(a->o.store, req->arena, a->o.id, case_id, &d) : ST_NOMEM;
  const char *number = rc ? NULL : done_number(req, &d);
  if (!rc && !number)
    rc = ST_LIMIT;
  bool paused = !rc && strcmp(d.status, "correction") == 0;
  if (!rc)
    rc = json_object_update_missing_new(
             view,
             json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "number", number, "check_code",
                       d.check_code, "due_text", paused ? "" : web_datetime(req, d.due_at),
                       "progress_href", arena_printf(req->arena, "/p/%s", token), "progress_link",
                       arena_printf(req->arena, "%s/p/%s", web_origin(req), token), "qr_src",
                       arena_printf(req->arena, "/p/%s/qr.svg", token), "contact",
                       a->draft->contact_masked, "time_limit",
                       catalog_time_limit(req, d.time_limit_minutes)))
             ? ST_NOMEM
             : ST_OK;
  if (rc) {
    json_decref(view);
    return rc;
  }
  *out = view;
  return ST_OK;
}

/* Adds "payment" (the fee block under the token) to view. */
static int fee_of(struct http_request *req, struct store *store, const char *token, json_t *view)
{
  struct case_public c;
  int rc = case_public_by_token(store, req->arena, clock_now(), token, &c);
  json_t *fee = rc ? NULL : payments_fee_view(req, &c.fee, token);
  if (!rc && (!fee || json_object_set_new(view, "payment", fee)))
    rc = ST_NOMEM;
  return rc;
}

int apply_done_page(struct http_request *req, struct http_response *res)
{
  struct apply_ctx a;
  bool done;
  json_t *view = NULL;
  int rc = apply_open(req, res, &a, APPLY_NEED_DRAFT, &done);
  char *token = !rc && !done ? apply_case_token(a.draft->row) : NULL;
  if (!rc && !done && !token) {
    rc = http_redirect(res, 303, a.base);
    done = true;
  }
  if (!rc && !done)
    rc = done_view(req, &a, token, &view);
  if (!rc && !done) /* the fee the application owes, with "pay online" */
    rc = fee_of(req, a.o.store, token, view);
  free(token);
  apply_close(&a);
  if (rc || done)
    return rc;
  return http_page(res, 200, "public/apply/done", view);
}

/* ---- save and come back later ------------------------------------------------------------ */

int apply_save_post(struct http_request *req, struct http_response *res)
{
  struct apply_ctx a;
  bool done;
  const char *reason = NULL;
  int rc = apply_open(req, res, &a, APPLY_NEED_VERIFIED, &done);
  if (rc || done) {
    apply_close(&a);
    return rc;
  }
  const char *prefix = arena_printf(req->arena, "%s/o/%s/apply-resume/", web_origin(req), a.o.slug);
  struct apply_message msg = apply_office_message(req, a.o.office, "apply_resume_subject",
                                                  "apply_resume_email", "apply_resume_sms");
  rc = apply_send_resume(&a.env, a.draft->row, prefix, &msg, &reason);
  json_t *view = rc ? NULL : apply_view(req, &a, "apply_saved_title");
  if (view) {
    json_object_set_new(view, "contact", json_string(a.draft->contact_masked));
    json_object_set_new(view, "days", json_integer(APPLY_RESUME_DAYS));
  }
  apply_close(&a);
  if (rc)
    return apply_refusal(res, rc, reason);
  return view ? http_page(res, 200, "public/apply/saved", view) : ST_NOMEM;
}

int apply_resume_get(struct http_request *req, struct http_response *res)
{
  struct office_ctx o;
  char session[APPLY_TOKEN_SIZE];
  const char *reason = NULL;
  int64_t office_id = 0, service_id = 0;
  const struct directory *dir = NULL;
  const struct dir_service *service = NULL;
  int rc = office_ctx_open(req, &o);
  struct case_env env = {o.store, clock_now()};
  struct apply_message msg = {0};
  if (!rc)
    msg = apply_code_message(req, o.office); /* only once the office is known */
  if (!rc)
    rc = apply_resume(&env, http_capture(req, "token"), &msg, session, &office_id, &service_id,
                      &reason);
  if (!rc && office_id != o.id)
    rc = ST_NOTFOUND;
  if (!rc)
    rc = directory_acquire(o.store, req->arena, &dir);
  if (!rc && (!(service = directory_service(dir, service_id)) || service->office_id != o.id))
    rc = ST_NOTFOUND;
  if (!rc)
    rc = apply_cookie(req, res, o.slug, session, APPLY_SESSION_SECONDS);
  const char *to =
      rc ? NULL : arena_printf(req->arena, "/o/%s/apply/%s/verify", o.slug, service->slug);
  office_ctx_close(&o);
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, "apply_resume_not_found");
  if (rc)
    return apply_refusal(res, rc, reason);
  return http_redirect(res, 303, to);
}

/* ---- after submission: through the QR token ------------------------------------------- */

int apply_withdraw_page(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct case_public c;
  int rc = web_store(req, &store);
  if (!rc)
    rc = case_public_by_token(store, req->arena, clock_now(), http_capture(req, "token"), &c);
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, "progress_link_not_found");
  if (!rc && !c.withdrawable)
    return http_error(res, 400, "apply_err_not_withdrawable");
  json_t *shown = rc ? NULL : case_public_view(req, &c, false);
  if (!rc && !shown)
    rc = ST_NOMEM;
  json_t *view =
      rc ? NULL
         : json_pack("{s:s, s:s, s:s, s:s, s:s}", "title", http_t(req, "apply_withdraw_title"),
                     "number", web_str(shown, "number"), "service_name",
                     web_str(shown, "service_name"), "back",
                     arena_printf(req->arena, "/p/%s", http_capture(req, "token")), "csrf_token",
                     http_csrf_token(req));
  json_decref(shown);
  if (rc)
    return rc;
  return view ? http_page(res, 200, "public/apply/withdraw", view) : ST_NOMEM;
}

int apply_withdraw_post(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const char *reason = NULL, *token = http_capture(req, "token");
  int rc = web_store(req, &store);
  struct case_env env = {store, clock_now()};
  if (!rc)
    rc = cases_withdraw_by_token(&env, token, &reason);
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, "progress_link_not_found");
  if (rc)
    return apply_refusal(res, rc, reason);
  return http_redirect(res, 303, arena_printf(req->arena, "/p/%s?withdrawn=1", token));
}

int apply_send_document(struct http_request *req, struct http_response *res,
                        const struct apply_document *doc)
{
  const char *name = doc->name;
  char ascii[256];
  size_t n = 0;
  for (const char *p = name; *p && n + 1 < sizeof(ascii); p++)
    ascii[n++] = (*p & 0x80) || *p == '"' || *p == '\\' || *p < 0x20 ? '_' : *p;
  ascii[n] = '\0';
  char *disposition = arena_printf(req->arena, "attachment; filename=\"%s\"; filename*=UTF-8''%s",
                                   ascii, http_url_encode(req->arena, name));
  /* the response keeps the content type's pointer: copy it into the request's arena */
  int rc = http_raw(res, 200, doc->mime, doc->bytes, doc->len);
  if (!rc)
    rc = http_header_add(res, "Content-Disposition", disposition);
  if (!rc)
    rc = http_header_add(res, "Cache-Control", "private, no-store");
  return rc;
}

int apply_file_public(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct apply_document doc = {0};
  int rc = web_store(req, &store);
  if (!rc)
    rc = apply_document_by_token(store, req->arena, http_capture(req, "token"),
                                 catalog_id_capture(req, "file"), &doc);
  if (!rc)
    rc = apply_send_document(req, res, &doc);
  free(doc.bytes);
  return rc;
}

int apply_file_staff(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct case_actor actor;
  struct apply_document doc = {0};
  case_actor_of(req, &actor);
  int rc = web_store(req, &store);
  struct case_env env = {store, clock_now()};
  if (!rc)
    rc = apply_document_for_staff(&env, &actor, req->arena, case_view_id(req),
                                  catalog_id_capture(req, "file"), http_capture(req, "file"), &doc);
  if (rc == ST_FORBIDDEN)
    return http_error(res, 403, "case_err_not_yours");
  if (!rc)
    rc = apply_send_document(req, res, &doc);
  free(doc.bytes);
  return rc;
}

/* ---- what staff and the applicant see of an online case --------------------------------- */

/* The answers as label and text, in the form's order, then the description; nothing when the
 * service is gone. */
static json_t *answers_json(struct http_request *req, const struct apply_online_case *o)
{
  json_t *out = json_array();
  if (!o->questions || !out)
    return out;
  json_t *questions = form_normalise(o->questions), *q;
  size_t i;
  json_array_foreach(questions, i, q)
  {
    json_t *v = json_object_get(o->answers, web_str(q, "code"));
    char *text = v ? form_answer_text(q, v, req->lang) : NULL;
    if (text)
      json_array_append_new(
          out, json_pack("{s:s, s:s}", "label", form_label(q, "label", req->lang), "value", text));
    free(text);
  }
  if (*o->description)
    json_array_append_new(out, json_pack("{s:s, s:s}", "label", http_t(req, "case_description"),
                                         "value", o->description));
  json_decref(questions);
  return out;
}

/* A link staff may follow: an http(s) address as the client sent it; NULL otherwise. */
static const char *followable(const char *url)
{
  return !strncmp(url, "https://", 8) || !strncmp(url, "http://", 7) ? url : NULL;
}

/* An API case's address, location (with a map link) and media link, as answer rows. */
static void api_request_rows(struct http_request *req, const struct case_staff *s, json_t *out)
{
  if (*s->api_request.address)
    json_array_append_new(out, json_pack("{s:s, s:s}", "label", http_t(req, "case_api_address"),
                                         "value", s->api_request.address));
  if (*s->api_request.lat && *s->api_request.lng)
    json_array_append_new(
        out, json_pack("{s:s, s:s, s:s}", "label", http_t(req, "case_api_location"), "value",
                       arena_printf(req->arena, "%s, %s", s->api_request.lat, s->api_request.lng),
                       "href",
                       arena_printf(req->arena, "https://www.openstreetmap.org/?mlat=%s&mlon=%s",
                                    http_url_encode(req->arena, s->api_request.lat),
                                    http_url_encode(req->arena, s->api_request.lng))));
  const char *media = s->api_request.media_url;
  if (*media)
    json_array_append_new(out, json_pack("{s:s, s:s, s:s?}", "label", http_t(req, "case_api_media"),
                                         "value", media, "href", followable(media)));
}

int apply_staff_online_view(struct http_request *req, const struct case_staff *s, json_t *c)
{
  const char *channel = s->c.channel;
  if (strcmp(channel, "online") != 0 && strcmp(channel, "api") != 0)
    return json_object_set_new(c, "online", json_false()) ? ST_NOMEM : ST_OK;
  json_t *answers = answers_json(req, &s->online);
  if (answers)
    api_request_rows(req, s, answers);
  json_t *files =
      files_json(req, s->online.uploads, s->online.upload_count,
                 arena_printf(req->arena, "/staff/cases/%lld/files/", (long long)s->c.id));
  if (json_object_set_new(c, "online", json_true()) ||
      json_object_set_new(
          c, "channel_tag",
          json_string(http_t(req, !strcmp(channel, "api") ? "case_api_tag" : "case_online_tag"))) ||
      json_object_set_new(c, "has_answers", json_boolean(json_array_size(answers) > 0)) ||
      json_object_set_new(c, "answers_list", answers) ||
      json_object_set_new(c, "has_files", json_boolean(json_array_size(files) > 0)) ||
      json_object_set_new(c, "files", files))
    return ST_NOMEM;
  return ST_OK;
}

void apply_progress_view(struct http_request *req, struct view_builder *b,
                         const struct case_public *c, const char *token, struct view_map *view)
{
  struct view_list *files = view_list(b);
  for (size_t i = 0; files && i < c->upload_count; i++) {
    const struct case_public_upload *u = &c->uploads[i];
    struct view_map *f = view_map(b);
    view_add_int(b, f, "id", u->id);
    view_add_text(b, f, "name", u->name);
    view_add_text(b, f, "size", apply_size_text(req, u->size));
    view_add_text(b, f, "href",
                  arena_printf(req->arena, "/p/%s/files/%lld", token, (long long)u->id));
    view_push(b, files, view_of_map(f));
  }
  view_set(b, view, "withdrawable", view_bool(c->withdrawable));
  view_set(b, view, "withdraw_href", view_text(arena_printf(req->arena, "/p/%s/withdraw", token)));
  view_set(b, view, "has_files", view_bool(c->upload_count > 0));
  view_set(b, view, "files", view_of_list(files));
  view_set(b, view, "just_withdrawn", view_bool(http_query(req, "withdrawn") != NULL));
}
