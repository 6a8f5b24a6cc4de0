/*
 * calendar.c - the DGPA office calendar and working-time arithmetic (contracts in calendar.h).
 *
 * Internally time is counted in seconds: a local day number (days since 1970-01-01 in the
 * office's time zone) and a second of that day. Working time is the office periods of every
 * working day; arithmetic walks day by day and takes whole working days in one step, so no
 * loop ever runs per minute.
 */
#include "domain/calendar.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/civil.h"
#include "base/str.h"
#include "base/common.h"

#define OFFSET_MINUTES_MAX (14 * 60)
#define INSTANT_ABS_MAX    ((int64_t)1 << 40) /* far beyond CALENDAR_YEAR_MAX; keeps sums exact */
#define CSV_FIELDS         4
#define ROWS_INITIAL       512
#define SHOWN_FIELD_SIZE   48 /* bytes of a row's field quoted in an error message */
#define DATE_TEXT_SIZE     16

static const char dgpa_header[] = "西元日期,星期,是否放假,備註";
static const char utf8_bom[] = "\xEF\xBB\xBF";
static const char *const weekday_names[8] = {"", "一", "二", "三", "四", "五", "六", "日"};
static const char *const weekday_english[8] = {"",         "Monday", "Tuesday",  "Wednesday",
                                               "Thursday", "Friday", "Saturday", "Sunday"};

/* ---- Dates --------------------------------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
  int64_t q = a / b;
  if (a % b != 0 && (a < 0) != (b < 0))
    q--;
  return q;
}

/* Day number of a date (the arithmetic is base/civil.h's). */
static int64_t day_number(int y, int m, int d)
{
  struct civil_date date = {y, m, d};
  return civil_to_days(date);
}

static bool date_valid(int y, int m, int d)
{
  struct civil_date date = {y, m, d};
  return y >= CALENDAR_YEAR_MIN && y <= CALENDAR_YEAR_MAX && civil_valid(date);
}

static int year_of(int64_t day)
{
  return civil_from_days(day).year;
}

/* One past the last supported day number. */
static int64_t day_number_end(void)
{
  return day_number(CALENDAR_YEAR_MAX + 1, 1, 1);
}

static void format_date(int64_t day, char out[DATE_TEXT_SIZE])
{
  struct civil_date d = civil_from_days(day);
  snprintf(out, DATE_TEXT_SIZE, "%04d%02d%02d", d.year, d.month, d.day);
}

/* ---- The calendar -------------------------------------------------------------------------- */

void calendar_init(struct calendar *cal)
{
  cal->first_day = 0;
  cal->n_days = 0;
  cal->days = NULL;
}

void calendar_free(struct calendar *cal)
{
  if (!cal)
    return;
  free(cal->days);
  calendar_init(cal);
}

/* The loaded entry for a day, or NULL when the day is outside the loaded years. */
static const struct calendar_day *calendar_lookup(const struct calendar *cal, int64_t day)
{
  if (!cal || !cal->days || day < cal->first_day)
    return NULL;
  uint64_t i = (uint64_t)(day - cal->first_day);
  if (i >= cal->n_days || cal->days[i].status == CALENDAR_DAY_UNKNOWN)
    return NULL;
  return &cal->days[i];
}

static bool day_is_working(const struct calendar *cal, int64_t day)
{
  const struct calendar_day *known = calendar_lookup(cal, day);
  if (known)
    return known->status == CALENDAR_DAY_WORKING;
  return civil_weekday_of_days(day) <= 5;
}

int calendar_day_info(const struct calendar *cal, int year, int month, int day,
                      struct calendar_day_info *info)
{
  if (!info || !date_valid(year, month, day))
    return ST_INVALID;
  int64_t number = day_number(year, month, day);
  const struct calendar_day *known = calendar_lookup(cal, number);
  info->weekday = civil_weekday_of_days(number);
  info->estimated = known == NULL;
  info->working = known ? known->status == CALENDAR_DAY_WORKING : info->weekday <= 5;
  info->remark = known ? known->remark : "";
  return ST_OK;
}

/* ---- Office hours and instants ------------------------------------------------------------- */

