/*
 * builtin.c - the HTTP layer's own routes: liveness, readiness, metrics and static files.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/internal.h"

#include "base/common.h"

enum { STATIC_MAX_BYTES = 4 * 1024 * 1024, METRICS_MAX_BYTES = 4 * 1024 * 1024 };

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
  struct buf out;
  buf_init(&out, METRICS_MAX_BYTES);
  int rc = http_metrics_render(server->metrics, server, &out);
  if (!rc)
    rc = http_raw(res, 200, "text/plain; version=0.0.4; charset=utf-8", out.data, out.len);
  buf_free(&out);
  http_header_add(res, "Cache-Control", "no-store");
  return rc;
}

/* Static paths are plain names: letters, digits, '-', '_', '.', '/' separated segments, none
 * empty or starting with '.', so nothing outside the static folder can be named. */
static bool static_path_ok(const char *path)
{
  bool segment_start = true;
  for (const char *p = path; *p; p++) {
    char c = *p;
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_';
    if (c == '/' || c == '.') {
      if (segment_start)
        return false;
      segment_start = c == '/';
    } else if (plain) {
      segment_start = false;
    } else {
      return false;
    }
  }
  return !segment_start;
}

static const char *static_type(const char *path)
{
  static const char *const types[][2] = {{".css", "text/css; charset=utf-8"},
                                         {".js", "text/javascript; charset=utf-8"},
                                         {".svg", "image/svg+xml"},
                                         {".png", "image/png"},
                                         {".woff2", "font/woff2"},
                                         {".ico", "image/x-icon"},
                                         {".txt", "text/plain; charset=utf-8"},
                                         {".pdf", "application/pdf"},
                                         {".odt", "application/vnd.oasis.opendocument.text"}};
  const char *dot = strrchr(path, '.');
  for (size_t i = 0; dot && i < ARRAY_LEN(types); i++)
    if (strcmp(dot, types[i][0]) == 0)
      return types[i][1];
  return NULL;
}

int http_builtin_static(struct http_request *req, struct http_response *res)
{
  const char *rel = http_capture(req, "path");
  const char *type = rel ? static_type(rel) : NULL;
  if (!rel || !type || !static_path_ok(rel))
    return http_error(res, 404, NULL);
  char *full = arena_printf(req->arena, "%s/%s", server_of(res)->config.static_dir, rel);
  int fd = full ? open(full, O_RDONLY | O_CLOEXEC) : -1;
  if (fd < 0)
    return http_error(res, 404, NULL);
  struct stat st;
  char *data = NULL;
  ssize_t got = -1;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= STATIC_MAX_BYTES) {
    data = arena_alloc(req->arena, (size_t)st.st_size + 1);
    got = data ? read(fd, data, (size_t)st.st_size) : -1;
  }
  close(fd);
  if (got != st.st_size)
    return http_error(res, 404, NULL);
  http_header_add(res, "Cache-Control", "public, max-age=3600");
  res->status = 200;
  res->content_type = type;
  res->raw = data;
  res->raw_len = (size_t)got;
  return ST_OK;
}
