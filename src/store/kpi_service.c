/*
 * kpi_service.c - the indicators' reads of queues, petitions, quality records and surveys
 * (store/kpi_service.h), in portable SQL over the db.h seam.
 */
#include "store/kpi_service.h"
#include "store/db.h"
#include "store/store_impl.h"

#include "base/common.h"

/* The tickets of a filter: tickets_office_day (office_id, day, status) finds them. */
#define QUEUE_WHERE                                                                                \
  " FROM tickets t WHERE t.office_id = $1 AND t.day BETWEEN $2 AND $3 AND ($4 = 0 OR "             \
  "t.service_id IN (SELECT s.id FROM services s WHERE s.unit_id = $4)) AND ($5 = 0 OR "            \
  "t.service_id = $5)"
#define QUEUE_ARGS(f)                                                                              \
  DB_I((f)->office_id), DB_I((f)->day_from), DB_I((f)->day_to), DB_I((f)->unit_id),                \
      DB_I((f)->service_id)

static int sums_row(void *ctx, const struct db_row *row)
{
  int64_t *out = ctx;
  for (int i = 0; i < 4; i++)
    out[i] = db_col_int(row, i);
  return ST_OK;
}

int store_kpi_queue_sums(struct store *store, const struct store_kpi_queue_filter *f,
                         struct store_kpi_queue_sums *out)
{
  static const char sql[] =
      "SELECT count(*), COALESCE(sum(CASE WHEN t.first_called_at IS NOT NULL THEN 1 ELSE 0 END), "
      "0), COALESCE(sum(CASE WHEN t.status = 'no_show' THEN 1 ELSE 0 END), 0), "
      "COALESCE(sum(CASE WHEN t.first_called_at IS NOT NULL AND t.first_called_at - t.taken_at "
      "<= $6 THEN 1 ELSE 0 END), 0)" QUEUE_WHERE;
  int64_t v[4] = {0};
  int rc = db_query_each(store, sql, DB_ARGS(QUEUE_ARGS(f), DB_I(f->wait_target)), sums_row, v);
  *out = (struct store_kpi_queue_sums){v[0], v[1], v[2], v[3]};
  return rc;
}

static int bucket_row(void *ctx, const struct db_row *row)
{
  struct db_reader *r = ctx;
  struct store_kpi_bucket *b = db_reader_next(r);
  if (b)
    *b = (struct store_kpi_bucket){db_col_int(row, 0), db_col_int(row, 1)};
  return r->rc;
}

/* The minutes histogram one of the queue statements below reads (bucket_row). */
static int queue_buckets(struct store *store, struct arena *arena, const char *sql,
                         const struct store_kpi_queue_filter *f, struct store_kpi_bucket **rows,
                         size_t *count)
{
  struct db_reader r = {arena, ST_OK, NULL, 0, 0, sizeof(**rows)};
  int rc = db_query_each(store, sql, DB_ARGS(QUEUE_ARGS(f)), bucket_row, &r);
  *rows = r.items;
  *count = rc ? 0 : r.count;
  return rc;
}

int store_kpi_queue_waits(struct store *store, struct arena *arena,
                          const struct store_kpi_queue_filter *f, struct store_kpi_bucket **rows,
                          size_t *count)
{
  static const char sql[] =
      "SELECT (t.first_called_at - t.taken_at + 59) / 60 AS m, count(*)" QUEUE_WHERE
      " AND t.first_called_at IS NOT NULL AND t.first_called_at >= t.taken_at GROUP BY "
      "(t.first_called_at - t.taken_at + 59) / 60 ORDER BY m";
  return queue_buckets(store, arena, sql, f, rows, count);
}

int store_kpi_queue_service(struct store *store, struct arena *arena,
                            const struct store_kpi_queue_filter *f, struct store_kpi_bucket **rows,
                            size_t *count)
{
  static const char sql[] =
      "SELECT (t.done_at - t.called_at + 59) / 60 AS m, count(*)" QUEUE_WHERE
      " AND t.status = 'done' AND t.called_at IS NOT NULL AND t.done_at IS NOT NULL AND t.done_at "
      ">= t.called_at GROUP BY (t.done_at - t.called_at + 59) / 60 ORDER BY m";
  return queue_buckets(store, arena, sql, f, rows, count);
}

#define PETITION_WHERE                                                                             \
  " FROM petitions p WHERE p.office_id = $1 AND p.received_at >= $2 AND p.received_at < $3 AND "   \
  "p.status <> 'unverified' AND ($4 = 0 OR p.unit_id = $4)"
#define PETITION_ARGS(f)                                                                           \
  DB_I((f)->office_id), DB_I((f)->from_at), DB_I((f)->to_at), DB_I((f)->unit_id)

