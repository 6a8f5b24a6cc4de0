/*
 * survey_build.c - the survey builder's form pages (web/staff/survey.h): a survey's questions,
 * waves and settings edited with plain forms, one POST per change (add, edit, move, remove),
 * without JavaScript and without typing JSON; a new survey from a short form; and the preview
 * of the answer page as a citizen sees it. Every change goes through survey_edit_apply, which
 * checks the result with the same parser as the JSON editor (survey_parse), so a fault is
 * named the same way on both; a refused change shows the form again as typed, with status
 * 400, and nothing is saved. Forms carry the survey's version: a change made on a page drawn
 * before someone else's change is refused (409) rather than lost, and one without a version (or
 * with a malformed one) is refused (400) rather than saved unchecked.
 */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/str.h"
#include "domain/audit.h"
#include "domain/directory.h"
#include "domain/survey.h"
#include "web/app.h"
#include "web/public/survey.h"
#include "web/staff/survey.h"

#include "base/common.h"

static const char *const kind_names[] = {"scale5", "single", "multi", "text"};
static const char *const action_names[] = {"settings", "question", "remove",     "up",
                                           "down",     "wave",     "wave_remove"};

static int64_t id_of(struct http_request *req)
{
  const char *s = http_capture(req, "id");
  char *end = NULL;
  long long id = s ? strtoll(s, &end, 10) : 0;
  return end && !*end && id > 0 ? (int64_t)id : 0;
}

static const char *form_text(struct http_request *req, const char *name)
{
  const char *v = http_form(req, name);
  return v ? v : "";
}

/* The posted form as an edit; ST_INVALID for an unknown action, ST_CONFLICT (e filled in) for
 * a version that is no version the page draws (a positive number): read as 0 it would switch
 * off the check for someone else's change. */
static int edit_of(struct http_request *req, struct survey_edit *e)
{
  const char *action = form_text(req, "action");
  size_t a = 0;
  while (a < ARRAY_LEN(action_names) && strcmp(action, action_names[a]) != 0)
    a++;
  if (a == ARRAY_LEN(action_names))
    return ST_INVALID;
  int64_t version = 0;
  bool version_ok = !str_to_int64(str_from(form_text(req, "version")), 1, INT64_MAX, &version);
  *e = (struct survey_edit){
      .action = (enum survey_edit_action)a, .target = form_text(req, "target"), .version = version};
  e->title_zh = form_text(req, "title_zh"), e->title_en = form_text(req, "title_en");
  e->measure = form_text(req, "measure"), e->collect = form_text(req, "collect");
  e->code = form_text(req, "code"), e->kind = form_text(req, "kind");
  e->text_zh = form_text(req, "text_zh"), e->text_en = form_text(req, "text_en");
  e->options = form_text(req, "options"), e->required = *form_text(req, "required") != '\0';
  e->when_question = form_text(req, "when_question");
  e->when_values = form_text(req, "when_values");
  e->name_zh = form_text(req, "name_zh"), e->name_en = form_text(req, "name_en");
  e->opens = form_text(req, "opens"), e->closes = form_text(req, "closes");
  return version_ok ? ST_OK : ST_CONFLICT;
}

/* ---- the page's view ------------------------------------------------------------------------ */

static const char *kind_label(struct http_request *req, enum survey_kind kind)
{
  return http_t(req, arena_printf(req->arena, "survey_kind_%s", kind_names[kind]));
}

/* "code | 中文 | English" a line: the options as the form shows them. */
static const char *options_text(struct http_request *req, const struct survey_question *q)
{
  const char *text = "";
  for (size_t k = 0; text && k < q->option_count; k++)
    text = arena_printf(req->arena, "%s%s | %s | %s\n", text, q->options[k].code, q->options[k].zh,
                        q->options[k].en);
  return text;
}

static const char *values_text(struct http_request *req, const struct survey_question *q)
{
  const char *text = "";
  for (size_t k = 0; text && k < q->when_count; k++)
    text = arena_printf(req->arena, "%s%s%s", text, k ? ", " : "", q->when_values[k]);
  return text;
}

