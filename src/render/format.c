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

static bool is_english(const char *lang)
{
  if (lang && strcmp(lang, "en") == 0) /* the page languages as served: no parsing */
    return true;
  if (lang && strcmp(lang, "zh-TW") == 0)
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
  if (is_english(lang))
    n = snprintf(out, size, "%04d-%02d-%02d", year, month, day);
  else
    n = snprintf(out, size, "%d/%02d/%02d", civil_roc_year(year), month, day);
  return snprintf_status(n, out, size);
}

/* Appends the decimal digits of v (at least width of them, zero padded) at *p, within end. */
static void put_digits(char **p, const char *end, int v, int width)
{
  char tmp[12];
  int n = 0;
  unsigned u = v < 0 ? 0u : (unsigned)v;
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u && n < (int)sizeof(tmp));
  while (n < width && n < (int)sizeof(tmp))
    tmp[n++] = '0';
  while (n > 0 && *p < end)
    *(*p)++ = tmp[--n];
}

static void put_str(char **p, const char *end, const char *s)
{
  while (*s && *p < end)
    *(*p)++ = *s++;
}

/* The date as citizens read it: "17 Mar 2026" or "115年3月17日". */
static void put_date(char **p, const char *end, int year, int month, int day, bool english)
{
  if (english) {
    put_digits(p, end, day, 1);
    put_str(p, end, " ");
    put_str(p, end, month_abbr[month - 1]);
    put_str(p, end, " ");
    put_digits(p, end, year, 1);
  } else {
    put_digits(p, end, civil_roc_year(year), 1);
    put_str(p, end, "年");
    put_digits(p, end, month, 1);
    put_str(p, end, "月");
    put_digits(p, end, day, 1);
    put_str(p, end, "日");
  }
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
  char tmp[48], *p = tmp;
  put_date(&p, tmp + sizeof(tmp), year, month, day, is_english(lang));
  return finish(tmp, (size_t)(p - tmp), out, size);
}

int format_datetime(time_t utc, const char *lang, char *out, size_t size)
{
  /* Refuse instants outside the years we format before any arithmetic can overflow. */
  const long long limit = 400LL * 366 * CIVIL_SECONDS_PER_DAY * 25; /* about 10,000 years */
  long long t = (long long)utc;
  struct civil_time w = {0};
  if (t >= -limit && t <= limit)
    w = civil_taipei(utc);
  if (t < -limit || t > limit || check_date(w.date.year, w.date.month, w.date.day)) {
    if (size)
      out[0] = '\0';
    return ST_INVALID;
  }
  char tmp[48], *p = tmp;
  const char *end = tmp + sizeof(tmp);
  put_date(&p, end, w.date.year, w.date.month, w.date.day, is_english(lang));
  put_str(&p, end, " ");
  put_digits(&p, end, w.hour, 2);
  put_str(&p, end, ":");
  put_digits(&p, end, w.minute, 2);
  return finish(tmp, (size_t)(p - tmp), out, size);
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
