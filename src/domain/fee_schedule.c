/*
 * fee_schedule.c - a fee schedule as data and the computation of a fee from it (see
 * fee_schedule.h). Pure: no store, no clock (the caller passes today).
 *
 * Rounding: every line is whole NT$. Counts are whole; started units are counted up (a value
 * of exactly n units is n units, anything over is n + 1); a per-mille fee is rounded as its
 * item says (the registration fee half-up: see land/fees.c for why this is uncertain); a
 * waiver takes off percent of the charges rounded down, so the applicant never pays a
 * fraction.
 */
#include "domain/fee_schedule.h"

#include <stdio.h>
#include <string.h>

#include "base/str.h"

#include "base/common.h"

static const struct fee_input_def inputs[] = {
    {"copies", FEE_INPUT_COUNT, false},          /* copies or sheets of a transcript */
    {"manual_copies", FEE_INPUT_COUNT, false},   /* sheets of a manual register (人工登記簿) */
    {"sheets", FEE_INPUT_COUNT, false},          /* title deeds (書狀) */
    {"parcels", FEE_INPUT_COUNT, false},         /* parcels (筆) */
    {"buildings", FEE_INPUT_COUNT, false},       /* buildings or building numbers (棟, 建號) */
    {"area_m2", FEE_INPUT_AREA, true},           /* one area per parcel */
    {"floor_area_m2", FEE_INPUT_AREA, true},     /* one area per floor or building number */
    {"points", FEE_INPUT_COUNT, true},           /* boundary points, one count per parcel */
    {"segments", FEE_INPUT_COUNT, true},         /* line segments surveyed, per parcel */
    {"minutes", FEE_INPUT_COUNT, false},         /* viewing time */
    {"declared_value", FEE_INPUT_AMOUNT, false}, /* NT$: declared land or right value */
    {"months_late", FEE_INPUT_COUNT, false},     /* started months after the due date */
};

static const char *const kind_names[FEE_KIND_COUNT] = {"per_unit",  "per_started",  "area_band",
                                                       "per_mille", "late_penalty", "waiver"};

const char *fee_kind_name(enum fee_kind kind)
{
  return kind < FEE_KIND_COUNT ? kind_names[kind] : "";
}

const struct fee_input_def *fee_input_find(const char *key)
{
  for (size_t i = 0; key && i < ARRAY_LEN(inputs); i++)
    if (strcmp(inputs[i].key, key) == 0)
      return &inputs[i];
  return NULL;
}

const struct fee_input_def *fee_input_at(size_t i)
{
  return i < ARRAY_LEN(inputs) ? &inputs[i] : NULL;
}

/* ---- numbers ---- */

static int parse_fraction(const char *p, int64_t *frac)
{
  int64_t scale = FEE_SCALE / 10;
  *frac = 0;
  if (!*p)
    return ST_INVALID; /* "12." */
  for (; *p; p++) {
    if (*p < '0' || *p > '9' || scale == 0)
      return ST_INVALID;
    *frac += (*p - '0') * scale;
    scale /= 10;
  }
  return ST_OK;
}

int fee_parse_decimal(const char *text, int64_t max_scaled, int64_t *out)
{
  char buf[48];
  size_t n = 0;
  int64_t whole = 0, frac = 0;
  struct str t = str_trim(str_from(text ? text : ""));
  if (t.len == 0 || t.len >= sizeof(buf))
    return ST_INVALID;
  for (size_t i = 0; i < t.len; i++)
    if (t.ptr[i] != ',')
      buf[n++] = t.ptr[i];
  buf[n] = '\0';
  char *dot = strchr(buf, '.');
  if (dot) {
    *dot = '\0';
    if (parse_fraction(dot + 1, &frac))
      return ST_INVALID;
  }
  if (str_to_int64(str_from(buf), 0, max_scaled / FEE_SCALE, &whole))
    return ST_INVALID;
  *out = whole * FEE_SCALE + frac;
  return *out > max_scaled ? ST_INVALID : ST_OK;
}

