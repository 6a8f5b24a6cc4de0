/*
 * stream.c - Server-Sent Events without a thread per stream (http.h http_stream).
 *
 * A stream is a libmicrohttpd callback response. Its content reader copies the events of its
 * topic that it has not sent yet from the hub's ring of recent events; when there is nothing
 * to send it suspends its connection and returns 0 (the pattern libmicrohttpd prescribes for
 * "no body data yet"), so no pool thread waits on it. http_stream_publish, from any thread,
 * adds an event and resumes the suspended streams of its topic; http_stream_heartbeat resumes
 * every stream to send a comment line, which keeps proxies from closing an idle stream and
 * lets a stream whose client went away fail its write and end (a suspended connection never
 * times out). When the server stops, every stream is resumed to end, so the daemon can stop.
 *
 * One mutex guards the ring and the list of streams; the reader holds it while it decides to
 * suspend, and the publisher while it resumes, so a wake-up is never lost between the two.
 */
#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "http/internal.h"

#include "base/common.h"

enum {
  STREAM_RING = 512,             /* recent events kept for streams that are behind */
  STREAM_EVENT_MAX = 4096,       /* bytes of one event */
  STREAM_PENDING_MAX = 64 * 1024 /* bytes a stream gathers before sending */
};

static const char heartbeat[] = ": ping\n\n";

struct stream_event {
  int64_t topic, id;
  char *text;
  size_t len;
};

struct stream {
  struct http_stream_hub *hub;
  struct MHD_Connection *connection;
  int64_t topic, last_id;
  bool suspended, heartbeat_due;
  char *pending; /* gathered text not yet handed to libmicrohttpd */
  size_t pending_len, pending_off;
  struct stream *prev, *next;
};

struct http_stream_hub {
  pthread_mutex_t lock;
  struct stream_event ring[STREAM_RING];
  size_t head, count; /* ring[head] is the oldest of count events */
  struct stream *streams;
  size_t stream_count;
  bool closing;
};

int http_stream_hub_new(struct http_stream_hub **out)
{
  struct http_stream_hub *hub = calloc(1, sizeof(*hub));
  if (!hub || pthread_mutex_init(&hub->lock, NULL)) {
    free(hub);
    return ST_NOMEM;
  }
  *out = hub;
  return ST_OK;
}

void http_stream_hub_free(struct http_stream_hub *hub)
{
  if (!hub)
    return;
  for (size_t i = 0; i < STREAM_RING; i++)
    free(hub->ring[i].text);
  pthread_mutex_destroy(&hub->lock);
  free(hub);
}

static void wake(struct stream *s)
{
  if (s->suspended) {
    s->suspended = false;
    MHD_resume_connection(s->connection);
  }
}

void http_stream_hub_close(struct http_stream_hub *hub)
{
  if (!hub)
    return;
  pthread_mutex_lock(&hub->lock);
  hub->closing = true;
  for (struct stream *s = hub->streams; s; s = s->next)
    wake(s);
  pthread_mutex_unlock(&hub->lock);
}

int http_stream_publish(struct http_server *server, int64_t topic, int64_t id, const char *text,
                        size_t len)
{
  struct http_stream_hub *hub = server->streams;
  if (len > STREAM_EVENT_MAX)
    return ST_LIMIT;
  char *copy = malloc(len);
  if (!copy)
    return ST_NOMEM;
  memcpy(copy, text, len);
  pthread_mutex_lock(&hub->lock);
  size_t slot = (hub->head + hub->count) % STREAM_RING;
  if (hub->count == STREAM_RING) {
    free(hub->ring[hub->head].text);
    hub->head = (hub->head + 1) % STREAM_RING;
  } else {
    hub->count++;
  }
  hub->ring[slot] = (struct stream_event){topic, id, copy, len};
  for (struct stream *s = hub->streams; s; s = s->next)
    if (s->topic == topic && s->last_id < id)
      wake(s);
  pthread_mutex_unlock(&hub->lock);
  return ST_OK;
}

void http_stream_heartbeat(struct http_server *server)
{
  struct http_stream_hub *hub = server->streams;
  pthread_mutex_lock(&hub->lock);
  for (struct stream *s = hub->streams; s; s = s->next) {
    s->heartbeat_due = true;
    wake(s);
  }
  pthread_mutex_unlock(&hub->lock);
}

