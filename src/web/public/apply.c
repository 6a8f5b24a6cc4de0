/*
 * apply.c - the online application journey: the list of services that can be applied for
 * online, the start page, identity by a one-time code, and the question pages (one question a
 * page, the GOV.UK "question pages" pattern). Documents, check your answers, submission and
 * what follows are in apply_docs.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/text.h"
#include "domain/cases.h"
#include "domain/directory.h"
#include "domain/form.h"
#include "web/app.h"
#include "web/public/apply.h"
#include "web/public/office.h"

#include "base/common.h"

#define APPLY_COOKIE "bm_apply"

/* ---- shared ---------------------------------------------------------------------------- */

int apply_cookie(struct http_request *req, struct http_response *res, const char *office_slug,
                 const char *token, int max_age)
{
  char *cookie = arena_printf(req->arena,
                              "%s=%s; Path=/o/%s/apply; Max-Age=%d; HttpOnly; "
                              "SameSite=Lax%s",
                              APPLY_COOKIE, max_age > 0 ? token : "", office_slug,
                              max_age > 0 ? max_age : 0, req->tls ? "; Secure" : "");
  return cookie ? http_header_add(res, "Set-Cookie", cookie) : ST_NOMEM;
}

static json_t *variable_questions(const struct dir_service *service)
{
  json_t *all = form_normalise(json_object_get(service->record, "questions")), *q;
  json_t *out = json_array();
  size_t i;
  json_array_foreach(all, i, q) if (json_is_true(json_object_get(q, "variable")))
      json_array_append(out, q);
  json_decref(all);
  return out;
}

/* The applicant's draft of this office's service, when the session cookie names one. */
static int load_draft(struct http_request *req, struct apply_ctx *a)
{
  struct apply_draft *d = arena_alloc(req->arena, sizeof(*d));
  if (!d)
    return ST_NOMEM;
  int rc = apply_draft_read(&a->env, req->arena, http_cookie(req, APPLY_COOKIE), d);
  if (rc == ST_NOTFOUND)
    return ST_OK;
  if (!rc && d->office_id == a->o.id && d->service_id == a->service->id)
    a->draft = d;
  return rc;
}

/* Sends a request without the draft the page needs to the start, verify or done page. */
static int guard(struct http_request *req, struct http_response *res, struct apply_ctx *a,
                 enum apply_need need, bool *done)
{
  bool verified = a->draft && a->draft->verified;
  bool submitted = a->draft && a->draft->case_id;
  if (a->draft && (need == APPLY_NEED_DRAFT || (verified && !submitted)))
    return ST_OK;
  *done = true;
  const char *to = a->draft && !verified ? arena_printf(req->arena, "%s/verify", a->base)
                   : submitted           ? arena_printf(req->arena, "%s/done", a->base)
                                         : a->base;
  return http_redirect(res, 303, to);
}

int apply_open(struct http_request *req, struct http_response *res, struct apply_ctx *a,
               enum apply_need need, bool *done)
{
  memset(a, 0, sizeof(*a));
  *done = false;
  const struct directory *dir = NULL;
  int rc = office_ctx_open(req, &a->o);
  if (!rc)
    rc = directory_acquire(a->o.store, req->arena, &dir);
  const struct dir_service *s =
      rc ? NULL : directory_service_by_slug(dir, a->o.id, http_capture(req, "service"));
  if (!rc && (!s || !apply_service_online((json_t *)s->record)))
    rc = ST_NOTFOUND;
  if (rc)
    return rc;
  a->service = s;
  a->env = (struct case_env){a->o.store, clock_now()};
  a->questions = variable_questions(a->service);
  a->base = arena_printf(req->arena, "/o/%s/apply/%s", a->o.slug, a->service->slug);
  rc = load_draft(req, a);
  if (!rc && a->draft) /* the applicant's answers: never kept by a cache */
    rc = http_header_add(res, "Cache-Control", "no-store");
  return rc || need == APPLY_NEED_NONE ? rc : guard(req, res, a, need, done);
}

void apply_close(struct apply_ctx *a)
{
  a->service = NULL;
  json_decref(a->questions);
  a->draft = NULL;
  office_ctx_close(&a->o);
}

