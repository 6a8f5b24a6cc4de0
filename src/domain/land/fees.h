/*
 * fees.h - land-office fee estimates (地政規費; DOMAIN.md, "Land-office tools"): registration
 * fee with title deed sheets and the late-registration penalty, boundary survey (鑑界) and land
 * reference viewing. Every estimate is a breakdown of lines and a total in whole NT$.
 *
 * Sources: 土地法 §65 (2‰ first registration), §76 (1‰ change of rights), §67 and the
 * 土地或建築改良物權利書狀及申請應用地籍資料規費收費標準 §2 (NT$80 per sheet), §73 II (late
 * penalty), 土地登記規則 §46 I (a registration fee under NT$1 is not charged), §50 II (time not
 * attributable to the applicant is deducted; not modelled here).
 */
#ifndef BIANMIN_DOMAIN_LAND_FEES_H
#define BIANMIN_DOMAIN_LAND_FEES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "domain/land/input.h"
#include "domain/land/rational.h"

#define LAND_FEE_LINES_MAX 8

/* One line of a bill: label_key is a translation key ("land_fee_title_deed"). */
struct land_fee_line {
  const char *label_key;
  int64_t quantity;
  int64_t unit_price; /* NT$ */
  int64_t amount;     /* quantity × unit_price, NT$ */
};

struct land_fee_breakdown {
  struct land_fee_line lines[LAND_FEE_LINES_MAX];
  size_t count;
  int64_t total; /* NT$ */
};

/* ---- registration fee (登記費) ---- */

#define LAND_TITLE_DEED_FEE      80 /* NT$ per sheet */
#define LAND_TITLE_DEED_MAX      10000
#define LAND_LATE_MULTIPLIER_MAX 20 /* 土地法 §73 II */

enum land_registration_kind {
  LAND_REG_CHANGE = 0, /* change of rights (移轉, 設定…): 1‰, 土地法 §76 */
  LAND_REG_FIRST       /* first registration (第一次登記): 2‰, 土地法 §65 */
};

enum land_registration_cause {
  LAND_CAUSE_GENERAL = 0, /* due within 1 month of the cause (土地法 §73 II) */
  LAND_CAUSE_INHERITANCE  /* due within 6 months of the opening of the succession */
};

struct land_registration_input {
  enum land_registration_kind kind;
  /* The declared land value or right value: either `value` (total NT$) or, when it is blank,
   * value_per_m2 × area_m2 × share (share blank = 1). */
  const char *value;
  const char *value_per_m2;
  const char *area_m2;
  const char *share;
  const char *sheets; /* title deed sheets; blank = 0 */
  /* Late penalty, change registrations only: blank cause_date = none computed. A blank
   * application_date means today. cause_date may not be after today. */
  enum land_registration_cause cause;
  const char *cause_date;       /* YYYY-MM-DD */
  const char *application_date; /* YYYY-MM-DD */
  struct civil_date today;
};

struct land_registration_result {
  struct land_error error;
  struct rational value;          /* the basis */
  int rate_per_mille;             /* 1 or 2 */
  struct rational fee_exact;      /* value × rate / 1000 */
  int64_t fee;                    /* whole NT$ */
  bool fee_under_one;             /* fee_exact < NT$1: not charged (土地登記規則 §46 I) */
  int64_t sheets;                 /* title deed sheets */
  bool penalty_considered;        /* a cause date was given for a change registration */
  struct civil_date due_date;     /* last day to apply without penalty */
  int64_t months_late;            /* started months after due_date (0 = in time) */
  int64_t penalty_multiplier;     /* min(months_late, 20) */
  int64_t penalty;                /* fee × multiplier */
  struct land_fee_breakdown fees; /* registration fee, title deeds, penalty */
};

int land_fee_registration(const struct land_registration_input *in,
                          struct land_registration_result *out);

/* The last day of a period of `months` months from `cause` under 民法 §120 II and §121 (the
 * day of the cause is not counted). Exposed for the tests and for the UI's explanation. */
struct civil_date land_period_end(struct civil_date cause, int months);

/* ---- boundary survey (鑑界), since 2023-05-01 ---- */

#define LAND_SURVEY_PARCELS_MAX  100
#define LAND_SURVEY_POINTS_MAX   1000
#define LAND_SURVEY_POINTS_GROUP 5
#define LAND_SURVEY_POINTS_FEE   1000 /* NT$ per started group of 5 points */

struct land_survey_parcel {
  const char *area_m2;
  const char *points; /* boundary points to mark; 0..LAND_SURVEY_POINTS_MAX */
};

/* Lines: one per area band used (quantity = parcels in the band) and one for the point
 * groups (each parcel's points in started groups of 5). */
int land_fee_boundary_survey(const struct land_survey_parcel *parcels, size_t count,
                             struct land_fee_breakdown *out, struct land_error *e);

/* ---- land reference viewing (閱覽) ---- */

#define LAND_VIEW_PARCELS_MAX 1000
#define LAND_VIEW_MINUTES_MAX 600
#define LAND_VIEW_SHEETS_MAX  10000
#define LAND_VIEW_OFFICE_FEE  20 /* NT$ per parcel per started 5 minutes */
#define LAND_VIEW_BLOCK_MIN   5
#define LAND_VIEW_ONLINE_FEE  10 /* NT$ per parcel */
#define LAND_VIEW_SHEET_FEE   20 /* NT$ per printed sheet */

enum land_viewing_channel { LAND_VIEW_OFFICE = 0, LAND_VIEW_ONLINE };

struct land_viewing_input {
  enum land_viewing_channel channel;
  const char *parcels;        /* 1.. */
  const char *minutes;        /* at the office: 1..; ignored online */
  const char *printed_sheets; /* blank = 0 */
};

int land_fee_viewing(const struct land_viewing_input *in, struct land_fee_breakdown *out,
                     struct land_error *e);

/* {"lines": [{"label_key", "quantity", "unit_price", "amount"}], "total": n}. */
json_t *land_fee_breakdown_to_json(const struct land_fee_breakdown *b);
/* The breakdown plus the working: basis, rate, exact fee, due date, months late. */
json_t *land_registration_to_json(const struct land_registration_result *r);

#endif
