/*
 * tax.c - land value increment tax trial calculation (see tax.h).
 *
 * Rounding: every step is exact; the tax after the readjustment reduction is rounded ONCE,
 * half-up, to whole dollars (round_tax below), and only then compared with NT$100. The law
 * says the tax is in whole dollars (DOMAIN.md) but we found no public text saying how the tax
 * administration rounds (half-up, or truncation of the fraction): UNCERTAIN. The difference is
 * at most NT$1 per calculation, and the result is labelled an estimate.
 *
 * Holding period from dates: held "more than N years" when the transfer date is after the
 * N-th anniversary of the acquisition date; an anniversary on 29 February in a common year is
 * taken as 28 February (as 民法 §121 II ends a period in a month without the day). Exactly 20
 * years is therefore "20 years or less", and 20 years and one day is "more than 20 years".
 */
#include "domain/land/tax.h"

#include <string.h>

#include "base/common.h"

#define SELF_USE_RATE_PERCENT 10
#define READJUSTMENT_PERCENT  40 /* §39-1: reduced by 40% */
#define ONE_HOME_YEARS_MIN    6  /* §34 V: held six years or more */
#define SELF_URBAN_M2         300
#define SELF_NON_URBAN_M2     700
#define ONE_HOME_URBAN_M2     150
#define ONE_HOME_NON_URBAN_M2 350
#define HOLDING_PLACES        2
#define LAND_TAX_VALUE_M2_MAX 100000000000LL /* areas above 10^11 m² are refused */

/* §33 rates, [tier - 1][holding]: tax = a × a_rate% − B × b_rate%. */
static const struct {
  int a_rate, b_rate;
} rates[3][4] = {
    {{20, 0}, {20, 0}, {20, 0}, {20, 0}},
    {{30, 10}, {28, 8}, {27, 7}, {26, 6}},
    {{40, 30}, {36, 24}, {34, 21}, {32, 18}},
};

static const char *const formula_keys[3][4] = {
    {"land_tax_formula_t1", "land_tax_formula_t1", "land_tax_formula_t1", "land_tax_formula_t1"},
    {"land_tax_formula_t2_upto20", "land_tax_formula_t2_over20", "land_tax_formula_t2_over30",
     "land_tax_formula_t2_over40"},
    {"land_tax_formula_t3_upto20", "land_tax_formula_t3_over20", "land_tax_formula_t3_over30",
     "land_tax_formula_t3_over40"},
};

static const char *const holding_codes[] = {"upto20", "over20", "over30", "over40"};

const char *land_holding_code(enum land_holding h)
{
  return (unsigned)h < ARRAY_LEN(holding_codes) ? holding_codes[h] : "unknown";
}

/* ---- holding period ---- */

static struct civil_date anniversary(struct civil_date d, int years)
{
  return land_date_add_months(d, years * 12);
}

static bool held_more_than(struct civil_date from, struct civil_date to, int years)
{
  return civil_compare(to, anniversary(from, years)) > 0;
}

static int whole_years(struct civil_date from, struct civil_date to)
{
  int years = to.year - from.year;
  while (years > 0 && civil_compare(to, anniversary(from, years)) < 0)
    years--;
  return years;
}

static enum land_holding holding_from_dates(struct civil_date from, struct civil_date to)
{
  if (held_more_than(from, to, 40))
    return LAND_HOLD_OVER_40;
  if (held_more_than(from, to, 30))
    return LAND_HOLD_OVER_30;
  return held_more_than(from, to, 20) ? LAND_HOLD_OVER_20 : LAND_HOLD_UPTO_20;
}

static enum land_holding holding_from_years(struct rational years)
{
  if (rational_cmp(years, rational_int(40)) > 0)
    return LAND_HOLD_OVER_40;
  if (rational_cmp(years, rational_int(30)) > 0)
    return LAND_HOLD_OVER_30;
  return rational_cmp(years, rational_int(20)) > 0 ? LAND_HOLD_OVER_20 : LAND_HOLD_UPTO_20;
}

static bool text_given(const char *text)
{
  return text && str_trim(str_from(text)).len > 0;
}

