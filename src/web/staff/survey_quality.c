/*
 * survey_quality.c - quality records (web/staff/survey.h): the office's phone-courtesy tests,
 * counter spot checks, staff professional tests and training sessions of the last twelve
 * months, their mean scores by unit and month (what the indicators read), and the form that
 * records one.
 */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/civil.h"
#include "base/clock.h"
#include "domain/accounts.h"
#include "domain/audit.h"
#include "domain/directory.h"
#include "domain/survey.h"
#include "web/app.h"
#include "web/staff/survey.h"

#include "base/common.h"

static const char *const kinds[] = {"phone", "counter", "test", "training"};

static const char *unit_name(struct http_request *req, const struct quality_page *p, int64_t id)
{
  for (size_t i = 0; i < p->unit_count; i++)
    if (p->units[i].id == id)
      return directory_pick(p->units[i].name_zh, p->units[i].name_en, req->lang);
  return "–";
}

static const char *permille(struct http_request *req, int64_t p)
{
  return arena_printf(req->arena, "%lld.%lld", (long long)(p / 10), (long long)(p % 10));
}

static json_t *records_view(struct http_request *req, const struct quality_page *p)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < p->record_count; i++) {
    const struct quality_record *r = &p->records[i];
    json_t *items = json_array();
    bool training = !strcmp(r->kind, "training");
    for (size_t k = 0; items && k < r->item_count; k++)
      json_array_append_new(items, json_pack("{s:s, s:I, s:I}", "item", r->items[k].item, "score",
                                             (json_int_t)r->items[k].score, "max",
                                             (json_int_t)r->items[k].max));
    json_array_append_new(
        list, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:s?, s:b, s:I, s:s}", "id",
                        (json_int_t)r->id, "kind", r->kind, "kind_label",
                        http_t(req, arena_printf(req->arena, "quality_kind_%s", r->kind)),
                        "held_on", r->held_on, "held_on_label", web_date(req, r->held_on), "unit",
                        unit_name(req, p, r->unit_id), "items", items, "score",
                        training ? NULL : permille(req, r->score), "training", training,
                        "attendees", (json_int_t)r->attendees, "hours",
                        permille(req, r->hours_tenths * 100), "topic", r->topic));
  }
  return list;
}

static json_t *scores_view(struct http_request *req, const struct quality_page *p)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < p->score_count; i++) {
    const struct quality_score *s = &p->scores[i];
    json_array_append_new(
        list,
        json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "unit_id", (json_int_t)s->unit_id,
                  "unit", unit_name(req, p, s->unit_id), "month", s->month, "month_label",
                  web_month(req, s->month), "kind", s->kind, "kind_label",
                  http_t(req, arena_printf(req->arena, "quality_kind_%s", s->kind)), "records",
                  (json_int_t)s->records, "mean", permille(req, s->mean)));
  }
  return list;
}

static json_t *form_view(struct http_request *req, const struct quality_page *p)
{
  json_t *units = json_array(), *kind_list = json_array();
  const char *unit = http_form(req, "unit_id"), *kind = http_form(req, "kind");
  for (size_t i = 0; units && i < p->unit_count; i++) {
    const char *id = arena_printf(req->arena, "%lld", (long long)p->units[i].id);
    json_array_append_new(
        units, json_pack("{s:s, s:s, s:b}", "id", id, "name",
                         directory_pick(p->units[i].name_zh, p->units[i].name_en, req->lang),
                         "selected", unit && id && !strcmp(unit, id)));
  }
  for (size_t i = 0; kind_list && i < ARRAY_LEN(kinds); i++)
    json_array_append_new(
        kind_list, json_pack("{s:s, s:s, s:b}", "value", kinds[i], "label",
                             http_t(req, arena_printf(req->arena, "quality_kind_%s", kinds[i])),
                             "selected", kind && !strcmp(kind, kinds[i])));
  const char *fields[] = {"held_on", "topic", "items", "attendees", "hours"};
  json_t *form = json_pack("{s:o, s:o}", "units", units, "kinds", kind_list);
  for (size_t i = 0; form && i < ARRAY_LEN(fields); i++) {
    const char *v = http_form(req, fields[i]);
    json_object_set_new(form, fields[i], json_string(v ? v : ""));
  }
  return form;
}

static int page(struct http_request *req, struct http_response *res, int status, json_t *errors)
{
  struct store *store;
  struct quality_page p;
  time_t now = clock_now();
  char from[CIVIL_ISO_SIZE], to[CIVIL_ISO_SIZE];
  civil_taipei_iso(now - 366 * 86400, from);
  civil_taipei_iso(now, to);
  int rc = web_store(req, &store);
  if (!rc)
    rc = quality_page_read(store, req->arena, req->session->office_id, from, to, &p);
  if (rc)
    return rc;
  json_t *view =
      json_pack("{s:s, s:o, s:o, s:o, s:b, s:b}", "title", http_t(req, "quality_title"), "records",
                records_view(req, &p), "scores", scores_view(req, &p), "form", form_view(req, &p),
                "saved", http_query(req, "saved") != NULL, "may_record",
                (req->session->roles & (ROLE_SUPERVISOR | ROLE_ANALYST)) != 0);
  if (view && errors)
    json_object_update(view, errors);
  return http_page(res, status, "staff/quality", view);
}

int quality_page(struct http_request *req, struct http_response *res)
{
  return page(req, res, 200, NULL);
}

/* A whole number from a form field ("" is 0); tenths for hours ("1.5" -> 15). */
static bool number_field(const char *s, bool tenths, int64_t *out)
{
  char *end = NULL;
  *out = 0;
  if (!s || !*s)
    return true;
  double v = strtod(s, &end);
  if (!end || *end || v < 0 || v > 1e6)
    return false;
  *out = (int64_t)(v * (tenths ? 10 : 1) + 0.5);
  return true;
}

int quality_submit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor who;
  const char *error = "quality_err_number", *unit = http_form(req, "unit_id");
  struct quality_record r = {0};
  r.kind = http_form(req, "kind");
  r.held_on = http_form(req, "held_on");
  r.topic = http_form(req, "topic");
  r.unit_id = unit ? strtoll(unit, NULL, 10) : 0;
  web_actor(req, &who);
  int rc = number_field(http_form(req, "attendees"), false, &r.attendees) &&
                   number_field(http_form(req, "hours"), true, &r.hours_tenths)
               ? web_store(req, &store)
               : ST_INVALID;
  if (!rc)
    rc = quality_record_add(store, &who, &r, http_form(req, "items"), clock_now(), &error);
  if (!rc)
    return http_redirect(res, 303, "/staff/quality?saved=1");
  if (rc != ST_INVALID)
    return rc;
  json_t *errors = json_object();
  rc = errors ? web_form_error(req, errors, "kind", error) : ST_NOMEM;
  if (!rc)
    rc = page(req, res, 400, errors);
  json_decref(errors);
  return rc;
}
