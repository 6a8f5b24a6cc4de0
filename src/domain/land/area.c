/* area.c - exact land area conversions (see area.h). */
#include "domain/land/area.h"

#include <string.h>

#include "base/common.h"

/* 1 坪 = 400/121 m² (1 m² = 0.3025 坪); 1 甲 = 2,934 坪 = 1,173,600/121 m²; 1 分 = 1/10 甲. */
static const struct land_area_unit_info units[LAND_AREA_UNIT_COUNT] = {
    {LAND_AREA_M2,
     "m2",
     "平方公尺",
     "square metre",
     "land_area_def_m2",
     "1 m2 = 0.3025 ping",
     {1, 1}},
    {LAND_AREA_PING, "ping", "坪", "ping", "land_area_def_ping", "1 ping = 400/121 m2", {400, 121}},
    {LAND_AREA_ARE, "are", "公畝", "are", "land_area_def_are", "1 are = 100 m2", {100, 1}},
    {LAND_AREA_HECTARE,
     "hectare",
     "公頃",
     "hectare",
     "land_area_def_hectare",
     "1 hectare = 10,000 m2",
     {10000, 1}},
    {LAND_AREA_JIA,
     "jia",
     "甲",
     "jia",
     "land_area_def_jia",
     "1 jia = 2,934 ping = 10 fen",
     {1173600, 121}},
    {LAND_AREA_FEN,
     "fen",
     "分",
     "fen",
     "land_area_def_fen",
     "1 fen = 1/10 jia = 293.4 ping",
     {117360, 121}},
};

const struct land_area_unit_info *land_area_unit_info(enum land_area_unit unit)
{
  if ((unsigned)unit >= LAND_AREA_UNIT_COUNT)
    return NULL;
  return &units[unit];
}

int land_area_unit_from_code(const char *code, enum land_area_unit *out)
{
  for (size_t i = 0; code && i < ARRAY_LEN(units); i++) {
    if (strcmp(units[i].code, code) == 0) {
      *out = units[i].unit;
      return ST_OK;
    }
  }
  return ST_NOTFOUND;
}

static int fill_value(struct land_area_value *v, enum land_area_unit unit, struct rational m2)
{
  int st = ST_OK;
  v->unit = unit;
  v->exact = rational_div(m2, units[unit].m2, &st);
  if (!st)
    st = rational_format(v->exact, LAND_AREA_DISPLAY_PLACES, true, v->display, sizeof(v->display),
                         &v->rounded);
  return st;
}

int land_area_convert(const char *value, enum land_area_unit from, struct land_area_result *out)
{
  struct rational input, m2;
  int st = ST_OK;
  memset(out, 0, sizeof(*out));
  out->from = from;
  if ((unsigned)from >= LAND_AREA_UNIT_COUNT)
    return land_fail(&out->error, "unit", LAND_ERR_UNKNOWN_UNIT);
  if (land_parse_area(value, "value", &input, &out->error))
    return ST_INVALID;
  m2 = rational_mul(input, units[from].m2, &st);
  if (st || rational_cmp(m2, rational_int(LAND_AREA_M2_MAX)) > 0)
    return land_fail(&out->error, "value", LAND_ERR_TOO_LARGE);
  for (int u = 0; u < LAND_AREA_UNIT_COUNT; u++)
    if (fill_value(&out->values[u], (enum land_area_unit)u, m2))
      return land_fail(&out->error, "value", LAND_ERR_TOO_LARGE);
  return ST_OK;
}

int land_area_convert_code(const char *value, const char *unit_code, struct land_area_result *out)
{
  enum land_area_unit unit;
  if (land_area_unit_from_code(unit_code, &unit)) {
    memset(out, 0, sizeof(*out));
    return land_fail(&out->error, "unit", LAND_ERR_UNKNOWN_UNIT);
  }
  return land_area_convert(value, unit, out);
}

static json_t *value_to_json(const struct land_area_value *v)
{
  const struct land_area_unit_info *u = &units[v->unit];
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:b}", "unit", u->code, "label_zh",
                   u->label_zh, "label_en", u->label_en, "definition_key", u->definition_key,
                   "definition", u->definition, "value",
                   rational_to_json(v->exact, LAND_AREA_DISPLAY_PLACES), "display", v->display,
                   "rounded", v->rounded);
}

json_t *land_area_to_json(const struct land_area_result *r)
{
  json_t *values = json_array(), *root = NULL;
  if (!values)
    return NULL;
  for (int u = 0; u < LAND_AREA_UNIT_COUNT; u++) {
    if (json_array_append_new(values, value_to_json(&r->values[u]))) {
      json_decref(values);
      return NULL;
    }
  }
  root = json_pack("{s:s, s:o}", "from", units[r->from].code, "values", values);
  return root;
}
