/*
 * plan.c - plan control (plan.h): the plan as data, monthly progress, the meeting order.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/civil.h"
#include "base/str.h"
#include "base/text.h"
#include "domain/accounts.h"
#include "domain/audit.h"
#include "domain/directory.h"
#include "domain/plan.h"
#include "domain/plan_import.h"
#include "store/directory.h"
#include "store/plan.h"
#include "store/store.h"

#include "base/common.h"

enum {
  PLAN_AT_RISK_MILLI = 2000, /* 2 percentage points under a rate's target is "at risk" */
  PLAN_EXPORT_MAX = 2 * 1024 * 1024
};

static const char *const every_unit[] = {"各課", "各單位", "all"};

int plan_years_read(struct store *store, struct arena *arena, int64_t office_id, int64_t **years,
                    size_t *count)
{
  int rc = store_begin_read(store);
  return rc ? rc : store_end_read(store, store_plan_years(store, arena, office_id, years, count));
}

/* ---- Import ------------------------------------------------------------------------------ */

/* The unit a plan row names: 0 for every unit; ST_NOTFOUND when the office has none such. */
static int unit_of(const struct directory *dir, int64_t office_id, const char *name, int64_t *id)
{
  *id = 0;
  for (size_t i = 0; i < ARRAY_LEN(every_unit); i++)
    if (!strcmp(name, every_unit[i]))
      return ST_OK;
  size_t n = 0;
  const struct dir_unit *u = directory_units(dir, office_id, &n);
  for (size_t i = 0; i < n; i++)
    if (!strcmp(name, u[i].name_zh) || !strcmp(name, u[i].name_en) || !strcmp(name, u[i].code))
      *id = u[i].id;
  return *id ? ST_OK : ST_NOTFOUND;
}

static int store_rows(struct store *store, const struct directory *dir, int64_t office_id,
                      int64_t plan_id, const struct plan_csv_row *rows, size_t n,
                      struct plan_import_error *err)
{
  int rc = store_plan_points_clear(store, plan_id);
  for (size_t i = 0; !rc && i < n; i++) {
    const struct plan_csv_row *r = &rows[i];
    const char *link = plan_indicator_link(r->indicator);
    struct store_plan_point p = {0,
                                 (int64_t)i + 1,
                                 r->item_no,
                                 0,
                                 r->target_milli,
                                 r->item,
                                 r->point,
                                 r->deadline,
                                 link ? link : "",
                                 link ? "" : r->indicator,
                                 r->target_unit};
    if (unit_of(dir, office_id, r->unit, &p.unit_id)) {
      *err = (struct plan_import_error){i + 1, "plan_err_unit_unknown"};
      return ST_INVALID;
    }
    rc = store_plan_point_add(store, plan_id, &p);
  }
  return rc;
}

static int import_rows(struct store *store, const struct directory *dir,
                       const struct audit_actor *actor, int64_t office_id, int roc_year,
                       const struct plan_csv_row *rows, size_t n, time_t now,
                       struct plan_import_error *err)
{
  int64_t plan_id = 0, progress = 0;
  int rc = store_plan_upsert(store, office_id, roc_year, (int64_t)now, &plan_id, &progress);
  if (!rc && progress > 0) {
    *err = (struct plan_import_error){0, "plan_err_has_progress"};
    rc = ST_CONFLICT;
  }
  if (!rc)
    rc = store_rows(store, dir, office_id, plan_id, rows, n, err);
  json_t *detail = rc ? NULL : json_pack("{s:i, s:I}", "year", roc_year, "points", (json_int_t)n);
  if (!rc)
    rc = audit_record(store, actor, "plan.import", "plan", "", detail);
  json_decref(detail);
  return rc;
}

int plan_import(struct store *store, struct arena *arena, const struct audit_actor *actor,
                int64_t office_id, int roc_year, const char *csv, size_t len, time_t now,
                struct plan_import_error *err)
{
  struct plan_csv_row *rows = NULL;
  size_t n = 0;
  const struct directory *dir = NULL;
  *err = (struct plan_import_error){0, "plan_err_file"};
  if (roc_year < PLAN_YEAR_MIN || roc_year > PLAN_YEAR_MAX)
    return ST_INVALID;
  int rc = plan_csv_parse(arena, csv, len, &rows, &n, &err->row, &err->reason);
  if (!rc)
    rc = directory_acquire(store, arena, &dir);
  if (!rc)
    rc = store_begin(store);
  if (rc)
    return rc;
  rc = import_rows(store, dir, actor, office_id, roc_year, rows, n, now, err);
  return rc ? (store_rollback(store), rc) : store_commit(store);
}

