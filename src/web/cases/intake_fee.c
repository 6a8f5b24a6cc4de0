/*
 * intake_fee.c - the fee part of the counter intake form (issue 17): the inputs the chosen
 * service's fee schedule asks for (fields fee_<input key>, as on the public calculator), its
 * waivers with their legal basis and the clerk's reason, and - when the clerk asks for a
 * preview - the working computed from the schedule (pure: the domain computes it again, in
 * the intake transaction, when the case is taken in).
 */
#include <string.h>

#include "base/arena.h"
#include "domain/directory.h"
#include "domain/fee_counter.h"
#include "domain/fee_schedule.h"
#include "web/app.h"
#include "web/cases/cases.h"
#include "web/public/tools.h"

#include "base/common.h"

enum { INPUTS_MAX = 16 };

static const char *typed(struct http_request *req, const char *name)
{
  const char *v = http_form(req, name);
  return v ? v : "";
}

static const char *pick(struct http_request *req, const char *zh, const char *en)
{
  return strcmp(req->lang, "en") == 0 && en && *en ? en : (zh ? zh : "");
}

/* The inputs with the typed values and the preview's error on its field, if any. */
static json_t *inputs_view(struct http_request *req, const struct fee_schedule *s,
                           struct civil_date today, json_t *view)
{
  const struct fee_input_def *inputs[INPUTS_MAX];
  size_t n = fee_schedule_inputs(s, today, inputs, INPUTS_MAX);
  json_t *list = json_array(), *errors = json_object_get(view, "field_errors");
  for (size_t i = 0; list && i < n; i++) {
    const char *id = arena_printf(req->arena, "fee_%s", inputs[i]->key);
    json_array_append_new(
        list, json_pack("{s:s, s:s?, s:s, s:s, s:s}", "id", id ? id : "", "error",
                        json_string_value(json_object_get(errors, id ? id : "")), "label",
                        http_t(req, arena_printf(req->arena, "tools_label_%s", id)), "hint",
                        http_t(req, arena_printf(req->arena, "fee_hint_%s", inputs[i]->key)),
                        "value", typed(req, id ? id : "")));
  }
  return list;
}

static json_t *waivers_view(struct http_request *req, const struct fee_schedule *s,
                            struct civil_date today)
{
  json_t *list = json_array();
  const char *chosen = typed(req, "fee_waiver");
  for (size_t i = 0; list && i < s->count; i++) {
    const struct fee_item *it = &s->items[i];
    if (it->kind != FEE_WAIVER || !fee_item_in_effect(it, today))
      continue;
    json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b}", "id", it->id, "label",
                                          pick(req, it->label_zh, it->label_en), "source",
                                          it->source, "selected", strcmp(chosen, it->id) == 0));
  }
  return list;
}

/* The fee answer of the form longer than the calculator takes ("fee_copies" when none is). */
static const char *overlong_fee_field(struct http_request *req)
{
  for (size_t i = 0; i < req->form_count; i++)
    if (str_starts_with(req->form[i].name, "fee_") && req->form[i].value.len > TOOLS_FEE_ANSWER_MAX)
      return arena_strndup(req->arena, req->form[i].name.ptr, req->form[i].name.len);
  return "fee_copies";
}

/* The preview: the working for the typed answers (*working), or the refusal on its field (an
 * answer too long to read is refused on its field, not taken for a lack of memory). */
static int preview(struct http_request *req, const struct fee_schedule *s, struct civil_date today,
                   json_t *view, json_t **working)
{
  struct fee_work *w = arena_alloc(req->arena, sizeof(*w));
  struct fee_error e = {0};
  json_t *answers = tools_fee_answers(req, true);
  if (w && !answers)
    return web_form_error(req, view, overlong_fee_field(req), "fee_err_number");
  int rc = w ? fee_compute(s, answers, today, w, &e) : ST_NOMEM;
  json_decref(answers);
  if (rc == ST_NOMEM)
    return rc;
  if (rc) {
    const char *field = arena_printf(req->arena, "fee_%s", e.field ? e.field : "copies");
    return web_form_error(req, view, field ? field : "fee_copies",
                          e.reason_key ? e.reason_key : "fee_err_number");
  }
  *working = tools_fee_working_view(req, w);
  return *working ? ST_OK : ST_NOMEM;
}

int intake_fee_view(struct http_request *req, const struct dir_service *service, bool want_preview,
                    json_t *view)
{
  struct fee_schedule *s = arena_alloc(req->arena, sizeof(*s));
  char why[FEE_WHY_MAX];
  struct civil_date today = tools_today();
  if (!s)
    return ST_NOMEM;
  if (!service ||
      fee_schedule_parse(json_object_get(service->record, "fee_schedule"), s, why, sizeof(why)) ||
      s->count == 0)
    return ST_OK; /* no schedule: the form asks for no fee */
  json_t *working = NULL, *waivers;
  int rc = want_preview ? preview(req, s, today, view, &working) : ST_OK;
  if (rc)
    return rc;
  waivers = waivers_view(req, s, today);
  json_t *fee = json_pack("{s:o, s:o, s:b, s:s, s:o?}", "inputs", inputs_view(req, s, today, view),
                          "waivers", waivers, "has_waivers", json_array_size(waivers) > 0,
                          "waiver_reason", typed(req, "fee_waiver_reason"), "working", working);
  return !fee || json_object_set_new(view, "fee", fee) ? ST_NOMEM : ST_OK;
}
