/*
 * area.h - exact conversions among the land area units a land office meets (DOMAIN.md,
 * "Land-office tools"): 平方公尺, 坪 (400/121 m² exactly), 公畝 (100 m²), 公頃 (10,000 m²),
 * 甲 (2,934 坪, the convention used here; the 1898 survey rule gives 2,934.03) and 分 (1/10 甲).
 */
#ifndef BIANMIN_DOMAIN_LAND_AREA_H
#define BIANMIN_DOMAIN_LAND_AREA_H

#include <stdbool.h>

#include <jansson.h>

#include "domain/land/input.h"
#include "domain/land/rational.h"

enum land_area_unit {
  LAND_AREA_M2 = 0,
  LAND_AREA_PING,
  LAND_AREA_ARE,
  LAND_AREA_HECTARE,
  LAND_AREA_JIA,
  LAND_AREA_FEN,
  LAND_AREA_UNIT_COUNT
};

/* One unit: a stable ASCII code for forms and URLs, labels, the translation key of its
 * definition text, and its exact size in m². */
struct land_area_unit_info {
  enum land_area_unit unit;
  const char *code;           /* "m2", "ping", "are", "hectare", "jia", "fen" */
  const char *label_zh;       /* "平方公尺" */
  const char *label_en;       /* "square metre" */
  const char *definition_key; /* "land_area_def_ping" */
  const char *definition;     /* plain ASCII, e.g. "1 ping = 400/121 m2" */
  struct rational m2;         /* size of one unit in m² */
};

/* The table, in enum order; NULL for a value outside the enum. */
const struct land_area_unit_info *land_area_unit_info(enum land_area_unit unit);
/* ST_OK, or ST_NOTFOUND for an unknown code. */
int land_area_unit_from_code(const char *code, enum land_area_unit *out);

/* Largest area converted: 10^11 m² (about three times Taiwan). */
#define LAND_AREA_M2_MAX 100000000000LL
/* Places in the display strings; the exact fraction is always given beside them. */
#define LAND_AREA_DISPLAY_PLACES 6

struct land_area_value {
  enum land_area_unit unit;
  struct rational exact;
  char display[RATIONAL_TEXT_MAX]; /* LAND_AREA_DISPLAY_PLACES places, trailing zeros trimmed */
  bool rounded;                    /* display is rounded; say "about" */
};

struct land_area_result {
  struct land_error error; /* set when land_area_convert fails */
  enum land_area_unit from;
  struct land_area_value values[LAND_AREA_UNIT_COUNT]; /* every unit, in enum order */
};

/* Converts `value` (a decimal >= 0 in unit `from`) to every unit. ST_INVALID with out->error
 * set for a missing, malformed, negative or absurd value. Zero is allowed. */
int land_area_convert(const char *value, enum land_area_unit from, struct land_area_result *out);

/* Like land_area_convert with the unit given by its code (LAND_ERR_UNKNOWN_UNIT otherwise). */
int land_area_convert_code(const char *value, const char *unit_code, struct land_area_result *out);

/* {"from": "ping", "values": [{"unit": "m2", "label_zh": ..., "label_en": ...,
 *  "definition_key": ..., "value": rational_to_json(...), "display": ..., "rounded": b}]}. */
json_t *land_area_to_json(const struct land_area_result *r);

#endif
