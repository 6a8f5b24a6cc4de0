/*
 * check_lock_test.c - the per-case check-code lock (issue 21): after 10 wrong check codes for
 * one case number in a Taipei day, the lookup by number and check code of that case answers
 * "locked until midnight" to every code, the right one included, on the page and in the JSON
 * API, while the QR link /p/<token> keeps working; the lock ends when the day does; staff see
 * it on the case page and may lift it (audited); a day's wrong codes do not carry over to the
 * next day. Also: answers with personal data are sent with Cache-Control: no-store.
 *
 * The server reads the fake clock (BIANMIN_FAKE_CLOCK), started at Monday 2 March 2026, 09:00
 * in Taipei; the per-address limit is raised so that only the per-case lock is seen.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define PASSWORD "bianmin-demo-2026"
#define START    1772413200 /* 2026-03-02T01:00:00Z = 09:00 in Taipei, a working Monday */
#define NAME     "%E9%BB%83%E5%A4%A7%E5%90%8C" /* 黃大同 */
#define LOCKED_ZH                                                                                  \
  "此案號今日檢查碼輸入錯誤次數過多，以案號及檢查碼查詢已暫停至今日午夜（臺灣時間）。"
#define LOCKED_EN "looking it up by case number and check code is paused until midnight"

static struct server server;
static struct client clerk, admin;

/* Takes a sale transfer in for 黃大同 at the counter. */
static void take_in(struct taken_case *out)
{
  harness_take_in(
      &clerk, "service_id=1&applicant_name=" NAME "&applicant_phone=0912345678&notify=sms&doc_0=x",
      out);
  assert_int_equal(strlen(out->check), 6);
}

/* A check code of the same shape that is not the case's: the n-th of a series. */
static void wrong_code(const struct taken_case *t, int n, char out[8])
{
  snprintf(out, 8, "%06ld", (strtol(t->check, NULL, 10) + 1 + n) % 1000000);
}

static long lookup(const struct taken_case *t, const char *code, char **body)
{
  char path[160];
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", t->key, code);
  struct response r;
  assert_int_equal(http_get(&server, path, &r), 0);
  long status = r.status;
  if (body)
    *body = strdup(r.body ? r.body : "");
  response_free(&r);
  return status;
}

static void guess_wrong(const struct taken_case *t, int count, int from)
{
  char code[8];
  for (int i = 0; i < count; i++) {
    wrong_code(t, from + i, code);
    assert_int_equal(lookup(t, code, NULL), 404);
  }
}

static long api_lookup(const struct taken_case *t, const char *code)
{
  char path[160];
  snprintf(path, sizeof(path), "/api/v1/offices/xinxing/cases/%s?check_code=%s", t->key, code);
  long status = 0;
  json_t *body = get_json_view(&server, NULL, path, &status);
  if (status == 429)
    expect_text_at(body, "code", "locked");
  json_decref(body);
  return status;
}

