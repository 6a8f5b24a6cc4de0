/*
 * cases_test.c - cases through HTTP: 200 intakes from 8 concurrent clerks get 200 distinct,
 * gap-free numbers; the receipt and public progress lookup by number + check code, by QR link,
 * as JSON; wrong codes get one polite answer; guessing is slowed down per address.
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
enum { CLERKS = 8, PER_CLERK = 25 };

static struct server server;
static const char *accept_json[] = {"Accept: application/json", NULL};

static int setup(void **state)
{
  const char *env[] = {"BIANMIN_RATE_LOGIN=100000", "BIANMIN_RATE_LOOKUP=40", NULL};
  return server_start(&server, env);
}

static int teardown(void **state)
{
  return server_stop(&server) == 0 ? 0 : -1;
}

/* Takes a case in; returns its id (0 on failure) and fills token (from the receipt link). */
static long long take_in(struct client *c, const char *name, char *token, size_t token_size)
{
  struct response r;
  char form[512];
  if (client_get(c, "/staff/intake?service=1", &r))
    return 0;
  response_free(&r);
  snprintf(form, sizeof(form),
           "service_id=1&applicant_name=%s&applicant_phone=0912345678&notify=sms&doc_0=x", name);
  if (client_post(c, "/staff/intake", form, &r) || r.status != 303) {
    fprintf(stderr, "intake answered %ld: %.300s\n", r.status, r.body);
    response_free(&r);
    return 0;
  }
  char *location = response_header(&r, "Location");
  long long id = 0;
  const char *t = location ? strstr(location, "?t=") : NULL;
  if (location && strncmp(location, "/staff/cases/", 13) == 0)
    id = strtoll(location + 13, NULL, 10);
  if (t && token)
    snprintf(token, token_size, "%s", t + 3);
  free(location);
  response_free(&r);
  return id;
}

struct worker {
  long long ids[PER_CLERK];
  int ok;
};

static void *clerk_main(void *arg)
{
  struct worker *w = arg;
  struct client c;
  client_init(&c, &server);
  if (client_login(&c, "xinxing-clerk", PASSWORD) == 303) {
    w->ok = 1;
    for (int i = 0; i < PER_CLERK; i++)
      if (!(w->ids[i] = take_in(&c, "%E6%9E%97%E5%B0%8F%E8%8A%B3", NULL, 0)))
        w->ok = 0;
  }
  client_free(&c);
  return NULL;
}

