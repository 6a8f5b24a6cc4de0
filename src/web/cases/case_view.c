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

/* "115年3月24日 09:30" (or "24 Mar 2026 09:30") of an appointment event's data, "" when the
 * event is not one. */
static const char *appointment_when(struct http_request *req, const char *kind, json_t *data)
{
  if (!data || strncmp(kind, "appointment_", 12) != 0)
    return "";
  const char *day = date_text(req, json_string_value(json_object_get(data, "date")));
  const char *time = json_string_value(json_object_get(data, "time"));
  return arena_printf(req->arena, "%s %s", day, time ? time : "");
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
  json_t *v = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "at", web_datetime(req, web_int(e, "at")),
                        "what", what, "note", web_str(e, "note"), "actor",
                        web_actor_label(req, web_str(e, "actor")), "on_behalf_of",
                        web_str(e, "on_behalf_of"), "public", web_int(e, "public") != 0);
  if (v && data)
    json_object_set(v, "data", data);
  if (v)
    json_object_set_new(v, "when", json_string(appointment_when(req, kind, data)));
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

/* Setting members without json_pack's format parsing and UTF-8 checks: keys are constants and
 * values come from the database or the translations, both checked as UTF-8 when they entered. */
static void put_s(json_t *o, const char *key, const char *value)
{
  json_object_set_new_nocheck(o, key, json_string_nocheck(value ? value : ""));
}

static void put_i(json_t *o, const char *key, int64_t value)
{
  json_object_set_new_nocheck(o, key, json_integer(value));
}

static void put_b(json_t *o, const char *key, bool value)
{
  json_object_set_new_nocheck(o, key, json_boolean(value));
}

static json_t *public_event_json(struct http_request *req, const struct case_public_event *e)
{
  const char *what = strcmp(e->kind, "status") == 0 ? label(req, "status_", e->to_status)
                                                    : label(req, "event_", e->kind);
  json_t *v = json_object();
  if (!v)
    return NULL;
  put_s(v, "at", web_datetime(req, e->at));
  put_s(v, "what", what);
  put_s(v, "note", e->note);
  put_s(v, "actor", "");
  put_s(v, "on_behalf_of", "");
  put_b(v, "public", e->public);
  json_t *data = *e->data ? json_loads(e->data, 0, NULL) : NULL;
  put_s(v, "when", appointment_when(req, e->kind, data));
  if (data)
    json_object_set_new_nocheck(v, "data", data);
  return v;
}

/* The latest appointment (鑑界, surveys: the date, time and place set or postponed to), or
 * none: {when, place}. */
static void public_appointment(struct http_request *req, const struct case_public *c, json_t *v)
{
  for (size_t i = c->event_count; i > 0; i--) {
    const struct case_public_event *e = &c->events[i - 1];
    json_t *data = *e->data ? json_loads(e->data, 0, NULL) : NULL;
    const char *when = appointment_when(req, e->kind, data);
    if (*when) {
      json_t *a = json_object();
      if (a) {
        put_s(a, "when", when);
        put_s(a, "place", json_string_value(json_object_get(data, "place")));
        json_object_set_new_nocheck(v, "appointment", a);
      }
      json_decref(data);
      return;
    }
    json_decref(data);
  }
}

static json_t *public_event_record(const struct case_public *c, const struct case_public_event *e)
{
  json_t *v = json_object();
  if (!v)
    return NULL;
  put_i(v, "id", e->id);
  put_i(v, "case_id", c->id);
  put_i(v, "at", e->at);
  put_s(v, "kind", e->kind);
  put_s(v, "from_status", e->from_status);
  put_s(v, "to_status", e->to_status);
  put_s(v, "note", e->note);
  put_i(v, "public", e->public);
  put_s(v, "data", e->data);
  return v;
}

/* The stored fields a public answer has always carried (API clients read them); the raw
 * events only for JSON answers (pages show the timeline). */
