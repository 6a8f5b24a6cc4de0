/*
 * booking.c - booked visits (booking.h): settings, the citizen's booking, its private link
 * (move, cancel), kiosk check-in, the staff's reads and the scanner's pass. Each public
 * function is one transaction; reads take the directory snapshot first.
 */
#include <sodium.h>
#include <string.h>

#include "base/arena.h"
#include "base/civil.h"
#include "base/str.h"
#include "base/text.h"
#include "domain/apply.h"
#include "domain/audit.h"
#include "domain/booking.h"
#include "domain/booking_internal.h"
#include "domain/cases.h"
#include "domain/directory.h"
#include "domain/notify.h"
#include "domain/personal.h"
#include "domain/queue.h"
#include "store/booking.h"
#include "store/directory.h"
#include "store/store.h"

#include "base/common.h"

int64_t booking_day_of(time_t t)
{
  return civil_to_days(civil_taipei(t).date);
}

int booking_minute_of(time_t t)
{
  struct civil_time w = civil_taipei(t);
  return w.hour * 60 + w.minute;
}

static int parse_services(const char *text, struct booking_config *c)
{
  struct str s = str_from(text);
  while (s.len && c->n_services < BOOKING_SERVICES_MAX) {
    size_t n = 0;
    while (n < s.len && s.ptr[n] != ',')
      n++;
    int64_t id = 0;
    if (!str_to_int64((struct str){s.ptr, n}, 1, INT64_MAX, &id))
      c->services[c->n_services++] = id;
    s.ptr += n < s.len ? n + 1 : n;
    s.len -= n < s.len ? n + 1 : n;
  }
  return ST_OK;
}

int booking_config_in(struct store *store, struct arena *arena, int64_t office_id,
                      struct booking_config *out)
{
  struct store_booking_config row;
  booking_config_default(out);
  int rc = store_booking_config_get(store, arena, office_id, &row);
  if (rc == ST_NOTFOUND)
    return ST_OK;
  if (rc)
    return rc;
  out->slot_minutes = (int)row.slot_minutes;
  out->capacity = (int)row.capacity;
  out->lunch_service = row.lunch_service != 0;
  out->pickup = row.pickup != 0;
  out->consult_weekday = (int)row.consult_weekday;
  out->consult_start = (int)row.consult_start;
  out->consult_end = (int)row.consult_end;
  out->consult_capacity = (int)row.consult_capacity;
  out->consult_title_zh = row.consult_title_zh;
  out->consult_title_en = row.consult_title_en;
  out->saved = true;
  return parse_services(row.services, out);
}

int booking_config_read(struct store *store, struct arena *arena, int64_t office_id,
                        struct booking_config *out, const struct dir_service **services,
                        size_t *n_services)
{
  const struct directory *dir;
  int rc = directory_acquire(store, arena, &dir);
  if (!rc)
    rc = store_begin_read(store);
  if (rc)
    return rc;
  *services = directory_services(dir, office_id, n_services);
  return store_end_read(store, booking_config_in(store, arena, office_id, out));
}

bool booking_service_bookable(const struct booking_config *c, int64_t service_id)
{
  for (size_t i = 0; i < c->n_services; i++) {
    if (c->services[i] == service_id)
      return true;
  }
  return false;
}

static bool title_ok(const char *title)
{
  return title && str_valid_text(str_from(title), false) &&
         text_length(title) <= BOOKING_TITLE_MAX_CHARS;
}

static int config_check(const struct booking_config *c, const char **reason)
{
  *reason = "booking_err_settings";
  if (c->slot_minutes < BOOKING_SLOT_MINUTES_MIN || c->slot_minutes > BOOKING_SLOT_MINUTES_MAX ||
      c->capacity < 1 || c->capacity > BOOKING_CAPACITY_MAX)
    return ST_INVALID;
  if (c->consult_weekday < 0 || c->consult_weekday > 7 || !title_ok(c->consult_title_zh) ||
      !title_ok(c->consult_title_en))
    return ST_INVALID;
  if (c->consult_weekday &&
      (c->consult_start < 0 || c->consult_end > 24 * 60 || c->consult_start >= c->consult_end ||
       c->consult_capacity < 1 || c->consult_capacity > BOOKING_CAPACITY_MAX))
    return ST_INVALID;
  *reason = NULL;
  return ST_OK;
}

