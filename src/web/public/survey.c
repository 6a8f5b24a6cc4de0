/*
 * survey.c - answering a survey (web/public/survey.h): the page of questions, its answer, and
 * the kind pages for a survey already answered, closed, or with no visit to rate. Conditional
 * questions are shown with the condition in words (no JavaScript needed); the domain keeps
 * only the answers of the questions the condition shows. The tablet asks the survey's first
 * five-point question as five large buttons and starts again after each answer.
 */
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "domain/directory.h"
#include "domain/survey.h"
#include "web/app.h"
#include "web/public/catalog.h"
#include "web/public/survey.h"

#include "base/common.h"

static const char *pick(struct http_request *req, const char *zh, const char *en)
{
  return directory_pick(zh, en, req->lang);
}

/* The answers posted, by field name: a value, or the values of a field sent more than once (a
 * multiple choice); the domain keeps only the survey's questions. */
static json_t *answers_of(struct http_request *req)
{
  json_t *answers = json_object();
  for (size_t f = 0; answers && f < req->form_count; f++) {
    const char *name = arena_strndup(req->arena, req->form[f].name.ptr, req->form[f].name.len);
    const char *value = arena_strndup(req->arena, req->form[f].value.ptr, req->form[f].value.len);
    if (!name || !value) {
      json_decref(answers);
      return NULL;
    }
    json_t *had = json_object_get(answers, name), *v = json_string(value);
    if (!v || !strcmp(name, "csrf") || !strcmp(name, "counter")) {
      json_decref(v);
      continue;
    }
    if (!had)
      json_object_set_new(answers, name, v);
    else if (json_is_array(had))
      json_array_append_new(had, v);
    else
      json_object_set_new(answers, name, json_pack("[O,o]", had, v));
  }
  return answers;
}

static bool chosen(json_t *answer, const char *value)
{
  json_t *v;
  size_t i;
  if (json_is_string(answer))
    return !strcmp(json_string_value(answer), value);
  json_array_foreach(answer, i, v) if (!strcmp(json_string_value(v), value)) return true;
  return false;
}

static json_t *choices_view(struct http_request *req, const struct survey_question *q,
                            json_t *answer)
{
  json_t *list = json_array();
  static const char *const scale[] = {"1", "2", "3", "4", "5"};
  size_t n = q->kind == SURVEY_SCALE5 ? 5 : q->option_count;
  for (size_t k = 0; list && k < n; k++) {
    const char *value = q->kind == SURVEY_SCALE5 ? scale[k] : q->options[k].code;
    const char *label = q->kind == SURVEY_SCALE5
                            ? http_t(req, arena_printf(req->arena, "survey_scale_%s", value))
                            : pick(req, q->options[k].zh, q->options[k].en);
    json_array_append_new(list,
                          json_pack("{s:s, s:s, s:s, s:b}", "value", value, "label", label, "id",
                                    k ? arena_printf(req->arena, "%s-%zu", q->code, k) : q->code,
                                    "checked", chosen(answer, value)));
  }
  return list;
}

/* The words for an answer value of question target: an option's label, or a scale value with
 * its meaning ("5 非常滿意"). */
static const char *value_label(struct http_request *req, const struct survey_question *target,
                               const char *value)
{
  if (target->kind == SURVEY_SCALE5)
    return arena_printf(req->arena, "%s %s", value,
                        http_t(req, arena_printf(req->arena, "survey_scale_%s", value)));
  for (size_t k = 0; k < target->option_count; k++)
    if (!strcmp(target->options[k].code, value))
      return pick(req, target->options[k].zh, target->options[k].en);
  return value;
}

/* "Answer this only if your answer to question N was 「…」、「…」." */
static const char *when_text(struct http_request *req, const struct survey *s,
                             const struct survey_question *q)
{
  size_t number = 0;
  const char *labels = "";
  for (size_t i = 0; i < s->question_count; i++)
    if (!strcmp(s->questions[i].code, q->when_question))
      number = i + 1;
  const struct survey_question *target = number ? &s->questions[number - 1] : NULL;
  for (size_t i = 0; target && labels && i < q->when_count; i++)
    labels =
        arena_printf(req->arena, "%s%s%s%s%s", labels, i ? http_t(req, "survey_or") : "",
                     http_t(req, "survey_quote_open"), value_label(req, target, q->when_values[i]),
                     http_t(req, "survey_quote_close"));
  return arena_printf(req->arena, "%s%zu%s%s%s", http_t(req, "survey_when_before"), number,
                      http_t(req, "survey_when_after"), labels ? labels : "",
                      http_t(req, "survey_when_end"));
}

