/*
 * stepup_test.c - re-authentication before administrators' account changes (ASVS 3.7.1, 4.3.3;
 * issue 21): signing in counts as a step-up; once the window ([security] stepup_seconds, set to
 * 120 s here through BIANMIN_STEPUP_SECONDS) has passed, every change of /staff/admin/users
 * (edit roles and unit, reset a password, disable, enable, create) answers a confirm-your-
 * password page instead (zh-TW and English, CSRF token, the change's fields carried) and is made
 * only once the admin's password or TOTP code is given; a wrong one changes nothing, is audited
 * and counts as a failed sign-in (five lock the username, for sign-in too). The step-up time
 * lives on the session row, never in the page. Also the reset of a lost second factor (ASVS
 * 2.5.7), which needs the same step-up. Driven by the fake clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

#define ADMIN_PASSWORD "quiet-lantern-harbour-58"
#define DEMO_PASSWORD  "bianmin-demo-2026"
#define WINDOW         120

static struct server server;
static struct client admin;
static char totp[64];
static long long clerk_id; /* xinxing-clerk */

static long long sql_int(const char *sql)
{
  return harness_sql_int(&server, sql);
}

static long long audit_count(const char *action)
{
  char sql[160];
  snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit_log WHERE action = '%s'", action);
  return sql_int(sql);
}

static int setup(void **state)
{
  const char *env[] = {"BIANMIN_RATE_LOGIN=100000", "BIANMIN_STEPUP_SECONDS=120", NULL};
  if (harness_clock_start(time(NULL)) || server_start(&server, env))
    return -1;
  harness_add_user(&server, "xinxing", "stepup-admin", "admin", ADMIN_PASSWORD);
  harness_add_user(&server, "xinxing", "stepup-locked", "admin", ADMIN_PASSWORD);
  clerk_id = sql_int("SELECT id FROM users WHERE username = 'xinxing-clerk'");
  client_init(&admin, &server);
  return clerk_id > 0 &&
                 client_login_totp(&admin, "stepup-admin", ADMIN_PASSWORD, totp, sizeof(totp)) == 0
             ? 0
             : -1;
}

static int teardown(void **state)
{
  client_free(&admin);
  return server_stop(&server) == 0 ? 0 : -1;
}

static long long clerk_disabled(void)
{
  char sql[96];
  snprintf(sql, sizeof(sql), "SELECT disabled FROM users WHERE id = %lld", clerk_id);
  return sql_int(sql);
}

static void clerk_path(char *out, size_t size, const char *action)
{
  snprintf(out, size, "/staff/admin/users/%lld%s", clerk_id, action);
}

/* Lets the step-up window pass (the session stays alive: it idles out after 30 minutes). */
static void window_passes(void)
{
  harness_clock_advance(WINDOW + 1);
  free(expect_page(&server, &admin, "/staff/admin/users", 200)); /* a fresh CSRF token */
}

/* A fresh sign-in is a step-up: a change goes straight through. */
static void test_signin_is_a_stepup(void **state)
{
  char path[96];
  clerk_path(path, sizeof(path), "/disable");
  free(expect_page(&server, &admin, "/staff/admin/users", 200));
  assert_int_equal(harness_post(&admin, path, "", NULL), 303);
  assert_int_equal(clerk_disabled(), 1);
  clerk_path(path, sizeof(path), "/enable");
  assert_int_equal(harness_post(&admin, path, "", NULL), 303);
  assert_int_equal(clerk_disabled(), 0);
  /* the time is on the session row, never in a page */
  assert_true(sql_int("SELECT max(stepup_at) FROM sessions s JOIN users u ON u.id = s.user_id "
                      "WHERE u.username = 'stepup-admin'") > 0);
}

/* After the window: the confirm page (zh-TW, English), nothing changed; a wrong password is
 * refused (401, audited); the right one makes the change, and the next one needs none. */
