/*
 * kpi_service.c - the indicators that are not cases (kpi.h "kpi_services"): counter queues,
 * satisfaction, petitions and their answers' ratings, courtesy tests and spot checks, read from
 * what those features record (store/kpi_service.h) over the dashboard's months, with their targets
 * and statuses.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/civil.h"
#include "domain/kpi.h"
#include "domain/survey.h"
#include "store/case_documents.h"
#include "store/kpi_service.h"
#include "store/store.h"

#include "base/common.h"

enum {
  KPI_SERVICE_AT_RISK_MARGIN = 20, /* per mille below a target that is "at risk" (as on time) */
  KPI_WAIT_MINUTES_MAX = 24 * 60,  /* a waiting target above a day is not a target */
  KPI_RATING_SATISFIED = 4         /* the top two of the 1..5 rating are satisfied */
};

const char *const kpi_service_target_settings[KPI_SERVICE_KINDS] = {
    "kpi.queue_within_target_permille",     "kpi.satisfaction_target_permille",
    "kpi.petition_on_time_target_permille", "kpi.courtesy_target_permille",
    "kpi.spot_check_target_permille",       "kpi.petition_rating_target_permille",
    "kpi.paperless_target_permille"};

enum kpi_status kpi_status_of(int value_permille, int target_permille)
{
  if (target_permille < 0)
    return KPI_NO_TARGET;
  if (value_permille < 0)
    return KPI_NO_DATA;
  if (value_permille >= target_permille)
    return KPI_MET;
  return value_permille >= target_permille - KPI_SERVICE_AT_RISK_MARGIN ? KPI_AT_RISK : KPI_MISSED;
}

static int share(int64_t part, int64_t whole)
{
  return whole > 0 ? (int)((part * 1000 + whole / 2) / whole) : -1;
}

/* An office setting as a whole number in [0, max]; fallback when unset or not one. */
static int setting_int(struct store *store, int64_t office_id, const char *key, int max,
                       int fallback)
{
  char *value = NULL;
  int out = fallback;
  if (store_setting_get(store, office_id, key, &value) == ST_OK && value) {
    char *end = NULL;
    long v = strtol(value, &end, 10);
    if (end != value && !*end && v >= 0 && v <= max)
      out = (int)v;
  }
  free(value);
  return out;
}

/* The filter's months [first, last] of one year (year_shift 0) or the year before (-1). */
struct period {
  struct civil_date first, last; /* first and last day */
  char from_day[CIVIL_ISO_SIZE], to_day[CIVIL_ISO_SIZE], from_month[8], to_month[8];
  int64_t from_at, to_at; /* [from_at, to_at): Taipei midnights */
};

static void period_of(const struct kpi_filter *f, int year_shift, struct period *p)
{
  int year = f->roc_year + CIVIL_ROC_OFFSET + year_shift;
  int m1 = f->month ? f->month : 1, m2 = f->month ? f->month : 12;
  p->first = (struct civil_date){year, m1, 1};
  p->last = (struct civil_date){year, m2, civil_days_in_month(year, m2)};
  civil_format_iso(p->first, p->from_day);
  civil_format_iso(p->last, p->to_day);
  memcpy(p->from_month, p->from_day, 7);
  memcpy(p->to_month, p->to_day, 7);
  p->from_month[7] = p->to_month[7] = '\0';
  p->from_at = (int64_t)civil_taipei_midnight(p->first);
  p->to_at = (int64_t)civil_taipei_midnight(civil_add_days(p->last, 1));
}

static int64_t bucket_percentile(struct arena *arena, const struct store_kpi_bucket *rows, size_t n,
                                 int percent)
{
  int64_t *values = n ? arena_alloc(arena, n * sizeof(*values)) : NULL;
  int64_t *counts = n ? arena_alloc(arena, n * sizeof(*counts)) : NULL;
  if (!values || !counts)
    return -1;
  for (size_t i = 0; i < n; i++) {
    values[i] = rows[i].value;
    counts[i] = rows[i].count;
  }
  return kpi_percentile(values, counts, n, percent);
}