struct calendar_hours calendar_hours_default(void)
{
  struct calendar_hours hours = {
      .utc_offset_minutes = CIVIL_TAIPEI_UTC_OFFSET / 60,
      .n_periods = 2,
      .periods = {{8 * 60 + 30, 12 * 60 + 30}, {13 * 60 + 30, 17 * 60 + 30}},
  };
  return hours;
}

int calendar_hours_check(const struct calendar_hours *hours)
{
  if (!hours)
    return ST_OK;
  if (hours->utc_offset_minutes < -OFFSET_MINUTES_MAX ||
      hours->utc_offset_minutes > OFFSET_MINUTES_MAX)
    return ST_INVALID;
  if (hours->n_periods < 1 || hours->n_periods > CALENDAR_PERIODS_MAX)
    return ST_INVALID;
  int previous_end = 0;
  for (size_t i = 0; i < hours->n_periods; i++) {
    const struct calendar_period *p = &hours->periods[i];
    if (p->start_minute < previous_end || p->end_minute <= p->start_minute ||
        p->end_minute > 24 * 60)
      return ST_INVALID;
    previous_end = p->end_minute;
  }
  return ST_OK;
}

struct local_time {
  int64_t day;
  int64_t second;
};

static struct local_time local_of(const struct calendar_hours *hours, time_t t)
{
  int64_t s = (int64_t)t + (int64_t)hours->utc_offset_minutes * 60;
  struct local_time local;
  local.day = floor_div(s, CIVIL_SECONDS_PER_DAY);
  local.second = s - local.day * CIVIL_SECONDS_PER_DAY;
  return local;
}

static time_t instant_of(const struct calendar_hours *hours, int64_t day, int64_t second)
{
  return (time_t)(day * CIVIL_SECONDS_PER_DAY + second - (int64_t)hours->utc_offset_minutes * 60);
}

static bool instant_supported(const struct calendar_hours *hours, time_t t)
{
  if ((int64_t)t < -INSTANT_ABS_MAX || (int64_t)t > INSTANT_ABS_MAX)
    return false;
  struct local_time local = local_of(hours, t);
  return local.day >= 0 && local.day < day_number_end();
}

/* Copies the caller's hours (NULL = default) and checks them and the instant t. */
static int prepare(const struct calendar_hours *in, struct calendar_hours *hours, time_t t)
{
  *hours = in ? *in : calendar_hours_default();
  if (calendar_hours_check(hours))
    return ST_INVALID;
  return instant_supported(hours, t) ? ST_OK : ST_INVALID;
}

bool calendar_is_estimated(const struct calendar *cal, const struct calendar_hours *hours,
                           time_t from, time_t to)
{
  struct calendar_hours h;
  if (prepare(hours, &h, from) || !instant_supported(&h, to))
    return true;
  struct local_time a = local_of(&h, from < to ? from : to);
  struct local_time b = local_of(&h, from < to ? to : from);
  for (int64_t day = a.day; day <= b.day; day++)
    if (!calendar_lookup(cal, day))
      return true;
  return false;
}

/* ---- Working-time arithmetic --------------------------------------------------------------- */

static int64_t min64(int64_t a, int64_t b)
{
  return a < b ? a : b;
}

static int64_t max64(int64_t a, int64_t b)
{
  return a > b ? a : b;
}

static int64_t period_overlap(const struct calendar_period *p, int64_t lo, int64_t hi)
{
  int64_t start = max64(lo, (int64_t)p->start_minute * 60);
  int64_t end = min64(hi, (int64_t)p->end_minute * 60);
  return end > start ? end - start : 0;
}

static int64_t daily_seconds(const struct calendar_hours *hours)
{
  int64_t total = 0;
  for (size_t i = 0; i < hours->n_periods; i++)
    total += period_overlap(&hours->periods[i], 0, CIVIL_SECONDS_PER_DAY);
  return total;
}

/* Working seconds of one day within the seconds [lo, hi) of that day. */
static int64_t working_seconds_in_day(const struct calendar *cal,
                                      const struct calendar_hours *hours, int64_t day, int64_t lo,
                                      int64_t hi)
{
  if (!day_is_working(cal, day))
    return 0;
  int64_t total = 0;
  for (size_t i = 0; i < hours->n_periods; i++)
    total += period_overlap(&hours->periods[i], lo, hi);
  return total;
}

