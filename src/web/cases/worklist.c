/*
 * worklist.c - the work lists: mine (with the cases of anyone I stand in for), my unit's
 * (supervisors) or the office's, soonest deadline first, with due-soon, overdue, correction and
 * closed filters and a search by case number or applicant name, 50 cases a page with the count
 * of all; or the cases behind a figure of the indicators dashboard (?kpi=figure and the
 * dashboard's filter: domain/kpi.h kpi_case_list_read). A search by name is a view of personal data
 * and goes to the audit trail. Also delegation (代理).
 */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "domain/accounts.h"
#include "domain/case_staff_read.h"
#include "domain/kpi.h"
#include "render/format.h"
#include "web/app.h"
#include "web/cases/case_view.h"
#include "web/cases/cases.h"
#include "web/staff/kpi_services.h"

#include "base/common.h"

/* Rows per page; the pages follow the list's order (soonest deadline first, then case id), so
 * a case is on exactly one page while nothing changes. */
enum { WORKLIST_PAGE = 50 };

static const char *default_scope(unsigned roles)
{
  if (roles & ROLE_HANDLER)
    return "mine";
  return (roles & ROLE_SUPERVISOR) ? "unit" : "office";
}

/* Least privilege, as for reading one case (domain/case_views.c): counter clerks and
 * supervisors see the office's list; a handler sees their own cases and their unit's. */
static bool scope_permitted(const struct http_request *req, const char *scope)
{
  if (req->session->roles & (ROLE_CLERK | ROLE_SUPERVISOR))
    return true;
  if (!strcmp(scope, "office"))
    return false;
  return strcmp(scope, "unit") != 0 || req->session->unit_id != 0;
}

/* "awaiting" (my approval) is for supervisors and finds the requests of their unit by its own
 * condition (so over the office); "decided" (decisions waiting for me) lists my cases. */
static bool filter_permitted(const struct http_request *req, const char *filter, const char **scope)
{
  if (!strcmp(filter, "awaiting"))
    *scope = "office";
  if (!strcmp(filter, "decided"))
    *scope = "mine";
  return strcmp(filter, "awaiting") != 0 || (req->session->roles & ROLE_SUPERVISOR) != 0;
}

static bool allowed(const char *v, const char *const *set, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!strcmp(v, set[i]))
      return true;
  return false;
}

static json_t *row_view(struct http_request *req, const struct case_worklist_row *r)
{
  char due[64] = "", *state = arena_printf(req->arena, "due_%s", r->due_state);
  const char *status = case_status_name(req, r->status_zh, r->status_en, r->status);
  if (r->due_at)
    format_datetime((time_t)r->due_at, req->lang, due, sizeof(due));
  const char *tag = !strcmp(r->channel, "online") ? http_t(req, "case_online_tag")
                    : !strcmp(r->channel, "api")  ? http_t(req, "case_api_tag")
                                                  : "";
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "href",
                   arena_printf(req->arena, "/staff/cases/%lld", (long long)r->id), "key",
                   r->case_key, "status", status, "due", due, "due_state", http_t(req, state),
                   "applicant", r->applicant_name_masked, "handler", r->handler_name, "overdue",
                   !strcmp(r->due_state, "overdue"), "channel_tag", tag);
}

/* ?page=N: 1 when missing, not a whole number or below 1 (the caller clamps it to the last). */
static int64_t page_param(struct http_request *req)
{
  const char *p = http_query(req, "page");
  int64_t page = 1;
  if (!p || str_to_int64(str_from(p), 1, INT64_MAX / WORKLIST_PAGE, &page) != ST_OK)
    return 1;
  return page;
}

/* s percent-encoded for a query string (everything but unreserved characters). */
static const char *url_escape(struct arena *arena, const char *s)
{
  static const char hex[] = "0123456789ABCDEF";
  char *out = arena_alloc(arena, strlen(s) * 3 + 1), *o = out;
  if (!out)
    return "";
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '.' || c == '_' || c == '~';
    if (plain) {
      *o++ = (char)c;
      continue;
    }
    *o++ = '%';
    *o++ = hex[c >> 4];
    *o++ = hex[c & 15];
  }
  *o = '\0';
  return out;
}

