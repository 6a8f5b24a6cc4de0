/*
 * open311.c - reading an Open311 request: the path after the base (with "//" and a trailing
 * slash tolerated), the format suffix, and the jurisdiction: the office of a per-office base
 * (/o/{office}/open311/v2/), or jurisdiction_id = an office's slug on the shared base
 * (/open311/v2/), which an installation of one office does not need.
 */
#include <string.h>

#include "domain/directory.h"
#include "web/app.h"
#include "web/open311/open311.h"

#include "base/common.h"

enum { MAX_SEGMENTS = 4 };

struct o311_path {
  const char *seg[MAX_SEGMENTS];
  size_t count;
};

/* Splits rest at "/" (empty segments skipped: "//services.json" is "services.json") and takes
 * the format from the last segment's suffix. False when there is no ".xml" or ".json". */
static bool read_path(struct http_request *req, const char *rest, struct o311_path *p,
                      enum o311_format *format)
{
  char *copy = arena_strdup(req->arena, rest ? rest : "");
  p->count = 0;
  for (char *s = copy, *slash; s && *s; s = slash ? slash + 1 : NULL) {
    slash = strchr(s, '/');
    if (slash)
      *slash = '\0';
    if (!*s)
      continue;
    if (p->count == MAX_SEGMENTS)
      return false;
    p->seg[p->count++] = s;
  }
  if (!p->count)
    return false;
  char *last = (char *)p->seg[p->count - 1], *dot = strrchr(last, '.');
  if (!dot || dot == last)
    return false;
  if (!strcmp(dot, ".json"))
    *format = O311_JSON;
  else if (!strcmp(dot, ".xml"))
    *format = O311_XML;
  else
    return false;
  *dot = '\0';
  return true;
}

/* The suffix alone, for answering a path that is not a resource in the asked format. */
static enum o311_format guess_format(const char *rest)
{
  size_t n = rest ? strlen(rest) : 0;
  return n >= 5 && !strcmp(rest + n - 5, ".json") ? O311_JSON : O311_XML;
}

/* The office of the jurisdiction: the per-office base's, or jurisdiction_id's, or the only
 * one; answers 400/404 itself (*answered). */
static int jurisdiction(struct o311_ctx *ctx, bool *answered)
{
  const struct directory *dir = NULL;
  const char *given = o311_param(ctx->req, "jurisdiction_id");
  int rc = directory_acquire(ctx->store, ctx->req->arena, &dir);
  if (rc)
    return rc;
  const struct dir_office *found = NULL;
  size_t count = 0;
  const struct dir_office *offices = directory_offices(dir, &count);
  *answered = true;
  if (ctx->scoped) {
    found = directory_office_by_slug(dir, ctx->scoped);
    if (found && given && strcmp(given, ctx->scoped) != 0)
      found = NULL;
    rc = found ? ST_OK : o311_error(ctx, 404, "open311_err_jurisdiction_unknown", NULL);
  } else if (given) {
    found = directory_office_by_slug(dir, given);
    rc = found ? ST_OK : o311_error(ctx, 404, "open311_err_jurisdiction_unknown", NULL);
  } else if (count == 1) {
    found = &offices[0];
  } else {
    rc = o311_error(ctx, 400, "open311_err_jurisdiction_required", NULL);
  }
  if (found) {
    *answered = false;
    ctx->office = found;
    ctx->office_id = found->id;
  }
  return rc;
}

static int dispatch_get(struct o311_ctx *ctx, const struct o311_path *p)
{
  const char *first = p->seg[0];
  if (p->count == 1 && !strcmp(first, "services"))
    return o311_services(ctx);
  if (p->count == 2 && !strcmp(first, "services"))
    return o311_service_definition(ctx, p->seg[1]);
  if (p->count == 1 && !strcmp(first, "requests"))
    return o311_requests(ctx);
  if (p->count == 2 && !strcmp(first, "requests"))
    return o311_request(ctx, p->seg[1]);
  if (p->count == 2 && !strcmp(first, "tokens"))
    return o311_token(ctx, p->seg[1]);
  return o311_error(ctx, 404, "open311_err_resource", NULL);
}