static int64_t input_max(enum fee_input_type type)
{
  if (type == FEE_INPUT_AREA)
    return FEE_AREA_MAX * FEE_SCALE;
  if (type == FEE_INPUT_AMOUNT)
    return FEE_AMOUNT_MAX * FEE_SCALE;
  return (int64_t)FEE_COUNT_MAX * FEE_SCALE;
}

/* One value of an answer, scaled; counts must be whole. */
static int answer_value(const json_t *v, enum fee_input_type type, int64_t *out)
{
  char text[32];
  const char *s = json_string_value(v);
  if (json_is_integer(v)) {
    snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    s = text;
  }
  if (!s || fee_parse_decimal(s, input_max(type), out))
    return ST_INVALID;
  return type == FEE_INPUT_COUNT && *out % FEE_SCALE ? ST_INVALID : ST_OK;
}

/* The values of an answer: one value, or a JSON array of values when the input takes a list
 * (pages split their "120, 340" text themselves). Absent or blank: no values. */
static int answer_values(const json_t *answers, const struct fee_input_def *def, int64_t *values,
                         size_t *count)
{
  const json_t *a = json_object_get(answers, def->key);
  *count = 0;
  if (!a || json_is_null(a) || (json_is_string(a) && !str_trim(str_from(json_string_value(a))).len))
    return ST_OK;
  if (!json_is_array(a))
    return answer_value(a, def->type, &values[(*count)++]);
  if (!def->list || json_array_size(a) > FEE_LIST_MAX)
    return ST_INVALID;
  for (size_t i = 0; i < json_array_size(a); i++)
    if (answer_value(json_array_get(a, i), def->type, &values[(*count)++]))
      return ST_INVALID;
  return ST_OK;
}

/* ---- parsing the schedule ---- */

static int fail(char *why, size_t size, const char *id, const char *what)
{
  snprintf(why, size, "fee item %s: %s", id && *id ? id : "?", what);
  return ST_INVALID;
}

static const char *text_of(const json_t *o, const char *key)
{
  return json_string_value(json_object_get(o, key));
}

static bool int_in(const json_t *o, const char *key, int64_t min, int64_t max, int64_t *out)
{
  const json_t *v = json_object_get(o, key);
  if (!json_is_integer(v))
    return false;
  *out = json_integer_value(v);
  return *out >= min && *out <= max;
}

static bool is_code(const char *s)
{
  size_t n = s ? strlen(s) : 0;
  if (n == 0 || n > 40)
    return false;
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
      return false;
  return true;
}

static bool date_field(const json_t *o, const char *key, bool required, struct civil_date *out)
{
  const char *s = text_of(o, key);
  memset(out, 0, sizeof(*out));
  if (!s)
    return !required && !json_object_get(o, key);
  return civil_parse_iso(str_from(s), out) == ST_OK;
}

static int parse_kind(const char *name, enum fee_kind *out)
{
  for (int k = 0; k < FEE_KIND_COUNT; k++)
    if (name && strcmp(name, kind_names[k]) == 0) {
      *out = (enum fee_kind)k;
      return ST_OK;
    }
  return ST_INVALID;
}

static int parse_round(const json_t *o, struct fee_item *it)
{
  const char *r = text_of(o, "round");
  if (!r || strcmp(r, "half_up") == 0)
    it->round = FEE_ROUND_HALF_UP;
  else if (strcmp(r, "floor") == 0)
    it->round = FEE_ROUND_FLOOR;
  else if (strcmp(r, "ceil") == 0)
    it->round = FEE_ROUND_CEIL;
  else
    return ST_INVALID;
  return ST_OK;
}

