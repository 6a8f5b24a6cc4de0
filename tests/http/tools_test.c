/*
 * tools_test.c - the land-office calculators against a real server: every calculator in both
 * languages and as JSON (the DOMAIN.md exam example must come out as NT$11,400,000), full-width
 * input, refusals with the field named (400, nothing reflected unescaped), and 404 for offices
 * that are not land offices.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "harness.h"

#define EXAM "area_m2=500&current_value=80%2C000&previous_value=2000&cpi=500&holding_years=23"

static struct server server;

static int setup(void **state)
{
  const char *env[] = {"BIANMIN_RATE_PUBLIC=100000", NULL};
  return server_start(&server, env) ? -1 : 0;
}

static int teardown(void **state)
{
  return server_stop(&server) == 0 ? 0 : -1;
}

/* GET path with lang=<lang> added; the body must have status `status`. */
static void get_page(const char *path, const char *lang, long status, struct response *r)
{
  char url[2048];
  snprintf(url, sizeof(url), "%s%slang=%s", path, strchr(path, '?') ? "&" : "?", lang);
  assert_int_equal(http_get(&server, url, r), 0);
  if (r->status != status)
    fail_msg("GET %s: status %ld, expected %ld:\n%.2000s", url, r->status, status, r->body);
}

static json_t *get_json(const char *path, long status)
{
  const char *headers[] = {"Accept: application/json", NULL};
  struct response r;
  assert_int_equal(http_call(&server, "GET", path, headers, NULL, 0, &r), 0);
  if (r.status != status)
    fail_msg("GET %s: status %ld, expected %ld:\n%.2000s", path, r.status, status, r.body);
  json_t *j = response_json(&r);
  assert_non_null(j);
  response_free(&r);
  return j;
}

/* Percent-encodes UTF-8 text for a query string (malloc'd). */
static char *enc(const char *s)
{
  char *e = curl_easy_escape(NULL, s, 0);
  char *copy = strdup(e);
  curl_free(e);
  return copy;
}

static void expect(const char *path, const char *lang, long status, const char *needle)
{
  struct response r;
  get_page(path, lang, status, &r);
  expect_contains(r.body, needle);
  response_free(&r);
}

static void test_index_in_both_languages(void **state)
{
  expect("/o/xinxing/tools", "zh-TW", 200, "土地試算與查詢");
  expect("/o/xinxing/tools", "zh-TW", 200, "href=\"/o/xinxing/tools/tax\"");
  expect("/o/hsinchu/tools", "en", 200, "Land calculators and lookups");
  expect("/o/anle/tools", "en", 200, "href=\"/o/anle/parcels/address\"");
}

static void test_other_offices_are_not_found(void **state)
{
  const char *paths[] = {"/o/niaosong/tools",           "/o/niaosong/tools/area",
                         "/o/kh-udd/tools/tax?" EXAM,   "/o/kh-udd/tools/fees",
                         "/o/niaosong/parcels",         "/o/kh-udd/parcels/resurvey",
                         "/o/niaosong/parcels/address", "/o/no-such-office/tools"};
  for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
    struct response r;
    assert_int_equal(http_get(&server, paths[i], &r), 0);
    if (r.status != 404)
      fail_msg("%s: %ld", paths[i], r.status);
    response_free(&r);
  }
}

static void test_area_conversion(void **state)
{
  /* 1,210 m² typed with full-width digits and comma = 366.025 坪 exactly. */
  char path[512];
  char *value = enc("１，２１０");
  snprintf(path, sizeof(path), "/o/xinxing/tools/area?value=%s&unit=m2", value);
  free(value);
  expect(path, "zh-TW", 200, "366.025");
  expect(path, "zh-TW", 200, "1 坪 = 400/121 平方公尺");
  expect("/o/xinxing/tools/area?value=1&unit=jia", "en", 200, "2,934");
  expect("/o/xinxing/tools/area?value=1&unit=jia", "en", 200, "exactly 1173600/121");
  expect("/o/xinxing/tools/area", "en", 200, "1 ping = 400/121 m² exactly");
  json_t *j = get_json("/o/xinxing/tools/area?value=1&unit=ping", 200);
  json_t *m2 = json_array_get(
      json_object_get(json_object_get(json_object_get(j, "result"), "data"), "values"), 0);
  assert_string_equal(json_string_value(json_object_get(json_object_get(m2, "value"), "exact")),
                      "400/121");
  json_decref(j);
}