/* The link to another page of the same list, or "" when there is none. */
static const char *page_href(struct http_request *req, const json_t *filter, int64_t page,
                             int64_t pages)
{
  if (page < 1 || page > pages)
    return "";
  const char *kpi = web_str((json_t *)filter, "kpi_query");
  if (kpi[0])
    return arena_printf(req->arena, "/staff/cases?%s&page=%lld", kpi, (long long)page);
  return arena_printf(req->arena, "/staff/cases?scope=%s&filter=%s&q=%s&page=%lld",
                      web_str((json_t *)filter, "scope"), web_str((json_t *)filter, "filter"),
                      url_escape(req->arena, web_str((json_t *)filter, "q")), (long long)page);
}

/* The scope and filter choices with the list's own marked, so that the form shows the list
 * it heads and pressing "Show" again (after typing a search) keeps them. */
static json_t *choices(struct http_request *req, const char *const (*opts)[2], size_t n,
                       const char *chosen)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < n; i++)
    json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "value", opts[i][0], "label",
                                          http_t(req, opts[i][1]), "selected",
                                          strcmp(opts[i][0], chosen) == 0));
  return list;
}

static int add_choices(struct http_request *req, json_t *filter)
{
  static const char *const scopes[][2] = {
      {"mine", "worklist_mine"}, {"unit", "worklist_unit"}, {"office", "worklist_office"}};
  static const char *const filters[][2] = {
      {"", "worklist_open"},          {"due_soon", "due_due_soon"},
      {"overdue", "due_overdue"},     {"correction", "status_correction"},
      {"closed", "worklist_closed"},  {"awaiting", "worklist_awaiting"},
      {"decided", "worklist_decided"}};
  json_t *scope = choices(req, scopes, ARRAY_LEN(scopes), web_str(filter, "scope"));
  bool unit = json_is_true(json_object_get(filter, "may_unit"));
  bool office = json_is_true(json_object_get(filter, "may_office"));
  /* only the scopes this person may open (the route's checks refuse the others) */
  if (scope && !office)
    json_array_remove(scope, 2);
  if (scope && !unit)
    json_array_remove(scope, 1);
  json_t *shown = choices(req, filters, ARRAY_LEN(filters), web_str(filter, "filter"));
  if (shown && !(req->session->roles & ROLE_SUPERVISOR))
    json_array_remove(shown, 5); /* "awaiting my approval" answers 403 to anyone else */
  int failed = json_object_set_new(filter, "scope_options", scope); /* takes it, also on error */
  failed |= json_object_set_new(filter, "filter_options", shown);
  return failed ? ST_NOMEM : ST_OK;
}

static int worklist_view(struct http_request *req, struct http_response *res,
                         const struct case_worklist *w, json_t *filter)
{
  if (!filter || add_choices(req, filter)) {
    json_decref(filter);
    return ST_NOMEM;
  }
  int64_t pages = w->total > 0 ? (w->total + WORKLIST_PAGE - 1) / WORKLIST_PAGE : 1;
  json_t *list = json_array();
  for (size_t i = 0; list && i < w->row_count; i++)
    json_array_append_new(list, row_view(req, &w->rows[i]));
  const char *prev = page_href(req, filter, w->page - 1, pages);
  const char *next = page_href(req, filter, w->page + 1, pages);
  return http_page(res, 200, "staff/worklist",
                   json_pack("{s:s, s:o, s:o, s:I, s:I, s:I, s:I, s:s, s:s, s:b, s:b}", "title",
                             http_t(req, "worklist_title"), "rows", list, "filter", filter, "count",
                             (json_int_t)json_array_size(list), "total", (json_int_t)w->total,
                             "page", (json_int_t)w->page, "pages", (json_int_t)pages, "prev", prev,
                             "next", next, "paged", pages > 1, "may_intake",
                             http_may(req, "GET", "/staff/intake")));
}

/* The cases behind a figure of the indicators (?kpi=received|...&year=&month=&unit=&service=
 * &channel=): the office's, so for those who may see the office's list. */
