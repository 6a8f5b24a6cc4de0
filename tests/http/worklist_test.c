/*
 * worklist_test.c - the staff work list in pages of 50: with more than 50 open cases the pages
 * together hold every case exactly once, in the same order each time, with the count of all;
 * the Previous / Next links keep the scope, filter and search; bad page numbers (0, -1, text,
 * huge) answer a page of the list, never an error.
 */
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
enum { INTAKES = 61, PAGE = 50, MAX_IDS = 400 };

static struct server server;
static struct client clerk;
static const char *accept_json[] = {"Accept: application/json", NULL};

static long long take_in_named(struct client *c, const char *name)
{
  struct response r;
  char form[256];
  snprintf(form, sizeof(form),
           "service_id=1&applicant_name=%s&applicant_phone=0912345678&notify=sms&doc_0=x", name);
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

static long long take_in(struct client *c)
{
  return take_in_named(c, "%E7%8E%8B%E5%A4%A7%E6%98%8E"); /* 王大明 */
}

static int setup(void **state)
{
  const char *env[] = {"BIANMIN_RATE_LOGIN=100000", NULL};
  if (server_start(&server, env))
    return -1;
  client_init(&clerk, &server);
  if (client_login(&clerk, "xinxing-clerk", PASSWORD) != 303)
    return -1;
  for (int i = 0; i < INTAKES; i++)
    if (!take_in(&clerk))
      return -1;
  return 0;
}

static int teardown(void **state)
{
  client_free(&clerk);
  return server_stop(&server) == 0 ? 0 : -1;
}

/* The JSON view of path. */
static json_t *list_json(const char *path)
{
  struct response r;
  assert_int_equal(client_call(&clerk, "GET", path, accept_json, NULL, 0, &r), 0);
  if (r.status != 200)
    fprintf(stderr, "%s answered %ld\n", path, r.status);
  assert_int_equal(r.status, 200);
  json_t *view = response_json(&r);
  response_free(&r);
  assert_non_null(view);
  return view;
}

static long long num(json_t *view, const char *key)
{
  return (long long)json_integer_value(json_object_get(view, key));
}

static const char *text(json_t *view, const char *key)
{
  const char *s = json_string_value(json_object_get(view, key));
  return s ? s : "";
}

/* Appends the hrefs of the rows of view to ids ("/staff/cases/N" -> N). */
static size_t collect(json_t *view, long long *ids, size_t n)
{
  size_t i;
  json_t *row;
  json_array_foreach(json_object_get(view, "rows"), i, row)
  {
    const char *href = text(row, "href");
    assert_int_equal(strncmp(href, "/staff/cases/", 13), 0);
    assert_true(n < MAX_IDS);
    ids[n++] = strtoll(href + 13, NULL, 10);
  }
  return n;
}

static void walk(long long *ids, size_t *n, long long *total)
{
  char path[128];
  json_t *first = list_json("/staff/cases?scope=office");
  *total = num(first, "total");
  long long pages = num(first, "pages");
  assert_true(*total > PAGE);
  assert_int_equal(pages, (*total + PAGE - 1) / PAGE);
  assert_int_equal(num(first, "page"), 1);
  assert_int_equal(num(first, "count"), PAGE);
  assert_string_equal(text(first, "prev"), "");
  assert_string_equal(text(first, "next"), "/staff/cases?scope=office&filter=&q=&page=2");
  json_decref(first);
  *n = 0;
  for (long long p = 1; p <= pages; p++) {
    snprintf(path, sizeof(path), "/staff/cases?scope=office&page=%lld", p);
    json_t *view = list_json(path);
    assert_int_equal(num(view, "page"), p);
    assert_int_equal(num(view, "total"), *total);
    size_t before = *n;
    *n = collect(view, ids, *n);
    assert_int_equal(*n - before, p < pages ? PAGE : *total - (pages - 1) * PAGE);
    json_decref(view);
  }
}

static void test_pages_hold_every_case_once_in_a_stable_order(void **state)
{
  long long a[MAX_IDS], b[MAX_IDS], total = 0, total2 = 0;
  size_t n = 0, m = 0;
  walk(a, &n, &total);
  assert_int_equal((long long)n, total);
  assert_true(total >= INTAKES);
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++)
      assert_true(a[i] != a[j]);
  walk(b, &m, &total2);
  assert_int_equal(total2, total);
  assert_memory_equal(a, b, n * sizeof(a[0]));
}

