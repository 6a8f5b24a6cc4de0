/*
 * kpi_test.c - the indicators (issue 20) against a real server on the fake clock: cases taken
 * in at the counter and moved by a handler are counted into the dashboard's figures, which are
 * checked against the database read directly with SQL (not through the code under test):
 * received, completed, on time (closed_at <= due_at), rejected, corrections; the working hours
 * of a case closed five hours after intake on a working day (10:00 -> 15:00 is 4 working hours
 * with the 12:30-13:30 lunch), the median and P90; the CSV export carries the same numbers;
 * filters outside what is offered are a 400 with a message; clerks cannot open the dashboard.
 */
#include <curl/curl.h>
#include <setjmp.h>
#include <zip.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

#define DEMO_PASSWORD  "bianmin-demo-2026"
#define SERVICE_NAME   "買賣移轉登記"
#define RATE_ENV_LOGIN "BIANMIN_RATE_LOGIN=100000"
/* 2026-03-10 10:00 in Taipei, a Tuesday (ROC 115). */
#define START ((time_t)1773108000)
#define HOUR  3600

static struct server server;

enum who { CLERK, HANDLER, SUPERVISOR, ANALYST, WHO_COUNT };
static const char *const usernames[WHO_COUNT] = {"xinxing-clerk", "xinxing-handler",
                                                 "xinxing-supervisor", "xinxing-analyst"};
static struct client clients[WHO_COUNT];
static long long service_id, handler_id;

/* The test's own SQL over the server's database (harness.h). */
static long long sql_int(const char *sql)
{
  return harness_sql_int(&server, sql);
}

/* Fixture rows of the features whose records the indicators read: tickets, petitions,
 * quality records, survey answers. */
static void sql_exec(const char *sql)
{
  harness_sql_exec(&server, sql);
}

static json_t *view_ok(enum who w, const char *path)
{
  long status;
  json_t *v = get_json_view(&server, &clients[w], path, &status);
  if (status != 200 || !v)
    fail_msg("GET %s as %s: %ld", path, usernames[w], status);
  return v;
}

