/*
 * auth.c - signing in (password, then the second factor when the person has one) and out.
 */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "domain/accounts.h"
#include "web/app.h"
#include "web/staff/staff.h"

#include "base/common.h"

static json_t *login_view(struct http_request *req, const char *title_key, const char *username)
{
  return json_pack(
      "{s:s, s:s, s:s, s:[]}", "title", http_t(req, title_key), "next",
      web_safe_next(http_query(req, "next") ? http_query(req, "next") : http_form(req, "next")),
      "username", username ? username : "", "errors");
}

int staff_login_form(struct http_request *req, struct http_response *res)
{
  return http_page(res, 200, "staff/login", login_view(req, "signin_title", NULL));
}

static int locked_page(struct http_request *req, struct http_response *res, const char *tmpl,
                       const char *field, json_t *view, int minutes)
{
  char *message = arena_printf(req->arena, "%s%d%s", http_t(req, "signin_locked_before"), minutes,
                               http_t(req, "signin_locked_after"));
  web_form_error_text(view, field, message ? message : "");
  http_header_add(res, "Retry-After", arena_printf(req->arena, "%d", minutes * 60));
  return http_page(res, 429, tmpl, view);
}

int staff_login(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const char *username = http_form(req, "username");
  json_t *view = login_view(req, "signin_title", username);
  struct login_result result;
  int rc = web_store(req, &store);
  if (!rc) /* a session this browser still holds ends: the sign-in gets a new token */
    rc = accounts_session_drop(store, http_cookie(req, http_session_cookie_name(req)));
  if (!rc)
    rc = accounts_login(store, &accounts_default_policy, username, http_form(req, "password"),
                        req->client_ip, clock_now(), &result);
  if (rc) {
    json_decref(view);
    return rc;
  }
  const char *next = arena_strdup(req->arena, json_string_value(json_object_get(view, "next")));
  if (result.outcome == LOGIN_LOCKED)
    return locked_page(req, res, "staff/login", "username", view, result.retry_minutes);
  if (result.outcome == LOGIN_REFUSED || result.outcome == LOGIN_INITIAL_EXPIRED) {
    web_form_error(req, view, "username",
                   result.outcome == LOGIN_REFUSED ? "signin_refused" : "signin_initial_expired");
    return http_page(res, 401, "staff/login", view);
  }
  json_decref(view);
  http_session_cookie(res, req, result.token, accounts_default_policy.absolute_seconds);
  if (result.outcome == LOGIN_NEEDS_TOTP)
    return http_redirect(
        res, 303,
        arena_printf(req->arena, "/staff/login/totp?next=%s", http_url_encode(req->arena, next)));
  return http_redirect(res, 303, next);
}

int staff_totp_form(struct http_request *req, struct http_response *res)
{
  if (!req->session || !req->session->mfa_pending)
    return http_redirect(res, 303, "/staff/login");
  return http_page(res, 200, "staff/totp", login_view(req, "totp_title", NULL));
}

int staff_totp(struct http_request *req, struct http_response *res)
{
  struct store *store;
  if (!req->session || !req->session->mfa_pending)
    return http_redirect(res, 303, "/staff/login");
  struct login_result result;
  struct audit_actor from = {0, 0, "", req->client_ip, req->lang};
  int rc = web_store(req, &store);
  if (!rc)
    rc = accounts_login_totp(store, &accounts_default_policy, req->session->token,
                             http_form(req, "code"), &from, clock_now(), &result);
  if (rc)
    return rc;
  enum login_outcome outcome = result.outcome;
  json_t *view = login_view(req, "totp_title", NULL);
  if (outcome == LOGIN_LOCKED)
    return locked_page(req, res, "staff/totp", "code", view, 15);
  if (outcome == LOGIN_REFUSED) {
    web_form_error(req, view, "code", "totp_refused");
    return http_page(res, 401, "staff/totp", view);
  }
  const char *next = json_string_value(json_object_get(view, "next"));
  char *location = arena_strdup(req->arena, next);
  json_decref(view);
  http_session_cookie(res, req, result.token, accounts_default_policy.absolute_seconds);
  return http_redirect(res, 303, location);
}

int staff_logout(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  web_actor(req, &actor);
  int rc = web_store(req, &store);
  if (!rc && req->session)
    rc = accounts_logout(store, req->session->token, &actor);
  if (rc)
    return rc;
  http_session_cookie(res, req, "", 0);
  return http_redirect(res, 303, "/staff/login?signed_out=1");
}
