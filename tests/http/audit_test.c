/*
 * audit_test.c - the admins' audit trail page as it answers today, so a rewrite of its read path
 * shows any change: the search form, rows newest first with when, who, from where, what and on
 * what; a staff member's view of a case appears as a person.view row naming the case; filters by
 * action and person, pages of 50 with a link to older rows; only the admin's own office; bad
 * filters refused; non-admins refused.
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
#define PASSWORD       "bianmin-demo-2026"

enum { PAGE = 50 };

static struct server server;
static struct client admin, clerk;
static char totp[64];
static long long case_id;
static char case_key[32];

/* The clerk takes a case in; its id and key. */
static int take_in(void)
{
  struct response r;
  if (client_get(&clerk, "/staff/intake?service=1", &r))
    return -1;
  response_free(&r);
  if (client_post(&clerk, "/staff/intake",
                  "service_id=1&applicant_name=%E7%8E%8B%E5%A4%A7%E6%98%8E&notify=none", &r) ||
      r.status != 303)
    return -1;
  char *location = response_header(&r, "Location");
  response_free(&r);
  case_id = location ? strtoll(location + strlen("/staff/cases/"), NULL, 10) : 0;
  free(location);
  char path[64];
  long status = 0;
  snprintf(path, sizeof(path), "/staff/cases/%lld", case_id);
  json_t *view = get_json_view(&server, &clerk, path, &status);
  snprintf(case_key, sizeof(case_key), "%s",
           json_text_at(view, "case.case_key") ? json_text_at(view, "case.case_key") : "");
  json_decref(view);
  return case_id > 0 && case_key[0] ? 0 : -1;
}

static int setup(void **state)
{
  const char *env[] = {"BIANMIN_RATE_LOGIN=100000", NULL};
  if (server_start(&server, env))
    return -1;
  const char *args[] = {"user",   "add",  "--office", "xinxing", "--username",  "audit-admin",
                        "--name", "稽核", "--roles",  "admin",   "--no-expire", NULL};
  const char *pw[] = {"BIANMIN_PASSWORD=" ADMIN_PASSWORD, NULL};
  if (server_cli_env(&server, args, pw) != 0)
    return -1;
  client_init(&admin, &server);
  client_init(&clerk, &server);
  if (client_login_totp(&admin, "audit-admin", ADMIN_PASSWORD, totp, sizeof(totp)) ||
      client_login(&clerk, "xinxing-clerk", PASSWORD) != 303)
    return -1;
  return take_in();
}

static int teardown(void **state)
{
  client_free(&admin);
  client_free(&clerk);
  return server_stop(&server) == 0 ? 0 : -1;
}

/* "2026-03-02T01:00:00Z": the shape of a row's time. */
static void assert_iso_time(const char *at)
{
  static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
  assert_non_null(at);
  assert_int_equal(strlen(at), strlen(shape));
  for (size_t i = 0; shape[i]; i++)
    if (shape[i] == 'd' ? (at[i] < '0' || at[i] > '9') : at[i] != shape[i])
      fail_msg("\"%s\" is not an ISO time", at);
}

static void test_search_page(void **state)
{
  json_t *view = expect_view(&server, &admin, "/staff/admin/audit", 200);
  expect_text_at(view, "title", "稽核紀錄");
  expect_text_at(view, "filter.action", "");
  expect_text_at(view, "filter.actor", "");
  json_t *rows = json_at(view, "rows");
  assert_true(json_array_size(rows) > 0);
  json_t *row;
  size_t i;
  long long last = 0;
  bool own_login = false;
  json_array_foreach(rows, i, row)
  {
    long long id = (long long)json_integer_value(json_at(row, "id"));
    assert_true(i == 0 || id < last); /* newest first */
    last = id;
    assert_iso_time(json_text_at(row, "at"));
    static const char *const fields[] = {"actor",       "ip",        "action",
                                         "object_kind", "object_id", "detail"};
    for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++)
      assert_non_null(json_text_at(row, fields[f]));
    own_login = own_login || (!strcmp(json_text_at(row, "action"), "auth.login") &&
                              !strcmp(json_text_at(row, "actor"), "audit-admin") &&
                              !strcmp(json_text_at(row, "object_kind"), "user") &&
                              !strcmp(json_text_at(row, "ip"), "127.0.0.1"));
  }
  assert_true(own_login);
  json_decref(view);
  char *body = expect_page(&server, &admin, "/staff/admin/audit", 200);
  expect_contains(body, "<h1 class=\"govuk-heading-xl\">稽核紀錄</h1>");
  expect_contains(body, "<form method=\"get\" action=\"/staff/admin/audit\" class=\"bm-filter\">");
  expect_contains(body, "id=\"action\" name=\"action\" type=\"text\" value=\"\"");
  expect_contains(body, "id=\"actor\" name=\"actor\" type=\"text\" value=\"\"");
  expect_contains(body, ">登入 <code class=\"bm-muted\">auth.login</code>"); /* in words */
  free(body);
  body = expect_page(&server, &admin, "/staff/admin/audit?lang=en", 200);
  expect_contains(body, "<h1 class=\"govuk-heading-xl\">Audit trail</h1>");
  free(expect_page(&server, &admin, "/staff/admin/audit?lang=zh-TW", 200));
  free(body);
}

