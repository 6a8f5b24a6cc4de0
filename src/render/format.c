/*
 * format.c - dates and money as citizens read them (DOMAIN.md): ROC years for zh-TW, day
 * month year for English, Asia/Taipei local time (UTC+8 all year: Taiwan has no DST since
 * 1979), New Taiwan dollars with thousands separators.
 *
 * Any language other than English (including NULL) is formatted as zh-TW, the default.
 */
#include "render/format.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "render/i18n.h"
#include "base/common.h"

#define ROC_YEAR_OFFSET   1911
#define FORMAT_FIRST_YEAR 1912 /* ROC year 1 */
#define FORMAT_LAST_YEAR  9999
#define TAIPEI_UTC_OFFSET (8 * 3600)
#define SECONDS_PER_DAY   86400

static const char *const month_abbr[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static bool is_english(const char *lang)
{
  const char *served = lang ? i18n_normalize(lang, strlen(lang)) : NULL;
  return served && strcmp(served, "en") == 0;
}

static bool is_leap(int year)
{
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

static int check_date(int year, int month, int day)
{
  if (year < FORMAT_FIRST_YEAR || year > FORMAT_LAST_YEAR || month < 1 || month > 12)
    return ST_INVALID;
  if (day < 1 || day > days_in_month(year, month))
    return ST_INVALID;
  return ST_OK;
}

/* Turns snprintf's result into a status; on ST_LIMIT the output is left empty. */
static int snprintf_status(int n, char *out, size_t size)
{
  if (n < 0)
    return ST_INVALID;
  if ((size_t)n >= size) {
    if (size)
      out[0] = '\0';
    return ST_LIMIT;
  }
  return ST_OK;
}

int format_roc_year(int gregorian_year)
{
  return gregorian_year - ROC_YEAR_OFFSET;
}

int format_date(int year, int month, int day, const char *lang, char *out, size_t size)
{
  int rc = check_date(year, month, day);
  if (rc) {
    if (size)
      out[0] = '\0';
    return rc;
  }
  int n;
  if (is_english(lang))
    n = snprintf(out, size, "%d %s %d", day, month_abbr[month - 1], year);
  else
    n = snprintf(out, size, "%d年%d月%d日", format_roc_year(year), month, day);
  return snprintf_status(n, out, size);
}

int format_date_short(int year, int month, int day, const char *lang, char *out, size_t size)
{
  int rc = check_date(year, month, day);
  if (rc) {
    if (size)
      out[0] = '\0';
    return rc;
  }
  int n;
  if (is_english(lang))
    n = snprintf(out, size, "%04d-%02d-%02d", year, month, day);
  else
    n = snprintf(out, size, "%d/%02d/%02d", format_roc_year(year), month, day);
  return snprintf_status(n, out, size);
}

/* Gregorian date of a day count since 1970-01-01 (H. Hinnant's civil_from_days). */
static void civil_from_days(long long z, int *year, int *month, int *day)
{
  z += 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  long long doe = z - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153;
  long long d = doy - (153 * mp + 2) / 5 + 1;
  long long m = mp < 10 ? mp + 3 : mp - 9;
  *year = (int)(yoe + era * 400 + (m <= 2));
  *month = (int)m;
  *day = (int)d;
}

int format_datetime(time_t utc, const char *lang, char *out, size_t size)
{
  /* Refuse instants outside the years we format before any arithmetic can overflow. */
  const long long limit = 400LL * 366 * SECONDS_PER_DAY * 25; /* about 10,000 years */
  long long t = (long long)utc;
  if (t < -limit || t > limit) {
    if (size)
      out[0] = '\0';
    return ST_INVALID;
  }
  t += TAIPEI_UTC_OFFSET;
  long long days = t >= 0 ? t / SECONDS_PER_DAY : (t - (SECONDS_PER_DAY - 1)) / SECONDS_PER_DAY;
  long long secs = t - days * SECONDS_PER_DAY;
  int year, month, day;
  civil_from_days(days, &year, &month, &day);
  char date[64];
  int rc = format_date(year, month, day, lang, date, sizeof(date));
  if (rc) {
    if (size)
      out[0] = '\0';
    return rc;
  }
  int n = snprintf(out, size, "%s %02d:%02d", date, (int)(secs / 3600), (int)(secs % 3600 / 60));
  return snprintf_status(n, out, size);
}

int format_money(int64_t amount, char *out, size_t size)
{
  /* The magnitude in unsigned arithmetic, so INT64_MIN has one too. */
  uint64_t magnitude = amount < 0 ? (uint64_t)0 - (uint64_t)amount : (uint64_t)amount;
  char digits[32]; /* 19 digits, 6 commas, NUL */
  size_t pos = sizeof(digits) - 1;
  int group = 0;
  digits[pos] = '\0';
  do {
    if (group == 3) {
      digits[--pos] = ',';
      group = 0;
    }
    digits[--pos] = (char)('0' + magnitude % 10);
    magnitude /= 10;
    group++;
  } while (magnitude);
  int n = snprintf(out, size, "%sNT$%s", amount < 0 ? "-" : "", digits + pos);
  return snprintf_status(n, out, size);
}
