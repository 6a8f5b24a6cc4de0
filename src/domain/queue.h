/*
 * queue.h - counter queues (叫號): tickets taken at a kiosk or on a phone, called by counters,
 * followed on boards (issue 18; ARCHITECTURE.md "Counter queues").
 *
 * A queue (code letter A, B, ...) serves some of an office's services; a counter serves some
 * queues. Tickets are numbered per queue per Taipei day without gaps (A001, A002, ...); the
 * number is taken and the ticket written in one transaction. Call next picks, among the queues
 * the counter serves, priority tickets first (the published rule: 65 and over, disability,
 * pregnancy, a small child), then booked visits that checked in on time once their slot has
 * started, then the longest waiting; a ticket is never called to two
 * counters (store/queue.h). Every call and recall is logged for the boards (queue_calls_after).
 *
 * Reads fill structs whose strings and arrays live in the caller's arena ("" for empty). Writes
 * own their transaction.
 */
#ifndef BIANMIN_DOMAIN_QUEUE_H
#define BIANMIN_DOMAIN_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct arena;
struct store;
struct audit_actor;

enum {
  QUEUE_TOKEN_SIZE = 44,           /* the ticket's phone link token: base64url of 32 bytes + NUL */
  QUEUE_SERVICE_SAMPLE = 20,       /* recent service times a waiting range is estimated from */
  QUEUE_DEFAULT_LOW_SECONDS = 180, /* per person, before a queue has any history */
  QUEUE_DEFAULT_HIGH_SECONDS = 600,
  QUEUE_NOTIFY_AHEAD_MAX = 20, /* "tell me when N are ahead": 1..20 */
  QUEUE_BOARD_CALLS = 8,       /* calls a board shows */
  QUEUE_NOTE_MAX = 500,        /* characters (code points) of a transfer note */
  QUEUE_CODE_SIZE = 16         /* a ticket's number as shown: "A001" and its NUL */
};

struct queue_row {
  int64_t id, waiting;
  bool open; /* tickets are taken (an admin closes a queue: /staff/admin/queues) */
  const char *code, *name_zh, *name_en;
  int64_t *service_ids;
  size_t service_count;
};

struct queue_counter_row {
  int64_t id, unit_id, user_id, ticket_id;
  const char *number, *status, *ticket_code, *ticket_status; /* status open|paused|closed */
  const char *name;                                          /* "" when none */
  int64_t *queue_ids;
  size_t queue_count;
};

/* An office's queues and counters, as of now. */
struct queue_office {
  int64_t office_id;
  struct queue_row *queues;
  size_t queue_count;
  struct queue_counter_row *counters;
  size_t counter_count;
};
int queue_office_read(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                      struct queue_office *out);
/* The open queue that serves service (the first by sort), NULL when none does. */
const struct queue_row *queue_for_service(const struct queue_office *office, int64_t service_id);
/* True when no open queue serves service_id but a closed one does (the office has stopped
 * issuing numbers for it for now, as against a service no queue serves). */
bool queue_service_paused(const struct queue_office *office, int64_t service_id);

/* A further matter (service) served in the same visit, with the case its intake made (0: not
 * yet) and that case's /p/ link token ("" without a case). */
struct queue_matter {
  int64_t id, service_id, case_id, added_at;
  char case_token[QUEUE_TOKEN_SIZE];
};

/* A ticket as its holder and the counter see it. ahead and the waiting range (minutes, low and
 * high, rounded to 5) only while waiting. matters: the visit's further matters in the order
 * added (its first matter is service_id and case_id). */
struct queue_ticket {
  int64_t id, office_id, queue_id, service_id, counter_id, case_id, number, day;
  int64_t taken_at, called_at, served_at, done_at, ahead, wait_low_min, wait_high_min;
  int64_t notify_ahead;
  const char *code, *status, *priority, *channel, *note, *queue_code, *queue_name_zh;
  const char *queue_name_en, *counter_number, *notify_channel;
  char case_token[QUEUE_TOKEN_SIZE]; /* the case's /p/ link token once the visit made a case */
  struct queue_matter *matters;
  size_t matter_count;
  int64_t notify_default; /* the "turn is near" number offered (queue_ticket_read only) */
};

