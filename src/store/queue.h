/*
 * queue.h - the store's part of counter queues and tickets (domain/queue.c; migration 25).
 * Records cross as jansson rows (db.h db_query) whose fields are the columns named at each call.
 * Every call runs inside the caller's transaction when one is open.
 */
#ifndef BIANMIN_STORE_QUEUE_H
#define BIANMIN_STORE_QUEUE_H

#if defined(BIANMIN_LAYER_WEB) || defined(BIANMIN_LAYER_WORKERS)
#error                                                                                             \
    "web/ and workers/ may not include store/ headers: call the domain (docs/ARCHITECTURE.md, Layers)"
#endif

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct store;

/* A ticket as inserted (its number already taken with store_queue_number). */
struct store_ticket_new {
  int64_t office_id, queue_id, day, number, service_id, taken_at; /* service_id 0: none */
  const char *code, *priority, *channel, *token_hash;
  int64_t queued_at;  /* its place in line (0: taken_at) */
  int64_t booking_id; /* the booking checked in (0: a walk-in) */
  bool booked;        /* placed as a booked visit (store_ticket_call_next) */
};
/* The first open queue (by sort) of office serving service_id, or when service_id is 0 a service of
 * unit_id: {id, code}; ST_NOTFOUND when none. */
int store_queue_for(struct store *store, int64_t office_id, int64_t service_id, int64_t unit_id,
                    json_t **out);

/* Setup: a queue (by office and code) and a counter (by office and number), inserted or
 * renamed; the links between queues, services and counters (kept when they exist). */
int store_queue_put(struct store *store, int64_t office_id, const char *code, const char *name_zh,
                    const char *name_en, int64_t sort, int64_t *id);
int store_queue_service_add(struct store *store, int64_t queue_id, int64_t service_id);
int store_counter_put(struct store *store, int64_t office_id, const char *number, int64_t unit_id,
                      int64_t *id);
int store_counter_queue_add(struct store *store, int64_t counter_id, int64_t queue_id);

/* The administration page (migration 31): a new queue (sorted last) or a changed one
 * (ST_NOTFOUND when not the office's), its services cleared before they are added again; a new
 * or changed counter, its queues likewise. Codes and numbers are unique per office (the caller
 * checks first; the UNIQUE constraints answer ST_CONFLICT or ST_DB otherwise). */
int store_queue_insert(struct store *store, int64_t office_id, const char *code,
                       const char *name_zh, const char *name_en, bool open, int64_t *id);
int store_queue_update(struct store *store, int64_t office_id, int64_t id, const char *code,
                       const char *name_zh, const char *name_en, bool open);
int store_queue_services_clear(struct store *store, int64_t queue_id);
int store_counter_insert(struct store *store, int64_t office_id, const char *number,
                         const char *name, int64_t *id);
int store_counter_update(struct store *store, int64_t office_id, int64_t id, const char *number,
                         const char *name);
int store_counter_queues_clear(struct store *store, int64_t counter_id);
/* An office's queues [{id, code, name_zh, name_en, is_open, waiting}] by sort and code (waiting:
 * tickets of day waiting in it); links [{queue_id, service_id}]; counters [{id, number, name,
 * unit_id, status, user_id, ticket_id, ticket_code, ticket_status}] by number (the ticket it has
 * called and not finished, if any); counter links [{counter_id, queue_id}]. */
int store_queue_list(struct store *store, int64_t office_id, int64_t day, json_t **out);
int store_queue_links(struct store *store, int64_t office_id, json_t **out);
int store_counter_list(struct store *store, int64_t office_id, json_t **out);
int store_counter_links(struct store *store, int64_t office_id, json_t **out);
/* A counter's status (open, paused, closed) and the clerk sitting at it (0: nobody). */
int store_counter_set(struct store *store, int64_t office_id, int64_t counter_id,
                      const char *status, int64_t user_id);

/* The next number of queue on day (1, 2, ... with no gaps when the transaction commits). */
int store_queue_number(struct store *store, int64_t queue_id, int64_t day, int64_t *number);
int store_ticket_insert(struct store *store, const struct store_ticket_new *t, int64_t *id);
/* A ticket with its queue's and counter's names: every tickets column plus queue_code,
 * queue_name_zh, queue_name_en, counter_number. ST_NOTFOUND when none. */
int store_ticket_by_token(struct store *store, const char *token_hash, json_t **out);
int store_ticket_get(struct store *store, int64_t office_id, int64_t id, json_t **out);
/* How many tickets are called before this waiting one at now (same waiting queue and day; in
 * store_ticket_call_next's order). */
