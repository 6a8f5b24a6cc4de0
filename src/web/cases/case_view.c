/*
 * case_view.c - display fields of a case (case_view.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/case_number.h"
#include "domain/case_read.h"
#include "domain/case_staff_read.h"
#include "domain/read_model.h"
#include "domain/workflow.h"
#include "render/format.h"
#include "web/app.h"
#include "web/cases/case_view.h"

#include "base/common.h"

/* The date and time ("115年3月24日 09:30", "24 Mar 2026 09:30") and place of an appointment
 * event (kind appointment_*) from its data text; false (both "") for any other event. */
static bool appointment_of(struct http_request *req, const char *kind, const char *data,
                           const char **when, const char **place)
{
  *when = *place = "";
  json_t *j =
      data && *data && strncmp(kind, "appointment_", 12) == 0 ? json_loads(data, 0, NULL) : NULL;
  if (!j)
    return false;
  const char *day = web_date(req, json_string_value(json_object_get(j, "date")));
  const char *time = json_string_value(json_object_get(j, "time"));
  const char *at = json_string_value(json_object_get(j, "place"));
  const char *w = arena_printf(req->arena, "%s %s", day, time ? time : "");
  const char *p = arena_strdup(req->arena, at ? at : "");
  json_decref(j);
  *when = w ? w : "";
  *place = p ? p : "";
  return true;
}

/* The translation of prefix + code ("status_" "received"); translations outlive the request,
 * so the key is built on the stack. */
static const char *label(struct http_request *req, const char *prefix, const char *code)
{
  char key[128];
  size_t np = strlen(prefix), nc = code ? strlen(code) : 0;
  if (np + nc >= sizeof(key))
    return "";
  memcpy(key, prefix, np);
  if (nc)
    memcpy(key + np, code, nc);
  key[np + nc] = '\0';
  const char *t = http_t(req, key);
  /* No translation: http_t hands back the key itself, shown as before (a code is better
   * than nothing); it must outlive this frame. */
  return t == key ? arena_strdup(req->arena, key) : t;
}

const char *case_status_name(struct http_request *req, const char *name_zh, const char *name_en,
                             const char *code)
{
  if (name_zh && *name_zh)
    return directory_pick(name_zh, name_en, req->lang);
  return label(req, "status_", code);
}

/* A step's name in the page's language from the workflow the case runs (issue 15: names are
 * data), else the translation of "status_" + code. */
const char *case_wf_step_label(struct http_request *req, const struct workflow *wf,
                               const char *code)
{
  const struct workflow_step *step = wf && code ? workflow_step(wf, code) : NULL;
  return case_status_name(req, step ? step->name_zh : NULL, step ? step->name_en : NULL, code);
}

static int set(json_t *o, const char *k, const char *v)
{
  return json_object_set_new(o, k, json_string(v ? v : "")) ? ST_NOMEM : ST_OK;
}

static bool money_event(const char *kind)
{
  static const char *const kinds[] = {"fee_due", "payment_paid", "payment_failed",
                                      "payment_expired", "payment_refunded"};
  /* most events (status, picked_up, ...) are told apart without a compare */
  if (kind[0] != 'f' && !(kind[0] == 'p' && kind[1] == 'a'))
    return false;
  for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
    if (!strcmp(kind, kinds[i]))
      return true;
  return false;
}

