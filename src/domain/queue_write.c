/*
 * queue_write.c - the writes of counter queues (domain/queue.h): taking a ticket, leaving,
 * calling and the counter's other actions. Each owns its transaction and is tried again when
 * it lost a race with another node (PostgreSQL answers a serialization failure or deadlock as
 * ST_CONFLICT; SQLite's write lock makes them wait instead).
 */
#include "domain/queue.h"

#include <sodium.h>
#include <string.h>

#include "base/arena.h"
#include "base/text.h"
#include "domain/accounts.h"
#include "domain/apply.h"
#include "domain/audit.h"
#include "domain/directory.h"
#include "domain/notify.h"
#include "domain/personal.h"
#include "domain/read_model.h"
#include "store/queue.h"
#include "store/store.h"

#include "base/common.h"

enum { QUEUE_RETRIES = 8 };

/* Runs fn(store, ctx) in a transaction, again (up to QUEUE_RETRIES times) when it ends in
 * ST_CONFLICT because another transaction got there first; fn sets *retry for that. */
typedef int (*queue_tx_fn)(struct store *store, void *ctx, bool *retry);

static int in_transaction(struct store *store, queue_tx_fn fn, void *ctx)
{
  int rc = ST_CONFLICT;
  for (int attempt = 0; attempt < QUEUE_RETRIES; attempt++) {
    bool retry = false;
    rc = store_begin(store);
    if (rc)
      return rc;
    rc = fn(store, ctx, &retry);
    if (!rc)
      rc = store_commit(store);
    else
      store_rollback(store);
    if (!(rc == ST_CONFLICT && retry))
      return rc;
  }
  return rc;
}

/* ---- taking a ticket ------------------------------------------------------------------------ */

struct take {
  int64_t office_id, service_id, queue_id, id;
  time_t now;
  const char *channel, *priority, *queue_code;
  char token_hash[65];
  char code[QUEUE_CODE_SIZE];
  int64_t queued_at, booking_id; /* a booking's ticket (0, 0 for a walk-in) */
  bool booked;
};

/* Takes the queue's next number of the day and writes the ticket (inside a transaction). */
static int take_number(struct store *store, struct take *t)
{
  int64_t day = queue_day(t->now), number = 0;
  int rc = store_queue_number(store, t->queue_id, day, &number);
  if (rc)
    return rc;
  /* A001 ... A999, then A1000: the number itself is never reused within the day. */
  snprintf(t->code, sizeof(t->code), "%s%03lld", t->queue_code, (long long)number);
  struct store_ticket_new row = {.office_id = t->office_id,
                                 .queue_id = t->queue_id,
                                 .day = day,
                                 .number = number,
                                 .service_id = t->service_id,
                                 .taken_at = (int64_t)t->now,
                                 .code = t->code,
                                 .priority = t->priority,
                                 .channel = t->channel,
                                 .token_hash = t->token_hash,
                                 .queued_at = t->queued_at,
                                 .booking_id = t->booking_id,
                                 .booked = t->booked};
  return store_ticket_insert(store, &row, &t->id);
}

static int take_in(struct store *store, void *ctx, bool *retry)
{
  *retry = true;
  return take_number(store, ctx);
}

int queue_ticket_for_booking(struct store *store, time_t now, const struct queue_booking_ticket *b,
                             char token[QUEUE_TOKEN_SIZE], char code[QUEUE_CODE_SIZE])
{
  json_t *queue = NULL;
  int rc = store_queue_for(store, b->office_id, b->service_id, b->unit_id, &queue);
  if (rc)
    return rc;
  struct take t = {.office_id = b->office_id,
                   .service_id = b->service_id,
                   .queue_id = read_model_int(queue, "id"),
                   .now = now,
                   .channel = "kiosk",
                   .priority = "",
                   .queue_code = json_string_value(json_object_get(queue, "code")),
                   .booking_id = b->booking_id,
                   .booked = b->booked,
                   .queued_at =
                       b->booked && b->slot_start > now ? (int64_t)b->slot_start : (int64_t)now};
  accounts_random_token(token);
  accounts_token_hash(token, t.token_hash);
  rc = t.queue_code ? take_number(store, &t) : ST_NOMEM;
  if (!rc)
    snprintf(code, QUEUE_CODE_SIZE, "%s", t.code);
  json_decref(queue);
  return rc;
}