static void test_area_refusals(void **state)
{
  expect("/o/xinxing/tools/area?value=abc&unit=m2", "zh-TW", 400, "面積：請輸入數字");
  expect("/o/xinxing/tools/area?value=abc&unit=m2", "zh-TW", 400, "govuk-error-summary");
  expect("/o/xinxing/tools/area?value=abc&unit=m2", "en", 400, "Area: enter a number");
  expect("/o/xinxing/tools/area?value=-3&unit=m2", "en", 400, "href=\"#value\"");
  expect("/o/xinxing/tools/area?value=3&unit=acre", "en", 400, "Unit: choose a unit");
  struct response r;
  get_page("/o/xinxing/tools/area?value=%3Cscript%3Ealert(1)%3C%2Fscript%3E&unit=m2", "en", 400,
           &r);
  expect_lacks(r.body, "<script>alert");
  expect_contains(r.body, "&lt;script&gt;alert(1)");
  response_free(&r);
  json_t *j = get_json("/o/xinxing/tools/area?value=&unit=m2", 400);
  json_t *e = json_array_get(json_object_get(j, "errors"), 0);
  assert_string_equal(json_string_value(json_object_get(e, "field")), "value");
  json_decref(j);
}

static void test_tax_exam_example(void **state)
{
  expect("/o/xinxing/tools/tax?" EXAM, "zh-TW", 200, "NT$11,400,000");
  /* figures whose exact fractions grow too large: said at the share, not the declared value */
  const char *odd = "/o/xinxing/tools/tax?area_m2=98765.43&share=3333/99999&current_value=180123&"
                    "previous_value=12003&cpi=487.93&holding_years=23";
  expect(odd, "en", 400, "href=\"#share\"");
  expect(odd, "en", 400, "use a simpler share");
  expect(odd, "zh-TW", 400, "請改用較簡短的持分");
  expect("/o/xinxing/tools/tax?" EXAM, "zh-TW", 200,
         "本試算僅供參考，實際稅額以稅捐稽徵機關核定為準");
  expect("/o/xinxing/tools/tax?" EXAM, "zh-TW", 200, "a × 36% − B × 24%");
  expect("/o/xinxing/tools/tax?" EXAM, "en", 200, "NT$11,400,000");
  expect("/o/xinxing/tools/tax?" EXAM, "en", 200, "assessment is binding");
  expect("/o/xinxing/tools/tax?" EXAM, "en", 200, "NT$35,000,000"); /* a */
  expect("/o/xinxing/tools/tax?" EXAM, "en", 200, "NT$5,000,000");  /* B */
  json_t *j = get_json("/o/xinxing/tools/tax?" EXAM, 200);
  json_t *data = json_object_get(json_object_get(j, "result"), "data");
  assert_int_equal(json_integer_value(json_object_get(data, "tax")), 11400000);
  assert_int_equal(json_integer_value(json_object_get(data, "tier")), 3);
  assert_string_equal(json_string_value(json_object_get(json_object_get(data, "a"), "exact")),
                      "35000000");
  assert_string_equal(json_string_value(json_object_get(json_object_get(data, "b"), "exact")),
                      "5000000");
  assert_string_equal(json_string_value(json_object_get(json_object_get(data, "m"), "exact")), "7");
  assert_string_equal(json_string_value(json_object_get(data, "estimate_key")),
                      "land_tax_estimate_notice");
  json_decref(j);
}