/* The clerk's person.view rows on the page of the filter (new reference). */
static json_t *person_views(const char *extra)
{
  char path[160];
  snprintf(path, sizeof(path), "/staff/admin/audit?action=person.view&actor=xinxing-clerk%s",
           extra);
  return expect_view(&server, &admin, path, 200);
}

/* The clerk opens the case's page at suffix ("" or "/receipt"): exactly one person.view row
 * more, newer than the newest before; the filtered view after it (new reference). */
static json_t *one_more_view(const char *suffix)
{
  json_t *before = person_views("");
  size_t n = json_array_size(json_at(before, "rows"));
  long long newest = (long long)json_integer_value(json_at(before, "rows.0.id"));
  json_decref(before);
  char path[80];
  snprintf(path, sizeof(path), "/staff/cases/%lld%s", case_id, suffix);
  free(expect_page(&server, &clerk, path, 200));
  json_t *after = person_views("");
  assert_int_equal(json_array_size(json_at(after, "rows")), n + 1);
  assert_true(json_integer_value(json_at(after, "rows.0.id")) > newest);
  expect_text_at(after, "rows.0.object_id", case_key);
  return after;
}

static void test_case_view_is_a_person_view_row(void **state)
{
  json_t *after = one_more_view("");
  expect_text_at(after, "rows.0.action", "person.view");
  expect_text_at(after, "rows.0.actor", "xinxing-clerk");
  expect_text_at(after, "rows.0.object_kind", "case");
  expect_text_at(after, "rows.0.ip", "127.0.0.1");
  expect_text_at(after, "filter.action", "person.view");
  expect_text_at(after, "filter.actor", "xinxing-clerk");
  json_decref(after);
  char *body = expect_page(&server, &admin,
                           "/staff/admin/audit?action=person.view&actor=xinxing-clerk", 200);
  expect_contains(body, "檢視申請人個資 <code class=\"bm-muted\">person.view</code>");
  expect_contains(body, case_key);
  expect_contains(body, "value=\"person.view\"");
  free(body);
}

/* The printed receipt shows the applicant (masked, but read unsealed): a person.view row too. */
static void test_receipt_is_a_person_view_row(void **state)
{
  json_decref(one_more_view("/receipt"));
}

static void test_pages_of_fifty(void **state)
{
  char path[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld", case_id);
  for (int i = 0; i < PAGE + 5; i++)
    free(expect_page(&server, &clerk, path, 200));
  json_t *first = person_views("");
  assert_int_equal(json_array_size(json_at(first, "rows")), PAGE);
  long long last = (long long)json_integer_value(json_at(first, "rows.49.id"));
  char older[160];
  snprintf(older, sizeof(older),
           "/staff/admin/audit?action=person.view&actor=xinxing-clerk&before=%lld", last);
  expect_text_at(first, "older_href", older);
  json_decref(first);
  json_t *second = expect_view(&server, &admin, older, 200);
  size_t n = json_array_size(json_at(second, "rows"));
  assert_true(n >= 5 && n < PAGE);
  assert_true(json_integer_value(json_at(second, "rows.0.id")) < last);
  assert_null(json_text_at(second, "older_href")); /* the last page */
  json_decref(second);
  char *body = expect_page(&server, &admin,
                           "/staff/admin/audit?action=person.view&actor=xinxing-clerk", 200);
  expect_contains(body, "<a class=\"govuk-link\" href=\"/staff/admin/audit?action=person.view"
                        "&amp;actor=xinxing-clerk&amp;before=");
  expect_contains(body, "\">較早的紀錄</a>");
  free(body);
}

static void test_own_office_only_and_refusals(void **state)
{
  /* Another office's staff sign in: not in this office's trail. */
  struct client other;
  client_init(&other, &server);
  assert_int_equal(client_login(&other, "hsinchu-clerk", PASSWORD), 303);
  client_free(&other);
  json_t *view = expect_view(&server, &admin, "/staff/admin/audit?actor=hsinchu-clerk", 200);
  assert_int_equal(json_array_size(json_at(view, "rows")), 0);
  json_decref(view);
  view =
      expect_view(&server, &admin, "/staff/admin/audit?actor=xinxing-clerk&action=auth.login", 200);
  assert_true(json_array_size(json_at(view, "rows")) >= 1);
  expect_text_at(view, "rows.0.object_id", "xinxing-clerk");
  json_decref(view);
  /* Malformed filters. */
  char path[200];
  snprintf(path, sizeof(path), "/staff/admin/audit?action=%065d", 0);
  free(expect_page(&server, &admin, path, 400));
  free(expect_page(&server, &admin, "/staff/admin/audit?before=abc", 400));
  free(expect_page(&server, &admin, "/staff/admin/audit?before=0", 400));
  /* Not an admin. */
  free(expect_page(&server, &clerk, "/staff/admin/audit", 403));
  struct client analyst;
  client_init(&analyst, &server);
  assert_int_equal(client_login(&analyst, "xinxing-analyst", PASSWORD), 303);
  free(expect_page(&server, &analyst, "/staff/admin/audit", 403));
  client_free(&analyst);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_search_page),
      cmocka_unit_test(test_case_view_is_a_person_view_row),
      cmocka_unit_test(test_receipt_is_a_person_view_row),
      cmocka_unit_test(test_pages_of_fifty),
      cmocka_unit_test(test_own_office_only_and_refusals),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
