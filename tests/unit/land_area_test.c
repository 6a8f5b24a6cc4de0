/*
 * land_area_test.c - exact area conversions, the rational arithmetic under them, and refusals.
 *
 * Definitions from DOMAIN.md ("Land-office tools"): 1 坪 = 400/121 m² (so 1 m² = 0.3025 坪,
 * the figure land offices print), 1 公畝 = 100 m², 1 公頃 = 10,000 m², 1 甲 = 2,934 坪 = 10 分.
 * The expected values below are derived by hand from those definitions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "domain/land/area.h"
#include "domain/land/input.h"
#include "domain/land/rational.h"
#include "base/common.h"

static void assert_rational(struct rational r, int64_t num, int64_t den)
{
  assert_int_equal(r.num, num);
  assert_int_equal(r.den, den);
}

static struct rational parse(const char *text)
{
  struct rational r;
  enum rational_parse_err why;
  assert_int_equal(rational_parse_fraction(str_from(text), 6, INT64_MAX, &r, &why), ST_OK);
  return r;
}

static void test_rational_arithmetic(void **state)
{
  int st = ST_OK;
  struct rational third = rational_make(2, 6, &st);
  assert_rational(third, 1, 3);
  assert_rational(rational_make(3, -6, &st), -1, 2);
  assert_rational(rational_add(third, third, &st), 2, 3);
  assert_rational(rational_sub(third, rational_int(1), &st), -2, 3);
  assert_rational(rational_mul(third, rational_int(6), &st), 2, 1);
  assert_rational(rational_div(third, rational_int(2), &st), 1, 6);
  assert_rational(rational_scale(rational_int(35000000), 36, 100, &st), 12600000, 1);
  assert_int_equal(st, ST_OK);
  /* Products that only fit after cross-reduction are not refused. */
  struct rational big = rational_make(INT64_MAX, 3, &st);
  assert_rational(rational_mul(big, rational_make(3, INT64_MAX, &st), &st), 1, 1);
  assert_int_equal(st, ST_OK);
}

static void test_rational_overflow_is_sticky(void **state)
{
  int st = ST_OK;
  struct rational big = rational_int(INT64_MAX);
  struct rational r = rational_add(big, rational_int(1), &st);
  assert_int_equal(st, ST_LIMIT);
  assert_rational(r, 0, 1);
  /* Further operations do nothing and keep the first error. */
  rational_div(rational_int(1), rational_int(0), &st);
  assert_int_equal(st, ST_LIMIT);
  st = ST_OK;
  rational_div(rational_int(1), rational_int(0), &st);
  assert_int_equal(st, ST_INVALID);
  st = ST_OK;
  rational_mul(rational_make(1, INT64_MAX, &st), rational_make(1, 2, &st), &st);
  assert_int_equal(st, ST_LIMIT);
}

static void test_rational_rounding(void **state)
{
  int st = ST_OK;
  assert_int_equal(rational_round_half_up(rational_make(5, 2, &st)), 3);
  assert_int_equal(rational_round_half_up(rational_make(-5, 2, &st)), -3);
  assert_int_equal(rational_round_half_up(rational_make(249, 100, &st)), 2);
  assert_int_equal(rational_round_half_up(rational_make(1, 2, &st)), 1);
  assert_int_equal(rational_round_half_up(rational_make(49, 100, &st)), 0);
  assert_int_equal(rational_floor(rational_make(-1, 3, &st)), -1);
  assert_int_equal(rational_floor(rational_make(7, 3, &st)), 2);
  assert_int_equal(rational_ceil(rational_make(7, 3, &st)), 3);
  assert_int_equal(rational_ceil(rational_make(-7, 3, &st)), -2);
  assert_int_equal(rational_round_half_up(rational_int(INT64_MAX)), INT64_MAX);
}

