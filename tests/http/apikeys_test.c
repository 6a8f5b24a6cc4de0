/*
 * apikeys_test.c - the admins' API keys page as it answers today, so a rewrite of its read path
 * shows any change: the empty page and its form; issuing a key (shown once, with the warning,
 * never again, not cached); the list (name, first characters, who issued it and when, last use,
 * revoke button); the key used by an Open311 POST (a case its number and check code find, the
 * last use shown); revoking (it stops working at once, the list says so); the audit rows; bad
 * names, missing CSRF tokens, non-admins and another office's admin refused.
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

#define ADMIN_PASSWORD "admin-password-123"
#define PAGE           "/staff/admin/api-keys"
#define REQUESTS       "/o/xinxing/open311/v2/requests.json"

static struct server server;
static struct client admin, other_admin; /* of xinxing, of kh-udd */
static char totp[64], other_totp[64];
static char key[128]; /* the key issued by test_issue_shown_once */
static long long key_id;

static void post_from_page(struct client *c, const char *path, const char *form, struct response *r)
{
  free(expect_page(&server, c, PAGE, 200)); /* the CSRF token */
  assert_int_equal(client_post(c, path, form, r), 0);
}

static void add_admin(const char *office, const char *username)
{
  harness_add_user(&server, office, username, "admin", ADMIN_PASSWORD);
}

static int setup(void **state)
{
  const char *env[] = {"BIANMIN_RATE_LOGIN=100000", "BIANMIN_RATE_PUBLIC=100000",
                       "BIANMIN_RATE_LOOKUP=100000", NULL};
  if (server_start(&server, env))
    return -1;
  add_admin("xinxing", "keys-admin");
  add_admin("kh-udd", "keys-admin-u");
  client_init(&admin, &server);
  client_init(&other_admin, &server);
  return client_login_totp(&admin, "keys-admin", ADMIN_PASSWORD, totp, sizeof(totp)) ||
                 client_login_totp(&other_admin, "keys-admin-u", ADMIN_PASSWORD, other_totp,
                                   sizeof(other_totp))
             ? -1
             : 0;
}

static int teardown(void **state)
{
  client_free(&admin);
  client_free(&other_admin);
  return server_stop(&server) == 0 ? 0 : -1;
}

static void test_empty_page(void **state)
{
  json_t *view = expect_view(&server, &admin, PAGE, 200);
  expect_text_at(view, "title", "API 金鑰");
  assert_int_equal(json_array_size(json_at(view, "keys")), 0);
  expect_text_at(view, "secret", "");
  assert_false(json_is_true(json_at(view, "revoked_notice")));
  json_decref(view);
  char *body = expect_page(&server, &admin, PAGE, 200);
  expect_contains(body, "<h1 class=\"govuk-heading-xl\">API 金鑰</h1>");
  expect_contains(body, "<p class=\"govuk-body\">尚未核發任何金鑰。</p>");
  expect_contains(body, "<form method=\"post\" action=\"/staff/admin/api-keys\" novalidate>");
  expect_contains(body, "id=\"name\" name=\"name\" type=\"text\"");
  expect_contains(body, ">核發金鑰</button>");
  expect_lacks(body, "id=\"new-key\"");
  free(body);
  body = expect_page(&server, &admin, PAGE "?lang=en", 200);
  expect_contains(body, "No keys have been issued yet.");
  free(expect_page(&server, &admin, PAGE "?lang=zh-TW", 200));
  free(body);
}

/* Issues a key named name (urlencoded); the answer's body (malloc'd) and the secret in out. */
static char *issue(const char *name, char *out, size_t size)
{
  struct response r;
  char form[160];
  snprintf(form, sizeof(form), "name=%s", name);
  post_from_page(&admin, PAGE, form, &r);
  assert_int_equal(r.status, 200);
  char *cache = response_header(&r, "Cache-Control");
  assert_non_null(cache);
  expect_contains(cache, "no-store");
  free(cache);
  static const char marker[] = "id=\"new-key\" type=\"text\" readonly value=\"";
  const char *p = strstr(r.body, marker);
  assert_non_null(p);
  p += strlen(marker);
  size_t n = strcspn(p, "\"");
  assert_true(n < size);
  memcpy(out, p, n);
  out[n] = '\0';
  char *body = r.body;
  r.body = NULL;
  response_free(&r);
  return body;
}

