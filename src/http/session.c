/*
 * session.c - who is asking: loading the staff session for routes that need a role, the
 * redirects of an unfinished sign-in, role checks, and CSRF tokens (the session's, or a
 * double-submit cookie for anonymous forms).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "http/internal.h"

#include "base/common.h"

#define ANON_CSRF_COOKIE "bm_csrf"
enum { CSRF_TOKEN_CHARS = 43 };

const char *http_session_cookie_name(const struct http_request *req)
{
  return req->tls ? HTTP_SESSION_COOKIE_TLS : HTTP_SESSION_COOKIE;
}

int http_session_cookie(struct http_response *res, const struct http_request *req,
                        const char *token, int max_age_seconds)
{
  char *cookie =
      arena_printf(req->arena, "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s",
                   http_session_cookie_name(req), max_age_seconds > 0 ? token : "",
                   max_age_seconds > 0 ? max_age_seconds : 0, req->tls ? "; Secure" : "");
  return cookie ? http_header_add(res, "Set-Cookie", cookie) : ST_NOMEM;
}

static struct http_ctx *ctx_of(struct http_request *req)
{
  return (struct http_ctx *)((char *)req - offsetof(struct http_ctx, req));
}

static bool token_shape_ok(const char *t)
{
  if (!t || strlen(t) != CSRF_TOKEN_CHARS)
    return false;
  for (const char *p = t; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
          *p == '-' || *p == '_'))
      return false;
  return true;
}

const char *http_csrf_token(struct http_request *req)
{
  if (req->session)
    return req->session->csrf_token;
  struct http_ctx *ctx = ctx_of(req);
  if (ctx->anon_csrf)
    return ctx->anon_csrf;
  const char *cookie = http_cookie(req, ANON_CSRF_COOKIE);
  if (token_shape_ok(cookie)) {
    ctx->anon_csrf = cookie;
    return cookie;
  }
  unsigned char bytes[32];
  char token[CSRF_TOKEN_CHARS + 1];
  randombytes_buf(bytes, sizeof(bytes));
  sodium_bin2base64(token, sizeof(token), bytes, sizeof(bytes),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  ctx->anon_csrf = arena_strdup(req->arena, token);
  char *set = arena_printf(req->arena, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s",
                           ANON_CSRF_COOKIE, token, req->tls ? "; Secure" : "");
  if (set)
    http_header_add(&ctx->res, "Set-Cookie", set);
  return ctx->anon_csrf;
}

bool http_csrf_ok(struct http_request *req)
{
  const char *sent = http_form(req, "csrf");
  if (!sent)
    sent = http_header(req, "X-CSRF-Token");
  const char *expected = req->session ? req->session->csrf_token : NULL;
  if (!expected) {
    const char *cookie = http_cookie(req, ANON_CSRF_COOKIE);
    expected = token_shape_ok(cookie) ? cookie : NULL;
  }
  if (!sent || !expected || strlen(sent) != strlen(expected) || !*expected)
    return false;
  return sodium_memcmp(sent, expected, strlen(expected)) == 0;
}

/* Sends an anonymous browser to sign in (and back afterwards); API clients get 401. */
static int need_signin(struct http_ctx *ctx, const char *to)
{
  struct http_request *req = &ctx->req;
  if (req->wants_json)
    return 401;
  char *location =
      arena_printf(req->arena, "%s?next=%s", to, http_url_encode(req->arena, req->path));
  if (!location)
    return 500;
  http_redirect(&ctx->res, 303, location);
  return 303;
}

static int redirect_to(struct http_ctx *ctx, const char *to)
{
  if (ctx->req.wants_json)
    return 401;
  http_redirect(&ctx->res, 303, to);
  return 303;
}

int http_authorize(struct http_ctx *ctx)
{
  const struct http_route *route = ctx->req.route;
  const struct http_app *app = &ctx->server->app;
  struct http_request *req = &ctx->req;
  if (route->roles == 0 && !(route->flags & HTTP_ROUTE_UNFINISHED_SIGNIN))
    return 0;
  const char *token = http_cookie(req, http_session_cookie_name(req));
  struct http_session *session = arena_alloc(req->arena, sizeof(*session));
  if (!session)
    return 500;
  if (!token || !app->session_load || app->session_load(app->ctx, req, token, session))
    return route->roles ? need_signin(ctx, app->signin_path) : 0;
  session->token = arena_strdup(req->arena, token);
  req->session = session;
  if (route->flags & HTTP_ROUTE_UNFINISHED_SIGNIN)
    return 0;
  if (session->mfa_pending)
    return redirect_to(ctx, app->mfa_path);
  if (session->must_change_password)
    return redirect_to(ctx, app->password_path);
  if (session->must_enrol)
    return redirect_to(ctx, app->enrol_path);
  return http_roles_allow(route, session) ? 0 : 403;
}

bool http_roles_allow(const struct http_route *route, const struct http_session *session)
{
  if (route->roles == 0)
    return true;
  return session && !session->mfa_pending && !session->must_enrol &&
         (session->roles & route->roles) != 0;
}

bool http_may(struct http_request *req, const char *method, const char *path)
{
  const struct http_route *route = http_route_for_method(ctx_of(req)->server, method, path);
  return route && http_roles_allow(route, req->session);
}
