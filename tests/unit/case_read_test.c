/*
 * case_read_test.c - the public lookup by number and check code (domain/case_read.h) on a real
 * SQLite store with the demo catalogue: a right code reads the history from the case row and
 * gets what case_events holds; a wrong code is refused before the history is decoded (a case
 * whose history column cannot be decoded answers "not found" to a wrong code, a database error
 * only to the right one) and counted; the code that reaches the lock sets it on the case row,
 * so the right code is refused too, until the next Taipei day or the unlock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "demo_store.h"
#include "base/arena.h"
#include "domain/case_read.h"
#include "domain/cases.h"
#include "domain/demo.h"
#include "domain/keys.h"
#include "store/case_read.h"
#include "store/db.h"
#include "store/store.h"

#include "base/common.h"

enum { NOW = 1795000000 }; /* Wednesday 2026-11-18, 19:06 in Taipei */

struct fixture {
  char dir[64];
  struct store *store;
  int64_t office_id;
  struct intake_result r;
  int writes; /* times the writer was asked for the primary */
};

static int64_t service_id(struct store *store, int64_t office_id, const char *slug)
{
  json_t *list, *s;
  size_t i;
  int64_t id = 0;
  assert_int_equal(store_service_list(store, office_id, true, &list), 0);
  json_array_foreach(list, i, s) if (!strcmp(json_string_value(json_object_get(s, "slug")), slug))
      id = json_integer_value(json_object_get(s, "id"));
  json_decref(list);
  assert_true(id > 0);
  return id;
}

static int setup(void **state)
{
  struct fixture *f = calloc(1, sizeof(*f));
  if (!f || demo_store_open(f->dir, "case-read", "xinxing", &f->store, &f->office_id))
    return -1;
  struct case_env env = {f->store, NOW};
  const char *reason = NULL;
  json_t *answers = json_pack("{s:s, s:s, s:s, s:s}", "kind", "land", "section", "新興段",
                              "parcel_number", "100-1", "copies", "2");
  struct online_submission in = {f->office_id,
                                 service_id(f->store, f->office_id, "transcript"),
                                 "王小明",
                                 "wang@example.com",
                                 "",
                                 "zh-TW",
                                 "online",
                                 answers,
                                 ""};
  int rc = cases_submit_online(&env, &in, &f->r, &reason);
  json_decref(answers);
  if (rc) {
    fprintf(stderr, "setup: submit: %s %s\n", status_name(rc), reason ? reason : "");
    return -1;
  }
  *state = f;
  return 0;
}

static int teardown(void **state)
{
  struct fixture *f = *state;
  char path[96];
  store_close(f->store);
  snprintf(path, sizeof(path), "%s/db", f->dir);
  unlink(path);
  snprintf(path, sizeof(path), "%s/db-wal", f->dir);
  unlink(path);
  snprintf(path, sizeof(path), "%s/db-shm", f->dir);
  unlink(path);
  rmdir(f->dir);
  free(f);
  return 0;
}

static int writer(void *ctx, struct store **out)
{
  struct fixture *f = ctx;
  f->writes++;
  *out = f->store;
  return ST_OK;
}

/* The lookup with code at time now, in an arena of its own; *events (may be NULL) receives
 * how many history entries it showed. */
static int lookup(struct fixture *f, time_t now, const char *code, size_t *events)
{
  struct arena *arena = arena_new(16384);
  struct case_public c;
  assert_non_null(arena);
  int rc =
      case_public_by_number(f->store, arena, now, f->office_id, f->r.case_key, code, writer, f, &c);
  if (events)
    *events = rc ? 0 : c.event_count;
  arena_free(arena);
  return rc;
}

/* A valid code that is not the case's. */
static void wrong_code(const struct fixture *f, char out[CASE_CHECK_CODE_LEN + 1])
{
  memcpy(out, f->r.check_code, CASE_CHECK_CODE_LEN + 1);
  out[0] = out[0] == '9' ? '1' : (char)(out[0] + 1);
}

