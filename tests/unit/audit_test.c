/*
 * audit_test.c - the audit trail's hash chain: rows verify; a changed row, a removed row in the
 * middle and a removed last row are each found (the database refuses UPDATE and DELETE, so the
 * test drops those guards first, as an attacker with file access would).
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
#include <sqlite3.h>

#include "domain/audit.h"
#include "store/store.h"

#include "base/common.h"

struct fixture {
  char dir[64];
  char path[96];
  struct store *store;
};

static int setup(void **state)
{
  struct fixture *f = calloc(1, sizeof(*f));
  snprintf(f->dir, sizeof(f->dir), "/tmp/bianmin-audit-XXXXXX");
  if (!mkdtemp(f->dir))
    return -1;
  snprintf(f->path, sizeof(f->path), "%s/db", f->dir);
  char err[256];
  if (store_open(f->path, &f->store, err, sizeof(err)) || store_migrate(f->store, NULL))
    return -1;
  struct audit_actor actor = {0, 7, "tester", "127.0.0.1"};
  for (int i = 0; i < 5; i++) {
    char object[8];
    snprintf(object, sizeof(object), "%d", i);
    json_t *detail = json_pack("{s:i}", "n", i);
    if (audit_record(f->store, &actor, "test.event", "thing", object, detail))
      return -1;
    json_decref(detail);
  }
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  struct fixture *f = *state;
  store_close(f->store);
  char cmd[128];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
  if (system(cmd) != 0)
    return -1;
  free(f);
  return 0;
}

static void tamper(struct fixture *f, const char *sql)
{
  sqlite3 *db;
  assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
  char *msg = NULL;
  int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK)
    fail_msg("tamper: %s", msg);
  sqlite3_close(db);
}

static void expect_broken(struct fixture *f, int64_t row, const char *words)
{
  int64_t checked, broken;
  char msg[256];
  assert_int_equal(audit_verify(f->store, &checked, &broken, msg, sizeof(msg)), ST_CONFLICT);
  assert_int_equal(broken, row);
  if (!strstr(msg, words))
    fail_msg("message \"%s\" lacks \"%s\"", msg, words);
}

static void test_intact_trail_verifies(void **state)
{
  struct fixture *f = *state;
  int64_t checked, broken;
  char msg[256];
  assert_int_equal(audit_verify(f->store, &checked, &broken, msg, sizeof(msg)), ST_OK);
  assert_int_equal(checked, 5);
}

static void test_database_refuses_changes(void **state)
{
  struct fixture *f = *state;
  sqlite3 *db;
  assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
  assert_int_not_equal(sqlite3_exec(db, "UPDATE audit_log SET actor = 'x'", NULL, NULL, NULL),
                       SQLITE_OK);
  assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit_log", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
}

static void test_edited_row_is_found(void **state)
{
  struct fixture *f = *state;
  tamper(f, "DROP TRIGGER audit_no_update; UPDATE audit_log SET actor = 'someone' WHERE id = 3");
  expect_broken(f, 3, "changed");
}

static void test_deleted_row_is_found(void **state)
{
  struct fixture *f = *state;
  tamper(f, "DROP TRIGGER audit_no_delete; DELETE FROM audit_log WHERE id = 2");
  expect_broken(f, 2, "missing");
}

static void test_deleted_last_row_is_found(void **state)
{
  struct fixture *f = *state;
  tamper(f, "DROP TRIGGER audit_no_delete; DELETE FROM audit_log WHERE id = 5");
  expect_broken(f, 5, "removed");
}

static void test_audit_row_rolls_back_with_its_change(void **state)
{
  struct fixture *f = *state;
  struct audit_actor actor = {0, 7, "tester", "127.0.0.1"};
  assert_int_equal(store_begin(f->store), ST_OK);
  assert_int_equal(audit_record(f->store, &actor, "test.rolled_back", "", "", NULL), ST_OK);
  assert_int_equal(store_rollback(f->store), ST_OK);
  int64_t checked, broken;
  char msg[256];
  assert_int_equal(audit_verify(f->store, &checked, &broken, msg, sizeof(msg)), ST_OK);
  assert_int_equal(checked, 5);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_intact_trail_verifies, setup, teardown),
      cmocka_unit_test_setup_teardown(test_database_refuses_changes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_edited_row_is_found, setup, teardown),
      cmocka_unit_test_setup_teardown(test_deleted_row_is_found, setup, teardown),
      cmocka_unit_test_setup_teardown(test_deleted_last_row_is_found, setup, teardown),
      cmocka_unit_test_setup_teardown(test_audit_row_rolls_back_with_its_change, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
