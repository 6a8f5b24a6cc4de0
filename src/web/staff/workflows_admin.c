/*
 * workflows_admin.c - /staff/admin/workflows (issue 15): an office admin lists the office's
 * workflows, edits one as a form (steps with both names, the plain words citizens read and the
 * flags; transitions one per line), sees its steps as a citizen will read them on the progress
 * page, saves a new version, and exports or imports every workflow as JSON. The domain
 * (domain/workflow_admin.h) checks, saves and audits; this file turns forms into definitions
 * and workflows into views.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/civil.h"
#include "base/clock.h"
#include "base/buf.h"
#include "domain/accounts.h"
#include "domain/audit.h"
#include "domain/workflow_admin.h"
#include "web/app.h"
#include "web/staff/workflows_admin.h"

#include "base/common.h"

static const char *const kinds[] = {"open", "paused", "final"};
static const char *const flags[] = {"completed", "clock_stops", "appointment", "outcome_document"};

static const char *pick(struct http_request *req, const char *zh, const char *en)
{
  return strcmp(req->lang, "en") == 0 && en && *en ? en : (zh ? zh : "");
}

static const char *form(struct http_request *req, const char *name);

/* A refused form shows what was typed: each of keys from the form into view. */
static void typed_back(struct http_request *req, json_t *view, const char *const *keys, size_t n)
{
  for (size_t i = 0; i < n; i++)
    json_object_set_new(view, keys[i], json_string(form(req, keys[i])));
}

/* ---- the list ------------------------------------------------------------------------------- */

static json_t *list_view(struct http_request *req, const struct workflow_admin_item *items,
                         size_t n)
{
  json_t *rows = json_array();
  for (size_t i = 0; rows && i < n; i++) {
    const struct workflow *wf = items[i].wf;
    json_array_append_new(
        rows, json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:s}", "code", wf->code, "name",
                        pick(req, wf->name_zh, wf->name_en), "version", (json_int_t)wf->version,
                        "steps", (json_int_t)wf->step_count, "saved_by", items[i].created_by,
                        "saved_at", web_datetime(req, items[i].created_at), "href",
                        arena_printf(req->arena, "/staff/admin/workflows/%s", wf->code)));
  }
  return json_pack("{s:s, s:o}", "title", http_t(req, "wfadmin_title"), "workflows", rows);
}

static int show_list(struct http_request *req, struct http_response *res, int status,
                     json_t *problems)
{
  struct store *store;
  struct workflow_admin_item *items = NULL;
  size_t n = 0;
  int rc = web_store(req, &store);
  if (!rc)
    rc = workflow_admin_list(store, req->arena, req->session->office_id, &items, &n);
  json_t *view = rc ? NULL : list_view(req, items, n);
  if (rc || !view)
    return rc ? rc : ST_NOMEM;
  const char *imported = http_query(req, "imported");
  if (imported)
    json_object_set_new(view, "imported", json_string(imported));
  size_t i;
  json_t *p;
  json_array_foreach(problems, i, p)
  {
    web_form_error_text(view, "file",
                        arena_printf(req->arena, "%s %s",
                                     http_t(req, json_string_value(json_object_get(p, "key"))),
                                     json_string_value(json_object_get(p, "what"))));
  }
  return http_page(res, status, "staff/workflows", view);
}

int wfadmin_list(struct http_request *req, struct http_response *res)
{
  return show_list(req, res, 200, NULL);
}

/* ---- the workflow's page ------------------------------------------------------------------- */

static json_t *kind_options(struct http_request *req, enum workflow_kind kind)
{
  json_t *list = json_array();
  for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
    json_array_append_new(
        list, json_pack("{s:s, s:s, s:b}", "value", kinds[i], "label",
                        http_t(req, arena_printf(req->arena, "wfadmin_kind_%s", kinds[i])),
                        "selected", (size_t)kind == i));
  return list;
}