/* The services as stored: "12,15" (each checked to be the office's). */
static int services_text(struct store *store, struct arena *arena, int64_t office_id,
                         const struct booking_config *c, const char **out, const char **reason)
{
  const struct directory *dir;
  int rc = directory_acquire(store, arena, &dir);
  size_t size = c->n_services * 21 + 1, used = 0; /* ",<at most 19 digits>" per service */
  char *text = arena_alloc(arena, size);
  if (rc || !text)
    return rc ? rc : ST_NOMEM;
  text[0] = '\0';
  for (size_t i = 0; i < c->n_services; i++) {
    const struct dir_service *s = directory_service(dir, c->services[i]);
    if (!s || s->office_id != office_id) {
      *reason = "booking_err_settings";
      return ST_INVALID;
    }
    used += (size_t)snprintf(text + used, size - used, "%s%lld", used ? "," : "", (long long)s->id);
  }
  *out = text;
  return ST_OK;
}

int booking_config_save(struct store *store, const struct audit_actor *who,
                        const struct booking_config *c, time_t now, const char **reason)
{
  struct arena *arena = arena_new(64 * 1024);
  const char *services = NULL;
  int rc = arena ? config_check(c, reason) : ST_NOMEM;
  if (!rc)
    rc = services_text(store, arena, who->office_id, c, &services, reason);
  struct store_booking_config row = {c->slot_minutes,     c->capacity,        c->lunch_service,
                                     c->consult_weekday,  c->consult_start,   c->consult_end,
                                     c->consult_capacity, c->pickup,          services,
                                     c->consult_title_zh, c->consult_title_en};
  if (!rc)
    rc = store_begin(store);
  if (rc)
    goto out;
  char office[24];
  snprintf(office, sizeof(office), "%lld", (long long)who->office_id);
  json_t *detail =
      json_pack("{s:i, s:i, s:b, s:b, s:s, s:i}", "slot_minutes", c->slot_minutes, "capacity",
                c->capacity, "lunch_service", c->lunch_service, "pickup", c->pickup, "services",
                services, "consult_weekday", c->consult_weekday);
  rc = store_booking_config_put(store, who->office_id, &row, (int64_t)now);
  if (!rc)
    rc = audit_record(store, who, "settings.bookings", "office", office, detail);
  json_decref(detail);
  if (rc)
    store_rollback(store);
  else
    rc = store_commit(store);
out:
  arena_free(arena);
  return rc;
}

/* ---- messages ------------------------------------------------------------------------------ */

/* What the booking is for, in its language: the service, "預約領件" / the consultation title. */
static const char *subject_of(const struct directory *dir, const struct store_booking_row *row,
                              const struct booking_config *c)
{
  bool en = !strcmp(row->lang, "en");
  const struct dir_service *s = row->service_id ? directory_service(dir, row->service_id) : NULL;
  if (s)
    return directory_pick(s->name_zh, s->name_en, row->lang);
  if (!strcmp(row->kind, "consult"))
    return directory_pick(c->consult_title_zh, c->consult_title_en, row->lang);
  return en ? "pickup of a finished case" : "預約領件";
}

/* The template variables: number, link (the private page), date (YYYY-MM-DD, formatted by
 * notify for the language), time, service and place (the unit and its counter). */
static json_t *message_vars(struct arena *arena, const struct directory *dir,
                            const struct store_booking_row *row, const struct booking_config *c)
{
  char number[BOOKING_NUMBER_SIZE], date[CIVIL_ISO_SIZE];
  booking_number(row->id, number);
  civil_format_iso(civil_from_days(row->day), date);
  int64_t unit_id = 0;
  const struct dir_unit *unit = NULL;
  if (row->lane[0] == 'u' && !str_to_int64(str_from(row->lane + 1), 1, INT64_MAX, &unit_id))
    unit = directory_unit(dir, unit_id);
  const char *link = arena_printf(arena, "%s/b/%s", notify_settings()->public_url, row->token);
  const char *time = arena_printf(arena, "%02d:%02d-%02d:%02d", (int)row->start_minute / 60,
                                  (int)row->start_minute % 60, (int)row->end_minute / 60,
                                  (int)row->end_minute % 60);
  const char *place = unit ? directory_pick(unit->name_zh, unit->name_en, row->lang) : "";
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "number", number, "link", link ? link : "",
                   "date", date, "time", time ? time : "", "service", subject_of(dir, row, c),
                   "place", place);
}

