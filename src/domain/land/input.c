/* input.c - refusal reasons, checked parsers and dates for the land-office calculators. */
#include "domain/land/input.h"

#include <string.h>

#include "base/common.h"

/* Indexed by enum land_err; the UI's translation catalogue has one message per key. */
static const char *const err_keys[LAND_ERR_COUNT_] = {
    [LAND_ERR_NONE] = "land_err_none",
    [LAND_ERR_MISSING] = "land_err_missing",
    [LAND_ERR_NOT_A_NUMBER] = "land_err_not_a_number",
    [LAND_ERR_TOO_MANY_DECIMALS] = "land_err_too_many_decimals",
    [LAND_ERR_TOO_LARGE] = "land_err_too_large",
    [LAND_ERR_NEGATIVE_AREA] = "land_err_negative_area",
    [LAND_ERR_ZERO_AREA] = "land_err_zero_area",
    [LAND_ERR_NEGATIVE_VALUE] = "land_err_negative_value",
    [LAND_ERR_ZERO_VALUE] = "land_err_zero_value",
    [LAND_ERR_UNKNOWN_UNIT] = "land_err_unknown_unit",
    [LAND_ERR_SHARE_FORMAT] = "land_err_share_format",
    [LAND_ERR_SHARE_ZERO] = "land_err_share_zero",
    [LAND_ERR_SHARE_OVER_ONE] = "land_err_share_over_one",
    [LAND_ERR_SHARE_NEGATIVE] = "land_err_share_negative",
    [LAND_ERR_CPI_RANGE] = "land_err_cpi_range",
    [LAND_ERR_DATE_FORMAT] = "land_err_date_format",
    [LAND_ERR_FUTURE_DATE] = "land_err_future_date",
    [LAND_ERR_DATE_ORDER] = "land_err_date_order",
    [LAND_ERR_HOLDING_RANGE] = "land_err_holding_range",
    [LAND_ERR_HOLDING_MISSING] = "land_err_holding_missing",
    [LAND_ERR_ONE_HOME_NOT_SELF_USE] = "land_err_one_home_not_self_use",
    [LAND_ERR_ONE_HOME_HELD_SHORT] = "land_err_one_home_held_short",
    [LAND_ERR_COUNT_RANGE] = "land_err_count_range",
    [LAND_ERR_UNKNOWN_KIND] = "land_err_unknown_kind",
};

const char *land_err_key(enum land_err reason)
{
  if ((unsigned)reason >= ARRAY_LEN(err_keys) || !err_keys[reason])
    return "land_err_unknown";
  return err_keys[reason];
}

int land_fail(struct land_error *e, const char *field, enum land_err reason)
{
  e->reason = reason;
  e->field = field;
  return ST_INVALID;
}

json_t *land_error_to_json(const struct land_error *e)
{
  return json_pack("{s:s, s:s?}", "reason", land_err_key(e->reason), "field", e->field);
}

static bool blank(const char *text)
{
  return !text || str_trim(str_from(text)).len == 0;
}

static enum land_err parse_reason(enum rational_parse_err why)
{
  switch (why) {
  case RATIONAL_PARSE_TOO_MANY_PLACES:
    return LAND_ERR_TOO_MANY_DECIMALS;
  case RATIONAL_PARSE_TOO_LARGE:
    return LAND_ERR_TOO_LARGE;
  default:
    return LAND_ERR_NOT_A_NUMBER;
  }
}

int land_parse_amount(const char *text, const char *field, bool optional, struct rational *out,
                      struct land_error *e)
{
  enum rational_parse_err why;
  if (blank(text)) {
    *out = rational_int(0);
    return optional ? ST_OK : land_fail(e, field, LAND_ERR_MISSING);
  }
  if (rational_parse_decimal(str_from(text), LAND_AMOUNT_PLACES, LAND_AMOUNT_MAX, out, &why))
    return land_fail(e, field, parse_reason(why));
  if (rational_sign(*out) < 0)
    return land_fail(e, field, LAND_ERR_NEGATIVE_VALUE);
  return ST_OK;
}