static int parse_bands(const json_t *o, struct fee_item *it, char *why, size_t size)
{
  const json_t *bands = json_object_get(o, "bands");
  size_t n = json_array_size(bands);
  if (n < 1 || n > FEE_BANDS_MAX)
    return fail(why, size, it->id, "bands must be a list of 1 to 8 bands");
  for (size_t i = 0; i < n; i++) {
    const json_t *b = json_array_get(bands, i);
    struct fee_band *fb = &it->bands[i];
    bool last = i + 1 == n;
    if (!int_in(b, "unit_price", 0, FEE_PRICE_MAX, &fb->unit_price))
      return fail(why, size, it->id, "a band needs a unit_price from 0 to 10,000,000");
    fb->below_m2 = 0;
    if (!last && (!int_in(b, "below", 1, FEE_AREA_MAX, &fb->below_m2) ||
                  (i > 0 && fb->below_m2 <= it->bands[i - 1].below_m2)))
      return fail(why, size, it->id, "band limits (below, m²) must rise");
    if (last && json_object_get(b, "below"))
      return fail(why, size, it->id, "the last band is open: no below");
  }
  it->band_count = n;
  return ST_OK;
}

static int parse_of(const json_t *o, struct fee_item *it, enum fee_input_type want, bool any,
                    char *why, size_t size)
{
  const struct fee_input_def *d = fee_input_find(it->of = text_of(o, "of"));
  const struct fee_input_def *t = NULL;
  if (!d || (!any && d->type != want))
    return fail(why, size, it->id, "\"of\" must name a known input of the right kind");
  it->times = text_of(o, "times");
  if (it->times && (!(t = fee_input_find(it->times)) || t->type != FEE_INPUT_COUNT || t->list))
    return fail(why, size, it->id, "\"times\" must name a count input");
  return ST_OK;
}

static int parse_price(const json_t *o, struct fee_item *it, char *why, size_t size)
{
  if (!int_in(o, "unit_price", 0, FEE_PRICE_MAX, &it->unit_price))
    return fail(why, size, it->id, "unit_price must be whole NT$ from 0 to 10,000,000");
  return ST_OK;
}

static int parse_per_started(const json_t *o, struct fee_item *it, char *why, size_t size)
{
  char text[32];
  const json_t *per = json_object_get(o, "per");
  const char *s = json_string_value(per);
  if (json_is_integer(per)) {
    snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, json_integer_value(per));
    s = text;
  }
  if (!s || fee_parse_decimal(s, FEE_AREA_MAX * FEE_SCALE, &it->per_scaled) || !it->per_scaled)
    return fail(why, size, it->id, "per must be a positive size (at most 4 decimals)");
  return parse_of(o, it, FEE_INPUT_COUNT, true, why, size) || parse_price(o, it, why, size);
}

static int parse_per_mille(const json_t *o, struct fee_item *it, char *why, size_t size)
{
  const json_t *free_under = json_object_get(o, "under_one_free");
  if (parse_of(o, it, FEE_INPUT_AMOUNT, false, why, size))
    return ST_INVALID;
  if (!int_in(o, "per_mille", 1, 100, &it->per_mille))
    return fail(why, size, it->id, "per_mille must be a whole number from 1 to 100");
  if (json_object_get(o, "minimum") && !int_in(o, "minimum", 0, FEE_PRICE_MAX, &it->minimum))
    return fail(why, size, it->id, "minimum must be whole NT$");
  if (free_under && !json_is_boolean(free_under))
    return fail(why, size, it->id, "under_one_free must be true or false");
  it->under_one_free = json_is_true(free_under);
  if (parse_round(o, it))
    return fail(why, size, it->id, "round must be half_up, floor or ceil");
  return ST_OK;
}

