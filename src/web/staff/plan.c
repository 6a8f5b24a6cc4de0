/*
 * plan.c - plan control pages (domain/plan.h): /staff/plan (the years), /staff/plan/{year}
 * (items, focal points, progress, import and export), /staff/plan/{year}/meeting (late first),
 * and the forms that import a plan and enter progress. One domain call per page or write.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/civil.h"
#include "base/clock.h"
#include "base/str.h"
#include "domain/accounts.h"
#include "domain/apply.h"
#include "domain/apply_docs.h"
#include "domain/audit.h"
#include "domain/plan.h"
#include "web/app.h"
#include "web/public/apply.h"
#include "web/public/catalog.h"
#include "web/staff/staff.h"

#include "base/common.h"

static int year_of(struct http_request *req, int *year)
{
  int64_t y = 0;
  const char *text = http_capture(req, "year");
  if (!text || str_to_int64(str_from(text), PLAN_YEAR_MIN, PLAN_YEAR_MAX, &y))
    return ST_NOTFOUND;
  *year = (int)y;
  return ST_OK;
}

static bool en(const struct http_request *req)
{
  return strcmp(req->lang, "en") == 0;
}

static const char *unit_label(struct http_request *req, const char *zh, const char *name_en)
{
  if (!zh[0])
    return http_t(req, "plan_every_unit");
  return en(req) && name_en[0] ? name_en : zh;
}

static bool may_enter(const struct http_request *req, const struct plan_point *p)
{
  const struct http_session *s = req->session;
  if (s->roles & ROLE_ADMIN)
    return true;
  return (s->roles & ROLE_SUPERVISOR) && s->unit_id && (!p->unit_id || p->unit_id == s->unit_id);
}

static const char *status_label(struct http_request *req, enum kpi_status s)
{
  char *key = arena_printf(req->arena, "kpi_status_%s", kpi_status_name(s));
  return key ? http_t(req, key) : "";
}

/* Who is asking, as the domain's rights read it. */
static void author_of(struct http_request *req, struct audit_actor *actor, struct plan_author *a)
{
  web_actor(req, actor);
  *a = (struct plan_author){actor, req->session->roles, req->session->unit_id};
}

/* An entry's month (YYYYMM) as the page's language writes one. */
static const char *month_text(struct http_request *req, int64_t month)
{
  return web_month_of(req, (int)(month / 100), (int)(month % 100));
}

/* An entry's evidence files with their download links (and removal, where allowed). */
static json_t *evidence_view(struct http_request *req, const struct plan_author *a,
                             const struct plan_entry *e)
{
  const char *year = http_capture(req, "year");
  json_t *list = json_array();
  for (size_t i = 0; list && i < e->evidence_count; i++) {
    const struct plan_evidence *f = &e->evidence[i];
    const char *href =
        arena_printf(req->arena, "/staff/plan/%s/evidence/%lld", year, (long long)f->id);
    json_array_append_new(
        list, json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:s}", "id", (json_int_t)f->id, "name",
                        f->name, "size", apply_size_text(req, f->size), "author", f->author, "href",
                        href, "may_remove", plan_evidence_may_remove(a, e, f), "remove_action",
                        arena_printf(req->arena, "%s/remove", href)));
  }
  return list;
}

static json_t *entries_view(struct http_request *req, const struct plan_point *p)
{
  struct audit_actor actor;
  struct plan_author a;
  author_of(req, &actor, &a);
  json_t *list = json_array();
  for (size_t i = 0; list && i < p->entry_count; i++) {
    const struct plan_entry *e = &p->entries[i];
    json_array_append_new(
        list,
        json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:o, s:b, s:b}", "id", (json_int_t)e->id, "month",
                  month_text(req, e->month), "unit", unit_label(req, e->unit_zh, e->unit_en),
                  "percent", (json_int_t)e->percent, "body", e->body, "author", e->author,
                  "evidence", evidence_view(req, &a, e), "has_evidence", e->evidence_count > 0,
                  "may_attach", plan_evidence_may_attach(&a, e)));
  }
  return list;
}

