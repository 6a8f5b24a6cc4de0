/*
 * form.c - application/x-www-form-urlencoded parsing (request bodies). Pure: no
 * libmicrohttpd, so the fuzz target can drive it directly.
 */
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

char *http_url_encode(struct arena *arena, const char *s)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t len = strlen(s);
  char *out = arena_alloc(arena, len * 3 + 1);
  if (!out)
    return NULL;
  size_t o = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    unsigned char c = *p;
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.' || c == '~';
    if (keep) {
      out[o++] = (char)c;
    } else {
      out[o++] = '%';
      out[o++] = hex[c >> 4];
      out[o++] = hex[c & 15];
    }
  }
  out[o] = '\0';
  return out;
}

/* sep name=value, both already encoded. */
static int put_pair(struct buf *url, char sep, const char *name, const char *value)
{
  int rc = buf_putc(url, sep);
  if (!rc)
    rc = buf_puts(url, name);
  if (!rc)
    rc = buf_putc(url, '=');
  return rc ? rc : buf_puts(url, value);
}

char *http_self_url(const struct http_request *req, const char *name, const char *value)
{
  struct buf url;
  buf_init(&url, 8192);
  /* A path refused as text (invalid UTF-8) is not repeated: its error page links home. */
  bool path_ok = req->path && str_valid_text(str_from(req->path), false);
  int rc = buf_puts(&url, path_ok ? req->path : "/");
  char sep = '?';
  for (size_t i = 0; i < req->query_count && !rc; i++) {
    if (str_eq_cstr(req->query[i].name, name))
      continue;
    char *n = http_url_encode(req->arena, req->query[i].name.ptr);
    char *v = http_url_encode(req->arena, req->query[i].value.ptr);
    rc = n && v ? put_pair(&url, sep, n, v) : ST_NOMEM;
    sep = '&';
  }
  char *v = http_url_encode(req->arena, value);
  if (!rc)
    rc = v ? put_pair(&url, sep, name, v) : ST_NOMEM;
  char *result = rc ? NULL : arena_strndup(req->arena, url.data, url.len);
  buf_free(&url);
  return result;
}
