/*
 * store_suite.c - the store tests every backend must pass, through store.h only. It is
 * compiled into each runner (store_test.c for SQLite, tests/pg for PostgreSQL) with #include.
 * Backend-specific checks go through store_info() and are keyed by its "backend" field. One
 * test dates a row back through the portable SQL seam (store/db.h) rather than wait for the
 * database's clock to move.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/arena.h"
#include "store/case_read.h"
#include "store/db.h"
#include "store/directory.h"
#include "store/store.h"
#include "store/store_impl.h"
#include "store_suite.h"
#include "base/common.h"

static const char *suite_url;

/* Opens a new connection to the suite's database, keeping read snapshots as a request
 * thread's does (store_reuse_reads); fails the test on error. */
static struct store *suite_open(void)
{
  struct store *store = NULL;
  char err[256] = "";
  int rc = store_open(suite_url, &store, err, sizeof(err));
  if (rc)
    fail_msg("store_open(%s): %s: %s", suite_url, status_name(rc), err);
  store_reuse_reads(store);
  return store;
}

static int setup_open(void **state)
{
  *state = suite_open();
  return 0;
}

/* Opens and brings the schema up to date (idempotent, so every test may do it). */
static int setup_migrated(void **state)
{
  struct store *store = suite_open();
  int rc = store_migrate(store, NULL);
  if (rc)
    fail_msg("store_migrate: %s: %s", status_name(rc), store_last_error(store));
  *state = store;
  return 0;
}

static int teardown_close(void **state)
{
  store_close(*state);
  return 0;
}

#define assert_ok(store, call)                                                                     \
  do {                                                                                             \
    int rc_ = (call);                                                                              \
    if (rc_)                                                                                       \
      fail_msg("%s: %s: %s", #call, status_name(rc_), store_last_error(store));                    \
  } while (0)

/* A complete office record; callers change fields with json_object_set_new. */
static json_t *office_json(const char *slug, const char *name_zh)
{
  json_t *office =
      json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "slug",
                slug, "name_zh", name_zh, "name_en", "Test Land Office", "kind", "land", "city_zh",
                "高雄市", "city_en", "Kaohsiung City", "address_zh", "高雄市新興區測試路1號",
                "address_en", "No. 1, Test Rd., Xinxing Dist.", "phone", "07-000-0000", "email",
                "test@example.gov.tw", "hours_zh", "週一至週五 8:00-17:30", "hours_en",
                "Mon-Fri 8:00-17:30", "case_word_zh", "測登", "case_word_code", "ZZ01");
  assert_non_null(office);
  return office;
}

static int64_t put_office(struct store *store, const char *slug)
{
  int64_t id = 0;
  json_t *office = office_json(slug, "測試地政事務所");
  assert_ok(store, store_office_put(store, office, &id));
  json_decref(office);
  assert_true(id > 0);
  return id;
}

/* A received land-registration case of the office, numbered 115-ZZ01-<serial>; its id. */
static int64_t put_case(struct store *store, int64_t office, int serial, const char *check_code,
                        const char *token_hash, const char *channel)
{
  char key[32];
  int64_t id = 0;
  snprintf(key, sizeof(key), "115-ZZ01-%06d", serial);
  json_t *c =
      json_pack("{s:I, s:i, s:i, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i}",
                "office_id", (json_int_t)office, "service_id", 1, "roc_year", 115, "word_code",
                "ZZ01", "serial", serial, "case_key", key, "check_code", check_code,
                "qr_token_hash", token_hash, "workflow", "land_registration", "status", "received",
                "channel", channel, "notify", "none", "lang", "zh-TW", "received_at", 1772413200);
  assert_non_null(c);
  assert_ok(store, store_case_insert(store, c, &id));
  json_decref(c);
  assert_true(id > 0);
  return id;
}

static size_t office_count(struct store *store)
{
  json_t *list = NULL;
  assert_ok(store, store_office_list(store, &list));
  size_t n = json_array_size(list);
  json_decref(list);
  return n;
}

static void assert_field(json_t *record, const char *key, const char *expected)
{
  json_t *value = json_object_get(record, key);
  if (!json_is_string(value))
    fail_msg("field %s is not a string", key);
  assert_string_equal(json_string_value(value), expected);
}

static int64_t int_field(json_t *record, const char *key)
{
  json_t *value = json_object_get(record, key);
  if (!json_is_integer(value))
    fail_msg("field %s is not an integer", key);
  return json_integer_value(value);
}

/* Runs first, on the fresh database. */
static void test_migrate_idempotent(void **state)
{
  struct store *store = *state;
  int version = -1, latest = -1, applied = -1;
  assert_ok(store, store_schema_version(store, &version));
  assert_int_equal(version, 0);
  assert_ok(store, store_schema_latest(store, &latest));
  assert_true(latest >= 1);
  assert_ok(store, store_migrate(store, &applied));
  /* Numbers may have gaps (one reserved for work merged later): every migration this build
   * knows ran, and the version is the highest. */
  assert_true(applied >= 1 && applied <= latest);
  assert_ok(store, store_schema_version(store, &version));
  assert_int_equal(version, latest);
  assert_ok(store, store_migrate(store, &applied));
  assert_int_equal(applied, 0);
  assert_ok(store, store_schema_version(store, &version));
  assert_int_equal(version, latest);
  assert_ok(store, store_migrate(store, NULL));
}

static void test_ping(void **state)
{
  assert_int_equal(store_ping(*state), ST_OK);
}

static void test_info(void **state)
{
  struct store *store = *state;
  json_t *info = NULL;
  assert_ok(store, store_info(store, &info));
  const char *backend = json_string_value(json_object_get(info, "backend"));
  assert_non_null(backend);
  if (strcmp(backend, "sqlite") == 0) {
    assert_field(info, "journal_mode", "wal");
    assert_true(json_is_true(json_object_get(info, "foreign_keys")));
    assert_int_equal(int_field(info, "synchronous"), 1); /* NORMAL */
    assert_int_equal(int_field(info, "busy_timeout_ms"), 5000);
  }
  json_decref(info);
}

static void assert_iso_utc(json_t *record, const char *key)
{
  const char *text = json_string_value(json_object_get(record, key));
  assert_non_null(text);
  assert_int_equal(strlen(text), 20); /* 2026-03-02T01:02:03Z */
  assert_int_equal(text[4], '-');
  assert_int_equal(text[10], 'T');
  assert_int_equal(text[19], 'Z');
}

static void test_office_put_get(void **state)
{
  struct store *store = *state;
  json_t *office = office_json("suite-put-get", "新興地政事務所");
  json_t *got = NULL;
  int64_t id = 0;
  assert_ok(store, store_office_put(store, office, &id));
  assert_true(id > 0);
  assert_ok(store, store_office_get(store, "suite-put-get", &got));
  assert_int_equal(int_field(got, "id"), id);
  const char *key;
  json_t *value;
  json_object_foreach(office, key, value)
  {
    assert_field(got, key, json_string_value(value));
  }
  assert_iso_utc(got, "updated_at");
  json_decref(got);
  json_decref(office);
}

static void test_office_optional_fields(void **state)
{
  struct store *store = *state;
  json_t *office = json_pack("{s:s, s:s, s:s}", "slug", "suite-minimal", "name_zh", "鳥松區公所",
                             "kind", "district");
  json_t *got = NULL;
  assert_ok(store, store_office_put(store, office, NULL));
  assert_ok(store, store_office_get(store, "suite-minimal", &got));
  assert_field(got, "name_en", "");
  assert_field(got, "case_word_code", "");
  assert_field(got, "kind", "district");
  json_decref(got);
  json_decref(office);
}

/* Sets the office's updated_at to a past instant, as if it had last changed long ago. */
static void suite_date_back(struct store *store, const char *slug)
{
  const struct db_param p[] = {DB_S("2000-01-01T00:00:00Z"), DB_S(slug)};
  int64_t changed = 0;
  assert_ok(store, db_exec(store, "UPDATE offices SET updated_at = $1 WHERE slug = $2", p,
                           ARRAY_LEN(p), &changed));
  assert_int_equal(changed, 1);
}

