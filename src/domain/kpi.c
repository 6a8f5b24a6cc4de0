/*
 * kpi.c - indicators from the case event log (kpi.h).
 */
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/civil.h"
#include "domain/calendar.h"
#include "domain/cases.h"
#include "domain/directory.h"
#include "domain/kpi.h"
#include "domain/workflow.h"
#include "store/directory.h"
#include "store/kpi.h"
#include "store/store.h"

#include "base/common.h"

enum {
  KPI_BATCH = 500,          /* events a transaction */
  KPI_ON_TIME_TARGET = 950, /* per mille, unless the office set another */
  KPI_AT_RISK_MARGIN = 20,  /* per mille below the target that is "at risk", not missed */
  KPI_HOURS_MAX = 100000,   /* a completed case's hours are capped here */
  KPI_MONTHS_MAX = 12,
  KPI_ARENA_MAX = 1024 * 1024, /* a batch's rows */
  KPI_VIEW_BATCHES = 8         /* batches a dashboard view counts itself */
};

/* The office setting holding its on-time target in per mille (e.g. "980"). */
#define KPI_ON_TIME_TARGET_SETTING "kpi.on_time_target_permille"

const char *kpi_status_name(enum kpi_status status)
{
  static const char *const names[] = {"no_target", "met", "at_risk", "missed", "no_data"};
  return (size_t)status < ARRAY_LEN(names) ? names[status] : "no_target";
}

static int64_t taipei_month(int64_t at)
{
  struct civil_time t = civil_taipei((time_t)at);
  return (int64_t)t.date.year * 100 + t.date.month;
}

/* Where a status is in its workflow: final, and if so whether it counts as completed work. */
static void step_of(const char *workflow, const char *status, bool *final, bool *completed)
{
  const struct workflow *wf = workflow_find(workflow);
  const struct workflow_step *step = wf ? workflow_step(wf, status) : NULL;
  *final = step && step->kind == STEP_FINAL;
  *completed = step && step->completed;
}

/* Working minutes used by a case completed at `at` (see kpi.h); *on_time set. -1: unknown. */
static int64_t used_minutes(const struct store_kpi_event *e, bool *on_time)
{
  int64_t between = 0;
  *on_time = true;
  if (e->due_at <= 0)
    return -1; /* no deadline: no time limit to measure against */
  if (e->at <= e->due_at) {
    if (calendar_working_minutes_between(cases_calendar(), NULL, (time_t)e->at, (time_t)e->due_at,
                                         &between))
      return -1;
    return e->limit_minutes > between ? e->limit_minutes - between : 0;
  }
  *on_time = false;
  if (calendar_working_minutes_between(cases_calendar(), NULL, (time_t)e->due_at, (time_t)e->at,
                                       &between))
    return -1;
  return e->limit_minutes + between;
}

/* A completed case: on time or not, and its working time (即時 at the counter is taken in,
 * then closed by a second event at once: on time, no working time). */
static void count_completion(const struct store_kpi_event *e, struct store_kpi_delta *d)
{
  bool on_time;
  int64_t used = used_minutes(e, &on_time);
  int64_t hours = used < 0 ? -1 : (used + 59) / 60;
  d->completed = 1;
  d->on_time = on_time;
  d->used_minutes = used > 0 ? used : 0;
  d->hours = hours > KPI_HOURS_MAX ? KPI_HOURS_MAX : hours;
}

/* What one status event adds; false when it adds nothing. */
static bool delta_of(const struct store_kpi_event *e, struct store_kpi_delta *d)
{
  *d = (struct store_kpi_delta){e->office_id, taipei_month(e->at), e->unit_id, e->service_id,
                                e->channel};
  d->hours = -1;
  bool from_final, from_completed, to_final, to_completed;
  step_of(e->workflow, e->from_status, &from_final, &from_completed);
  step_of(e->workflow, e->to_status, &to_final, &to_completed);
  d->received = !e->from_status[0];
  if (!strcmp(e->to_status, "correction")) {
    d->corrections = 1;
    d->second_corrections = e->correction_before >= 1;
  }
  if (to_final && !from_final && !d->received) {
    if (to_completed)
      count_completion(e, d);
    else
      d->ended_other = 1;
  }
  return d->received || d->completed || d->ended_other || d->corrections;
}

