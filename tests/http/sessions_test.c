/*
 * sessions_test.c - session hardening (issue 21): the session token changes when the second
 * factor completes (the token that carried the pending sign-in stops working), when a required
 * second factor is set up, and at every sign-in (a session the browser still held ends); sign-in
 * throttling and the audit trail never hold a typed user name that names no account (it may be a
 * password typed in the wrong field), only a keyed hash of it. Also: after signing in, "next" leads
 * only to a staff page of this site (no open redirect), and no answer names the server's software.
 * Security notices (ASVS 2.2.3, 2.5.5, 2.8.5): a changed password, a second factor set up and a
 * reused second-factor code each queue an e-mail to the account's own address. "Your sessions"
 * (ASVS 3.3.4): the account page lists a person's sessions, this one marked, and signs out one
 * of them or every other one, audited; nobody can end another person's session.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define DEMO_PASSWORD  "bianmin-demo-2026"
#define ADMIN_PASSWORD "admin-password-123"
#define TYPED_NAME     "Typed-Secret-Zq7x" /* names no account */

static struct server server;
static struct client admin;
static char admin_secret[64];

static int setup(void **state)
{
  const char *env[] = {"BIANMIN_RATE_LOGIN=100000", NULL};
  if (server_start(&server, env))
    return -1;
  harness_add_user(&server, "xinxing", "s-admin", "admin", ADMIN_PASSWORD);
  client_init(&admin, &server);
  return client_login_totp(&admin, "s-admin", ADMIN_PASSWORD, admin_secret, sizeof(admin_secret));
}

static int teardown(void **state)
{
  client_free(&admin);
  return server_stop(&server) == 0 ? 0 : -1;
}

/* The bm_session value a response sets (malloc'd), or NULL. */
static char *session_set(const struct response *r)
{
  const char *h = r->headers ? strstr(r->headers, "bm_session=") : NULL;
  if (!h)
    return NULL;
  h += strlen("bm_session=");
  return strndup(h, strcspn(h, ";\r\n"));
}

/* The status of GET /staff/ with only this session token. */
static long status_with(const char *token)
{
  char cookie[128];
  struct response r;
  snprintf(cookie, sizeof(cookie), "Cookie: bm_session=%s", token);
  const char *headers[] = {cookie, NULL};
  assert_int_equal(http_call(&server, "GET", "/staff/", headers, NULL, 0, &r), 0);
  long status = r.status;
  response_free(&r);
  return status;
}

static void test_token_rotates_when_second_factor_completes(void **state)
{
  struct client c;
  struct response r;
  char form[64], code[7];
  client_init(&c, &server);
  assert_int_equal(client_get(&c, "/staff/login", &r), 0);
  response_free(&r);
  assert_int_equal(client_post(&c, "/staff/login", "username=s-admin&password=" ADMIN_PASSWORD, &r),
                   0);
  assert_int_equal(r.status, 303);
  char *pending = session_set(&r);
  response_free(&r);
  assert_non_null(pending);
  assert_int_equal(status_with(pending), 303); /* not signed in until the second factor */
  assert_int_equal(client_get(&c, "/staff/login/totp", &r), 0);
  response_free(&r);
  /* the next time step: the setup's sign-in used this one, and a code works once */
  assert_int_equal(test_totp_code_at(admin_secret, 1, code), 0);
  snprintf(form, sizeof(form), "code=%s", code);
  assert_int_equal(client_post(&c, "/staff/login/totp", form, &r), 0);
  assert_int_equal(r.status, 303);
  char *session = session_set(&r);
  response_free(&r);
  assert_non_null(session);
  assert_string_not_equal(session, pending);
  assert_int_equal(status_with(session), 200);
  assert_int_equal(status_with(pending), 303); /* the pending token is gone */
  free(pending);
  free(session);
  client_free(&c);
}

