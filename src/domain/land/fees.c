/*
 * fees.c - land-office fee estimates (see fees.h).
 *
 * Rounding of the registration fee: the exact fee (value × 1‰ or 2‰) is first compared with
 * NT$1 (土地登記規則 §46 I: under NT$1 it is not charged), then rounded half-up to whole
 * dollars. The law does not say how to round; a Ministry of the Interior reply quoted by a
 * land scrivener's blog (longer1599.blogspot.com, 2021-01) says its fee system rounds half-up
 * (四捨五入), by analogy with 會計法 §16. DOMAIN.md records it as a secondary source.
 *
 * Late registration (土地法 §73 II): "每逾一個月得處應納登記費額一倍之罰鍰，但最高不得超過
 * 二十倍". We count every started month after the due date as one month (one day late is 1×,
 * one month and one day late is 2×). That is how land offices' pages explain it (e.g. the
 * Kinmen land office FAQ: "每逾1個月…1倍"), but no text we have seen says so outright:
 * UNCERTAIN. The months are counted on one calendar from the cause date with 民法 §120 II and
 * §121 (see land_period_end); §122 (a deadline falling on a holiday moves to the next working
 * day) is NOT applied, nor is the deduction of time not attributable to the applicant
 * (土地登記規則 §50 II), so the estimate can show a penalty the office would not charge.
 */
#include "domain/land/fees.h"

#include <stdio.h>
#include <string.h>

#include "base/common.h"

static int add_line(struct land_fee_breakdown *b, const char *key, int64_t quantity,
                    int64_t unit_price)
{
  if (b->count >= LAND_FEE_LINES_MAX)
    return ST_LIMIT;
  int64_t amount = quantity * unit_price; /* both bounded by the input limits */
  b->lines[b->count++] = (struct land_fee_line){key, quantity, unit_price, amount};
  b->total += amount;
  return ST_OK;
}

static int parse_optional_count(const char *text, const char *field, int64_t max, int64_t *out,
                                struct land_error *e)
{
  if (!text || str_trim(str_from(text)).len == 0) {
    *out = 0;
    return ST_OK;
  }
  return land_parse_count(text, field, 0, max, out, e);
}

/* ---- registration fee ---- */

struct civil_date land_period_end(struct civil_date cause, int months)
{
  struct civil_date start = civil_add_days(cause, 1); /* §120 II: the first day not counted */
  struct civil_date same = land_date_add_months(start, months);
  if (same.day != start.day)
    return same; /* §121 II: no corresponding day, the period ends with that month */
  return civil_add_days(same, -1); /* §121 I: the day before the corresponding day */
}

static int64_t month_index(struct civil_date d)
{
  return (int64_t)d.year * 12 + d.month - 1;
}

/* Started months of lateness: the smallest k with application <= end of (due months + k). */
static int64_t months_late(struct civil_date cause, int due_months, struct civil_date application)
{
  if (civil_compare(application, land_period_end(cause, due_months)) <= 0)
    return 0;
  /* Period ends fall in month (cause month + n), so k below this estimate is too small. */
  int64_t k = month_index(application) - month_index(cause) - due_months - 2;
  if (k < 1)
    k = 1;
  while (civil_compare(application, land_period_end(cause, due_months + (int)k)) > 0)
    k++;
  return k;
}

static int registration_value(const struct land_registration_input *in, struct rational *value,
                              struct land_error *e)
{
  struct rational per_m2, area, share;
  int st = ST_OK;
  if (in->value && str_trim(str_from(in->value)).len)
    return land_parse_amount(in->value, "value", false, value, e);
  if (land_parse_amount(in->value_per_m2, "value_per_m2", false, &per_m2, e) ||
      land_parse_area(in->area_m2, "area_m2", &area, e) ||
      land_parse_share(in->share, "share", &share, e))
    return ST_INVALID;
  *value = rational_mul(rational_mul(per_m2, area, &st), share, &st);
  if (st || rational_cmp(*value, rational_int(LAND_AMOUNT_MAX)) > 0)
    return land_fail(e, "value_per_m2", LAND_ERR_TOO_LARGE);
  return ST_OK;
}

static void compute_fee(struct land_registration_result *out)
{
  int st = ST_OK;
  out->fee_exact = rational_scale(out->value, out->rate_per_mille, 1000, &st);
  /* value <= LAND_AMOUNT_MAX, so st stays ST_OK */
  out->fee_under_one = rational_cmp(out->fee_exact, rational_int(1)) < 0;
  out->fee = out->fee_under_one ? 0 : rational_round_half_up(out->fee_exact);
}