static int parse_dates(const struct land_tax_input *in, struct civil_date *from,
                       struct civil_date *to, struct land_error *e)
{
  if (land_date_parse(in->acquired_on, "acquired_on", from, e) ||
      land_date_parse(in->transferred_on, "transferred_on", to, e))
    return ST_INVALID;
  if (civil_compare(*to, in->today) > 0)
    return land_fail(e, "transferred_on", LAND_ERR_FUTURE_DATE);
  if (civil_compare(*from, *to) > 0)
    return land_fail(e, "acquired_on", LAND_ERR_DATE_ORDER);
  return ST_OK;
}

/* Sets holding, holding_years and, in *six_years, whether 一生一屋's six years are met. */
static int parse_holding(const struct land_tax_input *in, struct land_tax_result *out,
                         bool *six_years)
{
  struct civil_date from, to;
  enum rational_parse_err why;
  if (text_given(in->acquired_on) || text_given(in->transferred_on)) {
    if (parse_dates(in, &from, &to, &out->error))
      return ST_INVALID;
    out->holding = holding_from_dates(from, to);
    out->holding_years = rational_int(whole_years(from, to));
    *six_years = civil_compare(to, anniversary(from, ONE_HOME_YEARS_MIN)) >= 0;
    return ST_OK;
  }
  if (!text_given(in->holding_years))
    return land_fail(&out->error, "holding_years", LAND_ERR_HOLDING_MISSING);
  if (rational_parse_decimal(str_from(in->holding_years), HOLDING_PLACES, LAND_HOLDING_YEARS_MAX,
                             &out->holding_years, &why))
    return land_fail(&out->error, "holding_years",
                     why == RATIONAL_PARSE_SYNTAX ? LAND_ERR_NOT_A_NUMBER : LAND_ERR_HOLDING_RANGE);
  if (rational_sign(out->holding_years) < 0)
    return land_fail(&out->error, "holding_years", LAND_ERR_HOLDING_RANGE);
  out->holding = holding_from_years(out->holding_years);
  *six_years = rational_cmp(out->holding_years, rational_int(ONE_HOME_YEARS_MIN)) >= 0;
  return ST_OK;
}

/* ---- inputs ---- */

static int parse_cpi(const char *text, struct land_tax_result *out)
{
  enum rational_parse_err why;
  if (!text_given(text))
    return land_fail(&out->error, "cpi", LAND_ERR_MISSING);
  if (rational_parse_decimal(str_from(text), LAND_CPI_PLACES, LAND_CPI_MAX, &out->cpi_percent,
                             &why))
    return land_fail(&out->error, "cpi",
                     why == RATIONAL_PARSE_SYNTAX ? LAND_ERR_NOT_A_NUMBER : LAND_ERR_CPI_RANGE);
  if (rational_sign(out->cpi_percent) <= 0)
    return land_fail(&out->error, "cpi", LAND_ERR_CPI_RANGE);
  out->cpi_raised_to_100 = rational_cmp(out->cpi_percent, rational_int(100)) < 0;
  out->cpi_used_percent = rational_max(out->cpi_percent, rational_int(100));
  return ST_OK;
}

/* A total as typed, or per m² × the transferred area. */
static int parse_value(const char *text, bool is_total, const char *field,
                       struct land_tax_result *out, struct rational *total)
{
  int st = ST_OK;
  if (land_parse_amount(text, field, false, total, &out->error))
    return ST_INVALID;
  if (!is_total)
    *total = rational_mul(*total, out->transferred_area_m2, &st);
  return st ? land_fail(&out->error, field, LAND_ERR_TOO_LARGE) : ST_OK;
}

static int parse_area_and_share(const struct land_tax_input *in, struct land_tax_result *out)
{
  int st = ST_OK;
  if (land_parse_area(in->area_m2, "area_m2", &out->area_m2, &out->error) ||
      land_parse_share(in->share, "share", &out->share, &out->error))
    return ST_INVALID;
  if (rational_sign(out->area_m2) == 0)
    return land_fail(&out->error, "area_m2", LAND_ERR_ZERO_AREA);
  if (rational_cmp(out->area_m2, rational_int(LAND_TAX_VALUE_M2_MAX)) > 0)
    return land_fail(&out->error, "area_m2", LAND_ERR_TOO_LARGE);
  out->transferred_area_m2 = rational_mul(out->area_m2, out->share, &st);
  return st ? land_fail(&out->error, "share", LAND_ERR_TOO_LARGE) : ST_OK;
}

