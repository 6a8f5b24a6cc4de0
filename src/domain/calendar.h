/*
 * calendar.h - the government office calendar (行政院人事行政總處 DGPA 「政府行政機關辦公日曆表」)
 * and the working-time arithmetic built on it: deadlines of time limits counted in working
 * minutes, the clock stopping during corrections (補正), extensions (展期), "due soon", and
 * calendar-day periods under 行政程序法 §48.
 *
 * Days are Asia/Taipei calendar dates; instants in the API are time_t (UTC). A calendar holds
 * whole years imported from DGPA's CSV. For a date outside the loaded years the calendar
 * falls back to "Saturday and Sunday off, Monday to Friday working" and says so: such a date
 * is "estimated" (calendar_day_info, calendar_is_estimated), and a screen should show it.
 *
 * Supported dates are the years CALENDAR_YEAR_MIN..CALENDAR_YEAR_MAX (local time); instants
 * outside them are ST_INVALID, and a computation that would run past them is ST_LIMIT.
 */
#ifndef BIANMIN_DOMAIN_CALENDAR_H
#define BIANMIN_DOMAIN_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define CALENDAR_YEAR_MIN          1970
#define CALENDAR_YEAR_MAX          2199
#define CALENDAR_REMARK_MAX        100          /* bytes of UTF-8 in one 備註 */
#define CALENDAR_FILE_MAX          (1 << 20)    /* bytes of one CSV file */
#define CALENDAR_REPORT_ERRORS_MAX 32           /* errors kept in an import report */
#define CALENDAR_MESSAGE_SIZE      192          /* bytes of one error message, with its NUL */
#define CALENDAR_PERIODS_MAX       4            /* working periods in one office day */
#define CALENDAR_PAUSES_MAX        64           /* pauses of one case */
#define CALENDAR_MINUTES_MAX       (480 * 3660) /* longest limit or extension: ~10 years */
#define CALENDAR_PERIOD_DAYS_MAX   3660         /* longest calendar-day period */
#define CALENDAR_DUE_SOON_MINUTES  240          /* DOMAIN.md: due soon = within 4 working hours */

/* ---- The calendar ------------------------------------------------------------------------ */

enum calendar_day_status { CALENDAR_DAY_UNKNOWN = 0, CALENDAR_DAY_WORKING, CALENDAR_DAY_OFF };

struct calendar_day {
  unsigned char status; /* enum calendar_day_status */
  char remark[CALENDAR_REMARK_MAX + 1];
};

/* days[i] is the day numbered first_day + i (days since 1970-01-01); UNKNOWN marks a year in
 * the middle of the range that was never loaded. A lookup is one array index. */
struct calendar {
  int64_t first_day;
  size_t n_days;
  struct calendar_day *days;
};

void calendar_init(struct calendar *cal);
void calendar_free(struct calendar *cal);

/* One bad place in an imported file. */
struct calendar_import_error {
  unsigned long line; /* 1-based line of the file (the header is line 1); 0 = the whole file */
  unsigned column; /* 1-based CSV field: 1 西元日期, 2 星期, 3 是否放假, 4 備註; 0 = the row */
  char message[CALENDAR_MESSAGE_SIZE];
};

struct calendar_import_report {
  size_t n_errors; /* every error found; only the first CALENDAR_REPORT_ERRORS_MAX are kept */
  struct calendar_import_error errors[CALENDAR_REPORT_ERRORS_MAX];
  size_t n_days;  /* days imported: 0 unless the whole file was good */
  int first_year; /* years imported, when n_days > 0 */
  int last_year;
};

