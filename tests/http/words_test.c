/*
 * words_test.c - words per service (收件字, issue 15): at the xinxing demo office a survey case
 * (鑑界) is numbered with the survey word 新測 (EB02) and a transcript case with 新謄 (EB03), not
 * the registration word 新登; the number as printed is the same on the receipt, the staff case
 * (JSON) and the public progress page; each word numbers from 1 without gaps, apart from the
 * others; the number as printed (any word of the office) finds the case on the progress page
 * and in the staff search; and an admin adds a word through the catalogue's JSON import, after
 * which the service that names it numbers with it (a bad word, or a service naming a word the
 * office lacks, is refused).
 *
 * The server's clock is the harness's fake clock, standing at Monday 2 March 2026, 09:00 in Taipei
 * (ROC year 115).
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
#define NOW      1772413200 /* 2026-03-02T01:00:00Z = 09:00 in Taipei, a working Monday */
#define NAME     "%E9%BB%83%E5%A4%A7%E5%90%8C" /* 黃大同 */
#define BOUNDARY "words-test-boundary"

/* xinxing's services in the demo catalogue's order (data/demo/catalog/xinxing.json). */
enum { SALE_TRANSFER = 1, BOUNDARY_SURVEY = 8, TRANSCRIPT = 11 };

static struct server server;
static struct client clerk;
static const char *const server_env[] = {"BIANMIN_RATE_LOGIN=100000", "BIANMIN_RATE_LOOKUP=100000",
                                         NULL};

/* Takes a case of service_id in at the counter; reads its key, serial and printed number from
 * the staff case JSON. */
static void take_in(int service_id, struct taken_case *out)
{
  char form[512];
  snprintf(form, sizeof(form),
           "service_id=%d&applicant_name=%s&applicant_phone=0912345678&notify=sms&doc_0=x",
           service_id, NAME);
  harness_take_in(&clerk, form, out);
}

static void urlencode(const char *text, char *out, size_t size)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t o = 0;
  for (const unsigned char *p = (const unsigned char *)text; *p && o + 4 < size; p++) {
    if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) {
      out[o++] = (char)*p;
    } else {
      out[o++] = '%';
      out[o++] = hex[*p >> 4];
      out[o++] = hex[*p & 15];
    }
  }
  out[o] = '\0';
}

/* The number t must carry everywhere it is printed: the staff case JSON (read by take_in), the
 * receipt, and the public progress page (JSON and HTML), looked up by the printed number. */
static void expect_printed(const struct taken_case *t, const char *word_zh, const char *code)
{
  char expected[96], path[400], encoded[300];
  snprintf(expected, sizeof(expected), "115年 %s字 第%06lld號", word_zh, t->serial);
  assert_string_equal(t->number, expected);
  snprintf(path, sizeof(path), "115-%s-%06lld", code, t->serial);
  assert_string_equal(t->key, path);
  snprintf(path, sizeof(path), "/staff/cases/%lld/receipt?t=%s", t->id, t->token);
  char *body = expect_page(&server, &clerk, path, 200);
  expect_contains(body, expected);
  if (strcmp(code, "EB01") != 0)
    expect_lacks(body, "新登字");
  free(body);
  urlencode(expected, encoded, sizeof(encoded));
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", encoded, t->check);
  json_t *view = expect_view(&server, NULL, path, 200);
  expect_text_at(view, "case.case_key", t->key);
  expect_text_at(view, "case.number", expected);
  json_decref(view);
  body = expect_page(&server, NULL, path, 200);
  expect_contains(body, expected);
  free(body);
  /* by the token too (the receipt's QR link) */
  snprintf(path, sizeof(path), "/p/%s", t->token);
  view = expect_view(&server, NULL, path, 200);
  expect_text_at(view, "case.number", expected);
  json_decref(view);
}

static int setup(void **state)
{
  /* the fake clock (not BIANMIN_FAKE_NOW), so the admin's TOTP codes match the server's time */
  if (harness_clock_start(NOW) || server_start(&server, server_env))
    return -1;
  client_init(&clerk, &server);
  return client_login(&clerk, "xinxing-clerk", PASSWORD) == 303 ? 0 : -1;
}

static int teardown(void **state)
{
  client_free(&clerk);
  return server_stop(&server) == 0 ? 0 : -1;
}

/* Survey and transcript cases get their own words, each numbered from 1 without gaps and apart
 * from the registration word's numbers. */
static void test_survey_and_transcript_words(void **state)
{
  struct taken_case survey[3], transcript[2], sale;
  for (int i = 0; i < 3; i++)
    take_in(BOUNDARY_SURVEY, &survey[i]);
  take_in(SALE_TRANSFER, &sale);
  for (int i = 0; i < 2; i++)
    take_in(TRANSCRIPT, &transcript[i]);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(survey[i].serial, i + 1);
    expect_printed(&survey[i], "新測", "EB02");
  }
  for (int i = 0; i < 2; i++) {
    assert_int_equal(transcript[i].serial, i + 1);
    expect_printed(&transcript[i], "新謄", "EB03");
  }
  assert_int_equal(sale.serial, 1);
  expect_printed(&sale, "新登", "EB01");
}

/* The staff search (open cases) reads a number printed with any word of the office; on the
 * progress page the same serial with another word, or another office's word, is not this case. */
