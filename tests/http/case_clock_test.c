/*
 * case_clock_test.c - time limits true to each case (issue 15), against a real server on the fake
 * clock:
 * - the staff case page and its JSON show the working hours used and allowed ("已用 11.5 / 法定
 *   24 工作小時"): a correction's stop is left out, an extension adds to the allowed hours, and
 *   the stored deadline is where the used hours reach the allowed ones;
 * - the remote 即時 limit is a service field (remote_instant_minutes, default 480) carried by the
 *   catalogue export and import: a transcript that arrives by post gets its service's limit (two
 *   working hours once set to 120), a counter one is still issued at once, and 0 is refused
 *   with nothing changed.
 */
#include <setjmp.h>
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
#define ADMIN_PASSWORD "admin-password-123"
#define RATE_ENV_LOGIN "BIANMIN_RATE_LOGIN=100000"
#define BOUNDARY       "bmClockBoundary4kq8Zr"
#define HOUR           3600
/* 2026-03-02 08:30 in Taipei, a Monday. */
#define START ((time_t)1772411400)

static struct server server;

enum who { CLERK, HANDLER, ADMIN, WHO_COUNT };
static const char *const usernames[WHO_COUNT] = {"xinxing-clerk", "xinxing-handler", "clock-admin"};
static struct client clients[WHO_COUNT];

/* ---- helpers --------------------------------------------------------------------------- */

static json_t *view_ok(enum who w, const char *path)
{
  long status;
  json_t *v = get_json_view(&server, &clients[w], path, &status);
  if (status != 200 || !v)
    fail_msg("GET %s as %s: %ld", path, usernames[w], status);
  return v;
}

static long post(enum who w, const char *path, const char *form)
{
  return harness_post(&clients[w], path, form, NULL);
}

static long long service_named(const char *name_zh, long long *handler)
{
  json_t *v = view_ok(CLERK, "/staff/intake"), *o;
  size_t i;
  long long id = 0;
  json_array_foreach(json_object_get(v, "services"), i, o)
  {
    if (!strcmp(json_string_value(json_object_get(o, "name")), name_zh))
      id = json_integer_value(json_object_get(o, "id"));
  }
  json_decref(v);
  assert_true(id > 0);
  char path[64];
  snprintf(path, sizeof(path), "/staff/intake?service=%lld", id);
  v = view_ok(CLERK, path);
  json_array_foreach(json_object_get(v, "handlers"), i, o)
  {
    if (handler && !strcmp(json_string_value(json_object_get(o, "name")), "承辦人（示範）"))
      *handler = json_integer_value(json_object_get(o, "id"));
  }
  json_decref(v);
  return id;
}

static long long take_in(long long service, long long handler, const char *channel)
{
  char form[512];
  int n =
      snprintf(form, sizeof(form),
               "service_id=%lld&applicant_name=%%E7%%8E%%8B%%E5%%B0%%8F%%E6%%98%%8E&notify=none&"
               "channel=%s&lang=zh-TW",
               service, channel);
  if (handler)
    snprintf(form + n, sizeof(form) - (size_t)n, "&handler_id=%lld", handler);
  return harness_intake(&clients[CLERK], form, NULL, 0);
}

