/*
 * plan_remind.c - the monthly reminder of plan control (plan.h): before the office's monthly
 * progress day (the office setting plan.reminder_day, 1..28; unset or 0: no reminders), from
 * PLAN_REMIND_DAYS days before it until it, each supervisor of a unit that still owes this
 * month's entry on a focal point of this year's plan (not done, no entry this month) gets one
 * e-mail a month listing those focal points (notify_subject_event, subject "plan", the
 * supervisor's user id, occurrence YYYYMM: queued at most once).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/civil.h"
#include "domain/audit.h"
#include "domain/directory.h"
#include "domain/notify.h"
#include "domain/plan.h"
#include "store/directory.h"
#include "store/plan.h"
#include "store/store.h"

#include "base/common.h"

enum { PLAN_REMIND_DAYS = 3, PLAN_REMIND_ARENA = 4 * 1024 * 1024, PLAN_REMIND_DAY_MAX = 28 };

#define PLAN_REMINDER_DAY_SETTING "plan.reminder_day"

int plan_reminder_day(struct store *store, int64_t office_id)
{
  char *value = NULL;
  long day = 0;
  if (store_setting_get(store, office_id, PLAN_REMINDER_DAY_SETTING, &value) == ST_OK && value) {
    char *end = NULL;
    day = strtol(value, &end, 10);
    if (end == value || *end || day < 0 || day > PLAN_REMIND_DAY_MAX)
      day = 0;
  }
  free(value);
  return (int)day;
}

/* The focal points unit still owes this month's entry on, as a JSON array of their texts. */
static json_t *owed(const struct plan_year *y, int64_t unit_id)
{
  json_t *items = json_array();
  for (size_t i = 0; items && i < y->count; i++) {
    const struct plan_point *p = &y->points[i];
    bool mine = !p->unit_id || p->unit_id == unit_id;
    bool entered = false;
    for (size_t e = 0; e < p->entry_count; e++)
      entered =
          entered || (p->entries[e].month == y->this_month && p->entries[e].unit_id == unit_id);
    if (mine && !p->done && !entered)
      json_array_append_new(items, json_string(p->point));
  }
  return items;
}

static int remind_one(struct store *store, time_t now, const struct plan_year *y,
                      const struct store_plan_recipient *to, const char *due, int64_t *sent)
{
  json_t *items = owed(y, to->unit_id);
  if (!items || !json_array_size(items)) {
    json_decref(items);
    return items ? ST_OK : ST_NOMEM;
  }
  char link[NOTIFY_URL_MAX + 32];
  snprintf(link, sizeof(link), "%s/staff/plan/%d", notify_settings()->public_url, y->roc_year);
  json_t *vars = json_pack("{s:o, s:s, s:s}", "items", items, "deadline", due, "link", link);
  int rc = vars ? notify_subject_event(store, now, y->office_id, "plan", to->user_id, "email",
                                       to->email, "zh-TW", "plan_reminder", y->this_month, vars)
                : ST_NOMEM;
  json_decref(vars);
  *sent += !rc;
  return rc;
}

static int remind_office(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                         int64_t *sent)
{
  struct civil_date today = civil_taipei(now).date;
  int day = plan_reminder_day(store, office_id);
  if (!day || today.day > day || today.day + PLAN_REMIND_DAYS < day)
    return ST_OK;
  struct plan_year y;
  struct store_plan_recipient *to = NULL;
  size_t n = 0;
  char due[CIVIL_ISO_SIZE];
  civil_format_iso((struct civil_date){today.year, today.month, day}, due);
  int rc = plan_year_read(store, arena, now, office_id, today.year - CIVIL_ROC_OFFSET, false, &y);
  if (!rc && y.count)
    rc = store_plan_recipients(store, arena, office_id, &to, &n);
  if (rc || !y.count || !n)
    return rc;
  rc = store_begin(store);
  for (size_t i = 0; !rc && i < n; i++)
    rc = remind_one(store, now, &y, &to[i], due, sent);
  return rc ? (store_rollback(store), rc) : store_commit(store);
}

int plan_remind(struct store *store, time_t now, int64_t *sent)
{
  struct arena *arena = arena_new(PLAN_REMIND_ARENA);
  const struct directory *dir = NULL;
  size_t n = 0;
  int64_t count = 0;
  int rc = arena ? directory_acquire(store, arena, &dir) : ST_NOMEM;
  const struct dir_office *offices = rc ? NULL : directory_offices(dir, &n);
  for (size_t i = 0; !rc && i < n; i++)
    rc = remind_office(store, arena, now, offices[i].id, &count);
  arena_free(arena);
  if (sent)
    *sent = count;
  return rc;
}

int plan_reminder_day_set(struct store *store, const struct audit_actor *actor, int64_t office_id,
                          int day)
{
  char value[8];
  if (day < 0 || day > PLAN_REMIND_DAY_MAX)
    return ST_INVALID;
  snprintf(value, sizeof(value), "%d", day);
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = store_setting_put(store, office_id, PLAN_REMINDER_DAY_SETTING, value);
  json_t *detail = rc ? NULL : json_pack("{s:i}", "day", day);
  if (!rc)
    rc = audit_record(store, actor, "plan.reminder_day", "office", "", detail);
  json_decref(detail);
  return rc ? (store_rollback(store), rc) : store_commit(store);
}