/* Parses DGPA's CSV (data.gov.tw dataset 14718): the header 西元日期,星期,是否放假,備註 and
 * one row per day, e.g. 20250208,六,0,補行上班. A UTF-8 BOM and CRLF line endings are
 * accepted; blank lines are skipped. Each row must have a real date YYYYMMDD in the supported
 * years, the weekday 一..日 of that date, 是否放假 0 (working day) or 2 (day off), and a remark
 * of valid UTF-8 text of at most CALENDAR_REMARK_MAX bytes. Every year that appears must be
 * complete (all 365/366 dates) and no date may appear twice.
 * The file is checked completely before anything changes: every bad row is named in report
 * (which may be NULL) by line and column, and when any is bad, nothing is added and the
 * result is ST_INVALID. A good file adds its years, replacing those years if they were loaded
 * before (DGPA revises a year's calendar in place). ST_LIMIT when len > CALENDAR_FILE_MAX,
 * ST_NOMEM when memory runs out (the calendar is then unchanged). */
int calendar_parse_dgpa_csv(struct calendar *cal, const char *data, size_t len,
                            struct calendar_import_report *report);

/* Reads the file at path and parses it as above. ST_IO when it cannot be read. */
int calendar_load_file(struct calendar *cal, const char *path,
                       struct calendar_import_report *report);

struct calendar_day_info {
  bool working;       /* an office working day (including a 補行上班 make-up Saturday) */
  bool estimated;     /* the date is outside the loaded years: a weekday/weekend guess */
  int weekday;        /* 1 = Monday .. 7 = Sunday */
  const char *remark; /* DGPA's 備註, "" when none; valid while cal is unchanged */
};

/* What the calendar says about one date. ST_INVALID for an impossible or unsupported date.
 * cal may be NULL (an empty calendar: everything is estimated). */
int calendar_day_info(const struct calendar *cal, int year, int month, int day,
                      struct calendar_day_info *info);

/* ---- Office hours ------------------------------------------------------------------------ */

/* A working period of a day, [start_minute, end_minute) in local minutes since midnight. */
struct calendar_period {
  int start_minute;
  int end_minute;
};

/* The office's working hours: the same on every working day. Periods are sorted, do not
 * overlap, and lie within the day. */
struct calendar_hours {
  int utc_offset_minutes; /* Asia/Taipei is UTC+8 with no DST: 480 */
  size_t n_periods;
  struct calendar_period periods[CALENDAR_PERIODS_MAX];
};

/* 08:30–12:30 and 13:30–17:30 at UTC+8: 8 working hours a day. */
struct calendar_hours calendar_hours_default(void);

/* ST_OK when hours satisfies the contract above (offset within ±14 h, 1..4 non-empty sorted
 * periods); every function below checks it and answers ST_INVALID otherwise. Every function
 * taking hours also accepts NULL for calendar_hours_default(). */
int calendar_hours_check(const struct calendar_hours *hours);

/* True when any local date from the date of `from` to the date of `to` lies outside the loaded
 * years, i.e. a result over that span rests on the weekday/weekend guess ("estimated"). */
bool calendar_is_estimated(const struct calendar *cal, const struct calendar_hours *hours,
                           time_t from, time_t to);

/* ---- Time limits (處理期限) in working minutes ---------------------------------------------- */

/* The deadline of a time limit of `minutes` working minutes taken in at `start`:
 * - working time is the office hours on working days of the calendar: weekends and days off
 *   are skipped, a 補行上班 make-up Saturday counts as a working day;
 * - intake outside working time (before 08:30, over lunch, after 17:30, on a day off) starts
 *   counting at the next working moment;
 * - the deadline is the instant the last working minute is used up, so a limit ending with a
 *   period ends at that period's end (12:30 or 17:30), not at the start of the next one;
 * - 即時 (0 minutes) gives deadline = start, whenever start is.
 * Examples (default hours): 240 min from Monday 15:00 → Tuesday 10:00 (150 min on Monday, 90
 * on Tuesday); 480 min from Monday 08:30 → Monday 17:30; 240 min from 17:45 → next working
 * day 12:30; 240 min from 12:45 → 17:30 the same day.
 * minutes must be in 0..CALENDAR_MINUTES_MAX. Whole working days are stepped over at once. */
int calendar_add_working_minutes(const struct calendar *cal, const struct calendar_hours *hours,
                                 time_t start, int64_t minutes, time_t *deadline);

