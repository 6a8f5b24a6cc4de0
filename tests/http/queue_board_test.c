/*
 * queue_board_test.c - the boards' live feed (issue 18): an event stream of an office receives
 * a call made at a counter; a call made through a second server on the same database reaches
 * the first server's stream (the feed follows the database, not the process); after the first
 * server restarts, a stream that reconnects with Last-Event-ID receives the calls made while it
 * was down. On PostgreSQL too (pg/http_queue_board_test).
 */
#include <curl/curl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define PASSWORD "bianmin-demo-2026"
enum { STREAM_MAX = 64 * 1024, TOKEN_MAX = 64 };

static struct server node_a, node_b;
static long long service_a;

/* ---- a stream read in a thread -------------------------------------------------------------- */

struct stream {
  char url[256];
  char last_event_id[32];
  pthread_t thread;
  pthread_mutex_t lock;
  char data[STREAM_MAX];
  size_t len;
  atomic_bool stop;
};

static size_t on_data(char *p, size_t size, size_t n, void *arg)
{
  struct stream *s = arg;
  pthread_mutex_lock(&s->lock);
  size_t room = STREAM_MAX - 1 - s->len, take = size * n < room ? size * n : room;
  memcpy(s->data + s->len, p, take);
  s->len += take;
  s->data[s->len] = '\0';
  pthread_mutex_unlock(&s->lock);
  return size * n;
}

static int on_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
  struct stream *s = arg;
  return atomic_load(&s->stop) ? 1 : 0;
}

static void *stream_main(void *arg)
{
  struct stream *s = arg;
  CURL *curl = curl_easy_init();
  struct curl_slist *headers = curl_slist_append(NULL, "Accept: text/event-stream");
  char header[64];
  if (s->last_event_id[0]) {
    snprintf(header, sizeof(header), "Last-Event-ID: %s", s->last_event_id);
    headers = curl_slist_append(headers, header);
  }
  curl_easy_setopt(curl, CURLOPT_URL, s->url);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, s);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, s);
  curl_easy_perform(curl);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return NULL;
}

static void stream_open(struct stream *s, struct server *server, const char *query,
                        const char *last_event_id)
{
  memset(s, 0, sizeof(*s));
  pthread_mutex_init(&s->lock, NULL);
  snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d/o/xinxing/queue/events%s", server->port,
           query ? query : "");
  snprintf(s->last_event_id, sizeof(s->last_event_id), "%s", last_event_id ? last_event_id : "");
  assert_int_equal(pthread_create(&s->thread, NULL, stream_main, s), 0);
}

struct wait_for {
  struct stream *stream;
  const char *needle;
};

static bool stream_has(void *arg)
{
  struct wait_for *w = arg;
  pthread_mutex_lock(&w->stream->lock);
  bool found = strstr(w->stream->data, w->needle) != NULL;
  pthread_mutex_unlock(&w->stream->lock);
  return found;
}

static void expect_stream(struct stream *s, const char *needle)
{
  struct wait_for w = {s, needle};
  if (!harness_wait_until(stream_has, &w, needle)) {
    fprintf(stderr, "stream so far: %s\n", s->data);
    fail();
  }
}

static void stream_close(struct stream *s)
{
  atomic_store(&s->stop, true);
  pthread_join(s->thread, NULL);
  pthread_mutex_destroy(&s->lock);
}

/* ---- taking and calling ---------------------------------------------------------------------- */

static long post_form(struct client *c, const char *page, const char *path, const char *form,
                      char **location)
{
  struct response r;
  assert_int_equal(client_get(c, page, &r), 0);
  response_free(&r);
  assert_int_equal(client_post(c, path, form, &r), 0);
  long status = r.status;
  if (location)
    *location = response_header(&r, "Location");
  response_free(&r);
  return status;
}

static void take(struct server *server)
{
  struct client c;
  char page[64], form[64];
  client_init(&c, server);
  snprintf(page, sizeof(page), "/o/xinxing/queue?service=%lld", service_a);
  snprintf(form, sizeof(form), "service=%lld&channel=kiosk&priority=", service_a);
  assert_int_equal(post_form(&c, page, "/o/xinxing/queue/take", form, NULL), 303);
  client_free(&c);
}