static void test_office_update_by_slug(void **state)
{
  struct store *store = *state;
  json_t *office = office_json("suite-update", "舊名稱");
  json_t *first = NULL, *second = NULL;
  int64_t id1 = 0, id2 = 0, id3 = 0;
  size_t before;
  assert_ok(store, store_office_put(store, office, &id1));
  before = office_count(store);
  json_object_set_new(office, "name_zh", json_string("新名稱"));
  json_object_set_new(office, "id", json_integer(9999)); /* ignored */
  assert_ok(store, store_office_put(store, office, &id2));
  assert_int_equal(id1, id2);
  assert_int_equal(office_count(store), before);
  assert_ok(store, store_office_get(store, "suite-update", &first));
  assert_field(first, "name_zh", "新名稱");
  json_decref(first);
  /* Putting the same record again changes nothing, not even an updated_at long past; a real
   * change does move updated_at. */
  suite_date_back(store, "suite-update");
  assert_ok(store, store_office_get(store, "suite-update", &first));
  assert_field(first, "updated_at", "2000-01-01T00:00:00Z");
  assert_ok(store, store_office_put(store, first, &id3));
  assert_int_equal(id3, id1);
  assert_ok(store, store_office_get(store, "suite-update", &second));
  assert_true(json_equal(first, second));
  json_decref(second);
  json_object_set_new(office, "phone", json_string("07-111-1111"));
  assert_ok(store, store_office_put(store, office, &id3));
  assert_ok(store, store_office_get(store, "suite-update", &second));
  assert_string_not_equal(json_string_value(json_object_get(first, "updated_at")),
                          json_string_value(json_object_get(second, "updated_at")));
  json_decref(first);
  json_decref(second);
  json_decref(office);
}

static void test_office_list_by_id(void **state)
{
  struct store *store = *state;
  json_t *list = NULL;
  size_t before = office_count(store);
  int64_t a = put_office(store, "suite-list-b");
  int64_t b = put_office(store, "suite-list-a");
  assert_ok(store, store_office_list(store, &list));
  assert_int_equal(json_array_size(list), before + 2);
  for (size_t i = 1; i < json_array_size(list); i++)
    assert_true(int_field(json_array_get(list, i - 1), "id") <
                int_field(json_array_get(list, i), "id"));
  assert_int_equal(int_field(json_array_get(list, before), "id"), a);
  assert_int_equal(int_field(json_array_get(list, before + 1), "id"), b);
  assert_field(json_array_get(list, before + 1), "slug", "suite-list-a");
  json_decref(list);
}

static void test_office_notfound(void **state)
{
  struct store *store = *state;
  json_t *got = NULL;
  assert_int_equal(store_office_get(store, "suite-no-such-office", &got), ST_NOTFOUND);
  assert_int_equal(store_office_get(store, "Not A Slug", &got), ST_NOTFOUND);
  assert_int_equal(store_office_get(store, "", &got), ST_NOTFOUND);
  assert_null(got);
}

/* Each edit makes a valid office invalid: {field, JSON value or NULL to delete it}. */
static const char *const invalid_offices[][2] = {
    {"slug", NULL},
    {"slug", "\"\""},
    {"slug", "\"Xinxing\""},
    {"slug", "\"xin xing\""},
    {"slug", "\"xin_xing\""},
    {"slug", "\"abcdefghijabcdefghijabcdefghijabcdefghijk\""},
    {"slug", "\"新興\""},
    {"slug", "42"},
    {"name_zh", NULL},
    {"name_zh", "\"\""},
    {"name_zh", "[\"新興\"]"},
    {"name_zh", "\"bad\\u0001text\""},
    {"name_zh", "\"nul\\u0000inside\""},
    {"kind", NULL},
    {"kind", "\"city\""},
    {"kind", "\"LAND\""},
    {"name_en", "7"},
    {"phone", "null"},
    {"email", "true"},
    {"address_zh", "\"line\\nbreak\""},
    {"hours_en", "{}"},
    {"case_word_code", "1.5"},
};

static void test_office_invalid_refused(void **state)
{
  struct store *store = *state;
  size_t before = office_count(store);
  for (size_t i = 0; i < ARRAY_LEN(invalid_offices); i++) {
    json_t *office = office_json("suite-invalid", "無效機關");
    const char *field = invalid_offices[i][0], *text = invalid_offices[i][1];
    if (text)
      json_object_set_new(office, field, json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL));
    else
      json_object_del(office, field);
    int64_t id = -1;
    int rc = store_office_put(store, office, &id);
    if (rc != ST_INVALID)
      fail_msg("office with %s = %s: got %s", field, text ? text : "(missing)", status_name(rc));
    assert_true(strlen(store_last_error(store)) > 0);
    json_decref(office);
  }
  json_t *not_object = json_array();
  assert_int_equal(store_office_put(store, not_object, NULL), ST_INVALID);
  assert_int_equal(store_office_put(store, NULL, NULL), ST_INVALID);
  json_decref(not_object);
  assert_int_equal(office_count(store), before);
}

static json_t *unit_json(const char *code, const char *name_zh, int sort)
{
  json_t *unit = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "code", code,
                           "name_zh", name_zh, "name_en", "Registration Section", "floor_zh", "1樓",
                           "floor_en", "1F", "counter", "1-5", "phone", "ext. 101", "duties_zh",
                           "土地登記\n建物登記", "duties_en", "Land registration", "sort", sort);
  assert_non_null(unit);
  return unit;
}

static int64_t put_unit(struct store *store, int64_t office_id, const char *code, int sort)
{
  json_t *unit = unit_json(code, "登記課", sort);
  int64_t id = 0;
  assert_ok(store, store_unit_put(store, office_id, unit, &id));
  assert_true(id > 0);
  json_decref(unit);
  return id;
}

static void test_units_put_list_order(void **state)
{
  struct store *store = *state;
  int64_t office = put_office(store, "suite-units");
  int64_t other = put_office(store, "suite-units-other");
  json_t *list = NULL;
  int64_t c = put_unit(store, office, "c-last", 2);
  int64_t a = put_unit(store, office, "a-first", 1);
  int64_t b = put_unit(store, office, "b_second", 1);
  put_unit(store, other, "a-first", 0);
  assert_ok(store, store_unit_list(store, office, &list));
  assert_int_equal(json_array_size(list), 3);
  assert_int_equal(int_field(json_array_get(list, 0), "id"), a);
  assert_int_equal(int_field(json_array_get(list, 1), "id"), b);
  assert_int_equal(int_field(json_array_get(list, 2), "id"), c);
  json_t *first = json_array_get(list, 0);
  assert_int_equal(int_field(first, "office_id"), office);
  assert_int_equal(int_field(first, "sort"), 1);
  assert_field(first, "code", "a-first");
  assert_field(first, "floor_zh", "1樓");
  assert_field(first, "duties_zh", "土地登記\n建物登記");
  json_decref(list);
  assert_ok(store, store_unit_list(store, 999999, &list));
  assert_int_equal(json_array_size(list), 0);
  json_decref(list);
}

static void test_unit_update_by_code(void **state)
{
  struct store *store = *state;
  int64_t office = put_office(store, "suite-unit-update");
  int64_t id1 = put_unit(store, office, "survey", 3);
  json_t *unit = unit_json("survey", "測量課", 5), *list = NULL;
  int64_t id2 = 0;
  assert_ok(store, store_unit_put(store, office, unit, &id2));
  assert_int_equal(id1, id2);
  assert_ok(store, store_unit_list(store, office, &list));
  assert_int_equal(json_array_size(list), 1);
  assert_field(json_array_get(list, 0), "name_zh", "測量課");
  assert_int_equal(int_field(json_array_get(list, 0), "sort"), 5);
  json_decref(list);
  json_decref(unit);
}

