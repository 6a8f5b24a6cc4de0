/*
 * tools_tax.c - the land value increment tax trial calculation page (domain/land/tax.h): the
 * form, the result with its working (a, B, m, the tier, the holding bracket, the formula of
 * each part) and the notice that it is an estimate.
 */
#include <string.h>

#include "domain/land/tax.h"
#include "web/app.h"
#include "web/public/tools.h"

#include "base/common.h"

static const char template_name[] = "public/tools/tax";

static const char *const text_fields[] = {
    "area_m2",           "share",       "current_value",  "previous_value", "cpi",
    "improvement_costs", "acquired_on", "transferred_on", "holding_years",  NULL};

static const char *const submitted_names[] = {
    "area_m2",           "share",          "current_value",  "previous_value", "cpi",
    "improvement_costs", "acquired_on",    "transferred_on", "holding_years",  "use",
    "current_basis",     "previous_basis", "one_home",       "readjusted",     NULL};

static const char *const uses[] = {[LAND_USE_GENERAL] = "general",
                                   [LAND_USE_SELF_URBAN] = "self_urban",
                                   [LAND_USE_SELF_NON_URBAN] = "self_non_urban"};

static bool checked(struct http_request *req, const char *name)
{
  const char *v = http_query(req, name);
  return v && *v && strcmp(v, "0") != 0;
}

/* The form as typed, for redisplay. */
static json_t *form_view(struct http_request *req)
{
  json_t *form = tools_typed_form(req, text_fields);
  if (!form)
    return NULL;
  const char *use = tools_choice(req, "use", "general");
  for (size_t i = 0; i < ARRAY_LEN(uses); i++)
    json_object_set_new(form, arena_printf(req->arena, "use_%s", uses[i]),
                        json_boolean(strcmp(use, uses[i]) == 0));
  json_object_set_new(
      form, "current_total",
      json_boolean(strcmp(tools_choice(req, "current_basis", "per_m2"), "total") == 0));
  json_object_set_new(
      form, "previous_total",
      json_boolean(strcmp(tools_choice(req, "previous_basis", "per_m2"), "total") == 0));
  json_object_set_new(form, "one_home", json_boolean(checked(req, "one_home")));
  json_object_set_new(form, "readjusted", json_boolean(checked(req, "readjusted")));
  return form;
}

/* A basis radio: "per_m2" or "total"; ST_INVALID for anything else. */
static int basis(struct http_request *req, const char *name, bool *is_total)
{
  const char *v = tools_choice(req, name, "per_m2");
  *is_total = strcmp(v, "total") == 0;
  return *is_total || strcmp(v, "per_m2") == 0 ? ST_OK : ST_INVALID;
}

static int read_input(struct http_request *req, struct land_tax_input *in, struct land_error *e)
{
  const char *use = tools_choice(req, "use", "general");
  memset(in, 0, sizeof(*in));
  in->use = (enum land_tax_use)ARRAY_LEN(uses); /* unknown unless it matches */
  for (size_t i = 0; i < ARRAY_LEN(uses); i++)
    if (strcmp(use, uses[i]) == 0)
      in->use = (enum land_tax_use)i;
  if (basis(req, "current_basis", &in->current_is_total))
    return land_fail(e, "current_basis", LAND_ERR_UNKNOWN_KIND);
  if (basis(req, "previous_basis", &in->previous_is_total))
    return land_fail(e, "previous_basis", LAND_ERR_UNKNOWN_KIND);
  in->current_value = tools_input(req, "current_value");
  in->previous_value = tools_input(req, "previous_value");
  in->area_m2 = tools_input(req, "area_m2");
  in->share = tools_input(req, "share");
  in->cpi = tools_input(req, "cpi");
  in->improvement_costs = tools_input(req, "improvement_costs");
  in->acquired_on = tools_input(req, "acquired_on");
  in->transferred_on = tools_input(req, "transferred_on");
  in->holding_years = tools_input(req, "holding_years");
  in->today = tools_today();
  in->one_home = checked(req, "one_home");
  in->readjusted = checked(req, "readjusted");
  return ST_OK;
}

