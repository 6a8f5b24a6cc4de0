/*
 * land_fees_test.c - registration fee, title deeds, late penalty, boundary survey and viewing.
 *
 * Rules from DOMAIN.md ("Land-office tools") and the laws it cites: 土地法 §65 (2‰), §76 (1‰),
 * §73 II (1 month, inheritance 6 months, one more fee per month late, at most 20×), 土地登記規則
 * §46 I (under NT$1 not charged), the 書狀費 NT$80 per sheet (土地或建築改良物權利書狀及申請
 * 應用地籍資料規費收費標準 §2, 2023-04-20, as quoted on the Kaohsiung land office fee page
 * dl-land.kcg.gov.tw/CP/1527). Period ends follow 民法 §120 II and §121. The amounts are derived
 * by hand from those rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "domain/land/fees.h"
#include "domain/land/input.h"
#include "base/common.h"

static const struct civil_date today = {2026, 3, 2};

static struct land_registration_input change(const char *value)
{
  return (struct land_registration_input){.kind = LAND_REG_CHANGE, .value = value, .today = today};
}

static struct land_registration_result registration(struct land_registration_input in)
{
  struct land_registration_result r;
  assert_int_equal(land_fee_registration(&in, &r), ST_OK);
  return r;
}

static void test_change_of_rights_one_per_mille(void **state)
{
  /* NT$3,000,000 declared value × 1‰ = NT$3,000. */
  struct land_registration_result r = registration(change("3,000,000"));
  assert_int_equal(r.rate_per_mille, 1);
  assert_int_equal(r.fee, 3000);
  assert_int_equal(r.fees.count, 1);
  assert_string_equal(r.fees.lines[0].label_key, "land_fee_registration");
  assert_int_equal(r.fees.total, 3000);
  assert_false(r.penalty_considered);
}

static void test_first_registration_two_per_mille_with_deeds(void **state)
{
  /* Building first registration, value NT$5,432,100 × 2‰ = 10,864.2 -> NT$10,864; two title
   * deed sheets NT$160; total NT$11,024. */
  struct land_registration_input in = change("5432100");
  in.kind = LAND_REG_FIRST;
  in.sheets = "2";
  struct land_registration_result r = registration(in);
  assert_int_equal(r.rate_per_mille, 2);
  assert_int_equal(r.fee_exact.num, 54321);
  assert_int_equal(r.fee_exact.den, 5);
  assert_int_equal(r.fee, 10864);
  assert_int_equal(r.fees.count, 2);
  assert_string_equal(r.fees.lines[1].label_key, "land_fee_title_deed");
  assert_int_equal(r.fees.lines[1].quantity, 2);
  assert_int_equal(r.fees.lines[1].unit_price, 80);
  assert_int_equal(r.fees.lines[1].amount, 160);
  assert_int_equal(r.fees.total, 11024);
}

static void test_fee_rounding_half_up(void **state)
{
  assert_int_equal(registration(change("1234500")).fee, 1235); /* 1,234.5 -> 1,235 */
  assert_int_equal(registration(change("1234499")).fee, 1234); /* 1,234.499 -> 1,234 */
  assert_int_equal(registration(change("1499.99")).fee, 1);    /* 1.49999 -> 1 */
  assert_int_equal(registration(change("1500")).fee, 2);       /* 1.5 -> 2 */
}

static void test_fee_under_one_dollar_not_charged(void **state)
{
  /* 0.999 and even 0.5 (which half-up would make NT$1) are under NT$1: not charged. */
  struct land_registration_result r = registration(change("999"));
  assert_true(r.fee_under_one);
  assert_int_equal(r.fee, 0);
  r = registration(change("500"));
  assert_true(r.fee_under_one);
  assert_int_equal(r.fee, 0);
  r = registration(change("1000"));
  assert_false(r.fee_under_one);
  assert_int_equal(r.fee, 1);
  r = registration(change("0"));
  assert_int_equal(r.fees.total, 0);
}

static void test_value_from_per_m2_area_and_share(void **state)
{
  /* 申報地價 NT$12,345.6/m² × 123.45 m² × 1/2 = 762,032.16; × 1‰ = 762.03216 -> NT$762. */
  struct land_registration_input in = {.kind = LAND_REG_CHANGE,
                                       .value_per_m2 = "12345.6",
                                       .area_m2 = "123.45",
                                       .share = "1/2",
                                       .today = today};
  struct land_registration_result r = registration(in);
  assert_int_equal(r.value.num, 19050804);
  assert_int_equal(r.value.den, 25);
  assert_int_equal(r.fee, 762);
  in.share = "2分之1"; /* the register's own order: denominator first */
  assert_int_equal(registration(in).fee, 762);
}