static void test_unit_invalid_refused(void **state)
{
  struct store *store = *state;
  int64_t office = put_office(store, "suite-unit-invalid");
  json_t *list = NULL;
  const char *bad_codes[] = {"", "Upper", "with space", "登記",
                             "abcdefghijabcdefghijabcdefghijabcdefghijk"};
  for (size_t i = 0; i < ARRAY_LEN(bad_codes); i++) {
    json_t *unit = unit_json(bad_codes[i], "登記課", 0);
    assert_int_equal(store_unit_put(store, office, unit, NULL), ST_INVALID);
    json_decref(unit);
  }
  json_t *unit = unit_json("registration", "登記課", 0);
  json_object_set_new(unit, "sort", json_string("1"));
  assert_int_equal(store_unit_put(store, office, unit, NULL), ST_INVALID);
  json_object_set_new(unit, "sort", json_integer(1));
  json_object_del(unit, "name_zh");
  assert_int_equal(store_unit_put(store, office, unit, NULL), ST_INVALID);
  json_object_set_new(unit, "name_zh", json_integer(1));
  assert_int_equal(store_unit_put(store, office, unit, NULL), ST_INVALID);
  json_object_set_new(unit, "name_zh", json_string("登記課"));
  assert_int_equal(store_unit_put(store, 0, unit, NULL), ST_INVALID);
  json_decref(unit);
  assert_ok(store, store_unit_list(store, office, &list));
  assert_int_equal(json_array_size(list), 0);
  json_decref(list);
}

/* Foreign keys are enforced: a unit of an office that does not exist is refused. */
static void test_unit_unknown_office(void **state)
{
  struct store *store = *state;
  json_t *unit = unit_json("registration", "登記課", 0), *list = NULL;
  assert_int_equal(store_unit_put(store, 987654321, unit, NULL), ST_NOTFOUND);
  assert_ok(store, store_unit_list(store, 987654321, &list));
  assert_int_equal(json_array_size(list), 0);
  json_decref(list);
  json_decref(unit);
}

static void assert_setting(struct store *store, int64_t office, const char *key,
                           const char *expected)
{
  char *value = NULL;
  assert_ok(store, store_setting_get(store, office, key, &value));
  assert_string_equal(value, expected);
  free(value);
}

static void test_settings(void **state)
{
  struct store *store = *state;
  int64_t office = put_office(store, "suite-settings");
  char *value = NULL;
  assert_int_equal(store_setting_get(store, 0, "suite.key", &value), ST_NOTFOUND);
  assert_null(value);
  assert_ok(store, store_setting_put(store, 0, "suite.key", "deployment"));
  assert_ok(store, store_setting_put(store, office, "suite.key", "辦公室"));
  assert_setting(store, 0, "suite.key", "deployment");
  assert_setting(store, office, "suite.key", "辦公室");
  assert_ok(store, store_setting_put(store, office, "suite.key", "overwritten"));
  assert_setting(store, office, "suite.key", "overwritten");
  assert_ok(store, store_setting_put(store, office, "suite.empty", ""));
  assert_setting(store, office, "suite.empty", "");
  assert_int_equal(store_setting_get(store, office, "suite.other", &value), ST_NOTFOUND);
  assert_int_equal(store_setting_put(store, office, "", "x"), ST_INVALID);
  assert_int_equal(store_setting_put(store, office, NULL, "x"), ST_INVALID);
  assert_int_equal(store_setting_put(store, office, "k", NULL), ST_INVALID);
  assert_int_equal(store_setting_put(store, -1, "k", "x"), ST_INVALID);
  assert_int_equal(store_setting_put(store, office, "bad\nkey", "x"), ST_INVALID);
}

static void test_rollback_discards(void **state)
{
  struct store *store = *state;
  json_t *got = NULL;
  char *value = NULL;
  size_t before = office_count(store);
  assert_ok(store, store_begin(store));
  assert_int_equal(store_begin(store), ST_CONFLICT);
  int64_t office = put_office(store, "suite-rollback");
  put_unit(store, office, "registration", 0);
  assert_ok(store, store_setting_put(store, 0, "suite.rollback", "x"));
  assert_int_equal(office_count(store), before + 1);
  assert_ok(store, store_rollback(store));
  assert_int_equal(office_count(store), before);
  assert_int_equal(store_office_get(store, "suite-rollback", &got), ST_NOTFOUND);
  assert_int_equal(store_setting_get(store, 0, "suite.rollback", &value), ST_NOTFOUND);
  assert_int_equal(store_commit(store), ST_INVALID);
  assert_ok(store, store_rollback(store)); /* nothing open: a no-op */
}

static void test_commit_keeps(void **state)
{
  struct store *store = *state;
  json_t *got = NULL;
  assert_ok(store, store_begin(store));
  put_office(store, "suite-commit");
  assert_ok(store, store_commit(store));
  assert_ok(store, store_office_get(store, "suite-commit", &got));
  json_decref(got);
}

static void test_two_connections(void **state)
{
  struct store *a = *state;
  struct store *b = suite_open();
  json_t *got = NULL;
  put_office(a, "suite-shared-1");
  assert_ok(b, store_office_get(b, "suite-shared-1", &got));
  json_decref(got);
  assert_ok(a, store_begin(a));
  put_office(a, "suite-shared-2");
  assert_int_equal(store_office_get(b, "suite-shared-2", &got), ST_NOTFOUND);
  assert_ok(a, store_commit(a));
  assert_ok(b, store_office_get(b, "suite-shared-2", &got));
  json_decref(got);
  /* And the other way round. */
  assert_ok(b, store_setting_put(b, 0, "suite.from-b", "b"));
  assert_setting(a, 0, "suite.from-b", "b");
  store_close(b);
}

/* ---- Catalogue (migration 3) ---------------------------------------------------------------- */

static json_t *suite_service(const char *slug, bool published)
{
  json_t *service = json_pack("{s:s, s:s, s:s, s:i, s:[s, s], s:b, s:b, s:n}", "slug", slug,
                              "name_zh", "抵押權設定登記", "name_en", "Registration of a mortgage",
                              "time_limit_minutes", 480, "documents_zh", "申請書", "契約書",
                              "channel_online", 1, "published", published, "fee_amount");
  assert_non_null(service);
  return service;
}

static void test_catalog_service_put_get_list(void **state)
{
  struct store *store = *state;
  int64_t office = put_office(store, "suite-cat-1"), other = put_office(store, "suite-cat-2");
  int64_t id = 0, again = 0;
  bool changed = false;
  json_t *service = suite_service("mortgage", true), *got = NULL, *list = NULL;
  assert_ok(store, store_service_put(store, office, service, &id, &changed));
  assert_true(changed);
  assert_ok(store, store_service_put(store, office, service, &again, &changed));
  assert_false(changed);
  assert_int_equal(again, id);
  assert_ok(store, store_service_get(store, office, 0, "mortgage", &got));
  assert_int_equal(int_field(got, "id"), id);
  assert_field(got, "name_en", "Registration of a mortgage");
  assert_true(json_is_true(json_object_get(got, "channel_online")));
  assert_true(json_is_false(json_object_get(got, "channel_mail")));
  assert_true(json_is_null(json_object_get(got, "fee_amount")));
  assert_int_equal(int_field(got, "sort"), 0);
  assert_int_equal(json_array_size(json_object_get(got, "documents_zh")), 2);
  assert_int_equal(json_array_size(json_object_get(got, "steps_zh")), 0);
  assert_field(got, "unit", "");
  assert_iso_utc(got, "updated_at");
  assert_null(json_object_get(got, "content_hash"));
  json_decref(got);
  assert_ok(store, store_service_get(store, office, id, NULL, &got));
  json_decref(got);
  assert_int_equal(store_service_get(store, other, id, NULL, &got), ST_NOTFOUND);
  json_t *hidden = suite_service("hidden", false);
  assert_ok(store, store_service_put(store, office, hidden, NULL, NULL));
  assert_ok(store, store_service_list(store, office, true, &list));
  assert_int_equal(json_array_size(list), 1);
  json_decref(list);
  assert_ok(store, store_service_list(store, office, false, &list));
  assert_int_equal(json_array_size(list), 2);
  json_decref(list);
  assert_ok(store, store_service_publish(store, office, id, false, &changed));
  assert_true(changed);
  assert_ok(store, store_service_publish(store, office, id, false, &changed));
  assert_false(changed);
  assert_int_equal(store_service_publish(store, other, id, true, &changed), ST_NOTFOUND);
  json_decref(service);
  json_decref(hidden);
}

