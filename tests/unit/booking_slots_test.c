/*
 * booking_slots_test.c - the pure rules of booked visits (domain/booking.h): the slots of a date
 * over the government calendar (none on a holiday or a weekend, a 補行上班 make-up Saturday has
 * them), the office hours with and without lunch-hour service, consultation sessions on their
 * weekday only, and booking numbers.
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

#include "base/arena.h"
#include "domain/booking.h"
#include "domain/calendar.h"
#include "base/common.h"

#define CSV_2025 BIANMIN_SOURCE_DIR "/data/calendar/dgpa-2025.csv"

static struct calendar cal;

static int setup(void **state)
{
  (void)state;
  calendar_init(&cal);
  return calendar_load_file(&cal, CSV_2025, NULL) == ST_OK ? 0 : -1;
}

static int teardown(void **state)
{
  (void)state;
  calendar_free(&cal);
  return 0;
}

static size_t slots(const struct booking_config *c, const char *kind, int y, int m, int d,
                    struct booking_slot *out)
{
  size_t n = 99;
  assert_int_equal(
      booking_day_slots(&cal, c, kind, (struct civil_date){y, m, d}, out, BOOKING_SLOTS_MAX, &n),
      ST_OK);
  return n;
}

static void test_working_day(void **state)
{
  (void)state;
  struct booking_config c;
  struct booking_slot s[BOOKING_SLOTS_MAX];
  booking_config_default(&c);
  /* Tuesday 2025-03-11: 08:30-12:30 and 13:30-17:30 in 30-minute slots */
  size_t n = slots(&c, "visit", 2025, 3, 11, s);
  assert_int_equal(n, 16);
  assert_int_equal(s[0].start_minute, 8 * 60 + 30);
  assert_int_equal(s[0].end_minute, 9 * 60);
  assert_int_equal(s[7].end_minute, 12 * 60 + 30);
  assert_int_equal(s[8].start_minute, 13 * 60 + 30);
  assert_int_equal(s[15].end_minute, 17 * 60 + 30);
  /* 45-minute slots: a period keeps only whole slots (5 in 240 minutes) */
  c.slot_minutes = 45;
  assert_int_equal(slots(&c, "pickup", 2025, 3, 11, s), 10);
  assert_int_equal(s[4].end_minute, 8 * 60 + 30 + 225);
}

static void test_lunch_hour(void **state)
{
  (void)state;
  struct booking_config c;
  struct booking_slot s[BOOKING_SLOTS_MAX];
  booking_config_default(&c);
  c.lunch_service = true;
  size_t n = slots(&c, "visit", 2025, 3, 11, s);
  assert_int_equal(n, 18); /* 08:30-17:30 without a break */
  bool lunch = false;
  for (size_t i = 0; i < n; i++)
    lunch |= s[i].start_minute == 12 * 60 + 30;
  assert_true(lunch);
  c.lunch_service = false;
  n = slots(&c, "visit", 2025, 3, 11, s);
  for (size_t i = 0; i < n; i++)
    assert_int_not_equal(s[i].start_minute, 12 * 60 + 30);
}

static void test_holidays_and_make_up_days(void **state)
{
  (void)state;
  struct booking_config c;
  struct booking_slot s[BOOKING_SLOTS_MAX];
  booking_config_default(&c);
  assert_int_equal(slots(&c, "visit", 2025, 10, 10, s), 0); /* 國慶日, a Friday */
  assert_int_equal(slots(&c, "visit", 2025, 3, 15, s), 0);  /* an ordinary Saturday */
  assert_int_equal(slots(&c, "visit", 2025, 3, 16, s), 0);  /* a Sunday */
  assert_int_equal(slots(&c, "visit", 2025, 2, 8, s), 16);  /* 補行上班: a working Saturday */
  /* outside the loaded years: the weekday guess */
  assert_int_equal(slots(&c, "visit", 2031, 3, 11, s), 16);
  assert_int_equal(slots(&c, "visit", 2031, 3, 15, s), 0);
}

static void test_consultation(void **state)
{
  (void)state;
  struct booking_config c;
  struct booking_slot s[BOOKING_SLOTS_MAX];
  booking_config_default(&c);
  assert_int_equal(slots(&c, "consult", 2025, 3, 12, s), 0); /* no weekday set */
  c.consult_weekday = 3;                                     /* Wednesday 14:00-16:00 */
  assert_int_equal(slots(&c, "consult", 2025, 3, 12, s), 1);
  assert_int_equal(s[0].start_minute, 14 * 60);
  assert_int_equal(s[0].end_minute, 16 * 60);
  assert_int_equal(slots(&c, "consult", 2025, 3, 11, s), 0); /* a Tuesday */
  assert_int_equal(slots(&c, "consult", 2025, 10, 8, s), 1); /* a working Wednesday */
  c.consult_weekday = 5;
  assert_int_equal(slots(&c, "consult", 2025, 10, 10, s), 0); /* a Friday holiday */
}

static void test_refusals(void **state)
{
  (void)state;
  struct booking_config c;
  struct booking_slot s[4];
  size_t n = 0;
  booking_config_default(&c);
  assert_int_equal(booking_day_slots(&cal, &c, "party", (struct civil_date){2025, 3, 11}, s, 4, &n),
                   ST_INVALID);
  assert_int_equal(booking_day_slots(&cal, &c, "visit", (struct civil_date){2025, 2, 30}, s, 4, &n),
                   ST_INVALID);
  assert_int_equal(booking_day_slots(&cal, &c, "visit", (struct civil_date){2025, 3, 11}, s, 4, &n),
                   ST_LIMIT);
  c.slot_minutes = 5;
  assert_int_equal(booking_day_slots(&cal, &c, "visit", (struct civil_date){2025, 3, 11}, s, 4, &n),
                   ST_INVALID);
}

static void test_numbers_and_lanes(void **state)
{
  (void)state;
  char number[BOOKING_NUMBER_SIZE];
  int64_t id = 0;
  booking_number(42, number);
  assert_string_equal(number, "B000042");
  assert_int_equal(booking_number_parse(" b000042 ", &id), ST_OK);
  assert_int_equal(id, 42);
  assert_int_equal(booking_number_parse("42", &id), ST_OK);
  assert_int_equal(booking_number_parse("B", &id), ST_INVALID);
  assert_int_equal(booking_number_parse("B-42", &id), ST_INVALID);
  assert_int_equal(booking_number_parse("B0", &id), ST_INVALID);
  assert_int_equal(booking_number_parse(NULL, &id), ST_INVALID);
  struct arena *arena = arena_new(4096);
  assert_non_null(arena);
  assert_string_equal(booking_lane(arena, "visit", 7), "u7");
  assert_string_equal(booking_lane(arena, "pickup", 0), "u0");
  assert_string_equal(booking_lane(arena, "consult", 7), "consult");
  arena_free(arena);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_working_day),
      cmocka_unit_test(test_lunch_hour),
      cmocka_unit_test(test_holidays_and_make_up_days),
      cmocka_unit_test(test_consultation),
      cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_numbers_and_lanes),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
