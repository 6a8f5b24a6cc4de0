/*
 * queue.c - the counter console (/staff/queue): choose my counter, call next, recall, no-show,
 * serve, done, transfer with a note, pause or close; and the queue figures
 * (/staff/queue/figures). Every change is a POST answered with a redirect back to the console.
 */
#include "web/staff/queue.h"

#include <string.h>

#include "base/civil.h"
#include "base/clock.h"
#include "domain/audit.h"
#include "domain/directory.h"
#include "domain/queue.h"
#include "web/app.h"

#include "base/common.h"

static int64_t int_param(const char *text)
{
  int64_t v = 0;
  if (!text || str_to_int64(str_from(text), 1, INT64_MAX, &v))
    return 0;
  return v;
}

static const char *queue_name(struct http_request *req, const struct queue_office *qo, int64_t id)
{
  for (size_t i = 0; i < qo->queue_count; i++)
    if (qo->queues[i].id == id)
      return arena_printf(req->arena, "%s %s", qo->queues[i].code,
                          directory_pick(qo->queues[i].name_zh, qo->queues[i].name_en, req->lang));
  return "";
}

static struct view counters_view(struct http_request *req, struct view_builder *b,
                                 const struct queue_office *qo, int64_t mine)
{
  struct view_list *list = view_list(b);
  for (size_t i = 0; i < qo->counter_count; i++) {
    const struct queue_counter_row *c = &qo->counters[i];
    struct view_map *m = view_map(b);
    struct view_list *queues = view_list(b);
    for (size_t j = 0; j < c->queue_count; j++)
      view_push(b, queues, view_text(queue_name(req, qo, c->queue_ids[j])));
    view_add_int(b, m, "id", c->id);
    view_add_text(b, m, "number", c->number);
    view_add_text(b, m, "status", c->status);
    view_add_text(b, m, "status_text",
                  http_t(req, arena_printf(req->arena, "queue_counter_%s", c->status)));
    view_add_text(b, m, "ticket", c->ticket_code);
    view_add(b, m, "queues", view_of_list(queues));
    view_add_bool(b, m, "mine", c->id == mine);
    view_add_text(b, m, "href",
                  arena_printf(req->arena, "/staff/queue?counter=%lld", (long long)c->id));
    view_push(b, list, view_of_map(m));
  }
  return view_of_list(list);
}

static struct view queues_view(struct http_request *req, struct view_builder *b,
                               const struct queue_office *qo)
{
  struct view_list *list = view_list(b);
  for (size_t i = 0; i < qo->queue_count; i++) {
    struct view_map *m = view_map(b);
    view_add_int(b, m, "id", qo->queues[i].id);
    view_add_text(b, m, "name", queue_name(req, qo, qo->queues[i].id));
    view_add_int(b, m, "waiting", qo->queues[i].waiting);
    view_push(b, list, view_of_map(m));
  }
  return view_of_list(list);
}

/* One matter of the visit: its service's name and, once its intake made a case, the case. */
static struct view matter_view(struct http_request *req, struct view_builder *b,
                               const struct directory *dir, int64_t ticket_id, int64_t service_id,
                               int64_t case_id)
{
  const struct dir_service *s = dir ? directory_service(dir, service_id) : NULL;
  struct view_map *m = view_map(b);
  view_add_text(b, m, "service", s ? directory_pick(s->name_zh, s->name_en, req->lang) : "");
  if (case_id > 0)
    view_add_text(b, m, "case_href",
                  arena_printf(req->arena, "/staff/cases/%lld", (long long)case_id));
  else if (service_id > 0)
    view_add_text(b, m, "intake_href",
                  arena_printf(req->arena, "/staff/intake?service=%lld&ticket=%lld",
                               (long long)service_id, (long long)ticket_id));
  return view_of_map(m);
}

/* The visit's matters (the ticket's own first) and the office's services to add another. */
static void matters_add(struct http_request *req, struct view_builder *b, struct view_map *m,
                        const struct directory *dir, const struct queue_ticket *t)
{
  struct view_list *list = view_list(b), *options = view_list(b);
  view_push(b, list, matter_view(req, b, dir, t->id, t->service_id, t->case_id));
  for (size_t i = 0; i < t->matter_count; i++)
    view_push(b, list,
              matter_view(req, b, dir, t->id, t->matters[i].service_id, t->matters[i].case_id));
  size_t n = 0;
  const struct dir_service *all = dir ? directory_services(dir, t->office_id, &n) : NULL;
  for (size_t i = 0; i < n; i++) {
    struct view_map *o = view_map(b);
    view_add_int(b, o, "id", all[i].id);
    view_add_text(b, o, "name", directory_pick(all[i].name_zh, all[i].name_en, req->lang));
    view_push(b, options, view_of_map(o));
  }
  view_add(b, m, "matters", view_of_list(list));
  view_add_int(b, m, "matter_count", (int64_t)(1 + t->matter_count));
  view_add(b, m, "services", view_of_list(options));
  view_add_text(b, m, "matter_action",
                arena_printf(req->arena, "/staff/queue/tickets/%lld/matters", (long long)t->id));
}

