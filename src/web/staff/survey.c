/*
 * survey.c - the survey list and the "advanced" JSON editor (web/staff/survey.h): the office's
 * surveys, a survey's definition edited as JSON on the page (the same text the export
 * downloads and the import takes), checked by the domain with a message naming the question
 * or wave at fault. The form builder (survey_build.c) writes the same definition through the
 * same check.
 */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "domain/audit.h"
#include "domain/directory.h"
#include "domain/survey.h"
#include "web/app.h"
#include "web/staff/survey.h"

#include "base/common.h"

/* A definition to start from: one wave, a five-point question, a condition and a free text. */
static const char example_definition[] =
    "{\n  \"slug\": \"counter-2026\",\n  \"measure\": \"counter\",\n  \"collect\": \"case\",\n"
    "  \"title_zh\": \"臨櫃服務滿意度調查\",\n  \"title_en\": \"Counter service survey\",\n"
    "  \"waves\": [{\"code\": \"2026Q1\", \"name_zh\": \"2026 年第 1 季\", \"name_en\": "
    "\"2026 Q1\", \"opens\": \"2026-01-01\", \"closes\": \"2026-03-31\"}],\n"
    "  \"questions\": [\n    {\"code\": \"overall\", \"kind\": \"scale5\", \"required\": true, "
    "\"text_zh\": \"整體而言，您對本次服務滿意嗎？\", \"text_en\": \"Overall, how satisfied are "
    "you with the service?\"},\n    {\"code\": \"why\", \"kind\": \"multi\", \"text_zh\": "
    "\"哪些地方需要改進？\", \"text_en\": \"What should we improve?\", \"options\": [{\"code\": "
    "\"wait\", \"zh\": \"等候時間\", \"en\": \"Waiting time\"}, {\"code\": \"staff\", \"zh\": "
    "\"服務態度\", \"en\": \"Staff courtesy\"}], \"when\": {\"question\": \"overall\", \"in\": "
    "[\"1\", \"2\", \"3\"]}},\n    {\"code\": \"say\", \"kind\": \"text\", \"text_zh\": "
    "\"其他建議\", \"text_en\": \"Anything else?\"}\n  ]\n}\n";

static int64_t id_capture(struct http_request *req)
{
  const char *s = http_capture(req, "id");
  char *end = NULL;
  long long id = s ? strtoll(s, &end, 10) : 0;
  return end && !*end && id > 0 ? (int64_t)id : 0;
}

static json_t *rows_view(struct http_request *req, const struct survey_row *rows, size_t n)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < n; i++) {
    const struct survey_row *r = &rows[i];
    const char *base = arena_printf(req->arena, "/staff/surveys/%lld", (long long)r->id);
    json_array_append_new(
        list,
        json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s}", "id", (json_int_t)r->id,
                  "build_href", arena_printf(req->arena, "%s/build", base), "slug", r->slug,
                  "title", directory_pick(r->title_zh, r->title_en, req->lang), "measure",
                  r->measure, "collect",
                  http_t(req, !strcmp(r->collect, "open") ? "survey_collect_open"
                                                          : "survey_collect_case"),
                  "answers", (json_int_t)r->answers, "href", base, "results_href",
                  arena_printf(req->arena, "%s/results", base), "export_href",
                  arena_printf(req->arena, "%s/export", base)));
  }
  return list;
}

/* The builder page: the office's surveys and the definition form (text: what to show in it). */
static int builder_page(struct http_request *req, struct http_response *res, int status,
                        const char *text, json_t *extra)
{
  struct store *store;
  struct survey_row *rows = NULL;
  size_t n = 0;
  int rc = web_store(req, &store);
  if (!rc)
    rc = survey_list_read(store, req->arena, req->session->office_id, &rows, &n);
  if (rc)
    return rc;
  json_t *view = json_pack("{s:s, s:o, s:s, s:b}", "title", http_t(req, "survey_admin_title"),
                           "surveys", rows_view(req, rows, n), "definition", text, "saved",
                           http_query(req, "saved") != NULL);
  if (view && extra && json_object_update(view, extra))
    rc = ST_NOMEM;
  return rc ? (json_decref(view), rc) : http_page(res, status, "staff/surveys", view);
}

int survey_admin_page(struct http_request *req, struct http_response *res, int status,
                      json_t *extra)
{
  return builder_page(req, res, status, example_definition, extra);
}

int survey_admin_list(struct http_request *req, struct http_response *res)
{
  return builder_page(req, res, 200, example_definition, NULL);
}

int survey_admin_show(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct survey s;
  int64_t id = id_capture(req);
  int rc = id ? web_store(req, &store) : ST_NOTFOUND;
  if (!rc)
    rc = survey_read(store, req->arena, req->session->office_id, id, &s);
  if (rc)
    return rc;
  json_t *extra = json_pack("{s:{s:I, s:s, s:I, s:I}}", "editing", "id", (json_int_t)s.id, "title",
                            directory_pick(s.title_zh, s.title_en, req->lang), "questions",
                            (json_int_t)s.question_count, "waves", (json_int_t)s.wave_count);
  rc = extra ? builder_page(req, res, 200, s.definition, extra) : ST_NOMEM;
  json_decref(extra);
  return rc;
}

int survey_admin_save(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor who;
  const char *text = http_form(req, "definition"), *error = "", *where = "";
  int64_t id = 0;
  web_actor(req, &who);
  int rc = web_store(req, &store);
  if (!rc)
    rc = survey_save(store, req->arena, &who, text ? text : "", clock_now(), &id, &error, &where);
  if (!rc) {
    const char *to = arena_printf(req->arena, "/staff/surveys/%lld?saved=1", (long long)id);
    return to ? http_redirect(res, 303, to) : ST_NOMEM;
  }
  if (rc != ST_INVALID)
    return rc;
  const char *message = http_t(req, *error ? error : "survey_err_json");
  if (*where)
    message = arena_printf(req->arena, "%s（%s）", message, where);
  json_t *extra = json_object();
  rc = extra && message ? web_form_error_text(extra, "definition", message) : ST_NOMEM;
  if (!rc)
    rc = builder_page(req, res, 400, text ? text : "", extra);
  json_decref(extra);
  return rc;
}

int survey_admin_export(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct survey s;
  int64_t id = id_capture(req);
  int rc = id ? web_store(req, &store) : ST_NOTFOUND;
  if (!rc)
    rc = survey_read(store, req->arena, req->session->office_id, id, &s);
  if (rc)
    return rc;
  const char *disposition =
      arena_printf(req->arena, "attachment; filename=\"survey-%s.json\"", s.slug);
  rc = disposition ? http_raw(res, 200, "application/json; charset=utf-8", s.definition,
                              strlen(s.definition))
                   : ST_NOMEM;
  return rc ? rc : http_header_add(res, "Content-Disposition", disposition);
}
