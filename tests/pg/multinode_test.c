/*
 * multinode_test.c - two `bianmin serve` processes on one PostgreSQL database (run through
 * tests/pg/run.sh): 100 concurrent intakes, 50 through each node, get 100 distinct, gap-free
 * case numbers; a session signed in on one node works on the other; a change made through one
 * node is seen by the other at once; public progress lookups use the read_db connection and
 * fall back to the primary when it cannot be reached.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define PASSWORD "bianmin-demo-2026"
enum { NODES = 2, PER_NODE = 50 };

static struct server nodes[NODES];
static const char *accept_json[] = {"Accept: application/json", NULL};

static int setup(void **state)
{
  const char *env[] = {"BIANMIN_RATE_LOGIN=100000", NULL};
  char url[320];
  if (test_pg_database(url, sizeof(url)))
    return -1;
  /* Node A loads the demo; node B only migrates (nothing left to do) and serves. */
  if (server_start_db(&nodes[0], url, true, env))
    return -1;
  return server_start_db(&nodes[1], url, false, env);
}

static int teardown(void **state)
{
  int a = server_stop(&nodes[0]), b = server_stop(&nodes[1]);
  return a == 0 && b == 0 ? 0 : -1;
}

/* Takes a case in through the client's node; returns its id (0 on failure). */
static long long take_in(struct client *c)
{
  struct response r;
  static const char form[] = "service_id=1&applicant_name=%E6%9E%97%E5%B0%8F%E8%8A%B3&"
                             "applicant_phone=0912345678&notify=sms&doc_0=x";
  if (client_get(c, "/staff/intake?service=1", &r))
    return 0;
  response_free(&r);
  if (client_post(c, "/staff/intake", form, &r) || r.status != 303) {
    fprintf(stderr, "intake answered %ld: %.300s\n", r.status, r.body);
    response_free(&r);
    return 0;
  }
  char *location = response_header(&r, "Location");
  long long id = 0;
  if (location && strncmp(location, "/staff/cases/", 13) == 0)
    id = strtoll(location + 13, NULL, 10);
  free(location);
  response_free(&r);
  return id;
}

struct worker {
  struct server *node;
  const char *username;
  long long ids[PER_NODE];
  int ok;
};

static void *worker_main(void *arg)
{
  struct worker *w = arg;
  struct client c;
  client_init(&c, w->node);
  if (client_login(&c, w->username, PASSWORD) == 303) {
    w->ok = 1;
    for (int i = 0; i < PER_NODE; i++)
      if (!(w->ids[i] = take_in(&c)))
        w->ok = 0;
  }
  client_free(&c);
  return NULL;
}

