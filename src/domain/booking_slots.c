/*
 * booking_slots.c - the pure rules of booked visits (booking.h): the default settings, the
 * slots of a date under the calendar and office hours, lanes and booking numbers.
 */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/str.h"
#include "domain/booking.h"

#include "base/common.h"

void booking_config_default(struct booking_config *config)
{
  *config = (struct booking_config){.slot_minutes = 30,
                                    .capacity = 2,
                                    .consult_start = 14 * 60,
                                    .consult_end = 16 * 60,
                                    .consult_capacity = 4,
                                    .consult_title_zh = "",
                                    .consult_title_en = ""};
}

/* The served periods of a working day: the office hours, joined into one span from the first
 * period's start to the last one's end when the lunch hour is served. */
static size_t served_periods(bool lunch, struct calendar_period out[CALENDAR_PERIODS_MAX])
{
  struct calendar_hours hours = calendar_hours_default();
  if (lunch && hours.n_periods > 1) {
    out[0] = (struct calendar_period){hours.periods[0].start_minute,
                                      hours.periods[hours.n_periods - 1].end_minute};
    return 1;
  }
  memcpy(out, hours.periods, hours.n_periods * sizeof(out[0]));
  return hours.n_periods;
}

static int add_slot(struct booking_slot *out, size_t max, size_t *count, int start, int end)
{
  if (*count >= max)
    return ST_LIMIT;
  out[(*count)++] = (struct booking_slot){start, end, 0};
  return ST_OK;
}

static int counter_slots(const struct booking_config *config, struct booking_slot *out, size_t max,
                         size_t *count)
{
  struct calendar_period periods[CALENDAR_PERIODS_MAX];
  size_t n = served_periods(config->lunch_service, periods);
  int length = config->slot_minutes;
  if (length < BOOKING_SLOT_MINUTES_MIN || length > BOOKING_SLOT_MINUTES_MAX)
    return ST_INVALID;
  for (size_t i = 0; i < n; i++) {
    for (int t = periods[i].start_minute; t + length <= periods[i].end_minute; t += length) {
      int rc = add_slot(out, max, count, t, t + length);
      if (rc)
        return rc;
    }
  }
  return ST_OK;
}

int booking_day_slots(const struct calendar *cal, const struct booking_config *config,
                      const char *kind, struct civil_date date, struct booking_slot *out,
                      size_t max, size_t *count)
{
  struct calendar_day_info info;
  *count = 0;
  int rc = calendar_day_info(cal, date.year, date.month, date.day, &info);
  if (rc)
    return rc;
  bool consult = kind && !strcmp(kind, "consult");
  if (!kind || (!consult && strcmp(kind, "visit") != 0 && strcmp(kind, "pickup") != 0))
    return ST_INVALID;
  if (!info.working)
    return ST_OK;
  if (!consult)
    return counter_slots(config, out, max, count);
  if (config->consult_weekday != info.weekday || config->consult_start >= config->consult_end)
    return ST_OK;
  return add_slot(out, max, count, config->consult_start, config->consult_end);
}

const char *booking_lane(struct arena *arena, const char *kind, int64_t unit_id)
{
  if (kind && !strcmp(kind, "consult"))
    return "consult";
  return arena_printf(arena, "u%lld", (long long)unit_id);
}

void booking_number(int64_t id, char out[BOOKING_NUMBER_SIZE])
{
  snprintf(out, BOOKING_NUMBER_SIZE, "B%06lld", (long long)id);
}

int booking_number_parse(const char *text, int64_t *id)
{
  struct str s = str_trim(str_from(text ? text : ""));
  if (s.len && (s.ptr[0] == 'B' || s.ptr[0] == 'b')) {
    s.ptr++;
    s.len--;
  }
  for (size_t i = 0; i < s.len; i++) {
    if (s.ptr[i] < '0' || s.ptr[i] > '9')
      return ST_INVALID;
  }
  return s.len && s.len <= 12 ? str_to_int64(s, 1, INT64_MAX, id) : ST_INVALID;
}
