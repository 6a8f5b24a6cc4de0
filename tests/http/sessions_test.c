/*
 * sessions_test.c - session hardening (issue 21): the session token changes when the second
 * factor completes (the token that carried the pending sign-in stops working), when a required
 * second factor is set up, and at every sign-in (a session the browser still held ends); sign-in
 * throttling and the audit trail never hold a typed user name that names no account (it may be a
 * password typed in the wrong field), only a keyed hash of it. Also: after signing in, "next" leads
 * only to a staff page of this site (no open redirect), and no answer names the server's software.
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

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_token_rotates_when_second_factor_completes),
      cmocka_unit_test(test_token_rotates_when_second_factor_is_set_up),
      cmocka_unit_test(test_signing_in_again_ends_the_old_session),
      cmocka_unit_test(test_typed_names_are_not_kept),
      cmocka_unit_test(test_next_is_only_a_staff_path),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
