/*
 * compress.c - gzip for dynamic answers (ARCHITECTURE.md, "Compressed answers"): which
 * Content-Types are worth it, and one body compressed in one call with zlib at a fast level.
 * Whether an answer may be compressed at all (size, status, secrets in it) is response.c's
 * decision; static files come precompressed (assets.c) and never pass through here.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "http/internal.h"

#include "base/common.h"

enum {
  GZIP_WINDOW_BITS = 15 + 16, /* the largest window, with a gzip header and trailer */
  /* Below zlib's default 8: on our 4-13 KB pages 5-11 % fewer instructions for under 0.5 %
   * more bytes (docs/benchmarks.md, "Compressed answers"). */
  GZIP_MEM_LEVEL = 6
};

bool http_compress_type_ok(const char *content_type)
{
  static const char *const prefixes[] = {"text/",           "application/json",
                                         "application/xml", "application/javascript",
                                         "image/svg+xml",   "application/problem+json"};
  if (!content_type)
    return false;
  for (size_t i = 0; i < ARRAY_LEN(prefixes); i++)
    if (strncasecmp(content_type, prefixes[i], strlen(prefixes[i])) == 0)
      return true;
  return false;
}

int http_gzip(const char *data, size_t len, char **out, size_t *out_len)
{
  z_stream z = {0};
  *out = NULL;
  if (len > UINT32_MAX) /* avail_in is 32 bits; pages are bounded far below */
    return ST_LIMIT;
  if (deflateInit2(&z, HTTP_GZIP_LEVEL, Z_DEFLATED, GZIP_WINDOW_BITS, GZIP_MEM_LEVEL,
                   Z_DEFAULT_STRATEGY) != Z_OK)
    return ST_NOMEM;
  int rc = ST_OK;
  uLong bound = deflateBound(&z, (uLong)len);
  char *buffer = malloc(bound);
  if (!buffer) {
    rc = ST_NOMEM;
    goto out;
  }
  z.next_in = (Bytef *)data;
  z.avail_in = (uInt)len;
  z.next_out = (Bytef *)buffer;
  z.avail_out = (uInt)bound;
  /* deflateBound leaves room for the whole stream, so one Z_FINISH call ends it. */
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
    rc = ST_IO;
    goto out;
  }
  if (z.total_out >= len) {
    rc = ST_LIMIT; /* no smaller: the caller sends the body as it is */
    goto out;
  }
  *out = buffer;
  *out_len = z.total_out;
  buffer = NULL;
out:
  free(buffer);
  deflateEnd(&z);
  return rc;
}
