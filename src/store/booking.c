/*
 * booking.c - booked visits in the store (store/booking.h), in portable SQL over the db.h seam.
 */
#include <string.h>

#include "base/arena.h"
#include "store/booking.h"
#include "store/db.h"
#include "store/store_impl.h"

#include "base/common.h"

static int config_row(void *ctx, const struct db_row *row)
{
  struct db_reader *r = ctx;
  struct store_booking_config *c = r->items;
  *c = (struct store_booking_config){
      db_col_int(row, 0),        db_col_int(row, 1),       db_col_int(row, 2),
      db_col_int(row, 3),        db_col_int(row, 4),       db_col_int(row, 5),
      db_col_int(row, 6),        db_col_int(row, 10),      db_reader_text(r, row, 7),
      db_reader_text(r, row, 8), db_reader_text(r, row, 9)};
  r->count = 1;
  return r->rc;
}

int store_booking_config_get(struct store *store, struct arena *arena, int64_t office_id,
                             struct store_booking_config *out)
{
  static const char sql[] =
      "SELECT slot_minutes, capacity, lunch_service, consult_weekday, consult_start, consult_end, "
      "consult_capacity, services, consult_title_zh, consult_title_en, pickup FROM booking_config "
      "WHERE "
      "office_id = $1";
  struct db_reader r = {arena, ST_OK, out, 0, 1, sizeof(*out)};
  int rc = db_query_each(store, sql, DB_ARGS(DB_I(office_id)), config_row, &r);
  return rc ? rc : (r.count ? ST_OK : ST_NOTFOUND);
}

int store_booking_config_put(struct store *store, int64_t office_id,
                             const struct store_booking_config *c, int64_t now)
{
  static const char sql[] =
      "INSERT INTO booking_config (office_id, slot_minutes, capacity, lunch_service, services, "
      "consult_weekday, consult_start, consult_end, consult_capacity, consult_title_zh, "
      "consult_title_en, updated_at, pickup) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
      "$12, $13) "
      "ON CONFLICT (office_id) DO UPDATE SET slot_minutes = excluded.slot_minutes, capacity = "
      "excluded.capacity, lunch_service = excluded.lunch_service, services = excluded.services, "
      "consult_weekday = excluded.consult_weekday, consult_start = excluded.consult_start, "
      "consult_end = excluded.consult_end, consult_capacity = excluded.consult_capacity, "
      "consult_title_zh = excluded.consult_title_zh, consult_title_en = "
      "excluded.consult_title_en, updated_at = excluded.updated_at, pickup = excluded.pickup";
  return db_exec(store, sql,
                 DB_ARGS(DB_I(office_id), DB_I(c->slot_minutes), DB_I(c->capacity),
                         DB_I(c->lunch_service), DB_S(c->services), DB_I(c->consult_weekday),
                         DB_I(c->consult_start), DB_I(c->consult_end), DB_I(c->consult_capacity),
                         DB_S(c->consult_title_zh), DB_S(c->consult_title_en), DB_I(now),
                         DB_I(c->pickup)),
                 NULL);
}

int store_booking_take_place(struct store *store, int64_t office_id, const char *lane, int64_t day,
                             int64_t start_minute, int64_t capacity)
{
  static const char ensure[] =
      "INSERT INTO booking_slot_counts (office_id, lane, day, start_minute, booked) VALUES ($1, "
      "$2, $3, $4, 0) ON CONFLICT (office_id, lane, day, start_minute) DO NOTHING";
  static const char take[] =
      "UPDATE booking_slot_counts SET booked = booked + 1 WHERE office_id = $1 AND lane = $2 AND "
      "day = $3 AND start_minute = $4 AND booked < $5";
  int64_t changes = 0;
  int rc = db_exec(store, ensure,
                   DB_ARGS(DB_I(office_id), DB_S(lane), DB_I(day), DB_I(start_minute)), NULL);
  if (!rc)
    rc =
        db_exec(store, take,
                DB_ARGS(DB_I(office_id), DB_S(lane), DB_I(day), DB_I(start_minute), DB_I(capacity)),
                &changes);
  return rc ? rc : (changes == 1 ? ST_OK : ST_LIMIT);
}

int store_booking_release_place(struct store *store, int64_t office_id, const char *lane,
                                int64_t day, int64_t start_minute)
{
  static const char sql[] =
      "UPDATE booking_slot_counts SET booked = booked - 1 WHERE office_id = $1 AND lane = $2 AND "
      "day = $3 AND start_minute = $4 AND booked > 0";
  return db_exec(store, sql, DB_ARGS(DB_I(office_id), DB_S(lane), DB_I(day), DB_I(start_minute)),
                 NULL);
}

