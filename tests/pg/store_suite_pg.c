/*
 * store_suite_pg.c - runs the shared store suite (tests/unit/store_suite.c, unchanged) against
 * the PostgreSQL database named by BIANMIN_TEST_PG_URL, then the PostgreSQL-only checks.
 * tests/pg/run.sh starts a private cluster with a fresh database and sets the variable; without
 * it the test is skipped (exit 77).
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

#include "store_suite.c"
#include "base/common.h"

static void test_connect_error(void **state)
{
  struct store *store = (struct store *)&store; /* must be reset to NULL */
  char err[256] = "";
  assert_int_equal(store_open("postgresql://bianmin@127.0.0.1:1/none?connect_timeout=2", &store,
                              err, sizeof(err)),
                   ST_IO);
  assert_null(store);
  assert_non_null(strstr(err, "cannot connect to PostgreSQL"));
}

static void test_info_postgresql(void **state)
{
  struct store *store = NULL;
  json_t *info = NULL;
  char err[256] = "";
  assert_int_equal(store_open(suite_url, &store, err, sizeof(err)), ST_OK);
  assert_int_equal(store_info(store, &info), ST_OK);
  assert_string_equal(json_string_value(json_object_get(info, "backend")), "postgresql");
  assert_true(json_integer_value(json_object_get(info, "server_version")) >= 150000);
  json_decref(info);
  store_close(store);
}

int main(void)
{
  const char *url = getenv("BIANMIN_TEST_PG_URL");
  if (!url || !*url) {
    fprintf(stderr, "BIANMIN_TEST_PG_URL is not set: skipped (run through tests/pg/run.sh)\n");
    return 77;
  }
  int failed = store_suite_run(url);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_connect_error),
      cmocka_unit_test(test_info_postgresql),
  };
  failed += cmocka_run_group_tests_name("store postgresql", tests, NULL, NULL);
  return failed ? 1 : 0;
}