/* Working minutes in [a, b), rounded down to whole minutes; 0 when b <= a. */
int calendar_working_minutes_between(const struct calendar *cal, const struct calendar_hours *hours,
                                     time_t a, time_t b, int64_t *minutes);

/* A span during which the case's clock stops: [from, to). to == 0 means it has not ended
 * (a correction notice the applicant has not answered yet). */
struct calendar_pause {
  time_t from;
  time_t to;
};

/* The deadline of a case taken in at start with a limit of limit_minutes, whose clock stopped
 * during pauses (補正: from the notice until the applicant responds) and which was granted
 * extension_minutes more working time (展期; 0 if none). Working time inside a pause does not
 * count; pauses may come in any order and overlap (they are merged), and the parts before
 * start are ignored. When any pause is still open (to == 0) the case has no deadline: *paused
 * is set, *deadline is 0 and the result is ST_OK. A pause with to <= from (to != 0) is
 * ST_INVALID; more than CALENDAR_PAUSES_MAX pauses is ST_LIMIT.
 * With no pauses and no extension this equals calendar_add_working_minutes. */
int calendar_deadline_with_pauses(const struct calendar *cal, const struct calendar_hours *hours,
                                  time_t start, int64_t limit_minutes,
                                  const struct calendar_pause *pauses, size_t n_pauses,
                                  int64_t extension_minutes, time_t *deadline, bool *paused);

/* The working minutes a case taken in at start has used by at (rounded down): the working time
 * in [start, at) outside its pauses, counted as calendar_deadline_with_pauses counts it, so
 * that at the deadline it computes the minutes used are exactly limit + extension (the
 * "used / allowed working hours" of the staff case page). A pause still open (to == 0) stops
 * the clock until at. Pauses may come in any order and overlap; parts before start are
 * ignored; to < from (to != 0) is ST_INVALID, more than CALENDAR_PAUSES_MAX is ST_LIMIT.
 * at <= start gives 0. */
int calendar_used_minutes_with_pauses(const struct calendar *cal,
                                      const struct calendar_hours *hours, time_t start, time_t at,
                                      const struct calendar_pause *pauses, size_t n_pauses,
                                      int64_t *minutes);

enum calendar_due {
  CALENDAR_ON_TIME,  /* more than CALENDAR_DUE_SOON_MINUTES working minutes left */
  CALENDAR_DUE_SOON, /* now <= deadline, at most CALENDAR_DUE_SOON_MINUTES working minutes left */
  CALENDAR_OVERDUE   /* now > deadline (逾期) */
};

/* "on_time", "due_soon", "overdue". */
const char *calendar_due_name(enum calendar_due due);

/* Where a case with this deadline stands at now. At now == deadline it is due soon, one
 * second later overdue. A paused case has no deadline and no due state: do not ask. */
int calendar_due_state(const struct calendar *cal, const struct calendar_hours *hours, time_t now,
                       time_t deadline, enum calendar_due *due);

/* ---- Periods in calendar days (e.g. 補正 within 15 days, 土地登記規則 §56) ------------------- */

/* The last day of a period of `days` calendar days that starts on the date y-m-d (the day the
 * notice was received). Follows 行政程序法 §48:
 * - §48 II: the first day is not counted, so the period ends on y-m-d + days;
 * - §48 IV: when that last day is a Sunday, a national holiday or another day off (and when it
 *   is a Saturday, which §48 IV moves to the following Monday), the period ends on the next
 *   day instead, repeated until a working day. Saturdays are days off in the DGPA calendar
 *   except a 補行上班 make-up Saturday, which is a working day and does not move the end
 *   (法務部 99.02.03 法律字第0990004718號: offices work that day, so §48 IV does not apply).
 * §48 IV gives a moved Saturday end as "the following Monday morning" (上午); this function
 * returns dates only, so a caller that needs an hour must apply that itself. §48 V (periods of
 * penalties, which do not move) is not handled here.
 * days must be in 0..CALENDAR_PERIOD_DAYS_MAX. */
int calendar_add_days_period(const struct calendar *cal, int y, int m, int d, int days, int *out_y,
                             int *out_m, int *out_d);

#endif
