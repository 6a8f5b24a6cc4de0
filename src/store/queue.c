/*
 * queue.c - counter queues and tickets in SQL (store/queue.h), one text for both databases.
 */
#include "store/queue.h"

#include <string.h>

#include "store/db.h"

#include "base/common.h"

int store_queue_put(struct store *store, int64_t office_id, const char *code, const char *name_zh,
                    const char *name_en, int64_t sort, int64_t *id)
{
  static const char sql[] =
      "INSERT INTO queues (office_id, code, name_zh, name_en, sort) VALUES ($1, $2, $3, $4, $5) "
      "ON CONFLICT (office_id, code) DO UPDATE SET name_zh = excluded.name_zh, name_en = "
      "excluded.name_en, sort = excluded.sort RETURNING id";
  return db_query_int(
      store, sql, DB_ARGS(DB_I(office_id), DB_S(code), DB_S(name_zh), DB_S(name_en), DB_I(sort)),
      id);
}

int store_queue_insert(struct store *store, int64_t office_id, const char *code,
                       const char *name_zh, const char *name_en, bool open, int64_t *id)
{
  static const char sql[] =
      "INSERT INTO queues (office_id, code, name_zh, name_en, is_open, sort) VALUES ($1, $2, $3, "
      "$4, $5, (SELECT COALESCE(max(sort), 0) + 1 FROM queues WHERE office_id = $1)) RETURNING id";
  return db_query_int(
      store, sql,
      DB_ARGS(DB_I(office_id), DB_S(code), DB_S(name_zh), DB_S(name_en), DB_I(open ? 1 : 0)), id);
}

int store_queue_update(struct store *store, int64_t office_id, int64_t id, const char *code,
                       const char *name_zh, const char *name_en, bool open)
{
  static const char sql[] = "UPDATE queues SET code = $3, name_zh = $4, name_en = $5, is_open = "
                            "$6 WHERE office_id = $1 AND id = $2";
  int64_t changed = 0;
  int rc = db_exec(store, sql,
                   DB_ARGS(DB_I(office_id), DB_I(id), DB_S(code), DB_S(name_zh), DB_S(name_en),
                           DB_I(open ? 1 : 0)),
                   &changed);
  return rc ? rc : changed ? ST_OK : ST_NOTFOUND;
}

int store_queue_services_clear(struct store *store, int64_t queue_id)
{
  static const char sql[] = "DELETE FROM queue_services WHERE queue_id = $1";
  return db_exec(store, sql, DB_ARGS(DB_I(queue_id)), NULL);
}

int store_counter_insert(struct store *store, int64_t office_id, const char *number,
                         const char *name, int64_t *id)
{
  static const char sql[] = "INSERT INTO counters (office_id, number, name, status) VALUES ($1, "
                            "$2, $3, 'closed') RETURNING id";
  return db_query_int(store, sql, DB_ARGS(DB_I(office_id), DB_S(number), DB_S(name)), id);
}

int store_counter_update(struct store *store, int64_t office_id, int64_t id, const char *number,
                         const char *name)
{
  static const char sql[] =
      "UPDATE counters SET number = $3, name = $4 WHERE office_id = $1 AND id = $2";
  int64_t changed = 0;
  int rc =
      db_exec(store, sql, DB_ARGS(DB_I(office_id), DB_I(id), DB_S(number), DB_S(name)), &changed);
  return rc ? rc : changed ? ST_OK : ST_NOTFOUND;
}

int store_counter_queues_clear(struct store *store, int64_t counter_id)
{
  static const char sql[] = "DELETE FROM counter_queues WHERE counter_id = $1";
  return db_exec(store, sql, DB_ARGS(DB_I(counter_id)), NULL);
}

int store_queue_service_add(struct store *store, int64_t queue_id, int64_t service_id)
{
  static const char sql[] = "INSERT INTO queue_services (queue_id, service_id) VALUES ($1, $2) "
                            "ON CONFLICT (queue_id, service_id) DO NOTHING";
  return db_exec(store, sql, DB_ARGS(DB_I(queue_id), DB_I(service_id)), NULL);
}

