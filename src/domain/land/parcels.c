/*
 * parcels.c - normalised forms of section codes, parcel and building numbers, addresses,
 * dates and years for parcel data (parcels.h).
 */
#include "domain/land/parcels.h"

#include <stdio.h>
#include <string.h>

#include "base/civil.h"
#include "base/str.h"
#include "base/text.h"

#include "base/common.h"

enum { ROC_YEAR_BELOW = 1000, FIRST_YEAR = 1946 };

static bool all_digits(struct str s, size_t min, size_t max)
{
  if (s.len < min || s.len > max)
    return false;
  for (size_t i = 0; i < s.len; i++)
    if (s.ptr[i] < '0' || s.ptr[i] > '9')
      return false;
  return true;
}

/* Writes digits of s left-padded with zeros to width, then a NUL; out has width + 1 bytes. */
static void pad(struct str s, size_t width, char *out)
{
  size_t zeros = width - s.len;
  memset(out, '0', zeros);
  memcpy(out + zeros, s.ptr, s.len);
  out[width] = '\0';
}

int parcel_section_code_normalize(const char *text, char out[PARCEL_SECTION_CODE_SIZE])
{
  struct str s = str_trim(str_from(text ? text : ""));
  if (!all_digits(s, 1, PARCEL_SECTION_CODE_SIZE - 1))
    return ST_INVALID;
  pad(s, PARCEL_SECTION_CODE_SIZE - 1, out);
  return ST_OK;
}

/* "main" or "main-sub" with main of 1..main_width digits and sub of 1..sub_width. */
static int split_number(const char *text, size_t main_width, size_t sub_width, struct str *main,
                        struct str *sub)
{
  struct str s = str_trim(str_from(text ? text : ""));
  const char *dash = memchr(s.ptr, '-', s.len);
  *main = s;
  *sub = (struct str){"0", 1};
  if (dash) {
    main->len = (size_t)(dash - s.ptr);
    *sub = (struct str){dash + 1, s.len - main->len - 1};
  }
  return all_digits(*main, 1, main_width) && all_digits(*sub, 1, sub_width) ? ST_OK : ST_INVALID;
}

static int number_with_widths(const char *text, size_t main_width, size_t sub_width, char *out)
{
  struct str main, sub;
  if (split_number(text, main_width, sub_width, &main, &sub))
    return ST_INVALID;
  pad(main, main_width, out);
  out[main_width] = '-';
  pad(sub, sub_width, out + main_width + 1);
  return ST_OK;
}

int parcel_number_normalize(const char *text, char out[PARCEL_NUMBER_SIZE])
{
  return number_with_widths(text, 4, 4, out);
}

int parcel_building_normalize(const char *text, char out[PARCEL_BUILDING_SIZE])
{
  return number_with_widths(text, 5, 3, out);
}

/* The digits of s without leading zeros ("0" for all zeros). */
static struct str unpadded(struct str s)
{
  while (s.len > 1 && s.ptr[0] == '0') {
    s.ptr++;
    s.len--;
  }
  return s;
}

/* The stored "main-sub" without padding, and without "-0". */
static void display(const char *stored, size_t main_width, size_t sub_width, char *out)
{
  struct str main, sub;
  if (!stored || split_number(stored, main_width, sub_width, &main, &sub)) {
    snprintf(out, PARCEL_NUMBER_DISPLAY_SIZE, "%s", stored ? stored : "");
    return;
  }
  main = unpadded(main);
  sub = unpadded(sub);
  if (str_eq_cstr(sub, "0"))
    snprintf(out, PARCEL_NUMBER_DISPLAY_SIZE, "%.*s", (int)main.len, main.ptr);
  else
    snprintf(out, PARCEL_NUMBER_DISPLAY_SIZE, "%.*s-%.*s", (int)main.len, main.ptr, (int)sub.len,
             sub.ptr);
}

void parcel_number_display(const char *stored, char out[PARCEL_NUMBER_DISPLAY_SIZE])
{
  display(stored, 4, 4, out);
}

void parcel_building_display(const char *stored, char out[PARCEL_NUMBER_DISPLAY_SIZE])
{
  display(stored, 5, 3, out);
}

char *parcel_address_key(struct arena *arena, const char *text)
{
  static const char tai[] = "\xE5\x8F\xB0";  /* 台 */
  static const char tai2[] = "\xE8\x87\xBA"; /* 臺 */
  char *folded = text_normalize(arena, text ? text : "", true);
  if (!folded)
    return NULL;
  size_t n = 0;
  for (size_t i = 0; folded[i]; i++)
    if (folded[i] != ' ' && folded[i] != '\t' && folded[i] != '\r' && folded[i] != '\n')
      folded[n++] = folded[i];
  folded[n] = '\0';
  for (char *p = strstr(folded, tai); p; p = strstr(p + 3, tai))
    memcpy(p, tai2, 3);
  return folded;
}

static int roc_date(struct str s, struct civil_date *out)
{
  const char *a = memchr(s.ptr, '/', s.len);
  const char *b = a ? memchr(a + 1, '/', s.len - (size_t)(a + 1 - s.ptr)) : NULL;
  int64_t y, m, d;
  if (!b || str_to_int64((struct str){s.ptr, (size_t)(a - s.ptr)}, 1, 999, &y) ||
      str_to_int64((struct str){a + 1, (size_t)(b - a - 1)}, 1, 12, &m) ||
      str_to_int64((struct str){b + 1, s.len - (size_t)(b + 1 - s.ptr)}, 1, 31, &d))
    return ST_INVALID;
  *out = (struct civil_date){civil_gregorian_year((int)y), (int)m, (int)d};
  return land_date_valid(*out) ? ST_OK : ST_INVALID;
}

int parcel_date_parse(const char *text, struct civil_date *out)
{
  struct land_error e;
  struct str s = str_trim(str_from(text ? text : ""));
  if (memchr(s.ptr, '/', s.len))
    return roc_date(s, out);
  char copy[16];
  if (str_copy(copy, sizeof(copy), s))
    return ST_INVALID;
  return land_date_parse(copy, "date", out, &e);
}

int parcel_year_parse(const char *text, int max_year, int *out)
{
  int64_t year;
  if (str_to_int64(str_trim(str_from(text ? text : "")), 1, 9999, &year))
    return ST_INVALID;
  if (year < ROC_YEAR_BELOW)
    year = civil_gregorian_year((int)year);
  if (year < FIRST_YEAR || year > max_year)
    return ST_INVALID;
  *out = (int)year;
  return ST_OK;
}

int parcel_import_kind_parse(const char *text, enum parcel_import_kind *out)
{
  static const char *const names[] = {"parcels", "resurvey", "addresses"};
  for (size_t i = 0; text && i < ARRAY_LEN(names); i++) {
    if (strcmp(text, names[i]) == 0) {
      *out = (enum parcel_import_kind)i;
      return ST_OK;
    }
  }
  return ST_INVALID;
}