static void test_tax_variants(void **state)
{
  char path[512];
  char *full = enc("５００");
  snprintf(path, sizeof(path),
           "/o/xinxing/tools/tax?area_m2=%s&current_value=80000&previous_value=2000&cpi=500&"
           "holding_years=23",
           full);
  free(full);
  expect(path, "zh-TW", 200, "NT$11,400,000");
  /* self-use urban: 300 m² at 10% (2,100,000) + 200 m² general (4,560,000) */
  expect("/o/xinxing/tools/tax?" EXAM "&use=self_urban", "en", 200, "NT$6,660,000");
  /* first transfer after readjustment: 40% off */
  expect("/o/xinxing/tools/tax?" EXAM "&readjusted=1", "en", 200, "NT$6,840,000");
  /* half the parcel: the same as 250 m² */
  expect("/o/xinxing/tools/tax?" EXAM "&share=1/2", "en", 200, "NT$5,700,000");
  /* CPI below 100 is taken as 100: a = 100 - 10 = 90 -> NT$18, not levied */
  expect("/o/xinxing/tools/tax?area_m2=1&current_value=100&previous_value=10&cpi=95&"
         "holding_years=3",
         "en", 200, "is NT$100 or less and is not levied");
  expect("/o/xinxing/tools/tax?area_m2=1&current_value=100&previous_value=10&cpi=95&"
         "holding_years=3",
         "zh-TW", 200, "低於 100，以 100 計");
  /* dates instead of years: acquired 2003, transferred 2026 -> more than 20 years */
  expect("/o/xinxing/tools/tax?area_m2=500&current_value=80000&previous_value=2000&cpi=500&"
         "acquired_on=2003-01-15&transferred_on=2026-01-20",
         "en", 200, "NT$11,400,000");
}

static void test_tax_refusals(void **state)
{
  expect("/o/xinxing/tools/tax?area_m2=500&current_value=80000&previous_value=2000&"
         "holding_years=23",
         "zh-TW", 400, "消費者物價總指數（%）：請填寫");
  expect("/o/xinxing/tools/tax?area_m2=500&current_value=80000&previous_value=2000&"
         "holding_years=23",
         "en", 400, "Consumer price index (%): enter a value");
  expect("/o/xinxing/tools/tax?" EXAM "&share=3/2", "en", 400, "the share cannot be more");
  expect("/o/xinxing/tools/tax?" EXAM "&share=3/2", "en", 400, "href=\"#share\"");
  expect("/o/xinxing/tools/tax?" EXAM "&one_home=1", "zh-TW", 400, "一生一屋只適用於自用住宅用地");
  expect("/o/xinxing/tools/tax?area_m2=500&current_value=80000&previous_value=2000&cpi=500", "en",
         400, "give the acquisition and transfer dates, or the years held");
  expect("/o/xinxing/tools/tax?area_m2=500&current_value=80000&previous_value=2000&cpi=500&"
         "acquired_on=2003-01-15&transferred_on=2999-01-01",
         "en", 400, "Transferred on: the date cannot be after today");
  expect("/o/xinxing/tools/tax?" EXAM "&use=farm", "en", 400, "Use of the land: choose one");
  json_t *j = get_json("/o/xinxing/tools/tax?area_m2=0&current_value=1&previous_value=1&cpi=100&"
                       "holding_years=1",
                       400);
  json_t *e = json_array_get(json_object_get(j, "errors"), 0);
  assert_string_equal(json_string_value(json_object_get(e, "field")), "area_m2");
  json_decref(j);
}

