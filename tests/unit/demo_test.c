/*
 * demo_test.c - the demo offices load completely, once, and a broken file loads nothing.
 * Every test gets a fresh SQLite database in this run's own mkdtemp() folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "domain/demo.h"
#include "store/store.h"
#include "base/common.h"

#define TEMP_DIR_MAX 256
#define PATH_LEN     512
#define DEMO_FILE    BIANMIN_SOURCE_DIR "/data/demo/offices.json"

static char temp_dir[TEMP_DIR_MAX];
static int db_counter;

static void temp_path(char *out, size_t size, const char *name)
{
  int n = snprintf(out, size, "%s/%s", temp_dir, name);
  assert_true(n > 0 && (size_t)n < size);
}

static int setup_store(void **state)
{
  char name[32], path[PATH_LEN], err[256] = "";
  struct store *store = NULL;
  snprintf(name, sizeof(name), "t%d.db", ++db_counter);
  temp_path(path, sizeof(path), name);
  if (store_open(path, &store, err, sizeof(err)) || store_migrate(store, NULL))
    fail_msg("cannot open a fresh store: %s", err);
  *state = store;
  return 0;
}

static int teardown_store(void **state)
{
  store_close(*state);
  return 0;
}

static void write_file(const char *name, const char *text, char *path, size_t size)
{
  temp_path(path, size, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  assert_int_equal(fputs(text, f) >= 0, 1);
  assert_int_equal(fclose(f), 0);
}

/* Every office with its units, for before/after comparisons. */
static json_t *snapshot(struct store *store)
{
  json_t *offices = NULL, *office;
  size_t i;
  assert_int_equal(store_office_list(store, &offices), ST_OK);
  json_array_foreach(offices, i, office)
  {
    json_t *units = NULL;
    assert_int_equal(
        store_unit_list(store, json_integer_value(json_object_get(office, "id")), &units), ST_OK);
    json_object_set_new(office, "units", units);
  }
  return offices;
}

static const char *office_kind(json_t *offices, const char *slug)
{
  size_t i;
  json_t *office;
  json_array_foreach(offices, i, office)
  {
    if (strcmp(json_string_value(json_object_get(office, "slug")), slug) == 0)
      return json_string_value(json_object_get(office, "kind"));
  }
  fail_msg("office %s missing", slug);
  return NULL;
}

static void test_load_five_offices(void **state)
{
  struct store *store = *state;
  char err[512] = "";
  int rc = demo_load(store, DEMO_FILE, err, sizeof(err));
  if (rc)
    fail_msg("demo_load: %s: %s", status_name(rc), err);
  json_t *offices = snapshot(store), *office;
  size_t i;
  assert_int_equal(json_array_size(offices), 5);
  assert_string_equal(office_kind(offices, "xinxing"), "land");
  assert_string_equal(office_kind(offices, "hsinchu"), "land");
  assert_string_equal(office_kind(offices, "anle"), "land");
  assert_string_equal(office_kind(offices, "niaosong"), "district");
  assert_string_equal(office_kind(offices, "kh-udd"), "bureau");
  json_array_foreach(offices, i, office)
  {
    json_t *units = json_object_get(office, "units");
    assert_true(json_array_size(units) >= 5);
    assert_true(strlen(json_string_value(json_object_get(office, "name_en"))) > 0);
    assert_true(strlen(json_string_value(json_object_get(office, "case_word_code"))) == 4);
    /* Seed 004's office (安樂) wants every correction approved; the others do not. */
    char *approval = NULL;
    int64_t id = json_integer_value(json_object_get(office, "id"));
    int got = store_setting_get(store, id, "cases.correction_approval", &approval);
    if (!strcmp(json_string_value(json_object_get(office, "slug")), "anle"))
      assert_true(got == ST_OK && !strcmp(approval, "1"));
    else
      assert_int_equal(got, ST_NOTFOUND);
    free(approval);
  }
  json_decref(offices);
}

static void test_load_twice_changes_nothing(void **state)
{
  struct store *store = *state;
  char err[512] = "";
  assert_int_equal(demo_load(store, DEMO_FILE, err, sizeof(err)), ST_OK);
  json_t *first = snapshot(store);
  assert_int_equal(demo_load(store, DEMO_FILE, err, sizeof(err)), ST_OK);
  json_t *second = snapshot(store);
  assert_true(json_equal(first, second));
  json_decref(first);
  json_decref(second);
}

static void assert_no_offices(struct store *store)
{
  json_t *offices = NULL;
  assert_int_equal(store_office_list(store, &offices), ST_OK);
  assert_int_equal(json_array_size(offices), 0);
  json_decref(offices);
}

