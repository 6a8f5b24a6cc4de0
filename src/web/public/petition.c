/*
 * petition.c - petitions for citizens (petition.h): one domain call per page read or write;
 * the petitioner's own pages are reached by the link token of domain/petition.c (captured as
 * {token}, so logs redact it) or by number and check code.
 */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/str.h"
#include "domain/petition.h"
#include "render/format.h"
#include "web/app.h"
#include "web/public/catalog.h"
#include "web/public/petition.h"

#include "base/common.h"

static const char *form_text(struct http_request *req, const char *name)
{
  const char *v = http_form(req, name);
  return v ? v : "";
}

/* A date and time in words, "" for none. */
static const char *when(struct http_request *req, int64_t t)
{
  return t > 0 ? web_datetime(req, t) : "";
}

/* ---- filing ----------------------------------------------------------------------------- */

static json_t *category_options(struct http_request *req, struct store *store, int64_t office_id,
                                int64_t selected)
{
  json_t *rows = NULL, *c, *out = json_array();
  size_t i;
  petition_categories(store, office_id, &rows);
  json_array_foreach(rows, i, c)
  {
    json_array_append_new(out, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)web_int(c, "id"),
                                         "name", web_field(c, "name", req->lang), "selected",
                                         web_int(c, "id") == selected));
  }
  json_decref(rows);
  return out;
}

/* The form's view, with what was typed (the contact and the text, never echoed elsewhere). */
static json_t *form_view(struct http_request *req, struct office_ctx *o)
{
  int64_t category = 0;
  str_to_int64(str_from(form_text(req, "category_id")), 0, INT64_MAX, &category);
  return json_pack("{s:s, s:O, s:s, s:s, s:o, s:b, s:s, s:s, s:s, s:s, s:b, s:b}", "title",
                   http_t(req, "petition_title"), "office", o->view, "action",
                   arena_printf(req->arena, "/o/%s/petition", o->slug), "stats_href",
                   arena_printf(req->arena, "/o/%s/petitions/stats", o->slug), "categories",
                   category_options(req, o->store, o->id, category), "mailbox",
                   !strcmp(form_text(req, "kind"), "mailbox") ||
                       !strcmp(http_query(req, "kind") ? http_query(req, "kind") : "", "mailbox"),
                   "subject", form_text(req, "subject"), "body", form_text(req, "body"), "name",
                   form_text(req, "name"), "contact", form_text(req, "contact"), "kind_sms",
                   !strcmp(form_text(req, "contact_kind"), "sms"), "confidential",
                   !strcmp(form_text(req, "confidential"), "1"));
}

int petition_form(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  int rc = office_ctx_open(req, &o);
  json_t *view = rc ? NULL : form_view(req, &o);
  office_ctx_close(&o);
  if (rc)
    return rc;
  return view ? http_page(res, 200, "public/petition", view) : ST_NOMEM;
}

static void input_of(struct http_request *req, struct petition_input *in, const char *channel)
{
  int64_t category = 0;
  str_to_int64(str_from(form_text(req, "category_id")), 0, INT64_MAX, &category);
  in->kind = !strcmp(form_text(req, "kind"), "mailbox") ? "mailbox" : "petition";
  in->channel = channel;
  in->category_id = category;
  in->subject = form_text(req, "subject");
  in->body = form_text(req, "body");
  in->name = form_text(req, "name");
  in->contact_kind = form_text(req, "contact_kind");
  in->contact = form_text(req, "contact");
  in->lang = req->lang;
  in->confidential = !strcmp(form_text(req, "confidential"), "1");
}