/* One batch of events not yet counted: counts each and marks it. *n: events read. */
static int count_batch(struct store *store, struct arena *arena, size_t *n)
{
  struct store_kpi_event *rows = NULL;
  *n = 0;
  int rc = store_kpi_events_read(store, arena, KPI_BATCH, &rows, n);
  for (size_t i = 0; !rc && i < *n; i++) {
    struct store_kpi_delta d;
    if (delta_of(&rows[i], &d))
      rc = store_kpi_add(store, &d);
    if (!rc)
      rc = store_kpi_event_counted(store, rows[i].id);
  }
  return rc;
}

/* Batches until one comes back short (a rebuild) or just one (an update: its own transaction
 * per batch keeps the write lock short). */
static int run_batches(struct store *store, bool reset, int64_t *total)
{
  size_t n = KPI_BATCH;
  int rc = ST_OK;
  do {
    struct arena *arena = arena_new(KPI_ARENA_MAX);
    rc = arena ? count_batch(store, arena, &n) : ST_NOMEM;
    arena_free(arena);
    *total += (int64_t)n;
  } while (!rc && reset && n == KPI_BATCH);
  return rc;
}

static int update(struct store *store, time_t now, bool reset, int max_batches, int64_t *counted)
{
  int64_t total = 0;
  bool behind = true;
  int rc = reset ? ST_OK : store_kpi_behind(store, &behind); /* most passes: nothing new */
  for (bool more = behind; more && !rc && max_batches-- > 0;) {
    int64_t before = total;
    rc = store_begin(store);
    if (rc)
      break;
    rc = store_kpi_lock(store, (int64_t)now);
    if (!rc && reset)
      rc = store_kpi_reset(store);
    if (!rc)
      rc = run_batches(store, reset, &total);
    rc = rc ? (store_rollback(store), rc) : store_commit(store);
    more = !reset && total - before == KPI_BATCH;
  }
  if (counted)
    *counted = rc ? 0 : total;
  return rc;
}

int kpi_update(struct store *store, time_t now, int64_t *counted)
{
  return update(store, now, false, INT_MAX, counted);
}

int kpi_rebuild(struct store *store, time_t now, int64_t *counted)
{
  return update(store, now, true, 1, counted);
}

int64_t kpi_percentile(const int64_t *hours, const int64_t *cases, size_t count, int percent)
{
  int64_t n = 0;
  for (size_t i = 0; i < count; i++)
    n += cases[i];
  if (n <= 0)
    return -1;
  int64_t need = (n * percent + 99) / 100, seen = 0;
  for (size_t i = 0; i < count; i++)
    if ((seen += cases[i]) >= need)
      return hours[i];
  return hours[count - 1];
}

static int permille(int64_t part, int64_t whole)
{
  return whole > 0 ? (int)((part * 1000 + whole / 2) / whole) : -1;
}

static void figures_of(const struct store_kpi_sums *s, struct kpi_figures *f)
{
  *f = (struct kpi_figures){
      s->received,    s->online_received, s->completed,          s->on_time,
      s->ended_other, s->corrections,     s->second_corrections, s->used_minutes};
  f->on_time_permille = permille(s->on_time, s->completed);
  f->online_permille = permille(s->online_received, s->received);
  f->mean_hours = s->completed > 0 ? (double)s->used_minutes / 60.0 / (double)s->completed : -1;
  f->median_hours = f->p90_hours = -1;
}

