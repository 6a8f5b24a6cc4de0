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
#include "web/public/office.h"
#include "web/staff/notices.h"

#include "base/common.h"

static json_t *step_options(struct http_request *req, json_t *c, json_t *steps)
{
  json_t *list = json_array();
  size_t i;
  json_t *s;
  json_array_foreach(steps, i, s)
  {
    const char *code = json_string_value(s);
    if (!strcmp(code, "correction") || !strcmp(code, "rejected"))
      continue; /* they have their own forms */
    json_array_append_new(
        list, json_pack("{s:s, s:s}", "code", code, "label", case_step_label(req, c, code)));
  }
  return list;
}

static bool has_step(json_t *steps, const char *code)
{
  size_t i;
  json_t *s;
  json_array_foreach(steps, i, s) if (!strcmp(json_string_value(s), code)) return true;
  return false;
}

/* What the page offers: flags for the action forms. */
static int add_offers(struct http_request *req, json_t *c)
{
  json_t *steps = json_object_get(c, "next_steps");
  bool may = json_is_true(json_object_get(c, "may_act"));
  bool supervisor = (req->session->roles & ROLE_SUPERVISOR) != 0;
  bool in_correction = json_is_true(json_object_get(c, "in_correction"));
  bool closed = json_integer_value(json_object_get(c, "closed_at")) != 0;
  struct case_actor actor;
  case_actor_of(req, &actor);
  bool dates = may && !closed && cases_may_manage_dates(&actor);
  json_t *offers = json_pack(
      "{s:o, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b}", "steps", step_options(req, c, steps),
      "correction", may && has_step(steps, "correction"), "corrected", may && in_correction,
      "reject", may && has_step(steps, "rejected"), "approve",
      may && supervisor && !in_correction &&
          json_integer_value(json_object_get(c, "correction_count")) > 0,
      "extend", dates, "reassign", supervisor && !closed, "overdue", dates, "appointment", dates,
      "pickup",
      !strcmp(web_str(c, "status"), "closed") &&
          !json_integer_value(json_object_get(c, "picked_up_at")));
  if (offers &&
      json_object_set_new(offers, "has_steps",
                          json_boolean(json_array_size(json_object_get(offers, "steps")))))
    return ST_NOMEM;
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

/* The case for staff (case_staff_read) with its display fields and the online application's
 * answers and files; s->record is the view (owned by the caller). */
static int load_case(struct http_request *req, struct store **store, struct case_staff *s)
{
  struct case_actor actor;
  int64_t id = case_view_id(req);
  if (!id)
    return ST_NOTFOUND;
  case_actor_of(req, &actor);
  int rc = web_store(req, store);
  struct case_env env = {*store, clock_now()};
  if (!rc)
    rc = case_staff_read(&env, &actor, req->arena, id, s);
  if (rc)
    return rc;
  struct case_place place = {s->office, s->unit, s->service, s->handler_name, s->word_zh};
  rc = case_view_place(req, s->record, &place);
  if (!rc)
    rc = apply_case_decorate(req, *store, s->record);
  if (rc) {
    json_decref(s->record);
    s->record = NULL;
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
  json_t *lock =
      json_pack("{s:I, s:b, s:b}", "failures", (json_int_t)s->check_failures, "locked", locked,
                "may_lift", locked && json_is_true(json_object_get(c, "may_act")));
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

static int show(struct http_request *req, struct http_response *res, int status, const char *field,
                const char *reason)
{
  struct store *store;
  struct case_staff s;
  json_t *messages = NULL;
  int rc = load_case(req, &store, &s);
  if (rc == ST_FORBIDDEN && reason)
    return http_error(res, status, reason); /* refused, and the case is not theirs to see */
  if (rc)
    return rc;
  json_t *c = s.record;
  rc = add_offers(req, c);
  if (!rc)
    rc = case_correction_offers(req, store, c, json_object_get(c, "offers"));
  if (!rc)
    rc = add_check_lock(&s, c);
  if (!rc)
    rc = add_clock(req, &s, c);
  if (!rc)
    rc = outcome_staff_view(req, &s, c);
  if (!rc)
    rc = payments_staff_view(req, &s.fee, c); /* the fee due and payments */
  if (!rc)
    rc = notices_case_messages(req, store, case_view_id(req), &messages);
  if (rc) {
    json_decref(c);
    return rc;
  }
  json_t *view = json_pack("{s:s, s:o, s:o, s:s, s:b, s:o}", "title",
                           json_string_value(json_object_get(c, "number")), "case", c, "handlers",
                           handlers_view(&s), "today", "", "has_messages",
                           json_array_size(messages) > 0, "messages", messages);
  if (reason)
    web_form_error(req, view, field, reason);
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

/* The receipt's progress token: derived from the case when it can be, else the random one
 * passed right after intake (?t=), else NULL. */
static int receipt_token(struct http_request *req, struct store *store, json_t *c,
                         const char **token)
{
  char derived[CASE_TOKEN_SIZE];
  int rc = case_receipt_link(store, c, derived);
  if (rc && rc != ST_NOTFOUND)
    return rc;
  *token = rc ? NULL : arena_strdup(req->arena, derived);
  const char *typed = http_query(req, "t"); /* a random token, known only right after intake */
  if (!*token && typed && strlen(typed) == CASE_TOKEN_SIZE - 1)
    *token = typed;
  return ST_OK;
}

/* The printed receipt: the office (name, address, phone, web address), the case, and the QR
 * code of its link /p/<token> (also on a reprint, when the token is derivable), the fee
 * receipt when the fee was computed at intake, the survey link when one is open. */
int case_receipt(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct case_staff s;
  const char *token = NULL, *survey = "";
  int rc = load_case(req, &store, &s);
  if (rc)
    return rc;
  json_t *c = s.record;
  rc = receipt_token(req, store, c, &token);
  if (!rc && token)
    rc = survey_case_link(store, req->arena, s.office->id, token, clock_now(), &survey);
  if (rc) {
    json_decref(c);
    return rc;
  }
  char masked[128] = "";
  personal_mask_name(web_str(json_object_get(c, "applicant"), "name"), masked, sizeof(masked));
  const char *link =
      token ? arena_printf(req->arena, "%s/p/%s", web_origin(req), token)
            : arena_printf(req->arena, "%s/o/%s/progress", web_origin(req), s.office->slug);
  json_t *fee = receipt_fee_view(req, c); /* 計費收據, when computed at intake */
  json_t *view = json_pack(
      "{s:s, s:o, s:o, s:s?, s:s?, s:s, s:s, s:s, s:s?, s:o?}", "title",
      http_t(req, "receipt_title"), "case", c, "office", office_dir_view(req, s.office), "token",
      token, "qr_src", token ? arena_printf(req->arena, "/p/%s/qr.svg", token) : NULL, "link", link,
      "applicant_masked", masked, "clerk_name", s.clerk_name, "survey_url",
      *survey ? arena_printf(req->arena, "%s%s", web_origin(req), survey) : NULL, "fee_receipt",
      fee);
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

/* Runs the named action; *field names the form field a refusal is about. */
static int run_action(struct http_request *req, const struct case_env *env,
                      const struct case_actor *actor, int64_t id, const char *action,
                      const char **reason, const char **field)
{
  const char *note = http_form(req, "note");
  *field = "note";
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
  if (!strcmp(action, "reject"))
    return cases_reject(env, actor, id, note, reason);
  if (!strcmp(action, "extend")) {
    int64_t days = form_int(req, "days", 90);
    *field = days < 1 ? "days" : "note";
    return cases_extend(env, actor, id, days < 1 ? 0 : days * 480, note, reason);
  }
  if (!strcmp(action, "reassign")) {
    *field = "handler_id";
    return cases_reassign(env, actor, id, form_int(req, "handler_id", INT64_MAX), note, reason);
  }
  if (!strcmp(action, "overdue")) {
    *field = "new_date";
    return cases_overdue_notice(env, actor, id, note, http_form(req, "new_date"), reason);
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
