/*
 * queue_test.c - counter queues through HTTP (issue 18): numbers per queue per Taipei day
 * (A001, A002, B001; A001 again the next day), the counter console (priority first, recall,
 * no-show, leave, transfer, done), refusals of bad input, and concurrency: takers and counters
 * working at once get unique gap-free numbers and no ticket is called twice. Under
 * tests/pg/run.sh the same runs on PostgreSQL (pg/http_queue_test).
 */
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

#include "base/text.h"
#include "harness.h"

#define PASSWORD "bianmin-demo-2026"
#define START    1796605200 /* 2026-12-07 09:00 in Taipei */
enum { TAKERS = 4, PER_TAKER = 10, CALLERS = 2, TOKEN_MAX = 64 };

static struct server server;
static long long service_a, service_b; /* a service of queue A and one of queue B */
static char admin_secret[64];          /* queue-admin's second factor, once enrolled */

/* The service id in the first link of queue index q on the choice page. */
static long long first_service(json_t *page, int q)
{
  char path[48];
  snprintf(path, sizeof(path), "queues.%d.services.0.href", q);
  const char *href = json_text_at(page, path);
  const char *id = href ? strstr(href, "service=") : NULL;
  return id ? strtoll(id + 8, NULL, 10) : 0;
}

static int setup(void **state)
{
  (void)state;
  const char *env[] = {"BIANMIN_RATE_LOGIN=100000", "BIANMIN_RATE_LOOKUP=100000",
                       "BIANMIN_RATE_PUBLIC=100000", NULL};
  if (harness_clock_start(START) || server_start(&server, env))
    return -1;
  harness_add_user(&server, "xinxing", "queue-clerk-1", "clerk", PASSWORD);
  harness_add_user(&server, "xinxing", "queue-clerk-2", "clerk", PASSWORD);
  harness_add_user(&server, "xinxing", "queue-admin", "admin", PASSWORD);
  json_t *page = expect_view(&server, NULL, "/o/xinxing/queue", 200);
  service_a = first_service(page, 0);
  service_b = first_service(page, 1);
  expect_text_at(page, "queues.0.code", "A");
  expect_text_at(page, "queues.1.code", "B");
  json_decref(page);
  return service_a && service_b ? 0 : -1;
}

static int teardown(void **state)
{
  (void)state;
  return server_stop(&server) == 0 ? 0 : -1;
}

/* Takes a ticket (as client c, or a new anonymous client); token receives its link's secret.
 * Returns the HTTP status of the POST. */
static long take(struct client *c, long long service, const char *priority, char token[TOKEN_MAX])
{
  struct client own;
  struct response r;
  char form[128], path[64];
  bool mine = c == NULL;
  if (mine) {
    client_init(&own, &server);
    c = &own;
  }
  snprintf(path, sizeof(path), "/o/xinxing/queue?service=%lld", service);
  if (client_get(c, path, &r) == 0)
    response_free(&r);
  snprintf(form, sizeof(form), "service=%lld&channel=phone&priority=%s", service, priority);
  long status = client_post(c, "/o/xinxing/queue/take", form, &r) == 0 ? r.status : 0;
  char *location = response_header(&r, "Location");
  token[0] = '\0';
  if (location && strncmp(location, "/q/", 3) == 0)
    snprintf(token, TOKEN_MAX, "%.*s", (int)strcspn(location + 3, "?"), location + 3);
  free(location);
  response_free(&r);
  if (mine)
    client_free(&own);
  return status;
}

static json_t *ticket(const char *token)
{
  char path[128];
  snprintf(path, sizeof(path), "/q/%s", token);
  return expect_view(&server, NULL, path, 200);
}

static void expect_ticket(const char *token, const char *path, const char *value)
{
  json_t *view = ticket(token);
  expect_text_at(view, path, value);
  json_decref(view);
}

/* Each test starts on a new Taipei day, so its numbers start at 001. */
static void next_day(void)
{
  harness_clock_advance(24 * 3600);
}

/* The counter's id (from the console's list) by its number. */
static long long counter_id(struct client *c, const char *number)
{
  json_t *view = expect_view(&server, c, "/staff/queue", 200);
  json_t *list = json_object_get(view, "counters"), *item;
  size_t i;
  long long id = 0;
  json_array_foreach(
      list, i, item) if (strcmp(json_string_value(json_object_get(item, "number")), number) == 0)
      id = json_integer_value(json_object_get(item, "id"));
  json_decref(view);
  return id;
}

/* POSTs form as a browser would: from a page of the same area first (its CSRF token). */
static long post_form(struct client *c, const char *path, const char *form, char **location)
{
  struct response r;
  char page[64];
  snprintf(page, sizeof(page),
           strncmp(path, "/staff/", 7) == 0 ? "/staff/queue" : "/o/xinxing/queue?service=%lld",
           service_a);
  assert_int_equal(client_get(c, page, &r), 0);
  response_free(&r);
  assert_int_equal(client_post(c, path, form, &r), 0);
  long status = r.status;
  if (location)
    *location = response_header(&r, "Location");
  response_free(&r);
  return status;
}

static void counter_open(struct client *c, long long counter)
{
  char form[64];
  snprintf(form, sizeof(form), "counter=%lld&status=open", counter);
  assert_int_equal(post_form(c, "/staff/queue/counter", form, NULL), 303);
}

