/*
 * tax.h - land value increment tax trial calculation (土地增值稅, 土地稅法 §28–§39; DOMAIN.md,
 * "Land-office tools"). The result shows its working (a, B, m, the tier, the holding bracket,
 * the formula used, the self-use and general parts) and is an ESTIMATE: the tax office's
 * assessment is binding (the UI shows LAND_TAX_ESTIMATE_KEY with every result).
 *
 *   B = previous value × max(CPI, 100) / 100                (原規定地價或前次移轉現值, adjusted)
 *   a = current value − B − improvement costs               (土地漲價總數額, §31)
 *   m = a / B; tier 1: m < 1, tier 2: 1 <= m < 2, tier 3: m >= 2                         (§33)
 *
 * Values are for the transferred share: a per-m² value is multiplied by area × share, a total
 * is taken as the total of the transferred share as it is (the share is not applied again).
 */
#ifndef BIANMIN_DOMAIN_LAND_TAX_H
#define BIANMIN_DOMAIN_LAND_TAX_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "domain/land/input.h"
#include "domain/land/rational.h"

#define LAND_TAX_ESTIMATE_KEY "land_tax_estimate_notice"

/* Tax of NT$100 or less is not levied. */
#define LAND_TAX_LEVY_MIN 100

enum land_tax_use {
  LAND_USE_GENERAL = 0,
  LAND_USE_SELF_URBAN,    /* 自用住宅用地, urban: 10% within 300 m² (§34) */
  LAND_USE_SELF_NON_URBAN /* 自用住宅用地, non-urban: 10% within 700 m² */
};

/* Holding period brackets of §33 VI–VII: "more than" 20/30/40 years. */
enum land_holding {
  LAND_HOLD_UPTO_20 = 0,
  LAND_HOLD_OVER_20,
  LAND_HOLD_OVER_30,
  LAND_HOLD_OVER_40
};

struct land_tax_input {
  const char *current_value; /* 申報移轉現值: per m², or the share's total */
  bool current_is_total;
  const char *previous_value; /* 原規定地價或前次移轉現值: per m², or the share's total */
  bool previous_is_total;
  const char *area_m2;           /* the parcel's area */
  const char *share;             /* 權利範圍 transferred; blank = 1 */
  const char *cpi;               /* 消費者物價總指數, percent: "500", "103.2" */
  const char *improvement_costs; /* NT$ total: 改良土地費用, 工程受益費, 重劃負擔; blank = 0 */
  /* Holding period: both dates (YYYY-MM-DD), or else holding_years (a decimal). */
  const char *acquired_on;
  const char *transferred_on; /* may not be after today */
  const char *holding_years;
  struct civil_date today;
  enum land_tax_use use;
  bool one_home; /* 一生一屋 (§34 V): limits 150 / 350 m²; needs self-use and 6 years held */
  bool readjusted; /* first transfer after land readjustment: tax reduced by 40% (§39-1) */
};

/* One part of the calculation: the self-use part at 10%, or the part taxed by the table. */
struct land_tax_part {
  bool present;
  struct rational area_m2;  /* the area this part covers */
  struct rational fraction; /* of a and B */
  struct rational a, b;
  int a_rate_percent; /* tax = a × a_rate% − B × b_rate% */
  int b_rate_percent;
  const char *formula_key; /* "land_tax_formula_self_use", "land_tax_formula_t3_over20", … */
  struct rational tax;     /* exact */
};

struct land_tax_result {
  struct land_error error;
  const char *estimate_key; /* LAND_TAX_ESTIMATE_KEY */
  /* inputs as understood */
  struct rational area_m2, share, transferred_area_m2;
  struct rational current_total, previous_total, improvement_costs;
  struct rational cpi_percent, cpi_used_percent; /* used = max(cpi, 100) */
  bool cpi_raised_to_100;
  struct rational holding_years; /* as typed, or whole years completed between the dates */
  enum land_holding holding;
  struct rational self_use_limit_m2; /* 0 for general use */
  /* working */
  struct rational a, b, m;
  bool has_increment; /* a > 0; otherwise no tax and tier 0 */
  int tier;           /* 1, 2 or 3 */
  struct land_tax_part self_use, general;
  struct rational tax_before_reduction, reduction, tax_after_reduction;
  int64_t tax;         /* whole NT$, rounded half-up once, from tax_after_reduction */
  bool levied;         /* tax > NT$100 */
  int64_t tax_payable; /* tax when levied, else 0 */
};

/* ST_OK with the result, or ST_INVALID with out->error set. */
int land_tax_calculate(const struct land_tax_input *in, struct land_tax_result *out);

const char *land_holding_code(enum land_holding h); /* "upto20", "over20", "over30", "over40" */

/* The whole result as a view model; rationals as rational_to_json(), money as integers. */
json_t *land_tax_to_json(const struct land_tax_result *r);

#endif
