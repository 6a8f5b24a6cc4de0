/*
 * open311_test.c - the pure parts of Open311 (domain/open311.h): W3C datetimes in and out in
 * Taiwan's offset, the HTML check, the status collapse; and that docs/openapi.json names every
 * /api/ route of the route table and nothing else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "domain/open311.h"
#include "domain/workflow.h"
#include "web/app.h"

static void test_datetime_out(void **state)
{
  char out[OPEN311_DATETIME_SIZE];
  open311_datetime(1795396500, out); /* 2026-11-23 01:15:00 UTC */
  assert_string_equal(out, "2026-11-23T09:15:00+08:00");
  open311_datetime(0, out);
  assert_string_equal(out, "1970-01-01T08:00:00+08:00");
}

static void test_datetime_in(void **state)
{
  int64_t t = 0;
  assert_true(open311_parse_datetime("2026-11-23T09:15:00+08:00", &t));
  assert_int_equal(t, 1795396500);
  assert_true(open311_parse_datetime("2026-11-23T01:15:00Z", &t));
  assert_int_equal(t, 1795396500);
  assert_true(open311_parse_datetime("2026-11-23T01:15:00.250Z", &t));
  assert_int_equal(t, 1795396500);
  assert_true(open311_parse_datetime("2026-11-22T20:15:00-05:00", &t));
  assert_int_equal(t, 1795396500);
  assert_true(open311_parse_datetime("2026-11-23T09:15:00+0800", &t));
  assert_int_equal(t, 1795396500);
  /* "+08:00" sent unencoded in a query string arrives as " 08:00" */
  assert_true(open311_parse_datetime("2026-11-23T09:15:00 08:00", &t));
  assert_int_equal(t, 1795396500);
  assert_true(open311_parse_datetime("2026-11-23T09:15", &t)); /* no zone: Taipei */
  assert_int_equal(t, 1795396500);
  assert_true(open311_parse_datetime("2026-11-23", &t)); /* midnight in Taipei */
  assert_int_equal(t, 1795363200);
  assert_true(open311_parse_datetime("2024-02-29", &t));
  static const char *const bad[] = {"",
                                    "yesterday",
                                    "2026-13-01",
                                    "2026-02-29",
                                    "2026-11-31",
                                    "2026-11-23T25:00:00Z",
                                    "2026-11-23T09:15:00+08",
                                    "2026-11-23T09:15:00+08:00x",
                                    "2026-11-23T09:15:00 ",
                                    "2026-11-23T09:15:00  08:00",
                                    "2026-11-23x",
                                    "26-11-23",
                                    "2026-11-23T09:15:00.Z"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
    if (open311_parse_datetime(bad[i], &t))
      fail_msg("accepted \"%s\"", bad[i]);
  assert_false(open311_parse_datetime(NULL, &t));
}

static void test_html(void **state)
{
  assert_true(open311_has_html("<b>x</b>"));
  assert_true(open311_has_html("a <script>"));
  assert_true(open311_has_html("</p>"));
  assert_true(open311_has_html("<!-- x -->"));
  assert_false(open311_has_html("3 < 5 and 7 > 2"));
  assert_false(open311_has_html("I <3 this office"));
  assert_false(open311_has_html("line one\nline two"));
  assert_false(open311_has_html(NULL));
}

static void test_collapse(void **state)
{
  static const char *const open[] = {
      "received",     "first_review",    "second_review", "public_notice", "recording",
      "proofreading", "records_updated", "referred",      "correction",    "processing"};
  for (size_t i = 0; i < sizeof(open) / sizeof(*open); i++)
    assert_false(open311_closed(NULL, open[i]));
  assert_string_equal(open311_outcome(NULL, "closed"), "completed");
  assert_string_equal(open311_outcome(NULL, "archived"), "completed");
  assert_string_equal(open311_outcome(NULL, "rejected"), "rejected");
  assert_string_equal(open311_outcome(NULL, "withdrawn"), "withdrawn");
  assert_null(open311_outcome(NULL, NULL));
  assert_null(open311_outcome(NULL, "no_such_step"));
}

/* Appends a step of kind final to def, reached from "processing". */
static void add_final_step(json_t *def, const char *code, bool completed)
{
  json_t *step = json_pack("{s:s, s:s, s:b, s:b, s:{s:s, s:s}, s:{s:s, s:s}, s:b, s:i, s:b}",
                           "code", code, "kind", "final", "completed", completed, "clock_stops", 0,
                           "names", "zh-TW", "移送他機關", "en", "Sent to another agency", "plain",
                           "zh-TW", "已移送其他機關辦理。", "en", "Another agency handles it now.",
                           "appointment", 0, "public_notice_days", 0, "outcome_document", 0);
  json_t *move = json_pack("{s:s, s:s, s:[s], s:b}", "from", "processing", "to", code, "roles",
                           "supervisor", "note_required", 0);
  assert_int_equal(json_array_append_new(json_object_get(def, "steps"), step), 0);
  assert_int_equal(json_array_append_new(json_object_get(def, "transitions"), move), 0);
}

/* "Closed" comes from the case's workflow version: an office's own final step counts, and a
 * step is open or final as its workflow says, not by its code. */
static void test_closed_by_workflow(void **state)
{
  json_error_t error;
  json_t *def = json_load_file(BIANMIN_SOURCE_DIR "/data/workflows/simple.json", 0, &error);
  assert_non_null(def);
  add_final_step(def, "transferred_out", true);
  add_final_step(def, "dismissed", false);
  const struct workflow *wf = NULL;
  assert_int_equal(workflow_parse(def, 7, 2, &wf), 0);
  assert_true(open311_closed(wf, "transferred_out"));
  assert_string_equal(open311_outcome(wf, "transferred_out"), "completed");
  assert_true(open311_closed(wf, "dismissed"));
  assert_null(open311_outcome(wf, "dismissed"));
  assert_false(open311_closed(wf, "processing"));
  assert_true(open311_closed(wf, "closed"));
  assert_string_equal(open311_outcome(wf, "rejected"), "rejected");
  /* not a step of this workflow: not closed, whatever another workflow calls it */
  assert_false(open311_closed(wf, "archived"));
  assert_false(open311_closed(NULL, "transferred_out"));
  workflow_free(wf);
  json_decref(def);
}

/* Every route under /api/ is in the document with its method, and every documented path and
 * method is a route. (tests/http/api_test.c checks that each one answers.) */
static void test_openapi_matches_routes(void **state)
{
  json_error_t error;
  json_t *doc = json_load_file(BIANMIN_SOURCE_DIR "/docs/openapi.json", 0, &error);
  if (!doc)
    fail_msg("docs/openapi.json: %s at line %d", error.text, error.line);
  json_t *paths = json_object_get(doc, "paths");
  size_t count, documented = 0, routed = 0;
  const struct http_route *routes = web_routes(&count);
  for (size_t i = 0; i < count; i++) {
    if (strncmp(routes[i].pattern, "/api/", 5) != 0 || (routes[i].flags & HTTP_ROUTE_ERRORS_ONLY))
      continue;
    char method[8];
    size_t n = strlen(routes[i].method);
    assert_true(n < sizeof(method));
    for (size_t k = 0; k <= n; k++)
      method[k] = (char)(routes[i].method[k] | (k < n ? 0x20 : 0)); /* "GET" -> "get" */
    if (!json_object_get(json_object_get(paths, routes[i].pattern), method))
      fail_msg("%s %s is not in docs/openapi.json", routes[i].method, routes[i].pattern);
    routed++;
  }
  const char *path;
  json_t *item;
  json_object_foreach(paths, path, item)
  {
    const char *method;
    json_t *op;
    json_object_foreach(item, method, op)
    {
      bool found = false;
      for (size_t i = 0; i < count && !found; i++)
        found = !strcmp(routes[i].pattern, path) && !strcasecmp(routes[i].method, method);
      if (!found)
        fail_msg("docs/openapi.json lists %s %s, which is not a route", method, path);
      documented++;
    }
  }
  assert_int_equal(documented, routed);
  json_decref(doc);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_datetime_out),
      cmocka_unit_test(test_datetime_in),
      cmocka_unit_test(test_html),
      cmocka_unit_test(test_collapse),
      cmocka_unit_test(test_closed_by_workflow),
      cmocka_unit_test(test_openapi_matches_routes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