int queue_ticket_take(struct store *store, struct arena *arena, time_t now, int64_t office_id,
                      int64_t service_id, const char *channel, const char *priority,
                      char token[QUEUE_TOKEN_SIZE], struct queue_ticket *out)
{
  struct queue_office office;
  if (!channel || (strcmp(channel, "kiosk") != 0 && strcmp(channel, "phone") != 0) ||
      !queue_priority_valid(priority))
    return ST_INVALID;
  int rc = queue_office_read(store, arena, now, office_id, &office);
  if (rc)
    return rc;
  const struct queue_row *queue = queue_for_service(&office, service_id);
  if (!queue)
    return queue_service_paused(&office, service_id) ? ST_CONFLICT : ST_NOTFOUND;
  struct take t = {.office_id = office_id,
                   .service_id = service_id,
                   .queue_id = queue->id,
                   .now = now,
                   .channel = channel,
                   .priority = priority,
                   .queue_code = queue->code};
  accounts_random_token(token);
  accounts_token_hash(token, t.token_hash);
  rc = in_transaction(store, take_in, &t);
  return rc ? rc : queue_ticket_get(store, arena, now, office_id, t.id, out);
}

/* ---- the holder's own changes ------------------------------------------------------------------
 */

struct holder {
  const char *token;
  time_t now;
  int64_t ahead;
  const char *channel, *sealed, *lang;
};

/* ---- "your turn is near" ----------------------------------------------------------------------
 */

/* Tells one waiting ticket's holder that their turn is near when no more than the number they
 * chose are ahead: queues the message (notify_subject_event, inside the caller's transaction)
 * and marks the ticket told, so it is told once. */
static int turn_near_one(struct store *store, time_t now, const json_t *row)
{
  int64_t ahead = 0, id = read_model_int(row, "id");
  char *plain = NULL;
  int rc = store_ticket_ahead(store, row, (int64_t)now, &ahead);
  if (rc || ahead > read_model_int(row, "notify_ahead"))
    return rc;
  rc = personal_open(json_string_value(json_object_get(row, "notify_to")), &plain);
  if (rc)
    return rc;
  const char *lang = json_string_value(json_object_get(row, "notify_lang"));
  char ahead_text[24];
  snprintf(ahead_text, sizeof(ahead_text), "%lld", (long long)ahead); /* template vars are text */
  json_t *vars = json_pack("{s:s, s:s}", "number", json_string_value(json_object_get(row, "code")),
                           "ahead", ahead_text);
  rc = vars ? notify_subject_event(store, now, read_model_int(row, "office_id"), "ticket", id,
                                   json_string_value(json_object_get(row, "notify_channel")), plain,
                                   lang && *lang ? lang : "zh-TW", "queue_turn_near", 1, vars)
            : ST_NOMEM;
  json_decref(vars);
  personal_free(plain);
  return rc ? rc : store_ticket_notified(store, id, (int64_t)now);
}

/* Every holder of the queue's waiting tickets of today who is now within their number. */
static int turn_near(struct store *store, time_t now, int64_t queue_id)
{
  json_t *rows = NULL, *row;
  size_t i;
  int rc = store_queue_notify_due(store, queue_id, queue_day(now), &rows);
  json_array_foreach(rows, i, row) if (!rc) rc = turn_near_one(store, now, row);
  json_decref(rows);
  return rc;
}

static int ticket_id_of(struct store *store, const char *token, int64_t *id, int64_t *office_id)
{
  char hash[65];
  json_t *row = NULL;
  if (!token || strlen(token) != QUEUE_TOKEN_SIZE - 1)
    return ST_NOTFOUND;
  accounts_token_hash(token, hash);
  int rc = store_ticket_by_token(store, hash, &row);
  if (rc)
    return rc;
  *id = read_model_int(row, "id");
  *office_id = read_model_int(row, "office_id");
  json_decref(row);
  return ST_OK;
}

static int leave_in(struct store *store, void *ctx, bool *retry)
{
  struct holder *h = ctx;
  int64_t id, office_id;
  (void)retry;
  int rc = ticket_id_of(store, h->token, &id, &office_id);
  return rc ? rc : store_ticket_move(store, office_id, id, "waiting", "left", "done_at", h->now);
}