json_t *apply_view(struct http_request *req, struct apply_ctx *a, const char *title_key)
{
  return json_pack("{s:s, s:O, s:{s:s, s:s}, s:s, s:s}", "title", http_t(req, title_key), "office",
                   a->o.view, "service", "name",
                   directory_pick(a->service->name_zh, a->service->name_en, req->lang), "slug",
                   a->service->slug, "base", a->base, "csrf_token", http_csrf_token(req));
}

const char *apply_next(struct apply_ctx *a, const char *code)
{
  size_t i;
  json_t *q;
  bool after = strcmp(code, "name") == 0;
  json_array_foreach(a->questions, i, q)
  {
    const char *c = web_str(q, "code");
    if (after)
      return c;
    after = strcmp(c, code) == 0;
  }
  return strcmp(code, "documents") == 0 ? "check" : "documents";
}

enum { APPLY_MESSAGE_MAX = 4096 }; /* a code or resume message, filled in */

/* text with every "{office}" and "{phone}" replaced by the office's name and phone (both in
 * the page's language: web/public/office.h office_phone), in the arena; text itself when that
 * fails. */
static const char *office_filled(struct http_request *req, const char *text,
                                 const struct dir_office *office)
{
  const char *name = directory_pick(office->name_zh, office->name_en, req->lang);
  const char *phone = office_phone(req, office->phone).text;
  struct buf out;
  int rc = ST_OK;
  buf_init(&out, APPLY_MESSAGE_MAX);
  for (const char *p = text ? text : ""; *p && !rc;) {
    if (strncmp(p, "{office}", 8) == 0) {
      rc = buf_puts(&out, name);
      p += 8;
    } else if (strncmp(p, "{phone}", 7) == 0) {
      rc = buf_puts(&out, phone);
      p += 7;
    } else {
      rc = buf_putc(&out, *p++);
    }
  }
  char *joined = rc ? NULL : buf_detach(&out, NULL);
  const char *result = joined ? arena_strdup(req->arena, joined) : NULL;
  free(joined);
  buf_free(&out);
  return result ? result : text;
}

struct apply_message apply_office_message(struct http_request *req, const struct dir_office *office,
                                          const char *subject_key, const char *email_key,
                                          const char *sms_key)
{
  return (struct apply_message){office_filled(req, http_t(req, subject_key), office),
                                office_filled(req, http_t(req, email_key), office),
                                office_filled(req, http_t(req, sms_key), office)};
}

struct apply_message apply_code_message(struct http_request *req, const struct dir_office *office)
{
  return apply_office_message(req, office, "apply_code_subject", "apply_code_email",
                              "apply_code_sms");
}

int apply_refusal(struct http_response *res, int rc, const char *reason)
{
  if (rc == ST_LIMIT)
    return http_error(res, 429, reason);
  if (rc == ST_INVALID || rc == ST_FORBIDDEN)
    return http_error(res, 400, reason);
  if (rc == ST_IO)
    return http_error(res, 500, reason);
  return rc;
}

/* ---- the list and the start page --------------------------------------------------------- */

int apply_index(struct http_request *req, struct http_response *res)
{
  struct office_ctx o;
  const struct directory *dir = NULL;
  size_t count = 0;
  int rc = office_ctx_open(req, &o);
  if (!rc)
    rc = directory_acquire(o.store, req->arena, &dir);
  if (rc) {
    office_ctx_close(&o);
    return rc;
  }
  const struct dir_service *services = directory_services(dir, o.id, &count);
  json_t *rows = json_array();
  for (size_t i = 0; rows && i < count; i++) {
    const struct dir_service *s = &services[i];
    if (apply_service_online((json_t *)s->record))
      json_array_append_new(
          rows,
          json_pack("{s:s, s:s, s:s}", "name", directory_pick(s->name_zh, s->name_en, req->lang),
                    "summary", directory_pick(s->info.summary_zh, s->info.summary_en, req->lang),
                    "href", arena_printf(req->arena, "/o/%s/apply/%s", o.slug, s->slug)));
  }
  json_t *view =
      json_pack("{s:s, s:O, s:o, s:b}", "title", http_t(req, "apply_index_title"), "office", o.view,
                "services", rows, "has_services", json_array_size(rows) > 0);
  office_ctx_close(&o);
  return view ? http_page(res, 200, "public/apply/index", view) : ST_NOMEM;
}