/* ---- Progress ---------------------------------------------------------------------------- */

static int64_t taipei_month(time_t now)
{
  struct civil_time t = civil_taipei(now);
  return (int64_t)t.date.year * 100 + t.date.month;
}

static bool body_ok(const char *body)
{
  size_t len = body ? strlen(body) : 0;
  struct str trimmed = str_trim((struct str){body ? body : "", len});
  return trimmed.len && str_valid_text((struct str){body, len}, true) &&
         text_length(body) <= PLAN_BODY_MAX;
}

/* The unit the author enters for on a focal point of unit point_unit; ST_FORBIDDEN. */
static int entry_unit(const struct plan_author *a, int64_t point_unit, int64_t *unit)
{
  *unit = point_unit ? point_unit : a->unit_id;
  if (a->roles & ROLE_ADMIN)
    return ST_OK;
  if (!(a->roles & ROLE_SUPERVISOR) || !a->unit_id)
    return ST_FORBIDDEN;
  return !point_unit || point_unit == a->unit_id ? ST_OK : ST_FORBIDDEN;
}

static int enter(struct store *store, const struct plan_author *author, int64_t office_id,
                 int roc_year, struct store_plan_progress *p)
{
  int64_t point_unit = 0;
  int rc = store_plan_point_unit(store, office_id, roc_year, p->point_id, &point_unit);
  if (!rc)
    rc = entry_unit(author, point_unit, &p->unit_id);
  if (!rc)
    rc = store_plan_progress_put(store, p);
  json_t *detail = rc ? NULL
                      : json_pack("{s:i, s:I, s:I, s:I}", "year", roc_year, "month", p->month,
                                  "unit_id", p->unit_id, "percent", p->percent);
  char id[24];
  snprintf(id, sizeof(id), "%lld", (long long)p->point_id);
  if (!rc)
    rc = audit_record(store, author->actor, "plan.progress", "plan_point", id, detail);
  json_decref(detail);
  return rc;
}

int plan_progress_enter(struct store *store, const struct plan_author *author, int64_t office_id,
                        int roc_year, int64_t point_id, int percent, const char *body, time_t now)
{
  if (percent < 0 || percent > 100 || !body_ok(body))
    return ST_INVALID;
  struct store_plan_progress p = {point_id, taipei_month(now),  0, percent, (int64_t)now,
                                  body,     author->actor->name};
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = enter(store, author, office_id, roc_year, &p);
  return rc ? (store_rollback(store), rc) : store_commit(store);
}

/* ---- Reading a year ---------------------------------------------------------------------- */

static void unit_names(const struct directory *dir, int64_t id, const char **zh, const char **en)
{
  const struct dir_unit *u = id ? directory_unit(dir, id) : NULL;
  *zh = u ? u->name_zh : "";
  *en = u ? u->name_en : "";
}

/* The year's figure of a linked indicator (x1000), -1 without data. */
static int64_t figure_of(const char *name, const struct kpi_figures *f, int64_t overdue)
{
  if (!strcmp(name, "on_time_rate"))
    return f->on_time_permille < 0 ? -1 : (int64_t)f->on_time_permille * 100;
  if (!strcmp(name, "online_share"))
    return f->online_permille < 0 ? -1 : (int64_t)f->online_permille * 100;
  if (!strcmp(name, "second_corrections"))
    return f->second_corrections * 1000;
  if (!strcmp(name, "overdue_open"))
    return overdue < 0 ? -1 : overdue * 1000;
  return -1;
}

bool plan_indicator_is_rate(const char *kpi_name)
{
  return !strcmp(kpi_name, "on_time_rate") || !strcmp(kpi_name, "online_share");
}

static enum kpi_status status_of(const struct plan_point *p)
{
  bool higher_better = plan_indicator_is_rate(p->kpi_name);
  if (p->target_milli < 0)
    return KPI_NO_TARGET;
  if (p->figure_milli < 0)
    return KPI_NO_DATA;
  if (!higher_better)
    return p->figure_milli <= p->target_milli ? KPI_MET : KPI_MISSED;
  return p->figure_milli >= p->target_milli                        ? KPI_MET
         : p->figure_milli >= p->target_milli - PLAN_AT_RISK_MILLI ? KPI_AT_RISK
                                                                   : KPI_MISSED;
}

static void link_figures(struct plan_point *p, const struct kpi_report *k)
{
  p->figure_milli = p->previous_milli = -1;
  p->status = KPI_NO_TARGET;
  if (!p->kpi_name[0] || !k)
    return;
  p->figure_milli = figure_of(p->kpi_name, &k->total, k->overdue_open);
  p->previous_milli = figure_of(p->kpi_name, &k->previous, -1);
  p->status = status_of(p);
}