static json_t *case_json_as(enum who w, long long id)
{
  char path[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld", id);
  json_t *v = view_ok(w, path);
  json_t *c = json_incref(json_object_get(v, "case"));
  json_decref(v);
  return c;
}

static json_t *case_json(long long id)
{
  return case_json_as(HANDLER, id);
}

static long long int_at(json_t *v, const char *path)
{
  json_t *n = json_at(v, path);
  if (!json_is_integer(n))
    fail_msg("%s is not a number", path);
  return (long long)json_integer_value(n);
}

static void expect_hours(long long id, long long used, const char *used_text, long long allowed,
                         const char *allowed_text)
{
  json_t *c = case_json(id);
  assert_int_equal(int_at(c, "clock.used_minutes"), used);
  assert_int_equal(int_at(c, "clock.allowed_minutes"), allowed);
  expect_text_at(c, "clock.used_hours", used_text);
  expect_text_at(c, "clock.allowed_hours", allowed_text);
  json_decref(c);
}

static void sign_in(enum who w)
{
  static char secret[64];
  harness_sign_in(&clients[w], &server, usernames[w], w == ADMIN ? ADMIN_PASSWORD : DEMO_PASSWORD,
                  w == ADMIN ? secret : NULL, sizeof(secret));
}

/* Moves the fake clock and signs the case staff in again (a session ends after its idle time,
 * which a jump of hours passes). */
static void clock_at(time_t t)
{
  harness_clock_set(t);
  for (int w = CLERK; w <= HANDLER; w++) {
    client_free(&clients[w]);
    sign_in((enum who)w);
  }
}

static int setup(void **state)
{
  (void)state;
  const char *env[] = {RATE_ENV_LOGIN, NULL};
  if (harness_clock_start(START) || server_start(&server, env))
    return -1;
  harness_add_user(&server, "xinxing", "clock-admin", "admin", ADMIN_PASSWORD);
  for (int w = 0; w < WHO_COUNT; w++)
    sign_in((enum who)w);
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  for (int w = 0; w < WHO_COUNT; w++)
    client_free(&clients[w]);
  return server_stop(&server) == 0 ? 0 : -1;
}

/* ---- used / allowed working hours -------------------------------------------------------- */

static void test_used_and_allowed_hours(void **state)
{
  long long handler = 0, service = service_named("買賣移轉登記", &handler); /* 3 working days */
  clock_at(START);
  long long id = take_in(service, handler, "counter");
  char path[96];
  expect_hours(id, 0, "0", 1440, "24");
  clock_at(START + 9 * HOUR); /* Monday 17:30: one working day used */
  expect_hours(id, 480, "8", 1440, "24");
  snprintf(path, sizeof(path), "/staff/cases/%lld/correction", id);
  assert_int_equal(
      post(HANDLER, path, "items=%E8%A3%9C%E9%99%84%E5%8D%B0%E9%91%91%E8%AD%89%E6%98%8E"), 303);
  clock_at(START + 2 * 24 * HOUR + 9 * HOUR); /* Wednesday 17:30, still waiting */
  expect_hours(id, 480, "8", 1440, "24");
  snprintf(path, sizeof(path), "/staff/cases/%lld/corrected", id);
  assert_int_equal(post(HANDLER, path, ""), 303);
  clock_at(START + 3 * 24 * HOUR + 3 * HOUR + 30 * 60); /* Thursday 12:00 */
  expect_hours(id, 690, "11.5", 1440, "24");
  snprintf(path, sizeof(path), "/staff/cases/%lld", id);
  char *page = expect_page(&server, &clients[HANDLER], path, 200);
  expect_contains(page, "已用 11.5 / 法定 24 工作小時");
  free(page);
  /* an extension of one working day adds eight hours to the allowed ones */
  snprintf(path, sizeof(path), "/staff/cases/%lld/extend", id);
  assert_int_equal(post(HANDLER, path, "days=1&note=%E6%9C%83%E8%BE%A6"), 303);
  expect_hours(id, 690, "11.5", 1920, "32");
  /* the stored deadline is where the hours run out: Monday 2026-03-09 17:30 (the correction's
   * Tuesday and Wednesday left out) */
  json_t *c = case_json(id);
  assert_int_equal(int_at(c, "due_at"), (long long)(START + 7 * 24 * HOUR + 9 * HOUR));
  json_decref(c);
  clock_at(START + 7 * 24 * HOUR + 9 * HOUR);
  expect_hours(id, 1920, "32", 1920, "32");
}

/* ---- the remote 即時 limit per service --------------------------------------------------- */

static char *export_text(void)
{
  struct response r;
  assert_int_equal(client_get(&clients[ADMIN], "/staff/admin/catalog/export", &r), 0);
  assert_int_equal(r.status, 200);
  char *text = strdup(r.body);
  response_free(&r);
  return text;
}

static long import(const char *json, char **answer)
{
  struct client *c = &clients[ADMIN];
  struct response r;
  assert_int_equal(client_get(c, "/staff/admin/catalog", &r), 0); /* a fresh CSRF token */
  response_free(&r);
  const char *headers[] = {"Content-Type: multipart/form-data; boundary=" BOUNDARY, NULL};
  size_t len = strlen(json) + 512;
  char *body = malloc(len);
  int n = snprintf(body, len,
                   "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
                   "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; "
                   "filename=\"catalog.json\"\r\nContent-Type: application/json\r\n\r\n%s\r\n"
                   "--" BOUNDARY "--\r\n",
                   c->csrf, json);
  assert_int_equal(
      client_call(c, "POST", "/staff/admin/catalog/import", headers, body, (size_t)n, &r), 0);
  free(body);
  if (answer)
    *answer = strdup(r.body ? r.body : "");
  long status = r.status;
  response_free(&r);
  return status;
}

/* The exported catalogue with the transcript service's remote_instant_minutes set to minutes
 * (malloc'd); *was receives the exported value. */
static char *with_remote_limit(const char *exported, json_int_t minutes, json_int_t *was)
{
  json_t *doc = json_loads(exported, 0, NULL), *s;
  size_t i;
  assert_non_null(doc);
  *was = -1;
  json_array_foreach(json_object_get(doc, "services"), i, s)
  {
    if (!strcmp(json_string_value(json_object_get(s, "slug")), "transcript")) {
      *was = json_integer_value(json_object_get(s, "remote_instant_minutes"));
      json_object_set_new(s, "remote_instant_minutes", json_integer(minutes));
    }
  }
  char *text = json_dumps(doc, JSON_INDENT(1));
  json_decref(doc);
  return text;
}

static void test_remote_instant_limit_per_service(void **state)
{
  long long transcript = service_named("地籍謄本核發", NULL);
  long long id = take_in(transcript, 0, "mail");
  json_t *c = case_json_as(CLERK, id);
  assert_int_equal(int_at(c, "due_at"), (long long)(START + 9 * HOUR)); /* the default: a day */
  json_decref(c);

  char *exported = export_text(), *answer = NULL;
  json_int_t was = 0;
  char *zero = with_remote_limit(exported, 0, &was);
  assert_int_equal(was, 480);
  assert_int_equal(import(zero, &answer), 400);
  expect_contains(answer, "remote_instant_minutes");
  free(answer);
  free(zero);
  char *unchanged = export_text();
  assert_string_equal(unchanged, exported);
  free(unchanged);

  char *two_hours = with_remote_limit(exported, 120, &was);
  assert_int_equal(import(two_hours, NULL), 303);
  free(two_hours);
  char *after = export_text();
  expect_contains(after, "\"remote_instant_minutes\": 120");
  free(after);
  free(exported);
  /* the service's admin form shows it */
  char path[96];
  snprintf(path, sizeof(path), "/staff/admin/catalog/services/%lld", transcript);
  char *form = expect_page(&server, &clients[ADMIN], path, 200);
  expect_contains(form, "id=\"remote_instant_minutes\" name=\"remote_instant_minutes\" "
                        "type=\"text\" inputmode=\"numeric\" value=\"120\"");
  free(form);

  id = take_in(transcript, 0, "mail");
  c = case_json_as(CLERK, id);
  assert_int_equal(int_at(c, "due_at"), (long long)(START + 2 * HOUR)); /* Monday 10:30 */
  assert_int_equal(int_at(c, "time_limit_minutes"), 120);
  json_decref(c);
  id = take_in(transcript, 0, "counter"); /* at the counter it is still issued at once */
  c = case_json_as(CLERK, id);
  expect_text_at(c, "status", "closed");
  json_decref(c);
}

/* The admin form: 0 is refused at its field, an empty box stores the default. */
static void test_remote_instant_on_the_admin_form(void **state)
{
  static const char form[] =
      "slug=clock-test&name_zh=%E6%B8%AC%E8%A9%A6&time_limit_value=0&time_limit_unit=minutes&"
      "channel_counter=1&remote_instant_minutes=";
  char body[512];
  snprintf(body, sizeof(body), "%s0", form);
  struct response r;
  assert_int_equal(client_post(&clients[ADMIN], "/staff/admin/catalog/services", body, &r), 0);
  assert_int_equal(r.status, 400);
  expect_contains(r.body, "remote_instant_minutes-error");
  response_free(&r);
  char *exported = export_text();
  expect_lacks(exported, "clock-test");
  free(exported);
  assert_int_equal(client_post(&clients[ADMIN], "/staff/admin/catalog/services", form, &r), 0);
  assert_int_equal(r.status, 303);
  response_free(&r);
  json_t *doc = json_loads((exported = export_text()), 0, NULL), *s;
  size_t i;
  json_int_t minutes = -1;
  json_array_foreach(json_object_get(doc, "services"), i, s)
  {
    if (!strcmp(json_string_value(json_object_get(s, "slug")), "clock-test"))
      minutes = json_integer_value(json_object_get(s, "remote_instant_minutes"));
  }
  json_decref(doc);
  free(exported);
  assert_int_equal(minutes, 480);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_remote_instant_limit_per_service), /* at START: sessions stay */
      cmocka_unit_test(test_remote_instant_on_the_admin_form),
      cmocka_unit_test(test_used_and_allowed_hours),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