static int kpi_worklist(struct http_request *req, struct http_response *res, const char *figure)
{
  struct kpi_case_query q = {.figure = figure, .page = page_param(req), .page_size = WORKLIST_PAGE};
  if (!kpi_case_figure_valid(figure) || kpi_filter_from_query(req, &q.filter))
    return http_error(res, 400, "kpi_err_filter");
  if (!scope_permitted(req, "office"))
    return http_error(res, 403, NULL);
  struct case_worklist w;
  struct case_actor actor;
  struct store *store;
  case_actor_of(req, &actor);
  int rc = web_store(req, &store);
  struct case_env env = {store, clock_now()};
  if (!rc)
    rc = kpi_case_list_read(&env, &actor, req->arena, &q, &w);
  if (rc == ST_INVALID)
    return http_error(res, 400, "kpi_err_filter");
  if (rc)
    return rc;
  const struct kpi_filter *f = &q.filter;
  const char *dashboard =
      arena_printf(req->arena, "year=%d&month=%d&unit=%lld&service=%lld&channel=%s", f->roc_year,
                   f->month, (long long)f->unit_id, (long long)f->service_id, f->channel);
  const char *label_key = arena_printf(req->arena, "kpi_figure_%s", figure);
  return worklist_view(
      req, res, &w,
      json_pack("{s:s, s:s, s:s, s:b, s:b, s:s, s:s, s:s}", "scope", "office", "filter", "", "q",
                "", "may_unit", scope_permitted(req, "unit"), "may_office", true, "kpi_label",
                label_key ? http_t(req, label_key) : "", "kpi_back", dashboard ? dashboard : "",
                "kpi_query",
                dashboard ? arena_printf(req->arena, "kpi=%s&%s", figure, dashboard) : ""));
}

int worklist(struct http_request *req, struct http_response *res)
{
  const char *kpi = http_query(req, "kpi");
  if (kpi && *kpi)
    return kpi_worklist(req, res, kpi);
  static const char *const scopes[] = {"mine", "unit", "office"};
  static const char *const filters[] = {"",       "due_soon", "overdue", "correction",
                                        "closed", "awaiting", "decided"};
  const char *scope = http_query(req, "scope"), *filter = http_query(req, "filter");
  scope = scope && *scope ? scope : default_scope(req->session->roles);
  filter = filter ? filter : "";
  if (!allowed(scope, scopes, 3) || !allowed(filter, filters, ARRAY_LEN(filters)))
    return http_error(res, 400, NULL);
  if (!scope_permitted(req, scope) || !filter_permitted(req, filter, &scope))
    return http_error(res, 403, NULL);
  const char *q = http_query(req, "q");
  struct case_worklist_query query = {scope, filter, q ? q : "", page_param(req), WORKLIST_PAGE};
  struct case_worklist w;
  struct case_actor actor;
  struct store *store;
  case_actor_of(req, &actor);
  int rc = web_store(req, &store);
  struct case_env env = {store, clock_now()};
  if (!rc)
    rc = case_worklist_read(&env, &actor, req->arena, &query, &w);
  if (rc == ST_INVALID)
    return http_error(res, 400, NULL);
  if (rc)
    return rc;
  return worklist_view(req, res, &w,
                       json_pack("{s:s, s:s, s:s, s:b, s:b}", "scope", scope, "filter", filter, "q",
                                 q ? q : "", "may_unit", scope_permitted(req, "unit"), "may_office",
                                 scope_permitted(req, "office")));
}

/* The office's handlers; chosen (0: none) is marked "selected" for a form shown again. */
static json_t *handlers_view(const struct case_handler *h, size_t n, int64_t chosen)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < n; i++)
    json_array_append_new(list,
                          json_pack("{s:I, s:s, s:b}", "id", (json_int_t)h[i].id, "display_name",
                                    h[i].name, "selected", h[i].id == chosen));
  return list;
}