static void test_window_then_password(void **state)
{
  char path[96], form[200];
  struct response r;
  window_passes();
  clerk_path(path, sizeof(path), "/disable");
  assert_int_equal(client_post(&admin, path, "", &r), 0);
  assert_int_equal(r.status, 200);
  expect_contains(r.body, "<h1 class=\"govuk-heading-xl\">請再次確認您的密碼</h1>");
  char action[160];
  snprintf(action, sizeof(action), "<form method=\"post\" action=\"%s\" novalidate>", path);
  expect_contains(r.body, action);
  expect_contains(r.body, "<input type=\"hidden\" name=\"csrf\" value=\"");
  expect_contains(r.body, "<input type=\"hidden\" name=\"stepup\" value=\"1\">");
  expect_contains(r.body, "<label class=\"govuk-label govuk-label--s\" for=\"stepup_password\">");
  expect_contains(r.body, "autocomplete=\"current-password\"");
  expect_contains(r.body, "id=\"stepup_code\""); /* the admin has an authenticator app */
  expect_contains(r.body, "確認後 2 分鐘內");
  expect_lacks(r.body, "stepup_at");
  response_free(&r);
  assert_int_equal(clerk_disabled(), 0);
  free(expect_page(&server, &admin, "/staff/admin/users?lang=en", 200));
  assert_int_equal(client_post(&admin, path, "", &r), 0);
  assert_int_equal(r.status, 200);
  expect_contains(r.body, "Confirm your password");
  response_free(&r);
  free(expect_page(&server, &admin, "/staff/admin/users?lang=zh-TW", 200));

  long long failed = audit_count("auth.stepup_failed");
  assert_int_equal(client_post(&admin, path, "stepup=1&stepup_password=not-my-password", &r), 0);
  assert_int_equal(r.status, 401);
  expect_contains(r.body, "govuk-error-summary");
  expect_contains(r.body, "密碼或驗證碼不正確，這項變更沒有執行。");
  expect_contains(r.body, "id=\"stepup_password-error\"");
  response_free(&r);
  assert_int_equal(clerk_disabled(), 0);
  assert_int_equal(audit_count("auth.stepup_failed"), failed + 1);

  long long ok = audit_count("auth.stepup");
  snprintf(form, sizeof(form), "stepup=1&stepup_password=%s", ADMIN_PASSWORD);
  assert_int_equal(harness_post(&admin, path, form, NULL), 303);
  assert_int_equal(clerk_disabled(), 1);
  assert_int_equal(audit_count("auth.stepup"), ok + 1);
  clerk_path(path, sizeof(path), "/enable");
  assert_int_equal(harness_post(&admin, path, "", NULL), 303); /* still fresh */
  assert_int_equal(clerk_disabled(), 0);
}

/* An edit of roles and unit: the confirm page carries the form's fields (the JSON view lists
 * them) and sending it with a TOTP code instead of the password makes the change. */
static void test_edit_with_totp_code(void **state)
{
  char path[96], form[300], code[7];
  json_t *view = NULL;
  window_passes();
  clerk_path(path, sizeof(path), "");
  assert_int_equal(harness_post_json(&admin, path,
                                     "display_name=Step&email=&role_clerk=1&role_analyst=1", &view),
                   200);
  assert_non_null(view);
  expect_text_at(view, "title", "請再次確認您的密碼");
  expect_text_at(view, "action", path);
  expect_text_at(view, "fields.0.name", "display_name");
  expect_text_at(view, "fields.0.value", "Step");
  expect_text_at(view, "fields.3.name", "role_analyst");
  assert_null(json_at(view, "fields.4")); /* not csrf */
  assert_true(json_is_true(json_at(view, "totp")));
  json_decref(view);
  char sql[120];
  snprintf(sql, sizeof(sql), "SELECT roles FROM users WHERE id = %lld", clerk_id);
  assert_int_equal(sql_int(sql), 1); /* still clerk only */
  /* a wrong code (the right one with its first digit changed) is refused as a wrong password */
  assert_int_equal(test_totp_code(totp, code), 0);
  char wrong[7];
  snprintf(wrong, sizeof(wrong), "%c%s", code[0] == '9' ? '0' : code[0] + 1, code + 1);
  snprintf(form, sizeof(form),
           "display_name=Step&email=&role_clerk=1&role_analyst=1&stepup=1&stepup_code=%s", wrong);
  assert_int_equal(harness_post(&admin, path, form, NULL), 401);
  assert_int_equal(sql_int(sql), 1);
  snprintf(form, sizeof(form),
           "display_name=Step&email=&role_clerk=1&role_analyst=1&stepup=1&stepup_code=%s", code);
  assert_int_equal(harness_post(&admin, path, form, NULL), 303);
  assert_int_equal(sql_int(sql), 1 | 16);
  /* put it back (still fresh) */
  assert_int_equal(harness_post(&admin, path, "display_name=X&email=&role_clerk=1", NULL), 303);
}

