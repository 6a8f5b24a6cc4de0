/*
 * booking_test.c - booked visits (issue 18) against a real server on the fake clock (SQLite;
 * PostgreSQL as pg/http_booking_test): an admin sets the slots (bad settings refused with a
 * message, nothing changed); a citizen books a visit for a service (days off not offered, the
 * confirmation page with its number and private link), a full slot is refused, eight citizens
 * racing for the last place of a slot get exactly one booking, a booking is moved (its old
 * place freed) and cancelled (then no longer changeable); a pickup booking is taken only for a
 * case that is ready (a case still in progress and a wrong check code are refused); the kiosk
 * checks a booking of today in, on time and then late, and refuses one of another day; the
 * staff's day list shows them per counter; after the day `bianmin scan` marks the rest no-show
 * and the figures count made, kept, no-show and cancelled.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "harness.h"

#define DEMO_PASSWORD  "bianmin-demo-2026"
#define ADMIN_PASSWORD "admin-password-123"
#define VISIT_SERVICE  "買賣移轉登記"
#define READY_SERVICE  "地籍謄本核發" /* taken in at the counter: issued at once */
/* 2026-03-10 10:00 in Taipei, a Tuesday. */
#define START  ((time_t)1773108000)
#define DAY    86400LL
#define RACERS 8

#define PYTHON "/usr/bin/python3"

extern char **environ;

static struct server server;
static pid_t smtp_pid;
static char work[64], mail_dir[128], mail_env[64];
static struct client admin, clerk, supervisor, citizen;
static long long visit_id, ready_id;
static long long today; /* the Taipei day number of START */

/* ---- the SMTP server the outbox sends to (tests/support/smtp_sink.py) -------------------- */

static bool file_ready(void *path)
{
  return access(path, F_OK) == 0;
}

static int start_smtp(void)
{
  char port[16], ready[160], log[128];
  int smtp_port = harness_free_port();
  snprintf(work, sizeof(work), "/tmp/bianmin-booking-XXXXXX");
  if (!smtp_port || !mkdtemp(work))
    return -1;
  snprintf(mail_dir, sizeof(mail_dir), "%s/mail", work);
  snprintf(mail_env, sizeof(mail_env), "BIANMIN_MAIL_URL=smtp://127.0.0.1:%d", smtp_port);
  snprintf(port, sizeof(port), "%d", smtp_port);
  snprintf(ready, sizeof(ready), "%s/ready", mail_dir);
  snprintf(log, sizeof(log), "%s/smtp.log", work);
  const char *args[] = {PYTHON, BIANMIN_SOURCE_DIR "/tests/support/smtp_sink.py", port, mail_dir,
                        NULL};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (posix_spawn(&smtp_pid, PYTHON, &actions, NULL, (char *const *)args, environ) != 0)
    smtp_pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return smtp_pid > 0 && harness_wait_until(file_ready, ready, ready) ? 0 : -1;
}

/* The first base64 text/plain part of a mail, decoded (malloc'd), or NULL. */
static char *mail_text(const char *mail)
{
  const char *p = strstr(mail, "Content-Type: text/plain; charset=UTF-8");
  if (!p || !(p = strstr(p, "\r\n\r\n")))
    return NULL;
  p += 4;
  size_t n = strcspn(p, "-"), j = 0, len = 0;
  char *clean = calloc(1, n + 1), *out = calloc(1, n + 1);
  for (size_t i = 0; clean && i < n; i++)
    if (p[i] != '\r' && p[i] != '\n')
      clean[j++] = p[i];
  if (clean && out)
    sodium_base642bin((unsigned char *)out, n, clean, j, NULL, &len, NULL,
                      sodium_base64_VARIANT_ORIGINAL);
  free(clean);
  return out;
}

/* How many received mails' text holds both needles. */
static int mails_with(const char *a, const char *b)
{
  char path[400];
  DIR *d = opendir(mail_dir);
  struct dirent *e;
  int n = 0;
  while (d && (e = readdir(d)) != NULL) {
    if (!strstr(e->d_name, ".eml") || strstr(e->d_name, ".tmp"))
      continue;
    snprintf(path, sizeof(path), "%s/%s", mail_dir, e->d_name);
    FILE *f = fopen(path, "rb");
    char *data = calloc(1, 1 << 20);
    if (f && data && fread(data, 1, (1 << 20) - 1, f) > 0) {
      char *text = mail_text(data);
      n += text && strstr(text, a) && strstr(text, b);
      free(text);
    }
    if (f)
      fclose(f);
    free(data);
  }
  if (d)
    closedir(d);
  return n;
}

struct mail_wait {
  const char *a, *b;
};

static bool mail_arrived(void *arg)
{
  const struct mail_wait *w = arg;
  return mails_with(w->a, w->b) > 0;
}

static void expect_mail(const char *a, const char *b)
{
  struct mail_wait w = {a, b};
  if (!harness_wait_until(mail_arrived, &w, "a booking mail"))
    fail_msg("no mail holds \"%s\" and \"%s\"", a, b);
}

/* ---- helpers --------------------------------------------------------------------------- */

