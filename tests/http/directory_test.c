/*
 * directory_test.c - offices, units and services are held in memory per process
 * (domain/directory.c). Two servers on one database (two nodes): an edit made by another
 * process reaches both within the stated interval, and an edit made through a server is seen
 * by that server at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

enum { WAIT_SECONDS = 60 };

static struct server node_a, node_b;

static int setup(void **state)
{
  (void)state;
  if (server_start(&node_a, NULL))
    return -1;
  /* A second node on the same database: node_a's SQLite file or PostgreSQL database. */
  return server_start_db(&node_b, node_a.db, false, NULL);
}

static int teardown(void **state)
{
  (void)state;
  server_stop(&node_b);
  server_stop(&node_a);
  return 0;
}

/* The service page's name in English, or "" (malloc'd). */
static char *service_name(struct server *s, const char *path)
{
  const char *accept[] = {"Accept: application/json", NULL};
  struct response r;
  char *name = strdup("");
  if (http_call(s, "GET", path, accept, NULL, 0, &r) == 0) {
    json_t *view = response_json(&r);
    const char *n = json_string_value(json_object_get(json_object_get(view, "service"), "name"));
    if (n) {
      free(name);
      name = strdup(n);
    }
    json_decref(view);
    response_free(&r);
  }
  return name;
}

/* Polls until the server's page names the service `want` or WAIT_SECONDS pass. */
static bool shows(struct server *s, const char *path, const char *want)
{
  time_t deadline = time(NULL) + WAIT_SECONDS;
  for (useconds_t pause = 10000;; pause = pause < 200000 ? pause * 2 : pause) {
    char *name = service_name(s, path);
    bool ok = strcmp(name, want) == 0;
    free(name);
    if (ok || time(NULL) > deadline)
      return ok;
    usleep(pause);
  }
}

/* Exports xinxing's catalogue, renames one service in English and imports it again, all
 * through the command line: a writer in another process, as another node would be. */
static void rename_by_import(const char *from, const char *to)
{
  char file[400], cmd[1200];
  snprintf(file, sizeof(file), "%s/catalog.json", node_a.dir);
  const char *out[] = {"catalog-export", "--office", "xinxing", file, NULL};
  assert_int_equal(server_cli(&node_a, out), 0);
  snprintf(cmd, sizeof(cmd), "sed -i 's/\"name_en\": *\"%s\"/\"name_en\": \"%s\"/' '%s'", from, to,
           file);
  assert_int_equal(system(cmd), 0);
  const char *in[] = {"catalog-import", "--office", "xinxing", file, NULL};
  assert_int_equal(server_cli(&node_a, in), 0);
}

static void test_other_node_edit_reaches_both(void **state)
{
  (void)state;
  const char *path = "/o/xinxing/services/sale-transfer?lang=en";
  /* Both nodes hold the directory in memory before the edit. */
  assert_true(shows(&node_a, path, "Transfer of ownership by sale"));
  assert_true(shows(&node_b, path, "Transfer of ownership by sale"));
  rename_by_import("Transfer of ownership by sale", "Ownership transfer by sale");
  assert_true(shows(&node_a, path, "Ownership transfer by sale"));
  assert_true(shows(&node_b, path, "Ownership transfer by sale"));
  rename_by_import("Ownership transfer by sale", "Transfer of ownership by sale");
  assert_true(shows(&node_b, path, "Transfer of ownership by sale"));
  assert_true(shows(&node_a, path, "Transfer of ownership by sale"));
}

static void test_unknown_service_and_office_stay_not_found(void **state)
{
  (void)state;
  struct response r;
  assert_int_equal(http_get(&node_b, "/o/xinxing/services/no-such-service", &r), 0);
  assert_int_equal(r.status, 404);
  response_free(&r);
  assert_int_equal(http_get(&node_b, "/o/no-such-office/services/sale-transfer", &r), 0);
  assert_int_equal(r.status, 404);
  response_free(&r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_other_node_edit_reaches_both),
      cmocka_unit_test(test_unknown_service_and_office_stay_not_found),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