/* Reset a password and create an account with roles: both wait for the step-up. */
static void test_reset_and_create(void **state)
{
  char path[96], form[300];
  json_t *view = NULL;
  window_passes();
  clerk_path(path, sizeof(path), "/password");
  long long resets = audit_count("user.password");
  assert_int_equal(harness_post_json(&admin, path, "", &view), 200);
  assert_null(json_at(view, "password")); /* no new password */
  expect_text_at(view, "title", "請再次確認您的密碼");
  json_decref(view);
  assert_int_equal(audit_count("user.password"), resets);
  struct client clerk;
  client_init(&clerk, &server);
  assert_int_equal(client_login(&clerk, "xinxing-clerk", DEMO_PASSWORD), 303); /* unchanged */
  client_free(&clerk);
  const char *create = "username=stepup.new&display_name=New&email=&role_handler=1";
  assert_int_equal(harness_post_json(&admin, "/staff/admin/users", create, &view), 200);
  expect_text_at(view, "fields.0.name", "username");
  json_decref(view);
  assert_int_equal(sql_int("SELECT count(*) FROM users WHERE username = 'stepup.new'"), 0);
  snprintf(form, sizeof(form), "%s&stepup=1&stepup_password=%s", create, ADMIN_PASSWORD);
  assert_int_equal(harness_post_json(&admin, "/staff/admin/users", form, &view), 200);
  expect_text_at(view, "username", "stepup.new");
  assert_non_null(json_text_at(view, "password"));
  json_decref(view);
  assert_int_equal(sql_int("SELECT roles FROM users WHERE username = 'stepup.new'"), 2);
}

/* Wrong step-ups count as failed sign-ins of the username: the fifth locks it (429 with
 * Retry-After), and the account's sign-in is locked too. Another admin, so the first keeps
 * working. */
static void test_wrong_stepups_lock(void **state)
{
  struct client c;
  struct response r;
  char path[96], secret[64] = "";
  client_init(&c, &server);
  assert_int_equal(client_login_totp(&c, "stepup-locked", ADMIN_PASSWORD, secret, sizeof(secret)),
                   0);
  harness_clock_advance(WINDOW + 1);
  free(expect_page(&server, &c, "/staff/admin/users", 200));
  clerk_path(path, sizeof(path), "/disable");
  for (int i = 0; i < 4; i++)
    assert_int_equal(harness_post(&c, path, "stepup=1&stepup_password=wrong-guess-1", NULL), 401);
  assert_int_equal(client_post(&c, path, "stepup=1&stepup_password=wrong-guess-1", &r), 0);
  assert_int_equal(r.status, 429);
  char *retry = response_header(&r, "Retry-After");
  assert_non_null(retry);
  free(retry);
  response_free(&r);
  /* while locked, even the right password does nothing */
  char form[120];
  snprintf(form, sizeof(form), "stepup=1&stepup_password=%s", ADMIN_PASSWORD);
  assert_int_equal(harness_post(&c, path, form, NULL), 429);
  assert_int_equal(clerk_disabled(), 0);
  struct client other;
  client_init(&other, &server);
  assert_int_equal(client_login(&other, "stepup-locked", ADMIN_PASSWORD), 429);
  client_free(&other);
  client_free(&c);
}

/* The id of username. */
static long long user_id(const char *username)
{
  char sql[160];
  snprintf(sql, sizeof(sql), "SELECT id FROM users WHERE username = '%s'", username);
  return sql_int(sql);
}

/* A lost phone (ASVS 2.5.7): an admin of the same office resets the account's second factor,
 * under a step-up; its sessions end, its holder is told by e-mail, it is audited, and the
 * (admin) account must set up a new one at its next sign-in. Never one's own; another office's
 * admin gets "not found"; an account without one gets 400. */
