/*
 * catalog_admin_test.c - catalogue administration against a real server: creating and editing
 * a service in both languages, publishing and unpublishing (the public page appears and
 * disappears), bad input in every admin form (400, the field named, the record unchanged),
 * form uploads checked by their real type and size, roles (403) and offices (404), the
 * revision history, and export/import (round trip, bad JSON refused with its path, nothing
 * changed).
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

#define DEMO_PASSWORD  "bianmin-demo-2026"
#define ADMIN_PASSWORD "admin-password-123"
#define RATE_ENV       "BIANMIN_RATE_LOGIN=100000"
#define BOUNDARY       "----bmTestBoundary7e3"
#define ODT_PATH       BIANMIN_SOURCE_DIR "/data/demo/catalog/forms/land-survey-application.odt"

static struct server server;
static struct client admin_a, admin_b; /* xinxing and anle admins, signed in once */
static char secret_a[64], secret_b[64];
static long long service_id; /* the service test_create_edit_publish makes */

static const char *const accept_json[] = {"Accept: application/json", NULL};

static void add_user(const char *office, const char *username, const char *roles)
{
  const char *args[] = {"user",   "add",        "--office", office, "--username",  username,
                        "--name", "目錄管理員", "--roles",  roles,  "--no-expire", NULL};
  const char *env[] = {"BIANMIN_PASSWORD=" ADMIN_PASSWORD, NULL};
  assert_int_equal(server_cli_env(&server, args, env), 0);
}

static int setup(void **state)
{
  const char *env[] = {RATE_ENV, NULL};
  if (server_start(&server, env))
    return -1;
  add_user("xinxing", "cat-admin-a", "admin");
  add_user("anle", "cat-admin-b", "admin");
  client_init(&admin_a, &server);
  client_init(&admin_b, &server);
  if (client_login_totp(&admin_a, "cat-admin-a", ADMIN_PASSWORD, secret_a, sizeof(secret_a)) ||
      client_login_totp(&admin_b, "cat-admin-b", ADMIN_PASSWORD, secret_b, sizeof(secret_b)))
    return -1;
  return 0;
}

static int teardown(void **state)
{
  client_free(&admin_a);
  client_free(&admin_b);
  return server_stop(&server) == 0 ? 0 : -1;
}

/* Percent-encodes s (for urlencoded form values) into a static buffer ring. */
static const char *enc(const char *s)
{
  static char ring[8][8192];
  static int next;
  char *out = ring[next++ % 8];
  size_t o = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p && o + 4 < sizeof(ring[0]); p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
        *p == '-' || *p == '_' || *p == '.')
      out[o++] = (char)*p;
    else
      o += (size_t)snprintf(out + o, 4, "%%%02X", *p);
  }
  out[o] = '\0';
  return out;
}

/* Refreshes the client's CSRF token from an HTML page. */
static void refresh_csrf(struct client *c)
{
  struct response r;
  assert_int_equal(client_get(c, "/staff/", &r), 0);
  response_free(&r);
}

static long post(struct client *c, const char *path, const char *form, struct response *r)
{
  refresh_csrf(c);
  assert_int_equal(client_post(c, path, form, r), 0);
  return r->status;
}

static long get_status(struct client *c, const char *path)
{
  struct response r;
  assert_int_equal(client_get(c, path, &r), 0);
  long status = r.status;
  response_free(&r);
  return status;
}

static json_t *get_json(struct client *c, const char *path)
{
  struct response r;
  assert_int_equal(client_call(c, "GET", path, accept_json, NULL, 0, &r), 0);
  assert_int_equal(r.status, 200);
  json_t *j = response_json(&r);
  response_free(&r);
  assert_non_null(j);
  return j;
}

/* A record's admin view (values, state, last update) as JSON text, for before/after. */
static char *record_state(struct client *c, const char *path)
{
  json_t *view = get_json(c, path);
  json_object_del(view, "notice");
  char *text = json_dumps(view, JSON_SORT_KEYS | JSON_COMPACT);
  json_decref(view);
  return text;
}

static long long id_from_location(const struct response *r)
{
  char *location = response_header(r, "Location");
  assert_non_null(location);
  const char *last = strrchr(location, '/');
  long long id = strtoll(last + 1, NULL, 10);
  free(location);
  return id;
}

