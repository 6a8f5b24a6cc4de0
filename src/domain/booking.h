/*
 * booking.h - booked visits (預約, issue 18): an office's bookable slots, citizens booking a
 * visit for a service, a pickup of a finished case (預約領件) or a place in the weekly
 * consultation hours; moving and cancelling through the booking's private link /b/<token>;
 * check-in at the kiosk (arrived on time or late); the day list for the counters; the reminder
 * the day before and no-shows, both from the deadline scanner; figures by day and service.
 *
 * Slots: an office day of the government calendar (domain/calendar.h: no slots on days off, a
 * 補行上班 make-up Saturday has them) cut into slot_minutes pieces inside the office hours
 * (calendar_hours_default: 08:30-12:30, 13:30-17:30; with lunch-hour service the lunch hour
 * 12:30-13:30 is served too). A slot holds `capacity` places per lane: a lane is the unit
 * (課室, its counters) that serves the service or the finished case ("u<unit id>", "u0" when
 * none); consultation hours are one session a week on their own lane "consult" with their
 * own capacity.
 *
 * Every function here is one transaction (reads: one read transaction). Refusals return
 * ST_INVALID (or ST_LIMIT for a full slot, ST_NOTFOUND for an unknown booking) with *reason a
 * translation key.
 */
#ifndef BIANMIN_DOMAIN_BOOKING_H
#define BIANMIN_DOMAIN_BOOKING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/civil.h"
#include "domain/refusal.h"
#include "domain/calendar.h"
#include "domain/case_read.h"

struct arena;
struct audit_actor;
struct dir_office;
struct dir_service;
struct dir_unit;
struct store;

enum {
  BOOKING_TOKEN_SIZE = 44,      /* the private link's token: base64url of 32 random bytes */
  BOOKING_NUMBER_SIZE = 16,     /* "B000042" and its NUL */
  BOOKING_DAYS_AHEAD = 28,      /* days offered, today included */
  BOOKING_SLOTS_MAX = 144,      /* slots of one day (10-minute slots over 24 hours) */
  BOOKING_SERVICES_MAX = 64,    /* bookable services of an office */
  BOOKING_LATE_MINUTES = 10,    /* a check-in later than the slot's start plus this is late */
  BOOKING_NAME_MAX_CHARS = 50,  /* the citizen's name */
  BOOKING_EMAIL_MAX = 254,      /* an e-mail address */
  BOOKING_TITLE_MAX_CHARS = 60, /* the consultation hours' title */
  BOOKING_CAPACITY_MAX = 50,    /* places in one slot */
  BOOKING_SLOT_MINUTES_MIN = 10,
  BOOKING_SLOT_MINUTES_MAX = 240,
  BOOKING_REMINDER_BATCH = 200, /* reminders one scanner pass sends at most */
  BOOKING_FIGURE_DAYS = 31      /* days of the figures page */
};

/* An office's booking settings. Until an admin saves them an office has the defaults below
 * with nothing bookable (saved false). */
struct booking_config {
  int slot_minutes;   /* BOOKING_SLOT_MINUTES_MIN..MAX; default 30 */
  int capacity;       /* places per slot and lane, 1..BOOKING_CAPACITY_MAX; default 2 */
  bool lunch_service; /* the lunch hour 12:30-13:30 is served (午休不打烊) */
  int64_t services[BOOKING_SERVICES_MAX]; /* the bookable services (ids of the office's) */
  size_t n_services;
  bool pickup;                    /* finished cases may be picked up by booking */
  int consult_weekday;            /* 0: no consultation hours; 1 Monday .. 7 Sunday */
  int consult_start, consult_end; /* local minutes after midnight; start < end */
  int consult_capacity;           /* places in the session, 1..BOOKING_CAPACITY_MAX */
  const char *consult_title_zh, *consult_title_en; /* never NULL */
  bool saved;
};

struct booking_slot {
  int start_minute, end_minute; /* local minutes after midnight */
  int free;                     /* places left (filled by reads; 0 from booking_day_slots) */
};

