/*
 * qr.c - QR codes as SVG (qr.h). Each row's runs of dark modules become one "h" segment of a
 * single path, which keeps a version-5 code under 4 KB.
 */
#include "render/qr.h"

#include <errno.h>
#include <qrencode.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#include "base/common.h"

/* A QR code of the largest version (177 modules) as SVG stays well below this. */
#define QR_SVG_MAX (512 * 1024)

static int put_escaped(struct buf *out, const char *text)
{
  int rc = ST_OK;
  for (const char *p = text; *p && !rc; p++) {
    switch (*p) {
    case '&':
      rc = buf_puts(out, "&amp;");
      break;
    case '<':
      rc = buf_puts(out, "&lt;");
      break;
    case '>':
      rc = buf_puts(out, "&gt;");
      break;
    case '"':
      rc = buf_puts(out, "&quot;");
      break;
    default:
      rc = buf_putc(out, *p);
    }
  }
  return rc;
}

/* Appends the path segments of one row: "M{x} {y}h{run}v1h-{run}z" per run of dark modules. */
static int put_row(struct buf *out, const QRcode *code, int y)
{
  int w = code->width;
  int rc = ST_OK;
  for (int x = 0; x < w && !rc;) {
    if (!(code->data[y * w + x] & 1)) {
      x++;
      continue;
    }
    int run = 1;
    while (x + run < w && (code->data[y * w + x + run] & 1))
      run++;
    rc = buf_printf(out, "M%d %dh%dv1h-%dz", x + QR_QUIET_ZONE, y + QR_QUIET_ZONE, run, run);
    x += run;
  }
  return rc;
}

static int draw(struct buf *out, const QRcode *code, const char *text)
{
  int size = code->width + 2 * QR_QUIET_ZONE;
  int rc = buf_printf(out,
                      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                      "role=\"img\" shape-rendering=\"crispEdges\"><title>",
                      size, size);
  if (!rc)
    rc = put_escaped(out, text);
  if (!rc)
    rc = buf_printf(out,
                    "</title><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
                    "<path fill=\"#000\" d=\"",
                    size, size);
  for (int y = 0; y < code->width && !rc; y++)
    rc = put_row(out, code, y);
  if (!rc)
    rc = buf_puts(out, "\"/></svg>\n");
  return rc;
}

int qr_svg(const char *text, char **svg, size_t *len, int *modules)
{
  struct buf out;
  if (!text || !*text)
    return ST_INVALID;
  if (strlen(text) > QR_TEXT_MAX)
    return ST_LIMIT;
  QRcode *code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
  if (!code)
    return errno == ERANGE ? ST_LIMIT : ST_NOMEM;
  buf_init(&out, QR_SVG_MAX);
  int rc = draw(&out, code, text);
  if (!rc && modules)
    *modules = code->width;
  QRcode_free(code);
  if (rc) {
    buf_free(&out);
    return rc;
  }
  *svg = buf_detach(&out, len);
  return *svg ? ST_OK : ST_NOMEM;
}
