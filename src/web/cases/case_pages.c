/*
 * case_pages.c - the staff case page (details, applicant, timeline, what can be done next),
 * its actions, the receipt, the work list and delegations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/text.h"
#include "domain/accounts.h"
#include "domain/case_staff_read.h"
#include "domain/personal.h"
#include "domain/survey.h"
#include "web/app.h"
#include "web/cases/case_view.h"
#include "web/cases/cases.h"
#include "web/payments/payments.h"
#include "web/public/apply.h"
#include "web/public/catalog.h"
#include "web/public/office.h"
#include "web/staff/notices.h"

#include "base/common.h"

/* The "next step" menu; a refused move comes back with the step chosen still chosen. */
static json_t *step_options(struct http_request *req, const struct case_staff *s)
{
  const char *action = http_capture(req, "action");
  const char *chosen = action && !strcmp(action, "status") ? http_form(req, "to") : NULL;
  json_t *list = json_array();
  for (size_t i = 0; list && i < s->next_step_count; i++) {
    const char *code = s->next_steps[i];
    if (!strcmp(code, "correction") || !strcmp(code, "rejected"))
      continue; /* they have their own forms */
    json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "code", code, "label",
                                          case_wf_step_label(req, s->wf, code), "selected",
                                          chosen && !strcmp(chosen, code)));
  }
  return list;
}

static bool has_step(const struct case_staff *s, const char *code)
{
  for (size_t i = 0; i < s->next_step_count; i++)
    if (!strcmp(s->next_steps[i], code))
      return true;
  return false;
}

/* What the page offers: flags for the action forms. */
static int add_offers(struct http_request *req, const struct case_staff *s, json_t *c)
{
  bool may = s->may_act;
  bool supervisor = (req->session->roles & ROLE_SUPERVISOR) != 0;
  bool in_correction = strcmp(s->c.status, "correction") == 0;
  bool closed = s->c.closed_at != 0;
  struct case_actor actor;
  case_actor_of(req, &actor);
  bool dates = may && !closed && cases_may_manage_dates(&actor);
  json_t *steps = step_options(req, s);
  json_t *offers =
      json_pack("{s:o, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b}", "steps", steps,
                "correction", may && has_step(s, "correction"), "corrected", may && in_correction,
                "reject", may && has_step(s, "rejected"), "approve",
                may && supervisor && !in_correction && s->c.correction_count > 0, "extend", dates,
                "reassign", supervisor && !closed, "overdue", dates, "appointment", dates, "pickup",
                !strcmp(s->c.status, "closed") && !s->c.picked_up_at, "has_steps",
                json_array_size(steps) > 0);
  int rc = offers ? case_correction_offers(req, s, offers) : ST_NOMEM;
  if (rc) {
    json_decref(offers);
    return rc;
  }
  return json_object_set_new(c, "offers", offers) ? ST_NOMEM : ST_OK;
}

static json_t *handlers_view(const struct case_staff *s)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < s->handler_count; i++)
    json_array_append_new(list, json_pack("{s:I, s:s}", "id", (json_int_t)s->handlers[i].id, "name",
                                          s->handlers[i].name));
  return list;
}

/* The case for staff (case_staff_read, or with receipt case_receipt_read) and its view with
 * the display fields and the online application's answers and files. */
static int load_case(struct http_request *req, bool receipt, struct case_staff *s, json_t **view)
{
  struct store *store;
  struct case_actor actor;
  int64_t id = case_view_id(req);
  if (!id)
    return ST_NOTFOUND;
  case_actor_of(req, &actor);
  int rc = web_store(req, &store);
  struct case_env env = {store, clock_now()};
  if (!rc)
    rc = receipt ? case_receipt_read(&env, &actor, req->arena, id, s)
                 : case_staff_read(&env, &actor, req->arena, id, s);
  if (rc)
    return rc;
  *view = case_staff_view(req, s);
  rc = *view ? apply_staff_online_view(req, s, *view) : ST_NOMEM;
  if (rc) {
    json_decref(*view);
    *view = NULL;
  }
  return rc;
}

/* Wrong check codes today, and whether they lock the lookup by number (domain/case_read.h):
 * shown to staff, with the lift form while locked to those who may act on the case. */