static json_t *question_view(struct http_request *req, const struct survey *s, size_t i,
                             json_t *answers, const char *error)
{
  const struct survey_question *q = &s->questions[i];
  json_t *answer = json_object_get(answers, q->code);
  const char *when = *q->when_question ? when_text(req, s, q) : NULL;
  return json_pack("{s:s, s:I, s:s, s:b, s:b, s:b, s:b, s:b, s:o, s:s?, s:s, s:s?}", "code",
                   q->code, "number", (json_int_t)i + 1, "text", pick(req, q->text_zh, q->text_en),
                   "required", q->required, "is_scale", q->kind == SURVEY_SCALE5, "is_single",
                   q->kind == SURVEY_SINGLE, "is_multi", q->kind == SURVEY_MULTI, "is_text",
                   q->kind == SURVEY_TEXT, "choices", choices_view(req, q, answer), "when", when,
                   "value", json_is_string(answer) ? json_string_value(answer) : "", "error",
                   error);
}

/* The tablet's one question: the survey's first five-point question (NULL when none). */
static json_t *tablet_question(struct http_request *req, const struct survey *s)
{
  for (size_t i = 0; i < s->question_count; i++) {
    const struct survey_question *q = &s->questions[i];
    if (q->kind == SURVEY_SCALE5)
      return json_pack("{s:s, s:s, s:o}", "code", q->code, "text",
                       pick(req, q->text_zh, q->text_en), "choices", choices_view(req, q, NULL));
  }
  return NULL;
}

json_t *survey_questions_view(struct http_request *req, const struct survey *s)
{
  json_t *questions = json_array();
  for (size_t i = 0; questions && i < s->question_count; i++)
    if (json_array_append_new(questions, question_view(req, s, i, NULL, NULL)))
      return json_decref(questions), NULL;
  return questions;
}

/* A refused answer: the message key and the question's code ("" for the whole form). */
struct refusal {
  const char *key, *code;
};

/* The refusal as the page shows it: the message at its question (field_errors, and the
 * question's error id in its aria-describedby) and in the error summary, numbered like the
 * question and linked to its first input; a refusal of the whole form ("answer at least one
 * question") links to the first question. Members errors, field_errors, has_errors. */
static int refusal_add(struct http_request *req, const struct survey *s, json_t *view,
                       const struct refusal *r)
{
  const char *message = http_t(req, r->key);
  size_t number = 0;
  for (size_t i = 0; !number && *r->code && i < s->question_count; i++)
    if (!strcmp(s->questions[i].code, r->code))
      number = i + 1;
  const char *field = number ? r->code : s->question_count ? s->questions[0].code : "";
  const char *listed =
      number ? arena_printf(req->arena, "%s%zu%s%s", http_t(req, "survey_err_question_before"),
                            number, http_t(req, "survey_err_question_after"), message)
             : message;
  json_t *by_field = number ? json_pack("{s:s}", field, message) : json_object();
  json_t *errors = json_pack("[{s:s, s:s?}]", "field", field, "message", listed);
  if (!by_field || !errors) {
    json_decref(by_field);
    json_decref(errors);
    return ST_NOMEM;
  }
  if (json_object_set_new(view, "errors", errors) ||
      json_object_set_new(view, "field_errors", by_field) ||
      json_object_set_new(view, "has_errors", json_true()))
    return ST_NOMEM;
  return ST_OK;
}

/* The questions with the answers given and the refused one's message at it. */
static json_t *questions_view(struct http_request *req, const struct survey *s, json_t *answers,
                              const struct refusal *refused)
{
  json_t *questions = json_array();
  const char *error = refused && *refused->code ? http_t(req, refused->key) : NULL;
  for (size_t i = 0; questions && i < s->question_count; i++)
    json_array_append_new(
        questions,
        question_view(req, s, i, answers,
                      error && !strcmp(s->questions[i].code, refused->code) ? error : NULL));
  return questions;
}

/* The answer page's view: the survey and its state; answers refill the form after a refusal,
 * refused (NULL: none) says what to correct. */
static json_t *take_view(struct http_request *req, const struct survey_take *t, const char *action,
                         json_t *answers, const struct refusal *refused)
{
  const struct survey *s = &t->survey;
  json_t *questions = questions_view(req, s, answers, refused);
  bool tablet = !strcmp(t->channel, "tablet");
  json_t *view =
      json_pack("{s:s, s:s, s:o, s:b, s:b, s:b, s:b, s:b, s:s}", "title",
                pick(req, s->title_zh, s->title_en), "action", action, "questions", questions,
                "answered", t->answered, "closed", t->wave == NULL, "no_case", t->no_case, "tablet",
                tablet, "open_form", !t->answered && t->wave && !t->no_case, "counter", t->counter);
  if (view && refused && refusal_add(req, s, view, refused))
    json_decref(view), view = NULL;
  json_t *quick = view && tablet ? tablet_question(req, s) : NULL;
  if (view && quick)
    json_object_set_new(view, "tablet_question", quick);
  return view;
}

enum { COUNTER_MAX_BYTES = 16 };

/* The answer page for where, with status (200, or 400 / 409 after a refused answer). */
static int show(struct http_request *req, struct http_response *res, int status,
                const struct survey_where *where, const char *action, json_t *answers,
                const struct refusal *refused)
{
  struct store *store;
  struct survey_take t;
  int rc = web_store(req, &store);
  if (!rc)
    rc = survey_take_read(store, req->arena, where, clock_now(), &t);
  if (rc)
    return rc;
  json_t *view = take_view(req, &t, action, answers, refused);
  if (view && json_object_set_new(view, "thanks", json_boolean(http_query(req, "thanks") != NULL)))
    return json_decref(view), ST_NOMEM;
  return http_page(res, status, "public/survey", view);
}

