/*
 * form.c - application/x-www-form-urlencoded parsing (request bodies). Pure: no
 * libmicrohttpd, so the fuzz target can drive it directly.
 */
#include <stdint.h>
#include <string.h>

#include "base/str.h"
#include "http/internal.h"

#include "base/common.h"

/* Decodes '+' and %XX into a NUL-terminated arena copy; ST_INVALID on a broken escape. */
static int decode(struct arena *arena, const char *s, size_t len, struct str *out)
{
  char *dst = arena_alloc(arena, len + 1);
  if (!dst)
    return ST_NOMEM;
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (c == '+') {
      c = ' ';
    } else if (c == '%') {
      if (len - i < 3)
        return ST_INVALID;
      int hi = str_hex_value(s[i + 1]), lo = str_hex_value(s[i + 2]);
      if (hi < 0 || lo < 0)
        return ST_INVALID;
      c = (char)(hi * 16 + lo);
      i += 2;
    }
    dst[o++] = c;
  }
  dst[o] = '\0';
  *out = (struct str){dst, o};
  return ST_OK;
}

size_t http_unescape(char *s)
{
  size_t o = 0;
  for (size_t i = 0; s[i]; i++) {
    int hi = s[i] == '%' && s[i + 1] ? str_hex_value(s[i + 1]) : -1;
    int lo = hi >= 0 && s[i + 2] ? str_hex_value(s[i + 2]) : -1;
    if (lo < 0) {
      s[o++] = s[i];
      continue;
    }
    char c = (char)(hi * 16 + lo);
    s[o++] = c ? c : '\x01'; /* a NUL would cut the string: keep a control character instead */
    i += 2;
  }
  s[o] = '\0';
  return o;
}

static int add_pair(struct arena *arena, const char *pair, size_t len, bool allow_newlines,
                    struct http_param *param)
{
  const char *eq = memchr(pair, '=', len);
  size_t name_len = eq ? (size_t)(eq - pair) : len;
  int rc = decode(arena, pair, name_len, &param->name);
  if (rc)
    return rc;
  if (eq)
    rc = decode(arena, eq + 1, len - name_len - 1, &param->value);
  else
    param->value = (struct str){"", 0};
  if (rc)
    return rc;
  if (!str_valid_text(param->name, false) || !str_valid_text(param->value, allow_newlines))
    return ST_INVALID;
  return ST_OK;
}

int http_form_parse(struct arena *arena, const char *data, size_t len, bool allow_newlines,
                    struct http_param **out, size_t *count)
{
  struct http_param *params = arena_alloc(arena, sizeof(*params) * HTTP_MAX_PARAMS);
  if (!params)
    return ST_NOMEM;
  size_t n = 0, start = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i < len && data[i] != '&')
      continue;
    if (i > start) {
      if (n == HTTP_MAX_PARAMS)
        return ST_LIMIT;
      int rc = add_pair(arena, data + start, i - start, allow_newlines, &params[n]);
      if (rc)
        return rc;
      n++;
    }
    start = i + 1;
  }
  *out = params;
  *count = n;
  return ST_OK;
}

/* Whether c stays as it is in an encoded URL component (RFC 3986 unreserved), as one bit of a
 * 256-bit map (no chain of comparisons to mispredict): '-' '.' '0'-'9'; 'A'-'Z' '_'
 * 'a'-'z' '~'. */
static bool url_keep(unsigned char c)
{
  static const uint64_t keep[4] = {0x03ff600000000000u, 0x47fffffe87fffffeu, 0, 0};
  return (keep[c >> 6] >> (c & 63)) & 1;
}

/* The length of s once encoded. */
static size_t url_encoded_len(const char *s)
{
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    n += url_keep(*p) ? 1 : 3;
  return n;
}

/* s encoded at out (url_encoded_len(s) bytes, no NUL); returns the end. */
static char *url_encode_at(char *out, const char *s)
{
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    unsigned char c = *p;
    if (url_keep(c)) {
      *out++ = (char)c;
    } else {
      *out++ = '%';
      *out++ = hex[c >> 4];
      *out++ = hex[c & 15];
    }
  }
  return out;
}

char *http_url_encode(struct arena *arena, const char *s)
{
  char *out = arena_alloc(arena, strlen(s) * 3 + 1);
  if (!out)
    return NULL;
  *url_encode_at(out, s) = '\0';
  return out;
}

/* Longest link http_self_url makes; a longer one is not made (NULL). */
enum { SELF_URL_MAX = 8191 };

/* The length of http_self_url's answer. */
static size_t self_url_len(const struct http_request *req, const char *path, const char *name,
                           const char *value)
{
  size_t n = strlen(path) + 2 + strlen(name) + url_encoded_len(value);
  for (size_t i = 0; i < req->query_count; i++)
    if (!str_eq_cstr(req->query[i].name, name))
      n += 2 + url_encoded_len(req->query[i].name.ptr) + url_encoded_len(req->query[i].value.ptr);
  return n;
}

/* Written in place in the request's arena, measured first (one allocation: this runs for
 * every page, for the language switch). */
char *http_self_url(const struct http_request *req, const char *name, const char *value)
{
  /* A path refused as text (invalid UTF-8) is not repeated: its error page links home. A
   * request that found its route had its path checked before. */
  bool path_ok = req->path && (req->route || str_valid_text(str_from(req->path), false));
  const char *path = path_ok ? req->path : "/";
  size_t len = self_url_len(req, path, name, value);
  char *url = len <= SELF_URL_MAX ? arena_alloc(req->arena, len + 1) : NULL;
  if (!url)
    return NULL;
  size_t path_len = strlen(path), name_len = strlen(name);
  char *p = url + path_len, sep = '?';
  memcpy(url, path, path_len);
  for (size_t i = 0; i < req->query_count; i++) {
    if (str_eq_cstr(req->query[i].name, name))
      continue;
    *p++ = sep;
    p = url_encode_at(p, req->query[i].name.ptr);
    *p++ = '=';
    p = url_encode_at(p, req->query[i].value.ptr);
    sep = '&';
  }
  *p++ = sep;
  memcpy(p, name, name_len);
  p += name_len;
  *p++ = '=';
  *url_encode_at(p, value) = '\0';
  return url;
}
