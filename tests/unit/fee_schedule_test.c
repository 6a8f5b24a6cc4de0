/*
 * fee_schedule_test.c - the fee schedule as data (domain/fee_schedule.h): every kind of item
 * against worked examples from the official schedules, computed from the schedules the demo
 * catalogue ships (data/demo/catalog/anle.json), plus the rules of parsing.
 *
 * Sources of the worked examples:
 * - Boundary survey and subdivision since 2023-05-01: 土地複丈費及建築改良物測量費收費標準 附表一
 *   (112-01-13 amendment), and the Taipei land department's examples ("土地複丈規費新制以量計費",
 *   epaper.land.gov.taipei, 2023-04-27): 680 m², 3 points -> 3,000 + 1,000 = NT$4,000;
 *   subdivision of 200 m² with 4 segments -> 2,000 + 4 × 500 = NT$4,000.
 * - Building first survey: 附表二 as quoted by the Yuanlin land office FAQ Q11 (位置圖 NT$4,000
 *   per building, 平面圖 NT$800 per started 50 m² per floor).
 * - Registration fee and penalty: 土地法 §76 (1‰), §65 (2‰), §73 II (one fee per month late, at
 *   most 20×), 土地登記規則 §46 I (under NT$1 not charged); deeds and transcripts: 土地或建築改良物
 *   權利書狀及申請應用地籍資料規費收費標準 §2 (NT$80 a deed, NT$20 a printed sheet).
 * The amounts are worked by hand from those rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "domain/fee_schedule.h"
#include "base/common.h"

static const struct civil_date today = {2026, 3, 2};
static json_t *catalogue;

static int load(void **state)
{
  (void)state;
  json_error_t error;
  catalogue = json_load_file(BIANMIN_SOURCE_DIR "/data/demo/catalog/anle.json", 0, &error);
  return catalogue ? 0 : -1;
}

static int unload(void **state)
{
  (void)state;
  json_decref(catalogue);
  return 0;
}

/* The schedule of a demo service, parsed. */
static void demo(const char *slug, struct fee_schedule *s)
{
  char why[FEE_WHY_MAX] = "";
  json_t *services = json_object_get(catalogue, "services");
  for (size_t i = 0; i < json_array_size(services); i++) {
    json_t *svc = json_array_get(services, i);
    if (strcmp(json_string_value(json_object_get(svc, "slug")), slug) == 0) {
      int rc = fee_schedule_parse(json_object_get(svc, "fee_schedule"), s, why, sizeof(why));
      if (rc)
        print_error("%s: %s\n", slug, why);
      assert_int_equal(rc, ST_OK);
      return;
    }
  }
  fail_msg("no demo service %s", slug);
}

static int64_t total(const struct fee_schedule *s, const char *answers_json)
{
  struct fee_work w;
  struct fee_error e;
  json_t *answers = json_loads(answers_json, 0, NULL);
  assert_non_null(answers);
  int rc = fee_compute(s, answers, today, &w, &e);
  if (rc)
    print_error("%s: %s %s\n", answers_json, e.field ? e.field : "", e.reason_key);
  assert_int_equal(rc, ST_OK);
  json_decref(answers);
  return w.total;
}

static struct fee_work work_of(const struct fee_schedule *s, const char *answers_json)
{
  struct fee_work w;
  struct fee_error e;
  json_t *answers = json_loads(answers_json, 0, NULL);
  assert_int_equal(fee_compute(s, answers, today, &w, &e), ST_OK);
  json_decref(answers);
  return w;
}

static const char *refusal(const struct fee_schedule *s, const char *answers_json)
{
  struct fee_work w;
  struct fee_error e;
  json_t *answers = json_loads(answers_json, 0, NULL);
  assert_int_not_equal(fee_compute(s, answers, today, &w, &e), ST_OK);
  json_decref(answers);
  return e.field;
}