static int add_check_lock(const struct case_staff *s, json_t *c)
{
  if (!s->check_failures)
    return ST_OK;
  bool locked = s->check_failures >= CASE_CHECK_LOCK_AFTER;
  json_t *lock = json_pack("{s:I, s:b, s:b}", "failures", (json_int_t)s->check_failures, "locked",
                           locked, "may_lift", locked && s->may_act);
  return json_object_set_new(c, "check_lock", lock) ? ST_NOMEM : ST_OK;
}

/* Working minutes as hours with one decimal, rounded down ("12.5", "24"). */
static const char *hours_text(struct http_request *req, int64_t minutes)
{
  long long tenths = (long long)(minutes * 10 / 60);
  if (tenths % 10 == 0)
    return arena_printf(req->arena, "%lld", tenths / 10);
  return arena_printf(req->arena, "%lld.%lld", tenths / 10, tenths % 10);
}

/* "已用 12.5 / 法定 24 工作小時": the domain's used and allowed working time (case_staff). Being
 * late is said once, by the case's due state (the scanner's), not a second time here. */
static int add_clock(struct http_request *req, const struct case_staff *s, json_t *c)
{
  json_t *clock = json_pack("{s:I, s:I, s:s, s:s}", "used_minutes", (json_int_t)s->used_minutes,
                            "allowed_minutes", (json_int_t)s->allowed_minutes, "used_hours",
                            hours_text(req, s->used_minutes), "allowed_hours",
                            hours_text(req, s->allowed_minutes));
  return json_object_set_new(c, "clock", clock) ? ST_NOMEM : ST_OK;
}

/* s with every "-" as "_" (an action's name as a view member or an element id), in the arena;
 * NULL for NULL (an allocation that failed before) or out of memory. */
static char *underscored(struct http_request *req, const char *s)
{
  char *out = s ? arena_strdup(req->arena, s) : NULL;
  for (char *p = out; p && *p; p++)
    *p = *p == '-' ? '_' : *p;
  return out;
}

/* A refused action's form as typed: typed.<action>.<field> (the action's "-" as "_"; the
 * path's last segment for the forms of other routes: typed.fee), so the form that was sent
 * comes back filled in, and only that one. */
static int add_typed(struct http_request *req, json_t *view)
{
  const char *action = http_capture(req, "action");
  if (!action) {
    const char *slash = strrchr(req->path, '/');
    action = slash ? slash + 1 : "";
  }
  const char *key = underscored(req, action);
  json_t *fields = json_object();
  if (!key || !fields) {
    json_decref(fields);
    return ST_NOMEM;
  }
  for (size_t i = 0; i < req->form_count; i++) {
    const struct http_param *f = &req->form[i];
    const char *name = arena_strndup(req->arena, f->name.ptr, f->name.len);
    if (name && strcmp(name, "csrf") != 0)
      json_object_set_new(fields, name, json_stringn(f->value.ptr, f->value.len));
  }
  return json_object_set_new(view, "typed", json_pack("{s:o}", key, fields)) ? ST_NOMEM : ST_OK;
}

/* A refused withdrawal of an outcome document (field "withdraw_reason-<id>"): its message and
 * the reason typed on that document's form (the template cannot look up field_errors by id). */
static int add_outcome_refusal(struct http_request *req, json_t *c, const char *field,
                               const char *reason)
{
  json_t *doc;
  size_t i;
  json_array_foreach(json_object_get(c, "outcomes"), i, doc)
  {
    const char *id = arena_printf(req->arena, "withdraw_reason-%lld",
                                  (long long)json_integer_value(json_object_get(doc, "id")));
    if (!id)
      return ST_NOMEM;
    if (strcmp(id, field) != 0)
      continue;
    const char *typed = http_form(req, "reason");
    if (json_object_set_new(doc, "withdraw_error", json_string(http_t(req, reason))) ||
        json_object_set_new(doc, "typed_reason", json_string(typed ? typed : "")))
      return ST_NOMEM;
  }
  return ST_OK;
}

/* The refusal's message at field and the refused form as typed. */
static int add_refusal(struct http_request *req, json_t *view, const char *field,
                       const char *reason)
{
  if (!view || web_form_error(req, view, field, reason) ||
      add_outcome_refusal(req, json_object_get(view, "case"), field, reason))
    return ST_NOMEM;
  return add_typed(req, view);
}

