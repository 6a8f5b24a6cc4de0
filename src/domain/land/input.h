/*
 * input.h - what the land-office calculators share: the reasons an input is refused (each with
 * a translation key the UI shows, and the field it belongs to), the checked parsers for
 * amounts, areas and shares (權利範圍), and calendar dates.
 *
 * Text reaching these parsers has been NFKC-normalised by the caller (full-width digits are
 * ASCII by then). Every parser takes the field name so that the error can point at it.
 */
#ifndef BIANMIN_DOMAIN_LAND_INPUT_H
#define BIANMIN_DOMAIN_LAND_INPUT_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "base/civil.h"
#include "domain/land/rational.h"

enum land_err {
  LAND_ERR_NONE = 0,
  LAND_ERR_MISSING,           /* a required field is empty */
  LAND_ERR_NOT_A_NUMBER,      /* not a decimal number */
  LAND_ERR_TOO_MANY_DECIMALS, /* more decimal places than the field allows */
  LAND_ERR_TOO_LARGE,         /* absurd magnitude, or the arithmetic would overflow */
  LAND_ERR_NEGATIVE_AREA,
  LAND_ERR_ZERO_AREA,      /* the tax needs a positive area */
  LAND_ERR_NEGATIVE_VALUE, /* a money amount below zero */
  LAND_ERR_ZERO_VALUE,     /* the previous value must be positive (it divides) */
  LAND_ERR_UNKNOWN_UNIT,
  LAND_ERR_SHARE_FORMAT, /* not "p/q", "q分之p", "全部" or a decimal */
  LAND_ERR_SHARE_ZERO,
  LAND_ERR_SHARE_OVER_ONE,
  LAND_ERR_SHARE_NEGATIVE,
  LAND_ERR_CPI_RANGE, /* the CPI is not in (0, LAND_CPI_MAX] */
  LAND_ERR_DATE_FORMAT,
  LAND_ERR_FUTURE_DATE,
  LAND_ERR_DATE_ORDER,    /* acquisition after transfer, application before its cause */
  LAND_ERR_HOLDING_RANGE, /* holding years negative or absurd */
  LAND_ERR_HOLDING_MISSING,
  LAND_ERR_ONE_HOME_NOT_SELF_USE, /* 一生一屋 asked for land that is not self-use */
  LAND_ERR_ONE_HOME_HELD_SHORT,   /* 一生一屋 needs six years of holding */
  LAND_ERR_COUNT_RANGE,           /* sheets, parcels, points, minutes out of range */
  LAND_ERR_UNKNOWN_KIND,          /* an unknown registration kind or viewing channel */
  LAND_ERR_COUNT_                 /* number of reasons; not a reason */
};

/* The refusal a calculator reports: why, and which input field (NULL when none applies). */
struct land_error {
  enum land_err reason;
  const char *field;
};

/* "land_err_share_over_one" etc.; "land_err_unknown" for values outside the enum. */
const char *land_err_key(enum land_err reason);

/* Sets e and returns ST_INVALID, so that a check reads `return land_fail(e, f, R);`. */
int land_fail(struct land_error *e, const char *field, enum land_err reason);

/* {"reason": "land_err_...", "field": "share"}; NULL when out of memory. */
json_t *land_error_to_json(const struct land_error *e);

/* Limits on what a citizen may type. They refuse absurd inputs; they are not domain rules. */
#define LAND_AMOUNT_MAX        100000000000000LL /* NT$1e14 total, per m² or per unit */
#define LAND_AMOUNT_PLACES     2                 /* NT$ amounts: cents at most */
#define LAND_AREA_INPUT_MAX    1000000000000LL   /* integer part of an area in its unit */
#define LAND_AREA_PLACES       6                 /* registers use 2; conversions may use more */
#define LAND_SHARE_PLACES      6
#define LAND_SHARE_PART_MAX    1000000000000LL /* 權利範圍 denominators reach 10^8 or so */
#define LAND_CPI_MAX           100000          /* percent */
#define LAND_CPI_PLACES        2
#define LAND_HOLDING_YEARS_MAX 200

/* A money amount >= 0 with at most LAND_AMOUNT_PLACES places. NULL or blank text is
 * LAND_ERR_MISSING unless `optional`, when it is zero. */
int land_parse_amount(const char *text, const char *field, bool optional, struct rational *out,
                      struct land_error *e);
/* An area >= 0 in some unit (at most LAND_AREA_PLACES places). */
int land_parse_area(const char *text, const char *field, struct rational *out,
                    struct land_error *e);
/* A share in (0, 1]: "1/2", "12/100", "100分之12", "全部", "0.5", "1". Blank means 1. */
int land_parse_share(const char *text, const char *field, struct rational *out,
                     struct land_error *e);
/* A whole count in [min, max]. */
int land_parse_count(const char *text, const char *field, int64_t min, int64_t max, int64_t *out,
                     struct land_error *e);

/* Dates are base/civil.h's struct civil_date (day arithmetic, comparison and adding days live
 * there). "YYYY-MM-DD", a real date from year 1900 to 9999, surrounding spaces allowed. */
int land_date_parse(const char *text, const char *field, struct civil_date *out,
                    struct land_error *e);
/* A real date from year 1900 to 9999. */
bool land_date_valid(struct civil_date d);
/* Adds whole months; a day that the target month lacks becomes its last day (1-31 + 1 month
 * = 2-28 or 2-29), as 民法 §121 II does for the end of a period. */
struct civil_date land_date_add_months(struct civil_date d, int months);

#endif