/* per_unit: deeds NT$80 a sheet, transcripts NT$20 a sheet, certificates NT$20 a parcel. */
static void test_per_unit(void **state)
{
  (void)state;
  struct fee_schedule s;
  demo("sale-transfer", &s);
  assert_int_equal(total(&s, "{\"sheets\": 1}"), 80);
  assert_int_equal(total(&s, "{\"sheets\": \"3\"}"), 240);
  assert_int_equal(total(&s, "{\"sheets\": 10}"), 800);
  demo("transcript", &s);
  assert_int_equal(total(&s, "{\"copies\": 5}"), 100);
  /* absent copies count as one, as the old fee_amount x copies rule did */
  assert_int_equal(total(&s, "{}"), 20);
  /* manual register transcripts (人工登記簿謄本, also issued for another office): NT$10 a
   * sheet, as the Hualien land office's page quotes the standard's table (secondary source) */
  assert_int_equal(total(&s, "{\"copies\": 0, \"manual_copies\": 3}"), 30);
  assert_int_equal(total(&s, "{\"copies\": 2, \"manual_copies\": 3}"), 70);
  assert_int_equal(total(&s, "{\"copies\": 0, \"manual_copies\": 12}"), 120);
  demo("land-value-query", &s);
  assert_int_equal(total(&s, "{\"parcels\": 3}"), 60);
  assert_string_equal(refusal(&s, "{\"parcels\": \"2.5\"}"), "parcels");
  assert_string_equal(refusal(&s, "{\"parcels\": -1}"), "parcels");
}

/* per_started: survey points in started groups of 5 per parcel; floor plans per started
 * 50 m² per floor. */
static void test_per_started(void **state)
{
  (void)state;
  struct fee_schedule s;
  demo("boundary-survey", &s);
  struct fee_work w = work_of(&s, "{\"points\": 3}");
  assert_int_equal(w.count, 1);
  assert_int_equal(w.lines[0].quantity, 1); /* 3 points: one started group */
  assert_int_equal(w.total, 1000);
  assert_int_equal(total(&s, "{\"points\": 5}"), 1000);
  assert_int_equal(total(&s, "{\"points\": 6}"), 2000);
  assert_int_equal(total(&s, "{\"points\": [3, 7]}"), 3000); /* per parcel: 1 + 2 groups */
  demo("building-survey", &s);
  /* one building of two floors, 120.5 m² and 50 m²: 4,000 + (3 + 1) × 800 */
  assert_int_equal(total(&s, "{\"buildings\": 1, \"floor_area_m2\": [\"120.5\", 50]}"), 7200);
  /* 50.0001 m² is a started second unit */
  assert_int_equal(total(&s, "{\"floor_area_m2\": \"50.0001\"}"), 1600);
  assert_int_equal(total(&s, "{\"buildings\": 2, \"floor_area_m2\": [100, 100, 30]}"), 12000);
  assert_string_equal(refusal(&s, "{\"floor_area_m2\": \"1.00001\"}"), "floor_area_m2");
}

/* area_band: the boundary survey and subdivision base fees by parcel area. */
static void test_area_band(void **state)
{
  (void)state;
  struct fee_schedule s;
  demo("boundary-survey", &s);
  /* Taipei's example: 680 m², 3 points -> NT$4,000 */
  assert_int_equal(total(&s, "{\"area_m2\": 680, \"points\": 3}"), 4000);
  assert_int_equal(total(&s, "{\"area_m2\": \"199.99\"}"), 2500);
  assert_int_equal(total(&s, "{\"area_m2\": 200}"), 3000); /* 200 m² is "200 以上" */
  assert_int_equal(total(&s, "{\"area_m2\": [\"9999.9999\", 10000]}"), 7500);
  struct fee_work w = work_of(&s, "{\"area_m2\": [100, 150, 5000]}");
  assert_int_equal(w.count, 2); /* one line per band used */
  assert_int_equal(w.lines[0].quantity, 2);
  assert_int_equal(w.lines[0].unit_price, 2500);
  assert_int_equal(w.lines[1].unit_price, 3500);
  demo("land-subdivision", &s);
  /* Taipei's example: 200 m², 4 segments -> 2,000 + 2,000 */
  assert_int_equal(total(&s, "{\"area_m2\": 200, \"segments\": 4}"), 4000);
  assert_int_equal(total(&s, "{\"area_m2\": 150, \"segments\": 1}"), 2000);
  /* 1.2 ha, 3 segments, 4 points fixed by the office: 3,000 + 1,500 + 800 */
  assert_int_equal(total(&s, "{\"area_m2\": 12000, \"segments\": 3, \"points\": 4}"), 5300);
  assert_string_equal(refusal(&s, "{\"area_m2\": 0}"), "area_m2");
}

