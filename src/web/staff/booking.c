/*
 * booking.c - the staff's booking pages (booking.h): settings, the day list, the figures.
 */
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/str.h"
#include "domain/audit.h"
#include "domain/booking.h"
#include "domain/directory.h"
#include "domain/notify.h"
#include "web/app.h"
#include "web/public/booking.h"
#include "web/staff/booking.h"

#include "base/common.h"

/* ---- /staff/admin/bookings ----------------------------------------------------------------- */

static bool chosen(const struct booking_config *c, int64_t id)
{
  for (size_t i = 0; i < c->n_services; i++) {
    if (c->services[i] == id)
      return true;
  }
  return false;
}

static json_t *weekdays_view(struct http_request *req, int selected)
{
  json_t *list = json_array();
  for (int d = 0; list && d <= 7; d++) {
    char key[] = "booking_wd_0";
    key[sizeof(key) - 2] = (char)('0' + d);
    json_array_append_new(list, json_pack("{s:i, s:s, s:b}", "value", d, "label",
                                          http_t(req, d ? key : "booking_no_consult"), "selected",
                                          d == selected));
  }
  return list;
}

static int settings_show(struct http_request *req, struct http_response *res, int status,
                         bool saved, const char *error)
{
  struct store *store;
  struct booking_config c;
  const struct dir_service *services = NULL;
  size_t n = 0;
  int rc = web_store(req, &store);
  if (!rc)
    rc = booking_config_read(store, req->arena, req->session->office_id, &c, &services, &n);
  if (rc)
    return rc;
  json_t *list = json_array();
  for (size_t i = 0; list && i < n; i++)
    json_array_append_new(
        list, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)services[i].id, "name",
                        directory_pick(services[i].name_zh, services[i].name_en, req->lang),
                        "checked", chosen(&c, services[i].id)));
  json_t *page =
      json_pack("{s:s, s:b, s:i, s:i, s:b, s:b, s:o, s:o, s:s, s:s, s:i, s:s, s:s}", "title",
                http_t(req, "booking_settings_title"), "saved", saved, "slot_minutes",
                c.slot_minutes, "capacity", c.capacity, "lunch", c.lunch_service, "pickup",
                c.pickup, "services", list, "weekdays", weekdays_view(req, c.consult_weekday),
                "consult_start", booking_clock(req, c.consult_start), "consult_end",
                booking_clock(req, c.consult_end), "consult_capacity", c.consult_capacity,
                "consult_title_zh", c.consult_title_zh, "consult_title_en", c.consult_title_en);
  if (!page)
    return ST_NOMEM;
  if (error)
    web_form_error(req, page, "slot_minutes", error);
  return http_page(res, status, "staff/booking_settings", page);
}

int booking_settings(struct http_request *req, struct http_response *res)
{
  return settings_show(req, res, 200, false, NULL);
}

/* A whole number field in min..max; false when absent or not one. */
static bool int_field(struct http_request *req, const char *name, int64_t min, int64_t max,
                      int *out)
{
  const char *text = http_form(req, name);
  int64_t v = 0;
  if (!text || str_to_int64(str_trim(str_from(text)), min, max, &v))
    return false;
  *out = (int)v;
  return true;
}

static bool form_config(struct http_request *req, struct booking_config *c)
{
  booking_config_default(c);
  bool ok = int_field(req, "slot_minutes", BOOKING_SLOT_MINUTES_MIN, BOOKING_SLOT_MINUTES_MAX,
                      &c->slot_minutes) &&
            int_field(req, "capacity", 1, BOOKING_CAPACITY_MAX, &c->capacity) &&
            int_field(req, "consult_weekday", 0, 7, &c->consult_weekday);
  c->lunch_service = http_form(req, "lunch") != NULL;
  c->pickup = http_form(req, "pickup") != NULL;
  const char *title_zh = http_form(req, "consult_title_zh"),
             *title_en = http_form(req, "consult_title_en");
  c->consult_title_zh = title_zh ? title_zh : "";
  c->consult_title_en = title_en ? title_en : "";
  if (ok && c->consult_weekday)
    ok = int_field(req, "consult_capacity", 1, BOOKING_CAPACITY_MAX, &c->consult_capacity) &&
         !notify_parse_hhmm(http_form(req, "consult_start"), &c->consult_start) &&
         !notify_parse_hhmm(http_form(req, "consult_end"), &c->consult_end);
  for (size_t i = 0; ok && i < req->form_count && c->n_services < BOOKING_SERVICES_MAX; i++) {
    int64_t id = 0;
    if (str_eq_cstr(req->form[i].name, "service") &&
        !str_to_int64(req->form[i].value, 1, INT64_MAX, &id))
      c->services[c->n_services++] = id;
  }
  return ok;
}

int booking_settings_save(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct booking_config c;
  struct audit_actor who;
  const char *reason = "booking_err_settings";
  web_actor(req, &who);
  int rc = form_config(req, &c) ? web_store(req, &store) : ST_INVALID;
  if (!rc)
    rc = booking_config_save(store, &who, &c, clock_now(), &reason);
  if (rc == ST_INVALID)
    return settings_show(req, res, 400, false, reason);
  return rc ? rc : settings_show(req, res, 200, true, NULL);
}