static json_t *question_row(struct http_request *req, const struct survey *s, size_t i,
                            const char *base)
{
  const struct survey_question *q = &s->questions[i];
  json_t *options = json_array();
  for (size_t k = 0; options && k < q->option_count; k++)
    json_array_append_new(
        options, json_string(directory_pick(q->options[k].zh, q->options[k].en, req->lang)));
  const char *when = *q->when_question
                         ? arena_printf(req->arena, "%s: %s", q->when_question, values_text(req, q))
                         : NULL;
  return json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:o, s:b, s:s?, s:s, s:b, s:b}", "number",
                   (json_int_t)i + 1, "code", q->code, "kind", kind_label(req, q->kind), "text_zh",
                   q->text_zh, "text_en", q->text_en, "required", q->required, "options", options,
                   "has_options", q->option_count > 0, "when", when, "edit_href",
                   arena_printf(req->arena, "%s?question=%s#question-form", base, q->code), "first",
                   i == 0, "last", i + 1 == s->question_count);
}

/* The question form's fields: e (typed) or the question of code in s, else empty. */
static struct survey_edit question_fields(struct http_request *req, const struct survey *s,
                                          const struct survey_edit *typed, const char *code)
{
  struct survey_edit f = {.action = SURVEY_EDIT_QUESTION, .target = ""};
  if (typed && typed->action == SURVEY_EDIT_QUESTION)
    return *typed;
  for (size_t i = 0; code && i < s->question_count; i++) {
    const struct survey_question *q = &s->questions[i];
    if (strcmp(q->code, code) != 0)
      continue;
    f = (struct survey_edit){.action = SURVEY_EDIT_QUESTION, .target = q->code};
    f.code = q->code, f.kind = kind_names[q->kind], f.text_zh = q->text_zh;
    f.text_en = q->text_en, f.required = q->required, f.options = options_text(req, q);
    f.when_question = q->when_question, f.when_values = values_text(req, q);
  }
  return f;
}

static json_t *kinds_view(struct http_request *req, const char *chosen)
{
  json_t *list = json_array();
  for (size_t k = 0; list && k < ARRAY_LEN(kind_names); k++)
    json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b}", "value", kind_names[k], "id",
                                          arena_printf(req->arena, "kind-%s", kind_names[k]),
                                          "label", kind_label(req, (enum survey_kind)k), "checked",
                                          chosen && !strcmp(chosen, kind_names[k])));
  return list;
}

/* The questions a condition may name: the ones before target (all when adding), not text. */
static json_t *when_choices(struct http_request *req, const struct survey *s, const char *target,
                            const char *chosen)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < s->question_count; i++) {
    const struct survey_question *q = &s->questions[i];
    if (target && !strcmp(q->code, target))
      break;
    if (q->kind != SURVEY_TEXT)
      json_array_append_new(
          list, json_pack("{s:s, s:s, s:b}", "value", q->code, "label",
                          arena_printf(req->arena, "%zu. %s", i + 1,
                                       directory_pick(q->text_zh, q->text_en, req->lang)),
                          "selected", chosen && !strcmp(chosen, q->code)));
  }
  return list;
}

static json_t *question_form(struct http_request *req, const struct survey *s,
                             const struct survey_edit *typed)
{
  struct survey_edit f = question_fields(req, s, typed, http_query(req, "question"));
  const char *target = f.target ? f.target : "";
  return json_pack("{s:b, s:s, s:s, s:o, s:s, s:s, s:b, s:s, s:o, s:s}", "editing", *target != 0,
                   "target", target, "code", f.code ? f.code : "", "kinds",
                   kinds_view(req, f.kind ? f.kind : "scale5"), "text_zh",
                   f.text_zh ? f.text_zh : "", "text_en", f.text_en ? f.text_en : "", "required",
                   f.required, "options", f.options ? f.options : "", "when_choices",
                   when_choices(req, s, *target ? target : NULL, f.when_question), "when_values",
                   f.when_values ? f.when_values : "");
}

static json_t *waves_view(struct http_request *req, const struct survey *s, const char *base)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < s->wave_count; i++) {
    const struct survey_wave *w = &s->waves[i];
    json_array_append_new(
        list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "code", w->code, "name_zh", w->name_zh,
                        "name_en", w->name_en, "opens", w->opens, "closes", w->closes, "edit_href",
                        arena_printf(req->arena, "%s?wave=%s#wave-form", base, w->code)));
  }
  return list;
}

