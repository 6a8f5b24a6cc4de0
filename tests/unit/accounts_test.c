/*
 * accounts_test.c - the accounts domain without HTTP: roles, the password rules, sign-in
 * outcomes, growing locks, session expiry, disabling, password changes ending sessions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "domain/accounts.h"
#include "domain/keys.h"
#include "store/store.h"

#include "base/common.h"

#define PASSWORD "correct horse battery"

struct fixture {
  char dir[64];
  struct store *store;
  int64_t office_id, user_id;
};

static const struct audit_actor cli = {0, 0, "test", "cli"};

static int setup(void **state)
{
  struct fixture *f = calloc(1, sizeof(*f));
  char path[96], err[256];
  snprintf(f->dir, sizeof(f->dir), "/tmp/bianmin-accounts-XXXXXX");
  if (!mkdtemp(f->dir))
    return -1;
  snprintf(path, sizeof(path), "%s/db", f->dir);
  if (store_open(path, &f->store, err, sizeof(err)) || store_migrate(f->store, NULL))
    return -1;
  json_t *office = json_pack("{s:s, s:s, s:s}", "slug", "t", "name_zh", "測試所", "kind", "land");
  int rc = store_office_put(f->store, office, &f->office_id);
  json_decref(office);
  struct account_fields fields = {f->office_id, 0, "wang.xm", "王小明", "", ROLE_HANDLER};
  const char *reason = NULL;
  if (rc || accounts_create(f->store, &cli, &fields, PASSWORD, &f->user_id, &reason))
    return -1;
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  struct fixture *f = *state;
  store_close(f->store);
  char cmd[96];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
  int rc = system(cmd);
  free(f);
  return rc;
}

static void test_roles_round_trip(void **state)
{
  unsigned roles;
  char text[64];
  assert_int_equal(roles_parse("clerk,supervisor", &roles), ST_OK);
  assert_int_equal(roles, ROLE_CLERK | ROLE_SUPERVISOR);
  assert_int_equal(roles_format(roles, text, sizeof(text)), ST_OK);
  assert_string_equal(text, "clerk,supervisor");
  assert_int_equal(roles_parse("clerk,root", &roles), ST_INVALID);
  assert_int_equal(roles_parse("", &roles), ST_INVALID);
}

static void test_password_rules(void **state)
{
  const char *reason;
  assert_int_equal(accounts_password_policy("short", &reason), ST_INVALID);
  assert_string_equal(reason, "account_err_password_short");
  /* twelve Chinese characters are twelve characters, not thirty-six bytes; eleven are short */
  assert_int_equal(accounts_password_policy("我的密碼是很長很長的一句", &reason), ST_OK);
  assert_int_equal(accounts_password_policy("我的密碼是很長的一句話", &reason), ST_INVALID);
  assert_string_equal(reason, "account_err_password_short");
  assert_int_equal(accounts_password_policy("eleven-char", &reason), ST_INVALID);
  assert_int_equal(accounts_password_policy("bad\x01password", &reason), ST_INVALID);
}

static void test_sign_in_outcomes_and_growing_lock(void **state)
{
  struct fixture *f = *state;
  struct login_result r;
  const struct accounts_policy *p = &accounts_default_policy;
  time_t now = 1800000000;
  assert_int_equal(accounts_login(f->store, p, "wang.xm", PASSWORD, "10.0.0.1", now, &r), ST_OK);
  assert_int_equal(r.outcome, LOGIN_OK);
  for (int i = 0; i < p->user_lock_after - 1; i++) {
    assert_int_equal(accounts_login(f->store, p, "wang.xm", "nope-nope-nope", "10.0.0.1", now, &r),
                     ST_OK);
    assert_int_equal(r.outcome, LOGIN_REFUSED);
  }
  assert_int_equal(accounts_login(f->store, p, "wang.xm", "nope-nope-nope", "10.0.0.1", now, &r),
                   ST_OK);
  assert_int_equal(r.outcome, LOGIN_LOCKED);
  assert_int_equal(r.retry_minutes, 1);
  /* locked: the right password is refused too, until the lock ends */
  assert_int_equal(accounts_login(f->store, p, "wang.xm", PASSWORD, "10.0.0.1", now + 30, &r),
                   ST_OK);
  assert_int_equal(r.outcome, LOGIN_LOCKED);
  /* one more failure after the lock doubles it */
  assert_int_equal(accounts_login(f->store, p, "wang.xm", "nope-nope", "10.0.0.1", now + 61, &r),
                   ST_OK);
  assert_int_equal(r.outcome, LOGIN_LOCKED);
  assert_int_equal(r.retry_minutes, 2);
  assert_int_equal(accounts_login(f->store, p, "wang.xm", PASSWORD, "10.0.0.2", now + 200, &r),
                   ST_OK);
  assert_int_equal(r.outcome, LOGIN_OK);
}