/* Uses up *need working seconds of one working day from its second `from` on. True when they
 * run out that day, with *at the second of the day at which the last one ends; otherwise
 * *need is reduced by what the day had. */
static bool consume_day(const struct calendar_hours *hours, int64_t from, int64_t *need,
                        int64_t *at)
{
  for (size_t i = 0; i < hours->n_periods; i++) {
    const struct calendar_period *p = &hours->periods[i];
    int64_t available = period_overlap(p, from, CIVIL_SECONDS_PER_DAY);
    if (available == 0)
      continue;
    if (*need <= available) {
      *at = max64(from, (int64_t)p->start_minute * 60) + *need;
      return true;
    }
    *need -= available;
  }
  return false;
}

static int add_working_seconds(const struct calendar *cal, const struct calendar_hours *hours,
                               time_t start, int64_t need, time_t *deadline)
{
  if (need == 0) {
    *deadline = start;
    return ST_OK;
  }
  struct local_time local = local_of(hours, start);
  int64_t daily = daily_seconds(hours), end = day_number_end(), at = 0;
  int64_t from = local.second;
  for (int64_t day = local.day; day < end; day++, from = 0) {
    if (!day_is_working(cal, day))
      continue;
    if (from == 0 && need > daily) {
      need -= daily;
      continue;
    }
    if (consume_day(hours, from, &need, &at)) {
      *deadline = instant_of(hours, day, at);
      return ST_OK;
    }
  }
  return ST_LIMIT;
}

static int64_t working_seconds_between(const struct calendar *cal,
                                       const struct calendar_hours *hours, time_t a, time_t b)
{
  if (b <= a)
    return 0;
  struct local_time la = local_of(hours, a), lb = local_of(hours, b);
  if (la.day == lb.day)
    return working_seconds_in_day(cal, hours, la.day, la.second, lb.second);
  int64_t total = working_seconds_in_day(cal, hours, la.day, la.second, CIVIL_SECONDS_PER_DAY);
  int64_t daily = daily_seconds(hours);
  for (int64_t day = la.day + 1; day < lb.day; day++)
    if (day_is_working(cal, day))
      total += daily;
  return total + working_seconds_in_day(cal, hours, lb.day, 0, lb.second);
}

int calendar_add_working_minutes(const struct calendar *cal, const struct calendar_hours *hours,
                                 time_t start, int64_t minutes, time_t *deadline)
{
  struct calendar_hours h;
  if (!deadline || minutes < 0 || minutes > CALENDAR_MINUTES_MAX)
    return ST_INVALID;
  int rc = prepare(hours, &h, start);
  if (rc)
    return rc;
  return add_working_seconds(cal, &h, start, minutes * 60, deadline);
}

int calendar_working_minutes_between(const struct calendar *cal, const struct calendar_hours *hours,
                                     time_t a, time_t b, int64_t *minutes)
{
  struct calendar_hours h;
  if (!minutes)
    return ST_INVALID;
  int rc = prepare(hours, &h, a);
  if (rc)
    return rc;
  if (!instant_supported(&h, b))
    return ST_INVALID;
  *minutes = working_seconds_between(cal, &h, a, b) / 60;
  return ST_OK;
}

/* ---- Pauses and extensions ----------------------------------------------------------------- */

static int compare_pauses(const void *a, const void *b)
{
  const struct calendar_pause *x = a, *y = b;
  return (x->from > y->from) - (x->from < y->from);
}

/* Checks the pauses and copies the closed ones that end after start into out, clipped to start.
 * *open tells whether any pause has not ended. */
static int collect_pauses(const struct calendar_hours *hours, time_t start,
                          const struct calendar_pause *in, size_t n, struct calendar_pause *out,
                          size_t *n_out, bool *open)
{
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    struct calendar_pause p = in[i];
    if (!instant_supported(hours, p.from) || (p.to != 0 && !instant_supported(hours, p.to)))
      return ST_INVALID;
    if (p.to == 0) {
      *open = true;
      continue;
    }
    if (p.to < p.from)
      return ST_INVALID;
    if (p.to == p.from || p.to <= start)
      continue; /* an empty pause (issued and answered within one second) stops nothing */
    p.from = p.from < start ? start : p.from;
    out[k++] = p;
  }
  *n_out = k;
  return ST_OK;
}

