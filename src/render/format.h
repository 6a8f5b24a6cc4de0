/*
 * format.h - formatters for what citizens read: ROC dates and money (DOMAIN.md).
 * All write into a caller's buffer and NUL-terminate; ST_LIMIT when it is too small,
 * ST_INVALID for an impossible date.
 */
#ifndef BIANMIN_RENDER_FORMAT_H
#define BIANMIN_RENDER_FORMAT_H

#if defined(BIANMIN_LAYER_DOMAIN)
#error                                                                                             \
    "domain/ formats and renders no text: it returns data, rendered in web/ or workers/ (docs/ARCHITECTURE.md, Layers)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* zh-TW: "115年3月2日"; en: "2 Mar 2026". year is Gregorian. Years before 1912 are refused. */
int format_date(int year, int month, int day, const char *lang, char *out, size_t size);
/* A month: zh-TW "115年3月", en "Mar 2026" (ST_INVALID for month outside 1-12 or a year before
 * 1912). */
int format_month(int year, int month, const char *lang, char *out, size_t size);
/* "115/03/02" (zh-TW) or "2026-03-02" (en). */
int format_date_short(int year, int month, int day, const char *lang, char *out, size_t size);
/* A UTC instant shown in Asia/Taipei (base/civil.h): "115年3月2日 14:05" / "2 Mar 2026 14:05". */
int format_datetime(time_t utc, const char *lang, char *out, size_t size);

/* Whether lang is formatted as English ("en"; anything else is zh-TW): for callers that format
 * many dates of one page with format_datetime_to. */
bool format_english(const char *lang);
enum { FORMAT_DATETIME_SIZE = 32 }; /* the longest text (23 bytes) and room to spare */
/* The last day format_datetime_to wrote (Taipei days since 1970 and its text), reused for the
 * next instant of the same day: a case's events come a few to a day, and its received instant
 * is its first event's. Zero-initialised, it holds nothing. */
struct format_day {
  int64_t day;
  bool english;
  uint8_t len; /* 0: nothing held */
  char text[20];
};
/* format_datetime's text, without its copies and checks per call: written at out, NOT
 * NUL-terminated; returns its length, 0 for an instant outside the years formatted. memo (may
 * be NULL) keeps the day's text from one call to the next. */
size_t format_datetime_to(time_t utc, bool english, struct format_day *memo,
                          char out[FORMAT_DATETIME_SIZE]);
/* "NT$1,234,567" (both languages); negative "-NT$1,234". amount in whole dollars. */
int format_money(int64_t amount, char *out, size_t size);

#endif