/* What a step does besides its name, as one line of translated words. */
static const char *step_flags(struct http_request *req, const struct workflow_step *s)
{
  const bool on[] = {s->completed, s->clock_stops, s->appointment, s->outcome_document};
  const char *out = "";
  for (size_t f = 0; f < ARRAY_LEN(flags); f++)
    if (on[f])
      out = arena_printf(req->arena, "%s%s%s", out, *out ? "、" : "",
                         http_t(req, arena_printf(req->arena, "wfadmin_flag_%s", flags[f])));
  if (s->public_notice_days > 0)
    out = arena_printf(req->arena, "%s%s%s %d", out, *out ? "、" : "",
                       http_t(req, "wfadmin_flag_notice"), s->public_notice_days);
  return out ? out : "";
}

static json_t *step_rows(struct http_request *req, const struct workflow *wf)
{
  json_t *rows = json_array();
  for (size_t i = 0; rows && i < wf->step_count; i++) {
    const struct workflow_step *s = &wf->steps[i];
    json_array_append_new(
        rows, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "code", s->code, "name_zh", s->name_zh,
                        "name_en", s->name_en, "kind",
                        http_t(req, arena_printf(req->arena, "wfadmin_kind_%s", kinds[s->kind])),
                        "flags", step_flags(req, s), "href",
                        arena_printf(req->arena, "/staff/admin/workflows/%s/steps/%s", wf->code,
                                     s->code)));
  }
  return rows;
}

/* "from to role role [note]" per transition. */
static const char *transitions_text(struct http_request *req, const struct workflow *wf)
{
  struct buf b;
  buf_init(&b, (size_t)WORKFLOW_DEFINITION_MAX);
  for (size_t i = 0; i < wf->transition_count; i++) {
    const struct workflow_transition *t = &wf->transitions[i];
    buf_printf(&b, "%s %s", t->from, t->to);
    for (unsigned bit = 1; bit & ROLE_ALL; bit <<= 1)
      if (t->roles & bit)
        buf_printf(&b, " %s", role_name(bit));
    buf_printf(&b, "%s\n", t->note_required ? " note" : "");
  }
  const char *out = b.data ? arena_strndup(req->arena, b.data, b.len) : "";
  buf_free(&b);
  return out ? out : "";
}

/* The steps as the progress page lists them (web/cases/case_view.c public_steps): the open
 * steps and the first completed one, in the language of the page, the first step current. */
static json_t *preview(struct http_request *req, const struct workflow *wf)
{
  json_t *list = json_array();
  bool completed_shown = false;
  for (size_t i = 0; list && i < wf->step_count; i++) {
    const struct workflow_step *s = &wf->steps[i];
    if (s->kind != STEP_OPEN && !(s->completed && !completed_shown))
      continue;
    completed_shown = completed_shown || s->completed;
    json_array_append_new(list,
                          json_pack("{s:s, s:s, s:b}", "name", pick(req, s->name_zh, s->name_en),
                                    "plain", pick(req, s->plain_zh, s->plain_en), "current",
                                    strcmp(s->code, wf->initial) == 0));
  }
  return list;
}

static json_t *workflow_view(struct http_request *req, const struct workflow *wf)
{
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:s, s:o, s:s, s:s}", "title",
                   arena_printf(req->arena, "%s: %s", http_t(req, "wfadmin_edit_title"),
                                pick(req, wf->name_zh, wf->name_en)),
                   "code", wf->code, "name_zh", wf->name_zh, "name_en", wf->name_en, "initial",
                   wf->initial, "version", (json_int_t)wf->version, "steps", step_rows(req, wf),
                   "transitions", transitions_text(req, wf), "preview",
                   json_pack("{s:o}", "steps", preview(req, wf)), "action",
                   arena_printf(req->arena, "/staff/admin/workflows/%s", wf->code), "new_step_href",
                   arena_printf(req->arena, "/staff/admin/workflows/%s/steps/new", wf->code));
}

static void add_problems(struct http_request *req, json_t *view, const char *field,
                         json_t *problems)
{
  size_t i;
  json_t *p;
  json_array_foreach(problems, i, p)
  {
    web_form_error_text(view, field,
                        arena_printf(req->arena, "%s %s",
                                     http_t(req, json_string_value(json_object_get(p, "key"))),
                                     json_string_value(json_object_get(p, "what"))));
  }
}

