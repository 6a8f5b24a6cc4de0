/*
 * form_test.c - application form definitions (form.h): what a definition may say, and how each
 * datatype's answers are checked and normalised.
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

#include "domain/form.h"
#include "base/common.h"

static const char *definition_text =
    "[{\"code\": \"purpose\", \"datatype\": \"singlevaluelist\", \"required\": true, \"order\": 2,"
    "  \"label_zh\": \"申請用途\", \"label_en\": \"Purpose\","
    "  \"values\": [{\"key\": \"sale\", \"name_zh\": \"買賣\", \"name_en\": \"Sale\"},"
    "             {\"key\": \"gift\", \"name_zh\": \"贈與\", \"name_en\": \"Gift\"}]},"
    " {\"code\": \"copies\", \"datatype\": \"number\", \"order\": 1, \"label_zh\": \"份數\"},"
    " {\"code\": \"when\", \"datatype\": \"datetime\", \"order\": 3, \"label_zh\": \"日期\"},"
    " {\"code\": \"note\", \"datatype\": \"text\", \"order\": 4, \"label_zh\": \"說明\"},"
    " {\"code\": \"name\", \"datatype\": \"string\", \"order\": 5, \"required\": true,"
    "  \"label_zh\": \"姓名\"},"
    " {\"code\": \"docs\", \"datatype\": \"multivaluelist\", \"order\": 6, \"label_zh\": \"文件\","
    "  \"values\": [{\"key\": \"a\", \"name_zh\": \"甲\", \"name_en\": \"A\"},"
    "             {\"key\": \"b\", \"name_zh\": \"乙\", \"name_en\": \"B\"}]},"
    " {\"code\": \"info\", \"datatype\": \"text\", \"variable\": false, \"order\": 7,"
    "  \"label_zh\": \"請攜帶印章\"},"
    " {\"code\": \"sheets\", \"datatype\": \"number\", \"order\": 8, \"label_zh\": \"張數\","
    "  \"whole\": true, \"min\": 1, \"max\": 100},"
    " {\"code\": \"ratio\", \"datatype\": \"number\", \"order\": 9, \"label_zh\": \"比例\","
    "  \"min\": 0.5}]";

static json_t *load(const char *text)
{
  json_error_t error;
  json_t *v = json_loads(text, 0, &error);
  assert_non_null(v);
  return v;
}

static void test_check_accepts_definition(void **state)
{
  char err[200] = "";
  json_t *def = load(definition_text);
  assert_int_equal(form_check(def, err, sizeof(err)), ST_OK);
  assert_int_equal(form_check(NULL, err, sizeof(err)), ST_OK);
  json_t *sorted = form_normalise(def);
  assert_int_equal(json_array_size(sorted), 9);
  assert_string_equal(json_string_value(json_object_get(json_array_get(sorted, 0), "code")),
                      "copies");
  assert_true(json_is_false(json_object_get(json_array_get(sorted, 0), "required")));
  assert_true(json_is_true(json_object_get(json_array_get(sorted, 0), "variable")));
  json_decref(sorted);
  json_decref(def);
}

static void expect_refused(const char *text, const char *needle)
{
  char err[200] = "";
  json_t *def = load(text);
  assert_int_equal(form_check(def, err, sizeof(err)), ST_INVALID);
  if (!strstr(err, needle))
    fail_msg("error \"%s\" does not mention \"%s\"", err, needle);
  json_decref(def);
}

static void test_check_refuses(void **state)
{
  expect_refused("{}", "questions");
  expect_refused("[{\"code\": \"Bad\", \"datatype\": \"string\", \"label_zh\": \"x\"}]", "code");
  expect_refused("[{\"code\": \"a\", \"datatype\": \"photo\", \"label_zh\": \"x\"}]", "datatype");
  expect_refused("[{\"code\": \"a\", \"datatype\": \"string\"}]", "label_zh");
  expect_refused("[{\"code\": \"a\", \"datatype\": \"string\", \"label_zh\": \"x\", \"x\": 1}]",
                 "questions[0].x");
  expect_refused("[{\"code\": \"a\", \"datatype\": \"string\", \"label_zh\": \"x\"},"
                 " {\"code\": \"a\", \"datatype\": \"text\", \"label_zh\": \"y\"}]",
                 "questions[1]: code is used twice");
  expect_refused("[{\"code\": \"a\", \"datatype\": \"string\", \"label_zh\": \"x\", \"order\": 2},"
                 " {\"code\": \"b\", \"datatype\": \"text\", \"label_zh\": \"y\", \"order\": 2}]",
                 "order is used twice");
  expect_refused("[{\"code\": \"a\", \"datatype\": \"singlevaluelist\", \"label_zh\": \"x\"}]",
                 "values");
  expect_refused("[{\"code\": \"a\", \"datatype\": \"string\", \"label_zh\": \"x\","
                 " \"values\": [{\"key\": \"k\", \"name_zh\": \"n\"}]}]",
                 "only for list");
  expect_refused("[{\"code\": \"a\", \"datatype\": \"singlevaluelist\", \"label_zh\": \"x\","
                 " \"values\": [{\"key\": \"k\", \"name_zh\": \"n\"}, {\"key\": \"k\","
                 " \"name_zh\": \"m\"}]}]",
                 "values[1]: key is used twice");
  expect_refused("[{\"code\": \"a\", \"datatype\": \"string\", \"label_zh\": \"x\\ny\"}]",
                 "one line");
  expect_refused("[{\"code\": \"a\", \"datatype\": \"string\", \"label_zh\": \"x\","
                 " \"required\": \"yes\"}]",
                 "true or false");
  expect_refused("[{\"code\": \"a\", \"datatype\": \"string\", \"label_zh\": \"x\", \"min\": 1}]",
                 "only for numbers");
  expect_refused(
      "[{\"code\": \"a\", \"datatype\": \"number\", \"label_zh\": \"x\", \"max\": \"9\"}]",
      "must be numbers");
  expect_refused("[{\"code\": \"a\", \"datatype\": \"number\", \"label_zh\": \"x\", \"min\": 5,"
                 " \"max\": 4}]",
                 "min must not be above max");
  expect_refused("[{\"code\": \"a\", \"datatype\": \"number\", \"label_zh\": \"x\", \"whole\": 1}]",
                 "whole must be true or false");
}

/* Answers one question of the definition; returns the normalised value as text ("" when no
 * value) or the refusal key. */
