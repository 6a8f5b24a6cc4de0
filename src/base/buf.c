/* buf.c - bounded growable buffer. */
#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/common.h"
#include "base/str.h"

void buf_init(struct buf *b, size_t max)
{
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  b->max = max;
}

void buf_free(struct buf *b)
{
  free(b->data);
  buf_init(b, b->max);
}

void buf_reset(struct buf *b)
{
  b->len = 0;
  if (b->data)
    b->data[0] = '\0';
}

static int buf_reserve(struct buf *b, size_t extra)
{
  if (b->max - b->len < extra || b->max - b->len - extra < 1)
    return ST_LIMIT;
  size_t need = b->len + extra + 1;
  if (need <= b->cap)
    return ST_OK;
  size_t cap = b->cap ? b->cap : 1024;
  while (cap < need)
    cap = cap > b->max / 2 ? b->max + 1 : cap * 2;
  char *p = realloc(b->data, cap);
  if (!p)
    return ST_NOMEM;
  b->data = p;
  b->cap = cap;
  return ST_OK;
}

int buf_append(struct buf *b, const void *data, size_t len)
{
  int rc = buf_reserve(b, len);
  if (rc)
    return rc;
  if (len)
    memcpy(b->data + b->len, data, len);
  b->len += len;
  b->data[b->len] = '\0';
  return ST_OK;
}

int buf_puts(struct buf *b, const char *s)
{
  return buf_append(b, s, strlen(s));
}

int buf_putc(struct buf *b, char c)
{
  if (b->len + 2 > b->cap || b->len + 2 > b->max) { /* no room yet (or none allowed) */
    int rc = buf_reserve(b, 1);
    if (rc)
      return rc;
  }
  b->data[b->len++] = c;
  b->data[b->len] = '\0';
  return ST_OK;
}

char *buf_extend_grow(struct buf *b, size_t n)
{
  if (buf_reserve(b, n))
    return NULL;
  char *at = b->data + b->len;
  b->len += n;
  b->data[b->len] = '\0';
  return at;
}

int buf_put_int(struct buf *b, int64_t v)
{
  char digits[STR_DECIMAL_SIZE];
  return buf_append(b, digits, str_decimal(v, 0, digits));
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return ST_INVALID;
  int rc = buf_reserve(b, (size_t)n);
  if (rc)
    return rc;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return ST_OK;
}

char *buf_detach(struct buf *b, size_t *len)
{
  char *p = b->data;
  if (len)
    *len = b->len;
  if (!p)
    p = calloc(1, 1);
  buf_init(b, b->max);
  return p;
}
