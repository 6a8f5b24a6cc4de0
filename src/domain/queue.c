/*
 * queue.c - counter queues: taking, calling and following tickets (domain/queue.h).
 */
#include "domain/queue.h"

#include <stdlib.h>
#include <string.h>

#include "base/civil.h"
#include "domain/accounts.h"
#include "domain/cases.h"
#include "domain/audit.h"
#include "domain/personal.h"
#include "domain/queue_internal.h"
#include "domain/read_model.h"
#include "store/directory.h"
#include "store/queue.h"
#include "store/store.h"

#include "base/common.h"

/* How often a write that lost a race on PostgreSQL (serialization failure or deadlock, both
 * ST_CONFLICT) or a call that found its ticket taken by another counter is tried again. */
enum { QUEUE_RETRIES = 8 };

int64_t queue_day(time_t t)
{
  return civil_to_days(civil_taipei(t).date);
}

bool queue_priority_valid(const char *priority)
{
  static const char *const reasons[] = {"", "elderly", "disability", "pregnancy", "child"};
  for (size_t i = 0; priority && i < ARRAY_LEN(reasons); i++)
    if (strcmp(priority, reasons[i]) == 0)
      return true;
  return false;
}

static int compare_int64(const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

void queue_wait_range(int64_t ahead, int64_t counters, const int64_t *seconds, size_t count,
                      int64_t *low_min, int64_t *high_min)
{
  int64_t low = QUEUE_DEFAULT_LOW_SECONDS, high = QUEUE_DEFAULT_HIGH_SECONDS;
  int64_t sorted[QUEUE_SERVICE_SAMPLE];
  size_t n = count < QUEUE_SERVICE_SAMPLE ? count : QUEUE_SERVICE_SAMPLE;
  if (n > 0) {
    memcpy(sorted, seconds, n * sizeof(*sorted));
    qsort(sorted, n, sizeof(*sorted), compare_int64);
    low = sorted[n / 4];
    high = sorted[(3 * n) / 4 < n ? (3 * n) / 4 : n - 1];
  }
  if (counters < 1)
    counters = 1;
  if (ahead < 0)
    ahead = 0;
  /* Seconds for everyone ahead, shared among the open counters; minutes rounded to 5. */
  int64_t lo = ahead * low / counters / 60, hi = (ahead * high / counters + 59) / 60;
  *low_min = lo / 5 * 5;
  *high_min = (hi + 4) / 5 * 5;
  if (*high_min < *low_min + 5)
    *high_min = *low_min + 5;
}

/* ---- reading ------------------------------------------------------------------------------- */

static int ids_of(struct arena *arena, json_t *links, const char *match_key, int64_t match,
                  const char *value_key, int64_t **out, size_t *count)
{
  size_t n = 0, i;
  json_t *row;
  json_array_foreach(links, i, row) n += read_model_int(row, match_key) == match;
  *out = read_model_array(arena, n, sizeof(**out));
  if (!*out)
    return ST_NOMEM;
  *count = 0;
  json_array_foreach(links, i, row) if (read_model_int(row, match_key) == match)(*out)[(*count)++] =
      read_model_int(row, value_key);
  return ST_OK;
}

static int queues_fill(struct arena *arena, json_t *rows, json_t *links, struct queue_office *out)
{
  size_t i;
  json_t *row;
  out->queue_count = json_array_size(rows);
  out->queues = read_model_array(arena, out->queue_count, sizeof(*out->queues));
  if (!out->queues)
    return ST_NOMEM;
  json_array_foreach(rows, i, row)
  {
    struct queue_row *q = &out->queues[i];
    q->id = read_model_int(row, "id");
    q->waiting = read_model_int(row, "waiting");
    q->open = read_model_int(row, "is_open") != 0;
    q->code = read_model_text(arena, row, "code");
    q->name_zh = read_model_text(arena, row, "name_zh");
    q->name_en = read_model_text(arena, row, "name_en");
    int rc =
        ids_of(arena, links, "queue_id", q->id, "service_id", &q->service_ids, &q->service_count);
    if (rc || !q->code || !q->name_zh || !q->name_en)
      return ST_NOMEM;
  }
  return ST_OK;
}

static int counters_fill(struct arena *arena, json_t *rows, json_t *links, struct queue_office *out)
{
  size_t i;
  json_t *row;
  out->counter_count = json_array_size(rows);
  out->counters = read_model_array(arena, out->counter_count, sizeof(*out->counters));
  if (!out->counters)
    return ST_NOMEM;
  json_array_foreach(rows, i, row)
  {
    struct queue_counter_row *c = &out->counters[i];
    c->id = read_model_int(row, "id");
    c->unit_id = read_model_int(row, "unit_id");
    c->user_id = read_model_int(row, "user_id");
    c->ticket_id = read_model_int(row, "ticket_id");
    c->number = read_model_text(arena, row, "number");
    c->status = read_model_text(arena, row, "status");
    c->ticket_code = read_model_text(arena, row, "ticket_code");
    c->ticket_status = read_model_text(arena, row, "ticket_status");
    c->name = read_model_text(arena, row, "name");
    int rc = ids_of(arena, links, "counter_id", c->id, "queue_id", &c->queue_ids, &c->queue_count);
    if (rc || !c->number || !c->status || !c->ticket_code || !c->ticket_status || !c->name)
      return ST_NOMEM;
  }
  return ST_OK;
}

static int office_read_in(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                          struct queue_office *out)
{
  json_t *queues = NULL, *qlinks = NULL, *counters = NULL, *clinks = NULL;
  int rc = store_queue_list(store, office_id, queue_day(now), &queues);
  if (!rc)
    rc = store_queue_links(store, office_id, &qlinks);
  if (!rc)
    rc = store_counter_list(store, office_id, &counters);
  if (!rc)
    rc = store_counter_links(store, office_id, &clinks);
  if (!rc)
    rc = queues_fill(arena, queues, qlinks, out);
  if (!rc)
    rc = counters_fill(arena, counters, clinks, out);
  json_decref(queues);
  json_decref(qlinks);
  json_decref(counters);
  json_decref(clinks);
  return rc;
}

int queue_office_in(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                    struct queue_office *out)
{
  memset(out, 0, sizeof(*out));
  out->office_id = office_id;
  return office_read_in(store, arena, now, office_id, out);
}

int queue_office_read(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                      struct queue_office *out)
{
  memset(out, 0, sizeof(*out));
  out->office_id = office_id;
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  return store_end_read(store, office_read_in(store, arena, now, office_id, out));
}

const struct queue_row *queue_for_service(const struct queue_office *office, int64_t service_id)
{
  for (size_t i = 0; i < office->queue_count; i++)
    for (size_t j = 0; office->queues[i].open && j < office->queues[i].service_count; j++)
      if (office->queues[i].service_ids[j] == service_id)
        return &office->queues[i];
  return NULL;
}

bool queue_service_paused(const struct queue_office *office, int64_t service_id)
{
  if (queue_for_service(office, service_id))
    return false;
  for (size_t i = 0; i < office->queue_count; i++)
    for (size_t j = 0; j < office->queues[i].service_count; j++)
      if (office->queues[i].service_ids[j] == service_id)
        return true;
  return false;
}

static int ticket_fill(struct arena *arena, const json_t *row, struct queue_ticket *t)
{
  memset(t, 0, sizeof(*t));
  t->id = read_model_int(row, "id");
  t->office_id = read_model_int(row, "office_id");
  t->queue_id = read_model_int(row, "waiting_queue_id");
  t->service_id = read_model_int(row, "service_id");
  t->counter_id = read_model_int(row, "counter_id");
  t->case_id = read_model_int(row, "case_id");
  t->number = read_model_int(row, "number");
  t->day = read_model_int(row, "day");
  t->taken_at = read_model_int(row, "taken_at");
  t->called_at = read_model_int(row, "called_at");
  t->served_at = read_model_int(row, "served_at");
  t->done_at = read_model_int(row, "done_at");
  t->notify_ahead = read_model_int(row, "notify_ahead");
  const char **texts[] = {
      &t->code,       &t->status,        &t->priority,      &t->channel,        &t->note,
      &t->queue_code, &t->queue_name_zh, &t->queue_name_en, &t->counter_number, &t->notify_channel};
  static const char *const keys[] = {
      "code",       "status",        "priority",      "channel",        "note",
      "queue_code", "queue_name_zh", "queue_name_en", "counter_number", "notify_channel"};
  for (size_t i = 0; i < ARRAY_LEN(keys); i++)
    if (!(*texts[i] = read_model_text(arena, row, keys[i])))
      return ST_NOMEM;
  return ST_OK;
}

/* People ahead and the waiting range of a waiting ticket of today. */
static int ticket_estimate(struct store *store, const json_t *row, time_t now,
                           struct queue_ticket *t)
{
  json_t *times = NULL;
  int64_t seconds[QUEUE_SERVICE_SAMPLE], counters = 0;
  size_t n = 0, i;
  json_t *r;
  if (strcmp(t->status, "waiting") != 0 || t->day != queue_day(now))
    return ST_OK;
  int rc = store_ticket_ahead(store, row, (int64_t)now, &t->ahead);
  if (!rc)
    rc = store_queue_open_counters(store, t->queue_id, &counters);
  if (!rc)
    rc = store_queue_service_times(store, t->queue_id, QUEUE_SERVICE_SAMPLE, &times);
  if (rc)
    return rc;
  json_array_foreach(times, i, r) if (n < QUEUE_SERVICE_SAMPLE) seconds[n++] =
      read_model_int(r, "seconds");
  json_decref(times);
  queue_wait_range(t->ahead, counters, seconds, n, &t->wait_low_min, &t->wait_high_min);
  return ST_OK;
}

/* The case's link token when the visit made a case (the same keyed token as its receipt). */
static int ticket_case(struct store *store, struct queue_ticket *t)
{
  json_t *row = NULL;
  if (!t->case_id)
    return ST_OK;
  int rc = store_ticket_case(store, t->case_id, &row);
  if (rc)
    return rc == ST_NOTFOUND ? ST_OK : rc;
  if (case_link_token(t->office_id, json_string_value(json_object_get(row, "case_key")),
                      json_string_value(json_object_get(row, "check_code")), t->case_token))
    t->case_token[0] = '\0';
  json_decref(row);
  return ST_OK;
}

int queue_ticket_case_link(struct store *store, int64_t office_id, int64_t ticket_id,
                           int64_t case_id)
{
  int64_t changed = 0;
  int rc = store_ticket_matter_link(store, office_id, ticket_id, case_id, &changed);
  if (!rc && !changed)
    rc = store_ticket_case_link(store, office_id, ticket_id, case_id, &changed);
  if (!rc && !changed)
    rc = store_ticket_matter_of_case(store, office_id, ticket_id, case_id);
  return rc;
}

/* The visit's further matters, with their cases' link tokens. */
static int ticket_matters(struct store *store, struct arena *arena, struct queue_ticket *t)
{
  json_t *rows = NULL, *row;
  size_t i;
  int rc = store_ticket_matters(store, t->id, &rows);
  if (rc)
    return rc;
  t->matters = read_model_array(arena, json_array_size(rows), sizeof(*t->matters));
  if (!t->matters) {
    json_decref(rows);
    return ST_NOMEM;
  }
  json_array_foreach(rows, i, row)
  {
    struct queue_matter *m = &t->matters[t->matter_count++];
    *m = (struct queue_matter){.id = read_model_int(row, "id"),
                               .service_id = read_model_int(row, "service_id"),
                               .case_id = read_model_int(row, "case_id"),
                               .added_at = read_model_int(row, "added_at")};
    const char *key = json_string_value(json_object_get(row, "case_key"));
    const char *check = json_string_value(json_object_get(row, "check_code"));
    if (!m->case_id || !key || !check || case_link_token(t->office_id, key, check, m->case_token))
      m->case_token[0] = '\0';
  }
  json_decref(rows);
  return ST_OK;
}

static int ticket_read_in(struct store *store, struct arena *arena, time_t now, json_t *row,
                          struct queue_ticket *out)
{
  int rc = ticket_fill(arena, row, out);
  if (!rc)
    rc = ticket_estimate(store, row, now, out);
  if (!rc)
    rc = ticket_case(store, out);
  if (!rc)
    rc = ticket_matters(store, arena, out);
  json_decref(row);
  return rc;
}

int queue_ticket_read(struct store *store, struct arena *arena, time_t now, const char *token,
                      struct queue_ticket *out)
{
  char hash[65];
  json_t *row = NULL;
  if (!token || strlen(token) != QUEUE_TOKEN_SIZE - 1)
    return ST_NOTFOUND;
  accounts_token_hash(token, hash);
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  rc = store_ticket_by_token(store, hash, &row);
  if (!rc)
    rc = ticket_read_in(store, arena, now, row, out);
  rc = store_end_read(store, rc);
  if (!rc) /* a setting, read after the snapshot (store.h) */
    out->notify_default = queue_turn_near_of(store, out->office_id);
  return rc;
}

int queue_ticket_get(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                     int64_t ticket_id, struct queue_ticket *out)
{
  json_t *row = NULL;
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  rc = store_ticket_get(store, office_id, ticket_id, &row);
  if (!rc)
    rc = ticket_read_in(store, arena, now, row, out);
  return store_end_read(store, rc);
}

/* ---- the counter console -------------------------------------------------------------------- */

static const struct queue_counter_row *console_counter(const struct queue_office *o,
                                                       int64_t user_id, int64_t counter_id)
{
  for (size_t i = 0; i < o->counter_count; i++) {
    const struct queue_counter_row *c = &o->counters[i];
    if (counter_id > 0 ? c->id == counter_id
                       : c->user_id == user_id && strcmp(c->status, "closed") != 0)
      return c;
  }
  return NULL;
}

static int console_in(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                      int64_t user_id, int64_t counter_id, struct queue_console *out)
{
  json_t *row = NULL;
  int rc = office_read_in(store, arena, now, office_id, &out->office);
  if (rc)
    return rc;
  out->counter = console_counter(&out->office, user_id, counter_id);
  if (!out->counter || !out->counter->ticket_id)
    return ST_OK;
  rc = store_ticket_get(store, office_id, out->counter->ticket_id, &row);
  if (rc == ST_NOTFOUND) /* finished by another node meanwhile */
    return ST_OK;
  if (!rc)
    rc = ticket_read_in(store, arena, now, row, &out->ticket);
  out->has_ticket = rc == ST_OK;
  return rc;
}

int queue_console_read(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                       int64_t user_id, int64_t counter_id, struct queue_console *out)
{
  memset(out, 0, sizeof(*out));
  out->office.office_id = office_id;
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  return store_end_read(store, console_in(store, arena, now, office_id, user_id, counter_id, out));
}