#define SERVICE_FORM                                                                               \
  "name_zh=%s&name_en=%s&summary_zh=%s&summary_en=Test+summary&steps_zh=%s&steps_en=%s"            \
  "&documents_zh=%s&documents_en=ID+card&time_limit_value=%s&time_limit_unit=days&unit="           \
  "registration&topic=registration&fee_amount=&channel_counter=1&sort=5"

static void service_form(char *out, size_t size, const char *slug, const char *name_zh,
                         const char *name_en, const char *days)
{
  char rest[4096];
  snprintf(rest, sizeof(rest), SERVICE_FORM, enc(name_zh), enc(name_en), enc("測試用的服務"),
           enc("第一步\r\n\r\n第二步\r\n"), enc("Step one\nStep two"), enc("身分證"), days);
  snprintf(out, size, "%s%s%s%s", slug ? "slug=" : "", slug ? slug : "", slug ? "&" : "", rest);
}

static void test_non_admin_gets_403(void **state)
{
  struct client c;
  struct response r;
  client_init(&c, &server);
  assert_int_equal(client_login(&c, "xinxing-clerk", DEMO_PASSWORD), 303);
  assert_int_equal(get_status(&c, "/staff/admin/catalog"), 403);
  assert_int_equal(get_status(&c, "/staff/admin/catalog/services"), 403);
  assert_int_equal(get_status(&c, "/staff/admin/catalog/export"), 403);
  assert_int_equal(post(&c, "/staff/admin/catalog/services", "slug=x&name_zh=x", &r), 403);
  response_free(&r);
  assert_int_equal(client_get(&c, "/staff/", &r), 0);
  assert_null(strstr(r.body, "/staff/admin/catalog"));
  response_free(&r);
  client_free(&c);
  /* an admin's home links to the catalogue */
  assert_int_equal(client_get(&admin_a, "/staff/", &r), 0);
  expect_contains(r.body, "href=\"/staff/admin/catalog\"");
  response_free(&r);
}

static void test_create_edit_publish(void **state)
{
  struct response r;
  char form[4096], path[128];
  service_form(form, sizeof(form), "admin-test", "測試服務", "Test service", "3");
  assert_int_equal(post(&admin_a, "/staff/admin/catalog/services", form, &r), 303);
  service_id = id_from_location(&r);
  response_free(&r);
  assert_true(service_id > 0);
  snprintf(path, sizeof(path), "/staff/admin/catalog/services/%lld", service_id);

  /* stored as typed, lists one item per line (blank lines dropped), 3 days = 1440 minutes */
  json_t *view = get_json(&admin_a, path);
  assert_false(json_is_true(json_object_get(json_object_get(view, "record"), "published")));
  char *text = json_dumps(view, JSON_COMPACT);
  expect_contains(text, "\"value\":\"第一步\\n第二步\"");
  expect_contains(text, "\"value\":\"Test service\"");
  expect_contains(text, "\"lang\":\"en\"");
  free(text);
  json_decref(view);
  assert_int_equal(get_status(&admin_a, "/o/xinxing/services/admin-test"), 404);

  /* publish: the public page appears, in both languages */
  char action[160];
  snprintf(action, sizeof(action), "%s/publish", path);
  assert_int_equal(post(&admin_a, action, "", &r), 303);
  response_free(&r);
  assert_int_equal(http_get(&server, "/o/xinxing/services/admin-test", &r), 0);
  assert_int_equal(r.status, 200);
  expect_contains(r.body, "測試服務");
  expect_contains(r.body, "第二步");
  response_free(&r);
  assert_int_equal(http_get(&server, "/o/xinxing/services/admin-test?lang=en", &r), 0);
  expect_contains(r.body, "Test service");
  expect_contains(r.body, "3 working days");
  response_free(&r);

  /* edit the English name and the time limit: the public page follows, still published */
  service_form(form, sizeof(form), NULL, "測試服務", "Renamed test service", "2");
  assert_int_equal(post(&admin_a, path, form, &r), 303);
  response_free(&r);
  assert_int_equal(http_get(&server, "/o/xinxing/services/admin-test?lang=en", &r), 0);
  assert_int_equal(r.status, 200);
  expect_contains(r.body, "Renamed test service");
  expect_contains(r.body, "2 working days");
  response_free(&r);

  /* unpublish: the public page disappears */
  snprintf(action, sizeof(action), "%s/unpublish", path);
  assert_int_equal(post(&admin_a, action, "", &r), 303);
  response_free(&r);
  assert_int_equal(get_status(&admin_a, "/o/xinxing/services/admin-test"), 404);
  /* the list shows it, not published */
  assert_int_equal(client_get(&admin_a, "/staff/admin/catalog/services", &r), 0);
  expect_contains(r.body, "admin-test");
  response_free(&r);
}

