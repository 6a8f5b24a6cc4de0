/* rational.c - exact int64 fractions with 128-bit intermediates (see rational.h). */
#include "domain/land/rational.h"

#include <string.h>

#include "base/common.h"

__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

#define DECIMAL_DIGITS_MAX 18 /* digits an int64 always holds */

static u128 abs128(i128 v)
{
  return v < 0 ? (u128)0 - (u128)v : (u128)v;
}

static u128 gcd128(u128 a, u128 b)
{
  while (b) {
    u128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/* Reduces n/d and narrows it to int64; the one place where overflow is detected. */
static struct rational narrow(i128 n, i128 d, int *st)
{
  struct rational zero = {0, 1};
  if (*st)
    return zero;
  if (d == 0) {
    *st = ST_INVALID;
    return zero;
  }
  if (d < 0) {
    n = -n;
    d = -d;
  }
  u128 g = gcd128(abs128(n), (u128)d);
  if (g > 1) {
    n /= (i128)g;
    d /= (i128)g;
  }
  if (n > INT64_MAX || n < -INT64_MAX || d > INT64_MAX) {
    *st = ST_LIMIT;
    return zero;
  }
  return (struct rational){(int64_t)n, (int64_t)d};
}

struct rational rational_int(int64_t n)
{
  return (struct rational){n == INT64_MIN ? -INT64_MAX : n, 1};
}

struct rational rational_make(int64_t num, int64_t den, int *st)
{
  if (num == INT64_MIN || den == INT64_MIN) {
    if (!*st)
      *st = ST_LIMIT;
    return rational_int(0);
  }
  return narrow(num, den, st);
}

struct rational rational_add(struct rational a, struct rational b, int *st)
{
  return narrow((i128)a.num * b.den + (i128)b.num * a.den, (i128)a.den * b.den, st);
}

struct rational rational_sub(struct rational a, struct rational b, int *st)
{
  return narrow((i128)a.num * b.den - (i128)b.num * a.den, (i128)a.den * b.den, st);
}

struct rational rational_mul(struct rational a, struct rational b, int *st)
{
  /* Cross-reduce first so that products which fit are not refused on the way. */
  struct rational x = narrow(a.num, b.den, st), y = narrow(b.num, a.den, st);
  return narrow((i128)x.num * y.num, (i128)x.den * y.den, st);
}

struct rational rational_div(struct rational a, struct rational b, int *st)
{
  if (b.num == 0) {
    if (!*st)
      *st = ST_INVALID;
    return rational_int(0);
  }
  return rational_mul(a, (struct rational){b.den, b.num}, st);
}

struct rational rational_scale(struct rational a, int64_t num, int64_t den, int *st)
{
  return rational_mul(a, rational_make(num, den, st), st);
}

int rational_cmp(struct rational a, struct rational b)
{
  i128 l = (i128)a.num * b.den, r = (i128)b.num * a.den;
  return (l > r) - (l < r);
}

int rational_sign(struct rational a)
{
  return (a.num > 0) - (a.num < 0);
}

bool rational_is_int(struct rational a)
{
  return a.den == 1;
}

struct rational rational_min(struct rational a, struct rational b)
{
  return rational_cmp(a, b) <= 0 ? a : b;
}

struct rational rational_max(struct rational a, struct rational b)
{
  return rational_cmp(a, b) >= 0 ? a : b;
}

int64_t rational_floor(struct rational a)
{
  int64_t q = a.num / a.den;
  return (a.num % a.den != 0 && a.num < 0) ? q - 1 : q;
}

int64_t rational_ceil(struct rational a)
{
  int64_t q = a.num / a.den;
  return (a.num % a.den != 0 && a.num > 0) ? q + 1 : q;
}

/* floor((2|n| + d) / 2d) with the sign of n: half away from zero, exact in 128 bits. */
static i128 round_half_up128(i128 n, i128 d)
{
  u128 mag = (2 * abs128(n) + (u128)d) / (2 * (u128)d);
  return n < 0 ? -(i128)mag : (i128)mag;
}

int64_t rational_round_half_up(struct rational a)
{
  return (int64_t)round_half_up128(a.num, a.den);
}

/* ---- parsing ---- */

struct digits {
  i128 value;
  unsigned count;
};

/* Integer part with optional thousands commas ("80,000"); stops at the first other byte. */
static int parse_int_part(struct str s, size_t *pos, int64_t max_int, struct digits *out,
                          enum rational_parse_err *why)
{
  size_t i = *pos, group = 0;
  bool commas = false;
  for (; i < s.len; i++) {
    char c = s.ptr[i];
    if (c == ',') {
      if (out->count == 0 || (commas && group != 3) || (!commas && group > 3))
        goto syntax;
      commas = true;
      group = 0;
      continue;
    }
    if (c < '0' || c > '9')
      break;
    out->value = out->value * 10 + (c - '0');
    out->count++;
    group++;
    if (out->value > max_int) {
      *why = RATIONAL_PARSE_TOO_LARGE;
      return ST_INVALID;
    }
  }
  if (commas && group != 3)
    goto syntax;
  *pos = i;
  return ST_OK;
syntax:
  *why = RATIONAL_PARSE_SYNTAX;
  return ST_INVALID;
}

static int parse_places(struct str s, size_t *pos, unsigned max_places, struct digits *out,
                        enum rational_parse_err *why)
{
  size_t i = *pos;
  for (; i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9'; i++) {
    if (out->count >= max_places || out->count >= DECIMAL_DIGITS_MAX) {
      *why = RATIONAL_PARSE_TOO_MANY_PLACES;
      return ST_INVALID;
    }
    out->value = out->value * 10 + (s.ptr[i] - '0');
    out->count++;
  }
  *pos = i;
  return ST_OK;
}

static i128 pow10_128(unsigned n)
{
  i128 p = 1;
  while (n--)
    p *= 10;
  return p;
}

/* One unsigned decimal starting at *pos; *pos ends at the first byte it did not take. */
static int parse_unsigned(struct str s, size_t *pos, unsigned max_places, int64_t max_int,
                          struct rational *out, enum rational_parse_err *why)
{
  struct digits whole = {0, 0}, frac = {0, 0};
  int rc = parse_int_part(s, pos, max_int, &whole, why);
  if (rc)
    return rc;
  if (*pos < s.len && s.ptr[*pos] == '.') {
    (*pos)++;
    rc = parse_places(s, pos, max_places, &frac, why);
    if (rc)
      return rc;
    if (frac.count == 0)
      whole.count = 0; /* "12." is refused */
  }
  if (whole.count == 0) {
    *why = RATIONAL_PARSE_SYNTAX;
    return ST_INVALID;
  }
  int st = ST_OK;
  i128 scale = pow10_128(frac.count);
  *out = narrow(whole.value * scale + frac.value, scale, &st);
  if (st) {
    *why = RATIONAL_PARSE_TOO_LARGE;
    return ST_INVALID;
  }
  return ST_OK;
}

static size_t parse_sign(struct str s, size_t pos, bool *negative)
{
  *negative = pos < s.len && s.ptr[pos] == '-';
  return (pos < s.len && (s.ptr[pos] == '-' || s.ptr[pos] == '+')) ? pos + 1 : pos;
}

static int parse_number(struct str s, bool allow_fraction, unsigned max_places, int64_t max_int,
                        struct rational *out, enum rational_parse_err *why)
{
  bool negative;
  struct rational p, q = {1, 1};
  s = str_trim(s);
  size_t pos = parse_sign(s, 0, &negative);
  *why = RATIONAL_PARSE_OK;
  int rc = parse_unsigned(s, &pos, max_places, max_int, &p, why);
  if (!rc && allow_fraction && pos < s.len && s.ptr[pos] == '/') {
    pos++;
    rc = parse_unsigned(s, &pos, max_places, max_int, &q, why);
    if (!rc && q.num == 0) {
      *why = RATIONAL_PARSE_ZERO_DENOMINATOR;
      rc = ST_INVALID;
    }
  }
  if (!rc && pos != s.len) {
    *why = RATIONAL_PARSE_SYNTAX;
    rc = ST_INVALID;
  }
  if (rc)
    return rc;
  if (negative)
    p.num = -p.num;
  *out = rational_div(p, q, &rc);
  if (rc || rational_cmp(*out, rational_int(max_int)) > 0 ||
      rational_cmp(*out, rational_int(-max_int)) < 0) {
    *why = RATIONAL_PARSE_TOO_LARGE;
    return ST_INVALID;
  }
  return ST_OK;
}

int rational_parse_decimal(struct str s, unsigned max_places, int64_t max_int, struct rational *out,
                           enum rational_parse_err *why)
{
  return parse_number(s, false, max_places, max_int, out, why);
}

int rational_parse_fraction(struct str s, unsigned max_places, int64_t max_int,
                            struct rational *out, enum rational_parse_err *why)
{
  return parse_number(s, true, max_places, max_int, out, why);
}

/* ---- formatting ---- */

/* Writes the digits of v (>= 0) with a point before the last `places` digits. */
static size_t digits_of(u128 v, unsigned places, char *tmp, size_t tmp_size)
{
  size_t n = 0;
  do {
    if (n == places && places > 0)
      tmp[n++] = '.';
    tmp[n++] = (char)('0' + (int)(v % 10));
    v /= 10;
  } while ((v > 0 || n <= places) && n < tmp_size);
  return n;
}

int rational_format(struct rational a, unsigned places, bool trim, char *out, size_t out_size,
                    bool *rounded)
{
  char tmp[RATIONAL_TEXT_MAX];
  if (places > RATIONAL_FORMAT_PLACES_MAX)
    places = RATIONAL_FORMAT_PLACES_MAX;
  i128 scaled = (i128)a.num * pow10_128(places);
  i128 value = round_half_up128(scaled, a.den);
  if (rounded)
    *rounded = scaled % a.den != 0;
  size_t n = digits_of(abs128(value), places, tmp, sizeof(tmp));
  size_t skip = 0;
  while (trim && places > 0 && skip < n && tmp[skip] == '0')
    skip++;
  if (trim && places > 0 && skip < n && tmp[skip] == '.')
    skip++;
  bool minus = value < 0;
  if (n - skip + (minus ? 1 : 0) + 1 > out_size)
    return ST_LIMIT;
  size_t o = 0;
  if (minus)
    out[o++] = '-';
  for (size_t i = n; i > skip; i--)
    out[o++] = tmp[i - 1];
  out[o] = '\0';
  return ST_OK;
}

static int format_int(int64_t v, char *out, size_t out_size)
{
  return rational_format(rational_int(v), 0, false, out, out_size, NULL);
}

int rational_text(struct rational a, char *out, size_t out_size)
{
  char num[RATIONAL_TEXT_MAX], den[RATIONAL_TEXT_MAX];
  int rc = format_int(a.num, num, sizeof(num));
  if (!rc)
    rc = format_int(a.den, den, sizeof(den));
  if (rc)
    return rc;
  size_t nl = strlen(num), dl = strlen(den);
  size_t need = nl + (a.den == 1 ? 0 : 1 + dl) + 1;
  if (need > out_size)
    return ST_LIMIT;
  memcpy(out, num, nl);
  if (a.den != 1) {
    out[nl] = '/';
    memcpy(out + nl + 1, den, dl);
  }
  out[need - 1] = '\0';
  return ST_OK;
}

json_t *rational_to_json(struct rational a, unsigned places)
{
  char exact[RATIONAL_TEXT_MAX], decimal[RATIONAL_TEXT_MAX];
  bool rounded = false;
  if (rational_text(a, exact, sizeof(exact)) ||
      rational_format(a, places, true, decimal, sizeof(decimal), &rounded))
    return NULL;
  return json_pack("{s:s, s:I, s:I, s:s, s:b}", "exact", exact, "num", (json_int_t)a.num, "den",
                   (json_int_t)a.den, "decimal", decimal, "rounded", rounded);
}