static json_t *wave_form(const struct survey *s, const struct survey_edit *typed, const char *code)
{
  if (typed && typed->action == SURVEY_EDIT_WAVE)
    return json_pack("{s:b, s:s, s:s, s:s, s:s, s:s, s:s}", "editing", *typed->target != 0,
                     "target", typed->target, "code", typed->code, "name_zh", typed->name_zh,
                     "name_en", typed->name_en, "opens", typed->opens, "closes", typed->closes);
  for (size_t i = 0; code && i < s->wave_count; i++) {
    const struct survey_wave *w = &s->waves[i];
    if (!strcmp(w->code, code))
      return json_pack("{s:b, s:s, s:s, s:s, s:s, s:s, s:s}", "editing", 1, "target", w->code,
                       "code", w->code, "name_zh", w->name_zh, "name_en", w->name_en, "opens",
                       w->opens, "closes", w->closes);
  }
  return json_pack("{s:b, s:s, s:s, s:s, s:s, s:s, s:s}", "editing", 0, "target", "", "code", "",
                   "name_zh", "", "name_en", "", "opens", "", "closes", "");
}

static json_t *settings_view(const struct survey *s, const struct survey_edit *typed)
{
  bool own = typed && typed->action == SURVEY_EDIT_SETTINGS;
  const char *collect = own ? typed->collect : s->collect;
  return json_pack("{s:s, s:s, s:s, s:b, s:b}", "title_zh", own ? typed->title_zh : s->title_zh,
                   "title_en", own ? typed->title_en : s->title_en, "measure",
                   own ? typed->measure : s->measure, "collect_case", !strcmp(collect, "case"),
                   "collect_open", !strcmp(collect, "open"));
}

static json_t *build_view(struct http_request *req, const struct survey *s,
                          const struct survey_edit *typed)
{
  const char *base = arena_printf(req->arena, "/staff/surveys/%lld", (long long)s->id);
  const char *build = arena_printf(req->arena, "%s/build", base);
  json_t *questions = json_array();
  for (size_t i = 0; questions && i < s->question_count; i++)
    json_array_append_new(questions, question_row(req, s, i, build));
  return json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:b, s:o, s:s, s:s, s:s, s:b}",
                   "title", http_t(req, "survey_build_title"), "survey",
                   directory_pick(s->title_zh, s->title_en, req->lang), "slug", s->slug, "action",
                   build, "version", (json_int_t)s->updated_at, "settings", settings_view(s, typed),
                   "questions", questions, "question_form", question_form(req, s, typed), "waves",
                   waves_view(req, s, build), "has_waves", s->wave_count > 0, "wave_form",
                   wave_form(s, typed, http_query(req, "wave")), "preview_href",
                   arena_printf(req->arena, "%s/preview", base), "json_href", base, "results_href",
                   arena_printf(req->arena, "%s/results", base), "saved",
                   http_query(req, "saved") != NULL);
}

/* The builder page (status 200, or 400 / 409 with errors after a refused change). */
static int build_page(struct http_request *req, struct http_response *res, int status,
                      const struct survey_edit *typed, json_t *errors)
{
  struct store *store;
  struct survey s;
  int64_t id = id_of(req);
  int rc = id ? web_store(req, &store) : ST_NOTFOUND;
  if (!rc)
    rc = survey_read(store, req->arena, req->session->office_id, id, &s);
  if (rc)
    return rc;
  json_t *view = build_view(req, &s, typed);
  if (view && errors && json_object_update(view, errors))
    return json_decref(view), ST_NOMEM;
  return view ? http_page(res, status, "staff/survey_build", view) : ST_NOMEM;
}

int survey_build_page(struct http_request *req, struct http_response *res)
{
  return build_page(req, res, 200, NULL, NULL);
}

/* The field a refused change's message points at: the first field of its form (the question
 * list's for a change no form of the page sends, e NULL). */
static const char *error_field(const struct survey_edit *e)
{
  switch (e ? e->action : SURVEY_EDIT_QUESTION_REMOVE) {
  case SURVEY_EDIT_SETTINGS:
    return "title_zh";
  case SURVEY_EDIT_QUESTION:
    return "code";
  case SURVEY_EDIT_WAVE:
    return "wave-code";
  default:
    return "questions";
  }
}

/* A refused change: the page again with the fault named (the question or wave in brackets);
 * e is what was typed, NULL when the form was no form of the page (the page as it is). */
