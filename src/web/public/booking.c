/*
 * booking.c - the citizens' booking pages (booking.h). One domain read per page
 * (booking_offer_read, booking_by_token_read) and one domain call per write; the pages are
 * GET steps (what, then a day, then a time with the contact form) so each works without
 * script, by keyboard and on a phone: days and times are plain lists of links and radio
 * buttons, never a grid that needs a pointer.
 */
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/str.h"
#include "domain/booking.h"
#include "domain/directory.h"
#include "render/format.h"
#include "render/qr.h"
#include "web/app.h"
#include "web/public/booking.h"
#include "web/public/office.h"

#include "base/common.h"

const char *booking_clock(struct http_request *req, int minute)
{
  const char *t = arena_printf(req->arena, "%02d:%02d", minute / 60, minute % 60);
  return t ? t : "";
}

/* The weekday's name (1 Monday .. 7 Sunday). */
static const char *weekday_label(struct http_request *req, int weekday)
{
  char key[] = "booking_wd_0";
  key[sizeof(key) - 2] = (char)('0' + (weekday >= 1 && weekday <= 7 ? weekday : 0));
  return http_t(req, key);
}

/* "places left: 3" in the request's language. */
static const char *places_left(struct http_request *req, int free)
{
  const char *text = arena_printf(req->arena, "%s: %d", http_t(req, "booking_places_left"), free);
  return text ? text : "";
}

const char *booking_date_label(struct http_request *req, struct civil_date date)
{
  char text[64];
  if (format_date(date.year, date.month, date.day, req->lang, text, sizeof(text)))
    text[0] = '\0';
  const char *label =
      arena_printf(req->arena, "%s (%s)", text, weekday_label(req, civil_weekday(date)));
  return label ? label : "";
}

static json_t *slots_view(struct http_request *req, const struct booking_day *d)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < d->n_slots; i++) {
    const struct booking_slot *s = &d->slots[i];
    const char *label = arena_printf(req->arena, "%s–%s", booking_clock(req, s->start_minute),
                                     booking_clock(req, s->end_minute));
    json_array_append_new(list, json_pack("{s:i, s:s, s:s, s:b, s:s}", "start", s->start_minute,
                                          "label", label ? label : "", "free",
                                          places_left(req, s->free), "full", s->free <= 0, "id",
                                          arena_printf(req->arena, "slot-%d", s->start_minute)));
  }
  return list;
}

json_t *booking_days_view(struct http_request *req, const struct booking_day *days, size_t n,
                          const char *base, int64_t chosen)
{
  json_t *list = json_array();
  for (size_t i = 0; list && i < n; i++) {
    const struct booking_day *d = &days[i];
    const char *href = arena_printf(req->arena, "%sday=%lld", base, (long long)d->day);
    json_t *day = json_pack("{s:I, s:s, s:s, s:s, s:b}", "day", (json_int_t)d->day, "label",
                            booking_date_label(req, d->date), "free", places_left(req, d->free),
                            "href", href ? href : "", "chosen", d->day == chosen);
    if (day && d->day == chosen)
      json_object_set_new(day, "slots", slots_view(req, d));
    json_array_append_new(list, day);
  }
  return list;
}

/* ---- /o/{office}/book ------------------------------------------------------------------- */

struct book_query {
  struct booking_what what;
  int64_t day;
};

static void read_query(struct http_request *req,
                       const char *(*get)(const struct http_request *, const char *),
                       struct book_query *q)
{
  const char *service = get(req, "service"), *day = get(req, "day");
  *q = (struct book_query){{get(req, "kind"), 0, get(req, "number"), get(req, "check")}, 0};
  if (service && str_to_int64(str_from(service), 1, INT64_MAX, &q->what.service_id))
    q->what.service_id = 0;
  if (day && str_to_int64(str_from(day), 1, INT64_MAX, &q->day))
    q->day = 0;
}

/* The page's own link with what is chosen, ready for "day=N". */
static const char *step_base(struct http_request *req, const char *slug, const struct book_query *q)
{
  const struct booking_what *w = &q->what;
  if (!strcmp(w->kind, "visit"))
    return arena_printf(req->arena, "/o/%s/book?kind=visit&service=%lld&", slug,
                        (long long)w->service_id);
  if (!strcmp(w->kind, "pickup"))
    return arena_printf(req->arena, "/o/%s/book?kind=pickup&number=%s&check=%s&", slug,
                        http_url_encode(req->arena, w->number ? w->number : ""),
                        http_url_encode(req->arena, w->check_code ? w->check_code : ""));
  return arena_printf(req->arena, "/o/%s/book?kind=consult&", slug);
}

