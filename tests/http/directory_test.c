/*
 * directory_test.c - offices, units and services are held in memory per process
 * (domain/directory.c). Two servers on one database (two nodes): an edit made by another
 * process reaches both within the stated interval, and an edit made through a server is seen
 * by that server at once. The same for the FAQ (the searches) and a service's form links.
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

/* Exports xinxing's catalogue, replaces the value of every `field` that is `from` with `to`
 * and imports it again, all through the command line: a writer in another process, as another
 * node would be. */
static void edit_by_import(const char *field, const char *from, const char *to)
{
  char file[400], cmd[1200];
  snprintf(file, sizeof(file), "%s/catalog.json", node_a.dir);
  const char *out[] = {"catalog-export", "--office", "xinxing", file, NULL};
  assert_int_equal(server_cli(&node_a, out), 0);
  snprintf(cmd, sizeof(cmd), "sed -i 's/\"%s\": *\"%s\"/\"%s\": \"%s\"/' '%s'", field, from, field,
           to, file);
  assert_int_equal(system(cmd), 0);
  const char *in[] = {"catalog-import", "--office", "xinxing", file, NULL};
  assert_int_equal(server_cli(&node_a, in), 0);
}

/* Renames one service in English. */
static void rename_by_import(const char *from, const char *to)
{
  edit_by_import("name_en", from, to);
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

/* Whether the JSON view of path lists, under list ("service.forms": a list inside an object),
 * an item whose field is want. */
static bool lists(struct server *s, const char *path, const char *list, const char *field,
                  const char *want)
{
  const char *accept[] = {"Accept: application/json", NULL};
  struct response r;
  bool found = false;
  if (http_call(s, "GET", path, accept, NULL, 0, &r) != 0)
    return false;
  json_t *view = response_json(&r), *item, *at = view;
  char key[64];
  for (const char *k = list, *dot; at && k; k = dot ? dot + 1 : NULL) {
    dot = strchr(k, '.');
    size_t len = dot ? (size_t)(dot - k) : strlen(k);
    snprintf(key, sizeof(key), "%.*s", (int)len, k);
    at = json_object_get(at, key);
  }
  size_t i;
  json_array_foreach(at, i, item)
  {
    const char *text = json_string_value(json_object_get(item, field));
    found = found || (text && strcmp(text, want) == 0);
  }
  json_decref(view);
  response_free(&r);
  return found;
}

/* Polls until path lists want (or, when gone, no longer lists it) or WAIT_SECONDS pass. */
static bool lists_within(struct server *s, const char *path, const char *list, const char *field,
                         const char *want, bool gone)
{
  time_t deadline = time(NULL) + WAIT_SECONDS;
  for (useconds_t pause = 10000;; pause = pause < 200000 ? pause * 2 : pause) {
    bool ok = lists(s, path, list, field, want) != gone;
    if (ok || time(NULL) > deadline)
      return ok;
    usleep(pause);
  }
}

/* Renames xinxing's question in English. */
static void rename_question(const char *from, const char *to)
{
  edit_by_import("question_en", from, to);
}

/* The search and the FAQ page keep their answers per directory snapshot: another node's edit
 * of a question reaches both nodes' searches (the FAQ moves the directory version). */
static void test_other_node_faq_edit_reaches_searches(void **state)
{
  (void)state;
  const char *faq = "/o/xinxing/faq?q=boundary&lang=en",
             *search = "/o/xinxing/search?q=boundary&lang=en";
  const char *before = "How much does a boundary survey cost?";
  const char *after = "What does a boundary survey cost?";
  struct server *nodes[] = {&node_a, &node_b};
  for (size_t i = 0; i < 2; i++) { /* both nodes hold the answers before the edit */
    assert_true(lists_within(nodes[i], faq, "results", "question", before, false));
    assert_true(lists_within(nodes[i], search, "results", "title", before, false));
  }
  rename_question(before, after);
  for (size_t i = 0; i < 2; i++) {
    assert_true(lists_within(nodes[i], faq, "results", "question", after, false));
    assert_true(lists_within(nodes[i], faq, "results", "question", before, true));
    assert_true(lists_within(nodes[i], search, "results", "title", after, false));
  }
  rename_question(after, before);
  for (size_t i = 0; i < 2; i++) {
    assert_true(lists_within(nodes[i], faq, "results", "question", before, false));
    assert_true(lists_within(nodes[i], search, "results", "title", before, false));
  }
}

/* Renames a form link's English title. */
static void rename_form(const char *from, const char *to)
{
  edit_by_import("title_en", from, to);
}

/* A service's form links are held with the service in each node's directory: another node's
 * edit of a link reaches both nodes' service pages (the links move the directory version). */
static void test_other_node_form_edit_reaches_service_pages(void **state)
{
  (void)state;
  const char *page = "/o/xinxing/services/sale-transfer?lang=en";
  const char *before = "Land registration application (ODF, editable)";
  const char *after = "Land registration application (ODF)";
  struct server *nodes[] = {&node_a, &node_b};
  for (size_t i = 0; i < 2; i++) /* both nodes hold the links before the edit */
    assert_true(lists_within(nodes[i], page, "service.forms", "title", before, false));
  rename_form(before, after);
  for (size_t i = 0; i < 2; i++) {
    assert_true(lists_within(nodes[i], page, "service.forms", "title", after, false));
    assert_true(lists_within(nodes[i], page, "service.forms", "title", before, true));
  }
  rename_form(after, before);
  for (size_t i = 0; i < 2; i++)
    assert_true(lists_within(nodes[i], page, "service.forms", "title", before, false));
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
      cmocka_unit_test(test_other_node_faq_edit_reaches_searches),
      cmocka_unit_test(test_other_node_form_edit_reaches_service_pages),
      cmocka_unit_test(test_unknown_service_and_office_stay_not_found),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
