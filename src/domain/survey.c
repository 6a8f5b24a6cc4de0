/*
 * survey.c - a survey's definition (survey.h): parsing and checking the JSON the builder edits
 * and imports, which wave is open on a day, which questions are shown, and checking answers.
 *
 * The definition:
 *   {"slug": "counter", "measure": "counter", "collect": "case"|"open",
 *    "title_zh": str, "title_en": str,
 *    "waves": [{"code": "2026Q1", "name_zh": str, "name_en": str, "opens": "2026-01-01",
 *               "closes": "2026-03-31"}],
 *    "questions": [{"code": "q1", "kind": "scale5"|"single"|"multi"|"text", "text_zh": str,
 *                   "text_en": str, "required": bool,
 *                   "options": [{"code": "a", "zh": str, "en": str}],
 *                   "when": {"question": "q0", "in": ["1", "2"]}}]}
 */
#include <string.h>

#include "base/arena.h"
#include "base/civil.h"
#include "base/str.h"
#include "domain/read_model.h"
#include "domain/survey.h"

#include "base/common.h"

static const char *const kind_names[] = {"scale5", "single", "multi", "text"};

/* A code: [a-z0-9_-]{1,40}. */
static bool code_valid(const char *s)
{
  size_t n = s ? strlen(s) : 0;
  if (n == 0 || n > 40)
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  }
  return true;
}

/* A member's text copied into the arena ("" when missing); NULL when not text or too long. */
static const char *text_of(struct arena *arena, json_t *o, const char *key, size_t max)
{
  json_t *v = json_object_get(o, key);
  if (!v)
    return "";
  if (!json_is_string(v) || json_string_length(v) > max ||
      !str_valid_text((struct str){json_string_value(v), json_string_length(v)}, true))
    return NULL;
  return arena_strndup(arena, json_string_value(v), json_string_length(v));
}

static int fail(const char **error, const char *key, const char **where, const char *code)
{
  *error = key;
  *where = code ? code : "";
  return ST_INVALID;
}

/* The "code" member of o copied into the arena (error messages outlive the definition). */
static const char *code_copy(struct arena *arena, json_t *o)
{
  const char *code = json_string_value(json_object_get(o, "code"));
  return code ? arena_strndup(arena, code, strnlen(code, 40)) : "";
}

static bool date_valid(const char *s)
{
  struct civil_date d;
  return s && strlen(s) == 10 && civil_parse_iso(str_from(s), &d) == 0;
}

static int parse_wave(struct arena *arena, json_t *w, struct survey_wave *out)
{
  out->code = text_of(arena, w, "code", 40);
  out->name_zh = text_of(arena, w, "name_zh", 100);
  out->name_en = text_of(arena, w, "name_en", 100);
  out->opens = text_of(arena, w, "opens", 10);
  out->closes = text_of(arena, w, "closes", 10);
  if (!out->code || !*out->code || !out->name_zh || !out->name_en || !date_valid(out->opens) ||
      !date_valid(out->closes) || strcmp(out->opens, out->closes) > 0)
    return ST_INVALID;
  if (!*out->name_zh)
    out->name_zh = out->code;
  return ST_OK;
}

static int parse_waves(struct arena *arena, json_t *def, struct survey *s, const char **error,
                       const char **where)
{
  json_t *waves = json_object_get(def, "waves"), *w;
  size_t i;
  if (waves && (!json_is_array(waves) || json_array_size(waves) > SURVEY_WAVES_MAX))
    return fail(error, "survey_err_waves", where, NULL);
  s->wave_count = json_array_size(waves);
  s->waves = read_model_array(arena, s->wave_count, sizeof(*s->waves));
  if (!s->waves)
    return ST_NOMEM;
  json_array_foreach(waves, i, w)
  {
    if (!json_is_object(w) || parse_wave(arena, w, &s->waves[i]))
      return fail(error, "survey_err_wave", where, code_copy(arena, w));
    for (size_t j = 0; j < i; j++)
      if (!strcmp(s->waves[j].code, s->waves[i].code))
        return fail(error, "survey_err_wave_twice", where, s->waves[i].code);
  }
  return ST_OK;
}

static int parse_options(struct arena *arena, json_t *q, struct survey_question *out)
{
  json_t *options = json_object_get(q, "options"), *o;
  size_t i;
  bool choice = out->kind == SURVEY_SINGLE || out->kind == SURVEY_MULTI;
  if (!choice)
    return options ? ST_INVALID : ST_OK;
  if (!json_is_array(options) || json_array_size(options) < 2 ||
      json_array_size(options) > SURVEY_OPTIONS_MAX)
    return ST_INVALID;
  out->option_count = json_array_size(options);
  out->options = read_model_array(arena, out->option_count, sizeof(*out->options));
  if (!out->options)
    return ST_NOMEM;
  json_array_foreach(options, i, o)
  {
    struct survey_option *opt = &out->options[i];
    opt->code = text_of(arena, o, "code", 40);
    opt->zh = text_of(arena, o, "zh", 200);
    opt->en = text_of(arena, o, "en", 200);
    if (!code_valid(opt->code) || !opt->zh || !*opt->zh || !opt->en)
      return ST_INVALID;
    for (size_t j = 0; j < i; j++)
      if (!strcmp(out->options[j].code, opt->code))
        return ST_INVALID;
  }
  return ST_OK;
}