static void test_unknown_user_behaves_like_a_known_one(void **state)
{
  struct fixture *f = *state;
  struct login_result r;
  time_t now = 1800000000;
  for (int i = 0; i < 5; i++)
    assert_int_equal(accounts_login(f->store, &accounts_default_policy, "nobody", "x-x-x-x-x",
                                    "10.0.0.3", now, &r),
                     ST_OK);
  assert_int_equal(r.outcome, LOGIN_LOCKED);
}

static void test_session_expiry(void **state)
{
  struct fixture *f = *state;
  struct login_result r;
  json_t *session;
  const struct accounts_policy *p = &accounts_default_policy;
  time_t now = 1800000000;
  assert_int_equal(accounts_login(f->store, p, "wang.xm", PASSWORD, "10.0.0.1", now, &r), ST_OK);
  assert_int_equal(accounts_session(f->store, p, r.token, now + 60, &session), ST_OK);
  json_decref(session);
  /* used a minute ago: idle time counts from then */
  assert_int_equal(accounts_session(f->store, p, r.token, now + 60 + p->idle_seconds - 1, &session),
                   ST_OK);
  json_decref(session);
  assert_int_equal(accounts_session(f->store, p, r.token, now + 60 + 2 * p->idle_seconds, &session),
                   ST_NOTFOUND);
  assert_int_equal(accounts_session(f->store, p, "not-a-token", now, &session), ST_NOTFOUND);
}

static void test_absolute_expiry_even_when_busy(void **state)
{
  struct fixture *f = *state;
  struct login_result r;
  json_t *session;
  const struct accounts_policy *p = &accounts_default_policy;
  time_t now = 1800000000, t;
  assert_int_equal(accounts_login(f->store, p, "wang.xm", PASSWORD, "10.0.0.1", now, &r), ST_OK);
  for (t = now; t < now + p->absolute_seconds - 600; t += 600) {
    assert_int_equal(accounts_session(f->store, p, r.token, t, &session), ST_OK);
    json_decref(session);
  }
  assert_int_equal(accounts_session(f->store, p, r.token, now + p->absolute_seconds, &session),
                   ST_NOTFOUND);
}

static void test_disable_and_password_change_end_sessions(void **state)
{
  struct fixture *f = *state;
  struct login_result r;
  json_t *session;
  const struct accounts_policy *p = &accounts_default_policy;
  time_t now = time(NULL);
  const char *reason;
  assert_int_equal(accounts_login(f->store, p, "wang.xm", PASSWORD, "10.0.0.1", now, &r), ST_OK);
  assert_int_equal(accounts_change_password(f->store, &cli, f->user_id, "wrong", "new password 1",
                                            "new password 1", &reason),
                   ST_INVALID);
  assert_string_equal(reason, "account_err_current_password");
  assert_int_equal(accounts_change_password(f->store, &cli, f->user_id, PASSWORD, "new password 1",
                                            "new password 1", &reason),
                   ST_OK);
  assert_int_equal(accounts_session(f->store, p, r.token, now, &session), ST_NOTFOUND);
  assert_int_equal(accounts_login(f->store, p, "wang.xm", "new password 1", "10.0.0.1", now, &r),
                   ST_OK);
  assert_int_equal(r.outcome, LOGIN_OK);
  assert_int_equal(accounts_set_disabled(f->store, &cli, f->user_id, true), ST_OK);
  assert_int_equal(accounts_session(f->store, p, r.token, now, &session), ST_NOTFOUND);
  assert_int_equal(accounts_login(f->store, p, "wang.xm", "new password 1", "10.0.0.1", now, &r),
                   ST_OK);
  assert_int_equal(r.outcome, LOGIN_REFUSED);
}

static void test_bad_account_fields_change_nothing(void **state)
{
  struct fixture *f = *state;
  const char *reason;
  int64_t id;
  json_t *users;
  struct account_fields bad[] = {
      {f->office_id, 0, "UPPER", "名字", "", ROLE_CLERK},
      {f->office_id, 0, "ok.name", "", "", ROLE_CLERK},
      {f->office_id, 0, "ok.name", "名字", "not-an-email", ROLE_CLERK},
      {f->office_id, 0, "ok.name", "名字", "", 0},
      {f->office_id, 0, "wang.xm", "名字", "", ROLE_CLERK},
  };
  for (size_t i = 0; i < ARRAY_LEN(bad); i++)
    assert_int_not_equal(accounts_create(f->store, &cli, &bad[i], PASSWORD, &id, &reason), ST_OK);
  assert_int_equal(store_user_list(f->store, f->office_id, &users), ST_OK);
  assert_int_equal(json_array_size(users), 1);
  json_decref(users);
}

int main(void)
{
  if (keys_load_hex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"))
    return 1;
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(test_roles_round_trip),
      T(test_password_rules),
      T(test_sign_in_outcomes_and_growing_lock),
      T(test_unknown_user_behaves_like_a_known_one),
      T(test_session_expiry),
      T(test_absolute_expiry_even_when_busy),
      T(test_disable_and_password_change_end_sessions),
      T(test_bad_account_fields_change_nothing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
