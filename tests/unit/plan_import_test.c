/*
 * plan_import_test.c - domain/plan_import.h: the seeds' plan table (工作要項, 工作重點, 業務單位,
 * 完成期限, 指標, 目標) parsed from CSV with quoting, a BOM, continued items, ROC and ISO
 * deadlines, targets with units and linked indicators; a bad row is refused and named.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/arena.h"
#include "base/common.h"
#include "domain/plan_import.h"

#define HEAD "工作要項,工作重點,業務單位,完成期限,指標,目標\r\n"

struct parsed {
  struct plan_csv_row *rows;
  size_t count, bad_row;
  const char *reason;
  int rc;
};

static struct parsed parse(struct arena *a, const char *text)
{
  struct parsed p = {0};
  p.rc = plan_csv_parse(a, text, strlen(text), &p.rows, &p.count, &p.bad_row, &p.reason);
  return p;
}

static void test_table_layout(void **state)
{
  (void)state;
  struct arena *a = arena_new(8 * 1024 * 1024);
  struct parsed p = parse(
      a,
      "\xEF\xBB\xBF" HEAD "一、完備基礎服務,\"訂定SOP, 並公布\",登記課,115/06/30,kpi:on_time_rate,"
      "98%\r\n,\"雙語\"\"引導\"\"標誌\",測量課,2026-12-31,,\n\n二、意見回饋,座談會,各課,"
      "115.11.30,辦理場次,2 場\n一、完備基礎服務,二次補正,登記課,115-12-31,二次補正件數,0\n");
  assert_int_equal(p.rc, ST_OK);
  assert_int_equal(p.count, 4);
  assert_string_equal(p.rows[0].item, "一、完備基礎服務");
  assert_string_equal(p.rows[0].point, "訂定SOP, 並公布");
  assert_string_equal(p.rows[0].deadline, "2026-06-30");
  assert_string_equal(plan_indicator_link(p.rows[0].indicator), "on_time_rate");
  assert_int_equal(p.rows[0].target_milli, 98000);
  assert_string_equal(p.rows[0].target_unit, "%");
  /* an empty item continues the one above; quotes doubled inside a quoted cell */
  assert_string_equal(p.rows[1].item, "一、完備基礎服務");
  assert_int_equal(p.rows[1].item_no, 1);
  assert_string_equal(p.rows[1].point, "雙語\"引導\"標誌");
  assert_int_equal(p.rows[1].target_milli, -1);
  assert_int_equal(p.rows[2].item_no, 2);
  assert_string_equal(p.rows[2].unit, "各課");
  assert_string_equal(p.rows[2].deadline, "2026-11-30");
  assert_null(plan_indicator_link(p.rows[2].indicator));
  assert_int_equal(p.rows[2].target_milli, 2000);
  assert_string_equal(p.rows[2].target_unit, "場");
  /* an item named again keeps its number; the Chinese label links the indicator */
  assert_int_equal(p.rows[3].item_no, 1);
  assert_string_equal(plan_indicator_link(p.rows[3].indicator), "second_corrections");
  assert_int_equal(p.rows[3].target_milli, 0);
  arena_free(a);
}

static void test_bad_rows_named(void **state)
{
  (void)state;
  static const struct {
    const char *text;
    size_t row;
    const char *reason;
  } cases[] = {
      {"a,b,c\n", 0, "plan_err_heading"},
      {HEAD, 0, "plan_err_empty"},
      {HEAD "一,點,課,115/02/30,,\n", 1, "plan_err_deadline"},
      {HEAD "一,點,課,115/02/28,,\n一,點,課,2026-13-01,,\n", 2, "plan_err_deadline"},
      {HEAD "一,點,課,115/02/28,,\n一,,課,115/02/28,,\n", 2, "plan_err_point"},
      {HEAD "一,點,,115/02/28,,\n", 1, "plan_err_unit"},
      {HEAD ",點,課,115/02/28,,\n", 1, "plan_err_item"},
      {HEAD "一,點,課,115/02/28,kpi:nothing,1\n", 1, "plan_err_indicator"},
      {HEAD "一,點,課,115/02/28,辦理場次,\n", 1, "plan_err_target"},
      {HEAD "一,點,課,115/02/28,辦理場次,很多\n", 1, "plan_err_target"},
      {HEAD "一,點,課,115/02/28,,\n一,點,課,115/02/28\n", 2, "plan_err_columns"},
      {HEAD "一,\"點,課,115/02/28,,\n", 1, "plan_err_columns"},
  };
  for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
    struct arena *a = arena_new(8 * 1024 * 1024);
    struct parsed p = parse(a, cases[i].text);
    if (p.rc != ST_INVALID || p.bad_row != cases[i].row || strcmp(p.reason, cases[i].reason))
      fail_msg("case %zu: rc %d row %zu reason %s", i, p.rc, p.bad_row, p.reason);
    assert_null(p.rows);
    assert_int_equal(p.count, 0);
    arena_free(a);
  }
}

static void test_deadlines_and_targets(void **state)
{
  (void)state;
  char out[11];
  assert_int_equal(plan_deadline_parse("115/1/5", out), ST_OK);
  assert_string_equal(out, "2026-01-05");
  assert_int_equal(plan_deadline_parse("2024-02-29", out), ST_OK);
  assert_int_equal(plan_deadline_parse("113/02/30", out), ST_INVALID);
  assert_int_equal(plan_deadline_parse("115/01-05", out), ST_INVALID);
  assert_int_equal(plan_deadline_parse("115", out), ST_INVALID);
  assert_int_equal(plan_deadline_parse("", out), ST_INVALID);
  struct arena *a = arena_new(64 * 1024);
  int64_t milli;
  const char *unit;
  assert_int_equal(plan_target_parse(a, "97.5%", &milli, &unit), ST_OK);
  assert_int_equal(milli, 97500);
  assert_string_equal(unit, "%");
  assert_int_equal(plan_target_parse(a, "", &milli, &unit), ST_OK);
  assert_int_equal(milli, -1);
  assert_int_equal(plan_target_parse(a, "1.", &milli, &unit), ST_INVALID);
  assert_int_equal(plan_target_parse(a, "-3", &milli, &unit), ST_INVALID);
  arena_free(a);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table_layout),
      cmocka_unit_test(test_bad_rows_named),
      cmocka_unit_test(test_deadlines_and_targets),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