int petition_submit(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  struct petition_input in;
  char token[PETITION_TOKEN_SIZE];
  const char *reason = NULL, *field = NULL;
  int rc = office_ctx_open(req, &o);
  input_of(req, &in, "online");
  if (!rc)
    rc =
        petition_start_online(o.store, clock_now(), o.id, &in, http_t(req, "petition_code_subject"),
                              http_t(req, "petition_code_text"), token, &reason, &field);
  if ((rc == ST_INVALID || rc == ST_IO || rc == ST_LIMIT) && reason) {
    json_t *view = form_view(req, &o);
    office_ctx_close(&o);
    web_form_error(req, view, field ? field : "contact", reason);
    return http_page(res, rc == ST_IO ? 503 : rc == ST_LIMIT ? 429 : 400, "public/petition", view);
  }
  const char *to = rc ? NULL : arena_printf(req->arena, "/o/%s/petition/verify/%s", o.slug, token);
  office_ctx_close(&o);
  return rc ? rc : http_redirect(res, 303, to);
}

static int verify_view(struct http_request *req, struct office_ctx *o, json_t **out)
{
  const char *action =
      arena_printf(req->arena, "/o/%s/petition/verify/%s", o->slug, http_capture(req, "token"));
  *out = json_pack("{s:s, s:O, s:s, s:s, s:b}", "title", http_t(req, "petition_verify_title"),
                   "office", o->view, "action", action, "resend_action",
                   arena_printf(req->arena, "%s/resend", action), "resent",
                   http_query(req, "resent") != NULL);
  return *out ? ST_OK : ST_NOMEM;
}

int petition_verify_page(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  json_t *view = NULL, *p = NULL;
  int rc = office_ctx_open(req, &o);
  if (!rc)
    rc = petition_public_by_token(o.store, o.id, http_capture(req, "token"), req->lang, &p);
  if (!rc)
    rc = verify_view(req, &o, &view);
  office_ctx_close(&o);
  json_decref(p);
  return rc ? rc : http_page(res, 200, "public/petition_verify", view);
}

int petition_verify_submit(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  struct petition_filed filed;
  const char *reason = NULL, *token = http_capture(req, "token");
  json_t *view = NULL;
  int rc = office_ctx_open(req, &o);
  if (!rc)
    rc =
        petition_verify(o.store, clock_now(), o.id, token, form_text(req, "code"), &filed, &reason);
  if (rc == ST_INVALID && reason && !verify_view(req, &o, &view)) {
    office_ctx_close(&o);
    web_form_error(req, view, "code", reason);
    return http_page(res, 400, "public/petition_verify", view);
  }
  const char *to = arena_printf(req->arena, "/o/%s/petition/filed/%s", o.slug, token);
  office_ctx_close(&o);
  return rc ? rc : http_redirect(res, 303, to);
}

int petition_resend_submit(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  const char *reason = NULL, *token = http_capture(req, "token");
  json_t *view = NULL;
  int rc = office_ctx_open(req, &o);
  if (!rc)
    rc = petition_resend_code(o.store, clock_now(), o.id, token,
                              http_t(req, "petition_code_subject"),
                              http_t(req, "petition_code_text"), &reason);
  if ((rc == ST_LIMIT || rc == ST_INVALID || rc == ST_IO) && reason &&
      !verify_view(req, &o, &view)) {
    office_ctx_close(&o);
    web_form_error(req, view, "code", reason);
    return http_page(res,
                     rc == ST_LIMIT ? 429
                     : rc == ST_IO  ? 503
                                    : 400,
                     "public/petition_verify", view);
  }
  const char *to = arena_printf(req->arena, "/o/%s/petition/verify/%s?resent=1", o.slug, token);
  office_ctx_close(&o);
  return rc ? rc : http_redirect(res, 303, to);
}

/* ---- the petition's own page ---------------------------------------------------------------- */