int land_parse_area(const char *text, const char *field, struct rational *out, struct land_error *e)
{
  enum rational_parse_err why;
  if (blank(text))
    return land_fail(e, field, LAND_ERR_MISSING);
  if (rational_parse_decimal(str_from(text), LAND_AREA_PLACES, LAND_AREA_INPUT_MAX, out, &why))
    return land_fail(e, field, parse_reason(why));
  if (rational_sign(*out) < 0)
    return land_fail(e, field, LAND_ERR_NEGATIVE_AREA);
  return ST_OK;
}

/* "q分之p" (Chinese order: denominator first) rewritten as "p/q" into buf. */
static struct str share_chinese_order(struct str s, char *buf, size_t size)
{
  static const char sep[] = "分之";
  size_t sl = sizeof(sep) - 1;
  for (size_t i = 0; i + sl <= s.len; i++) {
    if (memcmp(s.ptr + i, sep, sl) != 0)
      continue;
    size_t ql = i, pl = s.len - i - sl;
    if (ql + pl + 2 > size)
      return STR_LIT("x"); /* too long to be a share: a syntax error below */
    memcpy(buf, s.ptr + i + sl, pl);
    buf[pl] = '/';
    memcpy(buf + pl + 1, s.ptr, ql);
    return (struct str){buf, ql + pl + 1};
  }
  return s;
}

#define SHARE_TEXT_MAX 64

int land_parse_share(const char *text, const char *field, struct rational *out,
                     struct land_error *e)
{
  enum rational_parse_err why;
  char buf[SHARE_TEXT_MAX];
  struct str s = str_trim(str_from(text ? text : ""));
  if (s.len == 0 || str_eq_cstr(s, "全部")) {
    *out = rational_int(1);
    return ST_OK;
  }
  s = share_chinese_order(s, buf, sizeof(buf));
  if (rational_parse_fraction(s, LAND_SHARE_PLACES, LAND_SHARE_PART_MAX, out, &why))
    return land_fail(e, field,
                     why == RATIONAL_PARSE_TOO_MANY_PLACES ? LAND_ERR_TOO_MANY_DECIMALS
                                                           : LAND_ERR_SHARE_FORMAT);
  if (rational_sign(*out) < 0)
    return land_fail(e, field, LAND_ERR_SHARE_NEGATIVE);
  if (rational_sign(*out) == 0)
    return land_fail(e, field, LAND_ERR_SHARE_ZERO);
  if (rational_cmp(*out, rational_int(1)) > 0)
    return land_fail(e, field, LAND_ERR_SHARE_OVER_ONE);
  return ST_OK;
}

int land_parse_count(const char *text, const char *field, int64_t min, int64_t max, int64_t *out,
                     struct land_error *e)
{
  if (blank(text))
    return land_fail(e, field, LAND_ERR_MISSING);
  if (str_to_int64(str_trim(str_from(text)), INT64_MIN + 1, INT64_MAX, out))
    return land_fail(e, field, LAND_ERR_NOT_A_NUMBER);
  if (*out < min || *out > max)
    return land_fail(e, field, LAND_ERR_COUNT_RANGE);
  return ST_OK;
}

/* ---- dates ---- */

enum { LAND_YEAR_MIN = 1900 };

bool land_date_valid(struct civil_date d)
{
  return d.year >= LAND_YEAR_MIN && civil_valid(d);
}

int land_date_parse(const char *text, const char *field, struct civil_date *out,
                    struct land_error *e)
{
  struct str s = str_trim(str_from(text ? text : ""));
  if (s.len == 0)
    return land_fail(e, field, LAND_ERR_MISSING);
  if (civil_parse_iso(s, out) || !land_date_valid(*out))
    return land_fail(e, field, LAND_ERR_DATE_FORMAT);
  return ST_OK;
}

struct civil_date land_date_add_months(struct civil_date d, int months)
{
  int total = d.year * 12 + (d.month - 1) + months;
  struct civil_date r = {total / 12, total % 12 + 1, d.day};
  int last = civil_days_in_month(r.year, r.month);
  if (r.day > last)
    r.day = last;
  return r;
}
