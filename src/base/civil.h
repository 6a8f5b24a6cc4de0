/*
 * civil.h - civil (calendar) dates: the one place for day arithmetic, Taipei time and ROC years.
 *
 * Dates are proleptic Gregorian. A day number counts days since 1970-01-01 (negative before);
 * conversions are exact for every date whose year fits in an int. Asia/Taipei is UTC+8 all year:
 * Taiwan has observed no daylight saving time since 1979, so every instant from then on has one
 * fixed offset, and the program never consults the system's time zone database.
 * The ROC (民國) year is the Gregorian year - 1911; ROC year 1 is 1912, and there is none before.
 */
#ifndef BIANMIN_BASE_CIVIL_H
#define BIANMIN_BASE_CIVIL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "base/str.h"

/* Seconds east of UTC of Asia/Taipei (no DST since 1979). */
#define CIVIL_TAIPEI_UTC_OFFSET (8 * 3600)
/* 民國 year = Gregorian year - CIVIL_ROC_OFFSET. */
#define CIVIL_ROC_OFFSET 1911

enum {
  CIVIL_SECONDS_PER_DAY = 86400,
  CIVIL_ROC_FIRST_YEAR = 1912, /* the Gregorian year of ROC year 1 */
  CIVIL_YEAR_MIN = 1,          /* the years civil_valid accepts (four digits in ISO text) */
  CIVIL_YEAR_MAX = 9999,
  CIVIL_ISO_SIZE = 11,         /* "YYYY-MM-DD" and its NUL */
  CIVIL_ISO_DATETIME_SIZE = 26 /* "YYYY-MM-DDTHH:MM:SS+08:00" and its NUL */
};

struct civil_date {
  int year, month, day; /* month 1..12, day 1..31 */
};

/* A wall-clock reading: a date and a time of day (hour 0..23, minute 0..59, second 0..59). */
struct civil_time {
  struct civil_date date;
  int hour, minute, second;
};

bool civil_leap_year(int year);
/* Days in the month (28..31), or 0 when month is not 1..12. */
int civil_days_in_month(int year, int month);
/* True for a real date with a year in [CIVIL_YEAR_MIN, CIVIL_YEAR_MAX]. Callers narrow the
 * years further where their rule says so (ROC dates from 1912, the office calendar's span). */
bool civil_valid(struct civil_date d);

/* Day number (days since 1970-01-01) of a date, and back (Howard Hinnant's algorithms). The
 * month and day of civil_to_days' argument must be in range; the year may be any int. */
int64_t civil_to_days(struct civil_date d);
struct civil_date civil_from_days(int64_t days);
/* ISO weekday, 1 = Monday .. 7 = Sunday, of a day number or of a date. */
int civil_weekday_of_days(int64_t days);
int civil_weekday(struct civil_date d);
struct civil_date civil_add_days(struct civil_date d, int64_t days);
/* < 0, 0 or > 0 as a is before, equal to or after b. */
int civil_compare(struct civil_date a, struct civil_date b);

/* Exactly "YYYY-MM-DD" (ASCII digits, no sign, no spaces) naming a date civil_valid accepts:
 * ST_OK, or ST_INVALID with *out unchanged. */
int civil_parse_iso(struct str text, struct civil_date *out);
/* "YYYY-MM-DD": ST_OK, or ST_INVALID (out empty) when civil_valid refuses d. */
int civil_format_iso(struct civil_date d, char out[CIVIL_ISO_SIZE]);

/* The wall clock at utc_offset seconds east of UTC (|utc_offset| < one day) at instant t, for
 * any t (floor division: an instant before 1970 reads as the day it falls in). */
struct civil_time civil_at(time_t t, long utc_offset);
/* The same instant as the local day's number (days since 1970-01-01, civil_from_days) and the
 * second of that day (0 to 86,399): what civil_at splits before naming the date. */
int64_t civil_local_day(time_t t, long utc_offset, int *second_of_day);
/* The instant a wall clock at utc_offset seconds east of UTC shows w (fields in range). */
time_t civil_unix(struct civil_time w, long utc_offset);
/* Taipei wall clock at t; its date as "YYYY-MM-DD" (empty outside years 1..9999); the
 * instant Taipei's day d begins. */
struct civil_time civil_taipei(time_t t);
void civil_taipei_iso(time_t t, char out[CIVIL_ISO_SIZE]);
/* "2026-11-20T09:15:00+08:00": ST_OK, or ST_INVALID (out empty) outside years 1..9999. */
int civil_taipei_iso_datetime(time_t t, char out[CIVIL_ISO_DATETIME_SIZE]);
time_t civil_taipei_midnight(struct civil_date d);

/* ROC year of a Gregorian year and back. Defined from CIVIL_ROC_FIRST_YEAR (ROC 1): an earlier
 * Gregorian year gives a result below 1, which callers refuse. */
int civil_roc_year(int gregorian_year);
int civil_gregorian_year(int roc_year);

#endif
