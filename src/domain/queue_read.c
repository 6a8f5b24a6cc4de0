/*
 * queue_read.c - what boards and the figures page read of counter queues (domain/queue.h),
 * and the demo queues.
 */
#include "domain/queue.h"
#include "domain/queue_internal.h"

#include <string.h>

#include "base/arena.h"
#include "base/civil.h"
#include "domain/catalog.h"
#include "domain/read_model.h"
#include "store/directory.h"
#include "store/queue.h"
#include "store/store.h"

#include "base/common.h"

static int calls_fill(struct arena *arena, json_t *rows, struct queue_call **out, size_t *count)
{
  size_t i;
  json_t *row;
  *count = json_array_size(rows);
  *out = read_model_array(arena, *count, sizeof(**out));
  if (!*out)
    return ST_NOMEM;
  json_array_foreach(rows, i, row)
  {
    struct queue_call *c = &(*out)[i];
    c->id = read_model_int(row, "id");
    c->ticket_id = read_model_int(row, "ticket_id");
    c->at = read_model_int(row, "at");
    c->code = read_model_text(arena, row, "code");
    c->counter_number = read_model_text(arena, row, "counter_number");
    c->kind = read_model_text(arena, row, "kind");
    c->queue_name_zh = read_model_text(arena, row, "queue_name_zh");
    c->queue_name_en = read_model_text(arena, row, "queue_name_en");
    c->priority = read_model_text(arena, row, "priority");
    if (!c->code || !c->counter_number || !c->kind || !c->queue_name_zh || !c->queue_name_en ||
        !c->priority)
      return ST_NOMEM;
  }
  return ST_OK;
}

int queue_calls_after(struct store *store, struct arena *arena, int64_t office_id, int64_t after,
                      struct queue_call **out, size_t *count)
{
  json_t *rows = NULL;
  int rc =
      store_queue_calls_after(store, office_id, after < 0 ? 0 : after, QUEUE_BOARD_CALLS, &rows);
  if (!rc)
    rc = calls_fill(arena, rows, out, count);
  json_decref(rows);
  return rc;
}

int queue_calls_newest(struct store *store, int64_t *id)
{
  return store_queue_calls_newest(store, id);
}

int queue_calls_offices(struct store *store, struct arena *arena, int64_t after, int64_t limit,
                        int64_t **offices, size_t *count, int64_t *newest)
{
  json_t *rows = NULL, *row;
  size_t i;
  int rc = store_queue_calls_since(store, after, limit, &rows);
  if (rc)
    return rc;
  *newest = after;
  *count = 0;
  *offices = read_model_array(arena, json_array_size(rows), sizeof(**offices));
  if (!*offices) {
    json_decref(rows);
    return ST_NOMEM;
  }
  json_array_foreach(rows, i, row)
  {
    int64_t office = read_model_int(row, "office_id");
    bool seen = false;
    for (size_t j = 0; j < *count; j++)
      seen |= (*offices)[j] == office;
    if (!seen)
      (*offices)[(*count)++] = office;
    *newest = read_model_int(row, "id");
  }
  json_decref(rows);
  return ST_OK;
}

/* ---- figures -------------------------------------------------------------------------------- */

static struct queue_figure *figure_for(struct queue_figure *list, size_t *count, size_t cap,
                                       int64_t key)
{
  for (size_t i = 0; i < *count; i++)
    if (list[i].key == key)
      return &list[i];
  if (*count >= cap)
    return NULL;
  list[*count].key = key;
  return &list[(*count)++];
}

