/*
 * receipt_fee.c - the fee receipt (計費收據) printed with the case receipt (issue 17): the
 * working of the fee computed at the counter from the service's fee schedule, as the case's
 * latest "fee_due" event keeps it (domain/payment.h, payment_set_due_worked). A fee set by
 * hand later replaces it: the receipt then prints no working, only the case's fee.
 */
#include <string.h>

#include "base/arena.h"
#include "domain/case_staff_read.h"
#include "web/app.h"
#include "web/cases/cases.h"
#include "web/public/tools.h"

#include "base/common.h"

static const char *pick(struct http_request *req, json_t *line, const char *zh, const char *en)
{
  const char *e = json_string_value(json_object_get(line, en));
  const char *z = json_string_value(json_object_get(line, zh));
  return strcmp(req->lang, "en") == 0 && e && *e ? e : (z ? z : "");
}

static json_t *line_view(struct http_request *req, json_t *line)
{
  const char *label = pick(req, line, "label_zh", "label_en");
  json_t *below = json_object_get(line, "band_below_m2");
  if (json_is_integer(below))
    label = arena_printf(req->arena, "%s (%s %lld m²)", label, http_t(req, "fee_band_under"),
                         (long long)json_integer_value(below));
  else if (below)
    label = arena_printf(req->arena, "%s (%s)", label, http_t(req, "fee_band_top_band"));
  return json_pack(
      "{s:s, s:I, s:s, s:s, s:s}", "label", label ? label : "", "quantity",
      json_integer_value(json_object_get(line, "quantity")), "unit_price",
      tools_money_int(req, json_integer_value(json_object_get(line, "unit_price"))), "amount",
      tools_money_int(req, json_integer_value(json_object_get(line, "amount"))), "source",
      json_string_value(json_object_get(line, "source"))
          ? json_string_value(json_object_get(line, "source"))
          : "");
}

/* The working of the latest fee_due event, when that event has one. */
static json_t *latest_working(const struct case_staff *s)
{
  const struct case_staff_event *found = NULL;
  for (size_t i = 0; i < s->event_count; i++)
    if (strcmp(s->events[i].kind, "fee_due") == 0)
      found = &s->events[i];
  if (!found)
    return NULL;
  json_t *data = json_loads(found->data, 0, NULL);
  json_t *working = json_incref(json_object_get(data, "working"));
  json_decref(data);
  return working;
}

json_t *receipt_fee_view(struct http_request *req, const struct case_staff *s)
{
  json_t *working = latest_working(s);
  if (!json_is_object(working)) {
    json_decref(working);
    return NULL;
  }
  json_t *lines = json_array(), *line;
  size_t i;
  json_array_foreach(json_object_get(working, "lines"), i, line)
      json_array_append_new(lines, line_view(req, line));
  json_t *view =
      json_pack("{s:o, s:s, s:b}", "lines", lines, "total",
                tools_money_int(req, json_integer_value(json_object_get(working, "total"))),
                "waived", json_is_string(json_object_get(working, "waiver")));
  json_decref(working);
  return view;
}