/* Whether the signed-in person may attach evidence to some entry of the point. */
static bool may_attach_any(struct http_request *req, const struct plan_point *p)
{
  struct audit_actor actor;
  struct plan_author a;
  author_of(req, &actor, &a);
  for (size_t i = 0; i < p->entry_count; i++)
    if (plan_evidence_may_attach(&a, &p->entries[i]))
      return true;
  return false;
}

static const char *figure_text(struct http_request *req, const struct plan_point *p, int64_t milli)
{
  if (!p->kpi_name[0] || milli < 0)
    return "-";
  return plan_amount_text(req->arena, milli, plan_indicator_is_rate(p->kpi_name) ? "%" : "");
}

static const char *indicator_label(struct http_request *req, const struct plan_point *p)
{
  char *key = p->kpi_name[0] ? arena_printf(req->arena, "plan_kpi_%s", p->kpi_name) : NULL;
  return key ? http_t(req, key) : p->indicator;
}

static size_t evidence_count(const struct plan_point *p)
{
  size_t n = 0;
  for (size_t i = 0; i < p->entry_count; i++)
    n += p->entries[i].evidence_count;
  return n;
}

static json_t *point_view(struct http_request *req, const struct plan_point *p)
{
  const char *target = plan_amount_text(req->arena, p->target_milli, p->target_unit);
  json_t *v = json_pack(
      "{s:I, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s}", "id",
      (json_int_t)p->id, "item_no", p->item_no, "item", p->item, "point", p->point, "unit",
      unit_label(req, p->unit_zh, p->unit_en), "deadline", p->deadline, "deadline_text",
      catalog_date(req, p->deadline), "indicator", indicator_label(req, p), "target",
      target && target[0] ? target : "-", "linked", p->kpi_name[0] != '\0', "figure",
      figure_text(req, p, p->figure_milli), "previous", figure_text(req, p, p->previous_milli),
      "status", kpi_status_name(p->status), "status_label", status_label(req, p->status));
  /* a point with neither an indicator nor a target says so, not "· target -" */
  bool has_indicator = p->kpi_name[0] || p->indicator[0] || (target && target[0]);
  if (v) {
    json_object_set_new(v, "has_indicator", json_boolean(has_indicator));
    json_object_update_new(
        v, json_pack("{s:i, s:s, s:b, s:b, s:b, s:b, s:o, s:b, s:b, s:b, s:I}", "percent",
                     p->percent, "outcome", p->outcome, "done", p->done, "late", p->late,
                     "past_deadline", p->past_deadline, "missing_this_month", p->missing_this_month,
                     "entries", entries_view(req, p), "may_enter", may_enter(req, p), "has_entries",
                     p->entry_count > 0, "may_attach", may_attach_any(req, p), "evidence_count",
                     (json_int_t)evidence_count(p)));
  }
  return v;
}

/* The focal points grouped under their items (in plan order). */
static json_t *items_view(struct http_request *req, const struct plan_year *y)
{
  json_t *items = json_array(), *item = NULL;
  int current = 0;
  for (size_t i = 0; items && i < y->count; i++) {
    const struct plan_point *p = &y->points[i];
    if (!item || p->item_no != current) {
      item = json_pack("{s:i, s:s, s:[]}", "no", p->item_no, "title", p->item, "points");
      json_array_append_new(items, item);
      current = p->item_no;
    }
    if (item)
      json_array_append_new(json_object_get(item, "points"), point_view(req, p));
  }
  return items;
}

static json_t *points_view(struct http_request *req, const struct plan_year *y)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < y->count; i++)
    json_array_append_new(list, point_view(req, &y->points[i]));
  return list;
}

static int read_year(struct http_request *req, int year, bool meeting, struct plan_year *out)
{
  struct store *store;
  int rc = web_primary(req, &store); /* linked indicators count the log first: a write */
  return rc ? rc
            : plan_year_read(store, req->arena, clock_now(), req->session->office_id, year, meeting,
                             out);
}

