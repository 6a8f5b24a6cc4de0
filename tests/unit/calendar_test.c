/*
 * calendar_test.c - the shipped DGPA calendars load; deadlines skip weekends and holidays and
 * count make-up Saturdays; pauses, extensions, due states and §48 periods; a bad CSV names
 * every bad row and imports nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "domain/calendar.h"
#include "base/common.h"

#define CSV_2025 BIANMIN_SOURCE_DIR "/data/calendar/dgpa-2025.csv"
#define CSV_2026 BIANMIN_SOURCE_DIR "/data/calendar/dgpa-2026.csv"
#define CSV_2027 BIANMIN_SOURCE_DIR "/data/calendar/dgpa-2027.csv"

#define HOUR 3600

static struct calendar cal;

/* An Asia/Taipei wall-clock time as an instant. */
static time_t taipei(int y, int mo, int d, int h, int mi)
{
  struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
  return timegm(&tm) - 8 * HOUR;
}

static void assert_time(time_t got, time_t want)
{
  if (got != want) {
    char g[32], w[32];
    time_t gl = got + 8 * HOUR, wl = want + 8 * HOUR;
    strftime(g, sizeof(g), "%Y-%m-%d %H:%M:%S", gmtime(&gl));
    strftime(w, sizeof(w), "%Y-%m-%d %H:%M:%S", gmtime(&wl));
    fail_msg("got %s, want %s (Taipei)", g, w);
  }
}

static time_t add(time_t start, int64_t minutes)
{
  time_t deadline = 0;
  assert_int_equal(calendar_add_working_minutes(&cal, NULL, start, minutes, &deadline), ST_OK);
  return deadline;
}

static int64_t between(time_t a, time_t b)
{
  int64_t minutes = -1;
  assert_int_equal(calendar_working_minutes_between(&cal, NULL, a, b, &minutes), ST_OK);
  return minutes;
}

static enum calendar_due due(time_t now, time_t deadline)
{
  enum calendar_due state = CALENDAR_ON_TIME;
  assert_int_equal(calendar_due_state(&cal, NULL, now, deadline, &state), ST_OK);
  return state;
}

static char *read_text(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  char *text = malloc(CALENDAR_FILE_MAX + 1);
  assert_non_null(text);
  *len = fread(text, 1, CALENDAR_FILE_MAX, f);
  text[*len] = '\0';
  fclose(f);
  return text;
}

/* A copy of text with the first `find` replaced by `replace`. */
static char *mutate(const char *text, const char *find, const char *replace)
{
  const char *at = strstr(text, find);
  assert_non_null(at);
  size_t head = (size_t)(at - text), flen = strlen(find), rlen = strlen(replace);
  size_t tail = strlen(at + flen);
  char *out = malloc(head + rlen + tail + 1);
  assert_non_null(out);
  memcpy(out, text, head);
  memcpy(out + head, replace, rlen);
  memcpy(out + head + rlen, at + flen, tail + 1);
  return out;
}

static int setup_loaded(void **state)
{
  const char *files[] = {CSV_2025, CSV_2026, CSV_2027};
  struct calendar_import_report report;
  calendar_init(&cal);
  for (size_t i = 0; i < ARRAY_LEN(files); i++) {
    int rc = calendar_load_file(&cal, files[i], &report);
    if (rc)
      fail_msg("%s: %s, line %lu: %s", files[i], status_name(rc),
               report.n_errors ? report.errors[0].line : 0,
               report.n_errors ? report.errors[0].message : "");
    assert_int_equal(report.n_days, 365);
    assert_int_equal(report.first_year, 2025 + (int)i);
    assert_int_equal(report.last_year, 2025 + (int)i);
  }
  return 0;
}

static int setup_empty(void **state)
{
  calendar_init(&cal);
  return 0;
}

static int teardown(void **state)
{
  calendar_free(&cal);
  return 0;
}

static void assert_day(int y, int m, int d, bool working, const char *remark)
{
  struct calendar_day_info info;
  assert_int_equal(calendar_day_info(&cal, y, m, d, &info), ST_OK);
  if (info.working != working)
    fail_msg("%04d-%02d-%02d: working is %d", y, m, d, info.working);
  assert_false(info.estimated);
  assert_string_equal(info.remark, remark);
}

/* ---- Loading and looking up ---------------------------------------------------------------- */