/* Sorts pauses by start and merges those that overlap or touch. */
static size_t merge_pauses(struct calendar_pause *p, size_t n)
{
  size_t m = 0;
  qsort(p, n, sizeof(*p), compare_pauses);
  for (size_t i = 0; i < n; i++) {
    if (m > 0 && p[i].from <= p[m - 1].to) {
      if (p[i].to > p[m - 1].to)
        p[m - 1].to = p[i].to;
    } else {
      p[m++] = p[i];
    }
  }
  return m;
}

/* The deadline of need working seconds from start around sorted, disjoint pauses that all
 * start at or after start. */
static int deadline_around(const struct calendar *cal, const struct calendar_hours *hours,
                           time_t start, int64_t need, const struct calendar_pause *p, size_t n,
                           time_t *deadline)
{
  time_t t = start;
  if (need == 0) {
    *deadline = start;
    return ST_OK;
  }
  for (size_t i = 0; i < n; i++) {
    int64_t available = working_seconds_between(cal, hours, t, p[i].from);
    if (need <= available)
      return add_working_seconds(cal, hours, t, need, deadline);
    need -= available;
    t = p[i].to;
  }
  return add_working_seconds(cal, hours, t, need, deadline);
}

int calendar_deadline_with_pauses(const struct calendar *cal, const struct calendar_hours *hours,
                                  time_t start, int64_t limit_minutes,
                                  const struct calendar_pause *pauses, size_t n_pauses,
                                  int64_t extension_minutes, time_t *deadline, bool *paused)
{
  struct calendar_hours h;
  struct calendar_pause merged[CALENDAR_PAUSES_MAX];
  size_t n_merged = 0;
  bool open = false;
  if (!deadline || !paused || (n_pauses > 0 && !pauses))
    return ST_INVALID;
  if (limit_minutes < 0 || extension_minutes < 0 ||
      limit_minutes > CALENDAR_MINUTES_MAX - extension_minutes)
    return ST_INVALID;
  if (n_pauses > CALENDAR_PAUSES_MAX)
    return ST_LIMIT;
  int rc = prepare(hours, &h, start);
  if (!rc)
    rc = collect_pauses(&h, start, pauses, n_pauses, merged, &n_merged, &open);
  if (rc)
    return rc;
  *paused = open;
  *deadline = 0;
  if (open)
    return ST_OK;
  n_merged = merge_pauses(merged, n_merged);
  return deadline_around(cal, &h, start, (limit_minutes + extension_minutes) * 60, merged, n_merged,
                         deadline);
}

/* Working seconds in [start, end) outside sorted, disjoint pauses that start at or after
 * start. */
static int64_t seconds_outside(const struct calendar *cal, const struct calendar_hours *hours,
                               time_t start, time_t end, const struct calendar_pause *p, size_t n)
{
  int64_t total = 0;
  time_t t = start;
  for (size_t i = 0; i < n && p[i].from < end; i++) {
    total += working_seconds_between(cal, hours, t, p[i].from);
    if (p[i].to > t)
      t = p[i].to;
  }
  return total + working_seconds_between(cal, hours, t, end);
}

int calendar_used_minutes_with_pauses(const struct calendar *cal,
                                      const struct calendar_hours *hours, time_t start, time_t at,
                                      const struct calendar_pause *pauses, size_t n_pauses,
                                      int64_t *minutes)
{
  struct calendar_hours h;
  struct calendar_pause closed[CALENDAR_PAUSES_MAX], merged[CALENDAR_PAUSES_MAX];
  size_t n_merged = 0;
  bool open = false;
  if (!minutes || (n_pauses > 0 && !pauses))
    return ST_INVALID;
  if (n_pauses > CALENDAR_PAUSES_MAX)
    return ST_LIMIT;
  int rc = prepare(hours, &h, start);
  if (!rc && !instant_supported(&h, at))
    rc = ST_INVALID;
  /* a pause still open stops the clock until at (one that starts later stops nothing) */
  for (size_t i = 0; !rc && i < n_pauses; i++) {
    closed[i] = pauses[i];
    if (closed[i].to == 0)
      closed[i].to = closed[i].from < at ? at : closed[i].from;
  }
  if (!rc)
    rc = collect_pauses(&h, start, closed, n_pauses, merged, &n_merged, &open);
  if (rc)
    return rc;
  n_merged = merge_pauses(merged, n_merged);
  *minutes = seconds_outside(cal, &h, start, at, merged, n_merged) / 60;
  return ST_OK;
}

