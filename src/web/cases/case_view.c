/*
 * case_view.c - display fields of a case (case_view.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/case_number.h"
#include "domain/case_read.h"
#include "domain/case_staff_read.h"
#include "render/format.h"
#include "web/app.h"
#include "web/cases/case_view.h"

#include "base/common.h"

static const char *date_text(struct http_request *req, const char *iso)
{
  char buf[64];
  if (!iso || strlen(iso) != 10 ||
      format_date((int)strtol(iso, NULL, 10), (int)strtol(iso + 5, NULL, 10),
                  (int)strtol(iso + 8, NULL, 10), req->lang, buf, sizeof(buf)))
    return "";
  return arena_strdup(req->arena, buf);
}

static const char *label(struct http_request *req, const char *prefix, const char *code)
{
  char *key = arena_printf(req->arena, "%s%s", prefix, code ? code : "");
  return key ? http_t(req, key) : "";
}

static int set(json_t *o, const char *k, const char *v)
{
  return json_object_set_new(o, k, json_string(v ? v : "")) ? ST_NOMEM : ST_OK;
}

static int number_text(struct http_request *req, json_t *c, const struct dir_office *office)
{
  struct case_number n = {(int)web_int(c, "roc_year"), "", web_int(c, "serial")};
  char out[96];
  snprintf(n.word_code, sizeof(n.word_code), "%s", web_str(c, "word_code"));
  const char *word_zh =
      strcmp(office->case_word_code, n.word_code) == 0 ? office->case_word_zh : "";
  if (case_number_display(&n, word_zh, req->lang, out, sizeof(out)))
    return ST_LIMIT;
  return set(c, "number", out);
}

/* The service's and unit's names (the unit's only when it is the office's). */
static int names(struct http_request *req, json_t *c, const struct case_place *p)
{
  const char *lang = req->lang;
  int rc = set(c, "service_name", directory_pick(p->service->name_zh, p->service->name_en, lang));
  if (!rc)
    rc = set(c, "service_fee", directory_pick(p->service->fee_zh, p->service->fee_en, lang));
  if (!rc && p->unit)
    rc = set(c, "unit_name", directory_pick(p->unit->name_zh, p->unit->name_en, lang));
  return rc;
}

static json_t *event_view(struct http_request *req, json_t *e)
{
  const char *kind = web_str(e, "kind");
  const char *what = strcmp(kind, "status") == 0 ? label(req, "status_", web_str(e, "to_status"))
                                                 : label(req, "event_", kind);
  json_t *data = json_loads(web_str(e, "data"), 0, NULL);
  json_t *v =
      json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "at", web_datetime(req, web_int(e, "at")), "what",
                what, "note", web_str(e, "note"), "actor", web_str(e, "actor"), "on_behalf_of",
                web_str(e, "on_behalf_of"), "public", web_int(e, "public") != 0);
  if (v && data)
    json_object_set(v, "data", data);
  json_decref(data);
  return v;
}

static int events(struct http_request *req, json_t *c)
{
  json_t *list = json_array(), *in = json_object_get(c, "events");
  size_t i;
  json_t *e;
  json_array_foreach(in, i, e) json_array_append_new(list, event_view(req, e));
  return json_object_set_new(c, "timeline", list) ? ST_NOMEM : ST_OK;
}

/* What to correct and by when, while the case waits for a correction. */
static int correction_texts(struct http_request *req, json_t *c, bool paused)
{
  json_t *items = json_loads(web_str(c, "correction_items"), 0, NULL);
  int rc = set(c, "correction_deadline_text", date_text(req, web_str(c, "correction_deadline")));
  if (!rc &&
      json_object_set_new(c, "correction_list",
                          json_is_array(items) && paused ? json_incref(items) : json_array()))
    rc = ST_NOMEM;
  if (!rc && json_object_set_new(c, "in_correction", json_boolean(paused)))
    rc = ST_NOMEM;
  json_decref(items);
  return rc;
}