const char *case_event_note(struct http_request *req, const char *kind, const char *note,
                            const char *data)
{
  json_t *d = kind && money_event(kind) && data && *data ? json_loads(data, 0, NULL) : NULL;
  if (!d) /* most events: not money, or no data */
    return note;
  json_t *amount = json_object_get(d, "amount");
  const char *order = json_string_value(json_object_get(d, "order_no")), *out = note;
  char money[48];
  if (json_is_integer(amount) && !format_money(json_integer_value(amount), money, sizeof(money)))
    out = !strcmp(kind, "payment_paid") && order && *order
              ? arena_printf(req->arena, "%s · %s", money, order)
              : arena_strdup(req->arena, money);
  json_decref(d);
  return out ? out : note;
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

/* text parsed as JSON, released with the request's arena; view_null() when it does not parse. */
static struct view parsed(struct http_request *req, struct view_builder *b, const char *text)
{
  json_t *j = text && *text ? json_loads(text, 0, NULL) : NULL;
  if (read_model_hold(req->arena, j)) {
    b->failed = true;
    return view_null();
  }
  return view_json(j);
}

/* The instant as the page shows it ("" for none), as web_datetime writes it, formatted in
 * place in the arena (a case view has a dozen): digits, letters and 年月日 only, written as
 * they are (VIEW_HTML_PLAIN). */
/* view_text without a strlen call for "" (most notes, data and appointment texts of events). */
static inline struct view text_of(const char *s)
{
  return s && *s ? view_textn(s, strlen(s)) : view_textn("", 0);
}

struct dates {
  bool english;
  struct format_day memo; /* the day last written: events come a few to a day */
};

static struct view datetime_view(struct http_request *req, int64_t t, struct dates *d)
{
  return web_datetime_view(req, t, d->english, &d->memo);
}

/* workflow_step(wf, code), most steps told apart by their first byte, without a strcmp (the
 * timeline looks up a step per status event). */
static const struct workflow_step *step_of(const struct workflow *wf, const char *code)
{
  for (size_t i = 0; wf && code && i < wf->step_count; i++) {
    const struct workflow_step *s = &wf->steps[i];
    if (s->code[0] == code[0] && strcmp(s->code, code) == 0)
      return s;
  }
  return NULL;
}

/* case_wf_step_label through step_of. */
static const char *step_label(struct http_request *req, const struct workflow *wf, const char *code)
{
  const struct workflow_step *step = step_of(wf, code);
  return case_status_name(req, step ? step->name_zh : NULL, step ? step->name_en : NULL, code);
}

static struct view public_event(struct http_request *req, struct view_builder *b,
                                const struct case_public *c, const struct case_public_event *e,
                                const char *note, bool with_data, struct dates *dates)
{
  bool status = e->kind[0] == 's' && strcmp(e->kind, "status") == 0;
  const char *what = status ? step_label(req, c->wf, e->to_status) : label(req, "event_", e->kind);
  const char *when, *place;
  appointment_of(req, e->kind, e->data, &when, &place);
  struct view_map *v = view_map(b);
  view_add(b, v, "at", datetime_view(req, e->at, dates));
  view_add_text(b, v, "what", what);
  view_add(b, v, "when", text_of(when));
  view_add(b, v, "note", text_of(note));
  view_add_text(b, v, "actor", "");
  view_add_text(b, v, "on_behalf_of", "");
  view_add_bool(b, v, "public", e->public);
  struct view data = with_data ? parsed(req, b, e->data) : view_null();
  if (data.type != VIEW_NULL)
    view_add(b, v, "data", data);
  return view_of_map(v);
}

/* Who meets the applicant and the meeting point's map link of an appointment's data (issue 15),
 * as "officer" and "map_url" (absent when not given). */
static void appointment_extras(struct http_request *req, struct view_builder *b, struct view_map *a,
                               const char *data)
{
  json_t *j = data && *data ? json_loads(data, 0, NULL) : NULL;
  const char *officer = json_string_value(json_object_get(j, "officer"));
  const char *map = json_string_value(json_object_get(j, "map_url"));
  if (officer && *officer)
    view_add_text(b, a, "officer", arena_strdup(req->arena, officer));
  if (map && strncmp(map, "https://", 8) == 0)
    view_add_text(b, a, "map_url", arena_strdup(req->arena, map));
  json_decref(j);
}

/* The latest appointment (鑑界, surveys: the date, time and place set or postponed to) as
 * "appointment" {when, place}; nothing when there is none. */
static void public_appointment(struct http_request *req, struct view_builder *b,
                               const struct case_public *c, struct view_map *v)
{
  const char *when, *place;
  for (size_t i = c->event_count; i > 0; i--) {
    const struct case_public_event *e = &c->events[i - 1];
    if (appointment_of(req, e->kind, e->data, &when, &place)) {
      struct view_map *a = view_map(b);
      view_add_text(b, a, "when", when);
      view_add_text(b, a, "place", place);
      appointment_extras(req, b, a, e->data);
      view_add(b, v, "appointment", view_of_map(a));
      return;
    }
  }
}

static struct view public_event_record(struct view_builder *b, const struct case_public *c,
                                       const struct case_public_event *e, const char *note)
{
  struct view_map *v = view_map_cap(b, 9); /* its nine members without growing */
  view_add_int(b, v, "id", e->id);
  view_add_int(b, v, "case_id", c->id);
  view_add_int(b, v, "at", e->at);
  view_add_text(b, v, "kind", e->kind);
  view_add(b, v, "from_status", text_of(e->from_status));
  view_add(b, v, "to_status", text_of(e->to_status));
  view_add(b, v, "note", text_of(note));
  view_add_int(b, v, "public", e->public);
  view_add(b, v, "data", text_of(e->data));
  return view_of_map(v);
}

/* The stored fields a public answer has always carried (API clients read them); the raw
 * events only for JSON answers (pages show the timeline). */
static void public_record(struct view_builder *b, struct view_map *v, const struct case_public *c,
                          const char *const *notes, bool raw_events, bool paused)
{
  struct view_list *events = view_list(b);
  for (size_t i = 0; raw_events && i < c->event_count; i++)
    view_push(b, events, public_event_record(b, c, &c->events[i], notes[i]));
  view_add_int(b, v, "office_id", c->office_id);
  view_add_int(b, v, "service_id", c->service_id);
  view_add(b, v, "unit_id", view_id(c->unit_id));
  view_add_int(b, v, "roc_year", c->roc_year);
  view_add_text(b, v, "word_code", c->word_code);
  view_add_int(b, v, "serial", c->serial);
  view_add_text(b, v, "case_key", c->case_key);
  view_add_text(b, v, "status", c->status);
  view_add_text(b, v, "workflow", c->workflow);
  view_add_text(b, v, "channel", c->channel);
  view_add_text(b, v, "counter", c->counter);
  view_add_int(b, v, "received_at", c->received_at);
  view_add(b, v, "due_at", view_id(c->due_at));
  view_add_text(b, v, "due_state", c->due_state);
  view_add_text(b, v, "overdue_reason", c->overdue_reason);
  view_add_text(b, v, "overdue_new_date", c->overdue_new_date);
  view_add_int(b, v, "fee_amount", c->fee_amount);
  view_add_text(b, v, "applicant_name_masked", c->applicant_name_masked);
  view_add(b, v, "picked_up_at", view_id(c->picked_up_at));
  view_add(b, v, "closed_at", view_id(c->closed_at));
  view_add_int(b, v, "time_limit_minutes", c->time_limit_minutes);
  view_add_int(b, v, "extension_minutes", c->extension_minutes);
  view_add(b, v, "events", view_of_list(events));
  if (paused) {
    view_add_text(b, v, "correction_items", c->correction_items);
    view_add_text(b, v, "correction_deadline", c->correction_deadline);
  }
}

static int public_number(struct http_request *req, struct view_builder *b,
                         const struct case_public *c, struct view_map *v)
{
  struct case_number n = {(int)c->roc_year, "", c->serial};
  char out[96];
  size_t len = strlen(c->word_code);
  if (len >= sizeof(n.word_code)) /* cut, as snprintf cut it */
    len = sizeof(n.word_code) - 1;
  memcpy(n.word_code, c->word_code, len);
  n.word_code[len] = '\0';
  if (case_number_display(&n, c->word_zh, req->lang, out, sizeof(out)))
    return ST_LIMIT;
  view_add_text(b, v, "number", arena_strdup(req->arena, out));
  return ST_OK;
}

/* The workflow's steps as the citizen reads them (issue 15): "status_plain", the plain words
 * of the case's step, and "steps" [{name, plain, current}], the open steps and the first
 * completed one in the workflow's order; both empty when the workflow is unknown. */
static void public_steps(struct http_request *req, struct view_builder *b,
                         const struct case_public *c, struct view_map *v,
                         const struct workflow_step *now)
{
  struct view_list *list = view_list(b);
  bool completed_shown = false;
  for (size_t i = 0; c->wf && i < c->wf->step_count; i++) {
    const struct workflow_step *s = &c->wf->steps[i];
    bool shown = s->kind == STEP_OPEN || (s->completed && !completed_shown) || s == now;
    if (!shown)
      continue;
    completed_shown = completed_shown || s->completed;
    struct view_map *m = view_map(b);
    view_add_text(b, m, "name", directory_pick(s->name_zh, s->name_en, req->lang));
    view_add_text(b, m, "plain", directory_pick(s->plain_zh, s->plain_en, req->lang));
    view_add_bool(b, m, "current", s == now);
    view_push(b, list, view_of_map(m));
  }
  view_add_text(b, v, "status_plain",
                now ? directory_pick(now->plain_zh, now->plain_en, req->lang) : "");
  view_add(b, v, "steps", view_of_list(list));
  view_add_bool(b, v, "has_steps", c->wf != NULL);
}

/* The case's fee in words (fee_text of every answer: the progress page's and /p/<token>'s JSON,
 * the API, the staff case and its receipt's 規費 line): the amount when one was assessed, NT$0
 * too ("NT$0（免繳）" when waived), else the fee it was taken in with, or without one the
 * service's fee text. */
static const char *fee_text(struct http_request *req, int64_t amount,
                            enum case_fee_assessed assessed, const char *service_fee)
{
  char money[48] = "";
  if (assessed == CASE_FEE_WAIVED && amount == 0)
    return http_t(req, "case_fee_waived");
  if (!amount && assessed == CASE_FEE_NONE)
    return service_fee;
  format_money(amount, money, sizeof(money));
  const char *text = arena_strdup(req->arena, money);
  return text ? text : "";
}

static void public_texts(struct http_request *req, struct view_builder *b,
                         const struct case_public *c, struct view_map *v, const char *const *notes,
                         bool raw_events, bool paused)
{
  const char *lang = req->lang;
  struct dates dates = {format_english(lang), {0}};
  const struct dir_service *s = c->service;
  const char *service_fee = s ? directory_pick(s->fee_zh, s->fee_en, lang) : "";
  struct view items = paused ? parsed(req, b, c->correction_items) : view_null();
  struct view_list *timeline = view_list(b);
  for (size_t i = 0; i < c->event_count; i++)
    view_push(b, timeline, public_event(req, b, c, &c->events[i], notes[i], raw_events, &dates));
  view_add_text(b, v, "service_name", s ? directory_pick(s->name_zh, s->name_en, lang) : "");
  view_add_text(b, v, "service_fee", service_fee);
  view_add_text(b, v, "unit_name",
                c->unit ? directory_pick(c->unit->name_zh, c->unit->name_en, lang) : "");
  const struct workflow_step *now = step_of(c->wf, c->status); /* once, for both */
  view_add_text(
      b, v, "status_label",
      case_status_name(req, now ? now->name_zh : NULL, now ? now->name_en : NULL, c->status));
  public_steps(req, b, c, v, now);
  view_add(b, v, "received_text", datetime_view(req, c->received_at, &dates));
  view_add(b, v, "due_text", datetime_view(req, paused ? 0 : c->due_at, &dates));
  view_add_text(b, v, "due_state_label", label(req, "due_", c->due_state));
  view_add(b, v, "closed_text", datetime_view(req, c->closed_at, &dates));
  view_add_text(b, v, "overdue_new_date_text", web_date(req, c->overdue_new_date));
  view_add_text(b, v, "fee_text", fee_text(req, c->fee_amount, c->fee_assessed, service_fee));
  view_add_text(b, v, "correction_deadline_text", web_date(req, c->correction_deadline));
  bool listed = items.type == VIEW_JSON && json_is_array(items.u.json);
  view_add(b, v, "correction_list", listed ? items : view_of_list(view_list(b)));
  view_add_bool(b, v, "in_correction", paused);
  view_add(b, v, "timeline", view_of_list(timeline));
  public_appointment(req, b, c, v);
  view_add_bool(b, v, "is_overdue", strcmp(c->due_state, "overdue") == 0);
}

/* Each event's note as shown (money events: the amount), made once for the timeline and the
 * raw events both; NULL when out of memory. */
static const char **event_notes(struct http_request *req, const struct case_public *c)
{
  const char **notes = arena_alloc(req->arena, (c->event_count + 1) * sizeof(*notes));
  for (size_t i = 0; notes && i < c->event_count; i++) {
    const struct case_public_event *e = &c->events[i];
    notes[i] = case_event_note(req, e->kind, e->note, e->data);
  }
  return notes;
}

struct view_map *case_public_tview(struct http_request *req, struct view_builder *b,
                                   const struct case_public *c, bool raw_events)
{
  /* At most 46 members, 53 under a token (files, outcomes): room for them in one block of
   * under 2 KB, which the arena zeroes without a rep stosb (64 made it 2.1 KB). */
  struct view_map *v = view_map_cap(b, 56);
  const char **notes = event_notes(req, c);
  if (!v || !notes) {
    b->failed = true;
    return NULL;
  }
  bool paused = strcmp(c->status, "correction") == 0; /* compared once */
  public_record(b, v, c, notes, raw_events, paused);
  if (public_number(req, b, c, v)) {
    b->failed = true;
    return NULL;
  }
  public_texts(req, b, c, v, notes, raw_events, paused);
  /* The result page reads some 30 of its 50 members, each found in a few probes instead of a
   * search in order (the members added later are indexed as they come). A JSON answer is
   * written in order and never looked up in: no index. */
  if (!raw_events)
    view_map_index(b, v);
  return view_done(b) ? NULL : v;
}

json_t *case_public_view(struct http_request *req, const struct case_public *c, bool raw_events)
{
  struct view_builder b = view_builder(req->arena);
  struct view_map *v = case_public_tview(req, &b, c, raw_events);
  return v ? view_to_json(view_of_map(v)) : NULL;
}

/* ---- the staff case read model (domain/case_staff_read.h) as the view ------------------------ */

static json_t *id_json(int64_t v)
{
  return v ? json_integer(v) : json_null();
}

/* The case's row as its stored fields (the staff JSON answer has always carried them). */
static json_t *staff_row(const struct case_record *c)
{
  return json_pack(
      "{s:I, s:I, s:I, s:o, s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:I, "
      "s:I, s:I, s:o, s:s, s:o, s:I, s:s, s:s, s:I, s:s, s:s, s:I, s:s, s:s, s:s, "
      "s:s, s:o, s:o, s:I, s:s, s:s, s:I}",
      "id", (json_int_t)c->id, "office_id", (json_int_t)c->office_id, "service_id",
      (json_int_t)c->service_id, "unit_id", id_json(c->unit_id), "roc_year",
      (json_int_t)c->roc_year, "word_code", c->word_code, "serial", (json_int_t)c->serial,
      "case_key", c->case_key, "check_code", c->check_code, "workflow", c->workflow, "status",
      c->status, "channel", c->channel, "handler_id", id_json(c->handler_id), "counter", c->counter,
      "received_at", (json_int_t)c->received_at, "time_limit_minutes",
      (json_int_t)c->time_limit_minutes, "extension_minutes", (json_int_t)c->extension_minutes,
      "due_at", id_json(c->due_at), "due_state", c->due_state, "paused_since",
      id_json(c->paused_since), "correction_count", (json_int_t)c->correction_count,
      "correction_items", c->correction_items, "correction_deadline", c->correction_deadline,
      "second_correction_approved", (json_int_t)c->second_correction_approved, "overdue_reason",
      c->overdue_reason, "overdue_new_date", c->overdue_new_date, "fee_amount",
      (json_int_t)c->fee_amount, "documents", c->documents, "applicant_name_masked",
      c->applicant_name_masked, "notify", c->notify, "lang", c->lang, "picked_up_at",
      id_json(c->picked_up_at), "closed_at", id_json(c->closed_at), "updated_at",
      (json_int_t)c->updated_at, "answers", c->answers, "description", c->description,
      "workflow_version", (json_int_t)c->workflow_version);
}

static json_t *staff_event_record(const struct case_staff *s, const struct case_staff_event *e)
{
  return json_pack("{s:I, s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s}", "id",
                   (json_int_t)e->id, "case_id", (json_int_t)s->c.id, "at", (json_int_t)e->at,
                   "actor_id", (json_int_t)e->actor_id, "actor", e->actor, "on_behalf_of",
                   e->on_behalf_of, "kind", e->kind, "from_status", e->from_status, "to_status",
                   e->to_status, "note", e->note, "public", (json_int_t)e->public, "data", e->data);
}

/* What the reader may do and the workflow's names: "next_steps", "step_names",
 * "step_appointment", "may_act", "acting_for". */
static int staff_actions(const struct case_staff *s, json_t *v)
{
  json_t *steps = json_array(), *names = json_object();
  for (size_t i = 0; steps && i < s->next_step_count; i++)
    json_array_append_new(steps, json_string(s->next_steps[i]));
  for (size_t i = 0; names && s->wf && i < s->wf->step_count; i++)
    json_object_set_new(
        names, s->wf->steps[i].code,
        json_pack("{s:s, s:s}", "zh-TW", s->wf->steps[i].name_zh, "en", s->wf->steps[i].name_en));
  if (json_object_set_new(v, "next_steps", steps) || json_object_set_new(v, "step_names", names) ||
      json_object_set_new(v, "step_appointment", json_boolean(s->step_appointment)) ||
      json_object_set_new(v, "may_act", json_boolean(s->may_act)) ||
      json_object_set_new(v, "acting_for", json_string(s->acting_for)))
    return ST_NOMEM;
  return ST_OK;
}

/* The stored fields, the applicant, the raw events and what the reader may do. */
static json_t *staff_record(const struct case_staff *s)
{
  json_t *v = staff_row(&s->c), *events = json_array();
  const struct case_applicant *a = &s->applicant;
  for (size_t i = 0; events && i < s->event_count; i++)
    json_array_append_new(events, staff_event_record(s, &s->events[i]));
  if (!v ||
      json_object_set_new(v, "applicant",
                          json_pack("{s:s, s:s, s:s, s:s}", "name", a->name, "id", a->id, "phone",
                                    a->phone, "email", a->email)) ||
      json_object_set_new(v, "events", events) || staff_actions(s, v)) {
    json_decref(v);
    return NULL;
  }
  return v;
}

/* Whether note is only the event's items joined by "；", as a correction notice given without
 * a note of its own keeps them (the public timeline shows the note): the staff timeline lists
 * the items one a line and shows that note no second time. */
static bool note_lists_items(const char *note, json_t *data)
{
  json_t *items = json_object_get(data, "items"), *item;
  size_t i, at = 0;
  if (!json_array_size(items) || !note || !*note)
    return false;
  json_array_foreach(items, i, item)
  {
    const char *text = json_string_value(item);
    size_t n = text ? strlen(text) : 0;
    if (!text || (i && strncmp(note + at, "；", 3) != 0))
      return false;
    at += i ? 3 : 0;
    if (strncmp(note + at, text, n) != 0)
      return false;
    at += n;
  }
  return note[at] == '\0';
}

/* Who did it: an event with no staff account behind it by the system (the overdue and pickup
 * scanner, payment callbacks) or the applicant (online) in the page's language; others as
 * web_actor_label. A staff account's name is shown as stored, whatever it is. */
static const char *event_actor(struct http_request *req, const struct case_staff_event *e)
{
  if (e->actor_id == 0 && !strcmp(e->actor, "system"))
    return http_t(req, "actor_system");
  if (e->actor_id == 0 && !strcmp(e->actor, "applicant"))
    return http_t(req, "actor_applicant");
  return web_actor_label(req, e->actor);
}

static json_t *staff_event(struct http_request *req, const struct case_staff *s,
                           const struct case_staff_event *e)
{
  const char *what = strcmp(e->kind, "status") == 0 ? case_wf_step_label(req, s->wf, e->to_status)
                                                    : label(req, "event_", e->kind);
  json_t *data = json_loads(e->data, 0, NULL);
  const char *note =
      note_lists_items(e->note, data) ? "" : case_event_note(req, e->kind, e->note, e->data);
  json_t *v = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "at", web_datetime(req, e->at), "what",
                        what, "note", note, "actor", event_actor(req, e), "on_behalf_of",
                        e->on_behalf_of, "public", e->public);
  if (v && data)
    json_object_set(v, "data", data);
  const char *when, *place;
  appointment_of(req, e->kind, e->data, &when, &place);
  if (v)
    json_object_set_new(v, "when", json_string(when));
  json_decref(data);
  return v;
}