static void test_catalog_refusals(void **state)
{
  struct store *store = *state;
  int64_t office = put_office(store, "suite-cat-3");
  static const char *const bad[] = {
      "{\"slug\": \"a\", \"name_zh\": \"x\"}",                                /* no limit */
      "{\"slug\": \"a\", \"name_zh\": \"x\", \"time_limit_minutes\": 50000}", /* range */
      "{\"slug\": \"a\", \"name_zh\": \"x\", \"time_limit_minutes\": \"1\"}", /* type */
      "{\"slug\": \"A\", \"name_zh\": \"x\", \"time_limit_minutes\": 1}",     /* slug */
      "{\"slug\": \"a\", \"name_zh\": \"\", \"time_limit_minutes\": 1}",      /* empty name */
      "{\"slug\": \"a\", \"name_zh\": \"x\", \"time_limit_minutes\": 1, \"steps_zh\": [1]}",
      "{\"slug\": \"a\", \"name_zh\": \"x\", \"time_limit_minutes\": 1, \"published\": 1}",
  };
  for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
    json_t *record = json_loads(bad[i], 0, NULL);
    assert_non_null(record);
    assert_int_equal(store_service_put(store, office, record, NULL, NULL), ST_INVALID);
    json_decref(record);
  }
  json_t *list = NULL;
  assert_ok(store, store_service_list(store, office, false, &list));
  assert_int_equal(json_array_size(list), 0);
  json_decref(list);
  json_t *a = json_pack("{s:s, s:s, s:s, s:s, s:s}", "slug", "a", "kind", "general", "title_zh",
                        "公告", "starts_on", "2026-02-30", "ends_on", "2026-03-01");
  assert_int_equal(store_announcement_put(store, office, a, NULL, NULL), ST_INVALID);
  json_decref(a);
}

static void test_catalog_files_and_forms(void **state)
{
  struct store *store = *state;
  int64_t office = put_office(store, "suite-cat-4"), other = put_office(store, "suite-cat-5");
  char sha[65], sha2[65];
  static const char pdf[] = "%PDF-1.4 suite";
  assert_ok(store, store_file_put(store, pdf, sizeof(pdf) - 1, "application/pdf", "範例.pdf", sha));
  assert_ok(store, store_file_put(store, pdf, sizeof(pdf) - 1, "application/pdf", "x.pdf", sha2));
  assert_string_equal(sha, sha2);
  assert_int_equal(strlen(sha), 64);
  json_t *meta = NULL;
  void *bytes = NULL;
  size_t len = 0;
  /* Not linked to any service yet: not downloadable. */
  assert_int_equal(store_file_get(store, office, sha, false, &meta, &bytes, &len), ST_NOTFOUND);
  int64_t id = 0;
  json_t *service = suite_service("with-form", false);
  assert_ok(store, store_service_put(store, office, service, &id, NULL));
  json_t *forms =
      json_pack("[{s:s, s:s, s:s, s:s, s:s, s:i}]", "sha256", sha, "kind", "example", "format",
                "pdf", "title_zh", "填寫範例", "title_en", "Example", "sort", 1);
  assert_ok(store, store_service_forms_set(store, id, forms));
  json_t *list = NULL;
  assert_ok(store, store_service_forms_list(store, id, &list));
  assert_int_equal(json_array_size(list), 1);
  assert_field(json_array_get(list, 0), "name", "範例.pdf");
  assert_field(json_array_get(list, 0), "mime", "application/pdf");
  json_decref(list);
  assert_int_equal(store_file_get(store, office, sha, true, &meta, &bytes, &len), ST_NOTFOUND);
  assert_ok(store, store_file_get(store, office, sha, false, &meta, &bytes, &len));
  assert_int_equal(len, sizeof(pdf) - 1);
  assert_memory_equal(bytes, pdf, len);
  free(bytes);
  json_decref(meta);
  assert_ok(store, store_service_publish(store, office, id, true, NULL));
  assert_ok(store, store_file_get(store, office, sha, true, &meta, &bytes, &len));
  free(bytes);
  json_decref(meta);
  assert_int_equal(store_file_get(store, other, sha, false, &meta, &bytes, &len), ST_NOTFOUND);
  json_t *unknown = json_pack("[{s:s, s:s, s:s, s:s}]", "sha256",
                              "0000000000000000000000000000000000000000000000000000000000000000",
                              "kind", "form", "format", "odt", "title_zh", "申請書");
  assert_int_equal(store_service_forms_set(store, id, unknown), ST_NOTFOUND);
  json_decref(unknown);
  json_decref(forms);
  json_decref(service);
}

static void test_catalog_faq_counters(void **state)
{
  struct store *store = *state;
  int64_t office = put_office(store, "suite-cat-6");
  int64_t a = 0, b = 0;
  json_t *qa = json_pack("{s:s, s:s, s:s, s:b}", "slug", "a", "question_zh", "問一", "answer_zh",
                         "答一", "published", 1);
  json_t *qb = json_pack("{s:s, s:s, s:s, s:b}", "slug", "b", "question_zh", "問二", "answer_zh",
                         "答二", "published", 1);
  assert_ok(store, store_faq_put(store, office, qa, &a, NULL));
  assert_ok(store, store_faq_put(store, office, qb, &b, NULL));
  assert_ok(store, store_faq_viewed(store, office, b));
  assert_ok(store, store_faq_vote(store, office, b, true));
  assert_ok(store, store_faq_vote(store, office, b, false));
  json_t *top = NULL, *got = NULL;
  assert_ok(store, store_faq_top(store, office, 5, &top));
  assert_int_equal(int_field(json_array_get(top, 0), "id"), b);
  json_decref(top);
  assert_ok(store, store_faq_get(store, office, b, NULL, &got));
  assert_int_equal(int_field(got, "views"), 1);
  assert_int_equal(int_field(got, "helpful"), 1);
  assert_int_equal(int_field(got, "not_helpful"), 1);
  json_decref(got);
  /* Putting the entry again keeps its counters. */
  assert_ok(store, store_faq_put(store, office, qb, NULL, NULL));
  assert_ok(store, store_faq_get(store, office, b, NULL, &got));
  assert_int_equal(int_field(got, "views"), 1);
  json_decref(got);
  assert_int_equal(store_faq_vote(store, office + 1000, b, true), ST_NOTFOUND);
  json_decref(qa);
  json_decref(qb);
}

static void test_catalog_announcement_filters(void **state)
{
  struct store *store = *state;
  int64_t office = put_office(store, "suite-cat-7");
  json_t *a = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "slug", "now", "kind", "lost_deed_notice",
                        "title_zh", "書狀補給公告", "starts_on", "2026-02-01", "ends_on",
                        "2026-03-02", "published", 1);
  assert_ok(store, store_announcement_put(store, office, a, NULL, NULL));
  json_t *list = NULL;
  static const struct {
    enum store_announcement_filter filter;
    const char *today;
    size_t expected;
  } cases[] = {{STORE_ANNOUNCEMENTS_CURRENT, "2026-01-31", 0},
               {STORE_ANNOUNCEMENTS_CURRENT, "2026-02-01", 1},
               {STORE_ANNOUNCEMENTS_CURRENT, "2026-03-02", 1},
               {STORE_ANNOUNCEMENTS_ARCHIVE, "2026-03-02", 0},
               {STORE_ANNOUNCEMENTS_ARCHIVE, "2026-03-03", 1},
               {STORE_ANNOUNCEMENTS_ALL, NULL, 1}};
  for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
    assert_ok(store,
              store_announcement_list(store, office, cases[i].filter, cases[i].today, &list));
    assert_int_equal(json_array_size(list), cases[i].expected);
    json_decref(list);
  }
  json_decref(a);
}