int store_ticket_ahead(struct store *store, const json_t *ticket, int64_t now, int64_t *ahead);
/* Service times (done_at - called_at, seconds) of the queue's latest finished tickets (at most
 * limit) [{seconds}], and how many of the counters serving it are open. */
int store_queue_service_times(struct store *store, int64_t queue_id, int64_t limit, json_t **out);
int store_queue_open_counters(struct store *store, int64_t queue_id, int64_t *count);

/* Calls the next ticket of day for counter (published rule: priority tickets first, then booked
 * visits checked in on time whose slot has started, then the longest waiting; a ticket transferred
 * to a counter only there). A ticket is never called to two counters: the UPDATE changes it only
 * while still waiting, so of two nodes racing for it one gets no row and tries again. *id 0 when
 * nobody waits. */
int store_ticket_call_next(struct store *store, int64_t counter_id, int64_t day, int64_t now,
                           int64_t *id);
/* Moves a ticket of office from one of the statuses in from (a comma-separated list) to status,
 * setting the time column at (called_at, served_at, done_at or "" for none) to now. ST_CONFLICT
 * when the ticket is not in one of those statuses. */
int store_ticket_move(struct store *store, int64_t office_id, int64_t id, const char *from,
                      const char *status, const char *at, int64_t now);
/* A called or serving ticket back to waiting in queue_id (for counter_id only when > 0). */
int store_ticket_transfer(struct store *store, int64_t office_id, int64_t id, int64_t queue_id,
                          int64_t counter_id, const char *note);
int store_ticket_notify_set(struct store *store, int64_t id, int64_t ahead, const char *channel,
                            const char *sealed_to, const char *lang);
/* The waiting tickets of queue on day whose holder asked to be told and was not yet: every
 * tickets column. store_ticket_notified marks one told. */
int store_queue_notify_due(struct store *store, int64_t queue_id, int64_t day, json_t **out);
int store_ticket_notified(struct store *store, int64_t id, int64_t now);
/* The board's log: appends a call (kind "call" or "recall"); the calls of office after id, at
 * most limit, oldest first [{id, ticket_id, code, counter_number, kind, at, queue_name_zh,
 * queue_name_en}]; the newest call id of all offices (0 when none). */
int store_queue_call_add(struct store *store, int64_t office_id, int64_t ticket_id,
                         int64_t counter_id, const char *kind, int64_t now);
int store_queue_calls_after(struct store *store, int64_t office_id, int64_t after, int64_t limit,
                            json_t **out);
int store_queue_calls_newest(struct store *store, int64_t *id);
/* Calls of every office after id [{id, office_id}] (at most limit), for the board feed. */
int store_queue_calls_since(struct store *store, int64_t after, int64_t limit, json_t **out);
/* The ticket rows of office on days from..to [{queue_id, counter_id, status, taken_at,
 * first_called_at, done_at, called_at, booking_id, more_matters}] for the figures (more_matters:
 * its further matters). */
int store_queue_tickets_between(struct store *store, int64_t office_id, int64_t day_from,
                                int64_t day_to, json_t **out);
/* Cases of office finished and waiting for pickup (status closed, not picked up), closed at
 * or after since, newest first, at most limit [{roc_year, word_code, serial,
 * applicant_name_masked, closed_at}]. */
int store_queue_pickup_list(struct store *store, int64_t office_id, int64_t since, int64_t limit,
                            json_t **out);
/* Links a ticket of office to the case its visit created (a ticket already linked keeps its
 * first case: *changed 0); the case's key and check code [{case_key, check_code}] of a ticket's
 * case. */
int store_ticket_case_link(struct store *store, int64_t office_id, int64_t ticket_id,
                           int64_t case_id, int64_t *changed);
/* Several matters in one visit (migration 31): a further matter (service) of a ticket, its case
 * still to come; the case links the ticket's oldest such matter of its service (*changed 0 when
 * none); or, when the ticket already leads to another case, it is recorded as a further matter
 * of its own; the ticket's further matters [{id, service_id, case_id, added_at, case_key,
 * check_code}] in the order added (case_key and check_code null without a case). */
int store_ticket_matter_add(struct store *store, int64_t ticket_id, int64_t service_id, int64_t now,
                            int64_t *id);
int store_ticket_matter_link(struct store *store, int64_t office_id, int64_t ticket_id,
                             int64_t case_id, int64_t *changed);
int store_ticket_matter_of_case(struct store *store, int64_t office_id, int64_t ticket_id,
                                int64_t case_id);
int store_ticket_matters(struct store *store, int64_t ticket_id, json_t **out);
int store_ticket_case(struct store *store, int64_t case_id, json_t **out);

#endif