static void test_rational_format(void **state)
{
  char out[RATIONAL_TEXT_MAX];
  bool rounded;
  int st = ST_OK;
  assert_int_equal(
      rational_format(rational_make(400, 121, &st), 6, false, out, sizeof(out), &rounded), ST_OK);
  assert_string_equal(out, "3.305785");
  assert_true(rounded);
  rational_format(rational_make(121, 400, &st), 6, false, out, sizeof(out), &rounded);
  assert_string_equal(out, "0.302500");
  assert_false(rounded);
  rational_format(rational_make(121, 400, &st), 6, true, out, sizeof(out), &rounded);
  assert_string_equal(out, "0.3025");
  rational_format(rational_int(100), 4, true, out, sizeof(out), NULL);
  assert_string_equal(out, "100");
  rational_format(rational_make(-1, 8, &st), 2, false, out, sizeof(out), &rounded);
  assert_string_equal(out, "-0.13");
  rational_format(rational_make(-1, 1000, &st), 2, false, out, sizeof(out), &rounded);
  assert_string_equal(out, "0.00");
  rational_format(rational_make(1, 20, &st), 0, false, out, sizeof(out), &rounded);
  assert_string_equal(out, "0");
  assert_int_equal(rational_format(rational_int(INT64_MAX), 18, false, out, sizeof(out), NULL),
                   ST_OK);
  assert_string_equal(out, "9223372036854775807.000000000000000000");
  assert_int_equal(rational_format(rational_int(12345), 2, false, out, 8, NULL), ST_LIMIT);
  assert_int_equal(rational_text(rational_make(400, 121, &st), out, sizeof(out)), ST_OK);
  assert_string_equal(out, "400/121");
  rational_text(rational_int(-7), out, sizeof(out));
  assert_string_equal(out, "-7");
}

static void test_rational_parse(void **state)
{
  struct rational r;
  enum rational_parse_err why;
  assert_rational(parse("123.45"), 2469, 20);
  assert_rational(parse(" -0.5 "), -1, 2);
  assert_rational(parse("+7"), 7, 1);
  assert_rational(parse("80,000"), 80000, 1);
  assert_rational(parse("1,234,567.5"), 2469135, 2);
  assert_rational(parse("1/3"), 1, 3);
  assert_rational(parse("12/100"), 3, 25);
  assert_rational(parse("0.5/2"), 1, 4);
  const char *bad[] = {"",   "-",  ".5", "1.",   "1..2",  "1e5",  "0x10", "1,00", "1234,567",
                       ",1", "1/", "/2", "1/-2", "1/2/3", "１２", "1 2",  "12a"};
  for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
    assert_int_equal(rational_parse_fraction(str_from(bad[i]), 6, 1000000, &r, &why), ST_INVALID);
    assert_int_equal(why, RATIONAL_PARSE_SYNTAX);
  }
  assert_int_equal(rational_parse_decimal(str_from("1/2"), 6, 100, &r, &why), ST_INVALID);
  assert_int_equal(rational_parse_decimal(str_from("1.1234567"), 6, 100, &r, &why), ST_INVALID);
  assert_int_equal(why, RATIONAL_PARSE_TOO_MANY_PLACES);
  assert_int_equal(rational_parse_decimal(str_from("101"), 6, 100, &r, &why), ST_INVALID);
  assert_int_equal(why, RATIONAL_PARSE_TOO_LARGE);
  assert_int_equal(rational_parse_decimal(str_from("100"), 6, 100, &r, &why), ST_OK);
  /* The maximum also bounds the quotient, not only its parts (found by the fuzz target). */
  assert_int_equal(rational_parse_fraction(str_from("100/0.5"), 6, 100, &r, &why), ST_INVALID);
  assert_int_equal(why, RATIONAL_PARSE_TOO_LARGE);
  assert_int_equal(rational_parse_fraction(str_from("-100/0.5"), 6, 100, &r, &why), ST_INVALID);
  assert_int_equal(rational_parse_fraction(str_from("100/1"), 6, 100, &r, &why), ST_OK);
  assert_int_equal(rational_parse_fraction(str_from("1/0"), 6, 100, &r, &why), ST_INVALID);
  assert_int_equal(why, RATIONAL_PARSE_ZERO_DENOMINATOR);
  assert_int_equal(
      rational_parse_decimal(str_from("99999999999999999999999"), 6, INT64_MAX, &r, &why),
      ST_INVALID);
  assert_int_equal(why, RATIONAL_PARSE_TOO_LARGE);
  /* 9.22e18 with 6 places does not fit int64 once scaled: refused, not wrapped. */
  assert_int_equal(
      rational_parse_decimal(str_from("9223372036854775807.000001"), 6, INT64_MAX, &r, &why),
      ST_INVALID);
  assert_int_equal(why, RATIONAL_PARSE_TOO_LARGE);
}