static void test_shipped_days(void **state)
{
  assert_day(2025, 2, 8, true, "補行上班"); /* a Saturday make-up workday */
  assert_day(2025, 1, 1, false, "開國紀念日");
  assert_day(2025, 5, 1, true, "");   /* 勞動節 is not off for government offices in 2025 */
  assert_day(2025, 2, 15, false, ""); /* an ordinary Saturday */
  assert_day(2026, 2, 16, false, "農曆除夕");
  assert_day(2026, 2, 20, false, "補假");
  assert_day(2026, 2, 23, true, "");
  assert_day(2026, 5, 1, false, "勞動節");
  assert_day(2027, 12, 31, false, "補假");
  struct calendar_day_info info;
  assert_int_equal(calendar_day_info(&cal, 2025, 2, 8, &info), ST_OK);
  assert_int_equal(info.weekday, 6);
}

static void test_outside_loaded_years_is_estimated(void **state)
{
  struct calendar_day_info info;
  assert_int_equal(calendar_day_info(&cal, 2024, 12, 31, &info), ST_OK);
  assert_true(info.estimated);
  assert_true(info.working); /* a Tuesday */
  assert_int_equal(calendar_day_info(&cal, 2028, 1, 1, &info), ST_OK);
  assert_true(info.estimated);
  assert_false(info.working); /* a Saturday */
  assert_int_equal(calendar_day_info(&cal, 2025, 2, 29, &info), ST_INVALID);
  assert_false(
      calendar_is_estimated(&cal, NULL, taipei(2025, 1, 1, 0, 0), taipei(2027, 12, 31, 23, 59)));
  assert_true(
      calendar_is_estimated(&cal, NULL, taipei(2027, 12, 30, 9, 0), taipei(2028, 1, 3, 9, 0)));
  /* Beyond the loaded years the guess still gives deadlines: Friday 2028-01-07 → Monday. */
  assert_time(add(taipei(2028, 1, 7, 9, 0), 480), taipei(2028, 1, 10, 9, 0));
}

static void test_hours_parameter(void **state)
{
  struct calendar_hours hours = calendar_hours_default();
  assert_int_equal(calendar_hours_check(&hours), ST_OK);
  assert_int_equal(hours.utc_offset_minutes, 480);
  /* A single 09:00-12:00 period: 180 minutes a day. */
  hours.n_periods = 1;
  hours.periods[0] = (struct calendar_period){9 * 60, 12 * 60};
  time_t deadline = 0;
  assert_int_equal(
      calendar_add_working_minutes(&cal, &hours, taipei(2026, 3, 2, 9, 0), 360, &deadline), ST_OK);
  assert_time(deadline, taipei(2026, 3, 3, 12, 0));
  hours.periods[0] = (struct calendar_period){12 * 60, 9 * 60};
  assert_int_equal(calendar_hours_check(&hours), ST_INVALID);
  assert_int_equal(
      calendar_add_working_minutes(&cal, &hours, taipei(2026, 3, 2, 9, 0), 60, &deadline),
      ST_INVALID);
}

/* ---- Working-minute deadlines -------------------------------------------------------------- */

static void test_deadline_same_and_next_day(void **state)
{
  /* 2026-03-02 is a Monday. */
  assert_time(add(taipei(2026, 3, 2, 15, 0), 240), taipei(2026, 3, 3, 10, 0));
  assert_time(add(taipei(2026, 3, 2, 8, 30), 480), taipei(2026, 3, 2, 17, 30));
  assert_time(add(taipei(2026, 3, 2, 8, 30), 240), taipei(2026, 3, 2, 12, 30));
  assert_time(add(taipei(2026, 3, 2, 9, 0), 240), taipei(2026, 3, 2, 14, 0));
  assert_time(add(taipei(2026, 3, 2, 17, 29), 1), taipei(2026, 3, 2, 17, 30));
}

static void test_intake_outside_working_time(void **state)
{
  assert_time(add(taipei(2026, 3, 2, 17, 45), 240), taipei(2026, 3, 3, 12, 30));
  assert_time(add(taipei(2026, 3, 2, 12, 45), 240), taipei(2026, 3, 2, 17, 30));
  assert_time(add(taipei(2026, 3, 2, 7, 0), 480), taipei(2026, 3, 2, 17, 30));
  assert_time(add(taipei(2026, 3, 2, 7, 0), 1), taipei(2026, 3, 2, 8, 31));
  /* Taken in on a Saturday: counting starts Monday 08:30. */
  assert_time(add(taipei(2026, 3, 7, 10, 0), 60), taipei(2026, 3, 9, 9, 30));
  /* Seconds are kept: 12:29:30 + 1 minute ends at 13:30:30. */
  assert_time(add(taipei(2026, 3, 2, 12, 29) + 30, 1), taipei(2026, 3, 2, 13, 30) + 30);
}

static void test_zero_minutes_is_immediate(void **state)
{
  time_t sunday = taipei(2026, 3, 8, 3, 0);
  assert_time(add(sunday, 0), sunday);
  assert_time(add(taipei(2026, 3, 2, 10, 0), 0), taipei(2026, 3, 2, 10, 0));
}

