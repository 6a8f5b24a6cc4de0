/*
 * foundation_test.c - the skeleton against a real server: home pages in both languages, JSON
 * negotiation, error pages, limits, security headers, metrics, health and shutdown.
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

#include "harness.h"

static struct server server;

static int setup(void **state)
{
  return server_start(&server, NULL);
}

static int teardown(void **state)
{
  return server_stop(&server) == 0 ? 0 : -1;
}

static void assert_header(const struct response *r, const char *name, const char *expected)
{
  char *value = response_header(r, name);
  if (!value)
    fail_msg("header %s missing", name);
  if (expected && !strstr(value, expected))
    fail_msg("header %s is \"%s\", expected it to contain \"%s\"", name, value, expected);
  free(value);
}

static void test_front_page_lists_the_demo_offices(void **state)
{
  struct response r;
  assert_int_equal(http_get(&server, "/", &r), 0);
  assert_int_equal(r.status, 200);
  expect_contains(r.body, "<html lang=\"zh-Hant-TW\"");
  expect_contains(r.body, "高雄市政府地政局新興地政事務所");
  expect_contains(r.body, "新竹市地政事務所");
  expect_contains(r.body, "鳥松區公所");
  assert_header(&r, "Content-Type", "text/html; charset=utf-8");
  response_free(&r);
}

static void test_office_home_in_both_languages(void **state)
{
  struct response r;
  assert_int_equal(http_get(&server, "/o/xinxing/", &r), 0);
  assert_int_equal(r.status, 200);
  expect_contains(r.body, "高雄市政府地政局新興地政事務所");
  expect_contains(r.body, "href=\"#main-content\"");
  expect_contains(r.body, "name=\"q\"");
  expect_contains(r.body, "登記課");
  response_free(&r);

  assert_int_equal(http_get(&server, "/o/xinxing/?lang=en", &r), 0);
  assert_int_equal(r.status, 200);
  expect_contains(r.body, "<html lang=\"en\"");
  expect_contains(r.body, "Xinxing Land Office");
  assert_header(&r, "Set-Cookie", "lang=en");
  assert_header(&r, "Content-Language", "en");
  response_free(&r);
}

static void test_language_from_cookie_and_accept_language(void **state)
{
  struct response r;
  const char *cookie[] = {"Cookie: lang=en", NULL};
  assert_int_equal(http_call(&server, "GET", "/o/anle/", cookie, NULL, 0, &r), 0);
  expect_contains(r.body, "<html lang=\"en\"");
  response_free(&r);

  const char *accept[] = {"Accept-Language: en-US,en;q=0.9", NULL};
  assert_int_equal(http_call(&server, "GET", "/o/anle/", accept, NULL, 0, &r), 0);
  expect_contains(r.body, "<html lang=\"en\"");
  response_free(&r);

  /* ?lang beats the cookie, the cookie beats Accept-Language. */
  const char *both[] = {"Cookie: lang=zh-TW", "Accept-Language: en", NULL};
  assert_int_equal(http_call(&server, "GET", "/o/anle/", both, NULL, 0, &r), 0);
  expect_contains(r.body, "<html lang=\"zh-Hant-TW\"");
  response_free(&r);
}

