/*
 * opendata.c - the open datasets' reads of the indicators' counters (store/opendata.h), in
 * portable SQL over the db.h seam: two GROUP BYs over the primary keys' (office_id, month)
 * ranges.
 */
#include "store/opendata.h"
#include "store/db.h"
#include "store/store_impl.h"

#include "base/common.h"

static int month_row(void *ctx, const struct db_row *row)
{
  struct db_reader *r = ctx;
  struct store_od_month *m = db_reader_next(r);
  if (m)
    *m = (struct store_od_month){db_col_int(row, 0), db_col_int(row, 1), db_col_int(row, 2),
                                 db_col_int(row, 3), db_col_int(row, 4), db_col_int(row, 5),
                                 db_col_int(row, 6)};
  return r->rc;
}

int store_od_months_read(struct store *store, struct arena *arena, int64_t office_id,
                         struct store_od_month **rows, size_t *count)
{
  static const char sql[] =
      "SELECT month, service_id, sum(received), sum(CASE WHEN channel IN ('online', 'api') THEN "
      "received ELSE 0 END), sum(completed), sum(on_time), sum(used_minutes) FROM kpi_case_month "
      "WHERE office_id = $1 GROUP BY month, service_id ORDER BY month, service_id";
  struct db_reader r = {arena, ST_OK, NULL, 0, 0, sizeof(**rows)};
  int rc = db_query_each(store, sql, DB_ARGS(DB_I(office_id)), month_row, &r);
  *rows = r.items;
  *count = rc ? 0 : r.count;
  return rc;
}

static int hours_row(void *ctx, const struct db_row *row)
{
  struct db_reader *r = ctx;
  struct store_od_hours *h = db_reader_next(r);
  if (h)
    *h = (struct store_od_hours){db_col_int(row, 0), db_col_int(row, 1), db_col_int(row, 2),
                                 db_col_int(row, 3)};
  return r->rc;
}

int store_od_hours_read(struct store *store, struct arena *arena, int64_t office_id,
                        struct store_od_hours **rows, size_t *count)
{
  static const char sql[] =
      "SELECT month, service_id, hours, sum(cases) FROM kpi_case_hours WHERE office_id = $1 "
      "GROUP BY month, service_id, hours ORDER BY month, service_id, hours";
  struct db_reader r = {arena, ST_OK, NULL, 0, 0, sizeof(**rows)};
  int rc = db_query_each(store, sql, DB_ARGS(DB_I(office_id)), hours_row, &r);
  *rows = r.items;
  *count = rc ? 0 : r.count;
  return rc;
}

int store_od_activity(struct store *store, int64_t office_id, enum store_od_activity what,
                      int64_t *at)
{
  static const char *const sql[] = {
      [OD_ACTIVITY_PETITIONS] = "SELECT coalesce(max(received_at), 0) AS a, "
                                "coalesce(max(answered_at), 0) AS b FROM petitions "
                                "WHERE office_id = $1",
      [OD_ACTIVITY_TICKETS] = "SELECT coalesce(max(taken_at), 0) AS a, coalesce(max(done_at), "
                              "0) AS b FROM tickets WHERE office_id = $1",
      [OD_ACTIVITY_SURVEYS] = "SELECT coalesce(max(a.answered_at), 0) AS a FROM survey_answers "
                              "a JOIN surveys s ON s.id = a.survey_id WHERE s.office_id = $1"};
  json_t *row = NULL;
  *at = 0;
  int rc = db_query_one(store, sql[what], DB_ARGS(DB_I(office_id)), &row);
  if (!rc) {
    const char *key;
    json_t *v;
    json_object_foreach(row, key, v) if (json_integer_value(v) > *at) *at = json_integer_value(v);
  }
  json_decref(row);
  return rc;
}