static long post(enum who w, const char *path, const char *form, char **location)
{
  struct client *c = &clients[w];
  char body[4096];
  snprintf(body, sizeof(body), "%s%scsrf=%s", form, *form ? "&" : "", c->csrf);
  const char *headers[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
  struct response r;
  assert_int_equal(client_call(c, "POST", path, headers, body, strlen(body), &r), 0);
  if (location)
    *location = response_header(&r, "Location");
  long status = r.status;
  response_free(&r);
  return status;
}

static long long intake(void)
{
  char form[1024], *location = NULL;
  snprintf(form, sizeof(form),
           "service_id=%lld&applicant_name=%%E7%%8E%%8B%%E5%%B0%%8F%%E6%%98%%8E&applicant_id="
           "A123456789&applicant_phone=0912345678&notify=none&channel=counter&lang=zh-TW&doc_0=x&"
           "handler_id=%lld",
           service_id, handler_id);
  assert_int_equal(post(CLERK, "/staff/intake", form, &location), 303);
  assert_non_null(location);
  long long id = strtoll(location + strlen("/staff/cases/"), NULL, 10);
  free(location);
  assert_true(id > 0);
  return id;
}

static void act(enum who w, long long id, const char *action, const char *form)
{
  char path[96];
  snprintf(path, sizeof(path), "/staff/cases/%lld/%s", id, action);
  long status = post(w, path, form, NULL);
  if (status != 303)
    fail_msg("%s %s on case %lld as %s: %ld", action, form, id, usernames[w], status);
}

static void move(long long id, const char *to)
{
  char form[96];
  snprintf(form, sizeof(form), "to=%s&note=ok", to);
  act(SUPERVISOR, id, "status", form);
}

/* From where the case is, through the registration steps to closed. */
static void close_case(long long id)
{
  static const char *const steps[] = {"received",  "first_review", "second_review",
                                      "recording", "proofreading", "records_updated",
                                      "closed"};
  char path[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld", id);
  json_t *c = view_ok(SUPERVISOR, path);
  const char *status = json_text_at(c, "case.status");
  size_t at = 0;
  while (at < sizeof(steps) / sizeof(*steps) && status && strcmp(steps[at], status))
    at++;
  json_decref(c);
  assert_true(at < sizeof(steps) / sizeof(*steps));
  for (size_t i = at + 1; i < sizeof(steps) / sizeof(*steps); i++)
    move(id, steps[i]);
}

static long long int_at(json_t *v, const char *path)
{
  json_t *x = json_at(v, path);
  if (!json_is_integer(x))
    fail_msg("%s is not an integer", path);
  return (long long)json_integer_value(x);
}

/* The online-growth card of the dashboard at path against its own totals: (now - then) / then
 * in per mille as a signed percentage with one decimal, "-" when there were none a year
 * before. */
static void check_online_growth(const char *path)
{
  json_t *v = view_ok(SUPERVISOR, path);
  long long now = int_at(v, "total.online_received");
  long long then = int_at(v, "previous.online_received");
  char text[32] = "-";
  if (then > 0) {
    long long g = (now - then) * 1000 / then;
    snprintf(text, sizeof(text), "%s%lld.%lld%%", g < 0 ? "-" : "+", llabs(g) / 10, llabs(g) % 10);
  }
  expect_text_at(v, "cards.3.value", text);
  json_decref(v);
}

static void sign_in(enum who w)
{
  if (clients[w].curl)
    client_free(&clients[w]);
  client_init(&clients[w], &server);
  assert_int_equal(client_login(&clients[w], usernames[w], DEMO_PASSWORD), 303);
  struct response r;
  assert_int_equal(client_get(&clients[w], "/staff/", &r), 0);
  assert_int_equal(r.status, 200);
  response_free(&r);
}

static void learn_ids(void)
{
  json_t *v = view_ok(CLERK, "/staff/intake"), *o;
  size_t i;
  json_array_foreach(json_object_get(v, "services"), i, o)
  {
    if (!strcmp(json_string_value(json_object_get(o, "name")), SERVICE_NAME))
      service_id = json_integer_value(json_object_get(o, "id"));
  }
  json_decref(v);
  char path[64];
  snprintf(path, sizeof(path), "/staff/intake?service=%lld", service_id);
  v = view_ok(CLERK, path);
  json_array_foreach(json_object_get(v, "handlers"), i, o)
  {
    if (!strcmp(json_string_value(json_object_get(o, "name")), "承辦人（示範）"))
      handler_id = json_integer_value(json_object_get(o, "id"));
  }
  json_decref(v);
  assert_true(service_id > 0 && handler_id > 0);
}

static int setup(void **state)
{
  (void)state;
  const char *env[] = {RATE_ENV_LOGIN, NULL};
  if (harness_clock_start(START) || server_start(&server, env))
    return -1;
  for (int w = 0; w < WHO_COUNT; w++)
    sign_in((enum who)w);
  learn_ids();
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  for (int w = 0; w < WHO_COUNT; w++)
    if (clients[w].curl)
      client_free(&clients[w]);
  return server_stop(&server) == 0 ? 0 : -1;
}

/* Four cases: one closed after 4 working hours, one corrected then closed, one rejected, one
 * left open. The dashboard's March figures equal the database's own counts. */
static void test_figures_from_the_log(void **state)
{
  (void)state;
  long long closed = intake(), corrected = intake(), rejected = intake(), open = intake();
  move(rejected, "first_review");
  act(SUPERVISOR, rejected, "reject", "note=%E4%B8%8D%E7%AC%A6%E8%A6%8F%E5%AE%9A");
  act(HANDLER, corrected, "correction", "items=%E8%A3%9C%E9%99%84%E8%AD%89%E6%98%8E");
  act(HANDLER, corrected, "corrected", "");
  harness_clock_advance(5 * HOUR); /* 15:00 the same Tuesday: idle sessions have ended */
  for (int w = 0; w < WHO_COUNT; w++)
    sign_in((enum who)w);
  close_case(closed);
  close_case(corrected);
  (void)open;

  json_t *v = view_ok(ANALYST, "/staff/kpi?year=115&month=3");
  long long received = sql_int("SELECT count(*) FROM cases WHERE office_id = (SELECT id FROM "
                               "offices WHERE slug = 'xinxing')");
  long long done = sql_int("SELECT count(*) FROM cases WHERE status = 'closed'");
  long long on_time =
      sql_int("SELECT count(*) FROM cases WHERE status = 'closed' AND closed_at <= due_at");
  assert_int_equal(int_at(v, "total.received"), received);
  assert_int_equal(received, 4);
  assert_int_equal(int_at(v, "total.completed"), done);
  assert_int_equal(done, 2);
  assert_int_equal(int_at(v, "total.on_time"), on_time);
  assert_int_equal(int_at(v, "total.ended_other"),
                   sql_int("SELECT count(*) FROM cases WHERE status = 'rejected'"));
  assert_int_equal(int_at(v, "total.corrections"),
                   sql_int("SELECT count(*) FROM case_events WHERE kind = 'status' AND "
                           "to_status = 'correction'"));
  assert_int_equal(int_at(v, "total.second_corrections"), 0);
  /* the plainly closed case used 10:00-12:30 and 13:30-15:00: 4 working hours; the corrected
   * one fewer (its clock stopped), so the median is at most 4 and P90 is 4 */
  expect_text_at(v, "total.p90_hours", "4");
  /* the demo catalogue's services carry their steps (SOP): counted, never more than there are */
  assert_true(int_at(v, "catalogue.with_sop") > 0);
  assert_true(int_at(v, "catalogue.with_sop") <= int_at(v, "catalogue.services"));
  /* the chart draws the one month with completed cases */
  assert_true(json_is_true(json_at(v, "chart.any")));
  assert_int_equal(json_array_size(json_at(v, "chart.bars")), 1);
  json_t *months = json_at(v, "months");
  assert_int_equal(json_array_size(months), 1);
  expect_text_at(v, "months.0.label", "3");
  json_decref(v);
}

/* The CSV carries the dashboard's numbers; a bad filter is a 400 with words; clerks are out. */
static void test_csv_filters_and_roles(void **state)
{
  (void)state;
  json_t *v = view_ok(SUPERVISOR, "/staff/kpi?year=115");
  long long received = int_at(v, "total.received");
  json_decref(v);
  struct response r;
  assert_int_equal(client_get(&clients[SUPERVISOR], "/staff/kpi.csv?by=channel&year=115", &r), 0);
  assert_int_equal(r.status, 200);
  char *type = response_header(&r, "Content-Type");
  expect_contains(type, "text/csv");
  free(type);
  char line[64];
  snprintf(line, sizeof(line), "\r\n臨櫃,%lld,", received);
  expect_contains(r.body, line);
  response_free(&r);
  /* the same breakdown as an OpenDocument spreadsheet: a zip whose first entry is its type */
  assert_int_equal(client_get(&clients[SUPERVISOR], "/staff/kpi.ods?by=channel&year=115", &r), 0);
  assert_int_equal(r.status, 200);
  assert_true(r.len > 100 && memcmp(r.body, "PK", 2) == 0);
  static const char ods_type[] = "application/vnd.oasis.opendocument.spreadsheet";
  bool typed = false;
  for (size_t i = 0; !typed && i + sizeof(ods_type) - 1 <= r.len; i++)
    typed =
        memcmp(r.body + i, ods_type, sizeof(ods_type) - 1) == 0; /* stored uncompressed, first */
  assert_true(typed);
  response_free(&r);
  static const char *const bad[] = {
      "/staff/kpi?year=abc", "/staff/kpi?month=13", "/staff/kpi?channel=%3Cb%3Efax",
      "/staff/kpi.csv?by=person", "/staff/kpi.ods?by=person",
      /* a unit or service not offered: unknown, or another
       * office's (hsinchu's first ones) */
      "/staff/kpi?unit=999999", "/staff/kpi?service=999999", "/staff/kpi.csv?by=month&unit=999999"};
  char others[2][96]; /* another office's unit and service: not offered either */
  snprintf(others[0], sizeof(others[0]), "/staff/kpi?unit=%lld",
           (long long)harness_sql_int(
               &server,
               "SELECT min(id) FROM units WHERE office_id <> (SELECT id FROM offices WHERE "
               "slug = 'xinxing')"));
  snprintf(others[1], sizeof(others[1]), "/staff/kpi?service=%lld",
           (long long)harness_sql_int(
               &server, "SELECT min(id) FROM services WHERE office_id <> (SELECT id FROM "
                        "offices WHERE slug = 'xinxing')"));
  for (size_t i = 0; i < 2; i++) {
    assert_int_equal(client_get(&clients[SUPERVISOR], others[i], &r), 0);
    if (r.status != 400)
      fail_msg("%s: %ld", others[i], r.status);
    response_free(&r);
  }
  for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
    assert_int_equal(client_get(&clients[SUPERVISOR], bad[i], &r), 0);
    if (r.status != 400)
      fail_msg("%s: %ld", bad[i], r.status);
    expect_contains(r.body, "篩選條件不正確");
    expect_lacks(r.body, "<b>fax");
    response_free(&r);
  }
  assert_int_equal(client_get(&clients[CLERK], "/staff/kpi", &r), 0);
  assert_int_equal(r.status, 403);
  response_free(&r);
}

/* Counting twice counts nothing twice: a scan and a rebuild leave the same figures. */
static void test_rebuild_counts_the_same(void **state)
{
  (void)state;
  json_t *before = view_ok(ANALYST, "/staff/kpi?year=115");
  const char *scan[] = {"scan", NULL}, *rebuild[] = {"kpi-rebuild", NULL};
  assert_int_equal(server_cli(&server, scan), 0);
  assert_int_equal(server_cli(&server, rebuild), 0);
  json_t *after = view_ok(ANALYST, "/staff/kpi?year=115");
  json_t *a = json_object_get(before, "total"), *b = json_object_get(after, "total");
  if (!json_equal(a, b)) {
    char *x = json_dumps(a, JSON_COMPACT), *y = json_dumps(b, JSON_COMPACT);
    fail_msg("before %s, after %s", x, y);
  }
  json_decref(before);
  json_decref(after);
}

#define OFFICE "(SELECT id FROM offices WHERE slug = 'xinxing')"
#define MINUTE 60
#define DAY    86400

/* A ticket of the office's first queue taken at `taken` (Taipei day of it), first called
 * wait_min minutes later (-1: never), with status. */
static void ticket(int n, time_t taken, int wait_min, const char *status)
{
  char sql[1024], called[32] = "NULL";
  if (wait_min >= 0)
    snprintf(called, sizeof(called), "%lld", (long long)taken + wait_min * MINUTE);
  snprintf(sql, sizeof(sql),
           "INSERT INTO tickets (office_id, queue_id, day, number, code, waiting_queue_id, status, "
           "channel, token_hash, taken_at, queued_at, first_called_at) SELECT " OFFICE
           ", q.id, %lld, %d, 'T%03d', q.id, '%s', 'kiosk', 'kpi-test-%d', %lld, %lld, %s FROM "
           "queues q WHERE q.office_id = " OFFICE " ORDER BY q.id LIMIT 1",
           (long long)((taken + 8 * HOUR) / DAY), 900 + n, n, status, n, (long long)taken,
           (long long)taken, called);
  sql_exec(sql);
}

/* A petition received at `at`, due 6 days later, answered after answer_days (-1: not yet). */
static void petition(int n, time_t at, int answer_days, const char *status)
{
  char sql[1024], answered[32] = "NULL";
  if (answer_days >= 0)
    snprintf(answered, sizeof(answered), "%lld", (long long)at + answer_days * DAY);
  snprintf(sql, sizeof(sql),
           "INSERT INTO petitions (office_id, kind, channel, status, subject, body, token_hash, "
           "received_at, due_at, answered_at) VALUES (" OFFICE ", 'petition', 'online', '%s', "
           "'s', 'b', 'kpi-test-%d', %lld, %lld, %s)",
           status, n, (long long)at, (long long)at + 6 * DAY, answered);
  sql_exec(sql);
}

static void quality(const char *kind, const char *held_on, int score)
{
  char sql[512];
  snprintf(sql, sizeof(sql),
           "INSERT INTO quality_records (office_id, kind, held_on, score, recorded_at) VALUES "
           "(" OFFICE ", '%s', '%s', %d, %lld)",
           kind, held_on, score, (long long)START);
  sql_exec(sql);
}

/* An answer to the demo's lunch-hour survey (its five-point question is "overall"). */
static void survey_answer(const char *month, const char *answers)
{
  char sql[512];
  snprintf(sql, sizeof(sql),
           "INSERT INTO survey_answers (survey_id, month, channel, answers, answered_at) SELECT "
           "id, '%s', 'open', '%s', %lld FROM surveys WHERE office_id = " OFFICE
           " AND slug = 'lunch-hour'",
           month, answers, (long long)START);
  sql_exec(sql);
}

/* The indicators that are not cases, from fixture rows of March 2026 (and one of March 2025),
 * each against the test's own SQL over the same rows and the medians the rows imply. */
static void test_service_indicators(void **state)
{
  (void)state;
  static const int waits[] = {4, 9, 14, 31}; /* minutes; the no-show waited 20 */
  for (int i = 0; i < 4; i++)
    ticket(i, START + i * MINUTE, waits[i], "done");
  ticket(4, START + 5 * MINUTE, 20, "no_show");
  ticket(5, START + 6 * MINUTE, -1, "waiting");
  ticket(6, START - 365 * DAY, 2, "done"); /* March 2025 */
  petition(1, START, 2, "answered");
  petition(2, START, 8, "answered");
  petition(3, START, -1, "open");
  petition(4, START, -1, "unverified");
  quality("phone", "2026-03-05", 800);
  quality("phone", "2026-03-20", 900);
  quality("phone", "2026-04-01", 100); /* April: outside the month */
  quality("counter", "2026-03-11", 700);
  static const char *const overall[] = {"5", "4", "4", "3", "2"};
  for (int i = 0; i < 5; i++) {
    char a[64];
    snprintf(a, sizeof(a), "{\"used\": \"yes\", \"overall\": \"%s\"}", overall[i]);
    survey_answer("2026-03", a);
  }
  survey_answer("2026-03", "{\"used\": \"no\"}");
  sql_exec("INSERT INTO settings (office_id, key, value) VALUES (" OFFICE
           ", 'kpi.queue_within_target_permille', '800')");
  sql_exec("INSERT INTO settings (office_id, key, value) VALUES (" OFFICE
           ", 'kpi.courtesy_target_permille', '850')");

  json_t *v = view_ok(ANALYST, "/staff/kpi?year=115&month=3");
  /* the queue: the database's own counts of March's tickets */
#define MARCH_TICKETS                                                                              \
  "FROM tickets WHERE office_id = " OFFICE " AND taken_at >= 1772294400 AND taken_at < 1774972800"
  assert_int_equal(int_at(v, "indicators.queue.tickets"),
                   sql_int("SELECT count(*) " MARCH_TICKETS));
  assert_int_equal(int_at(v, "indicators.queue.called"),
                   sql_int("SELECT count(*) " MARCH_TICKETS " AND first_called_at IS NOT NULL"));
  assert_int_equal(int_at(v, "indicators.queue.no_shows"),
                   sql_int("SELECT count(*) " MARCH_TICKETS " AND status = 'no_show'"));
  assert_int_equal(
      int_at(v, "indicators.queue.within_target"),
      sql_int("SELECT count(*) " MARCH_TICKETS
              " AND first_called_at IS NOT NULL AND first_called_at - taken_at <= 900"));
  assert_int_equal(int_at(v, "indicators.queue.tickets"), 6);
  /* waits 4, 9, 14, 20, 31 minutes: the median is the third, P90 the fifth */
  assert_int_equal(int_at(v, "indicators.queue.median_minutes"), 14);
  assert_int_equal(int_at(v, "indicators.queue.p90_minutes"), 31);
  expect_text_at(v, "indicators.queue.within_rate", "60.0%");
  expect_text_at(v, "indicators.queue.target", "80.0%");
  expect_text_at(v, "indicators.queue.status", "missed");
  assert_int_equal(int_at(v, "indicators.queue.previous.tickets"), 1);
  /* petitions: the unverified one is not counted */
#define MARCH_PETITIONS                                                                            \
  "FROM petitions WHERE office_id = " OFFICE " AND status <> 'unverified' AND received_at >= "     \
  "1772294400 AND received_at < 1774972800"
  assert_int_equal(int_at(v, "indicators.petitions.received"),
                   sql_int("SELECT count(*) " MARCH_PETITIONS));
  assert_int_equal(int_at(v, "indicators.petitions.answered"),
                   sql_int("SELECT count(*) " MARCH_PETITIONS " AND answered_at IS NOT NULL"));
  assert_int_equal(int_at(v, "indicators.petitions.within_limit"),
                   sql_int("SELECT count(*) " MARCH_PETITIONS " AND answered_at <= due_at"));
  assert_int_equal(int_at(v, "indicators.petitions.received"), 3);
  assert_int_equal(int_at(v, "indicators.petitions.median_days"), 2);
  expect_text_at(v, "indicators.petitions.within_rate", "50.0%");
  expect_text_at(v, "indicators.petitions.status", "no_target");
  /* quality records: the mean score of March's */
  assert_int_equal(int_at(v, "indicators.courtesy.records"),
                   sql_int("SELECT count(*) FROM quality_records WHERE kind = 'phone' AND held_on "
                           "BETWEEN '2026-03-01' AND '2026-03-31'"));
  long long mean = sql_int("SELECT sum(score) / count(*) FROM quality_records WHERE kind = "
                           "'phone' AND held_on BETWEEN '2026-03-01' AND '2026-03-31'");
  char text[32];
  snprintf(text, sizeof(text), "%lld.%lld%%", mean / 10, mean % 10);
  expect_text_at(v, "indicators.courtesy.mean", text);
  expect_text_at(v, "indicators.courtesy.status", "met");
  expect_text_at(v, "indicators.spot_check.mean", "70.0%");
  /* satisfaction: answers to the five-point question, 4 and 5 satisfied */
  assert_int_equal(int_at(v, "indicators.satisfaction.answers"),
                   sql_int("SELECT count(*) FROM survey_answers WHERE month = '2026-03' AND "
                           "answers LIKE '%overall%'"));
  assert_int_equal(int_at(v, "indicators.satisfaction.satisfied"),
                   sql_int("SELECT count(*) FROM survey_answers WHERE month = '2026-03' AND "
                           "(answers LIKE '%\"overall\": \"4\"%' OR answers LIKE "
                           "'%\"overall\": \"5\"%')"));
  expect_text_at(v, "indicators.satisfaction.rate", "60.0%");
  json_decref(v);

  /* a channel filter applies to none of them; a service filter not to petitions */
  check_online_growth("/staff/kpi?year=116");
  v = view_ok(ANALYST, "/staff/kpi?year=115&month=3&channel=online");
  assert_true(json_is_false(json_at(v, "indicators.queue.applies")));
  expect_text_at(v, "indicators.rows.1.status", "not_applicable");
  json_decref(v);
  char path[128];
  snprintf(path, sizeof(path), "/staff/kpi?year=115&month=3&service=%lld", service_id);
  v = view_ok(ANALYST, path);
  assert_true(json_is_true(json_at(v, "indicators.queue.applies")));
  assert_true(json_is_false(json_at(v, "indicators.petitions.applies")));
  json_decref(v);

  /* the export carries the same rows */
  struct response r;
  assert_int_equal(
      client_get(&clients[ANALYST], "/staff/kpi.csv?by=indicators&year=115&month=3", &r), 0);
  assert_int_equal(r.status, 200);
  expect_contains(r.body, "60.0%");
  expect_contains(r.body, "14 / 31");
  response_free(&r);
}

/* A done ticket n taken at `taken`, called wait_min minutes later and done service_s seconds
 * after that call. */
static void served_ticket(int n, time_t taken, int wait_min, int service_s)
{
  char sql[256];
  ticket(n, taken, wait_min, "done");
  snprintf(sql, sizeof(sql),
           "UPDATE tickets SET called_at = first_called_at, done_at = first_called_at + %d WHERE "
           "token_hash = 'kpi-test-%d'",
           service_s, n);
  sql_exec(sql);
}

static void rate_petition(int n, int rating)
{
  char sql[256];
  snprintf(sql, sizeof(sql),
           "UPDATE petitions SET rating = %d, rated_at = answered_at WHERE token_hash = "
           "'kpi-test-%d'",
           rating, n);
  sql_exec(sql);
}

/* content.xml of an ODS answer (malloc'd, NUL-terminated). */
static char *ods_content(const struct response *r)
{
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t *src = zip_source_buffer_create(r->body, r->len, 0, &error);
  zip_t *zip = src ? zip_open_from_source(src, ZIP_RDONLY, &error) : NULL;
  zip_stat_t st;
  if (!zip || zip_stat(zip, "content.xml", 0, &st))
    fail_msg("not an ODS with content.xml");
  char *text = calloc(1, st.size + 1);
  zip_file_t *f = zip_fopen(zip, "content.xml", 0);
  assert_true(text && f && zip_fread(f, text, st.size) == (zip_int64_t)st.size);
  zip_fclose(f);
  zip_close(zip);
  return text;
}

/* The P-th percentile of May 2026's service minutes by the test's own SQL: the value at the
 * ceil(n * p / 100)-th place in ascending order. */
#define MAY_DONE                                                                                   \
  "FROM tickets WHERE office_id = " OFFICE " AND taken_at >= 1777564800 AND taken_at < "           \
  "1780243200 AND status = 'done' AND called_at IS NOT NULL AND done_at >= called_at"
static long long may_service_percentile(long long n, int p)
{
  char sql[512];
  snprintf(sql, sizeof(sql),
           "SELECT (done_at - called_at + 59) / 60 " MAY_DONE " ORDER BY 1 LIMIT 1 OFFSET %lld",
           (n * p + 99) / 100 - 1);
  return sql_int(sql);
}

/* Counter service time (last call to done) and the petitions' answer rating, from fixture rows
 * of May 2026 (and of May 2025), against the test's own SQL. */
static void test_service_time_and_rating(void **state)
{
  (void)state;
  enum { MAY = START + 61 * DAY };
  static const int service_s[] = {170, 420, 721, 1500}; /* 3, 7, 13 and 25 minutes up */
  for (int i = 0; i < 4; i++)
    served_ticket(20 + i, MAY + i * MINUTE, 5, service_s[i]);
  ticket(24, MAY + 5 * MINUTE, 3, "called");  /* called, not done: no service time */
  served_ticket(25, MAY - 365 * DAY, 2, 300); /* May 2025 */
  static const int ratings[] = {5, 4, 3, 1};
  for (int i = 0; i < 4; i++) {
    petition(20 + i, MAY, 1, "answered");
    rate_petition(20 + i, ratings[i]);
  }
  petition(24, MAY, 2, "answered"); /* answered, not rated */
  petition(25, MAY - 365 * DAY, 1, "answered");
  rate_petition(25, 2);
  sql_exec("INSERT INTO settings (office_id, key, value) VALUES (" OFFICE
           ", 'kpi.petition_rating_target_permille', '510')");

  json_t *v = view_ok(ANALYST, "/staff/kpi?year=115&month=5");
  long long served = sql_int("SELECT count(*) " MAY_DONE);
  assert_int_equal(served, 4);
  assert_int_equal(int_at(v, "indicators.queue.served"), served);
  assert_int_equal(int_at(v, "indicators.queue.service_median_minutes"),
                   may_service_percentile(served, 50));
  assert_int_equal(int_at(v, "indicators.queue.service_p90_minutes"),
                   may_service_percentile(served, 90));
  assert_int_equal(int_at(v, "indicators.queue.service_median_minutes"), 7);
  assert_int_equal(int_at(v, "indicators.queue.service_p90_minutes"), 25);
  assert_int_equal(int_at(v, "indicators.queue.previous.served"), 1);
  assert_int_equal(int_at(v, "indicators.queue.previous.service_median_minutes"), 5);
#define MAY_RATED                                                                                  \
  "FROM petitions WHERE office_id = " OFFICE " AND status <> 'unverified' AND received_at >= "     \
  "1777564800 AND received_at < 1780243200 AND rating IS NOT NULL"
  assert_int_equal(int_at(v, "indicators.petition_rating.rated"),
                   sql_int("SELECT count(*) " MAY_RATED));
  assert_int_equal(int_at(v, "indicators.petition_rating.satisfied"),
                   sql_int("SELECT count(*) " MAY_RATED " AND rating >= 4"));
  expect_text_at(v, "indicators.petition_rating.rate", "50.0%");
  expect_text_at(v, "indicators.petition_rating.target", "51.0%");
  expect_text_at(v, "indicators.petition_rating.status", "at_risk");
  assert_int_equal(int_at(v, "indicators.petition_rating.previous.rated"), 1);
  expect_text_at(v, "indicators.petition_rating.previous.rate", "0.0%");
  expect_text_at(v, "indicators.rows.8.key", "queue_service");
  expect_text_at(v, "indicators.rows.8.value", "7 / 25 (n=4)");
  expect_text_at(v, "indicators.rows.8.previous", "5 / 5 (n=1)");
  expect_text_at(v, "indicators.rows.9.value", "50.0% (n=4)");
  expect_text_at(v, "indicators.rows.9.status", "at_risk");
  json_decref(v);

  /* a service filter applies to the queue, not to the petitions' ratings */
  char path[128];
  snprintf(path, sizeof(path), "/staff/kpi?year=115&month=5&service=%lld", service_id);
  v = view_ok(ANALYST, path);
  assert_true(json_is_false(json_at(v, "indicators.petition_rating.applies")));
  expect_text_at(v, "indicators.rows.9.status", "not_applicable");
  json_decref(v);

  /* the exports carry the same rows */
  struct response r;
  assert_int_equal(
      client_get(&clients[ANALYST], "/staff/kpi.csv?by=indicators&year=115&month=5", &r), 0);
  assert_int_equal(r.status, 200);
  expect_contains(r.body, "7 / 25 (n=4)");
  expect_contains(r.body, "50.0% (n=4)");
  response_free(&r);
  assert_int_equal(
      client_get(&clients[ANALYST], "/staff/kpi.ods?by=indicators&year=115&month=5", &r), 0);
  assert_int_equal(r.status, 200);
  char *content = ods_content(&r);
  expect_contains(content, "7 / 25 (n=4)");
  expect_contains(content, "50.0% (n=4)");
  free(content);
  response_free(&r);
}

/* Each case figure links to the work list of exactly its cases: the list's count equals the
 * figure (and those who may not see the office's list get no links). */
static void check_case_links(const char *dashboard)
{
  json_t *v = view_ok(SUPERVISOR, dashboard), *link;
  size_t i;
  assert_int_equal(json_array_size(json_object_get(v, "case_links")), 6);
  json_array_foreach(json_object_get(v, "case_links"), i, link)
  {
    const char *href = json_string_value(json_object_get(link, "href"));
    json_t *list = view_ok(SUPERVISOR, href);
    long long figure = int_at(link, "value"), count = int_at(list, "total");
    if (figure != count)
      fail_msg("%s: figure %lld, list %lld", href, figure, count);
    json_decref(list);
  }
  json_decref(v);
}

static void test_figures_link_to_their_cases(void **state)
{
  (void)state;
  check_case_links("/staff/kpi?year=115&month=3");
  check_case_links("/staff/kpi?year=115&channel=counter");
  char path[128];
  snprintf(path, sizeof(path), "/staff/kpi?year=115&service=%lld", service_id);
  check_case_links(path);
  /* each of the office's units (the cases' unit comes from their service) */
  json_t *v = view_ok(SUPERVISOR, "/staff/kpi?year=115"), *unit;
  size_t i;
  json_array_foreach(json_at(v, "filter.units"), i, unit)
  {
    snprintf(path, sizeof(path), "/staff/kpi?year=115&unit=%lld", int_at(unit, "value"));
    check_case_links(path);
  }
  assert_true(json_array_size(json_at(v, "filter.units")) > 0);
  json_decref(v);
  v = view_ok(SUPERVISOR, "/staff/kpi?year=115&month=3");
  assert_true(int_at(v, "total.received") >= 4);
  json_decref(v);
  /* the online filings' growth, also when it falls: a year without cases after one with online
   * filings is -100.0%, not "no data" (-1 per mille once stood for both) */
  check_online_growth("/staff/kpi?year=115");
  check_online_growth("/staff/kpi?year=116");
  /* the open case, a year on, is overdue: the figure and its list move together */
  harness_clock_advance(90 * DAY);
  const char *scan[] = {"scan", NULL};
  assert_int_equal(server_cli(&server, scan), 0);
  for (int w = 0; w < WHO_COUNT; w++)
    sign_in((enum who)w);
  v = view_ok(SUPERVISOR, "/staff/kpi?year=115&month=3");
  assert_true(int_at(v, "cards.1.value") >= 1);
  json_decref(v);
  check_case_links("/staff/kpi?year=115&month=3");
  /* analysts cannot open the work list: no links; a figure not offered is a 400 */
  v = view_ok(ANALYST, "/staff/kpi?year=115");
  assert_true(json_is_false(json_object_get(v, "case_links_any")));
  json_decref(v);
  struct response r;
  assert_int_equal(client_get(&clients[SUPERVISOR], "/staff/cases?kpi=everything&year=115", &r), 0);
  assert_int_equal(r.status, 400);
  response_free(&r);
  assert_int_equal(client_get(&clients[HANDLER], "/staff/cases?kpi=received&year=115", &r), 0);
  assert_int_equal(r.status, 403);
  response_free(&r);
}

/* A counter intake of the test's service with extra form fields (documents); the status. */
static long intake_with(const char *documents, long long *case_id)
{
  char form[2048], *location = NULL;
  snprintf(form, sizeof(form),
           "service_id=%lld&applicant_name=%%E7%%8E%%8B%%E5%%B0%%8F%%E6%%98%%8E&applicant_phone="
           "0912345678&notify=none&channel=counter&lang=zh-TW&handler_id=%lld&%s",
           service_id, handler_id, documents);
  long status = post(CLERK, "/staff/intake", form, &location);
  if (case_id)
    *case_id = location ? strtoll(location + strlen("/staff/cases/"), NULL, 10) : 0;
  free(location);
  return status;
}

#define YEAR_CHECKS(y0, y1)                                                                        \
  "FROM case_document_checks WHERE office_id = " OFFICE " AND required > 0 AND received_at >= " y0 \
  " AND received_at < " y1
#define Y2026 YEAR_CHECKS("1767196800", "1798732800")

/* Cases filed without paper certificates: intake records which required documents were
 * handed in on paper and which were checked online; the indicator counts the cases with at
 * least one checked online and none on paper, against the test's own SQL, with its growth. */
static void test_paperless_cases(void **state)
{
  (void)state;
  char path[96];
  snprintf(path, sizeof(path), "/staff/intake?service=%lld", service_id);
  json_t *form = view_ok(CLERK, path);
  json_t *docs = json_object_get(form, "documents");
  assert_true(json_array_size(docs) >= 2);
  assert_true(json_is_true(json_object_get(form, "has_documents")));
  expect_text_at(form, "documents.1.online_field", "online_doc_1");
  char *d0 = curl_easy_escape(
      NULL, json_string_value(json_object_get(json_array_get(docs, 0), "name")), 0);
  char *d1 = curl_easy_escape(
      NULL, json_string_value(json_object_get(json_array_get(docs, 1), "name")), 0);
  json_decref(form);
  long long before_cases = sql_int("SELECT count(*) FROM cases");
  json_t *v = view_ok(ANALYST, "/staff/kpi?year=115");
  long long with0 = int_at(v, "indicators.paperless.with_documents");
  long long paperless0 = int_at(v, "indicators.paperless.paperless");
  json_decref(v);

  char f[1024];
  long long ids[5] = {0};
  snprintf(f, sizeof(f), "doc_0=%s", d0); /* on paper */
  assert_int_equal(intake_with(f, &ids[0]), 303);
  snprintf(f, sizeof(f), "online_doc_0=%s", d0); /* checked online only */
  assert_int_equal(intake_with(f, &ids[1]), 303);
  snprintf(f, sizeof(f), "doc_0=%s&online_doc_1=%s", d0, d1); /* one of each */
  assert_int_equal(intake_with(f, &ids[2]), 303);
  snprintf(f, sizeof(f), "online_doc_0=%s&online_doc_1=%s", d0, d1); /* both online */
  assert_int_equal(intake_with(f, &ids[3]), 303);
  snprintf(f, sizeof(f), "online_doc_1=%s", d1); /* online, moved to a year before below */
  assert_int_equal(intake_with(f, &ids[4]), 303);
  /* the same document on paper and online: taken in, and it counts as on paper (the clerk
   * holds the paper), so a clerk who ticks every box is not turned away */
  long long both = 0;
  snprintf(f, sizeof(f), "doc_0=%s&online_doc_0=%s", d0, d0);
  assert_int_equal(intake_with(f, &both), 303);
  assert_int_equal(sql_int("SELECT count(*) FROM cases"), before_cases + 6);
  curl_free(d0);
  curl_free(d1);
  char sql[256];
  snprintf(sql, sizeof(sql),
           "UPDATE case_document_checks SET received_at = received_at - 365 * 86400 WHERE "
           "case_id = %lld",
           ids[4]);
  sql_exec(sql);
  snprintf(sql, sizeof(sql),
           "SELECT on_paper * 10 + online FROM case_document_checks WHERE case_id = %lld", ids[2]);
  assert_int_equal(sql_int(sql), 11);
  snprintf(sql, sizeof(sql),
           "SELECT on_paper * 10 + online FROM case_document_checks WHERE case_id = %lld", both);
  assert_int_equal(sql_int(sql), 10);

  v = view_ok(ANALYST, "/staff/kpi?year=115");
  long long with = sql_int("SELECT count(*) " Y2026);
  long long paperless = sql_int("SELECT count(*) " Y2026 " AND online > 0 AND on_paper = 0");
  assert_int_equal(int_at(v, "indicators.paperless.with_documents"), with);
  assert_int_equal(int_at(v, "indicators.paperless.paperless"), paperless);
  assert_int_equal(with, with0 + 5);
  assert_int_equal(paperless, paperless0 + 2);
  char text[32];
  snprintf(text, sizeof(text), "%lld.%lld%%", (paperless * 1000 + with / 2) / with / 10,
           (paperless * 1000 + with / 2) / with % 10);
  expect_text_at(v, "indicators.paperless.rate", text);
  assert_int_equal(int_at(v, "indicators.paperless.previous.paperless"),
                   sql_int("SELECT count(*) " YEAR_CHECKS(
                       "1735660800", "1767196800") " AND online > 0 AND on_paper = 0"));
  /* growth against the year before: (now - then) / then */
  long long then = int_at(v, "indicators.paperless.previous.paperless");
  assert_true(then >= 1);
  long long g = (paperless - then) * 1000 / then;
  snprintf(text, sizeof(text), "%s%lld.%lld%%", g < 0 ? "-" : "+", llabs(g) / 10, llabs(g) % 10);
  expect_text_at(v, "indicators.paperless.growth", text);
  expect_text_at(v, "indicators.rows.11.value", text);
  expect_text_at(v, "indicators.rows.10.key", "paperless");
  json_decref(v);

  /* a target, and the channel filter applies to this one */
  sql_exec("INSERT INTO settings (office_id, key, value) VALUES (" OFFICE
           ", 'kpi.paperless_target_permille', '1000')");
  v = view_ok(ANALYST, "/staff/kpi?year=115&channel=counter");
  assert_true(json_is_true(json_at(v, "indicators.paperless.applies")));
  expect_text_at(v, "indicators.paperless.target", "100.0%");
  expect_text_at(v, "indicators.paperless.status", "missed");
  assert_int_equal(int_at(v, "indicators.paperless.paperless"),
                   sql_int("SELECT count(*) " Y2026 " AND online > 0 AND on_paper = 0 AND case_id "
                           "IN (SELECT id FROM cases WHERE channel = 'counter')"));
  json_decref(v);
  v = view_ok(ANALYST, "/staff/kpi?year=115&channel=online");
  assert_int_equal(int_at(v, "indicators.paperless.with_documents"),
                   sql_int("SELECT count(*) " Y2026 " AND case_id IN (SELECT id FROM cases WHERE "
                           "channel = 'online')"));
  json_decref(v);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_figures_from_the_log),
      cmocka_unit_test(test_csv_filters_and_roles),
      cmocka_unit_test(test_rebuild_counts_the_same),
      cmocka_unit_test(test_service_indicators),
      cmocka_unit_test(test_service_time_and_rating),
      cmocka_unit_test(test_figures_link_to_their_cases),
      cmocka_unit_test(test_paperless_cases),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