/* The delegations, their days also in the page's language (starts_text, ends_text). */
static json_t *delegations_view(struct http_request *req, const struct case_delegations *d)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < d->delegation_count; i++) {
    const struct case_delegation *e = &d->delegations[i];
    json_array_append_new(
        list,
        json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)e->id,
                  "user_id", (json_int_t)e->user_id, "delegate_id", (json_int_t)e->delegate_id,
                  "starts_on", e->starts_on, "ends_on", e->ends_on, "starts_text",
                  web_date(req, e->starts_on), "ends_text", web_date(req, e->ends_on), "reason",
                  e->reason, "user_name", e->user_name, "delegate_name", e->delegate_name));
  }
  return list;
}

/* What a refused form keeps: the chosen handlers, the days and the reason as typed. */
struct delegation_form {
  int64_t user, delegate;
  const char *starts_on, *ends_on, *note;
};

/* The page; with reason (a translation key), the form again with it at field. */
static int delegations_show(struct http_request *req, struct http_response *res, int status,
                            const struct delegation_form *f, const char *field, const char *reason)
{
  struct store *store;
  struct case_delegations d;
  char today[11];
  cases_local_date(clock_now(), today);
  int rc = web_store(req, &store);
  if (!rc)
    rc = case_delegations_read(store, req->arena, req->session->office_id, today, &d);
  if (rc)
    return rc;
  struct delegation_form shown = {0, 0, today, today, ""}; /* a new form: today to today */
  if (f)
    shown = (struct delegation_form){f->user, f->delegate, f->starts_on ? f->starts_on : "",
                                     f->ends_on ? f->ends_on : "", f->note ? f->note : ""};
  json_t *view =
      json_pack("{s:s, s:o, s:o, s:o, s:o, s:s, s:{s:s, s:s, s:s}}", "title",
                http_t(req, "delegations_title"), "delegations", delegations_view(req, &d),
                "handlers", handlers_view(d.handlers, d.handler_count, 0), "away_options",
                handlers_view(d.handlers, d.handler_count, shown.user), "delegate_options",
                handlers_view(d.handlers, d.handler_count, shown.delegate), "today", today, "form",
                "starts_on", shown.starts_on, "ends_on", shown.ends_on, "note", shown.note);
  if (view && reason)
    rc = web_form_error(req, view, field ? field : "user_id", reason);
  if (!view || rc) {
    json_decref(view);
    return ST_NOMEM;
  }
  return http_page(res, status, "staff/delegations", view);
}

int delegations_page(struct http_request *req, struct http_response *res)
{
  return delegations_show(req, res, 200, NULL, NULL, NULL);
}

int delegation_add(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct case_actor actor;
  const char *reason = NULL, *field = NULL;
  struct delegation_form f = {0, 0, http_form(req, "starts_on"), http_form(req, "ends_on"),
                              http_form(req, "note")};
  const char *u = http_form(req, "user_id"), *d = http_form(req, "delegate_id");
  if (u)
    str_to_int64(str_from(u), 1, INT64_MAX, &f.user);
  if (d)
    str_to_int64(str_from(d), 1, INT64_MAX, &f.delegate);
  case_actor_of(req, &actor);
  int rc = web_store(req, &store);
  struct case_env env = {store, clock_now()};
  if (!rc)
    rc = cases_delegate(&env, &actor, f.user, f.delegate, f.starts_on, f.ends_on, f.note, &reason,
                        &field);
  if (rc == ST_FORBIDDEN && reason)
    return http_error(res, 403, reason);
  if (rc == ST_INVALID && reason)
    return delegations_show(req, res, 400, &f, field, reason);
  return rc ? rc : http_redirect(res, 303, "/staff/delegations?saved=1");
}

/* "I am at counter N" / "I am away": the round robin of intake only assigns present handlers. */
int presence_set(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const char *present = http_form(req, "present"), *counter = http_form(req, "counter");
  if (!present || (strcmp(present, "1") && strcmp(present, "0")) ||
      (counter && (strlen(counter) > 16 || !str_valid_text(str_from(counter), false))))
    return http_error(res, 400, NULL);
  int rc = web_store(req, &store);
  if (!rc)
    rc = cases_presence_set(store, req->session->user_id, !strcmp(present, "1"), counter);
  return rc ? rc : http_redirect(res, 303, "/staff/?presence=1");
}