int store_counter_put(struct store *store, int64_t office_id, const char *number, int64_t unit_id,
                      int64_t *id)
{
  static const char sql[] =
      "INSERT INTO counters (office_id, number, unit_id, status) VALUES ($1, $2, $3, 'closed') "
      "ON CONFLICT (office_id, number) DO UPDATE SET unit_id = excluded.unit_id RETURNING id";
  return db_query_int(
      store, sql, DB_ARGS(DB_I(office_id), DB_S(number), unit_id > 0 ? DB_I(unit_id) : DB_NIL), id);
}

int store_counter_queue_add(struct store *store, int64_t counter_id, int64_t queue_id)
{
  static const char sql[] = "INSERT INTO counter_queues (counter_id, queue_id) VALUES ($1, $2) "
                            "ON CONFLICT (counter_id, queue_id) DO NOTHING";
  return db_exec(store, sql, DB_ARGS(DB_I(counter_id), DB_I(queue_id)), NULL);
}

int store_queue_list(struct store *store, int64_t office_id, int64_t day, json_t **out)
{
  static const char sql[] =
      "SELECT q.id, q.code, q.name_zh, q.name_en, q.is_open, (SELECT count(*) FROM tickets t WHERE "
      "t.waiting_queue_id = q.id AND t.status = 'waiting' AND t.day = $2) AS waiting FROM queues q "
      "WHERE q.office_id = $1 ORDER BY q.sort, q.code";
  return db_query(store, sql, DB_ARGS(DB_I(office_id), DB_I(day)), out);
}

int store_queue_links(struct store *store, int64_t office_id, json_t **out)
{
  static const char sql[] =
      "SELECT l.queue_id, l.service_id FROM queue_services l JOIN queues q ON "
      "q.id = l.queue_id WHERE q.office_id = $1 ORDER BY q.sort, l.service_id";
  return db_query(store, sql, DB_ARGS(DB_I(office_id)), out);
}

int store_counter_list(struct store *store, int64_t office_id, json_t **out)
{
  static const char sql[] =
      "SELECT c.id, c.number, c.name, c.unit_id, c.status, c.user_id, t.id AS ticket_id, t.code AS "
      "ticket_code, t.status AS ticket_status FROM counters c LEFT JOIN tickets t ON t.counter_id "
      "= c.id AND t.status IN ('called', 'serving') WHERE c.office_id = $1 ORDER BY "
      "length(c.number), c.number";
  return db_query(store, sql, DB_ARGS(DB_I(office_id)), out);
}

int store_counter_links(struct store *store, int64_t office_id, json_t **out)
{
  static const char sql[] = "SELECT l.counter_id, l.queue_id FROM counter_queues l JOIN counters c "
                            "ON c.id = l.counter_id WHERE c.office_id = $1";
  return db_query(store, sql, DB_ARGS(DB_I(office_id)), out);
}

int store_counter_set(struct store *store, int64_t office_id, int64_t counter_id,
                      const char *status, int64_t user_id)
{
  static const char sql[] =
      "UPDATE counters SET status = $3, user_id = $4 WHERE office_id = $1 AND id = $2";
  int64_t changed = 0;
  int rc = db_exec(store, sql,
                   DB_ARGS(DB_I(office_id), DB_I(counter_id), DB_S(status),
                           user_id > 0 ? DB_I(user_id) : DB_NIL),
                   &changed);
  return rc ? rc : changed ? ST_OK : ST_NOTFOUND;
}

int store_queue_number(struct store *store, int64_t queue_id, int64_t day, int64_t *number)
{
  /* The upsert holds the (queue, day) row's lock until the transaction ends: on PostgreSQL a
   * second node taking a number of the same queue waits for the first to commit. */
  static const char sql[] =
      "INSERT INTO queue_days (queue_id, day, last_number) VALUES ($1, $2, 1) ON CONFLICT "
      "(queue_id, day) DO UPDATE SET last_number = queue_days.last_number + 1 RETURNING "
      "last_number";
  return db_query_int(store, sql, DB_ARGS(DB_I(queue_id), DB_I(day)), number);
}