/* per_mille: registration fee 1‰ (2‰ first registration), under NT$1 free, half-up. */
static void test_per_mille(void **state)
{
  (void)state;
  struct fee_schedule s;
  demo("sale-transfer", &s);
  assert_int_equal(total(&s, "{\"declared_value\": 1000000}"), 1000);
  assert_int_equal(total(&s, "{\"declared_value\": \"3,456,789\"}"), 3457); /* 3,456.789 */
  assert_int_equal(total(&s, "{\"declared_value\": 1500}"), 2);             /* 1.5 half-up */
  assert_int_equal(total(&s, "{\"declared_value\": 999}"), 0);              /* 0.999: free */
  assert_int_equal(total(&s, "{\"declared_value\": 2400000, \"sheets\": 2}"), 2560);
  /* 2‰ and a minimum are rules of the kind; no demo service uses them */
  json_t *j = json_loads("[{\"id\": \"first\", \"kind\": \"per_mille\", \"label_zh\": \"x\", "
                         "\"source\": \"土地法第65條\", \"effective\": \"2000-01-01\", \"of\": "
                         "\"declared_value\", \"per_mille\": 2, \"minimum\": 100, \"round\": "
                         "\"floor\"}]",
                         0, NULL);
  char why[FEE_WHY_MAX];
  assert_int_equal(fee_schedule_parse(j, &s, why, sizeof(why)), ST_OK);
  assert_int_equal(total(&s, "{\"declared_value\": 2000000}"), 4000);
  assert_int_equal(total(&s, "{\"declared_value\": 50799}"), 101); /* 101.598 floored */
  assert_int_equal(total(&s, "{\"declared_value\": 1000}"), 100);  /* 2 -> the minimum */
  json_decref(j);
}

/* late_penalty: one registration fee per started month late, at most 20. */
static void test_late_penalty(void **state)
{
  (void)state;
  struct fee_schedule s;
  demo("inheritance", &s);
  assert_int_equal(total(&s, "{\"declared_value\": 1000000, \"months_late\": 0}"), 1000);
  assert_int_equal(total(&s, "{\"declared_value\": 1000000, \"months_late\": 2}"), 3000);
  struct fee_work w = work_of(&s, "{\"declared_value\": 1000000, \"months_late\": 25}");
  assert_int_equal(w.lines[1].quantity, 20); /* capped */
  assert_int_equal(w.lines[1].unit_price, 1000);
  assert_int_equal(w.total, 21000);
  /* no fee, no penalty */
  assert_int_equal(total(&s, "{\"declared_value\": 500, \"months_late\": 3}"), 0);
}

/* waiver: exemptions with their legal basis, only the ones the schedule lists. */
static void test_waiver(void **state)
{
  (void)state;
  struct fee_schedule s;
  demo("boundary-survey", &s);
  struct fee_work w = work_of(&s, "{\"area_m2\": 680, \"points\": 3, \"waiver\": "
                                  "\"criminal_entrust\"}");
  assert_int_equal(w.total, 0);
  assert_int_equal(w.lines[w.count - 1].amount, -4000);
  assert_string_equal(w.waiver_id, "criminal_entrust");
  assert_string_equal(refusal(&s, "{\"area_m2\": 680, \"waiver\": \"exempt_s78\"}"), "waiver");
  demo("sale-transfer", &s);
  assert_int_equal(total(&s, "{\"declared_value\": 1000000, \"waiver\": \"exempt_s78\"}"), 0);
  json_t *j = json_loads("[{\"id\": \"deeds\", \"kind\": \"per_unit\", \"label_zh\": \"x\", "
                         "\"source\": \"s\", \"effective\": \"2000-01-01\", \"of\": \"sheets\", "
                         "\"unit_price\": 469}, {\"id\": \"half\", \"kind\": \"waiver\", "
                         "\"label_zh\": \"y\", \"source\": \"s\", \"effective\": \"2000-01-01\", "
                         "\"percent\": 50}]",
                         0, NULL);
  char why[FEE_WHY_MAX];
  assert_int_equal(fee_schedule_parse(j, &s, why, sizeof(why)), ST_OK);
  /* 2,345 less half rounded down (1,172): NT$1,173 */
  assert_int_equal(total(&s, "{\"sheets\": 5, \"waiver\": \"half\"}"), 1173);
  json_decref(j);
}