static void test_catalog_search_and_revisions(void **state)
{
  struct store *store = *state;
  int64_t office = put_office(store, "suite-cat-8"), other = put_office(store, "suite-cat-9");
  int64_t id = 0;
  json_t *service = suite_service("mortgage", true), *hits = NULL;
  assert_ok(store, store_service_put(store, office, service, &id, NULL));
  assert_ok(store, store_search(store, office, "抵押權 設定", "2026-02-10", 10, &hits));
  assert_int_equal(json_array_size(hits), 1);
  assert_field(json_array_get(hits, 0), "kind", "service");
  assert_field(json_array_get(hits, 0), "slug", "mortgage");
  json_decref(hits);
  assert_ok(store, store_search(store, other, "抵押權", "2026-02-10", 10, &hits));
  assert_int_equal(json_array_size(hits), 0);
  json_decref(hits);
  /* The office is part of the index (SQLite, migration 19) but never matches a query's words. */
  char office_word[32];
  snprintf(office_word, sizeof(office_word), "office%lld", (long long)office);
  const char *not_words[] = {"office", office_word};
  for (size_t i = 0; i < ARRAY_LEN(not_words); i++) {
    assert_ok(store, store_search(store, office, not_words[i], "2026-02-10", 10, &hits));
    assert_int_equal(json_array_size(hits), 0);
    json_decref(hits);
  }
  assert_ok(store, store_service_publish(store, office, id, false, NULL));
  assert_ok(store, store_search(store, office, "mortgage", "2026-02-10", 10, &hits));
  assert_int_equal(json_array_size(hits), 0); /* unpublished services are not found */
  json_decref(hits);
  json_t *snapshot = json_pack("{s:s}", "slug", "mortgage"), *revisions = NULL;
  assert_ok(store, store_revision_add(store, office, "service", id, "update", 0, "", snapshot));
  assert_ok(store,
            store_revision_add(store, office, "service", id, "publish", 9, "管理員", snapshot));
  assert_ok(store, store_revision_list(store, "service", id, &revisions));
  assert_int_equal(json_array_size(revisions), 2);
  assert_field(json_array_get(revisions, 0), "action", "publish");
  assert_int_equal(int_field(json_array_get(revisions, 0), "actor_id"), 9);
  assert_true(json_is_null(json_object_get(json_array_get(revisions, 1), "actor_id")));
  assert_field(json_object_get(json_array_get(revisions, 0), "snapshot"), "slug", "mortgage");
  json_decref(revisions);
  json_decref(snapshot);
  json_decref(service);
}

/* A counter of store_info; 0 when the backend does not report it. */
static int64_t info_count(struct store *store, const char *key)
{
  json_t *info = NULL;
  assert_ok(store, store_info(store, &info));
  int64_t n = json_integer_value(json_object_get(info, key));
  json_decref(info);
  return n;
}

/* Every catalogue read a page makes (gets by id and by slug, lists, the FAQ top, search) and
 * the FAQ view counter. */
static void catalog_reads(struct store *store, int64_t office, int64_t service, int64_t faq)
{
  json_t *got = NULL, *list = NULL;
  assert_ok(store, store_service_get(store, office, service, NULL, &got));
  json_decref(got);
  assert_ok(store, store_service_get(store, office, 0, "mortgage", &got));
  json_decref(got);
  assert_ok(store, store_faq_get(store, office, faq, NULL, &got));
  json_decref(got);
  assert_ok(store, store_service_list(store, office, true, &list));
  assert_int_equal(json_array_size(list), 1);
  json_decref(list);
  assert_ok(store, store_faq_list(store, office, false, &list));
  json_decref(list);
  assert_ok(store, store_announcement_list(store, office, STORE_ANNOUNCEMENTS_CURRENT, "2026-02-10",
                                           &list));
  assert_int_equal(json_array_size(list), 1);
  json_decref(list);
  assert_ok(store, store_faq_top(store, office, 5, &list));
  json_decref(list);
  assert_ok(store, store_service_forms_list(store, service, &list));
  json_decref(list);
  assert_ok(store, store_search(store, office, "抵押權", "2026-02-10", 10, &list));
  assert_int_equal(json_array_size(list), 1);
  json_decref(list);
  assert_ok(store, store_faq_viewed(store, office, faq));
}

/* Statements are prepared once per connection: repeating the reads prepares nothing new (and,
 * on PostgreSQL, runs nothing unprepared). */
static void test_catalog_statements_prepared_once(void **state)
{
  struct store *store = *state;
  int64_t office = put_office(store, "suite-cat-10"), service = 0, faq = 0;
  json_t *s = suite_service("mortgage", true);
  json_t *q = json_pack("{s:s, s:s, s:s, s:b}", "slug", "q", "question_zh", "問", "answer_zh", "答",
                        "published", 1);
  json_t *a =
      json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "slug", "a", "kind", "general", "title_zh",
                "公告", "starts_on", "2026-02-01", "ends_on", "2026-03-01", "published", 1);
  assert_ok(store, store_service_put(store, office, s, &service, NULL));
  assert_ok(store, store_faq_put(store, office, q, &faq, NULL));
  assert_ok(store, store_announcement_put(store, office, a, NULL, NULL));
  int64_t prepared = 0, unprepared = 0;
  for (int i = 0; i <= 100; i++) {
    catalog_reads(store, office, service, faq);
    assert_ok(store, store_service_put(store, office, s, NULL, NULL));   /* unchanged */
    assert_ok(store, store_faq_publish(store, office, faq, true, NULL)); /* unchanged */
    if (i == 0) {
      prepared = info_count(store, "statements_prepared");
      unprepared = info_count(store, "statements_unprepared");
      assert_true(prepared > 0);
    }
  }
  assert_int_equal(info_count(store, "statements_prepared"), prepared);
  assert_int_equal(info_count(store, "statements_unprepared"), unprepared);
  json_decref(s);
  json_decref(q);
  json_decref(a);
}

/* ---- The portable SQL seam (db.h): accounts, audit, case numbering ----------------------------
 */

static void test_seam_users_and_sessions(void **state)
{
  struct store *store = *state;
  int64_t office = put_office(store, "suite-seam-1");
  struct store_user user = {office, 0, "suite.user", "測試人員", "", 3, "hash"};
  int64_t id = 0, other = 0;
  json_t *got = NULL;
  assert_ok(store, store_user_create(store, &user, "2026-02-10T00:00:00Z", &id));
  assert_true(id > 0);
  assert_int_equal(store_user_create(store, &user, "2026-02-10T00:00:00Z", &other), ST_CONFLICT);
  assert_ok(store, store_user_get(store, office, id, &got));
  assert_field(got, "username", "suite.user");
  assert_true(json_is_null(json_object_get(got, "unit_id")));
  assert_int_equal(int_field(got, "roles"), 3);
  assert_int_equal(int_field(got, "totp_enabled"), 0);
  json_decref(got);
  assert_int_equal(store_user_get(store, office + 1000, id, &got), ST_NOTFOUND);
  /* A unit that does not exist breaks the foreign key: not found. */
  user.unit_id = 999999;
  assert_int_equal(store_user_update(store, office, id, &user, "2026-02-10T00:00:01Z"),
                   ST_NOTFOUND);
  assert_ok(store, store_user_use_totp_step(store, id, 5));
  assert_int_equal(store_user_use_totp_step(store, id, 5), ST_CONFLICT);
  assert_ok(store, store_session_create(store, "suite-session", id, "csrf", 1, 1000, "::1"));
  assert_ok(store, store_session_get(store, "suite-session", &got));
  assert_int_equal(int_field(got, "user_id"), id);
  assert_int_equal(int_field(got, "mfa_pending"), 1);
  assert_int_equal(int_field(got, "office_id"), office);
  json_decref(got);
  assert_ok(store, store_session_expire(store, 1001, 0));
  assert_int_equal(store_session_get(store, "suite-session", &got), ST_NOTFOUND);
}

