/*
 * kpi.c - the indicators dashboard (/staff/kpi) and its CSV export (/staff/kpi.csv): one ROC
 * year or month of the office, filtered in the URL by unit, service and channel, from one
 * domain read (domain/kpi.h). The same view answers JSON to Accept: application/json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/civil.h"
#include "base/clock.h"
#include "domain/accounts.h"
#include "domain/kpi.h"
#include "render/table.h"
#include "web/app.h"
#include "web/staff/kpi_services.h"
#include "web/staff/staff.h"

#include "base/common.h"

enum {
  CHART_W = 640, /* the monthly chart's drawing, in SVG user units */
  CHART_H = 200,
  CHART_BAR = 36,
  CHART_STEP = 52,
  CHART_LEFT = 24
};

static const char *const channels[] = {"counter", "online", "mail", "api"};

/* "97.5%" of a per-mille value, "-" when there is none. */
static const char *percent(struct http_request *req, int permille)
{
  return permille < 0 ? "-" : arena_printf(req->arena, "%d.%d%%", permille / 10, permille % 10);
}

static const char *hours(struct http_request *req, int64_t h)
{
  return h < 0 ? "-" : arena_printf(req->arena, "%lld", (long long)h);
}

static json_t *figures_view(struct http_request *req, const struct kpi_figures *f)
{
  return json_pack(
      "{s:I, s:I, s:s, s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:I, s:I}", "received",
      (json_int_t)f->received, "online_received", (json_int_t)f->online_received, "online_share",
      percent(req, f->online_permille), "completed", (json_int_t)f->completed, "on_time",
      (json_int_t)f->on_time, "on_time_rate", percent(req, f->on_time_permille), "ended_other",
      (json_int_t)f->ended_other, "mean_hours",
      f->mean_hours < 0 ? "-" : arena_printf(req->arena, "%.1f", f->mean_hours), "median_hours",
      hours(req, f->median_hours), "p90_hours", hours(req, f->p90_hours), "corrections",
      (json_int_t)f->corrections, "second_corrections", (json_int_t)f->second_corrections);
}

static const char *channel_label(struct http_request *req, const char *channel)
{
  char *key = arena_printf(req->arena, "kpi_channel_%s", channel);
  return key ? http_t(req, key) : channel;
}

static const char *row_label(struct http_request *req, const char *by, const struct kpi_row *r)
{
  if (!strcmp(by, "month"))
    return arena_printf(req->arena, "%lld", (long long)r->key);
  if (!strcmp(by, "channel"))
    return channel_label(req, r->channel);
  const char *label = strcmp(req->lang, "en") == 0 && r->label_en[0] ? r->label_en : r->label_zh;
  return label[0] ? label : http_t(req, "kpi_none");
}

static json_t *rows_view(struct http_request *req, const char *by, const struct kpi_row *rows,
                         size_t n)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < n; i++) {
    json_t *f = figures_view(req, &rows[i].figures);
    if (f && json_object_set_new(f, "label", json_string(row_label(req, by, &rows[i]))))
      json_decref(f), f = NULL;
    if (!f || json_array_append_new(list, f))
      return json_decref(list), NULL;
  }
  return list;
}

/* The monthly on-time chart: one bar a month with completed cases, its height the rate. */
static json_t *chart_view(struct http_request *req, const struct kpi_report *r)
{
  json_t *bars = json_array();
  for (size_t i = 0; bars && i < r->month_count; i++) {
    const struct kpi_figures *f = &r->by_month[i].figures;
    if (f->on_time_permille < 0)
      continue;
    int h = f->on_time_permille * (CHART_H - 20) / 1000;
    json_array_append_new(bars,
                          json_pack("{s:i, s:i, s:i, s:i, s:s, s:s}", "x",
                                    CHART_LEFT + (int)(r->by_month[i].key - 1) * CHART_STEP, "y",
                                    CHART_H - h, "w", CHART_BAR, "h", h, "month",
                                    arena_printf(req->arena, "%lld", (long long)r->by_month[i].key),
                                    "rate", percent(req, f->on_time_permille)));
  }
  bool any = json_array_size(bars) > 0; /* no completed case yet: a sentence, not an empty box */
  return json_pack("{s:i, s:i, s:b, s:o}", "width", CHART_W, "height", CHART_H + 20, "any", any,
                   "bars", bars);
}

static const char *status_label(struct http_request *req, enum kpi_status s)
{
  char *key = arena_printf(req->arena, "kpi_status_%s", kpi_status_name(s));
  return key ? http_t(req, key) : "";
}

