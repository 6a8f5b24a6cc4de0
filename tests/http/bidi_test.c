/*
 * bidi_test.c - bidirectional control characters (U+202A..U+202E, U+2066..U+2069) are refused
 * wherever text comes in, by the one text rule (str_valid_text), with a 400 that says why in
 * the visitor's language: a name at counter intake (staff form), the public search and
 * progress forms (query strings) and a path. The direction marks U+200E / U+200F are allowed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define DEMO_PASSWORD "bianmin-demo-2026"
#define WHY_ZH        "會改變後方文字方向的控制字元"
#define WHY_EN        "changes the direction of the text after it"

static struct server server;
static struct client clerk;

/* Percent-encoded names: 王小明 with RLO (U+202E) after the first character, with RLI
 * (U+2067) ... PDI (U+2069) around the rest, and with an RLM (U+200F) mark. */
#define WANG     "%E7%8E%8B"
#define XIAOMING "%E5%B0%8F%E6%98%8E"
#define RLO      "%E2%80%AE"
#define RLI      "%E2%81%A7"
#define PDI      "%E2%81%A9"
#define RLM      "%E2%80%8F"

static long long cases(void)
{
  json_t *v = expect_view(&server, &clerk, "/staff/cases?scope=office", 200);
  long long total = json_integer_value(json_object_get(v, "total"));
  json_decref(v);
  return total;
}

static long intake(const char *name, const char *lang, char **body)
{
  char form[512];
  struct response r;
  free(expect_page(&server, &clerk, "/staff/intake?service=1", 200)); /* the CSRF token */
  snprintf(form, sizeof(form),
           "service_id=1&applicant_name=%s&applicant_phone=0912345678&notify=none&doc_0=x", name);
  char path[64];
  snprintf(path, sizeof(path), "/staff/intake?lang=%s", lang);
  assert_int_equal(client_post(&clerk, path, form, &r), 0);
  long status = r.status;
  if (body)
    *body = strdup(r.body ? r.body : "");
  response_free(&r);
  return status;
}

static void test_intake_refuses_bidi_controls(void **state)
{
  (void)state;
  long long before = cases();
  char *body = NULL;
  assert_int_equal(intake(WANG RLO XIAOMING, "zh-TW", &body), 400);
  expect_contains(body, WHY_ZH);
  free(body);
  assert_int_equal(intake(WANG RLI XIAOMING PDI, "en", &body), 400);
  expect_contains(body, WHY_EN);
  free(body);
  assert_int_equal(cases(), before);
  /* a direction mark is not a control that opens a span: accepted */
  assert_int_equal(intake(WANG RLM XIAOMING, "zh-TW", NULL), 303);
  assert_int_equal(cases(), before + 1);
}

static void expect_refused(const char *path, const char *why)
{
  char *body = expect_page(&server, NULL, path, 400);
  expect_contains(body, why);
  free(body);
}

static void test_public_forms_refuse_bidi_controls(void **state)
{
  (void)state;
  expect_refused("/o/xinxing/search?q=" WANG RLO XIAOMING, WHY_ZH);
  expect_refused("/o/xinxing/search?lang=en&q=" WANG RLO XIAOMING, WHY_EN);
  expect_refused("/o/xinxing/progress?number=115-EB01-000001&check=12" RLO "3456", WHY_ZH);
  expect_refused("/o/xinxing/services/" RLO "x?lang=en", WHY_EN);
  /* without the control, the same search is answered */
  free(expect_page(&server, NULL, "/o/xinxing/search?q=" WANG XIAOMING, 200));
}

static int setup(void **state)
{
  (void)state;
  const char *env[] = {"BIANMIN_RATE_PUBLIC=100000", "BIANMIN_RATE_LOOKUP=100000", NULL};
  if (server_start(&server, env))
    return -1;
  client_init(&clerk, &server);
  return client_login(&clerk, "xinxing-clerk", DEMO_PASSWORD) == 303 ? 0 : -1;
}

static int teardown(void **state)
{
  (void)state;
  client_free(&clerk);
  return server_stop(&server) == 0 ? 0 : -1;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_intake_refuses_bidi_controls),
      cmocka_unit_test(test_public_forms_refuse_bidi_controls),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
