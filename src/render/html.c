/*
 * html.c - HTML escaping (html.h). The scan for the next byte to escape reads 16 bytes at a
 * time where the machine has SSE2 (every x86-64), else one byte at a time through a table;
 * the runs between such bytes are appended whole.
 */
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "base/str.h"
#include "render/html.h" /* after the system headers: it includes base/common.h */

/* The bytes html_plain_prefix stops at. */
static const bool html_special[256] = {
    ['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1, [0xE2] = 1};

#if defined(__SSE2__)
/* Where in the 16 bytes c the first special byte is, or 16. '<' and '>' differ only in
 * bit 1 and '&' and '\'' only in bit 0, so four comparisons find the six bytes. The callers
 * load c, so that the short text's load is made where AddressSanitizer does not look. */
static inline unsigned block_first(__m128i c)
{
  __m128i hit = _mm_cmpeq_epi8(_mm_or_si128(c, _mm_set1_epi8(2)), _mm_set1_epi8('>'));
  hit = _mm_or_si128(hit, _mm_cmpeq_epi8(_mm_or_si128(c, _mm_set1_epi8(1)), _mm_set1_epi8('\'')));
  hit = _mm_or_si128(hit, _mm_cmpeq_epi8(c, _mm_set1_epi8('"')));
  hit = _mm_or_si128(hit, _mm_cmpeq_epi8(c, _mm_set1_epi8((char)0xE2)));
  unsigned mask = (unsigned)_mm_movemask_epi8(hit);
  return mask ? (unsigned)__builtin_ctz(mask) : 16;
}

static inline unsigned block_prefix(const char *s)
{
  return block_first(_mm_loadu_si128((const __m128i *)(const void *)s));
}
#endif

#if defined(__SSE2__) && defined(__has_attribute)
#if __has_attribute(no_sanitize)
#define HTML_SHORT_SCAN 1
#endif
#endif

#ifdef HTML_SHORT_SCAN
/* A text shorter than 16 bytes (most values of a page: names, dates, amounts), scanned as one
 * block when the 16 bytes at s lie in one page: reading past its end then cannot fault, and
 * the bytes after it are not looked at (a hit there is cut to len). -1 when the block would
 * cross into the next page. AddressSanitizer would report the read past the end, so it does
 * not look here (as view.c's JSON scan). An empty text reads nothing: s may be the end of a
 * buffer that ends with its page. */
__attribute__((no_sanitize("address"))) static ptrdiff_t short_prefix(const char *s, size_t len)
{
  if (len == 0)
    return 0;
  if (((uintptr_t)s & 4095) > 4096 - 16)
    return -1;
  unsigned at = block_first(_mm_loadu_si128((const __m128i *)(const void *)s));
  return at < len ? (ptrdiff_t)at : (ptrdiff_t)len;
}
#endif

size_t html_plain_prefix(const char *s, size_t len)
{
  size_t i = 0;
#ifdef HTML_SHORT_SCAN
  if (len < 16) {
    ptrdiff_t at = short_prefix(s, len);
    if (at >= 0)
      return (size_t)at;
  }
#endif
#if defined(__SSE2__)
  if (len >= 16) {
    for (; len - i > 16; i += 16) {
      unsigned at = block_prefix(s + i);
      if (at < 16)
        return i + at;
    }
    /* The last 1-16 bytes as the block that ends with them: the bytes it shares with the
     * blocks before are plain, so what it finds is the first special byte. */
    unsigned at = block_prefix(s + len - 16);
    return at < 16 ? len - 16 + at : len;
  }
#endif
  const unsigned char *u = (const unsigned char *)s;
  for (; len - i >= 4; i += 4)
    if (html_special[u[i]] | html_special[u[i + 1]] | html_special[u[i + 2]] |
        html_special[u[i + 3]])
      break;
  while (i < len && !html_special[u[i]])
    i++;
  return i;
}

/* What the special byte at s (of the len left) is written as, and how many bytes it stands
 * for (*used); NULL when it stays as it is (a 0xE2 that leads no bidirectional control). */
static const char *replacement(const char *s, size_t len, size_t *used, size_t *rep_len)
{
  *used = 1;
  switch (*s) {
  case '&':
    *rep_len = 5;
    return "&amp;";
  case '<':
    *rep_len = 4;
    return "&lt;";
  case '>':
    *rep_len = 4;
    return "&gt;";
  case '"':
    *rep_len = 6;
    return "&quot;";
  case '\'':
    *rep_len = 5;
    return "&#39;";
  default:
    if (len < 3 || !str_has_bidi_control((struct str){s, 3}))
      return NULL;
    *used = 3;
    *rep_len = 3;
    return "\xEF\xBF\xBD"; /* U+FFFD */
  }
}

int html_escape_append(struct buf *out, const char *s, size_t len)
{
  int rc = ST_OK;
  size_t run = 0; /* bytes at s already scanned and to be written as they are */
  while (!rc && run < len) {
    run += html_plain_prefix(s + run, len - run);
    if (run == len)
      break;
    size_t used, rep_len;
    const char *rep = replacement(s + run, len - run, &used, &rep_len);
    if (!rep) {
      run++;
      continue;
    }
    rc = html_append(out, s, run);
    if (!rc)
      rc = html_append(out, rep, rep_len);
    s += run + used;
    len -= run + used;
    run = 0;
  }
  return rc ? rc : html_append(out, s, len);
}