/* Calls next at counter: the called ticket's {id, code} from the console (NULL: nobody). */
static json_t *call_next(struct client *c, long long counter)
{
  char form[64], path[64], *location = NULL;
  snprintf(form, sizeof(form), "counter=%lld", counter);
  long status = post_form(c, "/staff/queue/call", form, &location);
  if (status != 303 || !location || strstr(location, "notice=")) {
    if (status != 303 || !location || !strstr(location, "notice=empty"))
      fprintf(stderr, "call next: %ld %s\n", status, location ? location : "");
    free(location);
    return NULL;
  }
  free(location);
  snprintf(path, sizeof(path), "/staff/queue?counter=%lld", counter);
  json_t *view = expect_view(&server, c, path, 200);
  json_t *current = json_incref(json_object_get(view, "current"));
  json_decref(view);
  return current;
}

static void act(struct client *c, long long counter, json_t *current, const char *action,
                const char *extra)
{
  char form[2400], path[64], *location = NULL;
  snprintf(path, sizeof(path), "/staff/queue/tickets/%lld",
           (long long)json_integer_value(json_object_get(current, "id")));
  snprintf(form, sizeof(form), "counter=%lld&action=%s%s", counter, action, extra ? extra : "");
  assert_int_equal(post_form(c, path, form, &location), 303);
  expect_lacks(location, "notice=");
  free(location);
}

/* A supervisor's home leads to the console and the figures, and the console to the figures. */
static void expect_figures_links(struct client *sup)
{
  char *html = expect_page(&server, sup, "/staff/", 200);
  expect_contains(html, "href=\"/staff/queue\"");
  expect_contains(html, "href=\"/staff/queue/figures\"");
  free(html);
  html = expect_page(&server, sup, "/staff/queue", 200);
  expect_contains(html, "href=\"/staff/queue/figures\"");
  free(html);
}

static void test_numbers_per_queue_per_day(void **state)
{
  (void)state;
  char t1[TOKEN_MAX], t2[TOKEN_MAX], t3[TOKEN_MAX], t4[TOKEN_MAX];
  next_day();
  assert_int_equal(take(NULL, service_a, "", t1), 303);
  assert_int_equal(take(NULL, service_a, "", t2), 303);
  assert_int_equal(take(NULL, service_b, "", t3), 303);
  expect_ticket(t1, "ticket.code", "A001");
  expect_ticket(t2, "ticket.code", "A002");
  expect_ticket(t3, "ticket.code", "B001");
  expect_ticket(t2, "ticket.status", "waiting");
  json_t *view = ticket(t2);
  assert_int_equal(json_integer_value(json_at(view, "ticket.ahead")), 1);
  /* A range, not a single number: the high end above the low one. */
  assert_true(json_integer_value(json_at(view, "ticket.wait_high")) >
              json_integer_value(json_at(view, "ticket.wait_low")));
  json_decref(view);
  next_day();
  assert_int_equal(take(NULL, service_a, "", t4), 303);
  expect_ticket(t4, "ticket.code", "A001");
  /* The page of the ticket kiosk and the QR of the link answer. */
  char *page = expect_page(&server, NULL, "/o/xinxing/queue/kiosk", 200);
  expect_contains(page, "bm-queue--kiosk");
  free(page);
  char path[128];
  snprintf(path, sizeof(path), "/q/%s/qr.svg", t4);
  page = expect_page(&server, NULL, path, 200);
  expect_contains(page, "<svg");
  free(page);
}

