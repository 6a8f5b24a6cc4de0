/*
 * kpi_services.c - the dashboard's indicators that are not cases (kpi_services.h).
 */
#include <stdlib.h>
#include <string.h>

#include "web/staff/kpi_services.h"

#include "base/common.h"

enum { ROW_COLUMNS = 5, ROWS = 12, PAPERLESS_GROWTH_ROW = 11 };

/* "97.5%" of a per-mille value, "-" when there is none. */
static const char *percent(struct http_request *req, int permille)
{
  return permille < 0 ? "-" : arena_printf(req->arena, "%d.%d%%", permille / 10, permille % 10);
}

static const char *number(struct http_request *req, int64_t n)
{
  return n < 0 ? "-" : arena_printf(req->arena, "%lld", (long long)n);
}

static json_t *queue_numbers(struct http_request *req, const struct kpi_queue *q)
{
  return json_pack(
      "{s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:s, s:I, s:I, s:I}", "tickets", (json_int_t)q->tickets,
      "called", (json_int_t)q->called, "no_shows", (json_int_t)q->no_shows, "within_target",
      (json_int_t)q->within_target, "median_minutes", (json_int_t)q->median_minutes, "p90_minutes",
      (json_int_t)q->p90_minutes, "within_rate", percent(req, q->within_permille), "no_show_rate",
      percent(req, q->no_show_permille), "served", (json_int_t)q->served, "service_median_minutes",
      (json_int_t)q->service_median_minutes, "service_p90_minutes",
      (json_int_t)q->service_p90_minutes);
}

static json_t *satisfaction_numbers(struct http_request *req, const struct kpi_satisfaction *s)
{
  return json_pack("{s:I, s:I, s:s}", "answers", (json_int_t)s->answers, "satisfied",
                   (json_int_t)s->satisfied, "rate", percent(req, s->permille));
}

static json_t *petition_numbers(struct http_request *req, const struct kpi_petitions *p)
{
  return json_pack("{s:I, s:I, s:I, s:I, s:s}", "received", (json_int_t)p->received, "answered",
                   (json_int_t)p->answered, "within_limit", (json_int_t)p->within_limit,
                   "median_days", (json_int_t)p->median_days, "within_rate",
                   percent(req, p->within_permille));
}

static json_t *rating_numbers(struct http_request *req, const struct kpi_rating *r)
{
  return json_pack("{s:I, s:I, s:s}", "rated", (json_int_t)r->rated, "satisfied",
                   (json_int_t)r->satisfied, "rate", percent(req, r->permille));
}

static json_t *quality_numbers(struct http_request *req, const struct kpi_quality *q)
{
  return json_pack("{s:I, s:s}", "records", (json_int_t)q->records, "mean",
                   percent(req, q->mean_permille));
}

static json_t *numbers_of(struct http_request *req, const struct kpi_services *s,
                          enum kpi_service_kind k)
{
  switch (k) {
  case KPI_QUEUE:
    return queue_numbers(req, &s->queue);
  case KPI_SATISFACTION:
    return satisfaction_numbers(req, &s->satisfaction);
  case KPI_PETITIONS:
    return petition_numbers(req, &s->petitions);
  case KPI_COURTESY:
    return quality_numbers(req, &s->courtesy);
  case KPI_PETITION_RATING:
    return rating_numbers(req, &s->rating);
  case KPI_PAPERLESS:
    return json_pack("{s:I, s:I, s:s}", "with_documents", (json_int_t)s->paperless.with_documents,
                     "paperless", (json_int_t)s->paperless.paperless, "rate",
                     percent(req, s->paperless.permille));
  default:
    return quality_numbers(req, &s->spot_check);
  }
}

static const char *status_key(const struct kpi_service_status *s)
{
  return s->applies ? kpi_status_name(s->status) : "not_applicable";
}

static const char *status_label(struct http_request *req, const char *key)
{
  const char *k = arena_printf(req->arena, "kpi_status_%s", key);
  return k ? http_t(req, k) : "";
}

/* One row of the page: what it shows of now and of a year before. */
struct row_def {
  const char *key;
  enum kpi_service_kind kind;
  bool targeted; /* the kind's target and status belong to this row */
};
static const struct row_def rows[ROWS] = {
    {"queue_wait", KPI_QUEUE, false},        {"queue_within", KPI_QUEUE, true},
    {"queue_no_show", KPI_QUEUE, false},     {"satisfaction", KPI_SATISFACTION, true},
    {"petition_days", KPI_PETITIONS, false}, {"petition_within", KPI_PETITIONS, true},
    {"courtesy", KPI_COURTESY, true},        {"spot_check", KPI_SPOT_CHECK, true},
    {"queue_service", KPI_QUEUE, false},     {"petition_rating", KPI_PETITION_RATING, true},
    {"paperless", KPI_PAPERLESS, true},      {"paperless_growth", KPI_PAPERLESS, false}};

/* The rows added after the first eight: counter service time, petition answer rating,
 * paperless cases (their growth is the report's: row_cells). */
static const char *row_value_more(struct http_request *req, size_t i, const struct kpi_services *s)
{
  if (i == 8)
    return arena_printf(req->arena, "%s / %s (n=%lld)",
                        number(req, s->queue.service_median_minutes),
                        number(req, s->queue.service_p90_minutes), (long long)s->queue.served);
  if (i == 10)
    return arena_printf(req->arena, "%s (%lld / %lld)", percent(req, s->paperless.permille),
                        (long long)s->paperless.paperless, (long long)s->paperless.with_documents);
  return arena_printf(req->arena, "%s (n=%lld)", percent(req, s->rating.permille),
                      (long long)s->rating.rated);
}

