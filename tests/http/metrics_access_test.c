/*
 * metrics_access_test.c - /metrics answers only the addresses of [server] metrics_from
 * (loopback by default), like an operator endpoint should; behind a trusted proxy the
 * forwarded client address is the one checked.
 */
#include <curl/curl.h>
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

/* GET /metrics from source address from (NULL: the default, 127.0.0.1) with extra headers. */
static long metrics_status(struct server *server, const char *from, const char *const *headers,
                           char **body)
{
  struct client c;
  struct response r;
  client_init(&c, server);
  if (from)
    curl_easy_setopt(c.curl, CURLOPT_INTERFACE, from);
  assert_int_equal(client_call(&c, "GET", "/metrics", headers, NULL, 0, &r), 0);
  long status = r.status;
  if (body)
    *body = strdup(r.body ? r.body : "");
  response_free(&r);
  client_free(&c);
  return status;
}

static void test_loopback_by_default(void **state)
{
  (void)state;
  struct server server;
  assert_int_equal(server_start(&server, NULL), 0);
  char *body = NULL;
  assert_int_equal(metrics_status(&server, NULL, NULL, &body), 200);
  expect_contains(body, "bianmin_http_requests_total");
  free(body);
  assert_int_equal(metrics_status(&server, "127.0.0.2", NULL, NULL), 200);
  assert_int_equal(server_stop(&server), 0);
}

static void test_only_the_configured_addresses(void **state)
{
  (void)state;
  struct server server;
  const char *env[] = {"BIANMIN_METRICS_FROM=127.0.0.1", NULL};
  assert_int_equal(server_start(&server, env), 0);
  char *body = NULL;
  assert_int_equal(metrics_status(&server, "127.0.0.1", NULL, NULL), 200);
  assert_int_equal(metrics_status(&server, "127.0.0.2", NULL, &body), 403);
  expect_lacks(body, "bianmin_http");
  free(body);
  assert_int_equal(server_stop(&server), 0);
}

static void test_nobody_when_empty(void **state)
{
  (void)state;
  struct server server;
  const char *env[] = {"BIANMIN_METRICS_FROM=", NULL};
  assert_int_equal(server_start(&server, env), 0);
  assert_int_equal(metrics_status(&server, NULL, NULL, NULL), 403);
  assert_int_equal(server_stop(&server), 0);
}

/* Through a reverse proxy on this machine, an outside client is an outside client. */
static void test_behind_a_proxy_the_client_counts(void **state)
{
  (void)state;
  struct server server;
  const char *env[] = {"BIANMIN_TRUSTED_PROXIES=127.0.0.1", NULL};
  assert_int_equal(server_start(&server, env), 0);
  const char *outside[] = {"X-Forwarded-For: 203.0.113.9", NULL};
  const char *local[] = {"X-Forwarded-For: 127.0.0.1", NULL};
  assert_int_equal(metrics_status(&server, NULL, outside, NULL), 403);
  assert_int_equal(metrics_status(&server, NULL, local, NULL), 200);
  assert_int_equal(server_stop(&server), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_loopback_by_default),
      cmocka_unit_test(test_only_the_configured_addresses),
      cmocka_unit_test(test_nobody_when_empty),
      cmocka_unit_test(test_behind_a_proxy_the_client_counts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