static int queue_read(struct store *store, struct arena *arena, const struct kpi_report *r,
                      const struct period *p, struct kpi_queue *out)
{
  struct store_kpi_queue_filter f = {r->filter.office_id,    civil_to_days(p->first),
                                     civil_to_days(p->last), r->filter.unit_id,
                                     r->filter.service_id,   r->queue_wait_target_minutes * 60};
  struct store_kpi_queue_sums s;
  struct store_kpi_bucket *rows = NULL, *service = NULL;
  size_t n = 0, ns = 0;
  int rc = store_kpi_queue_sums(store, &f, &s);
  if (!rc)
    rc = store_kpi_queue_waits(store, arena, &f, &rows, &n);
  if (!rc)
    rc = store_kpi_queue_service(store, arena, &f, &service, &ns);
  if (rc)
    return rc;
  *out = (struct kpi_queue){s.tickets,
                            s.called,
                            s.no_shows,
                            s.within,
                            bucket_percentile(arena, rows, n, 50),
                            bucket_percentile(arena, rows, n, 90)};
  out->within_permille = share(s.within, s.called);
  out->no_show_permille = share(s.no_shows, s.tickets);
  for (size_t i = 0; i < ns; i++)
    out->served += service[i].count;
  out->service_median_minutes = bucket_percentile(arena, service, ns, 50);
  out->service_p90_minutes = bucket_percentile(arena, service, ns, 90);
  return ST_OK;
}

static int petitions_read(struct store *store, struct arena *arena, const struct kpi_report *r,
                          const struct period *p, struct kpi_petitions *out)
{
  struct store_kpi_petition_filter f = {r->filter.office_id, p->from_at, p->to_at,
                                        r->filter.unit_id};
  struct store_kpi_petition_sums s;
  struct store_kpi_bucket *rows = NULL;
  size_t n = 0;
  int rc = store_kpi_petition_sums(store, &f, &s);
  if (!rc)
    rc = store_kpi_petition_days(store, arena, &f, &rows, &n);
  if (rc)
    return rc;
  *out = (struct kpi_petitions){s.received, s.answered, s.within,
                                bucket_percentile(arena, rows, n, 50)};
  out->within_permille = share(s.within, s.answered);
  return ST_OK;
}

static int rating_read(struct store *store, const struct kpi_report *r, const struct period *p,
                       struct kpi_rating *out)
{
  struct store_kpi_petition_filter f = {r->filter.office_id, p->from_at, p->to_at,
                                        r->filter.unit_id};
  int64_t rated = 0, satisfied = 0;
  int rc = store_kpi_petition_ratings(store, &f, KPI_RATING_SATISFIED, &rated, &satisfied);
  *out = (struct kpi_rating){rated, satisfied, share(satisfied, rated)};
  return rc;
}

static int paperless_read(struct store *store, const struct kpi_report *r, const struct period *p,
                          struct kpi_paperless *out)
{
  struct store_kpi_paperless_filter f = {
      r->filter.office_id, p->from_at,           p->to_at,
      r->filter.unit_id,   r->filter.service_id, r->filter.channel};
  int64_t with = 0, paperless = 0;
  int rc = store_kpi_paperless_sums(store, &f, &with, &paperless);
  *out = (struct kpi_paperless){with, paperless, share(paperless, with)};
  return rc;
}

static int quality_read(struct store *store, const struct kpi_report *r, const struct period *p,
                        const char *kind, struct kpi_quality *out)
{
  int64_t records = 0, sum = 0;
  int rc = store_kpi_quality_sums(store, r->filter.office_id, kind, p->from_day, p->to_day,
                                  r->filter.unit_id, &records, &sum);
  *out = (struct kpi_quality){records, share(sum, records * 1000)};
  return rc;
}

/* The code of each survey's first five-point question ("" when it has none), by index. */
static const char **focus_codes(struct arena *arena, const struct store_kpi_survey *s, size_t n)
{
  const char **codes = arena_alloc(arena, (n ? n : 1) * sizeof(*codes));
  for (size_t i = 0; codes && i < n; i++) {
    json_t *def = json_loads(s[i].text, 0, NULL);
    struct survey parsed;
    const char *error = NULL, *where = NULL;
    codes[i] = "";
    if (def && survey_parse(arena, def, &parsed, &error, &where) == ST_OK)
      for (size_t q = 0; !codes[i][0] && q < parsed.question_count; q++)
        if (parsed.questions[q].kind == SURVEY_SCALE5)
          codes[i] = parsed.questions[q].code;
    json_decref(def);
  }
  return codes;
}

static void tally_answer(const struct store_kpi_survey *surveys, const char **codes, size_t n,
                         const struct store_kpi_survey *answer, struct survey_tally *t)
{
  size_t i = 0;
  while (i < n && surveys[i].id != answer->id)
    i++;
  if (i == n || !codes[i][0])
    return;
  json_t *answers = json_loads(answer->text, 0, NULL);
  const char *v = json_string_value(json_object_get(answers, codes[i]));
  if (v && v[0] >= '1' && v[0] <= '5' && !v[1])
    survey_tally_add(t, v[0] - '0');
  json_decref(answers);
}