static json_t *status_view(struct http_request *req, json_t *p)
{
  const char *status = web_str(p, "status");
  json_t *v = json_deep_copy(p);
  json_object_set_new(
      v, "status_label",
      json_string(http_t(req, arena_printf(req->arena, "petition_status_%s", status))));
  json_object_set_new(v, "received_text", json_string(when(req, web_int(p, "received_at"))));
  json_object_set_new(v, "due_text", json_string(when(req, web_int(p, "due_at"))));
  json_object_set_new(v, "answered_text", json_string(when(req, web_int(p, "answered_at"))));
  json_object_set_new(v, "answer_paragraphs", catalog_paragraphs(web_str(p, "answer")));
  json_object_set_new(v, "answered", json_boolean(!strcmp(status, "answered")));
  json_object_set_new(v, "transferred", json_boolean(!strcmp(status, "transferred")));
  json_object_set_new(
      v, "can_rate",
      json_boolean(!strcmp(status, "answered") && !json_is_true(json_object_get(p, "rated"))));
  return v;
}

static int own_page(struct http_request *req, struct http_response *res, struct office_ctx *o,
                    json_t *p, const char *rate_action, int status)
{
  json_t *view = json_pack(
      "{s:s, s:O, s:o, s:s, s:b, s:b}", "title", http_t(req, "petition_own_title"), "office",
      o->view, "petition", status_view(req, p), "rate_action", rate_action ? rate_action : "",
      "rated_now", http_query(req, "rated") != NULL, "has_link", rate_action != NULL);
  return view ? http_page(res, status, "public/petition_status", view) : ST_NOMEM;
}

int petition_own_page(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  json_t *p = NULL;
  const char *token = http_capture(req, "token");
  int rc = office_ctx_open(req, &o);
  if (!rc)
    rc = petition_public_by_token(o.store, o.id, token, req->lang, &p);
  if (!rc && !json_is_true(json_object_get(p, "verified")))
    rc = ST_NOTFOUND;
  if (!rc)
    rc = own_page(req, res, &o, p,
                  arena_printf(req->arena, "/o/%s/petition/rate/%s", o.slug, token), 200);
  office_ctx_close(&o);
  json_decref(p);
  return rc;
}

int petition_rate_submit(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  int64_t rating = 0;
  const char *token = http_capture(req, "token");
  if (str_to_int64(str_from(form_text(req, "rating")), 1, 5, &rating))
    return http_error(res, 400, "petition_err_rating");
  int rc = office_ctx_open(req, &o);
  if (!rc)
    rc = petition_rate(o.store, clock_now(), o.id, token, rating);
  const char *to = arena_printf(req->arena, "/o/%s/petition/filed/%s?rated=1", o.slug, token);
  office_ctx_close(&o);
  if (rc == ST_CONFLICT)
    return http_error(res, 409, "petition_err_rated");
  if (rc == ST_INVALID)
    return http_error(res, 400, "petition_err_rating");
  return rc ? rc : http_redirect(res, 303, to);
}

int petition_lookup(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  json_t *p = NULL;
  const char *number = http_query(req, "number"), *check = http_query(req, "check");
  int rc = office_ctx_open(req, &o);
  if (!rc)
    rc = petition_public_by_number(o.store, o.id, number ? number : "", check ? check : "",
                                   req->lang, &p);
  if (rc == ST_NOTFOUND && !o.slug)
    return rc;
  if (rc == ST_NOTFOUND) {
    office_ctx_close(&o);
    return http_error(res, 404, "petition_not_found");
  }
  if (!rc)
    rc = own_page(req, res, &o, p, NULL, 200);
  office_ctx_close(&o);
  json_decref(p);
  return rc;
}

/* ---- statistics ----------------------------------------------------------------------------- */

int petition_stats_page(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  json_t *stats = NULL;
  int rc = office_ctx_open(req, &o);
  if (!rc)
    rc = petition_stats(o.store, o.id, req->lang, &stats);
  json_t *view =
      rc ? NULL
         : json_pack("{s:s, s:O, s:o, s:i}", "title", http_t(req, "petition_stats_title"), "office",
                     o.view, "stats", stats, "min_cell", PETITION_STATS_MIN_CELL);
  office_ctx_close(&o);
  if (rc)
    return rc;
  return view ? http_page(res, 200, "public/petition_stats", view) : ST_NOMEM;
}