static json_t *documents_of(struct http_request *req, const struct dir_service *service)
{
  const struct dir_lines *docs =
      directory_pick_lines(&service->info.documents_zh, &service->info.documents_en, req->lang);
  json_t *list = json_array();
  for (size_t i = 0; list && i < docs->count; i++)
    json_array_append_new(list, json_string(docs->items[i]));
  return list;
}

/* Informational items of the form (variable false): shown on the start page. */
static json_t *notes_of(struct http_request *req, const struct dir_service *service)
{
  json_t *all = form_normalise(json_object_get(service->record, "questions")), *q;
  json_t *out = json_array();
  size_t i;
  json_array_foreach(all, i, q) if (!json_is_true(json_object_get(q, "variable")))
      json_array_append_new(out, json_string(form_label(q, "label", req->lang)));
  json_decref(all);
  return out;
}

/* The time limit of an application made here: a 即時 service's is its limit for remote work
 * (done on the spot only at the counter), as the case will get it. */
static int64_t online_limit(const struct dir_service *service)
{
  return case_time_limit_for(service->time_limit_minutes, service->info.remote_instant_minutes,
                             "online");
}

static int start_view(struct http_request *req, struct apply_ctx *a, json_t **out)
{
  json_t *view = apply_view(req, a, "apply_start_title");
  int64_t fee = a->service->fee_amount;
  char fee_text[48];
  snprintf(fee_text, sizeof(fee_text), "NT$%lld", (long long)fee);
  size_t n;
  const struct apply_identity *ids = apply_identities(&n);
  json_t *providers = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(
        providers, json_pack("{s:s, s:b}", "code", ids[i].code, "available", ids[i].available));
  if (!view ||
      json_object_update_missing_new(
          view,
          json_pack(
              "{s:s, s:s, s:o, s:o, s:s, s:s, s:b, s:o, s:s, s:s}", "name",
              directory_pick(a->service->name_zh, a->service->name_en, req->lang), "summary",
              directory_pick(a->service->info.summary_zh, a->service->info.summary_en, req->lang),
              "documents", documents_of(req, a->service), "notes", notes_of(req, a->service),
              "time_limit", catalog_time_limit(req, online_limit(a->service)), "fee_amount",
              fee > 0 ? fee_text : "", "has_fee", fee > 0, "providers", providers, "fee",
              directory_pick(a->service->fee_zh, a->service->fee_en, req->lang), "kind",
              http_form(req, "kind") ? http_form(req, "kind") : "email"))) {
    json_decref(view);
    return ST_NOMEM;
  }
  json_object_set_new(view, "kind_sms", json_boolean(!strcmp(web_str(view, "kind"), "sms")));
  json_object_set_new(view, "on_the_spot_at_counter",
                      json_boolean(a->service->time_limit_minutes == 0));
  json_object_set_new(view, "contact",
                      json_string(http_form(req, "contact") ? http_form(req, "contact") : ""));
  *out = view;
  return ST_OK;
}

int apply_start_page(struct http_request *req, struct http_response *res)
{
  struct apply_ctx a;
  bool done;
  json_t *view = NULL;
  int rc = apply_open(req, res, &a, APPLY_NEED_NONE, &done);
  if (!rc)
    rc = start_view(req, &a, &view);
  apply_close(&a);
  return rc ? rc : http_page(res, 200, "public/apply/start", view);
}

int apply_start_submit(struct http_request *req, struct http_response *res)
{
  struct apply_ctx a;
  bool done;
  char session[APPLY_TOKEN_SIZE];
  const char *reason = NULL, *kind = http_form(req, "kind");
  json_t *view = NULL;
  int rc = apply_open(req, res, &a, APPLY_NEED_NONE, &done);
  struct apply_message msg = {0};
  if (!rc)
    msg = apply_code_message(req, a.o.office); /* only once the office is known */
  if (!rc)
    rc = apply_start(&a.env, a.o.id, a.service->id, kind, http_form(req, "contact"), req->lang,
                     &msg, session, &reason);
  if ((rc == ST_INVALID || rc == ST_IO) && reason && start_view(req, &a, &view) == ST_OK) {
    web_form_error(req, view, "contact", reason);
    apply_close(&a);
    return http_page(res, rc == ST_IO ? 503 : 400, "public/apply/start", view);
  }
  if (!rc)
    rc = apply_cookie(req, res, a.o.slug, session, APPLY_SESSION_SECONDS);
  const char *to = arena_printf(req->arena, "%s/verify", a.base);
  apply_close(&a);
  if (rc)
    return apply_refusal(res, rc, reason);
  return http_redirect(res, 303, to);
}