static void test_bad_pages_answer_a_page(void **state)
{
  json_t *first = list_json("/staff/cases?scope=office");
  long long pages = num(first, "pages");
  json_decref(first);
  static const char *const ones[] = {"0", "-1",  "abc",  "1e3",
                                     "",  "1.5", "2abc", "99999999999999999999"};
  char path[160];
  for (size_t i = 0; i < sizeof(ones) / sizeof(ones[0]); i++) {
    snprintf(path, sizeof(path), "/staff/cases?scope=office&page=%s", ones[i]);
    json_t *view = list_json(path);
    assert_int_equal(num(view, "page"), 1);
    json_decref(view);
  }
  json_t *last = list_json("/staff/cases?scope=office&page=999999999");
  assert_int_equal(num(last, "page"), pages);
  assert_string_equal(text(last, "next"), "");
  assert_true(strlen(text(last, "prev")) > 0);
  json_decref(last);
}

#define NAME "%E7%8E%8B%E5%A4%A7%E6%98%8E" /* 王大明, every case taken in here */

static void test_links_keep_the_list_and_are_labelled(void **state)
{
  struct response r;
  assert_int_equal(client_get(&clerk, "/staff/cases?scope=office&page=2", &r), 0);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "<nav class=\"govuk-pagination\" aria-label=\"案件清單分頁\""));
  assert_non_null(strstr(r.body, "href=\"/staff/cases?scope=office&amp;filter=&amp;q=&amp;"
                                 "page=1\" rel=\"prev\""));
  assert_non_null(strstr(r.body, "上一頁"));
  response_free(&r);
  assert_int_equal(client_get(&clerk, "/staff/cases?scope=office&lang=en", &r), 0);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "aria-label=\"Pages of the case list\""));
  assert_non_null(strstr(r.body, "rel=\"next\""));
  assert_null(strstr(r.body, "rel=\"prev\""));
  response_free(&r);
  /* A search travels in the links, escaped. */
  json_t *v = list_json("/staff/cases?scope=office&q=" NAME);
  assert_int_equal(num(v, "total"), INTAKES);
  assert_int_equal(num(v, "pages"), 2);
  assert_string_equal(text(v, "next"), "/staff/cases?scope=office&filter=&q=" NAME "&page=2");
  json_decref(v);
  v = list_json("/staff/cases?scope=office&q=" NAME "&page=2");
  assert_int_equal(num(v, "count"), INTAKES - PAGE);
  json_decref(v);
  /* One page: no links. */
  v = list_json("/staff/cases?scope=office&filter=closed");
  assert_int_equal(num(v, "pages"), 1);
  assert_string_equal(text(v, "next"), "");
  assert_false(json_is_true(json_object_get(v, "paged")));
  json_decref(v);
}

#define OTHER "%E9%99%B3%E7%BE%8E%E7%8E%B2" /* 陳美玲 */

/* A search by an applicant's name lists that applicant's cases only (it listed every case:
 * the empty number prefix of a name search matched them all); a name nobody has, none. */
static void test_search_by_name_finds_only_that_applicant(void **state)
{
  long long id = take_in_named(&clerk, OTHER);
  assert_true(id > 0);
  char href[64];
  snprintf(href, sizeof(href), "/staff/cases/%lld", id);
  json_t *v = list_json("/staff/cases?scope=office&q=" OTHER);
  assert_int_equal(num(v, "total"), 1);
  assert_string_equal(text(json_array_get(json_object_get(v, "rows"), 0), "href"), href);
  json_decref(v);
  v = list_json("/staff/cases?scope=office&q=" NAME);
  assert_int_equal(num(v, "total"), INTAKES);
  json_decref(v);
  v = list_json("/staff/cases?scope=office&q=%E6%9E%97%E5%BF%97%E6%98%8E"); /* 林志明: no one */
  assert_int_equal(num(v, "total"), 0);
  json_decref(v);
  v = list_json("/staff/cases?scope=mine&q=" OTHER); /* a clerk handles none */
  assert_int_equal(num(v, "total"), 0);
  json_decref(v);
}

/* The form above the list shows the list it heads (it showed "mine" and "open" whatever was
 * listed, so "Show" after typing a search dropped the scope and filter), and offers no filter
 * the person may not open ("awaiting my approval" answered a clerk or handler 403). */