static void test_deadline_across_weekend(void **state)
{
  /* Friday 09:00 + 1 day: 450 minutes on Friday, 30 on Monday. */
  assert_time(add(taipei(2026, 3, 6, 9, 0), 480), taipei(2026, 3, 9, 9, 0));
  /* 15 working days from Monday 08:30 end on the third Friday at 17:30. */
  assert_time(add(taipei(2026, 3, 2, 8, 30), 15 * 480), taipei(2026, 3, 20, 17, 30));
}

static void test_deadline_across_lunar_new_year_2026(void **state)
{
  /* dgpa-2026.csv: 02-14 (Sat) .. 02-22 (Sun) are all days off (除夕 02-16, 春節 02-17..19,
   * 補假 02-20). */
  assert_time(add(taipei(2026, 2, 13, 9, 0), 480), taipei(2026, 2, 23, 9, 0));
  assert_time(add(taipei(2026, 2, 12, 8, 30), 3 * 480), taipei(2026, 2, 23, 17, 30));
  /* Taken in during the holiday: counting starts on 02-23. */
  assert_time(add(taipei(2026, 2, 17, 10, 0), 240), taipei(2026, 2, 23, 12, 30));
}

static void test_deadline_counts_make_up_saturday(void **state)
{
  /* Friday 2025-02-07 09:00 + 1 day ends on Saturday 02-08, 補行上班. */
  assert_time(add(taipei(2025, 2, 7, 9, 0), 480), taipei(2025, 2, 8, 9, 0));
  /* Lunar New Year 2025: 01-25 .. 02-02 off, so Friday 01-24 + 1 day → Monday 02-03. */
  assert_time(add(taipei(2025, 1, 24, 9, 0), 480), taipei(2025, 2, 3, 9, 0));
  /* 2025-05-01 is a working day for offices: Wednesday 04-30 09:00 + 1 day → 05-01 09:00. */
  assert_time(add(taipei(2025, 4, 30, 9, 0), 480), taipei(2025, 5, 1, 9, 0));
}

static void test_deadline_across_years(void **state)
{
  /* 2025-12-31 (Wed) 09:00 + 1 day: 2026-01-01 is a holiday → Friday 01-02 09:00. */
  assert_time(add(taipei(2025, 12, 31, 9, 0), 480), taipei(2026, 1, 2, 9, 0));
}

static void test_add_rejects_bad_input(void **state)
{
  time_t deadline;
  assert_int_equal(
      calendar_add_working_minutes(&cal, NULL, taipei(2026, 3, 2, 9, 0), -1, &deadline),
      ST_INVALID);
  assert_int_equal(calendar_add_working_minutes(&cal, NULL, taipei(2026, 3, 2, 9, 0),
                                                CALENDAR_MINUTES_MAX + 1, &deadline),
                   ST_INVALID);
  assert_int_equal(calendar_add_working_minutes(&cal, NULL, taipei(2300, 1, 1, 9, 0), 1, &deadline),
                   ST_INVALID);
  assert_int_equal(calendar_add_working_minutes(&cal, NULL, taipei(2199, 12, 31, 9, 0),
                                                CALENDAR_MINUTES_MAX, &deadline),
                   ST_LIMIT);
}

/* ---- Working minutes between --------------------------------------------------------------- */

static void test_working_minutes_between(void **state)
{
  assert_int_equal(between(taipei(2026, 3, 2, 8, 30), taipei(2026, 3, 2, 17, 30)), 480);
  assert_int_equal(between(taipei(2026, 3, 2, 12, 0), taipei(2026, 3, 2, 14, 0)), 60);
  assert_int_equal(between(taipei(2026, 3, 6, 15, 0), taipei(2026, 3, 9, 10, 0)), 240);
  assert_int_equal(between(taipei(2026, 2, 13, 8, 30), taipei(2026, 2, 23, 8, 30)), 480);
  assert_int_equal(between(taipei(2025, 2, 7, 0, 0), taipei(2025, 2, 10, 0, 0)), 960);
  assert_int_equal(between(taipei(2026, 3, 2, 10, 0), taipei(2026, 3, 2, 10, 0)), 0);
  assert_int_equal(between(taipei(2026, 3, 3, 10, 0), taipei(2026, 3, 2, 10, 0)), 0);
  /* Rounded down: 59 seconds are 0 minutes. */
  assert_int_equal(between(taipei(2026, 3, 2, 10, 0), taipei(2026, 3, 2, 10, 0) + 59), 0);
  /* Inverse of adding. */
  time_t start = taipei(2026, 2, 11, 16, 10);
  assert_int_equal(between(start, add(start, 2000)), 2000);
}

/* ---- Pauses and extensions ----------------------------------------------------------------- */

