/*
 * intake.c - counter intake (收件): choose the service (its document checklist appears), enter
 * the applicant, tick the documents received, and the case is created with its number, handler,
 * counter, deadline and receipt in one step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "domain/accounts.h"
#include "domain/case_staff_read.h"
#include "domain/fee_counter.h"
#include "web/app.h"
#include "web/cases/cases.h"
#include "web/public/tools.h"

#include "base/common.h"

enum { DOCUMENTS_FORM_MAX = 40 };

void case_actor_of(const struct http_request *req, struct case_actor *actor)
{
  const struct http_session *s = req->session;
  actor->user_id = s->user_id;
  actor->office_id = s->office_id;
  actor->unit_id = s->unit_id;
  actor->roles = s->roles;
  actor->username = s->username;
  actor->ip = req->client_ip;
}

/* The published services as options, the chosen one marked, and its documents. */
static void service_options(struct http_request *req, const struct case_intake_form *form,
                            int64_t chosen, json_t *options, json_t *documents)
{
  for (size_t i = 0; i < form->service_count; i++) {
    const struct dir_service *s = form->services[i];
    bool selected = s->id == chosen;
    json_array_append_new(options, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)s->id, "name",
                                             directory_pick(s->name_zh, s->name_en, req->lang),
                                             "selected", selected));
    if (!selected)
      continue;
    const struct dir_lines *docs =
        directory_pick_lines(&s->info.documents_zh, &s->info.documents_en, req->lang);
    for (size_t j = 0; j < docs->count; j++) {
      const char *field = arena_printf(req->arena, "doc_%zu", j);
      const char *online = arena_printf(req->arena, "online_doc_%zu", j);
      /* ticked again when the form comes back (a fee preview or a refusal) */
      json_array_append_new(documents,
                            json_pack("{s:s, s:s, s:b, s:s, s:b}", "name", docs->items[j], "field",
                                      field, "checked", field && http_form(req, field) != NULL,
                                      "online_field", online ? online : "", "online_checked",
                                      online && http_form(req, online) != NULL));
    }
  }
}

/* The handlers to choose from, the one chosen on a form shown again (a refusal, a fee
 * preview) marked. */
static json_t *handler_options(struct http_request *req, const struct case_intake_form *form)
{
  const char *chosen = http_form(req, "handler_id");
  int64_t id = 0;
  if (chosen && str_to_int64(str_from(chosen), 1, INT64_MAX, &id))
    id = 0;
  json_t *list = json_array();
  for (size_t i = 0; list && i < form->handler_count; i++)
    json_array_append_new(list, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)form->handlers[i].id,
                                          "name", form->handlers[i].name, "selected",
                                          id && form->handlers[i].id == id));
  return list;
}

/* The notice language and channel as chosen, for a form shown again. */
static int add_choices(struct http_request *req, json_t *view)
{
  const char *lang = http_form(req, "lang"), *channel = http_form(req, "channel");
  if (json_object_set_new(view, "lang_en", json_boolean(lang && !strcmp(lang, "en"))) ||
      json_object_set_new(view, "channel_mail", json_boolean(channel && !strcmp(channel, "mail"))))
    return ST_NOMEM;
  return ST_OK;
}

static int64_t chosen_service(struct http_request *req)
{
  const char *text = http_form(req, "service_id");
  if (!text)
    text = http_query(req, "service");
  int64_t id = 0;
  if (text && *text && str_to_int64(str_from(text), 1, INT64_MAX, &id))
    id = 0;
  return id;
}

/* The notice choice: "auto" (what a clerk expects: SMS when a phone is given, else e-mail,
 * else none; cases_notify_default) unless the clerk chose another. */
static json_t *notify_options(struct http_request *req)
{
  static const char *const values[] = {"auto", "sms", "email", "both", "none"};
  const char *chosen = http_form(req, "notify") ? http_form(req, "notify") : "auto";
  json_t *list = json_array();
  for (size_t i = 0; list && i < ARRAY_LEN(values); i++)
    json_array_append_new(list,
                          json_pack("{s:s, s:s, s:b}", "value", values[i], "label",
                                    http_t(req, arena_printf(req->arena, "notify_%s", values[i])),
                                    "selected", strcmp(values[i], chosen) == 0));
  return list;
}

static const struct dir_service *chosen_record(const struct case_intake_form *form, int64_t id)
{
  for (size_t i = 0; i < form->service_count; i++)
    if (form->services[i]->id == id)
      return form->services[i];
  return NULL;
}

/* The queue ticket the counter console started this intake from (?ticket= or the form's
 * hidden field), 0 when none (domain/queue.h: the ticket's QR then leads to the case). */
static int64_t intake_ticket(struct http_request *req)
{
  const char *text = http_form(req, "ticket");
  int64_t id = 0;
  if (!text)
    text = http_query(req, "ticket");
  if (!text || str_to_int64(str_from(text), 1, INT64_MAX, &id))
    return 0;
  return id;
}

