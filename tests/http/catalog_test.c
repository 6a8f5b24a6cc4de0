/*
 * catalog_test.c - the public catalogue against a real server with the demo data: every page in
 * both languages and its JSON view, search in Chinese and English, FAQ votes, form downloads,
 * QR codes, 404s for what is not public, bad input refused with nothing changed, and a bad
 * catalogue import through the CLI changing nothing.
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

static struct server server;

static int setup(void **state)
{
  return server_start(&server, NULL);
}

static int teardown(void **state)
{
  return server_stop(&server) == 0 ? 0 : -1;
}

static void get_ok(const char *path, struct response *r)
{
  if (http_get(&server, path, r) != 0 || r->status != 200)
    fail_msg("GET %s: status %ld\n%.1000s", path, r->status, r->body ? r->body : "");
}

/* The JSON view of path (new reference); fails unless 200. */
static json_t *get_json(const char *path)
{
  static const char *const accept[] = {"Accept: application/json", NULL};
  struct response r;
  assert_int_equal(http_call(&server, "GET", path, accept, NULL, 0, &r), 0);
  if (r.status != 200)
    fail_msg("GET %s as JSON: %ld", path, r.status);
  json_t *view = response_json(&r);
  assert_non_null(view);
  response_free(&r);
  return view;
}

static void test_pages_in_both_languages(void **state)
{
  static const struct {
    const char *path;
    const char *zh;
    const char *en;
  } pages[] = {
      {"/o/xinxing/services", "買賣移轉登記", "Transfer of ownership by sale"},
      {"/o/xinxing/services?topic=survey", "土地鑑界", "Boundary survey"},
      {"/o/xinxing/services/sale-transfer", "義務人（賣方）印鑑證明", "seal certificate"},
      {"/o/xinxing/services/mortgage-cancellation", "4 小時", "4 working hours"},
      {"/o/xinxing/services/transcript", "即時", "On the spot"},
      {"/o/xinxing/services/sale-transfer", "3 個工作天", "3 working days"},
      {"/o/xinxing/faq", "買了房子要怎麼過戶？", "How do I register the house I bought"},
      {"/o/xinxing/faq/1", "這個回答對您有幫助嗎？", "Was this answer helpful?"},
      {"/o/xinxing/news", "書狀補給公告", "Public notice: lost title deed"},
      {"/o/xinxing/news/archive", "新興段二小段45地號", "parcel 45"},
      {"/o/xinxing/", "民眾最常問", "Most asked questions"},
      {"/o/kh-udd/services/zoning-certificate", "15 分鐘", "15 minutes"},
      {"/o/niaosong/services", "敬老卡申請", "Senior citizen card"},
  };
  char path[256];
  for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
    struct response r;
    get_ok(pages[i].path, &r);
    expect_contains(r.body, pages[i].zh);
    expect_contains(r.body, "<html lang=\"zh-Hant-TW\"");
    response_free(&r);
    snprintf(path, sizeof(path), "%s%slang=en", pages[i].path,
             strchr(pages[i].path, '?') ? "&" : "?");
    get_ok(path, &r);
    expect_contains(r.body, pages[i].en);
    expect_contains(r.body, "<html lang=\"en\"");
    response_free(&r);
  }
}

/* Every phone of the office's home page (the office's and its units') dials from its link: a
 * tel: URI with the number and then, after a pause, the extension (the stored "07-2358200
 * 分機 201" is no URI); English pages say "ext." where Chinese ones say 分機. */
static void test_phones_dial_with_extension(void **state)
{
  struct response r;
  get_ok("/o/xinxing/", &r);
  expect_contains(r.body, "href=\"tel:+886-7-2358200\">07-2358200</a>");
  expect_contains(r.body, "href=\"tel:+886-7-2358200,201\">07-2358200 分機 201</a>");
  expect_lacks(r.body, "href=\"tel:07-2358200 ");
  response_free(&r);
  get_ok("/o/xinxing/?lang=en", &r);
  expect_contains(r.body, "href=\"tel:+886-7-2358200,201\">07-2358200 ext. 201</a>");
  expect_lacks(r.body, "分機");
  response_free(&r);
  json_t *view = get_json("/o/xinxing/?lang=en");
  expect_text_at(view, "units.0.phone_href", "tel:+886-7-2358200,201");
  expect_text_at(view, "units.0.phone_text", "07-2358200 ext. 201");
  expect_text_at(view, "office.phone_href", "tel:+886-7-2358200");
  json_decref(view);
}