/* ---- the one-time code ------------------------------------------------------------------- */

static int verify_view(struct http_request *req, struct apply_ctx *a, json_t **out)
{
  json_t *view = apply_view(req, a, "apply_verify_title");
  if (!view)
    return ST_NOMEM;
  json_object_set_new(view, "contact_masked", json_string(a->draft->contact_masked));
  json_object_set_new(view, "sms", json_boolean(!strcmp(a->draft->contact_kind, "sms")));
  json_object_set_new(view, "resent", json_boolean(http_query(req, "resent") != NULL));
  *out = view;
  return ST_OK;
}

int apply_verify_page(struct http_request *req, struct http_response *res)
{
  struct apply_ctx a;
  bool done;
  json_t *view = NULL;
  int rc = apply_open(req, res, &a, APPLY_NEED_DRAFT, &done);
  if (!rc && !done)
    rc = verify_view(req, &a, &view);
  apply_close(&a);
  if (rc || done)
    return rc;
  return http_page(res, 200, "public/apply/verify", view);
}

int apply_verify_submit(struct http_request *req, struct http_response *res)
{
  struct apply_ctx a;
  bool done;
  char session[APPLY_TOKEN_SIZE];
  const char *reason = NULL;
  json_t *view = NULL;
  int rc = apply_open(req, res, &a, APPLY_NEED_DRAFT, &done);
  if (rc || done) {
    apply_close(&a);
    return rc;
  }
  rc = apply_verify(&a.env, a.draft->row, http_form(req, "code"), session, &reason);
  if (rc == ST_INVALID && verify_view(req, &a, &view) == ST_OK) {
    web_form_error(req, view, "code", reason);
    apply_close(&a);
    return http_page(res, 400, "public/apply/verify", view);
  }
  if (!rc)
    rc = apply_cookie(req, res, a.o.slug, session, APPLY_SESSION_SECONDS);
  /* a resumed draft continues where it stopped: the name page knows the answers */
  const char *to = arena_printf(req->arena, "%s/name", a.base);
  apply_close(&a);
  return rc ? rc : http_redirect(res, 303, to);
}

int apply_resend_submit(struct http_request *req, struct http_response *res)
{
  struct apply_ctx a;
  bool done;
  const char *reason = NULL;
  int rc = apply_open(req, res, &a, APPLY_NEED_DRAFT, &done);
  if (rc || done) {
    apply_close(&a);
    return rc;
  }
  struct apply_message msg = apply_code_message(req, a.o.office);
  rc = apply_resend(&a.env, a.draft->row, &msg, &reason);
  const char *to = arena_printf(req->arena, "%s/verify?resent=1", a.base);
  apply_close(&a);
  if (rc)
    return apply_refusal(res, rc, reason);
  return http_redirect(res, 303, to);
}

/* ---- question pages ------------------------------------------------------------------- */

/* The question of the page: the form's, or the applicant's name (code "name"). */
static json_t *page_question(struct http_request *req, struct apply_ctx *a, const char *code)
{
  if (!code)
    return json_pack("{s:s, s:s, s:b, s:s, s:s}", "code", "name", "datatype", "string", "required",
                     true, "label_zh", http_t(req, "apply_name_label"), "hint_zh",
                     http_t(req, "apply_name_hint"));
  const json_t *q = form_question(a->questions, code);
  return q ? json_incref((json_t *)q) : NULL;
}

/* The current value(s) of the question for the page: submitted, else saved. */
static json_t *current_value(struct http_request *req, struct apply_ctx *a, const char *code,
                             bool posted)
{
  if (!posted) {
    if (!strcmp(code, "name"))
      return json_string(a->draft->applicant_name);
    json_t *v = json_object_get(a->draft->answers, code);
    return v ? json_incref(v) : json_string("");
  }
  json_t *list = json_array();
  for (size_t i = 0; i < req->form_count; i++)
    if (str_eq(req->form[i].name, str_from("answer")))
      json_array_append_new(list, json_string(req->form[i].value.ptr));
  return list;
}