/* ---- Due state ----------------------------------------------------------------------------- */

const char *calendar_due_name(enum calendar_due due)
{
  switch (due) {
  case CALENDAR_ON_TIME:
    return "on_time";
  case CALENDAR_DUE_SOON:
    return "due_soon";
  case CALENDAR_OVERDUE:
    return "overdue";
  }
  return "unknown";
}

int calendar_due_state(const struct calendar *cal, const struct calendar_hours *hours, time_t now,
                       time_t deadline, enum calendar_due *due)
{
  struct calendar_hours h;
  if (!due)
    return ST_INVALID;
  int rc = prepare(hours, &h, now);
  if (rc)
    return rc;
  if (!instant_supported(&h, deadline))
    return ST_INVALID;
  if (now > deadline) {
    *due = CALENDAR_OVERDUE;
    return ST_OK;
  }
  int64_t left = working_seconds_between(cal, &h, now, deadline);
  *due = left <= (int64_t)CALENDAR_DUE_SOON_MINUTES * 60 ? CALENDAR_DUE_SOON : CALENDAR_ON_TIME;
  return ST_OK;
}

/* ---- Calendar-day periods (行政程序法 §48) ----------------------------------------------------
 */

int calendar_add_days_period(const struct calendar *cal, int y, int m, int d, int days, int *out_y,
                             int *out_m, int *out_d)
{
  if (!out_y || !out_m || !out_d || !date_valid(y, m, d))
    return ST_INVALID;
  if (days < 0 || days > CALENDAR_PERIOD_DAYS_MAX)
    return ST_INVALID;
  /* §48 II: the first day is not counted, so the last day is the start plus days. */
  int64_t last = day_number(y, m, d) + days, end = day_number_end();
  /* §48 IV: a last day that is a day off (Sunday, holiday, Saturday) moves to the next day,
   * again and again until the office works that day. */
  while (last < end && !day_is_working(cal, last))
    last++;
  if (last >= end)
    return ST_LIMIT;
  struct civil_date date = civil_from_days(last);
  *out_y = date.year;
  *out_m = date.month;
  *out_d = date.day;
  return ST_OK;
}

/* ---- DGPA CSV import ----------------------------------------------------------------------- */

struct row {
  int64_t day;
  unsigned long line;
  bool day_off;
  struct str remark;
};

struct import {
  struct calendar_import_report *report;
  struct row *rows;
  size_t n_rows;
  size_t cap_rows;
  unsigned long line; /* the line being read */
  int64_t first_day;  /* the years the rows cover: [first_day, end_day) */
  int64_t end_day;
};

static void report_add(struct calendar_import_report *report, unsigned long line, unsigned column,
                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void report_add(struct calendar_import_report *report, unsigned long line, unsigned column,
                       const char *fmt, ...)
{
  if (report->n_errors < CALENDAR_REPORT_ERRORS_MAX) {
    struct calendar_import_error *e = &report->errors[report->n_errors];
    va_list ap;
    e->line = line;
    e->column = column;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof(e->message), fmt, ap);
    va_end(ap);
  }
  report->n_errors++;
}

/* A field's text for an error message: the field itself when it is short, printable UTF-8. */
static const char *shown(struct str field, char out[SHOWN_FIELD_SIZE])
{
  if (!str_valid_text(field, false) || str_copy(out, SHOWN_FIELD_SIZE, field) != ST_OK)
    return "(not shown: too long or not UTF-8 text)";
  return out;
}