static void test_counter_console(void **state)
{
  (void)state;
  char t1[TOKEN_MAX], t2[TOKEN_MAX], t3[TOKEN_MAX], t4[TOKEN_MAX];
  struct client c;
  next_day();
  assert_int_equal(take(NULL, service_a, "", t1), 303);
  assert_int_equal(take(NULL, service_a, "", t2), 303);
  assert_int_equal(take(NULL, service_a, "elderly", t3), 303);
  client_init(&c, &server);
  assert_int_equal(client_login(&c, "queue-clerk-1", PASSWORD), 303);
  /* the staff home leads a clerk to the console, not to the figures (403 to a clerk) */
  char *html = expect_page(&server, &c, "/staff/", 200);
  expect_contains(html, "href=\"/staff/queue\"");
  expect_lacks(html, "href=\"/staff/queue/figures\"");
  free(html);
  html = expect_page(&server, &c, "/staff/queue", 200); /* nor does the console */
  expect_lacks(html, "href=\"/staff/queue/figures\"");
  free(html);
  long long counter = counter_id(&c, "1"), counter_b = counter_id(&c, "3");
  assert_true(counter > 0 && counter_b > 0);
  /* A closed counter calls nobody. */
  char form[64], *location = NULL;
  snprintf(form, sizeof(form), "counter=%lld", counter);
  assert_int_equal(post_form(&c, "/staff/queue/call", form, &location), 303);
  expect_contains(location, "notice=not_open");
  free(location);
  counter_open(&c, counter);
  /* Priority first: A003 (elderly) before A001. */
  json_t *current = call_next(&c, counter);
  expect_text_at(current, "code", "A003");
  expect_ticket(t3, "ticket.status", "called");
  expect_ticket(t3, "ticket.counter", "1");
  act(&c, counter, current, "recall", NULL);
  json_t *board = expect_view(&server, NULL, "/o/xinxing/queue/board", 200);
  expect_text_at(board, "calls.0.code", "A003");
  /* called, then recalled: listed once, at its latest call */
  assert_int_equal(json_array_size(json_object_get(board, "calls")), 1);
  json_decref(board);
  act(&c, counter, current, "serve", NULL);
  /* Counter intake from the ticket: the case is linked, the ticket's link now leads to the
   * case's progress page (one code from the ticket to the case). */
  char intake[128], form_intake[256];
  snprintf(intake, sizeof(intake), "/staff/intake?service=%lld&ticket=%lld", service_a,
           (long long)json_integer_value(json_object_get(current, "id")));
  char *intake_page = expect_page(&server, &c, intake, 200);
  expect_contains(intake_page, "name=\"ticket\"");
  free(intake_page);
  snprintf(form_intake, sizeof(form_intake),
           "service_id=%lld&ticket=%lld&applicant_name=%%E6%%9E%%97%%E5%%B0%%8F%%E8%%8A%%B3&"
           "applicant_phone=0912345678&notify=sms&doc_0=x",
           service_a, (long long)json_integer_value(json_object_get(current, "id")));
  struct response r;
  assert_int_equal(client_post(&c, "/staff/intake", form_intake, &r), 0);
  if (r.status != 303)
    fail_msg("intake from the ticket: %ld %.3000s", r.status, r.body);
  response_free(&r);
  snprintf(intake, sizeof(intake), "/q/%s", t3);
  assert_int_equal(http_get(&server, intake, &r), 0);
  assert_int_equal(r.status, 303);
  char *to = response_header(&r, "Location");
  response_free(&r);
  assert_non_null(to);
  assert_int_equal(strncmp(to, "/p/", 3), 0);
  free(expect_page(&server, NULL, to, 200));
  free(to);
  act(&c, counter, current, "done", NULL);
  json_decref(current);
  /* A001 does not come; A002 leaves the queue from the phone. */
  current = call_next(&c, counter);
  expect_text_at(current, "code", "A001");
  act(&c, counter, current, "no_show", NULL);
  expect_ticket(t1, "ticket.status", "no_show");
  json_decref(current);
  char path[128];
  snprintf(path, sizeof(path), "/q/%s/leave", t2);
  struct client phone;
  client_init(&phone, &server);
  char *page = expect_page(&server, &phone, path, 405); /* only POST leaves */
  free(page);
  snprintf(path, sizeof(path), "/q/%s", t2);
  page = expect_page(&server, &phone, path, 200);
  free(page);
  snprintf(path, sizeof(path), "/q/%s/leave", t2);
  assert_int_equal(post_form(&phone, path, "", NULL), 303);
  expect_ticket(t2, "ticket.status", "left");
  /* Leaving twice is refused, nothing changes. */
  assert_int_equal(post_form(&phone, path, "", NULL), 400);
  client_free(&phone);
  assert_null(call_next(&c, counter));
  /* Transfer: A004 goes to queue B with a note, counter 3 (queue B) calls it. */
  assert_int_equal(take(NULL, service_a, "", t4), 303);
  current = call_next(&c, counter);
  expect_text_at(current, "code", "A004");
  json_t *console = expect_view(&server, &c, "/staff/queue", 200);
  long long queue_b = json_integer_value(json_at(console, "queues.1.id"));
  json_decref(console);
  /* a transfer naming no queue or counter: back to the console, saying why; nothing moved */
  char refused[128];
  location = NULL;
  snprintf(path, sizeof(path), "/staff/queue/tickets/%lld",
           (long long)json_integer_value(json_object_get(current, "id")));
  snprintf(refused, sizeof(refused), "counter=%lld&action=transfer&note=bring%%20ID", counter);
  struct response console_get;
  assert_int_equal(client_get(&c, "/staff/queue", &console_get), 0);
  response_free(&console_get);
  assert_int_equal(harness_post_json(&c, path, refused, &console), 400);
  expect_text_at(console, "notice", "請選擇本機關的佇列或櫃檯，備註不超過500字。");
  expect_text_at(console, "transfer_note", "bring ID"); /* what was typed is kept */
  expect_text_at(console, "current.code", "A004");      /* nothing moved */
  json_decref(console);
  /* the note's limit of 500 is in characters, as the form's maxlength and the message say:
   * "bring ID" and 200 Chinese characters (600 bytes) are taken */
  char note[2000];
  size_t len = (size_t)snprintf(note, sizeof(note), "bring%%20ID");
  for (int i = 0; i < 200; i++)
    len += (size_t)snprintf(note + len, sizeof(note) - len, "%%E8%%AB%%8B");
  char transfer_form[2100];
  snprintf(transfer_form, sizeof(transfer_form), "&queue=%lld&note=%s", queue_b, note);
  act(&c, counter, current, "transfer", transfer_form);
  json_decref(current);
  expect_ticket(t4, "ticket.status", "waiting");
  assert_null(call_next(&c, counter));
  counter_open(&c, counter_b);
  current = call_next(&c, counter_b);
  expect_text_at(current, "code", "A004");
  expect_contains(json_text_at(current, "note"), "bring ID請請");
  assert_int_equal(text_length(json_text_at(current, "note")), 208);
  act(&c, counter_b, current, "done", NULL);
  json_decref(current);
  client_free(&c);
  /* The figures count what happened today: 4 tickets, 2 done, 1 no-show, 1 left. */
  struct client sup;
  client_init(&sup, &server);
  assert_int_equal(client_login(&sup, "xinxing-supervisor", PASSWORD), 303);
  expect_figures_links(&sup);
  json_t *figures = expect_view(&server, &sup, "/staff/queue/figures", 200);
  assert_int_equal(json_integer_value(json_at(figures, "total.tickets")), 4);
  assert_int_equal(json_integer_value(json_at(figures, "total.done")), 2);
  assert_int_equal(json_integer_value(json_at(figures, "total.no_show")), 1);
  assert_int_equal(json_integer_value(json_at(figures, "total.left")), 1);
  json_decref(figures);
  client_free(&sup);
}