static int count_row(void *ctx, const struct db_row *row)
{
  struct db_reader *r = ctx;
  struct store_booking_count *c = db_reader_next(r);
  if (c)
    *c = (struct store_booking_count){db_col_int(row, 0), db_col_int(row, 1), db_col_int(row, 2)};
  return r->rc;
}

int store_booking_counts(struct store *store, struct arena *arena, int64_t office_id,
                         const char *lane, int64_t day_from, int64_t day_to,
                         struct store_booking_count **rows, size_t *count)
{
  static const char sql[] =
      "SELECT day, start_minute, booked FROM booking_slot_counts WHERE office_id = $1 AND lane = "
      "$2 AND day >= $3 AND day <= $4 AND booked > 0 ORDER BY day, start_minute";
  struct db_reader r = {arena, ST_OK, NULL, 0, 0, sizeof(**rows)};
  int rc =
      db_query_each(store, sql, DB_ARGS(DB_I(office_id), DB_S(lane), DB_I(day_from), DB_I(day_to)),
                    count_row, &r);
  *rows = r.items;
  *count = rc ? 0 : r.count;
  return rc;
}

#define BOOKING_COLUMNS                                                                            \
  "id, office_id, COALESCE(service_id, 0), COALESCE(case_id, 0), day, start_minute, end_minute, "  \
  "created_at, COALESCE(arrived_at, 0), late, COALESCE(reminded_at, 0), token, kind, lane, "       \
  "name_sealed, name_masked, contact_sealed, channel, lang, status"

static int booking_row(void *ctx, const struct db_row *row)
{
  struct db_reader *r = ctx;
  struct store_booking_row *b = db_reader_next(r);
  if (b)
    *b = (struct store_booking_row){
        db_col_int(row, 0),         db_col_int(row, 1),         db_col_int(row, 2),
        db_col_int(row, 3),         db_col_int(row, 4),         db_col_int(row, 5),
        db_col_int(row, 6),         db_col_int(row, 7),         db_col_int(row, 8),
        db_col_int(row, 9),         db_col_int(row, 10),        db_reader_text(r, row, 11),
        db_reader_text(r, row, 12), db_reader_text(r, row, 13), db_reader_text(r, row, 14),
        db_reader_text(r, row, 15), db_reader_text(r, row, 16), db_reader_text(r, row, 17),
        db_reader_text(r, row, 18), db_reader_text(r, row, 19)};
  return r->rc;
}

static int booking_list(struct store *store, struct arena *arena, const char *sql,
                        const struct db_param *params, size_t n, struct store_booking_row **rows,
                        size_t *count)
{
  struct db_reader r = {arena, ST_OK, NULL, 0, 0, sizeof(**rows)};
  int rc = db_query_each(store, sql, params, n, booking_row, &r);
  *rows = r.items;
  *count = rc ? 0 : r.count;
  return rc;
}

static int booking_one(struct store *store, struct arena *arena, const char *sql,
                       const struct db_param *params, size_t n, struct store_booking_row *row)
{
  struct store_booking_row *rows = NULL;
  size_t count = 0;
  int rc = booking_list(store, arena, sql, params, n, &rows, &count);
  if (!rc && !count)
    rc = ST_NOTFOUND;
  if (!rc)
    *row = rows[0];
  return rc;
}

int store_booking_insert(struct store *store, const struct store_booking_row *b, int64_t now,
                         int64_t *id)
{
  static const char sql[] =
      "INSERT INTO bookings (office_id, token, kind, service_id, case_id, lane, day, "
      "start_minute, end_minute, name_sealed, name_masked, contact_sealed, channel, lang, status, "
      "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
      "$14, 'booked', $15, $15) RETURNING id";
  return db_query_int(store, sql,
                      DB_ARGS(DB_I(b->office_id), DB_S(b->token), DB_S(b->kind),
                              b->service_id ? DB_I(b->service_id) : DB_NIL,
                              b->case_id ? DB_I(b->case_id) : DB_NIL, DB_S(b->lane), DB_I(b->day),
                              DB_I(b->start_minute), DB_I(b->end_minute), DB_S(b->name_sealed),
                              DB_S(b->name_masked), DB_S(b->contact_sealed), DB_S(b->channel),
                              DB_S(b->lang), DB_I(now)),
                      id);
}

int store_booking_by_token(struct store *store, struct arena *arena, const char *token,
                           struct store_booking_row *row)
{
  static const char sql[] = "SELECT " BOOKING_COLUMNS " FROM bookings WHERE token = $1";
  return booking_one(store, arena, sql, DB_ARGS(DB_S(token)), row);
}

int store_booking_by_id(struct store *store, struct arena *arena, int64_t office_id, int64_t id,
                        struct store_booking_row *row)
{
  static const char sql[] =
      "SELECT " BOOKING_COLUMNS " FROM bookings WHERE id = $1 AND office_id = $2";
  return booking_one(store, arena, sql, DB_ARGS(DB_I(id), DB_I(office_id)), row);
}

