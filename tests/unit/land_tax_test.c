/*
 * land_tax_test.c - land value increment tax trial calculation (土地稅法 §28–§39).
 *
 * Sources: the first example is the land-scrivener exam example recorded in DOMAIN.md
 * ("Land-office tools"): 500 m² urban land, NT$80,000/m² now, NT$2,000/m² before, CPI 500,
 * held 23 years -> a = 35,000,000, B = 5,000,000, m = 7 -> NT$11,400,000. Every other expected
 * figure is derived by hand from the formula in 土地稅法 §33 (the tier table in DOMAIN.md),
 * §34 (self-use 10% within 300 / 700 m²; 一生一屋 150 / 350 m²) and §39-1 (40% reduction);
 * the arithmetic is written out next to each assertion.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "domain/land/input.h"
#include "domain/land/tax.h"
#include "base/common.h"

static const struct civil_date today = {2026, 3, 2};

static void assert_rational(struct rational r, int64_t num, int64_t den)
{
  assert_int_equal(r.num, num);
  assert_int_equal(r.den, den);
}

/* The exam example: general (not self-use) urban land. */
static struct land_tax_input exam(void)
{
  return (struct land_tax_input){.current_value = "80,000",
                                 .previous_value = "2000",
                                 .area_m2 = "500",
                                 .cpi = "500",
                                 .holding_years = "23",
                                 .today = today,
                                 .use = LAND_USE_GENERAL};
}

/* Totals with CPI 100, so B = previous and m = a / previous. */
static struct land_tax_input totals(const char *current, const char *previous)
{
  return (struct land_tax_input){.current_value = current,
                                 .current_is_total = true,
                                 .previous_value = previous,
                                 .previous_is_total = true,
                                 .area_m2 = "100",
                                 .cpi = "100",
                                 .holding_years = "10",
                                 .today = today};
}

static struct land_tax_result calc(struct land_tax_input in)
{
  struct land_tax_result r;
  int rc = land_tax_calculate(&in, &r);
  if (rc)
    fail_msg("refused: %s (%s)", land_err_key(r.error.reason), r.error.field ? r.error.field : "-");
  return r;
}

static void test_exam_example(void **state)
{
  struct land_tax_result r = calc(exam());
  assert_rational(r.a, 35000000, 1);
  assert_rational(r.b, 5000000, 1);
  assert_rational(r.m, 7, 1);
  assert_int_equal(r.tier, 3);
  assert_int_equal(r.holding, LAND_HOLD_OVER_20);
  assert_false(r.self_use.present);
  assert_true(r.general.present);
  assert_int_equal(r.general.a_rate_percent, 36);
  assert_int_equal(r.general.b_rate_percent, 24);
  assert_string_equal(r.general.formula_key, "land_tax_formula_t3_over20");
  /* 35,000,000 × 36% − 5,000,000 × 24% = 12,600,000 − 1,200,000 = 11,400,000. */
  assert_int_equal(r.tax, 11400000);
  assert_true(r.levied);
  assert_int_equal(r.tax_payable, 11400000);
  assert_string_equal(r.estimate_key, "land_tax_estimate_notice");
}

static void test_tier_boundary_m_exactly_1(void **state)
{
  /* a = B = 1,000,000: m = 1 is tier 2. a×30% − B×10% = 200,000 (the tiers meet there). */
  struct land_tax_result r = calc(totals("2000000", "1000000"));
  assert_rational(r.m, 1, 1);
  assert_int_equal(r.tier, 2);
  assert_int_equal(r.general.a_rate_percent, 30);
  assert_int_equal(r.tax, 200000);
  /* a = 999,999: m < 1, tier 1, 20% = 199,999.8 -> rounded half-up to 200,000. */
  r = calc(totals("1999999", "1000000"));
  assert_int_equal(r.tier, 1);
  assert_string_equal(r.general.formula_key, "land_tax_formula_t1");
  assert_rational(r.general.tax, 999999, 5);
  assert_int_equal(r.tax, 200000);
}

static void test_tier_boundary_m_exactly_2(void **state)
{
  /* a = 2,000,000, B = 1,000,000: m = 2 is tier 3: 800,000 − 300,000 = 500,000. */
  struct land_tax_result r = calc(totals("3000000", "1000000"));
  assert_rational(r.m, 2, 1);
  assert_int_equal(r.tier, 3);
  assert_int_equal(r.tax, 500000);
  /* m just under 2: tier 2: 1,999,999 × 30% − 1,000,000 × 10% = 499,999.7 -> 500,000. */
  r = calc(totals("2999999", "1000000"));
  assert_int_equal(r.tier, 2);
  assert_int_equal(r.tax, 500000);
  /* Held over 40 years: tier 3, 2,000,000 × 32% − 1,000,000 × 18% = 460,000. */
  struct land_tax_input in = totals("3000000", "1000000");
  in.holding_years = "41";
  r = calc(in);
  assert_string_equal(r.general.formula_key, "land_tax_formula_t3_over40");
  assert_int_equal(r.tax, 460000);
}