static json_t *staff_timeline(struct http_request *req, const struct case_staff *s)
{
  json_t *timeline = json_array();
  for (size_t i = 0; timeline && i < s->event_count; i++)
    json_array_append_new(timeline, staff_event(req, s, &s->events[i]));
  return timeline;
}

/* The service's and unit's names, the handler's and the printed number. */
static int staff_names(struct http_request *req, const struct case_staff *s, json_t *v)
{
  const struct case_record *c = &s->c;
  const char *lang = req->lang;
  char number[96];
  struct case_number n = {(int)c->roc_year, "", c->serial};
  snprintf(n.word_code, sizeof(n.word_code), "%s", c->word_code);
  if (case_number_display(&n, s->word_zh, lang, number, sizeof(number)))
    return ST_LIMIT;
  int rc = set(v, "service_name", directory_pick(s->service->name_zh, s->service->name_en, lang));
  if (!rc)
    rc = set(v, "service_fee", directory_pick(s->service->fee_zh, s->service->fee_en, lang));
  if (!rc && s->unit)
    rc = set(v, "unit_name", directory_pick(s->unit->name_zh, s->unit->name_en, lang));
  if (!rc && *s->handler_name)
    rc = set(v, "handler_name", s->handler_name);
  return rc ? rc : set(v, "number", number);
}

