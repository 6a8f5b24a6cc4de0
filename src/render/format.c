/*
 * format.c - dates and money as citizens read them (DOMAIN.md): ROC years for zh-TW, day
 * month year for English, Asia/Taipei local time (the calendar rules are base/civil.h's),
 * New Taiwan dollars with thousands separators.
 *
 * Any language other than English (including NULL) is formatted as zh-TW, the default.
 */
#include "render/format.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/civil.h"
#include "render/i18n.h"
#include "base/common.h"

static const char *const month_abbr[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool format_english(const char *lang)
{
  /* the page languages as served ("en", "zh-TW"): no parsing, no call */
  if (lang && lang[0] == 'e' && lang[1] == 'n' && lang[2] == '\0')
    return true;
  if (lang && lang[0] == 'z' && strcmp(lang, "zh-TW") == 0)
    return false;
  const char *served = lang ? i18n_normalize(lang, strlen(lang)) : NULL;
  return served && strcmp(served, "en") == 0;
}

static int check_date(int year, int month, int day)
{
  /* Years from ROC 1 (1912) to 9999: civil_valid's upper bound. */
  struct civil_date d = {year, month, day};
  if (year < CIVIL_ROC_FIRST_YEAR || !civil_valid(d))
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

int format_date_short(int year, int month, int day, const char *lang, char *out, size_t size)
{
  int rc = check_date(year, month, day);
  if (rc) {
    if (size)
      out[0] = '\0';
    return rc;
  }
  int n;
  if (format_english(lang))
    n = snprintf(out, size, "%04d-%02d-%02d", year, month, day);
  else
    n = snprintf(out, size, "%d/%02d/%02d", civil_roc_year(year), month, day);
  return snprintf_status(n, out, size);
}

/* Two digits of v (0 to 99), zero padded. */
static char *put_two(char *p, int v)
{
  p[0] = (char)('0' + v / 10);
  p[1] = (char)('0' + v % 10);
  return p + 2;
}

/* Writes the decimal digits of v (0 to 99,999: years and days; checked by the callers) at p
 * and returns the end: up to four digits in pairs, without a loop. */
static char *put_number(char *p, int v)
{
  if (v >= 0 && v < 10) { /* months, days */
    *p = (char)('0' + v);
    return p + 1;
  }
  if (v >= 10 && v < 100)
    return put_two(p, v);
  if (v >= 100 && v < 10000) { /* years: ROC 1 to 8088, Gregorian to 9999 */
    if (v >= 1000)
      p = put_two(p, v / 100);
    else
      *p++ = (char)('0' + v / 100);
    return put_two(p, v % 100);
  }
  char tmp[12];
  int n = 0;
  unsigned u = v < 0 ? 0u : (unsigned)v;
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u && n < (int)sizeof(tmp));
  while (n > 0)
    *p++ = tmp[--n];
  return p;
}

static char *put_lit(char *p, const char *s, size_t n)
{
  memcpy(p, s, n);
  return p + n;
}

/* The date as citizens read it: "17 Mar 2026" or "115年3月17日" (at most 17 bytes: the date is
 * checked, years 1912-9999), written at p; returns the end. */
static char *put_date(char *p, int year, int month, int day, bool english)
{
  if (english) {
    p = put_number(p, day);
    *p++ = ' ';
    p = put_lit(p, month_abbr[month - 1], 3);
    *p++ = ' ';
    return put_number(p, year);
  }
  p = put_number(p, civil_roc_year(year));
  p = put_lit(p, "年", sizeof("年") - 1);
  p = put_number(p, month);
  p = put_lit(p, "月", sizeof("月") - 1);
  p = put_number(p, day);
  return put_lit(p, "日", sizeof("日") - 1);
}

/* Copies the n bytes written at tmp to out with its NUL; ST_LIMIT (out "") when they do not fit. */
static int finish(const char *tmp, size_t n, char *out, size_t size)
{
  if (n >= size) {
    if (size)
      out[0] = '\0';
    return ST_LIMIT;
  }
  memcpy(out, tmp, n);
  out[n] = '\0';
  return ST_OK;
}

int format_month(int year, int month, const char *lang, char *out, size_t size)
{
  int rc = check_date(year, month, 1);
  if (rc) {
    if (size)
      out[0] = '\0';
    return rc;
  }
  char tmp[32], *p = tmp;
  if (format_english(lang)) {
    p = put_lit(p, month_abbr[month - 1], 3);
    *p++ = ' ';
    p = put_number(p, year);
  } else {
    p = put_number(p, civil_roc_year(year));
    p = put_lit(p, "年", sizeof("年") - 1);
    p = put_number(p, month);
    p = put_lit(p, "月", sizeof("月") - 1);
  }
  return finish(tmp, (size_t)(p - tmp), out, size);
}

/* Written by hand, not with snprintf: pages show a dozen dates, and snprintf cost more than the
 * rest of the case view. The longest is "31 Dec 9999 23:59" or "9999年12月31日 23:59". */
int format_date(int year, int month, int day, const char *lang, char *out, size_t size)
{
  int rc = check_date(year, month, day);
  if (rc) {
    if (size)
      out[0] = '\0';
    return rc;
  }
  char tmp[48];
  char *p = put_date(tmp, year, month, day, format_english(lang));
  return finish(tmp, (size_t)(p - tmp), out, size);
}

/* The date of the Taipei day (days since 1970) at p, remembered in memo (when given); NULL
 * outside the years formatted. */
static char *put_day(char *p, int64_t day, bool english, struct format_day *memo)
{
  if (memo && memo->len && memo->day == day && memo->english == english) {
    memcpy(p, memo->text, memo->len);
    return p + memo->len;
  }
  struct civil_date d = civil_from_days(day); /* valid: only the years formatted are checked */
  if (d.year < CIVIL_ROC_FIRST_YEAR || d.year > CIVIL_YEAR_MAX)
    return NULL;
  char *end = put_date(p, d.year, d.month, d.day, english); /* 17 bytes at most */
  if (memo) {
    *memo = (struct format_day){day, english, (uint8_t)(end - p), {0}};
    memcpy(memo->text, p, (size_t)(end - p));
  }
  return end;
}

size_t format_datetime_to(time_t utc, bool english, struct format_day *memo,
                          char out[FORMAT_DATETIME_SIZE])
{
  /* Refuse instants outside the years we format before any arithmetic can overflow. */
  const long long limit = 400LL * 366 * CIVIL_SECONDS_PER_DAY * 25; /* about 10,000 years */
  long long t = (long long)utc;
  if (t < -limit || t > limit)
    return 0;
  int second; /* the Taipei day by number, so that its text can be remembered */
  int64_t day = civil_local_day(utc, CIVIL_TAIPEI_UTC_OFFSET, &second);
  char *p = put_day(out, day, english, memo);
  if (!p)
    return 0;
  *p++ = ' ';
  p = put_two(p, second / 3600);
  *p++ = ':';
  p = put_two(p, second % 3600 / 60);
  return (size_t)(p - out);
}

int format_datetime(time_t utc, const char *lang, char *out, size_t size)
{
  char tmp[FORMAT_DATETIME_SIZE];
  size_t n = format_datetime_to(utc, format_english(lang), NULL, tmp);
  if (!n) {
    if (size)
      out[0] = '\0';
    return ST_INVALID;
  }
  return finish(tmp, n, out, size);
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
  /* Written by hand, not with snprintf, which cost more than the rest of the fee block. */
  static const char currency[] = "NT$";
  size_t sign = amount < 0 ? 1 : 0, cur = sizeof(currency) - 1;
  size_t number = sizeof(digits) - 1 - pos;
  if (sign + cur + number >= size) {
    if (size)
      out[0] = '\0';
    return ST_LIMIT;
  }
  if (sign)
    out[0] = '-';
  memcpy(out + sign, currency, cur);
  memcpy(out + sign + cur, digits + pos, number + 1); /* with the NUL */
  return ST_OK;
}