struct year_reads {
  struct store_plan_point *points;
  struct store_plan_progress *progress;
  struct store_plan_evidence *evidence; /* by entry, then id */
  size_t point_count, progress_count, evidence_count;
};

/* The entry's evidence files: the run of y->evidence with its id (found by halving). */
static int attach_evidence(struct arena *arena, const struct year_reads *y, struct plan_entry *e)
{
  size_t lo = 0, hi = y->evidence_count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (y->evidence[mid].progress_id < e->id)
      lo = mid + 1;
    else
      hi = mid;
  }
  size_t end = lo;
  while (end < y->evidence_count && y->evidence[end].progress_id == e->id)
    end++;
  e->evidence_count = end - lo;
  e->evidence =
      e->evidence_count ? arena_alloc(arena, e->evidence_count * sizeof(*e->evidence)) : NULL;
  if (e->evidence_count && !e->evidence)
    return ST_NOMEM;
  for (size_t i = lo; i < end; i++) {
    const struct store_plan_evidence *s = &y->evidence[i];
    e->evidence[i - lo] = (struct plan_evidence){s->id,   s->size, s->created_at,     s->created_by,
                                                 s->name, s->mime, s->created_by_name};
  }
  return ST_OK;
}

/* Progress rows [from, to) belong to point p: its entries, latest percent and text. */
static int attach_entries(struct arena *arena, const struct directory *dir,
                          const struct year_reads *y, struct plan_point *p,
                          const struct store_plan_progress *g, size_t n)
{
  p->entries = n ? arena_alloc(arena, n * sizeof(*p->entries)) : NULL;
  if (n && !p->entries)
    return ST_NOMEM;
  p->entry_count = n;
  p->outcome = "";
  const struct plan_entry *latest = NULL;
  for (size_t i = 0; i < n; i++) {
    struct plan_entry *e = &p->entries[i];
    *e = (struct plan_entry){g[i].month,  g[i].unit_id, g[i].percent, g[i].at, g[i].body,
                             g[i].author, "",           "",           g[i].id};
    unit_names(dir, e->unit_id, &e->unit_zh, &e->unit_en);
    if (attach_evidence(arena, y, e))
      return ST_NOMEM;
    if (!latest || e->month > latest->month || (e->month == latest->month && e->at >= latest->at))
      latest = e;
  }
  if (latest) {
    p->percent = (int)latest->percent;
    p->outcome = latest->body;
  }
  return ST_OK;
}

static void lateness(struct plan_point *p, int roc_year, time_t now, int64_t this_month)
{
  char today[CIVIL_ISO_SIZE];
  civil_taipei_iso(now, today);
  bool current_year = this_month / 100 == roc_year + CIVIL_ROC_OFFSET;
  p->done = p->entry_count && p->percent >= 100;
  p->past_deadline = strcmp(p->deadline, today) < 0;
  p->missing_this_month = current_year;
  for (size_t i = 0; i < p->entry_count; i++)
    if (p->entries[i].month == this_month)
      p->missing_this_month = false;
  p->late = !p->done && (p->past_deadline || p->missing_this_month);
}

static int assemble(struct arena *arena, const struct directory *dir, const struct year_reads *y,
                    const struct kpi_report *k, time_t now, struct plan_year *out)
{
  out->points = y->point_count ? arena_alloc(arena, y->point_count * sizeof(*out->points)) : NULL;
  if (y->point_count && !out->points)
    return ST_NOMEM;
  size_t g = 0;
  for (size_t i = 0; i < y->point_count; i++) {
    const struct store_plan_point *s = &y->points[i];
    struct plan_point *p = &out->points[out->count++];
    *p = (struct plan_point){s->id,           s->unit_id,   s->target_milli, s->seq,
                             (int)s->item_no, s->item,      s->point,        s->deadline,
                             s->kpi_name,     s->indicator, s->target_unit};
    unit_names(dir, p->unit_id, &p->unit_zh, &p->unit_en);
    size_t from = g;
    while (g < y->progress_count && y->progress[g].point_id == s->id)
      g++;
    int rc = attach_entries(arena, dir, y, p, &y->progress[from], g - from);
    if (rc)
      return rc;
    lateness(p, out->roc_year, now, out->this_month);
    link_figures(p, k);
  }
  return ST_OK;
}

