/*
 * account.c - a staff member's own account: the account page with their sessions ("Your
 * sessions": each can be signed out, or all but this one), changing the password and setting
 * up the second factor (required for admins before they can do anything else).
 */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "domain/accounts.h"
#include "domain/totp.h"
#include "web/app.h"
#include "web/staff/staff.h"

#include "base/common.h"

enum { TOTP_SECRET_B32 = 64, TOTP_URI_MAX = 512 };

/* The page also serves a sign-in whose password has expired (route flag
 * HTTP_ROUTE_UNFINISHED_SIGNIN), never one still waiting for its second factor. */
static json_t *password_view(struct http_request *req)
{
  return json_pack("{s:s, s:b, s:[]}", "title", http_t(req, "password_title"), "expired",
                   req->session->must_change_password, "errors");
}

int staff_password_form(struct http_request *req, struct http_response *res)
{
  if (req->session->mfa_pending)
    return http_redirect(res, 303, "/staff/login/totp");
  return http_page(res, 200, "staff/password", password_view(req));
}

int staff_password(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  const char *reason = NULL;
  const char *current = http_form(req, "current"), *fresh = http_form(req, "password");
  const char *confirm = http_form(req, "confirm");
  if (req->session->mfa_pending)
    return http_redirect(res, 303, "/staff/login/totp");
  json_t *view = password_view(req);
  web_actor(req, &actor);
  int rc = web_store(req, &store);
  if (!rc)
    rc = accounts_change_password(store, &actor, req->session->user_id, current, fresh, confirm,
                                  &reason);
  if (rc == ST_INVALID) {
    web_form_error(req, view,
                   strcmp(reason, "account_err_current_password") == 0 ? "current" : "password",
                   reason);
    return http_page(res, 400, "staff/password", view);
  }
  json_decref(view);
  if (rc)
    return rc;
  /* Changing the password ends every session, this one too: sign in again. */
  http_session_cookie(res, req, "", 0);
  return http_redirect(res, 303, "/staff/login?password_changed=1");
}

static json_t *enrol_view(struct http_request *req, const char *secret)
{
  char uri[TOTP_URI_MAX];
  if (totp_uri("bianmin", req->session->username, secret, uri, sizeof(uri)))
    uri[0] = '\0';
  return json_pack("{s:s, s:s, s:s, s:b, s:[]}", "title", http_t(req, "totp_setup_title"), "secret",
                   secret, "uri", uri, "required", req->session->must_enrol, "errors");
}

int staff_enrol_form(struct http_request *req, struct http_response *res)
{
  char secret[TOTP_SECRET_B32];
  if (!req->session)
    return http_redirect(res, 303, "/staff/login");
  int rc = accounts_totp_begin(secret, sizeof(secret));
  return rc ? rc : http_page(res, 200, "staff/totp_setup", enrol_view(req, secret));
}

int staff_enrol(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  const char *reason = NULL, *secret = http_form(req, "secret");
  if (!req->session || req->session->mfa_pending)
    return http_redirect(res, 303, "/staff/login");
  web_actor(req, &actor);
  int rc = web_store(req, &store);
  if (!rc)
    rc = accounts_totp_enable(store, &actor, req->session->user_id, secret, http_form(req, "code"),
                              clock_now(), &reason);
  if (rc == ST_INVALID) {
    json_t *view = enrol_view(req, secret && strlen(secret) < TOTP_SECRET_B32 ? secret : "");
    web_form_error(req, view, "code", reason);
    return http_page(res, 400, "staff/totp_setup", view);
  }
  char token[ACCOUNTS_TOKEN_SIZE]; /* the second factor is set up: a new session token */
  if (!rc)
    rc = accounts_session_renew(store, req->session->token, token);
  if (rc)
    return rc;
  http_session_cookie(res, req, token, accounts_default_policy.absolute_seconds);
  return http_redirect(res, 303, "/staff/?totp_enabled=1");
}

/* ---- the account page and "Your sessions" ------------------------------------------------- */

static json_t *session_view(struct http_request *req, const struct account_session *s)
{
  return json_pack("{s:s, s:s, s:s, s:s, s:b, s:s}", "handle", s->handle, "started",
                   web_datetime(req, s->created_at), "last_seen",
                   web_datetime(req, s->last_seen_at), "ip", s->ip, "current", s->current, "action",
                   arena_printf(req->arena, "/staff/account/sessions/%s/end", s->handle));
}

int staff_account(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct account_sessions sessions;
  int rc = web_store(req, &store);
  if (!rc)
    rc = accounts_sessions_read(store, req->arena, &accounts_default_policy, req->session->user_id,
                                req->session->token, clock_now(), &sessions);
  if (rc)
    return rc;
  json_t *list = json_array();
  for (size_t i = 0; i < sessions.count; i++)
    json_array_append_new(list, session_view(req, &sessions.rows[i]));
  return http_page(res, 200, "staff/account",
                   json_pack("{s:s, s:s, s:s, s:o, s:b, s:b}", "title",
                             http_t(req, "account_title"), "username", req->session->username,
                             "display_name", req->session->display_name, "sessions", list, "others",
                             sessions.count > 1, "ended", http_query(req, "ended") != NULL));
}

int staff_session_end(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  web_actor(req, &actor);
  int rc = web_store(req, &store);
  if (!rc)
    rc = accounts_session_end(store, &actor, http_capture(req, "session"));
  return rc ? rc : http_redirect(res, 303, "/staff/account?ended=1");
}

int staff_sessions_end_others(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  web_actor(req, &actor);
  int rc = web_store(req, &store);
  if (!rc)
    rc = accounts_sessions_end_others(store, &actor, req->session->token);
  return rc ? rc : http_redirect(res, 303, "/staff/account?ended=1");
}