static json_t *cards_view(struct http_request *req, const struct kpi_report *r)
{
  return json_pack(
      "[{s:s, s:s, s:s, s:s, s:s}, {s:s, s:I, s:s, s:s, s:s}, {s:s, s:I, s:s, s:s, s:s},"
      " {s:s, s:s, s:s, s:s, s:s}]",
      "label", http_t(req, "kpi_on_time_rate"), "value", percent(req, r->total.on_time_permille),
      "target", percent(req, r->on_time_target_permille), "status",
      kpi_status_name(r->on_time_status), "status_label", status_label(req, r->on_time_status),
      "label", http_t(req, "kpi_overdue_open"), "value", (json_int_t)r->overdue_open, "target", "0",
      "status", kpi_status_name(r->overdue_status), "status_label",
      status_label(req, r->overdue_status), "label", http_t(req, "kpi_second_corrections"), "value",
      (json_int_t)r->total.second_corrections, "target", "0", "status",
      kpi_status_name(r->second_corrections_status), "status_label",
      status_label(req, r->second_corrections_status), "label", http_t(req, "kpi_online_growth"),
      "value", kpi_growth_text(req, r->online_growth_known, r->online_growth_permille), "target",
      "-", "status", "no_target", "status_label", status_label(req, KPI_NO_TARGET));
}

static json_t *catalogue_view(struct http_request *req, const struct kpi_report *r)
{
  int sop = r->services ? (int)(r->services_with_sop * 1000 / r->services) : -1;
  int online = r->services ? (int)(r->services_online * 1000 / r->services) : -1;
  return json_pack("{s:I, s:I, s:I, s:s, s:s}", "services", (json_int_t)r->services, "with_sop",
                   (json_int_t)r->services_with_sop, "online", (json_int_t)r->services_online,
                   "sop_share", percent(req, sop), "online_share", percent(req, online));
}

/* The filter from the URL; ST_INVALID (answered 400) when a value is not one we offer. */
int kpi_filter_from_query(struct http_request *req, struct kpi_filter *f)
{
  const char *year = http_query(req, "year"), *month = http_query(req, "month");
  const char *unit = http_query(req, "unit"), *service = http_query(req, "service");
  const char *channel = http_query(req, "channel");
  *f = (struct kpi_filter){req->session->office_id,
                           civil_taipei(clock_now()).date.year - CIVIL_ROC_OFFSET};
  struct {
    const char *text;
    long min, max;
    long *out;
  } numbers[] = {{year, 1, 300, NULL},
                 {month, 0, 12, NULL},
                 {unit, 0, 1L << 40, NULL},
                 {service, 0, 1L << 40, NULL}};
  long values[4] = {f->roc_year, 0, 0, 0};
  for (size_t i = 0; i < ARRAY_LEN(numbers); i++) {
    if (!numbers[i].text || !numbers[i].text[0])
      continue;
    char *end = NULL;
    long v = strtol(numbers[i].text, &end, 10);
    if (*end || end == numbers[i].text || v < numbers[i].min || v > numbers[i].max)
      return ST_INVALID;
    values[i] = v;
  }
  f->roc_year = (int)values[0];
  f->month = (int)values[1];
  f->unit_id = values[2];
  f->service_id = values[3];
  f->channel = "";
  for (size_t i = 0; channel && channel[0] && i < ARRAY_LEN(channels); i++)
    if (!strcmp(channel, channels[i]))
      f->channel = channels[i];
  return channel && channel[0] && !f->channel[0] ? ST_INVALID : ST_OK;
}

/* Whether id (0: none chosen) is one of the options the page offers. */
static bool offered(const struct kpi_option *o, size_t n, int64_t id)
{
  for (size_t i = 0; id && i < n; i++)
    if (o[i].id == id)
      return true;
  return id == 0;
}

static int read_report(struct http_request *req, struct kpi_report *r)
{
  struct kpi_filter f;
  struct store *store;
  if (kpi_filter_from_query(req, &f))
    return ST_INVALID;
  int rc = web_primary(req, &store); /* the read first counts what the log gained: a write */
  if (!rc)
    rc = kpi_report_read(store, req->arena, clock_now(), &f, r);
  /* a unit or service the page does not offer (unknown, another office's) is refused too */
  if (!rc && (!offered(r->unit_options, r->unit_option_count, f.unit_id) ||
              !offered(r->service_options, r->service_option_count, f.service_id)))
    rc = ST_INVALID;
  return rc;
}