static void figure_add(struct queue_figure *f, const json_t *row)
{
  const char *status = json_string_value(json_object_get(row, "status"));
  int64_t taken = read_model_int(row, "taken_at"), first = read_model_int(row, "first_called_at");
  int64_t called = read_model_int(row, "called_at"), done = read_model_int(row, "done_at");
  if (!f || !status)
    return;
  f->tickets++;
  f->booked += read_model_int(row, "booking_id") > 0;
  f->called += first > 0;
  f->done += strcmp(status, "done") == 0;
  if (strcmp(status, "done") == 0) /* one visit, its first matter and the further ones */
    f->matters += 1 + read_model_int(row, "more_matters");
  f->no_show += strcmp(status, "no_show") == 0;
  f->left += strcmp(status, "left") == 0;
  if (first >= taken && first > 0) {
    f->wait_sum += first - taken;
    f->wait_n++;
  }
  if (strcmp(status, "done") == 0 && called > 0 && done >= called) {
    f->service_sum += done - called;
    f->service_n++;
  }
}

int queue_figures_read(struct store *store, struct arena *arena, int64_t office_id,
                       int64_t day_from, int64_t day_to, struct queue_figures *out)
{
  json_t *rows = NULL, *row;
  size_t i, n;
  memset(out, 0, sizeof(*out));
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  rc =
      store_end_read(store, store_queue_tickets_between(store, office_id, day_from, day_to, &rows));
  if (rc)
    return rc;
  n = json_array_size(rows);
  out->by_queue = read_model_array(arena, n, sizeof(*out->by_queue));
  out->by_counter = read_model_array(arena, n, sizeof(*out->by_counter));
  out->by_hour = read_model_array(arena, 24, sizeof(*out->by_hour));
  if (!out->by_queue || !out->by_counter || !out->by_hour) {
    json_decref(rows);
    return ST_NOMEM;
  }
  for (int h = 0; h < 24; h++)
    out->by_hour[h].key = h;
  json_array_foreach(rows, i, row)
  {
    figure_add(&out->total, row);
    figure_add(figure_for(out->by_queue, &out->queue_count, n, read_model_int(row, "queue_id")),
               row);
    if (read_model_int(row, "counter_id"))
      figure_add(
          figure_for(out->by_counter, &out->counter_count, n, read_model_int(row, "counter_id")),
          row);
    figure_add(&out->by_hour[civil_taipei((time_t)read_model_int(row, "taken_at")).hour], row);
  }
  json_decref(rows);
  return queue_office_read(store, arena, 0, office_id, &out->office);
}

/* ---- the progress board ------------------------------------------------------------------- */

int queue_pickup_read(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                      struct queue_pickup **out, size_t *count)
{
  json_t *rows = NULL, *row;
  size_t i;
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  rc = store_end_read(store, store_queue_pickup_list(store, office_id,
                                                     (int64_t)now - QUEUE_PICKUP_DAYS * 86400,
                                                     QUEUE_PICKUP_MAX, &rows));
  if (rc)
    return rc;
  *count = json_array_size(rows);
  *out = read_model_array(arena, *count, sizeof(**out));
  if (!*out)
    rc = ST_NOMEM;
  json_array_foreach(rows, i, row) if (!rc)
  {
    struct queue_pickup *p = &(*out)[i];
    p->roc_year = (int)read_model_int(row, "roc_year");
    p->serial = read_model_int(row, "serial");
    p->closed_at = read_model_int(row, "closed_at");
    p->word_code = read_model_text(arena, row, "word_code");
    p->name_masked = read_model_text(arena, row, "applicant_name_masked");
    if (!p->word_code || !p->name_masked)
      rc = ST_NOMEM;
  }
  json_decref(rows);
  return rc;
}

/* ---- demo ----------------------------------------------------------------------------------- */