static void test_issue_shown_once(void **state)
{
  char *body = issue("City+1999+app", key, sizeof(key));
  assert_int_equal(strlen(key), 46);
  assert_int_equal(strncmp(key, "bm_", 3), 0);
  expect_contains(body, "<h2 class=\"govuk-notification-banner__title\" id=\"issued-title\">"
                        "已核發新金鑰</h2>");
  expect_contains(body, "<p class=\"govuk-notification-banner__heading\">City 1999 app</p>");
  expect_contains(body,
                  "請立即複製金鑰：金鑰只顯示這一次，之後無法再查看。遺失時請撤銷並另行核發。");
  free(body);
  /* Never again: not on the page, not in its JSON. */
  body = expect_page(&server, &admin, PAGE, 200);
  expect_lacks(body, key);
  expect_lacks(body, "id=\"new-key\"");
  char prefix[16], line[200];
  snprintf(prefix, sizeof(prefix), "%.10s", key);
  snprintf(line, sizeof(line), "City 1999 app<br><code class=\"bm-muted\">%s…</code>", prefix);
  expect_contains(body, line);
  expect_contains(body, "<span class=\"bm-muted\">keys-admin</span>");
  expect_contains(body, "從未使用");
  json_t *view = expect_view(&server, &admin, PAGE, 200);
  key_id = (long long)json_integer_value(json_at(view, "keys.0.id"));
  snprintf(line, sizeof(line),
           "<form method=\"post\" action=\"/staff/admin/api-keys/%lld/revoke\">", key_id);
  expect_contains(body, line);
  free(body);
  expect_text_at(view, "secret", "");
  expect_text_at(view, "keys.0.name", "City 1999 app");
  expect_text_at(view, "keys.0.prefix", prefix);
  expect_text_at(view, "keys.0.created_by", "keys-admin");
  expect_text_at(view, "keys.0.last_used_text", "");
  assert_false(json_is_true(json_at(view, "keys.0.revoked")));
  const char *created = json_text_at(view, "keys.0.created_text");
  assert_non_null(created);
  assert_non_null(strstr(created, "年")); /* a date in words, ROC year */
  char *text = json_dumps(view, 0);
  expect_lacks(text, key);
  free(text);
  json_decref(view);
  /* The other office sees none of it. */
  view = expect_view(&server, &other_admin, PAGE, 200);
  assert_int_equal(json_array_size(json_at(view, "keys")), 0);
  json_decref(view);
}

/* The key filing at another office (kh-udd): refused. */
static void refused_at_another_office(void)
{
  char body[512];
  struct response r;
  snprintf(body, sizeof(body), "api_key=%s&service_code=rent-subsidy", key);
  assert_int_equal(http_call(&server, "POST", "/o/kh-udd/open311/v2/requests.json", NULL, body,
                             strlen(body), &r),
                   0);
  assert_int_equal(r.status, 403);
  response_free(&r);
}

static void test_used_by_open311(void **state)
{
  char body[512], path[200];
  struct response r;
  assert_int_equal(strlen(key), 46); /* issued above */
  /* Refused at another office, where it is not used: its use is not recorded. */
  refused_at_another_office();
  json_t *before = expect_view(&server, &admin, PAGE, 200);
  expect_text_at(before, "keys.0.last_used_text", "");
  json_decref(before);
  snprintf(body, sizeof(body),
           "api_key=%s&service_code=sale-transfer&first_name=Mei&last_name=Chen", key);
  assert_int_equal(http_call(&server, "POST", REQUESTS, NULL, body, strlen(body), &r), 0);
  if (r.status != 200)
    fail_msg("POST requests: %ld %.1000s", r.status, r.body);
  json_t *answer = response_json(&r);
  response_free(&r);
  const char *number = json_text_at(answer, "0.service_request_id");
  const char *notice = json_text_at(answer, "0.service_notice");
  assert_non_null(number);
  assert_non_null(notice);
  assert_int_equal(strncmp(number, "115-EB01-", 9), 0);
  const char *code = strstr(notice, "進度查詢碼：");
  assert_non_null(code);
  code += strlen("進度查詢碼：");
  assert_int_equal(strspn(code, "0123456789"), 6);
  /* The case it filed: its number and check code find it. */
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%.6s", number, code);
  json_t *view = expect_view(&server, NULL, path, 200);
  expect_text_at(view, "case.case_key", number);
  expect_text_at(view, "case.channel", "api");
  expect_text_at(view, "case.service_name", "買賣移轉登記");
  json_decref(view);
  json_decref(answer);
  /* The page shows when it was last used. */
  view = expect_view(&server, &admin, PAGE, 200);
  const char *used = json_text_at(view, "keys.0.last_used_text");
  assert_non_null(used);
  assert_non_null(strstr(used, "年"));
  json_decref(view);
  char *page = expect_page(&server, &admin, PAGE, 200);
  expect_lacks(page, "從未使用");
  free(page);
  /* A key belongs to its office. */
  refused_at_another_office();
}

