/*
 * petition_deadline_test.c - the pure rules of petitions (domain/petition.h): the answer's due
 * date in working days on the government calendar (the shipped DGPA 2026 file: the Lunar New
 * Year week is skipped; without a calendar only weekends are), when the reminder is due, the
 * same matter found by similar subjects, statistics cells under 5 suppressed, and numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "base/civil.h"
#include "domain/calendar.h"
#include "domain/petition.h"
#include "base/common.h"

#define CSV_2026 BIANMIN_SOURCE_DIR "/data/calendar/dgpa-2026.csv"

static struct calendar cal;

/* An instant in Taipei local time. */
static time_t taipei(int y, int m, int d, int hour, int minute)
{
  struct civil_date date = {y, m, d};
  return civil_taipei_midnight(date) + (time_t)hour * 3600 + (time_t)minute * 60;
}

static int setup(void **state)
{
  (void)state;
  calendar_init(&cal);
  return calendar_load_file(&cal, CSV_2026, NULL) == ST_OK ? 0 : -1;
}

static int teardown(void **state)
{
  (void)state;
  calendar_free(&cal);
  return 0;
}

static void test_due_in_working_days(void **state)
{
  (void)state;
  time_t due = 0;
  /* Monday 09:00 + 6 working days: the Tuesday of the next week, 09:00 */
  assert_int_equal(petition_due(&cal, taipei(2026, 3, 2, 9, 0), 6, &due), ST_OK);
  assert_true(due == taipei(2026, 3, 10, 9, 0));
  /* Thursday 12 Feb + 3: Friday, then the New Year week (16-20 Feb) is off: Tuesday 24 Feb */
  assert_int_equal(petition_due(&cal, taipei(2026, 2, 12, 9, 0), 3, &due), ST_OK);
  assert_true(due == taipei(2026, 2, 24, 9, 0));
  /* without the calendar only weekends are skipped: Tuesday 17 Feb */
  assert_int_equal(petition_due(NULL, taipei(2026, 2, 12, 9, 0), 3, &due), ST_OK);
  assert_true(due == taipei(2026, 2, 17, 9, 0));
  /* taken in on a Saturday: counting starts Monday 08:30; one day ends Monday 17:30 */
  assert_int_equal(petition_due(&cal, taipei(2026, 3, 7, 10, 0), 1, &due), ST_OK);
  assert_true(due == taipei(2026, 3, 9, 17, 30));
  assert_int_equal(petition_due(&cal, taipei(2026, 3, 2, 9, 0), 0, &due), ST_INVALID);
  assert_int_equal(petition_due(&cal, taipei(2026, 3, 2, 9, 0), 3651, &due), ST_INVALID);
}

static void test_reminder_one_working_day_before(void **state)
{
  (void)state;
  time_t due = taipei(2026, 3, 10, 9, 0);                                  /* a Tuesday */
  assert_false(petition_remind_now(&cal, taipei(2026, 3, 6, 9, 0), due));  /* Friday */
  assert_false(petition_remind_now(&cal, taipei(2026, 3, 9, 8, 59), due)); /* Monday early */
  assert_true(petition_remind_now(&cal, taipei(2026, 3, 9, 9, 0), due));   /* a day before */
  assert_true(petition_remind_now(&cal, taipei(2026, 3, 11, 9, 0), due));  /* overdue */
  assert_false(petition_remind_now(&cal, taipei(2026, 3, 9, 9, 0), 0));    /* no due date */
}

static void test_same_matter(void **state)
{
  (void)state;
  assert_true(petition_similar("中山路路面坑洞", "中山路 路面坑洞，請儘速修補"));
  assert_true(petition_similar("Pothole on Zhongshan Rd", "pothole on zhongshan rd."));
  assert_false(petition_similar("中山路路面坑洞", "公園路燈不亮"));
  assert_false(petition_similar("Pothole on Zhongshan Rd", "Street light out in the park"));
  assert_false(petition_similar("", "中山路"));
}

static void test_small_cells_suppressed(void **state)
{
  (void)state;
  assert_int_equal(petition_cell(0), 0);
  assert_int_equal(petition_cell(1), -1);
  assert_int_equal(petition_cell(PETITION_STATS_MIN_CELL - 1), -1);
  assert_int_equal(petition_cell(PETITION_STATS_MIN_CELL), PETITION_STATS_MIN_CELL);
  assert_int_equal(petition_cell(120), 120);
}

static void test_numbers(void **state)
{
  (void)state;
  char key[24];
  assert_int_equal(petition_key(115, 12, key, sizeof(key)), ST_OK);
  assert_string_equal(key, "115-PT-000012");
  assert_int_equal(petition_key(115, 12, key, 8), ST_LIMIT);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_due_in_working_days),
      cmocka_unit_test(test_reminder_one_working_day_before),
      cmocka_unit_test(test_same_matter),
      cmocka_unit_test(test_small_cells_suppressed),
      cmocka_unit_test(test_numbers),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