static json_t *year_view(struct http_request *req, const struct plan_year *y)
{
  bool admin = (req->session->roles & ROLE_ADMIN) != 0;
  return json_pack("{s:s, s:i, s:b, s:b, s:o, s:s, s:s, s:s, s:s, s:i}", "title",
                   arena_printf(req->arena, "%s%d%s", http_t(req, "plan_year_title"), y->roc_year,
                                http_t(req, "plan_year_title_after")),
                   "year", y->roc_year, "exists", y->exists, "may_import", admin, "items",
                   items_view(req, y), "import_action",
                   arena_printf(req->arena, "/staff/plan/%d/import", y->roc_year), "export_href",
                   arena_printf(req->arena, "/staff/plan/%d/plan.csv", y->roc_year), "meeting_href",
                   arena_printf(req->arena, "/staff/plan/%d/meeting", y->roc_year), "report_href",
                   arena_printf(req->arena, "/staff/plan/%d/report", y->roc_year), "reminder_day",
                   y->reminder_day);
}

/* The point whose id follows prefix in field ("evidence-12"), or NULL. */
static json_t *point_of_field(json_t *view, const char *field, const char *prefix)
{
  int64_t id = 0;
  size_t n = strlen(prefix);
  json_t *item, *point;
  size_t i, k;
  if (strncmp(field, prefix, n) != 0 || str_to_int64(str_from(field + n), 1, INT64_MAX, &id))
    return NULL;
  json_array_foreach(json_object_get(view, "items"), i, item)
  {
    json_array_foreach(json_object_get(item, "points"), k, point)
    {
      if (json_integer_value(json_object_get(point, "id")) == id)
        return point;
    }
  }
  return NULL;
}

/* A refused form's message also beside its input, on the point whose id the field names: an
 * evidence file ("evidence-<id>"), or a progress entry ("percent-<id>", "body-<id>"), whose
 * form then shows again what was typed. */
static void point_error(struct http_request *req, json_t *view, const char *field,
                        const char *error)
{
  json_t *point = point_of_field(view, field, "evidence-");
  if (point) {
    json_object_set_new(point, "evidence_error", json_string(error));
    return;
  }
  bool percent = (point = point_of_field(view, field, "percent-")) != NULL;
  if (!point && !(point = point_of_field(view, field, "body-")))
    return;
  const char *typed_percent = http_form(req, "percent"), *typed_body = http_form(req, "body");
  json_object_set_new(point, percent ? "percent_error" : "body_error", json_string(error));
  json_object_set_new(point, "typed", json_true());
  json_object_set_new(point, "typed_percent", json_string(typed_percent ? typed_percent : ""));
  json_object_set_new(point, "typed_body", json_string(typed_body ? typed_body : ""));
}

static int year_page(struct http_request *req, struct http_response *res, int status,
                     const char *field, const char *error)
{
  int year = 0;
  struct plan_year y;
  int rc = year_of(req, &year);
  if (!rc)
    rc = read_year(req, year, false, &y);
  if (rc)
    return rc;
  json_t *view = year_view(req, &y);
  if (view && error) {
    web_form_error_text(view, field, error);
    point_error(req, view, field, error);
  }
  return view ? http_page(res, status, "staff/plan", view) : ST_NOMEM;
}

int plan_page(struct http_request *req, struct http_response *res)
{
  return year_page(req, res, 200, NULL, NULL);
}

int plan_meeting(struct http_request *req, struct http_response *res)
{
  int year = 0;
  struct plan_year y;
  int rc = year_of(req, &year);
  if (!rc)
    rc = read_year(req, year, true, &y);
  if (rc)
    return rc;
  size_t late = 0;
  for (size_t i = 0; i < y.count; i++)
    late += y.points[i].late;
  json_t *view =
      json_pack("{s:s, s:i, s:I, s:o, s:s}", "title",
                arena_printf(req->arena, "%s%d%s", http_t(req, "plan_meeting_title"), y.roc_year,
                             http_t(req, "plan_meeting_title_after")),
                "year", y.roc_year, "late_count", (json_int_t)late, "points", points_view(req, &y),
                "plan_href", arena_printf(req->arena, "/staff/plan/%d", y.roc_year));
  return view ? http_page(res, 200, "staff/plan_meeting", view) : ST_NOMEM;
}

