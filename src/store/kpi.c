/*
 * kpi.c - the indicators' counters (store/kpi.h), in portable SQL over the db.h seam.
 */
#include <string.h>

#include "store/db.h"
#include "store/kpi.h"
#include "store/store_impl.h"

#include "base/common.h"

int store_kpi_lock(struct store *store, int64_t now)
{
  static const char sql[] = "UPDATE kpi_state SET updated_at = $1 WHERE id = 1";
  return db_exec(store, sql, DB_ARGS(DB_I(now)), NULL);
}

int store_kpi_updated_at(struct store *store, int64_t *updated_at)
{
  static const char sql[] = "SELECT updated_at FROM kpi_state WHERE id = 1";
  return db_query_int(store, sql, NULL, 0, updated_at);
}

int store_kpi_behind(struct store *store, bool *behind)
{
  static const char sql[] = "SELECT count(*) FROM (SELECT 1 FROM case_events WHERE kpi_counted = "
                            "0 AND kind = 'status' LIMIT 1) AS pending";
  int64_t n = 0;
  int rc = db_query_int(store, sql, NULL, 0, &n);
  *behind = !rc && n > 0;
  return rc;
}

static int event_row(void *ctx, const struct db_row *row)
{
  struct db_reader *r = ctx;
  struct store_kpi_event *e = db_reader_next(r);
  if (e)
    *e = (struct store_kpi_event){
        db_col_int(row, 0),        db_col_int(row, 1),         db_col_int(row, 2),
        db_col_int(row, 3),        db_col_int(row, 4),         db_col_int(row, 5),
        db_col_int(row, 6),        db_col_int(row, 7),         db_col_int(row, 8),
        db_reader_text(r, row, 9), db_reader_text(r, row, 10), db_reader_text(r, row, 11),
        db_reader_text(r, row, 12)};
  return r->rc;
}

int store_kpi_events_read(struct store *store, struct arena *arena, size_t max,
                          struct store_kpi_event **rows, size_t *count)
{
  static const char sql[] =
      "SELECT e.id, e.case_id, e.at, c.office_id, COALESCE(c.unit_id, 0), c.service_id, "
      "c.time_limit_minutes + c.extension_minutes, COALESCE(c.due_at, 0), CASE WHEN e.to_status "
      "= 'correction' THEN (SELECT count(*) FROM case_events p WHERE p.case_id = e.case_id AND "
      "p.kind = 'status' AND p.to_status = 'correction' AND p.id < e.id) ELSE 0 END, "
      "e.from_status, e.to_status, c.channel, c.workflow FROM case_events e JOIN cases c ON c.id "
      "= e.case_id WHERE e.kpi_counted = 0 AND e.kind = 'status' ORDER BY e.id LIMIT $1";
  struct db_reader r = {arena, ST_OK, NULL, 0, 0, sizeof(**rows)};
  int rc = db_query_each(store, sql, DB_ARGS(DB_I((int64_t)max)), event_row, &r);
  *rows = r.items;
  *count = rc ? 0 : r.count;
  return rc;
}

int store_kpi_add(struct store *store, const struct store_kpi_delta *d)
{
  static const char sql[] =
      "INSERT INTO kpi_case_month (office_id, month, unit_id, service_id, channel, received, "
      "completed, on_time, ended_other, used_minutes, corrections, second_corrections) VALUES "
      "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (office_id, month, unit_id, "
      "service_id, channel) DO UPDATE SET received = kpi_case_month.received + excluded.received, "
      "completed = kpi_case_month.completed + excluded.completed, on_time = kpi_case_month.on_time "
      "+ excluded.on_time, ended_other = kpi_case_month.ended_other + excluded.ended_other, "
      "used_minutes = kpi_case_month.used_minutes + excluded.used_minutes, corrections = "
      "kpi_case_month.corrections + excluded.corrections, second_corrections = "
      "kpi_case_month.second_corrections + excluded.second_corrections";
  static const char hours_sql[] =
      "INSERT INTO kpi_case_hours (office_id, month, unit_id, service_id, channel, hours, cases) "
      "VALUES ($1, $2, $3, $4, $5, $6, 1) ON CONFLICT (office_id, month, unit_id, service_id, "
      "channel, hours) DO UPDATE SET cases = kpi_case_hours.cases + 1";
  int rc =
      db_exec(store, sql,
              DB_ARGS(DB_I(d->office_id), DB_I(d->month), DB_I(d->unit_id), DB_I(d->service_id),
                      DB_S(d->channel), DB_I(d->received), DB_I(d->completed), DB_I(d->on_time),
                      DB_I(d->ended_other), DB_I(d->used_minutes), DB_I(d->corrections),
                      DB_I(d->second_corrections)),
              NULL);
  if (!rc && d->hours >= 0)
    rc = db_exec(store, hours_sql,
                 DB_ARGS(DB_I(d->office_id), DB_I(d->month), DB_I(d->unit_id), DB_I(d->service_id),
                         DB_S(d->channel), DB_I(d->hours)),
                 NULL);
  return rc;
}