static int compute_penalty(const struct land_registration_input *in,
                           struct land_registration_result *out)
{
  struct civil_date cause, application = in->today;
  if (in->kind != LAND_REG_CHANGE || !in->cause_date || !str_trim(str_from(in->cause_date)).len)
    return ST_OK; /* §73 II concerns change-of-rights registrations only */
  if (land_date_parse(in->cause_date, "cause_date", &cause, &out->error))
    return ST_INVALID;
  if (civil_compare(cause, in->today) > 0)
    return land_fail(&out->error, "cause_date", LAND_ERR_FUTURE_DATE);
  if (in->application_date && str_trim(str_from(in->application_date)).len &&
      land_date_parse(in->application_date, "application_date", &application, &out->error))
    return ST_INVALID;
  if (civil_compare(application, cause) < 0)
    return land_fail(&out->error, "application_date", LAND_ERR_DATE_ORDER);
  int due_months = in->cause == LAND_CAUSE_INHERITANCE ? 6 : 1;
  out->penalty_considered = true;
  out->due_date = land_period_end(cause, due_months);
  out->months_late = months_late(cause, due_months, application);
  out->penalty_multiplier =
      out->months_late < LAND_LATE_MULTIPLIER_MAX ? out->months_late : LAND_LATE_MULTIPLIER_MAX;
  out->penalty = out->fee * out->penalty_multiplier;
  return ST_OK;
}

static int check_kinds(const struct land_registration_input *in, struct land_error *e)
{
  if (in->kind != LAND_REG_CHANGE && in->kind != LAND_REG_FIRST)
    return land_fail(e, "kind", LAND_ERR_UNKNOWN_KIND);
  if (in->cause != LAND_CAUSE_GENERAL && in->cause != LAND_CAUSE_INHERITANCE)
    return land_fail(e, "cause", LAND_ERR_UNKNOWN_KIND);
  if (!land_date_valid(in->today))
    return land_fail(e, "today", LAND_ERR_DATE_FORMAT);
  return ST_OK;
}

int land_fee_registration(const struct land_registration_input *in,
                          struct land_registration_result *out)
{
  memset(out, 0, sizeof(*out));
  if (check_kinds(in, &out->error) || registration_value(in, &out->value, &out->error) ||
      parse_optional_count(in->sheets, "sheets", LAND_TITLE_DEED_MAX, &out->sheets, &out->error))
    return ST_INVALID;
  out->rate_per_mille = in->kind == LAND_REG_FIRST ? 2 : 1;
  compute_fee(out);
  if (compute_penalty(in, out))
    return ST_INVALID;
  add_line(&out->fees, "land_fee_registration", 1, out->fee);
  if (out->sheets)
    add_line(&out->fees, "land_fee_title_deed", out->sheets, LAND_TITLE_DEED_FEE);
  if (out->penalty_multiplier)
    add_line(&out->fees, "land_fee_late_penalty", out->penalty_multiplier, out->fee);
  return ST_OK;
}

/* ---- boundary survey ---- */

/* Base fee per parcel by area (DOMAIN.md, from the fee standard in force since 2023-05-01). */
static const struct {
  int64_t below_m2; /* 0: no upper bound */
  int64_t fee;
  const char *key;
} survey_bands[] = {
    {200, 2500, "land_fee_survey_under_200"},
    {1000, 3000, "land_fee_survey_under_1000"},
    {10000, 3500, "land_fee_survey_under_10000"},
    {0, 4000, "land_fee_survey_10000_up"},
};

static size_t survey_band(struct rational area)
{
  size_t i = 0;
  while (survey_bands[i].below_m2 &&
         rational_cmp(area, rational_int(survey_bands[i].below_m2)) >= 0)
    i++;
  return i;
}

static int survey_parcel(const struct land_survey_parcel *p, int64_t *band_counts, int64_t *groups,
                         struct land_error *e)
{
  struct rational area;
  int64_t points;
  if (land_parse_area(p->area_m2, "area_m2", &area, e) ||
      land_parse_count(p->points, "points", 0, LAND_SURVEY_POINTS_MAX, &points, e))
    return ST_INVALID;
  if (rational_sign(area) == 0) /* a parcel has an area; the schedules refuse 0 as well */
    return land_fail(e, "area_m2", LAND_ERR_ZERO_AREA);
  band_counts[survey_band(area)]++;
  *groups += (points + LAND_SURVEY_POINTS_GROUP - 1) / LAND_SURVEY_POINTS_GROUP;
  return ST_OK;
}