int queue_ticket_leave(struct store *store, time_t now, const char *token)
{
  struct holder h = {.token = token, .now = now};
  return in_transaction(store, leave_in, &h);
}

static int notify_in(struct store *store, void *ctx, bool *retry)
{
  struct holder *h = ctx;
  int64_t id, office_id;
  json_t *row = NULL;
  (void)retry;
  int rc = ticket_id_of(store, h->token, &id, &office_id);
  if (!rc)
    rc = store_ticket_notify_set(store, id, h->ahead, h->channel, h->sealed, h->lang);
  if (!rc) /* already within the number chosen: told at once */
    rc = store_ticket_get(store, office_id, id, &row);
  if (!rc)
    rc = turn_near(store, h->now, read_model_int(row, "waiting_queue_id"));
  json_decref(row);
  return rc;
}

/* The digits of a phone number (a leading + kept) into out. */
static const char *phone_digits(const char *phone, char *out, size_t size)
{
  size_t n = 0;
  for (const char *p = phone; *p && n + 1 < size; p++)
    if ((*p >= '0' && *p <= '9') || (*p == '+' && n == 0))
      out[n++] = *p;
  out[n] = '\0';
  return out;
}

int queue_ticket_notify(struct store *store, time_t now, const char *token, int64_t ahead,
                        const char *channel, const char *recipient, const char *lang)
{
  char *sealed = NULL, digits[32];
  if (ahead < 1 || ahead > QUEUE_NOTIFY_AHEAD_MAX || !channel || !recipient ||
      strlen(recipient) > 254 || !apply_contact_valid(channel, recipient))
    return ST_INVALID;
  if (!strcmp(channel, "sms")) /* "0912-345 678" as typed: sent to its digits (and a +) */
    recipient = phone_digits(recipient, digits, sizeof(digits));
  int rc = personal_seal(recipient, &sealed);
  if (rc)
    return rc;
  struct holder h = {.token = token,
                     .now = now,
                     .ahead = ahead,
                     .channel = channel,
                     .sealed = sealed,
                     .lang = lang && strcmp(lang, "en") == 0 ? "en" : "zh-TW"};
  rc = in_transaction(store, notify_in, &h);
  free(sealed);
  return rc;
}

/* ---- the counter ------------------------------------------------------------------------------
 */

struct counter_op {
  const struct audit_actor *actor;
  time_t now;
  int64_t counter_id, ticket_id;
  const char *status;
  enum queue_action action;
  const struct queue_transfer *transfer;
};

/* The counter's row in its office (ST_NOTFOUND for another office's counter). */
static int counter_row(struct store *store, int64_t office_id, int64_t counter_id, json_t **out)
{
  json_t *rows = NULL, *row;
  size_t i;
  int rc = store_counter_list(store, office_id, &rows);
  if (rc)
    return rc;
  *out = NULL;
  json_array_foreach(rows, i, row) if (read_model_int(row, "id") == counter_id && !*out) *out =
      json_incref(row);
  json_decref(rows);
  return *out ? ST_OK : ST_NOTFOUND;
}

static int counter_set_in(struct store *store, void *ctx, bool *retry)
{
  struct counter_op *op = ctx;
  (void)retry;
  bool closing = strcmp(op->status, "closed") == 0;
  int rc = store_counter_set(store, op->actor->office_id, op->counter_id, op->status,
                             closing ? 0 : op->actor->user_id);
  if (rc)
    return rc;
  char id[24];
  snprintf(id, sizeof(id), "%lld", (long long)op->counter_id);
  json_t *detail = json_pack("{s:s}", "status", op->status);
  rc = audit_record(store, op->actor, "queue.counter", "counter", id, detail);
  json_decref(detail); /* audit_record does not take it */
  return rc;
}

int queue_counter_set(struct store *store, time_t now, const struct audit_actor *actor,
                      int64_t counter_id, const char *status)
{
  if (!status || (strcmp(status, "open") != 0 && strcmp(status, "paused") != 0 &&
                  strcmp(status, "closed") != 0))
    return ST_INVALID;
  struct counter_op op = {.actor = actor, .now = now, .counter_id = counter_id, .status = status};
  return in_transaction(store, counter_set_in, &op);
}