static int check_use(const struct land_tax_input *in, bool six_years, struct land_error *e)
{
  if (in->use != LAND_USE_GENERAL && in->use != LAND_USE_SELF_URBAN &&
      in->use != LAND_USE_SELF_NON_URBAN)
    return land_fail(e, "use", LAND_ERR_UNKNOWN_KIND);
  if (in->one_home && in->use == LAND_USE_GENERAL)
    return land_fail(e, "one_home", LAND_ERR_ONE_HOME_NOT_SELF_USE);
  if (in->one_home && !six_years)
    return land_fail(e, "one_home", LAND_ERR_ONE_HOME_HELD_SHORT);
  return ST_OK;
}

static int parse_inputs(const struct land_tax_input *in, struct land_tax_result *out)
{
  bool six_years = false;
  if (!land_date_valid(in->today))
    return land_fail(&out->error, "today", LAND_ERR_DATE_FORMAT);
  if (parse_area_and_share(in, out) ||
      parse_value(in->current_value, in->current_is_total, "current_value", out,
                  &out->current_total) ||
      parse_value(in->previous_value, in->previous_is_total, "previous_value", out,
                  &out->previous_total) ||
      land_parse_amount(in->improvement_costs, "improvement_costs", true, &out->improvement_costs,
                        &out->error) ||
      parse_cpi(in->cpi, out) || parse_holding(in, out, &six_years) ||
      check_use(in, six_years, &out->error))
    return ST_INVALID;
  if (rational_sign(out->previous_total) == 0)
    return land_fail(&out->error, "previous_value", LAND_ERR_ZERO_VALUE);
  return ST_OK;
}

/* ---- calculation ---- */

static int self_use_limit(const struct land_tax_input *in)
{
  if (in->use == LAND_USE_SELF_URBAN)
    return in->one_home ? ONE_HOME_URBAN_M2 : SELF_URBAN_M2;
  if (in->use == LAND_USE_SELF_NON_URBAN)
    return in->one_home ? ONE_HOME_NON_URBAN_M2 : SELF_NON_URBAN_M2;
  return 0;
}

static int tier_of(struct rational m)
{
  if (rational_cmp(m, rational_int(1)) < 0)
    return 1;
  return rational_cmp(m, rational_int(2)) < 0 ? 2 : 3;
}

static void fill_part(struct land_tax_part *p, const struct land_tax_result *r,
                      struct rational area, int a_rate, int b_rate, const char *key, int *st)
{
  p->present = true;
  p->area_m2 = area;
  p->fraction = rational_div(area, r->transferred_area_m2, st);
  p->a = rational_mul(r->a, p->fraction, st);
  p->b = rational_mul(r->b, p->fraction, st);
  p->a_rate_percent = a_rate;
  p->b_rate_percent = b_rate;
  p->formula_key = key;
  p->tax = rational_sub(rational_scale(p->a, a_rate, 100, st),
                        rational_scale(p->b, b_rate, 100, st), st);
}

/* Splits a and B between the self-use part (within the limit) and the general part. */
static void compute_parts(struct land_tax_result *r, int *st)
{
  struct rational area = r->transferred_area_m2, self_area = rational_int(0);
  if (rational_sign(r->self_use_limit_m2) > 0) {
    self_area = rational_min(area, r->self_use_limit_m2);
    fill_part(&r->self_use, r, self_area, SELF_USE_RATE_PERCENT, 0, "land_tax_formula_self_use",
              st);
  }
  if (rational_cmp(area, self_area) > 0) {
    int t = r->tier - 1, h = (int)r->holding;
    fill_part(&r->general, r, rational_sub(area, self_area, st), rates[t][h].a_rate,
              rates[t][h].b_rate, formula_keys[t][h], st);
  }
  r->tax_before_reduction = rational_add(r->self_use.tax, r->general.tax, st);
}

/* The one rounding of the calculation (see the comment at the top of this file). */
static int64_t round_tax(struct rational tax)
{
  return rational_round_half_up(tax);
}

