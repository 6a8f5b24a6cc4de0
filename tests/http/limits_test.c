/*
 * limits_test.c - a server with a tight public rate limit answers 429 in the citizen's
 * language, and SIGTERM stops it cleanly (exit 0) after answering what was in flight.
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

static void test_rate_limit_answers_429(void **state)
{
  struct server server;
  const char *env[] = {"BIANMIN_RATE_PUBLIC=5", NULL};
  assert_int_equal(server_start(&server, env), 0);
  struct response r;
  for (int i = 0; i < 5; i++) {
    assert_int_equal(http_get(&server, "/o/xinxing/", &r), 0);
    assert_int_equal(r.status, 200);
    response_free(&r);
  }
  assert_int_equal(http_get(&server, "/o/xinxing/?lang=en", &r), 0);
  assert_int_equal(r.status, 429);
  assert_non_null(strstr(r.body, "<html lang=\"en\""));
  char *retry = response_header(&r, "Retry-After");
  assert_non_null(retry);
  free(retry);
  response_free(&r);
  /* health checks are not rate limited */
  assert_int_equal(http_get(&server, "/healthz", &r), 0);
  assert_int_equal(r.status, 200);
  response_free(&r);
  assert_int_equal(server_stop(&server), 0);
}

static void test_sigterm_stops_cleanly(void **state)
{
  struct server server;
  assert_int_equal(server_start(&server, NULL), 0);
  struct response r;
  assert_int_equal(http_get(&server, "/", &r), 0);
  response_free(&r);
  assert_int_equal(server_stop(&server), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rate_limit_answers_429),
      cmocka_unit_test(test_sigterm_stops_cleanly),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