static bool value_has(json_t *value, const char *key)
{
  if (json_is_string(value))
    return strcmp(json_string_value(value), key) == 0;
  size_t i;
  json_t *v;
  json_array_foreach(value, i, v) if (!strcmp(json_string_value(v), key)) return true;
  return false;
}

static const char *value_text(json_t *value)
{
  if (json_is_array(value))
    value = json_array_get(value, 0);
  return json_string_value(value) ? json_string_value(value) : "";
}

/* The options of a list question, checked as the value says. */
static json_t *options_of(struct http_request *req, json_t *q, json_t *value)
{
  json_t *out = json_array(), *v;
  size_t i;
  json_array_foreach(json_object_get(q, "values"), i, v)
  {
    const char *key = web_str(v, "key");
    json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:b}", "key", key, "label",
                                         form_label(v, "name", req->lang), "id",
                                         i ? arena_printf(req->arena, "answer-%zu", i) : "answer",
                                         "checked", value_has(value, key)));
  }
  return out;
}

static int question_view(struct http_request *req, struct apply_ctx *a, json_t *q, json_t *value,
                         json_t **out)
{
  const char *type = web_str(q, "datatype"), *code = web_str(q, "code");
  json_t *view = apply_view(req, a, "apply_question_title");
  const char *label = form_label(q, "label", req->lang), *hint = form_label(q, "hint", req->lang);
  const char *back = !strcmp(code, "name") ? arena_printf(req->arena, "%s", a->base) : NULL;
  size_t i;
  json_t *p;
  json_array_foreach(a->questions, i, p) if (!back && !strcmp(web_str(p, "code"), code)) back =
      i == 0 ? arena_printf(req->arena, "%s/name", a->base)
             : arena_printf(req->arena, "%s/q/%s", a->base,
                            web_str(json_array_get(a->questions, i - 1), "code"));
  if (!view ||
      json_object_update_missing_new(
          view,
          json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:o, s:s, "
                    "s:b, s:s}",
                    "code", code, "label", label, "hint", hint ? hint : "", "value",
                    value_text(value), "back", back ? back : a->base, "t_string",
                    !strcmp(type, "string"), "t_number", !strcmp(type, "number"), "t_datetime",
                    !strcmp(type, "datetime"), "t_text", !strcmp(type, "text"), "t_single",
                    !strcmp(type, "singlevaluelist"), "t_multi", !strcmp(type, "multivaluelist"),
                    "optional", !json_is_true(json_object_get(q, "required")), "options",
                    options_of(req, q, value), "action",
                    !strcmp(code, "name") ? arena_printf(req->arena, "%s/name", a->base)
                                          : arena_printf(req->arena, "%s/q/%s", a->base, code),
                    "change", http_query(req, "change") || http_form(req, "change"), "page_title",
                    label))) {
    json_decref(view);
    return ST_NOMEM;
  }
  json_object_set_new(view, "title", json_string(label));
  *out = view;
  return ST_OK;
}

int apply_question_page(struct http_request *req, struct http_response *res)
{
  struct apply_ctx a;
  bool done;
  json_t *view = NULL, *q = NULL, *value = NULL;
  int rc = apply_open(req, res, &a, APPLY_NEED_VERIFIED, &done);
  if (!rc && !done) {
    q = page_question(req, &a, http_capture(req, "code"));
    rc = q ? ST_OK : ST_NOTFOUND;
  }
  if (!rc && !done) {
    value = current_value(req, &a, web_str(q, "code"), false);
    rc = question_view(req, &a, q, value, &view);
  }
  json_decref(q);
  json_decref(value);
  apply_close(&a);
  if (rc || done)
    return rc;
  return http_page(res, 200, "public/apply/question", view);
}

/* Checks the name: one line, 1..APPLY_NAME_MAX_CHARS characters. */
static bool name_ok(json_t *value, json_t **out, struct form_error *why)
{
  json_t *name =
      json_pack("{s:s, s:s, s:b}", "code", "name", "datatype", "string", "required", true);
  bool ok = form_answer(name, json_array_size(value) ? json_array_get(value, 0) : NULL, out, why);
  json_decref(name);
  if (ok && text_length(json_string_value(*out)) > APPLY_NAME_MAX_CHARS) {
    json_decref(*out);
    *out = NULL;
    why->key = "form_err_too_long";
    return false;
  }
  return ok;
}