/* The count of the public JSON view at path. */
static long long public_count(const char *path)
{
  json_t *view = get_json(&admin_a, path);
  long long count = json_integer_value(json_object_get(view, "count"));
  json_decref(view);
  return count;
}

/* The search and the FAQ page keep their answers in memory per directory snapshot: an FAQ
 * entry published, edited and unpublished through this server changes them at once (the next
 * request, no waiting). */
static void test_faq_edit_seen_at_once_by_searches(void **state)
{
  (void)state;
  struct response r;
  char form[1024], path[128], action[160];
  const char *faq = "/o/xinxing/faq?q=quokka&lang=en",
             *search = "/o/xinxing/search?q=quokka&lang=en";
  assert_int_equal(public_count(faq), 0); /* kept: nothing found */
  assert_int_equal(public_count(search), 0);
  snprintf(form, sizeof(form),
           "slug=quokka-faq&question_zh=%s&question_en=Quokka question&answer_zh=%s",
           enc("短尾矮袋鼠？"), enc("測試回答。"));
  assert_int_equal(post(&admin_a, "/staff/admin/catalog/faq", form, &r), 303);
  long long id = id_from_location(&r);
  response_free(&r);
  assert_true(id > 0);
  assert_int_equal(public_count(faq), 0); /* not published yet */
  snprintf(path, sizeof(path), "/staff/admin/catalog/faq/%lld", id);
  snprintf(action, sizeof(action), "%s/publish", path);
  assert_int_equal(post(&admin_a, action, "", &r), 303);
  response_free(&r);
  assert_int_equal(public_count(faq), 1);
  assert_int_equal(public_count(search), 1);
  json_t *view = get_json(&admin_a, faq);
  expect_text_at(view, "results.0.question", "Quokka question");
  json_decref(view);
  snprintf(action, sizeof(action), "%s/unpublish", path);
  assert_int_equal(post(&admin_a, action, "", &r), 303);
  response_free(&r);
  assert_int_equal(public_count(faq), 0);
  assert_int_equal(public_count(search), 0);
}

/* Posts form to path and expects 400 naming input, with the record at state_path unchanged. */
static void refused(struct client *c, const char *path, const char *form, const char *input,
                    const char *label, const char *state_path)
{
  struct response r;
  char *before = record_state(c, state_path);
  char anchor[96];
  if (post(c, path, form, &r) != 400)
    fail_msg("%s with %s: status %ld, not 400", path, form, r.status);
  snprintf(anchor, sizeof(anchor), "href=\"#%s\"", input);
  expect_contains(r.body, anchor);
  if (label)
    expect_contains(r.body, label);
  response_free(&r);
  char *after = record_state(c, state_path);
  assert_string_equal(before, after);
  free(before);
  free(after);
}

