/* format_test.c - ROC dates, English dates, Taipei local time and money. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "render/format.h"
#include "base/common.h"

/* The UTC instant of a civil UTC date and time. */
static time_t utc_time(int year, int month, int day, int hour, int minute)
{
  struct tm tm = {0};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  return timegm(&tm);
}

static void test_date(void **state)
{
  char out[64];
  assert_int_equal(format_date(2026, 3, 2, "zh-TW", out, sizeof(out)), ST_OK);
  assert_string_equal(out, "115年3月2日");
  assert_int_equal(format_date(2026, 3, 2, "en", out, sizeof(out)), ST_OK);
  assert_string_equal(out, "2 Mar 2026");
  assert_int_equal(format_date(2026, 12, 31, "en-US", out, sizeof(out)), ST_OK);
  assert_string_equal(out, "31 Dec 2026");
  assert_int_equal(format_date(1912, 1, 1, "zh-TW", out, sizeof(out)), ST_OK);
  assert_string_equal(out, "1年1月1日");
  assert_int_equal(format_date(2026, 3, 2, NULL, out, sizeof(out)), ST_OK);
  assert_string_equal(out, "115年3月2日");
  assert_int_equal(format_date(2026, 3, 2, "fr", out, sizeof(out)), ST_OK);
  assert_string_equal(out, "115年3月2日");
}

static void test_date_short(void **state)
{
  char out[64];
  assert_int_equal(format_date_short(2026, 3, 2, "zh-TW", out, sizeof(out)), ST_OK);
  assert_string_equal(out, "115/03/02");
  assert_int_equal(format_date_short(2026, 3, 2, "en", out, sizeof(out)), ST_OK);
  assert_string_equal(out, "2026-03-02");
  assert_int_equal(format_date_short(1912, 1, 1, "zh-TW", out, sizeof(out)), ST_OK);
  assert_string_equal(out, "1/01/01");
}

static void test_month(void **state)
{
  char out[64];
  assert_int_equal(format_month(2026, 12, "zh-TW", out, sizeof(out)), ST_OK);
  assert_string_equal(out, "115年12月");
  assert_int_equal(format_month(2026, 3, "en", out, sizeof(out)), ST_OK);
  assert_string_equal(out, "Mar 2026");
  assert_int_equal(format_month(1912, 1, NULL, out, sizeof(out)), ST_OK);
  assert_string_equal(out, "1年1月");
  assert_int_equal(format_month(2026, 13, "zh-TW", out, sizeof(out)), ST_INVALID);
  assert_string_equal(out, "");
  assert_int_equal(format_month(1911, 12, "en", out, sizeof(out)), ST_INVALID);
  assert_int_equal(format_month(2026, 3, "en", out, 8), ST_LIMIT); /* "Mar 2026" needs 9 */
  assert_string_equal(out, "");
}

static void test_invalid_dates(void **state)
{
  char out[64];
  static const int bad[][3] = {{2026, 2, 29}, {2026, 13, 1}, {2026, 0, 1},   {2026, 1, 0},
                               {2026, 4, 31}, {2026, 1, 32}, {1911, 12, 31}, {1900, 2, 29},
                               {2100, 2, 29}, {10000, 1, 1}, {2026, -1, 1},  {2026, 6, -5}};
  for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
    out[0] = 'x';
    assert_int_equal(format_date(bad[i][0], bad[i][1], bad[i][2], "zh-TW", out, sizeof(out)),
                     ST_INVALID);
    assert_string_equal(out, "");
    assert_int_equal(format_date_short(bad[i][0], bad[i][1], bad[i][2], "en", out, sizeof(out)),
                     ST_INVALID);
  }
}

static void test_leap_years(void **state)
{
  char out[64];
  assert_int_equal(format_date(2024, 2, 29, "zh-TW", out, sizeof(out)), ST_OK);
  assert_string_equal(out, "113年2月29日");
  assert_int_equal(format_date(2000, 2, 29, "en", out, sizeof(out)), ST_OK);
  assert_string_equal(out, "29 Feb 2000");
  assert_int_equal(format_date(2024, 2, 30, "en", out, sizeof(out)), ST_INVALID);
}

static void test_datetime(void **state)
{
  char out[64];
  time_t t = utc_time(2026, 3, 2, 16, 30);
  assert_int_equal(format_datetime(t, "zh-TW", out, sizeof(out)), ST_OK);
  assert_string_equal(out, "115年3月3日 00:30");
  assert_int_equal(format_datetime(t, "en", out, sizeof(out)), ST_OK);
  assert_string_equal(out, "3 Mar 2026 00:30");
  t = utc_time(2026, 3, 2, 6, 5);
  assert_int_equal(format_datetime(t, "zh-TW", out, sizeof(out)), ST_OK);
  assert_string_equal(out, "115年3月2日 14:05");
  /* July: still UTC+8 (no DST). */
  t = utc_time(2026, 7, 1, 0, 0);
  assert_int_equal(format_datetime(t, "en", out, sizeof(out)), ST_OK);
  assert_string_equal(out, "1 Jul 2026 08:00");
  /* New Year's Eve crossing into a leap day year boundary. */
  t = utc_time(2023, 12, 31, 16, 0);
  assert_int_equal(format_datetime(t, "zh-TW", out, sizeof(out)), ST_OK);
  assert_string_equal(out, "113年1月1日 00:00");
  t = utc_time(2024, 2, 28, 16, 59);
  assert_int_equal(format_datetime(t, "en", out, sizeof(out)), ST_OK);
  assert_string_equal(out, "29 Feb 2024 00:59");
  assert_int_equal(format_datetime((time_t)0, "en", out, sizeof(out)), ST_OK);
  assert_string_equal(out, "1 Jan 1970 08:00");
}