static int parse_kind_fields(const json_t *o, struct fee_item *it, char *why, size_t size)
{
  switch (it->kind) {
  case FEE_PER_UNIT:
    if (json_object_get(o, "default") &&
        !int_in(o, "default", 0, FEE_COUNT_MAX, &it->default_quantity))
      return fail(why, size, it->id, "default must be a whole number");
    return parse_of(o, it, FEE_INPUT_COUNT, false, why, size) || parse_price(o, it, why, size);
  case FEE_PER_STARTED:
    return parse_per_started(o, it, why, size);
  case FEE_AREA_BAND:
    return parse_of(o, it, FEE_INPUT_AREA, false, why, size) || parse_bands(o, it, why, size);
  case FEE_PER_MILLE:
    return parse_per_mille(o, it, why, size);
  case FEE_LATE_PENALTY:
    it->base = text_of(o, "base");
    if (!int_in(o, "cap", 1, 100, &it->cap) || !is_code(it->base))
      return fail(why, size, it->id, "a late penalty needs base (an item id) and cap (1-100)");
    return parse_of(o, it, FEE_INPUT_COUNT, false, why, size);
  case FEE_WAIVER:
    if (!int_in(o, "percent", 1, 100, &it->percent))
      return fail(why, size, it->id, "percent must be a whole number from 1 to 100");
    return ST_OK;
  default:
    return fail(why, size, it->id, "unknown kind");
  }
}

static int parse_item(const json_t *o, struct fee_item *it, char *why, size_t size)
{
  memset(it, 0, sizeof(*it));
  it->id = text_of(o, "id");
  if (!json_is_object(o) || !is_code(it->id))
    return fail(why, size, it->id, "id must be a code (a-z, 0-9, _)");
  it->label_zh = text_of(o, "label_zh");
  it->label_en = text_of(o, "label_en");
  it->source = text_of(o, "source");
  it->rounding_text = text_of(o, "rounding");
  it->note = text_of(o, "note");
  if (!it->label_zh || !*it->label_zh || !it->source || !*it->source)
    return fail(why, size, it->id, "label_zh and source (the legal basis) are required");
  if (!date_field(o, "effective", true, &it->effective) ||
      !date_field(o, "until", false, &it->until))
    return fail(why, size, it->id, "effective (and until) must be dates YYYY-MM-DD");
  if (parse_kind(text_of(o, "kind"), &it->kind))
    return fail(why, size, it->id,
                "kind must be one of per_unit, per_started, area_band, "
                "per_mille, late_penalty, waiver");
  return parse_kind_fields(o, it, why, size);
}

static const struct fee_item *find_item(const struct fee_schedule *s, const char *id)
{
  for (size_t i = 0; id && i < s->count; i++)
    if (strcmp(s->items[i].id, id) == 0)
      return &s->items[i];
  return NULL;
}

/* Ids unique; a penalty's base is an earlier per_mille or per_unit item. */
static int check_references(const struct fee_schedule *s, char *why, size_t size)
{
  for (size_t i = 0; i < s->count; i++) {
    const struct fee_item *it = &s->items[i], *base;
    for (size_t j = 0; j < i; j++)
      if (strcmp(s->items[j].id, it->id) == 0)
        return fail(why, size, it->id, "the id is used twice");
    if (it->kind != FEE_LATE_PENALTY)
      continue;
    base = find_item(s, it->base);
    if (!base || base >= it || (base->kind != FEE_PER_MILLE && base->kind != FEE_PER_UNIT))
      return fail(why, size, it->id, "base must be an earlier per_mille or per_unit item");
  }
  return ST_OK;
}

int fee_schedule_parse(const json_t *schedule, struct fee_schedule *out, char *why, size_t why_size)
{
  const json_t *items = schedule;
  memset(out, 0, sizeof(*out));
  if (!json_is_array(items) || json_array_size(items) > FEE_ITEMS_MAX) {
    snprintf(why, why_size, "a fee schedule is a list of at most %d items", FEE_ITEMS_MAX);
    return ST_INVALID;
  }
  for (size_t i = 0; i < json_array_size(items); i++) {
    if (parse_item(json_array_get(items, i), &out->items[i], why, why_size))
      return ST_INVALID;
    out->count = i + 1;
  }
  return check_references(out, why, why_size);
}