static bool all_digits(struct str s)
{
  for (size_t i = 0; i < s.len; i++)
    if (s.ptr[i] < '0' || s.ptr[i] > '9')
      return false;
  return true;
}

/* Splits a line at commas into at most CSV_FIELDS trimmed fields; returns how many it has. */
static size_t split_fields(struct str line, struct str fields[CSV_FIELDS])
{
  size_t n = 0, at = 0;
  for (;;) {
    const char *comma = memchr(line.ptr + at, ',', line.len - at);
    size_t stop = comma ? (size_t)(comma - line.ptr) : line.len;
    if (n < CSV_FIELDS)
      fields[n] = str_trim((struct str){line.ptr + at, stop - at});
    n++;
    if (!comma)
      return n;
    at = stop + 1;
  }
}

static bool parse_date_field(struct import *im, struct str field, int64_t *day)
{
  char text[SHOWN_FIELD_SIZE];
  int64_t value = 0;
  if (field.len != 8 || !all_digits(field) || str_to_int64(field, 0, 99999999, &value)) {
    report_add(im->report, im->line, 1, "西元日期 must be a date YYYYMMDD, got \"%s\"",
               shown(field, text));
    return false;
  }
  int y = (int)(value / 10000), m = (int)(value / 100 % 100), d = (int)(value % 100);
  if (y < CALENDAR_YEAR_MIN || y > CALENDAR_YEAR_MAX) {
    report_add(im->report, im->line, 1, "西元日期 %s: the year must be in %d..%d",
               shown(field, text), CALENDAR_YEAR_MIN, CALENDAR_YEAR_MAX);
    return false;
  }
  if (!date_valid(y, m, d)) {
    report_add(im->report, im->line, 1, "西元日期 %s is not a real date", shown(field, text));
    return false;
  }
  *day = day_number(y, m, d);
  return true;
}

static void check_weekday(struct import *im, struct str field, int64_t day)
{
  char text[SHOWN_FIELD_SIZE], date[DATE_TEXT_SIZE];
  int weekday = civil_weekday_of_days(day);
  if (str_eq_cstr(field, weekday_names[weekday]))
    return;
  format_date(day, date);
  report_add(im->report, im->line, 2, "星期 is \"%s\" but %s is a %s (%s)", shown(field, text),
             date, weekday_english[weekday], weekday_names[weekday]);
}

static void parse_flag(struct import *im, struct str field, bool *day_off)
{
  char text[SHOWN_FIELD_SIZE];
  if (str_eq_cstr(field, "0") || str_eq_cstr(field, "2"))
    *day_off = field.ptr[0] == '2';
  else
    report_add(im->report, im->line, 3,
               "是否放假 must be 0 (working day) or 2 (day off), got \"%s\"", shown(field, text));
}

static void check_remark(struct import *im, struct str field)
{
  if (field.len > CALENDAR_REMARK_MAX) {
    report_add(im->report, im->line, 4, "備註 is %zu bytes long; at most %d are allowed", field.len,
               CALENDAR_REMARK_MAX);
    return;
  }
  if (!str_valid_text(field, false))
    report_add(im->report, im->line, 4, "備註 is not valid UTF-8 text");
}

static int append_row(struct import *im, const struct row *row)
{
  if (im->n_rows == im->cap_rows) {
    size_t cap = im->cap_rows ? im->cap_rows * 2 : ROWS_INITIAL;
    struct row *rows = realloc(im->rows, cap * sizeof(*rows));
    if (!rows)
      return ST_NOMEM;
    im->rows = rows;
    im->cap_rows = cap;
  }
  im->rows[im->n_rows++] = *row;
  return ST_OK;
}

/* Checks one data row, reporting each bad field; a row with a good date is kept. */
static int parse_row(struct import *im, struct str line)
{
  struct str f[CSV_FIELDS];
  size_t n = split_fields(line, f);
  if (n != CSV_FIELDS) {
    report_add(im->report, im->line, 0,
               "a row has 4 fields (西元日期,星期,是否放假,備註), this one has %zu", n);
    return ST_OK;
  }
  struct row row = {.line = im->line, .remark = f[3]};
  bool date_ok = parse_date_field(im, f[0], &row.day);
  if (date_ok)
    check_weekday(im, f[1], row.day);
  parse_flag(im, f[2], &row.day_off);
  check_remark(im, f[3]);
  /* A row with a good date counts as present even when its other fields are bad: those are
   * reported already, and the date must not be reported missing as well. */
  return date_ok ? append_row(im, &row) : ST_OK;
}

