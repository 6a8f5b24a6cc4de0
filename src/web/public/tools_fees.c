/*
 * tools_fees.c - the fee estimates page (domain/land/fees.h): registration fee with title
 * deeds and the late penalty, boundary survey, and land reference viewing. One page, three
 * GET forms; the hidden field `calc` says which one was sent. Form fields carry the section's
 * prefix (reg_, survey_, view_) before the domain's field name, so a refusal points at its
 * input.
 */
#include <stdio.h>
#include <string.h>

#include "domain/directory.h"
#include "domain/land/fees.h"
#include "render/format.h"
#include "web/app.h"
#include "web/public/tools.h"

#include "base/common.h"

static const char template_name[] = "public/tools/fees";

enum { SURVEY_ROWS = 3, DATE_TEXT_MAX = 48 };

static const char *const text_fields[] = {"reg_value",
                                          "reg_value_per_m2",
                                          "reg_area_m2",
                                          "reg_share",
                                          "reg_sheets",
                                          "reg_cause_date",
                                          "reg_application_date",
                                          "survey_area_m2_1",
                                          "survey_points_1",
                                          "survey_area_m2_2",
                                          "survey_points_2",
                                          "survey_area_m2_3",
                                          "survey_points_3",
                                          "view_parcels",
                                          "view_minutes",
                                          "view_printed_sheets",
                                          NULL};

static json_t *form_view(struct http_request *req)
{
  json_t *form = tools_typed_form(req, text_fields);
  if (!form)
    return NULL;
  json_object_set_new(form, "reg_kind_first",
                      json_boolean(strcmp(tools_choice(req, "reg_kind", "change"), "first") == 0));
  json_object_set_new(
      form, "reg_cause_inheritance",
      json_boolean(strcmp(tools_choice(req, "reg_cause", "general"), "inheritance") == 0));
  json_object_set_new(
      form, "view_channel_online",
      json_boolean(strcmp(tools_choice(req, "view_channel", "office"), "online") == 0));
  return form;
}

static json_t *lines_view(struct http_request *req, const struct land_fee_breakdown *b)
{
  json_t *lines = json_array();
  for (size_t i = 0; lines && i < b->count; i++) {
    const struct land_fee_line *l = &b->lines[i];
    json_array_append_new(
        lines, json_pack("{s:s, s:I, s:s, s:s}", "label", http_t(req, l->label_key), "quantity",
                         (json_int_t)l->quantity, "unit_price", tools_money_int(req, l->unit_price),
                         "amount", tools_money_int(req, l->amount)));
  }
  return json_pack("{s:o, s:s}", "lines", lines, "total", tools_money_int(req, b->total));
}

/* The section's refusal: prefix + domain field (default_field when the domain names none). */
static int refuse(struct http_request *req, json_t *page, const char *prefix,
                  const struct land_error *e, const char *default_field)
{
  const char *id = arena_printf(req->arena, "%s%s", prefix, e->field ? e->field : default_field);
  return tools_field_error(req, page, id ? id : default_field, land_err_key(e->reason));
}

/* ---- registration ---- */

static int registration_input(struct http_request *req, struct land_registration_input *in,
                              struct land_error *e)
{
  const char *kind = tools_choice(req, "reg_kind", "change"),
             *cause = tools_choice(req, "reg_cause", "general");
  memset(in, 0, sizeof(*in));
  if (strcmp(kind, "change") != 0 && strcmp(kind, "first") != 0)
    return land_fail(e, "kind", LAND_ERR_UNKNOWN_KIND);
  if (strcmp(cause, "general") != 0 && strcmp(cause, "inheritance") != 0)
    return land_fail(e, "cause", LAND_ERR_UNKNOWN_KIND);
  in->kind = strcmp(kind, "first") == 0 ? LAND_REG_FIRST : LAND_REG_CHANGE;
  in->cause = strcmp(cause, "inheritance") == 0 ? LAND_CAUSE_INHERITANCE : LAND_CAUSE_GENERAL;
  in->value = tools_input(req, "reg_value");
  in->value_per_m2 = tools_input(req, "reg_value_per_m2");
  in->area_m2 = tools_input(req, "reg_area_m2");
  in->share = tools_input(req, "reg_share");
  in->sheets = tools_input(req, "reg_sheets");
  in->cause_date = tools_input(req, "reg_cause_date");
  in->application_date = tools_input(req, "reg_application_date");
  in->today = tools_today();
  return ST_OK;
}

static const char *date_text(struct http_request *req, struct civil_date d)
{
  char out[DATE_TEXT_MAX];
  if (format_date(d.year, d.month, d.day, req->lang, out, sizeof(out)))
    snprintf(out, sizeof(out), "%04d-%02d-%02d", d.year, d.month, d.day);
  const char *copy = arena_strdup(req->arena, out);
  return copy ? copy : "";
}