static long long counter_one(struct client *c)
{
  json_t *view = expect_view(c->server, c, "/staff/queue", 200);
  json_t *item;
  size_t i;
  long long id = 0;
  json_array_foreach(json_object_get(view, "counters"), i,
                     item) if (strcmp(json_string_value(json_object_get(item, "number")), "1") == 0)
      id = json_integer_value(json_object_get(item, "id"));
  json_decref(view);
  return id;
}

/* Signs c in as a clerk on server, opens counter 1 and calls the next ticket: its code into
 * code, its id into *ticket; returns the counter's id. */
static long long clerk_calls(struct server *server, struct client *c, char code[16],
                             long long *ticket)
{
  char form[64], path[64], *location = NULL;
  client_init(c, server);
  assert_int_equal(client_login(c, "xinxing-clerk", PASSWORD), 303);
  long long counter = counter_one(c);
  snprintf(form, sizeof(form), "counter=%lld&status=open", counter);
  assert_int_equal(post_form(c, "/staff/queue", "/staff/queue/counter", form, NULL), 303);
  snprintf(form, sizeof(form), "counter=%lld", counter);
  assert_int_equal(post_form(c, "/staff/queue", "/staff/queue/call", form, &location), 303);
  expect_lacks(location, "notice=");
  free(location);
  snprintf(path, sizeof(path), "/staff/queue?counter=%lld", counter);
  json_t *view = expect_view(server, c, path, 200);
  snprintf(code, 16, "%s", json_text_at(view, "current.code"));
  *ticket = (long long)json_integer_value(json_at(view, "current.id"));
  json_decref(view);
  return counter;
}

/* Signs a clerk in on server, opens counter 1 and calls the next ticket; finishes it so that
 * the counter may call again. Returns the code called. */
static void call_next(struct server *server, char code[16])
{
  struct client c;
  char form[64], path[64];
  long long ticket = 0;
  long long counter = clerk_calls(server, &c, code, &ticket);
  snprintf(path, sizeof(path), "/staff/queue/tickets/%lld", ticket);
  snprintf(form, sizeof(form), "counter=%lld&action=done", counter);
  assert_int_equal(post_form(&c, "/staff/queue", path, form, NULL), 303);
  client_free(&c);
}

/* The board's newest event id, as the page passes it to its stream. */
static long long board_last_event(struct server *server)
{
  json_t *view = expect_view(server, NULL, "/o/xinxing/queue/board", 200);
  long long id = json_integer_value(json_object_get(view, "last_event"));
  json_decref(view);
  return id;
}

static int setup(void **state)
{
  (void)state;
  const char *env[] = {"BIANMIN_RATE_LOGIN=100000", "BIANMIN_RATE_PUBLIC=100000",
                       "BIANMIN_METRICS_FROM=127.0.0.1", NULL};
  if (server_start(&node_a, env) || server_start_db(&node_b, node_a.db, false, env))
    return -1;
  json_t *page = expect_view(&node_a, NULL, "/o/xinxing/queue", 200);
  const char *href = json_text_at(page, "queues.0.services.0.href");
  service_a =
      href && strstr(href, "service=") ? strtoll(strstr(href, "service=") + 8, NULL, 10) : 0;
  json_decref(page);
  return service_a ? 0 : -1;
}

static int teardown(void **state)
{
  (void)state;
  int a = server_stop(&node_b), b = server_stop(&node_a);
  return a == 0 && b == 0 ? 0 : -1;
}

