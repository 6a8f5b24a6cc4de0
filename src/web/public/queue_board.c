/*
 * queue_board.c - the hall's TV board (/o/{office}/queue/board): the numbers being called and
 * their counters, the queues' waiting counts and the office's announcements. Without
 * JavaScript it reloads itself; with it, it follows the event stream (/o/{office}/queue/events,
 * web/public/queue_feed.c) and speaks each call (static/js/queue.js).
 */
#include "web/public/queue.h"

#include <string.h>

#include "base/clock.h"
#include "domain/case_number.h"
#include "domain/directory.h"
#include "domain/queue.h"
#include "web/app.h"
#include "web/public/office.h"

#include "base/common.h"

/* Without JavaScript the board reloads itself this often. */
enum { QUEUE_BOARD_REFRESH_SECONDS = 10 };

static struct view calls_view(struct http_request *req, struct view_builder *b,
                              const struct queue_board *board)
{
  struct view_list *list = view_list(b);
  /* Newest first: the number just called stands at the top, each ticket once, at its latest
   * call (a recall or a transfer's call moves it up and shows where it is now). */
  for (size_t i = board->call_count; i-- > 0;) {
    const struct queue_call *c = &board->calls[i];
    bool shown = false;
    for (size_t k = i + 1; k < board->call_count && !shown; k++)
      shown = board->calls[k].ticket_id == c->ticket_id;
    if (shown)
      continue;
    struct view_map *m = view_map(b);
    view_add_int(b, m, "id", c->id);
    view_add_int(b, m, "ticket", c->ticket_id);
    view_add_text(b, m, "code", c->code);
    view_add_text(b, m, "counter", c->counter_number);
    view_add_text(b, m, "queue_name",
                  directory_pick(c->queue_name_zh, c->queue_name_en, req->lang));
    view_add_bool(b, m, "priority", *c->priority != '\0');
    view_add_bool(b, m, "latest", i + 1 == board->call_count);
    view_push(b, list, view_of_map(m));
  }
  return view_of_list(list);
}

static struct view waiting_view(struct http_request *req, struct view_builder *b,
                                const struct queue_board *board)
{
  struct view_list *list = view_list(b);
  for (size_t i = 0; i < board->office.queue_count; i++) {
    const struct queue_row *q = &board->office.queues[i];
    struct view_map *m = view_map(b);
    view_add_text(b, m, "code", q->code);
    view_add_text(b, m, "name", directory_pick(q->name_zh, q->name_en, req->lang));
    view_add_int(b, m, "waiting", q->waiting);
    view_push(b, list, view_of_map(m));
  }
  return view_of_list(list);
}

static struct view news_view(struct http_request *req, struct view_builder *b,
                             const struct queue_board *board)
{
  struct view_list *list = view_list(b);
  for (size_t i = 0; i < board->news_count; i++)
    view_push(b, list, view_text(directory_pick(board->news_zh[i], board->news_en[i], req->lang)));
  return view_of_list(list);
}

int queue_board(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct dir_office *office;
  struct queue_board board;
  int rc = web_store(req, &store);
  if (!rc)
    rc = office_of_request(req, store, &office);
  if (!rc)
    rc = queue_board_read(store, req->arena, clock_now(), office->id, &board);
  if (rc)
    return rc;
  struct view_builder b = view_builder(req->arena);
  struct view_map *page = view_map(&b);
  view_add_text(&b, page, "title", http_t(req, "queue_board_title"));
  view_add(&b, page, "office", office_dir_tview(req, &b, office));
  view_add(&b, page, "calls", calls_view(req, &b, &board));
  view_add(&b, page, "queues", waiting_view(req, &b, &board));
  view_add(&b, page, "news", news_view(req, &b, &board));
  view_add_int(&b, page, "last_event", board.newest_call);
  view_add_text(&b, page, "events_href",
                arena_printf(req->arena, "/o/%s/queue/events", office->slug));
  view_add_int(&b, page, "noscript_refresh_seconds", QUEUE_BOARD_REFRESH_SECONDS);
  view_add_bool(&b, page, "body_board", true);
  view_add_bool(&b, page, "queue_script", true);
  if (view_done(&b))
    return ST_NOMEM;
  return http_page_view(res, 200, "public/queue_board", view_of_map(page));
}

/* ---- the progress board ------------------------------------------------------------------- */

static struct view pickups_view(struct http_request *req, struct view_builder *b,
                                const struct directory *dir, const struct dir_office *office,
                                const struct queue_pickup *list, size_t count)
{
  struct view_list *l = view_list(b);
  for (size_t i = 0; i < count; i++) {
    struct case_number n = {.roc_year = list[i].roc_year, .serial = list[i].serial};
    char text[96];
    snprintf(n.word_code, sizeof(n.word_code), "%s", list[i].word_code);
    if (case_number_display(&n, directory_word_zh(dir, office, n.word_code), req->lang, text,
                            sizeof(text)))
      continue;
    struct view_map *m = view_map(b);
    view_add_text(b, m, "number", arena_strdup(req->arena, text));
    view_add_text(b, m, "name", list[i].name_masked);
    view_push(b, l, view_of_map(m));
  }
  return view_of_list(l);
}

int queue_progress_board(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct dir_office *office;
  const struct directory *dir;
  struct queue_pickup *list;
  size_t count;
  int rc = web_store(req, &store);
  if (!rc)
    rc = office_of_request(req, store, &office);
  if (!rc)
    rc = directory_acquire(store, req->arena, &dir);
  if (!rc)
    rc = queue_pickup_read(store, req->arena, clock_now(), office->id, &list, &count);
  if (rc)
    return rc;
  struct view_builder b = view_builder(req->arena);
  struct view_map *page = view_map(&b);
  view_add_text(&b, page, "title", http_t(req, "queue_pickup_title"));
  view_add(&b, page, "office", office_dir_tview(req, &b, office));
  view_add(&b, page, "cases", pickups_view(req, &b, dir, office, list, count));
  view_add_int(&b, page, "noscript_refresh_seconds", QUEUE_BOARD_REFRESH_SECONDS * 3);
  view_add_int(&b, page, "reload_seconds", QUEUE_BOARD_REFRESH_SECONDS * 3);
  view_add_bool(&b, page, "body_board", true);
  view_add_bool(&b, page, "queue_script", true);
  if (view_done(&b))
    return ST_NOMEM;
  return http_page_view(res, 200, "public/queue_progress_board", view_of_map(page));
}