static int satisfaction_read(struct store *store, struct arena *arena, const struct kpi_report *r,
                             const struct period *p, struct kpi_satisfaction *out)
{
  struct store_kpi_survey *surveys = NULL, *answers = NULL;
  size_t ns = 0, na = 0;
  struct survey_tally t = {{0}, 0};
  int rc = store_kpi_surveys(store, arena, r->filter.office_id, &surveys, &ns);
  if (!rc && ns)
    rc = store_kpi_survey_answers(store, arena, r->filter.office_id, p->from_month, p->to_month,
                                  r->filter.unit_id, r->filter.service_id, &answers, &na);
  const char **codes = !rc && ns ? focus_codes(arena, surveys, ns) : NULL;
  if (!rc && ns && !codes)
    rc = ST_NOMEM;
  for (size_t i = 0; !rc && i < na; i++)
    tally_answer(surveys, codes, ns, &answers[i], &t);
  *out = (struct kpi_satisfaction){t.n, survey_tally_satisfied(&t),
                                   share(survey_tally_satisfied(&t), t.n)};
  return rc;
}

static int services_of(struct store *store, struct arena *arena, const struct kpi_report *r,
                       int year_shift, struct kpi_services *out)
{
  struct period p;
  period_of(&r->filter, year_shift, &p);
  const struct kpi_service_status *st = r->service_status;
  int rc = ST_OK;
  if (st[KPI_QUEUE].applies)
    rc = queue_read(store, arena, r, &p, &out->queue);
  if (!rc && st[KPI_SATISFACTION].applies)
    rc = satisfaction_read(store, arena, r, &p, &out->satisfaction);
  if (!rc && st[KPI_PETITIONS].applies)
    rc = petitions_read(store, arena, r, &p, &out->petitions);
  if (!rc && st[KPI_COURTESY].applies)
    rc = quality_read(store, r, &p, "phone", &out->courtesy);
  if (!rc && st[KPI_SPOT_CHECK].applies)
    rc = quality_read(store, r, &p, "counter", &out->spot_check);
  if (!rc && st[KPI_PETITION_RATING].applies)
    rc = rating_read(store, r, &p, &out->rating);
  if (!rc && st[KPI_PAPERLESS].applies)
    rc = paperless_read(store, r, &p, &out->paperless);
  return rc;
}

/* What each figure applies to, and the office's targets. */
static void targets_of(struct store *store, struct kpi_report *r)
{
  bool any_channel = !r->filter.channel || !r->filter.channel[0];
  bool any_service = r->filter.service_id == 0;
  for (int k = 0; k < KPI_SERVICE_KINDS; k++)
    r->service_status[k] = (struct kpi_service_status){
        k == KPI_PAPERLESS ||
            (any_channel && (any_service || k == KPI_QUEUE || k == KPI_SATISFACTION)),
        setting_int(store, r->filter.office_id, kpi_service_target_settings[k], 1000, -1),
        KPI_NO_TARGET};
  r->queue_wait_target_minutes = setting_int(store, r->filter.office_id, KPI_QUEUE_WAIT_SETTING,
                                             KPI_WAIT_MINUTES_MAX, KPI_QUEUE_WAIT_MINUTES);
}

int kpi_services_read(struct store *store, struct arena *arena, struct kpi_report *out)
{
  out->services_now = out->services_previous = (struct kpi_services){0};
  targets_of(store, out);
  int rc = services_of(store, arena, out, 0, &out->services_now);
  if (!rc)
    rc = services_of(store, arena, out, -1, &out->services_previous);
  const struct kpi_services *s = &out->services_now;
  int values[KPI_SERVICE_KINDS] = {s->queue.within_permille,     s->satisfaction.permille,
                                   s->petitions.within_permille, s->courtesy.mean_permille,
                                   s->spot_check.mean_permille,  s->rating.permille,
                                   s->paperless.permille};
  int64_t then = out->services_previous.paperless.paperless;
  out->paperless_growth_known = then > 0;
  out->paperless_growth_permille =
      then > 0 ? (int)((s->paperless.paperless - then) * 1000 / then) : 0;
  for (int k = 0; !rc && k < KPI_SERVICE_KINDS; k++)
    if (out->service_status[k].applies)
      out->service_status[k].status =
          kpi_status_of(values[k], out->service_status[k].target_permille);
  return rc;
}