static void test_form_shows_the_list_it_heads(void **state)
{
  struct response r;
  assert_int_equal(client_get(&clerk, "/staff/cases?scope=office&filter=overdue", &r), 0);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "<option value=\"office\" selected>"));
  assert_non_null(strstr(r.body, "<option value=\"overdue\" selected>"));
  assert_null(strstr(r.body, "<option value=\"mine\" selected>"));
  assert_null(strstr(r.body, "<option value=\"awaiting\""));
  response_free(&r);
  assert_int_equal(client_get(&clerk, "/staff/cases?scope=unit&lang=en", &r), 0);
  assert_non_null(strstr(r.body, "<option value=\"unit\" selected>"));
  assert_non_null(strstr(r.body, "<option value=\"\" selected>Open</option>"));
  response_free(&r);
  assert_int_equal(client_get(&clerk, "/staff/cases?filter=awaiting", &r), 0);
  assert_int_equal(r.status, 403);
  response_free(&r);
}

/* A supervisor's home page counts the overdue cases of their scope (their unit's, the office's
 * without a unit) and links to the work list filtered to them, in both languages (they were
 * only found through the work list's filter). */
static void expect_home_overdue(struct client *c, const char *scope, long long count)
{
  long status = 0;
  char href[128];
  snprintf(href, sizeof(href), "/staff/cases?scope=%s&filter=overdue", scope);
  json_t *home = get_json_view(&server, c, "/staff/", &status);
  assert_int_equal(status, 200);
  expect_text_at(home, "overdue.href", href);
  assert_int_equal(json_integer_value(json_object_get(json_object_get(home, "overdue"), "count")),
                   count);
  json_decref(home);
  struct response r;
  assert_int_equal(client_get(c, "/staff/", &r), 0);
  char link[256];
  snprintf(link, sizeof(link),
           "<a class=\"govuk-link\" href=\"/staff/cases?scope=%s&amp;filter=overdue\">", scope);
  expect_contains(r.body, link);
  expect_contains(r.body, "的逾期案件</a>: <strong id=\"overdue-cases\">");
  response_free(&r);
  assert_int_equal(client_get(c, "/staff/?lang=en", &r), 0);
  expect_contains(r.body, link);
  expect_contains(r.body, "Overdue cases in ");
  response_free(&r);
}

static void test_supervisor_home_counts_overdue(void **state)
{
  harness_sql_exec(&server, "UPDATE cases SET due_state = 'overdue', unit_id = NULL WHERE id IN "
                            "(SELECT id FROM cases ORDER BY id LIMIT 3)");
  harness_sql_exec(&server, "UPDATE cases SET unit_id = (SELECT id FROM units WHERE code = "
                            "'survey' AND office_id = cases.office_id) WHERE id = (SELECT min(id) "
                            "FROM cases)");
  json_t *v = list_json("/staff/cases?scope=office&filter=overdue");
  assert_int_equal(num(v, "total"), 3);
  json_decref(v);
  struct client supervisor;
  client_init(&supervisor, &server);
  assert_int_equal(client_login(&supervisor, "xinxing-supervisor", PASSWORD), 303);
  expect_home_overdue(&supervisor, "office", 3);
  client_free(&supervisor);
  /* a supervisor of the survey unit: that unit's one */
  harness_add_user(&server, "xinxing", "xinxing-survey-chief", "supervisor", PASSWORD);
  harness_sql_exec(&server, "UPDATE users SET unit_id = (SELECT u.id FROM units u JOIN offices o "
                            "ON o.id = u.office_id WHERE u.code = 'survey' AND o.slug = "
                            "'xinxing') WHERE username = 'xinxing-survey-chief'");
  client_init(&supervisor, &server);
  assert_int_equal(client_login(&supervisor, "xinxing-survey-chief", PASSWORD), 303);
  expect_home_overdue(&supervisor, "unit", 1);
  client_free(&supervisor);
  /* a clerk's home has no such count */
  struct response r;
  assert_int_equal(client_get(&clerk, "/staff/", &r), 0);
  expect_lacks(r.body, "overdue-cases");
  response_free(&r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pages_hold_every_case_once_in_a_stable_order),
      cmocka_unit_test(test_bad_pages_answer_a_page),
      cmocka_unit_test(test_links_keep_the_list_and_are_labelled),
      cmocka_unit_test(test_search_by_name_finds_only_that_applicant),
      cmocka_unit_test(test_form_shows_the_list_it_heads),
      cmocka_unit_test(test_supervisor_home_counts_overdue),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
