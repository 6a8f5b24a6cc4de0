/*
 * limits_test.c - a server with a tight public rate limit answers 429 in the citizen's
 * language; a query of 64 parameters is answered (its language switch repeats them all), one
 * of 65 is refused (400); and SIGTERM stops it cleanly (exit 0) after answering what was in
 * flight.
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

/* "/?p0=0&p1=1&...": count parameters. */
static char *many_parameters(int count)
{
  char *path = calloc(1, 16 * (size_t)count + 2);
  assert_non_null(path);
  size_t n = 1;
  path[0] = '/';
  for (int i = 0; i < count; i++)
    n += (size_t)snprintf(path + n, 16, "%cp%d=%d", i ? '&' : '?', i, i);
  return path;
}

static void test_parameter_count_and_sigterm(void **state)
{
  struct server server;
  assert_int_equal(server_start(&server, NULL), 0);
  struct response r;
  char *path = many_parameters(64);
  assert_int_equal(http_get(&server, path, &r), 0);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "p0=0&amp;p1=1&amp;"));
  assert_non_null(strstr(r.body, "p63=63&amp;lang=en"));
  response_free(&r);
  free(path);
  path = many_parameters(65);
  assert_int_equal(http_get(&server, path, &r), 0);
  assert_int_equal(r.status, 400);
  response_free(&r);
  free(path);
  assert_int_equal(server_stop(&server), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rate_limit_answers_429),
      cmocka_unit_test(test_parameter_count_and_sigterm),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