static int form_view(struct http_request *req, struct store *store, bool fee_preview, json_t **out)
{
  struct case_intake_form form;
  int64_t service = chosen_service(req);
  int rc = case_intake_form_read(store, req->arena, req->session->office_id, service, &form);
  if (rc)
    return rc;
  json_t *services = json_array(), *documents = json_array();
  if (services && documents)
    service_options(req, &form, service, services, documents);
  const char *v[] = {"applicant_name", "applicant_id", "applicant_phone", "applicant_email"};
  json_t *values = json_object();
  for (size_t i = 0; i < ARRAY_LEN(v); i++)
    json_object_set_new(values, v[i],
                        json_string(http_form(req, v[i]) ? http_form(req, v[i]) : ""));
  int64_t ticket = intake_ticket(req); /* none: no ticket=0 in the forms and the address */
  *out = json_pack("{s:s, s:o, s:o, s:o, s:b, s:o, s:o, s:o?}", "title",
                   http_t(req, "intake_title"), "services", services, "documents", documents,
                   "handlers", handler_options(req, &form), "service_chosen", service > 0, "values",
                   values, "notify_options", notify_options(req), "ticket",
                   ticket ? json_integer(ticket) : NULL);
  if (!*out ||
      json_object_set_new(*out, "has_documents", json_boolean(json_array_size(documents) > 0)) ||
      add_choices(req, *out)) {
    json_decref(*out);
    return ST_NOMEM;
  }
  rc = intake_fee_view(req, chosen_record(&form, service), fee_preview, *out);
  if (rc)
    json_decref(*out);
  return rc;
}

int intake_form(struct http_request *req, struct http_response *res)
{
  struct store *store;
  json_t *view;
  int rc = web_store(req, &store);
  if (!rc)
    rc = form_view(req, store, false, &view);
  /* a service just chosen: the keyboard starts at the applicant's name, not at the page's top
   * (eight Tabs away); a form shown again with its refusal leaves the focus to the summary */
  if (!rc &&
      json_object_set_new(view, "focus_name",
                          json_boolean(json_is_true(json_object_get(view, "service_chosen")))))
    rc = ST_NOMEM;
  return rc ? rc : http_page(res, 200, "staff/intake", view);
}

/* The names of the ticked documents (doc_N fields carry the name as their value; prefix
 * online_doc_ for those checked online instead of on paper). */
static json_t *documents_ticked(struct http_request *req, const char *prefix)
{
  json_t *list = json_array();
  for (size_t i = 0; i < req->form_count; i++)
    if (str_starts_with(req->form[i].name, prefix))
      json_array_append_new(list, json_string(req->form[i].value.ptr));
  return list;
}

static const char *form_or(struct http_request *req, const char *name, const char *fallback)
{
  const char *v = http_form(req, name);
  return v ? v : fallback;
}

/* A refusal of a fee answer also shown at its input (the fee section was built before it). */
static void mark_fee_input(json_t *view, const char *field)
{
  json_t *inputs = json_object_get(json_object_get(view, "fee"), "inputs"), *in;
  json_t *message = json_object_get(json_object_get(view, "field_errors"), field ? field : "");
  size_t i;
  json_array_foreach(inputs, i, in) if (message && strcmp(web_str(in, "id"), field) == 0)
      json_object_set(in, "error", message);
}

/* The form again: with the fee's working (preview, 200) or with a refusal (400). */
static int form_again(struct http_request *req, struct http_response *res, struct store *store,
                      bool preview, const char *field, const char *reason)
{
  json_t *view;
  int rc = form_view(req, store, preview, &view);
  if (rc)
    return rc;
  if (reason) {
    web_form_error(req, view, field, reason);
    mark_fee_input(view, field);
  }
  return http_page(res, reason || json_object_get(view, "has_errors") ? 400 : 200, "staff/intake",
                   view);
}

int intake_submit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct case_actor actor;
  struct intake_result result;
  const char *reason = NULL, *field = NULL;
  int64_t handler = 0;
  const char *handler_text = form_or(req, "handler_id", "");
  if (*handler_text && str_to_int64(str_from(handler_text), 1, INT64_MAX, &handler))
    handler = -1;
  struct intake_input in = {chosen_service(req),
                            form_or(req, "applicant_name", ""),
                            form_or(req, "applicant_id", ""),
                            form_or(req, "applicant_phone", ""),
                            form_or(req, "applicant_email", ""),
                            cases_notify_choice(form_or(req, "notify", "auto"),
                                                form_or(req, "applicant_phone", ""),
                                                form_or(req, "applicant_email", "")),
                            form_or(req, "channel", "counter"),
                            form_or(req, "lang", "zh-TW"),
                            documents_ticked(req, "doc_"),
                            handler,
                            intake_ticket(req),
                            documents_ticked(req, "online_doc_")};
  case_actor_of(req, &actor);
  int rc = web_store(req, &store);
  if (!rc && http_form(req, "fee_preview")) { /* the clerk asked for the fee's working */
    json_decref(in.documents);
    json_decref(in.documents_online);
    return form_again(req, res, store, true, NULL, NULL);
  }
  struct case_env env = {store, clock_now()};
  json_t *answers = rc ? NULL : tools_fee_answers(req, true);
  struct fee_counter_input fee = {answers, form_or(req, "fee_waiver_reason", "")};
  if (!rc && !answers)
    rc = ST_INVALID;
  if (!rc)
    rc = fee_counter_intake(&env, &actor, &in, &fee, &result, &reason, &field);
  json_decref(answers);
  json_decref(in.documents);
  json_decref(in.documents_online);
  if (rc == ST_INVALID && reason)
    return form_again(req, res, store, false, field, reason);
  if (rc)
    return rc;
  return http_redirect(res, 303,
                       arena_printf(req->arena, "/staff/cases/%lld/receipt?t=%s",
                                    (long long)result.case_id, result.token));
}