int store_ticket_insert(struct store *store, const struct store_ticket_new *t, int64_t *id)
{
  static const char sql[] =
      "INSERT INTO tickets (office_id, queue_id, day, number, code, service_id, waiting_queue_id, "
      "status, priority, channel, token_hash, taken_at, queued_at, booking_id, booked) VALUES ($1, "
      "$2, $3, $4, $5, $6, $2, 'waiting', $7, $8, $9, $10, $11, $12, $13) RETURNING id";
  int64_t queued_at = t->queued_at > 0 ? t->queued_at : t->taken_at;
  return db_query_int(
      store, sql,
      DB_ARGS(DB_I(t->office_id), DB_I(t->queue_id), DB_I(t->day), DB_I(t->number), DB_S(t->code),
              t->service_id > 0 ? DB_I(t->service_id) : DB_NIL, DB_S(t->priority), DB_S(t->channel),
              DB_S(t->token_hash), DB_I(t->taken_at), DB_I(queued_at),
              t->booking_id > 0 ? DB_I(t->booking_id) : DB_NIL, DB_I(t->booked ? 1 : 0)),
      id);
}

int store_queue_for(struct store *store, int64_t office_id, int64_t service_id, int64_t unit_id,
                    json_t **out)
{
  /* The first queue by sort, as domain/queue.c queue_for_service picks it. */
  static const char sql[] =
      "SELECT q.id, q.code FROM queues q JOIN queue_services l ON l.queue_id = q.id JOIN services "
      "s ON s.id = l.service_id WHERE q.office_id = $1 AND q.is_open = 1 AND (l.service_id = $2 OR "
      "($2 = 0 AND s.unit_id = $3)) ORDER BY q.sort, q.code, l.service_id LIMIT 1";
  return db_query_one(store, sql, DB_ARGS(DB_I(office_id), DB_I(service_id), DB_I(unit_id)), out);
}

#define TICKET_COLUMNS                                                                             \
  "SELECT t.*, q.code AS queue_code, q.name_zh AS queue_name_zh, q.name_en AS queue_name_en, "     \
  "c.number AS counter_number FROM tickets t JOIN queues q ON q.id = t.waiting_queue_id LEFT "     \
  "JOIN counters c ON c.id = t.counter_id "

int store_ticket_by_token(struct store *store, const char *token_hash, json_t **out)
{
  static const char sql[] = TICKET_COLUMNS "WHERE t.token_hash = $1";
  return db_query_one(store, sql, DB_ARGS(DB_S(token_hash)), out);
}

int store_ticket_get(struct store *store, int64_t office_id, int64_t id, json_t **out)
{
  static const char sql[] = TICKET_COLUMNS "WHERE t.office_id = $1 AND t.id = $2";
  return db_query_one(store, sql, DB_ARGS(DB_I(office_id), DB_I(id)), out);
}

/* A waiting ticket's rank in the published order: 0 priority, 1 booked and its slot started
 * (queued_at is the later of check-in and slot start), 2 everyone else. $6 is now. */
#define TICKET_RANK                                                                                \
  "(CASE WHEN t.priority <> '' THEN 0 WHEN t.booked = 1 AND t.queued_at <= $6 THEN 1 ELSE 2 END)"

int store_ticket_ahead(struct store *store, const json_t *ticket, int64_t now, int64_t *ahead)
{
  /* The order of store_ticket_call_next: rank, then queued_at, then id. */
  static const char sql[] =
      "SELECT count(*) FROM tickets t WHERE t.waiting_queue_id = $1 AND t.day = $2 AND t.status = "
      "'waiting' AND t.id <> $3 AND (" TICKET_RANK " < $4 OR (" TICKET_RANK " = $4 AND "
      "(t.queued_at < $5 OR (t.queued_at = $5 AND t.id < $3))))";
  int64_t queued_at = db_int(ticket, "queued_at");
  int64_t rank = *db_text(ticket, "priority")                        ? 0
                 : db_int(ticket, "booked") == 1 && queued_at <= now ? 1
                                                                     : 2;
  return db_query_int(store, sql,
                      DB_ARGS(DB_I(db_int(ticket, "waiting_queue_id")), DB_I(db_int(ticket, "day")),
                              DB_I(db_int(ticket, "id")), DB_I(rank), DB_I(queued_at), DB_I(now)),
                      ahead);
}