static void assert_period_end(struct civil_date cause, int months, struct civil_date want)
{
  struct civil_date got = land_period_end(cause, months);
  assert_int_equal(got.year, want.year);
  assert_int_equal(got.month, want.month);
  assert_int_equal(got.day, want.day);
}

static void test_period_end_civil_code(void **state)
{
  /* 民法 §120 II: the day of the cause is not counted; §121 I: the period ends the day before
   * the corresponding day; §121 II: without one, on the last day of that month. */
  assert_period_end((struct civil_date){2024, 3, 1}, 1, (struct civil_date){2024, 4, 1});
  assert_period_end((struct civil_date){2024, 3, 15}, 1, (struct civil_date){2024, 4, 15});
  assert_period_end((struct civil_date){2023, 1, 31}, 1, (struct civil_date){2023, 2, 28});
  assert_period_end((struct civil_date){2024, 1, 30}, 1, (struct civil_date){2024, 2, 29});
  /* Counting starts on 1 March, the first of a month: the period is all of March. */
  assert_period_end((struct civil_date){2023, 2, 28}, 1, (struct civil_date){2023, 3, 31});
  assert_period_end((struct civil_date){2023, 12, 31}, 1, (struct civil_date){2024, 1, 31});
  assert_period_end((struct civil_date){2024, 1, 15}, 6, (struct civil_date){2024, 7, 15});
  assert_period_end((struct civil_date){2024, 8, 31}, 6, (struct civil_date){2025, 2, 28});
}

static struct land_registration_result late(const char *cause, const char *application,
                                            enum land_registration_cause kind)
{
  struct land_registration_input in = change("2,000,000"); /* fee NT$2,000 */
  in.cause = kind;
  in.cause_date = cause;
  in.application_date = application;
  return registration(in);
}

static void test_late_penalty_started_months(void **state)
{
  /* Sale on 2024-03-01: due 2024-04-01. */
  struct land_registration_result r = late("2024-03-01", "2024-04-01", LAND_CAUSE_GENERAL);
  assert_true(r.penalty_considered);
  assert_int_equal(r.due_date.month, 4);
  assert_int_equal(r.due_date.day, 1);
  assert_int_equal(r.months_late, 0);
  assert_int_equal(r.penalty, 0);
  assert_int_equal(r.fees.count, 1);
  /* One day late is a started month: 1× (NT$2,000). */
  r = late("2024-03-01", "2024-04-02", LAND_CAUSE_GENERAL);
  assert_int_equal(r.months_late, 1);
  assert_int_equal(r.penalty, 2000);
  assert_int_equal(r.fees.count, 2);
  assert_string_equal(r.fees.lines[1].label_key, "land_fee_late_penalty");
  assert_int_equal(r.fees.lines[1].quantity, 1);
  assert_int_equal(r.fees.total, 4000);
  /* The first late month ends 2024-05-01; the next day starts the second. */
  assert_int_equal(late("2024-03-01", "2024-05-01", LAND_CAUSE_GENERAL).months_late, 1);
  assert_int_equal(late("2024-03-01", "2024-05-02", LAND_CAUSE_GENERAL).months_late, 2);
  /* 20 started months: 20×; 21 and more: still 20×. */
  r = late("2024-03-01", "2025-12-01", LAND_CAUSE_GENERAL);
  assert_int_equal(r.months_late, 20);
  assert_int_equal(r.penalty_multiplier, 20);
  r = late("2024-03-01", "2025-12-02", LAND_CAUSE_GENERAL);
  assert_int_equal(r.months_late, 21);
  assert_int_equal(r.penalty_multiplier, 20);
  assert_int_equal(r.penalty, 40000);
  r = late("1990-03-01", "", LAND_CAUSE_GENERAL); /* blank application date: today */
  assert_int_equal(r.penalty_multiplier, 20);
  assert_int_equal(r.months_late, (2026 - 1990) * 12);
}

static void test_late_penalty_inheritance_six_months(void **state)
{
  /* Death on 2024-01-15: due 2024-07-15. */
  struct land_registration_result r = late("2024-01-15", "2024-07-15", LAND_CAUSE_INHERITANCE);
  assert_int_equal(r.months_late, 0);
  r = late("2024-01-15", "2024-07-16", LAND_CAUSE_INHERITANCE);
  assert_int_equal(r.months_late, 1);
  assert_int_equal(r.penalty, 2000);
  /* The same dates for a sale are six months late and more. */
  assert_int_equal(late("2024-01-15", "2024-07-16", LAND_CAUSE_GENERAL).months_late, 6);
}