static long long case_serial(struct client *c, long long id)
{
  char path[64];
  struct response r;
  snprintf(path, sizeof(path), "/staff/cases/%lld", id);
  assert_int_equal(client_call(c, "GET", path, accept_json, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  json_t *view = response_json(&r);
  response_free(&r);
  long long serial = json_integer_value(json_object_get(json_object_get(view, "case"), "serial"));
  json_decref(view);
  return serial;
}

static int compare(const void *a, const void *b)
{
  long long x = *(const long long *)a, y = *(const long long *)b;
  return (x > y) - (x < y);
}

static void test_intakes_through_both_nodes_are_gap_free(void **state)
{
  static struct worker workers[NODES] = {{&nodes[0], "xinxing-clerk"},
                                         {&nodes[1], "xinxing-supervisor"}};
  static long long serials[NODES * PER_NODE];
  pthread_t threads[NODES];
  for (int i = 0; i < NODES; i++)
    pthread_create(&threads[i], NULL, worker_main, &workers[i]);
  for (int i = 0; i < NODES; i++)
    pthread_join(threads[i], NULL);
  struct client c;
  client_init(&c, &nodes[1]);
  assert_int_equal(client_login(&c, "xinxing-supervisor", PASSWORD), 303);
  for (int i = 0; i < NODES; i++) {
    assert_true(workers[i].ok);
    for (int j = 0; j < PER_NODE; j++)
      serials[i * PER_NODE + j] = case_serial(&c, workers[i].ids[j]);
  }
  client_free(&c);
  qsort(serials, NODES * PER_NODE, sizeof(serials[0]), compare);
  for (int i = 0; i < NODES * PER_NODE; i++)
    if (serials[i] != i + 1)
      fail_msg("serial %d is %lld: numbers must run 1..100 without gaps or repeats", i + 1,
               serials[i]);
}

static void test_session_from_one_node_works_on_the_other(void **state)
{
  struct client c;
  struct response r;
  client_init(&c, &nodes[0]);
  assert_int_equal(client_login(&c, "xinxing-clerk", PASSWORD), 303);
  /* The same cookie jar, now talking to node B (cookies do not depend on the port). */
  c.server = &nodes[1];
  assert_int_equal(client_call(&c, "GET", "/staff/", accept_json, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  response_free(&r);
  assert_int_equal(client_get(&c, "/staff/intake?service=1", &r), 0);
  assert_int_equal(r.status, 200);
  response_free(&r);
  /* A form whose CSRF token node B rendered is accepted there: the session is shared. */
  long long id = take_in(&c);
  assert_true(id > 0);
  /* Signing out on B ends the session on A too. */
  assert_int_equal(client_post(&c, "/staff/logout", "", &r), 0);
  response_free(&r);
  c.server = &nodes[0];
  assert_int_equal(client_call(&c, "GET", "/staff/", accept_json, NULL, 0, &r), 0);
  assert_int_equal(r.status, 401);
  response_free(&r);
  client_free(&c);
}

/* The number and check code of a new case taken in through node A. */
static void new_case(char *key, size_t key_size, char *check, size_t check_size)
{
  struct client c;
  char path[64];
  struct response r;
  client_init(&c, &nodes[0]);
  assert_int_equal(client_login(&c, "xinxing-clerk", PASSWORD), 303);
  long long id = take_in(&c);
  assert_true(id > 0);
  snprintf(path, sizeof(path), "/staff/cases/%lld", id);
  assert_int_equal(client_call(&c, "GET", path, accept_json, NULL, 0, &r), 0);
  json_t *view = response_json(&r);
  json_t *cv = json_object_get(view, "case");
  snprintf(key, key_size, "%s", json_string_value(json_object_get(cv, "case_key")));
  snprintf(check, check_size, "%s", json_string_value(json_object_get(cv, "check_code")));
  json_decref(view);
  response_free(&r);
  client_free(&c);
}

static long lookup_status(struct server *node, const char *key, const char *check)
{
  char path[128];
  struct response r;
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", key, check);
  assert_int_equal(http_call(node, "GET", path, accept_json, NULL, 0, &r), 0);
  long status = r.status;
  response_free(&r);
  return status;
}

static void test_public_lookups_use_the_read_database(void **state)
{
  char key[32], check[8], other[320], env_other[360];
  struct server scratch;
  new_case(key, sizeof(key), check, sizeof(check));
  assert_int_equal(lookup_status(&nodes[1], key, check), 200);
  /* A "replica" that is another database with the demo but no cases: the lookup reads there. */
  assert_int_equal(test_pg_database(other, sizeof(other)), 0);
  assert_int_equal(server_start_db(&scratch, other, true, NULL), 0);
  assert_int_equal(server_stop(&scratch), 0);
  snprintf(env_other, sizeof(env_other), "BIANMIN_READ_DB=%s", other);
  const char *read_other[] = {env_other, NULL};
  assert_int_equal(server_restart(&nodes[1], read_other), 0);
  assert_int_equal(lookup_status(&nodes[1], key, check), 404);
  /* A replica that is down: the primary answers. */
  const char *read_down[] = {"BIANMIN_READ_DB=postgresql://bianmin@127.0.0.1:1/none"
                             "?connect_timeout=2",
                             NULL};
  assert_int_equal(server_restart(&nodes[1], read_down), 0);
  assert_int_equal(lookup_status(&nodes[1], key, check), 200);
}

int main(void)
{
  if (!getenv("BIANMIN_TEST_PG_URL")) {
    fprintf(stderr, "BIANMIN_TEST_PG_URL is not set: skipped (run through tests/pg/run.sh)\n");
    return 77;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_intakes_through_both_nodes_are_gap_free),
      cmocka_unit_test(test_session_from_one_node_works_on_the_other),
      cmocka_unit_test(test_public_lookups_use_the_read_database),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
