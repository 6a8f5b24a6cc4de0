/*
 * builtin.c - the HTTP layer's own routes: liveness, readiness, metrics and static files
 * (read at start by assets.c, answered here).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/internal.h"

#include "base/common.h"

enum { METRICS_MAX_BYTES = 4 * 1024 * 1024 };

static struct http_server *server_of(struct http_response *res)
{
  /* The response is embedded in its struct http_ctx, which knows the server. */
  struct http_ctx *ctx = (struct http_ctx *)((char *)res - offsetof(struct http_ctx, res));
  return ctx->server;
}

int http_builtin_healthz(struct http_request *req, struct http_response *res)
{
  http_header_add(res, "Cache-Control", "no-store");
  return http_raw(res, 200, "text/plain; charset=utf-8", "ok\n", 3);
}

int http_builtin_readyz(struct http_request *req, struct http_response *res)
{
  struct http_server *server = server_of(res);
  http_header_add(res, "Cache-Control", "no-store");
  if (server->app.ready && server->app.ready(server->app.ctx) != ST_OK)
    return http_raw(res, 503, "text/plain; charset=utf-8", "database unavailable\n", 21);
  return http_raw(res, 200, "text/plain; charset=utf-8", "ready\n", 6);
}

int http_builtin_metrics(struct http_request *req, struct http_response *res)
{
  struct http_server *server = server_of(res);
  http_header_add(res, "Cache-Control", "no-store");
  /* Operators only: [server] metrics_from lists who may read (loopback by default). */
  if (!req->client_ip || !netaddr_list_contains(&server->metrics_from, req->client_ip))
    return http_raw(res, 403, "text/plain; charset=utf-8", "forbidden\n", 10);
  struct buf out;
  buf_init(&out, METRICS_MAX_BYTES);
  int rc = http_metrics_render(server->metrics, server, &out);
  if (!rc)
    rc = http_raw(res, 200, "text/plain; version=0.0.4; charset=utf-8", out.data, out.len);
  buf_free(&out);
  return rc;
}

/* A static file not among those read at start (added later, or everything while templates are
 * reloaded for development): read from disk, revalidated on every use. */
static int static_from_disk(struct http_request *req, struct http_response *res, const char *rel)
{
  const char *type = http_static_type(rel);
  if (!type || !http_static_path_ok(rel))
    return http_error(res, 404, NULL);
  char *full = arena_printf(req->arena, "%s/%s", server_of(res)->config.static_dir, rel);
  int fd = full ? open(full, O_RDONLY | O_CLOEXEC) : -1;
  if (fd < 0)
    return http_error(res, 404, NULL);
  struct stat st;
  char *data = NULL;
  ssize_t got = -1;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= HTTP_STATIC_MAX_BYTES) {
    data = arena_alloc(req->arena, (size_t)st.st_size + 1);
    got = data ? read(fd, data, (size_t)st.st_size) : -1;
  }
  close(fd);
  if (got != st.st_size)
    return http_error(res, 404, NULL);
  http_header_add(res, "Cache-Control", "no-cache");
  res->status = 200;
  res->content_type = type;
  res->raw = data;
  res->raw_len = (size_t)got;
  return ST_OK;
}

/* If-None-Match names this representation's ETag (or "*"). */
static bool not_modified(struct http_request *req, const char *etag)
{
  const char *match = http_header(req, "If-None-Match");
  return match && (strcmp(match, "*") == 0 || strstr(match, etag));
}

/* A file read at start, from memory, in the encoding Accept-Encoding asks for. Under its hashed
 * name it never changes, so it is cached for a year; under any other name it is revalidated. */
static int static_from_memory(struct http_request *req, struct http_response *res,
                              const struct http_asset *asset, bool current)
{
  unsigned available = 0;
  for (int e = 0; e < HTTP_ENCODING_COUNT; e++)
    if (asset->data[e])
      available |= 1u << e;
  enum http_encoding encoding =
      http_encoding_choose(http_header(req, "Accept-Encoding"), available);
  http_header_add(res, "Cache-Control",
                  current ? "public, max-age=31536000, immutable" : "no-cache");
  http_header_add(res, "Vary", "Accept-Encoding");
  http_header_add(res, "ETag", asset->etags[encoding]);
  res->content_type = asset->type;
  if (not_modified(req, asset->etags[encoding])) {
    res->status = 304;
    res->raw = "";
    res->raw_len = 0;
    return ST_OK;
  }
  if (encoding != HTTP_ENCODING_IDENTITY)
    http_header_add(res, "Content-Encoding", http_encoding_name(encoding));
  res->status = 200;
  res->raw = asset->data[encoding];
  res->raw_len = asset->len[encoding];
  return ST_OK;
}

int http_builtin_static(struct http_request *req, struct http_response *res)
{
  struct http_server *server = server_of(res);
  const char *rel = http_capture(req, "path");
  if (!rel)
    return http_error(res, 404, NULL);
  bool current = false;
  const struct http_asset *asset =
      server->config.dev_reload ? NULL : http_assets_find(server->assets, rel, &current);
  if (asset)
    return static_from_memory(req, res, asset, current);
  return static_from_disk(req, res, rel);
}