static void test_no_penalty_for_first_registration(void **state)
{
  struct land_registration_input in = change("1000000");
  in.kind = LAND_REG_FIRST;
  in.cause_date = "2020-01-01";
  struct land_registration_result r = registration(in);
  assert_false(r.penalty_considered);
  assert_int_equal(r.fees.total, 2000);
}

static void assert_registration_refused(struct land_registration_input in, const char *field,
                                        enum land_err reason)
{
  struct land_registration_result r;
  assert_int_equal(land_fee_registration(&in, &r), ST_INVALID);
  assert_int_equal(r.error.reason, reason);
  assert_string_equal(r.error.field, field);
}

static void test_registration_refusals(void **state)
{
  assert_registration_refused(change("-1"), "value", LAND_ERR_NEGATIVE_VALUE);
  assert_registration_refused(change("1.234"), "value", LAND_ERR_TOO_MANY_DECIMALS);
  assert_registration_refused(change("1000000000000000"), "value", LAND_ERR_TOO_LARGE);
  struct land_registration_input in = change(NULL);
  assert_registration_refused(in, "value_per_m2", LAND_ERR_MISSING);
  in.value_per_m2 = "100";
  in.area_m2 = "-3";
  assert_registration_refused(in, "area_m2", LAND_ERR_NEGATIVE_AREA);
  in.area_m2 = "3";
  in.share = "3/2";
  assert_registration_refused(in, "share", LAND_ERR_SHARE_OVER_ONE);
  in.share = "0/5";
  assert_registration_refused(in, "share", LAND_ERR_SHARE_ZERO);
  in.share = "a/b";
  assert_registration_refused(in, "share", LAND_ERR_SHARE_FORMAT);
  in = change("100");
  in.sheets = "-1";
  assert_registration_refused(in, "sheets", LAND_ERR_COUNT_RANGE);
  in = change("100");
  in.cause_date = "2026-03-03"; /* tomorrow */
  assert_registration_refused(in, "cause_date", LAND_ERR_FUTURE_DATE);
  in.cause_date = "2025-02-29";
  assert_registration_refused(in, "cause_date", LAND_ERR_DATE_FORMAT);
  in.cause_date = "2025/01/01";
  assert_registration_refused(in, "cause_date", LAND_ERR_DATE_FORMAT);
  in.cause_date = "2025-01-10";
  in.application_date = "2025-01-09";
  assert_registration_refused(in, "application_date", LAND_ERR_DATE_ORDER);
  in = change("100");
  in.kind = (enum land_registration_kind)7;
  assert_registration_refused(in, "kind", LAND_ERR_UNKNOWN_KIND);
  assert_string_equal(land_err_key(LAND_ERR_FUTURE_DATE), "land_err_future_date");
}

static struct land_fee_breakdown survey(const struct land_survey_parcel *p, size_t n)
{
  struct land_fee_breakdown b;
  struct land_error e;
  assert_int_equal(land_fee_boundary_survey(p, n, &b, &e), ST_OK);
  return b;
}

static void test_boundary_survey(void **state)
{
  /* 150 m² with 6 points: NT$2,500 + 2 started groups × NT$1,000 = NT$4,500. */
  struct land_survey_parcel one[] = {{"150", "6"}};
  struct land_fee_breakdown b = survey(one, 1);
  assert_int_equal(b.count, 2);
  assert_string_equal(b.lines[0].label_key, "land_fee_survey_under_200");
  assert_int_equal(b.lines[1].quantity, 2);
  assert_int_equal(b.total, 4500);
  /* Band edges: 199.99 < 200; exactly 200, 1,000 and 10,000 m² start the next band. */
  struct land_survey_parcel edges[] = {{"199.99", "0"}, {"200", "5"},   {"999.99", "10"},
                                       {"1000", "11"},  {"10000", "1"}, {"9999.99", "0"}};
  b = survey(edges, ARRAY_LEN(edges));
  assert_int_equal(b.count, 5);
  assert_int_equal(b.lines[0].amount, 2500);            /* 1 parcel < 200 */
  assert_int_equal(b.lines[1].amount, 6000);            /* 200 and 999.99 */
  assert_int_equal(b.lines[2].amount, 7000);            /* 1,000 and 9,999.99 */
  assert_int_equal(b.lines[3].amount, 4000);            /* 10,000 */
  assert_int_equal(b.lines[4].quantity, 1 + 2 + 3 + 1); /* 5, 10, 11, 1 points */
  assert_int_equal(b.total, 2500 + 6000 + 7000 + 4000 + 7000);
}