static int compare_meeting(const void *a, const void *b)
{
  const struct plan_point *x = a, *y = b;
  if (x->late != y->late)
    return x->late ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static bool any_linked(const struct year_reads *y)
{
  for (size_t i = 0; i < y->point_count; i++)
    if (y->points[i].kpi_name[0])
      return true;
  return false;
}

static int reads(struct store *store, struct arena *arena, int64_t office_id, int roc_year,
                 struct year_reads *y)
{
  int rc = store_plan_points_read(store, arena, office_id, roc_year, &y->points, &y->point_count);
  if (!rc)
    rc = store_plan_progress_read(store, arena, office_id, roc_year, &y->progress,
                                  &y->progress_count);
  if (!rc)
    rc = store_plan_evidence_read(store, arena, office_id, roc_year, &y->evidence,
                                  &y->evidence_count);
  return rc;
}

int plan_year_read(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                   int roc_year, bool meeting, struct plan_year *out)
{
  *out = (struct plan_year){office_id, roc_year, false, 0, taipei_month(now)};
  struct year_reads y = {0};
  struct kpi_report k;
  const struct directory *dir = NULL;
  if (roc_year < PLAN_YEAR_MIN || roc_year > PLAN_YEAR_MAX)
    return ST_INVALID;
  int rc = directory_acquire(store, arena, &dir);
  if (!rc)
    rc = store_begin_read(store);
  if (!rc)
    rc = store_end_read(store, reads(store, arena, office_id, roc_year, &y));
  out->reminder_day = rc ? 0 : plan_reminder_day(store, office_id);
  bool linked = !rc && any_linked(&y);
  if (linked)
    rc = kpi_report_read(store, arena, now, &(struct kpi_filter){office_id, roc_year, 0, 0, 0, ""},
                         &k);
  if (!rc)
    rc = assemble(arena, dir, &y, linked ? &k : NULL, now, out);
  out->exists = !rc && out->count > 0;
  if (!rc && meeting && out->count)
    qsort(out->points, out->count, sizeof(*out->points), compare_meeting);
  return rc;
}

/* ---- Export ------------------------------------------------------------------------------ */

static int csv_cell(struct buf *b, const char *s, bool last)
{
  int rc = buf_putc(b, '"');
  for (const char *p = s; !rc && *p; p++)
    rc = *p == '"' ? buf_puts(b, "\"\"") : buf_putc(b, *p);
  if (!rc)
    rc = buf_putc(b, '"');
  return rc ? rc : buf_puts(b, last ? "\r\n" : ",");
}

const char *plan_amount_text(struct arena *arena, int64_t milli, const char *unit)
{
  if (milli < 0)
    return "";
  const char *space = unit[0] && unit[0] != '%' ? " " : "";
  if (milli % 1000 == 0)
    return arena_printf(arena, "%lld%s%s", (long long)(milli / 1000), space, unit);
  char frac[8];
  snprintf(frac, sizeof(frac), "%03lld", (long long)(milli % 1000));
  for (size_t n = strlen(frac); n > 1 && frac[n - 1] == '0'; n--)
    frac[n - 1] = '\0';
  return arena_printf(arena, "%lld.%s%s%s", (long long)(milli / 1000), frac, space, unit);
}

static int export_point(struct arena *arena, struct buf *b, const struct plan_point *p)
{
  const char *indicator =
      p->kpi_name[0] ? arena_printf(arena, "kpi:%s", p->kpi_name) : p->indicator;
  const char *cells[] = {p->item,
                         p->point,
                         p->unit_id ? p->unit_zh : every_unit[0],
                         p->deadline,
                         indicator ? indicator : "",
                         plan_amount_text(arena, p->target_milli, p->target_unit)};
  int rc = ST_OK;
  for (size_t i = 0; !rc && i < ARRAY_LEN(cells); i++)
    rc = cells[i] ? csv_cell(b, cells[i], i + 1 == ARRAY_LEN(cells)) : ST_NOMEM;
  return rc;
}

int plan_export_csv(struct arena *arena, const struct plan_year *plan, const char **csv,
                    size_t *len)
{
  struct buf b;
  buf_init(&b, PLAN_EXPORT_MAX);
  int rc = buf_puts(&b, "\xEF\xBB\xBF工作要項,工作重點,業務單位,完成期限,指標,目標\r\n");
  for (size_t i = 0; !rc && i < plan->count; i++)
    rc = export_point(arena, &b, &plan->points[i]);
  char *copy = rc ? NULL : arena_strndup(arena, b.data, b.len);
  *len = rc ? 0 : b.len;
  buf_free(&b);
  *csv = copy;
  return rc ? rc : copy ? ST_OK : ST_NOMEM;
}