static int list_read(struct http_request *req, struct http_response *res, struct store *store)
{
  int64_t *years = NULL;
  size_t n = 0;
  int rc = plan_years_read(store, req->arena, req->session->office_id, &years, &n);
  if (rc)
    return rc;
  int current = civil_taipei(clock_now()).date.year - CIVIL_ROC_OFFSET;
  json_t *list = json_array();
  bool has_current = false;
  for (size_t i = 0; list && i < n; i++) {
    has_current = has_current || years[i] == current;
    json_array_append_new(list, json_pack("{s:I}", "year", (json_int_t)years[i]));
  }
  json_t *view = json_pack("{s:s, s:o, s:i, s:b}", "title", http_t(req, "plan_title"), "years",
                           list, "current", current, "has_current", has_current);
  return view ? http_page(res, 200, "staff/plan_list", view) : ST_NOMEM;
}

int plan_list(struct http_request *req, struct http_response *res)
{
  return web_read(req, res, list_read);
}

int plan_export(struct http_request *req, struct http_response *res)
{
  int year = 0;
  struct plan_year y;
  const char *csv = NULL;
  size_t len = 0;
  int rc = year_of(req, &year);
  if (!rc)
    rc = read_year(req, year, false, &y);
  if (!rc)
    rc = plan_export_csv(req->arena, &y, &csv, &len);
  if (!rc)
    rc = http_header_add(res, "Content-Disposition",
                         arena_printf(req->arena, "attachment; filename=\"plan-%d.csv\"", year));
  return rc ? rc : http_raw(res, 200, "text/csv; charset=utf-8", csv, len);
}

static const char *import_problem(struct http_request *req, const struct plan_import_error *e)
{
  const char *reason = http_t(req, e->reason);
  if (!e->row)
    return reason;
  return arena_printf(req->arena, "%s%zu%s%s", http_t(req, "plan_err_row"), e->row,
                      http_t(req, "plan_err_row_after"), reason);
}

int plan_import_post(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  struct plan_import_error err = {0, "plan_err_file"};
  int year = 0;
  const struct http_part *file = http_part(req, "file");
  int rc = year_of(req, &year);
  if (!rc)
    rc = web_store(req, &store);
  if (rc)
    return rc;
  if (!file || !file->len)
    return year_page(req, res, 400, "file", http_t(req, "plan_err_missing"));
  web_actor(req, &actor);
  rc = plan_import(store, req->arena, &actor, req->session->office_id, year, file->data, file->len,
                   clock_now(), &err);
  if (rc == ST_INVALID || rc == ST_CONFLICT)
    return year_page(req, res, 400, "file", import_problem(req, &err));
  return rc ? rc
            : http_redirect(res, 303, arena_printf(req->arena, "/staff/plan/%d?imported=1", year));
}

int plan_progress_post(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  int year = 0;
  int64_t point = 0, percent = -1;
  const char *id = http_capture(req, "id"), *pct = http_form(req, "percent");
  int rc = year_of(req, &year);
  if (!rc && (!id || str_to_int64(str_from(id), 1, INT64_MAX, &point)))
    rc = ST_NOTFOUND;
  if (!rc)
    rc = web_store(req, &store);
  if (rc)
    return rc;
  if (pct)
    str_to_int64(str_trim(str_from(pct)), 0, 100, &percent);
  web_actor(req, &actor);
  struct plan_author author = {&actor, req->session->roles, req->session->unit_id};
  rc = plan_progress_enter(store, &author, req->session->office_id, year, point, (int)percent,
                           http_form(req, "body"), clock_now());
  if (rc == ST_INVALID) /* the percent's field when it is what was wrong, else the text's */
    return year_page(
        req, res, 400,
        arena_printf(req->arena, "%s-%lld", percent < 0 ? "percent" : "body", (long long)point),
        http_t(req, "plan_err_progress"));
  if (rc == ST_FORBIDDEN)
    return http_error(res, 403, "plan_err_not_your_unit");
  return rc ? rc
            : http_redirect(res, 303,
                            arena_printf(req->arena, "/staff/plan/%d?entered=%lld#point-%lld", year,
                                         (long long)point, (long long)point));
}