static void test_datetime_out_of_range(void **state)
{
  char out[64];
  /* Before ROC year 1 in Taipei. */
  time_t t = utc_time(1911, 12, 31, 15, 59);
  assert_int_equal(format_datetime(t, "zh-TW", out, sizeof(out)), ST_INVALID);
  assert_int_equal(format_datetime(t + 60, "zh-TW", out, sizeof(out)), ST_OK);
  assert_string_equal(out, "1年1月1日 00:00");
  if (sizeof(time_t) >= 8) {
    assert_int_equal(format_datetime((time_t)INT64_MAX, "en", out, sizeof(out)), ST_INVALID);
    assert_int_equal(format_datetime((time_t)INT64_MIN, "en", out, sizeof(out)), ST_INVALID);
  }
}

static void test_money(void **state)
{
  static const struct {
    int64_t amount;
    const char *want;
  } cases[] = {
      {0, "NT$0"},
      {999, "NT$999"},
      {1000, "NT$1,000"},
      {1234567, "NT$1,234,567"},
      {-1234, "-NT$1,234"},
      {-1, "-NT$1"},
      {100000, "NT$100,000"},
      {INT64_MAX, "NT$9,223,372,036,854,775,807"},
      {INT64_MIN, "-NT$9,223,372,036,854,775,808"},
  };
  char out[64];
  for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
    assert_int_equal(format_money(cases[i].amount, out, sizeof(out)), ST_OK);
    assert_string_equal(out, cases[i].want);
  }
}

static void test_small_buffers(void **state)
{
  char out[64];
  assert_int_equal(format_money(1234567, out, 12), ST_LIMIT); /* needs 13 */
  assert_string_equal(out, "");
  assert_int_equal(format_money(1234567, out, 13), ST_OK);
  assert_string_equal(out, "NT$1,234,567");
  assert_int_equal(format_money(1, out, 0), ST_LIMIT);
  /* "115年3月2日" is 14 bytes. */
  assert_int_equal(format_date(2026, 3, 2, "zh-TW", out, 14), ST_LIMIT);
  assert_string_equal(out, "");
  assert_int_equal(format_date(2026, 3, 2, "zh-TW", out, 15), ST_OK);
  assert_int_equal(format_date_short(2026, 3, 2, "zh-TW", out, 9), ST_LIMIT);
  assert_int_equal(format_date_short(2026, 3, 2, "zh-TW", out, 10), ST_OK);
  assert_int_equal(format_datetime((time_t)0, "en", out, 16), ST_LIMIT);
  assert_int_equal(format_datetime((time_t)0, "en", out, 17), ST_OK);
  assert_int_equal(format_date(2026, 3, 2, "en", out, 0), ST_LIMIT);
}

/* format_datetime_to (the case view's path), with and without the day remembered, against a
 * reference written here with gmtime_r and snprintf: every few hours over the years shown (1912 to
 * 9999, both languages), its first and last minutes, and nothing (0) just outside them. */
static void test_datetime_to(void **state)
{
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const int64_t first = -1830384000LL - 8 * 3600; /* 1912-01-01 00:00 in Taipei */
  const int64_t last = 253402300799LL - 8 * 3600; /* 9999-12-31 23:59:59 in Taipei */
  size_t checked = 0;
  struct format_day memo = {0};
  for (int64_t t = first; t <= last; t += (t < 4102444800LL ? 7919 : 7919 * 997)) {
    for (int english = 0; english < 2; english++) {
      char out[FORMAT_DATETIME_SIZE], want[64];
      time_t local = (time_t)(t + 8 * 3600);
      struct tm tm;
      assert_non_null(gmtime_r(&local, &tm));
      if (english)
        snprintf(want, sizeof(want), "%d %s %d %02d:%02d", tm.tm_mday, months[tm.tm_mon],
                 tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
      else
        snprintf(want, sizeof(want), "%d年%d月%d日 %02d:%02d", tm.tm_year + 1900 - 1911,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
      size_t n = format_datetime_to((time_t)t, english, NULL, out);
      assert_int_equal(n, strlen(want));
      assert_memory_equal(out, want, n);
      /* with the day remembered (the same day again, the other language's, a new one) */
      char again[FORMAT_DATETIME_SIZE];
      assert_int_equal(format_datetime_to((time_t)t, english, &memo, again), n);
      assert_memory_equal(again, want, n);
      checked++;
    }
  }
  assert_true(checked > 30000);
  char out[FORMAT_DATETIME_SIZE];
  assert_int_equal(format_datetime_to((time_t)(first - 60), false, NULL, out), 0);
  assert_int_equal(format_datetime_to((time_t)(last + 60), true, NULL, out), 0);
  assert_true(format_datetime_to((time_t)last, false, NULL, out) > 0);
  assert_int_equal(format_datetime_to((time_t)INT64_MAX, true, NULL, out), 0);
  assert_int_equal(format_datetime_to((time_t)INT64_MIN, false, NULL, out), 0);
  assert_true(format_english("en"));
  assert_false(format_english("zh-TW"));
  assert_false(format_english(NULL));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_date),
      cmocka_unit_test(test_date_short),
      cmocka_unit_test(test_month),
      cmocka_unit_test(test_invalid_dates),
      cmocka_unit_test(test_leap_years),
      cmocka_unit_test(test_datetime),
      cmocka_unit_test(test_datetime_out_of_range),
      cmocka_unit_test(test_money),
      cmocka_unit_test(test_datetime_to),
      cmocka_unit_test(test_small_buffers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