static json_t *choices_view(struct http_request *req, const struct dir_office *office,
                            const struct booking_offer *o)
{
  json_t *services = json_array();
  for (size_t i = 0; services && i < o->n_services; i++) {
    const struct dir_service *s = o->services[i];
    json_array_append_new(services,
                          json_pack("{s:s, s:s}", "name",
                                    directory_pick(s->name_zh, s->name_en, req->lang), "href",
                                    arena_printf(req->arena, "/o/%s/book?kind=visit&service=%lld",
                                                 office->slug, (long long)s->id)));
  }
  const struct booking_config *c = &o->config;
  json_t *consult =
      c->consult_weekday
          ? json_pack("{s:s, s:s, s:s}", "title",
                      directory_pick(c->consult_title_zh, c->consult_title_en, req->lang), "when",
                      arena_printf(req->arena, "%s %s–%s", weekday_label(req, c->consult_weekday),
                                   booking_clock(req, c->consult_start),
                                   booking_clock(req, c->consult_end)),
                      "href", arena_printf(req->arena, "/o/%s/book?kind=consult", office->slug))
          : json_null();
  return json_pack("{s:o, s:b, s:o, s:b, s:b, s:s}", "services", services, "has_services",
                   o->n_services > 0, "consult", consult, "pickup", c->pickup, "nothing",
                   !o->n_services && !c->consult_weekday && !c->pickup, "action",
                   arena_printf(req->arena, "/o/%s/book", office->slug));
}

static const char *what_label(struct http_request *req, const struct booking_offer *o)
{
  if (o->service)
    return directory_pick(o->service->name_zh, o->service->name_en, req->lang);
  if (!strcmp(o->kind, "consult"))
    return directory_pick(o->config.consult_title_zh, o->config.consult_title_en, req->lang);
  const char *label = arena_printf(req->arena, "%s %s", http_t(req, "booking_kind_pickup"),
                                   o->case_key ? o->case_key : "");
  return label ? label : "";
}

/* The chosen what, its days and (when one is chosen) the day's times and the contact form. */
static int chosen_view(struct http_request *req, const struct dir_office *office,
                       const struct booking_offer *o, const struct book_query *q, json_t *page)
{
  const char *base = step_base(req, office->slug, q);
  json_t *days = booking_days_view(req, o->days, o->n_days, base ? base : "", q->day);
  const struct booking_day *day = NULL;
  for (size_t i = 0; i < o->n_days; i++)
    day = o->days[i].day == q->day ? &o->days[i] : day;
  json_t *form = json_pack(
      "{s:s, s:s, s:I, s:s, s:s, s:I, s:s, s:s}", "action",
      arena_printf(req->arena, "/o/%s/book", office->slug), "kind", q->what.kind, "service",
      (json_int_t)q->what.service_id, "number", q->what.number ? q->what.number : "", "check",
      q->what.check_code ? q->what.check_code : "", "day", (json_int_t)q->day, "day_label",
      day ? booking_date_label(req, day->date) : "", "back", base ? base : "");
  if (json_object_set_new(page, "what", json_string(what_label(req, o))) ||
      json_object_set_new(page, "days", days) ||
      json_object_set_new(page, "has_days", json_boolean(o->n_days > 0)) ||
      json_object_set_new(page, "times", day ? slots_view(req, day) : json_null()) ||
      json_object_set_new(page, "form", day ? form : (json_decref(form), json_null())))
    return ST_NOMEM;
  return ST_OK;
}

static int page_show(struct http_request *req, struct http_response *res, struct store *store,
                     const struct book_query *q, int status, const char *error, const char *field)
{
  const struct dir_office *office = NULL;
  struct booking_offer o;
  const char *reason = NULL;
  int rc = office_of_request(req, store, &office);
  if (!rc)
    rc = booking_offer_read(store, req->arena, clock_now(), office->id,
                            q->what.kind ? &q->what : NULL, web_primary, req, &o, &reason);
  if (rc && reason) { /* a refused choice: the choices again with the reason */
    error = reason;
    field = "number";
    status = rc == ST_LIMIT ? 429 : 400;
    rc = booking_offer_read(store, req->arena, clock_now(), office->id, NULL, NULL, NULL, &o,
                            &reason);
  }
  if (rc)
    return rc;
  json_t *page = json_pack("{s:s, s:o, s:o}", "title", http_t(req, "booking_title"), "office",
                           office_dir_view(req, office), "choices", choices_view(req, office, &o));
  if (page && o.kind)
    rc = chosen_view(req, office, &o, q, page);
  if (!page || rc) {
    json_decref(page);
    return ST_NOMEM;
  }
  if (error)
    web_form_error(req, page, field ? field : "slot", error);
  return http_page(res, status, "public/booking", page);
}

int booking_page(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct book_query q;
  read_query(req, http_query, &q);
  int rc = web_store(req, &store);
  return rc ? rc : page_show(req, res, store, &q, 200, NULL, NULL);
}