static json_t *registration_view(struct http_request *req, const struct land_registration_result *r)
{
  json_t *working = json_pack(
      "{s:s, s:i, s:s, s:s, s:b, s:b, s:s, s:I, s:I, s:i}", "value", tools_money(req, r->value),
      "rate_per_mille", r->rate_per_mille, "fee_exact", tools_money(req, r->fee_exact), "fee",
      tools_money_int(req, r->fee), "fee_under_one", r->fee_under_one, "penalty_considered",
      r->penalty_considered, "due_date", r->penalty_considered ? date_text(req, r->due_date) : "",
      "months_late", (json_int_t)r->months_late, "multiplier", (json_int_t)r->penalty_multiplier,
      "multiplier_max", LAND_LATE_MULTIPLIER_MAX);
  return json_pack("{s:o, s:o, s:o}", "breakdown", lines_view(req, &r->fees), "working", working,
                   "data", land_registration_to_json(r));
}

static int registration(struct http_request *req, json_t *page, int *status)
{
  struct land_registration_input in;
  struct land_registration_result r;
  memset(&r, 0, sizeof(r));
  if (registration_input(req, &in, &r.error) || land_fee_registration(&in, &r)) {
    *status = 400;
    return refuse(req, page, "reg_", &r.error, "value");
  }
  return tools_set(page, "registration", registration_view(req, &r));
}

/* ---- boundary survey ---- */

static int survey(struct http_request *req, json_t *page, int *status)
{
  struct land_survey_parcel parcels[SURVEY_ROWS];
  int rows[SURVEY_ROWS];
  size_t count = 0;
  struct land_fee_breakdown b;
  struct land_error e = {0};
  for (int i = 1; i <= SURVEY_ROWS; i++) {
    const char *area = tools_input(req, arena_printf(req->arena, "survey_area_m2_%d", i));
    const char *points = tools_input(req, arena_printf(req->arena, "survey_points_%d", i));
    if ((!area || !*area) && (!points || !*points))
      continue;
    parcels[count] = (struct land_survey_parcel){area ? area : "", points ? points : ""};
    rows[count++] = i;
    /* Each parcel alone first, so that a refusal names its row. */
    if (land_fee_boundary_survey(&parcels[count - 1], 1, &b, &e)) {
      *status = 400;
      const char *field = e.field && strcmp(e.field, "points") == 0 ? "points" : "area_m2";
      const char *id = arena_printf(req->arena, "survey_%s_%d", field, rows[count - 1]);
      return tools_field_error(req, page, id ? id : "survey_area_m2_1", land_err_key(e.reason));
    }
  }
  if (count == 0) {
    *status = 400;
    return tools_field_error(req, page, "survey_area_m2_1", land_err_key(LAND_ERR_MISSING));
  }
  if (land_fee_boundary_survey(parcels, count, &b, &e)) {
    *status = 400;
    return refuse(req, page, "survey_", &e, "area_m2_1");
  }
  return tools_set(page, "survey",
                   json_pack("{s:o, s:o}", "breakdown", lines_view(req, &b), "data",
                             land_fee_breakdown_to_json(&b)));
}

/* ---- viewing ---- */

static int viewing(struct http_request *req, json_t *page, int *status)
{
  struct land_viewing_input in;
  struct land_fee_breakdown b;
  struct land_error e = {0};
  const char *channel = tools_choice(req, "view_channel", "office");
  in.channel = strcmp(channel, "online") == 0 ? LAND_VIEW_ONLINE : LAND_VIEW_OFFICE;
  in.parcels = tools_input(req, "view_parcels");
  in.minutes = tools_input(req, "view_minutes");
  in.printed_sheets = tools_input(req, "view_printed_sheets");
  if (strcmp(channel, "online") != 0 && strcmp(channel, "office") != 0)
    land_fail(&e, "channel", LAND_ERR_UNKNOWN_KIND);
  if (e.reason || land_fee_viewing(&in, &b, &e)) {
    *status = 400;
    return refuse(req, page, "view_", &e, "parcels");
  }
  return tools_set(page, "viewing",
                   json_pack("{s:o, s:b, s:o}", "breakdown", lines_view(req, &b), "online",
                             in.channel == LAND_VIEW_ONLINE, "data",
                             land_fee_breakdown_to_json(&b)));
}

int tools_fees(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct dir_office *office = NULL;
  json_t *page;
  int status = 200;
  int rc = tools_page(req, "tools_fees_title", &store, &office, &page);
  if (rc)
    return rc;
  int64_t office_id = office->id;
  rc = tools_set(page, "form", form_view(req));
  const char *calc = tools_input(req, "calc");
  bool by_service = !calc || strcmp(calc, "schedule") == 0;
  if (!rc) /* the chooser is on the page whatever else was asked */
    rc = tools_fee_schedule(req, office_id, store, page, &status);
  if (rc || by_service || tools_prefill(req, page))
    return tools_finish(res, rc, status, template_name, page);
  if (strcmp(calc, "registration") == 0)
    rc = registration(req, page, &status);
  else if (strcmp(calc, "survey") == 0)
    rc = survey(req, page, &status);
  else if (strcmp(calc, "viewing") == 0)
    rc = viewing(req, page, &status);
  else
    return tools_finish(res, ST_INVALID, 400, template_name, page);
  return tools_finish(res, rc, status, template_name, page);
}