static struct str next_line(struct str *rest)
{
  const char *newline = memchr(rest->ptr, '\n', rest->len);
  size_t n = newline ? (size_t)(newline - rest->ptr) : rest->len;
  struct str line = {rest->ptr, n};
  size_t used = newline ? n + 1 : n;
  rest->ptr += used;
  rest->len -= used;
  if (line.len && line.ptr[line.len - 1] == '\r')
    line.len--;
  return line;
}

/* Checks the first line. A file without the header is bad, but when that line is a data row
 * it is checked as one too, so that its date is not reported missing as well. */
static int read_header(struct import *im, struct str line)
{
  if (str_eq_cstr(line, dgpa_header))
    return ST_OK;
  report_add(im->report, im->line, 0, "the header must be %s", dgpa_header);
  if (line.ptr[0] >= '0' && line.ptr[0] <= '9')
    return parse_row(im, line);
  return ST_OK;
}

static int read_rows(struct import *im, struct str rest)
{
  bool header_seen = false;
  if (str_starts_with(rest, utf8_bom)) {
    rest.ptr += 3;
    rest.len -= 3;
  }
  while (rest.len > 0) {
    struct str line = next_line(&rest);
    im->line++;
    if (str_trim(line).len == 0)
      continue;
    int rc = header_seen ? parse_row(im, line) : read_header(im, line);
    if (rc)
      return rc;
    header_seen = true;
  }
  if (!header_seen)
    report_add(im->report, 0, 0, "the file is empty");
  else if (im->n_rows == 0 && im->report->n_errors == 0)
    report_add(im->report, 0, 0, "the file has a header but no rows");
  return ST_OK;
}

/* Reports the missing days [gap, gap_end) of a year [year_first, year_end) (indexes into
 * line_of), at the line of the next listed day, or of the previous one at the year's end. */
static void report_gap(struct import *im, const unsigned long *line_of, int64_t gap,
                       int64_t gap_end, int64_t year_end)
{
  char first[DATE_TEXT_SIZE], last[DATE_TEXT_SIZE];
  unsigned long line = gap_end < year_end ? line_of[gap_end] : line_of[gap - 1];
  format_date(im->first_day + gap, first);
  format_date(im->first_day + gap_end - 1, last);
  if (gap_end - gap == 1)
    report_add(im->report, line, 1, "西元日期 %s is missing: a year must list every day", first);
  else
    report_add(im->report, line, 1,
               "西元日期 %s..%s (%lld days) are missing: a year must list every day", first, last,
               (long long)(gap_end - gap));
}

/* Reports every run of missing days in a year that has at least one row. */
static void check_year(struct import *im, const unsigned long *line_of, int year)
{
  int64_t first = day_number(year, 1, 1) - im->first_day;
  int64_t end = day_number(year + 1, 1, 1) - im->first_day;
  int64_t i = first;
  while (i < end && !line_of[i])
    i++;
  if (i == end)
    return;
  for (i = first; i < end;) {
    if (line_of[i]) {
      i++;
      continue;
    }
    int64_t gap_end = i;
    while (gap_end < end && !line_of[gap_end])
      gap_end++;
    report_gap(im, line_of, i, gap_end, end);
    i = gap_end;
  }
}

/* Finds the whole years the rows touch. */
static void rows_years(struct import *im, int *first_year, int *last_year)
{
  int64_t lo = im->rows[0].day, hi = im->rows[0].day;
  for (size_t i = 1; i < im->n_rows; i++) {
    lo = min64(lo, im->rows[i].day);
    hi = max64(hi, im->rows[i].day);
  }
  *first_year = year_of(lo);
  *last_year = year_of(hi);
  im->first_day = day_number(*first_year, 1, 1);
  im->end_day = day_number(*last_year + 1, 1, 1);
}

