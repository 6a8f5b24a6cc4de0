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
#include "store/db.h"
#include "base/common.h"
#include "store/store.h"

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

static int64_t prepared_count(struct store *store)
{
  int64_t n = -1;
  assert_int_equal(db_query_int(store, "SELECT count(*) FROM pg_prepared_statements WHERE $1 = 1",
                                DB_ARGS(DB_I(1)), &n),
                   ST_OK);
  return n;
}

/* Statements with parameters are prepared once per connection and keep working: with NULL and
 * non-NULL values of one parameter (two signatures), after a failed statement, and after the
 * table under a prepared SELECT * changed (the server refuses the old plan; it runs unprepared). */
static void test_prepared_statements(void **state)
{
  struct store *store = NULL;
  char err[256] = "";
  int64_t n = 0;
  json_t *row = NULL;
  assert_int_equal(store_open(suite_url, &store, err, sizeof(err)), ST_OK);
  assert_int_equal(
      db_exec(store, "CREATE TABLE prep_t (id BIGINT PRIMARY KEY, name TEXT)", NULL, 0, NULL),
      ST_OK);
  int64_t before = prepared_count(store);
  for (int i = 1; i <= 3; i++)
    assert_int_equal(db_exec(store, "INSERT INTO prep_t (id, name) VALUES ($1, $2)",
                             DB_ARGS(DB_I(i), DB_S(i == 2 ? "乙" : "甲")), NULL),
                     ST_OK);
  assert_int_equal(prepared_count(store), before + 1); /* the INSERT, once */
  const char *by_name = "SELECT count(*) FROM prep_t WHERE $1::text IS NULL OR name = $1";
  assert_int_equal(db_query_int(store, by_name, DB_ARGS(DB_S("甲")), &n), ST_OK);
  assert_int_equal(n, 2);
  assert_int_equal(db_query_int(store, by_name, DB_ARGS(DB_S(NULL)), &n), ST_OK);
  assert_int_equal(n, 3);
  assert_int_equal(db_query_int(store, by_name, DB_ARGS(DB_S("乙")), &n), ST_OK);
  assert_int_equal(n, 1);
  assert_int_not_equal(
      db_exec(store, "INSERT INTO prep_t (id) VALUES ($1)", DB_ARGS(DB_I(1)), NULL),
      ST_OK); /* a duplicate key: refused, and the connection goes on */
  const char *one = "SELECT * FROM prep_t WHERE id = $1";
  assert_int_equal(db_query_one(store, one, DB_ARGS(DB_I(2)), &row), ST_OK);
  assert_string_equal(json_string_value(json_object_get(row, "name")), "乙");
  json_decref(row);
  assert_int_equal(
      db_exec(store, "ALTER TABLE prep_t ADD COLUMN extra INTEGER DEFAULT 7", NULL, 0, NULL),
      ST_OK);
  for (int i = 0; i < 2; i++) {
    assert_int_equal(db_query_one(store, one, DB_ARGS(DB_I(2)), &row), ST_OK);
    assert_int_equal(json_integer_value(json_object_get(row, "extra")), 7);
    json_decref(row);
  }
  assert_int_equal(db_exec(store, "DROP TABLE prep_t", NULL, 0, NULL), ST_OK);
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
      cmocka_unit_test(test_prepared_statements),
  };
  failed += cmocka_run_group_tests_name("store postgresql", tests, NULL, NULL);
  return failed ? 1 : 0;
}