/* POST /staff/plan/{year}/reminder-day: the office's monthly progress day (0: none). */
int plan_reminder_day_post(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  int year = 0;
  int64_t day = -1;
  const char *text = http_form(req, "day");
  int rc = year_of(req, &year);
  if (!rc)
    rc = web_store(req, &store);
  if (rc)
    return rc;
  if (text)
    str_to_int64(str_trim(str_from(text)), 0, 28, &day);
  web_actor(req, &actor);
  rc = plan_reminder_day_set(store, &actor, req->session->office_id, (int)day);
  if (rc == ST_INVALID)
    return year_page(req, res, 400, "day", http_t(req, "plan_err_day"));
  return rc ? rc : http_redirect(res, 303, arena_printf(req->arena, "/staff/plan/%d", year));
}

/* ---- Evidence files ---------------------------------------------------------------------- */

/* The request's file part named "file" (an empty file input sends a part with no name and no
 * bytes: no file). */
static bool file_part(struct http_request *req, struct apply_file *out)
{
  for (size_t i = 0; i < req->part_count; i++) {
    const struct http_part *p = &req->parts[i];
    if (!p->filename || strcmp(p->name, "file") != 0 || (p->len == 0 && !*p->filename))
      continue;
    *out = (struct apply_file){p->filename, p->raw_filename, p->data, p->len};
    return true;
  }
  return false;
}

/* A number in a path or form field, 0 when it is none. */
static int64_t id_of(const char *text)
{
  int64_t id = 0;
  return text && !str_to_int64(str_trim(str_from(text)), 1, INT64_MAX, &id) ? id : 0;
}

/* POST /staff/plan/{year}/points/{id}/evidence: a file (multipart "file") for the entry named
 * by the form's "entry". */
int plan_evidence_post(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  struct plan_author author;
  struct apply_file file = {0};
  const char *reason = NULL;
  int year = 0;
  int64_t point = id_of(http_capture(req, "id")), entry = id_of(http_form(req, "entry"));
  int rc = year_of(req, &year);
  if (!rc && (!point || !entry))
    rc = ST_NOTFOUND;
  if (!rc)
    rc = web_store(req, &store);
  if (rc)
    return rc;
  author_of(req, &actor, &author);
  rc = plan_evidence_attach(store, &author, req->session->office_id, year, point, entry,
                            file_part(req, &file) ? &file : NULL, clock_now(), &reason);
  if (rc == ST_INVALID)
    return year_page(req, res, 400, arena_printf(req->arena, "evidence-%lld", (long long)point),
                     http_t(req, reason));
  if (rc == ST_FORBIDDEN)
    return http_error(res, 403, reason);
  return rc ? rc
            : http_redirect(res, 303,
                            arena_printf(req->arena, "/staff/plan/%d?attached=%lld#point-%lld",
                                         year, (long long)point, (long long)point));
}

/* POST /staff/plan/{year}/evidence/{id}/remove */
int plan_evidence_remove_post(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  struct plan_author author;
  const char *reason = NULL;
  int year = 0;
  int64_t id = id_of(http_capture(req, "id"));
  int rc = year_of(req, &year);
  if (!rc && !id)
    rc = ST_NOTFOUND;
  if (!rc)
    rc = web_store(req, &store);
  if (rc)
    return rc;
  author_of(req, &actor, &author);
  rc = plan_evidence_remove(store, req->arena, &author, req->session->office_id, year, id, &reason);
  if (rc == ST_FORBIDDEN)
    return http_error(res, 403, reason);
  return rc ? rc
            : http_redirect(res, 303, arena_printf(req->arena, "/staff/plan/%d?removed=1", year));
}

/* GET /staff/plan/{year}/evidence/{id}: the file, audited by the domain before it is sent. */
int plan_evidence_get(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  struct apply_document doc = {0};
  int year = 0;
  int64_t id = id_of(http_capture(req, "id"));
  int rc = year_of(req, &year);
  if (!rc && !id)
    rc = ST_NOTFOUND;
  if (!rc)
    rc = web_store(req, &store);
  if (rc)
    return rc;
  web_actor(req, &actor);
  rc = plan_evidence_download(store, req->arena, &actor, req->session->office_id, year, id, &doc);
  if (!rc)
    rc = apply_send_document(req, res, &doc);
  free(doc.bytes);
  return rc;
}