int store_queue_service_times(struct store *store, int64_t queue_id, int64_t limit, json_t **out)
{
  static const char sql[] =
      "SELECT done_at - called_at AS seconds FROM tickets WHERE waiting_queue_id = $1 AND status "
      "= 'done' AND called_at IS NOT NULL AND done_at >= called_at ORDER BY done_at DESC LIMIT $2";
  return db_query(store, sql, DB_ARGS(DB_I(queue_id), DB_I(limit)), out);
}

int store_queue_open_counters(struct store *store, int64_t queue_id, int64_t *count)
{
  static const char sql[] = "SELECT count(*) FROM counters c JOIN counter_queues l ON l.counter_id "
                            "= c.id WHERE l.queue_id = $1 AND c.status = 'open'";
  return db_query_int(store, sql, DB_ARGS(DB_I(queue_id)), count);
}

int store_ticket_call_next(struct store *store, int64_t counter_id, int64_t day, int64_t now,
                           int64_t *id)
{
  static const char sql[] =
      "UPDATE tickets SET status = 'called', counter_id = $1, called_at = $3, first_called_at = "
      "COALESCE(first_called_at, $3), for_counter_id = NULL WHERE id = (SELECT t.id FROM tickets t "
      "WHERE t.day = $2 AND t.status = 'waiting' AND (t.for_counter_id = $1 OR (t.for_counter_id "
      "IS NULL AND t.waiting_queue_id IN (SELECT queue_id FROM counter_queues WHERE counter_id = "
      "$1))) ORDER BY (CASE WHEN t.priority <> '' THEN 0 WHEN t.booked = 1 AND t.queued_at <= $3 "
      "THEN 1 ELSE 2 END), t.queued_at, t.id LIMIT 1) AND status = 'waiting' RETURNING id";
  int rc = db_query_int(store, sql, DB_ARGS(DB_I(counter_id), DB_I(day), DB_I(now)), id);
  if (rc == ST_NOTFOUND) {
    *id = 0;
    rc = ST_OK;
  }
  return rc;
}

int store_ticket_move(struct store *store, int64_t office_id, int64_t id, const char *from,
                      const char *status, const char *at, int64_t now)
{
#define MOVE(col)                                                                                  \
  "UPDATE tickets SET status = $4" col " WHERE office_id = $1 AND id = $2 AND ',' || $3 || ',' "   \
  "LIKE '%,' || status || ',%'"
  static const char plain[] = MOVE(", called_at = called_at");
  static const char called[] = MOVE(", called_at = $5");
  static const char served[] = MOVE(", served_at = $5");
  static const char done[] = MOVE(", done_at = $5");
#undef MOVE
  const char *sql = strcmp(at, "called_at") == 0   ? called
                    : strcmp(at, "served_at") == 0 ? served
                    : strcmp(at, "done_at") == 0   ? done
                                                   : plain;
  int64_t changed = 0;
  int rc = sql == plain
               ? db_exec(store, sql, DB_ARGS(DB_I(office_id), DB_I(id), DB_S(from), DB_S(status)),
                         &changed)
               : db_exec(store, sql,
                         DB_ARGS(DB_I(office_id), DB_I(id), DB_S(from), DB_S(status), DB_I(now)),
                         &changed);
  return rc ? rc : changed ? ST_OK : ST_CONFLICT;
}