static void test_bad_service_input(void **state)
{
  char path[128], form[8192], steps[4096] = "";
  snprintf(path, sizeof(path), "/staff/admin/catalog/services/%lld", service_id);
  service_form(form, sizeof(form), NULL, "", "x", "3");
  refused(&admin_a, path, form, "name_zh", "服務名稱（中文）", path);
  service_form(form, sizeof(form), NULL, "名稱", "x", "91");
  refused(&admin_a, path, form, "time_limit_value", "處理期限", path);
  service_form(form, sizeof(form), NULL, "名稱", "two\nlines", "1");
  refused(&admin_a, path, form, "name_en", "服務名稱（英文）", path);
  service_form(form, sizeof(form), NULL, "名稱", "x", "abc");
  refused(&admin_a, path, form, "time_limit_value", NULL, path);
  snprintf(form, sizeof(form), "name_zh=x&time_limit_value=1&time_limit_unit=days&online_url=%s",
           enc("http://example.org/"));
  refused(&admin_a, path, form, "online_url", "https://", path);
  refused(&admin_a, path, "name_zh=x&time_limit_value=1&time_limit_unit=days&fee_amount=12a",
          "fee_amount", NULL, path);
  refused(&admin_a, path, "name_zh=x&time_limit_value=1&time_limit_unit=days&unit=nowhere", "unit",
          NULL, path);
  refused(&admin_a, path, "name_zh=x&time_limit_value=1&time_limit_unit=weeks", "time_limit_value",
          NULL, path);
  for (int i = 0; i < 41; i++)
    snprintf(steps + strlen(steps), sizeof(steps) - strlen(steps), "s%d%%0A", i);
  snprintf(form, sizeof(form), "name_zh=x&time_limit_value=1&time_limit_unit=days&steps_zh=%s",
           steps);
  refused(&admin_a, path, form, "steps_zh", "辦理流程（中文）", path);
  /* creating: a bad slug, and a slug that is taken (sale-transfer stays as it was) */
  json_t *list = get_json(&admin_a, "/staff/admin/catalog/services");
  char sale[128] = "";
  size_t i;
  json_t *item;
  json_array_foreach(
      json_object_get(list, "items"), i,
      item) if (strcmp(json_string_value(json_object_get(item, "slug")), "sale-transfer") == 0)
      snprintf(sale, sizeof(sale), "%s", json_string_value(json_object_get(item, "href")));
  json_decref(list);
  assert_true(sale[0] != '\0');
  service_form(form, sizeof(form), "Bad_Slug", "名稱", "x", "1");
  refused(&admin_a, "/staff/admin/catalog/services", form, "slug", "網址代碼", sale);
  service_form(form, sizeof(form), "sale-transfer", "搶走", "x", "1");
  refused(&admin_a, "/staff/admin/catalog/services", form, "slug", "網址代碼", sale);
}

static long long first_id(struct client *c, const char *list_path, char *href, size_t size)
{
  json_t *list = get_json(c, list_path);
  json_t *item = json_array_get(json_object_get(list, "items"), 0);
  assert_non_null(item);
  snprintf(href, size, "%s", json_string_value(json_object_get(item, "href")));
  json_decref(list);
  return 1;
}

static void test_bad_faq_and_announcement_input(void **state)
{
  char faq[128], news[128], form[1024];
  first_id(&admin_a, "/staff/admin/catalog/faq", faq, sizeof(faq));
  first_id(&admin_a, "/staff/admin/catalog/announcements", news, sizeof(news));
  snprintf(form, sizeof(form), "question_zh=%s&answer_zh=", enc("問題"));
  refused(&admin_a, faq, form, "answer_zh", "回答（中文）", faq);
  refused(&admin_a, faq, "question_zh=q&answer_zh=a&sort=-1", "sort", NULL, faq);
  refused(&admin_a, "/staff/admin/catalog/faq", "slug=new-faq&question_zh=&answer_zh=a",
          "question_zh", NULL, faq);
  refused(&admin_a, news, "kind=general&title_zh=t&starts_on=2026-03-10&ends_on=2026-03-01",
          "ends_on", "公告結束日", news);
  refused(&admin_a, news, "kind=general&title_zh=t&starts_on=2026-02-30&ends_on=2026-03-01",
          "starts_on", NULL, news);
  refused(&admin_a, news, "kind=rumour&title_zh=t&starts_on=2026-03-01&ends_on=2026-03-01", "kind",
          NULL, news);
  refused(&admin_a, "/staff/admin/catalog/announcements",
          "slug=n1&kind=general&title_zh=&starts_on=2026-03-01&ends_on=2026-03-01", "title_zh",
          NULL, news);
  /* a good FAQ entry is created, and can be published */
  struct response r;
  snprintf(form, sizeof(form), "slug=admin-faq&question_zh=%s&question_en=Q&answer_zh=%s",
           enc("測試問題？"), enc("測試回答。"));
  assert_int_equal(post(&admin_a, "/staff/admin/catalog/faq", form, &r), 303);
  response_free(&r);
}