static json_t *case_json(struct client *c, long long id)
{
  char path[64];
  struct response r;
  snprintf(path, sizeof(path), "/staff/cases/%lld", id);
  assert_int_equal(client_call(c, "GET", path, accept_json, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  json_t *view = response_json(&r);
  response_free(&r);
  json_t *c_view = json_incref(json_object_get(view, "case"));
  json_decref(view);
  return c_view;
}

static int compare(const void *a, const void *b)
{
  long long x = *(const long long *)a, y = *(const long long *)b;
  return (x > y) - (x < y);
}

static void test_concurrent_intakes_get_gap_free_numbers(void **state)
{
  static struct worker workers[CLERKS];
  pthread_t threads[CLERKS];
  for (int i = 0; i < CLERKS; i++)
    pthread_create(&threads[i], NULL, clerk_main, &workers[i]);
  for (int i = 0; i < CLERKS; i++)
    pthread_join(threads[i], NULL);
  struct client c;
  client_init(&c, &server);
  assert_int_equal(client_login(&c, "xinxing-supervisor", PASSWORD), 303);
  static long long serials[CLERKS * PER_CLERK];
  char word[16] = "";
  for (int i = 0; i < CLERKS; i++) {
    assert_true(workers[i].ok);
    for (int j = 0; j < PER_CLERK; j++) {
      json_t *cv = case_json(&c, workers[i].ids[j]);
      serials[i * PER_CLERK + j] = json_integer_value(json_object_get(cv, "serial"));
      if (!word[0])
        snprintf(word, sizeof(word), "%s", json_string_value(json_object_get(cv, "word_code")));
      assert_string_equal(json_string_value(json_object_get(cv, "word_code")), word);
      json_decref(cv);
    }
  }
  client_free(&c);
  qsort(serials, CLERKS * PER_CLERK, sizeof(serials[0]), compare);
  for (int i = 0; i < CLERKS * PER_CLERK; i++)
    if (serials[i] != i + 1)
      fail_msg("serial %d is %lld: numbers must run 1..200 without gaps or repeats", i + 1,
               serials[i]);
}

static void test_receipt_and_public_lookup(void **state)
{
  struct client clerk;
  char token[64] = "", path[160];
  struct response r;
  client_init(&clerk, &server);
  assert_int_equal(client_login(&clerk, "xinxing-clerk", PASSWORD), 303);
  long long id = take_in(&clerk, "%E9%BB%83%E5%A4%A7%E5%90%8C", token, sizeof(token));
  assert_true(id > 0);
  assert_int_equal(strlen(token), 43);
  snprintf(path, sizeof(path), "/staff/cases/%lld/receipt?t=%s", id, token);
  assert_int_equal(client_get(&clerk, path, &r), 0);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "qr.svg"));
  response_free(&r);
  json_t *cv = case_json(&clerk, id);
  char key[32], check[8];
  snprintf(key, sizeof(key), "%s", json_string_value(json_object_get(cv, "case_key")));
  snprintf(check, sizeof(check), "%s", json_string_value(json_object_get(cv, "check_code")));
  json_decref(cv);
  client_free(&clerk);

  /* by number and check code, as JSON: the masked name only */
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", key, check);
  assert_int_equal(http_call(&server, "GET", path, accept_json, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  json_t *view = response_json(&r);
  json_t *pc = json_object_get(view, "case");
  assert_string_equal(json_string_value(json_object_get(pc, "applicant_name_masked")), "黃○同");
  assert_string_equal(json_string_value(json_object_get(pc, "status")), "received");
  assert_null(json_object_get(pc, "applicant_phone"));
  assert_null(strstr(r.body, "0912345678"));
  json_decref(view);
  response_free(&r);

  /* a wrong check code and an unknown number get the same polite answer */
  char wrong[8];
  snprintf(wrong, sizeof(wrong), "%s", check);
  wrong[0] = wrong[0] == '9' ? '0' : (char)(wrong[0] + 1);
  struct response a, b;
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", key, wrong);
  assert_int_equal(http_get(&server, path, &a), 0);
  assert_int_equal(http_get(&server, "/o/xinxing/progress?number=115-EB01-999999&check=123456", &b),
                   0);
  assert_int_equal(a.status, 404);
  assert_int_equal(b.status, 404);
  assert_non_null(strstr(a.body, "查無符合的案件"));
  assert_non_null(strstr(b.body, "查無符合的案件"));
  response_free(&a);
  response_free(&b);

  /* the receipt's QR link */
  snprintf(path, sizeof(path), "/p/%s", token);
  assert_int_equal(http_get(&server, path, &r), 0);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "黃○同"));
  response_free(&r);
  snprintf(path, sizeof(path), "/p/%s/qr.svg", token);
  assert_int_equal(http_get(&server, path, &r), 0);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "<svg"));
  response_free(&r);
}

static void test_guessing_is_slowed_down(void **state)
{
  struct response r;
  long last = 0;
  for (int i = 0; i < 45 && last != 429; i++) {
    assert_int_equal(
        http_get(&server, "/o/xinxing/progress?number=115-EB01-000001&check=000000", &r), 0);
    last = r.status;
    response_free(&r);
  }
  assert_int_equal(last, 429);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_concurrent_intakes_get_gap_free_numbers),
      cmocka_unit_test(test_receipt_and_public_lookup),
      cmocka_unit_test(test_guessing_is_slowed_down),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