static void test_lookup_by_printed_number(void **state)
{
  struct taken_case t;
  char path[400], encoded[300], typed[64];
  take_in(BOUNDARY_SURVEY, &t);
  snprintf(typed, sizeof(typed), "115新測%lld", t.serial);
  urlencode(typed, encoded, sizeof(encoded));
  snprintf(path, sizeof(path), "/staff/cases?scope=office&q=%s", encoded);
  json_t *list = expect_view(&server, &clerk, path, 200);
  assert_int_equal(json_integer_value(json_at(list, "total")), 1);
  expect_text_at(list, "rows.0.key", t.key);
  json_decref(list);
  /* the registration word with the same serial is another case (or none), never this one */
  snprintf(typed, sizeof(typed), "115年 新登字 第%06lld號", t.serial);
  urlencode(typed, encoded, sizeof(encoded));
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", encoded, t.check);
  free(expect_page(&server, NULL, path, 404));
  snprintf(typed, sizeof(typed), "115年 竹測字 第%06lld號", t.serial);
  urlencode(typed, encoded, sizeof(encoded));
  snprintf(path, sizeof(path), "/o/xinxing/progress?number=%s&check=%s", encoded, t.check);
  free(expect_page(&server, NULL, path, 404));
}

/* POSTs json to the catalogue admin's import as c; the HTTP status. */
static long import(struct client *c, const char *json, struct response *r)
{
  const char *headers[] = {"Content-Type: multipart/form-data; boundary=" BOUNDARY, NULL};
  struct response page;
  assert_int_equal(client_get(c, "/staff/admin/catalog", &page), 0); /* the CSRF token */
  response_free(&page);
  size_t len = strlen(json) + 512;
  char *body = malloc(len);
  assert_non_null(body);
  int n = snprintf(body, len,
                   "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
                   "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file\"; "
                   "filename=\"catalog.json\"\r\nContent-Type: application/json\r\n\r\n%s\r\n"
                   "--" BOUNDARY "--\r\n",
                   c->csrf, json);
  assert_int_equal(
      client_call(c, "POST", "/staff/admin/catalog/import", headers, body, (size_t)n, r), 0);
  free(body);
  return r->status;
}

/* The land-value query service as exported, renamed to a new word EB04 新價 added in the same
 * document (a new reference). */
static json_t *with_new_word(json_t *exported)
{
  json_t *doc = json_deep_copy(exported), *service;
  size_t i;
  json_array_append_new(
      json_object_get(doc, "words"),
      json_pack("{s:s, s:s, s:s}", "code", "EB04", "word_zh", "新價", "word_en", "Land value"));
  json_array_foreach(json_object_get(doc, "services"), i, service)
  {
    if (strcmp(json_string_value(json_object_get(service, "slug")), "land-value-query") == 0)
      json_object_set_new(service, "case_word_code", json_string("EB04"));
  }
  return doc;
}

/* An admin sets words through the catalogue's JSON: the export carries the office's words, an
 * import adds one, and the service that names it numbers its next case with it. A bad word
 * changes nothing. */
static void test_admin_sets_words_by_catalogue_json(void **state)
{
  struct client admin;
  struct response r;
  char secret[64] = "";
  harness_add_user(&server, "xinxing", "words-admin", "admin", PASSWORD);
  client_init(&admin, &server);
  assert_int_equal(client_login_totp(&admin, "words-admin", PASSWORD, secret, sizeof(secret)), 0);
  assert_int_equal(client_get(&admin, "/staff/admin/catalog/export", &r), 0);
  assert_int_equal(r.status, 200);
  json_t *exported = response_json(&r);
  response_free(&r);
  assert_non_null(exported);
  assert_int_equal(json_array_size(json_object_get(exported, "words")), 3);
  expect_text_at(exported, "words.1.code", "EB02");
  expect_text_at(exported, "words.1.word_zh", "新測");
  /* a word whose code is not a code: refused, nothing changes */
  json_t *bad = with_new_word(exported);
  json_object_set_new(json_array_get(json_object_get(bad, "words"), 3), "code",
                      json_string("EB-4"));
  char *text = json_dumps(bad, JSON_COMPACT);
  assert_int_not_equal(import(&admin, text, &r), 303);
  expect_contains(r.body, "words[3].code");
  response_free(&r);
  free(text);
  json_decref(bad);
  /* a service naming a word the office does not have: refused */
  bad = with_new_word(exported);
  json_array_remove(json_object_get(bad, "words"), 3);
  text = json_dumps(bad, JSON_COMPACT);
  assert_int_not_equal(import(&admin, text, &r), 303);
  expect_contains(r.body, ".case_word_code");
  response_free(&r);
  free(text);
  json_decref(bad);
  struct taken_case t;
  enum { LAND_VALUE_QUERY = 12 };
  take_in(LAND_VALUE_QUERY, &t);
  expect_lacks(t.number, "新價");
  /* the word added with the service naming it */
  json_t *good = with_new_word(exported);
  text = json_dumps(good, JSON_COMPACT);
  if (import(&admin, text, &r) != 303)
    fail_msg("import answered %ld: %.800s", r.status, r.body);
  response_free(&r);
  free(text);
  json_decref(good);
  take_in(LAND_VALUE_QUERY, &t);
  assert_int_equal(t.serial, 1);
  expect_printed(&t, "新價", "EB04");
  json_decref(exported);
  client_free(&admin);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_survey_and_transcript_words),
      cmocka_unit_test(test_lookup_by_printed_number),
      cmocka_unit_test(test_admin_sets_words_by_catalogue_json),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
