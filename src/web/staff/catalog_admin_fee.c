/*
 * catalog_admin_fee.c - the preview of a service's saved fee schedule on its catalogue admin
 * page (issue 17): sample answers (query fields fee_<input>, as on the public calculator) and
 * the working the schedule gives for them, for unpublished services too. Pure computation on
 * the record the page already read; nothing is stored.
 */
#include <string.h>

#include "base/arena.h"
#include "domain/fee_schedule.h"
#include "web/app.h"
#include "web/public/tools.h"
#include "web/staff/catalog_admin.h"

#include "base/common.h"

enum { INPUTS_MAX = 16 };

static json_t *inputs_view(struct http_request *req, const struct fee_schedule *s,
                           struct civil_date today)
{
  const struct fee_input_def *inputs[INPUTS_MAX];
  size_t n = fee_schedule_inputs(s, today, inputs, INPUTS_MAX);
  json_t *list = json_array();
  for (size_t i = 0; list && i < n; i++) {
    const char *id = arena_printf(req->arena, "fee_%s", inputs[i]->key);
    const char *typed = id ? tools_typed(req, id) : NULL;
    json_array_append_new(
        list,
        json_pack("{s:s, s:s, s:s, s:s}", "id", id ? id : "", "label",
                  http_t(req, arena_printf(req->arena, "tools_label_fee_%s", inputs[i]->key)),
                  "hint", http_t(req, arena_printf(req->arena, "fee_hint_%s", inputs[i]->key)),
                  "value", typed ? typed : ""));
  }
  return list;
}

/* The working for the sample answers, or the refusal as text ("<field>: <reason>"). */
static int sample(struct http_request *req, const struct fee_schedule *s, struct civil_date today,
                  json_t *preview)
{
  struct fee_work *w = arena_alloc(req->arena, sizeof(*w));
  struct fee_error e = {0};
  json_t *answers = tools_fee_answers(req, false);
  int rc = w && answers ? fee_compute(s, answers, today, w, &e) : ST_NOMEM;
  json_decref(answers);
  if (rc == ST_NOMEM)
    return rc;
  if (rc) {
    const char *label =
        http_t(req, arena_printf(req->arena, "tools_label_fee_%s", e.field ? e.field : "answers"));
    const char *text =
        arena_printf(req->arena, "%s%s%s", label, http_t(req, "tools_error_separator"),
                     http_t(req, e.reason_key ? e.reason_key : "fee_err_number"));
    return json_object_set_new(preview, "error", json_string(text ? text : "")) ? ST_NOMEM : ST_OK;
  }
  return json_object_set_new(preview, "working", tools_fee_working_view(req, w)) ? ST_NOMEM : ST_OK;
}

int catadmin_fee_preview(struct http_request *req, json_t *record, const char *action, json_t *view)
{
  struct fee_schedule *s = arena_alloc(req->arena, sizeof(*s));
  struct civil_date today = tools_today();
  char why[FEE_WHY_MAX];
  if (!s)
    return ST_NOMEM;
  if (fee_schedule_parse(json_object_get(record, "fee_schedule"), s, why, sizeof(why)) ||
      s->count == 0)
    return ST_OK; /* nothing to preview */
  json_t *preview = json_pack("{s:s, s:o}", "action", action, "inputs", inputs_view(req, s, today));
  if (!preview || json_object_set_new(view, "fee_preview", preview))
    return ST_NOMEM;
  return http_query(req, "fee_sample") ? sample(req, s, today, preview) : ST_OK;
}