/* ---- /staff/bookings/today ------------------------------------------------------------------ */

static const char *lane_label(struct http_request *req, const struct booking *b)
{
  if (!strcmp(b->kind, "consult"))
    return http_t(req, "booking_kind_consult");
  if (b->unit)
    return directory_pick(b->unit->name_zh, b->unit->name_en, req->lang);
  return http_t(req, "booking_lane_none");
}

/* The group of a lane, added in order of first appearance. */
static json_t *lane_group(struct http_request *req, json_t *groups, const struct booking *b)
{
  size_t i;
  json_t *g;
  json_array_foreach(groups, i, g)
  {
    if (!strcmp(web_str(g, "lane"), b->lane))
      return g;
  }
  const char *counter = b->unit ? b->unit->counter : "";
  g = json_pack("{s:s, s:s, s:s, s:[]}", "lane", b->lane, "label", lane_label(req, b), "counter",
                counter, "bookings");
  json_array_append_new(groups, g);
  return g;
}

static json_t *row_view(struct http_request *req, const struct booking *b)
{
  const char *what = b->service
                         ? directory_pick(b->service->name_zh, b->service->name_en, req->lang)
                         : http_t(req, !strcmp(b->kind, "consult") ? "booking_kind_consult"
                                                                   : "booking_kind_pickup");
  const char *status = arena_printf(req->arena, "booking_status_%s", b->status);
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "number", b->number, "time",
                   booking_clock(req, b->start_minute), "what", what, "name", b->name_masked,
                   "status", http_t(req, status ? status : ""), "status_code", b->status, "late",
                   b->late, "arrived", b->arrived_at ? web_datetime(req, b->arrived_at) : "");
}

/* The day asked for (?day=YYYY-MM-DD), today when none or unreadable. */
static int64_t asked_day(struct http_request *req)
{
  const char *text = http_query(req, "day");
  struct civil_date d;
  if (text && !civil_parse_iso(str_from(text), &d))
    return civil_to_days(d);
  return booking_day_of(clock_now());
}

int booking_today(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct booking *list = NULL;
  size_t n = 0;
  int64_t day = asked_day(req);
  char iso[CIVIL_ISO_SIZE];
  int rc = web_store(req, &store);
  if (!rc)
    rc = booking_day_read(store, req->arena, req->session->office_id, day, &list, &n);
  if (rc)
    return rc;
  json_t *groups = json_array();
  for (size_t i = 0; groups && i < n; i++)
    json_array_append_new(json_object_get(lane_group(req, groups, &list[i]), "bookings"),
                          row_view(req, &list[i]));
  civil_format_iso(civil_from_days(day), iso);
  return http_page(res, 200, "staff/booking_today",
                   json_pack("{s:s, s:s, s:s, s:o, s:b}", "title",
                             http_t(req, "booking_today_title"), "date",
                             booking_date_label(req, civil_from_days(day)), "day", iso, "lanes",
                             groups, "empty", n == 0));
}

/* ---- /staff/reports/bookings ---------------------------------------------------------------- */

static json_t *figure_view(struct http_request *req, const struct booking_figure *f)
{
  char iso[CIVIL_ISO_SIZE];
  civil_format_iso(f->date, iso);
  const char *what = f->service
                         ? directory_pick(f->service->name_zh, f->service->name_en, req->lang)
                         : http_t(req, !strcmp(f->kind, "consult")  ? "booking_kind_consult"
                                       : !strcmp(f->kind, "pickup") ? "booking_kind_pickup"
                                                                    : "booking_lane_none");
  return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "day", iso, "kind", f->kind, "what", what,
                   "made", (json_int_t)f->made, "kept", (json_int_t)f->kept, "no_show",
                   (json_int_t)f->no_show, "cancelled", (json_int_t)f->cancelled);
}

int booking_report(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct booking_figure *rows = NULL;
  size_t n = 0;
  int64_t today = booking_day_of(clock_now()), made = 0, kept = 0, no_show = 0, cancelled = 0;
  int rc = web_store(req, &store);
  if (!rc)
    rc = booking_figures_read(store, req->arena, req->session->office_id,
                              today - BOOKING_FIGURE_DAYS + 1, today, &rows, &n);
  if (rc)
    return rc;
  json_t *list = json_array();
  for (size_t i = 0; list && i < n; i++) {
    made += rows[i].made;
    kept += rows[i].kept;
    no_show += rows[i].no_show;
    cancelled += rows[i].cancelled;
    json_array_append_new(list, figure_view(req, &rows[i]));
  }
  return http_page(res, 200, "staff/booking_report",
                   json_pack("{s:s, s:o, s:b, s:{s:I, s:I, s:I, s:I}}", "title",
                             http_t(req, "booking_report_title"), "rows", list, "has_rows", n > 0,
                             "total", "made", (json_int_t)made, "kept", (json_int_t)kept, "no_show",
                             (json_int_t)no_show, "cancelled", (json_int_t)cancelled));
}