static void test_seam_audit_append(void **state)
{
  struct store *store = *state;
  json_t *last = NULL;
  int64_t next = 1;
  if (store_audit_last(store, &last) == ST_OK) {
    next = int_field(last, "id") + 1;
    json_decref(last);
  }
  json_t *row = json_pack("{s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)next, "at",
                          "2026-02-10T00:00:00Z", "action", "suite.test", "prev_hash", "", "hash",
                          "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  assert_ok(store, store_audit_insert(store, row));
  assert_int_equal(store_audit_insert(store, row), ST_CONFLICT);
  assert_ok(store, store_audit_last(store, &last));
  assert_int_equal(int_field(last, "id"), next);
  assert_field(last, "action", "suite.test");
  json_decref(last);
  json_decref(row);
}

/* Numbers come from one row per (office, word, year); a rolled-back intake gives its number back
 * and a second connection waits for the first's transaction, so there are no gaps. */
static void test_seam_case_numbers(void **state)
{
  struct store *a = *state;
  struct store *b = suite_open();
  int64_t office = put_office(a, "suite-seam-2"), serial = 0;
  assert_ok(a, store_begin(a));
  assert_ok(a, store_case_next_serial(a, office, "ZZ01", 115, &serial));
  assert_int_equal(serial, 1);
  assert_ok(a, store_rollback(a));
  assert_ok(b, store_case_next_serial(b, office, "ZZ01", 115, &serial));
  assert_int_equal(serial, 1);
  assert_ok(a, store_case_next_serial(a, office, "ZZ01", 115, &serial));
  assert_int_equal(serial, 2);
  assert_ok(a, store_case_next_serial(a, office, "ZZ01", 116, &serial));
  assert_int_equal(serial, 1);
  store_close(b);
}

/* ---- the case row's public history (migration 36) ------------------------------------------ */

/* Migration 36's backfill statement for this backend (its UPDATE, after the ALTER TABLE). */
static const char *history_backfill_sql(void)
{
  bool pg = strncmp(suite_url, "postgres", 8) == 0;
  const struct store_migration *list = pg ? pg_migrations : sqlite_migrations;
  size_t n = pg ? pg_migrations_count : sqlite_migrations_count;
  for (size_t i = 0; i < n; i++)
    if (list[i].version == 36)
      return strstr(list[i].sql, "UPDATE cases");
  return NULL;
}

static char *history_of(struct store *store, int64_t case_id)
{
  json_t *row = NULL;
  assert_ok(store, db_query_one(store, "SELECT public_history FROM cases WHERE id = $1",
                                DB_ARGS(DB_I(case_id)), &row));
  char *text = strdup(db_text(row, "public_history"));
  json_decref(row);
  assert_non_null(text);
  return text;
}

static void add_event(struct store *store, int64_t case_id, int64_t at, const char *kind,
                      const char *to, const char *note, bool public, const char *data)
{
  json_t *e = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "case_id",
                        (json_int_t)case_id, "at", (json_int_t)at, "actor", "suite", "kind", kind,
                        "from_status", *to ? "received" : "", "to_status", to, "note", note,
                        "public", public, "data", data);
  assert_non_null(e);
  assert_ok(store, store_case_event_add(store, e));
  json_decref(e);
}

/* What the writer appends (store_case_event_add) is byte for byte what the migration's backfill
 * builds from case_events, and decodes to what case_events reads: texts with the encoding's own
 * ':' and ',' and digits, multi-byte characters, empty fields; internal notes masked. */
static void test_case_public_history(void **state)
{
  struct store *store = *state;
  int64_t office = put_office(store, "suite-history"), id = 0;
  assert_ok(store, store_begin(store));
  id = put_case(store, office, 1, "123456", "suite-history-token", "counter");
  add_event(store, id, 1772413200, "status", "received", "", false, "");
  add_event(store, id, 1772413260, "status", "first_review", "內部 3:abc, 1:,", false, "{\"x\":1}");
  add_event(store, id, 1772413320, "note", "", "only staff see this", false, "");
  add_event(store, id, 1772413380, "note", "", "公開 0:,說明\n第二行", true, "");
  add_event(store, id, 1772413440, "fee_due", "", "", true, "{\"amount\":120}");
  add_event(store, id, 1772413500, "status", "second_review", "12:x,", true, "");
  assert_ok(store, store_commit(store));

  /* Decoded from the row, it is what case_events holds. */
  struct arena *arena = arena_new(4096);
  struct store_case_public_row row;
  struct store_case_event_row *events = NULL;
  size_t n = 0;
  assert_non_null(arena);
  assert_ok(store, store_case_public_by_key(store, arena, office, "115-ZZ01-000001", &row));
  assert_ok(store, store_case_public_events(store, arena, &row));
  assert_ok(store, store_case_events_read(store, arena, id, &events, &n));
  assert_int_equal(n, 5);
  assert_int_equal(row.event_count, n);
  for (size_t i = 0; i < n; i++) {
    const struct store_case_event_row *a = &row.events[i], *b = &events[i];
    assert_int_equal(a->id, b->id);
    assert_int_equal(a->at, b->at);
    assert_int_equal(a->public, b->public);
    assert_string_equal(a->kind, b->kind);
    assert_string_equal(a->from_status, b->from_status);
    assert_string_equal(a->to_status, b->to_status);
    assert_string_equal(a->note, b->note);
    assert_string_equal(a->data, b->data);
  }
  assert_string_equal(row.events[1].note, ""); /* an internal move's note stays internal */
  assert_string_equal(row.events[2].note, "公開 0:,說明\n第二行");
  arena_free(arena);

  /* The migration's backfill writes the same bytes. */
  char *written = history_of(store, id);
  const char *backfill = history_backfill_sql();
  assert_non_null(backfill);
  assert_ok(store, db_exec(store, "UPDATE cases SET public_history = '' WHERE id = $1",
                           DB_ARGS(DB_I(id)), NULL));
  assert_ok(store, db_exec(store, backfill, NULL, 0, NULL));
  char *rebuilt = history_of(store, id);
  assert_string_equal(rebuilt, written);

  /* A column that is not a history (cut short, a length past its end, not a length) is an
   * error, never a shorter history. */
  const char *bad[] = {"5:", "3:ab,", "x:1,", "99999999999:", "1:x,1:1,1:1,0:,0:,0:,0:,0:,", ""};
  size_t cut = strlen(written) - 3;
  char *truncated = strndup(written, cut);
  assert_non_null(truncated);
  bad[ARRAY_LEN(bad) - 1] = truncated;
  for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
    assert_ok(store, db_exec(store, "UPDATE cases SET public_history = $2 WHERE id = $1",
                             DB_ARGS(DB_I(id), DB_S(bad[i])), NULL));
    arena = arena_new(4096);
    assert_non_null(arena);
    assert_ok(store, store_case_public_by_key(store, arena, office, "115-ZZ01-000001", &row));
    assert_int_equal(row.event_count, 0); /* not decoded until asked */
    assert_int_equal(store_case_public_events(store, arena, &row), ST_DB);
    arena_free(arena);
  }
  free(truncated);

  /* Integers the writer never puts there still decode (a sign, 19 digits). */
  assert_ok(store, db_exec(store, "UPDATE cases SET public_history = $2 WHERE id = $1",
                           DB_ARGS(DB_I(id), DB_S("19:1000000000000000007,2:-5,1:1,4:note,0:,0:,"
                                                  "0:,0:,")),
                           NULL));
  arena = arena_new(4096);
  assert_non_null(arena);
  assert_ok(store, store_case_public_by_key(store, arena, office, "115-ZZ01-000001", &row));
  assert_ok(store, store_case_public_events(store, arena, &row));
  assert_int_equal(row.event_count, 1);
  assert_int_equal(row.events[0].id, 1000000000000000007);
  assert_int_equal(row.events[0].at, -5);
  assert_true(row.events[0].public);
  assert_string_equal(row.events[0].kind, "note");
  arena_free(arena);
  free(written);
  free(rebuilt);
}

/* A read transaction is one snapshot (another connection's commit is seen only after it ends),
 * its BEGIN and COMMIT are prepared once per connection, and ending it returns the status it
 * is given. */
static void test_read_transaction(void **state)
{
  struct store *a = *state, *b = suite_open();
  put_office(a, "suite-read-tx");
  info_count(a, "statements_prepared"); /* store_info's own statements */
  int64_t unprepared = info_count(a, "statements_prepared");
  assert_ok(a, store_begin_read(a));
  assert_ok(a, store_end_read(a, ST_OK));
  int64_t prepared = info_count(a, "statements_prepared");
  assert_true(prepared > unprepared);
  for (int i = 0; i < 100; i++) {
    assert_ok(a, store_begin_read(a));
    assert_ok(a, store_end_read(a, ST_OK));
  }
  assert_int_equal(info_count(a, "statements_prepared"), prepared);
  assert_ok(a, store_begin_read(a));
  size_t before = office_count(a);
  put_office(b, "suite-read-tx-2");
  assert_int_equal(office_count(a), before);
  assert_int_equal(store_end_read(a, ST_NOTFOUND), ST_NOTFOUND);
  assert_int_equal(office_count(a), before + 1);
  store_close(b);
}

/* ---- what the case row mirrors (migration 37) ----------------------------------------------- */

struct mirror {
  int64_t fee, payments, uploads;
};

/* The row's columns, and what the joins the lookup used to make give (written here again, not
 * taken from the store). */