static int64_t failures_today(struct fixture *f, time_t now)
{
  int64_t n = -1;
  assert_int_equal(store_case_check_failures(f->store, f->r.case_id, case_check_day(now), &n),
                   ST_OK);
  return n;
}

/* The right code shows the history the case row carries, which is what case_events holds. */
static void test_right_code_reads_the_history(void **state)
{
  struct fixture *f = *state;
  size_t shown = 0, n = 0;
  struct store_case_event_row *rows = NULL;
  struct arena *arena = arena_new(4096);
  assert_non_null(arena);
  assert_int_equal(lookup(f, NOW, f->r.check_code, &shown), ST_OK);
  assert_int_equal(store_case_events_read(f->store, arena, f->r.case_id, &rows, &n), ST_OK);
  assert_true(n > 0);
  assert_int_equal(shown, n);
  assert_int_equal(f->writes, 0);
  arena_free(arena);
}

/* A history that cannot be decoded: the right code is a database error, a wrong one is refused
 * (and counted) without decoding it. */
static void test_wrong_code_never_decodes(void **state)
{
  struct fixture *f = *state;
  char code[CASE_CHECK_CODE_LEN + 1];
  wrong_code(f, code);
  assert_int_equal(db_exec(f->store, "UPDATE cases SET public_history = '5:' WHERE id = $1",
                           DB_ARGS(DB_I(f->r.case_id)), NULL),
                   ST_OK);
  assert_int_equal(lookup(f, NOW, f->r.check_code, NULL), ST_DB);
  assert_int_equal(lookup(f, NOW, code, NULL), ST_NOTFOUND);
  assert_int_equal(f->writes, 1);
  assert_int_equal(failures_today(f, NOW), 1);
}

/* The tenth wrong code locks the case for the rest of the Taipei day: the right code is refused
 * (ST_LIMIT) and wrong ones are no longer counted; the next day, or the unlock, lifts it. */
static void test_lock_on_the_row(void **state)
{
  struct fixture *f = *state;
  char code[CASE_CHECK_CODE_LEN + 1];
  bool was_locked = false;
  wrong_code(f, code);
  for (int i = 0; i < CASE_CHECK_LOCK_AFTER - 1; i++)
    assert_int_equal(lookup(f, NOW, code, NULL), ST_NOTFOUND);
  assert_int_equal(lookup(f, NOW, f->r.check_code, NULL), ST_OK); /* 9: not yet */
  assert_int_equal(lookup(f, NOW, code, NULL), ST_NOTFOUND);
  assert_int_equal(failures_today(f, NOW), CASE_CHECK_LOCK_AFTER);
  assert_int_equal(lookup(f, NOW, f->r.check_code, NULL), ST_LIMIT);
  assert_int_equal(lookup(f, NOW, code, NULL), ST_LIMIT);
  assert_int_equal(f->writes, CASE_CHECK_LOCK_AFTER); /* a locked lookup writes nothing */
  assert_int_equal(failures_today(f, NOW), CASE_CHECK_LOCK_AFTER);
  time_t tomorrow = case_check_day_end(NOW);
  assert_int_equal(lookup(f, tomorrow, f->r.check_code, NULL), ST_OK);
  assert_int_equal(store_case_check_unlock(f->store, f->r.case_id, &was_locked), ST_OK);
  assert_true(was_locked);
  assert_int_equal(lookup(f, NOW, f->r.check_code, NULL), ST_OK);
  assert_int_equal(failures_today(f, NOW), 0);
}

int main(void)
{
  if (demo_keys_and_calendar())
    return 1;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_right_code_reads_the_history, setup, teardown),
      cmocka_unit_test_setup_teardown(test_wrong_code_never_decodes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_lock_on_the_row, setup, teardown),
  };
  return cmocka_run_group_tests_name("case_read", tests, NULL, NULL);
}
