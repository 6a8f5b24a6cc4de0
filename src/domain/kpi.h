/*
 * kpi.h - the indicators the service-improvement plans name (DOMAIN.md "Indicators"), computed
 * from the case event log, never typed in.
 *
 * How: each status event of the log is counted once into per-month counters (office, Taipei
 * month, unit, service, channel: received, completed, on time, ended otherwise, working minutes
 * used, corrections, second corrections) and completed cases into a working-hours histogram.
 * kpi_update counts the events not yet counted, each marked as it is (the scanner calls it every
 * pass, and the dashboard before it reads, at most a few batches), so a view reads a few
 * thousand counter rows, not the cases.
 * Rules:
 * - received: the case's first event (from no status), in the month it was taken in;
 * - completed: a move from an open or paused step into a final step that counts as completed
 *   work (closed, archived; workflow.h), in the month of the move; a final step that is not
 *   completed work (rejected, withdrawn) is "ended otherwise";
 * - on time: completed at or before the case's deadline (the deadline already stops for
 *   corrections and public notices and moves with extensions: cases.h);
 * - working time used: the limit with its extensions minus the working time left at
 *   completion, or the limit plus the working time past the deadline (the government calendar);
 * - corrections: moves into correction; the second and later of a case are second corrections.
 */
#ifndef BIANMIN_DOMAIN_KPI_H
#define BIANMIN_DOMAIN_KPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct arena;
struct store; /* a connection: web only passes it on (ARCHITECTURE.md, Layers) */

/* Counts the events not yet counted (all of them, in batches, each batch one transaction);
 * *counted (may be NULL) receives how many. Safe on many nodes at once. */
int kpi_update(struct store *store, time_t now, int64_t *counted);
/* Forgets the counters and counts the whole log again, in one transaction. */
int kpi_rebuild(struct store *store, time_t now, int64_t *counted);

/* What a view shows: one ROC year (month 0) or one month of it, optionally one unit, service
 * or channel ("" for any). */
struct kpi_filter {
  int64_t office_id;
  int roc_year, month;
  int64_t unit_id, service_id;
  const char *channel;
};

enum kpi_status { KPI_NO_TARGET, KPI_MET, KPI_AT_RISK, KPI_MISSED, KPI_NO_DATA };
/* "met", "at_risk", "missed", "no_target", "no_data". */
const char *kpi_status_name(enum kpi_status status);

/* The figures of a set of cases. Rates in per mille (0..1000), -1 when there is nothing to
 * divide by; hours are working hours (8 a working day), median and P90 rounded up to the hour. */
struct kpi_figures {
  int64_t received, online_received, completed, on_time, ended_other, corrections;
  int64_t second_corrections, used_minutes;
  int on_time_permille, online_permille;
  double mean_hours;
  int64_t median_hours, p90_hours; /* -1 when no completed case */
};

struct kpi_option {
  int64_t id;
  const char *name_zh, *name_en;
};

/* A row of a breakdown: the month (1..12), unit, service or channel it is for. */
struct kpi_row {
  int64_t key;
  const char *label_zh, *label_en, *channel;
  struct kpi_figures figures;
};

/* The indicators that are not cases, each over the filter's months (service figures: -1 when
 * there is nothing to divide by; medians -1 when none):
 * - queue: tickets taken (unit: through the ticket's service), waiting from taking the ticket
 *   to its first call in minutes (rounded up), the share called within the office's waiting
 *   target, and no-shows (called, never came) of the tickets; counter service time: the
 *   minutes (rounded up) from a done ticket's last call to its end (done), median and P90 over
 *   the tickets served (done with both times);
 * - satisfaction: survey answers to the first five-point question of each of the office's
 *   surveys; satisfied = 4 or 5 (survey_stats.h);
 * - petitions: received (not the unverified), answered, answered at or before their legal due
 *   time, the days from receipt to answer (calendar days, rounded up);
 * - paperless (減少書證謄本): cases received in the months whose service required at least one
 *   document, and those of them with at least one document checked online and none on paper
 *   (case_documents.h; recorded for cases taken in since migration 35);
 * - petition rating: of the same petitions, the answers rated (the one-click 1..5 rating,
 *   petition.h) and those rated satisfied, the top two of the scale (4 or 5, as surveys);
 * - courtesy (phone-courtesy tests) and spot_check (counter spot checks): quality records held
 *   in the months and the mean of their scores (per mille of the maximum). */