static int64_t exam_tax_with_dates(const char *acquired, const char *transferred,
                                   enum land_holding want)
{
  struct land_tax_input in = exam();
  in.holding_years = NULL;
  in.acquired_on = acquired;
  in.transferred_on = transferred;
  struct land_tax_result r = calc(in);
  assert_int_equal(r.holding, want);
  return r.tax;
}

static void test_holding_boundaries_by_date(void **state)
{
  /* Exactly 20 years is "20 years or less": 35M × 40% − 5M × 30% = 12,500,000. */
  assert_int_equal(exam_tax_with_dates("2000-01-10", "2020-01-10", LAND_HOLD_UPTO_20), 12500000);
  /* 20 years and a day: 35M × 36% − 5M × 24% = 11,400,000. */
  assert_int_equal(exam_tax_with_dates("2000-01-10", "2020-01-11", LAND_HOLD_OVER_20), 11400000);
  /* Exactly 30 years is still only "more than 20". */
  assert_int_equal(exam_tax_with_dates("1990-01-10", "2020-01-10", LAND_HOLD_OVER_20), 11400000);
  /* 30 years and a day: 35M × 34% − 5M × 21% = 11,900,000 − 1,050,000 = 10,850,000. */
  assert_int_equal(exam_tax_with_dates("1990-01-10", "2020-01-11", LAND_HOLD_OVER_30), 10850000);
  assert_int_equal(exam_tax_with_dates("1980-01-10", "2020-01-10", LAND_HOLD_OVER_30), 10850000);
  /* 40 years and a day: 35M × 32% − 5M × 18% = 11,200,000 − 900,000 = 10,300,000. */
  assert_int_equal(exam_tax_with_dates("1980-01-10", "2020-01-11", LAND_HOLD_OVER_40), 10300000);
  /* Acquired on 29 February: the 30th anniversary in 2026 is taken as 28 February. */
  exam_tax_with_dates("1996-02-29", "2026-02-28", LAND_HOLD_OVER_20);
  exam_tax_with_dates("1996-02-29", "2026-03-01", LAND_HOLD_OVER_30);
  exam_tax_with_dates("2004-02-29", "2024-02-29", LAND_HOLD_UPTO_20);
  exam_tax_with_dates("2004-02-29", "2024-03-01", LAND_HOLD_OVER_20);
}

static void test_holding_boundaries_by_years(void **state)
{
  struct land_tax_input in = exam();
  in.holding_years = "20";
  assert_int_equal(calc(in).holding, LAND_HOLD_UPTO_20);
  in.holding_years = "20.01";
  assert_int_equal(calc(in).holding, LAND_HOLD_OVER_20);
  in.holding_years = "30";
  assert_int_equal(calc(in).holding, LAND_HOLD_OVER_20);
  in.holding_years = "40";
  assert_int_equal(calc(in).holding, LAND_HOLD_OVER_30);
  in.holding_years = "40.5";
  assert_int_equal(calc(in).holding, LAND_HOLD_OVER_40);
  in.holding_years = "0";
  assert_int_equal(calc(in).holding, LAND_HOLD_UPTO_20);
}

static void test_self_use_split_urban(void **state)
{
  /* 400 m² urban self-use, NT$50,000/m² now, NT$10,000/m² before, CPI 120, 10 years:
   * current 20,000,000; B = 4,000,000 × 1.2 = 4,800,000; a = 15,200,000; m = 19/6 (tier 3).
   * 300 m² self-use (3/4): a = 11,400,000 × 10% = 1,140,000.
   * 100 m² general (1/4): a = 3,800,000, B = 1,200,000: 1,520,000 − 360,000 = 1,160,000.
   * Total 2,300,000. */
  struct land_tax_input in = {.current_value = "50000",
                              .previous_value = "10000",
                              .area_m2 = "400",
                              .cpi = "120",
                              .holding_years = "10",
                              .today = today,
                              .use = LAND_USE_SELF_URBAN};
  struct land_tax_result r = calc(in);
  assert_rational(r.a, 15200000, 1);
  assert_rational(r.b, 4800000, 1);
  assert_rational(r.m, 19, 6);
  assert_true(r.self_use.present);
  assert_rational(r.self_use.area_m2, 300, 1);
  assert_rational(r.self_use.fraction, 3, 4);
  assert_rational(r.self_use.a, 11400000, 1);
  assert_rational(r.self_use.tax, 1140000, 1);
  assert_string_equal(r.self_use.formula_key, "land_tax_formula_self_use");
  assert_true(r.general.present);
  assert_rational(r.general.area_m2, 100, 1);
  assert_rational(r.general.a, 3800000, 1);
  assert_rational(r.general.b, 1200000, 1);
  assert_string_equal(r.general.formula_key, "land_tax_formula_t3_upto20");
  assert_rational(r.general.tax, 1160000, 1);
  assert_int_equal(r.tax, 2300000);
  /* Within the limit there is no general part: 300 m² of the same land is all at 10%. */
  in.area_m2 = "300";
  r = calc(in);
  assert_false(r.general.present);
  assert_int_equal(r.tax, 1140000); /* a = 11,400,000 × 10% */
}

