/*
 * booking.h - the store's part of booked visits (domain/booking.h): an office's booking
 * settings, the places taken per lane, day and slot, and the bookings, as typed rows whose
 * strings live in the caller's arena (never NULL; "" for NULL). Tables of migration 26.
 */
#ifndef BIANMIN_STORE_BOOKING_H
#define BIANMIN_STORE_BOOKING_H

#if defined(BIANMIN_LAYER_WEB) || defined(BIANMIN_LAYER_WORKERS)
#error                                                                                             \
    "web/ and workers/ may not include store/ headers: call the domain (docs/ARCHITECTURE.md, Layers)"
#endif

#include <stddef.h>
#include <stdint.h>

struct arena;
struct store;

struct store_booking_config {
  int64_t slot_minutes, capacity, lunch_service, consult_weekday, consult_start, consult_end;
  int64_t consult_capacity, pickup;
  const char *services, *consult_title_zh, *consult_title_en;
};

/* ST_NOTFOUND when the office never saved its settings. */
int store_booking_config_get(struct store *store, struct arena *arena, int64_t office_id,
                             struct store_booking_config *out);
int store_booking_config_put(struct store *store, int64_t office_id,
                             const struct store_booking_config *config, int64_t now);

/* Takes one place of the slot (office, lane, day, start) when fewer than capacity are taken:
 * ST_LIMIT when it is full. One conditional UPDATE of the slot's count row, so of two
 * transactions racing for the last place one changes the row and the other, waiting on the
 * row lock (PostgreSQL) or the write lock (SQLite), sees it full. */
int store_booking_take_place(struct store *store, int64_t office_id, const char *lane, int64_t day,
                             int64_t start_minute, int64_t capacity);
/* Gives a place back (a cancelled or moved booking). */
int store_booking_release_place(struct store *store, int64_t office_id, const char *lane,
                                int64_t day, int64_t start_minute);

/* Places taken per slot of a lane from day_from to day_to (inclusive). */
struct store_booking_count {
  int64_t day, start_minute, booked;
};
int store_booking_counts(struct store *store, struct arena *arena, int64_t office_id,
                         const char *lane, int64_t day_from, int64_t day_to,
                         struct store_booking_count **rows, size_t *count);

struct store_booking_row {
  int64_t id, office_id, service_id, case_id, day, start_minute, end_minute, created_at;
  int64_t arrived_at, late, reminded_at; /* 0 for NULL */
  const char *token, *kind, *lane, *name_sealed, *name_masked, *contact_sealed, *channel;
  const char *lang, *status;
};

int store_booking_insert(struct store *store, const struct store_booking_row *row, int64_t now,
                         int64_t *id);
/* ST_NOTFOUND when there is none (by_id: none of that office). */
int store_booking_by_token(struct store *store, struct arena *arena, const char *token,
                           struct store_booking_row *row);
int store_booking_by_id(struct store *store, struct arena *arena, int64_t office_id, int64_t id,
                        struct store_booking_row *row);
/* status "cancelled", "arrived" or "no_show". */
int store_booking_set_status(struct store *store, int64_t id, const char *status, int64_t now);
int store_booking_move(struct store *store, int64_t id, int64_t day, int64_t start_minute,
                       int64_t end_minute, int64_t now);
/* A booking still "booked" arrives (ST_CONFLICT when it is no longer booked). */
int store_booking_arrive(struct store *store, int64_t id, int64_t at, int late);
int store_booking_set_reminded(struct store *store, int64_t id, int64_t now);

/* An office's bookings of one day by slot start and id (every status). */
int store_booking_list_day(struct store *store, struct arena *arena, int64_t office_id, int64_t day,
                           struct store_booking_row **rows, size_t *count);
/* At most limit bookings of every office on day still "booked" and not reminded. */
int store_booking_reminders_due(struct store *store, struct arena *arena, int64_t day, size_t limit,
                                struct store_booking_row **rows, size_t *count);
/* Bookings of days before day still "booked" become "no_show"; *changes receives how many. */
int store_booking_mark_no_shows(struct store *store, int64_t day, int64_t now, int64_t *changes);

/* Bookings of an office from day_from to day_to by day and service (kind for pickups and
 * consultations, service_id 0), counted by status. */
struct store_booking_figure_row {
  int64_t day, service_id, made, kept, no_show, cancelled;
  const char *kind;
};
int store_booking_figures(struct store *store, struct arena *arena, int64_t office_id,
                          int64_t day_from, int64_t day_to, struct store_booking_figure_row **rows,
                          size_t *count);

#endif
