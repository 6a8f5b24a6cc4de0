/*
 * tools_fee_schedule.c - the "by service" part of the fee estimates page: a service chooser,
 * then the inputs the service's fee schedule asks for (domain/fee_quote.h) and the working,
 * computed from the schedule as the counter and online applications are. Inputs are the query
 * parameters fee_<input key> (fee_schedule.h's vocabulary); list inputs (one value per parcel
 * or floor) are separated by spaces, ";" or "、" (commas stay thousands separators).
 */
#include <string.h>

#include "base/arena.h"
#include "base/str.h"
#include "base/text.h"
#include "domain/fee_quote.h"
#include "web/app.h"
#include "web/public/tools.h"

#include "base/common.h"

static const char *param_name(struct http_request *req, const char *key)
{
  const char *name = arena_printf(req->arena, "fee_%s", key);
  return name ? name : "fee_";
}

static bool separator(const char *p, size_t *len)
{
  *len = 1;
  if (*p == ' ' || *p == ';' || *p == '\t')
    return true;
  *len = 3;
  return strncmp(p, "、", 3) == 0;
}

/* "120.5 80、30" -> ["120.5", "80", "30"] */
static json_t *split_list(const char *text)
{
  json_t *list = json_array();
  const char *p = text, *start = text;
  size_t sep;
  while (list) {
    bool end = !*p, is_sep = !end && separator(p, &sep);
    if ((end || is_sep) && p > start)
      json_array_append_new(list, json_stringn(start, (size_t)(p - start)));
    if (end)
      break;
    p += is_sep ? sep : 1;
    if (is_sep)
      start = p;
  }
  return list;
}

/* A field as typed, NFKC-normalised: the query's or the form's. */
static const char *field_value(struct http_request *req, const char *name, bool from_form)
{
  if (!from_form)
    return tools_input(req, name);
  const char *v = http_form(req, name);
  if (!v)
    return NULL;
  struct str t = str_trim(str_from(v));
  const char *copy = arena_strndup(req->arena, t.ptr, t.len);
  return copy ? text_normalize(req->arena, copy, false) : NULL;
}

json_t *tools_fee_answers(struct http_request *req, bool from_form)
{
  json_t *answers = json_object();
  const struct fee_input_def *d;
  for (size_t i = 0; answers && (d = fee_input_at(i)); i++) {
    const char *v = field_value(req, param_name(req, d->key), from_form);
    if (!v || !*v)
      continue;
    if (strlen(v) > TOOLS_FEE_ANSWER_MAX) {
      json_decref(answers);
      return NULL;
    }
    json_object_set_new(answers, d->key, d->list ? split_list(v) : json_string(v));
  }
  const char *waiver = from_form ? field_value(req, "fee_waiver", true) : NULL;
  if (answers && waiver && *waiver)
    json_object_set_new(answers, "waiver", json_string(waiver));
  return answers;
}

static const char *in_lang(struct http_request *req, const char *zh, const char *en)
{
  return strcmp(req->lang, "en") == 0 && en && *en ? en : (zh ? zh : "");
}

static json_t *services_view(struct http_request *req, const struct fee_quote *q)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < q->service_count; i++) {
    const struct fee_quote_service *s = &q->services[i];
    json_array_append_new(list, json_pack("{s:s, s:s, s:b, s:b}", "slug", s->slug, "name",
                                          in_lang(req, s->name_zh, s->name_en), "has_schedule",
                                          s->has_schedule, "selected",
                                          q->slug && strcmp(q->slug, s->slug) == 0));
  }
  return list;
}

/* The inputs with their typed values and the page's error for each (field_errors by id). */
static json_t *inputs_view(struct http_request *req, const struct fee_quote *q, json_t *page)
{
  json_t *list = json_array(), *errors = json_object_get(page, "field_errors");
  for (size_t i = 0; list && i < q->input_count; i++) {
    const char *key = q->inputs[i]->key, *id = param_name(req, key);
    const char *typed = tools_typed(req, id);
    json_array_append_new(
        list, json_pack("{s:s, s:s?, s:s, s:s, s:s, s:s}", "id", id, "error",
                        json_string_value(json_object_get(errors, id)), "label",
                        http_t(req, arena_printf(req->arena, "tools_label_%s", id)), "hint",
                        http_t(req, arena_printf(req->arena, "fee_hint_%s", key)), "value",
                        typed ? typed : "", "inputmode",
                        q->inputs[i]->type == FEE_INPUT_COUNT && !q->inputs[i]->list ? "numeric"
                                                                                     : "decimal"));
  }
  return list;
}