/* After a call, the holders of the called ticket's queue whose turn is now near. */
static int called_queue_turn_near(struct store *store, const struct counter_op *op)
{
  json_t *row = NULL;
  int rc = store_ticket_get(store, op->actor->office_id, op->ticket_id, &row);
  if (!rc)
    rc = turn_near(store, op->now, read_model_int(row, "waiting_queue_id"));
  json_decref(row);
  return rc;
}

static int call_next_in(struct store *store, void *ctx, bool *retry)
{
  struct counter_op *op = ctx;
  json_t *counter = NULL;
  op->ticket_id = 0; /* a try again after a rollback starts afresh */
  int rc = counter_row(store, op->actor->office_id, op->counter_id, &counter);
  if (rc)
    return rc;
  const char *status = json_string_value(json_object_get(counter, "status"));
  bool open = status && strcmp(status, "open") == 0;
  bool busy = read_model_int(counter, "ticket_id") != 0;
  json_decref(counter);
  if (!open)
    return ST_FORBIDDEN;
  if (busy)
    return ST_CONFLICT;
  /* From here a conflict is the database's (a deadlock with another counter telling the same
   * holders their turn is near): the whole call is tried again. */
  *retry = true;
  /* On PostgreSQL a ticket another counter took meanwhile makes the UPDATE change no row; the
   * next statement sees that commit and picks the next ticket. */
  for (int i = 0; i < QUEUE_RETRIES && !op->ticket_id && !rc; i++)
    rc = store_ticket_call_next(store, op->counter_id, queue_day(op->now), (int64_t)op->now,
                                &op->ticket_id);
  if (rc || !op->ticket_id)
    return rc ? rc : ST_NOTFOUND;
  rc = store_queue_call_add(store, op->actor->office_id, op->ticket_id, op->counter_id, "call",
                            (int64_t)op->now);
  return rc ? rc : called_queue_turn_near(store, op);
}

int queue_call_next(struct store *store, struct arena *arena, time_t now,
                    const struct audit_actor *actor, int64_t counter_id, struct queue_ticket *out)
{
  struct counter_op op = {.actor = actor, .now = now, .counter_id = counter_id};
  int rc = in_transaction(store, call_next_in, &op);
  return rc ? rc : queue_ticket_get(store, arena, now, actor->office_id, op.ticket_id, out);
}

/* The ticket must be this counter's (called or serving there) for every action. */
static int act_in(struct store *store, void *ctx, bool *retry)
{
  struct counter_op *op = ctx;
  int64_t office = op->actor->office_id, now = (int64_t)op->now;
  json_t *row = NULL;
  (void)retry;
  int rc = store_ticket_get(store, office, op->ticket_id, &row);
  if (rc)
    return rc;
  bool mine = read_model_int(row, "counter_id") == op->counter_id;
  json_decref(row);
  if (!mine)
    return ST_CONFLICT;
  switch (op->action) {
  case QUEUE_RECALL:
    rc = store_ticket_move(store, office, op->ticket_id, "called", "called", "called_at", now);
    return rc ? rc
              : store_queue_call_add(store, office, op->ticket_id, op->counter_id, "recall", now);
  case QUEUE_NO_SHOW:
    return store_ticket_move(store, office, op->ticket_id, "called", "no_show", "done_at", now);
  case QUEUE_SERVE:
    return store_ticket_move(store, office, op->ticket_id, "called", "serving", "served_at", now);
  case QUEUE_DONE:
    return store_ticket_move(store, office, op->ticket_id, "called,serving", "done", "done_at",
                             now);
  case QUEUE_TRANSFER:
    return store_ticket_transfer(store, office, op->ticket_id, op->transfer->queue_id,
                                 op->transfer->counter_id, op->transfer->note);
  case QUEUE_ACTION_NONE:
    break;
  }
  return ST_INVALID;
}

/* A transfer names a queue or a counter of the office; with only a counter, the ticket waits
 * in that counter's first queue. */
static int transfer_check(struct store *store, int64_t office_id, struct queue_transfer *t)
{
  struct queue_office office;
  struct arena *arena = arena_new(64 * 1024);
  if (!arena)
    return ST_NOMEM;
  int rc = queue_office_read(store, arena, 0, office_id, &office);
  bool queue_ok = false, counter_ok = t->counter_id == 0;
  for (size_t i = 0; !rc && i < office.queue_count; i++)
    queue_ok |= office.queues[i].id == t->queue_id;
  for (size_t i = 0; !rc && i < office.counter_count; i++) {
    const struct queue_counter_row *c = &office.counters[i];
    if (c->id != t->counter_id)
      continue;
    counter_ok = true;
    if (!queue_ok && c->queue_count > 0) {
      t->queue_id = c->queue_ids[0];
      queue_ok = true;
    }
  }
  arena_free(arena);
  if (rc)
    return rc;
  return queue_ok && counter_ok ? ST_OK : ST_INVALID;
}