static void test_self_use_non_urban_and_one_home(void **state)
{
  /* 1,000 m² non-urban self-use, the exam's values per m² (a = 70,000,000, B = 10,000,000,
   * m = 7, held 23 years): 700 m² (7/10): 49,000,000 × 10% = 4,900,000; 300 m² general:
   * 21,000,000 × 36% − 3,000,000 × 24% = 7,560,000 − 720,000 = 6,840,000. Total 11,740,000. */
  struct land_tax_input in = exam();
  in.area_m2 = "1000";
  in.use = LAND_USE_SELF_NON_URBAN;
  struct land_tax_result r = calc(in);
  assert_rational(r.self_use_limit_m2, 700, 1);
  assert_int_equal(r.tax, 11740000);
  /* 一生一屋, urban, 200 m² of the exam land (a = 14,000,000, B = 2,000,000): 150 m² (3/4):
   * 10,500,000 × 10% = 1,050,000; 50 m²: 3,500,000 × 36% − 500,000 × 24% = 1,140,000.
   * Total 2,190,000. */
  in = exam();
  in.area_m2 = "200";
  in.use = LAND_USE_SELF_URBAN;
  in.one_home = true;
  r = calc(in);
  assert_rational(r.self_use_limit_m2, 150, 1);
  assert_rational(r.self_use.area_m2, 150, 1);
  assert_int_equal(r.tax, 2190000);
  in.use = LAND_USE_SELF_NON_URBAN; /* 350 m² limit: all 200 m² at 10% = 1,400,000 */
  assert_int_equal(calc(in).tax, 1400000);
}

static void test_cpi_below_100_taken_as_100(void **state)
{
  /* CPI 95.5 is raised to 100: B = previous = 1,000,000; a = 500,000; 20% = 100,000. */
  struct land_tax_input in = totals("1500000", "1000000");
  in.cpi = "95.5";
  struct land_tax_result r = calc(in);
  assert_true(r.cpi_raised_to_100);
  assert_rational(r.cpi_percent, 191, 2);
  assert_rational(r.cpi_used_percent, 100, 1);
  assert_rational(r.b, 1000000, 1);
  assert_int_equal(r.tax, 100000);
  /* CPI 103.2 is used as it is: B = 1,032,000; a = 468,000; 20% = 93,600. */
  in.cpi = "103.2";
  r = calc(in);
  assert_false(r.cpi_raised_to_100);
  assert_rational(r.b, 1032000, 1);
  assert_int_equal(r.tax, 93600);
}

static void test_share_half(void **state)
{
  /* Half of the exam land: a = 17,500,000, B = 2,500,000, m = 7:
   * 6,300,000 − 600,000 = 5,700,000. */
  struct land_tax_input in = exam();
  in.share = "1/2";
  struct land_tax_result r = calc(in);
  assert_rational(r.transferred_area_m2, 250, 1);
  assert_rational(r.a, 17500000, 1);
  assert_rational(r.m, 7, 1);
  assert_int_equal(r.tax, 5700000);
  in.share = "2分之1";
  assert_int_equal(calc(in).tax, 5700000);
  /* Half of the exam land as urban self-use: 250 m² transferred, all within 300 m², so all
   * of a at 10%: 17,500,000 × 10% = 1,750,000. */
  in.use = LAND_USE_SELF_URBAN;
  assert_int_equal(calc(in).tax, 1750000);
}

static void test_improvement_costs(void **state)
{
  /* Exam land with NT$5,000,000 of improvement costs: a = 30,000,000, m = 6:
   * 10,800,000 − 1,200,000 = 9,600,000. */
  struct land_tax_input in = exam();
  in.improvement_costs = "5,000,000";
  struct land_tax_result r = calc(in);
  assert_rational(r.a, 30000000, 1);
  assert_int_equal(r.tax, 9600000);
}

