/*
 * rational.h - exact fractions over int64 for the land-office calculators: money, areas,
 * shares (權利範圍) and rates are never binary floating point.
 *
 * A struct rational is always normalised: den > 0, gcd(|num|, den) == 1, and neither part is
 * INT64_MIN. Intermediates are 128-bit and reduced by their gcd before they are narrowed, so
 * a result that fits is always found; one that does not fit is an overflow.
 *
 * Arithmetic uses a sticky status (like IEEE NaN, or curl's dynbuf error): every operation
 * takes `int *st`; when *st is already non-zero it does nothing and returns zero, and on
 * failure it sets *st (ST_LIMIT for overflow, ST_INVALID for division by zero). A chain of
 * operations is therefore checked once, at its end.
 */
#ifndef BIANMIN_DOMAIN_LAND_RATIONAL_H
#define BIANMIN_DOMAIN_LAND_RATIONAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/str.h"

struct rational {
  int64_t num;
  int64_t den;
};

/* Most decimal places rational_format() writes. */
#define RATIONAL_FORMAT_PLACES_MAX 18
/* A buffer this large holds any rational_format() or rational_text() output. */
#define RATIONAL_TEXT_MAX 48

/* Why a parse failed. */
enum rational_parse_err {
  RATIONAL_PARSE_OK = 0,
  RATIONAL_PARSE_SYNTAX,          /* not a decimal number (or a fraction, where allowed) */
  RATIONAL_PARSE_TOO_MANY_PLACES, /* more decimal places than the caller allows */
  RATIONAL_PARSE_TOO_LARGE,       /* the integer part is above the caller's maximum */
  RATIONAL_PARSE_ZERO_DENOMINATOR /* "1/0" */
};

struct rational rational_int(int64_t n);
/* num/den normalised; *st = ST_INVALID when den is 0, ST_LIMIT when a part is INT64_MIN. */
struct rational rational_make(int64_t num, int64_t den, int *st);

struct rational rational_add(struct rational a, struct rational b, int *st);
struct rational rational_sub(struct rational a, struct rational b, int *st);
struct rational rational_mul(struct rational a, struct rational b, int *st);
struct rational rational_div(struct rational a, struct rational b, int *st);
/* a × num / den, the common "percent of" or "per mille of" step. */
struct rational rational_scale(struct rational a, int64_t num, int64_t den, int *st);

/* -1, 0 or 1; exact (128-bit cross products), never fails. */
int rational_cmp(struct rational a, struct rational b);
int rational_sign(struct rational a);
bool rational_is_int(struct rational a);
struct rational rational_min(struct rational a, struct rational b);
struct rational rational_max(struct rational a, struct rational b);

/* Whole numbers. Half-up means half away from zero: 2.5 -> 3, -2.5 -> -3. */
int64_t rational_round_half_up(struct rational a);
int64_t rational_floor(struct rational a);
int64_t rational_ceil(struct rational a);

/*
 * Parses an optionally signed decimal ("123", "-0.5", "+12.25", "80,000.5"; commas only as
 * thousands separators in groups of three). Surrounding ASCII spaces are ignored. At most
 * max_places digits after the point and an integer part of at most max_int. Full-width digits
 * must be normalised (NFKC) by the caller. Returns ST_OK, or ST_INVALID with *why set.
 */
int rational_parse_decimal(struct str s, unsigned max_places, int64_t max_int, struct rational *out,
                           enum rational_parse_err *why);

/* Like rational_parse_decimal, and also accepts "p/q" where p and q are such decimals
 * (q != 0) and the quotient is at most max_int in magnitude. The sign may only lead p. */
int rational_parse_fraction(struct str s, unsigned max_places, int64_t max_int,
                            struct rational *out, enum rational_parse_err *why);

/*
 * Writes a as a decimal with exactly `places` places (0..RATIONAL_FORMAT_PLACES_MAX), rounded
 * half-up, into out; *rounded (may be NULL) says whether the text differs from the exact
 * value. With trim, trailing zeros after the point (and a bare point) are dropped.
 * ST_LIMIT when out is too small.
 */
int rational_format(struct rational a, unsigned places, bool trim, char *out, size_t out_size,
                    bool *rounded);

/* "num/den", or just "num" when den is 1. */
int rational_text(struct rational a, char *out, size_t out_size);

/* A JSON view of a: {"exact": "400/121", "num": 400, "den": 121, "decimal": "3.305785",
 * "rounded": true}; decimal has `places` places, trimmed. NULL when out of memory. */
json_t *rational_to_json(struct rational a, unsigned places);

#endif