/* A refused booking: the same step again with the reason at its field (409 for a full slot).
 * A refusal of a pickup's case (wrong number or code, locked, not ready) shows the choices
 * instead: the chosen step would look the case up (and count a wrong code) a second time. */
static int submit_refused(struct http_request *req, struct http_response *res, struct store *store,
                          const struct book_query *q, int rc, const char *reason, const char *field)
{
  bool case_refusal = !strcmp(reason, "booking_err_case") ||
                      !strcmp(reason, "booking_err_locked") ||
                      !strcmp(reason, "booking_err_not_ready");
  if (case_refusal)
    return page_show(req, res, store, &(struct book_query){{0}, 0}, rc == ST_LIMIT ? 429 : 400,
                     reason, "number");
  return page_show(req, res, store, q, rc == ST_LIMIT ? 409 : 400, reason, field ? field : "slot");
}

int booking_submit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct book_query q;
  const struct dir_office *office = NULL;
  const char *reason = NULL, *field = NULL, *start = http_form(req, "slot");
  int64_t id = 0, minute = -1;
  char token[BOOKING_TOKEN_SIZE];
  read_query(req, http_form, &q);
  if (!start || str_to_int64(str_from(start), 0, 24 * 60, &minute))
    minute = -1;
  int rc = web_store(req, &store);
  if (!rc)
    rc = office_of_request(req, store, &office);
  struct booking_request r = {q.what,
                              q.day,
                              (int)minute,
                              http_form(req, "name"),
                              http_form(req, "phone"),
                              http_form(req, "email"),
                              req->lang};
  if (!rc && minute < 0) {
    rc = ST_INVALID;
    reason = "booking_err_slot";
  } else if (!rc) {
    rc = booking_make(store, clock_now(), office->id, &r, web_primary, req, &id, token, &reason,
                      &field);
  }
  if (rc && reason)
    return submit_refused(req, res, store, &q, rc, reason, field);
  return rc ? rc : http_redirect(res, 303, arena_printf(req->arena, "/b/%s?made=1", token));
}

/* ---- /b/{token} -------------------------------------------------------------------------- */

static json_t *booking_view(struct http_request *req, const struct booking *b)
{
  const char *what = b->service
                         ? directory_pick(b->service->name_zh, b->service->name_en, req->lang)
                         : http_t(req, !strcmp(b->kind, "consult") ? "booking_kind_consult"
                                                                   : "booking_kind_pickup");
  const char *status_key = arena_printf(req->arena, "booking_status_%s", b->status);
  return json_pack(
      "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "number", b->number, "what", what, "date",
      booking_date_label(req, b->date), "time",
      arena_printf(req->arena, "%s–%s", booking_clock(req, b->start_minute),
                   booking_clock(req, b->end_minute)),
      "status", http_t(req, status_key ? status_key : ""), "name", b->name_masked, "office",
      b->office ? directory_pick(b->office->name_zh, b->office->name_en, req->lang) : "",
      "changeable", b->changeable, "late", b->late);
}

static int manage_show(struct http_request *req, struct http_response *res, int status,
                       const char *error, const char *notice)
{
  struct store *store;
  struct booking b;
  struct booking_day *days = NULL;
  size_t n = 0;
  int64_t chosen = 0;
  const char *token = http_capture(req, "token"), *day = http_query(req, "day");
  if (day && str_to_int64(str_from(day), 1, INT64_MAX, &chosen))
    chosen = 0;
  int rc = web_store(req, &store);
  if (!rc)
    rc = booking_by_token_read(store, req->arena, clock_now(), token, true, &b, &days, &n);
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, "booking_err_unknown");
  if (rc)
    return rc;
  const char *self = arena_printf(req->arena, "/b/%s", token);
  const char *base = arena_printf(req->arena, "/b/%s?", token);
  json_t *page = json_pack(
      "{s:s, s:o, s:o, s:b, s:s, s:s, s:s, s:I, s:b}", "title", http_t(req, "booking_manage_title"),
      "booking", booking_view(req, &b), "days", booking_days_view(req, days, n, base, chosen),
      "made", http_query(req, "made") != NULL, "qr", arena_printf(req->arena, "%s/qr.svg", self),
      "cancel_action", arena_printf(req->arena, "%s/cancel", self), "move_action",
      arena_printf(req->arena, "%s/move", self), "day", (json_int_t)chosen, "has_days", n > 0);
  if (!page)
    return ST_NOMEM;
  for (size_t i = 0; i < n; i++) {
    if (days[i].day == chosen) {
      json_object_set_new(page, "times", slots_view(req, &days[i]));
      json_object_set_new(page, "has_times", json_true());
    }
  }
  if (notice)
    json_object_set_new(page, "notice", json_string(http_t(req, notice)));
  if (error)
    web_form_error(req, page, "slot", error);
  return http_page(res, status, "public/booking_manage", page);
}