static bool is_resource(const struct o311_path *p, bool post)
{
  static const char *const names[] = {"services", "requests", "tokens"};
  if (post)
    return p->count == 1 && !strcmp(p->seg[0], "requests");
  for (size_t i = 0; i < ARRAY_LEN(names); i++)
    if (!strcmp(p->seg[0], names[i]) && p->count <= 2)
      return true;
  return false;
}

/* A resource that is only read: POST to it is a 405, not a 404. */
static bool read_only(const struct o311_path *p)
{
  bool readable = is_resource(p, false) || (p->count == 1 && !strcmp(p->seg[0], "discovery"));
  return readable && !is_resource(p, true);
}

/* What the path and method alone decide (discovery, 405, 404, 415); *answered when they did. */
static int by_path(struct o311_ctx *ctx, const struct o311_path *path, bool post, bool *answered)
{
  struct http_request *req = ctx->req;
  *answered = true;
  if (!post && path->count == 1 && !strcmp(path->seg[0], "discovery"))
    return o311_discovery(ctx);
  if (post && read_only(path)) { /* services, a request, a token, discovery */
    int rc = http_header_add(ctx->res, "Allow", "GET, HEAD");
    return rc ? rc : o311_error(ctx, 405, "open311_err_http_405", NULL);
  }
  if (!is_resource(path, post))
    return o311_error(ctx, 404, "open311_err_resource", NULL);
  /* a body the HTTP layer could not read as a form (JSON, XML, text): say which encoding */
  if (post && req->body_len && !req->form_count && !req->part_count)
    return o311_error(ctx, 415, "open311_err_body_type", NULL);
  *answered = false;
  return ST_OK;
}

static int handle(struct http_request *req, struct http_response *res, bool post)
{
  struct o311_path path;
  const char *rest = http_capture(req, "path");
  struct o311_ctx ctx = {req, res, NULL, guess_format(rest), "/open311/v2/", NULL, NULL, 0};
  ctx.scoped = http_capture(req, "office");
  if (ctx.scoped)
    ctx.base = arena_printf(req->arena, "/o/%s/open311/v2/", ctx.scoped);
  int rc = web_store(req, &ctx.store);
  if (rc)
    return rc;
  if (!read_path(req, rest, &path, &ctx.format))
    return o311_error(&ctx, 404, "open311_err_resource", NULL);
  bool answered = false;
  rc = by_path(&ctx, &path, post, &answered);
  if (!rc && !answered)
    rc = jurisdiction(&ctx, &answered);
  if (rc || answered)
    return rc;
  return post ? o311_create(&ctx) : dispatch_get(&ctx, &path);
}

int open311_get(struct http_request *req, struct http_response *res)
{
  return handle(req, res, false);
}

int open311_post(struct http_request *req, struct http_response *res)
{
  return handle(req, res, true);
}

int open311_http_error(struct http_request *req, struct http_response *res, int status,
                       const char *message_key)
{
  static const int known[] = {400, 403, 404, 405, 413, 414, 415, 429};
  int key_status = 500;
  for (size_t i = 0; i < ARRAY_LEN(known); i++)
    if (known[i] == status)
      key_status = status;
  struct o311_ctx ctx = {req, res, NULL, guess_format(req->path), "/open311/v2/", NULL, NULL, 0};
  const char *key = arena_printf(req->arena, "open311_err_http_%d", key_status);
  /* The HTTP layer's 405 (PUT, DELETE, ...) names the methods of every Open311 path; a
   * resource that is only read takes no POST either. */
  struct o311_path path;
  enum o311_format format;
  const char *rest = strstr(req->path, "/open311/v2/");
  if (status == 405 && rest && read_path(req, rest + strlen("/open311/v2/"), &path, &format) &&
      read_only(&path) && http_header_set(res, "Allow", "GET, HEAD"))
    return ST_NOMEM;
  return key ? o311_error(&ctx, status, key, NULL) : ST_NOMEM;
}
