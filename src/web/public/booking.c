/*
 * booking.c - the citizens' booking pages (booking.h). One domain read per page
 * (booking_offer_read, booking_by_token_read), each page built once as an arena view
 * (render/view.h), and one domain call per write; the pages are
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

/* The day's times as radios, chosen (a start minute, -1 for none) checked. */
static struct view slots_view(struct http_request *req, struct view_builder *b,
                              const struct booking_day *d, int64_t chosen)
{
  struct view_list *list = view_list(b);
  for (size_t i = 0; i < d->n_slots; i++) {
    const struct booking_slot *s = &d->slots[i];
    struct view_map *m = view_map(b);
    view_add_int(b, m, "start", s->start_minute);
    view_add_text(b, m, "label",
                  arena_printf(req->arena, "%s–%s", booking_clock(req, s->start_minute),
                               booking_clock(req, s->end_minute)));
    view_add_text(b, m, "free", places_left(req, s->free));
    view_add_bool(b, m, "full", s->free <= 0);
    view_add_bool(b, m, "checked", s->start_minute == chosen && s->free > 0);
    view_add_text(b, m, "id", arena_printf(req->arena, "slot-%d", s->start_minute));
    view_push(b, list, view_of_map(m));
  }
  return view_of_list(list);
}

struct view booking_days_tview(struct http_request *req, struct view_builder *b,
                               const struct booking_day *days, size_t n, const char *base,
                               int64_t chosen)
{
  struct view_list *list = view_list(b);
  for (size_t i = 0; i < n; i++) {
    const struct booking_day *d = &days[i];
    struct view_map *m = view_map(b);
    view_add_int(b, m, "day", d->day);
    view_add_text(b, m, "label", booking_date_label(req, d->date));
    view_add_text(b, m, "free", places_left(req, d->free));
    view_add_text(b, m, "href", arena_printf(req->arena, "%sday=%lld", base, (long long)d->day));
    view_add_bool(b, m, "chosen", d->day == chosen);
    if (d->day == chosen)
      view_add(b, m, "slots", slots_view(req, b, d, -1));
    view_push(b, list, view_of_map(m));
  }
  return view_of_list(list);
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

/* The consultation's session, or null when the office offers none. */
static struct view consult_view(struct http_request *req, struct view_builder *b,
                                const struct dir_office *office, const struct booking_config *c)
{
  if (!c->consult_weekday)
    return view_null();
  struct view_map *m = view_map(b);
  view_add_text(b, m, "title", directory_pick(c->consult_title_zh, c->consult_title_en, req->lang));
  view_add_text(b, m, "when",
                arena_printf(req->arena, "%s %s–%s", weekday_label(req, c->consult_weekday),
                             booking_clock(req, c->consult_start),
                             booking_clock(req, c->consult_end)));
  view_add_text(b, m, "href", arena_printf(req->arena, "/o/%s/book?kind=consult", office->slug));
  return view_of_map(m);
}

static struct view choices_view(struct http_request *req, struct view_builder *b,
                                const struct dir_office *office, const struct booking_offer *o)
{
  struct view_list *services = view_list(b);
  for (size_t i = 0; i < o->n_services; i++) {
    const struct dir_service *s = o->services[i];
    struct view_map *m = view_map(b);
    view_add_text(b, m, "name", directory_pick(s->name_zh, s->name_en, req->lang));
    view_add_text(b, m, "href",
                  arena_printf(req->arena, "/o/%s/book?kind=visit&service=%lld", office->slug,
                               (long long)s->id));
    view_push(b, services, view_of_map(m));
  }
  const struct booking_config *c = &o->config;
  struct view_map *m = view_map(b);
  view_add(b, m, "services", view_of_list(services));
  view_add_bool(b, m, "has_services", o->n_services > 0);
  view_add(b, m, "consult", consult_view(req, b, office, c));
  view_add_bool(b, m, "pickup", c->pickup);
  view_add_bool(b, m, "nothing", !o->n_services && !c->consult_weekday && !c->pickup);
  view_add_text(b, m, "action", arena_printf(req->arena, "/o/%s/book", office->slug));
  return view_of_map(m);
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

/* The form's text field name as it was posted ("" on a page read), given back after a
 * refusal. */
static const char *typed(struct http_request *req, const char *name)
{
  const char *v = http_form(req, name);
  return v ? v : "";
}

/* The start minute posted for the slot, -1 for none. */
static int64_t typed_slot(struct http_request *req)
{
  const char *start = http_form(req, "slot");
  int64_t minute = -1;
  if (!start || str_to_int64(str_from(start), 0, 24 * 60, &minute))
    minute = -1;
  return minute;
}

/* The contact form of the chosen day's times, with what was typed. */
static struct view contact_form(struct http_request *req, struct view_builder *b,
                                const struct dir_office *office, const struct book_query *q,
                                const struct booking_day *day, const char *base)
{
  struct view_map *m = view_map(b);
  view_add_text(b, m, "action", arena_printf(req->arena, "/o/%s/book", office->slug));
  view_add_text(b, m, "kind", q->what.kind);
  view_add_int(b, m, "service", q->what.service_id);
  view_add_text(b, m, "number", q->what.number);
  view_add_text(b, m, "check", q->what.check_code);
  view_add_int(b, m, "day", q->day);
  view_add_text(b, m, "day_label", booking_date_label(req, day->date));
  view_add_text(b, m, "name", typed(req, "name"));
  view_add_text(b, m, "phone", typed(req, "phone"));
  view_add_text(b, m, "email", typed(req, "email"));
  /* back to the choice of days: the step's link without the separator "day=N" would follow */
  size_t n = strlen(base);
  view_add_text(b, m, "back",
                n && base[n - 1] == '&' ? arena_strndup(req->arena, base, n - 1) : base);
  return view_of_map(m);
}

/* The chosen what, its days and (when one is chosen) the day's times and the contact form. */
static void chosen_view(struct http_request *req, struct view_builder *b,
                        const struct dir_office *office, const struct booking_offer *o,
                        const struct book_query *q, struct view_map *page)
{
  const char *base = step_base(req, office->slug, q);
  const struct booking_day *day = NULL;
  for (size_t i = 0; i < o->n_days; i++)
    day = o->days[i].day == q->day ? &o->days[i] : day;
  view_add_text(b, page, "what", what_label(req, o));
  view_add(b, page, "days",
           booking_days_tview(req, b, o->days, o->n_days, base ? base : "", q->day));
  view_add_bool(b, page, "has_days", o->n_days > 0);
  view_add(b, page, "times", day ? slots_view(req, b, day, typed_slot(req)) : view_null());
  view_add(b, page, "form",
           day ? contact_form(req, b, office, q, day, base ? base : "") : view_null());
}

/* The booking page of q's step with status and the n refusals, each at its field. */
static int page_show(struct http_request *req, struct http_response *res, struct store *store,
                     const struct book_query *q, int status, const struct form_refusal *refused,
                     size_t n)
{
  struct form_refusal choice;
  const struct dir_office *office = NULL;
  struct booking_offer o;
  const char *reason = NULL;
  int rc = office_of_request(req, store, &office);
  if (!rc)
    rc = booking_offer_read(store, req->arena, clock_now(), office->id,
                            q->what.kind ? &q->what : NULL, web_primary, req, &o, &reason);
  if (rc && reason) { /* a refused choice: the choices again with the reason */
    choice = (struct form_refusal){"number", reason};
    refused = &choice;
    n = 1;
    status = rc == ST_LIMIT ? 429 : 400;
    rc = booking_offer_read(store, req->arena, clock_now(), office->id, NULL, NULL, NULL, &o,
                            &reason);
  }
  if (rc)
    return rc;
  struct view_builder b = view_builder(req->arena);
  struct view_map *page = view_map(&b);
  view_add_text(&b, page, "title", http_t(req, "booking_title"));
  view_add(&b, page, "office", office_dir_tview(req, &b, office));
  view_add(&b, page, "choices", choices_view(req, &b, office, &o));
  if (o.kind)
    chosen_view(req, &b, office, &o, q, page);
  if (n)
    web_form_errors_tview(req, &b, page, refused,
                          n <= BOOKING_REFUSALS_MAX ? n : BOOKING_REFUSALS_MAX + 1);
  if (view_done(&b))
    return ST_NOMEM;
  return http_page_view(res, status, "public/booking", view_of_map(page));
}

int booking_page(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct book_query q;
  read_query(req, http_query, &q);
  int rc = web_store(req, &store);
  return rc ? rc : page_show(req, res, store, &q, 200, NULL, 0);
}

/* A refused booking: the same step again with the reason at its field (409 for a full slot)
 * and, beside a refused slot or detail, every other refused detail (the name, the phone or
 * e-mail), so the form is corrected in one go. A refusal of a pickup's case (wrong number or
 * code, locked, not ready) shows the choices instead: the chosen step would look the case up
 * (and count a wrong code) a second time. */
static int submit_refused(struct http_request *req, struct http_response *res, struct store *store,
                          const struct book_query *q, const struct booking_request *r, int rc,
                          const char *reason, const char *field)
{
  bool case_refusal = !strcmp(reason, "booking_err_case") ||
                      !strcmp(reason, "booking_err_locked") ||
                      !strcmp(reason, "booking_err_not_ready");
  struct form_refusal refused[BOOKING_REFUSALS_MAX + 1] = {{field ? field : "slot", reason}};
  size_t n = 1;
  if (case_refusal) {
    refused[0].field = "number";
    return page_show(req, res, store, &(struct book_query){{0}, 0}, rc == ST_LIMIT ? 429 : 400,
                     refused, n);
  }
  if (rc == ST_INVALID && !field) /* the slot: the details are checked too */
    n += booking_request_refusals(r, refused + 1);
  else if (rc == ST_INVALID) /* a detail: all of them */
    n = booking_request_refusals(r, refused);
  return page_show(req, res, store, q, rc == ST_LIMIT ? 409 : 400, refused, n ? n : 1);
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
    return submit_refused(req, res, store, &q, &r, rc, reason, field);
  return rc ? rc : http_redirect(res, 303, arena_printf(req->arena, "/b/%s?made=1", token));
}

/* ---- /b/{token} -------------------------------------------------------------------------- */

static struct view booking_view(struct http_request *req, struct view_builder *vb,
                                const struct booking *b)
{
  const char *what = b->service
                         ? directory_pick(b->service->name_zh, b->service->name_en, req->lang)
                         : http_t(req, !strcmp(b->kind, "consult") ? "booking_kind_consult"
                                                                   : "booking_kind_pickup");
  const char *status_key = arena_printf(req->arena, "booking_status_%s", b->status);
  /* the number lives in *b; the page is rendered while b is still in scope */
  const char *number = arena_strdup(req->arena, b->number);
  struct view_map *m = view_map(vb);
  view_add_text(vb, m, "number", number);
  view_add_text(vb, m, "what", what);
  view_add_text(vb, m, "date", booking_date_label(req, b->date));
  view_add_text(vb, m, "time",
                arena_printf(req->arena, "%s–%s", booking_clock(req, b->start_minute),
                             booking_clock(req, b->end_minute)));
  view_add_text(vb, m, "status", http_t(req, status_key ? status_key : ""));
  view_add_text(vb, m, "name", b->name_masked);
  view_add_text(vb, m, "office",
                b->office ? directory_pick(b->office->name_zh, b->office->name_en, req->lang) : "");
  view_add_bool(vb, m, "changeable", b->changeable);
  view_add_bool(vb, m, "late", b->late);
  return view_of_map(m);
}

static int manage_show(struct http_request *req, struct http_response *res, int status,
                       const char *error, const char *notice)
{
  struct store *store;
  struct booking b;
  struct booking_day *days = NULL;
  size_t n = 0;
  int64_t chosen = 0;
  /* the day of the page's link, or of the move form refused (its times shown again) */
  const char *token = http_capture(req, "token"), *day = http_query(req, "day");
  if (!day && error)
    day = http_form(req, "day");
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
  struct view_builder vb = view_builder(req->arena);
  struct view_map *page = view_map(&vb);
  view_add_text(&vb, page, "title", http_t(req, "booking_manage_title"));
  view_add(&vb, page, "booking", booking_view(req, &vb, &b));
  view_add(&vb, page, "days", booking_days_tview(req, &vb, days, n, base ? base : "", chosen));
  view_add_bool(&vb, page, "made", http_query(req, "made") != NULL);
  view_add_text(&vb, page, "qr", arena_printf(req->arena, "%s/qr.svg", self));
  view_add_text(&vb, page, "cancel_action", arena_printf(req->arena, "%s/cancel", self));
  view_add_text(&vb, page, "move_action", arena_printf(req->arena, "%s/move", self));
  view_add_int(&vb, page, "day", chosen);
  view_add_bool(&vb, page, "has_days", n > 0);
  for (size_t i = 0; i < n; i++) {
    if (days[i].day == chosen) {
      view_set(&vb, page, "times", slots_view(req, &vb, &days[i], typed_slot(req)));
      view_set(&vb, page, "has_times", view_bool(true));
    }
  }
  if (notice)
    view_add_text(&vb, page, "notice", http_t(req, notice));
  if (error)
    web_form_error_tview(req, &vb, page, "slot", error);
  if (view_done(&vb))
    return ST_NOMEM;
  return http_page_view(res, status, "public/booking_manage", view_of_map(page));
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
static struct view checkin_ticket_view(struct http_request *req, struct view_builder *b,
                                       const struct booking_ticket *t)
{
  if (!t || !t->issued)
    return view_null();
  struct view_map *m = view_map(b);
  view_add_text(b, m, "code", arena_strdup(req->arena, t->code)); /* t is on the caller's stack */
  view_add_bool(b, m, "booked", t->booked);
  view_add_text(b, m, "href", arena_printf(req->arena, "/q/%s?kiosk=1", t->token));
  view_add_text(b, m, "qr_src", arena_printf(req->arena, "/q/%s/qr.svg", t->token));
  return view_of_map(m);
}

static int checkin_show(struct http_request *req, struct http_response *res, struct store *store,
                        int status, const struct booking *b, const struct booking_ticket *t,
                        const char *error)
{
  const struct dir_office *office = NULL;
  int rc = office_of_request(req, store, &office);
  if (rc)
    return rc;
  struct view_builder vb = view_builder(req->arena);
  struct view_map *page = view_map(&vb);
  view_add_text(&vb, page, "title", http_t(req, "booking_checkin_title"));
  view_add(&vb, page, "office", office_dir_tview(req, &vb, office));
  view_add_text(&vb, page, "action", arena_printf(req->arena, "/o/%s/book/checkin", office->slug));
  view_add(&vb, page, "arrived", b ? booking_view(req, &vb, b) : view_null());
  view_add(&vb, page, "ticket", checkin_ticket_view(req, &vb, t));
  if (b)
    view_add_text(&vb, page, "arrived_time", web_datetime(req, b->arrived_at));
  if (error)
    web_form_error_tview(req, &vb, page, "number", error);
  if (view_done(&vb))
    return ST_NOMEM;
  return http_page_view(res, status, "public/booking_checkin", view_of_map(page));
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