size_t http_stream_count(const struct http_server *server)
{
  pthread_mutex_lock(&server->streams->lock);
  size_t n = server->streams->stream_count;
  pthread_mutex_unlock(&server->streams->lock);
  return n;
}

static bool pending_add(struct stream *s, const char *text, size_t len)
{
  if (s->pending_len + len > STREAM_PENDING_MAX)
    return false;
  memcpy(s->pending + s->pending_len, text, len);
  s->pending_len += len;
  return true;
}

/* Gathers what the stream has not sent: its topic's newer events, in order, then a heartbeat
 * when one is due. Called with the lock held and nothing pending. */
static void gather(struct stream *s)
{
  struct http_stream_hub *hub = s->hub;
  s->pending_len = s->pending_off = 0;
  for (size_t i = 0; i < hub->count; i++) {
    const struct stream_event *e = &hub->ring[(hub->head + i) % STREAM_RING];
    if (e->topic != s->topic || e->id <= s->last_id)
      continue;
    if (!pending_add(s, e->text, e->len))
      break;
    s->last_id = e->id;
  }
  if (s->heartbeat_due && pending_add(s, heartbeat, sizeof(heartbeat) - 1))
    s->heartbeat_due = false;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
  struct stream *s = cls;
  struct http_stream_hub *hub = s->hub;
  (void)pos;
  pthread_mutex_lock(&hub->lock);
  if (s->pending_off == s->pending_len)
    gather(s);
  size_t n = s->pending_len - s->pending_off;
  if (n > max)
    n = max;
  ssize_t answer = (ssize_t)n;
  if (n > 0) {
    memcpy(buf, s->pending + s->pending_off, n);
    s->pending_off += n;
  } else if (hub->closing) {
    answer = MHD_CONTENT_READER_END_OF_STREAM;
  } else {
    s->suspended = true;
    MHD_suspend_connection(s->connection);
  }
  pthread_mutex_unlock(&hub->lock);
  return answer;
}

static void stream_free(void *cls)
{
  struct stream *s = cls;
  struct http_stream_hub *hub = s->hub;
  pthread_mutex_lock(&hub->lock);
  if (s->prev)
    s->prev->next = s->next;
  else
    hub->streams = s->next;
  if (s->next)
    s->next->prev = s->prev;
  hub->stream_count--;
  pthread_mutex_unlock(&hub->lock);
  free(s->pending);
  free(s);
}

int http_stream(struct http_response *res, int64_t topic, int64_t last_id, const char *initial,
                size_t len)
{
  if (len > STREAM_PENDING_MAX)
    return ST_LIMIT;
  res->status = 200;
  res->stream = true;
  res->stream_topic = topic;
  res->stream_last_id = last_id;
  res->raw = initial;
  res->raw_len = len;
  res->content_type = "text/event-stream; charset=utf-8";
  return ST_OK;
}

/* Queues the stream answer of a handler that called http_stream. */
int http_stream_queue(struct http_ctx *ctx)
{
  struct http_stream_hub *hub = ctx->server->streams;
  struct http_response *res = &ctx->res;
  struct stream *s = calloc(1, sizeof(*s));
  char *pending = malloc(STREAM_PENDING_MAX);
  if (!s || !pending) {
    free(s);
    free(pending);
    return ST_NOMEM;
  }
  *s = (struct stream){.hub = hub,
                       .connection = ctx->req.connection,
                       .topic = res->stream_topic,
                       .last_id = res->stream_last_id,
                       .pending = pending};
  memcpy(s->pending, res->raw, res->raw_len);
  s->pending_len = res->raw_len;
  struct MHD_Response *r =
      MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, s, stream_free);
  if (!r) {
    free(pending);
    free(s);
    return ST_NOMEM;
  }
  pthread_mutex_lock(&hub->lock);
  s->next = hub->streams;
  if (hub->streams)
    hub->streams->prev = s;
  hub->streams = s;
  hub->stream_count++;
  pthread_mutex_unlock(&hub->lock);
  http_security_headers(ctx, r);
  MHD_add_response_header(r, "Content-Type", res->content_type);
  MHD_add_response_header(r, "Cache-Control", "no-store");
  MHD_add_response_header(r, "X-Accel-Buffering", "no"); /* nginx: pass events on at once */
  enum MHD_Result ok = MHD_queue_response(ctx->req.connection, 200, r);
  MHD_destroy_response(r);
  return ok == MHD_YES ? ST_OK : ST_IO;
}