static int percentiles(struct store *store, struct arena *arena, const struct store_kpi_filter *sf,
                       struct kpi_figures *f)
{
  struct store_kpi_hours *rows = NULL;
  size_t n = 0;
  int rc = store_kpi_hours_read(store, arena, sf, &rows, &n);
  int64_t *hours = n ? arena_alloc(arena, n * sizeof(*hours)) : NULL;
  int64_t *cases = n ? arena_alloc(arena, n * sizeof(*cases)) : NULL;
  if (!rc && n && (!hours || !cases))
    rc = ST_NOMEM;
  for (size_t i = 0; !rc && i < n; i++) {
    hours[i] = rows[i].hours;
    cases[i] = rows[i].cases;
  }
  if (!rc && n) {
    f->median_hours = kpi_percentile(hours, cases, n, 50);
    f->p90_hours = kpi_percentile(hours, cases, n, 90);
  }
  return rc;
}

/* The total of the filter's months. */
static int total_of(struct store *store, struct arena *arena, const struct store_kpi_filter *sf,
                    struct kpi_figures *f)
{
  struct store_kpi_sums *rows = NULL;
  size_t n = 0;
  int rc = store_kpi_sums_read(store, arena, sf, "total", &rows, &n);
  struct store_kpi_sums zero = {0};
  if (!rc)
    figures_of(n ? &rows[0] : &zero, f);
  return rc ? rc : percentiles(store, arena, sf, f);
}

/* A breakdown by "month", "unit", "service" or "channel", labelled from the directory. */
static int breakdown(struct store *store, struct arena *arena, const struct directory *dir,
                     const struct store_kpi_filter *sf, const char *by, struct kpi_row **out,
                     size_t *count)
{
  struct store_kpi_sums *rows = NULL;
  size_t n = 0;
  int rc = store_kpi_sums_read(store, arena, sf, by, &rows, &n);
  struct kpi_row *r = n ? arena_alloc(arena, n * sizeof(*r)) : NULL;
  if (!rc && n && !r)
    rc = ST_NOMEM;
  for (size_t i = 0; !rc && i < n; i++) {
    r[i] = (struct kpi_row){rows[i].key, "", "", rows[i].text_key};
    figures_of(&rows[i], &r[i].figures);
    if (!strcmp(by, "month"))
      r[i].key = rows[i].key % 100;
    const struct dir_unit *u = !strcmp(by, "unit") ? directory_unit(dir, rows[i].key) : NULL;
    const struct dir_service *s =
        !strcmp(by, "service") ? directory_service(dir, rows[i].key) : NULL;
    if (u)
      r[i].label_zh = u->name_zh, r[i].label_en = u->name_en;
    if (s)
      r[i].label_zh = s->name_zh, r[i].label_en = s->name_en;
  }
  *out = rc ? NULL : r;
  *count = rc ? 0 : n;
  return rc;
}

/* The catalogue's counts and the filter's options, from the directory. */
static int catalogue_counts(struct arena *arena, const struct directory *dir, int64_t office_id,
                            struct kpi_report *out)
{
  size_t n = 0, nu = 0;
  const struct dir_service *s = directory_services(dir, office_id, &n);
  const struct dir_unit *u = directory_units(dir, office_id, &nu);
  out->service_options = n ? arena_alloc(arena, n * sizeof(*out->service_options)) : NULL;
  out->unit_options = nu ? arena_alloc(arena, nu * sizeof(*out->unit_options)) : NULL;
  if ((n && !out->service_options) || (nu && !out->unit_options))
    return ST_NOMEM;
  for (size_t i = 0; i < nu; i++)
    out->unit_options[out->unit_option_count++] =
        (struct kpi_option){u[i].id, u[i].name_zh, u[i].name_en};
  for (size_t i = 0; i < n; i++) {
    if (!s[i].published)
      continue;
    out->service_options[out->service_option_count++] =
        (struct kpi_option){s[i].id, s[i].name_zh, s[i].name_en};
    /* the SOP is the service's steps (catalogue records: steps_zh, steps_en) */
    const json_t *steps = json_object_get(s[i].record, "steps_zh");
    out->services++;
    out->services_with_sop += json_is_array(steps) && json_array_size(steps) > 0;
    out->services_online += s[i].online_capable;
  }
  return ST_OK;
}

