/*
 * queue_feed.c - the boards' live feed (ARCHITECTURE.md "Counter queues").
 *
 * /o/{office}/queue/events answers an event stream (http.h http_stream) to a client that
 * accepts text/event-stream (others are sent to the board page): "retry:", then the
 * calls the board missed since its Last-Event-ID (or ?after=, what the page was drawn with),
 * then each new call as it happens. Calls are made on any node, so one thread per process
 * follows them in the database: every QUEUE_FEED_POLL_MS it reads the newest call id (one
 * indexed max()), and when it moved, the new calls of the offices concerned, and publishes
 * them to the streams of those offices (topic = office id). Every QUEUE_FEED_HEARTBEAT_S the
 * streams get a comment line.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/log.h"
#include "domain/connection.h"
#include "domain/directory.h"
#include "domain/queue.h"
#include "web/app.h"
#include "web/public/office.h"
#include "web/public/queue.h"

#include "base/common.h"

enum {
  QUEUE_FEED_POLL_MS = 500,
  QUEUE_FEED_HEARTBEAT_S = 15,
  QUEUE_FEED_RETRY_MS = 3000, /* what EventSource waits before reconnecting */
  QUEUE_FEED_BATCH = 256,     /* calls looked at per poll */
  QUEUE_FEED_ARENA = 1024 * 1024,
  QUEUE_EVENT_MAX = 2048
};

static struct {
  pthread_t thread;
  atomic_bool stop;
  bool running;
  struct http_server *server;
  char *db_url;
} feed;

/* One call as an event: "id: N\nevent: call|recall\ndata: {...}\n\n" into out. */
static int event_text(const struct queue_call *c, char *out, size_t size, size_t *len)
{
  json_t *data =
      json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)c->id, "ticket",
                (json_int_t)c->ticket_id, "code", c->code, "counter", c->counter_number, "queue_zh",
                c->queue_name_zh, "queue_en", c->queue_name_en, "priority", *c->priority != '\0');
  char *text = data ? json_dumps(data, JSON_COMPACT) : NULL;
  json_decref(data);
  if (!text)
    return ST_NOMEM;
  int n = snprintf(out, size, "id: %lld\nevent: %s\ndata: %s\n\n", (long long)c->id,
                   strcmp(c->kind, "recall") == 0 ? "recall" : "call", text);
  free(text);
  if (n < 0 || (size_t)n >= size)
    return ST_LIMIT;
  *len = (size_t)n;
  return ST_OK;
}

/* Publishes the new calls of one office (after last) to its streams. */
static void publish_office(struct store *store, struct arena *arena, int64_t office, int64_t last)
{
  struct queue_call *calls;
  size_t count, len;
  char text[QUEUE_EVENT_MAX];
  if (queue_calls_after(store, arena, office, last, &calls, &count))
    return;
  for (size_t i = 0; i < count; i++)
    if (!event_text(&calls[i], text, sizeof(text), &len))
      http_stream_publish(feed.server, office, calls[i].id, text, len);
}

/* One poll: ST_OK, or the database failed (the connection is dropped and opened again). */
static int poll_once(struct store *store, int64_t *last)
{
  struct arena *arena = arena_new(QUEUE_FEED_ARENA);
  int64_t *offices, newest = *last;
  size_t count;
  if (!arena)
    return ST_NOMEM;
  int rc = queue_calls_offices(store, arena, *last, QUEUE_FEED_BATCH, &offices, &count, &newest);
  for (size_t i = 0; !rc && i < count; i++)
    publish_office(store, arena, offices[i], *last);
  if (!rc)
    *last = newest;
  arena_free(arena);
  return rc;
}

static void nap(long ms)
{
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

static void *feed_main(void *arg)
{
  struct store *store = NULL;
  int64_t last = -1;
  time_t beat = time(NULL);
  char err[256];
  (void)arg;
  while (!atomic_load(&feed.stop)) {
    if (!store && connection_open(feed.db_url, &store, err, sizeof(err)))
      store = NULL;
    if (store && last < 0 && queue_calls_newest(store, &last))
      last = -1;
    if (store && last >= 0 && poll_once(store, &last)) {
      log_warn("queue feed: %s", connection_error(store));
      connection_close(store);
      store = NULL;
    }
    if (time(NULL) - beat >= QUEUE_FEED_HEARTBEAT_S) {
      http_stream_heartbeat(feed.server);
      beat = time(NULL);
    }
    nap(QUEUE_FEED_POLL_MS);
  }
  if (store)
    connection_close(store);
  return NULL;
}

int queue_feed_start(struct http_server *server, const char *db_url)
{
  feed.server = server;
  feed.db_url = strdup(db_url);
  atomic_store(&feed.stop, false);
  if (!feed.db_url || pthread_create(&feed.thread, NULL, feed_main, NULL)) {
    free(feed.db_url);
    feed.db_url = NULL;
    return ST_IO;
  }
  feed.running = true;
  return ST_OK;
}

void queue_feed_stop(void)
{
  if (!feed.running)
    return;
  atomic_store(&feed.stop, true);
  pthread_join(feed.thread, NULL);
  free(feed.db_url);
  feed.db_url = NULL;
  feed.running = false;
}

/* ---- the stream handler ------------------------------------------------------------------- */

/* The id the client saw last: Last-Event-ID (a reconnect), else ?after= (the page's newest). */
static int64_t last_seen(struct http_request *req)
{
  const char *text = http_header(req, "Last-Event-ID");
  int64_t id = -1;
  if (!text || !*text)
    text = http_query(req, "after");
  if (text && str_to_int64(str_from(text), 0, INT64_MAX, &id))
    id = -1;
  return id;
}

int queue_events(struct http_request *req, struct http_response *res)
{
  struct store *store;
  const struct dir_office *office;
  struct queue_call *calls = NULL;
  size_t count = 0, used, len;
  int64_t after = last_seen(req), newest = 0;
  char event[QUEUE_EVENT_MAX];
  const char *accept = http_header(req, "Accept");
  int rc = web_store(req, &store);
  if (!rc)
    rc = office_of_request(req, store, &office);
  /* Only an event-stream client (EventSource sends this Accept) gets the never-ending answer;
   * a browser or crawler that follows the link is sent to the board itself. */
  if (!rc && (!accept || !strstr(accept, "text/event-stream")))
    return http_redirect(res, 303, arena_printf(req->arena, "/o/%s/queue/board", office->slug));
  if (!rc)
    rc = queue_calls_newest(store, &newest);
  if (!rc && after >= 0)
    rc = queue_calls_after(store, req->arena, office->id, after, &calls, &count);
  if (rc)
    return rc;
  /* retry, then the missed calls (at most a board's worth), then new ones as they come. */
  size_t size = 64 + count * QUEUE_EVENT_MAX;
  char *initial = arena_alloc(req->arena, size);
  if (!initial)
    return ST_NOMEM;
  used = (size_t)snprintf(initial, size, "retry: %d\n\n", QUEUE_FEED_RETRY_MS);
  for (size_t i = 0; i < count; i++)
    if (!event_text(&calls[i], event, sizeof(event), &len)) {
      memcpy(initial + used, event, len);
      used += len;
    }
  return http_stream(res, office->id, newest, initial, used);
}