static void test_revoke(void **state)
{
  char path[96], body[256];
  struct response r;
  assert_true(key_id > 0);
  snprintf(path, sizeof(path), "/staff/admin/api-keys/%lld/revoke", key_id);
  /* Not by another office's admin. */
  free(expect_page(&server, &other_admin, PAGE, 200));
  assert_int_equal(client_post(&other_admin, path, "", &r), 0);
  assert_int_equal(r.status, 404);
  response_free(&r);
  post_from_page(&admin, path, "", &r);
  assert_int_equal(r.status, 303);
  char *location = response_header(&r, "Location");
  assert_non_null(location);
  assert_string_equal(location, "/staff/admin/api-keys?revoked=1");
  free(location);
  response_free(&r);
  char *page = expect_page(&server, &admin, "/staff/admin/api-keys?revoked=1", 200);
  expect_contains(page, "金鑰已撤銷，即刻失效。");
  expect_contains(page, "<strong class=\"govuk-tag govuk-tag--grey\">已撤銷</strong>");
  expect_lacks(page, "/revoke\">");
  free(page);
  json_t *view = expect_view(&server, &admin, PAGE, 200);
  assert_true(json_is_true(json_at(view, "keys.0.revoked")));
  assert_non_null(strstr(json_text_at(view, "keys.0.revoked_text"), "年"));
  json_decref(view);
  /* It stops working at once. */
  snprintf(body, sizeof(body), "api_key=%s&service_code=sale-transfer", key);
  assert_int_equal(http_call(&server, "POST", REQUESTS, NULL, body, strlen(body), &r), 0);
  assert_int_equal(r.status, 403);
  response_free(&r);
  /* Both in the audit trail. */
  view = expect_view(&server, &admin, "/staff/admin/audit?action=apikey.issue", 200);
  expect_text_at(view, "rows.0.actor", "keys-admin");
  json_decref(view);
  view = expect_view(&server, &admin, "/staff/admin/audit?action=apikey.revoke", 200);
  expect_text_at(view, "rows.0.actor", "keys-admin");
  json_decref(view);
}

static void test_refusals(void **state)
{
  struct response r;
  /* A name is needed: 400 naming the field, nothing issued. */
  post_from_page(&admin, PAGE, "name=", &r);
  assert_int_equal(r.status, 400);
  expect_contains(r.body, "govuk-error-summary");
  expect_contains(r.body, "<a href=\"#name\">");
  expect_lacks(r.body, "id=\"new-key\"");
  response_free(&r);
  /* Without the CSRF token. */
  const char *form = "name=sneaky";
  assert_int_equal(client_call(&admin, "POST", PAGE, NULL, form, strlen(form), &r), 0);
  assert_int_equal(r.status, 403);
  response_free(&r);
  char *page = expect_page(&server, &admin, PAGE, 200);
  expect_lacks(page, "sneaky");
  free(page);
  /* Not an admin. */
  struct client supervisor;
  client_init(&supervisor, &server);
  assert_int_equal(client_login(&supervisor, "xinxing-supervisor", "bianmin-demo-2026"), 303);
  free(expect_page(&server, &supervisor, PAGE, 403));
  client_free(&supervisor);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_empty_page),      cmocka_unit_test(test_issue_shown_once),
      cmocka_unit_test(test_used_by_open311), cmocka_unit_test(test_revoke),
      cmocka_unit_test(test_refusals),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