static char result[256];
static const char *answer(const char *code, json_t *value)
{
  json_t *def = load(definition_text);
  json_t *out = NULL;
  struct form_error why = {0};
  bool ok = form_answer(form_question(def, code), value, &out, &why);
  if (!ok)
    snprintf(result, sizeof(result), "!%s", why.key);
  else if (!out)
    snprintf(result, sizeof(result), "%s", "");
  else if (json_is_string(out))
    snprintf(result, sizeof(result), "%s", json_string_value(out));
  else {
    char *dump = json_dumps(out, JSON_COMPACT);
    snprintf(result, sizeof(result), "%s", dump);
    free(dump);
  }
  json_decref(out);
  json_decref(value);
  json_decref(def);
  return result;
}

static void test_numbers(void **state)
{
  assert_string_equal(answer("copies", json_string(" 1,234.5 ")), "1234.5");
  assert_string_equal(answer("copies", json_string("１２")), "12");
  assert_string_equal(answer("copies", json_string("-3")), "-3");
  assert_string_equal(answer("copies", json_string("3.")), "!form_err_number");
  assert_string_equal(answer("copies", json_string("1e9")), "!form_err_number");
  assert_string_equal(answer("copies", json_string("1234567890123456")), "!form_err_number");
  assert_string_equal(answer("copies", json_string("")), "");
  assert_string_equal(answer("copies", NULL), "");
  /* a question's bounds: whole numbers from 1 to 100 */
  assert_string_equal(answer("sheets", json_string("1")), "1");
  assert_string_equal(answer("sheets", json_string("１００")), "100");
  assert_string_equal(answer("sheets", json_string("0")), "!form_err_range");
  assert_string_equal(answer("sheets", json_string("-1")), "!form_err_range");
  assert_string_equal(answer("sheets", json_string("101")), "!form_err_range");
  assert_string_equal(answer("sheets", json_string("2147483648")), "!form_err_range");
  assert_string_equal(answer("sheets", json_string("1.5")), "!form_err_whole");
  assert_string_equal(answer("sheets", json_string("abc")), "!form_err_number");
  /* a JSON client's numbers are numbers; true is not */
  assert_string_equal(answer("sheets", json_integer(2)), "2");
  assert_string_equal(answer("ratio", json_real(2.5)), "2.5");
  assert_string_equal(answer("name", json_integer(2)), "!form_err_text"); /* text questions */
  assert_string_equal(answer("sheets", json_true()), "!form_err_text");
  assert_string_equal(answer("sheets", json_null()), "");
  /* a minimum alone, not whole */
  assert_string_equal(answer("ratio", json_string("0.5")), "0.5");
  assert_string_equal(answer("ratio", json_string("0.49")), "!form_err_range");
  assert_string_equal(answer("ratio", json_string("1000000")), "1000000");
}