int store_kpi_event_counted(struct store *store, int64_t id)
{
  static const char sql[] = "UPDATE case_events SET kpi_counted = 1 WHERE id = $1";
  return db_exec(store, sql, DB_ARGS(DB_I(id)), NULL);
}

int store_kpi_reset(struct store *store)
{
  int rc = db_exec(store, "DELETE FROM kpi_case_hours", NULL, 0, NULL);
  if (!rc)
    rc = db_exec(store, "DELETE FROM kpi_case_month", NULL, 0, NULL);
  if (!rc)
    rc = db_exec(store, "UPDATE case_events SET kpi_counted = 0 WHERE kind = 'status'", NULL, 0,
                 NULL);
  return rc;
}

/* The WHERE of every read: the office, the months, and the optional unit, service, channel. */
#define KPI_WHERE                                                                                  \
  " WHERE office_id = $1 AND month BETWEEN $2 AND $3 AND ($4 = 0 OR unit_id = $4) AND ($5 = 0 OR " \
  "service_id = $5) AND ($6 = '' OR channel = $6)"
#define KPI_FILTER(f)                                                                              \
  DB_I((f)->office_id), DB_I((f)->from_month), DB_I((f)->to_month), DB_I((f)->unit_id),            \
      DB_I((f)->service_id), DB_S((f)->channel ? (f)->channel : "")

static int sums_row(void *ctx, const struct db_row *row)
{
  struct db_reader *r = ctx;
  struct store_kpi_sums *s = db_reader_next(r);
  if (s)
    *s = (struct store_kpi_sums){db_col_int(row, 0), db_reader_text(r, row, 0), db_col_int(row, 1),
                                 db_col_int(row, 2), db_col_int(row, 3),        db_col_int(row, 4),
                                 db_col_int(row, 5), db_col_int(row, 6),        db_col_int(row, 7),
                                 db_col_int(row, 8)};
  return r->rc;
}

#define KPI_SUMS                                                                                   \
  ", sum(received), sum(CASE WHEN channel IN ('online', 'api') THEN received ELSE 0 END), "        \
  "sum(completed), sum(on_time), sum(ended_other), sum(used_minutes), sum(corrections), "          \
  "sum(second_corrections) FROM kpi_case_month" KPI_WHERE

int store_kpi_sums_read(struct store *store, struct arena *arena,
                        const struct store_kpi_filter *filter, const char *by,
                        struct store_kpi_sums **rows, size_t *count)
{
  static const char *const sql[] = {
      "SELECT month" KPI_SUMS " GROUP BY month ORDER BY month",
      "SELECT unit_id" KPI_SUMS " GROUP BY unit_id ORDER BY unit_id",
      "SELECT service_id" KPI_SUMS " GROUP BY service_id ORDER BY service_id",
      "SELECT channel" KPI_SUMS " GROUP BY channel ORDER BY channel",
      "SELECT 0" KPI_SUMS,
  };
  static const char *const names[] = {"month", "unit", "service", "channel", "total"};
  size_t which = 0;
  while (which < ARRAY_LEN(names) && strcmp(names[which], by) != 0)
    which++;
  if (which == ARRAY_LEN(names))
    return store_fail(store, ST_INVALID, "unknown grouping");
  struct db_reader r = {arena, ST_OK, NULL, 0, 0, sizeof(**rows)};
  int rc = db_query_each(store, sql[which], DB_ARGS(KPI_FILTER(filter)), sums_row, &r);
  *rows = r.items;
  *count = rc ? 0 : r.count;
  return rc;
}

static int hours_row(void *ctx, const struct db_row *row)
{
  struct db_reader *r = ctx;
  struct store_kpi_hours *h = db_reader_next(r);
  if (h)
    *h = (struct store_kpi_hours){db_col_int(row, 0), db_col_int(row, 1)};
  return r->rc;
}

int store_kpi_hours_read(struct store *store, struct arena *arena,
                         const struct store_kpi_filter *filter, struct store_kpi_hours **rows,
                         size_t *count)
{
  static const char sql[] =
      "SELECT hours, sum(cases) FROM kpi_case_hours" KPI_WHERE " GROUP BY hours ORDER BY hours";
  struct db_reader r = {arena, ST_OK, NULL, 0, 0, sizeof(**rows)};
  int rc = db_query_each(store, sql, DB_ARGS(KPI_FILTER(filter)), hours_row, &r);
  *rows = r.items;
  *count = rc ? 0 : r.count;
  return rc;
}

int store_kpi_overdue_open(struct store *store, const struct store_kpi_filter *filter,
                           int64_t *count)
{
  /* The open cases' partial index (migration 13) holds office and due state. */
  static const char sql[] =
      "SELECT count(*) FROM cases WHERE closed_at IS NULL AND office_id = $1 AND due_state = "
      "'overdue' AND ($2 = 0 OR unit_id = $2) AND ($3 = 0 OR service_id = $3) AND ($4 = '' OR "
      "channel = $4)";
  return db_query_int(store, sql,
                      DB_ARGS(DB_I(filter->office_id), DB_I(filter->unit_id),
                              DB_I(filter->service_id),
                              DB_S(filter->channel ? filter->channel : "")),
                      count);
}
