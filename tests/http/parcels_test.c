/*
 * parcels_test.c - public parcel lookups against a real server on the demo data (by section
 * and number, old -> new after a resurvey, address -> parcels, nothing found, refusals), and
 * `bianmin parcels-import` of a good file, a file with bad rows (nothing imported, every bad
 * row and column reported) and the same with --skip-bad.
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

static char *enc(const char *s)
{
  char *e = curl_easy_escape(NULL, s, 0);
  char *copy = strdup(e);
  curl_free(e);
  return copy;
}

/* GET path (with lang added) expecting status; the body contains needle. */
static void expect(const char *path, const char *lang, long status, const char *needle)
{
  char url[2048];
  struct response r;
  snprintf(url, sizeof(url), "%s%slang=%s", path, strchr(path, '?') ? "&" : "?", lang);
  assert_int_equal(http_get(&server, url, &r), 0);
  if (r.status != status)
    fail_msg("GET %s: status %ld, expected %ld:\n%.2000s", url, r.status, status, r.body);
  expect_contains(r.body, needle);
  response_free(&r);
}

static json_t *get_json(const char *path)
{
  const char *headers[] = {"Accept: application/json", NULL};
  struct response r;
  assert_int_equal(http_call(&server, "GET", path, headers, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  json_t *j = response_json(&r);
  assert_non_null(j);
  response_free(&r);
  return j;
}

static void test_lookup_by_section_and_number(void **state)
{
  const char *p = "/o/xinxing/parcels?section=1&number=100";
  /* the form lists the office's sections, the one asked for selected again */
  expect("/o/xinxing/parcels", "zh-TW", 200, "<option value=\"0001\">新興段 (0001)</option>");
  expect("/o/xinxing/parcels", "en", 200, "<option value=\"0002\">Dagang (0002)</option>");
  expect(p, "zh-TW", 200, "<option value=\"0001\" selected>新興段 (0001)</option>");
  expect(p, "zh-TW", 200, "新興段 100");
  expect(p, "zh-TW", 200, "151.25");       /* 500 m² in 坪 */
  expect(p, "zh-TW", 200, "80,000");       /* 2026 announced current value */
  expect(p, "zh-TW", 200, "115年 (2026)"); /* ROC year */
  expect(p, "zh-TW", 200, "92年1月15日");  /* previous transfer date */
  expect(p, "zh-TW", 200, "大港埔段 300"); /* resurveyed from */
  expect(p, "zh-TW", 200,
         "/o/xinxing/tools/tax?area_m2=500&amp;current_value=80000&amp;previous_value=2000&amp;"
         "acquired_on=2003-01-15");
  expect(p, "en", 200, "Xinxing 100");
  expect("/o/xinxing/parcels?section=0001&number=0100-0000", "en", 200, "Announced current value");
  /* the calculators open filled in, asking for the rest, not on an error for fields the
   * citizen has not typed yet (the CPI, the survey's points) */
  expect(p, "zh-TW", 200, "&amp;prefill=1\"");
  expect(p, "zh-TW", 200, "survey_area_m2_1=500&amp;prefill=1#survey");
  const char *tax = "/o/xinxing/tools/tax?area_m2=500&current_value=80000&previous_value=2000&"
                    "acquired_on=2003-01-15&transferred_on=2026-03-02&prefill=1";
  expect(tax, "zh-TW", 200, "已帶入這筆土地的資料");
  expect(tax, "en", 200, "value=\"80000\"");
  expect("/o/xinxing/tools/fees?calc=survey&survey_area_m2_1=500&prefill=1", "en", 200,
         "The parcel&#39;s figures are filled in");
  expect("/o/xinxing/tools/fees?calc=survey&survey_area_m2_1=500&prefill=1", "en", 200,
         "value=\"500\"");
  /* without it, a form sent incomplete is still refused, naming the field */
  expect("/o/xinxing/tools/fees?calc=survey&survey_area_m2_1=500", "en", 400, "survey_points_1");
  char path[256];
  char *full = enc("１００");
  snprintf(path, sizeof(path), "/o/xinxing/parcels?section=1&number=%s", full);
  free(full);
  expect(path, "zh-TW", 200, "新興段 100");
  json_t *j = get_json("/o/xinxing/parcels?section=1&number=100");
  assert_true(json_is_true(json_object_get(j, "found")));
  assert_int_equal(json_array_size(json_object_get(json_object_get(j, "parcel"), "values")), 3);
  json_decref(j);
}

static void test_hsinchu_file_with_chinese_header_and_roc_dates(void **state)
{
  expect("/o/hsinchu/parcels?section=1&number=160-20", "zh-TW", 200, "東門段 160-20");
  expect("/o/hsinchu/parcels?section=1&number=160-20", "zh-TW", 200, "110,500");
  expect("/o/hsinchu/parcels?section=1&number=160-20", "zh-TW", 200, "91年4月7日");
}

static void test_lookup_not_found_and_refused(void **state)
{
  expect("/o/xinxing/parcels?section=1&number=9999", "zh-TW", 200, "查無資料");
  expect("/o/xinxing/parcels?section=1&number=9999", "en", 200, "Nothing found");
  json_t *j = get_json("/o/xinxing/parcels?section=1&number=9999");
  assert_true(json_is_false(json_object_get(j, "found")));
  json_decref(j);
  expect("/o/xinxing/parcels?section=1&number=12-x", "en", 400, "href=\"#number\"");
  expect("/o/xinxing/parcels?section=1&number=12-x", "zh-TW", 400, "地號：請輸入地號");
  expect("/o/xinxing/parcels?section=abc&number=1", "en", 400, "Section: a section code");
  expect("/o/xinxing/parcels?section=1&number=", "en", 400, "Parcel number: enter a value");
  struct response r;
  assert_int_equal(http_get(&server, "/o/xinxing/parcels?section=1&number=%3Cb%3E", &r), 0);
  assert_int_equal(r.status, 400);
  expect_lacks(r.body, "<b>");
  response_free(&r);
}

static void test_resurvey(void **state)
{
  expect("/o/xinxing/parcels/resurvey", "zh-TW", 200, "大港埔段 (0901)");
  expect("/o/xinxing/parcels/resurvey?old_section=0901&old_number=300", "zh-TW", 200, "新興段 100");
  expect("/o/xinxing/parcels/resurvey?old_section=901&old_number=307-1", "en", 200,
         "/o/xinxing/parcels?section=0001&amp;number=45");
  expect("/o/xinxing/parcels/resurvey?old_section=0901&old_number=1", "zh-TW", 200, "查無資料");
  expect("/o/xinxing/parcels/resurvey?old_section=0901&old_number=x", "en", 400,
         "href=\"#old_number\"");
}

static void test_address(void **state)
{
  char path[512];
  /* spaces and full-width digits do not matter */
  char *a = enc("中正三路 ５５號");
  snprintf(path, sizeof(path), "/o/xinxing/parcels/address?address=%s", a);
  free(a);
  expect(path, "zh-TW", 200, "新興段 100");
  expect(path, "zh-TW", 200, "512-1"); /* building number 00512-001 */
  /* 臺 typed, 台 stored */
  a = enc("南臺路12號");
  snprintf(path, sizeof(path), "/o/xinxing/parcels/address?address=%s", a);
  free(a);
  expect(path, "en", 200, "Dagang 352");
  a = enc("不存在路1號");
  snprintf(path, sizeof(path), "/o/xinxing/parcels/address?address=%s", a);
  free(a);
  expect(path, "zh-TW", 200, "查無資料");
  expect("/o/xinxing/parcels/address?address=", "en", 400, "House address: enter a value");
  expect("/o/xinxing/parcels/address?address=%25", "en", 200, "Nothing found"); /* % is literal */
}

/* ---- the import ---- */

static void write_file(const char *name, const char *text, char *path, size_t size)
{
  snprintf(path, size, "%s/%s", server.dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static int import(const char *path, bool skip_bad, char **output)
{
  const char *args[] = {
      "parcels-import", "--office", "anle", path, skip_bad ? "--skip-bad" : NULL, NULL};
  return server_cli_capture(&server, args, NULL, output, NULL);
}

static void test_import_good_file(void **state)
{
  char path[400], *out = NULL;
  write_file("good.csv",
             "\xEF\xBB\xBFsection_code,section_name,section_name_en,number,area_m2,year,"
             "current_value,land_value,previous_value,previous_date\r\n"
             "0077,測試段,Test,1-1,\"1,234.5\",2026,\"12,000\",3000,5000,108/05/20\r\n"
             "0077,,,1-1,1234.5,2025,11000,2900,5000,2019-05-20\r\n"
             "77,,,2,10,115,100,10,,\r\n",
             path, sizeof(path));
  assert_int_equal(import(path, false, &out), 0);
  expect_contains(out, "3 rows read, 0 bad (0 problems), 3 imported");
  free(out);
  expect("/o/anle/parcels?section=77&number=1-1", "zh-TW", 200, "測試段 1-1");
  expect("/o/anle/parcels?section=77&number=1-1", "zh-TW", 200, "1,234.5 m²");
  expect("/o/anle/parcels?section=77&number=1-1", "zh-TW", 200, "108年5月20日");
  expect("/o/anle/parcels?section=77&number=2", "en", 200, "Test 2");
  /* again: the same rows, nothing new */
  assert_int_equal(import(path, false, &out), 0);
  free(out);
}

static const char bad_file[] =
    "section_code,section_name,number,area_m2,year,current_value,land_value,previous_value,"
    "previous_date\n"
    "0088,壞段,5,100,2026,1000,100,,\n"             /* 2: good */
    "0088,,5-x,0,2026,1000,100,,\n"                 /* 3: number, area */
    "0099,,6,100,2026,1000,100,,\n"                 /* 4: unknown section */
    "0088,,7,100,1800,-5,100,10,\n"                 /* 5: year, current_value, pair */
    "0088,,8,100,2026,1000,100,10,2999-01-01\n"     /* 6: future date */
    "0088,,\"9\"x,100,2026,1000,100,,\n"            /* 7: quote */
    "0088,,10,100,2026,1000\n"                      /* 8: columns */
    "0088,,11,100,2026,1000,100,2000,2001-02-03\n"; /* 9: good */

static void test_import_bad_rows_imports_nothing(void **state)
{
  char path[400], *out = NULL;
  write_file("bad.csv", bad_file, path, sizeof(path));
  assert_int_equal(import(path, false, &out), 1);
  const char *expected[] = {":3: number:",
                            ":3: area_m2:",
                            ":4: section_code:",
                            ":5: year:",
                            ":5: current_value:",
                            ":5: previous_date:",
                            ":6: previous_date:",
                            "[parcel_err_future_date]",
                            ":7: ",
                            "[csv_err_quote]",
                            ":8: ",
                            "[parcel_err_columns]",
                            "8 rows read, 6 bad",
                            "nothing imported"};
  for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
    expect_contains(out, expected[i]);
  expect_lacks(out, ":2: ");
  expect_lacks(out, ":9: ");
  free(out);
  expect("/o/anle/parcels?section=88&number=5", "en", 200, "Nothing found");
  expect("/o/anle/parcels?section=88&number=11", "en", 200, "Nothing found");
}

static void test_import_skip_bad_imports_the_good_rows(void **state)
{
  char path[400], *out = NULL;
  write_file("bad2.csv", bad_file, path, sizeof(path));
  assert_int_equal(import(path, true, &out), 0);
  expect_contains(out, "8 rows read, 6 bad");
  expect_contains(out, "2 imported");
  free(out);
  expect("/o/anle/parcels?section=88&number=5", "zh-TW", 200, "壞段 5");
  expect("/o/anle/parcels?section=88&number=11", "zh-TW", 200, "壞段 11");
  expect("/o/anle/parcels?section=88&number=7", "en", 200, "Nothing found");
}

static void test_import_bad_header_and_other_kinds(void **state)
{
  char path[400], *out = NULL;
  write_file("header.csv", "section_code,nummber,area_m2\n1,2,3\n", path, sizeof(path));
  assert_int_equal(import(path, false, &out), 1);
  expect_contains(out, ":1: nummber: is not a column");
  expect_contains(out, ":1: number: is a required column missing");
  free(out);
  write_file("addr.csv",
             "address,section_code,number,building_number\n基隆市安樂區測試路1號,1,319,\n", path,
             sizeof(path));
  const char *args[] = {"parcels-import", "--office", "anle", "--kind", "addresses", path, NULL};
  assert_int_equal(server_cli_capture(&server, args, NULL, &out, NULL), 0);
  free(out);
  char url[256];
  char *a = enc("測試路1號");
  snprintf(url, sizeof(url), "/o/anle/parcels/address?address=%s", a);
  free(a);
  expect(url, "zh-TW", 200, "安樂段 319");
  const char *refused[] = {"parcels-import", "--office", "niaosong", path, NULL};
  assert_int_equal(server_cli_capture(&server, refused, NULL, &out, NULL), 1);
  expect_contains(out, "not a land office");
  free(out);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lookup_by_section_and_number),
      cmocka_unit_test(test_hsinchu_file_with_chinese_header_and_roc_dates),
      cmocka_unit_test(test_lookup_not_found_and_refused),
      cmocka_unit_test(test_resurvey),
      cmocka_unit_test(test_address),
      cmocka_unit_test(test_import_good_file),
      cmocka_unit_test(test_import_bad_rows_imports_nothing),
      cmocka_unit_test(test_import_skip_bad_imports_the_good_rows),
      cmocka_unit_test(test_import_bad_header_and_other_kinds),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
