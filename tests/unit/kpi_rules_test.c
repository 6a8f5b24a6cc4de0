/*
 * kpi_rules_test.c - the pure rules of the indicators (domain/kpi.h): the plain status of a
 * figure against a target, the median / P90 rule over a histogram, and which figures have a
 * work list of their cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/kpi.h"

static void test_status_against_a_target(void **state)
{
  (void)state;
  assert_int_equal(kpi_status_of(900, -1), KPI_NO_TARGET);
  assert_int_equal(kpi_status_of(-1, 900), KPI_NO_DATA);
  assert_int_equal(kpi_status_of(900, 900), KPI_MET);
  assert_int_equal(kpi_status_of(1000, 900), KPI_MET);
  assert_int_equal(kpi_status_of(899, 900), KPI_AT_RISK);
  assert_int_equal(kpi_status_of(880, 900), KPI_AT_RISK); /* 20 per mille below */
  assert_int_equal(kpi_status_of(879, 900), KPI_MISSED);
  assert_int_equal(kpi_status_of(0, 0), KPI_MET);
}

static void test_percentile_over_buckets(void **state)
{
  (void)state;
  /* waits 4, 9, 14, 20, 31 minutes, one each: median the 3rd, P90 ceil(4.5) = the 5th */
  const int64_t minutes[] = {4, 9, 14, 20, 31}, ones[] = {1, 1, 1, 1, 1};
  assert_int_equal(kpi_percentile(minutes, ones, 5, 50), 14);
  assert_int_equal(kpi_percentile(minutes, ones, 5, 90), 31);
  /* 2 days twice and 8 days once: median 2, P90 8 */
  const int64_t days[] = {2, 8}, counts[] = {2, 1};
  assert_int_equal(kpi_percentile(days, counts, 2, 50), 2);
  assert_int_equal(kpi_percentile(days, counts, 2, 90), 8);
  assert_int_equal(kpi_percentile(days, counts, 0, 50), -1);
}

static void test_figures_with_case_lists(void **state)
{
  (void)state;
  static const char *const ok[] = {"received",    "completed",          "on_time",
                                   "corrections", "second_corrections", "overdue"};
  for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++)
    assert_true(kpi_case_figure_valid(ok[i]));
  assert_false(kpi_case_figure_valid("ended_other"));
  assert_false(kpi_case_figure_valid(""));
  assert_false(kpi_case_figure_valid(NULL));
  assert_false(kpi_case_figure_valid("received "));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_status_against_a_target),
      cmocka_unit_test(test_percentile_over_buckets),
      cmocka_unit_test(test_figures_with_case_lists),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
