/*
 * survey_build_test.c - the form builder's changes to a survey definition (domain/survey_build.c,
 * survey_definition_edit): options read from lines, codes made up, a rename followed into the
 * conditions, moves at the ends, waves, and targets that are not there. The results are checked
 * with survey_parse, as the builder does before saving.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/arena.h"
#include "domain/survey.h"

#include "base/common.h"

static const char base_definition[] =
    "{\"slug\": \"t\", \"measure\": \"m\", \"collect\": \"open\", \"title_zh\": \"甲\", "
    "\"title_en\": \"A\", \"questions\": [{\"code\": \"overall\", \"kind\": \"scale5\", "
    "\"text_zh\": \"整體\", \"text_en\": \"Overall\"}]}";

static json_t *definition(void)
{
  json_t *def = json_loads(base_definition, 0, NULL);
  assert_non_null(def);
  return def;
}

static const char *at(json_t *def, const char *list, size_t i, const char *key)
{
  return json_string_value(json_object_get(json_array_get(json_object_get(def, list), i), key));
}

/* Whether def passes survey_parse; *error the key and *where the code at fault when not
 * (copied: the parse's arena is freed here). */
static bool parses(json_t *def, const char **error, const char **where)
{
  static char code[64];
  struct arena *arena = arena_new(64 * 1024);
  struct survey s;
  int rc = survey_parse(arena, def, &s, error, where);
  snprintf(code, sizeof(code), "%s", *where);
  *where = code;
  arena_free(arena);
  return rc == ST_OK;
}

static int apply(json_t *def, struct survey_edit e)
{
  const char *error, *where;
  return survey_definition_edit(def, &e, &error, &where);
}

static void test_add_question_with_option_lines(void **state)
{
  (void)state;
  json_t *def = definition();
  const char *error = "", *where = "";
  assert_int_equal(
      apply(def, (struct survey_edit){.action = SURVEY_EDIT_QUESTION,
                                      .kind = "single",
                                      .text_zh = "來源",
                                      .text_en = "Source",
                                      .required = true,
                                      .options = "web | 網站 | Website\n   \t  \n          朋友 | "
                                                 "A friend  \n報紙\n"}),
      ST_OK);
  assert_string_equal(at(def, "questions", 1, "code"), "q1");
  json_t *options =
      json_object_get(json_array_get(json_object_get(def, "questions"), 1), "options");
  assert_int_equal(json_array_size(options), 3);
  assert_string_equal(json_string_value(json_object_get(json_array_get(options, 0), "code")),
                      "web");
  assert_string_equal(json_string_value(json_object_get(json_array_get(options, 1), "code")), "o2");
  assert_string_equal(json_string_value(json_object_get(json_array_get(options, 1), "zh")), "朋友");
  assert_string_equal(json_string_value(json_object_get(json_array_get(options, 1), "en")),
                      "A friend");
  assert_string_equal(json_string_value(json_object_get(json_array_get(options, 2), "en")), "");
  assert_true(parses(def, &error, &where));
  /* a second one gets q2; free text carries no options even when some were typed */
  assert_int_equal(apply(def, (struct survey_edit){.action = SURVEY_EDIT_QUESTION,
                                                   .kind = "text",
                                                   .text_zh = "其他",
                                                   .options = "a | 甲 | A"}),
                   ST_OK);
  assert_string_equal(at(def, "questions", 2, "code"), "q2");
  assert_null(json_object_get(json_array_get(json_object_get(def, "questions"), 2), "options"));
  assert_true(parses(def, &error, &where));
  json_decref(def);
}

static void test_rename_follows_into_conditions(void **state)
{
  (void)state;
  json_t *def = definition();
  const char *error = "", *where = "";
  assert_int_equal(apply(def, (struct survey_edit){.action = SURVEY_EDIT_QUESTION,
                                                   .code = "why",
                                                   .kind = "text",
                                                   .text_zh = "為何",
                                                   .when_question = "overall",
                                                   .when_values = "1,2  3"}),
                   ST_OK);
  json_t *in = json_object_get(
      json_object_get(json_array_get(json_object_get(def, "questions"), 1), "when"), "in");
  assert_int_equal(json_array_size(in), 3);
  assert_string_equal(json_string_value(json_array_get(in, 2)), "3");
  assert_int_equal(apply(def, (struct survey_edit){.action = SURVEY_EDIT_QUESTION,
                                                   .target = "overall",
                                                   .code = "total",
                                                   .kind = "scale5",
                                                   .text_zh = "整體"}),
                   ST_OK);
  assert_string_equal(at(def, "questions", 0, "code"), "total");
  assert_string_equal(
      json_string_value(json_object_get(
          json_object_get(json_array_get(json_object_get(def, "questions"), 1), "when"),
          "question")),
      "total");
  assert_true(parses(def, &error, &where));
  /* moving the condition above its question: the parser names it */
  assert_int_equal(
      apply(def, (struct survey_edit){.action = SURVEY_EDIT_QUESTION_UP, .target = "why"}), ST_OK);
  assert_false(parses(def, &error, &where));
  assert_string_equal(error, "survey_err_question");
  assert_string_equal(where, "why");
  json_decref(def);
}