static json_t *check_lock_of(const struct taken_case *t)
{
  char path[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld", t->id);
  json_t *view = expect_view(&server, &clerk, path, 200);
  json_t *lock = json_deep_copy(json_at(view, "case.check_lock"));
  json_decref(view);
  return lock;
}

/* Moves the clock to t and signs staff in again (their sessions end after 30 idle minutes). */
static void at(time_t t)
{
  harness_clock_set(t);
  assert_int_equal(client_login(&clerk, "xinxing-clerk", PASSWORD), 303);
}

static int setup(void **state)
{
  const char *env[] = {"BIANMIN_RATE_LOGIN=100000", "BIANMIN_RATE_LOOKUP=100000", NULL};
  if (harness_clock_start(START) || server_start(&server, env))
    return -1;
  client_init(&clerk, &server);
  client_init(&admin, &server);
  if (client_login(&clerk, "xinxing-clerk", PASSWORD) != 303)
    return -1;
  return 0;
}

static int teardown(void **state)
{
  client_free(&clerk);
  client_free(&admin);
  return server_stop(&server) == 0 ? 0 : -1;
}

/* Ten wrong codes lock the number + code lookup for the rest of the day, right code or not;
 * the QR link still works; the next day the right code works again. */
static void test_locked_until_the_day_ends(void **state)
{
  struct taken_case t;
  char *body = NULL, code[8], path[160];
  at(START);
  take_in(&t);
  assert_int_equal(lookup(&t, t.check, NULL), 200);
  guess_wrong(&t, 10, 0);
  assert_int_equal(lookup(&t, t.check, &body), 429);
  expect_contains(body, LOCKED_ZH);
  expect_lacks(body, "黃○同");
  free(body);
  /* nothing tells a right code from a wrong one */
  wrong_code(&t, 99, code);
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", t.key, t.check);
  json_t *right_view = expect_view(&server, NULL, path, 429);
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", t.key, code);
  json_t *wrong_view = expect_view(&server, NULL, path, 429);
  assert_true(json_equal(json_at(right_view, "errors"), json_at(wrong_view, "errors")));
  expect_text_at(right_view, "form.check", ""); /* the code typed is not echoed */
  expect_text_at(wrong_view, "form.check", "");
  assert_null(json_at(right_view, "case"));
  json_decref(right_view);
  json_decref(wrong_view);
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s&lang=en", t.key, t.check);
  body = expect_page(&server, NULL, path, 429);
  expect_contains(body, LOCKED_EN);
  free(body);
  assert_int_equal(api_lookup(&t, t.check), 429);
  snprintf(path, sizeof(path), "/p/%s", t.token);
  body = expect_page(&server, NULL, path, 200);
  expect_contains(body, "黃○同");
  free(body);
  json_t *lock = check_lock_of(&t);
  assert_true(json_is_true(json_at(lock, "locked")));
  assert_int_equal(json_integer_value(json_at(lock, "failures")), 10);
  json_decref(lock);
  harness_clock_set(START + 15 * 3600 - 1); /* 23:59:59 in Taipei: still locked */
  assert_int_equal(lookup(&t, t.check, NULL), 429);
  at(START + 15 * 3600); /* midnight */
  assert_int_equal(lookup(&t, t.check, NULL), 200);
  assert_int_equal(api_lookup(&t, t.check), 200);
  assert_null(check_lock_of(&t));
  at(START);
}

/* Nine wrong codes one day and nine the next lock nothing: the count is per day. */
static void test_count_is_per_day(void **state)
{
  struct taken_case t;
  at(START);
  take_in(&t);
  guess_wrong(&t, 9, 0);
  json_t *lock = check_lock_of(&t);
  assert_false(json_is_true(json_at(lock, "locked")));
  assert_int_equal(json_integer_value(json_at(lock, "failures")), 9);
  json_decref(lock);
  at(START + 24 * 3600);
  guess_wrong(&t, 9, 9);
  assert_int_equal(lookup(&t, t.check, NULL), 200);
  guess_wrong(&t, 1, 18); /* the tenth of that day */
  assert_int_equal(lookup(&t, t.check, NULL), 429);
  assert_int_equal(api_lookup(&t, t.check), 429);
  at(START);
}

/* Staff lift the lock; the timeline and the audit trail say who did; lifting what is not
 * locked is refused. */
static void test_staff_lift_the_lock(void **state)
{
  struct taken_case t;
  struct response r;
  char path[96];
  at(START);
  take_in(&t);
  snprintf(path, sizeof(path), "/staff/cases/%lld/check-unlock", t.id);
  assert_int_equal(client_post(&clerk, path, "", &r), 0);
  assert_int_equal(r.status, 400);
  response_free(&r);
  guess_wrong(&t, 10, 0);
  char code[8];
  for (int i = 10; i < 12; i++) { /* wrong codes while locked are not counted */
    wrong_code(&t, i, code);
    assert_int_equal(lookup(&t, code, NULL), 429);
  }
  json_t *lock = check_lock_of(&t);
  assert_int_equal(json_integer_value(json_at(lock, "failures")), 10);
  assert_true(json_is_true(json_at(lock, "may_lift"))); /* the clerk may act on the case */
  json_decref(lock);
  snprintf(path, sizeof(path), "/staff/cases/%lld", t.id);
  char *page = expect_page(&server, &clerk, path, 200);
  expect_contains(page, "id=\"check-lock\"");
  expect_contains(page, "解除鎖定");
  free(page);
  snprintf(path, sizeof(path), "/staff/cases/%lld/check-unlock", t.id);
  assert_int_equal(client_post(&clerk, path, "", &r), 0);
  assert_int_equal(r.status, 303);
  response_free(&r);
  assert_int_equal(lookup(&t, t.check, NULL), 200);
  assert_null(check_lock_of(&t));
  char secret[64] = ""; /* administrators sign in with a second factor */
  harness_add_user(&server, "xinxing", "lock-admin", "admin", "counter-lamp-river-7");
  assert_int_equal(
      client_login_totp(&admin, "lock-admin", "counter-lamp-river-7", secret, sizeof(secret)), 0);
  json_t *audit = expect_view(&server, &admin, "/staff/admin/audit?action=case.check_unlock", 200);
  char *text = json_dumps(audit, 0);
  expect_contains(text, t.key);
  expect_contains(text, "xinxing-clerk");
  free(text);
  json_decref(audit);
  snprintf(path, sizeof(path), "/staff/cases/%lld", t.id);
  json_t *view = expect_view(&server, &clerk, path, 200);
  text = json_dumps(json_at(view, "case.events"), 0);
  expect_contains(text, "check_unlocked");
  free(text);
  json_decref(view);
}

/* Personal data is never kept by a cache: staff pages, the progress result, /p/<token>, the
 * API's case answer and the receipt are "no-store"; a public catalogue page is not. */
static void test_no_store(void **state)
{
  struct taken_case t;
  struct response r;
  char paths[4][160];
  at(START);
  take_in(&t);
  snprintf(paths[0], sizeof(paths[0]), "/o/xinxing/progress?number=%s&check=%s", t.key, t.check);
  snprintf(paths[1], sizeof(paths[1]), "/p/%s", t.token);
  snprintf(paths[2], sizeof(paths[2]), "/api/v1/offices/xinxing/cases/%s?check_code=%s", t.key,
           t.check);
  snprintf(paths[3], sizeof(paths[3]), "/p/%s/qr.svg", t.token);
  for (size_t i = 0; i < 4; i++) {
    assert_int_equal(http_get(&server, paths[i], &r), 0);
    assert_int_equal(r.status, 200);
    char *cc = response_header(&r, "Cache-Control");
    assert_non_null(cc);
    assert_string_equal(cc, "no-store");
    free(cc);
    if (i == 2) { /* API answers are downloads, never pages (docs/security.md V14.4.2) */
      char *disposition = response_header(&r, "Content-Disposition");
      assert_non_null(disposition);
      assert_string_equal(disposition, "attachment; filename=\"api.json\"");
      free(disposition);
    }
    response_free(&r);
  }
  const char *staff[] = {"/staff/", "/staff/cases", NULL};
  char receipt[96];
  snprintf(receipt, sizeof(receipt), "/staff/cases/%lld/receipt?t=%s", t.id, t.token);
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(client_get(&clerk, i < 2 ? staff[i] : receipt, &r), 0);
    assert_int_equal(r.status, 200);
    char *cc = response_header(&r, "Cache-Control");
    assert_non_null(cc);
    assert_string_equal(cc, "no-store");
    free(cc);
    response_free(&r);
  }
  assert_int_equal(http_get(&server, "/o/xinxing/", &r), 0);
  char *cc = response_header(&r, "Cache-Control");
  assert_non_null(cc);
  assert_string_equal(cc, "no-cache");
  free(cc);
  response_free(&r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_locked_until_the_day_ends),
      cmocka_unit_test(test_count_is_per_day),
      cmocka_unit_test(test_staff_lift_the_lock),
      cmocka_unit_test(test_no_store),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
