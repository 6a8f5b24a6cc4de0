/*
 * fee_schedule.h - a service's fee schedule as data (規費標準) and the pure computation of a fee
 * from it with the working shown (issue 17). The schedule is the service's `fee_schedule`
 * column (migration 23): a JSON list of items, [] when the service has none (then the old
 * rule, fee_amount × copies, applies: domain/payment.h). At most FEE_ITEMS_MAX items.
 *
 * Every item has "id" (a code, unique), "kind", "label_zh", "label_en" (optional), "source"
 * (the legal basis, required), "effective" (YYYY-MM-DD, required: the item applies from that
 * day), "until" (optional, YYYY-MM-DD: the last day it applies), "rounding" (optional: how it
 * rounds, shown with the working), "note" (optional: what is uncertain about the rule) and by
 * kind:
 *   per_unit      "of": input, "unit_price": NT$ - quantity = the input (a list: its sum);
 *                 optional "times": input, multiplies the quantity (parcels × sheets);
 *                 optional "default": the quantity when the answer is absent (copies: 1, as
 *                 the old fee_amount × copies rule counted).
 *   per_started   "of": input, "per": size, "unit_price" - quantity = every value (each
 *                 element of a list separately) in started units of `per` (1 m² over 50 m² is
 *                 2 units); optional "times" as above. Points, segments, 50 m² of floor area
 *                 per floor, 5 minutes of viewing, 0.5 ha bands.
 *   area_band     "of": an area input (m², a list: one per parcel), "bands": [{"below": m²,
 *                 "unit_price"}, ..., {"unit_price"}] ascending, the last one open - one line
 *                 per band used, quantity = the parcels in it.
 *   per_mille     "of": an amount input, "per_mille": 1..100, "minimum": NT$ (optional),
 *                 "under_one_free": bool (a fee under NT$1 is not charged) and
 *                 "round": "half_up" | "floor" | "ceil" - whole NT$.
 *   late_penalty  "of": an input counting started months late, "base": id of a per_mille or
 *                 per_unit item, "cap": most multiples - amount = min(months, cap) × base amount.
 *   waiver        "percent": 1..100 - applied only when the answer "waiver" names this id:
 *                 minus percent of the total of the charges so far (rounded down: the applicant
 *                 pays the whole dollars left). An exemption is a 100 % waiver.
 * Inputs are a fixed vocabulary (fee_input_*), so pages can label them and a counter form can
 * ask for them: counts are whole numbers, areas and amounts decimals with at most 4 places.
 */
#ifndef BIANMIN_DOMAIN_FEE_SCHEDULE_H
#define BIANMIN_DOMAIN_FEE_SCHEDULE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/civil.h"

enum {
  FEE_ITEMS_MAX = 24,
  FEE_BANDS_MAX = 8,
  FEE_LINES_MAX = 48,
  FEE_LIST_MAX = 100,        /* values in one list answer (parcels, floors) */
  FEE_PRICE_MAX = 10000000,  /* NT$ per unit */
  FEE_TOTAL_MAX = 100000000, /* NT$ on one bill (PAYMENT_AMOUNT_MAX) */
  FEE_COUNT_MAX = 100000,    /* a count answer */
  FEE_SCHEDULE_MAX_BYTES = 64 * 1024,
  FEE_WHY_MAX = 200
};

/* Decimal answers are held as integers scaled by FEE_SCALE (4 decimal places). */
#define FEE_SCALE      10000
#define FEE_AMOUNT_MAX 1000000000000LL /* NT$ declared value */
#define FEE_AREA_MAX   100000000LL     /* m² */

enum fee_kind {
  FEE_PER_UNIT = 0,
  FEE_PER_STARTED,
  FEE_AREA_BAND,
  FEE_PER_MILLE,
  FEE_LATE_PENALTY,
  FEE_WAIVER,
  FEE_KIND_COUNT
};

enum fee_input_type { FEE_INPUT_COUNT = 0, FEE_INPUT_AREA, FEE_INPUT_AMOUNT };

