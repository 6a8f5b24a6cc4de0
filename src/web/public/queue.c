/*
 * queue.c - taking a ticket (kiosk and phone) and following it (/q/{token}). The kiosk and the
 * phone page are one flow: choose what you came for (the office's queues and their services,
 * from the directory), a readiness check (what to bring; "can be done online" when the service
 * is), then the ticket. Everything is a link or a button: a kiosk needs no keyboard.
 */
#include "web/public/queue.h"

#include <string.h>

#include "base/clock.h"
#include "domain/apply.h"
#include "domain/directory.h"
#include "domain/queue.h"
#include "domain/refusal.h"
#include "web/app.h"
#include "web/public/catalog.h"
#include "web/public/office.h"

#include "base/common.h"

/* While a ticket waits, its page reloads itself this often (no JavaScript needed). */
enum { QUEUE_TICKET_REFRESH_SECONDS = 20 };

static bool is_kiosk(const struct http_request *req)
{
  const char *k = http_query(req, "kiosk");
  return (k && strcmp(k, "1") == 0) || strstr(req->path, "/queue/kiosk") != NULL;
}

static const char *pick(const struct http_request *req, const char *zh, const char *en)
{
  return directory_pick(zh, en, req->lang);
}

/* The choice: each queue with its services as big links to the readiness check. */
static struct view choices_view(struct http_request *req, struct view_builder *b,
                                const struct directory *dir, const struct queue_office *qo,
                                const char *base)
{
  struct view_list *list = view_list(b);
  for (size_t i = 0; i < qo->queue_count; i++) {
    const struct queue_row *q = &qo->queues[i];
    if (!q->open) /* closed by the office: no tickets taken */
      continue;
    struct view_map *m = view_map(b);
    struct view_list *services = view_list(b);
    for (size_t j = 0; j < q->service_count; j++) {
      const struct dir_service *s = directory_service(dir, q->service_ids[j]);
      if (!s || !s->published)
        continue;
      struct view_map *sm = view_map(b);
      view_add_text(b, sm, "name", pick(req, s->name_zh, s->name_en));
      view_add_text(b, sm, "href",
                    arena_printf(req->arena, "%s?service=%lld", base, (long long)s->id));
      view_push(b, services, view_of_map(sm));
    }
    view_add_text(b, m, "code", q->code);
    view_add_text(b, m, "name", pick(req, q->name_zh, q->name_en));
    view_add_int(b, m, "waiting", q->waiting);
    view_add(b, m, "services", view_of_list(services));
    view_push(b, list, view_of_map(m));
  }
  return view_of_list(list);
}

/* The readiness check of one service and the form that takes the ticket. */
static struct view ready_view(struct http_request *req, struct view_builder *b,
                              const struct dir_office *office, const struct dir_service *s,
                              const struct queue_row *q)
{
  struct view_map *m = view_map(b);
  view_add_text(b, m, "name", pick(req, s->name_zh, s->name_en));
  view_add(b, m, "documents",
           catalog_lines_view(b, &s->info.documents_zh, &s->info.documents_en, req->lang));
  view_add_int(b, m, "service_id", s->id);
  view_add_text(b, m, "queue_name", pick(req, q->name_zh, q->name_en));
  view_add_int(b, m, "waiting", q->waiting);
  view_add_bool(b, m, "online", s->online_capable);
  view_add_text(b, m, "online_href",
                arena_printf(req->arena, "/o/%s/services/%s", office->slug, s->slug));
  view_add_text(b, m, "action", arena_printf(req->arena, "/o/%s/queue/take", office->slug));
  return view_of_map(m);
}

/* The service asked for (?service=) when a queue of this office serves it: *s and *q, both
 * NULL without ?service=. ST_INVALID for a malformed id, ST_NOTFOUND for no such service,
 * ST_CONFLICT when only a closed queue serves it. */
static int chosen(struct http_request *req, const struct directory *dir,
                  const struct dir_office *office, const struct queue_office *qo,
                  const struct dir_service **s, const struct queue_row **q)
{
  const char *service = http_query(req, "service");
  int64_t id = 0;
  *s = NULL;
  *q = NULL;
  if (!service)
    return ST_OK;
  if (str_to_int64(str_from(service), 1, INT64_MAX, &id))
    return ST_INVALID;
  *s = directory_service(dir, id);
  if (!*s || (*s)->office_id != office->id || !(*s)->published)
    return ST_NOTFOUND;
  *q = queue_for_service(qo, id);
  return *q ? ST_OK : queue_service_paused(qo, id) ? ST_CONFLICT : ST_NOTFOUND;
}

