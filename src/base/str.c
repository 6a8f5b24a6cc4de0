/* str.c - slices, UTF-8 validation, checked integer parsing. */
#include "base/str.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/common.h"

struct str str_from(const char *cstr)
{
  return (struct str){cstr, cstr ? strlen(cstr) : 0};
}

bool str_eq(struct str a, struct str b)
{
  return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool str_eq_cstr(struct str a, const char *b)
{
  return str_eq(a, str_from(b));
}

bool str_case_eq_cstr(struct str a, const char *b)
{
  size_t n = strlen(b);
  return a.len == n && strncasecmp(a.ptr, b, n) == 0;
}

bool str_starts_with(struct str s, const char *prefix)
{
  size_t n = strlen(prefix);
  return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

static bool is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct str str_trim(struct str s)
{
  while (s.len && is_space(s.ptr[0])) {
    s.ptr++;
    s.len--;
  }
  while (s.len && is_space(s.ptr[s.len - 1]))
    s.len--;
  return s;
}

/* The shape of a well-formed UTF-8 sequence by its lead byte (RFC 3629, table 3-7 of the
 * Unicode standard): its length and the allowed range of its second byte. The later bytes are
 * always 0x80..0xBF. Lead bytes not listed (0x80..0xC1, 0xF5..0xFF) are never valid. */
struct utf8_lead {
  unsigned char first, last; /* range of lead bytes */
  unsigned char length;
  unsigned char lo, hi; /* range of the second byte */
};

static const struct utf8_lead utf8_leads[] = {
    {0xC2, 0xDF, 2, 0x80, 0xBF}, {0xE0, 0xE0, 3, 0xA0, 0xBF}, {0xE1, 0xEC, 3, 0x80, 0xBF},
    {0xED, 0xED, 3, 0x80, 0x9F}, {0xEE, 0xEF, 3, 0x80, 0xBF}, {0xF0, 0xF0, 4, 0x90, 0xBF},
    {0xF1, 0xF3, 4, 0x80, 0xBF}, {0xF4, 0xF4, 4, 0x80, 0x8F},
};

/* Length of the UTF-8 sequence starting at p (at most avail bytes), or 0 if malformed:
 * no overlongs, no surrogates, nothing above U+10FFFF. */
static size_t utf8_seq_len(const unsigned char *p, size_t avail)
{
  if (p[0] < 0x80)
    return 1;
  const struct utf8_lead *lead = NULL;
  for (size_t i = 0; i < ARRAY_LEN(utf8_leads) && !lead; i++)
    if (p[0] >= utf8_leads[i].first && p[0] <= utf8_leads[i].last)
      lead = &utf8_leads[i];
  if (!lead || avail < lead->length || p[1] < lead->lo || p[1] > lead->hi)
    return 0;
  for (size_t i = 2; i < lead->length; i++)
    if (p[i] < 0x80 || p[i] > 0xBF)
      return 0;
  return lead->length;
}

bool str_has_bidi_control(struct str s)
{
  const unsigned char *p = (const unsigned char *)s.ptr;
  for (size_t i = 0; i + 2 < s.len; i++) {
    if (p[i] != 0xE2)
      continue;
    if (p[i + 1] == 0x80 && p[i + 2] >= 0xAA && p[i + 2] <= 0xAE)
      return true; /* U+202A..U+202E */
    if (p[i + 1] == 0x81 && p[i + 2] >= 0xA6 && p[i + 2] <= 0xA9)
      return true; /* U+2066..U+2069 */
  }
  return false;
}

bool str_valid_text(struct str s, bool allow_newlines)
{
  const unsigned char *p = (const unsigned char *)s.ptr;
  size_t i = 0;
  while (i < s.len) {
    unsigned char c = p[i];
    if (c < 0x20 || c == 0x7F) {
      bool newline = c == '\n' || c == '\r';
      if (c != '\t' && !(newline && allow_newlines))
        return false;
    }
    size_t n = utf8_seq_len(p + i, s.len - i);
    if (n == 0)
      return false;
    /* U+FFFE and U+FFFF: noncharacters no one types, and not characters of XML (an Open311
     * answer, a spreadsheet that shows them would not parse) */
    if (n == 3 && c == 0xEF && p[i + 1] == 0xBF && p[i + 2] >= 0xBE)
      return false;
    i += n;
  }
  return !str_has_bidi_control(s);
}

int str_to_int64(struct str s, int64_t min, int64_t max, int64_t *out)
{
  size_t i = 0;
  bool negative = false;
  if (s.len && (s.ptr[0] == '-' || s.ptr[0] == '+')) {
    negative = s.ptr[0] == '-';
    i = 1;
  }
  if (i == s.len || s.len - i > 19)
    return ST_INVALID;
  uint64_t value = 0;
  for (; i < s.len; i++) {
    if (s.ptr[i] < '0' || s.ptr[i] > '9')
      return ST_INVALID;
    value = value * 10 + (uint64_t)(s.ptr[i] - '0');
  }
  if (value > (uint64_t)INT64_MAX + (negative ? 1u : 0u))
    return ST_INVALID;
  int64_t v = negative ? (int64_t)(0 - value) : (int64_t)value;
  if (v < min || v > max)
    return ST_INVALID;
  *out = v;
  return ST_OK;
}

int str_copy(char *dst, size_t dst_size, struct str src)
{
  if (dst_size == 0 || src.len > dst_size - 1)
    return ST_LIMIT;
  memcpy(dst, src.ptr, src.len);
  dst[src.len] = '\0';
  return ST_OK;
}

int str_hex_value(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

int str_unhex(const char *hex, unsigned char **out, size_t *len)
{
  size_t n = strlen(hex);
  if (n % 2)
    return ST_INVALID;
  unsigned char *bytes = malloc(n / 2 ? n / 2 : 1);
  if (!bytes)
    return ST_NOMEM;
  for (size_t i = 0; i < n / 2; i++) {
    int hi = str_hex_value(hex[2 * i]), lo = str_hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      free(bytes);
      return ST_INVALID;
    }
    bytes[i] = (unsigned char)(hi * 16 + lo);
  }
  *out = bytes;
  *len = n / 2;
  return ST_OK;
}

size_t str_decimal(int64_t v, int width, char out[STR_DECIMAL_SIZE])
{
  char tmp[STR_DECIMAL_SIZE];
  size_t pos = sizeof(tmp), len = 0;
  uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do {
    tmp[--pos] = (char)('0' + m % 10);
    m /= 10;
  } while (m);
  while (pos > 1 && (int)(sizeof(tmp) - pos) < width)
    tmp[--pos] = '0';
  if (v < 0)
    out[len++] = '-';
  memcpy(out + len, tmp + pos, sizeof(tmp) - pos);
  return len + sizeof(tmp) - pos;
}
