/*
 * booking_read.c - what the booking pages read (booking.h): free slots, the offer page, one
 * booking, the day list and the figures.
 */
#include <string.h>

#include "base/arena.h"
#include "base/str.h"
#include "domain/booking.h"
#include "domain/booking_internal.h"
#include "domain/cases.h"
#include "domain/directory.h"
#include "store/booking.h"
#include "store/directory.h"
#include "store/store.h"

#include "base/common.h"

struct booking_lane_spec booking_lane_of(struct arena *arena, const struct booking_config *c,
                                         const char *kind, int64_t unit_id)
{
  bool consult = !strcmp(kind, "consult");
  const char *lane = booking_lane(arena, kind, unit_id);
  return (struct booking_lane_spec){kind, lane ? lane : "u0",
                                    consult ? c->consult_capacity : c->capacity};
}

bool booking_slot_valid(const struct booking_config *c, const char *kind, time_t now, int64_t day,
                        int start_minute, int *end)
{
  struct booking_slot slots[BOOKING_SLOTS_MAX];
  size_t n = 0;
  int64_t today = booking_day_of(now);
  if (day < today || day >= today + BOOKING_DAYS_AHEAD)
    return false;
  if (day == today && start_minute <= booking_minute_of(now))
    return false;
  if (booking_day_slots(cases_calendar(), c, kind, civil_from_days(day), slots, BOOKING_SLOTS_MAX,
                        &n))
    return false;
  for (size_t i = 0; i < n; i++) {
    if (slots[i].start_minute == start_minute) {
      *end = slots[i].end_minute;
      return true;
    }
  }
  return false;
}

/* Places taken in (day, start) among the counts (sorted by day and start). */
static int64_t taken(const struct store_booking_count *counts, size_t n, int64_t day, int start)
{
  for (size_t i = 0; i < n; i++) {
    if (counts[i].day == day && counts[i].start_minute == start)
      return counts[i].booked;
  }
  return 0;
}

/* The slots of one day with their free places; *kept false when none is free. */
static int fill_day(struct arena *arena, time_t now, const struct booking_config *c,
                    const struct booking_lane_spec *lane, const struct store_booking_count *counts,
                    size_t n_counts, struct booking_day *d)
{
  struct booking_slot slots[BOOKING_SLOTS_MAX];
  size_t n = 0;
  int rc =
      booking_day_slots(cases_calendar(), c, lane->kind, d->date, slots, BOOKING_SLOTS_MAX, &n);
  d->slots = rc || !n ? NULL : arena_alloc(arena, n * sizeof(*slots));
  if (rc || !n)
    return rc;
  if (!d->slots)
    return ST_NOMEM;
  int end;
  for (size_t i = 0; i < n; i++) {
    if (!booking_slot_valid(c, lane->kind, now, d->day, slots[i].start_minute, &end))
      continue;
    int64_t left = lane->capacity - taken(counts, n_counts, d->day, slots[i].start_minute);
    slots[i].free = left > 0 ? (int)left : 0;
    d->slots[d->n_slots++] = slots[i];
    d->free += slots[i].free;
  }
  return ST_OK;
}

int booking_days_in(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                    const struct booking_config *c, const struct booking_lane_spec *lane,
                    struct booking_day **days, size_t *n_days)
{
  struct store_booking_count *counts = NULL;
  size_t n_counts = 0;
  int64_t today = booking_day_of(now);
  *days = arena_alloc(arena, BOOKING_DAYS_AHEAD * sizeof(**days));
  *n_days = 0;
  int rc = *days ? store_booking_counts(store, arena, office_id, lane->lane, today,
                                        today + BOOKING_DAYS_AHEAD - 1, &counts, &n_counts)
                 : ST_NOMEM;
  for (int64_t day = today; !rc && day < today + BOOKING_DAYS_AHEAD; day++) {
    struct booking_day *d = &(*days)[*n_days];
    *d = (struct booking_day){.day = day, .date = civil_from_days(day)};
    d->weekday = civil_weekday(d->date);
    rc = fill_day(arena, now, c, lane, counts, n_counts, d);
    if (!rc && d->free > 0)
      (*n_days)++;
  }
  return rc;
}