/* Items apply from their effective date to their last day. */
static void test_effective_dates(void **state)
{
  (void)state;
  struct fee_schedule s;
  struct fee_work w;
  struct fee_error e;
  char why[FEE_WHY_MAX];
  json_t *j = json_loads("[{\"id\": \"old\", \"kind\": \"per_unit\", \"label_zh\": \"x\", "
                         "\"source\": \"s\", \"effective\": \"2000-01-01\", \"until\": "
                         "\"2023-04-30\", \"of\": \"parcels\", \"unit_price\": 4000}, {\"id\": "
                         "\"new\", \"kind\": \"per_unit\", \"label_zh\": \"y\", \"source\": \"s\", "
                         "\"effective\": \"2023-05-01\", \"of\": \"parcels\", \"unit_price\": "
                         "2500}]",
                         0, NULL);
  json_t *a = json_pack("{s:i}", "parcels", 2);
  assert_int_equal(fee_schedule_parse(j, &s, why, sizeof(why)), ST_OK);
  assert_int_equal(fee_compute(&s, a, (struct civil_date){2023, 4, 30}, &w, &e), ST_OK);
  assert_int_equal(w.total, 8000);
  assert_int_equal(fee_compute(&s, a, (struct civil_date){2023, 5, 1}, &w, &e), ST_OK);
  assert_int_equal(w.total, 5000);
  json_decref(a);
  json_decref(j);
}

static void expect_bad(const char *text, const char *words)
{
  struct fee_schedule s;
  json_t *root = NULL;
  char why[FEE_WHY_MAX] = "";
  assert_int_equal(fee_schedule_parse_text(text, &root, &s, why, sizeof(why)), ST_INVALID);
  if (!strstr(why, words))
    fail_msg("%s: \"%s\" does not say %s", text, why, words);
  json_decref(root);
}