static int texts(struct http_request *req, json_t *c)
{
  char fee[48] = "";
  format_money(web_int(c, "fee_amount"), fee, sizeof(fee));
  bool paused = strcmp(web_str(c, "status"), "correction") == 0;
  int rc = set(c, "status_label", label(req, "status_", web_str(c, "status")));
  if (!rc)
    rc = set(c, "received_text", web_datetime(req, web_int(c, "received_at")));
  if (!rc)
    rc = set(c, "due_text", paused ? "" : web_datetime(req, web_int(c, "due_at")));
  if (!rc)
    rc = set(c, "due_state_label", label(req, "due_", web_str(c, "due_state")));
  if (!rc)
    rc = set(c, "closed_text", web_datetime(req, web_int(c, "closed_at")));
  if (!rc)
    rc = set(c, "overdue_new_date_text", date_text(req, web_str(c, "overdue_new_date")));
  if (!rc)
    rc = set(c, "fee_text", web_int(c, "fee_amount") ? fee : web_str(c, "service_fee"));
  return rc ? rc : correction_texts(req, c, paused);
}

int case_view_place(struct http_request *req, json_t *c, const struct case_place *p)
{
  if (!p->office || !p->service)
    return ST_NOTFOUND;
  int rc = names(req, c, p);
  if (!rc && p->handler_name && *p->handler_name)
    rc = set(c, "handler_name", p->handler_name);
  if (!rc)
    rc = number_text(req, c, p->office);
  if (!rc)
    rc = texts(req, c);
  if (!rc)
    rc = events(req, c);
  if (!rc && json_object_set_new(c, "is_overdue",
                                 json_boolean(!strcmp(web_str(c, "due_state"), "overdue"))))
    rc = ST_NOMEM;
  return rc;
}

/* Where case c belongs, from the directory: its office, its service (the office's) and its
 * unit (when the office's), with its handler's name. */
static int place_of(struct http_request *req, struct store *store, json_t *c, struct case_place *p)
{
  const struct directory *dir = NULL;
  int64_t office_id = web_int(c, "office_id"), unit_id = web_int(c, "unit_id");
  int rc = directory_acquire(store, req->arena, &dir);
  if (rc)
    return rc;
  p->office = directory_office(dir, office_id);
  p->service = directory_service(dir, web_int(c, "service_id"));
  p->unit = unit_id ? directory_unit(dir, unit_id) : NULL;
  if (p->service && p->service->office_id != office_id)
    p->service = NULL;
  if (p->unit && p->unit->office_id != office_id)
    p->unit = NULL;
  return case_handler_name(store, req->arena, office_id, web_int(c, "handler_id"),
                           &p->handler_name);
}

int case_view_decorate(struct http_request *req, struct store *store, json_t *c)
{
  struct case_place p = {0};
  int rc = place_of(req, store, c, &p);
  return rc ? rc : case_view_place(req, c, &p);
}

int64_t case_view_id(struct http_request *req)
{
  int64_t id = 0;
  const char *text = http_capture(req, "id");
  if (!text || str_to_int64(str_from(text), 1, INT64_MAX, &id))
    return 0;
  return id;
}

/* ---- the public case read model (domain/case_read.h) as the view ---------------------------- */

static json_t *id_or_null(int64_t v)
{
  return v ? json_integer(v) : json_null();
}

static json_t *public_event_json(struct http_request *req, const struct case_public_event *e)
{
  const char *what = strcmp(e->kind, "status") == 0 ? label(req, "status_", e->to_status)
                                                    : label(req, "event_", e->kind);
  json_t *data = *e->data ? json_loads(e->data, 0, NULL) : NULL;
  json_t *v = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "at", web_datetime(req, e->at), "what",
                        what, "note", e->note, "actor", "", "on_behalf_of", "", "public", e->public);
  if (v && data)
    json_object_set(v, "data", data);
  json_decref(data);
  return v;
}

