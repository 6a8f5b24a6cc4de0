/*
 * workflow_test.c - time limits and workflows true to each service (issue 15), against a real
 * server, with `bianmin scan` run at fake times (BIANMIN_FAKE_NOW) on its database:
 * - a 即時 service (transcript) that arrives by post gets one working day, not a deadline at
 *   the moment it arrived: two hours later the scanner does not call it overdue;
 * - the same service taken in at the counter is issued at once (closed, on time);
 * - a public notice (公告) stops the clock: a 3-day registration case spends 30 days in its
 *   notice and is not overdue; afterwards its deadline runs again;
 * - a boundary survey (鑑界) runs the survey steps, not the registration ones.
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

#define DEMO_PASSWORD "bianmin-demo-2026"
#define RATE_ENV      "BIANMIN_RATE_LOGIN=100000"
#define DAY           86400LL

static struct server server;
static struct client staff;

/* POSTs form with the CSRF token (client_post); the status, the Location header in *location. */
static long post(const char *path, const char *form, char **location)
{
  return harness_post(&staff, path, form, location);
}

static json_t *get_json(const char *path)
{
  long status = 0;
  json_t *v = get_json_view(&server, &staff, path, &status);
  if (status != 200 || !v)
    fail_msg("GET %s: %ld", path, status);
  return v;
}

/* The staff case page's case object (a new reference). */
static json_t *case_json(long long id)
{
  char path[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld", id);
  json_t *v = get_json(path);
  json_t *c = json_incref(json_object_get(v, "case"));
  json_decref(v);
  assert_non_null(c);
  return c;
}

static const char *text(json_t *c, const char *key)
{
  const char *s = json_string_value(json_object_get(c, key));
  return s ? s : "";
}

/* The id of the intake form's service called name_zh. */
static long long service_named(const char *name_zh)
{
  json_t *v = get_json("/staff/intake"), *s;
  size_t i;
  long long id = 0;
  json_array_foreach(json_object_get(v, "services"), i, s)
  {
    if (!strcmp(text(s, "name"), name_zh))
      id = (long long)json_integer_value(json_object_get(s, "id"));
  }
  json_decref(v);
  if (!id)
    fail_msg("no service called %s", name_zh);
  return id;
}

/* Takes in a case of the service by channel; its id. */
static long long take_in(long long service_id, const char *channel)
{
  char form[512], *location = NULL;
  snprintf(form, sizeof(form),
           "service_id=%lld&applicant_name=%%E7%%8E%%8B%%E5%%B0%%8F%%E6%%98%%8E&notify=none&"
           "channel=%s&lang=zh-TW",
           service_id, channel);
  assert_int_equal(post("/staff/intake", form, &location), 303);
  assert_non_null(location);
  const char *prefix = "/staff/cases/";
  assert_true(strncmp(location, prefix, strlen(prefix)) == 0);
  long long id = strtoll(location + strlen(prefix), NULL, 10);
  free(location);
  assert_true(id > 0);
  return id;
}

static void move_to(long long id, const char *to)
{
  char path[64], form[128];
  snprintf(path, sizeof(path), "/staff/cases/%lld/status", id);
  snprintf(form, sizeof(form), "to=%s&note=%%E4%%BE%%9D%%E7%%A8%%8B%%E5%%BA%%8F", to);
  if (post(path, form, NULL) != 303)
    fail_msg("case %lld: the move to %s was refused", id, to);
}

/* `bianmin scan` with the clock at `at`. */
static void scan_at(long long at)
{
  char now[64];
  snprintf(now, sizeof(now), "BIANMIN_FAKE_NOW=%lld", at);
  const char *args[] = {"scan", NULL};
  const char *env[] = {now, NULL};
  assert_int_equal(server_cli_env(&server, args, env), 0);
}

static int setup(void **state)
{
  (void)state;
  const char *env[] = {RATE_ENV, NULL};
  if (server_start(&server, env))
    return -1;
  struct response r;
  if (client_init(&staff, &server) ||
      client_login(&staff, "xinxing-supervisor", DEMO_PASSWORD) != 303 ||
      client_get(&staff, "/staff/", &r))
    return -1;
  response_free(&r);
  return staff.csrf[0] ? 0 : -1;
}

static int teardown(void **state)
{
  (void)state;
  client_free(&staff);
  return server_stop(&server) == 0 ? 0 : -1;
}

static void remote_instant_gets_a_working_day(void **state)
{
  long long now = (long long)time(NULL);
  long long id = take_in(service_named("地籍謄本核發"), "mail");
  json_t *c = case_json(id);
  assert_string_equal(text(c, "status"), "received");
  long long due = (long long)json_integer_value(json_object_get(c, "due_at"));
  assert_true(due >= now + 8 * 3600); /* one working day, not the moment it arrived */
  json_decref(c);
  scan_at(now + 2 * 3600);
  c = case_json(id);
  assert_string_not_equal(text(c, "due_state"), "overdue");
  json_decref(c);
}

static void counter_instant_is_issued_at_once(void **state)
{
  long long id = take_in(service_named("地籍謄本核發"), "counter");
  json_t *c = case_json(id);
  assert_string_equal(text(c, "status"), "closed");
  assert_true(json_integer_value(json_object_get(c, "closed_at")) > 0);
  json_decref(c);
}

static void public_notice_stops_the_clock(void **state)
{
  long long id = take_in(service_named("買賣移轉登記"), "counter"); /* 3 working days */
  move_to(id, "first_review");
  move_to(id, "second_review");
  move_to(id, "public_notice");
  json_t *c = case_json(id);
  assert_string_equal(text(c, "due_state"), "paused");
  json_decref(c);
  scan_at((long long)time(NULL) + 30 * DAY);
  c = case_json(id);
  assert_string_equal(text(c, "status"), "public_notice");
  assert_string_equal(text(c, "due_state"), "paused"); /* not overdue after 30 days */
  json_decref(c);
  move_to(id, "recording");
  c = case_json(id);
  assert_true(json_integer_value(json_object_get(c, "due_at")) > (long long)time(NULL));
  assert_string_not_equal(text(c, "due_state"), "overdue");
  assert_string_not_equal(text(c, "due_state"), "paused"); /* the clock runs again */
  json_decref(c);
}

static void survey_runs_the_survey_steps(void **state)
{
  long long id = take_in(service_named("土地鑑界（界址鑑定）"), "counter");
  char path[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld/status", id);
  assert_int_equal(post(path, "to=first_review", NULL), 403); /* not a registration step */
  const char *steps[] = {"scheduled", "surveyed", "results_drawn", "closed"};
  for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
    move_to(id, steps[i]);
    json_t *c = case_json(id);
    assert_string_equal(text(c, "status"), steps[i]);
    json_decref(c);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(remote_instant_gets_a_working_day),
      cmocka_unit_test(counter_instant_is_issued_at_once),
      cmocka_unit_test(public_notice_stops_the_clock),
      cmocka_unit_test(survey_runs_the_survey_steps),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