static struct mirror mirror_row(struct store *store, int64_t case_id)
{
  json_t *row = NULL;
  assert_ok(store, db_query_one(store,
                                "SELECT fee_due, payment_count, upload_count FROM cases WHERE id "
                                "= $1",
                                DB_ARGS(DB_I(case_id)), &row));
  struct mirror m = {int_field(row, "fee_due"), int_field(row, "payment_count"),
                     int_field(row, "upload_count")};
  json_decref(row);
  return m;
}

static struct mirror mirror_joined(struct store *store, int64_t case_id)
{
  json_t *row = NULL;
  assert_ok(store, db_query_one(store,
                                "SELECT COALESCE(f.amount, 0) AS fee, (SELECT count(*) FROM "
                                "payments p WHERE p.case_id = c.id) AS payments, (SELECT "
                                "count(*) FROM uploads u WHERE u.case_id = c.id) AS uploads FROM "
                                "cases c LEFT JOIN case_fees f ON f.case_id = c.id WHERE c.id = $1",
                                DB_ARGS(DB_I(case_id)), &row));
  struct mirror m = {int_field(row, "fee"), int_field(row, "payments"), int_field(row, "uploads")};
  json_decref(row);
  return m;
}

/* The row agrees with the records, holds what was expected, and the lookup reads it. */
static void assert_mirror(struct store *store, int64_t office, int64_t case_id, int64_t fee,
                          int64_t payments, int64_t uploads)
{
  struct mirror row = mirror_row(store, case_id), joined = mirror_joined(store, case_id);
  assert_int_equal(row.fee, joined.fee);
  assert_int_equal(row.payments, joined.payments);
  assert_int_equal(row.uploads, joined.uploads);
  assert_int_equal(row.fee, fee);
  assert_int_equal(row.payments, payments);
  assert_int_equal(row.uploads, uploads);
  struct arena *arena = arena_new(4096);
  struct store_case_public_row pub;
  assert_non_null(arena);
  assert_ok(store, store_case_public_by_key(store, arena, office, "115-ZZ01-000002", &pub));
  assert_int_equal(pub.fee_due, fee);
  assert_int_equal(pub.payment_count, payments);
  assert_int_equal(pub.upload_count, uploads);
  assert_ok(store, store_case_public_by_token(store, arena, "suite-mirror-token", &pub));
  assert_int_equal(pub.upload_count, uploads);
  arena_free(arena);
}

static int64_t mirror_payment(struct store *store, int64_t office, int64_t case_id,
                              const char *order_no)
{
  int64_t id = 0;
  json_t *p = json_pack("{s:I, s:I, s:s, s:i, s:s, s:s, s:s, s:s, s:i, s:i}", "office_id",
                        (json_int_t)office, "case_id", (json_int_t)case_id, "order_no", order_no,
                        "amount", 120, "currency", "TWD", "provider", "sandbox", "provider_ref", "",
                        "redirect_url", "", "created_at", 1772413200, "expires_at", 1772414100);
  assert_non_null(p);
  assert_ok(store, store_payment_insert(store, p, &id));
  json_decref(p);
  return id;
}

static int64_t mirror_upload(struct store *store, int64_t office, int64_t draft, char fill)
{
  char sha[65];
  memset(sha, fill, 64);
  sha[64] = '\0';
  struct store_upload u = {office, draft, sha, "scan.pdf", "application/pdf", "%PDF", 4, 1};
  int64_t id = 0;
  assert_ok(store, store_upload_add(store, &u, &id));
  return id;
}

/* The statement of migration version (for this backend) that starts with start. */
static const char *migration_statement(int version, const char *start, char *out, size_t size)
{
  bool pg = strncmp(suite_url, "postgres", 8) == 0;
  const struct store_migration *list = pg ? pg_migrations : sqlite_migrations;
  size_t n = pg ? pg_migrations_count : sqlite_migrations_count;
  for (size_t i = 0; i < n; i++) {
    const char *from = list[i].version == version ? strstr(list[i].sql, start) : NULL;
    const char *end = from ? strchr(from, ';') : NULL;
    if (end && (size_t)(end - from) < size) {
      memcpy(out, from, (size_t)(end - from));
      out[end - from] = '\0';
      return out;
    }
  }
  return NULL;
}

/* Every kind of write keeps cases.fee_due, payment_count and upload_count equal to what the
 * joins on case_fees, payments and uploads give, in the writer's transaction (a rolled-back one
 * leaves both as they were), with or without a transaction of the caller's; the migration's
 * backfill computes the same values. */
static void test_case_mirror(void **state)
{
  struct store *store = *state;
  int64_t office = put_office(store, "suite-mirror"), id = 0, draft = 0;
  id = put_case(store, office, 2, "654321", "suite-mirror-token", "online");
  assert_mirror(store, office, id, 0, 0, 0);

  assert_ok(store, store_case_fee_set(store, office, id, 120, "suite", 1772413300)); /* alone */
  assert_mirror(store, office, id, 120, 0, 0);
  assert_ok(store, store_begin(store));
  assert_ok(store, store_case_fee_set(store, office, id, 80, "suite", 1772413400));
  assert_ok(store, store_commit(store));
  assert_mirror(store, office, id, 80, 0, 0);
  assert_ok(store, store_begin(store));
  assert_ok(store, store_case_fee_set(store, office, id, 500, "suite", 1772413450));
  assert_ok(store, store_rollback(store));
  assert_mirror(store, office, id, 80, 0, 0);

  int64_t first = mirror_payment(store, office, id, "suite-mirror-1");
  assert_mirror(store, office, id, 80, 1, 0);
  bool applied = false;
  assert_ok(store, store_payment_set_status(store, first, "pending", "paid", "ref-1", 1772413500,
                                            1772413500, &applied));
  assert_true(applied);
  assert_ok(store, store_payment_set_status(store, first, "paid", "refunded", "", 0, 1772413600,
                                            &applied));
  assert_true(applied);
  assert_mirror(store, office, id, 80, 1, 0);
  assert_ok(store, store_begin(store));
  mirror_payment(store, office, id, "suite-mirror-2");
  assert_ok(store, store_commit(store));
  assert_mirror(store, office, id, 80, 2, 0);

  json_t *d = json_pack("{s:I, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i}", "office_id",
                        (json_int_t)office, "service_id", 1, "session_hash", "suite-mirror-session",
                        "contact_kind", "email", "contact", "sealed", "contact_hash",
                        "suite-mirror-contact", "contact_masked", "a***@b", "lang", "zh-TW",
                        "created_at", 1772413200, "expires_at", 1772499600);
  assert_non_null(d);
  assert_ok(store, store_draft_insert(store, d, &draft));
  json_decref(d);
  mirror_upload(store, office, draft, 'a');
  int64_t removed = mirror_upload(store, office, draft, 'b');
  mirror_upload(store, office, draft, 'c');
  assert_ok(store, store_upload_remove(store, draft, removed)); /* before it joins the case */
  assert_mirror(store, office, id, 80, 2, 0);
  assert_ok(store, store_uploads_attach(store, draft, id));
  assert_mirror(store, office, id, 80, 2, 2);

  /* The migration's backfill gives the writers' values. */
  char backfill[1024];
  assert_non_null(migration_statement(37, "UPDATE cases SET fee_due", backfill, sizeof(backfill)));
  assert_ok(store, db_exec(store,
                           "UPDATE cases SET fee_due = 0, payment_count = 0, upload_count = 0 "
                           "WHERE id = $1",
                           DB_ARGS(DB_I(id)), NULL));
  assert_ok(store, db_exec(store, backfill, NULL, 0, NULL));
  assert_mirror(store, office, id, 80, 2, 2);
}

/* cases.outcome_count against the documents not withdrawn, counted here again, and what both
 * lookups read. */
static void assert_outcomes(struct store *store, int64_t office, int64_t case_id, int64_t expected)
{
  json_t *row = NULL;
  assert_ok(store, db_query_one(store,
                                "SELECT c.outcome_count AS mirrored, (SELECT count(*) FROM "
                                "case_outcome_documents d WHERE d.case_id = c.id AND "
                                "d.withdrawn_at IS NULL) AS offered FROM cases c WHERE c.id = $1",
                                DB_ARGS(DB_I(case_id)), &row));
  assert_int_equal(int_field(row, "mirrored"), int_field(row, "offered"));
  assert_int_equal(int_field(row, "mirrored"), expected);
  json_decref(row);
  struct arena *arena = arena_new(4096);
  struct store_case_public_row pub;
  assert_non_null(arena);
  assert_ok(store, store_case_public_by_key(store, arena, office, "115-ZZ01-000004", &pub));
  assert_int_equal(pub.outcome_count, expected);
  assert_ok(store, store_case_public_by_token(store, arena, "suite-outcome-token", &pub));
  assert_int_equal(pub.outcome_count, expected);
  arena_free(arena);
}