/* A multipart body: csrf, kind, titles and one file. Returns its length; *body is malloc'd. */
static size_t multipart(const char *csrf, const char *filename, const void *data, size_t len,
                        char **body)
{
  char head[1024];
  int n = snprintf(head, sizeof(head),
                   "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
                   "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"form_kind\"\r\n\r\n"
                   "form\r\n--" BOUNDARY "\r\nContent-Disposition: form-data; "
                   "name=\"form_title_zh\"\r\n\r\n測量申請書\r\n--" BOUNDARY
                   "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                   "Content-Type: application/octet-stream\r\n\r\n",
                   csrf, filename);
  const char tail[] = "\r\n--" BOUNDARY "--\r\n";
  *body = malloc((size_t)n + len + sizeof(tail));
  memcpy(*body, head, (size_t)n);
  memcpy(*body + n, data, len);
  memcpy(*body + n + len, tail, sizeof(tail));
  return (size_t)n + len + sizeof(tail) - 1;
}

static long upload(struct client *c, const char *path, const char *filename, const void *data,
                   size_t len, struct response *r)
{
  const char *headers[] = {"Content-Type: multipart/form-data; boundary=" BOUNDARY, NULL};
  char *body;
  refresh_csrf(c);
  size_t body_len = multipart(c->csrf, filename, data, len, &body);
  assert_int_equal(client_call(c, "POST", path, headers, body, body_len, r), 0);
  free(body);
  return r->status;
}

static char *read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  char *data = malloc(1 << 20);
  *len = fread(data, 1, 1 << 20, f);
  fclose(f);
  return data;
}

static void test_form_upload(void **state)
{
  struct response r;
  char path[160], forms[160], state_path[128];
  size_t odt_len;
  char *odt = read_file(ODT_PATH, &odt_len);
  odt[odt_len++] = '\n'; /* new bytes (files are content-addressed), still an ODF text */
  snprintf(state_path, sizeof(state_path), "/staff/admin/catalog/services/%lld", service_id);
  snprintf(forms, sizeof(forms), "%s/forms", state_path);
  snprintf(path, sizeof(path), "%s", forms);
  assert_int_equal(upload(&admin_a, path, "../../測量申請書.odt", odt, odt_len, &r), 303);
  response_free(&r);
  json_t *view = get_json(&admin_a, state_path);
  json_t *form = json_array_get(json_object_get(view, "forms"), 0);
  assert_non_null(form);
  assert_string_equal(json_string_value(json_object_get(form, "name")), "測量申請書.odt");
  assert_string_equal(json_string_value(json_object_get(form, "format")), "ODT");
  char remove[200];
  snprintf(remove, sizeof(remove), "%s", json_string_value(json_object_get(form, "remove_action")));
  json_decref(view);

  /* fakes: a PNG and a text file named .odt, a text named .pdf, no file: 400, nothing changes */
  static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
  char *before = record_state(&admin_a, state_path);
  assert_int_equal(upload(&admin_a, path, "form.odt", png, sizeof(png), &r), 400);
  expect_contains(r.body, "href=\"#form_file\"");
  expect_contains(r.body, "ODF");
  response_free(&r);
  assert_int_equal(upload(&admin_a, path, "form.odt", "hello, not a form", 17, &r), 400);
  response_free(&r);
  assert_int_equal(upload(&admin_a, path, "form.pdf", "hello, not a form", 17, &r), 400);
  response_free(&r);
  assert_int_equal(upload(&admin_a, path, "form.exe", odt, odt_len, &r), 400);
  response_free(&r);
  /* oversize: over 5 MiB within the route's cap is named; beyond the cap is refused unread */
  size_t big_len = 5 * 1024 * 1024 + 100;
  char *big = calloc(1, 7 * 1024 * 1024);
  memcpy(big, odt, odt_len);
  assert_int_equal(upload(&admin_a, path, "big.odt", big, big_len, &r), 413);
  expect_contains(r.body, "5 MB");
  response_free(&r);
  assert_int_equal(upload(&admin_a, path, "big.odt", big, 7 * 1024 * 1024, &r), 413);
  response_free(&r);
  free(big);
  /* a malformed body (no final boundary) */
  const char *headers[] = {"Content-Type: multipart/form-data; boundary=" BOUNDARY, NULL};
  char cut[512];
  int n = snprintf(cut, sizeof(cut),
                   "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s",
                   admin_a.csrf);
  assert_int_equal(client_call(&admin_a, "POST", path, headers, cut, (size_t)n, &r), 0);
  assert_int_equal(r.status, 400);
  response_free(&r);
  char *after = record_state(&admin_a, state_path);
  assert_string_equal(before, after);
  free(before);
  free(after);

  /* removing the form */
  assert_int_equal(post(&admin_a, remove, "", &r), 303);
  response_free(&r);
  view = get_json(&admin_a, state_path);
  assert_int_equal(json_array_size(json_object_get(view, "forms")), 0);
  json_decref(view);
  free(odt);
}