static json_t *part_view(struct http_request *req, const struct land_tax_part *p,
                         const char *title_key)
{
  if (!p->present)
    return json_null();
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "title", http_t(req, title_key), "area",
                   tools_number(req, p->area_m2, 2), "a", tools_money(req, p->a), "b",
                   tools_money(req, p->b), "formula", http_t(req, p->formula_key), "tax",
                   tools_money(req, p->tax));
}

static json_t *parts_view(struct http_request *req, const struct land_tax_result *r)
{
  json_t *parts = json_array();
  if (r->self_use.present)
    json_array_append_new(parts, part_view(req, &r->self_use, "tools_tax_part_self_use"));
  if (r->general.present)
    json_array_append_new(parts, part_view(req, &r->general, "tools_tax_part_general"));
  return parts;
}

static json_t *working_view(struct http_request *req, const struct land_tax_result *r)
{
  const char *holding =
      arena_printf(req->arena, "tools_tax_holding_%s", land_holding_code(r->holding));
  return json_pack(
      "{s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:b}", "transferred_area",
      tools_number(req, r->transferred_area_m2, 2), "current_total",
      tools_money(req, r->current_total), "previous_total", tools_money(req, r->previous_total),
      "cpi_used", tools_number(req, r->cpi_used_percent, 2), "cpi_raised", r->cpi_raised_to_100,
      "improvement_costs", tools_money(req, r->improvement_costs), "b", tools_money(req, r->b), "a",
      tools_money(req, r->a), "m", tools_number(req, r->m, 4), "holding",
      http_t(req, holding ? holding : ""), "tier", r->tier, "holding_years",
      tools_number(req, r->holding_years, 2), "has_increment", r->has_increment);
}

static json_t *result_view(struct http_request *req, const struct land_tax_result *r)
{
  return json_pack(
      "{s:o, s:o, s:b, s:s, s:s, s:b, s:s, s:s, s:b, s:b, s:s, s:o}", "working",
      working_view(req, r), "parts", parts_view(req, r), "has_parts",
      r->self_use.present || r->general.present, "tax_before_reduction",
      tools_money(req, r->tax_before_reduction), "reduction", tools_money(req, r->reduction),
      "readjusted", rational_sign(r->reduction) > 0, "tax", tools_money_int(req, r->tax),
      "tax_payable", tools_money_int(req, r->tax_payable), "levied", r->levied, "not_levied",
      !r->levied, "estimate", http_t(req, r->estimate_key), "data", land_tax_to_json(r));
}

int tools_tax(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct dir_office *office = NULL;
  json_t *page;
  struct land_tax_input in;
  struct land_tax_result result;
  int rc = tools_page(req, "tools_tax_title", &store, &office, &page);
  if (rc)
    return rc;
  rc = tools_set(page, "form", form_view(req));
  if (!rc)
    rc = tools_set(page, "estimate", json_string(http_t(req, LAND_TAX_ESTIMATE_KEY)));
  if (rc || !tools_submitted(req, submitted_names) || tools_prefill(req, page))
    return tools_finish(res, rc, 200, template_name, page);
  memset(&result, 0, sizeof(result));
  if (read_input(req, &in, &result.error) || land_tax_calculate(&in, &result)) {
    const char *field = result.error.field, *key = land_err_key(result.error.reason);
    if (!field) { /* the figures together make the exact fractions too large (an odd share of a
                   * large parcel): said at the share when one was given */
      const char *share = http_query(req, "share");
      field = share && *share ? "share" : "area_m2";
      key = "land_err_combination";
    }
    rc = tools_field_error(req, page, field, key);
    return tools_finish(res, rc, 400, template_name, page);
  }
  rc = tools_set(page, "result", result_view(req, &result));
  return tools_finish(res, rc, 200, template_name, page);
}
