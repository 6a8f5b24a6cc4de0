/*
 * accounts_test.c - staff accounts against a real server: sign-in and sign-out, wrong
 * passwords and lockout without account hints, CSRF, session fixation and expiry, the second
 * factor, the authorisation matrix (every staff route x every role x own and foreign office),
 * and audit-verify.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

#define DEMO_PASSWORD  "bianmin-demo-2026"
#define ADMIN_PASSWORD "admin-password-123"

static struct server server;
/* Sign-in attempts here all come from one address: the per-address rate class would stop the
 * suite long before the account rules under test are reached (limits_test covers it). */
#define RATE_ENV "BIANMIN_RATE_LOGIN=100000"
static char admin_a_secret[64], admin_b_secret[64];
static char target_id[24]; /* a clerk of office A, the object of the admin routes */
/* a-admin, signed in once with the second factor: a TOTP code works once, and a test run is
 * shorter than the 30 s a new code takes. */
static struct client admin_a;

static void add_user(const char *office, const char *username, const char *roles)
{
  const char *args[] = {"user",   "add",        "--office", office, "--username",  username,
                        "--name", "測試管理者", "--roles",  roles,  "--no-expire", NULL};
  const char *env[] = {"BIANMIN_PASSWORD=" ADMIN_PASSWORD, NULL};
  assert_int_equal(server_cli_env(&server, args, env), 0);
}

static int setup(void **state)
{
  const char *env[] = {RATE_ENV, NULL};
  if (server_start(&server, env))
    return -1;
  add_user("xinxing", "a-admin", "admin");
  add_user("anle", "b-admin", "admin");
  return 0;
}

static int teardown(void **state)
{
  if (admin_a.curl)
    client_free(&admin_a);
  return server_stop(&server) == 0 ? 0 : -1;
}

static void test_sign_in_and_out(void **state)
{
  struct client c;
  struct response r;
  client_init(&c, &server);
  assert_int_equal(client_login(&c, "xinxing-clerk", DEMO_PASSWORD), 303);
  assert_int_equal(client_get(&c, "/staff/", &r), 0);
  assert_int_equal(r.status, 200);
  expect_contains(r.body, "xinxing-clerk");
  response_free(&r);
  assert_int_equal(client_post(&c, "/staff/logout", "", &r), 0);
  assert_int_equal(r.status, 303);
  response_free(&r);
  assert_int_equal(client_get(&c, "/staff/", &r), 0);
  assert_int_equal(r.status, 303); /* back to the sign-in page */
  char *location = response_header(&r, "Location");
  assert_non_null(strstr(location, "/staff/login"));
  free(location);
  response_free(&r);
  client_free(&c);
}

static void test_wrong_password_gives_no_account_hint(void **state)
{
  struct client c;
  struct response known, unknown;
  client_init(&c, &server);
  assert_int_equal(client_get(&c, "/staff/login", &known), 0);
  response_free(&known);
  assert_int_equal(
      client_post(&c, "/staff/login", "username=xinxing-handler&password=wrong-one-x", &known), 0);
  assert_int_equal(
      client_post(&c, "/staff/login", "username=nobody-here&password=wrong-one-x", &unknown), 0);
  assert_int_equal(known.status, 401);
  assert_int_equal(unknown.status, 401);
  expect_contains(known.body, "帳號或密碼不正確");
  expect_contains(unknown.body, "帳號或密碼不正確");
  response_free(&known);
  response_free(&unknown);
  client_free(&c);
}

static void test_lockout_after_repeated_failures(void **state)
{
  struct client c;
  struct response r;
  client_init(&c, &server);
  assert_int_equal(client_get(&c, "/staff/login", &r), 0);
  response_free(&r);
  const char *names[] = {"hsinchu-analyst", "ghost-account"};
  for (size_t n = 0; n < 2; n++) {
    char form[128];
    snprintf(form, sizeof(form), "username=%s&password=not-the-password", names[n]);
    long last = 0;
    for (int i = 0; i < 5; i++) {
      assert_int_equal(client_post(&c, "/staff/login", form, &r), 0);
      last = r.status;
      response_free(&r);
    }
    assert_true(last == 401 || last == 429);
    /* Locked now: even the right password is refused, the same way for both names. */
    snprintf(form, sizeof(form), "username=%s&password=" DEMO_PASSWORD, names[n]);
    assert_int_equal(client_post(&c, "/staff/login", form, &r), 0);
    assert_int_equal(r.status, 429);
    expect_contains(r.body, "分鐘");
    response_free(&r);
  }
  client_free(&c);
}