/* The value of row i for figures s ("-" when there is none). */
static const char *row_value(struct http_request *req, size_t i, const struct kpi_services *s)
{
  switch (i) {
  case 0:
    return arena_printf(req->arena, "%s / %s", number(req, s->queue.median_minutes),
                        number(req, s->queue.p90_minutes));
  case 1:
    return percent(req, s->queue.within_permille);
  case 2:
    return arena_printf(req->arena, "%lld (%s)", (long long)s->queue.no_shows,
                        percent(req, s->queue.no_show_permille));
  case 3:
    return arena_printf(req->arena, "%s (n=%lld)", percent(req, s->satisfaction.permille),
                        (long long)s->satisfaction.answers);
  case 4:
    return number(req, s->petitions.median_days);
  case 5:
    return percent(req, s->petitions.within_permille);
  case 6:
    return arena_printf(req->arena, "%s (n=%lld)", percent(req, s->courtesy.mean_permille),
                        (long long)s->courtesy.records);
  case 7:
    return arena_printf(req->arena, "%s (n=%lld)", percent(req, s->spot_check.mean_permille),
                        (long long)s->spot_check.records);
  default:
    return row_value_more(req, i, s);
  }
}

const char *kpi_growth_text(struct http_request *req, bool known, int permille)
{
  if (!known)
    return "-";
  int magnitude = abs(permille);
  return arena_printf(req->arena, "%c%d.%d%%", permille < 0 ? '-' : '+', magnitude / 10,
                      magnitude % 10);
}

/* The paperless cases against a year before. */
static const char *growth(struct http_request *req, const struct kpi_report *r)
{
  return kpi_growth_text(req, r->paperless_growth_known, r->paperless_growth_permille);
}

static const char *row_label(struct http_request *req, const struct kpi_report *r, size_t i)
{
  const char *key = arena_printf(req->arena, "kpi_row_%s", rows[i].key);
  const char *label = key ? http_t(req, key) : "";
  if (i == 1) /* "called within 15 minutes" */
    return arena_printf(req->arena, "%s %d %s", label, r->queue_wait_target_minutes,
                        http_t(req, "kpi_minutes"));
  return label;
}

/* The cells of row i: label, value, a year before, target, status label; *status its key. */
static void row_cells(struct http_request *req, const struct kpi_report *r, size_t i,
                      const char **cells, const char **status)
{
  const struct kpi_service_status *st = &r->service_status[rows[i].kind];
  bool applies = st->applies;
  *status = !applies ? "not_applicable" : rows[i].targeted ? status_key(st) : "no_target";
  cells[0] = row_label(req, r, i);
  cells[1] = applies ? row_value(req, i, &r->services_now) : "-";
  cells[2] = applies ? row_value(req, i, &r->services_previous) : "-";
  cells[3] = rows[i].targeted ? percent(req, st->target_permille) : "-";
  cells[4] = status_label(req, *status);
  if (i == PAPERLESS_GROWTH_ROW) {
    cells[1] = applies ? growth(req, r) : "-";
    cells[2] = "-";
  }
}

static json_t *rows_view(struct http_request *req, const struct kpi_report *r)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < ROWS; i++) {
    const char *c[ROW_COLUMNS], *status;
    row_cells(req, r, i, c, &status);
    json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "key", rows[i].key,
                                          "label", c[0], "value", c[1], "previous", c[2], "target",
                                          c[3], "status", status, "status_label", c[4]));
  }
  return list;
}

json_t *kpi_services_view(struct http_request *req, const struct kpi_report *r)
{
  static const char *const names[KPI_SERVICE_KINDS] = {
      "queue",      "satisfaction",    "petitions", "courtesy",
      "spot_check", "petition_rating", "paperless"};
  json_t *view = json_object();
  for (int k = 0; view && k < KPI_SERVICE_KINDS; k++) {
    const struct kpi_service_status *st = &r->service_status[k];
    json_t *now = numbers_of(req, &r->services_now, (enum kpi_service_kind)k);
    json_t *before = numbers_of(req, &r->services_previous, (enum kpi_service_kind)k);
    if (!now || json_object_set_new(now, "previous", before) ||
        json_object_set_new(now, "applies", json_boolean(st->applies)) ||
        json_object_set_new(now, "target", json_string(percent(req, st->target_permille))) ||
        json_object_set_new(now, "status", json_string(status_key(st))) ||
        json_object_set_new(view, names[k], now))
      return json_decref(view), NULL;
  }
  json_t *paperless = view ? json_object_get(view, "paperless") : NULL;
  if (paperless && json_object_set_new(paperless, "growth", json_string(growth(req, r))))
    return json_decref(view), NULL;
  if (view && (json_object_set_new(view, "wait_target_minutes",
                                   json_integer(r->queue_wait_target_minutes)) ||
               json_object_set_new(view, "rows", rows_view(req, r))))
    return json_decref(view), NULL;
  return view;
}

int kpi_services_table(struct http_request *req, const struct kpi_report *r, struct render_table *t)
{
  static const char *const heads[ROW_COLUMNS] = {"indicator", "value", "previous_year", "target",
                                                 "status"};
  const char **cells = arena_alloc(req->arena, (ROWS + 1) * ROW_COLUMNS * sizeof(*cells));
  if (!cells)
    return ST_NOMEM;
  memcpy(cells, heads, sizeof(heads));
  for (size_t i = 0; i < ROWS; i++) {
    const char *status;
    row_cells(req, r, i, cells + (i + 1) * ROW_COLUMNS, &status);
  }
  for (size_t i = 0; i < (ROWS + 1) * ROW_COLUMNS; i++)
    if (!cells[i])
      return ST_NOMEM;
  *t = (struct render_table){http_t(req, "kpi_title"), ROW_COLUMNS, ROWS + 1, cells};
  return ST_OK;
}