static json_t *options_view(struct http_request *req, const struct kpi_option *o, size_t n,
                            int64_t selected)
{
  bool en = strcmp(req->lang, "en") == 0;
  json_t *list = json_array();
  for (size_t i = 0; list && i < n; i++)
    json_array_append_new(list, json_pack("{s:I, s:s, s:b}", "value", (json_int_t)o[i].id, "label",
                                          en && o[i].name_en[0] ? o[i].name_en : o[i].name_zh,
                                          "selected", o[i].id == selected));
  return list;
}

static json_t *filter_view(struct http_request *req, const struct kpi_report *r)
{
  json_t *months = json_array(), *chans = json_array();
  for (int m = 1; months && m <= 12; m++)
    json_array_append_new(months,
                          json_pack("{s:i, s:b}", "value", m, "selected", r->filter.month == m));
  for (size_t i = 0; chans && i < ARRAY_LEN(channels); i++)
    json_array_append_new(chans, json_pack("{s:s, s:s, s:b}", "value", channels[i], "label",
                                           channel_label(req, channels[i]), "selected",
                                           !strcmp(r->filter.channel, channels[i])));
  return json_pack(
      "{s:i, s:i, s:I, s:I, s:s, s:o, s:o, s:o, s:o, s:s}", "year", r->filter.roc_year, "month",
      r->filter.month, "unit", (json_int_t)r->filter.unit_id, "service",
      (json_int_t)r->filter.service_id, "channel", r->filter.channel, "months", months, "channels",
      chans, "units", options_view(req, r->unit_options, r->unit_option_count, r->filter.unit_id),
      "services",
      options_view(req, r->service_options, r->service_option_count, r->filter.service_id), "query",
      arena_printf(req->arena, "year=%d&month=%d&unit=%lld&service=%lld&channel=%s",
                   r->filter.roc_year, r->filter.month, (long long)r->filter.unit_id,
                   (long long)r->filter.service_id, r->filter.channel));
}

/* From each case figure to the work list of its cases (kpi.h kpi_case_list_read): for those
 * who may open the office's work list (clerks and supervisors, as web/cases/worklist.c), else
 * an empty list. */
static json_t *case_links_view(struct http_request *req, const struct kpi_report *r)
{
  static const char *const figures[] = {"received",    "completed",          "on_time",
                                        "corrections", "second_corrections", "overdue"};
  const struct kpi_figures *t = &r->total;
  const int64_t values[] = {t->received,    t->completed,          t->on_time,
                            t->corrections, t->second_corrections, r->overdue_open};
  json_t *list = json_array();
  bool may = http_may(req, "GET", "/staff/cases") &&
             (req->session->roles & (ROLE_CLERK | ROLE_SUPERVISOR)) != 0;
  for (size_t i = 0; list && may && i < ARRAY_LEN(figures); i++) {
    const char *key = arena_printf(req->arena, "kpi_figure_%s", figures[i]);
    json_array_append_new(
        list, json_pack("{s:s, s:s, s:I, s:s}", "figure", figures[i], "label",
                        key ? http_t(req, key) : "", "value", (json_int_t)values[i], "href",
                        arena_printf(req->arena,
                                     "/staff/cases?kpi=%s&year=%d&month=%d&unit=%lld&service=%lld&"
                                     "channel=%s",
                                     figures[i], r->filter.roc_year, r->filter.month,
                                     (long long)r->filter.unit_id, (long long)r->filter.service_id,
                                     r->filter.channel)));
  }
  return list;
}

int kpi_dashboard(struct http_request *req, struct http_response *res)
{
  struct kpi_report r;
  int rc = read_report(req, &r);
  if (rc == ST_INVALID)
    return http_error(res, 400, "kpi_err_filter");
  if (rc)
    return rc;
  json_t *view = json_pack("{s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
                           "title", http_t(req, "kpi_title"), "filter", filter_view(req, &r),
                           "updated_at", r.updated_at ? web_datetime(req, r.updated_at) : "-",
                           "cards", cards_view(req, &r), "total", figures_view(req, &r.total),
                           "previous", figures_view(req, &r.previous), "chart", chart_view(req, &r),
                           "months", rows_view(req, "month", r.by_month, r.month_count), "units",
                           rows_view(req, "unit", r.by_unit, r.unit_count), "services",
                           rows_view(req, "service", r.by_service, r.service_count), "channels",
                           rows_view(req, "channel", r.by_channel, r.channel_count), "catalogue",
                           catalogue_view(req, &r), "indicators", kpi_services_view(req, &r));
  json_t *links = view ? case_links_view(req, &r) : NULL;
  if (view && (json_object_set_new(view, "case_links_any", json_boolean(json_array_size(links))) ||
               json_object_set_new(view, "case_links", links)))
    json_decref(view), view = NULL;
  return view ? http_page(res, 200, "staff/kpi", view) : ST_NOMEM;
}

