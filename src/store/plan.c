/*
 * plan.c - plan control's tables (store/plan.h), in portable SQL over the db.h seam.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/str.h"
#include "store/plan.h"
#include "store/db.h"
#include "store/store_impl.h"

#include "base/common.h"

static int year_row(void *ctx, const struct db_row *row)
{
  struct db_reader *r = ctx;
  int64_t *y = db_reader_next(r);
  if (y)
    *y = db_col_int(row, 0);
  return r->rc;
}

int store_plan_years(struct store *store, struct arena *arena, int64_t office_id, int64_t **years,
                     size_t *count)
{
  static const char sql[] =
      "SELECT roc_year FROM plans WHERE office_id = $1 ORDER BY roc_year DESC";
  struct db_reader r = {arena, ST_OK, NULL, 0, 0, sizeof(**years)};
  int rc = db_query_each(store, sql, DB_ARGS(DB_I(office_id)), year_row, &r);
  *years = r.items;
  *count = rc ? 0 : r.count;
  return rc;
}

int store_plan_upsert(struct store *store, int64_t office_id, int64_t roc_year, int64_t now,
                      int64_t *plan_id, int64_t *progress)
{
  static const char sql[] =
      "INSERT INTO plans (office_id, roc_year, updated_at) VALUES ($1, $2, $3) ON CONFLICT "
      "(office_id, roc_year) DO UPDATE SET updated_at = excluded.updated_at RETURNING id";
  static const char count_sql[] = "SELECT count(*) FROM plan_progress g JOIN plan_points p ON "
                                  "p.id = g.point_id WHERE p.plan_id = $1";
  int rc = db_query_int(store, sql, DB_ARGS(DB_I(office_id), DB_I(roc_year), DB_I(now)), plan_id);
  return rc ? rc : db_query_int(store, count_sql, DB_ARGS(DB_I(*plan_id)), progress);
}

int store_plan_points_clear(struct store *store, int64_t plan_id)
{
  static const char sql[] = "DELETE FROM plan_points WHERE plan_id = $1";
  return db_exec(store, sql, DB_ARGS(DB_I(plan_id)), NULL);
}

int store_plan_point_add(struct store *store, int64_t plan_id, const struct store_plan_point *p)
{
  static const char sql[] =
      "INSERT INTO plan_points (plan_id, seq, item_no, item, point, unit_id, deadline, kpi_name, "
      "indicator, target_milli, target_unit) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
      "$11)";
  return db_exec(store, sql,
                 DB_ARGS(DB_I(plan_id), DB_I(p->seq), DB_I(p->item_no), DB_S(p->item),
                         DB_S(p->point), DB_I(p->unit_id), DB_S(p->deadline), DB_S(p->kpi_name),
                         DB_S(p->indicator), DB_I(p->target_milli), DB_S(p->target_unit)),
                 NULL);
}

static int point_row(void *ctx, const struct db_row *row)
{
  struct db_reader *r = ctx;
  struct store_plan_point *p = db_reader_next(r);
  if (p)
    *p = (struct store_plan_point){
        db_col_int(row, 0),        db_col_int(row, 1),        db_col_int(row, 2),
        db_col_int(row, 3),        db_col_int(row, 4),        db_reader_text(r, row, 5),
        db_reader_text(r, row, 6), db_reader_text(r, row, 7), db_reader_text(r, row, 8),
        db_reader_text(r, row, 9), db_reader_text(r, row, 10)};
  return r->rc;
}

int store_plan_points_read(struct store *store, struct arena *arena, int64_t office_id,
                           int64_t roc_year, struct store_plan_point **rows, size_t *count)
{
  static const char sql[] =
      "SELECT p.id, p.seq, p.item_no, p.unit_id, p.target_milli, p.item, p.point, p.deadline, "
      "p.kpi_name, p.indicator, p.target_unit FROM plan_points p JOIN plans l ON l.id = "
      "p.plan_id WHERE l.office_id = $1 AND l.roc_year = $2 ORDER BY p.seq";
  struct db_reader r = {arena, ST_OK, NULL, 0, 0, sizeof(**rows)};
  int rc = db_query_each(store, sql, DB_ARGS(DB_I(office_id), DB_I(roc_year)), point_row, &r);
  *rows = r.items;
  *count = rc ? 0 : r.count;
  return rc;
}

static int progress_row(void *ctx, const struct db_row *row)
{
  struct db_reader *r = ctx;
  struct store_plan_progress *g = db_reader_next(r);
  if (g)
    *g = (struct store_plan_progress){db_col_int(row, 0),        db_col_int(row, 1),
                                      db_col_int(row, 2),        db_col_int(row, 3),
                                      db_col_int(row, 4),        db_reader_text(r, row, 5),
                                      db_reader_text(r, row, 6), db_col_int(row, 7)};
  return r->rc;
}

int store_plan_progress_read(struct store *store, struct arena *arena, int64_t office_id,
                             int64_t roc_year, struct store_plan_progress **rows, size_t *count)
{
  static const char sql[] =
      "SELECT g.point_id, g.month, g.unit_id, g.percent, g.at, g.body, g.author, g.id FROM "
      "plan_progress g JOIN plan_points p ON p.id = g.point_id JOIN plans l ON l.id = p.plan_id "
      "WHERE l.office_id = $1 AND l.roc_year = $2 ORDER BY g.point_id, g.month, g.unit_id";
  struct db_reader r = {arena, ST_OK, NULL, 0, 0, sizeof(**rows)};
  int rc = db_query_each(store, sql, DB_ARGS(DB_I(office_id), DB_I(roc_year)), progress_row, &r);
  *rows = r.items;
  *count = rc ? 0 : r.count;
  return rc;
}

int store_plan_point_unit(struct store *store, int64_t office_id, int64_t roc_year,
                          int64_t point_id, int64_t *unit_id)
{
  static const char sql[] = "SELECT p.unit_id FROM plan_points p JOIN plans l ON l.id = "
                            "p.plan_id WHERE p.id = $1 AND l.office_id = $2 AND l.roc_year = $3";
  return db_query_int(store, sql, DB_ARGS(DB_I(point_id), DB_I(office_id), DB_I(roc_year)),
                      unit_id);
}

int store_plan_progress_put(struct store *store, const struct store_plan_progress *p)
{
  static const char sql[] =
      "INSERT INTO plan_progress (point_id, month, unit_id, percent, body, author, at) VALUES "
      "($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (point_id, month, unit_id) DO UPDATE SET percent "
      "= excluded.percent, body = excluded.body, author = excluded.author, at = excluded.at";
  return db_exec(store, sql,
                 DB_ARGS(DB_I(p->point_id), DB_I(p->month), DB_I(p->unit_id), DB_I(p->percent),
                         DB_S(p->body), DB_S(p->author), DB_I(p->at)),
                 NULL);
}

static int recipient_row(void *ctx, const struct db_row *row)
{
  struct db_reader *r = ctx;
  struct store_plan_recipient *p = db_reader_next(r);
  if (p)
    *p = (struct store_plan_recipient){db_col_int(row, 0), db_col_int(row, 1),
                                       db_reader_text(r, row, 2)};
  return r->rc;
}

int store_plan_recipients(struct store *store, struct arena *arena, int64_t office_id,
                          struct store_plan_recipient **rows, size_t *count)
{
  /* roles: ROLE_SUPERVISOR is 4 (domain/accounts.h) */
  static const char sql[] =
      "SELECT id, unit_id, email FROM users WHERE office_id = $1 AND unit_id IS NOT NULL AND "
      "(roles & 4) <> 0 AND disabled = 0 AND email <> '' ORDER BY unit_id, id";
  struct db_reader r = {arena, ST_OK, NULL, 0, 0, sizeof(**rows)};
  int rc = db_query_each(store, sql, DB_ARGS(DB_I(office_id)), recipient_row, &r);
  *rows = r.items;
  *count = rc ? 0 : r.count;
  return rc;
}