static int save_answer(struct apply_ctx *a, const char *code, json_t *clean)
{
  json_t *answers = json_deep_copy(a->draft->answers);
  const char *name = a->draft->applicant_name;
  if (!answers)
    return ST_NOMEM;
  if (!strcmp(code, "name"))
    name = json_string_value(clean);
  else if (clean)
    json_object_set(answers, code, clean);
  else
    json_object_del(answers, code);
  int rc = apply_save(&a->env, a->draft->row, name, answers);
  json_decref(answers);
  return rc;
}

/* What form_answer gets: nothing, the list (multivaluelist) or the first value. */
static json_t *given_value(json_t *q, json_t *value)
{
  if (json_array_size(value) == 0)
    return NULL;
  return !strcmp(web_str(q, "datatype"), "multivaluelist") ? value : json_array_get(value, 0);
}

/* A bound of a number question as written ("1", "2.5"); "" when absent. */
static const char *bound_text(struct http_request *req, json_t *q, const char *key)
{
  json_t *v = json_object_get(q, key);
  if (json_is_integer(v))
    return arena_printf(req->arena, "%lld", (long long)json_integer_value(v));
  return json_is_real(v) ? arena_printf(req->arena, "%.15g", json_real_value(v)) : "";
}

/* text with every "{name}" replaced by value, in the request's arena. */
static const char *fill(struct http_request *req, const char *text, const char *name,
                        const char *value)
{
  const char *at = text ? strstr(text, name) : NULL;
  if (!at)
    return text;
  const char *rest = fill(req, at + strlen(name), name, value);
  return arena_printf(req->arena, "%.*s%s%s", (int)(at - text), text, value, rest ? rest : "");
}

/* Why an answer was refused, in words; a number out of range names the question's bounds. */
static const char *answer_error(struct http_request *req, json_t *q, const char *key)
{
  if (strcmp(key, "form_err_range") != 0)
    return http_t(req, key);
  const char *min = bound_text(req, q, "min"), *max = bound_text(req, q, "max");
  const char *which = *min && *max ? "apply_range_between"
                      : *min       ? "apply_range_min"
                                   : "apply_range_max";
  const char *text = fill(req, fill(req, http_t(req, which), "{min}", min), "{max}", max);
  return text ? text : http_t(req, key);
}

/* After an answer: back to "check" when changing one, else the next page. */
static const char *next_url(struct http_request *req, struct apply_ctx *a, const char *code)
{
  const char *next = http_form(req, "change") ? "check" : apply_next(a, code);
  if (!strcmp(next, "check") || !strcmp(next, "documents"))
    return arena_printf(req->arena, "%s/%s", a->base, next);
  return arena_printf(req->arena, "%s/q/%s", a->base, next);
}

int apply_question_submit(struct http_request *req, struct http_response *res)
{
  struct apply_ctx a;
  bool done;
  json_t *view = NULL, *q = NULL, *value = NULL, *clean = NULL;
  struct form_error why = {0};
  int rc = apply_open(req, res, &a, APPLY_NEED_VERIFIED, &done);
  if (!rc && !done) {
    q = page_question(req, &a, http_capture(req, "code"));
    rc = q ? ST_OK : ST_NOTFOUND;
  }
  if (rc || done) {
    json_decref(q);
    apply_close(&a);
    return rc;
  }
  const char *code = web_str(q, "code");
  value = current_value(req, &a, code, true);
  bool ok = !strcmp(code, "name") ? name_ok(value, &clean, &why)
                                  : form_answer(q, given_value(q, value), &clean, &why);
  if (!ok && question_view(req, &a, q, value, &view) == ST_OK) {
    web_form_error_text(view, "answer",
                        answer_error(req, q, why.key ? why.key : "form_err_required"));
    rc = http_page(res, 400, "public/apply/question", view);
  } else if (ok) {
    rc = save_answer(&a, code, clean);
    rc = rc ? rc : http_redirect(res, 303, next_url(req, &a, code));
  }
  json_decref(q);
  json_decref(value);
  json_decref(clean);
  apply_close(&a);
  return rc;
}