static int submit(struct http_request *req, struct http_response *res,
                  const struct survey_where *where, const char *action, const char *done)
{
  struct store *store;
  const char *error = "", *code = "";
  json_t *answers = answers_of(req);
  int rc = answers ? web_store(req, &store) : ST_NOMEM;
  if (!rc)
    rc = survey_answer(store, req->arena, where, answers, clock_now(), &error, &code);
  if (!rc)
    rc = done ? http_redirect(res, 303, done) : ST_NOMEM;
  else if (rc == ST_CONFLICT || rc == ST_LIMIT)
    rc = show(req, res, 409, where, action, NULL, NULL);
  else if (rc == ST_INVALID) {
    struct refusal refused = {*error ? error : "survey_err_answer", code ? code : ""};
    rc = show(req, res, 400, where, action, answers, &refused);
  }
  json_decref(answers);
  return rc;
}

/* ---- a case's link ------------------------------------------------------------------------ */

static int case_where(struct http_request *req, struct survey_where *w, const char **action)
{
  const char *token = http_capture(req, "token");
  *w = (struct survey_where){SURVEY_BY_CASE, token, 0, "", ""};
  *action = token ? arena_printf(req->arena, "/s/%s", token) : NULL;
  return *action ? ST_OK : ST_NOMEM;
}

int survey_case_page(struct http_request *req, struct http_response *res)
{
  struct survey_where w;
  const char *action;
  int rc = case_where(req, &w, &action);
  return rc ? rc : show(req, res, 200, &w, action, NULL, NULL);
}

int survey_case_submit(struct http_request *req, struct http_response *res)
{
  struct survey_where w;
  const char *action;
  int rc = case_where(req, &w, &action);
  return rc ? rc : submit(req, res, &w, action, arena_printf(req->arena, "%s?thanks=1", action));
}

int survey_case_qr(struct http_request *req, struct http_response *res)
{
  const char *token = http_capture(req, "token");
  if (!token || strlen(token) > 64)
    return ST_NOTFOUND;
  return catalog_qr_response(req, res, arena_printf(req->arena, "/s/%s", token));
}

/* ---- the counter's tablet ----------------------------------------------------------------- */

static int tablet_where(struct http_request *req, struct office_ctx *o, const char *counter,
                        struct survey_where *w, const char **action)
{
  if (!counter || !*counter || strlen(counter) > COUNTER_MAX_BYTES)
    return ST_INVALID;
  int rc = office_ctx_open(req, o);
  *w = (struct survey_where){SURVEY_BY_TABLET, "", o->id, counter, ""};
  *action = rc ? NULL : arena_printf(req->arena, "/o/%s/survey/tablet", o->slug);
  return rc ? rc : (*action ? ST_OK : ST_NOMEM);
}

int survey_tablet_page(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  struct survey_where w;
  const char *action;
  int rc = tablet_where(req, &o, http_query(req, "counter"), &w, &action);
  if (!rc)
    rc = show(req, res, 200, &w, action, NULL, NULL);
  office_ctx_close(&o);
  return rc;
}

int survey_tablet_submit(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  struct survey_where w;
  const char *action, *counter = http_form(req, "counter");
  int rc = tablet_where(req, &o, counter, &w, &action);
  const char *done = rc ? NULL
                        : arena_printf(req->arena, "%s?counter=%s&thanks=1", action,
                                       http_url_encode(req->arena, counter));
  if (!rc)
    rc = submit(req, res, &w, action, done);
  office_ctx_close(&o);
  return rc;
}

/* ---- open to all -------------------------------------------------------------------------- */

static int open_where(struct http_request *req, struct office_ctx *o, struct survey_where *w,
                      const char **action)
{
  const char *slug = http_capture(req, "slug");
  int rc = office_ctx_open(req, o);
  *w = (struct survey_where){SURVEY_OPEN, "", o->id, "", slug ? slug : ""};
  *action = rc ? NULL : arena_printf(req->arena, "/o/%s/survey/%s", o->slug, w->slug);
  return rc ? rc : (*action ? ST_OK : ST_NOMEM);
}

int survey_open_page(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  struct survey_where w;
  const char *action;
  int rc = open_where(req, &o, &w, &action);
  if (!rc)
    rc = show(req, res, 200, &w, action, NULL, NULL);
  office_ctx_close(&o);
  return rc;
}

int survey_open_submit(struct http_request *req, struct http_response *res)
{
  struct office_ctx o = {0};
  struct survey_where w;
  const char *action;
  int rc = open_where(req, &o, &w, &action);
  if (!rc)
    rc = submit(req, res, &w, action, arena_printf(req->arena, "%s?thanks=1", action));
  office_ctx_close(&o);
  return rc;
}