static struct land_area_result convert(const char *value, enum land_area_unit from)
{
  struct land_area_result r;
  assert_int_equal(land_area_convert(value, from, &r), ST_OK);
  return r;
}

static void test_one_ping(void **state)
{
  struct land_area_result r = convert("1", LAND_AREA_PING);
  assert_rational(r.values[LAND_AREA_M2].exact, 400, 121);
  assert_string_equal(r.values[LAND_AREA_M2].display, "3.305785");
  assert_true(r.values[LAND_AREA_M2].rounded);
  assert_rational(r.values[LAND_AREA_PING].exact, 1, 1);
  assert_false(r.values[LAND_AREA_PING].rounded);
  assert_rational(r.values[LAND_AREA_JIA].exact, 1, 2934);
  assert_rational(r.values[LAND_AREA_FEN].exact, 5, 1467);
  assert_rational(r.values[LAND_AREA_ARE].exact, 4, 121);
}

static void test_square_metres(void **state)
{
  /* 1 m² = 121/400 坪 = 0.3025 坪 exactly; 100 m² = 30.25 坪 = 1 公畝 = 0.01 公頃. */
  struct land_area_result r = convert("100", LAND_AREA_M2);
  assert_rational(r.values[LAND_AREA_PING].exact, 121, 4);
  assert_string_equal(r.values[LAND_AREA_PING].display, "30.25");
  assert_false(r.values[LAND_AREA_PING].rounded);
  assert_rational(r.values[LAND_AREA_ARE].exact, 1, 1);
  assert_rational(r.values[LAND_AREA_HECTARE].exact, 1, 100);
  assert_string_equal(r.values[LAND_AREA_HECTARE].display, "0.01");
  r = convert("123.45", LAND_AREA_M2);
  assert_rational(r.values[LAND_AREA_M2].exact, 2469, 20);
  /* 123.45 × 0.3025 = 37.343625 坪 exactly. */
  assert_string_equal(r.values[LAND_AREA_PING].display, "37.343625");
  assert_false(r.values[LAND_AREA_PING].rounded);
}

static void test_jia_and_fen(void **state)
{
  /* 1 甲 = 2,934 坪 = 2,934 × 400/121 m² = 1,173,600/121 m² ≈ 9,699.173554 m². */
  struct land_area_result r = convert("1", LAND_AREA_JIA);
  assert_rational(r.values[LAND_AREA_PING].exact, 2934, 1);
  assert_rational(r.values[LAND_AREA_M2].exact, 1173600, 121);
  assert_string_equal(r.values[LAND_AREA_M2].display, "9699.173554");
  assert_rational(r.values[LAND_AREA_FEN].exact, 10, 1);
  r = convert("3", LAND_AREA_FEN);
  assert_rational(r.values[LAND_AREA_JIA].exact, 3, 10);
  assert_rational(r.values[LAND_AREA_PING].exact, 4401, 5); /* 880.2 坪 */
  assert_string_equal(r.values[LAND_AREA_PING].display, "880.2");
}

static void test_hectare_round_trip(void **state)
{
  struct land_area_result r = convert("2.5", LAND_AREA_HECTARE);
  assert_rational(r.values[LAND_AREA_M2].exact, 25000, 1);
  assert_rational(r.values[LAND_AREA_ARE].exact, 250, 1);
  /* 25,000 m² = 7,562.5 坪 exactly. */
  assert_rational(r.values[LAND_AREA_PING].exact, 15125, 2);
  /* And back: 7,562.5 坪 is exactly 2.5 公頃. */
  r = convert("7562.5", LAND_AREA_PING);
  assert_rational(r.values[LAND_AREA_HECTARE].exact, 5, 2);
}

static void test_zero_allowed(void **state)
{
  struct land_area_result r = convert("0", LAND_AREA_JIA);
  for (int u = 0; u < LAND_AREA_UNIT_COUNT; u++) {
    assert_rational(r.values[u].exact, 0, 1);
    assert_string_equal(r.values[u].display, "0");
  }
}

