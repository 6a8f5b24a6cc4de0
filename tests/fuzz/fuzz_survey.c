/*
 * fuzz_survey.c - libFuzzer target for survey definitions and answers (domain/survey.c): the
 * JSON a builder imports (POST /staff/surveys) and the answers a citizen posts, checked against
 * it. The input is one JSON document {"definition": {...}, "answers": {...}}.
 *
 * Properties: a definition is parsed (ST_OK) or refused (ST_INVALID with an error key); the
 * answers of a parsed one are kept (ST_OK, only codes of the survey's questions, each shown by
 * its condition) or refused (ST_INVALID naming a question, or "none answered"), with the tablet's
 * quick check too; never a crash, a leak or a read outside the input.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "domain/survey.h"

#include "base/common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_answers(const struct survey *s, json_t *answers, bool quick)
{
  json_t *clean = NULL;
  const char *error = "", *where = "";
  int rc = survey_answers_check(s, answers, quick, &clean, &error, &where);
  if (rc != ST_OK && rc != ST_INVALID)
    abort();
  if (rc == ST_INVALID && (!error || !*error || clean))
    abort();
  const char *code;
  json_t *value;
  json_object_foreach(clean, code, value)
  {
    const struct survey_question *q = NULL;
    for (size_t i = 0; i < s->question_count; i++)
      if (!strcmp(s->questions[i].code, code))
        q = &s->questions[i];
    if (!q || !survey_question_shown(s, q, clean))
      abort();
  }
  json_decref(clean);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
  struct arena *arena = doc ? arena_new(1 << 20) : NULL;
  struct survey s;
  const char *error = "", *where = "";
  if (arena) {
    int rc = survey_parse(arena, json_object_get(doc, "definition"), &s, &error, &where);
    if (rc != ST_OK && rc != ST_INVALID && rc != ST_NOMEM)
      abort();
    if (rc == ST_INVALID && (!error || !*error || !where))
      abort();
    if (rc == ST_OK) {
      check_answers(&s, json_object_get(doc, "answers"), false);
      check_answers(&s, json_object_get(doc, "answers"), true);
      survey_wave_on(&s, "2026-03-10");
    }
  }
  arena_free(arena);
  json_decref(doc);
  return 0;
}