static int on_time_target(struct store *store, int64_t office_id)
{
  char *value = NULL;
  int target = KPI_ON_TIME_TARGET;
  if (store_setting_get(store, office_id, KPI_ON_TIME_TARGET_SETTING, &value) == ST_OK && value) {
    char *end = NULL;
    long v = strtol(value, &end, 10);
    if (end != value && !*end && v >= 0 && v <= 1000)
      target = (int)v;
  }
  free(value);
  return target;
}

static void statuses(struct kpi_report *out)
{
  const struct kpi_figures *t = &out->total;
  out->on_time_status = t->completed == 0                                     ? KPI_NO_DATA
                        : t->on_time_permille >= out->on_time_target_permille ? KPI_MET
                        : t->on_time_permille >= out->on_time_target_permille - KPI_AT_RISK_MARGIN
                            ? KPI_AT_RISK
                            : KPI_MISSED;
  out->second_corrections_status = t->second_corrections == 0 ? KPI_MET : KPI_MISSED;
  out->overdue_status = out->overdue_open == 0 ? KPI_MET : KPI_AT_RISK;
  const struct kpi_figures *p = &out->previous;
  out->online_growth_known = p->online_received > 0;
  out->online_growth_permille =
      out->online_growth_known
          ? (int)(((t->online_received - p->online_received) * 1000) / p->online_received)
          : 0;
}

static int report_reads(struct store *store, struct arena *arena, const struct directory *dir,
                        const struct store_kpi_filter *sf, struct kpi_report *out)
{
  struct store_kpi_filter prev = *sf;
  prev.from_month -= 100;
  prev.to_month -= 100;
  int rc = total_of(store, arena, sf, &out->total);
  if (!rc)
    rc = total_of(store, arena, &prev, &out->previous);
  if (!rc)
    rc = breakdown(store, arena, dir, sf, "month", &out->by_month, &out->month_count);
  if (!rc)
    rc = breakdown(store, arena, dir, sf, "unit", &out->by_unit, &out->unit_count);
  if (!rc)
    rc = breakdown(store, arena, dir, sf, "service", &out->by_service, &out->service_count);
  if (!rc)
    rc = breakdown(store, arena, dir, sf, "channel", &out->by_channel, &out->channel_count);
  if (!rc)
    rc = store_kpi_overdue_open(store, sf, &out->overdue_open);
  if (!rc)
    rc = store_kpi_updated_at(store, &out->updated_at);
  if (!rc)
    out->on_time_target_permille = on_time_target(store, sf->office_id);
  if (!rc)
    rc = kpi_services_read(store, arena, out);
  return rc;
}

int kpi_report_read(struct store *store, struct arena *arena, time_t now,
                    const struct kpi_filter *filter, struct kpi_report *out)
{
  *out = (struct kpi_report){*filter};
  int year = filter->roc_year + CIVIL_ROC_OFFSET;
  if (filter->roc_year < 1 || filter->month < 0 || filter->month > KPI_MONTHS_MAX)
    return ST_INVALID;
  struct store_kpi_filter sf = {filter->office_id,
                                (int64_t)year * 100 + (filter->month ? filter->month : 1),
                                (int64_t)year * 100 + (filter->month ? filter->month : 12),
                                filter->unit_id,
                                filter->service_id,
                                filter->channel ? filter->channel : ""};
  const struct directory *dir = NULL;
  /* the figures include what happened until now, unless the scanner is far behind (a view
   * counts at most KPI_VIEW_BATCHES batches itself; the page says up to when it counted) */
  int rc = update(store, now, false, KPI_VIEW_BATCHES, NULL);
  if (!rc)
    rc = directory_acquire(store, arena, &dir);
  if (!rc)
    rc = store_begin_read(store);
  if (!rc)
    rc = store_end_read(store, report_reads(store, arena, dir, &sf, out));
  if (!rc)
    rc = catalogue_counts(arena, dir, filter->office_id, out);
  if (!rc)
    statuses(out);
  return rc;
}