int fee_schedule_parse_text(const char *text, json_t **root, struct fee_schedule *out, char *why,
                            size_t why_size)
{
  json_error_t error;
  *root = NULL;
  memset(out, 0, sizeof(*out));
  if (!text || !str_trim(str_from(text)).len)
    return ST_OK;
  if (strlen(text) > FEE_SCHEDULE_MAX_BYTES) {
    snprintf(why, why_size, "the fee schedule is longer than %d bytes", FEE_SCHEDULE_MAX_BYTES);
    return ST_INVALID;
  }
  *root = json_loads(text, JSON_REJECT_DUPLICATES, &error);
  if (!*root) {
    snprintf(why, why_size, "the fee schedule is not JSON: %s (line %d)", error.text, error.line);
    return ST_INVALID;
  }
  return fee_schedule_parse(*root, out, why, why_size);
}

/* ---- computing ---- */

bool fee_item_in_effect(const struct fee_item *item, struct civil_date day)
{
  if (civil_compare(day, item->effective) < 0)
    return false;
  return item->until.year == 0 || civil_compare(day, item->until) <= 0;
}

size_t fee_schedule_inputs(const struct fee_schedule *s, struct civil_date day,
                           const struct fee_input_def **out, size_t max)
{
  size_t n = 0;
  for (size_t k = 0; k < ARRAY_LEN(inputs) && n < max; k++) {
    bool used = false;
    for (size_t i = 0; i < s->count && !used; i++) {
      const struct fee_item *it = &s->items[i];
      used = fee_item_in_effect(it, day) && ((it->of && strcmp(it->of, inputs[k].key) == 0) ||
                                             (it->times && strcmp(it->times, inputs[k].key) == 0));
    }
    if (used)
      out[n++] = &inputs[k];
  }
  return n;
}

static int bad(struct fee_error *e, const char *field, const char *key)
{
  e->field = field;
  e->reason_key = key;
  return ST_INVALID;
}

static int add(struct fee_work *w, const struct fee_item *it, int64_t quantity, int64_t price,
               int64_t amount)
{
  if (w->count >= FEE_LINES_MAX || amount > FEE_TOTAL_MAX)
    return ST_LIMIT;
  w->lines[w->count++] =
      (struct fee_line){.item = it, .quantity = quantity, .unit_price = price, .amount = amount};
  w->total += amount;
  return w->total > FEE_TOTAL_MAX ? ST_LIMIT : ST_OK;
}

/* quantity × price as a line; quantities are checked before they are multiplied, so nothing
 * overflows (quantity <= FEE_TOTAL_MAX, price <= FEE_PRICE_MAX). */
static int add_product(struct fee_work *w, const struct fee_item *it, int64_t quantity)
{
  if (quantity > FEE_TOTAL_MAX)
    return ST_LIMIT;
  return add(w, it, quantity, it->unit_price, quantity * it->unit_price);
}

static int values_of(const json_t *answers, const char *key, int64_t *values, size_t *count,
                     struct fee_error *e)
{
  const struct fee_input_def *d = fee_input_find(key);
  if (!d || answer_values(answers, d, values, count))
    return bad(e, key, d && d->type == FEE_INPUT_COUNT ? "fee_err_count" : "fee_err_number");
  return ST_OK;
}

/* The `times` multiplier: absent item field = 1, absent answer = 0. */
static int times_of(const struct fee_item *it, const json_t *answers, int64_t *times,
                    struct fee_error *e)
{
  int64_t v[FEE_LIST_MAX];
  size_t n = 0;
  *times = 1;
  if (!it->times)
    return ST_OK;
  if (values_of(answers, it->times, v, &n, e))
    return ST_INVALID;
  *times = n ? v[0] / FEE_SCALE : 0;
  return ST_OK;
}

static int per_unit(const struct fee_item *it, const json_t *answers, struct fee_work *w,
                    struct fee_error *e)
{
  int64_t v[FEE_LIST_MAX], q = 0, times;
  size_t n;
  if (values_of(answers, it->of, v, &n, e) || times_of(it, answers, &times, e))
    return ST_INVALID;
  for (size_t i = 0; i < n; i++)
    q += v[i] / FEE_SCALE; /* at most FEE_LIST_MAX × FEE_COUNT_MAX */
  if (!n)
    q = it->default_quantity;
  q *= times; /* times <= FEE_COUNT_MAX */
  return q ? add_product(w, it, q) : ST_OK;
}