static void test_parse_refusals(void **state)
{
  (void)state;
  struct fee_schedule s;
  json_t *root = NULL;
  char why[FEE_WHY_MAX];
  assert_int_equal(fee_schedule_parse_text("[]", &root, &s, why, sizeof(why)), ST_OK);
  assert_int_equal(s.count, 0);
  json_decref(root);
  assert_int_equal(fee_schedule_parse_text("", &root, &s, why, sizeof(why)), ST_OK);
  expect_bad("{", "not JSON");
  expect_bad("{}", "list");
  expect_bad("[{\"id\": \"A b\"}]", "id must be a code");
  expect_bad("[{\"id\": \"a\", \"kind\": \"per_unit\", \"label_zh\": \"x\", \"effective\": "
             "\"2000-01-01\"}]",
             "source");
  expect_bad("[{\"id\": \"a\", \"kind\": \"per_unit\", \"label_zh\": \"x\", \"source\": \"s\", "
             "\"effective\": \"2000-13-01\"}]",
             "effective");
  expect_bad("[{\"id\": \"a\", \"kind\": \"guess\", \"label_zh\": \"x\", \"source\": \"s\", "
             "\"effective\": \"2000-01-01\"}]",
             "kind");
  expect_bad("[{\"id\": \"a\", \"kind\": \"per_unit\", \"label_zh\": \"x\", \"source\": \"s\", "
             "\"effective\": \"2000-01-01\", \"of\": \"area_m2\", \"unit_price\": 1}]",
             "\"of\"");
  expect_bad("[{\"id\": \"a\", \"kind\": \"area_band\", \"label_zh\": \"x\", \"source\": \"s\", "
             "\"effective\": \"2000-01-01\", \"of\": \"area_m2\", \"bands\": [{\"below\": 500, "
             "\"unit_price\": 1}, {\"below\": 200, \"unit_price\": 2}, {\"unit_price\": 3}]}]",
             "rise");
  expect_bad("[{\"id\": \"a\", \"kind\": \"per_unit\", \"label_zh\": \"x\", \"source\": \"s\", "
             "\"effective\": \"2000-01-01\", \"of\": \"sheets\", \"unit_price\": 1}, {\"id\": "
             "\"a\", \"kind\": \"waiver\", \"label_zh\": \"x\", \"source\": \"s\", "
             "\"effective\": \"2000-01-01\", \"percent\": 100}]",
             "twice");
  expect_bad("[{\"id\": \"p\", \"kind\": \"late_penalty\", \"label_zh\": \"x\", \"source\": "
             "\"s\", \"effective\": \"2000-01-01\", \"of\": \"months_late\", \"base\": \"fee\", "
             "\"cap\": 20}]",
             "base");
  expect_bad("[{\"id\": \"w\", \"kind\": \"waiver\", \"label_zh\": \"x\", \"source\": \"s\", "
             "\"effective\": \"2000-01-01\", \"percent\": 101}]",
             "percent");
}

/* Answers far beyond any real bill are refused (ST_LIMIT), never overflow. */
static void test_limits(void **state)
{
  (void)state;
  struct fee_schedule s;
  struct fee_work w;
  struct fee_error e;
  demo("building-survey", &s);
  /* 100 floors of 10^8 m² in started 50 m²: 2 × 10^8 units, over the NT$10^8 bill limit */
  json_t *floors = json_array();
  for (int i = 0; i < 100; i++)
    json_array_append_new(floors, json_string("100000000"));
  json_t *a = json_pack("{s:o, s:i}", "floor_area_m2", floors, "buildings", 100000);
  assert_int_equal(fee_compute(&s, a, today, &w, &e), ST_LIMIT);
  assert_string_equal(e.reason_key, "fee_err_too_large");
  json_decref(a);
  demo("sale-transfer", &s);
  a = json_pack("{s:s, s:i}", "declared_value", "1000000000000", "months_late", 20);
  assert_int_equal(fee_compute(&s, a, today, &w, &e), ST_LIMIT);
  json_decref(a);
  a = json_pack("{s:s}", "declared_value", "1000000000001");
  assert_int_equal(fee_compute(&s, a, today, &w, &e), ST_INVALID); /* above the input's range */
  json_decref(a);
}

/* The working as JSON carries each line's legal source. */
static void test_json(void **state)
{
  (void)state;
  struct fee_schedule s;
  demo("boundary-survey", &s);
  struct fee_work w = work_of(&s, "{\"area_m2\": 680, \"points\": 3}");
  json_t *j = fee_work_to_json(&w);
  assert_non_null(j);
  assert_int_equal(json_integer_value(json_object_get(j, "total")), 4000);
  json_t *first = json_array_get(json_object_get(j, "lines"), 0);
  assert_string_equal(json_string_value(json_object_get(first, "id")), "survey_base");
  assert_non_null(strstr(json_string_value(json_object_get(first, "source")), "附表一"));
  assert_int_equal(json_integer_value(json_object_get(first, "band_below_m2")), 1000);
  json_decref(j);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_per_unit),
      cmocka_unit_test(test_per_started),
      cmocka_unit_test(test_area_band),
      cmocka_unit_test(test_per_mille),
      cmocka_unit_test(test_late_penalty),
      cmocka_unit_test(test_waiver),
      cmocka_unit_test(test_effective_dates),
      cmocka_unit_test(test_parse_refusals),
      cmocka_unit_test(test_json),
      cmocka_unit_test(test_limits),
  };
  return cmocka_run_group_tests(tests, load, unload);
}