static int choose_render(struct http_request *req, struct http_response *res, bool kiosk,
                         const struct directory *dir, const struct dir_office *office,
                         const struct queue_office *qo)
{
  const struct dir_service *s;
  const struct queue_row *q;
  int rc = chosen(req, dir, office, qo, &s, &q);
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, "queue_no_such_service");
  if (rc == ST_CONFLICT)
    return http_error(res, 409, "queue_paused");
  if (rc)
    return rc;
  const char *base = arena_printf(req->arena, "/o/%s/queue%s", office->slug, kiosk ? "/kiosk" : "");
  struct view_builder b = view_builder(req->arena);
  struct view_map *page = view_map(&b);
  view_add_text(&b, page, "title", http_t(req, kiosk ? "queue_kiosk_title" : "queue_title"));
  view_add(&b, page, "office", office_dir_tview(req, &b, office));
  view_add_bool(&b, page, "kiosk", kiosk);
  view_add_bool(&b, page, "body_kiosk", kiosk);
  view_add_bool(&b, page, "queue_script", true);
  view_add_text(&b, page, "home_href", base);
  view_add_text(&b, page, "channel", kiosk ? "kiosk" : "phone");
  if (q)
    view_add(&b, page, "ready", ready_view(req, &b, office, s, q));
  else
    view_add(&b, page, "queues", choices_view(req, &b, dir, qo, base));
  if (view_done(&b))
    return ST_NOMEM;
  return http_page_view(res, 200, q ? "public/queue_ready" : "public/queue", view_of_map(page));
}

static int choose_page(struct http_request *req, struct http_response *res, bool kiosk)
{
  struct store *store;
  const struct directory *dir;
  const struct dir_office *office;
  struct queue_office qo;
  int rc = web_store(req, &store);
  if (!rc)
    rc = office_of_request(req, store, &office);
  if (!rc)
    rc = directory_acquire(store, req->arena, &dir);
  if (!rc)
    rc = queue_office_read(store, req->arena, clock_now(), office->id, &qo);
  return rc ? rc : choose_render(req, res, kiosk, dir, office, &qo);
}

int queue_phone(struct http_request *req, struct http_response *res)
{
  return choose_page(req, res, is_kiosk(req));
}

int queue_kiosk(struct http_request *req, struct http_response *res)
{
  return choose_page(req, res, true);
}

int queue_take(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct dir_office *office;
  struct queue_ticket t;
  char token[QUEUE_TOKEN_SIZE];
  const char *service = http_form(req, "service"), *channel = http_form(req, "channel");
  const char *priority = http_form(req, "priority");
  int64_t service_id = 0;
  if (!queue_priority_valid(priority ? priority : "")) /* said as such, not "choose a service" */
    return http_error(res, 400, "queue_bad_priority");
  if (!service || str_to_int64(str_from(service), 1, INT64_MAX, &service_id) || !channel)
    return http_error(res, 400, "queue_bad_choice");
  int rc = web_store(req, &store);
  if (!rc)
    rc = office_of_request(req, store, &office);
  if (!rc)
    rc = queue_ticket_take(store, req->arena, clock_now(), office->id, service_id, channel,
                           priority ? priority : "", token, &t);
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, "queue_no_such_service");
  if (rc == ST_CONFLICT)
    return http_error(res, 409, "queue_paused");
  if (rc == ST_INVALID)
    return http_error(res, 400, "queue_bad_choice");
  if (rc)
    return rc;
  bool kiosk = strcmp(channel, "kiosk") == 0;
  return http_redirect(res, 303,
                       arena_printf(req->arena, "/q/%s%s", token, kiosk ? "?kiosk=1" : "?new=1"));
}

/* ---- the ticket's own page ---------------------------------------------------------------- */