static void test_service_page_and_json(void **state)
{
  struct response r;
  get_ok("/o/xinxing/services/sale-transfer", &r);
  expect_contains(r.body, "<img src=\"/o/xinxing/services/sale-transfer/qr.svg\"");
  expect_contains(r.body, "土地登記申請書（ODF 可編輯）");
  expect_contains(r.body, "填寫範例");
  expect_contains(r.body, "本頁更新日期");
  expect_contains(r.body, "年"); /* the ROC date */
  response_free(&r);
  json_t *view = get_json("/o/xinxing/services/sale-transfer?lang=en");
  json_t *service = json_object_get(view, "service");
  assert_string_equal(json_string_value(json_object_get(service, "name")),
                      "Transfer of ownership by sale");
  assert_string_equal(json_string_value(json_object_get(service, "time_limit")), "3 working days");
  assert_true(json_array_size(json_object_get(service, "documents")) >= 5);
  assert_true(json_array_size(json_object_get(service, "steps")) >= 3);
  assert_int_equal(json_array_size(json_object_get(service, "forms")), 1);
  assert_int_equal(json_array_size(json_object_get(service, "examples")), 1);
  assert_string_equal(
      json_string_value(json_object_get(json_object_get(service, "place"), "counter")), "1-12");
  json_decref(view);
  view = get_json("/o/xinxing/services");
  assert_true(json_array_size(json_object_get(view, "groups")) >= 3);
  json_decref(view);
}

static void test_form_download(void **state)
{
  json_t *view = get_json("/o/xinxing/services/sale-transfer");
  json_t *service = json_object_get(view, "service");
  char odt[256], pdf[256];
  snprintf(odt, sizeof(odt), "%s",
           json_string_value(
               json_object_get(json_array_get(json_object_get(service, "forms"), 0), "href")));
  snprintf(pdf, sizeof(pdf), "%s",
           json_string_value(
               json_object_get(json_array_get(json_object_get(service, "examples"), 0), "href")));
  json_decref(view);
  struct response r;
  get_ok(odt, &r);
  char *type = response_header(&r, "Content-Type");
  char *disposition = response_header(&r, "Content-Disposition");
  assert_string_equal(type, "application/vnd.oasis.opendocument.text");
  expect_contains(disposition, "attachment; filename=\"land-registration-application.odt\"");
  expect_contains(disposition, "filename*=UTF-8''land-registration-application.odt");
  assert_true(r.len > 100 && memcmp(r.body, "PK\3\4", 4) == 0);
  free(type);
  free(disposition);
  response_free(&r);
  get_ok(pdf, &r);
  type = response_header(&r, "Content-Type");
  assert_string_equal(type, "application/pdf");
  assert_true(memcmp(r.body, "%PDF-", 5) == 0);
  free(type);
  response_free(&r);
  /* The same file belongs to no service of the urban development bureau. */
  char other[300];
  snprintf(other, sizeof(other), "/o/kh-udd/files/%s", strrchr(odt, '/') + 1);
  assert_int_equal(http_get(&server, other, &r), 0);
  assert_int_equal(r.status, 404);
  response_free(&r);
  assert_int_equal(http_get(&server, "/o/xinxing/files/not-a-hash", &r), 0);
  assert_int_equal(r.status, 404);
  response_free(&r);
}

