/*
 * html.h - text escaped for HTML, as mustache's {{name}} writes it (mustache.h), and the
 * renderer's appends to its output.
 *
 * Escaping replaces & < > " ' by their entities, and a bidirectional embedding, override or
 * isolate control (U+202A..U+202E, U+2066..U+2069), which input never accepts
 * (str_valid_text) but older or imported text may hold, by U+FFFD: it cannot reorder the page
 * around it. Everything else is written as it is, in runs found a block at a time.
 */
#ifndef BIANMIN_RENDER_HTML_H
#define BIANMIN_RENDER_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "base/buf.h"
#include "base/common.h"

/* The bytes of s before the first that escaping may change: one of & < > " ' or 0xE2 (the
 * lead byte of the bidirectional controls, and of other characters that stay as they are). */
size_t html_plain_prefix(const char *s, size_t len);

/* Appends s escaped to out; ST_LIMIT at out's maximum (out then holds part of it). */
int html_escape_append(struct buf *out, const char *s, size_t len);

/* Appends n bytes to out: buf_append with its usual case (room left) inline, for the many
 * small writes of a page. */
static inline int html_append(struct buf *out, const char *s, size_t n)
{
  if (n < out->cap - out->len && n < out->max - out->len) {
    memcpy(out->data + out->len, s, n);
    out->len += n;
    out->data[out->len] = '\0';
    return ST_OK;
  }
  return buf_append(out, s, n);
}

#endif