static void test_readjustment_reduction(void **state)
{
  /* 40% off the exam tax: 11,400,000 × 60% = 6,840,000. */
  struct land_tax_input in = exam();
  in.readjusted = true;
  struct land_tax_result r = calc(in);
  assert_rational(r.tax_before_reduction, 11400000, 1);
  assert_rational(r.reduction, 4560000, 1);
  assert_int_equal(r.tax, 6840000);
}

static void test_not_levied_at_100_or_less(void **state)
{
  /* a = 500: 20% = 100, not levied. a = 505: 101, levied. */
  struct land_tax_result r = calc(totals("1500", "1000"));
  assert_int_equal(r.tax, 100);
  assert_false(r.levied);
  assert_int_equal(r.tax_payable, 0);
  r = calc(totals("1505", "1000"));
  assert_int_equal(r.tax, 101);
  assert_true(r.levied);
  assert_int_equal(r.tax_payable, 101);
  /* 100.4 rounds to 100: not levied; 100.5 rounds to 101: levied. */
  assert_false(calc(totals("1502", "1000")).levied);  /* 502 × 20% = 100.4 */
  assert_true(calc(totals("1502.5", "1000")).levied); /* 502.5 × 20% = 100.5 */
}

static void test_rounding_half_up_once(void **state)
{
  /* a = 2,502.5 -> 500.5 -> 501; a = 2,502.49 -> 500.498 -> 500. */
  assert_int_equal(calc(totals("12502.5", "10000")).tax, 501);
  assert_int_equal(calc(totals("12502.49", "10000")).tax, 500);
  /* Rounded after the reduction, not before: 500.5 × 60% = 300.3 -> 300. */
  struct land_tax_input in = totals("12502.5", "10000");
  in.readjusted = true;
  struct land_tax_result r = calc(in);
  assert_rational(r.tax_after_reduction, 3003, 10);
  assert_int_equal(r.tax, 300);
}

static void test_no_increment_no_tax(void **state)
{
  struct land_tax_result r = calc(totals("1000000", "1000000"));
  assert_false(r.has_increment);
  assert_int_equal(r.tier, 0);
  assert_int_equal(r.tax, 0);
  assert_false(r.levied);
  r = calc(totals("800000", "1000000"));
  assert_rational(r.a, -200000, 1);
  assert_int_equal(r.tax, 0);
  /* Improvement costs can take a to zero as well. */
  struct land_tax_input in = totals("1500000", "1000000");
  in.improvement_costs = "600000";
  assert_false(calc(in).has_increment);
}

static void assert_refused(struct land_tax_input in, const char *field, enum land_err reason)
{
  struct land_tax_result r;
  assert_int_equal(land_tax_calculate(&in, &r), ST_INVALID);
  assert_int_equal(r.error.reason, reason);
  if (field)
    assert_string_equal(r.error.field, field);
}

static void test_bad_inputs(void **state)
{
  struct land_tax_input in = exam();
  in.area_m2 = "-500";
  assert_refused(in, "area_m2", LAND_ERR_NEGATIVE_AREA);
  in.area_m2 = "0";
  assert_refused(in, "area_m2", LAND_ERR_ZERO_AREA);
  in = exam();
  in.share = "3/2";
  assert_refused(in, "share", LAND_ERR_SHARE_OVER_ONE);
  in.share = "1.5";
  assert_refused(in, "share", LAND_ERR_SHARE_OVER_ONE);
  in.share = "-1/2";
  assert_refused(in, "share", LAND_ERR_SHARE_NEGATIVE);
  in = exam();
  in.current_value = "-1";
  assert_refused(in, "current_value", LAND_ERR_NEGATIVE_VALUE);
  in = exam();
  in.previous_value = "0";
  assert_refused(in, "previous_value", LAND_ERR_ZERO_VALUE);
  in = exam();
  in.improvement_costs = "-5";
  assert_refused(in, "improvement_costs", LAND_ERR_NEGATIVE_VALUE);
  in = exam();
  in.cpi = "0";
  assert_refused(in, "cpi", LAND_ERR_CPI_RANGE);
  in.cpi = "100001";
  assert_refused(in, "cpi", LAND_ERR_CPI_RANGE);
  in.cpi = "abc";
  assert_refused(in, "cpi", LAND_ERR_NOT_A_NUMBER);
  in.cpi = "";
  assert_refused(in, "cpi", LAND_ERR_MISSING);
  in = exam();
  in.holding_years = NULL;
  assert_refused(in, "holding_years", LAND_ERR_HOLDING_MISSING);
  in.holding_years = "-1";
  assert_refused(in, "holding_years", LAND_ERR_HOLDING_RANGE);
  in.holding_years = "201";
  assert_refused(in, "holding_years", LAND_ERR_HOLDING_RANGE);
}