/* An administrator who must set up a second factor gets a new token once it is set up. */
static void test_token_rotates_when_second_factor_is_set_up(void **state)
{
  struct client c;
  struct response r;
  char form[160], code[7];
  harness_add_user(&server, "xinxing", "s-admin2", "admin", ADMIN_PASSWORD);
  client_init(&c, &server);
  assert_int_equal(client_get(&c, "/staff/login", &r), 0);
  response_free(&r);
  assert_int_equal(
      client_post(&c, "/staff/login", "username=s-admin2&password=" ADMIN_PASSWORD, &r), 0);
  char *before = session_set(&r);
  response_free(&r);
  assert_non_null(before);
  json_t *view = expect_view(&server, &c, "/staff/account/totp", 200);
  const char *secret = json_text_at(view, "secret");
  assert_non_null(secret);
  assert_int_equal(test_totp_code(secret, code), 0);
  snprintf(form, sizeof(form), "secret=%s&code=%s", secret, code);
  json_decref(view);
  assert_int_equal(client_get(&c, "/staff/account/totp", &r), 0); /* the CSRF token */
  response_free(&r);
  assert_int_equal(client_post(&c, "/staff/account/totp", form, &r), 0);
  assert_int_equal(r.status, 303);
  char *after = session_set(&r);
  response_free(&r);
  assert_non_null(after);
  assert_string_not_equal(before, after);
  assert_int_equal(status_with(after), 200);
  assert_int_equal(status_with(before), 303);
  free(before);
  free(after);
  client_free(&c);
}

static void test_signing_in_again_ends_the_old_session(void **state)
{
  struct client c;
  struct response r;
  client_init(&c, &server);
  assert_int_equal(client_get(&c, "/staff/login", &r), 0);
  response_free(&r);
  assert_int_equal(
      client_post(&c, "/staff/login", "username=xinxing-clerk&password=" DEMO_PASSWORD, &r), 0);
  char *first = session_set(&r);
  response_free(&r);
  assert_non_null(first);
  assert_int_equal(status_with(first), 200);
  assert_int_equal(client_get(&c, "/staff/login", &r), 0); /* the same browser, signed in */
  response_free(&r);
  assert_int_equal(
      client_post(&c, "/staff/login", "username=xinxing-clerk&password=" DEMO_PASSWORD, &r), 0);
  char *second = session_set(&r);
  response_free(&r);
  assert_non_null(second);
  assert_string_not_equal(first, second);
  assert_int_equal(status_with(second), 200);
  assert_int_equal(status_with(first), 303);
  free(first);
  free(second);
  client_free(&c);
}

/* Whether the file holds needle anywhere (a missing file holds nothing). */
static bool file_holds(const char *path, const char *needle)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return false;
  size_t n = strlen(needle), have = 0, cap = 1 << 16;
  char *data = malloc(cap);
  assert_non_null(data);
  size_t got;
  while ((got = fread(data + have, 1, cap - have, f)) > 0) {
    have += got;
    if (have == cap) {
      cap *= 2;
      data = realloc(data, cap);
      assert_non_null(data);
    }
  }
  fclose(f);
  bool found = false;
  for (size_t i = 0; !found && n <= have && i <= have - n; i++)
    found = memcmp(data + i, needle, n) == 0;
  free(data);
  return found;
}

static void test_typed_names_are_not_kept(void **state)
{
  struct client c;
  char path[400];
  client_init(&c, &server);
  for (int i = 0; i < 3; i++)
    assert_int_equal(client_login(&c, TYPED_NAME, "whatever-it-was-1"), 401);
  assert_int_equal(client_login(&c, "xinxing-clerk", "not-the-password-1"), 401);
  client_free(&c);
  /* The audit trail says a sign-in failed, naming the account only when there is one. */
  json_t *audit = expect_view(&server, &admin, "/staff/admin/audit?action=auth.login_failed", 200);
  char *text = json_dumps(audit, 0);
  expect_lacks(text, TYPED_NAME);
  expect_lacks(text, "typed-secret-zq7x");
  expect_contains(text, "xinxing-clerk");
  free(text);
  json_decref(audit);
  /* Nor is it anywhere in the database (SQLite: its file and write-ahead log) or the log. */
  snprintf(path, sizeof(path), "%s-wal", server.db);
  assert_false(file_holds(server.db, TYPED_NAME));
  assert_false(file_holds(path, TYPED_NAME));
  assert_false(file_holds(server.log, TYPED_NAME));
  /* Throttling still counts the typed name: five failures lock it. */
  client_init(&c, &server);
  assert_int_equal(client_login(&c, TYPED_NAME, "whatever-it-was-1"), 401);
  assert_int_equal(client_login(&c, TYPED_NAME, "whatever-it-was-1"), 429);
  client_free(&c);
}