struct kpi_queue {
  int64_t tickets, called, no_shows, within_target, median_minutes, p90_minutes;
  int within_permille, no_show_permille;
  int64_t served, service_median_minutes, service_p90_minutes;
};
struct kpi_satisfaction {
  int64_t answers, satisfied;
  int permille;
};
struct kpi_petitions {
  int64_t received, answered, within_limit, median_days;
  int within_permille;
};
struct kpi_rating {
  int64_t rated, satisfied;
  int permille;
};
struct kpi_paperless {
  int64_t with_documents, paperless;
  int permille;
};
struct kpi_quality {
  int64_t records;
  int mean_permille;
};
struct kpi_services {
  struct kpi_queue queue;
  struct kpi_satisfaction satisfaction;
  struct kpi_petitions petitions;
  struct kpi_quality courtesy, spot_check;
  struct kpi_rating rating; /* of the petitions' answers */
  struct kpi_paperless paperless;
};
/* One of them with its target (per mille; -1: the office set none) and plain status. applies
 * is false when the filter names what it has no notion of (a channel, except for paperless
 * cases; a service for petitions and quality records): then it is not read. */
enum kpi_service_kind {
  KPI_QUEUE,
  KPI_SATISFACTION,
  KPI_PETITIONS,
  KPI_COURTESY,
  KPI_SPOT_CHECK,
  KPI_PETITION_RATING,
  KPI_PAPERLESS,
  KPI_SERVICE_KINDS
};
struct kpi_service_status {
  bool applies;
  int target_permille;
  enum kpi_status status;
};
/* The office settings naming the targets (values in per mille, "900"), and the queue's waiting
 * target in minutes (KPI_QUEUE_WAIT_MINUTES unless set). */
#define KPI_QUEUE_WAIT_SETTING "kpi.queue_wait_target_minutes"
enum { KPI_QUEUE_WAIT_MINUTES = 15 };
extern const char *const kpi_service_target_settings[KPI_SERVICE_KINDS];

struct kpi_report {
  struct kpi_filter filter;
  /* the indicators that are not cases, now and the same months a year before */
  struct kpi_services services_now, services_previous;
  struct kpi_service_status service_status[KPI_SERVICE_KINDS];
  int queue_wait_target_minutes;
  /* growth of the paperless cases against the same months a year before, per mille (may be
   * negative); known only when there were some then */
  bool paperless_growth_known;
  int paperless_growth_permille;
  struct kpi_figures total, previous; /* previous: the same months a year before */
  /* growth of the cases filed online against the previous year, per mille (negative when
   * fewer); known only when the previous year had any */
  int online_growth_permille;
  bool online_growth_known;
  int64_t overdue_open; /* open cases past their deadline now */
  enum kpi_status on_time_status, second_corrections_status, overdue_status;
  int on_time_target_permille;
  struct kpi_row *by_month, *by_unit, *by_service, *by_channel;
  size_t month_count, unit_count, service_count, channel_count;
  /* the office's catalogue: services published, with an SOP (steps), that can be applied for
   * online */
  int64_t services, services_with_sop, services_online;
  int64_t updated_at; /* when the counters last moved (unix seconds) */
  /* what the filter offers: the office's units and published services */
  struct kpi_option *unit_options, *service_options;
  size_t unit_option_count, service_option_count;
};

/* One read for the dashboard (inside one read transaction after kpi_update). */
int kpi_report_read(struct store *store, struct arena *arena, time_t now,
                    const struct kpi_filter *filter, struct kpi_report *out);

/* For kpi.c: reads services_now, services_previous and the statuses of out (whose filter is
 * set) inside the caller's read transaction. */
int kpi_services_read(struct store *store, struct arena *arena, struct kpi_report *out);
/* The plain status of a per-mille figure against a target: no data (value < 0), no target
 * (target < 0), met, at risk (within the margin below the target) or missed. */
enum kpi_status kpi_status_of(int value_permille, int target_permille);

/* ---- from a figure to its cases ------------------------------------------------------------ */

/* The cases behind a case figure of the dashboard, as a page of the staff work list
 * (case_staff_read.h): figure "received", "completed", "on_time", "corrections",
 * "second_corrections" (the cases with at least one status event the counters count as that
 * figure in the filter's months, by the rules above) or "overdue" (open and past their
 * deadline now, whatever the months). The list counts cases: it equals the figure except where
 * one case adds twice to a figure in the months (two corrections; reopened and completed
 * again). ST_INVALID for another figure or a filter outside kpi_report_read's. */
struct case_env;
struct case_actor;
struct case_worklist;
struct kpi_case_query {
  struct kpi_filter filter;
  const char *figure;
  int64_t page, page_size;
};
bool kpi_case_figure_valid(const char *figure);
int kpi_case_list_read(const struct case_env *env, const struct case_actor *actor,
                       struct arena *arena, const struct kpi_case_query *q,
                       struct case_worklist *out);

/* The median / P90 rule, exposed for tests: the smallest hour h with at least ceil(p% of n)
 * completed cases at or below it (hours ascending, cases > 0); -1 when n is 0. */
int64_t kpi_percentile(const int64_t *hours, const int64_t *cases, size_t count, int percent);

#endif