static const char *const table_columns[] = {"received",    "online_received", "online_share",
                                            "completed",   "on_time",         "on_time_rate",
                                            "ended_other", "mean_hours",      "median_hours",
                                            "p90_hours",   "corrections",     "second_corrections"};
enum { TABLE_COLUMNS = 1 + ARRAY_LEN(table_columns) };

/* The breakdowns, then the indicators that are not cases (kpi_services.h). */
static const char *const table_groups[] = {"month", "unit", "service", "channel", "indicators"};

/* One row of cells: the label, then each figure as text (NULL: out of memory). */
static bool table_row(struct http_request *req, const char **cells, const char *label,
                      const struct kpi_figures *figures)
{
  json_t *f = figures_view(req, figures);
  cells[0] = label;
  for (size_t i = 0; f && i < ARRAY_LEN(table_columns); i++) {
    json_t *v = json_object_get(f, table_columns[i]);
    cells[i + 1] = json_is_string(v)
                       ? arena_strdup(req->arena, json_string_value(v))
                       : arena_printf(req->arena, "%lld", (long long)json_integer_value(v));
  }
  bool ok = f != NULL;
  for (size_t i = 0; ok && i < TABLE_COLUMNS; i++)
    ok = cells[i] != NULL;
  json_decref(f);
  return ok;
}

/* Breakdown g of r as a table (render/table.h): a heading row, a row per group, the total. */
static int table_of(struct http_request *req, size_t g, const struct kpi_report *r,
                    struct render_table *t)
{
  const struct kpi_row *rows[] = {r->by_month, r->by_unit, r->by_service, r->by_channel};
  size_t counts[] = {r->month_count, r->unit_count, r->service_count, r->channel_count};
  const char **cells = arena_alloc(req->arena, (counts[g] + 2) * TABLE_COLUMNS * sizeof(*cells));
  if (!cells)
    return ST_NOMEM;
  cells[0] = table_groups[g];
  for (size_t i = 0; i < ARRAY_LEN(table_columns); i++)
    cells[i + 1] = table_columns[i];
  bool ok = true;
  for (size_t i = 0; ok && i < counts[g]; i++)
    ok = table_row(req, cells + (i + 1) * TABLE_COLUMNS,
                   row_label(req, table_groups[g], &rows[g][i]), &rows[g][i].figures);
  if (ok)
    ok = table_row(req, cells + (counts[g] + 1) * TABLE_COLUMNS, http_t(req, "kpi_total"),
                   &r->total);
  *t = (struct render_table){http_t(req, "kpi_title"), TABLE_COLUMNS, counts[g] + 2, cells};
  return ok ? ST_OK : ST_NOMEM;
}

/* /staff/kpi.csv and /staff/kpi.ods ?by=month|unit|service|channel|indicators plus the dashboard's
 * filter: the breakdown as the shared table writers write it (the surveys' exports too). */
static int kpi_file(struct http_request *req, struct http_response *res, bool ods)
{
  const char *by = http_query(req, "by");
  size_t g = 0;
  while (by && g < ARRAY_LEN(table_groups) && strcmp(by, table_groups[g]))
    g++;
  struct kpi_report r;
  struct render_table t;
  int rc = g == ARRAY_LEN(table_groups) ? ST_INVALID : read_report(req, &r);
  if (rc == ST_INVALID)
    return http_error(res, 400, "kpi_err_filter");
  if (!rc)
    rc = g == ARRAY_LEN(table_groups) - 1 ? kpi_services_table(req, &r, &t)
                                          : table_of(req, g, &r, &t);
  if (rc)
    return rc;
  struct buf out;
  buf_init(&out, RENDER_TABLE_MAX_BYTES);
  rc = ods ? render_tables_ods(&t, 1, t.title, &out) : render_tables_csv(&t, 1, &out);
  if (!rc)
    rc = http_header_add(res, "Content-Disposition",
                         ods ? "attachment; filename=\"kpi.ods\""
                             : "attachment; filename=\"kpi.csv\"");
  if (!rc)
    rc =
        http_raw(res, 200,
                 ods ? "application/vnd.oasis.opendocument.spreadsheet" : "text/csv; charset=utf-8",
                 out.data, out.len);
  buf_free(&out);
  return rc;
}

int kpi_csv(struct http_request *req, struct http_response *res)
{
  return kpi_file(req, res, false);
}

int kpi_ods(struct http_request *req, struct http_response *res)
{
  return kpi_file(req, res, true);
}