int store_ticket_transfer(struct store *store, int64_t office_id, int64_t id, int64_t queue_id,
                          int64_t counter_id, const char *note)
{
  static const char sql[] =
      "UPDATE tickets SET status = 'waiting', waiting_queue_id = $3, for_counter_id = $4, "
      "counter_id = NULL, note = $5 WHERE office_id = $1 AND id = $2 AND status IN ('called', "
      "'serving')";
  int64_t changed = 0;
  int rc = db_exec(store, sql,
                   DB_ARGS(DB_I(office_id), DB_I(id), DB_I(queue_id),
                           counter_id > 0 ? DB_I(counter_id) : DB_NIL, DB_S(note)),
                   &changed);
  return rc ? rc : changed ? ST_OK : ST_CONFLICT;
}

int store_ticket_notify_set(struct store *store, int64_t id, int64_t ahead, const char *channel,
                            const char *sealed_to, const char *lang)
{
  static const char sql[] = "UPDATE tickets SET notify_ahead = $2, notify_channel = $3, notify_to "
                            "= $4, notify_lang = $5, notified_at = NULL WHERE id = $1 AND status = "
                            "'waiting'";
  int64_t changed = 0;
  int rc =
      db_exec(store, sql,
              DB_ARGS(DB_I(id), DB_I(ahead), DB_S(channel), DB_S(sealed_to), DB_S(lang)), &changed);
  return rc ? rc : changed ? ST_OK : ST_CONFLICT;
}

int store_queue_call_add(struct store *store, int64_t office_id, int64_t ticket_id,
                         int64_t counter_id, const char *kind, int64_t now)
{
  static const char sql[] = "INSERT INTO queue_calls (office_id, ticket_id, counter_id, kind, at) "
                            "VALUES ($1, $2, $3, $4, $5)";
  return db_exec(store, sql,
                 DB_ARGS(DB_I(office_id), DB_I(ticket_id), DB_I(counter_id), DB_S(kind), DB_I(now)),
                 NULL);
}

int store_queue_calls_after(struct store *store, int64_t office_id, int64_t after, int64_t limit,
                            json_t **out)
{
  /* The newest limit calls after the given id, returned oldest first. */
  static const char sql[] =
      "SELECT * FROM (SELECT k.id, k.ticket_id, t.code, c.number AS counter_number, k.kind, k.at, "
      "q.name_zh AS queue_name_zh, q.name_en AS queue_name_en, t.priority FROM queue_calls k JOIN "
      "tickets t ON t.id = k.ticket_id JOIN queues q ON q.id = t.queue_id LEFT JOIN counters c ON "
      "c.id = k.counter_id WHERE k.office_id = $1 AND k.id > $2 ORDER BY k.id DESC LIMIT $3) AS "
      "recent ORDER BY id";
  return db_query(store, sql, DB_ARGS(DB_I(office_id), DB_I(after), DB_I(limit)), out);
}

int store_queue_calls_newest(struct store *store, int64_t *id)
{
  static const char sql[] = "SELECT COALESCE(max(id), 0) AS id FROM queue_calls";
  return db_query_int(store, sql, NULL, 0, id);
}

int store_queue_calls_since(struct store *store, int64_t after, int64_t limit, json_t **out)
{
  static const char sql[] =
      "SELECT id, office_id FROM queue_calls WHERE id > $1 ORDER BY id LIMIT $2";
  return db_query(store, sql, DB_ARGS(DB_I(after), DB_I(limit)), out);
}

int store_queue_tickets_between(struct store *store, int64_t office_id, int64_t day_from,
                                int64_t day_to, json_t **out)
{
  static const char sql[] =
      "SELECT queue_id, counter_id, status, taken_at, first_called_at, called_at, done_at, "
      "booking_id, "
      "(SELECT count(*) FROM ticket_matters m WHERE m.ticket_id = tickets.id) AS more_matters "
      "FROM tickets WHERE office_id = $1 AND day BETWEEN $2 AND $3 ORDER BY id";
  return db_query(store, sql, DB_ARGS(DB_I(office_id), DB_I(day_from), DB_I(day_to)), out);
}