static time_t with_pauses(time_t start, int64_t limit, const struct calendar_pause *pauses,
                          size_t n, int64_t extension)
{
  time_t deadline = 1;
  bool paused = true;
  assert_int_equal(calendar_deadline_with_pauses(&cal, NULL, start, limit, pauses, n, extension,
                                                 &deadline, &paused),
                   ST_OK);
  assert_false(paused);
  return deadline;
}

static void test_correction_pause_in_the_middle(void **state)
{
  time_t start = taipei(2026, 3, 2, 8, 30);
  assert_time(with_pauses(start, 3 * 480, NULL, 0, 0), taipei(2026, 3, 4, 17, 30));
  /* 補正 notice Tuesday 08:30, answered Thursday 08:30: two working days do not count. */
  struct calendar_pause pause = {taipei(2026, 3, 3, 8, 30), taipei(2026, 3, 5, 8, 30)};
  assert_time(with_pauses(start, 3 * 480, &pause, 1, 0), taipei(2026, 3, 6, 17, 30));
  /* Notice Monday 15:00, answered Tuesday 11:00: 330 minutes before, 150 after. */
  pause = (struct calendar_pause){taipei(2026, 3, 2, 15, 0), taipei(2026, 3, 3, 11, 0)};
  assert_time(with_pauses(start, 480, &pause, 1, 0), taipei(2026, 3, 3, 14, 30));
}

static void test_pauses_unsorted_and_overlapping(void **state)
{
  time_t start = taipei(2026, 3, 2, 8, 30);
  struct calendar_pause pauses[] = {
      {taipei(2026, 3, 3, 13, 0), taipei(2026, 3, 4, 8, 30)},
      {taipei(2026, 3, 3, 10, 0), taipei(2026, 3, 3, 14, 0)},
      {taipei(2026, 3, 3, 8, 30), taipei(2026, 3, 3, 12, 0)},
      {taipei(2026, 2, 1, 8, 30), taipei(2026, 2, 2, 8, 30)}, /* before intake: ignored */
      {taipei(2026, 3, 1, 8, 0), taipei(2026, 3, 2, 9, 0)},   /* clipped: 30 minutes stop */
  };
  /* Monday 08:30-09:00 and all of Tuesday stop: 450 + 480 (Wed) + 480 (Thu) + 30 (Fri). */
  assert_time(with_pauses(start, 3 * 480, pauses, ARRAY_LEN(pauses), 0), taipei(2026, 3, 6, 9, 0));
}

static void test_pause_still_open(void **state)
{
  struct calendar_pause pauses[] = {
      {taipei(2026, 3, 3, 8, 30), taipei(2026, 3, 3, 9, 30)},
      {taipei(2026, 3, 4, 8, 30), 0},
  };
  time_t deadline = 1;
  bool paused = false;
  assert_int_equal(calendar_deadline_with_pauses(&cal, NULL, taipei(2026, 3, 2, 8, 30), 480, pauses,
                                                 2, 0, &deadline, &paused),
                   ST_OK);
  assert_true(paused);
  assert_int_equal(deadline, 0);
}

static void test_pause_rejects_bad_input(void **state)
{
  struct calendar_pause backwards = {taipei(2026, 3, 3, 10, 0), taipei(2026, 3, 3, 9, 0)};
  time_t deadline;
  bool paused;
  assert_int_equal(calendar_deadline_with_pauses(&cal, NULL, taipei(2026, 3, 2, 8, 30), 480,
                                                 &backwards, 1, 0, &deadline, &paused),
                   ST_INVALID);
  assert_int_equal(calendar_deadline_with_pauses(&cal, NULL, taipei(2026, 3, 2, 8, 30), 480, NULL,
                                                 0, -1, &deadline, &paused),
                   ST_INVALID);
  struct calendar_pause many[CALENDAR_PAUSES_MAX + 1];
  memset(many, 0, sizeof(many));
  assert_int_equal(calendar_deadline_with_pauses(&cal, NULL, taipei(2026, 3, 2, 8, 30), 480, many,
                                                 ARRAY_LEN(many), 0, &deadline, &paused),
                   ST_LIMIT);
}

static void test_extension(void **state)
{
  time_t start = taipei(2026, 3, 2, 8, 30);
  /* 展期 of one working day on a 3-day limit: Thursday 17:30. */
  assert_time(with_pauses(start, 3 * 480, NULL, 0, 480), taipei(2026, 3, 5, 17, 30));
  /* With the two-day correction as well: the following Monday 17:30. */
  struct calendar_pause pause = {taipei(2026, 3, 3, 8, 30), taipei(2026, 3, 5, 8, 30)};
  assert_time(with_pauses(start, 3 * 480, &pause, 1, 480), taipei(2026, 3, 9, 17, 30));
  /* 即時 with no extension stays at the start, pauses or not. */
  assert_time(with_pauses(start, 0, &pause, 1, 0), start);
  /* The deadline is the same as adding limit + extension outside pauses. */
  assert_time(with_pauses(taipei(2026, 2, 10, 14, 0), 2 * 480, NULL, 0, 240),
              add(taipei(2026, 2, 10, 14, 0), 3 * 480 - 240));
}