static json_t *public_record(const struct case_public *c, bool raw_events)
{
  json_t *v = json_object(), *events = json_array();
  if (!v || !events) {
    json_decref(v);
    json_decref(events);
    return NULL;
  }
  for (size_t i = 0; raw_events && i < c->event_count; i++)
    json_array_append_new(events, public_event_record(c, &c->events[i]));
  put_i(v, "office_id", c->office_id);
  put_i(v, "service_id", c->service_id);
  json_object_set_new_nocheck(v, "unit_id", id_or_null(c->unit_id));
  put_i(v, "roc_year", c->roc_year);
  put_s(v, "word_code", c->word_code);
  put_i(v, "serial", c->serial);
  put_s(v, "case_key", c->case_key);
  put_s(v, "status", c->status);
  put_s(v, "workflow", c->workflow);
  put_s(v, "channel", c->channel);
  put_s(v, "counter", c->counter);
  put_i(v, "received_at", c->received_at);
  json_object_set_new_nocheck(v, "due_at", id_or_null(c->due_at));
  put_s(v, "due_state", c->due_state);
  put_s(v, "overdue_reason", c->overdue_reason);
  put_s(v, "overdue_new_date", c->overdue_new_date);
  put_i(v, "fee_amount", c->fee_amount);
  put_s(v, "applicant_name_masked", c->applicant_name_masked);
  json_object_set_new_nocheck(v, "picked_up_at", id_or_null(c->picked_up_at));
  json_object_set_new_nocheck(v, "closed_at", id_or_null(c->closed_at));
  put_i(v, "time_limit_minutes", c->time_limit_minutes);
  put_i(v, "extension_minutes", c->extension_minutes);
  json_object_set_new_nocheck(v, "events", events);
  if (strcmp(c->status, "correction") == 0) {
    put_s(v, "correction_items", c->correction_items);
    put_s(v, "correction_deadline", c->correction_deadline);
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
  const struct dir_service *s = c->service;
  const char *service_fee = s ? directory_pick(s->fee_zh, s->fee_en, lang) : "";
  json_t *items = paused ? json_loads(c->correction_items, 0, NULL) : NULL;
  json_t *timeline = json_array();
  if (!timeline) {
    json_decref(items);
    return ST_NOMEM;
  }
  for (size_t i = 0; i < c->event_count; i++)
    json_array_append_new(timeline, public_event_json(req, &c->events[i]));
  put_s(v, "service_name", s ? directory_pick(s->name_zh, s->name_en, lang) : "");
  put_s(v, "service_fee", service_fee);
  put_s(v, "unit_name", c->unit ? directory_pick(c->unit->name_zh, c->unit->name_en, lang) : "");
  put_s(v, "status_label", label(req, "status_", c->status));
  put_s(v, "received_text", web_datetime(req, c->received_at));
  put_s(v, "due_text", paused ? "" : web_datetime(req, c->due_at));
  put_s(v, "due_state_label", label(req, "due_", c->due_state));
  put_s(v, "closed_text", web_datetime(req, c->closed_at));
  put_s(v, "overdue_new_date_text", date_text(req, c->overdue_new_date));
  put_s(v, "fee_text", c->fee_amount ? fee : service_fee);
  put_s(v, "correction_deadline_text", date_text(req, c->correction_deadline));
  json_object_set_new_nocheck(v, "correction_list",
                              json_is_array(items) && paused ? json_incref(items) : json_array());
  put_b(v, "in_correction", paused);
  json_object_set_new_nocheck(v, "timeline", timeline);
  public_appointment(req, c, v);
  put_b(v, "is_overdue", strcmp(c->due_state, "overdue") == 0);
  json_decref(items);
  return ST_OK;
}

json_t *case_public_view(struct http_request *req, const struct case_public *c, bool raw_events)
{
  json_t *v = public_record(c, raw_events);
  if (!v || public_number(req, c, v) || public_texts(req, c, v)) {
    json_decref(v);
    return NULL;
  }
  return v;
}