static int64_t put_outcome(struct store *store, int64_t office, int64_t case_id, char fill)
{
  char sha[65];
  memset(sha, fill, 64);
  sha[64] = '\0';
  struct store_outcome d = {office, case_id,    sha, "permit.pdf", "application/pdf", "%PDF",
                            4,      1772413200, 1,   "suite clerk"};
  int64_t id = 0;
  assert_ok(store, store_outcome_add(store, &d, &id));
  return id;
}

/* Issuing and withdrawing outcome documents keeps cases.outcome_count (migration 38), which
 * lets a progress link skip reading the documents of a case without any, equal to the
 * documents still offered, alone or in the caller's transaction (a rolled-back one changes
 * neither); the migration's backfill computes the same value. */
static void test_case_outcome_mirror(void **state)
{
  struct store *store = *state;
  int64_t office = put_office(store, "suite-outcome");
  int64_t id = put_case(store, office, 4, "222222", "suite-outcome-token", "counter");
  assert_outcomes(store, office, id, 0);
  int64_t first = put_outcome(store, office, id, 'd'); /* alone */
  assert_outcomes(store, office, id, 1);
  assert_ok(store, store_begin(store));
  put_outcome(store, office, id, 'e');
  assert_ok(store, store_commit(store));
  assert_outcomes(store, office, id, 2);
  assert_ok(store, store_begin(store));
  put_outcome(store, office, id, 'f');
  assert_ok(store, store_rollback(store));
  assert_outcomes(store, office, id, 2);
  assert_ok(store, store_outcome_withdraw(store, id, first, 1772413300, "suite", "wrong file"));
  assert_outcomes(store, office, id, 1);
  assert_int_equal(store_outcome_withdraw(store, id, first, 1772413400, "suite", "again"),
                   ST_NOTFOUND); /* once only, and the count stays */
  assert_outcomes(store, office, id, 1);

  char backfill[1024];
  assert_non_null(
      migration_statement(38, "UPDATE cases SET outcome_count", backfill, sizeof(backfill)));
  assert_ok(store, db_exec(store, "UPDATE cases SET outcome_count = 0 WHERE id = $1",
                           DB_ARGS(DB_I(id)), NULL));
  assert_ok(store, db_exec(store, backfill, NULL, 0, NULL));
  assert_outcomes(store, office, id, 1);
}

/* The wrong check codes of a case are counted per Taipei day (a new day starts again from 1);
 * the lock is on the case row, where the lookup reads it, and the unlock forgets both. */
static void test_case_check_failures(void **state)
{
  struct store *store = *state;
  int64_t office = put_office(store, "suite-check"), id = 0, failures = -1;
  id = put_case(store, office, 3, "111111", "suite-check-token", "counter");
  struct arena *arena = arena_new(4096);
  struct store_case_public_row row;
  bool was_locked = true;
  assert_non_null(arena);
  assert_ok(store, store_case_check_failures(store, id, 20500, &failures));
  assert_int_equal(failures, 0);
  for (int64_t i = 1; i <= 3; i++) {
    assert_ok(store, store_case_check_failed(store, id, 20500, &failures));
    assert_int_equal(failures, i);
  }
  assert_ok(store, store_case_check_failures(store, id, 20500, &failures));
  assert_int_equal(failures, 3);
  assert_ok(store, store_case_check_failures(store, id, 20501, &failures));
  assert_int_equal(failures, 0);
  assert_ok(store, store_case_check_failed(store, id, 20501, &failures)); /* the next day */
  assert_int_equal(failures, 1);
  assert_ok(store, store_case_public_by_key(store, arena, office, "115-ZZ01-000003", &row));
  assert_int_equal(row.check_locked_day, 0);
  assert_ok(store, store_case_check_lock(store, id, 20501));
  assert_ok(store, store_case_public_by_key(store, arena, office, "115-ZZ01-000003", &row));
  assert_int_equal(row.check_locked_day, 20501);
  assert_int_equal(store_case_check_lock(store, id + 1000000, 20501), ST_NOTFOUND);
  assert_ok(store, store_begin(store));
  assert_ok(store, store_case_check_unlock(store, id, &was_locked)); /* the staff transaction */
  assert_ok(store, store_commit(store));
  assert_true(was_locked);
  assert_ok(store, store_case_public_by_key(store, arena, office, "115-ZZ01-000003", &row));
  assert_int_equal(row.check_locked_day, 0);
  assert_ok(store, store_case_check_failures(store, id, 20501, &failures));
  assert_int_equal(failures, 0);
  assert_ok(store, store_case_check_unlock(store, id, &was_locked)); /* alone */
  assert_false(was_locked);
  assert_ok(store, store_case_check_lock(store, id, 20501)); /* a lock without a count left */
  assert_ok(store, store_case_check_unlock(store, id, &was_locked));
  assert_true(was_locked);
  assert_ok(store, store_case_public_by_key(store, arena, office, "115-ZZ01-000003", &row));
  assert_int_equal(row.check_locked_day, 0);

  /* The migration locks the cases whose count of their day had reached the lock (10). */
  char backfill[512];
  assert_non_null(
      migration_statement(37, "UPDATE cases SET check_locked_day", backfill, sizeof(backfill)));
  for (int i = 0; i < 9; i++)
    assert_ok(store, store_case_check_failed(store, id, 20502, &failures));
  assert_ok(store, db_exec(store, backfill, NULL, 0, NULL));
  assert_ok(store, store_case_public_by_key(store, arena, office, "115-ZZ01-000003", &row));
  assert_int_equal(row.check_locked_day, 0);
  assert_ok(store, store_case_check_failed(store, id, 20502, &failures));
  assert_int_equal(failures, 10);
  assert_ok(store, db_exec(store, backfill, NULL, 0, NULL));
  assert_ok(store, store_case_public_by_key(store, arena, office, "115-ZZ01-000003", &row));
  assert_int_equal(row.check_locked_day, 20502);
  arena_free(arena);
}

#define SUITE_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup_migrated, teardown_close)

int store_suite_run(const char *url)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_migrate_idempotent, setup_open, teardown_close),
      SUITE_TEST(test_ping),
      SUITE_TEST(test_info),
      SUITE_TEST(test_office_put_get),
      SUITE_TEST(test_office_optional_fields),
      SUITE_TEST(test_office_update_by_slug),
      SUITE_TEST(test_office_list_by_id),
      SUITE_TEST(test_office_notfound),
      SUITE_TEST(test_office_invalid_refused),
      SUITE_TEST(test_units_put_list_order),
      SUITE_TEST(test_unit_update_by_code),
      SUITE_TEST(test_unit_invalid_refused),
      SUITE_TEST(test_unit_unknown_office),
      SUITE_TEST(test_settings),
      SUITE_TEST(test_rollback_discards),
      SUITE_TEST(test_commit_keeps),
      SUITE_TEST(test_two_connections),
      SUITE_TEST(test_catalog_service_put_get_list),
      SUITE_TEST(test_catalog_refusals),
      SUITE_TEST(test_catalog_files_and_forms),
      SUITE_TEST(test_catalog_faq_counters),
      SUITE_TEST(test_catalog_announcement_filters),
      SUITE_TEST(test_catalog_search_and_revisions),
      SUITE_TEST(test_catalog_statements_prepared_once),
      SUITE_TEST(test_seam_users_and_sessions),
      SUITE_TEST(test_seam_audit_append),
      SUITE_TEST(test_seam_case_numbers),
      SUITE_TEST(test_case_public_history),
      SUITE_TEST(test_case_mirror),
      SUITE_TEST(test_case_outcome_mirror),
      SUITE_TEST(test_case_check_failures),
      SUITE_TEST(test_read_transaction),
  };
  suite_url = url;
  return cmocka_run_group_tests_name("store suite", tests, NULL, NULL);
}