static void test_other_office_gets_404(void **state)
{
  struct response r;
  char path[160], form[1024];
  snprintf(path, sizeof(path), "/staff/admin/catalog/services/%lld", service_id);
  char *before = record_state(&admin_a, path);
  assert_int_equal(get_status(&admin_b, path), 404);
  char history[200];
  snprintf(history, sizeof(history), "%s/history", path);
  assert_int_equal(get_status(&admin_b, history), 404);
  service_form(form, sizeof(form), NULL, "搶改", "Hijacked", "1");
  assert_int_equal(post(&admin_b, path, form, &r), 404);
  response_free(&r);
  char action[200];
  snprintf(action, sizeof(action), "%s/publish", path);
  assert_int_equal(post(&admin_b, action, "", &r), 404);
  response_free(&r);
  snprintf(action, sizeof(action), "%s/forms", path);
  assert_int_equal(upload(&admin_b, action, "a.pdf", "%PDF-1.4 x", 10, &r), 404);
  response_free(&r);
  char *after = record_state(&admin_a, path);
  assert_string_equal(before, after);
  free(before);
  free(after);
  /* and its own list does not show it */
  assert_int_equal(client_get(&admin_b, "/staff/admin/catalog/services", &r), 0);
  assert_null(strstr(r.body, "admin-test"));
  response_free(&r);
}

static void test_revision_history(void **state)
{
  char path[200];
  snprintf(path, sizeof(path), "/staff/admin/catalog/services/%lld/history?lang=en", service_id);
  json_t *view = get_json(&admin_a, path);
  json_t *revisions = json_object_get(view, "revisions");
  /* create, publish, update, unpublish, upload, remove: newest first */
  assert_true(json_array_size(revisions) >= 6);
  json_t *oldest = json_array_get(revisions, json_array_size(revisions) - 1);
  assert_string_equal(json_string_value(json_object_get(oldest, "action")), "Created");
  assert_string_equal(json_string_value(json_object_get(oldest, "actor")), "目錄管理員");
  char *text = json_dumps(revisions, JSON_COMPACT);
  expect_contains(text, "Service name (English)");
  expect_contains(text, "Time limit");
  expect_contains(text, "Published");
  expect_contains(text, "Forms to download");
  free(text);
  json_decref(view);
  assert_int_equal(get_status(&admin_a, "/staff/admin/catalog/services/999999/history"), 404);
  assert_int_equal(get_status(&admin_a, "/staff/admin/catalog/nothing"), 404);
}

static char *export_text(struct client *c)
{
  struct response r;
  assert_int_equal(client_get(c, "/staff/admin/catalog/export", &r), 0);
  assert_int_equal(r.status, 200);
  char *disposition = response_header(&r, "Content-Disposition");
  assert_non_null(disposition);
  expect_contains(disposition, "attachment; filename=\"catalog-");
  free(disposition);
  char *text = strdup(r.body);
  response_free(&r);
  return text;
}