static int per_started(const struct fee_item *it, const json_t *answers, struct fee_work *w,
                       struct fee_error *e)
{
  int64_t v[FEE_LIST_MAX], q = 0, times;
  size_t n;
  if (values_of(answers, it->of, v, &n, e) || times_of(it, answers, &times, e))
    return ST_INVALID;
  for (size_t i = 0; i < n; i++)
    q += (v[i] + it->per_scaled - 1) / it->per_scaled; /* each <= 10^12: the sum fits */
  if (q > FEE_TOTAL_MAX)
    return ST_LIMIT;
  q *= times;
  return q ? add_product(w, it, q) : ST_OK;
}

static int area_band(const struct fee_item *it, const json_t *answers, struct fee_work *w,
                     struct fee_error *e)
{
  int64_t v[FEE_LIST_MAX], counts[FEE_BANDS_MAX] = {0};
  size_t n;
  if (values_of(answers, it->of, v, &n, e))
    return ST_INVALID;
  for (size_t i = 0; i < n; i++) {
    size_t b = 0;
    if (v[i] == 0)
      return bad(e, it->of, "fee_err_area_zero");
    while (b + 1 < it->band_count && v[i] >= it->bands[b].below_m2 * FEE_SCALE)
      b++;
    counts[b]++;
  }
  for (size_t b = 0; b < it->band_count; b++) {
    if (!counts[b])
      continue;
    /* counts <= FEE_LIST_MAX: the product fits */
    if (add(w, it, counts[b], it->bands[b].unit_price, counts[b] * it->bands[b].unit_price))
      return ST_LIMIT;
    w->lines[w->count - 1].band = b;
  }
  return ST_OK;
}

static int64_t divide(int64_t n, int64_t d, enum fee_rounding r)
{
  if (r == FEE_ROUND_FLOOR)
    return n / d;
  if (r == FEE_ROUND_CEIL)
    return (n + d - 1) / d;
  return (n + d / 2) / d;
}

static int per_mille(const struct fee_item *it, const json_t *answers, struct fee_work *w,
                     struct fee_error *e)
{
  int64_t v[FEE_LIST_MAX], fee;
  size_t n;
  const int64_t d = 1000 * (int64_t)FEE_SCALE;
  if (values_of(answers, it->of, v, &n, e))
    return ST_INVALID;
  if (!n)
    return ST_OK;
  /* v <= 10^16 and per_mille <= 100: the product stays below 2^63 */
  int64_t exact = v[0] * it->per_mille;
  fee = it->under_one_free && exact < d ? 0 : divide(exact, d, it->round);
  if (fee < it->minimum && v[0] > 0)
    fee = it->minimum;
  if (add(w, it, 1, fee, fee))
    return ST_LIMIT;
  w->lines[w->count - 1].basis = v[0];
  return ST_OK;
}

static const struct fee_line *line_of(const struct fee_work *w, const char *id)
{
  for (size_t i = 0; i < w->count; i++)
    if (strcmp(w->lines[i].item->id, id) == 0)
      return &w->lines[i];
  return NULL;
}

static int late_penalty(const struct fee_item *it, const json_t *answers, struct fee_work *w,
                        struct fee_error *e)
{
  int64_t v[FEE_LIST_MAX], months;
  size_t n;
  const struct fee_line *base = line_of(w, it->base);
  if (values_of(answers, it->of, v, &n, e))
    return ST_INVALID;
  months = n ? v[0] / FEE_SCALE : 0;
  if (months > it->cap)
    months = it->cap;
  if (!months || !base || !base->amount)
    return ST_OK;
  return add(w, it, months, base->amount, months * base->amount);
}