static void test_qr_codes(void **state)
{
  struct response r;
  char expected[128];
  get_ok("/o/xinxing/services/sale-transfer/qr.svg", &r);
  char *type = response_header(&r, "Content-Type");
  assert_string_equal(type, "image/svg+xml");
  free(type);
  expect_contains(r.body, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
  expect_contains(r.body, "role=\"img\"");
  snprintf(expected, sizeof(expected),
           "<title>http://127.0.0.1:%d/o/xinxing/services/sale-transfer</title>", server.port);
  expect_contains(r.body, expected);
  response_free(&r);
  json_t *view = get_json("/o/xinxing/news");
  json_t *first = json_array_get(json_object_get(view, "announcements"), 0);
  char path[128];
  snprintf(path, sizeof(path), "%s/qr.svg", json_string_value(json_object_get(first, "href")));
  json_decref(view);
  get_ok(path, &r);
  expect_contains(r.body, "/o/xinxing/news/");
  response_free(&r);
}

static void test_search(void **state)
{
  static const struct {
    const char *path;
    const char *expected;
  } cases[] = {
      {"/o/xinxing/search?q=%E8%B2%B7%E8%B3%A3%20%E9%81%8E%E6%88%B6",
       "買賣移轉登記"},                                                         /* 買賣 過戶 */
      {"/o/xinxing/search?q=%E6%AC%8A%E7%8B%80%E9%81%BA%E5%A4%B1", "書狀補給"}, /* 權狀遺失 */
      {"/o/xinxing/search?q=%E9%91%91%E7%95%8C", "土地鑑界"},                   /* 鑑界 */
      {"/o/xinxing/search?q=mortgage&lang=en", "Registration of a mortgage"},
      {"/o/xinxing/search?q=MORTGAGE&lang=en", "Cancellation of a mortgage"},
      {"/o/xinxing/"
       "search?q=%EF%BD%8D%EF%BD%8F%EF%BD%92%EF%BD%94%EF%BD%87%EF%BD%81%EF%BD%87%EF%BD%85&lang=en",
       "Registration of a mortgage"},                                /* full-width */
      {"/o/xinxing/search?q=%E7%99%BB%E8%A8%98%E8%AA%B2", "登記課"}, /* the unit directory */
      {"/o/xinxing/faq?q=%E8%B2%B7%E8%B3%A3%20%E9%81%8E%E6%88%B6", "買了房子要怎麼過戶？"},
      {"/o/xinxing/faq?q=boundary&lang=en", "How much does a boundary survey cost?"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct response r;
    get_ok(cases[i].path, &r);
    expect_contains(r.body, cases[i].expected);
    response_free(&r);
  }
  json_t *view = get_json("/o/xinxing/search?q=%E8%B2%B7%E8%B3%A3%20%E9%81%8E%E6%88%B6");
  assert_true(json_integer_value(json_object_get(view, "count")) >= 1);
  json_decref(view);
  /* a unit found links to its row in the office home page's directory */
  view = get_json("/o/xinxing/search?q=%E7%99%BB%E8%A8%98%E8%AA%B2"); /* 登記課 */
  const char *href = NULL;
  size_t n;
  json_t *result;
  json_array_foreach(json_object_get(view, "results"), n, result)
  {
    const char *h = json_string_value(json_object_get(result, "href"));
    if (h && strstr(h, "#unit-"))
      href = h;
  }
  assert_non_null(href);
  char target[128];
  snprintf(target, sizeof(target), "id=\"%s\"", strchr(href, '#') + 1);
  struct response home;
  get_ok("/o/xinxing/", &home);
  expect_contains(home.body, target);
  response_free(&home);
  json_decref(view);
  view = get_json("/o/kh-udd/search?q=%E9%91%91%E7%95%8C"); /* 鑑界: only land offices */
  assert_int_equal(json_integer_value(json_object_get(view, "count")), 0); /* other offices' */
  json_decref(view);
}

/* The home page's unit directory names each unit in the page's language and nothing else:
 * the internal code ("registration") is not for citizens. */
static void test_unit_directory_names_only(void **state)
{
  static const char *const paths[] = {"/o/xinxing/", "/o/xinxing/?lang=en", "/o/kh-udd/",
                                      "/o/kh-udd/?lang=en"};
  char row[512];
  for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
    json_t *view = get_json(paths[i]);
    json_t *units = json_object_get(view, "units");
    assert_true(json_array_size(units) >= 2);
    struct response r;
    get_ok(paths[i], &r);
    expect_lacks(r.body, "bm-directory__code");
    size_t n;
    json_t *unit;
    json_array_foreach(units, n, unit)
    {
      const char *name = json_string_value(json_object_get(unit, "name"));
      const char *code = json_string_value(json_object_get(unit, "code"));
      assert_true(name && *name && code && *code && strcmp(name, code) != 0);
      snprintf(row, sizeof(row), "bm-directory__keep\">%s</th>", name);
      expect_contains(r.body, row);
      /* a unit without a public counter says so: no empty "Counter:" on a phone */
      const char *counter = json_string_value(json_object_get(unit, "counter"));
      if (counter && !*counter)
        expect_contains(r.body, i % 2 ? "No public counter" : "無對外櫃台");
    }
    expect_lacks(r.body, "</span></td>"); /* no cell left empty after its label */
    response_free(&r);
    json_decref(view);
  }
}

static json_int_t helpful_count(const char *field)
{
  json_t *view = get_json("/o/xinxing/faq/2");
  json_int_t n = json_integer_value(json_object_get(view, field));
  json_decref(view);
  return n;
}

static void test_votes(void **state)
{
  static const char *const form[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
  json_int_t yes = helpful_count("helpful"), no = helpful_count("not_helpful");
  struct client c;
  struct response r;
  client_init(&c, &server);
  assert_int_equal(client_get(&c, "/o/xinxing/faq/2", &r), 0); /* the page gives the token */
  response_free(&r);
  assert_int_equal(client_post(&c, "/o/xinxing/faq/2/vote", "helpful=yes", &r), 0);
  assert_int_equal(r.status, 303);
  char *location = response_header(&r, "Location");
  assert_string_equal(location, "/o/xinxing/faq/2?thanks=1");
  free(location);
  response_free(&r);
  assert_int_equal(helpful_count("helpful"), yes + 1);
  get_ok("/o/xinxing/faq/2?thanks=1", &r);
  expect_contains(r.body, "謝謝您的回饋");
  response_free(&r);
  /* Without the form's token (a forged cross-site post): refused, nothing counted. */
  assert_int_equal(http_call(&server, "POST", "/o/xinxing/faq/2/vote", form, "helpful=yes", 11, &r),
                   0);
  assert_int_equal(r.status, 403);
  response_free(&r);
  /* Bad input: refused, nothing counted. */
  assert_int_equal(client_post(&c, "/o/xinxing/faq/2/vote", "helpful=maybe", &r), 0);
  assert_int_equal(r.status, 400);
  response_free(&r);
  assert_int_equal(client_post(&c, "/o/xinxing/faq/2/vote", "", &r), 0);
  assert_int_equal(r.status, 400);
  response_free(&r);
  assert_int_equal(client_post(&c, "/o/xinxing/faq/99999/vote", "helpful=no", &r), 0);
  assert_int_equal(r.status, 404);
  response_free(&r);
  client_free(&c);
  assert_int_equal(helpful_count("helpful"), yes + 1);
  assert_int_equal(helpful_count("not_helpful"), no);
}

static void test_bad_input_and_not_found(void **state)
{
  static const struct {
    const char *path;
    long status;
  } cases[] = {
      {"/o/xinxing/services?topic=cooking", 400},
      {"/o/xinxing/services/no-such-service", 404},
      {"/o/xinxing/services/NOT_A_SLUG", 404},
      {"/o/nowhere/services", 404},
      {"/o/xinxing/faq/abc", 404},
      {"/o/xinxing/faq/0", 404},
      {"/o/xinxing/news/99999", 404},
      {"/o/xinxing/news/abc/qr.svg", 404},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct response r;
    assert_int_equal(http_get(&server, cases[i].path, &r), 0);
    if (r.status != cases[i].status)
      fail_msg("GET %s: %ld, expected %ld", cases[i].path, r.status, cases[i].status);
    response_free(&r);
  }
  /* A search of 101 characters is refused. */
  char path[1200];
  size_t used = (size_t)snprintf(path, sizeof(path), "/o/xinxing/faq?q=");
  for (int i = 0; i < 101; i++)
    used += (size_t)snprintf(path + used, sizeof(path) - used, "%%E9%%95%%B7");
  struct response r;
  assert_int_equal(http_get(&server, path, &r), 0);
  assert_int_equal(r.status, 400);
  response_free(&r);
  assert_int_equal(http_call(&server, "PUT", "/o/xinxing/faq/1/vote", NULL, NULL, 0, &r), 0);
  assert_int_equal(r.status, 405);
  response_free(&r);
}

static void write_text(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  assert_int_equal(fclose(f), 0);
}

/* An unpublished service is 404; a bad import through the CLI changes nothing. */
static void test_cli_import(void **state)
{
  char path[400];
  snprintf(path, sizeof(path), "%s/draft.json", server.dir);
  write_text(path, "{\"format\": \"bianmin-catalog\", \"version\": 1, \"services\": [{\"slug\": "
                   "\"draft\", \"name_zh\": \"草稿服務\", \"time_limit_minutes\": 60, "
                   "\"published\": false}]}");
  const char *import[] = {"catalog-import", "--office", "xinxing", path, NULL};
  assert_int_equal(server_cli(&server, import), 0);
  struct response r;
  assert_int_equal(http_get(&server, "/o/xinxing/services/draft", &r), 0);
  assert_int_equal(r.status, 404);
  response_free(&r);
  json_t *before = get_json("/o/xinxing/services");
  write_text(path, "{\"format\": \"bianmin-catalog\", \"version\": 1, \"services\": [{\"slug\": "
                   "\"draft\", \"name_zh\": \"改過的草稿\", \"time_limit_minutes\": 60, "
                   "\"published\": true}, {\"slug\": \"bad\", \"name_zh\": \"壞的\", "
                   "\"time_limit_minutes\": 99999, \"published\": true}]}");
  assert_int_equal(server_cli(&server, import), 1);
  assert_int_equal(http_get(&server, "/o/xinxing/services/draft", &r), 0);
  assert_int_equal(r.status, 404); /* the first record was not published either */
  response_free(&r);
  json_t *after = get_json("/o/xinxing/services");
  assert_true(json_equal(before, after));
  json_decref(before);
  json_decref(after);
  write_text(path, "{not json");
  assert_int_equal(server_cli(&server, import), 1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pages_in_both_languages),
      cmocka_unit_test(test_phones_dial_with_extension),
      cmocka_unit_test(test_service_page_and_json),
      cmocka_unit_test(test_form_download),
      cmocka_unit_test(test_qr_codes),
      cmocka_unit_test(test_search),
      cmocka_unit_test(test_unit_directory_names_only),
      cmocka_unit_test(test_votes),
      cmocka_unit_test(test_bad_input_and_not_found),
      cmocka_unit_test(test_cli_import),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