static void test_datetimes(void **state)
{
  assert_string_equal(answer("when", json_string("2026-11-20")), "2026-11-20");
  assert_string_equal(answer("when", json_string("115/11/20")), "2026-11-20");
  assert_string_equal(answer("when", json_string("2026-11-20T09:15")), "2026-11-20T09:15:00+08:00");
  assert_string_equal(answer("when", json_string("2026-11-20T01:15:30Z")),
                      "2026-11-20T09:15:30+08:00");
  assert_string_equal(answer("when", json_string("2026-11-20 20:00:00-05:00")),
                      "2026-11-21T09:00:00+08:00");
  assert_string_equal(answer("when", json_string("2026-02-29")), "!form_err_datetime");
  assert_string_equal(answer("when", json_string("2028-02-29")), "2028-02-29");
  assert_string_equal(answer("when", json_string("2026-11-20T25:00")), "!form_err_datetime");
  assert_string_equal(answer("when", json_string("tomorrow")), "!form_err_datetime");
}

static void test_texts(void **state)
{
  assert_string_equal(answer("name", json_string("  王小明 ")), "王小明");
  assert_string_equal(answer("name", json_string("   ")), "!form_err_required");
  assert_string_equal(answer("name", NULL), "!form_err_required");
  assert_string_equal(answer("name", json_string("a\nb")), "!form_err_text");
  assert_string_equal(answer("name", json_stringn("a\0b", 3)), "!form_err_text");
  assert_string_equal(answer("name", json_string_nocheck("\xff")), "!form_err_text");
  assert_string_equal(answer("name", json_integer(3)), "!form_err_text");
  assert_string_equal(answer("note", json_string("line 1\nline 2")), "line 1\nline 2");
  char *big = malloc(FORM_TEXT_MAX + 2);
  memset(big, 'x', FORM_TEXT_MAX + 1);
  big[FORM_TEXT_MAX + 1] = '\0';
  assert_string_equal(answer("note", json_string(big)), "!form_err_too_long");
  big[FORM_STRING_MAX + 1] = '\0';
  assert_string_equal(answer("name", json_string(big)), "!form_err_too_long");
  free(big);
}

static void test_lists(void **state)
{
  assert_string_equal(answer("purpose", json_string("gift")), "gift");
  assert_string_equal(answer("purpose", json_string("lease")), "!form_err_choice");
  assert_string_equal(answer("purpose", json_pack("[ss]", "sale", "gift")), "!form_err_choice");
  assert_string_equal(answer("purpose", json_array()), "!form_err_required");
  assert_string_equal(answer("docs", json_pack("[sss]", "b", "a", "b")), "[\"a\",\"b\"]");
  assert_string_equal(answer("docs", json_string("b")), "[\"b\"]");
  assert_string_equal(answer("docs", json_pack("[s]", "c")), "!form_err_choice");
  assert_string_equal(answer("docs", json_pack("[i]", 1)), "!form_err_choice");
  assert_string_equal(answer("info", json_string("ignored")), "");
}

static void test_answers_object(void **state)
{
  json_t *def = load(definition_text);
  json_t *out = NULL;
  const char *bad = NULL;
  struct form_error why = {0};
  json_t *given = json_pack("{s:s, s:s, s:s}", "purpose", "sale", "name", "王", "copies", "2");
  assert_true(form_answers(def, given, &out, &bad, &why));
  assert_int_equal(json_object_size(out), 3);
  json_decref(out);
  json_object_set_new(given, "extra", json_string("x"));
  assert_false(form_answers(def, given, &out, &bad, &why));
  assert_string_equal(bad, "extra");
  assert_string_equal(why.key, "form_err_unknown");
  json_object_del(given, "extra");
  json_object_del(given, "name");
  assert_false(form_answers(def, given, &out, &bad, &why));
  assert_string_equal(bad, "name");
  assert_string_equal(why.key, "form_err_required");
  json_decref(given);
  json_decref(def);
}

static void test_labels_and_display(void **state)
{
  json_t *def = load(definition_text);
  const json_t *docs = form_question(def, "docs");
  assert_string_equal(form_label(docs, "label", "en"), "文件"); /* no English: falls back */
  assert_string_equal(form_label(form_question(def, "purpose"), "label", "en"), "Purpose");
  json_t *chosen = json_pack("[ss]", "a", "b");
  char *text = form_answer_text(docs, chosen, "zh-TW");
  assert_string_equal(text, "甲、乙");
  free(text);
  text = form_answer_text(docs, chosen, "en");
  assert_string_equal(text, "A, B");
  free(text);
  json_t *one = json_string("gift");
  text = form_answer_text(form_question(def, "purpose"), one, "en");
  assert_string_equal(text, "Gift");
  free(text);
  json_decref(one);
  json_decref(chosen);
  json_decref(def);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_check_accepts_definition),
      cmocka_unit_test(test_check_refuses),
      cmocka_unit_test(test_numbers),
      cmocka_unit_test(test_datetimes),
      cmocka_unit_test(test_texts),
      cmocka_unit_test(test_lists),
      cmocka_unit_test(test_answers_object),
      cmocka_unit_test(test_labels_and_display),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
