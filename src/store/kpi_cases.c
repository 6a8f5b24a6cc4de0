/*
 * kpi_cases.c - the cases behind a figure of the case indicators (store/kpi_service.h), for the
 * work list: the same conditions the counters apply to each status event (domain/kpi.c), as SQL
 * over the case log.
 */
#include <stdbool.h>
#include <string.h>

#include "store/case_read.h"
#include "store/db.h"
#include "store/kpi_service.h"
#include "store/store_impl.h"

#include "base/common.h"

/* $1 office, $2..$3 the period, $4 unit, $5 service, $6 channel, $7 figure, $8 completed steps,
 * $9 final steps (",a,b,"). A status event of the figure's kind in the period: */
#define KC_IN(set, col) "$" set " LIKE '%,' || " col " || ',%'"
#define KC_COMPLETION                                                                              \
  KC_IN("8", "e.to_status")                                                                        \
  " AND COALESCE(e.from_status, '') <> '' AND NOT (" KC_IN("9", "COALESCE(e.from_status, '')") ")"
/* Uncorrelated, so that it is read once: the status events of the period through
 * case_events_status_at (migration 33), each with its case for the office and the deadline
 * (+d.office_id: not through an office index, which would read every case of the office). */
#define KC_EVENT                                                                                   \
  "c.id IN (SELECT e.case_id FROM case_events e JOIN cases d ON d.id = e.case_id WHERE e.kind = "  \
  "'status' AND e.at >= $2 AND e.at < $3 AND +d.office_id = $1 AND CASE $7 WHEN 'received' THEN "  \
  "COALESCE(e.from_status, '') = '' WHEN 'completed' THEN " KC_COMPLETION                          \
  " WHEN 'on_time' THEN " KC_COMPLETION                                                            \
  " AND (d.due_at IS NULL OR d.due_at <= 0 OR e.at <= d.due_at) WHEN "                             \
  "'corrections' THEN e.to_status = 'correction' WHEN 'second_corrections' THEN e.to_status = "    \
  "'correction' AND EXISTS (SELECT 1 FROM case_events p WHERE p.case_id = e.case_id AND p.kind = " \
  "'status' AND p.to_status = 'correction' AND p.id < e.id) ELSE 1 = 0 END)"
#define KC_FILTERS                                                                                 \
  " AND ($4 = 0 OR c.unit_id = $4) AND ($5 = 0 OR c.service_id = $5) AND ($6 = '' OR c.channel "   \
  "= $6)"
/* Two statements: the figures of events drive from the period's events (the cases by primary
 * key), overdue from the open cases' partial index (migration 11). $7..$9 are used by the
 * first only; the second names them so both take the same parameters. */
#define KC_WHERE_EVENTS " FROM cases c WHERE " KC_EVENT " AND +c.office_id = $1" KC_FILTERS
#define KC_WHERE_OVERDUE                                                                           \
  " FROM cases c WHERE c.office_id = $1 AND c.closed_at IS NULL AND c.due_state = 'overdue' AND "  \
  "$7 = 'overdue' AND $8 = $8 AND $9 = $9 AND $2 = $2 AND $3 = $3" KC_FILTERS
#define KC_ARGS(f)                                                                                 \
  DB_I((f)->office_id), DB_I((f)->from_at), DB_I((f)->to_at), DB_I((f)->unit_id),                  \
      DB_I((f)->service_id), DB_S((f)->channel), DB_S((f)->figure), DB_S((f)->completed),          \
      DB_S((f)->final)

static bool overdue(const struct store_kpi_case_filter *f)
{
  return strcmp(f->figure, "overdue") == 0;
}

int store_kpi_case_count(struct store *store, const struct store_kpi_case_filter *f, int64_t *count)
{
  static const char events[] = "SELECT count(*)" KC_WHERE_EVENTS;
  static const char open[] = "SELECT count(*)" KC_WHERE_OVERDUE;
  *count = 0;
  return db_query_int(store, overdue(f) ? open : events, DB_ARGS(KC_ARGS(f)), count);
}

static int row_of(void *ctx, const struct db_row *row)
{
  struct db_reader *r = ctx;
  struct store_case_list_row *w = db_reader_next(r);
  if (w)
    *w = (struct store_case_list_row){db_col_int(row, 0),        db_col_int(row, 1),
                                      db_reader_text(r, row, 2), db_reader_text(r, row, 3),
                                      db_reader_text(r, row, 4), db_reader_text(r, row, 5),
                                      db_reader_text(r, row, 6), db_reader_text(r, row, 7),
                                      db_reader_text(r, row, 8), db_col_int(row, 9)};
  return r->rc;
}

int store_kpi_case_list(struct store *store, struct arena *arena,
                        const struct store_kpi_case_filter *f, struct store_case_list_row **rows,
                        size_t *count)
{
  /* the work list's order: soonest deadline first, then case id */
#define KC_COLUMNS                                                                                 \
  "SELECT c.id, COALESCE(c.due_at, 0), c.case_key, c.status, c.due_state, c.channel, "             \
  "c.applicant_name_masked, (SELECT u.display_name FROM users u WHERE u.id = c.handler_id), "      \
  "c.workflow, c.workflow_version"
#define KC_ORDER                                                                                   \
  " ORDER BY CASE WHEN c.due_at IS NULL THEN 1 ELSE 0 END, c.due_at, c.id LIMIT $10 OFFSET $11"
  static const char events[] = KC_COLUMNS KC_WHERE_EVENTS KC_ORDER;
  static const char open[] = KC_COLUMNS KC_WHERE_OVERDUE KC_ORDER;
  const char *sql = overdue(f) ? open : events;
  struct db_reader r = {arena, ST_OK, NULL, 0, 0, sizeof(**rows)};
  int rc =
      db_query_each(store, sql, DB_ARGS(KC_ARGS(f), DB_I(f->limit), DB_I(f->offset)), row_of, &r);
  *rows = r.items;
  *count = rc ? 0 : r.count;
  return rc;
}