/* Whether value is a possible answer of q (a scale value "1".."5" or an option's code). */
static bool value_valid(const struct survey_question *q, const char *value)
{
  if (q->kind == SURVEY_SCALE5)
    return value && strlen(value) == 1 && value[0] >= '1' && value[0] <= '5';
  for (size_t i = 0; i < q->option_count; i++)
    if (!strcmp(q->options[i].code, value))
      return true;
  return false;
}

static const struct survey_question *question_of(const struct survey *s, size_t before,
                                                 const char *code)
{
  for (size_t i = 0; i < before; i++)
    if (!strcmp(s->questions[i].code, code))
      return &s->questions[i];
  return NULL;
}

/* The condition "when": an earlier question that is not free text, and values it can take. */
static int parse_when(struct arena *arena, const struct survey *s, size_t index, json_t *when,
                      struct survey_question *out)
{
  json_t *values = json_object_get(when, "in"), *v;
  size_t i;
  out->when_question = text_of(arena, when, "question", 40);
  const struct survey_question *target =
      out->when_question ? question_of(s, index, out->when_question) : NULL;
  if (!target || target->kind == SURVEY_TEXT || !json_is_array(values) ||
      json_array_size(values) == 0 || json_array_size(values) > SURVEY_OPTIONS_MAX)
    return ST_INVALID;
  out->when_count = json_array_size(values);
  out->when_values = read_model_array(arena, out->when_count, sizeof(*out->when_values));
  if (!out->when_values)
    return ST_NOMEM;
  json_array_foreach(values, i, v)
  {
    if (!json_is_string(v) || !value_valid(target, json_string_value(v)))
      return ST_INVALID;
    out->when_values[i] = arena_strdup(arena, json_string_value(v));
  }
  return ST_OK;
}

static int parse_question(struct arena *arena, const struct survey *s, size_t index, json_t *q)
{
  struct survey_question *out = &s->questions[index];
  const char *kind = json_string_value(json_object_get(q, "kind"));
  json_t *when = json_object_get(q, "when"), *required = json_object_get(q, "required");
  out->code = text_of(arena, q, "code", 40);
  out->text_zh = text_of(arena, q, "text_zh", 500);
  out->text_en = text_of(arena, q, "text_en", 500);
  out->when_question = "";
  out->kind = SURVEY_TEXT + 1;
  for (size_t k = 0; kind && k < ARRAY_LEN(kind_names); k++)
    if (!strcmp(kind, kind_names[k]))
      out->kind = (enum survey_kind)k;
  out->required = json_is_true(required);
  if (!code_valid(out->code) || question_of(s, index, out->code) || !out->text_zh ||
      !*out->text_zh || !out->text_en || out->kind > SURVEY_TEXT ||
      (required && !json_is_boolean(required)))
    return ST_INVALID;
  int rc = parse_options(arena, q, out);
  if (!rc && when)
    rc = json_is_object(when) ? parse_when(arena, s, index, when, out) : ST_INVALID;
  return rc;
}

static int parse_questions(struct arena *arena, json_t *def, struct survey *s, const char **error,
                           const char **where)
{
  json_t *questions = json_object_get(def, "questions"), *q;
  size_t i;
  if (!json_is_array(questions) || json_array_size(questions) == 0 ||
      json_array_size(questions) > SURVEY_QUESTIONS_MAX)
    return fail(error, "survey_err_questions", where, NULL);
  s->question_count = json_array_size(questions);
  s->questions = read_model_array(arena, s->question_count, sizeof(*s->questions));
  if (!s->questions)
    return ST_NOMEM;
  json_array_foreach(questions, i, q)
  {
    int rc = json_is_object(q) ? parse_question(arena, s, i, q) : ST_INVALID;
    if (rc == ST_INVALID)
      return fail(error, "survey_err_question", where, code_copy(arena, q));
    if (rc)
      return rc;
  }
  return ST_OK;
}

int survey_parse(struct arena *arena, json_t *def, struct survey *out, const char **error,
                 const char **where)
{
  memset(out, 0, sizeof(*out));
  *error = "";
  *where = "";
  if (!json_is_object(def))
    return fail(error, "survey_err_json", where, NULL);
  out->slug = text_of(arena, def, "slug", 40);
  out->measure = text_of(arena, def, "measure", 40);
  out->collect = text_of(arena, def, "collect", 10);
  out->title_zh = text_of(arena, def, "title_zh", 200);
  out->title_en = text_of(arena, def, "title_en", 200);
  if (!code_valid(out->slug) || !strcmp(out->slug, "tablet"))
    return fail(error, "survey_err_slug", where, NULL);
  if (!out->collect || (strcmp(out->collect, "case") != 0 && strcmp(out->collect, "open") != 0))
    return fail(error, "survey_err_collect", where, NULL);
  if (!out->title_zh || !*out->title_zh || !out->title_en || !out->measure)
    return fail(error, "survey_err_title", where, NULL);
  int rc = parse_waves(arena, def, out, error, where);
  return rc ? rc : parse_questions(arena, def, out, error, where);
}