static int refused(struct http_request *req, struct http_response *res, int status,
                   const struct survey_edit *e, const char *error, const char *where)
{
  const char *message = http_t(req, *error ? error : "survey_err_json");
  if (*where)
    message = arena_printf(req->arena, "%s（%s）", message, where);
  json_t *errors = json_object();
  int rc = errors && message ? web_form_error_text(errors, error_field(e), message) : ST_NOMEM;
  if (!rc)
    rc = build_page(req, res, status, e, errors);
  json_decref(errors);
  return rc;
}

int survey_build_submit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor who;
  struct survey_edit e;
  const char *error = "", *where = "";
  int64_t id = id_of(req);
  int rc = !id ? ST_NOTFOUND : edit_of(req, &e);
  if (rc == ST_INVALID) /* an unknown action: e was not filled in */
    return refused(req, res, 400, NULL, "survey_err_action", "");
  if (rc == ST_CONFLICT) /* no version: the form is out of date; what was typed is kept */
    return refused(req, res, 400, &e, "survey_err_version", "");
  if (!rc)
    rc = web_store(req, &store);
  web_actor(req, &who);
  if (!rc)
    rc = survey_edit_apply(store, req->arena, &who, id, &e, clock_now(), &error, &where);
  if (!rc) {
    const char *to = arena_printf(req->arena, "/staff/surveys/%lld/build?saved=1", (long long)id);
    return to ? http_redirect(res, 303, to) : ST_NOMEM;
  }
  if (rc == ST_CONFLICT)
    return refused(req, res, 409, &e, "survey_err_changed", "");
  return rc == ST_INVALID ? refused(req, res, 400, &e, error, where) : rc;
}

/* ---- a new survey --------------------------------------------------------------------------- */

int survey_build_create(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor who;
  struct survey_edit e = {.action = SURVEY_EDIT_SETTINGS, .target = ""};
  const char *error = "", *where = "";
  int64_t id = 0;
  e.code = form_text(req, "slug"), e.title_zh = form_text(req, "title_zh");
  e.title_en = form_text(req, "title_en"), e.measure = form_text(req, "measure");
  e.collect = form_text(req, "collect");
  web_actor(req, &who);
  int rc = web_store(req, &store);
  if (!rc)
    rc = survey_create(store, req->arena, &who, &e, clock_now(), &id, &error, &where);
  if (!rc) {
    const char *to = arena_printf(req->arena, "/staff/surveys/%lld/build?saved=1", (long long)id);
    return to ? http_redirect(res, 303, to) : ST_NOMEM;
  }
  if (rc == ST_CONFLICT)
    error = "survey_err_slug_taken", rc = ST_INVALID;
  if (rc != ST_INVALID)
    return rc;
  json_t *extra = json_object();
  const char *message = http_t(req, *error ? error : "survey_err_json");
  rc = extra ? web_form_error_text(extra, "slug", message) : ST_NOMEM;
  if (!rc)
    rc = json_object_set_new(extra, "new_survey",
                             json_pack("{s:s, s:s, s:s, s:s, s:b}", "slug", e.code, "title_zh",
                                       e.title_zh, "title_en", e.title_en, "measure", e.measure,
                                       "collect_open", !strcmp(e.collect, "open")))
             ? ST_NOMEM
             : ST_OK;
  if (!rc)
    rc = survey_admin_page(req, res, 400, extra);
  json_decref(extra);
  return rc;
}

/* ---- the preview ---------------------------------------------------------------------------- */

int survey_build_preview(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct survey s;
  int64_t id = id_of(req);
  int rc = id ? web_store(req, &store) : ST_NOTFOUND;
  if (!rc)
    rc = survey_read(store, req->arena, req->session->office_id, id, &s);
  if (rc)
    return rc;
  const char *build = arena_printf(req->arena, "/staff/surveys/%lld/build", (long long)s.id);
  json_t *questions = survey_questions_view(req, &s);
  return questions ? http_page(res, 200, "staff/survey_preview",
                               json_pack("{s:s, s:s, s:o, s:s}", "title",
                                         directory_pick(s.title_zh, s.title_en, req->lang),
                                         "heading", http_t(req, "survey_preview_title"),
                                         "questions", questions, "build_href", build))
                   : ST_NOMEM;
}