static void test_second_factor_reset(void **state)
{
  const char *args[] = {
      "user",        "add",      "--office", "xinxing", "--username", "stepup-phone",
      "--name",      "遺失手機", "--roles",  "admin",   "--email",    "phone-user@example.org",
      "--no-expire", NULL};
  const char *env[] = {"BIANMIN_PASSWORD=" ADMIN_PASSWORD, NULL};
  assert_int_equal(server_cli_env(&server, args, env), 0);
  struct client phone, other;
  char secret[64] = "", other_secret[64] = "", path[96], form[200], sql[200];
  client_init(&phone, &server);
  assert_int_equal(
      client_login_totp(&phone, "stepup-phone", ADMIN_PASSWORD, secret, sizeof(secret)), 0);
  long long id = user_id("stepup-phone");
  snprintf(path, sizeof(path), "/staff/admin/users/%lld", id);
  json_t *view = expect_view(&server, &admin, path, 200);
  assert_true(json_is_true(json_at(view, "user.totp")));
  assert_false(json_is_true(json_at(view, "user.self")));
  json_decref(view);
  char *body = expect_page(&server, &admin, path, 200);
  snprintf(form, sizeof(form), "<form method=\"post\" action=\"%s/totp-reset\">", path);
  expect_contains(body, form);
  expect_contains(body, "重設第二道驗證");
  free(body);
  /* never one's own (no form either) */
  char own[128];
  snprintf(own, sizeof(own), "/staff/admin/users/%lld", user_id("stepup-admin"));
  body = expect_page(&server, &admin, own, 200);
  expect_lacks(body, "/totp-reset");
  free(body);
  strncat(own, "/totp-reset", sizeof(own) - strlen(own) - 1);
  assert_int_equal(harness_post(&admin, own, "", NULL), 400);
  /* another office's admin: not found */
  harness_add_user(&server, "hsinchu", "stepup-admin-h", "admin", ADMIN_PASSWORD);
  client_init(&other, &server);
  assert_int_equal(client_login_totp(&other, "stepup-admin-h", ADMIN_PASSWORD, other_secret,
                                     sizeof(other_secret)),
                   0);
  free(expect_page(&server, &other, "/staff/admin/users", 200));
  snprintf(form, sizeof(form), "%s/totp-reset", path);
  assert_int_equal(harness_post(&other, form, "", NULL), 404);
  client_free(&other);
  /* an account without a second factor */
  char clerk[96];
  clerk_path(clerk, sizeof(clerk), "/totp-reset");
  assert_int_equal(harness_post(&admin, clerk, "", NULL), 400);
  snprintf(sql, sizeof(sql), "SELECT totp_enabled FROM users WHERE id = %lld", id);
  assert_int_equal(sql_int(sql), 1);

  /* the step-up first: nothing happens until the password is given */
  window_passes();
  assert_int_equal(harness_post(&admin, form, "", NULL), 200);
  assert_int_equal(sql_int(sql), 1);
  free(expect_page(&server, &phone, "/staff/", 200)); /* still signed in */
  long long audited = audit_count("user.totp_reset");
  char *location = NULL;
  char done[200];
  snprintf(done, sizeof(done), "stepup=1&stepup_password=%s", ADMIN_PASSWORD);
  assert_int_equal(harness_post(&admin, form, done, &location), 303);
  snprintf(done, sizeof(done), "%s?totp_reset=1", path);
  assert_non_null(location);
  assert_string_equal(location, done);
  free(location);
  body = expect_page(&server, &admin, done, 200);
  expect_contains(body, "id=\"totp-reset-done\"");
  expect_lacks(body, "/totp-reset\""); /* no second factor left to reset */
  free(body);
  assert_int_equal(sql_int(sql), 0);
  snprintf(sql, sizeof(sql), "SELECT count(*) FROM users WHERE id = %lld AND totp_secret <> ''",
           id);
  assert_int_equal(sql_int(sql), 0);
  snprintf(sql, sizeof(sql), "SELECT count(*) FROM sessions WHERE user_id = %lld", id);
  assert_int_equal(sql_int(sql), 0);
  assert_int_equal(audit_count("user.totp_reset"), audited + 1);
  snprintf(sql, sizeof(sql),
           "SELECT count(*) FROM outbox WHERE subject_kind = 'user' AND subject_id = %lld AND "
           "event = 'account_totp_reset' AND channel = 'email'",
           id);
  assert_int_equal(sql_int(sql), 1);
  /* the old session is gone; signing in again leads to setting up a new second factor */
  struct response r;
  assert_int_equal(client_get(&phone, "/staff/", &r), 0);
  assert_int_equal(r.status, 303);
  response_free(&r);
  client_free(&phone);
  client_init(&phone, &server);
  assert_int_equal(client_login(&phone, "stepup-phone", ADMIN_PASSWORD), 303);
  assert_int_equal(client_get(&phone, "/staff/", &r), 0);
  assert_int_equal(r.status, 303);
  location = response_header(&r, "Location");
  response_free(&r);
  assert_non_null(location);
  assert_string_equal(location, "/staff/account/totp");
  free(location);
  client_free(&phone);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_signin_is_a_stepup),  cmocka_unit_test(test_window_then_password),
      cmocka_unit_test(test_edit_with_totp_code), cmocka_unit_test(test_reset_and_create),
      cmocka_unit_test(test_second_factor_reset), cmocka_unit_test(test_wrong_stepups_lock),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