static void test_next_is_only_a_staff_path(void **state)
{
  static const struct {
    const char *next, *location;
  } cases[] = {
      {"%2Fstaff%2Fcases", "/staff/cases"},
      {"https%3A%2F%2Fevil.example%2Fstaff%2F", "/staff/"},
      {"%2F%2Fevil.example%2Fstaff%2F", "/staff/"},
      {"%2Fo%2Fxinxing%2F", "/staff/"},
      {"%2Fstaff%5C%5Cevil.example", "/staff/"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct client c;
    struct response r;
    char form[256];
    client_init(&c, &server);
    assert_int_equal(client_get(&c, "/staff/login", &r), 0);
    char *software = response_header(&r, "Server");
    if (software)
      fail_msg("the answer names its server: %s", software);
    response_free(&r);
    snprintf(form, sizeof(form), "username=xinxing-clerk&password=" DEMO_PASSWORD "&next=%s",
             cases[i].next);
    assert_int_equal(client_post(&c, "/staff/login", form, &r), 0);
    assert_int_equal(r.status, 303);
    char *location = response_header(&r, "Location");
    response_free(&r);
    assert_non_null(location);
    if (strcmp(location, cases[i].location) != 0)
      fail_msg("next=%s led to %s, expected %s", cases[i].next, location, cases[i].location);
    free(location);
    client_free(&c);
  }
}

#define NOTICE_PASSWORD "Lantern-Quiet-4411"
#define NOTICE_NEW      "Harbor-Violet-9923"

/* The admins' outbox row (any status) of event for an account ("user" subject), as a new
 * reference, or NULL. */
static json_t *outbox_message(const char *event)
{
  static const char *const statuses[] = {"queued",    "sending",     "sent",
                                         "delivered", "failed_temp", "failed"};
  json_t *found = NULL;
  for (size_t s = 0; !found && s < sizeof(statuses) / sizeof(statuses[0]); s++) {
    char path[96];
    snprintf(path, sizeof(path), "/staff/admin/outbox?status=%s", statuses[s]);
    json_t *view = expect_view(&server, &admin, path, 200), *row;
    size_t i;
    json_array_foreach(json_object_get(view, "messages"), i, row)
    {
      const char *kind = json_string_value(json_object_get(row, "subject_kind"));
      const char *name = json_string_value(json_object_get(row, "event"));
      if (!found && kind && name && !strcmp(kind, "user") && !strcmp(name, event))
        found = json_incref(row);
    }
    json_decref(view);
  }
  return found;
}

/* The message exists as an e-mail to the account's address (masked on the page), rendered
 * (a template that does not render queues it as failed, with the reason), in the language of
 * the request that made the change (the page names it: "中文" for zh-TW). */
static void expect_notice(const char *event, bool english)
{
  json_t *m = outbox_message(event);
  if (!m)
    fail_msg("no %s message in the outbox", event);
  expect_text_at(m, "channel", "email");
  expect_text_at(m, "last_error", "");
  assert_false(json_is_true(json_object_get(m, "failed")));
  expect_lacks(json_text_at(m, "recipient"), "notice-user@example.org");
  expect_contains(json_text_at(m, "recipient"), "@example.org");
  assert_int_equal(strcmp(json_text_at(m, "lang_label"), "中文") != 0, english);
  json_decref(m);
}

static void test_credential_changes_are_notified(void **state)
{
  struct client c;
  struct response r;
  char form[200], code[7];
  const char *args[] = {"user",        "add",      "--office", "xinxing",
                        "--username",  "s-notice", "--name",   "通知測試",
                        "--roles",     "clerk",    "--email",  "notice-user@example.org",
                        "--no-expire", NULL};
  const char *env[] = {"BIANMIN_PASSWORD=" NOTICE_PASSWORD, NULL};
  assert_int_equal(server_cli_env(&server, args, env), 0);
  assert_null(outbox_message("account_password_changed"));
  client_init(&c, &server);
  assert_int_equal(client_login(&c, "s-notice", NOTICE_PASSWORD), 303);
  assert_int_equal(client_get(&c, "/staff/account/password", &r), 0);
  response_free(&r);
  assert_int_equal(
      client_post(&c, "/staff/account/password",
                  "current=" NOTICE_PASSWORD "&password=" NOTICE_NEW "&confirm=" NOTICE_NEW, &r),
      0);
  assert_int_equal(r.status, 303);
  response_free(&r);
  expect_notice("account_password_changed", false);
  /* a second factor set up */
  assert_null(outbox_message("account_totp_enabled"));
  assert_int_equal(client_login(&c, "s-notice", NOTICE_NEW), 303);
  json_t *view = expect_view(&server, &c, "/staff/account/totp", 200);
  char *secret = strdup(json_text_at(view, "secret"));
  json_decref(view);
  assert_int_equal(test_totp_code(secret, code), 0);
  snprintf(form, sizeof(form), "secret=%s&code=%s", secret, code);
  assert_int_equal(client_get(&c, "/staff/account/totp", &r), 0);
  response_free(&r);
  assert_int_equal(client_post(&c, "/staff/account/totp?lang=en", form, &r), 0);
  assert_int_equal(r.status, 303);
  response_free(&r);
  expect_notice("account_totp_enabled", true);
  client_free(&c);
  /* the code that set it up, offered again at a sign-in: refused, and the holder is told */
  assert_null(outbox_message("account_totp_reused"));
  client_init(&c, &server);
  assert_int_equal(client_login(&c, "s-notice", NOTICE_NEW), 303);
  assert_int_equal(client_get(&c, "/staff/login/totp", &r), 0);
  response_free(&r);
  snprintf(form, sizeof(form), "code=%s", code);
  assert_int_equal(client_post(&c, "/staff/login/totp", form, &r), 0);
  assert_int_equal(r.status, 401);
  response_free(&r);
  expect_notice("account_totp_reused", false);
  free(secret);
  client_free(&c);
  /* a password set from the command line sends it too (rendered, not failed) */
  const char *passwd[] = {"user", "passwd", "s-notice", NULL};
  const char *given[] = {"BIANMIN_PASSWORD=Quartz-Willow-6630", NULL};
  assert_int_equal(server_cli_env(&server, passwd, given), 0);
  json_t *failed = expect_view(&server, &admin, "/staff/admin/outbox", 200), *row;
  size_t i;
  json_array_foreach(json_object_get(failed, "messages"), i, row)
  {
    const char *kind = json_string_value(json_object_get(row, "subject_kind"));
    if (kind && !strcmp(kind, "user"))
      fail_msg("a security notice failed: %s", json_text_at(row, "last_error"));
  }
  json_decref(failed);
  json_t *queued = expect_view(&server, &admin, "/staff/admin/outbox?status=queued", 200);
  int changed = 0;
  json_array_foreach(json_object_get(queued, "messages"), i, row)
  {
    const char *event = json_string_value(json_object_get(row, "event"));
    changed += event && !strcmp(event, "account_password_changed");
  }
  json_decref(queued);
  assert_int_equal(changed, 2);
}

#define SESSIONS_PASSWORD "Copper-Meadow-5127"

/* Signs c in as username (password only); the session token the answer set (malloc'd). */
static char *login_token(struct client *c, const char *username, const char *password)
{
  struct response r;
  char form[200];
  assert_int_equal(client_get(c, "/staff/login", &r), 0);
  response_free(&r);
  snprintf(form, sizeof(form), "username=%s&password=%s", username, password);
  assert_int_equal(client_post(c, "/staff/login", form, &r), 0);
  assert_int_equal(r.status, 303);
  char *token = session_set(&r);
  response_free(&r);
  assert_non_null(token);
  return token;
}

/* The handle of the first session in the account view that is (current) or is not this one. */
static char *session_handle(json_t *view, bool current)
{
  json_t *row;
  size_t i;
  json_array_foreach(json_object_get(view, "sessions"), i, row)
  {
    if (json_is_true(json_object_get(row, "current")) == current)
      return strdup(json_string_value(json_object_get(row, "handle")));
  }
  return NULL;
}

static void test_your_sessions(void **state)
{
  struct client a, b, c, other;
  struct response r;
  char path[128];
  harness_add_user(&server, "xinxing", "s-sessions", "clerk", SESSIONS_PASSWORD);
  harness_add_user(&server, "xinxing", "s-other", "clerk", SESSIONS_PASSWORD);
  client_init(&a, &server);
  client_init(&b, &server);
  client_init(&c, &server);
  client_init(&other, &server);
  char *ta = login_token(&a, "s-sessions", SESSIONS_PASSWORD);
  char *tb = login_token(&b, "s-sessions", SESSIONS_PASSWORD);
  char *tc = login_token(&c, "s-sessions", SESSIONS_PASSWORD);
  free(login_token(&other, "s-other", SESSIONS_PASSWORD));
  json_t *view = expect_view(&server, &a, "/staff/account", 200);
  assert_int_equal(json_array_size(json_object_get(view, "sessions")), 3);
  assert_true(json_is_true(json_object_get(view, "others")));
  char *mine = session_handle(view, true), *theirs = session_handle(view, false);
  json_decref(view);
  assert_non_null(mine);
  assert_non_null(theirs);
  char *page = expect_page(&server, &a, "/staff/account", 200);
  expect_contains(page, "id=\"this-session\"");
  expect_contains(page, "/staff/account/sessions/end-others");
  free(page);
  /* someone else cannot end this person's session */
  assert_int_equal(client_get(&other, "/staff/account", &r), 0);
  response_free(&r);
  snprintf(path, sizeof(path), "/staff/account/sessions/%s/end", mine);
  assert_int_equal(client_post(&other, path, "", &r), 0);
  assert_int_equal(r.status, 404);
  response_free(&r);
  assert_int_equal(status_with(ta), 200);
  /* one other session signed out: exactly one of b and c is gone */
  snprintf(path, sizeof(path), "/staff/account/sessions/%s/end", theirs);
  assert_int_equal(client_post(&a, path, "", &r), 0);
  assert_int_equal(r.status, 303);
  response_free(&r);
  assert_int_equal((status_with(tb) == 303) + (status_with(tc) == 303), 1);
  assert_int_equal(status_with(ta), 200);
  /* every other one */
  assert_int_equal(client_get(&a, "/staff/account", &r), 0);
  response_free(&r);
  assert_int_equal(client_post(&a, "/staff/account/sessions/end-others", "", &r), 0);
  assert_int_equal(r.status, 303);
  response_free(&r);
  assert_int_equal(status_with(tb), 303);
  assert_int_equal(status_with(tc), 303);
  assert_int_equal(status_with(ta), 200);
  view = expect_view(&server, &a, "/staff/account", 200);
  assert_int_equal(json_array_size(json_object_get(view, "sessions")), 1);
  assert_false(json_is_true(json_object_get(view, "others")));
  json_decref(view);
  /* both are in the audit trail */
  json_t *audit = expect_view(&server, &admin, "/staff/admin/audit?action=user.session", 200);
  char *text = json_dumps(audit, 0);
  expect_contains(text, "user.session_end");
  expect_contains(text, "user.sessions_end_others");
  expect_contains(text, "s-sessions");
  free(text);
  json_decref(audit);
  free(mine);
  free(theirs);
  free(ta);
  free(tb);
  free(tc);
  client_free(&a);
  client_free(&b);
  client_free(&c);
  client_free(&other);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_token_rotates_when_second_factor_completes),
      cmocka_unit_test(test_token_rotates_when_second_factor_is_set_up),
      cmocka_unit_test(test_signing_in_again_ends_the_old_session),
      cmocka_unit_test(test_typed_names_are_not_kept),
      cmocka_unit_test(test_next_is_only_a_staff_path),
      cmocka_unit_test(test_credential_changes_are_notified),
      cmocka_unit_test(test_your_sessions),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