int store_booking_set_status(struct store *store, int64_t id, const char *status, int64_t now)
{
  static const char sql[] = "UPDATE bookings SET status = $2, updated_at = $3 WHERE id = $1";
  return db_exec(store, sql, DB_ARGS(DB_I(id), DB_S(status), DB_I(now)), NULL);
}

int store_booking_move(struct store *store, int64_t id, int64_t day, int64_t start_minute,
                       int64_t end_minute, int64_t now)
{
  static const char sql[] = "UPDATE bookings SET day = $2, start_minute = $3, end_minute = $4, "
                            "reminded_at = NULL, updated_at = $5 WHERE id = $1";
  return db_exec(store, sql,
                 DB_ARGS(DB_I(id), DB_I(day), DB_I(start_minute), DB_I(end_minute), DB_I(now)),
                 NULL);
}

int store_booking_arrive(struct store *store, int64_t id, int64_t at, int late)
{
  /* Only a booking still booked: of two kiosks checking in the same booking at once, the second
   * waits for the first's row lock (PostgreSQL) or write lock (SQLite) and changes nothing. */
  static const char sql[] = "UPDATE bookings SET status = 'arrived', arrived_at = $2, late = $3, "
                            "updated_at = $2 WHERE id = $1 AND status = 'booked'";
  int64_t changed = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id), DB_I(at), DB_I(late)), &changed);
  return rc ? rc : changed ? ST_OK : ST_CONFLICT;
}

int store_booking_set_reminded(struct store *store, int64_t id, int64_t now)
{
  static const char sql[] = "UPDATE bookings SET reminded_at = $2 WHERE id = $1";
  return db_exec(store, sql, DB_ARGS(DB_I(id), DB_I(now)), NULL);
}

int store_booking_list_day(struct store *store, struct arena *arena, int64_t office_id, int64_t day,
                           struct store_booking_row **rows, size_t *count)
{
  static const char sql[] = "SELECT " BOOKING_COLUMNS " FROM bookings WHERE office_id = $1 AND "
                            "day = $2 ORDER BY start_minute, id";
  return booking_list(store, arena, sql, DB_ARGS(DB_I(office_id), DB_I(day)), rows, count);
}

int store_booking_reminders_due(struct store *store, struct arena *arena, int64_t day, size_t limit,
                                struct store_booking_row **rows, size_t *count)
{
  static const char sql[] = "SELECT " BOOKING_COLUMNS " FROM bookings WHERE day = $1 AND status = "
                            "'booked' AND reminded_at IS NULL ORDER BY id LIMIT $2";
  return booking_list(store, arena, sql, DB_ARGS(DB_I(day), DB_I((int64_t)limit)), rows, count);
}

int store_booking_mark_no_shows(struct store *store, int64_t day, int64_t now, int64_t *changes)
{
  static const char sql[] = "UPDATE bookings SET status = 'no_show', updated_at = $2 WHERE day < "
                            "$1 AND status = 'booked'";
  return db_exec(store, sql, DB_ARGS(DB_I(day), DB_I(now)), changes);
}

static int figure_row(void *ctx, const struct db_row *row)
{
  struct db_reader *r = ctx;
  struct store_booking_figure_row *f = db_reader_next(r);
  if (f)
    *f = (struct store_booking_figure_row){
        db_col_int(row, 0), db_col_int(row, 1), db_col_int(row, 2),       db_col_int(row, 3),
        db_col_int(row, 4), db_col_int(row, 5), db_reader_text(r, row, 6)};
  return r->rc;
}

int store_booking_figures(struct store *store, struct arena *arena, int64_t office_id,
                          int64_t day_from, int64_t day_to, struct store_booking_figure_row **rows,
                          size_t *count)
{
  static const char sql[] =
      "SELECT day, COALESCE(service_id, 0), count(*), "
      "sum(CASE WHEN status = 'arrived' THEN 1 ELSE 0 END), "
      "sum(CASE WHEN status = 'no_show' THEN 1 ELSE 0 END), "
      "sum(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END), kind FROM bookings WHERE "
      "office_id = $1 AND day >= $2 AND day <= $3 GROUP BY day, COALESCE(service_id, 0), kind "
      "ORDER BY day, kind, COALESCE(service_id, 0)";
  struct db_reader r = {arena, ST_OK, NULL, 0, 0, sizeof(**rows)};
  int rc = db_query_each(store, sql, DB_ARGS(DB_I(office_id), DB_I(day_from), DB_I(day_to)),
                         figure_row, &r);
  *rows = r.items;
  *count = rc ? 0 : r.count;
  return rc;
}