static void assert_refused(const char *value, enum land_area_unit unit, enum land_err reason)
{
  struct land_area_result r;
  assert_int_equal(land_area_convert(value, unit, &r), ST_INVALID);
  assert_int_equal(r.error.reason, reason);
}

static void test_refusals(void **state)
{
  assert_refused("-1", LAND_AREA_M2, LAND_ERR_NEGATIVE_AREA);
  assert_refused("-0.000001", LAND_AREA_PING, LAND_ERR_NEGATIVE_AREA);
  assert_refused("", LAND_AREA_M2, LAND_ERR_MISSING);
  assert_refused(NULL, LAND_AREA_M2, LAND_ERR_MISSING);
  assert_refused("abc", LAND_AREA_M2, LAND_ERR_NOT_A_NUMBER);
  assert_refused("1.0000001", LAND_AREA_M2, LAND_ERR_TOO_MANY_DECIMALS);
  /* 10^11 m² is the most; 10^7 甲 is about 9.7 × 10^10 m² and passes, 2 × 10^7 does not. */
  assert_refused("100000000001", LAND_AREA_M2, LAND_ERR_TOO_LARGE);
  assert_refused("20000000", LAND_AREA_JIA, LAND_ERR_TOO_LARGE);
  assert_refused("99999999999999999999", LAND_AREA_M2, LAND_ERR_TOO_LARGE);
  struct land_area_result r;
  assert_int_equal(land_area_convert("10000000", LAND_AREA_JIA, &r), ST_OK);
  assert_int_equal(land_area_convert("100000000000", LAND_AREA_M2, &r), ST_OK);
  assert_refused("1", (enum land_area_unit)99, LAND_ERR_UNKNOWN_UNIT);
  assert_int_equal(land_area_convert_code("1", "acre", &r), ST_INVALID);
  assert_int_equal(r.error.reason, LAND_ERR_UNKNOWN_UNIT);
  assert_string_equal(land_err_key(r.error.reason), "land_err_unknown_unit");
  assert_string_equal(r.error.field, "unit");
}

static void test_unit_table(void **state)
{
  const char *codes[] = {"m2", "ping", "are", "hectare", "jia", "fen"};
  for (int u = 0; u < LAND_AREA_UNIT_COUNT; u++) {
    enum land_area_unit found;
    const struct land_area_unit_info *info = land_area_unit_info((enum land_area_unit)u);
    assert_non_null(info);
    assert_string_equal(info->code, codes[u]);
    assert_int_equal(land_area_unit_from_code(codes[u], &found), ST_OK);
    assert_int_equal(found, u);
    assert_non_null(info->label_zh);
    assert_non_null(info->label_en);
    assert_non_null(info->definition_key);
  }
  assert_string_equal(land_area_unit_info(LAND_AREA_JIA)->label_zh, "甲");
  assert_null(land_area_unit_info(LAND_AREA_UNIT_COUNT));
  enum land_area_unit found;
  assert_int_equal(land_area_unit_from_code(NULL, &found), ST_NOTFOUND);
}

static void test_json(void **state)
{
  struct land_area_result r = convert("1", LAND_AREA_PING);
  json_t *j = land_area_to_json(&r);
  assert_non_null(j);
  assert_string_equal(json_string_value(json_object_get(j, "from")), "ping");
  json_t *m2 = json_array_get(json_object_get(j, "values"), 0);
  assert_string_equal(json_string_value(json_object_get(m2, "unit")), "m2");
  assert_string_equal(json_string_value(json_object_get(m2, "display")), "3.305785");
  assert_true(json_is_true(json_object_get(m2, "rounded")));
  json_t *value = json_object_get(m2, "value");
  assert_string_equal(json_string_value(json_object_get(value, "exact")), "400/121");
  json_decref(j);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rational_arithmetic),
      cmocka_unit_test(test_rational_overflow_is_sticky),
      cmocka_unit_test(test_rational_rounding),
      cmocka_unit_test(test_rational_format),
      cmocka_unit_test(test_rational_parse),
      cmocka_unit_test(test_one_ping),
      cmocka_unit_test(test_square_metres),
      cmocka_unit_test(test_jia_and_fen),
      cmocka_unit_test(test_hectare_round_trip),
      cmocka_unit_test(test_zero_allowed),
      cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_unit_table),
      cmocka_unit_test(test_json),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
