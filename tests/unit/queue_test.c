/*
 * queue_test.c - the pure rules of counter queues (domain/queue.h): the waiting range from
 * recent service times, the published priority reasons, and the Taipei day of an instant.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/queue.h"

static void test_range_without_history_uses_the_defaults(void **state)
{
  (void)state;
  int64_t low, high;
  /* 6 ahead, 1 counter, 3..10 minutes each: 18 to 60 minutes. */
  queue_wait_range(6, 1, NULL, 0, &low, &high);
  assert_int_equal(low, 15);
  assert_int_equal(high, 60);
  /* Two open counters share them. */
  queue_wait_range(6, 2, NULL, 0, &low, &high);
  assert_int_equal(low, 5);
  assert_int_equal(high, 30);
}

static void test_range_from_quartiles_of_recent_times(void **state)
{
  (void)state;
  /* Eight service times; the lower quartile is the 3rd smallest (240 s), the upper the 7th
   * (600 s): 4 ahead at one counter -> 16 to 40 minutes -> 15 to 40. */
  const int64_t seconds[] = {900, 60, 600, 240, 300, 180, 420, 360};
  int64_t low, high;
  queue_wait_range(4, 1, seconds, 8, &low, &high);
  assert_int_equal(low, 15);
  assert_int_equal(high, 40);
  /* The order of the samples does not matter. */
  const int64_t sorted[] = {60, 180, 240, 300, 360, 420, 600, 900};
  int64_t low2, high2;
  queue_wait_range(4, 1, sorted, 8, &low2, &high2);
  assert_int_equal(low2, low);
  assert_int_equal(high2, high);
}

static void test_range_is_never_a_single_number(void **state)
{
  (void)state;
  int64_t low, high;
  queue_wait_range(0, 3, NULL, 0, &low, &high);
  assert_int_equal(low, 0);
  assert_int_equal(high, 5);
  const int64_t same[] = {300, 300, 300, 300};
  queue_wait_range(3, 1, same, 4, &low, &high);
  assert_int_equal(low, 15);
  assert_int_equal(high, 20);
  /* Nonsense inputs are clamped, not trusted. */
  queue_wait_range(-4, 0, NULL, 0, &low, &high);
  assert_int_equal(low, 0);
  assert_int_equal(high, 5);
}

static void test_priority_reasons(void **state)
{
  (void)state;
  assert_true(queue_priority_valid(""));
  assert_true(queue_priority_valid("elderly"));
  assert_true(queue_priority_valid("disability"));
  assert_true(queue_priority_valid("pregnancy"));
  assert_true(queue_priority_valid("child"));
  assert_false(queue_priority_valid("vip"));
  assert_false(queue_priority_valid(NULL));
}

static void test_taipei_day(void **state)
{
  (void)state;
  /* 2026-12-06 15:59:59 UTC is 23:59:59 in Taipei; a second later it is the next day there. */
  time_t before = 1796572799;
  assert_int_equal(queue_day(before + 1), queue_day(before) + 1);
  /* 2026-12-07 00:00 Taipei is day 20,794 since 1970-01-01. */
  assert_int_equal(queue_day(before + 1), 20794);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_range_without_history_uses_the_defaults),
      cmocka_unit_test(test_range_from_quartiles_of_recent_times),
      cmocka_unit_test(test_range_is_never_a_single_number),
      cmocka_unit_test(test_priority_reasons),
      cmocka_unit_test(test_taipei_day),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