/* Takes a ticket for service at office (channel "kiosk" or "phone"; priority "" or one of
 * "elderly", "disability", "pregnancy", "child"). token receives the phone link's secret (only
 * its hash is stored). ST_NOTFOUND when no queue serves the service, ST_INVALID for another
 * channel or priority. */
int queue_ticket_take(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                      int64_t service_id, const char *channel, const char *priority,
                      char token[QUEUE_TOKEN_SIZE], struct queue_ticket *out);
/* The ticket behind a phone link token (ST_NOTFOUND). */
int queue_ticket_read(struct store *store, struct arena *arena, time_t now, const char *token,
                      struct queue_ticket *out);
/* A booking checked in at the kiosk (domain/booking.c) gets a ticket, inside the caller's
 * transaction: in the queue that serves service_id (0: the first queue serving a service of
 * unit_id, a pickup's), channel "kiosk", linked to booking_id (one ticket per booking). On time
 * (booked true) it is a booked visit: it waits from the later of now and slot_start and, once
 * its slot has started, is called after the priority tickets and before every walk-in (the
 * published rule, store_ticket_call_next); late, it is a walk-in's ticket from now. token
 * receives the phone link's secret, code the number. ST_NOTFOUND when no queue serves it. */
struct queue_booking_ticket {
  int64_t office_id, booking_id, service_id, unit_id;
  time_t slot_start;
  bool booked;
};
int queue_ticket_for_booking(struct store *store, time_t now, const struct queue_booking_ticket *b,
                             char token[QUEUE_TOKEN_SIZE], char code[QUEUE_CODE_SIZE]);
/* The holder leaves the queue (a waiting ticket only: ST_CONFLICT otherwise). */
int queue_ticket_leave(struct store *store, time_t now, const char *token);
/* "Your turn is near": tell recipient by channel ("sms" or "email") in lang ("zh-TW" or "en"),
 * a number or address as online applications take them (apply_contact_valid: a number with
 * spaces or dashes is kept as its digits), when ahead (1..QUEUE_NOTIFY_AHEAD_MAX) or fewer people
 * are ahead; the recipient is sealed (domain/personal.h). The message (event queue_turn_near,
 * notify_subject_event with subject "ticket") is queued once: at once when already within the
 * number, else by the call that brings the ticket within it. */
int queue_ticket_notify(struct store *store, time_t now, const char *token, int64_t ahead,
                        const char *channel, const char *recipient, const char *lang);
/* Whether a priority reason is one of the published ones ("" is none). */
bool queue_priority_valid(const char *priority);

/* The counter console. */
enum queue_action {
  QUEUE_ACTION_NONE, /* not one of the actions (refused with ST_INVALID) */
  QUEUE_RECALL,      /* call the same ticket again (boards show it again) */
  QUEUE_NO_SHOW,     /* called, nobody came */
  QUEUE_SERVE,       /* the citizen is at the counter */
  QUEUE_DONE,        /* finished */
  QUEUE_TRANSFER     /* back to waiting in another queue, or for one counter, with a note */
};
/* Sits actor at counter (status "open", "paused" or "closed"; closing leaves it free). */
int queue_counter_set(struct store *store, time_t now, const struct audit_actor *actor,
                      int64_t counter_id, const char *status);
/* Calls the next ticket to counter (which must be open): *out the ticket, ST_NOTFOUND when
 * nobody waits. A counter that still has a called ticket gets ST_CONFLICT. */
int queue_call_next(struct store *store, struct arena *arena, time_t now,
                    const struct audit_actor *actor, int64_t counter_id, struct queue_ticket *out);
