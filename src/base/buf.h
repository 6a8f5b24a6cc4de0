/*
 * buf.h - a growable byte buffer with a named maximum (like curl's dynbuf). Appending past
 * the maximum fails with ST_LIMIT and leaves the buffer as it was. The content is always
 * NUL-terminated so it can be handed to C APIs, but it may also contain NUL bytes.
 */
#ifndef BIANMIN_BASE_BUF_H
#define BIANMIN_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
  char *data;
  size_t len;
  size_t cap;
  size_t max;
};

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
int buf_append(struct buf *b, const void *data, size_t len);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
/* Grows the content by n bytes and returns where they start, for the caller to fill (all n of
 * them); NULL (buffer unchanged) past the maximum or out of memory. Inline while the buffer has
 * room (a JSON answer extends it some 360 times), buf_extend_grow otherwise. */
char *buf_extend_grow(struct buf *b, size_t n);
static inline char *buf_extend(struct buf *b, size_t n)
{
  if (b->cap - b->len <= n || b->max - b->len <= n) /* no room for n and the NUL (or no data) */
    return buf_extend_grow(b, n);
  char *at = b->data + b->len;
  b->len += n;
  b->data[b->len] = '\0';
  return at;
}
/* v in decimal, without printf. */
int buf_put_int(struct buf *b, int64_t v);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the malloc'd content to the caller (who frees it) and resets the buffer. */
char *buf_detach(struct buf *b, size_t *len);

#endif