/* ---- Evidence files ---------------------------------------------------------------------- */

#define EVIDENCE_JOIN                                                                              \
  "plan_evidence e JOIN plan_progress g ON g.id = e.progress_id JOIN plan_points p ON p.id = "     \
  "g.point_id JOIN plans l ON l.id = p.plan_id"

static int entry_row(void *ctx, const struct db_row *row)
{
  int64_t *out = ctx;
  out[0] = db_col_int(row, 0);
  out[1] = db_col_int(row, 1);
  out[2] = db_col_int(row, 2);
  out[3] = 1;
  return ST_OK;
}

int store_plan_entry_get(struct store *store, int64_t office_id, int64_t roc_year, int64_t id,
                         int64_t *point_id, int64_t *unit_id, int64_t *files)
{
  static const char sql[] =
      "SELECT g.point_id, g.unit_id, (SELECT count(*) FROM plan_evidence e WHERE e.progress_id = "
      "g.id) FROM plan_progress g JOIN plan_points p ON p.id = g.point_id JOIN plans l ON l.id = "
      "p.plan_id WHERE g.id = $1 AND l.office_id = $2 AND l.roc_year = $3";
  int64_t found[4] = {0};
  int rc = db_query_each(store, sql, DB_ARGS(DB_I(id), DB_I(office_id), DB_I(roc_year)), entry_row,
                         found);
  if (!rc && !found[3])
    rc = ST_NOTFOUND;
  *point_id = found[0];
  *unit_id = found[1];
  *files = found[2];
  return rc;
}

int store_plan_evidence_add(struct store *store, int64_t office_id,
                            const struct store_plan_evidence *e, const void *bytes, int64_t *id)
{
  static const char blob[] =
      "INSERT INTO upload_blobs (sha256, size, bytes, created_at) VALUES ($1, $2, $3, $4) ON "
      "CONFLICT (sha256) DO NOTHING";
  static const char row[] =
      "INSERT INTO plan_evidence (office_id, progress_id, sha256, name, mime, size, created_at, "
      "created_by, created_by_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
  struct db_param data = {DB_BLOB, e->size, bytes};
  int rc = db_exec(store, blob, DB_ARGS(DB_S(e->sha256), DB_I(e->size), data, DB_I(e->created_at)),
                   NULL);
  if (!rc)
    rc = db_query_int(store, row,
                      DB_ARGS(DB_I(office_id), DB_I(e->progress_id), DB_S(e->sha256), DB_S(e->name),
                              DB_S(e->mime), DB_I(e->size), DB_I(e->created_at),
                              DB_I(e->created_by), DB_S(e->created_by_name)),
                      id);
  return rc;
}

