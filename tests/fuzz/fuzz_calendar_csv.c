/*
 * fuzz_calendar_csv.c - libFuzzer target for the DGPA calendar CSV parser. Any input must
 * either be refused with a report or load whole years whose every day answers a lookup, and
 * arithmetic over a loaded calendar must stay in bounds.
 * Built by the CMake preset "fuzz"; scripts/fuzz.sh runs it from tests/fuzz/corpus/<target>/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/calendar.h"
#include "base/common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise(const struct calendar *cal, const struct calendar_import_report *report)
{
  struct calendar_day_info info;
  time_t deadline = 0;
  int64_t minutes = 0;
  /* 1 January of the first loaded year, 09:00 Asia/Taipei. */
  struct tm tm = {.tm_year = report->first_year - 1900, .tm_mday = 1, .tm_hour = 1};
  time_t start = timegm(&tm);
  for (int year = report->first_year; year <= report->last_year; year++)
    if (calendar_day_info(cal, year, 12, 31, &info) || info.estimated)
      abort();
  if (calendar_add_working_minutes(cal, NULL, start, 15 * 480, &deadline) == ST_OK &&
      (calendar_working_minutes_between(cal, NULL, start, deadline, &minutes) != ST_OK ||
       minutes != 15 * 480))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct calendar cal;
  struct calendar_import_report report;
  calendar_init(&cal);
  int rc = calendar_parse_dgpa_csv(&cal, (const char *)data, size, &report);
  if (rc == ST_OK && report.n_errors == 0 && report.n_days > 0)
    exercise(&cal, &report);
  else if (rc == ST_OK || cal.n_days != 0)
    abort(); /* a refused file must leave the calendar empty */
  for (size_t i = 0; i < report.n_errors && i < CALENDAR_REPORT_ERRORS_MAX; i++)
    if (strlen(report.errors[i].message) >= CALENDAR_MESSAGE_SIZE)
      abort();
  calendar_free(&cal);
  return 0;
}
