/*
 * civil.c - civil dates, Taipei time and ROC years (contracts in civil.h).
 *
 * Day numbers follow Howard Hinnant's "chrono-compatible low-level date algorithms": the year is
 * shifted to start on 1 March, so the leap day is the last day of its year, and a 400-year era
 * (146097 days) repeats exactly.
 */
#include "base/civil.h"

#include <string.h>

#include "base/common.h"

enum {
  DAYS_PER_ERA = 146097,      /* 400 Gregorian years */
  EPOCH_FROM_MARCH_0 = 719468 /* days from 0000-03-01 to 1970-01-01 */
};

static int64_t floor_div(int64_t a, int64_t b)
{
  int64_t q = a / b;
  if (a % b != 0 && (a < 0) != (b < 0))
    q--;
  return q;
}

bool civil_leap_year(int year)
{
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int civil_days_in_month(int year, int month)
{
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12)
    return 0;
  return month == 2 && civil_leap_year(year) ? 29 : days[month - 1];
}

bool civil_valid(struct civil_date d)
{
  return d.year >= CIVIL_YEAR_MIN && d.year <= CIVIL_YEAR_MAX && d.day >= 1 &&
         d.day <= civil_days_in_month(d.year, d.month);
}

int64_t civil_to_days(struct civil_date d)
{
  int64_t y = (int64_t)d.year - (d.month <= 2);
  int64_t era = floor_div(y, 400);
  int64_t yoe = y - era * 400;                         /* year of era, 0..399 */
  int64_t mp = (d.month + 9) % 12;                     /* month from March, 0..11 */
  int64_t doy = (153 * mp + 2) / 5 + d.day - 1;        /* day of the March year */
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* day of era, 0..146096 */
  return era * DAYS_PER_ERA + doe - EPOCH_FROM_MARCH_0;
}

struct civil_date civil_from_days(int64_t days)
{
  int64_t z = days + EPOCH_FROM_MARCH_0;
  int64_t era = floor_div(z, DAYS_PER_ERA);
  int64_t doe = z - era * DAYS_PER_ERA;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  struct civil_date d;
  d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
  d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
  d.year = (int)(yoe + era * 400 + (d.month <= 2));
  return d;
}

/* Day 0 (1970-01-01) was a Thursday: day 0 is 3 days after a Monday. */
int civil_weekday_of_days(int64_t days)
{
  int64_t from_monday = days + 3;
  return (int)(from_monday - floor_div(from_monday, 7) * 7) + 1;
}

int civil_weekday(struct civil_date d)
{
  return civil_weekday_of_days(civil_to_days(d));
}

struct civil_date civil_add_days(struct civil_date d, int64_t days)
{
  return civil_from_days(civil_to_days(d) + days);
}

int civil_compare(struct civil_date a, struct civil_date b)
{
  int64_t x = civil_to_days(a), y = civil_to_days(b);
  return (x > y) - (x < y);
}

static bool take_digits(struct str s, size_t at, size_t n, int *out)
{
  int v = 0;
  for (size_t i = at; i < at + n; i++) {
    if (s.ptr[i] < '0' || s.ptr[i] > '9')
      return false;
    v = v * 10 + (s.ptr[i] - '0');
  }
  *out = v;
  return true;
}

int civil_parse_iso(struct str text, struct civil_date *out)
{
  struct civil_date d;
  if (text.len != CIVIL_ISO_SIZE - 1 || text.ptr[4] != '-' || text.ptr[7] != '-' ||
      !take_digits(text, 0, 4, &d.year) || !take_digits(text, 5, 2, &d.month) ||
      !take_digits(text, 8, 2, &d.day) || !civil_valid(d))
    return ST_INVALID;
  *out = d;
  return ST_OK;
}

/* Writes value as exactly width decimal digits (value is in range: civil_valid said so). */
static void put_digits(char *out, int width, int value)
{
  for (int i = width - 1; i >= 0; i--, value /= 10)
    out[i] = (char)('0' + value % 10);
}

int civil_format_iso(struct civil_date d, char out[CIVIL_ISO_SIZE])
{
  out[0] = '\0';
  if (!civil_valid(d))
    return ST_INVALID;
  put_digits(out, 4, d.year);
  out[4] = '-';
  put_digits(out + 5, 2, d.month);
  out[7] = '-';
  put_digits(out + 8, 2, d.day);
  out[10] = '\0';
  return ST_OK;
}

int64_t civil_local_day(time_t t, long utc_offset, int *second_of_day)
{
  /* Split first and add the offset to the second of the day, so no t can overflow. */
  int64_t day = floor_div((int64_t)t, CIVIL_SECONDS_PER_DAY);
  int64_t second = (int64_t)t - day * CIVIL_SECONDS_PER_DAY + utc_offset;
  int64_t carry = floor_div(second, CIVIL_SECONDS_PER_DAY);
  *second_of_day = (int)(second - carry * CIVIL_SECONDS_PER_DAY);
  return day + carry;
}

struct civil_time civil_at(time_t t, long utc_offset)
{
  int second;
  int64_t day = civil_local_day(t, utc_offset, &second);
  struct civil_time w = {civil_from_days(day), second / 3600, second % 3600 / 60, second % 60};
  return w;
}

time_t civil_unix(struct civil_time w, long utc_offset)
{
  int64_t second = (int64_t)w.hour * 3600 + w.minute * 60 + w.second;
  return (time_t)(civil_to_days(w.date) * CIVIL_SECONDS_PER_DAY + second - utc_offset);
}

struct civil_time civil_taipei(time_t t)
{
  return civil_at(t, CIVIL_TAIPEI_UTC_OFFSET);
}

void civil_taipei_iso(time_t t, char out[CIVIL_ISO_SIZE])
{
  civil_format_iso(civil_taipei(t).date, out);
}

int civil_taipei_iso_datetime(time_t t, char out[CIVIL_ISO_DATETIME_SIZE])
{
  struct civil_time w = civil_taipei(t);
  if (civil_format_iso(w.date, out))
    return ST_INVALID;
  out[10] = 'T';
  put_digits(out + 11, 2, w.hour);
  out[13] = ':';
  put_digits(out + 14, 2, w.minute);
  out[16] = ':';
  put_digits(out + 17, 2, w.second);
  memcpy(out + 19, "+08:00", sizeof("+08:00")); /* CIVIL_TAIPEI_UTC_OFFSET */
  return ST_OK;
}

time_t civil_taipei_midnight(struct civil_date d)
{
  struct civil_time w = {d, 0, 0, 0};
  return civil_unix(w, CIVIL_TAIPEI_UTC_OFFSET);
}

int civil_roc_year(int gregorian_year)
{
  return gregorian_year - CIVIL_ROC_OFFSET;
}

int civil_gregorian_year(int roc_year)
{
  return roc_year + CIVIL_ROC_OFFSET;
}