int queue_ticket_act(struct store *store, time_t now, const struct audit_actor *actor,
                     int64_t counter_id, int64_t ticket_id, enum queue_action action,
                     const struct queue_transfer *transfer)
{
  struct queue_transfer checked = {0};
  struct arena *arena = arena_new(16 * 1024);
  struct queue_ticket t;
  int found =
      arena ? queue_ticket_get(store, arena, now, actor->office_id, ticket_id, &t) : ST_NOMEM;
  arena_free(arena);
  if (found)
    return found;
  if (counter_id < 1 || action == QUEUE_ACTION_NONE)
    return ST_INVALID;
  if (action == QUEUE_TRANSFER) {
    if (!transfer || (transfer->note && text_length(transfer->note) > QUEUE_NOTE_MAX))
      return ST_INVALID;
    checked = *transfer;
    checked.note = transfer->note ? transfer->note : "";
    int rc = transfer_check(store, actor->office_id, &checked);
    if (rc)
      return rc;
  }
  struct counter_op op = {.actor = actor,
                          .now = now,
                          .counter_id = counter_id,
                          .ticket_id = ticket_id,
                          .action = action,
                          .transfer = &checked};
  return in_transaction(store, act_in, &op);
}

/* ---- several matters in one visit ------------------------------------------------------------ */

struct matter_op {
  const struct audit_actor *actor;
  time_t now;
  int64_t counter_id, ticket_id, service_id, id;
};

static int matter_in(struct store *store, void *ctx, bool *retry)
{
  struct matter_op *op = ctx;
  json_t *row = NULL;
  (void)retry;
  int rc = store_ticket_get(store, op->actor->office_id, op->ticket_id, &row);
  if (rc)
    return rc;
  const char *status = json_string_value(json_object_get(row, "status"));
  bool mine = read_model_int(row, "counter_id") == op->counter_id && status &&
              (strcmp(status, "called") == 0 || strcmp(status, "serving") == 0);
  json_decref(row);
  if (!mine)
    return ST_CONFLICT;
  rc = store_ticket_matter_add(store, op->ticket_id, op->service_id, (int64_t)op->now, &op->id);
  if (rc)
    return rc;
  char id[24];
  snprintf(id, sizeof(id), "%lld", (long long)op->ticket_id);
  json_t *detail = json_pack("{s:I, s:I}", "service_id", (json_int_t)op->service_id, "counter_id",
                             (json_int_t)op->counter_id);
  rc = audit_record(store, op->actor, "queue.matter", "ticket", id, detail);
  json_decref(detail);
  return rc;
}

/* The ticket must be the office's (ST_NOTFOUND, checked first) and the service one of the
 * office's (ST_INVALID). */
static int matter_check(struct store *store, time_t now, const struct audit_actor *actor,
                        int64_t ticket_id, int64_t service_id)
{
  struct arena *arena = arena_new(64 * 1024);
  struct queue_ticket t;
  const struct directory *dir = NULL;
  int rc = arena ? queue_ticket_get(store, arena, now, actor->office_id, ticket_id, &t) : ST_NOMEM;
  if (!rc)
    rc = directory_acquire(store, arena, &dir);
  if (!rc) {
    const struct dir_service *s = directory_service(dir, service_id);
    if (!s || s->office_id != actor->office_id)
      rc = ST_INVALID;
  }
  arena_free(arena);
  return rc;
}

int queue_matter_add(struct store *store, time_t now, const struct audit_actor *actor,
                     int64_t counter_id, int64_t ticket_id, int64_t service_id)
{
  int rc = matter_check(store, now, actor, ticket_id, service_id);
  if (rc)
    return rc;
  if (counter_id < 1)
    return ST_INVALID;
  struct matter_op op = {.actor = actor,
                         .now = now,
                         .counter_id = counter_id,
                         .ticket_id = ticket_id,
                         .service_id = service_id};
  return in_transaction(store, matter_in, &op);
}
