/*
 * civil_test.c - base/civil.h: day numbers both ways over every day from 1900 to 2200 (checked
 * against the C library's own calendar, gmtime_r), weekdays, leap years, Taipei's day
 * boundaries, ROC years, and invalid dates refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "base/civil.h"
#include "base/common.h"

/* 2025-12-31T16:00:00Z: the first second of 2026-01-01 in Taipei. */
#define NEW_YEAR_2026_TAIPEI ((time_t)1767196800)

static struct civil_date date(int year, int month, int day)
{
  struct civil_date d = {year, month, day};
  return d;
}

static void assert_date(struct civil_date d, int year, int month, int day)
{
  assert_int_equal(d.year, year);
  assert_int_equal(d.month, month);
  assert_int_equal(d.day, day);
}

/* Every day from 1900-01-01 to 2200-12-31: consecutive day numbers, the date back from its day
 * number, and the same date and weekday as glibc's gmtime_r at that day's midnight UTC. */
static void test_round_trip_every_day(void **state)
{
  int64_t first = civil_to_days(date(1900, 1, 1));
  int64_t end = civil_to_days(date(2201, 1, 1));
  assert_int_equal(first, -25567); /* 1900-01-01 is 25,567 days before 1970-01-01 */
  assert_int_equal(civil_to_days(date(1970, 1, 1)), 0);
  int64_t count = 0;
  struct civil_date previous = date(1899, 12, 31);
  for (int64_t day = first; day < end; day++, count++) {
    struct civil_date d = civil_from_days(day);
    assert_true(civil_valid(d));
    assert_int_equal(civil_to_days(d), day);
    assert_int_equal(civil_compare(previous, d), -1);
    assert_int_equal(civil_compare(civil_add_days(previous, 1), d), 0);
    time_t midnight = (time_t)(day * CIVIL_SECONDS_PER_DAY);
    struct tm tm;
    assert_non_null(gmtime_r(&midnight, &tm));
    assert_date(d, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    assert_int_equal(civil_weekday(d), tm.tm_wday == 0 ? 7 : tm.tm_wday);
    previous = d;
  }
  assert_int_equal(count, 109938); /* 301 years, 73 of them leap (1900 and 2100 are not) */
  assert_date(previous, 2200, 12, 31);
}

static void test_known_weekdays(void **state)
{
  assert_int_equal(civil_weekday(date(1970, 1, 1)), 4); /* Thursday */
  assert_int_equal(civil_weekday(date(1900, 1, 1)), 1); /* Monday */
  assert_int_equal(civil_weekday(date(1912, 1, 1)), 1); /* ROC 1, Monday */
  assert_int_equal(civil_weekday(date(2000, 1, 1)), 6); /* Saturday */
  assert_int_equal(civil_weekday(date(2024, 2, 29)), 4);
  assert_int_equal(civil_weekday(date(2026, 3, 2)), 1);
  assert_int_equal(civil_weekday(date(2100, 3, 1)), 1);
  assert_int_equal(civil_weekday_of_days(-1), 3); /* 1969-12-31, Wednesday */
  assert_int_equal(civil_weekday_of_days(-7), 4);
}

static void test_leap_years(void **state)
{
  assert_false(civil_leap_year(1900));
  assert_true(civil_leap_year(2000));
  assert_true(civil_leap_year(2024));
  assert_false(civil_leap_year(2100));
  assert_false(civil_leap_year(2026));
  assert_int_equal(civil_days_in_month(1900, 2), 28);
  assert_int_equal(civil_days_in_month(2000, 2), 29);
  assert_int_equal(civil_days_in_month(2024, 2), 29);
  assert_int_equal(civil_days_in_month(2100, 2), 28);
  assert_int_equal(civil_days_in_month(2026, 4), 30);
  assert_int_equal(civil_days_in_month(2026, 12), 31);
  assert_int_equal(civil_days_in_month(2026, 0), 0);
  assert_int_equal(civil_days_in_month(2026, 13), 0);
  assert_true(civil_valid(date(2024, 2, 29)));
  assert_false(civil_valid(date(1900, 2, 29)));
  assert_false(civil_valid(date(2100, 2, 29)));
  assert_int_equal(civil_to_days(date(2000, 3, 1)) - civil_to_days(date(2000, 2, 28)), 2);
  assert_int_equal(civil_to_days(date(2100, 3, 1)) - civil_to_days(date(2100, 2, 28)), 1);
}

static void test_add_days(void **state)
{
  assert_date(civil_add_days(date(2024, 2, 28), 1), 2024, 2, 29);
  assert_date(civil_add_days(date(2024, 2, 28), 2), 2024, 3, 1);
  assert_date(civil_add_days(date(2023, 12, 31), 1), 2024, 1, 1);
  assert_date(civil_add_days(date(2026, 1, 1), -1), 2025, 12, 31);
  assert_date(civil_add_days(date(1970, 1, 1), -1), 1969, 12, 31);
  assert_date(civil_add_days(date(2026, 3, 2), 365), 2027, 3, 2);
  assert_date(civil_add_days(date(2026, 3, 2), 0), 2026, 3, 2);
  assert_int_equal(civil_compare(date(2026, 3, 2), date(2026, 3, 2)), 0);
  assert_true(civil_compare(date(2026, 3, 3), date(2026, 3, 2)) > 0);
}

static void test_iso_text(void **state)
{
  struct civil_date d = date(1, 1, 1);
  char out[CIVIL_ISO_SIZE];
  assert_int_equal(civil_parse_iso(STR_LIT("2024-02-29"), &d), ST_OK);
  assert_date(d, 2024, 2, 29);
  assert_int_equal(civil_format_iso(d, out), ST_OK);
  assert_string_equal(out, "2024-02-29");
  assert_int_equal(civil_format_iso(date(812, 3, 2), out), ST_OK);
  assert_string_equal(out, "0812-03-02");
  assert_int_equal(civil_format_iso(date(2026, 2, 29), out), ST_INVALID);
  assert_string_equal(out, "");
}

static void test_invalid_dates_refused(void **state)
{
  static const char *const refused[] = {
      "2026-02-29",  "2026-13-01", "2025-00-10", "2025-01-00", "2025-04-31", "1900-02-29",
      "0000-01-01",  "2026-1-01",  "2026/01/01", "+026-01-01", "2026-01-1x", " 2026-01-01",
      "2026-01-010", "",           "2026-0a-01", "2026--1-01",
  };
  struct civil_date d = date(1999, 9, 9);
  for (size_t i = 0; i < ARRAY_LEN(refused); i++)
    assert_int_equal(civil_parse_iso(str_from(refused[i]), &d), ST_INVALID);
  assert_date(d, 1999, 9, 9); /* left unchanged */
  assert_false(civil_valid(date(2026, 2, 29)));
  assert_false(civil_valid(date(2026, 13, 1)));
  assert_false(civil_valid(date(2025, 0, 10)));
  assert_false(civil_valid(date(2025, 1, 0)));
  assert_false(civil_valid(date(10000, 1, 1)));
}

static void test_taipei_day_boundaries(void **state)
{
  struct civil_time w = civil_taipei(NEW_YEAR_2026_TAIPEI - 1); /* 2025-12-31T15:59:59Z */
  assert_date(w.date, 2025, 12, 31);
  assert_int_equal(w.hour, 23);
  assert_int_equal(w.minute, 59);
  assert_int_equal(w.second, 59);
  w = civil_taipei(NEW_YEAR_2026_TAIPEI); /* 2025-12-31T16:00:00Z */
  assert_date(w.date, 2026, 1, 1);
  assert_int_equal(w.hour + w.minute + w.second, 0);
  assert_int_equal(civil_taipei_midnight(date(2026, 1, 1)), NEW_YEAR_2026_TAIPEI);
  assert_int_equal(civil_unix(w, CIVIL_TAIPEI_UTC_OFFSET), NEW_YEAR_2026_TAIPEI);

  char out[CIVIL_ISO_SIZE];
  civil_taipei_iso(NEW_YEAR_2026_TAIPEI - 1, out);
  assert_string_equal(out, "2025-12-31");
  civil_taipei_iso(NEW_YEAR_2026_TAIPEI + 8 * 3600 - 1, out); /* 2025-12-31T23:59:59Z */
  assert_string_equal(out, "2026-01-01");
  char stamp[CIVIL_ISO_DATETIME_SIZE];
  assert_int_equal(civil_taipei_iso_datetime(NEW_YEAR_2026_TAIPEI - 1, stamp), ST_OK);
  assert_string_equal(stamp, "2025-12-31T23:59:59+08:00");
  assert_int_equal(civil_taipei_iso_datetime(NEW_YEAR_2026_TAIPEI + 9 * 3600 + 15 * 60, stamp),
                   ST_OK);
  assert_string_equal(stamp, "2026-01-01T09:15:00+08:00");
  assert_int_equal(civil_taipei_iso_datetime((time_t)400000 * 366 * CIVIL_SECONDS_PER_DAY, stamp),
                   ST_INVALID); /* the year 400,000-odd does not fit four digits */
  assert_string_equal(stamp, "");

  /* Before 1970: 1969-12-31T16:00:00Z is Taipei's midnight of 1970-01-01. */
  assert_date(civil_taipei(-CIVIL_TAIPEI_UTC_OFFSET).date, 1970, 1, 1);
  w = civil_taipei(-CIVIL_TAIPEI_UTC_OFFSET - 1);
  assert_date(w.date, 1969, 12, 31);
  assert_int_equal(w.hour, 23);
  assert_int_equal(civil_taipei_midnight(date(1970, 1, 1)), -CIVIL_TAIPEI_UTC_OFFSET);
}

/* civil_at and civil_unix are inverses at any offset, and agree with UTC at offset 0. */
static void test_other_offsets(void **state)
{
  static const long offsets[] = {0, CIVIL_TAIPEI_UTC_OFFSET, -5 * 3600, 14 * 3600, -12 * 3600};
  static const time_t instants[] = {0, -1, 1767196799, 951782400, -2208988800, 7258118399};
  for (size_t i = 0; i < ARRAY_LEN(offsets); i++)
    for (size_t j = 0; j < ARRAY_LEN(instants); j++) {
      struct civil_time w = civil_at(instants[j], offsets[i]);
      assert_int_equal(civil_unix(w, offsets[i]), instants[j]);
      assert_in_range(w.hour, 0, 23);
      assert_in_range(w.minute, 0, 59);
      assert_in_range(w.second, 0, 59);
    }
  struct civil_time w = civil_at(951782400, 0); /* 2000-02-29T00:00:00Z */
  assert_date(w.date, 2000, 2, 29);
  w = civil_at(951782400, -5 * 3600);
  assert_date(w.date, 2000, 2, 28);
  assert_int_equal(w.hour, 19);
}

/* civil_local_day is the day and second civil_at names: the day's number before 1970 is
 * negative, the second of day in range, and a Taipei midnight starts a new day. */
static void test_local_day(void **state)
{
  static const long offsets[] = {0, CIVIL_TAIPEI_UTC_OFFSET, -5 * 3600, 14 * 3600};
  static const time_t instants[] = {0, -1, 1767196799, 951782400, -2208988800, 7258118399};
  for (size_t i = 0; i < ARRAY_LEN(offsets); i++)
    for (size_t j = 0; j < ARRAY_LEN(instants); j++) {
      int second = -1;
      int64_t day = civil_local_day(instants[j], offsets[i], &second);
      struct civil_time w = civil_at(instants[j], offsets[i]);
      assert_int_equal(day, civil_to_days(w.date));
      assert_int_equal(second, w.hour * 3600 + w.minute * 60 + w.second);
    }
  int second = -1;
  assert_int_equal(civil_local_day(-1, 0, &second), -1);
  assert_int_equal(second, CIVIL_SECONDS_PER_DAY - 1);
  assert_int_equal(civil_local_day(NEW_YEAR_2026_TAIPEI, CIVIL_TAIPEI_UTC_OFFSET, &second),
                   civil_to_days((struct civil_date){2026, 1, 1}));
  assert_int_equal(second, 0);
}

static void test_roc_years(void **state)
{
  assert_int_equal(CIVIL_ROC_OFFSET, 1911);
  assert_int_equal(civil_roc_year(1912), 1);
  assert_int_equal(civil_roc_year(2026), 115);
  assert_int_equal(civil_roc_year(2025), 114);
  assert_int_equal(civil_gregorian_year(1), CIVIL_ROC_FIRST_YEAR);
  assert_int_equal(civil_gregorian_year(115), 2026);
  assert_true(civil_roc_year(1911) < 1); /* no ROC year before 1912 */
  for (int roc = 1; roc <= 300; roc++)
    assert_int_equal(civil_roc_year(civil_gregorian_year(roc)), roc);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip_every_day),
      cmocka_unit_test(test_known_weekdays),
      cmocka_unit_test(test_leap_years),
      cmocka_unit_test(test_add_days),
      cmocka_unit_test(test_iso_text),
      cmocka_unit_test(test_invalid_dates_refused),
      cmocka_unit_test(test_taipei_day_boundaries),
      cmocka_unit_test(test_other_offsets),
      cmocka_unit_test(test_local_day),
      cmocka_unit_test(test_roc_years),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
