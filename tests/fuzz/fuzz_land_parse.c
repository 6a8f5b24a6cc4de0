/*
 * fuzz_land_parse.c - libFuzzer target for the land calculators' text parsers: decimals and
 * fractions, shares, dates and the area conversion. Checks that what is accepted is a
 * normalised fraction within the caller's maximum and that formatting it never fails.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/land/area.h"
#include "domain/land/input.h"
#include "domain/land/rational.h"
#include "base/common.h"

#define INPUT_MAX 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_rational(struct rational r, int64_t max_int)
{
  char text[RATIONAL_TEXT_MAX];
  if (r.den <= 0 || r.num == INT64_MIN)
    abort();
  if (rational_cmp(r, rational_int(max_int)) > 0 || rational_cmp(r, rational_int(-max_int)) < 0)
    abort();
  if (rational_format(r, RATIONAL_FORMAT_PLACES_MAX, true, text, sizeof(text), NULL) ||
      rational_text(r, text, sizeof(text)))
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char text[INPUT_MAX + 1];
  struct rational r;
  enum rational_parse_err why;
  struct land_error e;
  struct civil_date d;
  struct land_area_result area;
  if (size > INPUT_MAX)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  if (!rational_parse_fraction((struct str){(const char *)data, size}, 6, 1000000000, &r, &why))
    check_rational(r, 1000000000);
  if (!land_parse_share(text, "share", &r, &e) &&
      (rational_sign(r) <= 0 || rational_cmp(r, rational_int(1)) > 0))
    abort();
  if (!land_date_parse(text, "date", &d, &e) && !land_date_valid(d))
    abort();
  if (!land_area_convert(text, LAND_AREA_JIA, &area))
    for (int u = 0; u < LAND_AREA_UNIT_COUNT; u++)
      check_rational(area.values[u].exact, LAND_AREA_M2_MAX);
  return 0;
}
