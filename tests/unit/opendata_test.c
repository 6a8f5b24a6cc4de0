/*
 * opendata_test.c - the open data rules that need no server: which counts are withheld, every
 * dataset's dictionary complete in both languages with unique field names, and the writers:
 * CSV quoting with a BOM, JSON numbers and nulls, and an ODS whose first zip entry is the
 * stored mimetype.
 */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "web/public/opendata.h"

static void test_small_counts(void **state)
{
  (void)state;
  assert_true(opendata_count_shown(0, 3));
  assert_false(opendata_count_shown(1, 3));
  assert_false(opendata_count_shown(2, 3));
  assert_true(opendata_count_shown(3, 3));
  assert_false(opendata_count_shown(4, 5));
  assert_true(opendata_count_shown(1, 1));
}

static void test_dictionaries(void **state)
{
  (void)state;
  size_t n = 0;
  const struct od_dataset *sets = opendata_datasets(&n);
  assert_true(n >= 6);
  for (size_t i = 0; i < n; i++) {
    assert_ptr_equal(opendata_dataset(sets[i].id), &sets[i]);
    assert_true(*sets[i].title_zh && *sets[i].title_en && *sets[i].description_en);
    assert_int_equal(sets[i].available, sets[i].field_count > 0);
    for (size_t f = 0; f < sets[i].field_count; f++) {
      const struct od_field *a = &sets[i].fields[f];
      assert_true(*a->name && *a->meaning_zh && *a->meaning_en);
      assert_true((*a->unit_zh == '\0') == (*a->unit_en == '\0'));
      for (size_t g = f + 1; g < sets[i].field_count; g++)
        assert_string_not_equal(a->name, sets[i].fields[g].name);
    }
  }
  assert_null(opendata_dataset("nothing"));
}

/* A table of the services' shape with a comma, a quote and an empty cell. */
static void table_of(struct od_table *t, const char **cells)
{
  const struct od_dataset *set = opendata_dataset("services");
  assert_non_null(set);
  for (size_t i = 0; i < set->field_count; i++)
    cells[i] = "x";
  cells[1] = "買賣, \"移轉\"";
  cells[2] = NULL;
  cells[7] = "1.50";
  *t = (struct od_table){set, cells, 1, 0, 3, 0};
}

static void test_writers(void **state)
{
  (void)state;
  const char *cells[32];
  struct od_table t;
  struct od_meta m = {"新興地政事務所", "Xinxing Land Office", "2026-03-10"};
  struct buf out;
  table_of(&t, cells);
  buf_init(&out, 1 << 20);
  assert_int_equal(od_csv(&t, &out), 0);
  assert_memory_equal(out.data, "\xEF\xBB\xBFservice_code,service_zh,", 27);
  assert_int_equal(buf_putc(&out, '\0'), 0); /* for strstr */
  assert_non_null(strstr(out.data, "\r\nx,\"買賣, \"\"移轉\"\"\",,x,"));
  buf_reset(&out);
  assert_int_equal(od_json(&t, &m, &out), 0);
  json_t *doc = json_loadb(out.data, out.len, 0, NULL);
  assert_non_null(doc);
  json_t *row = json_array_get(json_object_get(doc, "rows"), 0);
  assert_true(json_is_null(json_object_get(row, "service_en")));
  assert_true(json_is_real(json_object_get(row, "time_limit_hours")));
  assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "license"), "url")),
                      "https://data.gov.tw/license");
  json_decref(doc);
  buf_reset(&out);
  assert_int_equal(od_ods(&t, &m, &out), 0);
  assert_memory_equal(out.data, "PK\x03\x04", 4);
  assert_int_equal((unsigned char)out.data[8], 0);
  assert_memory_equal(out.data + 30, "mimetypeapplication/vnd.oasis.opendocument.spreadsheet", 54);
  buf_free(&out);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_small_counts),
      cmocka_unit_test(test_dictionaries),
      cmocka_unit_test(test_writers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