int land_fee_boundary_survey(const struct land_survey_parcel *parcels, size_t count,
                             struct land_fee_breakdown *out, struct land_error *e)
{
  int64_t band_counts[ARRAY_LEN(survey_bands)] = {0}, groups = 0;
  memset(out, 0, sizeof(*out));
  memset(e, 0, sizeof(*e));
  if (count < 1 || count > LAND_SURVEY_PARCELS_MAX)
    return land_fail(e, "parcels", LAND_ERR_COUNT_RANGE);
  for (size_t i = 0; i < count; i++)
    if (survey_parcel(&parcels[i], band_counts, &groups, e))
      return ST_INVALID;
  for (size_t b = 0; b < ARRAY_LEN(survey_bands); b++)
    if (band_counts[b])
      add_line(out, survey_bands[b].key, band_counts[b], survey_bands[b].fee);
  if (groups)
    add_line(out, "land_fee_survey_points", groups, LAND_SURVEY_POINTS_FEE);
  return ST_OK;
}

/* ---- land reference viewing ---- */

/* Started 5-minute blocks count as whole ones (our reading; the standard prices "每5分鐘"). */
int land_fee_viewing(const struct land_viewing_input *in, struct land_fee_breakdown *out,
                     struct land_error *e)
{
  int64_t parcels, minutes = 0, sheets;
  memset(out, 0, sizeof(*out));
  memset(e, 0, sizeof(*e));
  if (in->channel != LAND_VIEW_OFFICE && in->channel != LAND_VIEW_ONLINE)
    return land_fail(e, "channel", LAND_ERR_UNKNOWN_KIND);
  if (land_parse_count(in->parcels, "parcels", 1, LAND_VIEW_PARCELS_MAX, &parcels, e) ||
      (in->channel == LAND_VIEW_OFFICE &&
       land_parse_count(in->minutes, "minutes", 1, LAND_VIEW_MINUTES_MAX, &minutes, e)) ||
      parse_optional_count(in->printed_sheets, "printed_sheets", LAND_VIEW_SHEETS_MAX, &sheets, e))
    return ST_INVALID;
  if (in->channel == LAND_VIEW_OFFICE)
    add_line(out, "land_fee_viewing_office",
             parcels * ((minutes + LAND_VIEW_BLOCK_MIN - 1) / LAND_VIEW_BLOCK_MIN),
             LAND_VIEW_OFFICE_FEE);
  else
    add_line(out, "land_fee_viewing_online", parcels, LAND_VIEW_ONLINE_FEE);
  if (sheets)
    add_line(out, "land_fee_printed_sheet", sheets, LAND_VIEW_SHEET_FEE);
  return ST_OK;
}

/* ---- JSON ---- */

json_t *land_fee_breakdown_to_json(const struct land_fee_breakdown *b)
{
  json_t *lines = json_array();
  for (size_t i = 0; lines && i < b->count; i++) {
    const struct land_fee_line *l = &b->lines[i];
    if (json_array_append_new(lines, json_pack("{s:s, s:I, s:I, s:I}", "label_key", l->label_key,
                                               "quantity", (json_int_t)l->quantity, "unit_price",
                                               (json_int_t)l->unit_price, "amount",
                                               (json_int_t)l->amount))) {
      json_decref(lines);
      return NULL;
    }
  }
  return lines ? json_pack("{s:o, s:I}", "lines", lines, "total", (json_int_t)b->total) : NULL;
}

static json_t *date_to_json(struct civil_date d)
{
  char text[16];
  snprintf(text, sizeof(text), "%04d-%02d-%02d", d.year, d.month, d.day);
  return json_string(text);
}

json_t *land_registration_to_json(const struct land_registration_result *r)
{
  json_t *penalty = json_null();
  if (r->penalty_considered)
    penalty =
        json_pack("{s:o, s:I, s:I, s:I, s:i}", "due_date", date_to_json(r->due_date), "months_late",
                  (json_int_t)r->months_late, "multiplier", (json_int_t)r->penalty_multiplier,
                  "amount", (json_int_t)r->penalty, "multiplier_max", LAND_LATE_MULTIPLIER_MAX);
  return json_pack("{s:o, s:i, s:o, s:I, s:b, s:I, s:o, s:o}", "value",
                   rational_to_json(r->value, 2), "rate_per_mille", r->rate_per_mille, "fee_exact",
                   rational_to_json(r->fee_exact, 4), "fee", (json_int_t)r->fee, "fee_under_one",
                   r->fee_under_one, "sheets", (json_int_t)r->sheets, "penalty", penalty, "fees",
                   land_fee_breakdown_to_json(&r->fees));
}