/* Queues event's message (booking_confirmed, booking_reminder, booking_cancelled) to the
 * citizen by their channel, inside the caller's transaction (notify_subject_event). plain is
 * the contact when the caller has it in clear, else the sealed one is opened. occurrence
 * tells repeated events apart (a confirmation per slot, a reminder per day). */
static int booking_notify(struct store *store, struct arena *arena, time_t now,
                          const struct store_booking_row *row, const char *plain, const char *event,
                          int64_t occurrence)
{
  const struct directory *dir;
  struct booking_config c;
  char *opened = NULL;
  int rc = directory_acquire(store, arena, &dir);
  if (!rc)
    rc = booking_config_in(store, arena, row->office_id, &c);
  if (!rc && !plain)
    rc = personal_open(row->contact_sealed, &opened);
  json_t *vars = rc ? NULL : message_vars(arena, dir, row, &c);
  if (!rc && !vars)
    rc = ST_NOMEM;
  if (!rc)
    rc = notify_subject_event(store, now, row->office_id, "booking", row->id, row->channel,
                              plain ? plain : opened, row->lang, event, occurrence, vars);
  json_decref(vars);
  personal_free(opened);
  return rc;
}

/* ---- booking ------------------------------------------------------------------------------- */

static bool name_ok(const char *name)
{
  size_t n = name ? text_length(name) : 0;
  return n > 0 && n <= BOOKING_NAME_MAX_CHARS && str_valid_text(str_from(name), false);
}

/* The contact: the phone (sms) when given, else the e-mail; a number a text message can reach
 * and an address mail can, as online applications and petitions take them
 * (apply_contact_valid: 8 to 15 digits; an address with a domain), that masks. */
static int contact_of(const struct booking_request *r, const char **contact, const char **channel,
                      const char **field)
{
  char masked[BOOKING_EMAIL_MAX + 8];
  bool phone = r->phone && *r->phone, email = r->email && *r->email;
  *field = "phone";
  if (!phone && !email)
    return ST_INVALID;
  if (phone && (!apply_contact_valid("sms", r->phone) ||
                personal_mask_phone(r->phone, masked, sizeof(masked))))
    return ST_INVALID;
  *field = "email";
  if (!phone && (strlen(r->email) > BOOKING_EMAIL_MAX || !apply_contact_valid("email", r->email) ||
                 personal_mask_email(r->email, masked, sizeof(masked))))
    return ST_INVALID;
  *contact = phone ? r->phone : r->email;
  *channel = phone ? "sms" : "email";
  return ST_OK;
}

size_t booking_request_refusals(const struct booking_request *r,
                                struct form_refusal out[BOOKING_REFUSALS_MAX])
{
  const char *contact = NULL, *channel = NULL, *field = NULL;
  char masked[BOOKING_NAME_MAX_CHARS * 4 + 8];
  size_t n = 0;
  if (!name_ok(r->name) || personal_mask_name(r->name, masked, sizeof(masked)))
    out[n++] = (struct form_refusal){"name", "booking_err_name"};
  if (contact_of(r, &contact, &channel, &field))
    out[n++] = (struct form_refusal){field, "booking_err_contact"};
  return n;
}