static void test_broken_json_loads_nothing(void **state)
{
  struct store *store = *state;
  char path[PATH_LEN], err[512] = "";
  write_file("broken.json", "{\"offices\": [{\"slug\": \"xinxing\", ", path, sizeof(path));
  assert_int_equal(demo_load(store, path, err, sizeof(err)), ST_INVALID);
  assert_non_null(strstr(err, "broken.json:1:"));
  assert_no_offices(store);
}

/* The first office is valid, the second office's unit is not: the first is not kept. */
static void test_bad_record_rolls_back(void **state)
{
  struct store *store = *state;
  char path[PATH_LEN], err[512] = "";
  write_file("bad-unit.json",
             "{\"offices\": [{\"slug\": \"one\", \"name_zh\": \"一\", \"kind\": \"land\", "
             "\"units\": [{\"code\": \"a\", \"name_zh\": \"甲\"}]}, {\"slug\": \"two\", "
             "\"name_zh\": \"二\", \"kind\": \"land\", \"units\": [{\"code\": \"Bad Code\", "
             "\"name_zh\": \"乙\"}]}]}",
             path, sizeof(path));
  assert_int_equal(demo_load(store, path, err, sizeof(err)), ST_INVALID);
  assert_non_null(strstr(err, "offices[1].units[0]: unit code"));
  assert_no_offices(store);
  /* The connection is usable afterwards: no transaction was left open. */
  assert_int_equal(demo_load(store, DEMO_FILE, err, sizeof(err)), ST_OK);
}

static void test_shape_errors(void **state)
{
  struct store *store = *state;
  char path[PATH_LEN], err[512] = "";
  static const char *const bad[] = {
      "[]",
      "{\"offices\": {}}",
      "{\"offices\": []}",
      "{\"offices\": [42]}",
      "{\"offices\": [{\"slug\": \"x\", \"name_zh\": \"x\", \"kind\": \"land\"}]}",
      "{\"offices\": [{\"slug\": \"x\", \"name_zh\": \"x\", \"kind\": \"land\", \"units\": {}}]}",
      "{\"offices\": [{\"slug\": \"x\", \"slug\": \"y\", \"name_zh\": \"x\", \"kind\": \"land\"}]}",
      "{\"offices\": [{\"slug\": \"x\", \"name_zh\": 7, \"kind\": \"land\", \"units\": []}]}",
  };
  for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
    write_file("shape.json", bad[i], path, sizeof(path));
    int rc = demo_load(store, path, err, sizeof(err));
    if (rc != ST_INVALID)
      fail_msg("%s: got %s", bad[i], status_name(rc));
    assert_true(strlen(err) > 0);
  }
  assert_no_offices(store);
  temp_path(path, sizeof(path), "no-such-file.json");
  assert_int_equal(demo_load(store, path, err, sizeof(err)), ST_IO);
  assert_int_equal(demo_load(store, path, NULL, 0), ST_IO);
}

static void remove_temp_dir(void)
{
  static const char *const files[] = {"broken.json", "bad-unit.json", "shape.json"};
  static const char *const suffixes[] = {"", "-wal", "-shm"};
  char name[32], path[PATH_LEN];
  for (size_t i = 0; i < ARRAY_LEN(files); i++) {
    temp_path(path, sizeof(path), files[i]);
    unlink(path);
  }
  for (int n = 1; n <= db_counter; n++)
    for (size_t j = 0; j < ARRAY_LEN(suffixes); j++) {
      snprintf(name, sizeof(name), "t%d.db%s", n, suffixes[j]);
      temp_path(path, sizeof(path), name);
      unlink(path);
    }
  rmdir(temp_dir);
}

int main(void)
{
  const char *tmp = getenv("TMPDIR");
  int n =
      snprintf(temp_dir, sizeof(temp_dir), "%s/bianmin-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (n < 0 || (size_t)n >= sizeof(temp_dir) || !mkdtemp(temp_dir)) {
    perror("mkdtemp");
    return 1;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_load_five_offices, setup_store, teardown_store),
      cmocka_unit_test_setup_teardown(test_load_twice_changes_nothing, setup_store, teardown_store),
      cmocka_unit_test_setup_teardown(test_broken_json_loads_nothing, setup_store, teardown_store),
      cmocka_unit_test_setup_teardown(test_bad_record_rolls_back, setup_store, teardown_store),
      cmocka_unit_test_setup_teardown(test_shape_errors, setup_store, teardown_store),
  };
  int failed = cmocka_run_group_tests_name("demo", tests, NULL, NULL);
  remove_temp_dir();
  return failed ? 1 : 0;
}