static int show_workflow(struct http_request *req, struct http_response *res, int status,
                         const struct workflow *wf, json_t *problems)
{
  json_t *view = workflow_view(req, wf);
  if (!view)
    return ST_NOMEM;
  const char *saved = http_query(req, "saved");
  if (saved && status == 200)
    json_object_set_new(view, "saved", json_string(saved));
  static const char *const typed[] = {"name_zh", "name_en", "initial", "transitions"};
  if (status == 400)
    typed_back(req, view, typed, ARRAY_LEN(typed));
  add_problems(req, view, "transitions", problems);
  return http_page(res, status, "staff/workflow_form", view);
}

/* The office's current workflow of the {code} capture; ST_NOTFOUND when none. */
static int current(struct http_request *req, struct store **store, const struct workflow **wf)
{
  int rc = web_store(req, store);
  return rc ? rc
            : workflow_admin_get(*store, req->session->office_id, http_capture(req, "code"), wf);
}

int wfadmin_edit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct workflow *wf = NULL;
  int rc = current(req, &store, &wf);
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, "error_not_found");
  return rc ? rc : show_workflow(req, res, 200, wf, NULL);
}

/* ---- the step's page ------------------------------------------------------------------------ */

/* The step form as typed (a refused save). */
static void step_typed_back(struct http_request *req, json_t *view, bool adding)
{
  static const char *const typed[] = {"name_zh", "name_en", "plain_zh", "plain_en", "notice_days"};
  typed_back(req, view, typed, ARRAY_LEN(typed));
  if (adding)
    json_object_set_new(view, "code", json_string(form(req, "code")));
  for (size_t f = 0; f < ARRAY_LEN(flags); f++)
    json_object_set_new(view, flags[f], json_boolean(http_form(req, flags[f]) != NULL));
  size_t kind = 0;
  while (kind < ARRAY_LEN(kinds) && strcmp(kinds[kind], form(req, "kind")) != 0)
    kind++;
  if (kind < ARRAY_LEN(kinds))
    json_object_set_new(view, "kinds", kind_options(req, (enum workflow_kind)kind));
}

static int show_step(struct http_request *req, struct http_response *res, int status,
                     const struct workflow *wf, const struct workflow_step *s, json_t *problems)
{
  static const struct workflow_step blank = {"", STEP_OPEN, false, false, "",   "",
                                             "", "",        false, 0,     false};
  bool adding = !s;
  s = s ? s : &blank;
  json_t *view = json_pack(
      "{s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:o, s:I, s:b, s:b, s:b, s:b, s:s, s:s}", "title",
      http_t(req, adding ? "wfadmin_step_new_title" : "wfadmin_step_title"), "workflow",
      pick(req, wf->name_zh, wf->name_en), "adding", adding, "code", s->code, "name_zh", s->name_zh,
      "name_en", s->name_en, "plain_zh", s->plain_zh, "plain_en", s->plain_en, "kinds",
      kind_options(req, s->kind), "notice_days", (json_int_t)s->public_notice_days, "completed",
      s->completed, "clock_stops", s->clock_stops, "appointment", s->appointment,
      "outcome_document", s->outcome_document, "action",
      arena_printf(req->arena, "/staff/admin/workflows/%s/steps/%s", wf->code,
                   adding ? "new" : s->code),
      "back", arena_printf(req->arena, "/staff/admin/workflows/%s", wf->code));
  if (!view)
    return ST_NOMEM;
  if (status == 400)
    step_typed_back(req, view, adding);
  add_problems(req, view, "name_zh", problems);
  return http_page(res, status, "staff/workflow_step", view);
}

/* The {step} capture: NULL for "new"; ST_NOTFOUND when the workflow has no such step. */
static int captured_step(struct http_request *req, const struct workflow *wf,
                         const struct workflow_step **s)
{
  const char *code = http_capture(req, "step");
  *s = code && strcmp(code, "new") != 0 ? workflow_step(wf, code) : NULL;
  return (*s || (code && strcmp(code, "new") == 0)) ? ST_OK : ST_NOTFOUND;
}