/* The row to insert: sealed name and contact, a random token. */
static int request_row(struct arena *arena, const struct booking_request *r,
                       struct store_booking_row *row, const char **reason, const char **field)
{
  const char *contact = NULL, *channel = NULL;
  char *sealed_name = NULL, *sealed_contact = NULL, masked[BOOKING_NAME_MAX_CHARS * 4 + 8];
  struct form_refusal refused[BOOKING_REFUSALS_MAX];
  if (booking_request_refusals(r, refused)) {
    *reason = refused[0].reason;
    *field = refused[0].field;
    return ST_INVALID;
  }
  const char *checked = NULL; /* both were checked just above: they succeed */
  *reason = NULL;
  *field = NULL;
  if (personal_mask_name(r->name, masked, sizeof(masked)) ||
      contact_of(r, &contact, &channel, &checked))
    return ST_INVALID;
  int rc = personal_seal(r->name, &sealed_name);
  if (!rc)
    rc = personal_seal(contact, &sealed_contact);
  row->name_sealed = rc ? NULL : arena_strdup(arena, sealed_name);
  row->contact_sealed = rc ? NULL : arena_strdup(arena, sealed_contact);
  row->name_masked = arena_strdup(arena, masked);
  row->channel = channel;
  row->lang = r->lang && !strcmp(r->lang, "en") ? "en" : "zh-TW";
  free(sealed_name);
  free(sealed_contact);
  if (!rc && (!row->name_sealed || !row->contact_sealed || !row->name_masked))
    rc = ST_NOMEM;
  return rc;
}