static int show(struct http_request *req, struct http_response *res, int status, const char *field,
                const char *reason)
{
  struct case_staff s;
  json_t *c = NULL;
  int rc = load_case(req, false, &s, &c);
  if (rc == ST_FORBIDDEN && reason)
    return http_error(res, status, reason); /* refused, and the case is not theirs to see */
  if (rc)
    return rc;
  rc = add_offers(req, &s, c);
  if (!rc)
    rc = add_check_lock(&s, c);
  if (!rc)
    rc = add_clock(req, &s, c);
  if (!rc)
    rc = outcome_staff_view(req, &s, c);
  if (!rc)
    rc = payments_staff_view(req, &s.fee, s.may_act, c); /* the fee due and payments */
  json_t *messages = rc ? NULL : notices_case_messages(req, &s.messages);
  if (rc || !messages) {
    json_decref(c);
    return rc ? rc : ST_NOMEM;
  }
  json_t *view = json_pack("{s:s, s:o, s:o, s:s, s:b, s:o}", "title",
                           json_string_value(json_object_get(c, "number")), "case", c, "handlers",
                           handlers_view(&s), "today", "", "has_messages",
                           json_array_size(messages) > 0, "messages", messages);
  if (reason && add_refusal(req, view, field, reason)) {
    json_decref(view);
    return ST_NOMEM;
  }
  return http_page(res, status, "staff/case", view);
}

int case_page_refused(struct http_request *req, struct http_response *res, int status,
                      const char *field, const char *reason)
{
  return show(req, res, status, field, reason);
}

int case_page(struct http_request *req, struct http_response *res)
{
  return show(req, res, 200, NULL, NULL);
}

/* The printed receipt: the office (name, address, phone, web address), the case with its time
 * limit, and the QR code of its link /p/<token> (also on a reprint, when the token is derivable;
 * right after intake the random token passed as ?t=), the fee receipt when the fee was computed at
 * intake, the survey link when one is open. */
int case_receipt(struct http_request *req, struct http_response *res)
{
  struct case_staff s;
  json_t *c = NULL;
  int rc = load_case(req, true, &s, &c);
  if (rc)
    return rc;
  const char *token = *s.token ? s.token : NULL;
  const char *typed = http_query(req, "t"); /* a random token, known only right after intake */
  if (!token && typed && strlen(typed) == CASE_TOKEN_SIZE - 1)
    token = typed;
  const char *survey_url =
      s.survey_open && token ? arena_printf(req->arena, "%s/s/%s", web_origin(req), token) : NULL;
  char masked[128] = "";
  personal_mask_name(s.applicant.name, masked, sizeof(masked));
  const char *link =
      token ? arena_printf(req->arena, "%s/p/%s", web_origin(req), token)
            : arena_printf(req->arena, "%s/o/%s/progress", web_origin(req), s.office->slug);
  json_t *fee = receipt_fee_view(req, &s); /* 計費收據, when computed at intake */
  /* the legal time limit (處理期限) beside the date it gives: "3 個工作天", "4 工作小時" */
  if (json_object_set_new(c, "time_limit_text",
                          json_string(catalog_time_limit(req, s.c.time_limit_minutes)))) {
    json_decref(c);
    json_decref(fee);
    return ST_NOMEM;
  }
  json_t *view = json_pack("{s:s, s:o, s:o, s:s?, s:s?, s:s, s:s, s:s, s:s?, s:o?}", "title",
                           http_t(req, "receipt_title"), "case", c, "office",
                           office_dir_view(req, s.office), "token", token, "qr_src",
                           token ? arena_printf(req->arena, "/p/%s/qr.svg", token) : NULL, "link",
                           link, "applicant_masked", masked, "clerk_name", s.clerk_name,
                           "survey_url", survey_url, "fee_receipt", fee);
  return view ? http_page(res, 200, "staff/receipt", view) : ST_NOMEM;
}

/* ---- actions ------------------------------------------------------------------------------ */

static json_t *lines(const char *text)
{
  json_t *list = json_array();
  const char *p = text ? text : "";
  while (*p) {
    size_t len = strcspn(p, "\r\n");
    struct str line = str_trim((struct str){p, len});
    if (line.len)
      json_array_append_new(list, json_stringn(line.ptr, line.len));
    p += len;
    p += strspn(p, "\r\n");
  }
  return list;
}