static void test_json_view_of_a_page(void **state)
{
  struct response r;
  const char *accept[] = {"Accept: application/json", NULL};
  assert_int_equal(http_call(&server, "GET", "/o/niaosong/?lang=en", accept, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  assert_header(&r, "Content-Type", "application/json");
  json_t *view = response_json(&r);
  assert_non_null(view);
  assert_string_equal(json_string_value(json_object_get(json_object_get(view, "office"), "slug")),
                      "niaosong");
  assert_true(json_array_size(json_object_get(view, "units")) > 0);
  assert_null(json_object_get(view, "t")); /* translations are for templates only */
  json_decref(view);
  response_free(&r);
}

static void test_not_found_page_and_json(void **state)
{
  struct response r;
  assert_int_equal(http_get(&server, "/no-such-page", &r), 0);
  assert_int_equal(r.status, 404);
  expect_contains(r.body, "<html lang=\"zh-Hant-TW\"");
  expect_contains(r.body, "找不到");
  response_free(&r);

  assert_int_equal(http_get(&server, "/o/no-such-office/?lang=en", &r), 0);
  assert_int_equal(r.status, 404);
  expect_contains(r.body, "<html lang=\"en\"");
  response_free(&r);

  const char *accept[] = {"Accept: application/json", NULL};
  assert_int_equal(http_call(&server, "GET", "/nothing?lang=en", accept, NULL, 0, &r), 0);
  assert_int_equal(r.status, 404);
  json_t *error = response_json(&r);
  assert_non_null(error);
  assert_int_equal(json_integer_value(json_object_get(error, "status")), 404);
  assert_string_equal(json_string_value(json_object_get(error, "code")), "not_found");
  assert_true(strlen(json_string_value(json_object_get(error, "message"))) > 10);
  json_decref(error);
  response_free(&r);
}

static void test_method_not_allowed(void **state)
{
  struct response r;
  assert_int_equal(http_call(&server, "DELETE", "/o/xinxing/", NULL, NULL, 0, &r), 0);
  assert_int_equal(r.status, 405);
  assert_header(&r, "Allow", "GET");
  response_free(&r);
}

static void test_body_over_the_route_cap_is_refused_before_reading(void **state)
{
  size_t len = 200 * 1024;
  char *body = malloc(len);
  memset(body, 'a', len);
  struct response r;
  assert_int_equal(http_call(&server, "GET", "/", NULL, body, len, &r), 0);
  assert_int_equal(r.status, 413);
  free(body);
  response_free(&r);
}

static void test_bad_input_gets_400_without_reflection(void **state)
{
  struct response r;
  assert_int_equal(http_get(&server, "/o/xinxing/search?q=%FF%FE", &r), 0);
  assert_int_equal(r.status, 400);
  response_free(&r);

  assert_int_equal(http_get(&server, "/o/xinxing/search?q=%3Cscript%3Ealert(1)%3C/script%3E", &r),
                   0);
  assert_int_equal(r.status, 200);
  assert_null(strstr(r.body, "<script>alert(1)"));
  expect_contains(r.body, "&lt;script&gt;");
  response_free(&r);
}

static void test_search_finds_units_by_duty(void **state)
{
  struct response r;
  const char *accept[] = {"Accept: application/json", NULL};
  assert_int_equal(
      http_call(&server, "GET", "/o/xinxing/search?q=%E7%99%BB%E8%A8%98", accept, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  json_t *view = response_json(&r);
  assert_true(json_integer_value(json_object_get(view, "count")) >= 1);
  json_decref(view);
  response_free(&r);
}

static void test_security_headers(void **state)
{
  struct response r;
  assert_int_equal(http_get(&server, "/", &r), 0);
  assert_header(&r, "Content-Security-Policy", "script-src 'self'");
  assert_header(&r, "Content-Security-Policy", "frame-ancestors 'none'");
  assert_header(&r, "X-Content-Type-Options", "nosniff");
  assert_header(&r, "Referrer-Policy", "same-origin");
  assert_header(&r, "X-Request-Id", NULL);
  char *csp = response_header(&r, "Content-Security-Policy");
  assert_null(strstr(csp, "unsafe-inline"));
  free(csp);
  response_free(&r);
}

/* The count of requests for route "/" with status 200 in /metrics; *in_flight receives the
 * requests in flight, this one included. */
static long front_page_count(long *in_flight)
{
  struct response r;
  assert_int_equal(http_get(&server, "/metrics", &r), 0);
  assert_int_equal(r.status, 200);
  const char *line = strstr(r.body, "bianmin_http_requests_total{route=\"/\",status=\"200\"} ");
  long n = line ? strtol(strchr(line, '}') + 2, NULL, 10) : 0;
  const char *gauge = strstr(r.body, "\nbianmin_http_requests_in_flight ");
  assert_non_null(gauge);
  *in_flight = strtol(gauge + strlen("\nbianmin_http_requests_in_flight "), NULL, 10);
  response_free(&r);
  return n;
}

static bool front_page_counted(void *count)
{
  long in_flight;
  *(long *)count = front_page_count(&in_flight);
  return in_flight == 1;
}

/* A request is counted just after its answer is sent, and only then leaves the in-flight gauge:
 * a /metrics answer that shows itself as the only request in flight has counted every request
 * answered before it. Waits for such an answer. */
static long settled_front_page_count(void)
{
  long count = 0;
  assert_true(harness_wait_until(front_page_counted, &count, "no other request in flight"));
  return count;
}

static void test_metrics_count_requests(void **state)
{
  long before = settled_front_page_count();
  struct response r;
  for (int i = 0; i < 3; i++) {
    assert_int_equal(http_get(&server, "/", &r), 0);
    response_free(&r);
  }
  assert_int_equal(settled_front_page_count(), before + 3);
}

static void test_health_and_readiness(void **state)
{
  struct response r;
  assert_int_equal(http_get(&server, "/healthz", &r), 0);
  assert_int_equal(r.status, 200);
  response_free(&r);
  assert_int_equal(http_get(&server, "/readyz", &r), 0);
  assert_int_equal(r.status, 200);
  response_free(&r);
}

static void test_static_files_and_traversal(void **state)
{
  struct response r;
  assert_int_equal(http_get(&server, "/static/favicon.svg", &r), 0);
  assert_int_equal(r.status, 200);
  assert_header(&r, "Content-Type", "image/svg+xml");
  response_free(&r);
  assert_int_equal(http_get(&server, "/static/../CMakeLists.txt", &r), 0);
  assert_int_equal(r.status, 404);
  response_free(&r);
  assert_int_equal(http_get(&server, "/static/%2e%2e/CMakeLists.txt", &r), 0);
  assert_int_equal(r.status, 404);
  response_free(&r);
}

static void test_head_answers_without_body(void **state)
{
  struct response r;
  assert_int_equal(http_call(&server, "HEAD", "/o/xinxing/", NULL, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  assert_int_equal(r.len, 0);
  response_free(&r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_front_page_lists_the_demo_offices),
      cmocka_unit_test(test_office_home_in_both_languages),
      cmocka_unit_test(test_language_from_cookie_and_accept_language),
      cmocka_unit_test(test_json_view_of_a_page),
      cmocka_unit_test(test_not_found_page_and_json),
      cmocka_unit_test(test_method_not_allowed),
      cmocka_unit_test(test_body_over_the_route_cap_is_refused_before_reading),
      cmocka_unit_test(test_bad_input_gets_400_without_reflection),
      cmocka_unit_test(test_search_finds_units_by_duty),
      cmocka_unit_test(test_security_headers),
      cmocka_unit_test(test_metrics_count_requests),
      cmocka_unit_test(test_health_and_readiness),
      cmocka_unit_test(test_static_files_and_traversal),
      cmocka_unit_test(test_head_answers_without_body),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