struct queue_transfer {
  int64_t queue_id;   /* the queue it waits in next (0: the counter's first queue) */
  int64_t counter_id; /* 0, or the only counter that may call it */
  const char *note;
};
/* ST_NOTFOUND when the ticket is not one of the actor's office (checked first, whatever the
 * rest); ST_INVALID for no counter, QUEUE_ACTION_NONE or a bad transfer; ST_CONFLICT when the
 * ticket is not this counter's or not in a state the action applies to. */
int queue_ticket_act(struct store *store, time_t now, const struct audit_actor *actor,
                     int64_t counter_id, int64_t ticket_id, enum queue_action action,
                     const struct queue_transfer *transfer);
/* Inside the caller's transaction (counter intake, domain/cases.c): the ticket of office
 * ticket_id now leads to case_id: the case of the ticket's oldest further matter of the case's
 * service still without one; else the ticket's own case when it has none; else a further
 * matter of its own (another office's ticket is left alone). */
int queue_ticket_case_link(struct store *store, int64_t office_id, int64_t ticket_id,
                           int64_t case_id);
/* Several matters in one visit: the counter adds another matter (service_id, one of the
 * office's services) to the ticket it is serving, before starting its intake (audited as
 * "queue.matter"). ST_NOTFOUND when the ticket is not the office's, ST_INVALID for another
 * office's or an unknown service, ST_CONFLICT when the ticket is not called or served at this
 * counter. */
int queue_matter_add(struct store *store, time_t now, const struct audit_actor *actor,
                     int64_t counter_id, int64_t ticket_id, int64_t service_id);
/* The counter console in one read: the office's queues and counters, the counter shown (the
 * one asked for, counter_id > 0, else the one user_id sits at and has not closed; NULL when
 * none) and the ticket it has called and not finished (has_ticket). */
struct queue_console {
  struct queue_office office;
  const struct queue_counter_row *counter;
  bool has_ticket;
  struct queue_ticket ticket;
};
int queue_console_read(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                       int64_t user_id, int64_t counter_id, struct queue_console *out);
/* A ticket of the office by id (the console's current ticket). */
int queue_ticket_get(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                     int64_t ticket_id, struct queue_ticket *out);

/* Boards: the latest calls of office after event id after (0: the latest QUEUE_BOARD_CALLS),
 * oldest first; and the newest call id of any office. */
struct queue_call {
  int64_t id, ticket_id, at;
  const char *code, *counter_number, *kind, *queue_name_zh, *queue_name_en, *priority;
};
int queue_calls_after(struct store *store, struct arena *arena, int64_t office_id, int64_t after,
                      struct queue_call **out, size_t *count);
int queue_calls_newest(struct store *store, int64_t *id);
/* What a board shows: the office's queues and counters, its latest calls (newest last) and the
 * titles of its running announcements (in both languages), in one read. */
struct queue_board {
  struct queue_office office;
  struct queue_call *calls;
  size_t call_count;
  int64_t newest_call; /* the id of the last call (0: none), for the event stream */
  const char **news_zh, **news_en;
  size_t news_count;
};
int queue_board_read(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                     struct queue_board *out);
/* The offices that have calls after id (ids ascending, at most limit calls looked at); *newest
 * receives the last call id looked at (after when none). */
int queue_calls_offices(struct store *store, struct arena *arena, int64_t after, int64_t limit,
                        int64_t **offices, size_t *count, int64_t *newest);

/* Figures for indicators: tickets of office taken on Taipei days from..to (day numbers), by
 * queue, by counter and by hour of day. Times in seconds (averages over the tickets that have
 * them: waiting = first call - taken; service = done - last call). */