static int waiver(const struct fee_item *it, struct fee_work *w)
{
  int64_t on = w->total, off = w->total * it->percent / 100;
  if (!on)
    return ST_OK;
  if (add(w, it, 1, -off, -off))
    return ST_LIMIT;
  w->lines[w->count - 1].basis = on;
  w->waiver_id = it->id;
  return ST_OK;
}

static int compute_item(const struct fee_item *it, const json_t *answers, struct fee_work *w,
                        struct fee_error *e)
{
  switch (it->kind) {
  case FEE_PER_UNIT:
    return per_unit(it, answers, w, e);
  case FEE_PER_STARTED:
    return per_started(it, answers, w, e);
  case FEE_AREA_BAND:
    return area_band(it, answers, w, e);
  case FEE_PER_MILLE:
    return per_mille(it, answers, w, e);
  case FEE_LATE_PENALTY:
    return late_penalty(it, answers, w, e);
  default:
    return ST_OK; /* waivers after the charges */
  }
}

/* The waiver answer: absent or "" = none; otherwise a waiver item in effect. */
static int chosen_waiver(const struct fee_schedule *s, const json_t *answers,
                         struct civil_date today, const struct fee_item **out, struct fee_error *e)
{
  const json_t *a = json_object_get(answers, "waiver");
  const char *id = json_string_value(a);
  *out = NULL;
  if (!a || json_is_null(a) || (id && !*id))
    return ST_OK;
  const struct fee_item *it = find_item(s, id);
  if (!it || it->kind != FEE_WAIVER || !fee_item_in_effect(it, today))
    return bad(e, "waiver", "fee_err_waiver");
  *out = it;
  return ST_OK;
}

int fee_compute(const struct fee_schedule *s, const json_t *answers, struct civil_date today,
                struct fee_work *out, struct fee_error *e)
{
  const struct fee_item *waive = NULL;
  int rc = ST_OK;
  memset(out, 0, sizeof(*out));
  memset(e, 0, sizeof(*e));
  if (answers && !json_is_object(answers))
    return bad(e, "answers", "fee_err_number");
  if (chosen_waiver(s, answers, today, &waive, e))
    return ST_INVALID;
  for (size_t i = 0; !rc && i < s->count; i++)
    if (fee_item_in_effect(&s->items[i], today))
      rc = compute_item(&s->items[i], answers, out, e);
  if (!rc && waive)
    rc = waiver(waive, out);
  if (rc == ST_LIMIT)
    bad(e, "answers", "fee_err_too_large");
  return rc;
}

/* ---- JSON ---- */

static json_t *line_to_json(const struct fee_line *l)
{
  const struct fee_item *it = l->item;
  json_t *o = json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s?, s:s?, s:I, s:I, s:I}", "id", it->id,
                        "kind", fee_kind_name(it->kind), "label_zh", it->label_zh, "label_en",
                        it->label_en, "source", it->source, "rounding", it->rounding_text, "note",
                        it->note, "quantity", (json_int_t)l->quantity, "unit_price",
                        (json_int_t)l->unit_price, "amount", (json_int_t)l->amount);
  if (o && it->kind == FEE_AREA_BAND) {
    json_object_set_new(o, "band_below_m2",
                        it->bands[l->band].below_m2 ? json_integer(it->bands[l->band].below_m2)
                                                    : json_null());
  }
  if (o && it->kind == FEE_PER_MILLE) {
    json_object_set_new(o, "basis", json_real((double)l->basis / FEE_SCALE));
    json_object_set_new(o, "per_mille", json_integer(it->per_mille));
  }
  return o;
}

json_t *fee_work_to_json(const struct fee_work *w)
{
  json_t *lines = json_array();
  for (size_t i = 0; lines && i < w->count; i++)
    if (json_array_append_new(lines, line_to_json(&w->lines[i]))) {
      json_decref(lines);
      return NULL;
    }
  return lines ? json_pack("{s:o, s:I, s:s?}", "lines", lines, "total", (json_int_t)w->total,
                           "waiver", w->waiver_id)
               : NULL;
}