/* ---- Used working time (the staff case page's "used / allowed working hours") ----------- */

static int64_t used(time_t start, time_t at, const struct calendar_pause *pauses, size_t n)
{
  int64_t minutes = -1;
  assert_int_equal(calendar_used_minutes_with_pauses(&cal, NULL, start, at, pauses, n, &minutes),
                   ST_OK);
  return minutes;
}

static void test_used_over_holidays_and_make_up_days(void **state)
{
  /* Lunar New Year 2026: Thursday 02-12 and Friday 02-13 count, 02-14..02-22 are off, Monday
   * 02-23 counts: three working days. */
  assert_int_equal(used(taipei(2026, 2, 12, 8, 30), taipei(2026, 2, 24, 8, 30), NULL, 0), 3 * 480);
  /* The 補行上班 Saturday 2025-02-08 counts: Friday 09:00 to Monday 09:00 is 450 + 480 + 30. */
  assert_int_equal(used(taipei(2025, 2, 7, 9, 0), taipei(2025, 2, 10, 9, 0), NULL, 0), 960);
  /* Over lunch and after hours nothing is used; at <= start is 0. */
  assert_int_equal(used(taipei(2026, 3, 2, 12, 30), taipei(2026, 3, 2, 13, 30), NULL, 0), 0);
  assert_int_equal(used(taipei(2026, 3, 3, 9, 0), taipei(2026, 3, 2, 9, 0), NULL, 0), 0);
}

static void test_used_excludes_stopped_steps(void **state)
{
  time_t start = taipei(2026, 3, 2, 8, 30);
  /* A correction from Tuesday 08:30 to Thursday 08:30 (two days) does not count: by Thursday
   * 12:30 the case has used Monday and Thursday morning, 12 working hours. */
  struct calendar_pause correction = {taipei(2026, 3, 3, 8, 30), taipei(2026, 3, 5, 8, 30)};
  assert_int_equal(used(start, taipei(2026, 3, 5, 12, 30), &correction, 1), 720);
  /* A public notice still open (to 0) stops the clock until now: Monday only. */
  struct calendar_pause notice = {taipei(2026, 3, 3, 8, 30), 0};
  assert_int_equal(used(start, taipei(2026, 3, 20, 17, 30), &notice, 1), 480);
  /* A 30-day public notice over the 2026 New Year holidays, then a referral to another agency,
   * overlapping and unsorted: only the working time outside both counts. */
  struct calendar_pause both[] = {
      {taipei(2026, 2, 11, 8, 30), taipei(2026, 3, 13, 8, 30)},
      {taipei(2026, 3, 12, 8, 30), taipei(2026, 3, 16, 8, 30)},
  };
  assert_int_equal(used(taipei(2026, 2, 10, 8, 30), taipei(2026, 3, 16, 12, 30), both, 2),
                   480 + 240);
  /* A pause that starts after at stops nothing. */
  struct calendar_pause later = {taipei(2026, 3, 10, 8, 30), 0};
  assert_int_equal(used(start, taipei(2026, 3, 3, 8, 30), &later, 1), 480);
}

/* The used time at the deadline calendar_deadline_with_pauses computes is the limit plus the
 * extension: the page's hours and every deadline agree. */
static void test_used_agrees_with_deadline(void **state)
{
  struct calendar_pause pauses[] = {
      {taipei(2026, 2, 11, 15, 0), taipei(2026, 2, 24, 10, 0)}, /* over New Year */
      {taipei(2026, 2, 26, 8, 30), taipei(2026, 2, 27, 17, 30)},
  };
  time_t starts[] = {taipei(2026, 2, 10, 14, 0), taipei(2025, 2, 6, 16, 45),
                     taipei(2026, 2, 11, 12, 50)};
  int64_t limits[] = {480, 3 * 480, 7 * 480 + 90};
  for (size_t i = 0; i < ARRAY_LEN(starts); i++)
    for (size_t k = 0; k < ARRAY_LEN(limits); k++)
      for (size_t n = 0; n <= ARRAY_LEN(pauses); n++) {
        time_t deadline = with_pauses(starts[i], limits[k], pauses, n, 240);
        assert_int_equal(used(starts[i], deadline, pauses, n), limits[k] + 240);
        assert_int_equal(used(starts[i], deadline - 60, pauses, n), limits[k] + 240 - 1);
      }
}