/* The defaults above. */
void booking_config_default(struct booking_config *config);

/* The slots of one date for kind ("visit", "pickup" or "consult") under config, in time order:
 * none on a day off of cal (cal may be NULL: weekends off); a consultation date is one of
 * consult_weekday, with the one session as its slot. ST_INVALID for an impossible date or an
 * unknown kind, ST_LIMIT when more than max slots would be made. Pure: no database. */
int booking_day_slots(const struct calendar *cal, const struct booking_config *config,
                      const char *kind, struct civil_date date, struct booking_slot *out,
                      size_t max, size_t *count);

/* The lane of a kind: "consult", else "u<unit_id>". In arena. */
const char *booking_lane(struct arena *arena, const char *kind, int64_t unit_id);

/* "B000042" for id 42; booking_number_parse accepts it with or without the B, any case, and
 * surrounding spaces; ST_INVALID otherwise. */
void booking_number(int64_t id, char out[BOOKING_NUMBER_SIZE]);
int booking_number_parse(const char *text, int64_t *id);

/* ---- settings (/staff/admin/bookings) ---------------------------------------------------- */

/* The settings and every service of the office (published or not, the catalogue's order). */
int booking_config_read(struct store *store, struct arena *arena, int64_t office_id,
                        struct booking_config *out, const struct dir_service **services,
                        size_t *n_services);
/* Checks and saves the office's settings (office = who->office_id; services must be the
 * office's), audited as "settings.bookings". */
int booking_config_save(struct store *store, const struct audit_actor *who,
                        const struct booking_config *config, time_t now, const char **reason);

/* ---- what a citizen books ---------------------------------------------------------------- */

/* What is being booked: kind "visit" with service_id, "pickup" with the case's printed number
 * and check code (as the progress lookup takes them), or "consult". */
struct booking_what {
  const char *kind;
  int64_t service_id;
  const char *number, *check_code;
};

struct booking_day {
  int64_t day; /* days since 1970-01-01 */
  struct civil_date date;
  int weekday; /* 1 Monday .. 7 Sunday */
  struct booking_slot *slots;
  size_t n_slots;
  int free; /* places left over the day */
};

/* The booking page's read: the office's settings and bookable (published) services and, when
 * what->kind is set, what it is and the days from today to BOOKING_DAYS_AHEAD - 1 with at least
 * one free place in a slot that has not started. For a pickup the case must be the office's,
 * found by number and check code (wrong ones are counted as in the progress lookup through
 * writer) and ready for pickup (closed, not picked up): otherwise ST_INVALID with
 * "booking_err_case" or "booking_err_not_ready" (ST_LIMIT: the lookup is locked). */
struct booking_offer {
  struct booking_config config;
  const struct dir_service **services;
  size_t n_services;
  const char *kind;                  /* NULL: nothing chosen yet */
  const struct dir_service *service; /* a visit's */
  int64_t case_id, unit_id;          /* a pickup's case and its unit */
  const char *case_key;              /* a pickup's case number as stored */
  struct booking_day *days;
  size_t n_days;
};
int booking_offer_read(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                       const struct booking_what *what, case_writer_fn writer, void *writer_ctx,
                       struct booking_offer *out, const char **reason);

struct booking_request {
  struct booking_what what;
  int64_t day;
  int start_minute;
  const char *name, *phone, *email, *lang;
};

/* The most details a booking can have refused at once ("name", "phone" or "email";
 * domain/refusal.h). */
enum { BOOKING_REFUSALS_MAX = 2 };
/* Every refused detail of r (the name; the phone or e-mail), in the form's order, into out:
 * their count, 0 when they are good. booking_make refuses the first (after the slot), so a form
 * can show them all at once. */
size_t booking_request_refusals(const struct booking_request *r,
                                struct form_refusal out[BOOKING_REFUSALS_MAX]);

/* Books one place: the slot must be one of the day's under the settings, not started, and not
 * full (ST_LIMIT "booking_err_full"; of two people taking the last place one wins). The name
 * and the phone or e-mail are sealed (domain/personal.h); the confirmation message is queued.
 * *field names the form field of an input refusal. */