static struct view ticket_view(struct http_request *req, struct view_builder *b,
                               const struct queue_ticket *t, const char *token)
{
  struct view_map *m = view_map(b);
  bool waiting = strcmp(t->status, "waiting") == 0;
  view_add_text(b, m, "code", t->code);
  view_add_text(b, m, "status", t->status);
  view_add_text(b, m, "status_text",
                http_t(req, arena_printf(req->arena, "queue_status_%s", t->status)));
  view_add_bool(b, m, "waiting", waiting);
  view_add_bool(b, m, "called", strcmp(t->status, "called") == 0);
  view_add_int(b, m, "ahead", t->ahead);
  view_add_int(b, m, "wait_low", t->wait_low_min);
  view_add_int(b, m, "wait_high", t->wait_high_min);
  view_add_text(b, m, "queue_name", pick(req, t->queue_name_zh, t->queue_name_en));
  view_add_text(b, m, "counter", t->counter_number);
  view_add_text(b, m, "priority", t->priority);
  view_add_text(b, m, "taken", web_datetime(req, t->taken_at));
  view_add_int(b, m, "notify_ahead", t->notify_ahead);
  view_add_int(b, m, "notify_default", t->notify_default);
  /* the number the reminder form offers: the one asked for, else the office's */
  view_add_int(b, m, "ahead_offered", t->notify_ahead > 0 ? t->notify_ahead : t->notify_default);
  view_add_text(b, m, "qr_src", arena_printf(req->arena, "/q/%s/qr.svg", token));
  view_add_text(b, m, "href", arena_printf(req->arena, "/q/%s", token));
  view_add_text(b, m, "leave_action", arena_printf(req->arena, "/q/%s/leave", token));
  view_add_text(b, m, "notify_action", arena_printf(req->arena, "/q/%s/notify", token));
  return view_of_map(m);
}

/* The link token of the visit's case when it made exactly one (the ticket's, or one matter's);
 * NULL for none or several. */
static const char *visit_only_case(const struct queue_ticket *t)
{
  const char *only = t->case_token[0] ? t->case_token : NULL;
  size_t n = only != NULL;
  for (size_t i = 0; i < t->matter_count; i++) {
    if (t->matters[i].case_token[0]) {
      only = t->matters[i].case_token;
      n++;
    }
  }
  return n == 1 ? only : NULL;
}

/* A visit that made several cases (several matters at the counter): the page lists them, each
 * with its progress page. */
static void visit_cases_add(struct http_request *req, struct view_builder *b, struct view_map *page,
                            const struct directory *dir, const struct queue_ticket *t)
{
  struct view_list *list = view_list(b);
  size_t n = 0;
  for (size_t i = 0; i <= t->matter_count; i++) {
    const char *token = i == 0 ? t->case_token : t->matters[i - 1].case_token;
    int64_t service_id = i == 0 ? t->service_id : t->matters[i - 1].service_id;
    if (!token[0])
      continue;
    const struct dir_service *s = directory_service(dir, service_id);
    struct view_map *m = view_map(b);
    view_add_text(b, m, "service", s ? pick(req, s->name_zh, s->name_en) : "");
    view_add_text(b, m, "href", arena_printf(req->arena, "/p/%s", token));
    view_push(b, list, view_of_map(m));
    n++;
  }
  if (n > 1) {
    view_add_bool(b, page, "has_visit_cases", true);
    view_add(b, page, "visit_cases", view_of_list(list));
  }
}

/* What was typed into the reminder form, given back with its refusal. */
static struct view notify_typed(struct http_request *req, struct view_builder *b)
{
  const char *ahead = http_form(req, "ahead"), *to = http_form(req, "to");
  const char *channel = http_form(req, "channel");
  struct view_map *m = view_map(b);
  view_add_text(b, m, "ahead", ahead ? ahead : "");
  view_add_text(b, m, "to", to ? to : "");
  view_add_bool(b, m, "email", channel && !strcmp(channel, "email"));
  return view_of_map(m);
}

/* The reminder form's state: set just now (?notify=1, said while the ticket waits with one
 * set), or refused n times, each at its field, with what was typed. */
static void notify_form_add(struct http_request *req, struct view_builder *b, struct view_map *page,
                            const struct queue_ticket *t, const struct form_refusal *refused,
                            size_t n)
{
  view_add_bool(b, page, "notify_set",
                http_query(req, "notify") && t->notify_ahead > 0 && !strcmp(t->status, "waiting"));
  if (n) {
    view_add(b, page, "typed", notify_typed(req, b));
    web_form_errors_tview(req, b, page, refused, n);
  }
}

/* The ticket's page; with n refusals of the reminder form, each at its field ("ahead" or
 * "to"), what was typed kept. */