static void random_token(char out[BOOKING_TOKEN_SIZE])
{
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof(bytes));
  sodium_bin2base64(out, BOOKING_TOKEN_SIZE, bytes, sizeof(bytes),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* Inside the write transaction: the slot checked against the settings, a place taken, the row
 * inserted, the confirmation queued. */
static int make_in(struct store *store, struct arena *arena, time_t now,
                   const struct booking_request *r, const struct booking_offer *what,
                   struct store_booking_row *row, int64_t *id, const char **reason)
{
  struct booking_config c;
  int end = 0;
  int rc = booking_config_in(store, arena, row->office_id, &c);
  if (rc)
    return rc;
  struct booking_lane_spec lane = booking_lane_of(arena, &c, what->kind, what->unit_id);
  *reason = "booking_err_slot";
  if (!booking_slot_valid(&c, what->kind, now, r->day, r->start_minute, &end))
    return ST_INVALID;
  *reason = "booking_err_full";
  rc = store_booking_take_place(store, row->office_id, lane.lane, r->day, r->start_minute,
                                lane.capacity);
  if (rc)
    return rc;
  *reason = NULL;
  row->kind = what->kind;
  row->lane = lane.lane;
  row->day = r->day;
  row->start_minute = r->start_minute;
  row->end_minute = end;
  rc = store_booking_insert(store, row, (int64_t)now, id);
  row->id = *id;
  return rc ? rc
            : booking_notify(store, arena, now, row, NULL, "booking_confirmed",
                             row->day * 1440 + row->start_minute);
}

/* What is booked, checked as the offer page checks it (outside the write transaction: a
 * pickup's lookup may count a wrong check code). */
static int make_what(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                     const struct booking_request *r, case_writer_fn writer, void *writer_ctx,
                     struct booking_offer *offer, const char **reason)
{
  int rc =
      booking_offer_read(store, arena, now, office_id, &r->what, writer, writer_ctx, offer, reason);
  if (!rc && !offer->kind) {
    *reason = "booking_err_what";
    rc = ST_INVALID;
  }
  return rc;
}

int booking_make(struct store *store, time_t now, int64_t office_id,
                 const struct booking_request *r, case_writer_fn writer, void *writer_ctx,
                 int64_t *id, char token[BOOKING_TOKEN_SIZE], const char **reason,
                 const char **field)
{
  struct arena *arena = arena_new(1024 * 1024);
  struct booking_offer offer;
  struct store_booking_row row = {.office_id = office_id};
  *field = NULL;
  int rc = arena ? make_what(store, arena, now, office_id, r, writer, writer_ctx, &offer, reason)
                 : ST_NOMEM;
  if (!rc)
    rc = request_row(arena, r, &row, reason, field);
  if (rc)
    goto out;
  random_token(token);
  row.token = token;
  row.service_id = offer.service ? offer.service->id : 0;
  row.case_id = offer.case_id;
  rc = store_begin(store);
  if (rc)
    goto out;
  rc = make_in(store, arena, now, r, &offer, &row, id, reason);
  if (rc)
    store_rollback(store);
  else
    rc = store_commit(store);
  if (rc == ST_CONFLICT) /* a token drawn twice: practically never */
    *reason = "booking_err_full";
out:
  arena_free(arena);
  return rc;
}

/* ---- the private link: cancel, move ---------------------------------------------------- */

typedef int (*change_fn)(struct store *store, struct arena *arena, time_t now,
                         const struct store_booking_row *row, const struct booking *b,
                         const void *arg, const char **reason);

static int change(struct store *store, time_t now, const char *token, change_fn fn, const void *arg,
                  const char **reason)
{
  struct arena *arena = arena_new(1024 * 1024);
  struct store_booking_row row;
  struct booking b;
  *reason = "booking_err_unknown";
  if (!arena)
    return ST_NOMEM;
  int rc = token && *token ? store_begin(store) : ST_NOTFOUND;
  if (rc)
    goto out;
  rc = store_booking_by_token(store, arena, token, &row);
  if (!rc) {
    booking_from_row(NULL, now, &row, &b);
    *reason = "booking_err_closed";
    rc = b.changeable ? fn(store, arena, now, &row, &b, arg, reason) : ST_INVALID;
  }
  if (rc)
    store_rollback(store);
  else
    rc = store_commit(store);
out:
  arena_free(arena);
  return rc;
}

static int cancel_fn(struct store *store, struct arena *arena, time_t now,
                     const struct store_booking_row *row, const struct booking *b, const void *arg,
                     const char **reason)
{
  (void)arena;
  (void)b;
  (void)arg;
  *reason = NULL;
  int rc = store_booking_set_status(store, row->id, "cancelled", (int64_t)now);
  if (!rc)
    rc = store_booking_release_place(store, row->office_id, row->lane, row->day, row->start_minute);
  return rc ? rc : booking_notify(store, arena, now, row, NULL, "booking_cancelled", 1);
}

int booking_cancel(struct store *store, time_t now, const char *token, const char **reason)
{
  return change(store, now, token, cancel_fn, NULL, reason);
}

struct move_to {
  int64_t day;
  int start_minute;
};

static int move_fn(struct store *store, struct arena *arena, time_t now,
                   const struct store_booking_row *row, const struct booking *b, const void *arg,
                   const char **reason)
{
  const struct move_to *to = arg;
  struct booking_config c;
  int end = 0;
  (void)b;
  int rc = booking_config_in(store, arena, row->office_id, &c);
  if (rc)
    return rc;
  *reason = "booking_err_slot";
  if (!booking_slot_valid(&c, row->kind, now, to->day, to->start_minute, &end) ||
      (to->day == row->day && to->start_minute == row->start_minute))
    return ST_INVALID;
  int capacity = !strcmp(row->kind, "consult") ? c.consult_capacity : c.capacity;
  *reason = "booking_err_full";
  rc = store_booking_take_place(store, row->office_id, row->lane, to->day, to->start_minute,
                                capacity);
  if (!rc)
    rc = store_booking_release_place(store, row->office_id, row->lane, row->day, row->start_minute);
  if (!rc)
    rc = store_booking_move(store, row->id, to->day, to->start_minute, end, (int64_t)now);
  struct store_booking_row moved = *row;
  moved.day = to->day;
  moved.start_minute = to->start_minute;
  moved.end_minute = end;
  if (!rc) /* the confirmation of the new time */
    rc = booking_notify(store, arena, now, &moved, NULL, "booking_confirmed",
                        moved.day * 1440 + moved.start_minute);
  if (!rc)
    *reason = NULL;
  return rc;
}

int booking_move(struct store *store, time_t now, const char *token, int64_t day, int start_minute,
                 const char **reason)
{
  struct move_to to = {day, start_minute};
  return change(store, now, token, move_fn, &to, reason);
}

/* ---- check-in ---------------------------------------------------------------------------- */

_Static_assert((int)QUEUE_TOKEN_SIZE == (int)BOOKING_TOKEN_SIZE && (int)QUEUE_CODE_SIZE == 16,
               "struct booking_ticket holds a queue ticket's token and number");

/* The check-in's ticket in the counter line (none for consultation hours or when no queue
 * serves the booking). The slot's start as a time: Taipei has no daylight saving (UTC+8). */
static int check_in_ticket(struct store *store, time_t now, const struct store_booking_row *row,
                           struct booking_ticket *ticket)
{
  struct booking_ticket own;
  int64_t unit_id = 0;
  if (!ticket)
    ticket = &own;
  *ticket = (struct booking_ticket){0};
  if (!strcmp(row->kind, "consult"))
    return ST_OK;
  if (row->lane[0] == 'u' && str_to_int64(str_from(row->lane + 1), 0, INT64_MAX, &unit_id))
    unit_id = 0;
  struct queue_booking_ticket q = {.office_id = row->office_id,
                                   .booking_id = row->id,
                                   .service_id = row->service_id,
                                   .unit_id = unit_id,
                                   .slot_start = civil_taipei_midnight(civil_from_days(row->day)) +
                                                 row->start_minute * 60,
                                   .booked = !row->late};
  int rc = queue_ticket_for_booking(store, now, &q, ticket->token, ticket->code);
  if (rc == ST_NOTFOUND)
    return ST_OK;
  ticket->issued = rc == ST_OK;
  ticket->booked = q.booked;
  return rc;
}

static int check_in_in(struct store *store, struct arena *arena, const struct directory *dir,
                       time_t now, int64_t office_id, int64_t id, struct booking *out,
                       struct booking_ticket *ticket, const char **reason)
{
  struct store_booking_row row;
  *reason = "booking_err_number";
  int rc = store_booking_by_id(store, arena, office_id, id, &row);
  if (rc)
    return rc;
  *reason = "booking_err_not_today";
  if (row.day != booking_day_of(now))
    return ST_INVALID;
  *reason = "booking_err_closed";
  if (strcmp(row.status, "booked") != 0)
    return ST_INVALID;
  bool late = booking_minute_of(now) > row.start_minute + BOOKING_LATE_MINUTES;
  rc = store_booking_arrive(store, row.id, (int64_t)now, late);
  if (rc == ST_CONFLICT) /* another kiosk checked it in meanwhile */
    return ST_INVALID;
  *reason = NULL;
  row.status = "arrived";
  row.arrived_at = (int64_t)now;
  row.late = late;
  if (!rc)
    rc = check_in_ticket(store, now, &row, ticket);
  if (!rc && out)
    booking_from_row(dir, now, &row, out);
  return rc;
}

int booking_check_in(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                     const char *number, struct booking *out, struct booking_ticket *ticket,
                     const char **reason)
{
  const struct directory *dir;
  int64_t id = 0;
  *reason = "booking_err_number";
  if (booking_number_parse(number, &id))
    return ST_NOTFOUND;
  int rc = directory_acquire(store, arena, &dir);
  if (!rc)
    rc = store_begin(store);
  if (rc)
    return rc;
  rc = check_in_in(store, arena, dir, now, office_id, id, out, ticket, reason);
  if (rc) {
    store_rollback(store);
    return rc;
  }
  return store_commit(store);
}

/* ---- the scanner ------------------------------------------------------------------------- */

static int remind_in(struct store *store, struct arena *arena, time_t now, size_t *reminded)
{
  struct store_booking_row *rows = NULL;
  size_t n = 0;
  int64_t today = booking_day_of(now);
  int rc = store_booking_mark_no_shows(store, today, (int64_t)now, NULL);
  if (!rc)
    rc = store_booking_reminders_due(store, arena, today + 1, BOOKING_REMINDER_BATCH, &rows, &n);
  for (size_t i = 0; !rc && i < n; i++) {
    rc = booking_notify(store, arena, now, &rows[i], NULL, "booking_reminder", rows[i].day);
    if (!rc)
      rc = store_booking_set_reminded(store, rows[i].id, (int64_t)now);
  }
  if (!rc && reminded)
    *reminded = n;
  return rc;
}

int booking_scan(struct store *store, time_t now, size_t *reminded)
{
  struct arena *arena = arena_new(4 * 1024 * 1024);
  if (reminded)
    *reminded = 0;
  if (!arena)
    return ST_NOMEM;
  int rc = store_begin(store);
  if (!rc) {
    rc = remind_in(store, arena, now, reminded);
    if (rc)
      store_rollback(store);
    else
      rc = store_commit(store);
  }
  arena_free(arena);
  return rc;
}