int booking_make(struct store *store, time_t now, int64_t office_id,
                 const struct booking_request *request, case_writer_fn writer, void *writer_ctx,
                 int64_t *id, char token[BOOKING_TOKEN_SIZE], const char **reason,
                 const char **field);

/* ---- one booking ------------------------------------------------------------------------- */

struct booking {
  int64_t id, office_id, service_id, case_id, day, arrived_at; /* arrived_at 0: not yet */
  int start_minute, end_minute;
  struct civil_date date;
  const struct dir_office *office;
  const struct dir_service *service; /* NULL but for a visit */
  const struct dir_unit *unit;       /* the lane's unit; NULL for consultations or none */
  const char *kind, *status, *name_masked, *lane, *token, *lang, *channel;
  char number[BOOKING_NUMBER_SIZE];
  bool late;
  bool changeable; /* still booked and the slot has not started */
};

/* The booking behind a private link, and (when moves is true and it is changeable) the free
 * slots it could move to, as in booking_offer_read. ST_NOTFOUND for an unknown token. */
int booking_by_token_read(struct store *store, struct arena *arena, time_t now, const char *token,
                          bool moves, struct booking *out, struct booking_day **days,
                          size_t *n_days);
/* Cancels it (its place is freed; the cancel message queued). ST_INVALID "booking_err_closed"
 * when it is no longer changeable. */
int booking_cancel(struct store *store, time_t now, const char *token, const char **reason);
/* Moves it to another free slot of the same kind and lane. */
int booking_move(struct store *store, time_t now, const char *token, int64_t day, int start_minute,
                 const char **reason);

/* The counter-queue ticket a check-in issued (issued false when no queue serves the booking's
 * service or unit, and for consultation hours, which have their own desk). */
struct booking_ticket {
  bool issued;
  bool booked; /* on time: called before walk-ins from the slot's start (domain/queue.h) */
  char code[16];
  char token[BOOKING_TOKEN_SIZE];
};

/* Kiosk check-in by booking number at office: only a booking of today still booked; marks it
 * arrived now, late when after its start plus BOOKING_LATE_MINUTES, and in the same
 * transaction gives it a ticket in the counter line (queue_ticket_for_booking: on time as a
 * booked visit, late as a walk-in). out and ticket (either may be NULL) get the booking and the
 * ticket. ST_NOTFOUND "booking_err_number" for an unknown number or another office's,
 * ST_INVALID "booking_err_not_today" / "booking_err_closed" (also for a second check-in racing
 * the first: one booking, one ticket). */
int booking_check_in(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                     const char *number, struct booking *out, struct booking_ticket *ticket,
                     const char **reason);

/* ---- the staff's reads ------------------------------------------------------------------- */

/* The office's bookings of a day (every status), by slot and number. */
int booking_day_read(struct store *store, struct arena *arena, int64_t office_id, int64_t day,
                     struct booking **out, size_t *count);

struct booking_figure {
  int64_t day;
  struct civil_date date;
  const char *kind;
  const struct dir_service *service; /* NULL for pickups and consultations */
  int64_t made, kept, no_show, cancelled;
};
/* Bookings made (for that day), kept, no-show and cancelled, by day and service, from day_from
 * to day_to. */
int booking_figures_read(struct store *store, struct arena *arena, int64_t office_id,
                         int64_t day_from, int64_t day_to, struct booking_figure **out,
                         size_t *count);

/* ---- the deadline scanner ---------------------------------------------------------------- */

/* One pass: bookings of days before today still booked become no-shows, and the bookings of
 * tomorrow not yet reminded get their reminder (at most BOOKING_REMINDER_BATCH a pass).
 * *reminded (may be NULL) receives how many. */
int booking_scan(struct store *store, time_t now, size_t *reminded);

/* `bianmin demo`: booking settings for the demo office xinxing, unless it has some already
 * (booking_demo.c). */
int booking_demo_load(struct store *store);

/* The Taipei day number of t. */
int64_t booking_day_of(time_t t);

#endif