static void test_used_rejects_bad_input(void **state)
{
  struct calendar_pause backwards = {taipei(2026, 3, 3, 10, 0), taipei(2026, 3, 3, 9, 0)};
  int64_t minutes;
  time_t start = taipei(2026, 3, 2, 8, 30);
  assert_int_equal(
      calendar_used_minutes_with_pauses(&cal, NULL, start, start + 3600, &backwards, 1, &minutes),
      ST_INVALID);
  assert_int_equal(calendar_used_minutes_with_pauses(&cal, NULL, start, start, NULL, 0, NULL),
                   ST_INVALID);
  struct calendar_pause many[CALENDAR_PAUSES_MAX + 1];
  memset(many, 0, sizeof(many));
  assert_int_equal(
      calendar_used_minutes_with_pauses(&cal, NULL, start, start, many, ARRAY_LEN(many), &minutes),
      ST_LIMIT);
}

/* ---- Due state ----------------------------------------------------------------------------- */

static void test_due_boundaries(void **state)
{
  time_t deadline = taipei(2026, 3, 3, 17, 30);
  assert_int_equal(due(taipei(2026, 3, 3, 13, 30), deadline), CALENDAR_DUE_SOON); /* 240 left */
  assert_int_equal(due(taipei(2026, 3, 3, 12, 29), deadline), CALENDAR_ON_TIME);  /* 241 left */
  assert_int_equal(due(taipei(2026, 3, 3, 12, 45), deadline), CALENDAR_DUE_SOON); /* lunch */
  assert_int_equal(due(deadline, deadline), CALENDAR_DUE_SOON);
  assert_int_equal(due(deadline + 1, deadline), CALENDAR_OVERDUE);
  assert_int_equal(due(taipei(2026, 3, 1, 9, 0), deadline), CALENDAR_ON_TIME);
  /* Over a weekend: Friday 15:30 → Monday 10:30 is 120 + 120 working minutes. */
  deadline = taipei(2026, 3, 9, 10, 30);
  assert_int_equal(due(taipei(2026, 3, 6, 15, 30), deadline), CALENDAR_DUE_SOON);
  assert_int_equal(due(taipei(2026, 3, 6, 15, 29), deadline), CALENDAR_ON_TIME);
  assert_string_equal(calendar_due_name(CALENDAR_ON_TIME), "on_time");
  assert_string_equal(calendar_due_name(CALENDAR_DUE_SOON), "due_soon");
  assert_string_equal(calendar_due_name(CALENDAR_OVERDUE), "overdue");
}

/* ---- Calendar-day periods (行政程序法 §48) ----------------------------------------------------
 */

static void assert_period(int y, int m, int d, int days, int wy, int wm, int wd)
{
  int oy = 0, om = 0, od = 0;
  assert_int_equal(calendar_add_days_period(&cal, y, m, d, days, &oy, &om, &od), ST_OK);
  if (oy != wy || om != wm || od != wd)
    fail_msg("%04d-%02d-%02d + %d days: got %04d-%02d-%02d, want %04d-%02d-%02d", y, m, d, days, oy,
             om, od, wy, wm, wd);
}

static void test_correction_period(void **state)
{
  assert_period(2026, 3, 2, 15, 2026, 3, 17);   /* ends on a Tuesday */
  assert_period(2026, 2, 28, 15, 2026, 3, 16);  /* ends on Sunday 03-15 → Monday */
  assert_period(2026, 2, 27, 15, 2026, 3, 16);  /* ends on Saturday 03-14 → Monday */
  assert_period(2026, 1, 30, 15, 2026, 2, 23);  /* ends on 02-14, over Lunar New Year */
  assert_period(2026, 9, 24, 15, 2026, 10, 12); /* 10-09 補假, 10-10 國慶日, then Sunday */
  assert_period(2025, 1, 24, 15, 2025, 2, 8);   /* a 補行上班 Saturday is a working day */
  assert_period(2027, 12, 16, 15, 2028, 1, 3);  /* 12-31 補假 → estimated 2028 weekend */
  int y, m, d;
  assert_int_equal(calendar_add_days_period(&cal, 2026, 2, 30, 15, &y, &m, &d), ST_INVALID);
  assert_int_equal(calendar_add_days_period(&cal, 2026, 3, 2, -1, &y, &m, &d), ST_INVALID);
}

/* ---- CSV import ---------------------------------------------------------------------------- */

static char *shipped_2025(size_t *len)
{
  return read_text(CSV_2025, len);
}

