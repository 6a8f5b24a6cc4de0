/*
 * request.c - what handlers read from a request, and running the handler.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "http/internal.h"

#include "base/common.h"

static const char *param_find(const struct http_param *params, size_t count, const char *name)
{
  for (size_t i = 0; i < count; i++)
    if (str_eq_cstr(params[i].name, name))
      return params[i].value.ptr;
  return NULL;
}

const char *http_capture(const struct http_request *req, const char *name)
{
  return param_find(req->captures, req->capture_count, name);
}

const char *http_query(const struct http_request *req, const char *name)
{
  return param_find(req->query, req->query_count, name);
}

const char *http_form(const struct http_request *req, const char *name)
{
  return param_find(req->form, req->form_count, name);
}

const char *http_header(const struct http_request *req, const char *name)
{
  return MHD_lookup_connection_value(req->connection, MHD_HEADER_KIND, name);
}

const char *http_cookie(const struct http_request *req, const char *name)
{
  const char *v = MHD_lookup_connection_value(req->connection, MHD_COOKIE_KIND, name);
  if (v && !str_valid_text(str_from(v), false))
    return NULL;
  return v;
}

const struct http_part *http_part(const struct http_request *req, const char *name)
{
  for (size_t i = 0; i < req->part_count; i++)
    if (strcmp(req->parts[i].name, name) == 0)
      return &req->parts[i];
  return NULL;
}

/* Whether content_type is media type name (case-insensitive), with parameters or none. */
static bool type_is(const char *content_type, const char *name)
{
  size_t n = strlen(name);
  if (strncasecmp(content_type, name, n) != 0)
    return false;
  const char *rest = content_type + n;
  rest += strspn(rest, " \t");
  return !*rest || *rest == ';';
}

bool http_body_type_ok(const struct http_route *route, const char *content_type, bool has_body)
{
  if (!has_body || route->body_max == HTTP_BODY_NONE)
    return true; /* no body, or one the cap refuses first (413) */
  if (!content_type)
    return false;
  bool json = type_is(content_type, "application/json");
  bool form = type_is(content_type, "application/x-www-form-urlencoded") ||
              type_is(content_type, "multipart/form-data");
  if (route->flags & HTTP_ROUTE_BODY_JSON)
    return json;
  return form || (json && (route->flags & HTTP_ROUTE_BODY_FORM_OR_JSON));
}

static bool is_form_body(const struct http_request *req)
{
  const char *type = http_header(req, "Content-Type");
  return type && strncasecmp(type, "application/x-www-form-urlencoded", 33) == 0;
}

static bool is_multipart_body(const struct http_request *req)
{
  const char *type = http_header(req, "Content-Type");
  return type && strncasecmp(type, "multipart/form-data", 19) == 0;
}

/* A multipart body's plain fields (no file name) also become form values, checked as text like
 * urlencoded ones, so http_form and the CSRF check work the same for both encodings. */
static int parse_multipart(struct http_request *req)
{
  int rc = http_multipart_parse(req->arena, http_header(req, "Content-Type"), req->body,
                                req->body_len, &req->parts, &req->part_count);
  if (rc)
    return rc;
  req->form = arena_alloc(req->arena, sizeof(*req->form) * HTTP_MAX_PARTS);
  if (!req->form)
    return ST_NOMEM;
  for (size_t i = 0; i < req->part_count; i++) {
    const struct http_part *part = &req->parts[i];
    if (part->filename)
      continue;
    struct str value = {part->data, part->len};
    if (!str_valid_text(value, true))
      return ST_INVALID;
    char *copy = arena_strndup(req->arena, part->data, part->len);
    if (!copy)
      return ST_NOMEM;
    req->form[req->form_count++] = (struct http_param){str_from(part->name), {copy, part->len}};
  }
  return ST_OK;
}

/* Whether a refused urlencoded body holds a bidirectional control once decoded (so that the
 * answer can say why). */
static bool form_has_bidi(struct http_request *req)
{
  char *copy = arena_strndup(req->arena, req->body, req->body_len);
  if (!copy)
    return false;
  size_t len = http_unescape(copy);
  return str_has_bidi_control((struct str){copy, len});
}

static int status_for(int rc)
{
  switch (rc) {
  case ST_NOTFOUND:
    return 404;
  case ST_INVALID:
    return 400;
  case ST_FORBIDDEN:
    return 403;
  case ST_LIMIT:
    return 413;
  default:
    return 500;
  }
}

/* Parses a urlencoded or multipart body into req->form / req->parts. On refusal writes the
 * 400 page (saying why for a bidirectional control character) and returns false. */
static bool parse_body(struct http_ctx *ctx)
{
  struct http_request *req = &ctx->req;
  if (req->body_len && is_form_body(req)) {
    if (http_form_parse(req->arena, req->body, req->body_len, true, &req->form, &req->form_count)) {
      http_error(&ctx->res, 400, form_has_bidi(req) ? "error_bidi" : NULL);
      return false;
    }
  } else if (req->body_len && is_multipart_body(req) && parse_multipart(req)) {
    /* too many parts, a file name with control characters, broken framing: say so plainly
     * (a bidirectional control in a field or file name by name) */
    bool bidi = str_has_bidi_control((struct str){req->body, req->body_len});
    http_error(&ctx->res, 400, bidi ? "error_bidi" : "error_multipart");
    return false;
  }
  return true;
}

int http_run_handler(struct http_ctx *ctx)
{
  struct http_request *req = &ctx->req;
  req->body = ctx->body.data ? ctx->body.data : "";
  req->body_len = ctx->body.len;
  if (!parse_body(ctx))
    return 0;
  if (req->route->csrf && !http_csrf_ok(req)) {
    http_error(&ctx->res, 403, "error_csrf");
    return 0;
  }
  int rc = req->route->handler(req, &ctx->res);
  if (rc == ST_OK && ctx->res.status)
    return 0;
  if (rc == ST_OK || status_for(rc) == 500)
    log_error("request %s: handler for %s failed: %s", req->request_id, req->route->pattern,
              status_name(rc));
  return status_for(rc);
}

int http_local_address(const struct http_request *req, char *out, size_t size)
{
  const union MHD_ConnectionInfo *info =
      MHD_get_connection_info(req->connection, MHD_CONNECTION_INFO_CONNECTION_FD);
  struct sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  char host[INET6_ADDRSTRLEN];
  if (!info || getsockname(info->connect_fd, (struct sockaddr *)&ss, &len) != 0)
    return ST_IO;
  int n = -1;
  if (ss.ss_family == AF_INET) {
    const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
    inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
    n = snprintf(out, size, "%s:%u", host, (unsigned)ntohs(a->sin_port));
  } else if (ss.ss_family == AF_INET6) {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
    inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
    n = snprintf(out, size, "[%s]:%u", host, (unsigned)ntohs(a->sin6_port));
  }
  return n > 0 && (size_t)n < size ? ST_OK : ST_IO;
}