struct queue_figure {
  int64_t key; /* queue id, counter id, or hour 0..23 */
  int64_t tickets, called, done, no_show, left, wait_sum, wait_n, service_sum, service_n;
  int64_t matters; /* matters served in the done visits: one each plus their further ones */
  int64_t booked;  /* tickets of bookings checked in at the kiosk (bookings kept) */
};
struct queue_figures {
  struct queue_figure total;
  struct queue_figure *by_queue, *by_counter, *by_hour; /* by_hour has 24 */
  size_t queue_count, counter_count;
  struct queue_office office; /* the names of the queues and counters */
};
int queue_figures_read(struct store *store, struct arena *arena, int64_t office_id,
                       int64_t day_from, int64_t day_to, struct queue_figures *out);

/* The waiting range in minutes for ahead people and open counters from recent service times
 * (seconds, count of them): the lower and upper quartile per person, divided among the open
 * counters (at least one), rounded down and up to 5 minutes. Pure. */
void queue_wait_range(int64_t ahead, int64_t counters, const int64_t *seconds, size_t count,
                      int64_t *low_min, int64_t *high_min);
/* The Taipei day number of t. */
int64_t queue_day(time_t t);

/* The hall's progress board: cases of office ready for pickup (finished, not picked up,
 * closed in the last QUEUE_PICKUP_DAYS days), newest first, at most QUEUE_PICKUP_MAX, with the
 * applicant's name masked as on the progress page. */
enum { QUEUE_PICKUP_DAYS = 30, QUEUE_PICKUP_MAX = 40 };
struct queue_pickup {
  int roc_year;
  int64_t serial, closed_at;
  const char *word_code, *name_masked;
};
int queue_pickup_read(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                      struct queue_pickup **out, size_t *count);

/* ---- administration (/staff/admin/queues, queue_admin.c) --------------------------------------
 */

enum {
  QUEUE_CODE_MAX = 2,         /* a queue's letters: A..Z, one or two */
  QUEUE_NAME_MAX_CHARS = 40,  /* a queue's or a counter's name */
  QUEUE_NUMBER_MAX = 8,       /* a counter's number: letters, digits, '-' */
  QUEUE_BOARD_NOTE_MAX = 300, /* the board's own announcement, bytes per language */
  QUEUE_TURN_NEAR_DEFAULT = 3 /* "tell me when N are ahead" offered until an admin sets it */
};

/* The office's queue setup: queues (closed ones too) and counters, the "turn is near" number
 * the ticket page offers, and the board's own announcement (shown before the office's news). */
struct queue_setup {
  struct queue_office office;
  int64_t turn_near;
  const char *board_note_zh, *board_note_en;
};
int queue_setup_read(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                     struct queue_setup *out);

/* A queue as the admin form sends it: id 0 for a new one; services the office's. */
struct queue_queue_form {
  int64_t id;
  const char *code, *name_zh, *name_en;
  bool open;
  const int64_t *service_ids;
  size_t service_count;
};
/* A counter as the admin form sends it: id 0 for a new one; queues the office's. */
struct queue_counter_form {
  int64_t id;
  const char *number, *name;
  const int64_t *queue_ids;
  size_t queue_count;
};
/* Each checks the form and saves it for actor's office in one transaction, audited
 * ("queue.admin.queue", "queue.admin.counter", "queue.admin.settings"). A refusal changes
 * nothing: ST_INVALID with *field the form field and *reason a translation key naming the
 * fault (ST_NOTFOUND for an id not of the office). */
int queue_queue_save(struct store *store, time_t now, const struct audit_actor *actor,
                     const struct queue_queue_form *in, const char **field, const char **reason);
int queue_counter_save(struct store *store, time_t now, const struct audit_actor *actor,
                       const struct queue_counter_form *in, const char **field,
                       const char **reason);
int queue_settings_save(struct store *store, time_t now, const struct audit_actor *actor,
                        const char *turn_near, const char *note_zh, const char *note_en,
                        const char **field, const char **reason);

/* Demo queues and counters: per office, one queue per unit with that unit's services (A, B,
 * ...) and two counters each. */
int queue_demo_load(struct store *store);

#endif