const char *survey_wave_on(const struct survey *s, const char *today)
{
  if (s->wave_count == 0)
    return "";
  for (size_t i = 0; i < s->wave_count; i++)
    if (strcmp(s->waves[i].opens, today) <= 0 && strcmp(today, s->waves[i].closes) <= 0)
      return s->waves[i].code;
  return NULL;
}

/* Whether answer (a string or an array of strings) is or holds value. */
static bool answer_has(json_t *answer, const char *value)
{
  json_t *v;
  size_t i;
  if (json_is_string(answer))
    return !strcmp(json_string_value(answer), value);
  json_array_foreach(answer, i,
                     v) if (json_is_string(v) && !strcmp(json_string_value(v), value)) return true;
  return false;
}

bool survey_question_shown(const struct survey *s, const struct survey_question *q, json_t *answers)
{
  (void)s;
  if (!*q->when_question)
    return true;
  json_t *answer = json_object_get(answers, q->when_question);
  for (size_t i = 0; answer && i < q->when_count; i++)
    if (answer_has(answer, q->when_values[i]))
      return true;
  return false;
}

/* A multiple choice's answer (a string or a list of option codes): *out the list or NULL. */
static int check_multi(const struct survey_question *q, json_t *answer, json_t **out)
{
  json_t *v;
  size_t i;
  json_t *list = json_is_string(answer) ? json_pack("[O]", answer) : json_incref(answer);
  int rc = list && !json_is_array(list) ? ST_INVALID : ST_OK;
  json_array_foreach(rc ? NULL : list, i, v)
  {
    if (!json_is_string(v) || !value_valid(q, json_string_value(v)))
      rc = ST_INVALID;
  }
  if (rc || !json_array_size(list)) {
    json_decref(list);
    list = NULL;
  }
  *out = list;
  return rc;
}

/* One question's answer checked: *out the clean value (new reference) or NULL when empty. */
static int check_one(const struct survey_question *q, json_t *answer, json_t **out)
{
  *out = NULL;
  if (q->kind == SURVEY_MULTI)
    return check_multi(q, answer, out);
  const char *text = json_string_value(answer);
  if (answer && !text)
    return ST_INVALID;
  if (!text || !*text)
    return ST_OK;
  if (q->kind == SURVEY_TEXT && strlen(text) > SURVEY_TEXT_MAX_BYTES)
    return ST_LIMIT; /* too long: said as such, not as a choice to make again */
  if (q->kind != SURVEY_TEXT && !value_valid(q, text))
    return ST_INVALID;
  *out = json_string(text);
  return *out ? ST_OK : ST_NOMEM;
}

/* The tablet's question: the first five-point one. */
static const struct survey_question *quick_question(const struct survey *s)
{
  for (size_t i = 0; i < s->question_count; i++)
    if (s->questions[i].kind == SURVEY_SCALE5)
      return &s->questions[i];
  return NULL;
}

/* One shown question's answer into clean; required: it must be answered. */
static int check_question(const struct survey_question *q, json_t *answers, bool required,
                          json_t *clean, const char **error, const char **where)
{
  json_t *value = NULL;
  int rc = check_one(q, json_object_get(answers, q->code), &value);
  if (!rc && !value && required)
    rc = fail(error, "survey_err_required", where, q->code);
  else if (rc == ST_INVALID)
    rc = fail(error, "survey_err_answer", where, q->code);
  else if (rc == ST_LIMIT)
    rc = fail(error, "survey_err_too_long", where, q->code);
  if (!rc && value && json_object_set_new(clean, q->code, value))
    rc = ST_NOMEM;
  return rc;
}

int survey_answers_check(const struct survey *s, json_t *answers, bool quick, json_t **clean,
                         const char **error, const char **where)
{
  const struct survey_question *only = quick ? quick_question(s) : NULL;
  *clean = json_object();
  if (!*clean)
    return ST_NOMEM;
  for (size_t i = 0; i < s->question_count; i++) {
    const struct survey_question *q = &s->questions[i];
    if ((quick && q != only) || !survey_question_shown(s, q, *clean))
      continue;
    int rc = check_question(q, answers, q->required || quick, *clean, error, where);
    if (rc) {
      json_decref(*clean);
      *clean = NULL;
      return rc;
    }
  }
  if (json_object_size(*clean) == 0) {
    json_decref(*clean);
    *clean = NULL;
    return fail(error, "survey_err_empty", where, NULL);
  }
  return ST_OK;
}