static void test_fees_registration(void **state)
{
  /* 1‰ of NT$1,000,000 + 2 sheets × NT$80 */
  expect("/o/xinxing/tools/fees?calc=registration&reg_value=1%2C000%2C000&reg_sheets=2", "en", 200,
         "NT$1,160");
  /* first registration: 2‰ */
  expect("/o/xinxing/tools/fees?calc=registration&reg_kind=first&reg_value=1000000", "zh-TW", 200,
         "NT$2,000");
  /* per m² × area × share: 80,000 × 500 × 1/2 = 20,000,000 -> NT$20,000 */
  expect("/o/xinxing/tools/fees?calc=registration&reg_value_per_m2=80000&reg_area_m2=500&"
         "reg_share=1/2",
         "en", 200, "NT$20,000");
  /* years late: the penalty stops at 20 times: 1,000 + 20 × 1,000 */
  expect("/o/xinxing/tools/fees?calc=registration&reg_value=1000000&reg_cause_date=2020-01-01",
         "en", 200, "NT$21,000");
  expect("/o/xinxing/tools/fees?calc=registration&reg_value=1000000&reg_cause_date=2020-01-01",
         "zh-TW", 200, "逾期登記罰鍰");
  json_t *j =
      get_json("/o/xinxing/tools/fees?calc=registration&reg_value=1000000&reg_sheets=1", 200);
  json_t *data = json_object_get(json_object_get(j, "registration"), "data");
  assert_non_null(data);
  json_decref(j);
}

static void test_fees_survey_and_viewing(void **state)
{
  /* 150 m² (2,500) with 6 points (2 groups: 2,000) + 500 m² (3,000) with 4 points (1,000) */
  expect("/o/xinxing/tools/fees?calc=survey&survey_area_m2_1=150&survey_points_1=6&"
         "survey_area_m2_2=500&survey_points_2=4",
         "en", 200, "NT$8,500");
  /* at the office: 2 parcels × 3 started blocks of 5 minutes × 20 + 3 sheets × 20 = 180 */
  expect("/o/xinxing/tools/fees?calc=viewing&view_channel=office&view_parcels=2&view_minutes=12&"
         "view_printed_sheets=3",
         "zh-TW", 200, "NT$180");
  expect("/o/xinxing/tools/fees?calc=viewing&view_channel=online&view_parcels=3", "en", 200,
         "NT$30");
}

static void test_fees_refusals(void **state)
{
  expect("/o/xinxing/tools/fees?calc=survey&survey_area_m2_2=500&survey_points_2=abc", "en", 400,
         "href=\"#survey_points_2\"");
  expect("/o/xinxing/tools/fees?calc=survey&survey_area_m2_2=500&survey_points_2=abc", "zh-TW", 400,
         "第 2 筆界址點數");
  expect("/o/xinxing/tools/fees?calc=survey", "en", 400, "Parcel 1 area (m²): enter a value");
  expect("/o/xinxing/tools/fees?calc=survey&survey_area_m2_1=0&survey_points_1=3", "en", 400,
         "Parcel 1 area (m²): the area must be more than 0");
  expect("/o/xinxing/tools/fees?calc=survey&survey_area_m2_1=0&survey_points_1=3", "zh-TW", 400,
         "第 1 筆面積（平方公尺）：面積必須大於 0");
  expect("/o/xinxing/tools/fees?calc=registration&reg_value_per_m2=1000&reg_area_m2=10&"
         "reg_share=2",
         "en", 400, "Share: the share cannot be more than the whole");
  expect("/o/xinxing/tools/fees?calc=registration", "zh-TW", 400, "每平方公尺價值：請填寫");
  expect("/o/xinxing/tools/fees?calc=viewing&view_parcels=0", "en", 400, "href=\"#view_parcels\"");
  expect("/o/xinxing/tools/fees?calc=viewing&view_channel=fax&view_parcels=1", "en", 400,
         "How you view: choose one of the options");
  expect("/o/xinxing/tools/fees?calc=nothing", "en", 400, "");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_index_in_both_languages),
      cmocka_unit_test(test_other_offices_are_not_found),
      cmocka_unit_test(test_area_conversion),
      cmocka_unit_test(test_area_refusals),
      cmocka_unit_test(test_tax_exam_example),
      cmocka_unit_test(test_tax_variants),
      cmocka_unit_test(test_tax_refusals),
      cmocka_unit_test(test_fees_registration),
      cmocka_unit_test(test_fees_survey_and_viewing),
      cmocka_unit_test(test_fees_refusals),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
