/*
 * corrections.c - corrections that need a supervisor's approval (domain/case_corrections.c) on
 * the staff pages: the case page's ask / decide / noted forms and their actions, the counts on
 * the staff home, the office setting (every correction needs approval) and the report of second
 * corrections by month (HTML, or JSON with Accept: application/json).
 */
#include <string.h>

#include "base/arena.h"
#include "base/civil.h"
#include "base/clock.h"
#include "domain/accounts.h"
#include "domain/audit.h"
#include "domain/case_staff_read.h"
#include "web/app.h"
#include "web/cases/cases.h"

#include "base/common.h"

enum { REPORT_MONTHS = 12 };

/* Whether the handler may ask for approval now: open, not waiting for the applicant, approval
 * needed (state 1, store.h, is an approval already given; 2 asked) and not already asked. */
static bool may_ask(struct http_request *req, const struct case_staff *s)
{
  int64_t state = s->c.second_correction_approved;
  bool needed = state != 1 && (s->c.correction_count >= 1 || s->correction_approval);
  return s->may_act && s->c.closed_at == 0 && strcmp(s->c.status, "correction") != 0 && needed &&
         state != 2 && (req->session->roles & ROLE_HANDLER) != 0;
}

int case_correction_offers(struct http_request *req, const struct case_staff *s, json_t *offers)
{
  int64_t state = s->c.second_correction_approved; /* 2 asked, 3 refused, 4 issued */
  bool decide = s->may_act && s->c.closed_at == 0 && state == 2 &&
                (req->session->roles & ROLE_SUPERVISOR) != 0;
  json_t *flags =
      json_pack("{s:b, s:b, s:b, s:b, s:b}", "ask_correction", may_ask(req, s), "decide_correction",
                decide, "correction_refused", state == 3, "correction_issued", state == 4,
                "correction_noted", s->may_act && state >= 3);
  int rc = !flags || json_object_update(offers, flags) ? ST_NOMEM : ST_OK;
  json_decref(flags);
  return rc;
}

int case_correction_action(struct http_request *req, const struct case_env *env,
                           const struct case_actor *actor, int64_t id, const char *action,
                           json_t *items, const char **reason, const char **field)
{
  const char *note = http_form(req, "note");
  if (!strcmp(action, "ask-correction")) {
    *field = json_array_size(items) ? "ask_note" : "ask_items";
    return cases_correction_ask(env, actor, id, items, note, reason);
  }
  if (!strcmp(action, "decide-correction")) {
    const char *decision = http_form(req, "decision");
    *field = "decide_note";
    if (!decision || (strcmp(decision, "approve") != 0 && strcmp(decision, "refuse") != 0))
      return ST_INVALID;
    return cases_correction_decide(env, actor, id, !strcmp(decision, "approve"), note, reason);
  }
  if (!strcmp(action, "correction-noted"))
    return cases_correction_noted(env, actor, id, reason);
  return ST_NOTFOUND;
}

/* How many cases a work-list filter holds for this person (the list's own count). */
static int filter_total(struct http_request *req, struct store *store, const char *scope,
                        const char *filter, int64_t *total)
{
  struct case_worklist_query q = {scope, filter, "", 1, 1};
  struct case_worklist w;
  struct case_actor actor;
  struct case_env env = {store, clock_now()};
  case_actor_of(req, &actor);
  int rc = case_worklist_read(&env, &actor, req->arena, &q, &w);
  *total = rc ? 0 : w.total;
  return rc;
}

/* A supervisor's overdue cases: their unit's (the work list's scope for them), the office's
 * when they have no unit; the count and the work list filtered to them. */
static int add_overdue(struct http_request *req, struct store *store, json_t *view)
{
  const char *scope = req->session->unit_id ? "unit" : "office";
  int64_t overdue = 0;
  int rc = filter_total(req, store, scope, "overdue", &overdue);
  if (!rc &&
      json_object_set_new(
          view, "overdue",
          json_pack("{s:I, s:s, s:s}", "count", (json_int_t)overdue, "href",
                    arena_printf(req->arena, "/staff/cases?scope=%s&filter=overdue", scope),
                    "label",
                    http_t(req, *scope == 'u' ? "home_overdue_unit" : "home_overdue_office"))))
    rc = ST_NOMEM;
  return rc;
}

int case_home_counts(struct http_request *req, json_t *view)
{
  struct store *store;
  int64_t awaiting = 0, decided = 0;
  unsigned roles = req->session->roles;
  int rc = web_store(req, &store);
  if (!rc && (roles & ROLE_SUPERVISOR))
    rc = filter_total(req, store, "office", "awaiting", &awaiting);
  if (!rc && (roles & ROLE_SUPERVISOR))
    rc = add_overdue(req, store, view);
  if (!rc && (roles & ROLE_HANDLER))
    rc = filter_total(req, store, "mine", "decided", &decided);
  if (!rc && (json_object_set_new(view, "awaiting_approval", json_integer(awaiting)) ||
              json_object_set_new(view, "decisions_waiting", json_integer(decided)) ||
              json_object_set_new(view, "is_supervisor", json_boolean(roles & ROLE_SUPERVISOR))))
    rc = ST_NOMEM;
  return rc;
}

/* ---- the office setting ---------------------------------------------------------------------- */

static int settings_show(struct http_request *req, struct http_response *res, bool saved)
{
  struct store *store;
  bool on = false;
  int rc = web_store(req, &store);
  if (!rc)
    rc = cases_correction_approval_get(store, req->session->office_id, &on);
  if (rc)
    return rc;
  return http_page(res, 200, "staff/corrections_settings",
                   json_pack("{s:s, s:b, s:b}", "title", http_t(req, "corr_settings_title"),
                             "approval", on, "saved", saved));
}

int corrections_settings(struct http_request *req, struct http_response *res)
{
  return settings_show(req, res, false);
}

int corrections_settings_save(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor who;
  web_actor(req, &who);
  int rc = web_store(req, &store);
  if (!rc)
    rc = cases_correction_approval_set(store, &who, http_form(req, "approval") != NULL);
  return rc ? rc : settings_show(req, res, true);
}

/* ---- second corrections by month --------------------------------------------------------------
 */

/* The first instant of the Taipei month months_back months before now's. */
static time_t month_start(time_t now, int months_back)
{
  struct civil_date d = civil_taipei(now).date;
  int64_t m = (int64_t)d.year * 12 + (d.month - 1) - months_back;
  return civil_taipei_midnight((struct civil_date){(int)(m / 12), (int)(m % 12) + 1, 1});
}

int corrections_report(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct case_month_count months[REPORT_MONTHS];
  size_t n = 0;
  time_t now = clock_now();
  int64_t total = 0;
  int rc = web_store(req, &store);
  if (!rc)
    rc = cases_second_corrections_by_month(store, req->session->office_id,
                                           month_start(now, REPORT_MONTHS - 1),
                                           month_start(now, -1), months, REPORT_MONTHS, &n);
  if (rc)
    return rc;
  json_t *list = json_array();
  for (size_t i = 0; list && i < n; i++) {
    total += months[i].count;
    json_array_append_new(
        list, json_pack("{s:s, s:s, s:I}", "month",
                        arena_printf(req->arena, "%04d-%02d", months[i].year, months[i].month),
                        "month_label", web_month_of(req, months[i].year, months[i].month), "count",
                        (json_int_t)months[i].count));
  }
  return http_page(res, 200, "staff/corrections_report",
                   json_pack("{s:s, s:o, s:I}", "title", http_t(req, "corr_report_title"), "months",
                             list, "total", (json_int_t)total));
}
