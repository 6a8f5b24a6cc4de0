/*
 * kpi_service.h - the store's reads for the indicators that are not cases (domain/kpi.h):
 * counter-queue tickets, petitions, quality records and survey answers of one office over a
 * period, optionally one unit or service (0: any). Read straight from their tables through
 * indexed conditions (see docs/ARCHITECTURE.md "Indicators"); strings live in the caller's
 * arena ("" for NULL).
 */
#ifndef BIANMIN_STORE_KPI_SERVICE_H
#define BIANMIN_STORE_KPI_SERVICE_H

#if defined(BIANMIN_LAYER_WEB) || defined(BIANMIN_LAYER_WORKERS)
#error                                                                                             \
    "web/ and workers/ may not include store/ headers: call the domain (docs/ARCHITECTURE.md, Layers)"
#endif

#include <stddef.h>
#include <stdint.h>

struct arena;
struct store;

/* A histogram bucket: value (minutes or days, rounded up) and how many. */
struct store_kpi_bucket {
  int64_t value, count;
};

/* Tickets taken on Taipei days day_from..day_to (civil days, inclusive); unit through the
 * ticket's service's unit. within: first called at most wait_target seconds after taking. */
struct store_kpi_queue_filter {
  int64_t office_id, day_from, day_to, unit_id, service_id, wait_target;
};
struct store_kpi_queue_sums {
  int64_t tickets, called, no_shows, within;
};
int store_kpi_queue_sums(struct store *store, const struct store_kpi_queue_filter *f,
                         struct store_kpi_queue_sums *out);
/* Called tickets by waiting minutes (first call - taken, rounded up), ascending. */
int store_kpi_queue_waits(struct store *store, struct arena *arena,
                          const struct store_kpi_queue_filter *f, struct store_kpi_bucket **rows,
                          size_t *count);
/* Done tickets by service minutes (done - last call, rounded up), ascending. */
int store_kpi_queue_service(struct store *store, struct arena *arena,
                            const struct store_kpi_queue_filter *f, struct store_kpi_bucket **rows,
                            size_t *count);

/* Petitions received in [from_at, to_at) (unix seconds; not the unverified). within: answered
 * at or before the due time. */
struct store_kpi_petition_filter {
  int64_t office_id, from_at, to_at, unit_id;
};
struct store_kpi_petition_sums {
  int64_t received, answered, within;
};
int store_kpi_petition_sums(struct store *store, const struct store_kpi_petition_filter *f,
                            struct store_kpi_petition_sums *out);
/* Answered petitions by calendar days from receipt to answer (rounded up), ascending. */
int store_kpi_petition_days(struct store *store, struct arena *arena,
                            const struct store_kpi_petition_filter *f,
                            struct store_kpi_bucket **rows, size_t *count);
/* Of the same petitions: answers rated, and rated at least satisfied_from (1..5). */
int store_kpi_petition_ratings(struct store *store, const struct store_kpi_petition_filter *f,
                               int64_t satisfied_from, int64_t *rated, int64_t *satisfied);

/* Quality records of kind held on from..to ("YYYY-MM-DD", inclusive): how many, and the sum
 * of their scores (permille each). */
int store_kpi_quality_sums(struct store *store, int64_t office_id, const char *kind,
                           const char *from, const char *to, int64_t unit_id, int64_t *records,
                           int64_t *score_sum);

/* The office's surveys (id and definition text), and the answers of months from..to
 * ("YYYY-MM", inclusive) with their survey and answers text. */
struct store_kpi_survey {
  int64_t id;
  const char *text;
};
int store_kpi_surveys(struct store *store, struct arena *arena, int64_t office_id,
                      struct store_kpi_survey **rows, size_t *count);
int store_kpi_survey_answers(struct store *store, struct arena *arena, int64_t office_id,
                             const char *from, const char *to, int64_t unit_id, int64_t service_id,
                             struct store_kpi_survey **rows, size_t *count);

/* The cases behind a figure of the case indicators (domain/kpi.h): figure "received",
 * "completed", "on_time", "corrections", "second_corrections" (the cases with at least one
 * status event of that kind at [from_at, to_at)) or "overdue" (open and past their deadline
 * now, whatever the period); unit, service, channel 0 / "" for any. completed and final are
 * the workflows' completed final steps and all final steps, as ",closed,archived,". */
struct store_kpi_case_filter {
  int64_t office_id, from_at, to_at, unit_id, service_id;
  const char *channel, *figure, *completed, *final;
  int64_t limit, offset;
};
/* A row as the work list shows it (the work list's store_case_list_row). */
struct store_case_list_row;
int store_kpi_case_count(struct store *store, const struct store_kpi_case_filter *f,
                         int64_t *count);
int store_kpi_case_list(struct store *store, struct arena *arena,
                        const struct store_kpi_case_filter *f, struct store_case_list_row **rows,
                        size_t *count);

#endif