/* A queue for unit (letter A + index) with the unit's services, and two counters. */
static int demo_unit(struct store *store, int64_t office_id, const json_t *unit, json_t *services,
                     int index, int64_t *counter_number)
{
  char code[2] = {(char)('A' + index), '\0'}, number[24];
  int64_t queue_id, unit_id = read_model_int(unit, "id");
  json_t *s;
  size_t i;
  int rc =
      store_queue_put(store, office_id, code, json_string_value(json_object_get(unit, "name_zh")),
                      json_string_value(json_object_get(unit, "name_en")), index, &queue_id);
  json_array_foreach(services, i, s) if (!rc && read_model_int(s, "unit_id") == unit_id) rc =
      store_queue_service_add(store, queue_id, read_model_int(s, "id"));
  for (int c = 0; c < 2 && !rc; c++) {
    int64_t counter_id;
    snprintf(number, sizeof(number), "%lld", (long long)++*counter_number);
    rc = store_counter_put(store, office_id, number, unit_id, &counter_id);
    if (!rc)
      rc = store_counter_queue_add(store, counter_id, queue_id);
  }
  return rc;
}

static bool unit_has_services(const json_t *unit, json_t *services)
{
  json_t *s;
  size_t i;
  json_array_foreach(services, i,
                     s) if (read_model_int(s, "unit_id") == read_model_int(unit, "id")) return true;
  return false;
}

/* Units with services only, lettered in their order. */
static int demo_office(struct store *store, int64_t office_id)
{
  json_t *units = NULL, *services = NULL, *unit;
  size_t i;
  int64_t counter_number = 0;
  int index = 0;
  int rc = store_unit_list(store, office_id, &units);
  if (!rc)
    rc = store_service_list(store, office_id, false, &services);
  json_array_foreach(units, i, unit) if (!rc && index < 26 && unit_has_services(unit, services))
      rc = demo_unit(store, office_id, unit, services, index++, &counter_number);
  json_decref(units);
  json_decref(services);
  return rc;
}

int queue_demo_load(struct store *store)
{
  json_t *offices = NULL, *office;
  size_t i;
  int rc = store_begin(store);
  if (rc)
    return rc;
  rc = store_office_list(store, &offices);
  json_array_foreach(offices, i, office) if (!rc) rc =
      demo_office(store, read_model_int(office, "id"));
  json_decref(offices);
  if (rc) {
    store_rollback(store);
    return rc;
  }
  return store_commit(store);
}

/* ---- boards --------------------------------------------------------------------------------- */

static int board_news(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                      struct queue_board *out)
{
  char today[CIVIL_ISO_SIZE];
  json_t *news = NULL, *item;
  size_t i;
  const char *note_zh = "", *note_en = "";
  civil_taipei_iso(now, today);
  int rc = queue_board_note(store, arena, office_id, &note_zh, &note_en);
  if (!rc)
    rc = catalog_news_list(store, office_id, false, today, &news);
  if (rc)
    return rc;
  /* The board's own announcement (the admin page's) first, then the office's news. */
  out->news_zh = read_model_array(arena, json_array_size(news) + 1, sizeof(*out->news_zh));
  out->news_en = read_model_array(arena, json_array_size(news) + 1, sizeof(*out->news_en));
  if (!out->news_zh || !out->news_en)
    rc = ST_NOMEM;
  if (!rc && (*note_zh || *note_en)) {
    out->news_zh[0] = *note_zh ? note_zh : note_en;
    out->news_en[0] = note_en;
    out->news_count = 1;
  }
  json_array_foreach(news, i, item) if (!rc)
  {
    out->news_zh[out->news_count] = read_model_text(arena, item, "title_zh");
    out->news_en[out->news_count] = read_model_text(arena, item, "title_en");
    out->news_count++;
  }
  json_decref(news);
  return rc;
}

int queue_board_read(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                     struct queue_board *out)
{
  memset(out, 0, sizeof(*out));
  int rc = queue_office_read(store, arena, now, office_id, &out->office);
  if (!rc)
    rc = queue_calls_after(store, arena, office_id, 0, &out->calls, &out->call_count);
  if (!rc)
    rc = board_news(store, arena, now, office_id, out);
  if (!rc && out->call_count)
    out->newest_call = out->calls[out->call_count - 1].id;
  return rc;
}