/* The stored fields a public answer has always carried (API clients read them). */
static json_t *public_record(const struct case_public *c)
{
  json_t *events = json_array();
  for (size_t i = 0; events && i < c->event_count; i++) {
    const struct case_public_event *e = &c->events[i];
    json_array_append_new(events, json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:i, s:s}", "id",
                                            (json_int_t)e->id, "case_id", (json_int_t)c->id, "at",
                                            (json_int_t)e->at, "kind", e->kind, "from_status",
                                            e->from_status, "to_status", e->to_status, "note",
                                            e->note, "public", e->public, "data", e->data));
  }
  json_t *v = json_pack(
      "{s:I, s:I, s:o, s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:s, s:s, s:s, s:I, s:s, "
      "s:o, s:o, s:I, s:I, s:o}",
      "office_id", (json_int_t)c->office_id, "service_id", (json_int_t)c->service_id, "unit_id",
      id_or_null(c->unit_id), "roc_year", (json_int_t)c->roc_year, "word_code", c->word_code,
      "serial", (json_int_t)c->serial, "case_key", c->case_key, "status", c->status, "workflow",
      c->workflow, "channel", c->channel, "counter", c->counter, "received_at",
      (json_int_t)c->received_at, "due_at", id_or_null(c->due_at), "due_state", c->due_state,
      "overdue_reason", c->overdue_reason, "overdue_new_date", c->overdue_new_date, "fee_amount",
      (json_int_t)c->fee_amount, "applicant_name_masked", c->applicant_name_masked,
      "picked_up_at", id_or_null(c->picked_up_at), "closed_at", id_or_null(c->closed_at),
      "time_limit_minutes", (json_int_t)c->time_limit_minutes, "extension_minutes",
      (json_int_t)c->extension_minutes, "events", events);
  if (v && strcmp(c->status, "correction") == 0) {
    json_object_set_new(v, "correction_items", json_string(c->correction_items));
    json_object_set_new(v, "correction_deadline", json_string(c->correction_deadline));
  }
  return v;
}

static int public_number(struct http_request *req, const struct case_public *c, json_t *v)
{
  struct case_number n = {(int)c->roc_year, "", c->serial};
  char out[96];
  snprintf(n.word_code, sizeof(n.word_code), "%s", c->word_code);
  const char *word_zh =
      strcmp(c->office->case_word_code, n.word_code) == 0 ? c->office->case_word_zh : "";
  if (case_number_display(&n, word_zh, req->lang, out, sizeof(out)))
    return ST_LIMIT;
  return set(v, "number", out);
}

static int public_texts(struct http_request *req, const struct case_public *c, json_t *v)
{
  const char *lang = req->lang;
  char fee[48] = "";
  format_money(c->fee_amount, fee, sizeof(fee));
  bool paused = strcmp(c->status, "correction") == 0;
  const char *service_fee = c->service ? directory_pick(c->service->fee_zh, c->service->fee_en,
                                                        lang)
                                       : "";
  json_t *items = paused ? json_loads(c->correction_items, 0, NULL) : NULL;
  json_t *timeline = json_array();
  for (size_t i = 0; timeline && i < c->event_count; i++)
    json_array_append_new(timeline, public_event_json(req, &c->events[i]));
  int rc = json_object_update_new(
      v, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:o, s:b}",
                   "service_name",
                   c->service ? directory_pick(c->service->name_zh, c->service->name_en, lang) : "",
                   "service_fee", service_fee, "unit_name",
                   c->unit ? directory_pick(c->unit->name_zh, c->unit->name_en, lang) : "",
                   "status_label", label(req, "status_", c->status), "received_text",
                   web_datetime(req, c->received_at), "due_text",
                   paused ? "" : web_datetime(req, c->due_at), "due_state_label",
                   label(req, "due_", c->due_state), "closed_text",
                   web_datetime(req, c->closed_at), "overdue_new_date_text",
                   date_text(req, c->overdue_new_date), "fee_text",
                   c->fee_amount ? fee : service_fee, "correction_deadline_text",
                   date_text(req, c->correction_deadline), "correction_list",
                   json_is_array(items) && paused ? json_incref(items) : json_array(),
                   "in_correction", paused, "timeline", timeline, "is_overdue",
                   strcmp(c->due_state, "overdue") == 0));
  json_decref(items);
  return rc ? ST_NOMEM : ST_OK;
}

json_t *case_public_view(struct http_request *req, const struct case_public *c)
{
  json_t *v = public_record(c);
  if (!v || public_number(req, c, v) || public_texts(req, c, v)) {
    json_decref(v);
    return NULL;
  }
  return v;
}