static int compute(const struct land_tax_input *in, struct land_tax_result *r)
{
  int st = ST_OK;
  r->self_use_limit_m2 = rational_int(self_use_limit(in));
  r->b = rational_scale(rational_mul(r->previous_total, r->cpi_used_percent, &st), 1, 100, &st);
  r->a = rational_sub(rational_sub(r->current_total, r->b, &st), r->improvement_costs, &st);
  r->m = rational_div(r->a, r->b, &st);
  r->has_increment = !st && rational_sign(r->a) > 0;
  if (r->has_increment) {
    r->tier = tier_of(r->m);
    compute_parts(r, &st);
  }
  struct rational kept = rational_make(100 - (in->readjusted ? READJUSTMENT_PERCENT : 0), 100, &st);
  r->tax_after_reduction = rational_mul(r->tax_before_reduction, kept, &st);
  r->reduction = rational_sub(r->tax_before_reduction, r->tax_after_reduction, &st);
  if (st)
    return land_fail(&r->error, NULL, LAND_ERR_TOO_LARGE);
  r->tax = round_tax(r->tax_after_reduction);
  r->levied = r->tax > LAND_TAX_LEVY_MIN;
  r->tax_payable = r->levied ? r->tax : 0;
  return ST_OK;
}

int land_tax_calculate(const struct land_tax_input *in, struct land_tax_result *out)
{
  memset(out, 0, sizeof(*out));
  out->estimate_key = LAND_TAX_ESTIMATE_KEY;
  out->tax_before_reduction = out->tax_after_reduction = out->reduction = rational_int(0);
  out->self_use.tax = out->general.tax = rational_int(0);
  if (parse_inputs(in, out))
    return ST_INVALID;
  return compute(in, out);
}

/* ---- JSON ---- */

#define JSON_PLACES 4

static json_t *part_to_json(const struct land_tax_part *p)
{
  if (!p->present)
    return json_null();
  return json_pack("{s:o, s:o, s:o, s:o, s:i, s:i, s:s, s:o}", "area_m2",
                   rational_to_json(p->area_m2, JSON_PLACES), "fraction",
                   rational_to_json(p->fraction, JSON_PLACES), "a",
                   rational_to_json(p->a, JSON_PLACES), "b", rational_to_json(p->b, JSON_PLACES),
                   "a_rate_percent", p->a_rate_percent, "b_rate_percent", p->b_rate_percent,
                   "formula_key", p->formula_key, "tax", rational_to_json(p->tax, JSON_PLACES));
}

static json_t *inputs_to_json(const struct land_tax_result *r)
{
  return json_pack(
      "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:s, s:o}", "area_m2",
      rational_to_json(r->area_m2, JSON_PLACES), "share", rational_to_json(r->share, JSON_PLACES),
      "transferred_area_m2", rational_to_json(r->transferred_area_m2, JSON_PLACES), "current_total",
      rational_to_json(r->current_total, JSON_PLACES), "previous_total",
      rational_to_json(r->previous_total, JSON_PLACES), "improvement_costs",
      rational_to_json(r->improvement_costs, JSON_PLACES), "cpi_percent",
      rational_to_json(r->cpi_percent, JSON_PLACES), "cpi_used_percent",
      rational_to_json(r->cpi_used_percent, JSON_PLACES), "cpi_raised_to_100", r->cpi_raised_to_100,
      "holding_years", rational_to_json(r->holding_years, JSON_PLACES), "holding",
      land_holding_code(r->holding), "self_use_limit_m2",
      rational_to_json(r->self_use_limit_m2, JSON_PLACES));
}

json_t *land_tax_to_json(const struct land_tax_result *r)
{
  return json_pack("{s:s, s:o, s:o, s:o, s:o, s:b, s:i, s:o, s:o, s:o, s:o, s:o, s:I, s:b, s:I}",
                   "estimate_key", LAND_TAX_ESTIMATE_KEY, "inputs", inputs_to_json(r), "a",
                   rational_to_json(r->a, JSON_PLACES), "b", rational_to_json(r->b, JSON_PLACES),
                   "m", rational_to_json(r->m, JSON_PLACES), "has_increment", r->has_increment,
                   "tier", r->tier, "self_use", part_to_json(&r->self_use), "general",
                   part_to_json(&r->general), "tax_before_reduction",
                   rational_to_json(r->tax_before_reduction, JSON_PLACES), "reduction",
                   rational_to_json(r->reduction, JSON_PLACES), "tax_after_reduction",
                   rational_to_json(r->tax_after_reduction, JSON_PLACES), "tax", (json_int_t)r->tax,
                   "levied", r->levied, "tax_payable", (json_int_t)r->tax_payable);
}