static void test_bad_dates_and_flags(void **state)
{
  struct land_tax_input in = exam();
  in.acquired_on = "2000-01-01";
  in.transferred_on = "2026-03-03"; /* tomorrow */
  assert_refused(in, "transferred_on", LAND_ERR_FUTURE_DATE);
  in.transferred_on = "2026-03-02"; /* today is fine */
  assert_int_equal(calc(in).tax, 11400000);
  in.acquired_on = "2026-03-03";
  assert_refused(in, "acquired_on", LAND_ERR_DATE_ORDER);
  in.acquired_on = "2000-13-01";
  assert_refused(in, "acquired_on", LAND_ERR_DATE_FORMAT);
  in.acquired_on = NULL;
  assert_refused(in, "acquired_on", LAND_ERR_MISSING);
  in = exam();
  in.one_home = true;
  assert_refused(in, "one_home", LAND_ERR_ONE_HOME_NOT_SELF_USE);
  in.use = LAND_USE_SELF_URBAN;
  in.holding_years = "5.99";
  assert_refused(in, "one_home", LAND_ERR_ONE_HOME_HELD_SHORT);
  in.holding_years = "6";
  assert_int_equal(land_tax_calculate(&in, &(struct land_tax_result){0}), ST_OK);
  in.holding_years = NULL;
  in.acquired_on = "2020-03-02";
  in.transferred_on = "2026-03-01"; /* a day short of six years */
  assert_refused(in, "one_home", LAND_ERR_ONE_HOME_HELD_SHORT);
  in.transferred_on = "2026-03-02";
  assert_int_equal(land_tax_calculate(&in, &(struct land_tax_result){0}), ST_OK);
  in = exam();
  in.use = (enum land_tax_use)9;
  assert_refused(in, "use", LAND_ERR_UNKNOWN_KIND);
  in = exam();
  in.current_value = "99999999999999";
  in.area_m2 = "100000000000";
  assert_refused(in, NULL, LAND_ERR_TOO_LARGE);
}

static void test_json(void **state)
{
  struct land_tax_input in = exam();
  in.use = LAND_USE_SELF_URBAN;
  struct land_tax_result r = calc(in);
  json_t *j = land_tax_to_json(&r);
  assert_non_null(j);
  assert_string_equal(json_string_value(json_object_get(j, "estimate_key")),
                      "land_tax_estimate_notice");
  assert_string_equal(json_string_value(json_object_get(json_object_get(j, "m"), "exact")), "7");
  assert_int_equal(json_integer_value(json_object_get(j, "tier")), 3);
  json_t *general = json_object_get(j, "general");
  assert_string_equal(json_string_value(json_object_get(general, "formula_key")),
                      "land_tax_formula_t3_over20");
  assert_string_equal(json_string_value(json_object_get(json_object_get(j, "inputs"), "holding")),
                      "over20");
  assert_int_equal(json_integer_value(json_object_get(j, "tax")), r.tax);
  json_decref(j);
  struct land_error e = {LAND_ERR_SHARE_OVER_ONE, "share"};
  j = land_error_to_json(&e);
  assert_string_equal(json_string_value(json_object_get(j, "reason")), "land_err_share_over_one");
  json_decref(j);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_exam_example),
      cmocka_unit_test(test_tier_boundary_m_exactly_1),
      cmocka_unit_test(test_tier_boundary_m_exactly_2),
      cmocka_unit_test(test_holding_boundaries_by_date),
      cmocka_unit_test(test_holding_boundaries_by_years),
      cmocka_unit_test(test_self_use_split_urban),
      cmocka_unit_test(test_self_use_non_urban_and_one_home),
      cmocka_unit_test(test_cpi_below_100_taken_as_100),
      cmocka_unit_test(test_share_half),
      cmocka_unit_test(test_improvement_costs),
      cmocka_unit_test(test_readjustment_reduction),
      cmocka_unit_test(test_not_levied_at_100_or_less),
      cmocka_unit_test(test_rounding_half_up_once),
      cmocka_unit_test(test_no_increment_no_tax),
      cmocka_unit_test(test_bad_inputs),
      cmocka_unit_test(test_bad_dates_and_flags),
      cmocka_unit_test(test_json),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