/* Counter intake of service for ticket as clerk c (the intake page first: its CSRF token). */
static void intake_for(struct client *c, long long service, long long ticket_id)
{
  char path[128], form[320];
  struct response r;
  snprintf(path, sizeof(path), "/staff/intake?service=%lld&ticket=%lld", service, ticket_id);
  free(expect_page(&server, c, path, 200));
  snprintf(form, sizeof(form),
           "service_id=%lld&ticket=%lld&applicant_name=%%E6%%9E%%97%%E5%%B0%%8F%%E8%%8A%%B3&"
           "applicant_phone=0912345678&notify=sms&doc_0=x",
           service, ticket_id);
  assert_int_equal(client_post(c, "/staff/intake", form, &r), 0);
  if (r.status != 303)
    fail_msg("intake: %ld %.2000s", r.status, r.body);
  response_free(&r);
}

/* The console's current ticket at counter. */
static json_t *current_at(struct client *c, long long counter)
{
  char path[64];
  snprintf(path, sizeof(path), "/staff/queue?counter=%lld", counter);
  json_t *view = expect_view(&server, c, path, 200);
  json_t *current = json_incref(json_object_get(view, "current"));
  json_decref(view);
  return current;
}

/* Several matters in one visit: the counter adds a second matter (another service) to the
 * ticket it serves and takes both in; each case links back to the ticket, whose page then
 * lists both cases; the figures count one visit with two matters. Bad input changes nothing. */
static void test_several_matters(void **state)
{
  (void)state;
  char t1[TOKEN_MAX], path[128], form[96], *location = NULL;
  struct client c;
  next_day();
  assert_int_equal(take(NULL, service_a, "", t1), 303);
  client_init(&c, &server);
  assert_int_equal(client_login(&c, "queue-clerk-2", PASSWORD), 303);
  long long counter = counter_id(&c, "2");
  counter_open(&c, counter);
  json_t *current = call_next(&c, counter);
  assert_non_null(current);
  long long id = (long long)json_integer_value(json_object_get(current, "id"));
  act(&c, counter, current, "serve", NULL);
  json_decref(current);
  intake_for(&c, service_a, id);
  snprintf(path, sizeof(path), "/staff/queue/tickets/%lld/matters", id);
  /* refused: an unknown service, another counter; nothing added */
  snprintf(form, sizeof(form), "counter=%lld&service=999999", counter);
  assert_int_equal(post_form(&c, path, form, NULL), 400);
  snprintf(form, sizeof(form), "counter=%lld&service=%lld", counter_id(&c, "1"), service_b);
  assert_int_equal(post_form(&c, path, form, &location), 303);
  expect_contains(location, "notice=conflict");
  free(location);
  current = current_at(&c, counter);
  assert_int_equal(json_integer_value(json_object_get(current, "matter_count")), 1);
  json_decref(current);
  /* the second matter: straight to its intake */
  snprintf(form, sizeof(form), "counter=%lld&service=%lld", counter, service_b);
  assert_int_equal(post_form(&c, path, form, &location), 303);
  char want[96];
  snprintf(want, sizeof(want), "/staff/intake?service=%lld&ticket=%lld", service_b, id);
  assert_string_equal(location, want);
  free(location);
  current = current_at(&c, counter);
  assert_int_equal(json_integer_value(json_object_get(current, "matter_count")), 2);
  assert_non_null(json_at(current, "matters.0.case_href"));
  assert_null(json_at(current, "matters.1.case_href"));
  json_decref(current);
  intake_for(&c, service_b, id);
  snprintf(want, sizeof(want), "/staff/queue?counter=%lld", counter);
  char *html = expect_page(&server, &c, want, 200);
  expect_contains(html, "id=\"matter_service\"");
  expect_contains(html, "/matters\"");
  free(html);
  current = current_at(&c, counter);
  assert_non_null(json_at(current, "matters.1.case_href"));
  assert_string_not_equal(json_text_at(current, "matters.0.case_href"),
                          json_text_at(current, "matters.1.case_href"));
  act(&c, counter, current, "done", NULL);
  json_decref(current);
  /* the ticket's link lists the visit's two cases instead of leading to one */
  snprintf(want, sizeof(want), "/q/%s", t1);
  html = expect_page(&server, NULL, want, 200);
  expect_contains(html, "id=\"visit-cases\"");
  free(html);
  json_t *view = ticket(t1);
  json_t *cases = json_object_get(view, "visit_cases");
  assert_int_equal(json_array_size(cases), 2);
  for (size_t i = 0; i < 2; i++)
    assert_int_equal(strncmp(json_text_at(json_array_get(cases, i), "href"), "/p/", 3), 0);
  json_decref(view);
  client_free(&c);
  struct client sup;
  client_init(&sup, &server);
  assert_int_equal(client_login(&sup, "xinxing-supervisor", PASSWORD), 303);
  expect_figures_links(&sup);
  json_t *figures = expect_view(&server, &sup, "/staff/queue/figures", 200);
  assert_int_equal(json_integer_value(json_at(figures, "total.done")), 1);
  assert_int_equal(json_integer_value(json_at(figures, "total.matters")), 2);
  json_decref(figures);
  client_free(&sup);
}