static const char *line_label(struct http_request *req, const struct fee_line *l)
{
  const struct fee_item *it = l->item;
  const char *label = in_lang(req, it->label_zh, it->label_en);
  if (it->kind != FEE_AREA_BAND)
    return label;
  int64_t below = it->bands[l->band].below_m2;
  const char *band =
      below
          ? arena_printf(req->arena, "%s %lld m²", http_t(req, "fee_band_under"), (long long)below)
          : arena_printf(req->arena, "%lld m² %s",
                         (long long)(l->band ? it->bands[l->band - 1].below_m2 : 0),
                         http_t(req, "fee_band_or_more"));
  return arena_printf(req->arena, "%s (%s)", label, band ? band : "");
}

/* The working: one row per line with its legal source; shared with the counter's receipt. */
json_t *tools_fee_working_view(struct http_request *req, const struct fee_work *w)
{
  json_t *lines = json_array();
  for (size_t i = 0; lines && i < w->count; i++) {
    const struct fee_line *l = &w->lines[i];
    json_array_append_new(lines, json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:b}", "label",
                                           line_label(req, l), "quantity", (json_int_t)l->quantity,
                                           "unit_price", tools_money_int(req, l->unit_price),
                                           "amount", tools_money_int(req, l->amount), "source",
                                           l->item->source, "rounding",
                                           l->item->rounding_text ? l->item->rounding_text : "",
                                           "waiver", l->item->kind == FEE_WAIVER));
  }
  return json_pack("{s:o, s:s}", "lines", lines, "total", tools_money_int(req, w->total));
}

static json_t *schedule_view(struct http_request *req, const struct fee_quote *q, json_t *page)
{
  json_t *v = json_pack("{s:o, s:b, s:s, s:s, s:b, s:o}", "services", services_view(req, q),
                        "chosen", q->slug != NULL, "service_name",
                        q->slug ? in_lang(req, q->name_zh, q->name_en) : "", "fee_text",
                        q->slug ? in_lang(req, q->fee_zh, q->fee_en) : "", "has_schedule",
                        q->has_schedule, "inputs", inputs_view(req, q, page));
  if (v && q->slug)
    json_object_set_new(v, "slug", json_string(q->slug));
  if (v && q->computed)
    json_object_set_new(v, "result",
                        json_pack("{s:o, s:o}", "breakdown", tools_fee_working_view(req, &q->work),
                                  "data", fee_work_to_json(&q->work)));
  return v;
}

/* The section's part of the page; *status 400 and a field error for refused answers, 404 for
 * an unknown service. */
int tools_fee_schedule(struct http_request *req, int64_t office_id, struct store *store,
                       json_t *page, int *status)
{
  struct fee_quote *q = arena_alloc(req->arena, sizeof(*q));
  const char *slug = tools_input(req, "service"), *calc = tools_input(req, "calc");
  bool compute = calc && strcmp(calc, "schedule") == 0;
  json_t *answers = compute ? tools_fee_answers(req, false) : NULL;
  if (!q || (compute && !answers)) {
    json_decref(answers);
    return q ? ST_INVALID : ST_NOMEM;
  }
  int rc = fee_quote_read(store, req->arena, office_id, slug, answers, tools_today(), false, q);
  json_decref(answers);
  if (rc == ST_NOTFOUND || (compute && !q->slug)) {
    *status = 400;
    rc = tools_field_error(req, page, "service", "fee_err_service");
  } else if (rc == ST_INVALID) {
    *status = 400;
    rc = tools_field_error(req, page, param_name(req, q->error.field ? q->error.field : "copies"),
                           q->error.reason_key ? q->error.reason_key : "fee_err_number");
  }
  return rc ? rc : tools_set(page, "schedule", schedule_view(req, q, page));
}