/* The office's bookable published services, in the catalogue's order. */
static int offer_services(struct arena *arena, const struct directory *dir, int64_t office_id,
                          struct booking_offer *out)
{
  size_t n = 0;
  const struct dir_service *all = directory_services(dir, office_id, &n);
  out->services = arena_alloc(arena, (n ? n : 1) * sizeof(*out->services));
  if (!out->services)
    return ST_NOMEM;
  for (size_t i = 0; i < n; i++) {
    if (all[i].published && booking_service_bookable(&out->config, all[i].id))
      out->services[out->n_services++] = &all[i];
  }
  return ST_OK;
}

/* The chosen what: its lane, or a refusal. */
static int offer_what(struct arena *arena, const struct directory *dir, int64_t office_id,
                      const struct booking_what *what, struct booking_offer *out,
                      const char **reason)
{
  const struct booking_config *c = &out->config;
  *reason = "booking_err_what";
  if (!strcmp(what->kind, "visit")) {
    const struct dir_service *s = directory_service(dir, what->service_id);
    if (!s || s->office_id != office_id || !s->published || !booking_service_bookable(c, s->id))
      return ST_INVALID;
    out->service = s;
    out->unit_id = s->unit_id;
  } else if (!strcmp(what->kind, "consult")) {
    if (!c->consult_weekday)
      return ST_INVALID;
  } else if (strcmp(what->kind, "pickup") != 0 || !c->pickup) {
    return ST_INVALID;
  }
  *reason = NULL;
  out->kind = what->kind;
  return ST_OK;
}

/* A pickup's case: the office's, found by number and check code, ready for pickup. */
int booking_pickup_case(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                        const struct booking_what *what, case_writer_fn writer, void *writer_ctx,
                        struct booking_offer *out, const char **reason)
{
  struct case_public cp;
  int rc = case_public_by_number(store, arena, now, office_id, what->number ? what->number : "",
                                 what->check_code ? what->check_code : "", writer, writer_ctx, &cp);
  if (rc == ST_NOTFOUND || rc == ST_INVALID || rc == ST_LIMIT) {
    *reason = rc == ST_LIMIT ? "booking_err_locked" : "booking_err_case";
    return rc == ST_LIMIT ? ST_LIMIT : ST_INVALID;
  }
  if (rc)
    return rc;
  if (strcmp(cp.status, "closed") != 0 || cp.picked_up_at) {
    *reason = "booking_err_not_ready";
    return ST_INVALID;
  }
  out->case_id = cp.id;
  out->unit_id = cp.unit_id;
  out->case_key = cp.case_key;
  return ST_OK;
}

static int offer_in(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                    const struct booking_what *what, struct booking_offer *out, const char **reason)
{
  const struct directory *dir;
  int rc = directory_acquire(store, arena, &dir);
  if (!rc)
    rc = booking_config_in(store, arena, office_id, &out->config);
  if (!rc)
    rc = offer_services(arena, dir, office_id, out);
  if (rc || !what || !what->kind || !*what->kind)
    return rc;
  rc = offer_what(arena, dir, office_id, what, out, reason);
  if (rc)
    return rc;
  struct booking_lane_spec lane = booking_lane_of(arena, &out->config, out->kind, out->unit_id);
  return booking_days_in(store, arena, now, office_id, &out->config, &lane, &out->days,
                         &out->n_days);
}

int booking_offer_read(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                       const struct booking_what *what, case_writer_fn writer, void *writer_ctx,
                       struct booking_offer *out, const char **reason)
{
  *out = (struct booking_offer){0};
  *reason = NULL;
  int rc = ST_OK;
  if (what && what->kind && !strcmp(what->kind, "pickup"))
    rc = booking_pickup_case(store, arena, now, office_id, what, writer, writer_ctx, out, reason);
  if (!rc)
    rc = store_begin_read(store);
  if (rc)
    return rc;
  return store_end_read(store, offer_in(store, arena, now, office_id, what, out, reason));
}