static int64_t form_int(struct http_request *req, const char *name, int64_t max)
{
  const char *t = http_form(req, name);
  int64_t v = -1;
  if (!t || str_to_int64(str_trim(str_from(t)), 0, max, &v))
    return -1;
  return v;
}

/* An extension by working days (1 to 90) with its reason. */
static int run_extend(struct http_request *req, const struct case_env *env,
                      const struct case_actor *actor, int64_t id, const char **reason,
                      const char **field)
{
  int64_t days = form_int(req, "days", 90);
  *field = days < 1 ? "days" : "extend_note";
  return cases_extend(env, actor, id, days < 1 ? 0 : days * 480, http_form(req, "note"), reason);
}

/* Where a refusal of action is said unless the action names a field: the "next step" form's
 * note, or for the forms of one button their button, <action>_button with "-" as "_"
 * (approve_correction_button ...: the ids in staff/case.mustache). */
static const char *default_field(struct http_request *req, const char *action)
{
  if (!strcmp(action, "status"))
    return "note";
  return underscored(req, arena_printf(req->arena, "%s_button", action));
}

/* Runs the named action; *field names the form field a refusal is about (the input's id). */
static int run_action(struct http_request *req, const struct case_env *env,
                      const struct case_actor *actor, int64_t id, const char *action,
                      const char **reason, const char **field)
{
  const char *note = http_form(req, "note");
  *field = default_field(req, action);
  if (!strcmp(action, "status"))
    return cases_transition(env, actor, id, http_form(req, "to"), note,
                            http_form(req, "public") != NULL, reason);
  if (!strcmp(action, "correction")) {
    json_t *items = lines(http_form(req, "items"));
    *field = "items";
    int rc = cases_correction(env, actor, id, items, note, reason);
    json_decref(items);
    return rc;
  }
  if (!strcmp(action, "corrected"))
    return cases_correction_done(env, actor, id, note, reason);
  if (!strcmp(action, "approve-correction"))
    return cases_approve_correction(env, actor, id, reason);
  if (!strcmp(action, "reject")) {
    *field = "reject_note";
    return cases_reject(env, actor, id, note, reason);
  }
  if (!strcmp(action, "extend"))
    return run_extend(req, env, actor, id, reason, field);
  if (!strcmp(action, "reassign")) {
    *field = "handler_id";
    return cases_reassign(env, actor, id, form_int(req, "handler_id", INT64_MAX), note, reason);
  }
  if (!strcmp(action, "overdue")) {
    int rc = cases_overdue_notice(env, actor, id, note, http_form(req, "new_date"), reason);
    *field = *reason && !strcmp(*reason, "case_err_overdue_reason") ? "overdue_note" : "new_date";
    return rc;
  }
  if (!strcmp(action, "pickup"))
    return cases_pickup(env, actor, id, reason);
  if (!strcmp(action, "check-unlock"))
    return cases_check_unlock(env, actor, id, reason);
  if (!strcmp(action, "appointment")) {
    *field = "appointment_date";
    struct case_appointment a = {http_form(req, "date"), http_form(req, "time"),
                                 http_form(req, "place"), http_form(req, "officer"),
                                 http_form(req, "map_url")};
    return cases_appointment_set(env, actor, id, &a, reason);
  }
  json_t *items = lines(http_form(req, "items"));
  int rc = case_correction_action(req, env, actor, id, action, items, reason, field);
  json_decref(items);
  return rc;
}

int case_action(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct case_actor actor;
  const char *reason = NULL, *field = NULL;
  int64_t id = case_view_id(req);
  if (!id)
    return ST_NOTFOUND;
  case_actor_of(req, &actor);
  int rc = web_store(req, &store);
  struct case_env env = {store, clock_now()};
  if (!rc)
    rc = run_action(req, &env, &actor, id, http_capture(req, "action"), &reason, &field);
  if ((rc == ST_INVALID || rc == ST_FORBIDDEN) && reason)
    return show(req, res, rc == ST_INVALID ? 400 : 403, field, reason);
  if (rc)
    return rc;
  return http_redirect(res, 303, arena_printf(req->arena, "/staff/cases/%lld", (long long)id));
}