/* Reports duplicate dates and incomplete years. */
static int check_coverage(struct import *im)
{
  char date[DATE_TEXT_SIZE];
  int first_year, last_year;
  rows_years(im, &first_year, &last_year);
  unsigned long *line_of = calloc((size_t)(im->end_day - im->first_day), sizeof(*line_of));
  if (!line_of)
    return ST_NOMEM;
  for (size_t i = 0; i < im->n_rows; i++) {
    const struct row *row = &im->rows[i];
    unsigned long *seen = &line_of[row->day - im->first_day];
    format_date(row->day, date);
    if (*seen)
      report_add(im->report, row->line, 1, "西元日期 %s appears twice: already on line %lu", date,
                 *seen);
    else
      *seen = row->line;
  }
  for (int year = first_year; year <= last_year; year++)
    check_year(im, line_of, year);
  free(line_of);
  return ST_OK;
}

/* Puts the checked rows into the calendar, widening its range when needed. */
static int merge_rows(struct calendar *cal, const struct import *im)
{
  int64_t first = im->first_day, end = im->end_day;
  if (cal->days) {
    first = min64(first, cal->first_day);
    end = max64(end, cal->first_day + (int64_t)cal->n_days);
  }
  struct calendar_day *days = calloc((size_t)(end - first), sizeof(*days));
  if (!days)
    return ST_NOMEM;
  if (cal->days)
    memcpy(days + (cal->first_day - first), cal->days, cal->n_days * sizeof(*days));
  for (size_t i = 0; i < im->n_rows; i++) {
    const struct row *row = &im->rows[i];
    struct calendar_day *day = &days[row->day - first];
    day->status = row->day_off ? CALENDAR_DAY_OFF : CALENDAR_DAY_WORKING;
    memcpy(day->remark, row->remark.ptr, row->remark.len);
    day->remark[row->remark.len] = '\0';
  }
  free(cal->days);
  cal->days = days;
  cal->first_day = first;
  cal->n_days = (size_t)(end - first);
  return ST_OK;
}

int calendar_parse_dgpa_csv(struct calendar *cal, const char *data, size_t len,
                            struct calendar_import_report *report)
{
  struct calendar_import_report local;
  struct import im = {.report = report ? report : &local};
  int rc = ST_OK;
  memset(im.report, 0, sizeof(*im.report));
  if (!cal || (!data && len > 0))
    return ST_INVALID;
  if (len > CALENDAR_FILE_MAX) {
    report_add(im.report, 0, 0, "the file is larger than %d bytes", CALENDAR_FILE_MAX);
    return ST_LIMIT;
  }
  rc = read_rows(&im, (struct str){data, len});
  if (!rc && im.n_rows > 0)
    rc = check_coverage(&im);
  if (!rc && im.report->n_errors > 0)
    rc = ST_INVALID;
  if (rc)
    goto out;
  rc = merge_rows(cal, &im);
  if (rc)
    goto out;
  im.report->n_days = im.n_rows;
  im.report->first_year = year_of(im.first_day);
  im.report->last_year = year_of(im.end_day - 1);
out:
  free(im.rows);
  return rc;
}

int calendar_load_file(struct calendar *cal, const char *path,
                       struct calendar_import_report *report)
{
  struct calendar_import_report local;
  struct calendar_import_report *r = report ? report : &local;
  char *data = NULL;
  int rc = ST_IO;
  memset(r, 0, sizeof(*r));
  if (!cal || !path)
    return ST_INVALID;
  FILE *file = fopen(path, "rb");
  if (!file) {
    report_add(r, 0, 0, "cannot open the file: %s", strerror(errno));
    return ST_IO;
  }
  data = malloc((size_t)CALENDAR_FILE_MAX + 1);
  if (!data) {
    rc = ST_NOMEM;
    goto out;
  }
  size_t len = fread(data, 1, (size_t)CALENDAR_FILE_MAX + 1, file);
  if (ferror(file)) {
    report_add(r, 0, 0, "cannot read the file");
    goto out;
  }
  rc = calendar_parse_dgpa_csv(cal, data, len, r);
out:
  free(data);
  fclose(file);
  return rc;
}