/* The vocabulary of inputs: key, type, whether a list (one value per parcel or floor) is
 * accepted, and the translation key of its label (fee_in_<key>). */
struct fee_input_def {
  const char *key;
  enum fee_input_type type;
  bool list;
};
const struct fee_input_def *fee_input_find(const char *key);
const struct fee_input_def *fee_input_at(size_t i); /* NULL past the end */

enum fee_rounding { FEE_ROUND_HALF_UP = 0, FEE_ROUND_FLOOR, FEE_ROUND_CEIL };

struct fee_band {
  int64_t below_m2; /* 0 on the last, open band */
  int64_t unit_price;
};

/* Strings point into the JSON the schedule was parsed from: keep it alive. */
struct fee_item {
  const char *id, *label_zh, *label_en, *source, *rounding_text, *note;
  enum fee_kind kind;
  struct civil_date effective, until; /* until.year == 0: open */
  const char *of, *times, *base;
  int64_t unit_price, per_scaled, per_mille, minimum, cap, percent;
  int64_t default_quantity; /* per_unit: used when the answer is absent */
  bool under_one_free;
  enum fee_rounding round;
  struct fee_band bands[FEE_BANDS_MAX];
  size_t band_count;
};

struct fee_schedule {
  struct fee_item items[FEE_ITEMS_MAX];
  size_t count;
};

/* ST_OK, or ST_INVALID with `why` (English, for the admin) naming the item and the problem. */
int fee_schedule_parse(const json_t *schedule, struct fee_schedule *out, char *why,
                       size_t why_size);
/* The same from text; "", blank or "[]" is an empty schedule (count 0). *root must be
 * json_decref'd by the caller when set. */
int fee_schedule_parse_text(const char *text, json_t **root, struct fee_schedule *out, char *why,
                            size_t why_size);

/* One line of the working. amount is negative for a waiver. */
struct fee_line {
  const struct fee_item *item;
  size_t band;        /* area_band: the band's index */
  int64_t quantity;   /* units, parcels, months; per_mille: 1 */
  int64_t unit_price; /* NT$; per_mille: the fee; waiver: the waived amount */
  int64_t amount;     /* NT$ */
  int64_t basis;      /* per_mille: the declared value (scaled); waiver: the total waived on */
};

struct fee_work {
  struct fee_line lines[FEE_LINES_MAX];
  size_t count;
  int64_t total;         /* NT$, never negative */
  const char *waiver_id; /* the waiver applied, or NULL */
};

/* The answer problem: the input key (or "waiver") and a translation key for the message. */
struct fee_error {
  const char *field;
  const char *reason_key;
};

/* Computes the fee of `answers` (a JSON object: input key -> number, numeric string or array of
 * those; "waiver" -> a waiver id or absent) on `today` under the schedule. Absent inputs count
 * as 0 (no line). ST_INVALID with *e for a bad answer; ST_LIMIT when the total passes
 * FEE_TOTAL_MAX. */
int fee_compute(const struct fee_schedule *s, const json_t *answers, struct civil_date today,
                struct fee_work *out, struct fee_error *e);

/* Whether an item applies on `day`. */
bool fee_item_in_effect(const struct fee_item *item, struct civil_date day);
/* The inputs the schedule's items in effect on `day` use, in vocabulary order; returns how
 * many were written (at most max). */
size_t fee_schedule_inputs(const struct fee_schedule *s, struct civil_date day,
                           const struct fee_input_def **out, size_t max);

/* {"lines": [{"id", "kind", "label_zh", "label_en", "source", "rounding", "quantity",
 *  "unit_price", "amount", "note"?}], "total": n, "waiver": id|null} */
json_t *fee_work_to_json(const struct fee_work *w);

const char *fee_kind_name(enum fee_kind kind);

/* A decimal "1,234.5" (commas allowed) scaled by FEE_SCALE; ST_INVALID when not a number with
 * at most 4 decimal places or above max (scaled). */
int fee_parse_decimal(const char *text, int64_t max_scaled, int64_t *out);

#endif