int wfadmin_step(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct workflow *wf = NULL;
  const struct workflow_step *s = NULL;
  int rc = current(req, &store, &wf);
  if (!rc)
    rc = captured_step(req, wf, &s);
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, "error_not_found");
  return rc ? rc : show_step(req, res, 200, wf, s, NULL);
}

/* ---- forms as definitions ------------------------------------------------------------------- */

static const char *form(struct http_request *req, const char *name)
{
  const char *v = http_form(req, name);
  return v ? v : "";
}

static json_t *pair(const char *zh, const char *en)
{
  return json_pack("{s:s, s:s}", "zh-TW", zh, "en", en);
}

/* One line "from to role... [note]" as a transition; unknown roles stay as typed (the check
 * names them). */
static json_t *form_transition(char *line)
{
  char *save = NULL, *from = strtok_r(line, " \t\r", &save), *to = strtok_r(NULL, " \t\r", &save);
  json_t *roles = json_array();
  bool note = false;
  for (char *w = strtok_r(NULL, " \t\r", &save); w; w = strtok_r(NULL, " \t\r", &save)) {
    if (strcmp(w, "note") == 0)
      note = true;
    else
      json_array_append_new(roles, json_string(w));
  }
  return json_pack("{s:s, s:s, s:o, s:b}", "from", from ? from : "", "to", to ? to : "", "roles",
                   roles, "note_required", note);
}

static json_t *form_transitions(struct http_request *req)
{
  char *copy = arena_strdup(req->arena, form(req, "transitions"));
  json_t *list = json_array();
  char *save = NULL;
  for (char *line = copy ? strtok_r(copy, "\n", &save) : NULL; list && line;
       line = strtok_r(NULL, "\n", &save))
    if (strspn(line, " \t\r") != strlen(line))
      json_array_append_new(list, form_transition(line));
  return list;
}

/* Saves def as the next version; the page again with what is wrong (400), or back to the
 * workflow's page. */
static int save(struct http_request *req, struct http_response *res, struct store *store,
                const struct workflow *wf, const struct workflow_step *step, json_t *def)
{
  struct audit_actor who;
  json_t *problems = NULL;
  int64_t version = 0;
  web_actor(req, &who);
  int rc = def ? workflow_admin_save(store, &who, req->session->office_id, def, clock_now(),
                                     &version, &problems)
               : ST_NOMEM;
  if (rc == ST_INVALID)
    rc = step || http_capture(req, "step") ? show_step(req, res, 400, wf, step, problems)
                                           : show_workflow(req, res, 400, wf, problems);
  else if (!rc)
    rc = http_redirect(res, 303,
                       arena_printf(req->arena, "/staff/admin/workflows/%s?saved=%lld", wf->code,
                                    (long long)version));
  json_decref(problems);
  json_decref(def);
  return rc;
}

int wfadmin_save(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct workflow *wf = NULL;
  int rc = current(req, &store, &wf);
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, "error_not_found");
  if (rc)
    return rc;
  json_t *def = json_deep_copy(wf->definition);
  if (def) {
    json_object_set_new(def, "names", pair(form(req, "name_zh"), form(req, "name_en")));
    json_object_set_new(def, "initial", json_string(form(req, "initial")));
    json_object_set_new(def, "transitions", form_transitions(req));
  }
  return save(req, res, store, wf, NULL, def);
}

static json_t *form_step(struct http_request *req, const char *code)
{
  json_t *s = json_pack("{s:s, s:s, s:o, s:o, s:I}", "code", code, "kind", form(req, "kind"),
                        "names", pair(form(req, "name_zh"), form(req, "name_en")), "plain",
                        pair(form(req, "plain_zh"), form(req, "plain_en")), "public_notice_days",
                        (json_int_t)strtol(form(req, "notice_days"), NULL, 10));
  for (size_t f = 0; s && f < ARRAY_LEN(flags); f++)
    json_object_set_new(s, flags[f], json_boolean(http_form(req, flags[f]) != NULL));
  return s;
}

