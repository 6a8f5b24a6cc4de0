/*
 * survey_stats_test.c - the satisfied share, the growth rate and the suppression rule of the
 * survey results (domain/survey_stats.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/arena.h"
#include "domain/survey.h"
#include "domain/survey_stats.h"

#include "base/common.h"

static struct survey_tally tally_of(const int64_t *values, size_t count)
{
  struct survey_tally t = {{0}, 0};
  for (size_t i = 0; i < count; i++)
    survey_tally_add(&t, values[i]);
  return t;
}

static void test_share_counts_four_and_five(void **state)
{
  (void)state;
  const int64_t values[] = {5, 4, 3, 2, 1, 5, 4};
  struct survey_tally t = tally_of(values, 7);
  assert_int_equal(t.n, 7);
  assert_int_equal(survey_tally_satisfied(&t), 4);
  /* 4 / 7 = 571.43 permille */
  assert_int_equal(survey_share(&t), 571);
  const int64_t all_good[] = {4, 5, 4, 5, 5};
  struct survey_tally g = tally_of(all_good, 5);
  assert_int_equal(survey_share(&g), 1000);
}

static void test_values_outside_the_scale_are_ignored(void **state)
{
  (void)state;
  struct survey_tally t = {{0}, 0};
  assert_false(survey_tally_add(&t, 0));
  assert_false(survey_tally_add(&t, 6));
  assert_true(survey_tally_add(&t, 3));
  assert_int_equal(t.n, 1);
  assert_int_equal(t.counts[2], 1);
}

static void test_rounding_half_away_from_zero(void **state)
{
  (void)state;
  assert_int_equal(survey_permille(1, 8), 125);   /* 125.0 */
  assert_int_equal(survey_permille(1, 16), 63);   /* 62.5 -> 63 */
  assert_int_equal(survey_permille(-1, 16), -63); /* -62.5 -> -63 */
  assert_int_equal(survey_permille(2, 3), 667);
  assert_true(survey_permille(1, 0) == SURVEY_NO_FIGURE);
}

static void test_share_needs_five_answers(void **state)
{
  (void)state;
  const int64_t four[] = {5, 5, 5, 5};
  struct survey_tally t = tally_of(four, 4);
  assert_true(survey_share(&t) == SURVEY_NO_FIGURE);
  survey_tally_add(&t, 1);
  assert_int_equal(survey_share(&t), 800);
}

static void test_growth_rate(void **state)
{
  (void)state;
  /* 80.0 % -> 88.0 %: +10.0 % growth */
  assert_int_equal(survey_growth(800, 880), 100);
  /* 80.0 % -> 60.0 %: -25.0 % */
  assert_int_equal(survey_growth(800, 600), -250);
  assert_int_equal(survey_growth(750, 750), 0);
  assert_true(survey_growth(0, 500) == SURVEY_NO_FIGURE);
  assert_true(survey_growth(SURVEY_NO_FIGURE, 500) == SURVEY_NO_FIGURE);
  assert_true(survey_growth(500, SURVEY_NO_FIGURE) == SURVEY_NO_FIGURE);
}

static void test_suppression_rule(void **state)
{
  (void)state;
  assert_false(survey_suppressed(0));
  for (int64_t n = 1; n < SURVEY_SUPPRESS_BELOW; n++)
    assert_true(survey_suppressed(n));
  assert_false(survey_suppressed(5));
  assert_false(survey_suppressed(120));
}

/* A definition's condition must name an earlier question; the error names the question. */
static void test_parse_refuses_later_condition(void **state)
{
  (void)state;
  struct arena *arena = arena_new(1 << 20);
  struct survey s;
  const char *error, *where;
  json_t *def = json_loads(
      "{\"slug\": \"bad\", \"collect\": \"case\", \"title_zh\": \"x\", \"questions\": "
      "[{\"code\": \"a\", \"kind\": \"text\", \"text_zh\": \"x\", \"when\": {\"question\": "
      "\"b\", \"in\": [\"1\"]}}, {\"code\": \"b\", \"kind\": \"scale5\", \"text_zh\": \"y\"}]}",
      0, NULL);
  assert_non_null(def);
  assert_int_equal(survey_parse(arena, def, &s, &error, &where), ST_INVALID);
  assert_string_equal(error, "survey_err_question");
  assert_string_equal(where, "a");
  json_decref(def);
  arena_free(arena);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_share_counts_four_and_five),
      cmocka_unit_test(test_values_outside_the_scale_are_ignored),
      cmocka_unit_test(test_rounding_half_away_from_zero),
      cmocka_unit_test(test_share_needs_five_answers),
      cmocka_unit_test(test_growth_rate),
      cmocka_unit_test(test_suppression_rule),
      cmocka_unit_test(test_parse_refuses_later_condition),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