/* Parses text, which must fail; checks that nothing was imported and returns the report. */
static void parse_bad(const char *text, struct calendar_import_report *report)
{
  assert_int_equal(calendar_parse_dgpa_csv(&cal, text, strlen(text), report), ST_INVALID);
  assert_true(report->n_errors > 0);
  assert_int_equal(report->n_days, 0);
  assert_int_equal(cal.n_days, 0);
  struct calendar_day_info info;
  assert_int_equal(calendar_day_info(&cal, 2025, 2, 8, &info), ST_OK);
  assert_true(info.estimated);
}

static bool has_error(const struct calendar_import_report *report, unsigned long line,
                      unsigned column)
{
  for (size_t i = 0; i < report->n_errors && i < CALENDAR_REPORT_ERRORS_MAX; i++)
    if (report->errors[i].line == line && report->errors[i].column == column)
      return true;
  return false;
}

static void check_one_change(const char *find, const char *replace, unsigned long line,
                             unsigned column, size_t n_errors)
{
  size_t len;
  char *text = shipped_2025(&len);
  char *bad = mutate(text, find, replace);
  struct calendar_import_report report;
  parse_bad(bad, &report);
  if (!has_error(&report, line, column) || report.n_errors != n_errors)
    fail_msg("%s: want line %lu column %u (%zu errors); first: line %lu column %u: %s", replace,
             line, column, n_errors, report.errors[0].line, report.errors[0].column,
             report.errors[0].message);
  free(bad);
  free(text);
}

static void test_csv_bad_date(void **state)
{
  /* 20250230 does not exist, and 20250302 is then missing: reported at the next row. */
  check_one_change("20250302,日,2,", "20250230,日,2,", 62, 1, 2);
  check_one_change("20250302,日,2,", "2025032,日,2,", 62, 1, 2);
  check_one_change("20250302,日,2,", "19690302,日,2,", 62, 1, 2);
}

static void test_csv_wrong_weekday(void **state)
{
  check_one_change("20250303,一,0,", "20250303,二,0,", 63, 2, 1);
}

static void test_csv_flag_one(void **state)
{
  check_one_change("20250304,二,0,", "20250304,二,1,", 64, 3, 1);
}

static void test_csv_duplicate_date(void **state)
{
  check_one_change("20250305,三,0,\n", "20250305,三,0,\n20250305,三,0,\n", 66, 1, 1);
}

static void test_csv_missing_day(void **state)
{
  /* Without 20250306, the next listed day 20250307 is on line 66. */
  check_one_change("20250306,四,0,\n", "", 66, 1, 1);
  /* The last day of the year: reported at the previous row. */
  check_one_change("20251231,三,0,\n", "", 365, 1, 1);
}

static void test_csv_bad_remark_and_fields(void **state)
{
  check_one_change("20250303,一,0,", "20250303,一,0,\xff\xfe", 63, 4, 1);
  check_one_change("20250303,一,0,",
                   "20250303,一,0,"
                   "0123456789012345678901234567890123456789012345678901234567890123456789"
                   "0123456789012345678901234567890123456789",
                   63, 4, 1);
  check_one_change("20250303,一,0,", "20250303,一,0,,", 63, 0, 2);
  check_one_change("西元日期,星期,是否放假,備註", "date,weekday,off,remark", 1, 0, 1);
  /* Without a header the first row is still read: only the header is reported. */
  check_one_change("西元日期,星期,是否放假,備註\n", "", 1, 0, 1);
}

static void test_csv_every_bad_row_named(void **state)
{
  size_t len;
  char *text = shipped_2025(&len);
  char *a = mutate(text, "20250303,一,0,", "20250303,二,0,");
  char *b = mutate(a, "20250304,二,0,", "20250304,二,1,");
  char *c = mutate(b, "20250801,五,0,", "20250801,五,7,");
  struct calendar_import_report report;
  parse_bad(c, &report);
  assert_int_equal(report.n_errors, 3);
  assert_true(has_error(&report, 63, 2));
  assert_true(has_error(&report, 64, 3));
  assert_true(has_error(&report, 214, 3));
  free(a);
  free(b);
  free(c);
  free(text);
}

static void test_csv_bom_and_crlf_accepted(void **state)
{
  size_t len;
  char *text = shipped_2025(&len);
  char *crlf = malloc(2 * len + 4);
  assert_non_null(crlf);
  size_t n = 0;
  memcpy(crlf, "\xEF\xBB\xBF", 3);
  n = 3;
  for (size_t i = 0; i < len; i++) {
    if (text[i] == '\n')
      crlf[n++] = '\r';
    crlf[n++] = text[i];
  }
  struct calendar_import_report report;
  assert_int_equal(calendar_parse_dgpa_csv(&cal, crlf, n, &report), ST_OK);
  assert_int_equal(report.n_errors, 0);
  assert_int_equal(report.n_days, 365);
  assert_day(2025, 2, 8, true, "補行上班");
  assert_day(2025, 12, 25, false, "行憲紀念日");
  free(crlf);
  free(text);
}