/* A new step placed between two others: the moves after -> code and code -> before, for
 * handlers and supervisors (either may be ""; the moves can be edited afterwards). */
static void link_new_step(struct http_request *req, json_t *def, const char *code)
{
  json_t *moves = json_object_get(def, "transitions");
  const char *after = form(req, "after"), *before = form(req, "before");
  if (*after)
    json_array_append_new(moves, json_pack("{s:s, s:s, s:[s, s], s:b}", "from", after, "to", code,
                                           "roles", "handler", "supervisor", "note_required", 0));
  if (*before)
    json_array_append_new(moves, json_pack("{s:s, s:s, s:[s, s], s:b}", "from", code, "to", before,
                                           "roles", "handler", "supervisor", "note_required", 0));
}

/* def with the step of the form in place of step (NULL: a new step, placed before the step it
 * leads to, else at the end). */
static void put_step(struct http_request *req, json_t *def, const struct workflow_step *step)
{
  json_t *steps = json_object_get(def, "steps");
  const char *code = step ? step->code : form(req, "code");
  const char *at = step ? step->code : form(req, "before");
  json_t *s = form_step(req, code);
  if (!step)
    link_new_step(req, def, code);
  for (size_t i = 0; *at && i < json_array_size(steps); i++)
    if (!strcmp(json_string_value(json_object_get(json_array_get(steps, i), "code")), at)) {
      if (step)
        json_array_set_new(steps, i, s);
      else
        json_array_insert_new(steps, i, s);
      return;
    }
  json_array_append_new(steps, s);
}

int wfadmin_step_save(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct workflow *wf = NULL;
  const struct workflow_step *step = NULL;
  int rc = current(req, &store, &wf);
  if (!rc)
    rc = captured_step(req, wf, &step);
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, "error_not_found");
  if (rc)
    return rc;
  json_t *def = json_deep_copy(wf->definition);
  if (def)
    put_step(req, def, step);
  return save(req, res, store, wf, step, def);
}

/* ---- export and import ---------------------------------------------------------------------- */

int wfadmin_export(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor who;
  json_t *doc = NULL;
  char date[11];
  web_actor(req, &who);
  int rc = web_store(req, &store);
  if (!rc)
    rc = workflow_admin_export(store, &who, req->session->office_id, &doc);
  if (rc)
    return rc;
  char *text = json_dumps(doc, JSON_INDENT(2));
  json_decref(doc);
  civil_taipei_iso(clock_now(), date);
  rc = text ? http_raw(res, 200, "application/json; charset=utf-8", text, strlen(text)) : ST_NOMEM;
  if (!rc)
    rc = http_header_add(
        res, "Content-Disposition",
        arena_printf(req->arena, "attachment; filename=\"workflows-%s.json\"", date));
  free(text);
  return rc;
}

static int import_refused(struct http_request *req, struct http_response *res, const char *key)
{
  json_t *problems = json_pack("[{s:s, s:s}]", "key", key, "what", "");
  int rc = problems ? show_list(req, res, 400, problems) : ST_NOMEM;
  json_decref(problems);
  return rc;
}

int wfadmin_import(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor who;
  json_t *problems = NULL;
  size_t saved = 0;
  const struct http_part *file = http_part(req, "file");
  int rc = web_store(req, &store);
  if (rc)
    return rc;
  if (!file || !file->filename || file->len == 0)
    return import_refused(req, res, "wfadmin_err_import_missing");
  json_t *doc = json_loadb(file->data, file->len, JSON_REJECT_DUPLICATES, NULL);
  if (!doc)
    return import_refused(req, res, "wfadmin_err_import_json");
  web_actor(req, &who);
  rc = workflow_admin_import(store, &who, req->session->office_id, doc, clock_now(), &saved,
                             &problems);
  json_decref(doc);
  if (rc == ST_INVALID)
    rc = show_list(req, res, 400, problems);
  else if (!rc)
    rc = http_redirect(res, 303,
                       arena_printf(req->arena, "/staff/admin/workflows?imported=%zu", saved));
  json_decref(problems);
  return rc;
}