static long import(struct client *c, const char *json, struct response *r)
{
  const char *headers[] = {"Content-Type: multipart/form-data; boundary=" BOUNDARY, NULL};
  refresh_csrf(c);
  size_t len = strlen(json) + 512;
  char *body = malloc(len);
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

static void test_export_import_round_trip(void **state)
{
  struct response r;
  char *exported = export_text(&admin_a);
  json_t *doc = json_loads(exported, 0, NULL);
  assert_non_null(doc);
  assert_string_equal(json_string_value(json_object_get(doc, "format")), "bianmin-catalog");
  assert_string_equal(json_string_value(json_object_get(doc, "office")), "xinxing");
  size_t services = json_array_size(json_object_get(doc, "services"));
  /* into anle (another office: units are its own, so the document's unit codes are cleared):
   * a summary, and anle now has the test service */
  size_t i;
  json_t *service;
  json_array_foreach(json_object_get(doc, "services"), i, service)
      json_object_set_new(service, "unit", json_string(""));
  char *moved = json_dumps(doc, 0);
  json_decref(doc);
  if (import(&admin_b, moved, &r) != 303)
    fail_msg("import: %ld %s", r.status, strstr(r.body, "govuk-error-summary__list"));
  free(moved);
  char *location = response_header(&r, "Location");
  char expected[64];
  snprintf(expected, sizeof(expected), "imported_services=%zu", services);
  expect_contains(location, expected);
  free(location);
  response_free(&r);
  assert_int_equal(client_get(&admin_b, "/staff/admin/catalog/services", &r), 0);
  expect_contains(r.body, "admin-test");
  response_free(&r);
  assert_int_equal(client_get(&admin_b,
                              "/staff/admin/catalog?imported_services=13&imported_faq=12"
                              "&imported_announcements=3",
                              &r),
                   0);
  expect_contains(r.body, "目錄已匯入");
  response_free(&r);
  /* back into xinxing: nothing changes, so the export is the same */
  assert_int_equal(import(&admin_a, exported, &r), 303);
  response_free(&r);
  char *again = export_text(&admin_a);
  assert_string_equal(exported, again);
  free(again);
  free(exported);
  /* both are in the audit trail */
  json_t *audit = get_json(&admin_a, "/staff/admin/audit?action=catalog.import");
  char *text = json_dumps(audit, JSON_COMPACT);
  expect_contains(text, "catalog.import");
  free(text);
  json_decref(audit);
  audit = get_json(&admin_a, "/staff/admin/audit?action=catalog.export");
  text = json_dumps(audit, JSON_COMPACT);
  expect_contains(text, "catalog.export");
  free(text);
  json_decref(audit);
}

static void test_bad_import_changes_nothing(void **state)
{
  struct response r;
  char *before = export_text(&admin_a);
  assert_int_equal(import(&admin_a, "{\"format\": \"bianmin-catalog\", \"version\": 1,", &r), 400);
  expect_contains(r.body, "href=\"#file\"");
  expect_contains(r.body, "JSON");
  response_free(&r);
  /* the first service is fine, the second breaks: the first must not be saved either */
  const char bad[] =
      "{\"format\": \"bianmin-catalog\", \"version\": 1, \"services\": ["
      "{\"slug\": \"import-ok\", \"name_zh\": \"匯入\", \"time_limit_minutes\": 60},"
      "{\"slug\": \"import-bad\", \"name_zh\": \"壞\", \"time_limit_minutes\": 99999}]}";
  assert_int_equal(import(&admin_a, bad, &r), 400);
  expect_contains(r.body, "services[1].time_limit_minutes");
  response_free(&r);
  assert_int_equal(import(&admin_a,
                          "{\"format\": \"bianmin-catalog\", \"version\": 1, "
                          "\"faq\": [{\"slug\": \"x\", \"colour\": 1}]}",
                          &r),
                   400);
  expect_contains(r.body, "faq[0].colour");
  response_free(&r);
  char *after = export_text(&admin_a);
  assert_string_equal(before, after);
  assert_null(strstr(after, "import-ok"));
  free(before);
  free(after);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_non_admin_gets_403),
      cmocka_unit_test(test_create_edit_publish),
      cmocka_unit_test(test_bad_service_input),
      cmocka_unit_test(test_bad_faq_and_announcement_input),
      cmocka_unit_test(test_faq_edit_seen_at_once_by_searches),
      cmocka_unit_test(test_form_upload),
      cmocka_unit_test(test_other_office_gets_404),
      cmocka_unit_test(test_revision_history),
      cmocka_unit_test(test_export_import_round_trip),
      cmocka_unit_test(test_bad_import_changes_nothing),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