int booking_manage(struct http_request *req, struct http_response *res)
{
  return manage_show(req, res, 200, NULL, NULL);
}

int booking_manage_qr(struct http_request *req, struct http_response *res)
{
  const char *token = http_capture(req, "token");
  char *svg = NULL;
  size_t len = 0;
  if (!token || strlen(token) != BOOKING_TOKEN_SIZE - 1)
    return ST_NOTFOUND;
  const char *url = arena_printf(req->arena, "%s/b/%s", web_origin(req), token);
  int rc = url ? qr_svg(url, &svg, &len, NULL) : ST_NOMEM;
  if (rc)
    return rc == ST_NOMEM ? rc : ST_NOTFOUND;
  rc = http_raw(res, 200, "image/svg+xml", svg, len);
  free(svg);
  /* the booking's private link: never kept by a cache */
  return rc ? rc : http_header_add(res, "Cache-Control", "no-store");
}

static int after_change(struct http_request *req, struct http_response *res, int rc,
                        const char *reason, const char *done)
{
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, "booking_err_unknown");
  if (rc && reason)
    return manage_show(req, res, rc == ST_LIMIT ? 409 : 400, reason, NULL);
  return rc ? rc : manage_show(req, res, 200, NULL, done);
}

int booking_cancel_submit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const char *reason = NULL;
  int rc = web_store(req, &store);
  if (!rc)
    rc = booking_cancel(store, clock_now(), http_capture(req, "token"), &reason);
  return after_change(req, res, rc, reason, "booking_cancelled_notice");
}

int booking_move_submit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const char *reason = "booking_err_slot", *day = http_form(req, "day"),
             *slot = http_form(req, "slot");
  int64_t d = 0, minute = 0;
  int rc = !day || !slot || str_to_int64(str_from(day), 1, INT64_MAX, &d) ||
                   str_to_int64(str_from(slot), 0, 24 * 60, &minute)
               ? ST_INVALID
               : web_store(req, &store);
  if (!rc)
    rc = booking_move(store, clock_now(), http_capture(req, "token"), d, (int)minute, &reason);
  return after_change(req, res, rc, reason, "booking_moved_notice");
}

/* ---- the kiosk check-in ------------------------------------------------------------------- */

/* The ticket a check-in issued: its number, whether it is placed as a booked visit, and its
 * page and QR code (the same /q/ link as a ticket taken at the kiosk). */
static json_t *checkin_ticket_view(struct http_request *req, const struct booking_ticket *t)
{
  if (!t || !t->issued)
    return json_null();
  return json_pack("{s:s, s:b, s:s, s:s}", "code", t->code, "booked", t->booked, "href",
                   arena_printf(req->arena, "/q/%s?kiosk=1", t->token), "qr_src",
                   arena_printf(req->arena, "/q/%s/qr.svg", t->token));
}

static int checkin_show(struct http_request *req, struct http_response *res, struct store *store,
                        int status, const struct booking *b, const struct booking_ticket *t,
                        const char *error)
{
  const struct dir_office *office = NULL;
  int rc = office_of_request(req, store, &office);
  if (rc)
    return rc;
  json_t *page =
      json_pack("{s:s, s:o, s:s, s:o, s:o}", "title", http_t(req, "booking_checkin_title"),
                "office", office_dir_view(req, office), "action",
                arena_printf(req->arena, "/o/%s/book/checkin", office->slug), "arrived",
                b ? booking_view(req, b) : json_null(), "ticket", checkin_ticket_view(req, t));
  if (!page)
    return ST_NOMEM;
  if (b)
    json_object_set_new(page, "arrived_time", json_string(web_datetime(req, b->arrived_at)));
  if (error)
    web_form_error(req, page, "number", error);
  return http_page(res, status, "public/booking_checkin", page);
}

int booking_checkin_form(struct http_request *req, struct http_response *res)
{
  struct store *store;
  int rc = web_store(req, &store);
  return rc ? rc : checkin_show(req, res, store, 200, NULL, NULL, NULL);
}

int booking_checkin_submit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct dir_office *office = NULL;
  struct booking b;
  struct booking_ticket t;
  const char *reason = NULL;
  int rc = web_store(req, &store);
  if (!rc)
    rc = office_of_request(req, store, &office);
  if (!rc)
    rc = booking_check_in(store, req->arena, clock_now(), office->id, http_form(req, "number"), &b,
                          &t, &reason);
  if (rc && reason)
    return checkin_show(req, res, store, rc == ST_NOTFOUND ? 404 : 400, NULL, NULL, reason);
  return rc ? rc : checkin_show(req, res, store, 200, &b, &t, NULL);
}
