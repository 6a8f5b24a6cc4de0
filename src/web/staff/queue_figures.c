/*
 * queue_figures.c - /staff/queue/figures: waiting time (ticket to first call), service time
 * (call to done), no-shows and people who left, by queue, counter and hour, for Taipei days
 * from..to (the ticket rows are the record: domain/queue.h queue_figures_read).
 */
#include "web/staff/queue.h"

#include <string.h>

#include "base/civil.h"
#include "base/clock.h"
#include "domain/directory.h"
#include "domain/queue.h"
#include "web/app.h"

#include "base/common.h"

/* The longest span the page reads at once. */
enum { QUEUE_FIGURES_MAX_DAYS = 366 };

static const char *minutes(struct http_request *req, int64_t sum, int64_t n)
{
  if (n == 0)
    return "-";
  int64_t tenths = (sum * 10 / n + 30) / 60;
  return arena_printf(req->arena, "%lld.%lld", (long long)(tenths / 10), (long long)(tenths % 10));
}

static struct view figure_view(struct http_request *req, struct view_builder *b,
                               const struct queue_figure *f, const char *label)
{
  struct view_map *m = view_map(b);
  view_add_text(b, m, "label", label);
  view_add_int(b, m, "tickets", f->tickets);
  view_add_int(b, m, "booked", f->booked);
  view_add_int(b, m, "called", f->called);
  view_add_int(b, m, "done", f->done);
  view_add_int(b, m, "matters", f->matters);
  view_add_int(b, m, "no_show", f->no_show);
  view_add_int(b, m, "left", f->left);
  view_add_text(b, m, "wait", minutes(req, f->wait_sum, f->wait_n));
  view_add_text(b, m, "service", minutes(req, f->service_sum, f->service_n));
  return view_of_map(m);
}

enum figure_kind { BY_QUEUE, BY_COUNTER, BY_HOUR };

/* What a row is called: the queue's code and name, the counter's number, the hour. */
static const char *figure_label(struct http_request *req, const struct queue_office *o,
                                enum figure_kind kind, int64_t key)
{
  for (size_t i = 0; kind == BY_QUEUE && i < o->queue_count; i++)
    if (o->queues[i].id == key)
      return arena_printf(req->arena, "%s %s", o->queues[i].code,
                          directory_pick(o->queues[i].name_zh, o->queues[i].name_en, req->lang));
  for (size_t i = 0; kind == BY_COUNTER && i < o->counter_count; i++)
    if (o->counters[i].id == key)
      return arena_printf(req->arena, "%s %s", http_t(req, "queue_counter"), o->counters[i].number);
  return arena_printf(req->arena, "%02lld:00", (long long)key);
}

static struct view figures_list(struct http_request *req, struct view_builder *b,
                                const struct queue_figures *f, enum figure_kind kind)
{
  const struct queue_figure *list = kind == BY_QUEUE     ? f->by_queue
                                    : kind == BY_COUNTER ? f->by_counter
                                                         : f->by_hour;
  size_t count = kind == BY_QUEUE ? f->queue_count : kind == BY_COUNTER ? f->counter_count : 24;
  struct view_list *l = view_list(b);
  for (size_t i = 0; i < count; i++)
    if (list[i].tickets > 0)
      view_push(b, l,
                figure_view(req, b, &list[i], figure_label(req, &f->office, kind, list[i].key)));
  return view_of_list(l);
}

/* A date of the query ("YYYY-MM-DD"), or today. */
static int day_param(struct http_request *req, const char *name, int64_t today, int64_t *out)
{
  const char *text = http_query(req, name);
  struct civil_date d;
  if (!text || !*text) {
    *out = today;
    return ST_OK;
  }
  if (civil_parse_iso(str_from(text), &d))
    return ST_INVALID;
  *out = civil_to_days(d);
  return ST_OK;
}

int queue_figures(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct queue_figures f;
  char from_iso[CIVIL_ISO_SIZE], to_iso[CIVIL_ISO_SIZE];
  int64_t today = queue_day(clock_now()), from, to;
  if (day_param(req, "from", today, &from) || day_param(req, "to", today, &to) || to < from ||
      to - from >= QUEUE_FIGURES_MAX_DAYS)
    return http_error(res, 400, "queue_bad_dates");
  int rc = web_store(req, &store);
  if (!rc)
    rc = queue_figures_read(store, req->arena, req->session->office_id, from, to, &f);
  if (rc)
    return rc;
  struct civil_date df = civil_from_days(from), dt = civil_from_days(to);
  snprintf(from_iso, sizeof(from_iso), "%04d-%02d-%02d", df.year, df.month, df.day);
  snprintf(to_iso, sizeof(to_iso), "%04d-%02d-%02d", dt.year, dt.month, dt.day);
  struct view_builder b = view_builder(req->arena);
  struct view_map *page = view_map(&b);
  view_add_text(&b, page, "title", http_t(req, "queue_figures_title"));
  view_add_text(&b, page, "from", arena_strdup(req->arena, from_iso));
  view_add_text(&b, page, "to", arena_strdup(req->arena, to_iso));
  view_add(&b, page, "total", figure_view(req, &b, &f.total, http_t(req, "queue_figures_all")));
  view_add(&b, page, "by_queue", figures_list(req, &b, &f, BY_QUEUE));
  view_add(&b, page, "by_counter", figures_list(req, &b, &f, BY_COUNTER));
  view_add(&b, page, "by_hour", figures_list(req, &b, &f, BY_HOUR));
  if (view_done(&b))
    return ST_NOMEM;
  return http_page_view(res, 200, "staff/queue_figures", view_of_map(page));
}