void booking_from_row(const struct directory *dir, time_t now, const struct store_booking_row *r,
                      struct booking *out)
{
  *out = (struct booking){.id = r->id,
                          .office_id = r->office_id,
                          .service_id = r->service_id,
                          .case_id = r->case_id,
                          .day = r->day,
                          .arrived_at = r->arrived_at,
                          .start_minute = (int)r->start_minute,
                          .end_minute = (int)r->end_minute,
                          .date = civil_from_days(r->day),
                          .kind = r->kind,
                          .status = r->status,
                          .name_masked = r->name_masked,
                          .lane = r->lane,
                          .token = r->token,
                          .lang = r->lang,
                          .channel = r->channel,
                          .late = r->late != 0};
  out->office = dir ? directory_office(dir, r->office_id) : NULL;
  out->service = dir && r->service_id ? directory_service(dir, r->service_id) : NULL;
  int64_t unit_id = 0;
  if (dir && r->lane[0] == 'u' && !str_to_int64(str_from(r->lane + 1), 1, INT64_MAX, &unit_id))
    out->unit = directory_unit(dir, unit_id);
  booking_number(r->id, out->number);
  int64_t today = booking_day_of(now);
  out->changeable =
      !strcmp(r->status, "booked") &&
      (r->day > today || (r->day == today && r->start_minute > booking_minute_of(now)));
}

static int token_in(struct store *store, struct arena *arena, time_t now, const char *token,
                    bool moves, struct booking *out, struct booking_day **days, size_t *n_days)
{
  const struct directory *dir;
  struct store_booking_row row;
  struct booking_config c;
  int rc = directory_acquire(store, arena, &dir);
  if (!rc)
    rc = store_booking_by_token(store, arena, token, &row);
  if (rc)
    return rc;
  booking_from_row(dir, now, &row, out);
  if (!moves || !out->changeable)
    return ST_OK;
  rc = booking_config_in(store, arena, row.office_id, &c);
  struct booking_lane_spec lane = {row.kind, row.lane,
                                   !strcmp(row.kind, "consult") ? c.consult_capacity : c.capacity};
  return rc ? rc : booking_days_in(store, arena, now, row.office_id, &c, &lane, days, n_days);
}

int booking_by_token_read(struct store *store, struct arena *arena, time_t now, const char *token,
                          bool moves, struct booking *out, struct booking_day **days,
                          size_t *n_days)
{
  *days = NULL;
  *n_days = 0;
  if (!token || strlen(token) != BOOKING_TOKEN_SIZE - 1)
    return ST_NOTFOUND;
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  return store_end_read(store, token_in(store, arena, now, token, moves, out, days, n_days));
}

static int day_in(struct store *store, struct arena *arena, int64_t office_id, int64_t day,
                  struct booking **out, size_t *count)
{
  const struct directory *dir;
  struct store_booking_row *rows = NULL;
  size_t n = 0;
  int rc = directory_acquire(store, arena, &dir);
  if (!rc)
    rc = store_booking_list_day(store, arena, office_id, day, &rows, &n);
  *out = rc ? NULL : arena_alloc(arena, (n ? n : 1) * sizeof(**out));
  *count = 0;
  if (!rc && !*out)
    rc = ST_NOMEM;
  for (size_t i = 0; !rc && i < n; i++)
    booking_from_row(dir, 0, &rows[i], &(*out)[(*count)++]);
  return rc;
}

int booking_day_read(struct store *store, struct arena *arena, int64_t office_id, int64_t day,
                     struct booking **out, size_t *count)
{
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  return store_end_read(store, day_in(store, arena, office_id, day, out, count));
}

static int figures_in(struct store *store, struct arena *arena, int64_t office_id, int64_t day_from,
                      int64_t day_to, struct booking_figure **out, size_t *count)
{
  const struct directory *dir;
  struct store_booking_figure_row *rows = NULL;
  size_t n = 0;
  int rc = directory_acquire(store, arena, &dir);
  if (!rc)
    rc = store_booking_figures(store, arena, office_id, day_from, day_to, &rows, &n);
  *out = rc ? NULL : arena_alloc(arena, (n ? n : 1) * sizeof(**out));
  if (!rc && !*out)
    return ST_NOMEM;
  for (size_t i = 0; !rc && i < n; i++) {
    (*out)[i] = (struct booking_figure){rows[i].day,     civil_from_days(rows[i].day),
                                        rows[i].kind,    NULL,
                                        rows[i].made,    rows[i].kept,
                                        rows[i].no_show, rows[i].cancelled};
    if (rows[i].service_id)
      (*out)[i].service = directory_service(dir, rows[i].service_id);
  }
  *count = rc ? 0 : n;
  return rc;
}

int booking_figures_read(struct store *store, struct arena *arena, int64_t office_id,
                         int64_t day_from, int64_t day_to, struct booking_figure **out,
                         size_t *count)
{
  *count = 0;
  int rc = store_begin_read(store);
  if (rc)
    return rc;
  return store_end_read(store, figures_in(store, arena, office_id, day_from, day_to, out, count));
}
