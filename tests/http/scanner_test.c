/*
 * scanner_test.c - the deadline scanner's not-picked-up reminder against a real server and
 * `bianmin scan` on the same database (SQLite, and PostgreSQL as pg/http_scanner_test): cases of
 * a district office (simple workflow) taken in and closed over HTTP, one picked up, one closed
 * an hour later (the server restarted on a fake clock); scans at fake times then find the
 * reminder due at the first scan after CASE_PICKUP_REMINDER_DAYS (14 days) from closing and not
 * at that very second, send it once, never for the picked-up case, and for the later case only
 * when its own moment has passed. The reminders are read from the staff case page's timeline.
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
#define RATE_ENV_LOGIN "BIANMIN_RATE_LOGIN=100000"
#define WAIT_SECONDS   (14LL * 86400) /* CASE_PICKUP_REMINDER_DAYS */

static struct server server;
static struct client supervisor;
static long long service_id;

static void sign_in(void)
{
  harness_sign_in(&supervisor, &server, "niaosong-supervisor", DEMO_PASSWORD, NULL, 0);
}

/* POSTs form and the CSRF token; the answer's status, the Location header in *location. */
static long post(const char *path, const char *form, char **location)
{
  return harness_post(&supervisor, path, form, location);
}

static json_t *get_json(const char *path)
{
  const char *accept[] = {"Accept: application/json", NULL};
  struct response r;
  assert_int_equal(client_call(&supervisor, "GET", path, accept, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  json_t *v = response_json(&r);
  response_free(&r);
  assert_non_null(v);
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

/* A case of the office's first service, taken in and closed now (the server's clock). */
static long long closed_case(void)
{
  char form[256], *location = NULL;
  snprintf(form, sizeof(form),
           "service_id=%lld&applicant_name=%%E7%%8E%%8B%%E5%%B0%%8F%%E6%%98%%8E&notify=none&"
           "channel=counter&lang=zh-TW",
           service_id);
  assert_int_equal(post("/staff/intake", form, &location), 303);
  assert_non_null(location);
  const char *prefix = "/staff/cases/";
  assert_true(strncmp(location, prefix, strlen(prefix)) == 0);
  long long id = strtoll(location + strlen(prefix), NULL, 10);
  free(location);
  assert_true(id > 0);
  /* A 即時 service taken in at the counter is closed by the intake itself. */
  json_t *c = case_json(id);
  bool closed = strcmp(json_string_value(json_object_get(c, "status")), "closed") == 0;
  json_decref(c);
  char path[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld/status", id);
  if (!closed)
    assert_int_equal(post(path, "to=closed", NULL), 303);
  return id;
}

static long long closed_at(long long id)
{
  json_t *c = case_json(id);
  long long at = (long long)json_integer_value(json_object_get(c, "closed_at"));
  json_decref(c);
  assert_true(at > 0);
  return at;
}

/* How many not-picked-up reminders the case's timeline holds. */
static int reminders(long long id)
{
  json_t *c = case_json(id), *e;
  size_t i;
  int n = 0;
  json_array_foreach(json_object_get(c, "events"), i, e)
  {
    const char *kind = json_string_value(json_object_get(e, "kind"));
    n += kind && !strcmp(kind, "not_picked_up");
  }
  json_decref(c);
  return n;
}

/* The timeline's actors as shown, one after another ("xinxing-supervisor|系統|"). */
static void actors(long long id, char *out, size_t size)
{
  json_t *c = case_json(id), *e;
  size_t i;
  out[0] = '\0';
  json_array_foreach(json_object_get(c, "timeline"), i, e)
  {
    const char *who = json_string_value(json_object_get(e, "actor"));
    snprintf(out + strlen(out), size - strlen(out), "%s|", who ? who : "");
  }
  json_decref(c);
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

static void restart_at(long long at)
{
  char now[64];
  snprintf(now, sizeof(now), "BIANMIN_FAKE_NOW=%lld", at);
  const char *env[] = {now, RATE_ENV_LOGIN, NULL};
  client_free(&supervisor);
  assert_int_equal(server_restart(&server, env), 0);
  sign_in();
}

static int setup(void **state)
{
  (void)state;
  const char *env[] = {RATE_ENV_LOGIN, NULL};
  if (server_start(&server, env))
    return -1;
  sign_in();
  json_t *v = get_json("/staff/intake");
  service_id = (long long)json_integer_value(
      json_object_get(json_array_get(json_object_get(v, "services"), 0), "id"));
  json_decref(v);
  return service_id > 0 ? 0 : -1;
}

static int teardown(void **state)
{
  (void)state;
  client_free(&supervisor);
  return server_stop(&server) == 0 ? 0 : -1;
}

static void test_reminder_when_due_once(void **state)
{
  (void)state;
  long long due = closed_case(), picked = closed_case();
  char path[64];
  snprintf(path, sizeof(path), "/staff/cases/%lld/pickup", picked);
  assert_int_equal(post(path, "", NULL), 303);
  long long first = closed_at(due);
  restart_at(first + 3600); /* the next case closes an hour later */
  long long later = closed_case(), second = closed_at(later);
  assert_true(second >= first + 3600);
  scan_at(first + WAIT_SECONDS); /* exactly the waiting time: not yet */
  assert_int_equal(reminders(due), 0);
  scan_at(first + WAIT_SECONDS + 1);
  scan_at(first + WAIT_SECONDS + 2);
  assert_int_equal(reminders(due), 1);
  assert_int_equal(reminders(later), 0);
  assert_int_equal(reminders(picked), 0);
  /* the scanner's reminder is the system's, in the page's language (it read "system") */
  char who[512];
  actors(due, who, sizeof(who));
  expect_contains(who, "|系統|");
  expect_lacks(who, "system");
  scan_at(second + WAIT_SECONDS);
  assert_int_equal(reminders(later), 0);
  scan_at(second + WAIT_SECONDS + 1);
  scan_at(second + 2 * WAIT_SECONDS);
  assert_int_equal(reminders(due), 1);
  assert_int_equal(reminders(later), 1);
  assert_int_equal(reminders(picked), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reminder_when_due_once),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