static const char *text_of(json_t *o, const char *key)
{
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

static json_t *view(struct client *c, const char *path, long expected)
{
  long status = 0;
  json_t *v = get_json_view(&server, c, path, &status);
  if (status != expected || !v)
    fail_msg("GET %s: expected %ld, got %ld", path, expected, status);
  return v;
}

/* POSTs form (with the client's CSRF token) asking for JSON: the status (-1 when no answer
 * came); *location and *out (may be NULL) receive the Location header and the JSON body. It
 * and book() and call_and_finish() assert nothing, since the race tests call them from worker
 * threads (a cmocka assert there would jump into the main thread's stack): their callers
 * check what they return. */
static long post(struct client *c, const char *path, const char *form, char **location,
                 json_t **out)
{
  char body[4096];
  snprintf(body, sizeof(body), "%s%scsrf=%s", form, *form ? "&" : "", c->csrf);
  const char *headers[] = {"Content-Type: application/x-www-form-urlencoded",
                           "Accept: application/json", NULL};
  struct response r;
  if (location)
    *location = NULL;
  if (out)
    *out = NULL;
  if (client_call(c, "POST", path, headers, body, strlen(body), &r) != 0)
    return -1;
  if (location)
    *location = response_header(&r, "Location");
  if (out)
    *out = response_json(&r);
  long status = r.status;
  response_free(&r);
  return status;
}

static void expect_post(struct client *c, const char *path, const char *form, long expected,
                        const char *message)
{
  json_t *v = NULL;
  long status = post(c, path, form, NULL, &v);
  char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
  if (status != expected)
    fail_msg("POST %s (%s): expected %ld, got %ld %.600s", path, form, expected, status,
             text ? text : "");
  if (message)
    expect_contains(text, message);
  free(text);
  json_decref(v);
}

static long long service_named(const char *name)
{
  json_t *v = view(&admin, "/staff/admin/bookings", 200), *s;
  size_t i;
  long long id = 0;
  json_array_foreach(json_object_get(v, "services"), i, s)
  {
    if (!strcmp(text_of(s, "name"), name))
      id = (long long)json_integer_value(json_object_get(s, "id"));
  }
  json_decref(v);
  if (!id)
    fail_msg("no service called %s", name);
  return id;
}

/* Books a visit as c at day, minute: the status (-2 for a 303 to anything but a booking's
 * page); the token (when booked) in token. */
static long book(struct client *c, long long day, int minute, char token[64])
{
  char form[512], *location = NULL;
  snprintf(form, sizeof(form),
           "kind=visit&service=%lld&day=%lld&slot=%d&name=%%E7%%8E%%8B%%E5%%B0%%8F%%E6%%98%%8E&"
           "phone=0912345678",
           visit_id, day, minute);
  long status = post(c, "/o/xinxing/book", form, &location, NULL);
  if (token)
    token[0] = '\0';
  if (status == 303 && (!location || strncmp(location, "/b/", 3) != 0))
    status = -2;
  else if (status == 303 && token)
    snprintf(token, 64, "%.43s", location + 3);
  free(location);
  return status;
}

static json_t *booking_of(const char *token)
{
  char path[96];
  snprintf(path, sizeof(path), "/b/%s", token);
  return view(&citizen, path, 200);
}

static void expect_status(const char *token, const char *status)
{
  json_t *v = booking_of(token);
  expect_text_at(v, "booking.status", status);
  json_decref(v);
}

static const char *number_of(const char *token, char out[16])
{
  json_t *v = booking_of(token);
  snprintf(out, 16, "%s", json_text_at(v, "booking.number"));
  json_decref(v);
  return out;
}

/* Takes in a case of service at the counter as the clerk: its number and check code. */
static void take_in(long long service, char key[64], char check[16])
{
  char form[512], *location = NULL, path[64];
  snprintf(form, sizeof(form),
           "service_id=%lld&applicant_name=%%E7%%8E%%8B%%E5%%B0%%8F%%E6%%98%%8E&notify=none&"
           "channel=counter&lang=zh-TW&doc_0=x",
           service);
  struct response r;
  assert_int_equal(client_post(&clerk, "/staff/intake", form, &r), 0);
  if (r.status != 303)
    fail_msg("intake: %ld %.600s", r.status, r.body);
  location = response_header(&r, "Location");
  response_free(&r);
  assert_non_null(location);
  snprintf(path, sizeof(path), "/staff/cases/%lld", strtoll(location + 13, NULL, 10));
  free(location);
  json_t *v = view(&clerk, path, 200);
  snprintf(key, 64, "%s", json_text_at(v, "case.case_key"));
  snprintf(check, 16, "%s", json_text_at(v, "case.check_code"));
  json_decref(v);
}

/* A new session after the fake clock moved past the last one's idle limit. */
static void sign_in_supervisor(void)
{
  client_free(&supervisor);
  assert_int_equal(client_init(&supervisor, &server), 0);
  assert_int_equal(client_login(&supervisor, "xinxing-supervisor", DEMO_PASSWORD), 303);
}

static void settings(const char *extra, long expected, const char *message)
{
  char form[1024];
  snprintf(
      form, sizeof(form),
      "slot_minutes=30&capacity=1&pickup=1&service=%lld&consult_weekday=3&"
      "consult_start=14:00&consult_end=16:00&consult_capacity=2&"
      "consult_title_zh=%%E5%%85%%8D%%E8%%B2%%BB%%E6%%B3%%95%%E5%%BE%%8B%%E8%%AB%%AE%%E8%%A9%%A2&"
      "consult_title_en=Free+legal+advice%s",
      visit_id, extra);
  expect_post(&admin, "/staff/admin/bookings", form, expected, message);
}

static int setup(void **state)
{
  (void)state;
  static char secret[64];
  if (start_smtp())
    return -1;
  const char *env[] = {"BIANMIN_RATE_LOGIN=100000",
                       "BIANMIN_RATE_LOOKUP=100000",
                       "BIANMIN_RATE_PUBLIC=100000",
                       mail_env,
                       "BIANMIN_MAIL_STARTTLS=false",
                       "BIANMIN_MAIL_FROM=notices@xinxing.example",
                       "BIANMIN_NOTIFY_QUIET_START=00:00",
                       "BIANMIN_NOTIFY_QUIET_END=00:00",
                       "BIANMIN_NOTIFY_POLL=1",
                       "BIANMIN_PUBLIC_URL=https://bianmin.example",
                       NULL};
  if (harness_clock_start(START) || server_start(&server, env))
    return -1;
  harness_add_user(&server, "xinxing", "booking-admin", "admin", ADMIN_PASSWORD);
  struct response r;
  if (client_init(&admin, &server) || client_init(&clerk, &server) ||
      client_init(&supervisor, &server) || client_init(&citizen, &server) ||
      client_login_totp(&admin, "booking-admin", ADMIN_PASSWORD, secret, sizeof(secret)) ||
      client_login(&clerk, "xinxing-clerk", DEMO_PASSWORD) != 303 ||
      client_login(&supervisor, "xinxing-supervisor", DEMO_PASSWORD) != 303)
    return -1;
  assert_int_equal(client_get(&admin, "/staff/admin/bookings", &r), 0);
  response_free(&r);
  assert_int_equal(client_get(&clerk, "/staff/intake", &r), 0);
  response_free(&r);
  assert_int_equal(client_get(&citizen, "/o/xinxing/book/checkin", &r), 0); /* CSRF token */
  assert_int_equal(r.status, 200);
  response_free(&r);
  today = (long long)(START + 8 * 3600) / DAY;
  visit_id = service_named(VISIT_SERVICE);
  ready_id = service_named(READY_SERVICE);
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  client_free(&admin);
  client_free(&clerk);
  client_free(&supervisor);
  client_free(&citizen);
  int rc = server_stop(&server);
  if (smtp_pid > 0) {
    kill(smtp_pid, SIGTERM);
    waitpid(smtp_pid, NULL, 0);
  }
  char cmd[128];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", work);
  if (!getenv("BIANMIN_KEEP_TEST_DIRS") && system(cmd) != 0)
    return -1;
  return rc == 0 ? 0 : -1;
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_settings(void **state)
{
  (void)state;
  json_t *v = view(&citizen, "/o/hsinchu/book", 200); /* the demo sets xinxing only */
  assert_true(json_is_true(json_at(v, "choices.nothing")));
  json_decref(v);
  v = view(&citizen, "/o/xinxing/book", 200);
  assert_false(json_is_true(json_at(v, "choices.nothing")));
  expect_text_at(v, "choices.consult.title", "免費法律諮詢");
  json_decref(v);
  settings("", 200, NULL);
  expect_post(&admin, "/staff/admin/bookings", "slot_minutes=5&capacity=1&consult_weekday=0", 400,
              "時段長度 10 到 240 分鐘");
  expect_post(&admin, "/staff/admin/bookings",
              "slot_minutes=30&capacity=1&consult_weekday=3&consult_start=16:00&"
              "consult_end=14:00&consult_capacity=2",
              400, "開始早於結束");
  v = view(&admin, "/staff/admin/bookings", 200);
  assert_int_equal(json_integer_value(json_object_get(v, "slot_minutes")), 30);
  assert_true(json_is_true(json_object_get(v, "pickup")));
  json_decref(v);
  expect_post(&clerk, "/staff/admin/bookings", "slot_minutes=30&capacity=1", 403, NULL);
  char *html = expect_page(&server, &admin, "/staff/admin/bookings", 200);
  expect_contains(html, "name=\"service\"");
  expect_contains(html, "免費法律諮詢");
  free(html);
  html = expect_page(&server, &admin, "/staff/admin/audit", 200); /* the change is audited */
  expect_contains(html, "變更預約設定");
  free(html);
  v = view(&citizen, "/o/xinxing/book", 200);
  expect_text_at(v, "choices.services.0.name", VISIT_SERVICE);
  expect_text_at(v, "choices.consult.title", "免費法律諮詢");
  json_decref(v);
}

static void test_days_and_times(void **state)
{
  (void)state;
  char path[128];
  snprintf(path, sizeof(path), "/o/xinxing/book?kind=visit&service=%lld", visit_id);
  json_t *v = view(&citizen, path, 200), *d;
  size_t i;
  json_array_foreach(json_object_get(v, "days"), i, d)
  {
    long long day = (long long)json_integer_value(json_object_get(d, "day"));
    int weekday = (int)((day + 3) % 7) + 1; /* 1970-01-01 was a Thursday (4) */
    assert_true(day >= today && day < today + 28);
    if (weekday >= 6)
      fail_msg("day %lld (%s) is a weekend day", day, text_of(d, "label"));
  }
  assert_true(json_array_size(json_object_get(v, "days")) >= 15);
  json_decref(v);
  /* today: only the times after 10:00; 08:30-12:30 and 13:30-17:30 in 30-minute slots */
  snprintf(path, sizeof(path), "/o/xinxing/book?kind=visit&service=%lld&day=%lld", visit_id, today);
  v = view(&citizen, path, 200);
  expect_text_at(v, "times.0.label", "10:30–11:00");
  json_t *times = json_object_get(v, "times");
  for (i = 0; i < json_array_size(times); i++)
    assert_int_not_equal(json_integer_value(json_at(json_array_get(times, i), "start")), 750);
  json_decref(v);
  snprintf(path, sizeof(path), "/o/xinxing/book?kind=visit&service=%lld&day=%lld", visit_id,
           today + 1);
  v = view(&citizen, path, 200);
  expect_text_at(v, "times.0.label", "08:30–09:00");
  assert_int_equal(json_array_size(json_object_get(v, "times")), 16);
  json_decref(v);
  /* consultation hours: Wednesdays only, one session of two places */
  v = view(&citizen, "/o/xinxing/book?kind=consult", 200);
  json_array_foreach(json_object_get(v, "days"), i, d)
  {
    long long day = (long long)json_integer_value(json_object_get(d, "day"));
    assert_int_equal((int)((day + 3) % 7) + 1, 3);
  }
  assert_true(json_array_size(json_object_get(v, "days")) >= 3);
  json_decref(v);
  snprintf(path, sizeof(path), "/o/xinxing/book?kind=consult&day=%lld", today + 1);
  v = view(&citizen, path, 200);
  expect_text_at(v, "times.0.label", "14:00–16:00");
  assert_int_equal(json_array_size(json_object_get(v, "times")), 1);
  json_decref(v);
  char form[256];
  snprintf(form, sizeof(form), "kind=consult&day=%lld&slot=840&name=Lee&phone=0912345678",
           today + 1);
  expect_post(&citizen, "/o/xinxing/book", form, 303, NULL);
  expect_post(&citizen, "/o/xinxing/book", form, 303, NULL);
  expect_post(&citizen, "/o/xinxing/book", form, 409, "額滿");
  snprintf(form, sizeof(form), "kind=consult&day=%lld&slot=840&name=Lee&phone=0912345678",
           today + 2); /* a Thursday */
  expect_post(&citizen, "/o/xinxing/book", form, 400, "請選擇一個可預約的時段");
}

static void test_book_full_move_cancel(void **state)
{
  (void)state;
  char token[64], second[64], number[16];
  assert_int_equal(book(&citizen, today + 1, 540, token), 303);
  assert_int_equal(strlen(token), 43);
  json_t *v = booking_of(token);
  expect_text_at(v, "booking.status", "已預約");
  expect_text_at(v, "booking.name", "王○明");
  expect_text_at(v, "booking.time", "09:00–09:30");
  assert_int_equal(strncmp(json_text_at(v, "booking.number"), "B", 1), 0);
  json_decref(v);
  /* the slot is full (capacity 1): refused with a message, nothing booked */
  json_t *out = NULL;
  char form[512];
  snprintf(form, sizeof(form),
           "kind=visit&service=%lld&day=%lld&slot=540&name=Lee&email=lee%%40example.tw", visit_id,
           today + 1);
  assert_int_equal(post(&citizen, "/o/xinxing/book", form, NULL, &out), 409);
  char *text = json_dumps(out, JSON_COMPACT);
  expect_contains(text, "額滿");
  free(text);
  json_decref(out);
  /* bad input: a time that is not a slot, no contact */
  snprintf(form, sizeof(form),
           "kind=visit&service=%lld&day=%lld&slot=545&name=Lee&phone=0912345678", visit_id,
           today + 1);
  expect_post(&citizen, "/o/xinxing/book", form, 400, "請選擇一個可預約的時段");
  snprintf(form, sizeof(form), "kind=visit&service=%lld&day=%lld&slot=600&name=Lee", visit_id,
           today + 1);
  expect_post(&citizen, "/o/xinxing/book", form, 400, "請填寫正確的手機號碼或電子郵件");
  /* move to 10:00: the 09:00 place is free again */
  char path[128];
  snprintf(path, sizeof(path), "/b/%s/move", token);
  snprintf(form, sizeof(form), "day=%lld&slot=600", today + 1);
  expect_post(&citizen, path, form, 200, "預約已改期");
  v = booking_of(token);
  expect_text_at(v, "booking.time", "10:00–10:30");
  json_decref(v);
  assert_int_equal(book(&citizen, today + 1, 540, second), 303);
  /* moving onto a full slot is refused */
  snprintf(form, sizeof(form), "day=%lld&slot=540", today + 1);
  expect_post(&citizen, path, form, 409, "額滿");
  /* cancel: the place is freed, the booking no longer changeable */
  snprintf(path, sizeof(path), "/b/%s/cancel", second);
  expect_post(&citizen, path, "", 200, "預約已取消");
  expect_status(second, "已取消");
  expect_post(&citizen, path, "", 400, "不能再變更");
  assert_int_equal(book(&citizen, today + 1, 540, NULL), 303);
  expect_post(&citizen, "/b/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/cancel", "", 404, NULL);
  (void)number;
}

struct racer {
  struct client client;
  pthread_barrier_t *start;
  long status;
};

static void *race(void *arg)
{
  struct racer *r = arg;
  pthread_barrier_wait(r->start);
  r->status = book(&r->client, today + 2, 510, NULL);
  return NULL;
}

static void test_last_place_race(void **state)
{
  (void)state;
  struct racer racers[RACERS];
  pthread_t threads[RACERS];
  pthread_barrier_t start;
  struct response r;
  pthread_barrier_init(&start, NULL, RACERS);
  for (int i = 0; i < RACERS; i++) {
    racers[i] = (struct racer){.start = &start};
    assert_int_equal(client_init(&racers[i].client, &server), 0);
    assert_int_equal(client_get(&racers[i].client, "/o/xinxing/book/checkin", &r), 0);
    response_free(&r);
  }
  for (int i = 0; i < RACERS; i++)
    assert_int_equal(pthread_create(&threads[i], NULL, race, &racers[i]), 0);
  int won = 0, full = 0;
  for (int i = 0; i < RACERS; i++) {
    pthread_join(threads[i], NULL);
    won += racers[i].status == 303;
    full += racers[i].status == 409;
    client_free(&racers[i].client);
  }
  pthread_barrier_destroy(&start);
  if (won != 1 || full != RACERS - 1)
    fail_msg("last place: %d booked, %d refused as full (of %d)", won, full, RACERS);
}

static void test_pickup_only_when_ready(void **state)
{
  (void)state;
  char key[64], check[16], open_key[64], open_check[16], path[512], form[512];
  take_in(ready_id, key, check);
  take_in(visit_id, open_key, open_check);
  const char *number = key, *open_number = open_key;
  snprintf(path, sizeof(path), "/o/xinxing/book?kind=pickup&number=%s&check=%s", number, check);
  json_t *v = view(&citizen, path, 200);
  assert_true(json_array_size(json_object_get(v, "days")) > 0);
  json_decref(v);
  snprintf(path, sizeof(path), "/o/xinxing/book?kind=pickup&number=%s&check=%s", open_number,
           open_check);
  v = view(&citizen, path, 400);
  char *text = json_dumps(v, JSON_COMPACT);
  expect_contains(text, "還不能領件");
  free(text);
  json_decref(v);
  snprintf(path, sizeof(path), "/o/xinxing/book?kind=pickup&number=%s&check=000000", number);
  json_decref(view(&citizen, path, 400));
  snprintf(form, sizeof(form),
           "kind=pickup&number=%s&check=%s&day=%lld&slot=570&name=Lee&phone=0912345678",
           open_number, open_check, today + 1);
  expect_post(&citizen, "/o/xinxing/book", form, 400, "還不能領件");
  snprintf(form, sizeof(form),
           "kind=pickup&number=%s&check=%s&day=%lld&slot=570&name=Lee&phone=0912345678", number,
           check, today + 1);
  char *location = NULL;
  assert_int_equal(post(&citizen, "/o/xinxing/book", form, &location, NULL), 303);
  v = booking_of(location + 3);
  expect_text_at(v, "booking.what", "預約領件");
  json_decref(v);
  free(location);
}

static void test_check_in_and_figures(void **state)
{
  (void)state;
  char early[64], late[64], tomorrow[64], number[16], form[64];
  assert_int_equal(book(&citizen, today, 630, early), 303); /* 10:30 today */
  assert_int_equal(book(&citizen, today, 660, late), 303);  /* 11:00 today */
  assert_int_equal(book(&citizen, today + 3, 600, tomorrow), 303);
  struct client kiosk;
  struct response r;
  assert_int_equal(client_init(&kiosk, &server), 0);
  assert_int_equal(client_get(&kiosk, "/o/xinxing/book/checkin", &r), 0);
  assert_int_equal(r.status, 200);
  response_free(&r);
  harness_clock_set(START + 20 * 60); /* 10:20: on time for 10:30 */
  snprintf(form, sizeof(form), "number=%s", number_of(early, number));
  expect_post(&kiosk, "/o/xinxing/book/checkin", form, 200, "\"late\":false");
  expect_status(early, "已報到");
  expect_post(&kiosk, "/o/xinxing/book/checkin", form, 400, "不能再變更");
  harness_clock_set(START + 75 * 60); /* 11:15: late for 11:00 */
  snprintf(form, sizeof(form), "number=%s", number_of(late, number));
  expect_post(&kiosk, "/o/xinxing/book/checkin", form, 200, "\"late\":true");
  snprintf(form, sizeof(form), "number=%s", number_of(tomorrow, number));
  expect_post(&kiosk, "/o/xinxing/book/checkin", form, 400, "不是今天");
  expect_post(&kiosk, "/o/xinxing/book/checkin", "number=B999999", 404, "查無此預約編號");
  client_free(&kiosk);
  /* the staff's day list */
  sign_in_supervisor();
  json_t *v = view(&supervisor, "/staff/bookings/today", 200);
  char *text = json_dumps(v, JSON_COMPACT);
  expect_contains(text, "已報到");
  expect_contains(text, "王○明");
  expect_lacks(text, "王小明");
  free(text);
  json_decref(v);
  /* after those days the scanner marks the rest no-show; the figures count them */
  harness_clock_set(START + 5 * DAY);
  const char *args[] = {"scan", NULL};
  assert_int_equal(server_cli(&server, args), 0);
  sign_in_supervisor();
  expect_status(tomorrow, "未到");
  v = view(&supervisor, "/staff/reports/bookings", 200);
  long long made = json_integer_value(json_at(v, "total.made"));
  long long kept = json_integer_value(json_at(v, "total.kept"));
  long long no_show = json_integer_value(json_at(v, "total.no_show"));
  long long cancelled = json_integer_value(json_at(v, "total.cancelled"));
  assert_int_equal(kept, 2);
  assert_int_equal(cancelled, 2); /* one in the booking test, one in the messages test */
  assert_true(no_show >= 3);
  assert_int_equal(made, kept + no_show + cancelled); /* every day is past: none still booked */
  json_decref(v);
  long status = 0;
  json_decref(get_json_view(&server, &citizen, "/staff/reports/bookings", &status));
  assert_int_not_equal(status, 200);
}

/* The confirmation by e-mail at once, the reminder the day before from `bianmin scan` (once,
 * however often it runs), the cancellation: all through the real SMTP server. */
static void test_messages_by_email(void **state)
{
  (void)state;
  char form[512], *location = NULL, number[16], link[128];
  snprintf(form, sizeof(form),
           "kind=visit&service=%lld&day=%lld&slot=990&name=Lee+Wei&email=lee%%40example.tw",
           visit_id, today + 1);
  assert_int_equal(post(&citizen, "/o/xinxing/book", form, &location, NULL), 303);
  assert_non_null(location);
  char token[64];
  snprintf(token, sizeof(token), "%.43s", location + 3);
  free(location);
  number_of(token, number);
  snprintf(link, sizeof(link), "https://bianmin.example/b/%s", token);
  expect_mail(number, "16:30-17:00");
  expect_mail(number, link);
  assert_int_equal(mails_with(number, "明天"), 0); /* no reminder yet */
  const char *args[] = {"scan", NULL};
  assert_int_equal(server_cli(&server, args), 0);
  assert_int_equal(server_cli(&server, args), 0);
  expect_mail(number, "明天");
  char path[96];
  snprintf(path, sizeof(path), "/b/%s/cancel", token);
  expect_post(&citizen, path, "", 200, "預約已取消");
  expect_mail(number, "已經取消");
  assert_int_equal(mails_with(number, "明天"), 1); /* the reminder went once */
}

/* Every page renders as HTML in both languages, with its form fields and labels. */
static void test_pages_render(void **state)
{
  (void)state;
  char path[160], token[64];
  assert_int_equal(book(&citizen, today + 6, 510, token), 303); /* a Monday */
  const char *const langs[] = {"", "&lang=en"};
  for (int l = 0; l < 2; l++) {
    snprintf(path, sizeof(path), "/o/xinxing/book?x=1%s", langs[l]);
    char *html = expect_page(&server, &citizen, path, 200);
    expect_contains(html, l ? "Pick up a finished case" : "預約領件");
    expect_contains(html, "name=\"check\"");
    free(html);
    snprintf(path, sizeof(path), "/o/xinxing/book?kind=visit&service=%lld&day=%lld%s", visit_id,
             today + 6, langs[l]);
    html = expect_page(&server, &citizen, path, 200);
    expect_contains(html, "type=\"radio\"");
    expect_contains(html, "name=\"phone\"");
    expect_contains(html, "for=\"slot-510\"");
    free(html);
    snprintf(path, sizeof(path), "/b/%s?day=%lld%s", token, today + 7, langs[l]);
    html = expect_page(&server, &citizen, path, 200);
    expect_contains(html, "/qr.svg");
    expect_contains(html, "/move");
    expect_contains(html, "/cancel");
    free(html);
  }
  snprintf(path, sizeof(path), "/b/%s/qr.svg", token);
  char *svg = expect_page(&server, &citizen, path, 200);
  expect_contains(svg, "<svg");
  free(svg);
  free(expect_page(&server, &citizen, "/o/xinxing/book/checkin", 200));
  free(expect_page(&server, &supervisor, "/staff/bookings/today", 200));
  free(expect_page(&server, &supervisor, "/staff/reports/bookings", 200));
  char *home = expect_page(&server, &citizen, "/o/xinxing/", 200); /* the office's areas */
  expect_contains(home, "href=\"/o/xinxing/book\"");
  free(home);
  char *html = expect_page(&server, &supervisor, "/staff/", 200);
  expect_contains(html, "/staff/bookings/today");
  free(html);
}

/* ---- check-in into the counter line (issue 18) ------------------------------------------ */

/* Checks in booking number as c: the HTTP status; *ticket (may be NULL) the issued ticket's
 * view {code, booked, href} (NULL when none). */
static long check_in(struct client *c, const char *token, json_t **ticket)
{
  char form[64], number[16];
  json_t *out = NULL;
  snprintf(form, sizeof(form), "number=%s", number_of(token, number));
  long status = post(c, "/o/xinxing/book/checkin", form, NULL, &out);
  json_t *t = json_object_get(out, "ticket");
  if (ticket)
    *ticket = json_is_object(t) ? json_incref(t) : NULL;
  json_decref(out);
  return status;
}

/* A walk-in ticket of the visit service taken on the phone: its code; token its link's. */
static void walk_in(char code[16], char token[64])
{
  char form[96], *location = NULL, path[96];
  snprintf(form, sizeof(form), "service=%lld&channel=phone&priority=", visit_id);
  assert_int_equal(post(&citizen, "/o/xinxing/queue/take", form, &location, NULL), 303);
  assert_non_null(location);
  snprintf(token, 64, "%.*s", (int)strcspn(location + 3, "?"), location + 3);
  free(location);
  snprintf(path, sizeof(path), "/q/%s", token);
  json_t *v = view(&citizen, path, 200);
  snprintf(code, 16, "%s", json_text_at(v, "ticket.code"));
  json_decref(v);
}

/* The console's counter that serves the queue named queue_name (ends the list's label). */
static long long counter_for(struct client *c, const char *queue_name)
{
  json_t *v = view(c, "/staff/queue", 200), *item;
  size_t i;
  long long id = 0;
  json_array_foreach(json_object_get(v, "counters"), i, item)
  {
    const char *label = json_string_value(json_array_get(json_object_get(item, "queues"), 0));
    size_t n = label ? strlen(label) : 0, m = strlen(queue_name);
    if (!id && n >= m && !strcmp(label + n - m, queue_name))
      id = (long long)json_integer_value(json_object_get(item, "id"));
  }
  json_decref(v);
  if (!id)
    fail_msg("no counter serves %s", queue_name);
  return id;
}

/* The clerk signed in afresh (the fake clock moves past a session's idle limit). */
static void desk_sign_in(struct client *desk)
{
  client_free(desk);
  assert_int_equal(client_init(desk, &server), 0);
  assert_int_equal(client_login(desk, "xinxing-clerk", DEMO_PASSWORD), 303);
  struct response r;
  assert_int_equal(client_get(desk, "/staff/queue", &r), 0); /* its CSRF token */
  response_free(&r);
}

/* The console's counters that serve the queue named queue_name: up to max ids into ids. */
static size_t counters_for(struct client *c, const char *queue_name, long long *ids, size_t max)
{
  json_t *v = view(c, "/staff/queue", 200), *item;
  size_t i, n = 0;
  json_array_foreach(json_object_get(v, "counters"), i, item)
  {
    const char *label = json_string_value(json_array_get(json_object_get(item, "queues"), 0));
    size_t len = label ? strlen(label) : 0, m = strlen(queue_name);
    if (n < max && len >= m && !strcmp(label + len - m, queue_name))
      ids[n++] = (long long)json_integer_value(json_object_get(item, "id"));
  }
  json_decref(v);
  return n;
}

/* Calls next at counter and finishes the ticket: the called code ("" when nobody waits),
 * "failed" when an answer was not the one expected (asserts nothing: see post()). */
static const char *call_and_finish(struct client *c, long long counter, char code[16])
{
  char form[64], *location = NULL, path[64];
  long status = 0;
  snprintf(form, sizeof(form), "counter=%lld", counter);
  bool called = post(c, "/staff/queue/call", form, &location, NULL) == 303;
  bool empty = location && strstr(location, "notice=empty");
  free(location);
  snprintf(code, 16, "%s", called ? "" : "failed");
  if (!called || empty)
    return code;
  snprintf(path, sizeof(path), "/staff/queue?counter=%lld", counter);
  json_t *v = get_json_view(&server, c, path, &status);
  const char *current = v && status == 200 ? json_text_at(v, "current.code") : NULL;
  snprintf(code, 16, "%s", current ? current : "failed");
  snprintf(path, sizeof(path), "/staff/queue/tickets/%lld",
           (long long)json_integer_value(json_at(v, "current.id")));
  json_decref(v);
  snprintf(form, sizeof(form), "counter=%lld&action=done", counter);
  if (current && post(c, path, form, NULL, NULL) != 303)
    snprintf(code, 16, "%s", "failed");
  return code;
}

struct checkin_racer {
  struct client client;
  pthread_barrier_t *start;
  const char *form;
  long status;
};

static void *checkin_race(void *arg)
{
  struct checkin_racer *r = arg;
  pthread_barrier_wait(r->start);
  r->status = post(&r->client, "/o/xinxing/book/checkin", r->form, NULL, NULL);
  return NULL;
}

/* RACERS kiosks check the same booking in at once: one succeeds, the rest are refused. */
static void race_check_in(const char *token)
{
  struct checkin_racer racers[RACERS];
  pthread_t threads[RACERS];
  pthread_barrier_t start;
  struct response r;
  char form[64], number[16];
  snprintf(form, sizeof(form), "number=%s", number_of(token, number));
  pthread_barrier_init(&start, NULL, RACERS);
  for (int i = 0; i < RACERS; i++) {
    racers[i] = (struct checkin_racer){.start = &start, .form = form};
    assert_int_equal(client_init(&racers[i].client, &server), 0);
    assert_int_equal(client_get(&racers[i].client, "/o/xinxing/book/checkin", &r), 0);
    response_free(&r);
  }
  for (int i = 0; i < RACERS; i++)
    assert_int_equal(pthread_create(&threads[i], NULL, checkin_race, &racers[i]), 0);
  int won = 0, refused = 0;
  for (int i = 0; i < RACERS; i++) {
    pthread_join(threads[i], NULL);
    won += racers[i].status == 200;
    refused += racers[i].status == 400;
    client_free(&racers[i].client);
  }
  pthread_barrier_destroy(&start);
  if (won != 1 || refused != RACERS - 1)
    fail_msg("check-in race: %d checked in, %d refused (of %d)", won, refused, RACERS);
}

/* The published rule: priority tickets, then bookings checked in on time from their slot's
 * start, then everyone in the order of arrival; a late check-in is a walk-in; one booking
 * gives one ticket however many kiosks check it in at once; each ticket is called once; a
 * booked pickup gets a ticket too. */
static void test_check_in_joins_the_line(void **state)
{
  (void)state;
  long long day = today + 7; /* a Tuesday */
  time_t midnight = START - 10 * 3600 + 7 * DAY;
  char late[64], booked[64], raced[64], w1[16], w2[16], w3[16], tok[64], code[16];
  harness_clock_set(midnight + 8 * 3600);                  /* 08:00 */
  assert_int_equal(book(&citizen, day, 510, late), 303);   /* 08:30 */
  assert_int_equal(book(&citizen, day, 600, booked), 303); /* 10:00 */
  assert_int_equal(book(&citizen, day, 630, raced), 303);  /* 10:30 */
  harness_clock_set(midnight + 9 * 3600);                  /* 09:00 */
  walk_in(w1, tok);
  walk_in(w2, tok);
  json_t *late_ticket = NULL, *booked_ticket = NULL;
  assert_int_equal(check_in(&citizen, late, &late_ticket), 200);
  assert_int_equal(check_in(&citizen, booked, &booked_ticket), 200);
  assert_non_null(late_ticket);
  assert_non_null(booked_ticket);
  assert_false(json_is_true(json_object_get(late_ticket, "booked")));
  assert_true(json_is_true(json_object_get(booked_ticket, "booked")));
  char late_code[16], booked_code[16], path[128];
  snprintf(late_code, sizeof(late_code), "%s", text_of(late_ticket, "code"));
  snprintf(booked_code, sizeof(booked_code), "%s", text_of(booked_ticket, "code"));
  /* before 10:00 the booked ticket waits behind everyone who came before its slot */
  snprintf(path, sizeof(path), "%s", text_of(booked_ticket, "href"));
  json_t *v = view(&citizen, path, 200);
  assert_int_equal(json_integer_value(json_at(v, "ticket.ahead")), 3);
  json_decref(v);
  json_decref(late_ticket);
  json_decref(booked_ticket);
  harness_clock_set(midnight + 9 * 3600 + 300);
  walk_in(w3, tok);
  struct client desk = {0};
  assert_int_equal(client_init(&desk, &server), 0);
  desk_sign_in(&desk);
  v = view(&desk, path, 200); /* the queue's name in the desk's language */
  long long counter = counter_for(&desk, json_text_at(v, "ticket.queue_name"));
  json_decref(v);
  char form[64];
  snprintf(form, sizeof(form), "counter=%lld&status=open", counter);
  assert_int_equal(post(&desk, "/staff/queue/counter", form, NULL, NULL), 303);
  harness_clock_set(midnight + 9 * 3600 + 600);
  assert_string_equal(call_and_finish(&desk, counter, code), w1);
  /* 10:00: the booked visit's slot has started: before the walk-ins still waiting */
  harness_clock_set(midnight + 10 * 3600);
  desk_sign_in(&desk);
  snprintf(path, sizeof(path), "/q/%s", tok);
  v = view(&citizen, path, 200); /* w3 now has the booked one ahead too */
  assert_int_equal(json_integer_value(json_at(v, "ticket.ahead")), 3);
  json_decref(v);
  assert_string_equal(call_and_finish(&desk, counter, code), booked_code);
  assert_string_equal(call_and_finish(&desk, counter, code), w2);
  /* one booking, one ticket: kiosks racing to check in the 10:30 booking */
  race_check_in(raced);
  assert_string_equal(call_and_finish(&desk, counter, code), late_code);
  harness_clock_set(midnight + 10 * 3600 + 1800); /* 10:30 */
  desk_sign_in(&desk);
  char raced_code[16];
  call_and_finish(&desk, counter, raced_code);
  assert_string_not_equal(raced_code, w3); /* the booked one first */
  assert_string_equal(call_and_finish(&desk, counter, code), w3);
  assert_string_equal(call_and_finish(&desk, counter, code), ""); /* nobody twice */
  client_free(&desk);
  /* a booked pickup (預約領件) joins the queue of its case's unit */
  char key[64], check[16], form2[256], pickup[64], *location = NULL;
  client_free(&clerk);
  assert_int_equal(client_init(&clerk, &server), 0);
  assert_int_equal(client_login(&clerk, "xinxing-clerk", DEMO_PASSWORD), 303);
  struct response r;
  assert_int_equal(client_get(&clerk, "/staff/intake", &r), 0);
  response_free(&r);
  take_in(ready_id, key, check);
  snprintf(form2, sizeof(form2),
           "kind=pickup&number=%s&check=%s&day=%lld&slot=690&name=Lee&phone=0912345678", key, check,
           day);
  assert_int_equal(post(&citizen, "/o/xinxing/book", form2, &location, NULL), 303);
  assert_non_null(location);
  snprintf(pickup, sizeof(pickup), "%.43s", location + 3);
  free(location);
  json_t *pickup_ticket = NULL;
  assert_int_equal(check_in(&citizen, pickup, &pickup_ticket), 200);
  assert_non_null(pickup_ticket);
  assert_true(json_is_true(json_object_get(pickup_ticket, "booked")));
  assert_true(strlen(text_of(pickup_ticket, "code")) >= 4);
  json_decref(pickup_ticket);
}

enum { CALLED_MAX = 16 };

struct caller {
  struct client desk;
  long long counter;
  pthread_barrier_t *start;
  char codes[CALLED_MAX][16];
  size_t n;
};

static void *caller_run(void *arg)
{
  struct caller *c = arg;
  char code[16];
  pthread_barrier_wait(c->start);
  while (c->n < CALLED_MAX && call_and_finish(&c->desk, c->counter, code)[0])
    snprintf(c->codes[c->n++], sizeof(c->codes[0]), "%s", code); /* "failed" too: main checks */
  return NULL;
}

/* Two counters call at once while booked and walk-in tickets wait: every ticket is called
 * exactly once, and no counter calls a booking after a walk-in (their slots have started). */
static void test_booked_calls_race(void **state)
{
  (void)state;
  long long day = today + 8; /* a Wednesday */
  time_t midnight = START - 10 * 3600 + 8 * DAY;
  char tokens[4][64], tok[64], code[16], path[128];
  static const int slots[4] = {600, 630, 660, 690};
  harness_clock_set(midnight + 8 * 3600);
  for (int i = 0; i < 4; i++)
    assert_int_equal(book(&citizen, day, slots[i], tokens[i]), 303);
  harness_clock_set(midnight + 9 * 3600 + 50 * 60); /* 09:50: all early, all on time */
  char walk[4][16];
  for (int i = 0; i < 4; i++)
    walk_in(walk[i], tok);
  json_t *t = NULL;
  for (int i = 0; i < 4; i++) {
    assert_int_equal(check_in(&citizen, tokens[i], i == 0 ? &t : NULL), 200);
  }
  assert_non_null(t);
  snprintf(path, sizeof(path), "%s", text_of(t, "href"));
  json_decref(t);
  harness_clock_set(midnight + 11 * 3600 + 35 * 60); /* 11:35: every slot has started */
  struct caller callers[2];
  pthread_t threads[2];
  pthread_barrier_t start;
  pthread_barrier_init(&start, NULL, 2);
  long long ids[2];
  for (int i = 0; i < 2; i++) {
    callers[i] = (struct caller){.start = &start};
    assert_int_equal(client_init(&callers[i].desk, &server), 0);
    desk_sign_in(&callers[i].desk);
  }
  json_t *v = view(&callers[0].desk, path, 200);
  assert_int_equal(counters_for(&callers[0].desk, json_text_at(v, "ticket.queue_name"), ids, 2), 2);
  json_decref(v);
  char form[64];
  for (int i = 0; i < 2; i++) {
    callers[i].counter = ids[i];
    snprintf(form, sizeof(form), "counter=%lld&status=open", ids[i]);
    assert_int_equal(post(&callers[i].desk, "/staff/queue/counter", form, NULL, NULL), 303);
  }
  for (int i = 0; i < 2; i++)
    assert_int_equal(pthread_create(&threads[i], NULL, caller_run, &callers[i]), 0);
  for (int i = 0; i < 2; i++)
    pthread_join(threads[i], NULL);
  pthread_barrier_destroy(&start);
  size_t total = callers[0].n + callers[1].n;
  for (int i = 0; i < 2; i++)
    for (size_t k = 0; k < callers[i].n; k++)
      if (!strcmp(callers[i].codes[k], "failed"))
        fail_msg("counter %d: a call or its finish was refused", i + 1);
  if (total != 8)
    fail_msg("called %zu tickets, expected 8", total);
  for (size_t a = 0; a < total; a++) { /* each once */
    const char *x = a < callers[0].n ? callers[0].codes[a] : callers[1].codes[a - callers[0].n];
    for (size_t b = a + 1; b < total; b++) {
      const char *y = b < callers[0].n ? callers[0].codes[b] : callers[1].codes[b - callers[0].n];
      if (!strcmp(x, y))
        fail_msg("%s was called twice", x);
    }
  }
  /* the day's queue figures: 8 tickets, 4 of them bookings kept at the kiosk */
  sign_in_supervisor();
  json_t *figures = view(&supervisor, "/staff/queue/figures", 200);
  assert_int_equal(json_integer_value(json_at(figures, "total.tickets")), 8);
  assert_int_equal(json_integer_value(json_at(figures, "total.booked")), 4);
  json_decref(figures);
  /* the walk-ins came first, yet in each counter's calls no booking follows a walk-in */
  for (int i = 0; i < 2; i++) {
    bool walk_seen = false;
    for (size_t k = 0; k < callers[i].n; k++) {
      bool walk_in_code = false;
      for (int w = 0; w < 4; w++)
        walk_in_code |= !strcmp(callers[i].codes[k], walk[w]);
      if (walk_seen && !walk_in_code)
        fail_msg("counter %d called booked %s after a walk-in", i, callers[i].codes[k]);
      walk_seen |= walk_in_code;
    }
    client_free(&callers[i].desk);
  }
  (void)code;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_settings),
      cmocka_unit_test(test_days_and_times),
      cmocka_unit_test(test_messages_by_email),
      cmocka_unit_test(test_book_full_move_cancel),
      cmocka_unit_test(test_last_place_race),
      cmocka_unit_test(test_pickup_only_when_ready),
      cmocka_unit_test(test_check_in_and_figures),
      cmocka_unit_test(test_pages_render), /* switches the citizen to English */
      cmocka_unit_test(test_check_in_joins_the_line),
      cmocka_unit_test(test_booked_calls_race),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