static int ticket_page(struct http_request *req, struct http_response *res, int status,
                       const struct form_refusal *refused, size_t n)
{
  struct store *store;
  struct queue_ticket t;
  const char *token = http_capture(req, "token");
  int rc = web_store(req, &store);
  if (!rc)
    rc = queue_ticket_read(store, req->arena, clock_now(), token, &t);
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, "queue_ticket_not_found");
  if (rc)
    return rc;
  const char *only = visit_only_case(&t);
  if (only && status == 200) /* one code from the ticket to the case's progress */
    return http_redirect(res, 303, arena_printf(req->arena, "/p/%s", only));
  const struct directory *dir;
  rc = directory_acquire(store, req->arena, &dir);
  if (rc)
    return rc;
  const struct dir_office *office = directory_office(dir, t.office_id);
  bool live = strcmp(t.status, "waiting") == 0 || strcmp(t.status, "called") == 0;
  bool kiosk = is_kiosk(req);
  struct view_builder b = view_builder(req->arena);
  struct view_map *page = view_map(&b);
  view_add_text(&b, page, "title",
                arena_printf(req->arena, "%s %s", http_t(req, "queue_ticket_title"), t.code));
  view_add(&b, page, "ticket", ticket_view(req, &b, &t, token));
  view_add_bool(&b, page, "kiosk", kiosk);
  view_add_bool(&b, page, "body_kiosk", kiosk);
  view_add_bool(&b, page, "queue_script", true);
  view_add_bool(&b, page, "fresh", http_query(req, "new") != NULL || kiosk);
  view_add_text(&b, page, "kiosk_home",
                arena_printf(req->arena, "/o/%s/queue/kiosk", office ? office->slug : ""));
  if (live && status == 200) /* queue.js updates it in place; without JavaScript it reloads */
    view_add_int(&b, page, "noscript_refresh_seconds", QUEUE_TICKET_REFRESH_SECONDS);
  view_add_bool(&b, page, "live", live);
  if (!only)
    visit_cases_add(req, &b, page, dir, &t);
  notify_form_add(req, &b, page, &t, refused, n);
  if (view_done(&b))
    return ST_NOMEM;
  return http_page_view(res, status, "public/queue_ticket", view_of_map(page));
}

int queue_ticket_page(struct http_request *req, struct http_response *res)
{
  return ticket_page(req, res, 200, NULL, 0);
}

int queue_ticket_qr(struct http_request *req, struct http_response *res)
{
  const char *token = http_capture(req, "token");
  if (!token || strlen(token) != QUEUE_TOKEN_SIZE - 1)
    return ST_NOTFOUND;
  return catalog_qr_response(req, res, arena_printf(req->arena, "/q/%s", token));
}

int queue_ticket_leave_submit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const char *token = http_capture(req, "token");
  int rc = web_store(req, &store);
  if (!rc)
    rc = queue_ticket_leave(store, clock_now(), token);
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, "queue_ticket_not_found");
  if (rc == ST_CONFLICT)
    return http_error(res, 400, "queue_not_waiting");
  if (rc)
    return rc;
  return http_redirect(res, 303, arena_printf(req->arena, "/q/%s", token));
}

int queue_ticket_notify_submit(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const char *token = http_capture(req, "token");
  const char *ahead = http_form(req, "ahead"), *channel = http_form(req, "channel");
  const char *to = http_form(req, "to");
  int64_t n = 0;
  if (!ahead || str_to_int64(str_from(ahead), 1, QUEUE_NOTIFY_AHEAD_MAX, &n)) {
    /* the number refused: the address too when it is refused, both said at once */
    static const struct form_refusal refused[] = {{"ahead", "queue_notify_bad_ahead"},
                                                  {"to", "queue_notify_bad_to"}};
    bool to_ok = apply_contact_valid(channel ? channel : "", to ? to : "");
    return ticket_page(req, res, 400, refused, to_ok ? 1 : 2);
  }
  int rc = web_store(req, &store);
  if (!rc)
    rc = queue_ticket_notify(store, clock_now(), token, n, channel ? channel : "", to ? to : "",
                             req->lang);
  if (rc == ST_INVALID) {
    static const struct form_refusal refused = {"to", "queue_notify_bad_to"};
    return ticket_page(req, res, 400, &refused, 1);
  }
  if (rc == ST_NOTFOUND)
    return http_error(res, 404, "queue_ticket_not_found");
  if (rc == ST_CONFLICT)
    return http_error(res, 400, "queue_not_waiting");
  if (rc)
    return rc;
  return http_redirect(res, 303, arena_printf(req->arena, "/q/%s?notify=1", token));
}