static int evidence_row(void *ctx, const struct db_row *row)
{
  struct db_reader *r = ctx;
  struct store_plan_evidence *e = db_reader_next(r);
  if (e)
    *e = (struct store_plan_evidence){
        db_col_int(row, 0),        db_col_int(row, 1),        db_col_int(row, 2),
        db_col_int(row, 3),        db_col_int(row, 4),        db_reader_text(r, row, 5),
        db_reader_text(r, row, 6), db_reader_text(r, row, 7), ""};
  return r->rc;
}

int store_plan_evidence_read(struct store *store, struct arena *arena, int64_t office_id,
                             int64_t roc_year, struct store_plan_evidence **rows, size_t *count)
{
  static const char sql[] =
      "SELECT e.id, e.progress_id, e.size, e.created_at, e.created_by, e.name, e.mime, "
      "e.created_by_name FROM " EVIDENCE_JOIN " WHERE l.office_id = $1 AND l.roc_year = $2 "
      "ORDER BY e.progress_id, e.id";
  struct db_reader r = {arena, ST_OK, NULL, 0, 0, sizeof(**rows)};
  int rc = db_query_each(store, sql, DB_ARGS(DB_I(office_id), DB_I(roc_year)), evidence_row, &r);
  *rows = r.items;
  *count = rc ? 0 : r.count;
  return rc;
}

/* The row of store_plan_evidence_get (a JSON row: the hex of a file is too big for an arena). */
static int evidence_from(struct arena *arena, json_t *row, struct store_plan_evidence *out)
{
  *out = (struct store_plan_evidence){db_int(row, "id"),
                                      db_int(row, "progress_id"),
                                      db_int(row, "size"),
                                      db_int(row, "created_at"),
                                      db_int(row, "created_by"),
                                      arena_strdup(arena, db_text(row, "name")),
                                      arena_strdup(arena, db_text(row, "mime")),
                                      arena_strdup(arena, db_text(row, "created_by_name")),
                                      ""};
  return out->name && out->mime && out->created_by_name ? ST_OK : ST_NOMEM;
}

int store_plan_evidence_get(struct store *store, struct arena *arena, int64_t office_id,
                            int64_t roc_year, int64_t id, struct store_plan_evidence *out,
                            int64_t *unit_id, void **bytes, size_t *len)
{
  static const char sql_sqlite[] =
      "SELECT e.id, e.progress_id, e.size, e.created_at, e.created_by, e.name, e.mime, "
      "e.created_by_name, g.unit_id, lower(hex(b.bytes)) AS hex FROM " EVIDENCE_JOIN
      " JOIN upload_blobs b ON b.sha256 = e.sha256 WHERE e.id = $1 AND l.office_id = $2 AND "
      "l.roc_year = $3";
  static const char sql_pg[] =
      "SELECT e.id, e.progress_id, e.size, e.created_at, e.created_by, e.name, e.mime, "
      "e.created_by_name, g.unit_id, encode(b.bytes, 'hex') AS hex FROM " EVIDENCE_JOIN
      " JOIN upload_blobs b ON b.sha256 = e.sha256 WHERE e.id = $1 AND l.office_id = $2 AND "
      "l.roc_year = $3";
  static const char sql_meta[] =
      "SELECT e.id, e.progress_id, e.size, e.created_at, e.created_by, e.name, e.mime, "
      "e.created_by_name, g.unit_id FROM " EVIDENCE_JOIN " WHERE e.id = $1 AND l.office_id = $2 "
      "AND l.roc_year = $3";
  bool sqlite = strcmp(store->ops->name, "sqlite") == 0;
  json_t *row = NULL;
  *out = (struct store_plan_evidence){0};
  int rc = db_query_one(store,
                        !bytes   ? sql_meta
                        : sqlite ? sql_sqlite
                                 : sql_pg,
                        DB_ARGS(DB_I(id), DB_I(office_id), DB_I(roc_year)), &row);
  if (!rc)
    rc = evidence_from(arena, row, out);
  *unit_id = rc ? 0 : db_int(row, "unit_id");
  if (!rc && bytes && str_unhex(db_text(row, "hex"), (unsigned char **)bytes, len))
    rc = ST_DB;
  json_decref(row);
  return rc;
}

int store_plan_evidence_delete(struct store *store, int64_t office_id, int64_t id)
{
  static const char sql[] = "DELETE FROM plan_evidence WHERE id = $1 AND office_id = $2";
  int64_t changes = 0;
  int rc = db_exec(store, sql, DB_ARGS(DB_I(id), DB_I(office_id)), &changes);
  if (!rc && changes != 1)
    rc = store_fail(store, ST_NOTFOUND, "no such evidence file");
  return rc;
}