int store_queue_pickup_list(struct store *store, int64_t office_id, int64_t since, int64_t limit,
                            json_t **out)
{
  static const char sql[] =
      "SELECT roc_year, word_code, serial, applicant_name_masked, closed_at FROM cases WHERE "
      "office_id = $1 AND status = 'closed' AND picked_up_at IS NULL AND closed_at >= $2 ORDER BY "
      "closed_at DESC, id DESC LIMIT $3";
  return db_query(store, sql, DB_ARGS(DB_I(office_id), DB_I(since), DB_I(limit)), out);
}

int store_ticket_case_link(struct store *store, int64_t office_id, int64_t ticket_id,
                           int64_t case_id, int64_t *changed)
{
  static const char sql[] = "UPDATE tickets SET case_id = $3 WHERE office_id = $1 AND id = $2 AND "
                            "case_id IS NULL";
  return db_exec(store, sql, DB_ARGS(DB_I(office_id), DB_I(ticket_id), DB_I(case_id)), changed);
}

int store_ticket_matter_add(struct store *store, int64_t ticket_id, int64_t service_id, int64_t now,
                            int64_t *id)
{
  static const char sql[] = "INSERT INTO ticket_matters (ticket_id, service_id, added_at) VALUES "
                            "($1, $2, $3) RETURNING id";
  return db_query_int(store, sql, DB_ARGS(DB_I(ticket_id), DB_I(service_id), DB_I(now)), id);
}

int store_ticket_matter_link(struct store *store, int64_t office_id, int64_t ticket_id,
                             int64_t case_id, int64_t *changed)
{
  /* The oldest matter of the ticket for the case's service that has no case yet. */
  static const char sql[] =
      "UPDATE ticket_matters SET case_id = $3 WHERE id = (SELECT m.id FROM ticket_matters m JOIN "
      "tickets t ON t.id = m.ticket_id JOIN cases c ON c.id = $3 WHERE t.office_id = $1 AND "
      "m.ticket_id = $2 AND m.case_id IS NULL AND m.service_id = c.service_id ORDER BY m.id LIMIT "
      "1)";
  return db_exec(store, sql, DB_ARGS(DB_I(office_id), DB_I(ticket_id), DB_I(case_id)), changed);
}

int store_ticket_matter_of_case(struct store *store, int64_t office_id, int64_t ticket_id,
                                int64_t case_id)
{
  static const char sql[] =
      "INSERT INTO ticket_matters (ticket_id, service_id, case_id, added_at) SELECT t.id, "
      "c.service_id, c.id, c.received_at FROM tickets t JOIN cases c ON c.id = $3 WHERE "
      "t.office_id = $1 AND t.id = $2 AND t.case_id <> $3";
  return db_exec(store, sql, DB_ARGS(DB_I(office_id), DB_I(ticket_id), DB_I(case_id)), NULL);
}

int store_ticket_matters(struct store *store, int64_t ticket_id, json_t **out)
{
  static const char sql[] =
      "SELECT m.id, m.service_id, m.case_id, m.added_at, c.case_key, c.check_code FROM "
      "ticket_matters m LEFT JOIN cases c ON c.id = m.case_id WHERE m.ticket_id = $1 ORDER BY m.id";
  return db_query(store, sql, DB_ARGS(DB_I(ticket_id)), out);
}

int store_ticket_case(struct store *store, int64_t case_id, json_t **out)
{
  static const char sql[] = "SELECT case_key, check_code FROM cases WHERE id = $1";
  return db_query_one(store, sql, DB_ARGS(DB_I(case_id)), out);
}

int store_queue_notify_due(struct store *store, int64_t queue_id, int64_t day, json_t **out)
{
  static const char sql[] =
      "SELECT * FROM tickets WHERE waiting_queue_id = $1 AND day = $2 AND status = 'waiting' AND "
      "notify_ahead > 0 AND notified_at IS NULL ORDER BY id";
  return db_query(store, sql, DB_ARGS(DB_I(queue_id), DB_I(day)), out);
}

int store_ticket_notified(struct store *store, int64_t id, int64_t now)
{
  static const char sql[] = "UPDATE tickets SET notified_at = $2 WHERE id = $1";
  return db_exec(store, sql, DB_ARGS(DB_I(id), DB_I(now)), NULL);
}