int store_kpi_petition_sums(struct store *store, const struct store_kpi_petition_filter *f,
                            struct store_kpi_petition_sums *out)
{
  static const char sql[] =
      "SELECT count(*), COALESCE(sum(CASE WHEN p.answered_at IS NOT NULL THEN 1 ELSE 0 END), 0), "
      "COALESCE(sum(CASE WHEN p.answered_at IS NOT NULL AND p.due_at > 0 AND p.answered_at <= "
      "p.due_at THEN 1 ELSE 0 END), 0), 0" PETITION_WHERE;
  int64_t v[4] = {0};
  int rc = db_query_each(store, sql, DB_ARGS(PETITION_ARGS(f)), sums_row, v);
  *out = (struct store_kpi_petition_sums){v[0], v[1], v[2]};
  return rc;
}

int store_kpi_petition_days(struct store *store, struct arena *arena,
                            const struct store_kpi_petition_filter *f,
                            struct store_kpi_bucket **rows, size_t *count)
{
  static const char sql[] =
      "SELECT (p.answered_at - p.received_at + 86399) / 86400 AS d, count(*)" PETITION_WHERE
      " AND p.answered_at IS NOT NULL AND p.answered_at >= p.received_at GROUP BY (p.answered_at "
      "- p.received_at + 86399) / 86400 ORDER BY d";
  struct db_reader r = {arena, ST_OK, NULL, 0, 0, sizeof(**rows)};
  int rc = db_query_each(store, sql, DB_ARGS(PETITION_ARGS(f)), bucket_row, &r);
  *rows = r.items;
  *count = rc ? 0 : r.count;
  return rc;
}

int store_kpi_petition_ratings(struct store *store, const struct store_kpi_petition_filter *f,
                               int64_t satisfied_from, int64_t *rated, int64_t *satisfied)
{
  static const char sql[] =
      "SELECT count(*), COALESCE(sum(CASE WHEN p.rating >= $5 THEN 1 ELSE 0 END), 0), 0, "
      "0" PETITION_WHERE " AND p.rating IS NOT NULL";
  int64_t v[4] = {0};
  int rc = db_query_each(store, sql, DB_ARGS(PETITION_ARGS(f), DB_I(satisfied_from)), sums_row, v);
  *rated = v[0];
  *satisfied = v[1];
  return rc;
}

int store_kpi_quality_sums(struct store *store, int64_t office_id, const char *kind,
                           const char *from, const char *to, int64_t unit_id, int64_t *records,
                           int64_t *score_sum)
{
  /* quality_records_office (office_id, held_on) finds them */
  static const char sql[] =
      "SELECT count(*), COALESCE(sum(score), 0), 0, 0 FROM quality_records WHERE office_id = $1 "
      "AND held_on BETWEEN $2 AND $3 AND kind = $4 AND ($5 = 0 OR unit_id = $5)";
  int64_t v[4] = {0};
  int rc = db_query_each(store, sql,
                         DB_ARGS(DB_I(office_id), DB_S(from), DB_S(to), DB_S(kind), DB_I(unit_id)),
                         sums_row, v);
  *records = v[0];
  *score_sum = v[1];
  return rc;
}

static int survey_row(void *ctx, const struct db_row *row)
{
  struct db_reader *r = ctx;
  struct store_kpi_survey *s = db_reader_next(r);
  if (s)
    *s = (struct store_kpi_survey){db_col_int(row, 0), db_reader_text(r, row, 1)};
  return r->rc;
}

int store_kpi_surveys(struct store *store, struct arena *arena, int64_t office_id,
                      struct store_kpi_survey **rows, size_t *count)
{
  static const char sql[] = "SELECT id, definition FROM surveys WHERE office_id = $1 ORDER BY id";
  struct db_reader r = {arena, ST_OK, NULL, 0, 0, sizeof(**rows)};
  int rc = db_query_each(store, sql, DB_ARGS(DB_I(office_id)), survey_row, &r);
  *rows = r.items;
  *count = rc ? 0 : r.count;
  return rc;
}

int store_kpi_survey_answers(struct store *store, struct arena *arena, int64_t office_id,
                             const char *from, const char *to, int64_t unit_id, int64_t service_id,
                             struct store_kpi_survey **rows, size_t *count)
{
  static const char sql[] =
      "SELECT a.survey_id, a.answers FROM survey_answers a JOIN surveys s ON s.id = a.survey_id "
      "WHERE s.office_id = $1 AND a.month BETWEEN $2 AND $3 AND ($4 = 0 OR a.unit_id = $4) AND "
      "($5 = 0 OR a.service_id = $5) ORDER BY a.id";
  struct db_reader r = {arena, ST_OK, NULL, 0, 0, sizeof(**rows)};
  int rc = db_query_each(
      store, sql, DB_ARGS(DB_I(office_id), DB_S(from), DB_S(to), DB_I(unit_id), DB_I(service_id)),
      survey_row, &r);
  *rows = r.items;
  *count = rc ? 0 : r.count;
  return rc;
}
