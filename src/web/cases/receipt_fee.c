/*
 * receipt_fee.c - the fee receipt (計費收據) printed with the case receipt (issue 17): the
 * working of the fee computed at the counter from the service's fee schedule, as the case's
 * latest "fee_due" event keeps it (domain/payment.h, payment_set_due_worked; read typed by
 * case_receipt_read). A fee set by hand later replaces it: the receipt then prints no working,
 * only the case's fee.
 */

#include "base/arena.h"
#include "domain/case_staff_read.h"
#include "domain/directory.h"
#include "web/app.h"
#include "web/cases/cases.h"
#include "web/public/tools.h"

#include "base/common.h"

static json_t *line_view(struct http_request *req, const struct case_fee_line *line)
{
  const char *label = directory_pick(line->label_zh, line->label_en, req->lang);
  if (line->band == FEE_LINE_BELOW)
    label = arena_printf(req->arena, "%s (%s %lld m²)", label, http_t(req, "fee_band_under"),
                         (long long)line->band_below_m2);
  else if (line->band == FEE_LINE_TOP_BAND)
    label = arena_printf(req->arena, "%s (%s)", label, http_t(req, "fee_band_top_band"));
  return json_pack("{s:s, s:I, s:s, s:s, s:s}", "label", label ? label : "", "quantity",
                   (json_int_t)line->quantity, "unit_price", tools_money_int(req, line->unit_price),
                   "amount", tools_money_int(req, line->amount), "source", line->source);
}

json_t *receipt_fee_view(struct http_request *req, const struct case_staff *s)
{
  const struct case_fee_working *w = &s->working;
  if (!w->present)
    return NULL;
  json_t *lines = json_array();
  for (size_t i = 0; lines && i < w->line_count; i++)
    json_array_append_new(lines, line_view(req, &w->lines[i]));
  json_t *view = json_pack("{s:o, s:s, s:b}", "lines", lines, "total",
                           tools_money_int(req, w->total), "waived", w->waived);
  return view;
}
