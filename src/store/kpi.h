/*
 * kpi.h - the store's part of the indicators (domain/kpi.h): the case events not yet counted,
 * the monthly counters they are added to, and the reads of those counters. Strings of the
 * typed rows live in the caller's arena ("" for NULL).
 */
#ifndef BIANMIN_STORE_KPI_H
#define BIANMIN_STORE_KPI_H

#if defined(BIANMIN_LAYER_WEB) || defined(BIANMIN_LAYER_WORKERS)
#error                                                                                             \
    "web/ and workers/ may not include store/ headers: call the domain (docs/ARCHITECTURE.md, Layers)"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct store;

/* A status event of a case with what the counters need of its case. correction_before counts
 * the case's earlier moves into correction (only for a move into correction, else 0). */
struct store_kpi_event {
  int64_t id, case_id, at, office_id, unit_id, service_id, limit_minutes, due_at;
  int64_t correction_before;
  const char *from_status, *to_status, *channel, *workflow;
};

/* Locks the state row (the write lock on SQLite, the row lock on PostgreSQL: two nodes never
 * count one event twice; the second sees what the first committed) and notes the time. Inside a
 * transaction. */
int store_kpi_lock(struct store *store, int64_t now);
/* When the counters last moved (unix seconds; 0: never). */
int store_kpi_updated_at(struct store *store, int64_t *updated_at);
/* Whether the log holds status events not yet counted (one partial-index read, no lock). */
int store_kpi_behind(struct store *store, bool *behind);
/* Up to max status events not yet counted, oldest first. */
int store_kpi_events_read(struct store *store, struct arena *arena, size_t max,
                          struct store_kpi_event **rows, size_t *count);
/* Marks an event just read as counted (by id: on PostgreSQL an event of a lower id may commit
 * after the read, and must stay uncounted until it is read). */
int store_kpi_event_counted(struct store *store, int64_t id);

/* What one event adds to the counters of (office, month, unit, service, channel). */
struct store_kpi_delta {
  int64_t office_id, month, unit_id, service_id;
  const char *channel;
  int64_t received, completed, on_time, ended_other, used_minutes, corrections;
  int64_t second_corrections;
  int64_t hours; /* the completed case's working hours (rounded up), or -1 */
};
int store_kpi_add(struct store *store, const struct store_kpi_delta *d);
/* Forgets every counter and marks every status event uncounted (inside a transaction). */
int store_kpi_reset(struct store *store);

/* A filter: the office, months from..to (YYYYMM, inclusive), and 0 / "" for "any". */
struct store_kpi_filter {
  int64_t office_id, from_month, to_month, unit_id, service_id;
  const char *channel;
};
/* The sums of a group: key is the month, the unit id, the service id or the channel's index in
 * the caller's order (by is "month", "unit", "service" or "channel"; for "channel", text). */
struct store_kpi_sums {
  int64_t key;
  const char *text_key;
  int64_t received, online_received, completed, on_time, ended_other, used_minutes;
  int64_t corrections, second_corrections;
};
int store_kpi_sums_read(struct store *store, struct arena *arena,
                        const struct store_kpi_filter *filter, const char *by,
                        struct store_kpi_sums **rows, size_t *count);
/* Completed cases by working hours (rounded up), ascending. */
struct store_kpi_hours {
  int64_t hours, cases;
};
int store_kpi_hours_read(struct store *store, struct arena *arena,
                         const struct store_kpi_filter *filter, struct store_kpi_hours **rows,
                         size_t *count);
/* Open cases of the office past their deadline now (unit, service: 0 for any). */
int store_kpi_overdue_open(struct store *store, const struct store_kpi_filter *filter,
                           int64_t *count);

#endif