static struct view current_view(struct http_request *req, struct view_builder *b,
                                const struct directory *dir, const struct queue_ticket *t)
{
  struct view_map *m = view_map(b);
  view_add_int(b, m, "id", t->id);
  view_add_text(b, m, "code", t->code);
  view_add_text(b, m, "status", t->status);
  view_add_text(b, m, "status_text",
                http_t(req, arena_printf(req->arena, "queue_status_%s", t->status)));
  view_add_bool(b, m, "called", strcmp(t->status, "called") == 0);
  view_add_text(b, m, "priority", t->priority);
  view_add_text(
      b, m, "priority_text",
      *t->priority ? http_t(req, arena_printf(req->arena, "queue_priority_%s", t->priority)) : "");
  view_add_text(b, m, "note", t->note);
  view_add_text(b, m, "taken", web_datetime(req, t->taken_at));
  view_add_text(b, m, "action",
                arena_printf(req->arena, "/staff/queue/tickets/%lld", (long long)t->id));
  view_add_text(b, m, "intake_href",
                arena_printf(req->arena, "/staff/intake?service=%lld&ticket=%lld",
                             (long long)t->service_id, (long long)t->id));
  matters_add(req, b, m, dir, t);
  return view_of_map(m);
}

static struct view counter_view(struct http_request *req, struct view_builder *b,
                                const struct queue_counter_row *mine)
{
  struct view_map *c = view_map(b);
  view_add_int(b, c, "id", mine->id);
  view_add_text(b, c, "number", mine->number);
  view_add_text(b, c, "status", mine->status);
  view_add_text(b, c, "status_text",
                http_t(req, arena_printf(req->arena, "queue_counter_%s", mine->status)));
  view_add_bool(b, c, "open", strcmp(mine->status, "open") == 0);
  view_add_bool(b, c, "paused", strcmp(mine->status, "paused") == 0);
  view_add_bool(b, c, "closed", strcmp(mine->status, "closed") == 0);
  return view_of_map(c);
}

/* The console; refused (not NULL): a transfer refused, answered 400 with its notice and the
 * note as typed, so nothing the clerk wrote is lost. */
static int console_page(struct http_request *req, struct http_response *res,
                        const struct directory *dir, const struct queue_console *console,
                        const struct queue_transfer *refused)
{
  const struct queue_counter_row *mine = console->counter;
  struct view_builder b = view_builder(req->arena);
  struct view_map *page = view_map(&b);
  if (console->has_ticket)
    view_add(&b, page, "current", current_view(req, &b, dir, &console->ticket));
  view_add_text(&b, page, "title", http_t(req, "queue_console_title"));
  view_add(&b, page, "counters", counters_view(req, &b, &console->office, mine ? mine->id : 0));
  view_add(&b, page, "queues", queues_view(req, &b, &console->office));
  /* the figures are for supervisors: a clerk gets no link to a page that answers 403 */
  view_add_bool(&b, page, "may_see_figures", http_may(req, "GET", "/staff/queue/figures"));
  if (mine)
    view_add(&b, page, "counter", counter_view(req, &b, mine));
  const char *notice = refused ? "bad_transfer" : http_query(req, "notice");
  if (refused)
    view_add_text(&b, page, "transfer_note", refused->note ? refused->note : "");
  /* the notices a redirect back to the console may name; a refused transfer's is set above */
  if (notice && (refused || strcmp(notice, "empty") == 0 || strcmp(notice, "busy") == 0 ||
                 strcmp(notice, "not_open") == 0 || strcmp(notice, "conflict") == 0))
    view_add_text(&b, page, "notice",
                  http_t(req, arena_printf(req->arena, "queue_notice_%s", notice)));
  if (view_done(&b))
    return ST_NOMEM;
  return http_page_view(res, refused ? 400 : 200, "staff/queue", view_of_map(page));
}

/* The console of counter (0: the clerk's own), refused as console_page says. */
static int console_of(struct http_request *req, struct http_response *res, struct store *store,
                      int64_t counter, const struct queue_transfer *refused)
{
  struct queue_console console;
  const struct directory *dir = NULL;
  int rc = queue_console_read(store, req->arena, clock_now(), req->session->office_id,
                              req->session->user_id, counter, &console);
  if (!rc)
    rc = directory_acquire(store, req->arena, &dir);
  return rc ? rc : console_page(req, res, dir, &console, refused);
}