static void test_csv_failure_keeps_loaded_years(void **state)
{
  struct calendar_import_report report;
  assert_int_equal(calendar_load_file(&cal, CSV_2026, &report), ST_OK);
  size_t len;
  char *text = shipped_2025(&len);
  char *bad = mutate(text, "20250304,二,0,", "20250304,二,1,");
  assert_int_equal(calendar_parse_dgpa_csv(&cal, bad, strlen(bad), &report), ST_INVALID);
  assert_day(2026, 2, 16, false, "農曆除夕");
  struct calendar_day_info info;
  assert_int_equal(calendar_day_info(&cal, 2025, 2, 8, &info), ST_OK);
  assert_true(info.estimated);
  /* Loading 2025 afterwards widens the range; loading it again replaces it. */
  assert_int_equal(calendar_parse_dgpa_csv(&cal, text, len, &report), ST_OK);
  assert_int_equal(calendar_parse_dgpa_csv(&cal, text, len, &report), ST_OK);
  assert_day(2025, 2, 8, true, "補行上班");
  assert_day(2026, 2, 16, false, "農曆除夕");
  free(bad);
  free(text);
}

static void test_csv_empty_and_missing_file(void **state)
{
  struct calendar_import_report report;
  assert_int_equal(calendar_parse_dgpa_csv(&cal, "", 0, &report), ST_INVALID);
  assert_int_equal(calendar_parse_dgpa_csv(&cal, "西元日期,星期,是否放假,備註\n",
                                           strlen("西元日期,星期,是否放假,備註\n"), &report),
                   ST_INVALID);
  assert_int_equal(calendar_load_file(&cal, BIANMIN_SOURCE_DIR "/data/calendar/none.csv", &report),
                   ST_IO);
  assert_int_equal(report.n_errors, 1);
  assert_int_equal(cal.n_days, 0);
}

int main(void)
{
  const struct CMUnitTest loaded[] = {
      cmocka_unit_test(test_shipped_days),
      cmocka_unit_test(test_outside_loaded_years_is_estimated),
      cmocka_unit_test(test_hours_parameter),
      cmocka_unit_test(test_deadline_same_and_next_day),
      cmocka_unit_test(test_intake_outside_working_time),
      cmocka_unit_test(test_zero_minutes_is_immediate),
      cmocka_unit_test(test_deadline_across_weekend),
      cmocka_unit_test(test_deadline_across_lunar_new_year_2026),
      cmocka_unit_test(test_deadline_counts_make_up_saturday),
      cmocka_unit_test(test_used_over_holidays_and_make_up_days),
      cmocka_unit_test(test_used_excludes_stopped_steps),
      cmocka_unit_test(test_used_agrees_with_deadline),
      cmocka_unit_test(test_used_rejects_bad_input),
      cmocka_unit_test(test_deadline_across_years),
      cmocka_unit_test(test_add_rejects_bad_input),
      cmocka_unit_test(test_working_minutes_between),
      cmocka_unit_test(test_correction_pause_in_the_middle),
      cmocka_unit_test(test_pauses_unsorted_and_overlapping),
      cmocka_unit_test(test_pause_still_open),
      cmocka_unit_test(test_pause_rejects_bad_input),
      cmocka_unit_test(test_extension),
      cmocka_unit_test(test_due_boundaries),
      cmocka_unit_test(test_correction_period),
  };
  const struct CMUnitTest empty[] = {
      cmocka_unit_test_setup_teardown(test_csv_bad_date, setup_empty, teardown),
      cmocka_unit_test_setup_teardown(test_csv_wrong_weekday, setup_empty, teardown),
      cmocka_unit_test_setup_teardown(test_csv_flag_one, setup_empty, teardown),
      cmocka_unit_test_setup_teardown(test_csv_duplicate_date, setup_empty, teardown),
      cmocka_unit_test_setup_teardown(test_csv_missing_day, setup_empty, teardown),
      cmocka_unit_test_setup_teardown(test_csv_bad_remark_and_fields, setup_empty, teardown),
      cmocka_unit_test_setup_teardown(test_csv_every_bad_row_named, setup_empty, teardown),
      cmocka_unit_test_setup_teardown(test_csv_bom_and_crlf_accepted, setup_empty, teardown),
      cmocka_unit_test_setup_teardown(test_csv_failure_keeps_loaded_years, setup_empty, teardown),
      cmocka_unit_test_setup_teardown(test_csv_empty_and_missing_file, setup_empty, teardown),
  };
  int failed = cmocka_run_group_tests_name("calendar (loaded)", loaded, setup_loaded, teardown);
  failed += cmocka_run_group_tests_name("calendar import", empty, NULL, NULL);
  return failed;
}