static void test_bad_input(void **state)
{
  (void)state;
  char token[TOKEN_MAX];
  struct client c;
  next_day();
  client_init(&c, &server);
  char *page = expect_page(&server, &c, "/o/xinxing/queue?service=999999", 404);
  free(page);
  page = expect_page(&server, &c, "/o/xinxing/queue?service=abc", 400);
  free(page);
  assert_int_equal(post_form(&c, "/o/xinxing/queue/take", "service=abc&channel=phone", NULL), 400);
  assert_int_equal(post_form(&c, "/o/xinxing/queue/take", "service=1&channel=fax", NULL), 400);
  assert_int_equal(take(&c, service_a, "vip", token), 400);
  /* that refusal is about the priority, not the service */
  struct response vip;
  char vip_form[96];
  free(expect_page(&server, &c, "/o/xinxing/queue", 200)); /* the form's CSRF token */
  snprintf(vip_form, sizeof(vip_form), "service=%lld&channel=phone&priority=vip", service_a);
  assert_int_equal(client_post(&c, "/o/xinxing/queue/take", vip_form, &vip), 0);
  assert_int_equal(vip.status, 400);
  expect_contains(vip.body, "優先辦理的原因");
  expect_lacks(vip.body, "請選擇要辦理的業務");
  response_free(&vip);
  assert_int_equal(take(&c, service_a, "", token), 303);
  expect_ticket(token, "ticket.code", "A001"); /* the refusals took no number */
  char path[128];
  /* the reminder form offers a number it takes: the office's (3 here), not 0 */
  snprintf(path, sizeof(path), "/q/%s", token);
  struct response offered;
  assert_int_equal(client_get(&c, path, &offered), 0);
  expect_contains(offered.body, "inputmode=\"numeric\" value=\"3\"");
  response_free(&offered);
  snprintf(path, sizeof(path), "/q/%s/notify", token);
  /* an address without a domain is no address; a number and an address both refused at once */
  assert_int_equal(post_form(&c, path, "ahead=3&channel=email&to=me%40example", NULL), 400);
  assert_int_equal(client_post(&c, path, "ahead=25&channel=email&to=me%40example", &offered), 0);
  assert_int_equal(offered.status, 400);
  expect_contains(offered.body, "<a href=\"#ahead\">");
  expect_contains(offered.body, "<a href=\"#to\">");
  response_free(&offered);
  assert_int_equal(post_form(&c, path, "ahead=0&channel=sms&to=0912345678", NULL), 400);
  assert_int_equal(post_form(&c, path, "ahead=3&channel=email&to=nobody", NULL), 400);
  /* each refusal is at its own field, described by it, with what was typed kept */
  struct response refused;
  assert_int_equal(client_post(&c, path, "ahead=0&channel=email&to=a%40example.org", &refused), 0);
  assert_int_equal(refused.status, 400);
  expect_contains(refused.body, "<a href=\"#ahead\">");
  expect_contains(refused.body, "id=\"ahead-error\"");
  expect_contains(refused.body,
                  "govuk-input--error\" id=\"ahead\" name=\"ahead\" type=\"text\" "
                  "inputmode=\"numeric\" value=\"0\" aria-describedby=\"ahead-error\"");
  expect_contains(refused.body, "value=\"email\" checked");
  expect_contains(refused.body, "value=\"a@example.org\"");
  expect_lacks(refused.body, "id=\"to-error\"");
  response_free(&refused);
  assert_int_equal(client_post(&c, path, "ahead=4&channel=email&to=nobody", &refused), 0);
  assert_int_equal(refused.status, 400);
  expect_contains(refused.body, "<a href=\"#to\">");
  expect_contains(refused.body, "govuk-input--error\" id=\"to\" name=\"to\" type=\"text\" "
                                "autocomplete=\"tel\" spellcheck=\"false\" value=\"nobody\" "
                                "aria-describedby=\"to-error\"");
  expect_contains(refused.body, "value=\"4\"");
  response_free(&refused);
  /* a number typed with dashes is a number; the page then says the reminder is set */
  char *set_at = NULL;
  assert_int_equal(post_form(&c, path, "ahead=3&channel=sms&to=0912-345-678", &set_at), 303);
  assert_non_null(set_at);
  assert_int_equal(client_get(&c, set_at, &offered), 0);
  expect_contains(offered.body, "已設定通知：前面剩 3 人時，我們會通知您。");
  response_free(&offered);
  free(set_at);
  json_t *view = ticket(token);
  assert_int_equal(json_integer_value(json_at(view, "ticket.notify_ahead")), 3);
  json_decref(view);
  page = expect_page(&server, NULL, "/q/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 404);
  free(page);
  /* Staff only: the console and figures refuse the public. */
  page = expect_page(&server, NULL, "/staff/queue", 303);
  free(page);
  client_free(&c);
}

/* ---- concurrency ------------------------------------------------------------------------- */

static atomic_int takers_left;

struct taker {
  char tokens[PER_TAKER][TOKEN_MAX];
  int ok;
};

static void *taker_main(void *arg)
{
  struct taker *t = arg;
  struct client c;
  client_init(&c, &server);
  t->ok = 1;
  for (int i = 0; i < PER_TAKER; i++)
    if (take(&c, service_a, "", t->tokens[i]) != 303)
      t->ok = 0;
  client_free(&c);
  atomic_fetch_sub(&takers_left, 1);
  return NULL;
}

struct caller {
  const char *username;
  const char *counter_number;
  char codes[TAKERS * PER_TAKER][8];
  int count;
  int ok;
};

static void *caller_main(void *arg)
{
  struct caller *w = arg;
  struct client c;
  client_init(&c, &server);
  if (client_login(&c, w->username, PASSWORD) == 303) {
    long long counter = counter_id(&c, w->counter_number);
    counter_open(&c, counter);
    w->ok = 1;
    for (;;) {
      bool last_round = atomic_load(&takers_left) == 0;
      json_t *current = call_next(&c, counter);
      if (!current) {
        if (last_round)
          break;
        continue;
      }
      if (w->count < TAKERS * PER_TAKER)
        snprintf(w->codes[w->count++], 8, "%s",
                 json_string_value(json_object_get(current, "code")));
      act(&c, counter, current, "done", NULL);
      json_decref(current);
    }
  }
  client_free(&c);
  return NULL;
}

static int compare_text(const void *a, const void *b)
{
  return strcmp(a, b);
}

static void test_concurrent_taking_and_calling(void **state)
{
  (void)state;
  static struct taker takers[TAKERS];
  static struct caller callers[CALLERS] = {{"queue-clerk-1", "1"}, {"queue-clerk-2", "2"}};
  pthread_t threads[TAKERS + CALLERS];
  next_day();
  atomic_store(&takers_left, TAKERS);
  for (int i = 0; i < CALLERS; i++)
    pthread_create(&threads[TAKERS + i], NULL, caller_main, &callers[i]);
  for (int i = 0; i < TAKERS; i++)
    pthread_create(&threads[i], NULL, taker_main, &takers[i]);
  for (int i = 0; i < TAKERS + CALLERS; i++)
    pthread_join(threads[i], NULL);
  /* Numbers: exactly A001..A040. */
  static char taken[TAKERS * PER_TAKER][8];
  for (int i = 0; i < TAKERS; i++) {
    assert_true(takers[i].ok);
    for (int j = 0; j < PER_TAKER; j++) {
      json_t *view = ticket(takers[i].tokens[j]);
      snprintf(taken[i * PER_TAKER + j], 8, "%s", json_text_at(view, "ticket.code"));
      expect_text_at(view, "ticket.status", "done");
      json_decref(view);
    }
  }
  qsort(taken, TAKERS * PER_TAKER, sizeof(taken[0]), compare_text);
  for (int i = 0; i < TAKERS * PER_TAKER; i++) {
    char want[8];
    snprintf(want, sizeof(want), "A%03d", i + 1);
    assert_string_equal(taken[i], want);
  }
  /* Calls: every ticket called once, by one counter. */
  static char called[TAKERS * PER_TAKER][8];
  int n = 0;
  for (int i = 0; i < CALLERS; i++) {
    assert_true(callers[i].ok);
    for (int j = 0; j < callers[i].count; j++)
      memcpy(called[n++], callers[i].codes[j], 8);
  }
  assert_int_equal(n, TAKERS * PER_TAKER);
  qsort(called, (size_t)n, sizeof(called[0]), compare_text);
  for (int i = 0; i < n; i++)
    assert_string_equal(called[i], taken[i]);
}

/* The "your turn is near" messages of tickets queued in the office's outbox. */
static size_t turn_near_messages(struct client *admin)
{
  json_t *view = expect_view(&server, admin, "/staff/admin/outbox?status=queued", 200);
  json_t *row;
  size_t i, n = 0;
  json_array_foreach(json_object_get(view, "messages"), i, row)
  {
    const char *kind = json_string_value(json_object_get(row, "subject_kind"));
    if (kind && strcmp(kind, "ticket") == 0) {
      n++;
      char *text = json_dumps(row, 0);
      expect_lacks(text, "0912345678"); /* the number shown masked */
      free(text);
    }
  }
  json_decref(view);
  return n;
}

static void test_turn_near(void **state)
{
  (void)state;
  char t1[TOKEN_MAX], t2[TOKEN_MAX], t3[TOKEN_MAX], path[128];
  struct client c, admin, phone;
  next_day();
  client_init(&admin, &server);
  assert_int_equal(
      client_login_totp(&admin, "queue-admin", PASSWORD, admin_secret, sizeof(admin_secret)), 0);
  size_t before = turn_near_messages(&admin);
  assert_int_equal(take(NULL, service_a, "", t1), 303);
  assert_int_equal(take(NULL, service_a, "", t2), 303);
  assert_int_equal(take(NULL, service_a, "", t3), 303);
  client_init(&phone, &server);
  /* A003 has two ahead and asks to be told at one: nothing yet. */
  snprintf(path, sizeof(path), "/q/%s/notify", t3);
  assert_int_equal(post_form(&phone, path, "ahead=1&channel=sms&to=0912345678", NULL), 303);
  assert_int_equal(turn_near_messages(&admin), before);
  /* A001 is called: A003 has one ahead now and is told, once. */
  client_init(&c, &server);
  assert_int_equal(client_login(&c, "queue-clerk-1", PASSWORD), 303);
  long long counter = counter_id(&c, "1");
  counter_open(&c, counter);
  json_t *current = call_next(&c, counter);
  expect_text_at(current, "code", "A001");
  assert_int_equal(turn_near_messages(&admin), before + 1);
  act(&c, counter, current, "done", NULL);
  json_decref(current);
  current = call_next(&c, counter);
  act(&c, counter, current, "done", NULL);
  json_decref(current);
  assert_int_equal(turn_near_messages(&admin), before + 1);
  /* Asking when already within the number tells at once. */
  snprintf(path, sizeof(path), "/q/%s/notify", t3);
  assert_int_equal(post_form(&phone, path, "ahead=2&channel=email&to=a%40example.org", NULL), 303);
  assert_int_equal(turn_near_messages(&admin), before + 2);
  current = call_next(&c, counter);
  act(&c, counter, current, "done", NULL);
  json_decref(current);
  (void)t2;
  client_free(&phone);
  client_free(&c);
  client_free(&admin);
}

/* Kiosk mode of the public site, and the hall's progress board. */
static void test_kiosk_mode_and_progress_board(void **state)
{
  (void)state;
  struct client c;
  client_init(&c, &server);
  char *page = expect_page(&server, &c, "/o/xinxing/faq", 200);
  expect_lacks(page, "bm-kiosk");
  free(page);
  page = expect_page(&server, &c, "/o/xinxing/?kiosk=1", 200);
  expect_contains(page, "bm-kiosk");
  free(page);
  page = expect_page(&server, &c, "/o/xinxing/faq", 200); /* kept by the cookie */
  expect_contains(page, "bm-kiosk");
  expect_contains(page, "/static/js/queue.");
  free(page);
  page = expect_page(&server, &c, "/o/xinxing/faq?kiosk=0", 200);
  expect_lacks(page, "bm-kiosk");
  free(page);
  page = expect_page(&server, &c, "/o/xinxing/faq", 200);
  expect_lacks(page, "bm-kiosk");
  free(page);
  client_free(&c);
  json_t *view = expect_view(&server, NULL, "/o/xinxing/queue/progress-board", 200);
  assert_true(json_is_array(json_object_get(view, "cases")));
  json_decref(view);
  page = expect_page(&server, NULL, "/o/xinxing/queue/progress-board", 200);
  expect_contains(page, "<noscript><meta http-equiv=\"refresh\"");
  free(page);
}

/* ---- the administration page --------------------------------------------------------------- */

/* POSTs form to path as the admin (the page first: its CSRF token): the status; body (may be
 * NULL) receives the answer's text. */
static long admin_post(struct client *c, const char *path, const char *form, char **body)
{
  struct response r;
  assert_int_equal(client_get(c, "/staff/admin/queues", &r), 0);
  response_free(&r);
  assert_int_equal(client_post(c, path, form, &r), 0);
  long status = r.status;
  if (body)
    *body = strdup(r.body ? r.body : "");
  response_free(&r);
  return status;
}

static void admin_refused(struct client *c, const char *path, const char *form, const char *message,
                          const char *field)
{
  char *body = NULL;
  assert_int_equal(admin_post(c, path, form, &body), 400);
  expect_contains(body, message);
  expect_contains(body, field);
  free(body);
}

/* The entry of list whose key is value (NULL when none). */
static json_t *entry(json_t *view, const char *list, const char *key, const char *value)
{
  json_t *item;
  size_t i;
  json_array_foreach(json_object_get(view, list), i, item)
  {
    const char *v = json_string_value(json_object_get(item, key));
    if (v && !strcmp(v, value))
      return item;
  }
  return NULL;
}

/* Queues and counters set up on /staff/admin/queues: a new queue and counter, renamed and
 * closed; refusals name the field and change nothing; the "turn is near" number reaches the
 * ticket page and the board's announcement the board; only admins. */
static void test_admin_pages(void **state)
{
  (void)state;
  struct client admin;
  char form[256], path[64];
  next_day();
  client_init(&admin, &server);
  assert_int_equal(
      client_login_totp(&admin, "queue-admin", PASSWORD, admin_secret, sizeof(admin_secret)), 0);
  json_t *view = expect_view(&server, &admin, "/staff/admin/queues", 200);
  size_t queues = json_array_size(json_object_get(view, "queues"));
  size_t counters = json_array_size(json_object_get(view, "counters"));
  json_decref(view);
  /* refusals, each naming its field; nothing added */
  snprintf(form, sizeof(form), "id=&code=a1&name_zh=Kept&service=%lld&open=1", service_a);
  admin_refused(&admin, "/staff/admin/queues/queue", form, "大寫英文字母", "queue-new-code");
  admin_refused(&admin, "/staff/admin/queues/queue", form, "value=\"Kept\"", "value=\"a1\"");
  snprintf(form, sizeof(form), "id=&code=A&name_zh=X&service=%lld&open=1", service_a);
  admin_refused(&admin, "/staff/admin/queues/queue", form, "已有其他佇列", "queue-new-code");
  admin_refused(&admin, "/staff/admin/queues/queue", "id=&code=Z&name_zh=&open=1", "中文名稱",
                "queue-new-name_zh");
  admin_refused(&admin, "/staff/admin/queues/queue", "id=&code=Z&name_zh=X&service=999999",
                "本所的服務", "queue-new-services");
  view = expect_view(&server, &admin, "/staff/admin/queues", 200);
  assert_int_equal(json_array_size(json_object_get(view, "queues")), queues);
  json_decref(view);
  /* a new queue Z for service A's service, then renamed and closed */
  snprintf(form, sizeof(form),
           "id=&code=Z&name_zh=%%E6%%B8%%AC%%E8%%A9%%A6&name_en=Test&service=%lld&open=1",
           service_a);
  assert_int_equal(admin_post(&admin, "/staff/admin/queues/queue", form, NULL), 303);
  view = expect_view(&server, &admin, "/staff/admin/queues", 200);
  json_t *z = entry(view, "queues", "code", "Z");
  assert_non_null(z);
  long long zid = (long long)json_integer_value(json_object_get(z, "id"));
  assert_true(json_is_true(json_object_get(z, "open")));
  json_decref(view);
  snprintf(form, sizeof(form), "id=%lld&code=Z&name_zh=%%E6%%96%%B0%%E5%%90%%8D&name_en=New", zid);
  assert_int_equal(admin_post(&admin, "/staff/admin/queues/queue", form, NULL), 303);
  view = expect_view(&server, &admin, "/staff/admin/queues", 200);
  z = entry(view, "queues", "code", "Z");
  expect_text_at(z, "name_en", "New");
  assert_false(json_is_true(json_object_get(z, "open")));
  assert_int_equal(json_array_size(json_object_get(view, "queues")), queues + 1);
  json_decref(view);
  view = expect_view(&server, NULL, "/o/xinxing/queue", 200); /* closed: not offered */
  assert_null(entry(view, "queues", "code", "Z"));
  json_decref(view);
  /* a counter for it; a number taken is refused */
  snprintf(form, sizeof(form), "id=&number=9&name=Window&queue=%lld", zid);
  assert_int_equal(admin_post(&admin, "/staff/admin/queues/counter", form, NULL), 303);
  admin_refused(&admin, "/staff/admin/queues/counter", "id=&number=1&name=", "已有其他櫃檯",
                "counter-new-number");
  admin_refused(&admin, "/staff/admin/queues/counter", "id=&number=9%209&name=", "櫃檯號碼",
                "counter-new-number");
  view = expect_view(&server, &admin, "/staff/admin/queues", 200);
  json_t *nine = entry(view, "counters", "number", "9");
  assert_non_null(nine);
  expect_text_at(nine, "name", "Window");
  assert_int_equal(json_array_size(json_object_get(view, "counters")), counters + 1);
  json_decref(view);
  /* settings: the ticket page offers 5, the board shows the announcement first */
  admin_refused(&admin, "/staff/admin/queues/settings", "turn_near=0", "1 到 20",
                "settings-turn_near");
  assert_int_equal(admin_post(&admin, "/staff/admin/queues/settings",
                              "turn_near=5&board_note_zh=%E5%8D%88%E4%BC%91%E7%85%A7%E5%B8%B8"
                              "&board_note_en=Open+at+lunch",
                              NULL),
                   303);
  char token[TOKEN_MAX];
  assert_int_equal(take(NULL, service_a, "", token), 303);
  view = ticket(token);
  assert_int_equal(json_integer_value(json_at(view, "ticket.notify_default")), 5);
  json_decref(view);
  view = expect_view(&server, NULL, "/o/xinxing/queue/board", 200);
  expect_text_at(view, "news.0", "午休照常");
  json_decref(view);
  char *html = expect_page(&server, &admin, "/staff/admin/queues", 200);
  expect_contains(html, "id=\"counter-new-number\"");
  free(html);
  client_free(&admin);
  /* only admins */
  struct client clerk;
  client_init(&clerk, &server);
  assert_int_equal(client_login(&clerk, "queue-clerk-1", PASSWORD), 303);
  long status = 0;
  json_decref(get_json_view(&server, &clerk, "/staff/admin/queues", &status));
  assert_int_equal(status, 403);
  client_free(&clerk);
  (void)path;
}

/* A service whose only queue is closed says so (409, "not issuing numbers right now") on its
 * choice page and when a number is asked for, and takes none; reopened, it takes numbers
 * again. A service no queue serves stays "no such service" (404). */
static void test_paused_queue(void **state)
{
  (void)state;
  struct client admin, citizen;
  struct response r;
  char form[256], path[64], token[TOKEN_MAX];
  client_init(&admin, &server);
  assert_int_equal(
      client_login_totp(&admin, "queue-admin", PASSWORD, admin_secret, sizeof(admin_secret)), 0);
  json_t *view = expect_view(&server, &admin, "/staff/admin/queues", 200);
  json_t *b = entry(view, "queues", "code", "B");
  assert_non_null(b);
  long long bid = (long long)json_integer_value(json_object_get(b, "id"));
  snprintf(form, sizeof(form), "id=%lld&code=B&name_zh=%%E6%%9A%%AB%%E5%%81%%9C&service=%lld", bid,
           service_b);
  json_decref(view);
  assert_int_equal(admin_post(&admin, "/staff/admin/queues/queue", form, NULL), 303);
  client_init(&citizen, &server);
  snprintf(path, sizeof(path), "/o/xinxing/queue?service=%lld", service_a);
  assert_int_equal(client_get(&citizen, path, &r), 0); /* a form, and its CSRF cookie */
  response_free(&r);
  snprintf(path, sizeof(path), "/o/xinxing/queue?service=%lld", service_b);
  assert_int_equal(client_get(&citizen, path, &r), 0);
  assert_int_equal(r.status, 409);
  expect_contains(r.body, "暫停發號");
  response_free(&r);
  assert_int_equal(take(&citizen, service_b, "", token), 409);
  assert_string_equal(token, "");
  assert_int_equal(take(&citizen, 999999, "", token), 404);
  /* reopened */
  snprintf(form, sizeof(form),
           "id=%lld&code=B&name_zh=%%E6%%9A%%AB%%E5%%81%%9C&service=%lld&open=1", bid, service_b);
  assert_int_equal(admin_post(&admin, "/staff/admin/queues/queue", form, NULL), 303);
  assert_int_equal(take(&citizen, service_b, "", token), 303);
  assert_string_not_equal(token, "");
  client_free(&citizen);
  client_free(&admin);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_numbers_per_queue_per_day),
      cmocka_unit_test(test_counter_console),
      cmocka_unit_test(test_several_matters),
      cmocka_unit_test(test_bad_input),
      cmocka_unit_test(test_kiosk_mode_and_progress_board),
      cmocka_unit_test(test_turn_near),
      cmocka_unit_test(test_concurrent_taking_and_calling),
      cmocka_unit_test(test_admin_pages),
      cmocka_unit_test(test_paused_queue),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