static void test_csrf_missing_or_wrong_is_refused(void **state)
{
  struct client c;
  struct response r;
  client_init(&c, &server);
  assert_int_equal(client_login(&c, "xinxing-handler", DEMO_PASSWORD), 303);
  const char *headers[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
  const char *no_token = "current=x&password=y&confirm=y";
  assert_int_equal(client_call(&c, "POST", "/staff/logout", headers, "", 0, &r), 0);
  assert_int_equal(r.status, 403);
  response_free(&r);
  assert_int_equal(
      client_call(&c, "POST", "/staff/account/password", headers, no_token, strlen(no_token), &r),
      0);
  assert_int_equal(r.status, 403);
  response_free(&r);
  const char *wrong = "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  assert_int_equal(client_call(&c, "POST", "/staff/logout", headers, wrong, strlen(wrong), &r), 0);
  assert_int_equal(r.status, 403);
  response_free(&r);
  /* Still signed in: nothing happened. */
  assert_int_equal(client_get(&c, "/staff/", &r), 0);
  assert_int_equal(r.status, 200);
  response_free(&r);
  client_free(&c);
}

static void test_session_fixation_is_impossible(void **state)
{
  struct client c;
  struct response r;
  client_init(&c, &server);
  const char *planted[] = {"Cookie: bm_session=ATTACKERCHOSENTOKENATTACKERCHOSENTOKEN12345", NULL};
  assert_int_equal(client_call(&c, "GET", "/staff/", planted, NULL, 0, &r), 0);
  assert_int_equal(r.status, 303);
  response_free(&r);
  assert_int_equal(client_get(&c, "/staff/login", &r), 0);
  response_free(&r);
  assert_int_equal(
      client_post(&c, "/staff/login", "username=xinxing-supervisor&password=" DEMO_PASSWORD, &r),
      0);
  char *cookie = response_header(&r, "Set-Cookie");
  assert_non_null(cookie);
  assert_null(strstr(cookie, "ATTACKERCHOSEN"));
  assert_non_null(strstr(cookie, "HttpOnly"));
  assert_non_null(strstr(cookie, "SameSite=Strict"));
  free(cookie);
  response_free(&r);
  client_free(&c);
  /* The planted token never becomes a session. */
  client_init(&c, &server);
  assert_int_equal(client_call(&c, "GET", "/staff/", planted, NULL, 0, &r), 0);
  assert_int_equal(r.status, 303);
  response_free(&r);
  client_free(&c);
}

static void test_second_factor_required_for_admins(void **state)
{
  struct client c;
  struct response r;
  client_init(&c, &server);
  assert_int_equal(client_login(&c, "a-admin", ADMIN_PASSWORD), 303);
  /* Until a second factor is set up, everything leads to the set-up page. */
  assert_int_equal(client_get(&c, "/staff/admin/users", &r), 0);
  assert_int_equal(r.status, 303);
  char *location = response_header(&r, "Location");
  assert_non_null(strstr(location, "/staff/account/totp"));
  free(location);
  response_free(&r);
  client_free(&c);

  client_init(&c, &server);
  assert_int_equal(
      client_login_totp(&c, "a-admin", ADMIN_PASSWORD, admin_a_secret, sizeof(admin_a_secret)), 0);
  assert_int_equal(client_get(&c, "/staff/admin/users", &r), 0);
  assert_int_equal(r.status, 200);
  response_free(&r);
  client_free(&c);

  /* Next time: the password alone is not enough, a wrong code is refused. */
  client_init(&c, &server);
  assert_int_equal(client_login(&c, "a-admin", ADMIN_PASSWORD), 303);
  assert_int_equal(client_get(&c, "/staff/admin/users", &r), 0);
  assert_int_equal(r.status, 303);
  response_free(&r);
  assert_int_equal(client_get(&c, "/staff/login/totp", &r), 0);
  response_free(&r);
  assert_int_equal(client_post(&c, "/staff/login/totp", "code=000000", &r), 0);
  assert_int_equal(r.status, 401);
  response_free(&r);
  client_free(&c);
  client_init(&admin_a, &server);
  assert_int_equal(client_login_totp(&admin_a, "a-admin", ADMIN_PASSWORD, admin_a_secret,
                                     sizeof(admin_a_secret)),
                   0);
}

/* ---- the authorisation matrix ---------------------------------------------------------- */

enum { CLERK = 1, HANDLER = 2, SUPERVISOR = 4, ADMIN = 8, ANALYST = 16, ALL = 31 };

struct route_case {
  const char *method;
  const char *path; /* "%s" stands for the target user's id */
  const char *form;
  unsigned roles;
};

static const struct route_case routes[] = {
    {"GET", "/staff/", NULL, ALL},
    {"GET", "/staff/account/password", NULL, ALL},
    {"POST", "/staff/account/password", "current=wrong-password&password=x&confirm=x", ALL},
    {"GET", "/staff/admin/users", NULL, ADMIN},
    {"GET", "/staff/admin/users/new", NULL, ADMIN},
    {"GET", "/staff/admin/users/%s", NULL, ADMIN},
    {"GET", "/staff/admin/audit", NULL, ADMIN},
    {"POST", "/staff/admin/users", "username=m-%s&display_name=M&role_clerk=1&password=abcdefghijk",
     ADMIN},
    {"POST", "/staff/admin/users/%s", "display_name=Changed&role_clerk=1", ADMIN},
    {"POST", "/staff/admin/users/%s/password", "password=another-password-1", ADMIN},
    {"POST", "/staff/admin/users/%s/disable", "", ADMIN},
    {"POST", "/staff/admin/users/%s/enable", "", ADMIN},
};

struct actor {
  const char *username;
  unsigned roles;
  bool foreign; /* of another office than the target */
};

/* The target's display name and state, as admin A sees it. */
static char *target_state(struct client *admin)
{
  char path[64];
  struct response r;
  snprintf(path, sizeof(path), "/staff/admin/users/%s", target_id);
  const char *accept[] = {"Accept: application/json", NULL};
  assert_int_equal(client_call(admin, "GET", path, accept, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  json_t *view = response_json(&r);
  json_t *user = json_object_get(view, "user");
  char *state = json_dumps(user, JSON_SORT_KEYS | JSON_COMPACT);
  json_decref(view);
  response_free(&r);
  return state;
}

static void find_target(struct client *admin)
{
  struct response r;
  const char *accept[] = {"Accept: application/json", NULL};
  assert_int_equal(client_call(admin, "GET", "/staff/admin/users", accept, NULL, 0, &r), 0);
  json_t *view = response_json(&r);
  size_t i;
  json_t *u;
  json_array_foreach(json_object_get(view, "users"), i, u)
  {
    if (strcmp(json_string_value(json_object_get(u, "username")), "xinxing-clerk") == 0)
      snprintf(target_id, sizeof(target_id), "%lld",
               (long long)json_integer_value(json_object_get(u, "id")));
    /* An admin's list never shows another office's accounts. */
    assert_null(strstr(json_string_value(json_object_get(u, "username")), "anle-"));
  }
  json_decref(view);
  response_free(&r);
  assert_true(target_id[0] != '\0');
}

/* Copies pattern into out with its one "%s" replaced by value. */
static void fill(char *out, size_t size, const char *pattern, const char *value)
{
  const char *hole = strstr(pattern, "%s");
  if (!hole) {
    snprintf(out, size, "%s", pattern);
    return;
  }
  snprintf(out, size, "%.*s%s%s", (int)(hole - pattern), pattern, value, hole + 2);
}

static long run_case(struct client *c, const struct route_case *rc, const char *who)
{
  char path[128], form[256];
  struct response r;
  fill(path, sizeof(path), rc->path, target_id);
  if (strcmp(rc->method, "GET") == 0) {
    assert_int_equal(client_get(c, path, &r), 0);
  } else {
    fill(form, sizeof(form), rc->form, who);
    /* A fresh token from a page this person may see, as a browser would have. */
    struct response page;
    assert_int_equal(client_get(c, "/staff/", &page), 0);
    response_free(&page);
    assert_int_equal(client_post(c, path, form, &r), 0);
  }
  long status = r.status;
  response_free(&r);
  return status;
}

static void check_actor(const struct actor *a, struct client *admin)
{
  struct client own, *c = &own;
  client_init(&own, &server);
  if ((a->roles & ADMIN) && !a->foreign)
    c = admin; /* already signed in */
  else if (a->roles & ADMIN)
    assert_int_equal(client_login_totp(c, a->username, ADMIN_PASSWORD, admin_b_secret, 64), 0);
  else
    assert_int_equal(client_login(c, a->username, DEMO_PASSWORD), 303);
  char *before = target_state(admin);
  for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
    const struct route_case *rc = &routes[i];
    bool allowed = (rc->roles & a->roles) != 0;
    bool object = strstr(rc->path, "%s") != NULL;
    long status = run_case(c, rc, a->username);
    if (!allowed && status != 403)
      fail_msg("%s %s as %s: expected 403, got %ld", rc->method, rc->path, a->username, status);
    if (allowed && object && a->foreign && status != 404)
      fail_msg("%s %s as %s (other office): expected 404, got %ld", rc->method, rc->path,
               a->username, status);
    if (allowed && !(object && a->foreign) && (status == 403 || status == 404 || status >= 500))
      fail_msg("%s %s as %s: expected success, got %ld", rc->method, rc->path, a->username, status);
  }
  char *after = target_state(admin);
  if (!(a->roles & ADMIN) || a->foreign)
    assert_string_equal(before, after); /* refused requests changed nothing */
  free(before);
  free(after);
  client_free(&own);
}

static void test_authorisation_matrix(void **state)
{
  struct client b;
  client_init(&b, &server);
  assert_int_equal(
      client_login_totp(&b, "b-admin", ADMIN_PASSWORD, admin_b_secret, sizeof(admin_b_secret)), 0);
  client_free(&b);
  find_target(&admin_a);
  const struct actor actors[] = {
      {"xinxing-clerk", CLERK, false},
      {"xinxing-handler", HANDLER, false},
      {"xinxing-supervisor", SUPERVISOR | HANDLER, false},
      {"xinxing-analyst", ANALYST, false},
      {"b-admin", ADMIN, true},
      {"a-admin", ADMIN, false},
  };
  for (size_t i = 0; i < sizeof(actors) / sizeof(actors[0]); i++)
    check_actor(&actors[i], &admin_a);
}

static void test_audit_trail_records_and_verifies(void **state)
{
  const char *verify[] = {"audit-verify", NULL};
  assert_int_equal(server_cli(&server, verify), 0);
  struct response r;
  const char *accept[] = {"Accept: application/json", NULL};
  assert_int_equal(client_call(&admin_a, "GET", "/staff/admin/audit?action=auth.login_failed",
                               accept, NULL, 0, &r),
                   0);
  assert_int_equal(r.status, 200);
  json_t *view = response_json(&r);
  json_t *rows = json_object_get(view, "rows");
  assert_true(json_array_size(rows) >= 1);
  /* Only this office's rows: a failed sign-in at another office is not shown. */
  size_t i;
  json_t *row;
  json_array_foreach(rows, i, row)
      assert_string_equal(json_string_value(json_object_get(row, "action")), "auth.login_failed");
  json_decref(view);
  response_free(&r);
}

static void test_expired_session_leads_to_sign_in(void **state)
{
  char now[48], later[48];
  time_t t = time(NULL);
  snprintf(now, sizeof(now), "BIANMIN_FAKE_NOW=%lld", (long long)t);
  snprintf(later, sizeof(later), "BIANMIN_FAKE_NOW=%lld", (long long)t + 31 * 60);
  const char *env_now[] = {now, RATE_ENV, NULL}, *env_later[] = {later, RATE_ENV, NULL};
  const char *env_real[] = {RATE_ENV, NULL};
  assert_int_equal(server_restart(&server, env_now), 0);
  struct client c;
  struct response r;
  client_init(&c, &server);
  assert_int_equal(client_login(&c, "xinxing-supervisor", DEMO_PASSWORD), 303);
  assert_int_equal(server_restart(&server, env_later), 0);
  assert_int_equal(client_get(&c, "/staff/", &r), 0);
  assert_int_equal(r.status, 303);
  char *location = response_header(&r, "Location");
  assert_non_null(strstr(location, "/staff/login"));
  free(location);
  response_free(&r);
  client_free(&c);
  assert_int_equal(server_restart(&server, env_real), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sign_in_and_out),
      cmocka_unit_test(test_wrong_password_gives_no_account_hint),
      cmocka_unit_test(test_lockout_after_repeated_failures),
      cmocka_unit_test(test_csrf_missing_or_wrong_is_refused),
      cmocka_unit_test(test_session_fixation_is_impossible),
      cmocka_unit_test(test_second_factor_required_for_admins),
      cmocka_unit_test(test_expired_session_leads_to_sign_in),
      cmocka_unit_test(test_audit_trail_records_and_verifies),
      cmocka_unit_test(test_authorisation_matrix),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