/* Dates and states in words, the correction awaited, the timeline. */
static int staff_texts(struct http_request *req, const struct case_staff *s, json_t *v)
{
  const struct case_record *c = &s->c;
  const char *fee = fee_text(req, c->fee_amount, s->fee_assessed,
                             directory_pick(s->service->fee_zh, s->service->fee_en, req->lang));
  bool paused = strcmp(c->status, "correction") == 0;
  const struct {
    const char *key, *value;
  } texts[] = {{"status_label", case_wf_step_label(req, s->wf, c->status)},
               {"received_text", web_datetime(req, c->received_at)},
               {"due_text", paused ? "" : web_datetime(req, c->due_at)},
               {"due_state_label", label(req, "due_", c->due_state)},
               {"closed_text", web_datetime(req, c->closed_at)},
               {"overdue_new_date_text", web_date(req, c->overdue_new_date)},
               {"fee_text", fee},
               {"correction_deadline_text", web_date(req, c->correction_deadline)}};
  for (size_t i = 0; i < ARRAY_LEN(texts); i++)
    if (set(v, texts[i].key, texts[i].value))
      return ST_NOMEM;
  json_t *items = paused ? json_loads(c->correction_items, 0, NULL) : NULL;
  int rc = json_object_set_new(v, "correction_list",
                               json_is_array(items) ? json_incref(items) : json_array()) ||
                   json_object_set_new(v, "in_correction", json_boolean(paused)) ||
                   json_object_set_new(v, "timeline", staff_timeline(req, s)) ||
                   json_object_set_new(v, "is_overdue",
                                       json_boolean(strcmp(c->due_state, "overdue") == 0))
               ? ST_NOMEM
               : ST_OK;
  json_decref(items);
  return rc;
}

json_t *case_staff_view(struct http_request *req, const struct case_staff *s)
{
  json_t *v = staff_record(s);
  if (v && (staff_names(req, s, v) || staff_texts(req, s, v))) {
    json_decref(v);
    return NULL;
  }
  return v;
}