int queue_console(struct http_request *req, struct http_response *res)
{
  struct store *store;
  int rc = web_store(req, &store);
  return rc ? rc : console_of(req, res, store, int_param(http_query(req, "counter")), NULL);
}

static int back(struct http_request *req, struct http_response *res, int64_t counter,
                const char *notice)
{
  return http_redirect(res, 303,
                       arena_printf(req->arena, "/staff/queue?counter=%lld%s%s", (long long)counter,
                                    notice ? "&notice=" : "", notice ? notice : ""));
}

int queue_counter_submit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  int64_t counter = int_param(http_form(req, "counter"));
  const char *status = http_form(req, "status");
  if (!counter || !status)
    return http_error(res, 400, "queue_bad_counter");
  web_actor(req, &actor);
  int rc = web_store(req, &store);
  if (!rc)
    rc = queue_counter_set(store, clock_now(), &actor, counter, status);
  if (rc == ST_INVALID || rc == ST_NOTFOUND)
    return http_error(res, 400, "queue_bad_counter");
  return rc ? rc : back(req, res, counter, NULL);
}

int queue_call_submit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  struct queue_ticket t;
  int64_t counter = int_param(http_form(req, "counter"));
  if (!counter)
    return http_error(res, 400, "queue_bad_counter");
  web_actor(req, &actor);
  int rc = web_store(req, &store);
  if (!rc)
    rc = queue_call_next(store, req->arena, clock_now(), &actor, counter, &t);
  if (rc == ST_NOTFOUND)
    return back(req, res, counter, "empty");
  if (rc == ST_CONFLICT)
    return back(req, res, counter, "busy");
  if (rc == ST_FORBIDDEN)
    return back(req, res, counter, "not_open");
  return rc ? rc : back(req, res, counter, NULL);
}

/* The action named in the form, QUEUE_ACTION_NONE for anything else (refused by the domain
 * once it has checked that the ticket is the office's). */
static enum queue_action action_of(const char *name)
{
  static const struct {
    const char *name;
    enum queue_action action;
  } actions[] = {{"recall", QUEUE_RECALL},
                 {"no_show", QUEUE_NO_SHOW},
                 {"serve", QUEUE_SERVE},
                 {"done", QUEUE_DONE},
                 {"transfer", QUEUE_TRANSFER}};
  for (size_t i = 0; name && i < ARRAY_LEN(actions); i++)
    if (strcmp(name, actions[i].name) == 0)
      return actions[i].action;
  return QUEUE_ACTION_NONE;
}

int queue_ticket_submit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  enum queue_action action = action_of(http_form(req, "action"));
  int64_t counter = int_param(http_form(req, "counter"));
  int64_t ticket = int_param(http_capture(req, "id"));
  struct queue_transfer transfer = {int_param(http_form(req, "queue")),
                                    int_param(http_form(req, "to_counter")),
                                    http_form(req, "note")};
  if (!ticket)
    return http_error(res, 404, NULL);
  web_actor(req, &actor);
  int rc = web_store(req, &store);
  if (!rc)
    rc = queue_ticket_act(store, clock_now(), &actor, counter, ticket, action, &transfer);
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, NULL);
  if (rc == ST_INVALID && action == QUEUE_TRANSFER && counter) /* the console again, saying why */
    return console_of(req, res, store, counter, &transfer);
  if (rc == ST_INVALID)
    return http_error(res, 400, "queue_bad_action");
  if (rc == ST_CONFLICT)
    return back(req, res, counter, "conflict");
  return rc ? rc : back(req, res, counter, NULL);
}

/* Another matter for the ticket being served: recorded, then its counter intake opens (the
 * case it creates is linked to this matter, domain/queue.h queue_ticket_case_link). */
int queue_matter_submit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  struct audit_actor actor;
  int64_t counter = int_param(http_form(req, "counter"));
  int64_t service = int_param(http_form(req, "service"));
  int64_t ticket = int_param(http_capture(req, "id"));
  if (!ticket)
    return http_error(res, 404, NULL);
  web_actor(req, &actor);
  int rc = web_store(req, &store);
  if (!rc)
    rc = queue_matter_add(store, clock_now(), &actor, counter, ticket, service);
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, NULL);
  if (rc == ST_INVALID)
    return http_error(res, 400, "queue_bad_matter");
  if (rc == ST_CONFLICT)
    return back(req, res, counter, "conflict");
  return rc ? rc
            : http_redirect(res, 303,
                            arena_printf(req->arena, "/staff/intake?service=%lld&ticket=%lld",
                                         (long long)service, (long long)ticket));
}