static void test_boundary_survey_refusals(void **state)
{
  struct land_fee_breakdown b;
  struct land_error e;
  struct land_survey_parcel bad_area[] = {{"-5", "3"}};
  assert_int_equal(land_fee_boundary_survey(bad_area, 1, &b, &e), ST_INVALID);
  assert_int_equal(e.reason, LAND_ERR_NEGATIVE_AREA);
  /* A parcel of 0 m² has no band (the "by service" schedule refuses it too). */
  struct land_survey_parcel zero_area[] = {{"0", "3"}};
  assert_int_equal(land_fee_boundary_survey(zero_area, 1, &b, &e), ST_INVALID);
  assert_int_equal(e.reason, LAND_ERR_ZERO_AREA);
  assert_string_equal(e.field, "area_m2");
  struct land_survey_parcel bad_points[] = {{"5", "-3"}};
  assert_int_equal(land_fee_boundary_survey(bad_points, 1, &b, &e), ST_INVALID);
  assert_int_equal(e.reason, LAND_ERR_COUNT_RANGE);
  assert_int_equal(land_fee_boundary_survey(bad_points, 0, &b, &e), ST_INVALID);
  assert_string_equal(e.field, "parcels");
}

static void test_viewing(void **state)
{
  /* At the office: 2 parcels for 12 minutes = 3 started 5-minute blocks each -> 6 × NT$20,
   * plus 3 printed sheets × NT$20: NT$180. */
  struct land_viewing_input in = {LAND_VIEW_OFFICE, "2", "12", "3"};
  struct land_fee_breakdown b;
  struct land_error e;
  assert_int_equal(land_fee_viewing(&in, &b, &e), ST_OK);
  assert_int_equal(b.lines[0].quantity, 6);
  assert_int_equal(b.total, 180);
  in = (struct land_viewing_input){LAND_VIEW_OFFICE, "1", "5", NULL};
  assert_int_equal(land_fee_viewing(&in, &b, &e), ST_OK);
  assert_int_equal(b.total, 20);
  in = (struct land_viewing_input){LAND_VIEW_ONLINE, "4", NULL, ""};
  assert_int_equal(land_fee_viewing(&in, &b, &e), ST_OK);
  assert_string_equal(b.lines[0].label_key, "land_fee_viewing_online");
  assert_int_equal(b.total, 40);
  in = (struct land_viewing_input){LAND_VIEW_OFFICE, "1", "0", NULL};
  assert_int_equal(land_fee_viewing(&in, &b, &e), ST_INVALID);
  assert_string_equal(e.field, "minutes");
  in = (struct land_viewing_input){LAND_VIEW_ONLINE, "x", NULL, NULL};
  assert_int_equal(land_fee_viewing(&in, &b, &e), ST_INVALID);
  assert_int_equal(e.reason, LAND_ERR_NOT_A_NUMBER);
}

static void test_json(void **state)
{
  struct land_registration_result r = late("2024-03-01", "2024-04-02", LAND_CAUSE_GENERAL);
  json_t *j = land_registration_to_json(&r);
  assert_non_null(j);
  json_t *penalty = json_object_get(j, "penalty");
  assert_string_equal(json_string_value(json_object_get(penalty, "due_date")), "2024-04-01");
  assert_int_equal(json_integer_value(json_object_get(penalty, "multiplier")), 1);
  json_t *fees = json_object_get(j, "fees");
  assert_int_equal(json_integer_value(json_object_get(fees, "total")), 4000);
  assert_int_equal(json_array_size(json_object_get(fees, "lines")), 2);
  json_decref(j);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_change_of_rights_one_per_mille),
      cmocka_unit_test(test_first_registration_two_per_mille_with_deeds),
      cmocka_unit_test(test_fee_rounding_half_up),
      cmocka_unit_test(test_fee_under_one_dollar_not_charged),
      cmocka_unit_test(test_value_from_per_m2_area_and_share),
      cmocka_unit_test(test_period_end_civil_code),
      cmocka_unit_test(test_late_penalty_started_months),
      cmocka_unit_test(test_late_penalty_inheritance_six_months),
      cmocka_unit_test(test_no_penalty_for_first_registration),
      cmocka_unit_test(test_registration_refusals),
      cmocka_unit_test(test_boundary_survey),
      cmocka_unit_test(test_boundary_survey_refusals),
      cmocka_unit_test(test_viewing),
      cmocka_unit_test(test_json),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