static void test_moves_at_the_ends_and_missing_targets(void **state)
{
  (void)state;
  json_t *def = definition();
  assert_int_equal(apply(def, (struct survey_edit){.action = SURVEY_EDIT_QUESTION,
                                                   .code = "b",
                                                   .kind = "text",
                                                   .text_zh = "乙"}),
                   ST_OK);
  assert_int_equal(
      apply(def, (struct survey_edit){.action = SURVEY_EDIT_QUESTION_UP, .target = "overall"}),
      ST_OK);
  assert_int_equal(
      apply(def, (struct survey_edit){.action = SURVEY_EDIT_QUESTION_DOWN, .target = "b"}), ST_OK);
  assert_string_equal(at(def, "questions", 0, "code"), "overall");
  assert_string_equal(at(def, "questions", 1, "code"), "b");
  assert_int_equal(
      apply(def, (struct survey_edit){.action = SURVEY_EDIT_QUESTION_DOWN, .target = "overall"}),
      ST_OK);
  assert_string_equal(at(def, "questions", 0, "code"), "b");
  assert_int_equal(
      apply(def, (struct survey_edit){.action = SURVEY_EDIT_QUESTION_REMOVE, .target = "nosuch"}),
      ST_NOTFOUND);
  assert_int_equal(apply(def, (struct survey_edit){.action = SURVEY_EDIT_QUESTION,
                                                   .target = "nosuch",
                                                   .kind = "text",
                                                   .text_zh = "丙"}),
                   ST_NOTFOUND);
  assert_int_equal(
      apply(def, (struct survey_edit){.action = SURVEY_EDIT_QUESTION_REMOVE, .target = "b"}),
      ST_OK);
  assert_int_equal(json_array_size(json_object_get(def, "questions")), 1);
  json_decref(def);
}

static void test_waves_and_settings(void **state)
{
  (void)state;
  json_t *def = definition();
  const char *error = "", *where = "";
  struct survey_edit wave = {.action = SURVEY_EDIT_WAVE,
                             .code = "h1",
                             .name_zh = "上半年",
                             .name_en = "H1",
                             .opens = "2026-01-01",
                             .closes = "2026-06-30"};
  assert_int_equal(apply(def, wave), ST_OK);
  assert_true(parses(def, &error, &where));
  wave.target = "h1", wave.closes = "2025-12-31";
  assert_int_equal(apply(def, wave), ST_OK);
  assert_string_equal(at(def, "waves", 0, "closes"), "2025-12-31");
  assert_false(parses(def, &error, &where));
  assert_string_equal(error, "survey_err_wave");
  assert_string_equal(where, "h1");
  assert_int_equal(
      apply(def, (struct survey_edit){.action = SURVEY_EDIT_WAVE_REMOVE, .target = "h1"}), ST_OK);
  assert_int_equal(json_array_size(json_object_get(def, "waves")), 0);
  assert_int_equal(
      apply(def, (struct survey_edit){.action = SURVEY_EDIT_WAVE_REMOVE, .target = "h1"}),
      ST_NOTFOUND);
  assert_int_equal(apply(def, (struct survey_edit){.action = SURVEY_EDIT_SETTINGS,
                                                   .title_zh = "",
                                                   .title_en = "B",
                                                   .measure = "m",
                                                   .collect = "case"}),
                   ST_OK);
  assert_false(parses(def, &error, &where));
  assert_string_equal(error, "survey_err_title");
  json_decref(def);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_add_question_with_option_lines),
      cmocka_unit_test(test_rename_follows_into_conditions),
      cmocka_unit_test(test_moves_at_the_ends_and_missing_targets),
      cmocka_unit_test(test_waves_and_settings),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