static void test_stream_receives_calls_from_both_nodes(void **state)
{
  (void)state;
  char query[64], code[16], want[64];
  struct stream s;
  take(&node_a);
  take(&node_a);
  snprintf(query, sizeof(query), "?after=%lld", board_last_event(&node_a));
  stream_open(&s, &node_a, query, NULL);
  expect_stream(&s, "retry: ");
  /* A client that does not ask for an event stream is sent to the board page. */
  struct response plain;
  assert_int_equal(http_get(&node_a, "/o/xinxing/queue/events", &plain), 0);
  assert_int_equal(plain.status, 303);
  char *to = response_header(&plain, "Location");
  assert_string_equal(to, "/o/xinxing/queue/board");
  free(to);
  response_free(&plain);
  /* The operators see the open stream. */
  char *metrics = expect_page(&node_a, NULL, "/metrics", 200);
  expect_contains(metrics, "bianmin_http_event_streams 1\n");
  free(metrics);
  /* A call on this node. */
  call_next(&node_a, code);
  snprintf(want, sizeof(want), "\"code\":\"%s\"", code);
  expect_stream(&s, want);
  expect_stream(&s, "event: call");
  expect_stream(&s, "\"ticket\":");
  /* A call on the other node reaches this node's stream. */
  call_next(&node_b, code);
  snprintf(want, sizeof(want), "\"code\":\"%s\"", code);
  expect_stream(&s, want);
  stream_close(&s);
  /* Without JavaScript the board is a page that reloads itself. */
  char *page = expect_page(&node_a, NULL, "/o/xinxing/queue/board", 200);
  expect_contains(page, "http-equiv=\"refresh\"");
  expect_contains(page, code);
  free(page);
}

/* A ticket called again (recalled twice) is listed once on the board, at its latest call;
 * the stream's events name the ticket, so the page's script can do the same. */
static void test_board_lists_a_ticket_once(void **state)
{
  (void)state;
  struct client c;
  char form[64], path[64], code[16];
  long long ticket = 0;
  take(&node_a);
  long long counter = clerk_calls(&node_a, &c, code, &ticket);
  snprintf(path, sizeof(path), "/staff/queue/tickets/%lld", ticket);
  snprintf(form, sizeof(form), "counter=%lld&action=recall", counter);
  for (int i = 0; i < 2; i++)
    assert_int_equal(post_form(&c, "/staff/queue", path, form, NULL), 303);
  json_t *board = expect_view(&node_a, NULL, "/o/xinxing/queue/board", 200);
  json_t *call;
  size_t i, listed = 0;
  json_array_foreach(json_object_get(board, "calls"), i, call)
  {
    if (strcmp(json_string_value(json_object_get(call, "code")), code) == 0) {
      listed++;
      assert_int_equal(json_integer_value(json_object_get(call, "ticket")), ticket);
      assert_int_equal(i, 0); /* the latest call stands at the top */
    }
  }
  assert_int_equal(listed, 1);
  json_decref(board);
  snprintf(form, sizeof(form), "counter=%lld&action=done", counter);
  assert_int_equal(post_form(&c, "/staff/queue", path, form, NULL), 303);
  client_free(&c);
}

static void test_stream_resumes_after_restart(void **state)
{
  (void)state;
  char code[16], want[64], last[32];
  struct stream s;
  take(&node_a);
  take(&node_a);
  snprintf(last, sizeof(last), "%lld", board_last_event(&node_a));
  /* The first server restarts with a board connected (its stream ends, the server stops in
   * time); meanwhile the other calls a ticket. */
  struct stream before;
  stream_open(&before, &node_a, "?after=0", NULL);
  expect_stream(&before, "retry: ");
  assert_int_equal(server_restart(&node_a, (const char *[]){"BIANMIN_RATE_PUBLIC=100000", NULL}),
                   0);
  pthread_join(before.thread, NULL); /* ended by the server, not by us */
  pthread_mutex_destroy(&before.lock);
  call_next(&node_b, code);
  /* The board reconnects with the id of the last event it saw and gets the call it missed. */
  stream_open(&s, &node_a, NULL, last);
  snprintf(want, sizeof(want), "\"code\":\"%s\"", code);
  expect_stream(&s, want);
  expect_stream(&s, "id: ");
  /* ... and later ones as they happen. */
  call_next(&node_b, code);
  snprintf(want, sizeof(want), "\"code\":\"%s\"", code);
  expect_stream(&s, want);
  stream_close(&s);
}

int main(void)
{
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_stream_receives_calls_from_both_nodes),
      cmocka_unit_test(test_board_lists_a_ticket_once),
      cmocka_unit_test(test_stream_resumes_after_restart),
  };
  int rc = cmocka_run_group_tests(tests, setup, teardown);
  curl_global_cleanup();
  return rc;
}
